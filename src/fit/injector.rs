//! Sidecars a mutating admission webhook adds to pods when they are created — Dapr's
//! `daprd`, a service mesh's proxy. They are in no manifest, yet they request cpu and memory
//! on the pod's node, so a platform declares them and the fit counts them in every pod they
//! select.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::units::cpu::Cpu;
use crate::units::demand::Demand;
use crate::units::memory::Memory;

/// A sidecar injected into the pods it selects, with its requests and limits (fixed, or read
/// from the pod's annotations as the injector does).
///
/// The fit counts it as one more app container of each selected pod (Dapr's injector appends
/// `daprd` to `spec.containers`), and the stack's LimitRanges and ResourceQuotas judge it as
/// the API server does: after the LimitRanger's defaults, which it misses (webhooks mutate
/// after the built-in plugins), so a range's `max` or a quota that tracks cpu or memory
/// refuses pods whose injected sidecar sets none (`refused-by-admission`).
///
/// # Defaults
///
/// Selects every pod; requests and limits nothing.
///
/// ```
/// use kubefit::{Cpu, Injector, Memory};
/// let proxy = Injector::new("proxy")
///     .when_annotated("mesh.example.org/inject", "true")
///     .requests(Cpu::millis(50), Memory::mebibytes(64));
/// assert_eq!(proxy.name(), "proxy");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(description = "A sidecar an admission webhook injects into the pods it selects.")]
#[non_exhaustive]
pub struct Injector {
    /// The injected container's name (`daprd`, `istio-proxy`).
    name: String,
    /// Pod annotations that must all be present with these values; empty selects every pod.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    when_annotated: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu_request: Option<Cpu>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_request: Option<Memory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu_limit: Option<Cpu>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_limit: Option<Memory>,
    /// Pod annotations that override the four figures above, in their order: cpu request,
    /// memory request, cpu limit, memory limit (unset: none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<String>,
}

impl Injector {
    /// An injector of the container `name` into every pod, requesting nothing.
    ///
    /// ```
    /// assert_eq!(kubefit::Injector::new("envoy").name(), "envoy");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Injector {
            name: name.into(),
            when_annotated: BTreeMap::new(),
            cpu_request: None,
            memory_request: None,
            cpu_limit: None,
            memory_limit: None,
            annotations: Vec::new(),
        }
    }

    /// Dapr's sidecar injector: `daprd` in each pod annotated `dapr.io/enabled: "true"`, with
    /// the requests and limits of its `dapr.io/sidecar-{cpu,memory}-{request,limit}`
    /// annotations and none otherwise (docs.dapr.io, "Dapr arguments and annotations";
    /// "Production guidelines on Kubernetes": the chart sets no sidecar resources). Its
    /// control plane is not a sidecar: declare it with [`AddOn`](crate::AddOn)s.
    ///
    /// ```
    /// let d = kubefit::Injector::dapr();
    /// assert_eq!(d.name(), "daprd");
    /// ```
    #[must_use]
    pub fn dapr() -> Self {
        Injector::new("daprd")
            .when_annotated("dapr.io/enabled", "true")
            .resources_from_annotations(
                "dapr.io/sidecar-cpu-request",
                "dapr.io/sidecar-memory-request",
                "dapr.io/sidecar-cpu-limit",
                "dapr.io/sidecar-memory-limit",
            )
    }

    /// Istio's sidecar injector for a namespace labelled `istio-injection=enabled`:
    /// `istio-proxy` in every pod, requesting 100m / 128Mi with limits 2000m / 1024Mi (the
    /// chart's `global.proxy.resources`), overridden by the pod's `sidecar.istio.io/proxyCPU`,
    /// `proxyMemory`, `proxyCPULimit` and `proxyMemoryLimit` annotations.
    ///
    /// ```
    /// use kubefit::{Cpu, Injector, Memory};
    /// assert_eq!(Injector::istio().requested(&Default::default()).cpu, Cpu::millis(100));
    /// ```
    #[must_use]
    pub fn istio() -> Self {
        Injector::new("istio-proxy")
            .requests(Cpu::millis(100), Memory::mebibytes(128))
            .limits(Cpu::millis(2000), Memory::mebibytes(1024))
            .resources_from_annotations(
                "sidecar.istio.io/proxyCPU",
                "sidecar.istio.io/proxyMemory",
                "sidecar.istio.io/proxyCPULimit",
                "sidecar.istio.io/proxyMemoryLimit",
            )
    }

    /// Selects only pods whose template carries this annotation with this value (several
    /// calls: all of them).
    ///
    /// ```
    /// let i = kubefit::Injector::new("p").when_annotated("inject", "true");
    /// assert!(!i.selects(&Default::default()));
    /// ```
    #[must_use]
    pub fn when_annotated(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.when_annotated.insert(key.into(), value.into());
        self
    }

    /// The sidecar's requests where no annotation says otherwise.
    ///
    /// ```
    /// use kubefit::{Cpu, Injector, Memory};
    /// let i = Injector::new("p").requests(Cpu::millis(10), Memory::mebibytes(32));
    /// assert_eq!(i.requested(&Default::default()).memory, Memory::mebibytes(32));
    /// ```
    #[must_use]
    pub fn requests(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_request = Some(cpu);
        self.memory_request = Some(memory);
        self
    }

    /// The sidecar's limits where no annotation says otherwise.
    ///
    /// ```
    /// use kubefit::{Cpu, Injector, Memory};
    /// let i = Injector::new("p").limits(Cpu::millis(100), Memory::mebibytes(128));
    /// assert_eq!(i.limited(&Default::default()).cpu, Cpu::millis(100));
    /// ```
    #[must_use]
    pub fn limits(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_limit = Some(cpu);
        self.memory_limit = Some(memory);
        self
    }

    /// Pod annotations that set the sidecar's cpu request, memory request, cpu limit and
    /// memory limit, as the injector reads them. An annotation that is not a quantity is
    /// ignored (the injector refuses or ignores it too).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use kubefit::{Cpu, Injector};
    /// let i = Injector::new("p").resources_from_annotations("c", "m", "cl", "ml");
    /// let pod = BTreeMap::from([("c".to_owned(), "25m".to_owned())]);
    /// assert_eq!(i.requested(&pod).cpu, Cpu::millis(25));
    /// ```
    #[must_use]
    pub fn resources_from_annotations(
        mut self,
        cpu_request: impl Into<String>,
        memory_request: impl Into<String>,
        cpu_limit: impl Into<String>,
        memory_limit: impl Into<String>,
    ) -> Self {
        self.annotations = vec![
            cpu_request.into(),
            memory_request.into(),
            cpu_limit.into(),
            memory_limit.into(),
        ];
        self
    }

    /// The injected container's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Injector::istio().name(), "istio-proxy");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a pod with these template annotations gets the sidecar.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let on = BTreeMap::from([("dapr.io/enabled".to_owned(), "true".to_owned())]);
    /// assert!(kubefit::Injector::dapr().selects(&on));
    /// ```
    #[must_use]
    pub fn selects(&self, annotations: &BTreeMap<String, String>) -> bool {
        self.when_annotated
            .iter()
            .all(|(k, v)| annotations.get(k) == Some(v))
    }

    fn annotated<T: std::str::FromStr>(
        &self,
        i: usize,
        annotations: &BTreeMap<String, String>,
    ) -> Option<T> {
        let key = self.annotations.get(i)?;
        annotations.get(key)?.parse().ok()
    }

    /// (cpu request, memory request, cpu limit, memory limit) for a pod with these
    /// annotations; a limit without a request requests the limit (the API server's
    /// defaulting).
    pub(crate) fn sizes(
        &self,
        annotations: &BTreeMap<String, String>,
    ) -> (Option<Cpu>, Option<Memory>, Option<Cpu>, Option<Memory>) {
        let cpu_limit = self.annotated(2, annotations).or(self.cpu_limit);
        let memory_limit = self.annotated(3, annotations).or(self.memory_limit);
        let cpu = self
            .annotated(0, annotations)
            .or(self.cpu_request)
            .or(cpu_limit);
        let memory = self
            .annotated(1, annotations)
            .or(self.memory_request)
            .or(memory_limit);
        (cpu, memory, cpu_limit, memory_limit)
    }

    /// What the sidecar requests in a pod with these annotations.
    ///
    /// ```
    /// use kubefit::{Cpu, Injector};
    /// assert_eq!(Injector::dapr().requested(&Default::default()).cpu, Cpu::ZERO);
    /// ```
    #[must_use]
    pub fn requested(&self, annotations: &BTreeMap<String, String>) -> Demand {
        let (cpu, memory, _, _) = self.sizes(annotations);
        Demand::new(cpu.unwrap_or_default(), memory.unwrap_or_default())
    }

    /// The sidecar's limits in a pod with these annotations (zero where none).
    ///
    /// ```
    /// use kubefit::{Cpu, Injector, Memory};
    /// assert_eq!(Injector::istio().limited(&Default::default()).memory, Memory::mebibytes(1024));
    /// ```
    #[must_use]
    pub fn limited(&self, annotations: &BTreeMap<String, String>) -> Demand {
        let (_, _, cpu, memory) = self.sizes(annotations);
        Demand::new(cpu.unwrap_or_default(), memory.unwrap_or_default())
    }
}
