//! Where pods may run and how they are admitted: tolerations, node and pod affinity,
//! topology spread, priority, runtime class, DNS policy, image pull secrets, pod-level
//! security groups and resources — the pod fields most stacks set beside their containers.
//!
//! Each type wraps the k8s-openapi value it lowers to (the spec and the schema write it in
//! the API's own shape) and is built through typed constructors.

use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinity,
    PodAffinityTerm, PodAntiAffinity, PreferredSchedulingTerm, Toleration as K8sToleration,
    TopologySpreadConstraint, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::model::name::Name;
use crate::model::resources::Resources;
use crate::util::str_map::StrMap;

/// What a taint does to pods that do not tolerate it.
///
/// ```
/// assert_eq!(kubefit::TaintEffect::NoSchedule.as_str(), "NoSchedule");
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[non_exhaustive]
pub enum TaintEffect {
    /// New pods are not scheduled there.
    NoSchedule,
    /// The scheduler avoids the node when it can.
    PreferNoSchedule,
    /// Running pods are evicted too.
    NoExecute,
}

impl TaintEffect {
    /// The API's spelling.
    ///
    /// ```
    /// assert_eq!(kubefit::TaintEffect::NoExecute.as_str(), "NoExecute");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// A toleration: lets the pods run on nodes with a matching taint (it does not send them
/// there; pair it with a node selector or affinity for dedicated nodes).
///
/// ```
/// use kubefit::{TaintEffect, Toleration};
/// let t = Toleration::equal("dedicated", "search").effect(TaintEffect::NoSchedule);
/// let k = t.to_k8s();
/// assert_eq!((k.key.as_deref(), k.operator.as_deref()), (Some("dedicated"), Some("Equal")));
/// assert_eq!(Toleration::exists("gpu").to_k8s().value, None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Toleration(pub(crate) K8sToleration);

/// k8s-openapi's `Toleration` holds no floating-point value: its equality is total.
impl Eq for Toleration {}

impl Toleration {
    /// Tolerates taints with `key` and `value` (operator `Equal`), of any effect.
    ///
    /// ```
    /// assert_eq!(kubefit::Toleration::equal("a", "b").to_k8s().value.as_deref(), Some("b"));
    /// ```
    #[must_use]
    pub fn equal(key: impl Into<String>, value: impl Into<String>) -> Self {
        Toleration(K8sToleration {
            key: Some(key.into()),
            operator: Some("Equal".into()),
            value: Some(value.into()),
            ..Default::default()
        })
    }

    /// Tolerates taints with `key`, whatever their value (operator `Exists`).
    ///
    /// ```
    /// assert_eq!(kubefit::Toleration::exists("a").to_k8s().operator.as_deref(), Some("Exists"));
    /// ```
    #[must_use]
    pub fn exists(key: impl Into<String>) -> Self {
        Toleration(K8sToleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            ..Default::default()
        })
    }

    /// Tolerates every taint (operator `Exists` without a key) — what node agents in a
    /// DaemonSet usually need to run on every node.
    ///
    /// ```
    /// assert_eq!(kubefit::Toleration::everything().to_k8s().key, None);
    /// ```
    #[must_use]
    pub fn everything() -> Self {
        Toleration(K8sToleration {
            operator: Some("Exists".into()),
            ..Default::default()
        })
    }

    /// Only taints of this effect.
    ///
    /// ```
    /// let t = kubefit::Toleration::exists("a").effect(kubefit::TaintEffect::NoExecute);
    /// assert_eq!(t.to_k8s().effect.as_deref(), Some("NoExecute"));
    /// ```
    #[must_use]
    pub fn effect(mut self, effect: TaintEffect) -> Self {
        self.0.effect = Some(effect.as_str().into());
        self
    }

    /// For a `NoExecute` taint: how long the pod stays bound once the taint appears.
    ///
    /// ```
    /// let t = kubefit::Toleration::exists("node.kubernetes.io/unreachable")
    ///     .effect(kubefit::TaintEffect::NoExecute).for_seconds(30);
    /// assert_eq!(t.to_k8s().toleration_seconds, Some(30));
    /// ```
    #[must_use]
    pub fn for_seconds(mut self, seconds: i64) -> Self {
        self.0.toleration_seconds = Some(seconds);
        self
    }

    /// Whether it tolerates a taint `key=value:effect`, by the scheduler's rule
    /// (k8s.io/api/core/v1/toleration.go, `ToleratesTaint`).
    ///
    /// ```
    /// use kubefit::{TaintEffect, Toleration};
    /// let t = Toleration::equal("dedicated", "search");
    /// assert!(t.tolerates("dedicated", "search", TaintEffect::NoSchedule));
    /// assert!(!t.tolerates("dedicated", "web", TaintEffect::NoSchedule));
    /// assert!(Toleration::everything().tolerates("x", "", TaintEffect::NoExecute));
    /// ```
    #[must_use]
    pub fn tolerates(&self, key: &str, value: &str, effect: TaintEffect) -> bool {
        let t = &self.0;
        if t.effect
            .as_deref()
            .is_some_and(|e| !e.is_empty() && e != effect.as_str())
        {
            return false;
        }
        if t.key.as_deref().is_some_and(|k| !k.is_empty() && k != key) {
            return false;
        }
        match t.operator.as_deref().unwrap_or("Equal") {
            "Exists" => true,
            "" | "Equal" => t.value.as_deref().unwrap_or("") == value,
            _ => false,
        }
    }

    /// Lowers to the k8s-openapi type.
    ///
    /// ```
    /// assert!(kubefit::Toleration::everything().to_k8s().effect.is_none());
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> K8sToleration {
        self.0.clone()
    }
}

/// One set of node label requirements, all of which a node must meet; a pod's required
/// node affinity is met by any one of its terms.
///
/// ```
/// use kubefit::NodeTerm;
/// let t = NodeTerm::new().label_in("topology.kubernetes.io/zone", ["eu-1a", "eu-1b"]).label_exists("ssd");
/// let k = t.to_k8s();
/// assert_eq!(k.match_expressions.unwrap().len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeTerm(pub(crate) NodeSelectorTerm);

/// k8s-openapi's `NodeSelectorTerm` holds no floating-point value: its equality is total.
impl Eq for NodeTerm {}

impl NodeTerm {
    /// A term with no requirement yet.
    ///
    /// ```
    /// assert!(kubefit::NodeTerm::new().to_k8s().match_expressions.is_none());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, key: impl Into<String>, operator: &str, values: Vec<String>) -> Self {
        self.0
            .match_expressions
            .get_or_insert_with(Vec::new)
            .push(NodeSelectorRequirement {
                key: key.into(),
                operator: operator.into(),
                values: (!values.is_empty()).then_some(values),
            });
        self
    }

    /// The node's label `key` is one of `values`.
    ///
    /// ```
    /// let t = kubefit::NodeTerm::new().label_in("kubernetes.io/arch", ["arm64"]);
    /// assert_eq!(t.to_k8s().match_expressions.unwrap()[0].operator, "In");
    /// ```
    #[must_use]
    pub fn label_in<I, S>(self, key: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.with(key, "In", values.into_iter().map(Into::into).collect())
    }

    /// The node's label `key` is none of `values` (or absent).
    ///
    /// ```
    /// let t = kubefit::NodeTerm::new().label_not_in("pool", ["spot"]);
    /// assert_eq!(t.to_k8s().match_expressions.unwrap()[0].operator, "NotIn");
    /// ```
    #[must_use]
    pub fn label_not_in<I, S>(self, key: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.with(key, "NotIn", values.into_iter().map(Into::into).collect())
    }

    /// The node has label `key`.
    ///
    /// ```
    /// let t = kubefit::NodeTerm::new().label_exists("gpu");
    /// assert_eq!(t.to_k8s().match_expressions.unwrap()[0].operator, "Exists");
    /// ```
    #[must_use]
    pub fn label_exists(self, key: impl Into<String>) -> Self {
        self.with(key, "Exists", Vec::new())
    }

    /// The node does not have label `key`.
    ///
    /// ```
    /// let t = kubefit::NodeTerm::new().label_missing("spot");
    /// assert_eq!(t.to_k8s().match_expressions.unwrap()[0].operator, "DoesNotExist");
    /// ```
    #[must_use]
    pub fn label_missing(self, key: impl Into<String>) -> Self {
        self.with(key, "DoesNotExist", Vec::new())
    }

    /// The node's label `key` is an integer greater than `n`.
    ///
    /// ```
    /// let t = kubefit::NodeTerm::new().label_greater_than("cpu-generation", 3);
    /// assert_eq!(t.to_k8s().match_expressions.unwrap()[0].values.as_deref(), Some(&["3".to_owned()][..]));
    /// ```
    #[must_use]
    pub fn label_greater_than(self, key: impl Into<String>, n: i64) -> Self {
        self.with(key, "Gt", vec![n.to_string()])
    }

    /// The node's label `key` is an integer less than `n`.
    ///
    /// ```
    /// let t = kubefit::NodeTerm::new().label_less_than("cpu-generation", 5);
    /// assert_eq!(t.to_k8s().match_expressions.unwrap()[0].operator, "Lt");
    /// ```
    #[must_use]
    pub fn label_less_than(self, key: impl Into<String>, n: i64) -> Self {
        self.with(key, "Lt", vec![n.to_string()])
    }

    /// Whether a node with `labels` meets every requirement, by the scheduler's rule
    /// (k8s.io/component-helpers/scheduling/corev1/nodeaffinity, `NodeSelectorRequirementsAsSelector`).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let t = kubefit::NodeTerm::new().label_in("zone", ["a"]).label_missing("spot");
    /// let node = BTreeMap::from([("zone".to_owned(), "a".to_owned())]);
    /// assert!(t.matches(&node));
    /// ```
    #[must_use]
    pub fn matches(&self, labels: &std::collections::BTreeMap<String, String>) -> bool {
        // A term with no requirement matches no node (the scheduler's rule for an empty
        // term inside required node affinity).
        let Some(reqs) = self.0.match_expressions.as_ref().filter(|r| !r.is_empty()) else {
            return false;
        };
        reqs.iter().all(|r| {
            let values = r.values.as_deref().unwrap_or_default();
            let value = labels.get(&r.key);
            match r.operator.as_str() {
                "In" => value.is_some_and(|v| values.contains(v)),
                "NotIn" => value.is_none_or(|v| !values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                "Gt" | "Lt" => {
                    let (Some(v), Some(n)) = (
                        value.and_then(|v| v.parse::<i64>().ok()),
                        values.first().and_then(|n| n.parse::<i64>().ok()),
                    ) else {
                        return false;
                    };
                    if r.operator == "Gt" { v > n } else { v < n }
                }
                _ => false,
            }
        })
    }

    /// Lowers to the k8s-openapi type.
    ///
    /// ```
    /// assert!(kubefit::NodeTerm::new().to_k8s().match_fields.is_none());
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> NodeSelectorTerm {
        self.0.clone()
    }
}

/// Pods to run near (affinity) or away from (anti-affinity): those with these labels, in
/// the same topology domain (`kubernetes.io/hostname`: node; `topology.kubernetes.io/zone`).
///
/// ```
/// let t = kubefit::PodTerm::new("kubernetes.io/hostname").match_label("app.kubernetes.io/name", "redis");
/// assert_eq!(t.to_k8s().topology_key, "kubernetes.io/hostname");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PodTerm(pub(crate) PodAffinityTerm);

/// k8s-openapi's `PodAffinityTerm` holds no floating-point value: its equality is total.
impl Eq for PodTerm {}

impl PodTerm {
    /// Pods in the same `topology_key` domain; add labels with [`PodTerm::match_label`].
    ///
    /// ```
    /// assert!(kubefit::PodTerm::new("topology.kubernetes.io/zone").to_k8s().label_selector.is_none());
    /// ```
    #[must_use]
    pub fn new(topology_key: impl Into<String>) -> Self {
        PodTerm(PodAffinityTerm {
            topology_key: topology_key.into(),
            ..Default::default()
        })
    }

    /// The pods of a workload (its selector's labels).
    ///
    /// ```
    /// let redis = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"));
    /// let t = kubefit::PodTerm::new("kubernetes.io/hostname").pods_of(&kubefit::WorkloadRef::from(&redis));
    /// assert_eq!(t.to_k8s().label_selector.unwrap().match_labels.unwrap()["app.kubernetes.io/name"], "redis");
    /// ```
    #[must_use]
    pub fn pods_of(mut self, workload: &crate::model::workload::WorkloadRef) -> Self {
        for (k, v) in &workload.selector {
            self = self.match_label(k, v);
        }
        self
    }

    /// Pods with this label.
    ///
    /// ```
    /// let t = kubefit::PodTerm::new("kubernetes.io/hostname").match_label("role", "db");
    /// assert_eq!(t.to_k8s().label_selector.unwrap().match_labels.unwrap()["role"], "db");
    /// ```
    #[must_use]
    pub fn match_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0
            .label_selector
            .get_or_insert_with(LabelSelector::default)
            .match_labels
            .get_or_insert_with(Default::default)
            .insert(key.into(), value.into());
        self
    }

    /// Lowers to the k8s-openapi type.
    ///
    /// ```
    /// assert_eq!(kubefit::PodTerm::new("zone").to_k8s().topology_key, "zone");
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> PodAffinityTerm {
        self.0.clone()
    }
}

/// How pods relate to other pods: required or preferred (with a weight), affinity or
/// anti-affinity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PodRule {
    pub(crate) term: PodTerm,
    pub(crate) anti: bool,
    /// `None`: required during scheduling; `Some(w)`: preferred with weight `w` (1–100).
    pub(crate) weight: Option<i32>,
}

/// Spreads the workload's pods evenly over a topology (nodes, zones): at most `max_skew`
/// more pods in one domain than in the emptiest.
///
/// # Defaults
///
/// `whenUnsatisfiable: DoNotSchedule` (a pod that would break the skew stays Pending; opt
/// out with [`TopologySpread::schedule_anyway`]); the selector is the workload's own pods.
///
/// ```
/// let s = kubefit::TopologySpread::new("kubernetes.io/hostname", 1);
/// assert_eq!(s.to_k8s().when_unsatisfiable, "DoNotSchedule");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TopologySpread(pub(crate) TopologySpreadConstraint);

/// k8s-openapi's `TopologySpreadConstraint` holds no floating-point value.
impl Eq for TopologySpread {}

impl TopologySpread {
    /// At most `max_skew` pods more in one `topology_key` domain than in another.
    ///
    /// ```
    /// assert_eq!(kubefit::TopologySpread::new("topology.kubernetes.io/zone", 2).to_k8s().max_skew, 2);
    /// ```
    #[must_use]
    pub fn new(topology_key: impl Into<String>, max_skew: i32) -> Self {
        TopologySpread(TopologySpreadConstraint {
            topology_key: topology_key.into(),
            max_skew,
            when_unsatisfiable: "DoNotSchedule".into(),
            ..Default::default()
        })
    }

    /// Prefers the spread but schedules a pod that breaks it (`ScheduleAnyway`).
    ///
    /// ```
    /// let s = kubefit::TopologySpread::new("kubernetes.io/hostname", 1).schedule_anyway();
    /// assert_eq!(s.to_k8s().when_unsatisfiable, "ScheduleAnyway");
    /// ```
    #[must_use]
    pub fn schedule_anyway(mut self) -> Self {
        self.0.when_unsatisfiable = "ScheduleAnyway".into();
        self
    }

    /// The fewest eligible domains (with `DoNotSchedule`): fewer count as having 0 pods.
    ///
    /// ```
    /// let s = kubefit::TopologySpread::new("topology.kubernetes.io/zone", 1).min_domains(3);
    /// assert_eq!(s.to_k8s().min_domains, Some(3));
    /// ```
    #[must_use]
    pub fn min_domains(mut self, n: i32) -> Self {
        self.0.min_domains = Some(n);
        self
    }

    /// Lowers to the k8s-openapi type (the workload fills in its own selector).
    ///
    /// ```
    /// assert!(kubefit::TopologySpread::new("zone", 1).to_k8s().label_selector.is_none());
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> TopologySpreadConstraint {
        self.0.clone()
    }
}

/// How a pod resolves names.
///
/// ```
/// assert_eq!(kubefit::DnsPolicy::ClusterFirstWithHostNet.as_str(), "ClusterFirstWithHostNet");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DnsPolicy {
    /// Cluster DNS first, then the node's upstream (the default).
    ClusterFirst,
    /// Cluster DNS for a `hostNetwork` pod (which otherwise gets the node's resolver).
    ClusterFirstWithHostNet,
    /// The node's resolver (`Default` in the API).
    Node,
    /// Only what `dnsConfig` gives (not modelled: set it with a patch).
    None,
}

impl DnsPolicy {
    /// The API's spelling.
    ///
    /// ```
    /// assert_eq!(kubefit::DnsPolicy::Node.as_str(), "Default");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DnsPolicy::ClusterFirst => "ClusterFirst",
            DnsPolicy::ClusterFirstWithHostNet => "ClusterFirstWithHostNet",
            DnsPolicy::Node => "Default",
            DnsPolicy::None => "None",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ClusterFirst" => DnsPolicy::ClusterFirst,
            "ClusterFirstWithHostNet" => DnsPolicy::ClusterFirstWithHostNet,
            "Default" => DnsPolicy::Node,
            "None" => DnsPolicy::None,
            _ => return None,
        })
    }
}

/// The pod fields most pods leave unset, on the heap once one is set (so that every pod
/// template stays small).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct PodExtra {
    pub(crate) tolerations: Vec<Toleration>,
    pub(crate) required_nodes: Vec<NodeTerm>,
    pub(crate) preferred_nodes: Vec<(i32, NodeTerm)>,
    pub(crate) pod_rules: Vec<PodRule>,
    pub(crate) spreads: Vec<TopologySpread>,
    pub(crate) priority_class: Option<Name>,
    pub(crate) runtime_class: Option<Name>,
    pub(crate) image_pull_secrets: Vec<Name>,
    pub(crate) dns_policy: Option<DnsPolicy>,
    pub(crate) supplemental_groups: Vec<i64>,
    /// Overrides the pod's uid as `fsGroup`.
    pub(crate) fs_group: Option<i64>,
    /// `OnRootMismatch` or `Always`.
    pub(crate) fs_group_change_policy: Option<&'static str>,
    /// Pod-level requests and limits (Kubernetes 1.34+, `PodLevelResources`).
    pub(crate) resources: Option<Resources>,
    /// For each init container, how many sidecars start before it, when they do not all
    /// (a pod read as given, with an init container listed before a sidecar); `None`: every
    /// sidecar first, as the builders write them.
    pub(crate) sidecars_before: Option<Vec<usize>>,
}

/// `None` for an empty list, as the API writes an absent field.
pub(crate) fn some<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

impl PodExtra {
    /// The pod's `affinity`: node affinity, pod affinity and anti-affinity, the latter led by
    /// `one_per_node` (kubefit's one-replica-per-node term on the pods' own selector).
    pub(crate) fn affinity(&self, one_per_node: Option<LabelSelector>) -> Option<Affinity> {
        let mut anti_required: Vec<PodAffinityTerm> = one_per_node
            .map(|own| PodAffinityTerm {
                label_selector: Some(own),
                topology_key: "kubernetes.io/hostname".to_owned(),
                ..Default::default()
            })
            .into_iter()
            .collect();
        let (mut required, mut preferred, mut anti_preferred) =
            (Vec::new(), Vec::new(), Vec::new());
        for r in &self.pod_rules {
            let term = r.term.to_k8s();
            match (r.anti, r.weight) {
                (false, None) => required.push(term),
                (true, None) => anti_required.push(term),
                (false, Some(weight)) => preferred.push(WeightedPodAffinityTerm {
                    pod_affinity_term: term,
                    weight,
                }),
                (true, Some(weight)) => anti_preferred.push(WeightedPodAffinityTerm {
                    pod_affinity_term: term,
                    weight,
                }),
            }
        }
        let node_affinity = (!self.required_nodes.is_empty() || !self.preferred_nodes.is_empty())
            .then(|| NodeAffinity {
                required_during_scheduling_ignored_during_execution: (!self
                    .required_nodes
                    .is_empty())
                .then(|| NodeSelector {
                    node_selector_terms: self.required_nodes.iter().map(NodeTerm::to_k8s).collect(),
                }),
                preferred_during_scheduling_ignored_during_execution: some(
                    self.preferred_nodes
                        .iter()
                        .map(|(weight, t)| PreferredSchedulingTerm {
                            preference: t.to_k8s(),
                            weight: *weight,
                        })
                        .collect(),
                ),
            });
        let pod_affinity = (!required.is_empty() || !preferred.is_empty()).then(|| PodAffinity {
            required_during_scheduling_ignored_during_execution: some(required),
            preferred_during_scheduling_ignored_during_execution: some(preferred),
        });
        let pod_anti_affinity =
            (!anti_required.is_empty() || !anti_preferred.is_empty()).then(|| PodAntiAffinity {
                required_during_scheduling_ignored_during_execution: some(anti_required),
                preferred_during_scheduling_ignored_during_execution: some(anti_preferred),
            });
        let any = node_affinity.is_some() || pod_affinity.is_some() || pod_anti_affinity.is_some();
        any.then_some(Affinity {
            node_affinity,
            pod_affinity,
            pod_anti_affinity,
        })
    }

    /// Reads an `affinity` back; returns whether it holds kubefit's one-replica-per-node term
    /// for pods with `labels` (which is then not kept as a rule of its own).
    pub(crate) fn read_affinity(&mut self, affinity: Affinity, labels: &StrMap) -> bool {
        let mut one_per_node = false;
        let anti = affinity.pod_anti_affinity.unwrap_or_default();
        for t in anti
            .required_during_scheduling_ignored_during_execution
            .into_iter()
            .flatten()
        {
            let own = t.topology_key == "kubernetes.io/hostname"
                && t.namespaces.is_none()
                && t.namespace_selector.is_none()
                && t.match_label_keys.is_none()
                && t.mismatch_label_keys.is_none()
                && t.label_selector.as_ref().is_some_and(|s| {
                    s.match_expressions.is_none()
                        && s.match_labels.as_ref().is_some_and(|m| {
                            !m.is_empty() && m.iter().all(|(k, v)| labels.get(k) == Some(v))
                        })
                });
            if own && !one_per_node {
                one_per_node = true;
            } else {
                self.pod_rules.push(PodRule {
                    term: PodTerm(t),
                    anti: true,
                    weight: None,
                });
            }
        }
        let near = affinity.pod_affinity.unwrap_or_default();
        for t in near
            .required_during_scheduling_ignored_during_execution
            .into_iter()
            .flatten()
        {
            self.pod_rules.push(PodRule {
                term: PodTerm(t),
                anti: false,
                weight: None,
            });
        }
        for (anti, preferred) in [
            (
                false,
                near.preferred_during_scheduling_ignored_during_execution,
            ),
            (
                true,
                anti.preferred_during_scheduling_ignored_during_execution,
            ),
        ] {
            for w in preferred.into_iter().flatten() {
                self.pod_rules.push(PodRule {
                    term: PodTerm(w.pod_affinity_term),
                    anti,
                    weight: Some(w.weight),
                });
            }
        }
        let nodes = affinity.node_affinity.unwrap_or_default();
        if let Some(r) = nodes.required_during_scheduling_ignored_during_execution {
            self.required_nodes = r.node_selector_terms.into_iter().map(NodeTerm).collect();
        }
        for p in nodes
            .preferred_during_scheduling_ignored_during_execution
            .into_iter()
            .flatten()
        {
            self.preferred_nodes
                .push((p.weight, NodeTerm(p.preference)));
        }
        one_per_node
    }
}
