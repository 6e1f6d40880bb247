//! What page metadata and the configuration put around an article, as on Microsoft Learn: the
//! "Edit this page" link to the rendered source file, the feedback links (a prefilled GitHub
//! issue from `feedback_system`/`feedback_github_repo`, else the `feedback_url` template, and
//! `feedback_product_url`), `titleSuffix` in `<title>`, and `ROBOTS: NOINDEX` as
//! `<meta name="robots">` with the page left out of the sitemap.

use std::path::PathBuf;

use crate::support::{read, redact_path, run_in, write, Run};

const CONFIG: &str = "title: Mail Help
base_url: https://docs.example.com/help/
source_locale: en-US
locales:
  - code: en-US
    name: English
  - code: sv-SE
    name: Svenska
  - code: ar-SA
    name: العربية
    path: ../ar-checkout/docs
    edit_url: https://github.com/org/help.ar-SA/blob/live/docs/{locale_path}
edit_url: https://github.com/org/help/blob/main/{path}
feedback_url: https://feedback.example.com/?page={url}&title={title}
";

/// A site in `<tmp>/site` with its Arabic locale in a checkout beside it (`<tmp>/ar-checkout`),
/// as a localized repository is: pages with and without link metadata, a `titleSuffix`,
/// `ROBOTS` in two spellings, a Swedish translation and a Swedish fallback page.
struct Fixture {
    tmp: tempfile::TempDir,
}

impl Fixture {
    fn new(config: &str) -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let r = tmp.path().join("site");
        write(&r, "helpsite.yml", config);
        write(
            &r,
            "content/en-us/index.md",
            "---\ntitle: Home\n---\n# Home\n\nWelcome.\n",
        );
        write(
            &r,
            "content/en-us/guides/set up.md",
            "---\ntitle: Set up & go\ntitleSuffix: Mail admin\nfeedback_system: GitHub\nfeedback_github_repo: org/help-docs\nfeedback_product_url: https://feedback.example.com/product\n---\n# Set up & go\n\nSteps.\n",
        );
        write(
            &r,
            "content/en-us/hidden.md",
            "---\ntitle: Hidden\nROBOTS: NOINDEX, NOFOLLOW\nhideEdit: true\nfeedback_system: None\n---\n# Hidden\n\nArchived.\n",
        );
        write(
            &r,
            "content/en-us/archived.md",
            "---\ntitle: Archived\nrobots: noindex\n---\n# Archived\n\nOld.\n",
        );
        write(
            &r,
            "content/sv-se/index.md",
            "---\ntitle: Start\nms.contentlocale: sv-SE\n---\n# Start\n\nVälkommen.\n",
        );
        write(
            tmp.path(),
            "ar-checkout/docs/index.md",
            "---\ntitle: الرئيسية\nms.contentlocale: ar-SA\n---\n# الرئيسية\n\nمرحبا.\n",
        );
        Fixture { tmp }
    }

    fn site(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    fn build(&self) -> Run {
        let mut run = run_in(&self.site(), &["build"]);
        run.stderr = redact_path(&run.stderr, self.tmp.path());
        run
    }

    fn page(&self, url: &str) -> String {
        read(self.site().join("public").join(url).join("index.html"))
    }
}

/// The parts of a page this feature writes: `<title>`, `<meta name="robots">`, the action bar
/// and the feedback section.
fn chrome_of(html: &str) -> String {
    let mut out = Vec::new();
    let mut lines = html.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("<title>") || t.starts_with("<meta name=\"robots\"") {
            out.push(t.to_string());
        } else if t == "<div class=\"article-actions\">"
            || t.starts_with("<section class=\"feedback\"")
        {
            let end = if t.starts_with("<div") {
                "</div>"
            } else {
                "</section>"
            };
            out.push(t.to_string());
            for l in lines.by_ref() {
                let l = l.trim();
                if !l.is_empty() {
                    out.push(l.to_string());
                }
                if l == end {
                    break;
                }
            }
        }
    }
    out.join("\n")
}

fn snapshot_pages(f: &Fixture, urls: &[&str]) -> String {
    urls.iter()
        .map(|u| format!("== {u}\n{}\n", chrome_of(&f.page(u))))
        .collect()
}

#[test]
fn edit_and_feedback_links_title_suffix_and_robots() {
    let f = Fixture::new(CONFIG);
    f.build().expect_ok();
    insta::assert_snapshot!(
        "links_per_page",
        snapshot_pages(
            &f,
            &[
                "en-us",
                "en-us/guides/set-up",
                "en-us/hidden",
                "en-us/archived",
                "sv-se",
                "sv-se/guides/set-up",
                "ar-sa",
                "ar-sa/guides/set-up",
            ]
        )
    );
}

/// The GitHub issue link carries the page's title and a body naming the page and its source,
/// percent-encoded, so neither can add a parameter or end the URL.
#[test]
fn the_issue_link_is_prefilled_with_the_page() {
    let f = Fixture::new(CONFIG);
    f.build().expect_ok();
    let html = f.page("en-us/guides/set-up");
    let href = crate::support::attr_values(&html, "href")
        .into_iter()
        .find(|h| h.starts_with("https://github.com/org/help-docs/issues/new?"))
        .expect("an issue link")
        .replace("&amp;", "&");
    let url = url::Url::parse(&href).unwrap();
    let q: std::collections::BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q.keys().collect::<Vec<_>>(), ["body", "title"]);
    assert_eq!(q["title"], "Set up & go");
    assert!(
        q["body"]
            .contains("* Page: [Set up & go](https://docs.example.com/help/en-us/guides/set-up/)"),
        "{}",
        q["body"]
    );
    assert!(
        q["body"].contains("* Source: [content/en-us/guides/set up.md](https://github.com/org/help/blob/main/content/en-us/guides/set%20up.md)"),
        "{}",
        q["body"]
    );
}

#[test]
fn sitemaps_leave_out_noindex_pages() {
    let f = Fixture::new(CONFIG);
    f.build().expect_ok();
    let public = f.site().join("public");
    let en = read(public.join("en-us/sitemap.xml"));
    insta::assert_snapshot!("sitemap_en", en);
    // Not listed in any locale, fallback pages included.
    for l in ["en-us", "sv-se", "ar-sa"] {
        let xml = read(public.join(l).join("sitemap.xml"));
        assert!(
            !xml.contains("/hidden/") && !xml.contains("/archived/"),
            "{l}:\n{xml}"
        );
        assert!(xml.contains("/guides/set-up/"), "{l}:\n{xml}");
    }
    // The pages themselves are still published.
    assert!(public.join("en-us/hidden/index.html").is_file());
}

/// Without `edit_url`, `feedback_url` or link metadata, pages have neither links nor a
/// feedback section, and the `<title>` is the page's and the site's.
#[test]
fn no_links_without_configuration_or_metadata() {
    let config = CONFIG
        .lines()
        .filter(|l| !l.contains("edit_url") && !l.contains("feedback_url"))
        .collect::<Vec<_>>()
        .join("\n");
    let f = Fixture::new(&config);
    f.build().expect_ok();
    let home = f.page("en-us");
    assert!(!home.contains("article-actions") && !home.contains("class=\"feedback\""));
    assert!(home.contains("<title>Home | Mail Help</title>"));
    // Metadata alone still makes its links: the issue and product feedback, no edit link.
    assert_eq!(
        chrome_of(&f.page("en-us/guides/set-up"))
            .lines()
            .filter(|l| l.contains("<a "))
            .count(),
        2
    );
    assert!(!f.page("en-us/guides/set-up").contains("edit-link"));
}

/// A template the URL policy refuses is an `unsafe_url` error at its place in helpsite.yml, and
/// no page gets that link.
#[test]
fn an_unsafe_template_is_reported_and_not_written() {
    let config = CONFIG.replace(
        "edit_url: https://github.com/org/help/blob/main/{path}",
        "edit_url: \"javascript:alert({title})\"",
    );
    let f = Fixture::new(&config);
    let run = f.build();
    run.expect_code(1);
    assert!(run.stderr.contains("helpsite.yml:13:12"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`edit_url`: the `javascript:` URL"),
        "{}",
        run.stderr
    );
    assert!(!f.site().join("public").exists());
    // Built anyway (the finding lowered to a warning): no page has an edit link.
    let f = Fixture::new(&format!("{config}checks: {{ unsafe_url: warning }}\n"));
    let run = f.build();
    run.expect_ok();
    assert!(run.stderr.contains("helpsite.yml:13:12"), "{}", run.stderr);
    for u in [
        "en-us",
        "en-us/guides/set-up",
        "sv-se",
        "ar-sa/guides/set-up",
    ] {
        let html = f.page(u);
        assert!(
            !html.contains("edit-link") && !html.contains("javascript:"),
            "{u}"
        );
    }
    // The Arabic locale's own template is safe: its translated page keeps its link.
    assert!(f.page("ar-sa").contains("edit-link"));
}

/// Unknown placeholders are configuration errors (exit 2) at the template.
#[test]
fn an_unknown_placeholder_is_a_configuration_error() {
    let config = CONFIG.replace("{url}", "{link}");
    let f = Fixture::new(&config);
    let run = f.build();
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("`feedback_url`: `{link}` is not a placeholder"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("helpsite.yml:14:15"), "{}", run.stderr);
}

/// Link metadata in a page's front matter that cannot make a link is reported at its value: a
/// `feedback_github_repo` that names no repository, a `feedback_product_url` the URL policy
/// refuses. Built anyway (lowered to warnings), the page has the `feedback_url` link instead
/// and no product link.
#[test]
fn bad_link_metadata_in_front_matter_is_reported() {
    let page = "---\ntitle: Set up & go\nfeedback_system: GitHub\nfeedback_github_repo: https://github.com/org/help\nfeedback_product_url: javascript:alert(1)\n---\n# Set up & go\n";
    let f = Fixture::new(CONFIG);
    write(&f.site(), "content/en-us/guides/set up.md", page);
    let run = run_in(&f.site(), &["check"]);
    run.expect_code(1);
    for (at, what) in [
        (
            "content/en-us/guides/set up.md:4:23",
            "does not name a GitHub repository",
        ),
        ("content/en-us/guides/set up.md:5:23", "could run script"),
    ] {
        assert!(run.stderr.contains(at), "{at}\n{}", run.stderr);
        assert!(run.stderr.contains(what), "{what}\n{}", run.stderr);
    }
    let f = Fixture::new(&format!(
        "{CONFIG}checks: {{ front_matter: warning, unsafe_url: warning }}\n"
    ));
    write(&f.site(), "content/en-us/guides/set up.md", page);
    f.build().expect_ok();
    let html = f.page("en-us/guides/set-up");
    assert!(html.contains("https://feedback.example.com/?page="));
    assert!(!html.contains("github.com/org/help/issues") && !html.contains("javascript:"));
}
