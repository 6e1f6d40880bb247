//! `helpsite serve`: each test writes a small site into a temporary folder, starts the binary on
//! a free loopback port (`--port 0`; the URL is read from its standard output), and talks HTTP
//! to it over raw sockets. The server is killed when a test ends.
//!
//! No test depends on how fast the machine is: each waits for something it can observe (a
//! page's new text, `/_helpsite/status`, an event on the stream, the server closing a socket),
//! and the deadlines ([`PATIENCE`], socket timeouts) are only safety nets against a hang, far
//! longer than anything takes on a busy machine; none is what a test asserts.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::write;

const CONFIG: &str = "title: Serve Test
base_url: https://help.example.com/
source_locale: en-US
locales:
  - code: en-US
    name: English
";

/// The safety net for anything awaited: a hang, not a slow machine, ends a test.
const PATIENCE: Duration = Duration::from_secs(120);

/// A small site: a home page, two articles (one with an include), an include and a TOC.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "helpsite.yml", CONFIG);
    write(
        root,
        "content/en-us/index.md",
        "---\ntitle: Home\n---\n\n# Home\n\nWelcome to the [alpha page](alpha.md).\n",
    );
    write(
        root,
        "content/en-us/alpha.md",
        "---\ntitle: Alpha\n---\n\n# Alpha\n\nAlpha body text.\n\n[!INCLUDE [note](includes/note.md)]\n",
    );
    write(
        root,
        "content/en-us/beta.md",
        "---\ntitle: Beta\n---\n\n# Beta\n\nBeta original text.\n",
    );
    write(
        root,
        "content/en-us/includes/note.md",
        "Included note text.\n",
    );
    write(
        root,
        "content/en-us/toc.yml",
        "- name: Home\n  href: index.md\n- name: Alpha\n  href: alpha.md\n- name: Beta\n  href: beta.md\n",
    );
    dir
}

/// The running server; killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(site: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(site, extra, &[])
    }

    fn start_with_env(site: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let log = site.join("serve.log");
        let err = fs::File::create(&log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_helpsite"))
            .args(["serve", "--site"])
            .arg(site)
            .args(extra)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err))
            .spawn()
            .expect("start helpsite serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            log,
        };
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("serving http://") {
                        let hostport = url.trim_end_matches('/');
                        server.addr = hostport.parse().expect("an address");
                        return server;
                    }
                }
                Err(_) => panic!("serve printed no URL; log:\n{}", server.log()),
            }
        }
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn request(&self, raw: &[u8]) -> Reply {
        request(self.addr, raw)
    }

    /// Whether the process still runs.
    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Polls the status until `pred` holds.
    fn wait_status(
        &self,
        what: &str,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let s = self.status_json();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; status {s:#}\nlog:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.request(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
    }

    fn status_json(&self) -> serde_json::Value {
        let r = self.get("/_helpsite/status");
        assert_eq!(r.status, 200);
        serde_json::from_str(&r.body).expect("status is JSON")
    }

    /// Polls `path` until `pred` holds, for at most [`PATIENCE`].
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = Instant::now() + PATIENCE;
        let mut last;
        loop {
            last = self.get(path);
            if pred(&last) {
                return last;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what} at {path}; last reply {} {}\nlog:\n{}",
                    last.status,
                    &last.body[..last.body.len().min(400)],
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Connects to the server; only ever to a loopback address.
fn connect(addr: SocketAddr) -> TcpStream {
    assert!(addr.ip().is_loopback(), "tests talk to loopback only");
    let s = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.set_write_timeout(Some(PATIENCE)).unwrap();
    s
}

fn request(addr: SocketAddr, raw: &[u8]) -> Reply {
    let mut s = connect(addr);
    s.write_all(raw).expect("send request");
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).expect("read reply");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a reply head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// Writes `text` to a temporary file beside `path` and renames it over `path`, as editors do.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

#[test]
fn serves_pages_with_types_redirects_and_methods() {
    let dir = site();
    let srv = Server::start(dir.path(), &["--port", "0"]);

    let home = srv.get("/en-us/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("Welcome to the"), "{}", home.body);
    // Live reload is injected before </body>.
    let script = home.body.find("/_helpsite/events").expect("live reload");
    assert!(script < home.body.rfind("</body>").unwrap());
    assert!(!home.body.contains("helpsite-error-overlay"));

    let alpha = srv.get("/en-us/alpha/");
    assert_eq!(alpha.status, 200);
    assert!(alpha.body.contains("Alpha body text."));
    assert!(alpha.body.contains("Included note text."));

    // A directory without its slash is redirected, keeping the query.
    let r = srv.get("/en-us/alpha?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some("/en-us/alpha/?x=1"));

    // The site root's chooser page.
    assert_eq!(srv.get("/").status, 200);

    // Stylesheets and other files with their types.
    let css = srv.get("/_static/helpsite.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    let xml = srv.get("/sitemap.xml");
    assert_eq!(xml.status, 200);
    assert!(xml
        .header("content-type")
        .unwrap()
        .starts_with("application/xml"));

    // HEAD: the same head, no body.
    let head = srv.request(b"HEAD /en-us/alpha/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let len: usize = head.header("content-length").unwrap().parse().unwrap();
    assert_eq!(len, alpha.body.len());

    // Only GET and HEAD.
    for m in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r =
            srv.request(format!("{m} /en-us/ HTTP/1.1\r\nContent-Length: 0\r\n\r\n").as_bytes());
        assert_eq!(r.status, 405, "{m}");
        assert_eq!(r.header("allow").as_deref(), Some("GET, HEAD"));
    }

    // No directory listing: a folder without index.html is not found.
    fs::create_dir_all(dir.path().join("public/en-us/empty-folder")).unwrap();
    assert_eq!(srv.get("/en-us/empty-folder/").status, 404);

    // Unknown paths: the locale's 404 page, else the root one, with status 404.
    let nf = srv.get("/en-us/no-such-page/");
    assert_eq!(nf.status, 404);
    assert!(nf.body.contains("class=\"not-found\""), "{}", nf.body);
    assert!(nf.body.contains("/_helpsite/events"));
    let nf = srv.get("/nowhere/at/all");
    assert_eq!(nf.status, 404);
    assert!(nf.body.contains("not-found"), "{}", nf.body);

    let status = srv.status_json();
    assert_eq!(status["ok"], true);
    assert_eq!(status["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn refuses_traversal_long_and_malformed_requests() {
    let dir = site();
    // Time enough for the slow client below, however busy the machine.
    let srv = Server::start(dir.path(), &["--port", "0", "--request-timeout", "3600"]);
    let secret = "base_url: https://help.example.com/";
    let out = dir.path().join("public");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("helpsite.yml"), out.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), out.join("en-us/leakdir")).unwrap();
    }
    for path in [
        "/../helpsite.yml",
        "/../../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/helpsite.yml",
        "/..%2fhelpsite.yml",
        "/en-us/..%2f..%2fhelpsite.yml",
        "/en-us/%2E%2E/%2E%2E/helpsite.yml",
        "/en-us/..\\..\\helpsite.yml",
        "/en-us/..%5c..%5chelpsite.yml",
        "/en-us/%00/index.html",
        "/leak.txt",
        "/en-us/leakdir/helpsite.yml",
        "/en-us/leakdir/",
    ] {
        let r = srv.get(path);
        assert!(
            r.status == 403 || r.status == 404 || r.status == 400,
            "{path}: {}",
            r.status
        );
        assert!(!r.body.contains(secret), "{path} leaked the file");
        assert!(!r.body.contains("root:"), "{path} leaked /etc/passwd");
    }
    assert_eq!(srv.get("/../helpsite.yml").status, 403);
    assert_eq!(srv.get("/%2e%2e/%2e%2e/etc/passwd").status, 403);
    assert_eq!(srv.get("/..%2fhelpsite.yml").status, 403);

    // A 20 KB URL: 414, and the server goes on answering.
    let long = format!("/en-us/{}", "a".repeat(20 * 1024));
    assert_eq!(srv.get(&long).status, 414);
    assert_eq!(srv.get("/en-us/").status, 200);

    // Malformed request lines.
    assert_eq!(srv.request(b"GARBAGE\r\n\r\n").status, 400);
    assert_eq!(srv.request(b"GET  / HTTP/1.1\r\n\r\n").status, 400);
    assert_eq!(srv.request(b"GET /%zz HTTP/1.1\r\n\r\n").status, 400);
    assert_eq!(srv.request(b"GET / HTTP/9.9\r\n\r\n").status, 505);

    // A slow client that sends half a request does not hold up others: another request is
    // answered while it waits, then its own once it is complete.
    let mut slow = connect(srv.addr);
    slow.write_all(b"GET /en-us/ HT").unwrap();
    assert_eq!(srv.get("/en-us/alpha/").status, 200);
    slow.write_all(b"TP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reply = Vec::new();
    slow.read_to_end(&mut reply).unwrap();
    assert!(
        reply.starts_with(b"HTTP/1.1 200 "),
        "{}",
        String::from_utf8_lossy(&reply[..reply.len().min(200)])
    );
    assert_eq!(srv.get("/en-us/").status, 200);
}

#[test]
fn edits_additions_renames_and_deletions_show_up() {
    let dir = site();
    let root = dir.path();
    let srv = Server::start(root, &["--port", "0"]);
    assert_eq!(srv.get("/en-us/gamma/").status, 404);

    // Edit.
    write(
        root,
        "content/en-us/alpha.md",
        "---\ntitle: Alpha\n---\n\n# Alpha\n\nAlpha EDITED text.\n",
    );
    srv.wait_for("/en-us/alpha/", "the edit", |r| {
        r.status == 200 && r.body.contains("Alpha EDITED text.")
    });

    // Edit an include.
    fs::write(
        root.join("content/en-us/alpha.md"),
        "---\ntitle: Alpha\n---\n\n# Alpha\n\n[!INCLUDE [note](includes/note.md)]\n",
    )
    .unwrap();
    srv.wait_for("/en-us/alpha/", "the include back", |r| {
        r.body.contains("Included note text.")
    });
    write(
        root,
        "content/en-us/includes/note.md",
        "Changed note text.\n",
    );
    srv.wait_for("/en-us/alpha/", "the edited include", |r| {
        r.body.contains("Changed note text.")
    });

    // Addition.
    write(
        root,
        "content/en-us/gamma.md",
        "---\ntitle: Gamma\n---\n\n# Gamma\n\nA new gamma page.\n",
    );
    srv.wait_for("/en-us/gamma/", "the new page", |r| {
        r.status == 200 && r.body.contains("A new gamma page.")
    });

    // Save by rename.
    save_by_rename(
        &root.join("content/en-us/beta.md"),
        "---\ntitle: Beta\n---\n\n# Beta\n\nBeta RENAMED-IN text.\n",
    );
    srv.wait_for("/en-us/beta/", "the renamed-in save", |r| {
        r.status == 200 && r.body.contains("Beta RENAMED-IN text.")
    });

    // Rename an article: the old URL goes, the new one comes.
    fs::rename(
        root.join("content/en-us/gamma.md"),
        root.join("content/en-us/delta.md"),
    )
    .unwrap();
    srv.wait_for("/en-us/delta/", "the renamed page", |r| {
        r.status == 200 && r.body.contains("A new gamma page.")
    });
    assert_eq!(srv.get("/en-us/gamma/").status, 404);

    // Deletion: the locale's 404 page.
    fs::remove_file(root.join("content/en-us/beta.md")).unwrap();
    let r = srv.wait_for("/en-us/beta/", "the deletion", |r| r.status == 404);
    assert!(r.body.contains("class=\"not-found\""), "{}", r.body);

    // One log line per rebuild, naming the change and the page count.
    let log = srv.log();
    assert!(
        log.lines().any(|l| l.starts_with("rebuilt in ")
            && l.contains("content/en-us/alpha.md changed")
            && (l.ends_with(" pages") || l.ends_with(" page"))),
        "{log}"
    );
    assert!(srv.status_json()["ok"] == true);
}

#[test]
fn errors_show_in_an_overlay_until_fixed() {
    let dir = site();
    let root = dir.path();
    let srv = Server::start(root, &["--port", "0"]);

    // A tab in the front matter is an error with its position.
    write(
        root,
        "content/en-us/alpha.md",
        "---\ntitle: Alpha\n\tbroken: <yes>\n---\n\n# Alpha\n\nAlpha after the break.\n",
    );
    // (Until the save is complete, a rebuild may see part of it, with other errors.)
    let status = srv.wait_status("the tab error", |s| {
        s["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["file"] == "content/en-us/alpha.md" && e["line"] == 3)
    });
    let errors = status["errors"].as_array().unwrap();
    let e = errors
        .iter()
        .find(|e| e["file"] == "content/en-us/alpha.md")
        .unwrap_or_else(|| panic!("{status:#}"));
    let pos = e["position"].as_str().unwrap();
    assert!(pos.starts_with("content/en-us/alpha.md:3:"), "{pos}");
    assert_eq!(e["line"], 3);
    assert!(e["snippet"].as_str().unwrap().contains("broken"));

    // Every page shows the overlay, over the last good build.
    for path in ["/en-us/alpha/", "/en-us/beta/", "/en-us/nothing-here/"] {
        let r = srv.get(path);
        assert!(r.body.contains("id=\"helpsite-error-overlay\""), "{path}");
        assert!(r.body.contains("role=\"alert\""));
        assert!(r.body.contains(pos), "{path}");
        assert!(r.body.contains("&lt;yes&gt;"), "the snippet, escaped");
    }
    assert!(srv.get("/en-us/alpha/").body.contains("Alpha body text."));
    assert!(srv.log().contains("rebuild failed in "));

    // Fixed: the overlay goes and the new text comes.
    write(
        root,
        "content/en-us/alpha.md",
        "---\ntitle: Alpha\n---\n\n# Alpha\n\nAlpha after the fix.\n",
    );
    let r = srv.wait_for("/en-us/alpha/", "the fix", |r| {
        r.body.contains("Alpha after the fix.")
    });
    assert!(!r.body.contains("helpsite-error-overlay"));
    assert_eq!(srv.status_json()["ok"], true);

    // A broken configuration does not stop the server either.
    write(root, "helpsite.yml", &format!("{CONFIG}tittle: typo\n"));
    srv.wait_status("the configuration error", |s| {
        s["errors"][0]["position"]
            .as_str()
            .is_some_and(|p| p.starts_with("helpsite.yml:"))
    });
    assert!(srv
        .get("/en-us/alpha/")
        .body
        .contains("helpsite-error-overlay"));
    write(root, "helpsite.yml", CONFIG);
    srv.wait_for("/en-us/alpha/", "the fixed config", |r| {
        r.status == 200 && !r.body.contains("helpsite-error-overlay")
    });
}

/// Reads server-sent events until one named `name` arrives (a read that waits longer than
/// [`PATIENCE`] fails).
fn read_event(reader: &mut BufReader<TcpStream>, name: &str) -> String {
    let mut event = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => panic!("event stream closed"),
            Ok(_) => {}
            Err(e) => panic!("no `{name}` event: {e}"),
        }
        let l = line.trim_end();
        if let Some(n) = l.strip_prefix("event: ") {
            event = n.to_string();
        } else if let Some(d) = l.strip_prefix("data: ") {
            if event == name {
                return d.to_string();
            }
        }
    }
}

fn open_events(addr: SocketAddr) -> BufReader<TcpStream> {
    let mut s = connect(addr);
    s.write_all(b"GET /_helpsite/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let mut saw_type = false;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        if h.trim().is_empty() {
            break;
        }
        saw_type |= h
            .to_ascii_lowercase()
            .starts_with("content-type: text/event-stream");
    }
    assert!(saw_type);
    r
}

#[test]
fn event_stream_announces_rebuilds_and_css_changes() {
    let dir = site();
    let root = dir.path();
    // A theme of its own, so that a stylesheet can change.
    crate::support::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &root.join("themes/default"),
    );
    write(
        root,
        "helpsite.yml",
        &format!("{CONFIG}theme: themes/default\n"),
    );
    let srv = Server::start(root, &["--port", "0"]);

    let mut events = open_events(srv.addr);
    let hello: u64 = read_event(&mut events, "hello").parse().unwrap();
    let page = srv.get("/en-us/alpha/");
    assert!(page.body.contains(&format!("var gen = {hello};")));

    write(
        root,
        "content/en-us/alpha.md",
        "---\ntitle: Alpha\n---\n\n# Alpha\n\nAlpha for events.\n",
    );
    let g: u64 = read_event(&mut events, "reload").parse().unwrap();
    assert!(g > hello);
    // (A rebuild may have seen the save half done: the page has the text by the last one.)
    srv.wait_for("/en-us/alpha/", "the edit", |r| {
        r.body.contains("Alpha for events.")
    });

    // Only a stylesheet changed: a `css` event, no reload.
    let css = root.join("themes/default/static/helpsite.css");
    let mut text = fs::read_to_string(&css).unwrap();
    text.push_str("\n.serve-test-marker { color: red; }\n");
    fs::write(&css, text).unwrap();
    let g2: u64 = read_event(&mut events, "css").parse().unwrap();
    assert!(g2 > g);
    srv.wait_for("/_static/helpsite.css", "the new stylesheet", |r| {
        r.body.contains("serve-test-marker")
    });
}

#[test]
fn concurrent_requests_during_rebuilds_all_succeed() {
    let dir = site();
    let root = dir.path().to_path_buf();
    let srv = Server::start(&root, &["--port", "0"]);
    let addr = srv.addr;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..6)
        .map(|i| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let path = ["/en-us/alpha/", "/en-us/beta/", "/_static/helpsite.css"][i % 3];
                let mut n = 0;
                let mut failures = Vec::new();
                let deadline = Instant::now() + Duration::from_secs(60);
                while !stop.load(std::sync::atomic::Ordering::SeqCst)
                    && n < 400
                    && Instant::now() < deadline
                {
                    let r = request(addr, format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes());
                    if r.status != 200 {
                        failures.push(r.status);
                    }
                    n += 1;
                }
                (n, failures)
            })
        })
        .collect();
    for i in 0..4 {
        write(
            &root,
            "content/en-us/beta.md",
            &format!("---\ntitle: Beta\n---\n\n# Beta\n\nBeta version {i}.\n"),
        );
        srv.wait_for("/en-us/beta/", "the edit", |r| {
            r.body.contains(&format!("Beta version {i}."))
        });
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut total = 0;
    for w in workers {
        let (n, failures) = w.join().unwrap();
        assert!(failures.is_empty(), "failed statuses: {failures:?}");
        total += n;
    }
    assert!(total > 0);
}

#[test]
fn a_busy_port_moves_to_the_next_free_one() {
    let dir = site();
    // Hold a port, then ask for it.
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    if port > u16::MAX - 25 {
        return;
    }
    let srv = Server::start(dir.path(), &["--port", &port.to_string()]);
    assert_ne!(srv.addr.port(), port);
    assert!(srv.addr.port() > port && srv.addr.port() <= port + 20);
    assert!(
        srv.log().contains(&format!("port {port} is busy")),
        "{}",
        srv.log()
    );
    assert_eq!(srv.get("/en-us/").status, 200);
}

#[test]
fn polling_watcher_sees_edits() {
    let dir = site();
    let root = dir.path();
    let srv = Server::start(root, &["--port", "0", "--poll"]);
    write(
        root,
        "content/en-us/beta.md",
        "---\ntitle: Beta\n---\n\n# Beta\n\nBeta seen by polling.\n",
    );
    srv.wait_for("/en-us/beta/", "the polled edit", |r| {
        r.body.contains("Beta seen by polling.")
    });
    // A second save at once (same second of modification time) is seen too.
    write(
        root,
        "content/en-us/beta.md",
        "---\ntitle: Beta\n---\n\n# Beta\n\nBeta polled AGAIN.\n",
    );
    srv.wait_for("/en-us/beta/", "the second polled edit", |r| {
        r.body.contains("Beta polled AGAIN.")
    });
    assert!(srv.log().contains("(polling)"));
}

/// Makes the next rebuild that renders a page holding it panic (see `HELPSITE_TEST_PANIC_MARKER`
/// in `src/render/mod.rs`): no real input is meant to panic, so the test brings its own.
const PANIC_MARKER: &str = "PANIC-HERE-7f3a";

fn panic_env() -> [(&'static str, &'static str); 1] {
    [("HELPSITE_TEST_PANIC_MARKER", PANIC_MARKER)]
}

fn internal_error(s: &serde_json::Value) -> Option<serde_json::Value> {
    s["errors"]
        .as_array()?
        .iter()
        .find(|e| e["kind"] == "internal")
        .cloned()
}

#[test]
fn a_panic_in_a_rebuild_is_an_error_and_the_last_good_build_stays() {
    let dir = site();
    let root = dir.path();
    let mut srv = Server::start_with_env(root, &["--port", "0"], &panic_env());

    // An edit of an article: the incremental rebuild panics.
    write(
        root,
        "content/en-us/alpha.md",
        &format!("---\ntitle: Alpha\n---\n\n# Alpha\n\n{PANIC_MARKER}\n"),
    );
    let status = srv.wait_status("the panic reported", |s| internal_error(s).is_some());
    let e = internal_error(&status).unwrap();
    let message = e["message"].as_str().unwrap();
    assert!(
        message.starts_with("the build stopped on a bug in helpsite: ")
            && message.contains("HELPSITE_TEST_PANIC_MARKER found in a page")
            && message.contains("src/render/mod.rs:"),
        "{message}"
    );
    // The overlay over the last good build, and the same error on standard error.
    let page = srv.get("/en-us/alpha/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Alpha body text."));
    assert!(page.body.contains("id=\"helpsite-error-overlay\""));
    assert!(page
        .body
        .contains("HELPSITE_TEST_PANIC_MARKER found in a page"));
    let log = srv.log();
    assert!(
        log.contains("the build stopped on a bug in helpsite") && log.contains("[internal]"),
        "{log}"
    );
    assert!(
        log.contains("content/en-us/alpha.md changed, internal error; serving the last good build"),
        "{log}"
    );
    assert!(srv.alive());

    // The next good edit recovers (with a full build: the session is started again).
    write(
        root,
        "content/en-us/alpha.md",
        "---\ntitle: Alpha\n---\n\n# Alpha\n\nAlpha after the panic.\n",
    );
    let r = srv.wait_for("/en-us/alpha/", "the recovery", |r| {
        r.body.contains("Alpha after the panic.")
    });
    assert!(!r.body.contains("helpsite-error-overlay"));
    assert_eq!(srv.status_json()["ok"], true);

    // A new article: the full rebuild panics, then recovers the same way.
    write(
        root,
        "content/en-us/gamma.md",
        &format!("---\ntitle: Gamma\n---\n\n# Gamma\n\n{PANIC_MARKER}\n"),
    );
    srv.wait_status("the panic in a full build", |s| internal_error(s).is_some());
    assert_eq!(srv.get("/en-us/gamma/").status, 404);
    assert!(srv
        .get("/en-us/alpha/")
        .body
        .contains("Alpha after the panic."));
    write(
        root,
        "content/en-us/gamma.md",
        "---\ntitle: Gamma\n---\n\n# Gamma\n\nGamma is fine.\n",
    );
    srv.wait_for("/en-us/gamma/", "the recovered full build", |r| {
        r.status == 200 && r.body.contains("Gamma is fine.")
    });
    assert_eq!(srv.status_json()["ok"], true);
    assert!(srv.alive());
}

#[test]
fn a_panic_in_the_first_build_is_shown_until_fixed() {
    let dir = site();
    let root = dir.path();
    write(
        root,
        "content/en-us/beta.md",
        &format!("---\ntitle: Beta\n---\n\n# Beta\n\n{PANIC_MARKER}\n"),
    );
    let srv = Server::start_with_env(root, &["--port", "0"], &panic_env());
    let status = srv.status_json();
    assert!(internal_error(&status).is_some(), "{status:#}");
    let r = srv.get("/en-us/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("id=\"helpsite-error-overlay\""));
    write(
        root,
        "content/en-us/beta.md",
        "---\ntitle: Beta\n---\n\n# Beta\n\nBeta without the marker.\n",
    );
    srv.wait_for("/en-us/beta/", "the first good build", |r| {
        r.status == 200 && r.body.contains("Beta without the marker.")
    });
}

#[cfg(unix)]
#[test]
fn only_regular_files_are_served() {
    let dir = site();
    let srv = Server::start(dir.path(), &["--port", "0"]);
    let out = dir.path().join("public/en-us");
    fs::create_dir_all(out.join("fifo-folder")).unwrap();
    for fifo in [out.join("fifo.html"), out.join("fifo-folder/index.html")] {
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }
    // Without a writer, opening a FIFO would wait for ever: each is refused at once instead.
    assert_eq!(srv.get("/en-us/fifo.html").status, 403);
    assert_eq!(srv.get("/en-us/fifo-folder/").status, 403);
    assert_eq!(srv.get("/en-us/alpha/").status, 200);
}

/// Opens a live-reload stream and reads its head and greeting.
fn open_listener(addr: SocketAddr) -> BufReader<TcpStream> {
    let mut r = open_events(addr);
    read_event(&mut r, "hello");
    r
}

#[test]
fn live_reload_listeners_do_not_take_the_places_of_page_requests() {
    let dir = site();
    let srv = Server::start(dir.path(), &["--port", "0"]);
    // 300 open tabs, more than the 256 page requests served at once.
    let tabs: Vec<_> = (0..300).map(|_| open_listener(srv.addr)).collect();
    assert_eq!(srv.status_json()["listeners"], 300);
    assert_eq!(srv.get("/en-us/alpha/").status, 200);
    assert_eq!(srv.get("/_static/helpsite.css").status, 200);
    // Closed tabs give their places back.
    drop(tabs);
    srv.wait_status("the closed listeners freed", |s| s["listeners"] == 0);
    assert_eq!(srv.get("/en-us/alpha/").status, 200);

    // 300 connections opened and closed at once, with or without a request.
    for i in 0..300 {
        let mut s = connect(srv.addr);
        if i % 2 == 0 {
            let _ = s.write_all(b"GET /_helpsite/events HTTP/1.1\r\n\r\n");
        }
    }
    assert_eq!(srv.get("/en-us/alpha/").status, 200);
    srv.wait_status("the closed listeners freed", |s| s["listeners"] == 0);
    assert_eq!(srv.get("/en-us/").status, 200);
}

#[test]
fn a_trickling_client_is_cut_off() {
    let dir = site();
    let srv = Server::start(dir.path(), &["--port", "0", "--request-timeout", "1"]);
    let mut s = connect(srv.addr);
    s.write_all(b"GET /en-us/").unwrap();
    // One byte of the path at a time, each well within any per-read timeout, until the server
    // answers and closes; the request is never complete, so only the total limit can end it.
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let deadline = Instant::now() + PATIENCE;
    let mut reply = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        assert!(
            Instant::now() < deadline,
            "the server never cut the client off"
        );
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => reply.extend_from_slice(&buf[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                // Once the server has closed, writes fail: keep reading its answer.
                let _ = s.write_all(b"a");
            }
            // Bytes sent after the server stopped reading may make it reset the connection.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("{e}"),
        }
    }
    // Closed by the server; what came first is a 408.
    let reply = String::from_utf8_lossy(&reply);
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 408 "),
        "{reply}"
    );
    assert_eq!(srv.get("/en-us/").status, 200);
}

#[test]
fn a_client_that_leaves_mid_download_does_not_stop_the_server() {
    let dir = site();
    let mut srv = Server::start(dir.path(), &["--port", "0"]);
    // Bigger than what the sockets' buffers hold, so the server is still writing.
    fs::write(dir.path().join("public/big.bin"), vec![7u8; 16 << 20]).unwrap();
    for _ in 0..3 {
        let mut s = connect(srv.addr);
        s.write_all(b"GET /big.bin HTTP/1.1\r\n\r\n").unwrap();
        let mut head = [0u8; 64];
        s.read_exact(&mut head).unwrap();
        assert!(head.starts_with(b"HTTP/1.1 200 "));
    }
    assert_eq!(srv.get("/en-us/").status, 200);
    assert!(srv.alive());
}

#[test]
fn binding_beyond_loopback_warns() {
    let dir = site();
    // No request is sent: the test only reads what the server says.
    let srv = Server::start(dir.path(), &["--port", "0", "--bind", "0.0.0.0"]);
    let log = srv.log();
    assert!(
        log.contains(&format!(
            "warning: listening on 0.0.0.0:{}, not only on this computer",
            srv.addr.port()
        )),
        "{log}"
    );
    assert!(log.contains("not meant to be exposed"), "{log}");

    let dir = site();
    let srv = Server::start(dir.path(), &["--port", "0"]);
    assert!(!srv.log().contains("warning: listening"));
}

/// The files of a locale's search index on disk, and those its meta.json names (with itself).
fn search_files(out: &Path, locale: &str) -> (Vec<String>, Vec<String>) {
    let dir = out.join(locale).join("_search");
    let mut on_disk: Vec<String> = fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    let meta: serde_json::Value = fs::read(dir.join("meta.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut named: Vec<String> = vec!["meta.json".to_string()];
    for c in meta["chunks"].as_array().into_iter().flatten() {
        named.extend(c[2].as_str().map(str::to_string));
    }
    for r in meta["records"].as_array().into_iter().flatten() {
        named.extend(r.as_str().map(str::to_string));
    }
    named.sort();
    (on_disk, named)
}

#[test]
fn the_search_index_follows_each_edit() {
    let dir = site();
    let root = dir.path();
    let out = root.join("public");
    let srv = Server::start(root, &["--port", "0"]);
    let find = |q: &str| {
        // A lookup that meets the files being replaced finds nothing this time.
        helpsite::search::lookup(&out, "en-us", q)
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.url)
            .collect::<Vec<_>>()
    };
    assert_eq!(find("original"), ["/en-us/beta/"]);
    assert!(find("zanzibar").is_empty());
    write(
        root,
        "content/en-us/beta.md",
        "---\ntitle: Beta\n---\n\n# Beta\n\nBeta zanzibar text.\n",
    );
    srv.wait_for("/en-us/beta/", "the edit", |r| r.body.contains("zanzibar"));
    // The rebuild writes the search files before the pages, then removes the replaced ones:
    // wait for the folder to hold exactly what meta.json names.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (on_disk, named) = search_files(&out, "en-us");
        if on_disk == named {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "search files {on_disk:?}, meta names {named:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(find("zanzibar"), ["/en-us/beta/"]);
    assert!(find("original").is_empty());
    // An edited include changes the index of the page that includes it.
    write(
        root,
        "content/en-us/includes/note.md",
        "Quixotic note text.\n",
    );
    srv.wait_for("/en-us/alpha/", "the edited include", |r| {
        r.body.contains("Quixotic")
    });
    let deadline = Instant::now() + PATIENCE;
    while find("quixotic") != ["/en-us/alpha/"] {
        assert!(Instant::now() < deadline, "the include's word is not found");
        std::thread::sleep(Duration::from_millis(50));
    }
}
