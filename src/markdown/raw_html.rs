//! URL attributes in raw HTML, found the way a browser's tokenizer finds them: attribute names
//! in any case, after a space, tab, line break or `/`, values quoted or not, and character
//! references decoded (`&#106;avascript:`, `java&Tab;script:`). Used by the Markdown pass to
//! hold raw HTML to the URL policy and to resolve `href`/`src` like Markdown links.
//!
//! A tag is looked for at every `<` followed by a letter, also inside comments, attribute values
//! and `<textarea>`/`<style>` text: what a browser sees as a tag depends on context this
//! fragment does not have, so every reading is checked (a comment that hides a tag from one
//! reading is a tag in another).

use std::cell::RefCell;
use std::ops::Range;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::url_policy::UrlUse;

/// One URL attribute of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlAttr {
    /// Lower-case tag name.
    pub tag: String,
    /// Lower-case attribute name.
    pub name: String,
    /// The whole attribute, name to closing quote.
    pub range: Range<usize>,
    /// The value as written, without quotes.
    pub value_range: Range<usize>,
    /// The value as a browser reads it (character references decoded).
    pub value: String,
    /// True for tags found by reading the fragment from its start, tag after tag; false for
    /// tags only another reading sees (inside a comment or another tag's value).
    pub primary: bool,
}

impl UrlAttr {
    /// What the attribute's URL is used for.
    pub fn usage(&self) -> UrlUse {
        usage(&self.tag, &self.name)
    }

    /// The URLs the value holds: one, or the candidates of a `srcset`/`ping` list.
    pub fn urls(&self) -> Vec<&str> {
        urls_in(&self.name, &self.value)
    }
}

/// The URLs attribute `name`'s value holds: one, or the candidates of a `srcset`/`ping` list.
pub fn urls_in<'v>(name: &str, value: &'v str) -> Vec<&'v str> {
    match name {
        "srcset" | "imagesrcset" => srcset_urls(value),
        "ping" | "archive" => value.split_ascii_whitespace().collect(),
        _ => vec![value],
    }
}

/// Whether attribute `name` (lower-case) of `tag` holds URLs.
pub fn url_attribute(tag: &str, name: &str) -> bool {
    matches!(
        name,
        "href"
            | "src"
            | "srcset"
            | "imagesrcset"
            | "action"
            | "formaction"
            | "poster"
            | "xlink:href"
            | "background"
            | "cite"
            | "ping"
            | "longdesc"
            | "lowsrc"
            | "dynsrc"
            | "codebase"
            | "archive"
            | "classid"
            | "manifest"
            | "profile"
            | "itemtype"
    ) || (name == "data" && tag == "object")
}

/// What the URLs of attribute `name` of `tag` are used for.
pub fn usage(tag: &str, name: &str) -> UrlUse {
    match (tag, name) {
        ("iframe" | "frame" | "embed", "src") | ("object", _) | ("applet", _) => UrlUse::Embed,
        ("img" | "source" | "input", "src" | "srcset" | "lowsrc" | "dynsrc")
        | ("link", "imagesrcset")
        | ("video", "poster")
        | ("image", "href" | "xlink:href")
        | (_, "background") => UrlUse::Image,
        _ => UrlUse::Link,
    }
}

/// The URLs of a `srcset` list: each candidate's URL, commas inside URLs (`data:` ones) kept.
fn srcset_urls(v: &str) -> Vec<&str> {
    let is_ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c');
    let mut out = Vec::new();
    let mut rest = v;
    loop {
        rest = rest.trim_start_matches(|c: char| is_ws(c) || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(is_ws).unwrap_or(rest.len());
        let url = rest[..end].trim_end_matches(',');
        out.push(url);
        rest = &rest[end..];
        if url.len() < end {
            continue; // the URL ended with commas: no descriptors follow
        }
        // Skip the descriptors, up to a comma outside parentheses.
        let mut depth = 0usize;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    cut = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[cut..];
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Every URL attribute of every tag a browser could read in `html`; `None` when tags nest in
/// other tags' values so deeply that reading each would take more than linear time (no real
/// page does that: the caller writes such a fragment as text).
pub fn url_attrs(html: &str) -> Option<Vec<UrlAttr>> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    // Bytes that readings inside other tags may take, all together.
    let mut budget = 8 * b.len() + 65_536;
    // The end of the last tag read from the start, tag after tag.
    let mut primary_end = 0;
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|c| *c == b'<').map(|p| i + p) {
        i = p + 1;
        if !b.get(p + 1).is_some_and(u8::is_ascii_alphabetic) {
            if p >= primary_end && b.get(p + 1) == Some(&b'/') {
                // An end tag: skip it as a whole (its attributes mean nothing).
                primary_end = b[p..]
                    .iter()
                    .position(|c| *c == b'>')
                    .map_or(b.len(), |e| p + e + 1);
            }
            continue;
        }
        let primary = p >= primary_end;
        let end = read_tag(html, p, primary, &mut out);
        if primary {
            primary_end = end;
        } else {
            budget = budget.checked_sub(end - p)?;
        }
    }
    Some(out)
}

/// Reads the start tag at `p` (`<` then a letter) like the HTML tokenizer; returns its end.
fn read_tag(html: &str, p: usize, primary: bool, out: &mut Vec<UrlAttr>) -> usize {
    let b = html.as_bytes();
    let mut i = p + 1;
    while i < b.len() && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let tag = html[p + 1..i].to_ascii_lowercase();
    loop {
        while i < b.len() && (is_ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return i;
        }
        if b[i] == b'>' {
            return i + 1;
        }
        // Attribute name; a leading `=` belongs to it.
        let ns = i;
        i += 1;
        while i < b.len() && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name_end = i;
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            continue; // no value
        }
        i += 1;
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return i;
        }
        let (value_range, quote) = match b[i] {
            q @ (b'"' | b'\'') => {
                let vs = i + 1;
                let ve = b[vs..]
                    .iter()
                    .position(|c| *c == q)
                    .map_or(b.len(), |e| vs + e);
                i = (ve + 1).min(b.len());
                (vs..ve, Some(q))
            }
            b'>' => continue,
            _ => {
                let vs = i;
                while i < b.len() && !is_ws(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                (vs..i, None)
            }
        };
        let name = html[ns..name_end].to_ascii_lowercase();
        if url_attribute(&tag, &name) {
            let raw = &html[value_range.clone()];
            out.push(UrlAttr {
                value: decode_attribute(raw, quote),
                tag: tag.clone(),
                name,
                range: ns..i,
                value_range,
                primary,
            });
        }
    }
}

/// An attribute value as a browser reads it: character references decoded by html5ever's own
/// tokenizer (the legacy rules too: `&amp` without `;`, `&#106` without `;`, `&Tab;`).
pub fn decode_attribute(raw: &str, quote: Option<u8>) -> String {
    if !raw.contains(['&', '\0', '\r']) {
        return raw.to_string();
    }
    let q = quote.map(|q| q as char);
    let mut tag = String::with_capacity(raw.len() + 8);
    tag.push_str("<a x=");
    if let Some(q) = q {
        tag.push(q);
    }
    tag.push_str(raw);
    match q {
        Some(q) => tag.push(q),
        // An unquoted value ends at whitespace or `>`; it holds neither.
        None => tag.push(' '),
    }
    tag.push('>');
    struct Sink(RefCell<Option<String>>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(Tag {
                kind: TagKind::StartTag,
                attrs,
                ..
            }) = token
            {
                if let Some(a) = attrs.into_iter().next() {
                    self.0.borrow_mut().get_or_insert(a.value.to_string());
                }
            }
            TokenSinkResult::Continue
        }
    }
    let tok = Tokenizer::new(Sink(RefCell::new(None)), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&tag));
    let _ = tok.feed(&input);
    tok.end();
    let value = tok.sink.0.borrow_mut().take();
    value.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(html: &str) -> Vec<(String, String, bool)> {
        url_attrs(html)
            .unwrap()
            .into_iter()
            .map(|a| (a.name, a.value, a.primary))
            .collect()
    }

    #[test]
    fn attributes_are_read_like_a_browser() {
        let v = values("<a/HREF = java&#x09;script:x>t</a><img\nsrc='&#106;s:y' alt=x>");
        assert_eq!(
            v,
            vec![
                ("href".into(), "java\tscript:x".into(), true),
                ("src".into(), "js:y".into(), true)
            ]
        );
        assert_eq!(values("<a x=\"1\"href=\"j&colon;\">")[0].1, "j:");
        // Legacy references without `;` are decoded unless a letter or `=` follows.
        assert_eq!(values("<a href=\"a&amp;b&ampc&amp\">")[0].1, "a&b&ampc&");
        assert_eq!(values("<object data=\"d\"><p data=\"n\">").len(), 1);
    }

    #[test]
    fn tags_hidden_by_context_are_read_too() {
        let v = values("<!-- <a title=\" -->\"> <a href=\"javascript:x\">");
        assert!(
            v.iter()
                .any(|(n, val, _)| n == "href" && val == "javascript:x"),
            "{v:?}"
        );
        let v = values("<p title=\"<a href=javascript:y>\">");
        assert_eq!(v, vec![("href".into(), "javascript:y".into(), false)]);
    }

    #[test]
    fn tags_in_tags_cost_linear_time() {
        let tangled = format!("<a x=\"{}\">", "<b ".repeat(200_000));
        assert!(url_attrs(&tangled).is_none());
        assert_eq!(
            url_attrs(&"<a href=\"x\">".repeat(50_000)).unwrap().len(),
            50_000
        );
    }

    #[test]
    fn srcset_candidates() {
        assert_eq!(
            srcset_urls("a.png 1x, data:image/png;base64,AA 2x,b.png,, c.png (x,y) 3w,d,e"),
            vec!["a.png", "data:image/png;base64,AA", "b.png", "c.png", "d,e"]
        );
    }
}
