//! The default theme's UI strings: every locale file has exactly en-US's keys with the same
//! placeholders, dates come out in each locale's CLDR form, a locale code finds its language's
//! file, and a locale (the source locale too) without strings of its own is a warning that says
//! whose strings it gets.

use std::collections::{BTreeMap, BTreeSet};

use helpsite::render::theme::{build, Theme, ThemeFiles, BUILTIN};
use serde_json::Value;

use crate::support::{read, Site};

fn builtin() -> Theme {
    let files = BUILTIN
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    build(ThemeFiles {
        origin: "built-in theme".into(),
        files,
    })
    .unwrap_or_else(|e| panic!("{}", e.message))
}

/// `{name}` placeholders of a string value.
fn placeholders(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(mut s) = v.as_str() else { return out };
    while let Some(open) = s.find('{') {
        let Some(close) = s[open..].find('}') else {
            break;
        };
        out.insert(s[open..open + close + 1].to_string());
        s = &s[open + close + 1..];
    }
    out
}

/// The Microsoft Learn locales issue 16 names, as locale repositories spell them.
const LEARN: [&str; 24] = [
    "en-US", "da-DK", "de-DE", "es-ES", "fi-FI", "fr-FR", "it-IT", "ja-JP", "ko-KR", "nb-NO",
    "nl-NL", "pl-PL", "pt-BR", "pt-PT", "ru-RU", "sv-SE", "tr-TR", "zh-CN", "zh-TW", "ar-SA",
    "he-IL", "cs-CZ", "hu-HU", "el-GR",
];

#[test]
fn every_locale_file_has_every_key_of_en_us() {
    let theme = builtin();
    let en = &theme.strings["en-us"];
    let files: Vec<&str> = BUILTIN
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("i18n/")?.strip_suffix(".yml"))
        .collect();
    for code in LEARN {
        assert!(files.contains(&code), "no UI strings file for {code}");
    }
    let mut failures = Vec::new();
    for code in &files {
        let own: &BTreeMap<String, Value> = &theme.strings[&code.to_ascii_lowercase()];
        let keys: BTreeSet<&String> = own.keys().collect();
        let expected: BTreeSet<&String> = en.keys().collect();
        for k in expected.difference(&keys) {
            failures.push(format!("{code}: key {k} missing"));
        }
        for k in keys.difference(&expected) {
            failures.push(format!("{code}: unknown key {k}"));
        }
        for (k, v) in own {
            let Some(en_v) = en.get(k) else { continue };
            match k.as_str() {
                "months" => {
                    let months = v.as_array().map(Vec::as_slice).unwrap_or_default();
                    if months.len() != 12
                        || months.iter().any(|m| m.as_str().unwrap_or("").is_empty())
                    {
                        failures.push(format!("{code}: months is not 12 names"));
                    }
                }
                "digits" => {
                    if v.as_str().map(|s| s.chars().count()) != Some(10) {
                        failures.push(format!("{code}: digits is not ten digits"));
                    }
                }
                "date_format" => {
                    let p = placeholders(v);
                    let known = ["{d}", "{dd}", "{m}", "{mm}", "{month}", "{yyyy}"];
                    if !p.iter().all(|x| known.contains(&x.as_str()))
                        || !p.contains("{yyyy}")
                        || !(p.contains("{d}") || p.contains("{dd}"))
                    {
                        failures.push(format!("{code}: date_format {v}"));
                    }
                }
                _ => {
                    if !v.is_string() || v.as_str() == Some("") {
                        failures.push(format!("{code}: {k} is not a text"));
                    } else if placeholders(v) != placeholders(en_v) {
                        failures.push(format!(
                            "{code}: {k} has placeholders {:?}, en-US {:?}",
                            placeholders(v),
                            placeholders(en_v)
                        ));
                    } else if *code != "en-US"
                        && LEARN.contains(code)
                        && v == en_v
                        && !same_ok(k, v)
                    {
                        failures.push(format!("{code}: {k} is not translated ({v})"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Values that are the same word in English and another language (`Video`, `Menu`, ...).
fn same_ok(key: &str, v: &Value) -> bool {
    let v = v.as_str().unwrap_or_default();
    [
        "Menu",
        "Video",
        "Version",
        "Feedback",
        "Code",
        "Tip",
        "Important",
        "Home",
        // Link types on YAML pages that Microsoft Learn leaves as loanwords.
        "Download",
        "Tutorial",
        "Reference",
        "Architecture",
        "Concept",
        "Quickstart",
        "Training",
    ]
    .contains(&v)
        || key == "version"
}

#[test]
fn a_locale_code_finds_its_languages_strings() {
    let theme = builtin();
    for (code, file) in [
        ("nl-NL", "nl-NL"),
        ("NL-nl", "nl-NL"),
        ("nl-BE", "nl-NL"),
        ("nl", "nl-NL"),
        ("de-AT", "de-DE"),
        ("de-CH", "de-DE"),
        ("fr-CA", "fr-FR"),
        ("pt-PT", "pt-PT"),
        ("pt-BR", "pt-BR"),
        ("zh-TW", "zh-TW"),
        ("en-GB", "en-US"),
        ("sv-FI", "sv-SE"),
        ("ar-EG", "ar-SA"),
        ("he-IL", "he-IL"),
    ] {
        assert_eq!(theme.strings_file(code), Some(file), "{code}");
    }
    assert_eq!(theme.strings_file("is-IS"), None);
}

/// A page with an `ms.date` and a note in each of the given locales (the first the source).
fn site_with(locales: &[(&str, &str)]) -> Site {
    let mut cfg = format!(
        "title: T\nbase_url: https://docs.example.com/\nsource_locale: {}\nlocales:\n",
        locales[0].0
    );
    let mut site = Site::empty();
    for (code, name) in locales {
        cfg.push_str(&format!("  - code: {code}\n    name: {name}\n"));
        site = site.file(
            &format!("content/{}/page.md", code.to_ascii_lowercase()),
            "---\ntitle: Page\nms.date: 11/02/2026\n---\n# Page\n\n## One\n\n> [!NOTE]\n> Text.\n\n## Two\n\nMore.\n",
        );
    }
    site.file("helpsite.yml", &cfg)
}

fn page(site: &Site, code: &str) -> String {
    read(
        site.path()
            .join("public")
            .join(code.to_ascii_lowercase())
            .join("page/index.html"),
    )
}

#[test]
fn dates_follow_each_locales_cldr_form() {
    let site = site_with(&[
        ("en-US", "English"),
        ("nl-NL", "Nederlands"),
        ("pl-PL", "Polski"),
        ("ru-RU", "Русский"),
        ("el-GR", "Ελληνικά"),
        ("cs-CZ", "Čeština"),
        ("ja-JP", "日本語"),
        ("hu-HU", "Magyar"),
        ("ar-SA", "العربية"),
        ("de-AT", "Deutsch (Österreich)"),
    ]);
    let run = site.run(&["build"]);
    run.expect_ok();
    assert!(!run.stderr.contains("UI strings"), "{}", run.stderr);
    for (code, date, in_this_article, note) in [
        ("en-US", "November 2, 2026", "In this article", "Note"),
        ("nl-NL", "2 november 2026", "In dit artikel", "Opmerking"),
        // Genitive month names, as CLDR's "format wide" has them; CLDR keeps "г." to the
        // year with a narrow no-break space.
        ("pl-PL", "2 listopada 2026", "W tym artykule", "Uwaga"),
        (
            "ru-RU",
            "2 ноября 2026\u{202f}г.",
            "В этой статье",
            "Примечание",
        ),
        ("el-GR", "2 Νοεμβρίου 2026", "Σε αυτό το άρθρο", "Σημείωση"),
        ("cs-CZ", "2. listopadu 2026", "V tomto článku", "Poznámka"),
        ("ja-JP", "2026年11月2日", "この記事の内容", "注意"),
        (
            "hu-HU",
            "2026. november 2.",
            "Ebben a cikkben",
            "Megjegyzés",
        ),
        // CLDR's default numbering system for ar-SA is Arabic-Indic.
        ("ar-SA", "٢ نوفمبر ٢٠٢٦", "في هذا المقال", "ملاحظة"),
        // No de-AT file: the German one.
        ("de-AT", "2. November 2026", "In diesem Artikel", "Hinweis"),
    ] {
        let html = page(&site, code);
        assert!(html.contains(&format!(">{date}</time>")), "{code}: {html}");
        assert!(html.contains(&format!(">{in_this_article}</h2>")), "{code}");
        assert!(html.contains(note), "{code}");
    }
}

#[test]
fn a_locale_without_strings_is_a_warning_naming_it() {
    // Icelandic has no strings in the default theme; as the source locale it gets English.
    let site = site_with(&[
        ("is-IS", "Íslenska"),
        ("sv-SE", "Svenska"),
        ("kl-GL", "Kalaallisut"),
    ]);
    let run = site.run(&["check"]);
    run.expect_ok();
    assert!(
        run.stderr
            .contains("no UI strings for `is-IS` (the source locale); using those of `en-US`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("no UI strings for `kl-GL`; using those of `en-US`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("`sv-SE`"), "{}", run.stderr);

    // With Danish as the source, a locale without strings gets the Danish ones.
    let site = site_with(&[("da-DK", "Dansk"), ("kl-GL", "Kalaallisut")]);
    let run = site.run(&["build"]);
    run.expect_ok();
    assert!(
        run.stderr
            .contains("no UI strings for `kl-GL`; using those of `da-DK`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("`da-DK` (the source locale)"));
    assert!(page(&site, "kl-GL").contains(">I denne artikel</h2>"));
}
