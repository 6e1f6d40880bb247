//! helpsite's integration tests, as one test crate (`cargo test --test suite`): one link of the
//! library and the test harness instead of one per file, which on a 2-core machine was most of
//! `cargo test`'s time after an edit. Each module is one feature; all of them build sites with
//! the helpers of [`support`] and run the `helpsite` binary (`CARGO_BIN_EXE_helpsite`) or the
//! library. Snapshots live in `snapshots/`, named `suite__<module>__<name>.snap` by insta.
//!
//! Run one feature with a filter: `cargo test --test suite docfx::` (or `serve::`, `kill::`).

mod support;

mod bad_input;
mod baseline;
mod build;
mod cache;
mod check;
mod chrome;
mod ci_formats;
mod cli;
mod corpus;
mod dashboard;
mod docfx;
mod docset;
mod external;
mod i18n;
mod ids;
mod incremental;
mod inline_images;
mod keep_going;
mod kill;
mod l10n;
mod layers;
mod locale_repo;
mod nav;
mod properties;
mod raw_html;
mod report;
mod rtl;
mod sample_site;
mod search;
mod search_page;
mod serve;
mod shard;
mod toc;
mod url_policy;
mod yaml_pages;
