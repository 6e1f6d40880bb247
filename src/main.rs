//! The `helpsite` command: parses arguments, calls the library, prints findings and picks the
//! exit code (0 success, 1 content errors, 2 usage or configuration error).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use helpsite::baseline::{Baseline, Compared};
use helpsite::diagnostics::{self, Diagnostic, Level};
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
        /// Output format: text for people, json (a stable, versioned document) for tools.
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
}

fn main() -> ExitCode {
    // Output into a closed pipe ends the process quietly, as with other Unix tools.
    helpsite::sigpipe::restore_default();
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
            report,
        } => {
            let opts = BuildOptions {
                site,
                out,
                strict,
                check_only: false,
                cache_dir,
                no_cache,
                locales,
                force,
            };
            let mut result = helpsite::build_then_exit(&opts);
            let changes = match (&report, &mut result) {
                (Some(path), Ok(r)) => r.changes.take().map(|c| (path, c.write(path), c)),
                _ => None,
            };
            let code = finish(result, Format::Text, verbose, color, false);
            match changes {
                Some((path, Ok(()), c)) => {
                    eprintln!("{}", changes_summary(&c, path));
                    code
                }
                Some((path, Err(e), _)) => {
                    let d = Diagnostic::new(
                        diagnostics::Kind::Io,
                        format!("cannot write the report: {e}"),
                    )
                    .in_file(path.display().to_string());
                    eprintln!("{}", d.render(color));
                    ExitCode::from(2)
                }
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
            baseline,
            write_baseline,
        } => {
            // A bad baseline is found before the check runs (exit 2).
            let known = match baseline.as_deref().map(Baseline::read).transpose() {
                Ok(k) => k,
                Err(d) => return finish(Err(Fatal::Config(d)), format, verbose, color, true),
            };
            let mut result = helpsite::build(&BuildOptions {
                site: site.clone(),
                strict,
                check_only: true,
                no_cache,
                ..Default::default()
            });
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
                    eprintln!(
                        "external links: {} URLs on {} hosts, {} from the cache, {} broken",
                        summary.urls, summary.hosts, summary.from_cache, summary.broken
                    );
                    report.diagnostics.extend(found);
                    diagnostics::sort(&mut report.diagnostics);
                }
            }
            if let (Some(path), Ok(report)) = (&write_baseline, &result) {
                return record_baseline(report, path, color);
            }
            let Some((known, path)) = known.zip(baseline) else {
                return finish(result, format, verbose, color, true);
            };
            let mut tally = None;
            if let Ok(report) = &mut result {
                let mut c = known.compare(std::mem::take(&mut report.diagnostics));
                report.diagnostics = std::mem::take(&mut c.reported);
                tally = Some(c);
            }
            let code = finish(result, format, verbose, color, true);
            match tally {
                Some(t) => {
                    eprintln!("{}", baseline_summary(&t, &path));
                    if t.new > 0 {
                        ExitCode::from(1)
                    } else {
                        code
                    }
                }
                None => code,
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

fn print_diags(diags: &[Diagnostic], verbose: bool, color: bool) {
    for d in diags {
        if d.level == Level::Info && !verbose {
            continue;
        }
        eprintln!("{}\n", d.render(color));
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

fn finish(
    result: Result<BuildReport, Fatal>,
    format: Format,
    verbose: bool,
    color: bool,
    check: bool,
) -> ExitCode {
    let report = match result {
        Ok(r) => r,
        Err(Fatal::Config(d)) => {
            if format == Format::Json {
                println!("{}", json_report(std::slice::from_ref(&d)));
            } else {
                eprintln!("{}", d.render(color));
            }
            return ExitCode::from(2);
        }
        Err(Fatal::Io(d)) => {
            eprintln!("{}", d.render(color));
            return ExitCode::from(1);
        }
    };
    let failed = diagnostics::has_errors(&report.diagnostics);
    if format == Format::Json {
        println!("{}", json_report(&report.diagnostics));
    } else {
        print_diags(&report.diagnostics, verbose, color);
        let summary = diagnostics::summary(&report.diagnostics);
        if verbose {
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
        if !summary.is_empty() {
            eprintln!("{summary}");
        }
        if check {
            eprintln!(
                "checked {} pages{}",
                report.pages,
                if failed { "" } else { ": no errors" }
            );
        } else if report.written && failed {
            eprintln!(
                "built {} pages into {} despite the errors above (keep_going: true)",
                report.pages,
                report.out.display()
            );
        } else if report.written {
            eprintln!("built {} pages into {}", report.pages, report.out.display());
        } else {
            eprintln!("build failed: {} left unchanged", report.out.display());
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `check --write-baseline`: the findings of `report` recorded in `path`.
fn record_baseline(report: &BuildReport, path: &std::path::Path, color: bool) -> ExitCode {
    let b = Baseline::of(&report.diagnostics);
    if let Err(e) = b.write(path) {
        let d = Diagnostic::new(
            diagnostics::Kind::Io,
            format!("cannot write the baseline: {e}"),
        )
        .in_file(path.display().to_string());
        eprintln!("{}", d.render(color));
        return ExitCode::from(2);
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

/// The stable JSON shape of `check --format json` (documented in the README).
fn json_report(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.iter().filter(|d| d.level == Level::Warning).count();
    let v = serde_json::json!({
        "version": 1,
        "summary": { "errors": errors, "warnings": warnings },
        "findings": diags.iter().filter(|d| d.level != Level::Info).map(Diagnostic::to_json).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
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
