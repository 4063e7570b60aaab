//! HorizontalPodAutoscalers (autoscaling/v2).

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler as K8sHpa, HorizontalPodAutoscalerSpec,
    MetricSpec, MetricTarget, ResourceMetricSource,
};

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::workload::WorkloadRef;
use crate::util::compat::Field;

/// A HorizontalPodAutoscaler (`autoscaling/v2`) scaling a workload on CPU and/or memory
/// utilisation, named after the workload.
///
/// ```
/// use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
///
/// let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
/// let hpa = HorizontalPodAutoscaler::new(&api, 2, 5).cpu_utilization(70);
/// assert_eq!(hpa.max_replicas(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HorizontalPodAutoscaler {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) target: WorkloadRef,
    pub(crate) min: i32,
    pub(crate) max: i32,
    pub(crate) cpu: Option<i32>,
    pub(crate) memory: Option<i32>,
}

impl HorizontalPodAutoscaler {
    /// Scales `workload` between `min` and `max` replicas.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// let hpa = HorizontalPodAutoscaler::new(&api, 1, 3);
    /// assert_eq!(hpa.name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn new(workload: impl Into<WorkloadRef>, min: i32, max: i32) -> Self {
        let target = workload.into();
        HorizontalPodAutoscaler {
            name: target.name.clone(),
            meta: Meta::default(),
            target,
            min,
            max,
            cpu: None,
            memory: None,
        }
    }

    /// The autoscaler's name (the workload's).
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// # let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// assert_eq!(HorizontalPodAutoscaler::new(&api, 1, 3).name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Targets this average CPU utilisation, in percent of the CPU request.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// # let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// let hpa = HorizontalPodAutoscaler::new(&api, 1, 3).cpu_utilization(80);
    /// let k = serde_json::to_value(hpa.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["metrics"][0]["resource"]["name"], "cpu");
    /// assert_eq!(k["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 80);
    /// ```
    #[must_use]
    pub fn cpu_utilization(mut self, percent: i32) -> Self {
        self.cpu = Some(percent);
        self
    }

    /// Targets this average memory utilisation, in percent of the memory request.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// # let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// let hpa = HorizontalPodAutoscaler::new(&api, 1, 3).memory_utilization(80);
    /// let k = serde_json::to_value(hpa.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["metrics"][0]["resource"]["name"], "memory");
    /// ```
    #[must_use]
    pub fn memory_utilization(mut self, percent: i32) -> Self {
        self.memory = Some(percent);
        self
    }

    /// The lower bound.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// # let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// assert_eq!(HorizontalPodAutoscaler::new(&api, 2, 3).min_replicas(), 2);
    /// ```
    #[must_use]
    pub fn min_replicas(&self) -> i32 {
        self.min
    }

    /// The upper bound.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// # let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// assert_eq!(HorizontalPodAutoscaler::new(&api, 2, 3).max_replicas(), 3);
    /// ```
    #[must_use]
    pub fn max_replicas(&self) -> i32 {
        self.max
    }

    /// The workload it scales.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// # let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// assert_eq!(HorizontalPodAutoscaler::new(&api, 1, 2).target().name.as_str(), "api");
    /// ```
    #[must_use]
    pub fn target(&self) -> &WorkloadRef {
        &self.target
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// # use kubefit::{Container, Deployment, HorizontalPodAutoscaler};
    /// # let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// let k = HorizontalPodAutoscaler::new(&api, 1, 2).cpu_utilization(70).to_k8s("shop");
    /// // (`spec` is optional before Kubernetes 1.37 and required from it: compare the JSON.)
    /// assert_eq!(serde_json::to_value(&k)?["spec"]["maxReplicas"], 2);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sHpa {
        let metric = |resource: &str, percent: i32| MetricSpec {
            type_: "Resource".to_owned(),
            resource: Some(ResourceMetricSource {
                name: resource.to_owned(),
                target: MetricTarget {
                    type_: "Utilization".to_owned(),
                    average_utilization: Some(percent),
                    ..Default::default()
                },
            }),
            ..Default::default()
        };
        let mut metrics = Vec::new();
        if let Some(p) = self.cpu {
            metrics.push(metric("cpu", p));
        }
        if let Some(p) = self.memory {
            metrics.push(metric("memory", p));
        }
        K8sHpa {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: HorizontalPodAutoscalerSpec {
                scale_target_ref: CrossVersionObjectReference {
                    api_version: Some("apps/v1".to_owned()),
                    kind: self.target.kind.to_string(),
                    name: self.target.name.to_string(),
                },
                min_replicas: Some(self.min),
                max_replicas: self.max,
                metrics: (!metrics.is_empty()).then_some(metrics),
                behavior: None,
            }
            .field(),
            ..Default::default()
        }
    }
}

meta_setters!(
    HorizontalPodAutoscaler,
    "kubefit::HorizontalPodAutoscaler::new(&kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\")), 1, 3)"
);
crate::model::patch::patch_setter!(
    HorizontalPodAutoscaler,
    k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler,
    "kubefit::HorizontalPodAutoscaler::new(&kubefit::Deployment::new(\"api\", kubefit::Container::new(\"api\", \"nginx:1.27\")), 1, 3)"
);

crate::model::object::kind!(
    HorizontalPodAutoscaler,
    "HorizontalPodAutoscaler",
    13,
    |x, ns| crate::model::lowered::K8sObject::HorizontalPodAutoscaler(x.to_k8s(ns))
);
