//! The multilingual story in one site written inline: a source locale, a Swedish folder with
//! fresh, stale, machine and missing translations, and an Arabic folder that lives outside
//! `content/`. Asserts the pages, notices, switcher, hreflang, sitemap, RTL and `l10n` commands.

use std::fs;
use std::path::Path;

use crate::support::{git, run_in, write};

fn sha1_crlf(text: &str) -> String {
    helpsite::load::crlf_sha1(text)
}

const FRESH_SRC: &str = "---\ntitle: Fresh\nms.date: 11/02/2026\n---\n# Fresh\n\n## Set up\n\n[!INCLUDE [n](includes/note.md)]\n\nSee [stale](stale.md#details).\n";
const STALE_SRC: &str = "---\ntitle: Stale\n---\n# Stale\n\n## Details\n\nNew text.\n";
const MT_SRC: &str = "---\ntitle: Machine\n---\n# Machine\n\nText.\n";
const MISSING_SRC: &str =
    "---\ntitle: Missing\n---\n# Missing\n\nOnly English. [Fresh](fresh.md#set-up)\n";

/// The site lives in `<tmp>/site`; the Arabic checkout beside it in `<tmp>/ar-checkout`.
struct Fixture {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
}

impl Fixture {
    fn path(&self) -> &Path {
        &self.root
    }
}

fn site() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let r = root.as_path();
    write(
        r,
        "helpsite.yml",
        "title: T\nbase_url: https://docs.example.com/help/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n  - code: ar-SA\n    name: العربية\n    path: ../ar-checkout\n",
    );
    write(r, "content/en-us/fresh.md", FRESH_SRC);
    write(r, "content/en-us/stale.md", STALE_SRC);
    write(r, "content/en-us/machine.md", MT_SRC);
    write(r, "content/en-us/missing.md", MISSING_SRC);
    write(
        r,
        "content/en-us/includes/note.md",
        "---\nms.topic: include\n---\n> [!NOTE]\n> English include.\n",
    );
    let loc = |hash: &str, mt: &str| {
        format!("ms.contentlocale: sv-SE\nms.translationtype: {mt}\nms.openlocfilehash: {hash}\nms.lasthandoff: 09/20/2026\n")
    };
    write(
        r,
        "content/sv-se/fresh.md",
        &format!("---\ntitle: Färsk\n{}---\n# <a name=\"fresh\"></a>Färsk\n\n## <a name=\"set-up\"></a>Kom igång\n\n[!INCLUDE [n](includes/note.md)]\n\nSe [inaktuell](stale.md#details).\n", loc(&sha1_crlf(FRESH_SRC), "HT")),
    );
    write(
        r,
        "content/sv-se/stale.md",
        &format!("---\ntitle: Inaktuell\nms.date: 11/02/2026\n{}---\n# Inaktuell\n\n## <a name=\"details\"></a>Detaljer\n\nGammal text.\n", loc(&sha1_crlf("an older source"), "HT")),
    );
    write(
        r,
        "content/sv-se/machine.md",
        &format!(
            "---\ntitle: Maskin\n{}---\n# Maskin\n\nText.\n",
            loc(&sha1_crlf(MT_SRC), "MT")
        ),
    );
    // The Arabic folder is a separate checkout beside the site; it has no includes folder,
    // so the English include is used.
    let ar = tmp.path().join("ar-checkout");
    write(
        &ar,
        "fresh.md",
        &format!("---\ntitle: جديد\nms.contentlocale: ar-SA\nms.openlocfilehash: {}\n---\n# <a name=\"fresh\"></a>جديد\n\n## <a name=\"set-up\"></a>الإعداد\n\n[!INCLUDE [n](includes/note.md)]\n", sha1_crlf(FRESH_SRC)),
    );
    Fixture { _tmp: tmp, root }
}

/// `(exit code or -1, stdout, stderr)` of `helpsite <args>` in `dir`.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let run = run_in(dir, args);
    (run.code.unwrap_or(-1), run.stdout, run.stderr)
}

fn page(dir: &Path, url: &str) -> String {
    fs::read_to_string(dir.join("public").join(url).join("index.html")).unwrap()
}

#[test]
fn translation_states_render_with_their_notices() {
    let dir = site();
    let d = dir.path();
    let (code, _, err) = run(d, &["build"]);
    assert_eq!(code, 0, "{err}");

    let fresh = page(d, "sv-se/fresh");
    assert!(fresh.contains("<html lang=\"sv-SE\" dir=\"ltr\">"));
    assert!(
        !fresh.contains("class=\"notice"),
        "a fresh human translation shows no notice"
    );
    assert!(fresh.contains("<h2 id=\"set-up\">Kom igång</h2>"));
    // The include falls back to English inside the Swedish page; its alert title is Swedish.
    assert!(fresh.contains("English include."));
    assert!(
        fresh.contains("aria-label=\"Obs!\""),
        "alert title from sv-SE UI strings"
    );
    // Links go to the Swedish pages.
    assert!(fresh.contains("href=\"/help/sv-se/stale/#details\""));

    let stale = page(d, "sv-se/stale");
    assert!(stale.contains("class=\"notice notice-stale\""));
    assert!(
        stale.contains("20 september 2026"),
        "handoff date in the Swedish format"
    );
    assert!(
        stale.contains("href=\"/help/en-us/stale/\""),
        "link to the original"
    );
    // Its `ms.date` (copied from the source, 2 November) is the update it lacks: not shown as
    // "Updated" above "translated on 20 September".
    assert!(
        !stale.contains("2 november 2026") && !stale.contains("<time"),
        "no contradictory date: {stale}"
    );

    let mt = page(d, "sv-se/machine");
    assert!(mt.contains("class=\"notice notice-machine\""));
    assert!(mt.contains("href=\"/help/en-us/machine/\" lang=\"en-US\""));
    assert!(!mt.contains("notice-stale"));

    let missing = page(d, "sv-se/missing");
    assert!(missing.contains("class=\"notice notice-fallback\""));
    assert!(
        missing.contains("<article lang=\"en-US\" dir=\"ltr\">"),
        "fallback body marked with the source language"
    );
    assert!(missing.contains("Only English."));
    assert!(
        missing.contains("href=\"/help/sv-se/fresh/#set-up\""),
        "fallback links stay in the reader's locale"
    );
    assert!(
        missing.contains("Den här sidan är ännu inte översatt till Svenska"),
        "Swedish notice on a fallback page"
    );
    assert!(
        missing.contains("aria-label=\"Innehållsförteckning\""),
        "Swedish chrome on a fallback page"
    );

    let en = page(d, "en-us/fresh");
    assert!(
        !en.contains("class=\"notice"),
        "source pages show no notice"
    );
}

#[test]
fn switcher_hreflang_sitemap_and_rtl() {
    let dir = site();
    let d = dir.path();
    assert_eq!(run(d, &["build"]).0, 0);
    let fresh = page(d, "sv-se/fresh");
    for (code, href) in [
        ("en-US", "/help/en-us/fresh/"),
        ("sv-SE", "/help/sv-se/fresh/"),
        ("ar-SA", "/help/ar-sa/fresh/"),
    ] {
        assert!(
            fresh.contains(&format!("<a href=\"{href}\" lang=\"{code}\"")),
            "switcher to {code}"
        );
        assert!(fresh.contains(&format!("<link rel=\"alternate\" hreflang=\"{code}\" href=\"https://docs.example.com/help/{}\">", &href[6..])));
    }
    assert!(fresh
        .contains("hreflang=\"x-default\" href=\"https://docs.example.com/help/en-us/fresh/\""));
    // Fallback pages are never alternates.
    let missing = page(d, "sv-se/missing");
    assert!(
        missing.contains("rel=\"alternate\" hreflang=\"en-US\""),
        "the real English page is an alternate"
    );
    assert!(
        !missing.contains("hreflang=\"sv-SE\" href=\"https"),
        "the fallback itself is not"
    );
    let stale_en = page(d, "en-us/stale");
    assert!(
        !stale_en.contains("hreflang=\"ar-SA\" href"),
        "no Arabic stale page exists: {stale_en}"
    );

    // One sitemap per locale, each listing only its own pages; the index names them all.
    let index = fs::read_to_string(d.join("public/sitemap.xml")).unwrap();
    for slug in ["en-us", "sv-se", "ar-sa"] {
        assert!(index.contains(&format!(
            "<loc>https://docs.example.com/help/{slug}/sitemap.xml</loc>"
        )));
        let own = fs::read_to_string(d.join("public").join(slug).join("sitemap.xml")).unwrap();
        for loc in own.split("<loc>").skip(1) {
            assert!(
                loc.starts_with(&format!("https://docs.example.com/help/{slug}/")),
                "{slug}: {loc}"
            );
        }
    }
    let sitemap = fs::read_to_string(d.join("public/ar-sa/sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://docs.example.com/help/ar-sa/missing/</loc>"));
    let ar_missing_entry = sitemap
        .split("<url>")
        .find(|u| u.contains("<loc>https://docs.example.com/help/ar-sa/missing/</loc>"))
        .unwrap();
    assert!(!ar_missing_entry.contains("xhtml:link"));
    let sitemap = fs::read_to_string(d.join("public/en-us/sitemap.xml")).unwrap();
    let fresh_entry = sitemap
        .split("<url>")
        .find(|u| u.contains("<loc>https://docs.example.com/help/en-us/fresh/</loc>"))
        .unwrap();
    assert_eq!(fresh_entry.matches("xhtml:link").count(), 3);

    let ar = page(d, "ar-sa/fresh");
    assert!(ar.contains("<html lang=\"ar-SA\" dir=\"rtl\">"));
    assert!(ar.contains("<h2 id=\"set-up\">الإعداد</h2>"));
    let ar_fallback = page(d, "ar-sa/stale");
    assert!(ar_fallback.contains("<article lang=\"en-US\" dir=\"ltr\">"));

    let root = fs::read_to_string(d.join("public/index.html")).unwrap();
    assert!(
        root.contains("<a href=\"/help/sv-se/\" lang=\"sv-SE\""),
        "no-JS language list"
    );
}

#[test]
fn ui_string_fallback_is_reported() {
    let dir = site();
    let d = dir.path();
    // A theme whose Swedish strings lack a key.
    let theme = d.join("mytheme");
    for (p, bytes) in helpsite::render::theme::BUILTIN {
        let text = if *p == "i18n/sv-SE.yml" {
            String::from_utf8_lossy(bytes)
                .lines()
                .filter(|l| !l.starts_with("in_this_article:"))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        };
        write(&theme, p, &text);
    }
    let cfg = fs::read_to_string(d.join("helpsite.yml")).unwrap();
    fs::write(d.join("helpsite.yml"), format!("{cfg}theme: mytheme\n")).unwrap();
    let (code, _, err) = run(d, &["check"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("UI strings in_this_article missing for `sv-SE`; using `en-US`"),
        "{err}"
    );
    assert!(run(d, &["build"]).0 == 0);
    let src = fs::read_to_string(d.join("content/sv-se/fresh.md")).unwrap();
    fs::write(
        d.join("content/sv-se/fresh.md"),
        format!("{src}\n## Mer\n\nText.\n"),
    )
    .unwrap();
    assert!(run(d, &["build"]).0 == 0);
    assert!(
        page(d, "sv-se/fresh").contains(">In this article</h2>"),
        "the English string is used"
    );
}

#[test]
fn l10n_status_reports_each_state() {
    let dir = site();
    let (code, out, err) = run(dir.path(), &["l10n", "status", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sv = v
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["locale"] == "sv-SE")
        .unwrap();
    assert_eq!(
        (
            sv["up_to_date"].as_u64(),
            sv["stale"].as_u64(),
            sv["machine_translated"].as_u64(),
            sv["missing"].as_u64()
        ),
        (Some(2), Some(1), Some(1), Some(1))
    );
    assert_eq!(sv["stale_pages"][0]["file"], "content/sv-se/stale.md");
    assert_eq!(sv["missing_pages"][0]["source"], "content/en-us/missing.md");
    let ar = v
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["locale"] == "ar-SA")
        .unwrap();
    assert_eq!(
        (ar["up_to_date"].as_u64(), ar["missing"].as_u64()),
        (Some(1), Some(3))
    );
    let (_, table, _) = run(dir.path(), &["l10n", "status", "--locale", "sv-SE"]);
    assert!(
        table.contains("sv-SE stale: content/sv-se/stale.md (handed off 09/20/2026)"),
        "{table}"
    );
    assert!(!table.contains("ar-SA"));
}

#[test]
fn stamp_updates_hash_and_date_only() {
    let dir = site();
    let d = dir.path();
    let before = fs::read_to_string(d.join("content/sv-se/stale.md")).unwrap();
    let (code, out, err) = run(d, &["l10n", "stamp", "content/sv-se/stale.md"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&sha1_crlf(STALE_SRC)));
    let after = fs::read_to_string(d.join("content/sv-se/stale.md")).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(changed[0].1.starts_with("ms.openlocfilehash: "));
    assert!(changed[1].1.starts_with("ms.lasthandoff: "));
    assert_eq!(before.lines().count(), after.lines().count());
    let (_, out, _) = run(d, &["l10n", "status", "--locale", "sv-SE"]);
    assert!(!out.contains("stale:"), "{out}");
    // Stamping a source file is refused.
    assert_eq!(run(d, &["l10n", "stamp", "content/en-us/stale.md"]).0, 1);
}

#[test]
fn malformed_hash_and_dates_are_located_warnings() {
    let dir = site();
    let d = dir.path();
    write(
        d,
        "content/sv-se/machine.md",
        "---\ntitle: Maskin\nms.date: 2026-11-02\nms.openlocfilehash: not-hex\n---\n# Maskin\n",
    );
    let (code, _, err) = run(d, &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("content/sv-se/machine.md:3:10"), "{err}");
    assert!(err.contains("ms.date `2026-11-02` is not a date in MM/DD/YYYY form"));
    assert!(err.contains("content/sv-se/machine.md:4:21"), "{err}");
    assert!(err.contains("is not a SHA-1"));
    assert_eq!(run(d, &["check", "--strict"]).0, 1);
}

/// `build` reads UTF-16 files with a BOM; `stamp` edits them in place in the same encoding.
#[test]
fn stamp_edits_utf16_translations_in_their_encoding() {
    let dir = site();
    let d = dir.path();
    let text = fs::read_to_string(d.join("content/sv-se/stale.md")).unwrap();
    for (name, le) in [("le", true), ("be", false)] {
        let mut bytes = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        fs::write(d.join("content/sv-se/stale.md"), &bytes).unwrap();
        let (code, _, err) = run(d, &["l10n", "stamp", "content/sv-se/stale.md"]);
        assert_eq!(code, 0, "{name}: {err}");
        let after = fs::read(d.join("content/sv-se/stale.md")).unwrap();
        assert_eq!(after[..2], bytes[..2], "{name}: the BOM is kept");
        let units: Vec<u16> = after[2..]
            .chunks(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        let decoded = String::from_utf16(&units).unwrap();
        assert!(
            decoded.contains(&format!("ms.openlocfilehash: {}", sha1_crlf(STALE_SRC))),
            "{name}: {decoded}"
        );
        let (_, out, _) = run(d, &["l10n", "status", "--locale", "sv-SE"]);
        assert!(!out.contains("stale:"), "{name}: {out}");
    }
}

#[test]
fn status_summarises_per_top_folder_and_lists_only_the_asked_states() {
    let dir = site();
    let d = dir.path();
    write(
        d,
        "content/en-us/guides/setup.md",
        "---\ntitle: Setup\n---\n# Setup\n",
    );
    write(
        d,
        "content/en-us/guides/more.md",
        "---\ntitle: More\n---\n# More\n",
    );
    write(
        d,
        "content/sv-se/guides/setup.md",
        &format!(
            "---\ntitle: Inställning\nms.openlocfilehash: {}\n---\n# Inställning\n",
            sha1_crlf("---\ntitle: Setup\n---\n# Setup\n")
        ),
    );
    // A translation with no source article: its own state.
    write(
        d,
        "content/sv-se/guides/extra.md",
        "---\ntitle: Extra\n---\n# Extra\n",
    );
    let (code, out, err) = run(
        d,
        &["l10n", "status", "--locale", "sv-SE", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sv = &v[0];
    // The schema keeps its fields and adds the folder summary and the locale-only state.
    for key in [
        "up_to_date",
        "stale",
        "machine_translated",
        "missing",
        "stale_pages",
        "missing_pages",
        "machine_pages",
    ] {
        assert!(sv.get(key).is_some(), "{key} missing");
    }
    assert_eq!(sv["source_missing"], 1);
    assert_eq!(
        sv["source_missing_pages"][0]["file"],
        "content/sv-se/guides/extra.md"
    );
    let guides = sv["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "guides")
        .expect("a guides row");
    assert_eq!(
        (
            guides["up_to_date"].as_u64(),
            guides["missing"].as_u64(),
            guides["source_missing"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let top = sv["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == "")
        .unwrap();
    assert_eq!(
        (top["stale"].as_u64(), top["missing"].as_u64()),
        (Some(1), Some(1))
    );

    // --state lists only those pages; the counts stay.
    let (_, table, _) = run(
        d,
        &["l10n", "status", "--locale", "sv-SE", "--state", "missing"],
    );
    insta::assert_snapshot!("l10n_status_state_missing", table);
    assert!(!table.contains(" stale: "));
    let (_, table, _) = run(
        d,
        &["l10n", "status", "--locale", "sv-SE", "--state", "machine"],
    );
    assert!(
        table.contains("sv-SE machine: content/sv-se/machine.md"),
        "{table}"
    );
    assert!(!table.contains(" missing: "));
}

#[test]
fn diff_shows_what_changed_in_the_source_since_the_hand_off() {
    let dir = site();
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "hand-off"]);
    let handoff = git(d, &["rev-parse", "HEAD"]);
    // The translation records the commit it was made from...
    let sv = d.join("content/sv-se/fresh.md");
    let text = fs::read_to_string(&sv).unwrap();
    fs::write(
        &sv,
        text.replacen("---\n", &format!("---\nms.sourcegitcommit: {handoff}\n"), 1),
    )
    .unwrap();
    // ...then the source changes, committed and not.
    let en = d.join("content/en-us/fresh.md");
    fs::write(&en, format!("{FRESH_SRC}\nA committed paragraph.\n")).unwrap();
    git(d, &["commit", "-q", "-am", "source edit"]);
    fs::write(
        &en,
        format!("{FRESH_SRC}\nA committed paragraph.\n\nAn uncommitted one.\n"),
    )
    .unwrap();

    let (code, out, err) = run(d, &["l10n", "diff", "content/sv-se/fresh.md"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--- a/content/en-us/fresh.md"), "{out}");
    assert!(out.contains("+A committed paragraph."), "{out}");
    assert!(out.contains("+An uncommitted one."), "{out}");
    assert!(!out.contains("sv-se"), "only the source file: {out}");

    // A translation without the field, and one naming an unknown commit: why, not a diff.
    let (code, _, err) = run(d, &["l10n", "diff", "content/sv-se/stale.md"]);
    assert_eq!(code, 1);
    assert!(err.contains("has no `ms.sourcegitcommit`"), "{err}");
    let text = fs::read_to_string(&sv).unwrap();
    fs::write(
        &sv,
        text.replace(&handoff, "0123456789abcdef0123456789abcdef01234567"),
    )
    .unwrap();
    let (code, _, err) = run(d, &["l10n", "diff", "content/sv-se/fresh.md"]);
    assert_eq!(code, 1);
    assert!(err.contains("is not in the source repository"), "{err}");
}

#[test]
fn diff_outside_a_git_repository_says_so() {
    let dir = site();
    let d = dir.path();
    let sv = d.join("content/sv-se/fresh.md");
    let text = fs::read_to_string(&sv).unwrap();
    fs::write(
        &sv,
        text.replacen(
            "---\n",
            "---\nms.sourcegitcommit: 0123456789abcdef0123456789abcdef01234567\n",
            1,
        ),
    )
    .unwrap();
    let (code, _, err) = run(d, &["l10n", "diff", "content/sv-se/fresh.md"]);
    assert_eq!(code, 1);
    assert!(err.contains("not in a git repository"), "{err}");
}
