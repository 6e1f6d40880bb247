//! YAML pages: DocFX's structured pages, a YAML file whose first line is `### YamlMime:<Type>`.
//! helpsite publishes three types as pages (`Landing`, `FAQ`, `Hub`: a folder's root
//! `index.yml`, a list of questions); any other type is a finding and is not published.
//!
//! [`parse`] reads what `load` needs (the type, the title and the metadata); [`located`] reads
//! the whole document as a tree whose every string knows where it is written, for rendering
//! (`crate::markdown::yaml_page`) and for findings at `file:line:col`. Nothing here reads files.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::source::Source;

/// The YAML page types helpsite publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mime {
    Landing,
    Faq,
    Hub,
}

impl Mime {
    fn of(name: &str) -> Option<Mime> {
        match name.to_ascii_lowercase().as_str() {
            "landing" => Some(Mime::Landing),
            "faq" => Some(Mime::Faq),
            "hub" => Some(Mime::Hub),
            _ => None,
        }
    }

    /// The class of the page's body (`yaml-landing`, ...).
    pub fn class(self) -> &'static str {
        match self {
            Mime::Landing => "yaml-landing",
            Mime::Faq => "yaml-faq",
            Mime::Hub => "yaml-hub",
        }
    }
}

/// The type named by a file's first line (`### YamlMime:Landing` -> `Landing`), if it has one.
/// A byte order mark was dropped when the file was read.
pub fn mime_name(text: &str) -> Option<&str> {
    let first = text.lines().next()?.trim();
    let rest = first
        .strip_prefix('#')?
        .trim_start_matches('#')
        .trim_start();
    let name = rest.strip_prefix("YamlMime:")?.trim();
    (!name.is_empty()).then_some(name)
}

/// The published type of a YAML page's text (`None` for other YAML, or a type helpsite does
/// not publish).
pub fn mime(text: &str) -> Option<Mime> {
    mime_name(text).and_then(Mime::of)
}

/// What `load` takes from a YAML page.
#[derive(Debug, Clone)]
pub struct Head {
    pub mime: Mime,
    /// `title` (the page's heading), else `metadata.title`.
    pub title: Option<String>,
    /// `metadata` (what front matter is to an article), with `title` filled from the page's
    /// `title` when it has none.
    pub metadata: Map<String, Value>,
}

/// Reads a YAML page's type, title and metadata; a type helpsite does not publish, or YAML
/// that does not parse, is the finding.
pub fn parse(source: &Source) -> Result<Head, Diagnostic> {
    let name = mime_name(&source.text).unwrap_or("");
    let Some(mime) = Mime::of(name) else {
        let line = source.text.lines().next().unwrap_or("");
        let at = line.find(name).unwrap_or(0);
        return Err(Diagnostic::new(
            Kind::YamlPage,
            format!("`YamlMime:{name}` pages are not published: helpsite renders Landing, FAQ and Hub pages"),
        )
        .level(Level::Warning)
        .at(source, at..at + name.len())
        .hint("the file is left out of the site; link to another page, or exclude it in docfx.json"));
    };
    let doc = value(source)?;
    let Value::Object(top) = doc else {
        return Err(Diagnostic::new(
            Kind::YamlPage,
            "a YAML page must be a mapping of `key: value` lines",
        )
        .at(source, 0..0));
    };
    let mut metadata = match top.get("metadata") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let own = top
        .get("title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let title = own.clone().or_else(|| {
        crate::frontmatter::string_field(&metadata, "title").filter(|t| !t.trim().is_empty())
    });
    if let Some(t) = &own {
        metadata
            .entry("title")
            .or_insert_with(|| Value::String(t.clone()));
    }
    Ok(Head {
        mime,
        title,
        metadata,
    })
}

/// The document as JSON-like data, or the YAML finding at its place.
fn value(source: &Source) -> Result<Value, Diagnostic> {
    let parsed = crate::source::yaml::from_str::<serde_yaml::Value>(&source.text).and_then(|v| {
        serde_json::to_value(v).map_err(|e| crate::source::yaml::YamlError {
            message: e.to_string(),
            offset: 0,
        })
    });
    parsed.map_err(|e| {
        let at = e.offset.min(source.text.len());
        Diagnostic::new(Kind::YamlPage, format!("invalid YAML: {}", e.message))
            .level(Level::Error)
            .at(source, at..at)
            .hint("fix the YAML; the page is left out of the site until it parses")
    })
}

/// A node of a YAML page, in the order written; each string with the byte range of its value
/// in the file (the first character of a block scalar's text).
#[derive(Debug, Clone)]
pub enum Node {
    Str(String, Range<usize>),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// Numbers, booleans, null.
    Other,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A string field, trimmed, not empty, with its place.
    pub fn str(&self, key: &str) -> Option<(&str, Range<usize>)> {
        match self.get(key)? {
            Node::Str(s, at) => {
                let t = s.trim();
                (!t.is_empty()).then(|| (t, at.clone()))
            }
            _ => None,
        }
    }

    pub fn list(&self, key: &str) -> &[Node] {
        match self.get(key) {
            Some(Node::List(l)) => l,
            _ => &[],
        }
    }
}

/// The whole document as a [`Node`] tree (`None` when it does not parse: `load` reported it).
pub fn located(source: &Source) -> Option<Node> {
    let v: serde_yaml::Value = crate::source::yaml::from_str(&source.text).ok()?;
    let mut cursor = Cursor {
        text: &source.text,
        at: 0,
    };
    Some(cursor.node(&v))
}

/// Walks the text in step with the parsed document (keys in the order written), so each
/// key is found after the one before it.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn node(&mut self, v: &serde_yaml::Value) -> Node {
        use serde_yaml::Value as Y;
        match v {
            Y::String(s) => {
                let at = self.value_start(s);
                Node::Str(s.clone(), at..at + s.len().min(self.line_end(at) - at))
            }
            Y::Sequence(items) => Node::List(items.iter().map(|i| self.node(i)).collect()),
            Y::Mapping(m) => Node::Map(
                m.iter()
                    .filter_map(|(k, v)| {
                        let k = k.as_str()?.to_string();
                        self.key(&k);
                        Some((k, self.node(v)))
                    })
                    .collect(),
            ),
            Y::Tagged(t) => self.node(&t.value),
            _ => Node::Other,
        }
    }

    /// Moves past the next `key:` written as a key (at a line's start, after indentation,
    /// `- `, or after `{`/`,` in a flow mapping).
    fn key(&mut self, key: &str) {
        let mut from = self.at;
        while let Some(i) = self.text[from..].find(key) {
            let pos = from + i;
            let after = &self.text[pos + key.len()..];
            let before = self.text[..pos].trim_end_matches([' ', '\'', '"']);
            let starts = before.is_empty() || before.ends_with(['\n', '-', '{', ',', '?']);
            // A quoted key's closing quote stands between the key and its colon.
            let quote = after.len() - after.trim_start_matches(['\'', '"']).len();
            if starts && after[quote..].starts_with(':') {
                self.at = pos + key.len() + quote + 1;
                return;
            }
            from = pos + key.len();
        }
    }

    /// Where the value after the cursor starts: its first character, past quotes, and past
    /// a block scalar's indicator line (`|`, `>-`) to its text. Moves the cursor there.
    fn value_start(&mut self, value: &str) -> usize {
        let rest = &self.text[self.at..];
        let skip = rest.len() - rest.trim_start_matches([' ', '\t', '-', '\r', '\n']).len();
        let mut at = self.at + skip;
        let line = &self.text[at..self.line_end(at)];
        let indicator = line.trim_end();
        if indicator.starts_with(['|', '>']) && indicator.len() <= 3 {
            // The block's text starts on the next line, after its indentation.
            let next = self.line_end(at) + 1;
            if next < self.text.len() {
                let r = &self.text[next..];
                at = next + (r.len() - r.trim_start_matches([' ', '\n', '\r']).len());
            }
        } else if line.starts_with(['\'', '"']) {
            at += 1;
        } else if let Some(i) = value.get(..value.len().min(16)).and_then(|v| line.find(v)) {
            at += i;
        }
        self.at = at.min(self.text.len());
        self.at
    }

    fn line_end(&self, at: usize) -> usize {
        self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source {
        crate::source::SourceFile::new("x.yml".into(), "x.yml".into(), text.into())
    }

    #[test]
    fn mime_from_the_first_line() {
        assert_eq!(mime("### YamlMime:Landing\ntitle: x"), Some(Mime::Landing));
        assert_eq!(mime("### YamlMime:FAQ\r\n"), Some(Mime::Faq));
        assert_eq!(mime_name("### YamlMime:ModuleUnit\n"), Some("ModuleUnit"));
        assert_eq!(mime("### YamlMime:ModuleUnit\n"), None);
        assert_eq!(mime("title: x\n"), None);
    }

    #[test]
    fn head_takes_title_and_metadata() {
        let s = src("### YamlMime:Hub\ntitle: Hub\nmetadata:\n  description: D\n");
        let h = parse(&s).unwrap();
        assert_eq!(h.mime, Mime::Hub);
        assert_eq!(h.title.as_deref(), Some("Hub"));
        assert_eq!(h.metadata["title"], "Hub");
        assert_eq!(h.metadata["description"], "D");
    }

    #[test]
    fn bad_yaml_is_a_finding_at_its_line() {
        let s = src("### YamlMime:FAQ\ntitle: a\nsections:\n  - name: [x\n");
        let d = parse(&s).unwrap_err();
        assert_eq!(d.kind, Kind::YamlPage);
        let loc = d.location.as_ref().unwrap();
        assert!(
            s.line_col(loc.span.start).0 >= 4,
            "{:?}",
            s.line_col(loc.span.start)
        );
    }

    #[test]
    fn unknown_type_is_a_warning() {
        let s = src("### YamlMime:ModuleUnit\nuid: a\n");
        let d = parse(&s).unwrap_err();
        assert_eq!(d.level, Level::Warning);
        assert!(d.message.contains("ModuleUnit"), "{}", d.message);
    }

    #[test]
    fn strings_know_their_place() {
        let text = "### YamlMime:FAQ\ntitle: T\nsections:\n- name: S\n  questions:\n  - question: Q?\n    answer: |\n      See [a](a.md).\n  - question: 'R?'\n    answer: B\n";
        let s = src(text);
        let n = located(&s).unwrap();
        let q = &n.list("sections")[0].list("questions");
        let (a, at) = q[0].str("answer").unwrap();
        assert_eq!(a, "See [a](a.md).");
        assert_eq!(&text[at.start..at.start + 3], "See");
        let (r, at) = q[1].str("question").unwrap();
        assert_eq!(r, "R?");
        assert_eq!(&text[at.start..at.start + 2], "R?");
        let (b, at) = q[1].str("answer").unwrap();
        assert_eq!((b, &text[at.clone()]), ("B", "B"));
    }
}
