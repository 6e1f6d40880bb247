//! The command line: version and help, `init`, configuration errors (exit code 2, with
//! `helpsite.yml:line:col`), and the JSON shape of `check --format json`.

use std::fs;
use std::path::Path;

use crate::support::{read, run_in, write, Site};

const GOOD_CONFIG: &str = "title: T
base_url: https://help.example.com/
source_locale: en-US
locales:
  - code: en-US
    name: English
";

/// A site folder holding only `helpsite.yml` with `config` and one article.
fn site_with_config(config: &str) -> Site {
    let dir = Site::empty();
    write(dir.path(), "helpsite.yml", config);
    write(
        dir.path(),
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n\n# Home\n",
    );
    dir
}

#[test]
fn version_prints_name_and_cargo_version() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["--version"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        format!("helpsite {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_commands_examples_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["--help"]);
    run.expect_code(0);
    for needle in [
        "Usage: helpsite <COMMAND>",
        "build",
        "check",
        "init",
        "Examples:",
        "helpsite init my-help",
        "Exit codes: 0 success, 1 content errors",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle}\n{}",
            run.stdout
        );
    }
}

#[test]
fn build_help_shows_options_and_an_example() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["build", "--help"]);
    run.expect_code(0);
    for needle in [
        "Usage: helpsite build [OPTIONS]",
        "--site <SITE>",
        "--out <OUT>",
        "--strict",
        "--verbose",
        "Example:\n  helpsite build --site docs --out docs/public",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle}\n{}",
            run.stdout
        );
    }
    let check = run_in(dir.path(), &["check", "--help"]);
    check.expect_code(0);
    assert!(check
        .stdout
        .contains("Example:\n  helpsite check --format json"));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["bild"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("unrecognized subcommand 'bild'"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_creates_a_site_that_builds() {
    let parent = tempfile::tempdir().unwrap();
    let run = run_in(parent.path(), &["init", "my-help"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        "Created a help site in my-help. Next: cd my-help && helpsite build\n"
    );
    let site = parent.path().join("my-help");
    assert!(site.join("helpsite.yml").is_file());
    assert!(site.join("content/en-us/index.md").is_file());

    let build = run_in(parent.path(), &["build", "--site", "my-help"]);
    build.expect_code(0);
    assert_eq!(build.stderr, "built 2 pages into my-help/public\n");
    let home = read(site.join("public/en-us/index.html"));
    assert!(
        home.contains("<title>Welcome | My Help Site</title>"),
        "{home}"
    );
    assert!(home.contains("<a href=\"/en-us/get-started/\">Get started</a>"));
    assert!(site.join("public/en-us/get-started/index.html").is_file());
    assert!(site.join("public/index.html").is_file());

    // What a build makes, the output and the build cache, is ignored by git.
    assert!(site.join(".helpsite-cache").is_dir());
    let ignore = read(site.join(".gitignore"));
    assert_eq!(
        ignore.lines().collect::<Vec<_>>(),
        ["/public", "/.helpsite-cache/"]
    );

    // The new site is clean even under --strict.
    let strict = run_in(&site, &["check", "--strict"]);
    strict.expect_code(0);
    assert_eq!(strict.stderr, "checked 2 pages: no errors\n");
}

#[test]
fn init_refuses_an_existing_site() {
    let site = site_with_config(GOOD_CONFIG);
    let run = run_in(site.path(), &["init", "."]);
    assert_ne!(run.code, Some(0), "{run:?}");
    run.expect_code(2);
    assert_eq!(
        run.stderr,
        "error: cannot create the site: . already has a helpsite.yml\n"
    );
    // Nothing was overwritten or added.
    assert_eq!(read(site.path().join("helpsite.yml")), GOOD_CONFIG);
    assert!(!site.path().join("content/en-us/get-started.md").exists());
}

#[test]
fn missing_config_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().to_str().unwrap();
    let run = run_in(dir.path(), &["build", "--site", site]);
    run.expect_code(2);
    assert!(
        run.stderr
            .starts_with("error: no helpsite.yml in [SITE] [config]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> [SITE]/helpsite.yml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: run `helpsite init DIR`"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("public").exists());
    insta::assert_snapshot!("missing_config_stderr", run.stderr);
}

/// A finding without a line is rendered like one with a line: ` --> file` at the left margin,
/// not indented under the message and followed by a stray `|` line.
#[test]
fn missing_config_location_line_is_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["build"]);
    run.expect_code(2);
    let arrow = run
        .stderr
        .lines()
        .find(|l| l.contains("-->"))
        .expect("a --> line");
    assert_eq!(arrow, " --> ./helpsite.yml", "stderr:\n{}", run.stderr);
    assert!(
        !run.stderr.lines().any(|l| l.trim() == "|"),
        "dangling `|` line:\n{}",
        run.stderr
    );
}

#[test]
fn bad_yaml_exits_2_with_position() {
    let site =
        site_with_config("title: T\nbase_url: https://h.example/: x\nsource_locale: en-US\n");
    let run = run_in(site.path(), &["build"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("--> helpsite.yml:2:29"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[config]"));
    assert!(!site.path().join("public").exists());
    insta::assert_snapshot!("bad_yaml_stderr", run.stderr);
}

#[test]
fn unknown_top_level_key_exits_2_naming_key_and_position() {
    let site = site_with_config(&format!("{GOOD_CONFIG}themes: default\n"));
    let run = run_in(site.path(), &["build"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("unknown field `themes`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> helpsite.yml:7:1"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!("unknown_key_stderr", run.stderr);
}

#[test]
fn unknown_locale_key_exits_2_naming_key_and_position() {
    let site = site_with_config(&GOOD_CONFIG.replace(
        "    name: English\n",
        "    name: English\n    colour: red\n",
    ));
    let run = run_in(site.path(), &["check"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("locales[0]: unknown field `colour`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> helpsite.yml:7:5"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!("unknown_locale_key_stderr", run.stderr);
}

#[test]
fn source_locale_not_in_locales_exits_2() {
    let site =
        site_with_config(&GOOD_CONFIG.replace("source_locale: en-US", "source_locale: de-DE"));
    let run = run_in(site.path(), &["build"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("source_locale `de-DE` is not one of the `locales`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> helpsite.yml:3:1"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!("source_locale_stderr", run.stderr);
}

#[test]
fn config_error_in_json_mode_is_json_on_stdout() {
    let site =
        site_with_config(&GOOD_CONFIG.replace("source_locale: en-US", "source_locale: de-DE"));
    let run = run_in(site.path(), &["check", "--format", "json"]);
    run.expect_code(2);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["kind"], "config");
    assert_eq!(f["file"], "helpsite.yml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(f["snippet"], "source_locale: de-DE");
}

fn check_json(site: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let run = run_in(site, &args);
    let v = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout));
    (run.code, v, run.stderr)
}

#[test]
fn check_json_has_the_documented_shape() {
    let site = Site::fixture("build-broken-links");
    let (code, v, stderr) = check_json(site.path(), &[]);
    assert_eq!(code, Some(0), "warnings only: {v}");
    assert_eq!(stderr, "", "JSON mode prints findings only as JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 5);
    let findings = v["findings"].as_array().expect("findings[]");
    assert_eq!(findings.len(), 5);
    for f in findings {
        for key in [
            "kind", "level", "file", "line", "column", "message", "snippet", "hint",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        assert_eq!(f["level"], "warning");
        assert!(f["file"].as_str().unwrap().starts_with("content/en-us/"));
        assert!(f["line"].as_u64().unwrap() >= 1);
        assert!(f["column"].as_u64().unwrap() >= 1);
        assert!(f["hint"].is_string(), "{f}");
    }
    let first = &findings[0];
    assert_eq!(first["kind"], "broken_link");
    assert_eq!(first["file"], "content/en-us/guide.md");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(9), Some(6))
    );
    assert_eq!(
        first["message"],
        "`does-not-exist.md` is not a page of this site"
    );
    assert_eq!(
        first["snippet"],
        "Read [the missing page](does-not-exist.md) first."
    );
    let kinds: Vec<&str> = findings
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "broken_link",
            "missing_anchor",
            "missing_anchor",
            "broken_link",
            "broken_link"
        ]
    );
    // The snippet of a CRLF file has no `\r`.
    let windows = findings
        .iter()
        .find(|f| f["file"] == "content/en-us/windows.md")
        .unwrap();
    assert_eq!(
        windows["snippet"],
        "Café link: [gone](../outside/gone.md) and [also gone](missing.md#x)."
    );
    // check writes nothing.
    assert!(!site.path().join("public").exists());
}

#[test]
fn check_json_strict_reports_errors_and_exits_1() {
    let site = Site::fixture("build-broken-links");
    let (code, v, _) = check_json(site.path(), &["--strict"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["summary"]["errors"], 5);
    assert_eq!(v["summary"]["warnings"], 0);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["level"] == "error"));
}

#[test]
fn check_text_summarises_and_exits_by_level() {
    let site = Site::fixture("build-broken-links");
    let run = run_in(site.path(), &["check"]);
    run.expect_code(0);
    assert!(
        run.stderr.ends_with(
            "5 warnings (3 broken links, 2 missing anchors)\nchecked 3 pages: no errors\n"
        ),
        "{}",
        run.stderr
    );
    let strict = run_in(site.path(), &["check", "--strict"]);
    strict.expect_code(1);
    assert!(
        strict
            .stderr
            .ends_with("5 errors (3 broken links, 2 missing anchors)\nchecked 3 pages\n"),
        "{}",
        strict.stderr
    );
    assert!(!site.path().join("public").exists());
}

/// A build replaces its output folder, so an output folder over the site's sources is refused
/// before anything is written, and the sources are untouched.
#[test]
fn an_output_folder_over_the_sources_is_refused() {
    let site = Site::fixture("basic");
    let before = crate::support::snapshot_tree(site.path());
    for out in [".", "..", "content", "content/en-us/out"] {
        let run = run_in(site.path(), &["build", "--out", out]);
        run.expect_code(2);
        assert!(
            run.stderr
                .contains(&format!("error: the output folder {out} is ")),
            "{}",
            run.stderr
        );
    }
    let run = run_in(site.path(), &["build", "--out", "content/en-us/out"]);
    insta::assert_snapshot!(run.stderr, @r"
    error: the output folder content/en-us/out is a folder of the site's sources ([SITE]/content); a build replaces its output folder with the files it makes [config]
     --> helpsite.yml
    help: choose an output folder of its own, such as `--out public`
    ");
    assert_eq!(
        crate::support::snapshot_tree(site.path()),
        before,
        "nothing written"
    );
    // A folder beside the sources is fine.
    run_in(site.path(), &["build", "--out", "site-out"]).expect_code(0);
    assert!(site.path().join("site-out/en-us/index.html").is_file());
}

/// Output into a pipe whose reader is gone (`helpsite l10n status | head -0`) ends the process
/// quietly, killed by SIGPIPE as other Unix tools are, without a panic. The pipe's reading end is
/// closed before the process starts, so every write finds it closed.
#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::ExitStatusExt;

    let dir = Site::fixture("basic");
    for args in [
        &["l10n", "status"][..],
        &["l10n", "status", "--format", "json"],
        &["check", "--format", "json"],
        &["--help"],
    ] {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe() writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: both descriptors were just made by pipe() and are owned here only.
        let (reader, writer) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_helpsite"))
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::from(writer))
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGPIPE),
            "{args:?}: {stderr}"
        );
    }
}

/// `--out` never takes over what helpsite did not make: an existing file (`--out
/// helpsite.yml` once replaced the configuration with the site) or a non-empty folder of other
/// files is refused (exit 2) and left as it was, unless `--force`.
#[test]
fn an_output_that_helpsite_did_not_make_is_refused_unless_forced() {
    let site = Site::fixture("basic");
    let config = crate::support::read(site.path().join("helpsite.yml"));
    let run = run_in(site.path(), &["build", "--out", "helpsite.yml"]);
    run.expect_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: the output helpsite.yml exists and is not a folder; a build would replace it with the site [config]
    help: choose another `--out`, remove it, or pass `--force` to replace it
    ");
    assert_eq!(
        crate::support::read(site.path().join("helpsite.yml")),
        config
    );

    crate::support::write(site.path(), "mine/notes.txt", "my notes");
    let run = run_in(site.path(), &["build", "--out", "mine"]);
    run.expect_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: the output mine is a folder that helpsite did not make; a build would replace its files with the site [config]
    help: choose another `--out`, remove it, or pass `--force` to replace it
    ");
    assert_eq!(
        crate::support::read(site.path().join("mine/notes.txt")),
        "my notes"
    );

    // An empty folder, a folder helpsite built (with or without the cache) and --force are fine.
    fs::create_dir_all(site.path().join("empty")).unwrap();
    run_in(site.path(), &["build", "--out", "empty"]).expect_code(0);
    run_in(site.path(), &["build", "--out", "empty", "--no-cache"]).expect_code(0);
    run_in(site.path(), &["build", "--out", "empty"]).expect_code(0);
    run_in(site.path(), &["build", "--out", "mine", "--force"]).expect_code(0);
    assert!(!site.path().join("mine/notes.txt").exists());
    assert!(site.path().join("mine/en-us/index.html").is_file());
    crate::support::write(site.path(), "a-file", "x");
    run_in(site.path(), &["build", "--out", "a-file", "--force"]).expect_code(0);
    assert!(site.path().join("a-file/en-us/index.html").is_file());
}

/// A folder written by an earlier helpsite (no manifest in this cache) is known by what
/// every version writes at its top: `sitemap.xml` and `_static/highlight.css`.
#[test]
fn an_output_of_an_earlier_helpsite_still_counts_as_helpsites() {
    let site = Site::fixture("basic");
    run_in(site.path(), &["build"]).expect_code(0);
    fs::remove_dir_all(site.path().join(".helpsite-cache")).unwrap();
    crate::support::write(
        site.path(),
        "public/en-us/old-page/index.html",
        "from an older build",
    );
    run_in(site.path(), &["build"]).expect_code(0);
    assert!(!site.path().join("public/en-us/old-page").exists());
}

/// `public` as a symbolic link to a folder stays a link: the site is built into its target.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_symlink_to_a_folder_is_kept_and_built_into() {
    let site = Site::fixture("basic");
    let target = tempfile::tempdir().unwrap();
    let real = target.path().join("www");
    fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, site.path().join("public")).unwrap();
    for args in [&["build"][..], &["build"], &["build", "--no-cache"]] {
        run_in(site.path(), args).expect_code(0);
        let link = fs::symlink_metadata(site.path().join("public")).unwrap();
        assert!(link.file_type().is_symlink(), "the link stays");
        assert!(real.join("en-us/index.html").is_file());
    }
    // A link to a file is refused like a file.
    fs::remove_file(site.path().join("public")).unwrap();
    std::os::unix::fs::symlink(site.path().join("helpsite.yml"), site.path().join("public"))
        .unwrap();
    run_in(site.path(), &["build"]).expect_code(2);
}

/// The build cache inside the content or the output folder would be read as content or
/// published (and removed by the next build): refused.
#[test]
fn a_cache_dir_inside_the_content_or_the_output_is_refused() {
    let site = Site::fixture("basic");
    for dir in ["content/cache", "public/.cache", "content/en-us/media/c"] {
        let run = run_in(site.path(), &["build", "--cache-dir", dir]);
        run.expect_code(2);
        assert!(
            run.stderr.contains("error: the cache folder"),
            "{}",
            run.stderr
        );
        assert!(!site.path().join(dir).exists());
    }
    let run = run_in(site.path(), &["build", "--cache-dir", "public/.cache"]);
    insta::assert_snapshot!(run.stderr, @r"
    error: the cache folder public/.cache is inside the output folder (./public); it would be published with the site, and removed by the next build [config]
    help: choose a `--cache-dir` outside the site's content, theme and output
    ");
    run_in(site.path(), &["build", "--cache-dir", "elsewhere"]).expect_code(0);
}
