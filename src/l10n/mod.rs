//! Translation workflow: per-locale status (up to date, stale, machine-translated, missing) and
//! `stamp`, which records the current source hash in a translation after it was updated.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Kind};
use crate::load::{self, frontmatter};
use crate::site::{PageState, Site};

#[derive(Debug, Default, Serialize)]
pub struct LocaleStatus {
    pub locale: String,
    pub name: String,
    pub up_to_date: usize,
    pub stale: usize,
    pub machine_translated: usize,
    pub missing: usize,
    pub stale_pages: Vec<PageRef>,
    pub missing_pages: Vec<PageRef>,
    pub machine_pages: Vec<PageRef>,
}

#[derive(Debug, Serialize)]
pub struct PageRef {
    /// The translation's file (for stale and machine pages) or where it would be (missing).
    pub file: String,
    /// The source article it translates.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handed_off: Option<String>,
}

/// Status of every non-source locale (or only `only`, when given).
pub fn status(site: &Site, only: &[String]) -> Vec<LocaleStatus> {
    let mut out = Vec::new();
    for (lid, l) in site.locales.iter().enumerate() {
        if lid == site.source_locale
            || (!only.is_empty() && !only.iter().any(|c| c.eq_ignore_ascii_case(&l.code)))
        {
            continue;
        }
        let mut st = LocaleStatus {
            locale: l.code.clone(),
            name: l.name.clone(),
            ..Default::default()
        };
        let display_root = l
            .root
            .strip_prefix(&site.config.root)
            .unwrap_or(&l.root)
            .to_string_lossy()
            .replace('\\', "/");
        for (_, p) in site.locale_pages(lid) {
            let Some(src) = p.source_page.map(|s| &site.pages[s]) else {
                continue;
            };
            let r = || PageRef {
                file: if p.state == PageState::Fallback {
                    format!("{display_root}/{}", p.rel)
                } else {
                    p.source.display.clone()
                },
                source: src.source.display.clone(),
                handed_off: p.meta_str("ms.lasthandoff"),
            };
            match p.state {
                PageState::Fallback => {
                    st.missing += 1;
                    st.missing_pages.push(r());
                }
                PageState::Translated { machine, stale } => {
                    if stale {
                        st.stale += 1;
                        st.stale_pages.push(r());
                    } else {
                        st.up_to_date += 1;
                    }
                    if machine {
                        st.machine_translated += 1;
                        st.machine_pages.push(r());
                    }
                }
                PageState::Source => {}
            }
        }
        out.push(st);
    }
    out
}

/// Plain-text table of [`status`].
pub fn status_table(st: &[LocaleStatus]) -> String {
    let mut s = format!(
        "{:<8} {:>10} {:>6} {:>8} {:>8}\n",
        "locale", "up-to-date", "stale", "machine", "missing"
    );
    for l in st {
        s.push_str(&format!(
            "{:<8} {:>10} {:>6} {:>8} {:>8}\n",
            l.locale, l.up_to_date, l.stale, l.machine_translated, l.missing
        ));
    }
    for l in st {
        for p in &l.stale_pages {
            let when = p
                .handed_off
                .as_deref()
                .map(|d| format!(" (handed off {d})"))
                .unwrap_or_default();
            s.push_str(&format!(
                "\n{} stale: {}{when}\n  source changed: {}",
                l.locale, p.file, p.source
            ));
        }
        for p in &l.missing_pages {
            s.push_str(&format!(
                "\n{} missing: {}\n  source: {}",
                l.locale, p.file, p.source
            ));
        }
    }
    if st
        .iter()
        .any(|l| !l.stale_pages.is_empty() || !l.missing_pages.is_empty())
    {
        s.push('\n');
    }
    s
}

/// Writes the current source hash (and today's date as `ms.lasthandoff`) into the translation
/// at `path`, changing only those two lines (added at the end of the front matter if absent).
/// `today` is `MM/DD/YYYY`.
pub fn stamp(site: &Site, path: &Path, today: &str) -> Result<String, Diagnostic> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or(path.to_path_buf())
    };
    let abs = abs.canonicalize().map_err(|e| {
        Diagnostic::new(Kind::Io, format!("cannot open: {e}")).in_file(path.display().to_string())
    })?;
    let (lid, rel) = site
        .locales
        .iter()
        .enumerate()
        .find_map(|(i, l)| {
            let root = l.root.canonicalize().ok()?;
            abs.strip_prefix(&root)
                .ok()
                .map(|r| (i, r.to_string_lossy().replace('\\', "/")))
        })
        .ok_or_else(|| {
            Diagnostic::new(Kind::Locale, "the file is not in a locale folder")
                .in_file(path.display().to_string())
        })?;
    if lid == site.source_locale {
        return Err(Diagnostic::new(
            Kind::Locale,
            "the file is in the source locale; stamp its translations",
        )
        .in_file(path.display().to_string()));
    }
    let src_loc = site.source_locale();
    let src = src_loc.markdown.get(&rel).ok_or_else(|| {
        Diagnostic::new(
            Kind::Locale,
            format!("no source article `{rel}` in `{}`", src_loc.code),
        )
        .in_file(path.display().to_string())
    })?;
    let hash = load::crlf_sha1(&src.text);
    let bytes = std::fs::read(&abs).map_err(|e| {
        Diagnostic::new(Kind::Io, format!("cannot read: {e}")).in_file(path.display().to_string())
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::new(Kind::Encoding, "the file is not valid UTF-8")
            .in_file(path.display().to_string())
    })?;
    let updated = set_fields(
        &text,
        &[("ms.openlocfilehash", &hash), ("ms.lasthandoff", today)],
    )
    .ok_or_else(|| {
        Diagnostic::new(Kind::FrontMatter, "the file has no front matter to stamp")
            .in_file(path.display().to_string())
    })?;
    std::fs::write(&abs, updated).map_err(|e| {
        Diagnostic::new(Kind::Io, format!("cannot write: {e}")).in_file(path.display().to_string())
    })?;
    Ok(hash)
}

/// Replaces the values of top-level front matter keys, keeping every other byte (BOM, line
/// endings, comments, order). Missing keys are appended before the closing `---`.
pub fn set_fields(text: &str, fields: &[(&str, &str)]) -> Option<String> {
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let body = &text[bom.len()..];
    let split = frontmatter::split(body).ok()?;
    let yaml = split.yaml?;
    let nl = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str(bom);
    out.push_str(&body[..yaml.start]);
    let mut done = vec![false; fields.len()];
    for line in body[yaml.clone()].split_inclusive('\n') {
        let key = line.split(':').next().unwrap_or("");
        match fields
            .iter()
            .position(|(k, _)| *k == key && line.len() > key.len())
        {
            Some(i) => {
                let ending = if line.ends_with("\r\n") {
                    "\r\n"
                } else if line.ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                out.push_str(&format!("{key}: {}{ending}", fields[i].1));
                done[i] = true;
            }
            None => out.push_str(line),
        }
    }
    for (i, (k, v)) in fields.iter().enumerate() {
        if !done[i] {
            out.push_str(&format!("{k}: {v}{nl}"));
        }
    }
    out.push_str(&body[yaml.end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_fields_keeps_other_bytes() {
        let t = "---\r\ntitle: Hej # kommentar\r\nms.openlocfilehash: abc\r\nms.locfileid: \"1\"\r\n---\r\nBody\r\n";
        let out = set_fields(
            t,
            &[
                ("ms.openlocfilehash", "f00"),
                ("ms.lasthandoff", "11/28/2026"),
            ],
        )
        .unwrap();
        assert_eq!(out, "---\r\ntitle: Hej # kommentar\r\nms.openlocfilehash: f00\r\nms.locfileid: \"1\"\r\nms.lasthandoff: 11/28/2026\r\n---\r\nBody\r\n");
        assert!(set_fields("no front matter", &[("a", "b")]).is_none());
    }
}
