//! Decoding and the front matter splitter/parser on arbitrary bytes.
#![no_main]

use std::path::PathBuf;

use helpsite::load::{decode, frontmatter};
use helpsite::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = match decode(data) {
        Ok(t) => t,
        Err(bad) => {
            // The error's span is in the text as shown.
            assert!(bad.span.start < bad.span.end && bad.span.end <= bad.text.len());
            let _ = &bad.text[bad.span.clone()];
            bad.text
        }
    };
    if let Ok(s) = frontmatter::split(&text) {
        assert!(s.body.start <= s.body.end && s.body.end <= text.len());
        let _ = &text[s.body.clone()];
        if let Some(y) = s.yaml {
            let _ = &text[y];
        }
    }
    let src = SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text);
    match frontmatter::parse(&src) {
        Ok(p) => {
            let _ = &src.text[p.body_start..];
            for key in p.fields.keys() {
                let _ = frontmatter::field_span(&src, &p, key);
            }
        }
        Err(d) => {
            let _ = d.position();
            let _ = d.snippet();
        }
    }
});
