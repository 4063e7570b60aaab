//! Container resource requests and limits.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::units::cpu::Cpu;
use crate::units::memory::Memory;
use crate::util::spelled::Spelled;

/// Requests (what the scheduler reserves) and limits (the ceiling) of one container.
///
/// ```
/// use kubefit::{Cpu, Memory, Resources};
///
/// let r = Resources::new()
///     .requests(Cpu::millis(100), Memory::mebibytes(128))
///     .limits(Cpu::millis(500), Memory::mebibytes(256));
/// assert_eq!(r.cpu_request(), Some(Cpu::millis(100)));
/// assert_eq!(r.effective_cpu_request(), Cpu::millis(100));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    cpu_request: Option<Cpu>,
    cpu_limit: Option<Cpu>,
    memory_request: Option<Memory>,
    memory_limit: Option<Memory>,
    ephemeral_request: Option<Memory>,
    ephemeral_limit: Option<Memory>,
    /// Extended resources and huge pages: name → quantity, requested and limited alike.
    extended: Vec<(String, String)>,
}

/// Resource names and canonical quantities, sorted by name (`cpu`, `ephemeral-storage`,
/// `memory`; absent ones are `None`).
pub(crate) type Quantities = [Option<(&'static str, Spelled)>; 3];

impl Resources {
    /// No requests and no limits.
    ///
    /// ```
    /// assert_eq!(kubefit::Resources::new().cpu_request(), None);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the CPU and memory requests.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Resources};
    /// let r = Resources::new().requests(Cpu::millis(50), Memory::mebibytes(64));
    /// assert_eq!(r.memory_request(), Some(Memory::mebibytes(64)));
    /// ```
    #[must_use]
    pub fn requests(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_request = Some(cpu);
        self.memory_request = Some(memory);
        self
    }

    /// Sets the CPU and memory limits.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Resources};
    /// let r = Resources::new().limits(Cpu::millis(200), Memory::mebibytes(256));
    /// assert_eq!(r.cpu_limit(), Some(Cpu::millis(200)));
    /// ```
    #[must_use]
    pub fn limits(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_limit = Some(cpu);
        self.memory_limit = Some(memory);
        self
    }

    /// Sets only the CPU request.
    ///
    /// ```
    /// let r = kubefit::Resources::new().cpu_request_of(kubefit::Cpu::millis(10));
    /// assert_eq!(r.cpu_request(), Some(kubefit::Cpu::millis(10)));
    /// ```
    #[must_use]
    pub fn cpu_request_of(mut self, cpu: Cpu) -> Self {
        self.cpu_request = Some(cpu);
        self
    }

    /// Sets only the CPU limit.
    ///
    /// ```
    /// let r = kubefit::Resources::new().cpu_limit_of(kubefit::Cpu::cores(1));
    /// assert_eq!(r.cpu_limit(), Some(kubefit::Cpu::cores(1)));
    /// ```
    #[must_use]
    pub fn cpu_limit_of(mut self, cpu: Cpu) -> Self {
        self.cpu_limit = Some(cpu);
        self
    }

    /// Sets only the memory request.
    ///
    /// ```
    /// let r = kubefit::Resources::new().memory_request_of(kubefit::Memory::mebibytes(1));
    /// assert_eq!(r.memory_request(), Some(kubefit::Memory::mebibytes(1)));
    /// ```
    #[must_use]
    pub fn memory_request_of(mut self, memory: Memory) -> Self {
        self.memory_request = Some(memory);
        self
    }

    /// Sets only the memory limit.
    ///
    /// ```
    /// let r = kubefit::Resources::new().memory_limit_of(kubefit::Memory::gibibytes(1));
    /// assert_eq!(r.memory_limit(), Some(kubefit::Memory::gibibytes(1)));
    /// ```
    #[must_use]
    pub fn memory_limit_of(mut self, memory: Memory) -> Self {
        self.memory_limit = Some(memory);
        self
    }

    /// Sets the ephemeral-storage request and limit.
    ///
    /// ```
    /// use kubefit::{Memory, Resources};
    /// let r = Resources::new().ephemeral_storage(Memory::mebibytes(100), Memory::gibibytes(1));
    /// assert_eq!(r.ephemeral_storage_request(), Some(Memory::mebibytes(100)));
    /// ```
    #[must_use]
    pub fn ephemeral_storage(mut self, request: Memory, limit: Memory) -> Self {
        self.ephemeral_request = Some(request);
        self.ephemeral_limit = Some(limit);
        self
    }

    /// Requests (and limits: extended resources cannot be overcommitted) `count` of an
    /// extended resource a device plugin advertises (`nvidia.com/gpu`,
    /// `squat.ai/serial`, `smarter-devices/ttyacm0`).
    ///
    /// ```
    /// let r = kubefit::Resources::new().extended("nvidia.com/gpu", 1).to_k8s_requirements();
    /// assert_eq!(r.limits.unwrap()["nvidia.com/gpu"].0, "1");
    /// ```
    #[must_use]
    pub fn extended(self, name: impl Into<String>, count: u64) -> Self {
        self.with_extended(name.into(), count.to_string())
    }

    /// Requests (and limits) `size` of huge pages of `page_size` (`2Mi`, `1Gi`):
    /// `hugepages-2Mi: 512Mi`. The API server wants a cpu or memory request beside them.
    ///
    /// ```
    /// let r = kubefit::Resources::new().hugepages("2Mi", kubefit::Memory::mebibytes(512)).to_k8s_requirements();
    /// assert_eq!(r.requests.unwrap()["hugepages-2Mi"].0, "512Mi");
    /// ```
    #[must_use]
    pub fn hugepages(self, page_size: &str, size: Memory) -> Self {
        self.with_extended(format!("hugepages-{page_size}"), size.to_string())
    }

    pub(crate) fn with_extended(mut self, name: String, quantity: String) -> Self {
        match self
            .extended
            .binary_search_by(|(n, _)| n.as_str().cmp(&name))
        {
            Ok(i) => self.extended[i].1 = quantity,
            Err(i) => self.extended.insert(i, (name, quantity)),
        }
        self
    }

    /// The extended resources and huge pages: name and quantity, sorted by name.
    pub(crate) fn extended_resources(&self) -> &[(String, String)] {
        &self.extended
    }

    /// Lowers to the k8s-openapi type (empty when nothing is set).
    ///
    /// ```
    /// let r = kubefit::Resources::new().requests(kubefit::Cpu::millis(100), kubefit::Memory::mebibytes(64));
    /// assert_eq!(r.to_k8s_requirements().requests.unwrap()["cpu"].0, "100m");
    /// ```
    #[must_use]
    pub fn to_k8s_requirements(&self) -> ResourceRequirements {
        self.to_k8s().unwrap_or_default()
    }

    /// The CPU request as written.
    ///
    /// ```
    /// assert_eq!(kubefit::Resources::new().cpu_request(), None);
    /// ```
    #[must_use]
    pub fn cpu_request(&self) -> Option<Cpu> {
        self.cpu_request
    }

    /// The CPU limit as written.
    ///
    /// ```
    /// assert_eq!(kubefit::Resources::new().cpu_limit(), None);
    /// ```
    #[must_use]
    pub fn cpu_limit(&self) -> Option<Cpu> {
        self.cpu_limit
    }

    /// The memory request as written.
    ///
    /// ```
    /// assert_eq!(kubefit::Resources::new().memory_request(), None);
    /// ```
    #[must_use]
    pub fn memory_request(&self) -> Option<Memory> {
        self.memory_request
    }

    /// The memory limit as written.
    ///
    /// ```
    /// assert_eq!(kubefit::Resources::new().memory_limit(), None);
    /// ```
    #[must_use]
    pub fn memory_limit(&self) -> Option<Memory> {
        self.memory_limit
    }

    /// The ephemeral-storage request as written.
    ///
    /// ```
    /// assert_eq!(kubefit::Resources::new().ephemeral_storage_request(), None);
    /// ```
    #[must_use]
    pub fn ephemeral_storage_request(&self) -> Option<Memory> {
        self.ephemeral_request
    }

    /// The ephemeral-storage limit as written.
    ///
    /// ```
    /// assert_eq!(kubefit::Resources::new().ephemeral_storage_limit(), None);
    /// ```
    #[must_use]
    pub fn ephemeral_storage_limit(&self) -> Option<Memory> {
        self.ephemeral_limit
    }

    /// The CPU the scheduler reserves: the request, or the limit when only a limit is set
    /// (the API server defaults the request to the limit), or zero.
    ///
    /// ```
    /// use kubefit::{Cpu, Resources};
    /// let r = Resources::new().cpu_limit_of(Cpu::millis(300));
    /// assert_eq!(r.effective_cpu_request(), Cpu::millis(300));
    /// ```
    #[must_use]
    pub fn effective_cpu_request(&self) -> Cpu {
        self.cpu_request.or(self.cpu_limit).unwrap_or_default()
    }

    /// The memory the scheduler reserves (see [`Resources::effective_cpu_request`]).
    ///
    /// ```
    /// use kubefit::{Memory, Resources};
    /// let r = Resources::new().memory_limit_of(Memory::mebibytes(64));
    /// assert_eq!(r.effective_memory_request(), Memory::mebibytes(64));
    /// ```
    #[must_use]
    pub fn effective_memory_request(&self) -> Memory {
        self.memory_request
            .or(self.memory_limit)
            .unwrap_or_default()
    }

    pub(crate) fn with_ephemeral(mut self, request: Option<Memory>, limit: Option<Memory>) -> Self {
        self.ephemeral_request = request;
        self.ephemeral_limit = limit;
        self
    }

    pub(crate) fn to_k8s(&self) -> Option<ResourceRequirements> {
        if self.is_empty() {
            return None;
        }
        let (requests, limits) = self.canonical();
        let map = |v: Quantities| -> Option<BTreeMap<String, K8sQuantity>> {
            let mut m: BTreeMap<_, _> = v
                .into_iter()
                .flatten()
                .map(|(k, q)| (k.to_owned(), K8sQuantity(q.as_str().to_owned())))
                .collect();
            for (k, q) in &self.extended {
                m.insert(k.clone(), K8sQuantity(q.clone()));
            }
            (!m.is_empty()).then_some(m)
        };
        Some(ResourceRequirements {
            requests: map(requests),
            limits: map(limits),
            ..Default::default()
        })
    }

    /// Whether nothing is requested or limited.
    pub(crate) fn is_empty(&self) -> bool {
        *self == Resources::new()
    }

    /// Requests and limits as the lowering writes them: resource name and canonical
    /// quantity, sorted by name (`cpu`, `ephemeral-storage`, `memory`).
    pub(crate) fn canonical(&self) -> (Quantities, Quantities) {
        let one = |cpu: Option<Cpu>, ephemeral: Option<Memory>, memory: Option<Memory>| {
            [
                cpu.map(|c| ("cpu", c.spelled())),
                ephemeral.map(|m| ("ephemeral-storage", m.spelled())),
                memory.map(|m| ("memory", m.spelled())),
            ]
        };
        (
            one(
                self.cpu_request,
                self.ephemeral_request,
                self.memory_request,
            ),
            one(self.cpu_limit, self.ephemeral_limit, self.memory_limit),
        )
    }
}
