//! `traffic-blocked`: connections the stack needs that its NetworkPolicies refuse.
//!
//! The connections come from what the stack itself says — a Service named in a container's
//! environment or in a ConfigMap it reads or mounts, an Ingress backend, a Prometheus
//! scrape annotation, the cluster DNS every pod resolves names with — and from
//! [`Stack::expect_traffic`]. What the policies allow is [`crate::check::reach`].

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::NetworkPolicy as K8sNetworkPolicy;

use crate::check::reach::{Conn, End, Reach, reach};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::rules::RuleId;
use crate::model::container::{EnvFrom, EnvValue};
use crate::model::name::Name;
use crate::model::object::Object;
use crate::model::port::PortRef;
use crate::model::service::Service;
use crate::model::stack::Stack;
use crate::model::traffic::{Source, Traffic};
use crate::model::volume::VolumeSource;
use crate::model::workload::{PodOwner, WorkloadKind};

/// The label the API server puts on every namespace, with its name.
const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

/// One workload's pods as the policies see them.
struct Pods<'s> {
    owner: PodOwner<'s>,
    object: String,
    labels: BTreeMap<String, String>,
    ports: Vec<(String, u16, String)>,
}

/// Pods outside the stack (an Ingress controller, the cluster DNS).
struct Outside {
    namespace: String,
    namespace_labels: BTreeMap<String, String>,
    labels: BTreeMap<String, String>,
    ports: Vec<(String, u16, String)>,
    /// How a message names them.
    said: String,
}

impl Outside {
    fn new(namespace: &str, labels: BTreeMap<String, String>, said: String) -> Self {
        Outside {
            namespace: namespace.to_owned(),
            namespace_labels: BTreeMap::from([(NAMESPACE_NAME.to_owned(), namespace.to_owned())]),
            labels,
            ports: Vec::new(),
            said,
        }
    }

    fn end(&self) -> End<'_> {
        End {
            namespace: &self.namespace,
            namespace_labels: &self.namespace_labels,
            labels: &self.labels,
            ports: &self.ports,
        }
    }
}

/// One end of a connection to judge.
enum At {
    Pods(usize),
    Outside(Box<Outside>),
}

/// A connection the stack needs, and why kubefit thinks so.
struct Flow {
    from: At,
    to: At,
    port: Option<u16>,
    protocol: &'static str,
    why: String,
}

/// The stack's network as its policies see it.
struct Net<'s> {
    /// Whether any policy restricts egress (without one, no pod's outgoing connections are
    /// judged: only the destinations' ingress can refuse them).
    egress: bool,
    namespace: &'s str,
    namespace_labels: BTreeMap<String, String>,
    policies: Vec<K8sNetworkPolicy>,
    pods: Vec<Pods<'s>>,
}

impl<'s> Net<'s> {
    /// `None` when the stack has no NetworkPolicy: then every connection is allowed.
    fn new(stack: &'s Stack) -> Option<Self> {
        let namespace = stack.namespace.as_str();
        let policies: Vec<K8sNetworkPolicy> = stack
            .objects
            .iter()
            .filter_map(|o| match o {
                Object::NetworkPolicy(p) => Some(p.to_k8s(namespace)),
                Object::K8s(k)
                    if k.api_version == "networking.k8s.io/v1" && k.kind == "NetworkPolicy" =>
                {
                    serde_json::from_value(serde_json::Value::Object(k.value.clone())).ok()
                }
                _ => None,
            })
            .collect();
        if policies.is_empty() {
            return None;
        }
        let mut namespace_labels: BTreeMap<String, String> =
            stack.namespace_to_k8s().metadata.labels.unwrap_or_default();
        namespace_labels.insert(NAMESPACE_NAME.to_owned(), namespace.to_owned());
        let pods = stack
            .objects
            .iter()
            .filter_map(|o| {
                let owner = o.pod_owner()?;
                let pod = owner.pod;
                Some(Pods {
                    owner,
                    object: o.reference(),
                    labels: pod
                        .pod_label_pairs(owner.name)
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                    ports: pod
                        .sidecars
                        .iter()
                        .chain(&pod.containers)
                        .flat_map(|c| &c.ports)
                        .map(|p| (p.name.clone(), p.number, p.protocol.to_owned()))
                        .collect(),
                })
            })
            .collect();
        Some(Net {
            egress: policies.iter().any(crate::check::reach::restricts_egress),
            namespace,
            namespace_labels,
            policies,
            pods,
        })
    }

    fn end<'a>(&'a self, at: &'a At) -> End<'a> {
        match at {
            At::Pods(i) => End {
                namespace: self.namespace,
                namespace_labels: &self.namespace_labels,
                labels: &self.pods[*i].labels,
                ports: &self.pods[*i].ports,
            },
            At::Outside(o) => o.end(),
        }
    }

    fn said(&self, at: &At) -> String {
        match at {
            At::Pods(i) => format!("`{}`", self.pods[*i].owner.name),
            At::Outside(o) => o.said.clone(),
        }
    }

    fn judge(&self, f: &Flow) -> Reach {
        let c = Conn {
            src: self.end(&f.from),
            dst: self.end(&f.to),
            port: f.port,
            protocol: f.protocol,
        };
        reach(&self.policies, self.namespace, &c)
    }

    /// The workload of the stack with this kind and name.
    fn find(&self, kind: WorkloadKind, name: &Name) -> Option<usize> {
        self.pods
            .iter()
            .position(|p| p.owner.kind == kind && p.owner.name == name)
    }

    /// The pods a Service selects.
    fn selected<'a>(&'a self, svc: &'a Service) -> impl Iterator<Item = usize> + 'a {
        self.pods.iter().enumerate().filter_map(move |(i, p)| {
            (!svc.selector.is_empty()
                && svc
                    .selector
                    .iter()
                    .all(|(k, v)| p.labels.get(k).is_some_and(|l| l == v)))
            .then_some(i)
        })
    }

    /// A port of the destination pods by name or number (a name no container has: `None`).
    fn port_of(&self, to: usize, port: &PortRef) -> Option<u16> {
        match port {
            PortRef::Number(n) => Some(*n),
            PortRef::Name(n) => self.pods[to]
                .ports
                .iter()
                .find(|(name, _, _)| name == n)
                .map(|(_, number, _)| *number),
        }
    }
}

/// The hosts (with their ports) a configuration value names: URLs' hosts
/// (`postgres://u:$(PW)@postgres:5432/app`, `http://prometheus:9090`) and `host:port` items
/// (`redis:6379`, `['api:8080']`, `KAFKA=kafka:9092,kafka-1:9092`). A bare word is not taken
/// for a host: `ROLE=api` names no connection.
fn hosts(value: &str) -> Vec<(&str, Option<u16>)> {
    let mut out = Vec::new();
    for item in value.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '\'' | '"' | '[' | ']' | '<' | '>' | '`')
    }) {
        let (authority, url) = match item.split_once("://") {
            Some((_, rest)) => {
                let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
                (
                    authority.rsplit_once('@').map_or(authority, |(_, h)| h),
                    true,
                )
            }
            None => (item.rsplit_once('=').map_or(item, |(_, v)| v), false),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => match p.parse::<u16>() {
                Ok(p) => (h, Some(p)),
                Err(_) => continue,
            },
            None => (authority, None),
        };
        let is_host = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if is_host && (url || port.is_some()) {
            out.push((host, port));
        }
    }
    out
}

/// The Service of the stack a host name means, and whether it names one pod of it
/// (`postgres-0.postgres`): `svc`, `svc.<namespace>[.svc[.cluster.local]]`, or
/// `<pod>.svc[.<namespace>…]` for a headless Service.
fn service_of<'s>(
    host: &str,
    namespace: &str,
    services: &BTreeMap<&str, &'s Service>,
) -> Option<(&'s Service, bool)> {
    let segments: Vec<&str> = host.split('.').collect();
    let in_namespace = |rest: &[&str]| rest.is_empty() || rest[0] == namespace;
    if let Some(s) = services.get(segments[0])
        && in_namespace(&segments[1..])
    {
        return Some((s, false));
    }
    if segments.len() >= 2
        && let Some(s) = services.get(segments[1])
        && s.headless
        && in_namespace(&segments[2..])
    {
        return Some((s, true));
    }
    None
}

/// The repository of an image reference, without registry path, tag or digest:
/// `quay.io/prometheus/prometheus:v2.54.1` → `prometheus`.
fn image_name(image: &str) -> &str {
    let repo = image.split('@').next().unwrap_or_default();
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    repo.rsplit('/').next().unwrap_or(repo)
}

impl Stack {
    /// Declares a connection the stack needs that kubefit cannot see in it (see
    /// [`Traffic`]): the check then reports `traffic-blocked` when the stack's
    /// NetworkPolicies refuse it. Declarations are not emitted; they stay with the code that
    /// builds the stack. One whose workloads or named port are not in the stack cannot be
    /// judged: the check reports it (`dangling-workload`), and [`Stack::network_allows`]
    /// answers `None` for it.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, NetworkPolicy, Stack, Traffic};
    /// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
    /// let stack = Stack::new("shop")
    ///     .with(NetworkPolicy::default_deny())
    ///     .expect_traffic(Traffic::from_namespace("monitoring", &web, "http"))
    ///     .with(web);
    /// let found = stack.check();
    /// let d = found.with_id("traffic-blocked").next().unwrap();
    /// assert_eq!(d.object, "deployment/web");
    /// assert!(d.message.contains("pods of namespace `monitoring` cannot reach `web` on port 8080/TCP"), "{}", d.message);
    /// ```
    #[must_use]
    pub fn expect_traffic(mut self, traffic: Traffic) -> Self {
        self.traffic.push(traffic);
        self
    }

    /// Whether the stack's NetworkPolicies let `traffic` through: `Some(true)` or
    /// `Some(false)` by the semantics every conforming network plugin implements; `None`
    /// when only an `ipBlock` could allow it (the plugin decides whether pod addresses match
    /// one) or when its workloads or port are not in the stack. Without any NetworkPolicy,
    /// everything is allowed.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, NetworkPolicy, Stack, Traffic};
    /// let api = Deployment::new("api", Container::new("api", "nginx:1.27").port("http", 8080));
    /// let web = Deployment::new("web", Container::new("web", "nginx:1.27"));
    /// let t = Traffic::between(&web, &api, "http");
    /// let open = Stack::new("shop").with(api.clone()).with(web.clone());
    /// assert_eq!(open.network_allows(&t), Some(true));
    /// let closed = open.with(NetworkPolicy::default_deny());
    /// assert_eq!(closed.network_allows(&t), Some(false));
    /// ```
    #[must_use]
    pub fn network_allows(&self, traffic: &Traffic) -> Option<bool> {
        let resolved = self.resolved();
        let stack = &*resolved.stack;
        let Some(net) = Net::new(stack) else {
            return Some(true);
        };
        let flow = declared(&net, traffic)?;
        match net.judge(&flow) {
            Reach::Allowed => Some(true),
            Reach::Blocked { .. } => Some(false),
            Reach::Unknown => None,
        }
    }

    /// `traffic-blocked` for every connection the stack needs that its policies refuse.
    pub(crate) fn traffic_diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.dangling_traffic();
        let Some(net) = Net::new(self) else {
            return out;
        };
        let mut flows: Vec<Flow> = self
            .traffic
            .iter()
            .filter_map(|t| {
                let mut f = declared(&net, t)?;
                f.why = "declared with expect_traffic".to_owned();
                Some(f)
            })
            .collect();
        named_services(self, &net, &mut flows);
        ingress_backends(self, &net, &mut flows);
        scrapes(&net, &mut flows);
        dns(&net, &mut flows);
        let mut seen = std::collections::BTreeSet::new();
        for f in &flows {
            let Reach::Blocked {
                ingress,
                isolated_by,
            } = net.judge(f)
            else {
                continue;
            };
            let port = match f.port {
                Some(p) => format!("port {p}/{}", f.protocol),
                None => format!("any of its {} ports", f.protocol),
            };
            let (from, to) = (net.said(&f.from), net.said(&f.to));
            if !seen.insert((from.clone(), to.clone(), port.clone())) {
                continue;
            }
            let guarded = if ingress { &f.to } else { &f.from };
            let At::Pods(i) = guarded else { continue };
            let policies = isolated_by
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let (policy, verb) = if isolated_by.len() == 1 {
                ("networkpolicy", ["isolates", "restricts"])
            } else {
                ("networkpolicies", ["isolate", "restrict"])
            };
            let side = if ingress {
                format!(
                    "{} the ingress of {to} and none allows this connection",
                    verb[0]
                )
            } else {
                format!(
                    "{} the egress of {from} and none allows this connection",
                    verb[1]
                )
            };
            out.push(Diagnostic::of(
                RuleId::TrafficBlocked,
                &net.pods[*i].object,
                "spec.template.metadata.labels",
                format!(
                    "{from} cannot reach {to} on {port} ({}): {policy} {policies} {side}",
                    f.why
                ),
            ));
        }
        out
    }
}

impl Stack {
    /// `dangling-workload` for a connection declared with [`Stack::expect_traffic`] whose
    /// workloads or named port are not in the stack: it could never be judged.
    fn dangling_traffic(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let owner = |w: &crate::model::workload::WorkloadRef| {
            self.objects
                .iter()
                .filter_map(Object::pod_owner)
                .find(|p| p.kind == w.kind && *p.name == w.name)
        };
        let said = |w: &crate::model::workload::WorkloadRef| {
            format!("{}/{}", w.kind.as_str().to_ascii_lowercase(), w.name)
        };
        for t in &self.traffic {
            let from = match &t.from {
                Source::Workload(w) => Some(w),
                Source::Namespace { .. } => None,
            };
            for w in from.into_iter().chain([&t.to]) {
                if owner(w).is_none() {
                    out.push(Diagnostic::of(
                        RuleId::DanglingWorkload,
                        said(w),
                        "expect_traffic",
                        format!(
                            "a connection declared with expect_traffic names {}, which is not in the stack: it is never judged",
                            said(w)
                        ),
                    ));
                }
            }
            if let (Some(to), PortRef::Name(port)) = (owner(&t.to), &t.port)
                && !to
                    .pod
                    .containers
                    .iter()
                    .chain(&to.pod.sidecars)
                    .any(|c| c.ports.iter().any(|p| p.name == *port))
            {
                out.push(Diagnostic::of(
                    RuleId::DanglingWorkload,
                    said(&t.to),
                    "expect_traffic",
                    format!(
                        "a connection declared with expect_traffic goes to port `{port}` of {}, whose containers declare no such port: it is never judged",
                        said(&t.to)
                    ),
                ));
            }
        }
        out
    }
}

/// A declared connection as a flow (`None`: its workloads or port are not in the stack).
fn declared(net: &Net<'_>, t: &Traffic) -> Option<Flow> {
    let to = net.find(t.to.kind, &t.to.name)?;
    let from = match &t.from {
        Source::Workload(w) => At::Pods(net.find(w.kind, &w.name)?),
        Source::Namespace { namespace, labels } => {
            let said = if labels.is_empty() {
                format!("pods of namespace `{namespace}`")
            } else {
                let l: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("pods {} of namespace `{namespace}`", l.join(","))
            };
            At::Outside(Box::new(Outside::new(namespace, labels.clone(), said)))
        }
    };
    Some(Flow {
        from,
        to: At::Pods(to),
        port: Some(net.port_of(to, &t.port)?),
        protocol: t.protocol,
        why: String::new(),
    })
}

/// Connections to Services the stack's containers name in their environment or in the
/// ConfigMaps they read or mount.
fn named_services(stack: &Stack, net: &Net<'_>, flows: &mut Vec<Flow>) {
    let services: BTreeMap<&str, &Service> = stack
        .objects
        .iter()
        .filter_map(|o| match o {
            Object::Service(s) => Some((s.name.as_str(), s)),
            _ => None,
        })
        .collect();
    if services.is_empty() {
        return;
    }
    let config_maps: BTreeMap<&str, &crate::model::config_map::ConfigMap> = stack
        .objects
        .iter()
        .filter_map(|o| match o {
            Object::ConfigMap(c) => Some((c.name.as_str(), c)),
            _ => None,
        })
        .collect();
    for (from, pods) in net.pods.iter().enumerate() {
        let pod = pods.owner.pod;
        // (value, where it was found)
        let mut values: Vec<(&str, String)> = Vec::new();
        for c in pod
            .init_containers
            .iter()
            .chain(&pod.sidecars)
            .chain(&pod.containers)
        {
            for e in &c.env {
                match &e.value {
                    EnvValue::Literal(v) => values.push((v, format!("env `{}`", e.name))),
                    EnvValue::ConfigMapKey { config_map, key } => {
                        if let Some(v) = config_maps
                            .get(config_map.as_str())
                            .and_then(|m| m.data.get(key))
                        {
                            values.push((v, format!("env `{}`", e.name)));
                        }
                    }
                    _ => {}
                }
            }
            for ef in &c.env_from {
                if let EnvFrom::ConfigMap(name) = ef
                    && let Some(m) = config_maps.get(name.as_str())
                {
                    for (k, v) in m.data.iter() {
                        values.push((v, format!("env `{k}` from configmap `{name}`")));
                    }
                }
            }
        }
        for v in &pod.volumes {
            if let VolumeSource::ConfigMap(name) = &v.source
                && let Some(m) = config_maps.get(name.as_str())
            {
                for (k, value) in m.data.iter() {
                    values.push((value, format!("`{k}` of configmap `{name}`")));
                }
            }
        }
        for (value, found) in values {
            for (host, port) in hosts(value) {
                let Some((svc, one_pod)) = service_of(host, net.namespace, &services) else {
                    continue;
                };
                // The port the pods listen on: through the Service's port, or (a pod's own
                // name under a headless Service) the pod's port itself.
                let target = match port {
                    Some(p) => match svc.ports.iter().find(|sp| sp.port == p) {
                        Some(sp) => Some(&sp.target),
                        None if one_pod || svc.headless => None,
                        None => continue,
                    },
                    None => None,
                };
                for to in net.selected(svc) {
                    let port = match (target, port) {
                        (Some(t), _) => match net.port_of(to, t) {
                            Some(p) => Some(p),
                            None => continue,
                        },
                        (None, p) => p,
                    };
                    flows.push(Flow {
                        from: At::Pods(from),
                        to: At::Pods(to),
                        port,
                        protocol: "TCP",
                        why: format!("{found} names service `{}`", svc.name),
                    });
                }
            }
        }
    }
}

/// The Ingress controller's connections to every backend of the stack's Ingresses: class
/// `nginx` is ingress-nginx's controller (namespace `ingress-nginx`), `traefik` k3s'
/// Traefik (namespace `kube-system`); other classes are not known.
fn ingress_backends(stack: &Stack, net: &Net<'_>, flows: &mut Vec<Flow>) {
    for o in &stack.objects {
        let Object::Ingress(ing) = o else { continue };
        let (namespace, name) = match ing.class.as_deref() {
            Some("nginx") => ("ingress-nginx", "ingress-nginx"),
            Some("traefik") => ("kube-system", "traefik"),
            _ => continue,
        };
        for r in &ing.routes {
            let Some(Object::Service(svc)) = stack
                .objects
                .iter()
                .find(|o| matches!(o, Object::Service(s) if s.name == r.service))
            else {
                continue;
            };
            let Some(sp) = svc.ports.iter().find(|sp| match &r.port {
                PortRef::Name(n) => &sp.name == n,
                PortRef::Number(n) => sp.port == *n,
            }) else {
                continue;
            };
            for to in net.selected(svc) {
                let Some(port) = net.port_of(to, &sp.target) else {
                    continue;
                };
                let labels =
                    BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.to_owned())]);
                let said = format!("the ingress controller `{name}` (namespace `{namespace}`)");
                flows.push(Flow {
                    from: At::Outside(Box::new(Outside::new(namespace, labels, said))),
                    to: At::Pods(to),
                    port: Some(port),
                    protocol: "TCP",
                    why: format!("ingress `{}` routes to service `{}`", ing.name, svc.name),
                });
            }
        }
    }
}

/// A Prometheus of the stack (an image named `prometheus`) scraping the pods annotated
/// `prometheus.io/scrape: "true"`, on `prometheus.io/port` when given.
fn scrapes(net: &Net<'_>, flows: &mut Vec<Flow>) {
    let scrapers: Vec<usize> = (0..net.pods.len())
        .filter(|&i| {
            net.pods[i]
                .owner
                .pod
                .containers
                .iter()
                .any(|c| image_name(&c.image) == "prometheus")
        })
        .collect();
    for (to, pods) in net.pods.iter().enumerate() {
        let a = &pods.owner.pod.annotations;
        if a.get("prometheus.io/scrape") != Some("true") {
            continue;
        }
        let port = a.get("prometheus.io/port").and_then(|p| p.parse().ok());
        for &from in &scrapers {
            if from != to {
                flows.push(Flow {
                    from: At::Pods(from),
                    to: At::Pods(to),
                    port,
                    protocol: "TCP",
                    why: "it is annotated prometheus.io/scrape".to_owned(),
                });
            }
        }
    }
}

/// Every pod's name lookups: to the cluster DNS (`k8s-app=kube-dns` in `kube-system`, as
/// kubeadm, k3s and the managed clouds label CoreDNS) on UDP port 53.
fn dns(net: &Net<'_>, flows: &mut Vec<Flow>) {
    // Only an egress policy can refuse a name lookup (kube-system's own policies are not the
    // stack's): without one there is nothing to judge, however many pods.
    if !net.egress {
        return;
    }
    for from in 0..net.pods.len() {
        let mut dns = Outside::new(
            "kube-system",
            BTreeMap::from([("k8s-app".to_owned(), "kube-dns".to_owned())]),
            "the cluster dns (`k8s-app=kube-dns` in `kube-system`)".to_owned(),
        );
        dns.ports = vec![("dns".to_owned(), 53, "UDP".to_owned())];
        flows.push(Flow {
            from: At::Pods(from),
            to: At::Outside(Box::new(dns)),
            port: Some(53),
            protocol: "UDP",
            why: "every pod resolves service names".to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_read_from_urls_and_host_port_items() {
        assert_eq!(
            hosts("postgres://app:$(PW)@postgres:5432/app?sslmode=disable"),
            [("postgres", Some(5432))]
        );
        assert_eq!(
            hosts("http://prometheus:9090"),
            [("prometheus", Some(9090))]
        );
        assert_eq!(hosts("redis://redis"), [("redis", None)]);
        assert_eq!(
            hosts("- targets: ['api:8080', 'web.shop.svc:80']"),
            [("api", Some(8080)), ("web.shop.svc", Some(80))]
        );
        assert_eq!(
            hosts("BROKERS=kafka-0.kafka:9092"),
            [("kafka-0.kafka", Some(9092))]
        );
        assert!(hosts("api").is_empty(), "a bare word is no host");
        assert!(hosts("12:30").iter().all(|(h, _)| *h == "12"));
        assert!(hosts("Host:80").is_empty(), "host names are lowercase");
    }

    #[test]
    fn image_names_drop_registry_tag_and_digest() {
        assert_eq!(
            image_name("quay.io/prometheus/prometheus:v2.54.1"),
            "prometheus"
        );
        assert_eq!(image_name("prom/prometheus@sha256:ab"), "prometheus");
        assert_eq!(image_name("localhost:5000/prometheus"), "prometheus");
        assert_eq!(image_name("grafana/grafana:11.2.0"), "grafana");
    }
}
