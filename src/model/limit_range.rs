//! LimitRange: defaults for containers without requests or limits, and a per-container cap.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{LimitRange as K8sLimitRange, LimitRangeItem, LimitRangeSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::units::cpu::Cpu;
use crate::units::demand::Demand;
use crate::units::memory::Memory;

/// A LimitRange giving containers without requests or limits a default, and capping any
/// one container at what the largest node can hold.
///
/// ```
/// use kubefit::{Cpu, LimitRange, Memory};
/// let l = LimitRange::new("defaults")
///     .default_request(Cpu::millis(50), Memory::mebibytes(64))
///     .default_limit(Cpu::millis(250), Memory::mebibytes(256))
///     .max(Cpu::millis(940), Memory::gibibytes(4));
/// assert_eq!(l.name().as_str(), "defaults");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitRange {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) default_request: Option<Demand>,
    pub(crate) default_limit: Option<Demand>,
    pub(crate) max: Option<Demand>,
}

impl LimitRange {
    /// An empty LimitRange.
    ///
    /// ```
    /// let l = kubefit::LimitRange::new("defaults");
    /// assert!(l.to_k8s("shop").spec.unwrap().limits[0].default.is_none());
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        LimitRange {
            name: name.into(),
            meta: Meta::default(),
            default_request: None,
            default_limit: None,
            max: None,
        }
    }

    /// The LimitRange's name.
    ///
    /// ```
    /// assert_eq!(kubefit::LimitRange::new("l").name().as_str(), "l");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Requests given to containers that set none.
    ///
    /// ```
    /// let l = kubefit::LimitRange::new("l").default_request(kubefit::Cpu::millis(50), kubefit::Memory::mebibytes(64));
    /// let item = &l.to_k8s("shop").spec.unwrap().limits[0];
    /// assert_eq!(item.default_request.as_ref().unwrap()["cpu"].0, "50m");
    /// ```
    #[must_use]
    pub fn default_request(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.default_request = Some(Demand::new(cpu, memory));
        self
    }

    /// Limits given to containers that set none.
    ///
    /// ```
    /// let l = kubefit::LimitRange::new("l").default_limit(kubefit::Cpu::millis(250), kubefit::Memory::mebibytes(256));
    /// let item = &l.to_k8s("shop").spec.unwrap().limits[0];
    /// assert_eq!(item.default.as_ref().unwrap()["memory"].0, "256Mi");
    /// ```
    #[must_use]
    pub fn default_limit(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.default_limit = Some(Demand::new(cpu, memory));
        self
    }

    /// The most any one container may ask for.
    ///
    /// ```
    /// let l = kubefit::LimitRange::new("l").max(kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(4));
    /// let item = &l.to_k8s("shop").spec.unwrap().limits[0];
    /// assert_eq!(item.max.as_ref().unwrap()["cpu"].0, "1");
    /// ```
    #[must_use]
    pub fn max(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.max = Some(Demand::new(cpu, memory));
        self
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let k = kubefit::LimitRange::new("l").max(kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1)).to_k8s("shop");
    /// assert_eq!(k.spec.unwrap().limits[0].type_, "Container");
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sLimitRange {
        let q = |d: Option<Demand>| {
            d.map(|d| {
                BTreeMap::from([
                    ("cpu".to_owned(), K8sQuantity(d.cpu.to_string())),
                    ("memory".to_owned(), K8sQuantity(d.memory.to_string())),
                ])
            })
        };
        K8sLimitRange {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: Some(LimitRangeSpec {
                limits: vec![LimitRangeItem {
                    type_: "Container".to_owned(),
                    default_request: q(self.default_request),
                    default: q(self.default_limit),
                    max: q(self.max),
                    ..Default::default()
                }],
            }),
        }
    }
}

meta_setters!(LimitRange, "kubefit::LimitRange::new(\"l\")");
crate::model::patch::patch_setter!(
    LimitRange,
    k8s_openapi::api::core::v1::LimitRange,
    "kubefit::LimitRange::new(\"l\")"
);

/// Requests and limits a LimitRange gives containers that set none.
pub(crate) const DEFAULT_REQUEST: (Cpu, Memory) = (Cpu::millis(50), Memory::mebibytes(64));
pub(crate) const DEFAULT_LIMIT: (Cpu, Memory) = (Cpu::millis(250), Memory::mebibytes(256));

crate::model::object::kind!(LimitRange, "LimitRange", 0, |x, ns| {
    crate::model::lowered::K8sObject::LimitRange(x.to_k8s(ns))
});
