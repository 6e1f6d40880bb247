//! The suite's one fixture builder and its helpers: a site in a temporary folder made from a
//! fixture under `tests/fixtures` and files written inline ([`Site`]), a run of the `helpsite`
//! binary in it with colours off and the temporary path redacted ([`run_in`], [`Run`]), a build
//! of a folder left untouched ([`build_elsewhere`]), and readers of what a build wrote.

// Each module uses a different subset of these helpers.
#![allow(dead_code)]

// The corpus generator of the benchmarks, so the suite checks it builds (module `corpus`).
#[path = "../../../benches/corpus/mod.rs"]
pub mod corpus;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// `tests/fixtures` of this crate.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies `tests/fixtures/<name>` into a fresh temporary folder and returns it. The site is
/// the temporary folder itself (its `helpsite.yml` sits at the top).
pub fn copy_fixture(name: &str) -> TempDir {
    let src = fixtures_dir().join(name);
    assert!(src.is_dir(), "no fixture {}", src.display());
    let dir = tempfile::tempdir().expect("create a temporary folder");
    copy_dir(&src, dir.path());
    dir
}

/// Recursively copies the folder `from` into `to` (created when missing), byte for byte.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read fixture folder") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Writes `text` to `root/rel`, creating parent folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    write_bytes(root, rel, text.as_bytes());
}

/// Writes `bytes` to `root/rel`, creating parent folders (for inputs that are not UTF-8).
pub fn write_bytes(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).expect("create parent folder");
    }
    fs::write(path, bytes).expect("write file");
}

/// A site in a temporary folder (its `helpsite.yml` at the top), deleted when dropped.
pub struct Site {
    dir: TempDir,
}

impl Site {
    /// An empty folder; add files with [`Site::file`].
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().expect("create a temporary folder"),
        }
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        Site {
            dir: copy_fixture(name),
        }
    }

    /// Adds (or replaces) the file `rel` with `text`.
    pub fn file(self, rel: &str, text: &str) -> Site {
        write(self.path(), rel, text);
        self
    }

    /// The site's folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `helpsite <args>` in the site (see [`run_in`]).
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// The temporary folder, for tests that keep using it as a `TempDir`.
    pub fn into_temp_dir(self) -> TempDir {
        self.dir
    }
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    /// Standard error with the temporary folder's path replaced by `[SITE]`, without the
    /// closing line of `build` and `check` (see `summary`).
    pub stderr: String,
    /// The closing line of a `build` or `check` (`summary: 3 pages (en-us 2, sv-se 1), no
    /// findings, 0.12 s`), taken off the end of standard error: its time differs run to run.
    pub summary: Option<String>,
}

impl Run {
    /// Panics, showing standard error, unless the exit code is 0.
    pub fn expect_ok(&self) -> &Self {
        self.expect_code(0)
    }

    /// Panics, showing both streams, unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "unexpected exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs `helpsite <args>` with `dir` as the working folder and colours off. Occurrences of
/// `dir` (as given and canonicalized) in stdout and stderr are replaced by `[SITE]`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run helpsite");
    let redact = |s: &[u8]| redact_path(&String::from_utf8_lossy(s), dir);
    let (stderr, summary) = split_summary(redact(&out.stderr));
    Run {
        code: out.status.code(),
        stdout: redact(&out.stdout),
        stderr,
        summary,
    }
}

/// Standard error without its closing `summary: ...` line, and that line.
pub fn split_summary(stderr: String) -> (String, Option<String>) {
    let body = stderr.strip_suffix('\n').unwrap_or(&stderr);
    let start = body.rfind('\n').map_or(0, |i| i + 1);
    if body[start..].starts_with("summary: ") {
        let line = body[start..].to_string();
        (stderr[..start].to_string(), Some(line))
    } else {
        (stderr, None)
    }
}

/// A build of `site` that leaves the folder untouched (fixtures are built where they are): the
/// output and the build cache go to a temporary folder that lives as long as the result.
pub struct Built {
    pub run: Run,
    /// `TMP/out`, the output folder.
    pub out: PathBuf,
    _tmp: TempDir,
}

/// `helpsite build --site SITE --out TMP/out --cache-dir TMP/cache`, run in `TMP` (see
/// [`run_in`]: colours off, `TMP` redacted).
pub fn build_elsewhere(site: &Path) -> Built {
    let tmp = tempfile::tempdir().expect("create a temporary folder");
    let out = tmp.path().join("out");
    let cache = tmp.path().join("cache");
    let path = |p: &Path| p.to_str().expect("UTF-8 path").to_owned();
    let run = run_in(
        tmp.path(),
        &[
            "build",
            "--site",
            &path(site),
            "--out",
            &path(&out),
            "--cache-dir",
            &path(&cache),
        ],
    );
    Built {
        run,
        out,
        _tmp: tmp,
    }
}

/// Replaces `dir` (and its canonical form) in `text` by `[SITE]`.
pub fn redact_path(text: &str, dir: &Path) -> String {
    let mut out = text.to_string();
    let mut forms = vec![dir.display().to_string()];
    if let Ok(c) = dir.canonicalize() {
        forms.push(c.display().to_string());
    }
    // Longest first, so a canonical path that extends the given one is replaced whole.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    for f in forms {
        if !f.is_empty() {
            out = out.replace(&f, "[SITE]");
        }
    }
    out
}

/// Reads a UTF-8 file, naming it in the panic message when it is missing.
pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `<div class="content">...</div>` element of a page, nested `<div>`s balanced.
pub fn content_region(html: &str) -> &str {
    const OPEN: &str = "<div class=\"content\">";
    let start = html
        .find(OPEN)
        .unwrap_or_else(|| panic!("no {OPEN} in the page:\n{html}"));
    let mut depth = 0usize;
    let mut pos = start;
    loop {
        let next_open = html[pos..].find("<div").map(|i| pos + i);
        let next_close = html[pos..]
            .find("</div>")
            .map(|i| pos + i)
            .unwrap_or_else(|| panic!("unclosed {OPEN} in the page"));
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                pos = o + 4;
            }
            _ => {
                depth -= 1;
                pos = next_close + "</div>".len();
                if depth == 0 {
                    return &html[start..pos];
                }
            }
        }
    }
}

/// The article HTML inside `<div class="content">` (up to the `</div>` before `</article>`),
/// trimmed: what the DocFX snapshots record. [`content_region`] keeps the element itself.
pub fn content_inner(html: &str) -> String {
    let open = "<div class=\"content\">";
    let start = html
        .find(open)
        .expect("no <div class=\"content\"> in the page")
        + open.len();
    let end = start
        + html[start..]
            .find("</article>")
            .expect("no </article> after the content");
    let region = html[start..end].trim_end();
    region
        .strip_suffix("</div>")
        .expect("content region does not end with </div>")
        .trim()
        .to_string()
}

/// Whether `needle` occurs in `hay`.
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `root`, as `/`-separated paths relative to it, sorted. The content hash
/// in a search file's name is written `HASH` (`en-us/_search/c-HASH.json`), so lists of files
/// do not change with every word of the site.
pub fn list_files(root: &Path) -> Vec<String> {
    let mut out = real_files(root);
    for f in &mut out {
        if helpsite::search::is_search_file(f) {
            let name = f.rfind('/').map_or(0, |i| i + 1);
            if let (Some(dash), Some(dot)) = (f[name..].rfind('-'), f.rfind('.')) {
                let dash = name + dash;
                if dash < dot {
                    f.replace_range(dash + 1..dot, "HASH");
                }
            }
        }
    }
    out.sort();
    out
}

/// Every file under `root` by its real name, sorted.
fn real_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    collect_files(root, root, &mut out);
    out.sort();
    out
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let entry = entry.expect("entry");
        let path = entry.path();
        if entry.file_type().expect("file type").is_dir() {
            collect_files(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("under root");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Every file under `root` with its bytes, for comparing two states of an output folder.
pub fn snapshot_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    real_files(root)
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(root.join(&rel)).expect("read output file");
            (rel, bytes)
        })
        .collect()
}

/// Values of every `attr="..."` in `html` (double quotes, as the templates and the Markdown
/// renderer write them).
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        let vstart = i + needle.len();
        let Some(len) = rest[vstart..].find('"') else {
            break;
        };
        out.push(&rest[vstart..vstart + len]);
        rest = &rest[vstart + len..];
    }
    out
}

/// `(kind, level, file:line:col, message)` of every finding in `check --format json`'s
/// output, in the order printed.
pub fn json_findings(stdout: &str) -> Vec<(String, String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("JSON");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}:{}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["column"]
                ),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `git` in `dir` with a fixed identity, so the test does not depend on the machine's config.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
