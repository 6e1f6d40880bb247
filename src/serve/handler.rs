//! The HTTP side of `serve`: the accept loop, one thread per connection from the two
//! bounded pools, the live-reload event stream, and the answer to a request (a file of the
//! output, with the live-reload script and error overlay injected into pages, or a 404).

use super::*;

pub(super) fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
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
                loc.push_str(&crate::paths::encode_segment(s));
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
