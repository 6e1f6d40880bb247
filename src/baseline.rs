//! A baseline: the findings a site is known to have, recorded by `check --write-baseline FILE`,
//! so `check --baseline FILE` reports (and fails on) only the findings that are not in it.
//!
//! A finding is known when an entry has its kind, its file and its [`fingerprint`]: a hash of
//! its message and the source text around it, never of its line number, so text moving in the
//! file does not make a known finding new. Matching is two passes over a multiset (two known,
//! three now: one is new): first by the fingerprint of the message, the line and its two
//! neighbours, then, for what is left, by the message and the line alone, so an edit next to
//! a known finding does not make it new either.
//!
//! The file is YAML, one entry per finding (a repeated finding is a repeated entry), sorted,
//! with the message for the people who review it in a diff. Only warnings and errors are
//! recorded: informational findings never fail a check.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Kind, Level};
use crate::source::{self, Source, SourceFile};

/// The version of the file's format, written as `version:`.
pub const VERSION: u32 = 1;

/// Size of the biggest baseline read; a docset with hundreds of thousands of findings stays under.
const MAX_SIZE: u64 = 256 * 1024 * 1024;

/// One known finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, as findings show it (relative to the site); empty for findings without one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    pub kind: Kind,
    /// For the reviewer only: matching uses the fingerprints.
    pub message: String,
    /// [`fingerprint`] of the finding.
    pub fingerprint: String,
    /// [`line_fingerprint`] of the finding.
    pub line_fingerprint: String,
}

/// The file as written and read.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    findings: Vec<Entry>,
}

/// Known findings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// Sorted.
    pub entries: Vec<Entry>,
}

/// What [`Baseline::compare`] found.
#[derive(Debug, Default)]
pub struct Compared {
    /// The findings to report: those not in the baseline, and every informational one (which
    /// is never recorded), in their order.
    pub reported: Vec<Diagnostic>,
    /// How many of `reported` are new warnings or errors: the check fails when there is one.
    pub new: usize,
    /// Findings that matched an entry (not reported).
    pub known: usize,
    /// Entries that matched no finding: problems fixed since the baseline was written.
    pub gone: usize,
}

/// Whether a finding is recorded in a baseline (and can be new): warnings and errors.
fn counts(d: &Diagnostic) -> bool {
    d.level != Level::Info
}

/// The lines around the finding's position, each trimmed and with its runs of whitespace made
/// one space: `before` and `after` neighbours (empty at the ends of the file) and the line.
fn context(d: &Diagnostic, neighbours: bool) -> Vec<String> {
    let Some(loc) = &d.location else {
        return Vec::new();
    };
    let (line, _) = loc.source.line_col(loc.span().start);
    let last = loc.source.line_col(loc.source.text.len()).0;
    let text = |n: usize| -> String {
        if n == 0 || n > last {
            return String::new();
        }
        let t = &loc.source.text[loc.source.line_range(n)];
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    if neighbours {
        vec![text(line - 1), text(line), text(line + 1)]
    } else {
        vec![text(line)]
    }
}

fn hash(message: &str, lines: &[String]) -> String {
    let mut h = blake3::Hasher::new();
    crate::cache::feed(&mut h, message);
    for l in lines {
        crate::cache::feed(&mut h, l);
    }
    h.finalize().to_hex()[..16].to_string()
}

/// A finding's fingerprint: a hash of its message and of its line and the two lines around
/// it (trimmed, whitespace runs made one space), without the line number. Stable while that
/// text is: what a code-scanning tool can take as a partial fingerprint.
pub fn fingerprint(d: &Diagnostic) -> String {
    hash(&d.message, &context(d, true))
}

/// [`fingerprint`] without the neighbouring lines: the second, looser match.
pub fn line_fingerprint(d: &Diagnostic) -> String {
    hash(&d.message, &context(d, false))
}

impl Baseline {
    /// The baseline of these findings (their warnings and errors).
    pub fn of(diags: &[Diagnostic]) -> Baseline {
        let mut entries: Vec<Entry> = diags
            .iter()
            .filter(|d| counts(d))
            .map(|d| Entry {
                file: d.file.clone().unwrap_or_default(),
                kind: d.kind,
                message: d.message.clone(),
                fingerprint: fingerprint(d),
                line_fingerprint: line_fingerprint(d),
            })
            .collect();
        entries.sort();
        Baseline { entries }
    }

    /// The file's text: a comment, the version and the entries, sorted.
    pub fn to_yaml(&self) -> String {
        let file = File {
            version: VERSION,
            findings: self.entries.clone(),
        };
        let body = serde_yaml::to_string(&file).unwrap_or_default();
        format!(
            "# Known findings of `helpsite check`, written by `helpsite check --write-baseline`.\n\
             # `helpsite check --baseline` fails only on findings that are not listed here.\n{body}"
        )
    }

    /// Parses a baseline file's text; a finding (kind `config`) pointing into it when it is not one.
    pub fn parse(source: &Source) -> Result<Baseline, Diagnostic> {
        let file: File = source::yaml::from_str(&source.text).map_err(|e| {
            Diagnostic::new(Kind::Config, format!("invalid baseline: {}", e.message))
                .at(source, e.offset..e.offset + 1)
                .hint(REWRITE)
        })?;
        if file.version != VERSION {
            let at = source::yaml::top_level_key_lines(&source.text, "version")
                .next()
                .map_or(0..1, |(offset, line)| {
                    offset..offset + line.trim_end().len()
                });
            return Err(Diagnostic::new(
                Kind::Config,
                format!(
                    "baseline version {} is not one this helpsite reads (version {VERSION})",
                    file.version
                ),
            )
            .at(source, at)
            .hint(REWRITE));
        }
        let mut entries = file.findings;
        entries.sort();
        Ok(Baseline { entries })
    }

    /// Reads the baseline file at `path`.
    pub fn read(path: &Path) -> Result<Baseline, Diagnostic> {
        let display = path.display().to_string();
        let cannot = |e: String| {
            Diagnostic::new(Kind::Config, format!("cannot read the baseline: {e}"))
                .in_file(display.clone())
                .hint("write one with `helpsite check --write-baseline FILE`")
        };
        let bytes =
            source::read_regular(path, Some(MAX_SIZE)).map_err(|e| cannot(e.to_string()))?;
        let text = source::decode(&bytes).map_err(|bad| {
            let src = SourceFile::new(path.to_path_buf(), display.clone(), bad.text);
            Diagnostic::new(Kind::Config, "the baseline is not UTF-8 text")
                .at(&src, bad.span)
                .hint(REWRITE)
        })?;
        Baseline::parse(&SourceFile::new(path.to_path_buf(), display.clone(), text))
    }

    /// Writes the baseline to `path`: beside it first, then renamed over it, so a failed
    /// write leaves the old file.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let tmp = crate::cache::temp_beside(path);
        let res = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(self.to_yaml().as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if res.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        res
    }

    /// Sorts `diags` into known and new (see the module docs).
    pub fn compare(&self, diags: Vec<Diagnostic>) -> Compared {
        type Index<'a> = HashMap<(&'a str, Kind, &'a str), Vec<usize>>;
        let mut exact: Index = HashMap::new();
        let mut loose: Index = HashMap::new();
        // Reversed, so entries are taken in file order by `pop`.
        for (i, e) in self.entries.iter().enumerate().rev() {
            exact
                .entry((&e.file, e.kind, &e.fingerprint))
                .or_default()
                .push(i);
            loose
                .entry((&e.file, e.kind, &e.line_fingerprint))
                .or_default()
                .push(i);
        }
        let mut used = vec![false; self.entries.len()];
        let prints: Vec<Option<(String, String, String)>> = diags
            .iter()
            .map(|d| {
                counts(d).then(|| {
                    (
                        d.file.clone().unwrap_or_default(),
                        fingerprint(d),
                        line_fingerprint(d),
                    )
                })
            })
            .collect();
        let mut matched = vec![false; diags.len()];
        for (n, (d, p)) in diags.iter().zip(&prints).enumerate() {
            if let Some((file, fp, _)) = p {
                matched[n] = take(
                    exact.get_mut(&(file.as_str(), d.kind, fp.as_str())),
                    &mut used,
                );
            }
        }
        for (n, (d, p)) in diags.iter().zip(&prints).enumerate() {
            if let (Some((file, _, lfp)), false) = (p, matched[n]) {
                matched[n] = take(
                    loose.get_mut(&(file.as_str(), d.kind, lfp.as_str())),
                    &mut used,
                );
            }
        }
        let known = matched.iter().filter(|m| **m).count();
        let mut out = Compared {
            known,
            gone: used.iter().filter(|u| !**u).count(),
            ..Default::default()
        };
        for (d, m) in diags.into_iter().zip(matched) {
            if !m {
                out.new += usize::from(counts(&d));
                out.reported.push(d);
            }
        }
        out
    }
}

/// Takes the first entry of `list` not used yet, if any.
fn take(list: Option<&mut Vec<usize>>, used: &mut [bool]) -> bool {
    let Some(list) = list else {
        return false;
    };
    while let Some(i) = list.pop() {
        if !used[i] {
            used[i] = true;
            return true;
        }
    }
    false
}

const REWRITE: &str =
    "a baseline is written by `helpsite check --write-baseline FILE`; write it again, or fix the entry";

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str, message: &str) -> Diagnostic {
        let src = SourceFile::new("a.md".into(), "a.md".into(), text.to_string());
        let start = text.find(needle).unwrap();
        Diagnostic::new(Kind::BrokenLink, message).at(&src, start..start + needle.len())
    }

    #[test]
    fn the_fingerprint_ignores_the_line_number_and_whitespace() {
        let a = at("intro\n\nsee [x](y.md)\nend\n", "[x]", "m");
        let b = at(
            "new\nlines\nintro\n\n  see   [x](y.md)\t\nend\n",
            "[x]",
            "m",
        );
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(
            fingerprint(&a),
            fingerprint(&at("intro\n\nsee [x](y.md)\nend\n", "[x]", "n"))
        );
    }

    #[test]
    fn an_edit_next_to_a_known_finding_still_matches_by_its_line() {
        let known = Baseline::of(&[at("intro\nsee [x](y.md)\nend\n", "[x]", "m")]);
        let now = vec![at("intro, changed\nsee [x](y.md)\nend\n", "[x]", "m")];
        let c = known.compare(now);
        assert_eq!((c.new, c.known, c.gone), (0, 1, 0));
    }

    #[test]
    fn the_yaml_reads_back() {
        let b = Baseline::of(&[
            at("see [x](y.md)\n", "[x]", "link: `y.md` \"quoted\""),
            Diagnostic::new(Kind::Toc, "no file").in_file("toc.yml"),
        ]);
        let src = SourceFile::new("b.yml".into(), "b.yml".into(), b.to_yaml());
        assert_eq!(Baseline::parse(&src).unwrap(), b);
    }
}
