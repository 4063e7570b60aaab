//! Custom resources: any apiVersion/kind with a spec from any serde type, plus helpers for
//! the CRDs the seed stacks use (Traefik, cert-manager, Dapr, External Secrets).

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;

/// An instance of a custom resource (a Traefik `Middleware`, a cert-manager
/// `ClusterIssuer`, …): apiVersion, kind, metadata and a spec from any serde type.
///
/// The API server's schemas for custom resources are not available offline, so
/// `kubernetes-validate` cannot check them; kubefit checks their name, apiVersion and kind,
/// and namespaces them unless they are cluster-scoped. They are emitted last (their CRDs
/// must be installed first).
///
/// ```
/// use kubefit::{CustomObject, Stack};
///
/// #[derive(serde::Serialize)]
/// struct Spec { replicas: u32 }
///
/// let obj = CustomObject::new("example.com/v1", "Widget", "w1").spec(&Spec { replicas: 2 });
/// let stack = Stack::new("shop").with(obj);
/// assert!(!stack.check().has_errors());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CustomObject {
    pub(crate) api_version: String,
    pub(crate) kind: String,
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) cluster_scoped: bool,
    pub(crate) body: serde_json::Map<String, Value>,
}

impl Eq for CustomObject {}

impl CustomObject {
    /// An object of `kind` in `api_version` (`group/version`), named `name`, with no spec.
    ///
    /// ```
    /// let o = kubefit::CustomObject::new("traefik.io/v1alpha1", "Middleware", "redirect");
    /// assert_eq!(o.kind(), "Middleware");
    /// ```
    #[must_use]
    pub fn new(
        api_version: impl Into<String>,
        kind: impl Into<String>,
        name: impl Into<Name>,
    ) -> Self {
        CustomObject {
            api_version: api_version.into(),
            kind: kind.into(),
            name: name.into(),
            meta: Meta::default(),
            cluster_scoped: false,
            body: serde_json::Map::new(),
        }
    }

    /// A custom object from any serializable value that carries its own `apiVersion`, `kind`
    /// and `metadata.name` — the types kopium generates, or kube's
    /// `#[derive(CustomResource)]` ones. Its labels and annotations become this object's;
    /// every other top-level field (`spec`, `data`, …) is kept as it serialises. Mark
    /// cluster-scoped kinds with [`CustomObject::cluster_scoped`].
    ///
    /// # Errors
    ///
    /// [`CustomObjectError`] when the value is not an object with a non-empty `apiVersion`,
    /// `kind` and `metadata.name`, or when its apiVersion is of a built-in API group (a
    /// `batch/v1` Job is no custom resource: the error names the builder and
    /// `Stack::with_k8s`).
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct Widget { api_version: &'static str, kind: &'static str, metadata: serde_json::Value, spec: serde_json::Value }
    ///
    /// let w = Widget { api_version: "example.com/v1", kind: "Widget", metadata: serde_json::json!({"name": "w1", "labels": {"team": "a"}}), spec: serde_json::json!({"size": 2}) };
    /// let o = kubefit::CustomObject::from_serialize(&w)?;
    /// assert_eq!((o.kind(), o.name().as_str()), ("Widget", "w1"));
    /// assert_eq!(o.to_value("shop")["spec"]["size"], 2);
    /// assert_eq!(o.to_value("shop")["metadata"]["labels"]["team"], "a");
    ///
    /// let job = serde_json::json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}});
    /// let e = kubefit::CustomObject::from_serialize(&job).unwrap_err();
    /// assert!(e.to_string().contains("kubefit::Job"), "{e}");
    /// # Ok::<(), kubefit::CustomObjectError>(())
    /// ```
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, CustomObjectError> {
        let err = |field: &str, message: String| CustomObjectError {
            field: field.to_owned(),
            message,
        };
        let Ok(Value::Object(mut map)) = serde_json::to_value(value) else {
            return Err(err(
                "",
                "the value does not serialise to an object".to_owned(),
            ));
        };
        let mut text = |k: &str| match map.remove(k) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s),
            _ => Err(err(k, format!("no `{k}`: the value must carry its own"))),
        };
        let api_version = text("apiVersion")?;
        let kind = text("kind")?;
        let group = crate::model::builtin::group_of(&api_version);
        if group.is_some_and(crate::model::builtin::is_builtin_group) {
            let builder = crate::model::builtin::builtin_kind(&api_version, &kind)
                .and_then(|b| b.builder)
                .map_or_else(String::new, |b| format!("`kubefit::{b}` or "));
            return Err(err(
                "apiVersion",
                format!(
                    "`{api_version}` {kind} is of a built-in API group, not a custom resource: use {builder}`Stack::with_k8s`"
                ),
            ));
        }
        let metadata = map.remove("metadata").unwrap_or(Value::Null);
        let name = metadata["name"].as_str().unwrap_or("");
        if name.is_empty() {
            return Err(err("metadata.name", "no name".to_owned()));
        }
        let mut o = CustomObject::new(api_version, kind, name);
        for (key, target) in [("labels", true), ("annotations", false)] {
            for (k, v) in metadata[key].as_object().into_iter().flatten() {
                let v = v.as_str().unwrap_or("");
                if target {
                    o.meta.labels.insert(k, v);
                } else {
                    o.meta.annotations_mut().insert(k, v);
                }
            }
        }
        o.body = map;
        Ok(o)
    }

    /// Sets `spec` from any serializable value (a value that does not serialize, or
    /// serializes to `null`, leaves no spec).
    ///
    /// ```
    /// let o = kubefit::CustomObject::new("example.com/v1", "Widget", "w")
    ///     .spec(&serde_json::json!({"size": 3}));
    /// assert_eq!(o.to_value("shop")["spec"]["size"], 3);
    /// ```
    #[must_use]
    pub fn spec<T: Serialize + ?Sized>(self, spec: &T) -> Self {
        self.field("spec", spec)
    }

    /// Sets another top-level field (`data`, `stringData`, …) from any serializable value.
    ///
    /// ```
    /// let o = kubefit::CustomObject::new("example.com/v1", "Widget", "w").field("data", &[1, 2]);
    /// assert_eq!(o.to_value("shop")["data"], serde_json::json!([1, 2]));
    /// ```
    #[must_use]
    pub fn field<T: Serialize + ?Sized>(mut self, key: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::Null) | Err(_) => {
                self.body.remove(key);
            }
            Ok(v) => {
                self.body.insert(key.to_owned(), v);
            }
        }
        self
    }

    /// Changes the object as emitted (JSON, `apiVersion`, `kind` and `metadata` included),
    /// every time it is lowered — e.g. to set what [`CustomObject::field`] cannot reach.
    ///
    /// ```
    /// let o = kubefit::CustomObject::new("example.com/v1", "Widget", "w")
    ///     .patch(|v: &mut serde_json::Value| v["metadata"]["finalizers"] = serde_json::json!(["example.com/keep"]));
    /// let yaml = kubefit::Stack::new("shop").with(o).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("  finalizers:\n  - example.com/keep\n"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn patch(mut self, f: impl Fn(&mut Value) + Send + Sync + 'static) -> Self {
        self.meta.patches_mut().push(f);
        self
    }

    /// Marks the kind as cluster-scoped: no namespace is emitted.
    ///
    /// ```
    /// let o = kubefit::CustomObject::new("cert-manager.io/v1", "ClusterIssuer", "le").cluster_scoped();
    /// assert!(o.to_value("shop")["metadata"].get("namespace").is_none());
    /// ```
    #[must_use]
    pub fn cluster_scoped(mut self) -> Self {
        self.cluster_scoped = true;
        self
    }

    /// The kind.
    ///
    /// ```
    /// assert_eq!(kubefit::CustomObject::new("a.io/v1", "Thing", "t").kind(), "Thing");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The name.
    ///
    /// ```
    /// assert_eq!(kubefit::CustomObject::new("a.io/v1", "Thing", "t").name().as_str(), "t");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The apiVersion.
    ///
    /// ```
    /// assert_eq!(kubefit::CustomObject::new("a.io/v1", "Thing", "t").api_version(), "a.io/v1");
    /// ```
    #[must_use]
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The object as JSON, in `namespace` unless cluster-scoped.
    ///
    /// ```
    /// let v = kubefit::CustomObject::new("a.io/v1", "Thing", "t").to_value("shop");
    /// assert_eq!(v["metadata"]["namespace"], "shop");
    /// ```
    #[must_use]
    pub fn to_value(&self, namespace: &str) -> Value {
        let meta = self.meta.object_meta(
            self.name.as_str(),
            (!self.cluster_scoped).then_some(namespace),
        );
        let mut m = serde_json::Map::new();
        m.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        m.insert("kind".into(), Value::String(self.kind.clone()));
        m.insert(
            "metadata".into(),
            serde_json::to_value(meta).unwrap_or(Value::Null),
        );
        for (k, v) in &self.body {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

meta_setters!(
    CustomObject,
    "kubefit::CustomObject::new(\"a.io/v1\", \"Thing\", \"t\")"
);

/// Why a value cannot be a [`CustomObject`]: the field and what is wrong with it.
///
/// ```
/// let e = kubefit::CustomObject::from_serialize(&serde_json::json!({"kind": "Widget"})).unwrap_err();
/// assert_eq!(e.field, "apiVersion");
/// assert!(e.to_string().starts_with("apiVersion: no `apiVersion`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CustomObjectError {
    /// The field: `apiVersion`, `kind`, `metadata.name` (empty for the whole value).
    pub field: String,
    /// What is wrong, in lowercase.
    pub message: String,
}

impl std::fmt::Display for CustomObjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for CustomObjectError {}

/// Traefik's `Middleware` that redirects HTTP to HTTPS (`redirectScheme`), as seed 002 asks.
///
/// ```
/// let m = kubefit::traefik_https_redirect("redirect-https");
/// assert_eq!(m.kind(), "Middleware");
/// ```
#[must_use]
pub fn traefik_https_redirect(name: impl Into<Name>) -> CustomObject {
    CustomObject::new("traefik.io/v1alpha1", "Middleware", name)
        .spec(&json!({"redirectScheme": {"scheme": "https", "permanent": true}}))
}

/// A Traefik `IngressRoute` sending `match` (e.g. ``Host(`a.example.com`)``) to a Service port,
/// on the `websecure` entry point with Let's Encrypt via `cert_resolver`, through `middlewares`.
///
/// ```
/// let r = kubefit::traefik_ingress_route("web", "Host(`todo.example.com`)", "frontend", 3000, Some("le"), &["redirect-https"]);
/// assert_eq!(r.kind(), "IngressRoute");
/// ```
#[must_use]
pub fn traefik_ingress_route(
    name: impl Into<Name>,
    rule: &str,
    service: &str,
    port: u16,
    cert_resolver: Option<&str>,
    middlewares: &[&str],
) -> CustomObject {
    let mut spec = json!({
        "entryPoints": ["websecure"],
        "routes": [{
            "match": rule,
            "kind": "Rule",
            "services": [{"name": service, "port": port}],
            "middlewares": middlewares.iter().map(|m| json!({"name": m})).collect::<Vec<_>>(),
        }],
    });
    if let Some(r) = cert_resolver {
        spec["tls"] = json!({"certResolver": r});
    }
    CustomObject::new("traefik.io/v1alpha1", "IngressRoute", name).spec(&spec)
}

/// A cert-manager `ClusterIssuer` for Let's Encrypt (ACME, HTTP-01 through `ingress_class`).
///
/// ```
/// let i = kubefit::letsencrypt_cluster_issuer("letsencrypt", "ops@example.com", "traefik");
/// assert_eq!(i.kind(), "ClusterIssuer");
/// ```
#[must_use]
pub fn letsencrypt_cluster_issuer(
    name: impl Into<Name>,
    email: &str,
    ingress_class: &str,
) -> CustomObject {
    let name = name.into();
    CustomObject::new("cert-manager.io/v1", "ClusterIssuer", name.clone())
        .cluster_scoped()
        .spec(&json!({"acme": {
            "server": "https://acme-v02.api.letsencrypt.org/directory",
            "email": email,
            "privateKeySecretRef": {"name": format!("{name}-account-key")},
            "solvers": [{"http01": {"ingress": {"ingressClassName": ingress_class}}}],
        }}))
}

/// A cert-manager `Certificate` for `hosts`, stored in Secret `secret`, from `issuer`
/// (a ClusterIssuer).
///
/// ```
/// let c = kubefit::certificate("todo", &["todo.example.com"], "todo-tls", "letsencrypt");
/// assert_eq!(c.kind(), "Certificate");
/// ```
#[must_use]
pub fn certificate(
    name: impl Into<Name>,
    hosts: &[&str],
    secret: &str,
    issuer: &str,
) -> CustomObject {
    CustomObject::new("cert-manager.io/v1", "Certificate", name).spec(&json!({
        "secretName": secret,
        "dnsNames": hosts,
        "issuerRef": {"name": issuer, "kind": "ClusterIssuer"},
    }))
}

/// A Dapr `Component` of `type_` (`pubsub.redis`, `pubsub.kafka`, `state.postgresql`,
/// `secretstores.kubernetes`, …) with its metadata items; a value `secret:NAME:KEY` becomes a
/// `secretKeyRef`.
///
/// ```
/// let c = kubefit::dapr_component("pubsub", "pubsub.redis", &[("redisHost", "redis:6379")]);
/// assert_eq!(c.kind(), "Component");
/// ```
#[must_use]
pub fn dapr_component(
    name: impl Into<Name>,
    type_: &str,
    metadata: &[(&str, &str)],
) -> CustomObject {
    let items: Vec<Value> = metadata
        .iter()
        .map(
            |(k, v)| match v.strip_prefix("secret:").and_then(|r| r.split_once(':')) {
                Some((secret, key)) => {
                    json!({"name": k, "secretKeyRef": {"name": secret, "key": key}})
                }
                None => json!({"name": k, "value": v}),
            },
        )
        .collect();
    CustomObject::new("dapr.io/v1alpha1", "Component", name)
        .spec(&json!({"type": type_, "version": "v1", "metadata": items}))
}

/// An External Secrets `ClusterSecretStore` reading a provider (`provider` is the provider
/// block, e.g. `{"aws": {...}}` or `{"vault": {...}}`).
///
/// ```
/// let s = kubefit::cluster_secret_store("vault", &serde_json::json!({"vault": {"server": "https://vault:8200", "path": "kv", "version": "v2"}}));
/// assert_eq!(s.kind(), "ClusterSecretStore");
/// ```
#[must_use]
pub fn cluster_secret_store(name: impl Into<Name>, provider: &Value) -> CustomObject {
    CustomObject::new("external-secrets.io/v1", "ClusterSecretStore", name)
        .cluster_scoped()
        .spec(&json!({"provider": provider}))
}

/// An `ExternalSecret` that fills Secret `target` from `store` (a ClusterSecretStore):
/// each `(secret key, remote key, remote property)`.
///
/// ```
/// let e = kubefit::external_secret("db", "vault", "postgres-credentials", &[("password", "orders/db", "password")]);
/// assert_eq!(e.kind(), "ExternalSecret");
/// ```
#[must_use]
pub fn external_secret(
    name: impl Into<Name>,
    store: &str,
    target: &str,
    keys: &[(&str, &str, &str)],
) -> CustomObject {
    let data: Vec<Value> = keys
        .iter()
        .map(|(k, remote, prop)| json!({"secretKey": k, "remoteRef": {"key": remote, "property": prop}}))
        .collect();
    CustomObject::new("external-secrets.io/v1", "ExternalSecret", name).spec(&json!({
        "refreshInterval": "1h",
        "secretStoreRef": {"name": store, "kind": "ClusterSecretStore"},
        "target": {"name": target, "creationPolicy": "Owner"},
        "data": data,
    }))
}

/// A custom object's kind is its own (`kind!` is for the built-in kinds, whose kind is fixed).
impl crate::model::object::Kind for CustomObject {
    const ORDER: u8 = 16;
    fn kind(&self) -> &str {
        &self.kind
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn lower(&self, namespace: &str) -> crate::model::lowered::K8sObject {
        crate::model::lowered::K8sObject::Custom(self.to_value(namespace))
    }
}
