//! `raw_html: sanitize`: the page body goes through ammonia with an allow-list of the markup
//! helpsite itself writes (alerts, tabs, figures, highlighted code, tables...). Scripts, event
//! handlers, `javascript:` URLs, styles and unknown elements are dropped.

use std::collections::HashSet;
use std::sync::OnceLock;

fn builder() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
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
        b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        b.attribute_filter(|element, attribute, value| match (element, attribute) {
            // Table alignment is the only style helpsite writes.
            (_, "style") => matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            )
            .then(|| value.into()),
            ("iframe", "src") => value.starts_with("https://").then(|| value.into()),
            ("input", "type") => (value == "checkbox").then(|| value.into()),
            _ => Some(value.into()),
        });
        b
    })
}

pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_helpsite_markup_and_drops_scripts() {
        let out = clean(
            "<div class=\"alert is-note\" role=\"note\" aria-label=\"Note\"><p>x</p></div><script>alert(1)</script><img src=\"a.png\" alt=\"a\" onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">j</a><td style=\"color: red\">",
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
        let iframe = clean("<iframe src=\"http://x.example\"></iframe><iframe src=\"https://v.example/e\" loading=\"lazy\"></iframe>");
        assert_eq!(iframe.matches("src=").count(), 1, "{iframe}");
    }

    /// The accessibility markup (task-list labels, scroll regions, footnotes) survives.
    #[test]
    fn keeps_accessibility_markup() {
        let html = "<ul><li><label class=\"task-list-item\"><input type=\"checkbox\" disabled checked> done</label></li></ul><div class=\"table-scroll\" role=\"group\" tabindex=\"0\" aria-label=\"Table\"><table></table></div><section class=\"footnotes\" aria-labelledby=\"footnotes-title\"></section>";
        let out = clean(html);
        for part in [
            "<label class=\"task-list-item\"><input",
            "role=\"group\" tabindex=\"0\" aria-label=\"Table\"",
            "<section class=\"footnotes\" aria-labelledby=\"footnotes-title\">",
        ] {
            assert!(out.contains(part), "{part} in {out}");
        }
    }
}
