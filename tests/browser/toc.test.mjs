// `?toc=...&bc=...` links (DocFX's): the script swaps in the named TOC and breadcrumb trail from the
// fragments the build writes per TOC (`<locale>/<folder>/toc.json`). The sample site has one TOC
// per locale, so the fragments of another TOC are answered here by request interception.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openSite, closeSite } from "./lib.mjs";

let server, chromium;
before(async () => ({ server, chromium } = await openSite()));
after(() => closeSite({ server, chromium }));

const fragments = {
  "/en-us/other/toc.json":
    '<ul><li class="has-children"><span class="nav-group"><bdi>Other</bdi></span><ul>' +
    '<li><a href="/en-us/authentication/spf/"><bdi>SPF here</bdi></a></li>' +
    '<li class="has-children"><span class="nav-group"><bdi>Closed</bdi></span><ul><li><a href="/en-us/authentication/dkim/"><bdi>Hidden</bdi></a></li></ul></li>' +
    "</ul></li></ul>",
  "/en-us/crumbs/toc.json":
    '<ul><li data-scope=""><a href="/en-us/"><bdi>Docs</bdi></a><ul>' +
    '<li data-scope="bounces/"><a href="/en-us/bounces/"><bdi>Bounces</bdi></a></li>' +
    '<li data-scope="authentication/"><a href="/en-us/authentication/dkim/"><bdi>Auth</bdi></a></li>' +
    "</ul></li></ul>",
};

/** Opens `url` with the fragments above served, waits until the script has decided. */
async function open(url) {
  const page = await chromium.browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const html = fragments[new URL(req.url()).pathname];
    if (html) req.respond({ status: 200, contentType: "application/json", body: JSON.stringify({ html }) });
    else req.continue();
  });
  await page.goto(server.origin + url, { waitUntil: "load" });
  await page.waitForSelector(".sidebar[data-toc-state]", { timeout: 60000 });
  page.problems = problems;
  return page;
}

const state = (page) =>
  page.evaluate(() => {
    const sidebar = document.querySelector(".sidebar");
    const visible = (e) => e.offsetParent !== null;
    return {
      state: sidebar.getAttribute("data-toc-state"),
      current: [...sidebar.querySelectorAll('[aria-current="page"]')].map((a) => a.textContent),
      shown: [...sidebar.querySelectorAll("a, span")].filter(visible).map((e) => e.textContent),
      firstHref: sidebar.querySelector("a")?.getAttribute("href"),
      crumbs: [...document.querySelectorAll(".breadcrumbs li")].map((li) => li.textContent),
      crumbCurrent: document.querySelector('.breadcrumbs [aria-current="page"]')?.textContent,
      crumbLabel: document.querySelector(".breadcrumbs")?.getAttribute("aria-label"),
    };
  });

test("?toc=&bc=: the named TOC replaces the sidebar, the page marked, and the trail follows the breadcrumb TOC", async () => {
  const page = await open("/en-us/authentication/spf/?toc=/en-us/other/toc.json&bc=%2Fen-us%2Fcrumbs%2Ftoc.json");
  try {
    const s = await state(page);
    assert.equal(s.state, "loaded");
    assert.deepEqual(s.current, ["SPF here"]);
    // The page's branch is open; a closed group's entries are not shown.
    assert.ok(s.shown.includes("Closed") && !s.shown.includes("Hidden"), JSON.stringify(s));
    // The reader stays in this TOC from page to page.
    assert.equal(s.firstHref, "/en-us/authentication/spf/?toc=%2Fen-us%2Fother%2Ftoc.json&bc=%2Fen-us%2Fcrumbs%2Ftoc.json");
    assert.deepEqual(s.crumbs, ["Docs", "Auth", "Other", "SPF here"]);
    assert.equal(s.crumbCurrent, "SPF here");
    assert.equal(s.crumbLabel, "Breadcrumb");
    assert.deepEqual(page.problems, []);
  } finally {
    await page.close();
  }
});

test("?toc= naming a TOC the site does not have: the page keeps its own TOC", async () => {
  const page = await open("/en-us/authentication/spf/?toc=/azure/active-directory/toc.json");
  try {
    const s = await state(page);
    assert.equal(s.state, "own");
    assert.ok(s.current.length === 1 && !s.shown.includes("SPF here"), JSON.stringify(s));
  } finally {
    await page.close();
  }
});
