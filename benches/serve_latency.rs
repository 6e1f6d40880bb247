//! Edit-to-page-updated latency of `serve`'s rebuilds: 50 edits of one article, each followed
//! by `Session::rebuild`, timed until the edited page is on disk; prints the median and the
//! 95th percentile, and checks at the end that the output equals a full build.
//!
//!   cargo bench --bench serve_latency                         # the sample site
//!   cargo bench --bench serve_latency -- --generate 10000     # 10,000 articles x 2 locales
//!   cargo bench --bench serve_latency -- --site DIR           # any site (copied first)
//!
//! The time measured is the rebuild's: file change to page written. `serve` adds its watcher's
//! debounce (80 ms) before a rebuild starts, and the browser's reload after it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod corpus;

use helpsite::session::Session;
use helpsite::BuildOptions;

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if matches!(
            first.as_deref(),
            Some("public" | "target" | ".git" | "tests" | "src" | "benches" | "fuzz")
        ) {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else if e.file_type().is_file() {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let edits: usize = arg("--edits").and_then(|v| v.parse().ok()).unwrap_or(50);
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let (label, article) = if let Some(n) = arg("--generate").and_then(|v| v.parse::<usize>().ok())
    {
        corpus::linked_site(&site, n);
        (
            format!("generated site, {n} articles x 2 locales"),
            PathBuf::from("content/en-us/d0/a1.md"),
        )
    } else {
        let from = arg("--site")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        copy_dir(&from, &site);
        let article = arg("--article")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("content/en-us/authentication/spf.md"));
        (format!("site {}", from.display()), article)
    };
    let out = tmp.path().join("out");
    let opts = BuildOptions {
        site: site.clone(),
        out: Some(out.clone()),
        strict: false,
        check_only: false,
        ..Default::default()
    };
    let t = Instant::now();
    let (mut session, first) = Session::start(opts).expect("first build");
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let pages = first.report.pages;
    let path = site.join(&article);
    let original = fs::read_to_string(&path).expect("the article to edit");
    let url_rel = {
        let rel = article
            .strip_prefix("content/en-us")
            .unwrap_or(&article)
            .to_string_lossy()
            .replace(".md", "");
        format!("en-us/{}/index.html", rel.trim_start_matches('/'))
    };
    let mut times = Vec::with_capacity(edits);
    let mut rendered = Vec::new();
    for i in 0..edits {
        let marker = format!("Edit number {i} of the benchmark.");
        fs::write(&path, format!("{original}\n{marker}\n")).unwrap();
        let t = Instant::now();
        let r = session
            .rebuild(std::slice::from_ref(&path))
            .expect("rebuild");
        let page = fs::read_to_string(out.join(&url_rel)).expect("the page");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(page.contains(&marker), "edit {i} is not on the page");
        assert!(!r.full, "an edit of an article must not need a full build");
        rendered.push(r.pages_rendered);
        times.push(ms);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    // The result must be what a full build writes.
    let fresh = tmp.path().join("fresh");
    helpsite::build(&BuildOptions {
        site: site.clone(),
        out: Some(fresh.clone()),
        strict: false,
        check_only: false,
        no_cache: true,
        ..Default::default()
    })
    .unwrap();
    let same = walkdir::WalkDir::new(&fresh)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .all(|e| {
            let rel = e.path().strip_prefix(&fresh).unwrap();
            fs::read(e.path()).ok() == fs::read(out.join(rel)).ok()
        });
    println!("serve rebuild latency, {label}: {pages} pages");
    println!("| measure | value |\n|---|---|");
    println!("| first full build | {first_ms:.0} ms |");
    println!("| edits | {edits} |");
    println!(
        "| pages re-rendered per edit | {} |",
        rendered.iter().max().unwrap_or(&0)
    );
    println!(
        "| median edit-to-page-written | {:.1} ms |",
        percentile(&times, 0.5)
    );
    println!("| 95th percentile | {:.1} ms |", percentile(&times, 0.95));
    println!("| max | {:.1} ms |", times.last().copied().unwrap_or(0.0));
    println!(
        "| output identical to a full build | {} |",
        if same { "yes" } else { "NO" }
    );
    assert!(same, "the rebuilt output differs from a full build");
}
