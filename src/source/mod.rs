//! Source files held in memory with a line index, so any byte offset can be shown as
//! `file:line:col` and a snippet. Every diagnostic in helpsite points into one of these.
//! Also the one place that reads input files from disk ([`read_regular`]): regular files only,
//! bounded in size, so a FIFO, a device or a huge file is a finding rather than a hang; and the
//! one decoder of their bytes ([`decode`]), whose error positions are in the text as shown.
//!
//! This is the leaf layer: it imports nothing from the rest of the crate. Besides the files
//! themselves it holds the one YAML parser ([`yaml`]) and the page-title scan ([`title`]);
//! front matter, which reports [`crate::diagnostics`] findings, sits just above in
//! [`crate::frontmatter`].

pub mod title;
pub mod yaml;

pub use title::{first_h1_text, markdown_options};

use std::io::Read;
use std::ops::Range;
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
    /// inside a multi-byte character are clamped, never a panic; an offset inside a line
    /// ending is the column just past the line's text, so it is always a column of the line
    /// shown.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let range = self.line_range(line + 1);
        let col = self.text[range.start..offset.min(range.end)]
            .chars()
            .count()
            + 1;
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

    /// Byte ranges of the lines, each with its line ending: see [`line_ranges`].
    pub fn line_ranges(&self) -> Vec<Range<usize>> {
        ranges_of(&self.line_starts, self.text.len())
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

    /// `span` made safe to slice `text` with: both ends inside the text and on character
    /// boundaries, start before end. Any range may come in; spans are computed in many places.
    pub fn clamp(&self, span: Range<usize>) -> Range<usize> {
        clamp_span(&self.text, span)
    }
}

/// See [`SourceFile::clamp`]: the start is snapped down, the end up, so a span inside a
/// character covers that character.
pub fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start);
    let end = ceil_char_boundary(text, span.end.max(start));
    start..end
}

/// Byte ranges of the lines of `text`, each with its line ending (no empty range for the end
/// of a text that ends with a line break). The same index as [`SourceFile::line_ranges`].
pub fn line_ranges(text: &str) -> Vec<Range<usize>> {
    ranges_of(&line_starts(text), text.len())
}

/// Line ranges from line starts: every line ends where the next starts; only the last can be
/// empty (a text ending in `\n`, or no text), and it is left out.
fn ranges_of(starts: &[usize], len: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    if let Some(&last) = starts.last() {
        if last < len {
            out.push(last..len);
        }
    }
    out
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

/// The smallest char boundary at or above `i`, at most `s.len()`.
pub fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The largest input file read unless `max_file_size` in `helpsite.yml` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Why an input file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// The path names a FIFO, a device, a socket or a folder ("a named pipe (FIFO)", ...).
    NotRegular(&'static str),
    /// Larger than the limit (the size read so far when the file grew while being read).
    TooLarge {
        size: u64,
        max: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read the file: {e}"),
            ReadError::NotRegular(what) => {
                write!(f, "the path is {what}, not a regular file; it is not read")
            }
            ReadError::TooLarge { size, max } => write!(
                f,
                "the file is larger ({size} bytes) than the {max} bytes helpsite reads"
            ),
        }
    }
}

impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
        }
    }
}

/// What a path is when it is not a regular file ("a named pipe (FIFO)", "a device", ...).
pub fn not_regular(ft: std::fs::FileType) -> Option<&'static str> {
    if ft.is_file() {
        return None;
    }
    if ft.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if ft.is_socket() {
            return Some("a socket");
        }
        if ft.is_char_device() || ft.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// Opens `path` (following links) for reading only if it is a regular file. The type is
/// checked before opening, since opening a FIFO waits for a writer, and again on the open
/// handle, since the path may have been replaced in between (the open does not block on
/// Unix: `O_NONBLOCK`, which means nothing for regular files).
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(what) = not_regular(meta.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(what) = not_regular(meta.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    Ok((file, meta.len()))
}

/// Reads a whole regular file, at most `max` bytes (`None`: no limit, for files that are
/// copied rather than parsed). A file that grows past the limit while being read is refused too.
pub fn read_regular(path: &Path, max: Option<u64>) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular(path)?;
    let max = max.unwrap_or(u64::MAX);
    if len > max {
        return Err(ReadError::TooLarge { size: len, max });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// Why bytes are not text: what is wrong, the text as it is shown (decoded lossily, each bad
/// sequence a U+FFFD, the BOM removed) and the span of the first problem in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotText {
    pub problem: Problem,
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A NUL byte in a file without a BOM: most likely UTF-16 without one.
    Nul,
    InvalidUtf8,
    InvalidUtf16,
}

/// Decodes file bytes: UTF-8 (a BOM is dropped) or UTF-16 with a BOM (LE or BE).
pub fn decode(bytes: &[u8]) -> Result<String, NotText> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode_utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, false);
    }
    // UTF-16 without a byte order mark is valid UTF-8 byte for byte (every other byte NUL), and
    // no text file holds NUL: the first one is reported.
    if let Some(nul) = memchr_nul(bytes) {
        // The lossy text of the bytes before the NUL is a prefix of the lossy text of all of
        // them (a NUL ends any incomplete sequence before it), so its length is the offset.
        let at = String::from_utf8_lossy(&bytes[..nul]).len();
        return Err(NotText {
            problem: Problem::Nul,
            text: String::from_utf8_lossy(bytes).into_owned(),
            span: at..at + 1,
        });
    }
    decode_utf8(bytes)
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == 0)
}

fn decode_utf8(bytes: &[u8]) -> Result<String, NotText> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => {
            // The valid prefix is the same bytes in the lossy text; the U+FFFD follows it.
            let at = e.valid_up_to();
            Err(NotText {
                problem: Problem::InvalidUtf8,
                text: String::from_utf8_lossy(bytes).into_owned(),
                span: at..at + '\u{fffd}'.len_utf8(),
            })
        }
    }
}

fn decode_utf16(bytes: &[u8], le: bool) -> Result<String, NotText> {
    let units = bytes.chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut first_bad = None;
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or_else(|_| {
            first_bad.get_or_insert(text.len());
            '\u{fffd}'
        });
        text.push(c);
    }
    // An odd byte at the end is half a code unit.
    if bytes.len() % 2 == 1 {
        first_bad.get_or_insert(text.len());
        text.push('\u{fffd}');
    }
    match first_bad {
        None => Ok(text),
        Some(at) => Err(NotText {
            problem: Problem::InvalidUtf16,
            text,
            span: at..at + '\u{fffd}'.len_utf8(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_keep_endings_and_drop_an_empty_last_line() {
        assert!(line_ranges("").is_empty());
        assert_eq!(line_ranges("a"), vec![0..1]);
        assert_eq!(line_ranges("a\n"), vec![0..2]);
        assert_eq!(line_ranges("a\r\n\nb"), vec![0..3, 3..4, 4..5]);
        assert_eq!(line_ranges("\n\n"), vec![0..1, 1..2]);
        let f = SourceFile::new(PathBuf::new(), String::new(), "x\ny\n".into());
        assert_eq!(f.line_ranges(), vec![0..2, 2..4]);
    }

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
    fn decoding_reports_positions_in_the_shown_text() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi").unwrap(), "hi");
        assert_eq!(decode(b"\xFF\xFEh\0i\0").unwrap(), "hi");
        assert_eq!(decode(b"\xFE\xFF\0h\0i").unwrap(), "hi");
        let e = decode(b"ab\xFFc").unwrap_err();
        assert_eq!(
            (e.problem, &e.text[e.span.clone()]),
            (Problem::InvalidUtf8, "\u{fffd}")
        );
        // The BOM is not part of the shown text; the bad byte follows `é`.
        let e = decode(b"\xEF\xBB\xBF\xC3\xA9\xFF").unwrap_err();
        assert_eq!((e.text.as_str(), e.span.clone()), ("é\u{fffd}", 2..5));
        // Each bad byte before the NUL became three bytes in the shown text.
        let e = decode(b"\xFF\xFFa\0").unwrap_err();
        assert_eq!((e.problem, &e.text[e.span.clone()]), (Problem::Nul, "\0"));
        let e = decode(b"\xFF\xFEa\0\x00\xD8b\0").unwrap_err();
        assert_eq!(
            (e.problem, e.text.as_str(), e.span.clone()),
            (Problem::InvalidUtf16, "a\u{fffd}b", 1..4)
        );
        let e = decode(b"\xFE\xFF\0a\0").unwrap_err();
        assert_eq!((e.text.as_str(), e.span.clone()), ("a\u{fffd}", 1..4));
    }

    #[test]
    fn spans_are_clamped_and_snapped_at_both_ends() {
        let s = src("aé");
        assert_eq!(s.clamp(2..2), 1..3);
        assert_eq!(s.clamp(2..99), 1..3);
        assert_eq!(s.clamp(Range { start: 99, end: 1 }), 3..3);
        assert_eq!(s.clamp(1..2), 1..3);
    }

    #[test]
    fn offsets_inside_a_character_do_not_panic() {
        let s = src("ö");
        assert_eq!(s.line_col(1), (1, 1));
    }
}
