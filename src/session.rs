//! A build session for `serve`: one full build, then rebuilds after file changes. The public
//! contract: after every `rebuild`, the output folder holds exactly what a full `build` of the
//! same sources would write, and a rebuild with errors leaves the last good output in place.
//!
//! Editing an existing article or include (the change writers make all day) is handled in
//! place: the file is read again, the pages that show it (in every locale, fallbacks
//! included) and the pages that include it are rendered again, the site-wide checks and link
//! graph are redone (they are cheap), and only pages whose HTML changed are rewritten. A
//! changed title re-renders its locale's pages, whose navigation may show it. Anything else
//! (files added, deleted or renamed, configuration, templates, UI strings, TOC, redirects)
//! runs a full build.
//!
//! The steps after reloading are the build's ([`crate::build`]): findings assembled as a
//! build assembles them, pages rendered and keyed by the `pages` step, and written by
//! [`crate::write::replace`] file by file against the build cache's manifest, which is the
//! only record of what the output holds.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::build::{self, BuildOptions, BuildReport, Built, Fatal, Timings};
use crate::cache::OutputFile;
use crate::diagnostics::{self, Diagnostic, Kind};
use crate::load::{self, frontmatter};
use crate::render;
use crate::site::{PageId, PageState};
use crate::write;

pub struct Session {
    opts: BuildOptions,
    /// What the last full build left; `None` forces a full build.
    state: Option<Built>,
    /// Pages rendered by a rebuild that had errors, so not written yet.
    dirty: BTreeSet<PageId>,
    /// The rest of what rebuilds with errors did not write (sitemaps, assets, theme files),
    /// written by the next rebuild that writes.
    unwritten: Unwritten,
    /// Findings of the link graph (orphans, related articles) as of the last time it was
    /// built; `None` until a rebuild builds it.
    graph_diags: Option<Vec<Diagnostic>>,
    /// The output's files as the build cache's manifest records them, kept up to date by
    /// rebuilds; read after a full build when a rebuild first writes.
    files: Option<HashMap<String, OutputFile>>,
}

/// What one rebuild did, for the server's log line and live reload.
#[derive(Debug)]
pub struct Rebuild {
    pub report: BuildReport,
    /// Pages whose HTML was rendered again.
    pub pages_rendered: usize,
    pub elapsed: std::time::Duration,
    /// True when the rebuild was a full build.
    pub full: bool,
}

/// A change the fast path understands.
enum Change {
    Markdown {
        locale: usize,
        rel: String,
        path: PathBuf,
    },
    Asset {
        locale: usize,
        rel: String,
        path: PathBuf,
    },
    ThemeStatic {
        rel: String,
        path: PathBuf,
    },
    /// Outside everything the site reads (an editor's backup file, README.md...).
    Unrelated,
}

impl Session {
    /// Runs the first full build.
    pub fn start(opts: BuildOptions) -> Result<(Session, Rebuild), Fatal> {
        let mut s = Session {
            opts,
            state: None,
            dirty: BTreeSet::new(),
            unwritten: Unwritten::default(),
            graph_diags: None,
            files: None,
        };
        let r = s.full(Instant::now())?;
        Ok((s, r))
    }

    pub fn out_dir(&self) -> PathBuf {
        self.opts
            .out
            .clone()
            .unwrap_or_else(|| self.opts.site.join("public"))
    }

    /// The configuration the last full build read (`None` until a full build succeeds).
    pub fn config(&self) -> Option<&crate::config::LoadedConfig> {
        self.state.as_ref().map(|s| &s.site.config)
    }

    pub fn site_dir(&self) -> &Path {
        &self.opts.site
    }

    /// Rebuilds after `changed` files (absolute or site-relative paths) changed on disk.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Fatal> {
        let t = Instant::now();
        if changed.is_empty() {
            return self.full(t);
        }
        let Some(changes) = self.classify(changed) else {
            return self.full(t);
        };
        match self.incremental(changes, t) {
            Some(r) => r,
            None => self.full(t),
        }
    }

    fn full(&mut self, t: Instant) -> Result<Rebuild, Fatal> {
        self.state = None;
        self.dirty.clear();
        self.unwritten = Unwritten::default();
        self.graph_diags = None;
        self.files = None;
        let (report, built) = crate::build::run(&self.opts)?;
        let pages = report.pages;
        // A failed full build wrote nothing: the next rebuild must be full again.
        if report.written {
            self.state = Some(built);
        }
        Ok(Rebuild {
            report,
            pages_rendered: pages,
            elapsed: t.elapsed(),
            full: true,
        })
    }

    fn classify(&self, changed: &[PathBuf]) -> Option<Vec<Change>> {
        let st = self.state.as_ref()?;
        let canon = |p: &Path| p.canonicalize().ok();
        let site_root = canon(&self.opts.site)?;
        let theme_dir = st.site.config.theme_dir().and_then(|d| canon(&d));
        let out = canon(&st.out);
        let roots: Vec<Option<PathBuf>> = st.site.locales.iter().map(|l| canon(&l.root)).collect();
        let mut out_changes = Vec::new();
        for p in changed {
            let abs = if p.is_absolute() {
                p.clone()
            } else {
                self.opts.site.join(p)
            };
            // Deleted or renamed away: the set of pages changes.
            let path = canon(&abs)?;
            if !path.is_file() {
                return None;
            }
            if out.as_ref().is_some_and(|o| path.starts_with(o)) {
                out_changes.push(Change::Unrelated);
                continue;
            }
            if let Some(t) = &theme_dir {
                if let Ok(rel) = path.strip_prefix(t) {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    let stat = rel.strip_prefix("static/")?.to_string();
                    out_changes.push(Change::ThemeStatic { rel: stat, path });
                    continue;
                }
            }
            // DocFX configuration and redirection files change what is published and where.
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            if name == crate::docset::DOCFX_JSON || name.starts_with(".openpublishing.") {
                return None;
            }
            let in_locale = roots.iter().enumerate().find_map(|(l, r)| {
                let r = r.as_ref()?;
                path.strip_prefix(r)
                    .ok()
                    .map(|rel| (l, rel.to_string_lossy().replace('\\', "/")))
            });
            match in_locale {
                Some((l, rel)) => {
                    let loc = &st.site.locales[l];
                    let name = rel.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
                    if name.starts_with("toc.") {
                        return None;
                    }
                    // A YAML file may be (or become) a YAML page: load decides, so reload all.
                    if crate::paths::is_yaml(&rel) {
                        return None;
                    }
                    if load::is_markdown(&rel) {
                        // A new file changes the set of pages.
                        loc.markdown.get(&rel)?;
                        out_changes.push(Change::Markdown {
                            locale: l,
                            rel,
                            path,
                        });
                    } else {
                        loc.assets.get(&rel)?;
                        out_changes.push(Change::Asset {
                            locale: l,
                            rel,
                            path,
                        });
                    }
                }
                None => {
                    let rel = path.strip_prefix(&site_root).ok()?;
                    let rel = rel.to_string_lossy();
                    // Configuration and redirects change everything; other files nothing.
                    if rel == crate::config::CONFIG_FILE
                        || rel == render::redirects::REDIRECTION_FILE
                        || rel.starts_with(&*st.site.config.config.content.to_string_lossy())
                    {
                        return None;
                    }
                    out_changes.push(Change::Unrelated);
                }
            }
        }
        Some(out_changes)
    }

    /// The fast path: reload the changed files, then the build's steps for the pages they
    /// touch; `None` when the change needs a full build after all.
    fn incremental(&mut self, changes: Vec<Change>, t: Instant) -> Option<Result<Rebuild, Fatal>> {
        let st = self.state.as_mut()?;
        // Without the build cache there is no manifest of the output to update.
        st.cache.as_ref()?;
        let t_load = Instant::now();
        let mut r = reload(st, changes)?;
        let load_time = t_load.elapsed();

        let t_render = Instant::now();
        let content_diags = bodies(st, &mut self.graph_diags, &mut r);
        // Findings: load (with the changed files' replaced), then the render's, as a build
        // assembles them.
        for (file, new) in std::mem::take(&mut r.file_diags) {
            st.load_diags
                .retain(|d| d.file.as_deref() != Some(file.as_str()));
            st.load_diags.extend(new);
        }
        let mut all = st.load_diags.clone();
        all.extend(render::findings(
            &st.render.body_diags,
            content_diags,
            &st.render.static_diags,
        ));
        let all = build::findings(all, &st.policy);
        // Errors that hold the output back (with `keep_going`, document errors do not).
        let failed = diagnostics::blocks_output(&all, st.site.config.config.keep_going);

        let mut to_render = std::mem::take(&mut r.template_pages);
        if failed {
            // Keep the last good output; write these once the errors are fixed.
            self.dirty.extend(to_render.iter().copied());
            to_render.clear();
            self.unwritten.keep(&mut r);
        } else {
            to_render.extend(std::mem::take(&mut self.dirty));
            std::mem::take(&mut self.unwritten).add_to(&mut r);
        }
        let list: Vec<PageId> = to_render.into_iter().collect();
        let cache = st.cache.as_ref()?;
        let env = st.render.env(&st.site, &st.theme);
        let mut plan = build::Plan::keyed(Some(build::Keyer::new(cache, &st.theme)));
        let rendered = std::sync::Mutex::new(Vec::new());
        let template_diags = build::pages(&env, &mut plan, &list, &|p| {
            rendered.lock().unwrap_or_else(|e| e.into_inner()).push(p)
        });
        let rendered = rendered.into_inner().unwrap_or_else(|e| e.into_inner());
        let render_time = t_render.elapsed();
        if !template_diags.is_empty() {
            // A template error while only content changed: let a full build sort it out.
            return None;
        }

        let t_write = Instant::now();
        let mut files_written = 0;
        if !failed {
            match commit(st, &mut self.files, r, rendered)? {
                Ok(n) => files_written = n,
                Err(e) => {
                    return Some(Err(Fatal::Io(
                        Diagnostic::new(Kind::Io, format!("cannot write the site: {e}"))
                            .in_file(st.out.display().to_string()),
                    )))
                }
            }
        }
        let report = BuildReport {
            diagnostics: all,
            pages: st.site.pages.len(),
            files_written,
            out: st.out.clone(),
            timings: Timings {
                load: load_time,
                render: render_time,
                write: t_write.elapsed(),
                ..Default::default()
            },
            written: !failed,
            external_links: Vec::new(),
            policy: st.policy.clone(),
            notes: Vec::new(),
            changes: None,
            locales: crate::build::pages_per_locale(&st.site),
        };
        Some(Ok(Rebuild {
            report,
            pages_rendered: list.len(),
            elapsed: t.elapsed(),
            full: false,
        }))
    }
}

/// What a rebuild with errors left unwritten besides its pages (see [`Session::unwritten`]).
#[derive(Default)]
struct Unwritten {
    sitemap_changed: bool,
    search_changed: bool,
    copies: Vec<(String, PathBuf)>,
    statics: Vec<(String, Vec<u8>)>,
}

impl Unwritten {
    fn keep(&mut self, r: &mut Reloaded) {
        self.sitemap_changed |= r.sitemap_changed;
        self.search_changed |= r.search_changed;
        self.copies.append(&mut r.copies);
        self.statics.append(&mut r.statics);
    }

    /// Into the rebuild that writes, before its own changes (so a newer version of a file
    /// is written last).
    fn add_to(mut self, r: &mut Reloaded) {
        r.sitemap_changed |= self.sitemap_changed;
        r.search_changed |= self.search_changed;
        self.copies.append(&mut r.copies);
        r.copies = self.copies;
        self.statics.append(&mut r.statics);
        r.statics = self.statics;
    }
}

/// What reloading the changed files found: which pages render again, and what else changed.
#[derive(Default)]
struct Reloaded {
    /// Pages whose Markdown renders again.
    markdown_pages: BTreeSet<PageId>,
    /// Pages whose template renders again.
    template_pages: BTreeSet<PageId>,
    /// Locales with a changed title (their navigation shows it).
    title_locales: BTreeSet<usize>,
    /// Whether the link graph or the sitemap can have changed.
    graph_fields_changed: bool,
    sitemap_changed: bool,
    /// Whether a page's search entry changed (the search files are made again).
    search_changed: bool,
    /// Load findings to replace, per file.
    file_diags: Vec<(String, Vec<Diagnostic>)>,
    /// Assets to copy again (output path, source).
    copies: Vec<(String, PathBuf)>,
    /// Theme static files, changed (output path, bytes).
    statics: Vec<(String, Vec<u8>)>,
}

/// Step `load` for an edit: reads the changed files into the site, each edited article (and
/// each translation of an edited source) through [`load::article`], the rules a full load
/// applies; `None` when the change needs a full build (a page's uid changed, an article
/// became an include...).
fn reload(st: &mut Built, changes: Vec<Change>) -> Option<Reloaded> {
    let mut r = Reloaded::default();
    let Reloaded {
        markdown_pages,
        template_pages,
        title_locales,
        graph_fields_changed,
        sitemap_changed,
        file_diags,
        copies,
        statics,
        ..
    } = &mut r;
    for change in changes {
        match change {
            Change::Unrelated => {}
            Change::ThemeStatic { rel, path } => {
                let bytes = crate::source::read_regular(&path, None).ok()?;
                st.theme.statics.insert(rel.clone(), bytes.clone());
                statics.push((format!("_static/{rel}"), bytes));
            }
            Change::Asset { locale, rel, path } => {
                if let Some(url) = st.site.file_url(locale, &rel) {
                    copies.push((url, path));
                }
            }
            Change::Markdown { locale, rel, path } => {
                let old = st.site.locales[locale].markdown.get(&rel)?.clone();
                let display = old.display.clone();
                let mut diags = Vec::new();
                let new_src =
                    match load::read_source(&path, display.clone(), st.site.config.max_file_size())
                    {
                        Ok(s) => s,
                        Err(d) => {
                            file_diags.push((display, vec![d]));
                            continue;
                        }
                    };
                st.site.locales[locale]
                    .markdown
                    .insert(rel.clone(), new_src.clone());
                let using: Vec<PageId> = st
                    .site
                    .pages
                    .iter()
                    .enumerate()
                    // By file, not by pointer: a page may still hold a version older
                    // than `old` when an earlier edit of the file had errors.
                    .filter(|(_, p)| {
                        Arc::ptr_eq(&p.source, &old) || p.source.display == old.display
                    })
                    .map(|(i, _)| i)
                    .collect();
                if !using.is_empty() {
                    // Load's rules for an article, as a full build applies them.
                    // It became an include or a TOC: the set of pages changes.
                    let (file, finding) = load::as_article(
                        &st.site.locales[locale],
                        &rel,
                        &new_src,
                        frontmatter::parse(&new_src),
                    )?;
                    diags.extend(finding);
                    let old_front = &st.site.pages[using[0]].front;
                    if frontmatter::string_field(&file.front.fields, "uid")
                        != frontmatter::string_field(&old_front.fields, "uid")
                    {
                        return None;
                    }
                    let is_source_locale = locale == st.site.source_locale;
                    // The file's page in its own locale (the others are fallbacks showing it).
                    let own = using
                        .iter()
                        .copied()
                        .find(|&p| st.site.pages[p].locale == locale)?;
                    let source_hash;
                    let role = match st.site.pages[own].source_page {
                        _ if is_source_locale => load::Role::Source,
                        Some(sp) => {
                            let source = &st.site.pages[sp].source;
                            source_hash = load::crlf_sha1(&source.text);
                            load::Role::Translation {
                                source,
                                hash: &source_hash,
                            }
                        }
                        None => load::Role::Orphan {
                            source_locale: &st.site.locales[st.site.source_locale].code,
                        },
                    };
                    let (title, state) = load::article(
                        &rel,
                        (&file.source, &file.front),
                        role,
                        &st.site.locales[locale],
                        &mut diags,
                    );
                    st.site.pages[own].state = state;
                    let front = file.front;
                    for &p in &using {
                        let page = &mut st.site.pages[p];
                        let field = |f: &frontmatter::Parsed, k: &str| f.fields.get(k).cloned();
                        for k in ["related", "ms.collection"] {
                            *graph_fields_changed |= field(&page.front, k) != field(&front, k);
                        }
                        *sitemap_changed |=
                            field(&page.front, "ms.date") != field(&front, "ms.date");
                        // `ROBOTS: NOINDEX` takes a page out of the sitemap.
                        *sitemap_changed |= crate::render::chrome::noindex(page.meta())
                            != crate::render::chrome::noindex(&front.fields);
                        if page.title != title {
                            title_locales.insert(page.locale);
                            // Pages whose text shows the title (xref links) render again.
                            markdown_pages.extend(st.render.graph.incoming[p].iter().copied());
                        }
                        page.source = new_src.clone();
                        page.front = front.clone();
                        page.title = title.clone();
                        markdown_pages.insert(p);
                        template_pages.insert(p);
                    }
                    // Translations of an edited source: their state depends on its text.
                    if is_source_locale {
                        let hash = load::crlf_sha1(&new_src.text);
                        let translations: Vec<PageId> = st
                            .site
                            .pages
                            .iter()
                            .enumerate()
                            .filter(|(_, q)| {
                                q.source_page.is_some_and(|s| using.contains(&s))
                                    && matches!(q.state, PageState::Translated { .. })
                            })
                            .map(|(i, _)| i)
                            .collect();
                        for q in translations {
                            let page = &st.site.pages[q];
                            let role = load::Role::Translation {
                                source: &new_src,
                                hash: &hash,
                            };
                            let mut tdiags = Vec::new();
                            let (_, state) = load::article(
                                &page.rel,
                                (&page.source, &page.front),
                                role,
                                &st.site.locales[page.locale],
                                &mut tdiags,
                            );
                            file_diags.push((page.source.display.clone(), tdiags));
                            st.site.pages[q].state = state;
                            template_pages.insert(q);
                        }
                    }
                }
                // Pages that include the file.
                for (p, b) in st.render.bodies.iter().enumerate() {
                    if b.deps.iter().any(|(l, r)| *l == locale && *r == rel) {
                        markdown_pages.insert(p);
                        template_pages.insert(p);
                    }
                }
                file_diags.push((display, diags));
            }
        }
    }
    Some(r)
}

/// Step `bodies` for an edit: the Markdown of the touched pages, then the findings across
/// pages and, when links or related fields changed, the link graph. Returns the findings
/// across pages; adds the pages whose template must render again to `r`.
fn bodies(
    st: &mut Built,
    graph_diags: &mut Option<Vec<Diagnostic>>,
    r: &mut Reloaded,
) -> Vec<Diagnostic> {
    let Reloaded {
        markdown_pages,
        template_pages,
        title_locales,
        graph_fields_changed,
        search_changed,
        ..
    } = r;
    let list: Vec<PageId> = markdown_pages.iter().copied().collect();
    if !list.is_empty() {
        // The snippets of the edited files, read afresh as a full build reads them.
        st.site.snippets = load::read_snippets(&st.site);
    }
    let new_bodies =
        render::render_bodies(&st.site, &st.render.prep, &st.highlighter, &list, &|| {});
    let targets = |b: &crate::markdown::Rendered| {
        let mut t: Vec<PageId> = b.links.iter().map(|l| l.target).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    for (p, mut b) in list.iter().copied().zip(new_bodies) {
        *graph_fields_changed |= targets(&b) != targets(&st.render.bodies[p]);
        st.render.body_diags[p] = std::mem::take(&mut b.diags);
        st.render.bodies[p] = b;
    }
    // The search entries of the pages rendered again (when the build wrote an index).
    if !st.search.is_empty() && !list.is_empty() {
        for &p in &list {
            st.search[p] = build::search::indexed(&st.site, p)
                .then(|| build::search::entry(&st.site, p, &st.render.bodies[p]));
        }
        *search_changed = true;
    }
    // Anchors and link metadata are checked every time (cheap); the graph is rebuilt only when a page's
    // outgoing links or its related/collection fields changed.
    let mut content_diags = render::anchor_findings(&st.site, &st.render.bodies);
    render::chrome::metadata_findings(&st.site, &mut content_diags);
    if *graph_fields_changed || graph_diags.is_none() {
        let mut gd = Vec::new();
        render::graph::orphans(&st.site, &st.render.tocs, &mut gd);
        let graph = render::graph::build(&st.site, &st.render.bodies, &mut gd);
        for p in 0..st.site.pages.len() {
            if graph.incoming[p] != st.render.graph.incoming[p]
                || graph.related[p] != st.render.graph.related[p]
            {
                template_pages.insert(p);
            }
        }
        st.render.graph = graph;
        *graph_diags = Some(gd);
    }
    content_diags.extend(graph_diags.iter().flatten().cloned());
    if !title_locales.is_empty() {
        for (p, page) in st.site.pages.iter().enumerate() {
            if title_locales.contains(&page.locale) {
                template_pages.insert(p);
            }
        }
    }

    content_diags
}

/// Step `commit` for an edit: the rendered pages and the changed theme files, assets and
/// sitemaps, each written when its key or file is not what the output's manifest (`files`,
/// read once after a full build) records. `None` without a manifest.
fn commit(
    st: &Built,
    files: &mut Option<HashMap<String, OutputFile>>,
    r: Reloaded,
    pages: Vec<write::Page>,
) -> Option<std::io::Result<usize>> {
    if files.is_none() {
        let m = st.cache.as_ref()?.read_manifest(&st.out)?;
        *files = Some(m.files.into_iter().map(|f| (f.path.clone(), f)).collect());
    }
    let files = files.as_mut()?;
    let mut jobs: Vec<write::Job> = r
        .statics
        .into_iter()
        .map(|(rel, bytes)| write::bytes_job(rel, bytes))
        .collect();
    jobs.extend(
        r.copies
            .iter()
            .map(|(rel, from)| write::copy_job(rel.clone(), from)),
    );
    // The sitemaps list pages, dates and alternates: only `ms.date` and `ROBOTS` can change
    // here.
    if r.sitemap_changed {
        jobs.extend(
            write::sitemaps(&st.site)
                .into_iter()
                .map(|(path, xml)| write::bytes_job(path, xml.into_bytes())),
        );
    }
    // The search files, all made again (their names carry their content's hash: only the
    // changed ones are written); the ones they replace are removed.
    let mut stale = Vec::new();
    if r.search_changed && !st.search.is_empty() {
        let search = build::search::files(&st.site, &st.render, &st.search);
        let new: std::collections::HashSet<&str> = search.iter().map(|(p, _)| p.as_str()).collect();
        stale = files
            .keys()
            .filter(|k| crate::search::is_search_file(k) && !new.contains(k.as_str()))
            .cloned()
            .collect();
        jobs.extend(search.into_iter().map(|(p, b)| write::bytes_job(p, b)));
    }
    Some(write::replace(&st.out, files, jobs, pages).and_then(|n| {
        write::remove(&st.out, files, &stale)?;
        Ok(n)
    }))
}
