//! Reading back the objects around the workloads that the check and the fit reason about:
//! Services (selectors, ports, load balancers), HorizontalPodAutoscalers (replica bounds),
//! PersistentVolumeClaims (block storage), ServiceAccounts (token automount), Secrets (their
//! keys), Ingresses (routes and TLS Secrets), ResourceQuotas and LimitRanges. Each becomes
//! the builder's own type; whatever the builder has no field for is listed by
//! [`unmodelled`](crate::model::lift::unmodelled), as for the workloads.

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler as K8sHpa;
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim as K8sPvc, Service as K8sService, ServiceAccount as K8sServiceAccount,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::model::autoscaler::HorizontalPodAutoscaler;
use crate::model::lift::{Problems, meta_of, name_of};
use crate::model::name::Name;
use crate::model::object::Object;
use crate::model::port::PortRef;
use crate::model::pvc::PersistentVolumeClaim;
use crate::model::service::{Service, ServicePort, ServiceType};
use crate::model::service_account::ServiceAccount;
use crate::model::workload::{WorkloadKind, WorkloadRef};
use crate::units::memory::Storage;
use crate::util::compat::Read;
use crate::util::str_map::StrMap;

/// A Service; `None` for kinds of Service the model has no type for (ExternalName).
pub(crate) fn service(s: &K8sService, p: &mut Problems) -> Option<Object> {
    let spec = s.spec.clone().unwrap_or_default();
    let type_ = match spec.type_.as_deref() {
        None | Some("ClusterIP") => ServiceType::ClusterIp,
        Some("NodePort") => ServiceType::NodePort,
        Some("LoadBalancer") => ServiceType::LoadBalancer,
        // ExternalName and types the API server refuses stay as given.
        Some(_) => return None,
    };
    let ports = spec
        .ports
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, port)| {
            let mut number = |n: i32, field: &str| {
                u16::try_from(n).unwrap_or_else(|_| {
                    p.push((
                        format!("spec.ports[{i}].{field}"),
                        format!("{n} is not a port number (1-65535)"),
                    ));
                    0
                })
            };
            let number_ = number(port.port, "port");
            // The API server defaults targetPort to the port.
            let target = match &port.target_port {
                Some(IntOrString::Int(n)) => PortRef::Number(number(*n, "targetPort")),
                Some(IntOrString::String(s)) => PortRef::Name(s.clone()),
                None => PortRef::Number(number_),
            };
            let node_port = port.node_port.map(|n| number(n, "nodePort"));
            ServicePort {
                name: port.name.clone().unwrap_or_default(),
                port: number_,
                target,
                node_port,
            }
        })
        .collect();
    Some(Object::Service(Service {
        name: name_of(&s.metadata),
        meta: meta_of(&s.metadata),
        type_,
        headless: spec.cluster_ip.as_deref() == Some("None"),
        selector: spec.selector.clone().map(StrMap::from).unwrap_or_default(),
        ports,
        local_traffic: spec.external_traffic_policy.as_deref() == Some("Local"),
    }))
}

/// An `autoscaling/v2` HorizontalPodAutoscaler; `None` when it scales a kind kubefit does
/// not model (a custom resource with a scale subresource): it stays as given.
pub(crate) fn autoscaler(h: &K8sHpa) -> Option<Object> {
    let spec: &k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerSpec = h.spec.read()?;
    let target = &spec.scale_target_ref;
    let kind = match (target.api_version.as_deref(), target.kind.as_str()) {
        (None | Some("apps/v1"), "Deployment") => WorkloadKind::Deployment,
        (None | Some("apps/v1"), "StatefulSet") => WorkloadKind::StatefulSet,
        (None | Some("apps/v1"), "DaemonSet") => WorkloadKind::DaemonSet,
        _ => return None,
    };
    let utilization = |resource: &str| {
        spec.metrics.iter().flatten().find_map(|m| {
            let r = m.resource.as_ref()?;
            (m.type_ == "Resource" && r.name == resource && r.target.type_ == "Utilization")
                .then_some(r.target.average_utilization)
                .flatten()
        })
    };
    Some(Object::HorizontalPodAutoscaler(HorizontalPodAutoscaler {
        name: name_of(&h.metadata),
        meta: meta_of(&h.metadata),
        target: WorkloadRef {
            kind,
            name: Name::from(target.name.clone()),
            selector: Default::default(),
            ports: Vec::new(),
        },
        // The API server defaults minReplicas to 1.
        min: spec.min_replicas.unwrap_or(1),
        max: spec.max_replicas,
        cpu: utilization("cpu"),
        memory: utilization("memory"),
    }))
}

/// A PersistentVolumeClaim: its requested size is what the block-storage budget counts.
pub(crate) fn claim(c: &K8sPvc, p: &mut Problems) -> Object {
    let spec = c.spec.clone().unwrap_or_default();
    let size = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
        .map_or(Storage::ZERO, |q| match q.0.parse::<Storage>() {
            Ok(s) => s,
            Err(e) => {
                p.push(("spec.resources.requests.storage".to_owned(), e.to_string()));
                Storage::ZERO
            }
        });
    let mut claim = PersistentVolumeClaim::new(name_of(&c.metadata), size);
    claim.meta = meta_of(&c.metadata);
    claim.storage_class = spec.storage_class_name;
    claim.access_modes = spec.access_modes.unwrap_or_default();
    Object::PersistentVolumeClaim(claim)
}

/// A ServiceAccount (its token is mounted unless it says otherwise, as the API server's
/// default is).
pub(crate) fn service_account(s: &K8sServiceAccount) -> Object {
    let mut account = ServiceAccount::new(name_of(&s.metadata));
    account.meta = meta_of(&s.metadata);
    account.automount = s.automount_service_account_token.unwrap_or(true);
    Object::ServiceAccount(account)
}

/// A Secret: its keys (`data` and `stringData`, as the API server merges them) for the
/// reference checks; the values stay [`SecretValue`](crate::SecretValue)s, never shown.
pub(crate) fn secret(s: &k8s_openapi::api::core::v1::Secret) -> Object {
    let mut secret = crate::model::secret::Secret::new(name_of(&s.metadata));
    secret.meta = meta_of(&s.metadata);
    secret.type_ = s.type_.clone();
    for (k, v) in s.data.iter().flatten() {
        secret
            .data
            .insert(k.clone(), crate::SecretValue::new(v.0.clone()));
    }
    for (k, v) in s.string_data.iter().flatten() {
        secret
            .data
            .insert(k.clone(), crate::SecretValue::new(v.as_bytes().to_vec()));
    }
    Object::Secret(secret)
}

/// An Ingress: its class, routes to Services and TLS Secrets, for the reference checks.
pub(crate) fn ingress(i: &k8s_openapi::api::networking::v1::Ingress) -> Object {
    use crate::model::ingress::{PathType, Route, Tls};
    let mut ingress = crate::model::ingress::Ingress::new(name_of(&i.metadata));
    ingress.meta = meta_of(&i.metadata);
    let spec = i.spec.clone().unwrap_or_default();
    ingress.class = spec.ingress_class_name.clone();
    for rule in spec.rules.iter().flatten() {
        for path in rule.http.iter().flat_map(|h| h.paths.iter()) {
            let Some(service) = &path.backend.service else {
                continue;
            };
            let port = match service.port.as_ref() {
                Some(p) => match (&p.name, p.number) {
                    (Some(n), _) if !n.is_empty() => PortRef::Name(n.clone()),
                    (_, Some(n)) => PortRef::Number(u16::try_from(n).unwrap_or(0)),
                    _ => PortRef::Number(0),
                },
                None => PortRef::Number(0),
            };
            ingress.routes.push(Route {
                host: rule.host.clone(),
                path: path.path.clone().unwrap_or_else(|| "/".to_owned()),
                path_type: match path.path_type.as_str() {
                    "Exact" => PathType::Exact,
                    "ImplementationSpecific" => PathType::ImplementationSpecific,
                    _ => PathType::Prefix,
                },
                service: Name::from(service.name.clone()),
                port,
            });
        }
    }
    for t in spec.tls.iter().flatten() {
        if let Some(secret) = &t.secret_name {
            ingress.tls.push(Tls {
                hosts: t.hosts.clone().unwrap_or_default(),
                secret: Name::from(secret.clone()),
            });
        }
    }
    Object::Ingress(ingress)
}

/// A ResourceQuota: its `hard` limits as written.
pub(crate) fn quota(q: &k8s_openapi::api::core::v1::ResourceQuota) -> Object {
    let mut quota = crate::model::resource_quota::ResourceQuota::new(name_of(&q.metadata));
    quota.meta = meta_of(&q.metadata);
    quota.hard = q
        .spec
        .as_ref()
        .and_then(|s| s.hard.as_ref())
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect();
    Object::ResourceQuota(quota)
}

/// A LimitRange whose one `Container` item gives cpu and memory together for each of
/// `defaultRequest`, `default` and `max` (the shape the builder writes); `None` for any other
/// (kept as given).
pub(crate) fn limit_range(
    l: &k8s_openapi::api::core::v1::LimitRange,
    p: &mut Problems,
) -> Option<Object> {
    use crate::units::cpu::Cpu;
    use crate::units::demand::Demand;
    use crate::units::memory::Memory;
    let items = &l.spec.as_ref()?.limits;
    let [item] = items.as_slice() else {
        return None;
    };
    if item.type_ != "Container" {
        return None;
    }
    let mut demand = |list: &Option<
        std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    >,
                      field: &str|
     -> Result<Option<Demand>, ()> {
        let Some(list) = list else {
            return Ok(None);
        };
        let (Some(cpu), Some(memory)) = (list.get("cpu"), list.get("memory")) else {
            return Err(());
        };
        if list.len() != 2 {
            return Err(());
        }
        let at = format!("spec.limits[0].{field}");
        let cpu = cpu.0.parse::<Cpu>().map_err(|e| {
            p.push((format!("{at}.cpu"), e.to_string()));
        })?;
        let memory = memory.0.parse::<Memory>().map_err(|e| {
            p.push((format!("{at}.memory"), e.to_string()));
        })?;
        Ok(Some(Demand::new(cpu, memory)))
    };
    let default_request = demand(&item.default_request, "defaultRequest").ok()?;
    let default_limit = demand(&item.default, "default").ok()?;
    let max = demand(&item.max, "max").ok()?;
    let mut range = crate::model::limit_range::LimitRange::new(name_of(&l.metadata));
    range.meta = meta_of(&l.metadata);
    range.default_request = default_request;
    range.default_limit = default_limit;
    range.max = max;
    Some(Object::LimitRange(range))
}
