//! The navigation a page shows, walked once ([`Toc::walk_nav`]) and written either as a tree
//! of [`NavItem`]s (for templates that read `nav`) or straight to HTML (`nav_html`).
//!
//! What a page carries, so that every entry is reachable from every page while pages stay
//! small on TOCs of thousands of entries: the top level and each level below it down to the
//! TOC's carried depth (as many levels from the top as hold [`CARRIED_ENTRIES`] entries
//! together), and the page's own branch and `expanded` entries, open. Groups are disclosures
//! (`<details>`: they open in place without JavaScript). A closed group whose entries lie below
//! the carried depth is written as one entry with `data-load` (its position in the TOC,
//! `2.0.5`): a link to its page, or for a group without one to its first page (where its
//! entries show), so it costs what a link costs and leads on without JavaScript; the theme's
//! script makes it a disclosure that loads the group's entries from the TOC's fragment
//! (`toc.json`) when opened. A level of more than [`MAX_LEVEL`] entries is windowed around the
//! page's branch.

use super::{Node, Toc};
use crate::site::PageId;

/// The navigation a page shows: the top level, the levels a page carries in full, and the
/// children of each node on the path to the current page (plus entries marked `expanded`).
/// Never the whole tree of a big site.
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
    /// A group shown open: on the page's branch, or `expanded`.
    pub open: bool,
    /// A group whose entries the page does not carry: its position in the TOC (`2.0.5`, the
    /// index at each level), by which the script finds them in the TOC's fragment.
    pub load: Option<String>,
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
            open: false,
            load: None,
        }
    }
}

/// The most entries the levels every page carries in full may hold together (the top level is
/// always carried). About 120 bytes of HTML each: 150 entries add some 18 KB to a page (3 KB
/// compressed), a long article's worth; deeper levels of a bigger TOC load when opened.
pub const CARRIED_ENTRIES: usize = 150;

/// The deepest level (0 = the top) whose entries, together with those of every level above,
/// number at most [`CARRIED_ENTRIES`]; 0 when the top level alone has more.
pub(super) fn carried_depth(toc: &Toc) -> usize {
    let mut total = 0;
    let mut depth: usize = 0;
    let mut level: Vec<usize> = toc.roots.clone();
    while !level.is_empty() {
        total += level.len();
        if total > CARRIED_ENTRIES {
            return depth.saturating_sub(1);
        }
        level = level
            .iter()
            .flat_map(|&n| toc.nodes[n].children.iter().copied())
            .collect();
        depth += 1;
    }
    depth.saturating_sub(1)
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
        self.walk_nav(&self.ancestors(page), &mut tree);
        tree.done
    }

    /// The page's navigation as HTML: nested `<ul>` lists, groups as `<details>`, the page
    /// marked with `aria-current="page"`, its ancestors opened. The same walk as
    /// [`Toc::nav`], written directly: a template loop over thousands of entries per page is
    /// the costliest part of a big build.
    pub fn nav_html(&self, page: PageId) -> String {
        self.html_for(&self.ancestors(page))
    }

    /// The navigation of no page in particular (a 404 page's): what every page carries, with
    /// no branch opened but the `expanded` entries.
    pub fn top_nav_html(&self) -> String {
        self.html_for(&[])
    }

    fn html_for(&self, path: &[usize]) -> String {
        let mut html = HtmlSink {
            out: String::with_capacity(4096),
            groups: Vec::new(),
        };
        self.walk_nav(path, &mut html);
        html.out
    }

    /// The one walk of a page's navigation (`path`: the nodes from the top to the page): the
    /// levels every page carries, and the children of each entry on the path to the page and
    /// of `expanded` ones; the other groups deferred (see the module docs). A level longer
    /// than [`MAX_LEVEL`] shows its first and last entries and a window around the page's
    /// branch, with a gap between: each page's navigation stays small however flat the TOC is.
    fn walk_nav(&self, path: &[usize], sink: &mut impl NavSink) {
        let current = path.last().copied();
        let mut position = Vec::new();
        self.walk_level(sink, &self.roots, path, current, 0, &mut position);
    }

    fn walk_level(
        &self,
        sink: &mut impl NavSink,
        ids: &[usize],
        path: &[usize],
        current: Option<usize>,
        depth: usize,
        position: &mut Vec<usize>,
    ) {
        sink.begin_level();
        for slot in window(ids, path) {
            let Some(i) = slot else {
                sink.gap();
                continue;
            };
            let n = ids[i];
            let node = &self.nodes[n];
            let on_path = path.contains(&n);
            let is_current = Some(n) == current;
            let group = !node.children.is_empty();
            let open = group && shows_children(node, on_path, depth);
            let carried = group && (open || depth < self.carried_depth);
            position.push(i);
            let deferred = (group && !carried).then(|| Deferred {
                position: position
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("."),
                first: self.first_link(n),
            });
            sink.begin_entry(NavEntry {
                node,
                current: is_current,
                ancestor: on_path && !is_current,
                open,
                deferred,
            });
            if carried {
                self.walk_level(sink, &node.children, path, current, depth + 1, position);
            }
            position.pop();
            sink.end_entry();
        }
        sink.end_level();
    }

    /// The first entry with a link under `n` (depth first): where a reader without
    /// JavaScript goes on from a group whose entries the page does not carry.
    fn first_link(&self, n: usize) -> Option<&Node> {
        self.nodes[n].children.iter().find_map(|&c| {
            let child = &self.nodes[c];
            if child.href.is_some() {
                Some(child)
            } else {
                self.first_link(c)
            }
        })
    }
}

/// A group whose entries the page does not carry.
pub(super) struct Deferred<'a> {
    /// Its position in the TOC: the index at each level, joined by `.`.
    position: String,
    first: Option<&'a Node>,
}

/// One entry as the walk reaches it.
pub(super) struct NavEntry<'a> {
    node: &'a Node,
    current: bool,
    ancestor: bool,
    /// A group shown open.
    open: bool,
    deferred: Option<Deferred<'a>>,
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
            open: e.open,
            load: e.deferred.map(|d| d.position),
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
    /// Per open entry: whether it is a group (its `<details>` to close).
    groups: Vec<bool>,
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
        let group = !e.node.children.is_empty();
        out.push_str("<li");
        out.push_str(li_class(e.current, e.ancestor, group));
        if let Some(d) = &e.deferred {
            out.push_str(" data-load=\"");
            out.push_str(&d.position);
            out.push('"');
        }
        out.push('>');
        // A group without a page whose entries the page does not carry links to its first
        // page, where they show: the way on without the script, which makes it a disclosure.
        let first = e
            .deferred
            .as_ref()
            .filter(|_| e.node.href.is_none())
            .and_then(|d| d.first);
        if let Some(href) = e.node.href.as_ref().or(first.and_then(|f| f.href.as_ref())) {
            out.push_str("<a ");
            if first.is_some() {
                out.push_str("class=\"nav-group\" ");
            }
            out.push_str("href=\"");
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
        let details = group && e.deferred.is_none();
        if details {
            // A disclosure: `<details>` opens in place without JavaScript, says whether it
            // is open to assistive technology, and find-in-page opens it on a match.
            out.push_str(if e.open {
                "<details open>"
            } else {
                "<details>"
            });
            if e.node.href.is_some() {
                // The link is the entry; the summary only opens it (a link inside a summary
                // would be a control inside a control), named for screen readers.
                out.push_str("<summary><span class=\"visually-hidden\">");
                esc(out, &e.node.name);
                out.push_str("</span></summary>");
            } else {
                out.push_str("<summary class=\"nav-group\"");
                display_name(out, e.node);
                out.push_str("><bdi>");
                esc(out, &e.node.name);
                out.push_str("</bdi></summary>");
            }
        } else if e.node.href.is_none() && first.is_none() {
            out.push_str("<span class=\"nav-group\"");
            display_name(out, e.node);
            out.push_str("><bdi>");
            esc(out, &e.node.name);
            out.push_str("</bdi></span>");
        }
        self.groups.push(details);
    }

    fn end_entry(&mut self) {
        if self.groups.pop().unwrap_or(false) {
            self.out.push_str("</details>");
        }
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

/// The entries of a level to show, as indices into `ids` (`None` marks a gap).
pub(super) fn window(ids: &[usize], path: &[usize]) -> Vec<Option<usize>> {
    if ids.len() <= MAX_LEVEL {
        return (0..ids.len()).map(Some).collect();
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
    for (i, &k) in keep.iter().enumerate() {
        if k {
            out.push(Some(i));
        } else if out.last().is_some_and(|s: &Option<usize>| s.is_some()) {
            out.push(None);
        }
    }
    out
}

/// The class attribute of a sidebar entry's `<li>`: the current page, an ancestor of it, a group.
pub(super) fn li_class(current: bool, ancestor: bool, group: bool) -> &'static str {
    match (current, ancestor, group) {
        (true, _, false) => " class=\"current\"",
        (true, _, true) => " class=\"current has-children\"",
        (false, true, false) => " class=\"ancestor\"",
        (false, true, true) => " class=\"ancestor has-children\"",
        (false, false, false) => "",
        (false, false, true) => " class=\"has-children\"",
    }
}
