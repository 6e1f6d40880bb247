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
pub const FORMAT: u32 = 1;

/// Whether `path` (under the output folder, `/`-separated) is a search file:
/// `<locale>/_search/<name>`.
pub fn is_search_file(path: &str) -> bool {
    let mut parts = path.split('/');
    parts.next().is_some() && parts.next() == Some("_search") && parts.next().is_some()
}
