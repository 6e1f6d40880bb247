//! YAML pages (issue 15, item 2): `tests/fixtures/yaml-pages` is a DocFX repository whose
//! docset has a Landing page (`index.yml`), a Hub (`admin/index.yml`), an FAQ (`faq.yml`), a
//! `YamlMime:ModuleUnit` file helpsite does not publish, a YAML data file, an article linking
//! to the YAML pages in every way DocFX allows, a TOC naming them, and a redirect to a folder
//! whose page is an `index.yml`.

use std::path::PathBuf;

use crate::support::{
    attr_values, build_elsewhere, content_inner, copy_dir, fixtures_dir, list_files, read, write,
};

fn repo() -> PathBuf {
    fixtures_dir().join("yaml-pages")
}

#[test]
fn landing_hub_and_faq_are_pages_at_article_urls() {
    let built = build_elsewhere(&repo());
    built.run.expect_ok();
    let files = list_files(&built.out);
    for page in [
        "en-us/fabrikam/index.html",
        "en-us/fabrikam/admin/index.html",
        "en-us/fabrikam/faq/index.html",
    ] {
        assert!(files.iter().any(|f| f == page), "{page} missing: {files:?}");
    }
    // Never published as raw YAML; the unknown type is not published at all. Other YAML keeps
    // today's handling (a file the content globs select).
    for f in &files {
        assert!(
            !f.ends_with("index.yml") && !f.ends_with("faq.yml") && !f.contains("module"),
            "{f} published"
        );
    }
    assert!(files.iter().any(|f| f == "en-us/fabrikam/data.yml"));
    let landing = read(built.out.join("en-us/fabrikam/index.html"));
    insta::assert_snapshot!("landing", content_inner(&landing));
    // Metadata as for articles: the page's own, over the docset's.
    assert!(
        landing.contains("<title>Fabrikam documentation | "),
        "{landing}"
    );
    assert!(landing
        .contains(r#"<meta name="description" content="Everything about running Fabrikam.">"#));
    let hub = read(built.out.join("en-us/fabrikam/admin/index.html"));
    insta::assert_snapshot!("hub", content_inner(&hub));
    let faq = read(built.out.join("en-us/fabrikam/faq/index.html"));
    insta::assert_snapshot!("faq", content_inner(&faq));
}

#[test]
fn links_to_yaml_pages_resolve_and_their_own_links_are_checked() {
    let built = build_elsewhere(&repo());
    let stderr = &built.run.stderr;
    // An article's links to the YAML pages, relative, site-root and without extension.
    let setup = read(built.out.join("en-us/fabrikam/admin/setup/index.html"));
    let content = content_inner(&setup);
    for href in [
        r#"href="/en-us/fabrikam/">documentation home"#,
        r#"href="/en-us/fabrikam/admin/">hub"#,
        r#"href="/en-us/fabrikam/faq/#billing">"#,
        r#"href="/en-us/fabrikam/admin/">admin"#,
        r#"href="/en-us/fabrikam/faq/">FAQ"#,
    ] {
        assert!(content.contains(href), "{href} not in\n{content}");
    }
    // A query and fragment alone: this page, as written, not the folder's page (the hub).
    assert!(
        content.contains(r#"href="?view=fabrikam-2026#whats-new">the news"#),
        "{content}"
    );
    // Through a redirect written relative to the old file (`index`), to a YAML page.
    assert!(
        content.contains(r#"href="/en-us/fabrikam/admin/">old home"#),
        "{content}"
    );
    // The TOC's entries.
    assert!(setup.contains(r#"href="/en-us/fabrikam/faq/""#), "{setup}");
    // A link through a redirect to a folder whose page is an index.yml.
    let landing = read(built.out.join("en-us/fabrikam/index.html"));
    assert!(
        landing.contains(r#"<a href="/en-us/fabrikam/admin/">The old start page</a>"#),
        "{landing}"
    );
    // Broken links in the YAML and in an FAQ answer are findings at their place.
    assert!(
        stderr.contains("docs/index.yml:33:18"),
        "missing.md finding:\n{stderr}"
    );
    assert!(stderr.contains("`missing.md`"), "{stderr}");
    // In an answer (a `>` block): its line, as the Markdown pipeline reports it.
    assert!(
        stderr.contains("docs/faq.yml:25:29"),
        "billing.md finding:\n{stderr}"
    );
    // An anchor a YAML page makes (a card's heading) is checked like a heading's.
    assert!(!stderr.contains("#learn-more"), "{stderr}");
    // The type helpsite does not publish: a warning naming it; the TOC entry to it is reported.
    assert!(
        stderr.contains("`YamlMime:ModuleUnit` pages are not published"),
        "{stderr}"
    );
    assert!(stderr.contains("docs/module.yml:1:"), "{stderr}");
    assert!(stderr.contains("[yaml_page]"), "{stderr}");
}

/// No `href` or `src` of the output names a `.yml` or `.md` file, except a broken link in Markdown
/// (an FAQ answer's `billing.md`), which the article pipeline reports and leaves as written.
#[test]
fn no_href_in_the_output_names_a_yml_or_md_file() {
    let built = build_elsewhere(&repo());
    built.run.expect_ok();
    assert!(built.run.stderr.contains("`billing.md` is not a page"));
    for f in list_files(&built.out) {
        if !f.ends_with(".html") {
            continue;
        }
        let html = read(built.out.join(&f));
        for attr in ["href", "src"] {
            for v in attr_values(&html, attr) {
                if v.starts_with("http://") || v.starts_with("https://") {
                    continue;
                }
                if v == "billing.md" {
                    continue;
                }
                let path = v
                    .split(['#', '?'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                assert!(
                    !path.ends_with(".yml") && !path.ends_with(".md"),
                    "{f}: {attr}=\"{v}\""
                );
            }
        }
    }
}

#[test]
fn bad_yaml_in_a_yaml_page_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("repo");
    copy_dir(&repo(), &site);
    write(
        &site,
        "docs/faq.yml",
        "### YamlMime:FAQ\ntitle: Broken\nsections:\n  - name: [General\n",
    );
    let built = build_elsewhere(&site);
    built.run.expect_code(1);
    assert!(
        built.run.stderr.contains("docs/faq.yml:5:1"),
        "{}",
        built.run.stderr
    );
    assert!(
        built.run.stderr.contains("invalid YAML"),
        "{}",
        built.run.stderr
    );
    assert!(
        built.run.stderr.contains("[yaml_page]"),
        "{}",
        built.run.stderr
    );
}

/// In a plain multilingual site too: a translated YAML page is the translation of the source's
/// (language switcher, sitemap), and a missing one falls back to the source page.
#[test]
fn yaml_pages_are_translated_and_fall_back_like_articles() {
    let site = crate::support::Site::empty()
        .file(
            "helpsite.yml",
            "title: T\nbase_url: https://help.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n",
        )
        .file(
            "content/en-us/faq.yml",
            "### YamlMime:FAQ\ntitle: Questions\nsections:\n  - name: General\n    questions:\n      - question: Why?\n        answer: See [home](index.yml).\n",
        )
        .file(
            "content/en-us/index.yml",
            "### YamlMime:Landing\ntitle: Home\nlandingContent:\n  - title: Start\n    linkLists:\n      - linkListType: overview\n        links:\n          - text: FAQ\n            url: faq.yml\n",
        )
        .file(
            "content/sv-se/faq.yml",
            "### YamlMime:FAQ\ntitle: Frågor\nsections:\n  - name: Allmänt\n    questions:\n      - question: Varför?\n        answer: Se [start](index.yml).\n",
        );
    let built = build_elsewhere(site.path());
    built.run.expect_ok();
    let sv_faq = read(built.out.join("sv-se/faq/index.html"));
    assert!(sv_faq.contains("Frågor"), "{sv_faq}");
    assert!(sv_faq.contains(r#"href="/sv-se/">start</a>"#), "{sv_faq}");
    assert!(
        sv_faq.contains(r#"hreflang="en-US" href="https://help.example.com/en-us/faq/""#),
        "{sv_faq}"
    );
    // No Swedish landing page: the English one in the Swedish site, with Swedish labels.
    let sv_home = read(built.out.join("sv-se/index.html"));
    assert!(
        sv_home.contains("Home") && sv_home.contains(">Översikt<"),
        "{sv_home}"
    );
    assert!(
        sv_home.contains(r#"href="/sv-se/faq/">FAQ</a>"#),
        "{sv_home}"
    );
    let sitemap = read(built.out.join("sv-se/sitemap.xml"));
    assert!(
        sitemap.contains("https://help.example.com/sv-se/faq/"),
        "{sitemap}"
    );
}

/// An FAQ whose answer has a finding (a broken link) is reused from the cache on a rebuild
/// with no change, with the same findings: its findings point into the file itself.
#[test]
fn a_yaml_page_with_a_finding_is_reused_from_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo(), tmp.path());
    let first = crate::support::run_in(tmp.path(), &["build", "-v"]);
    let second = crate::support::run_in(tmp.path(), &["build", "-v"]);
    assert!(
        first
            .stderr
            .contains("`billing.md` is not a page of this site"),
        "{}",
        first.stderr
    );
    let cache_line = second
        .stderr
        .lines()
        .find(|l| l.starts_with("cache:"))
        .unwrap();
    let (reused, of) = cache_line
        .strip_prefix("cache: ")
        .and_then(|l| l.split_once(" pages' Markdown reused"))
        .map(|(n, _)| n.split_once(" of ").unwrap())
        .unwrap();
    assert_eq!(reused, of, "{cache_line}");
    let findings = |s: &str| {
        s.lines()
            .filter(|l| {
                !l.starts_with("timings:") && !l.starts_with("cache:") && !l.starts_with("built")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(findings(&first.stderr), findings(&second.stderr));
}
