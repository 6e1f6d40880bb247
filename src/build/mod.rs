//! The build: a list of named, timed steps, each a function with its own input and output:
//!
//! ```text
//! load -> bodies -> plan -> pages -> commit
//! ```
//!
//! [`load()`] reads the configuration, theme and every input file; [`bodies()`] renders the
//! Markdown (through the build cache) and checks the pages together; [`plan()`] keys the
//! article pages and picks how the output is written; [`pages()`] renders the article pages'
//! templates, each handed to the [`crate::write::Writer`] as soon as it is rendered (so a big
//! site never holds more than a page per thread); [`commit`] writes the other files
//! and puts the output in place. `check` runs the same steps but writes nothing.
//! [`crate::session`] keeps what a build knows ([`Built`]) to re-run steps for a few pages.

mod bodies;
mod changes;
mod load;
mod output;
mod pages;
mod plan;
mod progress;
pub(crate) mod search;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostics::{self, Diagnostic, Kind, Policy};
use crate::{config, external, markdown, render, site, write};

pub(crate) use bodies::{bodies, Bodies};
pub use changes::{ChangedPage, Changes, LocaleChanges};
pub(crate) use load::{load, Loaded};
pub(crate) use pages::pages;
pub(crate) use plan::{plan, Keyer, Plan};
pub use progress::{Event, Progress};

/// What `build` and `check` are asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: PathBuf,
    /// Output folder; `None` means `<site>/public`.
    pub out: Option<PathBuf>,
    pub strict: bool,
    /// Validate only: render everything, write nothing.
    pub check_only: bool,
    /// The build cache's folder; `None` means `<site>/.helpsite-cache`.
    pub cache_dir: Option<PathBuf>,
    /// Build without reading or writing the build cache.
    pub no_cache: bool,
    /// Build only these locales (codes, any case); empty means all. See [`shard`].
    pub locales: Vec<String>,
    /// Replace an output that helpsite did not make (a file, a folder of other files).
    pub force: bool,
    /// Told how far the build is (see [`Event`]); none by default.
    pub progress: Progress,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            site: PathBuf::from("."),
            out: None,
            strict: false,
            check_only: false,
            cache_dir: None,
            no_cache: false,
            locales: Vec::new(),
            force: false,
            progress: Progress::default(),
        }
    }
}

/// Wall time of each step; `render` and `write` as `build -v` shows them.
#[derive(Debug, Default)]
pub struct Timings {
    pub load: Duration,
    /// Steps `bodies`, `plan` and `pages` (templates only).
    pub render: Duration,
    /// The writing of pages into the output and step `commit`.
    pub write: Duration,
    pub bodies: Duration,
    pub plan: Duration,
    pub pages: Duration,
    /// Pages whose Markdown came from the build cache.
    pub bodies_reused: usize,
    /// Article pages left as they were in the output folder (same content key, file untouched).
    pub pages_unchanged: usize,
    /// The search index: the pages' entries and the locales' files (part of `write`).
    pub search: Duration,
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
    /// What went wrong with the build cache (damage, files that cannot be read or written):
    /// never an error; `build -v` shows them.
    pub notes: Vec<String>,
    /// The article pages the build added, changed and removed in the output (`build
    /// --report`); `None` when the output was not written.
    pub changes: Option<Changes>,
    /// Per locale this build rendered, in the site's order: its code and number of pages.
    pub locales: Vec<(String, usize)>,
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
    run_with(opts, false).map(|(report, _)| report)
}

/// [`build`] for a process that exits right after: the site's data (every page's source and
/// rendered body) is left for the operating system to reclaim instead of being freed piece by
/// piece, which takes a noticeable part of a big no-change rebuild.
pub fn build_then_exit(opts: &BuildOptions) -> Result<BuildReport, Fatal> {
    run_with(opts, false).map(|(report, built)| {
        std::mem::forget(built);
        report
    })
}

/// Loads the site (configuration and pages) without rendering: for `l10n` commands.
pub fn load_site(site: &Path) -> Result<(site::Site, Vec<Diagnostic>), Fatal> {
    let config = config::load(site).map_err(Fatal::Config)?;
    Ok(crate::load::load(config))
}

/// Everything `build` validates, without writing.
pub fn check(site: &Path, strict: bool) -> Result<BuildReport, Fatal> {
    build(&BuildOptions {
        site: site.to_path_buf(),
        out: None,
        strict,
        check_only: true,
        ..Default::default()
    })
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
    pub cache: Option<crate::cache::Cache>,
    /// Each page's search entry (empty when the build wrote no index, or did not keep them).
    pub search: Vec<Option<crate::search::PageEntry>>,
}

/// Runs `f`, adding its wall time to `t`.
fn timed<T>(t: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let r = f();
    *t += start.elapsed();
    r
}

/// The build: the steps in order (see the module docs), keeping the pages' search entries
/// in [`Built`] (for `serve`, which updates the index after each edit).
pub(crate) fn run(opts: &BuildOptions) -> Result<(BuildReport, Built), Fatal> {
    run_with(opts, true)
}

/// The build; `keep_search`: whether [`Built`] keeps the pages' search entries (else they are
/// freed once the search files are made, before step `commit`: a big site's entries weigh
/// tens of MB).
fn run_with(opts: &BuildOptions, keep_search: bool) -> Result<(BuildReport, Built), Fatal> {
    let mut t = Timings::default();
    let loaded = timed(&mut t.load, || load(opts))?;
    let locales = pages_per_locale(&loaded.site);
    opts.progress.emit(Event::Loaded { locales: &locales });
    let mut b = timed(&mut t.bodies, || bodies(&loaded, &opts.progress));
    let env = b.render.env(&loaded.site, &loaded.theme);
    let mut plan = timed(&mut t.plan, || plan(opts, &loaded, &b, &env));
    let mode = std::mem::replace(&mut plan.mode, write::Mode::Check);
    let writer = timed(&mut t.write, || write::Writer::open(&loaded.out, mode))
        .map_err(|e| io_error(&loaded.out, e))?;
    let mut diags = std::mem::take(&mut b.diags);
    let list = std::mem::take(&mut plan.render);
    opts.progress.emit(Event::Rendering { pages: list.len() });
    std::thread::scope(|scope| {
        b.save(scope, &loaded);
        diags.extend(pages_written(
            &env,
            &mut plan,
            &list,
            &writer,
            &mut t,
            &opts.progress,
        ));
    });
    opts.progress.emit(Event::Rendered);
    release_freed_memory();
    let diags = findings(diags, &loaded.policy);
    // With `keep_going`, errors inside documents (published as text) do not hold the site back.
    let ok = !diagnostics::blocks_output(&diags, loaded.site.config.config.keep_going);
    let Bodies {
        highlighter,
        render: mut result,
        reused,
        external_links,
        ..
    } = b;
    let outputs = std::mem::take(&mut result.outputs);
    let written = ok && writer.writes();
    let (entries, search_files) = if written && loaded.site.config.config.search {
        timed(&mut t.search, || {
            let keys = result.body_keys.as_ref().map(|(k, _)| k.as_slice());
            let entries =
                search::entries(&loaded.site, &result.bodies, loaded.cache.as_ref(), keys);
            let files = search::files(&loaded.site, &result, &entries);
            if keep_search {
                return (entries, files);
            }
            drop(entries);
            // What the index was made with was freed on the worker threads: given back
            // before `commit`, which reaches the build's peak memory.
            release_freed_memory();
            (Vec::new(), files)
        })
    } else {
        (Vec::new(), Vec::new())
    };
    t.write += t.search;
    let mut changes = None;
    let committed = if written {
        let records = changes::records(&loaded.site);
        changes = Some(Changes::between(
            &loaded.site,
            &records,
            &plan.changed,
            plan.prior_pages.as_deref(),
        ));
        opts.progress.emit(Event::Writing);
        let c = timed(&mut t.write, || {
            commit(&loaded, &plan, writer, outputs, records, search_files)
        })?;
        opts.progress.emit(Event::Written {
            files: c.files_written,
        });
        c
    } else {
        write::Committed::default()
    };
    t.render = t.bodies + t.plan + t.pages;
    t.bodies_reused = reused;
    t.pages_unchanged = committed.pages_unchanged;
    let Loaded {
        site,
        theme,
        policy,
        out,
        cache,
        load_diags,
    } = loaded;
    let report = BuildReport {
        diagnostics: diags,
        pages: (0..site.pages.len()).filter(|&p| site.builds(p)).count(),
        files_written: committed.files_written,
        out: out.clone(),
        timings: t,
        written,
        external_links,
        policy: policy.clone(),
        notes: cache.as_ref().map(|c| c.take_notes()).unwrap_or_default(),
        changes,
        locales,
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
            cache,
            search: entries,
        },
    ))
}

/// Step `pages`, each page written by the thread that rendered it. The step's wall time is
/// split between `pages` and `write` by the share of the threads' time spent writing.
fn pages_written(
    env: &render::Env,
    plan: &mut Plan,
    list: &[site::PageId],
    writer: &write::Writer,
    t: &mut Timings,
    progress: &Progress,
) -> Vec<Diagnostic> {
    let writing = AtomicU64::new(0);
    let start = Instant::now();
    let diags = pages(env, plan, list, &|page| {
        let start = Instant::now();
        writer.page(page);
        let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        writing.fetch_add(nanos, Ordering::Relaxed);
        progress.emit(Event::Page);
    });
    let wall = start.elapsed();
    let threads = rayon::current_num_threads().max(1) as u64;
    let write = Duration::from_nanos(writing.into_inner() / threads).min(wall);
    t.pages += wall - write;
    t.write += write;
    diags
}

/// Per locale the build renders (a shard's only), its code and number of pages.
pub(crate) fn pages_per_locale(site: &site::Site) -> Vec<(String, usize)> {
    let mut counts = vec![0; site.locales.len()];
    for (p, page) in site.pages.iter().enumerate() {
        if site.builds(p) {
            counts[page.locale] += 1;
        }
    }
    site.locales
        .iter()
        .zip(counts)
        .enumerate()
        .filter(|(l, _)| site.building.get(*l).copied().unwrap_or(true))
        .map(|(_, (loc, n))| (loc.code.clone(), n))
        .collect()
}

/// Hands the memory freed so far back to the operating system. The pages were rendered on
/// the worker threads, and glibc keeps what a thread frees in that thread's arena, where the
/// allocations of step `commit` (the sitemaps are built on this thread) cannot reuse it: the
/// peak memory of a big build is reached there unless it is given back first.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory of the allocator; no pointer is involved.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Step `commit`: the files other than article pages, then the new output put in place.
fn commit(
    loaded: &Loaded,
    plan: &Plan,
    writer: write::Writer,
    outputs: Vec<render::Output>,
    records: Vec<crate::cache::PageRecord>,
    search: Vec<(String, Vec<u8>)>,
) -> Result<write::Committed, Fatal> {
    let mut jobs = write::jobs(&loaded.site, outputs, statics(&loaded.theme));
    jobs.extend(search.into_iter().map(|(p, b)| write::bytes_job(p, b)));
    writer
        .commit(
            jobs,
            &plan.unchanged,
            loaded.cache.as_ref(),
            plan.inputs.unwrap_or_default(),
            records,
        )
        .map_err(|e| io_error(&loaded.out, e))
}

/// A build's findings as reported: each at its level under the policy, in order.
pub(crate) fn findings(mut diags: Vec<Diagnostic>, policy: &Policy) -> Vec<Diagnostic> {
    for d in &mut diags {
        policy.apply(d);
    }
    diagnostics::sort(&mut diags);
    diags
}

fn io_error(out: &Path, e: std::io::Error) -> Fatal {
    Fatal::Io(
        Diagnostic::new(Kind::Io, format!("cannot write the site: {e}"))
            .in_file(out.display().to_string()),
    )
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
