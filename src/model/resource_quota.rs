//! ResourceQuota: the cluster enforces the namespace budget kubefit checked.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ResourceQuota as K8sResourceQuota, ResourceQuotaSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::units::cpu::Cpu;
use crate::units::memory::{Memory, Storage};

/// A ResourceQuota capping the namespace's totals. Build it from a checked budget with
/// [`FitReport::resource_quota`](crate::FitReport::resource_quota), so the cluster enforces what kubefit checked.
///
/// ```
/// use kubefit::{Cpu, Memory, ResourceQuota};
/// let q = ResourceQuota::new("budget").requests(Cpu::cores(1), Memory::gibibytes(2)).pods(20);
/// assert_eq!(q.name().as_str(), "budget");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceQuota {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) hard: BTreeMap<String, String>,
}

impl ResourceQuota {
    /// An empty quota.
    ///
    /// ```
    /// let q = kubefit::ResourceQuota::new("budget");
    /// assert!(q.to_k8s("shop").spec.unwrap().hard.unwrap_or_default().is_empty());
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        ResourceQuota {
            name: name.into(),
            meta: Meta::default(),
            hard: BTreeMap::new(),
        }
    }

    /// The quota's name.
    ///
    /// ```
    /// assert_eq!(kubefit::ResourceQuota::new("q").name().as_str(), "q");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Caps the sum of CPU and memory requests.
    ///
    /// ```
    /// let q = kubefit::ResourceQuota::new("q").requests(kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// let hard = q.to_k8s("shop").spec.unwrap().hard.unwrap();
    /// assert_eq!((hard["requests.cpu"].0.as_str(), hard["requests.memory"].0.as_str()), ("1", "1Gi"));
    /// ```
    #[must_use]
    pub fn requests(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.hard.insert("requests.cpu".into(), cpu.to_string());
        self.hard
            .insert("requests.memory".into(), memory.to_string());
        self
    }

    /// Caps the sum of CPU and memory limits.
    ///
    /// ```
    /// let q = kubefit::ResourceQuota::new("q").limits(kubefit::Cpu::cores(2), kubefit::Memory::gibibytes(2));
    /// let hard = q.to_k8s("shop").spec.unwrap().hard.unwrap();
    /// assert_eq!((hard["limits.cpu"].0.as_str(), hard["limits.memory"].0.as_str()), ("2", "2Gi"));
    /// ```
    #[must_use]
    pub fn limits(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.hard.insert("limits.cpu".into(), cpu.to_string());
        self.hard.insert("limits.memory".into(), memory.to_string());
        self
    }

    /// Caps the number of pods.
    ///
    /// ```
    /// let q = kubefit::ResourceQuota::new("q").pods(10);
    /// assert_eq!(q.to_k8s("shop").spec.unwrap().hard.unwrap()["pods"].0, "10");
    /// ```
    #[must_use]
    pub fn pods(mut self, n: u32) -> Self {
        self.hard.insert("pods".into(), n.to_string());
        self
    }

    /// Caps the storage requested by claims.
    ///
    /// ```
    /// let q = kubefit::ResourceQuota::new("q").storage(kubefit::Storage::gibibytes(50));
    /// assert_eq!(q.to_k8s("shop").spec.unwrap().hard.unwrap()["requests.storage"].0, "50Gi");
    /// ```
    #[must_use]
    pub fn storage(mut self, size: Storage) -> Self {
        self.hard
            .insert("requests.storage".into(), size.to_string());
        self
    }

    /// Caps the number of LoadBalancer Services.
    ///
    /// ```
    /// let q = kubefit::ResourceQuota::new("q").load_balancers(1);
    /// assert_eq!(q.to_k8s("shop").spec.unwrap().hard.unwrap()["services.loadbalancers"].0, "1");
    /// ```
    #[must_use]
    pub fn load_balancers(mut self, n: u32) -> Self {
        self.hard
            .insert("services.loadbalancers".into(), n.to_string());
        self
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let k = kubefit::ResourceQuota::new("q").pods(3).to_k8s("shop");
    /// assert_eq!(k.spec.unwrap().hard.unwrap()["pods"].0, "3");
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sResourceQuota {
        K8sResourceQuota {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: Some(ResourceQuotaSpec {
                hard: Some(
                    self.hard
                        .iter()
                        .map(|(k, v)| (k.clone(), K8sQuantity(v.clone())))
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

meta_setters!(ResourceQuota, "kubefit::ResourceQuota::new(\"q\")");
crate::model::patch::patch_setter!(
    ResourceQuota,
    k8s_openapi::api::core::v1::ResourceQuota,
    "kubefit::ResourceQuota::new(\"q\")"
);

crate::model::object::kind!(ResourceQuota, "ResourceQuota", 1, |x, ns| {
    crate::model::lowered::K8sObject::ResourceQuota(x.to_k8s(ns))
});
