//! A platform as the objects a real cluster would hold: its Nodes, and the Pods of its add-ons.
//!
//! These are what `kubectl get nodes -o yaml` and `kubectl get pods -n kube-system` would show
//! on a cluster built to the profile, and what kubefit's own control-plane tests create
//! (`tests/cluster/`) so that the real scheduler judges the same nodes the fit counts.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container as K8sContainer, Node, NodeSpec, NodeStatus, NodeSystemInfo, Pod, PodSpec,
    ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::platform::{NodePool, Platform};

/// The label every node of [`Platform::nodes`] carries with the name of its pool (kubefit's
/// own), so a `nodeSelector` or a `kubectl get nodes -l` can pick a pool.
///
/// ```
/// use kubefit::{Cpu, Memory, NodePool, Platform, POOL_LABEL};
/// let p = Platform::new("lab", "test", "2026-12")
///     .pool(NodePool::new("arm", 1, Cpu::cores(4), Memory::gibibytes(8)));
/// let labels = p.nodes()[0].metadata.labels.clone().unwrap();
/// assert_eq!(labels[POOL_LABEL], "arm");
/// ```
pub const POOL_LABEL: &str = "kubefit.dev/pool";

/// The image of add-on pods: they only hold their requests.
const PAUSE_IMAGE: &str = "registry.k8s.io/pause:3.10";

/// A DNS label for an add-on's free-text name: `daprd sidecars (5 × 10m)` → `daprd-sidecars-5-10m`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    let out: String = out.chars().take(40).collect();
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "addon".to_owned()
    } else {
        out.to_owned()
    }
}

fn quantity(q: impl ToString) -> K8sQuantity {
    K8sQuantity(q.to_string())
}

fn resource_list(pool: &NodePool, allocatable: bool) -> BTreeMap<String, K8sQuantity> {
    let (cpu, memory) = if allocatable {
        (pool.allocatable_cpu(), pool.allocatable_memory())
    } else {
        (pool.cpu_capacity(), pool.memory_capacity())
    };
    let mut list = BTreeMap::from([
        ("cpu".to_owned(), quantity(cpu.to_quantity())),
        ("memory".to_owned(), quantity(memory.to_quantity())),
        ("pods".to_owned(), quantity(pool.max_pods_per_node())),
    ]);
    let storage = if allocatable {
        pool.allocatable_ephemeral_storage()
    } else {
        pool.ephemeral_storage_capacity()
    };
    if let Some(storage) = storage {
        list.insert(
            "ephemeral-storage".to_owned(),
            quantity(storage.to_quantity()),
        );
    }
    list
}

impl Platform {
    /// The platform's nodes as Kubernetes `Node` objects, named as the fit report names them
    /// (`{pool}-{index}`, from 0), with the labels a kubelet sets (`kubernetes.io/arch`,
    /// `kubernetes.io/os`, `kubernetes.io/hostname`), [`POOL_LABEL`](crate::POOL_LABEL), and
    /// a status whose `capacity` is the pool's hardware and whose `allocatable` is what the
    /// fit budgets against: capacity minus every [`Reserved`](crate::Reserved) part, including
    /// the distribution's own processes. A kubelet reports that allocatable only when its
    /// `kube-reserved`/`system-reserved` cover those processes; without them the scheduler
    /// sees more room than the node has (see the fit-fidelity notes in the README).
    ///
    /// Compare them with `kubectl get nodes -o yaml`, or create them in a test cluster.
    ///
    /// ```
    /// use kubefit::{Cpu, Memory, NodePool, Platform, Reserved};
    ///
    /// let p = Platform::new("lab", "https://example.org", "2026-12")
    ///     .pool(NodePool::new("pi", 2, Cpu::cores(4), Memory::gibibytes(8))
    ///         .arch("arm64")
    ///         .reserved(Reserved::none().distro(Cpu::millis(200), Memory::mebibytes(512))));
    /// let nodes = p.nodes();
    /// assert_eq!(nodes.len(), 2);
    /// assert_eq!(nodes[1].metadata.name.as_deref(), Some("pi-1"));
    /// let labels = nodes[0].metadata.labels.as_ref().unwrap();
    /// assert_eq!(labels["kubernetes.io/arch"], "arm64");
    /// let status = nodes[0].status.as_ref().unwrap();
    /// assert_eq!(status.capacity.as_ref().unwrap()["cpu"].0, "4");
    /// assert_eq!(status.allocatable.as_ref().unwrap()["cpu"].0, "3800m");
    /// assert_eq!(status.allocatable.as_ref().unwrap()["memory"].0, "7680Mi");
    /// ```
    #[must_use]
    pub fn nodes(&self) -> Vec<Node> {
        let mut nodes = Vec::new();
        for pool in self.pools() {
            for i in 0..pool.count() {
                let name = format!("{}-{i}", pool.name());
                let labels = pool.node_labels(&name);
                nodes.push(Node {
                    metadata: ObjectMeta {
                        name: Some(name),
                        labels: Some(labels),
                        ..ObjectMeta::default()
                    },
                    spec: Some(NodeSpec {
                        taints: (!pool.taints().is_empty()).then(|| {
                            pool.taints()
                                .iter()
                                .map(|t| k8s_openapi::api::core::v1::Taint {
                                    key: t.key.clone(),
                                    value: (!t.value.is_empty()).then(|| t.value.clone()),
                                    effect: t.effect.as_str().to_owned(),
                                    ..Default::default()
                                })
                                .collect()
                        }),
                        ..NodeSpec::default()
                    }),
                    status: Some(NodeStatus {
                        capacity: Some(resource_list(pool, false)),
                        allocatable: Some(resource_list(pool, true)),
                        node_info: Some(NodeSystemInfo {
                            architecture: pool.architecture().to_owned(),
                            operating_system: "linux".to_owned(),
                            ..NodeSystemInfo::default()
                        }),
                        ..NodeStatus::default()
                    }),
                });
            }
        }
        nodes
    }

    /// The pods the platform runs before any stack — its [`AddOn`](crate::AddOn)s — in
    /// `kube-system`, each holding the add-on's requests: an add-on that runs once is one
    /// unbound Pod (the scheduler places it, as the fit does), one per node is a Pod bound to
    /// every node of [`nodes`](Self::nodes) (as its DaemonSet's pods would be, before anything
    /// else). Their image only holds the requests (`registry.k8s.io/pause`); their names are
    /// `addon-` and the add-on's name made a DNS label, which the `kubefit.dev/addon`
    /// annotation keeps as written.
    ///
    /// ```
    /// use kubefit::{AddOn, Cpu, Memory, NodePool, Platform};
    ///
    /// let p = Platform::new("lab", "https://example.org", "2026-12")
    ///     .pool(NodePool::new("w", 2, Cpu::cores(2), Memory::gibibytes(4)))
    ///     .addon(AddOn::once("coredns", Cpu::millis(100), Memory::mebibytes(70)))
    ///     .addon(AddOn::per_node("exporter", Cpu::millis(10), Memory::mebibytes(32)));
    /// let pods = p.system_pods();
    /// assert_eq!(pods.len(), 3);
    /// assert_eq!(pods[0].metadata.name.as_deref(), Some("addon-coredns"));
    /// assert_eq!(pods[1].metadata.name.as_deref(), Some("addon-exporter-w-0"));
    /// assert_eq!(pods[2].spec.as_ref().unwrap().node_name.as_deref(), Some("w-1"));
    /// let requests = pods[0].spec.as_ref().unwrap().containers[0].resources.as_ref().unwrap();
    /// assert_eq!(requests.requests.as_ref().unwrap()["cpu"].0, "100m");
    /// ```
    #[must_use]
    pub fn system_pods(&self) -> Vec<Pod> {
        // Each node's name and pool.
        let node_names: Vec<(String, String)> = self
            .nodes()
            .into_iter()
            .filter_map(|n| {
                let pool = n.metadata.labels.as_ref()?.get(POOL_LABEL)?.clone();
                Some((n.metadata.name?, pool))
            })
            .collect();
        let pod = |name: String, addon: &super::platform::AddOn, node: Option<&String>| Pod {
            metadata: ObjectMeta {
                name: Some(name),
                namespace: Some("kube-system".to_owned()),
                annotations: Some(BTreeMap::from([(
                    "kubefit.dev/addon".to_owned(),
                    addon.name().to_owned(),
                )])),
                ..ObjectMeta::default()
            },
            spec: Some(PodSpec {
                node_name: node.cloned(),
                containers: vec![K8sContainer {
                    name: "addon".to_owned(),
                    image: Some(PAUSE_IMAGE.to_owned()),
                    resources: Some(ResourceRequirements {
                        requests: Some(BTreeMap::from([
                            ("cpu".to_owned(), quantity(addon.cpu().to_quantity())),
                            ("memory".to_owned(), quantity(addon.memory().to_quantity())),
                        ])),
                        ..ResourceRequirements::default()
                    }),
                    ..K8sContainer::default()
                }],
                ..PodSpec::default()
            }),
            status: None,
        };
        let mut pods = Vec::new();
        let mut taken = std::collections::BTreeSet::new();
        for (i, addon) in self.addons().iter().enumerate() {
            let mut base = format!("addon-{}", slug(addon.name()));
            if !taken.insert(base.clone()) {
                base = format!("{base}-{i}");
                taken.insert(base.clone());
            }
            if addon.is_per_node() {
                for (node, _) in node_names.iter().filter(|(_, p)| addon.runs_on_pool(p)) {
                    pods.push(pod(format!("{base}-{node}"), addon, Some(node)));
                }
            } else {
                pods.push(pod(base, addon, None));
            }
        }
        pods
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AddOn, Cpu, Memory, NodePool};

    #[test]
    fn add_on_pods_have_valid_unique_names_whatever_the_add_on_is_called() {
        assert_eq!(
            slug("daprd sidecars (5 × 10m / 32Mi)"),
            "daprd-sidecars-5-10m-32mi"
        );
        assert_eq!(slug("???"), "addon");
        let p = Platform::new("lab", "test", "2026-12")
            .pool(NodePool::new("n", 1, Cpu::cores(1), Memory::gibibytes(1)))
            .addon(AddOn::once("Cert Manager", Cpu::ZERO, Memory::ZERO))
            .addon(AddOn::once("cert-manager", Cpu::ZERO, Memory::ZERO));
        let names: Vec<_> = p
            .system_pods()
            .into_iter()
            .map(|pod| pod.metadata.name.unwrap())
            .collect();
        assert_eq!(names, ["addon-cert-manager", "addon-cert-manager-1"]);
        for name in &names {
            assert!(name.len() <= 63);
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
        }
    }
}
