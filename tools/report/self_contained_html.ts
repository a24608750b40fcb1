/**
 * Turning nbconvert's HTML into a report that opens offline on any machine:
 * no script or stylesheet loaded from a file or a server, local images
 * embedded, and a title and run summary at the top.
 *
 * Debian's nbconvert 6.5.3 "lab" template inlines its CSS but links
 * require.js and MathJax from `file:///usr/share/javascript/`. Neither is
 * needed: plots arrive as inline `<svg>` and formulas as MathML, both of which
 * a browser renders without scripts.
 *
 * @module
 */

import { parseHTML } from "linkedom";
import { extname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Buffer } from "node:buffer";

/** Options of {@linkcode makeSelfContained}. */
export interface SelfContainedOptions {
  /** Text of the `<title>` element, usually the notebook's first heading. */
  title: string;
  /** Folder that relative image paths in the notebook start from: the notebook's folder. */
  notebookDir: string;
  /** One line shown above the notebook, for example the profile and run time; plain text. */
  runInfo?: string;
  /** Shown in a red box above the notebook when the run failed; plain text, may span lines. */
  failure?: string;
  /**
   * Absolute path of the project folder, ending in `/`. Error tracebacks name
   * project files by `file://` URL, and these become paths relative to it, so
   * a report does not show the folders of the machine that made it.
   */
  projectRoot?: string;
}

/** The self-contained page and what could not be made self-contained. */
export interface SelfContainedResult {
  html: string;
  /** One sentence per reference left in the page that will not load offline, naming it. */
  warnings: string[];
}

const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".webp": "image/webp",
};

const REPORT_CSS = `
.relu-lab-run-info { margin: 1em 0 0 0; padding: 0 1em; color: #555; font-size: 0.9em; }
.relu-lab-failure { margin: 1em; padding: 0.75em 1em; border: 2px solid #c62828; background: #ffebee;
  color: #b71c1c; white-space: pre-wrap; font-family: var(--jp-code-font-family, monospace); }
`;

/**
 * Makes nbconvert's HTML self-contained. It removes `<script>` elements that
 * load a file (require.js, MathJax) and MathJax's configuration, and replaces
 * stylesheet `<link>`s to local files by their content. It embeds local
 * images as `data:` URLs, sets the title and adds the run summary and the
 * failure box. Inline scripts written by notebook outputs are kept.
 *
 * @returns the page, plus a warning for each stylesheet, image or CSS
 *   `url()` that still points at a server or a missing file.
 */
export async function makeSelfContained(html: string, options: SelfContainedOptions): Promise<SelfContainedResult> {
  const { document } = parseHTML(html);
  const warnings: string[] = [];

  for (const script of [...document.querySelectorAll("script")]) {
    const src = script.getAttribute("src");
    const type = script.getAttribute("type") ?? "";
    if (type === "text/x-mathjax-config") {
      script.remove();
    } else if (src !== null && !src.startsWith("data:")) {
      if (!src.startsWith("file:///usr/share/javascript/")) warnings.push(`removed a script loaded from ${src}`);
      script.remove();
    }
  }

  for (const link of [...document.querySelectorAll("link[href]")]) {
    const href = link.getAttribute("href") ?? "";
    const isStylesheet = (link.getAttribute("rel") ?? "").split(/\s+/).includes("stylesheet");
    if (href.startsWith("data:")) continue;
    const localPath = localFilePath(href, options.notebookDir);
    if (isStylesheet && localPath !== null) {
      try {
        const style = document.createElement("style");
        style.textContent = await Deno.readTextFile(localPath);
        link.replaceWith(style);
        continue;
      } catch (error) {
        warnings.push(`removed the stylesheet ${href}: ${(error as Error).message}`);
      }
    } else if (isStylesheet) {
      warnings.push(`removed the stylesheet ${href}, which would be fetched from the network`);
    }
    link.remove();
  }

  for (const image of [...document.querySelectorAll("img[src]")]) {
    const src = image.getAttribute("src") ?? "";
    if (src.startsWith("data:")) continue;
    const localPath = localFilePath(src, options.notebookDir);
    if (localPath === null) {
      warnings.push(`the image ${src} is fetched from the network when the report is opened`);
      continue;
    }
    try {
      const type = IMAGE_TYPES[extname(localPath).toLowerCase()] ?? "application/octet-stream";
      image.setAttribute(
        "src",
        `data:${type};base64,${Buffer.from(await Deno.readFile(localPath)).toString("base64")}`,
      );
    } catch (error) {
      warnings.push(`the image ${src} could not be embedded: ${(error as Error).message}`);
    }
  }

  for (const style of document.querySelectorAll("style")) {
    for (const match of (style.textContent ?? "").matchAll(/url\(\s*['"]?((?:https?|file):[^'")\s]*)/g)) {
      warnings.push(`a stylesheet refers to ${match[1]}, which will not load offline`);
    }
  }

  let title = document.querySelector("title");
  if (title === null) {
    title = document.createElement("title");
    document.head.appendChild(title);
  }
  title.textContent = options.title;

  const css = document.createElement("style");
  css.textContent = REPORT_CSS;
  document.head.appendChild(css);

  const body = document.body;
  if (options.failure !== undefined) {
    const box = document.createElement("div");
    box.setAttribute("class", "relu-lab-failure");
    box.setAttribute("role", "alert");
    box.textContent = options.failure;
    body.insertBefore(box, body.firstChild);
  }
  if (options.runInfo !== undefined) {
    const info = document.createElement("p");
    info.setAttribute("class", "relu-lab-run-info");
    info.textContent = options.runInfo;
    body.insertBefore(info, body.firstChild);
  }

  let page = document.toString();
  if (options.projectRoot !== undefined) page = page.replaceAll(pathToFileURL(options.projectRoot).href, "");
  return { html: page, warnings };
}

/** Returns the local path a `file:` or relative URL points at, or `null` for a URL with another scheme. */
function localFilePath(url: string, baseDir: string): string | null {
  if (url.startsWith("file:")) return fileURLToPath(url);
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("//")) return null;
  const path = decodeURIComponent(url.split(/[?#]/)[0]);
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
