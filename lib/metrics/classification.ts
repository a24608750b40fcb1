/**
 * Classification metrics from a network's log-probabilities: the confusion
 * matrix, accuracy overall and per class, mean negative log-likelihood and
 * the classes the network never predicts.
 *
 * Inputs are plain typed arrays, row-major `[n, classes]`, one row per
 * image, so these functions need no tfjs and work on what `tensor.data()`
 * returns.
 *
 * @example
 * ```ts
 * const confusion = confusionMatrix(logProbs, labels);
 * const accuracy = accuracyFromConfusion(confusion);
 * const loss = meanNll(logProbs, labels);
 * ```
 *
 * @module
 */

/**
 * Checks that `values` is a row-major `[labels.length, classes]` matrix and
 * that every label is a class index. Shared by the lib/metrics modules.
 *
 * @param where the calling function, for example `"confusionMatrix()"`, named in messages.
 * @param name the argument name of `values`, for example `"logProbs"`.
 * @throws {RangeError} if `classes` is not an integer ≥ 2, if the sizes disagree,
 *   or if a label is ≥ `classes`.
 */
export function assertRowMatrix(
  where: string,
  name: string,
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): void {
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(
      `lib/metrics ${where}: classes must be an integer ≥ 2, got ${classes}.`,
    );
  }

  const expected = labels.length * classes;
  if (values.length !== expected) {
    throw new RangeError(
      `lib/metrics ${where}: ${name} has ${values.length} values but labels has ` +
        `${labels.length} images, so ${labels.length} × ${classes} classes = ${expected} ` +
        `values were expected. Pass ${name} with shape [labels.length, ${classes}], row-major.`,
    );
  }

  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] < classes)) {
      throw new RangeError(
        `lib/metrics ${where}: labels[${i}] is ${labels[i]}, but classes is ${classes}; ` +
          `labels must be in [0, ${classes - 1}].`,
      );
    }
  }
}

/**
 * Returns the index of the largest value of row `row` of a row-major
 * `[n, classes]` matrix. Ties go to the lowest index, as in `tf.argMax`.
 * NaN never compares greater, so a row of NaN returns 0.
 */
export function argmaxRow(
  values: ArrayLike<number>,
  row: number,
  classes: number,
): number {
  const start = row * classes;
  let best = 0;
  let bestValue = values[start];
  for (let c = 1; c < classes; c++) {
    const value = values[start + c];
    // Strict `>` keeps the first maximum, and lets a real number replace a leading NaN.
    if (
      value > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(value))
    ) {
      best = c;
      bestValue = value;
    }
  }
  return best;
}

/**
 * Counts predictions by true and predicted class.
 *
 * The prediction of an image is the argmax of its row; ties go to the
 * lowest class index. NaN entries never win the argmax, so a row that is all
 * NaN (a diverged network) is predicted as class 0.
 *
 * @param logProbs log-probabilities (or any scores with the same argmax), `[n, classes]` row-major.
 * @param labels true classes, `[n]`, each in [0, classes − 1].
 * @param classes number of classes K, an integer ≥ 2.
 * @returns a K × K matrix of counts, `confusion[trueClass][predictedClass]`.
 * @throws {RangeError} if `logProbs.length !== labels.length × classes` or a label is out of range.
 */
export function confusionMatrix(
  logProbs: Float32Array,
  labels: Uint8Array,
  classes = 10,
): number[][] {
  assertRowMatrix("confusionMatrix()", "logProbs", logProbs, labels, classes);

  const confusion = Array.from(
    { length: classes },
    () => new Array<number>(classes).fill(0),
  );
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]][argmaxRow(logProbs, i, classes)]++;
  }
  return confusion;
}

/** Checks that `confusion` is a non-empty square matrix. */
function assertSquare(where: string, confusion: number[][]): void {
  const size = confusion.length;
  if (size === 0 || confusion.some((row) => row.length !== size)) {
    throw new RangeError(
      `lib/metrics ${where}: confusion must be a non-empty square matrix ` +
        `[true][predicted], got ${size} rows of lengths ` +
        `[${confusion.map((row) => row.length).join(", ")}].`,
    );
  }
}

/**
 * Computes the fraction of images on the diagonal of a confusion matrix.
 *
 * @param confusion counts, `[true][predicted]`, K × K.
 * @returns accuracy in [0, 1], or NaN when the matrix counts no image.
 * @throws {RangeError} if the matrix is not square.
 */
export function accuracyFromConfusion(confusion: number[][]): number {
  assertSquare("accuracyFromConfusion()", confusion);

  let correct = 0;
  let total = 0;
  for (let t = 0; t < confusion.length; t++) {
    for (let p = 0; p < confusion.length; p++) total += confusion[t][p];
    correct += confusion[t][t];
  }
  return total === 0 ? NaN : correct / total;
}

/**
 * Computes the accuracy of each true class (recall): the diagonal count
 * over the row sum.
 *
 * @param confusion counts, `[true][predicted]`, K × K.
 * @returns K accuracies in [0, 1]. A class with no images gets NaN, because
 *   its accuracy is undefined, not 0; `JSON.stringify` writes NaN as `null`.
 * @throws {RangeError} if the matrix is not square.
 */
export function perClassAccuracy(confusion: number[][]): number[] {
  assertSquare("perClassAccuracy()", confusion);

  return confusion.map((row, t) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    return total === 0 ? NaN : row[t] / total;
  });
}

/**
 * Computes the mean negative log-likelihood of the true classes:
 * `−(1/n) Σᵢ logProbs[i, labels[i]]`, the loss the network trains on.
 *
 * @param logProbs log-probabilities, `[n, classes]` row-major (log_softmax output, natural log).
 * @param labels true classes, `[n]`.
 * @param classes number of classes K, an integer ≥ 2.
 * @returns nats per image; NaN when n = 0; NaN or Infinity when an entry is.
 * @throws {RangeError} if `logProbs.length !== labels.length × classes` or a label is out of range.
 */
export function meanNll(
  logProbs: Float32Array,
  labels: Uint8Array,
  classes = 10,
): number {
  assertRowMatrix("meanNll()", "logProbs", logProbs, labels, classes);

  // Sum in float64: float32 accumulation over 60,000 images loses digits.
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    sum -= logProbs[i * classes + labels[i]];
  }
  return labels.length === 0 ? NaN : sum / labels.length;
}

/**
 * Lists the classes that are never predicted: the all-zero columns of a
 * confusion matrix. With a ReLU head, a dead unit's class often shows up here.
 *
 * @param confusion counts, `[true][predicted]`, K × K.
 * @returns class indices in increasing order; empty when every class is predicted at least once.
 * @throws {RangeError} if the matrix is not square.
 */
export function neverPredictedClasses(confusion: number[][]): number[] {
  assertSquare("neverPredictedClasses()", confusion);

  const never: number[] = [];
  for (let p = 0; p < confusion.length; p++) {
    if (confusion.every((row) => row[p] === 0)) never.push(p);
  }
  return never;
}
