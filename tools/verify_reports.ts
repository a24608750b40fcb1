/**
 * `deno task verify-reports [DIR]`: checks what CI and a reader need of the
 * HTML reports: one per notebook, each with at least one inline `<svg>` plot,
 * no error output, and nothing fetched from the network or the local disk.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

if (Deno.args.includes("--help") || Deno.args.includes("-h") || Deno.args.length > 1) {
  console.log("Usage: deno task verify-reports [DIR]\n\nChecks the HTML reports in DIR (default reports/).");
  Deno.exit(Deno.args.length > 1 ? 2 : 0);
}
const dir = (Deno.args[0] ?? "reports").replace(/\/$/, "");
const notebooksDir = fileURLToPath(new URL("../notebooks/", import.meta.url));
const problems: string[] = [];

const notebooks: string[] = [];
for await (const entry of Deno.readDir(notebooksDir)) {
  if (entry.isFile && entry.name.endsWith(".ipynb")) notebooks.push(entry.name.replace(/\.ipynb$/, ""));
}
notebooks.sort();

for (const name of notebooks) {
  const path = `${dir}/${name}.html`;
  let html: string;
  try {
    html = await Deno.readTextFile(path);
  } catch {
    problems.push(`${path}: missing; run \`deno task report\` first`);
    continue;
  }
  const svgCount = (html.match(/<svg[\s>]/g) ?? []).length;
  if (svgCount === 0) problems.push(`${path}: no <svg> plot found`);
  if (
    /data-mime-type="application\/vnd\.jupyter\.stderr"|class="[^"]*output_error|Traceback \(most recent call last\)|Uncaught /
      .test(html)
  ) {
    problems.push(`${path}: contains an error or stderr output`);
  }
  if (/report is incomplete/.test(html)) problems.push(`${path}: the notebook stopped at a failing cell`);
  if (/file:\/\//.test(html)) problems.push(`${path}: contains a file:// reference, which breaks on another machine`);
  if (/<script[^>]+src=|<link[^>]+href="(https?:)?\/\/|\ssrc="(https?:)?\/\/|url\(\s*["']?(https?:)?\/\//.test(html)) {
    problems.push(`${path}: loads a script, stylesheet, image or font from elsewhere; reports must be self-contained`);
  }
  console.error(`${path}: ${svgCount} <svg> elements, ${(html.length / 1024).toFixed(0)} KiB`);
}

if (problems.length > 0) {
  console.error(`\nreport check failed:\n- ${problems.join("\n- ")}`);
  Deno.exit(1);
}
console.error(`report check passed: ${notebooks.length} reports in ${dir}/`);
