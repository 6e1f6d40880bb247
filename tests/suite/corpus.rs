//! The benchmarks' corpus generator (`benches/corpus/mod.rs`, shared with the benches): it is
//! deterministic and what it writes builds, so the corpus the benchmarks measure cannot rot
//! between benchmark runs.

use crate::support::corpus::{generate, linked_site, Corpus};
use crate::support::{snapshot_tree, Site};

#[test]
fn scale_corpus_is_deterministic_and_builds() {
    let corpus = Corpus {
        articles: 30,
        locales: 2,
    };
    let a = Site::empty();
    let b = Site::empty();
    generate(&corpus, a.path(), None).unwrap();
    generate(&corpus, b.path(), None).unwrap();
    assert_eq!(snapshot_tree(a.path()), snapshot_tree(b.path()));
    a.run(&["build", "--no-cache"]).expect_ok();
    assert!(a.path().join("public/en-us/index.html").is_file());
}

#[test]
fn serve_latency_site_builds() {
    let site = Site::empty();
    linked_site(site.path(), 12);
    site.run(&["build", "--no-cache"]).expect_ok();
    assert!(site.path().join("public/en-us/d0/a11/index.html").is_file());
}
