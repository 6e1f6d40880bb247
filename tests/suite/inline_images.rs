//! `:::image ...:::` inside a line (a sentence, a table cell, link text, after a quote's `>`,
//! in an inline include), as DocFX's inline parser reads it: the block form's attributes and
//! checks, never inside code spans, code blocks or comments. Fixture `tests/fixtures/docfx-inline-images`, modelled on the
//! icons of the nl-NL Microsoft 365 docset (`dlp-policy-tips-reference.md`, `message-center.md`).

use crate::support::{build_elsewhere, content_inner, read, Site};

/// `(kind, file:line:col)` of every finding in `check --format json`'s output, sorted.
fn findings(stdout: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = crate::support::json_findings(stdout)
        .into_iter()
        .map(|(kind, _, at, _)| (kind, at))
        .collect();
    found.sort();
    found
}

#[test]
fn inline_images_in_sentences_table_cells_and_link_text() {
    let site = Site::fixture("docfx-inline-images");
    let built = build_elsewhere(site.path());
    assert_eq!(built.run.code, Some(0), "stderr:\n{}", built.run.stderr);
    assert!(
        !built.run.stderr.contains("warning:"),
        "the fixture builds without findings; stderr:\n{}",
        built.run.stderr
    );
    let html = content_inner(&read(built.out.join("en-us/inline/index.html")));
    insta::assert_snapshot!("inline_images", html);

    // In a sentence: the text on both sides stays in one paragraph.
    assert!(
        html.contains("<p>Select <strong>New chat</strong> <span class=\"docfx-image icon\"><img src=\"/en-us/media/chat.svg\" alt=\"\" loading=\"lazy\"></span> to start a chat.</p>"),
        "{html}"
    );
    // In a table: the row keeps its two cells, and a `|` in alt text does not split one.
    for row in html.split("<tr>").skip(2) {
        assert_eq!(row.matches("<td").count(), 2, "{row}");
    }
    assert!(html.contains("alt=\"Yes &#124; on every phone\""), "{html}");
    // In link text: inside the link.
    assert!(
        html.contains("<a href=\"/en-us/other/\"><span class=\"docfx-image icon\"><img src=\"/en-us/media/chat.svg\""),
        "{html}"
    );
    // At the start of a line followed by text: inline, the text kept.
    assert!(
        html.contains("loading=\"lazy\"></span> at the start of a line, then text.</p>"),
        "{html}"
    );
    // Code spans, code blocks and comments show the marker as written.
    assert!(
        html.contains("<code>:::image type=\"icon\" source=\"media/check.svg\":::</code>"),
        "{html}"
    );
    assert!(
        html.contains("<code>a `tick` and :::image source=\"x.png\":::</code>"),
        "{html}"
    );
    assert!(html.contains("<!-- :::image type=\"icon\" source=\"media/gone.svg\"::: -->"));
    // In an inline include: its source is relative to the include's folder.
    assert!(
        html.contains("look for the tick <span class=\"docfx-image icon\"><img src=\"/en-us/media/check.svg\""),
        "{html}"
    );
    assert_eq!(html.matches("<img ").count(), 7, "{html}");
    // Icons are decorative by their empty alt alone: a `role` beside it is invalid HTML.
    assert!(!html.contains("role=\"presentation\""), "{html}");
}

#[test]
fn inline_images_have_the_block_forms_checks_at_their_position() {
    let site = Site::fixture("docfx-inline-images").file(
        "content/en-us/bad.md",
        "---\ntitle: Bad\n---\n# Bad\n\n\
         A missing icon :::image type=\"icon\" source=\"media/nope.svg\"::: here.\n\n\
         | a | b |\n|---|---|\n| x | :::image type=\"content\" source=\"media/check.svg\"::: |\n\n\
         Unsafe :::image type=\"icon\" source=\"javascript:alert(1)\"::: and `:::image source=\"javascript:x\":::`.\n\n\
         Complex :::image type=\"complex\" source=\"media/check.svg\" alt-text=\"A chart\"::: inline.\n",
    );
    let run = site.run(&["check", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        findings(&run.stdout),
        [
            ("extension", "content/en-us/bad.md:14:9"),
            ("image_alt_text", "content/en-us/bad.md:10:7"),
            ("missing_image", "content/en-us/bad.md:6:16"),
            ("unsafe_url", "content/en-us/bad.md:12:37"),
        ]
        .map(|(k, p)| (k.to_string(), p.to_string())),
        "stdout:\n{}",
        run.stdout
    );

    // With those kinds lowered the page is written: the complex image shown as a content
    // image with its alt text, the refused one left out.
    let site = site.file(
        "helpsite.yml",
        "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\nchecks: { extension: warning, unsafe_url: warning }\n",
    );
    let built = build_elsewhere(site.path());
    assert_eq!(built.run.code, Some(0), "stderr:\n{}", built.run.stderr);
    let html = content_inner(&read(built.out.join("en-us/bad/index.html")));
    assert!(
        html.contains("Complex <span class=\"docfx-image complex border\"><img src=\"/en-us/media/check.svg\" alt=\"A chart\" loading=\"lazy\"></span> inline.</p>"),
        "{html}"
    );
    assert!(
        html.contains("<p>Unsafe  and <code>"),
        "the refused image is left out: {html}"
    );
    assert!(!html.contains("javascript:alert"), "{html}");
}
