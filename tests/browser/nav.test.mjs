// The navigation of #18: sidebar groups are disclosures that open with the keyboard (and load
// the entries a big TOC leaves out), every toc.yml entry is a link on the SPF page, the sidebar
// is sticky on wide screens, the outline is a rail there (highlighting the section being read)
// and a closed disclosure on phones, mirrored on right-to-left pages, and the 404s carry the
// locale's navigation. Every wait is on an observable state, with a generous deadline.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { openSite, closeSite, repoRoot, openPage } from "./lib.mjs";

let server, chromium;
before(async () => ({ server, chromium } = await openSite()));
after(() => closeSite({ server, chromium }));

const SPF = "/en-us/authentication/spf/";
const DEADLINE = { timeout: 60000 };

/** The URL of every `href` of content/en-us/toc.yml. */
async function tocUrls() {
  const toc = await readFile(path.join(repoRoot, "content", "en-us", "toc.yml"), "utf8");
  return [...toc.matchAll(/href:\s*(\S+)\.md/g)].map((m) => (m[1] === "index" ? "/en-us/" : `/en-us/${m[1]}/`));
}

/** Whether the element `sel` is drawn (a closed `<details>` hides its content with
 *  `content-visibility`, which `checkVisibility` sees and `getClientRects` does not). */
const drawn = (page, sel) => page.$eval(sel, (e) => e.checkVisibility({ visibilityProperty: true }));

/** Tabs until `sel` has the focus (at most 100 times); whether it got it. */
async function tabTo(page, sel) {
  for (let i = 0; i < 100; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), sel)) return true;
  }
  return false;
}

test("SPF page: every toc.yml entry is a link in the sidebar", async () => {
  const page = await openPage(chromium.browser, server.origin + SPF, { width: 1280, scheme: "light" });
  try {
    const links = await page.$$eval(".sidebar a[href]", (as) => as.map((a) => a.getAttribute("href")));
    const urls = await tocUrls();
    assert.equal(urls.length, 12);
    for (const u of urls) assert.ok(links.includes(u), `${u} not in ${links}`);
    assert.equal(await page.$eval('.sidebar [aria-current="page"]', (a) => a.getAttribute("href")), SPF);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("a closed group opens with the keyboard: its links become visible and focusable", async () => {
  const page = await openPage(chromium.browser, server.origin + SPF, { width: 1280, scheme: "light" });
  try {
    const summary = ".sidebar li:nth-child(6) > details > summary";
    const link = '.sidebar a[href="/en-us/support/get-support/"]';
    assert.equal(await page.$eval(summary, (s) => s.textContent), "Get help");
    assert.equal(await page.$eval(summary, (s) => s.parentElement.open), false);
    assert.equal(await drawn(page, link), false);
    assert.ok(await tabTo(page, summary), "the group's summary is reached with Tab");
    await page.keyboard.press("Enter");
    await page.waitForFunction((s) => document.querySelector(s).parentElement.open, DEADLINE, summary);
    assert.equal(await drawn(page, link), true);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), "/en-us/support/get-support/");
    // Space closes it again.
    await page.focus(summary);
    await page.keyboard.press("Space");
    await page.waitForFunction((s) => !document.querySelector(s).parentElement.open, DEADLINE, summary);
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("a group the page does not carry loads its entries from the TOC's fragment when opened", async () => {
  // The sample's TOC is small enough to be carried whole: the page is served as a big TOC's
  // would be, with "Get help" (the sixth top-level entry) as one entry that links to its first page.
  const page = await chromium.browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.setViewport({ width: 1280, height: 900 });
  await page.setRequestInterception(true);
  page.on("request", async (req) => {
    if (new URL(req.url()).pathname !== SPF) return req.continue();
    const r = await fetch(req.url());
    const html = (await r.text()).replace(
      /<li class="has-children"><details><summary class="nav-group"><bdi>Get help<\/bdi><\/summary>[\s\S]*?<\/details><\/li>/,
      '<li class="has-children" data-load="5"><a class="nav-group" href="/en-us/abuse/report-abuse/"><bdi>Get help</bdi></a></li>',
    );
    req.respond({ status: 200, contentType: "text/html; charset=utf-8", body: html });
  });
  try {
    await page.goto(server.origin + SPF, { waitUntil: "load" });
    const summary = '.sidebar li[data-load="5"] > details > summary';
    await page.waitForSelector(summary, DEADLINE);
    assert.equal(await page.$eval(summary, (s) => s.textContent), "Get help");
    assert.equal(await page.$('.sidebar a[href="/en-us/support/get-support/"]'), null);
    assert.ok(await tabTo(page, summary));
    await page.keyboard.press("Enter");
    await page.waitForSelector('.sidebar li[data-load="5"] > details[data-load-state="loaded"]', DEADLINE);
    assert.equal(await drawn(page, '.sidebar a[href="/en-us/support/get-support/"]'), true);
    assert.equal(await drawn(page, '.sidebar a[href="/en-us/abuse/report-abuse/"]'), true);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test("1280 px: the sidebar is sticky and stays in view after scrolling the page", async () => {
  const page = await openPage(chromium.browser, server.origin + SPF, { width: 1280, scheme: "light" });
  try {
    const s = await page.evaluate(() => {
      const sidebar = document.querySelector(".sidebar");
      window.scrollTo(0, document.documentElement.scrollHeight / 2);
      const r = sidebar.getBoundingClientRect();
      const style = getComputedStyle(sidebar);
      return { scrolled: window.scrollY, top: r.top, bottom: r.bottom, height: innerHeight, position: style.position, overflowY: style.overflowY };
    });
    assert.ok(s.scrolled > 1000, JSON.stringify(s));
    assert.equal(s.position, "sticky");
    assert.equal(s.overflowY, "auto");
    assert.ok(s.top >= 0 && s.top < 50 && s.bottom > 200 && s.bottom <= s.height + 1, JSON.stringify(s));
  } finally {
    await page.close();
  }
});

/** Where the outline, the article and the sidebar are drawn, and the outline's state. */
const layout = (page) =>
  page.evaluate(() => {
    const box = (sel) => {
      const r = document.querySelector(sel).getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    return {
      outline: box(".in-this-article"),
      main: box("main"),
      open: document.querySelector(".in-this-article details").open,
      current: [...document.querySelectorAll('.in-this-article [aria-current="location"]')].map((a) => a.getAttribute("href")),
    };
  });

test("1400 px: the outline is a rail beside the article, marking the section being read", async () => {
  const page = await openPage(chromium.browser, server.origin + SPF, { width: 1400, scheme: "light" });
  try {
    const l = await layout(page);
    assert.ok(l.open, "the rail is open");
    assert.ok(l.outline.left >= l.main.right, JSON.stringify(l));
    assert.ok(l.outline.top < l.main.top + 100, JSON.stringify(l));
    assert.deepEqual(l.current, ["#how-spf-works"]);
    // Scrolling to a later section moves the mark there.
    await page.evaluate(() => document.getElementById("check-your-spf-record").scrollIntoView());
    await page.waitForFunction(
      () => document.querySelector('.in-this-article [aria-current="location"]')?.getAttribute("href") === "#check-your-spf-record",
      DEADLINE,
    );
    const after = await layout(page);
    assert.deepEqual(after.current, ["#check-your-spf-record"]);
    // The rail is sticky: still beside the article, in view.
    assert.ok(after.outline.top >= 0 && after.outline.top < 50, JSON.stringify(after));
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("1400 px, right to left: the rail is on the left of the article", async () => {
  const page = await openPage(chromium.browser, server.origin + "/ar-sa/authentication/spf/", { width: 1400, scheme: "light" });
  try {
    const l = await layout(page);
    assert.ok(l.open);
    assert.ok(l.outline.right <= l.main.left, JSON.stringify(l));
    const sidebar = await page.$eval(".sidebar", (e) => e.getBoundingClientRect().left);
    assert.ok(sidebar >= l.main.right, "the sidebar is on the right");
  } finally {
    await page.close();
  }
});

test("390 px: the outline is a closed disclosure above the article", async () => {
  const page = await openPage(chromium.browser, server.origin + SPF, { width: 390, scheme: "light" });
  try {
    const l = await layout(page);
    assert.equal(l.open, false);
    assert.ok(l.outline.bottom <= l.main.top, JSON.stringify(l));
    assert.equal(await drawn(page, '.in-this-article a[href="#how-spf-works"]'), false);
    await page.click(".in-this-article summary");
    await page.waitForFunction(() => document.querySelector(".in-this-article details").open, DEADLINE);
    assert.equal(await drawn(page, '.in-this-article a[href="#how-spf-works"]'), true);
  } finally {
    await page.close();
  }
});

test("404 pages carry the locale's navigation", async () => {
  const urls = await tocUrls();
  for (const url of ["/en-us/no-such-page/", "/no-such-page/"]) {
    const page = await openPage(chromium.browser, server.origin + url, { width: 1280, scheme: "light" });
    try {
      // The root 404 keeps the section of the URL's locale (here none: the first, English).
      const links = await page.$$eval(".not-found-nav a[href]", (as) =>
        as.filter((a) => a.closest("[hidden]") === null).map((a) => a.getAttribute("href")),
      );
      for (const u of urls) assert.ok(links.includes(u), `${url}: ${u} not in ${links}`);
      const label = await page.$eval(".not-found-nav", (n) => n.getAttribute("aria-label"));
      assert.equal(label, "Table of contents");
    } finally {
      await page.close();
    }
  }
  const page = await openPage(chromium.browser, server.origin + "/sv-se/no-such-page/", { width: 1280, scheme: "light" });
  try {
    const links = await page.$$eval(".not-found-nav a[href]", (as) => as.map((a) => a.getAttribute("href")));
    assert.ok(links.includes("/sv-se/authentication/spf/"), String(links));
  } finally {
    await page.close();
  }
});
