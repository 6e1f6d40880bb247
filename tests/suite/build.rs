//! `helpsite build` over small fixture sites: the HTML it writes, the files it copies, the
//! findings it reports (with `file:line:col`), and the output it leaves alone when it fails.

use std::fs;
use std::path::Path;

use crate::support::{content_region, list_files, read, run_in, snapshot_tree, write, Site};

/// No staging, old or update folder of a build (`.public.*`) is left in the site folder.
fn assert_no_scratch_beside_output(site: &Path) {
    let leftovers: Vec<_> = fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Copies the `basic` fixture, builds it with default options and returns the site folder.
fn built_basic() -> Site {
    let site = Site::fixture("basic");
    let run = run_in(site.path(), &["build"]);
    run.expect_code(0);
    assert_eq!(run.stdout, "");
    // No finding of any level: the fixture is clean.
    assert_eq!(run.stderr, "built 6 pages into ./public\n");
    site
}

fn page(site: &Path, url_path: &str) -> String {
    read(site.join("public").join(url_path).join("index.html"))
}

#[test]
fn basic_site_writes_every_page_asset_and_static_file() {
    let site = built_basic();
    assert_eq!(
        list_files(&site.path().join("public")),
        [
            "404.html",
            "_static/favicon.svg",
            "_static/helpsite.css",
            "_static/helpsite.js",
            "_static/highlight.css",
            "_static/search.js",
            "en-us/404.html",
            // The search index (see tests/suite/search.rs).
            "en-us/_search/c-HASH.json",
            "en-us/_search/meta.json",
            "en-us/_search/r0-HASH.json",
            "en-us/bom-crlf/index.html",
            "en-us/empty-date/index.html",
            "en-us/empty-front-matter/index.html",
            "en-us/features/index.html",
            "en-us/guides/setup-guide/index.html",
            "en-us/index.html",
            "en-us/media/pic.svg",
            // The search results page (filled by search.js from the locale's index).
            "en-us/search/index.html",
            "en-us/sitemap.xml",
            // The TOC's fragment, for `?toc=` links (its source, toc.yml, is not published).
            "en-us/toc.json",
            "index.html",
            "sitemap.xml",
        ]
    );
    // Assets are copied byte for byte; toc.yml is not published.
    assert_eq!(
        fs::read(site.path().join("public/en-us/media/pic.svg")).unwrap(),
        fs::read(site.path().join("content/en-us/media/pic.svg")).unwrap()
    );
    for s in ["helpsite.css", "helpsite.js", "highlight.css"] {
        let len = fs::metadata(site.path().join("public/_static").join(s))
            .unwrap()
            .len();
        assert!(len > 0, "_static/{s} is empty");
    }
    assert!(read(site.path().join("public/_static/highlight.css")).contains(".hl-"));
    // No staging or old folders are left beside the output.
    assert_no_scratch_beside_output(site.path());
}

#[test]
fn features_page_content_snapshot() {
    let site = built_basic();
    let html = page(site.path(), "en-us/features");
    insta::assert_snapshot!("features_content", content_region(&html));
}

#[test]
fn features_page_gfm_extensions_render() {
    let site = built_basic();
    let html = page(site.path(), "en-us/features");
    let content = content_region(&html);
    // Table with alignment, and raw HTML list inside a cell kept as HTML.
    assert!(content.contains("<table>"), "{content}");
    assert!(content.contains("<th style=\"text-align: right\">Value</th>"));
    assert!(
        content.contains(
            "<td style=\"text-align: right\"><ul><li>first</li><li>second</li></ul></td>"
        ),
        "{content}"
    );
    assert!(content.contains("<del>struck</del>"));
    // Task-list checkboxes are labelled by their item's text.
    assert!(content.contains("<label class=\"task-list-item\"><input type=\"checkbox\" disabled checked> done task</label>"));
    assert!(content.contains(
        "<label class=\"task-list-item\"><input type=\"checkbox\" disabled> open task</label>"
    ));
    // Footnote reference and note point at each other; the notes come at the end, after the
    // last section, not where they were written.
    assert!(content.contains(
        "<sup class=\"footnote-reference\" id=\"fnref-note\"><a href=\"#note\">1</a></sup>"
    ));
    assert!(content.contains("<li id=\"note\">\n<p>The footnote text. <a class=\"footnote-back\" href=\"#fnref-note\""), "{content}");
    assert!(
        content.find("<section class=\"footnotes\"").unwrap()
            > content.find("id=\"code\"").unwrap()
    );
    // Wide blocks scroll in a named region that takes the keyboard focus.
    assert!(content.contains(
        "<div class=\"table-scroll\" role=\"group\" tabindex=\"0\" aria-label=\"Table\"><table>"
    ));
    assert!(content.contains("<pre tabindex=\"0\" role=\"group\" aria-label=\"Code\">"));
}

#[test]
fn features_page_heading_ids() {
    let site = built_basic();
    let html = page(site.path(), "en-us/features");
    let content = content_region(&html);
    for expected in [
        "<h2 id=\"tables\">Tables</h2>",
        "<h2 id=\"custom-id\">Custom id</h2>",
        "<h2 id=\"kom-igång\">Kom igång</h2>",
        "<h2 id=\"setup\">Setup</h2>",
        "<h2 id=\"setup-1\">Setup</h2>",
        // The leading `<a name>` becomes the heading's id and is removed from its text.
        "<h2 id=\"legacy-anchor\">Heading with a leading anchor</h2>",
    ] {
        assert!(content.contains(expected), "missing {expected}\n{content}");
    }
    assert!(!content.contains("<a name="), "{content}");
    assert!(!content.contains("{#custom-id}"), "{content}");
    // The page title is the first heading, in the article header.
    assert!(html.contains("<h1 id=\"markdown-features\">Markdown features</h1>"));
    // The in-page outline links the same ids.
    for id in [
        "tables",
        "custom-id",
        "kom-igång",
        "setup",
        "setup-1",
        "legacy-anchor",
    ] {
        assert!(
            html.contains(&format!("<a href=\"#{id}\">")),
            "outline lacks #{id}"
        );
    }
}

#[test]
fn features_page_links_images_and_code() {
    let site = built_basic();
    let html = page(site.path(), "en-us/features");
    let content = content_region(&html);
    for expected in [
        // Relative .md links become page URLs; `#fragment` and `?query` are kept.
        "<a href=\"/en-us/guides/setup-guide/#install\">",
        "<a href=\"/en-us/guides/setup-guide/?tab=cli#configure-it\">",
        "<a href=\"/en-us/empty-date/\">",
        // In-page anchors and external links stay as written.
        "<a href=\"#custom-id\">",
        "<a href=\"#tables\">",
        "<a href=\"https://example.org/docs?a=1&amp;b=2\">",
        // Images point at the copied asset.
        "<img src=\"/en-us/media/pic.svg\" alt=\"A small blue square\" />",
    ] {
        assert!(content.contains(expected), "missing {expected}\n{content}");
    }
    assert!(!content.contains(".md\""), "a .md link was left: {content}");
    for lang in [
        "powershell",
        "bash",
        "json",
        "yaml",
        "xml",
        "csharp",
        "toml",
    ] {
        let open = format!("<code class=\"language-{lang}\">");
        let at = content
            .find(&open)
            .unwrap_or_else(|| panic!("no {lang} code block"));
        let block = &content[at..at + content[at..].find("</code>").unwrap()];
        assert!(
            block.contains("class=\"hl-"),
            "{lang} block is not highlighted: {block}"
        );
    }
}

#[test]
fn bom_and_crlf_article_renders_cleanly() {
    let site = built_basic();
    // The fixture really is what the test claims.
    let raw = fs::read(site.path().join("content/en-us/bom-crlf.md")).unwrap();
    assert!(raw.starts_with(&[0xEF, 0xBB, 0xBF]), "fixture lost its BOM");
    assert!(raw.windows(2).any(|w| w == b"\r\n"), "fixture lost CRLF");

    let html = page(site.path(), "en-us/bom-crlf");
    assert!(html.contains("<title>BOM and CRLF | Basic Test Site</title>"));
    assert!(html.contains("<p class=\"description\">Saved by a Windows editor.</p>"));
    assert!(!html.contains('\u{feff}'), "BOM leaked into the page");
    assert!(!html.contains('\r'), "CR leaked into the page");
    // The front matter was parsed, not rendered.
    assert!(!html.contains("title: BOM"), "{html}");
    insta::assert_snapshot!("bom_crlf_content", content_region(&html));
}

#[test]
fn empty_front_matter_takes_title_from_first_heading() {
    let site = built_basic();
    let html = page(site.path(), "en-us/empty-front-matter");
    assert!(
        html.contains("<title>Title From Heading | Basic Test Site</title>"),
        "{html}"
    );
    assert!(html.contains("<h1 id=\"title-from-heading\">Title From <em>Heading</em></h1>"));
    // No `---` leaks into the body as a thematic break or heading underline.
    let content = content_region(&html);
    assert!(!content.contains("<hr"), "{content}");
    insta::assert_snapshot!("empty_front_matter_content", content);
}

#[test]
fn empty_ms_date_shows_no_date() {
    let site = built_basic();
    let html = page(site.path(), "en-us/empty-date");
    assert!(html.contains("<title>Empty date | Basic Test Site</title>"));
    assert!(!html.contains("<time"), "an empty ms.date produced a date");
    let sitemap = read(site.path().join("public/en-us/sitemap.xml"));
    let entry = sitemap
        .split("<url>")
        .find(|u| u.contains("/en-us/empty-date/<"))
        .expect("empty-date is in the sitemap");
    assert!(!entry.contains("lastmod"), "{entry}");
}

#[test]
fn dated_page_shows_its_date_and_sitemap_lastmod() {
    let site = built_basic();
    let html = page(site.path(), "en-us");
    assert!(html.contains(">March 14, 2026</time>"), "{html}");
    // sitemap.xml is an index over one sitemap per locale.
    let index = read(site.path().join("public/sitemap.xml"));
    assert!(index.contains("<sitemapindex "), "{index}");
    assert_eq!(index.matches("<sitemap>").count(), 1, "{index}");
    assert!(index.contains("<loc>https://help.example.com/en-us/sitemap.xml</loc>"));
    let sitemap = read(site.path().join("public/en-us/sitemap.xml"));
    assert!(sitemap
        .contains("<loc>https://help.example.com/en-us/</loc>\n    <lastmod>2026-03-14</lastmod>"));
    // Every article is listed once.
    assert_eq!(sitemap.matches("<url>").count(), 6, "{sitemap}");
}

/// `<time datetime>` must hold a machine-readable date (HTML: a "valid date string",
/// `YYYY-MM-DD`), not the `MM/DD/YYYY` text of `ms.date`.
#[test]
fn time_element_datetime_is_a_valid_html_date() {
    let site = built_basic();
    let html = page(site.path(), "en-us");
    assert!(
        html.contains("<time datetime=\"2026-03-14\">"),
        "expected datetime=\"2026-03-14\"; page has: {}",
        html.lines()
            .find(|l| l.contains("<time"))
            .unwrap_or("no <time>")
    );
}

#[test]
fn subfolder_page_links_and_toc() {
    let site = built_basic();
    let html = page(site.path(), "en-us/guides/setup-guide");
    let content = content_region(&html);
    assert!(
        content.contains("<a href=\"/en-us/\">home</a>"),
        "{content}"
    );
    assert!(content.contains("<a href=\"/en-us/features/#tables\">tables</a>"));
    assert!(content.contains("<h2 id=\"install\">Install</h2>"));
    assert!(content.contains("<h2 id=\"configure-it\">Configure</h2>"));
    // The sidebar follows toc.yml: order, the group, and the current page.
    let nav_start = html.find("<nav class=\"sidebar\"").expect("sidebar");
    let nav = &html[nav_start..nav_start + html[nav_start..].find("</nav>").unwrap()];
    let order: Vec<usize> = [
        ">Home<",
        ">Features<",
        ">Guides<",
        ">Setup guide<",
        ">BOM and CRLF<",
        ">Heading title<",
        ">Empty date<",
    ]
    .iter()
    .map(|n| {
        nav.find(n)
            .unwrap_or_else(|| panic!("{n} not in the sidebar"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "sidebar order: {nav}"
    );
    assert!(nav.contains("<a href=\"/en-us/guides/setup-guide/\" aria-current=\"page\">"));
    // Previous / next follow the TOC too.
    assert!(
        html.contains("rel=\"prev\" href=\"/en-us/features/\""),
        "{html}"
    );
    assert!(
        html.contains("rel=\"next\" href=\"/en-us/bom-crlf/\""),
        "{html}"
    );
}

#[test]
fn language_chooser_and_404_pages() {
    let site = built_basic();
    let root = read(site.path().join("public/index.html"));
    assert!(root.contains("href=\"/en-us/\""), "{root}");
    assert!(root.contains("<html lang=\"en-US\" dir=\"ltr\">"));
    let not_found = read(site.path().join("public/en-us/404.html"));
    assert!(not_found.contains("<html lang=\"en-US\" dir=\"ltr\">"));
    assert!(not_found.contains("href=\"/_static/helpsite.css\""));
}

#[test]
fn broken_links_and_missing_anchors_are_warnings_with_positions() {
    let site = Site::fixture("build-broken-links");
    let run = run_in(site.path(), &["build"]);
    run.expect_code(0);
    for pos in [
        "--> content/en-us/guide.md:9:6",
        "--> content/en-us/guide.md:11:9",
        "--> content/en-us/guide.md:12:21",
        // The BOM is not a column, and `é` is one column.
        "--> content/en-us/windows.md:7:12",
        "--> content/en-us/windows.md:7:43",
    ] {
        assert!(run.stderr.contains(pos), "missing {pos}\n{}", run.stderr);
    }
    assert!(run.stderr.contains("[broken_link]"));
    assert!(run.stderr.contains("[missing_anchor]"));
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    insta::assert_snapshot!("broken_links_stderr", run.stderr);
    // Warnings do not stop the build. A broken link to a source file keeps its text but no
    // link (it would lead to a file the site never publishes); other broken links stay as
    // written.
    let guide = read(site.path().join("public/en-us/guide/index.html"));
    assert!(guide.contains("the missing page"));
    assert!(!guide.contains("does-not-exist.md"), "{guide}");
    assert!(guide.contains("<a href=\"/en-us/#no-such-heading\">home</a>"));
}

#[test]
fn strict_turns_link_warnings_into_errors_and_writes_nothing() {
    let site = Site::fixture("build-broken-links");
    let run = run_in(site.path(), &["build", "--strict"]);
    run.expect_code(1);
    assert!(run
        .stderr
        .contains("error: `does-not-exist.md` is not a page of this site [broken_link]"));
    assert!(
        run.stderr.contains(
            "5 errors (3 broken links, 2 missing anchors)\nbuild failed: ./public left unchanged\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn article_without_title_fails_and_keeps_previous_output() {
    let site = built_basic();
    let public = site.path().join("public");
    let before = snapshot_tree(&public);

    write(
        site.path(),
        "content/en-us/untitled.md",
        "---\ndescription: No title here.\n---\n\nJust a paragraph, and [a link](index.md).\n",
    );
    // Also change a page, so an accidental write would show.
    write(
        site.path(),
        "content/en-us/empty-date.md",
        "---\ntitle: Changed title\n---\n\nChanged.\n",
    );
    let run = run_in(site.path(), &["build"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error: the article has no title [missing_title]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/en-us/untitled.md:1:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            // The page is still laid out (titled from its file name), so it is in no TOC.
            .ends_with("1 error (1 page without a title), 1 warning (1 page in no table of contents)\nbuild failed: ./public left unchanged\n"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!("missing_title_stderr", run.stderr);

    let after = snapshot_tree(&public);
    assert_eq!(
        before.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        after.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    assert!(before == after, "a failed build changed public/");
    assert_no_scratch_beside_output(site.path());
}

#[test]
fn out_option_writes_elsewhere_and_leaves_site_alone() {
    let site = Site::fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("www");
    let run = run_in(
        site.path(),
        &["build", "--site", ".", "--out", target.to_str().unwrap()],
    );
    run.expect_code(0);
    assert!(target.join("en-us/features/index.html").is_file());
    assert!(!site.path().join("public").exists());
}

/// The anchor check and the HTML agree: when a `--strict` build accepts an in-page link, the
/// page has an element with that id. Footnote back-references (`#fnref-<name>`) are counted
/// as anchors by the checker, so they must exist in the output too.
#[test]
fn accepted_in_page_links_point_at_existing_ids() {
    let site = Site::fixture("basic");
    write(
        site.path(),
        "content/en-us/footnotes.md",
        "---\ntitle: Footnotes\n---\n\n# Footnotes\n\nA claim.[^src]\n\n\
         [Back to the reference](#fnref-src) and [to the note](#src).\n\n[^src]: The source.\n",
    );
    let run = run_in(site.path(), &["build", "--strict"]);
    if run.code == Some(1) {
        // Rejecting the link is also consistent with the HTML.
        assert!(
            run.stderr.contains("`#fnref-src` is not an anchor"),
            "{}",
            run.stderr
        );
        return;
    }
    run.expect_code(0);
    let html = page(site.path(), "en-us/footnotes");
    let content = content_region(&html);
    for href in crate::support::attr_values(content, "href") {
        if let Some(id) = href.strip_prefix('#') {
            assert!(
                html.contains(&format!(" id=\"{id}\"")),
                "`{href}` was accepted by --strict but no element has id=\"{id}\":\n{content}"
            );
        }
    }
}

/// An autolink's text is its URL or address, which reads left to right in any page: the link
/// carries `dir="ltr"`, so a right-to-left page shows `https://…` and `a@b` in their own order.
/// Links with text of their own keep the page's direction.
#[test]
fn autolinks_are_isolated_left_to_right() {
    let site = Site::fixture("basic").file(
        "content/en-us/autolinks.md",
        "---\ntitle: Autolinks\n---\n\n# Autolinks\n\nSee <https://example.com/a?b=1&c=2>, \
         write to <postmaster@example.com> or read [the guide](https://example.com/guide).\n",
    );
    site.run(&["build"]).expect_ok();
    let html = read(site.path().join("public/en-us/autolinks/index.html"));
    assert!(
        html.contains(
            "<a href=\"https://example.com/a?b=1&amp;c=2\" dir=\"ltr\">https://example.com/a?b=1&amp;c=2</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<a href=\"mailto:postmaster@example.com\" dir=\"ltr\">postmaster@example.com</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://example.com/guide\">the guide</a>"),
        "{html}"
    );
}
