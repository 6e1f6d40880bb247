//! Build-time syntax highlighting with syntect and two-face's syntax set. Output uses CSS
//! classes (`hl-*`), so one stylesheet gives a light and a dark theme. Identical blocks are
//! highlighted once per build.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache::{feed, key_of, Cache, Key};

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// Highlighted blocks by key of language and code, with whether this build used them.
    cache: Mutex<HashMap<Key, (Arc<str>, bool)>>,
    /// A block was highlighted that the build cache does not have.
    fresh: AtomicBool,
}

const PACK: &str = "highlight.pack";

/// What became of a code block.
pub struct Highlighted {
    /// The `<code>` element's inner HTML.
    pub html: Arc<str>,
    /// The language was named but is unknown: the block is plain text.
    pub unknown_language: bool,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    pub fn new() -> Self {
        Highlighter {
            syntaxes: two_face::syntax::extra_newlines(),
            cache: Mutex::new(HashMap::new()),
            fresh: AtomicBool::new(false),
        }
    }

    fn find(&self, lang: &str) -> Option<&SyntaxReference> {
        let lang = lang.trim().to_ascii_lowercase();
        let token = match lang.as_str() {
            "azurecli" | "azurecli-interactive" | "shell" | "sh" | "zsh" | "bash" => "bash",
            "azurepowershell" | "azurepowershell-interactive" | "ps" | "pwsh" | "ps1" => {
                "powershell"
            }
            "csharp" | "c#" | "cs" => "cs",
            "cmd" | "bat" | "batch" => "bat",
            "js" | "javascript" => "js",
            "ts" | "typescript" => "ts",
            "yml" => "yaml",
            "jsonc" => "json",
            "html" | "xml" | "xaml" | "csproj" => &lang,
            other => other,
        };
        self.syntaxes.find_syntax_by_token(token)
    }

    /// Highlights `code` as `lang`. Plain-text languages (`text`, `output`, `console`...) and
    /// unknown ones come back escaped and unhighlighted.
    pub fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        let plain = lang.is_empty()
            || matches!(
                lang.to_ascii_lowercase().as_str(),
                "text" | "txt" | "plaintext" | "output" | "console" | "none" | "dns" | "http"
            );
        let syntax = if plain { None } else { self.find(lang) };
        let Some(syntax) = syntax else {
            return Highlighted {
                html: escape_html(code).into(),
                unknown_language: !plain,
            };
        };
        let mut h = blake3::Hasher::new();
        feed(&mut h, &syntax.name);
        feed(&mut h, code);
        let key = key_of(&h);
        if let Some(hit) = self.cache.lock().expect("cache lock").get_mut(&key) {
            hit.1 = true;
            return Highlighted {
                html: hit.0.clone(),
                unknown_language: false,
            };
        }
        let mut gen =
            ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
        let mut ok = true;
        for line in LinesWithEndings::from(code) {
            if gen
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                ok = false;
                break;
            }
        }
        let html: Arc<str> = if ok {
            gen.finalize().into()
        } else {
            escape_html(code).into()
        };
        self.cache
            .lock()
            .expect("cache lock")
            .insert(key, (html.clone(), true));
        self.fresh.store(true, Ordering::Relaxed);
        Highlighted {
            html,
            unknown_language: false,
        }
    }
}

impl Highlighter {
    /// Adds the blocks of the build cache's highlight pack.
    pub fn preload(&self, cache: &Cache) {
        let mut map = self.cache.lock().expect("cache lock");
        cache.read_pack(
            PACK,
            |_| true,
            |k, bytes| {
                if let Ok(s) = String::from_utf8(bytes) {
                    map.entry(k).or_insert((s.into(), false));
                }
            },
        );
    }

    /// Writes the highlight pack when this build highlighted anything new: the blocks this
    /// build used, plus, unless `only_used`, the ones it loaded and did not need.
    pub fn save(&self, cache: &Cache, only_used: bool) -> std::io::Result<()> {
        if !self.fresh.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        let map = self.cache.lock().expect("cache lock");
        cache.write_pack(
            PACK,
            map.iter()
                .filter(|(_, (_, used))| *used || !only_used)
                .map(|(k, (html, _))| (*k, html.as_bytes())),
        )
    }
}

/// The stylesheet for highlighted code: a light theme, and a dark one for readers who prefer it.
pub fn stylesheet() -> String {
    let themes = two_face::theme::extra();
    let light = syntect::html::css_for_theme_with_class_style(
        themes.get(two_face::theme::EmbeddedThemeName::InspiredGithub),
        CLASS_STYLE,
    )
    .unwrap_or_default();
    let dark = syntect::html::css_for_theme_with_class_style(
        themes.get(two_face::theme::EmbeddedThemeName::OneHalfDark),
        CLASS_STYLE,
    )
    .unwrap_or_default();
    format!(
        "/* Generated by helpsite from syntect themes: InspiredGitHub (light), OneHalfDark (dark). */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_html_into(&mut out, s);
    out
}

/// Appends `s` to `out` with `& < > " '` escaped. Text without them is copied in one step.
pub fn escape_html_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_writers_use_highlight() {
        let h = Highlighter::new();
        for (lang, code) in [
            ("powershell", "Get-Item -Path $env:TEMP\n"),
            ("bash", "dig +short TXT example.com\n"),
            ("json", "{\"a\": 1}\n"),
            ("yaml", "a: 1\n"),
            ("xml", "<a b=\"c\"/>\n"),
            ("csharp", "var x = 1;\n"),
            ("toml", "a = 1\n"),
        ] {
            let out = h.highlight(lang, code);
            assert!(!out.unknown_language, "{lang}");
            assert!(out.html.contains("class=\"hl-"), "{lang}: {}", out.html);
        }
    }

    #[test]
    fn unknown_and_plain_languages_are_escaped_text() {
        let h = Highlighter::new();
        let out = h.highlight("klingon", "<b>\n");
        assert!(out.unknown_language);
        assert_eq!(&*out.html, "&lt;b&gt;\n");
        assert!(!h.highlight("text", "x").unknown_language);
    }
}
