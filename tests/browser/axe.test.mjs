// axe-core on every page of the built sample site, light and dark, at 1366 and 390 px wide.
// Any violation of any impact fails, and so does an error in the console or a failed request.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { serveSite, sitePages, launchBrowser, openPage, pool } from "./lib.mjs";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const TABS = Number(process.env.BROWSER_TABS || 4);

let server, chromium, pages;
before(async () => {
  server = await serveSite();
  chromium = await launchBrowser();
  pages = await sitePages();
});
after(async () => {
  await chromium?.close();
  await server?.close();
});

const views = [
  { scheme: "light", width: 1366 },
  { scheme: "dark", width: 1366 },
  { scheme: "light", width: 390 },
  { scheme: "dark", width: 390 },
];

for (const view of views) {
  test(`axe: every page, ${view.scheme}, ${view.width} px`, async () => {
    const findings = await pool(pages, TABS, async (p) => {
      const page = await openPage(chromium.browser, server.origin + p.url, view, { scripts: !p.redirect });
      try {
        await page.evaluate(axeSource);
        const result = await page.evaluate(async () => {
          // Every rule axe runs by default: WCAG 2.0-2.2 A and AA and axe's best practices.
          const r = await window.axe.run(document, { resultTypes: ["violations"] });
          return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`),
          }));
        });
        return { url: p.url, violations: result, problems: page.problems };
      } finally {
        await page.close();
      }
    });
    const nodes = findings.reduce((n, f) => n + f.violations.reduce((m, v) => m + v.nodes.length, 0), 0);
    const report = findings
      .filter((f) => f.violations.length || f.problems.length)
      .map(
        (f) =>
          `${f.url}\n` +
          f.violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n}`).join("\n")).join("\n") +
          f.problems.map((p) => `\n  ${p}`).join(""),
      )
      .join("\n");
    console.log(`axe ${view.scheme} ${view.width}px: ${findings.length} pages, ${nodes} violating nodes`);
    assert.equal(report, "", `axe violations or page problems (${nodes} nodes):\n${report}`);
  });
}
