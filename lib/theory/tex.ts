/**
 * TeX formulas rendered to MathML with temml, so that notebooks and their
 * HTML exports show mathematics with no script, font or network access:
 * Chromium and Firefox render MathML natively.
 *
 * @module
 */

import temml from "temml";
import { HtmlDisplay } from "../notebook/display.ts";

/** Options of {@link tex}. */
export interface TexOptions {
  /** Render as a centred block (`true`, the default) or inline in text (`false`). */
  display?: boolean;
}

/**
 * Renders TeX to MathML. The result shows as `text/html` when it is a
 * notebook cell's last value, and goes into `html` templates and `show()`
 * as markup.
 *
 * @param source TeX in math mode, without `$` delimiters, for example `"p_k - y_k"`.
 * @returns the `<math>` element as HTML, with the TeX source as `text/plain`.
 * @throws {SyntaxError} if temml cannot parse the source, with temml's message.
 * @example
 * ```ts
 * tex(String.raw`\frac{\partial L}{\partial z_k} = p_k - y_k`)
 * ```
 */
export function tex(source: string, options: TexOptions = {}): HtmlDisplay {
  let mathml: string;
  try {
    mathml = temml.renderToString(source, { displayMode: options.display ?? true, throwOnError: true });
  } catch (error) {
    throw new SyntaxError(`lib/theory tex(): cannot render "${source}": ${(error as Error).message}`);
  }
  return new HtmlDisplay(mathml, { "text/plain": source });
}
