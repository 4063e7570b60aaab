//! Pod Security admission: the checks of the `baseline` and `restricted` levels, as the
//! API server's PodSecurity plugin runs them on every pod it creates (k8s.io/pod-security-admission
//! v0.37, `policy/check_*.go`, one function per check below). A workload whose pod template
//! fails its namespace's enforce level is admitted, but its controller's pods are refused
//! (`FailedCreate`): nothing runs.
//!
//! The checks read the pod exactly as kubefit emits it (k8s-openapi types), so patched and
//! [`Stack::with_k8s`](crate::Stack::with_k8s) workloads are judged by what they really say.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, SecurityContext};
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::rules::RuleId;
use crate::model::object::Object;
use crate::model::stack::Stack;

/// A Pod Security Standards level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    /// The level a namespace's `pod-security.kubernetes.io/enforce` label names; a value the
    /// plugin cannot parse counts as restricted (its `DefaultPolicy` fails closed).
    pub(crate) fn of(label: &str) -> Level {
        match label {
            "privileged" => Level::Privileged,
            "baseline" => Level::Baseline,
            _ => Level::Restricted,
        }
    }
}

/// One failed check: the plugin's reason (`privileged`), its detail in the plugin's words and
/// the path of the first field at fault, relative to the pod spec (`containers[0].…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub(crate) reason: &'static str,
    pub(crate) detail: String,
    pub(crate) path: String,
}

/// The pod's containers and init containers with their paths (`visitContainers`).
fn containers(spec: &PodSpec) -> impl Iterator<Item = (String, &Container)> {
    let init = spec.init_containers.iter().flatten().enumerate();
    init.map(|(i, c)| (format!("initContainers[{i}]"), c))
        .chain(
            spec.containers
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("containers[{i}]"), c)),
        )
}

fn sc(c: &Container) -> Option<&SecurityContext> {
    c.security_context.as_ref()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "container" } else { "containers" }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Collects the containers for which `bad` holds, as one violation.
fn per_container(
    spec: &PodSpec,
    reason: &'static str,
    field: &str,
    bad: impl Fn(&Container) -> bool,
    detail: impl Fn(&str) -> String,
    out: &mut Vec<Violation>,
) {
    let hits: Vec<(String, &str)> = containers(spec)
        .filter(|(_, c)| bad(c))
        .map(|(p, c)| (p, c.name.as_str()))
        .collect();
    if let Some((path, _)) = hits.first() {
        let names: Vec<&str> = hits.iter().map(|(_, n)| *n).collect();
        out.push(Violation {
            reason,
            detail: detail(&format!("{} {}", plural(names.len()), quoted(&names))),
            path: format!("{path}.{field}"),
        });
    }
}

/// Capabilities a baseline container may add (`capabilities_allowed_1_0`).
const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Sysctls baseline allows (`sysctlsAllowedV1Dot37`).
const SAFE_SYSCTLS: [&str; 14] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

fn valid_profile(t: &str) -> bool {
    t == "RuntimeDefault" || t == "Localhost"
}

/// Every check of `level` that the pod fails, in the plugin's order of levels (baseline's,
/// then restricted's).
pub(crate) fn violations(
    level: Level,
    annotations: &BTreeMap<String, String>,
    spec: &PodSpec,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if level == Level::Privileged {
        return out;
    }
    let pod_sc = spec.security_context.as_ref();
    let windows = spec.os.as_ref().is_some_and(|o| o.name == "windows");
    // User namespaces relax the root checks (`relaxPolicyForUserNamespacePod`, 1.35+).
    let user_namespace = spec.host_users == Some(false);

    // check_windowsHostProcess.go
    let host_process = |o: Option<&k8s_openapi::api::core::v1::WindowsSecurityContextOptions>| {
        o.and_then(|w| w.host_process) == Some(true)
    };
    if host_process(pod_sc.and_then(|s| s.windows_options.as_ref())) {
        out.push(Violation {
            reason: "hostProcess",
            detail: "pod must not set securityContext.windowsOptions.hostProcess=true".into(),
            path: "securityContext.windowsOptions.hostProcess".into(),
        });
    } else {
        per_container(
            spec,
            "hostProcess",
            "securityContext.windowsOptions.hostProcess",
            |c| host_process(sc(c).and_then(|s| s.windows_options.as_ref())),
            |who| format!("{who} must not set securityContext.windowsOptions.hostProcess=true"),
            &mut out,
        );
    }
    // check_hostNamespaces.go
    let mut host = Vec::new();
    for (on, name) in [
        (spec.host_network, "hostNetwork"),
        (spec.host_pid, "hostPID"),
        (spec.host_ipc, "hostIPC"),
    ] {
        if on == Some(true) {
            host.push(name);
        }
    }
    if let Some(first) = host.first() {
        out.push(Violation {
            reason: "host namespaces",
            detail: host
                .iter()
                .map(|h| format!("{h}=true"))
                .collect::<Vec<_>>()
                .join(", "),
            path: (*first).to_owned(),
        });
    }
    // check_privileged.go
    per_container(
        spec,
        "privileged",
        "securityContext.privileged",
        |c| sc(c).and_then(|s| s.privileged) == Some(true),
        |who| format!("{who} must not set securityContext.privileged=true"),
        &mut out,
    );
    // check_capabilities_baseline.go
    let added = |c: &Container| -> Vec<String> {
        sc(c)
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|k| k.add.clone())
            .unwrap_or_default()
    };
    let non_default: std::collections::BTreeSet<String> = containers(spec)
        .flat_map(|(_, c)| added(c))
        .filter(|a| !BASELINE_CAPABILITIES.contains(&a.as_str()))
        .collect();
    if !non_default.is_empty() {
        let list: Vec<&str> = non_default.iter().map(String::as_str).collect();
        per_container(
            spec,
            "non-default capabilities",
            "securityContext.capabilities.add",
            |c| {
                added(c)
                    .iter()
                    .any(|a| !BASELINE_CAPABILITIES.contains(&a.as_str()))
            },
            |who| {
                format!(
                    "{who} must not include {} in securityContext.capabilities.add",
                    quoted(&list)
                )
            },
            &mut out,
        );
    }
    let volumes = spec.volumes.iter().flatten().enumerate();
    // check_hostPathVolumes.go (restricted's volume check replaces it)
    if level == Level::Baseline {
        let host_paths: Vec<(usize, &str)> = volumes
            .clone()
            .filter(|(_, v)| v.host_path.is_some())
            .map(|(i, v)| (i, v.name.as_str()))
            .collect();
        if let Some((i, _)) = host_paths.first() {
            let names: Vec<&str> = host_paths.iter().map(|(_, n)| *n).collect();
            out.push(Violation {
                reason: "hostPath volumes",
                detail: format!(
                    "{} {}",
                    if names.len() == 1 {
                        "volume"
                    } else {
                        "volumes"
                    },
                    quoted(&names)
                ),
                path: format!("volumes[{i}].hostPath"),
            });
        }
    }
    // check_hostPorts.go
    let host_ports = |c: &Container| -> Vec<i32> {
        c.ports
            .iter()
            .flatten()
            .filter_map(|p| p.host_port.filter(|&h| h != 0))
            .collect()
    };
    let ports: std::collections::BTreeSet<String> = containers(spec)
        .flat_map(|(_, c)| host_ports(c))
        .map(|p| p.to_string())
        .collect();
    if !ports.is_empty() {
        let list = ports.iter().cloned().collect::<Vec<_>>().join(", ");
        per_container(
            spec,
            "hostPort",
            "ports",
            |c| !host_ports(c).is_empty(),
            |who| {
                let one = !who.starts_with("containers");
                format!(
                    "{who} {} {} {list}",
                    if one { "uses" } else { "use" },
                    if ports.len() == 1 {
                        "hostPort"
                    } else {
                        "hostPorts"
                    }
                )
            },
            &mut out,
        );
    }
    // check_appArmorProfile.go
    let apparmor_bad = |p: Option<&k8s_openapi::api::core::v1::AppArmorProfile>| {
        p.is_some_and(|p| !valid_profile(&p.type_))
    };
    if apparmor_bad(pod_sc.and_then(|s| s.app_armor_profile.as_ref())) {
        out.push(Violation {
            reason: "forbidden AppArmor profile",
            detail: "pod must not set AppArmor profile type to \"Unconfined\"".into(),
            path: "securityContext.appArmorProfile.type".into(),
        });
    } else {
        per_container(
            spec,
            "forbidden AppArmor profile",
            "securityContext.appArmorProfile.type",
            |c| apparmor_bad(sc(c).and_then(|s| s.app_armor_profile.as_ref())),
            |who| format!("{who} must not set AppArmor profile type to \"Unconfined\""),
            &mut out,
        );
    }
    for (k, v) in annotations {
        if k.starts_with("container.apparmor.security.beta.kubernetes.io/")
            && !(v == "runtime/default" || v.starts_with("localhost/"))
        {
            out.push(Violation {
                reason: "forbidden AppArmor profile",
                detail: format!("annotations must not set AppArmor profile type to \"{k}={v:?}\""),
                path: format!("metadata.annotations.{k}"),
            });
            break;
        }
    }
    // check_seLinuxOptions.go
    let selinux_bad = |o: Option<&k8s_openapi::api::core::v1::SELinuxOptions>| {
        o.is_some_and(|o| {
            let t = o.type_.as_deref().unwrap_or("");
            ![
                "",
                "container_t",
                "container_init_t",
                "container_kvm_t",
                "container_engine_t",
            ]
            .contains(&t)
                || o.user.as_deref().is_some_and(|u| !u.is_empty())
                || o.role.as_deref().is_some_and(|r| !r.is_empty())
        })
    };
    if selinux_bad(pod_sc.and_then(|s| s.se_linux_options.as_ref())) {
        out.push(Violation {
            reason: "seLinuxOptions",
            detail:
                "pod must not set a forbidden securityContext.seLinuxOptions type, user or role"
                    .into(),
            path: "securityContext.seLinuxOptions".into(),
        });
    } else {
        per_container(
            spec,
            "seLinuxOptions",
            "securityContext.seLinuxOptions",
            |c| selinux_bad(sc(c).and_then(|s| s.se_linux_options.as_ref())),
            |who| {
                format!(
                    "{who} must not set a forbidden securityContext.seLinuxOptions type, user or role"
                )
            },
            &mut out,
        );
    }
    // check_procMount_baseline.go
    if !user_namespace {
        per_container(
            spec,
            "procMount",
            "securityContext.procMount",
            |c| {
                sc(c)
                    .and_then(|s| s.proc_mount.as_deref())
                    .is_some_and(|p| p != "Default")
            },
            |who| format!("{who} must not set securityContext.procMount to \"Unmasked\""),
            &mut out,
        );
    }
    // check_seccompProfile_baseline.go (restricted's replaces it)
    fn seccomp(s: Option<&k8s_openapi::api::core::v1::SeccompProfile>) -> Option<&str> {
        s.map(|p| p.type_.as_str())
    }
    let pod_seccomp = seccomp(pod_sc.and_then(|s| s.seccomp_profile.as_ref()));
    if level == Level::Baseline {
        if pod_seccomp.is_some_and(|t| !valid_profile(t)) {
            out.push(Violation {
                reason: "seccompProfile",
                detail: "pod must not set securityContext.seccompProfile.type to \"Unconfined\""
                    .into(),
                path: "securityContext.seccompProfile.type".into(),
            });
        } else {
            per_container(
                spec,
                "seccompProfile",
                "securityContext.seccompProfile.type",
                |c| {
                    seccomp(sc(c).and_then(|s| s.seccomp_profile.as_ref()))
                        .is_some_and(|t| !valid_profile(t))
                },
                |who| {
                    format!(
                        "{who} must not set securityContext.seccompProfile.type to \"Unconfined\""
                    )
                },
                &mut out,
            );
        }
    }
    // check_sysctls.go
    let sysctls: Vec<&str> = pod_sc
        .and_then(|s| s.sysctls.as_ref())
        .into_iter()
        .flatten()
        .map(|s| s.name.as_str())
        .filter(|n| !SAFE_SYSCTLS.contains(n))
        .collect();
    if !sysctls.is_empty() {
        out.push(Violation {
            reason: "forbidden sysctls",
            detail: sysctls.join(", "),
            path: "securityContext.sysctls".into(),
        });
    }
    // check_hostProbesAndhostLifecycle.go (1.34+)
    per_container(
        spec,
        "probe or lifecycle host",
        "livenessProbe",
        |c| {
            let probe_host = |p: Option<&k8s_openapi::api::core::v1::Probe>| {
                p.is_some_and(|p| {
                    p.http_get
                        .as_ref()
                        .and_then(|h| h.host.as_deref())
                        .is_some_and(|h| !h.is_empty())
                        || p.tcp_socket
                            .as_ref()
                            .and_then(|t| t.host.as_deref())
                            .is_some_and(|h| !h.is_empty())
                })
            };
            let hook_host = |h: Option<&k8s_openapi::api::core::v1::LifecycleHandler>| {
                h.is_some_and(|h| {
                    h.http_get
                        .as_ref()
                        .and_then(|g| g.host.as_deref())
                        .is_some_and(|x| !x.is_empty())
                        || h.tcp_socket
                            .as_ref()
                            .and_then(|t| t.host.as_deref())
                            .is_some_and(|x| !x.is_empty())
                })
            };
            probe_host(c.liveness_probe.as_ref())
                || probe_host(c.readiness_probe.as_ref())
                || probe_host(c.startup_probe.as_ref())
                || c.lifecycle.as_ref().is_some_and(|l| {
                    hook_host(l.post_start.as_ref()) || hook_host(l.pre_stop.as_ref())
                })
        },
        |who| format!("{who} must not set host in probes or lifecycle handlers"),
        &mut out,
    );
    if level < Level::Restricted {
        return out;
    }
    // check_restrictedVolumes.go
    let bad_volumes: Vec<(usize, &str)> = volumes
        .filter(|(_, v)| {
            !(v.config_map.is_some()
                || v.csi.is_some()
                || v.downward_api.is_some()
                || v.empty_dir.is_some()
                || v.ephemeral.is_some()
                || v.image.is_some()
                || v.persistent_volume_claim.is_some()
                || v.projected.is_some()
                || v.secret.is_some())
        })
        .map(|(i, v)| (i, v.name.as_str()))
        .collect();
    if let Some((i, _)) = bad_volumes.first() {
        let names: Vec<&str> = bad_volumes.iter().map(|(_, n)| *n).collect();
        out.push(Violation {
            reason: "restricted volume types",
            detail: format!(
                "{} {} must not use a host path or another restricted volume type",
                if names.len() == 1 {
                    "volume"
                } else {
                    "volumes"
                },
                quoted(&names)
            ),
            path: format!("volumes[{i}]"),
        });
    }
    if !windows {
        // check_allowPrivilegeEscalation.go
        per_container(
            spec,
            "allowPrivilegeEscalation != false",
            "securityContext.allowPrivilegeEscalation",
            |c| sc(c).and_then(|s| s.allow_privilege_escalation) != Some(false),
            |who| format!("{who} must set securityContext.allowPrivilegeEscalation=false"),
            &mut out,
        );
    }
    if !user_namespace {
        // check_runAsNonRoot.go
        let pod_non_root = pod_sc.and_then(|s| s.run_as_non_root);
        if pod_non_root == Some(false) {
            out.push(Violation {
                reason: "runAsNonRoot != true",
                detail: "pod must not set securityContext.runAsNonRoot=false".into(),
                path: "securityContext.runAsNonRoot".into(),
            });
        } else {
            let before = out.len();
            per_container(
                spec,
                "runAsNonRoot != true",
                "securityContext.runAsNonRoot",
                |c| sc(c).and_then(|s| s.run_as_non_root) == Some(false),
                |who| format!("{who} must not set securityContext.runAsNonRoot=false"),
                &mut out,
            );
            if out.len() == before && pod_non_root != Some(true) {
                per_container(
                    spec,
                    "runAsNonRoot != true",
                    "securityContext.runAsNonRoot",
                    |c| sc(c).and_then(|s| s.run_as_non_root).is_none(),
                    |who| format!("pod or {who} must set securityContext.runAsNonRoot=true"),
                    &mut out,
                );
            }
        }
        // check_runAsUser.go
        if pod_sc.and_then(|s| s.run_as_user) == Some(0) {
            out.push(Violation {
                reason: "runAsUser=0",
                detail: "pod must not set runAsUser=0".into(),
                path: "securityContext.runAsUser".into(),
            });
        } else {
            per_container(
                spec,
                "runAsUser=0",
                "securityContext.runAsUser",
                |c| sc(c).and_then(|s| s.run_as_user) == Some(0),
                |who| format!("{who} must not set runAsUser=0"),
                &mut out,
            );
        }
    }
    if !windows {
        // check_seccompProfile_restricted.go
        if pod_seccomp.is_some_and(|t| !valid_profile(t)) {
            out.push(Violation {
                reason: "seccompProfile",
                detail: "pod must not set securityContext.seccompProfile.type to \"Unconfined\""
                    .into(),
                path: "securityContext.seccompProfile.type".into(),
            });
        } else {
            fn container_seccomp(c: &Container) -> Option<&str> {
                seccomp(sc(c).and_then(|s| s.seccomp_profile.as_ref()))
            }
            let before = out.len();
            per_container(
                spec,
                "seccompProfile",
                "securityContext.seccompProfile.type",
                |c| container_seccomp(c).is_some_and(|t| !valid_profile(t)),
                |who| {
                    format!(
                        "{who} must not set securityContext.seccompProfile.type to \"Unconfined\""
                    )
                },
                &mut out,
            );
            if out.len() == before && pod_seccomp.is_none() {
                per_container(
                    spec,
                    "seccompProfile",
                    "securityContext.seccompProfile.type",
                    |c| container_seccomp(c).is_none(),
                    |who| {
                        format!(
                            "pod or {who} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\""
                        )
                    },
                    &mut out,
                );
            }
        }
        // check_capabilities_restricted.go
        let before = out.len();
        per_container(
            spec,
            "unrestricted capabilities",
            "securityContext.capabilities.drop",
            |c| {
                !sc(c)
                    .and_then(|s| s.capabilities.as_ref())
                    .and_then(|k| k.drop.as_ref())
                    .is_some_and(|d| d.iter().any(|x| x == "ALL"))
            },
            |who| format!("{who} must set securityContext.capabilities.drop=[\"ALL\"]"),
            &mut out,
        );
        let forbidden: std::collections::BTreeSet<String> = containers(spec)
            .flat_map(|(_, c)| added(c))
            .filter(|a| a != "NET_BIND_SERVICE")
            .collect();
        if out.len() == before && !forbidden.is_empty() {
            let list: Vec<&str> = forbidden.iter().map(String::as_str).collect();
            per_container(
                spec,
                "unrestricted capabilities",
                "securityContext.capabilities.add",
                |c| added(c).iter().any(|a| a != "NET_BIND_SERVICE"),
                |who| {
                    format!(
                        "{who} must not include {} in securityContext.capabilities.add",
                        quoted(&list)
                    )
                },
                &mut out,
            );
        }
    }
    out
}

/// Where a kind keeps its pod template, if it has one.
fn template_at(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => Some(&["spec", "template"]),
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template"]),
        "Pod" => Some(&[]),
        _ => None,
    }
}

/// The pod template of an emitted object (`value`), and the path of its spec.
fn template_of(
    kind: &str,
    object: &serde_json::Map<String, Value>,
) -> Option<(PodTemplateSpec, String)> {
    use serde::Deserialize as _;
    let at = template_at(kind)?;
    // The template's metadata and spec, read in place (no copy of the object).
    let field = |key: &str| -> Option<&Value> {
        let (first, rest) = match at.split_first() {
            Some((first, rest)) => (object.get(*first)?, rest),
            None => return object.get(key),
        };
        let mut v = first;
        for k in rest {
            v = v.get(k)?;
        }
        v.get(key)
    };
    let spec = if at.is_empty() {
        "spec.".to_owned()
    } else {
        format!("{}.spec.", at.join("."))
    };
    let t = PodTemplateSpec {
        metadata: field("metadata")
            .map(k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta::deserialize)
            .transpose()
            .ok()?,
        spec: field("spec")
            .map(k8s_openapi::api::core::v1::PodSpec::deserialize)
            .transpose()
            .ok()?,
    };
    Some((t, spec))
}

impl Stack {
    /// `pod-security-refused`: each pod template the namespace's enforce level refuses,
    /// judged on the object as emitted (patches and with_k8s objects included).
    pub(crate) fn pod_security_diagnostics(&self) -> Vec<Diagnostic> {
        let level = Level::of(&self.pod_security);
        let mut out = Vec::new();
        if level == Level::Privileged {
            return out;
        }
        let ns = self.namespace.as_str();
        for o in &self.objects {
            let found = match o {
                Object::K8s(k) => template_of(&k.kind, &k.value),
                o => match o.pod_owner() {
                    None => None,
                    Some(w) if o.meta().patches().is_empty() => {
                        let prefix = match o {
                            Object::CronJob(_) => "spec.jobTemplate.spec.template.spec.",
                            _ => "spec.template.spec.",
                        };
                        Some((w.pod.to_k8s(w.name), prefix.to_owned()))
                    }
                    Some(_) => match serde_json::to_value(o.lower(ns)) {
                        Ok(Value::Object(v)) => template_of(o.kind(), &v),
                        _ => None,
                    },
                },
            };
            let Some((template, prefix)) = found else {
                continue;
            };
            let Some(spec) = &template.spec else {
                continue;
            };
            let annotations = template
                .metadata
                .as_ref()
                .and_then(|m| m.annotations.clone())
                .unwrap_or_default();
            let found = violations(level, &annotations, spec);
            if found.is_empty() {
                continue;
            }
            // The least permissive level that admits the pod, for the fix.
            let admits = if level == Level::Restricted
                && violations(Level::Baseline, &annotations, spec).is_empty()
            {
                "baseline"
            } else {
                "privileged"
            };
            let object = o.reference();
            for v in found {
                let path = match v.path.strip_prefix("metadata.") {
                    Some(rest) => format!(
                        "{}metadata.{rest}",
                        prefix.strip_suffix("spec.").unwrap_or(&prefix)
                    ),
                    None => format!("{prefix}{}", v.path),
                };
                out.push(Diagnostic::of(
                    RuleId::PodSecurityRefused,
                    &object,
                    path,
                    format!(
                        "the namespace enforces pod security `{}`, which refuses these pods: {} ({}); its controller creates none. Meet the level, or lower it with `Stack::pod_security(\"{admits}\")` if the pod really needs it",
                        self.pod_security, v.reason, v.detail
                    ),
                ));
            }
        }
        out
    }
}
