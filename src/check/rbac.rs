//! RBAC objects, however they came in (the `Role`/`RoleBinding` builders, `with_k8s`, an
//! import): a binding's role and ServiceAccounts resolve, and the grants kube-linter flags
//! (`wildcard-in-rules`, `cluster-admin-role-binding`, `access-to-secrets`).

use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};
use serde::Deserialize;

use super::Checker;
use crate::diagnostic::rules::RuleId;
use crate::model::k8s_resource::K8sResource;

/// The ClusterRoles every cluster has (plugin/pkg/auth/authorizer/rbac/bootstrappolicy).
const BUILT_IN_CLUSTER_ROLES: [&str; 4] = ["cluster-admin", "admin", "edit", "view"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rules {
    #[serde(default)]
    rules: Option<Vec<PolicyRule>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Binding {
    role_ref: RoleRef,
    #[serde(default)]
    subjects: Option<Vec<Subject>>,
}

impl Checker<'_, '_> {
    pub(super) fn rbac(&mut self, k: &K8sResource, namespace: &str, object: &str) {
        let value = serde_json::Value::Object(k.value.clone());
        match k.kind.as_str() {
            "Role" | "ClusterRole" => {
                let Ok(r) = serde_json::from_value::<Rules>(value) else {
                    return;
                };
                for (i, rule) in r.rules.iter().flatten().enumerate() {
                    let at = format!("rules[{i}]");
                    let wild = |v: &Option<Vec<String>>| v.iter().flatten().any(|s| s == "*");
                    for (field, is) in [
                        ("verbs", rule.verbs.iter().any(|s| s == "*")),
                        ("resources", wild(&rule.resources)),
                        ("apiGroups", wild(&rule.api_groups)),
                    ] {
                        if is {
                            self.push(
                                RuleId::RbacWildcard,
                                object,
                                &format!("{at}.{field}"),
                                format!("`*` in {field} grants whatever exists, now and later"),
                            );
                        }
                    }
                    let secrets = rule
                        .resources
                        .iter()
                        .flatten()
                        .any(|r| r == "secrets" || r == "*");
                    let core = rule
                        .api_groups
                        .iter()
                        .flatten()
                        .any(|g| g.is_empty() || g == "*");
                    let reads = rule
                        .verbs
                        .iter()
                        .any(|v| matches!(v.as_str(), "get" | "list" | "watch" | "*"));
                    if secrets && core && reads && rule.resource_names.is_none() {
                        self.push(
                            RuleId::RbacSecretsAccess,
                            object,
                            &format!("{at}.resources"),
                            "reads every secret of its scope".to_owned(),
                        );
                    }
                }
            }
            "RoleBinding" | "ClusterRoleBinding" => {
                let Ok(b) = serde_json::from_value::<Binding>(value) else {
                    return;
                };
                let role = &b.role_ref;
                let known = match role.kind.as_str() {
                    "ClusterRole" => {
                        BUILT_IN_CLUSTER_ROLES.contains(&role.name.as_str())
                            || role.name.starts_with("system:")
                            || self.index.has("ClusterRole", &role.name)
                    }
                    // A RoleBinding's Role is in its own namespace: the stack's.
                    _ => self.index.has("Role", &role.name),
                };
                if !known {
                    self.push(
                        RuleId::DanglingRole,
                        object,
                        "roleRef.name",
                        format!(
                            "{} `{}` is not in the stack nor one of the cluster's built-in roles",
                            role.kind.to_lowercase(),
                            role.name
                        ),
                    );
                }
                if role.kind == "ClusterRole" && role.name == "cluster-admin" {
                    self.push(
                        RuleId::RbacClusterAdmin,
                        object,
                        "roleRef.name",
                        format!(
                            "grants cluster-admin{}",
                            if k.kind == "ClusterRoleBinding" {
                                " on the whole cluster"
                            } else {
                                " in the namespace"
                            }
                        ),
                    );
                }
                for (i, s) in b.subjects.iter().flatten().enumerate() {
                    let ours = s
                        .namespace
                        .as_deref()
                        .is_none_or(|n| n.is_empty() || n == namespace);
                    if s.kind == "ServiceAccount"
                        && ours
                        && !self.index.has("ServiceAccount", &s.name)
                    {
                        self.push(
                            RuleId::DanglingServiceAccount,
                            object,
                            &format!("subjects[{i}].name"),
                            format!("serviceaccount `{}` is not in the stack", s.name),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
