//! Platform profiles: the nodes a stack must fit on, with their overhead and the
//! provider's caps, each with the source and date its figures were checked.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::units::cpu::Cpu;
use crate::units::memory::{Memory, Storage};

macro_rules! quantity_schema {
    ($ty:ty, $name:literal, $desc:literal) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "description": $desc,
                    "pattern": "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$"
                })
            }
        }
    };
}
quantity_schema!(Cpu, "Cpu", "a Kubernetes cpu quantity, e.g. `250m` or `2`");
quantity_schema!(
    Memory,
    "Memory",
    "a Kubernetes byte quantity, e.g. `512Mi` or `12G`"
);
quantity_schema!(
    Storage,
    "Storage",
    "a Kubernetes byte quantity, e.g. `50Gi`"
);

/// What a node loses before pods get anything: kube-reserved, system-reserved, the hard
/// eviction threshold, and the processes of the distribution itself (k3s runs its control
/// plane in one process the kubelet does not subtract).
///
/// ```
/// use kubefit::{Cpu, Memory, Reserved};
///
/// let r = Reserved::kubelet_defaults().distro(Cpu::millis(100), Memory::mebibytes(1600));
/// assert_eq!(r.cpu(), Cpu::millis(100));
/// assert_eq!(r.memory(), Memory::mebibytes(1700));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(description = "What each node reserves before pods get anything.")]
#[non_exhaustive]
pub struct Reserved {
    #[serde(default)]
    kube_cpu: Cpu,
    #[serde(default)]
    kube_memory: Memory,
    #[serde(default)]
    system_cpu: Cpu,
    #[serde(default)]
    system_memory: Memory,
    #[serde(default)]
    /// Hard eviction threshold for memory.
    eviction_memory: Memory,
    #[serde(default, skip_serializing_if = "is_zero")]
    /// Hard eviction threshold for the node's filesystem (`nodefs.available`), in percent of
    /// its ephemeral-storage capacity.
    eviction_nodefs_percent: u8,
    #[serde(default)]
    /// CPU used by the distribution's own processes (k3s).
    distro_cpu: Cpu,
    #[serde(default)]
    /// Memory used by the distribution's own processes (k3s).
    distro_memory: Memory,
    #[serde(default, skip_serializing_if = "cpu_is_zero")]
    /// The fewest cores the distribution documents for a node of this role (k3s: 2 for a
    /// server, 1 for an agent); a smaller node is reported (`node-below-minimum`).
    minimum_cpu: Cpu,
    #[serde(default, skip_serializing_if = "memory_is_zero")]
    /// The least memory the distribution documents for a node of this role (k3s: 2 GB for
    /// a server, 512 MB for an agent).
    minimum_memory: Memory,
}

impl Reserved {
    /// Nothing reserved.
    ///
    /// ```
    /// assert_eq!(kubefit::Reserved::none().cpu(), kubefit::Cpu::ZERO);
    /// ```
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// The kubelet's defaults: no kube/system reservation, `evictionHard
    /// memory.available<100Mi,nodefs.available<10%` (pkg/kubelet/eviction/defaults_linux.go).
    ///
    /// ```
    /// use kubefit::{Memory, Reserved};
    /// assert_eq!(Reserved::kubelet_defaults().memory(), Memory::mebibytes(100));
    /// assert_eq!(Reserved::kubelet_defaults().nodefs_percent(), 10);
    /// ```
    #[must_use]
    pub fn kubelet_defaults() -> Self {
        Reserved {
            eviction_memory: Memory::mebibytes(100),
            eviction_nodefs_percent: 10,
            ..Self::default()
        }
    }

    /// Sets the hard eviction threshold for the node's filesystem, `nodefs.available<N%`: the
    /// kubelet keeps that share of the ephemeral-storage capacity from pods (k3s passes 5 %,
    /// the kubelet's default is 10 %). Values above 100 count as 100.
    ///
    /// ```
    /// let r = kubefit::Reserved::none().nodefs_eviction(5);
    /// assert_eq!(r.nodefs_percent(), 5);
    /// ```
    #[must_use]
    pub fn nodefs_eviction(mut self, percent: u8) -> Self {
        self.eviction_nodefs_percent = percent.min(100);
        self
    }

    /// The smallest node the distribution documents for this role: a pool of smaller nodes
    /// is reported (`node-below-minimum`) — the control plane competes with the pods for
    /// what little there is.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Reserved};
    /// let r = Reserved::none().node_minimum(Cpu::cores(2), Memory::bytes(2_000_000_000));
    /// assert_eq!(r.minimum_cpu(), Cpu::cores(2));
    /// ```
    #[must_use]
    pub fn node_minimum(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.minimum_cpu = cpu;
        self.minimum_memory = memory;
        self
    }

    /// The fewest cores documented for a node of this role (zero: none documented).
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::k3s_server_reserved().minimum_cpu(), kubefit::Cpu::cores(2));
    /// ```
    #[must_use]
    pub fn minimum_cpu(&self) -> Cpu {
        self.minimum_cpu
    }

    /// The least memory documented for a node of this role (zero: none documented).
    ///
    /// ```
    /// use kubefit::{Memory, Platform};
    /// assert_eq!(Platform::k3s_agent_reserved().minimum_memory(), Memory::bytes(512_000_000));
    /// ```
    #[must_use]
    pub fn minimum_memory(&self) -> Memory {
        self.minimum_memory
    }

    /// The `nodefs.available` hard eviction threshold, in percent.
    ///
    /// ```
    /// assert_eq!(kubefit::Reserved::none().nodefs_percent(), 0);
    /// ```
    #[must_use]
    pub fn nodefs_percent(&self) -> u8 {
        self.eviction_nodefs_percent.min(100)
    }

    /// What the distribution's own processes use, which no kubelet subtracts unless its
    /// `kube-reserved` covers them.
    pub(crate) fn distro_part(&self) -> (Cpu, Memory) {
        (self.distro_cpu, self.distro_memory)
    }

    /// The kubelet flags that make a node reserve what this assumes: `kube-reserved` covering
    /// kube-reserved and the distribution's own processes, and `system-reserved`; none when
    /// nothing is reserved. The eviction thresholds are left as the kubelet (or k3s) sets them.
    ///
    /// ```
    /// let r = kubefit::Platform::k3s_server_reserved();
    /// assert_eq!(r.kubelet_args(), ["kube-reserved=cpu=60m,memory=1526Mi"]);
    /// assert!(kubefit::Reserved::kubelet_defaults().kubelet_args().is_empty());
    /// ```
    #[must_use]
    pub fn kubelet_args(&self) -> Vec<String> {
        let mut out = Vec::new();
        let pair = |cpu: Cpu, memory: Memory| {
            let mut parts = Vec::new();
            if cpu > Cpu::ZERO {
                parts.push(format!("cpu={cpu}"));
            }
            if memory > Memory::ZERO {
                parts.push(format!("memory={memory}"));
            }
            parts.join(",")
        };
        let kube = pair(
            self.kube_cpu + self.distro_cpu,
            self.kube_memory + self.distro_memory,
        );
        if !kube.is_empty() {
            out.push(format!("kube-reserved={kube}"));
        }
        let system = pair(self.system_cpu, self.system_memory);
        if !system.is_empty() {
            out.push(format!("system-reserved={system}"));
        }
        out
    }

    /// Sets kube-reserved.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Reserved};
    /// let r = Reserved::none().kube(Cpu::millis(70), Memory::mebibytes(255));
    /// assert_eq!(r.cpu(), Cpu::millis(70));
    /// ```
    #[must_use]
    pub fn kube(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.kube_cpu = cpu;
        self.kube_memory = memory;
        self
    }

    /// Sets system-reserved.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Reserved};
    /// let r = Reserved::none().system(Cpu::millis(100), Memory::mebibytes(100));
    /// assert_eq!(r.memory(), Memory::mebibytes(100));
    /// ```
    #[must_use]
    pub fn system(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.system_cpu = cpu;
        self.system_memory = memory;
        self
    }

    /// Sets the hard eviction threshold for memory.
    ///
    /// ```
    /// use kubefit::{Memory, Reserved};
    /// let r = Reserved::none().eviction(Memory::mebibytes(200));
    /// assert_eq!(r.memory(), Memory::mebibytes(200));
    /// ```
    #[must_use]
    pub fn eviction(mut self, memory: Memory) -> Self {
        self.eviction_memory = memory;
        self
    }

    /// Sets what the distribution's own processes use (k3s server or agent).
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Reserved};
    /// let r = Reserved::none().distro(Cpu::millis(30), Memory::mebibytes(275));
    /// assert_eq!(r.cpu(), Cpu::millis(30));
    /// ```
    #[must_use]
    pub fn distro(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.distro_cpu = cpu;
        self.distro_memory = memory;
        self
    }

    /// Total CPU reserved.
    ///
    /// ```
    /// assert_eq!(kubefit::Reserved::none().cpu(), kubefit::Cpu::ZERO);
    /// ```
    #[must_use]
    pub fn cpu(&self) -> Cpu {
        self.kube_cpu + self.system_cpu + self.distro_cpu
    }

    /// Total memory reserved (including the eviction threshold).
    ///
    /// ```
    /// assert_eq!(kubefit::Reserved::none().memory(), kubefit::Memory::ZERO);
    /// ```
    #[must_use]
    pub fn memory(&self) -> Memory {
        self.kube_memory + self.system_memory + self.eviction_memory + self.distro_memory
    }
}

/// A group of identical nodes.
///
/// # Defaults
///
/// 110 max pods (the kubelet default), `amd64`, kubelet-default reservations
/// ([`Reserved::kubelet_defaults`]), no ephemeral-storage or boot-volume figures.
///
/// ```
/// use kubefit::{Cpu, Memory, NodePool, Reserved, Storage};
///
/// let pool = NodePool::new("workers", 3, Cpu::cores(2), Memory::gibibytes(8))
///     .arch("arm64")
///     .boot_volume(Storage::gigabytes(50))
///     .reserved(Reserved::kubelet_defaults());
/// assert_eq!(pool.allocatable_cpu(), Cpu::cores(2));
/// assert_eq!(pool.allocatable_memory(), Memory::mebibytes(8 * 1024 - 100));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(description = "A group of identical nodes.")]
pub struct NodePool {
    /// Pool name.
    name: String,
    /// Number of nodes.
    count: u32,
    /// CPU capacity of one node.
    cpu: Cpu,
    /// Memory capacity of one node.
    memory: Memory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ephemeral_storage: Option<Memory>,
    #[serde(default = "default_max_pods")]
    /// The kubelet's maxPods (default 110).
    max_pods: u32,
    #[serde(default = "default_arch")]
    arch: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    boot_volume: Option<Storage>,
    #[serde(default = "Reserved::kubelet_defaults")]
    reserved: Reserved,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The tenancy limit these nodes count against.
    tenancy_pool: Option<String>,
    /// Labels every node of the pool carries (beside arch, os, hostname and the pool label).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    labels: std::collections::BTreeMap<String, String>,
    /// Taints every node of the pool carries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    taints: Vec<Taint>,
}

/// A node taint, `key=value:effect`: pods without a matching toleration are not scheduled
/// there (`NoSchedule`, `NoExecute`) or only when nothing else fits (`PreferNoSchedule`).
///
/// ```
/// let t = kubefit::Taint::new("dedicated", "search", kubefit::TaintEffect::NoSchedule);
/// assert_eq!(t.to_string(), "dedicated=search:NoSchedule");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Taint {
    /// The taint's key.
    pub key: String,
    /// Its value (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// What it does to pods that do not tolerate it.
    pub effect: crate::model::scheduling::TaintEffect,
}

impl Taint {
    /// A taint `key=value:effect`.
    ///
    /// ```
    /// let t = kubefit::Taint::new("gpu", "", kubefit::TaintEffect::NoExecute);
    /// assert_eq!(t.to_string(), "gpu:NoExecute");
    /// ```
    #[must_use]
    pub fn new(
        key: impl Into<String>,
        value: impl Into<String>,
        effect: crate::model::scheduling::TaintEffect,
    ) -> Self {
        Taint {
            key: key.into(),
            value: value.into(),
            effect,
        }
    }

    /// Whether the scheduler keeps pods that do not tolerate it off the node
    /// (`NoSchedule`, `NoExecute`; pkg/scheduler/framework/plugins/tainttoleration).
    pub(crate) fn filters(&self) -> bool {
        self.effect != crate::model::scheduling::TaintEffect::PreferNoSchedule
    }

    /// Whether any of `tolerations` tolerates it.
    pub(crate) fn tolerated_by(
        &self,
        tolerations: &[crate::model::scheduling::Toleration],
    ) -> bool {
        tolerations
            .iter()
            .any(|t| t.tolerates(&self.key, &self.value, self.effect))
    }
}

impl std::fmt::Display for Taint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}:{}", self.key, self.effect.as_str())
        } else {
            write!(f, "{}={}:{}", self.key, self.value, self.effect.as_str())
        }
    }
}

fn default_max_pods() -> u32 {
    110
}

fn default_arch() -> String {
    "amd64".to_owned()
}

impl NodePool {
    /// `count` nodes of `cpu` and `memory` capacity each.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.count(), 1);
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>, count: u32, cpu: Cpu, memory: Memory) -> Self {
        NodePool {
            name: name.into(),
            count,
            cpu,
            memory,
            ephemeral_storage: None,
            max_pods: default_max_pods(),
            arch: default_arch(),
            boot_volume: None,
            reserved: Reserved::kubelet_defaults(),
            tenancy_pool: None,
            labels: std::collections::BTreeMap::new(),
            taints: Vec::new(),
        }
    }

    /// Adds a label every node of the pool carries, for pods' `nodeSelector` and node
    /// affinity.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("gpu", 1, kubefit::Cpu::cores(4), kubefit::Memory::gibibytes(16))
    ///     .label("accelerator", "t4");
    /// assert_eq!(p.labels()["accelerator"], "t4");
    /// ```
    #[must_use]
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Adds a taint every node of the pool carries: only pods that tolerate it land there.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, NodePool, Taint, TaintEffect};
    /// let p = NodePool::new("search", 1, Cpu::cores(4), Memory::gibibytes(16))
    ///     .taint(Taint::new("dedicated", "search", TaintEffect::NoSchedule));
    /// assert_eq!(p.taints()[0].to_string(), "dedicated=search:NoSchedule");
    /// ```
    #[must_use]
    pub fn taint(mut self, taint: Taint) -> Self {
        self.taints.push(taint);
        self
    }

    /// Every label a node of the pool named `node` carries: architecture, os, hostname, the
    /// pool label ([`POOL_LABEL`](crate::POOL_LABEL)) and the pool's own.
    pub(crate) fn node_labels(&self, node: &str) -> std::collections::BTreeMap<String, String> {
        let mut labels = self.labels.clone();
        labels.insert("kubernetes.io/arch".to_owned(), self.arch.clone());
        labels.insert("kubernetes.io/hostname".to_owned(), node.to_owned());
        labels.insert("kubernetes.io/os".to_owned(), "linux".to_owned());
        labels.insert(crate::fit::nodes::POOL_LABEL.to_owned(), self.name.clone());
        labels
    }

    /// The pool's own labels.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert!(p.labels().is_empty());
    /// ```
    #[must_use]
    pub fn labels(&self) -> &std::collections::BTreeMap<String, String> {
        &self.labels
    }

    /// The pool's taints.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert!(p.taints().is_empty());
    /// ```
    #[must_use]
    pub fn taints(&self) -> &[Taint] {
        &self.taints
    }

    /// Sets the node-local (ephemeral) storage capacity.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1))
    ///     .ephemeral_storage(kubefit::Memory::gibibytes(30));
    /// assert_eq!(p.ephemeral_storage_capacity(), Some(kubefit::Memory::gibibytes(30)));
    /// ```
    #[must_use]
    pub fn ephemeral_storage(mut self, size: Memory) -> Self {
        self.ephemeral_storage = Some(size);
        self
    }

    /// Sets the kubelet's `maxPods`.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1)).max_pods(20);
    /// assert_eq!(p.max_pods_per_node(), 20);
    /// ```
    #[must_use]
    pub fn max_pods(mut self, n: u32) -> Self {
        self.max_pods = n;
        self
    }

    /// Sets the CPU architecture (`amd64`, `arm64`).
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1)).arch("arm64");
    /// assert_eq!(p.architecture(), "arm64");
    /// ```
    #[must_use]
    pub fn arch(mut self, arch: impl Into<String>) -> Self {
        self.arch = arch.into();
        self
    }

    /// Sets each node's boot volume, counted against the block-storage budget.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1))
    ///     .boot_volume(kubefit::Storage::gigabytes(50));
    /// assert_eq!(p.boot_volume_size(), Some(kubefit::Storage::gigabytes(50)));
    /// ```
    #[must_use]
    pub fn boot_volume(mut self, size: Storage) -> Self {
        self.boot_volume = Some(size);
        self
    }

    /// Sets what each node reserves.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1))
    ///     .reserved(kubefit::Reserved::none());
    /// assert_eq!(p.allocatable_cpu(), kubefit::Cpu::cores(1));
    /// ```
    #[must_use]
    pub fn reserved(mut self, reserved: Reserved) -> Self {
        self.reserved = reserved;
        self
    }

    /// Counts these nodes against a tenancy-wide pool of the platform (e.g. OCI's A1 pool).
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(6))
    ///     .tenancy_pool("A1");
    /// assert_eq!(p.tenancy(), Some("A1"));
    /// ```
    #[must_use]
    pub fn tenancy_pool(mut self, pool: impl Into<String>) -> Self {
        self.tenancy_pool = Some(pool.into());
        self
    }

    /// The pool's name.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.name(), "a");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of nodes.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 2, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.count(), 2);
    /// ```
    #[must_use]
    pub fn count(&self) -> u32 {
        self.count
    }

    /// CPU capacity of one node.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.cpu_capacity(), kubefit::Cpu::cores(1));
    /// ```
    #[must_use]
    pub fn cpu_capacity(&self) -> Cpu {
        self.cpu
    }

    /// Memory capacity of one node.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.memory_capacity(), kubefit::Memory::gibibytes(1));
    /// ```
    #[must_use]
    pub fn memory_capacity(&self) -> Memory {
        self.memory
    }

    /// `maxPods` of one node.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.max_pods_per_node(), 110);
    /// ```
    #[must_use]
    pub fn max_pods_per_node(&self) -> u32 {
        self.max_pods
    }

    /// The CPU architecture of the nodes.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.architecture(), "amd64");
    /// ```
    #[must_use]
    pub fn architecture(&self) -> &str {
        &self.arch
    }

    /// The boot volume of one node, if known.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.boot_volume_size(), None);
    /// ```
    #[must_use]
    pub fn boot_volume_size(&self) -> Option<Storage> {
        self.boot_volume
    }

    /// The ephemeral-storage capacity of one node, if known.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.ephemeral_storage_capacity(), None);
    /// ```
    #[must_use]
    pub fn ephemeral_storage_capacity(&self) -> Option<Memory> {
        self.ephemeral_storage
    }

    /// The tenancy pool these nodes count against, if any.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.tenancy(), None);
    /// ```
    #[must_use]
    pub fn tenancy(&self) -> Option<&str> {
        self.tenancy_pool.as_deref()
    }

    /// The reservations of one node.
    ///
    /// ```
    /// let p = kubefit::NodePool::new("a", 1, kubefit::Cpu::cores(1), kubefit::Memory::gibibytes(1));
    /// assert_eq!(p.reservations().memory(), kubefit::Memory::mebibytes(100));
    /// ```
    #[must_use]
    pub fn reservations(&self) -> &Reserved {
        &self.reserved
    }

    /// CPU left for pods on one node: capacity minus every reservation.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, NodePool, Reserved};
    /// let p = NodePool::new("a", 1, Cpu::cores(1), Memory::gibibytes(1))
    ///     .reserved(Reserved::none().distro(Cpu::millis(100), Memory::ZERO));
    /// assert_eq!(p.allocatable_cpu(), Cpu::millis(900));
    /// ```
    #[must_use]
    pub fn allocatable_cpu(&self) -> Cpu {
        self.cpu.saturating_sub(self.reserved.cpu())
    }

    /// Memory left for pods on one node.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, NodePool};
    /// let p = NodePool::new("a", 1, Cpu::cores(1), Memory::gibibytes(1));
    /// assert_eq!(p.allocatable_memory(), Memory::mebibytes(924));
    /// ```
    #[must_use]
    pub fn allocatable_memory(&self) -> Memory {
        self.memory.saturating_sub(self.reserved.memory())
    }

    /// Ephemeral storage left for pods on one node: the capacity minus the `nodefs.available`
    /// hard eviction threshold, computed as the kubelet does (a float32 share of the capacity,
    /// truncated: pkg/kubelet/cm/helpers.go `hardEvictionReservation`,
    /// pkg/kubelet/eviction/api `GetThresholdQuantity`). `None` without a capacity.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, NodePool, Reserved};
    /// let p = NodePool::new("a", 1, Cpu::cores(1), Memory::gibibytes(1))
    ///     .ephemeral_storage(Memory::gibibytes(20))
    ///     .reserved(Reserved::none().nodefs_eviction(5));
    /// // 5 % as a float32 is a little more than 5 %: 1073741840 bytes, not 1Gi.
    /// assert_eq!(
    ///     p.allocatable_ephemeral_storage(),
    ///     Some(Memory::bytes(21_474_836_480 - 1_073_741_840))
    /// );
    /// ```
    #[must_use]
    pub fn allocatable_ephemeral_storage(&self) -> Option<Memory> {
        let capacity = self.ephemeral_storage?;
        let share = f32::from(self.reserved.nodefs_percent()) / 100.0;
        // The kubelet's arithmetic, float32 share and all; exact below 2^53 bytes.
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let threshold = (capacity.as_bytes() as f64 * f64::from(share)) as u64;
        Some(capacity.saturating_sub(Memory::bytes(threshold)))
    }

    /// CPU the scheduler counts as allocatable on one node when the distribution's own
    /// processes are not reserved on the kubelet (no `kube-reserved` for them, as k3s
    /// ships): [`NodePool::allocatable_cpu`] plus what they use. Equal to it once the
    /// kubelet runs with [`Reserved::kubelet_args`].
    ///
    /// ```
    /// let free = kubefit::Platform::oci_always_free();
    /// let p = &free.pools()[0];
    /// assert_eq!(p.allocatable_cpu(), kubefit::Cpu::millis(940));
    /// assert_eq!(p.scheduler_allocatable_cpu(), kubefit::Cpu::cores(1));
    /// ```
    #[must_use]
    pub fn scheduler_allocatable_cpu(&self) -> Cpu {
        self.allocatable_cpu() + self.reserved.distro_part().0
    }

    /// Memory the scheduler counts as allocatable on one node when the distribution's own
    /// processes are not reserved on the kubelet; see [`NodePool::scheduler_allocatable_cpu`].
    ///
    /// ```
    /// let free = kubefit::Platform::oci_always_free();
    /// let p = &free.pools()[0];
    /// assert_eq!(p.scheduler_allocatable_memory(), kubefit::Memory::gibibytes(6));
    /// ```
    #[must_use]
    pub fn scheduler_allocatable_memory(&self) -> Memory {
        self.allocatable_memory() + self.reserved.distro_part().1
    }

    /// The pool as the scheduler sees it when the distribution's processes are not reserved.
    fn as_scheduler_sees_it(&self) -> NodePool {
        let mut p = self.clone();
        p.reserved.distro_cpu = Cpu::ZERO;
        p.reserved.distro_memory = Memory::ZERO;
        p
    }
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

fn cpu_is_zero(c: &Cpu) -> bool {
    *c == Cpu::ZERO
}

fn memory_is_zero(m: &Memory) -> bool {
    *m == Memory::ZERO
}

/// A cluster add-on the distribution runs (CoreDNS, Traefik, metrics-server) or a
/// DaemonSet (node exporter), with its requests.
///
/// ```
/// use kubefit::{AddOn, Cpu, Memory};
///
/// let dns = AddOn::once("coredns", Cpu::millis(100), Memory::mebibytes(70));
/// let exporter = AddOn::per_node("node-exporter", Cpu::millis(10), Memory::mebibytes(32));
/// assert!(exporter.is_per_node());
/// assert!(!dns.is_per_node());
/// assert_eq!((dns.cpu(), dns.memory()), (Cpu::millis(100), Memory::mebibytes(70)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(description = "A cluster add-on or DaemonSet with its requests.")]
pub struct AddOn {
    name: String,
    cpu: Cpu,
    memory: Memory,
    #[serde(default)]
    /// One pod per node (DaemonSet) instead of one in the cluster.
    per_node: bool,
    /// Only on the nodes of this pool (with `perNode`), e.g. a pod already running on a node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pool: Option<String>,
}

impl AddOn {
    /// An add-on with one pod in the cluster.
    ///
    /// ```
    /// let a = kubefit::AddOn::once("coredns", kubefit::Cpu::millis(100), kubefit::Memory::mebibytes(70));
    /// assert!(!a.is_per_node());
    /// ```
    #[must_use]
    pub fn once(name: impl Into<String>, cpu: Cpu, memory: Memory) -> Self {
        AddOn {
            name: name.into(),
            cpu,
            memory,
            per_node: false,
            pool: None,
        }
    }

    /// An add-on with one pod on every node (a DaemonSet).
    ///
    /// ```
    /// let a = kubefit::AddOn::per_node("svclb", kubefit::Cpu::ZERO, kubefit::Memory::ZERO);
    /// assert!(a.is_per_node());
    /// ```
    #[must_use]
    pub fn per_node(name: impl Into<String>, cpu: Cpu, memory: Memory) -> Self {
        AddOn {
            name: name.into(),
            cpu,
            memory,
            per_node: true,
            pool: None,
        }
    }

    /// Runs on every node of the pool named `pool` only (one pod per node there), e.g. a pod
    /// already running on a node, which is what [`Platform::running_pods`] makes of each.
    ///
    /// ```
    /// use kubefit::{AddOn, Cpu, Memory, NodePool, Platform};
    /// let p = Platform::new("lab", "test", "2026-12")
    ///     .pool(NodePool::new("a", 1, Cpu::cores(2), Memory::gibibytes(4)))
    ///     .pool(NodePool::new("b", 2, Cpu::cores(2), Memory::gibibytes(4)))
    ///     .addon(AddOn::per_node("gpu-agent", Cpu::millis(100), Memory::mebibytes(64)).on_pool("b"));
    /// assert_eq!(p.addons()[0].pool(), Some("b"));
    /// assert_eq!(p.system_pods().len(), 2); // one on each node of `b`
    /// ```
    #[must_use]
    pub fn on_pool(mut self, pool: impl Into<String>) -> Self {
        self.per_node = true;
        self.pool = Some(pool.into());
        self
    }

    /// The pool it is limited to ([`AddOn::on_pool`]), if any.
    ///
    /// ```
    /// let a = kubefit::AddOn::once("coredns", kubefit::Cpu::ZERO, kubefit::Memory::ZERO);
    /// assert_eq!(a.pool(), None);
    /// ```
    #[must_use]
    pub fn pool(&self) -> Option<&str> {
        self.pool.as_deref()
    }

    /// Whether it runs on the nodes of the pool named `pool`: every pool, unless it is limited
    /// to one ([`AddOn::on_pool`]).
    pub(crate) fn runs_on_pool(&self, pool: &str) -> bool {
        self.pool.as_deref().is_none_or(|p| p == pool)
    }

    /// The add-on's name.
    ///
    /// ```
    /// let a = kubefit::AddOn::once("coredns", kubefit::Cpu::ZERO, kubefit::Memory::ZERO);
    /// assert_eq!(a.name(), "coredns");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it runs on every node.
    ///
    /// ```
    /// let a = kubefit::AddOn::once("coredns", kubefit::Cpu::ZERO, kubefit::Memory::ZERO);
    /// assert!(!a.is_per_node());
    /// ```
    #[must_use]
    pub fn is_per_node(&self) -> bool {
        self.per_node
    }

    /// Its CPU request.
    ///
    /// ```
    /// let a = kubefit::AddOn::once("coredns", kubefit::Cpu::millis(100), kubefit::Memory::ZERO);
    /// assert_eq!(a.cpu(), kubefit::Cpu::millis(100));
    /// ```
    #[must_use]
    pub fn cpu(&self) -> Cpu {
        self.cpu
    }

    /// Its memory request.
    ///
    /// ```
    /// let a = kubefit::AddOn::once("coredns", kubefit::Cpu::ZERO, kubefit::Memory::mebibytes(70));
    /// assert_eq!(a.memory(), kubefit::Memory::mebibytes(70));
    /// ```
    #[must_use]
    pub fn memory(&self) -> Memory {
        self.memory
    }
}

/// A cap the provider puts on the total of several nodes rather than on each node
/// (Oracle Always Free: 2 OCPU and 12 GB across all A1 instances).
///
/// ```
/// use kubefit::{Cpu, Memory, TenancyLimit};
/// let a1 = TenancyLimit::new("A1", Cpu::cores(2), Memory::gibibytes(12));
/// assert_eq!(a1.cpu(), Cpu::cores(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(description = "A provider cap on the total of several nodes.")]
pub struct TenancyLimit {
    name: String,
    cpu: Cpu,
    memory: Memory,
}

impl TenancyLimit {
    /// A cap named `name` of `cpu` and `memory` in total.
    ///
    /// ```
    /// let t = kubefit::TenancyLimit::new("A1", kubefit::Cpu::cores(4), kubefit::Memory::gibibytes(24));
    /// assert_eq!(t.name(), "A1");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>, cpu: Cpu, memory: Memory) -> Self {
        TenancyLimit {
            name: name.into(),
            cpu,
            memory,
        }
    }

    /// The pool's name.
    ///
    /// ```
    /// let t = kubefit::TenancyLimit::new("A1", kubefit::Cpu::cores(2), kubefit::Memory::gibibytes(12));
    /// assert_eq!(t.name(), "A1");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Total CPU allowed.
    ///
    /// ```
    /// let t = kubefit::TenancyLimit::new("A1", kubefit::Cpu::cores(2), kubefit::Memory::gibibytes(12));
    /// assert_eq!(t.cpu(), kubefit::Cpu::cores(2));
    /// ```
    #[must_use]
    pub fn cpu(&self) -> Cpu {
        self.cpu
    }

    /// Total memory allowed.
    ///
    /// ```
    /// let t = kubefit::TenancyLimit::new("A1", kubefit::Cpu::cores(2), kubefit::Memory::gibibytes(12));
    /// assert_eq!(t.memory(), kubefit::Memory::gibibytes(12));
    /// ```
    #[must_use]
    pub fn memory(&self) -> Memory {
        self.memory
    }
}

/// Where a stack runs: node pools with their overhead, cluster add-ons, and the provider's
/// caps (tenancy-wide pools, block storage, load balancers), with the source and date the
/// figures were checked.
///
/// Built-in profiles cover Oracle Cloud Always Free (current and pre-2026-06), GCP e2-micro,
/// AWS t3.micro, Azure B1s, a Raspberry Pi 4 with k3s and a GKE e2-standard-2 pool; the
/// constructors [`Platform::k3s`] and [`Platform::kubeadm`] describe your own cluster, and
/// [`Platform::from_yaml`] loads one from a file (schema: `schemas/platform.schema.json`).
///
/// ```
/// use kubefit::Platform;
///
/// let oci = Platform::oci_always_free();
/// assert_eq!(oci.checked(), "2026-11");
/// assert_eq!(oci.pools().len(), 2); // k3s server + agent on the A1 pool
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    description = "A kubefit platform profile: node pools, add-ons and provider caps, with the source and date the figures were checked."
)]
pub struct Platform {
    /// Profile name.
    name: String,
    /// Where the figures come from (URL).
    source: String,
    /// When the figures were checked (YYYY-MM).
    checked: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    /// Node pools.
    pools: Vec<NodePool>,
    /// The control plane: servers, datastore, Secrets encrypted at rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    control_plane: Option<crate::fit::control_plane::ControlPlane>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    addons: Vec<AddOn>,
    /// Sidecars admission webhooks inject into pods (Dapr, a service mesh).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    injectors: Vec<crate::fit::injector::Injector>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tenancy_limits: Vec<TenancyLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Block-storage budget, boot volumes included.
    block_storage: Option<Storage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// LoadBalancer Services allowed.
    load_balancers: Option<u32>,
    #[serde(default)]
    /// Whether idle instances may be reclaimed (OCI Always Free).
    idle_reclamation: bool,
    #[serde(default = "default_overcommit")]
    overcommit_warning_percent: u32,
    /// Per-pod overhead of the runtime class (added to every pod's effective request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pod_overhead: Option<(Cpu, Memory)>,
}

fn default_overcommit() -> u32 {
    200
}

/// Why a platform file could not be loaded.
///
/// ```
/// let err = kubefit::Platform::from_yaml("name: x\n").unwrap_err();
/// assert!(err.to_string().starts_with("invalid platform file:"));
/// ```
///
/// The parser's error is kept as the [`source`](std::error::Error::source):
///
/// ```
/// use std::error::Error;
/// let err = kubefit::Platform::from_yaml("name: [").unwrap_err();
/// assert!(err.source().is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[error("invalid platform file: {message}")]
pub struct PlatformError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl PlatformError {
    pub(crate) fn new(message: String) -> Self {
        PlatformError {
            message,
            source: None,
        }
    }

    fn from_yaml_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> Self {
        PlatformError {
            message: e.to_string(),
            source: Some(Box::new(e)),
        }
    }
}

/// The k3s add-ons that request resources (k3s v1.30 manifests): CoreDNS 100m/70Mi,
/// metrics-server 100m/70Mi; Traefik and the local-path provisioner request nothing.
fn k3s_addons() -> Vec<AddOn> {
    vec![
        AddOn::once("coredns", Cpu::millis(100), Memory::mebibytes(70)),
        AddOn::once("metrics-server", Cpu::millis(100), Memory::mebibytes(70)),
        AddOn::once("traefik", Cpu::ZERO, Memory::ZERO),
        AddOn::once("local-path-provisioner", Cpu::ZERO, Memory::ZERO),
    ]
}

impl Platform {
    /// The platform as the default scheduler sees it when no kubelet reserves the
    /// distribution's own processes (k3s as shipped): `None` when nothing of them is modelled.
    pub(crate) fn as_scheduler_sees_it(&self) -> Option<Platform> {
        if self
            .pools
            .iter()
            .all(|p| p.reserved.distro_part() == (Cpu::ZERO, Memory::ZERO))
        {
            return None;
        }
        let mut p = self.clone();
        p.pools = p.pools.iter().map(NodePool::as_scheduler_sees_it).collect();
        Some(p)
    }

    /// An empty profile; add pools with [`Platform::pool`].
    ///
    /// ```
    /// let p = kubefit::Platform::new("lab", "https://example.com/inventory", "2026-11");
    /// assert!(p.pools().is_empty());
    /// ```
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        source: impl Into<String>,
        checked: impl Into<String>,
    ) -> Self {
        Platform {
            name: name.into(),
            source: source.into(),
            checked: checked.into(),
            note: None,
            pools: Vec::new(),
            addons: Vec::new(),
            injectors: Vec::new(),
            tenancy_limits: Vec::new(),
            block_storage: None,
            load_balancers: None,
            idle_reclamation: false,
            overcommit_warning_percent: default_overcommit(),
            pod_overhead: None,
            control_plane: None,
        }
    }

    /// A k3s server node of `shape`'s capacity, k3s's own processes subtracted
    /// (measured, docs.k3s.io resource profiling: server ≈ 1.6 GB and 6% of a core with a
    /// workload; agent ≈ 275 MB and 3%), its add-ons counted.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Platform};
    /// let p = kubefit::Platform::k3s(Cpu::cores(2), Memory::gibibytes(4), 2, Cpu::cores(2), Memory::gibibytes(4));
    /// assert_eq!(p.pools().len(), 2);
    /// assert!(p.pools()[0].allocatable_memory() < p.pools()[1].allocatable_memory());
    /// ```
    #[must_use]
    pub fn k3s(
        server_cpu: Cpu,
        server_memory: Memory,
        agents: u32,
        agent_cpu: Cpu,
        agent_memory: Memory,
    ) -> Self {
        let mut p = Platform::new(
            "k3s",
            "https://docs.k3s.io/reference/resource-profiling",
            "2026-11",
        )
        .pool(
            NodePool::new("k3s-server", 1, server_cpu, server_memory)
                .reserved(Self::k3s_server_reserved()),
        );
        if agents > 0 {
            p = p.pool(
                NodePool::new("k3s-agent", agents, agent_cpu, agent_memory)
                    .reserved(Self::k3s_agent_reserved()),
            );
        }
        p.addons = k3s_addons();
        p.control_plane = Some(crate::fit::control_plane::ControlPlane::k3s(1));
        p
    }

    /// What a k3s server node loses: k3s keeps only disk eviction thresholds (no memory
    /// eviction reserve), and its single process runs the control plane
    /// (≈ 1.6 GB = 1526Mi, 6% of a core).
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::k3s_server_reserved().cpu(), kubefit::Cpu::millis(60));
    /// ```
    #[must_use]
    pub fn k3s_server_reserved() -> Reserved {
        Reserved::none()
            .distro(Cpu::millis(60), Memory::mebibytes(1526))
            .nodefs_eviction(5)
            .node_minimum(Cpu::cores(2), Memory::bytes(2_000_000_000))
    }

    /// What a k3s agent node loses (≈ 275 MB = 263Mi rounded up, 3% of a core).
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::k3s_agent_reserved().cpu(), kubefit::Cpu::millis(30));
    /// ```
    #[must_use]
    pub fn k3s_agent_reserved() -> Reserved {
        Reserved::none()
            .distro(Cpu::millis(30), Memory::mebibytes(263))
            .nodefs_eviction(5)
            .node_minimum(Cpu::cores(1), Memory::bytes(512_000_000))
    }

    /// A kubeadm/kubelet cluster of `nodes` identical nodes with kubelet defaults
    /// (no reservation, 100Mi eviction threshold, 110 pods) and CoreDNS (2 × 100m/70Mi).
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Platform};
    /// let p = Platform::kubeadm(3, Cpu::cores(4), Memory::gibibytes(16));
    /// assert_eq!(p.pools()[0].count(), 3);
    /// ```
    #[must_use]
    pub fn kubeadm(nodes: u32, cpu: Cpu, memory: Memory) -> Self {
        let mut p = Platform::new(
            "kubeadm",
            "https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/",
            "2026-11",
        )
        .pool(NodePool::new("nodes", nodes, cpu, memory));
        p.addons = vec![
            AddOn::once("coredns", Cpu::millis(100), Memory::mebibytes(70)),
            AddOn::once("coredns", Cpu::millis(100), Memory::mebibytes(70)),
        ];
        p
    }

    /// Oracle Cloud Always Free as of 2026-06-15: the A1 pool is **2 OCPU and 12 GB for the
    /// whole tenancy**, here split into a k3s server and a k3s agent of 1 OCPU / 6 GB each;
    /// 200 GB of block storage including the 50 GB boot volumes; one flexible load balancer
    /// and one network load balancer; idle instances may be reclaimed.
    ///
    /// ```
    /// let p = kubefit::Platform::oci_always_free();
    /// assert_eq!(p.tenancy_limits()[0].cpu(), kubefit::Cpu::cores(2));
    /// ```
    #[must_use]
    pub fn oci_always_free() -> Self {
        Self::profile(include_str!("profiles/oci-always-free.yaml"))
    }

    /// Oracle Cloud Always Free **before 2026-06-15** (outdated: 4 OCPU / 24 GB of A1), as
    /// plans written before then assumed; 2 × (2 OCPU, 12 GB) k3s server + agent.
    ///
    /// ```
    /// let p = kubefit::Platform::oci_always_free_before_2026_06();
    /// assert!(p.note_text().unwrap().starts_with("OUTDATED"));
    /// ```
    #[must_use]
    pub fn oci_always_free_before_2026_06() -> Self {
        Self::profile(include_str!("profiles/oci-always-free-before-2026-06.yaml"))
    }

    /// GCP free tier: one e2-micro (2 shared vCPU billed as 0.25, 1 GB) running k3s,
    /// 30 GB standard disk.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::gcp_e2_micro().pools()[0].count(), 1);
    /// ```
    #[must_use]
    pub fn gcp_e2_micro() -> Self {
        Self::profile(include_str!("profiles/gcp-e2-micro.yaml"))
    }

    /// AWS t3.micro (2 vCPU, 1 GiB, 30 GB EBS) running k3s. Accounts created after
    /// 2025-07-15 get credits instead of this free tier.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::aws_t3_micro().pools()[0].memory_capacity(), kubefit::Memory::gibibytes(1));
    /// ```
    #[must_use]
    pub fn aws_t3_micro() -> Self {
        Self::profile(include_str!("profiles/aws-t3-micro.yaml"))
    }

    /// Azure B1s (1 vCPU, 1 GiB, burstable at a 10% baseline) running k3s.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::azure_b1s().pools()[0].cpu_capacity(), kubefit::Cpu::cores(1));
    /// ```
    #[must_use]
    pub fn azure_b1s() -> Self {
        Self::profile(include_str!("profiles/azure-b1s.yaml"))
    }

    /// A Raspberry Pi 4 (4 cores, 4 GB) running a k3s server; k3s costs about 30% of a core
    /// there (docs.k3s.io resource profiling).
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::raspberry_pi4_k3s().pools()[0].allocatable_cpu(), kubefit::Cpu::millis(3700));
    /// ```
    #[must_use]
    pub fn raspberry_pi4_k3s() -> Self {
        Self::profile(include_str!("profiles/raspberry-pi4-4gb-k3s.yaml"))
    }

    /// A GKE node pool of `nodes` × e2-standard-2 (2 vCPU, 8 GB), allocatable from GKE's
    /// reservation formula (≈ 1930m CPU and ≈ 6.1 GiB each).
    ///
    /// ```
    /// let p = kubefit::Platform::gke_e2_standard_2(3);
    /// assert_eq!(p.pools()[0].allocatable_cpu(), kubefit::Cpu::millis(1930));
    /// ```
    #[must_use]
    pub fn gke_e2_standard_2(nodes: u32) -> Self {
        let cpu = Cpu::cores(2);
        let memory = Memory::gibibytes(8);
        let mut p = Platform::new(
            "gke-e2-standard-2",
            "https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes",
            "2026-11",
        )
        .pool(
            NodePool::new("e2-standard-2", nodes, cpu, memory)
                .reserved(Self::gke_reserved(cpu, memory)),
        );
        p.addons = vec![
            AddOn::once("kube-dns", Cpu::millis(260), Memory::mebibytes(110)),
            AddOn::per_node("fluentbit-gke", Cpu::millis(105), Memory::mebibytes(60)),
            AddOn::per_node("gke-metrics-agent", Cpu::millis(8), Memory::mebibytes(60)),
        ];
        p
    }

    /// GKE's kube-reserved for a node of this size, plus its 100 MiB eviction threshold.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Platform};
    /// let r = Platform::gke_reserved(Cpu::cores(2), Memory::gibibytes(8));
    /// assert_eq!(r.cpu(), Cpu::millis(70));
    /// ```
    #[must_use]
    pub fn gke_reserved(cpu: Cpu, memory: Memory) -> Reserved {
        let gib = 1u64 << 30;
        let m = memory.as_bytes();
        let mem = if m < gib {
            255 * (1 << 20)
        } else {
            let tiers: [(u64, u64); 5] = [
                (4 * gib, 25),
                (4 * gib, 20),
                (8 * gib, 10),
                (112 * gib, 6),
                (u64::MAX, 2),
            ];
            let mut left = m;
            let mut total: u64 = 0;
            for (size, pct) in tiers {
                let part = left.min(size);
                total += part / 100 * pct + (part % 100) * pct / 100;
                left -= part;
                if left == 0 {
                    break;
                }
            }
            total
        };
        let c = cpu.as_millis();
        let cpu_tiers: [(u64, u64); 4] = [(1000, 600), (1000, 100), (2000, 50), (u64::MAX, 25)];
        let mut left = c;
        let mut cpu_total = 0;
        for (size, per_10k) in cpu_tiers {
            let part = left.min(size);
            cpu_total += part * per_10k / 10_000;
            left -= part;
            if left == 0 {
                break;
            }
        }
        Reserved::none()
            .kube(Cpu::millis(cpu_total), Memory::bytes(mem))
            .eviction(Memory::mebibytes(100))
    }

    /// A built-in profile from its YAML file in `src/fit/profiles/` (data, so a platform is
    /// added without code; the `builtin_profiles_are_valid_data` test loads every one).
    fn profile(yaml: &'static str) -> Self {
        Self::from_yaml(yaml)
            .unwrap_or_else(|e| unreachable!("src/fit/profiles holds a valid profile: {e}"))
    }

    /// Every built-in profile.
    ///
    /// ```
    /// assert!(kubefit::Platform::builtin().len() >= 7);
    /// ```
    #[must_use]
    pub fn builtin() -> Vec<Platform> {
        vec![
            Self::oci_always_free(),
            Self::oci_always_free_before_2026_06(),
            Self::gcp_e2_micro(),
            Self::aws_t3_micro(),
            Self::azure_b1s(),
            Self::raspberry_pi4_k3s(),
            Self::gke_e2_standard_2(3),
        ]
    }

    /// Adds a node pool.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, NodePool, Platform};
    /// let p = Platform::new("lab", "inventory", "2026-11").pool(NodePool::new("n", 2, Cpu::cores(2), Memory::gibibytes(4)));
    /// assert_eq!(p.pools().len(), 1);
    /// ```
    #[must_use]
    pub fn pool(mut self, pool: NodePool) -> Self {
        self.pools.push(pool);
        self
    }

    /// Adds a cluster add-on.
    ///
    /// ```
    /// use kubefit::{AddOn, Cpu, Memory, Platform};
    /// let p = Platform::new("lab", "inventory", "2026-11").addon(AddOn::per_node("node-exporter", Cpu::millis(10), Memory::mebibytes(30)));
    /// assert_eq!(p.addons().len(), 1);
    /// ```
    #[must_use]
    pub fn addon(mut self, addon: AddOn) -> Self {
        self.addons.push(addon);
        self
    }

    /// Declares a sidecar an admission webhook injects into the pods it selects (Dapr's
    /// `daprd`, a mesh proxy): the fit counts it in each of those pods. The injector's own
    /// control plane runs as ordinary pods: declare it with [`Platform::addon`].
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Deployment, Injector, Memory, Platform, Resources, Stack};
    /// let app = Deployment::new("api", Container::new("api", "nginx:1.27")
    ///     .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(64))))
    ///     .pod_annotation("dapr.io/enabled", "true")
    ///     .pod_annotation("dapr.io/sidecar-cpu-request", "10m");
    /// let stack = Stack::new("shop").with(app);
    /// let fit = stack.fit(&Platform::oci_always_free().injects(Injector::dapr()));
    /// assert_eq!(fit.workloads()[0].pod_requests.cpu, Cpu::millis(110));
    /// ```
    #[must_use]
    pub fn injects(mut self, injector: crate::fit::injector::Injector) -> Self {
        self.injectors.push(injector);
        self
    }

    /// The sidecar injectors.
    ///
    /// ```
    /// assert!(kubefit::Platform::oci_always_free().injectors().is_empty());
    /// ```
    #[must_use]
    pub fn injectors(&self) -> &[crate::fit::injector::Injector] {
        &self.injectors
    }

    /// Replaces the reservations of the pool named `pool` (e.g. to model a plan that sets
    /// aside more for k3s than it measurably uses).
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Platform, Reserved};
    /// let p = Platform::oci_always_free()
    ///     .reserve_on("a1-k3s-server", Reserved::none().distro(Cpu::cores(1), Memory::gigabytes(4)));
    /// assert_eq!(p.pools()[0].allocatable_cpu(), Cpu::ZERO);
    /// ```
    #[must_use]
    pub fn reserve_on(mut self, pool: &str, reserved: Reserved) -> Self {
        for p in self.pools.iter_mut().filter(|p| p.name == pool) {
            p.reserved = reserved.clone();
        }
        self
    }

    /// Removes every add-on (e.g. when CoreDNS runs elsewhere).
    ///
    /// ```
    /// assert!(kubefit::Platform::oci_always_free().without_addons().addons().is_empty());
    /// ```
    #[must_use]
    pub fn without_addons(mut self) -> Self {
        self.addons.clear();
        self
    }

    /// Adds a tenancy-wide cap.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Platform, TenancyLimit};
    /// let p = Platform::new("x", "y", "z").tenancy_limit(TenancyLimit::new("A1", Cpu::cores(2), Memory::gibibytes(12)));
    /// assert_eq!(p.tenancy_limits().len(), 1);
    /// ```
    #[must_use]
    pub fn tenancy_limit(mut self, limit: TenancyLimit) -> Self {
        self.tenancy_limits.push(limit);
        self
    }

    /// Sets the block-storage budget (boot volumes count against it).
    ///
    /// ```
    /// let p = kubefit::Platform::new("x", "y", "z").block_storage(kubefit::Storage::gigabytes(200));
    /// assert_eq!(p.block_storage_budget(), Some(kubefit::Storage::gigabytes(200)));
    /// ```
    #[must_use]
    pub fn block_storage(mut self, size: Storage) -> Self {
        self.block_storage = Some(size);
        self
    }

    /// Sets how many LoadBalancer Services the platform allows.
    ///
    /// ```
    /// let p = kubefit::Platform::new("x", "y", "z").load_balancers(1);
    /// assert_eq!(p.load_balancer_allowance(), Some(1));
    /// ```
    #[must_use]
    pub fn load_balancers(mut self, n: u32) -> Self {
        self.load_balancers = Some(n);
        self
    }

    /// Warns about the Always Free idle-reclamation rule (see [`Stack::fit`](crate::Stack::fit)).
    ///
    /// ```
    /// let p = kubefit::Platform::new("x", "y", "z").idle_reclamation(true);
    /// assert!(p.reclaims_idle());
    /// ```
    #[must_use]
    pub fn idle_reclamation(mut self, yes: bool) -> Self {
        self.idle_reclamation = yes;
        self
    }

    /// Warns when total limits exceed this percentage of allocatable (default 200).
    ///
    /// ```
    /// let p = kubefit::Platform::new("x", "y", "z").overcommit_warning_percent(150);
    /// assert_eq!(p.overcommit_threshold(), 150);
    /// ```
    #[must_use]
    pub fn overcommit_warning_percent(mut self, percent: u32) -> Self {
        self.overcommit_warning_percent = percent;
        self
    }

    /// Sets the control plane: its servers, datastore and whether Secrets are encrypted at
    /// rest, judged by `control-plane-not-ha` and `secrets-not-encrypted-at-rest`. The k3s
    /// profiles and [`Platform::k3s`] have k3s's own (one server on SQLite, Secrets not
    /// encrypted); other platforms have none until set.
    ///
    /// ```
    /// use kubefit::{ControlPlane, Datastore, Platform};
    /// let p = Platform::oci_always_free()
    ///     .control_plane(ControlPlane::k3s(1).datastore(Datastore::EmbeddedEtcd));
    /// assert_eq!(p.control_plane_of().unwrap().datastore_of(), Datastore::EmbeddedEtcd);
    /// ```
    #[must_use]
    pub fn control_plane(mut self, control_plane: crate::fit::control_plane::ControlPlane) -> Self {
        self.control_plane = Some(control_plane);
        self
    }

    /// The control plane, when known.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::oci_always_free().control_plane_of().unwrap().servers(), 1);
    /// ```
    #[must_use]
    pub fn control_plane_of(&self) -> Option<&crate::fit::control_plane::ControlPlane> {
        self.control_plane.as_ref()
    }

    /// Sets the pod overhead of the runtime class pods use (e.g. Kata or gVisor), added to
    /// every pod's effective request.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, Platform};
    /// let p = Platform::kubeadm(1, Cpu::cores(2), Memory::gibibytes(4)).pod_overhead(Cpu::millis(250), Memory::mebibytes(120));
    /// assert_eq!(p.pod_overhead_of(), Some((Cpu::millis(250), Memory::mebibytes(120))));
    /// ```
    #[must_use]
    pub fn pod_overhead(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.pod_overhead = Some((cpu, memory));
        self
    }

    /// The per-pod overhead, if any.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::oci_always_free().pod_overhead_of(), None);
    /// ```
    #[must_use]
    pub fn pod_overhead_of(&self) -> Option<(Cpu, Memory)> {
        self.pod_overhead
    }

    /// Adds a note shown in reports.
    ///
    /// ```
    /// let p = kubefit::Platform::new("x", "y", "z").note("lab cluster");
    /// assert_eq!(p.note_text(), Some("lab cluster"));
    /// ```
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The profile's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::oci_always_free().name(), "oci-always-free");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the figures come from.
    ///
    /// ```
    /// assert!(kubefit::Platform::oci_always_free().source().starts_with("https://docs.oracle.com/"));
    /// ```
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// When the figures were checked.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::oci_always_free().checked(), "2026-11");
    /// ```
    #[must_use]
    pub fn checked(&self) -> &str {
        &self.checked
    }

    /// The note, if any.
    ///
    /// ```
    /// assert!(kubefit::Platform::oci_always_free_before_2026_06().note_text().unwrap().contains("OUTDATED"));
    /// ```
    #[must_use]
    pub fn note_text(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The node pools.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::gke_e2_standard_2(2).pools()[0].count(), 2);
    /// ```
    #[must_use]
    pub fn pools(&self) -> &[NodePool] {
        &self.pools
    }

    /// The cluster add-ons.
    ///
    /// ```
    /// assert!(!kubefit::Platform::oci_always_free().addons().is_empty());
    /// ```
    #[must_use]
    pub fn addons(&self) -> &[AddOn] {
        &self.addons
    }

    /// The tenancy-wide caps.
    ///
    /// ```
    /// assert!(kubefit::Platform::gke_e2_standard_2(1).tenancy_limits().is_empty());
    /// ```
    #[must_use]
    pub fn tenancy_limits(&self) -> &[TenancyLimit] {
        &self.tenancy_limits
    }

    /// The block-storage budget, if capped.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::oci_always_free().block_storage_budget(), Some(kubefit::Storage::gigabytes(200)));
    /// ```
    #[must_use]
    pub fn block_storage_budget(&self) -> Option<Storage> {
        self.block_storage
    }

    /// How many LoadBalancer Services are allowed, if capped.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::oci_always_free().load_balancer_allowance(), Some(2));
    /// ```
    #[must_use]
    pub fn load_balancer_allowance(&self) -> Option<u32> {
        self.load_balancers
    }

    /// Whether idle instances may be reclaimed.
    ///
    /// ```
    /// assert!(kubefit::Platform::oci_always_free().reclaims_idle());
    /// ```
    #[must_use]
    pub fn reclaims_idle(&self) -> bool {
        self.idle_reclamation
    }

    /// The limit-overcommit warning threshold, in percent of allocatable.
    ///
    /// ```
    /// assert_eq!(kubefit::Platform::oci_always_free().overcommit_threshold(), 200);
    /// ```
    #[must_use]
    pub fn overcommit_threshold(&self) -> u32 {
        self.overcommit_warning_percent
    }

    /// Loads a profile from YAML (validated against the same rules as the JSON Schema:
    /// unknown fields and malformed quantities are errors).
    ///
    /// ```
    /// let yaml = r#"
    /// name: lab
    /// source: https://example.com/inventory
    /// checked: 2026-11
    /// pools:
    ///   - name: workers
    ///     count: 3
    ///     cpu: "4"
    ///     memory: 16Gi
    /// "#;
    /// let p = kubefit::Platform::from_yaml(yaml)?;
    /// assert_eq!(p.pools()[0].max_pods_per_node(), 110);
    /// # Ok::<(), kubefit::PlatformError>(())
    /// ```
    pub fn from_yaml(yaml: &str) -> Result<Self, PlatformError> {
        serde_saphyr::from_str(yaml).map_err(PlatformError::from_yaml_error)
    }

    /// Writes the profile as YAML, starting with a `yaml-language-server` schema line.
    ///
    /// ```
    /// let p = kubefit::Platform::oci_always_free();
    /// let yaml = p.to_yaml()?;
    /// assert_eq!(kubefit::Platform::from_yaml(&yaml)?, p);
    /// # Ok::<(), kubefit::PlatformError>(())
    /// ```
    pub fn to_yaml(&self) -> Result<String, PlatformError> {
        let body = serde_saphyr::to_string(self).map_err(PlatformError::from_yaml_error)?;
        Ok(format!(
            "# yaml-language-server: $schema=./platform.schema.json\n{body}"
        ))
    }

    /// The JSON Schema of platform files, generated with schemars.
    ///
    /// ```
    /// let s = kubefit::Platform::json_schema();
    /// assert!(s.contains("\"pools\""));
    /// ```
    #[must_use]
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(Platform);
        let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod profile_tests {
    use super::Platform;

    /// Every file in `src/fit/profiles/` is a valid profile, named as its file, and is one of
    /// the built-in platforms: a profile that does not parse fails here, not in a user's call.
    #[test]
    fn builtin_profiles_are_valid_data() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/fit/profiles");
        let builtin = Platform::builtin();
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let p =
                Platform::from_yaml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(path.file_stem().unwrap().to_str(), Some(p.name()));
            assert!(
                builtin.contains(&p),
                "{} is not in Platform::builtin()",
                p.name()
            );
            seen += 1;
        }
        assert_eq!(seen, 6);
    }
}
