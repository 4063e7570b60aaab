//! StatefulSets.

use k8s_openapi::api::apps::v1::{
    StatefulSet as K8sStatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::model::container::Container;
use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::pod::{PodTemplate, pod_setters, selector_setter};
use crate::model::pvc::PersistentVolumeClaim;
use crate::model::service::Service;
use crate::model::workload::{IntOrPercent, WorkloadKind, WorkloadRef};
use crate::util::compat::Field;

/// A StatefulSet: replicas with stable names and their own volumes (databases, brokers).
///
/// # Defaults
///
/// - 1 replica, `podManagementPolicy: OrderedReady`, `updateStrategy: RollingUpdate`.
/// - `serviceName` is the StatefulSet's own name; [`StatefulSet::headless_service`] builds
///   that Service.
/// - The same hardened pod and container defaults as [`Deployment`](crate::Deployment).
///
/// ```
/// use kubefit::{Container, PersistentVolumeClaim, Probe, Stack, StatefulSet, Storage};
///
/// let pg = StatefulSet::new(
///     "postgres",
///     Container::new("postgres", "postgres:16.4")
///         .port("postgres", 5432)
///         .mount("data", "/var/lib/postgresql/data")
///         .readiness(Probe::exec(["pg_isready"])),
/// )
/// .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(10)));
/// let svc = pg.headless_service();
/// let stack = Stack::new("shop").with(pg).with(svc);
/// assert!(!stack.check().has_errors());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatefulSet {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) pod: Box<PodTemplate>,
    pub(crate) replicas: i32,
    pub(crate) service_name: Name,
    pub(crate) claims: Vec<PersistentVolumeClaim>,
    pub(crate) parallel: bool,
    /// Rolling update: pods that may be down at once (`MaxUnavailableStatefulSet`, beta
    /// in 1.35; without the feature gate the API server drops it) and the partition.
    pub(crate) max_unavailable: Option<IntOrPercent>,
    pub(crate) partition: Option<i32>,
}

impl StatefulSet {
    /// A StatefulSet named `name` whose pods run `container`.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"));
    /// assert_eq!(s.name().as_str(), "redis");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>, container: Container) -> Self {
        let name = name.into();
        StatefulSet {
            service_name: name.clone(),
            name,
            meta: Meta::default(),
            pod: Box::new(PodTemplate::new(container)),
            replicas: 1,
            claims: Vec::new(),
            parallel: false,
            max_unavailable: None,
            partition: None,
        }
    }

    /// The StatefulSet's name.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"));
    /// assert_eq!(s.name().as_str(), "redis");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Sets the number of replicas.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4")).replicas(3);
    /// assert_eq!(s.replica_count(), 3);
    /// ```
    #[must_use]
    pub fn replicas(mut self, replicas: i32) -> Self {
        self.replicas = replicas;
        self
    }

    /// The number of replicas.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"));
    /// assert_eq!(s.replica_count(), 1);
    /// ```
    #[must_use]
    pub fn replica_count(&self) -> i32 {
        self.replicas
    }

    /// Adds a volume claim template; each replica gets its own claim, mountable by the
    /// template's name.
    ///
    /// ```
    /// use kubefit::{Container, PersistentVolumeClaim, StatefulSet, Storage};
    /// let s = StatefulSet::new("db", Container::new("db", "postgres:16.4").mount("data", "/data"))
    ///     .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(5)));
    /// assert_eq!(s.volume_claims().len(), 1);
    /// ```
    #[must_use]
    pub fn volume_claim(mut self, claim: PersistentVolumeClaim) -> Self {
        self.claims.push(claim);
        self
    }

    /// The volume claim templates.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"));
    /// assert!(s.volume_claims().is_empty());
    /// ```
    #[must_use]
    pub fn volume_claims(&self) -> &[PersistentVolumeClaim] {
        &self.claims
    }

    /// Names the governing Service (defaults to the StatefulSet's name).
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"))
    ///     .service_name("redis-headless");
    /// let k = serde_json::to_value(s.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["serviceName"], "redis-headless");
    /// ```
    #[must_use]
    pub fn service_name(mut self, name: impl Into<Name>) -> Self {
        self.service_name = name.into();
        self
    }

    /// Starts and stops pods in parallel instead of one at a time.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4")).parallel();
    /// let k = serde_json::to_value(s.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["podManagementPolicy"], "Parallel");
    /// ```
    #[must_use]
    pub fn parallel(mut self) -> Self {
        self.parallel = true;
        self
    }

    /// Lets a rolling update replace up to `n` pods at once instead of one
    /// (`maxUnavailable`; needs the `MaxUnavailableStatefulSet` feature, beta since
    /// Kubernetes 1.35 — without it the API server drops the field and pods roll one by one).
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("kafka", kubefit::Container::new("k", "apache/kafka:3.8.0"))
    ///     .max_unavailable(kubefit::IntOrPercent::Count(2));
    /// let k = serde_json::to_value(s.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"], 2);
    /// ```
    #[must_use]
    pub fn max_unavailable(mut self, n: IntOrPercent) -> Self {
        self.max_unavailable = Some(n);
        self
    }

    /// Updates only the pods with an ordinal of at least `partition` (a staged rollout).
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("db", kubefit::Container::new("db", "postgres:16.4")).partition(2);
    /// let k = serde_json::to_value(s.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 2);
    /// ```
    #[must_use]
    pub fn partition(mut self, partition: i32) -> Self {
        self.partition = Some(partition);
        self
    }

    /// Whether pods roll one at a time (`OrderedReady`), i.e. without surge.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"));
    /// assert!(s.is_ordered_ready());
    /// ```
    #[must_use]
    pub fn is_ordered_ready(&self) -> bool {
        !self.parallel
    }

    /// The headless Service (`clusterIP: None`) that governs this StatefulSet, named
    /// after [`StatefulSet::service_name`], exposing every named container port.
    ///
    /// ```
    /// use kubefit::{Container, StatefulSet};
    /// let s = StatefulSet::new("redis", Container::new("redis", "redis:7.4").port("redis", 6379));
    /// let svc = s.headless_service();
    /// assert!(svc.is_headless());
    /// assert_eq!(svc.name().as_str(), "redis");
    /// ```
    #[must_use]
    pub fn headless_service(&self) -> Service {
        Service::expose_as(self.service_name.clone(), &WorkloadRef::from(self)).headless()
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let s = kubefit::StatefulSet::new("redis", kubefit::Container::new("redis", "redis:7.4"));
    /// assert_eq!(serde_json::to_value(s.to_k8s("shop"))?["spec"]["serviceName"], "redis");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sStatefulSet {
        K8sStatefulSet {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: StatefulSetSpec {
                replicas: Some(self.replicas),
                service_name: Some(self.service_name.to_string()),
                pod_management_policy: Some(
                    if self.parallel {
                        "Parallel"
                    } else {
                        "OrderedReady"
                    }
                    .to_owned(),
                ),
                update_strategy: Some(StatefulSetUpdateStrategy {
                    type_: Some("RollingUpdate".to_owned()),
                    rolling_update: (self.max_unavailable.is_some() || self.partition.is_some())
                        .then(
                            || k8s_openapi::api::apps::v1::RollingUpdateStatefulSetStrategy {
                                max_unavailable: self.max_unavailable.map(IntOrPercent::to_k8s),
                                partition: self.partition,
                            },
                        ),
                }),
                selector: LabelSelector {
                    match_labels: Some(self.pod.selector(&self.name)),
                    match_expressions: None,
                },
                template: self.pod.to_k8s(&self.name),
                volume_claim_templates: (!self.claims.is_empty())
                    .then(|| self.claims.iter().map(|c| c.to_k8s(None)).collect()),
                ..Default::default()
            }
            .field(),
            ..Default::default()
        }
    }
}

impl From<&StatefulSet> for WorkloadRef {
    fn from(s: &StatefulSet) -> Self {
        WorkloadRef::new(WorkloadKind::StatefulSet, &s.name, &s.pod)
    }
}

meta_setters!(
    StatefulSet,
    "kubefit::StatefulSet::new(\"db\", kubefit::Container::new(\"db\", \"postgres:16.4\"))"
);
crate::model::patch::patch_setter!(
    StatefulSet,
    k8s_openapi::api::apps::v1::StatefulSet,
    "kubefit::StatefulSet::new(\"db\", kubefit::Container::new(\"db\", \"postgres:16.4\"))"
);
pod_setters!(
    StatefulSet,
    "kubefit::StatefulSet::new(\"db\", kubefit::Container::new(\"db\", \"postgres:16.4\"))"
);
selector_setter!(
    StatefulSet,
    "kubefit::StatefulSet::new(\"db\", kubefit::Container::new(\"db\", \"postgres:16.4\"))"
);

crate::model::object::kind!(StatefulSet, "StatefulSet", 10, |x, ns| {
    crate::model::lowered::K8sObject::StatefulSet(x.to_k8s(ns))
});
