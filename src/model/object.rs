//! Everything a stack can hold.

use crate::model::autoscaler::HorizontalPodAutoscaler;
use crate::model::config_map::ConfigMap;
use crate::model::custom::CustomObject;
use crate::model::deployment::Deployment;
use crate::model::disruption_budget::PodDisruptionBudget;
use crate::model::ingress::Ingress;
use crate::model::limit_range::LimitRange;
use crate::model::meta::Meta;
use crate::model::name::Name;
use crate::model::network_policy::NetworkPolicy;
use crate::model::pvc::PersistentVolumeClaim;
use crate::model::resource_quota::ResourceQuota;
use crate::model::secret::Secret;
use crate::model::service::Service;
use crate::model::service_account::ServiceAccount;
use crate::model::statefulset::StatefulSet;

/// One object of a [`Stack`](crate::Stack). Every builder converts into it, so
/// `stack.with(x)` takes any of them.
///
/// ```
/// use kubefit::{ConfigMap, Object};
///
/// let o = Object::from(ConfigMap::new("cfg"));
/// assert_eq!(o.kind(), "ConfigMap");
/// assert_eq!(o.name().as_str(), "cfg");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Object {
    /// A ResourceQuota.
    ResourceQuota(ResourceQuota),
    /// A LimitRange.
    LimitRange(LimitRange),
    /// A ServiceAccount.
    ServiceAccount(ServiceAccount),
    /// A NetworkPolicy.
    NetworkPolicy(NetworkPolicy),
    /// A ConfigMap.
    ConfigMap(ConfigMap),
    /// A Secret.
    Secret(Secret),
    /// A PersistentVolumeClaim.
    PersistentVolumeClaim(PersistentVolumeClaim),
    /// A Service.
    Service(Service),
    /// A Deployment.
    Deployment(Deployment),
    /// A StatefulSet.
    StatefulSet(StatefulSet),
    /// A HorizontalPodAutoscaler.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    /// A PodDisruptionBudget.
    PodDisruptionBudget(PodDisruptionBudget),
    /// An Ingress.
    Ingress(Ingress),
    /// An instance of a custom resource.
    Custom(CustomObject),
}

impl Object {
    /// The Kubernetes kind.
    ///
    /// ```
    /// assert_eq!(kubefit::Object::from(kubefit::Service::new("a")).kind(), "Service");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &str {
        match self {
            Object::Custom(o) => &o.kind,
            Object::ResourceQuota(_) => "ResourceQuota",
            Object::LimitRange(_) => "LimitRange",
            Object::ServiceAccount(_) => "ServiceAccount",
            Object::NetworkPolicy(_) => "NetworkPolicy",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Secret(_) => "Secret",
            Object::PersistentVolumeClaim(_) => "PersistentVolumeClaim",
            Object::Service(_) => "Service",
            Object::Deployment(_) => "Deployment",
            Object::StatefulSet(_) => "StatefulSet",
            Object::HorizontalPodAutoscaler(_) => "HorizontalPodAutoscaler",
            Object::PodDisruptionBudget(_) => "PodDisruptionBudget",
            Object::Ingress(_) => "Ingress",
        }
    }

    /// The object's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Object::from(kubefit::Service::new("a")).name().as_str(), "a");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        match self {
            Object::ResourceQuota(o) => &o.name,
            Object::LimitRange(o) => &o.name,
            Object::ServiceAccount(o) => &o.name,
            Object::NetworkPolicy(o) => &o.name,
            Object::ConfigMap(o) => &o.name,
            Object::Secret(o) => &o.name,
            Object::PersistentVolumeClaim(o) => &o.name,
            Object::Service(o) => &o.name,
            Object::Deployment(o) => &o.name,
            Object::StatefulSet(o) => &o.name,
            Object::HorizontalPodAutoscaler(o) => &o.name,
            Object::PodDisruptionBudget(o) => &o.name,
            Object::Ingress(o) => &o.name,
            Object::Custom(o) => &o.name,
        }
    }

    /// `kind/name` with the kind in lowercase, as diagnostics name objects.
    ///
    /// ```
    /// assert_eq!(kubefit::Object::from(kubefit::Service::new("a")).reference(), "service/a");
    /// ```
    #[must_use]
    pub fn reference(&self) -> String {
        let mut out = String::new();
        self.reference_into(&mut out);
        out
    }

    /// [`Object::reference`] written over `out` (whose allocation is reused).
    pub(crate) fn reference_into(&self, out: &mut String) {
        let kind = self.kind();
        let name = self.name().as_str();
        out.clear();
        out.reserve(kind.len() + 1 + name.len());
        if kind.is_ascii() {
            out.push_str(kind);
            out.make_ascii_lowercase();
        } else {
            out.extend(kind.chars().flat_map(char::to_lowercase));
        }
        out.push('/');
        out.push_str(name);
    }

    /// Position in the apply-safe emission order: things others depend on come first.
    pub(crate) fn order(&self) -> u8 {
        match self {
            Object::LimitRange(_) => 0,
            Object::ResourceQuota(_) => 1,
            Object::ServiceAccount(_) => 2,
            Object::NetworkPolicy(_) => 3,
            Object::ConfigMap(_) => 4,
            Object::Secret(_) => 5,
            Object::PersistentVolumeClaim(_) => 6,
            Object::Service(_) => 7,
            Object::Deployment(_) => 8,
            Object::StatefulSet(_) => 9,
            Object::HorizontalPodAutoscaler(_) => 10,
            Object::PodDisruptionBudget(_) => 11,
            Object::Ingress(_) => 12,
            Object::Custom(_) => 13,
        }
    }

    pub(crate) fn meta(&self) -> &Meta {
        match self {
            Object::ResourceQuota(o) => &o.meta,
            Object::LimitRange(o) => &o.meta,
            Object::ServiceAccount(o) => &o.meta,
            Object::NetworkPolicy(o) => &o.meta,
            Object::ConfigMap(o) => &o.meta,
            Object::Secret(o) => &o.meta,
            Object::PersistentVolumeClaim(o) => &o.meta,
            Object::Service(o) => &o.meta,
            Object::Deployment(o) => &o.meta,
            Object::StatefulSet(o) => &o.meta,
            Object::HorizontalPodAutoscaler(o) => &o.meta,
            Object::PodDisruptionBudget(o) => &o.meta,
            Object::Ingress(o) => &o.meta,
            Object::Custom(o) => &o.meta,
        }
    }
}

macro_rules! object_from {
    ($($variant:ident),*) => {
        $(impl From<$variant> for Object {
            fn from(o: $variant) -> Self {
                Object::$variant(o)
            }
        })*
    };
}

object_from!(
    ResourceQuota,
    LimitRange,
    ServiceAccount,
    NetworkPolicy,
    ConfigMap,
    Secret,
    PersistentVolumeClaim,
    Service,
    Deployment,
    StatefulSet,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    Ingress
);

impl From<CustomObject> for Object {
    fn from(o: CustomObject) -> Self {
        Object::Custom(o)
    }
}
