//! checkov is the judge of the hardened defaults: every example's output passes with 0 failed
//! checks, and on a deliberately insecure stack kubefit and checkov agree rule by rule.

mod common;

use std::collections::BTreeSet;

use kubefit::{Container, Deployment, EmitOptions, Stack, Volume};

/// Privileged, `:latest`, hostNetwork, hostPath (docker.sock), no resources, no probes,
/// a literal password in env, the default namespace, no NetworkPolicy.
fn insecure() -> Stack {
    Stack::new("default").with(
        Deployment::new(
            "insecure",
            Container::new("app", "nginx:latest")
                .privileged()
                .env("DB_PASSWORD", "hunter2")
                .mount("docker", "/var/run/docker.sock"),
        )
        .host_network()
        .volume(Volume::host_path("docker", "/var/run/docker.sock")),
    )
}

#[test]
fn kubefit_and_checkov_agree_on_an_insecure_stack() {
    common::needs_external_tools!();
    let stack = insecure();
    let report = stack.check();
    let fired: BTreeSet<String> = report
        .diagnostics()
        .iter()
        .map(|d| d.id.to_string())
        .collect();
    for expected in [
        "privileged-container",
        "image-tag-mutable",
        "host-namespace",
        "host-path-volume",
        "cpu-request-missing",
        "memory-limit-missing",
        "liveness-probe-missing",
        "readiness-probe-missing",
        "literal-secret-in-env",
        "reserved-namespace",
        "network-policy-missing",
    ] {
        assert!(
            fired.contains(expected),
            "kubefit missed {expected}: {report}"
        );
    }

    let dir = common::scratch();
    let yaml = stack
        .emit(&EmitOptions::new().allow_errors(true))
        .unwrap()
        .to_yaml()
        .unwrap();
    common::write(dir.path(), "insecure.yaml", &yaml);
    let failed: BTreeSet<String> = common::failed_checks(dir.path())
        .into_iter()
        .map(|(id, _)| id)
        .collect();

    let mut pairs = 0;
    for rule in kubefit::rules().iter().filter(|r| !r.checkov.is_empty()) {
        let ours = fired.contains(rule.id);
        let theirs = rule.checkov.iter().any(|c| failed.contains(*c));
        assert_eq!(
            ours,
            theirs,
            "{} (kubefit {}) vs {:?} (checkov {}); checkov failed {failed:?}",
            rule.id,
            if ours { "fires" } else { "quiet" },
            rule.checkov,
            if theirs { "fails" } else { "passes" },
        );
        pairs += 1;
    }
    assert!(pairs >= 20, "{pairs} mapped rules compared");
    // Flagged by both, not just agreed on.
    for (id, ck) in [
        ("privileged-container", "CKV_K8S_16"),
        ("image-tag-mutable", "CKV_K8S_14"),
        ("host-namespace", "CKV_K8S_19"),
        ("host-path-volume", "CKV_K8S_27"),
        ("cpu-request-missing", "CKV_K8S_10"),
        ("liveness-probe-missing", "CKV_K8S_8"),
        ("reserved-namespace", "CKV_K8S_21"),
        ("network-policy-missing", "CKV2_K8S_6"),
    ] {
        assert!(
            fired.contains(id) && failed.contains(ck),
            "{id} ↔ {ck}: {failed:?}"
        );
    }
}
