//! One page's part of the index: the word forms it contains, each with its weighted count
//! (title > headings > description > text) and the section where the form's term weighs
//! most, the page's length, and where its sections' text lies. Made from what rendering
//! already produced (the body's plain text and headings, the page's title and description),
//! never from a second parse of the HTML; kept in the build cache by the body's key, so a page
//! whose body is reused is not tokenized again.

use serde::{Deserialize, Serialize};

use super::tokens::{algorithm, normalize, with_stem, words};
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
    /// The word forms of the page, sorted by bytes, each followed by `\n`.
    pub forms: String,
    /// Per form: its weighted count (saturating), the section where its term (all the
    /// page's forms with the same stem) weighs most (-1 is the top of the page), and whether
    /// it is in the title.
    pub stats: Vec<(u16, i16, bool)>,
    /// Words on the page (title, description and text).
    pub len: u32,
    /// The text before the first section: a byte range of the body's text.
    pub top: (u32, u32),
    /// The sections: index into the body's headings, byte range of the section's text
    /// (without its heading's line).
    pub sections: Vec<(u32, u32, u32)>,
}

impl PageEntry {
    /// The forms with their stats, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, (u16, i16, bool))> {
        self.forms
            .split_terminator('\n')
            .zip(self.stats.iter().copied())
    }
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
    let mut counts: FxMap<String, Vec<(i16, u32)>> = FxMap::default();
    let mut len = 0u32;
    let mut add = |piece: &str, section: i16, weight: u32, len: &mut u32| {
        for w in words(&normalize(piece)) {
            *len += 1;
            // Pieces come in section order: a word's current section is its last.
            let per = match counts.get_mut(w) {
                Some(per) => per,
                None => counts.entry(w.to_string()).or_default(),
            };
            match per.last_mut() {
                Some((s, c)) if *s == section => *c += weight,
                _ => per.push((section, weight)),
            }
        }
    };
    let in_title: std::collections::HashSet<String> = words(&normalize(title))
        .into_iter()
        .map(str::to_string)
        .collect();
    add(title, -1, 0, &mut len);
    add(description, -1, DESCRIPTION, &mut len);
    let first = starts.first().map_or(text.len(), |s| s.1);
    // The top of the page, without its leading title line (counted as the title).
    let top_start = match body.headings.first() {
        Some(h) if h.level == 1 && h.at == 0 => line_end(text, 0),
        _ => 0,
    }
    .min(first);
    add(&text[top_start..first], -1, BODY, &mut len);
    let mut sections = Vec::with_capacity(starts.len());
    for (n, &(hi, at)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(text.len(), |s| s.1).max(at);
        let head_end = line_end(text, at).min(end);
        let s = i16::try_from(n).unwrap_or(i16::MAX);
        add(&text[at..head_end], s, HEADING, &mut len);
        add(&text[head_end..end], s, BODY, &mut len);
        sections.push((hi as u32, head_end as u32, end as u32));
    }
    // Each distinct form's term, as an id (a form is stemmed once per page, and a term's
    // string is not copied per section).
    let alg = algorithm(lang);
    let mut forms: Vec<(String, Vec<(i16, u32)>)> = counts.into_iter().collect();
    forms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut term_ids: FxMap<String, u32> = FxMap::default();
    let term_of: Vec<u32> = forms
        .iter()
        .map(|(f, _)| {
            with_stem(alg, f, |t| match term_ids.get(t) {
                Some(&id) => id,
                None => {
                    let id = term_ids.len() as u32;
                    term_ids.insert(t.to_string(), id);
                    id
                }
            })
        })
        .collect();
    // The best section of each term: counts summed over the forms of the term, by section.
    let mut by_term: Vec<(u32, i16, u32)> = forms
        .iter()
        .zip(&term_of)
        .flat_map(|((_, per), &t)| per.iter().map(move |&(s, c)| (t, s, c)))
        .collect();
    by_term.sort_unstable_by_key(|x| (x.0, x.1));
    // Per term: its best section and that section's weight, once one is seen.
    let mut best: Vec<Option<(i16, u32)>> = vec![None; term_ids.len()];
    let mut i = 0;
    while i < by_term.len() {
        let (t, s) = (by_term[i].0, by_term[i].1);
        let mut c = 0;
        while i < by_term.len() && by_term[i].0 == t && by_term[i].1 == s {
            c += by_term[i].2;
            i += 1;
        }
        // The most weight; of equal ones, the first section (sections come in order).
        let e = &mut best[t as usize];
        if e.is_none_or(|(_, w)| c > w) {
            *e = Some((s, c));
        }
    }
    let mut e = PageEntry {
        forms: String::with_capacity(forms.iter().map(|f| f.0.len() + 1).sum()),
        stats: Vec::with_capacity(forms.len()),
        len,
        top: (top_start as u32, first as u32),
        sections,
    };
    for ((f, per), t) in forms.iter().zip(term_of) {
        let tf: u32 = per.iter().map(|x| x.1).sum();
        let s = best[t as usize].map_or(-1, |b| b.0);
        e.forms.push_str(f);
        e.forms.push('\n');
        e.stats.push((
            u16::try_from(tf).unwrap_or(u16::MAX),
            s,
            in_title.contains(f.as_str()),
        ));
    }
    e
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
}
