/**
 * The run store: one JSON file per run, named by the run key, in one folder.
 * Several processes can fill the same store at once because every run has its
 * own file and every write is an atomic rename.
 *
 * @module
 */

import type { RunConfig, RunRecord } from "../train/types.ts";
import { atomicWriteTextFile, TEMP_SUFFIX } from "./atomic_write.ts";
import { RUN_KEY_PATTERN, runKey } from "./key.ts";
import { parseRunRecordJson, stringifyRunRecord } from "./record_json.ts";
import { InvalidRunRecordError, validateRunRecord } from "./validate.ts";

/** A problem the store met and worked around; the caller decides how to show it. */
export interface StoreWarning {
  /** The file concerned. */
  file: string;
  /** The problem and the action the store took. */
  message: string;
}

/** Temporary files older than this belong to a writer that died; list() removes them. */
const STALE_TEMP_FILE_MS = 60_000;

const RECORD_FILE_PATTERN = /^[0-9a-f]{16}\.json$/;

/**
 * A folder of run records, `<dir>/<key>.json`, one per run config.
 *
 * Reading does not throw on an invalid file: a file that is not JSON, fails
 * validation or sits under the wrong key is moved aside to
 * `<key>.json.corrupt-<time>` and reported in {@link RunStore.warnings}, so
 * that the run counts as missing and is trained again. lib never prints, so
 * the caller shows the warnings.
 *
 * @example
 * ```ts
 * const store = new RunStore("data/runs");
 * const record = await store.get(config) ?? await train(config);
 * await store.put(record);
 * for (const warning of store.takeWarnings()) console.warn(warning.message);
 * ```
 */
export class RunStore {
  /** The store's folder; put() creates it when missing. */
  readonly dir: string;
  /** Warnings since construction or the last takeWarnings(), oldest first. */
  readonly warnings: StoreWarning[] = [];

  /**
   * Creates a store over the folder `dir`. Nothing is read or written until a method needs it.
   *
   * @param dir folder of the store, relative to the working directory or absolute.
   * @throws {TypeError} if dir is not a non-empty string.
   */
  constructor(dir: string) {
    if (typeof dir !== "string" || dir === "") {
      throw new TypeError(
        `RunStore: invalid folder ${JSON.stringify(dir)}: expected a path such as "data/runs".`,
      );
    }
    // A trailing slash would double up in the file paths shown in warnings.
    this.dir = dir.length > 1 ? dir.replace(/[/\\]+$/, "") : dir;
  }

  /**
   * Returns the path of the file that contains the run with this key.
   *
   * @param key a run key, 16 lowercase hex characters (see runKey()).
   * @throws {RangeError} if key is not a run key, which also keeps paths inside the store.
   */
  path(key: string): string {
    if (typeof key !== "string" || !RUN_KEY_PATTERN.test(key)) {
      throw new RangeError(
        `RunStore.path(): invalid key ${JSON.stringify(key)}: expected 16 lowercase hex characters from runKey().`,
      );
    }
    return `${this.dir}/${key}.json`;
  }

  /** Returns and clears the warnings collected so far. */
  takeWarnings(): StoreWarning[] {
    return this.warnings.splice(0, this.warnings.length);
  }

  /**
   * Reads the record of a config.
   *
   * @param config the run's configuration; its key names the file.
   * @returns the record, or undefined when there is none or its file was
   *   invalid (then moved aside and reported in warnings).
   * @throws {TypeError} if config cannot be hashed (see runKey()).
   * @throws Deno file system errors other than NotFound, such as PermissionDenied.
   */
  async get(config: RunConfig): Promise<RunRecord | undefined> {
    const key = runKey(config);
    return await this.#read(this.path(key), key);
  }

  /**
   * Validates a record and writes it atomically to `<dir>/<record.key>.json`,
   * replacing an earlier record of the same config.
   *
   * @param record a complete or diverged run; NaN and infinite numbers are
   *   stored as the strings "NaN", "Infinity" and "-Infinity".
   * @returns the path written.
   * @throws {InvalidRunRecordError} if the record is invalid; nothing is written.
   * @throws Deno file system errors, such as PermissionDenied.
   */
  async put(record: RunRecord): Promise<string> {
    const key = typeof record?.key === "string" && RUN_KEY_PATTERN.test(record.key) ? record.key : undefined;
    const file = key ? this.path(key) : `${this.dir}/<invalid key>.json`;
    validateRunRecord(record, file);
    await Deno.mkdir(this.dir, { recursive: true });
    await atomicWriteTextFile(file, stringifyRunRecord(record));
    return file;
  }

  /**
   * Reads every valid record, sorted by key.
   *
   * Invalid files are moved aside and reported in warnings. Temporary files of
   * writers in progress are skipped. A temporary file older than a minute was
   * left by a writer that died, so list() removes it.
   *
   * @returns the records; [] when the folder does not exist.
   * @throws Deno file system errors other than NotFound.
   */
  async list(): Promise<RunRecord[]> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (!entry.isFile) continue;
        if (entry.name.endsWith(TEMP_SUFFIX)) {
          await this.#removeIfStale(`${this.dir}/${entry.name}`);
        } else if (RECORD_FILE_PATTERN.test(entry.name)) names.push(entry.name);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }

    names.sort();
    const records: RunRecord[] = [];
    for (const name of names) {
      const record = await this.#read(
        `${this.dir}/${name}`,
        name.slice(0, -".json".length),
      );
      if (record) records.push(record);
    }
    return records;
  }

  /**
   * Reads the valid records that satisfy a predicate, sorted by key.
   *
   * @param predicate called once per valid record.
   * @returns the matching records.
   *
   * @example
   * ```ts
   * const reluRuns = await store.listWhere((record) => record.config.head === "relu");
   * ```
   */
  async listWhere(
    predicate: (record: RunRecord) => boolean,
  ): Promise<RunRecord[]> {
    return (await this.list()).filter((record) => predicate(record));
  }

  /** Reads, parses and validates one file; undefined if missing or moved aside. */
  async #read(
    file: string,
    expectedKey: string,
  ): Promise<RunRecord | undefined> {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (error) {
      // NotFound also covers a file that another reader moved aside after readDir listed it.
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }

    let record: RunRecord;
    try {
      record = validateRunRecord(parseRunRecordJson(text), file);
    } catch (error) {
      if (error instanceof SyntaxError) {
        await this.#moveAside(file, `${file}: invalid JSON (${error.message})`);
        return undefined;
      }
      if (error instanceof InvalidRunRecordError) {
        await this.#moveAside(file, error.message);
        return undefined;
      }
      throw error;
    }

    if (record.key !== expectedKey) {
      await this.#moveAside(
        file,
        `${file}: field key is "${record.key}", expected "${expectedKey}" as in the file name`,
      );
      return undefined;
    }
    return record;
  }

  /**
   * Renames an invalid file to `<file>.corrupt-<time>`, keeping it for
   * inspection while taking it out of the store, and records a warning.
   *
   * NOTE: if another process replaces the file with a valid record between the
   * read and this rename, the valid record is moved aside too and its run is
   * trained again. POSIX offers no rename-if-unchanged to rule this out.
   */
  async #moveAside(file: string, problem: string): Promise<void> {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    let message = `${problem.replace(/\.$/, "")}. Moved the file to ${aside}; the run counts as missing.`;
    try {
      await Deno.rename(file, aside);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      message = `${problem}. Another reader has already moved the file aside; the run counts as missing.`;
    }
    this.warnings.push({ file, message });
  }

  async #removeIfStale(file: string): Promise<void> {
    try {
      const { mtime } = await Deno.stat(file);
      if (mtime && Date.now() - mtime.getTime() > STALE_TEMP_FILE_MS) {
        await Deno.remove(file);
      }
    } catch (error) {
      // The writer renamed or removed it meanwhile, or another list() removed it first.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
