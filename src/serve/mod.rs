//! `helpsite serve`: a full build, then a local HTTP server for the output folder, a watcher
//! that rebuilds (through [`crate::session::Session`]) when content, theme or configuration
//! change, live reload over server-sent events, and an error overlay while a rebuild fails.
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

pub mod http;
pub mod inject;

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};

use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::session::{Rebuild, Session};
use crate::{BuildOptions, Fatal};

use http::{Method, Response};
use inject::ErrorInfo;

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
    /// Colours in diagnostics on standard error.
    pub color: bool,
    /// The time a client has for one request: sending it and receiving the answer.
    pub request_timeout: Duration,
}

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
pub fn run(opts: ServeOptions) -> Result<(), String> {
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
        base: RwLock::new(base_path(&site)),
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
        _ => format!(
            "build failed in {} ms; the errors are shown in the browser",
            t.elapsed().as_millis()
        ),
    };
    if first.is_err() {
        session = None;
    }
    finish_build(&shared, diagnostics_of(first), false, first_log, opts.color);

    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    if opts.port != 0 && addr.port() != opts.port {
        eprintln!(
            "port {} is busy; using port {} instead",
            opts.port,
            addr.port()
        );
    }
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}, not only on this computer: anyone who can reach this \
             address can read the site, its build errors and the source lines they show. \
             `helpsite serve` is a development server, not meant to be exposed; serve the \
             output of `helpsite build` with a web server to publish it",
            SocketAddr::new(addr.ip(), addr.port())
        );
    }
    let url = format!(
        "http://{}{}",
        SocketAddr::new(addr.ip(), addr.port()),
        shared.base.read().map(|b| b.clone()).unwrap_or("/".into())
    );

    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = Watcher::start(opts.poll, tx)?;
    let mut roots = watch_roots(&site, &out);
    watcher.update(&roots.watched);

    {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("helpsite-accept".into())
            .spawn(move || accept_loop(listener, shared))
            .map_err(|e| format!("cannot start the server thread: {e}"))?;
    }
    println!("serving {url}");
    let _ = io::stdout().flush();
    eprintln!(
        "watching {} for changes{}; press Ctrl+C to stop",
        roots
            .watched
            .iter()
            .map(|(p, _)| display_path(&site, p))
            .collect::<Vec<_>>()
            .join(", "),
        if opts.poll { " (polling)" } else { "" }
    );
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
        finish_build(&shared, diagnostics_of(result), css_only, log, opts.color);
        if let Ok(b) = shared.base.write().as_deref_mut() {
            *b = base_path(&site);
        }
        // A configuration change may name other folders.
        let new_roots = watch_roots(&site, &out);
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

/// Records a build's outcome, prints its diagnostics and log line, and tells open pages.
fn finish_build(shared: &Shared, diags: Vec<Diagnostic>, css_only: bool, log: String, color: bool) {
    for d in diags.iter().filter(|d| d.level != Level::Info) {
        eprintln!("{}\n", d.render(color));
    }
    let errors: Vec<ErrorInfo> = diags
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(ErrorInfo::from_diagnostic)
        .collect();
    eprintln!("{log}");
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

fn base_path(site: &Path) -> String {
    crate::config::load(site)
        .map(|c| c.config.base_path())
        .unwrap_or_else(|_| "/".into())
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

// ---------------------------------------------------------------------------------------------
// Watching

/// The folders to watch and the paths that matter inside them.
#[derive(Debug, PartialEq, Eq)]
struct Roots {
    watched: Vec<(PathBuf, bool)>,
    /// helpsite.yml, the content folder, locale folders and the theme folder.
    relevant: Vec<PathBuf>,
}

impl Roots {
    fn is_relevant(&self, p: &Path, out: &Path) -> bool {
        if p.starts_with(out) {
            return false;
        }
        let out_name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let staging = format!(".{out_name}.staging-");
        let old = format!(".{out_name}.old-");
        for c in p.components() {
            let c = c.as_os_str().to_string_lossy();
            if c.starts_with(&staging) || c.starts_with(&old) {
                return false;
            }
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Editors' swap and backup files.
        if name.ends_with('~')
            || name.starts_with(".#")
            || [".swp", ".swx", ".swo"].iter().any(|e| name.ends_with(e))
        {
            return false;
        }
        self.relevant.iter().any(|r| p.starts_with(r))
    }
}

fn watch_roots(site: &Path, out: &Path) -> Roots {
    let mut relevant = vec![site.join(crate::config::CONFIG_FILE)];
    let mut recursive: Vec<PathBuf> = Vec::new();
    match crate::config::load(site) {
        Ok(cfg) => {
            recursive.push(cfg.content_dir());
            for l in &cfg.config.locales {
                recursive.push(cfg.locale_dir(l));
            }
            if let Some(t) = cfg.theme_dir() {
                recursive.push(t);
            }
        }
        Err(_) => {
            recursive.push(site.join("content"));
            recursive.push(site.join("themes"));
        }
    }
    let recursive: Vec<PathBuf> = recursive
        .into_iter()
        .map(|p| fs::canonicalize(&p).unwrap_or_else(|_| absolute(&p)))
        .collect();
    relevant.extend(recursive.iter().cloned());
    // Watch each existing folder once (not one inside another), and the site folder itself
    // (not recursively) for helpsite.yml and folders that appear later.
    let mut watched: Vec<(PathBuf, bool)> = vec![(site.to_path_buf(), false)];
    let mut dirs: Vec<PathBuf> = recursive.into_iter().filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        if d == out || out.starts_with(d) && d == site {
            continue;
        }
        if !dirs.iter().any(|o| o != d && d.starts_with(o)) {
            watched.push((d.clone(), true));
        }
    }
    Roots { watched, relevant }
}

enum AnyDebouncer {
    Native(
        notify_debouncer_full::Debouncer<
            notify::RecommendedWatcher,
            notify_debouncer_full::RecommendedCache,
        >,
    ),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::NoCache>),
}

struct Watcher {
    debouncer: AnyDebouncer,
    current: Vec<(PathBuf, bool)>,
}

impl Watcher {
    fn start(poll: bool, tx: Sender<Vec<PathBuf>>) -> Result<Watcher, String> {
        let handler = move |res: notify_debouncer_full::DebounceEventResult| match res {
            Ok(events) => {
                let mut paths = Vec::new();
                for e in events {
                    match e.event.kind {
                        EventKind::Access(_) => continue,
                        EventKind::Modify(notify::event::ModifyKind::Metadata(
                            notify::event::MetadataKind::AccessTime,
                        )) => continue,
                        _ => paths.extend(e.event.paths.iter().cloned()),
                    }
                }
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watcher: {e}");
                }
            }
        };
        let debouncer = if poll {
            // notify's PollWatcher compares modification times in whole seconds: without
            // comparing contents, a second save within the same second would go unseen.
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            AnyDebouncer::Poll(
                notify_debouncer_full::new_debouncer_opt::<_, notify::PollWatcher, _>(
                    DEBOUNCE,
                    None,
                    handler,
                    notify_debouncer_full::NoCache,
                    config,
                )
                .map_err(|e| format!("cannot start the file watcher: {e}"))?,
            )
        } else {
            AnyDebouncer::Native(
                notify_debouncer_full::new_debouncer(DEBOUNCE, None, handler)
                    .map_err(|e| format!("cannot start the file watcher: {e} (try --poll)"))?,
            )
        };
        Ok(Watcher {
            debouncer,
            current: Vec::new(),
        })
    }

    /// Watches exactly `roots` (path, recursive) from now on.
    fn update(&mut self, roots: &[(PathBuf, bool)]) {
        for (p, _) in self.current.iter().filter(|r| !roots.contains(r)) {
            let _ = match &mut self.debouncer {
                AnyDebouncer::Native(d) => d.unwatch(p),
                AnyDebouncer::Poll(d) => d.unwatch(p),
            };
        }
        for (p, rec) in roots.iter().filter(|r| !self.current.contains(r)) {
            let mode = if *rec {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            let r = match &mut self.debouncer {
                AnyDebouncer::Native(d) => d.watch(p, mode),
                AnyDebouncer::Poll(d) => d.watch(p, mode),
            };
            if let Err(e) = r {
                eprintln!("warning: cannot watch {}: {e}", p.display());
            }
        }
        self.current = roots.to_vec();
    }
}

// ---------------------------------------------------------------------------------------------
// Serving

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Inherited by every connection's thread.
    crate::sigpipe::block_in_this_thread();
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of file descriptors and the like: back off a little.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let Some(slot) = Slot::take(&shared, false) else {
            refuse(&stream, "too many connections at once");
            continue;
        };
        let shared2 = shared.clone();
        let _ = std::thread::Builder::new()
            .name("helpsite-conn".into())
            .spawn(move || {
                let _ = handle_connection(stream, &shared2, slot);
            });
    }
}

/// 503, written without waiting on the client (the socket's buffer takes it).
fn refuse(stream: &TcpStream, why: &str) {
    let _ = stream.set_nonblocking(true);
    let body = format!("503 Service Unavailable: {why}\n");
    let _ = (&mut &*stream).write_all(
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
}

fn handle_connection(stream: TcpStream, shared: &Arc<Shared>, slot: Slot) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut io = http::Timed::new(&stream, Instant::now() + shared.request_timeout);
    let req = match http::read_request(&mut io) {
        Ok(r) => r,
        Err(http::HeadError(Some(status))) => {
            let what = match status {
                414 => "the request line is longer than 8 KiB",
                431 => "the request head is too large",
                408 => "the request was not sent in time",
                505 => "only HTTP/1.0 and HTTP/1.1 are supported",
                _ => "malformed request",
            };
            return http::send(&mut io, http::Response::text(status, what), false);
        }
        Err(http::HeadError(None)) => return Ok(()),
    };
    let head_only = req.method == Method::Head;
    if let Method::Other(_) = req.method {
        let resp =
            Response::text(405, "only GET and HEAD are allowed").header("Allow", "GET, HEAD");
        return http::send(&mut io, resp, false);
    }
    let path = req.target.split(['?', '#']).next().unwrap_or("");
    match path {
        "/_helpsite/events" if !head_only => {
            // From the page pool to the listeners' pool.
            let Some(listener) = Slot::take(shared, true) else {
                let resp = Response::text(503, "too many live-reload listeners");
                return http::send(&mut io, resp.header("Retry-After", "5"), false);
            };
            drop(slot);
            return serve_events(stream, shared, listener);
        }
        "/_helpsite/events" => {
            let resp = Response::new(200, "text/event-stream; charset=utf-8", "");
            return http::send(&mut io, resp, true);
        }
        "/_helpsite/status" => {
            let resp = status_response(shared);
            return http::send(&mut io, resp, head_only);
        }
        _ => {}
    }
    let resp = serve_path(shared, &req.target, io.deadline());
    http::send(&mut io, resp, head_only)
}

fn status_response(shared: &Shared) -> Response {
    let s = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let v = serde_json::json!({
        "ok": s.errors.is_empty(),
        "generation": s.generation,
        "building": s.building,
        "last_rebuild": s.last_log,
        "errors": s.errors,
        "listeners": shared.listeners.load(Ordering::SeqCst),
    });
    Response::new(
        200,
        "application/json; charset=utf-8",
        serde_json::to_string_pretty(&v).unwrap_or_default(),
    )
}

/// The server-sent event stream: `hello` with the current generation, then `reload` or `css`
/// after each build, and a comment every few seconds to keep the stream alive. A second thread
/// waits on the socket: when the client closes it, the listener ends at once and gives its
/// place back.
fn serve_events(stream: TcpStream, shared: &Shared, slot: Slot) -> io::Result<()> {
    let stream = Arc::new(stream);
    stream.set_write_timeout(Some(SSE_WRITE_TIMEOUT))?;
    let (tx, rx): (Sender<Event>, Receiver<Event>) = mpsc::channel();
    {
        let (stream, tx) = (stream.clone(), tx.clone());
        let watch = move || {
            let _ = stream.set_read_timeout(None);
            let mut sink = [0u8; 512];
            // Whatever else the client sends is ignored; the end of its stream ends the listener.
            loop {
                match (&mut &*stream).read(&mut sink) {
                    Ok(0) => break,
                    Ok(_) => continue,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                }
            }
            let _ = tx.send(Event::Closed);
        };
        std::thread::Builder::new()
            .name("helpsite-sse-watch".into())
            .stack_size(64 * 1024)
            .spawn(watch)?;
    }
    let id = Arc::as_ptr(&stream) as usize;
    let subscribers = || shared.subscribers.lock().unwrap_or_else(|e| e.into_inner());
    subscribers().push((id, tx));
    let result = stream_events(&stream, shared, &rx);
    // Gone at once, not at the next broadcast: tabs that open and close between two builds
    // leave nothing behind.
    subscribers().retain(|(i, _)| *i != id);
    // Ends the watching thread too.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    drop(slot);
    result
}

fn stream_events(stream: &TcpStream, shared: &Shared, rx: &Receiver<Event>) -> io::Result<()> {
    let mut w = stream;
    let (generation, _, _) = shared.snapshot();
    w.write_all(
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: 500\nevent: hello\ndata: {generation}\n\n")
            .as_bytes(),
    )?;
    loop {
        let msg = match rx.recv_timeout(SSE_PING) {
            Ok(Event::Reload(g)) => format!("event: reload\ndata: {g}\n\n"),
            Ok(Event::Css(g)) => format!("event: css\ndata: {g}\n\n"),
            Ok(Event::Closed) | Err(RecvTimeoutError::Disconnected) => return Ok(()),
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
        };
        w.write_all(msg.as_bytes())?;
    }
}

/// What a path resolved to.
enum Resolved {
    File(File, u64, String),
    Redirect,
    Missing,
    Forbidden,
}

/// The answer for a path under the output folder; a rebuild that runs is waited for until
/// `deadline` at most.
fn serve_path(shared: &Shared, target: &str, deadline: Instant) -> Response {
    let (segs, slash, query) = match http::split_target(target) {
        Ok(t) => t,
        Err(http::PathError::Malformed) => return Response::text(400, "malformed path"),
        Err(http::PathError::Forbidden) => return Response::text(403, "path not allowed"),
    };
    let base = shared
        .base
        .read()
        .map(|b| b.clone())
        .unwrap_or_else(|_| "/".into());
    let base_segs: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<String> = if segs.len() >= base_segs.len()
        && segs.iter().zip(&base_segs).all(|(a, b)| a == b)
    {
        segs[base_segs.len()..].to_vec()
    } else if segs.is_empty() {
        return Response::text(301, "moved").header("Location", base);
    } else {
        return not_found(shared, &[], false).unwrap_or_else(|| Response::text(404, "not found"));
    };
    // A rebuild swaps the output folder and only then records its errors: what was read while
    // one runs is read again once it is done, so that a page and its overlay always agree.
    let mut retry = true;
    loop {
        match serve_once(shared, &base, &segs, slash, &query, retry) {
            Some(resp) => return resp,
            None => {
                shared.wait_idle(deadline.saturating_duration_since(Instant::now()));
                retry = false;
            }
        }
    }
}

/// One try at answering; `None` (only when `retry`) when a rebuild ran meanwhile.
fn serve_once(
    shared: &Shared,
    base: &str,
    segs: &[String],
    slash: bool,
    query: &str,
    retry: bool,
) -> Option<Response> {
    match resolve_in_output(shared, segs, slash) {
        Resolved::File(f, len, name) => file_response(shared, f, len, &name, 200, retry),
        Resolved::Redirect => {
            let mut loc = base.to_string();
            for s in segs {
                loc.push_str(&http::encode_segment(s));
                loc.push('/');
            }
            loc.push_str(query);
            Some(Response::text(301, "moved").header("Location", loc))
        }
        Resolved::Missing if retry && (shared.is_building() || !shared.out.exists()) => None,
        Resolved::Missing => not_found(shared, segs, retry),
        Resolved::Forbidden => Some(Response::text(403, "path not allowed")),
    }
}

/// Resolves `segs` under the canonical output folder, refusing anything that leaves it.
fn resolve_in_output(shared: &Shared, segs: &[String], slash: bool) -> Resolved {
    let Ok(root) = fs::canonicalize(&shared.out) else {
        return Resolved::Missing;
    };
    let mut candidate = root.clone();
    for s in segs {
        candidate.push(s);
    }
    let Ok(real) = fs::canonicalize(&candidate) else {
        return Resolved::Missing;
    };
    if !real.starts_with(&root) {
        return Resolved::Forbidden;
    }
    let Ok(meta) = fs::metadata(&real) else {
        return Resolved::Missing;
    };
    let file = if meta.is_dir() {
        if !slash && !segs.is_empty() {
            return Resolved::Redirect;
        }
        let Ok(index) = fs::canonicalize(real.join("index.html")) else {
            return Resolved::Missing;
        };
        if !index.starts_with(&root) {
            return Resolved::Forbidden;
        }
        index
    } else {
        real
    };
    open_file(&file)
}

/// Opens a regular file through the one regular-file opener ([`crate::source::open_regular`]):
/// a FIFO, a device or a socket is refused without waiting, so it cannot hold the request.
fn open_file(path: &Path) -> Resolved {
    match crate::source::open_regular(path) {
        Ok((f, len)) => Resolved::File(
            f,
            len,
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        Err(crate::source::ReadError::NotRegular(_)) => Resolved::Forbidden,
        Err(_) => Resolved::Missing,
    }
}

/// The locale's 404 page (`/<locale>/404.html`), else `/404.html`, else a minimal one; status 404.
fn not_found(shared: &Shared, segs: &[String], retry: bool) -> Option<Response> {
    let mut tries: Vec<Vec<String>> = Vec::new();
    if let Some(first) = segs.first() {
        tries.push(vec![first.clone(), "404.html".into()]);
    }
    tries.push(vec!["404.html".into()]);
    for t in tries {
        if let Resolved::File(f, len, name) = resolve_in_output(shared, &t, false) {
            return file_response(shared, f, len, &name, 404, retry);
        }
    }
    let (generation, errors, building) = shared.snapshot();
    if building && retry {
        return None;
    }
    let html = inject::inject(
        &inject::fallback_page(404, "Not Found"),
        generation,
        &errors,
    );
    Some(Response::new(404, "text/html; charset=utf-8", html))
}

/// The file as it is, or with the live-reload script (and overlay) for HTML. `None` when a
/// rebuild runs (and `retry`): the page may be newer than the recorded errors.
fn file_response(
    shared: &Shared,
    mut f: File,
    len: u64,
    name: &str,
    status: u16,
    retry: bool,
) -> Option<Response> {
    let ct = http::content_type(name);
    if ct.starts_with("text/html") {
        let mut bytes = Vec::with_capacity(len as usize);
        if io::Read::read_to_end(&mut f, &mut bytes).is_err() {
            return Some(Response::text(500, "cannot read the file"));
        }
        let (generation, errors, building) = shared.snapshot();
        if building && retry {
            return None;
        }
        let html = inject::inject(&String::from_utf8_lossy(&bytes), generation, &errors);
        return Some(Response::new(status, ct, html));
    }
    Some(Response {
        status,
        headers: vec![("Content-Type", ct.to_string())],
        body: http::Body::File(f, len),
    })
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

    #[test]
    fn relevance_ignores_output_staging_and_swap_files() {
        let site = PathBuf::from("/s");
        let out = PathBuf::from("/s/public");
        let roots = Roots {
            watched: vec![],
            relevant: vec![site.join("helpsite.yml"), site.join("content")],
        };
        assert!(roots.is_relevant(Path::new("/s/content/en-us/a.md"), &out));
        assert!(roots.is_relevant(Path::new("/s/helpsite.yml"), &out));
        assert!(!roots.is_relevant(Path::new("/s/README.md"), &out));
        assert!(!roots.is_relevant(Path::new("/s/public/en-us/index.html"), &out));
        assert!(!roots.is_relevant(Path::new("/s/.public.staging-12/a.html"), &out));
        assert!(!roots.is_relevant(Path::new("/s/.public.old-12"), &out));
        assert!(!roots.is_relevant(Path::new("/s/content/en-us/.a.md.swp"), &out));
        assert!(!roots.is_relevant(Path::new("/s/content/en-us/a.md~"), &out));
    }
}
