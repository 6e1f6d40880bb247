//! Render: Markdown bodies for every page (in parallel), then link and anchor checks across
//! pages, then the Tera page templates. Rendering a page is a function of the page and the
//! `Site`; nothing here writes files.

pub mod cached;
pub mod chrome;
pub mod graph;
pub mod redirects;
pub mod theme;
pub mod toc;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::diagnostics::{Diagnostic, Kind};
use crate::markdown::{self, highlight::Highlighter, Labels, MarkdownCtx, Rendered};
use crate::site::{PageId, PageState, Site};
use theme::Theme;

/// One finished HTML file.
pub struct Output {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    pub html: String,
}

/// What rendering produced: pages, plus per-page data a search index or `check` can use.
pub struct RenderResult {
    /// Pages that are not articles (404s, language chooser, redirects). Article pages are
    /// rendered afterwards, one at a time ([`page_context`], [`render_template`]), so a big
    /// site never holds every page's HTML at once.
    pub outputs: Vec<Output>,
    /// Each body's key in the build cache, and whether any body was rendered anew (so the
    /// cache's pack needs writing).
    pub body_keys: Option<(Vec<crate::cache::Key>, bool)>,
    /// Bodies rendered anew (the others came from the build cache).
    pub misses: usize,
    /// Every finding of the render (`static_diags` included).
    pub diags: Vec<Diagnostic>,
    /// Findings that only a change of theme, TOC or redirects can change.
    pub static_diags: Vec<Diagnostic>,
    /// Each page's own Markdown findings (moved out of `bodies`).
    pub body_diags: Vec<Vec<Diagnostic>>,
    pub bodies: Vec<Rendered>,
    pub prep: Prepared,
    pub tocs: toc::Tocs,
    pub graph: graph::Graph,
}

const BUILTIN_ALERTS: [&str; 5] = ["note", "tip", "important", "caution", "warning"];

pub fn labels_for(site: &Site, strings: &BTreeMap<String, Value>) -> Labels {
    let s = |k: &str| {
        strings
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or(k)
            .to_string()
    };
    let mut alerts = HashMap::new();
    for k in BUILTIN_ALERTS {
        alerts.insert(k.to_string(), (s(&format!("alert_{k}")), k.to_string()));
    }
    for a in &site.config.config.alerts {
        let name = a.name.to_ascii_lowercase();
        let key = a
            .title_key
            .clone()
            .unwrap_or_else(|| format!("alert_{name}"));
        let title = strings
            .get(&key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| a.name.clone());
        alerts.insert(name, (title, a.style.to_ascii_lowercase()));
    }
    Labels {
        alerts,
        image_description: s("image_description"),
        version: s("version"),
        choose_version: s("choose_version"),
        video: s("video"),
        code_block: s("code_block"),
        table: s("table"),
        footnotes: s("footnotes"),
        footnote_back: s("footnote_back"),
        yaml_types: strings
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.strip_prefix("yaml_type_")?.replace('_', "-"),
                    v.as_str()?.to_string(),
                ))
            })
            .collect(),
    }
}

/// Formats `MM/DD/YYYY` (what `ms.date` holds) with the locale's `date_format`, `months` and
/// `digits`.
/// `None` when the value is not such a date.
pub fn format_date(value: &str, strings: &BTreeMap<String, Value>) -> Option<String> {
    let (m, d, y) = parse_us_date(value)?;
    let months: Vec<&str> = strings
        .get("months")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let month_name = months.get(m as usize - 1).copied().unwrap_or("");
    let fmt = strings
        .get("date_format")
        .and_then(Value::as_str)
        .unwrap_or("{yyyy}-{mm}-{dd}");
    // The locale's digits (`digits`: its ten, zero first, as CLDR's default numbering system
    // has them), else ASCII.
    let digits: Vec<char> = strings
        .get("digits")
        .and_then(Value::as_str)
        .map(|s| s.chars().collect())
        .filter(|d: &Vec<char>| d.len() == 10)
        .unwrap_or_default();
    let num = |n: String| -> String {
        if digits.is_empty() {
            return n;
        }
        n.chars()
            .map(|c| c.to_digit(10).map_or(c, |i| digits[i as usize]))
            .collect()
    };
    Some(
        fmt.replace("{month}", month_name)
            .replace("{yyyy}", &num(format!("{y:04}")))
            .replace("{mm}", &num(format!("{m:02}")))
            .replace("{dd}", &num(format!("{d:02}")))
            .replace("{m}", &num(m.to_string()))
            .replace("{d}", &num(d.to_string())),
    )
}

pub use crate::dates::parse_us_date;

/// `uid:` front matter of source pages -> their article path.
pub fn uid_map(site: &Site) -> HashMap<String, String> {
    site.locale_pages(site.source_locale)
        .filter_map(|(_, p)| p.meta_str("uid").map(|u| (u, p.rel.clone())))
        .collect()
}

/// Per-build data derived from the site and theme: UI strings and labels per locale, uids.
pub struct Prepared {
    pub strings: Vec<BTreeMap<String, Value>>,
    /// Per locale: the part of every page's template context that is the same on each page
    /// of the locale (site, language, UI strings, languages), built once.
    pub bases: Vec<Value>,
    pub labels: Vec<Labels>,
    pub uids: HashMap<String, String>,
    /// Redirected articles and where they lead, for links to them.
    pub redirected: crate::markdown::links::Redirected,
    /// The redirect pages and `_redirects` rules, with their findings: collected once per
    /// build, for the links (`redirected`), the TOCs and [`site_pages`].
    pub redirects: (redirects::Redirects, Vec<Diagnostic>),
}

pub fn prepare(site: &Site, theme: &Theme, diags: &mut Vec<Diagnostic>) -> Prepared {
    let source_code = site.source_locale().code.clone();
    let strings: Vec<BTreeMap<String, Value>> = site
        .locales
        .iter()
        .map(|l| {
            let found = theme.strings_for(&l.code, &source_code);
            let file = format!(
                "{}/i18n/{}.yml",
                theme.origin,
                found.own.as_deref().unwrap_or(&l.code)
            );
            let instead = match &found.fallback {
                Some(f) => format!("using those of `{f}`"),
                None => "the theme has none for the source locale or `en-US` either".to_string(),
            };
            if found.own.is_none() {
                let which = if l.code == source_code {
                    " (the source locale)"
                } else {
                    ""
                };
                diags.push(
                    Diagnostic::new(
                        Kind::Locale,
                        format!("no UI strings for `{}`{which}; {instead}", l.code),
                    )
                    .in_file(file)
                    .hint("add a UI strings file for the locale or its language to the theme"),
                );
            } else if !found.missing.is_empty() {
                let fallback = found.fallback.as_deref().unwrap_or_default();
                diags.push(
                    Diagnostic::new(
                        Kind::Locale,
                        format!(
                            "UI strings {} missing for `{}`; using `{fallback}`",
                            found.missing.join(", "),
                            l.code
                        ),
                    )
                    .in_file(file)
                    .hint("add the keys to the locale's UI strings file"),
                );
            }
            found.strings
        })
        .collect();
    chrome::template_findings(site, diags);
    let labels = strings.iter().map(|s| labels_for(site, s)).collect();
    let bases = (0..site.locales.len())
        .map(|l| with_search_box(theme, base_context(site, l, &strings[l]), diags))
        .collect();
    // Its findings are reported with the redirect pages (`site_pages`).
    let mut redirect_diags = Vec::new();
    let mut redirects = redirects::collect(site, &mut redirect_diags);
    let redirected = std::mem::take(&mut redirects.redirected);
    Prepared {
        strings,
        bases,
        labels,
        uids: uid_map(site),
        redirected,
        redirects: (redirects, redirect_diags),
    }
}

/// Markdown of the given pages, in parallel.
pub fn render_bodies(
    site: &Site,
    prep: &Prepared,
    highlighter: &Highlighter,
    pages: &[PageId],
    done: &(dyn Fn() + Sync),
) -> Vec<Rendered> {
    let mctx = MarkdownCtx {
        site,
        highlighter,
        labels: &prep.labels,
        uids: &prep.uids,
        redirected: &prep.redirected,
    };
    pages
        .par_iter()
        .map(|&p| {
            panic_if_marked(&site.pages[p].source.text);
            let r = markdown::render(&mctx, p);
            done();
            r
        })
        .collect()
}

/// A test hook: when `HELPSITE_TEST_PANIC_MARKER` is set (and not empty), rendering a page
/// whose Markdown contains its value panics, in a rayon worker, in full and incremental builds
/// alike. `tests/suite/serve.rs` uses it to check that `serve` survives a panic in a rebuild, which no
/// real input should cause.
fn panic_if_marked(text: &str) {
    static MARKER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let marker = MARKER.get_or_init(|| {
        std::env::var("HELPSITE_TEST_PANIC_MARKER")
            .ok()
            .filter(|m| !m.is_empty())
    });
    if let Some(m) = marker {
        if text.contains(m.as_str()) {
            panic!("HELPSITE_TEST_PANIC_MARKER found in a page");
        }
    }
}

/// Links whose `#fragment` names no anchor of their target. Needs every page's anchors.
pub fn anchor_findings(site: &Site, bodies: &[Rendered]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (pid, b) in bodies.iter().enumerate() {
        for l in &b.links {
            let Some(f) = &l.fragment else { continue };
            // `#top` is the top of every page (HTML's "scroll to the fragment"), id or not.
            if f.is_empty() || f.starts_with("tab/") || f.eq_ignore_ascii_case("top") {
                continue;
            }
            // A shard has no bodies for other locales' pages: nothing to check against.
            if site.builds(l.target) && !bodies[l.target].anchors.contains(f) {
                let target = &site.pages[l.target];
                let where_ = if l.target == pid {
                    "this page".to_string()
                } else {
                    format!("`{}`", target.rel)
                };
                diags.push(
                    Diagnostic::new(Kind::MissingAnchor, format!("`#{f}` is not an anchor on {where_}"))
                        .at(&l.source, l.span.clone())
                        .hint("link to a heading id of the target page; headings get ids from their text, `{#id}` or `<a name>`"),
                );
            }
        }
    }
    diags
}

/// The bodies of the pages this build makes: the build cache's (`reused`, from the step
/// `bodies`) where there is one, the others rendered here; with the pages rendered anew.
pub fn complete_bodies(
    site: &Site,
    prep: &Prepared,
    highlighter: &Highlighter,
    mut reused: Vec<Option<Rendered>>,
    misses: &[PageId],
    done: &(dyn Fn() + Sync),
) -> Vec<Rendered> {
    let fresh = render_bodies(site, prep, highlighter, misses, done);
    highlighter.forget_lines();
    for (p, b) in misses.iter().zip(fresh) {
        reused[*p] = Some(b);
    }
    reused.into_iter().map(Option::unwrap_or_default).collect()
}

/// Checks the pages together and renders the pages that are not articles, once every body
/// is rendered ([`complete_bodies`]). `static_diags` are the findings of [`prepare`];
/// `body_keys` and `misses` are recorded for the build cache and the report.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    prep: Prepared,
    mut static_diags: Vec<Diagnostic>,
    mut bodies: Vec<Rendered>,
    body_keys: Option<(Vec<crate::cache::Key>, bool)>,
    misses: usize,
) -> RenderResult {
    let body_diags: Vec<Vec<Diagnostic>> = bodies
        .iter_mut()
        .map(|b| std::mem::take(&mut b.diags))
        .collect();
    let tocs = toc::build_all(site, &prep.redirected, &mut static_diags);
    let (graph, found) = content_findings(site, &tocs, &bodies);
    let (mut outputs, extra_diags) = site_pages(site, theme, &prep, &tocs);
    outputs.extend(
        tocs.fragments(site)
            .into_iter()
            .map(|(path, html)| Output { path, html }),
    );
    static_diags.extend(extra_diags);
    let diags = findings(&body_diags, found, &static_diags);
    RenderResult {
        outputs,
        body_keys,
        misses,
        diags,
        static_diags,
        body_diags,
        bodies,
        prep,
        tocs,
        graph,
    }
}

impl RenderResult {
    /// What the page templates read.
    pub fn env<'a>(&'a self, site: &'a Site, theme: &'a Theme) -> Env<'a> {
        Env {
            site,
            theme,
            strings: &self.prep.strings,
            bases: &self.prep.bases,
            tocs: &self.tocs,
            bodies: &self.bodies,
            graph: &self.graph,
        }
    }
}

/// Where an article page goes under the output folder.
pub fn page_path(site: &Site, pid: PageId) -> String {
    format!("{}index.html", site.pages[pid].url)
}

/// Findings that follow from the pages together (anchors, orphans, related articles) and the
/// link graph. Cheap enough to redo in full after every edit.
pub fn content_findings(
    site: &Site,
    tocs: &toc::Tocs,
    bodies: &[Rendered],
) -> (graph::Graph, Vec<Diagnostic>) {
    let mut diags = anchor_findings(site, bodies);
    // In the order `serve` redoes them after an edit (`session::content`).
    chrome::metadata_findings(site, &mut diags);
    graph::orphans(site, tocs, &mut diags);
    let graph = graph::build(site, bodies, &mut diags);
    (graph, diags)
}

/// The pages that are not articles: each locale's 404, the language chooser, the root 404,
/// redirect pages and `_redirects`. A 404 page carries its locale's navigation.
pub fn site_pages(
    site: &Site,
    theme: &Theme,
    prep: &Prepared,
    tocs: &toc::Tocs,
) -> (Vec<Output>, Vec<Diagnostic>) {
    let navs: Vec<Value> = (0..site.locales.len())
        .map(|l| locale_nav(site, tocs, l))
        .collect();
    let strings = &prep.strings;
    let (redirects, redirect_diags) = &prep.redirects;
    let mut diags = redirect_diags.clone();
    let mut outputs = Vec::new();
    let search_pages: Vec<Option<String>> = (0..site.locales.len())
        .map(|lid| match site.building[lid] {
            true => search_page_path(site, theme, lid, &mut diags),
            false => None,
        })
        .collect();
    let mut render = |name: &str, ctx: Value, path: String| match theme
        .tera
        .render(name, &tera::Context::from_value(ctx).unwrap_or_default())
    {
        Ok(html) => outputs.push(Output { path, html }),
        Err(e) => diags.push(theme::template_error(&theme.origin, e)),
    };
    for (lid, l) in site.locales.iter().enumerate() {
        if !site.building[lid] {
            continue;
        }
        render(
            "404.html",
            merge(prep.bases[lid].clone(), json!({ "locale_nav": navs[lid] })),
            format!("{}/404.html", l.slug),
        );
        if let Some(path) = search_pages[lid].clone() {
            let ctx = merge(prep.bases[lid].clone(), json!({"search_page": true}));
            render("search.html", ctx, path);
        }
    }
    for r in redirects.pages.iter().filter(|r| site.building[r.locale]) {
        let ctx = merge(prep.bases[r.locale].clone(), redirects::context(r));
        render("redirect.html", ctx, r.path.clone());
    }
    render(
        "root.html",
        root_context(site, &prep.bases),
        "index.html".into(),
    );
    let locales_404: Vec<Value> = site
        .locales
        .iter()
        .enumerate()
        .map(|(l, loc)| {
            let t = |k: &str| strings[l].get(k).cloned().unwrap_or(Value::Null);
            json!({
                "code": loc.code, "slug": loc.slug, "dir": loc.dir,
                "title": t("page_not_found"), "text": t("page_not_found_text"), "go_home": t("go_home"),
                "home": site.home_href(l),
                "search": search_context(site, l), "search_label": t("search"),
                "search_placeholder": t("search_placeholder"),
                "nav": navs[l], "nav_label": t("table_of_contents"),
            })
        })
        .collect();
    let root_404 = merge(
        prep.bases[site.source_locale].clone(),
        json!({"root_404": true, "locales_404": locales_404}),
    );
    render("404.html", root_404, "404.html".into());
    if !redirects.rules.is_empty() {
        outputs.push(Output {
            path: "_redirects".into(),
            html: redirects.rules.clone(),
        });
    }
    (outputs, diags)
}

/// Every finding of a render: the pages' own, those of the pages together (`content`), then
/// those of the theme, TOCs and redirects (`static_diags`).
pub fn findings(
    body_diags: &[Vec<Diagnostic>],
    content: Vec<Diagnostic>,
    static_diags: &[Diagnostic],
) -> Vec<Diagnostic> {
    let mut diags: Vec<Diagnostic> = body_diags.iter().flatten().cloned().collect();
    diags.extend(content);
    // Fallback pages repeat the source text: report each finding once.
    dedup(&mut diags);
    diags.extend(static_diags.iter().cloned());
    diags
}

pub fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert((d.kind, d.position(), d.message.clone())));
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
    a
}

/// A locale's navigation for pages outside its TOCs (the 404s): what every page of its home
/// page's TOC carries, with the fragment a deferred group loads from. `null` without a TOC.
fn locale_nav(site: &Site, tocs: &toc::Tocs, lid: usize) -> Value {
    let home = site.home_href(lid);
    let Some(pid) = site
        .locale_pages(lid)
        .map(|(p, _)| p)
        .find(|&p| site.href(p) == home)
    else {
        return Value::Null;
    };
    match tocs.of(pid) {
        Some(t) => json!({ "html": t.top_nav_html(), "fragment": tocs.fragment_href(site, pid) }),
        None => Value::Null,
    }
}

fn base_context(site: &Site, lid: usize, strings: &BTreeMap<String, Value>) -> Value {
    let cfg = &site.config.config;
    let l = &site.locales[lid];
    let home = site.home_href(lid);
    json!({
        "site": { "title": cfg.title, "base_path": cfg.base_path(), "base_url": cfg.base_url, "home": home },
        "lang": { "code": l.code, "name": l.name, "dir": l.dir, "slug": l.slug },
        "t": strings,
        "static": format!("{}_static/", cfg.base_path()),
        "languages": site.locales.iter().enumerate().map(|(i, o)| json!({"code": o.code, "name": o.name, "dir": o.dir, "href": site.home_href(i), "current": o.slug == l.slug})).collect::<Vec<_>>(),
        "search": search_context(site, lid),
    })
}

/// The theme's template of the header's search box, the same on every page of a locale.
const SEARCH_BOX: &str = "search-box.html";

/// A locale's base context with `search_box`: the theme's [`SEARCH_BOX`] rendered with it,
/// once per locale rather than on each page (its dozen UI strings and links cost a page about
/// as much as the rest of its header). Without the template, or when it fails (reported),
/// there is none.
fn with_search_box(theme: &Theme, mut base: Value, diags: &mut Vec<Diagnostic>) -> Value {
    if !theme.tera.get_template_names().any(|n| n == SEARCH_BOX) {
        return base;
    }
    let ctx = tera::Context::from_value(base.clone()).unwrap_or_default();
    match theme.tera.render(SEARCH_BOX, &ctx) {
        Ok(html) => {
            if let Value::Object(m) = &mut base {
                m.insert("search_box".into(), html.into());
            }
        }
        Err(e) => diags.push(theme::template_error(&theme.origin, e)),
    }
    base
}

/// Site-relative URL of a locale's search results page, without the base path.
fn search_page_url(site: &Site, lid: usize) -> String {
    format!("{}/search/", site.locales[lid].slug)
}

/// The article a locale publishes where its search results page goes, if any.
fn search_page_taken(site: &Site, lid: usize) -> Option<PageId> {
    let url = search_page_url(site, lid);
    site.locale_pages(lid)
        .find(|(_, p)| p.url == url)
        .map(|(p, _)| p)
}

/// What the theme's search box needs (`search` in every template): the folder of the locale's
/// index files (`index`), the script that reads them (`script`) and the results page (`page`;
/// null when an article is published at its URL: the article wins). Null with `search: false`.
fn search_context(site: &Site, lid: usize) -> Value {
    if !site.config.config.search {
        return Value::Null;
    }
    let base = site.config.config.base_path();
    let slug = &site.locales[lid].slug;
    let page = match search_page_taken(site, lid) {
        Some(_) => Value::Null,
        None => format!("{base}{}", search_page_url(site, lid)).into(),
    };
    json!({
        "index": format!("{base}{slug}/_search/"),
        "script": format!("{base}_static/search.js"),
        "page": page,
    })
}

/// Where locale `lid`'s search results page (`search.html`) is written, or `None`: search is
/// off, the theme has no such template, or an article is published at its URL (a warning; the
/// article wins).
fn search_page_path(
    site: &Site,
    theme: &Theme,
    lid: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if !site.config.config.search || !theme.tera.get_template_names().any(|n| n == "search.html") {
        return None;
    }
    let url = search_page_url(site, lid);
    if let Some(p) = search_page_taken(site, lid) {
        let page = &site.pages[p];
        diags.push(
            Diagnostic::new(
                Kind::DuplicateUrl,
                format!(
                    "`{}` is published at /{url}, where the search results page goes; the search results page is left out",
                    page.rel
                ),
            )
            .level(crate::diagnostics::Level::Warning)
            .in_file(page.source.display.clone())
            .hint("rename or move the article to have a search results page"),
        );
        return None;
    }
    Some(format!("{url}index.html"))
}

fn root_context(site: &Site, bases: &[Value]) -> Value {
    let src = site.source_locale;
    merge(
        bases[src].clone(),
        json!({ "source_slug": site.locales[src].slug }),
    )
}

/// Everything a page template needs from the whole site.
pub struct Env<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub strings: &'a [BTreeMap<String, Value>],
    /// [`Prepared::bases`].
    pub bases: &'a [Value],
    pub tocs: &'a toc::Tocs,
    pub bodies: &'a [Rendered],
    pub graph: &'a graph::Graph,
}

/// Renders `page.html` for page `pid` with its context.
pub fn render_template(env: &Env, pid: PageId, ctx: Value) -> Result<Output, Diagnostic> {
    let page = &env.site.pages[pid];
    let theme = env.theme;
    let html = theme
        .tera
        .render(
            "page.html",
            &tera::Context::from_value(ctx).unwrap_or_default(),
        )
        .map_err(|e| {
            theme::template_error(&theme.origin, e).in_file(page.source.display.clone())
        })?;
    Ok(Output {
        path: page_path(env.site, pid),
        html,
    })
}

/// Everything `page.html` gets for page `pid`. The page's HTML is a function of this value and
/// the templates, which is what the build cache keys pages by.
pub fn page_context(env: &Env, pid: PageId) -> Value {
    let Env {
        site,
        theme,
        strings,
        bases,
        tocs,
        bodies,
        graph,
    } = *env;
    let page = &site.pages[pid];
    let lid = page.locale;
    let s = &strings[lid];
    let toc = tocs.of(pid);
    let body = &bodies[pid];
    let cfg = &site.config.config;

    let breadcrumbs = tocs.breadcrumbs(site, pid);
    let pos = toc.and_then(|t| t.order_index.get(&pid).copied().map(|i| (t, i)));
    let neighbour =
        |p: Option<PageId>| p.map(|p| json!({"title": site.pages[p].title, "href": site.href(p)}));
    let prev = neighbour(pos.and_then(|(t, i)| i.checked_sub(1).map(|i| t.order[i])));
    let next = neighbour(pos.and_then(|(t, i)| t.order.get(i + 1).copied()));
    let outline: Vec<&markdown::Heading> = body
        .headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .collect();

    // The same article in every locale, for the switcher and hreflang.
    let article_pages: Vec<(usize, PageId)> = site
        .locales
        .iter()
        .enumerate()
        .filter_map(|(l, _)| site.lookup(l, &page.rel).map(|p| (l, p)))
        .collect();
    let languages: Vec<Value> = site
        .locales
        .iter()
        .enumerate()
        .map(|(l, loc)| {
            let target = article_pages.iter().find(|(x, _)| *x == l).map(|(_, p)| *p);
            json!({
                "code": loc.code, "name": loc.name, "dir": loc.dir,
                "href": target.map(|p| site.href(p)).unwrap_or_else(|| site.home_href(l)),
                "current": l == lid,
                "translated": target.is_some_and(|p| site.pages[p].state != PageState::Fallback),
            })
        })
        .collect();
    let abs = |p: PageId| format!("{}/{}", cfg.origin_and_base(), site.pages[p].url);
    let alternates: Vec<Value> = article_pages
        .iter()
        .filter(|(_, p)| site.pages[*p].state != PageState::Fallback)
        .map(|(l, p)| json!({"hreflang": site.locales[*l].code, "href": abs(*p)}))
        .collect();
    let x_default = article_pages
        .iter()
        .find(|(l, _)| *l == site.source_locale)
        .map(|(_, p)| abs(*p));

    let content_locale = &site.locales[page.content_locale(site)];
    let date = page.meta_str("ms.date").filter(|d| !d.trim().is_empty());
    let handoff = page
        .meta_str("ms.lasthandoff")
        .and_then(|d| format_date(&d, s));
    let (machine, stale) = match page.state {
        PageState::Translated { machine, stale } => (machine, stale),
        _ => (false, false),
    };
    // A translation carries its source's `ms.date`. On a stale one that date is the source's
    // update the translation lacks: "Updated" above "translated on <earlier date>" would
    // contradict itself, so the page shows only the notice's date.
    let date_display = date
        .as_deref()
        .filter(|_| !(stale && handoff.is_some()))
        .and_then(|d| format_date(d, s));
    let source_href = page.source_page.map(|p| site.href(p));
    let links = chrome::links(site, pid);
    merge(
        bases[lid].clone(),
        json!({
            "page": {
                "title": page.title,
                "description": page.meta_str("description").unwrap_or_default(),
                "href": site.href(pid),
                "url": abs(pid),
                "rel": page.rel,
                "meta": page.meta(),
                "date": date,
                "date_display": date_display,
                "date_iso": date.as_deref().and_then(parse_us_date).map(|(m, d, y)| format!("{y:04}-{m:02}-{d:02}")),
                "state": match page.state { PageState::Source => "source", PageState::Translated{..} => "translated", PageState::Fallback => "fallback" },
                "machine_translated": machine,
                "stale": stale,
                "handoff_display": handoff,
                "source_href": source_href,
                "content_lang": content_locale.code,
                "content_dir": content_locale.dir,
                "source_language": site.source_locale().name,
                "title_suffix": chrome::title_suffix(page.meta()),
                "robots": chrome::robots(page.meta()),
                "edit_url": links.edit,
                "feedback_issue_url": links.issue,
                "feedback_url": links.feedback,
                "product_feedback_url": links.product,
            },
            "content": body.html,
            "title_html": body.title.as_ref().map(|t| &t.1),
            "title_id": body.title.as_ref().map(|t| &t.0),
            "headings": outline,
            "linked_from": graph.incoming[pid].iter().map(|&p| json!({"title": site.pages[p].title, "href": site.href(p)})).collect::<Vec<_>>(),
            "related": graph.related[pid].iter().map(|&p| json!({"title": site.pages[p].title, "href": site.href(p)})).collect::<Vec<_>>(),
            "nav_html": toc.map(|t| t.nav_html(pid)).unwrap_or_default(),
            "nav": match toc { Some(t) if theme.uses_nav_tree => serde_json::to_value(t.nav(pid)).unwrap_or_default(), _ => Value::Null },
            "breadcrumbs": breadcrumbs,
            // What the theme's script needs to show another TOC for `?toc=...&bc=...`.
            "toc": {
                "fragment": tocs.fragment_href(site, pid),
                "base": format!("{}{}/", cfg.base_path(), site.locales[lid].slug),
                "roots": site.root_prefixes(lid),
            },
            "prev": prev,
            "next": next,
            "languages": languages,
            "alternates": alternates,
            "x_default": x_default,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let mut s = BTreeMap::new();
        s.insert("date_format".to_string(), json!("{d} {month} {yyyy}"));
        s.insert(
            "months".to_string(),
            json!([
                "januari",
                "februari",
                "mars",
                "april",
                "maj",
                "juni",
                "juli",
                "augusti",
                "september",
                "oktober",
                "november",
                "december"
            ]),
        );
        assert_eq!(
            format_date("11/02/2026", &s).as_deref(),
            Some("2 november 2026")
        );
        assert_eq!(format_date("02/30/2026", &s), None);
        assert_eq!(format_date("2026-11-02", &s), None);
        assert_eq!(parse_us_date("02/29/2024"), Some((2, 29, 2024)));
        s.insert("digits".to_string(), json!("٠١٢٣٤٥٦٧٨٩"));
        assert_eq!(
            format_date("11/02/2026", &s).as_deref(),
            Some("٢ november ٢٠٢٦")
        );
    }
}
