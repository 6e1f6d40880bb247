// The translation dashboard (`helpsite l10n status --format html --out public-l10n`, written by CI
// right after the sample build; another one with DASHBOARD_DIR): axe-core in light and dark, at
// 1280 and 390 px, and the Nu HTML Checker. Any violation, error or warning fails, and so do a
// console error, a failed request, or a page wider than the phone's screen.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { repoRoot, serveSite, launchBrowser, openPage } from "./lib.mjs";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const vnuJar = require("vnu-jar");
const dir = path.resolve(process.env.DASHBOARD_DIR || path.join(repoRoot, "public-l10n"));

let server, chromium;
before(async () => {
  server = await serveSite(dir);
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await server?.close();
});

const views = [
  { scheme: "light", width: 1280 },
  { scheme: "dark", width: 1280 },
  { scheme: "light", width: 390 },
  { scheme: "dark", width: 390 },
];

for (const view of views) {
  test(`dashboard: axe, ${view.scheme}, ${view.width} px`, async () => {
    const page = await openPage(chromium.browser, server.origin + "/", view);
    try {
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map(
          (v) => `[${v.impact}] ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`).join("\n"),
        );
      });
      // Wide tables scroll inside their own region; the page itself never scrolls sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      const bars = await page.$$eval(".bar[role=img]", (b) => b.length);
      const locales = await page.$$eval("main section", (s) => s.length);
      console.log(`dashboard axe ${view.scheme} ${view.width}px: ${violations.length} violations, ${bars} bars for ${locales} locales`);
      assert.deepEqual([...violations, ...page.problems], []);
      assert.equal(bars, locales, "a bar per locale");
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
    } finally {
      await page.close();
    }
  });
}

test("dashboard: vnu, no error or warning", async () => {
  const java = process.env.JAVA || "java";
  const file = path.join(dir, "index.html");
  const { stderr } = await promisify(execFile)(java, ["-jar", vnuJar, "--format", "json", "--also-check-css", file], {
    maxBuffer: 64 << 20,
  }).catch((e) => e);
  const report = JSON.parse(stderr);
  const messages = report.messages.filter((m) => m.type === "error" || (m.type === "info" && m.subType === "warning") || m.type === "non-document-error");
  console.log(`dashboard vnu: ${messages.length} errors and warnings`);
  assert.deepEqual(
    messages.map((m) => `${m.lastLine ?? "?"}: ${m.subType || m.type}: ${m.message}`),
    [],
  );
});
