//! `check --external` against small HTTP servers on 127.0.0.1: broken and working links, HEAD
//! refused, a host that never answers (a timeout), one request at a time per host, and the
//! result cache.
//!
//! Nothing here depends on the machine's speed: the answering server gets a timeout far longer
//! than it can need (a safety net), and the timeout case uses a server that never answers, so it
//! times out however fast or slow the machine is. Requests are recorded before they are
//! answered, so once a check has exited, every request it made is counted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{run_in, write};

/// Method, path and arrival of one request.
type Hit = (String, String, Instant);

struct Server {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    in_flight_max: Arc<AtomicUsize>,
}

/// Reads a request head: its method and path.
fn read_head(stream: &TcpStream) -> (String, String) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    loop {
        let mut l = String::new();
        if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    (method, path)
}

/// Serves a fixed set of paths, or (`answer` false) never answers: it holds each connection
/// until the client gives up. Stops when the test process ends; answers at most 200
/// connections.
fn server(answer: bool) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(Mutex::new(Vec::new()));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let in_flight_max = Arc::new(AtomicUsize::new(0));
    let (h, f, m) = (hits.clone(), in_flight.clone(), in_flight_max.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let (h, f, m) = (h.clone(), f.clone(), m.clone());
            std::thread::spawn(move || {
                let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(now, Ordering::SeqCst);
                let (method, path) = read_head(&stream);
                h.lock()
                    .unwrap()
                    .push((method.clone(), path.clone(), Instant::now()));
                if !answer {
                    // Until the client closes its end.
                    let mut sink = [0u8; 256];
                    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                    f.fetch_sub(1, Ordering::SeqCst);
                    return;
                }
                let status = match (method.as_str(), path.as_str()) {
                    (_, "/ok") => "200 OK",
                    ("HEAD", "/get-only") => "405 Method Not Allowed",
                    (_, "/get-only") => "200 OK",
                    (_, "/robots-hate-you") => "403 Forbidden",
                    _ => "404 Not Found",
                };
                // Before answering: the client's next request cannot start earlier.
                f.fetch_sub(1, Ordering::SeqCst);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.flush();
            });
        }
    });
    Server {
        port,
        hits,
        in_flight_max,
    }
}

fn site(links: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "helpsite.yml", "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n");
    write(
        d,
        "content/en-us/index.md",
        &format!("---\ntitle: Home\n---\n# Home\n\n{links}"),
    );
    dir
}

/// Far longer than a local answer can take, however busy the machine: a safety net.
const PATIENT: &str = "120";

#[test]
fn checks_links_politely_and_caches_results() {
    let srv = server(true);
    let base = format!("http://127.0.0.1:{}", srv.port);
    let dir = site(&format!("- [fine]({base}/ok)\n- [gone]({base}/gone)\n- [get only]({base}/get-only)\n- [forbidden]({base}/robots-hate-you)\n- [gone again]({base}/gone)\n- [mail](mailto:x@example.com)\n"));
    let run = run_in(dir.path(), &["check", "--external", "--timeout", PATIENT]);
    run.expect_code(0);
    let err = &run.stderr;
    assert!(
        err.contains("external links: 4 URLs on 1 hosts, 0 from the cache, 1 broken"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "`http://127.0.0.1:{}/gone` is broken: HTTP 404 [external_link]",
            srv.port
        )),
        "{err}"
    );
    assert!(
        err.contains("content/en-us/index.md:7:3"),
        "first place of the broken URL: {err}"
    );
    assert!(err.contains("the same URL is linked 1 more times"));
    assert!(
        !err.contains("/ok` is broken")
            && !err.contains("/get-only` is broken")
            && !err.contains("robots-hate-you` is broken")
    );
    // One host: one URL at a time, with a pause between URLs (HEAD and GET of one URL may
    // follow each other at once). The pause is a lower bound, which no load can shorten.
    let mut hits = srv.hits.lock().unwrap().clone();
    hits.sort_by_key(|h| h.2);
    for pair in hits.windows(2) {
        if pair[0].1 != pair[1].1 {
            let gap = pair[1].2.duration_since(pair[0].2);
            assert!(
                gap >= Duration::from_millis(200),
                "{:?} then {:?} after {gap:?}",
                pair[0].1,
                pair[1].1
            );
        }
    }
    assert_eq!(srv.in_flight_max.load(Ordering::SeqCst), 1);
    assert!(
        hits.iter().any(|h| h.0 == "GET" && h.1 == "/get-only"),
        "GET after a refused HEAD"
    );
    let n = hits.len();
    // The cache: a second run asks nothing.
    let run = run_in(
        dir.path(),
        &[
            "check",
            "--external",
            "--timeout",
            PATIENT,
            "--format",
            "json",
        ],
    );
    assert!(
        run.stderr.contains("4 from the cache, 1 broken"),
        "{}",
        run.stderr
    );
    assert_eq!(
        srv.hits.lock().unwrap().len(),
        n,
        "no request on a cached run"
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "external_link")
            .count(),
        1
    );
    // --strict makes them errors.
    assert_eq!(
        run_in(dir.path(), &["check", "--external", "--strict"]).code,
        Some(1)
    );
    // Without --external nothing is fetched, with or without the caches.
    let run = run_in(dir.path(), &["check", "--no-cache"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("external links:"), "{}", run.stderr);
    assert_eq!(
        srv.hits.lock().unwrap().len(),
        n,
        "no request without --external"
    );
}

#[test]
fn a_host_that_never_answers_times_out() {
    let srv = server(false);
    let url = format!("http://127.0.0.1:{}/hang", srv.port);
    let dir = site(&format!("[hang]({url})\n"));
    let run = run_in(dir.path(), &["check", "--external", "--timeout", "1"]);
    run.expect_code(0);
    let err = &run.stderr;
    assert!(
        err.contains("external links: 1 URLs on 1 hosts, 0 from the cache, 1 broken"),
        "{err}"
    );
    assert!(err.contains(&format!("`{url}` is broken: ")), "{err}");
    assert!(err.contains("content/en-us/index.md:6:1"), "{err}");
    assert!(!srv.hits.lock().unwrap().is_empty());
    // Cached as broken too.
    let run = run_in(dir.path(), &["check", "--external", "--timeout", "1"]);
    assert!(
        run.stderr.contains("1 from the cache, 1 broken"),
        "{}",
        run.stderr
    );
}
