//! The search index, queried from Rust through `helpsite::search::lookup`, which reads the
//! files a build wrote and ranks exactly as the browser's client does: word forms found
//! through their stems in each locale's language, one locale's results only, pages hidden from
//! search engines, redirects and 404s left out, prefix matching of the last word, ranking, and
//! the size and count limits of the files.

use std::fs;
use std::path::Path;

use helpsite::search::{lookup, Hit};

use crate::support::{build_elsewhere, fixtures_dir, Built};

fn built(site: &Path) -> Built {
    let b = build_elsewhere(site);
    b.run.expect_ok();
    b
}

fn fixture() -> Built {
    built(&fixtures_dir().join("search"))
}

fn urls(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.url.as_str()).collect()
}

fn find(out: &Path, locale: &str, q: &str) -> Vec<Hit> {
    lookup(out, locale, q).unwrap_or_else(|e| panic!("lookup {locale} {q:?}: {e}"))
}

#[test]
fn word_forms_find_each_other_through_their_stem() {
    let b = fixture();
    // Swedish: the plural finds the article that has only the singular.
    let sv = find(&b.out, "sv-se", "postlådor");
    assert_eq!(urls(&sv)[0], "/docs/sv-se/mail/mailbox/");
    // Danish likewise.
    let da = find(&b.out, "da-dk", "postkasser");
    assert_eq!(urls(&da)[0], "/docs/da-dk/mail/mailbox/");
    // Arabic: the definite plural and the bare singular find the same pages.
    let plural = find(&b.out, "ar-sa", "المستخدمين");
    let singular = find(&b.out, "ar-sa", "مستخدم");
    let mut p = urls(&plural);
    let mut s = urls(&singular);
    p.sort();
    s.sort();
    assert!(!p.is_empty());
    assert_eq!(p, s);
    assert!(p.contains(&"/docs/ar-sa/mail/users/"), "{p:?}");
}

#[test]
fn a_locale_finds_only_its_own_pages() {
    let b = fixture();
    for q in ["mailbox", "552", "full", "postlåda", "zymurgy", "a"] {
        for h in find(&b.out, "sv-se", q) {
            assert!(h.url.starts_with("/docs/sv-se/"), "{q}: {}", h.url);
        }
    }
    // An untranslated page is found in the locale that shows it, marked with its language.
    let hits = find(&b.out, "sv-se", "zymurgy");
    assert_eq!(urls(&hits), ["/docs/sv-se/mail/archive/"]);
    assert_eq!(hits[0].lang.as_deref(), Some("en-US"));
    // Its English words are stemmed as English: `archived` finds `archiving`.
    assert_eq!(urls(&find(&b.out, "sv-se", "archived zymurgy")).len(), 1);
    // The same word in the locale's own language is not marked.
    assert_eq!(find(&b.out, "sv-se", "postlåda")[0].lang, None);
}

#[test]
fn hidden_pages_redirects_and_404s_are_not_indexed() {
    let b = fixture();
    for l in ["en-us", "sv-se", "da-dk", "ar-sa"] {
        assert!(find(&b.out, l, "quuxplorer").is_empty(), "{l}");
        assert!(find(&b.out, l, "hidden draft").is_empty(), "{l}");
    }
    // The redirect page at the old URL exists, but only the article is found.
    assert!(b.out.join("en-us/mail/quota-exceeded/index.html").is_file());
    let all: Vec<String> = ["mailbox", "full", "moved", "found", "page"]
        .iter()
        .flat_map(|q| find(&b.out, "en-us", q))
        .map(|h| h.url)
        .collect();
    assert!(all.contains(&"/docs/en-us/mail/mailbox/".to_string()));
    for u in &all {
        assert!(!u.contains("quota-exceeded") && !u.contains("404"), "{u}");
    }
}

#[test]
fn the_last_word_matches_as_a_prefix_and_links_its_section() {
    let b = fixture();
    let hits = find(&b.out, "en-us", "retr");
    assert_eq!(urls(&hits), ["/docs/en-us/mail/mailbox/"]);
    // `retry` is in the section "Wait and retry": the result links there and shows the
    // heading, the word marked.
    assert_eq!(hits[0].href, "/docs/en-us/mail/mailbox/#wait-and-retry");
    assert_eq!(
        hits[0].heading.as_deref(),
        Some("Wait and <mark>retry</mark>")
    );
    // Only the last word is a prefix.
    assert!(find(&b.out, "en-us", "retr mailbox").is_empty());
    assert_eq!(find(&b.out, "en-us", "mailbox retr").len(), 1);
    // Swedish while typing.
    assert_eq!(
        urls(&find(&b.out, "sv-se", "postl"))[0],
        "/docs/sv-se/mail/mailbox/"
    );
    // Dotted codes are one word.
    assert_eq!(
        urls(&find(&b.out, "en-us", "5.2.2")),
        ["/docs/en-us/mail/mailbox/"]
    );
}

/// 150 pages: `common` on every page (1 to 5 times), `middle` on the even ones, `rare` on every
/// 30th; page 77 is titled "Common questions". The browser test search-many.test.mjs builds
/// the same site and expects the same of the client.
pub fn many_pages() -> crate::support::Site {
    let mut site = crate::support::Site::empty().file(
        "helpsite.yml",
        "title: T\nbase_url: https://h.example/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
    );
    for i in 0..150 {
        let title = if i == 77 {
            "Common questions".to_string()
        } else {
            format!("Page {i}")
        };
        let mut text = "common ".repeat(1 + i % 5);
        if i % 2 == 0 {
            text.push_str("middle ");
        }
        if i % 30 == 0 {
            text.push_str("rare ");
        }
        site = site.file(
            &format!("content/en-us/p{i}.md"),
            &format!("---\ntitle: {title}\n---\n\n# {title}\n\nWords: {text}end.\n"),
        );
    }
    site
}

#[test]
fn a_word_on_more_pages_than_its_best_postings_finds_every_page() {
    let site = many_pages();
    let b = built(site.path());
    let total = |q: &str| {
        lookup::search(&b.out, "en-us", q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .total
    };
    // `common` (150 pages: 64 with weights, the others in a bitmap) and `middle` (75 pages:
    // 64 and doc deltas) find every page that has them, also combined with other words.
    assert_eq!(total("common"), 150);
    assert_eq!(total("middle"), 75);
    assert_eq!(total("rare"), 5);
    assert_eq!(total("common middle rare"), 5);
    assert_eq!(total("middle common"), 75);
    assert_eq!(find(&b.out, "en-us", "common")[0].url, "/en-us/p77/");
    // The lists are of both kinds (a check that the fixture does what it says).
    let mut terms = serde_json::Map::new();
    for e in fs::read_dir(b.out.join("en-us/_search")).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("c-") {
            let c: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(e.path()).unwrap()).unwrap();
            terms.extend(c["terms"].as_object().unwrap().clone());
        }
    }
    let list = |t: &str| terms[t].as_str().unwrap().to_string();
    assert!(list("common").contains(".") && list("common").contains('~'));
    assert!(list("middl").contains(".") && list("middl").contains('!'));
    assert!(!list("rare").contains("."));
}

#[test]
fn a_word_typed_in_full_ranks_above_its_completions() {
    let site = crate::support::Site::empty()
        .file(
            "helpsite.yml",
            "title: T\nbase_url: https://h.example/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
        )
        .file(
            "content/en-us/index.md",
            "---\ntitle: Home\n---\n\n# Home\n\nStart here.\n",
        )
        .file(
            "content/en-us/teamsite.md",
            "---\ntitle: Customize your teamsite\n---\n\n# Customize your teamsite\n\nA teamsite holds files.\n\n## Teamsite owners\n\nOwners of a teamsite.\n",
        )
        .file(
            "content/en-us/meetings.md",
            "---\ntitle: Meetings\n---\n\n# Meetings\n\nMeet in teams and share notes.\n",
        );
    let b = built(site.path());
    // `teams` is a word of the site: the page that has it comes first, its completion
    // `teamsite` (title and heading, so heavier) after it.
    assert_eq!(
        urls(&find(&b.out, "en-us", "teams")),
        ["/en-us/meetings/", "/en-us/teamsite/"]
    );
    // So is `team` (the stem of `teams`).
    assert_eq!(urls(&find(&b.out, "en-us", "team"))[0], "/en-us/meetings/");
    // `tea` is no word of the site: every completion weighs alike, the heavier first.
    assert_eq!(
        urls(&find(&b.out, "en-us", "tea")),
        ["/en-us/teamsite/", "/en-us/meetings/"]
    );
}

#[test]
fn dkim_ranks_the_dkim_article_first_on_the_sample_site() {
    let b = built(&fixtures_dir().join("../.."));
    let hits = find(&b.out, "en-us", "dkim");
    assert!(hits.len() > 1, "{hits:?}");
    assert_eq!(hits[0].url, "/en-us/authentication/dkim/");
    let sv = find(&b.out, "sv-se", "dkim");
    assert_eq!(sv[0].url, "/sv-se/authentication/dkim/");
    limits_hold(&b.out);
    // The snippets are the page's text: a heading is not glued to the text before it (the
    // title once read "Set up DKIM for mail to Contoso MailSet up DKIM ...").
    for h in &hits {
        let plain = h.snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(!plain.contains(&h.title), "{}: {plain:?}", h.url);
        assert!(!plain.contains("MailSet"), "{}: {plain:?}", h.url);
    }
}

/// No search file over 128 KB, at most max(3, pages / 20) files per locale.
fn limits_hold(out: &Path) {
    let mut locales = 0;
    for l in fs::read_dir(out).unwrap().flatten() {
        let dir = l.path().join("_search");
        if !dir.is_dir() {
            continue;
        }
        locales += 1;
        let meta: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("meta.json")).unwrap()).unwrap();
        let docs = meta["docs"].as_u64().unwrap() as usize;
        let files: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
        assert!(
            files.len() <= (docs / 20).max(3),
            "{}: {} files for {docs} pages",
            dir.display(),
            files.len()
        );
        for f in files {
            let len = f.metadata().unwrap().len();
            assert!(len <= 128 * 1024, "{}: {len} bytes", f.path().display());
        }
    }
    assert!(locales > 0, "no search files in {}", out.display());
}

/// A generated site of 300 articles (and their Swedish fallbacks): words from a small
/// vocabulary with numbers, so the index has many words and several files.
fn generated() -> crate::support::Site {
    let site = crate::support::Site::empty().file(
        "helpsite.yml",
        "title: T\nbase_url: https://h.example/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: sv-SE\n    name: Svenska\n",
    );
    let words = [
        "bounce",
        "relay",
        "mailbox",
        "quota",
        "sender",
        "domain",
        "record",
        "policy",
        "queue",
        "retry",
        "header",
        "spam",
        "filter",
        "reputation",
        "delist",
        "block",
        "limit",
        "rate",
        "postlåda",
        "avsändare",
        "studs",
        "kö",
        "gräns",
        "rykte",
    ];
    let mut seed: u64 = 7;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut toc = String::new();
    for i in 0..300 {
        let mut body =
            format!("---\ntitle: Article {i}\ndescription: About item{i}.\n---\n# Article {i}\n\n");
        for s in 0..4 {
            body.push_str(&format!("## Part {s} of {i}\n\n"));
            for _ in 0..60 {
                let w = words[(next() % words.len() as u64) as usize];
                body.push_str(&format!("{w}{} ", next() % 40));
            }
            body.push_str("\n\n");
        }
        crate::support::write(site.path(), &format!("content/en-us/a{i}.md"), &body);
        toc.push_str(&format!("- name: A{i}\n  href: a{i}.md\n"));
    }
    crate::support::write(site.path(), "content/en-us/toc.yml", &toc);
    site
}

#[test]
fn file_limits_hold_on_a_site_of_a_few_hundred_pages() {
    let site = generated();
    let b = built(site.path());
    limits_hold(&b.out);
    // Every page is found by its own word, in both locales.
    for i in [0, 150, 299] {
        let hits = find(&b.out, "en-us", &format!("item{i}"));
        assert_eq!(urls(&hits), [format!("/en-us/a{i}/").as_str()]);
        let hits = find(&b.out, "sv-se", &format!("item{i}"));
        assert_eq!(urls(&hits), [format!("/sv-se/a{i}/").as_str()]);
    }
}

/// Each search file of a locale: name -> (inode, modification time).
fn stamps(
    out: &Path,
    locale: &str,
) -> std::collections::BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    fs::read_dir(out.join(locale).join("_search"))
        .unwrap()
        .flatten()
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                (m.ino(), m.modified().unwrap()),
            )
        })
        .collect()
}

#[test]
fn rebuilds_write_only_the_search_files_that_changed() {
    let site = generated();
    let root = site.path();
    let build = || {
        let r = crate::support::run_in(root, &["build"]);
        r.expect_ok();
    };
    build();
    let out = root.join("public");
    let before = stamps(&out, "en-us");
    let sv_before = stamps(&out, "sv-se");
    assert!(before.len() > 4, "{before:?}");
    // No change: not one search file is written.
    build();
    assert_eq!(stamps(&out, "en-us"), before);
    assert_eq!(stamps(&out, "sv-se"), sv_before);

    // One article: a word replaced by another (the page's length stays the same).
    let path = root.join("content/en-us/a150.md");
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replacen("## Part 2 of 150\n\n", "## Part 2 of 150\n\nzyxwvut ", 1);
    let first = edited
        .split("zyxwvut ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let edited = edited.replacen(&format!("zyxwvut {first} "), "zyxwvut ", 1);
    assert_ne!(edited, text);
    fs::write(&path, edited).unwrap();
    build();
    let after = stamps(&out, "en-us");
    let new: Vec<&String> = after
        .iter()
        .filter(|(name, st)| before.get(*name) != Some(st))
        .map(|(name, _)| name)
        .collect();
    // meta.json and the chunks holding the two words; not the page's record file (records hold
    // no section text, and the page's title, summary and headings are the same).
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("en-us/_search/meta.json")).unwrap()).unwrap();
    let k = meta["k"].as_u64().unwrap() as usize;
    let doc = find(&out, "en-us", "item150")[0].doc;
    let record = meta["records"][doc / k].as_str().unwrap();
    let holding = |w: &str| -> String {
        meta["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[0].as_str().unwrap() <= w && w <= c[1].as_str().unwrap())
            .map(|c| c[2].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let mut expected = vec!["meta.json".to_string()];
    expected.push(holding("zyxwvut"));
    expected.push(holding(&first));
    expected.sort();
    expected.dedup();
    let mut new: Vec<String> = new.into_iter().cloned().collect();
    new.sort();
    assert_eq!(new, expected, "{first}");
    assert!(!new.contains(&record.to_string()));
    // The Swedish fallback of the article changed the same way.
    assert!(stamps(&out, "sv-se").len() > 4);
    assert_eq!(urls(&find(&out, "en-us", "zyxwvut")), ["/en-us/a150/"]);
}

#[test]
fn html_tags_in_tables_separate_words() {
    let b = fixture();
    assert_eq!(
        urls(&find(&b.out, "en-us", "retention")),
        ["/docs/en-us/mail/users/"]
    );
    assert!(find(&b.out, "en-us", "quotaretention").is_empty());
}

#[test]
fn search_false_writes_no_index() {
    let site = crate::support::Site::fixture("search");
    let cfg = fs::read_to_string(site.path().join("helpsite.yml")).unwrap();
    fs::write(
        site.path().join("helpsite.yml"),
        format!("{cfg}search: false\n"),
    )
    .unwrap();
    let b = built(site.path());
    assert!(b.out.join("en-us/mail/mailbox/index.html").is_file());
    for l in ["en-us", "sv-se", "da-dk", "ar-sa"] {
        assert!(!b.out.join(l).join("_search").exists(), "{l}");
    }
}

/// Pages with hundreds of long headings (reference pages): the records, even trimmed to
/// their shortest, do not fit one file of `k` pages, so fewer pages go in a file. No search
/// file is over 128 KB (the size limit wins over the file count here), and a heading's word
/// still links to its section (of the first 64: `search::entry::MAX_SECTIONS`).
#[test]
fn records_of_pages_with_many_long_headings_stay_under_the_file_size_limit() {
    let site = crate::support::Site::empty().file(
        "helpsite.yml",
        "title: T\nbase_url: https://h.example/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
    );
    let mut toc = String::new();
    for i in 0..20 {
        let mut body = format!("---\ntitle: Reference {i}\n---\n# Reference {i}\n\n");
        for j in 0..120 {
            body.push_str(&format!(
                "## Parameter h{i}x{j} of the reference cmdlet that sets the mailbox quota and the retention of deleted items\n\nText {j}.\n\n"
            ));
        }
        crate::support::write(site.path(), &format!("content/en-us/r{i}.md"), &body);
        toc.push_str(&format!("- name: R{i}\n  href: r{i}.md\n"));
    }
    crate::support::write(site.path(), "content/en-us/toc.yml", &toc);
    let b = built(site.path());
    let dir = b.out.join("en-us/_search");
    for f in fs::read_dir(&dir).unwrap().flatten() {
        let len = f.metadata().unwrap().len();
        assert!(len <= 128 * 1024, "{}: {len} bytes", f.path().display());
    }
    let hits = find(&b.out, "en-us", "h7x40");
    assert_eq!(urls(&hits), ["/en-us/r7/"]);
    assert!(
        hits[0].href.starts_with("/en-us/r7/#parameter-h7x40-"),
        "{}",
        hits[0].href
    );
}

/// A page's entry is kept in the build cache by its body's key and its includes' content: a
/// rebuild after only an included file changed indexes the page's new words, not its old ones.
#[test]
fn a_rebuild_after_an_include_changed_indexes_the_new_text() {
    let site = crate::support::Site::empty()
        .file(
            "helpsite.yml",
            "title: T\nbase_url: https://h.example/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
        )
        .file(
            "content/en-us/guide.md",
            "---\ntitle: Guide\n---\n# Guide\n\nIntro.\n\n[!INCLUDE [step](includes/step.md)]\n",
        )
        .file("content/en-us/other.md", "---\ntitle: Other\n---\n# Other\n\nText.\n")
        .file("content/en-us/includes/step.md", "Peel the kumquat first.\n");
    let root = site.path();
    let out = root.join("public");
    crate::support::run_in(root, &["build"]).expect_ok();
    assert_eq!(urls(&find(&out, "en-us", "kumquat")), ["/en-us/guide/"]);
    fs::write(
        root.join("content/en-us/includes/step.md"),
        "Peel the rambutan first.\n",
    )
    .unwrap();
    let run = crate::support::run_in(root, &["build", "-v"]);
    run.expect_ok();
    // The other page's body (and entry) came from the cache; the guide's was made again.
    assert!(
        run.stderr.contains("1 of 2 pages' Markdown reused"),
        "{}",
        run.stderr
    );
    assert_eq!(urls(&find(&out, "en-us", "rambutan")), ["/en-us/guide/"]);
    assert!(find(&out, "en-us", "kumquat").is_empty());
}
