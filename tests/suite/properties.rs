//! Property tests: the parsers that see writers' text never panic and keep their contracts, on
//! generated input. Each block has a fixed case budget so CI stays fast; crashes found by the
//! fuzz targets under `fuzz/` are pinned here as regression cases.

use std::path::PathBuf;

use helpsite::load::{decode, frontmatter};
use helpsite::markdown::expand::parse_attrs;
use helpsite::markdown::slug::{slugify, Slugger};
use helpsite::paths;
use helpsite::source::{floor_char_boundary, SourceFile};
use proptest::prelude::*;

fn source(text: &str) -> helpsite::source::Source {
    SourceFile::new(PathBuf::from("a.md"), "a.md".into(), text.to_string())
}

/// Text made of the characters that matter to line-based parsers, plus anything.
fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => Just("---".to_string()),
            4 => Just("\n".to_string()),
            2 => Just("\r\n".to_string()),
            1 => Just("\r".to_string()),
            1 => Just("...".to_string()),
            2 => Just(": ".to_string()),
            1 => Just("\t".to_string()),
            1 => Just("\u{feff}".to_string()),
            2 => "[a-zA-Z0-9 ]{0,8}",
            2 => any::<String>(),
            1 => Just("ö日".to_string()),
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

/// A path made of segments that include `.`, `..`, empty ones and backslashes.
fn pathy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("..".to_string()),
            Just(".".to_string()),
            Just("".to_string()),
            Just("a".to_string()),
            Just("Index".to_string()),
            Just("b c".to_string()),
            Just("ö".to_string()),
            Just("x\\..\\y".to_string()),
            "[a-zA-Z.]{1,6}",
        ],
        0..8,
    )
    .prop_map(|v| v.join("/"))
}

/// A clean root-relative path, as the loader produces (no `.`, `..` or empty segments).
fn clean_rel() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-zA-Z0-9 _ö-]{1,8}", 1..5).prop_map(|v| v.join("/"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // ------------------------------------------------------------------ front matter

    #[test]
    fn frontmatter_split_and_parse_never_panic(text in texty()) {
        match frontmatter::split(&text) {
            Ok(s) => {
                prop_assert!(s.body.start <= s.body.end && s.body.end <= text.len());
                prop_assert!(text.is_char_boundary(s.body.start));
                if let Some(y) = &s.yaml {
                    prop_assert!(y.start <= y.end && y.end <= s.body.start);
                    prop_assert!(text.is_char_boundary(y.start) && text.is_char_boundary(y.end));
                }
            }
            Err(at) => prop_assert!(at <= text.len()),
        }
        let src = source(&text);
        match frontmatter::parse(&src) {
            Ok(p) => prop_assert!(p.body_start <= text.len()),
            Err(d) => {
                // Every error has a position that can be shown.
                prop_assert!(d.line_col().is_some());
                let _ = d.snippet();
            }
        }
    }

    #[test]
    fn frontmatter_body_is_found(
        key in "k[a-z.]{0,10}",
        value in "v[a-zA-Z0-9 ]{0,20}",
        body in "[^\r]{0,40}",
        crlf in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let text = format!("---{nl}{key}: {value}{nl}---{nl}{body}");
        let s = frontmatter::split(&text).unwrap();
        prop_assert_eq!(&text[s.body.clone()], body.as_str());
        let p = frontmatter::parse(&source(&text)).unwrap();
        prop_assert_eq!(p.body_start, text.len() - body.len());
        let got = frontmatter::string_field(&p.fields, &key);
        prop_assert_eq!(got.as_deref().map(str::trim), Some(value.trim()));
    }

    // ------------------------------------------------------------------ decoding

    #[test]
    fn decode_never_panics_and_keeps_plain_utf8(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        match decode(&bytes) {
            Ok(s) => {
                let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF])
                    || bytes.starts_with(&[0xFF, 0xFE])
                    || bytes.starts_with(&[0xFE, 0xFF]);
                if !bom {
                    prop_assert_eq!(s.as_bytes(), &bytes[..]);
                }
            }
            Err(bad) => {
                // The span is in the text as shown: inside it, on character boundaries.
                prop_assert!(bad.span.start < bad.span.end && bad.span.end <= bad.text.len());
                prop_assert!(bad.text.is_char_boundary(bad.span.start));
                prop_assert!(bad.text.is_char_boundary(bad.span.end));
            }
        }
    }

    #[test]
    fn decode_reads_every_utf16_text_with_a_bom(text in any::<String>(), be in any::<bool>()) {
        let mut bytes = if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            bytes.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        prop_assert_eq!(decode(&bytes), Ok(text));
    }

    // ------------------------------------------------------------------ slugs

    #[test]
    fn slugify_has_no_whitespace_or_ascii_uppercase(text in any::<String>()) {
        let s = slugify(&text);
        prop_assert!(!s.chars().any(char::is_whitespace), "{s:?}");
        prop_assert!(!s.chars().any(|c| c.is_ascii_uppercase()), "{s:?}");
    }

    #[test]
    fn slugger_never_hands_out_an_id_twice(
        ops in prop::collection::vec((any::<bool>(), prop_oneof![
            Just("Setup".to_string()),
            Just("setup-1".to_string()),
            Just("setup-2".to_string()),
            Just("Setup 1".to_string()),
            Just("section".to_string()),
            Just("!!!".to_string()),
            "[a-zA-Z -]{0,6}",
        ]), 0..40),
    ) {
        let mut slugger = Slugger::default();
        let mut taken = std::collections::HashSet::new();
        for (reserve, text) in ops {
            if reserve {
                if slugger.reserve(&text) {
                    prop_assert!(taken.insert(text.clone()), "reserved twice: {text}");
                }
            } else {
                let id = slugger.unique(&text);
                prop_assert!(!id.is_empty());
                prop_assert!(taken.insert(id.clone()), "duplicate id {id}");
            }
        }
    }

    // ------------------------------------------------------------------ paths and URLs

    #[test]
    fn resolve_relative_never_leaves_the_root(from in clean_rel(), target in pathy()) {
        if let Some(r) = paths::resolve_relative(&from, &target) {
            prop_assert!(!r.starts_with('/') && !r.starts_with('\\'), "{r:?}");
            for seg in r.split('/') {
                prop_assert!(seg != ".." && seg != "." && !seg.contains('\\'), "{r:?}");
            }
        }
    }

    #[test]
    fn normalize_is_idempotent(path in pathy()) {
        if let Some(n) = paths::normalize(&path) {
            prop_assert_eq!(paths::normalize(&n), Some(n.clone()));
            prop_assert!(!n.split('/').any(|s| s == ".." || s == "."));
        }
    }

    #[test]
    fn article_urls_are_lower_case_folders(rel in clean_rel(), ext in prop_oneof![
        Just(".md"), Just(".MD"), Just(".markdown"), Just("")
    ]) {
        let file = format!("{rel}{ext}");
        let url = paths::article_url_path(&file);
        prop_assert!(url.is_empty() || url.ends_with('/'), "{url:?}");
        prop_assert!(!url.contains(' ') && !url.chars().any(|c| c.is_ascii_uppercase()), "{url:?}");
        prop_assert!(!url.starts_with('/'), "{url:?}");
        // `x/index.md` and `x.md` name the same URL, whatever the case of `index` and `.md`.
        if !ext.is_empty() && !rel.to_ascii_lowercase().ends_with("index") {
            prop_assert_eq!(paths::article_url_path(&format!("{rel}/Index{ext}")), url);
        }
    }

    #[test]
    fn href_encoding_and_percent_decoding_never_panic(s in any::<String>()) {
        let e = paths::encode_href(&s);
        prop_assert!(!e.contains(' ') && !e.contains('"') && !e.contains('<'));
        let _ = paths::percent_decode(&s);
        let _ = paths::is_absolute(&s);
    }

    // ------------------------------------------------------------------ offsets and lines

    #[test]
    fn line_col_never_panics_and_round_trips(text in texty(), offset in 0usize..200) {
        let src = source(&text);
        let (line, col) = src.line_col(offset);
        prop_assert!(line >= 1 && col >= 1);
        let clamped = floor_char_boundary(&text, offset.min(text.len()));
        let back = src.offset_of(line, col);
        // Offsets inside a line ending come back as the end of the line's text.
        let range = src.line_range(line);
        if clamped <= range.end {
            prop_assert_eq!(back, clamped);
        } else {
            prop_assert_eq!(back, range.end);
        }
        prop_assert_eq!(src.line_col(back).0, line);
        let _ = src.line_range(offset);
    }

    // ------------------------------------------------------------------ DocFX attributes

    #[test]
    fn parse_attrs_never_panics(s in any::<String>()) {
        for (k, _) in parse_attrs(&s) {
            prop_assert!(!k.is_empty());
        }
    }

    #[test]
    fn parse_attrs_reads_generated_pairs(
        pairs in prop::collection::vec(("[a-z][a-z-]{0,8}", "[^\"]{0,12}"), 0..6),
    ) {
        let s: String = pairs.iter().map(|(k, v)| format!(" {k}=\"{v}\"")).collect();
        let got = parse_attrs(&s);
        prop_assert_eq!(got, pairs);
    }
}

// ---------------------------------------------------------------------- whole pages

/// Markdown made of DocFX-ish fragments and random text, one fragment per line or run together.
fn docfx_markdown() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("> [!NOTE]".to_string()),
        Just("> [!WARNING]\n> text".to_string()),
        Just("> > [!TIP]".to_string()),
        Just(":::row:::".to_string()),
        Just(":::column span=\"2\":::".to_string()),
        Just(":::column-end:::".to_string()),
        Just(":::row-end:::".to_string()),
        Just("[!INCLUDE [x](y.md)]".to_string()),
        Just("[!INCLUDE [inc](includes/inc.md)]".to_string()),
        Just("inline [!include[i](includes/inc.md)] text".to_string()),
        Just("# [T](#tab/a)".to_string()),
        Just("# [U](#tab/b/c)".to_string()),
        Just("---".to_string()),
        Just("::: moniker range=\"a\"".to_string()),
        Just("::: moniker-end".to_string()),
        Just(":::image type=\"complex\" source=\"a.png\":::".to_string()),
        Just(":::image-end:::".to_string()),
        Just(":::code language=\"cs\" source=\"snippet.cs\" range=\"2-1\":::".to_string()),
        Just("[!code-cs[x](snippet.cs#L1-L99)]".to_string()),
        Just("```cs".to_string()),
        Just("```".to_string()),
        Just("<a name=\"x\"></a>".to_string()),
        Just("## Heading {#id}".to_string()),
        Just("- item".to_string()),
        Just("  - nested".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |".to_string()),
        Just("[link](other.md#frag) [x](xref:uid) [y](<a b.md>)".to_string()),
        Just("> [!div class=\"nextstepaction\"]".to_string()),
        Just("> [!VIDEO https://example.com/v]".to_string()),
        Just("[^1]\n\n[^1]: note".to_string()),
        "[a-z <>&\"'\\[\\]():!#>*-]{0,20}",
        any::<String>(),
    ];
    (
        prop::collection::vec(fragment, 0..16),
        prop::sample::select(vec!["\n", "\n\n", " ", ""]),
    )
        .prop_map(|(parts, sep)| parts.join(sep))
}

/// A one-page site (plus an include, a snippet and a second page) around `body`, checked by the
/// library without writing anything: it must return, whatever the findings.
fn check_one_page(body: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "helpsite.yml",
        "title: T\nbase_url: https://help.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
    );
    write(
        "content/en-us/index.md",
        &format!("---\ntitle: Fuzz\n---\n{body}"),
    );
    write(
        "content/en-us/other.md",
        "---\ntitle: Other\n---\n## Frag\n",
    );
    write("content/en-us/includes/inc.md", "Included [!NOTE] text.\n");
    write(
        "content/en-us/snippet.cs",
        "int a;\n// <x>\nint b;\n// </x>\n",
    );
    let report = helpsite::build(&helpsite::BuildOptions {
        site: root.to_path_buf(),
        out: None,
        strict: false,
        check_only: true,
        no_cache: true,
        ..Default::default()
    });
    match report {
        Ok(r) => prop_assert!(!r.written),
        Err(_) => prop_assert!(false, "the configuration is valid"),
    }
    Ok(())
}

proptest! {
    // Each case builds a site: a smaller budget.
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_docfx_markdown_builds_without_panic(body in docfx_markdown()) {
        check_one_page(&body)?;
    }
}

/// Inputs found by the fuzz targets or while writing these tests, pinned.
#[test]
fn regressions() {
    for body in [
        "",
        ":::column:::",
        "[!INCLUDE [x](",
        "> [!NOTE]\n> > [!TIP]\n> > > [!WARNING]",
        "# [T](#tab/a)\n---\n---",
        "::: moniker range=\"a\"\n::: moniker range=\"b\"\n:::row:::\n::: moniker-end",
    ] {
        check_one_page(body).unwrap();
    }
}

// ---------------------------------------------------------------------- bytes to diagnostics

/// File bytes made of what trips decoders and line indexes: BOMs (UTF-8 and both UTF-16),
/// NULs, CR, LF, CRLF, multibyte runs, invalid UTF-8 (lone continuation and lead bytes,
/// encoded surrogates), lone UTF-16 surrogates, YAML and Markdown punctuation, and any byte.
fn nasty_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        2 => Just(b"\xEF\xBB\xBF".to_vec()),
        1 => Just(b"\xFF\xFE".to_vec()),
        1 => Just(b"\xFE\xFF".to_vec()),
        3 => Just(b"\0".to_vec()),
        3 => Just(b"\r".to_vec()),
        3 => Just(b"\n".to_vec()),
        2 => Just(b"\r\n".to_vec()),
        3 => Just("é日😀ö".as_bytes().to_vec()),
        3 => Just(b"\xFF".to_vec()),
        2 => Just(b"\xC3".to_vec()),
        2 => Just(b"\x80\x80".to_vec()),
        1 => Just(b"\xED\xA0\x80".to_vec()),
        1 => Just(b"\x00\xD8".to_vec()),
        1 => Just(b"\xDC\x00".to_vec()),
        2 => Just(b"---\n".to_vec()),
        1 => Just(b"title: ".to_vec()),
        1 => Just(b"- name: ".to_vec()),
        1 => Just(b"[".to_vec()),
        1 => Just(b"{\"redirections\": [".to_vec()),
        1 => Just(b"\t".to_vec()),
        3 => prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..32).prop_map(|v| v.concat())
}

/// The text a finding is shown in, as the loader makes it.
fn shown_text(bytes: &[u8]) -> String {
    match decode(bytes) {
        Ok(t) => t,
        Err(bad) => bad.text,
    }
}

/// A finding's position is inside its file: a line of the file, a column of that line (one
/// past its last character at most); the text and JSON renderings agree and do not panic.
fn assert_inside(d: &helpsite::diagnostics::Diagnostic) -> Result<(), TestCaseError> {
    let text = d.render(false);
    let _ = d.render(true);
    let json = d.to_json();
    let Some(loc) = &d.location else {
        prop_assert!(json["line"].is_null() && json["column"].is_null());
        return Ok(());
    };
    let (line, col) = d.line_col().unwrap();
    let src = &loc.source;
    let lines = src.text.split('\n').count();
    prop_assert!(line >= 1 && line <= lines, "line {line} of {lines}");
    let shown = &src.text[src.line_range(line)];
    prop_assert!(
        col >= 1 && col <= shown.chars().count() + 1,
        "column {col} of {:?}",
        shown
    );
    prop_assert_eq!(json["line"].as_u64(), Some(line as u64));
    prop_assert_eq!(json["column"].as_u64(), Some(col as u64));
    let file = d.file.as_deref().unwrap_or("");
    prop_assert!(text.contains(&format!("{file}:{line}:{col}")), "{text}");
    Ok(())
}

/// A fixed case budget and a fixed seed: the same cases on every run and every machine.
fn fixed(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x1212),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(fixed(512))]

    #[test]
    fn any_span_in_any_bytes_renders_inside_the_file(
        bytes in nasty_bytes(),
        spans in prop::collection::vec((0usize..300, 0usize..300), 1..4),
        level in prop::sample::select(vec![
            helpsite::diagnostics::Level::Error,
            helpsite::diagnostics::Level::Warning,
            helpsite::diagnostics::Level::Info,
        ]),
        kind in prop::sample::select(helpsite::diagnostics::Kind::ALL.to_vec()),
    ) {
        use helpsite::diagnostics::{Diagnostic, Location};
        let src = source(&shown_text(&bytes));
        for (a, b) in spans {
            // Through `at` (clamped there) and with a raw, unclamped location.
            let d = Diagnostic::new(kind, "m").level(level).at(&src, a..b).hint("h").note("n");
            assert_inside(&d)?;
            let mut raw = Diagnostic::new(kind, "m").level(level).in_file("a.md");
            raw.location = Some(Location { source: src.clone(), span: a..b });
            assert_inside(&raw)?;
        }
    }
}

/// Writes `bytes` as `target` into a one-locale site (with a page including an include, a
/// TOC and a redirect file), checks it with the library, and asserts every finding renders
/// inside its file. The configuration is valid unless `target` is `helpsite.yml`.
fn check_site_with(target: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, data: &[u8]| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    };
    write(
        "helpsite.yml",
        b"title: T\nbase_url: https://help.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
    );
    write(
        "content/en-us/index.md",
        b"---\ntitle: Home\n---\n# Home\n\n[!INCLUDE [i](includes/inc.md)]\n\n[x](x.md)\n",
    );
    write("content/en-us/includes/inc.md", b"Included.\n");
    write("content/en-us/toc.yml", b"- name: Home\n  href: index.md\n");
    write(target, bytes);
    let report = helpsite::build(&helpsite::BuildOptions {
        site: root.to_path_buf(),
        check_only: true,
        no_cache: true,
        ..Default::default()
    });
    match report {
        Ok(r) => {
            for d in &r.diagnostics {
                assert_inside(d)?;
            }
        }
        Err(helpsite::Fatal::Config(d)) | Err(helpsite::Fatal::Io(d)) => assert_inside(&d)?,
    }
    Ok(())
}

proptest! {
    // Each case loads and checks a site: a smaller budget.
    #![proptest_config(fixed(96))]

    #[test]
    fn any_bytes_in_any_input_file_give_findings_inside_the_file(
        bytes in nasty_bytes(),
        target in prop::sample::select(vec![
            "content/en-us/x.md",
            "content/en-us/includes/inc.md",
            "content/en-us/toc.yml",
            "content/en-us/TOC.md",
            ".openpublishing.redirection.json",
            "helpsite.yml",
        ]),
    ) {
        check_site_with(target, &bytes)?;
    }
}

/// The two files of issue 12 that made `build` and `check` exit 101, in every input.
#[test]
fn bad_bytes_after_a_bom_or_before_a_nul_stay_inside_the_file() {
    for bytes in [&b"\xff\x00"[..], b"\xef\xbb\xbf\xc3\xa9\xff"] {
        for target in [
            "content/en-us/x.md",
            "content/en-us/includes/inc.md",
            "content/en-us/toc.yml",
            "content/en-us/TOC.md",
            ".openpublishing.redirection.json",
            "helpsite.yml",
        ] {
            check_site_with(target, bytes).unwrap();
        }
    }
}
