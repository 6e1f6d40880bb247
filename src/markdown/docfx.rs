//! DocFX block extensions that live in CommonMark's own structure: alerts, `[!div]` and
//! `[!VIDEO]` inside block quotes, and tab groups made of `# [Label](#tab/id)` headings.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::highlight::escape_html;
use super::{Ev, Labels};
use crate::diagnostics::{Diagnostic, Kind};
use crate::markdown::expand::Mapped;
use crate::url_policy::{UrlPolicy, UrlUse};

/// What a `[!...]` marker line at the start of a block quote paragraph says.
#[derive(Debug, PartialEq)]
enum Marker {
    Alert(String),
    Div(String),
    Video(String),
}

fn parse_marker(line: &str) -> Option<Marker> {
    let t = line.trim();
    let inner = t.strip_prefix("[!")?.strip_suffix(']')?;
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    let rest = inner[name_len..].trim();
    match name.as_str() {
        "" => None,
        "div" => {
            let attrs = super::expand::parse_attrs(rest);
            let class = attrs
                .iter()
                .find(|(k, _)| k == "class")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            Some(Marker::Div(class))
        }
        "video" => Some(Marker::Video(rest.to_string())),
        _ if rest.is_empty() => Some(Marker::Alert(name)),
        _ => None,
    }
}

/// Rewrites every block quote that starts with (or contains) marker lines.
pub fn blockquotes<'a>(
    events: Vec<Ev<'a>>,
    labels: &Labels,
    diags: &mut Vec<Diagnostic>,
    mapped: &Mapped,
    policy: &UrlPolicy,
) -> Vec<Ev<'a>> {
    let mut cx = QuoteCx {
        labels,
        diags,
        mapped,
        policy,
    };
    blockquotes_at(events, &mut cx, 0)
}

/// What rewriting a quote needs besides its events.
struct QuoteCx<'c, 'p> {
    labels: &'c Labels,
    diags: &'c mut Vec<Diagnostic>,
    mapped: &'c Mapped,
    policy: &'c UrlPolicy<'p>,
}

/// Quotes nested deeper than this are left as plain quotes: no alert sits 32 quotes deep, and
/// hostile input (10,000 nested `>`) must neither overflow the stack nor take quadratic time.
const MAX_QUOTE_DEPTH: usize = 32;

fn blockquotes_at<'a>(events: Vec<Ev<'a>>, cx: &mut QuoteCx, level: usize) -> Vec<Ev<'a>> {
    if level >= MAX_QUOTE_DEPTH {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut iter = events.into_iter().peekable();
    while let Some((ev, range)) = iter.next() {
        if let Event::Start(Tag::BlockQuote(_)) = ev {
            // Collect the quote's children, balanced.
            let mut depth = 1;
            let mut children = Vec::new();
            for (e, r) in iter.by_ref() {
                match &e {
                    Event::Start(Tag::BlockQuote(_)) => depth += 1,
                    Event::End(TagEnd::BlockQuote(_)) => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                children.push((e, r));
            }
            let children = blockquotes_at(children, cx, level + 1);
            out.extend(quote(children, range, cx));
        } else {
            out.push((ev, range));
        }
    }
    out
}

/// A run of the quote's content under one marker (or none).
struct Segment<'a> {
    marker: Option<Marker>,
    /// Where the marker line is.
    at: std::ops::Range<usize>,
    events: Vec<Ev<'a>>,
}

fn quote<'a>(
    children: Vec<Ev<'a>>,
    range: std::ops::Range<usize>,
    cx: &mut QuoteCx,
) -> Vec<Ev<'a>> {
    let (labels, mapped) = (cx.labels, cx.mapped);
    let mut segments: Vec<Segment<'a>> = vec![Segment {
        marker: None,
        at: range.clone(),
        events: Vec::new(),
    }];
    let mut i = 0;
    let mut depth = 0usize;
    while i < children.len() {
        let (ev, r) = &children[i];
        let top_paragraph = depth == 0 && matches!(ev, Event::Start(Tag::Paragraph));
        if !top_paragraph {
            match ev {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            segments
                .last_mut()
                .expect("segment")
                .events
                .push((ev.clone(), r.clone()));
            i += 1;
            continue;
        }
        // Split the paragraph into lines at soft/hard breaks; marker lines start segments.
        let start = i;
        let mut end = i + 1;
        while end < children.len() && !matches!(children[end].0, Event::End(TagEnd::Paragraph)) {
            end += 1;
        }
        let inline = &children[start + 1..end.min(children.len())];
        let mut lines: Vec<Vec<Ev<'a>>> = vec![Vec::new()];
        for (e, r) in inline {
            if matches!(e, Event::SoftBreak | Event::HardBreak) {
                lines.push(Vec::new());
            } else {
                lines.last_mut().expect("line").push((e.clone(), r.clone()));
            }
        }
        let mut pending: Vec<Ev<'a>> = Vec::new();
        let flush = |pending: &mut Vec<Ev<'a>>, seg: &mut Segment<'a>| {
            if !pending.is_empty() {
                seg.events.push((Event::Start(Tag::Paragraph), 0..0));
                seg.events.append(pending);
                seg.events.push((Event::End(TagEnd::Paragraph), 0..0));
            }
        };
        for line in lines {
            let text: Option<String> = line
                .iter()
                .map(|(e, _)| match e {
                    Event::Text(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect();
            if let Some(m) = text.as_deref().and_then(parse_marker) {
                let at = match (line.first(), line.last()) {
                    (Some((_, a)), Some((_, b))) => a.start..b.end.max(a.start),
                    _ => range.clone(),
                };
                if let Marker::Alert(kind) = &m {
                    if !labels.alerts.contains_key(kind) {
                        let mut d = Diagnostic::new(Kind::Extension, format!("unknown alert `[!{}]`", kind.to_uppercase()))
                            .hint("use NOTE, TIP, IMPORTANT, CAUTION or WARNING, or add the kind under `alerts:` in helpsite.yml");
                        if let Some((src, span)) = mapped.span(at.clone()) {
                            d = d.at(&src, span);
                        }
                        cx.diags.push(d);
                    }
                }
                flush(&mut pending, segments.last_mut().expect("segment"));
                segments.push(Segment {
                    marker: Some(m),
                    at,
                    events: Vec::new(),
                });
                continue;
            }
            if !pending.is_empty() {
                pending.push((Event::SoftBreak, 0..0));
            }
            pending.extend(line);
        }
        flush(&mut pending, segments.last_mut().expect("segment"));
        i = end + 1;
    }
    let mut out = Vec::new();
    for seg in segments {
        match seg.marker {
            None if seg.events.is_empty() => {}
            None => {
                out.push((Event::Start(Tag::BlockQuote(None)), range.clone()));
                out.extend(seg.events);
                out.push((Event::End(TagEnd::BlockQuote(None)), 0..0));
            }
            Some(Marker::Alert(kind)) => {
                let (title, style) = labels
                    .alerts
                    .get(&kind)
                    .cloned()
                    .unwrap_or_else(|| (kind.to_uppercase(), "note".into()));
                let open = format!(
                    "<div class=\"alert is-{style} alert-{}\" role=\"note\" aria-label=\"{}\">\n<p class=\"alert-title\"><span class=\"alert-icon\" aria-hidden=\"true\"></span>{}</p>\n",
                    escape_html(&kind),
                    escape_html(&title),
                    escape_html(&title)
                );
                out.push((Event::Html(CowStr::from(open)), range.clone()));
                out.extend(seg.events);
                out.push((Event::Html(CowStr::from("</div>\n")), 0..0));
            }
            Some(Marker::Div(class)) => {
                out.push((
                    Event::Html(CowStr::from(format!(
                        "<div class=\"{}\">\n",
                        escape_html(&class)
                    ))),
                    range.clone(),
                ));
                out.extend(seg.events);
                out.push((Event::Html(CowStr::from("</div>\n")), 0..0));
            }
            Some(Marker::Video(url)) => {
                let html = match cx.policy.check(&url, UrlUse::Embed) {
                    Ok(()) => format!(
                        "<div class=\"video\"><iframe src=\"{}\" title=\"{}\" loading=\"lazy\" allowfullscreen></iframe></div>\n",
                        escape_html(&url),
                        escape_html(&labels.video)
                    ),
                    Err(r) => {
                        let mut d = Diagnostic::new(Kind::UnsafeUrl, r.message).hint(r.hint);
                        if let Some((src, span)) = mapped.span(seg.at.clone()) {
                            d = d.at(&src, span);
                        }
                        cx.diags.push(d);
                        // A video from a host that may not be embedded is still a fine link.
                        let scheme = crate::url_policy::scheme(&url);
                        if matches!(scheme.as_deref(), Some("http" | "https"))
                            && cx.policy.check(&url, UrlUse::Link).is_ok()
                        {
                            format!(
                                "<p class=\"video\"><a href=\"{}\">{}</a></p>\n",
                                escape_html(&crate::paths::encode_href(&url)),
                                escape_html(&labels.video)
                            )
                        } else {
                            String::new()
                        }
                    }
                };
                out.push((Event::Html(CowStr::from(html)), range.clone()));
                out.extend(seg.events);
            }
        }
    }
    out
}

const TAB_MARK: &str = "<!--helpsite-tab ";

/// If a heading is a DocFX tab (`# [Label](#tab/id[/condition])`), returns a marker that
/// [`tabs`] turns into a tab group.
pub fn tab_heading(level: HeadingLevel, inner: &[Ev]) -> Option<String> {
    if level != HeadingLevel::H1 {
        return None;
    }
    let meaningful: Vec<&Ev> = inner
        .iter()
        .filter(|(e, _)| !matches!(e, Event::Text(t) if t.trim().is_empty()))
        .collect();
    let (Event::Start(Tag::Link { dest_url, .. }), _) = meaningful.first()? else {
        return None;
    };
    let (Event::End(TagEnd::Link), _) = meaningful.last()? else {
        return None;
    };
    let target = dest_url.strip_prefix("#tab/")?;
    let (id, condition) = match target.split_once('/') {
        Some((a, b)) => (a, b),
        None => (target, ""),
    };
    let label: String = meaningful[1..meaningful.len() - 1]
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    Some(format!(
        "{TAB_MARK}{}\u{1f}{}\u{1f}{}-->",
        escape_html(id),
        escape_html(condition),
        escape_html(label.trim())
    ))
}

/// Groups tab markers and the content after each into accessible tab sets. Without
/// JavaScript every panel shows, in order, under its label; the script turns on the tab list.
pub fn tabs<'a>(events: Vec<Ev<'a>>) -> Vec<Ev<'a>> {
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::Html(h) if h.starts_with(TAB_MARK)))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len() + 16);
    let mut group: Vec<(String, String, String, Vec<Ev<'a>>)> = Vec::new();
    let mut depth = 0usize;
    let mut n_groups = 0;
    let emit = |group: &mut Vec<(String, String, String, Vec<Ev<'a>>)>,
                out: &mut Vec<Ev<'a>>,
                n: &mut usize| {
        if group.is_empty() {
            return;
        }
        *n += 1;
        let g = *n;
        let mut head = format!("<div class=\"tabs\" data-tab-group=\"{g}\">\n<div role=\"tablist\" class=\"tab-list\" hidden>");
        for (i, (id, cond, label, _)) in group.iter().enumerate() {
            head.push_str(&format!(
                "<button type=\"button\" role=\"tab\" id=\"tab-{g}-{i}\" aria-controls=\"tabpanel-{g}-{i}\" aria-selected=\"{}\" tabindex=\"{}\" data-tab=\"{id}\" data-condition=\"{cond}\">{label}</button>",
                i == 0,
                if i == 0 { 0 } else { -1 }
            ));
        }
        head.push_str("</div>\n");
        out.push((Event::Html(CowStr::from(head)), 0..0));
        for (i, (id, cond, label, body)) in group.drain(..).enumerate() {
            out.push((
                Event::Html(CowStr::from(format!(
                    "<div role=\"tabpanel\" class=\"tab-panel\" id=\"tabpanel-{g}-{i}\" aria-labelledby=\"tab-{g}-{i}\" data-tab=\"{id}\" data-condition=\"{cond}\">\n<p class=\"tab-label\">{label}</p>\n"
                ))),
                0..0,
            ));
            out.extend(body);
            out.push((Event::Html(CowStr::from("</div>\n")), 0..0));
        }
        out.push((Event::Html(CowStr::from("</div>\n")), 0..0));
    };
    for (ev, range) in events {
        if depth == 0 {
            if let Event::Html(h) = &ev {
                if let Some(rest) = h.strip_prefix(TAB_MARK).and_then(|r| r.strip_suffix("-->")) {
                    let mut parts = rest.split('\u{1f}');
                    let id = parts.next().unwrap_or("").to_string();
                    let cond = parts.next().unwrap_or("").to_string();
                    let label = parts.next().unwrap_or("").to_string();
                    group.push((id, cond, label, Vec::new()));
                    continue;
                }
            }
            if !group.is_empty() {
                match &ev {
                    Event::Rule => {
                        emit(&mut group, &mut out, &mut n_groups);
                        continue;
                    }
                    Event::Start(Tag::Heading {
                        level: HeadingLevel::H1,
                        ..
                    }) => {
                        emit(&mut group, &mut out, &mut n_groups);
                    }
                    _ => {}
                }
            }
        }
        match &ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match group.last_mut() {
            Some(tab) => tab.3.push((ev, range)),
            None => out.push((ev, range)),
        }
    }
    emit(&mut group, &mut out, &mut n_groups);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(parse_marker("[!NOTE]"), Some(Marker::Alert("note".into())));
        assert_eq!(parse_marker(" [!tip] "), Some(Marker::Alert("tip".into())));
        assert_eq!(
            parse_marker("[!div class=\"nextstepaction\"]"),
            Some(Marker::Div("nextstepaction".into()))
        );
        assert_eq!(
            parse_marker("[!VIDEO https://v.example/e/1]"),
            Some(Marker::Video("https://v.example/e/1".into()))
        );
        assert_eq!(parse_marker("[!NOTE] text"), None);
        assert_eq!(parse_marker("plain"), None);
    }
}
