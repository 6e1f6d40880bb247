//! The repository's own sample site (three locales, the `themes/default` theme) built into a
//! temporary folder: it builds clean under `--strict`, every article is published in every
//! locale, and every site-internal link, image and `#fragment` in the output resolves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::{attr_values, list_files, read, redact_path, run_in};

const BASE_URL: &str = "https://help.example.com/";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the sample site with `--strict` into a temporary folder; returns it and the
/// redacted stderr.
fn build_sample() -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("public");
    let run = run_in(
        repo(),
        &[
            "build",
            "--strict",
            "--site",
            ".",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    let stderr = redact_path(&run.stderr, out.path());
    assert_eq!(
        run.code,
        Some(0),
        "the sample site must build under --strict:\n{stderr}"
    );
    (out, stderr)
}

/// Every article of the source locale: Markdown files outside `includes/` that are not TOCs.
fn source_articles() -> Vec<String> {
    let root = repo().join("content/en-us");
    list_files(&root)
        .into_iter()
        .filter(|f| f.ends_with(".md"))
        .filter(|f| !f.split('/').any(|s| s == "includes"))
        .filter(|f| !f.eq_ignore_ascii_case("toc.md") && !f.to_lowercase().ends_with("/toc.md"))
        .collect()
}

/// `a/b.md` -> `a/b/index.html`, `index.md` -> `index.html`.
fn article_output(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap();
    let stem = stem
        .strip_suffix("index")
        .map(|s| s.trim_end_matches('/'))
        .unwrap_or(stem);
    if stem.is_empty() {
        "index.html".into()
    } else {
        format!("{}/index.html", stem.to_lowercase().replace(' ', "-"))
    }
}

fn locale_slugs() -> Vec<String> {
    let cfg = read(repo().join("helpsite.yml"));
    cfg.lines()
        .filter_map(|l| l.trim().strip_prefix("- code: "))
        .map(|c| c.trim().to_lowercase())
        .collect()
}

fn html_files(root: &Path) -> Vec<String> {
    list_files(root)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .expect("percent-decoded URL is UTF-8")
        .into_owned()
}

fn unescape_attr(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The output file a site-internal URL path (`/en-us/a/`) is served from.
fn target_file(out: &Path, url_path: &str) -> PathBuf {
    let rel = percent_decode(url_path.trim_start_matches('/'));
    let p = out.join(&rel);
    if rel.is_empty() || rel.ends_with('/') || p.is_dir() {
        p.join("index.html")
    } else {
        p
    }
}

#[test]
fn sample_site_builds_strict_without_findings() {
    let (_out, stderr) = build_sample();
    let pages = source_articles().len() * locale_slugs().len();
    assert_eq!(stderr, format!("built {pages} pages into [SITE]/public\n"));
}

#[test]
fn every_article_is_published_in_every_locale() {
    let (out, _) = build_sample();
    let public = out.path().join("public");
    let articles = source_articles();
    assert!(articles.len() >= 10, "{articles:?}");
    let slugs = locale_slugs();
    assert_eq!(slugs, ["en-us", "sv-se", "ar-sa"]);
    let mut missing = Vec::new();
    for slug in &slugs {
        for a in &articles {
            let f = format!("{slug}/{}", article_output(a));
            if !public.join(&f).is_file() {
                missing.push(f);
            }
        }
        assert!(public.join(slug).join("404.html").is_file());
    }
    assert!(missing.is_empty(), "articles without a page: {missing:?}");
    for f in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "_static/helpsite.css",
        "_static/helpsite.js",
        "_static/highlight.css",
    ] {
        assert!(public.join(f).is_file(), "missing {f}");
    }
    // Assets are copied (the home page's figure).
    assert!(public.join("en-us/media/mail-flow.svg").is_file());
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    let (out, _) = build_sample();
    let public = out.path().join("public");
    let files = html_files(&public);
    assert!(files.len() > 30, "{files:?}");
    // Ids per page, read once.
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut ids_of = |p: &Path| -> BTreeSet<String> {
        ids.entry(p.to_path_buf())
            .or_insert_with(|| {
                attr_values(&read(p), "id")
                    .into_iter()
                    .map(unescape_attr)
                    .collect()
            })
            .clone()
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut fragments = 0;
    for f in &files {
        let page = public.join(f);
        let html = read(&page);
        let mut urls: Vec<String> = Vec::new();
        for attr in ["href", "src"] {
            urls.extend(attr_values(&html, attr).into_iter().map(unescape_attr));
        }
        for url in urls {
            // Site-internal: base path `/`, or an absolute URL on the site's own origin.
            let local = if let Some(rest) = url.strip_prefix(BASE_URL) {
                format!("/{rest}")
            } else if (url.starts_with('/') && !url.starts_with("//")) || url.starts_with('#') {
                url.clone()
            } else {
                continue;
            };
            let (path, fragment) = match local.split_once('#') {
                Some((p, frag)) => (p.to_string(), Some(percent_decode(frag))),
                None => (local.clone(), None),
            };
            let path = path.split('?').next().unwrap().to_string();
            let target = if path.is_empty() {
                page.clone()
            } else {
                target_file(&public, &path)
            };
            checked += 1;
            if !target.is_file() {
                problems.push(format!("{f}: {url} -> no file {}", target.display()));
                continue;
            }
            if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                fragments += 1;
                if !ids_of(&target).contains(&frag) {
                    problems.push(format!("{f}: {url} -> no id=\"{frag}\" in the target"));
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} links checked");
    assert!(fragments > 100, "only {fragments} fragments checked");
    let problems = redact_path(&problems.join("\n"), out.path());
    assert!(problems.is_empty(), "unresolved links:\n{problems}");
}

#[test]
fn sitemap_lists_existing_pages_only() {
    let (out, _) = build_sample();
    let public = out.path().join("public");
    let locs_of = |xml: &str| -> Vec<String> {
        xml.split("<loc>")
            .skip(1)
            .map(|s| s[..s.find("</loc>").unwrap()].to_string())
            .collect()
    };
    // The index names each locale's sitemap, which lists that locale's pages.
    let index = locs_of(&read(public.join("sitemap.xml")));
    assert_eq!(index.len(), locale_slugs().len());
    let mut locs = Vec::new();
    for sitemap in index {
        let rest = sitemap
            .strip_prefix(BASE_URL)
            .unwrap_or_else(|| panic!("{sitemap}"));
        locs.extend(locs_of(&read(public.join(rest))));
    }
    assert_eq!(locs.len(), source_articles().len() * locale_slugs().len());
    for loc in locs {
        let rest = loc
            .strip_prefix(BASE_URL)
            .unwrap_or_else(|| panic!("{loc}"));
        assert!(
            target_file(&public, rest).is_file(),
            "sitemap entry {loc} has no page"
        );
    }
}

/// `<pre>...</pre>` blocks removed, so code that shows the syntax does not count.
fn without_pre(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<pre") {
        out.push_str(&rest[..i]);
        match rest[i..].find("</pre>") {
            Some(j) => rest = &rest[i + j + "</pre>".len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn no_docfx_markers_are_left_in_the_output() {
    let (out, _) = build_sample();
    let public = out.path().join("public");
    let mut leftovers = Vec::new();
    for f in html_files(&public) {
        let text = without_pre(&read(public.join(&f)));
        for marker in [
            "[!NOTE",
            "[!TIP",
            "[!IMPORTANT",
            "[!CAUTION",
            "[!WARNING",
            "[!INCLUDE",
            "[!div",
            ":::",
        ] {
            if text.contains(marker) {
                leftovers.push(format!("{f}: {marker}"));
            }
        }
    }
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn pages_are_well_formed_for_their_locale() {
    let (out, _) = build_sample();
    let public = out.path().join("public");
    let expected: BTreeMap<&str, &str> = [
        ("en-us", "<html lang=\"en-US\" dir=\"ltr\">"),
        ("sv-se", "<html lang=\"sv-SE\" dir=\"ltr\">"),
        ("ar-sa", "<html lang=\"ar-SA\" dir=\"rtl\">"),
    ]
    .into_iter()
    .collect();
    let mut problems = Vec::new();
    for f in html_files(&public) {
        let html = read(public.join(&f));
        let first = f.split('/').next().unwrap();
        match expected.get(first) {
            Some(tag) if f.contains('/') => {
                if !html.contains(tag) {
                    problems.push(format!("{f}: no {tag}"));
                }
            }
            // Root files (language chooser, 404) use the source locale.
            _ => {
                if !html.contains("<html lang=\"en-US\" dir=\"ltr\">") {
                    problems.push(format!("{f}: no source-locale <html lang dir>"));
                }
            }
        }
        let mains = html.matches("<main").count();
        if mains != 1 {
            problems.push(format!("{f}: {mains} <main> elements"));
        }
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<img") {
            let end = rest[i..].find('>').map(|j| i + j).unwrap_or(rest.len());
            let tag = &rest[i..end];
            if !tag.contains(" alt=\"") {
                problems.push(format!("{f}: img without alt: {tag}"));
            }
            rest = &rest[end..];
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
