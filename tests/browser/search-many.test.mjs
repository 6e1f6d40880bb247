// The search client on a word that is on more pages than its exact postings (issue #19,
// format v3): a site of 150 pages is built here with helpsite (the same site as the Rust test
// `search::a_word_on_more_pages_than_its_best_postings_finds_every_page`, which expects the
// same of the Rust lookup), and its results page, in Chromium, must count every page that has
// the words: `common` (150 pages: a bitmap after the 64 best), `middle` (75: doc deltas), and
// both with `rare`.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSite, closeSite, openPage, helpsiteBin } from "./lib.mjs";

const WAIT = { timeout: 60_000 };
let server, chromium, dir;

before(async () => {
  assert.ok(helpsiteBin, "no helpsite binary: run `cargo build --release` first (or set HELPSITE_BIN)");
  dir = mkdtempSync(path.join(tmpdir(), "helpsite-many-"));
  const content = path.join(dir, "content", "en-us");
  mkdirSync(content, { recursive: true });
  writeFileSync(
    path.join(dir, "helpsite.yml"),
    "title: T\nbase_url: https://h.example/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
  );
  for (let i = 0; i < 150; i++) {
    const title = i === 77 ? "Common questions" : `Page ${i}`;
    let text = "common ".repeat(1 + (i % 5));
    if (i % 2 === 0) text += "middle ";
    if (i % 30 === 0) text += "rare ";
    writeFileSync(path.join(content, `p${i}.md`), `---\ntitle: ${title}\n---\n\n# ${title}\n\nWords: ${text}end.\n`);
  }
  execFileSync(helpsiteBin, ["build", "--site", dir, "--out", path.join(dir, "public"), "-q"], { stdio: "inherit" });
  ({ server, chromium } = await openSite(path.join(dir, "public")));
});
after(async () => {
  await closeSite({ server, chromium });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const [query, count, first] of [
  ["common", 150, "/en-us/p77/"],
  ["middle", 75, null],
  ["common middle rare", 5, null],
]) {
  test(`results page: \`${query}\` counts ${count} pages`, async () => {
    const page = await openPage(chromium.browser, `${server.origin}/en-us/search/?q=${encodeURIComponent(query)}`);
    try {
      await page.waitForFunction(() => document.querySelectorAll(".search-results a").length > 0, WAIT);
      const r = await page.evaluate(() => ({
        status: document.querySelector(".search-status").textContent,
        links: [...document.querySelectorAll(".search-results .search-title")].map((a) => a.getAttribute("href")),
      }));
      assert.equal(r.status, `Results: ${count}`, JSON.stringify(r));
      assert.equal(r.links.length, Math.min(count, 10));
      if (first) assert.equal(r.links[0], first);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}
