//! Search: an index per locale, built from the text each page's body already has, written
//! as small static files under `/<locale>/_search/` that a few KB of JavaScript queries in the
//! browser (no server, no WebAssembly). The file format is docs/search-format.md.
//!
//! - [`tokens`]: words (normalized, tokenized, stemmed) exactly as the client makes them.
//! - [`entry`]: one page's words, weights and sections ([`PageEntry`]), kept in the build cache.
//! - [`index`]: a locale's files, from its pages' entries (ranking, chunks, records).
//! - [`lookup`]: the client's query, in Rust, over the written files (for tests and tools).

pub mod entry;
pub mod index;
pub mod lookup;
pub mod tokens;

pub use entry::PageEntry;
pub use index::{files, SearchInput};
pub use lookup::{lookup, Hit};

/// The version of the file format (`"v"` in meta.json) and of the cached entries.
pub const FORMAT: u32 = 3;

/// Whether `path` (under the output folder, `/`-separated) is a search file:
/// `<locale>/_search/<name>`.
pub fn is_search_file(path: &str) -> bool {
    let mut parts = path.split('/');
    parts.next().is_some() && parts.next() == Some("_search") && parts.next().is_some()
}

/// rustc's FxHash: fast on short keys such as words (the index hashes every word of every
/// page). Not made to withstand chosen collisions, which a site's own words are not.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut v = [0u8; 8];
            v[..chunk.len()].copy_from_slice(chunk);
            self.0 =
                (self.0.rotate_left(5) ^ u64::from_le_bytes(v)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    // One step per integer (most keys are integers: packed words, ids), not a copy of its
    // bytes into a buffer.
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }

    fn write_u8(&mut self, v: u8) {
        self.write_u64(u64::from(v));
    }

    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }

    fn finish(&self) -> u64 {
        // The product's high bits are its best mixed; a hash table indexes by the low ones
        // (rustc-hash 2 does the same).
        self.0.rotate_left(26)
    }
}

/// A hash map with [`Fx`].
pub(crate) type FxMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;
