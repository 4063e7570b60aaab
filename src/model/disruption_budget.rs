//! PodDisruptionBudgets.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget as K8sPdb, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::workload::{IntOrPercent, WorkloadRef};

/// A PodDisruptionBudget for a workload, named after it. Defaults to `minAvailable: 1`, which
/// on a workload of one replica allows no eviction at all (`pdb-blocks-drain`): use
/// [`PodDisruptionBudget::max_unavailable`] where the replicas may be 1.
///
/// ```
/// use kubefit::{Container, Deployment, IntOrPercent, PodDisruptionBudget};
///
/// let api = Deployment::new("api", Container::new("api", "nginx:1.27")).replicas(3);
/// let pdb = PodDisruptionBudget::new(&api).max_unavailable(IntOrPercent::Count(1));
/// assert_eq!(pdb.name().as_str(), "api");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodDisruptionBudget {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) target: WorkloadRef,
    pub(crate) min_available: Option<IntOrPercent>,
    pub(crate) max_unavailable: Option<IntOrPercent>,
}

impl PodDisruptionBudget {
    /// A budget keeping at least one pod of `workload` during voluntary disruptions.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, PodDisruptionBudget};
    /// let pdb = PodDisruptionBudget::new(&Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let spec = pdb.to_k8s("shop").spec.unwrap();
    /// assert_eq!(spec.selector.unwrap().match_labels.unwrap()["app.kubernetes.io/name"], "api");
    /// ```
    #[must_use]
    pub fn new(workload: impl Into<WorkloadRef>) -> Self {
        let target = workload.into();
        PodDisruptionBudget {
            name: target.name.clone(),
            meta: Meta::default(),
            target,
            min_available: Some(IntOrPercent::Count(1)),
            max_unavailable: None,
        }
    }

    /// The budget's name.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, PodDisruptionBudget};
    /// let pdb = PodDisruptionBudget::new(&Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// assert_eq!(pdb.name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Keeps at least this many pods (replaces `maxUnavailable`).
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, IntOrPercent, PodDisruptionBudget};
    /// let pdb = PodDisruptionBudget::new(&Deployment::new("api", Container::new("api", "nginx:1.27")))
    ///     .min_available(IntOrPercent::Percent(50));
    /// let spec = pdb.to_k8s("shop").spec.unwrap();
    /// assert_eq!(spec.min_available, Some(kubefit::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String("50%".into())));
    /// ```
    #[must_use]
    pub fn min_available(mut self, n: IntOrPercent) -> Self {
        self.min_available = Some(n);
        self.max_unavailable = None;
        self
    }

    /// Allows at most this many pods down (replaces `minAvailable`).
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, IntOrPercent, PodDisruptionBudget};
    /// let pdb = PodDisruptionBudget::new(&Deployment::new("api", Container::new("api", "nginx:1.27")))
    ///     .max_unavailable(IntOrPercent::Count(1));
    /// let spec = pdb.to_k8s("shop").spec.unwrap();
    /// assert_eq!(spec.max_unavailable, Some(kubefit::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(1)));
    /// ```
    #[must_use]
    pub fn max_unavailable(mut self, n: IntOrPercent) -> Self {
        self.max_unavailable = Some(n);
        self.min_available = None;
        self
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, PodDisruptionBudget};
    /// let pdb = PodDisruptionBudget::new(&Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// assert!(pdb.to_k8s("shop").spec.unwrap().min_available.is_some());
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sPdb {
        K8sPdb {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: Some(PodDisruptionBudgetSpec {
                selector: Some(LabelSelector {
                    match_labels: Some(self.target.selector.clone()),
                    match_expressions: None,
                }),
                min_available: self.min_available.map(IntOrPercent::to_k8s),
                max_unavailable: self.max_unavailable.map(IntOrPercent::to_k8s),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

meta_setters!(
    PodDisruptionBudget,
    "kubefit::PodDisruptionBudget::new(&kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\")))"
);
crate::model::patch::patch_setter!(
    PodDisruptionBudget,
    k8s_openapi::api::policy::v1::PodDisruptionBudget,
    "kubefit::PodDisruptionBudget::new(&kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\")))"
);

crate::model::object::kind!(PodDisruptionBudget, "PodDisruptionBudget", 14, |x, ns| {
    crate::model::lowered::K8sObject::PodDisruptionBudget(x.to_k8s(ns))
});
