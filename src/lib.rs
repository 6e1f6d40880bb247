//! helpsite: a static help-site generator for multilingual, DocFX-flavored Markdown.
//!
//! The pipeline runs one way, as the named steps of [`mod@build`]: load (files, front
//! matter, pages per locale) -> bodies (Markdown, link checks) -> plan (page keys, write mode)
//! -> pages (templates) -> commit ([`write`]: staging folder then swap, or an in-place
//! update). [`build()`] and [`check`] are the entry points the CLI, the tests and benchmarks
//! use; [`session`] re-runs the steps for the pages an edit touches (`serve`).

pub mod baseline;
pub mod build;
pub mod cache;
pub mod config;
pub mod dates;
pub mod diagnostics;
pub mod docset;
pub mod external;
pub mod frontmatter;
pub mod init;
pub mod l10n;
pub mod link_template;
pub mod load;
pub mod markdown;
pub mod moniker;
pub mod paths;
pub mod present;
pub mod render;
pub mod search;
pub mod serve;
pub mod session;
pub mod sigpipe;
pub mod site;
pub mod source;
pub mod url_policy;
pub mod write;
pub mod yamlmime;

pub use build::{
    build, build_then_exit, check, load_site, BuildOptions, BuildReport, Fatal, Timings,
};
