//! Rebuilds after edits must write exactly what a full build writes. A session makes a series
//! of edits; after each one its output folder is compared, file by file, with a fresh build.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use helpsite::session::Session;
use helpsite::BuildOptions;

use crate::support::write;

fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, fs::read(e.path()).unwrap());
        }
    }
    out
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("site");
    write(&d, "helpsite.yml", "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\ntheme: theme\n");
    for (p, bytes) in helpsite::render::theme::BUILTIN {
        let path = d.join("theme").join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    write(&d, "content/en-us/toc.yml", "- name: Home\n  href: index.md\n- name: Guide\n  items:\n    - name: Setup\n      href: guide/setup.md\n    - name: Limits\n      href: guide/limits.md\n");
    write(&d, "content/en-us/index.md", "---\ntitle: Home\nms.date: 11/02/2026\n---\n# Home\n\nStart with [setup](guide/setup.md#install) or <xref:limits>.\n");
    write(&d, "content/en-us/guide/setup.md", "---\ntitle: Setup\n---\n# Setup\n\n## Install\n\n[!INCLUDE [n](../includes/note.md)]\n\nSee [limits](limits.md).\n");
    write(&d, "content/en-us/guide/limits.md", "---\ntitle: Limits\nuid: limits\n---\n# Limits\n\n## Rates\n\nBack to [home](../index.md).\n");
    write(
        &d,
        "content/en-us/includes/note.md",
        "> [!NOTE]\n> Keep your IP warm.\n",
    );
    let src = fs::read_to_string(d.join("content/en-us/guide/setup.md")).unwrap();
    write(
        &d,
        "content/sv-se/guide/setup.md",
        &format!("---\ntitle: Installation\nms.openlocfilehash: {}\nms.lasthandoff: 11/03/2026\n---\n# <a name=\"setup\"></a>Installation\n\n## <a name=\"install\"></a>Installera\n\n[!INCLUDE [n](../includes/note.md)]\n", helpsite::load::crlf_sha1(&src)),
    );
    dir
}

struct Harness {
    _dir: tempfile::TempDir,
    site: PathBuf,
    session: Session,
    n: usize,
}

impl Harness {
    fn new() -> Harness {
        let dir = site();
        let site = dir.path().join("site");
        let opts = BuildOptions {
            site: site.clone(),
            out: Some(dir.path().join("out")),
            strict: false,
            check_only: false,
            ..Default::default()
        };
        let (session, first) = Session::start(opts).unwrap();
        assert!(first.report.written);
        Harness {
            _dir: dir,
            site,
            session,
            n: 0,
        }
    }

    /// Edits a file, rebuilds, and compares with a fresh full build. Returns whether the
    /// rebuild was incremental and how many pages it rendered.
    fn edit(&mut self, rel: &str, text: Option<&str>) -> (bool, usize) {
        let path = self.site.join(rel);
        match text {
            Some(t) => write(&self.site, rel, t),
            None => fs::remove_file(&path).unwrap(),
        }
        let r = self.session.rebuild(&[path]).unwrap();
        assert!(
            r.report.written,
            "{:?}",
            r.report
                .diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
        self.assert_same_as_full_build();
        (!r.full, r.pages_rendered)
    }

    fn assert_same_as_full_build(&mut self) {
        self.n += 1;
        let fresh = self._dir.path().join(format!("fresh-{}", self.n));
        let report = helpsite::build(&BuildOptions {
            site: self.site.clone(),
            out: Some(fresh.clone()),
            strict: false,
            check_only: false,
            no_cache: true,
            ..Default::default()
        })
        .unwrap();
        assert!(report.written);
        let (a, b) = (tree(&self.session.out_dir()), tree(&fresh));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "same files"
        );
        for (k, v) in &a {
            assert!(
                v == &b[k],
                "{k} differs from a full build:\n--- rebuild ---\n{}\n--- full ---\n{}",
                String::from_utf8_lossy(v),
                String::from_utf8_lossy(&b[k])
            );
        }
    }
}

#[test]
fn rebuilds_equal_full_builds_after_a_series_of_edits() {
    let mut h = Harness::new();
    // An article body: only its pages (en and the sv fallback) render again.
    let (inc, n) = h.edit("content/en-us/guide/limits.md", Some("---\ntitle: Limits\nuid: limits\n---\n# Limits\n\n## Rates\n\nAt most 10 a second.\n\n## Bursts\n\nBack to [home](../index.md).\n"));
    assert!(inc);
    assert!(n <= 4, "rendered {n} pages");
    // A new anchor that another page links to: the warning disappears.
    h.edit("content/en-us/index.md", Some("---\ntitle: Home\nms.date: 11/02/2026\n---\n# Home\n\nStart with [setup](guide/setup.md#install), [bursts](guide/limits.md#bursts) or <xref:limits>.\n"));
    // An include: every page that includes it, in both locales.
    let (inc, _) = h.edit(
        "content/en-us/includes/note.md",
        Some("> [!WARNING]\n> Warm up new IPs slowly.\n"),
    );
    assert!(inc);
    // A title: navigation, previous/next and xref link texts change.
    let (inc, _) = h.edit("content/en-us/guide/limits.md", Some("---\ntitle: Sending limits\nuid: limits\n---\n# Sending limits\n\n## Rates\n\nAt most 10 a second.\n\n## Bursts\n\nBack to [home](../index.md).\n"));
    assert!(inc);
    // The source of a translation: the Swedish page becomes stale.
    let (inc, _) = h.edit("content/en-us/guide/setup.md", Some("---\ntitle: Setup\n---\n# Setup\n\n## Install\n\n[!INCLUDE [n](../includes/note.md)]\n\nSee [limits](limits.md). Changed.\n"));
    assert!(inc);
    let sv = fs::read_to_string(h.session.out_dir().join("sv-se/guide/setup/index.html")).unwrap();
    assert!(sv.contains("notice-stale"));
    // The translation itself.
    h.edit("content/sv-se/guide/setup.md", Some("---\ntitle: Installera\n---\n# Installera\n\n## <a name=\"install\"></a>Installera nu\n"));
    // Theme CSS.
    let (inc, _) = h.edit("theme/static/helpsite.css", Some("body { color: red; }\n"));
    assert!(inc);
    // New and deleted files take a full build.
    let (inc, _) = h.edit(
        "content/en-us/guide/new.md",
        Some("---\ntitle: New\n---\n# New\n"),
    );
    assert!(!inc);
    let (inc, _) = h.edit("content/en-us/guide/new.md", None);
    assert!(!inc);
    // The TOC and the configuration too.
    let (inc, _) = h.edit("content/en-us/toc.yml", Some("- name: Home\n  href: index.md\n- name: Setup\n  href: guide/setup.md\n- name: Limits\n  href: guide/limits.md\n"));
    assert!(!inc);
}

#[test]
fn an_error_keeps_the_output_until_it_is_fixed() {
    let mut h = Harness::new();
    let out = h.session.out_dir();
    let before = tree(&out);
    let path = h.site.join("content/en-us/guide/setup.md");
    write(
        &h.site,
        "content/en-us/guide/setup.md",
        "---\ntitle: [broken\n---\n# Setup\n",
    );
    let r = h.session.rebuild(std::slice::from_ref(&path)).unwrap();
    assert!(!r.report.written);
    let err = r
        .report
        .diagnostics
        .iter()
        .find(|d| d.level == helpsite::diagnostics::Level::Error)
        .unwrap();
    assert!(
        err.position()
            .unwrap()
            .starts_with("content/en-us/guide/setup.md:"),
        "{:?}",
        err.position()
    );
    assert_eq!(tree(&out), before, "nothing written");
    // An include error in another page, then both fixed.
    write(
        &h.site,
        "content/en-us/guide/limits.md",
        "---\ntitle: Limits\nuid: limits\n---\n# Limits\n\n[!INCLUDE [x](../includes/nope.md)]\n",
    );
    let r = h
        .session
        .rebuild(&[h.site.join("content/en-us/guide/limits.md")])
        .unwrap();
    assert!(!r.report.written);
    assert_eq!(tree(&out), before);
    write(
        &h.site,
        "content/en-us/guide/setup.md",
        "---\ntitle: Setup\n---\n# Setup\n\n## Install\n\nFixed.\n",
    );
    let r = h.session.rebuild(std::slice::from_ref(&path)).unwrap();
    assert!(!r.report.written, "the include is still missing");
    h.edit(
        "content/en-us/guide/limits.md",
        Some("---\ntitle: Limits\nuid: limits\n---\n# Limits\n\nFixed too.\n"),
    );
}

/// The findings of a rebuild, as text, and those of a fresh full build of the same sources.
fn findings_and_full(h: &mut Harness, r: &helpsite::session::Rebuild) -> (String, String) {
    let text = |ds: &[helpsite::diagnostics::Diagnostic]| {
        ds.iter()
            .map(|d| d.render(false))
            .collect::<Vec<_>>()
            .join("\n")
    };
    h.n += 1;
    let full = helpsite::build(&BuildOptions {
        site: h.site.clone(),
        out: Some(h._dir.path().join(format!("fresh-{}", h.n))),
        strict: false,
        check_only: false,
        no_cache: true,
        ..Default::default()
    })
    .unwrap();
    (text(&r.report.diagnostics), text(&full.diagnostics))
}

#[test]
fn an_edited_translation_keeps_the_findings_of_a_full_build() {
    let mut h = Harness::new();
    // A translation with no source article, and one whose source changed: both are findings
    // of their own files, which an edit of the file reloads.
    let orphan = "content/sv-se/guide/extra.md";
    write(
        &h.site,
        orphan,
        "---\ntitle: Extra\nms.date: 13/40/2026\n---\n# Extra\n",
    );
    let r = h.session.rebuild(&[h.site.join(orphan)]).unwrap();
    assert!(r.full && r.report.written);
    let (inc, _) = h.edit(
        orphan,
        Some("---\ntitle: Extra!\nms.date: 13/41/2026\n---\n# Extra\n"),
    );
    assert!(inc);
    let r = h.session.rebuild(&[h.site.join(orphan)]).unwrap();
    assert!(!r.full);
    let (rebuilt, full) = findings_and_full(&mut h, &r);
    assert!(full.contains("has no source article"), "{full}");
    assert_eq!(rebuilt, full);
    let setup = "content/sv-se/guide/setup.md";
    let text = "---\ntitle: Installation\nms.openlocfilehash: 0000000000000000000000000000000000000000\nms.contentlocale: de-DE\n---\n# Installation\n";
    h.edit(setup, Some(text));
    let r = h.session.rebuild(&[h.site.join(setup)]).unwrap();
    assert!(!r.full);
    let (rebuilt, full) = findings_and_full(&mut h, &r);
    assert!(full.contains("ms.contentlocale is `de-DE`"), "{full}");
    assert_eq!(rebuilt, full);
}

/// `ROBOTS` takes a page out of the sitemap and puts `<meta name="robots">` in it; metadata
/// findings (a `feedback_github_repo` that names no repository) follow the edit. Both as a
/// full build has them.
#[test]
fn robots_and_link_metadata_follow_an_edit() {
    let mut h = Harness::new();
    let limits = "content/en-us/guide/limits.md";
    let (inc, _) = h.edit(limits, Some("---\ntitle: Limits\nuid: limits\nROBOTS: NOINDEX\n---\n# Limits\n\n## Rates\n\nBack to [home](../index.md).\n"));
    assert!(inc);
    let sitemap = fs::read_to_string(h.session.out_dir().join("en-us/sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/guide/limits/"), "{sitemap}");
    // An error: nothing is written, and the findings are a full build's.
    write(&h.site, limits, "---\ntitle: Limits\nuid: limits\nfeedback_system: GitHub\nfeedback_github_repo: not a repo\n---\n# Limits\n\n## Rates\n\nBack to [home](../index.md).\n");
    let r = h.session.rebuild(&[h.site.join(limits)]).unwrap();
    assert!(!r.full && !r.report.written);
    let (rebuilt, full) = findings_and_full(&mut h, &r);
    assert!(full.contains("does not name a GitHub repository"), "{full}");
    assert_eq!(rebuilt, full);
    let (inc, _) = h.edit(limits, Some("---\ntitle: Limits\nuid: limits\nfeedback_system: GitHub\nfeedback_github_repo: org/repo\n---\n# Limits\n\n## Rates\n\nBack to [home](../index.md).\n"));
    assert!(inc);
    let sitemap = fs::read_to_string(h.session.out_dir().join("en-us/sitemap.xml")).unwrap();
    assert!(sitemap.contains("/guide/limits/"), "{sitemap}");
}

/// A theme file edited while a page has an error is written once the error is fixed, as the
/// pages rendered meanwhile are.
#[test]
fn what_a_failed_rebuild_did_not_write_is_written_after_the_fix() {
    let mut h = Harness::new();
    let setup = "content/en-us/guide/setup.md";
    write(&h.site, setup, "---\ntitle: [broken\n---\n# Setup\n");
    let r = h.session.rebuild(&[h.site.join(setup)]).unwrap();
    assert!(!r.full && !r.report.written);
    write(
        &h.site,
        "theme/static/helpsite.css",
        "body { color: navy; }\n",
    );
    let r = h
        .session
        .rebuild(&[h.site.join("theme/static/helpsite.css")])
        .unwrap();
    assert!(!r.full && !r.report.written);
    let (inc, _) = h.edit(
        setup,
        Some("---\ntitle: Setup\n---\n# Setup\n\n## Install\n\nFixed.\n"),
    );
    assert!(inc);
}

/// YAML pages (`### YamlMime:`) rebuild on every edit: new, edited, a data file that becomes
/// one, deleted; each rebuild writes what a full build writes (a full reload, as load decides
/// what a YAML file is).
#[test]
fn an_edited_yaml_page_rebuilds_like_a_full_build() {
    let mut h = Harness::new();
    let landing = |t: &str| {
        format!("### YamlMime:Landing\ntitle: {t}\nlandingContent:\n  - title: Start\n    linkLists:\n      - linkListType: overview\n        links:\n          - text: Setup\n            url: ../guide/setup.md\n")
    };
    h.edit(
        "content/en-us/start/index.yml",
        Some(&landing("Start here")),
    );
    let html = fs::read_to_string(h.session.out_dir().join("en-us/start/index.html")).unwrap();
    assert!(html.contains("Start here"), "{html}");
    h.edit(
        "content/en-us/start/index.yml",
        Some(&landing("Begin here")),
    );
    let html = fs::read_to_string(h.session.out_dir().join("en-us/start/index.html")).unwrap();
    assert!(html.contains("Begin here") && !html.contains("Start here"));
    // A data file, then the same file as a YAML page, then gone.
    h.edit("content/en-us/data.yml", Some("regions: [west]\n"));
    assert!(h.session.out_dir().join("en-us/data.yml").exists());
    h.edit(
        "content/en-us/data.yml",
        Some("### YamlMime:FAQ\ntitle: Data\nsections: []\n"),
    );
    assert!(!h.session.out_dir().join("en-us/data.yml").exists());
    assert!(h.session.out_dir().join("en-us/data/index.html").exists());
    h.edit("content/en-us/data.yml", None);
    assert!(!h.session.out_dir().join("en-us/data/index.html").exists());
}
