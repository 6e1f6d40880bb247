//! Tables of contents as DocFX reads them, on the fixture docset `tests/fixtures/docfx-tocs`
//! (modelled on the Microsoft 365 docset): a root `TOC.md`, folder TOCs named in different
//! cases (`TOC.yml`, `toc.yaml`, `Toc.yml` written as a mapping), a folder href, a nested-TOC
//! href, site-root and external entries, `topicHref`/`tocHref`/`expanded`/`displayName`, a
//! breadcrumb TOC named by `breadcrumb_path`, and an orphan. The site is built once.

use std::sync::OnceLock;

use crate::support::{build_elsewhere, fixtures_dir, read, Built};

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| build_elsewhere(&fixtures_dir().join("docfx-tocs")))
}

/// The whole HTML of the page at URL path `/en-us/<page>`.
fn page(path: &str) -> String {
    read(built().out.join("en-us").join(path).join("index.html"))
}

/// The element that starts with `open` up to its `</nav>` (navigation holds no other `nav`).
fn region(html: &str, open: &str) -> Option<String> {
    let start = html.find(open)?;
    let end = start + html[start..].find("</nav>")? + "</nav>".len();
    Some(html[start..end].to_string())
}

fn sidebar(path: &str) -> String {
    region(&page(path), "<nav class=\"sidebar\"").expect("a sidebar")
}

fn breadcrumbs(path: &str) -> Option<String> {
    region(&page(path), "<nav class=\"breadcrumbs\"")
}

/// The findings of one kind (each starts with its `warning:`/`error:` line).
fn findings(kind: &str) -> Vec<String> {
    let tag = format!("[{kind}]");
    let mut out: Vec<String> = Vec::new();
    for line in built().run.stderr.lines() {
        if line.starts_with("error:") || line.starts_with("warning:") {
            out.push(String::new());
        }
        if let Some(d) = out.last_mut() {
            d.push_str(line);
            d.push('\n');
        }
    }
    out.retain(|d| d.lines().next().is_some_and(|l| l.ends_with(&tag)));
    out
}

/// The `<a>` of the entry marked as the current page.
fn current(nav: &str) -> Option<&str> {
    let at = nav.find(" aria-current=\"page\"")?;
    let start = nav[..at].rfind("<a ")?;
    Some(&nav[start..nav[at..].find("</a>")? + at])
}

#[test]
fn the_site_builds_without_toc_findings() {
    let b = built();
    assert_eq!(b.run.code, Some(0), "stderr:\n{}", b.run.stderr);
    assert_eq!(findings("toc"), Vec::<String>::new());
}

#[test]
fn a_page_shows_the_nearest_toc_in_any_case_with_itself_marked() {
    // `guides/TOC.yml` (upper case) for a page beside it.
    let nav = sidebar("guides/setup");
    assert!(nav.contains(">Overview<"), "{nav}");
    assert!(
        !nav.contains(">Home<"),
        "the root TOC is not the nearest: {nav}"
    );
    assert_eq!(
        current(&nav),
        Some("<a href=\"/en-us/guides/setup/\" aria-current=\"page\"><bdi>Setup (site-root link)</bdi>")
    );
    // `guides/advanced/toc.yaml` (lower case, `.yaml`) one folder down.
    let nav = sidebar("guides/advanced/deep");
    assert!(
        nav.contains(">Advanced home<") && !nav.contains(">Overview<"),
        "{nav}"
    );
    assert!(
        current(&nav).is_some_and(|a| a.contains("Deep dive")),
        "{nav}"
    );
    // `reference/Toc.yml`, written as a mapping with `items:`.
    let nav = sidebar("reference/api");
    assert!(current(&nav).is_some_and(|a| a.contains(">API<")), "{nav}");
}

#[test]
fn the_root_toc_md_nests_a_folder_href_and_a_toc_href() {
    let nav = sidebar("");
    assert!(current(&nav).is_some_and(|a| a.contains(">Home<")), "{nav}");
    insta::assert_snapshot!("root_sidebar", nav);
    // `# [Guides](guides/)` nests the folder's `TOC.yml`; its `../shared/toc.yml` entry nests
    // that file: the page it lists is in the root TOC, two levels down.
    let nav = sidebar("shared/common");
    assert!(
        current(&nav).is_some_and(|a| a.contains(">Common tasks<")),
        "{nav}"
    );
    let frag = read(built().out.join("en-us/toc.json"));
    assert!(
        frag.contains("Shared tasks") && frag.contains("/en-us/shared/common/"),
        "{frag}"
    );
}

#[test]
fn a_page_listed_by_a_toc_other_than_its_nearest_shows_that_toc() {
    // `reference/cross.md` is not in `reference/Toc.yml`, but the root TOC lists it (through
    // the guides TOC it nests): its sidebar is the root TOC, with it marked.
    let nav = sidebar("reference/cross");
    assert!(nav.contains(">Home<"), "{nav}");
    assert!(
        current(&nav).is_some_and(|a| a.contains(">Cross-listed<")),
        "{nav}"
    );
}

#[test]
fn site_root_and_external_entries_are_links() {
    let nav = sidebar("guides/overview");
    insta::assert_snapshot!("guides_sidebar", nav);
    // A site-root href that is a page of the site links to it; one that is not (another docset
    // on the host) and an external one are written as they are, without a finding.
    assert!(nav.contains("<a href=\"/en-us/guides/setup/\">"), "{nav}");
    assert!(
        nav.contains("<a href=\"/other-docset/page?view=x\">"),
        "{nav}"
    );
    assert!(
        nav.contains("<a href=\"https://example.com/docs/\">"),
        "{nav}"
    );
    assert!(
        findings("broken_link").is_empty(),
        "{:?}",
        findings("broken_link")
    );
}

#[test]
fn topic_href_expanded_and_display_name_are_honoured() {
    let nav = sidebar("guides/overview");
    // `href: advanced/` nests the folder's TOC; `topicHref` is the entry's page.
    assert!(
        nav.contains("<a href=\"/en-us/guides/advanced/\"><bdi>Advanced</bdi></a>"),
        "{nav}"
    );
    // `expanded: true` opens its children on every page; a folded group stays closed (its
    // entries carried, in a closed disclosure).
    assert!(
        nav.contains("<details open><summary class=\"nav-group\"><bdi>Always open</bdi></summary><ul>\n<li><a href=\"/other-docset/page?view=x\"><bdi>Another docset<"),
        "{nav}"
    );
    assert!(
        nav.contains("<details><summary class=\"nav-group\"><bdi>Folded</bdi></summary><ul>\n<li><a href=\"/en-us/about/\"><bdi>About again<"),
        "{nav}"
    );
    // `displayName` is kept for a filter of the navigation.
    assert!(
        nav.contains("data-display-name=\"start introduction\" aria-current=\"page\""),
        "{nav}"
    );
}

#[test]
fn breadcrumbs_follow_the_breadcrumb_toc_then_the_pages_own_toc() {
    let trail = breadcrumbs("guides/advanced/deep").expect("breadcrumbs");
    insta::assert_snapshot!("deep_breadcrumbs", trail);
    // The entry whose `tocHref` covers the page, then the page's place in its own TOC; an entry
    // and the page it stands for are one step.
    let trail = breadcrumbs("guides/overview").expect("breadcrumbs");
    assert_eq!(trail.matches("<li>").count(), 2, "{trail}");
    assert!(
        trail.contains("<span aria-current=\"page\"><bdi>Overview</bdi></span>"),
        "{trail}"
    );
    // A page without `breadcrumb_path` has only its own TOC's trail (here none: a top entry).
    assert_eq!(breadcrumbs("about"), None);
}

#[test]
fn an_orphan_is_a_page_no_toc_lists() {
    let orphans = findings("orphan_page");
    assert_eq!(orphans.len(), 1, "{orphans:?}");
    assert!(
        orphans[0].contains("`orphan/lonely.md` is in no table of contents"),
        "{orphans:?}"
    );
    // It still shows the nearest TOC above its folder, nothing marked.
    let nav = sidebar("orphan/lonely");
    assert!(nav.contains(">Home<") && current(&nav).is_none(), "{nav}");
}

#[test]
fn each_toc_is_written_once_as_a_fragment_a_toc_link_loads() {
    let out = &built().out;
    for path in [
        "en-us/toc.json",
        "en-us/guides/toc.json",
        "en-us/guides/advanced/toc.json",
        "en-us/shared/toc.json",
        "en-us/reference/toc.json",
        "en-us/breadcrumb/toc.json",
    ] {
        let text = read(out.join(path));
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert!(
            v["html"].as_str().is_some_and(|h| h.starts_with("<ul>")),
            "{path}: {text}"
        );
    }
    let crumbs = read(out.join("en-us/breadcrumb/toc.json"));
    assert!(crumbs.contains(r#"data-scope=\"guides/\""#), "{crumbs}");
    // Each page names its own TOC's fragment and how site-root URLs are read, for the script.
    let html = page("guides/setup");
    assert!(
        html.contains(" data-toc=\"/en-us/guides/toc.json\""),
        "{html}"
    );
    assert!(html.contains("data-toc-base=\"/en-us/\""), "{html}");
    // The TOC sources themselves are not published.
    assert!(!out.join("en-us/guides/TOC.yml").exists());
}
