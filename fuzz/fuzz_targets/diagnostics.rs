//! Diagnostics rendering: arbitrary bytes decoded as a source file (as the loader does,
//! lossily when they are not text), then arbitrary spans, levels and kinds rendered as text
//! (plain and coloured) and as JSON. Nothing may panic, and every position must be a line and
//! column of the file, the same in both formats.
#![no_main]

use std::path::PathBuf;

use helpsite::diagnostics::{Diagnostic, Kind, Level, Location};
use helpsite::source::{decode, SourceFile};
use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

/// The spans to show (start, end, level, kind, built by hand) and the file's bytes.
type Spans = Vec<(usize, usize, u8, u8, bool)>;

fn case(data: &[u8]) -> libfuzzer_sys::arbitrary::Result<(Spans, &[u8])> {
    let mut u = Unstructured::new(data);
    let n = u.int_in_range(1..=8)?;
    let mut spans = Vec::with_capacity(n);
    for _ in 0..n {
        spans.push((
            usize::arbitrary(&mut u)?,
            usize::arbitrary(&mut u)?,
            u8::arbitrary(&mut u)?,
            u8::arbitrary(&mut u)?,
            bool::arbitrary(&mut u)?,
        ));
    }
    Ok((spans, u.take_rest()))
}

fuzz_target!(|data: &[u8]| {
    let Ok((spans, bytes)) = case(data) else {
        return;
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(bad) => {
            assert!(bad.span.start < bad.span.end && bad.span.end <= bad.text.len());
            let _ = &bad.text[bad.span.clone()];
            bad.text
        }
    };
    let src = SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text);
    for (a, b, level, kind, raw) in spans {
        // Small and huge offsets alike: near the text most of the time.
        let (a, b) = if raw { (a, b) } else { (a % (src.text.len() + 4), b % (src.text.len() + 4)) };
        let level = [Level::Info, Level::Warning, Level::Error][level as usize % 3];
        let kind = Kind::ALL[kind as usize % Kind::ALL.len()];
        let mut d = Diagnostic::new(kind, "message").level(level).hint("hint").note("note");
        if raw {
            // A location built by hand, unclamped.
            d = d.in_file("a.md");
            d.location = Some(Location { source: src.clone(), span: a..b });
        } else {
            d = d.at(&src, a..b);
        }
        let plain = d.render(false);
        let _ = d.render(true);
        let json = d.to_json();
        let _ = d.snippet();
        let (line, col) = d.line_col().unwrap();
        let lines = src.text.split('\n').count();
        assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        let shown = &src.text[src.line_range(line)];
        assert!(col >= 1 && col <= shown.chars().count() + 1, "column {col} of {shown:?}");
        assert_eq!(json["line"].as_u64(), Some(line as u64));
        assert_eq!(json["column"].as_u64(), Some(col as u64));
        assert!(plain.contains(&format!("a.md:{line}:{col}")), "{plain}");
    }
});
