//! Step `bodies`: every page's Markdown rendered (or taken from the build cache), the checks
//! across pages, and the pages that are not articles ([`crate::render::render_site`]); with
//! the findings so far and the site's external links.

use std::thread::Scope;

use super::load::{in_shard, Loaded};
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

pub(crate) fn bodies(loaded: &Loaded) -> Bodies {
    let site = &loaded.site;
    let highlighter = Highlighter::new();
    let mut result = render::render_site(site, &loaded.theme, &highlighter, loaded.cache.as_ref());
    let reused = match &result.body_keys {
        Some(_) => (0..site.pages.len()).filter(|&p| site.builds(p)).count() - result.misses,
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
                let _ = render::cached::save(c, site, keys, bodies, diags);
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
