//! `check --external`: every `http(s)` link of the site, checked over HTTP with a bounded pool
//! of workers, one request at a time per host with a pause between them (politeness), a
//! timeout per request, and a cache of results so repeated runs do not hit the same hosts.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Kind};
use crate::source::Source;

/// An external link and where it is written.
#[derive(Debug, Clone)]
pub struct ExternalRef {
    pub url: String,
    pub source: Source,
    pub span: std::ops::Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Requests in flight at most.
    pub workers: usize,
    pub timeout: Duration,
    /// Pause between two requests to the same host.
    pub per_host_delay: Duration,
    /// Results younger than this are taken from the cache.
    pub cache_ttl: Duration,
    /// `None` disables the cache.
    pub cache_file: Option<PathBuf>,
}

impl Options {
    pub fn for_site(site: &Path) -> Options {
        Options {
            workers: 8,
            timeout: Duration::from_secs(10),
            per_host_delay: Duration::from_millis(250),
            cache_ttl: Duration::from_secs(24 * 3600),
            cache_file: Some(site.join(".helpsite-cache/external-links.json")),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    /// HTTP status, or `None` when no answer came (DNS, connection, timeout).
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Seconds since the Unix epoch.
    pub checked_at: u64,
}

impl Outcome {
    /// 2xx and 3xx are fine; 401, 403 and 429 mean the host does not talk to robots, which says
    /// nothing about the page.
    pub fn broken(&self) -> bool {
        match self.status {
            Some(s) => !(s < 400 || s == 401 || s == 403 || s == 429),
            None => true,
        }
    }

    fn describe(&self) -> String {
        match (self.status, &self.error) {
            (Some(s), _) => format!("HTTP {s}"),
            (None, Some(e)) => e.clone(),
            (None, None) => "no answer".into(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Summary {
    pub urls: usize,
    pub hosts: usize,
    pub from_cache: usize,
    pub broken: usize,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase()
}

fn load_cache(path: &Option<PathBuf>) -> HashMap<String, Outcome> {
    path.as_ref()
        // A regular file of sane size only: a FIFO here would block `check --external`.
        .and_then(|p| {
            crate::source::read_regular(p, Some(crate::source::DEFAULT_MAX_FILE_SIZE)).ok()
        })
        .and_then(|t| serde_json::from_slice(&t).ok())
        .unwrap_or_default()
}

fn save_cache(path: &Option<PathBuf>, cache: &HashMap<String, Outcome>) {
    let Some(p) = path else { return };
    if let Some(dir) = p.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let sorted: BTreeMap<&String, &Outcome> = cache.iter().collect();
    if let Ok(text) = serde_json::to_string_pretty(&sorted) {
        let tmp = p.with_extension("json.tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(tmp, p);
        }
    }
}

fn fetch(agent: &ureq::Agent, url: &str) -> Outcome {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
        Ok(resp) => Ok(resp.status().as_u16()),
        Err(ureq::Error::StatusCode(s)) => Ok(s),
        Err(e) => Err(e.to_string()),
    };
    // HEAD first; some servers only answer GET.
    let mut result = status(agent.head(url).call());
    if matches!(result, Ok(405) | Ok(501) | Ok(404) | Err(_)) {
        result = status(agent.get(url).call());
    }
    match result {
        Ok(s) => Outcome {
            status: Some(s),
            error: None,
            checked_at: now(),
        },
        Err(e) => Outcome {
            status: None,
            error: Some(e),
            checked_at: now(),
        },
    }
}

/// Checks every distinct URL once. Findings point at the first place each broken URL is written.
pub fn check(refs: &[ExternalRef], opts: &Options) -> (Vec<Diagnostic>, Summary) {
    let mut first: BTreeMap<&str, (&ExternalRef, usize)> = BTreeMap::new();
    for r in refs {
        first
            .entry(r.url.as_str())
            .and_modify(|e| e.1 += 1)
            .or_insert((r, 1));
    }
    let mut cache = load_cache(&opts.cache_file);
    let fresh_after = now().saturating_sub(opts.cache_ttl.as_secs());
    let mut summary = Summary {
        urls: first.len(),
        ..Default::default()
    };
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in first.keys() {
        match cache.get(*url) {
            Some(o) if o.checked_at >= fresh_after => summary.from_cache += 1,
            _ => by_host
                .entry(host_of(url))
                .or_default()
                .push(url.to_string()),
        }
    }
    summary.hosts = first
        .keys()
        .map(|u| host_of(u))
        .collect::<std::collections::HashSet<_>>()
        .len();

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(format!(
            "helpsite/{} link checker",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .into();
    // Workers take whole hosts, so one host never sees two requests at once.
    let queue = Mutex::new(by_host.into_iter().collect::<Vec<_>>());
    let results = Mutex::new(Vec::<(String, Outcome)>::new());
    std::thread::scope(|s| {
        for _ in 0..opts.workers.max(1) {
            s.spawn(|| {
                // A host that resets the connection is a broken link, not the end of helpsite.
                crate::sigpipe::block_in_this_thread();
                loop {
                    let Some((_, urls)) = queue.lock().expect("queue").pop() else {
                        break;
                    };
                    for (i, url) in urls.iter().enumerate() {
                        if i > 0 {
                            std::thread::sleep(opts.per_host_delay);
                        }
                        let o = fetch(&agent, url);
                        results.lock().expect("results").push((url.clone(), o));
                    }
                }
            });
        }
    });
    for (url, o) in results.into_inner().expect("results") {
        cache.insert(url, o);
    }
    save_cache(&opts.cache_file, &cache);

    let mut diags = Vec::new();
    for (url, (r, count)) in first {
        let Some(o) = cache.get(url) else { continue };
        if o.broken() {
            summary.broken += 1;
            let mut d = Diagnostic::new(Kind::ExternalLink, format!("`{url}` is broken: {}", o.describe()))
                .at(&r.source, r.span.clone())
                .hint("fix or remove the link; results are cached for a day in .helpsite-cache/ (delete it to check again)");
            if count > 1 {
                d = d.note(format!("the same URL is linked {} more times", count - 1));
            }
            diags.push(d);
        }
    }
    (diags, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_verdicts() {
        assert_eq!(
            host_of("https://User@Example.com:8080/a?b#c"),
            "example.com:8080"
        );
        let o = |s| Outcome {
            status: Some(s),
            error: None,
            checked_at: 0,
        };
        assert!(!o(200).broken() && !o(301).broken() && !o(403).broken() && !o(429).broken());
        assert!(o(404).broken() && o(500).broken());
        assert!(Outcome {
            status: None,
            error: Some("dns".into()),
            checked_at: 0
        }
        .broken());
    }
}
