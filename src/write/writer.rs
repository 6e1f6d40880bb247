//! The one entry point through which a build reaches its output folder: a [`Writer`] opened
//! in the [`Mode`] the build's plan chose takes the article pages as they are rendered (each
//! from the thread that rendered it: [`Writer::page`]) and then, in [`Writer::commit`], the
//! other files, and puts the result in place (staging swap or in-place update) with the build
//! cache's manifest of it. [`replace`] is `serve`'s way for an edit's few files: each replaced
//! in one step, known by the same keys.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::{replace_file, unchanged, write_jobs, write_new, Content, Job, Staging, Update};
use crate::cache::{Cache, Key, Manifest, OutputFile, PageRecord};

/// How the article pages reach the output folder.
pub enum Mode {
    /// `check`: rendered for their findings, written nowhere.
    Check,
    /// A new folder that replaces the output in one step; `manifest`: whether the build
    /// cache's manifest of it is written (so each page's record is kept until the commit).
    Staging { manifest: bool },
    /// Only the changed files are written, in place; the last build's manifest, by path.
    Update(HashMap<String, OutputFile>),
}

/// An in-place update is used when at most this share of the pages changed (or a few
/// hundred); a larger change builds a staging folder, so the site switches over at once.
pub fn small_change(changed: usize, total: usize) -> bool {
    changed <= small_change_limit(total)
}

/// The most changed pages [`small_change`] allows among `total`.
pub fn small_change_limit(total: usize) -> usize {
    (total / 4).max(256)
}

/// One rendered article page.
pub struct Page {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Content key (see [`crate::cache`]).
    pub key: Key,
    pub html: String,
}

/// What a commit did.
#[derive(Debug, Default)]
pub struct Committed {
    pub files_written: usize,
    /// Article pages left as they were (update only).
    pub pages_unchanged: usize,
}

enum State {
    Check,
    Staging {
        staging: Staging,
        manifest: bool,
        written: Mutex<Written>,
    },
    Update {
        prior: HashMap<String, OutputFile>,
        pages: Mutex<Vec<(String, Key, Content)>>,
    },
}

/// The article pages written into a staging folder so far.
#[derive(Default)]
struct Written {
    /// The first write error (reported at commit: a build with errors reports those).
    error: Option<io::Error>,
    /// The pages' records for the manifest (none when no manifest is written).
    files: Vec<OutputFile>,
    pages: usize,
}

/// The output folder being written (see the module docs).
pub struct Writer {
    out: PathBuf,
    state: State,
}

impl Writer {
    /// Opens the output `out` for writing in `mode` (a staging folder is created now).
    pub fn open(out: &Path, mode: Mode) -> io::Result<Writer> {
        let state = match mode {
            Mode::Check => State::Check,
            Mode::Staging { manifest } => State::Staging {
                staging: Staging::new(out)?,
                manifest,
                written: Mutex::default(),
            },
            Mode::Update(prior) => State::Update {
                prior,
                pages: Mutex::default(),
            },
        };
        Ok(Writer {
            out: out.to_path_buf(),
            state,
        })
    }

    /// Whether anything is written (not `check`).
    pub fn writes(&self) -> bool {
        !matches!(self.state, State::Check)
    }

    /// Takes one rendered article page: written into the staging folder now, or kept for the
    /// update's commit. Called from the threads that render the pages, as each is rendered,
    /// so no page waits in memory for others to be rendered.
    pub fn page(&self, page: Page) {
        match &self.state {
            State::Check => {}
            State::Staging {
                staging,
                manifest,
                written,
            } => {
                let content = Content::Bytes(page.html.into_bytes());
                let stat = write_new(&staging.dir.join(&page.path), &content);
                drop(content);
                let mut w = written.lock().unwrap_or_else(PoisonError::into_inner);
                w.pages += 1;
                match stat {
                    Ok(stat) if *manifest => w.files.push(OutputFile {
                        path: page.path,
                        key: page.key,
                        stat,
                    }),
                    Ok(_) => {}
                    Err(e) => {
                        w.error.get_or_insert(e);
                    }
                }
            }
            State::Update { pages, .. } => pages
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((page.path, page.key, Content::Bytes(page.html.into_bytes()))),
        }
    }

    /// Writes `jobs` (the files other than article pages) and puts the new output in place,
    /// with its manifest in `cache`. `unchanged_pages` are the article pages the plan left
    /// as they are (update only); `inputs` the key of the pages' context inputs; `records`
    /// the article pages of the new output, for the manifest.
    pub fn commit(
        self,
        jobs: Vec<Job>,
        unchanged_pages: &[String],
        cache: Option<&Cache>,
        inputs: Key,
        records: Vec<PageRecord>,
    ) -> io::Result<Committed> {
        let out = &self.out;
        match self.state {
            State::Check => Ok(Committed::default()),
            State::Staging {
                staging,
                manifest,
                written,
            } => {
                let Written {
                    error,
                    files: pages_files,
                    pages,
                } = written.into_inner().unwrap_or_else(PoisonError::into_inner);
                if let Some(e) = error {
                    return Err(e);
                }
                let mut files = write_jobs(&staging.dir, &jobs)?;
                let files_written = files.len() + pages;
                files.extend(pages_files);
                staging.commit()?;
                if let Some(c) = cache.filter(|_| manifest) {
                    files.sort_by(|a, b| a.path.cmp(&b.path));
                    let _ = c.write_manifest(
                        out,
                        &Manifest {
                            files,
                            inputs,
                            pages: records,
                        },
                    );
                }
                Ok(Committed {
                    files_written,
                    pages_unchanged: 0,
                })
            }
            State::Update { prior, pages } => {
                let c = cache.expect("updates need the cache");
                let mut keep = Vec::new();
                let mut changed: Vec<(String, Key, Content)> = Vec::new();
                for j in jobs {
                    if unchanged(out, &j.path, &j.key, prior.get(&j.path)) {
                        keep.push(prior[&j.path].clone());
                    } else {
                        changed.push((j.path, j.key, j.content));
                    }
                }
                let mut pages_unchanged = 0;
                for path in unchanged_pages {
                    if let Some(f) = prior.get(path) {
                        keep.push(f.clone());
                        pages_unchanged += 1;
                    }
                }
                changed.extend(pages.into_inner().unwrap_or_else(PoisonError::into_inner));
                let files_written = changed.len();
                // Nothing to do when every file is as the last build left it and none is gone.
                let same_set = keep.len() == prior.len();
                if !changed.is_empty() || !same_set {
                    Update { out, cache: c }.apply(changed, keep, inputs, records)?;
                }
                Ok(Committed {
                    files_written,
                    pages_unchanged,
                })
            }
        }
    }
}

/// `serve`'s removal of files an edit made obsolete (search files named by an old content
/// hash): each removed (a missing one is fine) and forgotten from `files`.
pub fn remove(
    out: &Path,
    files: &mut HashMap<String, OutputFile>,
    paths: &[String],
) -> io::Result<()> {
    for p in paths {
        match std::fs::remove_file(out.join(p)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        files.remove(p);
    }
    Ok(())
}

/// `serve`'s edits: each file whose key or `stat` is not what `files` (the output's manifest
/// as last known) records is replaced in one step ([`replace_file`]), and recorded in
/// `files`. Returns how many were written. Nothing else changes: no journal, and the manifest
/// on disk stays as the last build wrote it (the files replaced since no longer match its
/// `stat`s, so the next build writes them again).
pub fn replace(
    out: &Path,
    files: &mut HashMap<String, OutputFile>,
    jobs: Vec<Job>,
    pages: Vec<Page>,
) -> io::Result<usize> {
    let all = jobs.into_iter().map(|j| (j.path, j.key, j.content)).chain(
        pages
            .into_iter()
            .map(|p| (p.path, p.key, Content::Bytes(p.html.into_bytes()))),
    );
    let mut written = 0;
    for (path, key, content) in all {
        if unchanged(out, &path, &key, files.get(&path)) {
            continue;
        }
        let stat = replace_file(out, &path, &content)?;
        files.insert(path.clone(), OutputFile { path, key, stat });
        written += 1;
    }
    Ok(written)
}
