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
    base_placement: Option<&Placement>,
) -> Outcome {
    let together = place(scenario, &|_, c| base(c) + needs(c));
    if together.unplaced.is_empty() {
        return Outcome::placed(together);
    }
    let scaled = base_placement.is_none();
    let placed_alone;
    let base_placement = match base_placement {
        Some(p) => p,
        None => {
            placed_alone = place(scenario, &|_, c| base(c));
            &placed_alone
        }
    };
    if scaled {
        let alone = base_placement.clone();
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
                    requests: w.pod_requests,
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
                // Said of this workload's own new pod: its own entry when the placement left
                // it out, else the node closest to holding it beside everyone's pods.
                let a = (!one.unplaced.is_empty()).then(|| {
                    let mut own: Vec<Unplaced> = one
                        .unplaced
                        .iter()
                        .filter(|u| u.pod.split(['#', '@']).next() == Some(w.object.as_str()))
                        .cloned()
                        .collect();
                    if own.is_empty() {
                        own.push(closest(&base_placement.nodes, w));
                    }
                    own
                });
                if let Some(own) = &a {
                    unplaced.extend(own.iter().cloned());
                }
                let a = a.map(|own| (own.len(), own[0].clone()));
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

/// The node closest to holding one more pod of `w` beside a placement's pods, and what it
/// lacks there.
fn closest(nodes: &[crate::fit::NodeUsage], w: &WorkloadDemand) -> Unplaced {
    let lacking = |n: &crate::fit::NodeUsage| {
        let mut out = Vec::new();
        let free_cpu = n.allocatable.cpu.saturating_sub(n.requested.cpu);
        if w.pod_requests.cpu > free_cpu {
            out.push(format!(
                "cpu short by {} (needs {}, {free_cpu} free)",
                w.pod_requests.cpu.saturating_sub(free_cpu),
                w.pod_requests.cpu
            ));
        }
        let free_mem = n.allocatable.memory.saturating_sub(n.requested.memory);
        if w.pod_requests.memory > free_mem {
            out.push(format!(
                "memory short by {} (needs {}, {free_mem} free)",
                w.pod_requests.memory.saturating_sub(free_mem),
                w.pod_requests.memory
            ));
        }
        if n.pods >= n.max_pods {
            out.push(format!("pod slots (maxPods {} reached)", n.max_pods));
        }
        if out.is_empty() {
            out.push(if w.one_per_node {
                "a free node (one replica per node, or the host ports another replica holds)"
                    .to_owned()
            } else {
                "room once the other pods are placed".to_owned()
            });
        }
        out
    };
    let best = nodes.iter().min_by_key(|n| {
        (
            lacking(n).len(),
            std::cmp::Reverse(n.allocatable.cpu.saturating_sub(n.requested.cpu)),
        )
    });
    Unplaced {
        requests: w.pod_requests,
        pod: format!("{}#new", w.object),
        best_node: best.map(|n| n.node.clone()).unwrap_or_default(),
        lacking: best.map_or_else(
            || vec!["a node (the platform has none)".to_owned()],
            lacking,
        ),
    }
}
