//! Write: everything goes into a staging folder beside the output, which replaces the output
//! only when the whole build succeeded; or, when few files changed, an in-place [`Update`]
//! through a journal. A failed or killed build leaves the last good site (or, for an update
//! killed while committing, the new one once the next build has [`recover`]ed it). A build
//! (and `serve`'s rebuild) goes through one entry point, [`Writer`], which owns both modes.
//!
//! Test-only fault injection: when the environment variable `HELPSITE_TEST_STOP_AT` names a
//! step ([`stop_point`]), the process stops itself there (SIGSTOP), so `tests/suite/kill.rs` can
//! look at the output in exactly that state and kill the build. Steps: `staging-created`,
//! `staging-written`, `swapped` (before the manifest is written), `update-written`,
//! `update-journal`, `update-rename-N` (after the N-th file is in place), `update-renamed`,
//! `recovered` (after a build has recovered what killed builds left). Likewise
//! `HELPSITE_TEST_FAIL_AT` makes the update's `update-written` or `update-rename-N` step fail
//! as a full disk would. Neither variable is meant for anything but tests.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

mod update;
mod writer;

pub use update::{recover, Update};
pub use writer::{
    remove, replace, small_change, small_change_limit, Committed, Mode, Page, Writer,
};

pub(crate) use crate::cache::process_alive;
use crate::cache::{temp_beside, FileStat, Key, OutputFile};
use crate::render::Output;
use crate::site::{PageState, Site};

/// A staging folder that removes itself unless committed.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(target: &Path) -> io::Result<Staging> {
        let (parent, name) = parent_and_name(target);
        fs::create_dir_all(&parent)?;
        Self::clear_leftovers(target);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        stop_point("staging-created");
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Removes the staging and old folders that killed builds left beside `target`. An old
    /// folder is the previous site of a build killed between its two renames (where there is
    /// no atomic exchange): when `target` is missing, it is put back instead.
    pub fn clear_leftovers(target: &Path) {
        let (parent, name) = parent_and_name(target);
        let Ok(entries) = fs::read_dir(parent) else {
            return;
        };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&format!(".{name}.staging-"))
                || n.starts_with(&format!(".{name}.old-"))
            {
                let pid: Option<u32> = n.rsplit('-').next().and_then(|p| p.parse().ok());
                if pid.is_some_and(|p| !process_alive(p)) {
                    if n.starts_with(&format!(".{name}.old-"))
                        && fs::symlink_metadata(target).is_err()
                    {
                        let _ = fs::rename(e.path(), target);
                    } else {
                        let _ = fs::remove_dir_all(e.path());
                    }
                }
            }
        }
    }

    /// Swaps the staging folder into place. The old output is renamed away first and deleted
    /// after, so the output folder is never half old, half new.
    pub fn commit(mut self) -> io::Result<()> {
        let (parent, name) = parent_and_name(&self.target);
        // On Linux the two folders trade places in one step, so the output is never missing,
        // not even for a moment (a build killed right here leaves either site, whole).
        stop_point("staging-written");
        if fs::symlink_metadata(&self.target).is_ok() && exchange(&self.dir, &self.target).is_ok() {
            self.committed = true;
            stop_point("swapped");
            let _ = update::remove_any(&self.dir);
            return Ok(());
        }
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = fs::symlink_metadata(&self.target).is_ok();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.committed = true;
        stop_point("swapped");
        if had_old {
            let _ = update::remove_any(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Test-only fault injection (see the module docs): stops this process when
/// `HELPSITE_TEST_STOP_AT` names `step`. Costs one look at a cached value otherwise.
pub fn stop_point(step: &str) {
    static STOP_AT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let at = STOP_AT.get_or_init(|| std::env::var("HELPSITE_TEST_STOP_AT").ok());
    if at.as_deref() == Some(step) {
        #[cfg(unix)]
        // SAFETY: raising a signal on this process has no memory-safety preconditions.
        unsafe {
            libc::raise(libc::SIGSTOP);
        }
    }
}

/// Test-only fault injection: an error (as from a full disk) when `HELPSITE_TEST_FAIL_AT`
/// names `step`.
pub(crate) fn fail_point(step: &str) -> io::Result<()> {
    static FAIL_AT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let at = FAIL_AT.get_or_init(|| std::env::var("HELPSITE_TEST_FAIL_AT").ok());
    if at.as_deref() == Some(step) {
        return Err(io::Error::other(format!("injected failure at {step}")));
    }
    Ok(())
}

/// Swaps two paths atomically (`renameat2` with `RENAME_EXCHANGE`, Linux 3.15+, glibc 2.28+).
#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    unsafe extern "C" {
        fn renameat2(
            olddirfd: i32,
            oldpath: *const std::ffi::c_char,
            newdirfd: i32,
            newpath: *const std::ffi::c_char,
            flags: u32,
        ) -> i32;
    }
    const AT_FDCWD: i32 = -100;
    const RENAME_EXCHANGE: u32 = 2;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether `name` (one component of a path) is a folder that writing the output `target`
/// makes beside it for a while: a staging folder, an old site being removed, or an update's.
pub fn is_scratch(target: &Path, name: &str) -> bool {
    let (_, out_name) = parent_and_name(target);
    ["staging", "old", "update"]
        .iter()
        .any(|kind| name.starts_with(&format!(".{out_name}.{kind}-")))
}

/// The folder holding `target` (`.` for a bare name) and `target`'s name.
pub(crate) fn parent_and_name(target: &Path) -> (PathBuf, String) {
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent.to_path_buf(), name)
}

/// Replaces one file of a live output folder: written beside it, then renamed over it, so a
/// reader (or a killed process) never sees half a file. Returns its `stat`.
pub fn replace_file(root: &Path, rel: &str, content: &Content) -> io::Result<FileStat> {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap_or(root))?;
    let tmp = temp_beside(&path);
    let stat = write_new(&tmp, content).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    fs::rename(&tmp, &path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    Ok(stat)
}

/// A file of the output other than an article page, and what it is made from.
pub struct Job {
    pub path: String,
    /// Content key (see [`crate::cache`]).
    pub key: Key,
    pub content: Content,
}

pub enum Content {
    Bytes(Vec<u8>),
    /// A file copied as it is (images and other assets).
    Copy(PathBuf),
}

/// The non-article files of a build: pages (404s, language chooser, redirects), static files,
/// copied assets and the sitemap.
pub fn jobs(site: &Site, outputs: Vec<Output>, statics: Vec<(String, Vec<u8>)>) -> Vec<Job> {
    let mut jobs: Vec<Job> = outputs
        .into_iter()
        .map(|o| bytes_job(o.path, o.html.into_bytes()))
        .collect();
    jobs.extend(
        statics
            .into_iter()
            .map(|(rel, bytes)| bytes_job(format!("_static/{rel}"), bytes)),
    );
    for (lid, l) in site.locales.iter().enumerate() {
        if !site.building[lid] {
            continue;
        }
        for (rel, path) in &l.assets {
            let lower = rel.to_ascii_lowercase();
            if lower.ends_with("toc.yml") || lower.ends_with("toc.yaml") {
                continue;
            }
            // Only what the locale's docset publishes (all of a plain folder).
            if let Some(url) = site.file_url(lid, rel) {
                jobs.push(copy_job(url, path));
            }
        }
    }
    // The source locale's files that a building translation has no copy of, once each.
    let mut fallback = std::collections::BTreeMap::new();
    for lid in (0..site.locales.len()).filter(|&l| site.building[l]) {
        fallback.extend(site.fallback_files(lid));
    }
    for (url, path) in fallback {
        let lower = url.to_ascii_lowercase();
        if lower.ends_with("toc.yml") || lower.ends_with("toc.yaml") {
            continue;
        }
        jobs.push(copy_job(url, path));
    }
    for (path, xml) in sitemaps(site) {
        jobs.push(bytes_job(path, xml.into_bytes()));
    }
    jobs
}

/// The job that writes `bytes` at `path`.
pub fn bytes_job(path: String, bytes: Vec<u8>) -> Job {
    Job {
        key: crate::cache::content_key(&bytes),
        path,
        content: Content::Bytes(bytes),
    }
}

/// The job that copies the file `from` to `path`.
pub fn copy_job(path: String, from: &Path) -> Job {
    // A copy is keyed by its source's path and `stat`, not its bytes, so unchanged images
    // are never read.
    let mut h = blake3::Hasher::new();
    crate::cache::feed(&mut h, &from.to_string_lossy());
    crate::cache::feed_stat(&mut h, from);
    Job {
        path,
        key: crate::cache::key_of(&h),
        content: Content::Copy(from.to_path_buf()),
    }
}

/// Writes a new file at `path` (its folder created as needed) and returns its `stat`.
pub fn write_new(path: &Path, content: &Content) -> io::Result<FileStat> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    match content {
        Content::Bytes(b) => {
            let mut f = fs::File::create(path)?;
            f.write_all(b)?;
            Ok(FileStat::of(&f.metadata()?))
        }
        Content::Copy(from) => {
            // From the handle checked to be a regular file: a FIFO or device put in place of
            // a media file after loading is refused, not read forever.
            let (mut src, _) = crate::source::open_regular(from)?;
            let mut f = fs::File::create(path)?;
            io::copy(&mut src, &mut f)?;
            Ok(FileStat::of(&f.metadata()?))
        }
    }
}

/// Writes jobs into a (staging) folder, in parallel.
pub fn write_jobs(root: &Path, jobs: &[Job]) -> io::Result<Vec<OutputFile>> {
    jobs.par_iter()
        .map(|j| {
            Ok(OutputFile {
                path: j.path.clone(),
                key: j.key,
                stat: write_new(&root.join(&j.path), &j.content)?,
            })
        })
        .collect()
}

/// Whether the file at `root/rel` is still what `prior` recorded, and `key` says its content
/// should be.
pub fn unchanged(root: &Path, rel: &str, key: &Key, prior: Option<&OutputFile>) -> bool {
    prior.is_some_and(|f| {
        f.key == *key
            && fs::symlink_metadata(root.join(rel)).is_ok_and(|m| FileStat::of(&m) == f.stat)
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The sitemaps: `sitemap.xml`, an index that names one sitemap per locale, and
/// `<locale>/sitemap.xml` for each locale this build renders. The index always names every
/// locale, so shards built apart (`build --locale`) merge into one consistent site.
pub fn sitemaps(site: &Site) -> Vec<(String, String)> {
    let base = site.config.config.origin_and_base();
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for l in &site.locales {
        index.push_str(&format!(
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            xml_escape(&format!("{base}/{}/sitemap.xml", l.slug))
        ));
    }
    index.push_str("</sitemapindex>\n");
    let mut out = vec![("sitemap.xml".to_string(), index)];
    for (lid, l) in site.locales.iter().enumerate() {
        if site.building[lid] {
            out.push((format!("{}/sitemap.xml", l.slug), sitemap(site, lid)));
        }
    }
    out
}

/// The sitemap of one locale, with `xhtml:link` alternates between real translations
/// (fallback pages are listed, but never as alternates). Pages that ask search engines not to
/// index them (`ROBOTS: NOINDEX`) are neither listed nor alternates.
pub fn sitemap(site: &Site, locale: usize) -> String {
    let base = site.config.config.origin_and_base();
    let indexed = |p: &crate::site::Page| !crate::render::chrome::noindex(p.meta());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for p in site
        .pages
        .iter()
        .filter(|p| p.locale == locale && indexed(p))
    {
        out.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            xml_escape(&format!("{base}/{}", p.url))
        ));
        if let Some(d) = p
            .meta_str("ms.date")
            .and_then(|d| crate::render::parse_us_date(&d))
        {
            out.push_str(&format!(
                "    <lastmod>{:04}-{:02}-{:02}</lastmod>\n",
                d.2, d.0, d.1
            ));
        }
        if p.state != PageState::Fallback {
            let alts: Vec<usize> = (0..site.locales.len())
                .filter_map(|l| site.lookup(l, &p.rel))
                .filter(|&q| site.pages[q].state != PageState::Fallback && indexed(&site.pages[q]))
                .collect();
            if alts.len() > 1 {
                for q in alts {
                    out.push_str(&format!(
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                        xml_escape(&site.locales[site.pages[q].locale].code),
                        xml_escape(&format!("{base}/{}", site.pages[q].url))
                    ));
                }
            }
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}
