//! The Markdown parser options every part of helpsite uses, and the scan that finds a page's
//! first `# ` heading. Loading needs the heading for pages without a `title` before anything is
//! rendered, so it lives in the source layer rather than in `markdown` (which uses the same
//! options through [`markdown_options`], so the two parses cannot disagree).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The CommonMark extensions helpsite enables, for every parse of a page's Markdown.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The text of the first `# ` heading, for pages without a `title`.
pub fn first_h1_text(body: &str) -> Option<String> {
    let mut in_h1 = false;
    let mut text = String::new();
    for ev in Parser::new_ext(body, markdown_options()) {
        match ev {
            Event::Start(Tag::Heading {
                level: pulldown_cmark::HeadingLevel::H1,
                ..
            }) => in_h1 = true,
            Event::End(TagEnd::Heading(_)) if in_h1 => {
                let t = text.trim().to_string();
                if !t.is_empty() {
                    return Some(t);
                }
                in_h1 = false;
                text.clear();
            }
            Event::Text(t) | Event::Code(t) if in_h1 => text.push_str(&t),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_heading_is_title() {
        assert_eq!(
            first_h1_text("intro\n\n# <a name=\"x\"></a>Hello *you*\n").as_deref(),
            Some("Hello you")
        );
        assert_eq!(first_h1_text("## not h1\n"), None);
    }
}
