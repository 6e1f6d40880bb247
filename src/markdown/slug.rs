//! Heading ids the way GitHub and DocFX make them: lower-case, letters and digits of any
//! script kept, punctuation dropped, spaces to `-`; repeats numbered `-1`, `-2`.

use std::collections::HashMap;

pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        } else if is_combining_mark(c) {
            // Marks belong to the letter before them (Devanagari, Arabic vowel marks...).
            out.push(c);
        }
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x0900..=0x0903 | 0x093A..=0x094F
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Hands out unique ids within one page.
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashMap<String, usize>,
}

impl Slugger {
    /// Records an id chosen by the writer (`<a name>`, `{#id}`), so generated ones avoid it.
    pub fn reserve(&mut self, id: &str) -> bool {
        if self.seen.contains_key(id) {
            return false;
        }
        self.seen.insert(id.to_string(), 0);
        true
    }

    /// A unique id for the heading text.
    pub fn unique(&mut self, text: &str) -> String {
        let base = slugify(text);
        if base.is_empty() {
            self.claim("section")
        } else {
            self.claim(&base)
        }
    }

    /// `id` when it is free, else [`Slugger::number`]ed; taken either way.
    fn claim(&mut self, id: &str) -> String {
        if self.reserve(id) {
            return id.to_string();
        }
        self.number(id)
    }

    /// The first free `id-1`, `id-2`, ... (taken): how markdig's auto-identifiers number a
    /// repeated heading id, counting on from the last number handed out for `id`.
    pub fn number(&mut self, id: &str) -> String {
        loop {
            let n = {
                let e = self.seen.entry(id.to_string()).or_insert(0);
                *e += 1;
                *e
            };
            let candidate = format!("{id}-{n}");
            if self.reserve(&candidate) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_style() {
        assert_eq!(slugify("Kom igång"), "kom-igång");
        assert_eq!(slugify("What 5.7.1 means"), "what-571-means");
        assert_eq!(slugify("SPF, DKIM & DMARC?"), "spf-dkim--dmarc");
        assert_eq!(slugify("إعداد SPF"), "إعداد-spf");
        assert_eq!(slugify("Über_uns-2"), "über_uns-2");
    }

    #[test]
    fn duplicates_are_numbered_and_avoid_reserved_ids() {
        let mut s = Slugger::default();
        assert!(s.reserve("setup-1"));
        assert_eq!(s.unique("Setup"), "setup");
        assert_eq!(s.unique("Setup"), "setup-2");
        assert_eq!(s.unique("Setup"), "setup-3");
        assert_eq!(s.unique("!!!"), "section");
        // A repeated id the writer chose is numbered on the same count.
        assert!(s.reserve("x"));
        assert_eq!(s.number("x"), "x-1");
        assert_eq!(s.number("setup"), "setup-4");
        assert_eq!(s.unique("x"), "x-2");
    }
}
