//! Policy lints (the rules kube-linter, Polaris, kube-score and checkov share), run by
//! [`Stack::check`](crate::Stack::check) beside the structural checks.

use std::collections::BTreeMap;

use crate::diagnostic::rules::RuleId;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::container::{Container, EnvValue};
use crate::model::network_policy::PolicyRule;
use crate::model::object::Object;
use crate::model::pod::ContainerPath;
use crate::model::stack::Stack;
use crate::model::volume::VolumeSource;
use crate::model::workload::{IntOrPercent, PodOwner};

const DANGEROUS_CAPABILITIES: [&str; 8] = [
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
    "NET_RAW",
    "BPF",
];

const SECRET_WORDS: [&str; 8] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
];

/// The lint findings of one check. With `errors_only` (the gate of
/// [`Stack::write_yaml`](crate::Stack::write_yaml) only asks whether anything blocks),
/// findings below error severity are dropped before their path and message are spelled out.
pub(crate) struct Findings {
    out: Vec<Diagnostic>,
    errors_only: bool,
}

impl Findings {
    fn push(
        &mut self,
        id: RuleId,
        object: &str,
        path: impl FnOnce() -> String,
        message: impl FnOnce() -> String,
    ) {
        let r = id.rule();
        if self.errors_only && r.severity != Severity::Error {
            return;
        }
        self.out.push(Diagnostic::new(
            r.severity,
            r.id,
            object,
            path(),
            message(),
            r.fix,
        ));
    }
}

/// Whether the image names a mutable version: no tag, or `latest`.
fn mutable_tag(image: &str) -> bool {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    match last.split_once(':') {
        None => !image.contains('@'),
        Some((_, tag)) => tag == "latest",
    }
}

/// Above this many cores no node exists (the largest machines have a few hundred).
const IMPLAUSIBLE_CORES: u64 = 1024;
/// Below this no container starts (the runtime's own process needs more).
const IMPLAUSIBLE_MEMORY: u64 = 1024 * 1024;

/// What is implausible about a container's cpu and memory quantities: (field, message).
fn implausible(r: &crate::model::resources::Resources) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (field, cpu) in [("requests", r.cpu_request()), ("limits", r.cpu_limit())] {
        let Some(cpu) = cpu else { continue };
        let cores = cpu.as_millis() / 1000;
        if cores > IMPLAUSIBLE_CORES {
            let hint = if cpu.as_millis() % (1000 * 1024) == 0 {
                " — a memory suffix (Ki, Mi, Gi) on a cpu quantity? cpu is counted in cores or millicores (`500m`)"
            } else {
                ""
            };
            out.push((
                format!("resources.{field}.cpu"),
                format!("cpu {field} of {cores} cores: no node has that many, so the pod never schedules{hint}"),
            ));
        }
    }
    for (field, memory) in [
        ("requests", r.memory_request()),
        ("limits", r.memory_limit()),
    ] {
        let Some(memory) = memory else { continue };
        let bytes = memory.as_bytes();
        if bytes > 0 && bytes < IMPLAUSIBLE_MEMORY {
            out.push((
                format!("resources.{field}.memory"),
                format!(
                    "memory {field} of {bytes} byte(s): no process runs in that, the container is oom-killed at start — a quantity without a suffix is bytes; use `Mi` or `Gi`"
                ),
            ));
        }
    }
    out
}

fn lint_container(out: &mut Findings, c: &Container, app: bool, object: &str, base: ContainerPath) {
    let r = &c.resources;
    let name = &c.name;
    for (field, message) in implausible(r) {
        out.push(
            RuleId::ImplausibleQuantity,
            object,
            || format!("{base}.{field}"),
            || format!("container `{name}`: {message}"),
        );
    }
    if r.cpu_request().is_none() && r.cpu_limit().is_none() {
        out.push(
            RuleId::CpuRequestMissing,
            object,
            || format!("{base}.resources.requests.cpu"),
            || ["container `", name.as_str(), "` has no cpu request"].concat(),
        );
    }
    if r.cpu_limit().is_none() {
        out.push(
            RuleId::CpuLimitMissing,
            object,
            || format!("{base}.resources.limits.cpu"),
            || ["container `", name.as_str(), "` has no cpu limit"].concat(),
        );
    }
    if r.memory_request().is_none() && r.memory_limit().is_none() {
        out.push(
            RuleId::MemoryRequestMissing,
            object,
            || format!("{base}.resources.requests.memory"),
            || ["container `", name.as_str(), "` has no memory request"].concat(),
        );
    }
    if r.memory_limit().is_none() {
        out.push(
            RuleId::MemoryLimitMissing,
            object,
            || format!("{base}.resources.limits.memory"),
            || ["container `", name.as_str(), "` has no memory limit"].concat(),
        );
    }
    if mutable_tag(&c.image) {
        out.push(
            RuleId::ImageTagMutable,
            object,
            || format!("{base}.image"),
            || format!("image `{}` has no version tag or uses `latest`", c.image),
        );
    }
    if !c.image.contains("@sha256:") {
        out.push(
            RuleId::ImageNotPinned,
            object,
            || format!("{base}.image"),
            || {
                [
                    "image `",
                    c.image.as_str(),
                    "` is not pinned by digest (checkov fails CKV_K8S_43 on it)",
                ]
                .concat()
            },
        );
    }
    if c.run_as_user < 10_000 {
        out.push(
            RuleId::RunsAsRoot,
            object,
            || format!("{base}.securityContext.runAsUser"),
            || {
                if c.run_as_user == 0 {
                    match crate::check::image_users::documented_uid(&c.image) {
                        Some((uid, who)) => format!(
                            "container `{name}` runs as root (uid 0); its image is built to run as uid {uid} ({who}): Container::run_as_user({uid})"
                        ),
                        None => format!("container `{name}` runs as root (uid 0)"),
                    }
                } else {
                    format!(
                        "container `{name}` runs as uid {}, below 10000: a uid the node's own users may have",
                        c.run_as_user
                    )
                }
            },
        );
    }
    if !c.read_only_root {
        out.push(
            RuleId::WritableRootFilesystem,
            object,
            || format!("{base}.securityContext.readOnlyRootFilesystem"),
            || {
                [
                    "container `",
                    name.as_str(),
                    "` has a writable root filesystem",
                ]
                .concat()
            },
        );
    }
    if c.allow_escalation {
        out.push(
            RuleId::PrivilegeEscalationAllowed,
            object,
            || format!("{base}.securityContext.allowPrivilegeEscalation"),
            || {
                [
                    "container `",
                    name.as_str(),
                    "` allows privilege escalation",
                ]
                .concat()
            },
        );
    }
    if c.privileged {
        out.push(
            RuleId::PrivilegedContainer,
            object,
            || format!("{base}.securityContext.privileged"),
            || ["container `", name.as_str(), "` is privileged"].concat(),
        );
    }
    if !c.drop_all_capabilities {
        out.push(
            RuleId::CapabilitiesNotDropped,
            object,
            || format!("{base}.securityContext.capabilities.drop"),
            || {
                [
                    "container `",
                    name.as_str(),
                    "` keeps the runtime's default capabilities",
                ]
                .concat()
            },
        );
    }
    for (i, cap) in c.add_capabilities.iter().enumerate() {
        let upper = cap.to_ascii_uppercase();
        let bare = upper.strip_prefix("CAP_").unwrap_or(&upper);
        if DANGEROUS_CAPABILITIES.contains(&bare) {
            out.push(
                RuleId::DangerousCapability,
                object,
                || format!("{base}.securityContext.capabilities.add[{i}]"),
                || format!("container `{name}` adds capability {cap}"),
            );
        }
    }
    if app && c.liveness.is_none() {
        out.push(
            RuleId::LivenessProbeMissing,
            object,
            || format!("{base}.livenessProbe"),
            || ["container `", name.as_str(), "` has no liveness probe"].concat(),
        );
    }
    if app && c.readiness.is_none() {
        out.push(
            RuleId::ReadinessProbeMissing,
            object,
            || format!("{base}.readinessProbe"),
            || ["container `", name.as_str(), "` has no readiness probe"].concat(),
        );
    }
    for (i, e) in c.env.iter().enumerate() {
        let upper = e.name.to_ascii_uppercase();
        let secretish = SECRET_WORDS.iter().any(|w| upper.contains(w)) && !upper.ends_with("_FILE");
        match &e.value {
            EnvValue::Literal(v) if secretish && !v.is_empty() => {
                out.push(
                    RuleId::LiteralSecretInEnv,
                    object,
                    || format!("{base}.env[{i}].value"),
                    || format!("env var `{}` looks secret but has a literal value", e.name),
                );
            }
            EnvValue::Literal(v) if secret_in_value(v) => {
                out.push(
                    RuleId::LiteralSecretInEnv,
                    object,
                    || format!("{base}.env[{i}].value"),
                    || {
                        format!(
                            "env var `{}` has a literal value with credentials in it (a url password or a private key)",
                            e.name
                        )
                    },
                );
            }
            EnvValue::SecretKey { secret, .. } => {
                out.push(
                    RuleId::SecretAsEnv,
                    object,
                    || format!("{base}.env[{i}].valueFrom.secretKeyRef"),
                    || format!("env var `{}` carries secret `{secret}`", e.name),
                );
            }
            _ => {}
        }
    }
    for (i, e) in c.env_from.iter().enumerate() {
        if let crate::model::container::EnvFrom::Secret(s) = e {
            out.push(
                RuleId::SecretAsEnv,
                object,
                || format!("{base}.envFrom[{i}].secretRef"),
                || format!("secret `{s}` is imported as env vars"),
            );
        }
    }
}

fn lint_pod(out: &mut Findings, w: &PodOwner<'_>, object: &str, covered: bool, has_pdb: bool) {
    let (pod, name) = (w.pod, w.name);
    // Probes tell a serving pod's readiness and health; a Job's pods run to completion
    // (checkov CKV_K8S_8/9 and Polaris skip Jobs and CronJobs alike).
    let serving = !w.kind.runs_to_completion();
    for (path, c) in pod.all_containers() {
        lint_container(out, c, serving && !path.init, object, path);
    }
    if !pod.seccomp_runtime_default {
        out.push(
            RuleId::SeccompNotRuntimeDefault,
            object,
            || "spec.template.spec.securityContext.seccompProfile".into(),
            || "the pod runs without the RuntimeDefault seccomp profile".into(),
        );
    }
    if pod.run_as_user < 10_000 {
        out.push(
            RuleId::RunsAsRoot,
            object,
            || "spec.template.spec.securityContext.runAsUser".into(),
            || {
                format!(
                    "the pod runs as uid {} (root or below 10000)",
                    pod.run_as_user
                )
            },
        );
    }
    if pod.host_network {
        out.push(
            RuleId::HostNamespace,
            object,
            || "spec.template.spec.hostNetwork".into(),
            || "the pod shares the node's network namespace".into(),
        );
    }
    for (i, v) in pod.volumes.iter().enumerate() {
        if let VolumeSource::HostPath(p, _) = &v.source {
            out.push(
                RuleId::HostPathVolume,
                object,
                || format!("spec.template.spec.volumes[{i}].hostPath"),
                || format!("volume `{}` mounts the node's `{p}`", v.name),
            );
        }
    }
    if pod.automount_token {
        out.push(
            RuleId::ServiceAccountTokenMounted,
            object,
            || "spec.template.spec.automountServiceAccountToken".into(),
            || "the pod mounts its service-account token".into(),
        );
    }
    if !covered {
        out.push(
            RuleId::NetworkPolicyMissing,
            object,
            || "spec.template.metadata.labels".into(),
            || ["no networkpolicy selects the pods of `", name.as_str(), "`"].concat(),
        );
    }
    let replicas = w.replicas().unwrap_or(0);
    if replicas >= 2 && !has_pdb {
        out.push(
            RuleId::PdbMissing,
            object,
            || "spec.replicas".into(),
            || format!("{replicas} replicas and no poddisruptionbudget"),
        );
    }
    if replicas >= 2 && !pod.one_per_node {
        out.push(
            RuleId::AntiAffinityMissing,
            object,
            || "spec.template.spec.affinity".into(),
            || format!("{replicas} replicas may all land on one node"),
        );
    }
}

/// Whether a literal value carries a credential whatever its variable is called: a URL with
/// a password (`postgres://u:pw@db`, unless the password is a `$(VAR)`/`${VAR}` reference) or
/// a PEM private key.
pub(crate) fn secret_in_value(v: &str) -> bool {
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return true;
    }
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return false;
    };
    match userinfo.split_once(':') {
        Some((_, pw)) => !pw.is_empty() && !pw.starts_with("$(") && !pw.starts_with("${"),
        None => false,
    }
}

impl Stack {
    /// The lint diagnostics; only those of error severity when `errors_only` is set.
    ///
    /// NetworkPolicies and PodDisruptionBudgets count by their pod selectors, the builders'
    /// and the k8s-openapi ones alike.
    pub(crate) fn lint(&self, errors_only: bool) -> Vec<Diagnostic> {
        let mut out = Findings {
            out: Vec::new(),
            errors_only,
        };
        // Which pod label sets NetworkPolicies select (an empty selector selects all).
        let mut selectors: Vec<Option<std::borrow::Cow<'_, BTreeMap<String, String>>>> = Vec::new();
        let mut pdb_targets = Vec::new();
        let mut pdb_selectors: Vec<Option<BTreeMap<String, String>>> = Vec::new();
        for o in &self.objects {
            match o {
                Object::NetworkPolicy(p) => selectors.push(match &*p.rule {
                    PolicyRule::DenyAll | PolicyRule::FromNamespace { to: None, .. } => None,
                    PolicyRule::FromNamespace { to: Some(w), .. } => {
                        Some(std::borrow::Cow::Borrowed(&w.selector))
                    }
                    PolicyRule::Between { to, .. } => {
                        Some(std::borrow::Cow::Borrowed(&to.selector))
                    }
                }),
                Object::PodDisruptionBudget(p) => {
                    pdb_targets.push((p.target.kind, p.target.name.clone()));
                }
                // Given as k8s-openapi objects (imported, with_k8s): by their selectors.
                Object::K8s(k) => match (k.api_version.as_str(), k.kind.as_str()) {
                    ("networking.k8s.io/v1", "NetworkPolicy") => {
                        selectors.push(
                            raw_selector(&k.value["spec"]["podSelector"])
                                .map(std::borrow::Cow::Owned),
                        );
                    }
                    ("policy/v1", "PodDisruptionBudget") => {
                        pdb_selectors.push(raw_selector(&k.value["spec"]["selector"]));
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        self.pdbs_that_block_drains(&mut out);
        let covered = |labels: &[(&str, &str)]| {
            selectors.iter().any(|s| match s {
                None => true,
                Some(sel) => sel.iter().all(|(k, v)| {
                    labels
                        .binary_search_by(|(l, _)| (*l).cmp(k.as_str()))
                        .is_ok_and(|i| labels[i].1 == v)
                }),
            })
        };
        let mut object = String::new();
        for o in &self.objects {
            let Some(w) = o.pod_owner() else {
                continue;
            };
            o.reference_into(&mut object);
            let has_pdb = pdb_targets.iter().any(|(k, n)| *k == w.kind && n == w.name)
                || (!pdb_selectors.is_empty() && {
                    let labels = w.pod.pod_label_pairs(w.name);
                    pdb_selectors.iter().any(|sel| {
                        sel.iter().flatten().all(|(k, v)| {
                            labels
                                .iter()
                                .any(|(l, lv)| *l == k.as_str() && *lv == v.as_str())
                        })
                    })
                });
            let first = out.out.len();
            lint_pod(
                &mut out,
                &w,
                &object,
                !selectors.is_empty() && covered(&w.pod.pod_label_pairs(w.name)),
                has_pdb,
            );
            if let Object::CronJob(c) = o {
                if c.concurrency == crate::model::cron_job::ConcurrencyPolicy::Allow {
                    out.push(
                        RuleId::CronJobRunsMayOverlap,
                        &object,
                        || "spec.concurrencyPolicy".into(),
                        || {
                            format!(
                                "runs of `{}` may overlap (concurrencyPolicy Allow); the budget counts one",
                                c.name
                            )
                        },
                    );
                }
                crate::check::cron_paths(&mut out.out[first..]);
            }
            if w.kind == crate::model::workload::WorkloadKind::Pod {
                crate::check::pod_paths(&mut out.out[first..]);
            }
        }
        out.out
    }
}

/// A label selector given as JSON (`matchLabels`), `None` when it selects every pod (empty) —
/// or selects by `matchExpressions`, which the lints take as covering: they only say when
/// nothing covers a workload.
impl Stack {
    /// `pdb-blocks-drain`: a PodDisruptionBudget that allows no eviction even with every pod
    /// healthy, by the disruption controller's arithmetic (pkg/controller/disruption/
    /// disruption.go, `getExpectedPodCount`: `maxUnavailable` scaled rounding up, desired
    /// healthy = expected − maxUnavailable; an integer `minAvailable` is the desired healthy
    /// count; a percentage is scaled rounding up; evictions allowed = healthy − desired).
    /// Expected pods are the replicas of the workloads it selects.
    fn pdbs_that_block_drains(&self, out: &mut Findings) {
        let replicas_of = |selects: &dyn Fn(&PodOwner<'_>) -> bool| -> Option<i32> {
            let mut total = None;
            for w in self.objects.iter().filter_map(Object::pod_owner) {
                if selects(&w) {
                    total = Some(total.unwrap_or(0) + w.replicas()?);
                }
            }
            total
        };
        for o in &self.objects {
            let (expected, min, max) = match o {
                Object::PodDisruptionBudget(p) => (
                    replicas_of(&|w| w.kind == p.target.kind && w.name == &p.target.name),
                    p.min_available,
                    p.max_unavailable,
                ),
                Object::K8s(k)
                    if k.api_version == "policy/v1" && k.kind == "PodDisruptionBudget" =>
                {
                    let Some(sel) = raw_selector(&k.value["spec"]["selector"]) else {
                        continue;
                    };
                    let read = |v: &serde_json::Value| match v {
                        serde_json::Value::Number(n) => n
                            .as_i64()
                            .and_then(|n| i32::try_from(n).ok())
                            .map(IntOrPercent::Count),
                        serde_json::Value::String(s) => s
                            .strip_suffix('%')
                            .and_then(|p| p.parse().ok())
                            .map(IntOrPercent::Percent),
                        _ => None,
                    };
                    (
                        replicas_of(&|w| {
                            let labels = w.pod.pod_label_pairs(w.name);
                            sel.iter()
                                .all(|(k, v)| labels.iter().any(|(l, lv)| *l == k && *lv == v))
                        }),
                        read(&k.value["spec"]["minAvailable"]),
                        read(&k.value["spec"]["maxUnavailable"]),
                    )
                }
                _ => continue,
            };
            let Some(expected) = expected.filter(|n| *n > 0) else {
                continue;
            };
            let (path, allowed, what) = match (max, min) {
                (Some(m), _) => {
                    let m = m.resolve(expected, true).max(0);
                    (
                        "spec.maxUnavailable",
                        m.min(expected),
                        format!("maxUnavailable resolves to {m}"),
                    )
                }
                (None, Some(m)) => {
                    let desired = m.resolve(expected, true);
                    (
                        "spec.minAvailable",
                        expected - desired,
                        format!("minAvailable resolves to {desired} of {expected} replica(s)"),
                    )
                }
                (None, None) => continue,
            };
            if allowed <= 0 {
                out.push(
                    RuleId::PdbBlocksDrain,
                    &o.reference(),
                    || path.to_owned(),
                    || {
                        format!(
                            "{what}: it allows no eviction even with every pod healthy, so a node drain (kubectl drain, a node upgrade) waits on these pods forever"
                        )
                    },
                );
            }
        }
    }
}

fn raw_selector(selector: &serde_json::Value) -> Option<BTreeMap<String, String>> {
    let expressions = selector["matchExpressions"]
        .as_array()
        .is_some_and(|e| !e.is_empty());
    let labels: BTreeMap<String, String> = selector["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
        .collect();
    (!expressions && !labels.is_empty()).then_some(labels)
}
