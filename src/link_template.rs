//! The URL templates of the "Edit this page" and feedback links (`edit_url` and `feedback_url`
//! in helpsite.yml, or set from code): their placeholders, checked when the configuration is
//! read, and filled in for each page, each value percent-encoded for where it stands.
//!
//! Whether the filled URL may be written is not decided here but by `url_policy`, like every
//! other URL (see `render::chrome`).

use std::path::{Component, Path};

/// The placeholders a template may use: the page's source file from the site folder, the same
/// file from its locale's folder, the page's title and its absolute URL.
pub const PLACEHOLDERS: [&str; 4] = ["path", "locale_path", "title", "url"];

/// What is wrong with a template, at a byte offset into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{name}` names no placeholder.
    Unknown { offset: usize, name: String },
    /// A `{` with no `}` after it.
    Unclosed { offset: usize },
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            TemplateError::Unknown { name, .. } => write!(f, "`{{{name}}}` is not a placeholder"),
            TemplateError::Unclosed { .. } => f.write_str("a `{` is not closed by `}`"),
        }
    }
}

/// Each `{name}` of `template`, in order, with the offset of its `{`.
pub fn placeholders(template: &str) -> Result<Vec<(usize, &str)>, TemplateError> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = template[from..].find('{') {
        let open = from + i;
        let Some(len) = template[open + 1..].find('}') else {
            return Err(TemplateError::Unclosed { offset: open });
        };
        let name = &template[open + 1..open + 1 + len];
        if !PLACEHOLDERS.contains(&name) {
            return Err(TemplateError::Unknown {
                offset: open,
                name: name.to_string(),
            });
        }
        out.push((open, name));
        from = open + len + 2;
    }
    Ok(out)
}

/// Whether `template` uses the placeholder `name` (false for a template with errors).
pub fn uses(template: &str, name: &str) -> bool {
    placeholders(template).is_ok_and(|p| p.iter().any(|(_, n)| *n == name))
}

/// One page's values.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    /// The rendered source file (`/`-separated) from the site folder; `None` when the file lies
    /// outside it (a locale folder elsewhere), so a template using `{path}` makes no link.
    pub path: Option<&'a str>,
    /// The same file from its locale's folder.
    pub locale_path: &'a str,
    pub title: &'a str,
    pub url: &'a str,
}

/// `template` with its placeholders filled in: paths with each segment percent-encoded (the
/// `/` kept), the title and URL encoded as query values. `None` when the template has errors
/// or uses `{path}` and the page has none.
pub fn fill(template: &str, v: &Values) -> Option<String> {
    let path_value = |p: &str| {
        p.split('/')
            .map(crate::paths::encode_segment)
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut out = String::with_capacity(template.len() + 64);
    let mut from = 0;
    for (at, name) in placeholders(template).ok()? {
        out.push_str(&template[from..at]);
        out.push_str(&match name {
            "path" => path_value(v.path?),
            "locale_path" => path_value(v.locale_path),
            "title" => crate::paths::encode_component(v.title),
            _ => crate::paths::encode_component(v.url),
        });
        from = at + name.len() + 2;
    }
    out.push_str(&template[from..]);
    Some(out)
}

/// `template` with every placeholder replaced by a plain sample value: what the URL policy
/// checks once for the whole template.
pub fn sample(template: &str) -> String {
    let v = Values {
        path: Some("a.md"),
        locale_path: "a.md",
        title: "a",
        url: "a",
    };
    fill(template, &v).unwrap_or_else(|| template.to_string())
}

/// `path` from `root`, `/`-separated, when it lies inside `root` as written (no `..` after
/// the common part); `None` otherwise. Lexical: symbolic links are not followed.
pub fn relative_to(root: &Path, path: &Path) -> Option<String> {
    let rest = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rest.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: Values = Values {
        path: Some("content/en-us/a b/ü.md"),
        locale_path: "a b/ü.md",
        title: "Q&A: 100% #1",
        url: "https://h.example/en-us/a-b/ü/",
    };

    #[test]
    fn fills_each_placeholder_encoded_for_its_place() {
        assert_eq!(
            fill("https://github.com/o/r/blob/main/{path}", &V).as_deref(),
            Some("https://github.com/o/r/blob/main/content/en-us/a%20b/%C3%BC.md")
        );
        assert_eq!(
            fill("https://x.example/f?t={title}&u={url}&p={locale_path}", &V).as_deref(),
            Some("https://x.example/f?t=Q%26A%3A%20100%25%20%231&u=https%3A%2F%2Fh.example%2Fen-us%2Fa-b%2F%C3%BC%2F&p=a%20b/%C3%BC.md")
        );
        let outside = Values { path: None, ..V };
        assert_eq!(fill("https://x.example/{path}", &outside), None);
        assert_eq!(
            fill("https://x.example/{locale_path}", &outside).as_deref(),
            Some("https://x.example/a%20b/%C3%BC.md")
        );
        assert_eq!(
            fill("no placeholders", &V).as_deref(),
            Some("no placeholders")
        );
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_errors() {
        assert_eq!(
            placeholders("https://x/{branch}/{path}"),
            Err(TemplateError::Unknown {
                offset: 10,
                name: "branch".into()
            })
        );
        assert_eq!(
            placeholders("https://x/{path"),
            Err(TemplateError::Unclosed { offset: 10 })
        );
        assert!(uses("https://x/{title}/{path}", "path"));
        assert!(!uses("https://x/{locale_path}", "path"));
        assert_eq!(sample("javascript:{title}"), "javascript:a");
    }

    #[test]
    fn relative_paths_stay_inside_the_root() {
        let root = Path::new("/site");
        assert_eq!(
            relative_to(root, Path::new("/site/content/en-us/a.md")).as_deref(),
            Some("content/en-us/a.md")
        );
        assert_eq!(relative_to(root, Path::new("/site/../loc/a.md")), None);
        assert_eq!(relative_to(root, Path::new("/elsewhere/a.md")), None);
        assert_eq!(
            relative_to(Path::new("."), Path::new("./content/a.md")).as_deref(),
            Some("content/a.md")
        );
    }
}
