//! `raw_html:` policy: `allow` passes raw HTML through, `sanitize` keeps safe markup (and
//! everything helpsite writes) but drops scripts, `deny` reports each use at its location.

use crate::support::{run_in, write, Site};

fn site(policy: Option<&str>) -> Site {
    let dir = Site::empty();
    let d = dir.path();
    // The `javascript:` link is an `unsafe_url` in every mode (the `url_policy` module); as a
    // warning here, so the rest of the policy shows in a written page.
    let extra = policy
        .map(|p| format!("raw_html: {p}\n"))
        .unwrap_or_default()
        + "checks:\n  unsafe_url: warning\n";
    write(d, "helpsite.yml", &format!("title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n{extra}"));
    write(
        d,
        "content/en-us/media/a.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(
        d,
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n# Home\n\n<script>alert('x')</script>\n\n| Code | Fix |\n|---|---|\n| 5.7.1 | <ul><li>Check SPF</li></ul> |\n\n<div onclick=\"steal()\" class=\"box\">Box</div>\n\n> [!NOTE]\n> Safe note.\n\n:::image type=\"content\" source=\"media/a.svg\" alt-text=\"A diagram\":::\n\n# [Windows](#tab/windows)\nWin.\n# [Linux](#tab/linux)\nLin.\n---\n\n```powershell\nGet-Item .\n```\n\n<a href=\"javascript:alert(1)\">bad link</a>\n",
    );
    dir
}

fn page(dir: &Site) -> String {
    std::fs::read_to_string(dir.path().join("public/en-us/index.html")).unwrap()
}

#[test]
fn allow_passes_raw_html_through() {
    let dir = site(None);
    let run = run_in(dir.path(), &["build"]);
    run.expect_code(0);
    let html = page(&dir);
    assert!(html.contains("<script>alert('x')</script>"));
    assert!(html.contains("onclick=\"steal()\""));
    // URLs are held to the URL policy even here.
    assert!(
        run.stderr.contains("content/en-us/index.md:29:4"),
        "{}",
        run.stderr
    );
    assert!(!html.contains("javascript:"), "{html}");
    assert!(
        html.contains(">bad link</a>"),
        "the link text stays: {html}"
    );
}

#[test]
fn sanitize_drops_scripts_and_keeps_helpsite_markup() {
    let dir = site(Some("sanitize"));
    run_in(dir.path(), &["build"]).expect_code(0);
    let html = page(&dir);
    let content = &html[html.find("<div class=\"content\">").unwrap()..];
    assert!(!content.contains("<script>alert"), "{content}");
    assert!(
        !content.contains("onclick") && !content.contains("javascript:"),
        "{content}"
    );
    assert!(content.contains("<div class=\"box\">Box</div>"));
    assert!(content.contains("<td><ul><li>Check SPF</li></ul></td>"));
    assert!(
        content.contains("role=\"note\" aria-label=\"Note\""),
        "alerts survive"
    );
    assert!(content.contains("role=\"tablist\""), "tabs survive");
    assert!(content.contains("class=\"hl-"), "highlighting survives");
    assert!(
        content.contains("<img src=\"/en-us/media/a.svg\" alt=\"A diagram\" loading=\"lazy\">"),
        "{content}"
    );
    // The theme's own script is not the content's business.
    assert!(html.contains("helpsite.js"));
}

#[test]
fn deny_reports_each_use_and_fails() {
    let dir = site(Some("deny"));
    let run = run_in(dir.path(), &["build"]);
    run.expect_code(1);
    let err = &run.stderr;
    assert!(err.contains("content/en-us/index.md:6:1"), "{err}");
    assert!(err.contains("raw HTML is not allowed on this site [raw_html]"));
    assert!(
        err.contains("content/en-us/index.md:12:1"),
        "the div: {err}"
    );
    // Extension markup (the image figure, tabs) is helpsite's, not the writer's.
    assert!(!err.contains("index.md:17:"), "{err}");
    assert!(err.contains("uses of raw HTML not allowed"), "{err}");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn an_unknown_policy_is_a_config_error() {
    let dir = site(Some("maybe"));
    let run = run_in(dir.path(), &["build"]);
    run.expect_code(2);
    assert!(run.stderr.contains("helpsite.yml:7:11"), "{}", run.stderr);
}
