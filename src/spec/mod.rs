//! The declarative stack spec: the same model as the builders, as data (YAML), with a
//! JSON Schema for editors and CI.

pub(crate) mod dotenv;
pub(crate) mod manifests;

use std::collections::BTreeMap;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::emit::environment::{Environment, ImageOverride};
use crate::fit::platform::Platform;
use crate::model::autoscaler::HorizontalPodAutoscaler;
use crate::model::config_map::ConfigMap;
use crate::model::container::{Container, EnvFrom, EnvValue};
use crate::model::cron_job::{ConcurrencyPolicy, CronJob};
use crate::model::daemon_set::{DaemonSet, DaemonUpdate};
use crate::model::deployment::{Deployment, Strategy};
use crate::model::disruption_budget::PodDisruptionBudget;
use crate::model::ingress::{Ingress, PathType};
use crate::model::job::{Job, JobParams};
use crate::model::limit_range::LimitRange;
use crate::model::meta::Meta;
use crate::model::name::Name;
use crate::model::network_policy::{NetworkPolicy, PolicyRule};
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::port::PortRef;
use crate::model::probe::{Probe, ProbeAction};
use crate::model::pvc::PersistentVolumeClaim;
use crate::model::resource_quota::ResourceQuota;
use crate::model::resources::Resources;
use crate::model::secret::Secret;
use crate::model::secret_value::SecretSource;
use crate::model::service::{Service, ServiceType};
use crate::model::service_account::ServiceAccount;
use crate::model::stack::Stack;
use crate::model::statefulset::StatefulSet;
use crate::model::volume::{Volume, VolumeSource};
use crate::model::workload::{IntOrPercent, WorkloadKind, WorkloadRef};
use crate::units::cpu::Cpu;
use crate::units::memory::{Memory, Storage};

/// How many of the alternatives are given (a field allows exactly one).
fn count_set(flags: &[bool]) -> usize {
    flags.iter().filter(|b| **b).count()
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

// ---------------------------------------------------------------------------------------
// Small value types

/// A port by name or number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
enum PortSpec {
    Number(u16),
    Name(String),
}

impl From<&PortRef> for PortSpec {
    fn from(p: &PortRef) -> Self {
        match p {
            PortRef::Name(n) => PortSpec::Name(n.clone()),
            PortRef::Number(n) => PortSpec::Number(*n),
        }
    }
}

impl From<&PortSpec> for PortRef {
    fn from(p: &PortSpec) -> Self {
        match p {
            PortSpec::Name(n) => PortRef::Name(n.clone()),
            PortSpec::Number(n) => PortRef::Number(*n),
        }
    }
}

/// `3` or `"25%"`, as [`IntOrPercent`] serialises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CountSpec(pub(crate) IntOrPercent);

impl Serialize for CountSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for CountSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(i32),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(CountSpec(IntOrPercent::Count(n))),
            Raw::S(s) => s
                .strip_suffix('%')
                .and_then(|p| p.parse::<i32>().ok())
                .map(|p| CountSpec(IntOrPercent::Percent(p)))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "`{s}` is neither a count nor a percentage such as `25%`"
                    ))
                }),
        }
    }
}

impl JsonSchema for CountSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Count".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a number of pods, or a percentage such as \"25%\"",
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+%$"}]
        })
    }
}

/// Labels, annotations and suppressed rules of an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MetaSpec {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
    /// Rule id → reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    suppress: BTreeMap<String, String>,
}

impl MetaSpec {
    fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.annotations.is_empty() && self.suppress.is_empty()
    }
    fn from_meta(m: &Meta) -> Self {
        MetaSpec {
            labels: m.labels.to_btree(),
            annotations: m.annotations().to_btree(),
            suppress: m.suppressions().to_btree(),
        }
    }
    fn to_meta(&self) -> Meta {
        Meta::new(
            self.labels.clone().into(),
            self.annotations.clone().into(),
            self.suppress.clone().into(),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Containers

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QuantitiesSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu: Option<Cpu>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory: Option<Memory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ephemeral_storage: Option<Memory>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResourcesSpec {
    #[serde(default)]
    requests: QuantitiesSpec,
    #[serde(default)]
    limits: QuantitiesSpec,
    /// Extended resources and huge pages (`nvidia.com/gpu: "1"`, `hugepages-2Mi: 512Mi`),
    /// requested and limited alike.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    extended: BTreeMap<String, String>,
}

impl ResourcesSpec {
    fn from_resources(r: &Resources) -> Self {
        ResourcesSpec {
            requests: QuantitiesSpec {
                cpu: r.cpu_request(),
                memory: r.memory_request(),
                ephemeral_storage: r.ephemeral_storage_request(),
            },
            limits: QuantitiesSpec {
                cpu: r.cpu_limit(),
                memory: r.memory_limit(),
                ephemeral_storage: r.ephemeral_storage_limit(),
            },
            extended: r.extended_resources().iter().cloned().collect(),
        }
    }
    fn to_resources(&self) -> Resources {
        let mut r = Resources::new();
        if let Some(c) = self.requests.cpu {
            r = r.cpu_request_of(c);
        }
        if let Some(m) = self.requests.memory {
            r = r.memory_request_of(m);
        }
        if let Some(c) = self.limits.cpu {
            r = r.cpu_limit_of(c);
        }
        if let Some(m) = self.limits.memory {
            r = r.memory_limit_of(m);
        }
        let mut r = r.with_ephemeral(
            self.requests.ephemeral_storage,
            self.limits.ephemeral_storage,
        );
        for (k, q) in &self.extended {
            r = r.with_extended(k.clone(), q.clone());
        }
        r
    }
    fn is_empty(&self) -> bool {
        *self == ResourcesSpec::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeyRefSpec {
    name: String,
    key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnvSpec {
    name: String,
    /// A literal value (never a secret: use secretKeyRef).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    config_map_key_ref: Option<KeyRefSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret_key_ref: Option<KeyRefSpec>,
    /// A pod field such as `status.podIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnvFromSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    config_map: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HttpProbeSpec {
    path: String,
    port: PortSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TcpProbeSpec {
    port: PortSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GrpcProbeSpec {
    port: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    service: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProbeSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    http: Option<HttpProbeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tcp: Option<TcpProbeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exec: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    grpc: Option<GrpcProbeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    initial_delay_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timeout_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failure_threshold: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    success_threshold: Option<i32>,
}

impl ProbeSpec {
    fn from_probe(p: &Probe) -> Self {
        let mut s = ProbeSpec {
            http: None,
            tcp: None,
            exec: None,
            grpc: None,
            initial_delay_seconds: p.initial_delay_seconds,
            period_seconds: p.period_seconds,
            timeout_seconds: p.timeout_seconds,
            failure_threshold: p.failure_threshold,
            success_threshold: p.success_threshold,
        };
        match &p.action {
            ProbeAction::Http { path, port } => {
                s.http = Some(HttpProbeSpec {
                    path: path.clone(),
                    port: port.into(),
                });
            }
            ProbeAction::Tcp { port } => s.tcp = Some(TcpProbeSpec { port: port.into() }),
            ProbeAction::Exec { command } => s.exec = Some(command.clone()),
            ProbeAction::Grpc { port, service } => {
                s.grpc = Some(GrpcProbeSpec {
                    port: *port,
                    service: service.clone(),
                });
            }
        }
        s
    }

    fn to_probe(&self, errors: &mut Vec<SpecIssue>, path: &str) -> Option<Probe> {
        let set = count_set(&[
            self.http.is_some(),
            self.tcp.is_some(),
            self.exec.is_some(),
            self.grpc.is_some(),
        ]);
        if set != 1 {
            errors.push(SpecIssue::new(
                path,
                "a probe needs exactly one of http, tcp, exec or grpc",
            ));
            return None;
        }
        let mut p = if let Some(h) = &self.http {
            Probe::http(h.path.clone(), PortRef::from(&h.port))
        } else if let Some(t) = &self.tcp {
            Probe::tcp(PortRef::from(&t.port))
        } else if let Some(e) = &self.exec {
            Probe::exec(e.clone())
        } else if let Some(g) = &self.grpc {
            let p = Probe::grpc(g.port);
            match &g.service {
                Some(s) => p.grpc_service(s.clone()),
                None => p,
            }
        } else {
            return None;
        };
        p.initial_delay_seconds = self.initial_delay_seconds;
        p.period_seconds = self.period_seconds;
        p.timeout_seconds = self.timeout_seconds;
        p.failure_threshold = self.failure_threshold;
        p.success_threshold = self.success_threshold;
        Some(p)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContainerPortSpec {
    name: String,
    port: u16,
    /// `TCP` (default), `UDP` or `SCTP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    protocol: Option<String>,
    /// The node port it is also published on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MountSpec {
    /// The pod volume (or claim template) to mount.
    volume: String,
    path: String,
    #[serde(default, skip_serializing_if = "is_false")]
    read_only: bool,
    /// A file or directory inside the volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub_path: Option<String>,
}

/// Opt-outs of the hardened defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SecuritySpec {
    #[serde(default = "default_uid")]
    run_as_user: i64,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    read_only_root_filesystem: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    allow_privilege_escalation: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    privileged: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    add_capabilities: Vec<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    drop_all_capabilities: bool,
}

fn default_uid() -> i64 {
    crate::model::container::DEFAULT_UID
}

impl Default for SecuritySpec {
    fn default() -> Self {
        SecuritySpec {
            run_as_user: default_uid(),
            read_only_root_filesystem: true,
            allow_privilege_escalation: false,
            privileged: false,
            add_capabilities: Vec::new(),
            drop_all_capabilities: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContainerSpec {
    name: String,
    image: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image_pull_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    args: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    working_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ports: Vec<ContainerPortSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    env: Vec<EnvSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    env_from: Vec<EnvFromSpec>,
    #[serde(default, skip_serializing_if = "ResourcesSpec::is_empty")]
    resources: ResourcesSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    liveness_probe: Option<ProbeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    readiness_probe: Option<ProbeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    startup_probe: Option<ProbeSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mounts: Vec<MountSpec>,
    #[serde(default, skip_serializing_if = "is_default_security")]
    security: SecuritySpec,
    /// A lifecycle hook as the API defines it (`exec`, `httpGet`, `sleep`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post_start: Option<Api<k8s_openapi::api::core::v1::LifecycleHandler>>,
    /// A lifecycle hook as the API defines it (`exec`, `httpGet`, `sleep`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pre_stop: Option<Api<k8s_openapi::api::core::v1::LifecycleHandler>>,
}

fn is_default_security(s: &SecuritySpec) -> bool {
    *s == SecuritySpec::default()
}

impl ContainerSpec {
    fn from_container(c: &Container) -> Self {
        ContainerSpec {
            name: c.name.clone(),
            image: c.image.clone(),
            image_pull_policy: c.image_pull_policy.clone(),
            command: c.command.clone(),
            args: c.args.clone(),
            working_dir: c.working_dir.clone(),
            ports: c
                .ports
                .iter()
                .map(|p| ContainerPortSpec {
                    name: p.name.clone(),
                    port: p.number,
                    protocol: (p.protocol != "TCP").then(|| p.protocol.to_owned()),
                    host_port: c
                        .extra
                        .as_ref()
                        .and_then(|x| x.host_ports.get(&p.name))
                        .copied(),
                })
                .collect(),
            env: c
                .env
                .iter()
                .map(|e| {
                    let mut s = EnvSpec {
                        name: e.name.clone(),
                        value: None,
                        config_map_key_ref: None,
                        secret_key_ref: None,
                        field_path: None,
                    };
                    match &e.value {
                        EnvValue::Literal(v) => s.value = Some(v.clone()),
                        EnvValue::ConfigMapKey { config_map, key } => {
                            s.config_map_key_ref = Some(KeyRefSpec {
                                name: config_map.to_string(),
                                key: key.clone(),
                            });
                        }
                        EnvValue::SecretKey { secret, key } => {
                            s.secret_key_ref = Some(KeyRefSpec {
                                name: secret.to_string(),
                                key: key.clone(),
                            });
                        }
                        EnvValue::Field(f) => s.field_path = Some(f.clone()),
                    }
                    s
                })
                .collect(),
            env_from: c
                .env_from
                .iter()
                .map(|e| match e {
                    EnvFrom::ConfigMap(n) => EnvFromSpec {
                        config_map: Some(n.to_string()),
                        secret: None,
                    },
                    EnvFrom::Secret(n) => EnvFromSpec {
                        config_map: None,
                        secret: Some(n.to_string()),
                    },
                })
                .collect(),
            resources: ResourcesSpec::from_resources(&c.resources),
            liveness_probe: c.liveness.as_deref().map(ProbeSpec::from_probe),
            readiness_probe: c.readiness.as_deref().map(ProbeSpec::from_probe),
            startup_probe: c.startup.as_deref().map(ProbeSpec::from_probe),
            mounts: c
                .mounts
                .iter()
                .map(|m| MountSpec {
                    volume: m.volume.clone(),
                    path: m.path.clone(),
                    read_only: m.read_only,
                    sub_path: m.sub_path.clone(),
                })
                .collect(),
            security: SecuritySpec {
                run_as_user: c.run_as_user,
                read_only_root_filesystem: c.read_only_root,
                allow_privilege_escalation: c.allow_escalation,
                privileged: c.privileged,
                add_capabilities: c.add_capabilities.clone(),
                drop_all_capabilities: c.drop_all_capabilities,
            },
            post_start: c
                .extra
                .as_ref()
                .and_then(|x| x.post_start.as_ref())
                .map(|h| Api(h.to_k8s())),
            pre_stop: c
                .extra
                .as_ref()
                .and_then(|x| x.pre_stop.as_ref())
                .map(|h| Api(h.to_k8s())),
        }
    }

    fn to_container(&self, errors: &mut Vec<SpecIssue>, path: &str) -> Container {
        let mut c = Container::new(self.name.clone(), self.image.clone());
        c.image_pull_policy = self.image_pull_policy.clone();
        c.command = self.command.clone();
        c.args = self.args.clone();
        c.working_dir = self.working_dir.clone();
        for (i, p) in self.ports.iter().enumerate() {
            c = match p.protocol.as_deref() {
                None | Some("TCP") => c.port(p.name.clone(), p.port),
                Some("UDP") => c.udp_port(p.name.clone(), p.port),
                Some("SCTP") => {
                    c.ports.push(crate::model::container::Port {
                        name: p.name.clone(),
                        number: p.port,
                        protocol: "SCTP",
                    });
                    c
                }
                Some(other) => {
                    errors.push(SpecIssue::new(
                        &format!("{path}.ports[{i}].protocol"),
                        &format!("protocol `{other}` is not TCP, UDP or SCTP"),
                    ));
                    c
                }
            };
            if let Some(h) = p.host_port {
                c = c.host_port(p.name.clone(), h);
            }
        }
        for (i, e) in self.env.iter().enumerate() {
            let sources = count_set(&[
                e.value.is_some(),
                e.config_map_key_ref.is_some(),
                e.secret_key_ref.is_some(),
                e.field_path.is_some(),
            ]);
            if sources != 1 {
                errors.push(SpecIssue::new(
                    &format!("{path}.env[{i}]"),
                    "an env var needs exactly one of value, configMapKeyRef, secretKeyRef or fieldPath",
                ));
                continue;
            }
            let value = if let Some(v) = &e.value {
                EnvValue::Literal(v.clone())
            } else if let Some(r) = &e.config_map_key_ref {
                EnvValue::ConfigMapKey {
                    config_map: Name::from(r.name.as_str()),
                    key: r.key.clone(),
                }
            } else if let Some(r) = &e.secret_key_ref {
                EnvValue::SecretKey {
                    secret: Name::from(r.name.as_str()),
                    key: r.key.clone(),
                }
            } else {
                EnvValue::Field(e.field_path.clone().unwrap_or_default())
            };
            c.env.push(crate::model::container::Env {
                name: e.name.clone(),
                value,
            });
        }
        for (i, e) in self.env_from.iter().enumerate() {
            match (&e.config_map, &e.secret) {
                (Some(n), None) => c.env_from.push(EnvFrom::ConfigMap(Name::from(n.as_str()))),
                (None, Some(n)) => c.env_from.push(EnvFrom::Secret(Name::from(n.as_str()))),
                _ => errors.push(SpecIssue::new(
                    &format!("{path}.envFrom[{i}]"),
                    "envFrom needs exactly one of configMap or secret",
                )),
            }
        }
        c.resources = self.resources.to_resources();
        c.liveness = self
            .liveness_probe
            .as_ref()
            .and_then(|p| p.to_probe(errors, &format!("{path}.livenessProbe")))
            .map(Box::new);
        c.readiness = self
            .readiness_probe
            .as_ref()
            .and_then(|p| p.to_probe(errors, &format!("{path}.readinessProbe")))
            .map(Box::new);
        c.startup = self
            .startup_probe
            .as_ref()
            .and_then(|p| p.to_probe(errors, &format!("{path}.startupProbe")))
            .map(Box::new);
        for m in &self.mounts {
            c = match (&m.sub_path, m.read_only) {
                (Some(sub), ro) => {
                    c.mount_sub_path(m.volume.clone(), m.path.clone(), sub.clone(), ro)
                }
                (None, true) => c.mount_read_only(m.volume.clone(), m.path.clone()),
                (None, false) => c.mount(m.volume.clone(), m.path.clone()),
            };
        }
        if let Some(h) = &self.post_start {
            c = c.post_start(crate::model::container::Hook(h.0.clone()));
        }
        if let Some(h) = &self.pre_stop {
            c = c.pre_stop(crate::model::container::Hook(h.0.clone()));
        }
        c.run_as_user = self.security.run_as_user;
        c.read_only_root = self.security.read_only_root_filesystem;
        c.allow_escalation = self.security.allow_privilege_escalation;
        c.privileged = self.security.privileged;
        c.add_capabilities = self.security.add_capabilities.clone();
        c.drop_all_capabilities = self.security.drop_all_capabilities;
        c
    }
}

// ---------------------------------------------------------------------------------------
// Pods and workloads

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EmptyDirSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    size_limit: Option<Memory>,
    /// A tmpfs (`medium: Memory`).
    #[serde(default, skip_serializing_if = "is_false")]
    in_memory: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VolumeSpec {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    empty_dir: Option<EmptyDirSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    config_map: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    persistent_volume_claim: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host_path: Option<String>,
    /// What the host path must be: `CharDevice`, `Socket`, `Directory`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host_path_type: Option<String>,
    /// Any other volume, as the API defines it (`projected`, `csi`, `nfs`, a typed
    /// `hostPath`, …), with its `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k8s: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PodSpec {
    containers: Vec<ContainerSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    init_containers: Vec<ContainerSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sidecars: Vec<ContainerSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<VolumeSpec>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
    /// Replaces the default selector `app.kubernetes.io/name: <name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    selector: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    service_account: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    automount_service_account_token: bool,
    #[serde(default = "default_uid")]
    run_as_user: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    host_network: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    one_replica_per_node: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    node_selector: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    termination_grace_period_seconds: Option<i64>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    seccomp_runtime_default: bool,
    /// As the API defines them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tolerations: Vec<Api<k8s_openapi::api::core::v1::Toleration>>,
    /// Node affinity, pod affinity and anti-affinity as the API defines them (besides
    /// `oneReplicaPerNode`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    affinity: Option<Api<k8s_openapi::api::core::v1::Affinity>>,
    /// As the API defines them; without a `labelSelector`, the workload's own pods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    topology_spread_constraints: Vec<Api<k8s_openapi::api::core::v1::TopologySpreadConstraint>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    priority_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    runtime_class_name: Option<String>,
    /// Secret names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    image_pull_secrets: Vec<String>,
    /// `ClusterFirst`, `ClusterFirstWithHostNet`, `Default` or `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dns_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    supplemental_groups: Vec<i64>,
    /// Defaults to `runAsUser`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fs_group: Option<i64>,
    /// `OnRootMismatch` or `Always`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fs_group_change_policy: Option<String>,
    /// Pod-level requests and limits (Kubernetes 1.34+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resources: Option<ResourcesSpec>,
}

/// A k8s-openapi value in a spec, written as the API defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
struct Api<T>(T);

/// The k8s-openapi values kept in a spec hold no floating-point value.
impl<T: PartialEq> Eq for Api<T> {}

impl PodSpec {
    fn from_pod(p: &PodTemplate) -> Self {
        let containers = |v: &Vec<Container>| v.iter().map(ContainerSpec::from_container).collect();
        PodSpec {
            containers: containers(&p.containers),
            init_containers: containers(&p.init_containers),
            sidecars: containers(&p.sidecars),
            volumes: p
                .volumes
                .iter()
                .map(|v| {
                    let mut s = VolumeSpec {
                        name: v.name.clone(),
                        empty_dir: None,
                        config_map: None,
                        secret: None,
                        persistent_volume_claim: None,
                        host_path: None,
                        host_path_type: None,
                        k8s: None,
                    };
                    match &v.source {
                        VolumeSource::EmptyDir {
                            size_limit,
                            in_memory,
                        } => {
                            s.empty_dir = Some(EmptyDirSpec {
                                size_limit: *size_limit,
                                in_memory: *in_memory,
                            });
                        }
                        VolumeSource::ConfigMap(n) => s.config_map = Some(n.to_string()),
                        VolumeSource::Secret(n) => s.secret = Some(n.to_string()),
                        VolumeSource::Pvc(n) => s.persistent_volume_claim = Some(n.to_string()),
                        VolumeSource::HostPath(p, t) => {
                            s.host_path = Some(p.clone());
                            s.host_path_type = t.map(|t| t.as_str().to_owned());
                        }
                        VolumeSource::Other(k) => s.k8s = serde_json::to_value(k).ok(),
                    }
                    s
                })
                .collect(),
            labels: p.labels.to_btree(),
            annotations: p.annotations.to_btree(),
            selector: p
                .selector
                .as_ref()
                .map(crate::util::str_map::StrMap::to_btree),
            service_account: p.service_account.as_ref().map(Name::to_string),
            automount_service_account_token: p.automount_token,
            run_as_user: p.run_as_user,
            host_network: p.host_network,
            one_replica_per_node: p.one_per_node,
            node_selector: p.node_selector.to_btree(),
            termination_grace_period_seconds: p.termination_grace_seconds,
            seccomp_runtime_default: p.seccomp_runtime_default,
            tolerations: p
                .extra()
                .tolerations
                .iter()
                .map(|t| Api(t.to_k8s()))
                .collect(),
            affinity: p.extra().affinity(None).map(Api),
            topology_spread_constraints: p
                .extra()
                .spreads
                .iter()
                .map(|t| Api(t.to_k8s()))
                .collect(),
            priority_class_name: p.extra().priority_class.as_ref().map(Name::to_string),
            runtime_class_name: p.extra().runtime_class.as_ref().map(Name::to_string),
            image_pull_secrets: p
                .extra()
                .image_pull_secrets
                .iter()
                .map(Name::to_string)
                .collect(),
            dns_policy: p.extra().dns_policy.map(|d| d.as_str().to_owned()),
            supplemental_groups: p.extra().supplemental_groups.clone(),
            fs_group: p.extra().fs_group,
            fs_group_change_policy: p.extra().fs_group_change_policy.map(str::to_owned),
            resources: p
                .extra()
                .resources
                .as_ref()
                .map(ResourcesSpec::from_resources),
        }
    }

    fn to_pod(&self, errors: &mut Vec<SpecIssue>, path: &str) -> Option<PodTemplate> {
        let mut containers = self
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| c.to_container(errors, &format!("{path}.containers[{i}]")));
        let Some(first) = containers.next() else {
            errors.push(SpecIssue::new(
                &format!("{path}.containers"),
                "a pod needs at least one container",
            ));
            return None;
        };
        let mut p = PodTemplate::new(first);
        p.containers.extend(containers);
        p.init_containers = self
            .init_containers
            .iter()
            .enumerate()
            .map(|(i, c)| c.to_container(errors, &format!("{path}.initContainers[{i}]")))
            .collect();
        p.sidecars = self
            .sidecars
            .iter()
            .enumerate()
            .map(|(i, c)| c.to_container(errors, &format!("{path}.sidecars[{i}]")))
            .collect();
        for (i, v) in self.volumes.iter().enumerate() {
            let sources = count_set(&[
                v.empty_dir.is_some(),
                v.config_map.is_some(),
                v.secret.is_some(),
                v.persistent_volume_claim.is_some(),
                v.host_path.is_some(),
                v.k8s.is_some(),
            ]);
            let source = if sources != 1 {
                errors.push(SpecIssue::new(
                    &format!("{path}.volumes[{i}]"),
                    "a volume needs exactly one of emptyDir, configMap, secret, persistentVolumeClaim, hostPath or k8s",
                ));
                continue;
            } else if let Some(k) = &v.k8s {
                let mut k = k.clone();
                if let Some(m) = k.as_object_mut() {
                    m.insert("name".into(), serde_json::Value::String(v.name.clone()));
                }
                match serde_json::from_value::<k8s_openapi::api::core::v1::Volume>(k) {
                    Ok(k) => VolumeSource::Other(Box::new(k)),
                    Err(e) => {
                        errors.push(SpecIssue::new(
                            &format!("{path}.volumes[{i}].k8s"),
                            &format!("not a Kubernetes volume: {e}"),
                        ));
                        continue;
                    }
                }
            } else if let Some(e) = &v.empty_dir {
                VolumeSource::EmptyDir {
                    size_limit: e.size_limit,
                    in_memory: e.in_memory,
                }
            } else if let Some(n) = &v.config_map {
                VolumeSource::ConfigMap(Name::from(n.as_str()))
            } else if let Some(n) = &v.secret {
                VolumeSource::Secret(Name::from(n.as_str()))
            } else if let Some(n) = &v.persistent_volume_claim {
                VolumeSource::Pvc(Name::from(n.as_str()))
            } else {
                let t = match v.host_path_type.as_deref() {
                    None => None,
                    Some(t) => match crate::model::volume::HostPathType::parse(t) {
                        Some(t) => Some(t),
                        None => {
                            errors.push(SpecIssue::new(
                                &format!("{path}.volumes[{i}].hostPathType"),
                                &format!("`{t}` is not Directory, DirectoryOrCreate, File, FileOrCreate, Socket, CharDevice or BlockDevice"),
                            ));
                            None
                        }
                    },
                };
                VolumeSource::HostPath(v.host_path.clone().unwrap_or_default(), t)
            };
            p.volumes.push(Volume {
                name: v.name.clone(),
                source,
            });
        }
        p.labels = self.labels.clone().into();
        p.annotations = self.annotations.clone().into();
        p.selector = self.selector.clone().map(Into::into);
        p.service_account = self.service_account.as_deref().map(Name::from);
        p.automount_token = self.automount_service_account_token;
        p.run_as_user = self.run_as_user;
        p.host_network = self.host_network;
        p.one_per_node = self.one_replica_per_node;
        p.node_selector = self.node_selector.clone().into();
        p.termination_grace_seconds = self.termination_grace_period_seconds;
        p.seccomp_runtime_default = self.seccomp_runtime_default;
        let mut x = crate::model::scheduling::PodExtra::default();
        if let Some(a) = &self.affinity {
            x.read_affinity(a.0.clone(), &crate::util::str_map::StrMap::new());
        }
        x.tolerations = self
            .tolerations
            .iter()
            .map(|t| crate::model::scheduling::Toleration(t.0.clone()))
            .collect();
        x.spreads = self
            .topology_spread_constraints
            .iter()
            .map(|t| crate::model::scheduling::TopologySpread(t.0.clone()))
            .collect();
        x.priority_class = self.priority_class_name.as_deref().map(Name::from);
        x.runtime_class = self.runtime_class_name.as_deref().map(Name::from);
        x.image_pull_secrets = self.image_pull_secrets.iter().map(Name::from).collect();
        if let Some(d) = &self.dns_policy {
            match crate::model::scheduling::DnsPolicy::parse(d) {
                Some(d) => x.dns_policy = Some(d),
                None => errors.push(SpecIssue::new(
                    &format!("{path}.dnsPolicy"),
                    &format!("`{d}` is not ClusterFirst, ClusterFirstWithHostNet, Default or None"),
                )),
            }
        }
        x.supplemental_groups = self.supplemental_groups.clone();
        x.fs_group = self.fs_group;
        x.fs_group_change_policy = match self.fs_group_change_policy.as_deref() {
            None => None,
            Some("OnRootMismatch") => Some("OnRootMismatch"),
            Some("Always") => Some("Always"),
            Some(other) => {
                errors.push(SpecIssue::new(
                    &format!("{path}.fsGroupChangePolicy"),
                    &format!("`{other}` is not OnRootMismatch or Always"),
                ));
                None
            }
        };
        x.resources = self.resources.as_ref().map(ResourcesSpec::to_resources);
        if x != crate::model::scheduling::PodExtra::default() {
            p.extra = Some(Box::new(x));
        }
        Some(p)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RollingUpdateSpec {
    max_surge: CountSpec,
    max_unavailable: CountSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StrategySpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rolling_update: Option<RollingUpdateSpec>,
    #[serde(default, skip_serializing_if = "is_false")]
    recreate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeploymentSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default = "one")]
    replicas: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    strategy: Option<StrategySpec>,
    pod: PodSpec,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatefulSetSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default = "one")]
    replicas: i32,
    /// The governing Service (defaults to the StatefulSet's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    service_name: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    parallel: bool,
    /// Pods a rolling update may replace at once (`MaxUnavailableStatefulSet`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_unavailable: Option<CountSpec>,
    /// Only pods with an ordinal of at least this are updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    partition: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    volume_claims: Vec<PvcSpec>,
    pod: PodSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DaemonRollingUpdateSpec {
    max_unavailable: CountSpec,
    max_surge: CountSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DaemonUpdateSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rolling_update: Option<DaemonRollingUpdateSpec>,
    #[serde(default, skip_serializing_if = "is_false")]
    on_delete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DaemonSetSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    /// Defaults to a rolling update with `maxUnavailable: 1`, `maxSurge: 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    update_strategy: Option<DaemonUpdateSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_ready_seconds: Option<i32>,
    pod: PodSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JobSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parallelism: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    completions: Option<i32>,
    /// Defaults to 6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    backoff_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    active_deadline_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ttl_seconds_after_finished: Option<i32>,
    /// `restartPolicy: OnFailure` instead of `Never`.
    #[serde(default, skip_serializing_if = "is_false")]
    restart_on_failure: bool,
    pod: PodSpec,
}

impl JobSpec {
    fn from_job(j: &Job) -> Self {
        let p = &j.params;
        JobSpec {
            name: j.name.to_string(),
            metadata: MetaSpec::from_meta(&j.meta),
            parallelism: p.parallelism,
            completions: p.completions,
            backoff_limit: p.backoff_limit,
            active_deadline_seconds: p.active_deadline_seconds,
            ttl_seconds_after_finished: p.ttl_seconds_after_finished,
            restart_on_failure: j.pod.restart_policy == Some("OnFailure"),
            pod: PodSpec::from_pod(&j.pod),
        }
    }

    fn to_job(&self, errors: &mut Vec<SpecIssue>, path: &str) -> Option<Job> {
        let pod = self.pod.to_pod(errors, &format!("{path}.pod"))?;
        let mut job = Job::new(self.name.as_str(), pod.containers[0].clone());
        job.pod = Box::new(pod);
        job.pod.restart_policy = Some(if self.restart_on_failure {
            "OnFailure"
        } else {
            "Never"
        });
        job.meta = self.metadata.to_meta();
        job.params = JobParams {
            parallelism: self.parallelism,
            completions: self.completions,
            backoff_limit: self.backoff_limit,
            active_deadline_seconds: self.active_deadline_seconds,
            ttl_seconds_after_finished: self.ttl_seconds_after_finished,
        };
        Some(job)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
enum ConcurrencyPolicySpec {
    Allow,
    Forbid,
    Replace,
}

fn forbid() -> ConcurrencyPolicySpec {
    ConcurrencyPolicySpec::Forbid
}

fn is_forbid(c: &ConcurrencyPolicySpec) -> bool {
    *c == ConcurrencyPolicySpec::Forbid
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CronJobSpec {
    /// Five cron fields or a descriptor (`@daily`).
    schedule: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_zone: Option<String>,
    /// Defaults to `Forbid`.
    #[serde(default = "forbid", skip_serializing_if = "is_forbid")]
    concurrency_policy: ConcurrencyPolicySpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    starting_deadline_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    successful_jobs_history_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failed_jobs_history_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "is_false")]
    suspend: bool,
    /// The Job each run creates; the CronJob takes its name.
    job: JobSpec,
}

// ---------------------------------------------------------------------------------------
// Other objects

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PvcSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    size: Storage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    storage_class: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    access_modes: Vec<String>,
}

impl PvcSpec {
    fn from_pvc(p: &PersistentVolumeClaim) -> Self {
        PvcSpec {
            name: p.name.to_string(),
            metadata: MetaSpec::from_meta(&p.meta),
            size: p.size,
            storage_class: p.storage_class.clone(),
            access_modes: p.access_modes.clone(),
        }
    }
    fn to_pvc(&self) -> PersistentVolumeClaim {
        let mut p = PersistentVolumeClaim::new(self.name.as_str(), self.size);
        p.meta = self.metadata.to_meta();
        p.storage_class = self.storage_class.clone();
        p.access_modes = self.access_modes.clone();
        p
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigMapSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default)]
    data: BTreeMap<String, String>,
}

/// A Secret by reference: its keys only. Values come from the environment or a `.env`
/// file, variable `<SECRET>_<KEY>` (see `.env.example`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SecretSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    type_: Option<String>,
    keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ServicePortSpec {
    name: String,
    port: u16,
    target: PortSpec,
    /// A fixed node port (NodePort and LoadBalancer Services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    node_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase")]
enum ServiceTypeSpec {
    #[serde(rename = "ClusterIP")]
    ClusterIp,
    NodePort,
    LoadBalancer,
    Headless,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ServiceSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(rename = "type", default = "cluster_ip")]
    type_: ServiceTypeSpec,
    #[serde(default)]
    selector: BTreeMap<String, String>,
    #[serde(default)]
    ports: Vec<ServicePortSpec>,
    /// `externalTrafficPolicy: Local`.
    #[serde(default, skip_serializing_if = "is_false")]
    local_traffic: bool,
}

fn cluster_ip() -> ServiceTypeSpec {
    ServiceTypeSpec::ClusterIp
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RouteSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    host: Option<String>,
    path: String,
    /// `Prefix` (default), `Exact` or `ImplementationSpecific`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path_type: Option<String>,
    service: String,
    port: PortSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TlsSpec {
    hosts: Vec<String>,
    secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IngressSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    class: Option<String>,
    #[serde(default)]
    routes: Vec<RouteSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tls: Vec<TlsSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TargetSpec {
    /// `Deployment`, `StatefulSet`, `DaemonSet` or `Job`.
    kind: String,
    name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AutoscalerSpec {
    target: TargetSpec,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    min: i32,
    max: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu_utilization: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_utilization: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DisruptionBudgetSpec {
    target: TargetSpec,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_available: Option<CountSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_unavailable: Option<CountSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NetworkPolicySpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    /// Deny all ingress to every pod of the namespace.
    #[serde(default, skip_serializing_if = "is_false")]
    default_deny: bool,
    /// Allow from every pod of this namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_namespace: Option<String>,
    /// Allow from the pods of this workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<TargetSpec>,
    /// To the pods of this workload (all pods when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<TargetSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    port: Option<PortSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ServiceAccountSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, skip_serializing_if = "is_false")]
    automount_token: bool,
}

/// An object of a built-in kind as the API defines it, with kubefit's suppressions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct K8sObjectSpec {
    /// The whole object: apiVersion, kind, metadata, spec…
    object: serde_json::Value,
    /// Rule id → reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    suppress: BTreeMap<String, String>,
}

/// An instance of a custom resource: apiVersion, kind, name and its other top-level fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CustomObjectSpec {
    api_version: String,
    kind: String,
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, skip_serializing_if = "is_false")]
    cluster_scoped: bool,
    /// `spec`, `data`, … as written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResourceQuotaSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    hard: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LimitRangeSpec {
    name: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_request: Option<QuantitiesSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_limit: Option<QuantitiesSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<QuantitiesSpec>,
}

// ---------------------------------------------------------------------------------------
// Environments and platform

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImageSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContainerOverrideSpec {
    workload: String,
    container: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resources: Option<ResourcesSpec>,
    /// Literal env values: name → value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    env: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RenameSpec {
    ingress: String,
    from: String,
    to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BoundsSpec {
    min: i32,
    max: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnvironmentSpec {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    replicas: BTreeMap<String, i32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    images: BTreeMap<String, ImageSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    containers: Vec<ContainerOverrideSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    hosts: Vec<RenameSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tls_secrets: Vec<RenameSpec>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    autoscale: BTreeMap<String, BoundsSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    platform: Option<PlatformSpec>,
}

/// A built-in platform by name (see `kubefit platforms`) or a profile written out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
enum PlatformSpec {
    Builtin(String),
    Custom(Box<Platform>),
}

/// Read without serde's untagged buffering, which reads the document through a generic value
/// first: there, a pool named `n` or `on` became a YAML 1.1 boolean and the whole platform
/// failed with "data did not match any variant". A string is a built-in name; a mapping is
/// read as a [`Platform`] directly, with its own field errors.
impl<'de> Deserialize<'de> for PlatformSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PlatformSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a built-in platform name or a platform mapping")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PlatformSpec, E> {
                Ok(PlatformSpec::Builtin(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<PlatformSpec, A::Error> {
                Platform::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|p| PlatformSpec::Custom(Box::new(p)))
            }
        }
        d.deserialize_any(V)
    }
}

impl PlatformSpec {
    fn resolve(&self, errors: &mut Vec<SpecIssue>, path: &str) -> Option<Platform> {
        match self {
            PlatformSpec::Custom(p) => Some((**p).clone()),
            PlatformSpec::Builtin(name) => {
                let found = Platform::builtin().into_iter().find(|p| p.name() == name);
                if found.is_none() {
                    let names: Vec<String> = Platform::builtin()
                        .iter()
                        .map(|p| p.name().to_owned())
                        .collect();
                    errors.push(SpecIssue::new(
                        path,
                        &format!(
                            "unknown platform `{name}`; built-in platforms are: {}",
                            names.join(", ")
                        ),
                    ));
                }
                found
            }
        }
    }

    fn from_platform(p: &Platform) -> Self {
        match Platform::builtin().into_iter().find(|b| b == p) {
            Some(b) => PlatformSpec::Builtin(b.name().to_owned()),
            None => PlatformSpec::Custom(Box::new(p.clone())),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The spec

/// A whole stack as data: the same model as the builders, one-to-one. Load it with
/// [`StackSpec::from_yaml`], check it with [`StackSpec::to_stack`] and [`Stack::check`],
/// export a stack with `StackSpec::from(&stack)`. Its JSON Schema is
/// `schemas/stack.schema.json` ([`StackSpec::json_schema`]).
///
/// ```
/// use kubefit::{ProcessEnv, StackSpec};
///
/// let yaml = r#"
/// namespace: shop
/// deployments:
///   - name: web
///     pod:
///       containers:
///         - name: web
///           image: nginx:1.27
///           ports: [{name: http, port: 8080}]
/// services:
///   - name: web
///     selector: {app.kubernetes.io/name: web}
///     ports: [{name: http, port: 80, target: http}]
/// "#;
/// let spec = StackSpec::from_yaml(yaml, "stack.yaml")?;
/// let stack = spec.to_stack(&ProcessEnv)?;
/// assert!(!stack.check().has_errors());
/// # Ok::<(), kubefit::SpecError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "kubefit stack",
    description = "A kubefit stack: one namespace and everything in it."
)]
pub struct StackSpec {
    namespace: String,
    #[serde(default, skip_serializing_if = "MetaSpec::is_empty")]
    metadata: MetaSpec,
    #[serde(default = "restricted", skip_serializing_if = "is_restricted")]
    pod_security: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    config_maps: Vec<ConfigMapSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<SecretSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    persistent_volume_claims: Vec<PvcSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    service_accounts: Vec<ServiceAccountSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    deployments: Vec<DeploymentSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    stateful_sets: Vec<StatefulSetSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    daemon_sets: Vec<DaemonSetSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    jobs: Vec<JobSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cron_jobs: Vec<CronJobSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    services: Vec<ServiceSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ingresses: Vec<IngressSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    autoscalers: Vec<AutoscalerSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    disruption_budgets: Vec<DisruptionBudgetSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    network_policies: Vec<NetworkPolicySpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    resource_quotas: Vec<ResourceQuotaSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    limit_ranges: Vec<LimitRangeSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    custom_objects: Vec<CustomObjectSpec>,
    /// Objects of built-in kinds kubefit has no builder for (or written by hand), as the
    /// API defines them: `Stack::with_k8s`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    k8s_objects: Vec<K8sObjectSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    environments: Vec<EnvironmentSpec>,
    /// The architectures images are built for (`Stack::image_platforms`); a later entry for
    /// the same image wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    image_platforms: Vec<ImagePlatformsSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    platform: Option<PlatformSpec>,
    /// The file name and text the spec was read from, to locate later problems.
    #[serde(skip)]
    #[schemars(skip)]
    source: Option<(String, String)>,
}

/// What an image is built for: `image` (a repository, a tag or a digest) and its
/// architectures (`amd64`, `linux/arm64`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImagePlatformsSpec {
    image: String,
    architectures: Vec<String>,
    /// The digest the image's tag resolved to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
}

fn restricted() -> String {
    "restricted".to_owned()
}

fn is_restricted(s: &String) -> bool {
    s == "restricted"
}

/// One problem in a spec: where (line and column when known, and the path in the spec) and
/// what was expected.
///
/// ```
/// let err = kubefit::StackSpec::from_yaml("namespace: shop\nbogus: 1\n", "stack.yaml").unwrap_err();
/// let issue = &err.issues()[0];
/// assert_eq!(issue.line, Some(2));
/// assert!(issue.message.contains("bogus"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpecIssue {
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, when known.
    pub column: Option<u64>,
    /// The path in the spec (`deployments[0].pod.containers[0].resources.limits.cpu`).
    pub path: String,
    /// What is wrong and what was expected, in lowercase.
    pub message: String,
}

impl SpecIssue {
    fn new(path: &str, message: &str) -> Self {
        SpecIssue {
            line: None,
            column: None,
            path: path.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// Why a spec could not be loaded: the file and every problem found.
///
/// ```
/// let err = kubefit::StackSpec::from_yaml("", "empty.yaml").unwrap_err();
/// assert!(err.to_string().starts_with("empty.yaml"));
/// ```
///
/// When one underlying error caused it (the file could not be read, the parser gave up), it
/// is the [`source`](std::error::Error::source):
///
/// ```
/// use std::error::Error;
/// let err = kubefit::StackSpec::from_file("/nonexistent.yaml").unwrap_err();
/// let io = err.source().unwrap().downcast_ref::<std::io::Error>().unwrap();
/// assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
/// ```
#[derive(Debug, Clone)]
pub struct SpecError {
    file: String,
    issues: Vec<SpecIssue>,
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

/// Errors compare by file and issues (the source is how they were found, not what).
impl PartialEq for SpecError {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file && self.issues == other.issues
    }
}

impl Eq for SpecError {}

impl SpecError {
    /// The problems.
    ///
    /// ```
    /// let err = kubefit::StackSpec::from_yaml("namespace: [", "s.yaml").unwrap_err();
    /// assert!(!err.issues().is_empty());
    /// ```
    #[must_use]
    pub fn issues(&self) -> &[SpecIssue] {
        &self.issues
    }

    /// The file the spec came from.
    ///
    /// ```
    /// let err = kubefit::StackSpec::from_yaml("x", "s.yaml").unwrap_err();
    /// assert_eq!(err.file(), "s.yaml");
    /// ```
    #[must_use]
    pub fn file(&self) -> &str {
        &self.file
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", Clean(&self.file))?;
            if let (Some(l), Some(c)) = (issue.line, issue.column) {
                write!(f, ":{l}:{c}")?;
            }
            if !issue.path.is_empty() {
                write!(f, ": {}", Clean(&issue.path))?;
            }
            write!(f, ": {}", Clean(&issue.message))?;
        }
        Ok(())
    }
}

use crate::diagnostic::Clean;

impl std::error::Error for SpecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The line and column (1-based) where each node at one of `targets` (spec paths such as
/// `deployments[0].pod.containers[0]`) starts in `text`, in one pass over the text: the time
/// is linear in the text plus the targets, however many issues there are.
fn locate(
    text: &str,
    targets: &std::collections::HashSet<&str>,
) -> std::collections::HashMap<String, (u64, u64)> {
    use serde_saphyr::granit_parser::{Event, Parser};
    enum Frame {
        Map {
            key: String,
            want_key: bool,
            path: String,
        },
        Seq {
            index: usize,
            path: String,
        },
    }
    fn child(stack: &mut [Frame]) -> String {
        match stack.last_mut() {
            None => String::new(),
            Some(Frame::Map {
                key,
                want_key,
                path,
            }) => {
                *want_key = true;
                if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                }
            }
            Some(Frame::Seq { index, path }) => {
                let p = format!("{path}[{index}]");
                *index += 1;
                p
            }
        }
    }
    let at = |span: &serde_saphyr::granit_parser::Span| {
        Some((
            u64::try_from(span.start.line()).ok()?,
            u64::try_from(span.start.col()).ok()? + 1,
        ))
    };
    let mut found = std::collections::HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut record = |path: &str, span: &serde_saphyr::granit_parser::Span| {
        if !path.is_empty()
            && targets.contains(path)
            && !found.contains_key(path)
            && let Some(l) = at(span)
        {
            found.insert(path.to_owned(), l);
        }
        found.len() == targets.len()
    };
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { break };
        match event {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { key, want_key, .. }) = stack.last_mut()
                    && *want_key
                {
                    *key = value.into_owned();
                    *want_key = false;
                    continue;
                }
                if record(&child(&mut stack), &span) {
                    break;
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let path = child(&mut stack);
                if record(&path, &span) {
                    break;
                }
                stack.push(if is_map {
                    Frame::Map {
                        key: String::new(),
                        want_key: true,
                        path,
                    }
                } else {
                    Frame::Seq { index: 0, path }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    found
}

/// The largest spec accepted, in bytes.
const MAX_SPEC_BYTES: usize = 16 << 20;

/// The first line of a parser message, without its own `error: line N column M:` prefix
/// (the location is reported separately), starting in lowercase.
fn first_line(s: &str) -> String {
    let mut line = s.lines().next().unwrap_or_default().trim();
    line = line.strip_prefix("error: ").unwrap_or(line);
    if let Some(rest) = line.strip_prefix("line ")
        && let Some((_, tail)) = rest.split_once(": ")
    {
        line = tail;
    }
    if line.starts_with("multiple YAML documents") {
        return "a spec is one yaml document; remove the `---` separators".to_owned();
    }
    // The parser's own words for its limits name internal types; say what they mean.
    if line.starts_with("budget breached") || line.contains("limits breached") {
        return "the spec is too large or too complex to read (an alias that expands too far, too many nodes or too long a scalar); write it out without such aliases".to_owned();
    }
    if line.contains("recursion limit exceeded") || line.contains("recursion depth") {
        return "the spec nests too deeply; a stack spec is a few levels deep".to_owned();
    }
    if line.contains("non-finite float") {
        return "`.inf` and `.nan` are not accepted here; write a finite number".to_owned();
    }
    // Without a snippet the parser appends the location, which is reported separately.
    if let Some((head, tail)) = line.rsplit_once(" at line ") {
        let numbers = tail.split_once(", column ");
        if numbers.is_some_and(|(l, c)| {
            !l.is_empty()
                && !c.is_empty()
                && l.bytes().all(|b| b.is_ascii_digit())
                && c.bytes().all(|b| b.is_ascii_digit())
        }) {
            line = head;
        }
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_lowercase());
    }
    out.push_str(chars.as_str());
    out
}

impl StackSpec {
    /// Turns problems found after parsing into an error that names the file and, when the
    /// path can be found in the text, its line and column.
    fn fail(&self, mut issues: Vec<SpecIssue>) -> SpecError {
        let (file, text) = self.source.clone().unwrap_or_default();
        let targets: std::collections::HashSet<&str> =
            issues.iter().map(|i| i.path.as_str()).collect();
        let found = locate(&text, &targets);
        for i in &mut issues {
            if let Some(&(l, c)) = found.get(&i.path) {
                i.line = Some(l);
                i.column = Some(c);
            }
        }
        SpecError {
            file,
            issues,
            source: None,
        }
    }

    /// Parses a spec. Errors carry the file, line and column, the path in the spec and what
    /// was expected; nothing panics, whatever the input.
    ///
    /// ```
    /// let err = kubefit::StackSpec::from_yaml("namespace: shop\ndeployments: 3\n", "s.yaml").unwrap_err();
    /// assert_eq!(err.issues()[0].path, "deployments");
    /// ```
    pub fn from_yaml(text: &str, file: &str) -> Result<Self, SpecError> {
        let err = |issues| SpecError {
            file: file.to_owned(),
            issues,
            source: None,
        };
        if text.trim().is_empty() {
            return Err(err(vec![SpecIssue::new(
                "",
                "the spec is empty; it needs at least `namespace:`",
            )]));
        }
        if text.len() > MAX_SPEC_BYTES {
            return Err(err(vec![SpecIssue::new(
                "",
                &format!("the spec is larger than {MAX_SPEC_BYTES} bytes"),
            )]));
        }
        // One streaming pass that also tracks the path: a second pass through a generic
        // value would read the text differently (`n` as a YAML 1.1 boolean) and report an
        // error that is not the real one.
        let path = std::cell::RefCell::new(String::new());
        // Only the first line of a parser message is shown, so the parser need not render a
        // source snippet for it (on hostile input that rendering was most of the time).
        let mut options = serde_saphyr::Options::default();
        options.with_snippet = false;
        let parsed = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
            serde_path_to_error::deserialize::<_, StackSpec>(de).map_err(|pe| {
                *path.borrow_mut() = pe.path().to_string();
                pe.into_inner()
            })
        });
        match parsed {
            Ok(mut spec) => {
                spec.source = Some((file.to_owned(), text.to_owned()));
                Ok(spec)
            }
            Err(e) => {
                let (line, column) = e
                    .location()
                    .map_or((None, None), |l| (Some(l.line()), Some(l.column())));
                let path = path.into_inner();
                let path = if path == "." || path == "?" {
                    String::new()
                } else {
                    path
                };
                // Only comments, markers or a null: say what a spec needs.
                let empty = text.lines().all(|l| {
                    let t = l.trim();
                    t.is_empty() || t.starts_with('#') || matches!(t, "---" | "..." | "~" | "null")
                });
                let message = if empty {
                    "the spec is empty; it needs at least `namespace:`".to_owned()
                } else {
                    first_line(&e.to_string())
                };
                Err(SpecError {
                    source: Some(std::sync::Arc::new(e)),
                    ..err(vec![SpecIssue {
                        line,
                        column,
                        path,
                        message,
                    }])
                })
            }
        }
    }

    /// Reads and parses a spec file.
    ///
    /// ```
    /// assert!(kubefit::StackSpec::from_file("/nonexistent.yaml").is_err());
    /// ```
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, SpecError> {
        let p = path.as_ref();
        let file = p.display().to_string();
        let bytes =
            crate::util::bounded_read::read_at_most(p, MAX_SPEC_BYTES).map_err(|e| SpecError {
                file: file.clone(),
                issues: vec![SpecIssue::new("", &format!("cannot read: {e}"))],
                source: Some(std::sync::Arc::new(e)),
            })?;
        let text = String::from_utf8(bytes).map_err(|e| SpecError {
            file: file.clone(),
            issues: vec![SpecIssue::new(
                "",
                &format!(
                    "not utf-8 text (invalid byte at offset {}); save the file as utf-8",
                    e.utf8_error().valid_up_to()
                ),
            )],
            source: Some(std::sync::Arc::new(e)),
        })?;
        Self::from_yaml(&text, &file)
    }

    /// The spec as YAML, starting with a `yaml-language-server` schema line so editors
    /// validate and complete it (put the schema beside the spec:
    /// `kubefit schema > stack.schema.json`).
    ///
    /// ```
    /// use kubefit::{ConfigMap, Stack};
    /// let yaml = kubefit::StackSpec::from(&Stack::new("shop").with(ConfigMap::new("cfg"))).to_yaml();
    /// assert!(yaml.starts_with("# yaml-language-server: $schema="));
    /// ```
    #[must_use]
    pub fn to_yaml(&self) -> String {
        let body = serde_saphyr::to_string(self).unwrap_or_default();
        format!("# yaml-language-server: $schema=./stack.schema.json\n{body}")
    }

    /// The JSON Schema of spec files, generated with schemars.
    ///
    /// ```
    /// assert!(kubefit::StackSpec::json_schema().contains("\"deployments\""));
    /// ```
    #[must_use]
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(StackSpec);
        let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The environments of the spec.
    ///
    /// ```
    /// let spec = kubefit::StackSpec::from_yaml("namespace: shop\n", "s.yaml")?;
    /// assert!(spec.environments(&kubefit::ProcessEnv)?.is_empty());
    /// # Ok::<(), kubefit::SpecError>(())
    /// ```
    pub fn environments(&self, _source: &dyn SecretSource) -> Result<Vec<Environment>, SpecError> {
        let mut errors = Vec::new();
        let envs = self
            .environments
            .iter()
            .enumerate()
            .map(|(i, e)| env_from_spec(e, &mut errors, &format!("environments[{i}]")))
            .collect();
        if errors.is_empty() {
            Ok(envs)
        } else {
            Err(self.fail(errors))
        }
    }

    /// The platform of the spec, if any.
    ///
    /// ```
    /// let spec = kubefit::StackSpec::from_yaml("namespace: shop\nplatform: oci-always-free\n", "s.yaml")?;
    /// assert_eq!(spec.platform()?.unwrap().name(), "oci-always-free");
    /// # Ok::<(), kubefit::SpecError>(())
    /// ```
    pub fn platform(&self) -> Result<Option<Platform>, SpecError> {
        let mut errors = Vec::new();
        let p = self
            .platform
            .as_ref()
            .and_then(|p| p.resolve(&mut errors, "platform"));
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(self.fail(errors))
        }
    }

    /// Builds the stack, reading Secret values from `source`. Problems the spec's shape
    /// allows but the model does not (a probe with two actions, an env var with two sources)
    /// are reported here; everything else is for [`Stack::check`].
    ///
    /// ```
    /// let spec = kubefit::StackSpec::from_yaml("namespace: shop\n", "s.yaml")?;
    /// let stack = spec.to_stack(&kubefit::ProcessEnv)?;
    /// assert_eq!(stack.namespace().as_str(), "shop");
    /// # Ok::<(), kubefit::SpecError>(())
    /// ```
    pub fn to_stack(&self, source: &dyn SecretSource) -> Result<Stack, SpecError> {
        let mut errors = Vec::new();
        let mut stack = Stack::new(self.namespace.as_str());
        stack.meta = self.metadata.to_meta();
        stack.pod_security = self.pod_security.clone();
        for c in &self.config_maps {
            let mut cm = ConfigMap::new(c.name.as_str());
            cm.meta = c.metadata.to_meta();
            cm.data = c.data.clone().into();
            stack = stack.with(cm);
        }
        for s in &self.secrets {
            let mut secret = Secret::new(s.name.as_str());
            secret.meta = s.metadata.to_meta();
            secret.type_ = s.type_.clone();
            for k in &s.keys {
                secret = secret.entry_from(k.clone(), source);
            }
            stack = stack.with(secret);
        }
        for p in &self.persistent_volume_claims {
            stack = stack.with(p.to_pvc());
        }
        for s in &self.service_accounts {
            let mut sa = ServiceAccount::new(s.name.as_str());
            sa.meta = s.metadata.to_meta();
            sa.automount = s.automount_token;
            stack = stack.with(sa);
        }
        let mut refs: BTreeMap<(WorkloadKind, String), WorkloadRef> = BTreeMap::new();
        for (i, d) in self.deployments.iter().enumerate() {
            let path = format!("deployments[{i}]");
            let Some(pod) = d.pod.to_pod(&mut errors, &format!("{path}.pod")) else {
                continue;
            };
            let mut dep = Deployment::new(d.name.as_str(), pod.containers[0].clone());
            dep.pod = Box::new(pod);
            dep.meta = d.metadata.to_meta();
            dep.replicas = d.replicas;
            if let Some(s) = &d.strategy {
                dep.strategy = match (s.recreate, &s.rolling_update) {
                    (true, None) => Strategy::Recreate,
                    (false, Some(r)) => Strategy::RollingUpdate {
                        max_surge: r.max_surge.0,
                        max_unavailable: r.max_unavailable.0,
                    },
                    _ => {
                        errors.push(SpecIssue::new(
                            &format!("{path}.strategy"),
                            "a strategy is either `recreate: true` or `rollingUpdate:`",
                        ));
                        dep.strategy.clone()
                    }
                };
            }
            refs.insert(
                (WorkloadKind::Deployment, d.name.clone()),
                WorkloadRef::from(&dep),
            );
            stack = stack.with(dep);
        }
        for (i, s) in self.stateful_sets.iter().enumerate() {
            let path = format!("statefulSets[{i}]");
            let Some(pod) = s.pod.to_pod(&mut errors, &format!("{path}.pod")) else {
                continue;
            };
            let mut st = StatefulSet::new(s.name.as_str(), pod.containers[0].clone());
            st.pod = Box::new(pod);
            st.meta = s.metadata.to_meta();
            st.replicas = s.replicas;
            if let Some(n) = &s.service_name {
                st.service_name = Name::from(n.as_str());
            }
            st.parallel = s.parallel;
            st.max_unavailable = s.max_unavailable.as_ref().map(|c| c.0);
            st.partition = s.partition;
            st.claims = s.volume_claims.iter().map(PvcSpec::to_pvc).collect();
            refs.insert(
                (WorkloadKind::StatefulSet, s.name.clone()),
                WorkloadRef::from(&st),
            );
            stack = stack.with(st);
        }
        for (i, d) in self.daemon_sets.iter().enumerate() {
            let path = format!("daemonSets[{i}]");
            let Some(pod) = d.pod.to_pod(&mut errors, &format!("{path}.pod")) else {
                continue;
            };
            let mut ds = DaemonSet::new(d.name.as_str(), pod.containers[0].clone());
            ds.pod = Box::new(pod);
            ds.meta = d.metadata.to_meta();
            ds.min_ready_seconds = d.min_ready_seconds;
            if let Some(u) = &d.update_strategy {
                ds.update = match (u.on_delete, &u.rolling_update) {
                    (true, None) => DaemonUpdate::OnDelete,
                    (false, Some(r)) => DaemonUpdate::RollingUpdate {
                        max_unavailable: r.max_unavailable.0,
                        max_surge: r.max_surge.0,
                    },
                    _ => {
                        errors.push(SpecIssue::new(
                            &format!("{path}.updateStrategy"),
                            "an update strategy is either `onDelete: true` or `rollingUpdate:`",
                        ));
                        ds.update
                    }
                };
            }
            refs.insert(
                (WorkloadKind::DaemonSet, d.name.clone()),
                WorkloadRef::from(&ds),
            );
            stack = stack.with(ds);
        }
        for (i, j) in self.jobs.iter().enumerate() {
            let Some(job) = j.to_job(&mut errors, &format!("jobs[{i}]")) else {
                continue;
            };
            refs.insert((WorkloadKind::Job, j.name.clone()), WorkloadRef::from(&job));
            stack = stack.with(job);
        }
        for (i, c) in self.cron_jobs.iter().enumerate() {
            let Some(job) = c.job.to_job(&mut errors, &format!("cronJobs[{i}].job")) else {
                continue;
            };
            let mut cj = CronJob::new(c.schedule.clone(), job);
            cj.meta = c.metadata.to_meta();
            cj.time_zone = c.time_zone.clone();
            cj.concurrency = match c.concurrency_policy {
                ConcurrencyPolicySpec::Allow => ConcurrencyPolicy::Allow,
                ConcurrencyPolicySpec::Forbid => ConcurrencyPolicy::Forbid,
                ConcurrencyPolicySpec::Replace => ConcurrencyPolicy::Replace,
            };
            cj.starting_deadline_seconds = c.starting_deadline_seconds;
            cj.successful_jobs_history_limit = c.successful_jobs_history_limit;
            cj.failed_jobs_history_limit = c.failed_jobs_history_limit;
            cj.suspend = c.suspend;
            stack = stack.with(cj);
        }
        let resolve = |t: &TargetSpec, errors: &mut Vec<SpecIssue>, path: &str| {
            let kind = match t.kind.as_str() {
                "Deployment" => WorkloadKind::Deployment,
                "StatefulSet" => WorkloadKind::StatefulSet,
                "DaemonSet" => WorkloadKind::DaemonSet,
                "Job" => WorkloadKind::Job,
                other => {
                    errors.push(SpecIssue::new(
                        &format!("{path}.kind"),
                        &format!("kind `{other}` is not Deployment, StatefulSet, DaemonSet or Job"),
                    ));
                    WorkloadKind::Deployment
                }
            };
            refs.get(&(kind, t.name.clone()))
                .cloned()
                .unwrap_or_else(|| {
                    // Not in the spec: the check reports it as a dangling reference.
                    let name = Name::from(t.name.as_str());
                    WorkloadRef {
                        kind,
                        selector: BTreeMap::from([(
                            crate::model::meta::NAME_LABEL.to_owned(),
                            name.to_string(),
                        )]),
                        name,
                        ports: Vec::new(),
                    }
                })
        };
        for s in &self.services {
            let mut svc = Service::new(s.name.as_str());
            svc.meta = s.metadata.to_meta();
            svc = match s.type_ {
                ServiceTypeSpec::ClusterIp => svc,
                ServiceTypeSpec::NodePort => svc.node_port(),
                ServiceTypeSpec::LoadBalancer => svc.load_balancer(),
                ServiceTypeSpec::Headless => svc.headless(),
            };
            svc.selector = s.selector.clone().into();
            for p in &s.ports {
                svc = svc.port(p.name.clone(), p.port, PortRef::from(&p.target));
                if let Some(n) = p.node_port {
                    svc = svc.fixed_node_port(&p.name, n);
                }
            }
            svc.local_traffic = s.local_traffic;
            stack = stack.with(svc);
        }
        for (i, g) in self.ingresses.iter().enumerate() {
            let mut ing = Ingress::new(g.name.as_str());
            ing.meta = g.metadata.to_meta();
            ing.class = g.class.clone();
            for (j, r) in g.routes.iter().enumerate() {
                let path_type = match r.path_type.as_deref() {
                    None | Some("Prefix") => PathType::Prefix,
                    Some("Exact") => PathType::Exact,
                    Some("ImplementationSpecific") => PathType::ImplementationSpecific,
                    Some(other) => {
                        errors.push(SpecIssue::new(
                            &format!("ingresses[{i}].routes[{j}].pathType"),
                            &format!(
                                "path type `{other}` is not Prefix, Exact or ImplementationSpecific"
                            ),
                        ));
                        PathType::Prefix
                    }
                };
                ing.routes.push(crate::model::ingress::Route {
                    host: r.host.clone(),
                    path: r.path.clone(),
                    path_type,
                    service: Name::from(r.service.as_str()),
                    port: PortRef::from(&r.port),
                });
            }
            for t in &g.tls {
                ing = ing.tls(t.hosts.clone(), t.secret.as_str());
            }
            stack = stack.with(ing);
        }
        for (i, h) in self.autoscalers.iter().enumerate() {
            if !matches!(h.target.kind.as_str(), "Deployment" | "StatefulSet") {
                errors.push(SpecIssue::new(
                    &format!("autoscalers[{i}].target.kind"),
                    &format!(
                        "kind `{}` is not Deployment or StatefulSet (only those can be scaled)",
                        h.target.kind
                    ),
                ));
                continue;
            }
            let target = resolve(&h.target, &mut errors, &format!("autoscalers[{i}].target"));
            let mut hpa = HorizontalPodAutoscaler::new(target, h.min, h.max);
            hpa.meta = h.metadata.to_meta();
            hpa.cpu = h.cpu_utilization;
            hpa.memory = h.memory_utilization;
            stack = stack.with(hpa);
        }
        for (i, p) in self.disruption_budgets.iter().enumerate() {
            let target = resolve(
                &p.target,
                &mut errors,
                &format!("disruptionBudgets[{i}].target"),
            );
            let mut pdb = PodDisruptionBudget::new(target);
            pdb.meta = p.metadata.to_meta();
            pdb.min_available = p.min_available.map(|c| c.0);
            pdb.max_unavailable = p.max_unavailable.map(|c| c.0);
            if pdb.min_available.is_none() && pdb.max_unavailable.is_none() {
                pdb.min_available = Some(IntOrPercent::Count(1));
            }
            stack = stack.with(pdb);
        }
        for (i, n) in self.network_policies.iter().enumerate() {
            let path = format!("networkPolicies[{i}]");
            let rule = match (n.default_deny, &n.from_namespace, &n.from, &n.to, &n.port) {
                (true, None, None, None, None) => PolicyRule::DenyAll,
                (false, Some(ns), None, to, None) => PolicyRule::FromNamespace {
                    namespace: ns.clone(),
                    to: to
                        .as_ref()
                        .map(|t| resolve(t, &mut errors, &format!("{path}.to"))),
                },
                (false, None, Some(from), Some(to), Some(port)) => PolicyRule::Between {
                    from: resolve(from, &mut errors, &format!("{path}.from")),
                    to: resolve(to, &mut errors, &format!("{path}.to")),
                    port: PortRef::from(port),
                },
                _ => {
                    errors.push(SpecIssue::new(
                        &path,
                        "a network policy is `defaultDeny: true`, `fromNamespace` (with an optional `to`), or `from`, `to` and `port`",
                    ));
                    continue;
                }
            };
            let mut np = NetworkPolicy::default_deny().renamed(n.name.as_str());
            np.rule = Box::new(rule);
            np.meta = n.metadata.to_meta();
            stack = stack.with(np);
        }
        for q in &self.resource_quotas {
            let mut rq = ResourceQuota::new(q.name.as_str());
            rq.meta = q.metadata.to_meta();
            rq.hard = q.hard.clone();
            stack = stack.with(rq);
        }
        for l in &self.limit_ranges {
            let mut lr = LimitRange::new(l.name.as_str());
            lr.meta = l.metadata.to_meta();
            let demand = |q: &Option<QuantitiesSpec>| {
                q.as_ref().map(|q| crate::units::demand::Demand {
                    cpu: q.cpu.unwrap_or_default(),
                    memory: q.memory.unwrap_or_default(),
                    ephemeral_storage: q.ephemeral_storage.unwrap_or_default(),
                })
            };
            lr.default_request = demand(&l.default_request);
            lr.default_limit = demand(&l.default_limit);
            lr.max = demand(&l.max);
            stack = stack.with(lr);
        }
        for c in &self.custom_objects {
            let mut o = crate::model::custom::CustomObject::new(
                c.api_version.clone(),
                c.kind.clone(),
                c.name.as_str(),
            );
            o.meta = c.metadata.to_meta();
            o.cluster_scoped = c.cluster_scoped;
            o.body = c.fields.clone().into_iter().collect();
            stack = stack.with(o);
        }
        for (i, k) in self.k8s_objects.iter().enumerate() {
            match crate::model::k8s_resource::K8sResource::from_value(k.object.clone()) {
                Ok(mut r) => {
                    for (id, reason) in &k.suppress {
                        r.meta.suppressions_mut().insert(id, reason);
                    }
                    stack = stack.with(r);
                }
                Err(e) => errors.push(SpecIssue::new(&format!("k8sObjects[{i}].object"), &e)),
            }
        }
        for (i, e) in self.environments.iter().enumerate() {
            env_from_spec(e, &mut errors, &format!("environments[{i}]"));
        }
        for (i, p) in self.image_platforms.iter().enumerate() {
            if p.architectures.is_empty() {
                errors.push(SpecIssue::new(
                    &format!("imagePlatforms[{i}].architectures"),
                    "no architecture is listed: name at least one, e.g. `amd64` or `linux/arm64`",
                ));
                continue;
            }
            let mut d = crate::model::image_platforms::ImagePlatforms::new(
                p.image.as_str(),
                &p.architectures,
            );
            if let Some(digest) = &p.digest {
                d = d.digest(digest.as_str());
            }
            stack = stack.image_platforms(d);
        }
        if let Some(p) = &self.platform {
            p.resolve(&mut errors, "platform");
        }
        if errors.is_empty() {
            Ok(stack)
        } else {
            Err(self.fail(errors))
        }
    }
}

fn env_from_spec(e: &EnvironmentSpec, errors: &mut Vec<SpecIssue>, path: &str) -> Environment {
    let mut env = Environment::new(e.name.clone());
    if let Some(ns) = &e.namespace {
        env = env.namespace(ns.as_str());
    }
    env.labels = e.labels.clone();
    env.replicas = e.replicas.clone();
    env.images = e
        .images
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                ImageOverride {
                    tag: v.tag.clone(),
                    digest: v.digest.clone(),
                },
            )
        })
        .collect();
    for c in &e.containers {
        let key = (c.workload.clone(), c.container.clone());
        if let Some(r) = &c.resources {
            env.resources.insert(key.clone(), r.to_resources());
        }
        if !c.env.is_empty() {
            env.env.insert(key, c.env.clone());
        }
    }
    for h in &e.hosts {
        env.hosts
            .entry(h.ingress.clone())
            .or_default()
            .push((h.from.clone(), h.to.clone()));
    }
    for h in &e.tls_secrets {
        env.tls_secrets
            .entry(h.ingress.clone())
            .or_default()
            .push((h.from.clone(), h.to.clone()));
    }
    env.autoscale = e
        .autoscale
        .iter()
        .map(|(k, b)| (k.clone(), (b.min, b.max)))
        .collect();
    if let Some(p) = &e.platform {
        env.platform = p.resolve(errors, &format!("{path}.platform"));
    }
    env
}

fn env_to_spec(env: &Environment) -> EnvironmentSpec {
    let mut containers: BTreeMap<(String, String), ContainerOverrideSpec> = BTreeMap::new();
    for (k, r) in &env.resources {
        containers
            .entry(k.clone())
            .or_insert_with(|| ContainerOverrideSpec {
                workload: k.0.clone(),
                container: k.1.clone(),
                resources: None,
                env: Vec::new(),
            })
            .resources = Some(ResourcesSpec::from_resources(r));
    }
    for (k, vars) in &env.env {
        containers
            .entry(k.clone())
            .or_insert_with(|| ContainerOverrideSpec {
                workload: k.0.clone(),
                container: k.1.clone(),
                resources: None,
                env: Vec::new(),
            })
            .env = vars.clone();
    }
    let renames = |m: &BTreeMap<String, Vec<(String, String)>>| {
        m.iter()
            .flat_map(|(ing, v)| {
                v.iter().map(move |(from, to)| RenameSpec {
                    ingress: ing.clone(),
                    from: from.clone(),
                    to: to.clone(),
                })
            })
            .collect()
    };
    EnvironmentSpec {
        name: env.name.clone(),
        namespace: env.namespace.as_ref().map(Name::to_string),
        labels: env.labels.clone(),
        replicas: env.replicas.clone(),
        images: env
            .images
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    ImageSpec {
                        tag: v.tag.clone(),
                        digest: v.digest.clone(),
                    },
                )
            })
            .collect(),
        containers: containers.into_values().collect(),
        hosts: renames(&env.hosts),
        tls_secrets: renames(&env.tls_secrets),
        autoscale: env
            .autoscale
            .iter()
            .map(|(k, (min, max))| {
                (
                    k.clone(),
                    BoundsSpec {
                        min: *min,
                        max: *max,
                    },
                )
            })
            .collect(),
        platform: env.platform.as_ref().map(PlatformSpec::from_platform),
    }
}

fn target_spec(w: &WorkloadRef) -> TargetSpec {
    TargetSpec {
        kind: w.kind.to_string(),
        name: w.name.to_string(),
    }
}

/// The stack as a spec (Secret keys only, never values).
///
/// ```
/// use kubefit::{ProcessEnv, Stack, StackSpec};
/// let stack = Stack::new("shop");
/// let spec = StackSpec::from_yaml(&StackSpec::from(&stack).to_yaml(), "s.yaml")?;
/// assert_eq!(spec.to_stack(&ProcessEnv)?, stack);
/// # Ok::<(), kubefit::SpecError>(())
/// ```
impl From<&Stack> for StackSpec {
    fn from(stack: &Stack) -> Self {
        StackSpec::from_stack(stack, &[], None)
    }
}

impl StackSpec {
    /// The stack, its environments and its platform as a spec (Secret keys only, never
    /// values). `StackSpec::from(&stack)` is the stack alone.
    ///
    /// ```
    /// use kubefit::{Environment, Platform, Stack, StackSpec};
    /// let spec = StackSpec::from_stack(&Stack::new("shop"), &[Environment::new("dev")], Some(&Platform::oci_always_free()));
    /// assert!(spec.to_yaml().contains("platform: oci-always-free"));
    /// assert!(spec.to_yaml().contains("environments:\n- name: dev\n"));
    /// ```
    #[must_use]
    pub fn from_stack(
        stack: &Stack,
        envs: &[Environment],
        platform: Option<&Platform>,
    ) -> StackSpec {
        let mut spec = StackSpec {
            namespace: stack.namespace.to_string(),
            metadata: MetaSpec::from_meta(&stack.meta),
            pod_security: stack.pod_security.clone(),
            config_maps: Vec::new(),
            secrets: Vec::new(),
            persistent_volume_claims: Vec::new(),
            service_accounts: Vec::new(),
            deployments: Vec::new(),
            stateful_sets: Vec::new(),
            daemon_sets: Vec::new(),
            jobs: Vec::new(),
            cron_jobs: Vec::new(),
            services: Vec::new(),
            ingresses: Vec::new(),
            autoscalers: Vec::new(),
            disruption_budgets: Vec::new(),
            network_policies: Vec::new(),
            resource_quotas: Vec::new(),
            limit_ranges: Vec::new(),
            custom_objects: Vec::new(),
            k8s_objects: Vec::new(),
            environments: envs.iter().map(env_to_spec).collect(),
            // The stack keeps the latest first; the spec lists them in the order given.
            image_platforms: stack
                .images
                .iter()
                .rev()
                .map(|p| ImagePlatformsSpec {
                    image: p.image().to_owned(),
                    architectures: p.architectures().map(str::to_owned).collect(),
                    digest: p.resolved_digest().map(str::to_owned),
                })
                .collect(),
            platform: platform.map(PlatformSpec::from_platform),
            source: None,
        };
        for o in &stack.objects {
            match o {
                Object::ConfigMap(c) => spec.config_maps.push(ConfigMapSpec {
                    name: c.name.to_string(),
                    metadata: MetaSpec::from_meta(&c.meta),
                    data: c.data.to_btree(),
                }),
                Object::Secret(s) => spec.secrets.push(SecretSpec {
                    name: s.name.to_string(),
                    metadata: MetaSpec::from_meta(&s.meta),
                    type_: s.type_.clone(),
                    keys: s.keys().map(str::to_owned).collect(),
                }),
                Object::PersistentVolumeClaim(p) => {
                    spec.persistent_volume_claims.push(PvcSpec::from_pvc(p));
                }
                Object::ServiceAccount(s) => spec.service_accounts.push(ServiceAccountSpec {
                    name: s.name.to_string(),
                    metadata: MetaSpec::from_meta(&s.meta),
                    automount_token: s.automount,
                }),
                Object::Deployment(d) => spec.deployments.push(DeploymentSpec {
                    name: d.name.to_string(),
                    metadata: MetaSpec::from_meta(&d.meta),
                    replicas: d.replicas,
                    strategy: Some(match &d.strategy {
                        Strategy::Recreate => StrategySpec {
                            rolling_update: None,
                            recreate: true,
                        },
                        Strategy::RollingUpdate {
                            max_surge,
                            max_unavailable,
                        } => StrategySpec {
                            rolling_update: Some(RollingUpdateSpec {
                                max_surge: CountSpec(*max_surge),
                                max_unavailable: CountSpec(*max_unavailable),
                            }),
                            recreate: false,
                        },
                    }),
                    pod: PodSpec::from_pod(&d.pod),
                }),
                Object::StatefulSet(s) => spec.stateful_sets.push(StatefulSetSpec {
                    name: s.name.to_string(),
                    metadata: MetaSpec::from_meta(&s.meta),
                    replicas: s.replicas,
                    service_name: (s.service_name != s.name).then(|| s.service_name.to_string()),
                    parallel: s.parallel,
                    max_unavailable: s.max_unavailable.map(CountSpec),
                    partition: s.partition,
                    volume_claims: s.claims.iter().map(PvcSpec::from_pvc).collect(),
                    pod: PodSpec::from_pod(&s.pod),
                }),
                Object::DaemonSet(d) => spec.daemon_sets.push(DaemonSetSpec {
                    name: d.name.to_string(),
                    metadata: MetaSpec::from_meta(&d.meta),
                    update_strategy: (d.update != crate::model::daemon_set::DEFAULT_DAEMON_UPDATE)
                        .then_some(match d.update {
                            DaemonUpdate::OnDelete => DaemonUpdateSpec {
                                rolling_update: None,
                                on_delete: true,
                            },
                            DaemonUpdate::RollingUpdate {
                                max_unavailable,
                                max_surge,
                            } => DaemonUpdateSpec {
                                rolling_update: Some(DaemonRollingUpdateSpec {
                                    max_unavailable: CountSpec(max_unavailable),
                                    max_surge: CountSpec(max_surge),
                                }),
                                on_delete: false,
                            },
                        }),
                    min_ready_seconds: d.min_ready_seconds,
                    pod: PodSpec::from_pod(&d.pod),
                }),
                Object::Job(j) => spec.jobs.push(JobSpec::from_job(j)),
                Object::CronJob(c) => spec.cron_jobs.push(CronJobSpec {
                    schedule: c.schedule.clone(),
                    metadata: MetaSpec::from_meta(&c.meta),
                    time_zone: c.time_zone.clone(),
                    concurrency_policy: match c.concurrency {
                        ConcurrencyPolicy::Allow => ConcurrencyPolicySpec::Allow,
                        ConcurrencyPolicy::Forbid => ConcurrencyPolicySpec::Forbid,
                        ConcurrencyPolicy::Replace => ConcurrencyPolicySpec::Replace,
                    },
                    starting_deadline_seconds: c.starting_deadline_seconds,
                    successful_jobs_history_limit: c.successful_jobs_history_limit,
                    failed_jobs_history_limit: c.failed_jobs_history_limit,
                    suspend: c.suspend,
                    job: JobSpec::from_job(&c.job),
                }),
                Object::Service(s) => spec.services.push(ServiceSpec {
                    name: s.name.to_string(),
                    metadata: MetaSpec::from_meta(&s.meta),
                    type_: match (s.type_, s.headless) {
                        (_, true) => ServiceTypeSpec::Headless,
                        (ServiceType::ClusterIp, false) => ServiceTypeSpec::ClusterIp,
                        (ServiceType::NodePort, false) => ServiceTypeSpec::NodePort,
                        (ServiceType::LoadBalancer, false) => ServiceTypeSpec::LoadBalancer,
                    },
                    selector: s.selector.to_btree(),
                    ports: s
                        .ports
                        .iter()
                        .map(|p| ServicePortSpec {
                            name: p.name.clone(),
                            port: p.port,
                            target: (&p.target).into(),
                            node_port: p.node_port,
                        })
                        .collect(),
                    local_traffic: s.local_traffic,
                }),
                Object::Ingress(i) => spec.ingresses.push(IngressSpec {
                    name: i.name.to_string(),
                    metadata: MetaSpec::from_meta(&i.meta),
                    class: i.class.clone(),
                    routes: i
                        .routes
                        .iter()
                        .map(|r| RouteSpec {
                            host: r.host.clone(),
                            path: r.path.clone(),
                            path_type: (r.path_type != PathType::Prefix)
                                .then(|| r.path_type.as_str().to_owned()),
                            service: r.service.to_string(),
                            port: (&r.port).into(),
                        })
                        .collect(),
                    tls: i
                        .tls
                        .iter()
                        .map(|t| TlsSpec {
                            hosts: t.hosts.clone(),
                            secret: t.secret.to_string(),
                        })
                        .collect(),
                }),
                Object::HorizontalPodAutoscaler(h) => spec.autoscalers.push(AutoscalerSpec {
                    target: target_spec(&h.target),
                    metadata: MetaSpec::from_meta(&h.meta),
                    min: h.min,
                    max: h.max,
                    cpu_utilization: h.cpu,
                    memory_utilization: h.memory,
                }),
                Object::PodDisruptionBudget(p) => {
                    spec.disruption_budgets.push(DisruptionBudgetSpec {
                        target: target_spec(&p.target),
                        metadata: MetaSpec::from_meta(&p.meta),
                        min_available: p.min_available.map(CountSpec),
                        max_unavailable: p.max_unavailable.map(CountSpec),
                    });
                }
                Object::NetworkPolicy(n) => {
                    let mut s = NetworkPolicySpec {
                        name: n.name.to_string(),
                        metadata: MetaSpec::from_meta(&n.meta),
                        default_deny: false,
                        from_namespace: None,
                        from: None,
                        to: None,
                        port: None,
                    };
                    match &*n.rule {
                        PolicyRule::DenyAll => s.default_deny = true,
                        PolicyRule::FromNamespace { namespace, to } => {
                            s.from_namespace = Some(namespace.clone());
                            s.to = to.as_ref().map(target_spec);
                        }
                        PolicyRule::Between { from, to, port } => {
                            s.from = Some(target_spec(from));
                            s.to = Some(target_spec(to));
                            s.port = Some(port.into());
                        }
                    }
                    spec.network_policies.push(s);
                }
                Object::K8s(k) => spec.k8s_objects.push(K8sObjectSpec {
                    object: k.spec_value(),
                    suppress: k.meta.suppressions().to_btree(),
                }),
                Object::Custom(c) => spec.custom_objects.push(CustomObjectSpec {
                    api_version: c.api_version.clone(),
                    kind: c.kind.clone(),
                    name: c.name.to_string(),
                    metadata: MetaSpec::from_meta(&c.meta),
                    cluster_scoped: c.cluster_scoped,
                    fields: c.body.clone().into_iter().collect(),
                }),
                Object::ResourceQuota(q) => spec.resource_quotas.push(ResourceQuotaSpec {
                    name: q.name.to_string(),
                    metadata: MetaSpec::from_meta(&q.meta),
                    hard: q.hard.clone(),
                }),
                Object::LimitRange(l) => {
                    let q = |d: &Option<crate::units::demand::Demand>| {
                        d.map(|d| QuantitiesSpec {
                            cpu: Some(d.cpu),
                            memory: Some(d.memory),
                            ephemeral_storage: (d.ephemeral_storage != Memory::ZERO)
                                .then_some(d.ephemeral_storage),
                        })
                    };
                    spec.limit_ranges.push(LimitRangeSpec {
                        name: l.name.to_string(),
                        metadata: MetaSpec::from_meta(&l.meta),
                        default_request: q(&l.default_request),
                        default_limit: q(&l.default_limit),
                        max: q(&l.max),
                    });
                }
            }
        }
        spec
    }
}
