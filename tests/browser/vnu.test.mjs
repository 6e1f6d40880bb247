// The Nu HTML Checker (vnu, the W3C validator) on every HTML file and the stylesheets of the built
// sample site. Any error or warning fails.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { siteDir, sitePages } from "./lib.mjs";

const require = createRequire(import.meta.url);
const vnuJar = require("vnu-jar");

test("vnu: every HTML page and stylesheet, no error or warning", async () => {
  const java = process.env.JAVA || "java";
  const pages = (await sitePages()).map((p) => p.file);
  const css = (await readdir(path.join(siteDir, "_static"))).filter((f) => f.endsWith(".css")).map((f) => path.join(siteDir, "_static", f));
  assert.ok(pages.length > 0 && css.length > 0, `no built site in ${siteDir}`);
  // vnu exits 1 when it reports anything; its JSON report on stderr is what counts.
  const { stderr } = await promisify(execFile)(
    java,
    ["-jar", vnuJar, "--format", "json", "--also-check-css", ...pages, ...css],
    { maxBuffer: 64 << 20 },
  ).catch((e) => e);
  const report = JSON.parse(stderr);
  const messages = report.messages.filter((m) => m.type === "error" || m.type === "info" && m.subType === "warning" || m.type === "non-document-error");
  const files = new Set(report.messages.map((m) => m.url)).size;
  console.log(`vnu: ${pages.length} pages, ${css.length} stylesheets: ${messages.length} errors and warnings`);
  assert.deepEqual(
    messages.map((m) => `${m.url.replace("file:" + siteDir, "")}:${m.lastLine ?? "?"}: ${m.subType || m.type}: ${m.message}`),
    [],
    `vnu reported problems (${files} files with messages)`,
  );
});
