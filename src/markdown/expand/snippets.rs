//! Code snippets (`[!code-lang[...](path#region)]`, `:::code source=... range=...:::`): the
//! file `load` read, the lines selected, a fenced code block generated.

use super::*;

/// What a snippet line asks for.
pub(super) struct SnippetRef<'a> {
    /// The code block's language (`csharp`), possibly empty.
    pub lang: &'a str,
    /// The file, with an optional `#region` or `#L2-L5`.
    pub path: &'a str,
    /// `range="2-5,9"`.
    pub range: Option<&'a str>,
    /// `highlight="3"`, passed on to the code block.
    pub highlight: Option<&'a str>,
    pub title: Option<&'a str>,
}

impl State<'_, '_> {
    pub(super) fn snippet(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        span: Range<usize>,
        snip: &SnippetRef,
        prefix: &str,
    ) {
        let SnippetRef {
            lang,
            path,
            range,
            highlight,
            title,
        } = *snip;
        let (path_part, fragment) = match path.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (path, None),
        };
        let (l, rel) = match self.resolve_target(ex, file, span.clone(), path_part) {
            Ok(t) => t,
            Err(why) => {
                ex.diags.push(self.target_error(
                    file,
                    span.clone(),
                    path_part,
                    why,
                    "code snippet",
                ));
                // Reported; the snippet line is published as text.
                self.as_text(ex, file, span, prefix);
                return;
            }
        };
        let loc = &self.ctx.site.locales[l];
        let source = match loc.markdown.get(&rel) {
            Some(s) => s.clone(),
            // Every asset a snippet line can name was read by `load`.
            None => match self.ctx.site.snippets.get(&(l, rel.clone())) {
                Some(Ok(s)) => s.clone(),
                Some(Err(d)) => {
                    // A dependency all the same: once readable, it changes this page.
                    ex.deps.push((l, rel.clone()));
                    ex.diags.push(d.clone());
                    // Reported; the snippet line is published as text.
                    self.as_text(ex, file, span, prefix);
                    return;
                }
                // Not reached: `load::read_snippets` reads a superset of the targets.
                None => {
                    ex.diags.push(self.target_error(
                        file,
                        span.clone(),
                        path_part,
                        TargetError::Missing,
                        "code snippet",
                    ));
                    // Reported; the snippet line is published as text.
                    self.as_text(ex, file, span, prefix);
                    return;
                }
            },
        };
        ex.deps.push((l, rel.clone()));
        let snip = Arc::new(FileRef {
            source: source.clone(),
            locale: l,
            rel,
        });
        let lines = source.line_ranges();
        let selected: Vec<Range<usize>> = match select_lines(&source.text, &lines, range, fragment)
        {
            Ok(s) => s,
            Err(msg) => {
                ex.diags.push(
                    Diagnostic::new(Kind::Extension, msg)
                        .at(&file.source, span.clone())
                        .hint("ranges look like `2-5,9`; regions are `#L2-L5` or a region name marked in the file"),
                );
                // Reported; the snippet line is published as text.
                self.as_text(ex, file, span, prefix);
                return;
            }
        };
        let body: String = selected.iter().map(|r| &source.text[r.clone()]).collect();
        let ticks = longest_run(&body, '`').max(2) + 1;
        let fence = "`".repeat(ticks);
        let mut info = lang.to_string();
        if let Some(h) = highlight {
            info.push_str(&format!(" highlight=\"{h}\""));
        }
        if let Some(t) = title {
            info.push_str(&format!(" title=\"{}\"", t.replace('"', "'")));
        }
        ex.mapped
            .gen(file, span.start, &format!("{prefix}{fence}{info}\n"));
        for r in selected {
            ex.mapped.gen(file, span.start, prefix);
            ex.mapped.copy(&snip, r.clone());
            if !source.text[r].ends_with('\n') {
                ex.mapped.gen(file, span.start, "\n");
            }
        }
        ex.mapped
            .gen(file, span.start, &format!("{prefix}{fence}\n"));
    }
}

/// Every path a line of a Markdown file may name as a code snippet (`[!code-lang[...](path)]`,
/// `:::code source="path":::`), without its `#region`. A superset: the line scanner decides
/// later which lines are snippets (not in a fence, not hidden, after a quote's `>`), but each
/// of those is a suffix of its line, so trying every `[!code` and `:::` finds them all.
pub fn snippet_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("[!code") {
        if let Some((_, path, _)) = code_reference(line[at..].trim_end()) {
            out.push(path);
        }
    }
    for (at, _) in line.match_indices(":::") {
        if let Some(d) = parse_colon_directive(line[at..].trim_end()) {
            if d.name == "code" {
                out.extend(d.attr("source"));
            }
        }
    }
    for p in &mut out {
        if let Some((path, _)) = p.split_once('#') {
            *p = path.to_string();
        }
    }
    out
}

pub(super) fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// Picks the lines of a snippet: `range="2-5,9"`, `#L2-L5`, or a named region.
pub fn select_lines(
    text: &str,
    lines: &[Range<usize>],
    range: Option<&str>,
    fragment: Option<&str>,
) -> Result<Vec<Range<usize>>, String> {
    let n = lines.len();
    let pick = |spec: &str| -> Result<Vec<Range<usize>>, String> {
        let mut out = Vec::new();
        for (part, a, b) in line_range_parts(spec) {
            let b = b.unwrap_or(a);
            let a: usize = a
                .trim_start_matches('L')
                .parse()
                .map_err(|_| format!("`{part}` is not a line range"))?;
            let b: usize = if b.is_empty() {
                n
            } else {
                b.trim_start_matches('L')
                    .parse()
                    .map_err(|_| format!("`{part}` is not a line range"))?
            };
            if a == 0 || a > b || a > n {
                return Err(format!(
                    "line range `{part}` is outside the file's {n} lines"
                ));
            }
            out.extend(lines[a - 1..b.min(n)].iter().cloned());
        }
        Ok(out)
    };
    if let Some(r) = range {
        return pick(r);
    }
    match fragment {
        None => Ok(lines.to_vec()),
        Some(f)
            if f.starts_with('L') && f[1..].chars().next().is_some_and(|c| c.is_ascii_digit()) =>
        {
            pick(f)
        }
        Some(name) => {
            let (mut start, mut end) = (None, None);
            for (i, r) in lines.iter().enumerate() {
                let l = text[r.clone()].trim();
                let tag_open = l.contains(&format!("<{name}>"));
                let tag_close = l.contains(&format!("</{name}>"));
                let region_open = l
                    .trim_start_matches(['#', '/', '<', '!', '-', ' '])
                    .strip_prefix("region")
                    .is_some_and(|rest| rest.trim() == name);
                if start.is_none() && (tag_open || region_open) && !tag_close {
                    start = Some(i + 1);
                } else if start.is_some()
                    && end.is_none()
                    && (tag_close
                        || l.trim_start_matches(['#', '/', '<', '!', '-', ' '])
                            .starts_with("endregion"))
                {
                    end = Some(i);
                }
            }
            match (start, end) {
                (Some(s), Some(e)) => Ok(lines[s..e].to_vec()),
                _ => Err(format!("region `{name}` is not marked in the snippet file")),
            }
        }
    }
}
