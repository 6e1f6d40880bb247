//! DocFX docsets as the publishing system reads them: a repository's
//! `.openpublishing.publish.config.json` names its docsets (`build_source_folder`, `locale`,
//! `moniker_ranges`), and each docset's `docfx.json` says which files are published
//! (`build.content` and `build.resource` globs with `exclude`, `src`, `dest`, `group`) and the
//! metadata every page gets (`globalMetadata`, then `fileMetadata` by glob).
//!
//! A folder with neither file is one implicit docset that publishes everything, so a helpsite
//! site and a DocFX repository load into the same [`crate::site::Site`] and nothing after
//! `load` asks which it was. [`discover`] reads the two files; the rest is pure.

use std::path::Path;

use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind};
use crate::source::Source;

/// The publish configuration of a DocFX repository.
pub const PUBLISH_CONFIG: &str = ".openpublishing.publish.config.json";
/// A docset's build configuration.
pub const DOCFX_JSON: &str = "docfx.json";

/// `.openpublishing.publish.config.json`, the parts helpsite uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublishConfig {
    pub docsets_to_publish: Vec<PublishDocset>,
    /// Publish a page with its document errors shown as text rather than fail the build.
    pub continue_with_document_error: bool,
    pub dependent_repositories: Vec<DependentRepository>,
    /// The public repository writers edit (localized repositories name the English one).
    pub git_repository_url_open_to_public_contributors: Option<String>,
    pub git_repository_branch_open_to_public_contributors: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublishDocset {
    pub docset_name: String,
    pub build_source_folder: String,
    pub locale: Option<String>,
    pub moniker_ranges: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DependentRepository {
    pub path_to_root: String,
    pub url: String,
    pub branch: Option<String>,
}

/// `docfx.json`, the parts helpsite uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct DocfxJson {
    build: Build,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Build {
    content: Vec<FileGroup>,
    resource: Vec<FileGroup>,
    global_metadata: Map<String, Value>,
    file_metadata: Map<String, Value>,
    groups: Map<String, Value>,
}

/// One entry of `build.content` or `build.resource`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct FileGroup {
    #[serde(deserialize_with = "one_or_many")]
    files: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    exclude: Vec<String>,
    src: Option<String>,
    dest: Option<String>,
    group: Option<String>,
}

/// DocFX accepts a single glob where it takes a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
}

/// Which files of a docset a list of file groups selects, and where each is published.
#[derive(Debug, Clone)]
pub enum Selection {
    /// A folder without `docfx.json`: every file (articles are told from includes as before).
    All,
    Groups(Vec<Group>),
}

#[derive(Debug, Clone)]
pub struct Group {
    files: GlobSet,
    exclude: GlobSet,
    /// Folder of the files, relative to the docset folder (`""` for the docset itself).
    src: String,
    /// Folder they are published under, relative to the docset's base path.
    dest: String,
}

impl Selection {
    /// Where `rel` (relative to the docset folder) is published, relative to the docset's
    /// base path; `None` when no group selects it. The first group that selects a file wins,
    /// as in DocFX.
    pub fn place(&self, rel: &str) -> Option<String> {
        match self {
            Selection::All => Some(rel.to_string()),
            Selection::Groups(groups) => groups.iter().find_map(|g| {
                let inner = strip_folder(rel, &g.src)?;
                (g.files.is_match(inner) && !g.exclude.is_match(inner))
                    .then(|| join(&g.dest, inner))
            }),
        }
    }

    /// The file (relative to the docset folder) published at `placed`, among `candidates`
    /// (`rel` -> ...): the inverse of [`Selection::place`] for one group's `dest`.
    pub fn source_of(&self, placed: &str) -> Vec<String> {
        match self {
            Selection::All => vec![placed.to_string()],
            Selection::Groups(groups) => groups
                .iter()
                .filter_map(|g| strip_folder(placed, &g.dest).map(|inner| join(&g.src, inner)))
                .collect(),
        }
    }
}

/// One docset of a locale: its folder, its URL base path, what it publishes and the metadata
/// its pages get.
#[derive(Debug, Clone)]
pub struct Docset {
    /// `docset_name` of the publish configuration (the folder name when there is none).
    pub name: String,
    /// Folder relative to the locale's root, `/`-separated, `""` for the root itself.
    pub folder: String,
    /// URL path the docset is published under inside its locale, without slashes at either
    /// end (`microsoft-365`), `""` for none.
    pub base: String,
    pub content: Selection,
    pub resource: Selection,
    pub global_metadata: Map<String, Value>,
    /// Per key, globs (relative to the docset folder) with their values; a later glob that
    /// matches wins.
    file_metadata: Vec<(String, Vec<(GlobMatcher, Value)>)>,
    /// `moniker_ranges` of the publish configuration.
    pub moniker_ranges: Vec<String>,
    /// The docset has a `docfx.json`: a DocFX docset rather than a plain helpsite folder.
    pub is_docfx: bool,
}

impl Docset {
    /// The implicit docset of a folder without DocFX configuration: everything, at the root.
    pub fn plain() -> Docset {
        Docset {
            name: String::new(),
            folder: String::new(),
            base: String::new(),
            content: Selection::All,
            resource: Selection::All,
            global_metadata: Map::new(),
            file_metadata: Vec::new(),
            moniker_ranges: Vec::new(),
            is_docfx: false,
        }
    }

    /// `rel` (relative to the locale root) relative to this docset's folder, if inside it.
    pub fn inner<'a>(&self, rel: &'a str) -> Option<&'a str> {
        strip_folder(rel, &self.folder)
    }

    /// The path, relative to the locale's URL prefix, where the content file `rel` (relative
    /// to the locale root) is published, before any page-URL mapping: `None` when the docset's
    /// content globs do not select it.
    pub fn content_place(&self, rel: &str) -> Option<String> {
        self.content
            .place(self.inner(rel)?)
            .map(|p| join(&self.base, &p))
    }

    /// The same for a resource (image, download): `None` when it is not published.
    pub fn resource_place(&self, rel: &str) -> Option<String> {
        let inner = self.inner(rel)?;
        let placed = match &self.resource {
            // A plain folder publishes every non-Markdown file; a DocFX docset publishes what
            // `resource` selects, and also non-Markdown files that `content` selects (YAML
            // pages and TOCs are content in DocFX).
            Selection::All => Some(inner.to_string()),
            sel => sel.place(inner).or_else(|| {
                (!crate::paths::is_markdown(inner)).then(|| self.content.place(inner))?
            }),
        }?;
        Some(join(&self.base, &placed))
    }

    /// The metadata a page at `rel` (relative to the locale root) gets before its own front
    /// matter: `globalMetadata`, then every `fileMetadata` key whose glob matches, the last
    /// matching glob winning.
    pub fn metadata_for(&self, rel: &str) -> Map<String, Value> {
        let mut out = self.global_metadata.clone();
        let Some(inner) = self.inner(rel) else {
            return out;
        };
        for (key, globs) in &self.file_metadata {
            if let Some((_, v)) = globs.iter().rev().find(|(g, _)| g.is_match(inner)) {
                out.insert(key.clone(), v.clone());
            }
        }
        out
    }

    /// The locale-root-relative files that may be published at `placed` (relative to the
    /// locale's URL prefix, e.g. `microsoft-365/admin/x.md`): `None` when `placed` is outside
    /// this docset's base path.
    pub fn sources_of(&self, placed: &str, content: bool) -> Option<Vec<String>> {
        let inner = strip_folder(placed, &self.base)?;
        let sel = if content {
            &self.content
        } else {
            &self.resource
        };
        Some(
            sel.source_of(inner)
                .into_iter()
                .map(|s| join(&self.folder, &s))
                .collect(),
        )
    }
}

/// What a locale's folder holds: its docsets, and the publish configuration when there is one.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub docsets: Vec<Docset>,
    pub publish: Option<PublishConfig>,
}

impl Discovered {
    /// Whether the folder is a DocFX repository or docset.
    pub fn is_docfx(&self) -> bool {
        self.docsets.iter().any(|d| d.is_docfx)
    }
}

/// Reads the DocFX configuration of the folder `root`: the docsets its publish configuration
/// lists (each with its `docfx.json`), else the folder itself when it holds a `docfx.json`,
/// else one plain docset. `base_paths` overrides a docset's base path by docset name or folder
/// (any case). A file that cannot be read or parsed is a `config` finding: nothing can be
/// published right without it.
pub fn discover(
    root: &Path,
    display_root: &str,
    base_paths: &std::collections::BTreeMap<String, String>,
    max: u64,
) -> Result<Discovered, Diagnostic> {
    let read = |rel: &str| -> Result<Option<Source>, Diagnostic> {
        let path = root.join(rel);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(None);
        }
        let display = join(display_root, rel);
        let bytes = crate::source::read_regular(&path, Some(max)).map_err(|e| {
            Diagnostic::new(Kind::Config, format!("cannot read {display}: {e}"))
                .in_file(display.clone())
        })?;
        let text = crate::source::decode(&bytes).map_err(|_| {
            Diagnostic::new(Kind::Config, format!("{display} is not UTF-8 text"))
                .in_file(display.clone())
                .hint("save the file as UTF-8")
        })?;
        Ok(Some(crate::source::SourceFile::new(path, display, text)))
    };
    let publish = match read(PUBLISH_CONFIG)? {
        Some(src) => Some(parse_json::<PublishConfig>(&src)?),
        None => None,
    };
    let mut wanted: Vec<PublishDocset> = match &publish {
        Some(p) if !p.docsets_to_publish.is_empty() => p.docsets_to_publish.clone(),
        _ => vec![PublishDocset::default()],
    };
    let mut docsets = Vec::new();
    for d in wanted.drain(..) {
        let folder = clean_folder(&d.build_source_folder);
        let docfx_rel = join(&folder, DOCFX_JSON);
        let Some(src) = read(&docfx_rel)? else {
            if publish.is_some() && !d.build_source_folder.is_empty() {
                return Err(Diagnostic::new(
                    Kind::Config,
                    format!(
                        "docset `{}` has no {DOCFX_JSON} in `{}`",
                        d.docset_name, d.build_source_folder
                    ),
                )
                .in_file(join(display_root, PUBLISH_CONFIG))
                .hint("check `build_source_folder` in the publish configuration"));
            }
            docsets.push(Docset::plain());
            continue;
        };
        let docfx: DocfxJson = parse_json(&src)?;
        let name = if d.docset_name.is_empty() {
            folder.rsplit('/').next().unwrap_or("").to_string()
        } else {
            d.docset_name.clone()
        };
        let base = base_paths
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case(&name)
                    || (!folder.is_empty() && k.eq_ignore_ascii_case(&folder))
            })
            .map(|(_, v)| v.trim_matches('/').to_string())
            .unwrap_or_else(|| default_base(&docfx.build.global_metadata, &folder));
        let build = &docfx.build;
        docsets.push(Docset {
            content: selection(&build.content, &build.groups, &src)?,
            resource: selection(&build.resource, &build.groups, &src)?,
            file_metadata: file_metadata(&build.file_metadata, &src)?,
            global_metadata: build.global_metadata.clone(),
            moniker_ranges: d.moniker_ranges.clone(),
            name,
            folder,
            base,
            is_docfx: true,
        });
    }
    Ok(Discovered { docsets, publish })
}

/// A docset's base path when none is configured: the first segment of `breadcrumb_path`
/// (`/microsoft-365/breadcrumb/toc.json` -> `microsoft-365`), as Microsoft Learn publishes it,
/// else the docset's folder name.
fn default_base(global: &Map<String, Value>, folder: &str) -> String {
    global
        .get("breadcrumb_path")
        .and_then(Value::as_str)
        .and_then(|p| {
            let p = p.trim_start_matches('~').trim_start_matches('/');
            p.split_once('/').map(|(first, _)| first.to_string())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| folder.rsplit('/').next().unwrap_or("").to_string())
}

fn parse_json<T: serde::de::DeserializeOwned>(src: &Source) -> Result<T, Diagnostic> {
    serde_json::from_str(&src.text).map_err(|e| {
        // serde_json counts lines and columns from 1.
        let offset = src.offset_of(e.line().max(1), e.column().max(1));
        Diagnostic::new(Kind::Config, format!("invalid {}: {e}", src.display))
            .at(src, offset..offset)
            .hint("fix the JSON; DocFX would reject it too")
    })
}

fn glob(pattern: &str, src: &Source) -> Result<GlobMatcher, Diagnostic> {
    // DocFX globs: `**` any folders, `*` within one name, `{a,b}`; names match in any case,
    // as on the Windows machines that publish, and a leading `./` or `/` means the folder itself.
    let p = pattern.trim_start_matches("./").trim_start_matches('/');
    GlobBuilder::new(p)
        .literal_separator(true)
        .case_insensitive(true)
        .backslash_escape(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| {
            let at = src.text.find(pattern).unwrap_or(0);
            Diagnostic::new(
                Kind::Config,
                format!("`{pattern}` is not a valid glob: {e}"),
            )
            .at(src, at..at + pattern.len())
        })
}

fn glob_set(patterns: &[String], src: &Source) -> Result<GlobSet, Diagnostic> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p2 = p.trim_start_matches("./").trim_start_matches('/');
        let g = GlobBuilder::new(p2)
            .literal_separator(true)
            .case_insensitive(true)
            .backslash_escape(false)
            .build();
        match g {
            Ok(g) => {
                b.add(g);
            }
            Err(_) => {
                glob(p, src)?;
            }
        }
    }
    b.build()
        .map_err(|e| Diagnostic::new(Kind::Config, e.to_string()).in_file(src.display.clone()))
}

fn selection(
    groups: &[FileGroup],
    named: &Map<String, Value>,
    src: &Source,
) -> Result<Selection, Diagnostic> {
    let mut out = Vec::new();
    for g in groups {
        let group_dest = g
            .group
            .as_ref()
            .and_then(|n| named.get(n))
            .and_then(|v| v.get("dest"))
            .and_then(Value::as_str)
            .unwrap_or("");
        out.push(Group {
            files: glob_set(&g.files, src)?,
            exclude: glob_set(&g.exclude, src)?,
            src: clean_folder(g.src.as_deref().unwrap_or("")),
            dest: join(
                &clean_folder(group_dest),
                &clean_folder(g.dest.as_deref().unwrap_or("")),
            ),
        });
    }
    Ok(Selection::Groups(out))
}

type FileMetadata = Vec<(String, Vec<(GlobMatcher, Value)>)>;

fn file_metadata(map: &Map<String, Value>, src: &Source) -> Result<FileMetadata, Diagnostic> {
    let mut out = Vec::new();
    for (key, by_glob) in map {
        let Some(by_glob) = by_glob.as_object() else {
            continue;
        };
        let mut globs = Vec::new();
        for (pattern, value) in by_glob {
            globs.push((glob(pattern, src)?, value.clone()));
        }
        out.push((key.clone(), globs));
    }
    Ok(out)
}

/// `./a/b/` -> `a/b`, `.` -> ``.
fn clean_folder(f: &str) -> String {
    f.replace('\\', "/")
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// `rel` inside `folder` (any case), relative to it; everything is inside `""`.
fn strip_folder<'a>(rel: &'a str, folder: &str) -> Option<&'a str> {
    if folder.is_empty() {
        return Some(rel);
    }
    let head = rel.get(..folder.len())?;
    if !head.eq_ignore_ascii_case(folder) {
        return None;
    }
    let rest = &rel[folder.len()..];
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

fn join(folder: &str, rel: &str) -> String {
    match (folder.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (false, true) => folder.to_string(),
        (false, false) => format!("{folder}/{rel}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source {
        crate::source::SourceFile::new("docfx.json".into(), "docfx.json".into(), text.into())
    }

    fn docset(json: &str) -> Docset {
        let s = src(json);
        let d: DocfxJson = parse_json(&s).unwrap();
        Docset {
            content: selection(&d.build.content, &d.build.groups, &s).unwrap(),
            resource: selection(&d.build.resource, &d.build.groups, &s).unwrap(),
            file_metadata: file_metadata(&d.build.file_metadata, &s).unwrap(),
            global_metadata: d.build.global_metadata.clone(),
            base: default_base(&d.build.global_metadata, "docs"),
            folder: "docs".into(),
            name: "docs".into(),
            moniker_ranges: Vec::new(),
            is_docfx: true,
        }
    }

    const M365: &str = r#"{ "build": {
        "content": [ { "files": ["**/*.md", "**/*.yml"],
                       "exclude": ["**/obj/**", "**/includes/**", "README.md", "LICENSE"] },
                     { "files": "api/**.md", "src": "ref", "dest": "reference" } ],
        "resource": [ { "files": ["**/*.png", "**/*.{jpg,svg}"], "exclude": ["**/includes/**"] } ],
        "globalMetadata": { "breadcrumb_path": "/microsoft-365/breadcrumb/toc.json",
                            "titleSuffix": "Microsoft 365" },
        "fileMetadata": { "ms.service": { "**/*.md": "m365", "admin/**/*.md": "admin" },
                          "ROBOTS": { "archive/**": "NOINDEX" } }
    } }"#;

    #[test]
    fn content_globs_select_and_exclude() {
        let d = docset(M365);
        assert_eq!(
            d.content_place("docs/admin/setup.md").as_deref(),
            Some("microsoft-365/admin/setup.md")
        );
        assert_eq!(
            d.content_place("docs/index.md").as_deref(),
            Some("microsoft-365/index.md")
        );
        assert_eq!(d.content_place("docs/README.md"), None);
        assert_eq!(
            d.content_place("docs/sub/readme.md").as_deref(),
            Some("microsoft-365/sub/readme.md")
        );
        assert_eq!(d.content_place("docs/admin/includes/x.md"), None);
        assert_eq!(d.content_place("README.md"), None, "outside the docset");
        assert_eq!(d.content_place("docs/docfx.json"), None);
        // Case does not matter, as on the Windows build machines.
        assert_eq!(
            d.content_place("docs/Admin/Setup.MD").as_deref(),
            Some("microsoft-365/Admin/Setup.MD")
        );
    }

    #[test]
    fn resources_need_a_resource_glob() {
        let d = docset(M365);
        assert!(d.resource_place("docs/media/a.png").is_some());
        assert!(d.resource_place("docs/media/a.SVG").is_some());
        assert_eq!(d.resource_place("docs/scripts/a.ps1"), None);
        assert_eq!(d.resource_place("docs/includes/media/a.png"), None);
    }

    #[test]
    fn metadata_layers_later_glob_wins() {
        let d = docset(M365);
        let m = d.metadata_for("docs/admin/x.md");
        assert_eq!(m["ms.service"], "admin");
        assert_eq!(m["titleSuffix"], "Microsoft 365");
        assert_eq!(d.metadata_for("docs/other/x.md")["ms.service"], "m365");
        assert_eq!(d.metadata_for("docs/archive/old.md")["ROBOTS"], "NOINDEX");
        assert!(!d.metadata_for("docs/x.md").contains_key("ROBOTS"));
    }

    #[test]
    fn base_path_from_breadcrumb_else_folder() {
        assert_eq!(docset(M365).base, "microsoft-365");
        assert_eq!(docset(r#"{"build":{}}"#).base, "docs");
    }

    #[test]
    fn sources_of_a_published_path() {
        let d = docset(M365);
        assert_eq!(
            d.sources_of("microsoft-365/admin/x.md", true).unwrap(),
            vec!["docs/admin/x.md".to_string()]
        );
        assert_eq!(d.sources_of("azure/x.md", true), None);
    }

    #[test]
    fn bad_json_is_a_finding_at_its_place() {
        let s = src("{\n  \"build\": {\n    \"content\": [,]\n  }\n}");
        let d = parse_json::<DocfxJson>(&s).unwrap_err();
        assert!(d.message.contains("invalid docfx.json"), "{}", d.message);
    }
}
