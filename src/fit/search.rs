//! The exhaustive fallback of the placement: when first-fit-decreasing leaves pods out, a
//! bounded depth-first search looks for a placement of every pod.
//!
//! First-fit-decreasing is fast and usually finds a placement, but it is not monotone: bigger
//! nodes change the order it packs in (and which node a pod lands on) and can leave out a pod
//! that fitted on smaller ones. The search decides such cases exactly while it stays within
//! its budget, so more capacity never makes a small stack's verdict worse.
//!
//! It tries pods in first-fit-decreasing order and nodes in platform order, so its first
//! complete leaf is what first-fit would have chosen had it backtracked. States proven
//! hopeless are remembered by their multiset of nodes (two nodes of the same shape with the
//! same use are interchangeable), which collapses the permutations of identical pods over
//! identical nodes. Branches whose remaining pods need more cpu, memory or pod slots than the
//! nodes have free in total are cut at once.

use std::collections::HashSet;

use crate::fit::place::{Node, PodToPlace, count_on, fits_among};
use crate::units::demand::Demand;

/// Search steps (pods tried at a level) allowed, in node visits: a step costs about one
/// visit per node. Bounds both the time (milliseconds) and the memory of the hopeless-state
/// set (a few MiB).
const BUDGET: usize = 200_000;
/// Hopeless states remembered at most, whatever the node count.
const MAX_STEPS: usize = 50_000;
/// More pods than this are not searched (the search recurses once per pod).
const MAX_PODS: usize = 1_000;

/// One node's part of a search state: its shape (capacity, architecture, pod slots), what is
/// placed on it, and which one-per-node workloads it already runs.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct NodeKey {
    shape: usize,
    used: (u64, u64, u64),
    pods: u32,
    exclusive: Vec<usize>,
    held: Vec<u32>,
    banned: Vec<u32>,
    counts: Vec<(usize, u32)>,
}

/// The outcome of [`search`].
pub(super) enum Outcome {
    /// Node index for each pod, in the order the pods were given.
    Placed(Vec<usize>),
    /// Every placement was tried: none places every pod.
    Impossible,
    /// The budget ran out first.
    Undecided,
}

struct Search<'p, 'a> {
    pods: &'p [PodToPlace<'a>],
    nodes: Vec<Node>,
    shapes: Vec<usize>,
    /// What the pods from index `k` on need in total: cpu, memory, pods.
    rest: Vec<(u64, u64, u64)>,
    assignment: Vec<usize>,
    hopeless: HashSet<(usize, Vec<NodeKey>)>,
    steps: usize,
    max_steps: usize,
    exhausted: bool,
}

/// Looks for a placement of every pod of `pods` on `nodes` (as they are before any of these
/// pods is placed).
pub(super) fn search(nodes: &[Node], pods: &[PodToPlace<'_>]) -> Outcome {
    if pods.len() > MAX_PODS {
        return Outcome::Undecided;
    }
    // Nodes of one shape are interchangeable: same room, architecture, pod slots, and the
    // same labels and taints (one pool; one node when a pod names a hostname).
    let by_host = pods.iter().any(|p| {
        p.constraints.is_some_and(|c| {
            c.selector.contains_key("kubernetes.io/hostname") || !c.required.is_empty()
        })
    });
    let mut shape_of: Vec<(Demand, &str, u32, &str)> = Vec::new();
    let shapes = nodes
        .iter()
        .map(|n| {
            let group = if by_host {
                n.name.as_str()
            } else {
                n.pool.as_str()
            };
            let shape = (n.alloc, n.arch.as_str(), n.max_pods, group);
            shape_of
                .iter()
                .position(|s| *s == shape)
                .unwrap_or_else(|| {
                    shape_of.push(shape);
                    shape_of.len() - 1
                })
        })
        .collect();
    let mut rest = vec![(0u64, 0u64, 0u64); pods.len() + 1];
    for (k, pod) in pods.iter().enumerate().rev() {
        let (c, m, p) = rest[k + 1];
        rest[k] = (
            c.saturating_add(pod.req.cpu.as_millis()),
            m.saturating_add(pod.req.memory.as_bytes()),
            p + 1,
        );
    }
    let mut s = Search {
        pods,
        nodes: nodes
            .iter()
            .map(|n| Node {
                workloads: Default::default(),
                counts: Vec::new(),
                ..n.clone()
            })
            .collect(),
        shapes,
        rest,
        assignment: vec![0; pods.len()],
        hopeless: HashSet::new(),
        steps: 0,
        max_steps: (BUDGET / nodes.len().max(1)).min(MAX_STEPS),
        exhausted: false,
    };
    // The nodes start without workloads: per-node add-ons belong to none.
    if s.place_from(0) {
        Outcome::Placed(s.assignment)
    } else if s.exhausted {
        Outcome::Undecided
    } else {
        Outcome::Impossible
    }
}

impl Search<'_, '_> {
    fn place_from(&mut self, k: usize) -> bool {
        if k == self.pods.len() {
            return true;
        }
        if self.steps >= self.max_steps {
            self.exhausted = true;
            return false;
        }
        self.steps += 1;
        if !self.room_for_the_rest(k) {
            return false;
        }
        let key = (k, self.key());
        if self.hopeless.contains(&key) {
            return false;
        }
        let pod = &self.pods[k];
        let mut tried: Vec<NodeKey> = Vec::new();
        for i in 0..self.nodes.len() {
            if !fits_among(&self.nodes, i, pod) {
                continue;
            }
            let node_key = self.node_key(i);
            if tried.contains(&node_key) {
                continue; // an interchangeable node was tried at this level already
            }
            tried.push(node_key);
            self.put(i, k);
            if self.place_from(k + 1) {
                self.assignment[k] = i;
                return true;
            }
            self.take(i, k);
            if self.exhausted {
                return false;
            }
        }
        self.hopeless.insert(key);
        false
    }

    /// Whether the nodes have, in total, the free cpu, memory and pod slots the pods from
    /// `k` on need.
    fn room_for_the_rest(&self, k: usize) -> bool {
        let (mut cpu, mut mem, mut slots) = (0u64, 0u64, 0u64);
        for n in &self.nodes {
            cpu = cpu.saturating_add(n.alloc.cpu.saturating_sub(n.used.cpu).as_millis());
            mem = mem.saturating_add(n.alloc.memory.saturating_sub(n.used.memory).as_bytes());
            slots += u64::from(n.max_pods.saturating_sub(n.pods));
        }
        let (c, m, p) = self.rest[k];
        c <= cpu && m <= mem && p <= slots
    }

    fn node_key(&self, i: usize) -> NodeKey {
        let n = &self.nodes[i];
        NodeKey {
            shape: self.shapes[i],
            used: (
                n.used.cpu.as_millis(),
                n.used.memory.as_bytes(),
                n.used.ephemeral_storage.as_bytes(),
            ),
            pods: n.pods,
            exclusive: n.workloads.iter().copied().collect(),
            held: {
                let mut p = n.held.clone();
                p.sort_unstable();
                p
            },
            banned: {
                let mut p = n.banned.clone();
                p.sort_unstable();
                p
            },
            counts: {
                let mut c = n.counts.clone();
                c.sort_unstable();
                c
            },
        }
    }

    fn key(&self) -> Vec<NodeKey> {
        let mut key: Vec<NodeKey> = (0..self.nodes.len()).map(|i| self.node_key(i)).collect();
        key.sort_unstable();
        key
    }

    fn put(&mut self, i: usize, k: usize) {
        let pod = &self.pods[k];
        let node = &mut self.nodes[i];
        node.used = Demand {
            cpu: node.used.cpu + pod.req.cpu,
            memory: node.used.memory + pod.req.memory,
            ephemeral_storage: node.used.ephemeral_storage + pod.req.ephemeral_storage,
        };
        node.pods += 1;
        node.held.extend_from_slice(&pod.exclusions.held);
        node.banned.extend_from_slice(&pod.exclusions.banned);
        // Only one-per-node workloads are asked about, so only they are tracked: a node runs
        // at most one of their pods, and taking it back removes exactly that.
        if let (true, Some(w)) = (pod.one_per_node, pod.workload) {
            node.workloads.insert(w);
        }
        count_on(node, pod, 1);
    }

    fn take(&mut self, i: usize, k: usize) {
        let pod = &self.pods[k];
        let node = &mut self.nodes[i];
        // Exact: `put` added what fitted, so nothing saturated.
        node.used = Demand {
            cpu: node.used.cpu.saturating_sub(pod.req.cpu),
            memory: node.used.memory.saturating_sub(pod.req.memory),
            ephemeral_storage: node
                .used
                .ephemeral_storage
                .saturating_sub(pod.req.ephemeral_storage),
        };
        node.pods -= 1;
        // `put` appended them last, and puts and takes nest.
        let kept = node.held.len().saturating_sub(pod.exclusions.held.len());
        node.held.truncate(kept);
        let kept = node
            .banned
            .len()
            .saturating_sub(pod.exclusions.banned.len());
        node.banned.truncate(kept);
        if let (true, Some(w)) = (pod.one_per_node, pod.workload) {
            node.workloads.remove(&w);
        }
        count_on(node, pod, -1);
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcome, search};
    use crate::fit::place::{Node, PodToPlace, fits, place_on};
    use crate::units::cpu::Cpu;
    use crate::units::demand::Demand;
    use crate::units::memory::Memory;
    use proptest::prelude::*;

    type NodeSpec = (u64, u64, u32, bool);

    /// Host port 8080/TCP, held and banned.
    static PORT_8080: std::sync::LazyLock<crate::fit::demand::Exclusions> =
        std::sync::LazyLock::new(|| crate::fit::demand::Exclusions {
            held: vec![8080],
            banned: vec![8080],
        });
    type PodSpec = (u64, u64, bool, usize);

    fn nodes(specs: &[NodeSpec]) -> Vec<Node> {
        specs
            .iter()
            .enumerate()
            .map(|(i, &(cpu, mem, max_pods, arm))| Node {
                name: format!("n-{i}"),
                pool: "n".to_owned(),
                arch: if arm { "arm64" } else { "amd64" }.to_owned(),
                alloc: Demand::new(Cpu::millis(cpu), Memory::bytes(mem)),
                used: Demand::default(),
                pods: 0,
                max_pods,
                workloads: Default::default(),
                held: Vec::new(),
                banned: Vec::new(),
                counts: Vec::new(),
                labels: Default::default(),
                taints: Vec::new().into(),
            })
            .collect()
    }

    /// Workloads 0 and 1 are one-per-node; 2 is not, but its pods of an even cpu request
    /// take host port 8080 (two of them never share a node).
    fn pods(specs: &[PodSpec]) -> Vec<PodToPlace<'static>> {
        specs
            .iter()
            .map(|&(cpu, mem, arm_only, workload)| PodToPlace {
                owner: "deployment/w",
                replica: None,
                workload: Some(workload),
                one_per_node: workload < 2,
                arch: arm_only.then_some("arm64"),
                req: Demand::new(Cpu::millis(cpu), Memory::bytes(mem)),
                constraints: None,
                exclusions: if workload == 2 && cpu % 2 == 0 {
                    &PORT_8080
                } else {
                    &crate::fit::demand::NO_EXCLUSIONS
                },
                spread: &[],
                counted: false,
                affinity: &crate::fit::demand::NO_AFFINITY,
            })
            .collect()
    }

    /// Places `pods` as `assignment` says, or `None` when one does not fit where it is put.
    fn apply(nodes: &[Node], pods: &[PodToPlace], assignment: &[usize]) -> Option<Vec<Node>> {
        let mut nodes = nodes.to_vec();
        for (pod, &i) in pods.iter().zip(assignment) {
            if !fits(&nodes[i], pod) {
                return None;
            }
            place_on(&mut nodes[i], pod);
        }
        Some(nodes)
    }

    /// Every assignment of pods to nodes, one by one.
    fn some_placement_exists(nodes: &[Node], pods: &[PodToPlace]) -> bool {
        let total = nodes.len().pow(u32::try_from(pods.len()).unwrap());
        (0..total).any(|mut code| {
            let assignment: Vec<usize> = pods
                .iter()
                .map(|_| {
                    let i = code % nodes.len();
                    code /= nodes.len();
                    i
                })
                .collect();
            apply(nodes, pods, &assignment).is_some()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn the_search_finds_a_placement_exactly_when_one_exists(
            node_specs in prop::collection::vec((1u64..6, 1u64..6, 1u32..4, any::<bool>()), 1..4),
            pod_specs in prop::collection::vec((0u64..3, 0u64..3, any::<bool>(), 0usize..3), 0..7),
        ) {
            let (nodes, pods) = (nodes(&node_specs), pods(&pod_specs));
            let exists = some_placement_exists(&nodes, &pods);
            match search(&nodes, &pods) {
                Outcome::Placed(assignment) => {
                    prop_assert!(exists);
                    prop_assert!(apply(&nodes, &pods, &assignment).is_some(), "{assignment:?}");
                }
                Outcome::Impossible => prop_assert!(!exists),
                Outcome::Undecided => prop_assert!(false, "a tiny case ran out of budget"),
            }
        }
    }

    #[test]
    fn identical_pods_over_identical_nodes_are_searched_once_per_state() {
        // Four pods of 501m need four nodes of 1000m; the totals (2016m of 3000m, 16 of 30
        // slots) do not show it. The twelve 1m pods tried first spread over the three nodes in
        // 3^12 = 531,441 ways, far beyond the budget, but in only a few hundred states.
        let nodes = nodes(&[(1000, 1000, 10, false); 3]);
        let mut specs = vec![(1, 1, false, 2); 12];
        specs.extend([(501, 1, false, 3); 4]);
        assert!(matches!(search(&nodes, &pods(&specs)), Outcome::Impossible));
        specs.pop();
        assert!(matches!(search(&nodes, &pods(&specs)), Outcome::Placed(_)));
    }
}
