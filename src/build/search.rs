//! The search index, in step `commit` of a build that writes: each page's entry (its words,
//! from the body's text; reused from the build cache's search pack by the body's key), then
//! every locale's search files ([`crate::search::files`]). `check` makes none.

use rayon::prelude::*;

use crate::cache::{Cache, Key};
use crate::markdown::Rendered;
use crate::render::{self, RenderResult};
use crate::search::{self, PageEntry};
use crate::site::{PageId, Site};

/// Whether page `p` goes into its locale's index: the pages this build makes, except those
/// that ask search engines not to index them (`ROBOTS: NOINDEX`). Redirects and 404s are not
/// pages of the site, so never indexed.
pub(crate) fn indexed(site: &Site, p: PageId) -> bool {
    site.builds(p) && !render::chrome::noindex(site.pages[p].meta())
}

/// The entry of one page, in the language its text is written in.
pub(crate) fn entry(site: &Site, p: PageId, body: &Rendered) -> PageEntry {
    let page = &site.pages[p];
    let lang = search::tokens::language(&site.locales[page.content_locale(site)].code);
    let description = page.meta_str("description").unwrap_or_default();
    search::entry::entry(&page.title, &description, body, &lang)
}

/// The key of a page's entry in the search pack: its body's key (the page's text, title,
/// description and language, the site's shape) and the content of the files its body
/// included, which is what says a cached body is still good ([`render::cached`]). Not the
/// body's text itself: hashing every page's text again would cost a good part of what
/// making the entry costs.
fn entry_key(site: &Site, body_key: &Key, body: &Rendered) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(body_key);
    h.update(&search::FORMAT.to_le_bytes());
    if !body.deps.is_empty() {
        h.update(&render::cached::deps_hash(site, &body.deps));
    }
    crate::cache::key_of(&h)
}

/// Entries encoded at a time when the search pack is written.
const PACK_BATCH: usize = 512;

/// Every indexed page's entry: from the build cache when it has one for the page's body,
/// else made now; the pack is written again when any entry was made.
pub(crate) fn entries(
    site: &Site,
    bodies: &[Rendered],
    cache: Option<&Cache>,
    keys: Option<&[Key]>,
) -> Vec<Option<PageEntry>> {
    let mut out: Vec<Option<PageEntry>> = (0..site.pages.len()).map(|_| None).collect();
    let keys: Option<Vec<Key>> = keys.map(|k| {
        (0..site.pages.len())
            .into_par_iter()
            .map(|p| entry_key(site, &k[p], &bodies[p]))
            .collect()
    });
    let keys = keys.as_deref();
    if let (Some(c), Some(keys)) = (cache, keys) {
        let wanted: std::collections::HashMap<Key, PageId> = (0..site.pages.len())
            .filter(|&p| indexed(site, p))
            .map(|p| (keys[p], p))
            .collect();
        let mut raw = Vec::new();
        c.read_search(
            |k| wanted.contains_key(k),
            |k, bytes| raw.push((wanted[&k], bytes)),
        );
        let decoded: Vec<(PageId, Option<PageEntry>)> = raw
            .into_par_iter()
            .map(|(p, bytes)| (p, postcard::from_bytes(&bytes).ok()))
            .collect();
        for (p, e) in decoded {
            out[p] = e;
        }
    }
    let missing: Vec<PageId> = (0..site.pages.len())
        .filter(|&p| out[p].is_none() && indexed(site, p))
        .collect();
    let made: Vec<(PageId, PageEntry)> = missing
        .par_iter()
        .map(|&p| (p, entry(site, p, &bodies[p])))
        .collect();
    let any = !made.is_empty();
    for (p, e) in made {
        out[p] = Some(e);
    }
    if let (Some(c), Some(keys), true) = (cache, keys, any) {
        // Encoded (in parallel) a batch at a time as the pack is written: the encoded
        // entries of the whole site are never held at once.
        let records = (0..out.len()).step_by(PACK_BATCH).flat_map(|start| {
            let end = (start + PACK_BATCH).min(out.len());
            (start..end)
                .into_par_iter()
                .filter_map(|p| Some((keys[p], postcard::to_stdvec(out[p].as_ref()?).ok()?)))
                .collect::<Vec<_>>()
        });
        let _ = c.write_search(records);
    }
    out
}

/// The search files of the locales this build makes, from the pages' entries.
pub(crate) fn files(
    site: &Site,
    result: &RenderResult,
    entries: &[Option<PageEntry>],
) -> Vec<(String, Vec<u8>)> {
    let indexed = |p: PageId| indexed(site, p);
    let crumbs = |p: PageId| {
        let mut trail = result.tocs.breadcrumbs(site, p);
        // The page itself ends its trail; the result shows its title already.
        trail.pop();
        trail.into_iter().map(|c| c.name).collect()
    };
    search::files(&search::SearchInput {
        site,
        bodies: &result.bodies,
        entries,
        indexed: &indexed,
        crumbs: &crumbs,
    })
}
