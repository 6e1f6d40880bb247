//! Markup for readers with assistive technology that pulldown-cmark's HTML writer leaves out:
//! tables in a named scroll region that takes the keyboard focus, task-list checkboxes labelled by
//! their item's text, footnotes collected at the end of the article, numbered in the order they
//! are cited, each with a link back to where it is cited, and short inline values kept on one line.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::highlight::escape_html;
use super::{Ev, Labels};

fn html<'a>(s: String, range: Range<usize>) -> Ev<'a> {
    (Event::InlineHtml(CowStr::from(s)), range)
}

/// Whether `ev` may stand inside a `<label>` (phrasing content).
fn inline(ev: &Event) -> bool {
    match ev {
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_) => true,
        _ => false,
    }
}

struct Footnote<'a> {
    /// Its number: the order of first citation (of definition, for notes never cited).
    number: usize,
    /// How many times the text cites it (each citation gets its own back link).
    cited: usize,
    body: Vec<Ev<'a>>,
}

pub fn structure<'a>(events: Vec<Ev<'a>>, labels: &Labels) -> Vec<Ev<'a>> {
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut notes: HashMap<String, Footnote<'a>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut defining: Option<String> = None;
    let mut label_open = false;
    let number_of =
        |name: &str, order: &mut Vec<String>, notes: &mut HashMap<String, Footnote<'a>>| {
            notes
                .entry(name.to_string())
                .or_insert_with(|| {
                    order.push(name.to_string());
                    Footnote {
                        number: order.len(),
                        cited: 0,
                        body: Vec::new(),
                    }
                })
                .number
        };
    for (ev, range) in events {
        if label_open && !inline(&ev) {
            label_open = false;
            let close = html("</label>".into(), range.start..range.start);
            match &defining {
                Some(name) => notes.get_mut(name).unwrap().body.push(close),
                None => out.push(close),
            }
        }
        let ev = match ev {
            Event::Start(Tag::FootnoteDefinition(name)) => {
                number_of(&name, &mut order, &mut notes);
                defining = Some(name.to_string());
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                defining = None;
                continue;
            }
            Event::FootnoteReference(name) => {
                let n = number_of(&name, &mut order, &mut notes);
                let note = notes.get_mut(name.as_ref()).unwrap();
                note.cited += 1;
                let id = escape_html(&name);
                let suffix = if note.cited == 1 {
                    String::new()
                } else {
                    format!("-{}", note.cited)
                };
                html(
                    format!("<sup class=\"footnote-reference\" id=\"fnref-{id}{suffix}\"><a href=\"#{id}\">{n}</a></sup>"),
                    range,
                )
            }
            // Browsers may break a line after a hyphen or slash, which tears a short value
            // such as `-all` or `a/b` apart; one without spaces that fits a line stays whole.
            Event::Code(code)
                if code.chars().count() <= 40
                    && !code.contains(char::is_whitespace)
                    && code.contains(['-', '/', '?', '!']) =>
            {
                html(
                    format!("<code class=\"nowrap\">{}</code>", escape_html(&code)),
                    range,
                )
            }
            Event::TaskListMarker(checked) => {
                label_open = true;
                let checked = if checked { " checked" } else { "" };
                html(format!("<label class=\"task-list-item\"><input type=\"checkbox\" disabled{checked}> "), range)
            }
            Event::Start(Tag::Table(align)) => {
                out.push(html(
                    format!(
                        "<div class=\"table-scroll\" role=\"group\" tabindex=\"0\" aria-label=\"{}\">",
                        escape_html(&labels.table)
                    ),
                    range.clone(),
                ));
                (Event::Start(Tag::Table(align)), range)
            }
            Event::End(TagEnd::Table) => {
                out.push((Event::End(TagEnd::Table), range.clone()));
                html("</div>\n".into(), range)
            }
            other => (other, range),
        };
        match &defining {
            Some(name) => notes.get_mut(name).unwrap().body.push(ev),
            None => out.push(ev),
        }
    }
    if label_open {
        out.push(html("</label>".into(), 0..0));
    }
    if notes.is_empty() {
        return out;
    }
    let end = out.last().map(|(_, r)| r.end).unwrap_or(0);
    let at = |s: String| html(s, end..end);
    out.push(at(format!(
        "<section class=\"footnotes\" aria-labelledby=\"footnotes-title\">\n<h2 class=\"visually-hidden\" id=\"footnotes-title\">{}</h2>\n<ol>\n",
        escape_html(&labels.footnotes)
    )));
    let back_name = escape_html(&labels.footnote_back);
    for name in &order {
        let note = notes.remove(name).unwrap();
        let id = escape_html(name);
        out.push(at(format!("<li id=\"{id}\">")));
        let back: String = (1..=note.cited)
            .map(|k| {
                let suffix = if k == 1 { String::new() } else { format!("-{k}") };
                format!(" <a class=\"footnote-back\" href=\"#fnref-{id}{suffix}\" aria-label=\"{back_name}\">↩</a>")
            })
            .collect();
        let mut body = note.body;
        // The back links end the note's last paragraph, as readers expect.
        let last_p = body
            .iter()
            .rposition(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)));
        match last_p {
            Some(i) if i + 1 == body.len() => body.insert(i, at(back)),
            _ => body.push(at(back)),
        }
        out.extend(body);
        out.push(at("</li>\n".into()));
    }
    out.push(at("</ol>\n</section>\n".into()));
    out
}
