//! Labels and annotations shared by every object.

use crate::util::str_map::StrMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The label every emitted object carries.
pub(crate) const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "kubefit");
/// The label that selects a workload's pods.
pub(crate) const NAME_LABEL: &str = "app.kubernetes.io/name";

#[derive(Clone, Default)]
pub(crate) struct Meta {
    pub(crate) labels: StrMap,
    /// Annotations and suppressions, which most objects do not have: on the heap once set,
    /// so that every object is smaller.
    rare: Option<Box<Rare>>,
}

#[derive(Clone, Default)]
struct Rare {
    annotations: StrMap,
    /// Rule id → reason.
    suppressions: StrMap,
    /// Typed patches of the lowered object.
    patches: crate::model::patch::Patches,
}

/// What [`Meta::annotations`] and [`Meta::suppressions`] show when none were set.
static EMPTY: StrMap = StrMap::new();

impl Meta {
    pub(crate) fn new(labels: StrMap, annotations: StrMap, suppressions: StrMap) -> Self {
        let rare = (!annotations.is_empty() || !suppressions.is_empty()).then(|| {
            Box::new(Rare {
                annotations,
                suppressions,
                patches: crate::model::patch::Patches::default(),
            })
        });
        Meta { labels, rare }
    }

    pub(crate) fn annotations(&self) -> &StrMap {
        self.rare.as_ref().map_or(&EMPTY, |r| &r.annotations)
    }

    pub(crate) fn annotations_mut(&mut self) -> &mut StrMap {
        &mut self.rare.get_or_insert_with(Box::default).annotations
    }

    /// Suppressed rules: rule id → reason.
    pub(crate) fn suppressions(&self) -> &StrMap {
        self.rare.as_ref().map_or(&EMPTY, |r| &r.suppressions)
    }

    pub(crate) fn suppressions_mut(&mut self) -> &mut StrMap {
        &mut self.rare.get_or_insert_with(Box::default).suppressions
    }

    /// The typed patches of the lowered object.
    pub(crate) fn patches(&self) -> &crate::model::patch::Patches {
        static NONE: crate::model::patch::Patches = crate::model::patch::Patches::new();
        self.rare.as_ref().map_or(&NONE, |r| &r.patches)
    }

    pub(crate) fn patches_mut(&mut self) -> &mut crate::model::patch::Patches {
        &mut self.rare.get_or_insert_with(Box::default).patches
    }

    /// This metadata without its patches (what a patched object read back keeps).
    pub(crate) fn without_patches(&self) -> Meta {
        let mut m = self.clone();
        if let Some(r) = m.rare.as_mut() {
            r.patches = crate::model::patch::Patches::default();
        }
        m
    }

    pub(crate) fn object_meta(&self, name: &str, namespace: Option<&str>) -> ObjectMeta {
        let mut labels = self.labels.to_btree();
        labels.insert(MANAGED_BY.0.to_owned(), MANAGED_BY.1.to_owned());
        let mut annotations = self.annotations().to_btree();
        annotations.extend(checkov_skips(self.suppressions()));
        ObjectMeta {
            name: Some(name.to_owned()),
            namespace: namespace.map(str::to_owned),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        }
    }
}

impl PartialEq for Meta {
    fn eq(&self, other: &Self) -> bool {
        self.labels == other.labels
            && self.annotations() == other.annotations()
            && self.suppressions() == other.suppressions()
            && self.patches() == other.patches()
    }
}

impl Eq for Meta {}

impl std::fmt::Debug for Meta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meta")
            .field("labels", &self.labels)
            .field("annotations", self.annotations())
            .field("suppressions", self.suppressions())
            .field("patches", self.patches())
            .finish()
    }
}

/// `checkov.io/skipN: CKV_…=reason` annotations for suppressed rules that map to checkov
/// checks, so checkov agrees with the suppression.
pub(crate) fn checkov_skips(suppressions: &StrMap) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, reason) in suppressions {
        if let Some(rule) = crate::diagnostic::rules::rule(id) {
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
            /// let yaml = kubefit::Stack::new("shop").with(x).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("    team: payments\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
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
            /// let yaml = kubefit::Stack::new("shop").with(x).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("    example.com/owner: ops\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn annotation(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.meta.annotations_mut().insert(key, value);
                self
            }

            /// Suppresses the rule `rule_id` for this object, with the reason (required).
            /// The finding still shows in the report, marked suppressed with the reason;
            /// rules that map to checkov checks also get a `checkov.io/skipN` annotation.
            ///
            /// ```
            #[doc = concat!("let x = ", $example, ".suppress(\"pdb-missing\", \"single-replica by design\");")]
            /// let report = kubefit::Stack::new("shop").with(x).check();
            /// assert!(report.with_id("pdb-missing").all(|d| d.suppressed.is_some()));
            /// ```
            #[must_use]
            pub fn suppress(mut self, rule_id: impl Into<String>, reason: impl Into<String>) -> Self {
                self.meta.suppressions_mut().insert(rule_id.into(), reason.into());
                self
            }
        }
    };
}
pub(crate) use meta_setters;
