//! The HTML of the `:::` directives: `:::image:::` (as a block and inside a line),
//! `:::row:::`/`:::column:::`, `::: moniker` and `:::code:::` (handed to the snippet code).

use super::*;

/// A `:::` line as the scanner found it.
pub(super) struct DirectiveLine<'a> {
    /// The directive's text in its file (trimmed).
    pub span: Range<usize>,
    /// What every generated line starts with (an include's prefix).
    pub prefix: &'a str,
    /// The line's own lead (`> ` of a quote), dropped inside rows and columns.
    pub lead: &'a str,
}

/// Where a directive's HTML goes: its span, and the line prefix and blank line to use.
pub(super) struct Output<'a> {
    span: Range<usize>,
    p: &'a str,
    blank: &'a str,
}

impl State<'_, '_> {
    pub(super) fn directive(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        open: &mut Vec<(Open, usize)>,
        d: ColonDirective,
        line: DirectiveLine,
    ) {
        let DirectiveLine { span, prefix, lead } = line;
        let at = span.start;
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
        // A faulty line is reported and published as text (see `State::as_text`).
        let as_text = |st: &Self, ex: &mut Expansion| st.as_text(ex, file, span.clone(), &p);
        // The closing line of a container whose opening line was shown as text.
        if let Some((Open::AsText { end }, _)) = open.last() {
            if *end == d.name {
                open.pop();
                as_text(self, ex);
                return;
            }
        }
        match d.name.as_str() {
            "moniker" => {
                let range = d.attr("range").unwrap_or_default();
                if range.is_empty() {
                    ex.diags.push(err(
                        "`::: moniker` needs a `range=\"...\"`".into(),
                        "for example `::: moniker range=\"product-2024\"`",
                    ));
                    if hidden {
                        open.push((Open::Moniker { shown: false }, at));
                    } else {
                        as_text(self, ex);
                        open.push((Open::AsText { end: "moniker-end" }, at));
                    }
                    return;
                }
                // With monikers, the block is published for the ones its range covers, and
                // labelled with their display names (what a reader without JavaScript sees).
                let covered = if self.ctx.monikers.is_empty() {
                    None
                } else {
                    let names = || {
                        let names: Vec<&str> =
                            self.ctx.monikers.iter().map(|m| m.name.as_str()).collect();
                        format!("the monikers are, in order: {}", names.join(", "))
                    };
                    let problem = match crate::moniker::covers(&range, self.ctx.monikers) {
                        Ok(c) if !c.is_empty() || hidden => Ok(c),
                        Ok(_) => Err(format!(
                            "moniker range \"{range}\" covers none of the site's monikers; the block is not published"
                        )),
                        Err(e) => Err(format!(
                            "moniker range \"{range}\" cannot be read ({}); the block is not published",
                            e.0
                        )),
                    };
                    match problem {
                        Ok(c) => Some(c),
                        Err(msg) => {
                            ex.diags.push(
                                Diagnostic::new(Kind::Moniker, msg)
                                    .at(&file.source, span.clone())
                                    .hint(format!(
                                        "{}; a range is comparisons such as `=v1` or `>=v2 <v4`, joined by `||`",
                                        names()
                                    )),
                            );
                            Some(Vec::new())
                        }
                    }
                };
                let shown = !hidden && covered.as_ref().is_none_or(|c| !c.is_empty());
                if shown {
                    let mut html = match &covered {
                        None => format!(
                            "{p}<div class=\"moniker\" data-moniker=\"{}\">\n",
                            escape_html(&range)
                        ),
                        Some(c) => {
                            ex.moniker_blocks = true;
                            let names: Vec<&str> = c
                                .iter()
                                .map(|&i| self.ctx.monikers[i].name.as_str())
                                .collect();
                            format!(
                                "{p}<div class=\"moniker\" data-moniker=\"{}\" data-monikers=\"{}\">\n",
                                escape_html(&range),
                                escape_html(&names.join(" "))
                            )
                        }
                    };
                    let label = match &covered {
                        None => escape_html(&range),
                        Some(c) => {
                            let names: Vec<&str> = c
                                .iter()
                                .map(|&i| self.ctx.monikers[i].display.as_str())
                                .collect();
                            escape_html(&names.join(", "))
                        }
                    };
                    html.push_str(&format!(
                        "{p}<p class=\"moniker-label\">{}: {label}</p>\n",
                        escape_html(&self.ctx.version_label),
                    ));
                    html.push_str(&blank);
                    ex.mapped.gen(file, at, &html);
                }
                open.push((Open::Moniker { shown }, at));
            }
            "moniker-end" => match open.last() {
                Some((Open::Moniker { shown }, _)) => {
                    if *shown {
                        ex.mapped
                            .gen(file, at, &format!("{blank}{p}</div>\n{blank}"));
                    }
                    open.pop();
                }
                _ => {
                    ex.diags.push(err(
                        "`::: moniker-end` without a matching `::: moniker`".into(),
                        "remove it, or add the `::: moniker range=\"...\"` line it closes",
                    ));
                    if !hidden {
                        as_text(self, ex);
                    }
                }
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
                ex.mapped.gen(
                    file,
                    at,
                    &format!("{blank}{p}<div class=\"docfx-row\">\n{blank}"),
                );
                open.push((Open::Row, at));
            }
            "column" => {
                let span_n = d
                    .attr("span")
                    .and_then(|s| s.parse::<u8>().ok())
                    .unwrap_or(1)
                    .clamp(1, 12);
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
                        as_text(self, ex);
                        return;
                    }
                }
                open.pop();
                ex.mapped
                    .gen(file, at, &format!("{blank}{p}</div>\n{blank}"));
            }
            "image" => {
                let out = Output {
                    span,
                    p: &p,
                    blank: &blank,
                };
                self.image(ex, file, open, &d, &out)
            }
            "image-end" => match open.last() {
                Some((Open::ImageComplex, _)) => {
                    open.pop();
                    ex.mapped
                        .gen(file, at, &format!("{blank}{p}</details></figure>\n{blank}"));
                }
                _ => {
                    ex.diags.push(err("`:::image-end:::` without a complex `:::image:::`".into(), "only `type=\"complex\"` images take a long description and `:::image-end:::`"));
                    as_text(self, ex);
                }
            },
            "code" => {
                let lang = d.attr("language").unwrap_or_default();
                match d.attr("source") {
                    Some(src) => {
                        let range = d.attr("range");
                        let hl = d.attr("highlight");
                        let snip = SnippetRef {
                            lang: &lang,
                            path: &src,
                            range: range.as_deref(),
                            highlight: hl.as_deref(),
                            title: None,
                        };
                        self.snippet(ex, file, span, &snip, &p);
                    }
                    None => {
                        ex.diags.push(err("`:::code:::` needs a `source=\"...\"`".into(), "for example `:::code language=\"powershell\" source=\"snippets/check.ps1\":::`"));
                        as_text(self, ex);
                    }
                }
            }
            other => {
                ex.diags.push(err(
                    format!("unknown `:::{other}:::` extension"),
                    "known: image, image-end, row, row-end, column, column-end, moniker, moniker-end, code",
                ));
                as_text(self, ex);
            }
        }
    }

    pub(super) fn image(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        open: &mut Vec<(Open, usize)>,
        d: &ColonDirective,
        out: &Output,
    ) {
        let Output { p, blank, .. } = *out;
        let span = out.span.clone();
        let no_source = d.attr("source").is_none();
        let Some(ImageHtml {
            img,
            class,
            kind,
            desc_id,
        }) = self.image_html(ex, file, d, span.clone(), true)
        else {
            if no_source {
                // Reported by `image_html`; the line is published as text.
                self.as_text(ex, file, span, p);
                // A complex image's long description still follows, up to its `:::image-end:::`.
                if d.attr("type").is_some_and(|t| t == "complex") {
                    open.push((Open::AsText { end: "image-end" }, out.span.start));
                }
            }
            return;
        };
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

    /// `:::image ...:::` inside a line of text (a sentence, a table cell, link text): the
    /// image in a `<span>`, with the block form's attributes and checks. A complex image's
    /// long description needs lines of its own, so inline it is reported and shown as a
    /// content image.
    pub(super) fn inline_image(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        d: &ColonDirective,
        span: Range<usize>,
    ) {
        let no_source = d.attr("source").is_none();
        let Some(ImageHtml {
            img, class, kind, ..
        }) = self.image_html(ex, file, d, span.clone(), false)
        else {
            if no_source {
                // Reported by `image_html`; the marker is published as text.
                let text = escape_markdown(&file.source.text[span.clone()]);
                ex.mapped.gen(file, span.start, &text);
            }
            return;
        };
        if kind == "complex" {
            ex.diags.push(
                Diagnostic::new(
                    Kind::Extension,
                    "a complex `:::image:::` inside a line has no room for its long description",
                )
                .at(&file.source, span.clone())
                .hint("put `:::image type=\"complex\" ...:::` on a line of its own, the description on the lines after it, then `:::image-end:::`"),
            );
        }
        if img.is_empty() {
            return;
        }
        // `|` would end a table cell: written as a character reference, which reads the same.
        let html = format!("<span class=\"{class}\">{img}</span>").replace('|', "&#124;");
        ex.mapped.gen(file, span.start, &html);
    }

    /// The `<img>` (in its lightbox link) and the class of an image, both forms alike, or
    /// `None` when nothing is written (no `source`, or a refused one on a non-complex image).
    /// Findings about the attributes go to `ex`, at `span`. With `describe`, a complex image
    /// gets the id of its long description.
    fn image_html(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        d: &ColonDirective,
        span: Range<usize>,
        describe: bool,
    ) -> Option<ImageHtml> {
        let kind = d.attr("type").unwrap_or_else(|| "content".into());
        let Some(src) = d.attr("source") else {
            ex.diags.push(
                Diagnostic::new(Kind::Extension, "`:::image:::` needs a `source=\"...\"`")
                    .at(&file.source, span.clone())
                    .hint("for example `:::image type=\"content\" source=\"media/x.png\" alt-text=\"...\":::`"),
            );
            return None;
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
                    return None;
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
        let desc_id = (describe && kind == "complex").then(|| {
            self.image_counter += 1;
            let id = format!("image-description-{}", self.image_counter);
            img.push_str(&format!(" aria-describedby=\"{id}\""));
            id
        });
        // An icon is decorative: `alt=""` says so (HTML forbids a `role` beside an empty alt).
        img.push('>');
        if src_refused {
            img.clear();
        } else if let Some(lb) = lightbox {
            img = format!(
                "<a href=\"{}\" class=\"lightbox\">{img}</a>",
                escape_html(&lb)
            );
        }
        Some(ImageHtml {
            img,
            class: format!("docfx-image {kind}{border}"),
            kind,
            desc_id,
        })
    }
}

/// What both forms of `:::image:::` write: the `<img>` (in its lightbox link; empty when its
/// URL was refused), the class of its container, the image's type, and the id of a complex
/// image's long description.
struct ImageHtml {
    img: String,
    class: String,
    kind: String,
    desc_id: Option<String>,
}
