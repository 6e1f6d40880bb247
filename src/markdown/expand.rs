//! The line-level DocFX pass that runs before CommonMark parsing: includes (block and inline),
//! `:::image:::`, `:::row:::`/`:::column:::`, `::: moniker`, and code snippets (`:::code:::`,
//! `[!code-lang[...](...)]`). The result is one text plus a source map, so every later
//! offset can still be traced to `file:line:col` of the file it came from, and links inside an
//! included file resolve against that file's own folder.

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Kind};
use crate::markdown::highlight::escape_html;
use crate::paths;
use crate::site::{LocaleId, Site};
use crate::source::Source;

/// A file taking part in a page: the page's own file, an include, or a snippet.
#[derive(Debug)]
pub struct FileRef {
    pub source: Source,
    pub locale: LocaleId,
    /// Path relative to its locale root.
    pub rel: String,
}

#[derive(Debug, Clone)]
struct Seg {
    out: usize,
    file: Arc<FileRef>,
    src: usize,
    generated: bool,
}

/// Expanded text with a map back to the files it came from.
#[derive(Debug, Default)]
pub struct Mapped {
    pub text: String,
    segs: Vec<Seg>,
}

impl Mapped {
    fn copy(&mut self, file: &Arc<FileRef>, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.segs.push(Seg {
            out: self.text.len(),
            file: file.clone(),
            src: range.start,
            generated: false,
        });
        self.text.push_str(&file.source.text[range]);
    }

    fn gen(&mut self, file: &Arc<FileRef>, at: usize, text: &str) {
        if text.is_empty() {
            return;
        }
        self.segs.push(Seg {
            out: self.text.len(),
            file: file.clone(),
            src: at,
            generated: true,
        });
        self.text.push_str(text);
    }

    /// The file and byte offset in it that produced output offset `off`.
    pub fn locate(&self, off: usize) -> Option<(&Arc<FileRef>, usize)> {
        let i = match self.segs.binary_search_by(|s| s.out.cmp(&off)) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let s = &self.segs[i];
        let pos = if s.generated {
            s.src
        } else {
            (s.src + (off - s.out)).min(s.file.source.text.len())
        };
        Some((&s.file, pos))
    }

    /// True when the output at `off` was written by helpsite (an extension's markup), not
    /// copied from a file.
    pub fn generated_at(&self, off: usize) -> bool {
        let i = match self.segs.binary_search_by(|s| s.out.cmp(&off)) {
            Ok(i) => i,
            Err(0) => return false,
            Err(i) => i - 1,
        };
        self.segs[i].generated
    }

    /// A diagnostic location for an output range (clamped to the segment's file).
    pub fn span(&self, range: Range<usize>) -> Option<(Source, Range<usize>)> {
        let (file, start) = self.locate(range.start)?;
        let len = range.end.saturating_sub(range.start);
        let end = (start + len).min(file.source.text.len());
        let end = crate::source::floor_char_boundary(&file.source.text, end);
        let line_end = file.source.text[start..]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(file.source.text.len());
        Some((file.source.clone(), start..end.min(line_end).max(start)))
    }
}

/// What the expansion needs from the site.
pub struct ExpandCtx<'a> {
    pub site: &'a Site,
    /// Locales to look in for an include, in order (the page's locale, then the source).
    pub include_locales: Vec<LocaleId>,
    /// Moniker ranges to publish; empty means all, labelled.
    pub monikers: &'a [String],
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
}

pub fn expand(ctx: &ExpandCtx, file: Arc<FileRef>, body_start: usize) -> Expansion {
    let mut ex = Expansion::default();
    let mut st = State {
        ctx,
        stack: vec![(file.locale, file.rel.clone())],
        image_counter: 0,
    };
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
    Moniker { shown: bool },
    ImageComplex,
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
            if let Some(d) = parse_colon_directive(t) {
                self.directive(ex, file, &mut open, d, trimmed_at, t.len(), prefix, lead);
                continue;
            }
            if hidden(&open) {
                continue;
            }
            if let Some((title_end, path)) = block_include(t) {
                let _ = title_end;
                let span = trimmed_at..trimmed_at + t.len();
                let full_prefix = format!("{prefix}{lead}");
                self.include(ex, file, span, &path, Some(&full_prefix));
                continue;
            }
            if let Some((lang, path, title)) = code_reference(t) {
                let span = trimmed_at..trimmed_at + t.len();
                let full_prefix = format!("{prefix}{lead}");
                self.snippet(
                    ex,
                    file,
                    span,
                    &lang,
                    &path,
                    None,
                    None,
                    title.as_deref(),
                    &full_prefix,
                );
                continue;
            }
            // Inline includes inside a line.
            ex.mapped.gen(file, lead_at, prefix);
            let copy_from = lead_at;
            if find_ci(line, "[!include").is_some() {
                self.inline_includes(ex, file, copy_from, content_end);
                ex.mapped.copy(file, content_end..nl);
            } else {
                ex.mapped.copy(file, copy_from..nl);
            }
        }
        if !text[range.clone()].ends_with('\n') && !range.is_empty() {
            ex.mapped.gen(file, range.end, "\n");
        }
        for (o, at) in open {
            let what = match o {
                Open::Row => ":::row:::",
                Open::Column => ":::column:::",
                Open::Moniker { .. } => "::: moniker",
                Open::ImageComplex => ":::image type=\"complex\":::",
            };
            let end = match o {
                Open::Row => ":::row-end:::",
                Open::Column => ":::column-end:::",
                Open::Moniker { .. } => "::: moniker-end",
                Open::ImageComplex => ":::image-end:::",
            };
            ex.diags.push(
                Diagnostic::new(Kind::Extension, format!("`{what}` is never closed"))
                    .at(&file.source, at..at + 3)
                    .hint(format!("add a `{end}` line where the block ends")),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn directive(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        open: &mut Vec<(Open, usize)>,
        d: ColonDirective,
        at: usize,
        len: usize,
        prefix: &str,
        lead: &str,
    ) {
        let span = at..at + len;
        let p = format!(
            "{prefix}{}",
            if open
                .iter()
                .any(|(o, _)| matches!(o, Open::Row | Open::Column))
            {
                ""
            } else {
                lead
            }
        );
        let blank = format!("{}\n", p.trim_end());
        let hidden = open
            .iter()
            .any(|(o, _)| matches!(o, Open::Moniker { shown: false }));
        let err = |msg: String, hint: &str| {
            Diagnostic::new(Kind::Extension, msg)
                .at(&file.source, span.clone())
                .hint(hint.to_string())
        };
        match d.name.as_str() {
            "moniker" => {
                let range = d.attr("range").unwrap_or_default();
                if range.is_empty() {
                    ex.diags.push(err("`::: moniker` needs a `range=\"...\"`".into(), "for example `::: moniker range=\"product-2024\"`"));
                }
                let shown = !hidden
                    && (self.ctx.monikers.is_empty() || self.ctx.monikers.iter().any(|m| m == &range));
                if shown {
                    let mut html = format!("{p}<div class=\"moniker\" data-moniker=\"{}\">\n", escape_html(&range));
                    if self.ctx.monikers.is_empty() {
                        html.push_str(&format!(
                            "{p}<p class=\"moniker-label\">{}: {}</p>\n",
                            escape_html(&self.ctx.version_label),
                            escape_html(&range)
                        ));
                    }
                    html.push_str(&blank);
                    ex.mapped.gen(file, at, &html);
                }
                open.push((Open::Moniker { shown }, at));
            }
            "moniker-end" => match open.last() {
                Some((Open::Moniker { shown }, _)) => {
                    if *shown {
                        ex.mapped.gen(file, at, &format!("{blank}{p}</div>\n{blank}"));
                    }
                    open.pop();
                }
                _ => ex.diags.push(err("`::: moniker-end` without a matching `::: moniker`".into(), "remove it, or add the `::: moniker range=\"...\"` line it closes")),
            },
            _ if hidden => {
                // Inside a hidden range only moniker markers matter; keep the nesting balanced.
                match d.name.as_str() {
                    "row" => open.push((Open::Row, at)),
                    "column" => open.push((Open::Column, at)),
                    "row-end" | "column-end" => {
                        open.pop();
                    }
                    _ => {}
                }
            }
            "row" => {
                ex.mapped.gen(file, at, &format!("{blank}{p}<div class=\"docfx-row\">\n{blank}"));
                open.push((Open::Row, at));
            }
            "column" => {
                let span_n = d.attr("span").and_then(|s| s.parse::<u8>().ok()).unwrap_or(1).clamp(1, 12);
                ex.mapped.gen(
                    file,
                    at,
                    &format!("{blank}{p}<div class=\"docfx-column span-{span_n}\">\n{blank}"),
                );
                open.push((Open::Column, at));
            }
            "row-end" | "column-end" => {
                let want_row = d.name == "row-end";
                match open.last() {
                    Some((Open::Row, _)) if want_row => {}
                    Some((Open::Column, _)) if !want_row => {}
                    _ => {
                        ex.diags.push(err(
                            format!("`:::{}:::` does not match an open `:::{}:::`", d.name, if want_row { "row" } else { "column" }),
                            "rows hold columns: `:::row:::`, `:::column:::` ... `:::column-end:::`, `:::row-end:::`",
                        ));
                        return;
                    }
                }
                open.pop();
                ex.mapped.gen(file, at, &format!("{blank}{p}</div>\n{blank}"));
            }
            "image" => self.image(ex, file, open, &d, span, &p, &blank),
            "image-end" => match open.last() {
                Some((Open::ImageComplex, _)) => {
                    open.pop();
                    ex.mapped.gen(file, at, &format!("{blank}{p}</details></figure>\n{blank}"));
                }
                _ => ex.diags.push(err("`:::image-end:::` without a complex `:::image:::`".into(), "only `type=\"complex\"` images take a long description and `:::image-end:::`")),
            },
            "code" => {
                let lang = d.attr("language").unwrap_or_default();
                match d.attr("source") {
                    Some(src) => {
                        let range = d.attr("range");
                        let hl = d.attr("highlight");
                        self.snippet(ex, file, span, &lang, &src, range.as_deref(), hl.as_deref(), None, &p);
                    }
                    None => ex.diags.push(err("`:::code:::` needs a `source=\"...\"`".into(), "for example `:::code language=\"powershell\" source=\"snippets/check.ps1\":::`")),
                }
            }
            other => ex.diags.push(err(
                format!("unknown `:::{other}:::` extension"),
                "known: image, image-end, row, row-end, column, column-end, moniker, moniker-end, code",
            )),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn image(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        open: &mut Vec<(Open, usize)>,
        d: &ColonDirective,
        span: Range<usize>,
        p: &str,
        blank: &str,
    ) {
        let kind = d.attr("type").unwrap_or_else(|| "content".into());
        let Some(src) = d.attr("source") else {
            ex.diags.push(
                Diagnostic::new(Kind::Extension, "`:::image:::` needs a `source=\"...\"`")
                    .at(&file.source, span)
                    .hint("for example `:::image type=\"content\" source=\"media/x.png\" alt-text=\"...\":::`"),
            );
            return;
        };
        // A URL the policy refuses is reported at the attribute; the image is left out, or
        // written without its lightbox link.
        let policy = crate::url_policy::UrlPolicy::new(&self.ctx.site.config.config);
        let refused = |value: &str, usage| {
            policy.check(value, usage).err().map(|r| {
                let line = &file.source.text[span.clone()];
                let at = line
                    .find(value)
                    .map(|i| span.start + i..span.start + i + value.len())
                    .unwrap_or(span.clone());
                Diagnostic::new(Kind::UnsafeUrl, r.message)
                    .at(&file.source, at)
                    .hint(r.hint)
            })
        };
        let src_refused = match refused(&src, crate::url_policy::UrlUse::Image) {
            Some(d) => {
                ex.diags.push(d);
                // A complex image still opens its long description (closed by `:::image-end:::`).
                if kind != "complex" {
                    return;
                }
                true
            }
            None => false,
        };
        let lightbox =
            d.attr("lightbox")
                .and_then(|lb| match refused(&lb, crate::url_policy::UrlUse::Link) {
                    Some(d) => {
                        ex.diags.push(d);
                        None
                    }
                    None => Some(lb),
                });
        let alt = d.attr("alt-text").unwrap_or_default();
        if kind != "icon" && alt.trim().is_empty() {
            ex.diags.push(
                Diagnostic::new(Kind::ImageAltText, "this image has no `alt-text`")
                    .at(&file.source, span.clone())
                    .hint("describe what the image shows for readers who cannot see it; use `type=\"icon\"` for decorative images"),
            );
        }
        let border = match d.attr("border").as_deref() {
            Some("false") => "",
            Some(_) => " border",
            None if kind == "content" || kind == "complex" => " border",
            None => "",
        };
        let alt_attr = if kind == "icon" {
            String::new()
        } else {
            escape_html(&alt)
        };
        let mut img = format!(
            "<img src=\"{}\" alt=\"{}\" loading=\"lazy\"",
            escape_html(&src),
            alt_attr
        );
        let desc_id = if kind == "complex" {
            self.image_counter += 1;
            let id = format!("image-description-{}", self.image_counter);
            img.push_str(&format!(" aria-describedby=\"{id}\""));
            Some(id)
        } else {
            None
        };
        if kind == "icon" {
            img.push_str(" role=\"presentation\"");
        }
        img.push('>');
        if src_refused {
            img.clear();
        } else if let Some(lb) = lightbox {
            img = format!(
                "<a href=\"{}\" class=\"lightbox\">{img}</a>",
                escape_html(&lb)
            );
        }
        let class = format!("docfx-image {kind}{border}");
        match desc_id {
            Some(id) => {
                ex.mapped.gen(
                    file,
                    span.start,
                    &format!(
                        "{blank}{p}<figure class=\"{class}\">{img}\n{p}<details id=\"{id}\" class=\"image-description\"><summary>{}</summary>\n{blank}",
                        escape_html(&self.ctx.image_description)
                    ),
                );
                open.push((Open::ImageComplex, span.start));
            }
            None if kind == "icon" => {
                ex.mapped.gen(
                    file,
                    span.start,
                    &format!("{p}<span class=\"{class}\">{img}</span>\n"),
                );
            }
            None => {
                ex.mapped.gen(
                    file,
                    span.start,
                    &format!("{blank}{p}<figure class=\"{class}\">{img}</figure>\n{blank}"),
                );
            }
        }
    }

    /// Finds an include or snippet target: relative to the including file, looked up in the
    /// page's locale first and then the source locale.
    fn resolve_target(
        &self,
        file: &FileRef,
        path: &str,
    ) -> Result<(LocaleId, String), &'static str> {
        let rel = target_rel(&file.rel, path)?;
        for &l in &self.ctx.include_locales {
            let loc = &self.ctx.site.locales[l];
            if loc.markdown.contains_key(&rel) || loc.assets.contains_key(&rel) {
                return Ok((l, rel));
            }
        }
        let _ = file.locale;
        Err("missing")
    }

    fn target_error(
        &self,
        file: &FileRef,
        span: Range<usize>,
        path: &str,
        why: &str,
        what: &str,
    ) -> Diagnostic {
        match why {
            "absolute" => Diagnostic::new(
                Kind::OutsideRoot,
                format!("{what} `{path}` is an absolute path"),
            )
            .at(&file.source, span)
            .hint("use a path relative to this file, or `~/` for the content root"),
            "outside" => Diagnostic::new(
                Kind::OutsideRoot,
                format!("{what} `{path}` leaves the content folder"),
            )
            .at(&file.source, span)
            .hint("includes and snippets must stay inside the locale's content folder"),
            _ => Diagnostic::new(
                Kind::MissingInclude,
                format!("{what} `{path}` does not exist"),
            )
            .at(&file.source, span)
            .hint("the path is relative to the file that contains it"),
        }
    }

    /// Loads an include's text (front matter dropped) and returns its file and body range.
    fn load_include(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        span: Range<usize>,
        path: &str,
    ) -> Option<(Arc<FileRef>, Range<usize>)> {
        let (l, rel) = match self.resolve_target(file, path) {
            Ok(t) => t,
            Err(why) => {
                ex.diags
                    .push(self.target_error(file, span, path, why, "include"));
                return None;
            }
        };
        let Some(source) = self.ctx.site.locales[l].markdown.get(&rel).cloned() else {
            ex.diags.push(
                Diagnostic::new(
                    Kind::MissingInclude,
                    format!("include `{path}` is not a Markdown file"),
                )
                .at(&file.source, span),
            );
            return None;
        };
        if let Some(i) = self.stack.iter().position(|k| *k == (l, rel.clone())) {
            let mut chain: Vec<String> = self.stack[i..].iter().map(|(_, r)| r.clone()).collect();
            chain.push(rel.clone());
            ex.diags.push(
                Diagnostic::new(
                    Kind::IncludeCycle,
                    format!("include cycle: `{rel}` includes itself"),
                )
                .at(&file.source, span)
                .note(format!("chain: {}", chain.join(" -> ")))
                .hint("remove one of the includes in the chain"),
            );
            return None;
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            ex.diags.push(
                Diagnostic::new(
                    Kind::IncludeCycle,
                    format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"),
                )
                .at(&file.source, span),
            );
            return None;
        }
        // Parsed once by `load`; parsed here only for a file `serve` has replaced since.
        let parsed = match self.ctx.site.locales[l].body_start(&rel, &source) {
            Some(r) => r.clone(),
            None => crate::frontmatter::parse(&source).map(|p| p.body_start),
        };
        let body_start = match parsed {
            Ok(b) => b,
            Err(d) => {
                ex.diags.push(d);
                return None;
            }
        };
        ex.deps.push((l, rel.clone()));
        let inc = Arc::new(FileRef {
            source: source.clone(),
            locale: l,
            rel,
        });
        let len = source.text.len();
        Some((inc, body_start..len))
    }

    fn include(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        span: Range<usize>,
        path: &str,
        prefix: Option<&str>,
    ) {
        let Some((inc, body)) = self.load_include(ex, file, span.clone(), path) else {
            return;
        };
        self.stack.push((inc.locale, inc.rel.clone()));
        self.expand_file(ex, &inc, body, prefix.unwrap_or(""));
        self.stack.pop();
    }

    fn inline_includes(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        start: usize,
        end: usize,
    ) {
        let text = &file.source.text;
        let mut pos = start;
        while let Some(i) = find_ci(&text[pos..end], "[!include") {
            let at = pos + i;
            let Some((len, path)) = parse_include_at(&text[at..end]) else {
                ex.mapped.copy(file, pos..at + 1);
                pos = at + 1;
                continue;
            };
            ex.mapped.copy(file, pos..at);
            if let Some((inc, body)) = self.load_include(ex, file, at..at + len, &path) {
                // Inline includes contribute inline content only: their text, lines joined.
                let t = &inc.source.text;
                let trimmed_start =
                    body.start + (t[body.clone()].len() - t[body.clone()].trim_start().len());
                let trimmed_end = body.start + t[body.clone()].trim_end().len();
                let mut p = trimmed_start;
                while p < trimmed_end {
                    let e = t[p..trimmed_end]
                        .find('\n')
                        .map(|i| p + i)
                        .unwrap_or(trimmed_end);
                    let line_end = if t[p..e].ends_with('\r') { e - 1 } else { e };
                    ex.mapped.copy(&inc, p..line_end);
                    if e < trimmed_end {
                        ex.mapped.gen(&inc, e, " ");
                    }
                    p = e + 1;
                }
            }
            pos = at + len;
        }
        ex.mapped.copy(file, pos..end);
    }

    #[allow(clippy::too_many_arguments)]
    fn snippet(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        span: Range<usize>,
        lang: &str,
        path: &str,
        range: Option<&str>,
        highlight: Option<&str>,
        title: Option<&str>,
        prefix: &str,
    ) {
        let (path_part, fragment) = match path.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (path, None),
        };
        let (l, rel) = match self.resolve_target(file, path_part) {
            Ok(t) => t,
            Err(why) => {
                ex.diags
                    .push(self.target_error(file, span, path_part, why, "code snippet"));
                return;
            }
        };
        let loc = &self.ctx.site.locales[l];
        let source = match loc.markdown.get(&rel) {
            Some(s) => s.clone(),
            // Every asset a snippet line can name was read by `load`.
            None => match self.ctx.site.snippets.get(&(l, rel.clone())) {
                Some(Ok(s)) => s.clone(),
                Some(Err(d)) => {
                    ex.diags.push(d.clone());
                    return;
                }
                // Not reached: `load::read_snippets` reads a superset of the targets.
                None => {
                    ex.diags.push(self.target_error(
                        file,
                        span,
                        path_part,
                        "missing",
                        "code snippet",
                    ));
                    return;
                }
            },
        };
        ex.deps.push((l, rel.clone()));
        let snip = Arc::new(FileRef {
            source: source.clone(),
            locale: l,
            rel,
        });
        let lines = line_ranges(&source.text);
        let selected: Vec<Range<usize>> = match select_lines(&source.text, &lines, range, fragment)
        {
            Ok(s) => s,
            Err(msg) => {
                ex.diags.push(
                    Diagnostic::new(Kind::Extension, msg)
                        .at(&file.source, span)
                        .hint("ranges look like `2-5,9`; regions are `#L2-L5` or a region name marked in the file"),
                );
                return;
            }
        };
        let body: String = selected.iter().map(|r| &source.text[r.clone()]).collect();
        let ticks = longest_run(&body, '`').max(2) + 1;
        let fence = "`".repeat(ticks);
        let mut info = lang.to_string();
        if let Some(h) = highlight {
            info.push_str(&format!(" highlight=\"{h}\""));
        }
        if let Some(t) = title {
            info.push_str(&format!(" title=\"{}\"", t.replace('"', "'")));
        }
        ex.mapped
            .gen(file, span.start, &format!("{prefix}{fence}{info}\n"));
        for r in selected {
            ex.mapped.gen(file, span.start, prefix);
            ex.mapped.copy(&snip, r.clone());
            if !source.text[r].ends_with('\n') {
                ex.mapped.gen(file, span.start, "\n");
            }
        }
        ex.mapped
            .gen(file, span.start, &format!("{prefix}{fence}\n"));
    }
}

/// The content-root path an include or snippet `path` written in file `from_rel` names, or
/// why it names none (`"absolute"`, `"outside"`); whether it exists is looked up after.
pub fn target_rel(from_rel: &str, path: &str) -> Result<String, &'static str> {
    let path = paths::percent_decode(path.trim());
    let rel = if let Some(rest) = path.strip_prefix("~/") {
        paths::normalize(rest)
    } else if paths::is_absolute(&path) {
        return Err("absolute");
    } else {
        paths::resolve_relative(from_rel, &path)
    };
    rel.ok_or("outside")
}

/// Every path a line of a Markdown file may name as a code snippet (`[!code-lang[...](path)]`,
/// `:::code source="path":::`), without its `#region`. A superset: the line scanner decides
/// later which lines are snippets (not in a fence, not hidden, after a quote's `>`), but each
/// of those is a suffix of its line, so trying every `[!code` and `:::` finds them all.
pub fn snippet_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("[!code") {
        if let Some((_, path, _)) = code_reference(line[at..].trim_end()) {
            out.push(path);
        }
    }
    for (at, _) in line.match_indices(":::") {
        if let Some(d) = parse_colon_directive(line[at..].trim_end()) {
            if d.name == "code" {
                out.extend(d.attr("source"));
            }
        }
    }
    for p in &mut out {
        if let Some((path, _)) = p.split_once('#') {
            *p = path.to_string();
        }
    }
    out
}

fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// Byte ranges of the lines of `text`, each with its line ending.
pub fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let e = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        out.push(pos..e);
        pos = e;
    }
    out
}

/// Picks the lines of a snippet: `range="2-5,9"`, `#L2-L5`, or a named region.
pub fn select_lines(
    text: &str,
    lines: &[Range<usize>],
    range: Option<&str>,
    fragment: Option<&str>,
) -> Result<Vec<Range<usize>>, String> {
    let n = lines.len();
    let pick = |spec: &str| -> Result<Vec<Range<usize>>, String> {
        let mut out = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (part, part),
            };
            let a: usize = a
                .trim_start_matches('L')
                .parse()
                .map_err(|_| format!("`{part}` is not a line range"))?;
            let b: usize = if b.is_empty() {
                n
            } else {
                b.trim_start_matches('L')
                    .parse()
                    .map_err(|_| format!("`{part}` is not a line range"))?
            };
            if a == 0 || a > b || a > n {
                return Err(format!(
                    "line range `{part}` is outside the file's {n} lines"
                ));
            }
            out.extend(lines[a - 1..b.min(n)].iter().cloned());
        }
        Ok(out)
    };
    if let Some(r) = range {
        return pick(r);
    }
    match fragment {
        None => Ok(lines.to_vec()),
        Some(f)
            if f.starts_with('L') && f[1..].chars().next().is_some_and(|c| c.is_ascii_digit()) =>
        {
            pick(f)
        }
        Some(name) => {
            let (mut start, mut end) = (None, None);
            for (i, r) in lines.iter().enumerate() {
                let l = text[r.clone()].trim();
                let tag_open = l.contains(&format!("<{name}>"));
                let tag_close = l.contains(&format!("</{name}>"));
                let region_open = l
                    .trim_start_matches(['#', '/', '<', '!', '-', ' '])
                    .strip_prefix("region")
                    .is_some_and(|rest| rest.trim() == name);
                if start.is_none() && (tag_open || region_open) && !tag_close {
                    start = Some(i + 1);
                } else if start.is_some()
                    && end.is_none()
                    && (tag_close
                        || l.trim_start_matches(['#', '/', '<', '!', '-', ' '])
                            .starts_with("endregion"))
                {
                    end = Some(i);
                }
            }
            match (start, end) {
                (Some(s), Some(e)) => Ok(lines[s..e].to_vec()),
                _ => Err(format!("region `{name}` is not marked in the snippet file")),
            }
        }
    }
}

fn fence_open(t: &str) -> Option<Fence> {
    let ch = *t.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = t.bytes().take_while(|b| *b == ch).count();
    if len < 3 || (ch == b'`' && t[len..].contains('`')) {
        return None;
    }
    Some(Fence { ch, len })
}

fn is_fence_close(t: &str, f: &Fence) -> bool {
    let len = t.bytes().take_while(|b| *b == f.ch).count();
    len >= f.len && t[len..].trim().is_empty()
}

/// A parsed `:::name attrs:::` or `::: name attrs` line.
#[derive(Debug)]
pub struct ColonDirective {
    /// The directive's name, lower-case (`image`, `row-end`, `moniker`).
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl ColonDirective {
    /// The value of attribute `key` (case-insensitive).
    pub fn attr(&self, key: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
    }
}

/// Parses a `:::name attrs:::` or `::: name attrs` line (already trimmed).
pub fn parse_colon_directive(t: &str) -> Option<ColonDirective> {
    let rest = t.strip_prefix(":::")?;
    let rest = rest.strip_suffix(":::").unwrap_or(rest).trim();
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let name = rest[..name_len].to_ascii_lowercase();
    Some(ColonDirective {
        name,
        attrs: parse_attrs(&rest[name_len..]),
    })
}

/// `key="value" key2='v' flag` pairs.
pub fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let ks = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
            i += 1;
        }
        if ks == i {
            i += 1;
            continue;
        }
        let key = s[ks..i].to_string();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = s[vs..].find(q as char).map(|j| vs + j).unwrap_or(b.len());
                out.push((key, s[vs..ve].to_string()));
                i = (ve + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                out.push((key, s[vs..i].to_string()));
            }
        } else {
            out.push((key, String::new()));
        }
    }
    out
}

/// `[!INCLUDE [title](path)]` as a whole line: returns the path.
pub fn block_include(t: &str) -> Option<(usize, String)> {
    if !t.get(..9)?.eq_ignore_ascii_case("[!include") {
        return None;
    }
    let (len, path) = parse_include_at(t)?;
    (len == t.len()).then_some((len, path))
}

/// Parses `[!include[title](path)]` (spaces allowed before `[title]`) at the start of `s`:
/// its length and path.
pub fn parse_include_at(s: &str) -> Option<(usize, String)> {
    if !s.get(..9)?.eq_ignore_ascii_case("[!include") {
        return None;
    }
    let rest = &s[9..];
    let after_ws = rest.trim_start();
    let mut i = 9 + (rest.len() - after_ws.len());
    if !s[i..].starts_with('[') {
        return None;
    }
    // Title: up to the matching `]`.
    let mut depth = 0;
    let mut j = i;
    for (k, c) in s[i..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    j = i + k;
                    break;
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return None;
    }
    i = j + 1;
    if !s[i..].starts_with('(') {
        return None;
    }
    let close = s[i..].find(')')? + i;
    let mut path = s[i + 1..close].trim();
    // An optional "title" after the path.
    if let Some(sp) = path.find(char::is_whitespace) {
        path = &path[..sp];
    }
    let path = path.trim_start_matches('<').trim_end_matches('>');
    if !s[close + 1..].starts_with(']') {
        return None;
    }
    Some((close + 2, path.to_string()))
}

/// `[!code-lang[name](path#region "title")]` as a whole line.
pub fn code_reference(t: &str) -> Option<(String, String, Option<String>)> {
    let rest = t.strip_prefix("[!code")?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let lb = rest.find('[')?;
    let lang = rest[..lb].to_string();
    let close_title = rest[lb..].find("](")? + lb;
    let inner_start = close_title + 2;
    let inner_end = rest.rfind(")]")?;
    if inner_end < inner_start || inner_end + 2 != rest.len() {
        return None;
    }
    let inner = rest[inner_start..inner_end].trim();
    let (path, title) = match inner.find(" \"") {
        Some(i) => (
            inner[..i].trim(),
            Some(inner[i + 2..].trim_end_matches('"').to_string()),
        ),
        None => (inner, None),
    };
    Some((lang, path.to_string(), title))
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
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
