//! The reader side of search in the built HTML (issue #19): each locale's results page
//! (`<locale>/search/`), the search forms of the header and the 404 pages, which stay hidden
//! until the theme's script shows them, and an article published where the results page goes.
//! The script itself is tested in a browser (tests/browser/search.test.mjs).

use crate::support::{read, Site};

fn two_locales() -> Site {
    Site::empty()
        .file(
            "helpsite.yml",
            "title: T\nbase_url: https://help.example.com/docs/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: ar-SA\n    name: العربية\n",
        )
        .file("content/en-us/index.md", "---\ntitle: Home\n---\n\nHello.\n")
        .file("content/en-us/guide.md", "---\ntitle: Guide\n---\n\nText.\n")
        .file("content/ar-sa/index.md", "---\ntitle: الرئيسية\n---\n\nمرحبا.\n")
}

/// The `<form>` start tags of `html` whose class list names `search-form`.
fn search_forms(html: &str) -> Vec<&str> {
    html.match_indices("<form ")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
        .filter(|t| t.contains("search-form"))
        .collect()
}

#[test]
fn each_locale_has_a_results_page_that_is_noindex_and_not_in_the_sitemap() {
    let site = two_locales();
    site.run(&["build"]).expect_ok();
    let out = site.path().join("public");
    for (slug, lang, heading) in [
        ("en-us", "en-US", "Search results"),
        ("ar-sa", "ar-SA", "نتائج البحث"),
    ] {
        let html = read(out.join(slug).join("search/index.html"));
        assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{html}");
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{html}");
        // The query field is labelled, and the form (hidden until the script runs) goes to
        // this page and reads the locale's index.
        assert!(html.contains("<label for=\"search-page-input\">"), "{html}");
        let forms = search_forms(&html);
        assert_eq!(forms.len(), 2, "header and page: {forms:?}");
        for f in &forms {
            assert!(
                f.contains(&format!("action=\"/docs/{slug}/search/\"")),
                "{f}"
            );
            assert!(
                f.contains(&format!("data-search=\"/docs/{slug}/_search/\"")),
                "{f}"
            );
            assert!(f.ends_with(" hidden>"), "{f}");
        }
        assert!(html.contains("data-search-script=\"/docs/_static/search.js\""));
        let sitemap = read(out.join(slug).join("sitemap.xml"));
        assert!(!sitemap.contains("/search/"), "{sitemap}");
    }
    assert!(out.join("_static/search.js").is_file());
}

#[test]
fn every_page_and_every_404_has_a_hidden_search_form_leading_to_its_locale_results_page() {
    let site = two_locales();
    site.run(&["build"]).expect_ok();
    let out = site.path().join("public");
    let guide = read(out.join("en-us/guide/index.html"));
    let header = search_forms(&guide);
    assert_eq!(header.len(), 1, "{guide}");
    assert!(header[0].contains("action=\"/docs/en-us/search/\""));
    assert!(guide.contains("id=\"search-input\""));
    let ar_404 = read(out.join("ar-sa/404.html"));
    let forms = search_forms(&ar_404);
    assert_eq!(forms.len(), 2, "header and the page's own: {forms:?}");
    assert!(forms
        .iter()
        .all(|f| f.contains("action=\"/docs/ar-sa/search/\"") && f.ends_with(" hidden>")));
    assert!(
        ar_404.contains("<label for=\"search-404\">بحث</label>"),
        "{ar_404}"
    );
    // The root 404 speaks every locale: one box per locale, each to its own results page.
    let root_404 = read(out.join("404.html"));
    for slug in ["en-us", "ar-sa"] {
        assert!(
            search_forms(&root_404)
                .iter()
                .any(|f| f.contains(&format!("action=\"/docs/{slug}/search/\""))),
            "{root_404}"
        );
        assert!(root_404.contains(&format!("<label for=\"search-404-{slug}\">")));
    }
}

#[test]
fn an_article_at_the_results_page_url_wins_with_a_warning() {
    let site = two_locales().file(
        "content/en-us/search.md",
        "---\ntitle: Search tips\n---\n\nHow to search.\n",
    );
    let run = site.run(&["build"]);
    run.expect_ok();
    assert!(
        run.stderr.contains("`search.md` is published at /en-us/search/, where the search results page goes; the search results page is left out [duplicate_url]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/en-us/search.md"),
        "{}",
        run.stderr
    );
    let out = site.path().join("public");
    let page = read(out.join("en-us/search/index.html"));
    assert!(page.contains("How to search."), "{page}");
    // No box leads to the article: the locale's pages have none.
    assert!(search_forms(&read(out.join("en-us/guide/index.html"))).is_empty());
    assert!(search_forms(&read(out.join("en-us/404.html"))).is_empty());
    // Arabic shows the article too (in English, as a fallback page): the same there.
    assert!(run
        .stderr
        .contains("`search.md` is published at /ar-sa/search/"));
    assert!(read(out.join("ar-sa/search/index.html")).contains("How to search."));
    assert!(search_forms(&read(out.join("ar-sa/index.html"))).is_empty());
}

#[test]
fn without_the_theme_template_no_results_page_is_written() {
    let site = two_locales();
    // A copy of the built-in theme without `templates/search.html`.
    for (rel, bytes) in helpsite::render::theme::BUILTIN {
        if *rel != "templates/search.html" {
            crate::support::write_bytes(site.path(), &format!("theme/{rel}"), bytes);
        }
    }
    let site = site.file(
        "helpsite.yml",
        "title: T\nbase_url: https://help.example.com/\nsource_locale: en-US\ntheme: theme\nlocales:\n  - code: en-US\n    name: English\n",
    );
    let run = site.run(&["build"]);
    run.expect_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(!site.path().join("public/en-us/search").exists());
}

#[test]
fn with_search_off_no_box_no_results_page() {
    let site = two_locales().file(
        "helpsite.yml",
        "title: T\nbase_url: https://help.example.com/\nsource_locale: en-US\nsearch: false\nlocales:\n  - code: en-US\n    name: English\n",
    );
    site.run(&["build"]).expect_ok();
    let out = site.path().join("public");
    assert!(!out.join("en-us/search").exists());
    assert!(!out.join("en-us/_search").exists());
    for page in [
        "en-us/index.html",
        "en-us/guide/index.html",
        "en-us/404.html",
        "404.html",
    ] {
        let html = read(out.join(page));
        assert!(search_forms(&html).is_empty(), "{page}: {html}");
    }
}

/// A copy of the built-in theme with `templates/search-box.html` replaced by `box_template`.
fn theme_with_box(site: Site, box_template: &str) -> Site {
    for (rel, bytes) in helpsite::render::theme::BUILTIN {
        if *rel != "templates/search-box.html" {
            crate::support::write_bytes(site.path(), &format!("theme/{rel}"), bytes);
        }
    }
    site.file("theme/templates/search-box.html", box_template).file(
        "helpsite.yml",
        "title: T\nbase_url: https://help.example.com/\nsource_locale: en-US\ntheme: theme\nlocales:\n  - code: en-US\n    name: English\n  - code: ar-SA\n    name: العربية\n",
    )
}

#[test]
fn the_header_box_is_the_themes_search_box_template_in_each_locale() {
    let site = theme_with_box(
        two_locales(),
        "<form role=\"search\" class=\"search-form my-box\" action=\"{{ search.page }}\" lang=\"{{ lang.code }}\" hidden><input id=\"search-input\" placeholder=\"{{ t.search_placeholder }}\"></form>",
    );
    site.run(&["build"]).expect_ok();
    let out = site.path().join("public");
    for (page, slug, lang) in [
        ("en-us/index.html", "en-us", "en-US"),
        ("en-us/guide/index.html", "en-us", "en-US"),
        ("en-us/404.html", "en-us", "en-US"),
        ("en-us/search/index.html", "en-us", "en-US"),
        ("ar-sa/index.html", "ar-sa", "ar-SA"),
        ("ar-sa/404.html", "ar-sa", "ar-SA"),
    ] {
        let html = read(out.join(page));
        let mine: Vec<&str> = search_forms(&html)
            .into_iter()
            .filter(|f| f.contains("my-box"))
            .collect();
        assert_eq!(mine.len(), 1, "{page}: {html}");
        assert!(
            mine[0].contains(&format!("action=\"/{slug}/search/\"")),
            "{page}: {mine:?}"
        );
        assert!(
            mine[0].contains(&format!("lang=\"{lang}\"")),
            "{page}: {mine:?}"
        );
    }
    // The locale's own UI strings, escaped as in any template.
    let ar = read(out.join("ar-sa/guide/index.html"));
    assert!(ar.contains("placeholder=\"ابحث في هذا الموقع\""), "{ar}");
}

#[test]
fn a_broken_search_box_template_fails_the_build_like_any_template() {
    let site = theme_with_box(
        two_locales(),
        "<form>{{ search.page | no_such_filter }}</form>",
    );
    let run = site.run(&["build"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error: Failed to render 'search-box.html': Filter 'no_such_filter' not found [template]"),
        "{}",
        run.stderr
    );
    assert!(!site.path().join("public").exists());
}
