//! Reading a theme: every file of the site's theme folder, or the default theme compiled into
//! the binary. `render::theme` builds the templates, static files and UI strings from them.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Kind};

macro_rules! builtin {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)) as &[u8])),*]
    };
}

/// The default theme, compiled in so `helpsite init` + `build` work anywhere.
pub const BUILTIN: &[(&str, &[u8])] = builtin![
    "templates/base.html",
    "templates/page.html",
    "templates/root.html",
    "templates/404.html",
    "templates/redirect.html",
    "templates/search.html",
    "templates/search-box.html",
    "static/helpsite.css",
    "static/helpsite.js",
    "static/search.js",
    "static/favicon.svg",
    "i18n/en-US.yml",
    "i18n/sv-SE.yml",
    "i18n/ar-SA.yml",
    "i18n/da-DK.yml",
    "i18n/de-DE.yml",
    "i18n/es-ES.yml",
    "i18n/fi-FI.yml",
    "i18n/fr-FR.yml",
    "i18n/it-IT.yml",
    "i18n/ja-JP.yml",
    "i18n/ko-KR.yml",
    "i18n/nb-NO.yml",
    "i18n/nl-NL.yml",
    "i18n/pl-PL.yml",
    "i18n/pt-BR.yml",
    "i18n/pt-PT.yml",
    "i18n/ru-RU.yml",
    "i18n/tr-TR.yml",
    "i18n/zh-CN.yml",
    "i18n/zh-TW.yml",
    "i18n/he-IL.yml",
    "i18n/cs-CZ.yml",
    "i18n/hu-HU.yml",
    "i18n/el-GR.yml",
];

/// A theme's files as read: path inside the theme (`templates/page.html`) and bytes.
pub struct ThemeFiles {
    /// Where the theme came from, for messages.
    pub origin: String,
    pub files: Vec<(String, Vec<u8>)>,
}

fn read_dir_files(dir: &Path) -> Vec<(String, PathBuf)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/");
            (rel, e.path().to_path_buf())
        })
        .collect()
}

/// Reads every file of the theme folder `dir` (templates and UI strings bounded by
/// `max_file_size` like other text inputs), or takes the built-in theme when there is none.
pub fn read(
    dir: Option<&Path>,
    site_root: &Path,
    max_file_size: u64,
) -> Result<ThemeFiles, Diagnostic> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let origin;
    match dir {
        Some(d) if d.is_dir() => {
            origin = d.strip_prefix(site_root).unwrap_or(d).display().to_string();
            for (rel, path) in read_dir_files(d) {
                // Templates and UI strings are parsed: bounded like other text inputs.
                let max = (!rel.starts_with("static/")).then_some(max_file_size);
                let bytes = crate::source::read_regular(&path, max).map_err(|e| {
                    Diagnostic::new(Kind::Io, format!("cannot read theme file: {e}"))
                        .in_file(path.display().to_string())
                })?;
                files.push((rel, bytes));
            }
        }
        Some(d) => {
            return Err(Diagnostic::new(
                Kind::Config,
                format!("the theme folder {} does not exist", d.display()),
            )
            .in_file(crate::config::CONFIG_FILE)
            .hint("remove `theme:` to use the built-in theme"));
        }
        None => {
            origin = "built-in theme".into();
            files = BUILTIN
                .iter()
                .map(|(p, b)| (p.to_string(), b.to_vec()))
                .collect();
        }
    }
    Ok(ThemeFiles { origin, files })
}
