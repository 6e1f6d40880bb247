//! Redirects: DocFX's `.openpublishing.redirection.json` (`redirections[]` with `source_path`,
//! `redirect_url`, `redirect_document_id`) and front matter `redirect_from:`. Each becomes a
//! small page at the old URL in every locale (meta refresh, canonical link, a visible link),
//! plus a `_redirects` file for hosts that read one. Chains collapse to their final target;
//! loops and targets that do not exist are errors.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use crate::diagnostics::{Diagnostic, Kind};
use crate::load::frontmatter;
use crate::paths;
use crate::site::Site;
use crate::source::Source;

pub const REDIRECTION_FILE: &str = ".openpublishing.redirection.json";

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
    if !crate::load::is_markdown(&p) {
        p = format!("{}.md", p.trim_end_matches('/'));
    }
    Some(p)
}

fn read_json(site: &Site, entries: &mut Vec<Entry>, diags: &mut Vec<Diagnostic>) {
    let path = site.config.root.join(REDIRECTION_FILE);
    // Present but not a regular file (a FIFO, a device) is reported by `read_source`.
    if std::fs::symlink_metadata(&path).is_err() {
        return;
    }
    let source = match crate::load::read_source(
        &path,
        REDIRECTION_FILE.to_string(),
        site.config.max_file_size(),
    ) {
        Ok(s) => s,
        Err(d) => return diags.push(d),
    };
    // Real files indent with non-breaking spaces now and then; JSON does not allow them.
    // Two ASCII spaces keep every byte offset the same.
    let cleaned = source.text.replace('\u{a0}', "  ");
    let doc: Value = match serde_json::from_str(&cleaned) {
        Ok(v) => v,
        Err(e) => {
            let at = source.offset_of(e.line(), e.column().max(1));
            diags.push(
                Diagnostic::new(Kind::Redirect, format!("invalid JSON: {e}"))
                    .at(&source, at..at + 1)
                    .hint("the file is `{ \"redirections\": [ { \"source_path\": ..., \"redirect_url\": ... } ] }`"),
            );
            return;
        }
    };
    let Some(list) = doc.get("redirections").and_then(Value::as_array) else {
        diags.push(Diagnostic::new(Kind::Redirect, "no `redirections` list").at(&source, 0..1));
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
        if sp.is_empty() || url.is_empty() {
            diags.push(
                Diagnostic::new(
                    Kind::Redirect,
                    "a redirection needs `source_path` and `redirect_url`",
                )
                .at(&source, span),
            );
            continue;
        }
        let Some(from) = old_article_path(site, sp) else {
            diags.push(
                Diagnostic::new(
                    Kind::Redirect,
                    format!("`{sp}` is not a path inside the site"),
                )
                .at(&source, span),
            );
            continue;
        };
        let to = if crate::markdown::links::is_external(url) {
            Target::External(url.to_string())
        } else if url.starts_with('/') || url.starts_with("~/") {
            match old_article_path(site, url) {
                Some(p) => Target::Article(p),
                None => Target::External(url.to_string()),
            }
        } else {
            match paths::resolve_relative(&from, url).and_then(|p| old_article_path(site, &p)) {
                Some(p) => Target::Article(p),
                None => {
                    diags.push(
                        Diagnostic::new(Kind::Redirect, format!("`{url}` leaves the site"))
                            .at(&source, span),
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

fn resolve(site: &Site, entries: Vec<Entry>, diags: &mut Vec<Diagnostic>) -> Redirects {
    let src = site.source_locale;
    let by_from: HashMap<String, &Entry> =
        entries.iter().map(|e| (e.from.to_lowercase(), e)).collect();
    let mut finals: BTreeMap<String, (Target, &Entry)> = BTreeMap::new();
    // A loop of n redirects is one problem, reported once at its first entry.
    let mut loops_seen: Vec<Vec<String>> = Vec::new();
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
        // Follow the chain to its end.
        let mut seen = vec![e.from.to_lowercase()];
        let mut to = e.to.clone();
        let result = loop {
            match &to {
                Target::External(_) => break Ok(to.clone()),
                Target::Article(a) => {
                    if site.lookup(src, a).is_some() {
                        break Ok(to.clone());
                    }
                    let key = a.to_lowercase();
                    if seen.contains(&key) {
                        let start = seen.iter().position(|s| *s == key).unwrap_or(0);
                        let mut members: Vec<String> = seen[start..].to_vec();
                        members.sort();
                        seen.push(key);
                        if loops_seen.contains(&members) {
                            break Err(String::new());
                        }
                        loops_seen.push(members);
                        break Err(format!("redirect loop: {}", seen.join(" -> ")));
                    }
                    match by_from.get(&key) {
                        Some(next) => {
                            seen.push(key);
                            to = next.to.clone();
                        }
                        None => {
                            break Err(format!(
                                "`{}` redirects to `{a}`, which does not exist",
                                e.from
                            ))
                        }
                    }
                }
            }
        };
        match result {
            Ok(t) => {
                finals.insert(e.from.clone(), (t, e));
            }
            Err(msg) if msg.is_empty() => {}
            Err(msg) => diags.push(
                Diagnostic::new(Kind::Redirect, msg)
                    .at(&e.source, e.span.clone())
                    .hint("point the redirect at an existing article or URL"),
            ),
        }
    }
    let base = site.config.config.base_path();
    let origin = site.config.config.origin_and_base();
    let mut pages = Vec::new();
    let mut rules = String::new();
    for (from, (to, _)) in &finals {
        for (lid, l) in site.locales.iter().enumerate() {
            let old_url = format!("{}/{}", l.slug, paths::article_url_path(from));
            let (href, canonical) = match to {
                Target::External(u) => (u.clone(), u.clone()),
                Target::Article(a) => match site.lookup(lid, a) {
                    Some(p) => (site.href(p), format!("{origin}/{}", site.pages[p].url)),
                    None => continue,
                },
            };
            rules.push_str(&format!("{base}{old_url} {href} 301\n"));
            pages.push(RedirectPage {
                path: format!("{old_url}index.html"),
                target_href: paths::encode_href(&href),
                canonical: paths::encode_href(&canonical),
                locale: lid,
            });
        }
    }
    Redirects { pages, rules }
}

/// The template context of one redirect page.
pub fn context(r: &RedirectPage) -> Value {
    json!({ "redirect": { "href": r.target_href, "canonical": r.canonical } })
}
