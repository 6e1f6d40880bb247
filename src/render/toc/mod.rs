//! The tables of contents, as DocFX reads them: any number of TOC files per locale
//! (`toc.yml`, `TOC.yml`, `toc.yaml`, `TOC.md`, `toc.md`, any case), each read once per locale
//! and shared by the pages that show it. A page's sidebar shows the nearest TOC that lists it
//! (fewest folder steps between the page and the TOC), else the nearest one in its folder or a
//! folder above. A locale without a TOC file of its own at some path uses the source locale's,
//! with entries pointing into the locale; a locale with no TOC at all gets one built from the
//! folder tree. TOCs in a `breadcrumb` folder, or named by a page's `breadcrumb_path`, are
//! breadcrumb TOCs: they give the start of a page's breadcrumb trail, never its sidebar.
//!
//! This file is the model ([`Toc`], [`Node`], [`Tocs`]) and the choice of each page's TOC;
//! `parse` reads the TOC files (`load` read them into `Site`) into nodes, `nav` walks the
//! navigation a page shows (one walk for the `nav` tree and for `nav_html`), `crumbs` makes
//! breadcrumb trails and the per-TOC fragments a `?toc=` link loads.

mod crumbs;
mod nav;
mod parse;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::Diagnostic;
use crate::site::{LocaleId, PageId, Site};

pub use crumbs::Crumb;
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
    /// `displayName`: more words a TOC filter finds the entry by.
    pub display_name: Option<String>,
    /// The part of the site the entry stands for, as a URL path under the locale folder
    /// (`lighthouse/`, `` for all of it): from `tocHref`, else the folder of its link. A
    /// breadcrumb entry is on a page's trail when this is a prefix of the page's URL path.
    pub scope: Option<String>,
}

#[derive(Debug, Default)]
pub struct Toc {
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    /// Page -> its first node.
    pub page_node: HashMap<PageId, usize>,
    /// Pages in TOC order, for previous / next.
    pub order: Vec<PageId>,
    /// Built from the folder tree because the locale has no TOC file.
    pub from_folders: bool,
    /// Page -> its index in `order` (a lookup per page, not a scan: sites have 20,000 pages).
    pub order_index: HashMap<PageId, usize>,
    /// The locale whose pages the entries link to.
    pub reader: LocaleId,
    /// The TOC file's folder relative to the locale folder (`` at the root, `admin`); `None`
    /// for a TOC built from the folder tree.
    pub dir: Option<String>,
    /// The deepest level (0 = the top) every page's navigation carries in full; the entries of
    /// closed groups below it load when opened (see [`nav::CARRIED_ENTRIES`]).
    pub carried_depth: usize,
}

impl Toc {
    /// Adds an entry named `name` under `parent` (a root when `None`), closed, with no link
    /// and no page (a group; callers that add a page set them); returns its node.
    fn push_group(&mut self, name: String, parent: Option<usize>) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            name,
            href: None,
            page: None,
            parent,
            children: Vec::new(),
            expanded: false,
            display_name: None,
            scope: None,
        });
        match parent {
            Some(p) => self.nodes[p].children.push(id),
            None => self.roots.push(id),
        }
        id
    }
}

/// Every TOC of the site, and which one each page shows.
#[derive(Debug, Default)]
pub struct Tocs {
    pub tocs: Vec<Toc>,
    /// Per page: the TOC its sidebar shows.
    pub page_toc: Vec<Option<usize>>,
    /// Per page: whether a TOC lists it (always, for a locale whose TOC is built from folders).
    pub listed: Vec<bool>,
    /// Per page: the breadcrumb TOC its `breadcrumb_path` names, when that TOC exists.
    pub page_crumbs: Vec<Option<usize>>,
    /// The TOCs whose fragment is written (see [`Tocs::fragments`]), as `(toc, is breadcrumb)`.
    pub published: Vec<(usize, bool)>,
}

impl Tocs {
    /// The TOC page `pid`'s sidebar shows.
    pub fn of(&self, pid: PageId) -> Option<&Toc> {
        self.page_toc
            .get(pid)
            .copied()
            .flatten()
            .map(|t| &self.tocs[t])
    }
}

/// The file names DocFX reads as a TOC, in the order one is chosen when a folder has several.
const TOC_NAMES: [&str; 3] = ["toc.yml", "toc.yaml", "toc.md"];

/// Whether `name` (a file name) is a TOC file's, in any case.
pub fn is_toc_name(name: &str) -> bool {
    TOC_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// The TOC file in folder `dir` of `locale` (`` for the root), any case: `None` when it has
/// none.
pub(super) fn toc_in(site: &Site, locale: LocaleId, dir: &str) -> Option<String> {
    let loc = &site.locales[locale];
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut best: Option<(usize, String)> = None;
    // The files of the folder are a range of each sorted map: no scan of the whole locale.
    let files = keys_under(&loc.tocs, &prefix).chain(keys_under(&loc.markdown, &prefix));
    for rel in files {
        let name = &rel[prefix.len()..];
        if let Some(rank) = TOC_NAMES.iter().position(|n| name.eq_ignore_ascii_case(n)) {
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                best = Some((rank, rel.clone()));
            }
        }
    }
    best.map(|(_, rel)| rel)
}

/// The keys of `map` that start with `prefix`, in order.
fn keys_under<'m, V>(
    map: &'m BTreeMap<String, V>,
    prefix: &'m str,
) -> impl Iterator<Item = &'m String> + 'm {
    use std::ops::Bound;
    map.range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .map(|(k, _)| k)
        .take_while(move |k| k.starts_with(prefix))
}

/// The folder of a `/`-separated path (`` for a file at the root).
fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Every TOC file `locale` reads, by folder: its own, and the source locale's where it has
/// none at the same path. Each is `(locale whose file it is, path)`.
fn toc_files(site: &Site, locale: LocaleId) -> BTreeMap<String, (LocaleId, String)> {
    let mut files = BTreeMap::new();
    let mut from = vec![locale];
    if locale != site.source_locale {
        from.push(site.source_locale);
    }
    for l in from {
        let loc = &site.locales[l];
        let dirs: BTreeSet<&str> = loc
            .tocs
            .keys()
            .chain(loc.markdown.keys())
            .filter(|rel| is_toc_name(rel.rsplit('/').next().unwrap_or("")))
            .map(|rel| dir_of(rel))
            .collect();
        for dir in dirs {
            if !files.contains_key(dir) {
                if let Some(rel) = toc_in(site, l, dir) {
                    files.insert(dir.to_string(), (l, rel));
                }
            }
        }
    }
    files
}

/// Folder steps from `from` to `to` (both `/`-separated folders, `` for the root).
fn distance(from: &str, to: &str) -> usize {
    let a: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let b: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = a
        .iter()
        .zip(&b)
        .take_while(|(x, y)| x.eq_ignore_ascii_case(y))
        .count();
    a.len() - common + b.len() - common
}

/// Builds every TOC of the site and picks each page's (see the module docs).
/// `redirected`: redirected articles and where they lead; an entry for one leads there.
pub fn build_all(
    site: &Site,
    redirected: &crate::markdown::links::Redirected,
    diags: &mut Vec<Diagnostic>,
) -> Tocs {
    let n = site.pages.len();
    let mut all = Tocs {
        tocs: Vec::new(),
        page_toc: vec![None; n],
        listed: vec![false; n],
        page_crumbs: vec![None; n],
        published: Vec::new(),
    };
    // A TOC nested in several others is walked in each: its findings are reported once.
    let mut found = Vec::new();
    for locale in 0..site.locales.len() {
        build_locale(site, locale, redirected, &mut all, &mut found);
    }
    let mut seen = std::collections::HashSet::new();
    diags.extend(found.into_iter().filter(|d| seen.insert(format!("{d:?}"))));
    all
}

fn build_locale(
    site: &Site,
    locale: LocaleId,
    redirected: &crate::markdown::links::Redirected,
    all: &mut Tocs,
    diags: &mut Vec<Diagnostic>,
) {
    let files = toc_files(site, locale);
    let pages: Vec<PageId> = site.locale_pages(locale).map(|(p, _)| p).collect();
    // Breadcrumb TOCs: those in a `breadcrumb` folder and those the pages name.
    let mut named: HashMap<String, Option<String>> = HashMap::new();
    for &p in &pages {
        if let Some(path) = site.pages[p].meta_str("breadcrumb_path") {
            named.entry(path).or_insert_with_key(|path| {
                let url = path.split(['?', '#']).next().unwrap_or("");
                let rel = if url.starts_with('/') {
                    site.root_file(locale, url)
                } else {
                    crate::paths::resolve_relative(&site.pages[p].rel, url)
                };
                rel.map(|r| dir_of(&r).to_string())
                    .filter(|d| files.contains_key(d))
            });
        }
    }
    let crumb_dirs: BTreeSet<String> = files
        .keys()
        .filter(|d| {
            d.rsplit('/')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case("breadcrumb"))
        })
        .cloned()
        .chain(named.values().flatten().cloned())
        .collect();
    let mut by_dir: HashMap<String, usize> = HashMap::new();
    let mut nav = Vec::new();
    for (dir, (file_locale, rel)) in &files {
        let id = all.tocs.len();
        let mut toc = Toc {
            reader: locale,
            dir: Some(dir.clone()),
            ..Default::default()
        };
        let mut walk = Walk {
            site,
            toc_locale: *file_locale,
            reader: locale,
            report: *file_locale == locale,
            toc: &mut toc,
            diags,
            stack: vec![rel.clone()],
            redirected,
        };
        toc.roots = load_toc(&mut walk, rel, None);
        finish(&mut toc);
        all.tocs.push(toc);
        by_dir.insert(dir.clone(), id);
        let crumb = crumb_dirs.contains(dir);
        if site.building[locale] {
            all.published.push((id, crumb));
        }
        if !crumb {
            nav.push(id);
        }
    }
    for &p in &pages {
        if let Some(Some(dir)) = site.pages[p]
            .meta_str("breadcrumb_path")
            .map(|k| &named[&k])
        {
            all.page_crumbs[p] = by_dir.get(dir).copied();
        }
    }
    if nav.is_empty() {
        let mut toc = Toc {
            from_folders: true,
            reader: locale,
            ..Default::default()
        };
        folder_toc(site, locale, &mut toc);
        finish(&mut toc);
        let id = all.tocs.len();
        all.tocs.push(toc);
        for &p in &pages {
            all.page_toc[p] = Some(id);
            all.listed[p] = true;
        }
        return;
    }
    // Which TOCs list each page.
    let mut listers: HashMap<PageId, Vec<usize>> = HashMap::new();
    for &t in &nav {
        for &p in all.tocs[t].page_node.keys() {
            listers.entry(p).or_default().push(t);
        }
    }
    for &p in &pages {
        let page_dir = dir_of(&site.pages[p].rel);
        let toc_dir = |t: usize| all.tocs[t].dir.as_deref().unwrap_or("");
        let listed_by = listers.get(&p).and_then(|ts| {
            ts.iter()
                .copied()
                .min_by_key(|&t| (distance(page_dir, toc_dir(t)), toc_dir(t).to_string()))
        });
        all.listed[p] = listed_by.is_some();
        all.page_toc[p] = listed_by.or_else(|| {
            let mut dir = page_dir;
            loop {
                if let Some(&t) = by_dir.get(dir).filter(|t| nav.contains(t)) {
                    return Some(t);
                }
                if dir.is_empty() {
                    return None;
                }
                dir = dir_of(dir);
            }
        });
    }
}

/// Fills in what follows from a TOC's tree: each page's first node, and the page order.
fn finish(toc: &mut Toc) {
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
        walk(toc, r, &mut order, &mut seen);
    }
    toc.order_index = order.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    toc.order = order;
    toc.carried_depth = nav::carried_depth(toc);
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
        let pretty = name.replace(['-', '_'], " ");
        let mut chars = pretty.chars();
        let title = chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default();
        let id = toc.push_group(title, parent);
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
        let id = toc.push_group(p.title.clone(), parent);
        toc.nodes[id].href = Some(site.href(pid));
        toc.nodes[id].page = Some(pid);
        if is_index && parent.is_none() {
            // The site's own index page heads the top level.
            toc.roots.pop();
            toc.roots.insert(0, id);
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
    /// reference the shared walk must agree with: the rule of `nav`'s module docs, written
    /// plainly.
    fn reference_level(
        toc: &Toc,
        ids: &[usize],
        path: &[usize],
        depth: usize,
        position: &[usize],
    ) -> Vec<NavItem> {
        let current = path.last().copied();
        window(ids, path)
            .into_iter()
            .map(|slot| match slot {
                Some(i) => {
                    let n = ids[i];
                    let node = &toc.nodes[n];
                    let on_path = path.contains(&n);
                    let group = !node.children.is_empty();
                    let open = group && (on_path || node.expanded);
                    let carried = open || (group && depth < toc.carried_depth);
                    let mut here = position.to_vec();
                    here.push(i);
                    NavItem {
                        name: node.name.clone(),
                        href: node.href.clone(),
                        current: Some(n) == current,
                        ancestor: on_path && Some(n) != current,
                        has_children: group,
                        display_name: None,
                        open,
                        load: (group && !carried).then(|| {
                            here.iter()
                                .map(|p| p.to_string())
                                .collect::<Vec<_>>()
                                .join(".")
                        }),
                        children: if carried {
                            reference_level(toc, &node.children, path, depth + 1, &here)
                        } else {
                            Vec::new()
                        },
                    }
                }
                None => NavItem::gap(),
            })
            .collect()
    }

    /// HTML of a tree, the way `nav_html` writes it. `first`: a deferred group's first link.
    fn tree_html(
        items: &[NavItem],
        first_of: &dyn Fn(&str) -> Option<(String, String)>,
        out: &mut String,
    ) {
        let first = first_of;
        out.push_str("<ul>\n");
        for i in items {
            if i.name == "…" && i.href.is_none() && !i.has_children {
                out.push_str("<li><span class=\"nav-group\">…</span></li>\n");
                continue;
            }
            let class = super::nav::li_class(i.current, i.ancestor, i.has_children);
            let load = i
                .load
                .as_ref()
                .map(|l| format!(" data-load=\"{l}\""))
                .unwrap_or_default();
            out.push_str(&format!("<li{class}{load}>"));
            let first = i
                .load
                .as_ref()
                .filter(|_| i.href.is_none())
                .and_then(|_| first(&i.name));
            if let Some(h) = &i.href {
                let cur = if i.current {
                    " aria-current=\"page\""
                } else {
                    ""
                };
                out.push_str(&format!("<a href=\"{h}\"{cur}><bdi>{}</bdi></a>", i.name));
            } else if let Some((h, _)) = &first {
                out.push_str(&format!(
                    "<a class=\"nav-group\" href=\"{h}\"><bdi>{}</bdi></a>",
                    i.name
                ));
            }
            if i.has_children && i.load.is_none() {
                let open = if i.open { " open" } else { "" };
                out.push_str(&format!("<details{open}>"));
                if i.href.is_some() {
                    out.push_str(&format!(
                        "<summary><span class=\"visually-hidden\">{}</span></summary>",
                        i.name
                    ));
                } else {
                    out.push_str(&format!(
                        "<summary class=\"nav-group\"><bdi>{}</bdi></summary>",
                        i.name
                    ));
                }
                tree_html(&i.children, first_of, out);
                out.push_str("</details>");
            } else if i.href.is_none() && first.is_none() {
                out.push_str(&format!(
                    "<span class=\"nav-group\"><bdi>{}</bdi></span>",
                    i.name
                ));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }

    #[test]
    fn nav_tree_and_html_are_one_walk() {
        // 70 top-level entries (windowed, with gaps); entry 3 expanded with children; entry 40
        // a group holding the page two levels down; entry 41 a closed group; pages are node
        // ids.
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
                display_name: None,
                scope: None,
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
        let sub = add(&mut toc, "group41".into(), Some(roots[41]), false);
        add(&mut toc, "t41a".into(), Some(sub), false);
        // A deferred group's first link (depth first), by the group's name.
        fn first_under(toc: &Toc, n: usize) -> Option<(String, String)> {
            toc.nodes[n]
                .children
                .iter()
                .find_map(|&c| match &toc.nodes[c].href {
                    Some(h) => Some((h.clone(), toc.nodes[c].name.clone())),
                    None => first_under(toc, c),
                })
        }
        let snapshot = toc.nodes.clone();
        let lookup = Toc {
            nodes: snapshot,
            ..Default::default()
        };
        let first = |name: &str| {
            let n = lookup.nodes.iter().position(|x| x.name == name)?;
            first_under(&lookup, n)
        };
        for carried in [0, 1, 5] {
            toc.carried_depth = carried;
            for p in [page, mid, roots[0], roots[41], roots[69], 9999] {
                let path = toc.ancestors(p);
                let expected = reference_level(&toc, &toc.roots, &path, 0, &[]);
                let tree = toc.nav(p);
                assert_eq!(format!("{tree:?}"), format!("{expected:?}"));
                let mut html = String::new();
                tree_html(&expected, &first, &mut html);
                assert_eq!(toc.nav_html(p), html, "carried depth {carried}, page {p}");
            }
        }
    }

    #[test]
    fn the_carried_depth_keeps_to_the_entry_budget() {
        // 11 top entries, 10 groups of 10 subgroups of 100 pages (the scale corpus's shape).
        let mut toc = Toc::default();
        let push = |toc: &mut Toc, parent: Option<usize>| {
            let name = format!("e{}", toc.nodes.len());
            toc.push_group(name, parent)
        };
        push(&mut toc, None);
        for _ in 0..10 {
            let g = push(&mut toc, None);
            for _ in 0..10 {
                let s = push(&mut toc, Some(g));
                for _ in 0..100 {
                    push(&mut toc, Some(s));
                }
            }
        }
        assert_eq!(
            nav::carried_depth(&toc),
            1,
            "111 entries fit, 10,111 do not"
        );
        let small = Toc {
            nodes: toc.nodes[..1].to_vec(),
            roots: vec![0],
            ..Default::default()
        };
        assert_eq!(nav::carried_depth(&small), 0);
        assert_eq!(nav::carried_depth(&Toc::default()), 0);
    }

    #[test]
    fn folder_steps_between_a_page_and_a_toc() {
        assert_eq!(distance("a/b", "a/b"), 0);
        assert_eq!(distance("a/b", ""), 2);
        assert_eq!(distance("reference", "guides"), 2);
        assert_eq!(distance("", "A/b"), 2);
        assert_eq!(distance("a/B/c", "a/b"), 1, "folders compare in any case");
        assert!(is_toc_name("TOC.yml") && is_toc_name("Toc.YAML") && is_toc_name("toc.MD"));
        assert!(!is_toc_name("toc.json") && !is_toc_name("mytoc.yml"));
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
