//! DocFX repositories built in place (issue 14): `tests/fixtures/docset-repo` is a repository
//! modelled on Microsoft's docset repositories: a publish configuration naming one docset in
//! `contoso/`, its `docfx.json` (content and resource globs with excludes, `globalMetadata`,
//! `fileMetadata`), two redirection files at the root (one with `source_path`s carrying the
//! docset folder, one without), and files DocFX does not publish (README, LICENSE, a GIF the
//! resource globs leave out, a script). It has no helpsite.yml: `--site REPO` is enough.

use std::fs;

use crate::support::{build_elsewhere, fixtures_dir, list_files, read, Site};

fn repo() -> std::path::PathBuf {
    fixtures_dir().join("docset-repo")
}

#[test]
fn a_repository_without_helpsite_yml_builds_only_what_docfx_json_publishes() {
    let built = build_elsewhere(&repo());
    built.run.expect_ok();
    let files: Vec<String> = list_files(&built.out)
        .into_iter()
        .filter(|f| !f.starts_with("_static/"))
        .collect();
    insta::assert_yaml_snapshot!("docset_repo_files", files);
    // Never published: the repository's README and LICENSE, the docset's README and docfx.json,
    // includes, and files no `resource` glob selects.
    for f in &files {
        let lower = f.to_ascii_lowercase();
        for never in [
            "readme",
            "license",
            "docfx.json",
            "includes",
            ".ps1",
            ".gif",
        ] {
            assert!(!lower.contains(never), "{f} is published");
        }
    }
}

#[test]
fn pages_live_under_the_docset_base_path_and_site_root_links_resolve() {
    let built = build_elsewhere(&repo());
    let html = read(built.out.join("en-us/contoso/admin/setup/index.html"));
    // Inside the docset, with or without `.md`, with a fragment.
    assert!(
        html.contains(r#"href="/en-us/contoso/admin/users/">people</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"href="/en-us/contoso/admin/users/#add-people">"#));
    // Other docsets of the host: absolute URLs in the reader's locale, never a finding.
    assert!(html.contains(
        r#"href="https://learn.microsoft.com/en-us/powershell/module/contoso/get-contosouser">"#
    ));
    assert!(html.contains(r#"href="https://learn.microsoft.com/en-us/azure/active-directory/">"#));
    // Redirected articles: where the redirects end, even through two files.
    assert!(html.contains(r#"href="/en-us/contoso/admin/setup/">the old guide</a>"#));
    assert!(html.contains(r#"href="/en-us/contoso/admin/setup/">legacy</a>"#));
    // `~/` is the docset's folder (where docfx.json is), not the repository root.
    assert!(html.contains(r#"href="/en-us/contoso/admin/users/">people, from the docset root</a>"#));
    // The image the docset publishes, at its published path.
    assert!(html.contains(r#"src="/en-us/contoso/media/setup.png""#));
    // The locale's home is the docset's index page.
    assert!(html.contains(r#"class="site-title" href="/en-us/contoso/""#));
    assert_eq!(
        built.run.stderr.matches("[broken_link]").count(),
        0,
        "{}",
        built.run.stderr
    );
}

#[test]
fn an_unpublished_file_is_named_as_such() {
    let built = build_elsewhere(&repo());
    let run = &built.run;
    assert!(run.stderr.contains(
        "`../media/setup.gif` exists but is not published: no `resource` glob of docfx.json selects it [missing_image]"
    ), "{}", run.stderr);
    assert!(run.stderr.contains("--> contoso/admin/setup.md:19:1"));
}

#[test]
fn metadata_layers_global_then_file_then_front_matter() {
    let built = build_elsewhere(&repo());
    let meta = |page: &str| {
        let html = read(built.out.join(page));
        let at = html
            .find(r#"<meta name="description" content=""#)
            .expect("description");
        let rest = &html[at + 34..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    // globalMetadata only.
    assert_eq!(
        meta("en-us/contoso/index.html"),
        "Help for Contoso administrators."
    );
    // fileMetadata: the later matching glob wins over the earlier and over globalMetadata.
    assert_eq!(
        meta("en-us/contoso/admin/setup/index.html"),
        "Help for setting up Contoso."
    );
    // Front matter wins over both.
    assert_eq!(
        meta("en-us/contoso/admin/users/index.html"),
        "Adding and removing people."
    );
}

#[test]
fn every_redirection_file_gives_redirect_pages_at_the_right_urls() {
    let built = build_elsewhere(&repo());
    let rules = read(built.out.join("_redirects"));
    insta::assert_snapshot!("docset_repo_redirects", rules);
    // The page at the old URL points at the final target.
    let old = read(
        built
            .out
            .join("en-us/contoso/admin/legacy-users/index.html"),
    );
    assert!(
        old.contains(r#"href="/en-us/contoso/admin/setup/""#),
        "{old}"
    );
    let retired = read(built.out.join("en-us/contoso/admin/retired/index.html"));
    assert!(retired
        .contains("https://learn.microsoft.com/en-us/powershell/module/contoso/get-contosouser"));
}

#[test]
fn a_short_helpsite_yml_names_the_base_path_and_the_other_docsets_host() {
    let site = Site::empty();
    crate::support::copy_dir(&repo(), site.path());
    fs::write(
        site.path().join("helpsite.yml"),
        "base_url: https://docs.example.com/\n\
         docfx:\n  other_docsets: https://docs.example.com/{locale}/\n  base_paths:\n    Contoso-docs: /help/\n",
    )
    .unwrap();
    let run = site.run(&["build"]);
    run.expect_ok();
    let html = read(site.path().join("public/en-us/help/admin/setup/index.html"));
    // Relative links follow the docset to its new base path...
    assert!(html.contains(r#"href="/en-us/help/">"#), "{html}");
    // ...and `/contoso/...` is no longer this docset's path: another docset of the host.
    assert!(
        html.contains(r#"href="https://docs.example.com/en-us/contoso/admin/users">people</a>"#)
    );
    assert!(html.contains(
        r#"href="https://docs.example.com/en-us/powershell/module/contoso/get-contosouser">"#
    ));
    // The title falls back to the docset's name; the locale comes from the publish config.
    assert!(html.contains("Contoso docs"), "{html}");
    assert!(html.contains(r#"<html lang="en-US""#));
}

#[test]
fn a_broken_docfx_json_stops_the_build_at_its_line() {
    let site = Site::empty();
    crate::support::copy_dir(&repo(), site.path());
    fs::write(
        site.path().join("contoso/docfx.json"),
        "{\n  \"build\": {\n    \"content\": [ { \"files\": [\"**/*.md\"] }, ]\n  }\n}\n",
    )
    .unwrap();
    let run = site.run(&["build"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("invalid contoso/docfx.json")
            && run.stderr.contains("contoso/docfx.json:3:"),
        "{}",
        run.stderr
    );
    assert!(!site.path().join("public").exists());
}

/// References that name a file in other letter case than it has on disk resolve to that file,
/// as the Windows machines that publish DocFX repositories find it, with a `case_mismatch`
/// warning at the reference naming both spellings; the output uses the name on disk.
#[test]
fn file_names_in_other_letter_case_resolve_with_a_case_mismatch_warning() {
    let site = Site::empty()
        .file(
            "helpsite.yml",
            "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
        )
        .file(
            "content/en-us/index.md",
            "---\ntitle: Home\n---\n# Home\n\n![Logo](media/Logo.PNG)\n\n[Guide](Guide.md)\n\n[Sample](files/Sample.ZIP)\n\n[!INCLUDE [step](Includes/step.md)]\n\n[!code-powershell[run](snippets/Run.ps1)]\n\n![Exact](media/exact.png) [guide](guide.md)\n",
        )
        .file("content/en-us/guide.md", "---\ntitle: Guide\n---\n# Guide\n")
        .file("content/en-us/includes/step.md", "The included step.\n")
        .file("content/en-us/snippets/run.ps1", "Write-Output 'run'\n")
        .file("content/en-us/files/sample.zip", "zip")
        .file("content/en-us/media/logo.png", "png")
        .file("content/en-us/media/exact.png", "png")
        .file(
            "content/en-us/toc.yml",
            "- name: Home\n  href: index.md\n- name: Guide\n  href: GUIDE.md\n- name: More\n  href: Sub/toc.yml\n",
        )
        .file(
            "content/en-us/sub/toc.yml",
            "- name: Page\n  href: page.md\n",
        )
        .file("content/en-us/sub/page.md", "---\ntitle: Page\n---\n# Page\n");
    let run = site.run(&["check", "--format", "json"]);
    run.expect_ok();
    let found: Vec<(String, String, String)> = crate::support::json_findings(&run.stdout)
        .into_iter()
        .map(|(kind, _, at, message)| (kind, at, message))
        .collect();
    let want = [
        (
            "content/en-us/index.md:6:1",
            "`media/Logo.PNG` names the file `media/logo.png` in other letter case",
        ),
        (
            "content/en-us/index.md:8:1",
            "`Guide.md` names the file `guide.md` in other letter case",
        ),
        (
            "content/en-us/index.md:10:1",
            "`files/Sample.ZIP` names the file `files/sample.zip` in other letter case",
        ),
        (
            "content/en-us/index.md:12:1",
            "`Includes/step.md` names the file `includes/step.md` in other letter case",
        ),
        (
            "content/en-us/index.md:14:1",
            "`snippets/Run.ps1` names the file `snippets/run.ps1` in other letter case",
        ),
        (
            "content/en-us/toc.yml:4:9",
            "`GUIDE.md` names the file `guide.md` in other letter case",
        ),
        (
            "content/en-us/toc.yml:6:9",
            "`Sub/toc.yml` names the file `sub/toc.yml` in other letter case",
        ),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(at, m)| ("case_mismatch".to_string(), at.to_string(), m.to_string()))
        .collect();
    assert_eq!(found, want, "{}", run.stdout);

    let built = build_elsewhere(site.path());
    built.run.expect_ok();
    let html = read(built.out.join("en-us/index.html"));
    assert!(html.contains(r#"src="/en-us/media/logo.png""#), "{html}");
    assert!(html.contains(r#"href="/en-us/files/sample.zip""#), "{html}");
    assert!(html.contains(r#"href="/en-us/guide/">Guide</a>"#), "{html}");
    assert!(html.contains("The included step."), "{html}");
    assert!(html.contains("Write-Output"), "{html}");
    let nav = read(built.out.join("en-us/guide/index.html"));
    assert!(nav.contains(r#"href="/en-us/guide/""#), "{nav}");
    // The nested TOC named in other case is read: its page is in the navigation.
    assert!(nav.contains(r#"href="/en-us/sub/page/""#), "{nav}");
}

/// The publish configuration's `moniker_ranges` give a repository without helpsite.yml its
/// monikers (in the order they appear), so pages with moniker blocks get the version picker,
/// labelled with names derived from the monikers'.
#[test]
fn moniker_ranges_of_the_publish_configuration_give_a_version_picker() {
    let config = read(repo().join(".openpublishing.publish.config.json")).replace(
        "\"moniker_ranges\": []",
        "\"moniker_ranges\": [\"=contoso-cloud || =contoso-gov\"]",
    );
    assert!(config.contains("contoso-gov"));
    let site = Site::fixture("docset-repo")
        .file(".openpublishing.publish.config.json", &config)
        .file(
            "contoso/admin/versions.md",
            "---\ntitle: Versions\n---\n# Versions\n\n::: moniker range=\"contoso-gov\"\nFor government tenants.\n::: moniker-end\n\nShared.\n",
        );
    let built = build_elsewhere(site.path());
    built.run.expect_ok();
    let html = read(built.out.join("en-us/contoso/admin/versions/index.html"));
    assert!(html.contains("<option value=\"contoso-cloud\">Contoso cloud</option>\n<option value=\"contoso-gov\">Contoso gov</option>"), "{html}");
    assert!(html.contains("<div class=\"moniker\" data-moniker=\"contoso-gov\" data-monikers=\"contoso-gov\">\n<p class=\"moniker-label\">Version: Contoso gov</p>"), "{html}");
    // A page without moniker blocks gets no picker.
    let users = read(built.out.join("en-us/contoso/admin/users/index.html"));
    assert!(!users.contains("moniker-picker"));
}

/// A docset whose home is a YAML landing page (`index.yml`, as Microsoft 365's is): the site
/// title and the language chooser lead there, not to the bare locale folder.
#[test]
fn a_landing_page_is_the_locale_home() {
    let site = Site::empty()
        .file(
            ".openpublishing.publish.config.json",
            r#"{ "docsets_to_publish": [ { "docset_name": "docs", "build_source_folder": "docs", "locale": "en-us" } ] }"#,
        )
        .file("docs/docfx.json", r#"{ "build": { "content": [ { "files": ["**/*.md", "**/*.yml"] } ] } }"#)
        .file(
            "docs/index.yml",
            "### YamlMime:Landing\ntitle: Docs home\nsummary: Start here.\nlandingContent:\n  - title: Start\n    linkLists:\n      - linkListType: overview\n        links:\n          - text: Setup\n            url: setup.md\n",
        )
        .file("docs/setup.md", "---\ntitle: Setup\n---\n# Setup\n");
    site.run(&["build"]).expect_ok();
    let html = read(site.path().join("public/en-us/docs/setup/index.html"));
    assert!(
        html.contains(r#"class="site-title" href="/en-us/docs/""#),
        "{html}"
    );
    let root = read(site.path().join("public/index.html"));
    assert!(root.contains(r#"href="/en-us/docs/""#), "{root}");
}

/// A page that asks not to be indexed (`ROBOTS: NOINDEX`) is left out of the TOCs on purpose:
/// it is no `orphan_page`, while another page in no TOC still is.
#[test]
fn a_noindex_page_is_no_orphan() {
    let site = Site::empty()
        .file(
            "helpsite.yml",
            "title: T\nbase_url: /\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
        )
        .file("content/en-us/toc.yml", "- name: Home\n  href: index.md\n")
        .file("content/en-us/index.md", "---\ntitle: Home\n---\n# Home\n")
        .file("content/en-us/country.md", "---\ntitle: Country\nROBOTS: NOINDEX, NOFOLLOW\n---\n# Country\n")
        .file("content/en-us/lost.md", "---\ntitle: Lost\n---\n# Lost\n");
    let run = site.run(&["check"]);
    assert!(
        run.stderr.contains("`lost.md` is in no table of contents"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr
            .contains("`country.md` is in no table of contents"),
        "{}",
        run.stderr
    );
}

/// A repository may publish several docsets: each under its own base path, and a site-root
/// link from one into the other's base path resolves to its page.
#[test]
fn two_docsets_in_one_repository_each_under_its_base_path() {
    let docfx = |crumb: &str| {
        format!(
            r#"{{ "build": {{ "content": [ {{ "files": ["**/*.md"] }} ], "globalMetadata": {{ "breadcrumb_path": "/{crumb}/breadcrumb/toc.json" }} }} }}"#
        )
    };
    let site = Site::empty()
        .file(
            ".openpublishing.publish.config.json",
            r#"{ "docsets_to_publish": [
                { "docset_name": "Admin", "build_source_folder": "admin-docs", "locale": "en-us" },
                { "docset_name": "Users", "build_source_folder": "user-docs", "locale": "en-us" } ] }"#,
        )
        .file("admin-docs/docfx.json", &docfx("admin"))
        .file("admin-docs/index.md", "---\ntitle: Admin\n---\n# Admin\n\nSee [the user guide](/users/start).\n")
        .file("user-docs/docfx.json", &docfx("users"))
        .file("user-docs/start.md", "---\ntitle: Start\n---\n# Start\n\nBack to [admin](/admin/).\n");
    site.run(&["build"]).expect_ok();
    let admin = read(site.path().join("public/en-us/admin/index.html"));
    assert!(
        admin.contains(r#"href="/en-us/users/start/">the user guide</a>"#),
        "{admin}"
    );
    let start = read(site.path().join("public/en-us/users/start/index.html"));
    assert!(
        start.contains(r#"href="/en-us/admin/">admin</a>"#),
        "{start}"
    );
}
