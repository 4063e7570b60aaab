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
        let items = items_of(json, "nodes", "Node", "kubectl get nodes -o json")?;
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

impl Platform {
    /// Adds the pods already running on the cluster's nodes, from `kubectl get pods -A -o
    /// json` (a `List` of Pods, one Pod, or an array of them), as existing load, so "will my
    /// new release fit on the cluster I have?" is answered offline: each pod bound to a node
    /// (`spec.nodeName`) that is not finished (`status.phase` Succeeded or Failed) holds its
    /// effective requests (init containers, sidecars and pod-level resources counted as the
    /// scheduler counts them, plus `spec.overhead`) and one pod slot on that node — an
    /// [`AddOn`](crate::AddOn) named `namespace/name`, [`on_pool`](crate::AddOn::on_pool) of the
    /// node's pool. Use it on a platform made by [`Platform::from_nodes`], whose pools are the
    /// nodes.
    ///
    /// Pods in the namespace `replacing` are left out: they are the release being checked,
    /// which its new version replaces. Pods bound to a node the platform has no pool for, and
    /// pods not bound yet (Pending), hold nothing on these nodes and are left out too; the
    /// platform's note says how many were counted and left out.
    ///
    /// ```
    /// let nodes = r#"{"items": [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "w1"},
    ///   "status": {"capacity": {"cpu": "2", "memory": "4Gi", "pods": "110"},
    ///              "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}}}]}"#;
    /// let pods = r#"{"items": [
    ///   {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db-0", "namespace": "data"},
    ///    "spec": {"nodeName": "w1", "containers": [{"name": "pg",
    ///      "resources": {"requests": {"cpu": "1500m", "memory": "1Gi"}}}]},
    ///    "status": {"phase": "Running"}},
    ///   {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop"},
    ///    "spec": {"nodeName": "w1", "containers": [{"name": "web",
    ///      "resources": {"requests": {"cpu": "1"}}}]},
    ///    "status": {"phase": "Running"}}]}"#;
    /// let p = kubefit::Platform::from_nodes(nodes)?.running_pods(pods, Some("shop"))?;
    /// assert_eq!(p.addons().len(), 1); // shop's own pod is the release being replaced
    /// assert_eq!(p.addons()[0].name(), "data/db-0");
    /// assert_eq!(p.addons()[0].cpu(), kubefit::Cpu::millis(1500));
    /// assert_eq!(p.addons()[0].pool(), Some("w1"));
    /// # Ok::<(), kubefit::PlatformError>(())
    /// ```
    pub fn running_pods(
        mut self,
        json: &str,
        replacing: Option<&str>,
    ) -> Result<Platform, PlatformError> {
        let items = items_of(json, "pods", "Pod", "kubectl get pods -A -o json")?;
        let (mut counted, mut finished, mut unbound, mut elsewhere, mut replaced) =
            (0usize, 0usize, 0usize, 0usize, 0usize);
        for (i, mut item) in items.into_iter().enumerate() {
            let text = |v: &Value, path: &[&str]| -> String {
                path.iter()
                    .try_fold(v, |v, k| v.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let namespace = text(&item, &["metadata", "namespace"]);
            let name = text(&item, &["metadata", "name"]);
            let node = text(&item, &["spec", "nodeName"]);
            if matches!(
                text(&item, &["status", "phase"]).as_str(),
                "Succeeded" | "Failed"
            ) {
                finished += 1;
                continue;
            }
            if replacing.is_some_and(|ns| ns == namespace) {
                replaced += 1;
                continue;
            }
            if node.is_empty() {
                unbound += 1;
                continue;
            }
            if !self.pools().iter().any(|p| p.name() == node) {
                elsewhere += 1;
                continue;
            }
            // kubectl prints the List's items without their kind.
            if let Value::Object(m) = &mut item {
                m.entry("apiVersion").or_insert_with(|| "v1".into());
                m.entry("kind").or_insert_with(|| "Pod".into());
            }
            let at = format!("items[{i}] ({namespace}/{name})");
            let pod = match crate::model::lift::bare_pod(&item) {
                Ok(Some(pod)) => pod,
                Ok(None) => {
                    return Err(PlatformError::new(format!(
                        "{at}: not a v1 Pod (kubectl get pods -A -o json)"
                    )));
                }
                Err(problems) => {
                    let first = problems
                        .first()
                        .map(|(path, message)| format!("{path}: {message}"))
                        .unwrap_or_default();
                    return Err(PlatformError::new(format!("{at}: {first}")));
                }
            };
            let mut requests = crate::fit::demand::pod_requests(&pod);
            // The RuntimeClass overhead admission set on the pod counts too
            // (pkg/api/v1/resource/helpers.go, `PodRequests`).
            for (key, slot) in [("cpu", 0), ("memory", 1)] {
                let q = text(&item, &["spec", "overhead", key]);
                if q.is_empty() {
                    continue;
                }
                let bad = |e: String| PlatformError::new(format!("{at}: spec.overhead.{key}: {e}"));
                if slot == 0 {
                    requests.cpu =
                        requests.cpu + q.parse::<Cpu>().map_err(|e| bad(e.to_string()))?;
                } else {
                    requests.memory =
                        requests.memory + q.parse::<Memory>().map_err(|e| bad(e.to_string()))?;
                }
            }
            self = self.addon(
                crate::fit::platform::AddOn::per_node(
                    format!("{namespace}/{name}"),
                    requests.cpu,
                    requests.memory,
                )
                .on_pool(node),
            );
            counted += 1;
        }
        let mut note = format!("{counted} running pod(s) counted as existing load");
        for (n, why) in [
            (replaced, "in the namespace being replaced"),
            (unbound, "not bound to a node"),
            (elsewhere, "on nodes not in the platform"),
            (finished, "finished"),
        ] {
            if n > 0 {
                note.push_str(&format!("; {n} left out ({why})"));
            }
        }
        let note = match self.note_text() {
            Some(before) if !before.is_empty() => format!("{before}; {note}"),
            _ => note,
        };
        Ok(self.note(note))
    }
}

/// The objects of `kubectl get … -o json` output: a `List`'s items, one object, or an array of
/// them; `what` (`nodes`) and `kind` (`Node`) name them in errors, `command` says where they
/// come from.
fn items_of(
    json: &str,
    what: &str,
    kind: &str,
    command: &str,
) -> Result<Vec<Value>, PlatformError> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| PlatformError::new(format!("the {what} are not json: {e}")))?;
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(mut m) => match m.remove("items") {
            Some(Value::Array(items)) => Ok(items),
            _ => Ok(vec![Value::Object(m)]),
        },
        _ => Err(PlatformError::new(format!(
            "the {what} must be a List, a {kind} or an array of {kind}s ({command})"
        ))),
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
