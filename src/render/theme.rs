//! A theme: Tera templates, static files and UI strings per locale, built from the files
//! `load::theme` read from the site's theme folder (or took from the copy of the default theme
//! built into the binary). Nothing here reads files.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Kind};

// The built-in theme's files live with the loader, which reads themes.
pub use crate::load::theme::{ThemeFiles, BUILTIN};

pub struct Theme {
    pub tera: tera::Tera,
    /// Static files: output path (under `_static/`) -> bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// UI strings per locale code (lower-case).
    pub strings: HashMap<String, BTreeMap<String, serde_json::Value>>,
    /// Each UI strings file's locale code as its file names it (`en-us` -> `en-US`), for messages.
    pub strings_names: HashMap<String, String>,
    /// Where the theme came from, for messages.
    pub origin: String,
    /// Hash of every file of the theme: part of each page's key in the build cache.
    pub fingerprint: crate::cache::Key,
    /// A template reads the `nav` tree (the built-in theme uses the pre-rendered `nav_html`
    /// instead); the tree is only built for each page when one does.
    pub uses_nav_tree: bool,
}

/// Builds the theme from its files (read by [`crate::load::theme::read`]): templates, static
/// files, UI strings, and the fingerprint of all of them.
pub fn build(theme_files: ThemeFiles) -> Result<Theme, Diagnostic> {
    let ThemeFiles { origin, files } = theme_files;
    let mut fp = blake3::Hasher::new();
    for (rel, bytes) in &files {
        crate::cache::feed(&mut fp, rel);
        fp.update(&(bytes.len() as u64).to_le_bytes());
        fp.update(bytes);
    }
    let fingerprint = crate::cache::key_of(&fp);
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes `/`, which makes every URL unreadable in the output.
    tera.set_escape_fn(escape_for_tera);
    let mut templates = Vec::new();
    let mut statics = BTreeMap::new();
    let mut strings = HashMap::new();
    let mut strings_names = HashMap::new();
    for (rel, bytes) in files {
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8(bytes).map_err(|_| {
                Diagnostic::new(Kind::Encoding, "template is not UTF-8")
                    .in_file(format!("{origin}/{rel}"))
            })?;
            templates.push((name.to_string(), text));
        } else if let Some(name) = rel.strip_prefix("static/") {
            statics.insert(name.to_string(), bytes);
        } else if let Some(name) = rel.strip_prefix("i18n/") {
            let Some(code) = name
                .strip_suffix(".yml")
                .or_else(|| name.strip_suffix(".yaml"))
            else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let map: BTreeMap<String, serde_json::Value> = crate::source::yaml::from_str(&text)
                .map_err(|e| {
                    let src = crate::source::SourceFile::new(
                        PathBuf::from(&rel),
                        format!("{origin}/{rel}"),
                        text.clone(),
                    );
                    Diagnostic::new(Kind::Config, format!("invalid UI strings: {}", e.message))
                        .at(&src, e.offset..e.offset + 1)
                })?;
            strings.insert(code.to_ascii_lowercase(), map);
            strings_names.insert(code.to_ascii_lowercase(), code.to_string());
        }
    }
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| template_error(&origin, e))?;
    let uses_nav_tree = templates.iter().any(|(_, t)| reads_variable(t, "nav"));
    Ok(Theme {
        tera,
        statics,
        strings,
        strings_names,
        origin,
        fingerprint,
        uses_nav_tree,
    })
}

/// Whether a Tera tag (`{{ }}` or `{% %}`) of `template` names the top-level variable `name`
/// (as a whole word, not an attribute such as `item.name`).
fn reads_variable(template: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut rest = template;
    while let Some(open) = rest.find(['{']) {
        let after = &rest[open + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let Some(end) = after.find(close) else { break };
        let tag = &after[1..end];
        let mut from = 0;
        while let Some(i) = tag[from..].find(name) {
            let at = from + i;
            let before = tag[..at].chars().next_back();
            let next = tag[at + name.len()..].chars().next();
            if !before.is_some_and(|c| ident(c) || c == '.') && !next.is_some_and(ident) {
                return true;
            }
            from = at + name.len();
        }
        rest = &after[end + close.len()..];
    }
    false
}

fn escape_for_tera(s: &str) -> String {
    crate::markdown::highlight::escape_html(s)
}

pub fn template_error(origin: &str, e: tera::Error) -> Diagnostic {
    use std::error::Error as _;
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        cur = s.source();
    }
    Diagnostic::new(Kind::Template, msg).in_file(origin.to_string())
}

/// A locale's UI strings and where they came from.
pub struct LocaleStrings {
    /// Its own file's strings, every missing key taken from the fallback's.
    pub strings: BTreeMap<String, serde_json::Value>,
    /// The file the locale's own strings come from, as named (`de-DE` for `de-AT`); `None`
    /// when the theme has none for its language.
    pub own: Option<String>,
    /// The file missing strings come from: the source locale's, else `en-US`'s.
    pub fallback: Option<String>,
    /// Keys of the fallback that the locale's own file lacks.
    pub missing: Vec<String>,
}

impl Theme {
    /// The UI strings file (as named) that serves a locale code: its own (`nl-NL` ->
    /// `nl-NL.yml`), else its language's alone (`de-AT` -> `de.yml`), else the first file of the
    /// same language (`de-AT` -> `de-DE.yml`), so a region the theme does not name still gets
    /// its language's strings.
    pub fn strings_file(&self, code: &str) -> Option<&str> {
        let code = code.to_ascii_lowercase();
        let language = code.split(['-', '_']).next().unwrap_or_default();
        let name = |k: &str| self.strings_names.get(k).map(String::as_str);
        if self.strings.contains_key(&code) {
            return name(&code);
        }
        if self.strings.contains_key(language) {
            return name(language);
        }
        let mut same: Vec<&String> = self
            .strings
            .keys()
            .filter(|k| k.split(['-', '_']).next() == Some(language))
            .collect();
        same.sort();
        same.first().and_then(|k| name(k))
    }

    /// UI strings for a locale: its own file (see [`Theme::strings_file`]), with every missing
    /// key taken from the source locale's (else `en-US`'s).
    pub fn strings_for(&self, code: &str, source_code: &str) -> LocaleStrings {
        let fallback = self
            .strings_file(source_code)
            .or_else(|| self.strings_file("en-US"))
            .map(str::to_string);
        let get = |name: &str| self.strings.get(&name.to_ascii_lowercase());
        let base = fallback
            .as_deref()
            .and_then(get)
            .cloned()
            .unwrap_or_default();
        let own = self.strings_file(code).map(str::to_string);
        let Some(own_strings) = own.as_deref().and_then(get) else {
            return LocaleStrings {
                strings: base,
                own,
                fallback,
                missing: Vec::new(),
            };
        };
        let mut merged = base.clone();
        let missing = base
            .keys()
            .filter(|k| !own_strings.contains_key(*k))
            .cloned()
            .collect();
        for (k, v) in own_strings {
            merged.insert(k.clone(), v.clone());
        }
        LocaleStrings {
            strings: merged,
            own,
            fallback,
            missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reads_variable;

    #[test]
    fn finds_variables_in_tags_only() {
        assert!(reads_variable("{{ macros::nav_list(items=nav) }}", "nav"));
        assert!(reads_variable("{% for i in nav %}x{% endfor %}", "nav"));
        assert!(!reads_variable(
            "<nav class=\"sidebar\">{{ nav_html | safe }}</nav>",
            "nav"
        ));
        assert!(!reads_variable("{{ item.nav }} {{ navigation }}", "nav"));
    }
}
