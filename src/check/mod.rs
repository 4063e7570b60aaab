//! Structural and cross-reference checks: everything the API server (or the running
//! cluster) would reject, found before deploy, all at once.

mod image_users;
mod index;
pub(crate) mod lint;
mod pod_security;
mod rbac;
pub(crate) mod reach;
pub(crate) mod report;
mod schedule;
mod scheduling;
mod traffic;

use std::collections::{BTreeMap, BTreeSet};

use crate::check::index::{Index, label_value};
use crate::check::report::Report;
use crate::diagnostic::rules::RuleId;
use crate::diagnostic::{Clean, Diagnostic};
use crate::model::container::{Container, EnvFrom, EnvValue};
use crate::model::meta::Meta;
use crate::model::name::{Name, NameRule};
use crate::model::object::Object;
use crate::model::pod::{ContainerPath, PodTemplate};
use crate::model::port::PortRef;
use crate::model::probe::Probe;
use crate::model::stack::Stack;
use crate::model::volume::VolumeSource;
use crate::model::workload::{IntOrPercent, WorkloadRef};
use crate::util::fast_hash::FastSet;

const RESERVED_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// Validates `s` by `rule` unless `valid` already holds it, and remembers it when valid.
fn remembered<'a>(
    valid: &mut FastSet<&'a str>,
    rule: NameRule,
    s: &'a str,
) -> Result<(), crate::model::name::NameError> {
    if !valid.contains(s) {
        rule.validate(s)?;
        valid.insert(s);
    }
    Ok(())
}

struct Checker<'i, 'a> {
    index: &'i Index<'a>,
    out: Vec<Diagnostic>,
    /// Label keys already found valid (the same ones recur on every object).
    valid_keys: FastSet<&'a str>,
}

impl<'a> Checker<'_, 'a> {
    fn push(&mut self, rule: RuleId, object: &str, path: &str, message: String) {
        self.out.push(Diagnostic::of(rule, object, path, message));
    }

    fn name(&mut self, rule: NameRule, value: &str, object: &str, path: impl FnOnce() -> String) {
        if let Err(e) = rule.validate(value) {
            self.push(RuleId::InvalidName, object, &path(), e.to_string());
        }
    }

    fn meta(&mut self, meta: &'a Meta, object: &str, prefix: &str) {
        for (k, v) in &meta.labels {
            self.label(k, v, object, prefix, "labels.");
        }
        for k in meta.annotations().keys() {
            if let Err(e) = NameRule::LabelKey.validate(k) {
                self.push(
                    RuleId::InvalidAnnotation,
                    object,
                    &format!("{prefix}annotations.{k}"),
                    e.to_string(),
                );
            }
        }
    }

    fn suppressions(&mut self, meta: &Meta, object: &str) {
        for (id, reason) in meta.suppressions() {
            match crate::diagnostic::rules::rule(id) {
                None => self.push(
                    RuleId::UnknownRule,
                    object,
                    "suppress",
                    format!("`{}` is not a kubefit rule id", Clean(id)),
                ),
                Some(rule) if !rule.suppressible => self.push(
                    RuleId::SuppressionNotAllowed,
                    object,
                    "suppress",
                    format!(
                        "`{id}` cannot be suppressed: the cluster refuses the stack whatever the report says"
                    ),
                ),
                Some(_) => {}
            }
            if reason.trim().is_empty() {
                self.push(
                    RuleId::SuppressionWithoutReason,
                    object,
                    "suppress",
                    format!("suppression of `{id}` gives no reason"),
                );
            }
        }
    }

    /// Checks one label; its path (`{prefix}{field}{key}`) is only spelled out on error.
    fn label(&mut self, key: &'a str, value: &'a str, object: &str, prefix: &str, field: &str) {
        let path = || format!("{prefix}{field}{key}");
        if let Err(e) = remembered(&mut self.valid_keys, NameRule::LabelKey, key) {
            self.push(RuleId::InvalidLabel, object, &path(), e.to_string());
        }
        // Values are mostly distinct (names, versions): checked directly, cheaper than a
        // lookup.
        if let Err(e) = NameRule::LabelValue.validate(value) {
            self.push(RuleId::InvalidLabel, object, &path(), e.to_string());
        }
    }

    fn config_map_key(
        &mut self,
        cm: &Name,
        key: Option<&str>,
        object: &str,
        path: impl FnOnce() -> String,
    ) {
        match self.index.get("ConfigMap", cm.as_str()) {
            None => self.push(
                RuleId::DanglingConfigMap,
                object,
                &path(),
                format!("configmap `{cm}` is not in the stack"),
            ),
            Some(Object::ConfigMap(c)) => {
                if let Some(key) = key
                    && !c.data.contains_key(key)
                {
                    let keys: Vec<&str> = c.data.keys().collect();
                    self.push(
                        RuleId::MissingConfigMapKey,
                        object,
                        &path(),
                        format!(
                            "configmap `{cm}` has no key `{key}` (it has: {})",
                            keys.join(", ")
                        ),
                    );
                }
            }
            Some(_) => {}
        }
    }

    fn secret_key(
        &mut self,
        secret: &Name,
        key: Option<&str>,
        object: &str,
        path: impl FnOnce() -> String,
    ) {
        match self.index.get("Secret", secret.as_str()) {
            None if self.index.provided_secrets.contains_key(secret.as_str()) => {
                let (by, keys) = &self.index.provided_secrets[secret.as_str()];
                if let (Some(key), Some(keys)) = (key, keys)
                    && !keys.iter().any(|k| k == key)
                {
                    self.push(
                        RuleId::MissingSecretKey,
                        object,
                        &path(),
                        format!("secret `{secret}` (created by {by}) has no key `{key}`"),
                    );
                }
            }
            None => self.push(
                RuleId::DanglingSecret,
                object,
                &path(),
                format!("secret `{secret}` is not in the stack"),
            ),
            Some(Object::Secret(s)) => {
                if let Some(key) = key
                    && !s.has_key(key)
                {
                    self.push(
                        RuleId::MissingSecretKey,
                        object,
                        &path(),
                        format!("secret `{secret}` has no key `{key}`"),
                    );
                }
            }
            Some(_) => {}
        }
    }

    fn probe(&mut self, probe: &Probe, c: &Container, object: &str, path: impl FnOnce() -> String) {
        let Some(port) = probe.port() else { return };
        let found = match &port {
            PortRef::Name(n) => c.ports.iter().any(|p| &p.name == n),
            PortRef::Number(n) => c.ports.iter().any(|p| p.number == *n),
        };
        if !found {
            self.push(
                RuleId::ProbePortMismatch,
                object,
                &path(),
                format!(
                    "probe port `{port}` is not a port of container `{}`",
                    c.name
                ),
            );
        }
    }

    fn container(
        &mut self,
        c: &Container,
        pod: &PodTemplate,
        claim_names: &BTreeSet<&str>,
        object: &str,
        base: ContainerPath,
    ) {
        self.name(NameRule::Dns1123Label, &c.name, object, || {
            format!("{base}.name")
        });
        self.container_extra(c, pod, object, base);
        // pkg/apis/core/validation/validation.go, `ValidateSecurityContext`.
        if c.privileged && !c.allow_escalation {
            self.push(
                RuleId::InvalidSecurityContext,
                object,
                &format!("{base}.securityContext.allowPrivilegeEscalation"),
                format!(
                    "container `{}` is privileged but sets allowPrivilegeEscalation: false",
                    c.name
                ),
            );
        }
        if c.image.trim().is_empty() {
            self.push(
                RuleId::MissingImage,
                object,
                &format!("{base}.image"),
                format!("container `{}` has no image", c.name),
            );
        }
        if let Some(problem) = digest_problem(&c.image) {
            self.push(
                RuleId::InvalidImageDigest,
                object,
                &format!("{base}.image"),
                format!("image `{}`: {problem}", crate::diagnostic::Clean(&c.image)),
            );
        }
        for (i, p) in c.ports.iter().enumerate() {
            // A container port may be unnamed (objects read back from k8s-openapi).
            if !p.name.is_empty() {
                self.name(NameRule::PortName, &p.name, object, || {
                    format!("{base}.ports[{i}].name")
                });
            }
            if p.number == 0 {
                self.push(
                    RuleId::InvalidPort,
                    object,
                    &format!("{base}.ports[{i}].containerPort"),
                    "port 0 is not a valid port".to_owned(),
                );
            }
        }
        for (i, e) in c.env.iter().enumerate() {
            self.name(NameRule::EnvVarName, &e.name, object, || {
                format!("{base}.env[{i}].name")
            });
            match &e.value {
                EnvValue::ConfigMapKey { config_map, key } => {
                    self.config_map_key(config_map, Some(key), object, || {
                        format!("{base}.env[{i}].valueFrom.configMapKeyRef")
                    });
                }
                EnvValue::SecretKey { secret, key } => {
                    self.secret_key(secret, Some(key), object, || {
                        format!("{base}.env[{i}].valueFrom.secretKeyRef")
                    });
                }
                EnvValue::Literal(_) | EnvValue::Field(_) => {}
            }
        }
        for (i, e) in c.env_from.iter().enumerate() {
            match e {
                EnvFrom::ConfigMap(n) => self.config_map_key(n, None, object, || {
                    format!("{base}.envFrom[{i}].configMapRef.name")
                }),
                EnvFrom::Secret(n) => self.secret_key(n, None, object, || {
                    format!("{base}.envFrom[{i}].secretRef.name")
                }),
            }
        }
        let r = &c.resources;
        // Values compare as integers; they are spelled out only for a diagnostic.
        let exceeded = [
            (
                "cpu",
                r.cpu_request()
                    .zip(r.cpu_limit())
                    .filter(|(rq, lm)| rq.as_millis() > lm.as_millis())
                    .map(|(rq, lm)| (rq.to_string(), lm.to_string())),
            ),
            (
                "memory",
                r.memory_request()
                    .zip(r.memory_limit())
                    .filter(|(rq, lm)| rq.as_bytes() > lm.as_bytes())
                    .map(|(rq, lm)| (rq.to_string(), lm.to_string())),
            ),
            (
                "ephemeral-storage",
                r.ephemeral_storage_request()
                    .zip(r.ephemeral_storage_limit())
                    .filter(|(rq, lm)| rq.as_bytes() > lm.as_bytes())
                    .map(|(rq, lm)| (rq.to_string(), lm.to_string())),
            ),
        ];
        for (res, values) in exceeded {
            if let Some((rqs, lms)) = values {
                self.push(
                    RuleId::RequestExceedsLimit,
                    object,
                    &format!("{base}.resources.requests.{res}"),
                    format!("{res} request {rqs} is greater than its limit {lms}"),
                );
            }
        }
        for (label, probe) in [
            ("livenessProbe", &c.liveness),
            ("readinessProbe", &c.readiness),
            ("startupProbe", &c.startup),
        ] {
            if let Some(p) = probe {
                self.probe(p, c, object, || format!("{base}.{label}"));
            }
        }
        let mut seen_paths = BTreeSet::new();
        for (i, m) in c.mounts.iter().enumerate() {
            let path = format!("{base}.volumeMounts[{i}]");
            let known = pod.volumes.iter().any(|v| v.name == m.volume)
                || claim_names.contains(m.volume.as_str());
            if !known {
                self.push(
                    RuleId::DanglingVolume,
                    object,
                    &format!("{path}.name"),
                    format!("volume `{}` is not a volume of this pod", m.volume),
                );
            }
            if m.path.is_empty() {
                self.push(
                    RuleId::InvalidMountPath,
                    object,
                    &format!("{path}.mountPath"),
                    "the mount path is empty".to_owned(),
                );
            } else if !m.path.starts_with('/') {
                self.push(
                    RuleId::RelativeMountPath,
                    object,
                    &format!("{path}.mountPath"),
                    format!(
                        "mount path `{}` is not absolute; the kubelet mounts it at `{}`",
                        m.path,
                        kubelet_mount_path(&m.path)
                    ),
                );
            }
            if !seen_paths.insert(m.path.as_str()) {
                self.push(
                    RuleId::DuplicateMountPath,
                    object,
                    &format!("{path}.mountPath"),
                    format!("mount path `{}` is used twice", m.path),
                );
            }
        }
    }

    /// A rolling update must be able to add or remove a pod: maxSurge and maxUnavailable
    /// (resolved as the controller resolves them against `replicas`) are not both 0
    /// (pkg/apis/apps/validation/validation.go, ValidateRollingUpdateDeployment and
    /// ValidateRollingUpdateDaemonSet compare the values as written).
    fn rollout(
        &mut self,
        max_surge: crate::model::workload::IntOrPercent,
        max_unavailable: crate::model::workload::IntOrPercent,
        daemon: bool,
        object: &str,
        path: &str,
    ) {
        use crate::model::workload::IntOrPercent;
        let zero = |v: IntOrPercent| matches!(v, IntOrPercent::Count(0) | IntOrPercent::Percent(0));
        if zero(max_surge) && zero(max_unavailable) {
            self.push(
                RuleId::InvalidRollout,
                object,
                &format!("{path}.maxUnavailable"),
                "maxUnavailable and maxSurge are both 0, so no pod can be replaced".to_owned(),
            );
        }
        if daemon && !zero(max_surge) && !zero(max_unavailable) {
            self.push(
                RuleId::InvalidRollout,
                object,
                &format!("{path}.maxSurge"),
                "a daemonset surges or takes pods down, not both: maxSurge must be 0 when maxUnavailable is not".to_owned(),
            );
        }
        for (field, v) in [("maxSurge", max_surge), ("maxUnavailable", max_unavailable)] {
            // Only a Deployment may surge by more than 100%.
            let cap = if daemon || field == "maxUnavailable" {
                100
            } else {
                i32::MAX
            };
            let bad = match v {
                IntOrPercent::Count(n) => n < 0,
                IntOrPercent::Percent(p) => p < 0 || p > cap,
            };
            if bad {
                self.push(
                    RuleId::InvalidRollout,
                    object,
                    &format!("{path}.{field}"),
                    format!("{field} is {v}; it must be 0 or more, and a percentage at most 100%"),
                );
            }
        }
    }

    /// A Job's counts and deadlines (pkg/apis/batch/validation/validation.go, validateJobSpec:
    /// each is `ValidateNonnegativeField`).
    fn job(&mut self, p: &crate::model::job::JobParams, object: &str, prefix: &str) {
        let fields = [
            ("parallelism", p.parallelism.map(i64::from)),
            ("completions", p.completions.map(i64::from)),
            ("backoffLimit", p.backoff_limit.map(i64::from)),
            ("activeDeadlineSeconds", p.active_deadline_seconds),
            (
                "ttlSecondsAfterFinished",
                p.ttl_seconds_after_finished.map(i64::from),
            ),
        ];
        self.nonnegative(&fields, object, prefix);
    }

    /// `invalid-job-spec` for each field set below 0 (`ValidateNonnegativeField`).
    fn nonnegative(&mut self, fields: &[(&str, Option<i64>)], object: &str, prefix: &str) {
        for &(field, value) in fields {
            if let Some(v) = value
                && v < 0
            {
                self.push(
                    RuleId::InvalidJobSpec,
                    object,
                    &format!("{prefix}{field}"),
                    format!("{field} is {v}; it must be 0 or more"),
                );
            }
        }
    }

    /// A CronJob's schedule, time zone, deadline and history limits
    /// (pkg/apis/batch/validation/validation.go, validateCronJobSpec).
    fn cron_job(&mut self, cj: &crate::model::cron_job::CronJob, object: &str) {
        if let Some(problem) = schedule::schedule_problem(&cj.schedule) {
            self.push(
                RuleId::InvalidSchedule,
                object,
                "spec.schedule",
                format!("schedule `{}` cannot be read: {problem}", cj.schedule),
            );
        }
        if let Some(zone) = &cj.time_zone
            && let Some(problem) = schedule::time_zone_problem(zone)
        {
            self.push(RuleId::InvalidSchedule, object, "spec.timeZone", problem);
        }
        let fields = [
            ("startingDeadlineSeconds", cj.starting_deadline_seconds),
            (
                "successfulJobsHistoryLimit",
                cj.successful_jobs_history_limit.map(i64::from),
            ),
            (
                "failedJobsHistoryLimit",
                cj.failed_jobs_history_limit.map(i64::from),
            ),
        ];
        self.nonnegative(&fields, object, "spec.");
    }

    fn workload(
        &mut self,
        name: &'a Name,
        pod: &'a PodTemplate,
        replicas: i32,
        claim_names: &BTreeSet<&str>,
        object: &str,
    ) {
        if replicas < 0 {
            self.push(
                RuleId::InvalidReplicas,
                object,
                "spec.replicas",
                format!("replicas is {replicas}"),
            );
        }
        self.scheduling(pod, object);
        let labels = pod.pod_label_pairs(name);
        for &(k, v) in &labels {
            self.label(k, v, object, "spec.template.metadata.", "labels.");
        }
        let selector = pod.selector_pairs(name);
        if selector.is_empty() {
            self.push(
                RuleId::SelectorMismatch,
                object,
                "spec.selector.matchLabels",
                "the selector is empty".to_owned(),
            );
        }
        for &(k, v) in &selector {
            if label_value(&labels, k) != Some(v) {
                self.push(
                    RuleId::SelectorMismatch,
                    object,
                    &format!("spec.selector.matchLabels.{k}"),
                    format!("selector `{k}={v}` does not match the pod template labels"),
                );
            }
        }
        if let Some(sa) = &pod.service_account
            && !self.index.has("ServiceAccount", sa.as_str())
        {
            self.push(
                RuleId::DanglingServiceAccount,
                object,
                "spec.template.spec.serviceAccountName",
                format!("serviceaccount `{sa}` is not in the stack"),
            );
        }
        let mut container_names = BTreeSet::new();
        let mut port_names = BTreeSet::new();
        for (base, c) in pod.all_containers() {
            if !container_names.insert(c.name.as_str()) {
                self.push(
                    RuleId::DuplicateName,
                    object,
                    &format!("{base}.name"),
                    format!("container name `{}` is used twice in the pod", c.name),
                );
            }
            // The env list is keyed by name (a later entry hides an earlier one, and
            // server-side apply — kubectl --server-side, Flux — refuses the object).
            let mut env_names = BTreeSet::new();
            for (i, e) in c.env.iter().enumerate() {
                if !env_names.insert(e.name.as_str()) {
                    self.push(
                        RuleId::DuplicateName,
                        object,
                        &format!("{base}.env[{i}].name"),
                        format!(
                            "container `{}` sets environment variable `{}` twice: the later value hides the earlier, and server-side apply refuses the object; keep one",
                            c.name, e.name
                        ),
                    );
                }
            }
            for (i, p) in c.ports.iter().enumerate() {
                if !port_names.insert(p.name.as_str()) {
                    self.push(
                        RuleId::DuplicateName,
                        object,
                        &format!("{base}.ports[{i}].name"),
                        format!("port name `{}` is used twice in the pod", p.name),
                    );
                }
            }
            self.container(c, pod, claim_names, object, base);
        }
        let mut volume_names = BTreeSet::new();
        for (i, v) in pod.volumes.iter().enumerate() {
            let path = format!("spec.template.spec.volumes[{i}]");
            self.name(NameRule::Dns1123Label, &v.name, object, || {
                format!("{path}.name")
            });
            if !volume_names.insert(v.name.as_str()) {
                self.push(
                    RuleId::DuplicateName,
                    object,
                    &format!("{path}.name"),
                    format!("volume name `{}` is used twice in the pod", v.name),
                );
            }
            match &v.source {
                VolumeSource::ConfigMap(n) => {
                    self.config_map_key(n, None, object, || format!("{path}.configMap.name"));
                }
                VolumeSource::Secret(n) => {
                    self.secret_key(n, None, object, || format!("{path}.secret.secretName"));
                }
                VolumeSource::Pvc(n) => {
                    if !self.index.has("PersistentVolumeClaim", n.as_str()) {
                        self.push(
                            RuleId::DanglingPersistentVolumeClaim,
                            object,
                            &format!("{path}.persistentVolumeClaim.claimName"),
                            format!("persistentvolumeclaim `{n}` is not in the stack"),
                        );
                    }
                }
                VolumeSource::EmptyDir { .. }
                | VolumeSource::HostPath(..)
                | VolumeSource::Other(_) => {}
            }
        }
    }

    /// Host ports and extended resources, as the API server validates them
    /// (pkg/apis/core/validation/validation.go: `validateContainerPorts`,
    /// `AccumulateUniqueHostPorts`, `validateResourceName`, `ValidateResourceRequirements`).
    fn container_extra(
        &mut self,
        c: &Container,
        pod: &PodTemplate,
        object: &str,
        base: ContainerPath,
    ) {
        if let Some(x) = &c.extra {
            for (name, &host) in &x.host_ports {
                let port = c.ports.iter().position(|p| &p.name == name);
                let at = |i: usize| format!("{base}.ports[{i}].hostPort");
                match port {
                    None => self.push(
                        RuleId::InvalidPort,
                        object,
                        &format!("{base}.ports"),
                        format!("a host port is set for `{name}`, which is not a port of container `{}`", c.name),
                    ),
                    Some(i) if host == 0 => {
                        self.push(RuleId::InvalidPort, object, &at(i), "host port 0 is not a valid port".to_owned());
                    }
                    Some(i) if pod.host_network && host != c.ports[i].number => self.push(
                        RuleId::InvalidPort,
                        object,
                        &at(i),
                        format!(
                            "with hostNetwork the host port must be the container port {}, not {host}",
                            c.ports[i].number
                        ),
                    ),
                    Some(_) => {}
                }
            }
        }
        let extended = c.resources.extended_resources();
        let mut hugepages = false;
        for (name, quantity) in extended {
            let at = format!("{base}.resources.limits.{name}");
            let huge = name.starts_with("hugepages-");
            hugepages |= huge;
            let bad_name = if huge {
                name["hugepages-".len()..]
                    .parse::<crate::units::memory::Memory>()
                    .is_err()
            } else {
                match name.split_once('/') {
                    Some((domain, rest)) => {
                        domain == "kubernetes.io"
                            || domain.ends_with(".kubernetes.io")
                            || NameRule::LabelKey.validate(name).is_err()
                            || rest.is_empty()
                    }
                    None => true,
                }
            };
            if bad_name {
                self.push(
                    RuleId::InvalidExtendedResource,
                    object,
                    &at,
                    format!("`{name}` is not an extended resource (`vendor.example/name`) or huge pages (`hugepages-2Mi`)"),
                );
                continue;
            }
            match quantity.parse::<crate::units::quantity::Quantity>() {
                Err(e) => self.push(RuleId::InvalidExtendedResource, object, &at, e.to_string()),
                Ok(_) if !huge && quantity.parse::<u64>().is_err() => self.push(
                    RuleId::InvalidExtendedResource,
                    object,
                    &at,
                    format!(
                        "`{quantity}` of {name}: extended resources are counted in whole units"
                    ),
                ),
                Ok(_) => {}
            }
        }
        let r = &c.resources;
        if hugepages
            && r.cpu_request().or(r.cpu_limit()).is_none()
            && r.memory_request().or(r.memory_limit()).is_none()
        {
            self.push(
                RuleId::InvalidExtendedResource,
                object,
                &format!("{base}.resources"),
                "huge pages need a cpu or memory request beside them".to_owned(),
            );
        }
    }

    fn service(&mut self, svc: &'a crate::model::service::Service, object: &str) {
        // pkg/apis/core/validation/validation.go, `ValidateService`: node ports and the
        // external traffic policy need a NodePort or LoadBalancer Service.
        let external = !svc.headless
            && matches!(
                svc.type_,
                crate::model::service::ServiceType::NodePort
                    | crate::model::service::ServiceType::LoadBalancer
            );
        if !external {
            for (i, p) in svc.ports.iter().enumerate() {
                if p.node_port.is_some() {
                    self.push(
                        RuleId::InvalidServiceType,
                        object,
                        &format!("spec.ports[{i}].nodePort"),
                        "a node port needs a NodePort or LoadBalancer service".to_owned(),
                    );
                }
            }
            if svc.local_traffic {
                self.push(
                    RuleId::InvalidServiceType,
                    object,
                    "spec.externalTrafficPolicy",
                    "externalTrafficPolicy needs a NodePort or LoadBalancer service".to_owned(),
                );
            }
        }
        if svc.ports.is_empty() && !svc.headless {
            self.push(
                RuleId::ServiceWithoutPorts,
                object,
                "spec.ports",
                "the service exposes no port".to_owned(),
            );
        }
        let mut names = BTreeSet::new();
        for (i, p) in svc.ports.iter().enumerate() {
            self.name(NameRule::PortName, &p.name, object, || {
                format!("spec.ports[{i}].name")
            });
            if !names.insert(p.name.as_str()) {
                self.push(
                    RuleId::DuplicateName,
                    object,
                    &format!("spec.ports[{i}].name"),
                    format!("port name `{}` is used twice", p.name),
                );
            }
        }
        for (k, v) in &svc.selector {
            self.label(k, v, object, "spec.", "selector.");
        }
        if svc.selector.is_empty() {
            self.push(RuleId::ServiceWithoutSelector, object, "spec.selector", "the service has no selector, so it routes to no pod unless endpoints are managed by hand".to_owned());
            return;
        }
        let pods = self.index.selected(&svc.selector);
        if pods.is_empty() {
            let sel: Vec<String> = svc
                .selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            self.push(
                RuleId::ServiceSelectsNothing,
                object,
                "spec.selector",
                format!(
                    "selector {} matches no workload in the stack",
                    sel.join(",")
                ),
            );
            return;
        }
        for (i, p) in svc.ports.iter().enumerate() {
            let ok = pods.iter().any(|pod| {
                pod.containers.iter().any(|c| {
                    c.ports.iter().any(|cp| match &p.target {
                        PortRef::Name(n) => &cp.name == n,
                        PortRef::Number(n) => cp.number == *n,
                    })
                })
            });
            if !ok {
                self.push(
                    RuleId::TargetPortMismatch,
                    object,
                    &format!("spec.ports[{i}].targetPort"),
                    format!(
                        "target port `{}` is not a container port of the selected pods",
                        p.target
                    ),
                );
            }
        }
    }

    fn ingress(&mut self, ing: &crate::model::ingress::Ingress) {
        let object = format!("ingress/{}", ing.name);
        let object = object.as_str();
        if ing.routes.is_empty() {
            self.push(
                RuleId::IngressWithoutRoutes,
                object,
                "spec.rules",
                "the ingress has no route".to_owned(),
            );
        }
        let mut rule_index: Vec<&Option<String>> = Vec::new();
        let mut path_counts: BTreeMap<usize, usize> = BTreeMap::new();
        for r in &ing.routes {
            let ri = match rule_index.iter().position(|h| **h == r.host) {
                Some(i) => i,
                None => {
                    rule_index.push(&r.host);
                    rule_index.len() - 1
                }
            };
            let pi = path_counts.entry(ri).or_insert(0);
            let base = {
                let pi = *pi;
                move || format!("spec.rules[{ri}].http.paths[{pi}]")
            };
            *pi += 1;
            if let Some(host) = &r.host {
                let bare = host.strip_prefix("*.").unwrap_or(host);
                if NameRule::Dns1123Subdomain.validate(bare).is_err() {
                    self.push(
                        RuleId::InvalidHost,
                        object,
                        &format!("spec.rules[{ri}].host"),
                        format!("host `{host}` is not a valid dns name"),
                    );
                }
            }
            if !r.path.starts_with('/') {
                self.push(
                    RuleId::InvalidPath,
                    object,
                    &format!("{}.path", base()),
                    format!("path `{}` does not start with '/'", r.path),
                );
            }
            let svc_path = || format!("{}.backend.service", base());
            match self.index.get("Service", r.service.as_str()) {
                Some(Object::Service(svc)) => {
                    let ok = svc.ports.iter().any(|p| match &r.port {
                        PortRef::Name(n) => &p.name == n,
                        PortRef::Number(n) => p.port == *n,
                    });
                    if !ok {
                        self.push(
                            RuleId::IngressPortMismatch,
                            object,
                            &format!("{}.port", svc_path()),
                            format!("service `{}` does not expose port `{}`", r.service, r.port),
                        );
                    }
                }
                _ => self.push(
                    RuleId::DanglingService,
                    object,
                    &format!("{}.name", svc_path()),
                    format!("service `{}` is not in the stack", r.service),
                ),
            }
        }
        if !ing.certificates_managed() {
            for (i, t) in ing.tls.iter().enumerate() {
                if !self.index.has("Secret", t.secret.as_str())
                    && !self.index.provided_secrets.contains_key(t.secret.as_str())
                {
                    self.push(
                        RuleId::MissingTlsSecret,
                        object,
                        &format!("spec.tls[{i}].secretName"),
                        format!("tls secret `{}` is not in the stack", t.secret),
                    );
                }
            }
        }
    }

    fn autoscaler(&mut self, hpa: &crate::model::autoscaler::HorizontalPodAutoscaler) {
        let object = format!("horizontalpodautoscaler/{}", hpa.name);
        let object = object.as_str();
        if hpa.min < 1 {
            self.push(
                RuleId::InvalidReplicas,
                object,
                "spec.minReplicas",
                format!("minReplicas is {}", hpa.min),
            );
        }
        if hpa.min > hpa.max {
            self.push(
                RuleId::HpaMinExceedsMax,
                object,
                "spec.minReplicas",
                format!(
                    "minReplicas {} is greater than maxReplicas {}",
                    hpa.min, hpa.max
                ),
            );
        }
        if hpa.cpu.is_none() && hpa.memory.is_none() {
            self.push(
                RuleId::HpaWithoutMetrics,
                object,
                "spec.metrics",
                "no metric is set, so the autoscaler falls back to 80% cpu".to_owned(),
            );
        }
        if !matches!(
            hpa.target.kind,
            crate::model::workload::WorkloadKind::Deployment
                | crate::model::workload::WorkloadKind::StatefulSet
        ) {
            self.push(
                RuleId::DanglingScaleTarget,
                object,
                "spec.scaleTargetRef.kind",
                format!(
                    "{} has no scale subresource: only a deployment or statefulset can be autoscaled",
                    hpa.target.object()
                ),
            );
        } else if !self.index.has_workload(&hpa.target) {
            self.push(
                RuleId::DanglingScaleTarget,
                object,
                "spec.scaleTargetRef.name",
                format!("{} is not in the stack", hpa.target.object()),
            );
        }
    }

    fn workload_target(&mut self, w: &WorkloadRef, object: &str, path: &str) {
        if !self.index.has_workload(w) {
            self.push(
                RuleId::DanglingWorkload,
                object,
                path,
                format!("{} is not in the stack", w.object()),
            );
        }
    }
}

impl Stack {
    /// [`Stack::check`] plus [`Stack::fit`] on `platform`, in one report: the budget's
    /// diagnostics join the structural ones and its tables are printed with them.
    ///
    /// ```
    /// use kubefit::{Platform, Stack};
    /// let report = Stack::new("shop").check_on(&Platform::gke_e2_standard_2(1));
    /// assert!(!report.has_errors());
    /// assert_eq!(report.fit().map(|f| f.verdict()), Some(kubefit::Verdict::Fits));
    /// ```
    #[must_use]
    pub fn check_on(&self, platform: &crate::fit::platform::Platform) -> Report {
        let (mut diagnostics, fit) = self.diagnostics_and_fit(Some(platform), false);
        let fit = fit.unwrap_or_else(|| self.fit(platform));
        // The fit's findings carry their suppressions already (`Stack::fit` applies them).
        diagnostics.extend(fit.diagnostics().iter().cloned());
        Report::new(self.namespace.as_str(), diagnostics).with_fit_only(fit)
    }

    /// Checks the whole stack and returns every problem at once.
    ///
    /// Covered: names (per kind's rule), duplicate names, label syntax, selectors that do not
    /// match their pod labels, Services that select nothing or target a port no selected pod
    /// declares, Ingress backends that are missing or not exposed, missing TLS secrets,
    /// references to ConfigMaps, Secrets, keys, volumes, claims and ServiceAccounts that are
    /// not in the stack, probe ports that are not container ports, requests greater than
    /// limits, autoscaler bounds and targets.
    ///
    /// ```
    /// use kubefit::{ConfigMap, Container, Cpu, Deployment, Resources, Stack};
    ///
    /// let cfg = ConfigMap::new("cfg").entry("a", "1");
    /// let api = Deployment::new(
    ///     "api",
    ///     Container::new("api", "nginx:1.27")
    ///         .env_from_config_map_key("B", &cfg, "b")
    ///         .resources(Resources::new().cpu_request_of(Cpu::millis(500)).cpu_limit_of(Cpu::millis(250))),
    /// );
    /// let report = Stack::new("shop").with(cfg).with(api).check();
    /// assert_eq!(report.error_count(), 2);
    /// assert_eq!(report.with_id("missing-config-map-key").count(), 1);
    /// assert_eq!(report.with_id("request-exceeds-limit").count(), 1);
    /// ```
    #[must_use]
    pub fn check(&self) -> Report {
        Report::new(
            self.namespace.as_str(),
            self.diagnostics_and_fit(None, false).0,
        )
    }

    /// The unsorted diagnostics and, given a platform, the fit on it: for large stacks on
    /// every core (the fit beside the check, the check split by objects). With
    /// `errors_only`, the lints leave out their warnings and notes (every error is still
    /// there; structural checks report as always).
    pub(crate) fn diagnostics_and_fit(
        &self,
        platform: Option<&crate::fit::platform::Platform>,
        errors_only: bool,
    ) -> (Vec<Diagnostic>, Option<crate::fit::FitReport>) {
        let threads = if self.objects.len() < crate::util::parallel::CHECK_FROM {
            1
        } else {
            crate::util::parallel::threads(self.threads, self.objects.len())
        };
        // Resolved once for both: the fit of a resolved stack resolves nothing again.
        let resolved = self.resolved();
        match platform {
            Some(p) if threads > 1 => std::thread::scope(|scope| {
                let fit = scope.spawn(|| resolved.stack.fit(p));
                let diagnostics = self.resolved_diagnostics(&resolved, threads, errors_only);
                let fit = fit.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                (diagnostics, Some(fit))
            }),
            _ => (
                self.resolved_diagnostics(&resolved, threads, errors_only),
                platform.map(|p| resolved.stack.fit(p)),
            ),
        }
    }

    /// Every diagnostic of [`Stack::check`], suppressions applied, in no particular order
    /// and not yet deduplicated ([`Report::new`] sorts them), the work split across up to
    /// `threads` threads (callers pass 1 for small stacks): the same diagnostics in the same
    /// order. `errors_only` as for [`Stack::diagnostics_and_fit`] (which resolves the stack
    /// once for this and the fit).
    #[cfg(test)]
    pub(crate) fn unsorted_diagnostics_on(
        &self,
        threads: usize,
        errors_only: bool,
    ) -> Vec<Diagnostic> {
        self.resolved_diagnostics(&self.resolved(), threads, errors_only)
    }

    /// [`Stack::unsorted_diagnostics_on`] with this stack's [`Stack::resolved`] given.
    fn resolved_diagnostics(
        &self,
        resolved: &crate::model::resolve::Resolved<'_>,
        threads: usize,
        errors_only: bool,
    ) -> Vec<Diagnostic> {
        let stack = &*resolved.stack;
        let mut out = stack.raw_diagnostics(threads, errors_only);
        out.extend(read_back_diagnostics(self, resolved));
        out.extend(self.pod_security_diagnostics());
        out.extend(stack.admission_diagnostics());
        if !errors_only {
            out.extend(stack.traffic_diagnostics());
        }
        stack.apply_suppressions(&mut out);
        out
    }

    /// [`Stack::unsorted_diagnostics_on`] of a resolved stack, before suppressions.
    fn raw_diagnostics(&self, threads: usize, errors_only: bool) -> Vec<Diagnostic> {
        let n = self.objects.len();
        let parts = threads.min(n.max(1));
        if parts <= 1 {
            let mut out = self.object_diagnostics(&Index::new(self), &self.objects, true);
            out.extend(self.lint(errors_only));
            out
        } else {
            let size = n.div_ceil(parts);
            let join = |h: std::thread::ScopedJoinHandle<'_, Vec<Diagnostic>>| {
                h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
            };
            std::thread::scope(|scope| {
                // The lints need no index: they run while it is built.
                let lint = scope.spawn(|| self.lint(errors_only));
                let index = Index::new(self);
                let mut out = std::thread::scope(|parts| {
                    let index = &index;
                    let rest: Vec<_> = self.objects[size..]
                        .chunks(size)
                        .map(|part| {
                            parts.spawn(move || self.object_diagnostics(index, part, false))
                        })
                        .collect();
                    let mut out = self.object_diagnostics(index, &self.objects[..size], true);
                    for h in rest {
                        out.extend(join(h));
                    }
                    out
                });
                out.extend(join(lint));
                out
            })
        }
    }

    /// Structure and cross-reference diagnostics of `objects` (a run of this stack's
    /// objects), with those of the namespace itself when `namespace` is set.
    fn object_diagnostics(
        &self,
        index: &Index<'_>,
        objects: &[Object],
        namespace: bool,
    ) -> Vec<Diagnostic> {
        let mut c = Checker {
            index,
            out: Vec::new(),
            valid_keys: FastSet::default(),
        };
        if namespace {
            self.namespace_diagnostics(&mut c);
        }
        let mut object = String::new();
        for o in objects {
            o.reference_into(&mut object);
            // The index keeps the first object of each kind and name; any other is a duplicate.
            let first = c.index.get(o.kind(), o.name().as_str());
            if !first.is_some_and(|f| std::ptr::eq(f, o)) {
                c.push(
                    RuleId::DuplicateName,
                    &object,
                    "metadata.name",
                    format!(
                        "two {} objects are named `{}`",
                        o.kind().to_lowercase(),
                        o.name()
                    ),
                );
            }
            let rule = match o {
                Object::Service(_) => NameRule::Dns1035Label,
                // A StatefulSet's name is in its pods' hostnames; a Job's and a CronJob's in
                // their pods' `job-name` label (a label value: 63 characters at most).
                Object::StatefulSet(_) => NameRule::Dns1123Label,
                Object::Job(_) => NameRule::JobName,
                Object::CronJob(_) => NameRule::CronJobName,
                _ => NameRule::Dns1123Subdomain,
            };
            c.name(rule, o.name().as_str(), &object, || {
                "metadata.name".to_owned()
            });
            c.meta(o.meta(), &object, "metadata.");
            c.suppressions(o.meta(), &object);
            let first_finding = c.out.len();
            if let Some(w) = o.pod_owner() {
                let claims: BTreeSet<&str> = match o {
                    Object::StatefulSet(s) => s.claims.iter().map(|p| p.name.as_str()).collect(),
                    _ => BTreeSet::new(),
                };
                c.workload(w.name, w.pod, w.replicas().unwrap_or(0), &claims, &object);
            }
            match o {
                Object::Deployment(d) => {
                    if let crate::model::deployment::Strategy::RollingUpdate {
                        max_surge,
                        max_unavailable,
                    } = d.strategy
                    {
                        c.rollout(
                            max_surge,
                            max_unavailable,
                            false,
                            &object,
                            "spec.strategy.rollingUpdate",
                        );
                    }
                }
                Object::DaemonSet(d) => {
                    if let crate::model::daemon_set::DaemonUpdate::RollingUpdate {
                        max_unavailable,
                        max_surge,
                    } = d.update
                    {
                        c.rollout(
                            max_surge,
                            max_unavailable,
                            true,
                            &object,
                            "spec.updateStrategy.rollingUpdate",
                        );
                    }
                }
                Object::Job(j) => c.job(&j.params, &object, "spec."),
                Object::CronJob(cj) => {
                    c.job(&cj.job.params, &object, "spec.jobTemplate.spec.");
                    c.cron_job(cj, &object);
                }
                Object::StatefulSet(s) => {
                    // pkg/apis/apps/validation/validation.go, `ValidateStatefulSetUpdateStrategy`.
                    let at = "spec.updateStrategy.rollingUpdate";
                    if let Some(m) = s.max_unavailable {
                        let zero = match m {
                            IntOrPercent::Count(n) => n < 1,
                            IntOrPercent::Percent(p) => !(1..=100).contains(&p),
                        };
                        if zero {
                            c.push(
                                RuleId::InvalidRollout,
                                &object,
                                &format!("{at}.maxUnavailable"),
                                format!("maxUnavailable {m} must be at least 1 (or 1%–100%)"),
                            );
                        }
                    }
                    if let Some(p) = s.partition.filter(|p| *p < 0) {
                        c.push(
                            RuleId::InvalidRollout,
                            &object,
                            &format!("{at}.partition"),
                            format!("partition {p} must not be negative"),
                        );
                    }
                    for (i, claim) in s.claims.iter().enumerate() {
                        c.name(NameRule::Dns1123Label, claim.name.as_str(), &object, || {
                            format!("spec.volumeClaimTemplates[{i}].metadata.name")
                        });
                    }
                    match c.index.get("Service", s.service_name.as_str()) {
                        None => c.push(
                            RuleId::MissingGoverningService,
                            &object,
                            "spec.serviceName",
                            format!("service `{}` is not in the stack", s.service_name),
                        ),
                        Some(Object::Service(svc)) if !svc.headless => c.push(
                            RuleId::GoverningServiceNotHeadless,
                            &object,
                            "spec.serviceName",
                            format!(
                                "service `{}` is not headless, so pods get no stable dns names",
                                s.service_name
                            ),
                        ),
                        Some(_) => {}
                    }
                }
                Object::Service(s) => c.service(s, &object),
                Object::Ingress(i) => c.ingress(i),
                Object::HorizontalPodAutoscaler(h) => c.autoscaler(h),
                Object::PodDisruptionBudget(p) => {
                    c.workload_target(&p.target, &object, "spec.selector");
                }
                Object::NetworkPolicy(p) => match &*p.rule {
                    crate::model::network_policy::PolicyRule::Between { from, to, .. } => {
                        c.workload_target(from, &object, "spec.ingress[0].from[0].podSelector");
                        c.workload_target(to, &object, "spec.podSelector");
                    }
                    crate::model::network_policy::PolicyRule::FromNamespace {
                        to: Some(to),
                        ..
                    } => {
                        c.workload_target(to, &object, "spec.podSelector");
                    }
                    _ => {}
                },
                Object::ConfigMap(cm) => {
                    for k in cm.data.keys() {
                        if let Err(e) = NameRule::ConfigKey.validate(k) {
                            c.push(
                                RuleId::InvalidKey,
                                &object,
                                &format!("data.{k}"),
                                e.to_string(),
                            );
                        }
                    }
                }
                Object::Secret(s) => {
                    for (k, var) in &s.missing {
                        c.push(
                            RuleId::SecretValueMissing,
                            &object,
                            &format!("data.{k}"),
                            format!("no value for key `{k}`: variable {var} is not set"),
                        );
                    }
                    for k in s.data.keys() {
                        if let Err(e) = NameRule::ConfigKey.validate(k) {
                            c.push(
                                RuleId::InvalidKey,
                                &object,
                                &format!("data.{k}"),
                                e.to_string(),
                            );
                        }
                    }
                }
                // What cannot be read was reported with the notes of the read-back.
                Object::K8s(k) => c.rbac(k, self.namespace.as_str(), &object),
                Object::Custom(x) if builtin_kind_of_custom(x).is_some() => {
                    let (builder, k8s) = builtin_kind_of_custom(x).unwrap_or_default();
                    c.push(
                        RuleId::BuiltinKindAsCustom,
                        &object,
                        "apiVersion",
                        format!(
                            "`{}` {} is a built-in kind, not a custom resource: use {builder}`Stack::with_k8s` with `{k8s}`",
                            x.api_version, x.kind
                        ),
                    );
                }
                Object::Custom(x) => {
                    let version_ok = x
                        .api_version
                        .split_once('/')
                        .is_some_and(|(g, v)| g.contains('.') && !v.is_empty());
                    if !version_ok {
                        c.push(
                            RuleId::InvalidApiVersion,
                            &object,
                            "apiVersion",
                            format!(
                                "apiVersion `{}` is not `group/version` of a custom resource",
                                x.api_version
                            ),
                        );
                    }
                    if !x.kind.starts_with(|ch: char| ch.is_ascii_uppercase())
                        || !x.kind.chars().all(|ch| ch.is_ascii_alphanumeric())
                    {
                        c.push(
                            RuleId::InvalidKind,
                            &object,
                            "kind",
                            format!("kind `{}` is not a CamelCase kind name", x.kind),
                        );
                    }
                }
                Object::PersistentVolumeClaim(_)
                | Object::ServiceAccount(_)
                | Object::ResourceQuota(_)
                | Object::LimitRange(_) => {}
            }
            match o {
                Object::CronJob(_) => cron_paths(&mut c.out[first_finding..]),
                Object::K8s(k) if k.pod.is_some() => pod_paths(&mut c.out[first_finding..]),
                _ => {}
            }
        }
        c.out
    }

    fn namespace_diagnostics<'a>(&'a self, c: &mut Checker<'_, 'a>) {
        let ns_object = format!("namespace/{}", self.namespace);
        c.name(
            NameRule::Dns1123Label,
            self.namespace.as_str(),
            &ns_object,
            || "metadata.name".to_owned(),
        );
        if RESERVED_NAMESPACES.contains(&self.namespace.as_str()) {
            c.push(
                RuleId::ReservedNamespace,
                &ns_object,
                "metadata.name",
                format!(
                    "namespace `{}` is shared with the cluster; stacks get their own",
                    self.namespace
                ),
            );
        }
        c.meta(&self.meta, &ns_object, "metadata.");
        c.suppressions(&self.meta, &ns_object);
    }
}

/// Where the kubelet mounts a relative `mountPath` on Linux: Go's `filepath.Clean("/" + path)`
/// (pkg/kubelet/kubelet_pods.go, `makeMounts` → `MakeAbsolutePath`).
fn kubelet_mount_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A CronJob's pod template sits at `spec.jobTemplate.spec.template`: its findings, written
/// with the path every other workload has, are moved there.
pub(crate) fn cron_paths(out: &mut [Diagnostic]) {
    for d in out {
        if let Some(rest) = d.path.strip_prefix("spec.template.") {
            d.path = format!("spec.jobTemplate.spec.template.{rest}");
        }
    }
}

/// A bare Pod's spec sits at `spec`, its labels at `metadata`: its findings, written with the
/// path every workload's template has, are moved there.
pub(crate) fn pod_paths(out: &mut [Diagnostic]) {
    for d in out {
        if let Some(rest) = d.path.strip_prefix("spec.template.spec.") {
            d.path = format!("spec.{rest}");
        } else if let Some(rest) = d.path.strip_prefix("spec.template.") {
            d.path = rest.to_owned();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{ConfigMap, Container, Deployment, Service, Stack};

    /// A stack above the parallel threshold with errors and warnings spread over it.
    fn large() -> Stack {
        let mut stack = Stack::new("shop");
        for i in 0..400 {
            let cfg = ConfigMap::new(format!("cfg-{i}")).entry("a", "1");
            let mut c = Container::new("web", "nginx:1.27").port("http", 8080);
            c = if i % 7 == 0 {
                c.env_from_config_map_key("B", &cfg, "missing")
            } else {
                c.env_from_config_map(&cfg)
            };
            let d = Deployment::new(format!("app-{i}").as_str(), c);
            let d = if i % 11 == 0 {
                d.suppress("liveness-probe-missing", "batch job")
            } else {
                d
            };
            let s = Service::new(format!("app-{i}").as_str()).select(&d).port(
                "http",
                80,
                if i % 13 == 0 { "nope" } else { "http" },
            );
            stack = stack.with(cfg).with(d).with(s);
        }
        stack.with(ConfigMap::new("cfg-0").entry("dup", "x"))
    }

    #[test]
    fn the_check_on_several_threads_finds_the_same_in_the_same_order() {
        let stack = large();
        assert!(stack.objects.len() >= crate::util::parallel::CHECK_FROM);
        let one = stack.unsorted_diagnostics_on(1, false);
        assert!(one.iter().any(|d| d.id == "duplicate-name"));
        assert!(one.iter().any(|d| d.id == "missing-config-map-key"));
        assert!(one.iter().any(|d| d.suppressed.is_some()));
        for threads in [2, 3, 8] {
            assert_eq!(
                stack.unsorted_diagnostics_on(threads, false),
                one,
                "{threads} threads"
            );
        }
        // More threads than objects, and no objects at all.
        let small = Stack::new("default").with(ConfigMap::new("Bad_Name"));
        let serial = small.unsorted_diagnostics_on(1, false);
        assert!(serial.len() >= 2, "{serial:?}");
        assert_eq!(small.unsorted_diagnostics_on(8, false), serial);
        let empty = Stack::new("default");
        assert_eq!(
            empty.unsorted_diagnostics_on(8, false),
            empty.unsorted_diagnostics_on(1, false)
        );
    }

    #[test]
    fn errors_only_drops_exactly_the_lints_below_error_severity() {
        use crate::diagnostic::Severity;
        let stack = large();
        let lint_rest: Vec<_> = stack
            .lint(false)
            .into_iter()
            .filter(|d| d.severity != Severity::Error)
            .map(|d| (d.id, d.object, d.path))
            .collect();
        assert!(lint_rest.len() > 1000, "{}", lint_rest.len());
        for threads in [1, 2] {
            let all = stack.unsorted_diagnostics_on(threads, false);
            let expected: Vec<_> = all
                .iter()
                .filter(|d| {
                    !lint_rest
                        .iter()
                        .any(|(id, o, p)| *id == d.id && *o == d.object && *p == d.path)
                })
                .cloned()
                .collect();
            assert!(expected.iter().any(|d| d.severity == Severity::Error));
            assert_eq!(
                stack.unsorted_diagnostics_on(threads, true),
                expected,
                "{threads} threads"
            );
        }
    }
}

#[cfg(test)]
mod mount_path_tests {
    use super::kubelet_mount_path;

    #[test]
    fn relative_mount_paths_resolve_as_the_kubelet_resolves_them() {
        for (path, mounted) in [
            ("data", "/data"),
            ("./data", "/data"),
            ("a/./b//c/", "/a/b/c"),
            ("../etc", "/etc"),
            ("a/../../b", "/b"),
            ("..", "/"),
        ] {
            assert_eq!(kubelet_mount_path(path), mounted, "{path}");
        }
    }
}

/// For a custom object of a built-in API group: the builder to use instead (`kubefit::Job` or
/// empty) and the k8s-openapi type for `Stack::with_k8s`.
fn builtin_kind_of_custom(x: &crate::model::custom::CustomObject) -> Option<(String, String)> {
    use crate::model::builtin::{builtin_kind, group_of, is_builtin_group};
    let group = group_of(&x.api_version).filter(|g| is_builtin_group(g))?;
    // A kind kubefit does not know in a built-in group is judged as a bad apiVersion.
    let builder = builtin_kind(&x.api_version, &x.kind)?
        .builder
        .map_or_else(String::new, |b| format!("`kubefit::{b}` or "));
    let module = match group {
        "" => "core".to_owned(),
        g => g.split('.').next().unwrap_or(g).to_owned(),
    };
    let version = x.api_version.rsplit('/').next().unwrap_or("v1");
    Some((
        builder,
        format!("k8s_openapi::api::{module}::{version}::{}", x.kind),
    ))
}

/// The check's findings about objects read back into the model: values that cannot be read
/// (errors), fields the model has no place for (one note per object), and the kinds not read
/// at all (one note for the stack).
fn read_back_diagnostics(
    stack: &Stack,
    r: &crate::model::resolve::Resolved<'_>,
) -> Vec<Diagnostic> {
    let mut c = Vec::new();
    let rule = |id: RuleId, object: &str, path: &str, message: String| {
        Diagnostic::of(id, object, path, message)
    };
    for n in &r.notes {
        for (path, problem) in &n.problems {
            c.push(rule(
                RuleId::UnreadableObject,
                &n.object,
                path,
                format!("cannot be read: {problem}"),
            ));
        }
        if !n.unmodelled.is_empty() {
            const SHOWN: usize = 8;
            let mut list = n.unmodelled[..n.unmodelled.len().min(SHOWN)].join(", ");
            if n.unmodelled.len() > SHOWN {
                list.push_str(&format!(" and {} more", n.unmodelled.len() - SHOWN));
            }
            c.push(rule(
                RuleId::NotModelled,
                &n.object,
                "",
                format!("kept as given, not checked or budgeted: {list}"),
            ));
        }
    }
    if !r.unread.is_empty() {
        let total: usize = r.unread.values().sum();
        let kinds: Vec<String> = r.unread.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        c.push(rule(
            RuleId::NotModelled,
            &format!("namespace/{}", stack.namespace),
            "",
            format!(
                "not modelled: {total} object(s) of kinds {}, emitted as given and checked for their names and labels only",
                kinds.join(", ")
            ),
        ));
    }
    c
}

/// What is wrong with an image's digest, if anything: a sha256 or sha512 digest must be 64
/// or 128 lowercase hex digits (the OCI image spec's descriptor digests; containerd's
/// reference parser, through go-digest's `Validate`, refuses anything else and the kubelet
/// reports `InvalidImageName`), and an all-zero digest is a placeholder no registry serves
/// (the pull fails: `ErrImagePull`). Other algorithms are not judged.
pub(crate) fn digest_problem(image: &str) -> Option<&'static str> {
    let (_, digest) = image.rsplit_once('@')?;
    let (algorithm, hex) = digest.split_once(':')?;
    let len = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => return None,
    };
    if hex.len() != len
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Some(
            "the digest is not lowercase hex of the algorithm's length, so the kubelet refuses the reference (InvalidImageName)",
        );
    }
    if hex.bytes().all(|b| b == b'0') {
        return Some(
            "the all-zero digest is a placeholder no registry serves: every pull fails (ErrImagePull); pin the image's real digest (`docker buildx imagetools inspect IMAGE` or `crane digest IMAGE`)",
        );
    }
    None
}
