/**
 * The headless DOM that every chart builder renders into. Observable Plot
 * needs a `document` to create elements; outside a browser linkedom supplies
 * one, built on first use and shared by all charts.
 *
 * @module
 */

import { parseHTML } from "linkedom";

let shared: Document | undefined;

/**
 * Returns the shared linkedom document, creating it on the first call.
 * Charts never attach their elements to it, so reuse leaks nothing.
 *
 * @example
 * ```ts
 * const svg = Plot.plot({ document: plotDocument(), marks: [] });
 * ```
 */
export function plotDocument(): Document {
  if (shared === undefined) {
    const window = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
    // linkedom's document implements the DOM subset Plot uses but is typed as its own class.
    shared = window.document as unknown as Document;
  }
  return shared;
}
