//! The one URL-scheme policy for every URL helpsite writes: Markdown links and images, extension
//! attributes (`:::image`, `[!VIDEO]`), TOC entries, URL attributes in raw HTML and redirect
//! targets. Every writer of a URL asks [`UrlPolicy::check`] first and writes nothing of a URL it
//! refuses.
//!
//! A scheme is read the way browsers read it (WHATWG URL): leading and trailing C0 controls and
//! spaces are stripped, tabs and line breaks are removed anywhere, and case does not matter, so
//! ` JaVa\tScRiPt:` is `javascript:`. Decoding HTML character references in raw HTML attributes
//! is the caller's business (see `markdown::raw_html`); this module sees the decoded value.

use crate::config::{Config, RawHtml, UrlsConfig};

/// What the URL is used for: it decides which schemes and hosts are acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// Followed when clicked or submitted: `<a href>`, `<form action>`, TOC entries...
    Link,
    /// Loaded as an image: `![](...)`, `<img src>`, `srcset`, `poster`.
    Image,
    /// Loaded as a document inside the page: `<iframe src>`, `[!VIDEO]`, `<object data>`.
    Embed,
}

// The scheme and host lists belong to the `urls:` configuration, which validates against them.
pub use crate::config::{DEFAULT_EMBED_HOSTS, SAFE_SCHEMES, SCRIPT_SCHEMES};

/// Why a URL is refused: the message and hint of its `unsafe_url` finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: &'static str,
}

/// The site's URL policy, read from `helpsite.yml` (borrowed: making one costs nothing).
#[derive(Debug, Clone, Copy)]
pub struct UrlPolicy<'a> {
    urls: &'a UrlsConfig,
    /// Iframes and videos only from `embed_hosts` (`raw_html: sanitize|deny`).
    restrict_embeds: bool,
}

impl<'a> UrlPolicy<'a> {
    pub fn new(config: &'a Config) -> UrlPolicy<'a> {
        UrlPolicy::with(&config.urls, config.raw_html != RawHtml::Allow)
    }

    pub fn with(urls: &'a UrlsConfig, restrict_embeds: bool) -> UrlPolicy<'a> {
        UrlPolicy {
            urls,
            restrict_embeds,
        }
    }

    pub fn urls(&self) -> &'a UrlsConfig {
        self.urls
    }

    /// Whether `url` may be written for `usage`.
    pub fn check(&self, url: &str, usage: UrlUse) -> Result<(), Refusal> {
        let norm = normalize(url);
        match scheme_of(&norm) {
            None => {
                // A relative URL stays on this site, except a protocol-relative one (`//host`,
                // `\\host`: browsers read both as another host), which embeds must vet.
                if usage == UrlUse::Embed && is_protocol_relative(&norm) {
                    self.check_embed_host(&norm, url)
                } else {
                    Ok(())
                }
            }
            Some(s) if s == "http" || s == "https" => {
                if usage == UrlUse::Embed {
                    self.check_embed_host(&norm[s.len() + 1..], url)
                } else {
                    Ok(())
                }
            }
            Some(s) if s == "data" && usage == UrlUse::Image && self.urls.data_images => {
                let media = norm[5..].trim_start().to_ascii_lowercase();
                if media.starts_with("image/") {
                    Ok(())
                } else {
                    Err(Refusal {
                        message: format!("the `data:` URL `{}` is not an image", shorten(url)),
                        hint: "only `data:image/...` URLs are allowed, and only as images",
                    })
                }
            }
            Some(s) if SCRIPT_SCHEMES.contains(&s.as_str()) => Err(Refusal {
                message: format!(
                    "the `{s}:` URL `{}` could run script in the reader's browser; it is not written",
                    shorten(url)
                ),
                hint: if s == "data" {
                    "link to a file of the site instead; `data:` images need `urls: { data_images: true }` in helpsite.yml"
                } else {
                    "link to a page or an http(s) URL instead"
                },
            }),
            // `xref:uid` names a page by its uid; helpsite writes the page's URL.
            Some(s) if s == "xref" && usage == UrlUse::Link => Ok(()),
            Some(s) if usage != UrlUse::Embed
                && (SAFE_SCHEMES.contains(&s.as_str())
                    || self.urls.schemes.iter().any(|x| x.eq_ignore_ascii_case(&s))) =>
            {
                Ok(())
            }
            Some(s) => Err(Refusal {
                message: format!(
                    "the scheme `{s}:` of `{}` is not allowed here; it is not written",
                    shorten(url)
                ),
                hint: if usage == UrlUse::Embed {
                    "embed http(s) URLs of a host listed under `urls: embed_hosts:` in helpsite.yml"
                } else {
                    "allowed: http, https, mailto, tel, paths and #fragments; list other safe schemes under `urls: schemes:` in helpsite.yml"
                },
            }),
        }
    }

    fn check_embed_host(&self, after_scheme: &str, url: &str) -> Result<(), Refusal> {
        if !self.restrict_embeds {
            return Ok(());
        }
        let host = host_of(after_scheme);
        if self
            .urls
            .embed_hosts
            .iter()
            .any(|h| h.trim_end_matches('.').eq_ignore_ascii_case(&host))
        {
            return Ok(());
        }
        Err(Refusal {
            message: format!(
                "`{}` is embedded from `{host}`, which is not one of this site's embed hosts; it is not embedded",
                shorten(url)
            ),
            hint: "list the host under `urls: embed_hosts:` in helpsite.yml if its pages are safe to embed",
        })
    }
}

/// `url` as a browser's URL parser first sees it: leading and trailing C0 controls and spaces
/// stripped, ASCII tabs and line breaks removed.
pub fn normalize(url: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    if trimmed.contains(['\t', '\n', '\r']) {
        trimmed
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect::<String>()
            .into()
    } else {
        trimmed.into()
    }
}

/// The scheme of a normalized URL, lower-case; `None` for a relative URL.
fn scheme_of(norm: &str) -> Option<String> {
    let b = norm.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let end = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))?;
    (b[end] == b':').then(|| norm[..end].to_ascii_lowercase())
}

/// The scheme a browser reads from `url` (lower-case), or `None` for a relative URL.
pub fn scheme(url: &str) -> Option<String> {
    scheme_of(&normalize(url))
}

/// `//host/...` or `\\host`, `/\host`, `\/host`: another host for a browser on an http(s) page.
pub fn is_protocol_relative(url: &str) -> bool {
    let n = normalize(url);
    let b = n.as_bytes();
    b.len() >= 2 && matches!(b[0], b'/' | b'\\') && matches!(b[1], b'/' | b'\\')
}

/// The host of `//host:port/path` (any number of `/` or `\` first, user info and port dropped),
/// lower-case. Anything unusual (percent escapes, IPv6) simply fails to match a listed host.
fn host_of(after_scheme: &str) -> String {
    let rest = after_scheme.trim_start_matches(['/', '\\']);
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// A URL for a message: long `data:` URLs cut, control characters shown escaped.
fn shorten(url: &str) -> String {
    let mut s: String = url.chars().take(60).collect();
    if s.len() < url.len() {
        s.push('…');
    }
    s.escape_debug().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(raw_html: RawHtml, data_images: bool) -> Config {
        let mut cfg: Config = serde_yaml::from_str(
            "title: T\nbase_url: /\nsource_locale: en-US\nlocales: [{code: en-US, name: E}]\n",
        )
        .unwrap();
        cfg.raw_html = raw_html;
        cfg.urls.data_images = data_images;
        cfg
    }

    #[test]
    fn schemes_are_read_like_a_browser() {
        assert_eq!(
            scheme(" JaVa\tScRiPt:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(
            scheme("\u{1}\njavascript\r:x").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme("a.md"), None);
        assert_eq!(scheme("#x"), None);
        assert_eq!(scheme("./javascript:x"), None);
        assert_eq!(scheme("\u{a0}javascript:x"), None);
        assert_eq!(scheme("C:x").as_deref(), Some("c"));
    }

    #[test]
    fn links_images_and_embeds() {
        let (c1, c2, c3) = (
            config(RawHtml::Sanitize, false),
            config(RawHtml::Sanitize, true),
            config(RawHtml::Allow, false),
        );
        let p = UrlPolicy::new(&c1);
        for ok in [
            "https://a.example",
            "mailto:x@y",
            "a.md",
            "#f",
            "//cdn.example/x",
            "tel:1",
            "xref:a.b",
        ] {
            assert!(p.check(ok, UrlUse::Link).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:1",
            "VBScript:x",
            "data:text/html,x",
            "ms-msdt:x",
            "file:///etc",
        ] {
            assert!(p.check(bad, UrlUse::Link).is_err(), "{bad}");
        }
        assert!(p.check("data:image/png;base64,AA", UrlUse::Image).is_err());
        let d = UrlPolicy::new(&c2);
        assert!(d.check("data:image/png;base64,AA", UrlUse::Image).is_ok());
        assert!(d.check("data:text/html,x", UrlUse::Image).is_err());
        assert!(d.check("data:image/png;base64,AA", UrlUse::Link).is_err());
        assert!(p
            .check("https://www.youtube.com/embed/x", UrlUse::Embed)
            .is_ok());
        assert!(p
            .check("https://u@WWW.YouTube.com.:443/embed/x", UrlUse::Embed)
            .is_ok());
        assert!(p.check("https://evil.example/", UrlUse::Embed).is_err());
        assert!(p
            .check("https://www.youtube.com.evil.example/", UrlUse::Embed)
            .is_err());
        assert!(p.check("//evil.example/", UrlUse::Embed).is_err());
        assert!(p.check("\\\\evil.example/", UrlUse::Embed).is_err());
        let a = UrlPolicy::new(&c3);
        assert!(a.check("https://evil.example/", UrlUse::Embed).is_ok());
        assert!(a.check("javascript:x", UrlUse::Embed).is_err());
    }
}
