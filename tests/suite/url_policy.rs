//! The URL policy (issue 12): a `javascript:`, `vbscript:` or `data:` URL (and any scheme the
//! site does not allow) is an `unsafe_url` finding at its position and is never written, in
//! Markdown links and images, autolinks, reference links, `:::image`, `[!VIDEO]`, raw HTML URL
//! attributes (entity-encoded and split across lines too), TOCs and redirects, whatever the
//! `raw_html` policy. Redirect entries with control characters or another host without a
//! scheme are left out of every output, and long redirect chains resolve.

use std::path::Path;

use crate::support::{content_region, read, run_in, write, Run, Site};
use proptest::prelude::*;

fn config(extra: &str) -> String {
    format!("title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n{extra}")
}

/// `file:line:col` of every `unsafe_url` finding in the text output, in order.
fn unsafe_positions(run: &Run) -> Vec<String> {
    let lines: Vec<&str> = run.stderr.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.ends_with("[unsafe_url]") {
            if let Some(p) = lines
                .get(i + 1)
                .and_then(|n| n.trim_start().strip_prefix("--> "))
            {
                out.push(p.to_string());
            }
        }
    }
    out
}

/// No tag of the page carries a trace of a refused URL (text may: an autolink's text is its
/// URL, written as text).
fn assert_clean(html: &str, what: &str) {
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("").to_ascii_lowercase();
        for bad in [
            "javascript",
            "vbscript",
            "data:",
            "alert(",
            "&#106;",
            "&#x09;",
            "evil.example",
        ] {
            assert!(
                !tag.contains(bad),
                "{what}: a tag holds `{bad}`: <{tag}>\n{html}"
            );
        }
    }
}

const MARKDOWN: &str = "---\ntitle: Home\n---\n# Home\n\n\
[d](javascript:alert(1))\n\n\
![i](JaVaScRiPt:alert(2))\n\n\
<vbscript:msgbox(3)>\n\n\
[r][x]\n\n\
[x]: data:text/html;base64,PHNjcmlwdD4\n\n\
:::image type=\"content\" source=\"javascript:alert(5)\" alt-text=\"a\":::\n\n\
:::image type=\"content\" source=\"media/a.svg\" alt-text=\"a\" lightbox=\"javascript:alert(6)\":::\n\n\
> [!VIDEO javascript:alert(7)]\n\n\
![png](data:image/png;base64,iVBORw0K)\n\n\
[fine](https://example.com/) and [mail](mailto:a@example.com)\n";

/// `(line, col)` of each vector in [`MARKDOWN`].
const MARKDOWN_AT: [&str; 8] = [
    "6:1", "8:1", "10:1", "12:1", "16:33", "18:69", "20:3", "22:1",
];

fn markdown_site(raw_html: &str, level: Option<&str>) -> Site {
    let dir = Site::empty();
    let checks = level
        .map(|l| format!("checks:\n  unsafe_url: {l}\n"))
        .unwrap_or_default();
    write(
        dir.path(),
        "helpsite.yml",
        &config(&format!("raw_html: {raw_html}\n{checks}")),
    );
    write(
        dir.path(),
        "content/en-us/media/a.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(dir.path(), "content/en-us/index.md", MARKDOWN);
    dir
}

#[test]
fn markdown_and_extension_urls_are_findings_and_never_written_in_every_mode() {
    for mode in ["allow", "sanitize", "deny"] {
        let dir = markdown_site(mode, None);
        let run = run_in(dir.path(), &["build"]);
        run.expect_code(1);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        let found = unsafe_positions(&run);
        assert_eq!(found.len(), MARKDOWN_AT.len(), "{mode}: {found:?}");
        for at in &MARKDOWN_AT {
            let want = format!("content/en-us/index.md:{at}");
            assert!(
                found.contains(&want),
                "{mode}: no unsafe_url at {want}: {found:?}\n{}",
                run.stderr
            );
        }
        assert!(
            run.stderr
                .contains("error: the `javascript:` URL `javascript:alert(1)` could run script"),
            "{}",
            run.stderr
        );
        assert!(!dir.path().join("public").exists());

        // As a warning the site is written, without any of the URLs.
        let dir = markdown_site(mode, Some("warning"));
        run_in(dir.path(), &["build"]).expect_code(0);
        let html = read(dir.path().join("public/en-us/index.html"));
        let content = content_region(&html);
        assert_clean(content, mode);
        // The text stays: links and images without their URL.
        assert!(
            content.contains(">d<") || content.contains("d\n") || content.contains("<p>d</p>"),
            "{mode}: {content}"
        );
        assert!(
            content.contains("<a href=\"https://example.com/\">fine</a>"),
            "{content}"
        );
        assert!(
            content.contains("<a href=\"mailto:a@example.com\">mail</a>"),
            "{content}"
        );
        assert!(
            content.contains("/en-us/media/a.svg"),
            "the lightbox image stays: {content}"
        );
    }
}

#[test]
fn data_images_are_allowed_only_when_configured_and_only_as_images() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "helpsite.yml",
        &config("urls:\n  data_images: true\n"),
    );
    write(
        dir.path(),
        "content/en-us/index.md",
        "# Home\n\n![png](data:image/png;base64,iVBORw0K)\n\n[link](data:image/png;base64,iVBORw0K)\n\n<img src=\"data:text/html,x\" alt=\"h\">\n",
    );
    let run = run_in(dir.path(), &["build"]);
    run.expect_code(1);
    assert_eq!(
        unsafe_positions(&run),
        vec!["content/en-us/index.md:5:1", "content/en-us/index.md:7:6"],
        "{}",
        run.stderr
    );
}

const RAW: &str = "---\ntitle: Home\n---\n# Home\n\n\
<a href=\"java&#x09;script:alert(1)\">a</a>\n\n\
<a href=\"&#106;avascript:alert(2)\">b</a>\n\n\
<p><a/HREF=JaVaScRiPt:alert(3)>c</a></p>\n\n\
<img src=\"media/a.svg\" srcset=\"media/a.svg 1x, javascript:alert(4) 2x\" alt=\"s\">\n\n\
<form action=\"vbscript:x\"><button formaction=\"javascript&colon;alert(5)\">go</button></form>\n\n\
<video poster=\"javascript:alert(6)\"></video>\n\n\
<object data=\"javascript:alert(7)\"></object>\n\n\
<svg><a xlink:href=\"javascript:alert(8)\">s</a></svg>\n\n\
<div class=\"x\"><a\n  href=\"javascript:alert(9)\">m</a></div>\n\n\
<a href=\"media/a.svg\" title=\"ok\">fine</a>\n";

#[test]
fn raw_html_url_attributes_are_read_like_a_browser_in_allow_and_sanitize() {
    for mode in ["allow", "sanitize"] {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "helpsite.yml",
            &config(&format!("raw_html: {mode}\n")),
        );
        write(
            dir.path(),
            "content/en-us/media/a.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        );
        write(dir.path(), "content/en-us/index.md", RAW);
        let run = run_in(dir.path(), &["build"]);
        run.expect_code(1);
        let found = unsafe_positions(&run);
        let want = [
            "6:4", "8:4", "10:7", "12:24", "14:7", "14:35", "16:8", "18:9", "20:9", "23:3",
        ];
        for at in want {
            let w = format!("content/en-us/index.md:{at}");
            assert!(
                found.contains(&w),
                "{mode}: no unsafe_url at {w}: {found:?}\n{}",
                run.stderr
            );
        }
        assert_eq!(found.len(), want.len(), "{mode}: {found:?}");

        write(
            dir.path(),
            "helpsite.yml",
            &config(&format!(
                "raw_html: {mode}\nchecks:\n  unsafe_url: warning\n"
            )),
        );
        run_in(dir.path(), &["build"]).expect_code(0);
        let html = read(dir.path().join("public/en-us/index.html"));
        let content = content_region(&html);
        assert_clean(content, mode);
        assert!(
            content.contains("href=\"/en-us/media/a.svg\""),
            "{mode}: {content}"
        );
    }
}

#[test]
fn iframes_and_videos_come_only_from_embed_hosts_under_sanitize_and_deny() {
    let page = "# Home\n\n> [!VIDEO https://www.youtube.com/embed/abc]\n\n> [!VIDEO https://evil.example/embed]\n\n<iframe src=\"https://player.vimeo.com/video/1\"></iframe>\n\n<iframe src=\"https://evil.example/x\"></iframe>\n";
    for (mode, code) in [("allow", 0), ("sanitize", 1), ("deny", 1)] {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "helpsite.yml",
            &config(&format!("raw_html: {mode}\n")),
        );
        write(dir.path(), "content/en-us/index.md", page);
        let run = run_in(dir.path(), &["build"]);
        run.expect_code(code);
        let found = unsafe_positions(&run);
        match mode {
            "allow" => assert!(found.is_empty(), "{}", run.stderr),
            "sanitize" => assert_eq!(
                found,
                vec!["content/en-us/index.md:5:3", "content/en-us/index.md:9:9"],
                "{}",
                run.stderr
            ),
            _ => assert_eq!(found, vec!["content/en-us/index.md:5:3"], "{}", run.stderr),
        }
        if mode == "allow" {
            continue;
        }
        // A host added to `embed_hosts` may be embedded; the other video becomes a link.
        write(
            dir.path(),
            "helpsite.yml",
            &config(&format!(
                "raw_html: {mode}\nurls:\n  embed_hosts: [www.youtube.com, player.vimeo.com]\nchecks:\n  unsafe_url: warning\n  raw_html: warning\n"
            )),
        );
        run_in(dir.path(), &["build"]).expect_code(0);
        let html = read(dir.path().join("public/en-us/index.html"));
        let content = content_region(&html);
        assert!(
            content.contains("<iframe src=\"https://www.youtube.com/embed/abc\""),
            "{content}"
        );
        assert!(
            content.contains("<a href=\"https://evil.example/embed\">"),
            "{content}"
        );
        assert!(
            !content.contains("<iframe src=\"https://evil.example"),
            "{content}"
        );
        if mode == "sanitize" {
            assert!(
                content.contains("<iframe src=\"https://player.vimeo.com/video/1\""),
                "{content}"
            );
        }
    }
}

#[test]
fn toc_hrefs_are_held_to_the_policy_in_every_locale() {
    for mode in ["allow", "sanitize", "deny"] {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "helpsite.yml",
            &config(&format!(
                "  - code: sv-SE\n    name: Svenska\nraw_html: {mode}\n"
            )),
        );
        write(dir.path(), "content/en-us/index.md", "# Home\n");
        write(dir.path(), "content/en-us/a.md", "# A\n");
        write(
            dir.path(),
            "content/en-us/toc.yml",
            "- name: Home\n  href: index.md\n- name: Bad\n  href: \"JavaScript:alert(1)\"\n- name: Data\n  topicHref: data:text/html,x\n  href: a.md\n- name: Evil\n  href: \"  java\\tscript:alert(2)\"\n",
        );
        write(
            dir.path(),
            "content/sv-se/sub/TOC.md",
            "# [X](javascript:alert(3))\n",
        );
        let run = run_in(dir.path(), &["build"]);
        run.expect_code(1);
        let found = unsafe_positions(&run);
        assert_eq!(
            found,
            vec![
                "content/en-us/toc.yml:4:10",
                "content/en-us/toc.yml:6:14",
                "content/en-us/toc.yml:8:3",
                // A folder TOC is read (and published) whether or not a page shows it.
                "content/sv-se/sub/TOC.md:1:7"
            ],
            "{mode}: {}",
            run.stderr
        );
        write(
            dir.path(),
            "helpsite.yml",
            &config(&format!(
                "  - code: sv-SE\n    name: Svenska\nraw_html: {mode}\nchecks:\n  unsafe_url: warning\n"
            )),
        );
        run_in(dir.path(), &["build"]).expect_code(0);
        for page in ["en-us/index.html", "en-us/a/index.html", "sv-se/index.html"] {
            let html = read(dir.path().join("public").join(page));
            assert_clean(&html, page);
            assert!(html.contains(">Bad<"), "the entry stays as text: {html}");
        }
    }
}

/// A site with the given redirection file, unsafe URLs and redirect problems as warnings so
/// the site is written.
fn redirect_site(json: &str, front: &str) -> Site {
    let dir = Site::empty();
    write(
        dir.path(),
        "helpsite.yml",
        &config("checks:\n  unsafe_url: warning\n  redirect: warning\n"),
    );
    write(
        dir.path(),
        "content/en-us/index.md",
        &format!("---\ntitle: Home\n{front}---\n# Home\n"),
    );
    write(dir.path(), "content/en-us/final.md", "# Final\n");
    write(dir.path(), ".openpublishing.redirection.json", json);
    dir
}

#[test]
fn bad_redirects_are_findings_and_left_out_of_every_output() {
    let json = r#"{ "redirections": [
  { "source_path": "js.md", "redirect_url": "javascript:alert(1)" },
  { "source_path": "vb.md", "redirect_url": "VBScript:x" },
  { "source_path": "data.md", "redirect_url": "data:text/html,x" },
  { "source_path": "pr.md", "redirect_url": "//evil.example/" },
  { "source_path": "bs.md", "redirect_url": "/\\evil.example/" },
  { "source_path": "nl.md", "redirect_url": "https://ok.example/\n/*  https://evil.example/:splat  200!" },
  { "source_path": "tab\t/*.md", "redirect_url": "/final" },
  { "source_path": "sp ace.md", "redirect_url": "https://ok.example/a b" },
  { "source_path": "good.md", "redirect_url": "/final" }
] }"#;
    let dir = redirect_site(
        json,
        "redirect_from:\n  - \"from\\n/*  https://evil.example/:splat  200!\"\n  - fine-old\n",
    );
    let run = run_in(dir.path(), &["build"]);
    run.expect_code(0);
    let found = unsafe_positions(&run);
    assert_eq!(found.len(), 6, "{found:?}\n{}", run.stderr);
    for line in [2, 3, 4, 5, 6, 7] {
        assert!(
            found.contains(&format!(".openpublishing.redirection.json:{line}:20")),
            "line {line}: {found:?}"
        );
    }
    assert!(
        run.stderr
            .contains("the redirect source `tab\\t/*.md` holds a control character"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/en-us/index.md:3:1"),
        "redirect_from: {}",
        run.stderr
    );
    let rules = read(dir.path().join("public/_redirects"));
    assert_eq!(
        rules,
        "/en-us/fine-old/ /en-us/ 301\n/en-us/good/ /en-us/final/ 301\n/en-us/sp-ace/ https://ok.example/a%20b 301\n",
    );
    for old in ["js", "vb", "data", "pr", "bs", "nl"] {
        assert!(
            !dir.path().join(format!("public/en-us/{old}")).exists(),
            "{old}"
        );
    }
    let mut pages = Vec::new();
    collect(&dir.path().join("public"), &mut pages);
    for p in pages
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        assert_clean(&read(p), &p.display().to_string());
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            collect(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

#[test]
fn a_chain_of_ten_thousand_redirects_resolves_to_its_final_target() {
    const N: usize = 10_000;
    let mut json = String::from("{ \"redirections\": [\n");
    for i in 0..N {
        let to = if i + 1 < N {
            format!("/old/p{}", i + 1)
        } else {
            "/final".into()
        };
        json.push_str(&format!(
            "  {{ \"source_path\": \"old/p{i}.md\", \"redirect_url\": \"{to}\" }}{}\n",
            if i + 1 < N { "," } else { "" }
        ));
    }
    json.push_str("] }\n");
    // And a loop, still reported once.
    let json = json.replace(
        "] }",
        ", { \"source_path\": \"l1.md\", \"redirect_url\": \"l2.md\" }, { \"source_path\": \"l2.md\", \"redirect_url\": \"l1.md\" } ] }",
    );
    let dir = redirect_site(&json, "");
    let run = run_in(dir.path(), &["build"]);
    run.expect_code(0);
    assert_eq!(
        run.stderr
            .matches("redirect loop: l1.md -> l2.md -> l1.md")
            .count(),
        1,
        "{}",
        run.stderr
    );
    let rules = read(dir.path().join("public/_redirects"));
    assert_eq!(rules.lines().count(), N, "{}", &rules[..200]);
    assert!(rules
        .lines()
        .all(|l| l.starts_with("/en-us/old/p") && l.ends_with(" /en-us/final/ 301")));
    let first = read(dir.path().join("public/en-us/old/p0/index.html"));
    assert!(first.contains("url=/en-us/final/"), "{first}");
    let last = read(
        dir.path()
            .join(format!("public/en-us/old/p{}/index.html", N - 1)),
    );
    assert!(last.contains("url=/en-us/final/"), "{last}");
}

/// Pieces random URLs are made of: scheme names in mixed case, what browsers strip or remove,
/// separators and ordinary text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("javascript".to_string()),
        Just("JaVaScRiPt".to_string()),
        Just("vbscript".to_string()),
        Just("data".to_string()),
        Just("DATA".to_string()),
        Just("java".to_string()),
        Just("script".to_string()),
        Just("https".to_string()),
        Just(":".to_string()),
        Just("//".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just(" ".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{1f}".to_string()),
        Just("\u{a0}".to_string()),
        Just("+".to_string()),
        Just(".".to_string()),
        Just("-".to_string()),
        Just("#".to_string()),
        Just("/".to_string()),
        Just("\\".to_string()),
        "[a-z0-9%&;]{0,4}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Whatever string passes the policy, a browser (the `url` crate implements the WHATWG URL
    /// parser browsers follow) never reads a script scheme from it.
    #[test]
    fn no_passing_url_has_a_script_scheme(parts in proptest::collection::vec(piece(), 0..10)) {
        let url: String = parts.concat();
        let cfg: helpsite::config::Config = serde_yaml_cfg();
        for (usage, raw_html) in [
            (helpsite::url_policy::UrlUse::Link, "allow"),
            (helpsite::url_policy::UrlUse::Image, "allow"),
            (helpsite::url_policy::UrlUse::Embed, "sanitize"),
        ] {
            let mut cfg = cfg.clone();
            cfg.raw_html = if raw_html == "allow" {
                helpsite::config::RawHtml::Allow
            } else {
                helpsite::config::RawHtml::Sanitize
            };
            let policy = helpsite::url_policy::UrlPolicy::new(&cfg);
            if policy.check(&url, usage).is_ok() {
                if let Ok(parsed) = url::Url::parse(&url) {
                    prop_assert!(
                        !matches!(parsed.scheme(), "javascript" | "vbscript" | "data"),
                        "{url:?} passed as {usage:?} with scheme {}", parsed.scheme()
                    );
                }
            }
        }
    }

    /// The same through raw HTML: an attribute value with character references is decoded as
    /// a browser decodes it before the policy sees it.
    #[test]
    fn no_passing_html_attribute_has_a_script_scheme(parts in proptest::collection::vec(prop_oneof![
        piece(),
        Just("&#106;".to_string()),
        Just("&#x09;".to_string()),
        Just("&Tab;".to_string()),
        Just("&NewLine;".to_string()),
        Just("&colon;".to_string()),
        Just("&#58".to_string()),
        Just("&#0000097".to_string()),
    ], 0..10)) {
        let raw: String = parts.concat().replace(['"', '<', '>'], "");
        let cfg = serde_yaml_cfg();
        let policy = helpsite::url_policy::UrlPolicy::new(&cfg);
        let html = format!("<a href=\"{raw}\">x</a>");
        let attrs = helpsite::markdown::raw_html::url_attrs(&html).unwrap();
        prop_assert_eq!(attrs.len(), 1);
        for a in attrs {
            if policy.check(&a.value, a.usage()).is_ok() {
                // What html5ever (the browser's tokenizer) decodes, the `url` crate parses.
                if let Ok(parsed) = url::Url::parse(&a.value) {
                    prop_assert!(
                        !matches!(parsed.scheme(), "javascript" | "vbscript" | "data"),
                        "{raw:?} -> {:?} passed", a.value
                    );
                }
            }
        }
    }
}

/// The default configuration, as `helpsite.yml` gives it.
fn serde_yaml_cfg() -> helpsite::config::Config {
    static CFG: std::sync::OnceLock<helpsite::config::Config> = std::sync::OnceLock::new();
    CFG.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "helpsite.yml", &config(""));
        helpsite::config::load(dir.path()).unwrap().config
    })
    .clone()
}

/// Raw HTML whose meaning depends on the Markdown after it: an unclosed attribute value in an
/// HTML block makes the browser read a later image's `src` as the `<iframe>`'s own. The
/// sanitizer holds the parsed page to the policy, so nothing of it is written.
#[test]
fn sanitize_checks_the_document_the_browser_reads() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "helpsite.yml",
        &config("raw_html: sanitize\nchecks:\n  missing_image: info\n"),
    );
    write(
        dir.path(),
        "content/en-us/index.md",
        "# Home\n\n<iframe title=\"\n\n![x](src=javascript:alert(1)//)\n",
    );
    run_in(dir.path(), &["build"]).expect_code(0);
    let html = read(dir.path().join("public/en-us/index.html"));
    let content = content_region(&html);
    assert!(!content.contains("src=\"javascript"), "{content}");
    assert!(!content.contains("src=javascript"), "{content}");
}
