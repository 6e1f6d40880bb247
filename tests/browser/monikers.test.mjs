// The version picker of pages with moniker blocks. The sample site has no versioned content, so
// this file builds the fixture tests/fixtures/docfx-monikers (monikers v1, v2, v3) with the
// helpsite binary CI just built (HELPSITE_BIN, else target/release, else target/debug) and
// checks it: one version shown at a time, `?view=` honoured and written back, keyboard use, axe.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, serveSite, launchBrowser, openPage, helpsiteBin } from "./lib.mjs";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const bin = helpsiteBin;

let out, server, chromium;
before(async () => {
  assert.ok(bin, "no helpsite binary: run `cargo build --release` first (or set HELPSITE_BIN)");
  out = await mkdtemp(path.join(tmpdir(), "helpsite-monikers-"));
  const site = path.join(repoRoot, "tests", "fixtures", "docfx-monikers");
  // The fixture's block for no configured moniker is a warning: the build still succeeds.
  execFileSync(bin, ["build", "--site", site, "--out", path.join(out, "public"), "--cache-dir", path.join(out, "cache")], { stdio: ["ignore", "ignore", "pipe"] });
  server = await serveSite(path.join(out, "public"));
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
  await server?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

/** The picker's state: its value, whether it shows, the address's `view`, the texts shown. */
const state = (page) =>
  page.evaluate(() => {
    const picker = document.querySelector(".moniker-picker");
    const select = picker.querySelector("select");
    return {
      pickerShown: !picker.hidden && picker.getBoundingClientRect().height > 0,
      value: select.value,
      view: new URLSearchParams(location.search).get("view"),
      shown: [...document.querySelectorAll(".moniker[data-monikers]")]
        .filter((b) => b.getBoundingClientRect().height > 0)
        .map((b) => b.querySelector("p:not(.moniker-label)").textContent.trim()),
      labelsShown: [...document.querySelectorAll(".moniker-label")].some((l) => l.getBoundingClientRect().height > 0),
    };
  });

test("picker: shows the first version, switching shows another and writes ?view=", async () => {
  const page = await openPage(chromium.browser, server.origin + "/en-us/page/");
  try {
    let s = await state(page);
    assert.deepEqual(s, { pickerShown: true, value: "v1", view: null, shown: ["Only in version one.", "In versions one and three."], labelsShown: false });
    await page.select("#moniker-picker-select", "v2");
    s = await state(page);
    assert.equal(s.view, "v2");
    assert.deepEqual(s.shown, ["In version two and later."]);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("picker: ?view= in the address (a link from another page) chooses the version", async () => {
  const page = await openPage(chromium.browser, server.origin + "/en-us/other/");
  try {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('a[href$="?view=v2"]')]);
    let s = await state(page);
    assert.equal(s.value, "v2");
    assert.deepEqual(s.shown, ["In version two and later."]);
    await page.goto(server.origin + "/en-us/page/?view=v3", { waitUntil: "load" });
    s = await state(page);
    assert.equal(s.value, "v3");
    assert.deepEqual(s.shown, ["In version two and later.", "In versions one and three."]);
    // A name that is not a version of the page leaves the first one chosen.
    await page.goto(server.origin + "/en-us/page/?view=v9", { waitUntil: "load" });
    assert.equal((await state(page)).value, "v1");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("picker: keyboard only, Tab reaches it and arrow keys change the version", async () => {
  const page = await openPage(chromium.browser, server.origin + "/en-us/page/");
  try {
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.id === "moniker-picker-select");
    }
    assert.ok(reached, "Tab never reached the version picker");
    // Its name is the visible label.
    const name = await page.evaluate(() => document.activeElement.labels[0].textContent);
    assert.equal(name, "Choose a version");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => new URLSearchParams(location.search).get("view") === "v2");
    assert.deepEqual((await state(page)).shown, ["In version two and later."]);
  } finally {
    await page.close();
  }
});

test("picker (ar-SA, right to left): the label is drawn right of the list, which still works", async () => {
  const page = await openPage(chromium.browser, server.origin + "/ar-sa/other/");
  try {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('a[href$="?view=v2"]')]);
    const s = await state(page);
    assert.equal(s.value, "v2");
    const box = await page.evaluate(() => {
      const l = document.querySelector(".moniker-picker label").getBoundingClientRect();
      const sel = document.querySelector(".moniker-picker select").getBoundingClientRect();
      return { label: l.left, select: sel.right, dir: document.documentElement.dir, text: document.querySelector(".moniker-picker label").textContent };
    });
    assert.equal(box.dir, "rtl");
    assert.equal(box.text, "اختر الإصدار");
    assert.ok(box.label >= box.select, `label not right of the list: ${JSON.stringify(box)}`);
    await page.select("#moniker-picker-select", "v3");
    assert.equal((await state(page)).view, "v3");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("picker: axe finds nothing, with and without JavaScript, left to right and right to left", async () => {
  for (const [locale, scripts] of [["en-us", true], ["en-us", false], ["ar-sa", true]]) {
    const page = await openPage(chromium.browser, `${server.origin}/${locale}/page/`, undefined, { scripts });
    try {
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      });
      assert.deepEqual(violations, [], `${locale}, scripts: ${scripts}`);
      if (!scripts) {
        // Without JavaScript: every version shows, each labelled with display names.
        const labels = await page.$$eval(".moniker-label", (ls) => ls.map((l) => l.textContent));
        assert.deepEqual(labels, ["Version: Version 1 (classic)", "Version: Version 2, V3", "Version: Version 1 (classic), V3"]);
      }
    } finally {
      await page.close();
    }
  }
});
