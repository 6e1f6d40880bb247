//! `build --report FILE`: per locale, the pages a build added, changed and removed in its
//! output, each with its URL and source file, as the build cache knows them.

use serde_json::{json, Value};

use crate::support::{read, write, Site};

const CONFIG: &str = "title: T\nbase_url: https://docs.example.com/help/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n";
const TOC: &str = "- name: Home\n  href: index.md\n- name: Guide\n  href: guide.md\n- name: Old\n  href: old.md\n";

fn site() -> Site {
    Site::empty()
        .file("helpsite.yml", CONFIG)
        .file("content/en-us/toc.yml", TOC)
        .file("content/en-us/index.md", "---\ntitle: Home\n---\n# Home\n")
        .file(
            "content/en-us/guide.md",
            "---\ntitle: Guide\n---\n# Guide\n",
        )
        .file("content/en-us/old.md", "---\ntitle: Old\n---\n# Old\n")
        .file("content/sv-se/index.md", "---\ntitle: Hem\n---\n# Hem\n")
}

/// `helpsite build --report report.json`, then the report.
fn build(site: &Site, extra: &[&str]) -> Value {
    let mut args = vec!["build", "--report", "report.json"];
    args.extend_from_slice(extra);
    site.run(&args).expect_ok();
    serde_json::from_str(&read(site.path().join("report.json"))).expect("JSON")
}

fn page(url: &str, source: &str) -> Value {
    json!({ "url": url, "source": source })
}

fn lists(added: &[Value], changed: &[Value], removed: &[Value]) -> Value {
    json!({ "added": added, "changed": changed, "removed": removed })
}

#[test]
fn a_first_build_adds_every_page_and_a_rebuild_without_changes_none() {
    let site = site();
    let first = build(&site, &[]);
    assert_eq!(first["version"], 1);
    assert_eq!(first["previous_build"], false);
    assert_eq!(
        first["locales"]["sv-SE"],
        lists(
            &[
                page("/help/sv-se/", "content/sv-se/index.md"),
                // Fallback pages: the source locale's file is rendered.
                page("/help/sv-se/guide/", "content/en-us/guide.md"),
                page("/help/sv-se/old/", "content/en-us/old.md"),
            ],
            &[],
            &[]
        )
    );
    assert_eq!(
        first["locales"]["en-US"]["added"].as_array().unwrap().len(),
        3
    );

    let again = build(&site, &[]);
    assert_eq!(
        again,
        json!({
            "version": 1,
            "previous_build": true,
            "locales": { "en-US": lists(&[], &[], &[]), "sv-SE": lists(&[], &[], &[]) },
        })
    );
}

#[test]
fn added_changed_and_removed_pages_per_locale() {
    let site = site();
    build(&site, &[]);
    write(
        site.path(),
        "content/en-us/guide.md",
        "---\ntitle: Guide\n---\n# Guide\n\nNew text.\n",
    );
    write(
        site.path(),
        "content/en-us/new.md",
        "---\ntitle: New\n---\n# New\n",
    );
    write(
        site.path(),
        "content/en-us/toc.yml",
        "- name: Home\n  href: index.md\n- name: Guide\n  href: guide.md\n- name: New\n  href: new.md\n",
    );
    std::fs::remove_file(site.path().join("content/en-us/old.md")).unwrap();
    // A translation replaces a fallback page: the same URL, changed.
    write(
        site.path(),
        "content/sv-se/guide.md",
        "---\ntitle: Guiden\n---\n# Guiden\n",
    );
    let r = build(&site, &[]);
    assert_eq!(r["previous_build"], true);
    // The TOC changed, so every page that shows it did.
    assert_eq!(
        r["locales"]["en-US"],
        lists(
            &[page("/help/en-us/new/", "content/en-us/new.md")],
            &[
                page("/help/en-us/", "content/en-us/index.md"),
                page("/help/en-us/guide/", "content/en-us/guide.md"),
            ],
            &[page("/help/en-us/old/", "content/en-us/old.md")],
        )
    );
    assert_eq!(
        r["locales"]["sv-SE"]["added"],
        json!([page("/help/sv-se/new/", "content/en-us/new.md")])
    );
    assert_eq!(
        r["locales"]["sv-SE"]["removed"],
        json!([page("/help/sv-se/old/", "content/en-us/old.md")])
    );
    assert!(r["locales"]["sv-SE"]["changed"]
        .as_array()
        .unwrap()
        .contains(&page("/help/sv-se/guide/", "content/sv-se/guide.md")));

    // One page edited: only that page changed (an in-place update).
    write(
        site.path(),
        "content/en-us/new.md",
        "---\ntitle: New\n---\n# New\n\nMore.\n",
    );
    let r = build(&site, &[]);
    assert_eq!(
        r["locales"]["en-US"],
        lists(
            &[],
            &[page("/help/en-us/new/", "content/en-us/new.md")],
            &[]
        )
    );
    // Its fallback page in sv-SE shows the same text.
    assert_eq!(
        r["locales"]["sv-SE"],
        lists(
            &[],
            &[page("/help/sv-se/new/", "content/en-us/new.md")],
            &[]
        )
    );
}

#[test]
fn without_the_cache_every_page_is_added_and_a_failed_build_writes_no_report() {
    let site = site();
    build(&site, &[]);
    let r = build(&site, &["--no-cache"]);
    assert_eq!(r["previous_build"], false);
    assert_eq!(r["locales"]["en-US"]["added"].as_array().unwrap().len(), 3);

    std::fs::remove_file(site.path().join("report.json")).unwrap();
    write(
        site.path(),
        "content/en-us/guide.md",
        "---\ntitle: [\n---\n# Guide\n",
    );
    let run = site.run(&["build", "--report", "report.json"]);
    run.expect_code(1);
    assert!(!site.path().join("report.json").exists());
}

#[test]
fn a_report_that_cannot_be_written_is_exit_2() {
    let site = site();
    let run = site.run(&["build", "--report", "no-such-folder/report.json"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("error: cannot write the report:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> no-such-folder/report.json"));
}
