/**
 * The one error type of the dataset layer, so that a command can tell a
 * problem with the data (a missing folder, a damaged file, a failed
 * download) from a bug, and print the message alone.
 *
 * @module
 */

/**
 * A problem with the Fashion-MNIST files, where they were looked for or how
 * they were downloaded. The message names the file or folder, states what was
 * expected and what was found, and what to do about it.
 *
 * @example
 * ```ts
 * try {
 *   await loadFashionMnist();
 * } catch (error) {
 *   if (!(error instanceof DatasetError)) throw error;
 *   console.error(error.message);
 *   Deno.exit(1);
 * }
 * ```
 */
export class DatasetError extends Error {
  /**
   * Creates the error.
   *
   * @param message the whole explanation, written for the person running the command.
   * @param options `cause`: the lower-level error, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatasetError";
  }
}
