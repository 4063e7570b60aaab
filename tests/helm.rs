//! Helm charts: `helm lint --strict` passes and `helm template` with the default values
//! yields exactly the objects kubefit emits (parsed-object comparison); values change what
//! they name, and the values schema refuses what it does not know.

mod common;

use std::process::Command;

use kubefit::EmitOptions;

#[test]
fn sample_stacks_template_to_their_manifests() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    for (name, stack) in common::all_stacks() {
        let chart = dir.path().join(name);
        let templated = common::helm_round_trip(&stack, &EmitOptions::new(), &chart);
        let docs = common::parse(&templated).len();
        let file = common::write(dir.path(), &format!("{name}.yaml"), &templated);
        for v in ["1.33.0", "1.37.0"] {
            common::validate(std::slice::from_ref(&file), v, docs);
        }
    }
}

/// The chart of the sample Deployment stack, written to a new directory.
fn sample_chart() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    kubefit::HelmChart::new(&common::deployment_stack(), &EmitOptions::new())
        .unwrap()
        .write_dir(dir.path())
        .unwrap();
    dir
}

fn template(chart: &std::path::Path, set: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(common::helm());
    cmd.args(["template", "release"]).arg(chart);
    for s in set {
        cmd.args(["--set", s]);
    }
    cmd.output().expect("helm runs")
}

#[test]
fn values_set_images_replicas_and_resources() {
    common::needs_external_tools!();
    let dir = sample_chart();
    let out = template(
        dir.path(),
        &[
            "workloads.api.replicas=5",
            "workloads.api.containers.api.image.tag=2.0.0",
            "workloads.api.containers.api.image.digest=",
            "workloads.api.containers.api.resources.limits.memory=1Gi",
        ],
    );
    common::assert_ok(&out, "helm template --set");
    let objects = common::parse(&String::from_utf8(out.stdout).unwrap());
    let api = &objects[&("Deployment".to_owned(), "api".to_owned())];
    assert_eq!(api["spec"]["replicas"], 5);
    let c = &api["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "ghcr.io/acme/api:2.0.0");
    assert_eq!(c["resources"]["limits"]["memory"], "1Gi");
}

/// `--set …image.tag=$SHA` (seed 001's deploy) wins over the digest values.yaml also carries:
/// the runtime pulls by digest, so a kept digest would make the new tag change nothing. A
/// digest set explicitly is kept, with or without a new tag.
#[test]
fn a_tag_override_wins_over_the_charts_digest() {
    common::needs_external_tools!();
    let dir = sample_chart();
    let image = |set: &[&str]| {
        let out = template(dir.path(), set);
        common::assert_ok(&out, "helm template --set");
        let objects = common::parse(&String::from_utf8(out.stdout).unwrap());
        objects[&("Deployment".to_owned(), "api".to_owned())]["spec"]["template"]["spec"]
            ["containers"][0]["image"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let default = image(&[]);
    let (pinned, digest) = default.split_once('@').expect("the sample image is pinned");
    let repo = pinned.rsplit_once(':').unwrap().0;
    let tag = "workloads.api.containers.api.image.tag=";
    let new_digest = format!("sha256:{}", "a".repeat(64));
    let set_digest = format!("workloads.api.containers.api.image.digest={new_digest}");
    assert_eq!(image(&[&format!("{tag}2.0.0")]), format!("{repo}:2.0.0"));
    // Helm reads `--set` numbers as numbers: a commit-ish tag of digits still wins.
    assert_eq!(
        image(&[&format!("{tag}20261207")]),
        format!("{repo}:20261207")
    );
    assert_eq!(image(&[&set_digest]), format!("{pinned}@{new_digest}"));
    assert_eq!(
        image(&[&format!("{tag}2.0.0"), &set_digest]),
        format!("{repo}:2.0.0@{new_digest}")
    );
    assert!(digest.starts_with("sha256:"));
}

#[test]
fn the_values_schema_refuses_typos_and_bad_quantities() {
    common::needs_external_tools!();
    let dir = sample_chart();
    for (set, expect) in [
        ("workloads.apii.replicas=2", "apii"),
        (
            "workloads.api.containers.api.resources.limits.memory=lots",
            "memory",
        ),
        ("workloads.api.replicas=-1", "replicas"),
        (
            "workloads.api.containers.sidecar.image.repository=x",
            "sidecar",
        ),
    ] {
        let out = template(dir.path(), &[set]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{set} was accepted");
        assert!(stderr.contains(expect), "{set}: {stderr}");
    }
}

#[test]
fn go_template_text_in_objects_passes_through() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let stack = kubefit::Stack::new("shop").with(kubefit::ConfigMap::new("alerts").entry(
        "template.tmpl",
        "{{ define \"x\" }}{{ .Labels.alertname }}{{ end }}",
    ));
    let templated = common::helm_round_trip(&stack, &EmitOptions::new(), dir.path());
    assert!(templated.contains("{{ .Labels.alertname }}"));
}

#[test]
fn two_workloads_the_values_would_key_alike_are_refused() {
    use kubefit::{Container, Deployment, EmitError, EmitOptions, HelmChart, Job, Stack};
    let stack = Stack::new("shop")
        .with(Deployment::new(
            "migrate",
            Container::new("a", "nginx:1.27"),
        ))
        .with(Job::new("migrate", Container::new("b", "busybox:1.36")));
    let err = HelmChart::new(&stack, &EmitOptions::new()).unwrap_err();
    assert!(matches!(err, EmitError::Unsupported { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("job/migrate") && text.contains("deployment/migrate"),
        "{text}"
    );
    // Distinct names are fine.
    let ok = Stack::new("shop")
        .with(Deployment::new("web", Container::new("a", "nginx:1.27")))
        .with(Job::new("migrate", Container::new("b", "busybox:1.36")));
    assert!(HelmChart::new(&ok, &EmitOptions::new()).is_ok());
}
