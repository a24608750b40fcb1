/**
 * HTML tables for notebooks and reports.
 *
 * @module
 */

export * from "./html_table.ts";
export * from "./study_tables.ts";
