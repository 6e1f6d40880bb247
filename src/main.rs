//! The `helpsite` command: parses arguments, calls the library, prints findings and picks the
//! exit code (0 success, 1 content errors, 2 usage or configuration error).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use helpsite::baseline::{Baseline, Compared};
use helpsite::diagnostics::{self, Diagnostic};
use helpsite::present;
use helpsite::{BuildOptions, BuildReport, Fatal};

#[derive(Parser)]
#[command(
    name = "helpsite",
    version,
    about = "Build, check and preview multilingual help sites written in DocFX-flavored Markdown",
    after_help = "Examples:\n  helpsite init my-help      create a site that builds at once\n  helpsite build             build ./ into ./public\n  helpsite check --strict    validate links, anchors, includes; warnings fail\n\nExit codes: 0 success, 1 content errors (or warnings with --strict), 2 usage or configuration error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    #[command(after_help = "Example:\n  helpsite build --site docs --out docs/public")]
    Build {
        /// The site folder (holding helpsite.yml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Output folder [default: <site>/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Show per-phase timings and informational findings.
        #[arg(long, short)]
        verbose: bool,
        /// Build only this locale (repeatable): a shard of the site, in the same layout, for
        /// building locales on separate machines and merging the folders.
        #[arg(long = "locale", value_name = "CODE")]
        locales: Vec<String>,
        /// Folder of the build cache [default: <site>/.helpsite-cache].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        /// Do not read or write the build cache: render everything and replace the whole
        /// output folder.
        #[arg(long)]
        no_cache: bool,
        /// Replace --out even when helpsite did not make it (a file, a folder of other files).
        #[arg(long)]
        force: bool,
        /// Print only findings and errors: no progress, no summary.
        #[arg(long, short)]
        quiet: bool,
        /// Write FILE, JSON: per locale, the pages this build added, changed and removed in
        /// the output (their URLs and source files), known through the build cache.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Run every validation of `build` without writing anything.
    #[command(after_help = "Example:\n  helpsite check --format json > findings.json")]
    Check {
        /// The site folder (holding helpsite.yml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Output format: text for people, json (a stable, versioned document) for tools,
        /// sarif (SARIF 2.1.0, for code scanning), github (GitHub Actions annotations).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Show informational findings and per-phase timings.
        #[arg(long, short)]
        verbose: bool,
        /// Also check every http(s) link over the network (cached for a day in
        /// .helpsite-cache/).
        #[arg(long)]
        external: bool,
        /// With --external: seconds to wait for each answer.
        #[arg(long, default_value_t = 10, requires = "external")]
        timeout: u64,
        /// Do not read or write the caches (the build cache; with --external, the link
        /// results).
        #[arg(long)]
        no_cache: bool,
        /// Print only findings and errors: no progress, no summary.
        #[arg(long, short)]
        quiet: bool,
        /// Instead of each finding: the counts per kind and per top folder, and the ten files
        /// with the most findings (text format only).
        #[arg(long)]
        summary: bool,
        /// Report at most N findings, then how many more there are (the exit status is the
        /// same).
        #[arg(long, value_name = "N")]
        max_findings: Option<usize>,
        /// Write the findings (or the --summary) into FILE instead of the terminal.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Report, and fail on, only the warnings and errors that are not in this baseline
        /// file (written by --write-baseline); also say how many known ones are gone.
        #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
        baseline: Option<PathBuf>,
        /// Record today's warnings and errors in FILE, a baseline for --baseline (sorted,
        /// one entry per finding), and exit 0.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
    },
    /// Translation status and stamping.
    #[command(subcommand)]
    L10n(L10nCommand),
    /// Build the site, serve it locally and rebuild on every change, with live reload.
    #[command(
        after_help = "Examples:\n  helpsite serve                      http://127.0.0.1:4000/\n  helpsite serve --port 0 --open      a free port, opened in the browser\n  helpsite serve --poll               for file systems without change events\n\nContent errors never stop the server: they are shown over the page, which reloads by itself once they are fixed."
    )]
    Serve {
        /// The site folder (holding helpsite.yml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Output folder [default: <site>/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on (0: any free port); when busy, the next free one is used.
        #[arg(long, default_value_t = 4000)]
        port: u16,
        /// Poll for changes instead of waiting for file-system events (network mounts, some
        /// containers).
        #[arg(long)]
        poll: bool,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Seconds a client has to send its request and receive the answer (live-reload
        /// streams excepted); slower connections are closed.
        #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        request_timeout: u64,
        /// Replace --out even when helpsite did not make it (a file, a folder of other files).
        #[arg(long)]
        force: bool,
    },
    /// Create a new site in DIR that builds at once with the built-in theme.
    #[command(after_help = "Example:\n  helpsite init my-help && cd my-help && helpsite build")]
    Init {
        /// Folder to create the site in.
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum L10nCommand {
    /// Per locale: up-to-date, stale, machine-translated and missing pages, and which.
    #[command(
        after_help = "Examples:\n  helpsite l10n status --locale sv-SE --format json\n  helpsite l10n status --format html --out public-l10n"
    )]
    Status {
        /// The site folder (holding helpsite.yml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Only these locales (repeatable).
        #[arg(long = "locale", value_name = "CODE")]
        locales: Vec<String>,
        /// Output format: a table for people, json for tools, html for a dashboard page
        /// (written to --out).
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
        /// List only the pages in these states (repeatable); counts are always shown.
        #[arg(long = "state", value_enum, value_name = "STATE")]
        states: Vec<StateArg>,
        /// With --format html: the folder to write the dashboard into (DIR/index.html).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// With --format html: where the site is published, for the links to its pages
        /// [default: the configuration's base_url].
        #[arg(long, value_name = "URL")]
        site_url: Option<String>,
    },
    /// Show what changed in the source article since a translation was handed off: the diff
    /// of the source file from the commit in the translation's ms.sourcegitcommit to the
    /// working tree (needs git, and the source locale's folder in a git repository).
    #[command(after_help = "Example:\n  helpsite l10n diff content/sv-se/delisting/delist-ip.md")]
    Diff {
        /// The site folder (holding helpsite.yml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The translation file.
        file: PathBuf,
    },
    /// Record the current source hash (ms.openlocfilehash) and today's date (ms.lasthandoff)
    /// in translations that were brought up to date. Other lines are kept byte for byte.
    #[command(after_help = "Example:\n  helpsite l10n stamp content/sv-se/delisting/delist-ip.md")]
    Stamp {
        /// The site folder (holding helpsite.yml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Translation files to stamp.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// A state `l10n status --state` lists.
#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum StateArg {
    Stale,
    Missing,
    Machine,
    SourceMissing,
}

impl From<StateArg> for helpsite::l10n::State {
    fn from(s: StateArg) -> Self {
        match s {
            StateArg::Stale => Self::Stale,
            StateArg::Missing => Self::Missing,
            StateArg::Machine => Self::Machine,
            StateArg::SourceMissing => Self::SourceMissing,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum TableFormat {
    Table,
    Json,
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

impl From<Format> for present::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Text => Self::Text,
            Format::Json => Self::Json,
            Format::Sarif => Self::Sarif,
            Format::Github => Self::Github,
        }
    }
}

fn main() -> ExitCode {
    // Output into a closed pipe ends the process quietly, as with other Unix tools.
    helpsite::sigpipe::restore_default();
    let start = std::time::Instant::now();
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Build {
            site,
            out,
            strict,
            verbose,
            locales,
            cache_dir,
            no_cache,
            force,
            quiet,
            report,
        } => {
            let shown = Shown::start(quiet);
            let how = Reporting {
                format: Format::Text,
                verbose,
                color,
                quiet,
                summary: false,
                max_findings: None,
                output: None,
                site: site.clone(),
                start,
                filtered: present::Filtered::default(),
            };
            let opts = BuildOptions {
                site,
                out,
                strict,
                check_only: false,
                cache_dir,
                no_cache,
                locales,
                force,
                progress: shown.progress(),
            };
            let mut result = helpsite::build_then_exit(&opts);
            shown.finish();
            let changes = match (&report, &mut result) {
                (Some(path), Ok(r)) => r.changes.take().map(|c| (path, c.write(path), c)),
                _ => None,
            };
            let code = finish(result, &how, false);
            match changes {
                Some((path, Ok(()), c)) => {
                    if !quiet {
                        eprintln!("{}", changes_summary(&c, path));
                    }
                    code
                }
                Some((path, Err(e), _)) => not_written("the report", path, &e, color),
                None => code,
            }
        }
        Command::Check {
            site,
            strict,
            format,
            verbose,
            external,
            timeout,
            no_cache,
            quiet,
            summary,
            max_findings,
            output,
            baseline,
            write_baseline,
        } => {
            if summary && format != Format::Text {
                eprintln!("error: --summary is a text report: it cannot be combined with --format");
                return ExitCode::from(2);
            }
            let mut how = Reporting {
                format,
                verbose,
                color,
                quiet,
                summary,
                max_findings,
                output,
                site: site.clone(),
                start,
                filtered: present::Filtered::default(),
            };
            // A bad baseline is found before the check runs (exit 2).
            let known = match baseline.as_deref().map(Baseline::read).transpose() {
                Ok(k) => k,
                Err(d) => return finish(Err(Fatal::Config(d)), &how, true),
            };
            let shown = Shown::start(quiet);
            let mut result = helpsite::build(&BuildOptions {
                site: site.clone(),
                strict,
                check_only: true,
                no_cache,
                progress: shown.progress(),
                ..Default::default()
            });
            shown.finish();
            if external {
                if let Ok(report) = &mut result {
                    let mut opts = helpsite::external::Options::for_site(&site);
                    opts.timeout = std::time::Duration::from_secs(timeout);
                    if no_cache {
                        opts.cache_file = None;
                    }
                    let (mut found, summary) =
                        helpsite::external::check(&report.external_links, &opts);
                    for d in &mut found {
                        report.policy.apply(d);
                    }
                    if !quiet {
                        eprintln!(
                            "external links: {} URLs on {} hosts, {} from the cache, {} broken",
                            summary.urls, summary.hosts, summary.from_cache, summary.broken
                        );
                    }
                    report.diagnostics.extend(found);
                    diagnostics::sort(&mut report.diagnostics);
                }
            }
            if let (Some(path), Ok(report)) = (&write_baseline, &result) {
                return record_baseline(report, path, color);
            }
            let Some((known, path)) = known.zip(baseline) else {
                return finish(result, &how, true);
            };
            // The known findings are left out before the report; the line that counts new,
            // known and gone ones follows the findings.
            let mut new = 0;
            if let Ok(report) = &mut result {
                let mut c = known.compare(std::mem::take(&mut report.diagnostics));
                report.diagnostics = std::mem::take(&mut c.reported);
                how.filtered = present::Filtered {
                    count: c.known,
                    lines: vec![baseline_summary(&c, &path)],
                };
                new = c.new;
            }
            let code = finish(result, &how, true);
            if new > 0 {
                ExitCode::from(1)
            } else {
                code
            }
        }
        Command::Serve {
            site,
            out,
            bind,
            port,
            poll,
            open,
            request_timeout,
            force,
        } => {
            let opts = helpsite::serve::ServeOptions {
                build: BuildOptions {
                    site,
                    out,
                    force,
                    ..Default::default()
                },
                bind,
                port,
                poll,
                open,
                request_timeout: std::time::Duration::from_secs(request_timeout),
            };
            match helpsite::serve::run(opts, serve_printer(color)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::L10n(cmd) => l10n(cmd, color),
        Command::Init { dir } => match helpsite::init::init(&dir) {
            Ok(()) => {
                println!(
                    "Created a help site in {}. Next: cd {} && helpsite build",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot create the site: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn l10n(cmd: L10nCommand, color: bool) -> ExitCode {
    if let L10nCommand::Status {
        format,
        out,
        site_url,
        states,
        ..
    } = &cmd
    {
        let usage = |msg: &str| {
            use clap::CommandFactory;
            Cli::command()
                .error(clap::error::ErrorKind::ArgumentConflict, msg)
                .exit()
        };
        if *format == TableFormat::Html {
            if out.is_none() {
                usage("--format html writes a page: give the folder with --out DIR");
            }
            if !states.is_empty() {
                usage(
                    "--state chooses the pages of the table; the dashboard lists the stale pages",
                );
            }
        } else if out.is_some() || site_url.is_some() {
            usage("--out and --site-url are for the dashboard: use them with --format html");
        }
    }
    let site_dir = match &cmd {
        L10nCommand::Status { site, .. }
        | L10nCommand::Stamp { site, .. }
        | L10nCommand::Diff { site, .. } => site.clone(),
    };
    let (site, _) = match helpsite::load_site(&site_dir) {
        Ok(s) => s,
        Err(Fatal::Config(d)) | Err(Fatal::Io(d)) => {
            eprintln!("{}", d.render(color));
            return ExitCode::from(2);
        }
    };
    match cmd {
        L10nCommand::Status {
            locales,
            format,
            states,
            out,
            site_url,
            ..
        } => {
            let states: Vec<helpsite::l10n::State> = states.into_iter().map(Into::into).collect();
            let mut st = helpsite::l10n::status(&site, &locales);
            helpsite::l10n::only_states(&mut st, &states);
            match format {
                TableFormat::Table => print!("{}", helpsite::l10n::status_table(&st, &states)),
                TableFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&st).unwrap_or_default())
                }
                TableFormat::Html => {
                    let today = helpsite::dates::today_us();
                    let opts = helpsite::l10n::dashboard::Options {
                        site_url: site_url.as_deref(),
                        today: Some(&today),
                    };
                    let dir = out.unwrap_or_default();
                    let written =
                        helpsite::l10n::dashboard::dashboard(&site, &st, &opts).and_then(|files| {
                            files.into_iter().try_for_each(|(name, bytes)| {
                                helpsite::write::replace_file(
                                    &dir,
                                    name,
                                    &helpsite::write::Content::Bytes(bytes),
                                )
                                .map(drop)
                                .map_err(|e| {
                                    Diagnostic::new(
                                        diagnostics::Kind::Io,
                                        format!("cannot write the dashboard: {e}"),
                                    )
                                    .in_file(dir.join(name).display().to_string())
                                })
                            })
                        });
                    if let Err(d) = written {
                        eprintln!("{}", d.render(color));
                        return ExitCode::from(2);
                    }
                    let mut stale: Vec<String> = st
                        .iter()
                        .map(|l| format!("{}: {} stale", l.locale, l.stale))
                        .collect();
                    if stale.is_empty() {
                        stale.push("no translated locale".into());
                    }
                    println!(
                        "wrote {} ({})",
                        dir.join("index.html").display(),
                        stale.join(", ")
                    );
                }
            }
            ExitCode::SUCCESS
        }
        L10nCommand::Diff { file, .. } => match helpsite::l10n::diff(&site, &file) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{}", d.render(color));
                ExitCode::from(1)
            }
        },
        L10nCommand::Stamp { files, .. } => {
            let today = helpsite::dates::today_us();
            let mut failed = false;
            for f in files {
                match helpsite::l10n::stamp(&site, &f, &today) {
                    Ok(hash) => println!("stamped {} with {hash}", f.display()),
                    Err(d) => {
                        eprintln!("{}", d.render(color));
                        failed = true;
                    }
                }
            }
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

/// Prints what `serve` reports: the address on standard output, the rest on standard error.
fn serve_printer(color: bool) -> helpsite::serve::Reporter {
    use helpsite::serve::Message;
    std::sync::Arc::new(move |m| match m {
        Message::Serving(url) => {
            println!("serving {url}");
            let _ = std::io::Write::flush(&mut std::io::stdout());
        }
        Message::Log(line) => eprintln!("{line}"),
        Message::Finding(d) => eprintln!("{}\n", d.render(color)),
    })
}

/// How a `build` or `check` run reports its findings and ends.
struct Reporting {
    format: Format,
    verbose: bool,
    color: bool,
    quiet: bool,
    /// `check --summary`: counts instead of each finding.
    summary: bool,
    max_findings: Option<usize>,
    /// The file to write the findings into instead of the terminal.
    output: Option<PathBuf>,
    site: PathBuf,
    /// When the command started, for the closing line.
    start: std::time::Instant,
    /// What the caller left out before the report (`check --baseline`'s known findings).
    filtered: present::Filtered,
}

fn finish(result: Result<BuildReport, Fatal>, how: &Reporting, check: bool) -> ExitCode {
    let report = match result {
        Ok(r) => r,
        Err(Fatal::Config(d)) => {
            if how.format == Format::Text {
                eprintln!("{}", d.render(how.color));
            } else if let Err(code) = print_findings(std::slice::from_ref(&d), how) {
                return code;
            }
            return ExitCode::from(2);
        }
        Err(Fatal::Io(d)) => {
            eprintln!("{}", d.render(how.color));
            return ExitCode::from(1);
        }
    };
    let failed = diagnostics::has_errors(&report.diagnostics);
    // A baseline narrowed the findings already (`how.filtered` says what it left out).
    let findings = &report.diagnostics;
    if let Err(code) = print_findings(findings, how) {
        return code;
    }
    if how.format == Format::Text && !how.quiet {
        let summary = diagnostics::summary(findings);
        if how.verbose {
            let t = &report.timings;
            eprintln!(
                "timings: load {} ms, render {} ms, write {} ms",
                t.load.as_millis(),
                t.render.as_millis(),
                t.write.as_millis()
            );
            eprintln!(
                "cache: {} of {} pages' Markdown reused, {} pages unchanged, {} files written",
                t.bodies_reused, report.pages, t.pages_unchanged, report.files_written
            );
            for n in &report.notes {
                eprintln!("note: build cache: {n}");
            }
        }
        // `--summary` counted them per kind already.
        if !summary.is_empty() && !how.summary {
            eprintln!("{summary}");
        }
        if check {
            eprintln!(
                "checked {} pages{}",
                present::thousands(report.pages),
                if failed { "" } else { ": no errors" }
            );
        } else if report.written && failed {
            eprintln!(
                "built {} pages into {} despite the errors above (keep_going: true)",
                present::thousands(report.pages),
                report.out.display()
            );
        } else if report.written {
            eprintln!(
                "built {} pages into {}",
                present::thousands(report.pages),
                report.out.display()
            );
        }
    }
    if !check && !report.written {
        eprintln!("build failed: {} left unchanged", report.out.display());
    }
    if !how.quiet {
        eprintln!(
            "{}",
            present::closing_line(&report.locales, findings, how.verbose, how.start.elapsed())
        );
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints `findings` as `how` says (into `--output` when given); a file that cannot be
/// written is exit code 2.
fn print_findings(findings: &[Diagnostic], how: &Reporting) -> Result<(), ExitCode> {
    let filtered = &how.filtered;
    let r = if how.summary {
        present::Report {
            findings: present::summary(findings, filtered, how.verbose),
            notes: String::new(),
        }
    } else {
        present::findings(
            findings,
            filtered,
            &present::Options {
                format: how.format.into(),
                verbose: how.verbose,
                color: how.color && how.output.is_none(),
                max_findings: how.max_findings,
                site: &how.site,
            },
        )
    };
    match &how.output {
        Some(file) => {
            if let Err(e) = std::fs::write(file, &r.findings) {
                eprintln!("error: cannot write {}: {e}", file.display());
                return Err(ExitCode::from(2));
            }
        }
        None if how.format == Format::Text && !how.summary => eprint!("{}", r.findings),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out
                .write_all(r.findings.as_bytes())
                .and_then(|()| out.flush());
        }
    }
    eprint!("{}", r.notes);
    Ok(())
}

/// What a `build` or `check` shows while it runs. On a terminal (standard error, `CI` unset)
/// a progress display (indicatif), drawn once the run takes more than a second and cleared
/// at its end; elsewhere (pipes, CI logs) a plain line per phase, no control characters,
/// for sites of at least [`PLAIN_LINES_PAGES`] pages; nothing with `--quiet`.
enum Shown {
    Off,
    Bar {
        bar: indicatif::ProgressBar,
        /// Dropped at the end of the run: the drawing thread stops waiting.
        stop: std::sync::mpsc::Sender<()>,
        drawer: std::thread::JoinHandle<()>,
    },
    Plain,
}

/// The smallest site whose build prints plain progress lines: about a second's work here.
const PLAIN_LINES_PAGES: usize = 1000;

impl Shown {
    fn start(quiet: bool) -> Shown {
        if quiet {
            return Shown::Off;
        }
        if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
            return Shown::Plain;
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_style(spinner_style());
        bar.set_message("loading the site");
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let shown = bar.clone();
        // Shown only when the run lasts: a quick run leaves no trace on the terminal.
        let drawer = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(std::time::Duration::from_secs(1))
            {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Shown::Bar { bar, stop, drawer }
    }

    /// The observer handed to the build.
    fn progress(&self) -> helpsite::build::Progress {
        use helpsite::build::{Event, Progress};
        match self {
            Shown::Off => Progress::default(),
            Shown::Bar { bar, .. } => {
                let bar = bar.clone();
                let per_locale = std::sync::Mutex::new(String::new());
                Progress::new(move |e| match e {
                    Event::Loaded { locales } => {
                        let each: Vec<String> = locales
                            .iter()
                            .map(|(code, n)| format!("{code} {}", present::thousands(*n)))
                            .collect();
                        if let Ok(mut p) = per_locale.lock() {
                            *p = each.join(", ");
                        }
                        let what = pages_in(locales);
                        bar.set_message(format!("loaded {what}; preparing"));
                    }
                    // A bar per part: the Markdown (the pages not in the build cache), then
                    // the pages' templates.
                    Event::Markdown { pages } | Event::Rendering { pages } => {
                        let part = match e {
                            Event::Markdown { .. } => "Markdown",
                            _ => "pages",
                        };
                        bar.set_position(0);
                        bar.set_length(pages as u64);
                        bar.set_style(bar_style());
                        let each = per_locale.lock().map(|p| p.clone()).unwrap_or_default();
                        bar.set_message(format!("rendering {part} ({each})"));
                    }
                    Event::Body | Event::Page => bar.inc(1),
                    Event::Writing => {
                        bar.set_style(spinner_style());
                        bar.set_message("writing the site");
                    }
                    _ => {}
                })
            }
            Shown::Plain => {
                let state = std::sync::Mutex::new((std::time::Instant::now(), false));
                Progress::new(move |e| {
                    if matches!(e, Event::Page | Event::Body) {
                        return;
                    }
                    let Ok(mut s) = state.lock() else { return };
                    let secs = s.0.elapsed().as_secs_f64();
                    let line = match e {
                        Event::Loaded { locales } => {
                            s.1 = locales.iter().map(|l| l.1).sum::<usize>() >= PLAIN_LINES_PAGES;
                            format!("loaded {} in {secs:.1} s", pages_in(locales))
                        }
                        // Timed from `Loaded`: the Markdown and the pages' templates.
                        Event::Rendered => format!("rendered the pages in {secs:.1} s"),
                        Event::Written { files } => {
                            format!("wrote {} files in {secs:.1} s", present::thousands(files))
                        }
                        _ => return,
                    };
                    if s.1 {
                        eprintln!("{line}");
                    }
                    s.0 = std::time::Instant::now();
                })
            }
        }
    }

    /// Clears the progress display before the findings are printed.
    fn finish(self) {
        if let Shown::Bar { bar, stop, drawer } = self {
            drop(stop);
            let _ = drawer.join();
            bar.finish_and_clear();
        }
    }
}

/// "2,641 pages in 1 locale (nl-nl 2,641)".
fn pages_in(locales: &[(String, usize)]) -> String {
    let total: usize = locales.iter().map(|l| l.1).sum();
    let each: Vec<String> = locales
        .iter()
        .map(|(code, n)| format!("{code} {}", present::thousands(*n)))
        .collect();
    format!(
        "{} {} in {} {} ({})",
        present::thousands(total),
        if total == 1 { "page" } else { "pages" },
        locales.len(),
        if locales.len() == 1 {
            "locale"
        } else {
            "locales"
        },
        each.join(", ")
    )
}

fn spinner_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
}

fn bar_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} {elapsed}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
}

/// A file the run was asked to write (`what`, at `path`) could not be: an `io` finding on
/// that file, exit code 2.
fn not_written(what: &str, path: &std::path::Path, e: &std::io::Error, color: bool) -> ExitCode {
    let d = Diagnostic::new(diagnostics::Kind::Io, format!("cannot write {what}: {e}"))
        .in_file(path.display().to_string());
    eprintln!("{}", d.render(color));
    ExitCode::from(2)
}

/// `check --write-baseline`: the findings of `report` recorded in `path`.
fn record_baseline(report: &BuildReport, path: &std::path::Path, color: bool) -> ExitCode {
    let b = Baseline::of(&report.diagnostics);
    if let Err(e) = b.write(path) {
        return not_written("the baseline", path, &e, color);
    }
    let summary = diagnostics::summary(&report.diagnostics);
    eprintln!(
        "wrote a baseline of {} findings to {}{}{summary}",
        b.entries.len(),
        path.display(),
        if summary.is_empty() { "" } else { ": " }
    );
    ExitCode::SUCCESS
}

/// The line `check --baseline` ends with: new, known and gone findings.
fn baseline_summary(t: &Compared, path: &std::path::Path) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "baseline {}: {}, {} not shown",
        path.display(),
        plural(t.new, "new finding", "new findings"),
        plural(t.known, "known finding", "known findings"),
    );
    if t.gone > 0 {
        line.push_str(&format!(
            "; {} gone; run --write-baseline to tighten the file",
            plural(t.gone, "known finding is", "known findings are")
        ));
    }
    line
}

/// The line `build --report` ends with: how many pages were added, changed and removed.
fn changes_summary(c: &helpsite::build::Changes, path: &std::path::Path) -> String {
    let count = |f: fn(&helpsite::build::LocaleChanges) -> usize| -> usize {
        c.locales.values().map(f).sum()
    };
    let added = count(|l| l.added.len());
    format!(
        "report {}: {added} {} added, {} changed, {} removed{}",
        path.display(),
        if added == 1 { "page" } else { "pages" },
        count(|l| l.changed.len()),
        count(|l| l.removed.len()),
        if c.previous_build {
            ""
        } else {
            " (no record of the last build: every page is added)"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `--help` describes every option and argument of every command.
    #[test]
    fn every_option_has_help_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() {
                    missing.push(format!("{path} {}: no description", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "helpsite", &mut missing);
        assert_eq!(missing, Vec::<String>::new());
    }
}
