// The header and the phone menu (issue 18): the header is one line at 390 px in left-to-right
// and right-to-left locales with the search box shown; at 390 px the menu control opens the
// table of contents, keeps the keyboard focus in it while open, and Esc closes it and gives the
// focus back; without JavaScript the control is a link to the table of contents. The language
// menu closes with Esc (focus back on its summary) and with a click elsewhere.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { openSite, closeSite, openPage } from "./lib.mjs";

const axeSource = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let server, chromium;
before(async () => ({ server, chromium } = await openSite()));
after(() => closeSite({ server, chromium }));

const phone = { width: 390, scheme: "light" };
const spf = (locale) => `${server.origin}/${locale}/authentication/spf/`;

/** The header's boxes; the search form is shown as it will be once search exists. */
function headerBoxes(page) {
  return page.evaluate(() => {
    const form = document.querySelector(".search-slot form");
    if (form) form.hidden = false;
    const box = (sel) => {
      const el = document.querySelector(sel);
      const r = el.getBoundingClientRect();
      return { sel, left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
    };
    return {
      header: box(".site-header"),
      parts: [".menu-toggle", ".site-title", ".search-slot input", ".language-switcher summary"].map(box),
      scrollWidth: document.documentElement.scrollWidth,
      lineHeight: parseFloat(getComputedStyle(document.querySelector(".site-title")).lineHeight),
    };
  });
}

for (const locale of ["en-us", "sv-se", "ar-sa"]) {
  test(`header (${locale}) at 390 px: one line with menu, title, search box and language`, async () => {
    const page = await openPage(chromium.browser, spf(locale), phone);
    try {
      const b = await headerBoxes(page);
      const [menu, title, search, language] = b.parts;
      // One line: the header is no taller than its tallest control plus its padding.
      const tallest = Math.max(...b.parts.map((p) => p.height));
      assert.ok(b.header.height <= tallest + 24, `header ${b.header.height} px for controls of ${tallest} px: ${JSON.stringify(b)}`);
      for (const p of b.parts) {
        assert.ok(p.width > 0 && p.height > 0, `${p.sel} is shown: ${JSON.stringify(p)}`);
        assert.ok(p.top >= b.header.top && p.bottom <= b.header.bottom, `${p.sel} inside the header: ${JSON.stringify(b)}`);
        assert.ok(p.left >= 0 && p.right <= 390, `${p.sel} on the screen: ${JSON.stringify(p)}`);
      }
      // The title is one line of text (it gives way with an ellipsis rather than wrapping).
      assert.ok(title.height < 1.5 * b.lineHeight, `title on one line: ${JSON.stringify(title)}`);
      assert.ok(search.width >= 96, `search box wide enough to type in: ${search.width} px`);
      // Side by side without overlapping, in reading order (mirrored right to left).
      const order = [menu, title, search, language];
      if (locale === "ar-sa") order.reverse();
      for (let i = 1; i < order.length; i++) {
        assert.ok(order[i - 1].right <= order[i].left + 0.5, `${order[i - 1].sel} before ${order[i].sel}: ${JSON.stringify(b)}`);
      }
      assert.ok(b.scrollWidth <= 390, `no sideways scrolling: ${b.scrollWidth}`);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}

test("header at 1366 px: one line, no menu control (the sidebar is beside the article)", async () => {
  const page = await openPage(chromium.browser, spf("en-us"));
  try {
    const b = await page.evaluate(() => {
      document.querySelector(".search-slot form").hidden = false;
      const h = document.querySelector(".site-header").getBoundingClientRect();
      const m = document.querySelector(".menu-toggle").getBoundingClientRect();
      const l = document.querySelector(".language-switcher summary").getBoundingClientRect();
      return { header: h.height, menu: m.width, langTop: l.top, langBottom: l.bottom, headerBottom: h.bottom };
    });
    assert.equal(b.menu, 0, "no menu control on wide screens");
    assert.ok(b.header < 80 && b.langBottom <= b.headerBottom, JSON.stringify(b));
  } finally {
    await page.close();
  }
});

/** What has the focus, and the menu's state. */
function menuState(page) {
  return page.evaluate(() => {
    const nav = document.getElementById("nav");
    const button = document.querySelector(".menu-toggle");
    const a = document.activeElement;
    const r = nav.getBoundingClientRect();
    return {
      tag: button.tagName,
      expanded: button.getAttribute("aria-expanded"),
      controls: button.getAttribute("aria-controls"),
      onButton: a === button,
      inNav: nav.contains(a) && a !== nav,
      active: a.outerHTML.slice(0, 80),
      nav: { top: r.top, bottom: r.bottom, height: r.height },
      mainInert: document.getElementById("main").closest("[inert]") !== null,
    };
  });
}

for (const locale of ["en-us", "ar-sa"]) {
  test(`menu (${locale}) at 390 px: opens with the keyboard, keeps the focus, Esc closes and gives it back`, async () => {
    const page = await openPage(chromium.browser, spf(locale), phone);
    try {
      // Skip link, then the menu control.
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      let s = await menuState(page);
      assert.deepEqual([s.tag, s.onButton, s.expanded, s.controls], ["BUTTON", true, "false", "nav"], JSON.stringify(s));
      await page.keyboard.press("Enter");
      s = await menuState(page);
      assert.equal(s.expanded, "true");
      assert.ok(s.inNav, `focus moved into the menu: ${s.active}`);
      assert.ok(s.mainInert, "the page behind the menu is inert");
      // The panel is on the screen, under the header, and shows the table of contents' links.
      const shown = await page.evaluate(() => {
        const nav = document.getElementById("nav");
        const header = document.querySelector(".site-header").getBoundingClientRect();
        const r = nav.getBoundingClientRect();
        const links = [...nav.querySelectorAll("a[href]")].filter((a) => a.getClientRects().length);
        const first = links[0].getBoundingClientRect();
        const hit = document.elementFromPoint(first.left + 2, first.top + first.height / 2);
        return {
          top: r.top, bottom: r.bottom, headerBottom: header.bottom, headerTop: header.top,
          links: links.length, firstOnTop: links[0].contains(hit),
        };
      });
      assert.ok(shown.headerTop === 0 && Math.abs(shown.top - shown.headerBottom) <= 1 && shown.bottom <= 900, JSON.stringify(shown));
      assert.ok(shown.links >= 8 && shown.firstOnTop, JSON.stringify(shown));
      // Tab and Shift+Tab go round the panel and the control, never out.
      const ring = await page.evaluate(() => 1 + [...document.querySelectorAll("#nav a[href], #nav button, #nav summary")].filter((e) => e.getClientRects().length).length);
      for (const shift of [false, true]) {
        if (shift) await page.keyboard.down("Shift");
        for (let i = 0; i < ring + 2; i++) {
          await page.keyboard.press("Tab");
          s = await menuState(page);
          assert.ok(s.inNav || s.onButton, `Tab ${i}${shift ? " with Shift" : ""} left the menu: ${s.active}`);
        }
        if (shift) await page.keyboard.up("Shift");
      }
      await page.keyboard.press("Escape");
      s = await menuState(page);
      assert.deepEqual([s.expanded, s.onButton, s.mainInert], ["false", true, false], JSON.stringify(s));
      // Open again with the mouse, close with the control.
      await page.click(".menu-toggle");
      s = await menuState(page);
      assert.equal(s.expanded, "true");
      await page.click(".menu-toggle");
      s = await menuState(page);
      assert.deepEqual([s.expanded, s.onButton, s.mainInert], ["false", true, false], JSON.stringify(s));
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}

test("menu without JavaScript at 390 px: a link to the table of contents", async () => {
  const page = await openPage(chromium.browser, spf("en-us"), phone, { scripts: false });
  try {
    const link = await page.evaluate(() => {
      const a = document.querySelector("a.menu-toggle");
      const r = a.getBoundingClientRect();
      return { href: a.getAttribute("href"), name: a.textContent.trim(), width: r.width };
    });
    assert.deepEqual([link.href, link.name], ["#nav", "Menu"]);
    assert.ok(link.width > 0);
    const before = await page.evaluate(() => document.getElementById("nav").getBoundingClientRect().top);
    assert.ok(before > 900, `the table of contents starts below the first screen: ${before}`);
    await page.click("a.menu-toggle");
    await page.waitForFunction(() => location.hash === "#nav");
    const nav = await page.evaluate(() => {
      const n = document.getElementById("nav");
      const r = n.getBoundingClientRect();
      return { top: r.top, links: n.querySelectorAll("a[href]").length };
    });
    // Scrolled to it (as far as the page goes: it is the last thing on the page).
    assert.ok(nav.top >= -1 && nav.top < 900 - 100 && nav.links >= 8, `the table of contents is shown: ${JSON.stringify(nav)}`);
  } finally {
    await page.close();
  }
});

for (const view of [phone, { width: 1366, scheme: "light" }]) {
  test(`language menu at ${view.width} px: Esc closes it and focuses its summary; a click elsewhere closes it`, async () => {
    const page = await openPage(chromium.browser, spf("sv-se"), view);
    try {
      const state = () =>
        page.evaluate(() => {
          const d = document.querySelector(".language-switcher details");
          return { open: d.open, onSummary: document.activeElement === d.querySelector("summary"), inMenu: d.contains(document.activeElement) };
        });
      await page.focus(".language-switcher summary");
      await page.keyboard.press("Enter");
      assert.deepEqual(await state(), { open: true, onSummary: true, inMenu: true });
      await page.keyboard.press("Tab");
      let s = await state();
      assert.ok(s.open && s.inMenu && !s.onSummary, JSON.stringify(s));
      await page.keyboard.press("Escape");
      assert.deepEqual(await state(), { open: false, onSummary: true, inMenu: true });
      // Open with the mouse; a click on the article closes it.
      await page.click(".language-switcher summary");
      assert.equal((await state()).open, true);
      await page.mouse.click(view.width / 2, 600);
      assert.equal((await state()).open, false);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}

for (const scheme of ["light", "dark"]) {
  test(`axe (${scheme}, 390 px): nothing found with the menu open and a code block just copied`, async () => {
    for (const locale of ["en-us", "ar-sa"]) {
      const page = await openPage(chromium.browser, spf(locale), { width: 390, scheme });
      try {
        await page.evaluate(() => {
          Object.defineProperty(navigator.clipboard, "writeText", { configurable: true, value: () => Promise.resolve() });
          document.querySelector(".code-copy").click();
        });
        await page.waitForFunction(() => document.querySelector(".code-status").textContent !== "", { timeout: 60_000 });
        await page.click(".menu-toggle");
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () =>
          (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map(
            (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
          ),
        );
        assert.deepEqual(violations, [], locale);
        assert.deepEqual(page.problems, []);
      } finally {
        await page.close();
      }
    }
  });
}
