//! Step `bodies`: every page's Markdown rendered (or taken from the build cache), the checks
//! across pages, and the pages that are not articles ([`crate::render::render_site`]); with
//! the findings so far and the site's external links. The build cache's bodies and
//! highlighted blocks are read and written here, through [`crate::cache`].

use std::thread::Scope;

use super::load::{in_shard, Loaded};
use crate::cache::{Cache, Key};
use crate::diagnostics::Diagnostic;
use crate::markdown::highlight::Highlighter;
use crate::{external, markdown, render, site};

/// What the `bodies` step produces.
pub(crate) struct Bodies {
    pub highlighter: Highlighter,
    pub render: render::RenderResult,
    /// Pages whose Markdown came from the build cache.
    pub reused: usize,
    pub external_links: Vec<external::ExternalRef>,
    /// The findings of loading and of this step (this shard's), in that order.
    pub diags: Vec<Diagnostic>,
}

pub(crate) fn bodies(loaded: &Loaded, progress: &super::Progress) -> Bodies {
    let site = &loaded.site;
    let cache = loaded.cache.as_ref();
    let highlighter = Highlighter::new();
    let mut static_diags = Vec::new();
    let prep = render::prepare(site, &loaded.theme, &mut static_diags);
    let keys =
        cache.map(|c| render::cached::keys(c, site, &prep.labels, &prep.uids, &prep.redirected));
    let reused: Vec<Option<markdown::Rendered>> = match (cache, &keys) {
        (Some(c), Some(k)) => cached_bodies(c, site, k),
        _ => (0..site.pages.len()).map(|_| None).collect(),
    };
    let misses: Vec<site::PageId> = (0..site.pages.len())
        .filter(|&p| reused[p].is_none() && site.builds(p))
        .collect();
    if let Some(c) = cache.filter(|_| !misses.is_empty()) {
        let mut blocks = Vec::new();
        c.read_highlights(|k, html| blocks.push((k, html)));
        highlighter.add_cached(blocks);
    }
    progress.emit(super::Event::Markdown {
        pages: misses.len(),
    });
    let done = || progress.emit(super::Event::Body);
    let bodies = render::complete_bodies(site, &prep, &highlighter, reused, &misses, &done);
    let built = (0..site.pages.len()).filter(|&p| site.builds(p)).count();
    if let Some(c) = cache {
        // A full render keeps only the blocks it used; a partial one keeps the rest too.
        if let Some(blocks) = highlighter.to_save(misses.len() == built) {
            let _ = c.write_highlights(blocks.iter().map(|(k, html)| (*k, html.as_bytes())));
        }
    }
    let body_keys = keys.map(|k| (k, !misses.is_empty()));
    let mut result = render::render_site(
        site,
        &loaded.theme,
        prep,
        static_diags,
        bodies,
        body_keys,
        misses.len(),
    );
    let reused = match &result.body_keys {
        Some(_) => built - result.misses,
        None => 0,
    };
    let external_links = external_links(site, &result.bodies);
    let mut diags = loaded.load_diags.clone();
    diags.extend(result.diags.drain(..).filter(|d| in_shard(site, d)));
    Bodies {
        highlighter,
        render: result,
        reused,
        external_links,
        diags,
    }
}

/// The build cache's bodies of the pages whose key (`keys`, in page order) and includes match.
fn cached_bodies(
    cache: &Cache,
    site: &site::Site,
    keys: &[Key],
) -> Vec<Option<markdown::Rendered>> {
    let wanted = render::cached::wanted(site, keys);
    let mut decoder = render::cached::Decoder::new(site, &wanted);
    cache.read_bodies(
        |k| wanted.contains_key(k),
        |k, bytes| decoder.push(k, bytes),
    );
    decoder.finish()
}

impl Bodies {
    /// Writes the build cache's pack of bodies on a thread of `scope` (while the pages
    /// render), when any body was rendered anew.
    pub(crate) fn save<'scope, 'env>(
        &'env self,
        scope: &'scope Scope<'scope, 'env>,
        loaded: &'env Loaded,
    ) {
        if let (Some(c), Some((keys, true))) = (&loaded.cache, &self.render.body_keys) {
            let (site, bodies, diags) =
                (&loaded.site, &self.render.bodies, &self.render.body_diags);
            scope.spawn(move || {
                let _ = c.write_bodies(render::cached::records(site, keys, bodies, diags));
            });
        }
    }
}

/// Every `http(s)` link, once per place: fallback pages repeat their source's, and an include
/// used by many pages is one place in one file.
fn external_links(site: &site::Site, bodies: &[markdown::Rendered]) -> Vec<external::ExternalRef> {
    let mut links: Vec<external::ExternalRef> = bodies
        .iter()
        .zip(&site.pages)
        .filter(|(_, p)| p.state != site::PageState::Fallback)
        .flat_map(|(b, _)| b.external.iter().cloned())
        .collect();
    links.sort_by(|a, b| {
        (&a.url, &a.source.display, a.span.start).cmp(&(&b.url, &b.source.display, b.span.start))
    });
    links.dedup_by(|a, b| {
        a.url == b.url && a.source.display == b.source.display && a.span.start == b.span.start
    });
    links
}
