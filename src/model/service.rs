//! Services.

use k8s_openapi::api::core::v1::{
    Service as K8sService, ServicePort as K8sServicePort, ServiceSpec,
};

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::port::PortRef;
use crate::model::workload::WorkloadRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServicePort {
    pub(crate) name: String,
    pub(crate) port: u16,
    pub(crate) target: PortRef,
    pub(crate) node_port: Option<u16>,
}

/// A Service: a stable address for the pods of a workload.
///
/// The easy way is [`Service::expose`], which copies the workload's selector and named
/// ports, so nothing is retyped. Defaults to `ClusterIP`.
///
/// ```
/// use kubefit::{Container, Deployment, Service};
///
/// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
/// let svc = Service::expose(&web);
/// assert_eq!(svc.name().as_str(), "web");
/// assert_eq!(svc.port_names().collect::<Vec<_>>(), ["http"]);
///
/// let public = Service::new("web-public").select(&web).port("http", 80, "http").load_balancer();
/// assert!(public.is_load_balancer());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) type_: ServiceType,
    pub(crate) headless: bool,
    pub(crate) selector: crate::util::str_map::StrMap,
    pub(crate) ports: Vec<ServicePort>,
    /// `externalTrafficPolicy: Local`.
    pub(crate) local_traffic: bool,
}

impl Service {
    /// A ClusterIP Service named `name` with no selector and no ports yet.
    ///
    /// ```
    /// let svc = kubefit::Service::new("api");
    /// assert_eq!(svc.name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        Service {
            name: name.into(),
            meta: Meta::default(),
            type_: ServiceType::ClusterIp,
            headless: false,
            selector: crate::util::str_map::StrMap::new(),
            ports: Vec::new(),
            local_traffic: false,
        }
    }

    /// A Service named like the workload, selecting its pods and exposing each named
    /// container port on the same number, targeted by name.
    ///
    /// ```
    /// use kubefit::{Container, Service, StatefulSet};
    /// let redis = StatefulSet::new("redis", Container::new("redis", "redis:7.4").port("redis", 6379));
    /// let svc = Service::expose(&redis);
    /// assert_eq!(svc.name().as_str(), "redis");
    /// ```
    #[must_use]
    pub fn expose(workload: impl Into<WorkloadRef>) -> Self {
        let w = workload.into();
        Self::expose_as(w.name.clone(), &w)
    }

    pub(crate) fn expose_as(name: Name, w: &WorkloadRef) -> Self {
        let mut svc = Service::new(name);
        svc.selector = w.selector.clone().into();
        svc.ports = w
            .ports
            .iter()
            .map(|(n, p)| ServicePort {
                name: n.clone(),
                port: *p,
                target: PortRef::Name(n.clone()),
                node_port: None,
            })
            .collect();
        svc
    }

    /// The Service's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Service::new("api").name().as_str(), "api");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Selects the pods of `workload` (replacing any earlier selector).
    ///
    /// ```
    /// use kubefit::{Container, Deployment, Service};
    /// let d = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// let svc = Service::new("api-internal").select(&d);
    /// assert_eq!(svc.to_k8s("shop").spec.unwrap().selector.unwrap()["app.kubernetes.io/name"], "api");
    /// ```
    #[must_use]
    pub fn select(mut self, workload: impl Into<WorkloadRef>) -> Self {
        self.selector = workload.into().selector.into();
        self
    }

    /// Adds one label to the selector.
    ///
    /// ```
    /// let svc = kubefit::Service::new("api").selector_label("app.kubernetes.io/name", "api");
    /// assert_eq!(svc.to_k8s("shop").spec.unwrap().selector.unwrap()["app.kubernetes.io/name"], "api");
    /// ```
    #[must_use]
    pub fn selector_label(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.selector.insert(key, value);
        self
    }

    /// Adds a port named `name` listening on `port` and forwarding to `target`
    /// (a container port name or number).
    ///
    /// ```
    /// let svc = kubefit::Service::new("api").port("http", 80, "http");
    /// let p = &svc.to_k8s("shop").spec.unwrap().ports.unwrap()[0];
    /// assert_eq!((p.name.as_deref(), p.port), (Some("http"), 80));
    /// assert_eq!(p.target_port, Some(kubefit::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String("http".into())));
    /// ```
    #[must_use]
    pub fn port(mut self, name: impl Into<String>, port: u16, target: impl Into<PortRef>) -> Self {
        crate::util::few::push(
            &mut self.ports,
            ServicePort {
                name: name.into(),
                port,
                target: target.into(),
                node_port: None,
            },
        );
        self
    }

    /// Makes this a `NodePort` Service (node ports are allocated by the cluster).
    ///
    /// ```
    /// let svc = kubefit::Service::new("api").node_port();
    /// assert_eq!(svc.to_k8s("shop").spec.unwrap().type_.as_deref(), Some("NodePort"));
    /// ```
    #[must_use]
    pub fn node_port(mut self) -> Self {
        self.type_ = ServiceType::NodePort;
        self
    }

    /// Asks for node port `node_port` (30000–32767 by default) for the port named `port`
    /// instead of one the cluster picks; needs [`Service::node_port`] or
    /// [`Service::load_balancer`].
    ///
    /// ```
    /// let svc = kubefit::Service::new("mqtt").port("mqtt", 1883, 1883).node_port().fixed_node_port("mqtt", 31883);
    /// assert_eq!(svc.to_k8s("shop").spec.unwrap().ports.unwrap()[0].node_port, Some(31883));
    /// ```
    #[must_use]
    pub fn fixed_node_port(mut self, port: &str, node_port: u16) -> Self {
        for p in self.ports.iter_mut().filter(|p| p.name == port) {
            p.node_port = Some(node_port);
        }
        self
    }

    /// Keeps external traffic on the node it arrived at (`externalTrafficPolicy: Local`):
    /// the client's address is preserved, and only nodes running a selected pod answer.
    /// Needs [`Service::node_port`] or [`Service::load_balancer`].
    ///
    /// ```
    /// let svc = kubefit::Service::new("ingress").load_balancer().local_traffic();
    /// assert_eq!(svc.to_k8s("shop").spec.unwrap().external_traffic_policy.as_deref(), Some("Local"));
    /// ```
    #[must_use]
    pub fn local_traffic(mut self) -> Self {
        self.local_traffic = true;
        self
    }

    /// Makes this a `LoadBalancer` Service (counted against the platform's load balancers).
    ///
    /// ```
    /// assert!(kubefit::Service::new("api").load_balancer().is_load_balancer());
    /// ```
    #[must_use]
    pub fn load_balancer(mut self) -> Self {
        self.type_ = ServiceType::LoadBalancer;
        self
    }

    /// Makes this headless (`clusterIP: None`), as a StatefulSet's governing Service is.
    ///
    /// ```
    /// assert!(kubefit::Service::new("db").headless().is_headless());
    /// ```
    #[must_use]
    pub fn headless(mut self) -> Self {
        self.type_ = ServiceType::ClusterIp;
        self.headless = true;
        self
    }

    /// Whether this Service is headless.
    ///
    /// ```
    /// assert!(!kubefit::Service::new("db").is_headless());
    /// ```
    #[must_use]
    pub fn is_headless(&self) -> bool {
        self.headless
    }

    /// Whether this is a `LoadBalancer` Service.
    ///
    /// ```
    /// assert!(!kubefit::Service::new("db").is_load_balancer());
    /// ```
    #[must_use]
    pub fn is_load_balancer(&self) -> bool {
        self.type_ == ServiceType::LoadBalancer
    }

    /// The names of its ports.
    ///
    /// ```
    /// let svc = kubefit::Service::new("api").port("http", 80, 8080);
    /// assert_eq!(svc.port_names().collect::<Vec<_>>(), ["http"]);
    /// ```
    pub fn port_names(&self) -> impl Iterator<Item = &str> {
        self.ports.iter().map(|p| p.name.as_str())
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// let k = kubefit::Service::new("api").port("http", 80, 8080).to_k8s("shop");
    /// assert_eq!(k.spec.unwrap().type_.as_deref(), Some("ClusterIP"));
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sService {
        let type_ = match self.type_ {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        };
        K8sService {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: Some(ServiceSpec {
                type_: Some(type_.to_owned()),
                cluster_ip: self.headless.then(|| "None".to_owned()),
                external_traffic_policy: self.local_traffic.then(|| "Local".to_owned()),
                selector: (!self.selector.is_empty()).then(|| self.selector.to_btree()),
                ports: Some(
                    self.ports
                        .iter()
                        .map(|p| K8sServicePort {
                            name: Some(p.name.clone()),
                            port: i32::from(p.port),
                            target_port: Some(p.target.to_int_or_string()),
                            node_port: p.node_port.map(i32::from),
                            protocol: Some("TCP".to_owned()),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

meta_setters!(Service, "kubefit::Service::new(\"api\")");
crate::model::patch::patch_setter!(
    Service,
    k8s_openapi::api::core::v1::Service,
    "kubefit::Service::new(\"api\")"
);

crate::model::object::kind!(Service, "Service", 7, |x, ns| {
    crate::model::lowered::K8sObject::Service(x.to_k8s(ns))
});
