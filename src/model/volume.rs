//! Pod volumes.

use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, EmptyDirVolumeSource, HostPathVolumeSource,
    PersistentVolumeClaimVolumeSource, SecretVolumeSource, Volume as K8sVolume,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::model::config_map::ConfigMap;
use crate::model::name::Name;
use crate::model::pvc::PersistentVolumeClaim;
use crate::model::secret::Secret;
use crate::units::memory::Memory;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VolumeSource {
    EmptyDir {
        size_limit: Option<Memory>,
        /// `medium: Memory`: a tmpfs, counted against the containers' memory limits.
        in_memory: bool,
    },
    ConfigMap(Name),
    Secret(Name),
    Pvc(Name),
    HostPath(String, Option<HostPathType>),
    /// A volume kubefit has no builder for, read back from k8s-openapi: kept whole.
    Other(Box<K8sVolume>),
}

/// k8s-openapi's `Volume` holds no floating-point value: its equality is total.
impl Eq for VolumeSource {}

/// What a `hostPath` volume must be on the node.
///
/// ```
/// assert_eq!(kubefit::HostPathType::CharDevice.as_str(), "CharDevice");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostPathType {
    /// An existing directory.
    Directory,
    /// A directory, created if missing.
    DirectoryOrCreate,
    /// An existing file.
    File,
    /// A file, created if missing.
    FileOrCreate,
    /// A UNIX socket.
    Socket,
    /// A character device (serial ports, USB radio sticks).
    CharDevice,
    /// A block device.
    BlockDevice,
}

impl HostPathType {
    /// The API's spelling.
    ///
    /// ```
    /// assert_eq!(kubefit::HostPathType::FileOrCreate.as_str(), "FileOrCreate");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            HostPathType::Directory => "Directory",
            HostPathType::DirectoryOrCreate => "DirectoryOrCreate",
            HostPathType::File => "File",
            HostPathType::FileOrCreate => "FileOrCreate",
            HostPathType::Socket => "Socket",
            HostPathType::CharDevice => "CharDevice",
            HostPathType::BlockDevice => "BlockDevice",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        [
            HostPathType::Directory,
            HostPathType::DirectoryOrCreate,
            HostPathType::File,
            HostPathType::FileOrCreate,
            HostPathType::Socket,
            HostPathType::CharDevice,
            HostPathType::BlockDevice,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// A pod volume, mounted into containers with [`Container::mount`](crate::Container::mount).
///
/// ```
/// use kubefit::{ConfigMap, Memory, Volume};
///
/// let cm = ConfigMap::new("nginx-conf");
/// let tmp = Volume::empty_dir("tmp").size_limit(Memory::mebibytes(64));
/// let conf = Volume::config_map("conf", &cm);
/// assert_eq!(conf.name(), "conf");
/// assert_eq!(tmp.to_k8s().empty_dir.unwrap().size_limit.unwrap().0, "64Mi");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub(crate) name: String,
    pub(crate) source: VolumeSource,
}

impl Volume {
    /// A scratch directory that lives as long as the pod.
    ///
    /// ```
    /// let v = kubefit::Volume::empty_dir("tmp");
    /// assert!(v.to_k8s().empty_dir.is_some());
    /// ```
    #[must_use]
    pub fn empty_dir(name: impl Into<String>) -> Self {
        Volume {
            name: name.into(),
            source: VolumeSource::EmptyDir {
                size_limit: None,
                in_memory: false,
            },
        }
    }

    /// The keys of a ConfigMap, as files.
    ///
    /// ```
    /// let v = kubefit::Volume::config_map("conf", &kubefit::ConfigMap::new("cfg"));
    /// assert_eq!(v.to_k8s().config_map.unwrap().name, "cfg");
    /// ```
    #[must_use]
    pub fn config_map(name: impl Into<String>, config_map: &ConfigMap) -> Self {
        Volume {
            name: name.into(),
            source: VolumeSource::ConfigMap(config_map.name.clone()),
        }
    }

    /// The keys of a Secret, as files.
    ///
    /// ```
    /// let v = kubefit::Volume::secret("tls", &kubefit::Secret::new("tls"));
    /// assert_eq!(v.to_k8s().secret.unwrap().secret_name.as_deref(), Some("tls"));
    /// ```
    #[must_use]
    pub fn secret(name: impl Into<String>, secret: &Secret) -> Self {
        Volume {
            name: name.into(),
            source: VolumeSource::Secret(secret.name.clone()),
        }
    }

    /// A PersistentVolumeClaim.
    ///
    /// ```
    /// use kubefit::{PersistentVolumeClaim, Storage, Volume};
    /// let pvc = PersistentVolumeClaim::new("uploads", Storage::gibibytes(5));
    /// let v = Volume::persistent_volume_claim("uploads", &pvc);
    /// assert_eq!(v.to_k8s().persistent_volume_claim.unwrap().claim_name, "uploads");
    /// ```
    #[must_use]
    pub fn persistent_volume_claim(name: impl Into<String>, claim: &PersistentVolumeClaim) -> Self {
        Volume {
            name: name.into(),
            source: VolumeSource::Pvc(claim.name.clone()),
        }
    }

    /// A directory of the node. Breaks pod isolation; lint rules flag it.
    ///
    /// ```
    /// let v = kubefit::Volume::host_path("logs", "/var/log");
    /// assert_eq!(v.to_k8s().host_path.unwrap().path, "/var/log");
    /// ```
    #[must_use]
    pub fn host_path(name: impl Into<String>, path: impl Into<String>) -> Self {
        Volume {
            name: name.into(),
            source: VolumeSource::HostPath(path.into(), None),
        }
    }

    /// A path of the node that must be of `type_` (a character device for a Zigbee or
    /// serial stick, a socket for a container runtime); the kubelet refuses to start the
    /// pod otherwise. Breaks pod isolation; lint rules flag it.
    ///
    /// ```
    /// use kubefit::{HostPathType, Volume};
    /// let v = Volume::host_path_of_type("zigbee", "/dev/ttyUSB0", HostPathType::CharDevice);
    /// assert_eq!(v.to_k8s().host_path.unwrap().type_.as_deref(), Some("CharDevice"));
    /// ```
    #[must_use]
    pub fn host_path_of_type(
        name: impl Into<String>,
        path: impl Into<String>,
        type_: HostPathType,
    ) -> Self {
        Volume {
            name: name.into(),
            source: VolumeSource::HostPath(path.into(), Some(type_)),
        }
    }

    /// Makes an `emptyDir` a tmpfs (`medium: Memory`), which counts against the
    /// containers' memory limits (ignored for other sources).
    ///
    /// ```
    /// let v = kubefit::Volume::empty_dir("cache").in_memory();
    /// assert_eq!(v.to_k8s().empty_dir.unwrap().medium.as_deref(), Some("Memory"));
    /// ```
    #[must_use]
    pub fn in_memory(mut self) -> Self {
        if let VolumeSource::EmptyDir { in_memory, .. } = &mut self.source {
            *in_memory = true;
        }
        self
    }

    /// Caps an `emptyDir` (ignored for other sources).
    ///
    /// ```
    /// let v = kubefit::Volume::empty_dir("tmp").size_limit(kubefit::Memory::mebibytes(100));
    /// assert_eq!(v.to_k8s().empty_dir.unwrap().size_limit.unwrap().0, "100Mi");
    /// ```
    #[must_use]
    pub fn size_limit(mut self, limit: Memory) -> Self {
        if let VolumeSource::EmptyDir { size_limit, .. } = &mut self.source {
            *size_limit = Some(limit);
        }
        self
    }

    /// The volume's name within the pod.
    ///
    /// ```
    /// assert_eq!(kubefit::Volume::empty_dir("tmp").name(), "tmp");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Lowers to the k8s-openapi type.
    ///
    /// ```
    /// let k = kubefit::Volume::empty_dir("tmp").to_k8s();
    /// assert_eq!(k.name, "tmp");
    /// assert!(k.empty_dir.is_some());
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> K8sVolume {
        let mut v = K8sVolume {
            name: self.name.clone(),
            ..Default::default()
        };
        match &self.source {
            VolumeSource::Other(k) => return (**k).clone(),
            VolumeSource::EmptyDir {
                size_limit,
                in_memory,
            } => {
                v.empty_dir = Some(EmptyDirVolumeSource {
                    medium: in_memory.then(|| "Memory".to_owned()),
                    size_limit: size_limit.map(|m| K8sQuantity(m.to_string())),
                    ..Default::default()
                });
            }
            VolumeSource::ConfigMap(n) => {
                v.config_map = Some(ConfigMapVolumeSource {
                    name: n.to_string(),
                    ..Default::default()
                });
            }
            VolumeSource::Secret(n) => {
                v.secret = Some(SecretVolumeSource {
                    secret_name: Some(n.to_string()),
                    ..Default::default()
                });
            }
            VolumeSource::Pvc(n) => {
                v.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource {
                    claim_name: n.to_string(),
                    read_only: None,
                });
            }
            VolumeSource::HostPath(p, t) => {
                v.host_path = Some(HostPathVolumeSource {
                    path: p.clone(),
                    type_: t.map(|t| t.as_str().to_owned()),
                });
            }
        }
        v
    }
}
