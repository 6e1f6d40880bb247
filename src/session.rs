//! A build session for `serve`: one full build, then rebuilds after file changes. The public
//! contract: after every `rebuild`, the output folder holds exactly what a full `build` of the
//! same sources would write, and a rebuild with errors leaves the last good output in place.

use std::path::PathBuf;
use std::time::Instant;

use crate::{BuildOptions, BuildReport, Fatal};

pub struct Session {
    opts: BuildOptions,
}

/// What one rebuild did, for the server's log line and live reload.
#[derive(Debug)]
pub struct Rebuild {
    pub report: BuildReport,
    /// Pages whose HTML was rendered again.
    pub pages_rendered: usize,
    pub elapsed: std::time::Duration,
}

impl Session {
    /// Runs the first full build.
    pub fn start(opts: BuildOptions) -> Result<(Session, Rebuild), Fatal> {
        let mut s = Session { opts };
        let r = s.rebuild(&[])?;
        Ok((s, r))
    }

    pub fn out_dir(&self) -> PathBuf {
        self.opts
            .out
            .clone()
            .unwrap_or_else(|| self.opts.site.join("public"))
    }

    pub fn site_dir(&self) -> &std::path::Path {
        &self.opts.site
    }

    /// Rebuilds after `changed` files (absolute or site-relative paths) changed on disk.
    pub fn rebuild(&mut self, _changed: &[PathBuf]) -> Result<Rebuild, Fatal> {
        let t = Instant::now();
        let report = crate::build(&self.opts)?;
        let pages_rendered = report.pages;
        Ok(Rebuild {
            report,
            pages_rendered,
            elapsed: t.elapsed(),
        })
    }
}
