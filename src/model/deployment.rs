//! Deployments.

use k8s_openapi::api::apps::v1::{
    Deployment as K8sDeployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::model::container::Container;
use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::pod::{PodTemplate, pod_setters, selector_setter};
use crate::model::workload::{IntOrPercent, WorkloadKind, WorkloadRef};
use crate::util::compat::Field;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Strategy {
    RollingUpdate {
        max_surge: IntOrPercent,
        max_unavailable: IntOrPercent,
    },
    Recreate,
}

/// Zero-downtime rolling updates: one extra pod per four, none taken down early.
pub(crate) const DEFAULT_STRATEGY: Strategy = Strategy::RollingUpdate {
    max_surge: IntOrPercent::Percent(25),
    max_unavailable: IntOrPercent::Count(0),
};

/// A Deployment: stateless replicas of a pod.
///
/// # Defaults
///
/// - 1 replica.
/// - Zero-downtime rolling updates: `maxSurge: 25%`, `maxUnavailable: 0`
///   (opt out with [`Deployment::rolling_update`] or [`Deployment::recreate`]).
/// - Pod security context: `runAsNonRoot`, UID/GID/fsGroup 10001, seccomp `RuntimeDefault`;
///   `automountServiceAccountToken: false`
///   (opt out with [`Deployment::pod_run_as_user`] and
///   [`Deployment::automount_service_account_token`]).
/// - Containers are hardened too: see [`Container`].
/// - Selector `app.kubernetes.io/name: <name>`, also set on the pods.
///
/// ```
/// use kubefit::{Container, Deployment, Stack};
///
/// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080))
///     .replicas(3);
/// assert_eq!(web.replica_count(), 3);
/// let stack = Stack::new("shop").with(web);
/// assert!(!stack.check().has_errors());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) pod: Box<PodTemplate>,
    pub(crate) replicas: i32,
    pub(crate) strategy: Strategy,
}

impl Deployment {
    /// A Deployment named `name` whose pods run `container`.
    ///
    /// ```
    /// let d = kubefit::Deployment::new("api", kubefit::Container::new("api", "nginx:1.27"));
    /// assert_eq!(d.name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>, container: Container) -> Self {
        Deployment {
            name: name.into(),
            meta: Meta::default(),
            pod: Box::new(PodTemplate::new(container)),
            replicas: 1,
            strategy: DEFAULT_STRATEGY,
        }
    }

    /// The Deployment's name.
    ///
    /// ```
    /// let d = kubefit::Deployment::new("api", kubefit::Container::new("api", "nginx:1.27"));
    /// assert_eq!(d.name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Sets the number of replicas.
    ///
    /// ```
    /// let d = kubefit::Deployment::new("api", kubefit::Container::new("api", "nginx:1.27")).replicas(2);
    /// assert_eq!(d.replica_count(), 2);
    /// ```
    #[must_use]
    pub fn replicas(mut self, replicas: i32) -> Self {
        self.replicas = replicas;
        self
    }

    /// The number of replicas.
    ///
    /// ```
    /// let d = kubefit::Deployment::new("api", kubefit::Container::new("api", "nginx:1.27"));
    /// assert_eq!(d.replica_count(), 1);
    /// ```
    #[must_use]
    pub fn replica_count(&self) -> i32 {
        self.replicas
    }

    /// Rolls out with these bounds.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, IntOrPercent};
    /// let d = Deployment::new("api", Container::new("api", "nginx:1.27"))
    ///     .rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(0));
    /// let k = serde_json::to_value(d.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["strategy"]["rollingUpdate"], serde_json::json!({"maxSurge": 1, "maxUnavailable": 0}));
    /// ```
    #[must_use]
    pub fn rolling_update(
        mut self,
        max_surge: IntOrPercent,
        max_unavailable: IntOrPercent,
    ) -> Self {
        self.strategy = Strategy::RollingUpdate {
            max_surge,
            max_unavailable,
        };
        self
    }

    /// Stops every old pod before starting new ones (downtime, but no surge).
    ///
    /// ```
    /// let d = kubefit::Deployment::new("api", kubefit::Container::new("api", "nginx:1.27")).recreate();
    /// let k = serde_json::to_value(d.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["strategy"], serde_json::json!({"type": "Recreate"}));
    /// ```
    #[must_use]
    pub fn recreate(mut self) -> Self {
        self.strategy = Strategy::Recreate;
        self
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let d = kubefit::Deployment::new("api", kubefit::Container::new("api", "nginx:1.27"));
    /// let k = d.to_k8s("shop");
    /// assert_eq!(serde_json::to_value(&k)?["spec"]["replicas"], 1);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sDeployment {
        let strategy = match &self.strategy {
            Strategy::RollingUpdate {
                max_surge,
                max_unavailable,
            } => DeploymentStrategy {
                type_: Some("RollingUpdate".to_owned()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(max_surge.to_k8s()),
                    max_unavailable: Some(max_unavailable.to_k8s()),
                }),
            },
            Strategy::Recreate => DeploymentStrategy {
                type_: Some("Recreate".to_owned()),
                rolling_update: None,
            },
        };
        K8sDeployment {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: DeploymentSpec {
                replicas: Some(self.replicas),
                selector: LabelSelector {
                    match_labels: Some(self.pod.selector(&self.name)),
                    match_expressions: None,
                },
                strategy: Some(strategy),
                template: self.pod.to_k8s(&self.name),
                ..Default::default()
            }
            .field(),
            ..Default::default()
        }
    }
}

impl From<&Deployment> for WorkloadRef {
    fn from(d: &Deployment) -> Self {
        WorkloadRef::new(WorkloadKind::Deployment, &d.name, &d.pod)
    }
}

meta_setters!(
    Deployment,
    "kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\"))"
);
crate::model::patch::patch_setter!(
    Deployment,
    k8s_openapi::api::apps::v1::Deployment,
    "kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\"))"
);
pod_setters!(
    Deployment,
    "kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\"))"
);
selector_setter!(
    Deployment,
    "kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\"))"
);

crate::model::object::kind!(Deployment, "Deployment", 9, |x, ns| {
    crate::model::lowered::K8sObject::Deployment(x.to_k8s(ns))
});
