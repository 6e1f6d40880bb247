//! The line-level DocFX parsers: `:::directive attrs:::`, attributes, includes, code
//! references, the extensions inside a line, and snippet line selection.
#![no_main]

use helpsite::markdown::expand::{
    block_include, code_reference, inline_extensions, line_ranges, parse_attrs,
    parse_colon_directive, parse_include_at, select_lines,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = parse_attrs(text);
    if let Some(d) = parse_colon_directive(text.trim()) {
        let _ = d.attr("source");
    }
    let _ = block_include(text);
    if let Some((len, _)) = parse_include_at(text) {
        assert!(len <= text.len());
    }
    let _ = code_reference(text);
    let line = text.lines().next().unwrap_or("");
    let mut end = 0;
    for (r, _) in inline_extensions(line) {
        assert!(end <= r.start && r.start < r.end && r.end <= line.len());
        let _ = &line[r.clone()];
        end = r.end;
    }
    // The first line is the range or region, the rest the snippet file.
    let (spec, file) = text.split_once('\n').unwrap_or((text, ""));
    let lines = line_ranges(file);
    for r in [
        select_lines(file, &lines, Some(spec), None),
        select_lines(file, &lines, None, Some(spec)),
    ]
    .into_iter()
    .flatten()
    {
        for range in r {
            let _ = &file[range];
        }
    }
});
