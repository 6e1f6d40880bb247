//! An in-place update of a live output folder: only the files whose content changed are
//! written, and the site switches from the old files to the new ones through a journal, so a
//! build that fails or is killed leaves the previous site or the new one, never a mix of both.
//!
//! The steps, and what a kill or an error at each leaves:
//! 1. The build cache's manifest is removed (so the build after a kill is a full one).
//! 2. Every changed file is written into a plan folder beside the output,
//!    `.public.update-PID/new/<path>`, and the files the build no longer makes are listed.
//!    The output is untouched; a failure removes the plan folder, a kill leaves it for the
//!    next build to remove.
//! 3. The journal (`.public.update-PID/journal`: each file to put in place with the inode of
//!    its new version and whether an old one was there, each file to remove, each folder to
//!    create) is written to a temp file, synced and renamed, so it exists whole or not at all.
//!    From here on every new file is complete.
//! 4. Commit: files to remove are moved into `old/` of the plan folder, then each new file
//!    takes its place, in one step (`renameat2(RENAME_EXCHANGE)` on Linux: the old version
//!    moves into the plan folder; elsewhere the old one is moved aside first). An error here
//!    (a folder that cannot be created, a full disk) rolls every step back before the build
//!    reports its failure: each file put in place is recognised by its inode and replaced by
//!    its old version (or removed), each moved file comes back, created folders go.
//! 5. Finish: folders left empty are removed, then the journal, then the plan folder.
//!
//! A build killed during 4 or 5 leaves the output part old, part new until the next build
//! (or `serve`) of that output starts: it finds the plan folder of a process that is gone
//! and, since its journal says every new file is complete, finishes it (steps 4 and 5 are
//! idempotent); if a new file were missing it would roll back instead. Either way the output
//! is then the previous site or the new one, byte for byte, with no temp file, plan folder or
//! empty folder left, before that build reads anything from the output. The guarantee covers
//! the process being killed or failing; after a power loss, the files' contents are as
//! durable as the file system makes unsynced writes (only the journal is synced).

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{exchange, fail_point, parent_and_name, process_alive, stop_point, write_new, Content};
use crate::cache::{Cache, Key, Manifest, OutputFile, PageRecord};

/// What the commit will do, written before it starts.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    put: Vec<Put>,
    /// Files of the output the new site does not have (`/`-separated paths).
    removed: Vec<String>,
    /// Folders the new files need that the output does not have, parents first.
    created: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Put {
    path: String,
    /// Inode of the new file: how a recovery tells whether it is in place.
    ino: u64,
    /// Whether something (the old version) was at `path`.
    had_old: bool,
}

/// The plan folder of one update, removed when the update is finished or rolled back.
struct Plan {
    dir: PathBuf,
    out: PathBuf,
}

impl Plan {
    fn new_file(&self, rel: &str) -> PathBuf {
        self.dir.join("new").join(rel)
    }
    fn old_file(&self, rel: &str) -> PathBuf {
        self.dir.join("old").join(rel)
    }
    fn journal(&self) -> PathBuf {
        self.dir.join("journal")
    }
}

fn ino(path: &Path) -> Option<u64> {
    let m = fs::symlink_metadata(path).ok()?;
    Some(crate::cache::FileStat::of(&m).ino)
}

/// Removes whatever is at `path` (file, symlink or folder).
pub(super) fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Renames `from` to `to`, creating `to`'s folder first.
fn move_to(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(p) = to.parent() {
        fs::create_dir_all(p)?;
    }
    fs::rename(from, to)
}

/// An in-place update of the output folder `out` (see the module docs).
pub struct Update<'a> {
    pub out: &'a Path,
    pub cache: &'a Cache,
}

impl Update<'_> {
    /// Puts `changed` in place, removes every file that is neither changed nor in `keep`,
    /// and writes the manifest of the result (with `pages`, its article pages). On error the
    /// output is as it was.
    pub fn apply(
        &self,
        changed: Vec<(String, Key, Content)>,
        mut keep: Vec<OutputFile>,
        inputs: Key,
        pages: Vec<PageRecord>,
    ) -> io::Result<()> {
        // A failure to remove it is noted by the cache; the manifest's stats still tell every
        // rewritten file from the recorded one.
        let _ = self.cache.remove_manifest(self.out);
        let (parent, name) = parent_and_name(self.out);
        let plan = Plan {
            dir: parent.join(format!(".{name}.update-{}", std::process::id())),
            out: self.out.to_path_buf(),
        };
        remove_any(&plan.dir)?;
        let journal = match self.prepare(&plan, changed, &mut keep) {
            Ok(j) => j,
            Err(e) => {
                let _ = remove_any(&plan.dir);
                return Err(e);
            }
        };
        if let Err(e) = commit(&plan, &journal) {
            // Left for the next build to recover if even the rollback fails.
            let _ = rollback(&plan, &journal);
            return Err(e);
        }
        finish(&plan, &journal)?;
        keep.sort_by(|a, b| a.path.cmp(&b.path));
        let _ = self.cache.write_manifest(
            self.out,
            &Manifest {
                files: keep,
                inputs,
                pages,
            },
        );
        Ok(())
    }

    /// Steps 2 and 3: the new files and the journal in the plan folder; the output is not
    /// touched.
    fn prepare(
        &self,
        plan: &Plan,
        changed: Vec<(String, Key, Content)>,
        keep: &mut Vec<OutputFile>,
    ) -> io::Result<Journal> {
        fs::create_dir_all(&plan.dir)?;
        let written: Vec<(OutputFile, u64)> = changed
            .par_iter()
            .map(|(rel, key, content)| {
                let stat = write_new(&plan.new_file(rel), content)?;
                Ok((
                    OutputFile {
                        path: rel.clone(),
                        key: *key,
                        stat,
                    },
                    stat.ino,
                ))
            })
            .collect::<io::Result<_>>()?;
        let mut put = Vec::with_capacity(written.len());
        for (file, ino) in written {
            let had_old = fs::symlink_metadata(self.out.join(&file.path)).is_ok();
            put.push(Put {
                path: file.path.clone(),
                ino,
                had_old,
            });
            keep.push(file);
        }
        let wanted: HashSet<&str> = keep.iter().map(|f| f.path.as_str()).collect();
        let removed = self.others(&wanted);
        let mut created = BTreeSet::new();
        for p in &put {
            let mut dir = Path::new(&p.path).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                if !self.out.join(d).is_dir() {
                    created.insert(d.to_string_lossy().replace('\\', "/"));
                }
                dir = d.parent();
            }
        }
        // Parents first: a `BTreeSet` of paths sorts `a` before `a/b`.
        let journal = Journal {
            put,
            removed,
            created: created.into_iter().collect(),
        };
        stop_point("update-written");
        fail_point("update-written")?;
        write_journal(plan, &journal)?;
        stop_point("update-journal");
        Ok(journal)
    }

    /// Every file of the output folder the build does not make (deleted articles, files
    /// added by hand), `/`-separated.
    fn others(&self, wanted: &HashSet<&str>) -> Vec<String> {
        walkdir::WalkDir::new(self.out)
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                e.path()
                    .strip_prefix(self.out)
                    .unwrap_or(e.path())
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .filter(|rel| !wanted.contains(rel.as_str()))
            .collect()
    }
}

fn write_journal(plan: &Plan, journal: &Journal) -> io::Result<()> {
    let bytes = serde_json::to_vec(journal).map_err(io::Error::other)?;
    let tmp = plan.dir.join("journal.tmp");
    let mut f = fs::File::create(&tmp)?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, plan.journal())
}

/// Step 4: moves the removed files into the plan folder, then each new file into place.
fn commit(plan: &Plan, j: &Journal) -> io::Result<()> {
    for rel in &j.removed {
        move_to(&plan.out.join(rel), &plan.old_file(rel))?;
    }
    for (i, p) in j.put.iter().enumerate() {
        let to = plan.out.join(&p.path);
        let from = plan.new_file(&p.path);
        if p.had_old {
            if exchange(&from, &to).is_err() {
                // Without an atomic exchange: the old version aside, then the new one in.
                move_to(&to, &plan.old_file(&p.path))?;
                fs::rename(&from, &to)?;
            }
        } else {
            move_to(&from, &to)?;
        }
        stop_point(&format!("update-rename-{}", i + 1));
        fail_point(&format!("update-rename-{}", i + 1))?;
    }
    stop_point("update-renamed");
    Ok(())
}

/// Step 5, and a recovery's roll forward: whatever of step 4 is not done yet, then the
/// folders left empty, the journal and the plan folder. Fails (changing nothing more) when a
/// new file is neither in place nor in the plan folder.
fn finish(plan: &Plan, j: &Journal) -> io::Result<()> {
    for p in &j.put {
        let to = plan.out.join(&p.path);
        if ino(&to) != Some(p.ino) && ino(&plan.new_file(&p.path)) != Some(p.ino) {
            return Err(io::Error::other(format!("{} is missing", p.path)));
        }
    }
    for rel in &j.removed {
        let from = plan.out.join(rel);
        // Removed paths are files; a folder there now is one the commit created.
        if fs::symlink_metadata(&from).is_ok_and(|m| !m.is_dir()) {
            move_to(&from, &plan.old_file(rel))?;
        }
    }
    for p in &j.put {
        let to = plan.out.join(&p.path);
        if ino(&to) != Some(p.ino) {
            // A file is replaced in one step; a folder in the way has to go first.
            if fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir_all(&to)?;
            }
            move_to(&plan.new_file(&p.path), &to)?;
        }
    }
    // Folders of removed files that are now empty, deepest first.
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for rel in &j.removed {
        let mut dir = Path::new(rel).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(d.to_path_buf());
            dir = d.parent();
        }
    }
    for d in dirs.iter().rev() {
        let _ = fs::remove_dir(plan.out.join(d));
    }
    fs::remove_file(plan.journal())?;
    remove_any(&plan.dir)
}

/// Undoes step 4, as far as it went: each new file in place gives way to its old version
/// (or goes), each removed file comes back, created folders go.
fn rollback(plan: &Plan, j: &Journal) -> io::Result<()> {
    for p in j.put.iter().rev() {
        let at = plan.out.join(&p.path);
        let aside = plan.old_file(&p.path);
        if ino(&at) == Some(p.ino) {
            if !p.had_old {
                fs::remove_file(&at)?;
            } else if fs::symlink_metadata(&aside).is_ok() {
                fs::rename(&aside, &at)?;
            } else {
                // Exchanged: the old version is where the new one was written.
                exchange(&plan.new_file(&p.path), &at)?;
            }
        } else if p.had_old && fs::symlink_metadata(&at).is_err() && aside.exists() {
            // Killed between moving the old version aside and putting the new one in.
            fs::rename(&aside, &at)?;
        }
    }
    // Created folders go before removed files come back: a removed file may have stood where
    // a folder was created.
    for d in j.created.iter().rev() {
        let _ = fs::remove_dir(plan.out.join(d));
    }
    for rel in &j.removed {
        let from = plan.old_file(rel);
        if fs::symlink_metadata(&from).is_ok() {
            move_to(&from, &plan.out.join(rel))?;
        }
    }
    fs::remove_file(plan.journal())?;
    remove_any(&plan.dir)
}

/// Brings back to a whole site an output folder whose update was killed: finishes (or, if
/// it cannot, rolls back) every plan folder beside `out` of a process that is gone, and
/// removes the ones without a journal (killed before the commit started).
pub fn recover(out: &Path) -> io::Result<()> {
    let (parent, name) = parent_and_name(out);
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(());
    };
    let prefix = format!(".{name}.update-");
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = n.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if process_alive(pid) {
            continue;
        }
        let plan = Plan {
            dir: e.path(),
            out: out.to_path_buf(),
        };
        let journal = fs::read(plan.journal())
            .ok()
            .and_then(|b| serde_json::from_slice::<Journal>(&b).ok());
        match journal {
            Some(j) => {
                if finish(&plan, &j).is_err() {
                    rollback(&plan, &j)?;
                }
            }
            None => remove_any(&plan.dir)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `root` with its text, and every folder (as `path/`).
    fn tree(root: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .flatten()
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if e.file_type().is_dir() {
                    (format!("{rel}/"), String::new())
                } else {
                    (rel, fs::read_to_string(e.path()).unwrap())
                }
            })
            .collect();
        out.sort();
        out
    }

    /// An output with two pages and a stray file `d`, and a plan that changes `b`, adds
    /// `d/index.html` (a folder where the stray file stands) and keeps `a`.
    fn setup() -> (tempfile::TempDir, Plan, Journal, Vec<(String, String)>) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for (rel, text) in [
            ("a/index.html", "A"),
            ("b/index.html", "old B"),
            ("d", "stray"),
        ] {
            let p = out.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        let before = tree(&out);
        let cache = Cache::new(tmp.path().join("cache"));
        let update = Update {
            out: &out,
            cache: &cache,
        };
        let plan = Plan {
            dir: tmp.path().join(".public.update-1"),
            out: out.clone(),
        };
        let stat = crate::cache::FileStat {
            len: 1,
            mtime_ns: 0,
            ino: 0,
        };
        let mut keep = vec![OutputFile {
            path: "a/index.html".into(),
            key: [0; 16],
            stat,
        }];
        let changed = vec![
            (
                "b/index.html".into(),
                [1; 16],
                Content::Bytes(b"new B".to_vec()),
            ),
            (
                "d/index.html".into(),
                [2; 16],
                Content::Bytes(b"D".to_vec()),
            ),
        ];
        let journal = update.prepare(&plan, changed, &mut keep).unwrap();
        assert_eq!(journal.removed, vec!["d".to_string()]);
        assert_eq!(journal.created, vec!["d".to_string()]);
        assert_eq!(tree(&out), before, "preparing touches nothing");
        (tmp, plan, journal, before)
    }

    fn new_site() -> Vec<(String, String)> {
        [
            ("a/", ""),
            ("a/index.html", "A"),
            ("b/", ""),
            ("b/index.html", "new B"),
            ("d/", ""),
            ("d/index.html", "D"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec()
    }

    #[test]
    fn a_commit_rolls_back_to_the_old_site_and_finishes_to_the_new_one() {
        let (_tmp, plan, journal, before) = setup();
        commit(&plan, &journal).unwrap();
        assert_eq!(tree(&plan.out), new_site());
        rollback(&plan, &journal).unwrap();
        assert_eq!(tree(&plan.out), before);
        assert!(!plan.dir.exists());

        let (_tmp, plan, journal, _) = setup();
        commit(&plan, &journal).unwrap();
        finish(&plan, &journal).unwrap();
        assert_eq!(tree(&plan.out), new_site());
        assert!(!plan.dir.exists());
    }

    /// Without an atomic exchange, the old version is moved aside before the new one comes:
    /// a kill in between leaves the file missing, and both ways out still work.
    #[test]
    fn a_kill_between_moving_aside_and_putting_in_is_recovered_both_ways() {
        for forward in [true, false] {
            let (_tmp, plan, journal, before) = setup();
            for rel in &journal.removed {
                move_to(&plan.out.join(rel), &plan.old_file(rel)).unwrap();
            }
            move_to(
                &plan.out.join("b/index.html"),
                &plan.old_file("b/index.html"),
            )
            .unwrap();
            if forward {
                finish(&plan, &journal).unwrap();
                assert_eq!(tree(&plan.out), new_site());
            } else {
                rollback(&plan, &journal).unwrap();
                assert_eq!(tree(&plan.out), before);
            }
            assert!(!plan.dir.exists());
        }
    }

    /// A new file lost from the plan folder cannot be rolled forward: recovery rolls back.
    #[test]
    fn recovery_rolls_back_when_a_new_file_is_missing() {
        let (_tmp, plan, journal, before) = setup();
        fs::remove_file(plan.new_file("d/index.html")).unwrap();
        assert!(finish(&plan, &journal).is_err());
        assert_eq!(tree(&plan.out), before, "a failed finish changes nothing");
        let plan_dir = plan.dir.clone();
        // As a later build finds it: the plan folder of a process that is gone.
        fs::rename(&plan_dir, plan.out.with_file_name(".public.update-4000000")).unwrap();
        recover(&plan.out).unwrap();
        assert_eq!(tree(&plan.out), before);
        assert!(!plan.out.with_file_name(".public.update-4000000").exists());
    }
}
