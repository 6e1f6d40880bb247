//! `check --external` against a small HTTP server on 127.0.0.1: broken and working links, HEAD
//! refused, a timeout, one request at a time per host, and the result cache.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{run_in, write};

/// Method, path, start and end of one request.
type Hit = (String, String, Instant, Instant);

struct Server {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    in_flight_max: Arc<AtomicUsize>,
}

/// Serves a fixed set of paths; stops when the test process ends. Bounded: it answers at most
/// 200 connections.
fn server() -> Server {
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
                let start = Instant::now();
                let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(now, Ordering::SeqCst);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
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
                let status = match (method.as_str(), path.as_str()) {
                    (_, "/ok") => "200 OK",
                    ("HEAD", "/get-only") => "405 Method Not Allowed",
                    (_, "/get-only") => "200 OK",
                    (_, "/robots-hate-you") => "403 Forbidden",
                    (_, "/slow") => {
                        std::thread::sleep(Duration::from_millis(2500));
                        "200 OK"
                    }
                    _ => "404 Not Found",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.flush();
                f.fetch_sub(1, Ordering::SeqCst);
                h.lock()
                    .unwrap()
                    .push((method, path, start, Instant::now()));
            });
        }
    });
    Server {
        port,
        hits,
        in_flight_max,
    }
}

fn site(port: u16) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "helpsite.yml", "title: T\nbase_url: https://docs.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n");
    let base = format!("http://127.0.0.1:{port}");
    write(
        d,
        "content/en-us/index.md",
        &format!("---\ntitle: Home\n---\n# Home\n\n- [fine]({base}/ok)\n- [gone]({base}/gone)\n- [get only]({base}/get-only)\n- [forbidden]({base}/robots-hate-you)\n- [slow]({base}/slow)\n- [gone again]({base}/gone)\n- [mail](mailto:x@example.com)\n"),
    );
    dir
}

#[test]
fn checks_links_politely_and_caches_results() {
    let srv = server();
    let dir = site(srv.port);
    let run = run_in(dir.path(), &["check", "--external", "--timeout", "1"]);
    run.expect_code(0);
    let err = &run.stderr;
    assert!(
        err.contains("external links: 5 URLs on 1 hosts, 0 from the cache, 2 broken"),
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
    assert!(err.contains("/slow` is broken"), "timeout reported: {err}");
    assert!(
        !err.contains("/ok` is broken")
            && !err.contains("/get-only` is broken")
            && !err.contains("robots-hate-you` is broken")
    );
    // One host: one URL at a time, with a pause between URLs (HEAD and GET of one URL may
    // follow each other at once).
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
    assert!(srv.in_flight_max.load(Ordering::SeqCst) >= 1);
    assert!(
        hits.iter().any(|h| h.0 == "GET" && h.1 == "/get-only"),
        "GET after a refused HEAD"
    );
    let n = hits.len();
    // The cache: a second run asks nothing (the slow URL timed out and is cached as broken too).
    let run = run_in(
        dir.path(),
        &["check", "--external", "--timeout", "1", "--format", "json"],
    );
    assert!(
        run.stderr.contains("5 from the cache, 2 broken"),
        "{}",
        run.stderr
    );
    std::thread::sleep(Duration::from_millis(300));
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
        2
    );
    // --strict makes them errors.
    assert_eq!(
        run_in(dir.path(), &["check", "--external", "--strict"]).code,
        Some(1)
    );
    // Without --external nothing is fetched, with or without the caches.
    std::thread::sleep(Duration::from_millis(1500));
    let before = srv.hits.lock().unwrap().len();
    let run = run_in(dir.path(), &["check", "--no-cache"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("external links:"), "{}", run.stderr);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        srv.hits.lock().unwrap().len(),
        before,
        "no request without --external"
    );
}
