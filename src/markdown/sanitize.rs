//! `raw_html: sanitize`: the page body goes through ammonia with an allow-list of the markup
//! helpsite itself writes (alerts, tabs, figures, highlighted code, tables...). Scripts, event
//! handlers, styles and unknown elements are dropped, and every URL attribute is held to the
//! site's URL policy ([`crate::url_policy`]) on the parsed document, so an attribute the
//! Markdown pass could not see (a tag whose meaning depends on what surrounds it) is still
//! checked. Iframes keep a `src` only from the configured embed hosts.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use crate::config::UrlsConfig;
use crate::markdown::raw_html;
use crate::url_policy::{UrlPolicy, SAFE_SCHEMES};

type Builders = Mutex<Vec<(String, Arc<ammonia::Builder<'static>>)>>;

/// The cleaner for one URL policy. Few sites' policies exist in one process (one per
/// configuration `serve` has seen), so each is built once and kept.
fn builder(policy: &UrlPolicy) -> Arc<ammonia::Builder<'static>> {
    static BUILDERS: OnceLock<Builders> = OnceLock::new();
    let urls = policy.urls().clone();
    let key = format!("{urls:?}");
    let mut all = BUILDERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((_, b)) = all.iter().find(|(k, _)| *k == key) {
        return b.clone();
    }
    let b = Arc::new(make(urls));
    all.push((key, b.clone()));
    b
}

fn make(urls: UrlsConfig) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    let extra_tags: HashSet<&str> = [
        "figure",
        "figcaption",
        "details",
        "summary",
        "section",
        "aside",
        "button",
        "iframe",
        "mark",
        "input",
        "label",
        "sup",
        "sub",
        "time",
    ]
    .into_iter()
    .collect();
    b.add_tags(extra_tags);
    b.add_generic_attributes([
        "class", "id", "role", "tabindex", "hidden", "lang", "dir", "title",
    ]);
    b.add_generic_attribute_prefixes(["aria-", "data-"]);
    b.add_tag_attributes("img", ["loading"]);
    b.add_tag_attributes("iframe", ["src", "loading", "allowfullscreen"]);
    b.add_tag_attributes("input", ["type", "disabled", "checked"]);
    b.add_tag_attributes("button", ["type"]);
    b.add_tag_attributes("th", ["style"]);
    b.add_tag_attributes("td", ["style"]);
    b.add_tag_attributes("ol", ["start"]);
    b.add_tag_attributes("code", ["class"]);
    b.link_rel(None);
    // ammonia's own scheme check is the coarse one; the attribute filter below applies the
    // site's policy per use (a `data:` URL only as an image, iframes only from embed hosts).
    // The scheme names must live as long as the cleaner, which is kept for the process.
    let mut schemes: HashSet<&'static str> = SAFE_SCHEMES.into_iter().collect();
    for s in &urls.schemes {
        schemes.insert(Box::leak(s.to_ascii_lowercase().into_boxed_str()));
    }
    if urls.data_images {
        schemes.insert("data");
    }
    b.url_schemes(schemes);
    b.attribute_filter(move |element, attribute, value| {
        let policy = UrlPolicy::with(&urls, true);
        match (element, attribute) {
            // Table alignment is the only style helpsite writes.
            (_, "style") => matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            )
            .then(|| value.into()),
            ("input", "type") => (value == "checkbox").then(|| value.into()),
            (tag, name) if raw_html::url_attribute(tag, name) => {
                let usage = raw_html::usage(tag, name);
                raw_html::urls_in(name, value)
                    .into_iter()
                    .all(|u| policy.check(u, usage).is_ok())
                    .then(|| value.into())
            }
            _ => Some(value.into()),
        }
    });
    b
}

pub fn clean(html: &str, policy: &UrlPolicy) -> String {
    builder(policy).clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_helpsite_markup_and_drops_scripts() {
        let urls = UrlsConfig::default();
        let policy = UrlPolicy::with(&urls, true);
        let out = clean(
            "<div class=\"alert is-note\" role=\"note\" aria-label=\"Note\"><p>x</p></div><script>alert(1)</script><img src=\"a.png\" alt=\"a\" onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">j</a><td style=\"color: red\">",
            &policy,
        );
        assert!(
            out.contains("<div class=\"alert is-note\" role=\"note\" aria-label=\"Note\">"),
            "{out}"
        );
        assert!(
            !out.contains("script") && !out.contains("onerror") && !out.contains("javascript"),
            "{out}"
        );
        assert!(out.contains("<img src=\"a.png\" alt=\"a\">"), "{out}");
        let iframe = clean(
            "<iframe src=\"https://x.example/e\"></iframe><iframe src=\"https://www.youtube-nocookie.com/embed/x\" loading=\"lazy\"></iframe>",
            &policy,
        );
        assert_eq!(iframe.matches("src=").count(), 1, "{iframe}");
        assert!(iframe.contains("youtube-nocookie"), "{iframe}");
    }

    #[test]
    fn data_images_only_when_allowed_and_only_as_images() {
        let png =
            "<img src=\"data:image/png;base64,AA\"><a href=\"data:image/png;base64,AA\">x</a>";
        let off = UrlsConfig::default();
        let on = UrlsConfig {
            data_images: true,
            ..UrlsConfig::default()
        };
        assert!(!clean(png, &UrlPolicy::with(&off, true)).contains("data:"));
        let out = clean(png, &UrlPolicy::with(&on, true));
        assert_eq!(out.matches("data:").count(), 1, "{out}");
        assert!(out.contains("<img src=\"data:"), "{out}");
    }

    /// The accessibility markup (task-list labels, scroll regions, footnotes) survives.
    #[test]
    fn keeps_accessibility_markup() {
        let html = "<ul><li><label class=\"task-list-item\"><input type=\"checkbox\" disabled checked> done</label></li></ul><div class=\"table-scroll\" role=\"group\" tabindex=\"0\" aria-label=\"Table\"><table></table></div><section class=\"footnotes\" aria-labelledby=\"footnotes-title\"></section>";
        let out = clean(html, &UrlPolicy::with(&UrlsConfig::default(), true));
        for part in [
            "<label class=\"task-list-item\"><input",
            "role=\"group\" tabindex=\"0\" aria-label=\"Table\"",
            "<section class=\"footnotes\" aria-labelledby=\"footnotes-title\">",
        ] {
            assert!(out.contains(part), "{part} in {out}");
        }
    }
}
