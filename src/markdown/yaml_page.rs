//! The body of a YAML page ([`crate::yamlmime`]): Landing link lists, Hub sections of cards,
//! FAQ questions with their answers. Titles and summaries are text; answers (and an FAQ's
//! `additionalContent`) are Markdown, rendered by the article pipeline as part of this page;
//! every `url:` and `imageSrc:` resolves like a link in an article, and a bad one is reported
//! at its place in the file.
//!
//! The markup is plain HTML5 with `yaml-*` classes the theme's stylesheet lays out (a grid of
//! cards on wide screens, one column on narrow ones; logical properties, so right-to-left
//! pages mirror); it needs no script.

use std::ops::Range;
use std::sync::Arc;

use super::expand::FileRef;
use super::highlight::escape_html;
use super::links::{self, LinkCtx, Resolved};
use super::{Heading, MarkdownCtx, PageLink, Rendered};
use crate::diagnostics::{Diagnostic, Kind};
use crate::site::PageId;
use crate::url_policy::{UrlPolicy, UrlUse};
use crate::yamlmime::{self, Mime, Node};

/// The top-level keys of a Hub page, rendered in the order the file writes them.
const HUB_SECTIONS: [&str; 5] = [
    "highlightedContent",
    "productDirectory",
    "conceptualContent",
    "tools",
    "additionalContent",
];

pub(super) fn render(ctx: &MarkdownCtx, page_id: PageId) -> Rendered {
    let site = ctx.site;
    let page = &site.pages[page_id];
    let out = Rendered::default();
    let (Some(mime), Some(doc)) = (
        yamlmime::mime(&page.source.text),
        yamlmime::located(&page.source),
    ) else {
        // Load reported it and made no page of it; nothing to render.
        return out;
    };
    let lctx = LinkCtx {
        site,
        reader: page.locale,
        uids: ctx.uids,
        redirected: ctx.redirected,
    };
    let file = Arc::new(FileRef {
        source: page.source.clone(),
        locale: page.content_locale(site),
        rel: page.rel.clone(),
    });
    let mut w = Writer {
        ctx,
        lctx: &lctx,
        policy: UrlPolicy::new(&site.config.config),
        file,
        page_id,
        out,
        html: String::new(),
        slugger: super::slug::Slugger::default(),
    };
    if let Some((title, _)) = doc.str("title") {
        let id = w.slugger.unique(title);
        w.out.anchors.insert(id.clone());
        w.out.text.push_str(title);
        w.out.text.push('\n');
        w.out.title = Some((id, escape_html(title)));
    }
    w.html
        .push_str(&format!("<div class=\"yaml-page {}\">\n", mime.class()));
    if let Some((summary, at)) = doc.str("summary") {
        // The template shows the description under the title: do not say it twice.
        if page.meta_str("description").as_deref().map(str::trim) != Some(summary) {
            if mime == Mime::Faq {
                // An FAQ's summary is Markdown (an include, alerts, links), as its answers.
                w.markdown(summary, at.start, "yaml-summary");
            } else {
                w.html.push_str("<p class=\"yaml-summary\">");
                w.text(summary);
                w.html.push_str("</p>\n");
            }
        }
    }
    match mime {
        Mime::Landing => {
            if let Some(Node::List(cards)) = doc.get("landingContent") {
                w.cards(cards, 2);
            }
        }
        Mime::Hub => {
            if let Node::Map(keys) = &doc {
                for (k, v) in keys {
                    if HUB_SECTIONS.contains(&k.as_str()) {
                        w.hub_section(k, v);
                    }
                }
            }
        }
        Mime::Faq => {
            for s in doc.list("sections") {
                w.faq_section(s);
            }
            if let Some(Node::Str(md, at)) = doc.get("additionalContent") {
                w.markdown(md, at.start, "yaml-additional");
            }
        }
    }
    w.html.push_str("</div>\n");
    let mut out = w.out;
    out.html = w.html;
    out.html.shrink_to_fit();
    out
}

struct Writer<'a> {
    ctx: &'a MarkdownCtx<'a>,
    lctx: &'a LinkCtx<'a>,
    policy: UrlPolicy<'a>,
    file: Arc<FileRef>,
    page_id: PageId,
    out: Rendered,
    html: String,
    slugger: super::slug::Slugger,
}

impl Writer<'_> {
    /// Text, escaped, also kept for search.
    fn text(&mut self, s: &str) {
        self.html.push_str(&escape_html(s));
        self.out.text.push_str(s);
        self.out.text.push('\n');
    }

    /// `<hN id>text</hN>`, an anchor, and in the page's outline when `outline`.
    fn heading(&mut self, level: u8, text: &str, class: &str, outline: bool) {
        let id = self.slugger.unique(text);
        self.out.anchors.insert(id.clone());
        self.html.push_str(&format!(
            "<h{level} id=\"{}\" class=\"{class}\">{}</h{level}>\n",
            escape_html(&id),
            escape_html(text)
        ));
        if outline {
            self.out.headings.push(Heading {
                level,
                id,
                html: escape_html(text),
                text: text.to_string(),
                at: self.out.text.len(),
            });
        }
        self.out.text.push_str(text);
        self.out.text.push('\n');
    }

    /// The label of a link type (`how-to-guide`), in the page's language.
    fn type_label(&self, kind: &str) -> String {
        let labels = &self.ctx.labels[self.ctx.site.pages[self.page_id].locale];
        labels
            .yaml_types
            .get(&kind.to_ascii_lowercase())
            .cloned()
            .unwrap_or_else(|| {
                let words = kind.replace('-', " ");
                let mut c = words.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
    }

    /// A finding at `span` of the page's file.
    fn report(&mut self, d: Diagnostic, span: Range<usize>) {
        self.out.diags.push(d.at(&self.file.source, span));
    }

    /// The `href` (or `src`) for a URL of the file, as an article's link would get it; `None`
    /// when it is refused or broken (reported): the text is shown without a link.
    fn href(&mut self, url: &str, span: Range<usize>, image: bool) -> Option<String> {
        let usage = if image { UrlUse::Image } else { UrlUse::Link };
        if let Err(r) = self.policy.check(url, usage) {
            self.report(
                Diagnostic::new(Kind::UnsafeUrl, r.message).hint(r.hint),
                span,
            );
            return None;
        }
        let span = span.start..span.start + url.len().min(span.len().max(url.len()));
        match links::resolve(self.lctx, &self.file, url, image) {
            Resolved::External => {
                let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    self.out.external.push(crate::external::ExternalRef {
                        url: url.to_string(),
                        source: self.file.source.clone(),
                        span,
                    });
                }
                Some(crate::paths::encode_href(url.trim()))
            }
            Resolved::InPage { fragment } => {
                self.out.links.push(PageLink {
                    target: self.page_id,
                    fragment: Some(fragment),
                    source: self.file.source.clone(),
                    span,
                });
                Some(crate::paths::encode_href(url.trim()))
            }
            Resolved::Page {
                href,
                target,
                fragment,
                case,
            } => {
                self.case_mismatch(url, case, span.clone());
                self.out.links.push(PageLink {
                    target,
                    fragment,
                    source: self.file.source.clone(),
                    span,
                });
                Some(href)
            }
            Resolved::Asset { href, case } => {
                self.case_mismatch(url, case, span.clone());
                Some(href)
            }
            Resolved::Broken {
                kind,
                message,
                hint,
            } => {
                self.report(Diagnostic::new(kind, message).hint(hint), span);
                None
            }
        }
    }

    /// The `case_mismatch` finding of a `url:` that named the file `on_disk` in other letter
    /// case.
    fn case_mismatch(&mut self, url: &str, on_disk: Option<String>, span: Range<usize>) {
        if let Some(on_disk) = on_disk {
            self.report(crate::site::case_mismatch(url.trim(), &on_disk), span);
        }
    }

    /// `<a href>text</a>`, or the text alone when the URL is missing, refused or broken.
    fn link(&mut self, text: &str, url: Option<(&str, Range<usize>)>) {
        match url.and_then(|(u, at)| self.href(u, at, false)) {
            Some(href) => {
                self.html
                    .push_str(&format!("<a href=\"{}\">", escape_html(&href)));
                self.text(text);
                self.html.push_str("</a>");
            }
            None => self.text(text),
        }
    }

    /// A list of `{ text, url, itemType }` links.
    fn links(&mut self, links: &[Node]) {
        if links.is_empty() {
            return;
        }
        self.html.push_str("<ul class=\"yaml-links\">\n");
        for l in links {
            let Some((text, _)) = l.str("text").or_else(|| l.str("title")) else {
                continue;
            };
            self.html.push_str("<li>");
            if let Some((kind, _)) = l.str("itemType") {
                let label = self.type_label(kind);
                self.html.push_str(&format!(
                    "<span class=\"yaml-type\" data-type=\"{}\">{}</span> ",
                    escape_html(kind),
                    escape_html(&label)
                ));
            }
            self.link(text, l.str("url"));
            self.html.push_str("</li>\n");
        }
        self.html.push_str("</ul>\n");
    }

    /// Cards (`landingContent`, a Hub section's `items`): each a heading at `level`, linked
    /// when the card has a `url`, with its icon, summary, links and link lists.
    fn cards(&mut self, cards: &[Node], level: u8) {
        if cards.is_empty() {
            return;
        }
        self.html.push_str("<ul class=\"yaml-cards\">\n");
        for c in cards {
            self.html.push_str("<li class=\"yaml-card\">\n");
            if let Some((src, at)) = c.str("imageSrc") {
                // Decorative: the card's heading says what it is.
                if let Some(src) = self.href(src, at, true) {
                    self.html.push_str(&format!(
                        "<img class=\"yaml-icon\" src=\"{}\" alt=\"\" width=\"48\" height=\"48\" loading=\"lazy\">\n",
                        escape_html(&src)
                    ));
                }
            }
            if let Some((kind, _)) = c.str("itemType") {
                let label = self.type_label(kind);
                self.html.push_str(&format!(
                    "<p class=\"yaml-type\" data-type=\"{}\">{}</p>\n",
                    escape_html(kind),
                    escape_html(&label)
                ));
            }
            if let Some((title, _)) = c.str("title").or_else(|| c.str("name")) {
                let id = self.slugger.unique(title);
                let at = self.out.text.len();
                self.out.anchors.insert(id.clone());
                self.html.push_str(&format!(
                    "<h{level} id=\"{}\" class=\"yaml-card-title\">",
                    escape_html(&id)
                ));
                self.link(title, c.str("url"));
                self.html.push_str(&format!("</h{level}>\n"));
                self.out.headings.push(Heading {
                    level,
                    id,
                    html: escape_html(title),
                    text: title.to_string(),
                    at,
                });
            } else if let Some(url) = c.str("url") {
                self.link(url.0, Some(url.clone()));
            }
            if let Some((summary, _)) = c.str("summary") {
                self.html.push_str("<p>");
                self.text(summary);
                self.html.push_str("</p>\n");
            }
            self.links(c.list("links"));
            for list in c.list("linkLists") {
                if let Some((kind, _)) = list.str("linkListType") {
                    let label = self.type_label(kind);
                    self.html.push_str(&format!(
                        "<p class=\"yaml-type\" data-type=\"{}\">{}</p>\n",
                        escape_html(kind),
                        escape_html(&label)
                    ));
                }
                self.links(list.list("links"));
            }
            if let Some(footer) = c.get("footerLink") {
                if let Some((text, _)) = footer.str("text") {
                    self.html.push_str("<p class=\"yaml-footer\">");
                    self.link(text, footer.str("url"));
                    self.html.push_str("</p>\n");
                }
            }
            self.html.push_str("</li>\n");
        }
        self.html.push_str("</ul>\n");
    }

    /// One of a Hub page's sections ([`HUB_SECTIONS`]).
    fn hub_section(&mut self, key: &str, n: &Node) {
        if key == "highlightedContent" {
            // Highlights: a short list of links, each with its type.
            self.html.push_str("<div class=\"yaml-highlights\">\n");
            self.links(n.list("items"));
            self.html.push_str("</div>\n");
            return;
        }
        let sections: Vec<&Node> = if key == "additionalContent" {
            n.list("sections").iter().collect()
        } else {
            vec![n]
        };
        for s in sections {
            self.html.push_str("<section class=\"yaml-section\">\n");
            let titled = match s.str("title") {
                Some((title, _)) => {
                    self.heading(2, title, "yaml-section-title", true);
                    true
                }
                None => false,
            };
            if let Some((summary, _)) = s.str("summary") {
                self.html.push_str("<p class=\"yaml-section-summary\">");
                self.text(summary);
                self.html.push_str("</p>\n");
            }
            self.cards(s.list("items"), if titled { 3 } else { 2 });
            self.html.push_str("</section>\n");
        }
        if key == "additionalContent" {
            if let Some(Node::Str(md, at)) = n.get("footer") {
                self.markdown(md, at.start, "yaml-additional");
            }
        }
    }

    /// An FAQ section: its name, then each question as a heading with its answer.
    fn faq_section(&mut self, s: &Node) {
        self.html.push_str("<section class=\"yaml-faq-section\">\n");
        let level = match s.str("name") {
            Some((name, _)) => {
                self.heading(2, name, "yaml-section-title", true);
                3
            }
            None => 2,
        };
        for q in s.list("questions") {
            let Some((question, _)) = q.str("question") else {
                continue;
            };
            // The outline lists the sections; questions only when there are none.
            self.heading(level, question, "yaml-question", level == 2);
            if let Some(Node::Str(answer, at)) = q.get("answer") {
                self.markdown(answer, at.start, "yaml-answer");
            }
        }
        self.html.push_str("</section>\n");
    }

    /// Markdown written in the file (its decoded text `md`, whose first character stands at
    /// byte `at`), rendered by the article pipeline as part of this page. The pipeline reads
    /// it as a file holding the YAML up to `at`, then the text: findings point at the right
    /// line for its first line, and near it for the others (YAML drops the indentation).
    fn markdown(&mut self, md: &str, at: usize, class: &str) {
        let at = at.min(self.file.source.text.len());
        let mut text = String::with_capacity(at + md.len());
        text.push_str(&self.file.source.text[..at]);
        text.push_str(md);
        let src = &self.file.source;
        let file = Arc::new(FileRef {
            source: crate::source::SourceFile::new(src.path.clone(), src.display.clone(), text),
            locale: self.file.locale,
            rel: self.file.rel.clone(),
        });
        let r = super::render_file(self.ctx, self.page_id, file, at, false);
        self.html.push_str(&format!("<div class=\"{class}\">\n"));
        self.html.push_str(&r.html);
        self.html.push_str("</div>\n");
        let out = &mut self.out;
        out.anchors.extend(r.anchors);
        // Links and findings point into the real file: the same offsets, as the text before
        // `at` is the file's own.
        let real = &self.file.source;
        out.links.extend(r.links.into_iter().map(|mut l| {
            if l.span.end <= real.text.len() {
                l.source = real.clone();
            }
            l
        }));
        out.external.extend(r.external);
        out.text.push_str(&r.text);
        out.deps.extend(r.deps);
        // Findings too: at the same offsets in the real file, so a page whose file did not
        // change reuses them from the cache.
        out.diags.extend(r.diags.into_iter().map(|mut d| {
            if let Some(loc) = d.location.as_mut() {
                if loc.source.display == real.display && loc.span.end <= real.text.len() {
                    loc.source = real.clone();
                }
            }
            d
        }));
    }
}
