//! Step `pages`: the article pages' templates, given each page's context (built here, or by
//! the plan when it keyed the page) and content key. Each page is handed on (to the
//! [`crate::write::Writer`], in a build) by the thread that rendered it, as soon as it is
//! rendered: a big site never holds more rendered pages than there are threads.

use rayon::prelude::*;
use serde_json::Value;

use super::plan::Plan;
use crate::diagnostics::Diagnostic;
use crate::render::{self, Env};
use crate::site::PageId;
use crate::write;

/// Renders `list` (in parallel), taking the contexts the plan built, and gives each page to
/// `sink` on the thread that rendered it. Returns the template errors, in the order of `list`.
pub(crate) fn pages(
    env: &Env,
    plan: &mut Plan,
    list: &[PageId],
    sink: &(dyn Fn(write::Page) + Sync),
) -> Vec<Diagnostic> {
    let work: Vec<(PageId, Option<Value>)> = list
        .iter()
        .map(|&p| (p, plan.contexts.get_mut(p).and_then(Option::take)))
        .collect();
    let plan = &*plan;
    work.into_par_iter()
        .filter_map(|(p, ctx)| {
            let ctx = ctx.unwrap_or_else(|| render::page_context(env, p));
            let key = match (plan.keys.get(p).copied().flatten(), &plan.keyer) {
                (Some(k), _) => k,
                (None, Some(keyer)) => keyer.key(&ctx),
                (None, None) => [0; 16],
            };
            match render::render_template(env, p, ctx) {
                Ok(o) => {
                    sink(write::Page {
                        path: o.path,
                        key,
                        html: o.html,
                    });
                    None
                }
                Err(d) => Some(d),
            }
        })
        .collect()
}
