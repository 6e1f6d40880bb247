//! Resolves link and image targets the way DocFX writes them: relative `.md` paths, site-root
//! paths (`/a/b.md`, `/a/b`), `~/` paths, `xref:` uids, in-page `#anchors`, and static files,
//! always to the page in the reader's locale (translated or fallback).

use crate::diagnostics::Kind;
use crate::markdown::expand::FileRef;
use crate::paths;
use crate::site::{LocaleId, PageId, Site};

#[derive(Debug, PartialEq)]
pub enum Resolved {
    /// Left as written: `https:`, `mailto:`, protocol-relative, or a data URL.
    External,
    /// `#fragment` on the same page.
    InPage {
        fragment: String,
    },
    Page {
        href: String,
        target: PageId,
        fragment: Option<String>,
    },
    Asset {
        href: String,
    },
    Broken {
        kind: Kind,
        message: String,
        hint: &'static str,
    },
}

pub struct LinkCtx<'a> {
    pub site: &'a Site,
    /// Locale of the page being rendered: links go to its pages.
    pub reader: LocaleId,
    pub uids: &'a std::collections::HashMap<String, String>,
}

pub fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.len() > 1 // `C:` is a drive letter, not a scheme
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !scheme.eq_ignore_ascii_case("xref")
        }
        None => false,
    }
}

pub fn resolve(ctx: &LinkCtx, from: &FileRef, url: &str, image: bool) -> Resolved {
    let url = url.trim();
    if url.is_empty() {
        return Resolved::Broken {
            kind: Kind::BrokenLink,
            message: "the link has an empty target".into(),
            hint: "write the path of the page or file to link to",
        };
    }
    if let Some(f) = url.strip_prefix('#') {
        return Resolved::InPage {
            fragment: paths::percent_decode(f),
        };
    }
    if is_external(url) {
        return Resolved::External;
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((a, b)) => (a, Some(paths::percent_decode(b))),
        None => (url, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    if let Some(uid) = path.strip_prefix("xref:") {
        let uid = paths::percent_decode(uid);
        return match ctx
            .uids
            .get(&uid)
            .and_then(|rel| ctx.site.lookup(ctx.reader, rel))
        {
            Some(p) => page(ctx, p, query, fragment),
            None => Resolved::Broken {
                kind: Kind::BrokenLink,
                message: format!("no page has `uid: {uid}`"),
                hint: "check the uid, or add it to the target page's front matter",
            },
        };
    }
    let decoded = paths::percent_decode(path);
    let rel = if let Some(r) = decoded.strip_prefix("~/") {
        paths::normalize(r)
    } else if decoded.starts_with('/') {
        // Site-root link: read the way every site-root URL is (see `Site::resolve_root`).
        ctx.site.resolve_root(ctx.reader, &decoded)
    } else {
        paths::resolve_relative(&from.rel, &decoded)
    };
    let Some(rel) = rel else {
        return Resolved::Broken {
            kind: missing(image),
            message: format!("`{path}` points outside the site"),
            hint: "links must stay inside the content folder",
        };
    };
    let hint = if decoded.starts_with('/') || decoded.starts_with("~/") {
        "site-root paths start at the locale's content folder; check the name"
    } else {
        "check the file name and the `../` steps; the path is relative to this file"
    };
    let lower = rel.to_ascii_lowercase();
    if crate::paths::is_markdown(&lower) {
        if let Some(p) = ctx.site.lookup(ctx.reader, &rel) {
            return page(ctx, p, query, fragment);
        }
        return Resolved::Broken {
            kind: Kind::BrokenLink,
            message: format!("`{path}` is not a page of this site"),
            hint,
        };
    }
    // A file: the reader's locale's copy, else the source locale's.
    for l in [from.locale, ctx.reader, ctx.site.source_locale] {
        let loc = &ctx.site.locales[l];
        if loc.assets.contains_key(&rel) {
            let href = format!("{}{}/{}", ctx.site.config.config.base_path(), loc.slug, rel);
            return Resolved::Asset {
                href: with_suffix(href, query, fragment.as_deref()),
            };
        }
    }
    // A page named without `.md` (`/a/b`, `../b/`), as DocFX allows.
    if !image {
        let stem = rel.trim_end_matches('/');
        for candidate in [
            format!("{stem}.md"),
            format!("{stem}/index.md"),
            "index.md".to_string(),
        ] {
            if candidate == "index.md" && !stem.is_empty() {
                continue;
            }
            if let Some(p) = ctx.site.lookup(ctx.reader, &candidate) {
                return page(ctx, p, query, fragment);
            }
        }
    }
    Resolved::Broken {
        kind: missing(image),
        message: format!("`{path}` does not exist"),
        hint,
    }
}

/// `href?query#fragment`, encoded for an attribute.
fn with_suffix(mut href: String, query: Option<&str>, fragment: Option<&str>) -> String {
    if let Some(q) = query {
        href.push('?');
        href.push_str(q);
    }
    if let Some(f) = fragment {
        href.push('#');
        href.push_str(f);
    }
    paths::encode_href(&href)
}

fn missing(image: bool) -> Kind {
    if image {
        Kind::MissingImage
    } else {
        Kind::BrokenLink
    }
}

fn page(ctx: &LinkCtx, p: PageId, query: Option<&str>, fragment: Option<String>) -> Resolved {
    Resolved::Page {
        href: with_suffix(ctx.site.href(p), query, fragment.as_deref()),
        target: p,
        fragment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_detection() {
        assert!(is_external("https://a.example"));
        assert!(is_external("mailto:x@y.example"));
        assert!(is_external("//cdn.example/x"));
        assert!(!is_external("a.md"));
        assert!(!is_external("xref:a.b"));
        assert!(!is_external("C:/x"));
    }
}
