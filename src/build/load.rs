//! Step `load`: the configuration, the theme, the output and cache folders (see
//! [`super::output`]), then every input file of the site ([`crate::load`]), narrowed to the
//! locales a shard builds.

use std::path::PathBuf;

use super::{output, BuildOptions, Fatal};
use crate::diagnostics::{Diagnostic, Kind, Policy};
use crate::{cache, config, render, site};

/// What the `load` step produces.
pub(crate) struct Loaded {
    pub site: site::Site,
    pub theme: render::theme::Theme,
    pub policy: Policy,
    /// The folder to write into.
    pub out: PathBuf,
    pub cache: Option<cache::Cache>,
    /// Findings of loading (of this shard's files only).
    pub load_diags: Vec<Diagnostic>,
}

pub(crate) fn load(opts: &BuildOptions) -> Result<Loaded, Fatal> {
    let config = config::load(&opts.site).map_err(Fatal::Config)?;
    let theme = crate::load::theme::read(
        config.theme_dir().as_deref(),
        &config.root,
        config.max_file_size(),
    )
    .and_then(render::theme::build)
    .map_err(Fatal::Config)?;
    let policy = Policy {
        levels: config.config.checks.clone(),
        strict: opts.strict,
    };
    let out = opts.out.clone().unwrap_or_else(|| opts.site.join("public"));
    let cache = (!opts.no_cache).then(|| {
        cache::Cache::new(
            opts.cache_dir
                .clone()
                .unwrap_or_else(|| opts.site.join(".helpsite-cache")),
        )
    });
    let out = output::prepare_output(opts, out, cache.as_ref(), &config)?;
    let mut config = config;
    // The output and cache folders are never content, wherever they are.
    config.exclude.push(out.clone());
    if let Some(c) = &cache {
        config.exclude.push(c.dir.clone());
    }
    let (mut site, mut load_diags) = crate::load::load(config);
    if !opts.locales.is_empty() {
        site.building = shard(&site, &opts.locales).map_err(Fatal::Config)?;
        load_diags.retain(|d| in_shard(&site, d));
    }
    Ok(Loaded {
        site,
        theme,
        policy,
        out,
        cache,
        load_diags,
    })
}

/// The locale ids a shard builds: each of `codes` must name a configured locale (any case).
fn shard(site: &site::Site, codes: &[String]) -> Result<Vec<bool>, Diagnostic> {
    let mut building = vec![false; site.locales.len()];
    for code in codes {
        let Some(l) = site
            .locales
            .iter()
            .position(|l| l.code.eq_ignore_ascii_case(code))
        else {
            let known: Vec<&str> = site.locales.iter().map(|l| l.code.as_str()).collect();
            return Err(Diagnostic::new(
                Kind::Config,
                format!("`--locale {code}` is not a locale of this site"),
            )
            .in_file(config::CONFIG_FILE)
            .hint(format!("the site's locales are {}", known.join(", "))));
        };
        building[l] = true;
    }
    Ok(building)
}

/// Whether a finding belongs to this build: a shard reports the findings in its own locales'
/// files (and those of no locale: configuration, theme, redirects), so each finding of a
/// site built in shards is reported by exactly one of them.
pub(super) fn in_shard(site: &site::Site, d: &Diagnostic) -> bool {
    let Some(file) = &d.file else { return true };
    site.locales.iter().enumerate().all(|(l, loc)| {
        site.building[l] || {
            let prefix = format!(
                "{}/",
                crate::load::display_path(&site.config.root, &loc.root)
            );
            !file.starts_with(&prefix)
        }
    })
}
