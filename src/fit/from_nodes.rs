//! A platform read from a live cluster's nodes (`kubectl get nodes -o json`), so "will my
//! release fit on the cluster I have?" is answered offline.

use k8s_openapi::api::core::v1::Node;
use serde_json::Value;

use crate::fit::platform::{NodePool, Platform, PlatformError, Reserved, Taint};
use crate::model::scheduling::TaintEffect;
use crate::units::cpu::Cpu;
use crate::units::memory::Memory;

impl Platform {
    /// The platform a cluster's nodes make, from `kubectl get nodes -o json` (a `List` of
    /// Nodes, one Node, or an array of them): one pool per node, named after it, with the
    /// node's capacity, what it reserves (capacity minus the allocatable the kubelet
    /// reports: kube-reserved, system-reserved and the eviction threshold together), its
    /// `pods` limit, architecture, labels and taints. No add-ons are assumed: the cluster's
    /// own pods are already running, and are not counted.
    ///
    /// A node named `worker-1` is the pool `worker-1`, whose one node the report calls
    /// `worker-1-0` (its `kubernetes.io/hostname` label in the fit is that name too).
    ///
    /// ```
    /// let json = r#"{"apiVersion": "v1", "kind": "List", "items": [{
    ///   "apiVersion": "v1", "kind": "Node",
    ///   "metadata": {"name": "worker-1", "labels": {"kubernetes.io/arch": "arm64", "disk": "ssd"}},
    ///   "spec": {"taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]},
    ///   "status": {
    ///     "capacity": {"cpu": "4", "memory": "24554324Ki", "pods": "110"},
    ///     "allocatable": {"cpu": "3900m", "memory": "23505748Ki", "pods": "110"}
    ///   }
    /// }]}"#;
    /// let p = kubefit::Platform::from_nodes(json)?;
    /// let pool = &p.pools()[0];
    /// assert_eq!((pool.name(), pool.architecture()), ("worker-1", "arm64"));
    /// assert_eq!(pool.allocatable_cpu(), kubefit::Cpu::millis(3900));
    /// assert_eq!(pool.allocatable_memory(), kubefit::Memory::kibibytes(23505748));
    /// assert_eq!(pool.labels()["disk"], "ssd");
    /// assert_eq!(pool.taints()[0].to_string(), "dedicated=db:NoSchedule");
    /// # Ok::<(), kubefit::PlatformError>(())
    /// ```
    pub fn from_nodes(json: &str) -> Result<Platform, PlatformError> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| PlatformError::new(format!("the nodes are not json: {e}")))?;
        let items = match value {
            Value::Array(items) => items,
            Value::Object(mut m) => match m.remove("items") {
                Some(Value::Array(items)) => items,
                _ => vec![Value::Object(m)],
            },
            _ => {
                return Err(PlatformError::new(
                    "the nodes must be a List, a Node or an array of Nodes (kubectl get nodes -o json)"
                        .to_owned(),
                ));
            }
        };
        let mut platform = Platform::new("cluster", "kubectl get nodes -o json", "");
        for (i, item) in items.into_iter().enumerate() {
            let node: Node = serde_json::from_value(item).map_err(|e| {
                PlatformError::new(format!("items[{i}]: not a node kubectl would print: {e}"))
            })?;
            platform = platform.pool(pool_of(&node, i)?);
        }
        if platform.pools().is_empty() {
            return Err(PlatformError::new(
                "no nodes: the list is empty (is the kubeconfig's cluster the right one?)"
                    .to_owned(),
            ));
        }
        Ok(platform)
    }
}

fn pool_of(node: &Node, i: usize) -> Result<NodePool, PlatformError> {
    let name = node.metadata.name.clone().unwrap_or_default();
    let at = |field: &str| format!("items[{i}] ({name}): {field}");
    let status = node.status.clone().unwrap_or_default();
    let quantity = |list: &Option<
        std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >,
                    list_name: &str,
                    key: &str|
     -> Result<Option<String>, PlatformError> {
        Ok(list.as_ref().and_then(|l| l.get(key)).map(|q| q.0.clone())).and_then(|q| {
            if q.is_none() && key != "ephemeral-storage" {
                Err(PlatformError::new(format!(
                    "{}: no {key}; the node must report it",
                    at(&format!("status.{list_name}"))
                )))
            } else {
                Ok(q)
            }
        })
    };
    let cpu = |list, list_name: &str| -> Result<Cpu, PlatformError> {
        let text = quantity(list, list_name, "cpu")?.unwrap_or_default();
        text.parse::<Cpu>().map_err(|e| {
            PlatformError::new(format!("{}: {e}", at(&format!("status.{list_name}.cpu"))))
        })
    };
    let memory = |list, list_name: &str, key: &str| -> Result<Option<Memory>, PlatformError> {
        match quantity(list, list_name, key)? {
            None => Ok(None),
            Some(text) => text.parse::<Memory>().map(Some).map_err(|e| {
                PlatformError::new(format!("{}: {e}", at(&format!("status.{list_name}.{key}"))))
            }),
        }
    };
    let capacity_cpu = cpu(&status.capacity, "capacity")?;
    let allocatable_cpu = cpu(&status.allocatable, "allocatable")?;
    let capacity_memory = memory(&status.capacity, "capacity", "memory")?.unwrap_or_default();
    let allocatable_memory =
        memory(&status.allocatable, "allocatable", "memory")?.unwrap_or_default();
    let pods = quantity(&status.allocatable, "allocatable", "pods")?
        .unwrap_or_default()
        .parse::<u32>()
        .map_err(|e| PlatformError::new(format!("{}: {e}", at("status.allocatable.pods"))))?;
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let arch = labels
        .get("kubernetes.io/arch")
        .cloned()
        .or_else(|| status.node_info.as_ref().map(|n| n.architecture.clone()))
        .unwrap_or_else(|| "amd64".to_owned());
    let mut pool = NodePool::new(name.clone(), 1, capacity_cpu, capacity_memory)
        .arch(arch)
        .max_pods(pods)
        .reserved(Reserved::none().kube(
            capacity_cpu.saturating_sub(allocatable_cpu),
            capacity_memory.saturating_sub(allocatable_memory),
        ));
    if let Some(storage) = memory(&status.allocatable, "allocatable", "ephemeral-storage")? {
        pool = pool.ephemeral_storage(storage);
    }
    for (k, v) in &labels {
        // Written again for every node (arch, os, hostname, the pool label).
        if !matches!(
            k.as_str(),
            "kubernetes.io/arch" | "kubernetes.io/os" | "kubernetes.io/hostname"
        ) && k != crate::fit::nodes::POOL_LABEL
        {
            pool = pool.label(k, v);
        }
    }
    for (j, t) in node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        let effect = match t.effect.as_str() {
            "NoSchedule" => TaintEffect::NoSchedule,
            "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
            "NoExecute" => TaintEffect::NoExecute,
            other => {
                return Err(PlatformError::new(format!(
                    "{}: `{other}` is not a taint effect (NoSchedule, PreferNoSchedule, NoExecute)",
                    at(&format!("spec.taints[{j}].effect"))
                )));
            }
        };
        pool = pool.taint(Taint::new(
            t.key.clone(),
            t.value.clone().unwrap_or_default(),
            effect,
        ));
    }
    Ok(pool)
}
