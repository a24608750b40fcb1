/**
 * Additions to `reports/index.html` from other parts of the project, such as
 * headline numbers read from the run store. `deno task report` passes the
 * page through each contributor in order before it writes the index.
 *
 * @module
 */

import type { IndexPage } from "./index_page.ts";

/**
 * Returns the page with columns, rows or notes added. It may fill
 * `entry.extra` of the rows and add an `IndexColumn` that reads it.
 */
export type IndexContributor = (page: IndexPage) => IndexPage | Promise<IndexPage>;

/** The contributors `deno task report` applies, in order; none yet. */
export const INDEX_CONTRIBUTORS: IndexContributor[] = [];
