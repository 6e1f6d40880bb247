//! The site as plain data: configuration, locales with their files, and pages. Every stage
//! after loading reads this; none changes it behind another's back.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::config::{LoadedConfig, TextDir};
use crate::diagnostics::Diagnostic;
use crate::docset::Docset;
use crate::frontmatter::Parsed;
use crate::source::Source;

pub type LocaleId = usize;

/// The folder, beside the locale folders, of the source locale's files that translations
/// without their own copy use (images, downloads): written by every build or shard whose
/// locales may use them.
pub const FALLBACK_FILES: &str = "_shared";
pub type PageId = usize;

#[derive(Debug)]
pub struct Site {
    pub config: LoadedConfig,
    pub locales: Vec<Locale>,
    /// Index of the source locale in `locales`.
    pub source_locale: LocaleId,
    pub pages: Vec<Page>,
    /// `(locale, lower-case article path)` -> page.
    pub page_index: HashMap<(LocaleId, String), PageId>,
    /// Per locale: whether this build renders and writes its pages (all, unless the build is
    /// a shard: `build --locale`). Every locale is loaded either way, so links, language
    /// switchers and sitemaps know the whole site.
    pub building: Vec<bool>,
    /// The redirection files (`.openpublishing.redirection*.json`) of the site root, the
    /// locale roots and the docset folders, read once by `load`; a file that could not be read
    /// is its finding.
    pub redirections: Vec<Redirections>,
    /// The assets that code snippets name (`[!code-...]`, `:::code source=`), by locale and
    /// path, read once by `load`; a read failure is kept as its finding, reported where used.
    pub snippets: BTreeMap<(LocaleId, String), Result<Source, Diagnostic>>,
}

/// One redirection file and where its folder, which its `source_path`s are relative to, lies.
#[derive(Debug)]
pub struct Redirections {
    /// The file's folder against the source locale's root; `None` when neither holds the other.
    pub place: Option<RedirectionsAt>,
    pub file: Result<Source, Diagnostic>,
}

/// Where a redirection file's folder lies against the source locale's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectionsAt {
    /// In the root, in this folder of it (`""`: the root itself; `docs`: a docset folder).
    Inside(String),
    /// Above the root, which is this folder of it (`microsoft-365`, `content/en-us`).
    Above(String),
}

#[derive(Debug)]
pub struct Locale {
    pub code: String,
    pub name: String,
    /// Lower-case code: the folder name and the URL prefix.
    pub slug: String,
    pub dir: TextDir,
    /// The locale's folder on disk.
    pub root: PathBuf,
    /// Every Markdown file (articles, includes, TOC.md) by path relative to `root`.
    pub markdown: BTreeMap<String, Source>,
    /// Other files (images, code snippets, toc.yml...) by path relative to `root`.
    pub assets: BTreeMap<String, PathBuf>,
    /// The YAML TOC files among `assets` (names ending in `toc.yml` or `toc.yaml`, any case),
    /// read once by `load`. One that could not be read keeps its finding, which is reported
    /// only where the TOC is used, as if it were read there.
    pub tocs: BTreeMap<String, Result<Source, Diagnostic>>,
    /// Where each Markdown file that is not an article (includes, `TOC.md`) has its body start
    /// after its front matter, or the front matter's finding: parsed once by `load`, so an
    /// include used on many pages is not parsed again (an included article is parsed there).
    /// Each entry holds the `Source` it was parsed from (see [`Locale::body_start`]).
    pub bodies: BTreeMap<String, (Source, Result<usize, Diagnostic>)>,
    /// The docsets of the locale's folder (see [`crate::docset`]): at least one; a folder
    /// without DocFX configuration is one plain docset that publishes everything.
    pub docsets: Vec<Docset>,
    /// The source-language repository the locale's publish configuration names
    /// (`dependent_repositories`, `_repo.en-us`) when it is not loaded as a locale: files
    /// missing from this locale may be there, so their references are `not_in_repository`.
    pub source_repository_absent: Option<String>,
    /// The YAML pages (`### YamlMime:` files, see [`crate::yamlmime`]) by path relative to
    /// `root`, read by `load`; they are not in `assets`, so never copied as raw YAML.
    pub yaml: BTreeMap<String, Source>,
    /// Every file of `markdown` and `assets` by its path in lower case -> its path as on disk
    /// (the first, in path order, when names differ only in case): built once by `load`, for
    /// [`Locale::file_named`].
    pub by_lower_case: HashMap<String, String>,
}

/// A file a reference names, with the spelling it has on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named<'a> {
    /// The file's path as on disk (relative to the locale root).
    pub rel: &'a str,
    /// Whether the reference spelled it in other letter case (a `case_mismatch` finding).
    pub case_differs: bool,
}

impl Named<'_> {
    /// The `case_mismatch` finding of a reference written as `written` (to be placed at the
    /// reference), when it spelled the file in other letter case.
    pub fn case_finding(&self, written: &str) -> Option<Diagnostic> {
        self.case_differs.then(|| case_mismatch(written, self.rel))
    }
}

/// The `case_mismatch` finding of a reference written as `written` to the file `on_disk`.
pub fn case_mismatch(written: &str, on_disk: &str) -> Diagnostic {
    Diagnostic::new(
        crate::diagnostics::Kind::CaseMismatch,
        format!("`{written}` names the file `{on_disk}` in other letter case"),
    )
    .hint("write the name as it is on disk: it is found here, as on Windows, but not where letter case counts")
}

impl Locale {
    /// The index behind [`Locale::file_named`] of the files in `markdown` and `assets`.
    pub fn case_index<'a>(
        markdown: impl Iterator<Item = &'a String>,
        assets: impl Iterator<Item = &'a String>,
    ) -> HashMap<String, String> {
        let mut index = HashMap::new();
        let mut names: Vec<&String> = markdown.chain(assets).collect();
        names.sort();
        for rel in names {
            index
                .entry(rel.to_lowercase())
                .or_insert_with(|| rel.clone());
        }
        index
    }

    /// The file (Markdown or other) that a reference to `rel` names: `rel` itself, else the
    /// one whose path differs from it only in letter case, as the Windows machines that
    /// publish DocFX repositories find it.
    pub fn file_named<'a>(&'a self, rel: &'a str) -> Option<Named<'a>> {
        if self.markdown.contains_key(rel) || self.assets.contains_key(rel) {
            return Some(Named {
                rel,
                case_differs: false,
            });
        }
        self.by_lower_case.get(&rel.to_lowercase()).map(|r| Named {
            rel: r.as_str(),
            case_differs: true,
        })
    }

    /// [`Locale::file_named`] for a file that is not Markdown (an image, a download, a
    /// snippet, a YAML TOC).
    pub fn asset_named<'a>(&'a self, rel: &'a str) -> Option<Named<'a>> {
        self.file_named(rel)
            .filter(|n| self.assets.contains_key(n.rel))
    }

    /// The docset that holds `rel` (relative to the locale root): the one with the deepest
    /// folder that contains it.
    pub fn docset_of(&self, rel: &str) -> Option<&Docset> {
        self.docsets
            .iter()
            .filter(|d| d.inner(rel).is_some())
            .max_by_key(|d| d.folder.len())
    }

    /// Whether the locale's folder is a DocFX repository or docset.
    pub fn is_docfx(&self) -> bool {
        self.docsets.iter().any(|d| d.is_docfx)
    }

    /// The URL path inside the locale (`microsoft-365/admin/setup/`) of the Markdown file
    /// `rel`, or `None` when its docset does not publish it as content.
    pub fn page_place(&self, rel: &str) -> Option<String> {
        let placed = self.docset_of(rel)?.content_place(rel)?;
        Some(crate::paths::article_url_path(&placed))
    }

    /// The path inside the locale where the folder `dir` (relative to the locale root) is
    /// published: under its docset's base path (`microsoft-365/admin` for `docs/admin` in a
    /// docset at `docs/` published under `/microsoft-365/`).
    pub fn folder_place(&self, dir: &str) -> String {
        let probe = if dir.is_empty() {
            "_".to_string()
        } else {
            format!("{dir}/_")
        };
        let Some((d, inner)) = self
            .docset_of(&probe)
            .and_then(|d| Some((d, d.inner(&probe)?)))
        else {
            return dir.to_string();
        };
        let inner_dir = inner.rsplit_once('/').map(|(a, _)| a).unwrap_or("");
        match (d.base.is_empty(), inner_dir.is_empty()) {
            (true, _) => inner_dir.to_string(),
            (false, true) => d.base.clone(),
            (false, false) => format!("{}/{inner_dir}", d.base),
        }
    }

    /// The path inside the locale (`microsoft-365/media/a.png`) where the file `rel` is
    /// published, or `None` when its docset does not publish it.
    pub fn file_place(&self, rel: &str) -> Option<String> {
        self.docset_of(rel)?.resource_place(rel)
    }

    /// The parsed body start of `rel`, if it was parsed from `source` itself: `serve` replaces
    /// edited files in `markdown`, and a stale entry must not be used for the new text.
    pub fn body_start(&self, rel: &str, source: &Source) -> Option<&Result<usize, Diagnostic>> {
        self.bodies
            .get(rel)
            .filter(|(parsed, _)| std::sync::Arc::ptr_eq(parsed, source))
            .map(|(_, r)| r)
    }
}

/// What a site-root path names (see [`Site::resolve_root`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootTarget {
    /// Candidate files, relative to the locale root, first the most likely.
    Files(Vec<String>),
    /// A path outside every docset of this site: another docset on the same host.
    OtherDocset,
}

/// Where a page's text comes from, as readers should be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageState {
    /// A page of the source locale.
    Source,
    /// A translation. `machine` for `ms.translationtype: MT`; `stale` when the source changed
    /// after the translation was handed off.
    Translated { machine: bool, stale: bool },
    /// No translation yet: the source page shown in this locale's chrome.
    Fallback,
}

#[derive(Debug)]
pub struct Page {
    pub locale: LocaleId,
    /// Path relative to the locale root, `/`-separated, as on disk (`bounces/status-codes.md`).
    pub rel: String,
    /// The file whose text is rendered: the translation, or the source file for a fallback.
    pub source: Source,
    pub front: Parsed,
    pub state: PageState,
    /// Site-relative URL path without the base path: `en-us/bounces/status-codes/`.
    pub url: String,
    pub title: String,
    /// The source locale's page for the same article, when there is one.
    pub source_page: Option<PageId>,
}

impl Page {
    pub fn meta(&self) -> &Map<String, Value> {
        &self.front.fields
    }

    pub fn meta_str(&self, key: &str) -> Option<String> {
        crate::frontmatter::string_field(&self.front.fields, key)
    }

    /// The locale whose language the body is written in.
    pub fn content_locale(&self, site: &Site) -> LocaleId {
        match self.state {
            PageState::Fallback => site.source_locale,
            _ => self.locale,
        }
    }
}

impl Site {
    pub fn lookup(&self, locale: LocaleId, rel: &str) -> Option<PageId> {
        self.page_index.get(&(locale, rel.to_lowercase())).copied()
    }

    /// `href` of a page, with the base path: `/docs/en-us/bounces/status-codes/`.
    pub fn href(&self, page: PageId) -> String {
        format!("{}{}", self.config.config.base_path(), self.pages[page].url)
    }

    pub fn locale_pages(&self, locale: LocaleId) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.locale == locale)
    }

    /// Whether this build renders page `p` (see [`Site::building`]).
    pub fn builds(&self, p: PageId) -> bool {
        self.building
            .get(self.pages[p].locale)
            .copied()
            .unwrap_or(true)
    }

    /// The `href` of a locale's home: its root `index.md` (or `index.yml` landing page), else
    /// that of its first docset that has one (a DocFX repository's docset folder), else the
    /// locale's folder.
    pub fn home_href(&self, locale: LocaleId) -> String {
        let l = &self.locales[locale];
        // An article or a YAML landing page (`index.yml`), at the root or in a docset.
        let folders = std::iter::once("").chain(l.docsets.iter().map(|d| d.folder.as_str()));
        folders
            .flat_map(|f| {
                ["index.md", "index.yml"].map(|name| match f {
                    "" => name.to_string(),
                    f => format!("{f}/{name}"),
                })
            })
            .find_map(|rel| self.lookup(locale, &rel))
            .map(|p| self.href(p))
            .unwrap_or_else(|| format!("{}{}/", self.config.config.base_path(), l.slug))
    }

    /// Site-relative URL path (`nl-nl/microsoft-365/admin/setup/`) of the article `rel` in
    /// `locale`: placed by the locale's docsets, else by the source locale's (a fallback page
    /// of a plain translation folder), else by its path.
    pub fn page_url(&self, locale: LocaleId, rel: &str) -> String {
        let place = self.locales[locale]
            .page_place(rel)
            .or_else(|| self.locales[self.source_locale].page_place(rel))
            .unwrap_or_else(|| crate::paths::article_url_path(rel));
        format!("{}/{place}", self.locales[locale].slug)
    }

    /// Site-relative path (`nl-nl/microsoft-365/media/a.png`) of the file `rel` of `locale`,
    /// `None` when the locale does not publish it.
    pub fn file_url(&self, locale: LocaleId, rel: &str) -> Option<String> {
        let l = &self.locales[locale];
        Some(format!("{}/{}", l.slug, l.file_place(rel)?))
    }

    /// Site-relative path of the file `rel` of `locale` when a page of another locale uses
    /// it (a translation without its own copy): the locale-neutral [`FALLBACK_FILES`] folder,
    /// so a shard of one locale holds every file its pages use, and shards copied together
    /// equal the full build. `None` when the locale does not publish it.
    pub fn fallback_file_url(&self, locale: LocaleId, rel: &str) -> Option<String> {
        let l = &self.locales[locale];
        Some(format!("{FALLBACK_FILES}/{}", l.file_place(rel)?))
    }

    /// The files of the source locale that the pages of `locale` may use from
    /// [`FALLBACK_FILES`]: those it publishes and `locale` has no copy of. Empty for the
    /// source locale itself.
    pub fn fallback_files(&self, locale: LocaleId) -> Vec<(String, &std::path::Path)> {
        if locale == self.source_locale {
            return Vec::new();
        }
        let own = &self.locales[locale].assets;
        let src = self.source_locale;
        self.locales[src]
            .assets
            .iter()
            .filter(|(rel, _)| !own.contains_key(*rel))
            .filter_map(|(rel, path)| Some((self.fallback_file_url(src, rel)?, path.as_path())))
            .collect()
    }

    /// Where a site-root path (without its leading `/` and locale folder) leads from a page of
    /// `locale`: for a DocFX locale, a path under a docset's base path names files of that
    /// docset, and any other path belongs to another docset of the same host; for a plain
    /// site, the path is relative to the locale's folder.
    pub fn resolve_root(&self, locale: LocaleId, path: &str) -> RootTarget {
        let l = &self.locales[locale];
        if !l.is_docfx() {
            return RootTarget::Files(vec![path.to_string()]);
        }
        let mut files = Vec::new();
        for d in &l.docsets {
            for content in [true, false] {
                if let Some(found) = d.sources_of(path, content) {
                    files.extend(found);
                }
            }
        }
        if files.is_empty() {
            RootTarget::OtherDocset
        } else {
            files.dedup();
            RootTarget::Files(files)
        }
    }

    /// The absolute URL of a site-root path that belongs to another docset of the host, for a
    /// reader of `locale` (`docfx: other_docsets`, `{locale}` the reader's), or the path as
    /// written when none is set.
    pub fn other_docset_href(&self, locale: LocaleId, path_and_query: &str) -> String {
        let Some(host) = &self.config.config.docfx.other_docsets else {
            return path_and_query.to_string();
        };
        let host = host.replace("{locale}", &self.locales[locale].slug);
        // A locale folder written in the link is the host's to add, not the writer's.
        let path = path_and_query.trim_start_matches('/');
        let path = match path.split_once('/') {
            Some((first, tail)) if looks_like_locale(first) => tail,
            _ => path,
        };
        format!("{}/{path}", host.trim_end_matches('/'))
    }

    pub fn source_locale(&self) -> &Locale {
        &self.locales[self.source_locale]
    }
}

/// `en-us`, `nl-nl`, `zh-cn`: a locale folder in a Microsoft Learn path.
fn looks_like_locale(seg: &str) -> bool {
    let b = seg.as_bytes();
    b.len() == 5
        && b[2] == b'-'
        && b[..2].iter().all(u8::is_ascii_lowercase)
        && b[3..].iter().all(u8::is_ascii_alphabetic)
}

impl Site {
    /// The URL prefixes that stand for the content folder of `locale` in a site-root URL,
    /// longest first: the site's base path followed by a locale's folder (`/docs/en-us/`), the
    /// base path (`/docs/`), a locale's folder (`/en-us/`) and `/`. A site-root link names the
    /// reader's file whatever locale folder it was written with.
    ///
    /// [`Site::resolve_root`] and the theme's script (which maps a `?toc=` URL to the TOC's
    /// fragment) both read site-root URLs through this list: a docset published under its own
    /// base path (`/microsoft-365/`) is one more prefix here.
    pub fn root_prefixes(&self, _locale: LocaleId) -> Vec<String> {
        let base = self.config.config.base_path();
        let mut prefixes = vec!["/".to_string()];
        if base != "/" {
            prefixes.push(base.clone());
        }
        for l in &self.locales {
            prefixes.push(format!("/{}/", l.slug));
            if base != "/" {
                prefixes.push(format!("{base}{}/", l.slug));
            }
        }
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        prefixes.dedup();
        prefixes
    }

    /// The path inside the locale's URL space that the site-root URL path `url`
    /// (`/admin/setup/x`, already without `?query` and `#fragment`) names; `None` when it is
    /// not under any of [`Site::root_prefixes`] or leaves the folder. The path is as written:
    /// with or without `.md`, and a trailing `/` is dropped. [`Site::resolve_root`] says which
    /// files it names.
    pub fn url_path(&self, locale: LocaleId, url: &str) -> Option<String> {
        let lower = url.to_ascii_lowercase();
        let prefix = self
            .root_prefixes(locale)
            .into_iter()
            .find(|p| lower.starts_with(p.as_str()) || lower == p.trim_end_matches('/'))?;
        let rest = url.get(prefix.len().min(url.len())..)?;
        crate::paths::normalize(rest)
    }

    /// The file (relative to the locale's root) that the site-root URL `url` names, if it
    /// names one of this site's (see [`Site::url_path`] and [`Site::resolve_root`]).
    pub fn root_file(&self, locale: LocaleId, url: &str) -> Option<String> {
        let path = self.url_path(locale, url)?;
        match self.resolve_root(locale, &path) {
            RootTarget::Files(files) => {
                // The first that exists, else the most likely.
                files
                    .iter()
                    .find(|f| {
                        let l = &self.locales[locale];
                        let stem = f.trim_end_matches('/');
                        [
                            f.to_string(),
                            format!("{stem}.md"),
                            format!("{stem}/index.md"),
                        ]
                        .iter()
                        .any(|c| l.markdown.contains_key(c) || l.assets.contains_key(c))
                    })
                    .or(files.first())
                    .cloned()
            }
            RootTarget::OtherDocset => None,
        }
    }
}
