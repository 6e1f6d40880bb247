//! Breadcrumb trails, and the one fragment per TOC that a `?toc=...&bc=...` link loads.
//!
//! A page's trail starts in its breadcrumb TOC (the page's `breadcrumb_path`): at each level the
//! entry whose scope (`tocHref`) is the longest prefix of the page's URL path, then that entry's
//! children, as DocFX does. The page's own position in its sidebar's TOC follows.
//!
//! Each TOC file is also written once, as `<locale>/<folder>/toc.json` (where DocFX publishes
//! `toc.yml`): `{"html": "<ul>...</ul>"}`, the whole tree with each entry's scope. The theme's
//! script loads it when a page is opened with `?toc=` (sidebar) or `?bc=` (breadcrumbs).

use serde_json::json;

use super::{Toc, Tocs};
use crate::markdown::highlight::escape_html_into as esc;
use crate::site::{PageId, Site};

/// One step of a breadcrumb trail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Crumb {
    pub name: String,
    pub href: Option<String>,
}

impl Tocs {
    /// The breadcrumb trail of page `pid`, the page itself last; empty when neither a
    /// breadcrumb TOC nor the page's own TOC places it.
    pub fn breadcrumbs(&self, site: &Site, pid: PageId) -> Vec<Crumb> {
        let page = &site.pages[pid];
        let mut trail = Vec::new();
        if let Some(b) = self.page_crumbs[pid] {
            let t = &self.tocs[b];
            let url = crate::paths::article_url_path(&page.rel).to_lowercase();
            let mut level = &t.roots;
            loop {
                // The longest matching scope; the first of equal ones.
                let mut best: Option<(usize, usize)> = None;
                for &n in level {
                    if let Some(s) = &t.nodes[n].scope {
                        let s = s.to_lowercase();
                        if url.starts_with(&s) && best.is_none_or(|(_, len)| s.len() > len) {
                            best = Some((n, s.len()));
                        }
                    }
                }
                let Some((n, _)) = best else { break };
                trail.push(crumb(t, n));
                level = &t.nodes[n].children;
            }
        }
        let own = self.of(pid).map(|t| (t, t.ancestors(pid)));
        match own {
            Some((t, path)) if !path.is_empty() => {
                for n in path {
                    let c = crumb(t, n);
                    // The same page at the end of the breadcrumb TOC and the start of the
                    // page's own: once.
                    if c.href.is_some() && trail.last().is_some_and(|l: &Crumb| l.href == c.href) {
                        trail.pop();
                    }
                    trail.push(c);
                }
            }
            _ if !trail.is_empty() => {
                let href = site.href(pid);
                if trail
                    .last()
                    .is_some_and(|l| l.href.as_deref() == Some(href.as_str()))
                {
                    trail.pop();
                }
                trail.push(Crumb {
                    name: page.title.clone(),
                    href: Some(href),
                });
            }
            _ => {}
        }
        trail
    }

    /// The fragment of every TOC of the locales this build writes, as `(path under the output
    /// folder, JSON)`.
    pub fn fragments(&self, site: &Site) -> Vec<(String, String)> {
        self.published
            .iter()
            .filter_map(|&(t, _)| {
                let toc = &self.tocs[t];
                let path = fragment_path(site, toc)?;
                let mut html = String::with_capacity(4096);
                tree_html(toc, &toc.roots, &mut html);
                Some((path, json!({ "html": html }).to_string()))
            })
            .collect()
    }

    /// The URL of the fragment of the TOC page `pid`'s sidebar shows.
    pub fn fragment_href(&self, site: &Site, pid: PageId) -> Option<String> {
        let path = fragment_path(site, self.of(pid)?)?;
        Some(format!("{}{path}", site.config.config.base_path()))
    }
}

/// Where a TOC's fragment is written: `<locale>/<folder>/toc.json`, the folder as published
/// (under its docset's base path), where DocFX publishes the TOC.
fn fragment_path(site: &Site, toc: &Toc) -> Option<String> {
    let dir = site.locales[toc.reader].folder_place(toc.dir.as_ref()?);
    let slug = &site.locales[toc.reader].slug;
    Some(if dir.is_empty() {
        format!("{slug}/toc.json")
    } else {
        format!("{slug}/{dir}/toc.json")
    })
}

fn crumb(t: &Toc, n: usize) -> Crumb {
    Crumb {
        name: t.nodes[n].name.clone(),
        href: t.nodes[n].href.clone(),
    }
}

/// The whole tree under `ids` as nested lists: entries with children carry `has-children`,
/// `expanded` ones also `expanded`, and each its scope (`data-scope`) for breadcrumbs.
fn tree_html(toc: &Toc, ids: &[usize], out: &mut String) {
    out.push_str("<ul>");
    for &n in ids {
        let node = &toc.nodes[n];
        out.push_str("<li");
        match (node.children.is_empty(), node.expanded) {
            (true, _) => {}
            (false, false) => out.push_str(" class=\"has-children\""),
            (false, true) => out.push_str(" class=\"has-children expanded\""),
        }
        if let Some(s) = &node.scope {
            out.push_str(" data-scope=\"");
            esc(out, s);
            out.push('"');
        }
        out.push('>');
        match &node.href {
            Some(h) => {
                out.push_str("<a href=\"");
                esc(out, h);
                out.push('"');
                super::nav::display_name(out, node);
                out.push_str("><bdi>");
            }
            None => {
                out.push_str("<span class=\"nav-group\"");
                super::nav::display_name(out, node);
                out.push_str("><bdi>");
            }
        }
        esc(out, &node.name);
        out.push_str(if node.href.is_some() {
            "</bdi></a>"
        } else {
            "</bdi></span>"
        });
        if !node.children.is_empty() {
            tree_html(toc, &node.children, out);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}
