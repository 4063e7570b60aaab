//! ResourceQuota and LimitRange: the cluster enforces the budget kubefit checked.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    LimitRange as K8sLimitRange, LimitRangeItem, LimitRangeSpec, ResourceQuota as K8sResourceQuota,
    ResourceQuotaSpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::budget::Demand;
use crate::cpu::Cpu;
use crate::fit::FitReport;
use crate::memory::{Memory, Storage};
use crate::meta::{Meta, meta_setters};
use crate::name::Name;

/// A ResourceQuota capping the namespace's totals. Build it from a checked budget with
/// [`FitReport::resource_quota`], so the cluster enforces what kubefit checked.
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
    /// # let _ = q;
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
    /// # let _ = q;
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
    /// # let _ = q;
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
    /// # let _ = q;
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
    /// # let _ = q;
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
    /// # let _ = q;
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
    /// # let _ = l;
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
    /// # let _ = l;
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
    /// # let _ = l;
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
    /// # let _ = l;
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

/// Requests and limits a LimitRange gives containers that set none.
pub(crate) const DEFAULT_REQUEST: (Cpu, Memory) = (Cpu::millis(50), Memory::mebibytes(64));
pub(crate) const DEFAULT_LIMIT: (Cpu, Memory) = (Cpu::millis(250), Memory::mebibytes(256));

impl FitReport {
    /// A ResourceQuota `kubefit-budget` capping the namespace at the worst case this report
    /// checked: requests and limits at peak, the peak pod count, claimed storage and load
    /// balancers. Containers without requests get [`FitReport::limit_range`]'s defaults,
    /// which the quota makes room for.
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Deployment, Memory, Platform, Resources, Stack};
    /// let d = Deployment::new("api", Container::new("api", "nginx:1.27")
    ///     .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128))
    ///         .limits(Cpu::millis(200), Memory::mebibytes(256))));
    /// let stack = Stack::new("shop").with(d);
    /// let fit = stack.fit(&Platform::oci_always_free());
    /// let stack = stack.with(fit.resource_quota()).with(fit.limit_range());
    /// assert!(!stack.check().has_errors());
    /// ```
    #[must_use]
    pub fn resource_quota(&self) -> ResourceQuota {
        let mut req = self.peak_requests();
        let mut lim = self.peak_limits();
        let missing = self.containers_without_resources();
        req.cpu = req.cpu + DEFAULT_REQUEST.0.times(missing.0);
        req.memory = req.memory + DEFAULT_REQUEST.1.times(missing.1);
        lim.cpu = lim.cpu + DEFAULT_LIMIT.0.times(missing.2);
        lim.memory = lim.memory + DEFAULT_LIMIT.1.times(missing.3);
        ResourceQuota::new("kubefit-budget")
            .requests(req.cpu, req.memory)
            .limits(lim.cpu, lim.memory)
            .pods(self.peak_pods())
            .storage(self.allowances().claimed_storage)
            .load_balancers(self.allowances().load_balancers)
    }

    /// A LimitRange `kubefit-defaults`: default requests 50m/64Mi and limits 250m/256Mi for
    /// containers that set none, and no container above the largest node's allocatable.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.limit_range().name().as_str(), "kubefit-defaults");
    /// ```
    #[must_use]
    pub fn limit_range(&self) -> LimitRange {
        let (cpu, mem) = self.largest_node();
        LimitRange::new("kubefit-defaults")
            .default_request(DEFAULT_REQUEST.0, DEFAULT_REQUEST.1)
            .default_limit(DEFAULT_LIMIT.0, DEFAULT_LIMIT.1)
            .max(cpu, mem)
    }
}
