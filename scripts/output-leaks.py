#!/usr/bin/env python3
"""DocFX markers left in a built site's article text, and links to source files.

    scripts/output-leaks.py OUT

Reads every HTML page under OUT (a `helpsite build` output) and counts, in the text of
`<main>` outside `pre`, `code`, `script`, `style` and comments, each DocFX marker that should
have been rendered (issue 15's list: `:::image`, `:::row`, `:::column`, `::: moniker`,
`[!INCLUDE`, `[!div`, `[!VIDEO`, `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!CAUTION]`,
`[!WARNING]`), with the pages they are on; and every `href` that is relative or site-root and
names a `.md` or `.yml` file (links to a repository's host, such as edit links, are absolute and
not counted). Exit status 0 always: it measures, it does not judge.
"""
import collections
import html.parser
import os
import re
import sys

MARKERS = [":::image", ":::row", ":::column", "::: moniker", "[!INCLUDE", "[!div", "[!VIDEO",
           "[!NOTE]", "[!TIP]", "[!IMPORTANT]", "[!CAUTION]", "[!WARNING]"]
SKIP = {"pre", "code", "script", "style"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skip = 0
        self.text = []
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        if tag in SKIP:
            self.skip += 1
        for k, v in attrs:
            if k == "href" and v:
                self.hrefs.append(v)

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if tag in SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if self.in_main and not self.skip:
            self.text.append(data)


def main():
    out = sys.argv[1]
    leaks = collections.Counter()
    pages = collections.defaultdict(set)
    source_links = collections.Counter()
    n = 0
    for root, _, files in os.walk(out):
        for f in files:
            if not f.endswith(".html"):
                continue
            path = os.path.join(root, f)
            p = Page()
            p.feed(open(path, encoding="utf-8", errors="replace").read())
            n += 1
            text = "".join(p.text)
            low = text.lower()
            for m in MARKERS:
                c = low.count(m.lower())
                if c:
                    leaks[m] += c
                    pages[m].add(os.path.relpath(path, out))
            for h in p.hrefs:
                if re.match(r"^[a-z][a-z0-9+.-]*:|^//", h, re.I):
                    continue
                target = h.split("#")[0].split("?")[0].lower()
                if target.endswith(".md") or target.endswith(".yml"):
                    source_links[h] += 1
    print(f"{n} HTML files")
    print("leaked markers:")
    for m in MARKERS:
        print(f"  {m:14} {leaks[m]:5}  in {len(pages[m])} pages")
        for pg in sorted(pages[m])[:5]:
            print(f"      {pg}")
    print(f"relative or site-root hrefs to .md/.yml: {sum(source_links.values())}")
    for h, c in source_links.most_common(20):
        print(f"  {c:4}  {h}")


if __name__ == "__main__":
    main()
