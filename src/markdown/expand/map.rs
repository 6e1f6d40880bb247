//! The source map of an expansion: the expanded text as copied and generated pieces, each
//! pointing back into the file it came from, so any offset can be shown as `file:line:col`.

use std::ops::Range;
use std::sync::Arc;

use crate::site::LocaleId;
use crate::source::Source;

/// A file taking part in a page: the page's own file, an include, or a snippet.
#[derive(Debug)]
pub struct FileRef {
    pub source: Source,
    pub locale: LocaleId,
    /// Path relative to its locale root.
    pub rel: String,
}

#[derive(Debug, Clone)]
struct Seg {
    out: usize,
    file: Arc<FileRef>,
    src: usize,
    generated: bool,
}

/// Expanded text with a map back to the files it came from.
#[derive(Debug, Default)]
pub struct Mapped {
    pub text: String,
    segs: Vec<Seg>,
}

impl Mapped {
    pub(super) fn copy(&mut self, file: &Arc<FileRef>, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.segs.push(Seg {
            out: self.text.len(),
            file: file.clone(),
            src: range.start,
            generated: false,
        });
        self.text.push_str(&file.source.text[range]);
    }

    pub(super) fn gen(&mut self, file: &Arc<FileRef>, at: usize, text: &str) {
        if text.is_empty() {
            return;
        }
        self.segs.push(Seg {
            out: self.text.len(),
            file: file.clone(),
            src: at,
            generated: true,
        });
        self.text.push_str(text);
    }

    /// The file and byte offset in it that produced output offset `off`.
    pub fn locate(&self, off: usize) -> Option<(&Arc<FileRef>, usize)> {
        let i = match self.segs.binary_search_by(|s| s.out.cmp(&off)) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let s = &self.segs[i];
        let pos = if s.generated {
            s.src
        } else {
            (s.src + (off - s.out)).min(s.file.source.text.len())
        };
        Some((&s.file, pos))
    }

    /// True when the output at `off` was written by helpsite (an extension's markup), not
    /// copied from a file.
    pub fn generated_at(&self, off: usize) -> bool {
        let i = match self.segs.binary_search_by(|s| s.out.cmp(&off)) {
            Ok(i) => i,
            Err(0) => return false,
            Err(i) => i - 1,
        };
        self.segs[i].generated
    }

    /// A diagnostic location for an output range (clamped to the segment's file).
    pub fn span(&self, range: Range<usize>) -> Option<(Source, Range<usize>)> {
        let (file, start) = self.locate(range.start)?;
        let len = range.end.saturating_sub(range.start);
        let end = (start + len).min(file.source.text.len());
        let end = crate::source::floor_char_boundary(&file.source.text, end);
        let line_end = file.source.text[start..]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(file.source.text.len());
        Some((file.source.clone(), start..end.min(line_end).max(start)))
    }
}
