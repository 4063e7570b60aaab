//! Rollouts by the controllers' arithmetic: which rollouts finish and which stall.
//!
//! A Deployment's rollout needs room only for what it cannot do without: with maxUnavailable
//! ≥ 1 old pods go first and nothing more is placed; with maxUnavailable 0 one new pod must be
//! ready before an old one goes, so one pod must fit beside the old ones
//! (pkg/controller/deployment/rolling.go, `reconcileNewReplicaSet`, `reconcileOldReplicaSets`).
//! Rollouts that each find their one pod of room finish one after another even when they
//! could not all surge at once, so a workload stalls only when its own pod finds no room
//! beside everyone's steady pods. A surging DaemonSet needs a second pod beside the first on
//! each of its nodes.

use std::collections::BTreeSet;

use crate::fit::demand::{ReplicaCounts, WorkloadDemand};
use crate::fit::{Placement, Unplaced};
use crate::units::demand::Demand;

/// Why a scenario leaves pods out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cause {
    /// A rollout that must place a new pod beside the old ones finds no room.
    Surge,
    /// The pods at the autoscalers' maximum do not fit, before any rollout.
    Scaled,
}

/// A workload whose rollout (or autoscaler) leaves pods out.
#[derive(Debug, Clone)]
pub(super) struct Stall {
    /// `deployment/web`.
    pub(super) object: String,
    pub(super) cause: Cause,
    /// Pods left out.
    pub(super) count: usize,
    /// Its pods at the scenario's replica count (for [`Cause::Scaled`]).
    pub(super) scaled: u32,
    /// The first pod left out and what it lacks.
    pub(super) first: Unplaced,
}

/// A rollout scenario's placement and the workloads it stalls.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) placement: Placement,
    pub(super) stalled: Vec<Stall>,
}

impl Outcome {
    pub(super) fn placed(placement: Placement) -> Self {
        Outcome {
            placement,
            stalled: Vec::new(),
        }
    }
}

/// The most workload shapes checked one by one; beyond it the rest count as stalled (said in
/// their finding), so a verdict is never more lenient than what was checked.
const ONE_BY_ONE: usize = 64;

/// Places `base` pods of every workload plus the pods each rollout needs at once (`needs`).
/// When that leaves pods out, each workload that needs room is placed alone beside everyone's
/// `base` pods: only those whose own pod still finds no room stall. With `scaled`, `base` is
/// the autoscalers' maximum: when those pods alone do not fit, the autoscaled workloads are
/// blamed.
pub(super) fn rollout_of<'a>(
    place: &mut impl FnMut(&str, &dyn Fn(usize, &ReplicaCounts) -> u32) -> Placement,
    demands: &'a [WorkloadDemand],
    scenario: &str,
    base: fn(&ReplicaCounts) -> u32,
    needs: fn(&ReplicaCounts) -> u32,
    scaled: bool,
) -> Outcome {
    let together = place(scenario, &|_, c| base(c) + needs(c));
    if together.unplaced.is_empty() {
        return Outcome::placed(together);
    }
    if scaled {
        let alone = place(scenario, &|_, c| base(c));
        if let Some(first) = alone.unplaced.first() {
            let count = alone.unplaced.len();
            let mut stalled: Vec<Stall> = demands
                .iter()
                .filter(|w| w.counts.scaled > w.counts.steady)
                .map(|w| Stall {
                    object: w.object.clone(),
                    cause: Cause::Scaled,
                    count,
                    scaled: w.counts.scaled,
                    first: first.clone(),
                })
                .collect();
            if stalled.is_empty() {
                // Nothing is autoscaled, yet steady state placed and this does not: blame
                // the pods left out.
                for (owner, n, u) in crate::fit::place::group_unplaced(&alone.unplaced) {
                    stalled.push(Stall {
                        object: owner.to_owned(),
                        cause: Cause::Scaled,
                        count: n,
                        scaled: 0,
                        first: u.clone(),
                    });
                }
            }
            return Outcome {
                placement: alone,
                stalled,
            };
        }
    }
    // Workloads of one shape get one answer: the same pod beside the same others.
    type Shape<'a> = (Demand, Option<&'a str>, bool, bool, Option<u32>);
    let shape = |w: &'a WorkloadDemand| -> Shape<'a> {
        (
            w.pod_requests,
            w.arch.as_deref(),
            w.per_node,
            w.one_per_node,
            // One replica per node: the answer depends on its own count.
            (w.one_per_node || w.per_node).then_some(base(&w.counts)),
        )
    };
    let mut answers: Vec<(Shape, Option<(usize, Unplaced)>)> = Vec::new();
    let mut unplaced = Vec::new();
    let mut stalled = Vec::new();
    let mut seen_selectors: BTreeSet<usize> = BTreeSet::new();
    for (i, w) in demands.iter().enumerate() {
        if needs(&w.counts) == 0 {
            continue;
        }
        let key = shape(w);
        // A DaemonSet's nodes depend on its selector: checked on its own.
        let known = if w.per_node {
            None
        } else {
            answers
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, a)| a.clone())
        };
        let answer = match known {
            Some(a) => a,
            None if answers.len() + seen_selectors.len() >= ONE_BY_ONE => Some((
                0,
                Unplaced {
                    pod: w.object.clone(),
                    best_node: String::new(),
                    lacking: vec![format!(
                        "not checked: more than {ONE_BY_ONE} workload shapes need rollout room"
                    )],
                },
            )),
            None => {
                let one = place(scenario, &|j, c| {
                    base(c) + if j == i { needs(c) } else { 0 }
                });
                let a = one
                    .unplaced
                    .first()
                    .cloned()
                    .map(|u| (one.unplaced.len(), u));
                if a.is_some() {
                    unplaced.extend(one.unplaced);
                }
                if w.per_node {
                    seen_selectors.insert(i);
                } else {
                    answers.push((key, a.clone()));
                }
                a
            }
        };
        if let Some((count, first)) = answer {
            stalled.push(Stall {
                object: w.object.clone(),
                cause: Cause::Surge,
                count: count.max(1),
                scaled: 0,
                first,
            });
        }
    }
    Outcome {
        placement: Placement {
            unplaced,
            ..together
        },
        stalled,
    }
}
