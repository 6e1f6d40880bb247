//! Step `pages`: the article pages' templates, given each page's context (built here, or by
//! the plan when it keyed the page) and content key.

use rayon::prelude::*;
use serde_json::Value;

use super::plan::Plan;
use crate::diagnostics::Diagnostic;
use crate::render::{self, Env};
use crate::site::PageId;
use crate::write;

/// What the `pages` step produces for a run of pages.
pub(crate) struct Pages {
    pub pages: Vec<write::Page>,
    /// Template errors.
    pub diags: Vec<Diagnostic>,
}

/// Renders `list` (in parallel), taking the contexts the plan built.
pub(crate) fn pages(env: &Env, plan: &mut Plan, list: &[PageId]) -> Pages {
    let work: Vec<(PageId, Option<Value>)> = list
        .iter()
        .map(|&p| (p, plan.contexts.get_mut(p).and_then(Option::take)))
        .collect();
    let plan = &*plan;
    let results: Vec<Result<write::Page, Diagnostic>> = work
        .into_par_iter()
        .map(|(p, ctx)| {
            let ctx = ctx.unwrap_or_else(|| render::page_context(env, p));
            let key = match (plan.keys.get(p).copied().flatten(), &plan.keyer) {
                (Some(k), _) => k,
                (None, Some(keyer)) => keyer.key(&ctx),
                (None, None) => [0; 16],
            };
            let o = render::render_template(env, p, ctx)?;
            Ok(write::Page {
                path: o.path,
                key,
                html: o.html,
            })
        })
        .collect();
    let mut out = Pages {
        pages: Vec::with_capacity(results.len()),
        diags: Vec::new(),
    };
    for r in results {
        match r {
            Ok(p) => out.pages.push(p),
            Err(d) => out.diags.push(d),
        }
    }
    out
}
