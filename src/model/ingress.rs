//! Ingress.

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress as K8sIngress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};

use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::port::PortRef;
use crate::model::service::Service;

/// How an Ingress path matches.
///
/// ```
/// assert_eq!(kubefit::PathType::Prefix.as_str(), "Prefix");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathType {
    /// Matches the path and everything under it.
    Prefix,
    /// Matches the path exactly.
    Exact,
    /// Left to the ingress controller.
    ImplementationSpecific,
}

impl PathType {
    /// The API spelling.
    ///
    /// ```
    /// assert_eq!(kubefit::PathType::Exact.as_str(), "Exact");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PathType::Prefix => "Prefix",
            PathType::Exact => "Exact",
            PathType::ImplementationSpecific => "ImplementationSpecific",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) host: Option<String>,
    pub(crate) path: String,
    pub(crate) path_type: PathType,
    pub(crate) service: Name,
    pub(crate) port: PortRef,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tls {
    pub(crate) hosts: Vec<String>,
    pub(crate) secret: Name,
}

/// An Ingress: HTTP routes from hosts and paths to Services.
///
/// Routes point at a [`Service`] value and one of its ports, so names are never retyped;
/// the check still reports a Service that is not in the stack or a port it does not expose.
///
/// ```
/// use kubefit::{Container, Deployment, Ingress, PathType, Service};
///
/// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
/// let svc = Service::expose(&web);
/// let ing = Ingress::new("web")
///     .class("nginx")
///     .route("shop.example.com", "/", PathType::Prefix, &svc, "http")
///     .tls(["shop.example.com"], "shop-tls")
///     .annotation("cert-manager.io/cluster-issuer", "letsencrypt");
/// assert_eq!(ing.route_count(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingress {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) class: Option<String>,
    pub(crate) routes: Vec<Route>,
    pub(crate) tls: Vec<Tls>,
}

impl Ingress {
    /// An Ingress named `name` with no routes.
    ///
    /// ```
    /// let ing = kubefit::Ingress::new("web");
    /// assert_eq!(ing.name().as_str(), "web");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>) -> Self {
        Ingress {
            name: name.into(),
            meta: Meta::default(),
            class: None,
            routes: Vec::new(),
            tls: Vec::new(),
        }
    }

    /// The Ingress's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Ingress::new("web").name().as_str(), "web");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Sets `ingressClassName` (`nginx`, `traefik`, …).
    ///
    /// ```
    /// let ing = kubefit::Ingress::new("web").class("traefik");
    /// assert_eq!(ing.to_k8s("shop").spec.unwrap().ingress_class_name.as_deref(), Some("traefik"));
    /// ```
    #[must_use]
    pub fn class(mut self, class: impl Into<String>) -> Self {
        self.class = Some(class.into());
        self
    }

    /// Routes `host` + `path` to `port` of `service`. An empty host matches every host.
    ///
    /// ```
    /// use kubefit::{Ingress, PathType, Service};
    /// let api = Service::new("api").port("http", 80, 8080);
    /// let ing = Ingress::new("web").route("", "/api", PathType::Prefix, &api, "http");
    /// let rule = &ing.to_k8s("shop").spec.unwrap().rules.unwrap()[0];
    /// let path = &rule.http.as_ref().unwrap().paths[0];
    /// assert_eq!(path.path.as_deref(), Some("/api"));
    /// assert_eq!(path.backend.service.as_ref().unwrap().name, "api");
    /// ```
    #[must_use]
    pub fn route(
        mut self,
        host: impl Into<String>,
        path: impl Into<String>,
        path_type: PathType,
        service: &Service,
        port: impl Into<PortRef>,
    ) -> Self {
        let host = host.into();
        self.routes.push(Route {
            host: (!host.is_empty()).then_some(host),
            path: path.into(),
            path_type,
            service: service.name.clone(),
            port: port.into(),
        });
        self
    }

    /// Terminates TLS for `hosts` with the certificate in Secret `secret_name`. When an
    /// issuer annotation (`cert-manager.io/cluster-issuer` or `cert-manager.io/issuer`) is
    /// set, cert-manager creates that Secret; otherwise it must be in the stack.
    ///
    /// ```
    /// let ing = kubefit::Ingress::new("web").tls(["a.example.com"], "a-tls");
    /// let tls = &ing.to_k8s("shop").spec.unwrap().tls.unwrap()[0];
    /// assert_eq!(tls.secret_name.as_deref(), Some("a-tls"));
    /// assert_eq!(tls.hosts.as_deref(), Some(&["a.example.com".to_owned()][..]));
    /// ```
    #[must_use]
    pub fn tls<I, S>(mut self, hosts: I, secret_name: impl Into<Name>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tls.push(Tls {
            hosts: hosts.into_iter().map(Into::into).collect(),
            secret: secret_name.into(),
        });
        self
    }

    /// The number of routes.
    ///
    /// ```
    /// assert_eq!(kubefit::Ingress::new("web").route_count(), 0);
    /// ```
    #[must_use]
    pub fn route_count(&self) -> usize {
        self.routes.len()
    }

    pub(crate) fn certificates_managed(&self) -> bool {
        self.meta
            .annotations()
            .contains_key("cert-manager.io/cluster-issuer")
            || self
                .meta
                .annotations()
                .contains_key("cert-manager.io/issuer")
    }

    /// Lowers to the k8s-openapi type, in `namespace`. Routes with the same host share
    /// one rule, in first-seen order.
    ///
    /// ```
    /// use kubefit::{Ingress, PathType, Service};
    /// let api = Service::new("api").port("http", 80, 8080);
    /// let k = Ingress::new("web").route("", "/", PathType::Prefix, &api, "http").to_k8s("shop");
    /// assert_eq!(k.spec.unwrap().rules.unwrap().len(), 1);
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sIngress {
        let mut rules: Vec<IngressRule> = Vec::new();
        for r in &self.routes {
            let path = HTTPIngressPath {
                path: Some(r.path.clone()),
                path_type: r.path_type.as_str().to_owned(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: r.service.to_string(),
                        port: Some(match &r.port {
                            PortRef::Name(n) => ServiceBackendPort {
                                name: Some(n.clone()),
                                number: None,
                            },
                            PortRef::Number(n) => ServiceBackendPort {
                                name: None,
                                number: Some(i32::from(*n)),
                            },
                        }),
                    }),
                    resource: None,
                },
            };
            match rules.iter_mut().find(|rule| rule.host == r.host) {
                Some(rule) => {
                    if let Some(http) = rule.http.as_mut() {
                        http.paths.push(path);
                    }
                }
                None => rules.push(IngressRule {
                    host: r.host.clone(),
                    http: Some(HTTPIngressRuleValue { paths: vec![path] }),
                }),
            }
        }
        K8sIngress {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: Some(IngressSpec {
                ingress_class_name: self.class.clone(),
                rules: (!rules.is_empty()).then_some(rules),
                tls: (!self.tls.is_empty()).then(|| {
                    self.tls
                        .iter()
                        .map(|t| IngressTLS {
                            hosts: Some(t.hosts.clone()),
                            secret_name: Some(t.secret.to_string()),
                        })
                        .collect()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

meta_setters!(Ingress, "kubefit::Ingress::new(\"web\")");
crate::model::patch::patch_setter!(
    Ingress,
    k8s_openapi::api::networking::v1::Ingress,
    "kubefit::Ingress::new(\"web\")"
);

crate::model::object::kind!(Ingress, "Ingress", 15, |x, ns| {
    crate::model::lowered::K8sObject::Ingress(x.to_k8s(ns))
});
