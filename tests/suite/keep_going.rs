//! `keep_going: true` in helpsite.yml (DocFX's `continue_with_document_error`): a build whose
//! only errors are inside documents still writes the site, every page present with the faulty
//! construct shown as text, and exits 1. Without it a failed build writes nothing; with it,
//! configuration and unreadable files still stop the build.

use std::path::Path;

use helpsite::session::Session;
use helpsite::BuildOptions;

use crate::support::{content_inner, read, snapshot_tree, write, Site};

const CONFIG: &str = "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n";

/// The pages with one kind of document error each, as the real data has them (the first is the
/// Dutch Microsoft 365 typo: two colons, so the `::: moniker-end` after it closes nothing).
const FAULTY: [(&str, &str); 7] = [
    (
        "moniker.md",
        "---\ntitle: Moniker typo\n---\n# Moniker typo\n\n:: moniker range=\"v1\"\n\nOnly in v1.\n\n::: moniker-end\n\nAfter.\n",
    ),
    (
        "moniker-range.md",
        "---\ntitle: Moniker without range\n---\n# Moniker without range\n\n::: moniker\n\nIn the range.\n\n::: moniker-end\n\nAfter.\n",
    ),
    (
        "front.md",
        "---\ntitle: Front\nms.date: 11/02/2026\ntitle: Front again\n---\n# Duplicate keys\n\nBody text.\n",
    ),
    (
        "include.md",
        "---\ntitle: Includes\n---\n# Includes\n\n[!INCLUDE [gone](includes/gone.md)]\n\nInline [!include[x](includes/nope.md)] in a line.\n\n> [!INCLUDE [outside](../../outside.md)]\n",
    ),
    (
        "directive.md",
        "---\ntitle: Directives\n---\n# Directives\n\n:::unknown-thing:::\n\n:::image alt-text=\"No source <b>\":::\n\n:::code language=\"powershell\":::\n\n:::row-end:::\n\nText *after* the faults.\n",
    ),
    (
        "unclosed.md",
        "---\ntitle: Unclosed\n---\n# Unclosed\n\n:::row:::\n:::column:::\nIn a column that is never closed.\n",
    ),
    (
        "untitled.md",
        "---\ndescription: No title here.\n---\n\nJust a paragraph.\n",
    ),
];

/// A site of two good pages; `faulty` adds [`FAULTY`], `keep_going` the key.
fn site(keep_going: bool, faulty: bool) -> Site {
    let mut config = CONFIG.to_string();
    if keep_going {
        config.push_str("keep_going: true\n");
    }
    let mut toc = String::from("- name: Home\n  href: index.md\n- name: Other\n  href: other.md\n");
    let mut s = Site::empty()
        .file("helpsite.yml", &config)
        .file(
            "content/en-us/index.md",
            "---\ntitle: Home\n---\n# Home\n\nSee [the other page](other.md).\n\n> [!NOTE]\n> A note.\n",
        )
        .file(
            "content/en-us/other.md",
            "---\ntitle: Other\n---\n# Other\n\n::: moniker range=\"v1\"\nVersioned.\n::: moniker-end\n",
        );
    if faulty {
        for (rel, text) in FAULTY {
            s = s.file(&format!("content/en-us/{rel}"), text);
            toc.push_str(&format!("- name: {rel}\n  href: {rel}\n"));
        }
    }
    s.file("content/en-us/toc.yml", &toc)
}

/// The article content of a written page.
fn content(site: &Site, rel: &str) -> String {
    let page = match rel.trim_end_matches(".md") {
        "index" => "public/en-us/index.html".to_string(),
        stem => format!("public/en-us/{stem}/index.html"),
    };
    content_inner(&read(site.path().join(page)))
}

#[test]
fn keep_going_writes_every_page_with_the_faults_as_text_and_exits_1() {
    let s = site(true, true);
    let run = s.run(&["build"]);
    run.expect_code(1);
    insta::assert_snapshot!("stderr", run.stderr);
    assert!(
        run.stderr
            .ends_with("built 9 pages into ./public despite the errors above (keep_going: true)\n"),
        "{}",
        run.stderr
    );
    let mut pages = String::new();
    for (rel, _) in FAULTY {
        pages.push_str(&format!("===== {rel}\n{}\n", content(&s, rel)));
    }
    insta::assert_snapshot!("faulty_pages", pages);
    // The untitled page is titled from its file name.
    let untitled = read(s.path().join("public/en-us/untitled/index.html"));
    assert!(untitled.contains("<title>untitled"), "{untitled}");

    // The good pages are what a build without the faulty ones writes.
    let clean = site(false, false);
    clean.run(&["build"]).expect_ok();
    for rel in ["index.md", "other.md"] {
        assert_eq!(content(&s, rel), content(&clean, rel), "{rel}");
    }
}

#[test]
fn without_keep_going_a_document_error_writes_nothing_and_keeps_the_last_output() {
    let s = site(false, false);
    s.run(&["build"]).expect_ok();
    let public = s.path().join("public");
    let before = snapshot_tree(&public);
    for (rel, text) in FAULTY {
        write(s.path(), &format!("content/en-us/{rel}"), text);
    }
    // Also change a good page, so an accidental write would show.
    write(
        s.path(),
        "content/en-us/other.md",
        "---\ntitle: Changed\n---\n# Changed\n",
    );
    let run = s.run(&["build"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .ends_with("build failed: ./public left unchanged\n"),
        "{}",
        run.stderr
    );
    assert!(
        snapshot_tree(&public) == before,
        "a failed build changed public/"
    );
}

#[test]
fn check_reports_the_same_findings_with_and_without_keep_going() {
    let on = site(true, true).run(&["check", "--format", "json"]);
    let off = site(false, true).run(&["check", "--format", "json"]);
    on.expect_code(1);
    off.expect_code(1);
    assert_eq!(on.stdout, off.stdout);
    assert!(on.stdout.contains("\"errors\": 13"), "{}", on.stdout);
}

/// Errors outside documents still stop a `keep_going` build with nothing written.
#[test]
fn keep_going_still_stops_at_configuration_and_unreadable_files() {
    // A configuration error: exit 2.
    let s = site(true, true);
    write(
        s.path(),
        "helpsite.yml",
        &format!("{CONFIG}keep_going: true\nthemee: x\n"),
    );
    let run = s.run(&["build"]);
    run.expect_code(2);
    assert!(!s.path().join("public").exists());

    // A file that is not text (`encoding`): its page would be missing.
    let s = site(true, true);
    crate::support::write_bytes(s.path(), "content/en-us/latin1.md", b"# Caf\xe9\n");
    let run = s.run(&["build"]);
    run.expect_code(1);
    assert!(run.stderr.contains("[encoding]"), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("build failed: ./public left unchanged\n"),
        "{}",
        run.stderr
    );
    assert!(!s.path().join("public").exists());

    // A theme error: a template that does not parse.
    let s = site(true, true);
    write(
        s.path(),
        "helpsite.yml",
        &format!("{CONFIG}keep_going: true\ntheme: theme\n"),
    );
    for (p, bytes) in helpsite::render::theme::BUILTIN {
        crate::support::write_bytes(&s.path().join("theme"), p, bytes);
    }
    write(&s.path().join("theme"), "templates/page.html", "{% if %}");
    let run = s.run(&["build"]);
    run.expect_code(2);
    assert!(!s.path().join("public").exists());
}

/// `serve` follows the same rule: with `keep_going`, the first build and every rebuild write
/// the site when only documents have errors, as a full build writes it.
#[test]
fn serve_with_keep_going_writes_rebuilds_with_document_errors() {
    let s = site(true, true);
    let out = s.path().join("out");
    let opts = |out: &Path, no_cache| BuildOptions {
        site: s.path().to_path_buf(),
        out: Some(out.to_path_buf()),
        no_cache,
        ..Default::default()
    };
    let (mut session, first) = Session::start(opts(&out, false)).unwrap();
    assert!(first.report.written);
    assert!(helpsite::diagnostics::has_errors(&first.report.diagnostics));

    // A new fault in a good page: the rebuild writes it, shown as text.
    let other = s.path().join("content/en-us/other.md");
    write(
        s.path(),
        "content/en-us/other.md",
        "---\ntitle: Other\n---\n# Other\n\n:::nonsense:::\n",
    );
    let r = session.rebuild(std::slice::from_ref(&other)).unwrap();
    assert!(!r.full, "an edit of one article is rebuilt in place");
    assert!(r.report.written);
    assert!(r
        .report
        .diagnostics
        .iter()
        .any(|d| d.message.contains("unknown `:::nonsense:::`")));
    let html = read(out.join("en-us/other/index.html"));
    assert!(html.contains("<p>:::nonsense:::</p>"), "{html}");

    // What the rebuild wrote is what a full build writes.
    let fresh = s.path().join("fresh");
    let full = helpsite::build(&opts(&fresh, true)).unwrap();
    assert!(full.written);
    assert!(snapshot_tree(&out) == snapshot_tree(&fresh));
}
