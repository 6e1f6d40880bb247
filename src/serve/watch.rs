//! The file watcher of `serve`: which folders to watch for a site (from its configuration),
//! which changed paths matter (not the output, its write scratch folders, or editors' swap
//! files), and notify's debouncer, native or polling.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use notify::{EventKind, RecursiveMode};

use super::{absolute, Message, Reporter, DEBOUNCE, POLL_INTERVAL};
use crate::config::LoadedConfig;
/// The folders to watch and the paths that matter inside them.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Roots {
    pub(super) watched: Vec<(PathBuf, bool)>,
    /// helpsite.yml, the content folder, locale folders and the theme folder.
    pub(super) relevant: Vec<PathBuf>,
}

impl Roots {
    pub(super) fn is_relevant(&self, p: &Path, out: &Path) -> bool {
        if p.starts_with(out) {
            return false;
        }
        // The folders write makes beside the output while it writes.
        if p.components()
            .any(|c| crate::write::is_scratch(out, &c.as_os_str().to_string_lossy()))
        {
            return false;
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Editors' swap and backup files.
        if name.ends_with('~')
            || name.starts_with(".#")
            || [".swp", ".swx", ".swo"].iter().any(|e| name.ends_with(e))
        {
            return false;
        }
        self.relevant.iter().any(|r| p.starts_with(r))
    }
}

pub(super) fn watch_roots(site: &Path, out: &Path, config: Option<&LoadedConfig>) -> Roots {
    let mut relevant = vec![site.join(crate::config::CONFIG_FILE)];
    let mut recursive: Vec<PathBuf> = Vec::new();
    match config {
        Some(cfg) => {
            recursive.push(cfg.content_dir());
            for l in &cfg.config.locales {
                recursive.push(cfg.locale_dir(l));
            }
            if let Some(t) = cfg.theme_dir() {
                recursive.push(t);
            }
        }
        None => {
            recursive.push(site.join("content"));
            recursive.push(site.join("themes"));
        }
    }
    let recursive: Vec<PathBuf> = recursive
        .into_iter()
        .map(|p| fs::canonicalize(&p).unwrap_or_else(|_| absolute(&p)))
        .collect();
    relevant.extend(recursive.iter().cloned());
    // Watch each existing folder once (not one inside another), and the site folder itself
    // (not recursively) for helpsite.yml and folders that appear later.
    let mut watched: Vec<(PathBuf, bool)> = vec![(site.to_path_buf(), false)];
    let mut dirs: Vec<PathBuf> = recursive.into_iter().filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        if d == out || out.starts_with(d) && d == site {
            continue;
        }
        if !dirs.iter().any(|o| o != d && d.starts_with(o)) {
            watched.push((d.clone(), true));
        }
    }
    Roots { watched, relevant }
}

enum AnyDebouncer {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::NoCache>),
}

pub(super) struct Watcher {
    debouncer: AnyDebouncer,
    report: Reporter,
    current: Vec<(PathBuf, bool)>,
}

impl Watcher {
    pub(super) fn start(
        poll: bool,
        tx: Sender<Vec<PathBuf>>,
        report: Reporter,
    ) -> Result<Watcher, String> {
        let warn = report.clone();
        let handler = move |res: notify_debouncer_full::DebounceEventResult| match res {
            Ok(events) => {
                let mut paths = Vec::new();
                for e in events {
                    match e.event.kind {
                        EventKind::Access(_) => continue,
                        EventKind::Modify(notify::event::ModifyKind::Metadata(
                            notify::event::MetadataKind::AccessTime,
                        )) => continue,
                        _ => paths.extend(e.event.paths.iter().cloned()),
                    }
                }
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            Err(errors) => {
                for e in errors {
                    warn(Message::Log(format!("warning: file watcher: {e}")));
                }
            }
        };
        let debouncer = if poll {
            // notify's PollWatcher compares modification times in whole seconds: without
            // comparing contents, a second save within the same second would go unseen.
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            AnyDebouncer::Poll(
                notify_debouncer_full::new_debouncer_opt::<_, notify::PollWatcher, _>(
                    DEBOUNCE,
                    None,
                    handler,
                    notify_debouncer_full::NoCache,
                    config,
                )
                .map_err(|e| format!("cannot start the file watcher: {e}"))?,
            )
        } else {
            AnyDebouncer::Native(
                notify_debouncer_full::new_debouncer(DEBOUNCE, None, handler)
                    .map_err(|e| format!("cannot start the file watcher: {e} (try --poll)"))?,
            )
        };
        Ok(Watcher {
            debouncer,
            report,
            current: Vec::new(),
        })
    }

    /// Watches exactly `roots` (path, recursive) from now on.
    pub(super) fn update(&mut self, roots: &[(PathBuf, bool)]) {
        for (p, _) in self.current.iter().filter(|r| !roots.contains(r)) {
            let _ = match &mut self.debouncer {
                AnyDebouncer::Native(d) => d.unwatch(p),
                AnyDebouncer::Poll(d) => d.unwatch(p),
            };
        }
        for (p, rec) in roots.iter().filter(|r| !self.current.contains(r)) {
            let mode = if *rec {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            let r = match &mut self.debouncer {
                AnyDebouncer::Native(d) => d.watch(p, mode),
                AnyDebouncer::Poll(d) => d.watch(p, mode),
            };
            if let Err(e) = r {
                (self.report)(Message::Log(format!(
                    "warning: cannot watch {}: {e}",
                    p.display()
                )));
            }
        }
        self.current = roots.to_vec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevance_ignores_output_staging_and_swap_files() {
        let site = PathBuf::from("/s");
        let out = PathBuf::from("/s/public");
        let roots = Roots {
            watched: vec![],
            relevant: vec![site.join("helpsite.yml"), site.join("content")],
        };
        assert!(roots.is_relevant(Path::new("/s/content/en-us/a.md"), &out));
        assert!(roots.is_relevant(Path::new("/s/helpsite.yml"), &out));
        assert!(!roots.is_relevant(Path::new("/s/README.md"), &out));
        assert!(!roots.is_relevant(Path::new("/s/public/en-us/index.html"), &out));
        assert!(!roots.is_relevant(Path::new("/s/.public.staging-12/a.html"), &out));
        assert!(!roots.is_relevant(Path::new("/s/.public.old-12"), &out));
        assert!(!roots.is_relevant(Path::new("/s/.public.update-12/new/a.html"), &out));
        assert!(!roots.is_relevant(Path::new("/s/content/en-us/.a.md.swp"), &out));
        assert!(!roots.is_relevant(Path::new("/s/content/en-us/a.md~"), &out));
    }
}
