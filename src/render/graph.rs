//! The link graph between pages of a locale: "Pages that link here", "Related articles"
//! (`related:` front matter and shared `ms.collection`), and pages that no TOC reaches.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Kind};
use crate::frontmatter;
use crate::markdown::Rendered;
use crate::paths;
use crate::site::{PageId, PageState, Site};

use super::toc::Tocs;

/// Most related articles shown per page.
const MAX_RELATED: usize = 8;

pub struct Graph {
    /// Per page: the other pages of its locale that link to it, in page order.
    pub incoming: Vec<Vec<PageId>>,
    pub related: Vec<Vec<PageId>>,
}

pub fn build(site: &Site, bodies: &[Rendered], diags: &mut Vec<Diagnostic>) -> Graph {
    let n = site.pages.len();
    let mut incoming: Vec<Vec<PageId>> = vec![Vec::new(); n];
    for (from, b) in bodies.iter().enumerate() {
        for l in &b.links {
            if l.target != from && incoming[l.target].last() != Some(&from) {
                incoming[l.target].push(from);
            }
        }
    }
    for list in &mut incoming {
        list.dedup();
    }

    // Collections per locale: (locale, collection) -> pages, built once.
    let mut collections: HashMap<(usize, String), Vec<PageId>> = HashMap::new();
    for (pid, p) in site.pages.iter().enumerate() {
        for c in list_field(p.meta().get("ms.collection")) {
            collections.entry((p.locale, c)).or_default().push(pid);
        }
    }
    let mut related: Vec<Vec<PageId>> = vec![Vec::new(); n];
    for (pid, p) in site.pages.iter().enumerate() {
        let mut out: Vec<PageId> = Vec::new();
        for r in list_field(p.meta().get("related")) {
            // Paths are from the locale's content root (`authentication/dkim.md`); only
            // `./` and `../` paths are relative to the article.
            let target = if r.starts_with("./") || r.starts_with("../") {
                paths::resolve_relative(&p.rel, &r)
            } else {
                paths::normalize(r.trim_start_matches("~/").trim_start_matches('/'))
            };
            match target.and_then(|t| site.lookup(p.locale, &t)) {
                Some(t) if t != pid && !out.contains(&t) => out.push(t),
                Some(_) => {}
                None if p.state != PageState::Fallback => diags.push(
                    Diagnostic::new(Kind::BrokenLink, format!("related article `{r}` is not a page of this site"))
                        .at(&p.source, frontmatter::field_span(&p.source, &p.front, "related"))
                        .hint("`related:` lists article paths from the content root, e.g. `authentication/dkim.md`"),
                ),
                None => {}
            }
        }
        for c in list_field(p.meta().get("ms.collection")) {
            if let Some(mates) = collections.get(&(p.locale, c)) {
                for &m in mates {
                    if out.len() >= MAX_RELATED {
                        break;
                    }
                    if m != pid && !out.contains(&m) {
                        out.push(m);
                    }
                }
            }
        }
        out.truncate(MAX_RELATED);
        related[pid] = out;
    }
    Graph { incoming, related }
}

/// A front matter value that may be one string or a list of strings.
fn list_field(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// Pages no table of contents of their locale lists. Fallback pages are the source's business, and a locale
/// whose TOC is built from folders has none.
pub fn orphans(site: &Site, tocs: &Tocs, diags: &mut Vec<Diagnostic>) {
    for (pid, p) in site.pages.iter().enumerate() {
        // A page that asks search engines not to index it (`ROBOTS: NOINDEX`) is kept out of
        // the navigation on purpose (country pages, retired pages): not a finding.
        if p.state == PageState::Fallback || tocs.listed[pid] || super::chrome::noindex(p.meta()) {
            continue;
        }
        let span = frontmatter::field_span(&p.source, &p.front, "title");
        diags.push(
            Diagnostic::new(
                Kind::OrphanPage,
                format!("`{}` is in no table of contents", p.rel),
            )
            .at(&p.source, span)
            .hint("add it to toc.yml so readers can find it, or link it from a page that is"),
        );
    }
}
