//! The line syntax of DocFX extensions, as pure functions of text: code fences, `:::`
//! directives and their attributes, include and code references, and the extensions written
//! inside a line (outside its code spans). Also used by `load` to find the files snippets
//! name, and by the fuzz targets.

use super::Fence;

pub(super) fn fence_open(t: &str) -> Option<Fence> {
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

pub(super) fn is_fence_close(t: &str, f: &Fence) -> bool {
    let len = t.bytes().take_while(|b| *b == f.ch).count();
    len >= f.len && t[len..].trim().is_empty()
}

/// The parts of a line range list (`2-5,9`, `L2-L5`): for each non-empty comma-separated
/// part (trimmed), the part, its start and its end as written (`None` for a single line;
/// `Some("")` for an open end `5-`). The one tokenizer of such lists; what a bound may look
/// like (`L2`, open ends) is the caller's rule.
pub fn line_range_parts(spec: &str) -> impl Iterator<Item = (&str, &str, Option<&str>)> {
    spec.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| match part.split_once('-') {
            Some((a, b)) => (part, a.trim(), Some(b.trim())),
            None => (part, part, None),
        })
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

pub(super) fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// An extension written inside a line of text.
#[derive(Debug)]
pub enum InlineExtension {
    /// `[!include[title](path)]`: the path.
    Include(String),
    /// `:::image ...:::`.
    Image(ColonDirective),
}

/// The extensions written inside `line` (one line, without its line break), in order, with
/// their byte ranges: inline includes and `:::image ...:::`, the way DocFX's inline parsers
/// find them. Code spans and HTML comments are text and are skipped: the Markdown parser shows
/// them as written.
pub fn inline_extensions(line: &str) -> Vec<(std::ops::Range<usize>, InlineExtension)> {
    let b = line.as_bytes();
    let literal = literal_ranges(line);
    let mut lit = literal.iter().peekable();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while lit.peek().is_some_and(|r| r.end <= i) {
            lit.next();
        }
        if let Some(r) = lit.peek().filter(|r| r.start <= i) {
            i = r.end;
            continue;
        }
        // Only ASCII bytes start an extension, so `i` is a character boundary when sliced.
        let found = match b[i] {
            b'[' => parse_include_at(&line[i..]).map(|(len, p)| (len, InlineExtension::Include(p))),
            b':' => inline_image_len(&line[i..]).and_then(|len| {
                parse_colon_directive(&line[i..i + len]).map(|d| (len, InlineExtension::Image(d)))
            }),
            _ => None,
        };
        match found {
            Some((len, ext)) => {
                out.push((i..i + len, ext));
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// The length of the `:::image attrs:::` that `s` starts with (closing `:::` included), or
/// `None` when `s` starts with no complete one. A quoted attribute value may hold `:`.
pub fn inline_image_len(s: &str) -> Option<usize> {
    s.get(..8).filter(|h| h.eq_ignore_ascii_case(":::image"))?;
    let b = s.as_bytes();
    if !b
        .get(8)
        .is_some_and(|c| c.is_ascii_whitespace() || *c == b':')
    {
        return None;
    }
    let mut i = 8;
    while i < b.len() {
        match b[i] {
            b':' if b[i..].starts_with(b":::") => return Some(i + 3),
            q @ (b'"' | b'\'') if i > 0 && b[i - 1] == b'=' => {
                i += 1 + s[i + 1..].find(q as char)?;
                i += 1;
            }
            b'\n' => return None,
            _ => i += 1,
        }
    }
    None
}

/// Byte ranges of `line` that Markdown shows as written: code spans (a backtick run up to
/// the next run of the same length; an unmatched run is literal backticks) and HTML comments
/// (an unclosed one runs to the end of the line). Backslash-escaped backticks open nothing.
fn literal_ranges(line: &str) -> Vec<std::ops::Range<usize>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => {
                let n = b[i..].iter().take_while(|c| **c == b'`').count();
                let mut j = i + n;
                let mut close = None;
                while j < b.len() {
                    if b[j] == b'`' {
                        let m = b[j..].iter().take_while(|c| **c == b'`').count();
                        if m == n {
                            close = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(end) => {
                        out.push(i..end);
                        i = end;
                    }
                    None => i += n,
                }
            }
            b'<' if b[i..].starts_with(b"<!--") => {
                let end = line[i + 4..].find("-->").map_or(b.len(), |k| i + 4 + k + 3);
                out.push(i..end);
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}
