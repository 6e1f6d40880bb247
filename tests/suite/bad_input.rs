//! Bad input: every case of issue 7's list is built through the `helpsite` binary, from a
//! fixture under `tests/fixtures/bad-<case>/` or from files written into a temporary folder
//! where a file cannot sensibly be committed (non-UTF-8 bytes, UTF-16, symbolic links, a
//! 20 MB article, 10,000-deep nesting, names differing only in case). Each case checks the exit
//! code, the diagnostic's kind, level and `file:line:col`, that nothing panicked, and snapshots
//! the whole standard error (colours off, the temporary path replaced by `[SITE]`).
//! docs/bad-input.md lists the cases and what the user sees.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{contains_bytes, read, run_in, snapshot_tree, write, write_bytes, Run, Site};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const CONFIG: &str = "title: Bad Input
base_url: https://help.example.com/
source_locale: en-US
locales:
  - code: en-US
    name: English
";

const HOME: &str = "---\ntitle: Home\n---\n\n# Home\n";

/// A finding as the text output shows it: level, kind and `file[:line:col]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    level: String,
    kind: String,
    position: Option<String>,
    message: String,
}

/// Every finding of a run's standard error.
fn findings(stderr: &str) -> Vec<Finding> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((level, rest)) = line.split_once(": ") else {
            continue;
        };
        if !matches!(level, "error" | "warning" | "info") || !rest.ends_with(']') {
            continue;
        }
        let Some(open) = rest.rfind(" [") else {
            continue;
        };
        let position = lines
            .get(i + 1)
            .and_then(|l| l.trim_start().strip_prefix("--> "))
            .map(str::to_string);
        out.push(Finding {
            level: level.to_string(),
            kind: rest[open + 2..rest.len() - 1].to_string(),
            position,
            message: rest[..open].to_string(),
        });
    }
    out
}

/// The run's findings of `kind` at `position` (`file:line:col` or `file`); panics unless
/// there is one with that level.
fn expect_finding(run: &Run, level: &str, kind: &str, position: &str) -> Finding {
    let all = findings(&run.stderr);
    all.iter()
        .find(|f| f.kind == kind && f.position.as_deref() == Some(position))
        .cloned()
        .inspect(|f| assert_eq!(f.level, level, "level of {kind} at {position}"))
        .unwrap_or_else(|| {
            panic!(
                "no {level} [{kind}] at {position}; findings: {all:#?}\n--- stderr ---\n{}",
                run.stderr
            )
        })
}

/// Runs `helpsite ARGS` in `site` and checks what every case must: no panic, the exit code.
fn run_case(site: &Path, args: &[&str], code: i32) -> Run {
    let run = run_in(site, args);
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("stack overflow"),
        "helpsite crashed:\n{}",
        run.stderr
    );
    run.expect_code(code);
    run
}

fn build(site: &Path, code: i32) -> Run {
    run_case(site, &["build"], code)
}

/// Copies fixture `bad-<name>` and builds it.
fn build_fixture(name: &str, code: i32) -> (Site, Run) {
    let dir = Site::fixture(&format!("bad-{name}"));
    let run = build(dir.path(), code);
    (dir, run)
}

/// A site in a temporary folder with the one-locale config and a home page.
fn temp_site() -> Site {
    let dir = Site::empty();
    write(dir.path(), "helpsite.yml", CONFIG);
    write(dir.path(), "content/en-us/index.md", HOME);
    dir
}

// ---------------------------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_yaml_is_a_front_matter_error_at_its_line() {
    let (_d, run) = build_fixture("invalid-yaml", 1);
    let f = expect_finding(&run, "error", "front_matter", "content/en-us/colon.md:2:13");
    assert!(f.message.contains("mapping values"), "{f:?}");
    expect_finding(&run, "error", "front_matter", "content/en-us/flow.md:4:1");
    insta::assert_snapshot!("invalid_yaml", run.stderr);
}

#[test]
fn front_matter_never_closed_points_at_the_opening_line() {
    let (_d, run) = build_fixture("unclosed", 1);
    let f = expect_finding(
        &run,
        "error",
        "front_matter",
        "content/en-us/unclosed.md:1:1",
    );
    assert!(f.message.contains("never closed"));
    insta::assert_snapshot!("unclosed", run.stderr);
}

#[test]
fn tabs_in_yaml_are_an_error_with_a_hint() {
    let (_d, run) = build_fixture("tabs", 1);
    expect_finding(&run, "error", "front_matter", "content/en-us/tabs.md:4:1");
    assert!(run.stderr.contains("YAML does not allow tabs"));
    insta::assert_snapshot!("tabs", run.stderr);
}

#[test]
fn duplicate_keys_point_at_the_repeated_key() {
    let (_d, run) = build_fixture("duplicate-keys", 1);
    let f = expect_finding(&run, "error", "front_matter", "content/en-us/dup.md:4:1");
    assert!(f.message.contains("duplicate"), "{f:?}");
    insta::assert_snapshot!("duplicate_keys", run.stderr);
}

#[test]
fn empty_file_is_a_page_without_a_title() {
    let (_d, run) = build_fixture("empty-file", 1);
    expect_finding(&run, "error", "missing_title", "content/en-us/empty.md:1:1");
    insta::assert_snapshot!("empty_file", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Encodings and line endings
// ---------------------------------------------------------------------------------------------

#[test]
fn non_utf8_file_is_an_encoding_error_at_the_bad_byte() {
    let site = temp_site();
    write_bytes(
        site.path(),
        "content/en-us/latin1.md",
        b"---\ntitle: Latin-1\n---\n# Caf\xe9\n\nna\xefve text\n",
    );
    let run = build(site.path(), 1);
    let f = expect_finding(&run, "error", "encoding", "content/en-us/latin1.md:4:6");
    assert!(f.message.contains("not valid UTF-8"), "{f:?}");
    insta::assert_snapshot!("non_utf8", run.stderr);
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend(if big_endian {
            [0xFE, 0xFF]
        } else {
            [0xFF, 0xFE]
        });
    }
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_with_a_bom_is_accepted_and_rendered() {
    let site = temp_site();
    let text = "---\ntitle: Sixteen\n---\n# Sixteen\n\nText with ö and 日本.\n";
    write_bytes(
        site.path(),
        "content/en-us/le.md",
        &utf16(text, false, true),
    );
    write_bytes(site.path(), "content/en-us/be.md", &utf16(text, true, true));
    let run = build(site.path(), 0);
    assert!(findings(&run.stderr).is_empty(), "{}", run.stderr);
    for page in ["le", "be"] {
        let html = read(site.path().join(format!("public/en-us/{page}/index.html")));
        assert!(html.contains("Text with ö and 日本."), "{page}: {html}");
        assert!(html.contains("<title>Sixteen"), "{page}");
    }
    insta::assert_snapshot!("utf16_bom", run.stderr);
}

#[test]
fn utf16_without_a_bom_is_an_encoding_error() {
    let site = temp_site();
    let text = "---\ntitle: No BOM\n---\n# No BOM\n";
    write_bytes(
        site.path(),
        "content/en-us/nobom.md",
        &utf16(text, false, false),
    );
    let run = build(site.path(), 1);
    let f = expect_finding(&run, "error", "encoding", "content/en-us/nobom.md:1:2");
    assert!(f.message.contains("UTF-16"), "{f:?}");
    insta::assert_snapshot!("utf16_no_bom", run.stderr);
}

#[test]
fn utf8_bom_is_dropped() {
    let (dir, run) = build_fixture("bom", 0);
    assert!(findings(&run.stderr).is_empty(), "{}", run.stderr);
    let html = read(dir.path().join("public/en-us/bom/index.html"));
    assert!(html.contains("<title>With a BOM"), "{html}");
    assert!(!html.contains('\u{feff}'));
    let html = read(
        dir.path()
            .join("public/en-us/bom-no-front-matter/index.html"),
    );
    assert!(html.contains("<title>BOM heading"), "{html}");
    assert!(!html.contains('\u{feff}'));
    insta::assert_snapshot!("bom", run.stderr);
}

#[test]
fn crlf_and_mixed_line_endings_keep_positions() {
    let (dir, run) = build_fixture("line-endings", 0);
    expect_finding(&run, "warning", "broken_link", "content/en-us/crlf.md:7:5");
    expect_finding(&run, "warning", "broken_link", "content/en-us/mixed.md:8:5");
    let html = read(dir.path().join("public/en-us/crlf/index.html"));
    assert!(html.contains("<title>CRLF |"), "{html}");
    assert!(!html.contains("CRLF\r"), "{html}");
    insta::assert_snapshot!("line_endings", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Size and depth
// ---------------------------------------------------------------------------------------------

#[test]
fn twenty_megabyte_article_builds() {
    let site = temp_site();
    // Over the default `max_file_size` (10 MiB): a site with such articles raises it.
    write(
        site.path(),
        "helpsite.yml",
        &format!("{CONFIG}max_file_size: 32 MiB\n"),
    );
    let mut text = String::from("---\ntitle: Big\n---\n# Big\n\n");
    let mut i = 0;
    while text.len() < 20 * 1024 * 1024 {
        i += 1;
        if i % 100 == 0 {
            text.push_str(&format!(
                "## Section {i}\n\nSee [the section](#section-{i}) and `code`.\n\n"
            ));
        } else {
            text.push_str(
                "Plain paragraph text that goes on for a while, with *some* words and more words.\n\n",
            );
        }
    }
    write(site.path(), "content/en-us/big.md", &text);
    let t = Instant::now();
    let run = build(site.path(), 0);
    let took = t.elapsed();
    eprintln!("20 MB article built in {took:?}");
    assert!(findings(&run.stderr).is_empty(), "{}", run.stderr);
    let html = fs::metadata(site.path().join("public/en-us/big/index.html")).unwrap();
    assert!(html.len() > 20 * 1024 * 1024);
    assert!(took < Duration::from_secs(60), "took {took:?}");
    insta::assert_snapshot!("big_article", run.stderr);
}

#[test]
fn ten_thousand_deep_nested_lists_build() {
    let site = temp_site();
    // 10,000 levels on one line (`- - - ... y`), and 1,000 levels by indentation (10,000 by
    // indentation would be a 100 MB file).
    let mut text = String::from("---\ntitle: Deep lists\n---\n");
    text.push_str(&"- ".repeat(10_000));
    text.push_str("y\n\n");
    for i in 0..1_000 {
        text.push_str(&"  ".repeat(i));
        text.push_str("- x\n");
    }
    text.push('\n');
    text.push_str(&"1. ".repeat(10_000));
    text.push_str("z\n");
    write(site.path(), "content/en-us/deep.md", &text);
    let run = build(site.path(), 0);
    assert!(site.path().join("public/en-us/deep/index.html").is_file());
    insta::assert_snapshot!("deep_lists", run.stderr);
}

/// 10,000 nested quotes once overflowed the stack in the alert pass (one recursion per level);
/// quotes deeper than 32 are now left as plain quotes.
#[test]
fn ten_thousand_deep_nested_block_quotes_build() {
    let site = temp_site();
    let mut text = String::from("---\ntitle: Deep quotes\n---\n");
    text.push_str(&">".repeat(10_000));
    text.push_str(" x\n\n");
    for _ in 0..100 {
        text.push_str(&"> ".repeat(100));
        text.push_str("[!NOTE]\n");
    }
    write(site.path(), "content/en-us/deep.md", &text);
    let run = build(site.path(), 0);
    assert!(site.path().join("public/en-us/deep/index.html").is_file());
    insta::assert_snapshot!("deep_quotes", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Includes, snippets and links that leave the content root
// ---------------------------------------------------------------------------------------------

#[test]
fn include_cycle_prints_the_chain() {
    let (_d, run) = build_fixture("include-cycle", 1);
    expect_finding(
        &run,
        "error",
        "include_cycle",
        "content/en-us/includes/b.md:3:1",
    );
    assert!(run
        .stderr
        .contains("chain: includes/a.md -> includes/b.md -> includes/a.md"));
    insta::assert_snapshot!("include_cycle", run.stderr);
}

#[test]
fn includes_and_snippets_leaving_the_root_are_refused() {
    let (dir, run) = build_fixture("include-outside", 1);
    let page = "content/en-us/page.md";
    for (pos, what) in [
        ("6:1", "leaves the content folder"),
        ("8:1", "is an absolute path"),
        ("10:8", "leaves the content folder"),
        ("12:1", "leaves the content folder"),
        ("14:1", "is an absolute path"),
    ] {
        let f = expect_finding(&run, "error", "outside_root", &format!("{page}:{pos}"));
        assert!(f.message.contains(what), "{pos}: {f:?}");
    }
    assert!(!run.stderr.contains("SECRET-OUTSIDE"));
    assert!(!dir.path().join("public").exists());
    insta::assert_snapshot!("include_outside", run.stderr);
}

#[cfg(unix)]
#[test]
fn includes_and_snippets_through_symlinks_leaving_the_root_are_refused() {
    use std::os::unix::fs::symlink;
    let site = temp_site();
    let root = site.path();
    write(root, "outside.md", "SECRET-OUTSIDE-TEXT\n");
    write(root, "outside.cs", "// SECRET-OUTSIDE-CODE\n");
    write(
        root,
        "outside-dir/secret.md",
        "---\ntitle: Secret\n---\nSECRET-DIR\n",
    );
    symlink(root.join("outside.md"), root.join("content/en-us/link.md")).unwrap();
    symlink(root.join("outside.cs"), root.join("content/en-us/link.cs")).unwrap();
    symlink(
        root.join("outside-dir"),
        root.join("content/en-us/linked-dir"),
    )
    .unwrap();
    write(
        root,
        "content/en-us/page.md",
        "---\ntitle: Page\n---\n# Page\n\n[!INCLUDE [l](link.md)]\n\n[!code-csharp[l](link.cs)]\n\n[!INCLUDE [d](linked-dir/secret.md)]\n",
    );
    let run = build(root, 1);
    expect_finding(&run, "warning", "outside_root", "content/en-us/link.md");
    expect_finding(&run, "warning", "outside_root", "content/en-us/link.cs");
    expect_finding(
        &run,
        "error",
        "missing_include",
        "content/en-us/page.md:6:1",
    );
    expect_finding(
        &run,
        "error",
        "missing_include",
        "content/en-us/page.md:8:1",
    );
    expect_finding(
        &run,
        "error",
        "missing_include",
        "content/en-us/page.md:10:1",
    );
    assert!(!run.stderr.contains("SECRET"));
    assert!(!root.join("public").exists());
    insta::assert_snapshot!("include_symlink", run.stderr);
}

#[test]
fn links_to_etc_passwd_are_reported_and_nothing_is_copied() {
    let (dir, run) = build_fixture("link-passwd", 0);
    let page = "content/en-us/page.md";
    let f = expect_finding(&run, "warning", "broken_link", &format!("{page}:6:1"));
    assert!(f.message.contains("outside the site"), "{f:?}");
    expect_finding(&run, "warning", "broken_link", &format!("{page}:6:31"));
    expect_finding(&run, "warning", "missing_image", &format!("{page}:6:55"));
    for (rel, bytes) in snapshot_tree(&dir.path().join("public")) {
        assert!(
            !contains_bytes(&bytes, b"root:x:0"),
            "/etc/passwd leaked into {rel}"
        );
        assert!(!rel.contains("passwd"), "{rel}");
    }
    insta::assert_snapshot!("link_passwd", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Hostile text
// ---------------------------------------------------------------------------------------------

#[test]
fn script_and_quotes_in_title_description_and_toc_are_escaped() {
    let (dir, run) = build_fixture("script-escaping", 0);
    let out = dir.path().join("public");
    for (rel, bytes) in snapshot_tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        for needle in [
            "<script>alert(",
            "<img src=x onerror",
            "\" onmouseover=\"",
            "\"quoted\"",
        ] {
            // In the search files' JSON the word `quoted` is a key, in its own quotes.
            if needle == "\"quoted\"" && helpsite::search::is_search_file(&rel) {
                continue;
            }
            assert!(!text.contains(needle), "{rel} holds raw {needle:?}");
        }
    }
    let page = read(out.join("en-us/page/index.html"));
    assert!(page.contains("&lt;script&gt;alert("), "{page}");
    assert!(page.contains("&quot;quoted&quot;"), "{page}");
    let home = read(out.join("en-us/index.html"));
    assert!(
        home.contains("&lt;script&gt;alert(&#39;toc&#39;)&lt;/script&gt;"),
        "{home}"
    );
    insta::assert_snapshot!("script_escaping", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Configuration and locales
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_config_key_is_exit_2_at_its_line() {
    let (_d, run) = build_fixture("unknown-config", 2);
    let f = expect_finding(&run, "error", "config", "helpsite.yml:4:1");
    assert!(f.message.contains("themee"), "{f:?}");
    insta::assert_snapshot!("unknown_config", run.stderr);
}

#[test]
fn missing_source_locale_folder_is_an_error() {
    let (_d, run) = build_fixture("missing-source-locale", 1);
    let f = expect_finding(&run, "error", "locale", "helpsite.yml:5:11");
    assert!(f.message.contains("`en-US` does not exist"), "{f:?}");
    insta::assert_snapshot!("missing_source_locale", run.stderr);
}

#[test]
fn missing_other_locale_folder_is_a_warning() {
    let (dir, run) = build_fixture("missing-other-locale", 0);
    let f = expect_finding(&run, "warning", "locale", "helpsite.yml:7:11");
    assert!(f.message.contains("`sv-SE` does not exist"), "{f:?}");
    // Every page falls back to the source.
    assert!(dir.path().join("public/sv-se/index.html").is_file());
    insta::assert_snapshot!("missing_other_locale", run.stderr);
}

#[test]
fn translation_hash_that_is_not_hex_is_a_warning() {
    let (_d, run) = build_fixture("translation-hash", 0);
    let f = expect_finding(&run, "warning", "locale", "content/sv-se/index.md:3:21");
    assert!(f.message.contains("not-a-hash"), "{f:?}");
    insta::assert_snapshot!("translation_hash", run.stderr);
}

#[test]
fn translation_hash_that_is_a_list_is_a_warning() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    write(
        root,
        "helpsite.yml",
        &format!("{CONFIG}  - code: sv-SE\n    name: Svenska\n"),
    );
    write(root, "content/en-us/index.md", HOME);
    write(
        root,
        "content/sv-se/index.md",
        "---\ntitle: Hem\nms.openlocfilehash: [a, b]\n---\n# Hem\n",
    );
    let run = build(root, 0);
    expect_finding(&run, "warning", "locale", "content/sv-se/index.md:3:21");
}

// ---------------------------------------------------------------------------------------------
// File names and URLs
// ---------------------------------------------------------------------------------------------

#[test]
fn file_and_folder_index_mapping_to_one_url_is_an_error() {
    let (_d, run) = build_fixture("duplicate-url", 1);
    let f = expect_finding(&run, "error", "duplicate_url", "content/en-us/a/index.md");
    assert!(f.message.contains("/en-us/a/"), "{f:?}");
    insta::assert_snapshot!("duplicate_url_index", run.stderr);
}

#[test]
fn names_differing_only_in_case_are_an_error() {
    let site = temp_site();
    write(
        site.path(),
        "content/en-us/A.md",
        "---\ntitle: Upper\n---\n",
    );
    write(
        site.path(),
        "content/en-us/a.md",
        "---\ntitle: Lower\n---\n",
    );
    let run = build(site.path(), 1);
    let f = expect_finding(&run, "error", "duplicate_url", "content/en-us/a.md");
    assert!(f.message.contains("`A.md` and `a.md`"), "{f:?}");
    insta::assert_snapshot!("duplicate_url_case", run.stderr);
}

#[test]
fn file_names_with_spaces_and_non_ascii_letters_build_and_link() {
    let (dir, run) = build_fixture("file-names", 0);
    assert!(findings(&run.stderr).is_empty(), "{}", run.stderr);
    let out = dir.path().join("public/en-us");
    for page in ["my-page", "kom-igång", "getting-started/first-steps"] {
        assert!(out.join(page).join("index.html").is_file(), "{page}");
    }
    let home = crate::support::content_region(&read(out.join("index.html"))).to_string();
    // Markdown links come out percent-encoded (`kom-ig%C3%A5ng`), the navigation keeps the
    // letters: both name the same folder.
    let kom = |html: &str| {
        html.contains("href=\"/en-us/kom-igång/\"")
            || html.contains("href=\"/en-us/kom-ig%C3%A5ng/\"")
    };
    for href in [
        "href=\"/en-us/my-page/\"",
        "href=\"/en-us/getting-started/first-steps/#install\"",
    ] {
        assert!(home.contains(href), "{href} in {home}");
    }
    assert!(kom(&home), "{home}");
    let my = crate::support::content_region(&read(out.join("my-page/index.html"))).to_string();
    assert!(kom(&my), "{my}");
    insta::assert_snapshot!("file_names", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Issue 12: bad bytes in any input, special files, file sizes, YAML nesting
// ---------------------------------------------------------------------------------------------

/// Like [`run_case`], with a safety net for a run that would never end (a FIFO read, or
/// `/dev/zero`): after 180 s it is killed and the test fails saying so, instead of hanging the
/// suite. The deadline is not the assertion; a correct run ends in well under a second.
fn run_bounded(site: &Path, args: &[&str], code: i32) -> Run {
    use std::process::{Command, Stdio};
    let child = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(args)
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run helpsite");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(180)) {
        Ok(out) => out.expect("wait for helpsite"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("helpsite {args:?} did not finish: it hangs on the input");
        }
    };
    let redact = |s: &[u8]| crate::support::redact_path(&String::from_utf8_lossy(s), site);
    let (stderr, summary) = crate::support::split_summary(redact(&out.stderr));
    let run = Run {
        code: out.status.code(),
        stdout: redact(&out.stdout),
        stderr,
        summary,
    };
    assert!(
        !run.stderr.contains("panicked") && run.code != Some(101),
        "helpsite crashed:\n{}",
        run.stderr
    );
    run.expect_code(code);
    run
}

/// The one finding of `kind` in `check --format json`, as (file, line, column).
fn json_position(site: &Path, kind: &str) -> (String, u64, u64) {
    let run = run_in(site, &["check", "--format", "json"]);
    assert_ne!(run.code, Some(101), "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} finding in {v:#}"));
    (
        f["file"].as_str().unwrap().to_string(),
        f["line"].as_u64().unwrap(),
        f["column"].as_u64().unwrap(),
    )
}

#[test]
fn nul_after_a_bad_byte_is_an_encoding_error_in_the_text_as_shown() {
    let site = temp_site();
    write_bytes(site.path(), "content/en-us/x.md", b"\xff\x00");
    let run = build(site.path(), 1);
    let f = expect_finding(&run, "error", "encoding", "content/en-us/x.md:1:2");
    assert!(f.message.contains("NUL"), "{f:?}");
    run_case(site.path(), &["check"], 1);
    assert_eq!(
        json_position(site.path(), "encoding"),
        ("content/en-us/x.md".into(), 1, 2)
    );
    insta::assert_snapshot!("bad_byte_then_nul", run.stderr);
}

#[test]
fn bad_byte_after_a_bom_and_a_multibyte_character_is_at_its_column() {
    let site = temp_site();
    write_bytes(
        site.path(),
        "content/en-us/x.md",
        b"\xef\xbb\xbf\xc3\xa9\xff",
    );
    let run = build(site.path(), 1);
    expect_finding(&run, "error", "encoding", "content/en-us/x.md:1:2");
    run_case(site.path(), &["check"], 1);
    // The BOM is not shown, `é` is column 1: the bad byte is column 2 in both formats.
    assert_eq!(
        json_position(site.path(), "encoding"),
        ("content/en-us/x.md".into(), 1, 2)
    );
    insta::assert_snapshot!("bom_then_bad_byte", run.stderr);
}

#[test]
fn bad_bytes_in_toc_yml_toc_md_and_redirects_are_encoding_errors() {
    let site = temp_site();
    write(
        site.path(),
        "content/en-us/sub/page.md",
        "---\ntitle: Sub\n---\n# Sub\n",
    );
    write_bytes(site.path(), "content/en-us/toc.yml", b"- name: \xff\x00");
    write_bytes(
        site.path(),
        "content/en-us/sub/TOC.md",
        b"\xef\xbb\xbf# [\xc3\xa9\xff](page.md)",
    );
    write_bytes(
        site.path(),
        ".openpublishing.redirection.json",
        b"{\"redirections\": [\xff\xfe\x00]}",
    );
    let run = build(site.path(), 1);
    expect_finding(&run, "error", "encoding", "content/en-us/toc.yml:1:10");
    expect_finding(&run, "error", "encoding", "content/en-us/sub/TOC.md:1:5");
    expect_finding(
        &run,
        "error",
        "encoding",
        ".openpublishing.redirection.json:1:21",
    );
    run_case(site.path(), &["check", "--format", "json"], 1);
    insta::assert_snapshot!("bad_bytes_in_toc_and_redirects", run.stderr);
}

/// A fixed-seed generator (SplitMix64): the same "random" files on every run.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n.div_ceil(8))
            .flat_map(|_| self.next().to_le_bytes())
            .take(n)
            .collect()
    }
}

#[test]
fn thirty_random_binary_articles_never_panic() {
    let site = temp_site();
    let mut rng = SplitMix(12);
    for i in 0..30 {
        write_bytes(
            site.path(),
            &format!("content/en-us/random-{i:02}.md"),
            &rng.bytes(4096),
        );
    }
    // Exit 1 (encoding errors), never 101.
    run_bounded(site.path(), &["check"], 1);
    run_bounded(site.path(), &["check", "--format", "json"], 1);
    run_bounded(site.path(), &["build"], 1);
    // And in the TOC, a TOC.md and the redirect file (alone: the articles are valid again).
    let site = temp_site();
    write(site.path(), "content/en-us/sub/page.md", "# Sub\n");
    for (rel, seed) in [
        ("content/en-us/toc.yml", 1),
        ("content/en-us/sub/TOC.md", 2),
        (".openpublishing.redirection.json", 3),
    ] {
        write_bytes(site.path(), rel, &SplitMix(seed).bytes(4096));
    }
    for args in [&["check"][..], &["check", "--format", "json"], &["build"]] {
        let run = run_in(site.path(), args);
        assert!(
            !run.stderr.contains("panicked") && run.code != Some(101),
            "{args:?} crashed:\n{}",
            run.stderr
        );
    }
}

#[cfg(unix)]
fn mkfifo(root: &Path, rel: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let ok = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("run mkfifo");
    assert!(ok.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn fifos_as_article_include_snippet_toc_or_media_are_findings_not_hangs() {
    let site = temp_site();
    write(
        site.path(),
        "content/en-us/uses.md",
        "---\ntitle: Uses\n---\n# Uses\n\n[!INCLUDE [i](includes/pipe.md)]\n\n:::code language=\"cs\" source=\"pipe.cs\":::\n\n![Pipe](media/pipe.png)\n",
    );
    for rel in [
        "content/en-us/pipe.md",
        "content/en-us/includes/pipe.md",
        "content/en-us/pipe.cs",
        "content/en-us/media/pipe.png",
        "content/en-us/toc.yml",
    ] {
        mkfifo(site.path(), rel);
    }
    let run = run_bounded(site.path(), &["build"], 1);
    for file in [
        "content/en-us/pipe.md",
        "content/en-us/includes/pipe.md",
        "content/en-us/pipe.cs",
        "content/en-us/media/pipe.png",
        "content/en-us/toc.yml",
    ] {
        let f = expect_finding(&run, "error", "io", file);
        assert!(f.message.contains("named pipe (FIFO)"), "{f:?}");
    }
    run_bounded(site.path(), &["check"], 1);
    insta::assert_snapshot!("fifos", run.stderr);
}

#[cfg(unix)]
#[test]
fn dev_zero_linked_as_an_article_redirect_file_or_config_is_not_read() {
    let site = temp_site();
    std::os::unix::fs::symlink("/dev/zero", site.path().join("content/en-us/zero.md")).unwrap();
    std::os::unix::fs::symlink(
        "/dev/zero",
        site.path().join(".openpublishing.redirection.json"),
    )
    .unwrap();
    let run = run_bounded(site.path(), &["build"], 1);
    let f = expect_finding(&run, "warning", "outside_root", "content/en-us/zero.md");
    assert!(f.message.contains("outside"), "{f:?}");
    let f = expect_finding(&run, "error", "io", ".openpublishing.redirection.json");
    assert!(f.message.contains("a device"), "{f:?}");
    insta::assert_snapshot!("dev_zero", run.stderr);
    // helpsite.yml itself.
    fs::remove_file(site.path().join("helpsite.yml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", site.path().join("helpsite.yml")).unwrap();
    let run = run_bounded(site.path(), &["check"], 2);
    assert!(run.stderr.contains("a device"), "{}", run.stderr);
}

#[test]
fn file_over_max_file_size_is_a_finding() {
    let site = temp_site();
    write(
        site.path(),
        "helpsite.yml",
        &format!("{CONFIG}max_file_size: 1 KiB\n"),
    );
    let big = format!("---\ntitle: Big\n---\n# Big\n\n{}\n", "word ".repeat(400));
    write(site.path(), "content/en-us/big.md", &big);
    let run = build(site.path(), 1);
    let f = expect_finding(&run, "error", "io", "content/en-us/big.md");
    assert!(f.message.contains("1024 bytes"), "{f:?}");
    insta::assert_snapshot!("over_max_file_size", run.stderr);
    // A value that is not a size is a configuration error at its line.
    write(
        site.path(),
        "helpsite.yml",
        &format!("{CONFIG}max_file_size: lots\n"),
    );
    let run = build(site.path(), 2);
    expect_finding(&run, "error", "config", "helpsite.yml:7:16");
    insta::assert_snapshot!("max_file_size_not_a_size", run.stderr);
}

#[test]
fn yaml_nested_100000_deep_is_refused_at_its_position() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let site = temp_site();
    write(
        site.path(),
        "content/en-us/deep.md",
        &format!("---\ntitle: Deep\nx: {deep}\n---\n# Deep\n"),
    );
    write(
        site.path(),
        "content/en-us/toc.yml",
        &format!("- name: Home\n  href: index.md\n  items: {deep}\n"),
    );
    // JSON: serde_json's own recursion limit (128) already applies.
    write(
        site.path(),
        ".openpublishing.redirection.json",
        &format!("{{\"redirections\": {deep}}}"),
    );
    let run = build(site.path(), 1);
    // The 129th `[` (column 4 + 128 on line 3).
    let f = expect_finding(&run, "error", "front_matter", "content/en-us/deep.md:3:132");
    assert!(f.message.contains("nested more than 128 levels"), "{f:?}");
    let f = expect_finding(&run, "warning", "toc", "content/en-us/toc.yml:3:138");
    assert!(f.message.contains("nested more than 128 levels"), "{f:?}");
    let f = expect_finding(
        &run,
        "error",
        "redirect",
        ".openpublishing.redirection.json:1:144",
    );
    assert!(f.message.contains("recursion limit"), "{f:?}");
    // The whole finding would print a 200,000-character line: the snapshot keeps the rest.
    let short: String = run
        .stderr
        .lines()
        .map(|l| l.chars().take(160).collect::<String>() + "\n")
        .collect();
    insta::assert_snapshot!("yaml_nested_too_deep", short);
    // And in helpsite.yml: a configuration error.
    write(
        site.path(),
        "helpsite.yml",
        &format!("{CONFIG}monikers: {deep}\n"),
    );
    let run = build(site.path(), 2);
    let f = expect_finding(&run, "error", "config", "helpsite.yml:7:139");
    assert!(f.message.contains("nested more than 128 levels"), "{f:?}");
}

/// `l10n stamp` on translations with a lone CR, a folded value and in UTF-16: exactly the two
/// values change, every other byte (endings, BOM, encoding) stays.
#[test]
fn l10n_stamp_keeps_every_other_byte() {
    let site = temp_site();
    let d = site.path();
    write(
        d,
        "helpsite.yml",
        &format!("{CONFIG}  - code: sv-SE\n    name: Svenska\n"),
    );
    write(d, "content/en-us/a.md", "---\ntitle: A\n---\n# A\n");
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "cr.md",
            b"---\r\ntitle: A\r\nms.openlocfilehash: old\rms.locfileid: 1\rms.lasthandoff: x\r\n---\r\n# A\r".to_vec(),
            "---\r\ntitle: A\r\nms.openlocfilehash: {H}\rms.locfileid: 1\rms.lasthandoff: {D}\r\n---\r\n# A\r",
        ),
        (
            "folded.md",
            b"\xEF\xBB\xBF---\ntitle: A\nms.openlocfilehash: >-\n  0123\n  4567\nms.locfileid: 1\n---\n# A\n".to_vec(),
            "\u{feff}---\ntitle: A\nms.openlocfilehash: {H}\nms.locfileid: 1\nms.lasthandoff: {D}\n---\n# A\n",
        ),
        (
            "utf16.md",
            utf16("---\r\ntitle: Å\r\nms.openlocfilehash: old\r\n---\r\n# Å\r\n", false, true),
            "---\r\ntitle: Å\r\nms.openlocfilehash: {H}\r\nms.lasthandoff: {D}\r\n---\r\n# Å\r\n",
        ),
    ];
    for (name, bytes, _) in &cases {
        let rel = if *name == "utf16.md" {
            "content/sv-se/a.md".to_string()
        } else {
            format!("content/sv-se/sub/{name}")
        };
        write_bytes(d, &rel, bytes);
    }
    // Each translation needs its source: `sub/cr.md` and `sub/folded.md` mirror `a.md`.
    write(d, "content/en-us/sub/cr.md", "---\ntitle: A\n---\n# A\n");
    write(
        d,
        "content/en-us/sub/folded.md",
        "---\ntitle: A\n---\n# A\n",
    );
    for (name, _, want) in &cases {
        let rel = if *name == "utf16.md" {
            "content/sv-se/a.md".to_string()
        } else {
            format!("content/sv-se/sub/{name}")
        };
        let run = run_case(d, &["l10n", "stamp", &rel], 0);
        let hash = run.stdout.trim().rsplit(' ').next().unwrap().to_string();
        assert_eq!(hash.len(), 40, "{}", run.stdout);
        let after = fs::read(d.join(&rel)).unwrap();
        let text = if *name == "utf16.md" {
            assert_eq!(after[..2], [0xFF, 0xFE], "the BOM is kept");
            let units: Vec<u16> = after[2..]
                .chunks(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        } else {
            String::from_utf8(after.clone()).unwrap()
        };
        let date = text
            .split("ms.lasthandoff: ")
            .nth(1)
            .unwrap()
            .get(..10)
            .unwrap()
            .to_string();
        let want = want.replace("{H}", &hash).replace("{D}", &date);
        let want_bytes = if *name == "utf16.md" {
            utf16(&want, false, true)
        } else {
            want.into_bytes()
        };
        assert_eq!(after, want_bytes, "{name}: {text:?}");
    }
    // And `build` reads all three as fresh translations.
    let run = run_case(d, &["check", "-v"], 0);
    assert!(!run.stderr.contains("stale_translation"), "{}", run.stderr);
}
