//! Any typed k8s-openapi object in a stack: the way through for kinds and fields kubefit has
//! no builder for, still checked and budgeted.

use std::any::TypeId;

use serde::Serialize;
use serde_json::Value;

use crate::model::builtin::builtin_kind;
use crate::model::lift::{Problems, bare_pod, lift_read, unmodelled};
use crate::model::lowered::K8sObject;
use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::util::str_map::StrMap;

/// A typed k8s-openapi object (any kind: a `Role`, a hand-made `Deployment`, a `Pod`), kept
/// as it was given and emitted as it is, in its kind's place in the apply order and in the
/// stack's namespace when the kind is namespaced.
///
/// The check and the fit judge it as far as kubefit understands its kind: Deployments,
/// StatefulSets, DaemonSets, Jobs, CronJobs and ConfigMaps are read into the builders' own
/// types, so every rule and the budget apply to them (a with_k8s Job's pods count); a bare
/// `v1` Pod is checked as a workload's pod (at `spec.containers[…]`) and budgeted as one pod
/// in every scenario; the
/// fields the model has no place for are listed once (`not-modelled`, info), and a value the
/// API server would refuse (a quantity that does not parse) is an error
/// (`unreadable-object`). Other kinds are checked for their name and labels, and counted in
/// one `not-modelled` note.
///
/// ```
/// use k8s_openapi::api::rbac::v1::{PolicyRule, Role};
/// use kubefit::{K8sResource, Stack};
///
/// let role = Role {
///     metadata: kubefit::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
///         name: Some("reader".into()),
///         ..Default::default()
///     },
///     rules: Some(vec![PolicyRule {
///         api_groups: Some(vec!["".into()]),
///         resources: Some(vec!["configmaps".into()]),
///         verbs: vec!["get".into()],
///         ..Default::default()
///     }]),
/// };
/// let r = K8sResource::new(&role);
/// assert_eq!((r.kind(), r.api_version()), ("Role", "rbac.authorization.k8s.io/v1"));
/// let stack = Stack::new("shop").with_k8s(&role);
/// let yaml = stack.emit(&kubefit::EmitOptions::new())?.to_yaml()?;
/// assert!(yaml.contains("kind: Role\nmetadata:\n"), "{yaml}");
/// assert!(yaml.contains("  namespace: shop\n"), "{yaml}");
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct K8sResource {
    pub(crate) api_version: String,
    pub(crate) kind: String,
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) namespaced: bool,
    /// The object as given.
    pub(crate) value: serde_json::Map<String, Value>,
    /// The object in the model, if its kind is one kubefit reads; or what cannot be read.
    pub(crate) lifted: Result<Option<Box<Object>>, Problems>,
    /// Fields of the object the model has no place for.
    pub(crate) unmodelled: Vec<String>,
    /// A bare Pod's template: the pod the check and the budget judge.
    pub(crate) pod: Option<Box<PodTemplate>>,
    /// Read from text (a spec, imported manifests): its fields are written in the order
    /// they were read, not with metadata moved up.
    pub(crate) as_read: bool,
}

impl Eq for K8sResource {}

/// A Secret's `data` and `stringData` values are never shown.
///
/// ```
/// let s: kubefit::k8s_openapi::api::core::v1::Secret = serde_json::from_value(serde_json::json!({
///     "metadata": {"name": "db"}, "stringData": {"password": "hunter2"}
/// }))?;
/// let debug = format!("{:?}", kubefit::K8sResource::new(&s));
/// assert!(!debug.contains("hunter2") && debug.contains("password"), "{debug}");
/// # Ok::<(), serde_json::Error>(())
/// ```
impl std::fmt::Debug for K8sResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut value = self.value.clone();
        if self.kind == "Secret" {
            for key in ["data", "stringData"] {
                if let Some(Value::Object(m)) = value.get_mut(key) {
                    for v in m.values_mut() {
                        *v = Value::String("<redacted>".to_owned());
                    }
                }
            }
        }
        f.debug_struct("K8sResource")
            .field("api_version", &self.api_version)
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("meta", &self.meta)
            .field("namespaced", &self.namespaced)
            .field("value", &value)
            .field("lifted", &self.lifted)
            .field("unmodelled", &self.unmodelled)
            .field("pod", &self.pod)
            .field("as_read", &self.as_read)
            .finish()
    }
}

impl K8sResource {
    /// Wraps a typed k8s-openapi object; its scope (namespaced or cluster-wide) comes from
    /// its type.
    ///
    /// ```
    /// use kubefit::k8s_openapi::api::scheduling::v1::PriorityClass;
    /// let pc = PriorityClass { metadata: kubefit::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta { name: Some("high".into()), ..Default::default() }, ..Default::default() };
    /// let r = kubefit::K8sResource::new(&pc);
    /// assert_eq!(r.name().as_str(), "high");
    /// assert!(r.to_value("shop")["metadata"].get("namespace").is_none());
    /// ```
    #[must_use]
    pub fn new<T>(object: &T) -> Self
    where
        T: k8s_openapi::Resource + Serialize,
        T::Scope: 'static,
    {
        let namespaced =
            TypeId::of::<T::Scope>() == TypeId::of::<k8s_openapi::NamespaceResourceScope>();
        let mut value = match serde_json::to_value(object) {
            Ok(Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        // k8s-openapi writes apiVersion and kind; make sure of them.
        value.insert("apiVersion".into(), Value::String(T::API_VERSION.into()));
        value.insert("kind".into(), Value::String(T::KIND.into()));
        Self::from_parts(value, namespaced)
    }

    /// An object of a built-in kind as JSON (a spec's `k8sObjects`, an imported manifest):
    /// its scope comes from kubefit's table of built-in kinds (unknown kinds of built-in
    /// groups are taken as namespaced); custom resources are refused (they are
    /// [`CustomObject`](crate::CustomObject)s).
    pub(crate) fn from_value(value: Value) -> Result<Self, String> {
        use crate::model::builtin::{builtin_kind, group_of, is_builtin_group};
        let Value::Object(map) = value else {
            return Err("an object needs apiVersion, kind and metadata".to_owned());
        };
        let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
        if api_version.is_empty() || kind.is_empty() {
            return Err("an object needs apiVersion and kind".to_owned());
        }
        if !group_of(api_version).is_some_and(is_builtin_group) {
            return Err(format!(
                "`{api_version}` {kind} is a custom resource: write it in customObjects"
            ));
        }
        let namespaced = builtin_kind(api_version, kind).is_none_or(|b| b.namespaced);
        let mut r = Self::from_parts(map, namespaced);
        r.as_read = true;
        Ok(r)
    }

    /// The object as given, with this object's labels and annotations: what a spec holds.
    pub(crate) fn spec_value(&self) -> Value {
        let mut value = self.value.clone();
        if let Some(Value::Object(m)) = value.get_mut("metadata") {
            let map = |s: &StrMap| {
                Value::Object(
                    s.iter()
                        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
                        .collect(),
                )
            };
            for (key, s) in [
                ("labels", &self.meta.labels),
                ("annotations", self.meta.annotations()),
            ] {
                if s.is_empty() {
                    m.remove(key);
                } else {
                    m.insert(key.to_owned(), map(s));
                }
            }
        }
        Value::Object(value)
    }

    /// `value` (with apiVersion, kind and metadata) as a resource.
    pub(crate) fn from_parts(value: serde_json::Map<String, Value>, namespaced: bool) -> Self {
        let text = |k: &str| {
            value
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let metadata = value.get("metadata");
        let map = |k: &str| -> StrMap {
            metadata
                .and_then(|m| m.get(k))
                .and_then(Value::as_object)
                .map(|m| {
                    let mut out = StrMap::new();
                    for (k, v) in m {
                        out.insert(k, v.as_str().unwrap_or(""));
                    }
                    out
                })
                .unwrap_or_default()
        };
        let meta = Meta::new(map("labels"), map("annotations"), StrMap::new());
        let name = metadata
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        // Read and compared as a whole, then kept (moved, not copied: imports are large).
        let name = name.to_owned();
        let (api_version, kind) = (text("apiVersion"), text("kind"));
        let whole = Value::Object(value);
        let read = lift_read(&whole);
        let mut unmodelled = match &read {
            Ok(Some(r)) => {
                let lowered = r.object.lower("default");
                // The common case, cheaply: read without unknown fields and lowered to the
                // same object (server-set fields aside), so nothing is left out. Otherwise
                // the lowered object is compared field by field with the input.
                let same = !r.unknown_fields && same_but_server_fields(&lowered, &r.original);
                #[cfg(debug_assertions)]
                if same {
                    let again = serde_json::to_value(&lowered).unwrap_or(Value::Null);
                    debug_assert_eq!(unmodelled(&whole, &again), Vec::<String>::new());
                }
                if same {
                    Vec::new()
                } else {
                    let lowered = serde_json::to_value(lowered).unwrap_or(Value::Null);
                    let mut left_out = unmodelled(&whole, &lowered);
                    // A Secret's stringData is read into its data, as the API server merges it.
                    left_out
                        .retain(|p| !(p == "stringData" && matches!(r.object, Object::Secret(_))));
                    left_out
                }
            }
            _ => Vec::new(),
        };
        let mut lifted = read.map(|o| o.map(|r| Box::new(r.object)));
        let pod = match bare_pod(&whole) {
            Ok(pod) => pod.map(Box::new),
            Err(problems) => {
                lifted = Err(problems);
                None
            }
        };
        if let Some(p) = &pod {
            // Compared as the Pod's own spec, so the paths are the Pod's.
            let lowered =
                serde_json::to_value(p.to_k8s(&Name::from(name.as_str()))).unwrap_or(Value::Null);
            let original =
                serde_json::json!({ "spec": whole.get("spec").cloned().unwrap_or(Value::Null) });
            let again =
                serde_json::json!({ "spec": lowered.get("spec").cloned().unwrap_or(Value::Null) });
            unmodelled = crate::model::lift::unmodelled(&original, &again);
        }
        let value = match whole {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        K8sResource {
            api_version,
            kind,
            name: Name::from(name),
            meta,
            namespaced,
            value,
            lifted,
            unmodelled,
            pod,
            as_read: false,
        }
    }

    /// The kind.
    ///
    /// ```
    /// let cm = kubefit::k8s_openapi::api::core::v1::ConfigMap::default();
    /// assert_eq!(kubefit::K8sResource::new(&cm).kind(), "ConfigMap");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The apiVersion.
    ///
    /// ```
    /// let cm = kubefit::k8s_openapi::api::core::v1::ConfigMap::default();
    /// assert_eq!(kubefit::K8sResource::new(&cm).api_version(), "v1");
    /// ```
    #[must_use]
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The name (`metadata.name`; empty when the object has none, which the check reports).
    ///
    /// ```
    /// let cm = kubefit::k8s_openapi::api::core::v1::ConfigMap::default();
    /// assert_eq!(kubefit::K8sResource::new(&cm).name().as_str(), "");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The fields of the object kubefit's model has no place for, as paths
    /// (`spec.template.spec.tolerations`): kept as they are and emitted, but not checked or
    /// budgeted. Empty for kinds kubefit does not read at all.
    ///
    /// ```
    /// use kubefit::k8s_openapi::api::core::v1::ConfigMap;
    /// let cm = ConfigMap { immutable: Some(true), ..Default::default() };
    /// assert_eq!(kubefit::K8sResource::new(&cm).unmodelled_fields(), ["immutable"]);
    /// ```
    #[must_use]
    pub fn unmodelled_fields(&self) -> &[String] {
        &self.unmodelled
    }

    /// The object as JSON, in `namespace` when its kind is namespaced, with this object's
    /// labels and annotations (and kubefit's `managed-by` label) in its metadata; a
    /// (Cluster)RoleBinding's ServiceAccount subjects without a namespace get `namespace`.
    ///
    /// ```
    /// let cm = kubefit::k8s_openapi::api::core::v1::ConfigMap::default();
    /// let v = kubefit::K8sResource::new(&cm).to_value("shop");
    /// assert_eq!(v["metadata"]["namespace"], "shop");
    /// assert_eq!(v["metadata"]["labels"]["app.kubernetes.io/managed-by"], "kubefit");
    /// ```
    #[must_use]
    pub fn to_value(&self, namespace: &str) -> Value {
        let mut value = self.value.clone();
        let ours = self
            .meta
            .object_meta(self.name.as_str(), self.namespaced.then_some(namespace));
        let ours = match serde_json::to_value(ours) {
            Ok(Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        let metadata = value
            .entry("metadata")
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Value::Object(m) = metadata {
            if !self.namespaced {
                m.remove("namespace");
            }
            for (k, v) in ours {
                if k == "name" && self.name.as_str().is_empty() {
                    continue;
                }
                m.insert(k, v);
            }
        }
        // A binding's ServiceAccount subjects without a namespace are the stack's.
        if matches!(self.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
            && let Some(Value::Array(subjects)) = value.get_mut("subjects")
        {
            for s in subjects.iter_mut().filter_map(Value::as_object_mut) {
                let empty = s
                    .get("namespace")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty);
                if s.get("kind").and_then(Value::as_str) == Some("ServiceAccount") && empty {
                    s.insert("namespace".into(), Value::String(namespace.to_owned()));
                }
            }
        }
        if self.as_read {
            return Value::Object(value);
        }
        // apiVersion, kind, metadata first, as every other object is written.
        let mut out = serde_json::Map::new();
        for k in ["apiVersion", "kind", "metadata"] {
            if let Some(v) = value.remove(k) {
                out.insert(k.to_owned(), v);
            }
        }
        out.extend(value);
        Value::Object(out)
    }
}

meta_setters!(
    K8sResource,
    "kubefit::K8sResource::new(&kubefit::k8s_openapi::api::core::v1::ConfigMap { metadata: kubefit::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta { name: Some(\"cfg\".into()), ..Default::default() }, ..Default::default() })"
);

/// A resource's kind is its own; its place in the apply order is its kind's.
impl crate::model::object::Kind for K8sResource {
    const ORDER: u8 = 16;
    fn kind(&self) -> &str {
        &self.kind
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn rank(&self) -> u8 {
        builtin_kind(&self.api_version, &self.kind).map_or(Self::ORDER, |b| b.order)
    }
    fn lower(&self, namespace: &str) -> crate::model::lowered::K8sObject {
        crate::model::lowered::K8sObject::Custom(self.to_value(namespace))
    }
}

/// Whether `lowered` is `original` but for the fields the not-modelled comparison ignores
/// (the namespace, `status` and the other fields the server sets): then the lowered object,
/// written out, has every field of the input (`lift::unmodelled` finds nothing).
fn same_but_server_fields(lowered: &K8sObject, original: &K8sObject) -> bool {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    /// Equal but for the fields the server sets (compared in place: no copies).
    fn server(a: &ObjectMeta, b: &ObjectMeta) -> bool {
        let ObjectMeta {
            annotations,
            deletion_grace_period_seconds,
            deletion_timestamp,
            finalizers,
            generate_name,
            labels,
            name,
            owner_references,
            // Set by the server, or the scope the stack decides.
            namespace: _,
            creation_timestamp: _,
            generation: _,
            managed_fields: _,
            resource_version: _,
            self_link: _,
            uid: _,
        } = a;
        *annotations == b.annotations
            && *deletion_grace_period_seconds == b.deletion_grace_period_seconds
            && *deletion_timestamp == b.deletion_timestamp
            && *finalizers == b.finalizers
            && *generate_name == b.generate_name
            && *labels == b.labels
            && *name == b.name
            && *owner_references == b.owner_references
    }
    // Every field named (no `..`): a field a newer k8s-openapi adds breaks the build here
    // instead of going uncompared.
    macro_rules! same {
        ($a:expr, $b:expr, $T:path { $($field:ident),* ; $($skip:ident),* }) => {{
            let $T { metadata: _, $($field: _,)* $($skip: _,)* } = $a;
            server(&$a.metadata, &$b.metadata) $(&& $a.$field == $b.$field)*
        }};
    }
    use k8s_openapi::api::apps::v1 as apps;
    use k8s_openapi::api::autoscaling::v2 as autoscaling;
    use k8s_openapi::api::batch::v1 as batch;
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::api::networking::v1 as networking;
    match (lowered, original) {
        (K8sObject::Deployment(a), K8sObject::Deployment(b)) => {
            same!(a, b, apps::Deployment { spec; status })
        }
        (K8sObject::StatefulSet(a), K8sObject::StatefulSet(b)) => {
            same!(a, b, apps::StatefulSet { spec; status })
        }
        (K8sObject::DaemonSet(a), K8sObject::DaemonSet(b)) => {
            same!(a, b, apps::DaemonSet { spec; status })
        }
        (K8sObject::Job(a), K8sObject::Job(b)) => same!(&**a, b, batch::Job { spec; status }),
        (K8sObject::CronJob(a), K8sObject::CronJob(b)) => {
            same!(&**a, b, batch::CronJob { spec; status })
        }
        (K8sObject::Service(a), K8sObject::Service(b)) => {
            same!(a, b, core::Service { spec; status })
        }
        (K8sObject::HorizontalPodAutoscaler(a), K8sObject::HorizontalPodAutoscaler(b)) => {
            same!(a, b, autoscaling::HorizontalPodAutoscaler { spec; status })
        }
        (K8sObject::PersistentVolumeClaim(a), K8sObject::PersistentVolumeClaim(b)) => {
            same!(a, b, core::PersistentVolumeClaim { spec; status })
        }
        (K8sObject::ResourceQuota(a), K8sObject::ResourceQuota(b)) => {
            same!(a, b, core::ResourceQuota { spec; status })
        }
        (K8sObject::Ingress(a), K8sObject::Ingress(b)) => {
            same!(a, b, networking::Ingress { spec; status })
        }
        (K8sObject::LimitRange(a), K8sObject::LimitRange(b)) => {
            same!(a, b, core::LimitRange { spec; })
        }
        (K8sObject::ConfigMap(a), K8sObject::ConfigMap(b)) => {
            same!(a, b, core::ConfigMap { data, binary_data, immutable; })
        }
        (K8sObject::ServiceAccount(a), K8sObject::ServiceAccount(b)) => same!(
            a,
            b,
            core::ServiceAccount { automount_service_account_token, image_pull_secrets, secrets; }
        ),
        (K8sObject::Secret(a), K8sObject::Secret(b)) => {
            same!(a, b, core::Secret { data, immutable, string_data, type_; })
        }
        _ => false,
    }
}
