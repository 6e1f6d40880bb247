//! Load: walk each locale's folder, decode the Markdown files, parse front matter, and lay
//! out the pages of every locale (translations, and fallbacks where a translation is missing).
//! Reading and parsing run in parallel; nothing here renders.

pub mod theme;

// Kept under their old names for callers outside the source layer.
pub use crate::frontmatter;
pub use crate::paths::is_markdown;
pub use crate::source::yaml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha1::{Digest, Sha1};

use crate::config::LoadedConfig;
use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::site::{Locale, LocaleId, Page, PageState, Redirections, Site};
use crate::source::{Problem, ReadError, Source, SourceFile};
use frontmatter::Parsed;

/// Loads every locale named in the configuration. Files with errors are reported and left
/// out; the rest of the site still loads so one run reports everything.
pub fn load(config: LoadedConfig) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let source_code = config.config.source_locale.to_ascii_lowercase();
    let mut locales = Vec::new();
    let mut source_locale = 0;
    for (i, lc) in config.config.locales.iter().enumerate() {
        let root = config.locale_dir(lc);
        let is_source = lc.folder_name() == source_code;
        if is_source {
            source_locale = i;
        }
        // Another locale's folder inside this one (a locale repository holds its source
        // repository at `_repo.en-us`) belongs to that locale.
        let nested: Vec<PathBuf> = config
            .config
            .locales
            .iter()
            .filter(|o| o.code != lc.code)
            .map(|o| config.locale_dir(o))
            .chain(config.exclude.iter().cloned())
            .filter_map(|o| o.canonicalize().ok())
            .collect();
        let (markdown, assets) = if root.is_dir() {
            read_locale(
                &config.root,
                &root,
                &nested,
                config.max_file_size(),
                &mut diags,
            )
        } else {
            let level = if is_source {
                Level::Error
            } else {
                Level::Warning
            };
            let d = Diagnostic::new(
                Kind::Locale,
                format!(
                    "the folder of locale `{}` does not exist: {}",
                    lc.code,
                    root.display()
                ),
            )
            .level(level)
            .in_file(config.source.display.clone());
            // Point at the locale's `code:` value in helpsite.yml when it can be found.
            let d = match locale_code_span(&config.source, &lc.code) {
                Some(span) => d.at(&config.source, span),
                None => d,
            };
            diags.push(d.hint(if is_source {
                "create the folder, or set `path:` for this locale in helpsite.yml"
            } else {
                "every page of this locale falls back to the source locale"
            }));
            Default::default()
        };
        let mut assets = assets;
        let yaml = read_yaml_pages(&config, &mut assets, &mut diags);
        let tocs = read_tocs(&config, &assets);
        let (docsets, source_repository_absent) = docsets_of(&config, &root, &mut diags);
        let by_lower_case = Locale::case_index(markdown.keys(), assets.keys());
        locales.push(Locale {
            code: lc.code.clone(),
            name: lc.name.clone(),
            slug: lc.folder_name(),
            dir: lc.text_dir(),
            root,
            markdown,
            assets,
            tocs,
            bodies: BTreeMap::new(),
            docsets,
            source_repository_absent,
            by_lower_case,
            yaml,
        });
    }
    let mut site = Site {
        config,
        locales,
        source_locale,
        pages: Vec::new(),
        page_index: HashMap::new(),
        building: Vec::new(),
        redirections: Vec::new(),
        snippets: BTreeMap::new(),
    };
    site.redirections = read_redirections(&site);
    site.building = vec![true; site.locales.len()];
    lay_out_pages(&mut site, &mut diags);
    site.snippets = read_snippets(&site);
    (site, diags)
}

/// The docsets of a locale's folder: what `config` found when the folder is the site itself,
/// else what the folder's own DocFX files say; a plain docset when it has none, or when they
/// cannot be read (reported as a configuration error, which stops the build).
fn docsets_of(
    config: &LoadedConfig,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<crate::docset::Docset>, Option<String>) {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let base_paths = &config.config.docfx.base_paths;
    let found = match &config.docfx {
        Some(found) if base_paths.is_empty() && same(root, &config.root) => Ok(found.clone()),
        _ if root.is_dir() => crate::docset::discover(
            root,
            &display_path(&config.root, root),
            base_paths,
            config.max_file_size(),
        ),
        _ => Ok(Default::default()),
    };
    // The source repository a locale repository names, when no configured locale is it.
    let loaded = |p: &Path| {
        let p = p.canonicalize().ok();
        config
            .config
            .locales
            .iter()
            .any(|l| config.locale_dir(l).canonicalize().ok() == p)
    };
    let absent = |found: &crate::docset::Discovered| {
        let publish = found.publish.as_ref()?;
        let repo = publish
            .dependent_repositories
            .iter()
            .map(|d| d.path_to_root.trim_matches('/'))
            .find(|p| p.to_ascii_lowercase().starts_with("_repo."))?;
        (!loaded(&root.join(repo))).then(|| repo.to_string())
    };
    match found {
        Ok(found) if !found.docsets.is_empty() => {
            let missing = absent(&found);
            (found.docsets, missing)
        }
        Ok(_) => (vec![crate::docset::Docset::plain()], None),
        Err(d) => {
            diags.push(d);
            (vec![crate::docset::Docset::plain()], None)
        }
    }
}

/// The DocFX redirection file, at the site root.
pub const REDIRECTION_FILE: &str = ".openpublishing.redirection.json";

/// Reads the YAML TOC files of a locale (see [`Locale::tocs`]). A `toc.md` is Markdown and
/// already read with the pages.
fn read_tocs(
    config: &LoadedConfig,
    assets: &BTreeMap<String, PathBuf>,
) -> BTreeMap<String, Result<Source, Diagnostic>> {
    assets
        .iter()
        .filter(|(rel, _)| {
            let lower = rel.to_ascii_lowercase();
            lower.ends_with("toc.yml") || lower.ends_with("toc.yaml")
        })
        .map(|(rel, path)| {
            let display = display_path(&config.root, path);
            (
                rel.clone(),
                read_source(path, display, config.max_file_size()),
            )
        })
        .collect()
}

/// Reads the YAML files of a locale that are not TOCs and moves the YAML pages among them
/// (first line `### YamlMime:...`) from `assets` to the map returned: they are published as
/// pages (or not at all), never copied. Other YAML stays an asset.
fn read_yaml_pages(
    config: &LoadedConfig,
    assets: &mut BTreeMap<String, PathBuf>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Source> {
    let candidates: Vec<(String, PathBuf)> = assets
        .iter()
        .filter(|(rel, _)| {
            let lower = rel.to_ascii_lowercase();
            crate::paths::is_yaml(&lower)
                && !lower.ends_with("toc.yml")
                && !lower.ends_with("toc.yaml")
        })
        .map(|(r, p)| (r.clone(), p.clone()))
        .collect();
    let read: Vec<(String, Result<Source, Diagnostic>)> = candidates
        .into_par_iter()
        .map(|(rel, path)| {
            let display = display_path(&config.root, &path);
            let r = read_source(&path, display, config.max_file_size());
            (rel, r)
        })
        .collect();
    let mut out = BTreeMap::new();
    for (rel, r) in read {
        match r {
            Ok(src) if crate::yamlmime::mime_name(&src.text).is_some() => {
                assets.remove(&rel);
                out.insert(rel, src);
            }
            Ok(_) => {}
            // A YAML file that cannot be read is reported; it is not copied either.
            Err(d) => {
                assets.remove(&rel);
                diags.push(d);
            }
        }
    }
    out
}

/// Reads every asset a snippet line of any Markdown file may name, in every locale that has
/// it (a page may take an include, and its snippets, from the source locale). Reading more
/// than is used costs a little time; a finding for a file no page uses is never reported.
pub fn read_snippets(site: &Site) -> BTreeMap<(LocaleId, String), Result<Source, Diagnostic>> {
    let mut wanted: BTreeSet<(LocaleId, String)> = BTreeSet::new();
    for locale in &site.locales {
        for (from, source) in &locale.markdown {
            for line in source.text.lines() {
                if !line.contains("[!code") && !line.contains(":::") {
                    continue;
                }
                for path in crate::markdown::expand::snippet_paths(line) {
                    let Ok(rel) = crate::markdown::expand::target_rel(from, &path) else {
                        continue;
                    };
                    for (l, loc) in site.locales.iter().enumerate() {
                        if let Some(n) = loc.asset_named(&rel) {
                            wanted.insert((l, n.rel.to_string()));
                        }
                    }
                }
            }
        }
    }
    let max = site.config.max_file_size();
    wanted
        .into_par_iter()
        .map(|(l, rel)| {
            let path = &site.locales[l].assets[&rel];
            let read = read_source(path, rel.clone(), max);
            ((l, rel), read)
        })
        .collect()
}

/// Reads every redirection file (`.openpublishing.redirection.json`, and the other
/// `.openpublishing.redirection*.json` files large repositories split theirs into) at the site
/// root, at each locale's root and in each docset's folder, once each.
fn read_redirections(site: &Site) -> Vec<Redirections> {
    let mut dirs: Vec<PathBuf> = vec![site.config.root.clone()];
    for l in &site.locales {
        dirs.push(l.root.clone());
        for d in &l.docsets {
            dirs.push(l.root.join(&d.folder));
        }
    }
    let source_root = site.source_locale().root.canonicalize().ok();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(canonical) = dir.canonicalize() else {
            continue;
        };
        if !seen.insert(canonical.clone()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                let lower = n.to_ascii_lowercase();
                lower.starts_with(".openpublishing.redirection") && lower.ends_with(".json")
            })
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let display = display_path(&site.config.root, &path);
            let rel = |a: &Path, b: &Path| {
                a.strip_prefix(b)
                    .ok()
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
            };
            let place = source_root.as_deref().and_then(|root| {
                rel(&canonical, root)
                    .map(crate::site::RedirectionsAt::Inside)
                    .or_else(|| rel(root, &canonical).map(crate::site::RedirectionsAt::Above))
            });
            out.push(Redirections {
                place,
                file: read_source(&path, display, site.config.max_file_size()),
            });
        }
    }
    out
}

/// The byte range of `code: <code>` 's value in `helpsite.yml` (quotes allowed), if written so.
fn locale_code_span(config: &Source, code: &str) -> Option<std::ops::Range<usize>> {
    let text = &config.text;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let item = line.trim_start().trim_start_matches("- ").trim_start();
        let Some(value) = item.strip_prefix("code:") else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']);
        if value == code {
            let at = start + line.find(value)?;
            return Some(at..at + value.len());
        }
    }
    None
}

pub(crate) fn display_path(site_root: &Path, path: &Path) -> String {
    path.strip_prefix(site_root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

type Files = (BTreeMap<String, Source>, BTreeMap<String, PathBuf>);

fn read_locale(
    site_root: &Path,
    root: &Path,
    nested: &[PathBuf],
    max: u64,
    diags: &mut Vec<Diagnostic>,
) -> Files {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let nested: Vec<PathBuf> = nested
        .iter()
        .filter(|n| n.starts_with(&canonical_root) && **n != canonical_root)
        .filter_map(|n| n.strip_prefix(&canonical_root).ok().map(|r| root.join(r)))
        .collect();
    let mut md_paths = Vec::new();
    let mut assets = BTreeMap::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_name().to_string_lossy().starts_with('.')
                    || (e.file_type().is_dir() && nested.iter().any(|n| n == e.path())))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(site_root, p))
                    .unwrap_or_default();
                diags.push(Diagnostic::new(Kind::Io, format!("cannot read: {e}")).in_file(path));
                continue;
            }
        };
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let mut ft_target = ft;
        if ft.is_symlink() {
            // A link may point anywhere; only follow it when the target stays in this root.
            match path.canonicalize() {
                Ok(t) if t.is_dir() => continue,
                Ok(t) if t.starts_with(&canonical_root) => match std::fs::metadata(&t) {
                    Ok(m) => ft_target = m.file_type(),
                    Err(e) => {
                        diags.push(read_error(ReadError::Io(e), display_path(site_root, path)));
                        continue;
                    }
                },
                _ => {
                    diags.push(
                        Diagnostic::new(
                            Kind::OutsideRoot,
                            "symbolic link points outside the content folder; it is ignored",
                        )
                        .level(Level::Warning)
                        .in_file(display_path(site_root, path)),
                    );
                    continue;
                }
            }
        }
        // A FIFO, device or socket is never read or copied: reading one can block forever
        // (a FIFO) or never end (`/dev/zero`).
        if let Some(what) = crate::source::not_regular(ft_target) {
            diags.push(read_error(
                ReadError::NotRegular(what),
                display_path(site_root, path),
            ));
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        if is_markdown(&rel) {
            md_paths.push((rel, path.to_path_buf()));
        } else {
            assets.insert(rel, path.to_path_buf());
        }
    }
    let results: Vec<Result<(String, Source), Diagnostic>> = md_paths
        .into_par_iter()
        .map(|(rel, path)| {
            let display = display_path(site_root, &path);
            read_source(&path, display, max).map(|s| (rel, s))
        })
        .collect();
    let mut markdown = BTreeMap::new();
    for r in results {
        match r {
            Ok((rel, s)) => {
                markdown.insert(rel, s);
            }
            Err(d) => diags.push(d),
        }
    }
    (markdown, assets)
}

/// Reads a text file: UTF-8 (a BOM is dropped) or UTF-16 with a BOM, a regular file of at
/// most `max` bytes. Anything else is a finding naming the file; bytes that are not text are an
/// encoding error at the first bad one, its position counted in the text as shown.
pub fn read_source(path: &Path, display: String, max: u64) -> Result<Source, Diagnostic> {
    let bytes =
        crate::source::read_regular(path, Some(max)).map_err(|e| read_error(e, display.clone()))?;
    match decode(&bytes) {
        Ok(text) => Ok(SourceFile::new(path.to_path_buf(), display, text)),
        Err(bad) => {
            let message = match bad.problem {
                Problem::Nul => "the file is not UTF-8 text: it holds a NUL byte (UTF-16 without a byte order mark?)",
                Problem::InvalidUtf8 => "the file is not valid UTF-8",
                Problem::InvalidUtf16 => "the file is not valid UTF-16",
            };
            let src = SourceFile::new(path.to_path_buf(), display, bad.text);
            Err(Diagnostic::new(Kind::Encoding, message)
                .at(&src, bad.span)
                .hint("save the file as UTF-8 (UTF-16 files need a byte order mark)"))
        }
    }
}

/// The finding for a file that was not read.
pub fn read_error(e: ReadError, display: String) -> Diagnostic {
    let d = Diagnostic::new(Kind::Io, e.to_string()).in_file(display);
    match e {
        ReadError::Io(_) => d,
        ReadError::NotRegular(_) => d.hint(
            "only regular files are read: replace it with a file, or move it out of the site",
        ),
        ReadError::TooLarge { .. } => {
            d.hint("split the file, or raise `max_file_size` in helpsite.yml")
        }
    }
}

pub use crate::source::decode;

/// Include files and TOCs live beside articles but are not pages.
pub fn is_article(rel: &str, front: &Parsed) -> bool {
    let lower = rel.to_ascii_lowercase();
    let in_includes = lower
        .split('/')
        .rev()
        .skip(1)
        .any(|seg| seg == "includes" || seg == "_includes");
    let name = lower.rsplit('/').next().unwrap_or("");
    let is_toc = name == "toc.md";
    let topic_include = frontmatter::string_field(&front.fields, "ms.topic")
        .is_some_and(|t| t.eq_ignore_ascii_case("include"));
    !(in_includes || is_toc || topic_include)
}

/// SHA-1 of a file's text with every line ending made CRLF: what the localization pipeline
/// records as `ms.openlocfilehash`.
pub fn crlf_sha1(text: &str) -> String {
    let mut h = Sha1::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            let end = if i > start && bytes[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            h.update(&bytes[start..end]);
            h.update(b"\r\n");
            start = i + 1;
        }
    }
    h.update(&bytes[start..]);
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) struct Parsedfile {
    pub(crate) rel: String,
    pub(crate) source: Source,
    pub(crate) front: Parsed,
}

/// A Markdown file with its parsed front matter (`front`) as an article, with the finding
/// when its front matter cannot be parsed: the article is still a page, its front matter
/// shown as text ([`frontmatter::unreadable`]). `None` when the file is not an article (an
/// include, a TOC), whose front matter finding is reported where it is included.
pub(crate) fn as_article(
    locale: &Locale,
    rel: &str,
    source: &Source,
    front: Result<Parsed, Diagnostic>,
) -> Option<(Parsedfile, Option<Diagnostic>)> {
    // A file its docset does not publish as content (a README beside docfx.json, anything
    // outside the docsets of a DocFX repository) is no page.
    let docset = locale.docset_of(rel)?;
    docset.content_place(rel)?;
    let (mut front, finding) = match front {
        Ok(front) => (front, None),
        Err(d) => (frontmatter::unreadable(source), Some(d)),
    };
    is_article(rel, &front).then(|| {
        with_metadata(docset, rel, &mut front);
        let file = Parsedfile {
            rel: rel.to_string(),
            source: source.clone(),
            front,
        };
        (file, finding)
    })
}

/// Lays the docset's metadata for `rel` (`globalMetadata`, then `fileMetadata`) under the
/// page's own front matter, which wins, as in DocFX.
fn with_metadata(docset: &crate::docset::Docset, rel: &str, front: &mut Parsed) {
    let mut merged = docset.metadata_for(rel);
    if merged.is_empty() {
        return;
    }
    merged.extend(std::mem::take(&mut front.fields));
    front.fields = merged;
}

/// The part an article plays in its locale, which decides its [`PageState`].
pub(crate) enum Role<'a> {
    /// An article of the source locale.
    Source,
    /// The translation of the source article `source`; `hash` is its [`crlf_sha1`].
    Translation { source: &'a Source, hash: &'a str },
    /// A translation with no source article, named by the source locale's code: published
    /// in its own locale only.
    Orphan { source_locale: &'a str },
}

/// What load decides for one article of `locale`: its title and state, with its findings
/// added to `diags`. `load` lays out the site with it, and `serve` reloads an edited article
/// with it.
pub(crate) fn article(
    rel: &str,
    file: (&Source, &Parsed),
    role: Role<'_>,
    locale: &Locale,
    diags: &mut Vec<Diagnostic>,
) -> (String, PageState) {
    let title = title_of(rel, file.0, file.1, diags);
    let state = match role {
        Role::Source => PageState::Source,
        Role::Translation { source, hash } => translation_state(source, hash, file, locale, diags),
        Role::Orphan { source_locale } => {
            diags.push(
                Diagnostic::new(
                    Kind::Locale,
                    format!("`{rel}` has no source article in `{source_locale}`"),
                )
                .in_file(file.0.display.clone())
                .hint("rename it to match the source article, or delete it"),
            );
            PageState::Translated {
                machine: false,
                stale: false,
            }
        }
    };
    (title, state)
}

/// Parses the front matter of every Markdown file of a locale once: the articles are returned,
/// and the body start (or front matter finding) of every other file is recorded in `bodies`
/// for includes.
fn parse_articles(
    locale: &Locale,
    diags: &mut Vec<Diagnostic>,
    bodies: &mut BTreeMap<String, (Source, Result<usize, Diagnostic>)>,
) -> Vec<Parsedfile> {
    type Parse = (
        Option<(Parsedfile, Option<Diagnostic>)>,
        Result<usize, Diagnostic>,
    );
    let results: Vec<(&String, Parse)> = locale
        .markdown
        .par_iter()
        .map(|(rel, source)| {
            let front = frontmatter::parse(source);
            let body = front.as_ref().map(|f| f.body_start).map_err(Clone::clone);
            (rel, (as_article(locale, rel, source, front), body))
        })
        .collect();
    let mut out = Vec::new();
    let mut articles = Vec::new();
    for (rel, (article, body)) in results {
        // An article's front matter is kept with its page; an article that is also included
        // somewhere is parsed again there, which is rare and saves an entry per page.
        if article.is_none() {
            bodies.insert(rel.clone(), (locale.markdown[rel].clone(), body));
        }
        articles.push(article);
    }
    for (p, finding) in articles.into_iter().flatten() {
        diags.extend(finding);
        out.push(p);
    }
    for (rel, source) in &locale.yaml {
        match as_yaml_page(locale, rel, source) {
            Some(Ok(p)) => out.push(p),
            Some(Err(d)) => diags.push(d),
            None => {}
        }
    }
    out
}

/// A YAML page (see [`crate::yamlmime`]) as a page: its `metadata` is its front matter, under
/// the docset's metadata like an article's, and its `title` the page title. `None` when its
/// docset does not publish it; the finding when its type is not published or it does not parse.
pub(crate) fn as_yaml_page(
    locale: &Locale,
    rel: &str,
    source: &Source,
) -> Option<Result<Parsedfile, Diagnostic>> {
    let docset = locale.docset_of(rel)?;
    docset.content_place(rel)?;
    Some(crate::yamlmime::parse(source).map(|head| {
        let mut front = Parsed {
            fields: head.metadata,
            // No Markdown body: the page is rendered from the YAML.
            body_start: source.text.len(),
            yaml: None,
            unread: None,
        };
        with_metadata(docset, rel, &mut front);
        Parsedfile {
            rel: rel.to_string(),
            source: source.clone(),
            front,
        }
    }))
}

fn lay_out_pages(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let src_id = site.source_locale;
    let mut bodies: Vec<_> = site.locales.iter().map(|_| BTreeMap::new()).collect();
    let source_articles = parse_articles(&site.locales[src_id], diags, &mut bodies[src_id]);
    let mut source_by_rel: HashMap<String, usize> = HashMap::new();
    let mut pages: Vec<Page> = Vec::new();
    for a in source_articles {
        let src_locale = &site.locales[src_id];
        let (title, state) = article(
            &a.rel,
            (&a.source, &a.front),
            Role::Source,
            src_locale,
            diags,
        );
        source_by_rel.insert(a.rel.to_lowercase(), pages.len());
        pages.push(Page {
            locale: src_id,
            url: site.page_url(src_id, &a.rel),
            rel: a.rel,
            source: a.source,
            front: a.front,
            state,
            title,
            source_page: None,
        });
    }
    let n_source = pages.len();
    // What translations record as the source's hash: each source hashed once, in parallel.
    let source_hashes: Vec<String> = if site.locales.len() > 1 {
        pages
            .par_iter()
            .map(|p| crlf_sha1(&p.source.text))
            .collect()
    } else {
        Vec::new()
    };
    for (lid, locale) in site.locales.iter().enumerate() {
        if lid == src_id {
            continue;
        }
        let translated = parse_articles(locale, diags, &mut bodies[lid]);
        let mut have: HashMap<String, Parsedfile> = translated
            .into_iter()
            .map(|p| (p.rel.to_lowercase(), p))
            .collect();
        for sp in 0..n_source {
            let key = pages[sp].rel.to_lowercase();
            let url = site.page_url(lid, &pages[sp].rel);
            let page = match have.remove(&key) {
                Some(t) => {
                    let role = Role::Translation {
                        source: &pages[sp].source,
                        hash: &source_hashes[sp],
                    };
                    let (title, state) =
                        article(&t.rel, (&t.source, &t.front), role, locale, diags);
                    Page {
                        locale: lid,
                        rel: t.rel,
                        source: t.source,
                        front: t.front,
                        state,
                        url,
                        title,
                        source_page: Some(sp),
                    }
                }
                None => Page {
                    locale: lid,
                    rel: pages[sp].rel.clone(),
                    source: pages[sp].source.clone(),
                    front: pages[sp].front.clone(),
                    state: PageState::Fallback,
                    url,
                    title: pages[sp].title.clone(),
                    source_page: Some(sp),
                },
            };
            pages.push(page);
        }
        // Translations with no source article are still published, in their own locale only.
        let mut extra: Vec<Parsedfile> = have.into_values().collect();
        extra.sort_by(|a, b| a.rel.cmp(&b.rel));
        for t in extra {
            let role = Role::Orphan {
                source_locale: &site.locales[src_id].code,
            };
            let (title, state) = article(&t.rel, (&t.source, &t.front), role, locale, diags);
            pages.push(Page {
                locale: lid,
                url: site.page_url(lid, &t.rel),
                rel: t.rel,
                source: t.source,
                front: t.front,
                state,
                title,
                source_page: None,
            });
        }
    }
    // Two files may map to one URL (`a.md` and `a/index.md`, or names differing in case).
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let mut index = HashMap::new();
    let mut keep = vec![true; pages.len()];
    for (id, p) in pages.iter().enumerate() {
        if let Some(&first) = by_url.get(&p.url) {
            if p.state != PageState::Fallback {
                diags.push(
                    Diagnostic::new(
                        Kind::DuplicateUrl,
                        format!(
                            "`{}` and `{}` would both be published at /{}",
                            pages[first].rel, p.rel, p.url
                        ),
                    )
                    .in_file(p.source.display.clone())
                    .hint("rename or move one of the two files"),
                );
            }
            keep[id] = false;
            continue;
        }
        by_url.insert(p.url.clone(), id);
    }
    let mut remap = vec![usize::MAX; pages.len()];
    let mut kept = Vec::with_capacity(pages.len());
    for (id, p) in pages.into_iter().enumerate() {
        if keep[id] {
            remap[id] = kept.len();
            kept.push(p);
        }
    }
    for p in &mut kept {
        p.source_page = p.source_page.map(|s| remap[s]).filter(|s| *s != usize::MAX);
    }
    for (id, p) in kept.iter().enumerate() {
        index.insert((p.locale, p.rel.to_lowercase()), id);
    }
    site.pages = kept;
    site.page_index = index;
    for (locale, b) in site.locales.iter_mut().zip(bodies) {
        locale.bodies = b;
    }
}

/// The state of the translation `(text, front)` of `source`; `source_hash`: [`crlf_sha1`] of
/// the source's text.
fn translation_state(
    source: &Source,
    source_hash: &str,
    (text, front): (&Source, &Parsed),
    locale: &Locale,
    diags: &mut Vec<Diagnostic>,
) -> PageState {
    let fields = &front.fields;
    let machine = frontmatter::string_field(fields, "ms.translationtype")
        .is_some_and(|v| v.eq_ignore_ascii_case("MT"));
    if let Some(cl) = frontmatter::string_field(fields, "ms.contentlocale") {
        if !cl.eq_ignore_ascii_case(&locale.code) {
            diags.push(
                Diagnostic::new(
                    Kind::Locale,
                    format!(
                        "ms.contentlocale is `{cl}` but the file is in the `{}` folder",
                        locale.code
                    ),
                )
                .at(
                    text,
                    frontmatter::field_span(text, front, "ms.contentlocale"),
                ),
            );
        }
    }
    // A value that is not a string (a list, a mapping) is reported like any other non-hash.
    let hash = match fields.get("ms.openlocfilehash") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => frontmatter::string_field(fields, "ms.openlocfilehash").or(Some(v.to_string())),
    };
    let stale = match hash {
        None => false,
        Some(h) if h.len() == 40 && h.chars().all(|c| c.is_ascii_hexdigit()) => {
            let stale = !h.eq_ignore_ascii_case(source_hash);
            if stale {
                let since = frontmatter::string_field(fields, "ms.lasthandoff")
                    .map(|d| format!(" (handed off {d})"))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::new(
                        Kind::StaleTranslation,
                        format!(
                            "the source `{}` changed after this translation was handed off{since}",
                            source.display
                        ),
                    )
                    .at(
                        text,
                        frontmatter::field_span(text, front, "ms.openlocfilehash"),
                    )
                    .hint(format!(
                        "update the translation, then run `helpsite l10n stamp {}`",
                        text.display
                    )),
                );
            }
            stale
        }
        Some(h) => {
            diags.push(
                Diagnostic::new(
                    Kind::Locale,
                    format!("ms.openlocfilehash `{h}` is not a SHA-1 (40 hexadecimal digits)"),
                )
                .at(
                    text,
                    frontmatter::field_span(text, front, "ms.openlocfilehash"),
                )
                .hint("run `helpsite l10n stamp` on the file after updating the translation"),
            );
            false
        }
    };
    PageState::Translated { machine, stale }
}

/// Warns about `ms.date` / `ms.lasthandoff` values that are not `MM/DD/YYYY` dates.
fn check_dates(source: &Source, front: &Parsed, diags: &mut Vec<Diagnostic>) {
    for key in ["ms.date", "ms.lasthandoff"] {
        let Some(v) = frontmatter::string_field(&front.fields, key) else {
            continue;
        };
        if !v.trim().is_empty() && crate::dates::parse_us_date(&v).is_none() {
            diags.push(
                Diagnostic::new(
                    Kind::FrontMatter,
                    format!("{key} `{v}` is not a date in MM/DD/YYYY form"),
                )
                .level(Level::Warning)
                .at(source, frontmatter::field_span(source, front, key))
                .hint("write the date as month/day/year, for example 11/02/2026"),
            );
        }
    }
}

/// The page title: front matter `title`, else the first `#` heading, else an error and the
/// file's name (without `.md`), so the page is still published.
fn title_of(rel: &str, source: &Source, front: &Parsed, diags: &mut Vec<Diagnostic>) -> String {
    check_dates(source, front, diags);
    if let Some(t) = frontmatter::string_field(&front.fields, "title") {
        if !t.trim().is_empty() {
            return t.trim().to_string();
        }
    }
    if let Some(t) = crate::source::first_h1_text(&source.text[front.body_start..]) {
        return t;
    }
    diags.push(
        Diagnostic::new(Kind::MissingTitle, "the article has no title")
            .at(source, 0..0)
            .hint("add `title:` to the front matter or start the article with a `# Heading`"),
    );
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.len() - name.rsplit_once('.').map_or(0, |(_, ext)| ext.len() + 1);
    name[..stem].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_hash_ignores_line_ending_style() {
        assert_eq!(crlf_sha1("a\nb\n"), crlf_sha1("a\r\nb\r\n"));
        // SHA-1 of "a\r\nb\r\n".
        // SHA-1 of "a\r\nb\r\n", computed independently.
        assert_eq!(
            crlf_sha1("a\nb\n"),
            "72dd82ee6968b55d1833597e2d6e1638a100c2ea"
        );
    }

    #[test]
    fn includes_and_tocs_are_not_articles() {
        let p = Parsed::default();
        assert!(is_article("a/b.md", &p));
        assert!(!is_article("includes/x.md", &p));
        assert!(!is_article("a/_includes/x.md", &p));
        assert!(!is_article("a/TOC.md", &p));
        assert!(is_article("includes.md", &p));
    }
}
