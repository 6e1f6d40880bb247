//! How `build` and `check` report, for CI and for people at scale: `check --format sarif`
//! (validated against the SARIF 2.1.0 JSON schema), `--format github` (workflow commands),
//! `--summary`, `--max-findings`, `--output`, and the output of a run in a pipe: plain lines,
//! no control characters, the closing summary line (none with `--quiet`).

use std::path::Path;

use crate::support::{corpus, run_in, Site};

/// A two-locale site with findings of several kinds and levels: a redirect loop (error), a
/// broken link in each locale, a missing anchor after non-ASCII text (columns count
/// characters), a missing image, a TOC entry for no file, and an orphan page whose name
/// has a comma and a space (escaped in workflow commands, percent-encoded in SARIF).
fn findings_site() -> Site {
    Site::empty()
        .file(
            "helpsite.yml",
            "title: CI\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n",
        )
        .file(
            "content/en-us/index.md",
            "---\ntitle: Home\n---\n# Home\n\nRead [setup](guide/setup.md) and [the old page](guide/gone.md).\n",
        )
        .file(
            "content/en-us/guide/setup.md",
            "---\ntitle: Setup\n---\n# Setup\n\nÅtgärd «100%»: see [the step](#no-such-step).\n\n![Diagram](../media/none.png)\n",
        )
        .file(
            "content/en-us/guide/notes, old.md",
            "---\ntitle: Old notes\n---\n# Old notes\n\nNo TOC lists this page.\n",
        )
        .file(
            "content/en-us/toc.yml",
            "- name: Home\n  href: index.md\n- name: Setup\n  href: guide/setup.md\n- name: Missing\n  href: guide/missing.md\n",
        )
        .file(
            "content/sv-se/index.md",
            "---\ntitle: Hem\n---\n# Hem\n\nLäs [installationen](guide/saknas.md).\n",
        )
        .file(
            ".openpublishing.redirection.json",
            r#"{ "redirections": [
  { "source_path": "content/en-us/guide/a.md", "redirect_url": "/guide/b" },
  { "source_path": "content/en-us/guide/b.md", "redirect_url": "/guide/a" }
] }
"#,
        )
}

/// The kinds the site's findings are of (errors and warnings), each once.
const KINDS: &[&str] = &[
    "broken_link",
    "missing_anchor",
    "missing_image",
    "orphan_page",
    "redirect",
    "toc",
];

/// The SARIF 2.1.0 schema committed under `tests/schemas/` (the OASIS schema, draft-04).
fn sarif_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&crate::support::read(&path)).expect("schema JSON");
    let id = schema["id"].as_str().expect("schema id").to_string();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource(&id, schema).expect("add schema");
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(&id, &mut schemas).expect("compile schema");
    (schemas, index)
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_a_rule_per_kind_and_located_results() {
    let site = findings_site();
    let run = run_in(site.path(), &["check", "--format", "sarif"]);
    run.expect_code(1);
    // The site's folder (redacted to `[SITE]`) as it was: the base URI must be a valid URI.
    let doc = run.stdout.replace("[SITE]", "/tmp/site");
    let v: serde_json::Value = serde_json::from_str(&doc).expect("SARIF is JSON");
    let (schemas, index) = sarif_schema();
    if let Err(e) = schemas.validate(&v, index) {
        panic!("not valid SARIF 2.1.0: {e:#}\n{doc}");
    }
    // The schema's check is real: a result without its message is refused.
    let mut broken = v.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(schemas.validate(&broken, index).is_err());

    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), helpsite::diagnostics::Kind::ALL.len());
    let results = run0["results"].as_array().unwrap();
    let mut kinds: Vec<&str> = results
        .iter()
        .map(|r| {
            let id = r["ruleId"].as_str().unwrap();
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
            id
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds, KINDS);
    assert_eq!(
        run0["originalUriBaseIds"]["SITEROOT"]["uri"],
        "file:///tmp/site/"
    );
    // Columns count characters: `Åtgärd «100%»: see ` is 19 of them, more bytes.
    let anchor = results
        .iter()
        .find(|r| r["ruleId"] == "missing_anchor")
        .unwrap();
    let place = &anchor["locations"][0]["physicalLocation"];
    assert_eq!(
        place["artifactLocation"]["uri"],
        "content/en-us/guide/setup.md"
    );
    assert_eq!(place["artifactLocation"]["uriBaseId"], "SITEROOT");
    assert_eq!(place["region"]["startLine"], 6);
    assert_eq!(place["region"]["startColumn"], 20);
    insta::assert_snapshot!("sarif", run.stdout);

    // `--output FILE` writes the same document into the file, nothing on standard output.
    let out = site.path().join("findings.sarif");
    let to_file = run_in(
        site.path(),
        &["check", "--format", "sarif", "--output", "findings.sarif"],
    );
    to_file.expect_code(1);
    assert_eq!(to_file.stdout, "");
    let written = crate::support::redact_path(&crate::support::read(&out), site.path());
    assert_eq!(written, run.stdout);
}

#[test]
fn github_format_is_one_escaped_workflow_command_per_finding() {
    let site = findings_site();
    let run = run_in(site.path(), &["check", "--format", "github"]);
    run.expect_code(1);
    for line in run.stdout.lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{line}"
        );
        assert!(!line.contains('\r'), "{line}");
    }
    // The comma of the file name is escaped in the property, the `%` of the text in the data.
    assert!(run
        .stdout
        .contains("file=content/en-us/guide/notes%2C old.md,"));
    insta::assert_snapshot!("github", run.stdout);

    // With `--site`, files stay relative to the working folder, as GitHub resolves them.
    let parent = site.path().parent().unwrap();
    let name = site.path().file_name().unwrap().to_str().unwrap();
    let from_parent = run_in(parent, &["check", "--format", "github", "--site", name]);
    from_parent.expect_code(1);
    assert!(from_parent
        .stdout
        .contains(&format!("file={name}/content/en-us/index.md,line=6,col=34")));
    // An absolute `--site` inside the working folder is named relative to it too.
    let absolute = run_in(
        parent,
        &[
            "check",
            "--format",
            "github",
            "--site",
            site.path().to_str().unwrap(),
        ],
    );
    assert_eq!(absolute.stdout, from_parent.stdout);
}

#[test]
fn summary_counts_per_kind_and_folder_and_lists_the_top_files() {
    let site = findings_site();
    let run = run_in(site.path(), &["check", "--summary"]);
    run.expect_code(1);
    insta::assert_snapshot!("summary", run.stdout);
    // Instead of the findings: no snippet on either stream.
    assert!(!run.stderr.contains("-->"), "{}", run.stderr);
    assert!(run.summary.is_some());
    // A text report: not with another format.
    let both = run_in(site.path(), &["check", "--summary", "--format", "json"]);
    both.expect_code(2);
}

#[test]
fn max_findings_lists_that_many_and_counts_the_rest_with_the_same_exit_status() {
    let site = findings_site();
    let all = run_in(site.path(), &["check", "--format", "github"]);
    let total = all.stdout.lines().count();
    assert!(total > 3, "{}", all.stdout);
    let two = run_in(
        site.path(),
        &["check", "--format", "github", "--max-findings", "2"],
    );
    two.expect_code(1);
    let first: Vec<&str> = all.stdout.lines().take(2).collect();
    assert_eq!(two.stdout.lines().collect::<Vec<_>>(), first);
    assert!(
        two.stderr.contains(&format!(
            "... and {} more findings (--max-findings 2)\n",
            total - 2
        )),
        "{}",
        two.stderr
    );
    let text = run_in(site.path(), &["check", "--max-findings", "1"]);
    text.expect_code(1);
    assert_eq!(text.stderr.matches(" --> ").count(), 1, "{}", text.stderr);
    assert!(text
        .stderr
        .contains(&format!("... and {} more findings", total - 1)));
    // Zero: only the count; the exit status still says there are errors.
    let none = run_in(site.path(), &["check", "--max-findings", "0"]);
    none.expect_code(1);
    assert!(!none.stderr.contains("-->"));
}

/// No escape sequence, carriage return or other control character but the line feed.
fn assert_plain(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n') {
        panic!("{what} has the control character {c:?}:\n{text:?}");
    }
}

#[test]
fn runs_in_a_pipe_print_no_control_characters_and_end_with_a_summary() {
    let site = findings_site();
    for args in [&["build"][..], &["check"], &["check", "--format", "sarif"]] {
        let run = run_in(site.path(), args);
        run.expect_code(1);
        assert_plain("stderr", &run.stderr);
        assert_plain("stdout", &run.stdout);
        let summary = run.summary.expect("a closing summary line");
        assert_plain("summary", &summary);
        assert!(
            summary.starts_with(
                "summary: 6 pages (en-US 3, sv-SE 3), 7 findings (broken_link 2, missing_anchor 1, missing_image 1, toc 1, orphan_page 1, redirect 1), "
            ),
            "{summary}"
        );
        assert!(summary.ends_with(" s"), "{summary}");
    }
    // `--quiet`: the findings and errors only.
    for args in [&["build", "--quiet"][..], &["check", "-q"]] {
        let quiet = run_in(site.path(), args);
        quiet.expect_code(1);
        assert_eq!(quiet.summary, None, "{args:?}");
        assert!(!quiet.stderr.contains("warnings ("), "{}", quiet.stderr);
        assert!(!quiet.stderr.contains("checked "), "{}", quiet.stderr);
        assert!(quiet.stderr.contains("[redirect]"), "{}", quiet.stderr);
    }
    let failed = run_in(site.path(), &["build", "-q"]);
    assert!(failed
        .stderr
        .ends_with("build failed: ./public left unchanged\n"));
}

#[test]
fn a_big_site_in_a_pipe_prints_plain_progress_lines() {
    let dir = tempfile::tempdir().unwrap();
    corpus::linked_site(dir.path(), 500);
    let run = run_in(dir.path(), &["check"]);
    run.expect_ok();
    assert_plain("stderr", &run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with("loaded 1,002 pages in 2 locales (en-US 501, sv-SE 501) in "),
        "{}",
        run.stderr
    );
    assert!(
        lines[1].starts_with("rendered the pages in "),
        "{}",
        run.stderr
    );
    assert!(run.summary.unwrap().starts_with("summary: 1,002 pages"));
    let quiet = run_in(dir.path(), &["check", "--quiet"]);
    quiet.expect_ok();
    assert_eq!((quiet.stderr.as_str(), quiet.summary), ("", None));
}

#[test]
fn a_build_reports_its_progress_to_the_observer_in_order() {
    use helpsite::build::{Event, Progress};
    use std::sync::{Arc, Mutex};
    let site = findings_site().file(
        ".openpublishing.redirection.json",
        "{ \"redirections\": [] }",
    );
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    let progress = Progress::new(move |e| {
        let line = match e {
            Event::Loaded { locales } => format!("loaded {locales:?}"),
            Event::Markdown { pages } => format!("markdown {pages}"),
            Event::Body => "body".into(),
            Event::Rendering { pages } => format!("rendering {pages}"),
            Event::Page => "page".into(),
            Event::Rendered => "rendered".into(),
            Event::Writing => "writing".into(),
            Event::Written { files } => format!("written {}", files > 0),
            _ => "other".into(),
        };
        record.lock().unwrap().push(line);
    });
    let build = |progress: Progress| {
        helpsite::build(&helpsite::BuildOptions {
            site: site.path().to_path_buf(),
            progress,
            ..Default::default()
        })
        .expect("the site builds")
    };
    let report = build(progress.clone());
    assert!(report.written);
    assert_eq!(
        report.locales,
        [("en-US".to_string(), 3), ("sv-SE".to_string(), 3)]
    );
    let mut events = std::mem::take(&mut *seen.lock().unwrap());
    // Pages render in parallel: one tick per page, in a row.
    let count = |what: &str| events.iter().filter(|e| *e == what).count();
    assert_eq!((count("body"), count("page")), (6, 6), "{events:?}");
    events.dedup();
    assert_eq!(
        events,
        [
            "loaded [(\"en-US\", 3), (\"sv-SE\", 3)]",
            "markdown 6",
            "body",
            "rendering 6",
            "page",
            "rendered",
            "writing",
            "written true",
        ]
    );
    // A second build takes the Markdown from the build cache: no page's is rendered.
    build(progress);
    let again = seen.lock().unwrap().clone();
    assert!(again.contains(&"markdown 0".to_string()), "{again:?}");
    assert!(!again.contains(&"body".to_string()), "{again:?}");
}
