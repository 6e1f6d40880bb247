//! The table of contents per locale: DocFX `toc.yml` (`name`, `href`, `items`, `topicHref`,
//! `expanded`, nested `toc.yml` references), else one built from the folder tree. A locale
//! without its own TOC uses the source locale's, with entries pointing into the locale.

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Kind};
use crate::paths;
use crate::site::{LocaleId, PageId, Site};
use crate::source::Source;

#[derive(Debug, Deserialize)]
struct RawEntry {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    href: Option<String>,
    #[serde(default, rename = "topicHref")]
    topic_href: Option<String>,
    #[serde(default)]
    items: Vec<RawEntry>,
    #[serde(default)]
    expanded: bool,
    #[serde(flatten)]
    _other: serde_json::Map<String, serde_json::Value>,
}

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
            let mut stack = vec![rel.clone()];
            let roots = load_toc(
                site,
                toc_locale,
                locale,
                &rel,
                None,
                &mut toc,
                diags,
                &mut stack,
                !from_source,
            );
            toc.roots = roots;
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

#[allow(clippy::too_many_arguments)]
fn load_toc(
    site: &Site,
    toc_locale: LocaleId,
    reader: LocaleId,
    rel: &str,
    parent: Option<usize>,
    toc: &mut Toc,
    diags: &mut Vec<Diagnostic>,
    stack: &mut Vec<String>,
    report: bool,
) -> Vec<usize> {
    let loc = &site.locales[toc_locale];
    let source = if let Some(md) = loc.markdown.get(rel) {
        md.clone()
    } else {
        // YAML TOCs were read by `load`; any other asset is not a TOC.
        match loc.tocs.get(rel) {
            None => return Vec::new(),
            Some(Ok(s)) => s.clone(),
            Some(Err(d)) => {
                if report {
                    diags.push(d.clone());
                }
                return Vec::new();
            }
        }
    };
    let entries: Vec<RawEntry> = if rel.to_ascii_lowercase().ends_with(".md") {
        parse_toc_md(&source.text)
    } else if source.text.trim().is_empty() {
        Vec::new()
    } else {
        match crate::source::yaml::from_str::<Vec<RawEntry>>(&source.text) {
            Ok(e) => e,
            Err(e) => {
                if report {
                    let (at, msg) = (e.offset, e.message);
                    diags.push(
                        Diagnostic::new(Kind::Toc, format!("invalid table of contents: {msg}"))
                            .at(&source, at..at + 1)
                            .hint("a toc.yml is a list of entries with `name`, `href` and optional `items`"),
                    );
                }
                return Vec::new();
            }
        }
    };
    let mut cursor = 0;
    add_entries(
        site,
        toc_locale,
        reader,
        rel,
        &source,
        &entries,
        parent,
        toc,
        diags,
        stack,
        report,
        &mut cursor,
    )
}

#[allow(clippy::too_many_arguments)]
fn add_entries(
    site: &Site,
    toc_locale: LocaleId,
    reader: LocaleId,
    toc_rel: &str,
    source: &Source,
    entries: &[RawEntry],
    parent: Option<usize>,
    toc: &mut Toc,
    diags: &mut Vec<Diagnostic>,
    stack: &mut Vec<String>,
    report: bool,
    cursor: &mut usize,
) -> Vec<usize> {
    let mut ids = Vec::new();
    for e in entries {
        let name = e.name.clone().unwrap_or_default();
        // Locate the entry in the file for diagnostics: the entry's name, a little after the
        // previous one. The search window is bounded, so a TOC of 10,000 entries whose names
        // are written differently (quoted, escaped) costs no more than one that matches.
        let window_end = crate::source::floor_char_boundary(&source.text, *cursor + 4096);
        let window = &source.text[*cursor..window_end];
        let at = (!name.is_empty())
            .then(|| window.find(name.as_str()))
            .flatten()
            .map(|i| {
                // Back up to the start of the `name:` key or `[` when they are on the same line.
                let line_start = source.text[..*cursor + i]
                    .rfind('\n')
                    .map(|n| n + 1)
                    .unwrap_or(0);
                let line = &source.text[line_start..*cursor + i];
                match line.find("name:").or_else(|| line.find('[')) {
                    Some(k) => line_start + k,
                    None => *cursor + i,
                }
            })
            .unwrap_or(*cursor);
        *cursor = (*cursor).max(at.min(source.text.len()));
        let id = toc.nodes.len();
        toc.nodes.push(Node {
            name: name.clone(),
            href: None,
            page: None,
            parent,
            children: Vec::new(),
            expanded: e.expanded,
        });
        let link = e.topic_href.as_ref().or(e.href.as_ref());
        let mut nested_toc = false;
        if let Some(href) = &e.href {
            let clean = href.split(['#', '?']).next().unwrap_or("");
            let lower = clean.to_ascii_lowercase();
            if lower.ends_with("toc.yml")
                || lower.ends_with("toc.yaml")
                || lower.ends_with("toc.md")
                || lower.ends_with('/')
            {
                nested_toc = true;
                let target = if lower.ends_with('/') {
                    format!("{clean}toc.yml")
                } else {
                    clean.to_string()
                };
                match paths::resolve_relative(toc_rel, &target) {
                    Some(nested) if site.locales[toc_locale].assets.contains_key(&nested) => {
                        if stack.contains(&nested) {
                            if report {
                                diags.push(
                                    Diagnostic::new(
                                        Kind::Toc,
                                        format!("`{nested}` includes itself"),
                                    )
                                    .at(source, at..at + name.len() + 6),
                                );
                            }
                        } else {
                            stack.push(nested.clone());
                            let kids = load_toc(
                                site,
                                toc_locale,
                                reader,
                                &nested,
                                Some(id),
                                toc,
                                diags,
                                stack,
                                report,
                            );
                            stack.pop();
                            toc.nodes[id].children.extend(kids);
                        }
                    }
                    _ => {
                        if report {
                            diags.push(
                                Diagnostic::new(
                                    Kind::Toc,
                                    format!("the table of contents `{href}` does not exist"),
                                )
                                .at(source, at..at + name.len() + 6),
                            );
                        }
                    }
                }
            }
        }
        let link = link.filter(|_| !nested_toc || e.topic_href.is_some());
        // A URL the policy refuses is reported once (in the TOC's own locale) and never
        // written: the entry shows as text.
        let refused = link.and_then(|href| {
            crate::url_policy::UrlPolicy::new(&site.config.config)
                .check(href, crate::url_policy::UrlUse::Link)
                .err()
                .map(|r| (href, r))
        });
        if let Some((href, r)) = refused {
            if report {
                let span = match source.text[at..].find(href.as_str()) {
                    Some(i) => at + i..at + i + href.len(),
                    None => at..at + name.len() + 6,
                };
                diags.push(
                    Diagnostic::new(Kind::UnsafeUrl, r.message)
                        .at(source, span)
                        .hint(r.hint),
                );
            }
        } else if let Some(href) = link {
            if crate::markdown::links::is_external(href) {
                toc.nodes[id].href = Some(href.clone());
            } else {
                let (path, suffix) = match href.find(['#', '?']) {
                    Some(i) => (&href[..i], &href[i..]),
                    None => (href.as_str(), ""),
                };
                let target = paths::resolve_relative(toc_rel, &paths::percent_decode(path));
                match target.and_then(|t| site.lookup(reader, &t)) {
                    Some(p) => {
                        toc.nodes[id].page = Some(p);
                        toc.nodes[id].href = Some(format!("{}{}", site.href(p), suffix));
                    }
                    None => {
                        if report {
                            diags.push(
                                Diagnostic::new(
                                    Kind::Toc,
                                    format!(
                                        "TOC entry `{name}` links to `{href}`, which is not a page"
                                    ),
                                )
                                .at(source, {
                                    // Point at the href itself when it is written after the name.
                                    match source.text[at..].find(href.as_str()) {
                                        Some(i) => at + i..at + i + href.len(),
                                        None => at..at + name.len() + 6,
                                    }
                                })
                                .hint("hrefs in a TOC are relative to the TOC file"),
                            );
                        }
                    }
                }
            }
        }
        let kids = add_entries(
            site,
            toc_locale,
            reader,
            toc_rel,
            source,
            &e.items,
            Some(id),
            toc,
            diags,
            stack,
            report,
            cursor,
        );
        toc.nodes[id].children.extend(kids);
        ids.push(id);
    }
    ids
}

/// DocFX's Markdown TOC: `#` levels nest; `# [Name](href)` links, `# Name` or `# [Name]()`
/// groups entries without a page.
fn parse_toc_md(text: &str) -> Vec<RawEntry> {
    fn entry(name: String, href: Option<String>) -> RawEntry {
        RawEntry {
            name: Some(name),
            href,
            topic_href: None,
            items: Vec::new(),
            expanded: false,
            _other: Default::default(),
        }
    }
    // (level, entry) stack; finished children are attached to their parent on pop.
    let mut roots: Vec<RawEntry> = Vec::new();
    let mut stack: Vec<(usize, RawEntry)> = Vec::new();
    fn attach(roots: &mut Vec<RawEntry>, stack: &mut [(usize, RawEntry)], e: RawEntry) {
        match stack.last_mut() {
            Some((_, parent)) => parent.items.push(e),
            None => roots.push(e),
        }
    }
    for line in text.lines() {
        let t = line.trim();
        let level = t.bytes().take_while(|b| *b == b'#').count();
        if level == 0 || !t[level..].starts_with(' ') {
            continue;
        }
        let rest = t[level..].trim();
        let (name, href) = match (rest.strip_prefix('['), rest.rfind("](")) {
            (Some(_), Some(close)) if rest.ends_with(')') => {
                let name = rest[1..close].to_string();
                let href = rest[close + 2..rest.len() - 1].trim();
                (name, (!href.is_empty()).then(|| href.to_string()))
            }
            _ => (rest.to_string(), None),
        };
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            let (_, done) = stack.pop().expect("non-empty");
            attach(&mut roots, &mut stack, done);
        }
        stack.push((level, entry(name, href)));
    }
    while let Some((_, done)) = stack.pop() {
        attach(&mut roots, &mut stack, done);
    }
    roots
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
struct NavEntry<'a> {
    node: &'a Node,
    current: bool,
    ancestor: bool,
}

/// What the navigation walk produces: a tree or HTML. Calls nest like the lists:
/// `begin_level (gap | begin_entry [level] end_entry)* end_level`.
trait NavSink {
    fn begin_level(&mut self);
    fn gap(&mut self);
    fn begin_entry(&mut self, entry: NavEntry);
    fn end_entry(&mut self);
    fn end_level(&mut self);
}

/// Builds [`NavItem`]s.
#[derive(Default)]
struct TreeSink {
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
        level.push(NavItem {
            name: "…".into(),
            href: None,
            current: false,
            ancestor: false,
            has_children: false,
            children: Vec::new(),
        });
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
struct HtmlSink {
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
                out.push_str("<span class=\"nav-group\"><bdi>");
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

/// Whether the navigation opens an entry: on the page's branch, or marked `expanded` at the
/// top level.
fn shows_children(node: &Node, on_path: bool, depth: usize) -> bool {
    on_path || (node.expanded && depth == 0)
}

/// Entries of one navigation level shown in full up to this length.
const MAX_LEVEL: usize = 60;

/// The entries of a level to show (`None` marks a gap).
fn window(ids: &[usize], path: &[usize]) -> Vec<Option<usize>> {
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

#[cfg(test)]
mod tests {
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
