//! `helpsite.yml`: the site configuration. Unknown keys are errors, so a typo never passes
//! silently; every error names the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::source::{Source, SourceFile};

pub const CONFIG_FILE: &str = "helpsite.yml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name; for a DocFX repository, the docset's name when not set.
    #[serde(default)]
    pub title: String,
    /// Absolute URL of the published site; may carry a sub-path (`https://host/docs/`).
    pub base_url: String,
    /// Locale code of the language the articles are written in, e.g. `en-US`; for a DocFX
    /// repository, its publish configuration's `locale` when not set.
    #[serde(default)]
    pub source_locale: String,
    /// For a DocFX repository, when not set: one locale, the repository itself.
    #[serde(default)]
    pub locales: Vec<LocaleConfig>,
    /// Theme folder, relative to the site; `None` uses the theme built into the binary.
    #[serde(default)]
    pub theme: Option<PathBuf>,
    /// Folder holding one sub-folder per locale, relative to the site.
    #[serde(default = "default_content")]
    pub content: PathBuf,
    /// Level per check kind, e.g. `broken_link: error`.
    #[serde(default)]
    pub checks: BTreeMap<Kind, Level>,
    /// Extra alert kinds beside NOTE, TIP, IMPORTANT, CAUTION and WARNING.
    #[serde(default)]
    pub alerts: Vec<AlertConfig>,
    /// The monikers (product versions) of the site, in order, each a name or `{ name,
    /// display }`; with them, a page with moniker blocks gets a version picker (see `moniker`).
    #[serde(default)]
    pub monikers: Vec<MonikerConfig>,
    /// What to do with raw HTML written in articles: `allow` (trusted writers; DocFX content
    /// needs it), `sanitize` (an allow-list keeps safe markup, drops scripts and handlers) or
    /// `deny` (an error at its location).
    #[serde(default)]
    pub raw_html: RawHtml,
    /// Which URLs may be written (see `url_policy`): extra schemes, `data:` images, embed hosts.
    #[serde(default)]
    pub urls: UrlsConfig,
    /// The largest input file read (articles, includes, snippets, TOCs, redirects, UI strings):
    /// a number of bytes or a size such as `10 MiB`. A larger file is an `io` finding.
    #[serde(
        default = "default_max_file_size",
        deserialize_with = "deserialize_size"
    )]
    pub max_file_size: u64,
    /// DocFX docsets built in place (see `docset`): what their files do not say.
    #[serde(default)]
    pub docfx: DocfxConfig,
    /// Write the site even when documents have errors (DocFX's `continue_with_document_error`):
    /// each faulty construct is published as text and the run still exits 1. Configuration,
    /// theme and I/O errors stop the build either way. See [`crate::diagnostics::Kind::in_document`].
    #[serde(default)]
    pub keep_going: bool,
    /// Template of each page's "Edit this page" link, such as
    /// `https://github.com/org/repo/blob/main/{path}` (placeholders: see `link_template`);
    /// `None`: no link. Plain data, so a loader may also set it (from a repository's remote).
    #[serde(default)]
    pub edit_url: Option<String>,
    /// Template of each page's feedback link, such as
    /// `https://forms.example/docs?page={url}&title={title}`; page metadata naming a GitHub
    /// repository (`feedback_system: GitHub`, `feedback_github_repo`) takes precedence.
    #[serde(default)]
    pub feedback_url: Option<String>,
    /// Write a search index per locale (`/<locale>/_search/`, see `search`); `false` leaves
    /// it out (a theme then shows no search box).
    #[serde(default = "default_search")]
    pub search: bool,
}

fn default_search() -> bool {
    true
}

/// `docfx:` in helpsite.yml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocfxConfig {
    /// Where site-root links outside every docset of the site go (other docsets on the same
    /// host), `{locale}` standing for the reader's locale in lower case:
    /// `https://learn.microsoft.com/{locale}/`. Default: that address for a repository with a
    /// publish configuration; otherwise such links are written as they are.
    #[serde(default)]
    pub other_docsets: Option<String>,
    /// A docset's base path by docset name or folder, e.g. `Microsoft-365-docs: /microsoft-365/`;
    /// default: the first segment of `breadcrumb_path`, else the docset's folder name.
    #[serde(default)]
    pub base_paths: BTreeMap<String, String>,
    /// For a locale repository with no `locales:`, the source-language repository its missing
    /// files come from; default: the `_repo.<locale>` folder its publish configuration's
    /// `dependent_repositories` name, as the publishing system clones it, when it exists.
    #[serde(default)]
    pub source_repository: Option<PathBuf>,
}

/// Where Microsoft Learn publishes docsets; the default of `docfx: other_docsets` for a
/// repository with a publish configuration.
pub const LEARN_HOST: &str = "https://learn.microsoft.com/{locale}/";

/// Schemes that are always acceptable; anything else must be listed under `urls: schemes:`.
pub const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Schemes that run script or render content of the writer's choosing in the reader's
/// browser. `urls: schemes:` cannot list them; `data:` images are the one configurable
/// exception (`urls: data_images: true`).
pub const SCRIPT_SCHEMES: [&str; 5] = ["javascript", "vbscript", "livescript", "mocha", "data"];

/// Embed hosts when `urls: embed_hosts:` is not set: the video hosts DocFX's `[!VIDEO]` is
/// written for.
pub const DEFAULT_EMBED_HOSTS: [&str; 9] = [
    "www.youtube.com",
    "youtube.com",
    "www.youtube-nocookie.com",
    "youtube-nocookie.com",
    "player.vimeo.com",
    "learn-video.azurefd.net",
    "www.microsoft.com",
    "channel9.msdn.com",
    "learn.microsoft.com",
];

/// `urls:` in helpsite.yml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlsConfig {
    /// Allow `data:image/...` URLs as image sources (off: a `data:` URL is an `unsafe_url`).
    #[serde(default)]
    pub data_images: bool,
    /// Schemes allowed beside http, https, mailto and tel (for example `ms-settings`).
    #[serde(default)]
    pub schemes: Vec<String>,
    /// Hosts whose pages `<iframe>` and `[!VIDEO]` may embed under `raw_html: sanitize|deny`.
    #[serde(default = "default_embed_hosts")]
    pub embed_hosts: Vec<String>,
}

impl Default for UrlsConfig {
    fn default() -> Self {
        UrlsConfig {
            data_images: false,
            schemes: Vec::new(),
            embed_hosts: default_embed_hosts(),
        }
    }
}

fn default_embed_hosts() -> Vec<String> {
    DEFAULT_EMBED_HOSTS.iter().map(|h| h.to_string()).collect()
}

fn default_max_file_size() -> u64 {
    crate::source::DEFAULT_MAX_FILE_SIZE
}

/// `1048576`, `"512 KiB"`, `"10MiB"`, `"1 GB"`: binary and decimal units, case-insensitive.
/// A visitor rather than an untagged enum, so the YAML parser keeps the error's position.
fn deserialize_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct SizeVisitor;
    impl serde::de::Visitor<'_> for SizeVisitor {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number of bytes or a size such as `10 MiB`")
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }
        fn visit_str<E: serde::de::Error>(self, t: &str) -> Result<u64, E> {
            parse_size(t).ok_or_else(|| {
                E::custom(format!(
                    "`{t}` is not a size: write a number of bytes or, for example, `10 MiB`"
                ))
            })
        }
    }
    d.deserialize_any(SizeVisitor)
}

pub(crate) fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: u64 = t[..split].parse().ok()?;
    let unit: u64 = match t[split..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return None,
    };
    n.checked_mul(unit)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    #[default]
    Allow,
    Sanitize,
    Deny,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocaleConfig {
    /// BCP 47 code, e.g. `sv-SE`. Its lower-case form names the folder and the URL prefix.
    pub code: String,
    /// The language's own name, shown in the language switcher (`Svenska`).
    pub name: String,
    /// Folder of this locale's articles; defaults to `<content>/<code lower-case>`. May point
    /// outside the site (a separate checkout of a localized repository).
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Text direction; defaults to `rtl` for Arabic, Hebrew, Persian and Urdu.
    #[serde(default)]
    pub dir: Option<TextDir>,
    /// This locale's `edit_url` (a locale folder that is a checkout of its own repository).
    #[serde(default)]
    pub edit_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDir {
    Ltr,
    Rtl,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertConfig {
    /// The marker, as in `> [!SECURITY]`; matched case-insensitively.
    pub name: String,
    /// Key of the title in the theme's UI strings; defaults to `alert_<name lower-case>`.
    #[serde(default)]
    pub title_key: Option<String>,
    /// Look borrowed from a built-in kind (`note`, `tip`, `important`, `caution`, `warning`).
    #[serde(default = "default_alert_style")]
    pub style: String,
}

fn default_content() -> PathBuf {
    PathBuf::from("content")
}

fn default_alert_style() -> String {
    "note".into()
}

impl LocaleConfig {
    pub fn folder_name(&self) -> String {
        self.code.to_ascii_lowercase()
    }

    pub fn text_dir(&self) -> TextDir {
        if let Some(d) = self.dir {
            return d;
        }
        let lang = self
            .code
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ckb" => TextDir::Rtl,
            _ => TextDir::Ltr,
        }
    }
}

/// The loaded configuration plus where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub source: Source,
    /// The site folder: every relative path in the config is resolved against it.
    pub root: PathBuf,
    /// The DocFX configuration found in the site folder itself (a repository or docset built
    /// in place), read once here; `load` reuses it for the locale whose folder it is.
    pub docfx: Option<crate::docset::Discovered>,
    /// Folders never read as content though they lie in a locale's folder: the output and
    /// cache folders (a DocFX repository built in place holds `public/` beside its docsets).
    pub exclude: Vec<PathBuf>,
}

impl LoadedConfig {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.config.content)
    }

    pub fn locale_dir(&self, locale: &LocaleConfig) -> PathBuf {
        match &locale.path {
            Some(p) => self.root.join(p),
            None => self.content_dir().join(locale.folder_name()),
        }
    }

    pub fn max_file_size(&self) -> u64 {
        self.config.max_file_size
    }

    pub fn theme_dir(&self) -> Option<PathBuf> {
        self.config.theme.as_ref().map(|t| self.root.join(t))
    }
}

/// Reads and validates `<root>/helpsite.yml`.
pub fn load(root: &Path) -> Result<LoadedConfig, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    let display = CONFIG_FILE.to_string();
    // Read like any other input: a regular file, bounded by the default size (the configured
    // one is not known yet).
    // A DocFX repository or docset builds in place, with or without a helpsite.yml.
    let docfx = if root.join(crate::docset::PUBLISH_CONFIG).exists()
        || root.join(crate::docset::DOCFX_JSON).exists()
    {
        let base_paths = BTreeMap::new();
        let found =
            crate::docset::discover(root, "", &base_paths, crate::source::DEFAULT_MAX_FILE_SIZE)?;
        found.is_docfx().then_some(found)
    } else {
        None
    };
    let read = crate::source::read_regular(&path, Some(crate::source::DEFAULT_MAX_FILE_SIZE));
    let bytes = match (read, &docfx) {
        (Err(crate::source::ReadError::Io(e)), Some(found))
            if e.kind() == std::io::ErrorKind::NotFound =>
        {
            implied().into_bytes()
        }
        (read, _) => read.map_err(|e| match e {
            crate::source::ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Diagnostic::new(
                    Kind::Config,
                    format!("no {CONFIG_FILE} in {}", root.display()),
                )
                .in_file(path.display().to_string())
                .hint("run `helpsite init DIR` to create a site, or pass `--site DIR`")
            }
            e => Diagnostic::new(Kind::Config, format!("cannot read {}: {e}", path.display()))
                .in_file(path.display().to_string())
                .hint("run `helpsite init DIR` to create a site, or pass `--site DIR`"),
        })?,
    };
    let text = crate::source::decode(&bytes).map_err(|bad| {
        let source = SourceFile::new(path.clone(), display.clone(), bad.text);
        Diagnostic::new(Kind::Config, "helpsite.yml is not UTF-8 text")
            .at(&source, bad.span)
            .hint("save the file as UTF-8")
    })?;
    let source = SourceFile::new(path, display, text);
    let config: Config = crate::source::yaml::from_str(&source.text).map_err(|e| {
        let message = e.message;
        let mut d = Diagnostic::new(Kind::Config, format!("invalid configuration: {message}"))
            .at(&source, e.offset..e.offset + 1);
        if message.contains("unknown field") {
            d = d.hint("see the configuration section of the README for the accepted keys");
        }
        d
    })?;
    let mut loaded = LoadedConfig {
        config,
        source,
        root: root.to_path_buf(),
        docfx,
        exclude: vec![root.join("public"), root.join(".helpsite-cache")],
    };
    if let Some(found) = &loaded.docfx {
        fill_from_docfx(&mut loaded.config, root, found);
        // The publishing system publishes despite document errors when the repository says
        // so; a `keep_going:` written in helpsite.yml wins.
        let written = crate::source::yaml::top_level_key_lines(&loaded.source.text, "keep_going")
            .next()
            .is_some();
        if !written
            && found
                .publish
                .as_ref()
                .is_some_and(|p| p.continue_with_document_error)
        {
            loaded.config.keep_going = true;
        }
    }
    validate(&loaded)?;
    Ok(loaded)
}

/// The configuration of a DocFX repository or docset that has no helpsite.yml; the rest comes
/// from its DocFX files (see [`fill_from_docfx`]).
fn implied() -> String {
    "# Implied by the DocFX configuration of this folder: write a helpsite.yml to change it.\n\
     base_url: /\n"
        .to_string()
}

/// Fills what a helpsite.yml beside DocFX configuration left out: the title (the docset's
/// name), the locale (the publish configuration's, else `en-US`) with the folder itself as its
/// content, and where links to other docsets go.
fn fill_from_docfx(config: &mut Config, root: &Path, found: &crate::docset::Discovered) {
    let first = found.docsets.iter().find(|d| d.is_docfx);
    let publish_locale = found
        .publish
        .as_ref()
        .and_then(|p| p.docsets_to_publish.iter().find_map(|d| d.locale.clone()));
    if config.title.trim().is_empty() {
        config.title = first
            .map(|d| d.name.replace(['-', '_'], " "))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Documentation".into());
    }
    if config.locales.is_empty() {
        let own = publish_locale.unwrap_or_else(|| "en-US".into());
        // A locale repository names its source-language repository.
        let source_repo = config.docfx.source_repository.clone().or_else(|| {
            let p = found.publish.as_ref()?;
            p.dependent_repositories
                .iter()
                .map(|d| d.path_to_root.trim_matches('/'))
                .find(|p| p.to_ascii_lowercase().starts_with("_repo.") && root.join(p).is_dir())
                .map(PathBuf::from)
        });
        if let Some(repo) = source_repo {
            // The source repository's own publish configuration says its locale; a copy of
            // another locale's tree placed there is known by the folder's name.
            let by_name = repo
                .file_name()
                .and_then(|n| n.to_string_lossy().get(6..).map(locale_case));
            let code = source_locale_of(&root.join(&repo))
                .filter(|c| !c.eq_ignore_ascii_case(&own))
                .or(by_name)
                .unwrap_or_else(|| "en-US".into());
            if !code.eq_ignore_ascii_case(&own) {
                config.locales.push(LocaleConfig {
                    name: native_name(&code).unwrap_or(&code).to_string(),
                    code: code.clone(),
                    path: Some(repo),
                    dir: None,
                    edit_url: None,
                });
                if config.source_locale.is_empty() {
                    config.source_locale = code;
                }
            }
        }
        config.locales.push(LocaleConfig {
            name: native_name(&own).unwrap_or(&own).to_string(),
            code: own,
            path: Some(PathBuf::from(".")),
            dir: None,
            edit_url: None,
        });
    }
    if config.source_locale.is_empty() {
        config.source_locale = config.locales[0].code.clone();
    }
    // "Edit this page" goes to the repository writers contribute to, as on Microsoft Learn.
    if config.edit_url.is_none() {
        if let Some(p) = &found.publish {
            if let Some(url) = &p.git_repository_url_open_to_public_contributors {
                let branch = p
                    .git_repository_branch_open_to_public_contributors
                    .as_deref()
                    .unwrap_or("main");
                config.edit_url = Some(format!(
                    "{}/blob/{branch}/{{locale_path}}",
                    url.trim_end_matches('/').trim_end_matches(".git")
                ));
            }
        }
    }
    if config.docfx.other_docsets.is_none() && found.publish.is_some() {
        config.docfx.other_docsets = Some(LEARN_HOST.to_string());
    }
}

/// The `locale` of a repository's publish configuration, if it has one that says.
fn source_locale_of(repo: &Path) -> Option<String> {
    let found = crate::docset::discover(
        repo,
        "",
        &BTreeMap::new(),
        crate::source::DEFAULT_MAX_FILE_SIZE,
    )
    .ok()?;
    found
        .publish?
        .docsets_to_publish
        .into_iter()
        .find_map(|d| d.locale)
}

/// `en-us` -> `en-US`, `zh-hant-tw` -> `zh-hant-TW`: a locale code as BCP 47 writes it.
fn locale_case(code: &str) -> String {
    let mut parts = code.split('-');
    let mut out = parts.next().unwrap_or("").to_ascii_lowercase();
    for p in parts {
        out.push('-');
        if p.len() == 2 {
            out.push_str(&p.to_ascii_uppercase());
        } else {
            out.push_str(&p.to_ascii_lowercase());
        }
    }
    out
}

/// The name of a language in itself, for the locales Microsoft Learn publishes.
pub fn native_name(code: &str) -> Option<&'static str> {
    let lang = code.to_ascii_lowercase();
    Some(match lang.as_str() {
        "en-us" | "en" => "English",
        "en-gb" => "English (United Kingdom)",
        "ar-sa" | "ar" => "العربية",
        "cs-cz" | "cs" => "Čeština",
        "da-dk" | "da" => "Dansk",
        "de-de" | "de" => "Deutsch",
        "el-gr" | "el" => "Ελληνικά",
        "es-es" | "es" => "Español",
        "fi-fi" | "fi" => "Suomi",
        "fr-fr" | "fr" => "Français",
        "he-il" | "he" => "עברית",
        "hu-hu" | "hu" => "Magyar",
        "id-id" | "id" => "Bahasa Indonesia",
        "it-it" | "it" => "Italiano",
        "ja-jp" | "ja" => "日本語",
        "ko-kr" | "ko" => "한국어",
        "nb-no" | "nb" => "Norsk bokmål",
        "nl-nl" | "nl" => "Nederlands",
        "pl-pl" | "pl" => "Polski",
        "pt-br" => "Português (Brasil)",
        "pt-pt" | "pt" => "Português (Portugal)",
        "ru-ru" | "ru" => "Русский",
        "sv-se" | "sv" => "Svenska",
        "th-th" | "th" => "ไทย",
        "tr-tr" | "tr" => "Türkçe",
        "uk-ua" | "uk" => "Українська",
        "zh-cn" => "中文 (简体)",
        "zh-tw" => "中文 (繁體)",
        _ => return None,
    })
}

fn key_span(source: &Source, key: &str) -> std::ops::Range<usize> {
    crate::source::yaml::top_level_key_lines(&source.text, key)
        .next()
        .map(|(i, _)| i..i + key.len())
        .unwrap_or(0..0)
}

fn validate(c: &LoadedConfig) -> Result<(), Diagnostic> {
    let cfg = &c.config;
    let err = |key: &str, msg: String| {
        Diagnostic::new(Kind::Config, msg).at(&c.source, key_span(&c.source, key))
    };
    if cfg.locales.is_empty() {
        return Err(err("locales", "`locales` lists no locale".into()));
    }
    if !cfg
        .locales
        .iter()
        .any(|l| l.code.eq_ignore_ascii_case(&cfg.source_locale))
    {
        return Err(err(
            "source_locale",
            format!(
                "source_locale `{}` is not one of the `locales`",
                cfg.source_locale
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for l in &cfg.locales {
        if !valid_locale_code(&l.code) {
            return Err(err(
                "locales",
                format!("`{}` is not a locale code such as `en-US`", l.code),
            )
            .hint("use a BCP 47 tag: language, then optional script and region, joined by `-`"));
        }
        if !seen.insert(l.folder_name()) {
            return Err(err(
                "locales",
                format!("locale `{}` is listed twice", l.code),
            ));
        }
    }
    if !(cfg.base_url.starts_with("http://")
        || cfg.base_url.starts_with("https://")
        || cfg.base_url.starts_with('/'))
    {
        return Err(err(
            "base_url",
            format!("base_url `{}` is not an absolute URL", cfg.base_url),
        )
        .hint("for example `https://help.example.com/` or `https://example.github.io/docs/`"));
    }
    for s in &cfg.urls.schemes {
        let lower = s.to_ascii_lowercase();
        let token = lower
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
            && lower
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !token {
            return Err(err(
                "urls",
                format!("`{s}` in `urls: schemes` is not a URL scheme"),
            )
            .hint("write the scheme without `:`, for example `ms-settings`"));
        }
        if SCRIPT_SCHEMES.contains(&lower.as_str()) {
            return Err(err(
                "urls",
                format!(
                    "`urls: schemes` cannot allow `{s}:`: it runs script in the reader's browser"
                ),
            )
            .hint("`data:` images are allowed with `urls: { data_images: true }`"));
        }
    }
    validate_link_templates(c)
}

/// `edit_url` and `feedback_url`: known placeholders only, and `{path}` only where each page's
/// file lies inside the site folder. Whether the URL may be written is `url_policy`'s call,
/// made when the site renders. Public for loaders that set the templates from code.
pub fn validate_link_templates(c: &LoadedConfig) -> Result<(), Diagnostic> {
    use crate::link_template as lt;
    let cfg = &c.config;
    let mut templates: Vec<(&str, &str)> = Vec::new();
    templates.extend(cfg.edit_url.as_deref().map(|t| ("edit_url", t)));
    templates.extend(cfg.feedback_url.as_deref().map(|t| ("feedback_url", t)));
    for l in &cfg.locales {
        templates.extend(l.edit_url.as_deref().map(|t| ("locales", t)));
    }
    for (key, t) in &templates {
        if let Err(e) = lt::placeholders(t) {
            let key = if *key == "locales" { "edit_url" } else { key };
            return Err(Diagnostic::new(Kind::Config, format!("`{key}`: {e}"))
                .at(&c.source, template_span(&c.source, t, key))
                .hint("placeholders: {path}, {locale_path}, {title}, {url}"));
        }
    }
    for l in &cfg.locales {
        let dir = c.locale_dir(l);
        if lt::relative_to(&c.root, &dir).is_some() {
            continue;
        }
        let edit = l.edit_url.as_deref().or(cfg.edit_url.as_deref());
        for (key, t) in [
            ("edit_url", edit),
            ("feedback_url", cfg.feedback_url.as_deref()),
        ] {
            if let Some(t) = t.filter(|t| lt::uses(t, "path")) {
                return Err(Diagnostic::new(
                    Kind::Config,
                    format!(
                        "`{key}` uses {{path}}, but the folder of locale `{}` ({}) is outside the site folder",
                        l.code,
                        dir.display()
                    ),
                )
                .at(&c.source, template_span(&c.source, t, key))
                .hint("use {locale_path} (the file's path in its locale folder), or give the locale its own `edit_url`"));
            }
        }
    }
    Ok(())
}

/// Where `template` is written in helpsite.yml (its first occurrence), else the key `key`.
fn template_span(source: &Source, template: &str, key: &str) -> std::ops::Range<usize> {
    match source.text.find(template) {
        Some(i) if !template.is_empty() => i..i + template.len(),
        _ => key_span(source, key),
    }
}

fn valid_locale_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Config {
    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let rest = self
            .base_url
            .split_once("://")
            .map(|(_, r)| r.split_once('/').map(|(_, p)| p).unwrap_or(""))
            .unwrap_or(self.base_url.trim_start_matches('/'));
        let p = rest.trim_matches('/');
        if p.is_empty() {
            "/".into()
        } else {
            format!("/{p}/")
        }
    }

    /// `base_url` without a trailing slash, for absolute URLs (sitemap, canonical links).
    pub fn origin_and_base(&self) -> String {
        self.base_url.trim_end_matches('/').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<LoadedConfig, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), yaml).unwrap();
        load(dir.path())
    }

    const OK: &str = "title: T\nbase_url: https://h.example/docs\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n  - code: ar-SA\n    name: العربية\n";

    #[test]
    fn base_path_and_direction() {
        let c = parse(OK).unwrap();
        assert_eq!(c.config.base_path(), "/docs/");
        assert_eq!(c.config.locales[1].text_dir(), TextDir::Rtl);
        assert_eq!(c.config.locales[0].text_dir(), TextDir::Ltr);
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let e = parse(&format!("{OK}colour: red\n")).unwrap_err();
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col().unwrap().0, 9);
    }

    /// A repeated key is reported at its own line, not at the start of its mapping (1:1).
    #[test]
    fn duplicate_key_names_its_own_line() {
        let e = parse(&format!("{OK}title: Again\n")).unwrap_err();
        assert!(
            e.message.contains("duplicate field `title`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col().unwrap(), (9, 1));
        // In a locale's entry: the second `name` (line 7), column 5.
        let nested = OK.replace(
            "    name: English\n",
            "    name: English\n    name: Engelska\n",
        );
        let e = parse(&nested).unwrap_err();
        assert!(
            e.message.contains("duplicate field `name`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col().unwrap(), (7, 5));
    }

    #[test]
    fn url_schemes_must_be_schemes_and_not_script_ones() {
        let c = parse(&format!("{OK}urls:\n  schemes: [ms-settings]\n")).unwrap();
        assert_eq!(c.config.urls.schemes, vec!["ms-settings"]);
        assert!(!c.config.urls.data_images);
        assert!(c
            .config
            .urls
            .embed_hosts
            .iter()
            .any(|h| h == "www.youtube.com"));
        let e = parse(&format!("{OK}urls:\n  schemes: [JavaScript]\n")).unwrap_err();
        assert!(
            e.message.contains("cannot allow `JavaScript:`"),
            "{}",
            e.message
        );
        assert_eq!(e.line_col(), Some((9, 1)));
        let e = parse(&format!("{OK}urls:\n  schemes: [\"ms settings:\"]\n")).unwrap_err();
        assert!(e.message.contains("is not a URL scheme"), "{}", e.message);
    }

    #[test]
    fn source_locale_must_be_listed() {
        let e = parse(&OK.replace("source_locale: en-US", "source_locale: de-DE")).unwrap_err();
        assert!(e.message.contains("de-DE"));
        assert_eq!(e.line_col(), Some((3, 1)));
    }

    #[test]
    fn link_templates_name_known_placeholders_and_files_inside_the_site() {
        let c = parse(&format!(
            "{OK}edit_url: https://github.com/o/r/blob/main/{{path}}\nfeedback_url: \"mailto:docs@h.example?subject={{title}}\"\n"
        ))
        .unwrap();
        assert_eq!(
            c.config.edit_url.as_deref(),
            Some("https://github.com/o/r/blob/main/{path}")
        );
        let e = parse(&format!(
            "{OK}edit_url: https://x.example/{{branch}}/{{path}}\n"
        ))
        .unwrap_err();
        assert_eq!(e.message, "`edit_url`: `{branch}` is not a placeholder");
        assert_eq!(e.line_col(), Some((9, 11)));
        // A locale folder outside the site: `{path}` cannot name its files, `{locale_path}` can.
        let outside = OK.replace(
            "    name: العربية\n",
            "    name: العربية\n    path: ../ar-repo/docs\n",
        );
        let e = parse(&format!("{outside}edit_url: https://x.example/{{path}}\n")).unwrap_err();
        assert!(
            e.message
                .contains("uses {path}, but the folder of locale `ar-SA`"),
            "{}",
            e.message
        );
        let own = outside.replace(
            "    path: ../ar-repo/docs\n",
            "    path: ../ar-repo/docs\n    edit_url: https://x.example/ar/{locale_path}\n",
        );
        let c = parse(&format!("{own}edit_url: https://x.example/{{path}}\n")).unwrap();
        assert_eq!(
            c.config.locales[1].edit_url.as_deref(),
            Some("https://x.example/ar/{locale_path}")
        );
    }
}

/// One entry of `monikers:`: a moniker's name (`o365-worldwide`), and the name readers see
/// (`Office 365 (worldwide)`); the plain form `- o365-worldwide` has no display name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "MonikerEntry")]
pub struct MonikerConfig {
    pub name: String,
    pub display: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MonikerEntry {
    Name(String),
    Full(MonikerFull),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonikerFull {
    name: String,
    #[serde(default)]
    display: Option<String>,
}

impl From<MonikerEntry> for MonikerConfig {
    fn from(e: MonikerEntry) -> Self {
        match e {
            MonikerEntry::Name(name) => MonikerConfig {
                name,
                display: None,
            },
            MonikerEntry::Full(MonikerFull { name, display }) => MonikerConfig { name, display },
        }
    }
}
