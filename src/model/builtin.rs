//! The kinds the Kubernetes API server serves itself (no CRD): their group, scope, place in
//! the apply order and the builder kubefit has for them — what [`Stack::with_k8s`]
//! objects, imported objects and a misplaced [`CustomObject`](crate::CustomObject) are
//! judged by.
//!
//! [`Stack::with_k8s`]: crate::Stack::with_k8s

/// API groups built into the API server (`""` is the core group, `apiVersion: v1`), from
/// `pkg/controlplane/instance.go` (`DefaultAPIResourceConfigSource`) and the aggregator's
/// and apiextensions' own groups. Groups under `k8s.io` that CRDs define (Gateway API's
/// `gateway.networking.k8s.io`, `snapshot.storage.k8s.io`, `*.x-k8s.io`) are not here.
const GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// Whether `group` (of `group/version`, or `""` for `v1`) is served by the API server itself.
pub(crate) fn is_builtin_group(group: &str) -> bool {
    GROUPS.contains(&group)
}

/// The group of an apiVersion: `apps` of `apps/v1`, `""` of `v1`; `None` when it is
/// neither `group/version` nor a version (`traefik`).
pub(crate) fn group_of(api_version: &str) -> Option<&str> {
    match api_version.split_once('/') {
        Some((g, _)) => Some(g),
        None => is_version(api_version).then_some(""),
    }
}

/// `v1`, `v2beta1`, `v1alpha3`: a Kubernetes API version.
fn is_version(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    rest.is_empty()
        || ["alpha", "beta"].iter().any(|p| {
            rest.strip_prefix(p)
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
}

/// A built-in kind kubefit knows the scope and apply order of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BuiltinKind {
    pub(crate) group: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) namespaced: bool,
    /// Rank in the emission order (the builders' own ranks; cluster-wide prerequisites 0).
    pub(crate) order: u8,
    /// The kubefit builder for it, if any.
    pub(crate) builder: Option<&'static str>,
}

const fn k(
    group: &'static str,
    kind: &'static str,
    namespaced: bool,
    order: u8,
    builder: Option<&'static str>,
) -> BuiltinKind {
    BuiltinKind {
        group,
        kind,
        namespaced,
        order,
        builder,
    }
}

/// The kinds a stack is likely to carry, with the builder ranks of `object.rs` (LimitRange 0
/// … Ingress 15, custom objects 16). Cluster-wide prerequisites (CRDs, PriorityClasses,
/// StorageClasses, ClusterRoles) come first, RBAC before the ServiceAccounts' pods, webhooks
/// last (a webhook registered before its Service exists refuses everything it intercepts).
const KINDS: &[BuiltinKind] = &[
    k(
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        false,
        0,
        None,
    ),
    k("scheduling.k8s.io", "PriorityClass", false, 0, None),
    k("storage.k8s.io", "StorageClass", false, 0, None),
    k("node.k8s.io", "RuntimeClass", false, 0, None),
    k("networking.k8s.io", "IngressClass", false, 0, None),
    k("", "Namespace", false, 0, None),
    k("", "PersistentVolume", false, 0, None),
    k("", "LimitRange", true, 0, Some("LimitRange")),
    k("", "ResourceQuota", true, 1, Some("ResourceQuota")),
    k("", "ServiceAccount", true, 2, Some("ServiceAccount")),
    k("rbac.authorization.k8s.io", "ClusterRole", false, 2, None),
    k("rbac.authorization.k8s.io", "Role", true, 2, None),
    k(
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        false,
        3,
        None,
    ),
    k("rbac.authorization.k8s.io", "RoleBinding", true, 3, None),
    k(
        "networking.k8s.io",
        "NetworkPolicy",
        true,
        3,
        Some("NetworkPolicy"),
    ),
    k("", "ConfigMap", true, 4, Some("ConfigMap")),
    k("", "Secret", true, 5, Some("Secret")),
    k(
        "",
        "PersistentVolumeClaim",
        true,
        6,
        Some("PersistentVolumeClaim"),
    ),
    k("", "Service", true, 7, Some("Service")),
    k("", "Endpoints", true, 7, None),
    k("discovery.k8s.io", "EndpointSlice", true, 7, None),
    k("batch", "Job", true, 8, Some("Job")),
    k("", "Pod", true, 9, None),
    k("", "ReplicationController", true, 9, None),
    k("apps", "ReplicaSet", true, 9, None),
    k("apps", "Deployment", true, 9, Some("Deployment")),
    k("apps", "StatefulSet", true, 10, Some("StatefulSet")),
    k("apps", "DaemonSet", true, 11, Some("DaemonSet")),
    k("batch", "CronJob", true, 12, Some("CronJob")),
    k(
        "autoscaling",
        "HorizontalPodAutoscaler",
        true,
        13,
        Some("HorizontalPodAutoscaler"),
    ),
    k(
        "policy",
        "PodDisruptionBudget",
        true,
        14,
        Some("PodDisruptionBudget"),
    ),
    k("networking.k8s.io", "Ingress", true, 15, Some("Ingress")),
    k(
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
        false,
        16,
        None,
    ),
    k(
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
        false,
        16,
        None,
    ),
    k(
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicy",
        false,
        16,
        None,
    ),
    k(
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
        false,
        16,
        None,
    ),
    k("apiregistration.k8s.io", "APIService", false, 16, None),
    k("storage.k8s.io", "CSIDriver", false, 0, None),
    k("storage.k8s.io", "VolumeAttachment", false, 16, None),
    k(
        "certificates.k8s.io",
        "CertificateSigningRequest",
        false,
        16,
        None,
    ),
    k("flowcontrol.apiserver.k8s.io", "FlowSchema", false, 0, None),
    k(
        "flowcontrol.apiserver.k8s.io",
        "PriorityLevelConfiguration",
        false,
        0,
        None,
    ),
    k("coordination.k8s.io", "Lease", true, 16, None),
];

/// The built-in kind `kind` of `api_version`'s group, if kubefit knows it.
pub(crate) fn builtin_kind(api_version: &str, kind: &str) -> Option<BuiltinKind> {
    let group = group_of(api_version)?;
    KINDS
        .iter()
        .find(|b| b.group == group && b.kind == kind)
        .copied()
}

/// Kinds without a builder of their own in the model that kubefit still checks (RBAC;
/// PriorityClass and RuntimeClass, which pods' references resolve to): not counted as "not
/// modelled".
pub(crate) fn is_checked_kind(api_version: &str, kind: &str) -> bool {
    matches!(
        (group_of(api_version), kind),
        (
            Some("rbac.authorization.k8s.io"),
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
        ) | (Some("scheduling.k8s.io"), "PriorityClass")
            | (Some("node.k8s.io"), "RuntimeClass")
            // The lints read their selectors.
            | (Some("networking.k8s.io"), "NetworkPolicy")
            | (Some("policy"), "PodDisruptionBudget")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_kinds() {
        let builtin = |v: &str| group_of(v).is_some_and(is_builtin_group);
        assert!(builtin("v1"));
        assert!(builtin("batch/v1"));
        assert!(!builtin("traefik"));
        assert!(!builtin("vx"));
        assert_eq!(group_of("v2beta1"), Some(""));
        assert!(!builtin("gateway.networking.k8s.io/v1"));
        assert!(!builtin("traefik.io/v1alpha1"));
        let role = builtin_kind("rbac.authorization.k8s.io/v1", "ClusterRole").unwrap();
        assert!(!role.namespaced);
        assert_eq!(builtin_kind("apps/v1", "Deployment").unwrap().order, 9);
        assert_eq!(builtin_kind("v1", "Deployment"), None);
        for b in KINDS {
            assert!(is_builtin_group(b.group), "{}", b.kind);
        }
    }
}
