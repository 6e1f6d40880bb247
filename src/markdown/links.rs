//! Resolves link and image targets the way DocFX writes them: relative `.md` paths, site-root
//! paths (`/a/b.md`, `/a/b`), `~/` paths, `xref:` uids, in-page `#anchors`, and static files,
//! always to the page in the reader's locale (translated or fallback).

use crate::diagnostics::Kind;
use crate::markdown::expand::FileRef;
use crate::paths;
use crate::site::{LocaleId, PageId, RootTarget, Site};

#[derive(Debug, PartialEq)]
pub enum Resolved {
    /// Left as written: `https:`, `mailto:`, protocol-relative, or a data URL.
    External,
    /// `#fragment` on the same page.
    InPage { fragment: String },
    Page {
        href: String,
        target: PageId,
        fragment: Option<String>,
        /// The page's file as on disk, when the link spelled it in other letter case.
        case: Option<String>,
    },
    Asset {
        href: String,
        /// The file as on disk, when the link spelled it in other letter case.
        case: Option<String>,
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
    /// Redirected article paths (lower case) and where their chains end.
    pub redirected: &'a Redirected,
}

/// Where a redirected article's chain of redirects ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RedirectTo {
    /// An article path of the source locale: the page in the reader's locale.
    Article(String),
    /// An absolute URL.
    External(String),
}

/// Redirected article paths of the source locale (lower case) -> where each leads.
pub type Redirected = std::collections::HashMap<String, RedirectTo>;

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
    if path.is_empty() {
        // `?view=x#a`: this page with a query (a moniker view), not the folder's page.
        return Resolved::InPage {
            fragment: fragment.unwrap_or_default(),
        };
    }
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
    // The files a path may name, first the most likely: a DocFX site-root path may map to
    // several (a docset's content or resource groups).
    let mut candidates: Vec<String> = Vec::new();
    let rel = if let Some(r) = decoded.strip_prefix("~/") {
        // `~/` is the docset's folder (the one holding docfx.json), as DocFX reads it.
        let folder = ctx.site.locales[from.locale]
            .docset_of(&from.rel)
            .map(|d| d.folder.as_str())
            .unwrap_or("");
        if folder.is_empty() {
            paths::normalize(r)
        } else {
            paths::normalize(&format!("{folder}/{r}"))
        }
    } else if decoded.starts_with('/') {
        // Site-root link: read the way every site-root URL is (see `Site::url_path`), then
        // mapped to the docsets' files.
        match ctx.site.url_path(ctx.reader, &decoded) {
            Some(r) => match ctx.site.resolve_root(ctx.reader, &r) {
                RootTarget::Files(mut files) => {
                    let first = files.remove(0);
                    candidates = files;
                    Some(first)
                }
                // Another docset on the same host: a link there, never a finding.
                RootTarget::OtherDocset => {
                    return Resolved::Asset {
                        href: other_docset(ctx, rest, fragment.as_deref()),
                        case: None,
                    }
                }
            },
            None => None,
        }
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
    candidates.insert(0, rel.clone());
    for rel in &candidates {
        if let Some(found) = resolve_file(ctx, from, rel, image, query, fragment.as_deref()) {
            return found;
        }
    }
    // A redirected article: where its redirects end, as a reader following it would land.
    if !image {
        for rel in &candidates {
            let stem = rel.trim_end_matches('/');
            let keys = if crate::paths::is_markdown(stem) || crate::paths::is_yaml(stem) {
                vec![stem.to_lowercase()]
            } else {
                vec![
                    format!("{stem}.md").to_lowercase(),
                    format!("{stem}/index.md").to_lowercase(),
                    format!("{stem}/index.yml").to_lowercase(),
                ]
            };
            for key in keys {
                match ctx.redirected.get(&key) {
                    Some(RedirectTo::Article(a)) => {
                        if let Some(p) = ctx.site.lookup(ctx.reader, a) {
                            return page(ctx, p, query, fragment);
                        }
                    }
                    Some(RedirectTo::External(url)) => {
                        return Resolved::Asset {
                            href: with_suffix(url.clone(), None, fragment.as_deref()),
                            case: None,
                        }
                    }
                    None => {}
                }
            }
        }
    }
    // A file that exists but that its docset's `docfx.json` does not publish.
    let unpublished = [from.locale, ctx.reader, ctx.site.source_locale]
        .iter()
        .any(|&l| ctx.site.locales[l].asset_named(&rel).is_some());
    if unpublished {
        return Resolved::Broken {
            kind: missing(image),
            message: format!("`{path}` exists but is not published: no `resource` glob of docfx.json selects it"),
            hint: "add its extension or folder to `build.resource` in docfx.json, or link to a published file",
        };
    }
    // A locale repository whose source repository is not here: the publishing system would
    // look for the file there, so this run cannot tell whether it is missing.
    if let Some(repo) = &ctx.site.locales[ctx.reader].source_repository_absent {
        return Resolved::Broken {
            kind: Kind::NotInRepository,
            message: format!(
                "`{path}` is not in this repository; the publishing system looks for it in the source repository `{repo}`, which is not here"
            ),
            hint: "put the source repository where the publish configuration names it to check this reference",
        };
    }
    if crate::paths::is_markdown(&rel) {
        return Resolved::Broken {
            kind: Kind::BrokenLink,
            message: format!("`{path}` is not a page of this site"),
            hint,
        };
    }
    Resolved::Broken {
        kind: missing(image),
        message: format!("`{path}` does not exist"),
        hint,
    }
}

/// The page or published file that `rel` (relative to a locale root) names, if any.
fn resolve_file(
    ctx: &LinkCtx,
    from: &FileRef,
    rel: &str,
    image: bool,
    query: Option<&str>,
    fragment: Option<&str>,
) -> Option<Resolved> {
    let found = |p| Some(page(ctx, p, query, fragment.map(str::to_string)));
    // An article, or a YAML page (`index.yml`): the page, never the file. Pages are looked
    // up in any letter case; a link that names the file in other case than it has on disk is
    // a finding.
    if let Some(p) = ctx.site.lookup(ctx.reader, rel) {
        let mut r = page(ctx, p, query, fragment.map(str::to_string));
        if let Resolved::Page { case, .. } = &mut r {
            let on_disk = &ctx.site.pages[p].rel;
            *case = (on_disk != rel).then(|| on_disk.clone());
        }
        return Some(r);
    }
    if crate::paths::is_markdown(rel) {
        return None;
    }
    // A file: the reader's locale's own copy wins, else the including file's locale's, else
    // the source locale's, published for other locales at a locale-neutral path; a name in
    // other letter case only when no locale has it as written.
    let locales = [ctx.reader, from.locale, ctx.site.source_locale];
    for exact in [true, false] {
        for &l in &locales {
            let Some(n) = ctx.site.locales[l].asset_named(rel) else {
                continue;
            };
            if n.case_differs == exact {
                continue;
            }
            let url = if l == ctx.reader {
                ctx.site.file_url(l, n.rel)
            } else {
                ctx.site.fallback_file_url(l, n.rel)
            };
            if let Some(url) = url {
                let href = format!("{}{url}", ctx.site.config.config.base_path());
                return Some(Resolved::Asset {
                    href: with_suffix(href, query, fragment),
                    case: n.case_differs.then(|| n.rel.to_string()),
                });
            }
        }
    }
    // A page named without `.md` (`/a/b`, `../b/`), as DocFX allows.
    if !image {
        let stem = rel.trim_end_matches('/');
        for candidate in [
            format!("{stem}.md"),
            format!("{stem}/index.md"),
            "index.md".to_string(),
            format!("{stem}/index.yml"),
            format!("{stem}.yml"),
            "index.yml".to_string(),
        ] {
            if (candidate == "index.md" || candidate == "index.yml") && !stem.is_empty() {
                continue;
            }
            if let Some(p) = ctx.site.lookup(ctx.reader, &candidate) {
                return found(p);
            }
        }
    }
    None
}

/// [`Site::other_docset_href`] with the fragment.
fn other_docset(ctx: &LinkCtx, path_and_query: &str, fragment: Option<&str>) -> String {
    let mut href = ctx.site.other_docset_href(ctx.reader, path_and_query);
    if let Some(f) = fragment {
        href.push('#');
        href.push_str(f);
    }
    href
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
        case: None,
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
