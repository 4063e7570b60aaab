//! Connections a stack needs, declared so the check can hold its NetworkPolicies to them.

use std::collections::BTreeMap;

use crate::model::port::PortRef;
use crate::model::workload::WorkloadRef;

/// Where a connection comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// The pods of a workload of the stack.
    Workload(WorkloadRef),
    /// Pods of another namespace (all of them when `labels` is empty).
    Namespace {
        namespace: String,
        labels: BTreeMap<String, String>,
    },
}

/// A connection the stack needs — from a workload of its own or from pods of another
/// namespace, to a workload of the stack on a port — which its NetworkPolicies must let
/// through (`traffic-blocked` when they do not).
///
/// Declare the connections kubefit cannot see; it already finds those the stack itself
/// names: a container whose environment (literal values, or ConfigMap values it reads)
/// names a Service of the stack (`postgres://app@postgres:5432/app`, `redis:6379`), an
/// Ingress controller to each Ingress backend (class `nginx`: pods of namespace
/// `ingress-nginx`; `traefik`: k3s' Traefik in `kube-system`), a Prometheus of the stack to
/// pods annotated `prometheus.io/scrape: "true"`, and every pod to the cluster DNS.
///
/// ```
/// use kubefit::{Container, Deployment, NetworkPolicy, Stack, Traffic};
///
/// let api = Deployment::new("api", Container::new("api", "nginx:1.27").port("http", 8080));
/// let worker = Deployment::new("worker", Container::new("worker", "nginx:1.27"));
/// let needed = Traffic::between(&worker, &api, "http");
/// let stack = Stack::new("shop")
///     .with(NetworkPolicy::default_deny())
///     .expect_traffic(needed.clone())
///     .with(api.clone())
///     .with(worker.clone());
/// assert_eq!(stack.network_allows(&needed), Some(false));
/// assert_eq!(stack.check().with_id("traffic-blocked").count(), 1);
///
/// let fixed = stack.with(NetworkPolicy::allow(&worker, &api, "http"));
/// assert_eq!(fixed.network_allows(&needed), Some(true));
/// assert_eq!(fixed.check().with_id("traffic-blocked").count(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traffic {
    pub(crate) from: Source,
    pub(crate) to: WorkloadRef,
    pub(crate) port: PortRef,
    pub(crate) protocol: &'static str,
}

impl Traffic {
    /// From the pods of `from` to the pods of `to` on `port` (a container port's name or
    /// number), over TCP.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, Traffic};
    /// let a = Deployment::new("a", Container::new("a", "nginx:1.27"));
    /// let b = Deployment::new("b", Container::new("b", "nginx:1.27").port("http", 80));
    /// assert_eq!(Traffic::between(&a, &b, "http").to_workload().name.as_str(), "b");
    /// ```
    #[must_use]
    pub fn between(
        from: impl Into<WorkloadRef>,
        to: impl Into<WorkloadRef>,
        port: impl Into<PortRef>,
    ) -> Self {
        Traffic {
            from: Source::Workload(from.into()),
            to: to.into(),
            port: port.into(),
            protocol: "TCP",
        }
    }

    /// From the pods of another namespace (all of them, or those with
    /// [`Traffic::pod_labels`]) to the pods of `to` on `port`, over TCP. The namespace is
    /// known by its `kubernetes.io/metadata.name` label, which the API server sets.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, Traffic};
    /// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
    /// let t = Traffic::from_namespace("monitoring", &web, "http");
    /// assert_eq!(t.to_workload().name.as_str(), "web");
    /// ```
    #[must_use]
    pub fn from_namespace(
        namespace: impl Into<String>,
        to: impl Into<WorkloadRef>,
        port: impl Into<PortRef>,
    ) -> Self {
        Traffic {
            from: Source::Namespace {
                namespace: namespace.into(),
                labels: BTreeMap::new(),
            },
            to: to.into(),
            port: port.into(),
            protocol: "TCP",
        }
    }

    /// Narrows a [`Traffic::from_namespace`] source to the pods with these labels (no effect
    /// on [`Traffic::between`]).
    ///
    /// ```
    /// use kubefit::{Container, Deployment, NetworkPolicy, Stack, Traffic};
    /// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
    /// let scrape = Traffic::from_namespace("monitoring", &web, "http")
    ///     .pod_labels([("app.kubernetes.io/name", "prometheus")]);
    /// let stack = Stack::new("shop")
    ///     .with(NetworkPolicy::default_deny())
    ///     .with(NetworkPolicy::allow_from_namespace("monitoring").to(&web))
    ///     .with(web);
    /// assert_eq!(stack.network_allows(&scrape), Some(true));
    /// ```
    #[must_use]
    pub fn pod_labels<K: Into<String>, V: Into<String>>(
        mut self,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        if let Source::Namespace { labels: l, .. } = &mut self.from {
            l.extend(labels.into_iter().map(|(k, v)| (k.into(), v.into())));
        }
        self
    }

    /// Over UDP instead of TCP.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, Traffic};
    /// let dns = Deployment::new("dns", Container::new("dns", "coredns/coredns:1.11.3").port("dns", 53));
    /// let t = Traffic::from_namespace("shop", &dns, "dns").udp();
    /// assert_eq!(t.to_workload().name.as_str(), "dns");
    /// ```
    #[must_use]
    pub fn udp(mut self) -> Self {
        self.protocol = "UDP";
        self
    }

    /// The workload the connection goes to.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, Traffic};
    /// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 80));
    /// assert_eq!(Traffic::from_namespace("x", &web, 80).to_workload().name.as_str(), "web");
    /// ```
    #[must_use]
    pub fn to_workload(&self) -> &WorkloadRef {
        &self.to
    }
}
