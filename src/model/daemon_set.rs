//! DaemonSets.

use k8s_openapi::api::apps::v1::{
    DaemonSet as K8sDaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::model::container::Container;
use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::pod::{PodTemplate, pod_setters, selector_setter};
use crate::model::workload::{IntOrPercent, WorkloadKind, WorkloadRef};
use crate::util::compat::Field;

/// How a DaemonSet replaces its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DaemonUpdate {
    RollingUpdate {
        max_unavailable: IntOrPercent,
        max_surge: IntOrPercent,
    },
    OnDelete,
}

/// A DaemonSet: one pod on every node its pods can land on (log shippers, node exporters,
/// CNI and storage agents).
///
/// The budget counts one pod per node whose labels match the pod's
/// [`node_selector`](DaemonSet::node_selector) — the nodes of [`Platform::nodes`](crate::Platform::nodes)
/// carry `kubernetes.io/arch`, `kubernetes.io/os`, `kubernetes.io/hostname` and
/// [`POOL_LABEL`](crate::POOL_LABEL) — each placed on its own node before the other workloads,
/// as the DaemonSet controller binds them.
///
/// # Defaults
///
/// - Rolling updates with Kubernetes' own bounds: `maxUnavailable: 1`, `maxSurge: 0`
///   (opt out with [`DaemonSet::rolling_update`] or [`DaemonSet::on_delete`]).
/// - The same hardened pod and container defaults as [`Deployment`](crate::Deployment); a node
///   agent that needs the host (hostPath, hostNetwork, privileges) opts out of each, and the
///   lints and the namespace's Pod Security level say what that costs.
///
/// ```
/// use kubefit::{Container, Cpu, DaemonSet, Memory, NodePool, Platform, Resources, Stack};
///
/// let exporter = DaemonSet::new(
///     "node-exporter",
///     Container::new("exporter", "quay.io/prometheus/node-exporter:v1.8.2")
///         .port("metrics", 9100)
///         .resources(Resources::new().requests(Cpu::millis(50), Memory::mebibytes(64))),
/// );
/// let platform = Platform::new("lab", "test", "2026-12")
///     .pool(NodePool::new("node", 3, Cpu::cores(2), Memory::gibibytes(4)));
/// let fit = Stack::new("monitoring").with(exporter).fit(&platform);
/// assert_eq!(fit.workloads()[0].counts.steady, 3); // one per node
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonSet {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) pod: Box<PodTemplate>,
    pub(crate) update: DaemonUpdate,
    pub(crate) min_ready_seconds: Option<i32>,
}

/// Kubernetes' defaults (pkg/apis/apps/v1/defaults.go, SetDefaults_DaemonSet).
pub(crate) const DEFAULT_DAEMON_UPDATE: DaemonUpdate = DaemonUpdate::RollingUpdate {
    max_unavailable: IntOrPercent::Count(1),
    max_surge: IntOrPercent::Count(0),
};

impl DaemonSet {
    /// A DaemonSet named `name` whose pods run `container`.
    ///
    /// ```
    /// let d = kubefit::DaemonSet::new("agent", kubefit::Container::new("agent", "busybox:1.36"));
    /// assert_eq!(d.name().as_str(), "agent");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>, container: Container) -> Self {
        DaemonSet {
            name: name.into(),
            meta: Meta::default(),
            pod: Box::new(PodTemplate::new(container)),
            update: DEFAULT_DAEMON_UPDATE,
            min_ready_seconds: None,
        }
    }

    /// The DaemonSet's name.
    ///
    /// ```
    /// let d = kubefit::DaemonSet::new("agent", kubefit::Container::new("agent", "busybox:1.36"));
    /// assert_eq!(d.name().as_str(), "agent");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Rolls out with these bounds. With `max_surge` above 0 the new pod starts on a node
    /// before the old one stops, so during a rollout each node needs room for both (the
    /// budget's rollout scenario counts two per node); `max_unavailable` must then be 0.
    ///
    /// ```
    /// use kubefit::{Container, DaemonSet, IntOrPercent};
    /// let d = DaemonSet::new("agent", Container::new("agent", "busybox:1.36"))
    ///     .rolling_update(IntOrPercent::Count(0), IntOrPercent::Count(1));
    /// let k = serde_json::to_value(d.to_k8s("ops")).unwrap();
    /// assert_eq!(k["spec"]["updateStrategy"]["rollingUpdate"], serde_json::json!({"maxSurge": 1, "maxUnavailable": 0}));
    /// ```
    #[must_use]
    pub fn rolling_update(
        mut self,
        max_unavailable: IntOrPercent,
        max_surge: IntOrPercent,
    ) -> Self {
        self.update = DaemonUpdate::RollingUpdate {
            max_unavailable,
            max_surge,
        };
        self
    }

    /// Replaces a pod only when it is deleted by hand (`updateStrategy: OnDelete`).
    ///
    /// ```
    /// let d = kubefit::DaemonSet::new("agent", kubefit::Container::new("agent", "busybox:1.36")).on_delete();
    /// let k = serde_json::to_value(d.to_k8s("ops")).unwrap();
    /// assert_eq!(k["spec"]["updateStrategy"], serde_json::json!({"type": "OnDelete"}));
    /// ```
    #[must_use]
    pub fn on_delete(mut self) -> Self {
        self.update = DaemonUpdate::OnDelete;
        self
    }

    /// Seconds a new pod must be ready before it counts as available.
    ///
    /// ```
    /// let d = kubefit::DaemonSet::new("agent", kubefit::Container::new("agent", "busybox:1.36")).min_ready_seconds(10);
    /// assert_eq!(serde_json::to_value(d.to_k8s("ops")).unwrap()["spec"]["minReadySeconds"], 10);
    /// ```
    #[must_use]
    pub fn min_ready_seconds(mut self, seconds: i32) -> Self {
        self.min_ready_seconds = Some(seconds);
        self
    }

    /// Whether a rollout starts new pods beside the old ones (`maxSurge` above 0).
    pub(crate) fn surges(&self) -> bool {
        matches!(self.update, DaemonUpdate::RollingUpdate { max_surge, .. } if max_surge.resolve(1, true) > 0)
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let d = kubefit::DaemonSet::new("agent", kubefit::Container::new("agent", "busybox:1.36"));
    /// let k = serde_json::to_value(d.to_k8s("ops"))?;
    /// assert_eq!(k["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"], "agent");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sDaemonSet {
        let update_strategy = match self.update {
            DaemonUpdate::RollingUpdate {
                max_unavailable,
                max_surge,
            } => DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".to_owned()),
                rolling_update: Some(RollingUpdateDaemonSet {
                    max_surge: Some(max_surge.to_k8s()),
                    max_unavailable: Some(max_unavailable.to_k8s()),
                }),
            },
            DaemonUpdate::OnDelete => DaemonSetUpdateStrategy {
                type_: Some("OnDelete".to_owned()),
                rolling_update: None,
            },
        };
        K8sDaemonSet {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: DaemonSetSpec {
                selector: LabelSelector {
                    match_labels: Some(self.pod.selector(&self.name)),
                    match_expressions: None,
                },
                template: self.pod.to_k8s(&self.name),
                update_strategy: Some(update_strategy),
                min_ready_seconds: self.min_ready_seconds,
                ..Default::default()
            }
            .field(),
            ..Default::default()
        }
    }
}

impl From<&DaemonSet> for WorkloadRef {
    fn from(d: &DaemonSet) -> Self {
        WorkloadRef::new(WorkloadKind::DaemonSet, &d.name, &d.pod)
    }
}

meta_setters!(
    DaemonSet,
    "kubefit::DaemonSet::new(\"agent\", kubefit::Container::new(\"agent\", \"busybox:1.36\"))"
);
crate::model::patch::patch_setter!(
    DaemonSet,
    k8s_openapi::api::apps::v1::DaemonSet,
    "kubefit::DaemonSet::new(\"agent\", kubefit::Container::new(\"agent\", \"busybox:1.36\"))"
);
pod_setters!(
    DaemonSet,
    "kubefit::DaemonSet::new(\"agent\", kubefit::Container::new(\"agent\", \"busybox:1.36\"))"
);
selector_setter!(
    DaemonSet,
    "kubefit::DaemonSet::new(\"agent\", kubefit::Container::new(\"agent\", \"busybox:1.36\"))"
);

crate::model::object::kind!(DaemonSet, "DaemonSet", 11, |x, ns| {
    crate::model::lowered::K8sObject::DaemonSet(x.to_k8s(ns))
});
