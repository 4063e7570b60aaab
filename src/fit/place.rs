//! Placement: pods first-fit-decreasing onto the platform's nodes by their requests, the
//! per-node add-ons first, with the exact search (`search.rs`) when the greedy pass leaves
//! pods out, and what a pod lacks on the node that came closest.

use std::collections::BTreeSet;

use crate::fit::demand::{
    ANYWHERE, Affinity, Constraints, Exclusions, NO_AFFINITY, NO_EXCLUSIONS, ReplicaCounts, Spread,
    WORKLOAD_TOKEN, WorkloadDemand,
};
use crate::fit::platform::Platform;
use crate::fit::search;
use crate::fit::{NodeUsage, Placement, Unplaced};
use crate::units::demand::Demand;
use crate::units::memory::Memory;
use crate::util::spelled::Spelled;

#[derive(Clone)]
pub(super) struct Node {
    pub(super) name: String,
    pub(super) pool: String,
    pub(super) arch: String,
    pub(super) alloc: Demand,
    pub(super) used: Demand,
    pub(super) pods: u32,
    pub(super) max_pods: u32,
    pub(super) workloads: BTreeSet<usize>,
    /// Tokens its pods hold and ban ([`Exclusions`]).
    pub(super) held: Vec<u32>,
    pub(super) banned: Vec<u32>,
    /// Pods per workload, for the workloads a topology spread ([`Spread`]) or a pod
    /// (anti-)affinity ([`Affinity`]) counts.
    pub(super) counts: Vec<(usize, u32)>,
    /// Every label of the node (arch, os, hostname, pool, the pool's own).
    pub(super) labels: std::sync::Arc<std::collections::BTreeMap<String, String>>,
    /// Its pool's taints.
    pub(super) taints: std::sync::Arc<[crate::fit::platform::Taint]>,
}

/// A pod to place. Its label (`deployment/api#3`, `addon/coredns`) is spelled out only when
/// it cannot be placed; sorting compares it without building it.
pub(super) struct PodToPlace<'a> {
    /// `deployment/api` or `addon/coredns`.
    pub(super) owner: &'a str,
    /// The replica index of a workload pod.
    pub(super) replica: Option<u32>,
    pub(super) workload: Option<usize>,
    pub(super) one_per_node: bool,
    pub(super) arch: Option<&'a str>,
    pub(super) req: Demand,
    /// Where it may run; `None`: anywhere without a taint it would need to tolerate.
    pub(super) constraints: Option<&'a Constraints>,
    /// What it holds on its node and keeps away from (host ports, pod anti-affinity).
    pub(super) exclusions: &'a Exclusions,
    /// Its `DoNotSchedule` topology spread constraints.
    pub(super) spread: &'a [Spread],
    /// Whether a topology spread or a pod (anti-)affinity counts it (its node then tracks
    /// it).
    pub(super) counted: bool,
    /// Its required pod affinity and non-hostname anti-affinity.
    pub(super) affinity: &'a Affinity,
}

/// Whether `pod` and the pods on `node` exclude each other.
fn port_taken(node: &Node, pod: &PodToPlace) -> bool {
    pod.exclusions.banned.iter().any(|t| node.held.contains(t))
        || pod.exclusions.held.iter().any(|t| node.banned.contains(t))
}

impl PodToPlace<'_> {
    pub(super) fn label(&self) -> String {
        match self.replica {
            Some(r) => format!("{}#{r}", self.owner),
            None => self.owner.to_owned(),
        }
    }

    /// Compares as the labels would, byte by byte.
    pub(super) fn label_cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (x, y) = (self.owner.as_bytes(), other.owner.as_bytes());
        let n = x.len().min(y.len());
        // The owners decide when they differ within their common length; equal owners leave
        // it to the replicas. Only when one owner is a prefix of the other do the replica
        // digits meet owner bytes.
        let ordering = x[..n].cmp(&y[..n]);
        if ordering.is_ne() {
            return ordering;
        }
        // `#replica`, as `label` appends it.
        let (ta, tb) = (
            self.replica.map(|r| Spelled::number(u64::from(r), "")),
            other.replica.map(|r| Spelled::number(u64::from(r), "")),
        );
        let ([ha, da], [hb, db]) = (replica_bytes(ta.as_ref()), replica_bytes(tb.as_ref()));
        if x.len() == y.len() {
            ha.iter().chain(da).cmp(hb.iter().chain(db))
        } else {
            x.iter()
                .chain(ha)
                .chain(da)
                .cmp(y.iter().chain(hb).chain(db))
        }
    }
}

/// The `#` and the digits of a replica suffix, or nothing.
pub(super) fn replica_bytes(t: Option<&Spelled>) -> [&[u8]; 2] {
    match t {
        Some(s) => [b"#", s.as_str().as_bytes()],
        None => [b"", b""],
    }
}

/// The most nodes one Kubernetes cluster supports (kubernetes.io, "Considerations for large
/// clusters": no more than 5,000 nodes, 150,000 pods in total).
pub(super) const MAX_NODES: u64 = 5_000;
/// The most pods one Kubernetes cluster supports (same source).
pub(super) const MAX_PODS: u64 = 150_000;

pub(super) fn nodes_of(platform: &Platform) -> Vec<Node> {
    let mut nodes = Vec::new();
    for pool in platform.pools() {
        let taints: std::sync::Arc<[crate::fit::platform::Taint]> = pool.taints().into();
        for i in 0..pool.count() {
            nodes.push(node_of(pool, i, taints.clone()));
        }
    }
    nodes
}

/// The first node of every pool that has one: it stands for its pool (same labels but the
/// hostname, same taints, same architecture and room).
pub(super) fn pool_representatives(platform: &Platform) -> Vec<Node> {
    platform
        .pools()
        .iter()
        .filter(|p| p.count() > 0)
        .map(|p| node_of(p, 0, p.taints().into()))
        .collect()
}

fn node_of(
    pool: &crate::fit::platform::NodePool,
    i: u32,
    taints: std::sync::Arc<[crate::fit::platform::Taint]>,
) -> Node {
    let name = format!("{}-{i}", pool.name());
    Node {
        labels: std::sync::Arc::new(pool.node_labels(&name)),
        taints,
        name,
        pool: pool.name().to_owned(),
        arch: pool.architecture().to_owned(),
        alloc: Demand {
            cpu: pool.allocatable_cpu(),
            memory: pool.allocatable_memory(),
            ephemeral_storage: pool
                .allocatable_ephemeral_storage()
                .unwrap_or(Memory::bytes(u64::MAX)),
        },
        used: Demand::default(),
        pods: 0,
        max_pods: pool.max_pods_per_node(),
        workloads: BTreeSet::new(),
        held: Vec::new(),
        banned: Vec::new(),
        counts: Vec::new(),
    }
}

pub(super) fn shortfall(node: &Node, pod: &PodToPlace) -> Vec<String> {
    let mut lacking = Vec::new();
    let free_cpu = node.alloc.cpu.saturating_sub(node.used.cpu);
    if pod.req.cpu > free_cpu {
        lacking.push(format!(
            "cpu short by {} (needs {}, {} free)",
            pod.req.cpu.saturating_sub(free_cpu),
            pod.req.cpu,
            free_cpu
        ));
    }
    let free_mem = node.alloc.memory.saturating_sub(node.used.memory);
    if pod.req.memory > free_mem {
        lacking.push(format!(
            "memory short by {} (needs {}, {} free)",
            pod.req.memory.saturating_sub(free_mem),
            pod.req.memory,
            free_mem
        ));
    }
    let free_eph = node
        .alloc
        .ephemeral_storage
        .saturating_sub(node.used.ephemeral_storage);
    if pod.req.ephemeral_storage > free_eph {
        lacking.push(format!(
            "ephemeral-storage short by {}",
            pod.req.ephemeral_storage.saturating_sub(free_eph)
        ));
    }
    if node.pods >= node.max_pods {
        lacking.push(format!("pod slots (maxPods {} reached)", node.max_pods));
    }
    if let Some(arch) = &pod.arch
        && *arch != node.arch
    {
        lacking.push(format!("architecture {arch} (node is {})", node.arch));
    }
    if pod.one_per_node
        && let Some(w) = pod.workload
        && node.workloads.contains(&w)
    {
        lacking.push(
            "a free node (one replica per node, or the host ports another replica holds)"
                .to_owned(),
        );
    }
    let taken: Vec<String> = pod
        .exclusions
        .banned
        .iter()
        .filter(|p| **p < WORKLOAD_TOKEN && node.held.contains(p))
        .map(|p| {
            let proto = ["TCP", "UDP", "SCTP"][usize::try_from(p >> 16).unwrap_or(0).min(2)];
            format!("{}/{proto}", p & 0xffff)
        })
        .collect();
    if !taken.is_empty() {
        lacking.push(format!(
            "host port {} (another pod on the node holds it)",
            taken.join(", ")
        ));
    }
    let shunned = pod
        .exclusions
        .banned
        .iter()
        .any(|t| *t >= WORKLOAD_TOKEN && node.held.contains(t))
        || pod.exclusions.held.iter().any(|t| node.banned.contains(t));
    if shunned {
        lacking.push(
            "a node without the pods a required pod anti-affinity keeps apart from it".to_owned(),
        );
    }
    let c = pod.constraints.unwrap_or(&NOWHERE_SPECIAL);
    let missing: Vec<String> = c
        .selector
        .iter()
        // The architecture has its own line above.
        .filter(|(k, v)| k.as_str() != "kubernetes.io/arch" && node.labels.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !missing.is_empty() {
        lacking.push(format!("node labels {} (nodeSelector)", missing.join(", ")));
    }
    if !c.required.is_empty() && !c.required.iter().any(|t| t.matches(&node.labels)) {
        lacking.push("labels its required node affinity asks for".to_owned());
    }
    if !c.tolerate_all {
        for t in node
            .taints
            .iter()
            .filter(|t| t.filters() && !t.tolerated_by(&c.tolerations))
        {
            lacking.push(format!("a toleration for taint {t}"));
        }
    }
    lacking
}

/// How many of [`shortfall`]'s conditions fail, without allocating.
pub(super) fn lack_count(node: &Node, pod: &PodToPlace) -> usize {
    [
        pod.req.cpu > node.alloc.cpu.saturating_sub(node.used.cpu),
        pod.req.memory > node.alloc.memory.saturating_sub(node.used.memory),
        pod.req.ephemeral_storage
            > node
                .alloc
                .ephemeral_storage
                .saturating_sub(node.used.ephemeral_storage),
        node.pods >= node.max_pods,
        pod.arch.is_some_and(|a| a != node.arch),
        pod.one_per_node && pod.workload.is_some_and(|w| node.workloads.contains(&w)),
        !admits(node, pod.constraints),
        port_taken(node, pod),
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// The allocation-free test of [`shortfall`] being empty.
pub(super) fn fits(node: &Node, pod: &PodToPlace) -> bool {
    pod.req.cpu <= node.alloc.cpu.saturating_sub(node.used.cpu)
        && pod.req.memory <= node.alloc.memory.saturating_sub(node.used.memory)
        && pod.req.ephemeral_storage
            <= node
                .alloc
                .ephemeral_storage
                .saturating_sub(node.used.ephemeral_storage)
        && node.pods < node.max_pods
        && pod.arch.is_none_or(|a| a == node.arch)
        && !(pod.one_per_node && pod.workload.is_some_and(|w| node.workloads.contains(&w)))
        && admits(node, pod.constraints)
        && !port_taken(node, pod)
}

pub(super) fn place_on(node: &mut Node, pod: &PodToPlace) {
    node.used = Demand {
        cpu: node.used.cpu + pod.req.cpu,
        memory: node.used.memory + pod.req.memory,
        ephemeral_storage: node.used.ephemeral_storage + pod.req.ephemeral_storage,
    };
    node.pods += 1;
    node.held.extend_from_slice(&pod.exclusions.held);
    node.banned.extend_from_slice(&pod.exclusions.banned);
    count_on(node, pod, 1);
    // Only one-per-node workloads are ever looked up.
    if pod.one_per_node
        && let Some(w) = pod.workload
    {
        node.workloads.insert(w);
    }
}

/// Adds `delta` (1 or -1) to the node's count of the pod's workload, when a topology spread
/// or a pod (anti-)affinity counts it.
pub(super) fn count_on(node: &mut Node, pod: &PodToPlace, delta: i32) {
    let (true, Some(w)) = (pod.counted, pod.workload) else {
        return;
    };
    match node.counts.iter_mut().find(|(x, _)| *x == w) {
        Some(e) => e.1 = e.1.saturating_add_signed(delta),
        None if delta > 0 => node.counts.push((w, delta.unsigned_abs())),
        None => {}
    }
    node.counts.retain(|(_, c)| *c > 0);
}

/// Whether node `i` passes the pod's `DoNotSchedule` topology spread constraints, as the
/// PodTopologySpread filter judges it ([`Spread`]): the pods counted in the node's domain,
/// plus the pod when it matches, exceed the smallest count over the eligible domains (0 with
/// fewer than `minDomains` of them) by at most `maxSkew`.
pub(super) fn spread_ok(nodes: &[Node], i: usize, pod: &PodToPlace) -> bool {
    pod.spread.iter().all(|s| {
        let Some(domain) = nodes[i].labels.get(&s.key) else {
            return false;
        };
        let c = pod.constraints.unwrap_or(&NOWHERE_SPECIAL);
        let mut domains: Vec<(&str, u64)> = Vec::new();
        for n in nodes {
            // NodeAffinityPolicy Honor, NodeTaintsPolicy Ignore: labels count, taints not.
            let eligible = node_has_labels(n, &c.selector)
                && (c.required.is_empty() || c.required.iter().any(|t| t.matches(&n.labels)));
            let Some(d) = n.labels.get(&s.key).filter(|_| eligible) else {
                continue;
            };
            let count: u64 = n
                .counts
                .iter()
                .filter(|(w, _)| s.counts.contains(w))
                .map(|(_, c)| u64::from(*c))
                .sum();
            match domains.iter_mut().find(|(x, _)| *x == d.as_str()) {
                Some(e) => e.1 += count,
                None => domains.push((d.as_str(), count)),
            }
        }
        let min = if domains.len() < s.min_domains as usize {
            0
        } else {
            domains.iter().map(|(_, c)| *c).min().unwrap_or(0)
        };
        let here = domains
            .iter()
            .find(|(x, _)| *x == domain.as_str())
            .map_or(0, |(_, c)| *c);
        here + u64::from(s.self_match) <= min + u64::from(s.max_skew)
    })
}

/// Pods of `workloads` on the nodes whose `key` label is `domain`.
fn in_domain(nodes: &[Node], key: &str, domain: &str, workloads: &[usize]) -> bool {
    nodes.iter().any(|n| {
        n.labels.get(key).is_some_and(|d| d == domain)
            && n.counts
                .iter()
                .any(|(w, c)| *c > 0 && workloads.contains(w))
    })
}

/// Whether node `i` passes the pod's required pod affinity and non-hostname anti-affinity
/// ([`Affinity`]).
pub(super) fn affinity_ok(nodes: &[Node], i: usize, pod: &PodToPlace) -> bool {
    let a = pod.affinity;
    let labels = &nodes[i].labels;
    let apart = a.apart.iter().all(|(key, workloads)| {
        labels
            .get(key)
            .is_none_or(|d| !in_domain(nodes, key, d, workloads))
    });
    if !apart {
        return false;
    }
    if a.together.is_empty() {
        return true;
    }
    let mut all_there = true;
    for key in &a.together {
        let Some(d) = labels.get(key) else {
            return false;
        };
        all_there &= in_domain(nodes, key, d, &a.with);
    }
    all_there
        || (a.self_affine
            && !nodes
                .iter()
                .any(|n| n.counts.iter().any(|(w, c)| *c > 0 && a.with.contains(w))))
}

/// [`fits`], [`spread_ok`] and [`affinity_ok`]: whether node `i` takes the pod.
pub(super) fn fits_among(nodes: &[Node], i: usize, pod: &PodToPlace) -> bool {
    fits(&nodes[i], pod)
        && (pod.spread.is_empty() || spread_ok(nodes, i, pod))
        && (pod.affinity.is_empty() || affinity_ok(nodes, i, pod))
}

/// What a pod's topology spread or pod (anti-)affinity lacks on node `i`, if that is what
/// refuses it.
pub(super) fn spread_shortfall(nodes: &[Node], i: usize, pod: &PodToPlace) -> Option<String> {
    if !pod.affinity.is_empty() && !affinity_ok(nodes, i, pod) {
        return Some(
            "a node whose topology domain has the pods its required pod affinity asks for and none its anti-affinity keeps away"
                .to_owned(),
        );
    }
    (!pod.spread.is_empty() && !spread_ok(nodes, i, pod)).then(|| {
        let keys: Vec<String> = pod
            .spread
            .iter()
            .map(|s| format!("maxSkew {} over {}", s.max_skew, s.key))
            .collect();
        format!(
            "a node its topology spread allows ({}, whenUnsatisfiable DoNotSchedule)",
            keys.join(", ")
        )
    })
}

/// Whether a node carries every label of `selector`: the labels [`Platform::nodes`] gives a
/// node (architecture, os, hostname, pool) are the only ones it has.
pub(super) fn node_has_labels(
    node: &Node,
    selector: &std::collections::BTreeMap<String, String>,
) -> bool {
    selector
        .iter()
        .all(|(k, v)| node.labels.get(k).is_some_and(|l| l == v))
}

/// Whether the scheduler's node filters beyond room let a pod with `c` onto `node`:
/// nodeSelector, required node affinity (any term), taints with effect NoSchedule or
/// NoExecute tolerated (pkg/scheduler/framework/plugins/nodeaffinity, tainttoleration).
pub(super) fn admits(node: &Node, c: Option<&Constraints>) -> bool {
    let c = c.unwrap_or(&NOWHERE_SPECIAL);
    matches_affinity(node, Some(c))
        && (c.tolerate_all
            || node
                .taints
                .iter()
                .all(|t| !t.filters() || t.tolerated_by(&c.tolerations)))
}

/// Whether the node matches the pod's node selector and required node affinity (taints
/// aside: `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`).
pub(super) fn matches_affinity(node: &Node, c: Option<&Constraints>) -> bool {
    let c = c.unwrap_or(&NOWHERE_SPECIAL);
    node_has_labels(node, &c.selector)
        && (c.required.is_empty() || c.required.iter().any(|t| t.matches(&node.labels)))
}

/// The constraints of a pod that names none and tolerates nothing.
static NOWHERE_SPECIAL: Constraints = Constraints {
    selector: std::collections::BTreeMap::new(),
    required: Vec::new(),
    tolerations: Vec::new(),
    tolerate_all: false,
};

/// The platform's nodes with the per-node pods placed on every node they can land on — the
/// per-node add-ons, then each DaemonSet's pods (`count` of its per-node counts: one, or two
/// while a surging rollout runs), as the DaemonSet controller binds each pod to its node —,
/// the pods that did not fit, and how many per-node pods there were.
pub(super) fn with_per_node_pods(
    platform: &Platform,
    labels: &[String],
    demands: &[WorkloadDemand],
    count: &dyn Fn(usize, &ReplicaCounts) -> u32,
) -> (Vec<Node>, Vec<Unplaced>, u32) {
    let (mut nodes, mut unplaced, mut total_pods) = with_per_node_addons(platform, labels);
    for (i, w) in demands.iter().enumerate().filter(|(_, w)| w.per_node) {
        let per_node = if count(i, &w.counts) > w.counts.steady {
            2
        } else {
            1
        };
        for node in nodes.iter_mut().filter(|n| admits(n, Some(&w.constraints))) {
            for _ in 0..per_node {
                let pod = PodToPlace {
                    owner: &w.object,
                    replica: None,
                    workload: Some(i),
                    one_per_node: false,
                    arch: None,
                    req: w.pod_requests,
                    constraints: Some(&w.constraints),
                    exclusions: &w.exclusions,
                    spread: &[],
                    counted: false,
                    affinity: &NO_AFFINITY,
                };
                total_pods += 1;
                if fits(node, &pod) {
                    place_on(node, &pod);
                } else {
                    unplaced.push(Unplaced {
                        requests: pod.req,
                        lacking: shortfall(node, &pod),
                        pod: format!("{}@{}", w.object, node.name),
                        best_node: node.name.clone(),
                    });
                }
            }
        }
    }
    (nodes, unplaced, total_pods)
}

/// The platform's nodes with the per-node add-ons placed on every node, the add-on pods that
/// did not fit, and how many add-on pods there were.
fn with_per_node_addons(platform: &Platform, labels: &[String]) -> (Vec<Node>, Vec<Unplaced>, u32) {
    let mut nodes = nodes_of(platform);
    let mut unplaced = Vec::new();
    let mut total_pods = 0u32;
    for (addon, label) in platform.addons().iter().zip(labels) {
        if !addon.is_per_node() {
            continue;
        }
        for node in nodes.iter_mut().filter(|n| addon.runs_on_pool(&n.pool)) {
            let pod = PodToPlace {
                owner: label,
                replica: None,
                workload: None,
                one_per_node: false,
                arch: None,
                req: Demand::new(addon.cpu(), addon.memory()),
                constraints: Some(&ANYWHERE),
                exclusions: &NO_EXCLUSIONS,
                spread: &[],
                counted: false,
                affinity: &NO_AFFINITY,
            };
            total_pods += 1;
            if fits(node, &pod) {
                place_on(node, &pod);
            } else {
                unplaced.push(Unplaced {
                    requests: pod.req,
                    lacking: shortfall(node, &pod),
                    pod: pod.label(),
                    best_node: node.name.clone(),
                });
            }
        }
    }
    (nodes, unplaced, total_pods)
}

/// Places the pods of one scenario (`count` replicas of each workload, and the add-ons) by
/// first-fit-decreasing by dominant share of the largest node, ties broken by label; when
/// that leaves pods out, [`search::search`] looks for a placement of every pod. `pods` is
/// refilled; `addon_labels` are the add-ons' labels (`addon/coredns`), in order.
pub(super) fn place<'a>(
    scenario: &str,
    platform: &Platform,
    demands: &'a [WorkloadDemand],
    addon_labels: &'a [String],
    pods: &mut Vec<PodToPlace<'a>>,
    count: &dyn Fn(usize, &ReplicaCounts) -> u32,
) -> Placement {
    let (mut nodes, mut unplaced, mut total_pods) =
        with_per_node_pods(platform, addon_labels, demands, count);
    pods.clear();
    pods.extend(
        platform
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
                exclusions: &NO_EXCLUSIONS,
                spread: &[],
                counted: false,
                affinity: &NO_AFFINITY,
            }),
    );
    for (i, w) in demands.iter().enumerate().filter(|(_, w)| !w.per_node) {
        for r in 0..count(i, &w.counts) {
            pods.push(PodToPlace {
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
    let max_cpu = u128::from(
        nodes
            .iter()
            .map(|n| n.alloc.cpu.as_millis())
            .max()
            .unwrap_or(1)
            .max(1),
    );
    let max_mem = u128::from(
        nodes
            .iter()
            .map(|n| n.alloc.memory.as_bytes())
            .max()
            .unwrap_or(1)
            .max(1),
    );
    let key = |p: &PodToPlace| {
        let c = u128::from(p.req.cpu.as_millis()) * max_mem;
        let m = u128::from(p.req.memory.as_bytes()) * max_cpu;
        c.max(m)
    };
    // Stable: pods arrive in runs already in order, which it merges with fewer comparisons.
    pods.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.label_cmp(b)));
    // With pods of several priorities, the scheduler's queue takes the higher first
    // (PrioritySort) and a higher pod preempts lower ones for room: the pods left out are
    // the lowest. Cluster add-ons run at system-cluster-critical.
    let priority = |p: &PodToPlace| {
        p.workload
            .map_or(i64::MAX, |w| i64::from(demands[w].priority.0))
    };
    let first = demands.first().map(|w| w.priority.0);
    if demands.iter().any(|w| Some(w.priority.0) != first) {
        pods.sort_by_key(|p| std::cmp::Reverse(priority(p)));
    }
    // Pods that need others beside them (required pod affinity) go after them: the scheduler
    // retries a pending pod when the cluster changes, so their order is not what decides.
    if pods.iter().any(|p| !p.affinity.together.is_empty()) {
        pods.sort_by_key(|p| !p.affinity.together.is_empty());
    }
    total_pods += u32::try_from(pods.len()).unwrap_or(u32::MAX);
    let addons_unplaced = unplaced.len();
    // Identical pods fit first at a node no earlier than the previous one did (free room only
    // shrinks), so each distinct pod shape resumes its scan where the last one stopped.
    let mut cursors: crate::util::fast_hash::FastMap<(Demand, Option<&str>, Option<usize>), usize> =
        crate::util::fast_hash::FastMap::default();
    for pod in pods.iter() {
        let shape = (
            pod.req,
            pod.arch,
            pod.one_per_node.then_some(pod.workload).flatten(),
        );
        // A topology spread can open a node again once others fill up: no cursor.
        let start = if pod.spread.is_empty() {
            cursors.get(&shape).copied().unwrap_or(0)
        } else {
            0
        };
        let found = (start..nodes.len()).find(|&i| fits_among(&nodes, i, pod));
        match found {
            Some(i) => {
                place_on(&mut nodes[i], pod);
                cursors.insert(shape, i);
            }
            None => {
                cursors.insert(shape, nodes.len());
                // The closest node: fewest missing resources, then most free cpu. Counted
                // without formatting; only the winner's shortfall is spelled out.
                let best = nodes.iter().min_by(|na, nb| {
                    lack_count(na, pod).cmp(&lack_count(nb, pod)).then_with(|| {
                        let free = |n: &Node| n.alloc.cpu.saturating_sub(n.used.cpu);
                        free(nb).cmp(&free(na))
                    })
                });
                let (lacking, best_node) = match best {
                    Some(n) => {
                        let mut lacking = shortfall(n, pod);
                        let i = nodes.iter().position(|m| std::ptr::eq(m, n)).unwrap_or(0);
                        lacking.extend(spread_shortfall(&nodes, i, pod));
                        (lacking, n.name.clone())
                    }
                    None => (
                        vec!["a node (the platform has none)".to_owned()],
                        String::new(),
                    ),
                };
                unplaced.push(Unplaced {
                    pod: pod.label(),
                    best_node,
                    lacking,
                    requests: pod.req,
                });
            }
        }
    }
    let mut undecided = false;
    if unplaced.len() > addons_unplaced {
        // First-fit left pods out; a placement may still exist.
        let (fresh, _, _) = with_per_node_pods(platform, addon_labels, demands, count);
        match search::search(&fresh, pods) {
            search::Outcome::Placed(assignment) => {
                nodes = fresh;
                for (pod, &i) in pods.iter().zip(&assignment) {
                    place_on(&mut nodes[i], pod);
                }
                unplaced.truncate(addons_unplaced);
            }
            search::Outcome::Undecided => undecided = true,
            search::Outcome::Impossible => {}
        }
    }
    Placement {
        scenario: scenario.to_owned(),
        pods: total_pods,
        nodes: nodes
            .into_iter()
            .map(|n| NodeUsage {
                node: n.name,
                pool: n.pool,
                allocatable: n.alloc,
                requested: n.used,
                pods: n.pods,
                max_pods: n.max_pods,
            })
            .collect(),
        unplaced,
        undecided,
    }
}

/// Unplaced pods grouped by owner (`deployment/api`), in first-seen order, with a count and
/// the first pod's shortfall.
pub(super) fn group_unplaced(unplaced: &[Unplaced]) -> Vec<(&str, usize, &Unplaced)> {
    let mut groups: Vec<(&str, usize, &Unplaced)> = Vec::new();
    for u in unplaced {
        let owner = u.pod.split(['#', '@']).next().unwrap_or(&u.pod);
        match groups.iter_mut().find(|(o, _, _)| *o == owner) {
            Some(g) => g.1 += 1,
            None => groups.push((owner, 1, u)),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::{Demand, PodToPlace};
    use proptest::prelude::*;

    fn pod(owner: &str, replica: Option<u32>) -> PodToPlace<'_> {
        PodToPlace {
            owner,
            replica,
            workload: None,
            one_per_node: false,
            arch: None,
            req: Demand::default(),
            constraints: None,
            exclusions: &crate::fit::demand::NO_EXCLUSIONS,
            spread: &[],
            counted: false,
            affinity: &crate::fit::demand::NO_AFFINITY,
        }
    }

    proptest! {
        #[test]
        fn pods_compare_as_their_labels(
            a in "[a#/0-9-]{0,6}", b in "[a#/0-9-]{0,6}",
            ra in prop::option::of(0u32..1200), rb in prop::option::of(0u32..1200),
        ) {
            for (x, y) in [(a.as_str(), b.as_str()), (a.as_str(), a.as_str())] {
                let (p, q) = (pod(x, ra), pod(y, rb));
                prop_assert_eq!(p.label_cmp(&q), p.label().cmp(&q.label()), "{} {}", p.label(), q.label());
            }
        }
    }
}
