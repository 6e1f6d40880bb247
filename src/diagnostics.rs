//! Findings about the site: what went wrong, where (`file:line:col` plus a snippet), and how
//! to fix it. Every stage returns these as data; only the CLI prints them and picks the exit code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use crate::source::Source;

/// How serious a finding is. Errors fail the build (exit 1); warnings fail it only under `--strict`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Reported by `--verbose` only.
    Info,
    Warning,
    Error,
}

/// What kind of finding it is. The names (snake_case) are stable: they key the `checks:` levels
/// in `helpsite.yml` and appear in `check --format json`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Config,
    Io,
    Encoding,
    FrontMatter,
    MissingTitle,
    DuplicateUrl,
    BrokenLink,
    MissingAnchor,
    DuplicateId,
    MissingInclude,
    IncludeCycle,
    OutsideRoot,
    MissingImage,
    ImageAltText,
    Extension,
    UnknownLanguage,
    Toc,
    Template,
    Locale,
    OrphanPage,
    StaleTranslation,
    ExternalLink,
    Redirect,
    RawHtml,
    UnsafeUrl,
    /// A bug in helpsite: a panic that `serve` caught in a rebuild.
    Internal,
    /// A file named with other letter case than it has on disk: found all the same, as the
    /// Windows-based DocFX publishing does.
    CaseMismatch,
    /// A YAML page (`### YamlMime:`) that cannot be published: a type helpsite does not
    /// render, or YAML that does not parse.
    YamlPage,
    /// A moniker block whose range covers none of the site's monikers (it is not published).
    Moniker,
    /// A file a locale repository does not have, which the publishing system would take from
    /// its source repository, absent here: it cannot be checked.
    NotInRepository,
}

impl Kind {
    pub const ALL: [Kind; 30] = [
        Kind::Config,
        Kind::Io,
        Kind::Encoding,
        Kind::FrontMatter,
        Kind::MissingTitle,
        Kind::DuplicateUrl,
        Kind::BrokenLink,
        Kind::MissingAnchor,
        Kind::DuplicateId,
        Kind::MissingInclude,
        Kind::IncludeCycle,
        Kind::OutsideRoot,
        Kind::MissingImage,
        Kind::ImageAltText,
        Kind::Extension,
        Kind::UnknownLanguage,
        Kind::Toc,
        Kind::Template,
        Kind::Locale,
        Kind::OrphanPage,
        Kind::StaleTranslation,
        Kind::ExternalLink,
        Kind::Redirect,
        Kind::RawHtml,
        Kind::UnsafeUrl,
        Kind::Internal,
        Kind::CaseMismatch,
        Kind::YamlPage,
        Kind::Moniker,
        Kind::NotInRepository,
    ];

    pub fn default_level(self) -> Level {
        use Kind::*;
        match self {
            Config | Io | Encoding | FrontMatter | MissingTitle | DuplicateUrl | MissingInclude
            | IncludeCycle | OutsideRoot | Template | Extension => Level::Error,
            BrokenLink | MissingAnchor | MissingImage | ImageAltText | Toc | Locale
            | OrphanPage | ExternalLink | CaseMismatch | YamlPage | Moniker => Level::Warning,
            Redirect | RawHtml | UnsafeUrl | Internal => Level::Error,
            // Stale translations are expected in a living site: listed by `l10n status` and
            // `-v`; a site can raise them with `checks: { stale_translation: warning }`.
            UnknownLanguage | StaleTranslation | NotInRepository => Level::Info,
            // A repeated id is numbered in the output; translations repeat the anchors their
            // source's alike headings were given, which their writers cannot change.
            DuplicateId => Level::Info,
        }
    }

    pub fn name(self) -> &'static str {
        KIND_NAMES[self as usize]
    }

    /// Whether a finding of this kind is about a construct inside one document (an article,
    /// an include, a TOC, a redirect entry), which the build publishes around: the page is
    /// written with the construct shown as text, so `keep_going: true` writes the site
    /// anyway. The others stop a build from writing: the configuration and theme, files that
    /// could not be read (`io`, `encoding`: their page would be missing), two files at one URL
    /// (one would be lost), helpsite's own bugs, and `locale`, which also covers a locale's
    /// folder missing from `helpsite.yml`.
    pub fn in_document(self) -> bool {
        use Kind::*;
        match self {
            Config | Io | Encoding | DuplicateUrl | Template | Locale | Internal => false,
            FrontMatter | MissingTitle | BrokenLink | MissingAnchor | DuplicateId
            | MissingInclude | IncludeCycle | OutsideRoot | MissingImage | ImageAltText
            | Extension | UnknownLanguage | Toc | OrphanPage | StaleTranslation | ExternalLink
            | Redirect | RawHtml | UnsafeUrl | CaseMismatch | YamlPage | Moniker
            | NotInRepository => true,
        }
    }

    /// Plural noun used in the summary line ("3 broken links").
    pub fn noun(self, n: usize) -> String {
        let one = match self {
            Kind::Config => "configuration error",
            Kind::Io => "file error",
            Kind::Encoding => "encoding error",
            Kind::FrontMatter => "front matter error",
            Kind::MissingTitle => "page without a title",
            Kind::DuplicateUrl => "duplicate URL",
            Kind::BrokenLink => "broken link",
            Kind::MissingAnchor => "missing anchor",
            Kind::DuplicateId => "duplicate id",
            Kind::MissingInclude => "missing include",
            Kind::IncludeCycle => "include cycle",
            Kind::OutsideRoot => "path outside the content root",
            Kind::MissingImage => "missing image",
            Kind::ImageAltText => "image without alt text",
            Kind::Extension => "malformed extension",
            Kind::UnknownLanguage => "code block in an unknown language",
            Kind::Toc => "table of contents problem",
            Kind::Template => "template error",
            Kind::Locale => "localization problem",
            Kind::OrphanPage => "page in no table of contents",
            Kind::StaleTranslation => "stale translation",
            Kind::ExternalLink => "broken external link",
            Kind::Redirect => "redirect problem",
            Kind::RawHtml => "raw HTML not allowed",
            Kind::UnsafeUrl => "unsafe URL",
            Kind::Internal => "internal error",
            Kind::CaseMismatch => "file named in other letter case",
            Kind::YamlPage => "YAML page problem",
            Kind::Moniker => "moniker block for no version",
            Kind::NotInRepository => "reference to a file not in this repository",
        };
        if n == 1 {
            one.to_string()
        } else if let Some(rest) = one.strip_prefix("page without") {
            format!("pages without{rest}")
        } else if let Some(rest) = one.strip_prefix("code block in") {
            format!("code blocks in{rest}")
        } else if let Some(rest) = one.strip_prefix("path outside") {
            format!("paths outside{rest}")
        } else if let Some(rest) = one.strip_prefix("moniker block") {
            format!("moniker blocks{rest}")
        } else if let Some(rest) = one.strip_prefix("image without") {
            format!("images without{rest}")
        } else if one == "raw HTML not allowed" {
            "uses of raw HTML not allowed".to_string()
        } else if let Some(rest) = one.strip_prefix("page in no") {
            format!("pages in no{rest}")
        } else if let Some(rest) = one.strip_prefix("file named") {
            format!("files named{rest}")
        } else if let Some(rest) = one.strip_prefix("table of contents problem") {
            format!("table of contents problems{rest}")
        } else {
            format!("{one}s")
        }
    }
}

const KIND_NAMES: [&str; 30] = [
    "config",
    "io",
    "encoding",
    "front_matter",
    "missing_title",
    "duplicate_url",
    "broken_link",
    "missing_anchor",
    "duplicate_id",
    "missing_include",
    "include_cycle",
    "outside_root",
    "missing_image",
    "image_alt_text",
    "extension",
    "unknown_language",
    "toc",
    "template",
    "locale",
    "orphan_page",
    "stale_translation",
    "external_link",
    "redirect",
    "raw_html",
    "unsafe_url",
    "internal",
    "case_mismatch",
    "yaml_page",
    "moniker",
    "not_in_repository",
];

/// A place in a source file.
#[derive(Debug, Clone)]
pub struct Location {
    pub source: Source,
    pub span: Range<usize>,
}

impl Location {
    /// The span, clamped and snapped to character boundaries: safe to slice the text with.
    pub fn span(&self) -> Range<usize> {
        self.source.clamp(self.span.clone())
    }
}

/// A finding. Boxed, so `Result<T, Diagnostic>` stays small on the happy path.
#[derive(Debug, Clone)]
pub struct Diagnostic(Box<Finding>);

#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub level: Level,
    /// The file, when the finding has one but no position in it (e.g. an unreadable file).
    pub file: Option<String>,
    pub location: Option<Location>,
    pub message: String,
    pub hint: Option<String>,
    /// Extra lines, such as an include chain.
    pub notes: Vec<String>,
}

impl std::ops::Deref for Diagnostic {
    type Target = Finding;
    fn deref(&self) -> &Finding {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostic {
    fn deref_mut(&mut self) -> &mut Finding {
        &mut self.0
    }
}

impl Diagnostic {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Diagnostic(Box::new(Finding {
            kind,
            level: kind.default_level(),
            file: None,
            location: None,
            message: message.into(),
            hint: None,
            notes: Vec::new(),
        }))
    }

    /// Places the finding in `source`. The span is clamped to the text and snapped to character
    /// boundaries here, and again when shown (`Location` is plain data anyone can build).
    pub fn at(mut self, source: &Source, span: Range<usize>) -> Self {
        self.file = Some(source.display.clone());
        self.location = Some(Location {
            source: source.clone(),
            span: source.clamp(span),
        });
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// `(line, col)`, 1-based, when the finding has a position.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.location
            .as_ref()
            .map(|l| l.source.line_col(l.span().start))
    }

    /// `file:line:col`, `file`, or nothing.
    pub fn position(&self) -> Option<String> {
        match (&self.file, self.line_col()) {
            (Some(f), Some((l, c))) => Some(format!("{f}:{l}:{c}")),
            (Some(f), None) => Some(f.clone()),
            _ => None,
        }
    }

    /// The source line(s) the finding points at, as plain text.
    pub fn snippet(&self) -> Option<String> {
        let loc = self.location.as_ref()?;
        let (line, _) = loc.source.line_col(loc.span().start);
        Some(loc.source.text[loc.source.line_range(line)].to_string())
    }

    /// Human-readable rendering with the source snippet underlined.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level as L, Renderer, Snippet};
        let level = match self.level {
            Level::Error => L::ERROR,
            Level::Warning => L::WARNING,
            Level::Info => L::INFO,
        };
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let title = format!("{} [{}]", self.message, self.kind.name());
        let mut groups: Vec<Group> = Vec::new();
        let text: String;
        match &self.location {
            Some(loc) => {
                let span = loc.span();
                let (line, _) = loc.source.line_col(span.start);
                // Show the lines the span covers (at most 3), numbered as in the file.
                let (end_line, _) = loc.source.line_col(span.end);
                let end_line = end_line.min(line + 2);
                let first = loc.source.line_range(line);
                let start = first.start;
                let end = loc.source.line_range(end_line).end.max(start);
                text = loc.source.text[start..end].to_string();
                // The span relative to the lines shown, both ends on character boundaries; a
                // start inside the line ending is the end of the line's text, as in `line_col`,
                // so annotate-snippets' `file:line:col` is the one JSON reports.
                let shown = crate::source::clamp_span(
                    &text,
                    span.start.min(first.end) - start..span.end.saturating_sub(start),
                );
                let (s, e) = (shown.start, shown.end);
                groups.push(
                    level.primary_title(title.as_str()).element(
                        Snippet::source(text.as_str())
                            .line_start(line)
                            .path(self.file.as_deref().unwrap_or(""))
                            .annotation(AnnotationKind::Primary.span(s..e)),
                    ),
                );
            }
            None => {
                // The file line is added below: annotate-snippets draws a bare origin indented
                // and followed by a gutter line.
                groups.push(Group::with_title(level.primary_title(title.as_str())));
            }
        }
        for n in &self.notes {
            groups.push(Group::with_title(L::NOTE.secondary_title(n.as_str())));
        }
        if let Some(h) = &self.hint {
            groups.push(Group::with_title(L::HELP.secondary_title(h.as_str())));
        }
        if self.location.is_some() {
            return renderer.render(&groups);
        }
        // Without a snippet, each part is rendered alone: annotate-snippets would put a gutter
        // line between them.
        let mut out = String::new();
        for (i, g) in groups.into_iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&renderer.render(&[g]));
            if i == 0 {
                if let Some(f) = &self.file {
                    out.push_str(&format!("\n --> {f}"));
                }
            }
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let (line, column) = self.line_col().unzip();
        serde_json::json!({
            "kind": self.kind.name(),
            "level": self.level,
            "file": self.file,
            "line": line,
            "column": column,
            "message": self.message,
            "snippet": self.snippet(),
            "hint": self.hint,
            "notes": self.notes,
        })
    }
}

/// Per-kind level overrides from `helpsite.yml` (`checks:`), plus `--strict`.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub levels: BTreeMap<Kind, Level>,
    pub strict: bool,
}

impl Policy {
    pub fn apply(&self, d: &mut Diagnostic) {
        if let Some(l) = self.levels.get(&d.kind) {
            d.level = *l;
        }
        if self.strict && d.level == Level::Warning {
            d.level = Level::Error;
        }
    }
}

/// Sorts findings by file and position so output is stable run to run, whatever the thread order.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.file.as_deref(), a.line_col(), a.kind, &a.message).cmp(&(
            b.file.as_deref(),
            b.line_col(),
            b.kind,
            &b.message,
        ))
    });
}

/// "2 errors (1 broken link, 1 missing include), 3 warnings (3 missing anchors)".
pub fn summary(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for level in [Level::Error, Level::Warning] {
        let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
        for d in diags.iter().filter(|d| d.level == level) {
            *by_kind.entry(d.kind).or_default() += 1;
        }
        let total: usize = by_kind.values().sum();
        if total == 0 {
            continue;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        let word = match (level, total) {
            (Level::Error, 1) => "error",
            (Level::Error, _) => "errors",
            (_, 1) => "warning",
            _ => "warnings",
        };
        let parts: Vec<String> = by_kind
            .iter()
            .map(|(k, n)| format!("{n} {}", k.noun(*n)))
            .collect();
        let _ = write!(out, "{total} {word} ({})", parts.join(", "));
    }
    out
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.level == Level::Error)
}

/// Whether the findings stop a build from writing the site: any error, or with `keep_going`
/// (`helpsite.yml`) only an error that is not [`Kind::in_document`].
pub fn blocks_output(diags: &[Diagnostic], keep_going: bool) -> bool {
    diags
        .iter()
        .any(|d| d.level == Level::Error && !(keep_going && d.kind.in_document()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_match_serde() {
        for k in Kind::ALL {
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::Value::String(k.name().into())
            );
        }
    }

    #[test]
    fn summary_groups_and_counts() {
        let d = vec![
            Diagnostic::new(Kind::BrokenLink, "a"),
            Diagnostic::new(Kind::BrokenLink, "b"),
            Diagnostic::new(Kind::MissingInclude, "c"),
        ];
        assert_eq!(
            summary(&d),
            "1 error (1 missing include), 2 warnings (2 broken links)"
        );
    }
}
