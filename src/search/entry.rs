//! One page's part of the index: the word forms it contains, each with its weighted count
//! (title > headings > description > text) and the section where the form's term weighs
//! most, the page's length, and where its sections' text lies. Made from what rendering
//! already produced (the body's plain text and headings, the page's title and description),
//! never from a second parse of the HTML; kept in the build cache by the body's key, so a page
//! whose body is reused is not tokenized again.

use std::cell::RefCell;

use rust_stemmers::Algorithm;
use serde::{Deserialize, Serialize};

use super::tokens::{
    algorithm, each_word, is_simple, lowercase_simple, next_simple_word, normalize, with_stem,
};
use super::FxMap;
use crate::markdown::Rendered;

/// How much one occurrence weighs, by field (BM25F-style boosts). The title is not counted:
/// a word of the title adds [`super::index::TITLE_BONUS`] to its weight, so it is not lost
/// in the saturation of a page that repeats the word in its text.
pub const HEADING: u32 = 3;
pub const DESCRIPTION: u32 = 2;
pub const BODY: u32 = 1;

/// The most sections of a page (a result links to one of them).
pub const MAX_SECTIONS: usize = 64;

/// A page's words, compact: a big site holds one per page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageEntry {
    /// The word forms of the page, in the order the page first has them (title, description,
    /// text), each followed by `\n`.
    pub forms: String,
    /// Per form: its weighted count (saturating), the section where its term (all the
    /// page's forms with the same stem) weighs most (-1 is the top of the page), and whether
    /// it is in the title. In the build cache as bytes ([`stat_bytes`]).
    #[serde(with = "stat_bytes")]
    pub stats: Vec<Stat>,
    /// Words on the page (title, description and text).
    pub len: u32,
    /// The text before the first section: a byte range of the body's text.
    pub top: (u32, u32),
    /// The sections: index into the body's headings, byte range of the section's text
    /// (without its heading's line).
    pub sections: Vec<(u32, u32, u32)>,
}

/// A form's stats in a [`PageEntry`]: weighted count, best section, in the title.
pub type Stat = (u16, i16, bool);

/// A word of up to 16 bytes as two integers ([`pack`]); `None` for longer ones.
pub(super) type Packed = Option<(u64, u64)>;

impl PageEntry {
    /// The forms with their stats, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Stat)> {
        self.packed().map(|(form, _, stat)| (form, stat))
    }

    /// The forms with their [`pack`] and stats, in order: read in place, a form of up to
    /// 15 bytes from 16 bytes read at once (its `\n` found among them by a bit trick), most
    /// forms of most pages.
    pub(super) fn packed(&self) -> impl Iterator<Item = (&str, Packed, Stat)> {
        let mut at = 0;
        self.stats.iter().map_while(move |&stat| {
            let (len, packed) = next_form(self.forms.as_bytes(), at)?;
            let form = self.forms.get(at..at + len)?;
            at += len + 1;
            Some((form, packed, stat))
        })
    }
}

/// A page's stats in the search pack: per form, two varints (7 bits a byte, lowest first):
/// the weighted count, and the section zigzag-encoded, shifted left one bit, with the title
/// flag in the free bit. Written and read here rather than as serde's sequence of tuples, three
/// calls through the serializer per form.
mod stat_bytes {
    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    use super::Stat;

    pub fn serialize<S: Serializer>(stats: &[Stat], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&encode(stats))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Stat>, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Vec<Stat>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a page's stats as bytes")
            }
            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<Stat>, E> {
                decode(b).ok_or_else(|| E::custom("damaged stats"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Stat>, A::Error> {
                let mut b = Vec::new();
                while let Some(x) = seq.next_element::<u8>()? {
                    b.push(x);
                }
                self.visit_bytes(&b)
            }
        }
        d.deserialize_bytes(Bytes)
    }

    pub(super) fn encode(stats: &[Stat]) -> Vec<u8> {
        let mut out = Vec::with_capacity(stats.len() * 3);
        for &(tf, sec, title) in stats {
            varint(&mut out, u32::from(tf));
            let zigzag = ((sec << 1) ^ (sec >> 15)) as u16;
            varint(&mut out, u32::from(zigzag) << 1 | u32::from(title));
        }
        out
    }

    pub(super) fn decode(mut b: &[u8]) -> Option<Vec<Stat>> {
        let mut out = Vec::with_capacity(b.len() / 3);
        while !b.is_empty() {
            let tf = u16::try_from(read(&mut b)?).ok()?;
            let v = read(&mut b)?;
            let zigzag = u16::try_from(v >> 1).ok()?;
            let sec = ((zigzag >> 1) as i16) ^ -((zigzag & 1) as i16);
            out.push((tf, sec, v & 1 == 1));
        }
        Some(out)
    }

    #[inline(always)]
    fn varint(out: &mut Vec<u8>, mut v: u32) {
        while v >= 0x80 {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    #[inline(always)]
    fn read(b: &mut &[u8]) -> Option<u32> {
        let mut v = 0u32;
        for shift in (0..32).step_by(7) {
            let (&x, rest) = b.split_first()?;
            *b = rest;
            v |= u32::from(x & 0x7f) << shift;
            if x < 0x80 {
                return Some(v);
            }
        }
        None
    }
}

/// The length of the form at byte `at` of an entry's forms (up to its `\n`) and its [`pack`].
fn next_form(b: &[u8], at: usize) -> Option<(usize, Option<(u64, u64)>)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = ONES * b'\n' as u64;
    if let Some(chunk) = b.get(at..at + 16) {
        let (lo, hi) = ints(chunk);
        // A high bit per byte equal to `\n`; the lowest is right (a false one only follows
        // a true one).
        let newline = |v: u64| {
            let x = v ^ NL;
            x.wrapping_sub(ONES) & !x & HIGH
        };
        let z = newline(lo);
        let n = if z != 0 {
            z.trailing_zeros() / 8
        } else {
            8 + newline(hi).trailing_zeros() / 8
        } as usize;
        if n < 16 {
            return Some((n, Some(pack16(chunk, n))));
        }
    }
    let len = b.get(at..)?.iter().position(|&c| c == b'\n')?;
    Some((len, pack_at(b, at, at + len)))
}

/// The entry of a page whose body is `body`, written in language `lang` (a subtag).
pub fn entry(title: &str, description: &str, body: &Rendered, lang: &str) -> PageEntry {
    let text = body.text.as_str();
    // Sections start at headings of level 2 and below (a level-1 heading is the title), the
    // first MAX_SECTIONS of them; the text after is the last section's.
    let starts: Vec<(usize, usize)> = body
        .headings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.level >= 2 && h.at <= text.len() && text.is_char_boundary(h.at))
        .map(|(i, h)| (i, h.at))
        .take(MAX_SECTIONS)
        .collect();
    let first = starts.first().map_or(text.len(), |s| s.1);
    // The top of the page, without its leading title line (counted as the title).
    let top_start = match body.headings.first() {
        Some(h) if h.level == 1 && h.at == 0 => line_end(text, 0),
        _ => 0,
    }
    .min(first);
    let mut sections = Vec::with_capacity(starts.len());
    LEXICONS.with(|l| {
        let mut l = l.borrow_mut();
        let lex = l.of(algorithm(lang));
        let mut page = Page::default();
        page.add(lex, title, -1, 0, true);
        page.add(lex, description, -1, DESCRIPTION, false);
        page.add(lex, &text[top_start..first], -1, BODY, false);
        for (n, &(hi, at)) in starts.iter().enumerate() {
            let end = starts.get(n + 1).map_or(text.len(), |s| s.1).max(at);
            let head_end = line_end(text, at).min(end);
            let s = i16::try_from(n).unwrap_or(i16::MAX);
            page.add(lex, &text[at..head_end], s, HEADING, false);
            page.add(lex, &text[head_end..end], s, BODY, false);
            sections.push((hi as u32, head_end as u32, end as u32));
        }
        page.finish(lex, (top_start as u32, first as u32), sections)
    })
}

/// The words met on one thread in one language, each with an id and its term's id (so each
/// distinct word is stemmed once per thread, and a page counts its words by id in arrays
/// instead of hashing strings it copies), and per id, where the page being made keeps it.
#[derive(Default)]
struct Lexicon {
    /// Words of up to 16 bytes by their bytes packed into two integers (most words: hashed
    /// and compared without a call to `memcmp`), longer ones by themselves. Besides the
    /// normalized words, the simple words ([`is_simple`]) met before they were normalized,
    /// such as `The` for `the`: most words of a page are found without normalizing its text.
    short: ShortMap,
    long: FxMap<Box<str>, u32>,
    /// The normalized words, one after the other (a page's forms are copied from here: close
    /// together, the common ones first, rather than each in an allocation of its own).
    text: String,
    /// Per word id: where it ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
    /// Per word id: its term's id, and its slot in the current page's forms (0: not on the
    /// page yet, else the index + 1). Apart from the words: looked up for every word of
    /// every page, they stay in the processor's cache.
    word_terms: Vec<(u32, u32)>,
    terms: FxMap<Box<str>, u32>,
    /// Per term id: its slot in the current page's terms, as for words.
    term_slots: Vec<u32>,
    alg: Option<Algorithm>,
}

/// A lexicon is started again once it holds this many words (a site of very many distinct
/// words, such as codes and numbers, would otherwise grow it without end).
const LEXICON_MAX: usize = 1 << 18;

/// The lexicons of a thread, by stemming algorithm.
#[derive(Default)]
struct Lexicons(Vec<(Option<Algorithm>, Lexicon)>);

thread_local! {
    static LEXICONS: RefCell<Lexicons> = RefCell::default();
}

impl Lexicons {
    fn of(&mut self, alg: Option<Algorithm>) -> &mut Lexicon {
        let i = match self.0.iter().position(|(a, _)| *a == alg) {
            Some(i) => i,
            None => {
                self.0.push((alg, Lexicon::new(alg)));
                self.0.len() - 1
            }
        };
        let lex = &mut self.0[i].1;
        if lex.ends.len() >= LEXICON_MAX || lex.short.len() + lex.long.len() >= 2 * LEXICON_MAX {
            // Between pages: no slot is in use.
            *lex = Lexicon::new(alg);
        }
        lex
    }
}

impl Lexicon {
    fn new(alg: Option<Algorithm>) -> Lexicon {
        Lexicon {
            alg,
            ..Default::default()
        }
    }

    /// The word of an id.
    #[inline(always)]
    fn word(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The id of the word `text[start..end]` of simple text ([`is_simple`]), normalized or
    /// not.
    #[inline(always)]
    fn simple_id(&mut self, text: &str, start: usize, end: usize) -> u32 {
        let packed = pack_at(text.as_bytes(), start, end);
        if let Some(id) = packed.and_then(|k| self.short.get(k)) {
            return id;
        }
        self.simple_id_slow(text, start, end, packed)
    }

    /// [`Lexicon::simple_id`] of a word longer than 16 bytes or not met in this spelling
    /// yet.
    #[inline(never)]
    fn simple_id_slow(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        packed: Option<(u64, u64)>,
    ) -> u32 {
        let w = &text[start..end];
        if let Some(id) = self.find(packed, w) {
            return id;
        }
        let Some(lower) = lowercase_simple(w) else {
            return self.add(packed, w);
        };
        // The normalized word's id, found by this spelling too from now on.
        let id = self.id(&lower);
        self.alias(packed, w, id);
        id
    }

    /// The id of a normalized word.
    #[inline(always)]
    fn id(&mut self, w: &str) -> u32 {
        let packed = pack(w);
        match self.find(packed, w) {
            Some(id) => id,
            None => self.add(packed, w),
        }
    }

    /// The id of a word already met (`packed`: [`pack`] of it).
    #[inline(always)]
    fn find(&self, packed: Option<(u64, u64)>, w: &str) -> Option<u32> {
        match packed {
            Some(k) => self.short.get(k),
            None => self.long.get(w).copied(),
        }
    }

    /// Finds word `w` by id `id` from now on.
    fn alias(&mut self, packed: Option<(u64, u64)>, w: &str, id: u32) {
        match packed {
            Some(k) => self.short.insert(k, id),
            None => {
                self.long.insert(Box::from(w), id);
            }
        }
    }

    /// A new normalized word's id.
    fn add(&mut self, packed: Option<(u64, u64)>, w: &str) -> u32 {
        let term = with_stem(self.alg, w, |t| match self.terms.get(t) {
            Some(&id) => id,
            None => {
                let id = self.term_slots.len() as u32;
                self.terms.insert(Box::from(t), id);
                self.term_slots.push(0);
                id
            }
        });
        let id = self.ends.len() as u32;
        self.text.push_str(w);
        self.ends.push(self.text.len() as u32);
        self.word_terms.push((term, 0));
        self.alias(packed, w, id);
        id
    }
}

/// Words of up to 16 bytes ([`pack`]) to their ids: a hash table made for the one lookup
/// done for every word of every page (open addressing, the key and the id side by side, one
/// multiplication to hash), about half the instructions of a general one. The key `(0, 0)`
/// marks a free slot: no word packs to it (a word is not empty and holds no zero byte).
#[derive(Default)]
struct ShortMap {
    /// A power of two of slots (or none), at most half of them used.
    slots: Vec<(u64, u64, u32)>,
    len: usize,
}

impl ShortMap {
    /// The slot where the search for `k` starts: the product's top bits.
    #[inline(always)]
    fn start(&self, k: (u64, u64)) -> usize {
        let h = (k.0 ^ k.1.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .wrapping_mul(0xff51_afd7_ed55_8ccd);
        (h >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    /// The slot holding `k`, else the free slot where it would go. The table is not empty
    /// and at most half full, so there is one.
    #[inline(always)]
    fn slot(&self, k: (u64, u64)) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.start(k);
        loop {
            let s = self.slots[i];
            if (s.0, s.1) == k || (s.0, s.1) == (0, 0) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    #[inline(always)]
    fn get(&self, k: (u64, u64)) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let s = self.slots[self.slot(k)];
        ((s.0, s.1) == k).then_some(s.2)
    }

    /// Maps `k` to `id` (a new key, or a new id for one).
    fn insert(&mut self, k: (u64, u64), id: u32) {
        debug_assert!(k != (0, 0));
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![(0, 0, 0); (old.len() * 2).max(1024)];
            self.len = 0;
            for (a, b, v) in old {
                if (a, b) != (0, 0) {
                    self.insert((a, b), v);
                }
            }
        }
        let i = self.slot(k);
        if (self.slots[i].0, self.slots[i].1) == (0, 0) {
            self.len += 1;
        }
        self.slots[i] = (k.0, k.1, id);
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// [`pack`] of `b[start..end]`, read as two integers when 16 bytes from `start` are in `b`
/// (most words of a text: no loop over the bytes).
#[inline(always)]
pub(super) fn pack_at(b: &[u8], start: usize, end: usize) -> Option<(u64, u64)> {
    let n = end - start;
    if n > 16 {
        return None;
    }
    match b.get(start..start + 16) {
        Some(bytes) => Some(pack16(bytes, n)),
        None => pack(std::str::from_utf8(&b[start..end]).ok()?),
    }
}

/// 16 bytes as two little-endian integers.
#[inline(always)]
fn ints(bytes: &[u8]) -> (u64, u64) {
    let int = |s: &[u8]| u64::from_le_bytes(s.try_into().expect("8 bytes"));
    (int(&bytes[..8]), int(&bytes[8..16]))
}

/// [`pack`] of the first `n` (at most 16) of 16 bytes: the bytes past them zeroed, as `pack`
/// pads a word.
#[inline(always)]
fn pack16(bytes: &[u8], n: usize) -> (u64, u64) {
    let (lo, hi) = ints(bytes);
    let (a, b) = PACK_MASKS[n.min(16)];
    (lo & a, hi & b)
}

/// Per length 0..=16: the masks that keep that many bytes of two little-endian integers.
static PACK_MASKS: [(u64, u64); 17] = {
    const fn keep(k: usize) -> u64 {
        match k {
            0 => 0,
            8.. => u64::MAX,
            _ => (1u64 << (8 * k)) - 1,
        }
    }
    let mut t = [(0u64, 0u64); 17];
    let mut n = 0;
    while n <= 16 {
        t[n] = (keep(if n < 8 { n } else { 8 }), keep(n.saturating_sub(8)));
        n += 1;
    }
    t
};

/// A word of up to 16 bytes as two integers, zero-padded: unambiguous, as a word (letters,
/// marks and digits) holds no zero byte.
#[inline]
pub(super) fn pack(w: &str) -> Option<(u64, u64)> {
    let b = w.as_bytes();
    if b.len() > 16 {
        return None;
    }
    // Shifts rather than a copy into a buffer: a copy of a variable length is a call.
    let int = |s: &[u8]| {
        s.iter()
            .enumerate()
            .fold(0u64, |v, (i, &x)| v | u64::from(x) << (8 * i))
    };
    let (lo, hi) = b.split_at(b.len().min(8));
    Some((int(lo), int(hi)))
}

/// A term's counts on a page: the section being counted and its weight so far, and the best
/// section before it and its weight, once there is one.
type TermCount = (i16, u32, Option<(i16, u32)>);

/// A page's counts while its entry is made.
#[derive(Default)]
struct Page {
    /// Its distinct words: id, weighted count, whether in the title.
    forms: Vec<(u32, u32, bool)>,
    /// Its terms.
    terms: Vec<TermCount>,
    /// Words on the page.
    len: u32,
}

impl Page {
    /// Counts the words of `piece`, of section `section` (pieces come in section order).
    fn add(&mut self, lex: &mut Lexicon, piece: &str, section: i16, weight: u32, title: bool) {
        if is_simple(piece) {
            let mut at = 0;
            while let Some((start, end)) = next_simple_word(piece.as_bytes(), &mut at) {
                let id = lex.simple_id(piece, start, end);
                self.count(lex, id, section, weight, title);
            }
        } else {
            each_word(&normalize(piece), |w| {
                let id = lex.id(w);
                self.count(lex, id, section, weight, title);
            });
        }
    }

    /// Counts one word.
    #[inline(always)]
    fn count(&mut self, lex: &mut Lexicon, id: u32, section: i16, weight: u32, title: bool) {
        self.len += 1;
        let (t, slot) = &mut lex.word_terms[id as usize];
        let t = *t;
        if *slot == 0 {
            self.forms.push((id, 0, false));
            *slot = self.forms.len() as u32;
        }
        let f = &mut self.forms[*slot as usize - 1];
        f.1 += weight;
        f.2 |= title;
        let ts = &mut lex.term_slots[t as usize];
        if *ts == 0 {
            self.terms.push((section, 0, None));
            *ts = self.terms.len() as u32;
        }
        let term = &mut self.terms[*ts as usize - 1];
        if term.0 != section {
            best_of(term);
            term.0 = section;
            term.1 = 0;
        }
        term.1 += weight;
    }

    /// The entry; the lexicon's slots freed for the next page.
    fn finish(
        mut self,
        lex: &mut Lexicon,
        top: (u32, u32),
        sections: Vec<(u32, u32, u32)>,
    ) -> PageEntry {
        for term in &mut self.terms {
            best_of(term);
        }
        let mut e = PageEntry {
            forms: String::with_capacity(self.forms.iter().map(|f| lex.word(f.0).len() + 1).sum()),
            stats: Vec::with_capacity(self.forms.len()),
            len: self.len,
            top,
            sections,
        };
        for &(id, tf, title) in &self.forms {
            let w = lex.word(id);
            // Every form's term has its slot on the page.
            let slot = lex.term_slots[lex.word_terms[id as usize].0 as usize] as usize;
            let s = self.terms[slot - 1].2.map_or(-1, |b| b.0);
            e.forms.push_str(w);
            e.forms.push('\n');
            e.stats
                .push((u16::try_from(tf).unwrap_or(u16::MAX), s, title));
        }
        for &(id, _, _) in &self.forms {
            let (t, slot) = &mut lex.word_terms[id as usize];
            *slot = 0;
            lex.term_slots[*t as usize] = 0;
        }
        e
    }
}

/// Ends the section a term is counting: its best section is the one of most weight, of equal
/// ones the first (sections come in order).
fn best_of(term: &mut TermCount) {
    if term.2.is_none_or(|(_, w)| term.1 > w) {
        term.2 = Some((term.0, term.1));
    }
}

/// The end of the line that starts at `at` (after its `\n`).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Heading;

    #[test]
    fn fields_weigh_and_terms_point_to_their_best_section() {
        let text = "Title\nIntro about mail.\nDKIM setup\nSign mail with dkim keys.\nOther\nmail mail mail mail\n";
        let h = |level: u8, t: &str| Heading {
            level,
            id: t.to_lowercase().replace(' ', "-"),
            html: t.into(),
            text: t.into(),
            at: text.find(t).unwrap(),
        };
        let body = Rendered {
            text: text.into(),
            headings: vec![h(1, "Title"), h(2, "DKIM setup"), h(2, "Other")],
            ..Default::default()
        };
        let e = entry("Title", "Mail description", &body, "en");
        let get = |f: &str| e.iter().find(|x| x.0 == f).map(|x| x.1);
        assert_eq!(get("title"), Some((0, -1, true)));
        // In the heading of section 0 and its text.
        assert_eq!(get("dkim"), Some((HEADING as u16 + 1, 0, false)));
        // description 2 + top 1 + section 0: 1 + section 1: 4.
        assert_eq!(get("mail"), Some((8, 1, false)));
        assert_eq!(e.sections.len(), 2);
        assert_eq!(
            &text[e.top.0 as usize..e.top.1 as usize],
            "Intro about mail.\n"
        );
        let (hi, a, b) = e.sections[0];
        assert_eq!(hi, 1);
        assert_eq!(&text[a as usize..b as usize], "Sign mail with dkim keys.\n");
        assert_eq!(e.len, 1 + 2 + 3 + 2 + 5 + 1 + 4);
    }

    #[test]
    fn an_entry_does_not_depend_on_the_pages_made_before_it() {
        let body = |text: &str| Rendered {
            text: text.into(),
            ..Default::default()
        };
        // Forms longer than 16 bytes that share their first 16, numbers, and the forms of
        // one stem (their term's best section is shared).
        let a =
            body("Mailboxes mailbox 5.7.1 configurationalisms configurationalism configuration\n");
        let b = body("Other mailbox words, configurationalisms first\n");
        let first = entry("Mail", "", &a, "en");
        let forms: Vec<&str> = first.iter().map(|f| f.0).collect();
        assert_eq!(
            forms,
            [
                "mail",
                "mailboxes",
                "mailbox",
                "5.7.1",
                "configurationalisms",
                "configurationalism",
                "configuration"
            ]
        );
        let _ = entry("Other", "Words", &b, "en");
        let _ = entry("Other", "", &b, "sv");
        assert_eq!(entry("Mail", "", &a, "en"), first);
        // The same words met first in other spellings (found by them from then on).
        let upper =
            body("MAILBOXES Mailbox 5.7.1 CONFIGURATIONALISMS Configurationalism configuration\n");
        let _ = entry("MAIL", "", &upper, "en");
        assert_eq!(entry("Mail", "", &a, "en"), first);
        assert_eq!(entry("Mail", "", &upper, "en"), first);
    }

    #[test]
    fn forms_are_read_as_split_and_packed() {
        let words = [
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "postlåda",
            "5.7.1",
            "漢",
            "a",
        ];
        let forms: String = words.iter().map(|w| format!("{w}\n")).collect();
        let b = forms.as_bytes();
        let mut at = 0;
        for w in words {
            let (len, packed) = next_form(b, at).expect("a form");
            assert_eq!(&forms[at..at + len], w);
            assert_eq!(packed, pack(w), "{w}");
            at += len + 1;
        }
        assert_eq!(at, forms.len());
        assert_eq!(next_form(b, at), None);
        // And through an entry, with its stats.
        let e = PageEntry {
            stats: (0..words.len()).map(|i| (i as u16, 0, false)).collect(),
            forms,
            ..Default::default()
        };
        let read: Vec<(&str, Packed, u16)> = e.packed().map(|(f, p, s)| (f, p, s.0)).collect();
        let expected: Vec<(&str, Packed, u16)> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, pack(w), i as u16))
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn stats_round_trip_through_their_bytes() {
        let stats: Vec<Stat> = vec![
            (0, -1, false),
            (1, 0, true),
            (127, 63, false),
            (128, -1, true),
            (u16::MAX, i16::MAX, true),
            (300, i16::MIN, false),
        ];
        let bytes = stat_bytes::encode(&stats);
        assert_eq!(stat_bytes::decode(&bytes), Some(stats.clone()));
        // Through postcard, as the search pack has it.
        let e = PageEntry {
            forms: "a\nb\nc\nd\ne\nf\n".into(),
            stats,
            len: 9,
            top: (1, 2),
            sections: vec![(1, 2, 3)],
        };
        let packed = postcard::to_stdvec(&e).unwrap();
        assert_eq!(postcard::from_bytes::<PageEntry>(&packed).unwrap(), e);
        // A cut record is an error, not wrong stats.
        assert_eq!(stat_bytes::decode(&[0x80]), None);
        assert!(postcard::from_bytes::<PageEntry>(&packed[..packed.len() - 8]).is_err());
    }

    #[test]
    fn the_short_map_finds_what_was_put_in_it() {
        let mut m = ShortMap::default();
        assert_eq!(m.get((1, 0)), None);
        let key = |i: u64| pack(&format!("w{i}")).unwrap();
        // Past several growths; keys that differ in one byte only.
        for i in 0..5000u64 {
            m.insert(key(i), i as u32);
        }
        m.insert(key(7), 70);
        assert_eq!(m.len(), 5000);
        for i in 0..5000u64 {
            assert_eq!(
                m.get(key(i)),
                Some(if i == 7 { 70 } else { i as u32 }),
                "{i}"
            );
        }
        assert_eq!(m.get(key(5000)), None);
        assert_eq!(m.get(pack("abcdefghijklmnop").unwrap()), None);
    }

    #[test]
    fn words_read_in_place_pack_as_copied() {
        let text = "a ab abcdefgh abcdefghi abcdefghijklmnop abcdefghijklmnopq påse".repeat(2);
        let b = text.as_bytes();
        for (s, e) in [
            (0, 0),
            (0, 1),
            (2, 4),
            (5, 13),
            (14, 23),
            (24, 40),
            (41, 58),
            (59, 64),
        ] {
            let w = &text[s..e];
            assert_eq!(pack_at(b, s, e), pack(w), "{w:?}");
            // Near the end of the text, where 16 bytes are not there to read.
            let tail = b.len() - w.len();
            assert_eq!(pack_at(b, tail, b.len()), pack(&text[tail..]), "{w:?}");
        }
    }
}
