//! RBAC: Roles and ClusterRoles, RoleBindings and ClusterRoleBindings, and PriorityClasses —
//! typed builders of the k8s-openapi objects. They become [`K8sResource`]s, so the checks of
//! these kinds (`check/rbac.rs`) judge them, hand-made `with_k8s` ones and imported ones
//! alike.

use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role as K8sRole, RoleBinding as K8sRoleBinding,
    RoleRef, Subject,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::model::k8s_resource::K8sResource;
use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::object::Object;
use crate::model::service_account::ServiceAccount;
use crate::util::compat::Field;

/// One permission of a [`Role`]: `verbs` on `resources` of `api_groups` (`""` is the core
/// group).
///
/// ```
/// let r = kubefit::Permission::on([""], ["configmaps"]).verbs(["get", "list", "watch"]);
/// assert_eq!(r.to_k8s().verbs, ["get", "list", "watch"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    api_groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    verbs: Vec<String>,
}

fn strings<I, S>(v: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    v.into_iter().map(Into::into).collect()
}

impl Permission {
    /// `resources` of `api_groups`, with no verb yet.
    ///
    /// ```
    /// let r = kubefit::Permission::on(["apps"], ["deployments"]);
    /// assert!(r.to_k8s().verbs.is_empty());
    /// ```
    #[must_use]
    pub fn on<G, R, S, T>(api_groups: G, resources: R) -> Self
    where
        G: IntoIterator<Item = S>,
        S: Into<String>,
        R: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Permission {
            api_groups: strings(api_groups),
            resources: strings(resources),
            names: Vec::new(),
            verbs: Vec::new(),
        }
    }

    /// The verbs allowed (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`).
    ///
    /// ```
    /// let r = kubefit::Permission::on([""], ["pods"]).verbs(["get"]);
    /// assert_eq!(r.to_k8s().verbs, ["get"]);
    /// ```
    #[must_use]
    pub fn verbs<I, S>(mut self, verbs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.verbs.extend(strings(verbs));
        self
    }

    /// Only the objects with these names.
    ///
    /// ```
    /// let r = kubefit::Permission::on([""], ["configmaps"]).verbs(["get"]).names(["leader"]);
    /// assert_eq!(r.to_k8s().resource_names.unwrap(), ["leader"]);
    /// ```
    #[must_use]
    pub fn names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.names.extend(strings(names));
        self
    }

    /// Lowers to the k8s-openapi type.
    ///
    /// ```
    /// let r = kubefit::Permission::on([""], ["pods"]).verbs(["list"]).to_k8s();
    /// assert_eq!(r.api_groups.unwrap(), [""]);
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> PolicyRule {
        PolicyRule {
            api_groups: Some(self.api_groups.clone()),
            resources: Some(self.resources.clone()),
            resource_names: (!self.names.is_empty()).then(|| self.names.clone()),
            verbs: self.verbs.clone(),
            non_resource_urls: None,
        }
    }
}

/// A Role (permissions in the stack's namespace) or, with [`Role::cluster`], a ClusterRole.
///
/// ```
/// use kubefit::{Permission, Role, Stack};
/// let reader = Role::new("config-reader").allow(Permission::on([""], ["configmaps"]).verbs(["get"]));
/// let yaml = Stack::new("shop").with(reader).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
/// assert!(yaml.contains("kind: Role\n"), "{yaml}");
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    name: Name,
    meta: Meta,
    cluster: bool,
    rules: Vec<Permission>,
}

impl Role {
    /// A Role named `name`, granting nothing yet.
    ///
    /// ```
    /// assert_eq!(kubefit::Role::new("reader").kind(), "Role");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        Role {
            name: name.into(),
            meta: Meta::default(),
            cluster: false,
            rules: Vec::new(),
        }
    }

    /// A ClusterRole named `name` (cluster-wide: use it for cluster-scoped resources such
    /// as nodes, or bind it in one namespace with a [`RoleBinding`]).
    ///
    /// ```
    /// assert_eq!(kubefit::Role::cluster("node-reader").kind(), "ClusterRole");
    /// ```
    #[must_use]
    pub fn cluster(name: impl Into<Name>) -> Self {
        Role {
            cluster: true,
            ..Role::new(name)
        }
    }

    /// Adds a permission.
    ///
    /// ```
    /// let r = kubefit::Role::new("r").allow(kubefit::Permission::on([""], ["pods"]).verbs(["get"]));
    /// assert_eq!(r.to_k8s("shop").rules.unwrap().len(), 1);
    /// ```
    #[must_use]
    pub fn allow(mut self, permission: Permission) -> Self {
        self.rules.push(permission);
        self
    }

    /// `Role` or `ClusterRole`.
    ///
    /// ```
    /// assert_eq!(kubefit::Role::cluster("r").kind(), "ClusterRole");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &'static str {
        if self.cluster { "ClusterRole" } else { "Role" }
    }

    /// The name.
    ///
    /// ```
    /// assert_eq!(kubefit::Role::new("r").name().as_str(), "r");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    fn metadata(&self, namespace: Option<&str>) -> ObjectMeta {
        let mut m = self.meta.object_meta(self.name.as_str(), namespace);
        // The managed-by label is added where every object gets it (emission).
        if let Some(l) = m.labels.as_mut() {
            l.remove(crate::model::meta::MANAGED_BY.0);
        }
        m
    }

    /// Lowers to a k8s-openapi `Role` in `namespace` (a ClusterRole's rules as a Role's:
    /// use [`Stack::with`](crate::Stack::with) to emit it as its kind).
    ///
    /// ```
    /// let k = kubefit::Role::new("r").to_k8s("shop");
    /// assert_eq!(k.metadata.namespace.as_deref(), Some("shop"));
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sRole {
        K8sRole {
            metadata: self.metadata(Some(namespace)),
            rules: Some(self.rules.iter().map(Permission::to_k8s).collect()),
        }
    }

    fn resource(&self) -> K8sResource {
        let mut r = if self.cluster {
            K8sResource::new(&ClusterRole {
                metadata: self.metadata(None),
                rules: Some(self.rules.iter().map(Permission::to_k8s).collect()),
                ..Default::default()
            })
        } else {
            K8sResource::new(&self.to_k8s(""))
        };
        r.meta = self.meta.clone();
        r
    }
}

meta_setters!(Role, "kubefit::Role::new(\"reader\")");

impl From<Role> for Object {
    fn from(r: Role) -> Self {
        Object::K8s(Box::new(r.resource()))
    }
}

/// Grants a [`Role`] (or a ClusterRole) to ServiceAccounts: a RoleBinding in the stack's
/// namespace, or with [`RoleBinding::cluster_wide`] a ClusterRoleBinding.
///
/// The check reports a binding whose role is neither in the stack nor one of the cluster's
/// built-in ClusterRoles (`view`, `edit`, `admin`, `cluster-admin`, `system:*`), and
/// subjects that are not ServiceAccounts of the stack.
///
/// ```
/// use kubefit::{Permission, Role, RoleBinding, ServiceAccount, Stack};
/// let sa = ServiceAccount::new("operator");
/// let role = Role::new("operator").allow(Permission::on(["apps"], ["deployments"]).verbs(["get", "patch"]));
/// let binding = RoleBinding::new("operator", &role).service_account(&sa);
/// let report = Stack::new("shop").with(sa).with(role).with(binding).check();
/// assert_eq!(report.error_count(), 0, "{report}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleBinding {
    name: Name,
    meta: Meta,
    cluster_wide: bool,
    role_kind: &'static str,
    role: Name,
    accounts: Vec<Name>,
}

impl RoleBinding {
    /// Binds `role` (a Role or ClusterRole of the stack) in the stack's namespace.
    ///
    /// ```
    /// let b = kubefit::RoleBinding::new("b", &kubefit::Role::new("r"));
    /// assert_eq!(b.kind(), "RoleBinding");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>, role: &Role) -> Self {
        RoleBinding {
            name: name.into(),
            meta: Meta::default(),
            cluster_wide: false,
            role_kind: role.kind(),
            role: role.name.clone(),
            accounts: Vec::new(),
        }
    }

    /// Binds a ClusterRole the cluster has (`view`, `edit`, a controller's) in the stack's
    /// namespace.
    ///
    /// ```
    /// let b = kubefit::RoleBinding::cluster_role("viewers", "view");
    /// assert_eq!(b.to_k8s("shop").role_ref.kind, "ClusterRole");
    /// ```
    #[must_use]
    pub fn cluster_role(name: impl Into<Name>, cluster_role: impl Into<Name>) -> Self {
        RoleBinding {
            name: name.into(),
            meta: Meta::default(),
            cluster_wide: false,
            role_kind: "ClusterRole",
            role: cluster_role.into(),
            accounts: Vec::new(),
        }
    }

    /// Makes it a ClusterRoleBinding: the (Cluster)Role's permissions in every namespace.
    ///
    /// ```
    /// let b = kubefit::RoleBinding::cluster_role("b", "view").cluster_wide();
    /// assert_eq!(b.kind(), "ClusterRoleBinding");
    /// ```
    #[must_use]
    pub fn cluster_wide(mut self) -> Self {
        self.cluster_wide = true;
        self
    }

    /// Grants it to a ServiceAccount of the stack.
    ///
    /// ```
    /// let b = kubefit::RoleBinding::cluster_role("b", "view").service_account(&kubefit::ServiceAccount::new("api"));
    /// assert_eq!(b.to_k8s("shop").subjects.unwrap()[0].name, "api");
    /// ```
    #[must_use]
    pub fn service_account(mut self, account: &ServiceAccount) -> Self {
        self.accounts.push(account.name().clone());
        self
    }

    /// `RoleBinding` or `ClusterRoleBinding`.
    ///
    /// ```
    /// assert_eq!(kubefit::RoleBinding::cluster_role("b", "view").kind(), "RoleBinding");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &'static str {
        if self.cluster_wide {
            "ClusterRoleBinding"
        } else {
            "RoleBinding"
        }
    }

    /// Lowers to a k8s-openapi `RoleBinding` in `namespace`.
    ///
    /// ```
    /// let k = kubefit::RoleBinding::new("b", &kubefit::Role::new("r")).to_k8s("shop");
    /// assert_eq!((k.role_ref.kind.as_str(), k.role_ref.name.as_str()), ("Role", "r"));
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sRoleBinding {
        let mut metadata = self.meta.object_meta(self.name.as_str(), Some(namespace));
        if let Some(l) = metadata.labels.as_mut() {
            l.remove(crate::model::meta::MANAGED_BY.0);
        }
        K8sRoleBinding {
            metadata,
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".to_owned().field(),
                kind: self.role_kind.into(),
                name: self.role.to_string(),
            },
            subjects: Some(
                self.accounts
                    .iter()
                    .map(|a| Subject {
                        kind: "ServiceAccount".into(),
                        name: a.to_string(),
                        // Empty: the stack's namespace, filled in at emission.
                        namespace: (!namespace.is_empty()).then(|| namespace.to_owned()),
                        api_group: None,
                    })
                    .collect(),
            ),
        }
    }

    fn resource(&self) -> K8sResource {
        let k = self.to_k8s("");
        let mut r = if self.cluster_wide {
            let mut meta = k.metadata;
            meta.namespace = None;
            K8sResource::new(&ClusterRoleBinding {
                metadata: meta,
                role_ref: k.role_ref,
                subjects: k.subjects,
            })
        } else {
            K8sResource::new(&k)
        };
        r.meta = self.meta.clone();
        r
    }
}

meta_setters!(
    RoleBinding,
    "kubefit::RoleBinding::cluster_role(\"viewers\", \"view\")"
);

impl From<RoleBinding> for Object {
    fn from(b: RoleBinding) -> Self {
        Object::K8s(Box::new(b.resource()))
    }
}

/// A PriorityClass: pods naming it with `priority_class` are scheduled (and preempt) by its
/// value.
///
/// # Defaults
///
/// `preemptionPolicy: PreemptLowerPriority` (the API's), not the global default class.
///
/// ```
/// use kubefit::{Container, Deployment, PriorityClass, Stack};
/// let high = PriorityClass::new("search-high", 100_000);
/// let d = Deployment::new("search", Container::new("s", "nginx:1.27")).priority_class("search-high");
/// let report = Stack::new("shop").with(high).with(d).check();
/// assert_eq!(report.with_id("unknown-priority-class").count(), 0, "{report}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityClass {
    name: Name,
    meta: Meta,
    value: i32,
    never_preempt: bool,
}

impl PriorityClass {
    /// A PriorityClass with `value` (higher runs first; user classes up to 1,000,000,000).
    ///
    /// ```
    /// assert_eq!(kubefit::PriorityClass::new("high", 1000).to_value()["value"], 1000);
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>, value: i32) -> Self {
        PriorityClass {
            name: name.into(),
            meta: Meta::default(),
            value,
            never_preempt: false,
        }
    }

    /// Schedules ahead of lower classes but never evicts running pods
    /// (`preemptionPolicy: Never`).
    ///
    /// ```
    /// let p = kubefit::PriorityClass::new("batch", 10).never_preempt();
    /// assert_eq!(p.to_value()["preemptionPolicy"], "Never");
    /// ```
    #[must_use]
    pub fn never_preempt(mut self) -> Self {
        self.never_preempt = true;
        self
    }

    /// The object as JSON (the `value` field's type differs between Kubernetes versions).
    ///
    /// ```
    /// assert_eq!(kubefit::PriorityClass::new("high", 5).to_value()["kind"], "PriorityClass");
    /// ```
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": self.name.as_str()},
            "value": self.value,
        });
        if self.never_preempt {
            v["preemptionPolicy"] = "Never".into();
        }
        v
    }
}

meta_setters!(PriorityClass, "kubefit::PriorityClass::new(\"high\", 1000)");

impl From<PriorityClass> for Object {
    fn from(p: PriorityClass) -> Self {
        let map = match p.to_value() {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        let mut r = K8sResource::from_parts(map, false);
        r.meta = p.meta;
        Object::K8s(Box::new(r))
    }
}
