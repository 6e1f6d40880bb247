//! Before a build reads anything: the output and cache folders are checked (a build must not
//! replace the site's own sources or a folder helpsite did not make, nor publish its cache),
//! and what killed builds left beside the output is cleaned up or recovered.

use std::path::{Path, PathBuf};

use super::{BuildOptions, Fatal};
use crate::diagnostics::{Diagnostic, Kind};
use crate::{cache, config, write};

/// A build replaces its output folder with exactly the files it makes, so the folder must not
/// hold the site's own sources: not the site folder itself or a folder above it, and nothing
/// inside the content or theme folders.
fn check_out_folder(out: &Path, config: &config::LoadedConfig) -> Result<(), Diagnostic> {
    let real = real_path;
    let out_r = real(out);
    let site = real(&config.root);
    let mut inside = vec![config.content_dir()];
    inside.extend(config.theme_dir());
    let clash = if site.starts_with(&out_r) {
        Some("the site folder (or a folder above it)".to_string())
    } else {
        inside
            .iter()
            .map(|d| real(d))
            .find(|d| out_r.starts_with(d))
            .map(|d| format!("a folder of the site's sources ({})", d.display()))
    };
    match clash {
        Some(what) => Err(Diagnostic::new(
            Kind::Config,
            format!(
                "the output folder {} is {what}; a build replaces its output folder with the files it makes",
                out.display()
            ),
        )
        .in_file(config::CONFIG_FILE)
        .hint("choose an output folder of its own, such as `--out public`")),
        None => Ok(()),
    }
}

/// Checks the output and cache folders before anything is read or written, and brings the
/// output back to a whole site after killed builds. Returns the folder to write into (the
/// target of `out` when it is a symbolic link to a folder, which stays).
pub(super) fn prepare_output(
    opts: &BuildOptions,
    out: PathBuf,
    cache: Option<&cache::Cache>,
    config: &config::LoadedConfig,
) -> Result<PathBuf, Fatal> {
    if !opts.check_only {
        check_out_folder(&out, config).map_err(Fatal::Config)?;
    }
    if let Some(c) = cache {
        check_cache_dir(&c.dir, &out, config).map_err(Fatal::Config)?;
    }
    if opts.check_only {
        return Ok(out);
    }
    let out = match fs_kind(&out) {
        OutKind::LinkToFolder(real) => real,
        _ => out,
    };
    if !opts.force {
        check_out_is_ours(&out, cache).map_err(Fatal::Config)?;
    }
    // What killed builds left: their updates finished (or rolled back), their staging folders
    // and temp files removed, before anything reads the output or the cache.
    write::Staging::clear_leftovers(&out);
    write::recover(&out).map_err(|e| {
        Fatal::Io(
            Diagnostic::new(
                Kind::Io,
                format!("cannot recover from a killed build's update: {e}"),
            )
            .in_file(out.display().to_string()),
        )
    })?;
    if let Some(c) = cache {
        c.clear_leftovers();
    }
    write::stop_point("recovered");
    Ok(out)
}

/// What is at the output path.
enum OutKind {
    Missing,
    Folder,
    /// A symbolic link to a folder, resolved.
    LinkToFolder(PathBuf),
    /// A file, or a link to something that is not a folder (or to nothing).
    Other,
}

fn fs_kind(p: &Path) -> OutKind {
    match std::fs::symlink_metadata(p) {
        Err(_) => OutKind::Missing,
        Ok(m) if m.is_dir() => OutKind::Folder,
        Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(p) {
            Ok(real) if real.is_dir() => OutKind::LinkToFolder(real),
            _ => OutKind::Other,
        },
        Ok(_) => OutKind::Other,
    }
}

/// A build replaces its output folder, so the output must be missing, empty, or made by
/// helpsite (unless `--force`). helpsite's own output is known by the build cache's manifest
/// of that folder, or by what every helpsite version has always written at its top:
/// `sitemap.xml` and `_static/highlight.css` (so folders built without the cache, with another
/// cache folder or by an older helpsite count too).
fn check_out_is_ours(out: &Path, cache: Option<&cache::Cache>) -> Result<(), Diagnostic> {
    let refuse = |what: String| {
        Err(
            Diagnostic::new(Kind::Config, format!("the output {} {what}", out.display()))
                .hint("choose another `--out`, remove it, or pass `--force` to replace it"),
        )
    };
    match fs_kind(out) {
        OutKind::Missing | OutKind::LinkToFolder(_) => Ok(()),
        OutKind::Other => {
            refuse("exists and is not a folder; a build would replace it with the site".to_string())
        }
        OutKind::Folder => {
            let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
            let ours = empty
                || (out.join("sitemap.xml").is_file()
                    && out.join("_static/highlight.css").is_file())
                || cache.is_some_and(|c| c.read_manifest(out).is_some());
            if ours {
                Ok(())
            } else {
                refuse(
                    "is a folder that helpsite did not make; a build would replace its files with the site"
                        .to_string(),
                )
            }
        }
    }
}

/// The cache must not be published (inside the output) or read as content (inside the
/// content or theme folders).
fn check_cache_dir(
    dir: &Path,
    out: &Path,
    config: &config::LoadedConfig,
) -> Result<(), Diagnostic> {
    let dir_r = real_path(dir);
    let mut inside = vec![
        ("the output folder", out.to_path_buf()),
        ("the content folder", config.content_dir()),
    ];
    if let Some(t) = config.theme_dir() {
        inside.push(("the theme folder", t));
    }
    match inside
        .into_iter()
        .find(|(_, d)| dir_r.starts_with(real_path(d)))
    {
        Some((what, d)) => Err(Diagnostic::new(
            Kind::Config,
            format!(
                "the cache folder {} is inside {what} ({}); it would be {}",
                dir.display(),
                d.display(),
                if what == "the output folder" {
                    "published with the site, and removed by the next build"
                } else {
                    "read as part of the site"
                }
            ),
        )
        .hint("choose a `--cache-dir` outside the site's content, theme and output")),
        None => Ok(()),
    }
}

/// `p` made absolute, with its nearest existing ancestor resolved (symbolic links followed).
fn real_path(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}
