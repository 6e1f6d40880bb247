//! Path resolution, URL mapping, percent coding, slugs and offset-to-line mapping.
#![no_main]

use std::path::PathBuf;

use helpsite::markdown::slug::{slugify, Slugger};
use helpsite::paths;
use helpsite::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (from, target) = text.split_once('\u{0}').unwrap_or(("a/b.md", text));
    if let Some(r) = paths::resolve_relative(from, target) {
        if !from.split(['/', '\\']).any(|s| s == "..") {
            assert!(!r.split('/').any(|s| s == ".."), "{r:?}");
        }
    }
    if let Some(n) = paths::normalize(target) {
        assert_eq!(paths::normalize(&n).as_deref(), Some(n.as_str()));
    }
    let url = paths::article_url_path(target);
    assert!(!url.contains(' '));
    let _ = paths::encode_href(target);
    let _ = paths::percent_decode(target);
    let _ = paths::is_absolute(target);
    let s = slugify(target);
    assert!(!s.chars().any(char::is_whitespace));
    let mut slugger = Slugger::default();
    let mut seen = std::collections::HashSet::new();
    for part in target.split(' ') {
        assert!(seen.insert(slugger.unique(part)));
    }
    let src = SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text.to_string());
    for off in [0, 1, text.len() / 2, text.len(), text.len() + 7] {
        let (l, c) = src.line_col(off);
        let _ = src.offset_of(l, c);
        let _ = src.line_range(l);
    }
});
