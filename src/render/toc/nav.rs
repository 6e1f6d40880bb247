//! The navigation a page shows, walked once ([`Toc::walk_nav`]) and written either as a tree
//! of [`NavItem`]s (for templates that read `nav`) or straight to HTML (`nav_html`).

use super::{Node, Toc};
use crate::site::PageId;

/// The navigation a page shows: the top level, and the children of each node on the path to
/// the current page (plus entries marked `expanded`). Never the whole tree of a big site.
#[derive(Debug, serde::Serialize)]
pub struct NavItem {
    pub name: String,
    pub href: Option<String>,
    pub current: bool,
    pub ancestor: bool,
    pub has_children: bool,
    pub children: Vec<NavItem>,
    /// `displayName`: more words a TOC filter finds the entry by.
    pub display_name: Option<String>,
}

impl NavItem {
    /// The `…` that stands for entries left out between two shown ones.
    pub(super) fn gap() -> NavItem {
        NavItem {
            name: "…".into(),
            href: None,
            current: false,
            ancestor: false,
            has_children: false,
            children: Vec::new(),
            display_name: None,
        }
    }
}

impl Toc {
    pub fn ancestors(&self, page: PageId) -> Vec<usize> {
        let mut path = Vec::new();
        let mut cur = self.page_node.get(&page).copied();
        while let Some(n) = cur {
            path.push(n);
            cur = self.nodes[n].parent;
        }
        path.reverse();
        path
    }

    /// The page's navigation as a tree, for templates that read `nav`.
    pub fn nav(&self, page: PageId) -> Vec<NavItem> {
        let mut tree = TreeSink::default();
        self.walk_nav(page, &mut tree);
        tree.done
    }

    /// The page's navigation as HTML: nested `<ul>` lists, the page marked with
    /// `aria-current="page"`, its ancestors opened. The same walk as [`Toc::nav`], written
    /// directly: a template loop over thousands of entries per page is the costliest part of
    /// a big build.
    pub fn nav_html(&self, page: PageId) -> String {
        let mut html = HtmlSink {
            out: String::with_capacity(4096),
        };
        self.walk_nav(page, &mut html);
        html.out
    }

    /// The one walk of a page's navigation: the top level, and the children of each entry on
    /// the path to the page (plus entries marked `expanded` at the top). A level longer than
    /// [`MAX_LEVEL`] shows its first and last entries and a window around the page's branch,
    /// with a gap between: each page's navigation stays small however flat the TOC is.
    fn walk_nav(&self, page: PageId, sink: &mut impl NavSink) {
        let path = self.ancestors(page);
        let current = path.last().copied();
        self.walk_level(sink, &self.roots, &path, current, 0);
    }

    fn walk_level(
        &self,
        sink: &mut impl NavSink,
        ids: &[usize],
        path: &[usize],
        current: Option<usize>,
        depth: usize,
    ) {
        sink.begin_level();
        for slot in window(ids, path) {
            let Some(n) = slot else {
                sink.gap();
                continue;
            };
            let node = &self.nodes[n];
            let on_path = path.contains(&n);
            let is_current = Some(n) == current;
            sink.begin_entry(NavEntry {
                node,
                current: is_current,
                ancestor: on_path && !is_current,
            });
            if shows_children(node, on_path, depth) && !node.children.is_empty() {
                self.walk_level(sink, &node.children, path, current, depth + 1);
            }
            sink.end_entry();
        }
        sink.end_level();
    }
}

/// One entry as the walk reaches it.
pub(super) struct NavEntry<'a> {
    node: &'a Node,
    current: bool,
    ancestor: bool,
}

/// What the navigation walk produces: a tree or HTML. Calls nest like the lists:
/// `begin_level (gap | begin_entry [level] end_entry)* end_level`.
pub(super) trait NavSink {
    fn begin_level(&mut self);
    fn gap(&mut self);
    fn begin_entry(&mut self, entry: NavEntry);
    fn end_entry(&mut self);
    fn end_level(&mut self);
}

/// Builds [`NavItem`]s.
#[derive(Default)]
pub(super) struct TreeSink {
    /// The levels being filled, outermost first.
    open: Vec<Vec<NavItem>>,
    /// The finished top level.
    done: Vec<NavItem>,
}

impl NavSink for TreeSink {
    fn begin_level(&mut self) {
        self.open.push(Vec::new());
    }

    fn gap(&mut self) {
        let level = self.open.last_mut().expect("inside a level");
        level.push(NavItem::gap());
    }

    fn begin_entry(&mut self, e: NavEntry) {
        let level = self.open.last_mut().expect("inside a level");
        level.push(NavItem {
            name: e.node.name.clone(),
            href: e.node.href.clone(),
            current: e.current,
            ancestor: e.ancestor,
            has_children: !e.node.children.is_empty(),
            children: Vec::new(),
            display_name: e.node.display_name.clone(),
        });
    }

    fn end_entry(&mut self) {}

    fn end_level(&mut self) {
        let level = self.open.pop().expect("a level to close");
        match self.open.last_mut().and_then(|parent| parent.last_mut()) {
            Some(item) => item.children = level,
            None => self.done = level,
        }
    }
}

/// Writes the navigation's HTML.
pub(super) struct HtmlSink {
    out: String,
}

impl NavSink for HtmlSink {
    fn begin_level(&mut self) {
        self.out.push_str("<ul>\n");
    }

    fn gap(&mut self) {
        self.out
            .push_str("<li><span class=\"nav-group\">…</span></li>\n");
    }

    fn begin_entry(&mut self, e: NavEntry) {
        use crate::markdown::highlight::escape_html_into as esc;
        let out = &mut self.out;
        let class = match (e.current, e.ancestor, e.node.children.is_empty()) {
            (true, _, true) => " class=\"current\"",
            (true, _, false) => " class=\"current has-children\"",
            (false, true, true) => " class=\"ancestor\"",
            (false, true, false) => " class=\"ancestor has-children\"",
            (false, false, true) => "",
            (false, false, false) => " class=\"has-children\"",
        };
        out.push_str("<li");
        out.push_str(class);
        out.push('>');
        match &e.node.href {
            Some(href) => {
                out.push_str("<a href=\"");
                esc(out, href);
                out.push('"');
                display_name(out, e.node);
                if e.current {
                    out.push_str(" aria-current=\"page\"");
                }
                // `<bdi>`: a title in the other direction (an English title on an Arabic
                // page) keeps its own order, punctuation included.
                out.push_str("><bdi>");
                esc(out, &e.node.name);
                out.push_str("</bdi></a>");
            }
            None => {
                out.push_str("<span class=\"nav-group\"");
                display_name(out, e.node);
                out.push_str("><bdi>");
                esc(out, &e.node.name);
                out.push_str("</bdi></span>");
            }
        }
    }

    fn end_entry(&mut self) {
        self.out.push_str("</li>\n");
    }

    fn end_level(&mut self) {
        self.out.push_str("</ul>\n");
    }
}

/// ` data-display-name="..."` for an entry with a `displayName`: the words a filter of the
/// navigation also matches (the theme's script reads it).
pub(super) fn display_name(out: &mut String, node: &Node) {
    if let Some(d) = &node.display_name {
        out.push_str(" data-display-name=\"");
        crate::markdown::highlight::escape_html_into(out, d);
        out.push('"');
    }
}

/// Whether the navigation opens an entry: on the page's branch, or marked `expanded` (at any
/// level the navigation shows).
pub(super) fn shows_children(node: &Node, on_path: bool, _depth: usize) -> bool {
    on_path || node.expanded
}

/// Entries of one navigation level shown in full up to this length.
pub(super) const MAX_LEVEL: usize = 60;

/// The entries of a level to show (`None` marks a gap).
pub(super) fn window(ids: &[usize], path: &[usize]) -> Vec<Option<usize>> {
    if ids.len() <= MAX_LEVEL {
        return ids.iter().map(|&i| Some(i)).collect();
    }
    const EDGE: usize = 5;
    const AROUND: usize = 20;
    let at = ids.iter().position(|i| path.contains(i));
    let mut keep = vec![false; ids.len()];
    for k in keep.iter_mut().take(EDGE) {
        *k = true;
    }
    for k in keep.iter_mut().skip(ids.len() - EDGE) {
        *k = true;
    }
    if let Some(a) = at {
        for k in keep
            .iter_mut()
            .take((a + AROUND + 1).min(ids.len()))
            .skip(a.saturating_sub(AROUND))
        {
            *k = true;
        }
    }
    let mut out = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        if keep[i] {
            out.push(Some(id));
        } else if out.last().is_some_and(|s: &Option<usize>| s.is_some()) {
            out.push(None);
        }
    }
    out
}
