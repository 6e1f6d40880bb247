//! The site as plain data: configuration, locales with their files, and pages. Every stage
//! after loading reads this; none changes it behind another's back.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::config::{LoadedConfig, TextDir};
use crate::diagnostics::Diagnostic;
use crate::frontmatter::Parsed;
use crate::source::Source;

pub type LocaleId = usize;
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
    /// `.openpublishing.redirection.json` at the site root, read once by `load`; `None` when
    /// there is no such file, the finding when it could not be read.
    pub redirections: Option<Result<Source, Diagnostic>>,
    /// The assets that code snippets name (`[!code-...]`, `:::code source=`), by locale and
    /// path, read once by `load`; a read failure is kept as its finding, reported where used.
    pub snippets: BTreeMap<(LocaleId, String), Result<Source, Diagnostic>>,
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
}

impl Locale {
    /// The parsed body start of `rel`, if it was parsed from `source` itself: `serve` replaces
    /// edited files in `markdown`, and a stale entry must not be used for the new text.
    pub fn body_start(&self, rel: &str, source: &Source) -> Option<&Result<usize, Diagnostic>> {
        self.bodies
            .get(rel)
            .filter(|(parsed, _)| std::sync::Arc::ptr_eq(parsed, source))
            .map(|(_, r)| r)
    }
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

    pub fn source_locale(&self) -> &Locale {
        &self.locales[self.source_locale]
    }
}
