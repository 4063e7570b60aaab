//! "Will this stack run on my nodes?" — pods placed on nodes by their requests,
//! first-fit-decreasing with an exhaustive fallback, in steady state, during a rollout and at
//! the worst case.

pub(crate) mod admission;
mod architecture;
pub(crate) mod control_plane;
pub(crate) mod demand;
mod from_nodes;
mod guard_rails;
pub(crate) mod injector;
pub(crate) mod nodes;
mod place;
pub(crate) mod platform;

use std::fmt;

use serde::Serialize;

use crate::diagnostic::rules::RuleId;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fit::demand::{Demand, ReplicaCounts, total, total_limits};
use crate::fit::platform::Platform;
use crate::model::stack::Stack;
use crate::units::cpu::Cpu;
use crate::units::memory::{Memory, Storage};

use place::{MAX_NODES, MAX_PODS, group_unplaced, place};
use rollout::{Cause, Outcome, rollout_of};
mod rollout;

/// Above this share of a node's allocatable cpu or memory in steady state, `node-nearly-full`
/// warns.
const NEARLY_FULL_PERCENT: u64 = 90;
mod scheduler;
mod search;

/// The answers to "does it fit?".
///
/// ```
/// use kubefit::Verdict;
/// assert_eq!(Verdict::Fits.to_string(), "fits");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Verdict {
    /// Every pod fits, even at the worst case (HPA max plus rollout surge).
    Fits,
    /// Steady state fits, but a rollout or the HPA maximum does not.
    FitsSteadyStateOnly,
    /// Even steady state does not fit (or a platform cap is exceeded).
    DoesNotFit,
    /// Steady state could not be decided: first-fit-decreasing leaves pods out and the exact
    /// search ran out of its budget before finding a placement or proving there is none. A
    /// placement may exist; [`FitReport::placements`] shows the best one found.
    Undecided,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Fits => "fits",
            Verdict::FitsSteadyStateOnly => {
                "fits in steady state, not during a rollout or at hpa max"
            }
            Verdict::DoesNotFit => "does not fit",
            Verdict::Undecided => "could not decide; a placement may exist",
        })
    }
}

/// A pod that could not be placed, and what it lacks on the node that came closest.
///
/// ```
/// use kubefit::{Container, Cpu, Deployment, Memory, Platform, Resources, Stack};
/// let big = Deployment::new("big", Container::new("big", "nginx:1.27")
///     .resources(Resources::new().requests(Cpu::cores(8), Memory::mebibytes(64))));
/// let fit = Stack::new("shop").with(big).fit(&Platform::oci_always_free());
/// let u = &fit.placements()[0].unplaced[0];
/// assert_eq!(u.pod, "deployment/big#0");
/// assert!(u.lacking[0].starts_with("cpu short by"), "{:?}", u.lacking);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Unplaced {
    /// `deployment/api#3` (workload and replica index) or `addon/coredns`.
    pub pod: String,
    /// The node that came closest.
    pub best_node: String,
    /// What it lacks there, e.g. `cpu short by 150m`.
    pub lacking: Vec<String>,
    /// What the pod requests.
    pub requests: Demand,
}

/// One node after placement.
///
/// ```
/// use kubefit::{Cpu, Memory, NodePool, Platform, Stack};
/// let p = Platform::new("lab", "inventory", "2026-11")
///     .pool(NodePool::new("a", 1, Cpu::cores(4), Memory::gibibytes(8)));
/// let fit = Stack::new("shop").fit(&p);
/// let n = &fit.placements()[0].nodes[0];
/// assert_eq!((n.node.as_str(), n.pool.as_str(), n.pods, n.max_pods), ("a-0", "a", 0, 110));
/// assert!(n.requested.cpu <= n.allocatable.cpu);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NodeUsage {
    /// Node name (`pool-index`).
    pub node: String,
    /// Its pool.
    pub pool: String,
    /// What pods may use.
    pub allocatable: Demand,
    /// What the placed pods request.
    pub requested: Demand,
    /// Pods placed.
    pub pods: u32,
    /// The node's `maxPods`.
    pub max_pods: u32,
}

/// The outcome of placing one scenario's pods.
///
/// ```
/// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
/// let scenarios: Vec<&str> = fit.placements().iter().map(|p| p.scenario.as_str()).collect();
/// assert_eq!(scenarios, ["steady", "rollout", "peak"]);
/// assert!(fit.placements().iter().all(|p| p.unplaced.is_empty()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Placement {
    /// `steady`, `rollout` or `peak`.
    pub scenario: String,
    /// Pods to place (add-ons included).
    pub pods: u32,
    /// Every node after placement.
    pub nodes: Vec<NodeUsage>,
    /// Pods that did not fit.
    pub unplaced: Vec<Unplaced>,
    /// Whether the exact search ran out of its budget: `unplaced` is what the best placement
    /// found leaves out, and a placement of every pod may still exist.
    pub undecided: bool,
}

/// Per-workload figures for the report.
///
/// ```
/// use kubefit::{Container, Cpu, Deployment, Memory, Platform, Resources, Stack};
/// let api = Deployment::new("api", Container::new("api", "nginx:1.27")
///     .resources(Resources::new().requests(Cpu::millis(500), Memory::mebibytes(256)))).replicas(2);
/// let fit = Stack::new("shop").with(api).fit(&Platform::oci_always_free());
/// let w = &fit.workloads()[0];
/// assert_eq!(w.object, "deployment/api");
/// assert_eq!(w.pod_requests.cpu, Cpu::millis(500));
/// // Peak: 2 replicas + 1 surge pod.
/// assert_eq!(w.peak_requests.cpu, Cpu::millis(1500));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WorkloadUsage {
    /// `deployment/api`.
    pub object: String,
    /// Pod counts.
    pub counts: ReplicaCounts,
    /// One pod's effective requests.
    pub pod_requests: Demand,
    /// One pod's limits.
    pub pod_limits: Demand,
    /// Requests at the worst case.
    pub peak_requests: Demand,
    /// Per-mille of the cluster's allocatable CPU the worst case requests.
    pub cpu_permille: u64,
    /// Per-mille of the cluster's allocatable memory the worst case requests.
    pub memory_permille: u64,
}

/// Storage and load balancers against the platform's caps.
///
/// ```
/// use kubefit::{PersistentVolumeClaim, Platform, Stack, Storage};
/// let stack = Stack::new("shop").with(PersistentVolumeClaim::new("data", Storage::gibibytes(20)));
/// let a = stack.fit(&Platform::oci_always_free()).allowances().clone();
/// assert_eq!(a.claimed_storage, Storage::gibibytes(20));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Allowances {
    /// Persistent volume claims (claim templates × peak replicas included).
    pub claimed_storage: Storage,
    /// Boot volumes of every node.
    pub boot_volumes: Storage,
    /// The block-storage cap, if any.
    pub block_storage_budget: Option<Storage>,
    /// LoadBalancer Services.
    pub load_balancers: u32,
    /// The load-balancer cap, if any.
    pub load_balancer_allowance: Option<u32>,
}

/// The answer to "will this stack fit and schedule on this platform?".
///
/// `Display` renders a terminal report (per node and per workload: requests, limits,
/// percentage of allocatable, a bar); `Serialize` gives the same numbers as JSON.
///
/// ```
/// use kubefit::{Container, Cpu, Deployment, Memory, Platform, Resources, Stack, Verdict};
///
/// let api = Deployment::new("api", Container::new("api", "nginx:1.27")
///     .resources(Resources::new().requests(Cpu::millis(300), Memory::mebibytes(256))))
///     .replicas(2);
/// let fit = Stack::new("shop").with(api).fit(&Platform::oci_always_free());
/// assert_eq!(fit.verdict(), Verdict::Fits);
/// println!("{fit}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FitReport {
    platform: String,
    source: String,
    checked: String,
    note: Option<String>,
    verdict: Verdict,
    capacity: Demand,
    allocatable: Demand,
    steady_requests: Demand,
    peak_requests: Demand,
    peak_limits: Demand,
    headroom: Demand,
    cpu_limit_overcommit_percent: u64,
    memory_limit_overcommit_percent: u64,
    workloads: Vec<WorkloadUsage>,
    placements: Vec<Placement>,
    allowances: Allowances,
    diagnostics: Vec<Diagnostic>,
    #[serde(skip)]
    missing_at_peak: [u64; 4],
    #[serde(skip)]
    largest_node: (Cpu, Memory),
    /// The largest request of a container without a limit (cpu, memory).
    #[serde(skip)]
    unlimited_request: Demand,
    /// Whether some injected sidecar has no (cpu request, memory request, cpu limit, memory
    /// limit): the guard rails then leave out what would refuse its pods.
    #[serde(skip)]
    injected_gaps: [bool; 4],
    /// What the verdict assumes, each said once: the worst-case rule, what each pool
    /// reserves and why, the add-ons and injected sidecars counted.
    assumptions: Vec<String>,
}

/// Bytes for people: `6.4Gi`, `512Mi` (floor to one decimal; JSON keeps the exact value).
fn human(m: Memory) -> String {
    let b = m.as_bytes();
    for (unit, size) in [
        ("Ti", 1u64 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if b >= size {
            let tenths = u128::from(b) * 10 / u128::from(size);
            return if tenths % 10 == 0 {
                format!("{}{unit}", tenths / 10)
            } else {
                format!("{}.{}{unit}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{b}")
}

/// Where a workload's pod requests are.
fn requests_path(owner: &str) -> &'static str {
    if owner.starts_with("cronjob/") {
        "spec.jobTemplate.spec.template.spec.containers[*].resources.requests"
    } else if owner.starts_with("pod/") {
        "spec.containers[*].resources.requests"
    } else {
        "spec.template.spec.containers[*].resources.requests"
    }
}

/// What a fit on `platform` assumes, one line each.
fn assumptions(platform: &Platform) -> Vec<String> {
    let mut out = vec![
        "pods are placed by their requests as admission leaves them (the stack's LimitRanges applied); the worst case is every autoscaler at maxReplicas with each rollout's surge".to_owned(),
    ];
    for pool in platform.pools() {
        let r = pool.reservations();
        let (distro_cpu, distro_memory) = r.distro_part();
        let mut parts = Vec::new();
        let kubelet_cpu = r.cpu().saturating_sub(distro_cpu);
        let kubelet_memory = r.memory().saturating_sub(distro_memory);
        if kubelet_cpu > Cpu::ZERO || kubelet_memory > Memory::ZERO {
            parts.push(format!(
                "{kubelet_cpu} cpu / {} memory by the kubelet (kube-reserved, system-reserved, memory eviction threshold)",
                human(kubelet_memory)
            ));
        }
        if distro_cpu > Cpu::ZERO || distro_memory > Memory::ZERO {
            parts.push(format!(
                "{distro_cpu} cpu / {} memory for the distribution's own processes (counted as taken; the kubelet subtracts them only with {})",
                human(distro_memory),
                r.kubelet_args().join(" ")
            ));
        }
        if r.nodefs_percent() > 0 && pool.ephemeral_storage_capacity().is_some() {
            parts.push(format!(
                "{}% of ephemeral storage (nodefs eviction threshold)",
                r.nodefs_percent()
            ));
        }
        if !parts.is_empty() {
            out.push(format!(
                "each {} node keeps {}",
                Clean(pool.name()),
                parts.join("; ")
            ));
        }
    }
    if !platform.addons().is_empty() {
        let addons: Vec<String> = platform
            .addons()
            .iter()
            .map(|a| {
                format!(
                    "{} {} / {}{}",
                    Clean(a.name()),
                    a.cpu(),
                    human(a.memory()),
                    if a.is_per_node() { " per node" } else { "" }
                )
            })
            .collect();
        out.push(format!("add-ons counted: {}", addons.join(", ")));
    }
    if !platform.injectors().is_empty() {
        let names: Vec<String> = platform
            .injectors()
            .iter()
            .map(|i| Clean(i.name()).to_string())
            .collect();
        out.push(format!(
            "injected sidecars counted in each pod they select: {}",
            names.join(", ")
        ));
    }
    out
}

/// What a placement's nodes lack in total for every pod, placed and not: (cpu, memory).
fn shortfall_of(p: &Placement) -> (Cpu, Memory) {
    let wanted = p.unplaced.iter().fold(
        p.nodes
            .iter()
            .fold(Demand::default(), |a, n| a.add(n.requested)),
        |a, u| a.add(u.requests),
    );
    let have = p
        .nodes
        .iter()
        .fold(Demand::default(), |a, n| a.add(n.allocatable));
    (
        wanted.cpu.saturating_sub(have.cpu),
        wanted.memory.saturating_sub(have.memory),
    )
}

fn permille(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return if part == 0 { 0 } else { u64::MAX };
    }
    u64::try_from(u128::from(part) * 1000 / u128::from(whole)).unwrap_or(u64::MAX)
}

impl Stack {
    /// Places every pod of the stack on `platform`'s nodes by their requests and answers
    /// whether it fits: in steady state, during a rollout, and at the worst case
    /// (max(replicas, HPA max) + maxSurge). Platform caps (tenancy pools, block storage,
    /// load balancers) and risks (memory limits above a node, limit overcommit, idle
    /// reclamation) are reported as diagnostics.
    ///
    /// Pods are placed first-fit-decreasing (largest share of a node first, onto the first
    /// node with room for its requests, pod slot, architecture and one-replica-per-node rule).
    /// When that leaves pods out, a bounded exhaustive search looks for a placement of every
    /// pod, so a stack is reported as not fitting only when no placement exists, or (for more
    /// than 1,000 pods in a scenario, or a search beyond its budget of 50,000 steps, fewer on
    /// more than four nodes) when neither finds one. For stacks the search decides, more or
    /// larger nodes never make the verdict worse. The verdict says that a placement exists;
    /// the kube-scheduler places pods one at a time and may not find a very tight one.
    ///
    /// More than 5,000 nodes or 150,000 pods in a scenario (what one Kubernetes cluster
    /// supports) is an error, `beyond-cluster-limits`, answered from the counts alone: time and
    /// memory follow the size of the stack, never the numbers in it.
    ///
    /// The idle-reclamation heuristic: Oracle reclaims an Always Free instance whose CPU p95
    /// stays under 20% for 7 days; requests are the best pre-deploy proxy for use, so a node
    /// whose steady-state CPU requests are under 20% of its capacity is flagged.
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Deployment, Memory, Platform, Resources, Stack, Verdict};
    ///
    /// let big = Deployment::new("big", Container::new("big", "nginx:1.27")
    ///     .resources(Resources::new().requests(Cpu::cores(3), Memory::gibibytes(1))));
    /// let fit = Stack::new("shop").with(big).fit(&Platform::oci_always_free());
    /// assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    /// assert!(fit.diagnostics()[0].message.contains("cpu short by"));
    /// ```
    #[must_use]
    pub fn fit(&self, platform: &Platform) -> FitReport {
        // Objects read back into the model (with_k8s, patched builders) are fitted as read.
        if let std::borrow::Cow::Owned(s) = self.resolved().stack {
            return s.fit(platform);
        }
        let mut demands = self.workload_demands_with(platform.injectors());
        if let Some((cpu, memory)) = platform.pod_overhead_of() {
            for w in &mut demands {
                w.pod_requests.cpu = w.pod_requests.cpu + cpu;
                w.pod_requests.memory = w.pod_requests.memory + memory;
            }
        }
        // A DaemonSet's counts are per node: times the nodes its pods can land on.
        if demands.iter().any(|w| w.per_node) {
            let all: u64 = platform.pools().iter().map(|p| u64::from(p.count())).sum();
            // Beyond what one cluster supports nothing is simulated (below): count every node.
            let nodes = if all <= MAX_NODES {
                place::nodes_of(platform)
            } else {
                Vec::new()
            };
            for w in demands.iter_mut().filter(|w| w.per_node) {
                let n = if all <= MAX_NODES {
                    nodes
                        .iter()
                        .filter(|node| place::admits(node, Some(&w.constraints)))
                        .count() as u64
                } else {
                    all
                };
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                w.counts = w.counts.times(n);
            }
        }
        let addon_labels: Vec<String> = platform
            .addons()
            .iter()
            .map(|a| format!("addon/{}", a.name()))
            .collect();
        // One list of pods, refilled for each placement.
        let mut pods = Vec::new();
        let mut place = |scenario: &str, count: &dyn Fn(usize, &ReplicaCounts) -> u32| {
            place(
                scenario,
                platform,
                &demands,
                &addon_labels,
                &mut pods,
                count,
            )
        };
        // Simulating pod by pod costs memory and time in proportion to the numbers in the
        // input (`replicas: 2147483647` is 20 bytes), so counts beyond what Kubernetes supports
        // in one cluster are answered arithmetically instead.
        let node_count: u64 = platform.pools().iter().map(|p| u64::from(p.count())).sum();
        // Each add-on's pods: one, or one on every node of the pools it runs on.
        let addon_pods: u64 = platform
            .addons()
            .iter()
            .map(|a| {
                if a.is_per_node() {
                    platform
                        .pools()
                        .iter()
                        .filter(|p| a.runs_on_pool(p.name()))
                        .map(|p| u64::from(p.count()))
                        .sum()
                } else {
                    1
                }
            })
            .sum();
        let pods_in = |count: fn(&ReplicaCounts) -> u32| {
            demands
                .iter()
                .map(|w| u64::from(count(&w.counts)))
                .sum::<u64>()
                + addon_pods
        };
        let peak_pods = pods_in(|c| c.peak).max(pods_in(|c| c.rollout));
        let mut diags = Vec::new();
        let platform_object = format!("platform/{}", platform.name());
        let beyond = node_count > MAX_NODES || peak_pods > MAX_PODS;
        let mut transient: Vec<(String, usize)> = Vec::new();
        let (steady, rollout, peak) = if beyond {
            // Blame the platform for its nodes, or the workload with the most pods.
            let largest = demands.iter().max_by_key(|w| w.counts.peak);
            let (what, object, path, n, max) = match largest {
                Some(w) if node_count <= MAX_NODES => (
                    "pods at peak",
                    w.object.as_str(),
                    "spec.replicas",
                    peak_pods,
                    MAX_PODS,
                ),
                _ if node_count <= MAX_NODES => (
                    "pods at peak",
                    platform_object.as_str(),
                    "addons",
                    peak_pods,
                    MAX_PODS,
                ),
                _ => (
                    "nodes",
                    platform_object.as_str(),
                    "pools[*].count",
                    node_count,
                    MAX_NODES,
                ),
            };
            diags.push(Diagnostic::of(RuleId::BeyondClusterLimits, object, path, format!(
                    "{n} {what} is more than one kubernetes cluster supports ({max}: kubernetes.io/docs/setup/best-practices/cluster-large); kubefit does not simulate placement beyond it"
                )));
            let empty = |scenario: &str, count: fn(&ReplicaCounts) -> u32| Placement {
                scenario: scenario.to_owned(),
                pods: u32::try_from(pods_in(count)).unwrap_or(u32::MAX),
                nodes: Vec::new(),
                unplaced: Vec::new(),
                undecided: false,
            };
            (
                empty("steady", |c| c.steady),
                Outcome::placed(empty("rollout", |c| c.rollout)),
                Outcome::placed(empty("peak", |c| c.peak)),
            )
        } else {
            let steady = place("steady", &|_, c| c.steady);
            let (rollout, peak) = if steady.unplaced.is_empty() {
                let rollout = rollout_of(
                    &mut place,
                    &demands,
                    "rollout",
                    |c| c.steady,
                    |c| c.rollout_needs,
                    Some(&steady),
                );
                // Without an autoscaler that raises a count, the peak is the rollout.
                let peak = if demands.iter().all(|w| {
                    w.counts.scaled == w.counts.steady
                        && w.counts.peak_needs == w.counts.rollout_needs
                }) {
                    Outcome {
                        placement: Placement {
                            scenario: "peak".to_owned(),
                            ..rollout.placement.clone()
                        },
                        // Reported once, for the rollout.
                        stalled: Vec::new(),
                    }
                } else {
                    rollout_of(
                        &mut place,
                        &demands,
                        "peak",
                        |c| c.scaled,
                        |c| c.peak_needs,
                        None,
                    )
                };
                (rollout, peak)
            } else {
                // Nothing more is placed when steady state already does not fit.
                let not_placed = |scenario: &str| {
                    Outcome::placed(Placement {
                        scenario: scenario.to_owned(),
                        ..steady.clone()
                    })
                };
                (not_placed("rollout"), not_placed("peak"))
            };
            // Pods that exist at once while every template changes but need not all be
            // placed: Pending for a while, then placed as old pods go.
            if rollout.stalled.is_empty()
                && demands
                    .iter()
                    .any(|w| w.counts.rollout > w.counts.steady + w.counts.rollout_needs)
            {
                let surge = place("surge", &|_, c| c.rollout);
                for (owner, count, _) in group_unplaced(&surge.unplaced) {
                    if let Some(w) = demands.iter().find(|w| w.object == owner) {
                        transient.push((w.object.clone(), count));
                    }
                }
            }
            (steady, rollout, peak)
        };
        // Priority and preemption: where pods are left out and pods of a higher priority that
        // may preempt run, the scheduler gave them the room (evicting lower pods to place
        // them: pkg/scheduler/framework/plugins/defaultpreemption), and the pods left out are
        // the lowest.
        let mut preempted: Vec<(String, String, String)> = Vec::new();
        for p in [&steady, &rollout.placement, &peak.placement] {
            let pending = group_unplaced(&p.unplaced);
            let low: Vec<(&demand::WorkloadDemand, usize)> = pending
                .iter()
                .filter_map(|(owner, n, _)| {
                    demands.iter().find(|w| w.object == *owner).map(|w| (w, *n))
                })
                .collect();
            let Some(lowest) = low.iter().map(|(w, _)| w.priority.0).min() else {
                continue;
            };
            // Workloads above the lowest pending pods that may preempt (their pods run, some
            // of them perhaps pending too).
            let higher: Vec<&demand::WorkloadDemand> = demands
                .iter()
                .filter(|w| w.priority.0 > lowest && w.priority.1 && !w.per_node)
                .collect();
            let Some(top) = higher.iter().map(|w| w.priority.0).max() else {
                continue;
            };
            let low: Vec<(&demand::WorkloadDemand, usize)> = low
                .into_iter()
                .filter(|(w, _)| w.priority.0 < top)
                .collect();
            let high = higher
                .iter()
                .map(|w| format!("{} at {}", w.object, w.priority.0))
                .collect::<Vec<_>>()
                .join(", ");
            let pending = low
                .iter()
                .map(|(w, n)| format!("{n} pod(s) of {} at {}", w.object, w.priority.0))
                .collect::<Vec<_>>()
                .join(", ");
            // Said once for the same pods, in the first scenario they are left out in.
            let key = format!("{high} / {pending}");
            if preempted.iter().any(|(_, k, _)| *k == key) {
                continue;
            }
            preempted.push((
                low[0].0.object.clone(),
                key,
                format!(
                    "in the {} scenario the scheduler gives the room to pods of higher priority ({high}), preempting lower ones: {pending} stay pending",
                    p.scenario
                ),
            ));
        }
        for (object, _, message) in preempted {
            diags.push(Diagnostic::of(
                RuleId::PriorityPreemption,
                &object,
                "spec.template.spec.priorityClassName",
                message,
            ));
        }
        let mut capacity = Demand::default();
        let mut allocatable = Demand::default();
        let mut boot = Storage::ZERO;
        for pool in platform.pools() {
            let n = u64::from(pool.count());
            capacity.cpu = capacity.cpu + pool.cpu_capacity().times(n);
            capacity.memory = capacity.memory + pool.memory_capacity().times(n);
            allocatable.cpu = allocatable.cpu + pool.allocatable_cpu().times(n);
            allocatable.memory = allocatable.memory + pool.allocatable_memory().times(n);
            boot = boot + pool.boot_volume_size().unwrap_or_default().times(n);
        }
        for limit in platform.tenancy_limits() {
            let (mut cpu, mut mem) = (Cpu::ZERO, Memory::ZERO);
            for pool in platform
                .pools()
                .iter()
                .filter(|p| p.tenancy() == Some(limit.name()))
            {
                cpu = cpu + pool.cpu_capacity().times(u64::from(pool.count()));
                mem = mem + pool.memory_capacity().times(u64::from(pool.count()));
            }
            if cpu > limit.cpu() || mem > limit.memory() {
                diags.push(Diagnostic::of(RuleId::TenancyLimitExceeded, &platform_object, format!("tenancy.{}", limit.name()), format!(
                        "the {} nodes add up to {cpu} cpu and {mem} memory; the provider allows {} and {} in total",
                        limit.name(),
                        limit.cpu(),
                        limit.memory()
                    )));
            }
        }
        // Injected sidecars the stack's LimitRanges or ResourceQuotas refuse.
        for w in &demands {
            let prefix = if w.object.starts_with("cronjob/") {
                "spec.jobTemplate.spec.template.spec."
            } else if w.object.starts_with("pod/") {
                "spec."
            } else {
                "spec.template.spec."
            };
            for r in &w.refused {
                diags.push(Diagnostic::of(
                    RuleId::RefusedByAdmission,
                    &w.object,
                    format!("{prefix}{}", r.path),
                    format!(
                        "{} (a sidecar the platform's injector adds); its controller creates no pod",
                        r.message
                    ),
                ));
            }
        }
        // The stack's ResourceQuotas refuse pods past their totals before any node is asked
        // (plugin/pkg/admission/resourcequota, `checkQuotas`): steady state past one leaves
        // pods uncreated; a rollout or the autoscalers' maximum past one stalls or stops short.
        let mut quota_limits = false;
        for q in crate::fit::admission::Admission::of(self).quotas() {
            let pods = |count: fn(&ReplicaCounts) -> u32| {
                demands
                    .iter()
                    .map(|w| u64::from(count(&w.counts)))
                    .sum::<u64>()
            };
            let over = |count: fn(&ReplicaCounts) -> u32| {
                q.exceeded(
                    pods(count),
                    total(&demands, count),
                    total_limits(&demands, count),
                )
            };
            let object = format!("resourcequota/{}", q.name);
            let steady = over(|c| c.steady);
            if !steady.is_empty() {
                diags.push(Diagnostic::of(
                    RuleId::QuotaExceeded,
                    &object,
                    "spec.hard",
                    format!(
                        "in steady state the stack's pods use {}: the api server refuses the pods past it (exceeded quota) and they are never created",
                        steady.join(", ")
                    ),
                ));
                continue;
            }
            for (situation, count) in [
                (
                    "while every workload rolls out (old pods kept until new ones are ready)",
                    (|c: &ReplicaCounts| c.steady + c.rollout_needs) as fn(&ReplicaCounts) -> u32,
                ),
                (
                    "at the autoscalers' maximum",
                    (|c: &ReplicaCounts| c.scaled + c.peak_needs) as fn(&ReplicaCounts) -> u32,
                ),
            ] {
                let over = over(count);
                if !over.is_empty() {
                    quota_limits = true;
                    diags.push(Diagnostic::of(
                        RuleId::QuotaLimitsPods,
                        &object,
                        "spec.hard",
                        format!(
                            "{situation} the stack's pods would use {}: the quota refuses the pods past it, so the rollout stalls or the autoscalers stop short",
                            over.join(", ")
                        ),
                    ));
                    break;
                }
            }
        }
        // Steady state first: when it does not fit, the rollout and the peak are not judged.
        // Then each stalled rollout, and the peak, blaming the workload whose rollout or
        // autoscaler is the cause.
        // The scheduler's truth beside the node's: no kubelet subtracts the distribution's
        // own processes (k3s) unless kube-reserved covers them, so the scheduler places pods
        // into that room and the node then runs short (pkg/kubelet/cm
        // node_container_manager_linux.go `GetNodeAllocatableReservation` counts only
        // kube-reserved, system-reserved and the hard eviction thresholds).
        if !beyond
            && !steady.unplaced.is_empty()
            && !steady.undecided
            && let Some(seen) = platform.as_scheduler_sees_it()
        {
            let mut seen_pods = Vec::new();
            let placed = place::place(
                "steady",
                &seen,
                &demands,
                &addon_labels,
                &mut seen_pods,
                &|_, c| c.steady,
            );
            let pending = placed.unplaced.len();
            if pending < steady.unplaced.len() {
                let args: Vec<String> = platform
                    .pools()
                    .iter()
                    .filter(|p| !p.reservations().kubelet_args().is_empty())
                    .map(|p| {
                        format!(
                            "{}: {}",
                            p.name(),
                            p.reservations().kubelet_args().join(" ")
                        )
                    })
                    .collect();
                let outcome = if pending == 0 {
                    "places every pod".to_owned()
                } else {
                    format!(
                        "places {} more pod(s) ({pending} stay pending)",
                        steady.unplaced.len() - pending
                    )
                };
                let short: Vec<String> = placed
                    .nodes
                    .iter()
                    .zip(platform.pools().iter().flat_map(|p| {
                        std::iter::repeat_n(p.reservations().distro_part(), p.count() as usize)
                    }))
                    .filter_map(|(n, (cpu, memory))| {
                        let real_cpu = n.allocatable.cpu.saturating_sub(cpu);
                        let real_memory = n.allocatable.memory.saturating_sub(memory);
                        let over_cpu = n.requested.cpu.saturating_sub(real_cpu);
                        let over_memory = n.requested.memory.saturating_sub(real_memory);
                        (over_cpu > Cpu::ZERO || over_memory > Memory::ZERO).then(|| {
                            format!(
                                "{} by {over_cpu} cpu / {} memory",
                                n.node,
                                human(over_memory)
                            )
                        })
                    })
                    .collect();
                diags.push(Diagnostic::of(
                    RuleId::NodeRunsShort,
                    &platform_object,
                    "pools[*].reserved",
                    format!(
                        "the default scheduler still {outcome}: without kube-reserved the kubelet reports the room the distribution's own processes use as allocatable, so pods are placed into it and the node runs short ({}): containers get less cpu than they request, and the kernel may oom-kill them or the distribution; start the kubelets with {} so the cluster leaves such pods pending instead",
                        short.join(", "),
                        args.join("; ")
                    ),
                ));
            }
        }
        if steady.undecided {
            let (cpu, memory) = shortfall_of(&steady);
            let pool = if cpu == Cpu::ZERO && memory == Memory::ZERO {
                "the nodes have the room in total".to_owned()
            } else {
                format!(
                    "the nodes are short by {cpu} cpu / {} memory in total",
                    human(memory)
                )
            };
            diags.push(Diagnostic::of(
                RuleId::PlacementUndecided,
                &platform_object,
                "pools",
                format!(
                    "could not decide whether every pod fits in steady state: first-fit-decreasing leaves {} pod(s) out and the exact search ran out of its budget before finding a placement of every pod or proving there is none; {pool}, so a placement may exist — the best one found is listed",
                    steady.unplaced.len()
                ),
            ));
        }
        for (owner, count, first) in group_unplaced(&steady.unplaced)
            .into_iter()
            .filter(|_| !steady.undecided)
        {
            diags.push(Diagnostic::of(
                RuleId::DoesNotFit,
                owner,
                requests_path(owner),
                format!(
                    "{count} pod(s) cannot be placed in the steady scenario; on the closest node ({}): {}",
                    first.best_node,
                    first.lacking.join(", ")
                ),
            ));
        }
        for (outcome, rule) in [
            (&rollout, RuleId::DoesNotFitDuringRollout),
            (&peak, RuleId::DoesNotFitAtPeak),
        ] {
            for stall in &outcome.stalled {
                let at = if outcome.placement.scenario == "peak" {
                    " at the autoscalers' maximum"
                } else {
                    ""
                };
                let (path, message) = match stall.cause {
                    Cause::Surge if stall.object.starts_with("daemonset/") => (
                        "spec.updateStrategy.rollingUpdate.maxSurge",
                        format!(
                            "the rollout{at} stalls: a surging daemonset starts each new pod beside the old one on its node, and {} pod(s) find no room; on the closest node ({}): {}; drop maxSurge (maxUnavailable 1 replaces pods in place) or free room on every node",
                            stall.count,
                            stall.first.best_node,
                            stall.first.lacking.join(", ")
                        ),
                    ),
                    Cause::Surge => (
                        "spec.strategy.rollingUpdate.maxUnavailable",
                        format!(
                            "the rollout{at} stalls: maxUnavailable resolves to 0, so every old pod stays until a new one is ready, and no node has room for one new pod beside them; on the closest node ({}): {}; set maxUnavailable to 1 (or 25% of at least 4 replicas), use Recreate, or free room for one pod",
                            stall.first.best_node,
                            stall.first.lacking.join(", ")
                        ),
                    ),
                    Cause::Scaled => (
                        "spec.replicas",
                        format!(
                            "at its autoscaler's maxReplicas ({} pods) the stack's pods cannot all be placed: {} pod(s) left out; on the closest node ({}): {}; lower maxReplicas or the requests, or add capacity",
                            stall.scaled,
                            stall.count,
                            stall.first.best_node,
                            stall.first.lacking.join(", ")
                        ),
                    ),
                };
                diags.push(Diagnostic::of(rule, &stall.object, path, message));
            }
        }
        // A placement exists; the default scheduler may still not find it.
        let steps = u64::from(steady.pods).saturating_mul(node_count);
        if !beyond
            && steady.unplaced.is_empty()
            && steps <= scheduler::MAX_STEPS
            && let Some((w, order, lacking)) = scheduler::strands(platform, &demands, &addon_labels)
        {
            let owner = &demands[w].object;
            let order = match order {
                scheduler::Order::Emitted => "in the order they are applied".to_owned(),
                scheduler::Order::Reversed => "in the reverse of the apply order".to_owned(),
                scheduler::Order::SmallestFirst => "smallest first".to_owned(),
                scheduler::Order::Other(history) => format!(
                    "as the controllers' timing and the scheduler's random choice between equally good nodes may have them ({history})"
                ),
            };
            let fix = if demands[w].per_node {
                // A DaemonSet's pod is bound to its node: no affinity moves it elsewhere.
                format!(
                    "give {owner} a higher priorityClassName (node agents commonly run as system-node-critical) so its pod may preempt the others on its node, or keep more headroom on every node"
                )
            } else {
                format!(
                    "give {owner} a higher priorityClassName so it is placed (and may preempt) first, pin it with a node affinity, or keep more headroom"
                )
            };
            diags.push(Diagnostic::of(
                    RuleId::SchedulerMayStrand,
                    owner,
                    requests_path(owner),
                    format!(
                        "a placement of every pod exists, but the default scheduler places pods one at a time and spreads them: with pods arriving {order} it leaves a pod of {owner} pending ({lacking}); {fix}"
                    ),
                ));
        }
        // Nodes that full leave no room for a replacement pod (NEARLY_FULL_PERCENT, the
        // rule's documented threshold). Judged over all nodes together: kubefit's placement
        // packs pods tightly, the default scheduler spreads them, so one packed node says
        // nothing, while requests above 90% of all the allocatable fill some node past it
        // however the pods are spread.
        if steady.unplaced.is_empty() && !steady.nodes.is_empty() {
            let sum = |f: &dyn Fn(&NodeUsage) -> u64| steady.nodes.iter().map(f).sum::<u64>();
            let cpu = (
                sum(&|n| n.requested.cpu.as_millis()),
                sum(&|n| n.allocatable.cpu.as_millis()),
            );
            let memory = (
                sum(&|n| n.requested.memory.as_bytes()),
                sum(&|n| n.allocatable.memory.as_bytes()),
            );
            let over: Vec<String> = [
                (
                    "cpu",
                    cpu,
                    Cpu::millis(cpu.0).to_string(),
                    Cpu::millis(cpu.1).to_string(),
                ),
                (
                    "memory",
                    memory,
                    Memory::bytes(memory.0).to_string(),
                    Memory::bytes(memory.1).to_string(),
                ),
            ]
            .into_iter()
            .filter(|(_, (used, of), _, _)| *of > 0 && used * 100 > of * NEARLY_FULL_PERCENT)
            .map(|(what, (used, of), u, o)| {
                format!(
                    "{}% of the allocatable {what} ({u} of {o})",
                    used * 100 / of
                )
            })
            .collect();
            if !over.is_empty() {
                let nodes = if steady.nodes.len() == 1 {
                    format!("the node ({})", steady.nodes[0].node)
                } else {
                    format!("the {} nodes", steady.nodes.len())
                };
                diags.push(Diagnostic::of(
                    RuleId::NodeNearlyFull,
                    &platform_object,
                    "pools",
                    format!(
                        "in steady state the pods (add-ons included) request {} of {nodes}, above {NEARLY_FULL_PERCENT}%: a restarted or rescheduled pod, or a rollout's new pod, finds little room",
                        over.join(" and ")
                    ),
                ));
            }
        }
        for (owner, count) in &transient {
            diags.push(Diagnostic::of(
                RuleId::RolloutPodsPending,
                owner,
                "spec.strategy.rollingUpdate.maxSurge",
                format!(
                    "while every pod template changes, {count} new pod(s) of {owner} wait pending until old pods are gone; the rollout still completes"
                ),
            ));
        }
        let claimed = self.claimed_storage();
        if let Some(budget) = platform.block_storage_budget() {
            let used = claimed + boot;
            if used > budget {
                diags.push(Diagnostic::of(RuleId::BlockStorageExceeded, &platform_object, "blockStorage", format!(
                        "volumes claim {claimed} and boot volumes take {boot}: {used} against a budget of {budget}, over by {}",
                        used.saturating_sub(budget)
                    )));
            }
        }
        let lbs = self.load_balancer_count();
        if let Some(allowed) = platform.load_balancer_allowance()
            && lbs > allowed
        {
            diags.push(Diagnostic::of(
                RuleId::LoadBalancersExceeded,
                &platform_object,
                "loadBalancers",
                format!("{lbs} loadbalancer services against an allowance of {allowed}"),
            ));
        }
        let max_node_mem = platform
            .pools()
            .iter()
            .map(|p| p.allocatable_memory())
            .max()
            .unwrap_or_default();
        for w in &demands {
            if w.largest_memory_limit > max_node_mem {
                diags.push(Diagnostic::of(RuleId::MemoryLimitAboveNode, &w.object, "spec.template.spec.containers[*].resources.limits.memory", format!(
                        "a memory limit of {} is above the largest node's allocatable {}; the pod is oom-killed or evicted before reaching it",
                        w.largest_memory_limit, max_node_mem
                    )));
            }
        }
        let steady_requests = total(&demands, |c| c.steady);
        let peak_requests = total(&demands, |c| c.peak);
        let peak_limits = total_limits(&demands, |c| c.peak);
        let cpu_over = permille(peak_limits.cpu.as_millis(), allocatable.cpu.as_millis()) / 10;
        let mem_over = permille(peak_limits.memory.as_bytes(), allocatable.memory.as_bytes()) / 10;
        let threshold = u64::from(platform.overcommit_threshold());
        for (res, over) in [("cpu", cpu_over), ("memory", mem_over)] {
            if over > threshold {
                diags.push(Diagnostic::of(
                    RuleId::LimitOvercommit,
                    &platform_object,
                    res,
                    format!(
                        "{res} limits add up to {over}% of allocatable (warning above {threshold}%)"
                    ),
                ));
            }
        }
        if platform.reclaims_idle() {
            let used = steady
                .nodes
                .iter()
                .fold(Cpu::ZERO, |a, n| a + n.requested.cpu);
            if permille(used.as_millis(), capacity.cpu.as_millis()) < 200 {
                diags.push(Diagnostic::of(RuleId::IdleReclamationRisk, &platform_object, "", format!(
                        "steady-state cpu requests are {used} of {} (under 20%); an always free instance whose cpu p95 stays under 20% for 7 days may be reclaimed",
                        capacity.cpu
                    )));
            }
        }
        architecture::check(self, platform, &demands, &mut diags);
        if let Some(cp) = platform.control_plane_of() {
            // Objects that are, or make, Secrets in the cluster.
            let secrets = self
                .objects
                .iter()
                .filter(|o| matches!(o.kind(), "Secret" | "ExternalSecret" | "SealedSecret"))
                .count();
            cp.judge(&platform_object, secrets, &mut diags);
        }
        // Nodes below their distribution's documented minimum for their role.
        for pool in platform.pools() {
            let r = pool.reservations();
            let (cpu, memory) = (pool.cpu_capacity(), pool.memory_capacity());
            if cpu < r.minimum_cpu() || memory < r.minimum_memory() {
                diags.push(Diagnostic::of(
                    RuleId::NodeBelowMinimum,
                    &platform_object,
                    format!("pools.{}", pool.name()),
                    format!(
                        "node pool `{}` has {cpu} cpu and {memory} memory per node, below the documented minimum of {} cpu and {} memory for its role",
                        pool.name(),
                        r.minimum_cpu(),
                        r.minimum_memory()
                    ),
                ));
            }
        }
        let verdict = if diags.iter().any(|d| d.severity == Severity::Error) {
            Verdict::DoesNotFit
        } else if steady.undecided {
            Verdict::Undecided
        } else if quota_limits
            || !rollout.stalled.is_empty()
            || !peak.stalled.is_empty()
            || !peak.placement.unplaced.is_empty()
        {
            Verdict::FitsSteadyStateOnly
        } else {
            Verdict::Fits
        };
        // The verdict says what the cluster does; suppressions only change what counts as an
        // error in reports and emit gates.
        self.apply_suppressions(&mut diags);
        let workloads = demands
            .iter()
            .map(|w| {
                let pr = w.pod_requests.times(u64::from(w.counts.peak));
                WorkloadUsage {
                    object: w.object.clone(),
                    counts: w.counts,
                    pod_requests: w.pod_requests,
                    pod_limits: w.pod_limits,
                    peak_requests: pr,
                    cpu_permille: permille(pr.cpu.as_millis(), allocatable.cpu.as_millis()),
                    memory_permille: permille(pr.memory.as_bytes(), allocatable.memory.as_bytes()),
                }
            })
            .collect();
        let addon_peak = peak
            .placement
            .nodes
            .iter()
            .fold(Demand::default(), |a, n| Demand {
                cpu: a.cpu + n.requested.cpu,
                memory: a.memory + n.requested.memory,
                ephemeral_storage: a.ephemeral_storage + n.requested.ephemeral_storage,
            });
        FitReport {
            platform: platform.name().to_owned(),
            source: platform.source().to_owned(),
            checked: platform.checked().to_owned(),
            note: platform.note_text().map(str::to_owned),
            verdict,
            capacity,
            allocatable,
            steady_requests,
            peak_requests,
            peak_limits,
            headroom: Demand {
                cpu: allocatable.cpu.saturating_sub(addon_peak.cpu),
                memory: allocatable.memory.saturating_sub(addon_peak.memory),
                ephemeral_storage: Memory::ZERO,
            },
            cpu_limit_overcommit_percent: cpu_over,
            memory_limit_overcommit_percent: mem_over,
            workloads,
            placements: vec![steady, rollout.placement, peak.placement],
            allowances: Allowances {
                claimed_storage: claimed,
                boot_volumes: boot,
                block_storage_budget: platform.block_storage_budget(),
                load_balancers: lbs,
                load_balancer_allowance: platform.load_balancer_allowance(),
            },
            diagnostics: diags,
            missing_at_peak: demands.iter().fold([0u64; 4], |mut acc, w| {
                for (a, m) in acc.iter_mut().zip(w.missing) {
                    *a += m * u64::from(w.counts.peak);
                }
                acc
            }),
            assumptions: assumptions(platform),
            injected_gaps: {
                let mut gaps = [false; 4];
                if !platform.injectors().is_empty() {
                    for w in self.objects.iter().filter_map(|o| o.pod_owner()) {
                        let annotations = w.pod.annotations.to_btree();
                        for i in platform
                            .injectors()
                            .iter()
                            .filter(|i| i.selects(&annotations))
                        {
                            let (c, m, cl, ml) = i.sizes(&annotations);
                            for (g, missing) in gaps.iter_mut().zip([
                                c.is_none(),
                                m.is_none(),
                                cl.is_none(),
                                ml.is_none(),
                            ]) {
                                *g |= missing;
                            }
                        }
                    }
                }
                gaps
            },
            unlimited_request: demands
                .iter()
                .fold(Demand::default(), |a, w| a.max(w.unlimited_request)),
            largest_node: (
                platform
                    .pools()
                    .iter()
                    .map(|p| p.allocatable_cpu())
                    .max()
                    .unwrap_or_default(),
                max_node_mem,
            ),
        }
    }
}

impl FitReport {
    /// What the verdict assumes, each said once (also in the report's text and JSON): the
    /// worst-case rule, what each pool reserves, the add-ons and injected sidecars counted.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert!(fit.assumptions().iter().any(|a| a.starts_with("add-ons counted: coredns 100m")));
    /// ```
    #[must_use]
    pub fn assumptions(&self) -> &[String] {
        &self.assumptions
    }

    /// The verdict.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.verdict(), kubefit::Verdict::Fits);
    /// ```
    #[must_use]
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Budget diagnostics (errors make the verdict "does not fit").
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::gke_e2_standard_2(1));
    /// assert!(fit.diagnostics().is_empty());
    /// ```
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The placements: steady, rollout, peak.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.placements().len(), 3);
    /// ```
    #[must_use]
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    /// Per-workload figures.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert!(fit.workloads().is_empty());
    /// ```
    #[must_use]
    pub fn workloads(&self) -> &[WorkloadUsage] {
        &self.workloads
    }

    /// Sum of allocatable over every node.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::gke_e2_standard_2(2));
    /// assert_eq!(fit.allocatable().cpu, kubefit::Cpu::millis(3860));
    /// ```
    #[must_use]
    pub fn allocatable(&self) -> Demand {
        self.allocatable
    }

    /// Requests in steady state (workloads only).
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.steady_requests().cpu, kubefit::Cpu::ZERO);
    /// ```
    #[must_use]
    pub fn steady_requests(&self) -> Demand {
        self.steady_requests
    }

    /// Requests at the worst case (workloads only).
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.peak_requests().memory, kubefit::Memory::ZERO);
    /// ```
    #[must_use]
    pub fn peak_requests(&self) -> Demand {
        self.peak_requests
    }

    /// Limits at the worst case (workloads only).
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.peak_limits().cpu, kubefit::Cpu::ZERO);
    /// ```
    #[must_use]
    pub fn peak_limits(&self) -> Demand {
        self.peak_limits
    }

    /// Workload pods at the worst case.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.peak_pods(), 0);
    /// ```
    #[must_use]
    pub fn peak_pods(&self) -> u32 {
        self.workloads.iter().map(|w| w.counts.peak).sum()
    }

    pub(crate) fn containers_without_resources(&self) -> (u64, u64, u64, u64) {
        let m = self.missing_at_peak;
        (m[0], m[1], m[2], m[3])
    }

    pub(crate) fn largest_node(&self) -> (Cpu, Memory) {
        self.largest_node
    }

    pub(crate) fn unlimited_request(&self) -> Demand {
        self.unlimited_request
    }

    pub(crate) fn injected_gaps(&self) -> [bool; 4] {
        self.injected_gaps
    }

    /// Storage and load balancers against the caps.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.allowances().boot_volumes, kubefit::Storage::gigabytes(100));
    /// ```
    #[must_use]
    pub fn allowances(&self) -> &Allowances {
        &self.allowances
    }
}

fn pct(permille: u64) -> String {
    if permille == u64::MAX {
        return "∞".to_owned();
    }
    format!("{}.{}%", permille / 10, permille % 10)
}

fn bar(permille: u64) -> String {
    const WIDTH: u64 = 20;
    let filled = (permille.min(1000) * WIDTH).div_ceil(1000);
    let filled = usize::try_from(filled).unwrap_or(0);
    let mut s = "█".repeat(filled);
    s.push_str(&"░".repeat(usize::try_from(WIDTH).unwrap_or(20) - filled));
    if permille > 1000 {
        s.push('!');
    }
    s
}

use crate::diagnostic::Clean;

impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "platform {} (checked {}, {})",
            Clean(&self.platform),
            Clean(&self.checked),
            Clean(&self.source)
        )?;
        if let Some(note) = &self.note {
            writeln!(f, "  note: {}", Clean(note))?;
        }
        writeln!(f, "verdict: {}", self.verdict.to_string().to_uppercase())?;
        writeln!(
            f,
            "  capacity {} cpu / {} memory; allocatable {} / {}",
            self.capacity.cpu,
            human(self.capacity.memory),
            self.allocatable.cpu,
            human(self.allocatable.memory)
        )?;
        writeln!(
            f,
            "  workload requests: steady {} / {}, worst case {} / {}; limits at worst case {} / {} ({}% / {}% of allocatable)",
            self.steady_requests.cpu,
            human(self.steady_requests.memory),
            self.peak_requests.cpu,
            human(self.peak_requests.memory),
            self.peak_limits.cpu,
            human(self.peak_limits.memory),
            self.cpu_limit_overcommit_percent,
            self.memory_limit_overcommit_percent,
        )?;
        // No headroom while pods are left out: the pool's real shortfall instead.
        match self.placements.iter().find(|p| !p.unplaced.is_empty()) {
            Some(p) => {
                let (cpu, memory) = shortfall_of(p);
                let short = if cpu == Cpu::ZERO && memory == Memory::ZERO {
                    "the pool has the room in total, but no single node has enough for them"
                        .to_owned()
                } else {
                    format!("the pool is short by {cpu} cpu / {} memory", human(memory))
                };
                writeln!(
                    f,
                    "  headroom: none — the {} scenario leaves {} pod(s) unplaced; {short}",
                    p.scenario,
                    p.unplaced.len()
                )?;
            }
            None => writeln!(
                f,
                "  headroom at worst case: {} cpu / {} memory",
                self.headroom.cpu,
                human(self.headroom.memory)
            )?,
        }
        for a in &self.assumptions {
            writeln!(f, "  assumes: {a}")?;
        }
        writeln!(f, "\nnodes (worst case, requests incl. add-ons)")?;
        writeln!(
            f,
            "  {:<22} {:>6} {:>8} {:>7}  {:<21} {:>8} {:>8} {:>7}  {:<21} {:>7}",
            "node", "cpu", "alloc", "%", "", "memory", "alloc", "%", "", "pods"
        )?;
        if let Some(peak) = self.placements.last() {
            for n in &peak.nodes {
                let cp = permille(n.requested.cpu.as_millis(), n.allocatable.cpu.as_millis());
                let mp = permille(
                    n.requested.memory.as_bytes(),
                    n.allocatable.memory.as_bytes(),
                );
                writeln!(
                    f,
                    "  {:<22} {:>6} {:>8} {:>7}  {:<21} {:>8} {:>8} {:>7}  {:<21} {:>3}/{:<3}",
                    Clean(&n.node).to_string(),
                    n.requested.cpu.to_string(),
                    n.allocatable.cpu.to_string(),
                    pct(cp),
                    bar(cp),
                    human(n.requested.memory),
                    human(n.allocatable.memory),
                    pct(mp),
                    bar(mp),
                    n.pods,
                    n.max_pods
                )?;
            }
        }
        writeln!(
            f,
            "\nworkloads (pods steady/rollout/worst; per pod requests → limits)"
        )?;
        for w in &self.workloads {
            writeln!(
                f,
                "  {:<32} {:>2}/{:>2}/{:>2}  cpu {:>6} → {:<6} mem {:>7} → {:<7} worst {:>6} {:>7} ({} cpu, {} mem)",
                w.object,
                w.counts.steady,
                w.counts.rollout,
                w.counts.peak,
                w.pod_requests.cpu.to_string(),
                w.pod_limits.cpu.to_string(),
                human(w.pod_requests.memory),
                human(w.pod_limits.memory),
                w.peak_requests.cpu.to_string(),
                human(w.peak_requests.memory),
                pct(w.cpu_permille),
                pct(w.memory_permille),
            )?;
        }
        let a = &self.allowances;
        write!(
            f,
            "\nstorage: claims {} + boot volumes {}",
            a.claimed_storage, a.boot_volumes
        )?;
        if let Some(b) = a.block_storage_budget {
            write!(f, " of {b}")?;
        }
        write!(f, "; load balancers: {}", a.load_balancers)?;
        if let Some(l) = a.load_balancer_allowance {
            write!(f, " of {l}")?;
        }
        writeln!(f)?;
        let steady_fails = self
            .placements
            .first()
            .is_some_and(|p| !p.unplaced.is_empty());
        for p in &self.placements {
            if steady_fails && p.scenario != "steady" {
                writeln!(
                    f,
                    "  [{}] not listed: steady state already does not fit",
                    p.scenario
                )?;
                continue;
            }
            for (owner, count, first) in group_unplaced(&p.unplaced) {
                writeln!(
                    f,
                    "  [{}] {owner}: {count} pod(s) do not fit; closest node {}: {}",
                    p.scenario,
                    first.best_node,
                    first.lacking.join(", ")
                )?;
            }
        }
        Ok(())
    }
}
