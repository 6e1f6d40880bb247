//! The translation dashboard, `l10n status --format html --out DIR` (issue 20): on the sample
//! site, and on a locale repository modelled on Microsoft's (`tests/fixtures/locale-repo`, its
//! source repository at `_repo.en-us` made a git repository here) with translations handed off
//! at different commits and dates. Asserts the counts, the order of the stale pages, what
//! changed in their sources, and the links. The browser checks (axe, vnu) are in
//! `tests/browser/dashboard.test.mjs`.

use std::path::Path;

use crate::support::{copy_dir, fixtures_dir, git, read, run_in, write};

fn sha1_crlf(text: &str) -> String {
    helpsite::load::crlf_sha1(text)
}

/// The rows of the stale table (`<tbody>` of `table.stale`) of the locale section `id`.
fn stale_rows<'a>(html: &'a str, id: &str) -> Vec<&'a str> {
    let section = html
        .split(&format!("<section aria-labelledby=\"{id}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section {id}"));
    let section = section.split("</section>").next().unwrap();
    let Some(table) = section.split("<table class=\"stale\">").nth(1) else {
        return Vec::new();
    };
    table
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap()
        .split("<tr>")
        .skip(1)
        .collect()
}

#[test]
fn sample_site_dashboard_counts_every_state_and_links_the_stale_page() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dash");
    let run = run_in(
        repo,
        &[
            "l10n",
            "status",
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["favicon.svg", "index.html"],
        "the page and its icon only"
    );
    let html = read(out.join("index.html"));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"));
    assert!(
        !html.contains("<script") && !html.contains("<link rel=\"stylesheet\""),
        "self-contained, no script"
    );
    assert!(
        html.contains("--bg: #ffffff") && html.contains("@media (prefers-color-scheme: dark)"),
        "the default theme's colours, light and dark"
    );
    // Disjoint states: the two machine translations are up to date, the stale page is human.
    assert!(html.contains("aria-label=\"Svenska (sv-SE), 12 pages: up to date 8, machine-translated 2, stale 1, missing 1\""), "{html}");
    assert!(html.contains("aria-label=\"العربية (ar-SA), 12 pages: up to date 4, machine-translated 0, stale 0, missing 8\""));
    assert!(html.contains(
        "<h2 id=\"locale-ar-sa\"><span lang=\"ar-SA\" dir=\"rtl\">العربية</span> (ar-SA)</h2>"
    ));
    // Per folder: `delisting` holds the stale page.
    assert!(html.contains("<tr><th scope=\"row\">delisting</th><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td></tr>"), "{html}");
    let rows = stale_rows(&html, "locale-sv-se");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("<a href=\"https://help.example.com/sv-se/delisting/delist-ip/\" lang=\"sv-SE\" dir=\"ltr\">"), "{}", rows[0]);
    assert!(rows[0].contains("<time datetime=\"2026-09-20\">2026-09-20</time>"));
    assert!(rows[0].contains("content/en-us/delisting/delist-ip.md"));
    assert!(stale_rows(&html, "locale-ar-sa").is_empty());
    assert!(html.contains("No page is stale."));
}

const EN_USERS_NOW: &str = "---\ntitle: Manage people\nms.date: 03/10/2026\n---\n\n# Manage people\n\nChoose **People** in the admin center.\n\nThen choose **Add a person**.\n\nPeople get an email.\n";

/// The locale repository, its source repository a git repository with two commits: the
/// hand-off and a later edit. Returns the folder (in a temporary folder) and the hand-off
/// commit.
fn locale_repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&fixtures_dir().join("locale-repo"), &repo);
    // "Edit this page" goes to the public source repository, as on Microsoft Learn.
    let publish = read(repo.join(".openpublishing.publish.config.json"));
    write(
        &repo,
        ".openpublishing.publish.config.json",
        &publish.replacen(
            "\"continue_with_document_error\"",
            "\"git_repository_url_open_to_public_contributors\": \"https://github.com/contoso/contoso-docs\",\n  \"git_repository_branch_open_to_public_contributors\": \"main\",\n  \"continue_with_document_error\"",
            1,
        ),
    );
    let en = repo.join("_repo.en-us");
    for name in ["billing", "roles", "reports"] {
        write(
            &en,
            &format!("contoso/admin/{name}.md"),
            &format!("---\ntitle: {name}\n---\n\n# {name}\n\nText.\n"),
        );
    }
    git(&en, &["init", "-q"]);
    git(&en, &["add", "-A"]);
    git(&en, &["commit", "-q", "-m", "hand-off"]);
    let handoff = git(&en, &["rev-parse", "HEAD"]);
    // After the hand-off: `users` gets 6 lines and loses 2 (as `git diff --numstat` counts),
    // `setup` gets 2: a blank line and a paragraph (committed or not,
    // as `l10n diff` compares with the working tree).
    write(&en, "contoso/admin/users.md", EN_USERS_NOW);
    git(&en, &["commit", "-q", "-am", "edit"]);
    let setup = read(en.join("contoso/admin/setup.md"));
    write(
        &en,
        "contoso/admin/setup.md",
        &format!("{setup}\nA new paragraph.\n"),
    );
    let stale_hash = sha1_crlf("an older source");
    let translation = |title: &str, fields: &str| {
        format!(
            "---\ntitle: {title}\nms.contentlocale: nl-NL\n{fields}---\n\n# {title}\n\nTekst.\n"
        )
    };
    let nl = repo.join("contoso");
    let fresh = |rel: &str| sha1_crlf(&read(en.join("contoso").join(rel)));
    write(
        &nl,
        "index.md",
        &translation(
            "Contoso-hulp",
            &format!(
                "ms.translationtype: HT\nms.openlocfilehash: {}\nms.lasthandoff: 02/01/2026\n",
                fresh("index.md")
            ),
        ),
    );
    write(
        &nl,
        "admin/billing.md",
        &translation(
            "Facturering",
            &format!(
                "ms.translationtype: MT\nms.openlocfilehash: {}\nms.lasthandoff: 02/01/2026\n",
                fresh("admin/billing.md")
            ),
        ),
    );
    write(&nl, "admin/users.md", &translation("Personen beheren", &format!("ms.translationtype: HT\nms.openlocfilehash: {stale_hash}\nms.sourcegitcommit: {handoff}\nms.lasthandoff: 03/01/2026\n")));
    write(&nl, "admin/setup.md", &translation("Uw tenant instellen", &format!("ms.translationtype: MT\nms.openlocfilehash: {stale_hash}\nms.sourcegitcommit: {handoff}\nms.lasthandoff: 03/01/2026\n")));
    write(
        &nl,
        "admin/roles.md",
        &translation(
            "Rollen",
            &format!("ms.openlocfilehash: {stale_hash}\nms.lasthandoff: 01/15/2026\n"),
        ),
    );
    write(&nl, "admin/reports.md", &translation("Rapporten", &format!("ms.openlocfilehash: {stale_hash}\nms.sourcegitcommit: 0123456789abcdef0123456789abcdef01234567\n")));
    (tmp, repo)
}

#[test]
fn locale_repository_dashboard_orders_stale_pages_and_tells_what_changed() {
    let (tmp, repo) = locale_repo();
    let out = tmp.path().join("dash");
    let run = run_in(
        tmp.path(),
        &[
            "l10n",
            "status",
            "--site",
            repo.to_str().unwrap(),
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
            "--site-url",
            "https://preview.example.com/pr-7/",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("nl-NL: 4 stale"), "{}", run.stdout);
    let html = read(out.join("index.html"));
    // A stale machine translation counts as stale, a fresh one as machine-translated.
    assert!(html.contains("aria-label=\"Nederlands (nl-NL), 7 pages: up to date 1, machine-translated 1, stale 4, missing 1\""), "{html}");
    let rows = stale_rows(&html, "locale-nl-nl");
    let order: Vec<&str> = rows
        .iter()
        .map(|r| {
            let at = r.find("/contoso/admin/").expect("a page link") + "/contoso/admin/".len();
            &r[at..at + r[at..].find('/').unwrap()]
        })
        .collect();
    // Oldest hand-off first; on the same day, the bigger change of the source; no date last.
    assert_eq!(order, ["roles", "users", "setup", "reports"], "{html}");
    assert!(
        rows[0].contains("unknown (no ms.sourcegitcommit)"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains(
            "<span class=\"added\">6 added</span>, <span class=\"removed\">2 removed</span>"
        ),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].contains(
            "<span class=\"added\">2 added</span>, <span class=\"removed\">0 removed</span>"
        ),
        "{}",
        rows[2]
    );
    assert!(
        rows[3].contains("unknown (the source file at that commit is not in the repository)"),
        "{}",
        rows[3]
    );
    assert!(
        rows[3].contains("<span class=\"unknown\">unknown</span></td>"),
        "no hand-off date: {}",
        rows[3]
    );
    // Links: the built page under --site-url, the files in the public repository.
    assert!(rows[1].contains("<a href=\"https://preview.example.com/pr-7/nl-nl/contoso/admin/users/\" lang=\"nl-NL\" dir=\"ltr\">Personen beheren</a>"), "{}", rows[1]);
    assert!(rows[1].contains("<a class=\"path\" href=\"https://github.com/contoso/contoso-docs/blob/main/contoso/admin/users.md\">_repo.en-us/contoso/admin/users.md</a>"), "{}", rows[1]);
    assert!(rows[1].contains("<time datetime=\"2026-03-01\">2026-03-01</time>"));

    // The table names the missing page's place in the locale repository (not `/contoso/...`).
    let table = run_in(
        tmp.path(),
        &["l10n", "status", "--site", repo.to_str().unwrap()],
    );
    assert!(
        table
            .stdout
            .contains("nl-NL missing: contoso/admin/audit.md\n"),
        "{}",
        table.stdout
    );

    let main = html
        .split("<h2 id=\"summary\">")
        .nth(1)
        .and_then(|m| m.split("</main>").next())
        .unwrap();
    insta::assert_snapshot!("locale_repo_dashboard", main);
}

#[test]
fn dashboard_options_are_checked_and_urls_go_through_the_policy() {
    let (tmp, repo) = locale_repo();
    let site = repo.to_str().unwrap();
    let run = run_in(
        tmp.path(),
        &["l10n", "status", "--site", site, "--format", "html"],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("give the folder with --out DIR"),
        "{}",
        run.stderr
    );
    let run = run_in(
        tmp.path(),
        &["l10n", "status", "--site", site, "--out", "x"],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("use them with --format html"),
        "{}",
        run.stderr
    );
    let run = run_in(
        tmp.path(),
        &[
            "l10n", "status", "--site", site, "--format", "html", "--out", "x", "--state",
            "missing",
        ],
    );
    assert_eq!(run.code, Some(2));
    assert!(!tmp.path().join("x").exists());

    // A site URL the URL policy refuses links no page.
    let run = run_in(
        tmp.path(),
        &[
            "l10n",
            "status",
            "--site",
            site,
            "--format",
            "html",
            "--out",
            "d",
            "--site-url",
            "javascript:alert(1)//",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = read(tmp.path().join("d/index.html"));
    assert!(!html.contains("javascript:"), "{html}");
    assert!(html.contains("<span lang=\"nl-NL\" dir=\"ltr\">Personen beheren</span>"));

    // An output folder that cannot be made is an error that names it.
    write(tmp.path(), "file", "not a folder");
    let run = run_in(
        tmp.path(),
        &[
            "l10n", "status", "--site", site, "--format", "html", "--out", "file",
        ],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("cannot write the dashboard"),
        "{}",
        run.stderr
    );
    assert_eq!(read(tmp.path().join("file")), "not a folder");
}
