//! Reading k8s-openapi objects back into the model: the pod-making kinds and ConfigMaps
//! (here) and the objects around them (`lift_around`) become the builders' own types, so
//! the check and the fit judge a [`Stack::with_k8s`](crate::Stack::with_k8s) object, a
//! patched builder or an imported manifest as they judge any other. What the model has no
//! field for is listed ([`unmodelled`]), never silently dropped: the object itself is
//! emitted as it was given.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    DaemonSet as K8sDaemonSet, DaemonSetSpec, Deployment as K8sDeployment, DeploymentSpec,
    StatefulSet as K8sStatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::batch::v1::{CronJob as K8sCronJob, CronJobSpec, Job as K8sJob, JobSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap as K8sConfigMap, Container as K8sContainer, Pod as K8sPod, PodTemplateSpec,
    Probe as K8sProbe, ResourceRequirements, Volume as K8sVolume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::config_map::ConfigMap;
use crate::model::container::{
    Container, ContainerExtra, Env, EnvFrom, EnvValue, Hook, Mount, Port,
};
use crate::model::cron_job::{ConcurrencyPolicy, CronJob};
use crate::model::daemon_set::{DaemonSet, DaemonUpdate};
use crate::model::deployment::{Deployment, Strategy};
use crate::model::job::{Job, JobParams};
use crate::model::lift_around as around;
use crate::model::meta::Meta;
use crate::model::name::Name;
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::port::PortRef;
use crate::model::probe::{Probe, ProbeAction};
use crate::model::pvc::PersistentVolumeClaim;
use crate::model::resources::Resources;
use crate::model::scheduling::{DnsPolicy, PodExtra, Toleration, TopologySpread};
use crate::model::statefulset::StatefulSet;
use crate::model::volume::{HostPathType, Volume, VolumeSource};
use crate::model::workload::IntOrPercent;
use crate::units::cpu::Cpu;
use crate::units::memory::{Memory, Storage};
use crate::util::compat::Read;
use crate::util::str_map::StrMap;

/// What could not be read: (field path, what is wrong), as the API server would refuse it.
pub(crate) type Problems = Vec<(String, String)>;

/// `value` (a whole object, apiVersion and kind included) as a model object, if its kind is
/// one kubefit lifts; `Err` with every field that cannot be read.
pub(crate) fn lift(value: &Value) -> Result<Option<Object>, Problems> {
    lift_read(value).map(|o| o.map(|l| l.object))
}

/// An object read into the model, with the k8s-openapi object it was read from.
pub(crate) struct LiftedRead {
    pub(crate) object: Object,
    /// As read, in its k8s-openapi type.
    pub(crate) original: crate::model::lowered::K8sObject,
    /// The input has fields the k8s-openapi type does not know.
    pub(crate) unknown_fields: bool,
}

/// [`lift`], keeping what the object was read from.
pub(crate) fn lift_read(value: &Value) -> Result<Option<LiftedRead>, Problems> {
    use crate::model::lowered::K8sObject as K;
    let api_version = value["apiVersion"].as_str().unwrap_or("");
    let kind = value["kind"].as_str().unwrap_or("");
    let mut p = Problems::new();
    let mut unknown = false;
    let u = &mut unknown;
    let (object, original) =
        match (api_version, kind) {
            ("apps/v1", "Deployment") => read_noting::<K8sDeployment>(value, u)
                .map(|d| (deployment(&d, &mut p), K::Deployment(d))),
            ("apps/v1", "StatefulSet") => read_noting::<K8sStatefulSet>(value, u)
                .map(|s| (statefulset(&s, &mut p), K::StatefulSet(s))),
            ("apps/v1", "DaemonSet") => read_noting::<K8sDaemonSet>(value, u)
                .map(|d| (daemon_set(&d, &mut p), K::DaemonSet(d))),
            ("batch/v1", "Job") => read_noting::<K8sJob>(value, u).map(|j| {
                let spec: Option<&JobSpec> = j.spec.read();
                let o = Object::Job(job(&j.metadata, spec, "spec", &mut p));
                (o, K::Job(Box::new(j)))
            }),
            ("batch/v1", "CronJob") => read_noting::<K8sCronJob>(value, u)
                .map(|c| (cron_job(&c, &mut p), K::CronJob(Box::new(c)))),
            ("v1", "ConfigMap") => {
                read_noting::<K8sConfigMap>(value, u).map(|c| (config_map(&c), K::ConfigMap(c)))
            }
            ("v1", "Service") => {
                let s = read_noting(value, u)?;
                match around::service(&s, &mut p) {
                    Some(o) => Ok((o, K::Service(s))),
                    None => return Ok(None),
                }
            }
            ("autoscaling/v2", "HorizontalPodAutoscaler") => {
                let h = read_noting(value, u)?;
                match around::autoscaler(&h) {
                    Some(o) => Ok((o, K::HorizontalPodAutoscaler(h))),
                    None => return Ok(None),
                }
            }
            ("v1", "PersistentVolumeClaim") => read_noting(value, u)
                .map(|c| (around::claim(&c, &mut p), K::PersistentVolumeClaim(c))),
            ("v1", "ServiceAccount") => {
                read_noting(value, u).map(|s| (around::service_account(&s), K::ServiceAccount(s)))
            }
            ("v1", "Secret") => read_noting(value, u).map(|s| (around::secret(&s), K::Secret(s))),
            ("v1", "ResourceQuota") => {
                read_noting(value, u).map(|q| (around::quota(&q), K::ResourceQuota(q)))
            }
            ("v1", "LimitRange") => {
                let l = read_noting(value, u)?;
                match around::limit_range(&l, &mut p) {
                    Some(o) => Ok((o, K::LimitRange(l))),
                    None if !p.is_empty() => return Err(p),
                    None => return Ok(None),
                }
            }
            ("networking.k8s.io/v1", "Ingress") => {
                read_noting(value, u).map(|i| (around::ingress(&i), K::Ingress(i)))
            }
            _ => return Ok(None),
        }?;
    if p.is_empty() {
        Ok(Some(LiftedRead {
            object,
            original,
            unknown_fields: unknown,
        }))
    } else {
        Err(p)
    }
}

/// A bare `v1` Pod's template, if `value` is one: the pod the check and the budget judge
/// (it runs as given, one pod, in every scenario); `Err` with every field that cannot be
/// read. Its paths are the Pod's own (`spec.containers[0]…`).
pub(crate) fn bare_pod(value: &Value) -> Result<Option<PodTemplate>, Problems> {
    if value["apiVersion"].as_str() != Some("v1") || value["kind"].as_str() != Some("Pod") {
        return Ok(None);
    }
    let k: K8sPod = read(value)?;
    let mut p = Problems::new();
    let mut metadata = k.metadata;
    // The template keeps the pod's labels and annotations, not its identity.
    metadata.name = None;
    metadata.namespace = None;
    let t = PodTemplateSpec {
        metadata: Some(metadata),
        spec: k.spec,
    };
    let mut pod = pod(&t, "spec", &mut p);
    // A bare pod is selected by nothing but its own labels.
    pod.selector = Some(pod.labels.clone());
    if p.is_empty() { Ok(Some(pod)) } else { Err(p) }
}

/// [`read`], noting in `unknown` whether `value` has fields `T` does not know.
fn read_noting<T: DeserializeOwned>(value: &Value, unknown: &mut bool) -> Result<T, Problems> {
    let mut note = |_: serde_ignored::Path<'_>| *unknown = true;
    match T::deserialize(serde_ignored::Deserializer::new(value, &mut note)) {
        Ok(t) => Ok(t),
        // Read again for the error's field path.
        Err(_) => read(value),
    }
}

fn read<T: DeserializeOwned>(value: &Value) -> Result<T, Problems> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        vec![(if path == "." { String::new() } else { path }, message)]
    })
}

pub(crate) fn name_of(meta: &ObjectMeta) -> Name {
    Name::from(meta.name.clone().unwrap_or_default())
}

pub(crate) fn meta_of(meta: &ObjectMeta) -> Meta {
    let map =
        |m: &Option<BTreeMap<String, String>>| m.clone().map(StrMap::from).unwrap_or_default();
    Meta::new(map(&meta.labels), map(&meta.annotations), StrMap::new())
}

/// A workload's selector in the model's terms: its `matchLabels`; one that selects by
/// `matchExpressions` only is taken to select its own pods (the expressions are kept as given
/// and listed as not modelled).
fn selector_of(
    s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    pod_labels: &StrMap,
) -> StrMap {
    match &s.match_labels {
        Some(m) if !m.is_empty() => StrMap::from(m.clone()),
        _ if s.match_expressions.as_ref().is_some_and(|e| !e.is_empty()) => pod_labels.clone(),
        _ => StrMap::new(),
    }
}

fn int_or_percent(v: &IntOrString, path: &str, p: &mut Problems) -> IntOrPercent {
    match v {
        IntOrString::Int(n) => IntOrPercent::Count(*n),
        IntOrString::String(s) => match s.strip_suffix('%').and_then(|n| n.parse().ok()) {
            Some(n) => IntOrPercent::Percent(n),
            None => {
                p.push((
                    path.to_owned(),
                    format!("`{s}` is not a count or a percentage"),
                ));
                IntOrPercent::Count(0)
            }
        },
    }
}

fn deployment(d: &K8sDeployment, p: &mut Problems) -> Object {
    let spec: Option<&DeploymentSpec> = d.spec.read();
    let spec = spec.cloned().unwrap_or_default();
    let strategy = spec.strategy.unwrap_or_default();
    let strategy = if strategy.type_.as_deref() == Some("Recreate") {
        Strategy::Recreate
    } else {
        let r = strategy.rolling_update.unwrap_or_default();
        // The API server's defaults: 25% and 25% (pkg/apis/apps/v1/defaults.go).
        let quarter = IntOrString::String("25%".into());
        Strategy::RollingUpdate {
            max_surge: int_or_percent(
                r.max_surge.as_ref().unwrap_or(&quarter),
                "spec.strategy.rollingUpdate.maxSurge",
                p,
            ),
            max_unavailable: int_or_percent(
                r.max_unavailable.as_ref().unwrap_or(&quarter),
                "spec.strategy.rollingUpdate.maxUnavailable",
                p,
            ),
        }
    };
    let mut pod = pod(&spec.template, "spec.template.spec", p);
    pod.selector = Some(selector_of(&spec.selector, &pod.labels));
    Object::Deployment(Deployment {
        name: name_of(&d.metadata),
        meta: meta_of(&d.metadata),
        pod: Box::new(pod),
        replicas: spec.replicas.unwrap_or(1),
        strategy,
    })
}

fn statefulset(s: &K8sStatefulSet, p: &mut Problems) -> Object {
    let spec: Option<&StatefulSetSpec> = s.spec.read();
    let spec = spec.cloned().unwrap_or_default();
    let rolling = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.clone());
    let mut pod = pod(&spec.template, "spec.template.spec", p);
    pod.selector = Some(selector_of(&spec.selector, &pod.labels));
    let claims = spec
        .volume_claim_templates
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| {
            let size = c
                .spec
                .as_ref()
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map_or(Storage::ZERO, |q| {
                    let at =
                        format!("spec.volumeClaimTemplates[{i}].spec.resources.requests.storage");
                    quantity::<Storage>(&q.0, &at, p).unwrap_or(Storage::ZERO)
                });
            let mut claim = PersistentVolumeClaim::new(name_of(&c.metadata), size);
            claim.meta = meta_of(&c.metadata);
            if let Some(spec) = &c.spec {
                claim.storage_class = spec.storage_class_name.clone();
                claim.access_modes = spec.access_modes.clone().unwrap_or_default();
            }
            claim
        })
        .collect();
    Object::StatefulSet(StatefulSet {
        name: name_of(&s.metadata),
        meta: meta_of(&s.metadata),
        pod: Box::new(pod),
        replicas: spec.replicas.unwrap_or(1),
        service_name: Name::from(spec.service_name.clone().unwrap_or_default()),
        claims,
        parallel: spec.pod_management_policy.as_deref() == Some("Parallel"),
        max_unavailable: rolling
            .as_ref()
            .and_then(|r| r.max_unavailable.as_ref())
            .map(|m| int_or_percent(m, "spec.updateStrategy.rollingUpdate.maxUnavailable", p)),
        partition: rolling.as_ref().and_then(|r| r.partition),
    })
}

fn daemon_set(d: &K8sDaemonSet, p: &mut Problems) -> Object {
    let spec: Option<&DaemonSetSpec> = d.spec.read();
    let spec = spec.cloned().unwrap_or_default();
    let update = spec.update_strategy.unwrap_or_default();
    let update = if update.type_.as_deref() == Some("OnDelete") {
        DaemonUpdate::OnDelete
    } else {
        let r = update.rolling_update.unwrap_or_default();
        // The API server's defaults: maxUnavailable 1, maxSurge 0.
        DaemonUpdate::RollingUpdate {
            max_unavailable: int_or_percent(
                r.max_unavailable.as_ref().unwrap_or(&IntOrString::Int(1)),
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                p,
            ),
            max_surge: int_or_percent(
                r.max_surge.as_ref().unwrap_or(&IntOrString::Int(0)),
                "spec.updateStrategy.rollingUpdate.maxSurge",
                p,
            ),
        }
    };
    let mut pod = pod(&spec.template, "spec.template.spec", p);
    pod.selector = Some(selector_of(&spec.selector, &pod.labels));
    Object::DaemonSet(DaemonSet {
        name: name_of(&d.metadata),
        meta: meta_of(&d.metadata),
        pod: Box::new(pod),
        update,
        min_ready_seconds: spec.min_ready_seconds,
    })
}

fn job(meta: &ObjectMeta, spec: Option<&JobSpec>, at: &str, p: &mut Problems) -> Job {
    let spec = spec.cloned().unwrap_or_default();
    let mut pod = pod(&spec.template, &format!("{at}.template.spec"), p);
    // Without a selector the API server generates one and labels the pods to match
    // (`batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name`;
    // pkg/registry/batch/job/strategy.go, `generateSelectorIfNeeded`).
    pod.selector = Some(match spec.selector.as_ref() {
        Some(s) => selector_of(s, &pod.labels),
        None => {
            let name = meta.name.as_deref().unwrap_or_default();
            pod.labels.insert("batch.kubernetes.io/job-name", name);
            let mut s = StrMap::new();
            s.insert("batch.kubernetes.io/job-name", name);
            s
        }
    });
    Job {
        name: name_of(meta),
        meta: meta_of(meta),
        pod: Box::new(pod),
        params: JobParams {
            parallelism: spec.parallelism,
            completions: spec.completions,
            backoff_limit: spec.backoff_limit,
            active_deadline_seconds: spec.active_deadline_seconds,
            ttl_seconds_after_finished: spec.ttl_seconds_after_finished,
        },
    }
}

fn cron_job(c: &K8sCronJob, p: &mut Problems) -> Object {
    let spec: Option<&CronJobSpec> = c.spec.read();
    let spec = spec.cloned().unwrap_or_default();
    let template = spec.job_template;
    let mut job_meta = template.metadata.clone().unwrap_or_default();
    // The Job is named after the CronJob (the controller adds a time suffix).
    job_meta.name = c.metadata.name.clone();
    let job = job(
        &job_meta,
        template.spec.as_ref(),
        "spec.jobTemplate.spec",
        p,
    );
    let concurrency = match spec.concurrency_policy.as_deref() {
        Some("Forbid") => ConcurrencyPolicy::Forbid,
        Some("Replace") => ConcurrencyPolicy::Replace,
        // The API server's default.
        _ => ConcurrencyPolicy::Allow,
    };
    Object::CronJob(CronJob {
        name: name_of(&c.metadata),
        meta: meta_of(&c.metadata),
        schedule: spec.schedule,
        job: Box::new(job),
        time_zone: spec.time_zone,
        concurrency,
        starting_deadline_seconds: spec.starting_deadline_seconds,
        successful_jobs_history_limit: spec.successful_jobs_history_limit,
        failed_jobs_history_limit: spec.failed_jobs_history_limit,
        suspend: spec.suspend.unwrap_or(false),
    })
}

fn config_map(c: &K8sConfigMap) -> Object {
    let mut cm = ConfigMap::new(name_of(&c.metadata));
    cm.meta = meta_of(&c.metadata);
    for (k, v) in c.data.iter().flatten() {
        cm = cm.entry(k, v);
    }
    Object::ConfigMap(cm)
}

fn restart_policy(s: Option<&str>) -> Option<&'static str> {
    match s? {
        "Always" => Some("Always"),
        "OnFailure" => Some("OnFailure"),
        _ => Some("Never"),
    }
}

/// A pod template; `at` is the path of its `spec`.
fn pod(t: &PodTemplateSpec, at: &str, p: &mut Problems) -> PodTemplate {
    let meta = t.metadata.clone().unwrap_or_default();
    let spec = t.spec.clone().unwrap_or_default();
    let security = spec.security_context.clone().unwrap_or_default();
    let pod_uid = security.run_as_user;
    let pod_non_root = security.run_as_non_root == Some(true);
    let containers: Vec<Container> = spec
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            container(
                c,
                &format!("{at}.containers[{i}]"),
                pod_uid,
                pod_non_root,
                p,
            )
        })
        .collect();
    let mut sidecars = Vec::new();
    let mut init_containers = Vec::new();
    let mut sidecars_before = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let lifted = container(
            c,
            &format!("{at}.initContainers[{i}]"),
            pod_uid,
            pod_non_root,
            p,
        );
        if c.restart_policy.as_deref() == Some("Always") {
            sidecars.push(lifted);
        } else {
            sidecars_before.push(sidecars.len());
            init_containers.push(lifted);
        }
    }
    let labels = meta.labels.clone().map(StrMap::from).unwrap_or_default();
    let mut x = PodExtra::default();
    if sidecars_before.iter().any(|n| *n < sidecars.len()) {
        x.sidecars_before = Some(sidecars_before);
    }
    let one_per_node = x.read_affinity(spec.affinity.clone().unwrap_or_default(), &labels);
    x.tolerations = spec
        .tolerations
        .clone()
        .into_iter()
        .flatten()
        .map(Toleration)
        .collect();
    x.spreads = spec
        .topology_spread_constraints
        .clone()
        .into_iter()
        .flatten()
        .map(TopologySpread)
        .collect();
    x.priority_class = spec.priority_class_name.clone().map(Name::from);
    x.runtime_class = spec.runtime_class_name.clone().map(Name::from);
    x.image_pull_secrets = spec
        .image_pull_secrets
        .iter()
        .flatten()
        .map(|r| Name::from(r.name.clone()))
        .collect();
    x.dns_policy = spec.dns_policy.as_deref().and_then(DnsPolicy::parse);
    x.supplemental_groups = security.supplemental_groups.clone().unwrap_or_default();
    x.fs_group = security.fs_group.filter(|g| Some(*g) != pod_uid);
    x.fs_group_change_policy = match security.fs_group_change_policy.as_deref() {
        Some("OnRootMismatch") => Some("OnRootMismatch"),
        Some("Always") => Some("Always"),
        _ => None,
    };
    if spec.resources.is_some() {
        x.resources = Some(resources(spec.resources.as_ref(), at, p));
    }
    PodTemplate {
        containers,
        init_containers,
        sidecars,
        volumes: spec.volumes.iter().flatten().map(volume).collect(),
        labels,
        annotations: meta
            .annotations
            .clone()
            .map(StrMap::from)
            .unwrap_or_default(),
        selector: None,
        service_account: spec.service_account_name.clone().map(Name::from),
        // The API server's default.
        automount_token: spec.automount_service_account_token.unwrap_or(true),
        run_as_user: pod_uid.unwrap_or(if pod_non_root { crate::DEFAULT_UID } else { 0 }),
        host_network: spec.host_network.unwrap_or(false),
        one_per_node,
        node_selector: spec
            .node_selector
            .clone()
            .map(StrMap::from)
            .unwrap_or_default(),
        termination_grace_seconds: spec.termination_grace_period_seconds,
        seccomp_runtime_default: security
            .seccomp_profile
            .as_ref()
            .is_some_and(|s| s.type_ == "RuntimeDefault"),
        restart_policy: restart_policy(spec.restart_policy.as_deref()),
        implicit_name_label: false,
        extra: (x != PodExtra::default()).then(|| Box::new(x)),
    }
}

fn quantity<T: std::str::FromStr>(s: &str, path: &str, p: &mut Problems) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    match s.parse() {
        Ok(v) => Some(v),
        Err(e) => {
            p.push((path.to_owned(), e.to_string()));
            None
        }
    }
}

fn resources(r: Option<&ResourceRequirements>, at: &str, p: &mut Problems) -> Resources {
    let Some(r) = r else {
        return Resources::new();
    };
    let get =
        |m: &Option<BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
         key: &str| m.as_ref().and_then(|m| m.get(key)).map(|q| q.0.clone());
    let mut out = Resources::new();
    for (which, map) in [("requests", &r.requests), ("limits", &r.limits)] {
        let path = |k: &str| format!("{at}.resources.{which}.{k}");
        if let Some(cpu) = get(map, "cpu").and_then(|s| quantity::<Cpu>(&s, &path("cpu"), p)) {
            out = if which == "requests" {
                out.cpu_request_of(cpu)
            } else {
                out.cpu_limit_of(cpu)
            };
        }
        if let Some(m) = get(map, "memory").and_then(|s| quantity::<Memory>(&s, &path("memory"), p))
        {
            out = if which == "requests" {
                out.memory_request_of(m)
            } else {
                out.memory_limit_of(m)
            };
        }
    }
    let eph = |map, which: &str, p: &mut Problems| {
        get(map, "ephemeral-storage").and_then(|s| {
            quantity::<Memory>(&s, &format!("{at}.resources.{which}.ephemeral-storage"), p)
        })
    };
    let request = eph(&r.requests, "requests", p);
    let limit = eph(&r.limits, "limits", p);
    let mut out = out.with_ephemeral(request, limit);
    // Extended resources and huge pages: the limit, or the request (they must be equal).
    let standard = ["cpu", "memory", "ephemeral-storage"];
    for map in [&r.requests, &r.limits] {
        for (k, q) in map.iter().flatten() {
            if !standard.contains(&k.as_str()) {
                out = out.with_extended(k.clone(), q.0.clone());
            }
        }
    }
    out
}

fn port_ref(v: &IntOrString) -> PortRef {
    match v {
        IntOrString::Int(n) => PortRef::Number(u16::try_from(*n).unwrap_or(0)),
        IntOrString::String(s) => PortRef::Name(s.clone()),
    }
}

fn probe(k: Option<&K8sProbe>) -> Option<Box<Probe>> {
    let k = k?;
    let action = if let Some(h) = &k.http_get {
        ProbeAction::Http {
            path: h.path.clone().unwrap_or_else(|| "/".to_owned()),
            port: port_ref(&h.port),
        }
    } else if let Some(t) = &k.tcp_socket {
        ProbeAction::Tcp {
            port: port_ref(&t.port),
        }
    } else if let Some(g) = &k.grpc {
        ProbeAction::Grpc {
            port: u16::try_from(g.port).unwrap_or(0),
            service: g.service.clone(),
        }
    } else {
        ProbeAction::Exec {
            command: k
                .exec
                .as_ref()
                .and_then(|e| e.command.clone())
                .unwrap_or_default(),
        }
    };
    Some(Box::new(Probe {
        action,
        initial_delay_seconds: k.initial_delay_seconds,
        period_seconds: k.period_seconds,
        timeout_seconds: k.timeout_seconds,
        failure_threshold: k.failure_threshold,
        success_threshold: k.success_threshold,
    }))
}

fn container(
    c: &K8sContainer,
    at: &str,
    pod_uid: Option<i64>,
    pod_non_root: bool,
    p: &mut Problems,
) -> Container {
    let sc = c.security_context.clone().unwrap_or_default();
    let non_root = sc.run_as_non_root.unwrap_or(pod_non_root);
    let caps = sc.capabilities.clone().unwrap_or_default();
    let env = c
        .env
        .iter()
        .flatten()
        .map(|e| {
            let from = e.value_from.as_ref();
            let value = if let Some(r) = from.and_then(|f| f.config_map_key_ref.as_ref()) {
                EnvValue::ConfigMapKey {
                    config_map: Name::from(r.name.clone()),
                    key: r.key.clone(),
                }
            } else if let Some(r) = from.and_then(|f| f.secret_key_ref.as_ref()) {
                EnvValue::SecretKey {
                    secret: Name::from(r.name.clone()),
                    key: r.key.clone(),
                }
            } else if let Some(r) = from.and_then(|f| f.field_ref.as_ref()) {
                EnvValue::Field(r.field_path.clone())
            } else {
                EnvValue::Literal(e.value.clone().unwrap_or_default())
            };
            Env {
                name: e.name.clone(),
                value,
            }
        })
        .collect();
    let env_from = c
        .env_from
        .iter()
        .flatten()
        .filter_map(|e| {
            if let Some(r) = &e.config_map_ref {
                Some(EnvFrom::ConfigMap(Name::from(r.name.clone())))
            } else {
                e.secret_ref
                    .as_ref()
                    .map(|r| EnvFrom::Secret(Name::from(r.name.clone())))
            }
        })
        .collect();
    Container {
        name: c.name.clone(),
        image: c.image.clone().unwrap_or_default(),
        image_pull_policy: c.image_pull_policy.clone(),
        command: c.command.clone().unwrap_or_default(),
        args: c.args.clone().unwrap_or_default(),
        working_dir: c.working_dir.clone(),
        ports: c
            .ports
            .iter()
            .flatten()
            .map(|k| Port {
                name: k.name.clone().unwrap_or_default(),
                number: u16::try_from(k.container_port).unwrap_or(0),
                protocol: match k.protocol.as_deref() {
                    Some("UDP") => "UDP",
                    Some("SCTP") => "SCTP",
                    _ => "TCP",
                },
            })
            .collect(),
        env,
        env_from,
        resources: resources(c.resources.as_ref(), at, p),
        liveness: probe(c.liveness_probe.as_ref()),
        readiness: probe(c.readiness_probe.as_ref()),
        startup: probe(c.startup_probe.as_ref()),
        mounts: c
            .volume_mounts
            .iter()
            .flatten()
            .map(|m| Mount {
                volume: m.name.clone(),
                path: m.mount_path.clone(),
                read_only: m.read_only.unwrap_or(false),
                sub_path: m.sub_path.clone(),
            })
            .collect(),
        // Unset, the image decides: root unless runAsNonRoot makes the kubelet refuse it.
        run_as_user: sc.run_as_user.or(pod_uid).unwrap_or(if non_root {
            crate::DEFAULT_UID
        } else {
            0
        }),
        read_only_root: sc.read_only_root_filesystem.unwrap_or(false),
        // Unset, the kernel's no_new_privs stays off: escalation is allowed.
        allow_escalation: sc.allow_privilege_escalation.unwrap_or(true),
        privileged: sc.privileged.unwrap_or(false),
        add_capabilities: caps.add.clone().unwrap_or_default(),
        drop_all_capabilities: caps.drop.iter().flatten().any(|d| d == "ALL"),
        extra: container_extra(c),
    }
}

fn container_extra(c: &K8sContainer) -> Option<Box<ContainerExtra>> {
    let lifecycle = c.lifecycle.clone().unwrap_or_default();
    let x = ContainerExtra {
        post_start: lifecycle.post_start.map(Hook),
        pre_stop: lifecycle.pre_stop.map(Hook),
        host_ports: c
            .ports
            .iter()
            .flatten()
            .filter_map(|p| {
                let host = u16::try_from(p.host_port?).ok()?;
                Some((p.name.clone().unwrap_or_default(), host))
            })
            .collect(),
    };
    (x != ContainerExtra::default()).then(|| Box::new(x))
}

fn volume(v: &K8sVolume) -> Volume {
    let source = if let Some(e) = &v.empty_dir {
        let medium = e.medium.as_deref().unwrap_or("");
        match e.size_limit.as_ref().map(|q| q.0.parse::<Memory>()) {
            Some(Err(_)) => VolumeSource::Other(Box::new(v.clone())),
            _ if !medium.is_empty() && medium != "Memory" => {
                VolumeSource::Other(Box::new(v.clone()))
            }
            limit => VolumeSource::EmptyDir {
                size_limit: limit.and_then(Result::ok),
                in_memory: medium == "Memory",
            },
        }
    } else if let Some(c) = &v.config_map {
        VolumeSource::ConfigMap(Name::from(c.name.clone()))
    } else if let Some(s) = v.secret.as_ref().and_then(|s| s.secret_name.clone()) {
        VolumeSource::Secret(Name::from(s))
    } else if let Some(c) = &v.persistent_volume_claim {
        VolumeSource::Pvc(Name::from(c.claim_name.clone()))
    } else if let Some(h) = v.host_path.as_ref().filter(|h| {
        h.type_
            .as_deref()
            .is_none_or(|t| t.is_empty() || HostPathType::parse(t).is_some())
    }) {
        let t = h.type_.as_deref().and_then(HostPathType::parse);
        VolumeSource::HostPath(h.path.clone(), t)
    } else {
        VolumeSource::Other(Box::new(v.clone()))
    };
    Volume {
        name: v.name.clone(),
        source,
    }
}

/// Fields of `original` that `lowered` (the lifted object lowered again) does not have: what
/// the model holds no field for, as paths (`spec.template.spec.tolerations`). Lists of
/// objects with distinct `name`s are matched by name, others by position.
pub(crate) fn unmodelled(original: &Value, lowered: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff(original, lowered, &mut String::new(), &mut out);
    out
}

/// Server-set and scope fields, which are not the stack's to model.
const IGNORED: &[&str] = &[
    "status",
    "metadata.namespace",
    "metadata.creationTimestamp",
    "metadata.uid",
    "metadata.resourceVersion",
    "metadata.generation",
    "metadata.managedFields",
    "metadata.selfLink",
];

/// A value that says what leaving the field out says: null, `{}`, `[]`, or `false` for the
/// pod and container flags whose default is false (`hostNetwork: false`, as Helm charts
/// write it, is not a field the model leaves out).
fn is_default(key: &str, v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(false) => matches!(
            key,
            "hostNetwork" | "hostPID" | "hostIPC" | "privileged" | "stdin" | "tty"
        ),
        _ => false,
    }
}

/// Adds to `out` the paths of `a`'s fields that `b` lacks; `path` is `a`'s own, extended and
/// restored in place (one buffer for the whole walk: imports compare every object).
fn diff(a: &Value, b: &Value, path: &mut String, out: &mut Vec<String>) {
    if IGNORED.contains(&path.as_str()) {
        return;
    }
    let len = path.len();
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match b.get(k) {
                    Some(w) => diff(v, w, path, out),
                    None if is_default(k, v) => {}
                    None if !IGNORED.contains(&path.as_str()) => out.push(path.clone()),
                    None => {}
                }
                path.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            fn named(xs: &[Value]) -> Option<BTreeMap<&str, &Value>> {
                let m: BTreeMap<&str, &Value> = xs
                    .iter()
                    .map(|x| Some((x.get("name")?.as_str()?, x)))
                    .collect::<Option<_>>()?;
                (m.len() == xs.len()).then_some(m)
            }
            let by_name = match (named(a), named(b)) {
                (Some(_), Some(mb)) => Some(mb),
                _ => None,
            };
            for (i, x) in a.iter().enumerate() {
                use std::fmt::Write as _;
                let _ = write!(path, "[{i}]");
                let y = match &by_name {
                    Some(mb) => mb.get(x["name"].as_str().unwrap_or_default()).copied(),
                    None => b.get(i),
                };
                match y {
                    Some(y) => diff(x, y, path, out),
                    None => out.push(path.clone()),
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unmodelled_fields_are_listed_by_path() {
        let a = json!({"spec": {"template": {"spec": {
            "tolerations": [{"key": "x"}],
            "containers": [{"name": "b", "image": "i"}, {"name": "a", "image": "j", "stdin": true}],
        }}}, "status": {"replicas": 1}});
        let b = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "a", "image": "j"}, {"name": "b", "image": "i"}],
        }}}});
        assert_eq!(
            unmodelled(&a, &b),
            [
                "spec.template.spec.tolerations",
                "spec.template.spec.containers[1].stdin"
            ]
        );
    }

    #[test]
    fn bad_quantities_are_problems_with_paths() {
        let v = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "image": "i", "resources": {"requests": {"cpu": "lots"}}}]}}}});
        let p = lift(&v).unwrap_err();
        assert_eq!(
            p[0].0,
            "spec.template.spec.containers[0].resources.requests.cpu"
        );
    }
}
