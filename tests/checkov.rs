//! checkov is the judge of the hardened defaults: every example's output passes with 0 failed
//! checks, and on a deliberately insecure stack kubefit and checkov agree rule by rule.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use kubefit::{Container, Deployment, EmitOptions, Stack, Volume};

fn checkov() -> PathBuf {
    if let Some(p) = std::env::var_os("KUBEFIT_CHECKOV") {
        return p.into();
    }
    let venv = common::repo_root().join(".venv-checkov/bin/checkov");
    if venv.exists() {
        return venv;
    }
    common::find_on_path("checkov").unwrap_or_else(|| {
        panic!("checkov is not installed: run scripts/test.sh (it installs it into .venv-checkov/)")
    })
}

/// A scratch directory checkov will scan (it skips hidden directories such as `.tmpXXXX`).
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("kubefit-checkov-")
        .tempdir()
        .unwrap()
}

/// (check id, resource) of every failed check in `dir`; panics unless checkov really
/// scanned resources there.
fn failed_checks(dir: &Path) -> Vec<(String, String)> {
    let out = Command::new(checkov())
        .args([
            "--framework",
            "kubernetes",
            "-o",
            "json",
            "--quiet",
            "--compact",
            "--skip-download",
            "-d",
        ])
        .arg(dir)
        .output()
        .expect("checkov runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "checkov printed no json ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let reports = match json {
        serde_json::Value::Array(v) => v,
        other => vec![other],
    };
    let mut failed = Vec::new();
    let mut scanned = 0;
    for r in &reports {
        scanned += r["summary"]["passed"].as_u64().unwrap_or(0)
            + r["summary"]["failed"].as_u64().unwrap_or(0);
    }
    assert!(
        scanned > 0,
        "checkov checked nothing in {}: {text}",
        dir.display()
    );
    for r in reports {
        if let Some(checks) = r["results"]["failed_checks"].as_array() {
            for c in checks {
                failed.push((
                    c["check_id"].as_str().unwrap_or_default().to_owned(),
                    c["resource"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
    }
    failed
}

#[test]
fn every_example_passes_checkov_with_the_builders_defaults() {
    // (example, the directory of its manifests under --out)
    for (example, manifests) in [
        ("quickstart", ""),
        ("phase_v_always_free", ""),
        ("chase_sets", "rendered"),
    ] {
        let dir = scratch();
        let out = dir.path().join("out");
        let run = common::run_example(example, [std::ffi::OsStr::new("--out"), out.as_os_str()]);
        assert!(run.status.success(), "{example} failed");
        let failed = failed_checks(&out.join(manifests));
        assert!(failed.is_empty(), "{example}: checkov failed {failed:?}");
    }
}

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
    let stack = insecure();
    let report = stack.check();
    let fired: BTreeSet<String> = report.diagnostics().iter().map(|d| d.id.clone()).collect();
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

    let dir = scratch();
    let yaml = stack
        .emit(&EmitOptions::new().allow_errors(true))
        .unwrap()
        .to_yaml()
        .unwrap();
    common::write(dir.path(), "insecure.yaml", &yaml);
    let failed: BTreeSet<String> = failed_checks(dir.path())
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
