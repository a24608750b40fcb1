/**
 * Atomic file replacement: readers see the old file or the new one, never a
 * partly written one.
 *
 * @module
 */

/** Suffix of temporary files; the run store skips them when listing and removes stale ones. */
export const TEMP_SUFFIX = ".tmp";

/**
 * Writes `text` to `path` atomically: to a temporary file in the same folder
 * (`<path>.<random>.tmp`), flushed to disk, then renamed over `path`.
 *
 * A rename within one file system is atomic on POSIX, so a concurrent reader or
 * a crash leaves either the previous content or the new one. Two writers of the
 * same path do not interleave: the last rename wins. After the rename the
 * folder is flushed too where the platform allows opening a folder (it does on
 * Linux), so that the rename itself survives a power loss.
 *
 * @param path the file to create or replace; its folder must exist.
 * @param text the full new content, written as UTF-8.
 * @throws {Deno.errors.NotFound} if the folder does not exist, and other
 *   Deno file system errors; the temporary file is removed on failure.
 */
export async function atomicWriteTextFile(
  path: string,
  text: string,
): Promise<void> {
  // A random part keeps concurrent writers of the same path apart; it need not be reproducible.
  const tempPath = `${path}.${crypto.randomUUID().slice(0, 8)}${TEMP_SUFFIX}`;
  try {
    const file = await Deno.open(tempPath, { write: true, createNew: true });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) {
        written += await file.write(bytes.subarray(written));
      }
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tempPath, path);
  } catch (error) {
    await Deno.remove(tempPath).catch(() => {});
    throw error;
  }
  await syncFolder(folderOf(path));
}

/** Returns the folder part of a path, "." for a bare file name. */
function folderOf(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (slash < 0) return ".";
  return slash === 0 ? path.slice(0, 1) : path.slice(0, slash);
}

async function syncFolder(folder: string): Promise<void> {
  let handle: Deno.FsFile;
  try {
    handle = await Deno.open(folder, { read: true });
  } catch {
    // Not every platform lets a folder be opened like a file. The rename is
    // still atomic there, only not yet durable.
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Some file systems reject fsync on a folder; the data itself is already flushed.
  } finally {
    handle.close();
  }
}
