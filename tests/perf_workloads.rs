//! The benchmark workloads are what they claim: `perf_anchor`'s realistic workload is
//! lint-clean (no error, no warning), fits its platform, holds every kind it says, and its
//! output passes kubernetes-validate.

mod common;

#[path = "../examples/perf_anchor.rs"]
#[allow(dead_code)]
mod perf_anchor;

use kubefit::{EmitOptions, Severity, Verdict};

#[test]
fn the_realistic_workload_is_lint_clean_and_fits() {
    let stack = perf_anchor::realistic_stack(20);
    let report = stack.check_on(&perf_anchor::realistic_platform(20));
    let loud: Vec<_> = report
        .diagnostics()
        .iter()
        .filter(|d| d.severity >= Severity::Warning && d.suppressed.is_none())
        .collect();
    assert!(loud.is_empty(), "{report}");
    assert_eq!(
        report.fit().map(|f| f.verdict()),
        Some(Verdict::Fits),
        "{report}"
    );
    // Every rule group that applies is exercised: probes, volumes, secrets, budgets.
    let kinds: std::collections::BTreeSet<&str> =
        stack.objects().iter().map(|o| o.kind()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "Ingress",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "Secret",
            "Service"
        ]
    );
}

#[test]
fn the_realistic_workload_passes_kubernetes_validate() {
    common::needs_external_tools!();
    let stack = perf_anchor::realistic_stack(3);
    let yaml = stack
        .emit(&EmitOptions::new().plaintext_secrets(true))
        .unwrap()
        .to_yaml()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("realistic.yaml");
    std::fs::write(&file, &yaml).unwrap();
    for version in ["1.33", "1.37"] {
        common::validate(std::slice::from_ref(&file), version, 7 * 3 + 3);
    }
}
