//! How a build tells its caller how far it is, without printing (only `main.rs` prints): the
//! steps call a [`Progress`] observer given in [`super::BuildOptions`] with an [`Event`] at
//! each phase and for each page rendered. The CLI draws a progress display from these on a
//! terminal and prints a few plain lines in pipes; the library never looks at a terminal.

use std::sync::Arc;

/// A moment of a build, in this order: [`Event::Loaded`], [`Event::Markdown`], one
/// [`Event::Body`] per page whose Markdown is rendered, [`Event::Rendering`], one
/// [`Event::Page`] per article page, [`Event::Rendered`], then (when the output is written)
/// [`Event::Writing`] and [`Event::Written`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Step `load` is done. Per locale that this build renders, its code and its number of
    /// pages.
    Loaded { locales: &'a [(String, usize)] },
    /// The Markdown of `pages` pages is rendered next (the others' comes from the build
    /// cache), one [`Event::Body`] each.
    Markdown { pages: usize },
    /// One page's Markdown rendered (from any of the build's threads).
    Body,
    /// The Markdown is rendered and checked; `pages` article pages' templates follow.
    Rendering { pages: usize },
    /// One article page rendered (from any of the build's threads).
    Page,
    /// Every article page is rendered.
    Rendered,
    /// Every page is rendered; the other files are written and the output put in place.
    Writing,
    /// The output is in place: `files` files written.
    Written { files: usize },
}

/// The function a [`Progress`] calls.
type Observer = dyn Fn(Event<'_>) + Send + Sync;

/// An observer of a build's [`Event`]s, called on the build's threads; none by default.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Observer>>);

impl Progress {
    pub fn new(f: impl Fn(Event<'_>) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(f)))
    }

    /// Tells the observer, if any.
    pub fn emit(&self, e: Event<'_>) {
        if let Some(f) = &self.0 {
            f(e);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(observer)"
        } else {
            "Progress(none)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn emit_calls_the_observer_and_none_is_quiet() {
        let n = Arc::new(AtomicUsize::new(0));
        let seen = n.clone();
        let p = Progress::new(move |e| {
            if matches!(e, Event::Page) {
                seen.fetch_add(1, Ordering::Relaxed);
            }
        });
        p.emit(Event::Page);
        p.clone().emit(Event::Page);
        p.emit(Event::Writing);
        Progress::default().emit(Event::Page);
        assert_eq!(n.load(Ordering::Relaxed), 2);
    }
}
