/**
 * A short timed training trial, for choosing between backends by speed
 * rather than by kind.
 *
 * A hardware GPU is not always the faster choice for this small network:
 * tfjs runs a training step on WebGPU as about 100 kernel calls,
 * while on wasm the convolutional trunk is one WebAssembly SIMD kernel each
 * way (lib/train/kernels/trunk.c). {@linkcode chooseFasterBackend} trains a
 * few batches on each candidate and keeps the faster one.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { createNetwork } from "../model/mod.ts";
import { seededRandom } from "../random.ts";
import { nllLoss } from "./train.ts";

/** Options of {@linkcode measureTrainingSpeed}. */
export interface SpeedTrialOptions {
  /** Images per step; default 20, the exercise's batch size. */
  batchSize?: number;
  /** Untimed steps first, which compile shaders and warm caches; default 3. */
  warmupSteps?: number;
  /** Timed steps at most; default 40. */
  maxSteps?: number;
  /** Stop timing after this many seconds, even before `maxSteps`; default 0.5. */
  maxSeconds?: number;
}

/**
 * Trains the exercise network (linear head, plain SGD) on random images on
 * the active backend and returns its speed in images per second. Results
 * are read asynchronously and only at the end, because a synchronous read
 * fails on Deno's WebGPU and a read per step would stall the GPU queue.
 * Leaves no tensors behind.
 */
export async function measureTrainingSpeed(options: SpeedTrialOptions = {}): Promise<number> {
  const { batchSize = 20, warmupSteps = 3, maxSteps = 40, maxSeconds = 0.5 } = options;
  const rng = seededRandom(0, "speed-trial");
  const pixels = Float32Array.from({ length: batchSize * 784 }, () => rng());
  const labels = Int32Array.from({ length: batchSize }, (_, i) => i % 10);

  const network = createNetwork({ head: "linear", seed: 0, init: "pytorch" });
  const optimizer = tf.train.sgd(0.001);
  const images = tf.tensor4d(pixels, [batchSize, 28, 28, 1]);
  const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 10) as tf.Tensor2D);
  const step = () =>
    tf.tidy(() => {
      optimizer.minimize(() => nllLoss(network.forward(images).logProbs, targets));
    });
  // Waits for the queued steps to finish: a read of a parameter depends on every update before it.
  const settle = async () => await network.params["conv1/bias"].data();

  try {
    for (let i = 0; i < warmupSteps; i++) step();
    await settle();
    const started = performance.now();
    let steps = 0;
    while (steps < maxSteps && (performance.now() - started) / 1000 < maxSeconds) {
      step();
      steps++;
      // Only the host's side of a step is timed in the loop; settling every few steps keeps the GPU's side in.
      if (steps % 5 === 0) await settle();
    }
    await settle();
    return (steps * batchSize) / ((performance.now() - started) / 1000);
  } finally {
    tf.dispose([images, targets]);
    optimizer.dispose();
    network.dispose();
  }
}

/** A backend that {@linkcode chooseFasterBackend} may pick. */
export interface BackendCandidate {
  /** tfjs backend name, for example `"webgpu"`. */
  name: string;
  /** Starts the backend (registering what it needs); resolves to false if it cannot. */
  start(): Promise<boolean>;
}

/** Result of {@linkcode chooseFasterBackend}: the measured rates and the chosen backend. */
export interface SpeedTrialResult {
  /** Name of the fastest candidate that started; it is the active backend on return. */
  chosen: string;
  /** Training images per second of each candidate that started, in the order tried. */
  imagesPerSecond: Record<string, number>;
  /** Candidates that failed to start or to train, with the reason. */
  failed: Record<string, string>;
}

/**
 * Starts each candidate in turn, times {@linkcode measureTrainingSpeed} on
 * it, and leaves the fastest one active. About half a second per candidate
 * plus its start-up and warm-up steps.
 *
 * @throws {Error} if no candidate starts and trains.
 */
export async function chooseFasterBackend(
  candidates: BackendCandidate[],
  options: SpeedTrialOptions = {},
): Promise<SpeedTrialResult> {
  const imagesPerSecond: Record<string, number> = {};
  const failed: Record<string, string> = {};
  for (const candidate of candidates) {
    try {
      if (!await candidate.start()) {
        failed[candidate.name] = `tf.setBackend("${candidate.name}") returned false`;
        continue;
      }
      await tf.ready();
      imagesPerSecond[candidate.name] = await measureTrainingSpeed(options);
    } catch (error) {
      failed[candidate.name] = (error as Error).message;
    }
  }

  const ranked = Object.entries(imagesPerSecond).sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) {
    const reasons = Object.entries(failed).map(([name, reason]) => `${name}: ${reason}`).join("; ");
    throw new Error(`No backend could train the network in the speed trial (${reasons}).`);
  }
  const chosen = ranked[0][0];
  if (tf.getBackend() !== chosen) {
    await tf.setBackend(chosen);
    await tf.ready();
  }
  return { chosen, imagesPerSecond, failed };
}
