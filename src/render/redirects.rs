//! Redirects: DocFX's `.openpublishing.redirection.json` (`redirections[]` with `source_path`,
//! `redirect_url`, `redirect_document_id`) and front matter `redirect_from:`. Each becomes a
//! small page at the old URL in every locale (meta refresh, canonical link, a visible link),
//! plus a `_redirects` file for hosts that read one. Chains collapse to their final target
//! (each old path is followed once, so a chain of 10,000 costs no more than 10,000 single
//! redirects); loops and targets that do not exist are errors.
//!
//! Targets are site paths, paths relative to the old file, or `http(s)` URLs; sources are site
//! paths. An entry with a control character, a protocol-relative target (`//host`) or any other
//! scheme is reported and left out of every output, and every field of `_redirects` is
//! percent-encoded so no value can add a field or a line.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use crate::diagnostics::{Diagnostic, Kind};
use crate::frontmatter;
use crate::markdown::links::RedirectTo;
use crate::paths;
use crate::site::{RedirectionsAt, RootTarget, Site};
use crate::source::Source;
use crate::url_policy;

pub use crate::load::REDIRECTION_FILE;

/// Where a redirect goes.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// An article path of the source locale: the page in the reader's locale.
    Article(String),
    /// Any absolute URL.
    External(String),
}

#[derive(Debug, Clone)]
struct Entry {
    /// Old article path (relative to the locale root, with `.md`).
    from: String,
    to: Target,
    source: Source,
    span: std::ops::Range<usize>,
}

/// One redirect page to write.
pub struct RedirectPage {
    /// Output path: `<locale>/<old path>/index.html`.
    pub path: String,
    pub target_href: String,
    pub canonical: String,
    pub locale: usize,
}

pub struct Redirects {
    pub pages: Vec<RedirectPage>,
    /// The `_redirects` file.
    pub rules: String,
    /// Where each redirected article leads, for links to it.
    pub redirected: crate::markdown::links::Redirected,
}

pub fn collect(site: &Site, diags: &mut Vec<Diagnostic>) -> Redirects {
    let mut entries = Vec::new();
    read_json(site, &mut entries, diags);
    for p in site.locale_pages(site.source_locale).map(|(_, p)| p) {
        let Some(v) = p.meta().get("redirect_from") else {
            continue;
        };
        let list: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        for old in list {
            let span = frontmatter::field_span(&p.source, &p.front, "redirect_from");
            if let Some(d) = bad_source(&old) {
                diags.push(d.at(&p.source, span));
                continue;
            }
            match old_article_path(site, &old) {
                Some(from) => entries.push(Entry {
                    from,
                    to: Target::Article(p.rel.clone()),
                    source: p.source.clone(),
                    span,
                }),
                None => diags.push(
                    Diagnostic::new(
                        Kind::Redirect,
                        format!("`{old}` in redirect_from is not a path inside the site"),
                    )
                    .at(&p.source, span),
                ),
            }
        }
    }
    resolve(site, entries, diags)
}

/// A redirect source that is not a plain path: control characters (a line break would start a
/// new rule in `_redirects`).
fn bad_source(raw: &str) -> Option<Diagnostic> {
    raw.chars().any(char::is_control).then(|| {
        Diagnostic::new(
            Kind::Redirect,
            format!(
                "the redirect source `{}` holds a control character",
                raw.escape_debug()
            ),
        )
        .hint(
            "a redirect source is a path of the site, such as `old/page.md`; the entry is left out",
        )
    })
}

/// A redirect target that is neither a site path, a path relative to the old file, nor an
/// `http(s)` URL without control characters.
fn bad_target(raw: &str) -> Option<Diagnostic> {
    let hint = "redirect to a page of the site (`/a/b.md`, `../b.md`) or an http(s) URL; the entry is left out";
    if raw.chars().any(char::is_control) {
        return Some(
            Diagnostic::new(
                Kind::UnsafeUrl,
                format!(
                    "the redirect target `{}` holds a control character",
                    raw.escape_debug()
                ),
            )
            .hint(hint),
        );
    }
    if url_policy::is_protocol_relative(raw) {
        return Some(
            Diagnostic::new(
                Kind::UnsafeUrl,
                format!("the redirect target `{raw}` names another host without a scheme"),
            )
            .hint(hint),
        );
    }
    match url_policy::scheme(raw).as_deref() {
        None | Some("http" | "https") => None,
        Some(s) => Some(
            Diagnostic::new(
                Kind::UnsafeUrl,
                format!("a redirect to a `{s}:` URL is not allowed: `{raw}`"),
            )
            .hint(hint),
        ),
    }
}

/// A value for one field of a `_redirects` line: everything that is whitespace or a control
/// character to any reader (Unicode's, not only ASCII's) percent-encoded.
fn rule_field(s: &str) -> String {
    paths::encode_chars(s, |c| c.is_whitespace() || c.is_control())
}

/// `content/en-us/a/b.md`, `en-us/a/b.md`, `/a/b`, `a/b/` -> `a/b.md`.
fn old_article_path(site: &Site, raw: &str) -> Option<String> {
    let raw = raw.trim().trim_start_matches("~/").trim_start_matches('/');
    let mut p = paths::normalize(raw)?;
    let content = site
        .config
        .config
        .content
        .to_string_lossy()
        .replace('\\', "/");
    let content = content.trim_matches('/');
    if !content.is_empty() {
        if let Some(rest) = p.strip_prefix(&format!("{content}/")) {
            p = rest.to_string();
        }
    }
    for l in &site.locales {
        if let Some(rest) = p.strip_prefix(&format!("{}/", l.slug)) {
            p = rest.to_string();
            break;
        }
    }
    if p.is_empty() {
        return None;
    }
    if !crate::paths::is_markdown(&p) && !crate::paths::is_yaml(&p) {
        p = format!("{}.md", p.trim_end_matches('/'));
    }
    Some(p)
}

/// The article an article path names, among `a.md` and `a/index.md` the one that exists
/// (`a.md` when neither does): a redirect's target is written as a URL.
fn article_for(site: &Site, p: String) -> String {
    if paths::is_markdown(&p) || paths::is_yaml(&p) {
        return p;
    }
    let stem = p.trim_end_matches('/');
    let index = |name: &str| {
        if stem.is_empty() {
            name.to_string()
        } else {
            format!("{stem}/{name}")
        }
    };
    let md = format!("{stem}.md");
    // A folder's page may be a YAML page (`index.yml`), as DocFX landing pages are.
    [index("index.md"), index("index.yml"), format!("{stem}.yml")]
        .into_iter()
        .filter(|_| site.lookup(site.source_locale, &md).is_none())
        .find(|c| site.lookup(site.source_locale, c).is_some())
        .unwrap_or(md)
}

/// The source locale's article a `source_path` of the redirection file in `dir` names: a path
/// relative to that folder (the repository root, so it may carry the docset's folder, or the
/// content and locale folders), else a path of the locale as [`old_article_path`] reads it.
fn json_source_path(site: &Site, at: Option<&RedirectionsAt>, raw: &str) -> Option<String> {
    let p = paths::normalize(raw.trim().trim_start_matches("~/").trim_start_matches('/'))?;
    let in_root = match at {
        Some(RedirectionsAt::Inside(dir)) if dir.is_empty() => None,
        Some(RedirectionsAt::Inside(dir)) => Some(format!("{dir}/{p}")),
        Some(RedirectionsAt::Above(root)) => p
            .get(..root.len())
            .filter(|head| head.eq_ignore_ascii_case(root))
            .and_then(|_| p[root.len()..].strip_prefix('/'))
            .map(str::to_string),
        None => None,
    };
    let rel = match in_root {
        Some(rel) if !rel.is_empty() => article_for(site, rel),
        _ => old_article_path(site, raw)?,
    };
    // Written without the docset's folder (`admin/x.md` for `docs/admin/x.md`).
    let locale = site.source_locale();
    if locale.docset_of(&rel).is_none() {
        let mut within = locale
            .docsets
            .iter()
            .filter(|d| d.is_docfx)
            .map(|d| format!("{}/{rel}", d.folder));
        let first = within.next();
        let found = first
            .iter()
            .cloned()
            .chain(within)
            .find(|r| site.lookup(site.source_locale, r).is_some());
        if let Some(r) = found.or(first) {
            return Some(r);
        }
    }
    Some(rel)
}

/// Where a `redirect_url` that is a site-root path leads: a page of the site, or another
/// docset of the host (an absolute URL) for a DocFX site.
fn site_root_target(site: &Site, url: &str) -> Option<Target> {
    let src = site.source_locale;
    let path = url.trim_start_matches("~/").trim_start_matches('/');
    let (path, suffix) = match path.find(['?', '#']) {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    };
    // A leading locale folder names the reader's locale.
    let path = match path.split_once('/') {
        Some((first, tail))
            if site
                .locales
                .iter()
                .any(|l| l.slug == first.to_ascii_lowercase()) =>
        {
            tail
        }
        _ => path,
    };
    if !site.locales[src].is_docfx() {
        return old_article_path(site, url).map(Target::Article);
    }
    let normalized = paths::normalize(&paths::percent_decode(path))?;
    match site.resolve_root(src, &normalized) {
        RootTarget::OtherDocset => Some(Target::External(
            site.other_docset_href(src, &format!("/{path}{suffix}")),
        )),
        RootTarget::Files(files) => {
            let found = files
                .iter()
                .map(|f| article_for(site, f.clone()))
                .find(|a| site.lookup(src, a).is_some());
            Some(Target::Article(
                found.unwrap_or_else(|| article_for(site, files[0].clone())),
            ))
        }
    }
}

fn read_json(site: &Site, entries: &mut Vec<Entry>, diags: &mut Vec<Diagnostic>) {
    for r in &site.redirections {
        match &r.file {
            Ok(source) => read_one(site, r.place.as_ref(), source, entries, diags),
            Err(d) => diags.push(d.clone()),
        }
    }
}

fn read_one(
    site: &Site,
    place: Option<&RedirectionsAt>,
    source: &Source,
    entries: &mut Vec<Entry>,
    diags: &mut Vec<Diagnostic>,
) {
    // Real files indent with non-breaking spaces now and then; JSON does not allow them.
    // Two ASCII spaces keep every byte offset the same.
    let cleaned = source.text.replace('\u{a0}', "  ");
    let doc: Value = match serde_json::from_str(&cleaned) {
        Ok(v) => v,
        Err(e) => {
            let pos = source.offset_of(e.line(), e.column().max(1));
            diags.push(
                Diagnostic::new(Kind::Redirect, format!("invalid JSON: {e}"))
                    .at(source, pos..pos + 1)
                    .hint("the file is `{ \"redirections\": [ { \"source_path\": ..., \"redirect_url\": ... } ] }`"),
            );
            return;
        }
    };
    let Some(list) = doc.get("redirections").and_then(Value::as_array) else {
        diags.push(Diagnostic::new(Kind::Redirect, "no `redirections` list").at(source, 0..1));
        return;
    };
    let mut cursor = 0;
    for item in list {
        let sp = item
            .get("source_path")
            .and_then(Value::as_str)
            .unwrap_or("");
        let url = item
            .get("redirect_url")
            .and_then(Value::as_str)
            .unwrap_or("");
        let at = source.text[cursor..]
            .find(&format!("\"{}\"", sp.replace('"', "\\\"")))
            .map(|i| cursor + i)
            .unwrap_or(cursor);
        cursor = at;
        let span = at..at + sp.len() + 2;
        // Spaces around a value are no part of a path or URL (browsers and DocFX drop them).
        let (sp, url) = (sp.trim(), url.trim());
        if sp.is_empty() || url.is_empty() {
            diags.push(
                Diagnostic::new(
                    Kind::Redirect,
                    "a redirection needs `source_path` and `redirect_url`",
                )
                .at(source, span),
            );
            continue;
        }
        if let Some(d) = bad_source(sp).or_else(|| bad_target(url)) {
            diags.push(d.at(source, span));
            continue;
        }
        let Some(from) = json_source_path(site, place, sp) else {
            diags.push(
                Diagnostic::new(
                    Kind::Redirect,
                    format!("`{sp}` is not a path inside the site"),
                )
                .at(source, span),
            );
            continue;
        };
        let to = if crate::markdown::links::is_external(url) {
            Target::External(url.to_string())
        } else if url.starts_with('/') || url.starts_with("~/") {
            match site_root_target(site, url) {
                Some(t) => t,
                None => Target::External(url.to_string()),
            }
        } else {
            // A URL relative to the old file (`index`, `../b`): the page it names, which
            // may be a YAML page (`index.yml`).
            let yaml_page = |p: &str| {
                let stem = p.trim_end_matches('/');
                [format!("{stem}.yml"), format!("{stem}/index.yml")]
                    .into_iter()
                    .find(|c| site.lookup(site.source_locale, c).is_some())
            };
            let target = paths::resolve_relative(&from, url).and_then(|p| {
                let article = old_article_path(site, &p)?;
                match site.lookup(site.source_locale, &article) {
                    None => yaml_page(&p).or(Some(article)),
                    Some(_) => Some(article),
                }
            });
            match target {
                Some(p) => Target::Article(p),
                None => {
                    diags.push(
                        Diagnostic::new(Kind::Redirect, format!("`{url}` leaves the site"))
                            .at(source, span),
                    );
                    continue;
                }
            }
        };
        entries.push(Entry {
            from,
            to,
            source: source.clone(),
            span,
        });
    }
}

/// Where following an old article path ends.
#[derive(Debug, Clone)]
enum End {
    Found(Target),
    /// The chain reaches an article that neither exists nor is redirected.
    Missing(String),
    /// The chain runs into loop number `n`.
    Loop(usize),
}

fn resolve(site: &Site, entries: Vec<Entry>, diags: &mut Vec<Diagnostic>) -> Redirects {
    let src = site.source_locale;
    let by_from: HashMap<String, &Entry> =
        entries.iter().map(|e| (e.from.to_lowercase(), e)).collect();
    let mut finals: BTreeMap<String, (Target, &Entry)> = BTreeMap::new();
    // Where each redirected path ends, once known: every path is followed once.
    let mut ends: HashMap<String, End> = HashMap::new();
    // Loops found (their message), and whether each was reported: a loop of n redirects is
    // one problem, reported once at the first entry that runs into it.
    let mut loops: Vec<(String, bool)> = Vec::new();
    for e in &entries {
        if site.lookup(src, &e.from).is_some() {
            diags.push(
                Diagnostic::new(
                    Kind::Redirect,
                    format!("`{}` is redirected, but the article still exists", e.from),
                )
                .at(&e.source, e.span.clone())
                .hint("delete the article or the redirect"),
            );
            continue;
        }
        // Follow the chain until a known end, keeping the path walked.
        let first = e.from.to_lowercase();
        let mut path = vec![first.clone()];
        let mut on_path: HashMap<String, usize> = HashMap::from([(first, 0)]);
        let mut to = e.to.clone();
        let end = loop {
            let Target::Article(a) = &to else {
                break End::Found(to);
            };
            if site.lookup(src, a).is_some() {
                break End::Found(to);
            }
            let key = a.to_lowercase();
            if let Some(known) = ends.get(&key) {
                break known.clone();
            }
            if let Some(&i) = on_path.get(&key) {
                let mut chain = path[i..].to_vec();
                chain.push(key);
                loops.push((format!("redirect loop: {}", chain.join(" -> ")), false));
                break End::Loop(loops.len() - 1);
            }
            match by_from.get(&key) {
                Some(next) => {
                    on_path.insert(key.clone(), path.len());
                    path.push(key);
                    to = next.to.clone();
                }
                None => break End::Missing(a.clone()),
            }
        };
        // Every path walked ends where this one does (the first is `e`'s own, and another
        // entry may redirect the same path elsewhere).
        for k in path.into_iter().skip(1) {
            ends.insert(k, end.clone());
        }
        let mut kind = Kind::Redirect;
        let msg = match end {
            End::Found(t) => {
                finals.insert(e.from.clone(), (t, e));
                continue;
            }
            End::Missing(a) => match &site.source_locale().source_repository_absent {
                // The publishing system would look for the target in the source repository.
                Some(repo) => {
                    kind = Kind::NotInRepository;
                    format!("`{}` redirects to `{a}`, which is not in this repository; the publishing system looks for it in the source repository `{repo}`, which is not here", e.from)
                }
                None => format!("`{}` redirects to `{a}`, which does not exist", e.from),
            },
            End::Loop(n) if !loops[n].1 => {
                loops[n].1 = true;
                loops[n].0.clone()
            }
            End::Loop(_) => continue,
        };
        diags.push(
            Diagnostic::new(kind, msg)
                .at(&e.source, e.span.clone())
                .hint("point the redirect at an existing article or URL"),
        );
    }
    let base = site.config.config.base_path();
    let origin = site.config.config.origin_and_base();
    let mut pages = Vec::new();
    let mut rules = String::new();
    for (from, (to, _)) in &finals {
        for (lid, _) in site.locales.iter().enumerate() {
            let old_url = site.page_url(lid, from);
            let (href, canonical) = match to {
                Target::External(u) => (u.clone(), u.clone()),
                Target::Article(a) => match site.lookup(lid, a) {
                    Some(p) => (site.href(p), format!("{origin}/{}", site.pages[p].url)),
                    None => continue,
                },
            };
            rules.push_str(&format!(
                "{} {} 301\n",
                rule_field(&format!("{base}{old_url}")),
                rule_field(&paths::encode_href(&href))
            ));
            pages.push(RedirectPage {
                path: format!("{old_url}index.html"),
                target_href: paths::encode_href(&href),
                canonical: paths::encode_href(&canonical),
                locale: lid,
            });
        }
    }
    let redirected = finals
        .iter()
        .map(|(from, (to, _))| {
            let to = match to {
                Target::Article(a) => RedirectTo::Article(a.clone()),
                Target::External(u) => RedirectTo::External(u.clone()),
            };
            (from.to_lowercase(), to)
        })
        .collect();
    Redirects {
        pages,
        rules,
        redirected,
    }
}

/// The template context of one redirect page.
pub fn context(r: &RedirectPage) -> Value {
    json!({ "redirect": { "href": r.target_href, "canonical": r.canonical } })
}
