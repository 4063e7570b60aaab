//! The default kube-scheduler, simulated: pods placed one at a time as they arrive, each on
//! the node its default scores rank highest. It spreads pods, so it can leave a pod Pending
//! where a placement exists (the fit's first-fit-decreasing and exact search find one).
//!
//! Filters: room for the requests, a pod slot, the architecture, one replica per node
//! (`noderesources/fit.go` `fitsRequest`, `nodeaffinity`, `interpodaffinity`). Scores, with the
//! default profile's weights (`pkg/scheduler/apis/config/v1/default_plugins.go`), as
//! kube-scheduler v1.37 computes them (read in k8s.io/kubernetes v1.37.2):
//! - NodeResourcesFit, LeastAllocated (weight 1): per resource
//!   `(allocatable - requested) * 100 / allocatable`, cpu and memory weighted alike; a
//!   container without a request counts 100m and 200Mi (`least_allocated.go`,
//!   `pkg/scheduler/util/pod_resources.go`);
//! - NodeResourcesBalancedAllocation (weight 1): the change in balance the pod brings,
//!   `50 + (50 + with − without) / 2`, each `(1 − |cpu fraction − memory fraction| / 2) × 100`
//!   of the real requests (`balanced_allocation.go` `balancedResourceScorer`);
//! - PodTopologySpread (weight 2): the pod's own `ScheduleAnyway` constraints, or the system
//!   defaults (`maxSkew` 3 per hostname, 5 per zone) for pods a Service, ReplicaSet or
//!   StatefulSet selects, none for the others (a Job's); a node's raw score is `pods counted
//!   in its domain × ln(domains + 2) + maxSkew − 1`, normalised as
//!   `100 × (max + min − score) / max` (`podtopologyspread/scoring.go`).
//!
//! Which pod arrives next is the controllers' timing: the scheduling queue takes higher
//! priorities first (`queuesort/priority_sort.go`), and among pods of one priority the one
//! created first, which depends on how fast each controller creates its pods. The real
//! scheduler also breaks ties between equally scored nodes at random
//! (`schedule_one.go` `selectHost`). So the simulation follows the arrival orders and tie
//! breaks the scheduler may meet: first the workloads as applied, then in reverse and smallest
//! pods first, then every other interleaving of the workloads' pods and every tie between
//! nodes that differ, while [`MAX_STATES`] distinct cluster states and [`EXPLORE_STEPS`] units
//! of work last, for stacks of at most [`EXPLORE_PODS`] pods. It reports the first
//! history that leaves a pod Pending.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use crate::fit::demand::{Constraints, SoftSpread, WorkloadDemand};
use crate::fit::place::{Node, PodToPlace, fits_among, place_on, with_per_node_pods};
use crate::fit::platform::Platform;
use crate::units::demand::Demand;

/// A container without requests counts this much for scoring (`DefaultMilliCPURequest`,
/// `DefaultMemoryRequest`).
const NON_ZERO_CPU: u64 = 100;
const NON_ZERO_MEMORY: u64 = 200 * 1024 * 1024;

/// The most pod × node steps simulated; beyond it the simulation is skipped.
pub(super) const MAX_STEPS: u64 = 20_000_000;

/// The most distinct cluster states (placements so far and pods still to come) explored
/// beyond the three plain arrival orders.
pub(super) const MAX_STATES: usize = 20_000;

/// The most node-sized units of work (a node scored, copied or fingerprinted) spent exploring
/// beyond the three plain arrival orders.
const EXPLORE_STEPS: u64 = 2_000_000;

/// Other interleavings and ties are explored for stacks of at most this many pods (the
/// depth of the exploration); larger ones get the three plain arrival orders.
pub(super) const EXPLORE_PODS: u32 = 64;

/// How the pods arrived in the history that strands one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Order {
    /// As emitted: workloads in apply order, replicas in turn.
    Emitted,
    /// Workloads in the reverse order.
    Reversed,
    /// Smallest pods first, so the largest arrive when the nodes are already spread.
    SmallestFirst,
    /// Another interleaving, or a tie broken another way: the workloads whose pods arrived,
    /// in turn (`deployment/a ×2, statefulset/b`).
    Other(String),
}

/// A pod the simulated scheduler leaves Pending in some history: (workload index, how the
/// pods arrived, what the closest node lacks).
pub(super) fn strands(
    platform: &Platform,
    demands: &[WorkloadDemand],
    addon_labels: &[String],
) -> Option<(usize, Order, String)> {
    let state = base(platform, demands, addon_labels, true)?;
    let mut workloads: Vec<usize> = (0..demands.len())
        .filter(|&i| !demands[i].per_node && demands[i].counts.steady > 0)
        .collect();
    workloads.sort_by_key(|&i| demands[i].rank);
    let mut search = Search {
        demands,
        seen: HashSet::new(),
        steps: MAX_STEPS,
        history: Vec::new(),
    };
    let plain = [Order::Emitted, Order::Reversed, Order::SmallestFirst];
    for order in &plain {
        let mut ordered = workloads.clone();
        match order {
            Order::Reversed => ordered.reverse(),
            Order::SmallestFirst => ordered.sort_by_key(|&i| {
                let r = demands[i].pod_requests;
                (r.cpu.as_millis(), r.memory.as_bytes())
            }),
            _ => {}
        }
        let queue = queue(demands, ordered);
        if let Some((w, lacking)) = search.follow(state.clone(), &queue) {
            return Some((w, order.clone(), lacking));
        }
    }
    // DaemonSet pods race the others (their controller creates them as the others' do): the
    // exploration lets them arrive in any turn, each on its own node.
    let state = if demands.iter().any(|d| d.per_node) {
        base(platform, demands, addon_labels, false)?
    } else {
        state
    };
    let pods: u32 = state.left.iter().sum();
    if pods > EXPLORE_PODS {
        return None;
    }
    workloads.extend((0..demands.len()).filter(|&i| demands[i].per_node && state.left[i] > 0));
    let queue = queue(demands, workloads);
    search.history.clear();
    search.steps = EXPLORE_STEPS;
    search
        .explore(state, &queue)
        .map(|(w, lacking)| (w, Order::Other(search.told()), lacking))
}

/// The cluster before the stack's pods arrive: the per-node add-ons on every node, the
/// cluster add-ons placed once, and — when `daemons` — the stack's DaemonSet pods on every
/// node they run on (else they are still to arrive, [`State::pinned`]).
fn base(
    platform: &Platform,
    demands: &[WorkloadDemand],
    addon_labels: &[String],
    daemons: bool,
) -> Option<State> {
    let (nodes, unplaced, _) = if daemons {
        with_per_node_pods(platform, addon_labels, demands, &|_, c| c.steady)
    } else {
        with_per_node_pods(platform, addon_labels, &[], &|_, c| c.steady)
    };
    if !unplaced.is_empty() || nodes.is_empty() {
        return None;
    }
    let pinned: Vec<Vec<usize>> = demands
        .iter()
        .map(|d| {
            if daemons || !d.per_node || d.counts.steady == 0 {
                return Vec::new();
            }
            (0..nodes.len())
                .filter(|&n| crate::fit::place::admits(&nodes[n], Some(&d.constraints)))
                .collect()
        })
        .collect();
    let mut state = State {
        scored: nodes
            .iter()
            .map(|n| (n.used.cpu.as_millis(), n.used.memory.as_bytes()))
            .collect(),
        counts: vec![vec![0u32; demands.len()]; nodes.len()],
        left: demands
            .iter()
            .zip(&pinned)
            .map(|(d, p)| {
                if d.per_node {
                    u32::try_from(p.len()).unwrap_or(u32::MAX)
                } else {
                    d.counts.steady
                }
            })
            .collect(),
        pinned,
        keys: std::sync::Arc::new(
            nodes
                .iter()
                .flat_map(|n| n.labels.keys().cloned())
                .collect(),
        ),
        nodes,
    };
    // Cluster add-ons placed once are running before the stack arrives.
    for (a, label) in platform.addons().iter().zip(addon_labels) {
        if a.is_per_node() {
            continue;
        }
        let pod = PodToPlace {
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
        };
        let scoring = Scoring::addon(pod.req);
        let feasible: Vec<usize> = (0..state.nodes.len())
            .filter(|&n| fits_among(&state.nodes, n, &pod))
            .collect();
        let scores = scores(&state, &feasible, &pod, &scoring);
        let top = scores.iter().copied().max();
        if let Some(n) = feasible.iter().zip(&scores).find(|(_, s)| Some(**s) == top) {
            state.place(*n.0, &pod, scoring.requests);
        }
    }
    Some(state)
}

/// The workloads in the order the scheduling queue takes their pods when they arrive
/// `ordered`: higher priorities first (PrioritySort), and pods that need others beside them
/// (required pod affinity) after those, since the scheduler retries them when the cluster
/// changes. Grouped by (priority, affinity): any interleaving within a group may happen.
fn queue(demands: &[WorkloadDemand], mut ordered: Vec<usize>) -> Vec<Vec<usize>> {
    let key = |i: usize| {
        (
            std::cmp::Reverse(demands[i].priority.0),
            !demands[i].affinity.together.is_empty(),
        )
    };
    ordered.sort_by_key(|&i| key(i));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in ordered {
        match groups.last_mut() {
            Some(g) if key(g[0]) == key(i) => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups
}

/// The cluster as the simulated scheduler sees it, and the pods still to arrive.
#[derive(Clone)]
struct State {
    nodes: Vec<Node>,
    /// Requests as the scores count them, per node.
    scored: Vec<(u64, u64)>,
    /// Pods of each workload on each node.
    counts: Vec<Vec<u32>>,
    /// Pods of each workload still to arrive.
    left: Vec<u32>,
    /// Per workload, the nodes whose DaemonSet pod is still to arrive (a DaemonSet's pods
    /// are each bound to their node).
    pinned: Vec<Vec<usize>>,
    /// The label keys some node has (a spread constraint over another key scores nothing).
    keys: std::sync::Arc<std::collections::BTreeSet<String>>,
}

impl State {
    /// Whether nodes `a` and `b` are alike to every filter and score: the same pool and the
    /// same pods' worth of everything. Choosing between them changes nothing.
    fn alike(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.nodes[a], &self.nodes[b]);
        x.pool == y.pool
            && x.arch == y.arch
            && x.alloc == y.alloc
            && x.used == y.used
            && x.pods == y.pods
            && x.max_pods == y.max_pods
            && x.workloads == y.workloads
            && x.held == y.held
            && x.banned == y.banned
            && x.counts == y.counts
            && self.scored[a] == self.scored[b]
            && self.counts[a] == self.counts[b]
            && self.pinned.iter().all(|p| p.contains(&a) == p.contains(&b))
    }

    /// A fingerprint of the state that does not change when alike nodes swap places.
    fn fingerprint(&self) -> u64 {
        let mut nodes: Vec<u64> = (0..self.nodes.len())
            .map(|n| {
                let x = &self.nodes[n];
                let mut h = std::collections::hash_map::DefaultHasher::new();
                (
                    &x.pool,
                    &x.arch,
                    x.alloc,
                    x.used,
                    x.pods,
                    x.max_pods,
                    &x.workloads,
                )
                    .hash(&mut h);
                (
                    &x.held,
                    &x.banned,
                    &x.counts,
                    self.scored[n],
                    &self.counts[n],
                )
                    .hash(&mut h);
                for p in &self.pinned {
                    p.contains(&n).hash(&mut h);
                }
                h.finish()
            })
            .collect();
        nodes.sort_unstable();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (nodes, &self.left).hash(&mut h);
        h.finish()
    }

    /// Binds `pod` to node `n`; `scored` is its requests as LeastAllocated counts them.
    fn place(&mut self, n: usize, pod: &PodToPlace, (cpu, memory): (u64, u64)) {
        place_on(&mut self.nodes[n], pod);
        self.scored[n].0 += cpu;
        self.scored[n].1 += memory;
        if let Some(w) = pod.workload {
            self.counts[n][w] += 1;
        }
    }
}

/// One arrival's outcome: the nodes the scheduler may pick (the best score, one node of each
/// kind), or the pod left Pending.
enum Arrival {
    Placed(Vec<usize>),
    Pending(String),
}

/// The histories followed so far.
struct Search<'a> {
    demands: &'a [WorkloadDemand],
    /// Fingerprints of the states already explored (none of them strands a pod).
    seen: HashSet<u64>,
    /// Node-sized units of work left for exploring.
    steps: u64,
    /// The workloads whose pods arrived, in turn, on the path being explored.
    history: Vec<usize>,
}

impl<'a> Search<'a> {
    /// The next pod of workload `w` and where the scheduler may put it: every best node of
    /// a different kind when `ties`, else the first best one.
    fn arrive(&mut self, state: &State, w: usize, ties: bool) -> (PodToPlace<'a>, Arrival) {
        let demands: &'a [WorkloadDemand] = self.demands;
        let d = &demands[w];
        let pod = PodToPlace {
            owner: &d.object,
            replica: Some(d.counts.steady - state.left[w]),
            workload: Some(w),
            one_per_node: d.one_per_node,
            arch: d.arch.as_deref(),
            req: d.pod_requests,
            constraints: Some(&d.constraints),
            exclusions: &d.exclusions,
            spread: &d.spread,
            counted: d.counted,
            affinity: &d.affinity,
        };
        self.steps = self.steps.saturating_sub(state.nodes.len() as u64);
        let feasible: Vec<usize> = (0..state.nodes.len())
            .filter(|&n| fits_among(&state.nodes, n, &pod))
            .collect();
        if feasible.is_empty() {
            let lacking = lacking(&state.nodes, &pod);
            return (pod, Arrival::Pending(lacking));
        }
        let scores = scores(state, &feasible, &pod, &Scoring::of(d));
        let top = scores.iter().copied().max().unwrap_or(0);
        let mut best: Vec<usize> = Vec::new();
        for (&n, &s) in feasible.iter().zip(&scores) {
            if s == top && !best.iter().any(|&b| state.alike(b, n)) {
                best.push(n);
                if !ties {
                    break;
                }
            }
        }
        (pod, Arrival::Placed(best))
    }

    /// Pods arriving group by group, each group's workloads in turn, ties to the first node.
    fn follow(&mut self, mut state: State, queue: &[Vec<usize>]) -> Option<(usize, String)> {
        for &w in queue.iter().flatten() {
            while state.left[w] > 0 {
                let (pod, arrival) = self.arrive(&state, w, false);
                match arrival {
                    Arrival::Pending(lacking) => return Some((w, lacking)),
                    Arrival::Placed(best) => {
                        let n = best[0];
                        state.place(n, &pod, Scoring::of(&self.demands[w]).requests);
                    }
                }
                state.left[w] -= 1;
            }
        }
        None
    }

    /// Every interleaving within each group and every tie, depth first, while the budget
    /// lasts; the history of the first that strands a pod is left in `self.history`.
    fn explore(&mut self, state: State, queue: &[Vec<usize>]) -> Option<(usize, String)> {
        let size = state.nodes.len() as u64;
        self.steps = self.steps.saturating_sub(size);
        if self.seen.len() >= MAX_STATES
            || self.steps == 0
            || !self.seen.insert(state.fingerprint())
        {
            return None;
        }
        let group = queue
            .iter()
            .find(|g| g.iter().any(|&w| state.left[w] > 0))?;
        for &w in group {
            if state.left[w] == 0 || self.steps == 0 {
                continue;
            }
            if !state.pinned[w].is_empty() {
                if let Some(stranded) = self.explore_pinned(&state, queue, w) {
                    return Some(stranded);
                }
                continue;
            }
            let (pod, arrival) = self.arrive(&state, w, true);
            self.history.push(w);
            match arrival {
                Arrival::Pending(lacking) => return Some((w, lacking)),
                Arrival::Placed(best) => {
                    for n in best {
                        self.steps = self.steps.saturating_sub(size);
                        let mut next = state.clone();
                        next.place(n, &pod, Scoring::of(&self.demands[w]).requests);
                        next.left[w] -= 1;
                        if let Some(stranded) = self.explore(next, queue) {
                            return Some(stranded);
                        }
                    }
                }
            }
            self.history.pop();
        }
        None
    }

    /// The next pod of DaemonSet `w` arriving on each node it is still to arrive on (one node
    /// of each kind): bound there, it fits or stays Pending.
    fn explore_pinned(
        &mut self,
        state: &State,
        queue: &[Vec<usize>],
        w: usize,
    ) -> Option<(usize, String)> {
        let demands: &'a [WorkloadDemand] = self.demands;
        let d = &demands[w];
        let pod = PodToPlace {
            owner: &d.object,
            replica: None,
            workload: Some(w),
            one_per_node: false,
            arch: None,
            req: d.pod_requests,
            constraints: Some(&d.constraints),
            exclusions: &d.exclusions,
            spread: &[],
            counted: false,
            affinity: &crate::fit::demand::NO_AFFINITY,
        };
        let mut kinds: Vec<usize> = Vec::new();
        for &n in &state.pinned[w] {
            if !kinds.iter().any(|&k| state.alike(k, n)) {
                kinds.push(n);
            }
        }
        let size = state.nodes.len() as u64;
        for n in kinds {
            if self.steps == 0 {
                break;
            }
            self.steps = self.steps.saturating_sub(size);
            self.history.push(w);
            if !crate::fit::place::fits(&state.nodes[n], &pod) {
                let short = crate::fit::place::shortfall(&state.nodes[n], &pod);
                return Some((
                    w,
                    format!("on {}: {}", state.nodes[n].name, short.join(", ")),
                ));
            }
            let mut next = state.clone();
            next.place(n, &pod, Scoring::of(d).requests);
            next.left[w] -= 1;
            next.pinned[w].retain(|&m| m != n);
            if let Some(stranded) = self.explore(next, queue) {
                return Some(stranded);
            }
            self.history.pop();
        }
        None
    }

    /// The history, told: `deployment/a ×2, statefulset/b`.
    fn told(&self) -> String {
        let mut runs: Vec<(usize, u32)> = Vec::new();
        for &w in &self.history {
            match runs.last_mut() {
                Some((x, n)) if *x == w => *n += 1,
                _ => runs.push((w, 1)),
            }
        }
        runs.iter()
            .map(|&(w, n)| {
                let o = &self.demands[w].object;
                if n == 1 {
                    o.clone()
                } else {
                    format!("{o} ×{n}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a pod brings to the scores: its requests as LeastAllocated counts them, and the
/// topology spread constraints PodTopologySpread scores (none: the plugin skips the pod).
struct Scoring<'a> {
    requests: (u64, u64),
    soft: &'a [SoftSpread],
    own: bool,
    /// The pod's node selector and required affinity: a zone's pods are counted on the
    /// nodes they admit.
    constraints: Option<&'a Constraints>,
}

impl<'a> Scoring<'a> {
    fn of(d: &'a WorkloadDemand) -> Self {
        Scoring {
            requests: (
                d.scored_requests.cpu.as_millis(),
                d.scored_requests.memory.as_bytes(),
            ),
            soft: &d.soft_spread,
            own: d.soft_spread_own,
            constraints: Some(&d.constraints),
        }
    }

    fn addon(req: Demand) -> Self {
        Scoring {
            requests: non_zero(req),
            soft: &[],
            own: false,
            constraints: None,
        }
    }
}

/// The default profile's total score of each feasible node for `pod` (the plugins whose
/// score differs between the nodes), as kube-scheduler v1.37 computes them:
/// - LeastAllocated: `(allocatable − requested) × 100 / allocatable` per resource, averaged;
///   node and pod requests with a container's missing request counted as 100m / 200Mi;
/// - BalancedAllocation scores the change in balance: `50 + (50 + with − without) / 2`,
///   each `(1 − |cpu fraction − memory fraction| / 2) × 100` of the real requests
///   (`balancedResourceScorer`);
/// - PodTopologySpread, weight 2 ([`spread_scores`]).
fn scores(state: &State, feasible: &[usize], pod: &PodToPlace, scoring: &Scoring) -> Vec<i64> {
    let (cpu, memory) = scoring.requests;
    let spread = spread_scores(state, feasible, scoring);
    feasible
        .iter()
        .zip(spread)
        .map(|(&n, spread)| {
            let node = &state.nodes[n];
            let alloc = (node.alloc.cpu.as_millis(), node.alloc.memory.as_bytes());
            let used = (state.scored[n].0 + cpu, state.scored[n].1 + memory);
            let least = |a: u64, u: u64| {
                if a == 0 || u > a {
                    0
                } else {
                    (a - u) * 100 / a
                }
            };
            let least_allocated = (least(alloc.0, used.0) + least(alloc.1, used.1)) / 2;
            let balance = |cpu: u64, memory: u64| {
                let fraction = |a: u64, u: u64| (u as f64 / a as f64).min(1.0);
                let std = if alloc.0 == 0 || alloc.1 == 0 {
                    0.0
                } else {
                    (fraction(alloc.0, cpu) - fraction(alloc.1, memory)).abs() / 2.0
                };
                ((1.0 - std) * 100.0) as i64
            };
            let (real_cpu, real_memory) = (node.used.cpu.as_millis(), node.used.memory.as_bytes());
            let without = balance(real_cpu, real_memory);
            let with = balance(
                real_cpu + pod.req.cpu.as_millis(),
                real_memory + pod.req.memory.as_bytes(),
            );
            let balanced = 50 + (50 + with - without) / 2;
            least_allocated as i64 + balanced + 2 * spread
        })
        .collect()
}

/// A spread constraint's weight, and for keys other than hostname the pods counted in each
/// of its domains.
type Domains<'a> = (f64, Option<std::collections::BTreeMap<&'a str, u64>>);

/// PodTopologySpread's normalised score of each feasible node (`scoring.go`): a node's raw
/// score sums, over the constraints whose key it has, `pods counted in its domain ×
/// ln(domains + 2) + maxSkew − 1` (domains: the feasible nodes for the hostname key, the
/// distinct values among them for others; a zone's pods counted on every node of the zone
/// that the pod's node affinity admits), rounded; then `100 × (max + min − raw) / max`. Nodes
/// lacking a key of the pod's own constraints score 0; without constraints, every node 0.
fn spread_scores(state: &State, feasible: &[usize], scoring: &Scoring) -> Vec<i64> {
    use std::collections::{BTreeMap, BTreeSet};
    if scoring.soft.is_empty() {
        return vec![0; feasible.len()];
    }
    const HOSTNAME: &str = "kubernetes.io/hostname";
    let value = |n: usize, key: &str| -> Option<&str> {
        let node = &state.nodes[n];
        if key == HOSTNAME {
            Some(node.name.as_str())
        } else {
            node.labels.get(key).map(String::as_str)
        }
    };
    let ignored: Vec<bool> = if scoring.own {
        feasible
            .iter()
            .map(|&n| scoring.soft.iter().any(|c| value(n, &c.key).is_none()))
            .collect()
    } else {
        vec![false; feasible.len()]
    };
    let scored = || {
        feasible
            .iter()
            .zip(&ignored)
            .filter(|(_, i)| !**i)
            .map(|(&n, _)| n)
    };
    let pods_on = |m: usize, c: &SoftSpread| -> u64 {
        c.counts
            .iter()
            .map(|&j| u64::from(state.counts[m][j]))
            .sum()
    };
    // Per constraint: its weight, and for keys other than hostname the pods counted in each
    // domain (on the nodes the pod's node affinity admits).
    let domains: Vec<Option<Domains>> = scoring
        .soft
        .iter()
        .map(|c| {
            if c.key == HOSTNAME {
                return Some((((scored().count() + 2) as f64).ln(), None));
            }
            if !state.keys.contains(&c.key) {
                // No node has the key: no node scores for it.
                return None;
            }
            let values: BTreeSet<Option<&str>> = scored().map(|n| value(n, &c.key)).collect();
            let mut pods: BTreeMap<&str, u64> = BTreeMap::new();
            for m in 0..state.nodes.len() {
                if let Some(v) = value(m, &c.key)
                    && crate::fit::place::matches_affinity(&state.nodes[m], scoring.constraints)
                {
                    *pods.entry(v).or_default() += pods_on(m, c);
                }
            }
            Some((((values.len() + 2) as f64).ln(), Some(pods)))
        })
        .collect();
    let raw: Vec<Option<i64>> = feasible
        .iter()
        .zip(&ignored)
        .map(|(&n, &ignored)| {
            if ignored {
                return None;
            }
            let mut score = 0.0;
            for (c, domain) in scoring.soft.iter().zip(&domains) {
                let Some((weight, pods)) = domain else {
                    continue;
                };
                let Some(v) = value(n, &c.key) else {
                    continue;
                };
                let count = match pods {
                    None => pods_on(n, c),
                    Some(pods) => pods.get(v).copied().unwrap_or(0),
                };
                score += count as f64 * weight + f64::from(c.max_skew.saturating_sub(1));
            }
            Some(score.round() as i64)
        })
        .collect();
    let (min, max) = raw
        .iter()
        .flatten()
        .fold((i64::MAX, 0), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    raw.iter()
        .map(|s| match *s {
            None => 0,
            Some(_) if max == 0 => 100,
            Some(s) => 100 * (max + min - s) / max,
        })
        .collect()
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

/// What the node with the most free cpu lacks for `pod`, among the nodes its selector,
/// affinity and tolerations admit (any node when none does).
fn lacking(nodes: &[Node], pod: &PodToPlace) -> String {
    let free = |n: &&Node| n.alloc.cpu.saturating_sub(n.used.cpu);
    let best = nodes
        .iter()
        .filter(|n| crate::fit::place::admits(n, pod.constraints))
        .max_by_key(free)
        .or_else(|| nodes.iter().max_by_key(free))
        .expect("at least one node");
    let mut short = crate::fit::place::shortfall(best, pod);
    let i = nodes
        .iter()
        .position(|m| std::ptr::eq(m, best))
        .unwrap_or(0);
    short.extend(crate::fit::place::spread_shortfall(nodes, i, pod));
    format!("on {}: {}", best.name, short.join(", "))
}
