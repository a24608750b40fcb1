/**
 * Small helpers that look at the first bytes of a file, shared by the IDX
 * reader and the downloader. Private to lib/data.
 *
 * @module
 */

/** True when the bytes start with the gzip magic number 1f 8b (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** True when the first bytes are printable ASCII or whitespace, as in an HTML or text error page. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 64);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    const printable = (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a ||
      b === 0x0d;
    if (!printable) return false;
  }
  return true;
}

/**
 * Describes the first bytes of a file for an error message, in hex and, where
 * printable, as text: `bytes 3c 68 74 6d 6c 3e ("<html>")`.
 */
export function describeStart(bytes: Uint8Array, count = 8): string {
  const head = bytes.subarray(0, count);
  const hex = Array.from(head, (b) => b.toString(16).padStart(2, "0")).join(
    " ",
  );
  const text = looksLikeText(head) ? ` ("${new TextDecoder().decode(head).replace(/\s+/g, " ")}")` : "";
  return `bytes ${hex}${text}`;
}
