//! Path arithmetic inside a content root, done on `/`-separated strings so it is the same on
//! every platform, the mapping from article paths to URLs, and the one percent codec (both
//! directions) for every URL and path helpsite reads or writes.

/// A Markdown file by its extension (`.md`, `.markdown`, any case).
pub fn is_markdown(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// A YAML file by its extension (`.yml`, `.yaml`, any case): a YAML page (`### YamlMime:`),
/// a TOC or other data.
pub fn is_yaml(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// Joins `target` onto the folder of `from` (both relative to a content root) and folds `.`
/// and `..`. `None` when the result would leave the root.
pub fn resolve_relative(from_file: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = from_file.split('/').collect();
    parts.pop(); // the file name
    push_parts(parts, target)
}

/// Folds a root-relative path (`a/./b/../c` -> `a/c`). `None` when it leaves the root.
pub fn normalize(path: &str) -> Option<String> {
    push_parts(Vec::new(), path)
}

fn push_parts<'a>(mut parts: Vec<&'a str>, target: &'a str) -> Option<String> {
    for seg in target.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// True for paths that name a place outside any content root whatever the including file:
/// `/etc/passwd`, `C:\x`, `\\server\share`.
pub fn is_absolute(path: &str) -> bool {
    path.starts_with('/')
        || path.starts_with('\\')
        || (path.len() >= 2
            && path.as_bytes()[1] == b':'
            && path.as_bytes()[0].is_ascii_alphabetic())
}

/// The URL path (without base path or locale) of an article: `bounces/Status codes.md` ->
/// `bounces/status-codes/`, `index.md` -> ``, `a/index.md` -> `a/`. A YAML page maps the same
/// way (`a/index.yml` -> `a/`, `a/b.yml` -> `a/b/`).
pub fn article_url_path(rel: &str) -> String {
    // Every Markdown extension the loader accepts, in any case (`A.MD`, `b.markdown`), and
    // `index` in any case (`sub/Index.md` -> `sub/`).
    let strip_ci = |s: &'_ str, suffix: &str| -> Option<usize> {
        let cut = s.len().checked_sub(suffix.len())?;
        (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then_some(cut)
    };
    let stem = match strip_ci(rel, ".md")
        .or_else(|| strip_ci(rel, ".markdown"))
        .or_else(|| strip_ci(rel, ".yml"))
        .or_else(|| strip_ci(rel, ".yaml"))
    {
        Some(cut) => &rel[..cut],
        None => rel,
    };
    let stem = if stem.eq_ignore_ascii_case("index") {
        ""
    } else if let Some(cut) = strip_ci(stem, "/index") {
        &stem[..cut]
    } else {
        stem
    };
    if stem.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(stem.len() + 1);
    for c in stem.chars() {
        match c {
            ' ' => out.push('-'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.push('/');
    out
}

/// Percent-encodes what may not stand in an `href` as written (spaces, quotes, `<`, `>`,
/// backticks, control characters), keeping non-ASCII letters readable (valid in HTML5 URLs).
pub fn encode_href(url: &str) -> String {
    encode_chars(url, |c| {
        matches!(c, ' ' | '"' | '<' | '>' | '`') || c.is_control()
    })
}

/// Percent-encodes (as `%XX`, each UTF-8 byte) the characters of `s` that `escape`, keeping
/// the others as written. The encoders that must keep non-ASCII text readable use this;
/// `percent-encoding` escapes every non-ASCII byte.
pub fn encode_chars(s: &str, escape: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if escape(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a path segment keeps as written: letters, digits and RFC 3986's unreserved and
/// sub-delimiter characters, and `@`.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@');

/// Percent-encodes one path segment (a `Location` header of `serve`): every byte but
/// [`SEGMENT`]'s, so `/` and non-ASCII are escaped.
pub fn encode_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

/// What a query component keeps as written: letters, digits and RFC 3986's unreserved
/// characters (what JavaScript's `encodeURIComponent` keeps, less `!'()*`).
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a value for a query string (`?title=...&body=...`): every byte but
/// [`COMPONENT`]'s, so `&`, `=`, `+`, `#`, `/` and non-ASCII are escaped.
pub fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

/// Decodes `%xx` escapes (links written as `my%20page.md`). Invalid escapes stay as written,
/// and a result that is not UTF-8 leaves the whole text as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .unwrap_or_else(|_| s.to_string())
}

/// Decodes `%xx` escapes strictly (a request path of `serve`): `None` when a `%` is not
/// followed by two hex digits.
pub fn percent_decode_strict(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let valid = b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || b.get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    valid.then(|| percent_encoding::percent_decode(b).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_resolution_stays_in_root() {
        assert_eq!(
            resolve_relative("a/b.md", "../c.md").as_deref(),
            Some("c.md")
        );
        assert_eq!(
            resolve_relative("a/b.md", "./d/e.md").as_deref(),
            Some("a/d/e.md")
        );
        assert_eq!(resolve_relative("b.md", "../c.md"), None);
        assert_eq!(resolve_relative("a/b.md", "../../../etc/passwd"), None);
        assert!(is_absolute("/etc/passwd") && is_absolute("C:\\x") && !is_absolute("a/b"));
    }

    #[test]
    fn urls() {
        assert_eq!(article_url_path("index.md"), "");
        assert_eq!(article_url_path("a/index.md"), "a/");
        assert_eq!(
            article_url_path("Bounces/Status Codes.md"),
            "bounces/status-codes/"
        );
        assert_eq!(article_url_path("sv/kom-igång.md"), "sv/kom-igång/");
        assert_eq!(article_url_path("Up.MD"), "up/");
        assert_eq!(article_url_path("other.markdown"), "other/");
        assert_eq!(article_url_path("sub/Index.md"), "sub/");
        // YAML pages.
        assert_eq!(article_url_path("business/index.yml"), "business/");
        assert_eq!(article_url_path("a/FAQ.yaml"), "a/faq/");
        assert_eq!(encode_href("a b/\"x\""), "a%20b/%22x%22");
        assert_eq!(percent_decode("my%20page.md"), "my page.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%e2%82"), "%e2%82");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(encode_href("ü\u{85}`"), "ü%C2%85%60");
        assert_eq!(
            percent_decode_strict("a%20b%C3%BC").unwrap(),
            "a bü".as_bytes()
        );
        assert_eq!(encode_segment("a b/ü"), "a%20b%2F%C3%BC");
        assert_eq!(encode_segment("-._~!$&'()*+,;=@"), "-._~!$&'()*+,;=@");
        assert_eq!(
            encode_component("a b&c=d+e#f/ü-._~"),
            "a%20b%26c%3Dd%2Be%23f%2F%C3%BC-._~"
        );
        assert_eq!(percent_decode_strict("%zz"), None);
        assert_eq!(percent_decode_strict("%f"), None);
        assert_eq!(percent_decode_strict("%+f"), None);
    }
}
