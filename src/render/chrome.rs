//! What a page's metadata (its front matter, with any docset metadata merged into it) and the
//! configuration put around its article, the way Microsoft Learn does: the "Edit this page"
//! link, the feedback links, the `<title>` suffix (`titleSuffix`) and the robots directives
//! (`ROBOTS: NOINDEX`, which also keeps the page out of the sitemap).
//!
//! Every link goes through `url_policy`: a template the policy refuses is an `unsafe_url`
//! finding at helpsite.yml, and no page gets that link.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind};
use crate::frontmatter;
use crate::link_template::{self, Values};
use crate::site::{PageId, PageState, Site};
use crate::url_policy::{UrlPolicy, UrlUse};

/// The links of one page, each checked by the URL policy; `None` where there is none.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Links {
    /// "Edit this page": the page's source file in its repository.
    pub edit: Option<String>,
    /// A new issue on the GitHub repository the metadata names, prefilled with the page.
    pub issue: Option<String>,
    /// The `feedback_url` template, filled in (when there is no `issue` link).
    pub feedback: Option<String>,
    /// `feedback_product_url` of the metadata: feedback on the product, not the page.
    pub product: Option<String>,
}

/// The `<title>` suffix of a page (`titleSuffix`, usually set for a whole docset).
pub fn title_suffix(meta: &Map<String, Value>) -> Option<String> {
    frontmatter::string_field(meta, "titleSuffix")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The robots directives of a page (`ROBOTS: NOINDEX, NOFOLLOW`; the key and the values in any
/// case), lower-case and `, `-separated, as `<meta name="robots">` carries them.
pub fn robots(meta: &Map<String, Value>) -> Option<String> {
    let value = match meta.get("ROBOTS") {
        Some(v) => v,
        None => meta
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("robots"))
            .map(|(_, v)| v)?,
    };
    let words: Vec<String> = match value {
        Value::String(s) => s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|w| w.trim().to_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    (!words.is_empty()).then(|| words.join(", "))
}

/// Whether search engines are asked not to index the page (`noindex`, or `none`): such a page
/// is left out of the sitemap.
pub fn noindex(meta: &Map<String, Value>) -> bool {
    robots(meta).is_some_and(|r| r.split(", ").any(|w| w == "noindex" || w == "none"))
}

/// A metadata flag: `true` as a boolean or as text in any case.
fn flag(meta: &Map<String, Value>, key: &str) -> bool {
    match meta.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// `feedback_system` of the metadata, lower-case: `github` or `opensource` make the feedback
/// link a GitHub issue; `none` removes every feedback link.
fn feedback_system(meta: &Map<String, Value>) -> Option<String> {
    frontmatter::string_field(meta, "feedback_system").map(|s| s.trim().to_ascii_lowercase())
}

/// `owner/name` as GitHub allows them (letters, digits, `-`, `.`, `_`).
fn is_github_repo(s: &str) -> bool {
    let ok = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    };
    matches!(s.split_once('/'), Some((owner, name)) if ok(owner) && ok(name) && name != "." && name != "..")
}

/// The `edit_url` template for the pages whose rendered file belongs to locale `lid`: the
/// locale's own, else the site's.
fn edit_template(site: &Site, lid: usize) -> Option<&str> {
    let cfg = &site.config.config;
    let code = &site.locales[lid].code;
    cfg.locales
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(code))
        .and_then(|l| l.edit_url.as_deref())
        .or(cfg.edit_url.as_deref())
}

/// The edit and feedback links of page `pid`.
pub fn links(site: &Site, pid: PageId) -> Links {
    let page = &site.pages[pid];
    let cfg = &site.config.config;
    let policy = UrlPolicy::new(cfg);
    let allowed = |url: String| policy.check(&url, UrlUse::Link).is_ok().then_some(url);
    let meta = page.meta();
    // The file actually rendered: the source locale's for a fallback page.
    let content_locale = page.content_locale(site);
    let path = link_template::relative_to(&site.config.root, &page.source.path);
    let locale_path =
        link_template::relative_to(&site.locales[content_locale].root, &page.source.path)
            .unwrap_or_else(|| page.rel.clone());
    let url = format!("{}/{}", cfg.origin_and_base(), page.url);
    let values = Values {
        path: path.as_deref(),
        locale_path: &locale_path,
        title: &page.title,
        url: &url,
    };
    let mut out = Links::default();
    if !flag(meta, "hideEdit") {
        out.edit = edit_template(site, content_locale)
            .and_then(|t| link_template::fill(t, &values))
            .and_then(allowed);
    }
    let system = feedback_system(meta);
    if system.as_deref() == Some("none") {
        return out;
    }
    let repo = frontmatter::string_field(meta, "feedback_github_repo")
        .map(|r| r.trim().to_string())
        .filter(|r| is_github_repo(r));
    if let (Some("github" | "opensource"), Some(repo)) = (system.as_deref(), repo) {
        out.issue = allowed(issue_url(
            &repo,
            &page.title,
            &url,
            path.as_deref().unwrap_or(&locale_path),
            out.edit.as_deref(),
        ));
    }
    if out.issue.is_none() {
        out.feedback = cfg
            .feedback_url
            .as_deref()
            .and_then(|t| link_template::fill(t, &values))
            .and_then(allowed);
    }
    out.product = frontmatter::string_field(meta, "feedback_product_url")
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .and_then(allowed);
    out
}

/// A new issue on GitHub repository `repo` about the page, the way Microsoft Learn's "Open a
/// documentation issue" prefills it: the page's title, and a body that names the page and its
/// source file below the space for the reader's text.
fn issue_url(repo: &str, title: &str, url: &str, path: &str, edit: Option<&str>) -> String {
    let md_text = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('[', "\\[")
            .replace(']', "\\]")
    };
    let source = match edit {
        Some(e) => format!("[{}]({e})", md_text(path)),
        None => format!("`{}`", path.replace('`', "")),
    };
    let body = format!(
        "\n\n---\n#### Document details\n\n* Page: [{}]({url})\n* Source: {source}\n",
        md_text(title)
    );
    format!(
        "https://github.com/{repo}/issues/new?title={}&body={}",
        crate::paths::encode_component(title),
        crate::paths::encode_component(&body)
    )
}

/// The link templates of the configuration that the URL policy refuses: `unsafe_url` findings
/// at helpsite.yml. (Their placeholders were checked when the configuration was read.)
pub fn template_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    let loaded = &site.config;
    let cfg = &loaded.config;
    let policy = UrlPolicy::new(cfg);
    let mut templates: Vec<(&str, &str)> = Vec::new();
    templates.extend(cfg.edit_url.as_deref().map(|t| ("edit_url", t)));
    templates.extend(cfg.feedback_url.as_deref().map(|t| ("feedback_url", t)));
    for l in &cfg.locales {
        templates.extend(l.edit_url.as_deref().map(|t| ("edit_url", t)));
    }
    for (key, t) in templates {
        if let Err(r) = policy.check(&link_template::sample(t), UrlUse::Link) {
            let span = match loaded.source.text.find(t) {
                Some(i) if !t.is_empty() => i..i + t.len(),
                _ => 0..0,
            };
            diags.push(
                Diagnostic::new(Kind::UnsafeUrl, format!("`{key}`: {}", r.message))
                    .at(&loaded.source, span)
                    .hint(r.hint),
            );
        }
    }
}

/// Findings about the link metadata written in a page's own front matter: a
/// `feedback_github_repo` that names no repository, a `feedback_product_url` the URL policy
/// refuses. (Values merged in from elsewhere are the business of whoever merged them.)
pub fn metadata_findings(site: &Site, diags: &mut Vec<Diagnostic>) {
    let policy = UrlPolicy::new(&site.config.config);
    for p in site.pages.iter().filter(|p| p.state != PageState::Fallback) {
        let Some(yaml) = &p.front.yaml else { continue };
        let own = |key: &str| {
            crate::source::yaml::top_level_key_lines(&p.source.text[yaml.clone()], key)
                .next()
                .is_some()
        };
        if let Some(repo) = frontmatter::string_field(p.meta(), "feedback_github_repo") {
            if !is_github_repo(repo.trim()) && own("feedback_github_repo") {
                diags.push(
                    Diagnostic::new(
                        Kind::FrontMatter,
                        format!("`feedback_github_repo: {repo}` does not name a GitHub repository"),
                    )
                    .at(
                        &p.source,
                        frontmatter::field_span(&p.source, &p.front, "feedback_github_repo"),
                    )
                    .hint("write `owner/name`, such as `MicrosoftDocs/microsoft-365-docs`"),
                );
            }
        }
        if let Some(u) = frontmatter::string_field(p.meta(), "feedback_product_url") {
            if let Err(r) = policy.check(u.trim(), UrlUse::Link) {
                if own("feedback_product_url") {
                    diags.push(
                        Diagnostic::new(Kind::UnsafeUrl, r.message)
                            .at(
                                &p.source,
                                frontmatter::field_span(
                                    &p.source,
                                    &p.front,
                                    "feedback_product_url",
                                ),
                            )
                            .hint(r.hint),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn robots_in_any_case_and_form() {
        assert_eq!(
            robots(&meta(json!({"ROBOTS": "NOINDEX"}))).as_deref(),
            Some("noindex")
        );
        assert_eq!(
            robots(&meta(json!({"robots": "noindex,NOFOLLOW"}))).as_deref(),
            Some("noindex, nofollow")
        );
        assert_eq!(robots(&meta(json!({"ROBOTS": ""}))), None);
        assert!(noindex(&meta(json!({"Robots": "NOINDEX, NOFOLLOW"}))));
        assert!(noindex(&meta(json!({"ROBOTS": "none"}))));
        assert!(!noindex(&meta(json!({"ROBOTS": "nofollow"}))));
        assert!(!noindex(&meta(json!({"title": "x"}))));
    }

    #[test]
    fn github_repositories_and_issue_urls() {
        assert!(is_github_repo("MicrosoftDocs/microsoft-365-docs"));
        assert!(is_github_repo("o/r.nl-NL"));
        for bad in [
            "o",
            "o/r/x",
            "/r",
            "o/",
            "o/..",
            "o r/x",
            "o/r?x",
            "https://github.com/o/r",
        ] {
            assert!(!is_github_repo(bad), "{bad}");
        }
        let u = issue_url(
            "o/r",
            "A & [B]",
            "https://h.example/en-us/a/",
            "content/en-us/a.md",
            None,
        );
        assert!(
            u.starts_with("https://github.com/o/r/issues/new?title=A%20%26%20%5BB%5D&body="),
            "{u}"
        );
        let body = crate::paths::percent_decode(u.split_once("&body=").unwrap().1);
        assert_eq!(
            body,
            "\n\n---\n#### Document details\n\n* Page: [A & \\[B\\]](https://h.example/en-us/a/)\n* Source: `content/en-us/a.md`\n"
        );
    }
}
