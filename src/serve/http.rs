//! A deliberately small HTTP/1.1 server on `std::net`: one thread per connection, one request
//! per connection (`Connection: close`), GET and HEAD only. Every limit is explicit: the request
//! line may be at most [`MAX_REQUEST_LINE`] bytes (else 414), the whole head at most
//! [`MAX_HEAD`] (else 431), and each request has a total time limit ([`Timed`]): a client that
//! does not finish its head in time gets 408, one that reads the answer too slowly is cut off,
//! however it spaces its bytes, without holding up anyone else.
//!
//! Sockets are written only through [`Timed`], which calls `write` (`send` with
//! `MSG_NOSIGNAL` on Linux): never `sendfile` or `writev`, which raise SIGPIPE when the client
//! has gone (see [`crate::sigpipe`]).

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

pub const MAX_REQUEST_LINE: usize = 8 * 1024;
pub const MAX_HEAD: usize = 32 * 1024;
/// How long closing a connection waits for what the client still sends.
const LINGER: Duration = Duration::from_secs(2);

/// A socket whose reads and writes all end by one deadline: each call waits at most for the
/// time left, and fails with `TimedOut` once it has passed. A per-read timeout alone would let a
/// client that sends (or reads) one byte at a time hold a thread for ever.
pub struct Timed<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> Timed<'a> {
    pub fn new(stream: &'a TcpStream, deadline: Instant) -> Timed<'a> {
        Timed { stream, deadline }
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The time left, or `TimedOut` when none is.
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request's time is up",
            ))
        } else {
            Ok(left)
        }
    }
}

impl Read for Timed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        (&mut &*self.stream).read(buf)
    }
}

impl Write for Timed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        (&mut &*self.stream).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other(String),
}

/// A parsed request head. `target` is the raw request target, not decoded.
#[derive(Debug)]
pub struct Request {
    pub method: Method,
    pub target: String,
}

/// Why no request could be read: the status to answer with, or `None` to just close.
#[derive(Debug)]
pub struct HeadError(pub Option<u16>);

/// Reads and parses a request head (request line and headers; GET and HEAD carry no body).
pub fn read_request(stream: &mut impl Read) -> Result<Request, HeadError> {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find_head_end(&buf) {
            break end;
        }
        let line_end = buf.iter().position(|&b| b == b'\n');
        if line_end.map_or(buf.len(), |e| e) > MAX_REQUEST_LINE {
            return Err(HeadError(Some(414)));
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadError(Some(431)));
        }
        match stream.read(&mut chunk) {
            Ok(0) => {
                return Err(HeadError(if buf.is_empty() { None } else { Some(400) }));
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut =>
            {
                return Err(HeadError(if buf.is_empty() { None } else { Some(408) }));
            }
            Err(_) => return Err(HeadError(None)),
        }
    };
    parse_head(&buf[..head_end])
}

/// The length of the head including its blank line, when complete.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = buf[i..].iter().position(|&b| b == b'\n') {
        let nl = i + p;
        let rest = &buf[nl + 1..];
        if rest.starts_with(b"\r\n") {
            return Some(nl + 3);
        }
        if rest.starts_with(b"\n") {
            return Some(nl + 2);
        }
        i = nl + 1;
    }
    None
}

fn parse_head(head: &[u8]) -> Result<Request, HeadError> {
    let bad = HeadError(Some(400));
    let text = std::str::from_utf8(head).map_err(|_| HeadError(Some(400)))?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().ok_or(HeadError(Some(400)))?;
    if line.len() > MAX_REQUEST_LINE {
        return Err(HeadError(Some(414)));
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    if method.is_empty()
        || !method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    {
        return Err(bad);
    }
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad);
    }
    match version {
        "HTTP/1.0" | "HTTP/1.1" => {}
        v if v.starts_with("HTTP/") => return Err(HeadError(Some(505))),
        _ => return Err(bad),
    }
    for h in lines {
        if h.is_empty() {
            continue;
        }
        match h.split_once(':') {
            Some((name, _)) if !name.is_empty() && !name.contains([' ', '\t']) => {}
            _ => return Err(bad),
        }
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        m => Method::Other(m.to_string()),
    };
    Ok(Request {
        method,
        target: target.to_string(),
    })
}

pub enum Body {
    Bytes(Vec<u8>),
    File(File, u64),
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: Body::Bytes(body.into()),
        }
    }

    /// A short plain-text answer for errors.
    pub fn text(status: u16, text: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            format!("{status} {}: {text}\n", reason(status)),
        )
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Writes `resp` (its head only when `head_only`), then closes the connection gracefully.
pub fn send(stream: &mut Timed, resp: Response, head_only: bool) -> io::Result<()> {
    let len = match &resp.body {
        Body::Bytes(b) => b.len() as u64,
        Body::File(_, n) => *n,
    };
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {len}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
    ));
    let mut w = io::BufWriter::with_capacity(64 * 1024, &mut *stream);
    w.write_all(head.as_bytes())?;
    if !head_only {
        match resp.body {
            Body::Bytes(b) => w.write_all(&b)?,
            Body::File(f, n) => {
                io::copy(&mut f.take(n), &mut w)?;
            }
        }
    }
    w.flush()?;
    drop(w);
    linger_close(stream);
    Ok(())
}

/// Half-closes and drains what the client still sends (bounded in size and time), so that
/// closing a socket with unread input (say, the rest of a 20 KB URL) does not reset the
/// connection before the client read our answer.
pub fn linger_close(stream: &mut Timed) {
    let _ = stream.stream.shutdown(Shutdown::Write);
    // Its own short time, also when the request's is up (a 408): the answer must arrive.
    let mut drain = Timed::new(stream.stream, Instant::now() + LINGER);
    let mut sink = [0u8; 8192];
    let mut total = 0usize;
    while total < 1024 * 1024 {
        match drain.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// The Content-Type for a file name, by extension.
pub fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "map" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" | "ps1" | "sh" | "cs" | "py" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PathError {
    /// Not decodable (bad escape, not UTF-8): 400.
    Malformed,
    /// Traversal or a hidden separator: 403.
    Forbidden,
}

/// Splits a request target into decoded path segments and its query (with `?`, or empty).
/// Refuses `.` and `..` segments, backslashes, NUL and encoded separators, before or after
/// decoding. Empty segments (`//`) are dropped. The second value tells whether the path ends
/// with `/`.
pub fn split_target(target: &str) -> Result<(Vec<String>, bool, String), PathError> {
    let target = target.split('#').next().unwrap_or("");
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (target, String::new()),
    };
    // absolute-form (`http://host/path`) as proxies send it.
    let path = match path.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => {
            rest.find('/').map(|i| &rest[i..]).unwrap_or("/")
        }
        _ => path,
    };
    if !path.starts_with('/') {
        return Err(PathError::Malformed);
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(PathError::Forbidden);
    }
    let mut segs = Vec::new();
    for raw in path.split('/') {
        if raw.is_empty() {
            continue;
        }
        let bytes = crate::paths::percent_decode_strict(raw).ok_or(PathError::Malformed)?;
        let seg = String::from_utf8(bytes).map_err(|_| PathError::Malformed)?;
        if seg == "."
            || seg == ".."
            || seg.contains(['/', '\\', '\0'])
            || (cfg!(windows) && seg.contains(':'))
        {
            return Err(PathError::Forbidden);
        }
        if seg.chars().any(char::is_control) {
            return Err(PathError::Malformed);
        }
        segs.push(seg);
    }
    Ok((segs, path.ends_with('/'), query))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(t: &str) -> Result<Vec<String>, PathError> {
        split_target(t).map(|(s, _, _)| s)
    }

    #[test]
    fn splits_and_decodes() {
        assert_eq!(segs("/en-us/a%20b/").unwrap(), ["en-us", "a b"]);
        assert_eq!(segs("/").unwrap(), Vec::<String>::new());
        assert_eq!(segs("//en-us//x?y=1#z").unwrap(), ["en-us", "x"]);
        let (_, slash, q) = split_target("/en-us/x/?a=b").unwrap();
        assert!(slash);
        assert_eq!(q, "?a=b");
        assert_eq!(segs("http://h/en-us/").unwrap(), ["en-us"]);
    }

    #[test]
    fn refuses_traversal() {
        for t in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2fhelpsite.yml",
            "/a/%2E%2E/b",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "/.",
        ] {
            assert_eq!(segs(t), Err(PathError::Forbidden), "{t}");
        }
        assert_eq!(segs("/%zz"), Err(PathError::Malformed));
        assert_eq!(segs("/%ff"), Err(PathError::Malformed));
        assert_eq!(segs("relative"), Err(PathError::Malformed));
    }

    #[test]
    fn parses_heads() {
        let r = parse_head(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.target, "/x");
        assert!(matches!(
            parse_head(b"POST /x HTTP/1.1\r\n\r\n").unwrap().method,
            Method::Other(_)
        ));
        assert!(parse_head(b"GET /x\r\n\r\n").is_err());
        assert!(parse_head(b"GET /x HTTP/1.1\r\nbroken\r\n\r\n").is_err());
        assert!(matches!(
            parse_head(b"GET /x HTTP/2.0\r\n\r\n"),
            Err(HeadError(Some(505)))
        ));
        assert_eq!(find_head_end(b"GET / HTTP/1.0\n\nrest"), Some(16));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(crate::paths::encode_segment("a b/ü"), "a%20b%2F%C3%BC");
    }
}
