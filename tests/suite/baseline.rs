//! `check --write-baseline FILE` and `check --baseline FILE`: a site with known findings, then
//! edited the ways a writer edits it (text moved, a problem repeated, one fixed, an
//! informational finding added, the baseline file broken), and what the check says and exits.

use crate::support::{read, write, Site};

const CONFIG: &str = "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n";
const TOC: &str = "- name: Home\n  href: index.md\n- name: Guide\n  href: guide.md\n";
/// Two identical broken links (one message, one line text) and a missing anchor.
const GUIDE: &str = "---\ntitle: Guide\n---\n# Guide\n\nIntro.\n\nSee [Setup](setup.md).\n\nMore text.\n\nSee [Setup](setup.md).\n\nAnd [home](index.md#nowhere).\n";

/// The site with its baseline written to `known.yml`.
fn site_with_baseline() -> Site {
    let site = Site::empty()
        .file("helpsite.yml", CONFIG)
        .file("content/en-us/toc.yml", TOC)
        .file("content/en-us/index.md", "---\ntitle: Home\n---\n# Home\n")
        .file("content/en-us/guide.md", GUIDE);
    let run = site.run(&["check", "--write-baseline", "known.yml"]);
    run.expect_ok();
    assert!(
        run.stderr
            .contains("wrote a baseline of 3 findings to known.yml"),
        "{}",
        run.stderr
    );
    site
}

fn edit_guide(site: &Site, f: impl FnOnce(&str) -> String) {
    let path = site.path().join("content/en-us/guide.md");
    let text = read(&path);
    write(site.path(), "content/en-us/guide.md", &f(&text));
}

/// The findings printed (their `kind` tags), in order.
fn printed_kinds(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("warning: ") || l.starts_with("error: "))
        .filter_map(|l| l.rsplit_once(" [").map(|(_, k)| k.trim_end_matches(']')))
        .collect()
}

#[test]
fn an_unchanged_site_has_no_new_findings() {
    let site = site_with_baseline();
    // Without the baseline, the warnings are reported; with it, none is.
    assert_eq!(printed_kinds(&site.run(&["check"]).stderr).len(), 3);
    let run = site.run(&["check", "--baseline", "known.yml"]);
    run.expect_ok();
    assert_eq!(printed_kinds(&run.stderr), Vec::<&str>::new());
    assert!(run
        .stderr
        .contains("baseline known.yml: 0 new findings, 3 known findings not shown\n"));
}

#[test]
fn moved_text_is_not_new() {
    let site = site_with_baseline();
    // 30 lines above every finding, the last ones right above the first broken link (so its
    // neighbouring line changed too), and the whitespace of a finding's line changed.
    edit_guide(&site, |t| {
        let filler: String = (0..30).map(|i| format!("Filler line {i}.\n")).collect();
        t.replace("Intro.\n\n", &format!("Intro.\n\n{filler}"))
            .replace("And [home]", "And   [home]")
    });
    let run = site.run(&["check", "--baseline", "known.yml"]);
    run.expect_ok();
    assert_eq!(printed_kinds(&run.stderr), Vec::<&str>::new());
    assert!(run.stderr.contains("0 new findings, 3 known findings"));
    assert!(!run.stderr.contains("gone"));
}

#[test]
fn one_more_identical_finding_is_one_new() {
    let site = site_with_baseline();
    edit_guide(&site, |t| format!("{t}\nSee [Setup](setup.md).\n"));
    let run = site.run(&["check", "--baseline", "known.yml"]);
    run.expect_code(1);
    assert_eq!(printed_kinds(&run.stderr), vec!["broken_link"]);
    assert!(run
        .stderr
        .contains("baseline known.yml: 1 new finding, 3 known findings not shown\n"));
}

#[test]
fn a_removed_finding_is_counted_as_gone() {
    let site = site_with_baseline();
    edit_guide(&site, |t| t.replacen("See [Setup](setup.md).\n", "", 1));
    let run = site.run(&["check", "--baseline", "known.yml"]);
    run.expect_ok();
    assert!(
        run.stderr.contains(
            "0 new findings, 2 known findings not shown; 1 known finding is gone; run --write-baseline to tighten the file"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_new_informational_finding_does_not_fail() {
    let site = site_with_baseline();
    // A code block in a language helpsite does not know: an `unknown_language` info.
    edit_guide(&site, |t| format!("{t}\n```klingon\nqapla'\n```\n"));
    let run = site.run(&["check", "--baseline", "known.yml", "-v"]);
    run.expect_ok();
    assert!(run.stderr.contains("[unknown_language]"), "{}", run.stderr);
    assert!(run.stderr.contains("0 new findings"));
}

#[test]
fn a_new_error_fails_and_is_shown() {
    let site = site_with_baseline();
    edit_guide(&site, |t| format!("{t}\n[!INCLUDE [x](missing.md)]\n"));
    let run = site.run(&["check", "--baseline", "known.yml"]);
    run.expect_code(1);
    assert_eq!(printed_kinds(&run.stderr), vec!["missing_include"]);
}

#[test]
fn a_malformed_baseline_is_a_diagnostic_with_its_position_and_exit_2() {
    let site = site_with_baseline();
    let text =
        read(site.path().join("known.yml")).replacen("kind: broken_link", "kind: broken_lnk", 1);
    write(site.path(), "known.yml", &text);
    let line = text
        .lines()
        .position(|l| l.contains("broken_lnk"))
        .expect("edited")
        + 1;
    let run = site.run(&["check", "--baseline", "known.yml"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("error: invalid baseline: findings[0].kind: unknown variant `broken_lnk`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("--> known.yml:{line}:9")),
        "{}",
        run.stderr
    );

    // Another version, and a file that is not there.
    write(site.path(), "known.yml", "version: 7\nfindings: []\n");
    let run = site.run(&["check", "--baseline", "known.yml"]);
    run.expect_code(2);
    assert!(run
        .stderr
        .contains("baseline version 7 is not one this helpsite reads"));
    assert!(run.stderr.contains("--> known.yml:1:1"), "{}", run.stderr);
    let run = site.run(&["check", "--baseline", "absent.yml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("cannot read the baseline"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_baseline_file_is_sorted_and_reviewable() {
    let site = site_with_baseline();
    let text = read(site.path().join("known.yml"));
    insta::assert_snapshot!("baseline_file", text);
    // Written again from the same site: the same bytes.
    site.run(&["check", "--write-baseline", "known.yml"])
        .expect_ok();
    assert_eq!(read(site.path().join("known.yml")), text);
}

#[test]
fn a_baseline_that_cannot_be_written_is_exit_2() {
    let site = site_with_baseline();
    let run = site.run(&["check", "--write-baseline", "no-such-folder/known.yml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("error: cannot write the baseline:"),
        "{}",
        run.stderr
    );
}
