/**
 * The run store: run keys, atomic writes, validation of stored records and the
 * RunStore class that ties them together.
 *
 * @module
 */

export { RunStore, type StoreWarning } from "./run_store.ts";
export { RUN_KEY_LENGTH, RUN_KEY_PATTERN, runKey } from "./key.ts";
export { canonicalJson } from "./canonical_json.ts";
export { atomicWriteTextFile, TEMP_SUFFIX } from "./atomic_write.ts";
export { InvalidRunRecordError, RUN_RECORD_SCHEMA, validateRunRecord } from "./validate.ts";
export { parseRunRecordJson, stringifyRunRecord } from "./record_json.ts";
