//! The one parallelism policy: how many threads a call may start.
//!
//! kubefit starts threads only inside a call (scoped threads, joined before it returns) and
//! only for large stacks: the check splits its objects over threads from
//! [`CHECK_FROM`] objects on and runs the fit beside it, and rendering splits documents
//! into chunks (`emit`'s `CHUNK` documents each) rendered on several threads. Small stacks
//! never pay for a thread.
//!
//! The default is one thread per core, at most [`DEFAULT_MAX`]; `Stack::threads(n)` sets it
//! (1 = no threads at all). benches/README.md ("Threads") gives the measured gain.

use std::num::NonZeroUsize;

/// Threads a call starts at most by default, however many cores there are: beyond this the
/// work per thread is too small at the sizes kubefit sees (15,000 documents).
pub(crate) const DEFAULT_MAX: usize = 8;

/// Stacks with at least this many objects are checked on several threads.
pub(crate) const CHECK_FROM: usize = 1024;

/// The thread count for a call: `chosen` (from `Stack::threads`) or one per core up to
/// [`DEFAULT_MAX`], and never more than there are `parts` of work.
pub(crate) fn threads(chosen: Option<NonZeroUsize>, parts: usize) -> usize {
    let max = chosen.map_or_else(
        || {
            std::thread::available_parallelism()
                .map_or(1, NonZeroUsize::get)
                .min(DEFAULT_MAX)
        },
        NonZeroUsize::get,
    );
    max.min(parts).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_counts_win_and_work_caps_them() {
        let n = |v| NonZeroUsize::new(v);
        assert_eq!(threads(n(1), 100), 1);
        assert_eq!(threads(n(3), 100), 3);
        assert_eq!(threads(n(16), 100), 16);
        assert_eq!(threads(n(16), 2), 2);
        assert_eq!(threads(n(4), 0), 1);
        assert!(threads(None, 100) <= DEFAULT_MAX);
        assert!(threads(None, 100) >= 1);
    }
}
