//! What runs a platform's Kubernetes API and stores its objects ([`ControlPlane`]), and the
//! two claims about it kubefit judges: high availability (`control-plane-not-ha`) and
//! Secrets encrypted at rest (`secrets-not-encrypted-at-rest`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::diagnostic::rules::RuleId;

/// Where the control plane keeps the cluster's objects.
///
/// ```
/// let d: kubefit::Datastore = serde_json::from_str("\"embedded-etcd\"").unwrap();
/// assert_eq!(d, kubefit::Datastore::EmbeddedEtcd);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Datastore {
    /// SQLite through kine: k3s's default with one server; one server, by design.
    Sqlite,
    /// etcd inside the servers (k3s `--cluster-init`, kubeadm's stacked etcd): a member per
    /// server.
    EmbeddedEtcd,
    /// An external etcd cluster, a database through kine, or a provider's managed control
    /// plane: its availability is not the servers'.
    External,
}

/// The cluster's control plane: how many servers run the API server and the datastore, the
/// datastore, and whether Secrets are encrypted at rest.
///
/// # Defaults
/// [`ControlPlane::k3s`] is k3s as installed: SQLite with one server, embedded etcd with
/// more, Secrets **not** encrypted at rest (k3s encrypts them only when its servers start
/// with `--secrets-encryption`); opt in with [`ControlPlane::secrets_encryption`].
///
/// ```
/// use kubefit::{ControlPlane, Datastore};
/// let seed = ControlPlane::k3s(1).datastore(Datastore::EmbeddedEtcd);
/// assert_eq!((seed.servers(), seed.datastore_of()), (1, Datastore::EmbeddedEtcd));
/// assert_eq!(seed.encrypts_secrets(), Some(false));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ControlPlane {
    /// Servers (control-plane nodes) running the API server and, for embedded etcd, a
    /// member of the datastore each.
    servers: u32,
    /// Where the cluster's objects are kept.
    datastore: Datastore,
    /// Whether Secrets are encrypted at rest (an EncryptionConfiguration for the API server;
    /// k3s `--secrets-encryption`); absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secrets_encryption: Option<bool>,
}

impl ControlPlane {
    /// `servers` servers keeping the objects in `datastore`; whether Secrets are encrypted
    /// at rest is unknown until [`ControlPlane::secrets_encryption`] says.
    ///
    /// ```
    /// use kubefit::{ControlPlane, Datastore};
    /// assert_eq!(ControlPlane::new(3, Datastore::EmbeddedEtcd).encrypts_secrets(), None);
    /// ```
    #[must_use]
    pub fn new(servers: u32, datastore: Datastore) -> Self {
        ControlPlane {
            servers,
            datastore,
            secrets_encryption: None,
        }
    }

    /// k3s with `servers` servers, as installed (see `# Defaults`).
    ///
    /// ```
    /// use kubefit::{ControlPlane, Datastore};
    /// assert_eq!(ControlPlane::k3s(1).datastore_of(), Datastore::Sqlite);
    /// assert_eq!(ControlPlane::k3s(3).datastore_of(), Datastore::EmbeddedEtcd);
    /// ```
    #[must_use]
    pub fn k3s(servers: u32) -> Self {
        let datastore = if servers > 1 {
            Datastore::EmbeddedEtcd
        } else {
            Datastore::Sqlite
        };
        ControlPlane::new(servers, datastore).secrets_encryption(false)
    }

    /// Sets the datastore.
    ///
    /// ```
    /// use kubefit::{ControlPlane, Datastore};
    /// let c = ControlPlane::k3s(1).datastore(Datastore::External);
    /// assert_eq!(c.datastore_of(), Datastore::External);
    /// ```
    #[must_use]
    pub fn datastore(mut self, datastore: Datastore) -> Self {
        self.datastore = datastore;
        self
    }

    /// Says whether Secrets are encrypted at rest.
    ///
    /// ```
    /// let c = kubefit::ControlPlane::k3s(1).secrets_encryption(true);
    /// assert_eq!(c.encrypts_secrets(), Some(true));
    /// ```
    #[must_use]
    pub fn secrets_encryption(mut self, on: bool) -> Self {
        self.secrets_encryption = Some(on);
        self
    }

    /// The number of servers.
    ///
    /// ```
    /// assert_eq!(kubefit::ControlPlane::k3s(3).servers(), 3);
    /// ```
    #[must_use]
    pub fn servers(&self) -> u32 {
        self.servers
    }

    /// The datastore.
    ///
    /// ```
    /// assert_eq!(kubefit::ControlPlane::k3s(1).datastore_of(), kubefit::Datastore::Sqlite);
    /// ```
    #[must_use]
    pub fn datastore_of(&self) -> Datastore {
        self.datastore
    }

    /// Whether Secrets are encrypted at rest, when known.
    ///
    /// ```
    /// assert_eq!(kubefit::ControlPlane::k3s(1).encrypts_secrets(), Some(false));
    /// ```
    #[must_use]
    pub fn encrypts_secrets(&self) -> Option<bool> {
        self.secrets_encryption
    }

    /// The findings about this control plane for a stack with `secrets` Secrets, reported
    /// on `object` (`platform/NAME`).
    pub(crate) fn judge(&self, object: &str, secrets: usize, diags: &mut Vec<Diagnostic>) {
        // etcd commits with a majority of its members (raft): n members tolerate
        // n - (n/2 + 1) failures — none below three.
        if self.datastore == Datastore::EmbeddedEtcd && self.servers < 3 {
            let n = self.servers;
            diags.push(Diagnostic::of(
                RuleId::ControlPlaneNotHa,
                object,
                "controlPlane.servers",
                format!(
                    "the control plane's embedded etcd has {n} member(s), one per server: etcd needs a majority of its members ({}) to accept any write, so losing one server stops the cluster's api (the agents' pods keep running, but nothing can be scheduled, changed or healed); it survives one loss only with 3 servers",
                    n / 2 + 1
                ),
            ));
        }
        if secrets > 0 && self.secrets_encryption == Some(false) {
            let store = match self.datastore {
                Datastore::Sqlite => "sqlite database",
                Datastore::EmbeddedEtcd => "etcd",
                Datastore::External => "datastore",
            };
            diags.push(Diagnostic::of(
                RuleId::SecretsNotEncryptedAtRest,
                object,
                "controlPlane.secretsEncryption",
                format!(
                    "the stack's {secrets} Secret(s) are kept unencrypted (base64) in the cluster's {store}: whoever reads it, a server's disk or a backup of it reads them"
                ),
            ));
        }
    }
}
