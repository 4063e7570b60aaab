//! The lowered form of an object: its k8s-openapi type, ready to serialise.

use serde::Serialize;

/// A lowered Kubernetes object, ready to serialise.
///
/// ```
/// use kubefit::{K8sObject, Stack};
/// let m = Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
/// assert!(matches!(m.documents()[0].object(), K8sObject::Namespace(_)));
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum K8sObject {
    /// A `Namespace` (the k8s-openapi type of the same name).
    Namespace(k8s_openapi::api::core::v1::Namespace),
    /// A `ResourceQuota` (the k8s-openapi type of the same name).
    ResourceQuota(k8s_openapi::api::core::v1::ResourceQuota),
    /// A `LimitRange` (the k8s-openapi type of the same name).
    LimitRange(k8s_openapi::api::core::v1::LimitRange),
    /// A `ServiceAccount` (the k8s-openapi type of the same name).
    ServiceAccount(k8s_openapi::api::core::v1::ServiceAccount),
    /// A `NetworkPolicy` (the k8s-openapi type of the same name).
    NetworkPolicy(k8s_openapi::api::networking::v1::NetworkPolicy),
    /// A `ConfigMap` (the k8s-openapi type of the same name).
    ConfigMap(k8s_openapi::api::core::v1::ConfigMap),
    /// A `Secret` (the k8s-openapi type of the same name).
    Secret(k8s_openapi::api::core::v1::Secret),
    /// A `PersistentVolumeClaim` (the k8s-openapi type of the same name).
    PersistentVolumeClaim(k8s_openapi::api::core::v1::PersistentVolumeClaim),
    /// A `Service` (the k8s-openapi type of the same name).
    Service(k8s_openapi::api::core::v1::Service),
    /// A `Deployment` (the k8s-openapi type of the same name).
    Deployment(k8s_openapi::api::apps::v1::Deployment),
    /// A `StatefulSet` (the k8s-openapi type of the same name).
    StatefulSet(k8s_openapi::api::apps::v1::StatefulSet),
    /// A `DaemonSet` (the k8s-openapi type of the same name).
    DaemonSet(k8s_openapi::api::apps::v1::DaemonSet),
    /// A `Job` (the k8s-openapi type of the same name), boxed: larger than the other kinds.
    Job(Box<k8s_openapi::api::batch::v1::Job>),
    /// A `CronJob` (the k8s-openapi type of the same name), boxed: the largest kind.
    CronJob(Box<k8s_openapi::api::batch::v1::CronJob>),
    /// A `HorizontalPodAutoscaler` (the k8s-openapi type of the same name).
    HorizontalPodAutoscaler(k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler),
    /// A `PodDisruptionBudget` (the k8s-openapi type of the same name).
    PodDisruptionBudget(k8s_openapi::api::policy::v1::PodDisruptionBudget),
    /// A `Ingress` (the k8s-openapi type of the same name).
    Ingress(k8s_openapi::api::networking::v1::Ingress),
    /// An instance of a custom resource, as JSON.
    Custom(serde_json::Value),
}
