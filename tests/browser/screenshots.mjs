// Retakes the screenshots under docs/screenshots/ from a built site (SITE_DIR, default public/):
//   node tests/browser/screenshots.mjs
// Not a test: it asserts nothing but that each state it shows was reached.
import path from "node:path";
import { launchBrowser, openPage, repoRoot, serveSite } from "./lib.mjs";

const out = (name) => path.join(repoRoot, "docs", "screenshots", name);
const server = await serveSite();
const chromium = await launchBrowser();
const browser = chromium.browser;

// Types `query` and waits until the first option is the result for the whole query (the box
// answers while typing: earlier answers are for the first letters).
async function typed(page, query, first) {
  await page.focus("#search-input");
  await page.keyboard.type(query);
  await page.waitForFunction(
    (first) => {
      const o = document.querySelector("[role=listbox] [role=option]");
      return o && o.textContent.includes(first);
    },
    { timeout: 60000 },
    first,
  );
}

try {
  // A desktop page: sticky sidebar with its groups, the outline rail, a search under way.
  let page = await openPage(browser, `${server.origin}/en-us/authentication/spf/`, { width: 1400, scheme: "light" });
  await typed(page, "dkim", "DKIM");
  await page.screenshot({ path: out("desktop-rail.png") });
  await page.close();

  // A phone: the menu open.
  page = await openPage(browser, `${server.origin}/en-us/authentication/spf/`, { width: 390, scheme: "light" });
  await page.click(".menu-toggle");
  await page.waitForFunction(() => document.querySelector(".menu-toggle").getAttribute("aria-expanded") === "true", { timeout: 60000 });
  await page.screenshot({ path: out("phone-menu.png") });
  await page.close();

  // A phone in Arabic, dark: search results in the header's popup.
  page = await openPage(browser, `${server.origin}/ar-sa/`, { width: 390, scheme: "dark" });
  await typed(page, "الحظر", "قائمة الحظر");
  await page.screenshot({ path: out("phone-search-ar.png") });
  await page.close();
} finally {
  await chromium.close();
  await server.close();
}
console.log("wrote docs/screenshots/{desktop-rail,phone-menu,phone-search-ar}.png");
