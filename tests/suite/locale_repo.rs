//! Localized DocFX repositories (issue 16): `tests/fixtures/locale-repo` is a locale
//! repository modelled on Microsoft's (`microsoft-365-docs-pr.nl-NL`): a publish configuration
//! naming its source-language repository as a dependent repository at `_repo.en-us`, where the
//! publishing system clones it, and no media. Its include, one image, one page and the TOC
//! entry for that page exist only in the source repository.

use std::path::Path;

use crate::support::{attr_values, fixtures_dir, list_files, read, run_in};

fn repo() -> std::path::PathBuf {
    fixtures_dir().join("locale-repo")
}

/// `helpsite build --site REPO --out TMP/out [args]`, run in a temporary folder.
fn build(args: &[&str]) -> (tempfile::TempDir, crate::support::Run) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let site = repo();
    let mut all = vec![
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-cache",
    ];
    all.extend_from_slice(args);
    let run = run_in(tmp.path(), &all);
    (tmp, run)
}

/// Every site-internal `href`/`src` of every HTML file under `out` that names a file inside
/// it, except links to `skip` (another locale's pages).
fn unresolved(out: &Path, skip: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for f in list_files(out).iter().filter(|f| f.ends_with(".html")) {
        let html = read(out.join(f));
        for attr in ["href", "src"] {
            for v in attr_values(&html, attr) {
                if !v.starts_with('/') || v.starts_with("//") || v.starts_with(skip) {
                    continue;
                }
                let path = v.split(['?', '#']).next().unwrap().trim_start_matches('/');
                let path = if path.is_empty() || path.ends_with('/') {
                    format!("{path}index.html")
                } else {
                    path.to_string()
                };
                if !out.join(&path).is_file() {
                    bad.push(format!("{f}: {attr}={v}"));
                }
            }
        }
    }
    bad
}

#[test]
fn a_locale_repository_finds_its_source_repository_and_falls_back_per_file() {
    let (tmp, run) = build(&[]);
    run.expect_ok();
    let out = tmp.path().join("out");
    // Both locales, the source one from `_repo.en-us`; nothing of `_repo.en-us` is published
    // as part of the locale.
    assert!(out.join("en-us/contoso/admin/setup/index.html").is_file());
    assert!(out.join("nl-nl/contoso/admin/setup/index.html").is_file());
    assert!(!list_files(&out).iter().any(|f| f.contains("_repo")));
    let setup = read(out.join("nl-nl/contoso/admin/setup/index.html"));
    // The locale's own text...
    assert!(setup.contains("Uw tenant instellen"));
    // ...with the include it lacks taken from the source repository...
    assert!(setup.contains("You need the administrator role"), "{setup}");
    // ...the image it lacks at the locale-neutral path...
    assert!(
        setup.contains(r#"src="/_shared/contoso/media/setup.png""#),
        "{setup}"
    );
    // ...and the page it lacks published as the source page in its chrome.
    assert!(setup.contains(r#"href="/nl-nl/contoso/admin/audit/">controleert u aanmeldingen</a>"#));
    let audit = read(out.join("nl-nl/contoso/admin/audit/index.html"));
    assert!(audit.contains("The sign-in log keeps 30 days"));
    // The TOC entry for it leads there.
    assert!(audit.contains(r#"href="/nl-nl/contoso/admin/audit/""#));
    assert!(!run.stderr.contains("[broken_link]") && !run.stderr.contains("[missing_image]"));
}

#[test]
fn a_shard_of_the_locale_alone_holds_every_file_its_pages_use() {
    let (tmp, run) = build(&["--locale", "nl-NL"]);
    run.expect_ok();
    let out = tmp.path().join("out");
    assert!(!out.join("en-us").exists());
    assert!(out.join("_shared/contoso/media/setup.png").is_file());
    let bad = unresolved(&out, "/en-us/");
    assert!(
        bad.is_empty(),
        "unresolved inside the shard:\n{}",
        bad.join("\n")
    );
}

#[test]
fn shards_copied_together_equal_the_full_build() {
    let (full, run) = build(&[]);
    run.expect_ok();
    let merged = tempfile::tempdir().unwrap();
    for code in ["en-US", "nl-NL"] {
        let (shard, run) = build(&["--locale", code]);
        run.expect_ok();
        crate::support::copy_dir(&shard.path().join("out"), merged.path());
    }
    let a = crate::support::snapshot_tree(&full.path().join("out"));
    let b = crate::support::snapshot_tree(merged.path());
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b));
    assert!(
        a == b,
        "a file differs between the full build and the merged shards"
    );
}

#[test]
fn without_its_source_repository_a_missing_file_is_not_in_repository_not_broken() {
    // The locale repository alone, as most are cloned: `_repo.en-us` is not there.
    let tmp = tempfile::tempdir().unwrap();
    crate::support::copy_dir(&repo(), tmp.path());
    std::fs::remove_dir_all(tmp.path().join("_repo.en-us")).unwrap();
    let run = run_in(tmp.path(), &["check", "-v", "--format", "json"]);
    run.expect_ok();
    let text = run_in(tmp.path(), &["check", "-v"]).stderr;
    // The include, the image, the page link and the TOC entry the locale lacks: each may be
    // in the source repository, which this run cannot see.
    for what in [
        "`../media/setup.png` is not in this repository; the publishing system looks for it in the source repository `_repo.en-us`, which is not here [not_in_repository]",
        "`audit.md` is not in this repository",
        "TOC entry `Aanmeldingen controleren` links to `admin/audit.md`, which is not in this repository",
    ] {
        assert!(text.contains(what), "missing {what}\n{text}");
    }
    assert!(
        !text.contains("[broken_link]")
            && !text.contains("[missing_image]")
            && !text.contains("[toc]"),
        "{text}"
    );
}
