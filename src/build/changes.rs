//! What `build --report FILE` writes: the article pages whose output this build added,
//! changed or removed, per locale, each with its URL and source file, for pull-request
//! previews. The build cache's manifest of the output says what the last build wrote; step
//! `plan` says which pages' output differs from it.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::cache::PageRecord;
use crate::site::Site;

/// The version of the report's JSON shape.
pub const VERSION: u32 = 1;

/// The pages a build added, changed and removed.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub version: u32,
    /// Whether the last build's output was known (through the build cache). When it was not
    /// (a first build, `--no-cache`, a cache from another helpsite), every page is `added`.
    pub previous_build: bool,
    /// By locale code: every locale this build writes, and any whose pages it removed.
    pub locales: BTreeMap<String, LocaleChanges>,
}

/// One locale's changed pages, each list sorted by URL.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct LocaleChanges {
    pub added: Vec<ChangedPage>,
    pub changed: Vec<ChangedPage>,
    pub removed: Vec<ChangedPage>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ChangedPage {
    /// The URL path, with the base path: `/docs/en-us/guide/`.
    pub url: String,
    /// The file rendered (the source locale's, for a page without a translation).
    pub source: String,
}

impl From<&PageRecord> for ChangedPage {
    fn from(r: &PageRecord) -> Self {
        ChangedPage {
            url: r.url.clone(),
            source: r.source.clone(),
        }
    }
}

/// The records of the article pages this build writes, in page order.
pub(crate) fn records(site: &Site) -> Vec<PageRecord> {
    (0..site.pages.len())
        .filter(|&p| site.builds(p))
        .map(|p| {
            let page = &site.pages[p];
            PageRecord {
                path: crate::render::page_path(site, p),
                locale: site.locales[page.locale].code.clone(),
                url: site.href(p),
                source: page.source.display.clone(),
            }
        })
        .collect()
}

impl Changes {
    /// Compares this build's pages (`now`, in page order, with `changed` by page when the
    /// last build is known) with the last build's (`prior`).
    pub(crate) fn between(
        site: &Site,
        now: &[PageRecord],
        changed: &[bool],
        prior: Option<&[PageRecord]>,
    ) -> Changes {
        let mut out = Changes {
            version: VERSION,
            previous_build: prior.is_some(),
            locales: BTreeMap::new(),
        };
        for (l, loc) in site.locales.iter().enumerate() {
            if site.building[l] {
                out.locales.entry(loc.code.clone()).or_default();
            }
        }
        let before: HashSet<&str> = prior
            .unwrap_or_default()
            .iter()
            .map(|r| r.path.as_str())
            .collect();
        let built = (0..site.pages.len()).filter(|&p| site.builds(p));
        for (p, r) in built.zip(now) {
            let lists = out.locales.entry(r.locale.clone()).or_default();
            if !before.contains(r.path.as_str()) {
                lists.added.push(r.into());
            } else if changed.get(p).copied().unwrap_or(true) {
                lists.changed.push(r.into());
            }
        }
        let after: HashSet<&str> = now.iter().map(|r| r.path.as_str()).collect();
        for r in prior.unwrap_or_default() {
            if !after.contains(r.path.as_str()) {
                let lists = out.locales.entry(r.locale.clone()).or_default();
                lists.removed.push(r.into());
            }
        }
        for lists in out.locales.values_mut() {
            lists.added.sort();
            lists.changed.sort();
            lists.removed.sort();
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Writes the report to `path`: beside it first, then renamed over it.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let tmp = crate::cache::temp_beside(path);
        let res = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(self.to_json().as_bytes())?;
            std::fs::rename(&tmp, path)
        })();
        if res.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        res
    }
}
