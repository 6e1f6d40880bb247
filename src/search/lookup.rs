//! The client's query in Rust (docs/search-format.md, "Query"): reads the same files the
//! browser fetches from a built site and ranks the same way, so tests (and the benchmark,
//! which counts the bytes a query downloads) exercise what readers get.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::Path;

use serde_json::Value;

use super::index::{short_id, DIGITS};
use super::tokens::{normalize, tokenize, utf16_cmp};

/// Results the results page shows at a time (the records fetched for them).
pub const TOP: usize = 10;
/// Results the search box's popup shows while the reader types.
pub const POPUP: usize = 6;
/// The most forms a prefix (the last query word) matches.
pub const PREFIX_FORMS: usize = 32;
/// What a completion of the last word weighs when that word is itself a word of the site.
pub const PREFIX_WEIGHT: f64 = 0.1;
/// The most chunks a prefix is looked up in.
pub const PREFIX_CHUNKS: usize = 2;
/// The shortest stem a word on no page falls back to (characters; also at least half the word).
pub const STEM_MIN: usize = 3;

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The page's id in the locale's index (its place among the locale's indexed pages).
    pub doc: usize,
    pub score: f64,
    pub title: String,
    /// The page's URL (`u`).
    pub url: String,
    /// Where the result links: `url`, or `url#anchor` of the best section.
    pub href: String,
    /// The text of the section linked to, marked like the snippet.
    pub heading: Option<String>,
    /// The page's summary, with each matched word in `<mark>`..`</mark>` (not HTML-escaped).
    pub snippet: String,
    /// The language the page is written in, when it is a fallback page (`l`).
    pub lang: Option<String>,
}

/// What a query found, and which files it read (relative to the locale's `_search/`).
#[derive(Debug, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub files: Vec<String>,
    /// How many pages matched (the results page's count; `hits` are the first of them).
    pub total: usize,
}

/// The hits for `query` in locale `locale` (its folder name, such as `sv-se`) of the site
/// built into `out`.
pub fn lookup(out: &Path, locale: &str, query: &str) -> io::Result<Vec<Hit>> {
    Ok(search(out, locale, query)?.hits)
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("search files: {what}"))
}

/// Reads the files of one locale's index, remembering which.
struct Reader<'a> {
    dir: std::path::PathBuf,
    files: &'a mut Vec<String>,
    cache: HashMap<String, Value>,
}

impl Reader<'_> {
    fn get(&mut self, name: &str) -> io::Result<&Value> {
        if !self.cache.contains_key(name) {
            let bytes = std::fs::read(self.dir.join(name))?;
            let v: Value = serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))?;
            self.files.push(name.to_string());
            self.cache.insert(name.to_string(), v);
        }
        Ok(&self.cache[name])
    }
}

/// A matched form: the form, its terms, and each term's postings, decoded.
type FormMatch = (String, Vec<String>, Vec<Vec<Posting>>);

/// A posting: doc, weight, section (-1: the top of the page).
type Posting = (usize, i64, i64);

/// A word's matched forms, each with its terms' postings decoded: (doc, idf x weight, section).
type Matched = Vec<(String, Vec<(usize, f64, i64)>)>;

/// [`lookup`], also naming the files read.
pub fn search(out: &Path, locale: &str, query: &str) -> io::Result<Found> {
    search_shown(out, locale, query, TOP)
}

/// [`search`] with the first `shown` results (and their record files): [`POPUP`] for what the
/// search box shows while the reader types.
pub fn search_shown(out: &Path, locale: &str, query: &str, shown: usize) -> io::Result<Found> {
    let mut found = Found::default();
    let words = tokenize(query);
    if words.is_empty() {
        return Ok(found);
    }
    let mut r = Reader {
        dir: out.join(locale).join("_search"),
        files: &mut found.files,
        cache: HashMap::new(),
    };
    let meta = r.get("meta.json")?.clone();
    let docs = meta["docs"]
        .as_u64()
        .ok_or_else(|| bad("meta.json has no docs"))? as f64;
    let k = meta["k"]
        .as_u64()
        .filter(|&k| k > 0)
        .ok_or_else(|| bad("meta.json has no k"))? as usize;
    let chunks: Vec<(String, String, String)> = meta["chunks"]
        .as_array()
        .ok_or_else(|| bad("meta.json has no chunks"))?
        .iter()
        .filter_map(|c| {
            Some((
                c[0].as_str()?.to_string(),
                c[1].as_str()?.to_string(),
                c[2].as_str()?.to_string(),
            ))
        })
        .collect();
    let records: Vec<String> = meta["records"]
        .as_array()
        .ok_or_else(|| bad("meta.json has no records"))?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    // Per query word: its matched forms with their postings.
    let mut per_word: Vec<Matched> = Vec::new();
    // Stems that query words fell back to: words starting with one are marked in snippets.
    let mut stems: Vec<String> = Vec::new();
    let last = words.len() - 1;
    for (i, w) in words.iter().enumerate() {
        let mut matched = forms_of(&mut r, &chunks, w, i == last)?;
        if matched.is_empty() {
            // A word on no page: its longest prefix that is a stem of the locale's language.
            let chars: Vec<char> = w.chars().collect();
            let shortest = STEM_MIN.max(chars.len().div_ceil(2));
            for n in (shortest..chars.len()).rev() {
                let p: String = chars[..n].iter().collect();
                let m = forms_of(&mut r, &chunks, &p, false)?;
                if m.iter().any(|(_, ts, _)| ts.contains(&p)) {
                    stems.push(p);
                    matched = m;
                    break;
                }
            }
        }
        // A word typed in full is what the reader means: its completions (`teamsite` for
        // `teams`) weigh PREFIX_WEIGHT, unless they share a term with it (`team`).
        let whole: Vec<String> = matched
            .iter()
            .find(|(f, _, _)| f == w)
            .map(|(_, ts, _)| ts.clone())
            .unwrap_or_default();
        let decoded: Matched = matched
            .into_iter()
            .map(|(f, ts, lists)| {
                let factor = if whole.is_empty() || ts.iter().any(|t| whole.contains(t)) {
                    1.0
                } else {
                    PREFIX_WEIGHT
                };
                // The form's idf: of all its terms' pages together (a word of two languages).
                let df = lists.iter().map(Vec::len).sum::<usize>() as f64;
                let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln() * factor;
                let mut ps = Vec::new();
                for l in lists {
                    for &(doc, w, h) in &l {
                        ps.push((doc, idf * w as f64, h));
                    }
                }
                (f, ps)
            })
            .collect();
        per_word.push(decoded);
    }

    // A doc matches when every word does; a word's score is its best form's.
    let mut scores: HashMap<usize, (f64, usize, HashMap<i64, f64>)> = HashMap::new();
    for (i, matched) in per_word.iter().enumerate() {
        let mut best: HashMap<usize, (f64, i64)> = HashMap::new();
        for (_, ps) in matched {
            for &(d, s, h) in ps {
                let e = best.entry(d).or_insert((s, h));
                if s > e.0 {
                    *e = (s, h);
                }
            }
        }
        for (d, (s, h)) in best {
            let e = scores.entry(d).or_insert((0.0, 0, HashMap::new()));
            if e.1 == i {
                e.0 += s;
                e.1 += 1;
                *e.2.entry(h).or_insert(0.0) += s;
            }
        }
    }
    let mut ranked: Vec<(usize, f64, i64)> = scores
        .into_iter()
        .filter(|(_, (_, n, _))| *n == words.len())
        .map(|(d, (s, _, hs))| {
            let mut hs: Vec<(i64, f64)> = hs.into_iter().collect();
            hs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            (d, s, hs.first().map_or(-1, |x| x.0))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    found.total = ranked.len();
    ranked.truncate(shown);

    let mut marked: HashSet<&str> = per_word.iter().flatten().map(|(f, _)| f.as_str()).collect();
    for s in &stems {
        marked.remove(s.as_str());
    }
    let mut hits = Vec::new();
    for (d, score, h) in ranked {
        let name = records
            .get(d / k)
            .ok_or_else(|| bad("a doc has no record file"))?;
        let rec = r.get(name)?[d % k].clone();
        let url = rec["u"].as_str().unwrap_or_default().to_string();
        let section = (h >= 0)
            .then(|| &rec["h"][h as usize])
            .and_then(|s| match s {
                Value::String(text) => Some((short_id(text)?, text.clone())),
                Value::Array(pair) => Some((
                    pair.first()?.as_str()?.to_string(),
                    pair.get(1)?.as_str()?.to_string(),
                )),
                _ => None,
            });
        let href = match &section {
            Some((id, _)) => format!("{url}#{id}"),
            None => url.clone(),
        };
        hits.push(Hit {
            doc: d,
            score,
            title: rec["t"].as_str().unwrap_or_default().to_string(),
            href,
            heading: section.map(|(_, text)| mark(&text, &marked, &stems)),
            snippet: mark(rec["d"].as_str().unwrap_or_default(), &marked, &stems),
            url,
            lang: rec["l"].as_str().map(str::to_string),
        });
    }
    found.hits = hits;
    Ok(found)
}

/// A word's matched forms in the chunks that can hold it (see the module docs): the form
/// itself, or, for a `prefix`, the forms starting with it (the [`PREFIX_FORMS`] with the most
/// postings); each with its terms and their postings.
fn forms_of(
    r: &mut Reader,
    chunks: &[(String, String, String)],
    w: &str,
    prefix: bool,
) -> io::Result<Vec<FormMatch>> {
    use std::cmp::Ordering::*;
    let names: Vec<String> = chunks
        .iter()
        .filter(|(first, last, _)| {
            if prefix {
                utf16_cmp(last, w) != Less
                    && (utf16_cmp(first, w) != Greater || first.starts_with(w))
            } else {
                utf16_cmp(first, w) != Greater && utf16_cmp(last, w) != Less
            }
        })
        .map(|c| c.2.clone())
        .take(if prefix { PREFIX_CHUNKS } else { 1 })
        .collect();
    let mut forms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut lists: HashMap<String, Vec<Posting>> = HashMap::new();
    for name in names {
        let chunk = r.get(&name)?;
        let Some(fs) = chunk["forms"].as_object() else {
            continue;
        };
        for (f, ts) in fs {
            let hit = if prefix { f.starts_with(w) } else { f == w };
            if !hit {
                continue;
            }
            let ts: Vec<String> = match ts {
                Value::String(s) => vec![s.clone()],
                Value::Number(n) if n.as_u64() == Some(0) => vec![f.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            for t in &ts {
                if let Some(p) = chunk["terms"][t].as_str() {
                    lists.entry(t.clone()).or_insert_with(|| postings(p));
                }
            }
            forms.insert(f.clone(), ts);
        }
    }
    let mut matched: Vec<(String, Vec<String>, usize)> = forms
        .into_iter()
        .map(|(f, ts)| {
            let n = ts.iter().map(|t| lists.get(t).map_or(0, Vec::len)).sum();
            (f, ts, n)
        })
        .collect();
    matched.sort_by(|a, b| utf16_cmp(&a.0, &b.0));
    if matched.len() > PREFIX_FORMS {
        // The forms with the most postings; ties in word order.
        let mut by_count: Vec<usize> = (0..matched.len()).collect();
        by_count.sort_by(|&a, &b| matched[b].2.cmp(&matched[a].2).then(a.cmp(&b)));
        let keep: HashSet<usize> = by_count.into_iter().take(PREFIX_FORMS).collect();
        matched = matched
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, m)| m)
            .collect();
    }
    Ok(matched
        .into_iter()
        .map(|(f, ts, _)| {
            let l = ts.iter().filter_map(|t| lists.get(t).cloned()).collect();
            (f, ts, l)
        })
        .collect())
}

/// A postings string decoded (docs/search-format.md, "Chunk file"): varint triples (doc
/// delta, weight, section + 1) of the best pages; then, for a word on more pages, `.`, the
/// weight of the others, and the others as `~` and a bitmap (6 docs a character) or `!` and
/// doc deltas. Varints are of [`DIGITS`], 5 bits a character, lowest first, the 6th bit set
/// when more follow. Damaged input ends the list where it is damaged.
fn postings(s: &str) -> Vec<Posting> {
    let digit = |b: u8| DIGITS.iter().position(|&d| d == b);
    let mut out = Vec::with_capacity(s.len() / 4);
    let bytes = s.as_bytes();
    let mut at = 0;
    // The next varint, if there is a whole one at `at`.
    let next = |at: &mut usize| -> Option<i64> {
        let (mut v, mut shift) = (0i64, 0);
        while let Some(c) = bytes.get(*at).and_then(|&b| digit(b)) {
            *at += 1;
            v |= ((c & 31) as i64) << shift;
            if c & 32 == 0 {
                return Some(v);
            }
            shift += 5;
            if shift > 30 {
                return None;
            }
        }
        None
    };
    let mut doc = 0i64;
    loop {
        let start = at;
        let (Some(d), Some(w), Some(h)) = (next(&mut at), next(&mut at), next(&mut at)) else {
            at = start;
            break;
        };
        doc += d;
        out.push((doc as usize, w, h - 1));
    }
    if bytes.get(at) != Some(&b'.') {
        return out;
    }
    at += 1;
    let Some(w) = next(&mut at) else {
        return out;
    };
    match bytes.get(at) {
        Some(b'~') => {
            for (j, &b) in bytes[at + 1..].iter().enumerate() {
                let Some(c) = digit(b) else { break };
                for i in 0..6 {
                    if c & (1 << i) != 0 {
                        out.push((j * 6 + i, w, -1));
                    }
                }
            }
        }
        Some(b'!') => {
            at += 1;
            let mut doc = 0i64;
            while let Some(d) = next(&mut at) {
                doc += d;
                out.push((doc as usize, w, -1));
            }
        }
        _ => {}
    }
    out
}

/// `text` with every word whose form (normalized) is in `forms`, or starts with one of
/// `stems`, wrapped in `<mark>`.
fn mark(text: &str, forms: &HashSet<&str>, stems: &[String]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for w in super::tokens::words(text) {
        // Offsets of `w` in `text`: `words` runs on the text as it is, each word normalized.
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        out.push_str(&text[at..start]);
        let n = normalize(w);
        if forms.contains(n.as_ref()) || stems.iter().any(|s| n.starts_with(s.as_str())) {
            out.push_str("<mark>");
            out.push_str(w);
            out.push_str("</mark>");
        } else {
            out.push_str(w);
        }
        at = start + w.len();
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::postings;
    use crate::search::index::{postings_string, TOP_POSTINGS};

    #[test]
    fn postings_strings_decode_to_what_was_written() {
        let written = [
            (0, 370, -1),
            (1, 1, 0),
            (100_000, 120, 40),
            (100_031, 31, 30),
        ];
        let s = postings_string(&written);
        assert!(s.starts_with('"') && s.ends_with('"'), "{s}");
        let decoded = postings(s.trim_matches('"'));
        assert_eq!(
            decoded,
            vec![
                (0, 370, -1),
                (1, 1, 0),
                (100_000, 120, 40),
                (100_031, 31, 30)
            ]
        );
        // Small values take one character each: a doc delta of 1, weight 1, the page top.
        assert_eq!(postings_string(&[(1, 1, -1)]), "\"BBA\"");
        // Damaged input ends the list instead of panicking.
        assert_eq!(postings("BB!A"), vec![]);
        assert_eq!(postings("________"), vec![]);
        assert_eq!(postings("BBA.~"), vec![(1, 1, -1)]);
    }

    /// Doc `d` of a word on many pages: weight `d % 300 + 1`, section `d % 7`.
    fn many(docs: impl Iterator<Item = u32>) -> Vec<(u32, u16, i16)> {
        docs.map(|d| (d, (d % 300 + 1) as u16, (d % 7) as i16))
            .collect()
    }

    #[test]
    fn a_word_on_many_pages_keeps_its_best_and_lists_the_others() {
        for (docs, mode) in [(many(0..1000), '~'), (many((0..1000).map(|d| d * 37)), '!')] {
            let s = postings_string(&docs);
            assert!(s.contains(mode), "{s}");
            let mut got = postings(s.trim_matches('"'));
            assert_eq!(got.len(), docs.len());
            got.sort();
            // Every page is there; the TOP_POSTINGS heaviest exactly, the others with one
            // weight (no more than the lightest of the best) and no section.
            let mut by_weight = docs.clone();
            by_weight.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let best: std::collections::HashSet<u32> =
                by_weight[..TOP_POSTINGS].iter().map(|x| x.0).collect();
            let floor = by_weight[TOP_POSTINGS - 1].1 as i64;
            let mut rest_weight = None;
            for (g, d) in got.iter().zip(&docs) {
                assert_eq!(g.0, d.0 as usize);
                if best.contains(&d.0) {
                    assert_eq!((g.1, g.2), (d.1 as i64, d.2 as i64));
                } else {
                    assert_eq!(g.2, -1);
                    assert!(g.1 <= floor);
                    assert_eq!(*rest_weight.get_or_insert(g.1), g.1);
                }
            }
            // Far shorter than a triple a page.
            assert!(s.len() < docs.len() * 3, "{}", s.len());
        }
    }
}
