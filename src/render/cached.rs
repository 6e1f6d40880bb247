//! Rendered Markdown bodies from the build cache ([`crate::cache`]): their keys, and their
//! records encoded and decoded. The build step `bodies` reads and writes the pack through
//! [`crate::cache::Cache`]; nothing here touches a file.
//!
//! A page's body is reused when its key matches and the files it included still have the
//! same content. The key covers the page's own text and everything else rendering reads: the
//! configuration, the UI labels of its locale, and the site's shape (every page's path, URL,
//! title and state, every file name), since links, includes and xrefs resolve against it.
//! Adding, removing or retitling a page therefore renders every body again, as `serve` does.
//!
//! A body's own findings (broken links, missing images and includes, malformed extensions)
//! are stored with it and reported again when it is reused: they are made from the same
//! inputs as the body, so the key that says the body is unchanged says they are too. Each
//! finding's file is checked by content as well, so its `file:line:col` and snippet are
//! always those of the text as it is now. The findings of the pages together (anchors,
//! orphans) are not stored: they are checked again on every build from the bodies' links and
//! anchors.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::{content_key, feed, key_of, Cache, Key};
use crate::diagnostics::{Diagnostic, Kind, Level, Location};
use crate::external::ExternalRef;
use crate::markdown::{Heading, Labels, PageLink, Rendered};
use crate::site::{PageId, PageState, Site};
use crate::source::Source;

#[derive(Serialize)]
struct EntryRef<'a> {
    deps: &'a [(usize, String)],
    deps_hash: Key,
    html: &'a str,
    title: &'a Option<(String, String)>,
    headings: &'a [Heading],
    /// Where each heading starts in `text` ([`Heading::at`], which serde skips).
    heading_at: Vec<usize>,
    anchors: Vec<&'a str>,
    links: Vec<(PageId, Option<&'a str>, &'a str, usize, usize)>,
    text: &'a str,
    external: Vec<(&'a str, &'a str, usize, usize)>,
    /// The files the findings point into: display path and content key.
    diag_files: Vec<(&'a str, Key)>,
    diags: Vec<FindingRef<'a>>,
}

/// A finding as stored: its place is an index into the entry's `diag_files` and a span.
#[derive(Serialize)]
struct FindingRef<'a> {
    kind: Kind,
    level: Level,
    file: Option<&'a str>,
    at: Option<(usize, usize, usize)>,
    message: &'a str,
    hint: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Deserialize)]
struct Finding {
    kind: Kind,
    level: Level,
    file: Option<String>,
    at: Option<(usize, usize, usize)>,
    message: String,
    hint: Option<String>,
    notes: Vec<String>,
}

#[derive(Deserialize)]
struct Entry {
    deps: Vec<(usize, String)>,
    deps_hash: Key,
    html: String,
    title: Option<(String, String)>,
    headings: Vec<Heading>,
    heading_at: Vec<usize>,
    anchors: Vec<String>,
    links: Vec<(PageId, Option<String>, String, usize, usize)>,
    text: String,
    external: Vec<(String, String, usize, usize)>,
    diag_files: Vec<(String, Key)>,
    diags: Vec<Finding>,
}

/// The key of every page's body, in page order.
pub fn keys(
    cache: &Cache,
    site: &Site,
    labels: &[Labels],
    uids: &HashMap<String, String>,
    redirected: &crate::markdown::links::Redirected,
) -> Vec<Key> {
    let mut shape = cache.hasher();
    feed(&mut shape, "bodies");
    feed(&mut shape, &format!("{:?}", site.config.config));
    for l in &site.locales {
        feed(&mut shape, &l.code);
        for rel in l
            .markdown
            .keys()
            .chain(l.assets.keys())
            .chain(l.yaml.keys())
        {
            feed(&mut shape, rel);
        }
        feed(&mut shape, "\u{0}");
    }
    for p in &site.pages {
        // Rendering reads the language of the text (fallback or not), never whether a
        // translation is stale or machine-made.
        let fallback = p.state == PageState::Fallback;
        feed(
            &mut shape,
            &format!("{}\u{0}{}\u{0}{}\u{0}{fallback}", p.locale, p.rel, p.url),
        );
        feed(&mut shape, &p.title);
        feed(&mut shape, &p.source.display);
    }
    let mut uids: Vec<_> = uids.iter().collect();
    uids.sort();
    feed(&mut shape, &format!("{uids:?}"));
    // Links to redirected articles lead where the redirects end; the docsets decide URLs and
    // metadata.
    let mut redirected: Vec<_> = redirected.iter().collect();
    redirected.sort();
    feed(&mut shape, &format!("{redirected:?}"));
    for l in &site.locales {
        feed(&mut shape, &format!("{:?}", l.docsets));
    }
    let label_keys: Vec<Key> = labels
        .iter()
        .map(|l| {
            let mut h = shape.clone();
            let mut alerts: Vec<_> = l.alerts.iter().collect();
            alerts.sort();
            feed(
                &mut h,
                &format!(
                    "{alerts:?}{}{}{}{}{}{}{}{}{:?}",
                    l.image_description,
                    l.version,
                    l.choose_version,
                    l.video,
                    l.code_block,
                    l.table,
                    l.footnotes,
                    l.footnote_back,
                    l.yaml_types
                ),
            );
            key_of(&h)
        })
        .collect();
    site.pages
        .par_iter()
        .enumerate()
        .map(|(pid, p)| {
            let mut h = blake3::Hasher::new();
            h.update(&label_keys[p.locale]);
            h.update(&(pid as u64).to_le_bytes());
            h.update(&(p.front.body_start as u64).to_le_bytes());
            feed(&mut h, &p.source.text);
            key_of(&h)
        })
        .collect()
}

/// Hash of the current content of the files a body included (as `load` read them: Markdown
/// files and code snippets).
pub(crate) fn deps_hash(site: &Site, deps: &[(usize, String)]) -> Key {
    let mut h = blake3::Hasher::new();
    for (l, rel) in deps {
        feed(&mut h, rel);
        let Some(loc) = site.locales.get(*l) else {
            feed(&mut h, "\u{0}no locale");
            continue;
        };
        h.update(&(*l as u64).to_le_bytes());
        if let Some(src) = loc.markdown.get(rel) {
            feed(&mut h, &src.text);
        } else if let Some(snippet) = site.snippets.get(&(*l, rel.clone())) {
            match snippet {
                Ok(src) => feed(&mut h, &src.text),
                // An unreadable snippet is a finding of the pages that use it: a different
                // failure is a different finding.
                Err(d) => feed(&mut h, &format!("\u{0}unreadable {}", d.message)),
            }
        } else {
            feed(&mut h, "\u{0}missing");
        }
    }
    key_of(&h)
}

/// Records decoded (in parallel) at a time, so the raw bytes of the whole pack are never
/// held at once.
const CHUNK: usize = 512;

/// The pages (that this build makes) by their body's key: the records of the pack to read.
pub fn wanted(site: &Site, keys: &[Key]) -> HashMap<Key, PageId> {
    keys.iter()
        .enumerate()
        .filter(|(p, _)| site.builds(*p))
        .map(|(p, k)| (*k, p))
        .collect()
}

/// Decodes the records of the bodies pack, as they are read, into the cached bodies of the
/// pages whose key and includes match, in page order.
pub struct Decoder<'a> {
    site: &'a Site,
    wanted: &'a HashMap<Key, PageId>,
    sources: HashMap<&'a str, &'a Source>,
    out: Vec<Option<Rendered>>,
    chunk: Vec<(PageId, Vec<u8>)>,
}

impl<'a> Decoder<'a> {
    pub fn new(site: &'a Site, wanted: &'a HashMap<Key, PageId>) -> Decoder<'a> {
        // Every file a body's link or finding can point into: Markdown files and snippets.
        let sources = site
            .locales
            .iter()
            .flat_map(|l| l.markdown.values().chain(l.yaml.values()))
            .chain(site.snippets.values().filter_map(|s| s.as_ref().ok()))
            .map(|s| (s.display.as_str(), s))
            .collect();
        Decoder {
            site,
            wanted,
            sources,
            out: (0..site.pages.len()).map(|_| None).collect(),
            chunk: Vec::with_capacity(CHUNK),
        }
    }

    /// Takes one record of a wanted key.
    pub fn push(&mut self, key: Key, bytes: Vec<u8>) {
        if let Some(&pid) = self.wanted.get(&key) {
            self.chunk.push((pid, bytes));
        }
        if self.chunk.len() == CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let (site, sources) = (self.site, &self.sources);
        let decoded: Vec<(PageId, Option<Rendered>)> = self
            .chunk
            .par_drain(..)
            .map(|(pid, bytes)| (pid, decode(site, sources, &bytes)))
            .collect();
        for (pid, r) in decoded {
            self.out[pid] = r;
        }
    }

    /// The cached body of every page (`None` where there is none).
    pub fn finish(mut self) -> Vec<Option<Rendered>> {
        self.flush();
        self.out
    }
}

fn decode(site: &Site, sources: &HashMap<&str, &Source>, bytes: &[u8]) -> Option<Rendered> {
    let e: Entry = postcard::from_bytes(bytes).ok()?;
    if deps_hash(site, &e.deps) != e.deps_hash {
        return None;
    }
    let source = |d: &str| sources.get(d).map(|s| (*s).clone());
    let links = e
        .links
        .into_iter()
        .map(|(target, fragment, src, a, b)| {
            Some(PageLink {
                target,
                fragment,
                source: source(&src)?,
                span: a..b,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    if links.iter().any(|l| l.target >= site.pages.len()) {
        return None;
    }
    let external = e
        .external
        .into_iter()
        .map(|(url, src, a, b)| {
            Some(ExternalRef {
                url,
                source: source(&src)?,
                span: a..b,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    // A finding is reused only where the file it points into still has the same text.
    let diag_files = e
        .diag_files
        .into_iter()
        .map(|(display, key)| {
            let s = sources.get(display.as_str())?;
            (content_key(s.text.as_bytes()) == key).then(|| (*s).clone())
        })
        .collect::<Option<Vec<_>>>()?;
    let diags = e
        .diags
        .into_iter()
        .map(|f| {
            let location = match f.at {
                Some((i, a, b)) => Some(Location {
                    source: diag_files.get(i)?.clone(),
                    span: a..b,
                }),
                None => None,
            };
            let mut d = Diagnostic::new(f.kind, f.message).level(f.level);
            d.file = f.file;
            d.location = location;
            d.hint = f.hint;
            d.notes = f.notes;
            Some(d)
        })
        .collect::<Option<Vec<_>>>()?;
    let mut headings = e.headings;
    if e.heading_at.len() != headings.len() {
        return None;
    }
    for (h, at) in headings.iter_mut().zip(e.heading_at) {
        h.at = at;
    }
    Some(Rendered {
        html: e.html,
        title: e.title,
        headings,
        anchors: e.anchors.into_iter().collect::<HashSet<_>>(),
        links,
        text: e.text,
        deps: e.deps,
        diags,
        external,
    })
}

/// The records of the new pack: the bodies with their own findings (`diags`, per page, as
/// [`super::render_site`] took them out of the bodies), encoded a chunk at a time (in
/// parallel) as they are taken.
pub fn records<'a>(
    site: &'a Site,
    keys: &'a [Key],
    bodies: &'a [Rendered],
    diags: &'a [Vec<Diagnostic>],
) -> impl Iterator<Item = (Key, Vec<u8>)> + 'a {
    let ids: Vec<PageId> = (0..bodies.len()).filter(|&p| site.builds(p)).collect();
    let chunks: Vec<Vec<PageId>> = ids.chunks(CHUNK).map(<[PageId]>::to_vec).collect();
    chunks.into_iter().flat_map(move |chunk| {
        chunk
            .par_iter()
            .filter_map(|&pid| {
                let own = diags.get(pid).map_or(&[][..], Vec::as_slice);
                encode(site, &bodies[pid], own).map(|v| (keys[pid], v))
            })
            .collect::<Vec<_>>()
    })
}

fn encode(site: &Site, b: &Rendered, diags: &[Diagnostic]) -> Option<Vec<u8>> {
    let mut diag_files: Vec<(&str, Key)> = Vec::new();
    let diags = diags
        .iter()
        .chain(&b.diags)
        .map(|d| {
            let at = d.location.as_ref().map(|loc| {
                let display = loc.source.display.as_str();
                let i = match diag_files.iter().position(|(f, _)| *f == display) {
                    Some(i) => i,
                    None => {
                        diag_files.push((display, content_key(loc.source.text.as_bytes())));
                        diag_files.len() - 1
                    }
                };
                (i, loc.span.start, loc.span.end)
            });
            FindingRef {
                kind: d.kind,
                level: d.level,
                file: d.file.as_deref(),
                at,
                message: &d.message,
                hint: d.hint.as_deref(),
                notes: &d.notes,
            }
        })
        .collect();
    let e = EntryRef {
        deps: &b.deps,
        deps_hash: deps_hash(site, &b.deps),
        html: &b.html,
        title: &b.title,
        headings: &b.headings,
        heading_at: b.headings.iter().map(|h| h.at).collect(),
        anchors: b.anchors.iter().map(String::as_str).collect(),
        links: b
            .links
            .iter()
            .map(|l| {
                (
                    l.target,
                    l.fragment.as_deref(),
                    l.source.display.as_str(),
                    l.span.start,
                    l.span.end,
                )
            })
            .collect(),
        text: &b.text,
        external: b
            .external
            .iter()
            .map(|x| {
                (
                    x.url.as_str(),
                    x.source.display.as_str(),
                    x.span.start,
                    x.span.end,
                )
            })
            .collect(),
        diag_files,
        diags,
    };
    postcard::to_stdvec(&e).ok()
}
