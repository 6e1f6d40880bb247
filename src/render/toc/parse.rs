//! Parsing a TOC file into nodes: `toc.yml` (YAML) and `toc.md` (Markdown headings), nested
//! TOC references followed with a cycle check, and each entry's position in its file found
//! for findings.

use serde::Deserialize;

use super::{Node, Toc};
use crate::diagnostics::{Diagnostic, Kind};
use crate::markdown::links::RedirectTo;
use crate::paths;
use crate::site::{LocaleId, PageId, Site};
use crate::source::Source;

#[derive(Debug, Deserialize)]
pub(super) struct RawEntry {
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) href: Option<String>,
    #[serde(default, rename = "topicHref")]
    pub(super) topic_href: Option<String>,
    #[serde(default, rename = "tocHref")]
    pub(super) toc_href: Option<String>,
    #[serde(default, rename = "displayName")]
    pub(super) display_name: Option<String>,
    #[serde(default)]
    pub(super) items: Vec<RawEntry>,
    #[serde(default)]
    pub(super) expanded: bool,
    #[serde(flatten)]
    pub(super) _other: serde_json::Map<String, serde_json::Value>,
}

/// A TOC file written as a mapping (`items:` under other keys such as `metadata:`), as DocFX
/// also accepts.
#[derive(Debug, Deserialize)]
struct RootToc {
    #[serde(default)]
    items: Vec<RawEntry>,
    #[serde(flatten)]
    _other: serde_json::Map<String, serde_json::Value>,
}

/// Whether a YAML TOC is a list of entries (its first line of content starts with `-`), not a
/// mapping with `items:`.
fn is_list(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_none_or(|l| l.starts_with('-'))
}

/// One walk over a TOC file and the TOCs it nests: what stays the same for every file of the
/// walk, and what it builds.
pub(super) struct Walk<'a> {
    pub(super) site: &'a Site,
    /// The locale whose TOC files are read: the reader's, or the source locale's when the
    /// reader's locale has none.
    pub(super) toc_locale: LocaleId,
    /// The locale whose pages the entries link to.
    pub(super) reader: LocaleId,
    /// Whether findings are reported: a TOC borrowed from the source locale is reported there.
    pub(super) report: bool,
    pub(super) toc: &'a mut Toc,
    pub(super) diags: &'a mut Vec<Diagnostic>,
    /// The TOC files being read, outermost first: one already here includes itself.
    pub(super) stack: Vec<String>,
    /// Redirected articles and where they lead: an entry for one leads there.
    pub(super) redirected: &'a crate::markdown::links::Redirected,
}

/// The TOC file whose entries are being added, and how far its entries have been located.
struct File<'s> {
    rel: &'s str,
    source: &'s Source,
    /// Where the search for the next entry's position starts.
    cursor: usize,
}

/// Reads the TOC file `rel` of the walk's locale and adds its entries under `parent`;
/// returns their node ids.
pub(super) fn load_toc(w: &mut Walk<'_>, rel: &str, parent: Option<usize>) -> Vec<usize> {
    let (site, report, diags) = (w.site, w.report, &mut *w.diags);
    let loc = &site.locales[w.toc_locale];
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
        let parsed = if is_list(&source.text) {
            crate::source::yaml::from_str::<Vec<RawEntry>>(&source.text)
        } else {
            crate::source::yaml::from_str::<RootToc>(&source.text).map(|r| r.items)
        };
        match parsed {
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
    let mut file = File {
        rel,
        source: &source,
        cursor: 0,
    };
    add_entries(w, &mut file, &entries, parent)
}

/// Adds `entries` of `file` under `parent`, and their items under them; returns their
/// node ids.
fn add_entries(
    w: &mut Walk<'_>,
    file: &mut File<'_>,
    entries: &[RawEntry],
    parent: Option<usize>,
) -> Vec<usize> {
    let (site, toc_locale, reader, report) = (w.site, w.toc_locale, w.reader, w.report);
    let (toc_rel, source) = (file.rel, file.source);
    let mut ids = Vec::new();
    for e in entries {
        let name = e.name.clone().unwrap_or_default();
        // Locate the entry in the file for diagnostics: the entry's name, a little after the
        // previous one. The search window is bounded, so a TOC of 10,000 entries whose names
        // are written differently (quoted, escaped) costs no more than one that matches.
        let window_end = crate::source::floor_char_boundary(&source.text, file.cursor + 4096);
        let window = &source.text[file.cursor..window_end];
        let at = (!name.is_empty())
            .then(|| window.find(name.as_str()))
            .flatten()
            .map(|i| {
                // Back up to the start of the `name:` key or `[` when they are on the same line.
                let line_start = source.text[..file.cursor + i]
                    .rfind('\n')
                    .map(|n| n + 1)
                    .unwrap_or(0);
                let line = &source.text[line_start..file.cursor + i];
                match line.find("name:").or_else(|| line.find('[')) {
                    Some(k) => line_start + k,
                    None => file.cursor + i,
                }
            })
            .unwrap_or(file.cursor);
        file.cursor = file.cursor.max(at.min(source.text.len()));
        let id = w.toc.nodes.len();
        w.toc.nodes.push(Node {
            name: name.clone(),
            href: None,
            page: None,
            parent,
            children: Vec::new(),
            expanded: e.expanded,
            display_name: e.display_name.clone().filter(|d| !d.trim().is_empty()),
            scope: scope(site, reader, toc_rel, e),
        });
        let link = e.topic_href.as_ref().or(e.href.as_ref());
        let mut nested_toc = false;
        if let Some(href) = e.href.as_ref().filter(|h| is_relative(h)) {
            let clean = paths::percent_decode(href.split(['#', '?']).next().unwrap_or(""));
            let file_name = clean.rsplit('/').next().unwrap_or("");
            let folder = clean.ends_with('/');
            if folder || super::is_toc_name(file_name) {
                nested_toc = true;
                // A folder stands for its TOC file, whatever its name's case; a TOC named in
                // full in other letter case than on disk is found, with a finding.
                let target = paths::resolve_relative(toc_rel, &clean).and_then(|t| {
                    let loc = &site.locales[toc_locale];
                    if folder {
                        super::toc_in(site, toc_locale, &t)
                    } else if loc.tocs.contains_key(&t) || loc.markdown.contains_key(&t) {
                        Some(t)
                    } else {
                        let n = loc.asset_named(&t)?;
                        if let (Some(d), true) = (n.case_finding(&clean), report) {
                            w.diags
                                .push(d.at(source, href_span(source, at, href, &name)));
                        }
                        Some(n.rel.to_string())
                    }
                });
                match target {
                    Some(nested) => {
                        if w.stack.contains(&nested) {
                            if report {
                                w.diags.push(
                                    Diagnostic::new(
                                        Kind::Toc,
                                        format!("`{nested}` includes itself"),
                                    )
                                    .at(source, at..at + name.len() + 6),
                                );
                            }
                        } else {
                            w.stack.push(nested.clone());
                            let kids = load_toc(w, &nested, Some(id));
                            w.stack.pop();
                            w.toc.nodes[id].children.extend(kids);
                        }
                    }
                    _ => {
                        if report {
                            w.diags.push(
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
                w.diags.push(
                    Diagnostic::new(Kind::UnsafeUrl, r.message)
                        .at(source, span)
                        .hint(r.hint),
                );
            }
        } else if let Some(href) = link {
            if crate::markdown::links::is_external(href) {
                w.toc.nodes[id].href = Some(href.clone());
            } else {
                let (path, suffix) = match href.find(['#', '?']) {
                    Some(i) => (&href[..i], &href[i..]),
                    None => (href.as_str(), ""),
                };
                let decoded = paths::percent_decode(path);
                let site_root = decoded.starts_with('/');
                let target = if site_root {
                    site.root_file(reader, &decoded)
                } else {
                    paths::resolve_relative(toc_rel, &decoded)
                };
                match target.as_deref().and_then(|t| page_at(site, reader, t)) {
                    Some(p) => {
                        // Pages are looked up in any letter case; an href that names the
                        // file in other case than on disk is a finding.
                        let on_disk = &site.pages[p].rel;
                        let t = target.as_deref().unwrap_or_default();
                        if report && !site_root && paths::is_markdown(t) && on_disk != t {
                            w.diags.push(
                                crate::site::case_mismatch(path, on_disk)
                                    .at(source, href_span(source, at, href, &name)),
                            );
                        }
                        w.toc.nodes[id].page = Some(p);
                        w.toc.nodes[id].href = Some(format!("{}{}", site.href(p), suffix));
                    }
                    // A site-root URL that is no page of this site is a link elsewhere on
                    // the host (another docset), written as it is.
                    None if site_root => {
                        let other = site
                            .url_path(reader, &decoded)
                            .map(|p| site.resolve_root(reader, &p))
                            == Some(crate::site::RootTarget::OtherDocset);
                        w.toc.nodes[id].href = Some(if other {
                            paths::encode_href(&site.other_docset_href(reader, href))
                        } else {
                            paths::encode_href(href)
                        });
                    }
                    None => {
                        // A redirected article: where its redirects end, as for links.
                        let redirected = target.as_deref().and_then(|t| {
                            let stem = t.trim_end_matches('/');
                            let keys = if paths::is_markdown(stem) {
                                vec![stem.to_lowercase()]
                            } else {
                                vec![
                                    format!("{stem}.md").to_lowercase(),
                                    format!("{stem}/index.md").to_lowercase(),
                                ]
                            };
                            keys.iter().find_map(|k| w.redirected.get(k))
                        });
                        match redirected {
                            Some(RedirectTo::Article(a)) => {
                                if let Some(p) = site.lookup(reader, a) {
                                    w.toc.nodes[id].page = Some(p);
                                    w.toc.nodes[id].href =
                                        Some(format!("{}{}", site.href(p), suffix));
                                }
                            }
                            Some(RedirectTo::External(u)) => {
                                w.toc.nodes[id].href = Some(paths::encode_href(u));
                            }
                            None if report => {
                                let d = match &site.locales[reader].source_repository_absent {
                                    // The publishing system would take the page from the
                                    // source repository, which is not here.
                                    Some(repo) => Diagnostic::new(
                                        Kind::NotInRepository,
                                        format!("TOC entry `{name}` links to `{href}`, which is not in this repository; the publishing system looks for it in the source repository `{repo}`, which is not here"),
                                    )
                                    .hint("put the source repository where the publish configuration names it to check this entry"),
                                    None => Diagnostic::new(
                                        Kind::Toc,
                                        format!(
                                            "TOC entry `{name}` links to `{href}`, which is not a page"
                                        ),
                                    )
                                    .hint("hrefs in a TOC are relative to the TOC file"),
                                };
                                w.diags
                                    .push(d.at(source, href_span(source, at, href, &name)));
                            }
                            None => {}
                        }
                    }
                }
            }
        }
        let kids = add_entries(w, file, &e.items, Some(id));
        w.toc.nodes[id].children.extend(kids);
        ids.push(id);
    }
    ids
}

/// Whether `href` is relative to the TOC file: not external (`https:`), not site-root (`/x`).
fn is_relative(href: &str) -> bool {
    let h = href.trim();
    !h.is_empty() && !h.starts_with('/') && !crate::markdown::links::is_external(h)
}

/// The page of `reader` at `rel` (relative to the locale folder), written with or without its
/// `.md`, or as its folder (`a/` for `a/index.md`), as DocFX allows.
fn page_at(site: &Site, reader: LocaleId, rel: &str) -> Option<PageId> {
    if let Some(p) = site.lookup(reader, rel) {
        return Some(p);
    }
    if paths::is_markdown(rel) {
        return None;
    }
    let stem = rel.trim_end_matches('/');
    if stem.is_empty() {
        return site.lookup(reader, "index.md");
    }
    site.lookup(reader, &format!("{stem}.md"))
        .or_else(|| site.lookup(reader, &format!("{stem}/index.md")))
}

/// The part of the site an entry stands for (see [`Node::scope`]): `tocHref` names it (a
/// folder, or a TOC file standing for its folder), else the folder of the entry's link.
fn scope(site: &Site, reader: LocaleId, toc_rel: &str, e: &RawEntry) -> Option<String> {
    let (url, names_folder) = match &e.toc_href {
        Some(t) => (t, true),
        None => (e.topic_href.as_ref().or(e.href.as_ref())?, false),
    };
    let clean = paths::percent_decode(url.trim().split(['#', '?']).next().unwrap_or(""));
    if clean.is_empty() || crate::markdown::links::is_external(&clean) {
        return None;
    }
    let rel = if clean.starts_with('/') {
        site.root_file(reader, &clean)?
    } else {
        paths::resolve_relative(toc_rel, &clean)?
    };
    let last = clean.rsplit('/').next().unwrap_or("");
    let folder = if clean.ends_with('/') {
        rel
    } else if super::is_toc_name(last) || last.eq_ignore_ascii_case("toc.json") || !names_folder {
        super::dir_of(&rel).to_string()
    } else {
        rel
    };
    Some(if folder.is_empty() {
        folder
    } else {
        format!("{folder}/")
    })
}

/// DocFX's Markdown TOC: `#` levels nest; `# [Name](href)` links, `# Name` or `# [Name]()`
/// groups entries without a page.
pub(super) fn parse_toc_md(text: &str) -> Vec<RawEntry> {
    fn entry(name: String, href: Option<String>) -> RawEntry {
        RawEntry {
            name: Some(name),
            href,
            topic_href: None,
            toc_href: None,
            display_name: None,
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

/// Where a TOC entry's `href` is written: the href itself when it follows the entry's name at
/// `at`, else the name.
fn href_span(source: &Source, at: usize, href: &str, name: &str) -> std::ops::Range<usize> {
    match source.text[at..].find(href) {
        Some(i) => at + i..at + i + href.len(),
        None => at..at + name.len() + 6,
    }
}
