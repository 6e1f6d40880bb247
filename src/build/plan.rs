//! Step `plan`: each article page's content key (the key of its template context, or the
//! manifest's when nothing the contexts are made of changed), which pages changed since the
//! last build's output, and so how the output is written ([`write::Mode`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::Value;

use super::bodies::Bodies;
use super::load::Loaded;
use super::BuildOptions;
use crate::cache::{self, Key};
use crate::render::{self, Env};
use crate::site::{self, PageId};
use crate::{source, write};

/// Keys article pages by their template context (see [`crate::cache`]).
pub(crate) struct Keyer {
    salt: blake3::Hasher,
}

impl Keyer {
    pub(crate) fn new(cache: &cache::Cache, theme: &render::theme::Theme) -> Keyer {
        let mut salt = cache.hasher();
        salt.update(&theme.fingerprint);
        Keyer { salt }
    }

    pub(crate) fn key(&self, ctx: &Value) -> Key {
        // Flattened first, then hashed in one call: BLAKE3 is many times faster on one long
        // input than on many small ones.
        let mut buf = Vec::with_capacity(64 * 1024);
        cache::flatten_value(ctx, &mut buf);
        let mut h = self.salt.clone();
        h.update(&buf);
        cache::key_of(&h)
    }
}

/// What the `plan` step produces.
pub(crate) struct Plan {
    pub mode: write::Mode,
    /// The article pages to render, in order.
    pub render: Vec<PageId>,
    /// The article pages left as they are in the output (their paths), for an update.
    pub unchanged: Vec<String>,
    /// Per page, its key when the plan knows it.
    pub keys: Vec<Option<Key>>,
    /// Per page, its context when the plan built it (so no page's is built twice).
    pub contexts: Vec<Option<Value>>,
    /// How pages whose key the plan does not know are keyed; `None` when no key is kept
    /// (`check`, no build cache).
    pub keyer: Option<Keyer>,
    /// Key of the contexts' inputs beyond the bodies ([`context_inputs`]), for the manifest.
    pub inputs: Option<Key>,
    /// The article pages of the last build's output, when its manifest was read.
    pub prior_pages: Option<Vec<cache::PageRecord>>,
    /// Per page, whether its output differs from the last build's (known with `prior_pages`).
    pub changed: Vec<bool>,
}

impl Plan {
    /// A plan that knows no key or context: each page rendered is keyed by `keyer`.
    pub(crate) fn keyed(keyer: Option<Keyer>) -> Plan {
        Plan {
            mode: write::Mode::Check,
            render: Vec::new(),
            unchanged: Vec::new(),
            keys: Vec::new(),
            contexts: Vec::new(),
            keyer,
            inputs: None,
            prior_pages: None,
            changed: Vec::new(),
        }
    }
}

pub(crate) fn plan(opts: &BuildOptions, loaded: &Loaded, bodies: &Bodies, env: &Env) -> Plan {
    let site = &loaded.site;
    let all: Vec<PageId> = (0..site.pages.len()).filter(|&p| site.builds(p)).collect();
    let mut plan = Plan {
        mode: write::Mode::Staging {
            manifest: loaded.cache.is_some(),
        },
        render: all,
        unchanged: Vec::new(),
        keys: Vec::new(),
        contexts: Vec::new(),
        keyer: None,
        inputs: None,
        prior_pages: None,
        changed: Vec::new(),
    };
    if opts.check_only {
        plan.mode = write::Mode::Check;
        return plan;
    }
    let Some(c) = &loaded.cache else {
        return plan;
    };
    let keyer = Keyer::new(c, &loaded.theme);
    plan.inputs = context_inputs(site, &bodies.render, &keyer.salt);
    plan.keyer = Some(keyer);
    let prior = match loaded.out.is_dir() {
        true => c.read_manifest(&loaded.out),
        false => None,
    };
    // Article pages: each page's template context is keyed; a page whose key and file are
    // as the last build left them is neither rendered nor written.
    let Some(prior) = prior else {
        return plan;
    };
    plan.prior_pages = Some(prior.pages);
    let keyer = plan.keyer.as_ref().expect("set above");
    // Nothing a page's context is made of changed: its key is the recorded one, and only
    // the file needs a look.
    let same_inputs = bodies.render.misses == 0 && plan.inputs == Some(prior.inputs);
    let by_path: HashMap<String, cache::OutputFile> = prior
        .files
        .into_iter()
        .map(|f| (f.path.clone(), f))
        .collect();
    // The contexts of changed pages are kept for the `pages` step, as many as an update
    // renders at most (a bigger change is written through a staging folder anyway).
    let limit = write::small_change_limit(plan.render.len());
    let kept = AtomicUsize::new(0);
    let out = &loaded.out;
    let keyed: Vec<(PageId, Key, bool, Option<Value>)> = plan
        .render
        .par_iter()
        .map(|&p| {
            let path = render::page_path(site, p);
            let recorded = by_path.get(&path);
            let (key, ctx) = match recorded {
                Some(f) if same_inputs => (f.key, None),
                _ => {
                    let ctx = render::page_context(env, p);
                    (keyer.key(&ctx), Some(ctx))
                }
            };
            let changed = !write::unchanged(out, &path, &key, recorded);
            let ctx = ctx.filter(|_| changed && kept.fetch_add(1, Ordering::Relaxed) < limit);
            (p, key, changed, ctx)
        })
        .collect();
    let changed = keyed.iter().filter(|k| k.2).count();
    let update = write::small_change(changed, plan.render.len());
    plan.keys = vec![None; site.pages.len()];
    plan.contexts = vec![None; site.pages.len()];
    plan.changed = vec![false; site.pages.len()];
    let mut render = Vec::new();
    for (p, key, c, ctx) in keyed {
        plan.keys[p] = Some(key);
        plan.changed[p] = c;
        plan.contexts[p] = ctx;
        if c || !update {
            render.push(p);
        } else {
            plan.unchanged.push(render::page_path(site, p));
        }
    }
    plan.render = render;
    if update {
        plan.mode = write::Mode::Update(by_path);
    }
    plan
}

/// Key of everything the article pages' template contexts are made of, beyond what the bodies'
/// keys cover (every page's text, the site's shape, the configuration, the binary): the theme
/// (in `salt`), the Markdown files that are not pages (includes, `TOC.md`), the other files
/// of each locale (`toc.yml`, images) by `stat`, and which locales this build renders. `None`
/// without the build cache.
pub(crate) fn context_inputs(
    site: &site::Site,
    result: &render::RenderResult,
    salt: &blake3::Hasher,
) -> Option<cache::Key> {
    let (keys, _) = result.body_keys.as_ref()?;
    let mut h = salt.clone();
    for k in keys {
        h.update(k);
    }
    let pages: std::collections::HashSet<*const source::SourceFile> = site
        .pages
        .iter()
        .map(|p| std::sync::Arc::as_ptr(&p.source))
        .collect();
    for (l, loc) in site.locales.iter().enumerate() {
        h.update(&[u8::from(site.building[l])]);
        for (rel, src) in &loc.markdown {
            if !pages.contains(&std::sync::Arc::as_ptr(src)) {
                cache::feed(&mut h, rel);
                cache::feed(&mut h, &src.text);
            }
        }
        for (rel, path) in &loc.assets {
            cache::feed(&mut h, rel);
            cache::feed_stat(&mut h, path);
        }
    }
    Some(cache::key_of(&h))
}
