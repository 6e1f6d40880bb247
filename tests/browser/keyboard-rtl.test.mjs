// Keyboard use (the skip link, tabs with arrow keys) and right-to-left rendering: technical values
// in Arabic text must be drawn in their own left-to-right order.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openSite, closeSite, openPage } from "./lib.mjs";

let server, chromium;
before(async () => ({ server, chromium } = await openSite()));
after(() => closeSite({ server, chromium }));

test("skip link: first Tab stop, visible, moves focus to the main content", async () => {
  const page = await openPage(chromium.browser, server.origin + "/en-us/authentication/spf/");
  try {
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { cls: a.className, href: a.getAttribute("href"), top: r.top, bottom: r.bottom };
    });
    assert.equal(first.cls, "skip-link");
    assert.ok(first.top >= 0 && first.bottom <= 900, `skip link visible when focused: ${JSON.stringify(first)}`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "main");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

for (const [locale, forward, back] of [
  ["en-us", "ArrowRight", "ArrowLeft"],
  ["ar-sa", "ArrowLeft", "ArrowRight"],
]) {
  test(`tabs (${locale}): ${forward} moves on, ${back} back, Home and End; one panel shown`, async () => {
    const page = await openPage(chromium.browser, `${server.origin}/${locale}/authentication/spf/`);
    try {
      await page.waitForSelector(".tabs.tabs-js [role=tab]");
      const state = () =>
        page.evaluate(() => {
          const g = document.querySelector(".tabs.tabs-js");
          const tabs = [...g.querySelectorAll("[role=tab]")];
          const panels = [...g.querySelectorAll("[role=tabpanel]")];
          return {
            selected: tabs.findIndex((t) => t.getAttribute("aria-selected") === "true"),
            focused: tabs.indexOf(document.activeElement),
            shown: panels.map((p, i) => (p.hidden ? -1 : i)).filter((i) => i >= 0),
            count: tabs.length,
            named: panels.every((p) => p.getAttribute("aria-labelledby") && document.getElementById(p.getAttribute("aria-labelledby"))?.textContent.trim()),
          };
        });
      await page.focus(".tabs.tabs-js [role=tab][aria-selected=true]");
      let s = await state();
      assert.ok(s.count >= 2 && s.named, JSON.stringify(s));
      assert.deepEqual([s.selected, s.focused, s.shown], [0, 0, [0]]);
      await page.keyboard.press(forward);
      s = await state();
      assert.deepEqual([s.selected, s.focused, s.shown], [1, 1, [1]]);
      await page.keyboard.press(back);
      s = await state();
      assert.deepEqual([s.selected, s.focused, s.shown], [0, 0, [0]]);
      await page.keyboard.press("End");
      s = await state();
      assert.deepEqual([s.selected, s.focused, s.shown], [s.count - 1, s.count - 1, [s.count - 1]]);
      await page.keyboard.press("Home");
      s = await state();
      assert.deepEqual([s.selected, s.focused, s.shown], [0, 0, [0]]);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}

/**
 * The characters of each `<code>` whose text is in `texts`, in the order they are drawn: line by
 * line from the top, and on each line from the left (the order a reader of a left-to-right value
 * reads it in).
 */
async function drawnOrder(page, texts) {
  return page.evaluate((texts) => {
    const out = {};
    for (const code of document.querySelectorAll(".content code")) {
      const text = code.textContent;
      if (!texts.includes(text) || out[text] || code.closest("pre")) continue;
      const node = code.firstChild;
      const chars = [];
      for (let i = 0; i < text.length; i++) {
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + 1);
        const box = r.getClientRects()[0];
        if (box) chars.push({ c: text[i], x: box.left + box.width / 2, y: Math.round(box.top) });
      }
      chars.sort((a, b) => a.y - b.y || a.x - b.x);
      out[text] = chars.map((c) => c.c).join("");
    }
    return out;
  }, texts);
}

for (const width of [1366, 390]) {
  test(`Arabic SPF page at ${width} px: inline code reads left to right, whole`, async () => {
    const page = await openPage(chromium.browser, server.origin + "/ar-sa/authentication/spf/", { width, scheme: "light" });
    try {
      const texts = ["~all", "-all", "?all", "v=spf1 -all", "MAIL FROM:<bounces@mail.example.com>"];
      const drawn = await drawnOrder(page, texts);
      assert.deepEqual(Object.keys(drawn).sort(), [...texts].sort(), "every value is on the page");
      for (const t of texts) assert.equal(drawn[t], t, `drawn order of ${t}`);
      // No value shorter than a line is broken inside: each of these lies on one line.
      const lines = await page.evaluate(
        (texts) =>
          [...document.querySelectorAll(".content code")]
            .filter((c) => texts.includes(c.textContent) && !c.closest("pre"))
            .map((c) => [c.textContent, new Set([...c.getClientRects()].map((r) => Math.round(r.top))).size]),
        ["~all", "-all", "v=spf1 -all"],
      );
      for (const [t, n] of lines) assert.equal(n, 1, `${t} on one line`);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}

/**
 * The characters of each value in `texts` written as plain text (outside code) in the article,
 * in the order they are drawn, as `drawnOrder` does for code: the value is found in the text
 * nodes whatever markup isolates it (or none), so the test reads what the reader sees.
 */
async function drawnProseOrder(page, texts) {
  return page.evaluate((texts) => {
    const out = {};
    const content = document.querySelector(".content");
    const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest("code, kbd, pre")) continue;
      for (const text of texts) {
        const at = node.data.indexOf(text);
        if (at < 0 || out[text]) continue;
        const chars = [];
        for (let i = 0; i < text.length; i++) {
          const r = document.createRange();
          r.setStart(node, at + i);
          r.setEnd(node, at + i + 1);
          const box = r.getClientRects()[0];
          if (box) chars.push({ c: text[i], x: box.left + box.width / 2, y: Math.round(box.top) });
        }
        chars.sort((a, b) => a.y - b.y || a.x - b.x);
        out[text] = chars.map((c) => c.c).join("");
      }
    }
    return out;
  }, texts);
}

// Values a translator wrote as plain text, not code: addresses, host names, SPF qualifiers, a reply
// code with its enhanced status code, a host name that starts with digits, file extensions.
for (const [pageUrl, texts] of [
  ["/ar-sa/authentication/spf/", ["198.51.100.17", "mail.example.com", "news.example.com", "~all", "-all"]],
  ["/ar-sa/troubleshooting/mail-not-delivered/", ["421 4.7.0", "203-0-113-9.dsl.example.net", ".iso", ".exe"]],
]) {
  for (const width of [1366, 390]) {
    test(`Arabic ${pageUrl} at ${width} px: values in plain prose read left to right, whole`, async () => {
      const page = await openPage(chromium.browser, server.origin + pageUrl, { width, scheme: "light" });
      try {
        const drawn = await drawnProseOrder(page, texts);
        assert.deepEqual(Object.keys(drawn).sort(), [...texts].sort(), "every value is on the page as plain text");
        for (const t of texts) assert.equal(drawn[t], t, `drawn order of ${t}`);
        assert.deepEqual(page.problems, []);
      } finally {
        await page.close();
      }
    });
  }
}
