// Code blocks (issue 18): the language's name is a label above the code, in the page without
// JavaScript; the copy button (made by the script, so there is none without it) works from the
// keyboard, copies exactly the code as it is written in the Markdown (not the label, not the
// button's text), and says "Copied" in the page's language through a status region.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { openSite, closeSite, openPage, repoRoot } from "./lib.mjs";

let server, chromium;
before(async () => ({ server, chromium } = await openSite()));
after(() => closeSite({ server, chromium }));

/** The text of the first ```powershell fence of the SPF article's source, without its last newline. */
async function powershellFence(locale) {
  const md = await readFile(path.join(repoRoot, "content", locale, "authentication", "spf.md"), "utf8");
  const m = md.replace(/\r\n/g, "\n").match(/^```powershell\n([\s\S]*?)\n```$/m);
  assert.ok(m, "the SPF article has a PowerShell block");
  return m[1];
}

/** Replaces the clipboard's writeText with one that records what it is given. */
function recordClipboard(page) {
  return page.evaluate(() => {
    window.copied = [];
    Object.defineProperty(navigator.clipboard, "writeText", {
      configurable: true,
      value: (text) => {
        window.copied.push(text);
        return Promise.resolve();
      },
    });
  });
}

for (const [locale, copiedText] of [["en-us", "Copied"], ["sv-se", "Kopierat"], ["ar-sa", "تم النسخ"]]) {
  test(`copy button (${locale}): keyboard operable, copies exactly the code, announces "${copiedText}"`, async () => {
    const page = await openPage(chromium.browser, `${server.origin}/${locale}/authentication/spf/`, { width: 390, scheme: "light" });
    try {
      await recordClipboard(page);
      const block = await page.evaluateHandle(() => document.querySelector("code.language-powershell").closest(".code-block"));
      const info = await block.evaluate((b) => ({
        label: b.querySelector(".code-lang")?.textContent,
        buttons: b.querySelectorAll("button.code-copy").length,
        status: b.querySelector(".code-status")?.getAttribute("role"),
        statusText: b.querySelector(".code-status")?.textContent,
      }));
      assert.deepEqual(info, { label: "PowerShell", buttons: 1, status: "status", statusText: "" });
      // From the keyboard: the button is a Tab stop; Enter and Space both copy.
      await block.evaluate((b) => b.querySelector("button.code-copy").focus());
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.copied.length === 1, { timeout: 60_000 });
      await page.waitForFunction((t) => document.querySelector("code.language-powershell").closest(".code-block").querySelector("[role=status]").textContent === t, { timeout: 60_000 }, copiedText);
      await page.keyboard.press("Space");
      await page.waitForFunction(() => window.copied.length === 2, { timeout: 60_000 });
      const copied = await page.evaluate(() => window.copied);
      const want = await powershellFence(locale);
      assert.equal(copied[0], want);
      assert.equal(copied[1], want);
      assert.ok(!copied[0].includes("PowerShell") && !/Copy|Kopiera|نسخ/.test(copied[0]), copied[0]);
      // The announcement goes once the reader moves on, out of the block.
      await page.keyboard.down("Shift");
      await page.keyboard.press("Tab");
      await page.keyboard.up("Shift");
      await page.waitForFunction(() => document.querySelector("code.language-powershell").closest(".code-block").querySelector("[role=status]").textContent === "", { timeout: 60_000 });
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}

test("copy button: a block without a language gets one too; plain text has no label", async () => {
  const page = await openPage(chromium.browser, `${server.origin}/en-us/authentication/spf/`);
  try {
    await recordClipboard(page);
    const text = await page.evaluate(() => {
      const code = document.querySelector("code.language-text");
      const block = code.closest(".code-block");
      return { label: block.querySelector(".code-lang"), code: code.textContent, header: !!block.querySelector(".code-header .code-copy") };
    });
    assert.deepEqual([text.label, text.header], [null, true]);
    await page.evaluate(() => document.querySelector("code.language-text").closest(".code-block").querySelector(".code-copy").click());
    await page.waitForFunction(() => window.copied.length === 1, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => window.copied[0]), text.code.replace(/\n$/, ""));
  } finally {
    await page.close();
  }
});

test("code blocks without JavaScript: the label shows, no copy button", async () => {
  const page = await openPage(chromium.browser, `${server.origin}/en-us/authentication/spf/`, { width: 1366, scheme: "light" }, { scripts: false });
  try {
    const s = await page.evaluate(() => ({
      labels: [...document.querySelectorAll(".code-lang")].filter((l) => l.getClientRects().length).map((l) => l.textContent),
      buttons: document.querySelectorAll(".code-copy").length,
    }));
    // Without the script every tab's panel shows: the Windows one and the Linux one.
    assert.deepEqual(s, { labels: ["PowerShell", "Bash"], buttons: 0 });
  } finally {
    await page.close();
  }
});
