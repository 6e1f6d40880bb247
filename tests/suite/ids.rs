//! Element ids as DocFX makes them: a repeated id (a heading's `<a name>`, `{#id}`, a raw
//! `<a name>`, or a repeated heading text) becomes `x`, `x-1`, `x-2`..., so the page's ids are
//! unique and links to `#x-1` resolve; `#top` is the top of every page; a repeated id the
//! writer chose is a `duplicate_id` finding at level info unless `checks:` raises it. Fixture
//! `tests/fixtures/docfx-ids`, modelled on nl-NL Microsoft 365 pages where the localization
//! pipeline copied one English anchor onto several headings (`capabilities.md`).

use crate::support::{build_elsewhere, content_inner, read, Site};

/// `(kind, level, file:line:col)` of every finding in `check --format json`'s output.
fn findings(stdout: &str) -> Vec<(String, String, String)> {
    crate::support::json_findings(stdout)
        .into_iter()
        .map(|(kind, level, at, _)| (kind, level, at))
        .collect()
}

#[test]
fn repeated_ids_are_numbered_and_links_to_them_resolve() {
    let site = Site::fixture("docfx-ids");
    let built = build_elsewhere(site.path());
    assert_eq!(built.run.code, Some(0), "stderr:\n{}", built.run.stderr);
    // No warning: the links to `#x-1`, `#top` and `other.md#Top` all find their target.
    assert!(
        !built.run.stderr.contains("warning:"),
        "stderr:\n{}",
        built.run.stderr
    );
    let page = read(built.out.join("en-us/ids/index.html"));
    let html = content_inner(&page);
    insta::assert_snapshot!("ids", html);
    for id in [
        "security-settings",
        "security-settings-1",
        "security-settings-2",
        "system-settings",
        "setup",
        "setup-1",
        "bkmk_note",
        "bkmk_note-1",
    ] {
        assert_eq!(
            page.matches(&format!(" id=\"{id}\"")).count(),
            1,
            "id {id} once on the page: {html}"
        );
    }
}

#[test]
fn repeated_explicit_anchor_is_an_info_finding_that_checks_can_raise() {
    let site = Site::fixture("docfx-ids");
    // Info: shown by `-v` only, not in the JSON, not failing `--strict`.
    let run = site.run(&["check", "-v"]);
    run.expect_ok();
    let infos: Vec<&str> = run
        .stderr
        .split("\n\n")
        .filter(|d| d.contains("[duplicate_id]"))
        .collect();
    assert_eq!(infos.len(), 3, "stderr:\n{}", run.stderr);
    assert!(infos.iter().all(|d| d.starts_with("info:")), "{infos:?}");
    assert!(
        infos[0].contains("the id `security-settings` is used more than once on this page; this one is `security-settings-1`")
            && infos[0].contains("--> content/en-us/ids.md:12:1"),
        "{}",
        infos[0]
    );
    let run = site.run(&["check", "--format", "json", "--strict"]);
    run.expect_ok();
    assert!(findings(&run.stdout).is_empty(), "{}", run.stdout);

    // A site that wants every id to be unique in its sources raises the level.
    let site = site.file(
        "helpsite.yml",
        "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\nchecks: { duplicate_id: warning }\n",
    );
    let run = site.run(&["check", "--format", "json"]);
    run.expect_ok();
    assert_eq!(
        findings(&run.stdout),
        [
            ("duplicate_id", "warning", "content/en-us/ids.md:12:1"),
            ("duplicate_id", "warning", "content/en-us/ids.md:14:1"),
            ("duplicate_id", "warning", "content/en-us/ids.md:22:1"),
        ]
        .map(|(k, l, p)| (k.to_string(), l.to_string(), p.to_string())),
        "{}",
        run.stdout
    );
}

#[test]
fn top_is_a_fragment_of_every_page_but_other_missing_anchors_still_warn() {
    let site = Site::fixture("docfx-ids").file(
        "content/en-us/more.md",
        "---\ntitle: More\n---\n# More\n\n[Top](#TOP), [up](ids.md#top), [not top](#topp), [not a third](ids.md#setup-2).\n",
    );
    let run = site.run(&["check", "--format", "json"]);
    run.expect_ok();
    assert_eq!(
        findings(&run.stdout),
        [
            ("missing_anchor", "warning", "content/en-us/more.md:6:32"),
            ("missing_anchor", "warning", "content/en-us/more.md:6:50"),
        ]
        .map(|(k, l, p)| (k.to_string(), l.to_string(), p.to_string())),
        "{}",
        run.stdout
    );
}
