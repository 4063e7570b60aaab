//! NetworkPolicies.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    NetworkPolicy as K8sNetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::port::PortRef;
use crate::model::workload::WorkloadRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PolicyRule {
    DenyAll,
    FromNamespace {
        namespace: String,
        to: Option<WorkloadRef>,
    },
    Between {
        from: WorkloadRef,
        to: WorkloadRef,
        port: PortRef,
    },
}

/// A NetworkPolicy, in the three shapes most stacks need.
///
/// ```
/// use kubefit::{Container, Deployment, NetworkPolicy};
///
/// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
/// let api = Deployment::new("api", Container::new("api", "nginx:1.27").port("http", 8080));
///
/// let deny = NetworkPolicy::default_deny();
/// let from_ingress = NetworkPolicy::allow_from_namespace("ingress-nginx").to(&web);
/// let web_to_api = NetworkPolicy::allow(&web, &api, "http");
/// assert_eq!(web_to_api.name().as_str(), "allow-web-to-api");
/// let spec = deny.to_k8s("shop").spec.unwrap();
/// assert_eq!(spec.policy_types.unwrap(), ["Ingress"]);
/// let from = &from_ingress.to_k8s("shop").spec.unwrap().ingress.unwrap()[0].from.clone().unwrap()[0];
/// assert_eq!(from.namespace_selector.as_ref().unwrap().match_labels.as_ref().unwrap()["kubernetes.io/metadata.name"], "ingress-nginx");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    /// On the heap: the largest part of the policy, and every object is as large as the
    /// largest kind.
    pub(crate) rule: Box<PolicyRule>,
}

impl NetworkPolicy {
    /// `default-deny`: selects every pod of the namespace and allows no ingress, so only
    /// what other policies allow gets through. Egress is left open (DNS keeps working).
    ///
    /// ```
    /// assert_eq!(kubefit::NetworkPolicy::default_deny().name().as_str(), "default-deny");
    /// ```
    #[must_use]
    pub fn default_deny() -> Self {
        NetworkPolicy {
            name: Name::from("default-deny"),
            meta: Meta::default(),
            rule: Box::new(PolicyRule::DenyAll),
        }
    }

    /// `allow-from-<namespace>`: lets every pod of `namespace` (e.g. the ingress controller's)
    /// reach every pod of this stack, or only those of one workload with [`NetworkPolicy::to`].
    ///
    /// ```
    /// let p = kubefit::NetworkPolicy::allow_from_namespace("traefik");
    /// assert_eq!(p.name().as_str(), "allow-from-traefik");
    /// ```
    #[must_use]
    pub fn allow_from_namespace(namespace: impl Into<String>) -> Self {
        let namespace = namespace.into();
        NetworkPolicy {
            name: Name::from(format!("allow-from-{namespace}")),
            meta: Meta::default(),
            rule: Box::new(PolicyRule::FromNamespace {
                namespace,
                to: None,
            }),
        }
    }

    /// `allow-<from>-to-<to>`: lets the pods of `from` reach the pods of `to` on `port`.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, NetworkPolicy};
    /// let a = Deployment::new("a", Container::new("a", "nginx:1.27"));
    /// let b = Deployment::new("b", Container::new("b", "nginx:1.27").port("http", 80));
    /// let p = NetworkPolicy::allow(&a, &b, "http");
    /// let spec = p.to_k8s("shop").spec.unwrap();
    /// assert_eq!(spec.pod_selector.unwrap().match_labels.unwrap()["app.kubernetes.io/name"], "b");
    /// let rule = &spec.ingress.unwrap()[0];
    /// assert_eq!(rule.from.as_ref().unwrap()[0].pod_selector.as_ref().unwrap().match_labels.as_ref().unwrap()["app.kubernetes.io/name"], "a");
    /// ```
    #[must_use]
    pub fn allow(
        from: impl Into<WorkloadRef>,
        to: impl Into<WorkloadRef>,
        port: impl Into<PortRef>,
    ) -> Self {
        let from = from.into();
        let to = to.into();
        NetworkPolicy {
            name: Name::from(format!("allow-{}-to-{}", from.name, to.name)),
            meta: Meta::default(),
            rule: Box::new(PolicyRule::Between {
                from,
                to,
                port: port.into(),
            }),
        }
    }

    /// Narrows an `allow_from_namespace` policy to the pods of one workload.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, NetworkPolicy};
    /// let web = Deployment::new("web", Container::new("web", "nginx:1.27"));
    /// let p = NetworkPolicy::allow_from_namespace("ingress-nginx").to(&web);
    /// assert_eq!(p.name().as_str(), "allow-from-ingress-nginx-to-web");
    /// ```
    #[must_use]
    pub fn to(mut self, workload: impl Into<WorkloadRef>) -> Self {
        if let PolicyRule::FromNamespace { namespace, to } = &mut *self.rule {
            let w = workload.into();
            self.name = Name::from(format!("allow-from-{namespace}-to-{}", w.name));
            *to = Some(w);
        }
        self
    }

    /// Renames the policy.
    ///
    /// ```
    /// let p = kubefit::NetworkPolicy::default_deny().renamed("deny-all");
    /// assert_eq!(p.name().as_str(), "deny-all");
    /// ```
    #[must_use]
    pub fn renamed(mut self, name: impl Into<Name>) -> Self {
        self.name = name.into();
        self
    }

    /// The policy's name.
    ///
    /// ```
    /// assert_eq!(kubefit::NetworkPolicy::default_deny().name().as_str(), "default-deny");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let k = kubefit::NetworkPolicy::default_deny().to_k8s("shop");
    /// assert_eq!(k.spec.unwrap().policy_types, Some(vec!["Ingress".to_string()]));
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sNetworkPolicy {
        let select = |labels: Option<&BTreeMap<String, String>>| LabelSelector {
            match_labels: labels.cloned(),
            match_expressions: None,
        };
        let (pod_selector, ingress) = match &*self.rule {
            PolicyRule::DenyAll => (select(None), None),
            PolicyRule::FromNamespace {
                namespace: from,
                to,
            } => (
                select(to.as_ref().map(|w| &w.selector)),
                Some(vec![NetworkPolicyIngressRule {
                    from: Some(vec![NetworkPolicyPeer {
                        namespace_selector: Some(LabelSelector {
                            match_labels: Some(BTreeMap::from([(
                                "kubernetes.io/metadata.name".to_owned(),
                                from.clone(),
                            )])),
                            match_expressions: None,
                        }),
                        ..Default::default()
                    }]),
                    ports: None,
                }]),
            ),
            PolicyRule::Between { from, to, port } => (
                select(Some(&to.selector)),
                Some(vec![NetworkPolicyIngressRule {
                    from: Some(vec![NetworkPolicyPeer {
                        pod_selector: Some(select(Some(&from.selector))),
                        ..Default::default()
                    }]),
                    ports: Some(vec![NetworkPolicyPort {
                        port: Some(port.to_int_or_string()),
                        protocol: Some("TCP".to_owned()),
                        end_port: None,
                    }]),
                }]),
            ),
        };
        K8sNetworkPolicy {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(pod_selector),
                policy_types: Some(vec!["Ingress".to_owned()]),
                ingress,
                egress: None,
            }),
        }
    }
}

meta_setters!(NetworkPolicy, "kubefit::NetworkPolicy::default_deny()");
crate::model::patch::patch_setter!(
    NetworkPolicy,
    k8s_openapi::api::networking::v1::NetworkPolicy,
    "kubefit::NetworkPolicy::default_deny()"
);

crate::model::object::kind!(NetworkPolicy, "NetworkPolicy", 3, |x, ns| {
    crate::model::lowered::K8sObject::NetworkPolicy(x.to_k8s(ns))
});
