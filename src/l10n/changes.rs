//! How much the source article of a stale translation changed since its hand-off: the lines
//! added and removed between the source file at the commit the translation names
//! (`ms.sourcegitcommit`) and the file as it is now, the change `l10n diff` shows. One
//! `git cat-file --batch` reads every old version from the source repository, so a dashboard of
//! thousands of stale pages runs two git processes, not thousands.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;

use crate::site::{PageId, Site};

/// What is known of a source article's change since its translation was handed off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Lines {
        added: usize,
        removed: usize,
    },
    /// The history cannot tell, and why.
    Unknown {
        why: String,
    },
}

impl Change {
    fn unknown(why: impl Into<String>) -> Change {
        Change::Unknown { why: why.into() }
    }

    /// Lines added plus removed (unknown counts as none), for sorting.
    pub fn size(&self) -> usize {
        match self {
            Change::Lines { added, removed } => added + removed,
            Change::Unknown { .. } => 0,
        }
    }
}

/// The change since hand-off of the source article of each translation in `pages` (page ids of
/// translations that have a source page; others are left out).
pub fn since_handoff(site: &Site, pages: &[PageId]) -> HashMap<PageId, Change> {
    let mut out = HashMap::new();
    // (page, commit, source file on disk) of each page the history may tell about.
    let mut asks: Vec<(PageId, String, PathBuf)> = Vec::new();
    for &pid in pages {
        let page = &site.pages[pid];
        let Some(src) = page.source_page else {
            continue;
        };
        let commit = page
            .meta_str("ms.sourcegitcommit")
            .map(|c| c.trim().to_string())
            .unwrap_or_default();
        if commit.is_empty() {
            out.insert(pid, Change::unknown("no ms.sourcegitcommit"));
        } else if !is_commit_id(&commit) {
            out.insert(
                pid,
                Change::unknown("ms.sourcegitcommit is not a commit id"),
            );
        } else {
            asks.push((pid, commit, site.pages[src].source.path.clone()));
        }
    }
    if asks.is_empty() {
        return out;
    }
    let root = &site.source_locale().root;
    let top = match toplevel(root) {
        Ok(top) => top,
        Err(why) => {
            out.extend(
                asks.into_iter()
                    .map(|(pid, ..)| (pid, Change::unknown(&why))),
            );
            return out;
        }
    };
    // Each file's path inside the repository, as `cat-file` names it.
    let mut queries = Vec::new();
    let mut asked = Vec::new();
    for (pid, commit, path) in asks {
        let rel = path
            .canonicalize()
            .ok()
            .and_then(|p| p.strip_prefix(&top).ok().map(Path::to_path_buf))
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .filter(|r| !r.contains('\n'));
        match rel {
            Some(rel) => {
                queries.push(format!("{commit}:{rel}"));
                asked.push(pid);
            }
            None => {
                out.insert(
                    pid,
                    Change::unknown("the source file is outside the source repository"),
                );
            }
        }
    }
    match cat_files(&top, &queries) {
        Ok(blobs) => {
            for (pid, blob) in asked.into_iter().zip(blobs) {
                let change = match blob {
                    None => {
                        Change::unknown("the source file at that commit is not in the repository")
                    }
                    Some(bytes) => match crate::source::decode(&bytes) {
                        Ok(old) => {
                            let now = &site.pages[site.pages[pid].source_page.unwrap_or(pid)];
                            count_lines(&old, &now.source.text)
                        }
                        Err(_) => Change::unknown("the source file at that commit is not text"),
                    },
                };
                out.insert(pid, change);
            }
        }
        Err(why) => {
            out.extend(asked.into_iter().map(|pid| (pid, Change::unknown(&why))));
        }
    }
    out
}

/// `ms.sourcegitcommit` as `l10n diff` accepts it: a full or abbreviated hexadecimal id.
fn is_commit_id(c: &str) -> bool {
    (4..=64).contains(&c.len()) && c.chars().all(|c| c.is_ascii_hexdigit())
}

/// The top folder of the git repository holding `dir`, canonical, or why there is none.
fn toplevel(dir: &Path) -> Result<PathBuf, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("the git command cannot run ({e})"))?;
    if !out.status.success() {
        return Err("the source files are not in a git repository".into());
    }
    let top = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
    PathBuf::from(top)
        .canonicalize()
        .map_err(|e| format!("the git repository cannot be read ({e})"))
}

/// The content of each `commit:path` of `queries`, in order (`None`: no such blob), read by one
/// `git cat-file --batch`.
fn cat_files(top: &Path, queries: &[String]) -> Result<Vec<Option<Vec<u8>>>, String> {
    let failed = |e: std::io::Error| format!("git cat-file failed ({e})");
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("the git command cannot run ({e})"))?;
    let mut stdin = child.stdin.take().ok_or("git cat-file has no input")?;
    let input: String = queries.iter().map(|q| format!("{q}\n")).collect();
    // Written from another thread: git answers while it reads, and a full pipe each way would
    // block both processes.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut reader = BufReader::new(child.stdout.take().ok_or("git cat-file has no output")?);
    let mut blobs = Vec::with_capacity(queries.len());
    let mut header = String::new();
    let result = (|| {
        for _ in queries {
            header.clear();
            if reader.read_line(&mut header).map_err(failed)? == 0 {
                return Err("git cat-file ended early".to_string());
            }
            // `<oid> <type> <size>`, or `<query> missing` / `<query> ambiguous`.
            let mut fields = header.trim_end().rsplitn(3, ' ');
            let size = fields.next().and_then(|s| s.parse::<usize>().ok());
            let kind = fields.next();
            let Some(size) = size.filter(|_| fields.next().is_some()) else {
                blobs.push(None);
                continue;
            };
            let mut bytes = vec![0; size + 1];
            reader.read_exact(&mut bytes).map_err(failed)?;
            bytes.pop();
            blobs.push((kind == Some("blob")).then_some(bytes));
        }
        Ok(blobs)
    })();
    let _ = writer.join();
    drop(reader);
    let _ = child.wait();
    result
}

/// Lines added and removed from `old` to `new`, line endings aside (a hand-off compares
/// content with CRLF endings, so a change of endings alone is no change).
fn count_lines(old: &str, new: &str) -> Change {
    let old = old.replace("\r\n", "\n");
    let new = new.replace("\r\n", "\n");
    let mut added = 0;
    let mut removed = 0;
    for c in similar::TextDiff::from_lines(&old, &new).iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    Change::Lines { added, removed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_like_a_diff_and_ignores_line_endings() {
        assert_eq!(
            count_lines("a\nb\nc\n", "a\nB\nc\nd\n"),
            Change::Lines {
                added: 2,
                removed: 1
            }
        );
        assert_eq!(
            count_lines("a\r\nb\r\n", "a\nb\n"),
            Change::Lines {
                added: 0,
                removed: 0
            }
        );
    }

    #[test]
    fn commit_ids() {
        assert!(is_commit_id("8bcf697bf041af43d50828180431bf468eeb8830"));
        assert!(is_commit_id("8bcf"));
        assert!(!is_commit_id("HEAD"));
        assert!(!is_commit_id("8bc"));
    }
}
