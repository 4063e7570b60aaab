//! The default kube-scheduler, simulated: pods placed one at a time as they arrive, each on
//! the node its default scores rank highest. It spreads pods, so it can leave a pod Pending
//! where a placement exists (the fit's first-fit-decreasing and exact search find one).
//!
//! Filters: room for the requests, a pod slot, the architecture, one replica per node
//! (`noderesources/fit.go` `fitsRequest`, `nodeaffinity`, `interpodaffinity`). Scores, with the
//! default profile's weights (`pkg/scheduler/apis/config/v1/default_plugins.go`):
//! - NodeResourcesFit, LeastAllocated (weight 1): per resource
//!   `(allocatable - requested) * 100 / allocatable`, cpu and memory weighted alike; a
//!   container without requests counts 100m and 200Mi (`least_allocated.go`,
//!   `pkg/scheduler/util/pod_resources.go`);
//! - NodeResourcesBalancedAllocation (weight 1): `(1 - std(cpu fraction, memory fraction)) *
//!   100` (`balanced_allocation.go`);
//! - PodTopologySpread with the system defaults (weight 2): `maxSkew: 3` per hostname,
//!   `ScheduleAnyway`; a node's raw score is `pods of the workload × ln(nodes + 2) + 2`,
//!   normalised as `100 × (max + min − score) / max` (`podtopologyspread/scoring.go`).
//!
//! The real scheduler breaks ties between equal scores at random and pods arrive in an order
//! the controllers' timing decides, so the fit tries a few arrival orders (as emitted,
//! workloads reversed, smallest pods first) and warns when any of them strands a pod.

use crate::fit::demand::WorkloadDemand;
use crate::fit::place::{Node, PodToPlace, fits_among, place_on, with_per_node_pods};
use crate::fit::platform::Platform;
use crate::units::demand::Demand;

/// A container without requests counts this much for scoring (`DefaultMilliCPURequest`,
/// `DefaultMemoryRequest`).
const NON_ZERO_CPU: u64 = 100;
const NON_ZERO_MEMORY: u64 = 200 * 1024 * 1024;

/// The most pod × node steps simulated; beyond it the simulation is skipped.
pub(super) const MAX_STEPS: u64 = 20_000_000;

/// The arrival orders tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    /// As emitted: workloads in apply order, replicas in turn.
    Emitted,
    /// Workloads in the reverse order.
    Reversed,
    /// Smallest pods first, so the largest arrive when the nodes are already spread.
    SmallestFirst,
}

/// The first pod the simulated scheduler leaves Pending in some arrival order: (workload
/// index, order, what the closest node lacks).
pub(super) fn strands(
    platform: &Platform,
    demands: &[WorkloadDemand],
    addon_labels: &[String],
) -> Option<(usize, Order, String)> {
    for order in [Order::Emitted, Order::Reversed, Order::SmallestFirst] {
        if let Some((w, lacking)) = simulate(platform, demands, addon_labels, order) {
            return Some((w, order, lacking));
        }
    }
    None
}

fn simulate(
    platform: &Platform,
    demands: &[WorkloadDemand],
    addon_labels: &[String],
    order: Order,
) -> Option<(usize, String)> {
    let (mut nodes, unplaced, _) =
        with_per_node_pods(platform, addon_labels, demands, &|_, c| c.steady);
    if !unplaced.is_empty() || nodes.is_empty() {
        return None;
    }
    // Cluster add-ons placed once are running before the stack arrives.
    let mut queue: Vec<PodToPlace> = platform
        .addons()
        .iter()
        .zip(addon_labels)
        .filter(|(a, _)| !a.is_per_node())
        .map(|(a, label)| PodToPlace {
            owner: label,
            replica: None,
            workload: None,
            one_per_node: false,
            arch: None,
            req: Demand::new(a.cpu(), a.memory()),
            constraints: None,
            exclusions: &crate::fit::demand::NO_EXCLUSIONS,
            spread: &[],
            counted: false,
            affinity: &crate::fit::demand::NO_AFFINITY,
        })
        .collect();
    let mut workloads: Vec<usize> = (0..demands.len())
        .filter(|&i| !demands[i].per_node)
        .collect();
    workloads.sort_by_key(|&i| demands[i].rank);
    match order {
        Order::Emitted => {}
        Order::Reversed => workloads.reverse(),
        Order::SmallestFirst => workloads.sort_by_key(|&i| {
            let r = demands[i].pod_requests;
            (r.cpu.as_millis(), r.memory.as_bytes())
        }),
    }
    // Pods that need others beside them (required pod affinity) wait until those run: the
    // scheduler retries them when the cluster changes.
    workloads.sort_by_key(|&i| !demands[i].affinity.together.is_empty());
    // The scheduling queue takes higher priorities first (PrioritySort).
    workloads.sort_by_key(|&i| std::cmp::Reverse(demands[i].priority.0));
    for i in workloads {
        let w = &demands[i];
        for r in 0..w.counts.steady {
            queue.push(PodToPlace {
                owner: &w.object,
                replica: Some(r),
                workload: Some(i),
                one_per_node: w.one_per_node,
                arch: w.arch.as_deref(),
                req: w.pod_requests,
                constraints: Some(&w.constraints),
                exclusions: &w.exclusions,
                spread: &w.spread,
                counted: w.counted,
                affinity: &w.affinity,
            });
        }
    }
    // Requests as the scores count them (none → the non-zero defaults), per node.
    let mut scored: Vec<(u64, u64)> = nodes
        .iter()
        .map(|n| (n.used.cpu.as_millis(), n.used.memory.as_bytes()))
        .collect();
    // Pods of each workload on each node, for topology spread.
    let mut counts = vec![vec![0u32; demands.len()]; nodes.len()];
    let weight = ((nodes.len() + 2) as f64).ln();
    for pod in &queue {
        let (cpu, memory) = non_zero(pod.req);
        let feasible: Vec<usize> = (0..nodes.len())
            .filter(|&n| fits_among(&nodes, n, pod))
            .collect();
        if feasible.is_empty() {
            let Some(w) = pod.workload else {
                continue;
            };
            return Some((w, lacking(&nodes, pod)));
        }
        let spread: Vec<i64> = feasible
            .iter()
            .map(|&n| {
                let c = pod.workload.map_or(0, |w| counts[n][w]);
                (f64::from(c) * weight + 2.0).round() as i64
            })
            .collect();
        let (min, max) = (
            spread.iter().copied().min().unwrap_or(0),
            spread.iter().copied().max().unwrap_or(0),
        );
        let best = feasible
            .iter()
            .zip(&spread)
            .map(|(&n, &s)| {
                let alloc = (
                    nodes[n].alloc.cpu.as_millis(),
                    nodes[n].alloc.memory.as_bytes(),
                );
                let used = (scored[n].0 + cpu, scored[n].1 + memory);
                let least = |a: u64, u: u64| {
                    if a == 0 || u > a {
                        0
                    } else {
                        (a - u) * 100 / a
                    }
                };
                let least_allocated = (least(alloc.0, used.0) + least(alloc.1, used.1)) / 2;
                let fraction = |a: u64, u: u64| {
                    if a == 0 {
                        1.0
                    } else {
                        (u as f64 / a as f64).min(1.0)
                    }
                };
                let real = (
                    nodes[n].used.cpu.as_millis() + pod.req.cpu.as_millis(),
                    nodes[n].used.memory.as_bytes() + pod.req.memory.as_bytes(),
                );
                let std = (fraction(alloc.0, real.0) - fraction(alloc.1, real.1)).abs() / 2.0;
                let balanced = ((1.0 - std) * 100.0) as i64;
                let spread = if pod.workload.is_none() {
                    0
                } else if max == 0 {
                    100
                } else {
                    100 * (max + min - s) / max
                };
                let total = least_allocated as i64 + balanced + 2 * spread;
                (total, std::cmp::Reverse(n))
            })
            .max()
            .map(|(_, std::cmp::Reverse(n))| n);
        if let Some(n) = best {
            place_on(&mut nodes[n], pod);
            scored[n].0 += cpu;
            scored[n].1 += memory;
            if let Some(w) = pod.workload {
                counts[n][w] += 1;
            }
        }
    }
    None
}

/// A pod's requests as the scores count them.
fn non_zero(req: Demand) -> (u64, u64) {
    let cpu = req.cpu.as_millis();
    let memory = req.memory.as_bytes();
    (
        if cpu == 0 { NON_ZERO_CPU } else { cpu },
        if memory == 0 { NON_ZERO_MEMORY } else { memory },
    )
}

/// What the node with the most free cpu lacks for `pod`.
fn lacking(nodes: &[Node], pod: &PodToPlace) -> String {
    let best = nodes
        .iter()
        .max_by_key(|n| n.alloc.cpu.saturating_sub(n.used.cpu))
        .expect("at least one node");
    let mut short = crate::fit::place::shortfall(best, pod);
    let i = nodes
        .iter()
        .position(|m| std::ptr::eq(m, best))
        .unwrap_or(0);
    short.extend(crate::fit::place::spread_shortfall(nodes, i, pod));
    format!("on {}: {}", best.name, short.join(", "))
}
