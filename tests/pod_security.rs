//! Pod Security admission, check by check: each fires on a pod that breaks it, at the level
//! that enforces it, and is quiet on the hardened pod. Sources: k8s.io/pod-security-admission
//! v0.37.2, `policy/check_*.go` (named per case).

use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, HTTPGetAction, HostPathVolumeSource, Pod,
    PodSecurityContext, PodSpec, Probe, SeccompProfile, SecurityContext, Sysctl, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubefit::{Container as Builder, Deployment, Stack};

/// A pod every level admits.
fn hardened() -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some("probe".into()),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "app".into(),
                image: Some("busybox:1.36".into()),
                security_context: Some(SecurityContext {
                    allow_privilege_escalation: Some(false),
                    capabilities: Some(Capabilities {
                        drop: Some(vec!["ALL".into()]),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                seccomp_profile: Some(SeccompProfile {
                    type_: "RuntimeDefault".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn spec(p: &mut Pod) -> &mut PodSpec {
    p.spec.as_mut().unwrap()
}

fn container(p: &mut Pod) -> &mut SecurityContext {
    spec(p).containers[0].security_context.as_mut().unwrap()
}

/// The pod-security-refused findings of `pod` in a namespace enforcing `level`: (path, message).
fn refused(level: &str, pod: &Pod) -> Vec<(String, String)> {
    Stack::new("lab")
        .pod_security(level)
        .with_k8s(pod)
        .check()
        .diagnostics()
        .iter()
        .filter(|d| d.id == "pod-security-refused")
        .map(|d| (d.path.clone(), d.message.clone()))
        .collect()
}

type Case = (&'static str, fn(&mut Pod), &'static str, &'static str);

/// (source, how the pod breaks it, the plugin's reason, the path of the field).
const BASELINE: [Case; 10] = [
    (
        "check_hostNamespaces.go",
        |p| spec(p).host_pid = Some(true),
        "host namespaces (hostPID=true)",
        "spec.hostPID",
    ),
    (
        "check_privileged.go",
        |p| container(p).privileged = Some(true),
        "privileged (container \"app\" must not set securityContext.privileged=true)",
        "spec.containers[0].securityContext.privileged",
    ),
    (
        "check_capabilities_baseline.go",
        |p| container(p).capabilities.as_mut().unwrap().add = Some(vec!["NET_ADMIN".into()]),
        "non-default capabilities (container \"app\" must not include \"NET_ADMIN\"",
        "spec.containers[0].securityContext.capabilities.add",
    ),
    (
        "check_hostPathVolumes.go",
        |p| {
            spec(p).volumes = Some(vec![Volume {
                name: "dev".into(),
                host_path: Some(HostPathVolumeSource {
                    path: "/dev".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }])
        },
        "volume \"dev\"",
        "spec.volumes[0]",
    ),
    (
        "check_hostPorts.go",
        |p| {
            spec(p).containers[0].ports = Some(vec![ContainerPort {
                container_port: 80,
                host_port: Some(80),
                ..Default::default()
            }])
        },
        "hostPort (container \"app\" uses hostPort 80)",
        "spec.containers[0].ports",
    ),
    (
        "check_procMount_baseline.go",
        |p| container(p).proc_mount = Some("Unmasked".into()),
        "procMount (container \"app\" must not set securityContext.procMount to \"Unmasked\")",
        "spec.containers[0].securityContext.procMount",
    ),
    (
        "check_seccompProfile_baseline.go",
        |p| {
            spec(p).security_context.as_mut().unwrap().seccomp_profile = Some(SeccompProfile {
                type_: "Unconfined".into(),
                ..Default::default()
            })
        },
        "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
        "spec.securityContext.seccompProfile.type",
    ),
    (
        "check_sysctls.go",
        |p| {
            spec(p).security_context.as_mut().unwrap().sysctls = Some(vec![Sysctl {
                name: "vm.max_map_count".into(),
                value: "262144".into(),
            }])
        },
        "forbidden sysctls (vm.max_map_count)",
        "spec.securityContext.sysctls",
    ),
    (
        "check_hostProbesAndhostLifecycle.go",
        |p| {
            spec(p).containers[0].liveness_probe = Some(Probe {
                http_get: Some(HTTPGetAction {
                    host: Some("10.0.0.1".into()),
                    port: IntOrString::Int(80),
                    ..Default::default()
                }),
                ..Default::default()
            })
        },
        "probe or lifecycle host",
        "spec.containers[0].livenessProbe",
    ),
    (
        "check_seLinuxOptions.go",
        |p| {
            container(p).se_linux_options = Some(k8s_openapi::api::core::v1::SELinuxOptions {
                type_: Some("spc_t".into()),
                ..Default::default()
            })
        },
        "seLinuxOptions",
        "spec.containers[0].securityContext.seLinuxOptions",
    ),
];

const RESTRICTED: [Case; 5] = [
    (
        "check_allowPrivilegeEscalation.go",
        |p| container(p).allow_privilege_escalation = None,
        "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false)",
        "spec.containers[0].securityContext.allowPrivilegeEscalation",
    ),
    (
        "check_runAsNonRoot.go",
        |p| spec(p).security_context.as_mut().unwrap().run_as_non_root = None,
        "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true)",
        "spec.containers[0].securityContext.runAsNonRoot",
    ),
    (
        "check_runAsUser.go",
        |p| container(p).run_as_user = Some(0),
        "runAsUser=0 (container \"app\" must not set runAsUser=0)",
        "spec.containers[0].securityContext.runAsUser",
    ),
    (
        "check_seccompProfile_restricted.go",
        |p| spec(p).security_context.as_mut().unwrap().seccomp_profile = None,
        "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
        "spec.containers[0].securityContext.seccompProfile.type",
    ),
    (
        "check_capabilities_restricted.go",
        |p| container(p).capabilities = None,
        "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"])",
        "spec.containers[0].securityContext.capabilities.drop",
    ),
];

#[test]
fn the_hardened_pod_is_admitted_at_every_level() {
    for level in ["privileged", "baseline", "restricted"] {
        assert_eq!(refused(level, &hardened()), []);
    }
}

#[test]
fn each_baseline_check_refuses_at_baseline_and_restricted_but_not_privileged() {
    for (source, break_it, reason, path) in BASELINE {
        let mut pod = hardened();
        break_it(&mut pod);
        for level in ["baseline", "restricted"] {
            let found = refused(level, &pod);
            assert!(
                found
                    .iter()
                    .any(|(p, m)| p.starts_with(path) && m.contains(reason)),
                "{source} at {level}: expected `{reason}` at {path}, got {found:#?}"
            );
        }
        assert_eq!(refused("privileged", &pod), [], "{source}");
    }
}

#[test]
fn each_restricted_check_refuses_only_at_restricted() {
    for (source, break_it, reason, path) in RESTRICTED {
        let mut pod = hardened();
        break_it(&mut pod);
        let found = refused("restricted", &pod);
        assert!(
            found
                .iter()
                .any(|(p, m)| p.starts_with(path) && m.contains(reason)),
            "{source}: expected `{reason}` at {path}, got {found:#?}"
        );
        // The fix names the lowest level that admits it.
        assert!(
            found[0].1.contains(r#"Stack::pod_security("baseline")"#),
            "{source}: {found:?}"
        );
        assert_eq!(refused("baseline", &pod), [], "{source}");
    }
}

#[test]
fn user_namespaces_relax_the_root_checks() {
    // relaxPolicyForUserNamespacePod (policy/helpers.go, 1.35+): hostUsers false.
    let mut pod = hardened();
    container(&mut pod).run_as_user = Some(0);
    spec(&mut pod).host_users = Some(false);
    assert_eq!(refused("restricted", &pod), []);
}

#[test]
fn builders_and_patches_are_judged_as_emitted() {
    // kubefit's defaults meet `restricted`.
    let web = || Deployment::new("web", Builder::new("web", "nginx:1.27"));
    let ok = Stack::new("shop").with(web()).check();
    assert_eq!(ok.with_id("pod-security-refused").count(), 0, "{ok}");
    // hostPID is not a builder field: a patch sets it, and the check sees the emitted pod.
    let patched = web().patch(|d: &mut k8s_openapi::api::apps::v1::Deployment| {
        d.spec.template.spec.get_or_insert_default().host_pid = Some(true);
    });
    let report = Stack::new("shop").with(patched).check();
    let d = report
        .with_id("pod-security-refused")
        .next()
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(d.path, "spec.template.spec.hostPID");
    assert!(report.has_errors());
    // A privileged init container in a baseline namespace.
    let sysctl = web().init_container(Builder::new("sysctl", "busybox:1.36").privileged());
    let report = Stack::new("shop")
        .pod_security("baseline")
        .with(sysctl)
        .check();
    let d = report
        .with_id("pod-security-refused")
        .next()
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(
        d.path,
        "spec.template.spec.initContainers[0].securityContext.privileged"
    );
    assert!(
        d.message.contains(r#"Stack::pod_security("privileged")"#),
        "{}",
        d.message
    );
}
