//! Translation workflow: per-locale status (up to date, stale, machine-translated, missing) and
//! `stamp`, which records the current source hash in a translation after it was updated.
//! [`dashboard`] shows the status as a page.

mod changes;
pub mod dashboard;

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Kind};
use crate::load::{self, frontmatter};
use crate::site::{PageId, PageState, Site};

#[derive(Debug, Default, Serialize)]
pub struct LocaleStatus {
    pub locale: String,
    pub name: String,
    pub up_to_date: usize,
    pub stale: usize,
    pub machine_translated: usize,
    pub missing: usize,
    /// Machine translations that are stale too (counted in both `stale` and
    /// `machine_translated`), so a dashboard can show the states without overlap.
    #[serde(skip)]
    pub machine_stale: usize,
    pub stale_pages: Vec<PageRef>,
    pub missing_pages: Vec<PageRef>,
    pub machine_pages: Vec<PageRef>,
    /// Articles of the locale with no source article (published in their own locale only).
    pub source_missing: usize,
    pub source_missing_pages: Vec<PageRef>,
    /// The same counts per top folder of the locale's articles (`""`: files at the top).
    pub folders: Vec<FolderStatus>,
}

/// [`LocaleStatus`]'s counts for one top folder.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FolderStatus {
    pub folder: String,
    pub up_to_date: usize,
    pub stale: usize,
    pub machine_translated: usize,
    pub missing: usize,
    pub source_missing: usize,
    #[serde(skip)]
    pub machine_stale: usize,
}

/// A translation state `l10n status --state` can list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Stale,
    Missing,
    Machine,
    SourceMissing,
}

#[derive(Debug, Serialize)]
pub struct PageRef {
    /// The translation's file (for stale and machine pages) or where it would be (missing).
    pub file: String,
    /// The source article it translates.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handed_off: Option<String>,
    /// The locale's page (the fallback page, for a missing translation).
    #[serde(skip)]
    pub page: PageId,
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
        let mut folders: std::collections::BTreeMap<String, FolderStatus> = Default::default();
        for (pid, p) in site.locale_pages(lid) {
            let folder = top_folder(l, &p.rel);
            let f = folders
                .entry(folder.clone())
                .or_insert_with(|| FolderStatus {
                    folder,
                    ..Default::default()
                });
            let Some(src) = p.source_page.map(|s| &site.pages[s]) else {
                if matches!(p.state, PageState::Translated { .. }) {
                    st.source_missing += 1;
                    f.source_missing += 1;
                    st.source_missing_pages.push(PageRef {
                        file: p.source.display.clone(),
                        source: String::new(),
                        handed_off: p.meta_str("ms.lasthandoff"),
                        page: pid,
                    });
                }
                continue;
            };
            match p.state {
                PageState::Fallback => f.missing += 1,
                PageState::Translated { machine, stale } => {
                    if stale {
                        f.stale += 1;
                    } else {
                        f.up_to_date += 1;
                    }
                    if machine {
                        f.machine_translated += 1;
                        f.machine_stale += usize::from(stale);
                    }
                }
                PageState::Source => {}
            }
            let r = || PageRef {
                file: if p.state == PageState::Fallback {
                    // A locale folder that is the site's own (a locale repository) adds nothing.
                    if display_root.is_empty() {
                        p.rel.clone()
                    } else {
                        format!("{display_root}/{}", p.rel)
                    }
                } else {
                    p.source.display.clone()
                },
                source: src.source.display.clone(),
                handed_off: p.meta_str("ms.lasthandoff"),
                page: pid,
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
                        st.machine_stale += usize::from(stale);
                        st.machine_pages.push(r());
                    }
                }
                PageState::Source => {}
            }
        }
        st.folders = folders.into_values().collect();
        out.push(st);
    }
    out
}

/// The top folder of an article, inside its docset: `admin` for
/// `microsoft-365/admin/setup.md` in a docset at `microsoft-365/`.
fn top_folder(locale: &crate::site::Locale, rel: &str) -> String {
    let inner = locale
        .docset_of(rel)
        .and_then(|d| d.inner(rel))
        .unwrap_or(rel);
    match inner.split_once('/') {
        Some((first, _)) => first.to_string(),
        None => String::new(),
    }
}

/// Keeps only the lists of the given states (all of them when `states` is empty).
pub fn only_states(st: &mut [LocaleStatus], states: &[State]) {
    if states.is_empty() {
        return;
    }
    for l in st {
        if !states.contains(&State::Stale) {
            l.stale_pages.clear();
        }
        if !states.contains(&State::Missing) {
            l.missing_pages.clear();
        }
        if !states.contains(&State::Machine) {
            l.machine_pages.clear();
        }
        if !states.contains(&State::SourceMissing) {
            l.source_missing_pages.clear();
        }
    }
}

/// Plain-text table of [`status`]: the counts per locale, per top folder when a locale has
/// more than one, then the pages of the listed states. `machine` lists only when asked for
/// (`--state machine`): machine translations count as up to date or stale too.
pub fn status_table(st: &[LocaleStatus], states: &[State]) -> String {
    let wide = st.iter().any(|l| l.source_missing > 0);
    let line = |name: &str, cells: [String; 5]| {
        let [a, b, c, d, e] = cells;
        let mut r = format!("{name:<8} {a:>10} {b:>6} {c:>8} {d:>8}");
        if wide {
            r.push_str(&format!(" {e:>14}"));
        }
        r.push('\n');
        r
    };
    let row = |name: &str, a: usize, b: usize, c: usize, d: usize, e: usize| {
        line(name, [a, b, c, d, e].map(|n| n.to_string()))
    };
    let mut s = line(
        "locale",
        [
            "up-to-date",
            "stale",
            "machine",
            "missing",
            "source-missing",
        ]
        .map(str::to_string),
    );
    for l in st {
        s.push_str(&row(
            &l.locale,
            l.up_to_date,
            l.stale,
            l.machine_translated,
            l.missing,
            l.source_missing,
        ));
    }
    for l in st.iter().filter(|l| l.folders.len() > 1) {
        s.push_str(&format!("\n{} by folder:\n", l.locale));
        for f in &l.folders {
            let name = if f.folder.is_empty() {
                "(top)"
            } else {
                &f.folder
            };
            let r = row(
                "",
                f.up_to_date,
                f.stale,
                f.machine_translated,
                f.missing,
                f.source_missing,
            );
            s.push_str(&format!("  {name:<30}{}", &r[8..]));
        }
    }
    for l in st {
        if states.contains(&State::Machine) {
            for p in &l.machine_pages {
                s.push_str(&format!("\n{} machine: {}", l.locale, p.file));
            }
        }
        for p in &l.source_missing_pages {
            s.push_str(&format!("\n{} source missing: {}", l.locale, p.file));
        }
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
    if st.iter().any(|l| {
        !l.stale_pages.is_empty()
            || !l.missing_pages.is_empty()
            || !l.source_missing_pages.is_empty()
            || (states.contains(&State::Machine) && !l.machine_pages.is_empty())
    }) {
        s.push('\n');
    }
    s
}

/// Writes the current source hash (and today's date as `ms.lasthandoff`) into the translation
/// at `path`, changing only those two lines (added at the end of the front matter if absent).
/// `today` is `MM/DD/YYYY`.
/// The locale and path of the translation file `path` (relative to the working folder):
/// an error when it is in no locale's folder, or in the source locale's (`what` it cannot do).
fn translation_of(
    site: &Site,
    path: &Path,
    what: &str,
) -> Result<(usize, String, std::path::PathBuf), Diagnostic> {
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
    // The deepest locale folder that holds the file (a locale repository may hold its source
    // repository at `_repo.en-us`).
    let (lid, rel) = site
        .locales
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let root = l.root.canonicalize().ok()?;
            abs.strip_prefix(&root)
                .ok()
                .map(|r| (i, r.to_string_lossy().replace('\\', "/")))
        })
        .min_by_key(|(_, rel)| rel.len())
        .ok_or_else(|| {
            Diagnostic::new(Kind::Locale, "the file is not in a locale folder")
                .in_file(path.display().to_string())
        })?;
    if lid == site.source_locale {
        return Err(Diagnostic::new(
            Kind::Locale,
            format!("the file is in the source locale; {what} its translations"),
        )
        .in_file(path.display().to_string()));
    }
    Ok((lid, rel, abs))
}

/// What changed in the source article of the translation `path` since it was handed off: the
/// unified diff of the source file from the commit named by the translation's
/// `ms.sourcegitcommit` to the working tree, from the `git` command (every writer who has a
/// clone has it; a git library would add a large dependency for one read-only diff). An
/// error that says why when it cannot be made.
pub fn diff(site: &Site, path: &Path) -> Result<String, Diagnostic> {
    let (lid, rel, _) = translation_of(site, path, "diff")?;
    let shown = path.display().to_string();
    let text = site.locales[lid].markdown.get(&rel).ok_or_else(|| {
        Diagnostic::new(Kind::Locale, "the file is not a Markdown article").in_file(shown.clone())
    })?;
    let front = frontmatter::parse(text)?;
    let commit = frontmatter::string_field(&front.fields, "ms.sourcegitcommit")
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| {
            Diagnostic::new(
                Kind::Locale,
                "the translation has no `ms.sourcegitcommit`: nothing records which source it was made from",
            )
            .in_file(shown.clone())
            .hint("the localization pipeline writes it at hand-off; without it, compare by hand")
        })?;
    let commit = commit.trim();
    if !commit.chars().all(|c| c.is_ascii_hexdigit()) || !(4..=64).contains(&commit.len()) {
        return Err(Diagnostic::new(
            Kind::Locale,
            format!("ms.sourcegitcommit `{commit}` is not a commit id"),
        )
        .at(
            text,
            frontmatter::field_span(text, &front, "ms.sourcegitcommit"),
        ));
    }
    let src_loc = site.source_locale();
    let source = src_loc.markdown.get(&rel).ok_or_else(|| {
        Diagnostic::new(
            Kind::Locale,
            format!("no source article `{rel}` in `{}`", src_loc.code),
        )
        .in_file(shown.clone())
    })?;
    let file = source.path.clone();
    let dir = file.parent().unwrap_or(Path::new("."));
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
    };
    let cannot = |why: String| {
        Diagnostic::new(
            Kind::Locale,
            format!("cannot diff `{}`: {why}", source.display),
        )
        .in_file(shown.clone())
    };
    let top = git(&["rev-parse", "--show-toplevel"]).map_err(|e| {
        cannot(format!("the `git` command cannot run ({e})"))
            .hint("install git to see what changed in the source")
    })?;
    if !top.status.success() {
        return Err(cannot(format!(
            "the source locale's folder is not in a git repository ({})",
            String::from_utf8_lossy(&top.stderr).trim()
        )));
    }
    let found = git(&["cat-file", "-e", &format!("{commit}^{{commit}}")])
        .map_err(|e| cannot(e.to_string()))?;
    if !found.status.success() {
        return Err(cannot(format!(
            "commit {commit} (ms.sourcegitcommit) is not in the source repository"
        ))
        .hint("fetch the source repository's history (`git fetch`, or clone without --depth)"));
    }
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["diff", "--no-color", "--no-ext-diff", commit, "--"])
        // Relative to `dir`, where git runs: the file's own path may be relative to the
        // working folder.
        .arg(file.file_name().unwrap_or_default())
        .output()
        .map_err(|e| cannot(e.to_string()))?;
    if !out.status.success() {
        return Err(cannot(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Ok(if text.is_empty() {
        format!("{}: unchanged since {commit}\n", source.display)
    } else {
        text
    })
}

pub fn stamp(site: &Site, path: &Path, today: &str) -> Result<String, Diagnostic> {
    let (_, rel, abs) = translation_of(site, path, "stamp")?;
    let src_loc = site.source_locale();
    let src = src_loc.markdown.get(&rel).ok_or_else(|| {
        Diagnostic::new(
            Kind::Locale,
            format!("no source article `{rel}` in `{}`", src_loc.code),
        )
        .in_file(path.display().to_string())
    })?;
    let hash = load::crlf_sha1(&src.text);
    let bytes = crate::source::read_regular(&abs, Some(site.config.max_file_size()))
        .map_err(|e| load::read_error(e, path.display().to_string()))?;
    let updated = stamp_bytes(
        &bytes,
        &[("ms.openlocfilehash", &hash), ("ms.lasthandoff", today)],
    )
    .map_err(|e| {
        let d = match e {
            StampError::NotText => Diagnostic::new(
                Kind::Encoding,
                "the file is not UTF-8, or UTF-16 with a byte order mark",
            ),
            StampError::NoFrontMatter => {
                Diagnostic::new(Kind::FrontMatter, "the file has no front matter to stamp")
            }
        };
        d.in_file(path.display().to_string())
    })?;
    std::fs::write(&abs, updated).map_err(|e| {
        Diagnostic::new(Kind::Io, format!("cannot write: {e}")).in_file(path.display().to_string())
    })?;
    Ok(hash)
}

/// Why [`stamp_bytes`] could not stamp a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StampError {
    NotText,
    NoFrontMatter,
}

/// [`set_fields`] on a file's bytes, in the file's own encoding: UTF-8 with or without a BOM,
/// or UTF-16 (LE or BE) with its BOM, decoded the way `build` decodes it and encoded back the
/// same way, so every byte but the stamped values stays as it was.
pub fn stamp_bytes(bytes: &[u8], fields: &[(&str, &str)]) -> Result<Vec<u8>, StampError> {
    let text = crate::source::decode(bytes).map_err(|_| StampError::NotText)?;
    let updated = set_fields(&text, fields).ok_or(StampError::NoFrontMatter)?;
    let utf16 = |bom: [u8; 2], le: bool| -> Vec<u8> {
        let mut out = bom.to_vec();
        for u in updated.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    };
    Ok(match bytes {
        [0xFF, 0xFE, ..] => utf16([0xFF, 0xFE], true),
        [0xFE, 0xFF, ..] => utf16([0xFE, 0xFF], false),
        [0xEF, 0xBB, 0xBF, ..] => [&[0xEF, 0xBB, 0xBF][..], updated.as_bytes()].concat(),
        _ => updated.into_bytes(),
    })
}

/// Replaces the values of top-level front matter keys, keeping every other byte (BOM, line
/// endings, comments, order). A value written over several lines (`>-` or `|` block scalars, a
/// value on the next line) is replaced whole. Lines end at LF, CRLF or a lone CR, as in YAML.
/// Missing keys are appended before the closing `---`, with the file's first line ending.
pub fn set_fields(text: &str, fields: &[(&str, &str)]) -> Option<String> {
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let body = &text[bom.len()..];
    let split = frontmatter::split(body).ok()?;
    let yaml = split.yaml?;
    let nl = yaml_lines(body).first().map_or("\n", |(_, e)| *e);
    let nl = if nl.is_empty() { "\n" } else { nl };
    let lines = yaml_lines(&body[yaml.clone()]);
    let mut out = String::with_capacity(text.len() + 128);
    out.push_str(bom);
    out.push_str(&body[..yaml.start]);
    let mut done = vec![false; fields.len()];
    let mut i = 0;
    while i < lines.len() {
        let (line, ending) = lines[i];
        i += 1;
        let key = line.split(':').next().unwrap_or("");
        let Some(f) = fields
            .iter()
            .position(|(k, _)| *k == key && line.len() > key.len())
        else {
            out.push_str(line);
            out.push_str(ending);
            continue;
        };
        out.push_str(&format!("{key}: {}{ending}", fields[f].1));
        done[f] = true;
        // The old value's continuation lines: indented ones, and blank lines between them.
        let mut j = i;
        while j < lines.len() {
            let l = lines[j].0;
            if l.starts_with([' ', '\t']) && !l.trim().is_empty() {
                i = j + 1;
            } else if !l.trim().is_empty() {
                break;
            }
            j += 1;
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

/// Lines of `text` as (content, ending), where an ending is `\r\n`, `\n`, a lone `\r`, or
/// empty for a last line without one. Concatenated, they give back `text`.
fn yaml_lines(text: &str) -> Vec<(&str, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let len = match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => 2,
            b'\r' | b'\n' => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push((&text[start..i], &text[i..i + len]));
        i += len;
        start = i;
    }
    if start < b.len() {
        out.push((&text[start..], ""));
    }
    out
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

    const F: &[(&str, &str)] = &[
        ("ms.openlocfilehash", "f00"),
        ("ms.lasthandoff", "11/28/2026"),
    ];

    #[test]
    fn stamp_keeps_every_other_byte_for_each_line_ending() {
        for nl in ["\n", "\r\n"] {
            let t = "---\ntitle: Hej\nms.openlocfilehash: abc\nms.locfileid: \"1\"\n---\nBody\n"
                .replace('\n', nl);
            let want = "---\ntitle: Hej\nms.openlocfilehash: f00\nms.locfileid: \"1\"\nms.lasthandoff: 11/28/2026\n---\nBody\n"
                .replace('\n', nl);
            assert_eq!(
                stamp_bytes(t.as_bytes(), F).unwrap(),
                want.as_bytes(),
                "{nl:?}"
            );
        }
        // A lone CR ends a line in YAML: the next key is kept, and its ending too.
        let t = b"---\ntitle: Hej\nms.openlocfilehash: abc\rms.locfileid: 1\rms.lasthandoff: 01/01/2020\n---\nB\r";
        assert_eq!(
            stamp_bytes(t, F).unwrap(),
            b"---\ntitle: Hej\nms.openlocfilehash: f00\rms.locfileid: 1\rms.lasthandoff: 11/28/2026\n---\nB\r"
        );
    }

    #[test]
    fn stamp_keeps_the_bom_and_replaces_folded_values_whole() {
        let t = b"\xEF\xBB\xBF---\ntitle: Hej\nms.openlocfilehash: >-\n  abc\n\n  def\nms.lasthandoff: |\n  x\n# comment\nms.locfileid: 1\n---\nBody\n";
        assert_eq!(
            String::from_utf8(stamp_bytes(t, F).unwrap()).unwrap(),
            "\u{feff}---\ntitle: Hej\nms.openlocfilehash: f00\nms.lasthandoff: 11/28/2026\n# comment\nms.locfileid: 1\n---\nBody\n"
        );
        // A value on the line after its key.
        let t = b"---\nms.openlocfilehash:\n    abc\nx: 1\n---\n";
        assert_eq!(
            String::from_utf8(stamp_bytes(t, F).unwrap()).unwrap(),
            "---\nms.openlocfilehash: f00\nx: 1\nms.lasthandoff: 11/28/2026\n---\n"
        );
    }

    #[test]
    fn stamp_reencodes_utf16_the_way_it_was() {
        let text = "---\r\ntitle: Hej ö 日\r\nms.openlocfilehash: abc\r\n---\r\nBody\r\n";
        let want = "---\r\ntitle: Hej ö 日\r\nms.openlocfilehash: f00\r\nms.lasthandoff: 11/28/2026\r\n---\r\nBody\r\n";
        let enc = |t: &str, le: bool| -> Vec<u8> {
            let mut out = if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in t.encode_utf16() {
                out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            out
        };
        for le in [true, false] {
            assert_eq!(
                stamp_bytes(&enc(text, le), F).unwrap(),
                enc(want, le),
                "le: {le}"
            );
        }
        assert_eq!(
            stamp_bytes(b"---\na: \xFF\n---\n", F),
            Err(StampError::NotText)
        );
        assert_eq!(
            stamp_bytes(b"# no front matter\n", F),
            Err(StampError::NoFrontMatter)
        );
    }
}
