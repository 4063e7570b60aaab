//! PersistentVolumeClaims.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim as K8sPvc, PersistentVolumeClaimSpec, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::units::memory::Storage;

/// A PersistentVolumeClaim (also used for a StatefulSet's `volumeClaimTemplates`).
///
/// Defaults to access mode `ReadWriteOnce` and the cluster's default storage class.
///
/// ```
/// use kubefit::{PersistentVolumeClaim, Storage};
///
/// let pvc = PersistentVolumeClaim::new("uploads", Storage::gibibytes(10)).storage_class("oci-bv");
/// assert_eq!(pvc.size(), Storage::gibibytes(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistentVolumeClaim {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) size: Storage,
    pub(crate) storage_class: Option<String>,
    pub(crate) access_modes: Vec<String>,
}

impl PersistentVolumeClaim {
    /// A claim named `name` for `size` of storage.
    ///
    /// ```
    /// let pvc = kubefit::PersistentVolumeClaim::new("data", kubefit::Storage::gibibytes(1));
    /// assert_eq!(pvc.name().as_str(), "data");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>, size: Storage) -> Self {
        PersistentVolumeClaim {
            name: name.into(),
            meta: Meta::default(),
            size,
            storage_class: None,
            access_modes: Vec::new(),
        }
    }

    /// The claim's name.
    ///
    /// ```
    /// let pvc = kubefit::PersistentVolumeClaim::new("data", kubefit::Storage::gibibytes(1));
    /// assert_eq!(pvc.name().as_str(), "data");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The requested size.
    ///
    /// ```
    /// let pvc = kubefit::PersistentVolumeClaim::new("data", kubefit::Storage::gibibytes(1));
    /// assert_eq!(pvc.size().as_bytes(), 1 << 30);
    /// ```
    #[must_use]
    pub fn size(&self) -> Storage {
        self.size
    }

    /// Sets the storage class.
    ///
    /// ```
    /// let pvc = kubefit::PersistentVolumeClaim::new("d", kubefit::Storage::gibibytes(1)).storage_class("local-path");
    /// assert_eq!(pvc.to_k8s(None).spec.unwrap().storage_class_name.as_deref(), Some("local-path"));
    /// ```
    #[must_use]
    pub fn storage_class(mut self, class: impl Into<String>) -> Self {
        self.storage_class = Some(class.into());
        self
    }

    /// Adds an access mode (`ReadWriteOnce` is used when none is given).
    ///
    /// ```
    /// let pvc = kubefit::PersistentVolumeClaim::new("d", kubefit::Storage::gibibytes(1)).access_mode("ReadWriteMany");
    /// assert_eq!(pvc.to_k8s(None).spec.unwrap().access_modes.unwrap(), ["ReadWriteMany"]);
    /// ```
    #[must_use]
    pub fn access_mode(mut self, mode: impl Into<String>) -> Self {
        self.access_modes.push(mode.into());
        self
    }

    pub(crate) fn spec(&self) -> PersistentVolumeClaimSpec {
        let modes = if self.access_modes.is_empty() {
            vec!["ReadWriteOnce".to_owned()]
        } else {
            self.access_modes.clone()
        };
        PersistentVolumeClaimSpec {
            access_modes: Some(modes),
            storage_class_name: self.storage_class.clone(),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    K8sQuantity(self.size.to_string()),
                )])),
                limits: None,
            }),
            ..Default::default()
        }
    }

    /// Lowers to the k8s-openapi type, in `namespace` (`None` for a claim template).
    ///
    /// ```
    /// let k = kubefit::PersistentVolumeClaim::new("d", kubefit::Storage::gibibytes(1)).to_k8s(Some("shop"));
    /// assert_eq!(k.metadata.name.as_deref(), Some("d"));
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: Option<&str>) -> K8sPvc {
        K8sPvc {
            metadata: self.meta.object_meta(self.name.as_str(), namespace),
            spec: Some(self.spec()),
            ..Default::default()
        }
    }
}

meta_setters!(
    PersistentVolumeClaim,
    "kubefit::PersistentVolumeClaim::new(\"d\", kubefit::Storage::gibibytes(1))"
);
crate::model::patch::patch_setter!(
    PersistentVolumeClaim,
    k8s_openapi::api::core::v1::PersistentVolumeClaim,
    "kubefit::PersistentVolumeClaim::new(\"d\", kubefit::Storage::gibibytes(1))"
);

crate::model::object::kind!(
    PersistentVolumeClaim,
    "PersistentVolumeClaim",
    6,
    |x, ns| crate::model::lowered::K8sObject::PersistentVolumeClaim(x.to_k8s(Some(ns)))
);
