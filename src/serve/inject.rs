//! What `serve` adds to every HTML page it sends: the live-reload script and, while the last
//! rebuild failed, an overlay listing the errors. Nothing of this is ever written to disk.

use serde::Serialize;

/// One error of the last rebuild, as the overlay and `/_helpsite/status` show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorInfo {
    pub kind: String,
    /// `file:line:col`, `file`, or `None`.
    pub position: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub snippet: Option<String>,
    pub hint: Option<String>,
}

impl ErrorInfo {
    pub fn from_diagnostic(d: &crate::diagnostics::Diagnostic) -> ErrorInfo {
        let lc = d.line_col();
        ErrorInfo {
            kind: d.kind.name().to_string(),
            position: d.position(),
            file: d.file.clone(),
            line: lc.map(|p| p.0),
            column: lc.map(|p| p.1),
            message: d.message.clone(),
            snippet: d.snippet().map(|s| s.trim_end().to_string()),
            hint: d.hint.clone(),
        }
    }
}

pub use crate::markdown::highlight::escape_html;

/// The live-reload script. `generation` is the build the page comes from: when the event
/// stream greets with another one (a rebuild happened while the page loaded, or the server
/// restarted), the page reloads at once.
fn script(generation: u64) -> String {
    format!(
        r#"<script id="helpsite-live-reload">
(function () {{
  var gen = {generation};
  var key = "helpsite-scroll:" + location.pathname;
  var saved = null;
  try {{ saved = sessionStorage.getItem(key); sessionStorage.removeItem(key); }} catch (e) {{}}
  if (saved !== null) {{
    var y = parseFloat(saved) || 0;
    window.scrollTo(0, y);
    window.addEventListener("load", function () {{ window.scrollTo(0, y); }});
  }}
  if (!window.EventSource) return;
  function reload() {{
    try {{ sessionStorage.setItem(key, String(window.scrollY)); }} catch (e) {{}}
    location.reload();
  }}
  var es = new EventSource("/_helpsite/events");
  es.addEventListener("hello", function (e) {{ if (Number(e.data) !== gen) reload(); }});
  es.addEventListener("reload", function () {{ reload(); }});
  es.addEventListener("css", function (e) {{
    gen = Number(e.data);
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {{
      var u = new URL(links[i].href, location.href);
      u.searchParams.set("helpsite", String(Date.now()));
      links[i].href = u.href;
    }}
  }});
}})();
</script>
"#
    )
}

/// The error overlay: a fixed panel with `role="alert"`, one entry per error.
pub fn overlay(errors: &[ErrorInfo]) -> String {
    let mut items = String::new();
    for e in errors {
        items.push_str("<li style=\"margin:0 0 1em\">");
        if let Some(p) = &e.position {
            items.push_str(&format!(
                "<code style=\"font-weight:bold\">{}</code><br>",
                escape_html(p)
            ));
        }
        items.push_str(&format!(
            "<span>{}</span> <small>[{}]</small>",
            escape_html(&e.message),
            escape_html(&e.kind)
        ));
        if let Some(s) = &e.snippet {
            items.push_str(&format!(
                "<pre style=\"margin:.4em 0 0;padding:.5em;background:#2a0d0d;color:#fff;white-space:pre-wrap;overflow-wrap:anywhere\">{}</pre>",
                escape_html(s)
            ));
        }
        if let Some(h) = &e.hint {
            items.push_str(&format!("<div><em>help:</em> {}</div>", escape_html(h)));
        }
        items.push_str("</li>");
    }
    let n = errors.len();
    format!(
        r#"<div id="helpsite-error-overlay" role="alert" aria-labelledby="helpsite-error-title" style="position:fixed;inset:auto 1em 1em 1em;max-height:60vh;overflow:auto;z-index:2147483647;background:#fff5f5;color:#3b0a0a;border:2px solid #b00020;border-radius:6px;padding:1em 1.25em;font:15px/1.45 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.3)">
<h2 id="helpsite-error-title" style="margin:0 0 .6em;font-size:1.1em;color:#b00020">Build failed: {n} error{s}. Showing the last good build.</h2>
<ul style="margin:0;padding-inline-start:1.2em">{items}</ul>
<button type="button" onclick="this.parentNode.remove()" style="font:inherit">Hide</button>
</div>
"#,
        s = if n == 1 { "" } else { "s" }
    )
}

/// Inserts the script (and the overlay, when there are errors) before the last `</body>`, or
/// at the end when the page has none.
pub fn inject(html: &str, generation: u64, errors: &[ErrorInfo]) -> String {
    let mut extra = String::new();
    if !errors.is_empty() {
        extra.push_str(&overlay(errors));
    }
    extra.push_str(&script(generation));
    let at = rfind_ascii_ci(html, "</body>").unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + extra.len());
    out.push_str(&html[..at]);
    out.push_str(&extra);
    out.push_str(&html[at..]);
    out
}

fn rfind_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .rev()
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// A minimal page for when the output has no page to show (no build succeeded yet).
pub fn fallback_page(status: u16, title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{status} {t}</title></head>\n<body><h1>{status} {t}</h1></body></html>\n",
        t = escape_html(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err() -> ErrorInfo {
        ErrorInfo {
            kind: "front_matter".into(),
            position: Some("content/en-us/a.md:2:1".into()),
            file: Some("content/en-us/a.md".into()),
            line: Some(2),
            column: Some(1),
            message: "bad <yaml>".into(),
            snippet: Some("\ttitle: x & y".into()),
            hint: None,
        }
    }

    #[test]
    fn injects_before_the_last_body_end() {
        let out = inject("<html><body><p>x</p></BODY></html>", 3, &[]);
        assert!(out.contains("var gen = 3;"));
        let script = out.find("helpsite-live-reload").unwrap();
        assert!(script < out.find("</BODY>").unwrap());
        assert!(!out.contains("helpsite-error-overlay"));
        let bare = inject("<p>no body</p>", 1, &[]);
        assert!(bare.starts_with("<p>no body</p><script"));
    }

    #[test]
    fn overlay_escapes_and_lists_errors() {
        let out = inject("<body></body>", 1, &[err()]);
        assert!(out.contains("role=\"alert\""));
        assert!(out.contains("content/en-us/a.md:2:1"));
        assert!(out.contains("bad &lt;yaml&gt;"));
        assert!(out.contains("\ttitle: x &amp; y"));
        assert!(out.contains("Build failed: 1 error."));
    }
}
