//! The translation dashboard (`l10n status --format html`): one self-contained page for
//! localization managers, with no script and nothing loaded from elsewhere. Per locale: a
//! stacked bar of the states (its numbers also as text), a table per top folder, and every stale
//! page with its hand-off date and how much its source changed since ([`changes`]), linked to
//! the built page and to its files. It is styled by the default theme's stylesheet, embedded,
//! so it has the site's colours in the reader's light or dark mode. This makes the page; the
//! CLI writes it.

use serde::Serialize;

use super::changes::{self, Change};
use super::LocaleStatus;
use crate::diagnostics::{Diagnostic, Kind};
use crate::site::{PageId, Site};
use crate::url_policy::{UrlPolicy, UrlUse};

const TEMPLATE: &str = include_str!("dashboard.html");
const CSS: &str = include_str!("dashboard.css");

/// The files of the dashboard, by name in its folder: the page, and the default theme's icon
/// (a file beside it, as the page's one link that is not to the site).
pub type Files = Vec<(&'static str, Vec<u8>)>;

const FAVICON: &str = "favicon.svg";

/// What the page is made with, besides the site.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Where the built site is published, to link each page; the configuration's `base_url`
    /// when `None`.
    pub site_url: Option<&'a str>,
    /// The day the status is of (`MM/DD/YYYY`), shown on the page.
    pub today: Option<&'a str>,
}

/// The states of the bar and the tables, in order, without overlap: a stale machine
/// translation counts as stale (it needs a new hand-off either way).
const STATES: [(&str, &str); 4] = [
    ("up-to-date", "Up to date"),
    ("machine", "Machine-translated"),
    ("stale", "Stale"),
    ("missing", "Missing"),
];

#[derive(Serialize)]
struct View<'a> {
    title: &'a str,
    favicon: Option<&'static str>,
    css: String,
    as_of: Option<String>,
    source: LocaleName,
    states: Vec<StateName>,
    /// Whether any locale has articles with no source article (a column of its own).
    source_missing: bool,
    locales: Vec<LocaleView>,
}

#[derive(Serialize)]
struct StateName {
    id: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct LocaleName {
    code: String,
    name: String,
    dir: crate::config::TextDir,
    /// The id of its section.
    id: String,
}

#[derive(Serialize)]
struct Count {
    id: &'static str,
    label: &'static str,
    n: usize,
    /// Of the locale's pages, rounded to a whole number, but never to 0 or 100 when it is not.
    percent: String,
}

#[derive(Serialize)]
struct LocaleView {
    locale: LocaleName,
    counts: Vec<Count>,
    total: usize,
    source_missing: usize,
    /// The bar's text alternative: every number it shows.
    bar_label: String,
    folders: Vec<FolderRow>,
    stale: Vec<StaleRow>,
}

#[derive(Serialize)]
struct FolderRow {
    name: String,
    counts: [usize; 4],
    total: usize,
    source_missing: usize,
}

#[derive(Serialize)]
struct StaleRow {
    title: String,
    page_href: Option<String>,
    file: String,
    file_href: Option<String>,
    source: String,
    source_href: Option<String>,
    /// `ms.lasthandoff` as written, and as an ISO date when it is a valid `MM/DD/YYYY` one.
    handed_off: Option<String>,
    handed_off_iso: Option<String>,
    change: Change,
    #[serde(skip)]
    sort_date: Option<(u32, u32, u32)>,
}

/// The four disjoint counts of a status: up to date (human), machine-translated (up to date),
/// stale, missing.
fn disjoint(
    up_to_date: usize,
    machine: usize,
    machine_stale: usize,
    stale: usize,
    missing: usize,
) -> [usize; 4] {
    let machine_fresh = machine - machine_stale;
    [up_to_date - machine_fresh, machine_fresh, stale, missing]
}

/// `n` of `total` in percent, rounded, but never to 0 or 100 when it is not (5 of 2,641 pages
/// is `<1`, not `0`).
fn percent(n: usize, total: usize) -> String {
    match (n * 100 + total / 2).checked_div(total).unwrap_or(0) {
        0 if n > 0 => "<1".to_string(),
        100 if n < total => ">99".to_string(),
        p => p.to_string(),
    }
}

/// `MM/DD/YYYY` as `YYYY-MM-DD`.
fn iso((m, d, y): (u32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The dashboard of `status` (from [`super::status`], with every page list kept), as a complete
/// HTML document and its icon. Runs `git` to tell how much each stale page's source changed (see
/// [`changes`]).
pub fn dashboard(
    site: &Site,
    status: &[LocaleStatus],
    opts: &Options,
) -> Result<Files, Diagnostic> {
    let stale: Vec<PageId> = status
        .iter()
        .flat_map(|l| l.stale_pages.iter().map(|p| p.page))
        .collect();
    let changes = changes::since_handoff(site, &stale);
    let cfg = &site.config.config;
    let policy = UrlPolicy::new(cfg);
    let link = |url: String| policy.check(&url, UrlUse::Link).is_ok().then_some(url);
    let base = opts
        .site_url
        .map(str::to_string)
        .unwrap_or_else(|| cfg.origin_and_base());
    let base = base.trim_end_matches('/');
    let name_of = |lid: usize| {
        let l = &site.locales[lid];
        LocaleName {
            code: l.code.clone(),
            name: l.name.clone(),
            dir: l.dir,
            id: format!("locale-{}", l.slug),
        }
    };
    let mut locales = Vec::new();
    for l in status {
        let Some(lid) = site.locales.iter().position(|x| x.code == l.locale) else {
            continue;
        };
        let counts = disjoint(
            l.up_to_date,
            l.machine_translated,
            l.machine_stale,
            l.stale,
            l.missing,
        );
        let total: usize = counts.iter().sum();
        let percent = |n: usize| percent(n, total);
        let counts: Vec<Count> = STATES
            .iter()
            .zip(counts)
            .map(|(&(id, label), n)| Count {
                id,
                label,
                n,
                percent: percent(n),
            })
            .collect();
        let locale = name_of(lid);
        let bar_label = format!(
            "{} ({}), {total} pages: {}",
            locale.name,
            locale.code,
            counts
                .iter()
                .map(|c| format!("{} {}", c.label.to_lowercase(), c.n))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let folders = l
            .folders
            .iter()
            .map(|f| {
                let counts = disjoint(
                    f.up_to_date,
                    f.machine_translated,
                    f.machine_stale,
                    f.stale,
                    f.missing,
                );
                FolderRow {
                    name: f.folder.clone(),
                    counts,
                    total: counts.iter().sum(),
                    source_missing: f.source_missing,
                }
            })
            .collect();
        let mut stale: Vec<StaleRow> = l
            .stale_pages
            .iter()
            .map(|r| {
                let page = &site.pages[r.page];
                let date = r
                    .handed_off
                    .as_deref()
                    .and_then(crate::dates::parse_us_date);
                let source_href = page
                    .source_page
                    .and_then(|s| crate::render::chrome::links(site, s).edit);
                // A locale repository's `edit_url` may send its pages to the source repository
                // (as Microsoft Learn does): then it is the source file's link, not the
                // translation's.
                let file_href = crate::render::chrome::links(site, r.page)
                    .edit
                    .filter(|e| Some(e) != source_href.as_ref());
                StaleRow {
                    title: page.title.clone(),
                    page_href: link(format!("{base}/{}", page.url)),
                    file: r.file.clone(),
                    file_href,
                    source: r.source.clone(),
                    source_href,
                    handed_off: r.handed_off.clone(),
                    handed_off_iso: date.map(iso),
                    change: changes.get(&r.page).cloned().unwrap_or(Change::Unknown {
                        why: "no source article".into(),
                    }),
                    sort_date: date,
                }
            })
            .collect();
        // Most stale first: the oldest hand-off (pages with no date last), then the biggest
        // change of the source.
        stale.sort_by(|a, b| {
            let key = |r: &StaleRow| r.sort_date.map(|(m, d, y)| (y, m, d));
            match (key(a), key(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then(b.change.size().cmp(&a.change.size()))
            .then(a.file.cmp(&b.file))
        });
        locales.push(LocaleView {
            locale,
            counts,
            total,
            source_missing: l.source_missing,
            bar_label,
            folders,
            stale,
        });
    }
    let css = format!("{}\n{CSS}", builtin("static/helpsite.css"));
    let icon = builtin("static/favicon.svg");
    let view = View {
        title: &cfg.title,
        favicon: (!icon.is_empty() && policy.check(FAVICON, UrlUse::Image).is_ok())
            .then_some(FAVICON),
        css,
        as_of: opts.today.and_then(crate::dates::parse_us_date).map(iso),
        source: name_of(site.source_locale),
        states: STATES
            .iter()
            .map(|&(id, label)| StateName { id, label })
            .collect(),
        source_missing: status.iter().any(|l| l.source_missing > 0),
        locales,
    };
    let fail = |e: tera::Error| {
        use std::error::Error as _;
        let mut msg = format!("the dashboard cannot be made: {e}");
        let mut cur = e.source();
        while let Some(s) = cur {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            cur = s.source();
        }
        Diagnostic::new(Kind::Template, msg)
    };
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(crate::markdown::highlight::escape_html);
    tera.add_raw_template("dashboard.html", TEMPLATE)
        .map_err(fail)?;
    let ctx = tera::Context::from_serialize(&view).map_err(fail)?;
    let html = tera.render("dashboard.html", &ctx).map_err(fail)?;
    let mut files = vec![("index.html", html.into_bytes())];
    if view.favicon.is_some() {
        files.push((FAVICON, icon.as_bytes().to_vec()));
    }
    Ok(files)
}

/// A file of the built-in theme: the dashboard looks like the default theme whatever theme the
/// site uses (a theme of its own need not style the dashboard's elements).
fn builtin(path: &str) -> &'static str {
    crate::load::theme::BUILTIN
        .iter()
        .find(|(p, _)| *p == path)
        .and_then(|(_, b)| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_but_never_to_none_or_all() {
        let p = |n, t| percent(n, t);
        assert_eq!(
            [
                p(1, 12),
                p(8, 12),
                p(5, 2641),
                p(2636, 2641),
                p(0, 7),
                p(7, 7),
                p(0, 0)
            ],
            ["8", "67", "<1", ">99", "0", "100", "0"]
        );
    }

    #[test]
    fn states_do_not_overlap() {
        // 10 up to date (2 of them machine), 3 stale (1 machine), 1 missing.
        assert_eq!(disjoint(10, 3, 1, 3, 1), [8, 2, 3, 1]);
    }
}
