//! Integration tests of the DocFX-flavored Markdown: every extension is built through the
//! `helpsite` binary from a fixture site under `tests/fixtures/docfx*`, and the article HTML
//! (the `<div class="content">` region) is checked with snapshots and targeted asserts.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{
    build_elsewhere, contains_bytes, content_inner, copy_dir, fixtures_dir, Built,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// The result of one `helpsite build` (the suite's [`Built`], with this module's readers).
struct Build {
    code: i32,
    stderr: String,
    out: PathBuf,
    /// Keeps the output folder alive for the test.
    _built: Built,
}

impl Build {
    /// The whole HTML of `OUT/en-us/<page>/index.html`.
    fn page(&self, page: &str) -> String {
        let path = self.out.join("en-us").join(page).join("index.html");
        fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}\nstderr:\n{}",
                path.display(),
                self.stderr
            )
        })
    }

    /// The article HTML: the inside of `<div class="content">`.
    fn content(&self, page: &str) -> String {
        content_region(&self.page(page))
    }

    fn assert_ok(&self) {
        assert_eq!(self.code, 0, "build failed; stderr:\n{}", self.stderr);
    }

    /// The rendered diagnostics (each starts with `error:`/`warning:`) of one kind.
    fn diags(&self, kind: &str) -> Vec<String> {
        let tag = format!("[{kind}]");
        split_diagnostics(&self.stderr)
            .into_iter()
            .filter(|d| d.lines().next().is_some_and(|l| l.ends_with(&tag)))
            .collect()
    }
}

/// Builds `site` in place, output and cache in a temporary folder.
fn build(site: &Path) -> Build {
    let built = build_elsewhere(site);
    Build {
        code: built.run.code.expect("exit code"),
        stderr: built.run.stderr.clone(),
        out: built.out.clone(),
        _built: built,
    }
}

fn build_fixture(name: &str) -> Build {
    build(&fixture(name))
}

/// The inside of `<div class="content">`, as the snapshots record it.
fn content_region(html: &str) -> String {
    content_inner(html)
}

/// Splits stderr into diagnostics: each starts at a line beginning `error:` or `warning:`.
fn split_diagnostics(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("error:") || line.starts_with("warning:") {
            out.push(String::new());
        }
        if let Some(d) = out.last_mut() {
            d.push_str(line);
            d.push('\n');
        }
    }
    out
}

/// The one diagnostic of `kind` whose text contains `needle`.
fn find_diag(b: &Build, kind: &str, needle: &str) -> String {
    let found: Vec<String> = b
        .diags(kind)
        .into_iter()
        .filter(|d| d.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one [{kind}] diagnostic mentioning {needle:?}; stderr:\n{}",
        b.stderr
    );
    found.into_iter().next().unwrap()
}

/// Text a reader sees: tags, comments, scripts and styles removed; `<pre>`/`<code>` contents
/// dropped too (markers may legitimately appear in code samples).
fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<!--", "-->"),
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<pre", "</pre>"),
        ("<code", "</code>"),
    ] {
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(i) = rest.find(open) {
            out.push_str(&rest[..i]);
            match rest[i..].find(close) {
                Some(j) => rest = &rest[i + j + close.len()..],
                None => {
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        s = out;
    }
    let mut text = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn assert_no_markers(what: &str, html: &str) {
    let text = visible_text(html);
    for marker in ["[!", ":::", "::: moniker"] {
        if let Some(i) = text.find(marker) {
            let from = text[..i].char_indices().rev().nth(60).map_or(0, |(j, _)| j);
            let to = (i + 60).min(text.len());
            let to = (to..=text.len())
                .find(|&k| text.is_char_boundary(k))
                .unwrap();
            panic!(
                "{what}: the reader sees the DocFX marker {marker:?}: ...{}...",
                &text[from..to]
            );
        }
    }
    assert!(
        !html.contains("helpsite-tab"),
        "{what}: an internal tab marker leaked into the HTML"
    );
}

/// Every `index.html` under the output, relative path and text.
fn all_pages(out: &Path) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "html") {
                let rel = p.strip_prefix(out).unwrap().display().to_string();
                pages.push((rel, fs::read_to_string(&p).unwrap()));
            }
        }
    }
    pages.sort();
    pages
}

fn all_files_text(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                files.push((p, bytes));
            }
        }
    }
    files
}

// ---------------------------------------------------------------------------------------------
// The main fixture builds cleanly
// ---------------------------------------------------------------------------------------------

#[test]
fn main_fixture_builds_without_any_diagnostic() {
    let b = build_fixture("docfx");
    b.assert_ok();
    assert!(
        split_diagnostics(&b.stderr).is_empty(),
        "the docfx fixture should build without warnings or errors; stderr:\n{}",
        b.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Alerts
// ---------------------------------------------------------------------------------------------

#[test]
fn alerts_render_as_accessible_divs() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("alerts");
    insta::assert_snapshot!("alerts", html);

    for (kind, title) in [
        ("note", "Note"),
        ("tip", "Tip"),
        ("important", "Important"),
        ("caution", "Caution"),
        ("warning", "Warning"),
    ] {
        let open = format!(
            "<div class=\"alert is-{kind} alert-{kind}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"alert-title\">"
        );
        assert!(html.contains(&open), "no {kind} alert in:\n{html}");
    }
    // Nested in a numbered list item: the alert is inside the <li>.
    let li = html.find("<p>First step.</p>").unwrap();
    let tip = html.find("<p>Tip inside a list item.</p>").unwrap();
    let li_end = html[li..].find("</li>").unwrap() + li;
    assert!(li < tip && tip < li_end, "alert not inside the list item");
    assert!(html[li..tip].contains("<div class=\"alert is-tip alert-tip\""));
    // A plain quote stays a quote.
    assert_eq!(html.matches("<blockquote>").count(), 1);
    // No marker text survives.
    assert!(!html.contains("[!"), "a marker leaked:\n{html}");
}

#[test]
fn custom_alert_kind_from_config_uses_its_style() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("alerts");
    assert!(
        html.contains("<div class=\"alert is-warning alert-security\" role=\"note\""),
        "{html}"
    );
    assert!(html.contains("<p>Rotate your keys.</p>"));
}

#[test]
fn unknown_alert_is_an_extension_error_with_location() {
    let b = build_fixture("docfx-err-alert");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let d = find_diag(&b, "extension", "[!FOO]");
    assert!(d.starts_with("error:"), "{d}");
    assert!(d.contains("--> content/en-us/page.md:6:3"), "{d}");
    assert!(
        !b.out.exists(),
        "a failed build must not write the output folder"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Includes
// ---------------------------------------------------------------------------------------------

#[test]
fn includes_block_inline_nested_and_in_list_items() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("include-demo");
    insta::assert_snapshot!("includes", html);

    // The include's front matter is dropped.
    for fm in [
        "Include A front matter",
        "ms.topic",
        "title:",
        "Word include",
    ] {
        assert!(!html.contains(fm), "front matter `{fm}` leaked:\n{html}");
    }
    // No marker text survives.
    assert!(!html.contains("[!"), "{html}");
}

#[test]
fn include_files_are_not_pages() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let includes = b.out.join("en-us/includes");
    assert!(
        !includes.exists(),
        "include files produced output: {:?}",
        fs::read_dir(&includes).map(|d| d.count())
    );
    assert!(b.out.join("en-us/include-demo/index.html").is_file());
}

#[test]
fn missing_include_is_an_error_at_the_including_line() {
    let b = build_fixture("docfx-err-missing-include");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let block = find_diag(&b, "missing_include", "includes/missing.md");
    assert!(block.starts_with("error:"), "{block}");
    assert!(block.contains("--> content/en-us/page.md:8:1"), "{block}");
    let inline = find_diag(&b, "missing_include", "includes/nope.md");
    assert!(
        inline.contains("--> content/en-us/page.md:10:11"),
        "{inline}"
    );
}

#[test]
fn include_cycle_is_an_error_with_the_chain() {
    let b = build_fixture("docfx-err-include-cycle");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let d = find_diag(&b, "include_cycle", "includes/a.md");
    assert!(d.starts_with("error:"), "{d}");
    assert!(d.contains("--> content/en-us/includes/b.md:3:1"), "{d}");
    assert!(
        d.contains("includes/a.md -> includes/b.md -> includes/a.md"),
        "{d}"
    );
}

#[test]
fn includes_outside_the_content_root_are_refused() {
    let b = build_fixture("docfx-err-outside");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let up = find_diag(&b, "outside_root", "../../outside.md");
    assert!(up.starts_with("error:"), "{up}");
    assert!(up.contains("--> content/en-us/page.md:6:1"), "{up}");
    let abs = find_diag(&b, "outside_root", "/etc/passwd");
    assert!(abs.contains("--> content/en-us/page.md:8:1"), "{abs}");
    assert!(!b.stderr.contains("root:"), "/etc/passwd was read");
    assert!(!b.out.exists());
}

#[test]
fn symlinked_page_pointing_outside_content_is_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("docfx-symlink"), &site);
    let secret = site.join("secret.md");
    assert!(secret.is_file());
    std::os::unix::fs::symlink(&secret, site.join("content/en-us/leak.md")).unwrap();

    let b = build(&site);
    b.assert_ok();
    let d = find_diag(&b, "outside_root", "leak.md");
    assert!(d.starts_with("warning:"), "{d}");
    assert!(d.contains("content/en-us/leak.md"), "{d}");
    assert!(b.out.join("en-us/page/index.html").is_file());
    assert!(!b.out.join("en-us/leak").exists());
    for (path, bytes) in all_files_text(&b.out) {
        assert!(
            !contains_bytes(&bytes, b"SECRET-OUTSIDE-TEXT"),
            "the outside file leaked into {}",
            path.display()
        );
    }
}

#[test]
fn include_through_a_symlink_pointing_outside_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("docfx-symlink"), &site);
    let includes = site.join("content/en-us/includes");
    fs::create_dir_all(&includes).unwrap();
    std::os::unix::fs::symlink(site.join("secret.md"), includes.join("leak.md")).unwrap();
    fs::write(
        site.join("content/en-us/uses-leak.md"),
        "---\ntitle: Uses leak\n---\n# Uses leak\n\n[!INCLUDE [leak](includes/leak.md)]\n",
    )
    .unwrap();

    let b = build(&site);
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    assert!(!b.diags("outside_root").is_empty(), "{}", b.stderr);
    let d = find_diag(&b, "missing_include", "includes/leak.md");
    assert!(d.contains("--> content/en-us/uses-leak.md:6:1"), "{d}");
    assert!(!b.stderr.contains("SECRET-OUTSIDE-TEXT"));
    assert!(!b.out.exists());
}

#[test]
fn an_article_can_be_included_without_its_front_matter() {
    // Load records the body start of includes only; an included article's front matter is
    // parsed where it is included.
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("docfx"), &site);
    fs::write(
        site.join("content/en-us/shared-article.md"),
        "---\ntitle: Shared article\nms.topic: SHARED-FRONT-MATTER\n---\nSHARED-ARTICLE-BODY\n",
    )
    .unwrap();
    fs::write(
        site.join("content/en-us/uses-article.md"),
        "---\ntitle: Uses article\n---\n# Uses article\n\n[!INCLUDE [a](shared-article.md)]\n",
    )
    .unwrap();

    let b = build(&site);
    b.assert_ok();
    let content = b.content("uses-article");
    assert!(content.contains("SHARED-ARTICLE-BODY"), "{content}");
    assert!(!content.contains("SHARED-FRONT-MATTER"), "{content}");
}

// ---------------------------------------------------------------------------------------------
// 3. Heading anchors
// ---------------------------------------------------------------------------------------------

#[test]
fn heading_anchor_becomes_the_heading_id() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let page = b.page("anchors");
    // The first `#` heading is the article title, in the header.
    assert!(page.contains("<h1 id=\"x\">Text</h1>"), "{page}");
    let html = b.content("anchors");
    insta::assert_snapshot!("anchors", html);
    assert!(!page.contains("<a name="), "an <a name> anchor was kept");
    assert!(
        !page.contains("id=\"text\""),
        "a slug was generated: {page}"
    );
}

#[test]
fn paragraph_anchor_becomes_an_id_and_links_to_it_resolve() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let other = b.content("other");
    assert!(
        other.contains("<p><a id=\"y\"></a>A paragraph with an anchor.</p>"),
        "{other}"
    );
    let anchors = b.content("anchors");
    assert!(anchors.contains("<a href=\"/en-us/other/#y\">the anchor</a>"));
    assert!(b.diags("missing_anchor").is_empty(), "{}", b.stderr);
}

#[test]
fn missing_anchor_warns_but_anchor_from_a_name_does_not() {
    let b = build_fixture("docfx-warnings");
    b.assert_ok();
    let warned = b.diags("missing_anchor");
    assert_eq!(warned.len(), 1, "stderr:\n{}", b.stderr);
    assert!(warned[0].contains("#nope"), "{}", warned[0]);
    assert!(warned[0].contains("--> content/en-us/page.md:10:47"));
}

// ---------------------------------------------------------------------------------------------
// 4. Images
// ---------------------------------------------------------------------------------------------

#[test]
fn image_extension_content_icon_and_complex() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("images");
    insta::assert_snapshot!("images", html);

    // Complex: aria-describedby points at the <details> holding the long description.
    let img = html.find("alt=\"A complex chart\"").expect("complex image");
    let rest = &html[img..];
    let id_start = rest.find("aria-describedby=\"").unwrap() + "aria-describedby=\"".len();
    let id = &rest[id_start..id_start + rest[id_start..].find('"').unwrap()];
    assert!(!id.is_empty());
    let details = format!("<details id=\"{id}\"");
    let d = html
        .find(&details)
        .unwrap_or_else(|| panic!("no {details}:\n{html}"));
    let d_end = html[d..].find("</details>").unwrap() + d;
    assert!(html[d..d_end]
        .contains("<p>The long description of the chart: sales rise every month.</p>"));
    assert!(!html.contains(":::"), "{html}");
    assert!(!html.contains("image-end"));
}

#[test]
fn image_files_are_copied() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let src = fs::read(fixture("docfx/content/en-us/media/a.svg")).unwrap();
    let out = fs::read(b.out.join("en-us/media/a.svg")).expect("media/a.svg not copied");
    assert_eq!(src, out);
    assert!(b.out.join("en-us/media/icon.svg").is_file());
}

#[test]
fn image_without_alt_text_warns_with_location() {
    let b = build_fixture("docfx-warnings");
    b.assert_ok();
    let d = find_diag(&b, "image_alt_text", "alt-text");
    assert!(d.starts_with("warning:"), "{d}");
    assert!(d.contains("--> content/en-us/page.md:6:1"), "{d}");
    // The image is still published.
    assert!(b
        .content("page")
        .contains("<img src=\"/en-us/media/a.svg\" alt=\"\""));
}

// ---------------------------------------------------------------------------------------------
// 5. div, video, row/column
// ---------------------------------------------------------------------------------------------

#[test]
fn div_video_and_columns() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("blocks");
    insta::assert_snapshot!("blocks", html);

    assert!(!html.contains("<blockquote>"), "{html}");
    // Columns: the indented content is not a code block.
    assert!(
        !html.contains("<pre"),
        "indented column content became code:\n{html}"
    );
    assert!(!html.contains("<code"));
    let row = html.find("<div class=\"docfx-row\">").expect("row");
    let c2 = html
        .find("<div class=\"docfx-column span-2\">\n<p>Left column text.</p>\n</div>")
        .expect("span-2 column");
    let c1 = html
        .find("<div class=\"docfx-column span-1\">\n<p>Right column text.</p>\n</div>")
        .expect("second column");
    assert!(row < c2 && c2 < c1);
    assert!(!html.contains(":::"));
}

#[test]
fn unclosed_row_is_an_extension_error() {
    let b = build_fixture("docfx-err-row");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let d = find_diag(&b, "extension", ":::row:::");
    assert!(d.contains("never closed"), "{d}");
    assert!(d.contains("--> content/en-us/page.md:6:1"), "{d}");
}

// ---------------------------------------------------------------------------------------------
// 6. Monikers
// ---------------------------------------------------------------------------------------------

#[test]
fn monikers_are_labelled_without_config() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("monikers");
    insta::assert_snapshot!("monikers_all", html);
    assert!(!html.contains("moniker-end") && !html.contains(":::"));
    // No moniker configuration: no picker, the raw ranges as labels (as before).
    assert!(!html.contains("moniker-picker") && !html.contains("data-monikers"));
}

#[test]
fn monikers_config_gives_a_version_picker() {
    // `monikers:` in both forms (`{ name, display }` and a plain name); ranges with `=`, `>=`
    // and `||` evaluated against the ordered list; a range for none of them is a warning.
    let b = build_fixture("docfx-monikers");
    b.assert_ok();
    let html = b.content("page");
    insta::assert_snapshot!("monikers_picker", html);
    // The picker: a labelled select, hidden until the script shows it, one option a moniker.
    assert!(html.starts_with("<div class=\"moniker-picker\" hidden>\n<label for=\"moniker-picker-select\">Choose a version</label>\n<select id=\"moniker-picker-select\">\n<option value=\"v1\">Version 1 (classic)</option>\n<option value=\"v2\">Version 2</option>\n<option value=\"v3\">V3</option>\n</select>"), "{html}");
    // Without JavaScript every version shows, labelled with display names, never raw names.
    assert!(
        html.contains(
            "data-monikers=\"v2 v3\">\n<p class=\"moniker-label\">Version: Version 2, V3</p>"
        ),
        "{html}"
    );
    assert!(html.contains("data-monikers=\"v1 v3\">\n<p class=\"moniker-label\">Version: Version 1 (classic), V3</p>"), "{html}");
    assert!(
        !html.contains("Version: v1") && !html.contains(":::"),
        "{html}"
    );
    // The block for no configured moniker is not published, and said so at its line.
    assert!(!html.contains("In no version"), "{html}");
    let d = find_diag(&b, "moniker", "\"v9\" covers none of the site's monikers");
    assert!(d.starts_with("warning:"), "{d}");
    assert!(d.contains("--> content/en-us/page.md:18:1"), "{d}");
    assert!(d.contains("v1, v2, v3"), "{d}");
    // A link carrying `?view=` keeps it, so the page opens with that version chosen.
    assert!(b.content("other").contains("href=\"/en-us/page/?view=v2\""));
    // The Arabic reader gets the English page (a fallback): the picker is Arabic, laid out
    // right to left, its list of (English) names marked English, left to right.
    let ar = content_region(
        &fs::read_to_string(b.out.join("ar-sa/page/index.html")).expect("ar-sa page"),
    );
    assert!(ar.starts_with("<div class=\"moniker-picker\" lang=\"ar-SA\" dir=\"rtl\" hidden>\n<label for=\"moniker-picker-select\">اختر الإصدار</label>\n<select id=\"moniker-picker-select\" lang=\"en-US\" dir=\"ltr\">"), "{ar}");
}

#[test]
fn unbalanced_moniker_end_is_an_error() {
    let b = build_fixture("docfx-err-moniker");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let d = find_diag(&b, "extension", "moniker-end");
    assert!(d.starts_with("error:"), "{d}");
    assert!(d.contains("--> content/en-us/page.md:8:1"), "{d}");
}

// ---------------------------------------------------------------------------------------------
// 7. Tabs
// ---------------------------------------------------------------------------------------------

#[test]
fn tabs_become_accessible_tab_groups() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("tabs");
    insta::assert_snapshot!("tabs", html);

    assert_eq!(html.matches("<div class=\"tabs\"").count(), 2, "{html}");
    // Every tab button controls a panel that exists.
    let buttons: Vec<&str> = html.split("<button ").skip(1).collect();
    assert_eq!(buttons.len(), 4);
    for btn in &buttons {
        assert!(btn.contains("role=\"tab\""));
        let at = btn.find("aria-controls=\"").unwrap() + "aria-controls=\"".len();
        let id = &btn[at..at + btn[at..].find('"').unwrap()];
        assert!(
            html.contains(&format!(
                // A `div`, not a `section`: the panel's name is its tab, and a section
                // without a heading is a warning of the HTML checker.
                "<div role=\"tabpanel\" class=\"tab-panel\" id=\"{id}\" aria-labelledby=\"tab-"
            )),
            "no panel {id}"
        );
    }
    assert_eq!(html.matches("role=\"tabpanel\"").count(), 4);
    for label in ["Windows", "Linux", "Windows CLI", "Linux CLI"] {
        assert!(html.contains(&format!("<p class=\"tab-label\">{label}</p>")));
    }
    // Dependent tabs carry their condition.
    assert_eq!(html.matches("data-condition=\"cli\"").count(), 4);
    // The tab lines are not headings.
    assert!(!html.contains("<h1"), "{html}");
    assert!(!b.page("tabs").contains("id=\"windows\""));
    // Content after `---` is outside the group.
    let after = html.find("<p>After the tabs.</p>").unwrap();
    let first_group_end = html.find("</div>\n</div>").unwrap();
    assert!(first_group_end < after);
    let end = html.find("<p>The end.</p>").unwrap();
    assert!(html.rfind("</div>\n</div>").unwrap() < end);
    assert!(html.ends_with("<p>The end.</p>"), "{html}");
    assert!(!html.contains("<hr"));
}

// ---------------------------------------------------------------------------------------------
// 8. Code snippets
// ---------------------------------------------------------------------------------------------

#[test]
fn code_snippets_select_and_highlight_lines() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("snippets");
    insta::assert_snapshot!("snippets", html);
    let blocks: Vec<&str> = html.split("<div class=\"code-block\">").skip(1).collect();
    assert_eq!(blocks.len(), 3, "{html}");

    // :::code::: range="2-3" highlight="2": file lines 2 and 3, the second shown line marked.
    let ps = blocks[0];
    assert!(ps.contains("<code class=\"language-powershell\">"));
    assert!(
        ps.contains("</span> one") && ps.contains("</span> two"),
        "{ps}"
    );
    assert!(
        !ps.contains("line one") && !ps.contains("line four"),
        "{ps}"
    );
    assert_eq!(ps.matches("<mark class=\"line-highlight\">").count(), 1);
    let mark = ps.find("<mark class=\"line-highlight\">").unwrap();
    let mark_end = ps[mark..].find("</mark>").unwrap() + mark;
    assert!(
        ps[mark..mark_end].contains("two"),
        "wrong line marked: {ps}"
    );
    assert!(ps.contains("hl-"), "not highlighted: {ps}");

    // [!code-csharp[...](b.cs#L1-L2 "Program")]
    let cs = blocks[1];
    assert!(
        cs.contains("<div class=\"code-title\">Program</div>"),
        "{cs}"
    );
    assert!(cs.contains("<code class=\"language-csharp\">"));
    assert!(cs.contains("System") && cs.contains(">Program<"));
    assert!(!cs.contains("third line"), "{cs}");

    // Named region.
    let region = blocks[2];
    assert!(region.contains("Console") && region.contains("region"));
    assert!(!region.contains("snippet1"), "{region}");
    assert!(!region.contains("before the region") && !region.contains("after the region"));
    assert!(!html.contains(":::") && !html.contains("[!code"));
}

/// A fence's language shows as a label above the block, by its readers' name (`powershell` ->
/// "PowerShell"), rendered in the page so it shows without JavaScript; plain text, output and
/// fences without a language get none.
#[test]
fn code_blocks_carry_a_language_label() {
    let b = build_fixture("docfx-code-labels");
    b.assert_ok();
    let html = b.content("code");
    insta::assert_snapshot!("code_labels", html);
    let blocks: Vec<&str> = html.split("<div class=\"code-block\">").skip(1).collect();
    assert_eq!(blocks.len(), 6, "{html}");
    let label = |block: &str| {
        const OPEN: &str = "<span class=\"code-lang\">";
        let start = block.find(OPEN)? + OPEN.len();
        Some(block[start..start + block[start..].find("</span>")?].to_string())
    };
    let labels: Vec<Option<String>> = blocks.iter().map(|b| label(b)).collect();
    let want = [
        Some("PowerShell"),
        Some("Azure CLI"),
        Some("JSON"),
        None,
        None,
        None,
    ];
    assert_eq!(labels, want.map(|w| w.map(String::from)), "{html}");
    // The label sits before the code, not inside it: the code's text is only the code.
    for block in &blocks[..3] {
        let pre = block.find("<pre").unwrap();
        assert!(block.find("code-lang").unwrap() < pre, "{block}");
        assert!(!block[pre..].contains("code-lang"), "{block}");
    }
    // A block without label or title has no empty header.
    assert!(!blocks[5].contains("code-header"), "{}", blocks[5]);
}

#[test]
fn missing_snippet_is_a_missing_include_error() {
    let b = build_fixture("docfx-err-snippet-missing");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let d = find_diag(&b, "missing_include", "snippets/missing.ps1");
    assert!(d.contains("--> content/en-us/page.md:6:1"), "{d}");
}

#[test]
fn snippet_outside_the_content_root_is_refused() {
    let b = build_fixture("docfx-err-snippet-outside");
    assert_eq!(b.code, 1, "stderr:\n{}", b.stderr);
    let up = find_diag(&b, "outside_root", "../../secret.cs");
    assert!(up.contains("--> content/en-us/page.md:6:1"), "{up}");
    let abs = find_diag(&b, "outside_root", "/etc/passwd");
    assert!(abs.contains("--> content/en-us/page.md:8:1"), "{abs}");
    assert!(!b.stderr.contains("SecretOutside"));
}

// ---------------------------------------------------------------------------------------------
// 9. Links
// ---------------------------------------------------------------------------------------------

#[test]
fn links_resolve_site_root_tilde_query_fragment_and_xref() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("links");
    insta::assert_snapshot!("links", html);
    for expected in [
        "<a href=\"/en-us/folder/page/\">root md</a>",
        "<a href=\"/en-us/folder/page/\">root no ext</a>",
        "<a href=\"/en-us/folder/page/\">tilde</a>",
        "<a href=\"/en-us/folder/page/?tabs=cli\">query</a>",
        "<a href=\"/en-us/target/#frag\">fragment</a>",
        "<a href=\"https://example.com\" dir=\"ltr\">https://example.com</a>",
        "<a href=\"/en-us/target/\">xref link</a>",
        // The xref autolink's text becomes the target page's title.
        "<a href=\"/en-us/target/\">Uid Target</a>",
    ] {
        assert!(html.contains(expected), "missing {expected}\nin:\n{html}");
    }
    assert!(!html.contains("xref:"), "{html}");
    assert!(b.diags("broken_link").is_empty(), "{}", b.stderr);
}

#[test]
fn unknown_xref_is_a_broken_link_warning_with_location() {
    let b = build_fixture("docfx-warnings");
    b.assert_ok();
    let inline = find_diag(&b, "broken_link", "`uid: no.such.uid`");
    assert!(inline.starts_with("warning:"), "{inline}");
    assert!(inline.contains("--> content/en-us/page.md:8:5"), "{inline}");
    let auto = find_diag(&b, "broken_link", "`uid: other.missing`");
    assert!(auto.contains("--> content/en-us/page.md:8:37"), "{auto}");
}

// ---------------------------------------------------------------------------------------------
// 10. Messy files
// ---------------------------------------------------------------------------------------------

#[test]
fn messy_file_still_builds_with_its_table() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("messy");
    insta::assert_snapshot!("messy", html);
    assert_eq!(html.matches("<tr><td></td><td></td></tr>").count(), 2);
    let src = fs::read_to_string(fixture("docfx/content/en-us/messy.md")).unwrap();
    let long = src
        .lines()
        .find(|l| l.len() == 5000)
        .expect("5,000-char line");
    assert!(html.contains(long), "the long line is not intact");
    // Content after the table and the long line is still there.
    assert!(html.ends_with("<p>End of messy page.</p>"), "{html}");
}

// ---------------------------------------------------------------------------------------------
// 11. A realistic translated page
// ---------------------------------------------------------------------------------------------

#[test]
fn translated_page_shows_no_docfx_markers() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let page = b.page("translated");
    let html = content_region(&page);
    insta::assert_snapshot!("translated", html);
    assert_no_markers("translated", &page);

    // Spot checks that the extensions really rendered.
    assert!(page.contains("<h1 id=\"configure-senders\">Konfigurera avsändare</h1>"));
    for id in [
        "steps",
        "table",
        "video",
        "images",
        "versions",
        "platforms",
        "next",
    ] {
        assert!(html.contains(&format!("<h2 id=\"{id}\">")), "no h2 {id}");
    }
    assert_eq!(html.matches("<div class=\"alert ").count(), 7, "{html}");
    assert_eq!(html.matches("<img src=\"/en-us/media/a.svg\"").count(), 3);
    assert_eq!(html.matches("<div class=\"moniker\"").count(), 2);
    assert_eq!(html.matches("role=\"tabpanel\"").count(), 2);
    assert!(!html.contains("<a name="));
}

#[test]
fn no_page_of_the_fixture_shows_docfx_markers() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let pages = all_pages(&b.out);
    assert!(pages.len() >= 15, "{} pages", pages.len());
    for (rel, html) in pages {
        assert_no_markers(&rel, &html);
    }
}

// ---------------------------------------------------------------------------------------------
// Columns with indented content of other kinds (bugs found while writing these tests)
// ---------------------------------------------------------------------------------------------

#[test]
fn fenced_code_inside_an_indented_column_stays_a_fenced_block() {
    let b = build_fixture("docfx-columns");
    b.assert_ok();
    let html = b.content("code");
    assert!(
        html.contains("<code class=\"language-powershell\">"),
        "the fence's language is lost:\n{html}"
    );
    assert!(
        !html.contains("```"),
        "the fence markers show as text:\n{html}"
    );
}

#[test]
fn nested_list_inside_an_indented_column_stays_nested() {
    let b = build_fixture("docfx-columns");
    b.assert_ok();
    let html = b.content("list");
    let outer = html.find("outer").expect("outer item");
    let inner_ul = html[outer..].find("<ul>").map(|i| i + outer);
    let outer_li_end = html[outer..].find("</li>").map(|i| i + outer);
    assert!(
        matches!((inner_ul, outer_li_end), (Some(u), Some(e)) if u < e),
        "`inner` is not a nested list of `outer`:\n{html}"
    );
}

#[test]
fn alert_inside_an_indented_column_is_an_alert() {
    let b = build_fixture("docfx-columns");
    b.assert_ok();
    let html = b.content("alert");
    assert!(
        !html.contains("<pre"),
        "the alert became a code block:\n{html}"
    );
    assert!(
        html.contains("<div class=\"alert is-note alert-note\" role=\"note\""),
        "{html}"
    );
    assert!(html.contains("<p>A note in a column.</p>"));
}

#[test]
fn xref_autolink_with_fragment_shows_the_page_title() {
    let b = build_fixture("docfx");
    b.assert_ok();
    let html = b.content("xref-fragment");
    assert!(
        html.contains("<a href=\"/en-us/target/#frag\">"),
        "the xref did not resolve:\n{html}"
    );
    assert!(
        html.contains("<a href=\"/en-us/target/#frag\">Uid Target</a>"),
        "the autolink text is not the target's title:\n{html}"
    );
}
