//! ServiceAccounts.

use k8s_openapi::api::core::v1::ServiceAccount as K8sServiceAccount;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;

/// A ServiceAccount.
///
/// # Defaults
///
/// `automountServiceAccountToken: false`; opt out with
/// [`ServiceAccount::automount_token`].
///
/// ```
/// let sa = kubefit::ServiceAccount::new("api");
/// assert_eq!(sa.name().as_str(), "api");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) automount: bool,
}

impl ServiceAccount {
    /// A ServiceAccount named `name`.
    ///
    /// ```
    /// let sa = kubefit::ServiceAccount::new("api");
    /// assert_eq!(sa.to_k8s("shop").automount_service_account_token, Some(false));
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        ServiceAccount {
            name: name.into(),
            meta: Meta::default(),
            automount: false,
        }
    }

    /// The ServiceAccount's name.
    ///
    /// ```
    /// assert_eq!(kubefit::ServiceAccount::new("api").name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Mounts the API token into pods using this account by default.
    ///
    /// ```
    /// let sa = kubefit::ServiceAccount::new("operator").automount_token();
    /// assert_eq!(sa.to_k8s("shop").automount_service_account_token, Some(true));
    /// ```
    #[must_use]
    pub fn automount_token(mut self) -> Self {
        self.automount = true;
        self
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let k = kubefit::ServiceAccount::new("api").to_k8s("shop");
    /// assert_eq!(k.automount_service_account_token, Some(false));
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sServiceAccount {
        K8sServiceAccount {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            automount_service_account_token: Some(self.automount),
            ..Default::default()
        }
    }
}

meta_setters!(ServiceAccount, "kubefit::ServiceAccount::new(\"api\")");
crate::model::patch::patch_setter!(
    ServiceAccount,
    k8s_openapi::api::core::v1::ServiceAccount,
    "kubefit::ServiceAccount::new(\"api\")"
);

crate::model::object::kind!(ServiceAccount, "ServiceAccount", 2, |x, ns| {
    crate::model::lowered::K8sObject::ServiceAccount(x.to_k8s(ns))
});
