//! Splits a Markdown file into YAML front matter and body, and parses the front matter.
//! Part of the source layer: it needs only [`crate::source`] and [`crate::diagnostics`], so `site`,
//! `load`, `markdown` and `render` can all use it without importing each other.
//! Accepts what real DocFX repositories contain: a BOM (removed when decoding), CRLF line
//! endings, empty front matter, and `...` as the closing delimiter.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind};
use crate::source::Source;

/// Byte ranges of the parts of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The YAML between the delimiters, if the file has front matter.
    pub yaml: Option<Range<usize>>,
    /// Everything after the closing delimiter line.
    pub body: Range<usize>,
}

/// Finds the front matter. Only a file whose first line is `---` has any.
/// Returns the offset of the opening delimiter when it is never closed.
pub fn split(text: &str) -> Result<Split, usize> {
    let mut lines = LineIter { text, pos: 0 };
    let Some(first) = lines.next() else {
        return Ok(Split {
            yaml: None,
            body: 0..0,
        });
    };
    if text[first.clone()].trim_end() != "---" {
        return Ok(Split {
            yaml: None,
            body: 0..text.len(),
        });
    }
    let yaml_start = lines.pos;
    for line in lines.by_ref() {
        let content = text[line.clone()].trim_end();
        if content == "---" || content == "..." {
            return Ok(Split {
                yaml: Some(yaml_start..line.start),
                body: lines.pos..text.len(),
            });
        }
    }
    Err(first.start)
}

/// Iterates lines as byte ranges without their line endings; `pos` is the start of the next line.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for LineIter<'_> {
    type Item = Range<usize>;
    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (end, next) = match rest.find('\n') {
            Some(i) => (start + i, start + i + 1),
            None => (self.text.len(), self.text.len()),
        };
        self.pos = next;
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some(start..end)
    }
}

/// Front matter parsed into a JSON-like map (what templates see), with the body's start.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub fields: Map<String, Value>,
    pub body_start: usize,
    /// Where the YAML starts, for locating fields in the file.
    pub yaml: Option<Range<usize>>,
    /// Front matter that could not be read (see [`unreadable`]): shown as text on the page.
    pub unread: Option<Range<usize>>,
}

/// What an article whose front matter [`parse`] refused is published with: no fields, the
/// body after the block, and the block as `unread` (shown as text, as the publishing system
/// prints what it cannot read); a block never closed is only its opening `---` line, the rest
/// of the file being the body.
pub fn unreadable(source: &Source) -> Parsed {
    let text = &source.text;
    let block = match split(text) {
        Ok(s) => 0..s.body.start,
        Err(at) => at..text[at..].find('\n').map_or(text.len(), |i| at + i + 1),
    };
    Parsed {
        fields: Map::new(),
        body_start: block.end,
        yaml: None,
        unread: Some(block),
    }
}

/// Splits and parses; errors point at the offending line and column.
pub fn parse(source: &Source) -> Result<Parsed, Diagnostic> {
    let text = &source.text;
    let split = split(text).map_err(|at| {
        Diagnostic::new(Kind::FrontMatter, "front matter is never closed")
            .at(source, at..at + 3)
            .hint("end the front matter with a line holding only `---`")
    })?;
    let Some(yaml) = split.yaml.clone() else {
        return Ok(Parsed {
            fields: Map::new(),
            body_start: split.body.start,
            yaml: None,
            unread: None,
        });
    };
    let yaml_text = &text[yaml.clone()];
    let fields = if yaml_text.trim().is_empty() {
        Map::new()
    } else {
        // Through serde_yaml's own Value first: it rejects duplicate keys, which a JSON map
        // would silently collapse.
        let parsed = crate::source::yaml::from_str::<serde_yaml::Value>(yaml_text).and_then(|v| {
            serde_json::to_value(v).map_err(|e| crate::source::yaml::YamlError {
                message: e.to_string(),
                offset: 0,
            })
        });
        match parsed {
            Ok(Value::Object(m)) => m,
            Ok(Value::Null) => Map::new(),
            Ok(other) => {
                return Err(Diagnostic::new(
                    Kind::FrontMatter,
                    format!(
                        "front matter must be a mapping of `key: value` lines, not {}",
                        json_type(&other)
                    ),
                )
                .at(source, yaml.start..yaml.start + first_line_len(yaml_text)))
            }
            Err(e) => {
                let at = (yaml.start + e.offset).min(yaml.end);
                let msg = e.message;
                // The YAML parser points at the mapping; the writer needs the repeated key.
                let at = duplicate_key_at(yaml_text, &msg).map_or(at, |i| yaml.start + i);
                let mut d =
                    Diagnostic::new(Kind::FrontMatter, format!("invalid front matter: {msg}"))
                        .at(source, at..(at + 1).min(text.len()));
                if yaml_text.contains('\t') {
                    d = d.hint("YAML does not allow tabs for indentation; use spaces");
                } else if msg.contains("duplicate") {
                    d = d.hint("each key may appear once");
                } else {
                    d = d.hint("quote values that contain `: ` or start with a special character such as `[`, `{`, `*` or `@`");
                }
                return Err(d);
            }
        }
    };
    Ok(Parsed {
        fields,
        body_start: split.body.start,
        yaml: Some(yaml),
        unread: None,
    })
}

/// For a `duplicate entry with key "k"` message: the offset in `yaml` of the second top-level
/// line defining `k`.
fn duplicate_key_at(yaml: &str, msg: &str) -> Option<usize> {
    let key = msg
        .split_once("duplicate entry with key ")?
        .1
        .trim_matches('"');
    let mut seen = 0;
    let mut pos = 0;
    for line in yaml.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let unquoted = line
            .strip_prefix('"')
            .and_then(|l| l.strip_prefix(key))
            .and_then(|l| l.strip_prefix('"'));
        let rest = unquoted.or_else(|| line.strip_prefix(key));
        if rest.is_some_and(|r| r.trim_start().starts_with(':')) {
            seen += 1;
            if seen == 2 {
                return Some(start);
            }
        }
    }
    None
}

fn first_line_len(s: &str) -> usize {
    s.find(['\r', '\n']).unwrap_or(s.len())
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "a list",
        Value::String(_) => "a single string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        _ => "that",
    }
}

/// The byte range of a top-level key's value in the front matter, for locating warnings about it.
pub fn field_span(source: &Source, parsed: &Parsed, key: &str) -> Range<usize> {
    let Some(yaml) = &parsed.yaml else {
        return 0..0;
    };
    let text = &source.text[yaml.clone()];
    let Some((start, line)) = crate::source::yaml::top_level_key_lines(text, key).next() else {
        return yaml.start..yaml.start;
    };
    let pos = yaml.start + start;
    let after = &line[key.len() + 1..];
    let value = after.trim();
    let vstart = pos + key.len() + 1 + (after.len() - after.trim_start().len());
    if value.is_empty() {
        pos..pos + key.len()
    } else {
        vstart..vstart + value.len()
    }
}

/// A string value of a front matter field; numbers and booleans are shown as written.
pub fn string_field(fields: &Map<String, Value>, key: &str) -> Option<String> {
    match fields.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn src(t: &str) -> Source {
        SourceFile::new("a.md".into(), "a.md".into(), t.into())
    }

    #[test]
    fn crlf_and_dots_close() {
        let t = "---\r\ntitle: A\r\n...\r\n# Body\r\n";
        let s = split(t).unwrap();
        assert_eq!(&t[s.yaml.unwrap()], "title: A\r\n");
        assert_eq!(&t[s.body], "# Body\r\n");
    }

    #[test]
    fn no_front_matter_and_empty_file() {
        assert_eq!(split("# x").unwrap().yaml, None);
        assert_eq!(split("").unwrap().body, 0..0);
    }

    #[test]
    fn empty_front_matter_and_empty_values() {
        let p = parse(&src("---\n---\nbody")).unwrap();
        assert!(p.fields.is_empty());
        assert_eq!(p.body_start, 8);
        let p = parse(&src("---\nms.date: ''\ntitle: x\n---\n")).unwrap();
        assert_eq!(p.fields["ms.date"], "");
    }

    #[test]
    fn unclosed_is_an_error_at_line_one() {
        let e = parse(&src("---\ntitle: x\n# body\n")).unwrap_err();
        assert_eq!(e.line_col(), Some((1, 1)));
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let e = parse(&src("---\ntitle: x\ndescription: [oops\n---\n")).unwrap_err();
        let (line, _) = e.line_col().unwrap();
        assert!((3..=4).contains(&line), "line {line}");
        let e = parse(&src("---\ntitle: a\ntitle: b\n---\n")).unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
    }

    #[test]
    fn field_span_finds_value() {
        let s = src("---\ntitle: Hello\nms.date: 13/45/2026\n---\n");
        let p = parse(&s).unwrap();
        let r = field_span(&s, &p, "ms.date");
        assert_eq!(&s.text[r], "13/45/2026");
    }
}
