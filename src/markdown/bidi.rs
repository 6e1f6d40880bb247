//! Right-to-left pages: technical values written in plain prose (file paths, dotted numbers such
//! as `192.0.2.1` or `550 5.7.1`, ranges, host names, addresses, URLs) are isolated left to right,
//! so the Unicode bidirectional algorithm cannot reorder their parts around the right-to-left
//! text. Inline code, keyboard keys and autolinks are isolated elsewhere (the theme's CSS, and
//! `dir="ltr"` on autolinks); this pass only looks at the text between them.
//!
//! [`ltr_runs`] finds the values in a text; [`isolate`] wraps them in a page's events. Plain
//! numbers (`3`, `40,000`, `0.3%`) and words (`SPF`, `opt-in`) are left alone: the algorithm
//! already draws them right. What it gets wrong are neutral characters (`.` `/` `:` `-` `\` `@`
//! ...) at a value's edge or between numbers, and numbers in a row (`550 5.7.1` is drawn
//! `5.7.1 550`), so a value is a word with such a character, and numbers and values in a row
//! are isolated together.
//!
//! The wrapper is `<bdi dir="ltr">`. A `dir` attribute on any element isolates (HTML's rendering
//! rules give `[dir]` `unicode-bidi: isolate`), so `<span dir="ltr">` would draw the same; `<bdi>`
//! says in the markup why it is there, isolates even under a stylesheet that restyles spans, is
//! the shorter of the two, and like a span has no role (assistive technology announces nothing).
//! The explicit `dir` matters: a `<bdi>` alone guesses its direction from its first strong letter,
//! and `550 5.7.1` has none.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Ev;

/// Opening and closing markup around one isolated value.
const OPEN: &str = "<bdi dir=\"ltr\">";
const CLOSE: &str = "</bdi>";

/// Raw HTML elements whose text is left as it is: code-like elements (isolated by the theme's
/// CSS), elements that are isolates already, and text that is not prose.
const KEEP: &[&str] = &[
    "code", "kbd", "samp", "var", "pre", "bdi", "bdo", "script", "style", "textarea", "svg",
    "math", "template", "title",
];

/// Elements that have no end tag: one with `dir` (`<img dir="ltr">`) opens nothing.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Wraps the technical values of a right-to-left page's text in `<bdi dir="ltr">`. Text in
/// images (their alt text), code and the raw HTML elements of [`KEEP`] (or any carrying `dir`,
/// such as an autolink) is left alone; attributes and raw HTML are never text events, so they
/// are never touched. Adjacent text events are read as one, since pulldown-cmark splits text
/// at characters such as `\`, `_` and `[`.
pub fn isolate(events: Vec<Ev<'_>>) -> Vec<Ev<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut keep = Keep::default();
    let mut pending: Vec<Ev> = Vec::new();
    for (ev, range) in events {
        if matches!(ev, Event::Text(_)) && keep.is_clear() {
            pending.push((ev, range));
            continue;
        }
        flush(&mut pending, &mut out);
        keep.update(&ev);
        out.push((ev, range));
    }
    flush(&mut pending, &mut out);
    out
}

/// Writes a run of adjacent text events, with its values wrapped.
fn flush<'a>(pending: &mut Vec<Ev<'a>>, out: &mut Vec<Ev<'a>>) {
    if pending.is_empty() {
        return;
    }
    let range = pending[0].1.start..pending[pending.len() - 1].1.end;
    let text: CowStr<'a> = if pending.len() == 1 {
        match pending.pop() {
            Some((Event::Text(t), _)) => t,
            _ => return,
        }
    } else {
        let mut s = String::new();
        for (e, _) in pending.drain(..) {
            if let Event::Text(t) = e {
                s.push_str(&t);
            }
        }
        CowStr::from(s)
    };
    let runs = ltr_runs(&text);
    if runs.is_empty() {
        out.push((Event::Text(text), range));
        return;
    }
    let mut pos = 0;
    for r in runs {
        if r.start > pos {
            out.push((
                Event::Text(text[pos..r.start].to_string().into()),
                range.clone(),
            ));
        }
        out.push((Event::InlineHtml(CowStr::Borrowed(OPEN)), range.clone()));
        out.push((
            Event::Text(text[r.clone()].to_string().into()),
            range.clone(),
        ));
        out.push((Event::InlineHtml(CowStr::Borrowed(CLOSE)), range.clone()));
        pos = r.end;
    }
    if pos < text.len() {
        out.push((Event::Text(text[pos..].to_string().into()), range));
    }
}

/// Where the events are that must not be wrapped: inside an image, a code block or one of the
/// raw HTML elements of [`KEEP`].
#[derive(Default)]
struct Keep {
    images: usize,
    code_blocks: usize,
    /// Open raw HTML elements to keep (lower-case names), innermost last.
    elements: Vec<String>,
}

impl Keep {
    fn is_clear(&self) -> bool {
        self.images == 0 && self.code_blocks == 0 && self.elements.is_empty()
    }

    fn update(&mut self, ev: &Event) {
        match ev {
            Event::Start(Tag::Image { .. }) => self.images += 1,
            Event::End(TagEnd::Image) => self.images = self.images.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => self.code_blocks += 1,
            Event::End(TagEnd::CodeBlock) => self.code_blocks = self.code_blocks.saturating_sub(1),
            // An autolink opens as raw `<a … dir="ltr">` and closes as a Markdown link.
            Event::End(TagEnd::Link) if self.elements.last().is_some_and(|e| e == "a") => {
                self.elements.pop();
            }
            // The Markdown pass hands raw inline HTML on as `Html` (rewritten); block HTML is
            // read the same way, and is balanced unless the writer left an element open.
            Event::Html(h) | Event::InlineHtml(h) => {
                for tag in tags(h) {
                    match tag {
                        RawTag::Open(name) => self.elements.push(name),
                        RawTag::Close(name) => {
                            if let Some(i) = self.elements.iter().rposition(|e| *e == name) {
                                self.elements.truncate(i);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

enum RawTag {
    /// An element to keep was opened (not self-closing).
    Open(String),
    /// Any element was closed.
    Close(String),
}

/// The tags of an inline HTML fragment that matter to [`Keep`]: openings of [`KEEP`] elements
/// and of elements carrying `dir`, and every closing tag. Comments are skipped.
fn tags(html: &str) -> Vec<RawTag> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let close = rest.starts_with('/');
        let body = if close { &rest[1..] } else { rest };
        let name_len = body
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = body[..name_len].to_ascii_lowercase();
        let end = body.find('>').unwrap_or(body.len());
        let attrs = &body[name_len..end];
        rest = &body[end..];
        if close {
            found.push(RawTag::Close(name));
        } else if !attrs.trim_end().ends_with('/')
            && !VOID.contains(&name.as_str())
            && (KEEP.contains(&name.as_str()) || has_dir(attrs))
        {
            found.push(RawTag::Open(name));
        }
    }
    found
}

/// Whether a tag's attribute text has a `dir` attribute.
fn has_dir(attrs: &str) -> bool {
    let b = attrs.as_bytes();
    (0..b.len()).any(|i| {
        b[i].is_ascii_whitespace()
            && b.len() >= i + 4
            && b[i + 1..i + 4].eq_ignore_ascii_case(b"dir")
            && b[i + 4..]
                .iter()
                .find(|c| !c.is_ascii_whitespace())
                .is_some_and(|c| *c == b'=')
    })
}

/// What one word of printable ASCII characters is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Letters and digits, or letters joined by hyphens (`SPF`, `IPv4`, `opt-in`); also a word
    /// with no letter or digit at all (`/`, `--`).
    Word,
    /// Digits, with thousands separators, a decimal part or a percent sign (`3`, `40,000`, `0.3%`).
    Number,
    /// Anything else with a letter or digit: the bidirectional algorithm may reorder its parts.
    Value,
}

/// A word of printable ASCII characters in a text: `raw` as written, `value` without the
/// punctuation around it that belongs to the sentence (a full stop, quotes, brackets).
struct Token {
    raw: Range<usize>,
    value: Range<usize>,
    kind: Kind,
}

/// The byte ranges of `text` to isolate left to right, in order: each a value, or numbers and
/// values in a row (separated by single spaces, words allowed between two values), from the
/// first number or value to the last value.
pub fn ltr_runs(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut runs = Vec::new();
    let mut group: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_token_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_token_byte(b[i]) {
            i += 1;
        }
        let value = trim(text, start..i);
        let kind = classify(&text[value.clone()]);
        let token = Token {
            raw: start..i,
            value,
            kind,
        };
        let joins = group.last().is_some_and(|last| {
            last.value.end == last.raw.end
                && token.value.start == token.raw.start
                && token.raw.start == last.raw.end + 1
                && b[last.raw.end] == b' '
        });
        if !joins {
            close_group(&mut group, &mut runs);
        }
        group.push(token);
    }
    close_group(&mut group, &mut runs);
    runs
}

/// Ends a row of words: the part from its first number or value to its last value is a run.
fn close_group(group: &mut Vec<Token>, runs: &mut Vec<Range<usize>>) {
    let first = group.iter().position(|t| t.kind != Kind::Word);
    let last = group.iter().rposition(|t| t.kind == Kind::Value);
    if let (Some(first), Some(last)) = (first, last) {
        // Words at the start are left out; a number is only taken in front of a value.
        if first <= last {
            runs.push(group[first].value.start..group[last].value.end);
        }
    }
    group.clear();
}

/// Printable ASCII: what technical values are written with. Spaces and every other script
/// (Arabic letters, Arabic punctuation, no-break spaces) end a word.
fn is_token_byte(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

/// The part of `text[raw]` without the sentence's punctuation around it: a trailing full stop,
/// comma, colon, semicolon, `!`, `?` or quote, a leading quote, and brackets that are not
/// balanced inside the word (`(see a.b)` loses both, `f(x)` keeps its own).
fn trim(text: &str, raw: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let (mut s, mut e) = (raw.start, raw.end);
    let count = |s: usize, e: usize, c: u8| b[s..e].iter().filter(|x| **x == c).count();
    loop {
        if s >= e {
            break;
        }
        let last = b[e - 1];
        let unbalanced_close = |open: u8| count(s, e, open) < count(s, e, last);
        let drop_last = match last {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'"' | b'\'' => true,
            b')' => unbalanced_close(b'('),
            b']' => unbalanced_close(b'['),
            b'}' => unbalanced_close(b'{'),
            _ => false,
        };
        if drop_last {
            e -= 1;
            continue;
        }
        let first = b[s];
        // `(ESP)`: brackets around the whole word belong to the sentence, and the algorithm
        // pairs and mirrors them itself.
        if e - s >= 2 && matches!((first, last), (b'(', b')') | (b'[', b']') | (b'{', b'}')) {
            s += 1;
            e -= 1;
            continue;
        }
        let unbalanced_open = |close: u8| count(s, e, first) > count(s, e, close);
        let drop_first = match first {
            b'"' | b'\'' => true,
            b'(' => unbalanced_open(b')'),
            b'[' => unbalanced_open(b']'),
            b'{' => unbalanced_open(b'}'),
            _ => false,
        };
        if drop_first {
            s += 1;
            continue;
        }
        break;
    }
    s..e
}

fn classify(word: &str) -> Kind {
    let b = word.as_bytes();
    if !b.iter().any(u8::is_ascii_alphanumeric) {
        return Kind::Word;
    }
    if is_number(word) {
        return Kind::Number;
    }
    // An apostrophe is part of a word (`haven't`).
    let hyphenated_word = word.split('-').all(|part| {
        !part.is_empty() && part.bytes().all(|c| c.is_ascii_alphabetic() || c == b'\'')
    });
    if b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'\'') || hyphenated_word {
        return Kind::Word;
    }
    Kind::Value
}

/// `3`, `2026`, `40,000`, `1,234.5`, `0.3`, `25%`: a number the algorithm draws whole.
fn is_number(word: &str) -> bool {
    let word = word.strip_suffix('%').unwrap_or(word);
    let (int, frac) = match word.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (word, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if frac.is_some_and(|f| !digits(f)) {
        return false;
    }
    let mut groups = int.split(',');
    let head = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    if rest.is_empty() {
        return digits(head);
    }
    digits(head) && head.len() <= 3 && rest.iter().all(|g| g.len() == 3 && digits(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The isolated parts of `text`.
    fn values(text: &str) -> Vec<&str> {
        ltr_runs(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn paths_are_values() {
        assert_eq!(
            values("عدّل الملف /etc/postfix/main.cf ثم أعد التشغيل."),
            ["/etc/postfix/main.cf"]
        );
        assert_eq!(values("في المجلد /var/log/."), ["/var/log/"]);
        assert_eq!(
            values("ثبّته في C:\\Program Files\\Contoso\\ ثم شغّله"),
            ["C:\\Program Files\\Contoso\\"]
        );
        assert_eq!(values("الملف .\\setup.ps1، ثم"), [".\\setup.ps1"]);
        assert_eq!(values("امتدادات مثل .iso أو .exe"), [".iso", ".exe"]);
    }

    #[test]
    fn dotted_numbers_and_codes() {
        assert_eq!(values("من العنوان 192.0.2.1 مثلًا"), ["192.0.2.1"]);
        assert_eq!(values("بالرمز 5.7.1."), ["5.7.1"]);
        // A reply code and its enhanced status code read as one value, not `5.7.1 550`.
        assert_eq!(values("بالرد 550 5.7.1، ثم"), ["550 5.7.1"]);
        assert_eq!(values("الرد 421 4.7.0 يعني"), ["421 4.7.0"]);
        assert_eq!(values("الإصدار 2.4.1"), ["2.4.1"]);
        assert_eq!(values("بين 10-20 دقيقة"), ["10-20"]);
        assert_eq!(values("في الساعة 10:30"), ["10:30"]);
        assert_eq!(values("العنوان 2001:db8::25"), ["2001:db8::25"]);
        assert_eq!(
            values("مثل 203-0-113-9.dsl.example.net"),
            ["203-0-113-9.dsl.example.net"]
        );
    }

    #[test]
    fn names_addresses_and_urls() {
        assert_eq!(values("نبحث في mail.example.com عن"), ["mail.example.com"]);
        assert_eq!(
            values("راسل postmaster@example.com."),
            ["postmaster@example.com"]
        );
        assert_eq!(
            values("افتح https://sender.example/delist?ip=192.0.2.1&x=1."),
            ["https://sender.example/delist?ip=192.0.2.1&x=1"]
        );
        assert_eq!(
            values("(راجع https://en.example.org/wiki/Foo_(bar))"),
            ["https://en.example.org/wiki/Foo_(bar)"]
        );
        assert_eq!(values("«example.com.»"), ["example.com"]);
        assert_eq!(
            values("(mail.example.com)، و(x86)\\App"),
            ["mail.example.com", "(x86)\\App"]
        );
        assert_eq!(values("ثم انتقل إلى -all أو ~all"), ["-all", "~all"]);
        assert_eq!(values("السجل v=spf1 -all فقط"), ["v=spf1 -all"]);
        assert_eq!(values("بلغة C# أو C++"), ["C#", "C++"]);
    }

    #[test]
    fn what_the_algorithm_draws_right_is_left_alone() {
        for text in [
            "في 3 أيام",
            "أزلنا 40,000 عنوان قبل عام 2023",
            "إذا تجاوز 0.3%، يذهب",
            "الحجم 25 MB أو 1.5 GB",
            "المحدَّد في RFC 7208",
            "عناوين IPv4 وIPv6",
            "الاشتراك المؤكَّد (confirmed opt-in)",
            "Sender Policy Framework أو SPF",
            "الفئة 4xx",
            "مزوّد خدمة (ESP)، أو [DNSBL] أو {x}",
            "إذا كنت haven't أو don't-care",
            "سطر - فاصل / آخر",
            "",
        ] {
            assert_eq!(values(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn rows_of_values() {
        // Numbers join only in front of a value; words only between two values.
        assert_eq!(values("الرمز 5.7.1 3 مرات"), ["5.7.1"]);
        assert_eq!(values("Contoso Mail 192.0.2.1 أو"), ["192.0.2.1"]);
        assert_eq!(values("a.example or b.example"), ["a.example or b.example"]);
        // Two spaces, or punctuation at the joint, end a row.
        assert_eq!(values("550  5.7.1"), ["5.7.1"]);
        assert_eq!(values("a.example, b.example"), ["a.example", "b.example"]);
        // Arabic letters end a word: a prefix such as و or بـ stays outside.
        assert_eq!(values("و192.0.2.1"), ["192.0.2.1"]);
    }

    #[test]
    fn numbers() {
        for n in ["3", "2026", "40,000", "1,234,567.5", "0.3", "25%", "0.3%"] {
            assert!(is_number(n), "{n}");
        }
        for n in ["5.7.1", "1,5", "12,34", ".5", "5.", "1,234.", "%", "10-20"] {
            assert!(!is_number(n), "{n}");
        }
    }

    fn html(events: Vec<Ev>) -> String {
        let mut s = String::new();
        pulldown_cmark::html::push_html(&mut s, events.into_iter().map(|(e, _)| e));
        s
    }

    fn render(markdown: &str) -> String {
        let events = pulldown_cmark::Parser::new_ext(markdown, super::super::options())
            .into_offset_iter()
            .collect();
        html(isolate(events))
    }

    #[test]
    fn events_are_wrapped_in_prose_only() {
        assert_eq!(
            render("عدّل /etc/postfix/main.cf و`/etc/hosts`.\n"),
            "<p>عدّل <bdi dir=\"ltr\">/etc/postfix/main.cf</bdi> و<code>/etc/hosts</code>.</p>\n"
        );
        // Text split by pulldown-cmark (at `\` and `_`) is read as one.
        assert_eq!(
            render("في C:\\Program Files\\my_app\\ الآن\n"),
            "<p>في <bdi dir=\"ltr\">C:\\Program Files\\my_app\\</bdi> الآن</p>\n"
        );
        // Link text is prose; the URL and the title are attributes.
        assert_eq!(
            render("[الخادم 192.0.2.1](https://a.example/x \"b.example\")\n"),
            "<p><a href=\"https://a.example/x\" title=\"b.example\">الخادم <bdi dir=\"ltr\">192.0.2.1</bdi></a></p>\n"
        );
        // Alt text, code blocks, raw HTML code-like elements and elements with `dir` stay.
        for md in [
            "![مسار /etc/hosts](a.png)\n",
            "```\n/etc/hosts\n```\n",
            "<kbd>Ctrl+C</kbd> و<code>a.b</code> و<span dir=\"ltr\">a.b</span>\n",
        ] {
            assert!(!render(md).contains("<bdi"), "{md}: {}", render(md));
        }
        // Raw HTML's attributes are not text; the text of a raw link is prose.
        assert_eq!(
            render("<a href=\"https://a.example/b\" title=\"/etc\">a.example/b</a>\n"),
            "<p><a href=\"https://a.example/b\" title=\"/etc\"><bdi dir=\"ltr\">a.example/b</bdi></a></p>\n"
        );
        // The Markdown pass hands raw inline HTML on as `Html` events.
        let events = vec![
            (Event::Html("<kbd>".into()), 0..0),
            (Event::Text("Ctrl+C".into()), 0..0),
            (Event::Html("</kbd>".into()), 0..0),
            (Event::Text(" و b.example".into()), 0..0),
        ];
        assert_eq!(
            html(isolate(events)),
            "<kbd>Ctrl+C</kbd> و <bdi dir=\"ltr\">b.example</bdi>"
        );
        // An element without an end tag keeps nothing open.
        assert_eq!(
            render("<img src=\"a.png\" alt=\"\" dir=\"ltr\"> ثم 10.0.0.1\n"),
            "<p><img src=\"a.png\" alt=\"\" dir=\"ltr\"> ثم <bdi dir=\"ltr\">10.0.0.1</bdi></p>\n"
        );
        // After a kept element closes, prose is read again.
        assert_eq!(
            render("<kbd>Ctrl+C</kbd> ثم 10.0.0.1\n"),
            "<p><kbd>Ctrl+C</kbd> ثم <bdi dir=\"ltr\">10.0.0.1</bdi></p>\n"
        );
    }

    #[test]
    fn autolinks_are_left_to_themselves() {
        // The autolink's text is isolated by its own `dir`: opened as raw HTML, closed as a link.
        let events = vec![
            (
                Event::InlineHtml("<a href=\"https://a.example/\" dir=\"ltr\">".into()),
                0..0,
            ),
            (Event::Text("https://a.example/".into()), 0..0),
            (Event::End(TagEnd::Link), 0..0),
            (Event::Text(" و b.example".into()), 0..0),
        ];
        assert_eq!(
            html(isolate(events)),
            "<a href=\"https://a.example/\" dir=\"ltr\">https://a.example/</a> و <bdi dir=\"ltr\">b.example</bdi>"
        );
    }
}
