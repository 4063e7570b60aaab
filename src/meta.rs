//! Labels and annotations shared by every object.

use crate::str_map::StrMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The label every emitted object carries.
pub(crate) const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "kubefit");
/// The label that selects a workload's pods.
pub(crate) const NAME_LABEL: &str = "app.kubernetes.io/name";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) labels: StrMap,
    pub(crate) annotations: StrMap,
    /// Rule id → reason.
    pub(crate) suppressions: StrMap,
}

impl Meta {
    pub(crate) fn object_meta(&self, name: &str, namespace: Option<&str>) -> ObjectMeta {
        let mut labels = self.labels.to_btree();
        labels.insert(MANAGED_BY.0.to_owned(), MANAGED_BY.1.to_owned());
        let mut annotations = self.annotations.to_btree();
        annotations.extend(checkov_skips(&self.suppressions));
        ObjectMeta {
            name: Some(name.to_owned()),
            namespace: namespace.map(str::to_owned),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        }
    }
}

/// `checkov.io/skipN: CKV_…=reason` annotations for suppressed rules that map to checkov
/// checks, so checkov agrees with the suppression.
pub(crate) fn checkov_skips(suppressions: &StrMap) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, reason) in suppressions {
        if let Some(rule) = crate::rules::rule(id) {
            for ck in rule.checkov {
                out.push((
                    format!("checkov.io/skip{}", out.len() + 1),
                    format!("{ck}={reason}"),
                ));
            }
        }
    }
    out
}

/// Generates `label` and `annotation` setters for a type with a `meta: Meta` field.
macro_rules! meta_setters {
    ($ty:ident, $example:expr) => {
        impl $ty {
            /// Adds a label to this object's metadata.
            ///
            /// ```
            #[doc = concat!("let x = ", $example, ".label(\"team\", \"payments\");")]
            /// # let _ = x;
            /// ```
            #[must_use]
            pub fn label(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.meta.labels.insert(key, value);
                self
            }

            /// Adds an annotation to this object's metadata.
            ///
            /// ```
            #[doc = concat!("let x = ", $example, ".annotation(\"example.com/owner\", \"ops\");")]
            /// # let _ = x;
            /// ```
            #[must_use]
            pub fn annotation(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.meta.annotations.insert(key, value);
                self
            }

            /// Suppresses the rule `rule_id` for this object, with the reason (required).
            /// The finding still shows in the report, marked suppressed with the reason;
            /// rules that map to checkov checks also get a `checkov.io/skipN` annotation.
            ///
            /// ```
            #[doc = concat!("let x = ", $example, ".suppress(\"pdb-missing\", \"single-replica by design\");")]
            /// # let _ = x;
            /// ```
            #[must_use]
            pub fn suppress(mut self, rule_id: impl Into<String>, reason: impl Into<String>) -> Self {
                self.meta.suppressions.insert(rule_id.into(), reason.into());
                self
            }
        }
    };
}
pub(crate) use meta_setters;
