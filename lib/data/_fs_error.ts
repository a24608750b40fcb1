/**
 * Words a file-system error for the person who runs the command. Private to
 * lib/data.
 *
 * @module
 */

/**
 * Explains why a file or folder could not be read, with what to do about it.
 *
 * @param error what `Deno.readFile`, `Deno.readDir` or `Deno.stat` threw.
 * @param path the file or folder.
 * @param kind `"file"` or `"folder"`, for the wording.
 * @returns one sentence without a final full stop.
 */
export function describeFsError(
  error: unknown,
  path: string,
  kind: "file" | "folder",
): string {
  if (error instanceof Deno.errors.NotFound) return `${path} does not exist`;
  if (error instanceof Deno.errors.NotCapable) {
    return `cannot read the ${kind} ${path}: Deno was not given read access to it; ` +
      `run with --allow-read (or -A)`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    const fix = kind === "folder" ? "chmod a+rx" : "chmod a+r";
    return `cannot read the ${kind} ${path}: permission denied by the operating system; ` +
      `make it readable (${fix}) or run as a user who may read it`;
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return `${path} is a folder, not a file`;
  }
  if (error instanceof Deno.errors.NotADirectory) {
    return `${path} is a file, not a folder`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `cannot read the ${kind} ${path}: ${detail}`;
}
