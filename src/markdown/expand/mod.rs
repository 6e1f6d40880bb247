//! The line-level DocFX pass that runs before CommonMark parsing: includes (block and inline),
//! `:::image:::`, `:::row:::`/`:::column:::`, `::: moniker`, and code snippets (`:::code:::`,
//! `[!code-lang[...](...)]`). The result is one text plus a source map, so every later
//! offset can still be traced to `file:line:col` of the file it came from, and links inside an
//! included file resolve against that file's own folder.
//!
//! This file is the line scanner (fences, open containers, column indentation, hidden moniker
//! ranges) and target resolution; the parts it drives are `map` (the source map),
//! `syntax` (the DocFX line syntax, pure functions), `directives` (the HTML of `:::`
//! blocks), `includes` and `snippets`. Nothing here reads files: includes are pages' Markdown
//! and snippets were read by `load` into `Site`.

mod directives;
mod includes;
mod map;
mod snippets;
mod syntax;

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Kind};
use crate::markdown::highlight::escape_html;
use crate::paths;
use crate::site::{LocaleId, Site};

pub use crate::source::line_ranges;
use directives::DirectiveLine;
pub use map::{FileRef, Mapped};
use snippets::SnippetRef;
pub use snippets::{select_lines, snippet_paths};
pub use syntax::{
    block_include, code_reference, inline_extensions, inline_image_len, line_range_parts,
    parse_attrs, parse_colon_directive, parse_include_at, ColonDirective, InlineExtension,
};
use syntax::{fence_open, find_ci, is_fence_close};

/// What the expansion needs from the site.
pub struct ExpandCtx<'a> {
    pub site: &'a Site,
    /// Locales to look in for an include, in order (the page's locale, then the source).
    pub include_locales: Vec<LocaleId>,
    /// The page's monikers, in order (see `crate::moniker`); empty: every block is
    /// published under its raw range.
    pub monikers: &'a [crate::moniker::Moniker],
    /// Label of complex images' long description, from the UI strings.
    pub image_description: String,
    /// Label of moniker blocks.
    pub version_label: String,
}

/// Everything the expansion found out besides the text.
#[derive(Debug, Default)]
pub struct Expansion {
    pub mapped: Mapped,
    pub diags: Vec<Diagnostic>,
    /// Include and snippet files used: `(locale, rel)`.
    pub deps: Vec<(LocaleId, String)>,
    /// A moniker block was published for the page's monikers: the page gets a version picker.
    pub moniker_blocks: bool,
}

/// Expands the page `file` from `body_start`; `unread` is front matter that could not be
/// read ([`crate::frontmatter::unreadable`]), shown first as a code block.
pub fn expand(
    ctx: &ExpandCtx,
    file: Arc<FileRef>,
    body_start: usize,
    unread: Option<Range<usize>>,
) -> Expansion {
    let mut ex = Expansion::default();
    let mut st = State {
        ctx,
        stack: vec![(file.locale, file.rel.clone())],
        image_counter: 0,
    };
    if let Some(r) = unread {
        let fence = "`".repeat(snippets::longest_run(&file.source.text[r.clone()], '`').max(2) + 1);
        ex.mapped.gen(&file, r.start, &format!("{fence}\n"));
        ex.mapped.copy(&file, r.clone());
        let nl = if file.source.text[r.clone()].ends_with('\n') {
            ""
        } else {
            "\n"
        };
        ex.mapped.gen(&file, r.end, &format!("{nl}{fence}\n\n"));
    }
    let range = body_start..file.source.text.len();
    st.expand_file(&mut ex, &file, range, "");
    ex
}

struct State<'a, 'b> {
    ctx: &'a ExpandCtx<'b>,
    stack: Vec<(LocaleId, String)>,
    image_counter: usize,
}

/// An open `:::` container.
enum Open {
    Row,
    Column,
    Moniker {
        shown: bool,
    },
    ImageComplex,
    /// A container whose opening line was faulty and shown as text; the line that would
    /// close it (`end`, a directive name) is shown as text too.
    AsText {
        end: &'static str,
    },
}

/// `text` with every ASCII punctuation character backslash-escaped, so CommonMark reads it as
/// literal text: no link, emphasis, HTML, entity or block marker.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

struct Fence {
    ch: u8,
    len: usize,
}

const MAX_INCLUDE_DEPTH: usize = 32;

impl State<'_, '_> {
    fn expand_file(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        range: Range<usize>,
        prefix: &str,
    ) {
        let text = &file.source.text;
        let mut fence: Option<Fence> = None;
        let mut open: Vec<(Open, usize)> = Vec::new();
        let mut strip: Option<usize> = None;
        let mut strip_depth = 0;
        let mut pos = range.start;
        // Lines inside a hidden moniker range are dropped.
        let hidden = |open: &Vec<(Open, usize)>| {
            open.iter()
                .any(|(o, _)| matches!(o, Open::Moniker { shown: false }))
        };
        while pos < range.end {
            let nl = text[pos..range.end]
                .find('\n')
                .map(|i| pos + i + 1)
                .unwrap_or(range.end);
            // Inside `:::column:::` the writer indents content for readability: remove the
            // container's own indentation (that of its first content line), keep the rest.
            let ws = text[pos..nl]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
            let in_column = open
                .iter()
                .any(|(o, _)| matches!(o, Open::Row | Open::Column));
            if !in_column {
                strip = None;
            } else if strip_depth != open.len() {
                strip = None;
                strip_depth = open.len();
            }
            let blank = text[pos..nl].trim().is_empty();
            if in_column && strip.is_none() && !blank && !text[pos + ws..nl].starts_with(":::") {
                strip = Some(ws);
            }
            let start = pos + strip.unwrap_or(0).min(ws);
            let line_full = start..nl;
            let content_end = if text[start..nl].ends_with("\r\n") {
                nl - 2
            } else if text[start..nl].ends_with('\n') {
                nl - 1
            } else {
                nl
            };
            let line = &text[start..content_end];
            let trimmed = line.trim_start_matches([' ', '\t', '>']);
            let lead = &line[..line.len() - trimmed.len()];
            let lead_at = start;
            let trimmed_at = start + lead.len();
            pos = nl;

            // Fenced code is copied as is.
            if let Some(f) = &fence {
                if is_fence_close(trimmed, f) {
                    fence = None;
                }
                if !hidden(&open) {
                    ex.mapped.gen(file, lead_at, prefix);
                    ex.mapped.copy(file, line_full);
                }
                continue;
            }
            if let Some(f) = fence_open(trimmed) {
                fence = Some(f);
                if !hidden(&open) {
                    ex.mapped.gen(file, lead_at, prefix);
                    ex.mapped.copy(file, line_full);
                }
                continue;
            }

            let t = trimmed.trim_end();
            // `:::image ...:::` with text after it is an inline image at the start of a line.
            let inline_start = inline_image_len(t).is_some_and(|n| n < t.len());
            if let Some(d) = parse_colon_directive(t).filter(|_| !inline_start) {
                let line = DirectiveLine {
                    span: trimmed_at..trimmed_at + t.len(),
                    prefix,
                    lead,
                };
                self.directive(ex, file, &mut open, d, line);
                continue;
            }
            if hidden(&open) {
                continue;
            }
            if let Some((title_end, path)) = block_include(t) {
                let _ = title_end;
                let span = trimmed_at..trimmed_at + t.len();
                let full_prefix = format!("{prefix}{lead}");
                self.include(ex, file, span, &path, &full_prefix);
                continue;
            }
            if let Some((lang, path, title)) = code_reference(t) {
                let span = trimmed_at..trimmed_at + t.len();
                let full_prefix = format!("{prefix}{lead}");
                let snip = SnippetRef {
                    lang: &lang,
                    path: &path,
                    range: None,
                    highlight: None,
                    title: title.as_deref(),
                };
                self.snippet(ex, file, span, &snip, &full_prefix);
                continue;
            }
            // Inline includes and images inside a line.
            ex.mapped.gen(file, lead_at, prefix);
            if find_ci(line, "[!include").is_some() || find_ci(line, ":::image").is_some() {
                self.inline_extensions(ex, file, lead_at, content_end);
                ex.mapped.copy(file, content_end..nl);
            } else {
                ex.mapped.copy(file, lead_at..nl);
            }
        }
        if !text[range.clone()].ends_with('\n') && !range.is_empty() {
            ex.mapped.gen(file, range.end, "\n");
        }
        for (o, at) in &open {
            let what = match o {
                Open::Row => ":::row:::",
                Open::Column => ":::column:::",
                Open::AsText { end: "image-end" } | Open::ImageComplex => {
                    ":::image type=\"complex\":::"
                }
                Open::Moniker { .. } | Open::AsText { .. } => "::: moniker",
            };
            let end = match o {
                Open::Row => ":::row-end:::",
                Open::Column => ":::column-end:::",
                Open::AsText { end: "image-end" } | Open::ImageComplex => ":::image-end:::",
                Open::Moniker { .. } | Open::AsText { .. } => "::: moniker-end",
            };
            ex.diags.push(
                Diagnostic::new(Kind::Extension, format!("`{what}` is never closed"))
                    .at(&file.source, *at..at + 3)
                    .hint(format!("add a `{end}` line where the block ends")),
            );
        }
        // As DocFX does, a container left open ends with its file: its markup is closed
        // there, innermost first, so the page's HTML stays well formed.
        let blank = format!("{}\n", prefix.trim_end());
        for (o, at) in open.into_iter().rev() {
            let close = match o {
                Open::Row | Open::Column | Open::Moniker { shown: true } => "</div>",
                Open::ImageComplex => "</details></figure>",
                Open::Moniker { shown: false } | Open::AsText { .. } => continue,
            };
            ex.mapped
                .gen(file, at, &format!("{blank}{prefix}{close}\n{blank}"));
        }
    }

    /// Shows the line `span` of `file` as text, in a paragraph of its own under the line
    /// prefix `p`: what the publishing system does with a construct it cannot read (it prints
    /// the line and publishes the page).
    fn as_text(&self, ex: &mut Expansion, file: &Arc<FileRef>, span: Range<usize>, p: &str) {
        let blank = format!("{}\n", p.trim_end());
        let text = escape_markdown(&file.source.text[span.clone()]);
        ex.mapped
            .gen(file, span.start, &format!("{blank}{p}{text}\n{blank}"));
    }

    /// Copies `start..end` of `file` (one line's text), expanding the includes and images
    /// written inside it.
    fn inline_extensions(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        start: usize,
        end: usize,
    ) {
        let mut pos = start;
        for (r, ext) in inline_extensions(&file.source.text[start..end]) {
            let span = start + r.start..start + r.end;
            ex.mapped.copy(file, pos..span.start);
            match ext {
                InlineExtension::Include(path) => {
                    self.inline_include(ex, file, span.clone(), &path)
                }
                InlineExtension::Image(d) => self.inline_image(ex, file, &d, span.clone()),
            }
            pos = span.end;
        }
        ex.mapped.copy(file, pos..end);
    }

    /// Finds an include or snippet target: relative to the including file, looked up in the
    /// page's locale first and then the source locale; a file whose name differs only in
    /// letter case is found too, after any exact match, with a `case_mismatch` finding at
    /// `span`.
    fn resolve_target(
        &self,
        ex: &mut Expansion,
        file: &FileRef,
        span: Range<usize>,
        path: &str,
    ) -> Result<(LocaleId, String), TargetError> {
        let rel = target_rel(&file.rel, path)?;
        let named = |exact: bool| {
            self.ctx.include_locales.iter().find_map(|&l| {
                let n = self.ctx.site.locales[l].file_named(&rel)?;
                (n.case_differs != exact).then_some((l, n))
            })
        };
        let Some((l, n)) = named(true).or_else(|| named(false)) else {
            return Err(TargetError::Missing);
        };
        if let Some(d) = n.case_finding(path) {
            ex.diags.push(d.at(&file.source, span));
        }
        Ok((l, n.rel.to_string()))
    }

    fn target_error(
        &self,
        file: &FileRef,
        span: Range<usize>,
        path: &str,
        why: TargetError,
        what: &str,
    ) -> Diagnostic {
        match why {
            TargetError::Absolute => Diagnostic::new(
                Kind::OutsideRoot,
                format!("{what} `{path}` is an absolute path"),
            )
            .at(&file.source, span)
            .hint("use a path relative to this file, or `~/` for the content root"),
            TargetError::Outside => Diagnostic::new(
                Kind::OutsideRoot,
                format!("{what} `{path}` leaves the content folder"),
            )
            .at(&file.source, span)
            .hint("includes and snippets must stay inside the locale's content folder"),
            TargetError::Missing => match &self.ctx.site.locales[file.locale].source_repository_absent {
                // A locale repository takes what it lacks from its source repository, which
                // is not here: the include may well be there.
                Some(repo) => Diagnostic::new(
                    Kind::NotInRepository,
                    format!("{what} `{path}` is not in this repository; the publishing system looks for it in the source repository `{repo}`, which is not here"),
                )
                .at(&file.source, span)
                .hint("put the source repository where the publish configuration names it to check this reference"),
                None => Diagnostic::new(
                    Kind::MissingInclude,
                    format!("{what} `{path}` does not exist"),
                )
                .at(&file.source, span)
                .hint("the path is relative to the file that contains it"),
            },
        }
    }
}

/// Why an include or snippet path names no file of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetError {
    /// An absolute path (`/x`, `C:\\x`): paths are relative, or `~/` for the content root.
    Absolute,
    /// A relative path that climbs out of the content folder.
    Outside,
    /// Inside the content folder, but no such file in the page's locale or the source locale.
    Missing,
}

/// The content-root path an include or snippet `path` written in file `from_rel` names, or
/// why it names none; whether it exists is looked up after.
pub fn target_rel(from_rel: &str, path: &str) -> Result<String, TargetError> {
    let path = paths::percent_decode(path.trim());
    let rel = if let Some(rest) = path.strip_prefix("~/") {
        paths::normalize(rest)
    } else if paths::is_absolute(&path) {
        return Err(TargetError::Absolute);
    } else {
        paths::resolve_relative(from_rel, &path)
    };
    rel.ok_or(TargetError::Outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_syntax_variants() {
        assert_eq!(
            block_include("[!INCLUDE [t](../a.md)]").unwrap().1,
            "../a.md"
        );
        assert_eq!(block_include("[!include[t](a.md)]").unwrap().1, "a.md");
        assert_eq!(
            block_include("[!INCLUDE [t [x]](a.md \"title\")]")
                .unwrap()
                .1,
            "a.md"
        );
        assert!(block_include("[!INCLUDE [t](a.md)] and more").is_none());
        assert_eq!(
            parse_include_at("[!include[t](a.md)] rest").unwrap(),
            (19, "a.md".into())
        );
    }

    #[test]
    fn colon_directives_and_attributes() {
        let d = parse_colon_directive(
            ":::image type=\"content\" source=\"a b.png\" alt-text='x \"y\"':::",
        )
        .unwrap();
        assert_eq!(d.name, "image");
        assert_eq!(d.attr("source").unwrap(), "a b.png");
        assert_eq!(d.attr("alt-text").unwrap(), "x \"y\"");
        let d = parse_colon_directive("::: moniker range=\"v2\"").unwrap();
        assert_eq!(d.name, "moniker");
        assert!(parse_colon_directive(":::").is_none());
    }

    #[test]
    fn inline_extensions_skip_code_spans_and_comments() {
        let line = "a :::image type=\"icon\" source=\"x.png\"::: b [!include[t](i.md)] `:::image source=\"c.png\":::` ``x ` [!include[t](j.md)]`` <!-- :::image source=\"d.png\"::: --> \\`:::image source=\"e.png\":::`";
        let found: Vec<String> = inline_extensions(line)
            .into_iter()
            .map(|(r, ext)| match ext {
                InlineExtension::Include(p) => format!("include {p} {}", &line[r]),
                InlineExtension::Image(d) => format!("image {}", d.attr("source").unwrap()),
            })
            .collect();
        assert_eq!(
            found,
            [
                "image x.png",
                "include i.md [!include[t](i.md)]",
                "image e.png"
            ]
        );
        // A quoted value may hold `:::`; an unclosed or nameless marker is text.
        assert_eq!(
            inline_image_len(":::image alt-text=\"a ::: b\" source=\"x\"::: rest"),
            Some(41)
        );
        assert_eq!(inline_image_len(":::image source=\"x\""), None);
        assert_eq!(inline_image_len(":::image-end:::"), None);
        assert_eq!(inline_image_len(":::imagery:::"), None);
        // An unclosed comment runs to the end of the line; an unmatched backtick is text.
        assert!(inline_extensions("<!-- :::image source=\"x\":::").is_empty());
        assert_eq!(inline_extensions("` :::image source=\"x\":::").len(), 1);
    }

    #[test]
    fn code_references() {
        assert_eq!(
            code_reference("[!code-csharp[Main](snippets/a.cs#L2-L4 \"Example\")]").unwrap(),
            (
                "csharp".into(),
                "snippets/a.cs#L2-L4".into(),
                Some("Example".into())
            )
        );
    }

    #[test]
    fn snippet_paths_find_every_snippet_line() {
        assert_eq!(
            snippet_paths("> [!code-cs[Main](../src/a.cs#region \"T\")]"),
            vec!["../src/a.cs"]
        );
        assert_eq!(
            snippet_paths("   :::code language=\"ps\" source=\"s/check.ps1\" range=\"2-3\":::"),
            vec!["s/check.ps1"]
        );
        assert!(snippet_paths(":::image source=\"a.png\":::").is_empty());
    }

    #[test]
    fn line_range_lists_split_one_way() {
        let parts: Vec<_> = line_range_parts(" 2-5, 9 ,,L3-L4,7-").collect();
        assert_eq!(
            parts,
            vec![
                ("2-5", "2", Some("5")),
                ("9", "9", None),
                ("L3-L4", "L3", Some("L4")),
                ("7-", "7", Some("")),
            ]
        );
    }

    #[test]
    fn snippet_line_selection() {
        let text = "a\nb\nc\n// <x>\nd\n// </x>\n";
        let lines = line_ranges(text);
        let pick = |r: Option<&str>, f: Option<&str>| -> String {
            select_lines(text, &lines, r, f)
                .unwrap()
                .into_iter()
                .map(|r| &text[r])
                .collect()
        };
        assert_eq!(pick(Some("2-3"), None), "b\nc\n");
        assert_eq!(pick(None, Some("L1-L2")), "a\nb\n");
        assert_eq!(pick(None, Some("x")), "d\n");
        assert!(select_lines(text, &lines, Some("9-10"), None).is_err());
    }
}
