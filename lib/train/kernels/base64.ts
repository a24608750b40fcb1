/**
 * Base64 decoding for the WebAssembly modules embedded in TypeScript, kept
 * apart from them so that the tool that generates a module can read the
 * committed one back even when it fails to load.
 *
 * @module
 */

/** Decodes standard base64 (RFC 4648, with padding) to bytes. */
export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
