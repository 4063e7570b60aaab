//! ConfigMaps: non-sensitive configuration.

use k8s_openapi::api::core::v1::ConfigMap as K8sConfigMap;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;

/// A ConfigMap: non-sensitive key/value configuration.
///
/// Values are emitted exactly as given: strings such as `on`, `yes`, `0755` or `1_000`
/// are quoted in YAML so that kubectl reads them back as the same strings.
///
/// ```
/// use kubefit::ConfigMap;
///
/// let cm = ConfigMap::new("api-config")
///     .entry("LOG_LEVEL", "info")
///     .entry("FEATURE_X", "on");
/// assert_eq!(cm.get("FEATURE_X"), Some("on"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMap {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) data: crate::util::str_map::StrMap,
}

impl ConfigMap {
    /// An empty ConfigMap named `name`.
    ///
    /// ```
    /// let cm = kubefit::ConfigMap::new("cfg");
    /// assert_eq!(cm.name().as_str(), "cfg");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        ConfigMap {
            name: name.into(),
            meta: Meta::default(),
            data: crate::util::str_map::StrMap::new(),
        }
    }

    /// The ConfigMap's name.
    ///
    /// ```
    /// assert_eq!(kubefit::ConfigMap::new("cfg").name().as_str(), "cfg");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Sets `key` to `value` (replacing an earlier value).
    ///
    /// ```
    /// let cm = kubefit::ConfigMap::new("cfg").entry("a", "1").entry("a", "2");
    /// assert_eq!(cm.get("a"), Some("2"));
    /// ```
    #[must_use]
    pub fn entry(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.data.insert(key, value);
        self
    }

    /// The value of `key`, if set.
    ///
    /// ```
    /// assert_eq!(kubefit::ConfigMap::new("cfg").get("x"), None);
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.data.get(key)
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let k = kubefit::ConfigMap::new("cfg").entry("a", "1").to_k8s("shop");
    /// assert_eq!(k.metadata.namespace.as_deref(), Some("shop"));
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sConfigMap {
        K8sConfigMap {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            data: Some(self.data.to_btree()),
            ..Default::default()
        }
    }
}

meta_setters!(ConfigMap, "kubefit::ConfigMap::new(\"cfg\")");
crate::model::patch::patch_setter!(
    ConfigMap,
    k8s_openapi::api::core::v1::ConfigMap,
    "kubefit::ConfigMap::new(\"cfg\")"
);

crate::model::object::kind!(ConfigMap, "ConfigMap", 4, |x, ns| {
    crate::model::lowered::K8sObject::ConfigMap(x.to_k8s(ns))
});
