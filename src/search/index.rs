//! A locale's search files from its pages' entries: BM25 weights (field boosts in the
//! entries' counts, length normalisation here), the word forms in chunks by word range, the
//! result records in files of `k` pages, and meta.json naming them (docs/search-format.md).
//!
//! Everything is a function of the pages' entries, so an incremental build writes what a full
//! build writes, and the file names carry their content's hash. What an edit changes stays
//! small: chunk boundaries are chosen by a hash of the word that starts a chunk (not by
//! position), the page lengths and their average that BM25 normalises by are rounded to a
//! quarter octave, and `k` to a power of two, so one edited page changes the meta file, its
//! record file and the chunks holding the words whose postings changed.

use serde_json::json;

use super::entry::PageEntry;
use super::tokens::{algorithm, language, utf16_cmp, with_stem};
use super::{FxMap, FORMAT};
use crate::markdown::Rendered;
use crate::site::{PageId, PageState, Site};

/// No search file is larger than this (bytes); the issue's limit is 128 KB.
pub const MAX_FILE: usize = 120 * 1024;
/// The size a chunk aims at when the file count allows it (raw bytes; about half gzipped); the
/// writer raises it a quarter at a time while the chunks are too many for the file budget.
const CHUNK_TARGET: usize = 12 * 1024;
/// BM25's parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// What a word in the title adds to its weight (BM25's part of the weight is at most
/// `K1 + 1`): a page about the word ranks above pages that only mention it often.
pub const TITLE_BONUS: f64 = 1.5;
/// A result's summary (the description, else the start of the page's text) is about this
/// many characters; a heading's text at most this many, or [`HEADING_EXCERPT`] when a record
/// file would be too large. Records hold no section text: every result fetches the record
/// file of its page, which holds `k` pages (docs/search-format.md, "Record file").
const SUMMARY: usize = 120;
const HEADING_TEXT: usize = 80;
const HEADING_EXCERPT: usize = 40;

/// What the index of a site is made from.
pub struct SearchInput<'a> {
    pub site: &'a Site,
    pub bodies: &'a [Rendered],
    /// Per page: its entry (`None`: not indexed, such as a page this build does not make).
    pub entries: &'a [Option<PageEntry>],
    /// Whether a page may be found (not `ROBOTS: NOINDEX`).
    pub indexed: &'a (dyn Fn(PageId) -> bool + Sync),
    /// A page's breadcrumb (names), as its page shows it.
    pub crumbs: &'a (dyn Fn(PageId) -> Vec<String> + Sync),
}

/// The most files a locale of `docs` pages may have.
pub fn file_limit(docs: usize) -> usize {
    (docs / 20).max(3)
}

/// Every search file of the locales this build makes: (path under the output, bytes).
pub fn files(input: &SearchInput) -> Vec<(String, Vec<u8>)> {
    use rayon::prelude::*;
    let site = input.site;
    (0..site.locales.len())
        .into_par_iter()
        .filter(|&l| site.building.get(l).copied().unwrap_or(true))
        .flat_map_iter(|l| locale_files(input, l))
        .collect()
}

/// One term's postings: (doc, weight, section).
type Postings = Vec<(u32, u16, i16)>;

fn locale_files(input: &SearchInput, lid: usize) -> Vec<(String, Vec<u8>)> {
    let site = input.site;
    let locale = &site.locales[lid];
    let lang = language(&locale.code);
    let docs: Vec<(PageId, &PageEntry)> = site
        .locale_pages(lid)
        .filter(|(p, _)| site.builds(*p) && (input.indexed)(*p))
        .filter_map(|(p, _)| input.entries.get(p)?.as_ref().map(|e| (p, e)))
        .collect();
    let n = docs.len();
    let total: u64 = docs.iter().map(|(_, e)| u64::from(e.len)).sum();
    let avgdl = quarter_octave(total as f64 / n.max(1) as f64);

    // Terms by key, forms -> their terms, postings per term.
    let mut langs: Vec<String> = Vec::new();
    let mut term_ids: FxMap<String, u32> = FxMap::default();
    let mut terms: Vec<String> = Vec::new();
    let mut postings: Vec<Postings> = Vec::new();
    // Forms by content language and form: those of up to 16 bytes packed (hashed and
    // compared as integers), longer ones by themselves.
    let mut short_form_of: FxMap<(u8, (u64, u64)), u32> = FxMap::default();
    let mut form_of: FxMap<(u8, &str), u32> = FxMap::default();
    let mut form_terms: FxMap<&str, Vec<u32>> = FxMap::default();
    // The page's terms, and per term id its sum on the page: the page (+ 1) it was last
    // counted for, tf, section, title.
    let mut doc_terms: Vec<u32> = Vec::new();
    let mut doc_acc: Vec<(u32, u32, i16, bool)> = Vec::new();
    for (d, (p, e)) in docs.iter().enumerate() {
        let content = language(&site.locales[site.pages[*p].content_locale(site)].code);
        let slot = match langs.iter().position(|l| *l == content) {
            Some(i) => i,
            None => {
                langs.push(content.clone());
                langs.len() - 1
            }
        } as u8;
        let alg = algorithm(&content);
        let suffix = (content != lang).then(|| format!("#{content}"));
        for (form, packed, (tf, sec, title)) in e.packed() {
            let found = match packed {
                Some(k) => short_form_of.get(&(slot, k)),
                None => form_of.get(&(slot, form)),
            };
            let t = match found.copied() {
                Some(t) => t,
                None => {
                    let key = with_stem(alg, form, |s| match &suffix {
                        Some(x) => format!("{s}{x}"),
                        None => s.to_string(),
                    });
                    let id = *term_ids.entry(key.clone()).or_insert_with(|| {
                        terms.push(key);
                        postings.push(Vec::new());
                        (terms.len() - 1) as u32
                    });
                    let ft = form_terms.entry(form).or_default();
                    if !ft.contains(&id) {
                        ft.push(id);
                    }
                    match packed {
                        Some(k) => short_form_of.insert((slot, k), id),
                        None => form_of.insert((slot, form), id),
                    };
                    id
                }
            };
            if doc_acc.len() <= t as usize {
                doc_acc.resize(terms.len(), (0, 0, -1, false));
            }
            let acc = &mut doc_acc[t as usize];
            if acc.0 != d as u32 + 1 {
                *acc = (d as u32 + 1, 0, sec, false);
                doc_terms.push(t);
            }
            acc.1 += u32::from(tf);
            acc.3 |= title;
        }
        // The page's length rounded like the average: a small edit changes the weights of
        // the words it changed, not of every word on the page.
        let dl = quarter_octave(f64::from(e.len));
        let norm = K1 * (1.0 - B + B * dl / avgdl);
        for t in doc_terms.drain(..) {
            let (_, tf, sec, title) = doc_acc[t as usize];
            let tf = f64::from(tf);
            let bonus = if title { TITLE_BONUS } else { 0.0 };
            // Rounded (half away from zero) without a call to libm's `round`.
            let w = (100.0 * (tf * (K1 + 1.0) / (tf + norm) + bonus) + 0.5).max(1.0);
            postings[t as usize].push((d as u32, w as u16, sec));
        }
    }
    // Each stem of the locale's language is a form too (of itself): a query word that is on
    // no page finds its stem among its prefixes (`postlådor` -> `postlåd`).
    for (id, t) in terms.iter().enumerate() {
        if !t.contains('#') {
            let ft = form_terms.entry(t.as_str()).or_default();
            if !ft.contains(&(id as u32)) {
                ft.push(id as u32);
            }
        }
    }
    // Postings as JSON strings of varints (docDelta, weight, section + 1, ...).
    let lists: Vec<String> = postings.iter().map(|p| postings_string(p)).collect();
    drop(postings);

    // Each term's place in UTF-16 order (a chunk lists its terms in that order).
    let mut by_order: Vec<u32> = (0..terms.len() as u32).collect();
    sort_utf16(&mut by_order, |t| &terms[*t as usize]);
    let mut rank = vec![0u32; terms.len()];
    for (r, &t) in by_order.iter().enumerate() {
        rank[t as usize] = r as u32;
    }
    // Forms in UTF-16 order, each as its JSON member, with its terms.
    let mut forms: Vec<(&str, Vec<u32>)> = form_terms.into_iter().collect();
    sort_utf16(&mut forms, |f| f.0);
    let members: Vec<String> = forms
        .iter_mut()
        .map(|(f, ts)| {
            ts.sort_unstable_by_key(|t| rank[*t as usize]);
            // A form that is its own term (most of a site's words: unstemmed, or a stem) is
            // written as 0, not as itself again.
            let mut m = String::with_capacity(f.len() * 2 + 8);
            json_str(&mut m, f);
            m.push(':');
            match ts.as_slice() {
                [one] if terms[*one as usize] == *f => m.push('0'),
                [one] => json_str(&mut m, &terms[*one as usize]),
                many => {
                    m.push('[');
                    for (i, t) in many.iter().enumerate() {
                        if i > 0 {
                            m.push(',');
                        }
                        json_str(&mut m, &terms[*t as usize]);
                    }
                    m.push(']');
                }
            }
            m
        })
        .collect();

    let term_cost = |t: u32| lists[t as usize].len() + terms[t as usize].len() + 4;
    let form_cost = |i: usize| members[i].len() + 1;
    let total_cost: usize = (0..forms.len()).map(form_cost).sum::<usize>()
        + (0..terms.len() as u32).map(term_cost).sum::<usize>();
    // The files a locale may have: meta.json, the record files, and at least as many chunks
    // as their bytes need (a chunk is cut before it passes MAX_FILE, so some slack).
    let limit = file_limit(n);
    let chunks_needed = total_cost.div_ceil(MAX_FILE * 3 / 4).max(1);
    let mut k = records_per_file(n, limit);
    while k < n && 1 + n.div_ceil(k) + chunks_needed > limit {
        k *= 2;
    }
    let record_files = n.div_ceil(k).max(1);
    let chunk_budget = limit.saturating_sub(1 + record_files).max(1);
    // Chunks of about CHUNK_TARGET bytes, larger while they are too many (a reader fetches
    // the chunk of each query word: the smallest chunks the budget allows); at the end, as
    // large as a file may be.
    let mut target = CHUNK_TARGET;
    let ranges = loop {
        let t = (target < MAX_FILE).then_some(target);
        let ranges = chunk_ranges(&forms, terms.len(), t, &form_cost, &term_cost);
        if ranges.len() <= chunk_budget || t.is_none() {
            break ranges;
        }
        target += target / 4;
    };

    let base = format!("{}/_search", locale.slug);
    let mut out = Vec::new();
    let mut chunk_meta = Vec::new();
    for r in ranges {
        let mut used: Vec<u32> = forms[r.clone()]
            .iter()
            .flat_map(|f| f.1.iter().copied())
            .collect();
        used.sort_unstable_by_key(|t| rank[*t as usize]);
        used.dedup();
        let mut s = String::from("{\"forms\":{");
        s.push_str(&members[r.clone()].join(","));
        s.push_str("},\"terms\":{");
        for (i, t) in used.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            json_str(&mut s, &terms[*t as usize]);
            s.push(':');
            s.push_str(&lists[*t as usize]);
        }
        s.push_str("}}");
        let name = hashed("c", None, s.as_bytes());
        chunk_meta.push(json!([forms[r.start].0, forms[r.end - 1].0, name]));
        // Words, terms and postings hold no `<`, `>` or `&` (see `html_safe`).
        debug_assert!(!s.contains(['<', '>', '&']));
        out.push((format!("{base}/{name}"), s.into_bytes()));
    }
    // Record files of k pages each; shorter records while a file is too large (pages with many
    // long sections), and when even the shortest do not fit, fewer pages a file: no search
    // file is over MAX_FILE, which matters more than the file count.
    // Every page's record once; a group too large for its file gets shorter heading texts,
    // and when even the shortest do not fit, the files get fewer pages.
    let full: Vec<Record> = docs.iter().map(|(p, e)| record(input, *p, e)).collect();
    let (k, records) = loop {
        let mut files = Vec::new();
        let mut fits = true;
        for (group, recs) in docs.chunks(k).zip(full.chunks(k)) {
            let mut bytes = html_safe(serde_json::to_vec(recs).unwrap_or_default());
            for trim in 1..=TRIMS {
                if bytes.len() <= MAX_FILE {
                    break;
                }
                let trimmed: Vec<Record> = group
                    .iter()
                    .zip(recs)
                    .map(|((p, e), r)| Record {
                        h: sections(&input.bodies[*p], e, trim),
                        ..r.clone()
                    })
                    .collect();
                bytes = html_safe(serde_json::to_vec(&trimmed).unwrap_or_default());
            }
            fits &= bytes.len() <= MAX_FILE;
            files.push(bytes);
        }
        if fits || k == 1 {
            break (k, files);
        }
        k = k.div_ceil(2);
    };
    let mut record_names = Vec::new();
    for (i, bytes) in records.into_iter().enumerate() {
        let name = hashed("r", Some(i), &bytes);
        record_names.push(name.clone());
        out.push((format!("{base}/{name}"), bytes));
    }
    let meta = json!({
        "v": FORMAT,
        "locale": locale.slug,
        "lang": lang,
        "docs": n,
        "k": k,
        "chunks": chunk_meta,
        "records": record_names,
    });
    out.push((
        format!("{base}/meta.json"),
        html_safe(meta.to_string().into_bytes()),
    ));
    out
}

/// `items` in the UTF-16 order ([`utf16_cmp`]) of their `word`s: by the first 16 bytes as a
/// number, then by the rest, when no word has a character from U+E000 up (lead byte `EE`
/// and above: the only ones whose UTF-16 order differs from their UTF-8 order); else by
/// [`utf16_cmp`].
fn sort_utf16<'w, T>(items: &mut Vec<T>, word: impl Fn(&T) -> &'w str) {
    if items.iter().any(|x| word(x).bytes().any(|b| b >= 0xee)) {
        items.sort_unstable_by(|a, b| utf16_cmp(word(a), word(b)));
        return;
    }
    let key = |w: &str| {
        let mut buf = [0u8; 16];
        let n = w.len().min(16);
        buf[..n].copy_from_slice(&w.as_bytes()[..n]);
        u128::from_be_bytes(buf)
    };
    let mut keyed: Vec<(u128, T)> = items.drain(..).map(|x| (key(word(&x)), x)).collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| word(&a.1).cmp(word(&b.1))));
    items.extend(keyed.into_iter().map(|k| k.1));
}

/// `s` as a JSON string, appended to `out` (words and terms hold no character to escape but
/// in theory; those are escaped as serde_json does).
fn json_str(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::Value::from(s).to_string());
    }
}

/// JSON with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026` (they only occur in
/// strings): a search file read as HTML by mistake (content sniffing, a misconfigured server)
/// holds no markup.
fn html_safe(json: Vec<u8>) -> Vec<u8> {
    if !json.iter().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 64);
    for b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            _ => out.push(b),
        }
    }
    out
}

/// `x` rounded to the nearest quarter octave (a power of 2^(1/4)), at least 1.
fn quarter_octave(x: f64) -> f64 {
    if x <= 1.0 {
        return 1.0;
    }
    (2f64).powf((x.log2() * 4.0).round() / 4.0)
}

/// Pages per record file: a power of two, so that the record files take at most two thirds
/// of the locale's file budget. Results fall on pages all over the site, so each fetches a
/// record file of its own: small files matter more for the bytes of a query than small
/// chunks, of which a query fetches one or two.
pub fn records_per_file(docs: usize, limit: usize) -> usize {
    let share = (limit * 2 / 3).max(1);
    docs.div_ceil(share).max(1).next_power_of_two().max(8)
}

/// A term on more pages than this keeps exact postings (doc, weight, section) for this many
/// of its pages, those where it weighs most; its other pages are listed without weight or
/// section (a bitmap or doc deltas, whichever is shorter) and share one weight, their
/// median. Ranking is exact for a word's best pages, a word on nearly every page costs about
/// one character per six pages instead of four per page, and every page that has a word is
/// found (docs/search-format.md, "Chunk file").
pub const TOP_POSTINGS: usize = 64;

/// One term's postings as a JSON string (quotes included): see [`TOP_POSTINGS`].
pub(crate) fn postings_string(p: &[(u32, u16, i16)]) -> String {
    // Bytes, not a `String`: every character is one of DIGITS or punctuation, pushed without
    // encoding it as UTF-8 first.
    let mut s = Vec::with_capacity(p.len().min(TOP_POSTINGS) * 5 + p.len() / 4 + 8);
    s.push(b'"');
    if p.len() <= TOP_POSTINGS {
        triples(&mut s, p.iter().copied());
    } else {
        spread(&mut s, p);
    }
    s.push(b'"');
    String::from_utf8(s).expect("postings are ASCII")
}

/// The postings of a term on more than TOP_POSTINGS pages: the best TOP_POSTINGS (weight,
/// then the lower doc) in doc order, then the rest in doc order, without weights but their
/// median. Found from a count of the weights (a few hundred values: at most about
/// 100 x (K1 + 1 + TITLE_BONUS)), without sorting the postings.
fn spread(s: &mut Vec<u8>, p: &[(u32, u16, i16)]) {
    let heaviest = p.iter().map(|x| usize::from(x.1)).max().unwrap_or(0);
    let mut counts = vec![0u32; heaviest + 1];
    for x in p {
        counts[usize::from(x.1)] += 1;
    }
    // The weight of the TOP_POSTINGS-th best page: the pages above it are in the top, and
    // of those at it the first ones.
    let mut above = 0;
    let mut cut = counts.len();
    while above + counts[cut - 1] < TOP_POSTINGS as u32 {
        cut -= 1;
        above += counts[cut];
    }
    let cut = cut - 1;
    let mut at_cut = TOP_POSTINGS as u32 - above;
    // The rest's weights: below the cut, and those at it not in the top.
    counts[cut] -= at_cut;
    let mid = (p.len() - TOP_POSTINGS) as u32 / 2;
    let (mut seen, mut median) = (0, 0);
    for (w, &c) in counts[..=cut].iter().enumerate() {
        seen += c;
        if seen > mid {
            median = w;
            break;
        }
    }
    let mut rest: Vec<u32> = Vec::with_capacity(p.len() - TOP_POSTINGS);
    let mut prev = 0;
    for &(d, w, h) in p {
        let w16 = usize::from(w);
        let top = w16 > cut || (w16 == cut && at_cut > 0);
        if w16 == cut && top {
            at_cut -= 1;
        }
        if top {
            triple(s, d - prev, w, h);
            prev = d;
        } else {
            rest.push(d);
        }
    }
    s.push(b'.');
    varint(s, median as u32);
    rest_docs(s, &rest);
}

/// The docs of a term's postings after its best ones: doc deltas, or a bitmap of 6 docs a
/// character, whichever is shorter.
fn rest_docs(s: &mut Vec<u8>, rest: &[u32]) {
    // The deltas' length first (a varint has a character per 5 bits): only the shorter form is
    // written.
    let mut deltas_len = 0;
    let mut prev = 0;
    for &d in rest {
        deltas_len += (32 - (d - prev).leading_zeros()).div_ceil(5).max(1) as usize;
        prev = d;
    }
    let last = rest.last().map_or(0, |&d| d as usize);
    let bitmap_len = last / 6 + 1;
    if bitmap_len < deltas_len {
        let start = s.len() + 1;
        s.push(b'~');
        s.resize(start + bitmap_len, 0);
        for &d in rest {
            s[start + d as usize / 6] |= 1 << (d % 6);
        }
        for b in &mut s[start..] {
            *b = DIGITS[*b as usize];
        }
    } else {
        s.push(b'!');
        let mut prev = 0;
        for &d in rest {
            varint(s, d - prev);
            prev = d;
        }
    }
}

/// Postings as varint triples: doc delta, weight, section + 1.
fn triples(s: &mut Vec<u8>, p: impl Iterator<Item = (u32, u16, i16)>) {
    let mut prev = 0;
    for (d, w, h) in p {
        triple(s, d - prev, w, h);
        prev = d;
    }
}

#[inline(always)]
fn triple(s: &mut Vec<u8>, delta: u32, w: u16, h: i16) {
    varint(s, delta);
    varint(s, u32::from(w));
    varint(s, (i32::from(h) + 1).max(0) as u32);
}

/// The 64 characters of a postings string (base64url's): a character is a digit of 6 bits.
pub const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `v` as a varint of [`DIGITS`]: 5 bits a character, lowest first, the 6th bit set on every
/// character but the last (a weight of 1..370 takes 2 characters, a small doc delta 1).
#[inline(always)]
fn varint(s: &mut Vec<u8>, mut v: u32) {
    loop {
        let low = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            s.push(DIGITS[low]);
            return;
        }
        s.push(DIGITS[low | 32]);
    }
}

/// A well-mixed 64-bit hash of a word (FNV-1a, then SplitMix64's finalizer).
fn word_hash(w: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in w.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Chunks as ranges of `forms`. A chunk ends after a form with a chance of the form's bytes
/// over `target` (decided by the form's hash, so the same forms always cut in the same
/// places): chunks are about `target` bytes whether a range holds a few words on every page or
/// many rare ones, a form larger than `target` ends its chunk, and an edit moves no cut but
/// where a form's own size changed (or in the chunk after a cut by size). A chunk also ends
/// before it would pass one and a half `target`, so that none is much larger than the others
/// (a reader fetches the one holding a word), and before it would pass [`MAX_FILE`]; `None`:
/// only then.
fn chunk_ranges(
    forms: &[(&str, Vec<u32>)],
    terms: usize,
    target: Option<usize>,
    form_cost: &dyn Fn(usize) -> usize,
    term_cost: &dyn Fn(u32) -> usize,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0);
    let max = target.map_or(MAX_FILE, |t| (t + t / 2).min(MAX_FILE));
    // The terms the current chunk holds already (a term's postings are in it once): per
    // term, the number of the last chunk that holds it, plus 1.
    let mut held = vec![0u32; terms];
    let mut chunk = 1u32;
    for (i, (f, ts)) in forms.iter().enumerate() {
        let cost = |held: &[u32], chunk: u32| {
            form_cost(i)
                + ts.iter()
                    .filter(|&&t| held[t as usize] != chunk)
                    .map(|&t| term_cost(t))
                    .sum::<usize>()
        };
        let mut c = cost(&held, chunk);
        if i > start && size + c > max {
            out.push(start..i);
            start = i;
            chunk += 1;
            size = 0;
            c = cost(&held, chunk);
        }
        size += c;
        for &t in ts {
            held[t as usize] = chunk;
        }
        // The form's hash as a fraction of 2^64 against its share of a chunk.
        let ends = target.is_some_and(|t| {
            (word_hash(f) >> 11) as f64 / (1u64 << 53) as f64 * (t as f64) < c as f64
        });
        if ends {
            out.push(start..i + 1);
            start = i + 1;
            chunk += 1;
            size = 0;
        }
    }
    if start < forms.len() {
        out.push(start..forms.len());
    }
    out
}

/// `<prefix>[<i>]-<hash>.json`: the hash of the content, so a file may be cached forever.
fn hashed(prefix: &str, i: Option<usize>, bytes: &[u8]) -> String {
    let h = blake3::hash(bytes).to_hex();
    match i {
        Some(i) => format!("{prefix}{i}-{}.json", &h[..10]),
        None => format!("{prefix}-{}.json", &h[..12]),
    }
}

/// How many ways [`sections`] has to make a record shorter.
const TRIMS: usize = 2;

/// A page's result record (docs/search-format.md, "Record file").
#[derive(Clone, serde::Serialize)]
struct Record<'a> {
    t: &'a str,
    u: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    b: Vec<String>,
    h: Vec<Section<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    l: Option<&'a str>,
}

/// A section of a record: its heading's text when the heading's id is [`short_id`] of it,
/// else `[id, text]`.
#[derive(Clone, serde::Serialize)]
#[serde(untagged)]
enum Section<'a> {
    Text(String),
    Pair(&'a str, String),
}

/// The id the client makes of a heading's text when a record gives only the text: for ASCII
/// text, what heading ids are made of ([`crate::markdown::slug::slugify`]: trimmed, lower-cased,
/// letters, digits, `_` and `-` kept, each white space a `-`, anything else dropped). `None`
/// for other text: its id is always written out.
pub fn short_id(text: &str) -> Option<String> {
    text.is_ascii()
        .then(|| crate::markdown::slug::slugify(text))
}

/// Whether `id` is [`short_id`] of `text`, found without making it (a record asks it of
/// every section).
fn is_short_id(text: &str, id: &str) -> bool {
    if !text.is_ascii() {
        return false;
    }
    let mut want = id.bytes();
    for b in text.trim().bytes() {
        let c = match b {
            b'_' | b'-' => b,
            // `char::is_whitespace` of ASCII: the vertical tab too.
            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => b'-',
            _ if b.is_ascii_alphanumeric() => b.to_ascii_lowercase(),
            _ => continue,
        };
        if want.next() != Some(c) {
            return false;
        }
    }
    want.next().is_none()
}

/// The result record of a page.
fn record<'a>(input: &'a SearchInput, p: PageId, e: &PageEntry) -> Record<'a> {
    let site = input.site;
    let page = &site.pages[p];
    let body = &input.bodies[p];
    // What the result shows under its title: the description, else the page's first text.
    let d = page.meta_str("description").unwrap_or_default();
    let summary = if d.trim().is_empty() {
        let top = body.text.get(e.top.0 as usize..e.top.1 as usize);
        excerpt(top.unwrap_or_default(), SUMMARY)
    } else {
        excerpt(&d, SUMMARY)
    };
    Record {
        t: &page.title,
        u: site.href(p),
        d: (!summary.is_empty()).then_some(summary),
        b: (input.crumbs)(p),
        h: sections(body, e, 0),
        l: (page.state == PageState::Fallback)
            .then(|| site.locales[page.content_locale(site)].code.as_str()),
    }
}

/// A record's sections; `trim` 1 to [`TRIMS`] makes them shorter (shorter heading texts,
/// then none: the ids stay, postings point to sections by index).
fn sections<'a>(body: &'a Rendered, e: &PageEntry, trim: usize) -> Vec<Section<'a>> {
    let heading_text = match trim {
        0 => HEADING_TEXT,
        1 => HEADING_EXCERPT,
        _ => 0,
    };
    e.sections
        .iter()
        .filter_map(|&(hi, _, _)| {
            let head = body.headings.get(hi as usize)?;
            let shown = excerpt(&head.text, heading_text);
            Some(
                if is_short_id(&head.text, &head.id) && shown == head.text.trim() {
                    Section::Text(shown)
                } else {
                    Section::Pair(&head.id, shown)
                },
            )
        })
        .collect()
}

/// The start of `text` with its white space collapsed: about `max` characters, cut at a
/// space when there is one near the end.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::new();
    if max == 0 {
        return out;
    }
    // Most headings: short ASCII text whose words are one space apart, already as shown.
    let b = text.as_bytes();
    if b.len() <= max
        && b.first().is_some_and(|&c| c != b' ')
        && b.last().is_some_and(|&c| c != b' ')
        && b.iter().all(|&c| (b' '..=b'~').contains(&c))
        && !b.windows(2).any(|w| w == b"  ")
    {
        out.push_str(text);
        return out;
    }
    let mut chars = 0;
    for w in text.split_whitespace() {
        let n = w.chars().count();
        if chars > 0 && chars + 1 + n > max {
            if chars < max * 3 / 4 {
                // A long word: cut inside it rather than leave the excerpt short.
                out.push(' ');
                out.extend(w.chars().take(max - chars - 1));
            }
            out.push('…');
            return out;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        if n > max {
            out.extend(w.chars().take(max));
            out.push('…');
            return out;
        }
        out.push_str(w);
        chars += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_collapse_space_and_cut_at_words() {
        assert_eq!(excerpt("  a\n b  c ", 10), "a b c");
        assert_eq!(excerpt("one two three four", 9), "one two…");
        assert_eq!(excerpt("abcdefghij", 4), "abcd…");
        // As it is: short ASCII text one space apart.
        assert_eq!(
            excerpt("Set up DKIM (2048-bit keys)", 40),
            "Set up DKIM (2048-bit keys)"
        );
        assert_eq!(excerpt("", 40), "");
        for text in [" a", "a ", "a  b", "a\tb", "a\u{a0}b", "a\nb", "abcdefghij"] {
            let slow: Vec<&str> = text.split_whitespace().collect();
            let shown = excerpt(text, 8);
            assert!(shown.chars().count() <= 9, "{text:?}");
            if text.chars().count() <= 8 {
                assert_eq!(shown, slow.join(" "), "{text:?}");
            }
        }
    }

    #[test]
    fn words_sort_in_utf16_order_by_their_first_bytes() {
        let words = [
            "postlåda",
            "postlådor",
            "configurationalisms",
            "configurationalism",
            "configurationalismz",
            "configurationalisma",
            "5.7.1",
            "550",
            "a",
            "ab",
            "zz",
            "été",
            "ärende#sv",
            "漢",
            "ж",
        ];
        let by_cmp = |extra: &[&'static str]| {
            let mut v: Vec<&str> = words.iter().chain(extra).copied().collect();
            v.sort_unstable_by(|a, b| utf16_cmp(a, b));
            v
        };
        for extra in [&[][..], &["\u{FFFD}x", "\u{1F600}", "a\u{E000}"][..]] {
            let mut v: Vec<&str> = words.iter().chain(extra).rev().copied().collect();
            sort_utf16(&mut v, |w| *w);
            assert_eq!(v, by_cmp(extra));
        }
    }

    #[test]
    fn varint_lengths_are_counted_as_written() {
        for v in [0u32, 1, 31, 32, 1023, 1024, 32_767, 32_768, u32::MAX] {
            let mut b = Vec::new();
            varint(&mut b, v);
            assert_eq!(
                (32 - v.leading_zeros()).div_ceil(5).max(1) as usize,
                b.len(),
                "{v}"
            );
        }
    }

    #[test]
    fn short_ids_are_recognized_as_made() {
        let texts = [
            "Set up DKIM",
            "  Set up\tDKIM (2048-bit) ",
            "a_b-c\u{b}d\u{c}e",
            "What's new?",
            "",
            "Étape 1",
            "x",
        ];
        for text in texts {
            if let Some(id) = short_id(text) {
                assert!(is_short_id(text, &id), "{text:?}");
                assert!(!is_short_id(text, &format!("{id}x")), "{text:?}");
                if let Some(shorter) = id.get(..id.len().saturating_sub(1)).filter(|s| *s != id) {
                    assert!(!is_short_id(text, shorter), "{text:?}");
                }
            } else {
                assert!(!is_short_id(text, "etape-1"), "{text:?}");
            }
        }
        assert!(is_short_id("What's new?", "whats-new"));
        assert!(!is_short_id("What's new?", "what-s-new"));
    }

    /// [`spread`] by sorting: what it must agree with.
    fn spread_sorted(s: &mut Vec<u8>, p: &[(u32, u16, i16)]) {
        let mut order: Vec<usize> = (0..p.len()).collect();
        order.select_nth_unstable_by(TOP_POSTINGS - 1, |&a, &b| {
            p[b].1.cmp(&p[a].1).then(p[a].0.cmp(&p[b].0))
        });
        let mut top = vec![false; p.len()];
        for &i in &order[..TOP_POSTINGS] {
            top[i] = true;
        }
        triples(s, p.iter().zip(&top).filter(|(_, &t)| t).map(|(x, _)| *x));
        let rest: Vec<(u32, u16)> = p
            .iter()
            .zip(&top)
            .filter(|(_, &t)| !t)
            .map(|(x, _)| (x.0, x.1))
            .collect();
        let mut weights: Vec<u16> = rest.iter().map(|r| r.1).collect();
        let mid = weights.len() / 2;
        let median = *weights.select_nth_unstable(mid).1;
        s.push(b'.');
        varint(s, u32::from(median));
        let docs: Vec<u32> = rest.iter().map(|r| r.0).collect();
        rest_docs(s, &docs);
    }

    #[test]
    fn long_postings_are_spread_as_sorting_them_would() {
        // A small generator (the same lists each run): weights in a narrow range (many
        // ties at the cut), a wide one, and weights far above any ranking makes.
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for (len, spread_of) in [(65, 3), (100, 2), (300, 370), (1000, 5), (2000, 2000)] {
            for _ in 0..20 {
                let mut d = 0u32;
                let p: Vec<(u32, u16, i16)> = (0..len)
                    .map(|_| {
                        d += 1 + next(40) as u32;
                        let w = 100 + next(spread_of) as u16;
                        (d, w, next(10) as i16 - 1)
                    })
                    .collect();
                let (mut a, mut b) = (Vec::new(), Vec::new());
                spread(&mut a, &p);
                spread_sorted(&mut b, &p);
                assert_eq!(
                    String::from_utf8(a),
                    String::from_utf8(b),
                    "{len} {spread_of}"
                );
            }
        }
    }

    #[test]
    fn the_average_length_is_rounded_to_quarter_octaves() {
        assert_eq!(quarter_octave(100.0), quarter_octave(101.0));
        assert!((quarter_octave(128.0) - 128.0).abs() < 1e-9);
        assert_eq!(quarter_octave(0.0), 1.0);
    }

    #[test]
    fn record_files_use_at_most_two_thirds_of_the_budget() {
        for docs in [1, 20, 59, 60, 61, 500, 10_000, 50_000] {
            let limit = file_limit(docs);
            let k = records_per_file(docs, limit);
            assert!(k.is_power_of_two());
            assert!(docs.div_ceil(k) <= (limit * 2 / 3).max(1), "{docs}");
        }
    }
}
