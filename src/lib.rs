//! helpsite: a static help-site generator for multilingual, DocFX-flavored Markdown.
//!
//! The pipeline runs one way: [`load`] (files, front matter, pages per locale) ->
//! [`render`] (Markdown, link checks, templates) -> [`write`] (staging folder, then swap).
//! [`build`] and [`check`] are the entry points the CLI, the tests and benchmarks use.

pub mod cache;
pub mod config;
pub mod dates;
pub mod diagnostics;
pub mod external;
pub mod frontmatter;
pub mod init;
pub mod l10n;
pub mod load;
pub mod markdown;
pub mod paths;
pub mod render;
pub mod serve;
pub mod session;
pub mod sigpipe;
pub mod site;
pub mod source;
pub mod url_policy;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Kind, Policy};
use rayon::prelude::*;

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
        }
    }
}

#[derive(Debug, Default)]
pub struct Timings {
    pub load: Duration,
    pub render: Duration,
    pub write: Duration,
    /// Pages whose Markdown came from the build cache.
    pub bodies_reused: usize,
    /// Article pages left as they were in the output folder (same content key, file untouched).
    pub pages_unchanged: usize,
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

/// [`build`] for a process that exits right after: the site's data (every page's source and
/// rendered body) is left for the operating system to reclaim instead of being freed piece by
/// piece, which takes a noticeable part of a big no-change rebuild.
pub fn build_then_exit(opts: &BuildOptions) -> Result<BuildReport, Fatal> {
    build_full(opts).map(|(report, built)| {
        std::mem::forget(built);
        report
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

/// How the article pages reach the output folder.
enum Mode {
    /// `check`: rendered for their findings, written nowhere.
    Check,
    /// A new folder that replaces the output in one step.
    Staging(write::Staging),
    /// Only the changed files are written, in place.
    Update(std::collections::HashMap<String, cache::OutputFile>),
}

/// An in-place update is used when at most this share of the pages changed (or a few
/// hundred); a larger change builds a staging folder, so the site switches over at once.
fn small_change(changed: usize, total: usize) -> bool {
    changed <= 256 || changed * 4 <= total
}

pub(crate) fn build_full(opts: &BuildOptions) -> Result<(BuildReport, Built), Fatal> {
    let t0 = Instant::now();
    let config = config::load(&opts.site).map_err(Fatal::Config)?;
    let theme = load::theme::read(
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
    let out = prepare_output(opts, out, cache.as_ref(), &config)?;
    let (mut site, mut load_diags) = load::load(config);
    if !opts.locales.is_empty() {
        site.building = shard(&site, &opts.locales).map_err(Fatal::Config)?;
        load_diags.retain(|d| in_shard(&site, d));
    }
    let load_time = t0.elapsed();

    let t1 = Instant::now();
    let io_err = |e: std::io::Error| {
        Fatal::Io(
            Diagnostic::new(Kind::Io, format!("cannot write the site: {e}"))
                .in_file(out.display().to_string()),
        )
    };
    let highlighter = markdown::highlight::Highlighter::new();
    let mut result = render::render_site(&site, &theme, &highlighter, cache.as_ref());
    let all: Vec<site::PageId> = (0..site.pages.len()).filter(|&p| site.builds(p)).collect();
    let bodies_reused = match &result.body_keys {
        Some(_) => all.len() - result.misses,
        None => 0,
    };
    let external_links = external_links(&site, &result.bodies);
    let mut diags = load_diags.clone();
    diags.extend(result.diags.drain(..).filter(|d| in_shard(&site, d)));

    // Article pages: each page's template context is keyed; a page whose key and file are
    // as the last build left them is neither rendered nor written.
    let prior = match (&cache, opts.check_only) {
        (Some(c), false) if out.is_dir() => c.read_manifest(&out),
        _ => None,
    };
    let env = result.env(&site, &theme);
    let salt = {
        let mut h = cache.as_ref().map(|c| c.hasher()).unwrap_or_default();
        h.update(&theme.fingerprint);
        h
    };
    let page_key = |ctx: &serde_json::Value| {
        // Flattened first, then hashed in one call: BLAKE3 is many times faster on one long
        // input than on many small ones.
        let mut buf = Vec::with_capacity(64 * 1024);
        cache::flatten_value(ctx, &mut buf);
        let mut h = salt.clone();
        h.update(&buf);
        cache::key_of(&h)
    };
    let mut planned: Option<Vec<(cache::Key, bool)>> = None;
    let mut update = None;
    let inputs = context_inputs(&site, &result, &salt);
    if let Some(prior) = prior {
        // Nothing a page's context is made of changed: its key is the recorded one, and only
        // the file needs a look.
        let same_inputs = result.misses == 0 && inputs == Some(prior.inputs);
        let by_path: std::collections::HashMap<String, cache::OutputFile> = prior
            .files
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        let mut plan: Vec<(cache::Key, bool)> = vec![([0; 16], false); site.pages.len()];
        let keyed: Vec<(site::PageId, cache::Key, bool)> = all
            .par_iter()
            .map(|&p| {
                let path = render::page_path(&site, p);
                let recorded = by_path.get(&path);
                let key = match recorded {
                    Some(f) if same_inputs => f.key,
                    _ => page_key(&render::page_context(&env, p)),
                };
                let same = write::unchanged(&out, &path, &key, recorded);
                (p, key, !same)
            })
            .collect();
        let changed = keyed.iter().filter(|k| k.2).count();
        for (p, key, c) in keyed {
            plan[p] = (key, c);
        }
        if small_change(changed, all.len()) {
            update = Some(by_path);
        }
        planned = Some(plan);
    }
    let mode = match update {
        _ if opts.check_only => Mode::Check,
        Some(prior) => Mode::Update(prior),
        None => Mode::Staging(write::Staging::new(&out).map_err(io_err)?),
    };

    // Render (and, into a staging folder, write) the pages; the bodies pack of the build
    // cache is written meanwhile.
    let write_error = std::sync::Mutex::new(None::<std::io::Error>);
    type Done = (
        String,
        cache::Key,
        Option<cache::FileStat>,
        Option<String>,
        u64,
    );
    let results: Vec<Result<Option<Done>, Diagnostic>> = std::thread::scope(|scope| {
        if let (Some(c), Some((keys, true))) = (&cache, &result.body_keys) {
            let (site, bodies, diags) = (&site, &result.bodies, &result.body_diags);
            scope.spawn(move || {
                let _ = render::cached::save(c, site, keys, bodies, diags);
            });
        }
        all.par_iter()
            .map(|&p| {
                let planned = planned.as_ref().map(|v| v[p]);
                if let (Mode::Update(_), Some((_, false))) = (&mode, planned) {
                    return Ok(None);
                }
                let ctx = render::page_context(&env, p);
                let key = match planned {
                    Some((k, _)) => k,
                    None if cache.is_some() => page_key(&ctx),
                    None => [0; 16],
                };
                let o = render::render_template(&env, p, ctx)?;
                let h = text_hash(&o.html);
                match &mode {
                    Mode::Check => Ok(None),
                    Mode::Staging(st) => {
                        let content = write::Content::Bytes(o.html.into_bytes());
                        let stat = match write::write_new(&st.dir.join(&o.path), &content) {
                            Ok(s) => Some(s),
                            Err(e) => {
                                write_error.lock().expect("lock").get_or_insert(e);
                                None
                            }
                        };
                        Ok(Some((o.path, key, stat, None, h)))
                    }
                    Mode::Update(_) => Ok(Some((o.path, key, None, Some(o.html), h))),
                }
            })
            .collect()
    });
    let mut done: Vec<Done> = Vec::new();
    for r in results {
        match r {
            Ok(Some(d)) => done.push(d),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    for d in &mut diags {
        policy.apply(d);
    }
    diagnostics::sort(&mut diags);
    let render_time = t1.elapsed();

    let t2 = Instant::now();
    let mut files_written = 0;
    let mut written = false;
    let mut pages_unchanged = 0;
    let mut output_hashes: std::collections::HashMap<String, u64> = result
        .outputs
        .iter()
        .map(|o| (o.path.clone(), text_hash(&o.html)))
        .collect();
    let jobs = write::jobs(&site, std::mem::take(&mut result.outputs), statics(&theme));
    let ok = !diagnostics::has_errors(&diags);
    match mode {
        Mode::Check => {}
        Mode::Staging(staging) if ok => {
            if let Some(e) = write_error.into_inner().expect("lock") {
                return Err(io_err(e));
            }
            let mut files = write::write_jobs(&staging.dir, &jobs).map_err(io_err)?;
            files_written = files.len() + done.len();
            for (path, key, stat, _, h) in done {
                output_hashes.insert(path.clone(), h);
                if let Some(stat) = stat {
                    files.push(cache::OutputFile { path, key, stat });
                }
            }
            staging.commit().map_err(io_err)?;
            written = true;
            if let Some(c) = &cache {
                files.sort_by(|a, b| a.path.cmp(&b.path));
                let _ = c.write_manifest(
                    &out,
                    &cache::Manifest {
                        files,
                        inputs: inputs.unwrap_or_default(),
                    },
                );
            }
        }
        Mode::Staging(_) => {}
        Mode::Update(prior) if ok => {
            let c = cache.as_ref().expect("updates need the cache");
            let mut keep = Vec::new();
            let mut changed: Vec<(String, cache::Key, write::Content)> = Vec::new();
            for j in jobs {
                if write::unchanged(&out, &j.path, &j.key, prior.get(&j.path)) {
                    keep.push(prior[&j.path].clone());
                } else {
                    changed.push((j.path, j.key, j.content));
                }
            }
            let plan = planned.as_deref().expect("an update follows a plan");
            for &p in all.iter().filter(|&&p| !plan[p].1) {
                if let Some(f) = prior.get(&render::page_path(&site, p)) {
                    keep.push(f.clone());
                    pages_unchanged += 1;
                }
            }
            for (path, key, _, html, h) in done {
                output_hashes.insert(path.clone(), h);
                changed.push((
                    path,
                    key,
                    write::Content::Bytes(html.unwrap_or_default().into_bytes()),
                ));
            }
            files_written = changed.len();
            // Nothing to do when every file is as the last build left it and none is gone.
            let same_set = keep.len() == prior.len();
            if !changed.is_empty() || !same_set {
                write::Update {
                    out: &out,
                    cache: c,
                }
                .apply(changed, keep, inputs.unwrap_or_default())
                .map_err(io_err)?;
            }
            written = true;
        }
        Mode::Update(_) => {}
    }
    let report = BuildReport {
        diagnostics: diags,
        pages: all.len(),
        files_written,
        out: out.clone(),
        timings: Timings {
            load: load_time,
            render: render_time,
            write: t2.elapsed(),
            bodies_reused,
            pages_unchanged,
        },
        written,
        external_links,
        policy: policy.clone(),
        notes: cache.as_ref().map(|c| c.take_notes()).unwrap_or_default(),
    };
    if !written {
        output_hashes.clear();
    }
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

/// Key of everything the article pages' template contexts are made of, beyond what the bodies'
/// keys cover (every page's text, the site's shape, the configuration, the binary): the theme
/// (in `salt`), the Markdown files that are not pages (includes, `TOC.md`), the other files
/// of each locale (`toc.yml`, images) by `stat`, and which locales this build renders. `None`
/// without the build cache.
fn context_inputs(
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

/// A build replaces its output folder with exactly the files it makes, so the folder must not
/// hold the site's own sources: not the site folder itself or a folder above it, and nothing
/// inside the content or theme folders.
fn check_out_folder(out: &Path, config: &config::LoadedConfig) -> Result<(), Diagnostic> {
    let real = real_path;
    let out_r = real(out);
    let site = real(&config.root);
    let mut inside = vec![config.content_dir()];
    inside.extend(config.theme_dir());
    let clash = if site.starts_with(&out_r) {
        Some("the site folder (or a folder above it)".to_string())
    } else {
        inside
            .iter()
            .map(|d| real(d))
            .find(|d| out_r.starts_with(d))
            .map(|d| format!("a folder of the site's sources ({})", d.display()))
    };
    match clash {
        Some(what) => Err(Diagnostic::new(
            Kind::Config,
            format!(
                "the output folder {} is {what}; a build replaces its output folder with the files it makes",
                out.display()
            ),
        )
        .in_file(config::CONFIG_FILE)
        .hint("choose an output folder of its own, such as `--out public`")),
        None => Ok(()),
    }
}

/// Checks the output and cache folders before anything is read or written, and brings the
/// output back to a whole site after killed builds. Returns the folder to write into (the
/// target of `out` when it is a symbolic link to a folder, which stays).
fn prepare_output(
    opts: &BuildOptions,
    out: PathBuf,
    cache: Option<&cache::Cache>,
    config: &config::LoadedConfig,
) -> Result<PathBuf, Fatal> {
    if !opts.check_only {
        check_out_folder(&out, config).map_err(Fatal::Config)?;
    }
    if let Some(c) = cache {
        check_cache_dir(&c.dir, &out, config).map_err(Fatal::Config)?;
    }
    if opts.check_only {
        return Ok(out);
    }
    let out = match fs_kind(&out) {
        OutKind::LinkToFolder(real) => real,
        _ => out,
    };
    if !opts.force {
        check_out_is_ours(&out, cache).map_err(Fatal::Config)?;
    }
    // What killed builds left: their updates finished (or rolled back), their staging folders
    // and temp files removed, before anything reads the output or the cache.
    write::Staging::clear_leftovers(&out);
    write::recover(&out).map_err(|e| {
        Fatal::Io(
            Diagnostic::new(
                Kind::Io,
                format!("cannot recover from a killed build's update: {e}"),
            )
            .in_file(out.display().to_string()),
        )
    })?;
    if let Some(c) = cache {
        c.clear_leftovers();
    }
    write::stop_point("recovered");
    Ok(out)
}

/// What is at the output path.
enum OutKind {
    Missing,
    Folder,
    /// A symbolic link to a folder, resolved.
    LinkToFolder(PathBuf),
    /// A file, or a link to something that is not a folder (or to nothing).
    Other,
}

fn fs_kind(p: &Path) -> OutKind {
    match std::fs::symlink_metadata(p) {
        Err(_) => OutKind::Missing,
        Ok(m) if m.is_dir() => OutKind::Folder,
        Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(p) {
            Ok(real) if real.is_dir() => OutKind::LinkToFolder(real),
            _ => OutKind::Other,
        },
        Ok(_) => OutKind::Other,
    }
}

/// A build replaces its output folder, so the output must be missing, empty, or made by
/// helpsite (unless `--force`). helpsite's own output is known by the build cache's manifest
/// of that folder, or by what every helpsite version has always written at its top:
/// `sitemap.xml` and `_static/highlight.css` (so folders built without the cache, with another
/// cache folder or by an older helpsite count too).
fn check_out_is_ours(out: &Path, cache: Option<&cache::Cache>) -> Result<(), Diagnostic> {
    let refuse = |what: String| {
        Err(
            Diagnostic::new(Kind::Config, format!("the output {} {what}", out.display()))
                .hint("choose another `--out`, remove it, or pass `--force` to replace it"),
        )
    };
    match fs_kind(out) {
        OutKind::Missing | OutKind::LinkToFolder(_) => Ok(()),
        OutKind::Other => {
            refuse("exists and is not a folder; a build would replace it with the site".to_string())
        }
        OutKind::Folder => {
            let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
            let ours = empty
                || (out.join("sitemap.xml").is_file()
                    && out.join("_static/highlight.css").is_file())
                || cache.is_some_and(|c| c.read_manifest(out).is_some());
            if ours {
                Ok(())
            } else {
                refuse(
                    "is a folder that helpsite did not make; a build would replace its files with the site"
                        .to_string(),
                )
            }
        }
    }
}

/// The cache must not be published (inside the output) or read as content (inside the
/// content or theme folders).
fn check_cache_dir(
    dir: &Path,
    out: &Path,
    config: &config::LoadedConfig,
) -> Result<(), Diagnostic> {
    let dir_r = real_path(dir);
    let mut inside = vec![
        ("the output folder", out.to_path_buf()),
        ("the content folder", config.content_dir()),
    ];
    if let Some(t) = config.theme_dir() {
        inside.push(("the theme folder", t));
    }
    match inside
        .into_iter()
        .find(|(_, d)| dir_r.starts_with(real_path(d)))
    {
        Some((what, d)) => Err(Diagnostic::new(
            Kind::Config,
            format!(
                "the cache folder {} is inside {what} ({}); it would be {}",
                dir.display(),
                d.display(),
                if what == "the output folder" {
                    "published with the site, and removed by the next build"
                } else {
                    "read as part of the site"
                }
            ),
        )
        .hint("choose a `--cache-dir` outside the site's content, theme and output")),
        None => Ok(()),
    }
}

/// `p` made absolute, with its nearest existing ancestor resolved (symbolic links followed).
fn real_path(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
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
fn in_shard(site: &site::Site, d: &Diagnostic) -> bool {
    let Some(file) = &d.file else { return true };
    site.locales.iter().enumerate().all(|(l, loc)| {
        site.building[l] || {
            let prefix = format!("{}/", load::display_path(&site.config.root, &loc.root));
            !file.starts_with(&prefix)
        }
    })
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
        ..Default::default()
    })
}
