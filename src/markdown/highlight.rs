//! Build-time syntax highlighting with syntect and two-face's syntax set. Output uses CSS
//! classes (`hl-*`), so one stylesheet gives a light and a dark theme. Identical blocks are
//! highlighted once per build (and kept in the build cache), and a line seen before in the
//! same parser state is not parsed again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache::{feed, key_of, Key};

use syntect::highlighting::{Color, Theme};
use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// Highlighted blocks by key of language and code, with whether this build used them.
    cache: Mutex<HashMap<Key, (Arc<str>, bool)>>,
    /// A block was highlighted that the build cache does not have.
    fresh: AtomicBool,
    /// This highlighter's number, for the line memo.
    id: u64,
}

/// Parses of single lines, by syntax, parser state before the line, and the line. Parsing a
/// line is a function of exactly these, and documentation repeats lines a lot (commands,
/// braces, blank lines, configuration keys), while syntect takes tens of microseconds per
/// line. syntect's parser state holds raw pointers and cannot cross threads, so each thread
/// keeps its own memo; each is bounded, so a huge site cannot grow it without limit.
#[derive(Default)]
struct LineMemo {
    lines: HashMap<u64, Vec<MemoLine>>,
    size: usize,
}

struct MemoLine {
    /// The [`Highlighter`] (so the syntax set) the parse belongs to.
    owner: u64,
    before: ParseState,
    line: Box<str>,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

thread_local! {
    static MEMO: std::cell::RefCell<LineMemo> = std::cell::RefCell::new(LineMemo::default());
}

/// Lines remembered at most per thread (some tens of megabytes).
const MEMO_LINES: usize = 50_000;
/// Longer lines are rarely repeated: not remembered.
const MEMO_LINE_LEN: usize = 240;

static HIGHLIGHTERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The scope operations of `line` parsed from `state`, which moves to the state after it.
fn parse_line(
    owner: u64,
    syntax: &str,
    state: &mut ParseState,
    line: &str,
    syntaxes: &SyntaxSet,
) -> Option<Vec<(usize, ScopeStackOp)>> {
    if line.len() > MEMO_LINE_LEN {
        return state.parse_line(line, syntaxes).ok();
    }
    let key = {
        use std::fmt::Write as _;
        use std::hash::{Hash, Hasher};
        // The parser state has no Hash; its Debug text shows the fields its Eq compares.
        struct H(std::collections::hash_map::DefaultHasher);
        impl std::fmt::Write for H {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.0.write(s.as_bytes());
                Ok(())
            }
        }
        let mut h = H(std::collections::hash_map::DefaultHasher::new());
        owner.hash(&mut h.0);
        syntax.hash(&mut h.0);
        line.hash(&mut h.0);
        let _ = write!(h, "{state:?}");
        h.0.finish()
    };
    MEMO.with_borrow_mut(|memo| {
        if let Some(hit) = memo.lines.get(&key).and_then(|v| {
            v.iter()
                .find(|m| m.owner == owner && &*m.line == line && m.before == *state)
        }) {
            *state = hit.after.clone();
            return Some(hit.ops.clone());
        }
        let before = state.clone();
        let ops = state.parse_line(line, syntaxes).ok()?;
        if memo.size < MEMO_LINES {
            memo.size += 1;
            memo.lines.entry(key).or_default().push(MemoLine {
                owner,
                before,
                line: line.into(),
                ops: ops.clone(),
                after: state.clone(),
            });
        }
        Some(ops)
    })
}

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
            id: HIGHLIGHTERS.fetch_add(1, Ordering::Relaxed),
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

    /// The name a code block's label shows for the fence's language (`powershell` ->
    /// "PowerShell"): the names readers know for the languages documentation uses, else the
    /// name of the syntax that highlights it. `None` for plain text (`text`, `output`,
    /// `console`, no language) and for languages helpsite does not know: a label of a guess
    /// would mislead. Language names are proper names, the same in every locale.
    pub fn display_name(&self, lang: &str) -> Option<&str> {
        let lower = lang.trim().to_ascii_lowercase();
        let known = match lower.as_str() {
            "powershell"
            | "ps"
            | "pwsh"
            | "ps1"
            | "azurepowershell"
            | "azurepowershell-interactive" => "PowerShell",
            "azurecli" | "azurecli-interactive" => "Azure CLI",
            "bash" => "Bash",
            "sh" | "shell" => "Shell",
            "zsh" => "Zsh",
            "cmd" => "Command Prompt",
            "bat" | "batch" => "Batch",
            "csharp" | "c#" | "cs" => "C#",
            "fsharp" | "f#" | "fs" => "F#",
            "vb" | "vbnet" | "vb.net" => "Visual Basic",
            "cpp" | "c++" => "C++",
            "c" => "C",
            "java" => "Java",
            "go" | "golang" => "Go",
            "rust" | "rs" => "Rust",
            "python" | "py" => "Python",
            "ruby" | "rb" => "Ruby",
            "php" => "PHP",
            "js" | "javascript" => "JavaScript",
            "ts" | "typescript" => "TypeScript",
            "json" => "JSON",
            "jsonc" => "JSON with comments",
            "yaml" | "yml" => "YAML",
            "toml" => "TOML",
            "ini" => "INI",
            "xml" | "csproj" => "XML",
            "xaml" => "XAML",
            "html" => "HTML",
            "css" => "CSS",
            "sql" | "tsql" | "t-sql" => "SQL",
            "kusto" | "kql" => "Kusto",
            "markdown" | "md" => "Markdown",
            "dockerfile" => "Dockerfile",
            "diff" => "Diff",
            "csv" => "CSV",
            "tsv" => "TSV",
            "dns" => "DNS",
            "http" => "HTTP",
            _ if is_plain(&lower) => return None,
            _ => return self.find(&lower).map(|s| s.name.as_str()),
        };
        Some(known)
    }

    /// Highlights `code` as `lang`. Plain-text languages (`text`, `output`, `console`...) and
    /// unknown ones come back escaped and unhighlighted.
    pub fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        let plain = is_plain(&lang.to_ascii_lowercase());
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
        let html: Arc<str> = match self.render(syntax, code) {
            Some(html) => html.into(),
            None => escape_html(code).into(),
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
    /// The classed HTML of a block: what syntect's `ClassedHTMLGenerator` makes, with each
    /// line's parse taken from [`LineMemo`] when the same line was parsed in the same state
    /// before. `None` when syntect fails.
    fn render(&self, syntax: &SyntaxReference, code: &str) -> Option<String> {
        let mut state = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut html = String::with_capacity(code.len() * 4);
        let mut open: isize = 0;
        for line in LinesWithEndings::from(code) {
            let ops = parse_line(self.id, &syntax.name, &mut state, line, &self.syntaxes)?;
            let (spans, delta) =
                line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut stack).ok()?;
            open += delta;
            html.push_str(&spans);
        }
        for _ in 0..open {
            html.push_str("</span>");
        }
        Some(html)
    }

    /// Empties the line memo of every thread of the pool: once the bodies are rendered it only
    /// holds memory the page templates could use.
    pub fn forget_lines(&self) {
        rayon::broadcast(|_| MEMO.with_borrow_mut(|m| *m = LineMemo::default()));
    }

    /// Adds a block of the build cache's highlight pack (the build step reads the pack).
    pub fn add_cached(&self, blocks: impl IntoIterator<Item = (Key, String)>) {
        let mut map = self.cache.lock().expect("cache lock");
        for (k, html) in blocks {
            map.entry(k).or_insert((html.into(), false));
        }
    }

    /// What the highlight pack should hold when this build highlighted anything new (`None`
    /// otherwise, and the pack is kept): the blocks this build used, plus, unless `only_used`,
    /// the ones it loaded and did not need. The build step writes them ([`crate::cache`]).
    pub fn to_save(&self, only_used: bool) -> Option<Vec<(Key, Arc<str>)>> {
        if !self.fresh.swap(false, Ordering::Relaxed) {
            return None;
        }
        let map = self.cache.lock().expect("cache lock");
        Some(
            map.iter()
                .filter(|(_, (_, used))| *used || !only_used)
                .map(|(k, (html, _))| (*k, html.clone()))
                .collect(),
        )
    }
}

/// Languages shown as plain text, without highlighting (`lang` in lower case).
fn is_plain(lang: &str) -> bool {
    matches!(
        lang,
        "" | "text" | "txt" | "plaintext" | "output" | "console" | "none" | "dns" | "http"
    )
}

/// The stylesheet for highlighted code: a light theme, and a dark one for readers who prefer it.
/// Each sits in its own media query, so no light rule the dark theme lacks (a dark grey
/// parameter) leaks onto the dark panel.
///
/// Neither theme was made for WCAG: InspiredGitHub's greens and OneHalfDark's greys fall to
/// 2.6:1 on the code panels. Every token colour is therefore moved towards black (light) or white
/// (dark), keeping its hue, until it reaches 4.5:1 on each background code is shown on: the
/// theme's `--panel` and the highlighted-line colour of `helpsite.css`, and the token's own
/// background where the theme sets one.
pub fn stylesheet() -> String {
    let themes = two_face::theme::extra();
    let mut light = themes
        .get(two_face::theme::EmbeddedThemeName::InspiredGithub)
        .clone();
    let mut dark = themes
        .get(two_face::theme::EmbeddedThemeName::OneHalfDark)
        .clone();
    // Keep in step with `--panel` and `--line-highlight` in themes/default/static/helpsite.css.
    readable(&mut light, &[rgb(0xf5f7f9), rgb(0xfbf0c4), rgb(0xffffff)]);
    readable(&mut dark, &[rgb(0x1f242b), rgb(0x3b3522), rgb(0x161a1f)]);
    let light =
        syntect::html::css_for_theme_with_class_style(&light, CLASS_STYLE).unwrap_or_default();
    let dark =
        syntect::html::css_for_theme_with_class_style(&dark, CLASS_STYLE).unwrap_or_default();
    format!(
        "/* Generated by helpsite from syntect themes: InspiredGitHub (light), OneHalfDark (dark), token colours raised to 4.5:1 contrast. */\n@media not all and (prefers-color-scheme: dark) {{\n{light}\n}}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

const MIN_CONTRAST: f64 = 4.5;

fn rgb(hex: u32) -> Color {
    Color {
        r: (hex >> 16) as u8,
        g: (hex >> 8) as u8,
        b: hex as u8,
        a: 0xff,
    }
}

/// WCAG relative luminance.
fn luminance(c: Color) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg` moved step by step towards `towards` until it reaches [`MIN_CONTRAST`] on every
/// background (a little above, so rounding in a checker never tips it under).
fn raise(fg: Color, backgrounds: &[Color], towards: Color) -> Color {
    let ok = |c: Color| {
        backgrounds
            .iter()
            .all(|&b| contrast(c, b) >= MIN_CONTRAST + 0.05)
    };
    let mix = |t: f64| {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Color {
            r: m(fg.r, towards.r),
            g: m(fg.g, towards.g),
            b: m(fg.b, towards.b),
            a: 0xff,
        }
    };
    (0..=100)
        .map(|i| mix(f64::from(i) / 100.0))
        .find(|&c| ok(c))
        .unwrap_or(towards)
}

/// Raises every foreground colour of `theme` to [`MIN_CONTRAST`] on `backgrounds`.
fn readable(theme: &mut Theme, backgrounds: &[Color]) {
    let dark_bg = luminance(backgrounds[0]) < 0.5;
    let towards = if dark_bg {
        rgb(0xffffff)
    } else {
        rgb(0x000000)
    };
    if let Some(fg) = theme.settings.foreground {
        theme.settings.foreground = Some(raise(fg, backgrounds, towards));
    }
    for item in &mut theme.scopes {
        let Some(fg) = item.style.foreground else {
            continue;
        };
        let mut on = backgrounds.to_vec();
        on.extend(item.style.background.map(|b| Color { a: 0xff, ..b }));
        item.style.foreground = Some(raise(fg, &on, towards));
    }
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

    /// Every token colour of the stylesheet reaches 4.5:1 on the code panel of its scheme.
    #[test]
    fn token_colours_meet_wcag_aa_contrast() {
        let css = stylesheet();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .unwrap();
        assert!(light.contains("@media not all and (prefers-color-scheme: dark)"));
        for (part, panel) in [(light, rgb(0xf5f7f9)), (dark, rgb(0x1f242b))] {
            let mut seen = 0;
            for line in part.lines() {
                let Some(hex) = line.trim().strip_prefix("color: #") else {
                    continue;
                };
                let fg = rgb(u32::from_str_radix(&hex[..6], 16).unwrap());
                assert!(
                    contrast(fg, panel) >= 4.5,
                    "{line}: {:.2}",
                    contrast(fg, panel)
                );
                seen += 1;
            }
            assert!(seen > 20, "{seen} colours");
        }
        // The colour that failed before (InspiredGitHub's green on the light panel, 2.82:1).
        assert!(contrast(rgb(0x62a35c), rgb(0xf5f7f9)) < 3.0);
    }

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

    /// Highlighting through the line memo gives exactly what syntect's own generator gives,
    /// also when a repeated line comes in another parser state (inside a comment or string).
    #[test]
    fn memoized_lines_give_syntects_own_html() {
        let h = Highlighter::new();
        let blocks = [
            (
                "cs",
                "class A\n{\n    int x = 1;\n}\n/*\n{\n    int x = 1;\n}\n*/\n{\n}\n",
            ),
            ("cs", "{\n    int x = 1;\n}\nvar s = @\"\n}\n\";\n"),
            (
                "powershell",
                "Get-Item $x\n<#\nGet-Item $x\n#>\nGet-Item $x\n",
            ),
            (
                "bash",
                "echo \"$a\"\ncat <<EOF\necho \"$a\"\nEOF\necho \"$a\"\n",
            ),
            ("json", "{\n  \"a\": [1, 2],\n  \"b\": \"}\"\n}\n"),
            ("yaml", "a: 1\nb: |\n  a: 1\nc: 2\n"),
            ("xml", "<a>\n<!--\n<a>\n-->\n<a>\n</a>\n"),
        ];
        // Twice, so the second round is served from the memo.
        for round in 0..2 {
            for (lang, code) in blocks {
                let syntax = h.find(lang).unwrap();
                let mut gen = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                    syntax,
                    &h.syntaxes,
                    CLASS_STYLE,
                );
                for line in LinesWithEndings::from(code) {
                    gen.parse_html_for_line_which_includes_newline(line)
                        .unwrap();
                }
                let want = gen.finalize();
                assert_eq!(
                    h.render(syntax, code).unwrap(),
                    want,
                    "round {round}, {lang}"
                );
            }
        }
        assert!(MEMO.with_borrow(|m| m.size) > 10);
    }

    #[test]
    fn code_labels_name_the_language_and_none_for_plain_text() {
        let h = Highlighter::new();
        for (lang, want) in [
            ("powershell", Some("PowerShell")),
            ("PowerShell", Some("PowerShell")),
            ("azurepowershell-interactive", Some("PowerShell")),
            ("azurecli", Some("Azure CLI")),
            ("csharp", Some("C#")),
            ("yml", Some("YAML")),
            ("dns", Some("DNS")),
            // The grammar calls it "Separated Values".
            ("csv", Some("CSV")),
            // Not in the table: the highlighting syntax's own name.
            ("lua", Some("Lua")),
            ("", None),
            ("text", None),
            ("output", None),
            ("console", None),
            ("klingon", None),
        ] {
            assert_eq!(h.display_name(lang), want, "{lang:?}");
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
