//! Markdown to HTML for one page: the DocFX line pass ([`expand`]), then pulldown-cmark events
//! rewritten for heading ids, links, code highlighting, alerts and tabs ([`docfx`]). The result
//! carries everything later stages need: headings, anchors, outgoing links, plain text for
//! search, include dependencies and diagnostics.

mod a11y;
pub mod bidi;
pub mod docfx;
pub mod expand;
pub mod highlight;
pub mod links;
pub mod raw_html;
pub mod sanitize;
pub mod slug;
mod yaml_page;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Kind};
use crate::site::{LocaleId, PageId, Site};
use crate::source::Source;
use crate::url_policy::{Refusal, UrlPolicy, UrlUse};
use expand::{ExpandCtx, FileRef, Mapped};
use highlight::{escape_html, Highlighter};
use links::{LinkCtx, Resolved};

pub fn options() -> Options {
    crate::source::markdown_options()
}

/// Labels the Markdown output needs, in the page's language.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// Alert kind (lower-case) -> (title, css style).
    pub alerts: HashMap<String, (String, String)>,
    pub image_description: String,
    pub version: String,
    /// Label of the version picker.
    pub choose_version: String,
    pub video: String,
    /// Accessible names of code blocks and table scroll regions.
    pub code_block: String,
    pub table: String,
    /// Heading of the footnotes section and the name of each footnote's link back to the text.
    pub footnotes: String,
    pub footnote_back: String,
    /// Names of the link types of YAML pages (`overview` -> `Overview`), from the UI strings
    /// `yaml_type_<type>` (`-` written `_`).
    pub yaml_types: std::collections::BTreeMap<String, String>,
}

pub struct MarkdownCtx<'a> {
    pub site: &'a Site,
    pub highlighter: &'a Highlighter,
    /// Labels per locale id.
    pub labels: &'a [Labels],
    /// `uid:` front matter -> article path, from the source locale.
    pub uids: &'a HashMap<String, String>,
    /// Redirected articles and where they lead.
    pub redirected: &'a links::Redirected,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Inner HTML of the heading.
    pub html: String,
    /// Plain text of the heading.
    pub text: String,
    /// Where the heading's line starts in [`Rendered::text`] (for the search index's
    /// sections). Not kept by the build cache, which keeps the search entry made from it.
    #[serde(skip)]
    pub at: usize,
}

/// A link from this page to a page of the site, kept for anchor checks and the link graph.
#[derive(Debug, Clone)]
pub struct PageLink {
    pub target: PageId,
    pub fragment: Option<String>,
    pub source: Source,
    pub span: Range<usize>,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// The article's leading `# ` heading, taken out of `html`: (id, inner HTML).
    pub title: Option<(String, String)>,
    pub headings: Vec<Heading>,
    /// Every id on the page: headings, `<a name>`/`id` in raw HTML, footnotes.
    pub anchors: HashSet<String>,
    pub links: Vec<PageLink>,
    /// Plain text of the article, for a search index.
    pub text: String,
    pub deps: Vec<(LocaleId, String)>,
    pub diags: Vec<Diagnostic>,
    /// `http(s)` links, for `check --external`.
    pub external: Vec<crate::external::ExternalRef>,
}

/// Renders one page's Markdown (a YAML page's structure, see [`yaml_page`]).
pub fn render(ctx: &MarkdownCtx, page_id: PageId) -> Rendered {
    let site = ctx.site;
    let page = &site.pages[page_id];
    if !crate::paths::is_markdown(&page.rel) {
        return yaml_page::render(ctx, page_id);
    }
    let file = Arc::new(FileRef {
        source: page.source.clone(),
        locale: page.content_locale(site),
        rel: page.rel.clone(),
    });
    render_file(ctx, page_id, file, page.front.body_start, true)
}

/// Renders the Markdown of `file` from byte `start` to its end, as part of page `page_id`.
/// `lead_title`: a leading `# Title` moves to the page header (an article's own text).
fn render_file(
    ctx: &MarkdownCtx,
    page_id: PageId,
    file: Arc<FileRef>,
    start: usize,
    lead_title: bool,
) -> Rendered {
    let site = ctx.site;
    let page = &site.pages[page_id];
    let content_locale = page.content_locale(site);
    let labels = &ctx.labels[page.locale];
    let mut include_locales = vec![content_locale];
    if content_locale != site.source_locale {
        include_locales.push(site.source_locale);
    }
    let monikers = crate::moniker::monikers_for(
        &site.config.config.monikers,
        site.locales[content_locale]
            .docset_of(&page.rel)
            .map(|d| d.moniker_ranges.as_slice())
            .unwrap_or_default(),
    );
    let ectx = ExpandCtx {
        site,
        include_locales,
        monikers: &monikers,
        image_description: labels.image_description.clone(),
        version_label: labels.version.clone(),
    };
    // The page's own front matter, when it could not be read, is shown as text (keep_going);
    // a YAML page's answers have none.
    let unread = if lead_title {
        page.front.unread.clone()
    } else {
        Default::default()
    };
    let ex = expand::expand(&ectx, file, start, unread);
    let mut out = Rendered {
        diags: ex.diags,
        deps: ex.deps,
        ..Default::default()
    };
    let lctx = LinkCtx {
        site,
        reader: page.locale,
        uids: ctx.uids,
        redirected: ctx.redirected,
    };
    let policy = UrlPolicy::new(&site.config.config);
    let mut pass = Pass {
        ctx,
        lctx: &lctx,
        mapped: &ex.mapped,
        out: &mut out,
        slugger: slug::Slugger::default(),
        page_id,
        policy,
        image_dropped: Vec::new(),
    };
    let events = pass.first_pass();
    let events = docfx::blockquotes(events, labels, &mut pass.out.diags, &ex.mapped, &policy);
    let mut events = a11y::structure(docfx::tabs(events), labels);
    if site.locales[content_locale].dir == crate::config::TextDir::Rtl {
        events = bidi::isolate(events);
    }
    // A leading `# Title` moves to the page header, above the description and outline.
    if let Some((
        Event::Start(Tag::Heading {
            level: pulldown_cmark::HeadingLevel::H1,
            id,
            ..
        }),
        _,
    )) = events.first().filter(|_| lead_title)
    {
        let end = events
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
            .unwrap_or(0);
        let id = id.as_ref().map(|i| i.to_string()).unwrap_or_default();
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, events[1..end].iter().map(|(e, _)| e.clone()));
        out.title = Some((id, inner));
        events.drain(..=end);
    }
    let mut html = String::with_capacity(ex.mapped.text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    if site.config.config.raw_html == crate::config::RawHtml::Sanitize {
        html = sanitize::clean(&html, &policy);
    }
    if ex.moniker_blocks {
        // The picker is written by helpsite, after the sanitizer: it is not the writer's HTML.
        // The versions' names are the configuration's, in the source language: on a page in
        // another language they are marked so (an English name stays left to right on an
        // Arabic page). On a fallback page the label is in the reader's language, the text
        // around it in the source's: the picker is marked with the reader's.
        let marks = |l: LocaleId| {
            let l = &site.locales[l];
            let dir = match l.dir {
                crate::config::TextDir::Rtl => "rtl",
                crate::config::TextDir::Ltr => "ltr",
            };
            format!(" lang=\"{}\" dir=\"{dir}\"", escape_html(&l.code))
        };
        let ui = (page.locale != content_locale).then(|| marks(page.locale));
        let names = (page.locale != site.source_locale).then(|| marks(site.source_locale));
        html.insert_str(
            0,
            &version_picker(&monikers, &labels.choose_version, ui, names),
        );
    }
    out.html = html;
    // Every page's body is held until the templates ran: no spare capacity (a big site's
    // bodies take a third less memory).
    out.html.shrink_to_fit();
    out.text.shrink_to_fit();
    out.links.shrink_to_fit();
    out
}

/// The version picker of a page with moniker blocks: hidden until the theme's script shows
/// it (without JavaScript every version is shown, each block labelled). `?view=<moniker>`
/// chooses the version it starts with.
fn version_picker(
    monikers: &[crate::moniker::Moniker],
    label: &str,
    ui: Option<String>,
    names: Option<String>,
) -> String {
    // ` lang=".." dir=".."` attributes of the picker and of the list of names, if any.
    let (ui, names) = (ui.unwrap_or_default(), names.unwrap_or_default());
    let mut html = format!(
        "<div class=\"moniker-picker\"{ui} hidden>\n<label for=\"moniker-picker-select\">{}</label>\n<select id=\"moniker-picker-select\"{names}>\n",
        escape_html(label)
    );
    for m in monikers {
        html.push_str(&format!(
            "<option value=\"{}\">{}</option>\n",
            escape_html(&m.name),
            escape_html(&m.display)
        ));
    }
    html.push_str("</select>\n</div>\n");
    html
}

/// An event and the range of the expanded text it came from.
pub type Ev<'a> = (Event<'a>, Range<usize>);

struct Pass<'a, 'b> {
    ctx: &'a MarkdownCtx<'a>,
    lctx: &'a LinkCtx<'a>,
    mapped: &'b Mapped,
    out: &'a mut Rendered,
    slugger: slug::Slugger,
    page_id: PageId,
    policy: UrlPolicy<'a>,
    /// Per open image: whether its URL was refused (the alt text is written as text).
    image_dropped: Vec<bool>,
}

/// An open link: the text that replaces its own (an `xref:` autolink's page title), and
/// whether its URL was refused (its text is written without the link).
type LinkFrame = (Option<String>, bool);

impl<'b> Pass<'_, 'b> {
    fn diag_at(&self, d: Diagnostic, range: Range<usize>) -> Diagnostic {
        match self.mapped.span(range) {
            Some((src, span)) => d.at(&src, span),
            None => d,
        }
    }

    /// Reports a URL the policy refused, at `range` of the expanded text.
    fn refuse(&mut self, r: Refusal, range: Range<usize>) {
        let d = Diagnostic::new(Kind::UnsafeUrl, r.message).hint(r.hint);
        let d = self.diag_at(d, range);
        self.out.diags.push(d);
    }

    fn first_pass(&mut self) -> Vec<Ev<'b>> {
        let text: &'b str = &self.mapped.text;
        let parser = Parser::new_ext(text, options()).into_offset_iter();
        let mut input: Vec<Ev<'b>> = parser.collect();
        // Ids written by the writer are reserved first, so generated slugs avoid them.
        for (ev, _) in &input {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = ev {
                self.slugger.reserve(id);
            }
            if let Event::Html(h) | Event::InlineHtml(h) = ev {
                for id in html_ids(h) {
                    self.slugger.reserve(&id);
                }
            }
            if let Event::Start(Tag::FootnoteDefinition(name)) = ev {
                self.slugger.reserve(name);
            }
        }
        let mut out: Vec<Ev<'b>> = Vec::with_capacity(input.len());
        let mut i = 0;
        let mut link_stack: Vec<LinkFrame> = Vec::new();
        while i < input.len() {
            let (ev, range) = std::mem::replace(&mut input[i], (Event::SoftBreak, 0..0));
            match ev {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let end = input[i..]
                        .iter()
                        .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                        .map(|p| i + p)
                        .unwrap_or(input.len() - 1);
                    let mut inner: Vec<Ev<'b>> = input[i + 1..end]
                        .iter_mut()
                        .map(|e| std::mem::replace(e, (Event::SoftBreak, 0..0)))
                        .collect();
                    i = end + 1;
                    if let Some(tab) = docfx::tab_heading(level, &inner) {
                        out.push((Event::Html(CowStr::from(tab)), range));
                        continue;
                    }
                    let anchor_id = take_leading_anchor(&mut inner);
                    let plain: String = inner
                        .iter()
                        .filter_map(|(e, _)| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let id = match (anchor_id, id) {
                        (Some(a), _) => self.take_id(a, range.clone()),
                        (None, Some(explicit)) => self.take_id(explicit.to_string(), range.clone()),
                        (None, None) => {
                            let id = self.slugger.unique(&plain);
                            self.out.anchors.insert(id.clone());
                            id
                        }
                    };
                    // Links inside headings are rewritten like any other. The heading's text
                    // goes into the plain text once, as its own line (below), not also glued
                    // to the text before it by the rewrite.
                    let mut rewritten = Vec::with_capacity(inner.len());
                    let text_before = self.out.text.len();
                    for (e, r) in inner {
                        self.rewrite_inline(e, r, &mut rewritten, &mut link_stack);
                    }
                    self.out.text.truncate(text_before);
                    let mut inner_html = String::new();
                    pulldown_cmark::html::push_html(
                        &mut inner_html,
                        rewritten.iter().map(|(e, _)| e.clone()),
                    );
                    self.out.headings.push(Heading {
                        level: level as u8,
                        id: id.clone(),
                        html: inner_html,
                        text: plain.trim().to_string(),
                        at: self.out.text.len(),
                    });
                    self.out.text.push_str(plain.trim());
                    self.out.text.push('\n');
                    out.push((
                        Event::Start(Tag::Heading {
                            level,
                            id: Some(CowStr::from(id)),
                            classes,
                            attrs,
                        }),
                        range,
                    ));
                    out.extend(rewritten);
                    out.push((Event::End(TagEnd::Heading(level)), 0..0));
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let mut code = String::new();
                    i += 1;
                    while i < input.len() {
                        if let Event::End(TagEnd::CodeBlock) = input[i].0 {
                            break;
                        }
                        if let Event::Text(t) = &input[i].0 {
                            code.push_str(t);
                        }
                        i += 1;
                    }
                    i += 1;
                    let info = match &kind {
                        CodeBlockKind::Fenced(info) => info.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    let html = self.code_block(&info, &code, range.clone());
                    self.out.text.push_str(&code);
                    out.push((Event::Html(CowStr::from(html)), range));
                }
                Event::Start(Tag::HtmlBlock) => {
                    // The block's lines are read as one: a tag may span lines.
                    let mut lines = Vec::new();
                    i += 1;
                    while i < input.len() && !matches!(input[i].0, Event::End(TagEnd::HtmlBlock)) {
                        lines.push(std::mem::replace(&mut input[i], (Event::SoftBreak, 0..0)));
                        i += 1;
                    }
                    i += 1;
                    let html = self.html_block(lines);
                    out.push((Event::Start(Tag::HtmlBlock), range.clone()));
                    out.push((Event::Html(CowStr::from(html)), range));
                    out.push((Event::End(TagEnd::HtmlBlock), 0..0));
                }
                other => {
                    i += 1;
                    self.rewrite_inline(other, range, &mut out, &mut link_stack);
                }
            }
        }
        out
    }

    fn code_block(&mut self, info: &str, code: &str, range: Range<usize>) -> String {
        let mut parts = info.splitn(2, |c: char| c.is_whitespace() || c == '{');
        let lang = parts.next().unwrap_or("").trim().to_string();
        let attrs = expand::parse_attrs(parts.next().unwrap_or("").trim_end_matches('}'));
        let hl = self.ctx.highlighter.highlight(&lang, code);
        if hl.unknown_language {
            let d = Diagnostic::new(
                Kind::UnknownLanguage,
                format!("no syntax highlighting for language `{lang}`; shown as plain text"),
            );
            let d = self.diag_at(d, range);
            self.out.diags.push(d);
        }
        let highlight_lines = attrs
            .iter()
            .find(|(k, _)| k == "highlight")
            .map(|(_, v)| parse_line_set(v))
            .unwrap_or_default();
        let body = if highlight_lines.is_empty() {
            hl.html.to_string()
        } else {
            mark_lines(&hl.html, &highlight_lines)
        };
        let title = attrs
            .iter()
            .find(|(k, _)| k == "title")
            .map(|(_, v)| v.clone());
        let lang_class = if lang.is_empty() {
            String::new()
        } else {
            format!(
                " class=\"language-{}\"",
                escape_html(&lang.to_ascii_lowercase())
            )
        };
        // The block scrolls sideways when wide, so it takes the keyboard focus; a focusable
        // element needs a name: its title, else "Code".
        let locale = self.ctx.site.pages[self.page_id].locale;
        let name = escape_html(
            title
                .as_deref()
                .unwrap_or(&self.ctx.labels[locale].code_block),
        );
        // The header: the block's title and the language's name, written here so they show
        // without JavaScript (the theme's script adds the copy button to it).
        let title_html = title
            .as_ref()
            .map(|t| format!("<div class=\"code-title\">{}</div>", escape_html(t)))
            .unwrap_or_default();
        let lang_html = self
            .ctx
            .highlighter
            .display_name(&lang)
            .map(|n| format!("<span class=\"code-lang\">{}</span>", escape_html(n)))
            .unwrap_or_default();
        let label = if title_html.is_empty() && lang_html.is_empty() {
            String::new()
        } else {
            format!("<div class=\"code-header\">{title_html}{lang_html}</div>")
        };
        format!("<div class=\"code-block\">{label}<pre tabindex=\"0\" role=\"group\" aria-label=\"{name}\"><code{lang_class}>{body}</code></pre></div>\n")
    }

    /// Links, images and raw HTML; everything else passes through and feeds the plain text.
    fn rewrite_inline(
        &mut self,
        ev: Event<'b>,
        range: Range<usize>,
        out: &mut Vec<Ev<'b>>,
        link_stack: &mut Vec<LinkFrame>,
    ) {
        match ev {
            Event::Start(Tag::Link { ref dest_url, .. })
            | Event::Start(Tag::Image { ref dest_url, .. })
                if self.policy.check(dest_url, url_use(&ev)).is_err() =>
            {
                if let Err(r) = self.policy.check(dest_url, url_use(&ev)) {
                    self.refuse(r, range);
                }
                match ev {
                    Event::Start(Tag::Link { .. }) => link_stack.push((None, true)),
                    _ => self.image_dropped.push(true),
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let href = self.resolve_url(&dest_url, range.clone(), false);
                // A broken link to a source file (`x.md`, `index.yml`, reported) would lead
                // readers to a 404 of a file the site never publishes: its text stays, the link
                // goes.
                if href.is_none() && names_source_file(&dest_url) {
                    link_stack.push((None, true));
                    return;
                }
                let replace_text =
                    if link_type == LinkType::Autolink && dest_url.starts_with("xref:") {
                        href.as_ref().and_then(|_| {
                            let uid = dest_url[5..].split(['#', '?']).next().unwrap_or("");
                            self.ctx
                                .uids
                                .get(uid)
                                .and_then(|rel| self.ctx.site.lookup(self.lctx.reader, rel))
                                .map(|p| self.ctx.site.pages[p].title.clone())
                        })
                    } else {
                        None
                    };
                link_stack.push((replace_text.clone(), false));
                let dest = href.unwrap_or_else(|| dest_url.to_string());
                let start = Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(dest),
                    title,
                    id,
                });
                if replace_text.is_none()
                    && matches!(link_type, LinkType::Autolink | LinkType::Email)
                {
                    // The text of an autolink is its URL or address: isolated left to right,
                    // so a right-to-left page shows it in its own order (`dir` isolates).
                    let mut tag = String::new();
                    pulldown_cmark::html::push_html(&mut tag, std::iter::once(start));
                    tag.insert_str(tag.len() - 1, " dir=\"ltr\"");
                    out.push((Event::InlineHtml(CowStr::from(tag)), range));
                } else {
                    out.push((start, range));
                }
                if let Some(t) = replace_text {
                    out.push((Event::Text(CowStr::from(t)), 0..0));
                }
            }
            Event::End(TagEnd::Link) => {
                if !link_stack.pop().is_some_and(|(_, dropped)| dropped) {
                    out.push((ev, range));
                }
            }
            Event::End(TagEnd::Image) => {
                if !self.image_dropped.pop().unwrap_or(false) {
                    out.push((ev, range));
                }
            }
            Event::Text(_) | Event::Code(_) if link_stack.last().is_some_and(|t| t.0.is_some()) => {
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.image_dropped.push(false);
                let href = self.resolve_url(&dest_url, range.clone(), true);
                let dest = href.unwrap_or_else(|| dest_url.to_string());
                out.push((
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url: CowStr::from(dest),
                        title,
                        id,
                    }),
                    range,
                ));
            }
            Event::Html(h) | Event::InlineHtml(h) if h.contains('<') => {
                if !self.raw_html_allowed(&h, range.clone()) {
                    return;
                }
                let h = self.take_html_ids(&h, range.clone());
                let rewritten = self.rewrite_html(&h, &[(0, range.clone())]);
                out.push((Event::Html(CowStr::from(rewritten)), range));
                // A tag separates the words around it in the plain text (`<li>a</li><li>b`
                // is two words, not `ab`).
                if !self.out.text.ends_with([' ', '\n']) {
                    self.out.text.push(' ');
                }
            }
            Event::Text(t) => {
                self.out.text.push_str(&t);
                out.push((Event::Text(t), range));
            }
            Event::Code(t) => {
                self.out.text.push_str(&t);
                out.push((Event::Code(t), range));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.out.text.push(' ');
                out.push((ev, range));
            }
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item)
            | Event::End(TagEnd::TableCell) => {
                self.out.text.push('\n');
                out.push((ev, range));
            }
            Event::Start(Tag::FootnoteDefinition(ref name)) => {
                self.out.anchors.insert(name.to_string());
                out.push((ev, range));
            }
            other => out.push((other, range)),
        }
    }

    /// Resolves a URL and records the link; `None` leaves the URL as written.
    fn resolve_url(&mut self, url: &str, range: Range<usize>, image: bool) -> Option<String> {
        let file = self.mapped.locate(range.start)?.0.clone();
        match links::resolve(self.lctx, &file, url, image) {
            Resolved::External => {
                let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    if let Some((source, span)) = self.mapped.span(range) {
                        self.out.external.push(crate::external::ExternalRef {
                            url: url.to_string(),
                            source,
                            span,
                        });
                    }
                }
                None
            }
            Resolved::InPage { fragment } => {
                if let Some((source, span)) = self.mapped.span(range) {
                    self.out.links.push(PageLink {
                        target: self.page_id,
                        fragment: Some(fragment),
                        source,
                        span,
                    });
                }
                None
            }
            Resolved::Page {
                href,
                target,
                fragment,
                case,
            } => {
                self.case_mismatch(url, case, range.clone());
                if let Some((source, span)) = self.mapped.span(range) {
                    self.out.links.push(PageLink {
                        target,
                        fragment,
                        source,
                        span,
                    });
                }
                Some(href)
            }
            Resolved::Asset { href, case } => {
                self.case_mismatch(url, case, range);
                Some(href)
            }
            Resolved::Broken {
                kind,
                message,
                hint,
            } => {
                let d = Diagnostic::new(kind, message).hint(hint);
                let d = self.diag_at(d, range);
                self.out.diags.push(d);
                None
            }
        }
    }

    /// Takes the id the writer gave an element (`<a name>`, `{#id}`, `id="..."`): as written
    /// when no element before it has it, else numbered as markdig numbers repeated heading ids
    /// (`x-1`, `x-2`...), so ids stay unique (HTML requires it) and a link to `#x-1` finds the
    /// second `x`, as it does on the source page whose headings a translation's anchors were
    /// made from. The repeat is a `duplicate_id` finding at `range`: `info` by default, since a
    /// translation copies its source's anchors and its writers cannot change them.
    fn take_id(&mut self, id: String, range: Range<usize>) -> String {
        if self.out.anchors.insert(id.clone()) {
            return id;
        }
        let numbered = self.slugger.number(&id);
        self.out.anchors.insert(numbered.clone());
        let d = Diagnostic::new(
            Kind::DuplicateId,
            format!("the id `{id}` is used more than once on this page; this one is `{numbered}`"),
        )
        .hint(format!(
            "a link to `#{id}` goes to the first one; give this one an id of its own with `<a name>` or `{{#id}}` (in a translation, the source page's headings decide its anchors)"
        ));
        let d = self.diag_at(d, range);
        self.out.diags.push(d);
        numbered
    }

    /// [`Pass::take_id`] for every id of raw HTML `h` (event range `range`): `h` with the
    /// repeated ones numbered.
    fn take_html_ids(&mut self, h: &str, range: Range<usize>) -> String {
        let mut edits = Vec::new();
        for (r, id) in html_id_attrs(h) {
            let taken = self.take_id(id.to_string(), range.clone());
            if taken != id {
                edits.push((r, taken));
            }
        }
        apply_edits(h, edits).0
    }

    /// The `case_mismatch` finding of a link or image `url` that named the file `on_disk` in
    /// other letter case.
    fn case_mismatch(&mut self, url: &str, on_disk: Option<String>, range: Range<usize>) {
        if let Some(on_disk) = on_disk {
            let d = self.diag_at(crate::site::case_mismatch(url.trim(), &on_disk), range);
            self.out.diags.push(d);
        }
    }

    /// Whether the writer's raw HTML `h` may stand (`raw_html: deny` refuses it, with a
    /// finding); extension markup helpsite wrote is always allowed.
    fn raw_html_allowed(&mut self, h: &str, range: Range<usize>) -> bool {
        let writers = !self.mapped.generated_at(range.start);
        if writers
            && h.contains('<')
            && self.ctx.site.config.config.raw_html == crate::config::RawHtml::Deny
            && !is_comment(h)
        {
            let d = Diagnostic::new(Kind::RawHtml, "raw HTML is not allowed on this site")
                .hint("write it in Markdown, or ask the site's owners to set `raw_html: sanitize`");
            let d = self.diag_at(d, range);
            self.out.diags.push(d);
            return false;
        }
        true
    }

    /// The lines of one HTML block, joined and rewritten as one fragment.
    fn html_block(&mut self, lines: Vec<Ev<'b>>) -> String {
        let mut joined = String::new();
        let mut pieces: Vec<(usize, Range<usize>)> = Vec::new();
        for (e, r) in lines {
            let (Event::Html(h) | Event::InlineHtml(h) | Event::Text(h)) = e else {
                continue;
            };
            if !self.raw_html_allowed(&h, r.clone()) {
                continue;
            }
            let h = self.take_html_ids(&h, r.clone());
            pieces.push((joined.len(), r));
            joined.push_str(&h);
        }
        if pieces.is_empty() {
            return joined;
        }
        self.rewrite_html(&joined, &pieces)
    }

    /// Holds raw HTML to the URL policy (a refused URL attribute is reported and left out) and
    /// rewrites `href`/`src` like Markdown links; makes `<a name>` an id (the `name` attribute
    /// on `a` is obsolete in HTML5). `pieces` maps offsets of `html` to the events it was
    /// joined from: `(offset in html, event range)`, in order.
    fn rewrite_html(&mut self, html: &str, pieces: &[(usize, Range<usize>)]) -> String {
        // Most raw HTML (`<br>`, `<li>`, `</code>`...) has no attribute: copied as it is.
        if !html.contains('=') {
            return html.to_string();
        }
        let piece = |o: usize| &pieces[pieces.partition_point(|(j, _)| *j <= o).max(1) - 1];
        // The expanded-text range of `html[r]`, for a finding's position.
        let at = |r: Range<usize>| {
            let (j, ev) = piece(r.start);
            let s = ev.start + (r.start - j);
            s..s + r.len()
        };
        let Some(attrs) = raw_html::url_attrs(html) else {
            self.refuse(
                Refusal {
                    message: "this raw HTML nests tags in other tags' attributes too deeply to check its URLs; it is written as text".into(),
                    hint: "write plain HTML: one tag after another",
                },
                at(0..html.len().min(1)),
            );
            return escape_html(html);
        };
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for a in attrs {
            let usage = a.usage();
            if let Some(r) = a
                .urls()
                .into_iter()
                .find_map(|u| self.policy.check(u, usage).err())
            {
                self.refuse(r, at(a.range.clone()));
                edits.push((a.range, " ".into()));
                continue;
            }
            if a.primary && (a.name == "href" || a.name == "src") {
                let ev = piece(a.range.start).1.clone();
                if let Some(h) = self.resolve_url(&a.value, ev, a.name == "src") {
                    let quoted = html[..a.value_range.start].ends_with(['"', '\'']);
                    let v = escape_html(&h);
                    edits.push((a.value_range, if quoted { v } else { format!("\"{v}\"") }));
                }
            }
        }
        // A URL written in place of another never changes how the rest reads; a removed
        // attribute may (it can take a quote that closed another tag's value), so after a
        // removal the fragment is read again. Edits that overlapped (a tag inside another's
        // value) wait for the next round; a fragment that stays unsafe is written as text.
        let removed = edits.iter().any(|(_, with)| with == " ");
        let (mut out, skipped) = apply_edits(html, edits);
        if !removed && !skipped {
            return out.replace("<a name=\"", "<a id=\"");
        }
        for _ in 0..4 {
            let Some(attrs) = raw_html::url_attrs(&out) else {
                break;
            };
            let cuts: Vec<(Range<usize>, String)> = attrs
                .into_iter()
                .filter(|a| {
                    a.urls()
                        .into_iter()
                        .any(|u| self.policy.check(u, a.usage()).is_err())
                })
                .map(|a| (a.range, " ".to_string()))
                .collect();
            if cuts.is_empty() {
                return out.replace("<a name=\"", "<a id=\"");
            }
            out = apply_edits(&out, cuts).0;
        }
        escape_html(html)
    }
}

/// Replaces ranges of `s`, in order; an edit overlapping an earlier one is skipped (the
/// second value says whether one was).
fn apply_edits(s: &str, mut edits: Vec<(Range<usize>, String)>) -> (String, bool) {
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    let mut skipped = false;
    for (r, with) in edits {
        if r.start < pos {
            skipped = true;
            continue;
        }
        out.push_str(&s[pos..r.start]);
        out.push_str(&with);
        pos = r.end;
    }
    out.push_str(&s[pos..]);
    (out, skipped)
}

/// What a Markdown link or image's URL is used for.
fn url_use(ev: &Event) -> UrlUse {
    match ev {
        Event::Start(Tag::Image { .. }) => UrlUse::Image,
        _ => UrlUse::Link,
    }
}

fn is_comment(h: &str) -> bool {
    let t = h.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

/// Ids declared in raw HTML: `id="x"` on any tag and `name="x"` on `<a>`.
pub fn html_ids(html: &str) -> Vec<String> {
    html_id_attrs(html)
        .into_iter()
        .map(|(_, v)| v.to_string())
        .collect()
}

/// The ids of raw HTML with the byte range of each value: `id` on any tag, `name` on `<a>`
/// (one id when a tag has both with one value).
fn html_id_attrs(html: &str) -> Vec<(Range<usize>, &str)> {
    let bytes = html.as_bytes();
    let mut ids = Vec::new();
    let mut pos = 0;
    while let Some(i) = memchr_byte(b'<', &bytes[pos..]) {
        let start = pos + i;
        let end = memchr_byte(b'>', &bytes[start..])
            .map(|j| start + j)
            .unwrap_or(bytes.len());
        let tag = &html[start..end];
        let is_a = tag.len() > 2
            && tag.as_bytes()[1].eq_ignore_ascii_case(&b'a')
            && matches!(tag.as_bytes()[2], b' ' | b'\t');
        let id = attr_value(tag, "id");
        if let Some(r) = id.clone() {
            ids.push((start + r.start..start + r.end, &tag[r]));
        }
        if is_a {
            if let Some(r) = attr_value(tag, "name") {
                if id.is_none_or(|i| tag[i] != tag[r.clone()]) {
                    ids.push((start + r.start..start + r.end, &tag[r]));
                }
            }
        }
        pos = end.max(start + 1);
        if pos >= bytes.len() {
            break;
        }
    }
    ids
}

fn memchr_byte(b: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == b)
}

/// Where the non-empty value of ` name="..."` (or single quotes, any case) is in one tag's
/// text, trimmed: the first double-quoted occurrence, else the first single-quoted one.
fn attr_value(tag: &str, name: &str) -> Option<Range<usize>> {
    for q in [b'"', b'\''] {
        let b = tag.as_bytes();
        let n = name.len();
        let mut i = 0;
        while i + n + 2 < b.len() {
            if b[i] == b' '
                && b[i + 1..i + 1 + n].eq_ignore_ascii_case(name.as_bytes())
                && b[i + 1 + n] == b'='
                && b[i + 2 + n] == q
            {
                let vs = i + n + 3;
                let v = tag[vs..].find(q as char).and_then(|ve| {
                    let raw = &tag[vs..vs + ve];
                    let lead = raw.len() - raw.trim_start().len();
                    let t = raw.trim();
                    (!t.is_empty()).then(|| vs + lead..vs + lead + t.len())
                });
                if let Some(v) = v {
                    return Some(v);
                }
                break;
            }
            i += 1;
        }
    }
    None
}

/// Removes a leading `<a name="x"></a>` (or `id`) from a heading's events; returns the id.
fn take_leading_anchor(inner: &mut Vec<Ev>) -> Option<String> {
    let first = inner
        .iter()
        .position(|(e, _)| !matches!(e, Event::Text(t) if t.trim().is_empty()))?;
    let Event::InlineHtml(h) = &inner[first].0 else {
        return None;
    };
    let h = h.trim();
    let lower = h.to_ascii_lowercase();
    if !lower.starts_with("<a ") {
        return None;
    }
    let ids = html_ids(h);
    let id = ids.into_iter().next()?;
    let self_closing = lower.ends_with("/>");
    let mut remove = vec![first];
    if !self_closing {
        if let Some((Event::InlineHtml(c), _)) = inner.get(first + 1) {
            if c.trim().eq_ignore_ascii_case("</a>") {
                remove.push(first + 1);
            }
        }
    }
    for i in remove.into_iter().rev() {
        inner.remove(i);
    }
    // Drop the space that separated the anchor from the text.
    if let Some((Event::Text(t), _)) = inner.get_mut(first) {
        let trimmed = t.trim_start().to_string();
        *t = CowStr::from(trimmed);
    }
    Some(id)
}

fn parse_line_set(spec: &str) -> HashSet<usize> {
    let mut set = HashSet::new();
    for (_, a, b) in expand::line_range_parts(spec) {
        match b {
            Some(b) => {
                if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                    set.extend(a..=b.min(a + 10_000));
                }
            }
            None => {
                if let Ok(n) = a.parse() {
                    set.insert(n);
                }
            }
        }
    }
    set
}

/// Wraps the given 1-based lines of highlighted HTML in `<mark class="hl-line">`. Syntect
/// closes its spans at line ends, so lines can be split on `\n` safely.
fn mark_lines(html: &str, lines: &HashSet<usize>) -> String {
    let mut out = String::with_capacity(html.len() + lines.len() * 32);
    for (i, line) in html.split_inclusive('\n').enumerate() {
        if lines.contains(&(i + 1)) {
            let (body, nl) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            out.push_str("<mark class=\"line-highlight\">");
            out.push_str(body);
            out.push_str("</mark>");
            out.push_str(nl);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A relative or site-root URL whose path names a Markdown or YAML source file.
fn names_source_file(url: &str) -> bool {
    if links::is_external(url) {
        return false;
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    let lower = path.to_ascii_lowercase();
    crate::paths::is_markdown(&lower) || lower.ends_with(".yml") || lower.ends_with(".yaml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_ids() {
        assert_eq!(html_ids("<a name=\"x\"></a><div id='y'>"), vec!["x", "y"]);
        assert!(html_ids("<span name=\"x\">").is_empty());
        assert_eq!(
            html_ids("<A NAME=\"Up\"></A><p ID=\" q \" data-id=\"no\"><b id=\"\"><i id='s'>"),
            vec!["Up", "q", "s"]
        );
        // One id for a tag that names it twice; each with where its value is written.
        let h = "<a name=\"x\" id=\"x\"></a><a name='y'> <p id=\" z \">";
        let found: Vec<_> = html_id_attrs(h)
            .into_iter()
            .map(|(r, v)| (&h[r], v))
            .collect();
        assert_eq!(found, [("x", "x"), ("y", "y"), ("z", "z")]);
    }
}
