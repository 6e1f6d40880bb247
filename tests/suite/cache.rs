//! The build cache (`.helpsite-cache/`): a rebuild reuses what did not change, writes only
//! files whose content changed, and its output is always byte for byte what a build without
//! the cache makes. Damaged, deleted or foreign cache contents only cost a full build.

use std::fs;
use std::path::Path;

use crate::support::{run_in, snapshot_tree, write, Run, Site};

/// `(reused, pages, unchanged, written)` from the `cache:` line of `build -v`.
fn cache_line(run: &Run) -> (usize, usize, usize, usize) {
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("cache: "))
        .unwrap_or_else(|| panic!("no cache line:\n{}", run.stderr));
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (n[0], n[1], n[2], n[3])
}

fn build(site: &Path) -> Run {
    let run = run_in(site, &["build", "-v"]);
    run.expect_code(0);
    run
}

/// What a build without the cache makes of the site now, in a folder of its own.
fn reference(site: &Path) -> Vec<(String, Vec<u8>)> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ref");
    run_in(
        site,
        &["build", "--no-cache", "--out", out.to_str().unwrap()],
    )
    .expect_code(0);
    snapshot_tree(&out)
}

fn assert_same_as_reference(site: &Path) {
    let got = snapshot_tree(&site.join("public"));
    let want = reference(site);
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "the same files");
    for ((name, a), (_, b)) in got.iter().zip(&want) {
        assert!(a == b, "{name} differs from a build without the cache");
    }
}

/// The names of the search files of the output (`public/en-us/_search/...`).
fn search_files(site: &Path) -> std::collections::BTreeSet<String> {
    fs::read_dir(site.join("public/en-us/_search"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn mtime(p: &Path) -> std::time::SystemTime {
    fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn a_rebuild_without_changes_reuses_everything_and_writes_nothing() {
    let dir = Site::fixture("docfx");
    let site = dir.path();
    let first = build(site);
    let (reused, pages, _, written) = cache_line(&first);
    assert_eq!(reused, 0, "an empty cache reuses nothing");
    assert!(pages > 10 && written > pages, "{}", first.stderr);
    assert!(site.join(".helpsite-cache/bodies.pack").is_file());
    assert!(site.join(".helpsite-cache/highlight.pack").is_file());
    let before = snapshot_tree(&site.join("public"));
    let page = site.join("public/en-us/snippets/index.html");
    let t = mtime(&page);
    // What a killed build left beside the output goes, even when nothing else is written.
    let leftover = site.join(".public.staging-4000000");
    fs::create_dir_all(leftover.join("en-us")).unwrap();

    let second = build(site);
    assert!(
        !leftover.exists(),
        "a killed build's staging folder is removed"
    );
    assert_eq!(
        cache_line(&second),
        (pages, pages, pages, 0),
        "{}",
        second.stderr
    );
    assert_eq!(snapshot_tree(&site.join("public")), before);
    assert_eq!(mtime(&page), t, "an unchanged page is not rewritten");
    assert_same_as_reference(site);
}

#[test]
fn edits_rerender_exactly_the_pages_that_read_the_changed_file() {
    let dir = Site::fixture("docfx");
    let site = dir.path();
    let (_, pages, _, _) = cache_line(&build(site));

    // An include: only the pages that include it render again.
    let step = site.join("content/en-us/includes/step.md");
    let text = fs::read_to_string(&step).unwrap();
    fs::write(&step, format!("{text}\nA sentence added to the step.\n")).unwrap();
    let search_before = search_files(site);
    let run = build(site);
    let (reused, _, _, written) = cache_line(&run);
    assert!(reused < pages && reused >= pages - 3, "{}", run.stderr);
    // The pages, and the search files the changed words are in (new names, and meta.json).
    let search_written = search_files(site).difference(&search_before).count() + 1;
    assert!(
        (1..=3).contains(&(written - search_written)),
        "{}",
        run.stderr
    );
    assert!(
        crate::support::read(site.join("public/en-us/include-demo/index.html"))
            .contains("A sentence added to the step.")
    );
    assert_same_as_reference(site);

    // A code snippet file (read from disk, not a Markdown page).
    let snip = site.join("content/en-us/snippets/a.ps1");
    let code = fs::read_to_string(&snip).unwrap();
    fs::write(
        &snip,
        code.replacen('\n', "\nWrite-Output 'cache test'\n", 1),
    )
    .unwrap();
    let run = build(site);
    assert_eq!(cache_line(&run).0, pages - 1, "{}", run.stderr);
    assert!(
        crate::support::read(site.join("public/en-us/snippets/index.html")).contains("cache test")
    );
    assert_same_as_reference(site);

    // A page's title is shown by links elsewhere: every body renders again.
    let target = site.join("content/en-us/target.md");
    let t = fs::read_to_string(&target).unwrap();
    let retitled = t.replacen("title: ", "title: Renamed ", 1);
    assert_ne!(t, retitled);
    fs::write(&target, retitled).unwrap();
    let run = build(site);
    assert_eq!(cache_line(&run).0, 0, "{}", run.stderr);
    assert_same_as_reference(site);
}

const CONFIG: &str = "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n";

#[test]
fn deleted_articles_leave_no_file_or_empty_folder_behind() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    write(site, "helpsite.yml", CONFIG);
    write(
        site,
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n# Home\n\n[Keep](guide/keep.md)\n",
    );
    write(
        site,
        "content/en-us/guide/keep.md",
        "---\ntitle: Keep\n---\n# Keep\n\n```json\n{\"a\": 1}\n```\n",
    );
    write(
        site,
        "content/en-us/old/gone.md",
        "---\ntitle: Gone\n---\n# Gone\n",
    );
    write(
        site,
        "content/sv-se/old/gone.md",
        "---\ntitle: Borta\n---\n# Borta\n",
    );
    build(site);
    assert!(site.join("public/sv-se/old/gone/index.html").is_file());
    // A stray file in the output folder goes too: the output is what the build makes.
    write(site, "public/en-us/stray.txt", "left here by hand");

    fs::remove_dir_all(site.join("content/en-us/old")).unwrap();
    fs::remove_dir_all(site.join("content/sv-se/old")).unwrap();
    build(site);
    assert!(!site.join("public/en-us/old").exists());
    assert!(!site.join("public/sv-se/old").exists());
    assert!(!site.join("public/en-us/stray.txt").exists());
    assert_same_as_reference(site);
}

#[test]
fn damaged_deleted_or_bypassed_caches_and_hand_edited_output_still_give_the_same_site() {
    let dir = Site::fixture("docfx");
    let site = dir.path();
    let (_, pages, _, _) = cache_line(&build(site));

    // Someone edited an output file: the next build puts the page back.
    let index = site.join("public/en-us/index.html");
    fs::write(&index, "tampered").unwrap();
    let run = build(site);
    assert_eq!(cache_line(&run).3, 1, "{}", run.stderr);
    assert_same_as_reference(site);

    // Garbage in the packs and the manifest.
    let cache = site.join(".helpsite-cache");
    for e in fs::read_dir(&cache).unwrap() {
        fs::write(e.unwrap().path(), b"HSCACHE2 but not really a cache").unwrap();
    }
    let run = build(site);
    assert_eq!(cache_line(&run).0, 0, "{}", run.stderr);
    assert_same_as_reference(site);

    // No cache at all.
    fs::remove_dir_all(&cache).unwrap();
    let run = build(site);
    assert_eq!(cache_line(&run).0, 0, "{}", run.stderr);
    assert_same_as_reference(site);

    // --no-cache neither reads nor writes it.
    fs::remove_dir_all(&cache).unwrap();
    let run = run_in(site, &["build", "-v", "--no-cache"]);
    run.expect_code(0);
    assert_eq!(cache_line(&run), (0, pages, 0, cache_line(&run).3));
    assert!(!cache.exists());

    // --cache-dir puts it elsewhere.
    let other = tempfile::tempdir().unwrap();
    let arg = other.path().join("c");
    run_in(site, &["build", "--cache-dir", arg.to_str().unwrap()]).expect_code(0);
    assert!(arg.join("bodies.pack").is_file() && !cache.exists());
}

#[test]
fn findings_are_reported_on_every_build_and_a_failed_build_changes_nothing() {
    let dir = Site::fixture("build-broken-links");
    let site = dir.path();
    let first = build(site);
    let second = build(site);
    let warnings = |r: &Run| r.stderr.matches("warning: ").count();
    assert!(warnings(&first) >= 5, "{}", first.stderr);
    assert_eq!(warnings(&first), warnings(&second), "{}", second.stderr);

    let before = snapshot_tree(&site.join("public"));
    write(
        site,
        "content/en-us/broken.md",
        "---\ntitle: Broken\n---\n# Broken\n\n[!INCLUDE [x](includes/missing.md)]\n",
    );
    let failed = run_in(site, &["build"]);
    failed.expect_code(1);
    assert_eq!(snapshot_tree(&site.join("public")), before);
    fs::remove_file(site.join("content/en-us/broken.md")).unwrap();
    let run = build(site);
    assert_eq!(cache_line(&run).3, 0, "{}", run.stderr);
    assert_same_as_reference(site);
}

#[test]
fn a_changed_toc_rewrites_the_pages_whose_navigation_shows_it() {
    let dir = Site::fixture("basic");
    let site = dir.path();
    let (_, pages, _, _) = cache_line(&build(site));
    let run = build(site);
    assert_eq!(cache_line(&run), (pages, pages, pages, 0), "{}", run.stderr);

    // Only toc.yml changes: every body is reused, but every page's sidebar is new.
    let toc = site.join("content/en-us/toc.yml");
    let text = fs::read_to_string(&toc).unwrap();
    fs::write(
        &toc,
        text.replace("name: Features", "name: Everything it does"),
    )
    .unwrap();
    let run = build(site);
    let (reused, _, unchanged, written) = cache_line(&run);
    assert_eq!(reused, pages, "{}", run.stderr);
    assert_eq!(unchanged, 0, "{}", run.stderr);
    assert!(written >= pages, "{}", run.stderr);
    assert!(
        crate::support::read(site.join("public/en-us/index.html")).contains("Everything it does")
    );
    assert_same_as_reference(site);
}

/// The `note: build cache:` lines of `build -v`.
fn notes(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("note: build cache: "))
        .collect()
}

/// Every record carries a checksum: a flipped byte anywhere in a pack or the manifest is a
/// cache miss (noted by `-v`), never different HTML. (Before, a byte flipped in a body gave
/// `class="langua=e-csharp"` on every later build.)
#[test]
fn flipped_bytes_in_the_packs_and_the_manifest_are_cache_misses() {
    let dir = Site::fixture("docfx");
    let site = dir.path();
    build(site);
    let cache = site.join(".helpsite-cache");
    let pristine = tempfile::tempdir().unwrap();
    crate::support::copy_dir(&cache, pristine.path());
    let manifest = fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("output-"))
        .expect("a manifest");
    for name in ["bodies.pack", "highlight.pack", manifest.as_str()] {
        let len = fs::metadata(cache.join(name)).unwrap().len() as usize;
        // In the header, in the first record's header, in the middle, near the end.
        for at in [12, 60, len / 2, len - 3] {
            fs::remove_dir_all(&cache).unwrap();
            crate::support::copy_dir(pristine.path(), &cache);
            let path = cache.join(name);
            let mut bytes = fs::read(&path).unwrap();
            bytes[at] ^= 0x04;
            fs::write(&path, bytes).unwrap();
            if name == "highlight.pack" {
                // The highlight pack is read only when some page's Markdown renders again.
                fs::remove_file(cache.join("bodies.pack")).unwrap();
            }
            let run = build(site);
            assert_same_as_reference(site);
            if at > 40 {
                assert!(
                    notes(&run).iter().any(|n| n.contains(name)),
                    "{name} at {at}:\n{}",
                    run.stderr
                );
            }
        }
    }
}

/// A cache file that is not a regular file (a FIFO would block the build forever) is a miss.
#[cfg(unix)]
#[test]
fn cache_files_that_are_not_regular_files_are_misses() {
    let dir = Site::fixture("docfx");
    let site = dir.path();
    build(site);
    let pack = site.join(".helpsite-cache/bodies.pack");
    fs::remove_file(&pack).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&pack)
        .status()
        .unwrap();
    assert!(made.success());
    let run = build(site);
    assert_eq!(cache_line(&run).0, 0, "{}", run.stderr);
    assert!(
        notes(&run)
            .iter()
            .any(|n| n.contains("bodies.pack is not a regular file")),
        "{}",
        run.stderr
    );
    assert_same_as_reference(site);
    // The build replaced it with a pack.
    assert!(pack.is_file());
}

/// Temp files of packs that killed builds left in the cache folder are removed.
#[test]
fn temp_files_of_killed_builds_are_removed_from_the_cache() {
    let dir = Site::fixture("basic");
    let site = dir.path();
    build(site);
    let leftover = site.join(".helpsite-cache/.bodies.pack.tmp-4000000");
    fs::write(&leftover, b"half a pack").unwrap();
    build(site);
    assert!(!leftover.exists());
}

/// A cache that cannot be written (here `--cache-dir` names a file) is a note, and the build
/// succeeds with the same output.
#[test]
fn a_cache_that_cannot_be_written_is_a_note_not_an_error() {
    let dir = Site::fixture("basic");
    let site = dir.path();
    write(site, "not-a-folder", "x");
    let run = run_in(site, &["build", "-v", "--cache-dir", "not-a-folder"]);
    run.expect_code(0);
    assert!(
        notes(&run).iter().any(|n| n.contains("cannot write")),
        "{}",
        run.stderr
    );
    assert_same_as_reference(site);
    // Without -v: no note.
    let run = run_in(site, &["build", "--cache-dir", "not-a-folder"]);
    run.expect_code(0);
    assert!(notes(&run).is_empty(), "{}", run.stderr);
}

/// An update that only removes files (an unused image deleted): nothing new to write, and
/// the file and its folder go.
#[test]
fn an_update_that_only_removes_files() {
    let dir = Site::fixture("basic");
    let site = dir.path();
    write(site, "content/en-us/extra/unused.svg", "<svg/>");
    build(site);
    assert!(site.join("public/en-us/extra/unused.svg").is_file());
    fs::remove_dir_all(site.join("content/en-us/extra")).unwrap();
    let run = build(site);
    assert_eq!(cache_line(&run).3, 0, "{}", run.stderr);
    assert!(!site.join("public/en-us/extra").exists(), "{}", run.stderr);
    assert_same_as_reference(site);
}

/// A site whose pages have findings of their own (a broken link, a missing image, a broken
/// link inside an include) and across pages (a missing anchor), all warnings.
fn site_with_findings() -> Site {
    Site::empty()
        .file(
            "helpsite.yml",
            "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
        )
        .file(
            "content/en-us/index.md",
            "---\ntitle: Home\n---\n# Home\n\n[Guide](guide.md), [setup](reference.md#setup), [gone](gone.md).\n\n![Logo](media/logo.png)\n",
        )
        .file(
            "content/en-us/guide.md",
            "---\ntitle: Guide\n---\n# Guide\n\n[!INCLUDE [step](includes/step.md)]\n\n[Home](index.md#nowhere)\n",
        )
        .file(
            "content/en-us/includes/step.md",
            "A step with [a broken link](../missing.md).\n",
        )
        .file(
            "content/en-us/reference.md",
            "---\ntitle: Reference\n---\n# Reference\n\n## Setup\n\nText.\n",
        )
}

/// The findings of a `build -v`, as printed (its timing and cache lines left out).
fn printed_findings(run: &Run) -> String {
    run.stderr
        .split("\n\n")
        .filter(|block| block.starts_with("warning") || block.starts_with("error"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn json_findings(site: &Path, cached: bool) -> String {
    let args: &[&str] = if cached {
        &["check", "--format", "json"]
    } else {
        &["check", "--format", "json", "--no-cache"]
    };
    let run = run_in(site, args);
    run.expect_code(0);
    run.stdout
}

#[test]
fn findings_are_cached_with_the_body_and_findings_across_pages_stay_current() {
    let dir = site_with_findings();
    let site = dir.path();
    let first = build(site);
    let (reused, pages, _, _) = cache_line(&first);
    assert_eq!((reused, pages), (0, 3), "{}", first.stderr);
    let findings = printed_findings(&first);
    for (kind, at) in [
        ("broken_link", "content/en-us/index.md:6:"),
        ("missing_image", "content/en-us/index.md:8:"),
        ("broken_link", "content/en-us/includes/step.md:1:"),
        ("missing_anchor", "content/en-us/guide.md:8:"),
    ] {
        assert!(
            findings.contains(&format!("[{kind}]\n --> {at}")),
            "{kind} at {at}:\n{findings}"
        );
    }

    // No change: every body and its findings come from the cache, printed and as JSON exactly
    // as a render makes them.
    let second = build(site);
    assert_eq!(cache_line(&second).0, pages, "{}", second.stderr);
    assert_eq!(printed_findings(&second), findings);
    assert_eq!(json_findings(site, true), json_findings(site, false));

    // An edit of one page renders that page only.
    write(
        site,
        "content/en-us/reference.md",
        "---\ntitle: Reference\n---\n# Reference\n\n## Setup\n\nMore text.\n",
    );
    let run = build(site);
    assert_eq!(cache_line(&run).0, pages - 1, "{}", run.stderr);
    assert_eq!(printed_findings(&run), findings);

    // A heading removed on one page: the link to it elsewhere, whose body is reused, is
    // reported.
    write(
        site,
        "content/en-us/reference.md",
        "---\ntitle: Reference\n---\n# Reference\n\nText.\n",
    );
    let run = build(site);
    assert_eq!(cache_line(&run).0, pages - 1, "{}", run.stderr);
    assert!(
        printed_findings(&run).contains("`#setup` is not an anchor on `reference.md`"),
        "{}",
        run.stderr
    );

    // The include fixed: the page that includes it loses the finding.
    write(site, "content/en-us/includes/step.md", "A step.\n");
    let run = build(site);
    assert_eq!(cache_line(&run).0, pages - 1, "{}", run.stderr);
    assert!(
        !printed_findings(&run).contains("step.md"),
        "{}",
        run.stderr
    );

    // The link target deleted: the link to it is reported.
    fs::remove_file(site.join("content/en-us/reference.md")).unwrap();
    let run = build(site);
    assert!(
        printed_findings(&run).contains("`reference.md` is not a page of this site"),
        "{}",
        run.stderr
    );
    assert_eq!(json_findings(site, true), json_findings(site, false));
    assert_same_as_reference(site);
}

#[test]
fn a_cached_finding_in_an_include_whose_front_matter_is_fixed_goes() {
    let dir = site_with_findings().file(
        "content/en-us/includes/step.md",
        "---\ntitle: [unclosed\n---\nA step.\n",
    );
    let site = dir.path();
    // Broken front matter in an include is an error: lower it so the site builds.
    let config = fs::read_to_string(site.join("helpsite.yml")).unwrap();
    write(
        site,
        "helpsite.yml",
        &format!("{config}checks:\n  front_matter: warning\n"),
    );
    let first = build(site);
    assert!(
        printed_findings(&first).contains("[front_matter]"),
        "{}",
        first.stderr
    );
    assert_eq!(printed_findings(&build(site)), printed_findings(&first));
    write(site, "content/en-us/includes/step.md", "A step.\n");
    let run = build(site);
    assert!(
        !printed_findings(&run).contains("[front_matter]"),
        "{}",
        run.stderr
    );
}
