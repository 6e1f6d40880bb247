//! The sidebar's groups as disclosures, and what a page of a big TOC carries (#18): on the
//! sample site every `toc.yml` entry is a link in every page's sidebar and on its 404 pages; on
//! a TOC of a few hundred entries a page carries the top levels that fit the budget, its own
//! branch, and each deeper closed group as one entry that loads the rest when opened.

use std::path::Path;

use crate::support::{build_elsewhere, read, Site};

/// The element that starts with `open` up to its `</nav>` (navigation holds no other `nav`).
fn region(html: &str, open: &str) -> String {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in {html}"));
    let end = start + html[start..].find("</nav>").expect("</nav>") + "</nav>".len();
    html[start..end].to_string()
}

/// The `href` of every link in `html`.
fn hrefs(html: &str) -> Vec<String> {
    html.split("<a ")
        .skip(1)
        .filter_map(|a| {
            let at = a.find("href=\"")? + 6;
            Some(a[at..at + a[at..].find('"')?].to_string())
        })
        .collect()
}

/// The URL of every `href` of the sample's `content/en-us/toc.yml`.
fn sample_toc_urls() -> Vec<String> {
    let toc = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/en-us/toc.yml"));
    toc.lines()
        .filter_map(|l| l.trim().strip_prefix("href: "))
        .map(|h| match h.trim_end_matches(".md") {
            "index" => "/en-us/".to_string(),
            h => format!("/en-us/{h}/"),
        })
        .collect()
}

#[test]
fn every_toc_entry_is_a_link_in_the_sample_sidebar_and_404s() {
    let built = build_elsewhere(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let page = read(built.out.join("en-us/authentication/spf/index.html"));
    let nav = region(&page, "<nav class=\"sidebar\"");
    // The lists only: the `<nav>` element's attributes belong to other features.
    insta::assert_snapshot!(
        "sample_spf_sidebar",
        &nav[nav.find("<ul>").expect("a list")..]
    );
    let urls = sample_toc_urls();
    assert_eq!(urls.len(), 12);
    let links = hrefs(&nav);
    for u in &urls {
        assert!(links.contains(u), "{u} is not a link in the sidebar: {nav}");
    }
    // Groups without a page are disclosures, closed unless on the page's branch or
    // `expanded`; the page is marked.
    assert!(nav.contains("<details><summary class=\"nav-group\"><bdi>Send in bulk</bdi></summary>"));
    assert!(nav.contains("<details><summary class=\"nav-group\"><bdi>Get help</bdi></summary>"));
    assert!(nav.contains(
        "<details open><summary class=\"nav-group\"><bdi>Authenticate your mail</bdi></summary>"
    ));
    assert!(nav.contains("<a href=\"/en-us/authentication/spf/\" aria-current=\"page\">"));
    // The 404s carry the locale's navigation: the locale's and the root one (each locale's).
    for (file, label) in [
        ("en-us/404.html", "Table of contents"),
        ("404.html", "Table of contents"),
    ] {
        let html = read(built.out.join(file));
        let nav = region(
            &html,
            &format!("<nav class=\"not-found-nav\" aria-label=\"{label}\""),
        );
        let links = hrefs(&nav);
        for u in &urls {
            assert!(links.contains(u), "{file}: {u} is not a link: {nav}");
        }
        assert!(!nav.contains("aria-current"), "{nav}");
    }
    let root = read(built.out.join("404.html"));
    assert!(
        root.contains("<a href=\"/sv-se/authentication/spf/\">"),
        "{root}"
    );
}

/// A site whose one TOC has `groups` groups of 10 sub-groups of 10 pages each, and a home page.
fn big_site(groups: usize) -> Site {
    let mut toc = String::from("- name: Home\n  href: index.md\n");
    let mut site = Site::empty()
        .file(
            "helpsite.yml",
            "title: Big\nbase_url: https://example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
        )
        .file("content/en-us/index.md", "---\ntitle: Home\n---\n# Home\n");
    for g in 0..groups {
        toc.push_str(&format!("- name: Group {g}\n  items:\n"));
        for s in 0..10 {
            toc.push_str(&format!("    - name: Part {g}.{s}\n      items:\n"));
            for p in 0..10 {
                let rel = format!("g{g}/s{s}/p{p}.md");
                toc.push_str(&format!(
                    "        - name: Page {g}.{s}.{p}\n          href: {rel}\n"
                ));
                site = site.file(
                    &format!("content/en-us/{rel}"),
                    &format!("---\ntitle: Page {g}.{s}.{p}\n---\n# Page {g}.{s}.{p}\n"),
                );
            }
        }
    }
    site.file("content/en-us/toc.yml", &toc)
}

/// [`big_site`] built, and the sidebar of its page `page` (a path under the output).
fn big_site_sidebar(groups: usize, page: &str) -> (crate::support::Built, String) {
    let site = big_site(groups);
    let built = build_elsewhere(site.path());
    assert_eq!(built.run.code, Some(0), "{}", built.run.stderr);
    let nav = region(&read(built.out.join(page)), "<nav class=\"sidebar\"");
    (built, nav)
}

#[test]
fn a_page_of_a_big_toc_carries_the_top_levels_its_branch_and_deferred_groups() {
    // 1 + 3 + 30 entries in the top two levels fit the budget; the 300 pages do not.
    let (built, nav) = big_site_sidebar(3, "en-us/g1/s2/p3/index.html");
    // Every top-level entry and every part; the page's own part in full, open.
    assert_eq!(nav.matches("<li").count(), 1 + 3 + 30 + 10, "{nav}");
    for g in 0..3 {
        assert!(nav.contains(&format!("<bdi>Group {g}</bdi>")));
        for s in 0..10 {
            assert!(nav.contains(&format!("<bdi>Part {g}.{s}</bdi>")), "{nav}");
        }
    }
    for p in 0..10 {
        assert!(
            nav.contains(&format!("<a href=\"/en-us/g1/s2/p{p}/\"")),
            "{nav}"
        );
    }
    assert!(nav.contains("<a href=\"/en-us/g1/s2/p3/\" aria-current=\"page\">"));
    assert!(nav.contains("<details open><summary class=\"nav-group\"><bdi>Group 1</bdi>"));
    assert!(nav.contains("<details open><summary class=\"nav-group\"><bdi>Part 1.2</bdi>"));
    // Every other part is one entry: a link to its first page, with its place in the TOC for
    // the script (Group 0 is the second entry at the top: index 1).
    assert_eq!(nav.matches(" data-load=\"").count(), 29, "{nav}");
    assert!(
        nav.contains("<li class=\"has-children\" data-load=\"1.4\"><a class=\"nav-group\" href=\"/en-us/g0/s4/p0/\"><bdi>Part 0.4</bdi></a></li>"),
        "{nav}"
    );
    // No other part's pages but their first.
    assert!(!nav.contains("/en-us/g0/s4/p1/") && !nav.contains("/en-us/g2/s9/p9/"));
    assert_eq!(hrefs(&nav).len(), 1 + 10 + 29, "{nav}");
    // The fragment a deferred part loads from holds every page.
    let frag = read(built.out.join("en-us/toc.json"));
    assert!(frag.contains("/en-us/g2/s9/p9/"));
    assert!(nav.contains("data-toc=\"/en-us/toc.json\""));
}

#[test]
fn a_small_toc_is_carried_whole() {
    // 1 + 1 + 10 + 100 entries: within the budget, every page carries every entry.
    let (_, nav) = big_site_sidebar(1, "en-us/index.html");
    assert_eq!(hrefs(&nav).len(), 101, "{nav}");
    assert!(!nav.contains("data-load"), "{nav}");
}
