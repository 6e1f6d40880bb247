//! `helpsite.yml`: the site configuration. Unknown keys are errors, so a typo never passes
//! silently; every error names the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::source::{Source, SourceFile};

pub const CONFIG_FILE: &str = "helpsite.yml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Absolute URL of the published site; may carry a sub-path (`https://host/docs/`).
    pub base_url: String,
    /// Locale code of the language the articles are written in, e.g. `en-US`.
    pub source_locale: String,
    pub locales: Vec<LocaleConfig>,
    /// Theme folder, relative to the site; `None` uses the theme built into the binary.
    #[serde(default)]
    pub theme: Option<PathBuf>,
    /// Folder holding one sub-folder per locale, relative to the site.
    #[serde(default = "default_content")]
    pub content: PathBuf,
    /// Level per check kind, e.g. `broken_link: error`.
    #[serde(default)]
    pub checks: BTreeMap<Kind, Level>,
    /// Extra alert kinds beside NOTE, TIP, IMPORTANT, CAUTION and WARNING.
    #[serde(default)]
    pub alerts: Vec<AlertConfig>,
    /// Which moniker ranges to publish; empty publishes every range, each labelled.
    #[serde(default)]
    pub monikers: Vec<String>,
    /// What to do with raw HTML written in articles: `allow` (trusted writers; DocFX content
    /// needs it), `sanitize` (an allow-list keeps safe markup, drops scripts and handlers) or
    /// `deny` (an error at its location).
    #[serde(default)]
    pub raw_html: RawHtml,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    #[default]
    Allow,
    Sanitize,
    Deny,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocaleConfig {
    /// BCP 47 code, e.g. `sv-SE`. Its lower-case form names the folder and the URL prefix.
    pub code: String,
    /// The language's own name, shown in the language switcher (`Svenska`).
    pub name: String,
    /// Folder of this locale's articles; defaults to `<content>/<code lower-case>`. May point
    /// outside the site (a separate checkout of a localized repository).
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Text direction; defaults to `rtl` for Arabic, Hebrew, Persian and Urdu.
    #[serde(default)]
    pub dir: Option<TextDir>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDir {
    Ltr,
    Rtl,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertConfig {
    /// The marker, as in `> [!SECURITY]`; matched case-insensitively.
    pub name: String,
    /// Key of the title in the theme's UI strings; defaults to `alert_<name lower-case>`.
    #[serde(default)]
    pub title_key: Option<String>,
    /// Look borrowed from a built-in kind (`note`, `tip`, `important`, `caution`, `warning`).
    #[serde(default = "default_alert_style")]
    pub style: String,
}

fn default_content() -> PathBuf {
    PathBuf::from("content")
}

fn default_alert_style() -> String {
    "note".into()
}

impl LocaleConfig {
    pub fn folder_name(&self) -> String {
        self.code.to_ascii_lowercase()
    }

    pub fn text_dir(&self) -> TextDir {
        if let Some(d) = self.dir {
            return d;
        }
        let lang = self
            .code
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" => TextDir::Rtl,
            _ => TextDir::Ltr,
        }
    }
}

/// The loaded configuration plus where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub source: Source,
    /// The site folder: every relative path in the config is resolved against it.
    pub root: PathBuf,
}

impl LoadedConfig {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.config.content)
    }

    pub fn locale_dir(&self, locale: &LocaleConfig) -> PathBuf {
        match &locale.path {
            Some(p) => self.root.join(p),
            None => self.content_dir().join(locale.folder_name()),
        }
    }

    pub fn theme_dir(&self) -> Option<PathBuf> {
        self.config.theme.as_ref().map(|t| self.root.join(t))
    }
}

/// Reads and validates `<root>/helpsite.yml`.
pub fn load(root: &Path) -> Result<LoadedConfig, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    let display = CONFIG_FILE.to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let msg = if e.kind() == std::io::ErrorKind::NotFound {
            format!("no {CONFIG_FILE} in {}", root.display())
        } else {
            format!("cannot read {}: {e}", path.display())
        };
        Diagnostic::new(Kind::Config, msg)
            .in_file(path.display().to_string())
            .hint("run `helpsite init DIR` to create a site, or pass `--site DIR`")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let source = SourceFile::new(path, display, text);
    let config: Config = serde_yaml::from_str(&source.text).map_err(|e| {
        let message = e.to_string();
        let span = e
            .location()
            .map(|l| {
                // A repeated key is reported at the start of its mapping: point at the repeat.
                let at = message
                    .split_once("duplicate field `")
                    .and_then(|(_, rest)| rest.split_once('`'))
                    .and_then(|(key, _)| repeated_key_at(&source.text, l.index(), key))
                    .unwrap_or(l.index());
                at..at + 1
            })
            .unwrap_or(0..0);
        // serde_yaml appends " at line N column M"; the location says it already.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let mut d = Diagnostic::new(Kind::Config, format!("invalid configuration: {message}"))
            .at(&source, span);
        if message.contains("unknown field") {
            d = d.hint("see the configuration section of the README for the accepted keys");
        }
        d
    })?;
    let loaded = LoadedConfig {
        config,
        source,
        root: root.to_path_buf(),
    };
    validate(&loaded)?;
    Ok(loaded)
}

/// The offset of the second `key:` of the mapping that starts at `start` (keys of one mapping
/// stand at its column; a nested mapping's keys further in, and the mapping ends at the first
/// line that starts before its column).
fn repeated_key_at(text: &str, start: usize, key: &str) -> Option<usize> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let col = start - line_start;
    let needle = format!("{key}:");
    let mut seen = 0;
    let mut offset = line_start;
    for (n, line) in text[line_start..].split_inclusive('\n').enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
        if n > 0 && !blank && indent < col {
            break;
        }
        if indent == col && line[col..].starts_with(&needle) {
            seen += 1;
            if seen == 2 {
                return Some(offset + col);
            }
        }
        offset += line.len();
    }
    None
}

fn key_span(source: &Source, key: &str) -> std::ops::Range<usize> {
    let needle = format!("{key}:");
    source
        .text
        .match_indices(&needle)
        .find(|(i, _)| *i == 0 || source.text.as_bytes()[i - 1] == b'\n')
        .map(|(i, _)| i..i + key.len())
        .unwrap_or(0..0)
}

fn validate(c: &LoadedConfig) -> Result<(), Diagnostic> {
    let cfg = &c.config;
    let err = |key: &str, msg: String| {
        Diagnostic::new(Kind::Config, msg).at(&c.source, key_span(&c.source, key))
    };
    if cfg.locales.is_empty() {
        return Err(err("locales", "`locales` lists no locale".into()));
    }
    if !cfg
        .locales
        .iter()
        .any(|l| l.code.eq_ignore_ascii_case(&cfg.source_locale))
    {
        return Err(err(
            "source_locale",
            format!(
                "source_locale `{}` is not one of the `locales`",
                cfg.source_locale
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for l in &cfg.locales {
        if !valid_locale_code(&l.code) {
            return Err(err(
                "locales",
                format!("`{}` is not a locale code such as `en-US`", l.code),
            )
            .hint("use a BCP 47 tag: language, then optional script and region, joined by `-`"));
        }
        if !seen.insert(l.folder_name()) {
            return Err(err(
                "locales",
                format!("locale `{}` is listed twice", l.code),
            ));
        }
    }
    if !(cfg.base_url.starts_with("http://")
        || cfg.base_url.starts_with("https://")
        || cfg.base_url.starts_with('/'))
    {
        return Err(err(
            "base_url",
            format!("base_url `{}` is not an absolute URL", cfg.base_url),
        )
        .hint("for example `https://help.example.com/` or `https://example.github.io/docs/`"));
    }
    Ok(())
}

fn valid_locale_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Config {
    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let rest = self
            .base_url
            .split_once("://")
            .map(|(_, r)| r.split_once('/').map(|(_, p)| p).unwrap_or(""))
            .unwrap_or(self.base_url.trim_start_matches('/'));
        let p = rest.trim_matches('/');
        if p.is_empty() {
            "/".into()
        } else {
            format!("/{p}/")
        }
    }

    /// `base_url` without a trailing slash, for absolute URLs (sitemap, canonical links).
    pub fn origin_and_base(&self) -> String {
        self.base_url.trim_end_matches('/').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<LoadedConfig, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), yaml).unwrap();
        load(dir.path())
    }

    const OK: &str = "title: T\nbase_url: https://h.example/docs\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: ar-SA\n    name: العربية\n";

    #[test]
    fn base_path_and_direction() {
        let c = parse(OK).unwrap();
        assert_eq!(c.config.base_path(), "/docs/");
        assert_eq!(c.config.locales[1].text_dir(), TextDir::Rtl);
        assert_eq!(c.config.locales[0].text_dir(), TextDir::Ltr);
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let e = parse(&format!("{OK}colour: red\n")).unwrap_err();
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col().unwrap().0, 9);
    }

    /// A repeated key is reported at its own line, not at the start of its mapping (1:1).
    #[test]
    fn duplicate_key_names_its_own_line() {
        let e = parse(&format!("{OK}title: Again\n")).unwrap_err();
        assert!(
            e.message.contains("duplicate field `title`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col().unwrap(), (9, 1));
        // In a locale's entry: the second `name` (line 7), column 5.
        let nested = OK.replace(
            "    name: English\n",
            "    name: English\n    name: Engelska\n",
        );
        let e = parse(&nested).unwrap_err();
        assert!(
            e.message.contains("duplicate field `name`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col().unwrap(), (7, 5));
    }

    #[test]
    fn source_locale_must_be_listed() {
        let e = parse(&OK.replace("source_locale: en-US", "source_locale: de-DE")).unwrap_err();
        assert!(e.message.contains("de-DE"));
        assert_eq!(e.line_col(), Some((3, 1)));
    }
}
