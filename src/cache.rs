//! The build cache: results of earlier builds, stored by a hash of everything they were made
//! from, so a build whose inputs did not change reuses them. It lives in `.helpsite-cache/`
//! beside `helpsite.yml` (or `--cache-dir`) and is safe to delete at any time: every entry is
//! checked against its inputs before use, and a missing, damaged or foreign cache only means
//! a full build.
//!
//! Three parts:
//! - `bodies.pack`: each page's rendered Markdown (HTML, headings, anchors, links, plain text)
//!   and its own findings, keyed by the page's text, the site's shape and the binary; the files
//!   it included, and those its findings point into, are checked by content.
//! - `highlight.pack`: highlighted code blocks, keyed by language and code.
//! - `search.pack`: each page's search entry (its words, weights and sections), keyed by the
//!   page's body key and the content of the files its body included (what says a cached body
//!   is still good), so a page whose body is reused is not tokenized again.
//! - `output-*.manifest`: for one output folder, each file's content key and what `stat` said
//!   after writing it, so a rebuild rewrites only the files whose content changed, and notices
//!   files someone else changed.
//!
//! A pack is a header (magic and the binary's identity) followed by records: a 16-byte key, a
//! little-endian `u32` length, a 16-byte checksum (BLAKE3 of key, length and payload) and that
//! many bytes of payload (postcard). A pack written by another binary is ignored, so a rebuilt
//! helpsite never reuses output of its older self. A record whose checksum does not match (a
//! flipped bit, a cut file) is a cache miss, so a damaged cache can never change the output;
//! the reader stops at the first damage, and says so in a note (`build -v`).
//!
//! Nothing about the cache can fail a build: a cache file that is not a regular file (a FIFO,
//! a folder) is never opened, and a cache that cannot be written (an unwritable or invalid
//! `--cache-dir`) only costs the next build its reuse. Both are noted ([`Cache::notes`]).
//! Temp files of packs written by killed builds are removed by the next build
//! ([`Cache::clear_leftovers`]).
//!
//! This is the only module that reads or writes the cache's files; the build steps call it.
//! What goes into a record is decided by its user: [`crate::render::cached`] encodes bodies,
//! [`crate::markdown::highlight::Highlighter`] holds the highlighted blocks.

use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// A content key: the first 16 bytes of a BLAKE3 hash.
pub type Key = [u8; 16];

const MAGIC: &[u8; 8] = b"HSCACHE5";
/// The pack of rendered Markdown bodies.
const BODIES: &str = "bodies.pack";
/// The pack of highlighted code blocks.
const HIGHLIGHT: &str = "highlight.pack";
/// The pack of the pages' search entries ([`crate::search::PageEntry`]), by their body's key.
const SEARCH: &str = "search.pack";
/// Records larger than this are treated as damage.
const MAX_RECORD: u32 = 1 << 30;

pub struct Cache {
    pub dir: PathBuf,
    /// Identity of the binary: its version, size and modification time. Every key includes it.
    salt: [u8; 32],
    /// What went wrong with the cache (damage, files that cannot be read or written): never
    /// an error, shown by `build -v`.
    notes: std::sync::Mutex<Vec<String>>,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        let mut h = blake3::Hasher::new();
        h.update(MAGIC);
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        if let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|p| fs::metadata(p).ok())
        {
            h.update(&meta.len().to_le_bytes());
            if let Ok(m) = meta.modified() {
                if let Ok(d) = m.duration_since(std::time::UNIX_EPOCH) {
                    h.update(&d.as_nanos().to_le_bytes());
                }
            }
        }
        Cache {
            dir,
            salt: *h.finalize().as_bytes(),
            notes: Default::default(),
        }
    }

    /// Records something that went wrong with the cache (shown by `build -v`).
    pub fn note(&self, message: String) {
        self.notes.lock().expect("notes lock").push(message);
    }

    /// The notes so far, emptied.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.notes.lock().expect("notes lock"))
    }

    /// Removes the temp files of packs that killed builds left in the cache folder
    /// (`.bodies.pack.tmp-PID`, named by [`temp_beside`]) when their process is gone.
    pub fn clear_leftovers(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = leftover_pid(&n, ".tmp-") {
                if !process_alive(pid) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }

    /// A hasher that starts with the binary's identity.
    pub fn hasher(&self) -> blake3::Hasher {
        let mut h = blake3::Hasher::new();
        h.update(&self.salt);
        h
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Reads the records of pack `name` whose key `want`s, calling `found` with each payload
    /// whose checksum matches. Other records are skipped without reading them. A missing,
    /// foreign or damaged pack yields nothing (or the records before the damage); damage and
    /// a pack that is not a regular file are noted.
    fn read_pack(
        &self,
        name: &str,
        mut want: impl FnMut(&Key) -> bool,
        mut found: impl FnMut(Key, Vec<u8>),
    ) {
        let path = self.path(name);
        // Opening a FIFO would wait for a writer forever, a device could read without end.
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                self.note(format!(
                    "{} is not a regular file; it is ignored",
                    path.display()
                ));
                return;
            }
            Err(_) => return,
        }
        let Ok(f) = fs::File::open(&path) else {
            return;
        };
        let mut r = BufReader::with_capacity(1 << 20, f);
        let mut head = [0u8; 40];
        if r.read_exact(&mut head).is_err() || &head[..8] != MAGIC || head[8..] != self.salt {
            return;
        }
        let damaged = |what: &str| {
            self.note(format!(
                "{} is damaged ({what}); the rest of it is not used",
                path.display()
            ))
        };
        loop {
            let mut rec = [0u8; 36];
            match r.read_exact(&mut rec[..1]) {
                Ok(()) => {}
                Err(_) => return, // The end, between records.
            }
            if r.read_exact(&mut rec[1..]).is_err() {
                return damaged("cut inside a record");
            }
            let key: Key = rec[..16].try_into().expect("16 bytes");
            let len = u32::from_le_bytes(rec[16..20].try_into().expect("4 bytes"));
            if len > MAX_RECORD {
                return damaged("a record's length is out of range");
            }
            if want(&key) {
                let mut buf = vec![0u8; len as usize];
                if r.read_exact(&mut buf).is_err() {
                    return damaged("cut inside a record");
                }
                if record_sum(&key, len, &buf) != rec[20..36] {
                    return damaged("a record's checksum does not match");
                }
                found(key, buf);
            } else if r.seek_relative(i64::from(len)).is_err() {
                return;
            }
        }
    }

    /// Replaces pack `name` with `records` (written beside it, then renamed over it).
    fn write_pack<B: AsRef<[u8]>>(
        &self,
        name: &str,
        records: impl IntoIterator<Item = (Key, B)>,
    ) -> io::Result<()> {
        let path = self.path(name);
        let tmp = temp_beside(&path);
        let res = (|| {
            fs::create_dir_all(&self.dir)?;
            let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(&tmp)?);
            w.write_all(MAGIC)?;
            w.write_all(&self.salt)?;
            for (key, bytes) in records {
                let bytes = bytes.as_ref();
                let len = u32::try_from(bytes.len())
                    .ok()
                    .filter(|&l| l <= MAX_RECORD)
                    .ok_or_else(|| io::Error::other("cache record too large"))?;
                w.write_all(&key)?;
                w.write_all(&len.to_le_bytes())?;
                w.write_all(&record_sum(&key, len, bytes))?;
                w.write_all(bytes)?;
            }
            w.into_inner().map_err(|e| e.into_error())?.sync_data()?;
            fs::rename(&tmp, &path)
        })();
        if let Err(e) = &res {
            let _ = fs::remove_file(&tmp);
            self.note(format!("cannot write {}: {e}", path.display()));
        }
        res
    }

    /// Reads the records of the bodies pack whose key `want`s (see [`Cache::read_pack`]).
    pub fn read_bodies(&self, want: impl FnMut(&Key) -> bool, found: impl FnMut(Key, Vec<u8>)) {
        self.read_pack(BODIES, want, found)
    }

    /// Replaces the bodies pack with `records`.
    pub fn write_bodies<B: AsRef<[u8]>>(
        &self,
        records: impl IntoIterator<Item = (Key, B)>,
    ) -> io::Result<()> {
        self.write_pack(BODIES, records)
    }

    /// Reads the records of the search pack whose key `want`s (see [`Cache::read_pack`]).
    pub fn read_search(&self, want: impl FnMut(&Key) -> bool, found: impl FnMut(Key, Vec<u8>)) {
        self.read_pack(SEARCH, want, found)
    }

    /// Replaces the search pack with `records`.
    pub fn write_search<B: AsRef<[u8]>>(
        &self,
        records: impl IntoIterator<Item = (Key, B)>,
    ) -> io::Result<()> {
        self.write_pack(SEARCH, records)
    }

    /// Every highlighted block of the highlight pack (those that are not UTF-8 are skipped).
    pub fn read_highlights(&self, mut found: impl FnMut(Key, String)) {
        self.read_pack(
            HIGHLIGHT,
            |_| true,
            |k, bytes| {
                if let Ok(s) = String::from_utf8(bytes) {
                    found(k, s);
                }
            },
        )
    }

    /// Replaces the highlight pack with `blocks`.
    pub fn write_highlights<B: AsRef<[u8]>>(
        &self,
        blocks: impl IntoIterator<Item = (Key, B)>,
    ) -> io::Result<()> {
        self.write_pack(HIGHLIGHT, blocks)
    }

    /// The manifest of output folder `out` (by its absolute path), if one was written by this
    /// binary.
    pub fn read_manifest(&self, out: &Path) -> Option<Manifest> {
        let mut found = None;
        self.read_pack(
            &manifest_name(out),
            |_| true,
            |_, bytes| {
                found = postcard::from_bytes::<Manifest>(&bytes).ok();
            },
        );
        found
    }

    pub fn write_manifest(&self, out: &Path, m: &Manifest) -> io::Result<()> {
        let bytes = postcard::to_stdvec(m).map_err(io::Error::other)?;
        self.write_pack(&manifest_name(out), [([0u8; 16], bytes.as_slice())])
    }

    /// Forgets the manifest of `out`: done before changing files in place, so a build killed
    /// half-way is followed by a full one.
    pub fn remove_manifest(&self, out: &Path) -> io::Result<()> {
        let path = self.path(&manifest_name(out));
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                self.note(format!("cannot remove {}: {e}", path.display()));
                Err(e)
            }
            _ => Ok(()),
        }
    }
}

/// The checksum of a record: its key, length and payload.
fn record_sum(key: &Key, len: u32, payload: &[u8]) -> [u8; 16] {
    let mut h = blake3::Hasher::new();
    h.update(key);
    h.update(&len.to_le_bytes());
    h.update(payload);
    key_of(&h)
}

/// The process id at the end of a leftover's name (`.NAME{marker}PID`), if it is one.
pub(crate) fn leftover_pid(name: &str, marker: &str) -> Option<u32> {
    if !name.starts_with('.') {
        return None;
    }
    let (_, pid) = name.rsplit_once(marker)?;
    pid.parse().ok()
}

/// Whether process `pid` (the owner of a leftover temp file) is still running, and not this one.
pub(crate) fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists() && pid != std::process::id()
}

fn manifest_name(out: &Path) -> String {
    let abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let h = blake3::hash(abs.to_string_lossy().as_bytes());
    format!("output-{}.manifest", &h.to_hex()[..16])
}

/// The first 16 bytes of a finished hasher.
pub fn key_of(h: &blake3::Hasher) -> Key {
    h.finalize().as_bytes()[..16].try_into().expect("16 bytes")
}

/// The key of some bytes.
pub fn content_key(bytes: &[u8]) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(bytes);
    key_of(&h)
}

/// Feeds what `stat` says of the file at `path` (nothing when it is missing): a key of a file
/// that is never read.
pub fn feed_stat(h: &mut blake3::Hasher, path: &Path) {
    if let Ok(m) = fs::metadata(path) {
        let st = FileStat::of(&m);
        h.update(&st.len.to_le_bytes());
        h.update(&st.mtime_ns.to_le_bytes());
        h.update(&st.ino.to_le_bytes());
    }
}

/// Where a file is written before it is renamed over `path`: beside it, hidden, named after
/// this process.
pub fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Feeds a length-prefixed string to a hasher, so `("ab", "c")` and `("a", "bc")` differ.
pub fn feed(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// Appends an unambiguous encoding of a JSON value to `out` (type tags, lengths, raw string
/// bytes): the input of a content key, cheaper than JSON text, which escapes every string.
pub fn flatten_value(v: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    let text = |tag: u8, s: &str, out: &mut Vec<u8>| {
        out.push(tag);
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    match v {
        Value::Null => out.push(0),
        Value::Bool(b) => out.extend_from_slice(&[1, u8::from(*b)]),
        Value::Number(n) => text(2, &n.to_string(), out),
        Value::String(s) => text(3, s, out),
        Value::Array(a) => {
            out.push(4);
            out.extend_from_slice(&(a.len() as u64).to_le_bytes());
            for x in a {
                flatten_value(x, out);
            }
        }
        Value::Object(m) => {
            out.push(5);
            out.extend_from_slice(&(m.len() as u64).to_le_bytes());
            for (k, x) in m {
                text(6, k, out);
                flatten_value(x, out);
            }
        }
    }
}

/// What one build wrote into an output folder.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub files: Vec<OutputFile>,
    /// Key of every input of the article pages' template contexts (see `build_full`): when it
    /// is unchanged and every body came from the cache, the pages' keys are the recorded ones.
    pub inputs: Key,
    /// The article pages among `files`, with what `build --report` says of a page that is gone.
    pub pages: Vec<PageRecord>,
}

/// An article page of an output folder (see [`Manifest::pages`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageRecord {
    /// Path under the output folder, `/`-separated (`en-us/guide/index.html`).
    pub path: String,
    /// The locale's code, as configured.
    pub locale: String,
    /// The page's URL path, with the base path (`/docs/en-us/guide/`).
    pub url: String,
    /// The file rendered (the source locale's for a fallback page), as findings show it.
    pub source: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct OutputFile {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Key of what the file was made from (for pages: their whole template context).
    pub key: Key,
    pub stat: FileStat,
}

/// What `stat` says of a file: enough to notice that someone changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStat {
    pub len: u64,
    pub mtime_ns: i128,
    pub ino: u64,
}

impl FileStat {
    pub fn of(meta: &fs::Metadata) -> FileStat {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(-1);
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let ino = 0;
        FileStat {
            len: meta.len(),
            mtime_ns,
            ino,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_round_trip_and_foreign_or_damaged_packs_read_as_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let c = Cache::new(tmp.path().join("c"));
        c.write_pack("p", [([1u8; 16], &b"one"[..]), ([2u8; 16], &b"two"[..])])
            .unwrap();
        let mut got = Vec::new();
        c.read_pack("p", |k| k[0] == 2, |k, b| got.push((k[0], b)));
        assert_eq!(got, vec![(2, b"two".to_vec())]);

        // Another binary's pack: a different salt.
        let other = Cache {
            dir: c.dir.clone(),
            salt: [9; 32],
            notes: Default::default(),
        };
        let mut n = 0;
        other.read_pack("p", |_| true, |_, _| n += 1);
        assert_eq!(n, 0);

        // Cut in the middle of the second record: the first still reads.
        let path = c.dir.join("p");
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
        let mut keys = Vec::new();
        c.read_pack("p", |_| true, |k, _| keys.push(k[0]));
        assert_eq!(keys, vec![1]);
        // Garbage.
        fs::write(&path, b"not a pack at all").unwrap();
        c.read_pack("p", |_| true, |_, _| panic!("read garbage"));
    }

    #[test]
    fn flattened_values_differ_whenever_the_values_do() {
        use serde_json::json;
        let flat = |v: serde_json::Value| {
            let mut b = Vec::new();
            flatten_value(&v, &mut b);
            b
        };
        let cases = [
            json!({"a": "bc"}),
            json!({"ab": "c"}),
            json!({"a": ["b", "c"]}),
            json!({"a": ["bc"]}),
            json!({"a": null}),
            json!({"a": false}),
            json!({"a": 0}),
            json!({"a": "0"}),
            json!([{"a": 1}, {}]),
            json!([{}, {"a": 1}]),
        ];
        for (i, a) in cases.iter().enumerate() {
            for (j, b) in cases.iter().enumerate() {
                assert_eq!(i == j, flat(a.clone()) == flat(b.clone()), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn manifests_are_per_output_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let c = Cache::new(tmp.path().join("c"));
        let m = Manifest {
            inputs: [7; 16],
            files: vec![OutputFile {
                path: "a/index.html".into(),
                key: [3; 16],
                stat: FileStat {
                    len: 1,
                    mtime_ns: 2,
                    ino: 3,
                },
            }],
            pages: vec![PageRecord {
                path: "a/index.html".into(),
                locale: "en-US".into(),
                url: "/a/".into(),
                source: "a.md".into(),
            }],
        };
        c.write_manifest(&tmp.path().join("public"), &m).unwrap();
        assert!(c.read_manifest(&tmp.path().join("other")).is_none());
        let back = c.read_manifest(&tmp.path().join("public")).unwrap();
        assert_eq!(back.files[0].path, "a/index.html");
        assert_eq!(back.pages, m.pages);
        c.remove_manifest(&tmp.path().join("public")).unwrap();
        assert!(c.read_manifest(&tmp.path().join("public")).is_none());
    }
}
