//! Write: everything goes into a staging folder beside the output, which replaces the output
//! only when the whole build succeeded. A failed or killed build leaves the last good site.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

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
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        // Leftovers of killed builds are removed first.
        if let Ok(entries) = fs::read_dir(parent) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(&format!(".{name}.staging-"))
                    || n.starts_with(&format!(".{name}.old-"))
                {
                    let pid: Option<u32> = n.rsplit('-').next().and_then(|p| p.parse().ok());
                    if pid.is_some_and(|p| !process_alive(p)) {
                        let _ = fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Swaps the staging folder into place. The old output is renamed away first and deleted
    /// after, so the output folder is never half old, half new.
    pub fn commit(mut self) -> io::Result<()> {
        let parent = self.dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // On Linux the two folders trade places in one step, so the output is never missing,
        // not even for a moment (a build killed right here leaves either site, whole).
        if self.target.exists() && exchange(&self.dir, &self.target).is_ok() {
            self.committed = true;
            let _ = fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = self.target.exists();
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
        if had_old {
            let _ = fs::remove_dir_all(&old);
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

/// Swaps two paths atomically (`renameat2` with `RENAME_EXCHANGE`, Linux 3.15+, glibc 2.28+).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists() && pid != std::process::id()
}

pub(crate) fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = root.join(rel);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    fs::write(path, bytes)
}

/// Replaces one file of a live output folder: written beside it, then renamed over it, so a
/// reader (or a killed process) never sees half a file. For incremental rebuilds.
pub fn replace_file(root: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let path = root.join(rel);
    let dir = path.parent().unwrap_or(root);
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, &path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Writes the non-article pages, static files, copied assets and the sitemap into `dir`
/// (article pages are written while they are rendered).
pub fn write_site(
    dir: &Path,
    site: &Site,
    outputs: &[Output],
    statics: &[(String, Vec<u8>)],
) -> io::Result<usize> {
    outputs
        .par_iter()
        .try_for_each(|o| write_file(dir, &o.path, o.html.as_bytes()))?;
    statics
        .par_iter()
        .try_for_each(|(rel, bytes)| write_file(dir, &format!("_static/{rel}"), bytes))?;
    let mut copies: Vec<(PathBuf, PathBuf)> = Vec::new();
    for l in &site.locales {
        for (rel, path) in &l.assets {
            let lower = rel.to_ascii_lowercase();
            if lower.ends_with("toc.yml") || lower.ends_with("toc.yaml") {
                continue;
            }
            copies.push((path.clone(), dir.join(&l.slug).join(rel)));
        }
    }
    copies.par_iter().try_for_each(|(from, to)| {
        if let Some(p) = to.parent() {
            fs::create_dir_all(p)?;
        }
        fs::copy(from, to).map(|_| ())
    })?;
    write_file(dir, "sitemap.xml", sitemap(site).as_bytes())?;
    Ok(outputs.len() + statics.len() + copies.len() + 1)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `sitemap.xml` with `xhtml:link` alternates between real translations (fallback pages are
/// listed, but never as alternates).
pub fn sitemap(site: &Site) -> String {
    let base = site.config.config.origin_and_base();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for p in &site.pages {
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
                .filter(|&q| site.pages[q].state != PageState::Fallback)
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
