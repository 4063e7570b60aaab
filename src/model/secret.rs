//! Secrets: sensitive values that never print.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret as K8sSecret;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::secret_value::SecretValue;

/// A Secret. Its values are [`SecretValue`]s: they never appear in `Debug`, `Display` or
/// errors, and are only written out when emission is explicitly allowed to
/// (see [`EmitOptions::plaintext_secrets`](crate::EmitOptions::plaintext_secrets)).
///
/// ```
/// use kubefit::{Secret, SecretValue};
///
/// let s = Secret::new("db").entry("password", SecretValue::new("s3cr3t"));
/// assert!(!format!("{s:?}").contains("s3cr3t"));
/// assert!(s.has_key("password"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) type_: Option<String>,
    pub(crate) data: BTreeMap<String, SecretValue>,
    /// Keys whose value was asked of a source that did not have it: key → variable.
    pub(crate) missing: BTreeMap<String, String>,
    /// Variables each key is read from (for `.env.example`): key → variable.
    pub(crate) sources: BTreeMap<String, String>,
}

impl Secret {
    /// An empty Opaque Secret named `name`.
    ///
    /// ```
    /// let s = kubefit::Secret::new("creds");
    /// assert_eq!(s.name().as_str(), "creds");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        Secret {
            name: name.into(),
            meta: Meta::default(),
            type_: None,
            data: BTreeMap::new(),
            missing: BTreeMap::new(),
            sources: BTreeMap::new(),
        }
    }

    /// The environment variable a key is read from by [`Secret::entry_from`]:
    /// `<SECRET>_<KEY>`, upper-cased, other characters as `_`
    /// (`postgres-credentials` / `password` → `POSTGRES_CREDENTIALS_PASSWORD`).
    ///
    /// ```
    /// let s = kubefit::Secret::new("postgres-credentials");
    /// assert_eq!(s.env_var("password"), "POSTGRES_CREDENTIALS_PASSWORD");
    /// ```
    #[must_use]
    pub fn env_var(&self, key: &str) -> String {
        format!("{}_{key}", self.name)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect()
    }

    /// The variable that holds `key`'s value in `.env`: the one it was read from, or
    /// [`Secret::env_var`].
    pub(crate) fn variable(&self, key: &str) -> String {
        self.sources
            .get(key)
            .cloned()
            .unwrap_or_else(|| self.env_var(key))
    }

    /// Sets `key` from `source` (a `.env` file or the process environment), reading the
    /// variable [`Secret::env_var`] names. When the source lacks it, the check reports
    /// `secret-value-missing` naming the variable; the value itself never shows anywhere.
    ///
    /// ```
    /// use kubefit::{DotEnv, Secret};
    /// let env = DotEnv::parse("DB_PASSWORD=s3cr3t\n")?;
    /// let s = Secret::new("db").entry_from("password", &env);
    /// assert!(s.has_key("password"));
    /// # Ok::<(), kubefit::DotEnvError>(())
    /// ```
    #[must_use]
    pub fn entry_from(
        mut self,
        key: impl Into<String>,
        source: &dyn crate::model::secret_value::SecretSource,
    ) -> Self {
        let key = key.into();
        let var = self.env_var(&key);
        match source.secret(&var) {
            Some(v) => {
                self.missing.remove(&key);
                self.data.insert(key.clone(), v);
            }
            None => {
                self.missing.insert(key.clone(), var.clone());
            }
        }
        self.sources.insert(key, var);
        self
    }

    /// The Secret's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Secret::new("creds").name().as_str(), "creds");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Sets `key` to `value`.
    ///
    /// ```
    /// use kubefit::{Secret, SecretValue};
    /// let s = Secret::new("creds").entry("token", SecretValue::new("t"));
    /// assert!(s.has_key("token"));
    /// ```
    #[must_use]
    pub fn entry(mut self, key: impl Into<String>, value: SecretValue) -> Self {
        self.data.insert(key.into(), value);
        self
    }

    /// Sets the Secret type (`kubernetes.io/tls`, `kubernetes.io/dockerconfigjson`, …).
    ///
    /// ```
    /// let s = kubefit::Secret::new("tls").type_("kubernetes.io/tls");
    /// assert_eq!(s.to_k8s("shop").type_.as_deref(), Some("kubernetes.io/tls"));
    /// ```
    #[must_use]
    pub fn type_(mut self, type_: impl Into<String>) -> Self {
        self.type_ = Some(type_.into());
        self
    }

    /// Whether `key` is set.
    ///
    /// ```
    /// assert!(!kubefit::Secret::new("creds").has_key("x"));
    /// ```
    #[must_use]
    pub fn has_key(&self, key: &str) -> bool {
        self.data.contains_key(key) || self.missing.contains_key(key)
    }

    /// The keys, sorted (keys are not secret).
    ///
    /// ```
    /// use kubefit::{Secret, SecretValue};
    /// let s = Secret::new("c").entry("b", SecretValue::new("1")).entry("a", SecretValue::new("2"));
    /// assert_eq!(s.keys().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let mut keys: Vec<&str> = self
            .data
            .keys()
            .chain(self.missing.keys())
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
    }

    /// Lowers to the k8s-openapi type **with the plaintext values** (base64 in `data`).
    /// Handle the result as a secret.
    ///
    /// ```
    /// use kubefit::{Secret, SecretValue};
    /// let k = Secret::new("c").entry("a", SecretValue::new("x")).to_k8s("shop");
    /// assert_eq!(k.data.unwrap()["a"].0, b"x");
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sSecret {
        K8sSecret {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            type_: Some(self.type_.clone().unwrap_or_else(|| "Opaque".to_owned())),
            data: Some(
                self.data
                    .iter()
                    .map(|(k, v)| (k.clone(), ByteString(v.expose().to_vec())))
                    .collect(),
            ),
            ..Default::default()
        }
    }
}

meta_setters!(Secret, "kubefit::Secret::new(\"creds\")");
crate::model::patch::patch_setter!(
    Secret,
    k8s_openapi::api::core::v1::Secret,
    "kubefit::Secret::new(\"creds\")"
);

crate::model::object::kind!(Secret, "Secret", 5, |x, ns| {
    crate::model::lowered::K8sObject::Secret(x.to_k8s(ns))
});
