//! `helpsite serve`: a full build, then a local HTTP server for the output folder, a watcher
//! that rebuilds (through [`crate::session::Session`]) when content, theme or configuration
//! change, live reload over server-sent events, and an error overlay while a rebuild fails.
//!
//! This file is the run loop: the first build, then one rebuild per batch of changes, each
//! reading the configuration once (the build's, through the session). `watch` is the file
//! watcher, `handler` the HTTP side. The library prints nothing: what the user should see goes
//! to the caller's [`Reporter`] as [`Message`]s.
//!
//! Threads: the main thread rebuilds; one thread accepts connections and hands each to a thread
//! of its own ([`http`] keeps every request bounded in size and time); notify's debouncer runs
//! its own. The output folder is swapped by every rebuild, so each request resolves its path
//! again, and a request that finds nothing while a rebuild runs waits for it to finish.
//!
//! Nothing a writer saves stops the server: a panic anywhere in a build (a bug in helpsite) is
//! caught, shown like a build error, and the last good build stays served.
//!
//! Connections come from two bounded pools: pages (at most [`MAX_CONNECTIONS`] at once, each
//! request within `--request-timeout`) and live-reload listeners ([`MAX_LISTENERS`], held open
//! until the page goes). A listener moves to its pool once its request is read, so open tabs
//! never take the places of page requests, and a listener whose tab closed frees its place at
//! once (a thread waits on its socket for the close).

mod handler;
pub mod http;
pub mod inject;
mod watch;

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::session::{Rebuild, Session};
use crate::{BuildOptions, Fatal};

use handler::accept_loop;
use http::{Method, Response};
use inject::ErrorInfo;
use watch::{watch_roots, Roots, Watcher};

/// How `helpsite serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 lets the system choose a free port.
    pub port: u16,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
    /// Open the site in a browser once it is served.
    pub open: bool,
    /// The time a client has for one request: sending it and receiving the answer.
    pub request_timeout: Duration,
}

/// What `serve` tells its user, as it happens; the caller prints it (the library prints
/// nothing).
#[derive(Debug)]
pub enum Message {
    /// The address the site is served at (for standard output).
    Serving(String),
    /// A line of the log: builds, warnings (for standard error).
    Log(String),
    /// A finding of a build, to show in full.
    Finding(Diagnostic),
}

/// Where `serve` sends its [`Message`]s (from any of its threads).
pub type Reporter = Arc<dyn Fn(Message) + Send + Sync>;

/// How many ports after a busy `--port` are tried.
const PORT_TRIES: u16 = 20;
/// Debounce of file events: an editor's save is often several events.
const DEBOUNCE: Duration = Duration::from_millis(80);
const POLL_INTERVAL: Duration = Duration::from_millis(400);
/// Page requests served at once; more get 503.
pub const MAX_CONNECTIONS: usize = 256;
/// Live-reload listeners (open tabs) at once; more get 503 (the page still works, without live
/// reload, and its EventSource tries again).
pub const MAX_LISTENERS: usize = 512;
/// Keep-alive comments on the event stream (proxies and browsers drop silent streams).
const SSE_PING: Duration = Duration::from_secs(15);
/// The most time a listener's write may take before the listener is dropped.
const SSE_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
enum Event {
    Reload(u64),
    Css(u64),
    /// The listener's client closed its connection.
    Closed,
}

#[derive(Debug, Default)]
struct State {
    /// Counts finished builds (successful or not); pages carry the one they were served from.
    generation: u64,
    errors: Vec<ErrorInfo>,
    building: bool,
    last_log: String,
}

struct Shared {
    out: PathBuf,
    /// The path part of `base_url` ("/" or "/docs/"): the site is served under it.
    base: RwLock<String>,
    state: Mutex<State>,
    idle: Condvar,
    /// Open event streams, by an id unique while they are open.
    subscribers: Mutex<Vec<(usize, Sender<Event>)>>,
    /// Page requests being served.
    connections: AtomicUsize,
    /// Live-reload listeners connected.
    listeners: AtomicUsize,
    request_timeout: Duration,
}

/// A place in one of the two pools, given back when dropped (also when its thread panics).
struct Slot {
    shared: Arc<Shared>,
    listener: bool,
}

impl Slot {
    fn take(shared: &Arc<Shared>, listener: bool) -> Option<Slot> {
        let (counter, max) = if listener {
            (&shared.listeners, MAX_LISTENERS)
        } else {
            (&shared.connections, MAX_CONNECTIONS)
        };
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        Some(Slot {
            shared: shared.clone(),
            listener,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let counter = if self.listener {
            &self.shared.listeners
        } else {
            &self.shared.connections
        };
        counter.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Shared {
    /// The generation, its errors, and whether a rebuild runs now.
    fn snapshot(&self) -> (u64, Vec<ErrorInfo>, bool) {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        (s.generation, s.errors.clone(), s.building)
    }

    fn is_building(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .building
    }

    fn set_building(&self, b: bool) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .building = b;
        self.idle.notify_all();
    }

    /// Waits (bounded) until no rebuild runs.
    fn wait_idle(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while s.building {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            s = match self.idle.wait_timeout(s, deadline - now) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    fn broadcast(&self, ev: Event) {
        let mut subs = self.subscribers.lock().unwrap_or_else(|e| e.into_inner());
        subs.retain(|(_, tx)| tx.send(ev).is_ok());
    }
}

/// Runs the server until the process is stopped. Errors are start-up failures (the address
/// cannot be bound, the watcher cannot start): the caller exits with code 2.
pub fn run(opts: ServeOptions, report: Reporter) -> Result<(), String> {
    let site = fs::canonicalize(&opts.build.site).map_err(|e| {
        format!(
            "cannot open the site folder {}: {e}",
            opts.build.site.display()
        )
    })?;
    let mut build = opts.build.clone();
    build.site = site.clone();
    build.check_only = false;
    let out = absolute(
        &build
            .out
            .clone()
            .unwrap_or_else(|| build.site.join("public")),
    );
    build.out = Some(out.clone());

    let shared = Arc::new(Shared {
        out: out.clone(),
        base: RwLock::new("/".into()),
        state: Mutex::new(State::default()),
        idle: Condvar::new(),
        subscribers: Mutex::new(Vec::new()),
        connections: AtomicUsize::new(0),
        listeners: AtomicUsize::new(0),
        request_timeout: opts.request_timeout,
    });
    install_panic_hook();

    // The first full build. A configuration error does not stop the server: it shows the error
    // and tries again after the next change.
    shared.set_building(true);
    let t = Instant::now();
    let mut session = None;
    let first = guarded("while building the site for the first time", || {
        Session::start(build.clone()).map(|(s, r)| {
            session = Some(s);
            r
        })
    });
    let first_log = match &first {
        Ok(Ok(r)) if !crate::diagnostics::has_errors(&r.report.diagnostics) => format!(
            "built {} pages in {} ms into {}",
            r.pages_rendered,
            r.elapsed.as_millis(),
            out.display()
        ),
        // `keep_going: true`: written with errors inside documents (shown in the browser).
        Ok(Ok(r)) if r.report.written => format!(
            "built {} pages in {} ms into {}, with errors in documents; they are shown in the browser",
            r.pages_rendered,
            r.elapsed.as_millis(),
            out.display()
        ),
        _ => format!(
            "build failed in {} ms; the errors are shown in the browser",
            t.elapsed().as_millis()
        ),
    };
    if first.is_err() {
        session = None;
    }
    finish_build(&shared, diagnostics_of(first), false, first_log, &report);
    let mut roots = configure(&shared, session.as_ref(), &site, &out);

    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    if opts.port != 0 && addr.port() != opts.port {
        report(Message::Log(format!(
            "port {} is busy; using port {} instead",
            opts.port,
            addr.port()
        )));
    }
    if !opts.bind.is_loopback() {
        report(Message::Log(format!(
            "warning: listening on {}, not only on this computer: anyone who can reach this \
             address can read the site, its build errors and the source lines they show. \
             `helpsite serve` is a development server, not meant to be exposed; serve the \
             output of `helpsite build` with a web server to publish it",
            SocketAddr::new(addr.ip(), addr.port())
        )));
    }
    let url = format!(
        "http://{}{}",
        SocketAddr::new(addr.ip(), addr.port()),
        shared.base.read().map(|b| b.clone()).unwrap_or("/".into())
    );

    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = Watcher::start(opts.poll, tx, report.clone())?;
    watcher.update(&roots.watched);

    {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("helpsite-accept".into())
            .spawn(move || accept_loop(listener, shared))
            .map_err(|e| format!("cannot start the server thread: {e}"))?;
    }
    report(Message::Serving(url.clone()));
    report(Message::Log(format!(
        "watching {} for changes{}; press Ctrl+C to stop",
        roots
            .watched
            .iter()
            .map(|(p, _)| display_path(&site, p))
            .collect::<Vec<_>>()
            .join(", "),
        if opts.poll { " (polling)" } else { "" }
    )));
    if opts.open {
        open_browser(&url);
    }

    // The rebuild loop.
    while let Ok(first) = rx.recv() {
        let mut changed: BTreeSet<PathBuf> = first.into_iter().collect();
        // Coalesce what arrived meanwhile.
        while let Ok(more) = rx.try_recv() {
            changed.extend(more);
        }
        let changed: Vec<PathBuf> = changed
            .into_iter()
            .filter(|p| roots.is_relevant(p, &out))
            .collect();
        if changed.is_empty() {
            continue;
        }
        let names: Vec<String> = changed.iter().map(|p| display_path(&site, p)).collect();
        let css_only = changed
            .iter()
            .all(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("css")));
        shared.set_building(true);
        let t = Instant::now();
        let what = describe_changes(&names);
        let result = guarded(
            &format!("while rebuilding after: {what}"),
            || match session.as_mut() {
                Some(s) => s.rebuild(&changed),
                None => Session::start(build.clone()).map(|(s, r)| {
                    session = Some(s);
                    r
                }),
            },
        );
        let ms = t.elapsed().as_millis();
        let log = match &result {
            // A panic may have left the session half updated: the next change builds it anew.
            Err(_) => {
                session = None;
                format!(
                    "rebuild failed in {ms} ms: {what}, internal error; serving the last good build"
                )
            }
            Ok(Ok(r)) => {
                let errors = r
                    .report
                    .diagnostics
                    .iter()
                    .filter(|d| d.level == Level::Error)
                    .count();
                if errors == 0 {
                    format!(
                        "rebuilt in {ms} ms: {what}, {} page{}",
                        r.pages_rendered,
                        plural(r.pages_rendered)
                    )
                } else if r.report.written {
                    // `keep_going: true`: the errors are inside documents, published as text.
                    format!(
                        "rebuilt in {ms} ms: {what}, {} page{}, with {errors} error{} in documents",
                        r.pages_rendered,
                        plural(r.pages_rendered),
                        plural(errors)
                    )
                } else {
                    format!(
                        "rebuild failed in {ms} ms: {what}, {errors} error{}; serving the last good build",
                        plural(errors)
                    )
                }
            }
            Ok(Err(_)) => format!(
                "rebuild failed in {ms} ms: {what}, configuration error; serving the last good build"
            ),
        };
        finish_build(&shared, diagnostics_of(result), css_only, log, &report);
        // A configuration change may name other folders.
        let new_roots = configure(&shared, session.as_ref(), &site, &out);
        if new_roots.watched != roots.watched {
            watcher.update(&new_roots.watched);
            roots = new_roots;
        }
    }
    Ok(())
}

/// The findings of a build, of its fatal error, or of its panic.
fn diagnostics_of(result: Result<Result<Rebuild, Fatal>, Diagnostic>) -> Vec<Diagnostic> {
    match result {
        Ok(Ok(r)) => r.report.diagnostics,
        Ok(Err(Fatal::Config(d))) | Ok(Err(Fatal::Io(d))) | Err(d) => vec![d],
    }
}

/// Records a build's outcome, reports its diagnostics and log line, and tells open pages.
fn finish_build(
    shared: &Shared,
    diags: Vec<Diagnostic>,
    css_only: bool,
    log: String,
    report: &Reporter,
) {
    for d in diags.iter().filter(|d| d.level != Level::Info) {
        report(Message::Finding(d.clone()));
    }
    let errors: Vec<ErrorInfo> = diags
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(ErrorInfo::from_diagnostic)
        .collect();
    report(Message::Log(log.clone()));
    let event = {
        let mut s = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let had_errors = !s.errors.is_empty();
        s.generation += 1;
        let css = css_only && errors.is_empty() && !had_errors;
        s.errors = errors;
        s.building = false;
        s.last_log = log;
        if css {
            Event::Css(s.generation)
        } else {
            Event::Reload(s.generation)
        }
    };
    shared.idle.notify_all();
    shared.broadcast(event);
}

// ---------------------------------------------------------------------------------------------
// Panics in builds

/// Whether a build runs under [`guarded`]: its panics are recorded instead of printed.
static CAPTURING: AtomicBool = AtomicBool::new(false);
/// The first panic of the guarded build, with its place in helpsite's code.
static CAPTURED: Mutex<Option<String>> = Mutex::new(None);

/// Records the panics of guarded builds, on whichever thread they happen (rayon's workers run
/// most of a build), instead of printing them; the server's own threads print theirs as before.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let server_thread = std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with("helpsite-"));
        if server_thread || !CAPTURING.load(Ordering::SeqCst) {
            previous(info);
            return;
        }
        let at = info
            .location()
            .map(|l| format!(" (at {}:{}:{})", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let mut slot = CAPTURED.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(|| format!("{}{at}", panic_text(info.payload())));
    }));
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".into()
    }
}

/// Runs a build; a panic anywhere in it becomes an `internal` error with the panic's message.
/// `during` says what the build was for.
fn guarded<T>(during: &str, build: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    *CAPTURED.lock().unwrap_or_else(|e| e.into_inner()) = None;
    CAPTURING.store(true, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(build));
    CAPTURING.store(false, Ordering::SeqCst);
    let captured = CAPTURED.lock().unwrap_or_else(|e| e.into_inner()).take();
    result.map_err(|payload| {
        let text = captured.unwrap_or_else(|| panic_text(&*payload));
        Diagnostic::new(
            Kind::Internal,
            format!("the build stopped on a bug in helpsite: {text}"),
        )
        .note(during)
        .hint("the last good build stays served and the next change builds the whole site again; please report this bug with the file you saved")
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `a.md changed`, `a.md, b.md changed`, `a.md, b.md, c.md and 4 more changed`.
fn describe_changes(names: &[String]) -> String {
    const SHOWN: usize = 3;
    if names.len() <= SHOWN + 1 {
        format!("{} changed", names.join(", "))
    } else {
        format!(
            "{} and {} more changed",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `p` relative to the site folder when inside it.
fn display_path(site: &Path, p: &Path) -> String {
    match p.strip_prefix(site) {
        Ok(r) if r.as_os_str().is_empty() => ".".into(),
        Ok(r) => r.to_string_lossy().replace('\\', "/"),
        Err(_) => p.display().to_string(),
    }
}

/// Sets the path the site is served under and returns the folders to watch, from the
/// configuration the last build read (read here only when that build failed).
fn configure(shared: &Shared, session: Option<&Session>, site: &Path, out: &Path) -> Roots {
    let loaded;
    let config = match session.and_then(Session::config) {
        Some(c) => Some(c),
        None => {
            loaded = crate::config::load(site).ok();
            loaded.as_ref()
        }
    };
    if let Ok(b) = shared.base.write().as_deref_mut() {
        *b = config
            .map(|c| c.config.base_path())
            .unwrap_or_else(|| "/".into());
    }
    watch_roots(site, out, config)
}

fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, String> {
    let tries = if port == 0 { 1 } else { PORT_TRIES + 1 };
    let mut last = None;
    for i in 0..tries {
        let Some(p) = port.checked_add(i) else { break };
        match TcpListener::bind(SocketAddr::new(ip, p)) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(format!("cannot listen on {}: {e}", SocketAddr::new(ip, p))),
        }
    }
    Err(format!(
        "cannot listen on {}: ports {}-{} are all in use{}; choose another with --port",
        SocketAddr::new(ip, port),
        port,
        port.saturating_add(PORT_TRIES),
        last.map(|e| format!(" ({e})")).unwrap_or_default()
    ))
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_descriptions() {
        let names: Vec<String> = ["a.md", "b.md"].iter().map(|s| s.to_string()).collect();
        assert_eq!(describe_changes(&names), "a.md, b.md changed");
        let many: Vec<String> = (0..7).map(|i| format!("{i}.md")).collect();
        assert_eq!(
            describe_changes(&many),
            "0.md, 1.md, 2.md and 4 more changed"
        );
    }
}
