//! Sharding: `build --locale CODE` builds some locales into the same layout as a full build,
//! so locales built on separate machines merge (by copying the folders together) into
//! exactly the full site, each finding reported by one shard.

use std::fs;
use std::path::Path;

use crate::support::{copy_dir, run_in, snapshot_tree, write, Site};

const CONFIG: &str = "title: Shards\nbase_url: https://docs.example.com/help/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n  - code: ar-SA\n    name: العربية\n";

fn site() -> Site {
    let dir = Site::empty();
    let d = dir.path();
    write(d, "helpsite.yml", CONFIG);
    write(
        d,
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n# Home\n\nSee [the guide](guide.md), [nowhere](missing.md) and ![logo](media/logo.svg).\n",
    );
    write(
        d,
        "content/en-us/guide.md",
        "---\ntitle: Guide\nredirect_from:\n  - old-guide.md\n---\n# Guide\n\n```powershell\nGet-Item .\n```\n",
    );
    write(
        d,
        "content/en-us/media/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(
        d,
        "content/sv-se/index.md",
        "---\ntitle: Hem\n---\n# Hem\n\nSe [guiden](guide.md) och [ingenstans](saknas.md).\n",
    );
    write(
        d,
        "content/sv-se/media/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>sv</title></svg>",
    );
    write(
        d,
        "content/ar-sa/index.md",
        "---\ntitle: الرئيسية\n---\n# الرئيسية\n",
    );
    dir
}

/// Warning and error lines of a build's standard error, sorted.
fn findings(stderr: &str) -> Vec<String> {
    let mut v: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: ") || l.starts_with("error: "))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

fn build(site: &Path, out: &Path, locales: &[&str]) -> crate::support::Run {
    let mut args = vec!["build", "--out", out.to_str().unwrap()];
    for l in locales {
        args.extend(["--locale", l]);
    }
    let run = run_in(site, &args);
    run.expect_code(0);
    run
}

#[test]
fn shards_merge_into_the_full_site_and_share_out_the_findings() {
    let dir = site();
    let d = dir.path();
    let outs = tempfile::tempdir().unwrap();
    let o = outs.path();
    let full = build(d, &o.join("full"), &[]);
    let full_findings = findings(&full.stderr);
    assert_eq!(full_findings.len(), 2, "{}", full.stderr);

    let mut shard_findings = Vec::new();
    for (name, locales) in [("a", &["en-US"][..]), ("b", &["sv-se", "AR-SA"][..])] {
        let run = build(d, &o.join(name), locales);
        shard_findings.extend(findings(&run.stderr));
        copy_dir(&o.join(name), &o.join("merged"));
    }
    shard_findings.sort();
    assert_eq!(shard_findings, full_findings, "each finding once");
    assert_eq!(
        snapshot_tree(&o.join("merged")),
        snapshot_tree(&o.join("full"))
    );

    // A shard holds only its locales' pages and assets, with the shared files.
    let b: Vec<String> = crate::support::list_files(&o.join("b"));
    assert!(b.iter().all(|f| !f.starts_with("en-us/")), "{b:?}");
    assert!(b.contains(&"sv-se/media/logo.svg".to_string()));
    assert!(b.contains(&"sv-se/sitemap.xml".to_string()));
    assert!(b.contains(&"ar-sa/index.html".to_string()));
    // sv-SE has no guide: its fallback page is in the shard, shown in Swedish chrome.
    assert!(b.contains(&"sv-se/guide/index.html".to_string()));
    // The index names every locale's sitemap, whichever shard wrote it.
    let index = fs::read_to_string(o.join("b/sitemap.xml")).unwrap();
    assert!(index.contains("<loc>https://docs.example.com/help/en-us/sitemap.xml</loc>"));
    // The language switcher of a shard's page knows the other locales' pages.
    let sv = fs::read_to_string(o.join("b/sv-se/index.html")).unwrap();
    assert!(sv.contains("href=\"/help/en-us/\""), "{sv}");
}

#[test]
fn a_shards_cache_never_leaks_into_a_full_build() {
    let dir = site();
    let d = dir.path();
    let outs = tempfile::tempdir().unwrap();
    let o = outs.path();
    // Shard first, then the whole site into the same folder, with the same cache.
    build(d, &o.join("out"), &["sv-SE"]);
    build(d, &o.join("out"), &[]);
    run_in(
        d,
        &[
            "build",
            "--no-cache",
            "--out",
            o.join("ref").to_str().unwrap(),
        ],
    )
    .expect_code(0);
    assert_eq!(snapshot_tree(&o.join("out")), snapshot_tree(&o.join("ref")));
    // And back: the shard replaces the folder with its own files.
    build(d, &o.join("out"), &["ar-SA"]);
    assert!(!o.join("out/en-us").exists() && o.join("out/ar-sa/index.html").is_file());
}

#[test]
fn an_unknown_locale_is_a_configuration_error() {
    let dir = site();
    let run = run_in(dir.path(), &["build", "--locale", "de-DE"]);
    run.expect_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: `--locale de-DE` is not a locale of this site [config]
     --> helpsite.yml
    help: the site's locales are en-US, sv-SE, ar-SA
    ");
    assert!(!dir.path().join("public").exists());
}
