//! Every rule fires on a stack made to break it and stays quiet on the fixed stack;
//! suppressions keep findings visible, marked with their reason.

mod common;

use common::cases::*;
use kubefit::{
    Cpu, Deployment, EmitOptions, Environment, Memory, Platform, Resources, Severity, Stack,
};

#[test]
fn every_rule_fires_on_its_bad_stack() {
    for rule in kubefit::rules() {
        let (bad, _) = case(rule.id);
        let (ids, report) = findings(rule.id, &bad, true);
        assert!(
            ids.iter().any(|i| i == rule.id),
            "{} did not fire:\n{report}",
            rule.id,
        );
    }
}

#[test]
fn every_rule_is_quiet_on_its_good_stack() {
    for rule in kubefit::rules() {
        let (_, good) = case(rule.id);
        let (ids, report) = findings(rule.id, &good, false);
        assert!(
            !ids.iter().any(|i| i == rule.id),
            "{} fired on the good stack:\n{report}",
            rule.id,
        );
    }
}

#[test]
fn there_are_at_least_25_rules_with_full_documentation() {
    let rules = kubefit::rules();
    assert!(rules.len() >= 25);
    let mut seen = std::collections::BTreeSet::new();
    for r in rules {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        assert!(
            r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            r.id
        );
        assert!(
            !r.rationale.is_empty() && !r.fix.is_empty() && !r.bad.is_empty() && !r.good.is_empty()
        );
    }
    // The three checks no other tool makes before deploy.
    for id in [
        "request-exceeds-limit",
        "target-port-mismatch",
        "missing-config-map-key",
    ] {
        let r = kubefit::rule(id).unwrap();
        assert!(r.kube_linter.is_empty() && r.polaris.is_empty() && r.checkov.is_empty());
    }
}

#[test]
fn rules_reference_page_is_current() {
    let path = common::repo_root().join("docs/rules.md");
    let generated = kubefit::rules_markdown();
    if std::env::var_os("KUBEFIT_UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("docs/rules.md exists");
    assert_eq!(
        committed, generated,
        "docs/rules.md is stale: rerun with KUBEFIT_UPDATE_SCHEMAS=1"
    );
}

#[test]
fn suppressed_findings_stay_visible_with_their_reason() {
    let d = web(good())
        .replicas(2)
        .one_replica_per_node()
        .suppress("pdb-missing", "drained by hand, never automatically");
    let stack = stack_with(d);
    let report = stack.check();
    let found: Vec<_> = report.with_id("pdb-missing").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].suppressed.as_deref(),
        Some("drained by hand, never automatically")
    );
    let text = report.to_string();
    assert!(
        text.contains("suppressed info[pdb-missing] deployment/web"),
        "{text}"
    );
    assert!(
        text.contains("(suppressed: drained by hand, never automatically)"),
        "{text}"
    );
    assert!(text.contains("1 suppressed"), "{text}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["suppressed"] == "drained by hand, never automatically")
    );
}

#[test]
fn suppressed_errors_and_warnings_do_not_count() {
    let stack = stack_with(
        web(good().run_as_user(0)).suppress("runs-as-root", "the image needs uid 0 for now"),
    );
    let report = stack.check();
    assert_eq!(report.warning_count(), 0, "{report}");
    let found: Vec<_> = report.with_id("runs-as-root").collect();
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(
        found[0].suppressed.as_deref(),
        Some("the image needs uid 0 for now")
    );
}

#[test]
fn stack_wide_suppression_and_its_checkov_annotation() {
    let stack = Stack::new("shop")
        .suppress(
            "network-policy-missing",
            "policies live in the platform repo",
        )
        .with(web(good()));
    let report = stack.check();
    assert_eq!(report.warning_count(), 0, "{report}");
    assert_eq!(
        report
            .with_id("network-policy-missing")
            .next()
            .unwrap()
            .suppressed
            .as_deref(),
        Some("policies live in the platform repo")
    );
    let yaml = stack.emit(&EmitOptions::new()).unwrap().to_yaml().unwrap();
    assert!(
        yaml.contains("checkov.io/skip1: CKV2_K8S_6=policies live in the platform repo"),
        "{yaml}"
    );
}

#[test]
fn suppressions_need_a_known_rule_and_a_reason() {
    let stack = stack_with(
        web(good())
            .suppress("no-such-rule", "x")
            .suppress("pdb-missing", " "),
    );
    let report = stack.check();
    assert_eq!(report.with_id("unknown-rule").count(), 1, "{report}");
    assert_eq!(
        report.with_id("suppression-without-reason").count(),
        1,
        "{report}"
    );
    assert!(report.has_errors());
}

#[test]
fn lint_findings_have_the_severity_of_their_rule() {
    let (bad, _) = case("privileged-container");
    let d = bad
        .check()
        .with_id("privileged-container")
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.path,
        "spec.template.spec.containers[0].securityContext.privileged"
    );
}

#[test]
fn errors_the_cluster_refuses_cannot_be_suppressed() {
    let stack =
        stack_with(Deployment::new("Web_App", good()).suppress("invalid-name", "we like it"));
    let report = stack.check();
    // The finding stays an error, and the suppression itself is one.
    let name = report.with_id("invalid-name").next().unwrap();
    assert!(name.suppressed.is_none(), "{report}");
    let refused: Vec<_> = report.with_id("suppression-not-allowed").collect();
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0].object, "deployment/Web_App");
    assert!(
        refused[0]
            .message
            .contains("`invalid-name` cannot be suppressed")
    );
    assert!(report.has_errors());
}

#[test]
fn budget_findings_are_suppressible_like_the_others() {
    let big = web(good().resources(
        Resources::new()
            .requests(Cpu::cores(64), Memory::mebibytes(128))
            .limits(Cpu::cores(64), Memory::mebibytes(256)),
    ));
    let platform = Platform::oci_always_free();
    let report = stack_with(big.clone()).check_on(&platform);
    assert!(report.has_errors(), "{report}");
    let report = stack_with(big)
        .suppress(
            "does-not-fit",
            "sized for the paid tier, checked here for the rest",
        )
        .check_on(&platform);
    let d = report.with_id("does-not-fit").next().unwrap();
    assert_eq!(
        d.suppressed.as_deref(),
        Some("sized for the paid tier, checked here for the rest")
    );
    assert!(!report.has_errors(), "{report}");
    // The fit says the truth about the cluster, and the emit gates agree with the report.
    let suppressed = stack_with(web(good().resources(
        Resources::new()
            .requests(Cpu::cores(64), Memory::mebibytes(128))
            .limits(Cpu::cores(64), Memory::mebibytes(256)),
    )))
    .suppress("does-not-fit", "sized for the paid tier");
    assert_eq!(
        suppressed.fit(&platform).verdict(),
        kubefit::Verdict::DoesNotFit
    );
    let options = EmitOptions::new().platform(platform);
    assert!(suppressed.emit(&options).is_ok());
    assert!(suppressed.write_yaml(&options, std::io::sink()).is_ok());
}

#[test]
fn every_finding_carries_its_rules_severity_and_fix() {
    // Whatever part of kubefit reports it, a finding's severity and hint are its rule's.
    for rule in kubefit::rules() {
        let (bad, _) = case(rule.id);
        let (bad_platform, _) = platforms(rule.id);
        let mut all = bad.check().diagnostics().to_vec();
        all.extend(bad.check_on(&bad_platform).diagnostics().iter().cloned());
        all.extend(
            bad.check_environment(&Environment::new("prod").replicas("nope", 2))
                .diagnostics()
                .iter()
                .cloned(),
        );
        for d in all {
            let r = kubefit::rule(&d.id).unwrap_or_else(|| panic!("{} is not in the table", d.id));
            assert_eq!(d.severity, r.severity, "{d}");
            assert_eq!(d.hint, r.fix, "{d}");
            assert_eq!(d.id.parse::<kubefit::RuleId>().unwrap().as_str(), d.id);
        }
    }
}
