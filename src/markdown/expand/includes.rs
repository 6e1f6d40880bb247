//! Includes: `[!INCLUDE [title](path)]` as a block (expanded line by line, with the
//! including line's prefix) and inline (text only, lines joined), with cycle and depth checks.

use super::*;

impl State<'_, '_> {
    /// Loads an include's text (front matter dropped) and returns its file and body range.
    pub(super) fn load_include(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        span: Range<usize>,
        path: &str,
    ) -> Option<(Arc<FileRef>, Range<usize>)> {
        let (l, rel) = match self.resolve_target(ex, file, span.clone(), path) {
            Ok(t) => t,
            Err(why) => {
                ex.diags
                    .push(self.target_error(file, span, path, why, "include"));
                return None;
            }
        };
        let Some(source) = self.ctx.site.locales[l].markdown.get(&rel).cloned() else {
            ex.diags.push(
                Diagnostic::new(
                    Kind::MissingInclude,
                    format!("include `{path}` is not a Markdown file"),
                )
                .at(&file.source, span),
            );
            return None;
        };
        if let Some(i) = self.stack.iter().position(|k| *k == (l, rel.clone())) {
            let mut chain: Vec<String> = self.stack[i..].iter().map(|(_, r)| r.clone()).collect();
            chain.push(rel.clone());
            ex.diags.push(
                Diagnostic::new(
                    Kind::IncludeCycle,
                    format!("include cycle: `{rel}` includes itself"),
                )
                .at(&file.source, span)
                .note(format!("chain: {}", chain.join(" -> ")))
                .hint("remove one of the includes in the chain"),
            );
            return None;
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            ex.diags.push(
                Diagnostic::new(
                    Kind::IncludeCycle,
                    format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"),
                )
                .at(&file.source, span),
            );
            return None;
        }
        // Parsed once by `load`; parsed here only for a file `serve` has replaced since.
        let parsed = match self.ctx.site.locales[l].body_start(&rel, &source) {
            Some(r) => r.clone(),
            None => crate::frontmatter::parse(&source).map(|p| p.body_start),
        };
        // A dependency even when its front matter is broken: fixing it changes this page.
        ex.deps.push((l, rel.clone()));
        let body_start = match parsed {
            Ok(b) => b,
            Err(d) => {
                ex.diags.push(d);
                return None;
            }
        };
        let inc = Arc::new(FileRef {
            source: source.clone(),
            locale: l,
            rel,
        });
        let len = source.text.len();
        Some((inc, body_start..len))
    }

    pub(super) fn include(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        span: Range<usize>,
        path: &str,
        prefix: &str,
    ) {
        let Some((inc, body)) = self.load_include(ex, file, span.clone(), path) else {
            // Reported by `load_include`; the include line is published as text.
            self.as_text(ex, file, span, prefix);
            return;
        };
        self.stack.push((inc.locale, inc.rel.clone()));
        self.expand_file(ex, &inc, body, prefix);
        self.stack.pop();
    }

    /// `[!include[title](path)]` inside a line: the include's text with its lines joined, as
    /// inline content, its own inline extensions expanded.
    pub(super) fn inline_include(
        &mut self,
        ex: &mut Expansion,
        file: &Arc<FileRef>,
        span: Range<usize>,
        path: &str,
    ) {
        let Some((inc, body)) = self.load_include(ex, file, span.clone(), path) else {
            // Reported by `load_include`; the include is published as text.
            let text = escape_markdown(&file.source.text[span.clone()]);
            ex.mapped.gen(file, span.start, &text);
            return;
        };
        // Its lines may hold inline extensions too (an icon, a nested include).
        self.stack.push((inc.locale, inc.rel.clone()));
        let t = &inc.source.text;
        let trimmed_start =
            body.start + (t[body.clone()].len() - t[body.clone()].trim_start().len());
        let trimmed_end = body.start + t[body.clone()].trim_end().len();
        let mut p = trimmed_start;
        while p < trimmed_end {
            let e = t[p..trimmed_end]
                .find('\n')
                .map(|i| p + i)
                .unwrap_or(trimmed_end);
            let line_end = if t[p..e].ends_with('\r') { e - 1 } else { e };
            self.inline_extensions(ex, &inc, p, line_end);
            if e < trimmed_end {
                ex.mapped.gen(&inc, e, " ");
            }
            p = e + 1;
        }
        self.stack.pop();
    }
}
