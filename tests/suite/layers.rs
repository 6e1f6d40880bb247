//! The layering check: the library's top-level modules must import each other one way only (no import
//! circle), and `markdown` and `render` must not touch the file system.
//!
//! It reads the source text of `src/` (not the compiled crate), so it sees every `crate::` path, not only
//! `use` lines: inline calls such as `crate::load::read_source(...)` count as an edge too. File access is
//! any `std::fs` / `fs::` / `File::` / `OpenOptions` path, or a call to one of the crate's own file-reading
//! helpers (listed in `IO_HELPERS`, each checked to still exist). Test modules at the end of a file
//! (`#[cfg(test)]`) and comment lines are skipped: tests may read fixtures.
//!
//! `ALLOWED_EDGES` and `ALLOWED_IO` list today's known violations; the check fails both on a new violation
//! and on an entry that no longer occurs, so the lists only shrink. The goal is two empty lists.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Import edges (`from -> to`, top-level modules; `lib` is the crate root's own items) that close a circle
/// today. Each is a known violation to remove, not a rule.
const ALLOWED_EDGES: &[(&str, &str)] = &[];

/// Files in `markdown` or `render` allowed to access files today (paths relative to the crate root).
const ALLOWED_IO: &[&str] = &[];

/// Modules that must do no file I/O: they get everything they need from `Site`.
const NO_IO_MODULES: &[&str] = &["markdown", "render"];

/// The crate's own functions that read or write files; calling one is file access.
const IO_HELPERS: &[&str] = &[
    "read_source",
    "read_regular",
    "open_regular",
    "replace_file",
    "read_snippets",
    // The build cache's files (`crate::cache`), read and written by the build steps only.
    "read_pack",
    "write_pack",
    "read_bodies",
    "write_bodies",
    "read_highlights",
    "write_highlights",
    "read_search",
    "write_search",
    "read_manifest",
    "write_manifest",
    "remove_manifest",
    "clear_leftovers",
    "feed_stat",
];

/// A reference found in the source: where, and what.
#[derive(Debug, Clone)]
struct Site {
    file: String,
    line: usize,
    text: String,
}

/// One top-level module's `.rs` files, by module name (`lib` for `src/lib.rs`).
fn modules(root: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut files = Vec::new();
            collect_rs(&path, &mut files);
            out.entry(name).or_default().extend(files);
        } else if path.extension().is_some_and(|e| e == "rs") && name != "main" {
            // main.rs is the binary, a separate crate that may use anything.
            out.entry(name).or_default().push(path);
        }
    }
    out
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of a file that are library code: comments and the trailing `#[cfg(test)]` module dropped.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        // Drop a trailing `// comment` (rough, but paths do not contain `//`).
        let code = match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        out.push((i + 1, code));
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every identifier that follows `prefix` at a word boundary, e.g. `crate::load::x` -> `load`, and every
/// first identifier of a `crate::{a, b::c}` group.
fn idents_after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        if code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == ':')
        {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // A `use crate::{...}` group: the first identifier of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            let mut i = 0;
            let bytes: Vec<char> = group.chars().collect();
            while i < bytes.len() {
                let c = bytes[i];
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && is_ident(c) => {
                        let offset: usize = bytes[..i].iter().map(|c| c.len_utf8()).sum();
                        let word = &group[offset..];
                        let len = word.find(|c: char| !is_ident(c)).unwrap_or(word.len());
                        out.push(&word[..len]);
                        item_start = false;
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            let len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
            if len > 0 {
                out.push(&rest[..len]);
            }
        }
    }
    out
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The module graph: `from -> to -> where`.
type Graph = BTreeMap<String, BTreeMap<String, Vec<Site>>>;

fn graph(root: &Path, mods: &BTreeMap<String, Vec<PathBuf>>) -> Graph {
    let names: BTreeSet<&str> = mods.keys().map(String::as_str).collect();
    let mut g: Graph = BTreeMap::new();
    for (module, files) in mods {
        for file in files {
            let text = fs::read_to_string(file).unwrap();
            for (line, code) in code_lines(&text) {
                let mut targets: Vec<String> = Vec::new();
                for ident in idents_after(code, "crate::") {
                    if names.contains(ident) {
                        targets.push(ident.to_string());
                    } else if ident != "self" {
                        // An item of the crate root (`crate::build_full`, a re-export).
                        targets.push("lib".to_string());
                    }
                }
                if module == "lib" {
                    // The root names its modules without `crate::`.
                    for name in &names {
                        let pat = format!("{name}::");
                        for ident in idents_after(code, &pat) {
                            let _ = ident;
                            targets.push(name.to_string());
                        }
                        if code.contains(&format!("{name}::{{")) {
                            targets.push(name.to_string());
                        }
                    }
                }
                for to in targets {
                    if &to == module {
                        continue;
                    }
                    g.entry(module.clone())
                        .or_default()
                        .entry(to)
                        .or_default()
                        .push(Site {
                            file: rel(root, file),
                            line,
                            text: code.trim().to_string(),
                        });
                }
            }
        }
    }
    g
}

/// The strongly connected components with more than one module (Tarjan).
fn circles(
    nodes: &BTreeSet<String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on_stack: BTreeSet<String>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit(s: &mut State, v: &str) {
        s.index.insert(v.to_string(), s.next);
        s.low.insert(v.to_string(), s.next);
        s.next += 1;
        s.stack.push(v.to_string());
        s.on_stack.insert(v.to_string());
        let succ: Vec<String> = s
            .edges
            .get(v)
            .map(|e| e.iter().cloned().collect())
            .unwrap_or_default();
        for w in succ {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let lw = s.low[&w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(&w) {
                let iw = s.index[&w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(&w);
                let done = w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_import_circle_among_modules() {
    let root = root();
    let mods = modules(&root);
    let g = graph(&root, &mods);
    let allowed: BTreeSet<(String, String)> = ALLOWED_EDGES
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let mut problems = Vec::new();
    for (from, to) in &allowed {
        if !g.get(from).is_some_and(|t| t.contains_key(to)) {
            problems.push(format!(
                "allowed edge {from} -> {to} no longer occurs: remove it from ALLOWED_EDGES"
            ));
        }
    }
    let nodes: BTreeSet<String> = mods.keys().cloned().collect();
    let edges: BTreeMap<String, BTreeSet<String>> = g
        .iter()
        .map(|(from, tos)| {
            let kept = tos
                .keys()
                .filter(|to| !allowed.contains(&(from.clone(), (*to).clone())))
                .cloned()
                .collect();
            (from.clone(), kept)
        })
        .collect();
    for comp in circles(&nodes, &edges) {
        problems.push(format!("import circle among {}:", comp.join(", ")));
        for from in &comp {
            for to in &comp {
                if let Some(sites) = g.get(from).and_then(|t| t.get(to)) {
                    if allowed.contains(&(from.clone(), to.clone())) {
                        continue;
                    }
                    for site in sites {
                        problems.push(format!(
                            "  {from} -> {to}: {}:{}: {}",
                            site.file, site.line, site.text
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The source layer (files, decoding, line index, YAML, title scan) imports nothing from the crate.
#[test]
fn source_is_a_leaf() {
    let root = root();
    let mods = modules(&root);
    let g = graph(&root, &mods);
    let problems: Vec<String> = g
        .get("source")
        .into_iter()
        .flat_map(|tos| tos.iter())
        .flat_map(|(to, sites)| {
            sites
                .iter()
                .map(move |s| format!("source -> {to}: {}:{}: {}", s.file, s.line, s.text))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_file_access_in_markdown_and_render() {
    let root = root();
    let mods = modules(&root);
    // Each helper still exists as a function somewhere in src/, so the list cannot go stale silently.
    let all_text: String = mods
        .values()
        .flatten()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect();
    for helper in IO_HELPERS {
        assert!(
            all_text.contains(&format!("fn {helper}("))
                || all_text.contains(&format!("fn {helper}<")),
            "IO_HELPERS lists {helper}, which is no longer defined in src/"
        );
    }
    let mut found: BTreeMap<String, Vec<Site>> = BTreeMap::new();
    for module in NO_IO_MODULES {
        for file in &mods[*module] {
            let text = fs::read_to_string(file).unwrap();
            for (line, code) in code_lines(&text) {
                let direct = ["std::fs", "fs::", "File::", "OpenOptions"]
                    .iter()
                    .any(|p| idents_or_word(code, p));
                let helper = IO_HELPERS
                    .iter()
                    .any(|h| idents_or_word(code, &format!("{h}(")));
                if direct || helper {
                    found.entry(rel(&root, file)).or_default().push(Site {
                        file: rel(&root, file),
                        line,
                        text: code.trim().to_string(),
                    });
                }
            }
        }
    }
    let mut problems = Vec::new();
    for allowed in ALLOWED_IO {
        if !found.contains_key(*allowed) {
            problems.push(format!(
                "{allowed} no longer accesses files: remove it from ALLOWED_IO"
            ));
        }
    }
    for (file, sites) in &found {
        if ALLOWED_IO.contains(&file.as_str()) {
            continue;
        }
        for site in sites {
            problems.push(format!(
                "file access in a no-I/O module: {}:{}: {}",
                site.file, site.line, site.text
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `pattern` occurs at a word start (not inside a longer identifier such as `refs::` or `do_read_source(`).
fn idents_or_word(code: &str, pattern: &str) -> bool {
    let mut from = 0;
    while let Some(at) = code[from..].find(pattern) {
        let start = from + at;
        if !code[..start].chars().next_back().is_some_and(is_ident) {
            return true;
        }
        from = start + pattern.len();
    }
    false
}

#[test]
fn the_scanner_sees_inline_paths_and_groups() {
    assert_eq!(
        idents_after("let x = crate::load::read_source(p);", "crate::"),
        vec!["load"]
    );
    assert_eq!(
        idents_after("use crate::{site::Site, source::{a, b}, paths};", "crate::"),
        vec!["site", "source", "paths"]
    );
    assert!(idents_after("use foocrate::x;", "crate::").is_empty());
    assert!(idents_or_word("std::fs::read(p)", "std::fs"));
    assert!(!idents_or_word("prefs::x", "fs::"));
    let _ = Site {
        file: String::new(),
        line: 0,
        text: String::new(),
    };
}
