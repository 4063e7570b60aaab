//! What a stack asks of the scheduler: effective pod requests, worst-case replica counts,
//! storage and load balancers — counted by the scheduler's rules, not a naive sum.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use serde::Serialize;

use crate::model::container::Container;
use crate::model::deployment::Strategy;
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::selector::selects;
use crate::model::stack::Stack;
use crate::model::workload::PodCount;
pub use crate::units::demand::Demand;
use crate::units::memory::{Memory, Storage};

fn container_requests(c: &Container) -> Demand {
    let r = &c.resources;
    Demand {
        cpu: r.effective_cpu_request(),
        memory: r.effective_memory_request(),
        ephemeral_storage: r
            .ephemeral_storage_request()
            .or(r.ephemeral_storage_limit())
            .unwrap_or_default(),
    }
}

fn container_limits(c: &Container) -> Demand {
    let r = &c.resources;
    Demand {
        cpu: r.cpu_limit().unwrap_or_default(),
        memory: r.memory_limit().unwrap_or_default(),
        ephemeral_storage: r.ephemeral_storage_limit().unwrap_or_default(),
    }
}

/// The scheduler's effective request of a pod:
/// max(sum of app containers + sidecars, largest init container + the sidecars started
/// before it), per resource. kubefit emits sidecars before the other init containers, so
/// every init container runs beside all sidecars.
///
/// Pod-level requests (`spec.resources`, Kubernetes 1.34+) replace that sum for cpu and
/// memory; unset, they default to the pod-level limits
/// (k8s.io/component-helpers/resource/helpers.go, `PodRequests` and
/// `applyPodLevelResources`; pkg/apis/core/v1/defaults.go, `defaultPodRequests`).
/// Whether the pods take ports on their node: a hostNetwork pod's every container port, or a
/// container's `hostPort`. Two replicas of one workload ask for the same ports, so the
/// scheduler never puts them on one node (pkg/scheduler/framework/plugins/nodeports,
/// `Fits`): they are placed one per node. (Two workloads that ask for one port are not
/// compared.)
fn uses_host_ports(pod: &PodTemplate) -> bool {
    !host_ports(pod).is_empty()
}

/// The host ports a pod takes on its node, as `port | protocol << 16` (TCP 0, UDP 1, SCTP
/// 2), sorted: a hostNetwork pod's every container port (defaults.go
/// `defaultHostNetworkPorts`, containers and init containers), and each `hostPort`. The
/// scheduler's NodePorts filter keeps two pods that ask for one port off one node
/// (pkg/scheduler/framework/plugins/nodeports/node_ports.go, `fitsPorts`).
pub(crate) fn host_ports(pod: &PodTemplate) -> Vec<u32> {
    let mut out = Vec::new();
    for c in pod
        .containers
        .iter()
        .chain(&pod.sidecars)
        .chain(&pod.init_containers)
    {
        for p in &c.ports {
            let host = if pod.host_network {
                Some(p.number)
            } else {
                c.extra
                    .as_ref()
                    .and_then(|x| x.host_ports.get(&p.name).copied())
            };
            if let Some(port) = host.filter(|&h| h != 0) {
                let proto = match p.protocol {
                    "UDP" => 1,
                    "SCTP" => 2,
                    _ => 0,
                };
                out.push(u32::from(port) | (proto << 16));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

pub(crate) fn pod_requests(pod: &PodTemplate) -> Demand {
    pod_requests_by(pod, container_requests)
}

/// A container's requests as the scheduler's LeastAllocated score counts them: a missing cpu
/// or memory request counts as 100m and 200Mi (`DefaultMilliCPURequest`,
/// `DefaultMemoryRequest` in pkg/scheduler/util/pod_resources.go, applied per container by
/// `NonMissingContainerRequests`).
fn container_scored_requests(c: &Container) -> Demand {
    let r = &c.resources;
    Demand {
        cpu: r
            .cpu_request()
            .or(r.cpu_limit())
            .unwrap_or(crate::units::cpu::Cpu::millis(100)),
        memory: r
            .memory_request()
            .or(r.memory_limit())
            .unwrap_or(crate::units::memory::Memory::mebibytes(200)),
        ephemeral_storage: crate::units::memory::Memory::default(),
    }
}

/// The workloads (indexes of `out`) whose pods a topology spread constraint of `w` counts —
/// pods its label selector selects, else (kubefit's lowering) the workload's own; DaemonSets'
/// aside — and whether it counts `w`'s own pods (`selfMatchNum`).
fn spread_counts(
    c: &k8s_openapi::api::core::v1::TopologySpreadConstraint,
    w: &crate::model::workload::PodOwner<'_>,
    labels: &[BTreeMap<String, String>],
    out: &[WorkloadDemand],
) -> (Vec<usize>, bool) {
    let own = LabelSelector {
        match_labels: Some(w.pod.selector(w.name)),
        match_expressions: None,
    };
    let selector = c.label_selector.as_ref().unwrap_or(&own);
    let counts = (0..labels.len())
        .filter(|&j| !out[j].per_node && selects(selector, &labels[j]))
        .collect();
    (counts, selects(selector, &w.pod.pod_labels(w.name)))
}

/// A pod's requests as the LeastAllocated score counts them ([`container_scored_requests`],
/// summed as [`pod_requests`] sums).
pub(crate) fn pod_scored_requests(pod: &PodTemplate) -> Demand {
    pod_requests_by(pod, container_scored_requests)
}

fn pod_requests_by(pod: &PodTemplate, f: fn(&Container) -> Demand) -> Demand {
    let mut d = pod_sum(pod, f);
    if let Some(r) = &pod.extra().resources {
        if let Some(cpu) = r.cpu_request().or(r.cpu_limit()) {
            d.cpu = cpu;
        }
        if let Some(memory) = r.memory_request().or(r.memory_limit()) {
            d.memory = memory;
        }
    }
    d
}

/// The same rule applied to limits (a missing limit counts as zero); pod-level limits
/// replace the containers' sum.
pub(crate) fn pod_limits(pod: &PodTemplate) -> Demand {
    let mut d = pod_sum(pod, container_limits);
    if let Some(r) = &pod.extra().resources {
        if let Some(cpu) = r.cpu_limit() {
            d.cpu = cpu;
        }
        if let Some(memory) = r.memory_limit() {
            d.memory = memory;
        }
    }
    d
}

fn pod_sum(pod: &PodTemplate, f: fn(&Container) -> Demand) -> Demand {
    let sidecars = pod
        .sidecars
        .iter()
        .map(f)
        .fold(Demand::default(), Demand::add);
    let app = pod
        .containers
        .iter()
        .map(f)
        .fold(Demand::default(), Demand::add)
        .add(sidecars);
    // Each init container runs beside the sidecars started before it
    // (pkg/api/v1/resource/helpers.go, `AggregateContainerRequests`).
    let before = pod.extra().sidecars_before.as_deref();
    pod.init_containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let started = match before.and_then(|b| b.get(i)) {
                Some(n) => pod.sidecars[..(*n).min(pod.sidecars.len())]
                    .iter()
                    .map(f)
                    .fold(Demand::default(), Demand::add),
                None => sidecars,
            };
            f(c).add(started)
        })
        .fold(app, Demand::max)
}

/// What a pod holds on its node and what it bans from it, as tokens: a host port
/// (`port | protocol << 16`) is both held and banned; a required pod anti-affinity between
/// two workloads makes each hold its own token ([`WORKLOAD_TOKEN`] + index) and ban the
/// other's. A pod fits a node when none of its banned tokens is held there and none of its
/// held tokens is banned there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Exclusions {
    pub(crate) held: Vec<u32>,
    pub(crate) banned: Vec<u32>,
}

/// The exclusions of a pod that has none.
pub(crate) static NO_EXCLUSIONS: Exclusions = Exclusions {
    held: Vec::new(),
    banned: Vec::new(),
};

/// A topology spread constraint with `whenUnsatisfiable: DoNotSchedule`, as the
/// PodTopologySpread filter judges it (pkg/scheduler/framework/plugins/podtopologyspread/
/// filtering.go, `calPreFilterState` and `Filter`): a node is refused when the pods its
/// selector counts in the node's domain, plus the pod itself if it matches, exceed the
/// smallest count over the eligible domains by more than `maxSkew`. Eligible domains are
/// the values of the topology key on the nodes that pass the pod's nodeSelector and required
/// node affinity (NodeAffinityPolicy `Honor`) — taints do not count (NodeTaintsPolicy
/// `Ignore`) — and with fewer than `minDomains` of them the smallest count is 0
/// (`minMatchNum`). A node without the key is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spread {
    pub(crate) key: String,
    pub(crate) max_skew: u32,
    pub(crate) min_domains: u32,
    /// The workloads (indexes of the demands) whose pods its selector counts.
    pub(crate) counts: Vec<usize>,
    /// Whether the selector counts the pod itself (`selfMatchNum`).
    pub(crate) self_match: bool,
}

/// A topology spread constraint as the PodTopologySpread score counts it
/// (pkg/scheduler/framework/plugins/podtopologyspread/scoring.go): the pod's own
/// `whenUnsatisfiable: ScheduleAnyway` constraints, or — for a pod without constraints of its
/// own that a Service, ReplicaSet or StatefulSet selects — the system defaults (`maxSkew` 3
/// over `kubernetes.io/hostname`, 5 over `topology.kubernetes.io/zone`). The score prefers
/// nodes whose domain runs fewer of the pods it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SoftSpread {
    pub(crate) key: String,
    pub(crate) max_skew: u32,
    /// The workloads (indexes of the demands) whose pods it counts.
    pub(crate) counts: Vec<usize>,
}

/// Required inter-pod affinity, and anti-affinity over topology keys other than
/// `kubernetes.io/hostname` (which [`Exclusions`] covers), as the InterPodAffinity filter
/// judges them (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go):
///
/// - `satisfyPodAntiAffinity` / `satisfyExistingPodsAntiAffinity`: a node is refused when
///   its domain of a term's key runs a pod the pod's own anti-affinity term selects, or a pod
///   whose anti-affinity term selects it; a node without the key is not;
/// - `satisfyPodAffinity`: every affinity term's domain must run a pod that matches all of
///   the pod's affinity terms (a node without the key is refused) — unless no such pod runs
///   anywhere and the pod matches its own terms (the first of a series).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Affinity {
    /// Topology key, and the workloads whose pods keep this pod out of that domain.
    pub(crate) apart: Vec<(String, Vec<usize>)>,
    /// The topology keys of its required affinity terms.
    pub(crate) together: Vec<String>,
    /// The workloads whose pods match every affinity term.
    pub(crate) with: Vec<usize>,
    /// Whether the pod matches all of its own affinity terms.
    pub(crate) self_affine: bool,
}

impl Affinity {
    pub(crate) fn is_empty(&self) -> bool {
        self.apart.is_empty() && self.together.is_empty()
    }
}

/// The affinity of pods that have none.
pub(crate) static NO_AFFINITY: Affinity = Affinity {
    apart: Vec::new(),
    together: Vec::new(),
    with: Vec::new(),
    self_affine: false,
};

/// The priority classes a stack's pods can name, as the Priority admission plugin resolves
/// them (plugin/pkg/admission/priority/admission.go, `getDefaultPriority` and the built-in
/// `system-cluster-critical` 2000000000 and `system-node-critical` 2000001000 of
/// pkg/apis/scheduling): a named class gives its value, no name the `globalDefault` class's
/// value, else 0.
struct Priorities {
    classes: BTreeMap<String, (i32, bool)>,
    default: (i32, bool),
}

impl Priorities {
    fn of(stack: &Stack) -> Self {
        let mut classes = BTreeMap::from([
            ("system-cluster-critical".to_owned(), (2_000_000_000, true)),
            ("system-node-critical".to_owned(), (2_000_001_000, true)),
        ]);
        let mut default = (0, true);
        for o in &stack.objects {
            let Object::K8s(k) = o else { continue };
            if k.kind != "PriorityClass" || !k.api_version.starts_with("scheduling.k8s.io/") {
                continue;
            }
            let v = &k.value;
            let Some(name) = v
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(|n| n.as_str())
            else {
                continue;
            };
            let value = v
                .get("value")
                .and_then(serde_json::Value::as_i64)
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or(0);
            let preempts = v.get("preemptionPolicy").and_then(|p| p.as_str()) != Some("Never");
            if v.get("globalDefault").and_then(serde_json::Value::as_bool) == Some(true) {
                default = (value, preempts);
            }
            classes.insert(name.to_owned(), (value, preempts));
        }
        Priorities { classes, default }
    }

    fn of_name(&self, name: Option<&crate::model::name::Name>) -> (i32, bool) {
        match name {
            Some(n) => self.classes.get(n.as_str()).copied().unwrap_or((0, true)),
            None => self.default,
        }
    }
}

/// Tokens from here on stand for workloads (below: host ports).
pub(crate) const WORKLOAD_TOKEN: u32 = 1 << 20;

/// How many pods of a workload exist in each situation, by the controllers' arithmetic.
///
/// - **steady**: `spec.replicas` clamped into the autoscaler's `[minReplicas, maxReplicas]`;
///   a target at 0 replicas disables its autoscaler
///   (pkg/controller/podautoscaler/horizontal.go, `reconcileAutoscaler`).
/// - **rollout**: the most pods at once while the pod template changes: a Deployment's new
///   ReplicaSet grows by at most `min(maxSurge, replicas)` beside the old one
///   (pkg/controller/deployment/util/deployment_util.go, `NewRSNewReplicas`); a Recreate
///   Deployment, a StatefulSet and a DaemonSet without surge replace pods in place.
/// - **rollout_needs**: the pods beyond steady that must be placed *at once* for the rollout
///   to finish. A RollingUpdate whose maxUnavailable resolves to 0 (rounded down;
///   `ResolveFenceposts`) keeps every old pod until a new one is ready, so it needs room for
///   one new pod; with maxUnavailable ≥ 1 old pods go first and it needs none
///   (pkg/controller/deployment/rolling.go, `reconcileOldReplicaSets`). A surging DaemonSet
///   needs one more pod on every node it runs on.
/// - **scaled**, **peak**, **peak_needs**: the same at the autoscaler's maximum.
///
/// ```
/// use kubefit::{Container, Deployment, HorizontalPodAutoscaler, Stack};
/// let api = Deployment::new("api", Container::new("api", "nginx:1.27")).replicas(2);
/// let hpa = HorizontalPodAutoscaler::new(&api, 2, 6).cpu_utilization(70);
/// let c = Stack::new("shop").with(api).with(hpa).workload_demands()[0].counts;
/// // maxSurge 25% rounds up: 1 pod beside 2 replicas, 2 beside the autoscaler's 6.
/// assert_eq!((c.steady, c.rollout, c.scaled, c.peak), (2, 3, 6, 8));
/// // kubefit's default maxUnavailable is 0: one new pod must fit beside the old ones.
/// assert_eq!((c.rollout_needs, c.peak_needs), (1, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReplicaCounts {
    /// Normal operation: replicas clamped into the autoscaler's bounds.
    pub steady: u32,
    /// The most pods at once while the pod template changes: steady + min(maxSurge, steady).
    pub rollout: u32,
    /// Pods beyond `steady` a rollout must place at once to finish (0 or 1; per node for a
    /// DaemonSet).
    pub rollout_needs: u32,
    /// At the autoscaler's maximum, before a rollout (`steady` without one).
    pub scaled: u32,
    /// Worst case: the most pods at once while the template changes at the maximum.
    pub peak: u32,
    /// Pods beyond `scaled` a rollout at the maximum must place at once.
    pub peak_needs: u32,
}

impl ReplicaCounts {
    /// The same count for every situation (a Job's running pods, a bare Pod).
    pub(crate) fn fixed(n: u32) -> Self {
        ReplicaCounts {
            steady: n,
            rollout: n,
            rollout_needs: 0,
            scaled: n,
            peak: n,
            peak_needs: 0,
        }
    }

    /// Every count times `n` (a DaemonSet's per-node counts times its nodes).
    pub(crate) fn times(self, n: u32) -> Self {
        ReplicaCounts {
            steady: self.steady.saturating_mul(n),
            rollout: self.rollout.saturating_mul(n),
            rollout_needs: self.rollout_needs.saturating_mul(n),
            scaled: self.scaled.saturating_mul(n),
            peak: self.peak.saturating_mul(n),
            peak_needs: self.peak_needs.saturating_mul(n),
        }
    }
}

/// How a workload replaces its pods when the template changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rollout {
    /// Old pods go before new ones start (Recreate, StatefulSets, DaemonSets without surge,
    /// Jobs).
    InPlace,
    /// A Deployment's RollingUpdate.
    Rolling {
        max_surge: crate::model::workload::IntOrPercent,
        max_unavailable: crate::model::workload::IntOrPercent,
    },
}

impl Rollout {
    /// (pods at once beyond `desired`, pods that must fit at once beyond `desired`) for a
    /// workload of `desired` replicas: `ResolveFenceposts` (surge rounds up, unavailable
    /// down, both 0 makes unavailable 1), capped by `NewRSNewReplicas`.
    pub(crate) fn extra(self, desired: u32) -> (u32, u32) {
        match self {
            Rollout::InPlace => (0, 0),
            Rollout::Rolling {
                max_surge,
                max_unavailable,
            } => {
                let n = i32::try_from(desired).unwrap_or(i32::MAX);
                let mut surge = max_surge.resolve(n, true).max(0);
                let mut unavailable = max_unavailable.resolve(n, false).max(0);
                if surge == 0 && unavailable == 0 {
                    unavailable = 1;
                    surge = 0;
                }
                let surge = u32::try_from(surge).unwrap_or(0).min(desired);
                let needs = u32::from(desired > 0 && unavailable == 0 && surge > 0);
                (surge, needs)
            }
        }
    }
}

/// Where a workload's pods may run: the scheduler's node filters beyond room
/// (nodeSelector, required node affinity, taints and tolerations).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Constraints {
    pub(crate) selector: BTreeMap<String, String>,
    pub(crate) required: Vec<crate::model::scheduling::NodeTerm>,
    pub(crate) tolerations: Vec<crate::model::scheduling::Toleration>,
    /// Tolerates every taint (per-node add-ons).
    pub(crate) tolerate_all: bool,
}

// Tolerations and node terms compare field by field; none holds a float.
impl Eq for Constraints {}

/// The constraints of pods that tolerate every taint and go anywhere.
pub(crate) static ANYWHERE: Constraints = Constraints {
    selector: BTreeMap::new(),
    required: Vec::new(),
    tolerations: Vec::new(),
    tolerate_all: true,
};

/// One workload's demand.
///
/// ```
/// use kubefit::{Container, Cpu, Deployment, Memory, Resources, Stack};
/// let d = Deployment::new("api", Container::new("api", "nginx:1.27")
///     .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(64)))).replicas(4);
/// let w = &Stack::new("shop").with(d).workload_demands()[0];
/// assert_eq!(w.counts.peak, 5); // 4 + 25% surge rounded up
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WorkloadDemand {
    /// `deployment/api`.
    pub object: String,
    /// The effective request of one pod.
    pub pod_requests: Demand,
    /// The limits of one pod.
    pub pod_limits: Demand,
    /// Pod counts.
    pub counts: ReplicaCounts,
    /// Whether at most one pod may run per node.
    pub one_per_node: bool,
    /// Whether the counts are per node (a DaemonSet): [`Stack::workload_demands`] gives
    /// them for one node, [`Stack::fit`] multiplies them by the nodes the pods can land on.
    pub per_node: bool,
    /// Where its pods may run (and a DaemonSet's nodes).
    #[serde(skip)]
    pub(crate) constraints: Constraints,
    /// The largest memory limit of any one container (OOM check).
    pub largest_memory_limit: Memory,
    /// Whether the pods only run on nodes of this architecture (`kubernetes.io/arch`).
    pub arch: Option<String>,
    /// Containers of one pod without (cpu request, memory request, cpu limit, memory limit).
    #[serde(skip)]
    pub(crate) missing: [u64; 4],
    /// The largest request of a container without a limit, per resource: a LimitRange's
    /// default limit below it makes the pod invalid.
    #[serde(skip)]
    pub(crate) unlimited_request: Demand,
    /// What its pods keep off their node, and keep away from (host ports, required pod
    /// anti-affinity).
    #[serde(skip)]
    pub(crate) exclusions: Exclusions,
    /// Its topology spread constraints that refuse a node (`DoNotSchedule`).
    #[serde(skip)]
    pub(crate) spread: Vec<Spread>,
    /// The topology spread constraints its pods' score counts ([`SoftSpread`]); empty, the
    /// PodTopologySpread score skips its pods.
    #[serde(skip)]
    pub(crate) soft_spread: Vec<SoftSpread>,
    /// Whether [`WorkloadDemand::soft_spread`] is the pod's own constraints (nodes lacking one
    /// of their keys are then not scored), not the system defaults.
    #[serde(skip)]
    pub(crate) soft_spread_own: bool,
    /// Its pods' requests as the scheduler's LeastAllocated score counts them (a container's
    /// missing request counts as 100m and 200Mi).
    #[serde(skip)]
    pub(crate) scored_requests: Demand,
    /// Whether some workload's spread constraint or pod (anti-)affinity counts its pods (so
    /// placements track them).
    #[serde(skip)]
    pub(crate) counted: bool,
    /// Required pod affinity, and anti-affinity over keys other than hostname.
    #[serde(skip)]
    pub(crate) affinity: Affinity,
    /// What admission refuses because of the injected sidecars (paths under the pod spec).
    #[serde(skip)]
    pub(crate) refused: Vec<crate::fit::admission::Refusal>,
    /// Each container's image with its field path (`spec.template.spec.containers[0].image`).
    #[serde(skip)]
    pub(crate) images: Vec<(String, String)>,
    /// Its place in the apply order (pods arrive at the scheduler roughly in it).
    #[serde(skip)]
    pub(crate) rank: u8,
    /// Its pods' priority (the Priority admission plugin resolves `priorityClassName`: the
    /// stack's PriorityClasses, the built-in `system-*` classes, the global default, else 0),
    /// and whether they may preempt (`preemptionPolicy` other than `Never`).
    #[serde(skip)]
    pub(crate) priority: (i32, bool),
}

impl Stack {
    /// The demand of every workload, counted by the scheduler's rules.
    ///
    /// ```
    /// assert!(kubefit::Stack::new("shop").workload_demands().is_empty());
    /// ```
    #[must_use]
    pub fn workload_demands(&self) -> Vec<WorkloadDemand> {
        self.workload_demands_with(&[])
    }

    /// [`Stack::workload_demands`] with the sidecars `injectors` add to the pods they select
    /// (a platform's [`Platform::injects`](crate::Platform::injects)).
    pub(crate) fn workload_demands_with(
        &self,
        injectors: &[crate::fit::injector::Injector],
    ) -> Vec<WorkloadDemand> {
        if let std::borrow::Cow::Owned(s) = self.resolved().stack {
            return s.workload_demands_with(injectors);
        }
        let classes = Priorities::of(self);
        let mut hpa: BTreeMap<(&str, &str), (i32, i32)> = BTreeMap::new();
        for o in &self.objects {
            if let Object::HorizontalPodAutoscaler(h) = o {
                hpa.insert(
                    (h.target.kind.as_str(), h.target.name.as_str()),
                    (h.min, h.max),
                );
            }
        }
        let clamp = |n: i32| u32::try_from(n.max(0)).unwrap_or(0);
        // Pods are counted as admission leaves them: the stack's LimitRanges fill in missing
        // requests and limits (crate::fit::admission).
        let admission = crate::fit::admission::Admission::of(self);
        let mut out = Vec::new();
        let mut reference = String::new();
        for o in &self.objects {
            let Some(w) = o.pod_owner() else {
                continue;
            };
            let name = w.name;
            let injected = injected_into(w.pod, injectors);
            let (admitted, mut refused) = admission.admit(w.pod, &injected);
            if !injected.is_empty() && !refused.is_empty() {
                // Only what the injected sidecars bring: the rest is the check's.
                let own = admission.admit(w.pod, &[]).1;
                refused.retain(|r| !own.contains(r));
            } else {
                refused.clear();
            }
            let pod = &*admitted;
            o.reference_into(&mut reference);
            let (counts, per_node) = match w.count {
                PodCount::Replicas(replicas) => {
                    let rollout = match o {
                        Object::Deployment(d) => match &d.strategy {
                            Strategy::RollingUpdate {
                                max_surge,
                                max_unavailable,
                            } => Rollout::Rolling {
                                max_surge: *max_surge,
                                max_unavailable: *max_unavailable,
                            },
                            Strategy::Recreate => Rollout::InPlace,
                        },
                        // StatefulSets delete a pod before recreating it: no surge.
                        _ => Rollout::InPlace,
                    };
                    let replicas = clamp(replicas);
                    let (steady, scaled) = match hpa.get(&(w.kind.as_str(), name.as_str())) {
                        // A target at 0 replicas disables its autoscaler.
                        Some(_) if replicas == 0 => (0, 0),
                        Some(&(min, max)) => {
                            let (min, max) = (clamp(min), clamp(max));
                            (replicas.clamp(min.min(max), max), max)
                        }
                        None => (replicas, replicas),
                    };
                    let (surge, needs) = rollout.extra(steady);
                    let (peak_surge, peak_needs) = rollout.extra(scaled);
                    let counts = ReplicaCounts {
                        steady,
                        rollout: steady.saturating_add(surge),
                        rollout_needs: needs,
                        scaled,
                        peak: scaled.saturating_add(peak_surge),
                        peak_needs,
                    };
                    (counts, false)
                }
                // Per node: one pod; with surge, a second one that must fit beside it. The
                // fit counts the nodes.
                PodCount::PerNode { surge } => {
                    let during = if surge { 2 } else { 1 };
                    let counts = ReplicaCounts {
                        rollout: during,
                        rollout_needs: during - 1,
                        peak: during,
                        peak_needs: during - 1,
                        ..ReplicaCounts::fixed(1)
                    };
                    (counts, true)
                }
                // Running while the Job runs, which may be at any time.
                PodCount::Running(n) => (ReplicaCounts::fixed(clamp(n)), false),
            };
            let largest_memory_limit = pod
                .containers
                .iter()
                .chain(&pod.init_containers)
                .chain(&pod.sidecars)
                .filter_map(|c| c.resources.memory_limit())
                .max()
                .unwrap_or_default();
            let mut missing = [0u64; 4];
            let mut unlimited_request = Demand::default();
            for c in pod
                .containers
                .iter()
                .chain(&pod.init_containers)
                .chain(&pod.sidecars)
            {
                let r = &c.resources;
                let flags = [
                    r.cpu_request().is_none() && r.cpu_limit().is_none(),
                    r.memory_request().is_none() && r.memory_limit().is_none(),
                    r.cpu_limit().is_none(),
                    r.memory_limit().is_none(),
                ];
                for (m, f) in missing.iter_mut().zip(flags) {
                    *m += u64::from(f);
                }
                if r.cpu_limit().is_none() {
                    unlimited_request.cpu = unlimited_request.cpu.max(r.effective_cpu_request());
                }
                if r.memory_limit().is_none() {
                    unlimited_request.memory =
                        unlimited_request.memory.max(r.effective_memory_request());
                }
            }
            out.push(WorkloadDemand {
                object: reference.clone(),
                per_node,
                constraints: Constraints {
                    selector: pod.node_selector.to_btree(),
                    required: pod.extra().required_nodes.clone(),
                    tolerations: pod.extra().tolerations.clone(),
                    tolerate_all: false,
                },
                pod_requests: pod_requests(pod),
                scored_requests: pod_scored_requests(pod),
                soft_spread: Vec::new(),
                soft_spread_own: false,
                pod_limits: pod_limits(pod),
                counts,
                one_per_node: pod.one_per_node || uses_host_ports(pod),
                exclusions: {
                    let ports = host_ports(pod);
                    Exclusions {
                        held: ports.clone(),
                        banned: ports,
                    }
                },
                spread: Vec::new(),
                counted: false,
                affinity: Affinity::default(),
                largest_memory_limit,
                arch: pod
                    .node_selector
                    .get("kubernetes.io/arch")
                    .map(str::to_owned),
                missing,
                unlimited_request,
                refused,
                // The pod's own images (the injectors' are theirs to build).
                images: w
                    .pod
                    .all_containers()
                    .map(|(path, c)| (format!("{path}.image"), c.image.clone()))
                    .collect(),
                rank: o.order(),
                priority: classes
                    .of_name(pod.extra.as_ref().and_then(|x| x.priority_class.as_ref())),
            });
        }
        self.keep_apart(&mut out);
        self.spread_out(&mut out);
        self.soft_spread_out(&mut out);
        self.pod_affinity(&mut out);
        out
    }

    /// Required pod affinity (any topology key) and anti-affinity over keys other than
    /// hostname ([`Affinity`]), for terms in the pod's own namespace. Terms naming other
    /// namespaces are not judged.
    fn pod_affinity(&self, out: &mut [WorkloadDemand]) {
        let owners: Vec<_> = self.objects.iter().filter_map(|o| o.pod_owner()).collect();
        let required: Vec<Vec<(bool, &crate::model::scheduling::PodTerm)>> = owners
            .iter()
            .map(|w| {
                w.pod
                    .extra
                    .as_ref()
                    .map(|x| {
                        x.pod_rules
                            .iter()
                            .filter(|r| r.weight.is_none())
                            .filter(|r| {
                                let t = &r.term.0;
                                t.namespaces.as_ref().is_none_or(Vec::is_empty)
                                    && t.namespace_selector.is_none()
                                    && t.label_selector.is_some()
                                    && !(r.anti && t.topology_key == "kubernetes.io/hostname")
                            })
                            .map(|r| (r.anti, &r.term))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        if owners.len() != out.len() || required.iter().all(Vec::is_empty) {
            return;
        }
        let labels: Vec<BTreeMap<String, String>> =
            owners.iter().map(|w| w.pod.pod_labels(w.name)).collect();
        let per_node: Vec<bool> = out.iter().map(|w| w.per_node).collect();
        let selected = |t: &crate::model::scheduling::PodTerm| -> Vec<usize> {
            let Some(sel) = t.0.label_selector.as_ref() else {
                return Vec::new();
            };
            labels
                .iter()
                .enumerate()
                .filter(|(j, l)| !per_node[*j] && selects(sel, l))
                .map(|(j, _)| j)
                .collect()
        };
        for (i, terms) in required.into_iter().enumerate() {
            let mut with: Option<Vec<usize>> = None;
            let mut self_affine = true;
            for (anti, t) in terms {
                let key = t.0.topology_key.clone();
                let sel = selected(t);
                if anti {
                    // This pod keeps out of the domains of what it selects; they keep out of
                    // its domains (satisfyExistingPodsAntiAffinity).
                    for &j in &sel {
                        out[j].counted = true;
                        out[i].counted = true;
                        out[j].affinity.apart.push((key.clone(), vec![i]));
                    }
                    out[i].affinity.apart.push((key, sel));
                } else {
                    self_affine &= sel.contains(&i);
                    with = Some(match with {
                        None => sel,
                        Some(prev) => prev.into_iter().filter(|j| sel.contains(j)).collect(),
                    });
                    out[i].affinity.together.push(key);
                }
            }
            if let Some(with) = with {
                for &j in &with {
                    out[j].counted = true;
                }
                out[i].affinity.with = with;
                out[i].affinity.self_affine = self_affine;
            }
        }
    }

    /// The `DoNotSchedule` topology spread constraints of each workload ([`Spread`]), with
    /// the workloads whose pods each one counts (pods of this namespace its label selector
    /// selects; without a selector, kubefit's lowering gives the workload's own).
    fn spread_out(&self, out: &mut [WorkloadDemand]) {
        let owners: Vec<_> = self.objects.iter().filter_map(|o| o.pod_owner()).collect();
        if owners.len() != out.len()
            || !owners
                .iter()
                .any(|w| w.pod.extra.as_ref().is_some_and(|x| !x.spreads.is_empty()))
        {
            return;
        }
        let labels: Vec<BTreeMap<String, String>> =
            owners.iter().map(|w| w.pod.pod_labels(w.name)).collect();
        for (i, w) in owners.iter().enumerate() {
            let Some(x) = w.pod.extra.as_ref() else {
                continue;
            };
            for t in &x.spreads {
                let c = &t.0;
                if c.when_unsatisfiable != "DoNotSchedule" {
                    continue;
                }
                let (counts, self_match) = spread_counts(c, w, &labels, out);
                for &j in &counts {
                    out[j].counted = true;
                }
                out[i].spread.push(Spread {
                    key: c.topology_key.clone(),
                    max_skew: u32::try_from(c.max_skew).unwrap_or(0).max(1),
                    min_domains: c
                        .min_domains
                        .and_then(|m| u32::try_from(m).ok())
                        .unwrap_or(1),
                    self_match,
                    counts,
                });
            }
        }
    }

    /// The topology spread constraints each workload's score counts ([`SoftSpread`]):
    /// its own `ScheduleAnyway` ones, else the system defaults when a Service, ReplicaSet
    /// (a Deployment's) or StatefulSet selects its pods (`buildDefaultConstraints`,
    /// pkg/scheduler/framework/plugins/helper `DefaultSelector`), else none.
    fn soft_spread_out(&self, out: &mut [WorkloadDemand]) {
        use crate::model::workload::WorkloadKind;
        let owners: Vec<_> = self.objects.iter().filter_map(|o| o.pod_owner()).collect();
        if owners.len() != out.len() {
            return;
        }
        let labels: Vec<BTreeMap<String, String>> =
            owners.iter().map(|w| w.pod.pod_labels(w.name)).collect();
        let services: Vec<&crate::util::str_map::StrMap> = self
            .objects
            .iter()
            .filter_map(|o| match o {
                Object::Service(s) if !s.selector.is_empty() => Some(&s.selector),
                _ => None,
            })
            .collect();
        let picks = |service: &crate::util::str_map::StrMap, l: &BTreeMap<String, String>| {
            service
                .iter()
                .all(|(k, v)| l.get(k).map(String::as_str) == Some(v))
        };
        for (i, w) in owners.iter().enumerate() {
            if out[i].per_node {
                continue;
            }
            let spreads = w.pod.extra.as_ref().map_or(&[][..], |x| &x.spreads[..]);
            if !spreads.is_empty() {
                out[i].soft_spread_own = true;
                for t in spreads {
                    let c = &t.0;
                    if c.when_unsatisfiable != "ScheduleAnyway" {
                        continue;
                    }
                    let (counts, _) = spread_counts(c, w, &labels, out);
                    out[i].soft_spread.push(SoftSpread {
                        key: c.topology_key.clone(),
                        max_skew: u32::try_from(c.max_skew).unwrap_or(0).max(1),
                        counts,
                    });
                }
                continue;
            }
            let selecting: Vec<_> = services.iter().filter(|s| picks(s, &labels[i])).collect();
            let counts: Vec<usize> = match w.kind {
                // The ReplicaSet's or StatefulSet's selector (ANDed with the Services'):
                // its own pods.
                WorkloadKind::Deployment | WorkloadKind::StatefulSet => vec![i],
                _ if !selecting.is_empty() => (0..labels.len())
                    .filter(|&j| !out[j].per_node && selecting.iter().all(|s| picks(s, &labels[j])))
                    .collect(),
                _ => continue,
            };
            for (key, max_skew) in [
                ("kubernetes.io/hostname", 3),
                ("topology.kubernetes.io/zone", 5),
            ] {
                out[i].soft_spread.push(SoftSpread {
                    key: key.to_owned(),
                    max_skew,
                    counts: counts.clone(),
                });
            }
        }
    }

    /// Required pod anti-affinity on `kubernetes.io/hostname` (the interpodaffinity filter:
    /// pkg/scheduler/framework/plugins/interpodaffinity/filtering.go — an incoming pod is
    /// refused a node that runs a pod its terms select, and a node whose pods' terms select
    /// it): a term that selects the workload's own pods places them one per node; one that
    /// selects another workload's pods keeps the two apart. Terms over other topology keys
    /// are [`Affinity`]'s; terms naming other namespaces are not judged.
    fn keep_apart(&self, out: &mut [WorkloadDemand]) {
        let owners: Vec<(BTreeMap<String, String>, Vec<&LabelSelector>)> = self
            .objects
            .iter()
            .filter_map(|o| o.pod_owner())
            .map(|w| {
                let terms: Vec<&LabelSelector> = w
                    .pod
                    .extra
                    .as_ref()
                    .map(|x| {
                        x.pod_rules
                            .iter()
                            .filter(|r| r.anti && r.weight.is_none())
                            .map(|r| &r.term.0)
                            .filter(|t| {
                                t.topology_key == "kubernetes.io/hostname"
                                    && t.namespaces.as_ref().is_none_or(Vec::is_empty)
                                    && t.namespace_selector.is_none()
                            })
                            .filter_map(|t| t.label_selector.as_ref())
                            .collect()
                    })
                    .unwrap_or_default();
                let labels = if terms.is_empty() {
                    BTreeMap::new()
                } else {
                    w.pod.pod_labels(w.name)
                };
                (labels, terms)
            })
            .collect();
        if owners.len() != out.len() || owners.iter().all(|(_, t)| t.is_empty()) {
            return;
        }
        let labels: Vec<BTreeMap<String, String>> = self
            .objects
            .iter()
            .filter_map(|o| o.pod_owner())
            .map(|w| w.pod.pod_labels(w.name))
            .collect();
        for (i, (_, terms)) in owners.iter().enumerate() {
            for (j, other) in labels.iter().enumerate() {
                if !terms.iter().any(|t| selects(t, other)) {
                    continue;
                }
                if i == j {
                    out[i].one_per_node = true;
                    continue;
                }
                let (ti, tj) = (
                    WORKLOAD_TOKEN + u32::try_from(i).unwrap_or(u32::MAX - WORKLOAD_TOKEN),
                    WORKLOAD_TOKEN + u32::try_from(j).unwrap_or(u32::MAX - WORKLOAD_TOKEN),
                );
                for (k, hold, ban) in [(i, ti, tj), (j, tj, ti)] {
                    let x = &mut out[k].exclusions;
                    if !x.held.contains(&hold) {
                        x.held.push(hold);
                    }
                    if !x.banned.contains(&ban) {
                        x.banned.push(ban);
                    }
                }
            }
        }
    }

    /// Persistent storage the stack claims: PVCs plus each StatefulSet claim template
    /// times its peak replicas.
    ///
    /// ```
    /// use kubefit::{PersistentVolumeClaim, Stack, Storage};
    /// let s = Stack::new("shop").with(PersistentVolumeClaim::new("d", Storage::gibibytes(5)));
    /// assert_eq!(s.claimed_storage(), Storage::gibibytes(5));
    /// ```
    #[must_use]
    pub fn claimed_storage(&self) -> Storage {
        if let std::borrow::Cow::Owned(s) = self.resolved().stack {
            return s.claimed_storage();
        }
        let claims = self
            .objects
            .iter()
            .any(|o| matches!(o, Object::StatefulSet(s) if !s.claims.is_empty()));
        let peaks: BTreeMap<String, u32> = if claims {
            self.workload_demands()
                .into_iter()
                .map(|w| (w.object, w.counts.peak))
                .collect()
        } else {
            BTreeMap::new()
        };
        self.objects
            .iter()
            .map(|o| match o {
                Object::PersistentVolumeClaim(p) => p.size,
                Object::StatefulSet(s) => {
                    let n = peaks
                        .get(&format!("statefulset/{}", s.name))
                        .copied()
                        .unwrap_or(0);
                    s.claims
                        .iter()
                        .map(|c| c.size)
                        .sum::<Storage>()
                        .times(u64::from(n))
                }
                _ => Storage::ZERO,
            })
            .sum()
    }

    /// The number of LoadBalancer Services.
    ///
    /// ```
    /// use kubefit::{Service, Stack};
    /// assert_eq!(Stack::new("shop").with(Service::new("a").load_balancer()).load_balancer_count(), 1);
    /// ```
    #[must_use]
    pub fn load_balancer_count(&self) -> u32 {
        if let std::borrow::Cow::Owned(s) = self.resolved().stack {
            return s.load_balancer_count();
        }
        let n = self
            .objects
            .iter()
            .filter(|o| matches!(o, Object::Service(s) if s.is_load_balancer()))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// The containers the injectors that select `pod` add to it.
fn injected_into(
    pod: &PodTemplate,
    injectors: &[crate::fit::injector::Injector],
) -> Vec<Container> {
    if injectors.is_empty() {
        return Vec::new();
    }
    let annotations = pod.annotations.to_btree();
    injectors
        .iter()
        .filter(|i| i.selects(&annotations))
        .map(|i| {
            let (cpu, memory, cpu_limit, memory_limit) = i.sizes(&annotations);
            let mut r = crate::model::resources::Resources::new();
            if let Some(c) = cpu {
                r = r.cpu_request_of(c);
            }
            if let Some(m) = memory {
                r = r.memory_request_of(m);
            }
            if let Some(c) = cpu_limit {
                r = r.cpu_limit_of(c);
            }
            if let Some(m) = memory_limit {
                r = r.memory_limit_of(m);
            }
            Container::new(i.name(), "injected").resources(r)
        })
        .collect()
}

pub(crate) fn total(demands: &[WorkloadDemand], count: fn(&ReplicaCounts) -> u32) -> Demand {
    demands
        .iter()
        .map(|w| w.pod_requests.times(u64::from(count(&w.counts))))
        .fold(Demand::default(), Demand::add)
}

pub(crate) fn total_limits(demands: &[WorkloadDemand], count: fn(&ReplicaCounts) -> u32) -> Demand {
    demands
        .iter()
        .map(|w| w.pod_limits.times(u64::from(count(&w.counts))))
        .fold(Demand::default(), Demand::add)
}
