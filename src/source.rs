//! Source files held in memory with a line index, so any byte offset can be shown as
//! `file:line:col` and a snippet. Every diagnostic in helpsite points into one of these.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file read from disk. `text` is the file as decoded (BOM removed, line endings kept),
/// so byte offsets into it are what the parsers see.
#[derive(Debug)]
pub struct SourceFile {
    /// Path shown to the user: relative to the site root where possible.
    pub display: String,
    /// Absolute (or site-relative) path on disk.
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

/// Cheap shared handle: sources are referenced from pages, includes and diagnostics.
pub type Source = Arc<SourceFile>;

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Source {
        let line_starts = line_starts(&text);
        Arc::new(SourceFile {
            display,
            path,
            text,
            line_starts,
        })
    }

    /// 1-based line and column (in characters) of a byte offset. Offsets past the end or
    /// inside a multi-byte character are clamped, never a panic.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte range of the 1-based line `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let idx = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts[idx];
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        let slice = &self.text[start..end];
        let trimmed = slice.trim_end_matches(['\n', '\r']);
        start..start + trimmed.len()
    }

    /// Byte offset of a 1-based line and column; the inverse of [`line_col`](Self::line_col).
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let range = self.line_range(line);
        let text = &self.text[range.clone()];
        let skip: usize = text
            .chars()
            .take(col.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        range.start + skip
    }

    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    // A lone '\r' is not a line break in Markdown's sense of lines we show; '\n' ends lines
    // for both LF and CRLF files.
    starts.extend(memchr_newlines(text).map(|i| i + 1));
    starts
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
}

/// The largest char boundary at or below `i` (stable replacement for `str::floor_char_boundary`).
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source {
        SourceFile::new("a.md".into(), "a.md".into(), text.into())
    }

    #[test]
    fn line_and_column_count_characters() {
        let s = src("ab\r\nkö x\nlast");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(4), (2, 1));
        // 'x' comes after the two-byte 'ö' and a space: column 4.
        assert_eq!(s.line_col(s.text.find('x').unwrap()), (2, 4));
        assert_eq!(s.line_col(999), (3, 5));
        assert_eq!(&s.text[s.line_range(1)], "ab");
        assert_eq!(s.offset_of(2, 4), s.text.find('x').unwrap());
    }

    #[test]
    fn offsets_inside_a_character_do_not_panic() {
        let s = src("ö");
        assert_eq!(s.line_col(1), (1, 1));
    }
}
