/**
 * Validation of run records read from the store, so that a hand-edited,
 * truncated or outdated file is reported by name and field instead of
 * breaking a plot later.
 *
 * @module
 */

import type { RunRecord } from "../train/types.ts";
import {
  describe,
  isFiniteAtLeastZero,
  isFraction,
  isInteger,
  isIsoTime,
  isPlainObject,
  Problems,
} from "./_problems.ts";
import { runKey } from "./key.ts";

/** Number of Fashion-MNIST classes: the length of perClassAccuracy and the size of the confusion matrix. */
const CLASS_COUNT = 10;

/** Version of the record layout that this code reads and writes. */
export const RUN_RECORD_SCHEMA = 1;

/** Error thrown by {@link validateRunRecord}; the message names the file and the first invalid field. */
export class InvalidRunRecordError extends TypeError {
  /** The file the record came from, or is going to. */
  readonly file: string;
  /** Every problem found, each `field <path> is <value>, expected <what>`. */
  readonly problems: string[];

  /**
   * Creates the error; its message names the file, the first problem and how many more there are.
   *
   * @param file the file the record came from, or is going to.
   * @param problems every problem found, at least one.
   */
  constructor(file: string, problems: string[]) {
    const others = problems.length - 1;
    const more = others > 0 ? ` (and ${others} more problem${others > 1 ? "s" : ""})` : "";
    super(`${file}: ${problems[0]}${more}`);
    this.name = "InvalidRunRecordError";
    this.file = file;
    this.problems = problems;
  }
}

/** A field check: the field's name, whether its value is valid, and what a valid value is. */
type FieldCheck = [name: string, ok: boolean, expected: string];

function checkFields(problems: Problems, parent: string, object: Record<string, unknown>, fields: FieldCheck[]): void {
  for (const [name, ok, expected] of fields) {
    problems.check(ok, parent ? `${parent}.${name}` : name, object[name], expected);
  }
}

function checkConfig(problems: Problems, config: unknown): void {
  if (!problems.check(isPlainObject(config), "config", config, "an object with the run's configuration")) return;
  const c = config as Record<string, unknown>;
  checkFields(problems, "config", c, [
    ["head", typeof c.head === "string" && c.head !== "", 'a head name such as "relu"'],
    ["seed", Number.isSafeInteger(c.seed), "an integer"],
    ["init", c.init === "pytorch" || c.init === "tfjs", '"pytorch" or "tfjs"'],
    ["optimizer", ["sgd", "momentum", "adam"].includes(c.optimizer as string), '"sgd", "momentum" or "adam"'],
    [
      "learningRate",
      typeof c.learningRate === "number" && Number.isFinite(c.learningRate) && c.learningRate > 0,
      "a finite number > 0",
    ],
    ["batchSize", isInteger(c.batchSize, 1), "an integer ≥ 1"],
    ["epochs", isInteger(c.epochs, 1), "an integer ≥ 1"],
    ["trainSubset", c.trainSubset === null || isInteger(c.trainSubset, 1), "null or an integer ≥ 1"],
    ["testSubset", c.testSubset === null || isInteger(c.testSubset, 1), "null or an integer ≥ 1"],
  ]);
}

/** Checks that key is the hash of config; call only with a valid config. */
function checkKey(problems: Problems, key: unknown, config: unknown): void {
  if (!problems.check(typeof key === "string", "key", key, "the run key, 16 hex characters")) return;
  try {
    const expectedKey = runKey(config as RunRecord["config"]);
    problems.check(key === expectedKey, "key", key, `"${expectedKey}", the hash of config`);
  } catch (error) {
    // An extra config field that JSON cannot hash, such as NaN.
    if (!(error instanceof TypeError)) throw error;
    problems.list.push(`field ${error.message}`);
  }
}

function checkDivergence(problems: Problems, divergence: unknown, diverged: boolean): void {
  if (!diverged) {
    problems.check(divergence === undefined, "divergence", divergence, 'no value when status is "complete"');
    return;
  }
  const expected = "{ epoch, step, loss } saying where the loss stopped being finite";
  if (!problems.check(isPlainObject(divergence), "divergence", divergence, expected)) return;
  const d = divergence as Record<string, unknown>;
  checkFields(problems, "divergence", d, [
    ["epoch", isInteger(d.epoch, 1), "an integer ≥ 1"],
    ["step", isInteger(d.step, 0), "an integer ≥ 0"],
    ["loss", typeof d.loss === "number", "a number (NaN or ±Infinity)"],
  ]);
}

function checkEpochs(problems: Problems, epochs: unknown, configuredEpochs: unknown, status: unknown): void {
  if (!problems.check(Array.isArray(epochs), "epochs", epochs, "an array of per-epoch metrics")) return;
  const diverged = status === "diverged";
  (epochs as unknown[]).forEach((epoch, i) => checkEpoch(problems, epoch, i, diverged));

  // A diverged run stops early, so only a complete run must have every epoch.
  if (status === "complete" && typeof configuredEpochs === "number") {
    problems.check(
      (epochs as unknown[]).length === configuredEpochs,
      "epochs",
      epochs,
      `${configuredEpochs} entries (config.epochs) for a complete run`,
    );
  }
}

function checkEpoch(problems: Problems, epoch: unknown, index: number, diverged: boolean): void {
  const path = `epochs[${index}]`;
  if (!problems.check(isPlainObject(epoch), path, epoch, "an object with one epoch's metrics")) return;
  const e = epoch as Record<string, unknown>;
  const accuracy = e.testAccuracy;

  checkFields(problems, path, e, [
    ["epoch", e.epoch === index + 1, `${index + 1} (epochs are numbered from 1, in order)`],
    // Losses of a diverged run are NaN or infinite, so any number is a valid loss.
    ["trainLoss", typeof e.trainLoss === "number", "a number (NaN for a diverged run)"],
    ["testLoss", typeof e.testLoss === "number", "a number (NaN for a diverged run)"],
    [
      "testAccuracy",
      isFraction(accuracy) || (diverged && Number.isNaN(accuracy)),
      diverged ? "a number in [0, 1] or NaN" : "a number in [0, 1]",
    ],
    ["elapsedSeconds", isFiniteAtLeastZero(e.elapsedSeconds), "a finite number of seconds ≥ 0"],
  ]);

  const perClass = e.perClassAccuracy;
  const perClassPath = `${path}.perClassAccuracy`;
  const isList = Array.isArray(perClass) && perClass.length === CLASS_COUNT;
  if (!problems.check(isList, perClassPath, perClass, `an array of ${CLASS_COUNT} accuracies`)) return;
  (perClass as unknown[]).forEach((value, k) =>
    // NaN marks a class with no image in a test subset.
    problems.check(
      isFraction(value) || Number.isNaN(value),
      `${perClassPath}[${k}]`,
      value,
      "a number in [0, 1] or NaN",
    )
  );
}

function checkConfusion(problems: Problems, confusion: unknown, diverged: boolean): void {
  // A run that diverged before its final evaluation has no confusion matrix.
  if (diverged && Array.isArray(confusion) && confusion.length === 0) return;
  const expected = `${CLASS_COUNT} rows of ${CLASS_COUNT} counts${diverged ? ", or [] for a diverged run" : ""}`;
  const isMatrix = Array.isArray(confusion) && confusion.length === CLASS_COUNT;
  if (!problems.check(isMatrix, "confusion", confusion, expected)) return;

  (confusion as unknown[]).forEach((row, i) => {
    const isRow = Array.isArray(row) && row.length === CLASS_COUNT;
    if (!problems.check(isRow, `confusion[${i}]`, row, `${CLASS_COUNT} counts`)) return;
    (row as unknown[]).forEach((count, j) =>
      problems.check(isInteger(count, 0), `confusion[${i}][${j}]`, count, "an integer count ≥ 0")
    );
  });
}

function checkDeadUnits(problems: Problems, deadUnits: unknown): void {
  if (!problems.check(Array.isArray(deadUnits), "deadUnits", deadUnits, "an array of output unit indices")) return;
  const units = deadUnits as unknown[];
  units.forEach((unit, i) =>
    problems.check(
      isInteger(unit, 0, CLASS_COUNT - 1) && units.indexOf(unit) === i,
      `deadUnits[${i}]`,
      unit,
      `a unit index in 0..${CLASS_COUNT - 1}, listed once`,
    )
  );
}

/**
 * Checks that a parsed JSON value has the shape and ranges of a RunRecord.
 *
 * Beyond types it checks that `key` is the hash of `config`, that the epochs
 * are numbered 1, 2, … and that a complete run has `config.epochs` of them.
 * A diverged run (status "diverged") is valid: it needs `divergence`, may have
 * fewer epochs, NaN losses and accuracies, and an empty confusion matrix.
 * Fields the record type does not know are allowed, so that adding an optional
 * field needs no schema change.
 *
 * @param value the result of parsing a record file.
 * @param file the record's file, named in the message.
 * @returns the same value, typed as a RunRecord.
 * @throws {InvalidRunRecordError} naming the file and the first invalid field,
 *   for example `runs/ab12cd34ef56ab78.json: field epochs[2].testAccuracy is "x", expected a number in [0, 1]`.
 */
export function validateRunRecord(value: unknown, file: string): RunRecord {
  if (!isPlainObject(value)) {
    const found = describe(value);
    throw new InvalidRunRecordError(file, [`the content is ${found}, expected a JSON object with a run record`]);
  }
  if (value.schema !== RUN_RECORD_SCHEMA) {
    // Nothing else is checked, because another schema may name and shape every field differently.
    throw new InvalidRunRecordError(file, [
      `field schema is ${describe(value.schema)}, expected ${RUN_RECORD_SCHEMA}: ` +
      "the file is not a run record of this version of relu-softmax-lab (another version or another program wrote it)",
    ]);
  }

  const problems = new Problems();
  checkConfig(problems, value.config);
  if (problems.list.length === 0) checkKey(problems, value.key, value.config);

  const status = value.status;
  const isStatus = status === "complete" || status === "diverged";
  if (problems.check(isStatus, "status", status, '"complete" or "diverged"')) {
    checkDivergence(problems, value.divergence, status === "diverged");
  }
  const configuredEpochs = isPlainObject(value.config) ? value.config.epochs : undefined;
  checkEpochs(problems, value.epochs, configuredEpochs, status);
  checkConfusion(problems, value.confusion, status === "diverged");
  checkDeadUnits(problems, value.deadUnits);

  const versions = value.versions;
  const isVersions = isPlainObject(versions) && Object.values(versions).every((v) => typeof v === "string");
  checkFields(problems, "", value, [
    ["diagnostics", isPlainObject(value.diagnostics), "an object"],
    ["backend", typeof value.backend === "string" && value.backend !== "", 'a tfjs backend name such as "wasm"'],
    ["versions", isVersions, 'an object of version strings such as { "tfjs": "4.22.0" }'],
    ["wallSeconds", isFiniteAtLeastZero(value.wallSeconds), "a finite number of seconds ≥ 0"],
    ["finishedAt", isIsoTime(value.finishedAt), 'an ISO 8601 time such as "2025-01-31T12:00:00.000Z"'],
  ]);

  if (problems.list.length > 0) throw new InvalidRunRecordError(file, problems.list);
  return value as unknown as RunRecord;
}
