//! Nothing lost: a build killed (SIGKILL) at any moment leaves the previous output intact, byte
//! for byte, and the next successful build clears the killed builds' staging folders and drops
//! the pages of deleted articles.

mod common;

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{list_files, write};

const CONFIG: &str = "title: Kill Test
base_url: https://help.example.com/
source_locale: en-US
locales:
  - code: en-US
    name: English
";

/// Path -> hash of the bytes, for every file under `root`.
fn hashes(root: &Path) -> BTreeMap<String, u64> {
    list_files(root)
        .into_iter()
        .map(|rel| {
            let mut h = DefaultHasher::new();
            fs::read(root.join(&rel)).unwrap().hash(&mut h);
            (rel, h.finish())
        })
        .collect()
}

fn helpsite(site: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_helpsite"));
    c.arg("build")
        .arg("--site")
        .arg(site)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn build_ok(site: &Path, out: &Path) -> Duration {
    let t = Instant::now();
    let o = helpsite(site, out).output().unwrap();
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    t.elapsed()
}

/// Folders beside the output left by builds: `.public.staging-PID`, `.public.old-PID`.
fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect()
}

fn page_rel(i: usize) -> String {
    format!("part-{}/page-{i}.md", i / 50)
}

fn page(i: usize) -> String {
    format!(
        "---\ntitle: Page {i}\nms.date: 01/02/2026\n---\n# Page {i}\n\n## Part one\n\n{}\n\nSee [the next page](/{}) and [part two](#part-two).\n\n## Part two\n\n```powershell\nGet-Item -Path C:\\temp\\{i}\n```\n\n> [!NOTE]\n> A note on page {i}.\n",
        "Some words about the page. ".repeat(20),
        page_rel((i + 1) % 3000)
    )
}

#[test]
fn killed_builds_leave_the_previous_site_and_the_next_build_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let parent = tmp.path().join("outdir");
    let out = parent.join("public");
    fs::create_dir_all(&parent).unwrap();

    // The good site: a few pages, one of which will be deleted.
    write(&site, "helpsite.yml", CONFIG);
    write(
        &site,
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n# Home\n",
    );
    write(
        &site,
        "content/en-us/deleted.md",
        "---\ntitle: Deleted later\n---\n# Deleted later\n",
    );
    build_ok(&site, &out);
    let good = hashes(&out);
    assert!(good.contains_key("en-us/deleted/index.html"));

    // A larger site: 3,000 pages in 60 folders (a flat folder of 3,000 would make every
    // page's navigation list 3,000 entries), and the deleted article gone.
    fs::remove_file(site.join("content/en-us/deleted.md")).unwrap();
    for i in 0..3000 {
        write(&site, &format!("content/en-us/{}", page_rel(i)), &page(i));
    }
    // How long a whole build of it takes (into another folder), to aim kills at every phase.
    let full = build_ok(&site, &tmp.path().join("timing/public"));
    let full_ms = full.as_millis() as u64;
    eprintln!("a full build of 3,000 pages takes {full:?}");

    let mut moments: Vec<u64> = vec![5, 20, 60, 150];
    moments.extend([25, 50, 75, 90, 97].map(|pct| full_ms * pct / 100));
    let mut killed = 0;
    for ms in moments {
        let mut child = helpsite(&site, &out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        if child.try_wait().unwrap().is_some() {
            // It finished before the kill: the output is the new site; start over from the
            // good one so the next kill still has something to protect.
            eprintln!("the build at {ms} ms finished before the kill");
            fs::remove_dir_all(&out).unwrap();
            build_ok_into_good_state(&site, &out);
            continue;
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success());
        killed += 1;
        let now = hashes(&out);
        assert_eq!(
            now.len(),
            good.len(),
            "killed after {ms} ms: the file list changed"
        );
        assert!(now == good, "killed after {ms} ms: the output changed");
    }
    assert!(killed >= 4, "only {killed} builds were killed mid-way");

    // A successful build replaces the output, removes the killed builds' staging folders and
    // the page of the deleted article.
    build_ok(&site, &out);
    assert_eq!(leftovers(&parent), Vec::<String>::new());
    assert!(!out.join("en-us/deleted").exists());
    assert!(out.join("en-us/part-59/page-2999/index.html").is_file());
}

/// Restores the good state used by the kill loop: the small site's output. Used only when a
/// build outran its kill; the site on disk is the large one, so this rebuilds from a copy.
fn build_ok_into_good_state(site: &Path, out: &Path) {
    let small = site.parent().unwrap().join("small-site");
    if !small.exists() {
        write(&small, "helpsite.yml", CONFIG);
        write(
            &small,
            "content/en-us/index.md",
            "---\ntitle: Home\n---\n# Home\n",
        );
        write(
            &small,
            "content/en-us/deleted.md",
            "---\ntitle: Deleted later\n---\n# Deleted later\n",
        );
    }
    build_ok(&small, out);
}
