// Search in the browser (issue #19): the header box (ARIA combobox) finds the expected page first
// and the keyboard follows it, on the English and the Arabic site; Esc closes, then clears; the
// results page lists every match; the 404 pages' box leads to it; without JavaScript no search
// control shows; axe finds nothing with the results open, light and dark.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { openSite, closeSite, openPage } from "./lib.mjs";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
// A safety net only: every wait below ends on an observable change of the page.
const WAIT = { timeout: 60_000 };

let server, chromium;
before(async () => ({ server, chromium } = await openSite()));
after(() => closeSite({ server, chromium }));

/** The popup's state: whether it is open, its options (title, href, selected) and the status. */
function popup(page) {
  return page.evaluate(() => {
    const input = document.getElementById("search-input");
    const list = document.getElementById(input.getAttribute("aria-controls"));
    const options = list ? [...list.querySelectorAll("[role=option]")] : [];
    return {
      role: input.getAttribute("role"),
      expanded: input.getAttribute("aria-expanded"),
      visible: !!list && list.closest(".search-popup").checkVisibility(),
      active: input.getAttribute("aria-activedescendant"),
      options: options.map((o) => ({
        id: o.id,
        title: o.querySelector(".search-title").textContent,
        href: o.getAttribute("data-href"),
        selected: o.getAttribute("aria-selected"),
        marks: [...o.querySelectorAll("mark")].map((m) => m.textContent),
        crumbs: o.querySelector(".search-crumbs")?.textContent ?? "",
        bdi: o.querySelector(".search-title > bdi") !== null,
      })),
      status: document.querySelector(".search-slot [role=status]")?.textContent,
      value: input.value,
    };
  });
}

/** Types `query` into the header box and waits for the popup to show the results for it. */
async function type(page, query) {
  await page.focus("#search-input");
  await page.keyboard.type(query);
  await page.waitForFunction(
    (q) => {
      const input = document.getElementById("search-input");
      const shown = document.querySelector(".search-slot .search-popup")?.getAttribute("data-query");
      return input.getAttribute("aria-expanded") === "true" && input.value === q && shown === q;
    },
    WAIT,
    query,
  );
  return popup(page);
}

for (const [locale, query, expected, title] of [
  ["en-us", "dkim", "/en-us/authentication/dkim/", /DKIM/],
  ["ar-sa", "الحظر", "/ar-sa/delisting/delist-ip/", /الحظر/],
]) {
  test(`header box (${locale}): \`${query}\` shows ${expected} first; Down, Enter lands on it`, async () => {
    const page = await openPage(chromium.browser, `${server.origin}/${locale}/`);
    try {
      const s = await type(page, query);
      assert.equal(s.role, "combobox");
      assert.ok(s.visible, "the popup shows");
      assert.ok(s.options.length > 0, JSON.stringify(s));
      assert.equal(s.options[0].href.split("#")[0], expected, JSON.stringify(s.options));
      assert.match(s.options[0].title, title);
      assert.ok(s.options[0].bdi, "titles are isolated in <bdi>");
      assert.ok(s.options.some((o) => o.marks.length > 0), `matched words are marked: ${JSON.stringify(s.options)}`);
      assert.equal(s.active, null, "no option is active before Down");
      await page.keyboard.press("ArrowDown");
      const d = await popup(page);
      assert.equal(d.active, d.options[0].id);
      assert.equal(d.options[0].selected, "true");
      await Promise.all([page.waitForNavigation(WAIT), page.keyboard.press("Enter")]);
      assert.equal(new URL(page.url()).pathname, expected);
      assert.deepEqual(page.problems, []);
    } finally {
      await page.close();
    }
  });
}

test("header box: Up and Down move the active option and wrap; Esc closes, then clears", async () => {
  const page = await openPage(chromium.browser, `${server.origin}/en-us/`);
  try {
    const s = await type(page, "mail");
    assert.ok(s.options.length >= 2, JSON.stringify(s));
    assert.match(s.status, /^Results: \d+$/);
    // The popup shows the best 6 (the results page has them all).
    const count = Number(s.status.match(/\d+/)[0]);
    assert.equal(s.options.length, Math.min(count, 6), JSON.stringify(s));
    // A result that links to a section names it (the heading's text ends its trail).
    const deep = s.options.filter((o) => o.href.includes("#"));
    assert.ok(deep.length > 0, JSON.stringify(s.options));
    for (const o of deep) assert.ok(o.crumbs.length > 0, JSON.stringify(o));
    await page.keyboard.press("ArrowUp");
    assert.equal((await popup(page)).active, s.options.at(-1).id);
    await page.keyboard.press("ArrowDown");
    assert.equal((await popup(page)).active, s.options[0].id);
    await page.keyboard.press("ArrowDown");
    assert.equal((await popup(page)).active, s.options[1].id);
    await page.keyboard.press("Escape");
    let e = await popup(page);
    assert.deepEqual([e.expanded, e.visible, e.active, e.value], ["false", false, null, "mail"]);
    await page.keyboard.press("Escape");
    e = await popup(page);
    assert.equal(e.value, "");
    assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("header box: no result says so; Enter without an active option opens the results page", async () => {
  const page = await openPage(chromium.browser, `${server.origin}/sv-se/`);
  try {
    const none = await type(page, "zzqxv");
    assert.equal(none.options.length, 0);
    assert.equal(none.status, "Inga resultat för zzqxv");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await type(page, "dkim");
    await Promise.all([page.waitForNavigation(WAIT), page.keyboard.press("Enter")]);
    const url = new URL(page.url());
    assert.equal(url.pathname, "/sv-se/search/");
    assert.equal(url.searchParams.get("q"), "dkim");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("header box: an index that cannot be read says search is not available", async () => {
  const page = await openPage(chromium.browser, `${server.origin}/en-us/`);
  try {
    await page.setRequestInterception(true);
    page.on("request", (r) => (r.url().includes("/_search/") ? r.respond({ status: 503, body: "" }) : r.continue()));
    const s = await type(page, "dkim");
    assert.equal(s.options.length, 0);
    assert.equal(s.status, "Search is not available right now.");
    assert.equal(await page.$eval(".search-note", (n) => n.textContent), "Search is not available right now.");
    // The failed request is the point here; nothing else may fail.
    assert.deepEqual(page.problems.filter((p) => !/_search\/meta\.json|status of 503/.test(p)), []);
  } finally {
    await page.close();
  }
});

test("results page: the query in its labelled field, every match listed as a link, the count announced", async () => {
  const page = await openPage(chromium.browser, `${server.origin}/en-us/search/?q=mail`);
  try {
    await page.waitForFunction(() => document.querySelectorAll(".search-results a").length > 0, WAIT);
    const r = await page.evaluate(() => ({
      value: document.getElementById("search-page-input").value,
      label: document.querySelector("label[for=search-page-input]").textContent,
      links: [...document.querySelectorAll(".search-results .search-title")].map((a) => a.getAttribute("href")),
      status: document.querySelector(".search-status").textContent,
      more: !document.querySelector(".search-more").hidden,
      title: document.title,
    }));
    assert.equal(r.value, "mail");
    assert.equal(r.label, "Search");
    const count = Number(r.status.replace(/^Results: /, ""));
    assert.ok(count >= r.links.length && r.links.length > 0, JSON.stringify(r));
    assert.equal(r.more, count > r.links.length);
    assert.ok(r.links.every((h) => h.startsWith("/en-us/")), JSON.stringify(r.links));
    assert.match(r.title, /^mail \| /);
    if (r.more) {
      await page.click(".search-more");
      await page.waitForFunction((n) => document.querySelectorAll(".search-results a").length > n, WAIT, r.links.length);
    }
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("results page (ar-sa): a page shown in English says so, carries its lang, and reads right to left around it", async () => {
  const page = await openPage(chromium.browser, `${server.origin}/ar-sa/search/?q=dkim`);
  try {
    await page.waitForFunction(() => document.querySelectorAll(".search-results a").length > 0, WAIT);
    const first = await page.evaluate(() => {
      const li = document.querySelector(".search-results li");
      return {
        lang: li.getAttribute("lang"),
        note: li.querySelector(".search-lang")?.textContent,
        noteLang: li.querySelector(".search-lang")?.getAttribute("lang"),
        title: li.querySelector(".search-title > bdi")?.textContent,
        dir: getComputedStyle(document.querySelector(".search-results")).direction,
      };
    });
    assert.equal(first.lang.toLowerCase(), "en-us");
    assert.equal(first.note, "مكتوب باللغة الإنجليزية");
    assert.equal(first.noteLang, "ar-SA");
    assert.match(first.title, /DKIM/);
    assert.equal(first.dir, "rtl");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

for (const [where, url, input] of [
  ["a locale's 404 page", "/sv-se/no-such-page/", "#search-404"],
  ["the root 404 page", "/no-such-locale/", "#search-404-en-us"],
]) {
  test(`${where}: its search box leads to the results page`, async () => {
    const page = await openPage(chromium.browser, server.origin + url);
    try {
      await page.waitForSelector(`${input}:not([hidden])`, { visible: true, ...WAIT });
      await page.type(input, "dkim");
      await Promise.all([page.waitForNavigation(WAIT), page.keyboard.press("Enter")]);
      const to = new URL(page.url());
      assert.equal(to.searchParams.get("q"), "dkim");
      assert.match(to.pathname, /^\/(sv-se|en-us)\/search\/$/);
      await page.waitForFunction(() => document.querySelectorAll(".search-results a").length > 0, WAIT);
      // The 404 page itself comes with status 404, which the console reports.
      assert.deepEqual(page.problems.filter((p) => !/^console error: Failed to load resource: .* 404 /.test(p)), []);
    } finally {
      await page.close();
    }
  });
}

test("without JavaScript no search control shows", async () => {
  for (const url of ["/en-us/", "/en-us/search/?q=dkim", "/en-us/no-such-page/"]) {
    const page = await openPage(chromium.browser, server.origin + url, undefined, { scripts: false });
    try {
      const shown = await page.evaluate(() =>
        [...document.querySelectorAll("input[type=search], .search-form button")].filter((e) => e.checkVisibility()).length,
      );
      assert.equal(shown, 0, url);
    } finally {
      await page.close();
    }
  }
});

for (const scheme of ["light", "dark"]) {
  for (const locale of ["en-us", "ar-sa"]) {
    test(`axe (${scheme}, ${locale}): no violation with the results open and an option active`, async () => {
      const page = await openPage(chromium.browser, `${server.origin}/${locale}/authentication/spf/`, { width: 1366, scheme });
      try {
        const s = await type(page, locale === "ar-sa" ? "spf" : "mail");
        assert.ok(s.options.length > 0);
        await page.keyboard.press("ArrowDown");
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () =>
          (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map(
            (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
          ),
        );
        assert.deepEqual(violations, []);
        assert.deepEqual(page.problems, []);
      } finally {
        await page.close();
      }
    });
  }
}
