//! Nothing lost: a build killed (SIGKILL) at any step, or failing as on a full disk, leaves
//! the previous output or the new one, byte for byte, and the next build clears what it left.
//!
//! Kills are aimed with the binary's test-only stop points (`HELPSITE_TEST_STOP_AT`, see
//! `src/write/mod.rs`): the build stops itself (SIGSTOP) at the named step, the test sees it
//! stopped in `/proc`, checks the output and kills it. No timing is involved, so the test
//! behaves the same on a loaded 2-core machine.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{snapshot_tree, write};

const CONFIG: &str = "title: Kill Test
base_url: https://help.example.com/
source_locale: en-US
locales:
  - code: en-US
    name: English
";

const PAGES: usize = 24;

type Tree = Vec<(String, Vec<u8>)>;

fn page(i: usize, version: &str) -> String {
    format!(
        "---\ntitle: Page {i}\n---\n# Page {i}\n\n{version} words about page {i}.\n\n```powershell\nGet-Item -Path C:\\temp\\{i}\n```\n"
    )
}

/// The sources of the old site or the new one. The new one changes a third of the pages,
/// deletes an article and adds one in a new folder.
fn set_sources(site: &Path, new: bool) {
    write(site, "helpsite.yml", CONFIG);
    write(
        site,
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n# Home\n",
    );
    for i in 0..PAGES {
        let version = if new && i % 3 == 0 { "New" } else { "Old" };
        write(
            site,
            &format!("content/en-us/part-{}/page-{i}.md", i / 8),
            &page(i, version),
        );
    }
    let deleted = site.join("content/en-us/deleted.md");
    let added = site.join("content/en-us/added/page.md");
    if new {
        let _ = fs::remove_file(deleted);
        write(
            site,
            "content/en-us/added/page.md",
            "---\ntitle: Added\n---\n# Added\n",
        );
    } else {
        write(
            site,
            "content/en-us/deleted.md",
            "---\ntitle: Deleted later\n---\n# Deleted later\n",
        );
        let _ = fs::remove_dir_all(added.parent().unwrap());
    }
}

struct Case {
    _tmp: tempfile::TempDir,
    site: PathBuf,
    out: PathBuf,
    cache: PathBuf,
}

impl Case {
    /// The old site built (with the cache) into `out`, and the sources changed to the new one.
    fn new() -> Case {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let out = tmp.path().join("outdir/public");
        let cache = tmp.path().join("cache");
        let case = Case {
            _tmp: tmp,
            site,
            out,
            cache,
        };
        set_sources(&case.site, false);
        let o = case.command(&[], None).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        set_sources(&case.site, true);
        case
    }

    fn command(&self, extra: &[&str], stop_at: Option<&str>) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_helpsite"));
        c.arg("build")
            .arg("--site")
            .arg(&self.site)
            .arg("--out")
            .arg(&self.out)
            .arg("--cache-dir")
            .arg(&self.cache)
            .args(extra)
            .env("NO_COLOR", "1")
            .env_remove("HELPSITE_TEST_FAIL_AT")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        match stop_at {
            Some(step) => c.env("HELPSITE_TEST_STOP_AT", step),
            None => c.env_remove("HELPSITE_TEST_STOP_AT"),
        };
        c
    }

    /// Starts a build that stops itself at `step`, waits until it has, and kills it.
    fn kill_at(&self, extra: &[&str], step: &str) {
        let mut child = self.command(extra, Some(step)).spawn().unwrap();
        wait_stopped(&mut child, step);
        child.kill().unwrap();
        assert!(!child.wait().unwrap().success());
    }

    fn build_ok(&self, extra: &[&str]) -> String {
        let o = self.command(extra, None).output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "build failed:\n{stderr}");
        stderr
    }

    /// Names beside the output and in the cache folder that a build left behind.
    fn leftovers(&self) -> Vec<String> {
        let mut found: Vec<String> = fs::read_dir(self.out.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "public")
            .collect();
        if let Ok(d) = fs::read_dir(&self.cache) {
            found.extend(
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.contains(".tmp-")),
            );
        }
        found
    }
}

/// Waits (a minute at most, as a safety net) until `child` has stopped itself at `step`.
fn wait_stopped(child: &mut Child, step: &str) {
    let stat = format!("/proc/{}/stat", child.id());
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("the build ended ({status}) without reaching step `{step}`:\n{err}");
        }
        let state = fs::read_to_string(&stat).unwrap_or_default();
        // The state follows the command name in parentheses: `T` is stopped.
        if state
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('T'))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the build never reached `{step}`"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Every folder under `root` that holds nothing.
fn empty_folders(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut any = false;
        for e in fs::read_dir(&d).unwrap().flatten() {
            any = true;
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
        if !any {
            found.push(d);
        }
    }
    found
}

/// What builds of the old and the new sources make (without the cache, in folders of their
/// own): the only two states a kill may leave.
fn references() -> (Tree, Tree) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let mut trees = Vec::new();
    for new in [false, true] {
        set_sources(&site, new);
        let out = tmp.path().join(format!("ref-{new}"));
        let o = Command::new(env!("CARGO_BIN_EXE_helpsite"))
            .args(["build", "--no-cache", "--site"])
            .arg(&site)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        trees.push(snapshot_tree(&out));
    }
    let new = trees.pop().unwrap();
    (trees.pop().unwrap(), new)
}

fn which(tree: &Tree, old: &Tree, new: &Tree) -> &'static str {
    if tree == old {
        "old"
    } else if tree == new {
        "new"
    } else {
        "a mix"
    }
}

/// Kills a build at `step`, checks the output right after (`now`) and once the next build has recovered (`recovered`), then lets a
/// build finish: the new site, nothing left behind.
fn kill_case(extra: &[&str], step: &str, now: &str, recovered: &str, refs: &(Tree, Tree)) {
    let (old, new) = refs;
    let case = Case::new();
    assert_eq!(which(&snapshot_tree(&case.out), old, new), "old");
    case.kill_at(extra, step);
    let got = which(&snapshot_tree(&case.out), old, new);
    assert_eq!(got, now, "killed at `{step}`: the output is {got}");
    // The next build recovers first; stopped right after, the output is a whole site.
    case.kill_at(&[], "recovered");
    let got = which(&snapshot_tree(&case.out), old, new);
    assert_eq!(
        got, recovered,
        "killed at `{step}`, then recovered: the output is {got}"
    );
    assert!(
        !case.leftovers().iter().any(|n| n.contains(".update-")),
        "{:?}",
        case.leftovers()
    );
    assert_eq!(empty_folders(&case.out), Vec::<PathBuf>::new());

    case.build_ok(&[]);
    assert_eq!(
        which(&snapshot_tree(&case.out), old, new),
        "new",
        "after `{step}`"
    );
    assert_eq!(case.leftovers(), Vec::<String>::new(), "after `{step}`");
    assert_eq!(empty_folders(&case.out), Vec::<PathBuf>::new());
}

#[test]
fn a_killed_staging_build_leaves_the_old_site_or_the_new_one() {
    let refs = references();
    for (step, now) in [
        ("staging-created", "old"),
        ("staging-written", "old"),
        ("swapped", "new"),
    ] {
        kill_case(&["--no-cache"], step, now, now, &refs);
    }
}

#[test]
fn a_killed_in_place_update_is_finished_or_undone_by_the_next_build() {
    let refs = references();
    // Before the journal exists the output is untouched; once it does, every new file is
    // complete and the next build finishes the update.
    kill_case(&[], "update-written", "old", "old", &refs);
    kill_case(&[], "update-journal", "old", "new", &refs);
    // Killed while files are put in place, the output is a mix until the next build starts.
    for n in [1, 2, 5, 9] {
        kill_case(&[], &format!("update-rename-{n}"), "a mix", "new", &refs);
    }
    kill_case(&[], "update-renamed", "new", "new", &refs);
}

#[test]
fn a_failed_in_place_update_leaves_the_old_site_and_no_trace() {
    let (old, new) = references();
    for step in ["update-written", "update-rename-1", "update-rename-7"] {
        let case = Case::new();
        let o = case
            .command(&[], None)
            .env("HELPSITE_TEST_FAIL_AT", step)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("injected failure"), "{stderr}");
        assert_eq!(
            which(&snapshot_tree(&case.out), &old, &new),
            "old",
            "{step}"
        );
        assert_eq!(case.leftovers(), Vec::<String>::new(), "{step}");
        assert_eq!(empty_folders(&case.out), Vec::<PathBuf>::new(), "{step}");
        case.build_ok(&[]);
        assert_eq!(
            which(&snapshot_tree(&case.out), &old, &new),
            "new",
            "{step}"
        );
    }
}
