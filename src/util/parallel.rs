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

/// `items` mapped with `f` on up to `threads` scoped threads, in order. The items are dealt
/// out in turn (item `i` to thread `i % threads`), so a run of costly items — inputs sorted by
/// kind, where a Deployment costs ten ConfigMaps — is shared instead of landing on one thread.
pub(crate) fn map_in_turn<T: Send, R: Send>(
    items: Vec<T>,
    threads: usize,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    if threads < 2 || items.len() < 2 {
        return items.into_iter().map(f).collect();
    }
    let n = items.len();
    let mut hands: Vec<Vec<T>> = (0..threads)
        .map(|_| Vec::with_capacity(n / threads + 1))
        .collect();
    for (i, item) in items.into_iter().enumerate() {
        hands[i % threads].push(item);
    }
    let done: Vec<Vec<R>> = std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = hands
            .into_iter()
            .map(|hand| s.spawn(move || hand.into_iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    // Back in order: the first of each hand, then the second of each…
    let mut hands: Vec<_> = done.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::with_capacity(n);
    'deal: loop {
        for hand in &mut hands {
            match hand.next() {
                Some(r) => out.push(r),
                None => break 'deal,
            }
        }
    }
    out
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

    #[test]
    fn mapped_in_turn_in_order() {
        for n in [0, 1, 2, 7, 100, 101] {
            for threads in [1, 2, 3, 8] {
                let items: Vec<usize> = (0..n).collect();
                let want: Vec<usize> = items.iter().map(|i| i * 3).collect();
                assert_eq!(
                    map_in_turn(items, threads, |i| i * 3),
                    want,
                    "{n} on {threads}"
                );
            }
        }
    }
}
