//! The one way helpsite parses YAML (front matter, `toc.yml`, `helpsite.yml`, UI strings).
//! Nesting deeper than [`MAX_DEPTH`] is refused before the parser runs: the YAML parser's time
//! grows with the square of the depth of `[`/`{` nesting inside a block (100,000 `[` took 25 s),
//! so a linear scan rejects such input first. Deep block nesting (`- - - - x`) is linear to
//! parse and stopped by the parser's own limit, which is the same number.

use serde::de::DeserializeOwned;

/// Deepest nesting of lists and mappings accepted in any YAML file (serde_yaml's own limit).
pub const MAX_DEPTH: usize = 128;

/// A YAML error: the message without serde_yaml's " at line N column M" (the position is
/// reported as a span) and the byte offset in the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub offset: usize,
}

/// Parses `text` after checking its nesting depth.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if let Some(offset) = too_deep(text, MAX_DEPTH) {
        return Err(YamlError {
            message: too_deep_message(),
            offset,
        });
    }
    serde_yaml::from_str(text).map_err(|e| {
        let mut offset = e.location().map_or(0, |l| char_offset(text, l.index()));
        let mut message = e.to_string();
        // A repeated field is reported at the start of its mapping: point at the repeat.
        if let Some(at) = message
            .split_once("duplicate field `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .and_then(|(key, _)| repeated_key_at(text, offset, key))
        {
            offset = at;
        }
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        if message.starts_with("recursion limit exceeded") {
            message = too_deep_message();
        }
        YamlError { message, offset }
    })
}

/// The offset of the second `key:` of the mapping that starts at `start` (keys of one mapping
/// stand at its column; a nested mapping's keys further in, and the mapping ends at the first
/// line that starts before its column).
/// The lines of `text` that start with `key:` (a top-level key of a mapping, as written), with
/// their byte offsets: where findings about a key of `helpsite.yml` or of front matter point.
pub fn top_level_key_lines<'a>(
    text: &'a str,
    key: &'a str,
) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    text.split_inclusive('\n')
        .scan(0, |pos, line| {
            let start = *pos;
            *pos += line.len();
            Some((start, line))
        })
        .filter(move |(_, line)| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        })
}

fn repeated_key_at(text: &str, start: usize, key: &str) -> Option<usize> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let col = start - line_start;
    let needle = format!("{key}:");
    let mut seen = 0;
    let mut offset = line_start;
    for (n, line) in text[line_start..].split_inclusive('\n').enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
        if n > 0 && !blank && indent < col {
            break;
        }
        if indent == col && line[col..].starts_with(&needle) {
            seen += 1;
            if seen == 2 {
                return Some(offset + col);
            }
        }
        offset += line.len();
    }
    None
}

fn too_deep_message() -> String {
    format!("lists and mappings are nested more than {MAX_DEPTH} levels deep")
}

/// The parser counts positions in characters; spans are bytes.
fn char_offset(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// The offset of the first `[` or `{` that opens a flow collection deeper than `max`, if any.
/// Brackets count only where a YAML node can start (so `title: a [b` is a plain scalar), and
/// not inside quotes, comments or block scalars (`|`, `>`). It may over-count in odd corners
/// (a continuation line of a plain scalar starting with `[`), which only matters past `max`.
pub fn too_deep(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Where a node may start: after indentation, `- `, `? `, `: `, and in flow after `[{,`.
    let mut node_start = true;
    // Indentation of the line holding a block scalar indicator: more-indented lines are text.
    let mut block_scalar: Option<usize> = None;
    let mut line_start = true;
    while i < b.len() {
        if line_start {
            line_start = false;
            let indent = b[i..].iter().take_while(|c| **c == b' ').count();
            if let Some(parent) = block_scalar {
                let rest = &b[i + indent..];
                let blank = rest.first().is_none_or(|c| *c == b'\n' || *c == b'\r');
                if blank || indent > parent {
                    i = skip_line(b, i);
                    line_start = true;
                    continue;
                }
                block_scalar = None;
            }
            if depth == 0 {
                node_start = true;
            }
            i += indent;
            continue;
        }
        let c = b[i];
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                i = skip_to_eol(b, i);
            }
            b'[' | b'{' if node_start || depth > 0 => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
                node_start = true;
                i += 1;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                node_start = false;
                i += 1;
            }
            b',' if depth > 0 => {
                node_start = true;
                i += 1;
            }
            b'\'' | b'"' if node_start => {
                i = skip_quoted(b, i);
                node_start = false;
            }
            b'|' | b'>' if node_start && depth == 0 => {
                block_scalar = Some(line_indent(b, i));
                i = skip_to_eol(b, i);
            }
            b'-' | b'?' | b':' if next_is_space(b, i) && (depth > 0 || c != b'-' || node_start) => {
                node_start = true;
                i += 1;
            }
            _ => {
                // A plain scalar (or a tag or anchor): runs to a space, or in flow to an indicator.
                node_start = c == b'!' || c == b'&';
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
                    if depth > 0 && matches!(b[i], b',' | b'[' | b']' | b'{' | b'}') {
                        break;
                    }
                    if b[i] == b':' && next_is_space(b, i) {
                        break;
                    }
                    i += 1;
                }
                if node_start {
                    continue;
                }
                // The rest of a plain scalar's line up to `: ` or a comment is still the scalar.
                if depth == 0 {
                    while i < b.len() && b[i] != b'\n' {
                        if b[i] == b':' && next_is_space(b, i) {
                            break;
                        }
                        if b[i] == b'#' && matches!(b[i - 1], b' ' | b'\t') {
                            break;
                        }
                        i += 1;
                    }
                }
            }
        }
    }
    None
}

fn next_is_space(b: &[u8], i: usize) -> bool {
    b.get(i + 1)
        .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
}

fn skip_to_eol(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| *c == b'\n')
        .map_or(b.len(), |p| i + p)
}

fn skip_line(b: &[u8], i: usize) -> usize {
    (skip_to_eol(b, i) + 1).min(b.len())
}

fn line_indent(b: &[u8], i: usize) -> usize {
    let start = b[..i]
        .iter()
        .rposition(|c| *c == b'\n')
        .map_or(0, |p| p + 1);
    b[start..].iter().take_while(|c| **c == b' ').count()
}

/// Past the closing quote (`''` and `\"` escapes), or the end of the text.
fn skip_quoted(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        if q == b'"' && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == q {
            if q == b'\'' && b.get(j + 1) == Some(&b'\'') {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_keys_by_line() {
        let text = "title: a\n  title: nested\ntitles: x\ntitle:b\n";
        let found: Vec<usize> = top_level_key_lines(text, "title").map(|(i, _)| i).collect();
        assert_eq!(found, vec![0, 35]);
    }

    fn nested(n: usize) -> String {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    }

    #[test]
    fn deep_flow_nesting_is_refused_where_it_gets_too_deep() {
        let text = format!("title: x\na: {}\n", nested(100_000));
        let e = from_str::<serde_yaml::Value>(&text).unwrap_err();
        assert_eq!(e.offset, "title: x\na: ".len() + MAX_DEPTH);
        assert!(e.message.contains("nested more than 128 levels"), "{e:?}");
    }

    #[test]
    fn deep_block_nesting_gets_the_same_message() {
        let text = "- ".repeat(10_000) + "x";
        let e = from_str::<serde_yaml::Value>(&text).unwrap_err();
        assert!(e.message.contains("nested more than 128 levels"), "{e:?}");
    }

    #[test]
    fn brackets_in_scalars_quotes_comments_and_block_text_do_not_count() {
        let many = "[".repeat(300);
        for text in [
            format!("title: a {many}\n"),
            format!("title: '{many}'\n"),
            format!("title: \"{many}\"\n"),
            format!("title: x # {many}\n"),
            format!("description: >-\n  {many}\n  more\nnext: 1\n"),
            format!("- name: x{many}\n"),
            format!("a: [\"{many}\", '{many}']\n"),
        ] {
            assert_eq!(too_deep(&text, MAX_DEPTH), None, "{text}");
        }
        assert_eq!(too_deep(&nested(128), MAX_DEPTH), None);
        assert_eq!(too_deep(&nested(129), MAX_DEPTH), Some(128));
        assert!(too_deep(&format!("a:\n  - {}", nested(200)), MAX_DEPTH).is_some());
        assert!(too_deep(&format!("a: {{b: {}}}", nested(200)), MAX_DEPTH).is_some());
    }

    #[test]
    fn error_offsets_are_bytes() {
        let e = from_str::<serde_yaml::Value>("é: [\n").unwrap_err();
        assert!(e.offset <= "é: [\n".len());
        let e = from_str::<serde_yaml::Value>("ééé: x\nb: [").unwrap_err();
        assert!("ééé: x\nb: [".is_char_boundary(e.offset));
    }
}
