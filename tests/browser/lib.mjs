// Shared pieces of the browser suite: a static server for the built site, one headless Chromium,
// a small pool of tabs, and the list of pages to check.
//
// The site is served from a folder written by `helpsite build` (SITE_DIR, default `public/` at the
// repository root) by a tiny server bound to 127.0.0.1 only, which answers like a static host:
// folders give their index.html, unknown paths the locale's 404.html with status 404.

import { createServer } from "node:http";
import { readFile, readdir, stat, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..");
export const siteDir = path.resolve(process.env.SITE_DIR || path.join(repoRoot, "public"));
export const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
/** The helpsite binary for tests that build a site of their own: HELPSITE_BIN, else the one CI
 * built (target/release), else a debug build; undefined when there is none. */
export const helpsiteBin =
  process.env.HELPSITE_BIN ||
  ["release", "debug"].map((p) => path.join(repoRoot, "target", p, "helpsite")).find((p) => existsSync(p));

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".xml": "application/xml",
  ".json": "application/json",
};

async function isFile(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Serves `siteDir` (or `dir`) on 127.0.0.1 at a free port; resolves to { origin, close }. */
export async function serveSite(dir = siteDir) {
  const siteDir = dir;
  if (!existsSync(path.join(siteDir, "index.html"))) {
    throw new Error(`no built site in ${siteDir}: run \`cargo run --release -- build\` first (or set SITE_DIR)`);
  }
  const server = createServer(async (req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(siteDir, path.normalize(rel));
    if (!file.startsWith(siteDir)) {
      res.writeHead(403).end();
      return;
    }
    if (rel.endsWith("/")) file = path.join(file, "index.html");
    let status = 200;
    if (!(await isFile(file))) {
      const locale = rel.split("/")[1] || "";
      const localized = path.join(siteDir, locale, "404.html");
      file = locale && (await isFile(localized)) ? localized : path.join(siteDir, "404.html");
      status = 404;
    }
    const body = await readFile(file);
    res.writeHead(status, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Every HTML file of the built site, as URL paths (`/en-us/authentication/spf/`). */
export async function sitePages() {
  const out = [];
  async function walk(dir) {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith(".html")) {
        const rel = "/" + path.relative(siteDir, p).split(path.sep).join("/");
        out.push({ file: p, url: rel.endsWith("/index.html") || rel === "/index.html" ? rel.slice(0, -"index.html".length) : rel });
      }
    }
  }
  await walk(siteDir);
  out.sort((a, b) => a.url.localeCompare(b.url));
  // Pages that send the reader elsewhere at once (a meta refresh, or the root page's script that
  // picks the reader's language) are checked as readers see them when that does not happen.
  for (const p of out) p.redirect = /http-equiv="refresh"|location\.replace\(/i.test(await readFile(p.file, "utf8"));
  return out;
}

/** One headless Chromium with a fresh profile; resolves to { browser, close }. */
export async function launchBrowser() {
  const profile = await mkdtemp(path.join(tmpdir(), "helpsite-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    userDataDir: profile,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // The checks read colours and fonts: keep them independent of the machine's settings.
      "--force-color-profile=srgb",
      "--font-render-hinting=none",
      "--lang=en-US",
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens `url` in a new tab set up as `view` ({ width, scheme }), waits for `load`, returns the page. */
/** With `scripts: false` the page's own scripts and its redirects are switched off. */
export async function openPage(browser, url, view = { width: 1366, scheme: "light" }, { scripts = true } = {}) {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => {
    // The policy that switches scripts off reports each script it stopped: expected there.
    if (!scripts && /Content Security Policy/.test(m.text())) return;
    if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    // The page itself may be a 404 page on purpose; what it loads may not.
    if (r.status() >= 400 && r.url() !== url) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  // Without `scripts` (pages that move on at once): the page's own scripts are switched off by a
  // Content-Security-Policy header (the checks' scripts run through the DevTools protocol, which
  // it does not bind), and a meta refresh is answered with "204 No Content", so the browser stays
  // on the page under test (an aborted navigation would show an error page).
  if (!scripts) await page.setRequestInterception(true);
  let first = true;
  if (!scripts) page.on("request", async (req) => {
    if (!req.isNavigationRequest() || req.frame() !== page.mainFrame()) return req.continue();
    if (!first) return req.respond({ status: 204 });
    first = false;
    const r = await fetch(req.url());
    req.respond({
      status: r.status,
      headers: { "content-type": r.headers.get("content-type"), "content-security-policy": "script-src 'none'" },
      body: Buffer.from(await r.arrayBuffer()),
    });
  });
  await page.setViewport({ width: view.width, height: 900 });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: view.scheme }]);
  await page.goto(url, { waitUntil: "load" });
  page.problems = problems;
  return page;
}

/** Runs `fn(item)` for every item with at most `n` running at once (tabs of one browser). */
export async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        e.message = `${items[i].url ?? items[i]}: ${e.message}`;
        throw e;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

/** The site served and one Chromium launched, for a test file's `before` hook. */
export async function openSite(dir = siteDir) {
  const server = await serveSite(dir);
  const chromium = await launchBrowser();
  return { server, chromium };
}

/** Closes what `openSite` opened (either may be missing when `before` failed). */
export async function closeSite({ server, chromium }) {
  await chromium?.close();
  await server?.close();
}
