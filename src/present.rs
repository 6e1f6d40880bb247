//! How a run's findings are reported, in one place for every caller: the text for people, the
//! versioned JSON document, SARIF 2.1.0 for code-scanning tools, GitHub workflow commands
//! (annotations on a pull request), the one-screen summary of `check --summary`, and the
//! closing line of every run. Everything here returns text; only `main.rs` prints it.
//!
//! The caller hands over the findings to report as a slice, and what it left out before
//! ([`Filtered`], e.g. the findings a baseline already knows), so that filtering and
//! reporting stay apart.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::paths;

/// How `check` writes its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: each finding with its snippet, on standard error.
    Text,
    /// The stable, versioned document of `check --format json`, on standard output.
    Json,
    /// SARIF 2.1.0, on standard output.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`), on standard output.
    Github,
}

/// What the caller left out of the findings it hands over, said after them.
#[derive(Debug, Clone, Default)]
pub struct Filtered {
    /// How many findings were left out.
    pub count: usize,
    /// Lines that say what was left out and why (printed after the findings, with the text
    /// and GitHub formats on standard error, with SARIF as notifications of the run).
    pub lines: Vec<String>,
}

/// How to report.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    pub format: Format,
    /// Also report findings of level `info`.
    pub verbose: bool,
    /// Colours in the text format.
    pub color: bool,
    /// Report at most this many findings (then how many more there are); the exit status
    /// does not change.
    pub max_findings: Option<usize>,
    /// The site's folder as given (`--site`): SARIF's base URI of the findings' files, and the
    /// prefix of the files of GitHub annotations, which are relative to the working folder.
    pub site: &'a Path,
}

/// The report: the findings in the chosen format, and lines about them for people.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The findings: for standard error (text) or standard output (the other formats), or
    /// the file of `--output`.
    pub findings: String,
    /// How many more findings there are than `--max-findings` let through, and
    /// [`Filtered::lines`]: for standard error.
    pub notes: String,
}

/// Whether a finding is reported: errors and warnings, and with `verbose` infos too.
pub fn shown(d: &Diagnostic, verbose: bool) -> bool {
    verbose || d.level != Level::Info
}

/// The report of `diags` (sorted; the ones [`shown`] are reported) in the chosen format.
pub fn findings(diags: &[Diagnostic], filtered: &Filtered, opts: &Options) -> Report {
    // The JSON document never lists infos (its shape is stable).
    let verbose = opts.verbose && opts.format != Format::Json;
    let shown: Vec<&Diagnostic> = diags.iter().filter(|d| shown(d, verbose)).collect();
    let limit = opts.max_findings.unwrap_or(usize::MAX).min(shown.len());
    let (listed, more) = (&shown[..limit], shown.len() - limit);
    let more_line = (more > 0).then(|| {
        format!(
            "... and {} more {} (--max-findings {limit})",
            thousands(more),
            if more == 1 { "finding" } else { "findings" }
        )
    });
    let notes: Vec<String> = more_line
        .into_iter()
        .chain(filtered.lines.clone())
        .collect();
    let mut r = Report::default();
    match opts.format {
        Format::Text => {
            for d in listed {
                let _ = writeln!(r.findings, "{}\n", d.render(opts.color));
            }
        }
        Format::Json => r.findings = json(diags, listed) + "\n",
        Format::Sarif => r.findings = sarif(listed, opts.site, &notes) + "\n",
        Format::Github => {
            for d in listed {
                r.findings.push_str(&github(d, opts.site));
                r.findings.push('\n');
            }
        }
    }
    for line in notes {
        r.notes.push_str(&line);
        r.notes.push('\n');
    }
    r
}

/// The stable JSON document of `check --format json` (documented in the README): the counts
/// of every error and warning, and the `listed` findings but infos.
fn json(diags: &[Diagnostic], listed: &[&Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.iter().filter(|d| d.level == Level::Warning).count();
    let v = serde_json::json!({
        "version": 1,
        "summary": { "errors": errors, "warnings": warnings },
        "findings": listed.iter().filter(|d| d.level != Level::Info).map(|d| d.to_json()).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// The README section that describes the finding kinds, for SARIF's `helpUri`: only when
/// the package names its repository (`repository` in Cargo.toml), as an absolute URI.
fn kinds_help_uri() -> Option<String> {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repo.is_empty()).then(|| format!("{repo}#check---format-json"))
}

fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// `file:` URI of a folder, ending in `/`, its segments percent-encoded.
fn folder_uri(dir: &Path) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut uri = String::from("file://");
    for c in abs.components() {
        if let std::path::Component::Normal(s) = c {
            uri.push('/');
            uri.push_str(&paths::encode_segment(&s.to_string_lossy()));
        }
    }
    uri.push('/');
    uri
}

/// A display path (`/`-separated, relative to the site root) as a relative URI reference.
fn file_uri(file: &str) -> String {
    file.split('/')
        .map(paths::encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// The SARIF 2.1.0 log of `listed`: one rule per kind (in `Kind` order), one result per
/// finding, files relative to the site root (`uriBaseId` `SITEROOT`), columns in characters;
/// `notes` become notifications of the run's invocation.
fn sarif(listed: &[&Diagnostic], site: &Path, notes: &[String]) -> String {
    use serde_json::{json, Value};
    let help_uri = kinds_help_uri();
    let rules: Vec<Value> = Kind::ALL
        .iter()
        .map(|k| {
            let mut rule = json!({
                "id": k.name(),
                "shortDescription": { "text": k.noun(1) },
                "defaultConfiguration": { "level": sarif_level(k.default_level()) },
            });
            if let Some(u) = &help_uri {
                rule["helpUri"] = json!(u);
            }
            rule
        })
        .collect();
    let results: Vec<Value> = listed
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            for n in &d.notes {
                let _ = write!(text, "\nnote: {n}");
            }
            if let Some(h) = &d.hint {
                let _ = write!(text, "\nhelp: {h}");
            }
            let mut result = json!({
                "ruleId": d.kind.name(),
                "ruleIndex": d.kind as usize,
                "level": sarif_level(d.level),
                "message": { "text": text },
            });
            if let Some(file) = &d.file {
                let mut physical = json!({
                    "artifactLocation": { "uri": file_uri(file), "uriBaseId": "SITEROOT" },
                });
                if let Some((line, column)) = d.line_col() {
                    let mut region = json!({ "startLine": line, "startColumn": column });
                    if let Some(s) = d.snippet() {
                        region["snippet"] = json!({ "text": s });
                    }
                    physical["region"] = region;
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
                // The baseline's fingerprint (message and surrounding text, no line number),
                // so code scanning follows a finding when text above it moves.
                result["partialFingerprints"] =
                    json!({ "helpsiteFinding/v1": crate::baseline::fingerprint(d) });
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = notes
        .iter()
        .map(|n| json!({ "level": "note", "message": { "text": n } }))
        .collect();
    let mut invocation = json!({ "executionSuccessful": true });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = json!(notifications);
    }
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "helpsite",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "invocations": [invocation],
            "originalUriBaseIds": { "SITEROOT": { "uri": folder_uri(site) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// Escapes the data of a workflow command (the message).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (`file=`, `title=`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A finding as a GitHub workflow command: `::error file=F,line=L,col=C,title=KIND::message`
/// (`::warning`, `::notice` for infos), the file relative to the working folder, the hint and
/// notes on lines of their own in the message.
fn github(d: &Diagnostic, site: &Path) -> String {
    let command = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "notice",
    };
    let mut props = Vec::new();
    if let Some(f) = &d.file {
        let prefix = annotation_folder(site);
        let path = if prefix.is_empty() {
            f.clone()
        } else {
            format!("{prefix}/{f}")
        };
        props.push(format!("file={}", escape_property(&path)));
        if let Some((line, col)) = d.line_col() {
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
        }
    }
    props.push(format!("title={}", escape_property(d.kind.name())));
    let mut text = d.message.clone();
    for n in &d.notes {
        let _ = write!(text, "\nnote: {n}");
    }
    if let Some(h) = &d.hint {
        let _ = write!(text, "\nhelp: {h}");
    }
    format!("::{command} {}::{}", props.join(","), escape_data(&text))
}

/// The site's folder as GitHub names files: relative to the repository's root (the folder of
/// `GITHUB_WORKSPACE`, else the working folder) when the site is inside it, else as given;
/// empty for the root itself.
fn annotation_folder(site: &Path) -> String {
    let base = std::env::var_os("GITHUB_WORKSPACE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::current_dir().ok());
    let inside = base.and_then(|b| {
        let abs = std::path::absolute(site).ok()?;
        let b = std::path::absolute(b).ok()?;
        Some(abs.strip_prefix(b).ok()?.to_path_buf())
    });
    let rel = inside.unwrap_or_else(|| site.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.trim_end_matches('/');
    let s = s.strip_prefix("./").unwrap_or(s);
    if s == "." {
        String::new()
    } else {
        s.to_string()
    }
}

/// `check --summary`: the findings counted per kind and level, per top folder, and the ten
/// files with the most, in at most about 40 lines whatever the site's size.
pub fn summary(diags: &[Diagnostic], filtered: &Filtered, verbose: bool) -> String {
    let shown: Vec<&Diagnostic> = diags.iter().filter(|d| shown(d, verbose)).collect();
    let mut out = String::new();
    if shown.is_empty() {
        out.push_str("no findings\n");
    } else {
        let mut kinds: BTreeMap<(std::cmp::Reverse<Level>, Kind), usize> = BTreeMap::new();
        let mut folders: BTreeMap<&str, usize> = BTreeMap::new();
        let common = common_folder(shown.iter().filter_map(|d| d.file.as_deref()));
        let mut files: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &shown {
            *kinds
                .entry((std::cmp::Reverse(d.level), d.kind))
                .or_default() += 1;
            let file = d.file.as_deref().unwrap_or("(no file)");
            *folders.entry(top_folder(file, common)).or_default() += 1;
            *files.entry(file).or_default() += 1;
        }
        let _ = writeln!(out, "findings per kind ({}):", thousands(shown.len()));
        table(
            &mut out,
            kinds.iter().map(|((l, k), n)| {
                (
                    format!("{} [{}]", k.noun(*n), k.name()),
                    level_name(l.0).to_string(),
                    *n,
                )
            }),
        );
        let _ = writeln!(out, "\nfindings per top folder:");
        let mut folders: Vec<(&str, usize)> = folders.into_iter().collect();
        folders.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let extra = folders.len().saturating_sub(TOP_FOLDERS);
        if extra > 0 {
            let rest: usize = folders[TOP_FOLDERS - 1..].iter().map(|f| f.1).sum();
            folders.truncate(TOP_FOLDERS - 1);
            folders.push(("", rest));
        }
        let others = format!("({} other folders)", extra + 1);
        table(
            &mut out,
            folders.iter().map(|(f, n)| {
                let name = if f.is_empty() {
                    others.clone()
                } else {
                    f.to_string()
                };
                (name, String::new(), *n)
            }),
        );
        let mut files: Vec<(&str, usize)> = files.into_iter().collect();
        files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        files.truncate(TOP_FILES);
        let _ = writeln!(out, "\nthe {} files with the most findings:", files.len());
        table(
            &mut out,
            files
                .iter()
                .map(|(f, n)| (f.to_string(), String::new(), *n)),
        );
    }
    for line in &filtered.lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// At most this many rows of top folders (the last one sums the rest).
const TOP_FOLDERS: usize = 10;
/// The files listed by the summary.
const TOP_FILES: usize = 10;

/// The folder every file in a folder is in (`a/b/`, or empty): a repository that keeps its
/// articles in one folder (`microsoft-365/`) is summed up by the folders inside it.
fn common_folder<'a>(files: impl Iterator<Item = &'a str>) -> &'a str {
    let mut common: Option<&str> = None;
    for f in files {
        let Some(i) = f.rfind('/') else { continue };
        let dir = &f[..=i];
        common = Some(match common {
            None => dir,
            Some(c) => {
                let same = c
                    .bytes()
                    .zip(dir.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                // Back to the end of a whole folder name.
                &c[..c[..same].rfind('/').map_or(0, |i| i + 1)]
            }
        });
    }
    common.unwrap_or("")
}

/// The folder that sums `file` up: the folder below `common` it is in (`common` included),
/// or the file itself when it is in no such folder.
fn top_folder<'a>(file: &'a str, common: &str) -> &'a str {
    match file.strip_prefix(common).and_then(|rest| rest.find('/')) {
        Some(i) => &file[..=common.len() + i],
        None => file,
    }
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "info",
    }
}

/// Rows of `count  label  tag`, the counts right-aligned.
fn table(out: &mut String, rows: impl Iterator<Item = (String, String, usize)>) {
    let rows: Vec<(String, String, String)> = rows
        .map(|(label, tag, n)| (thousands(n), label, tag))
        .collect();
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (n, label, tag) in rows {
        let line = format!("  {n:>w$}  {label}  {tag}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// The closing line of every run: pages per locale, findings per kind, the time. `shown`
/// are the findings reported (see [`shown`]).
pub fn closing_line(
    locales: &[(String, usize)],
    diags: &[Diagnostic],
    verbose: bool,
    elapsed: Duration,
) -> String {
    let pages: usize = locales.iter().map(|l| l.1).sum();
    let per_locale: Vec<String> = locales
        .iter()
        .map(|(code, n)| format!("{code} {}", thousands(*n)))
        .collect();
    let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
    for d in diags.iter().filter(|d| shown(d, verbose)) {
        *kinds.entry(d.kind).or_default() += 1;
    }
    let total: usize = kinds.values().sum();
    let findings = if total == 0 {
        "no findings".to_string()
    } else {
        let parts: Vec<String> = kinds
            .iter()
            .map(|(k, n)| format!("{} {}", k.name(), thousands(*n)))
            .collect();
        format!(
            "{} {} ({})",
            thousands(total),
            if total == 1 { "finding" } else { "findings" },
            parts.join(", ")
        )
    };
    format!(
        "summary: {} {} ({}), {findings}, {:.2} s",
        thousands(pages),
        if pages == 1 { "page" } else { "pages" },
        per_locale.join(", "),
        elapsed.as_secs_f64()
    )
}

/// `2641` as `2,641`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_folders_are_below_the_common_folder() {
        let files = ["m/a/x.md", "m/b/y.md", "m/b/c/z.md", "r.json"];
        let common = common_folder(files.iter().copied());
        assert_eq!(common, "m/");
        let tops: Vec<&str> = files.iter().map(|f| top_folder(f, common)).collect();
        assert_eq!(tops, ["m/a/", "m/b/", "m/b/", "r.json"]);
        assert_eq!(common_folder(["ab/x.md", "ac/y.md"].into_iter()), "");
        assert_eq!(top_folder("ab/x.md", ""), "ab/");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2641), "2,641");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn workflow_command_escapes() {
        assert_eq!(escape_data("100%\r\nb:c,d"), "100%25%0D%0Ab:c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        let d = Diagnostic::new(Kind::BrokenLink, "50% broken\nhere")
            .in_file("a,b:c.md")
            .hint("fix it");
        assert_eq!(
            github(&d, Path::new("./docs/")),
            "::warning file=docs/a%2Cb%3Ac.md,title=broken_link::50%25 broken%0Ahere%0Ahelp: fix it"
        );
        assert_eq!(
            github(&d.level(Level::Info), Path::new(".")),
            "::notice file=a%2Cb%3Ac.md,title=broken_link::50%25 broken%0Ahere%0Ahelp: fix it"
        );
    }

    #[test]
    fn max_findings_lists_the_first_and_counts_the_rest() {
        let diags: Vec<Diagnostic> = (0..5)
            .map(|i| Diagnostic::new(Kind::BrokenLink, format!("link {i}")).in_file("a.md"))
            .collect();
        let opts = Options {
            format: Format::Github,
            verbose: false,
            color: false,
            max_findings: Some(2),
            site: Path::new("."),
        };
        let r = findings(&diags, &Filtered::default(), &opts);
        assert_eq!(r.findings.lines().count(), 2);
        assert_eq!(r.notes, "... and 3 more findings (--max-findings 2)\n");
        let all = findings(
            &diags,
            &Filtered::default(),
            &Options {
                max_findings: Some(5),
                ..opts
            },
        );
        assert_eq!((all.findings.lines().count(), all.notes.as_str()), (5, ""));
    }
}
