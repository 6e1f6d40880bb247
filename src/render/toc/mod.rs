//! The table of contents per locale: DocFX `toc.yml` (`name`, `href`, `items`, `topicHref`,
//! `expanded`, nested `toc.yml` references), else one built from the folder tree. A locale
//! without its own TOC uses the source locale's, with entries pointing into the locale.
//!
//! This file is the model ([`Toc`], [`Node`]) and its assembly per locale; `parse` reads the
//! TOC files (`load` read them into `Site`) into nodes, `nav` walks the navigation a page shows
//! (one walk for the `nav` tree and for `nav_html`).

mod nav;
mod parse;

use crate::diagnostics::Diagnostic;
use crate::site::{LocaleId, PageId, Site};

pub use nav::NavItem;
use parse::{load_toc, Walk};

/// One node of the TOC tree, stored flat.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub href: Option<String>,
    pub page: Option<PageId>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub expanded: bool,
}

#[derive(Debug, Default)]
pub struct Toc {
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    /// Page -> its first node.
    pub page_node: std::collections::HashMap<PageId, usize>,
    /// Pages in TOC order, for previous / next.
    pub order: Vec<PageId>,
    /// Built from the folder tree because the locale has no TOC file.
    pub from_folders: bool,
    /// Page -> its index in `order` (a lookup per page, not a scan: sites have 20,000 pages).
    pub order_index: std::collections::HashMap<PageId, usize>,
}

const TOC_NAMES: [&str; 5] = ["toc.yml", "TOC.yml", "toc.yaml", "TOC.md", "toc.md"];

/// Builds the TOC of `locale`.
pub fn build(site: &Site, locale: LocaleId, diags: &mut Vec<Diagnostic>) -> Toc {
    let own = find_toc(site, locale, "");
    let from_source = own.is_none() && locale != site.source_locale;
    let chosen = own.or_else(|| {
        if from_source {
            find_toc(site, site.source_locale, "")
        } else {
            None
        }
    });
    let mut toc = Toc::default();
    match chosen {
        Some((toc_locale, rel)) => {
            let mut walk = Walk {
                site,
                toc_locale,
                reader: locale,
                report: !from_source,
                toc: &mut toc,
                diags,
                stack: vec![rel.clone()],
            };
            toc.roots = load_toc(&mut walk, &rel, None);
        }
        None => {
            toc.from_folders = true;
            folder_toc(site, locale, &mut toc)
        }
    }
    for (i, n) in toc.nodes.iter().enumerate() {
        if let Some(p) = n.page {
            toc.page_node.entry(p).or_insert(i);
        }
    }
    let mut order = Vec::new();
    let mut seen = std::collections::HashSet::new();
    fn walk(
        t: &Toc,
        i: usize,
        order: &mut Vec<PageId>,
        seen: &mut std::collections::HashSet<PageId>,
    ) {
        if let Some(p) = t.nodes[i].page {
            if seen.insert(p) {
                order.push(p);
            }
        }
        for &c in &t.nodes[i].children {
            walk(t, c, order, seen);
        }
    }
    for &r in &toc.roots {
        walk(&toc, r, &mut order, &mut seen);
    }
    toc.order_index = order.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    toc.order = order;
    toc
}

fn find_toc(site: &Site, locale: LocaleId, dir: &str) -> Option<(LocaleId, String)> {
    let loc = &site.locales[locale];
    TOC_NAMES
        .iter()
        .map(|n| {
            if dir.is_empty() {
                n.to_string()
            } else {
                format!("{dir}/{n}")
            }
        })
        .find(|rel| loc.assets.contains_key(rel) || loc.markdown.contains_key(rel))
        .map(|rel| (locale, rel))
}

/// A TOC from the folders: each folder's `index.md` heads it, pages sorted by title.
fn folder_toc(site: &Site, locale: LocaleId, toc: &mut Toc) {
    let mut pages: Vec<(PageId, &crate::site::Page)> = site.locale_pages(locale).collect();
    pages.sort_by(|a, b| a.1.rel.cmp(&b.1.rel));
    let mut folders: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    fn folder_node(
        toc: &mut Toc,
        folders: &mut std::collections::BTreeMap<String, usize>,
        dir: &str,
    ) -> Option<usize> {
        if dir.is_empty() {
            return None;
        }
        if let Some(&n) = folders.get(dir) {
            return Some(n);
        }
        let (parent_dir, name) = dir.rsplit_once('/').unwrap_or(("", dir));
        let parent = folder_node(toc, folders, parent_dir);
        let id = toc.nodes.len();
        let pretty = name.replace(['-', '_'], " ");
        let mut chars = pretty.chars();
        let title = chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default();
        toc.nodes.push(Node {
            name: title,
            href: None,
            page: None,
            parent,
            children: Vec::new(),
            expanded: false,
        });
        match parent {
            Some(p) => toc.nodes[p].children.push(id),
            None => toc.roots.push(id),
        }
        folders.insert(dir.to_string(), id);
        Some(id)
    }
    for (pid, p) in pages {
        let dir = p.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let is_index = p
            .rel
            .rsplit('/')
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case("index.md"));
        if is_index && !dir.is_empty() {
            let n = folder_node(toc, &mut folders, dir).expect("non-empty dir");
            toc.nodes[n].name = p.title.clone();
            toc.nodes[n].page = Some(pid);
            toc.nodes[n].href = Some(site.href(pid));
            continue;
        }
        let parent = folder_node(toc, &mut folders, dir);
        let id = toc.nodes.len();
        toc.nodes.push(Node {
            name: p.title.clone(),
            href: Some(site.href(pid)),
            page: Some(pid),
            parent,
            children: Vec::new(),
            expanded: false,
        });
        match parent {
            Some(par) => toc.nodes[par].children.push(id),
            None => {
                if is_index {
                    toc.roots.insert(0, id);
                } else {
                    toc.roots.push(id)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::nav::*;
    use super::parse::*;
    use super::*;

    #[test]
    fn long_levels_are_windowed() {
        let ids: Vec<usize> = (0..1000).collect();
        let w = window(&ids, &[500]);
        assert!(w.len() < 60, "{}", w.len());
        assert!(w.contains(&Some(500)) && w.contains(&Some(0)) && w.contains(&Some(999)));
        assert_eq!(w.iter().filter(|s| s.is_none()).count(), 2);
        assert_eq!(window(&ids[..10], &[]).len(), 10);
    }

    /// The tree walk as it was before `nav` and `nav_html` shared one walker, kept here as the
    /// reference the shared walk must agree with.
    fn reference_level(
        toc: &Toc,
        ids: &[usize],
        path: &[usize],
        current: Option<usize>,
        depth: usize,
    ) -> Vec<NavItem> {
        window(ids, path)
            .into_iter()
            .map(|slot| match slot {
                Some(n) => {
                    let node = &toc.nodes[n];
                    let on_path = path.contains(&n);
                    NavItem {
                        name: node.name.clone(),
                        href: node.href.clone(),
                        current: Some(n) == current,
                        ancestor: on_path && Some(n) != current,
                        has_children: !node.children.is_empty(),
                        children: if shows_children(node, on_path, depth) {
                            reference_level(toc, &node.children, path, current, depth + 1)
                        } else {
                            Vec::new()
                        },
                    }
                }
                None => NavItem {
                    name: "…".into(),
                    href: None,
                    current: false,
                    ancestor: false,
                    has_children: false,
                    children: Vec::new(),
                },
            })
            .collect()
    }

    /// HTML of a tree, the way `nav_html` writes it.
    fn tree_html(items: &[NavItem], out: &mut String) {
        out.push_str("<ul>\n");
        for i in items {
            if i.name == "…" && i.href.is_none() && !i.has_children {
                out.push_str("<li><span class=\"nav-group\">…</span></li>\n");
                continue;
            }
            let class = match (i.current, i.ancestor, i.has_children) {
                (true, _, false) => " class=\"current\"",
                (true, _, true) => " class=\"current has-children\"",
                (false, true, false) => " class=\"ancestor\"",
                (false, true, true) => " class=\"ancestor has-children\"",
                (false, false, false) => "",
                (false, false, true) => " class=\"has-children\"",
            };
            out.push_str(&format!("<li{class}>"));
            match &i.href {
                Some(h) => {
                    let cur = if i.current {
                        " aria-current=\"page\""
                    } else {
                        ""
                    };
                    out.push_str(&format!("<a href=\"{h}\"{cur}><bdi>{}</bdi></a>", i.name));
                }
                None => out.push_str(&format!(
                    "<span class=\"nav-group\"><bdi>{}</bdi></span>",
                    i.name
                )),
            }
            if !i.children.is_empty() {
                tree_html(&i.children, out);
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }

    #[test]
    fn nav_tree_and_html_are_one_walk() {
        // 70 top-level entries (windowed, with gaps); entry 3 expanded with children; entry 40
        // a group holding the page two levels down; pages are node ids.
        let mut toc = Toc::default();
        let add = |toc: &mut Toc, name: String, parent: Option<usize>, expanded: bool| {
            let id = toc.nodes.len();
            toc.nodes.push(Node {
                href: (!name.starts_with("group")).then(|| format!("{name}.html")),
                name,
                page: Some(id),
                parent,
                children: Vec::new(),
                expanded,
            });
            match parent {
                Some(p) => toc.nodes[p].children.push(id),
                None => toc.roots.push(id),
            }
            toc.page_node.insert(id, id);
            id
        };
        let mut roots = Vec::new();
        for i in 0..70 {
            let name = if i == 40 {
                "group40".to_string()
            } else {
                format!("t{i}")
            };
            roots.push(add(&mut toc, name, None, i == 3));
        }
        add(&mut toc, "t3a".into(), Some(roots[3]), false);
        let mid = add(&mut toc, "t40a".into(), Some(roots[40]), false);
        let page = add(&mut toc, "t40b".into(), Some(mid), false);
        add(&mut toc, "t40c".into(), Some(page), false);
        add(&mut toc, "t41a".into(), Some(roots[41]), false);
        for p in [page, mid, roots[0], roots[69], 9999] {
            let path = toc.ancestors(p);
            let expected = reference_level(&toc, &toc.roots, &path, path.last().copied(), 0);
            let tree = toc.nav(p);
            assert_eq!(format!("{tree:?}"), format!("{expected:?}"));
            let mut html = String::new();
            tree_html(&expected, &mut html);
            assert_eq!(toc.nav_html(p), html);
        }
    }

    #[test]
    fn markdown_toc_nests_by_level() {
        let toc = parse_toc_md("# [Home](index.md)\n# Guides\n## [SPF](auth/spf.md)\n### [Deep](auth/deep.md?tabs=a)\n## [Empty]()\n# [Last](last.md)\ntext\n");
        assert_eq!(toc.len(), 3);
        assert_eq!(toc[0].href.as_deref(), Some("index.md"));
        assert_eq!(toc[1].name.as_deref(), Some("Guides"));
        assert_eq!(toc[1].href, None);
        assert_eq!(toc[1].items.len(), 2);
        assert_eq!(
            toc[1].items[0].items[0].href.as_deref(),
            Some("auth/deep.md?tabs=a")
        );
        assert_eq!(toc[1].items[1].href, None);
        assert_eq!(toc[2].name.as_deref(), Some("Last"));
    }
}
