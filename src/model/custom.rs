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
