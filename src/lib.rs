//! helpsite: a static help-site generator for multilingual, DocFX-flavored Markdown.
//!
//! The pipeline runs one way: [`load`] (files, front matter, pages per locale) ->
//! [`render`] (Markdown, link checks, templates) -> [`write`] (staging folder, then swap).
//! [`build`] and [`check`] are the entry points the CLI, the tests and benchmarks use.

pub mod config;
pub mod dates;
pub mod diagnostics;
pub mod external;
pub mod init;
pub mod l10n;
pub mod load;
pub mod markdown;
pub mod paths;
pub mod render;
pub mod serve;
pub mod session;
pub mod site;
pub mod source;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Kind, Policy};

/// What `build` and `check` are asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: PathBuf,
    /// Output folder; `None` means `<site>/public`.
    pub out: Option<PathBuf>,
    pub strict: bool,
    /// Validate only: render everything, write nothing.
    pub check_only: bool,
}

#[derive(Debug, Default)]
pub struct Timings {
    pub load: Duration,
    pub render: Duration,
    pub write: Duration,
}

#[derive(Debug)]
pub struct BuildReport {
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub files_written: usize,
    pub out: PathBuf,
    pub timings: Timings,
    /// True when the output folder was replaced.
    pub written: bool,
    /// Every `http(s)` link (once per file and place; fallback pages repeat none).
    pub external_links: Vec<external::ExternalRef>,
    /// Levels per kind and `--strict`, for findings added later (`check --external`).
    pub policy: Policy,
}

/// Why a build could not run at all (as opposed to content findings).
#[derive(Debug)]
pub enum Fatal {
    /// Bad or missing configuration or theme: exit code 2.
    Config(Diagnostic),
    /// The output could not be written.
    Io(Diagnostic),
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Fatal> {
    build_full(opts).map(|(report, _)| report)
}

/// What a full build knows at its end, kept by a [`session::Session`] to rebuild parts later.
pub(crate) struct Built {
    pub site: site::Site,
    pub theme: render::theme::Theme,
    pub highlighter: markdown::highlight::Highlighter,
    pub render: render::RenderResult,
    /// Findings of loading, per file (display path); `None` for findings without a file.
    pub load_diags: Vec<Diagnostic>,
    pub policy: Policy,
    pub out: PathBuf,
    /// Hash of every file written from `render.outputs` (empty when nothing was written).
    pub output_hashes: std::collections::HashMap<String, u64>,
}

/// A hash of output text, to skip writing files that did not change.
pub(crate) fn text_hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

pub(crate) fn build_full(opts: &BuildOptions) -> Result<(BuildReport, Built), Fatal> {
    let t0 = Instant::now();
    let config = config::load(&opts.site).map_err(Fatal::Config)?;
    let theme =
        render::theme::load(config.theme_dir().as_deref(), &config.root).map_err(Fatal::Config)?;
    let policy = Policy {
        levels: config.config.checks.clone(),
        strict: opts.strict,
    };
    let out = opts.out.clone().unwrap_or_else(|| opts.site.join("public"));
    let (site, load_diags) = load::load(config);
    let load_time = t0.elapsed();

    let t1 = Instant::now();
    let io_err = |e: std::io::Error| {
        Fatal::Io(
            Diagnostic::new(Kind::Io, format!("cannot write the site: {e}"))
                .in_file(out.display().to_string()),
        )
    };
    // Pages are written into the staging folder as they are rendered; it is dropped (and
    // removed) if the build turns out to have errors.
    let staging = if opts.check_only {
        None
    } else {
        Some(write::Staging::new(&out).map_err(io_err)?)
    };
    let highlighter = markdown::highlight::Highlighter::new();
    let mut result = render::render_site(
        &site,
        &theme,
        &highlighter,
        staging.as_ref().map(|s| s.dir.as_path()),
    );
    let external_links = external_links(&site, &result.bodies);
    let mut diags = load_diags.clone();
    diags.append(&mut result.diags);
    for d in &mut diags {
        policy.apply(d);
    }
    diagnostics::sort(&mut diags);
    let render_time = t1.elapsed();

    let t2 = Instant::now();
    let mut files_written = 0;
    let mut written = false;
    if let Some(staging) = staging {
        if !diagnostics::has_errors(&diags) {
            if let Some(e) = result.write_error.take() {
                return Err(io_err(e));
            }
            files_written = result.page_hashes.len()
                + write::write_site(&staging.dir, &site, &result.outputs, &statics(&theme))
                    .map_err(io_err)?;
            staging.commit().map_err(io_err)?;
            written = true;
        }
    }
    // The HTML is on disk now; a session keeps only what it needs to redo parts.
    let output_hashes = if written {
        result
            .outputs
            .iter()
            .map(|o| (o.path.clone(), text_hash(&o.html)))
            .chain(result.page_hashes.iter().cloned())
            .collect()
    } else {
        Default::default()
    };
    result.outputs = Vec::new();
    let report = BuildReport {
        diagnostics: diags,
        pages: site.pages.len(),
        files_written,
        out: out.clone(),
        timings: Timings {
            load: load_time,
            render: render_time,
            write: t2.elapsed(),
        },
        written,
        external_links,
        policy: policy.clone(),
    };
    Ok((
        report,
        Built {
            site,
            theme,
            highlighter,
            render: result,
            load_diags,
            policy,
            out,
            output_hashes,
        },
    ))
}

/// The theme's static files plus the generated highlighting stylesheet, as written under `_static/`.
pub(crate) fn statics(theme: &render::theme::Theme) -> Vec<(String, Vec<u8>)> {
    let mut statics: Vec<(String, Vec<u8>)> = theme
        .statics
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    statics.push((
        "highlight.css".into(),
        markdown::highlight::stylesheet().into_bytes(),
    ));
    statics
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

/// Loads the site (configuration and pages) without rendering: for `l10n` commands.
pub fn load_site(site: &Path) -> Result<(site::Site, Vec<Diagnostic>), Fatal> {
    let config = config::load(site).map_err(Fatal::Config)?;
    Ok(load::load(config))
}

/// Everything `build` validates, without writing.
pub fn check(site: &Path, strict: bool) -> Result<BuildReport, Fatal> {
    build(&BuildOptions {
        site: site.to_path_buf(),
        out: None,
        strict,
        check_only: true,
    })
}
