//! `helpsite check` on a site with planted faults: exactly those findings, each at its
//! `file:line:col`, in text and JSON; levels from `checks:`; `--strict`; redirects.

use crate::support::{run_in, write, Site};

/// The planted faults: (kind, file:line:col).
const PLANTED: &[(&str, &str)] = &[
    ("redirect", ".openpublishing.redirection.json:4:22"),
    ("orphan_page", "content/en-us/guide/orphan.md:2:8"),
    ("missing_anchor", "content/en-us/guide/setup.md:8:9"),
    ("missing_include", "content/en-us/guide/setup.md:10:1"),
    ("missing_image", "content/en-us/guide/setup.md:12:1"),
    ("broken_link", "content/en-us/index.md:6:44"),
    ("broken_link", "content/en-us/index.md:8:10"),
    ("toc", "content/en-us/toc.yml:8:13"),
    ("missing_anchor", "content/sv-se/guide/setup.md:9:9"),
];

/// The fault fixture with its two errors (redirect loop, missing include) fixed, so it builds.
fn faults_without_errors() -> Site {
    let site = Site::fixture("check-faults");
    write(
        site.path(),
        ".openpublishing.redirection.json",
        "{ \"redirections\": [] }",
    );
    write(
        site.path(),
        "content/en-us/includes/steps.md",
        "1. Step one.\n",
    );
    site
}

#[test]
fn reports_exactly_the_planted_faults_in_json() {
    let site = Site::fixture("check-faults");
    let run = run_in(site.path(), &["check", "--format", "json"]);
    run.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut found: Vec<(String, String)> = crate::support::json_findings(&run.stdout)
        .into_iter()
        .map(|(kind, _, at, _)| (kind, at))
        .collect();
    found.sort();
    let mut want: Vec<(String, String)> = PLANTED
        .iter()
        .map(|(k, p)| (k.to_string(), p.to_string()))
        .collect();
    want.sort();
    assert_eq!(found, want);
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(v["summary"]["warnings"], 7);
    insta::assert_snapshot!("check_faults_json", run.stdout);
}

#[test]
fn text_output_groups_and_counts() {
    let site = Site::fixture("check-faults");
    let run = run_in(site.path(), &["check"]);
    run.expect_code(1);
    assert!(run.stderr.contains(
        "2 errors (1 missing include, 1 redirect problem), 7 warnings (2 broken links, 2 missing anchors, 1 missing image, 1 table of contents problem, 1 page in no table of contents)"
    ));
    insta::assert_snapshot!("check_faults_text", run.stderr);
    // check writes nothing.
    assert!(!site.path().join("public").exists());
}

#[test]
fn levels_come_from_the_config_and_strict() {
    // Without the two errors, then with broken links made errors through `checks:`.
    let site = faults_without_errors();
    let cfg = std::fs::read_to_string(site.path().join("helpsite.yml")).unwrap();
    let run = run_in(site.path(), &["check"]);
    run.expect_code(0);
    assert_eq!(run_in(site.path(), &["check", "--strict"]).code, Some(1));
    write(
        site.path(),
        "helpsite.yml",
        &format!("{cfg}checks:\n  broken_link: error\n  orphan_page: info\n"),
    );
    let run = run_in(site.path(), &["check", "--format", "json"]);
    run.expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let levels: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().into(),
                f["level"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(levels.contains(&("broken_link".into(), "error".into())));
    assert!(
        !levels.iter().any(|(k, _)| k == "orphan_page"),
        "info findings are not listed: {levels:?}"
    );
    // An unknown check name is a configuration error.
    write(
        site.path(),
        "helpsite.yml",
        &format!("{cfg}checks:\n  brokn_link: error\n"),
    );
    let run = run_in(site.path(), &["check"]);
    run.expect_code(2);
    assert!(run.stderr.contains("helpsite.yml:10:3"), "{}", run.stderr);
}

#[test]
fn redirects_become_pages_in_every_locale() {
    let site = Site::fixture("check-faults");
    // Turn the loop into a chain a -> b -> setup, with non-breaking spaces as indentation.
    write(
        site.path(),
        ".openpublishing.redirection.json",
        "{\n\u{a0}\u{a0}\"redirections\": [\n    { \"source_path\": \"content/en-us/guide/a.md\", \"redirect_url\": \"/guide/b\" },\n    { \"source_path\": \"guide/b.md\", \"redirect_url\": \"setup.md\" },\n    { \"source_path\": \"old-home.md\", \"redirect_url\": \"https://example.com/elsewhere\" }\n  ]\n}\n",
    );
    write(
        site.path(),
        "content/en-us/includes/steps.md",
        "1. Step one.\n",
    );
    write(
        site.path(),
        "content/en-us/guide/orphan.md",
        "---\ntitle: Orphan\nredirect_from:\n  - guide/older.md\n---\n# Orphan\n",
    );
    let run = run_in(site.path(), &["build"]);
    run.expect_code(0);
    let page =
        std::fs::read_to_string(site.path().join("public/sv-se/guide/a/index.html")).unwrap();
    assert!(
        page.contains("<meta http-equiv=\"refresh\" content=\"0; url=/sv-se/guide/setup/\">"),
        "chain collapsed: {page}"
    );
    assert!(page
        .contains("<link rel=\"canonical\" href=\"https://docs.example.com/sv-se/guide/setup/\">"));
    assert!(page.contains("<a href=\"/sv-se/guide/setup/\">"));
    let older =
        std::fs::read_to_string(site.path().join("public/en-us/guide/older/index.html")).unwrap();
    assert!(older.contains("url=/en-us/guide/orphan/"));
    let rules = std::fs::read_to_string(site.path().join("public/_redirects")).unwrap();
    assert!(rules.contains("/en-us/guide/a/ /en-us/guide/setup/ 301\n"));
    assert!(rules.contains("/sv-se/old-home/ https://example.com/elsewhere 301\n"));

    // Invalid JSON is reported at its line and column; a redirect to a missing page is an error.
    write(
        site.path(),
        ".openpublishing.redirection.json",
        "{\n  \"redirections\": [\n    { \"source_path\": \"x.md\", }\n  ]\n}\n",
    );
    let run = run_in(site.path(), &["check"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains(".openpublishing.redirection.json:3:"),
        "{}",
        run.stderr
    );
    write(
        site.path(),
        ".openpublishing.redirection.json",
        "{ \"redirections\": [ { \"source_path\": \"x.md\", \"redirect_url\": \"/nope\" } ] }",
    );
    let run = run_in(site.path(), &["check"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("`x.md` redirects to `nope.md`, which does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn cross_links_and_related_articles_render() {
    let site = faults_without_errors();
    write(
        site.path(),
        "content/en-us/guide/orphan.md",
        "---\ntitle: Orphan\nrelated:\n  - guide/setup.md\n  - ./nope.md\n---\n# Orphan\n\nBack to [home](../index.md).\n",
    );
    let run = run_in(site.path(), &["build"]);
    run.expect_code(0);
    assert!(run
        .stderr
        .contains("related article `./nope.md` is not a page of this site"));
    let orphan =
        std::fs::read_to_string(site.path().join("public/en-us/guide/orphan/index.html")).unwrap();
    assert!(orphan.contains("<h2 id=\"related-title\">Related articles</h2>"));
    assert!(orphan.contains("<li><a href=\"/en-us/guide/setup/\"><bdi>Setup</bdi></a></li>"));
    let home = std::fs::read_to_string(site.path().join("public/en-us/index.html")).unwrap();
    assert!(home.contains("<h2 id=\"linked-from-title\">Pages that link here</h2>"));
    assert!(home.contains("<a href=\"/en-us/guide/orphan/\"><bdi>Orphan</bdi></a>"));
    assert!(home.contains("<a href=\"/en-us/guide/setup/\"><bdi>Setup</bdi></a>"));
    // Per locale: the Swedish home lists the Swedish setup page.
    let sv_home = std::fs::read_to_string(site.path().join("public/sv-se/index.html")).unwrap();
    assert!(sv_home.contains("<a href=\"/sv-se/guide/setup/\"><bdi>Installation</bdi></a>"));
}

#[test]
fn markdown_toc_is_read() {
    let site = faults_without_errors();
    std::fs::remove_file(site.path().join("content/en-us/toc.yml")).unwrap();
    write(
        site.path(),
        "content/en-us/TOC.md",
        "# [Home](index.md)\n# Guide\n## [Setup](guide/setup.md)\n## [Orphan no more](guide/orphan.md)\n",
    );
    let run = run_in(site.path(), &["check", "--strict"]);
    let orphan_findings = run.stderr.matches("orphan_page").count();
    assert_eq!(orphan_findings, 0, "{}", run.stderr);
    run_in(site.path(), &["build"]);
    let page =
        std::fs::read_to_string(site.path().join("public/en-us/guide/orphan/index.html")).unwrap();
    assert!(page.contains("aria-current=\"page\"><bdi>Orphan no more</bdi></a>"));
    assert!(page.contains("<summary class=\"nav-group\"><bdi>Guide</bdi></summary>"));
}
