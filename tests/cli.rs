//! The `kubefit` command-line example: exit codes, output, and nothing written on errors.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn kubefit(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO"))
        .arg("run")
        .arg("--manifest-path")
        .arg(common::repo_root().join("Cargo.toml"))
        .args(["--quiet", "--example", "kubefit", "--"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

const GOOD: &str = r#"namespace: shop
networkPolicies: [{name: default-deny, defaultDeny: true}]
deployments:
  - name: web
    pod:
      containers:
        - name: web
          image: nginxinc/nginx-unprivileged:1.27
          ports: [{name: http, port: 8080}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 256Mi}}
          readinessProbe: {http: {path: /, port: http}}
          livenessProbe: {http: {path: /, port: http}}
services:
  - name: web
    selector: {app.kubernetes.io/name: web}
    ports: [{name: http, port: 80, target: http}]
environments:
  - name: prod
    namespace: shop-prod
    replicas: {web: 3}
platform: oci-always-free
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        GOOD.replace("target: http", "target: https"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("huge.yaml"),
        GOOD.replace(
            "cpu: 100m, memory: 128Mi}, limits: {cpu: 200m",
            "cpu: '3', memory: 128Mi}, limits: {cpu: '3'",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "namespace: shop\nbogus: [\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_exit_codes() {
    let dir = setup();
    let d = dir.path();
    let ok = kubefit(&["check", "good.yaml"], d);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("verdict: FITS"));
    assert!(
        !String::from_utf8_lossy(&ok.stdout).contains('\x1b'),
        "no colour when piped"
    );

    let bad = kubefit(&["check", "bad.yaml"], d);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stdout).contains("error[target-port-mismatch] service/web")
    );

    let huge = kubefit(&["check", "huge.yaml"], d);
    assert_eq!(huge.status.code(), Some(1), "does not fit");
    assert!(String::from_utf8_lossy(&huge.stdout).contains("DOES NOT FIT"));

    let broken = kubefit(&["check", "broken.yaml"], d);
    assert_eq!(broken.status.code(), Some(2));
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains("broken.yaml:"), "{err}");

    assert_eq!(
        kubefit(&["check", "missing.yaml"], d).status.code(),
        Some(2)
    );
    assert_eq!(kubefit(&["check"], d).status.code(), Some(2), "usage");
    assert_eq!(
        kubefit(&["check", "good.yaml", "--env", "nope"], d)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        kubefit(&["check", "good.yaml", "--platform", "nope"], d)
            .status
            .code(),
        Some(2)
    );
    let prod = kubefit(
        &[
            "check",
            "good.yaml",
            "--env",
            "prod",
            "--platform",
            "gcp-e2-micro",
        ],
        d,
    );
    assert_eq!(prod.status.code(), Some(1), "prod does not fit an e2-micro");
}

#[test]
fn check_json_has_the_same_findings() {
    let dir = setup();
    let out = kubefit(&["check", "bad.yaml", "--json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    assert_eq!(v["fit"]["verdict"], "fits");
}

#[test]
fn emit_writes_only_good_stacks() {
    let dir = setup();
    let d = dir.path();
    let ok = kubefit(&["emit", "good.yaml", "--out", "out"], d);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(d.join("out/03-deployment-web.yaml").exists());
    let json = kubefit(
        &[
            "emit",
            "good.yaml",
            "--out",
            "json",
            "--format",
            "json",
            "--env",
            "prod",
        ],
        d,
    );
    assert_eq!(json.status.code(), Some(0));
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("json/manifests.json")).unwrap())
            .unwrap();
    assert_eq!(list["items"][0]["metadata"]["name"], "shop-prod");
    let kz = kubefit(
        &["emit", "good.yaml", "--out", "kz", "--format", "kustomize"],
        d,
    );
    assert_eq!(kz.status.code(), Some(0));
    assert!(d.join("kz/overlays/prod/kustomization.yaml").exists());
    for (format, file) in [
        ("helm", "helm/values.schema.json"),
        ("compose", "compose/compose.yaml"),
    ] {
        let out = kubefit(
            &["emit", "good.yaml", "--out", format, "--format", format],
            d,
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(d.join(file).exists(), "{format}: no {file}");
    }

    for (spec, code) in [("bad.yaml", 1), ("broken.yaml", 2)] {
        let out = kubefit(&["emit", spec, "--out", "never"], d);
        assert_eq!(out.status.code(), Some(code), "{spec}");
        assert!(!d.join("never").exists(), "{spec}: wrote output");
    }
    // A failed emit leaves the previous output untouched.
    let before = std::fs::read_dir(d.join("out")).unwrap().count();
    assert_eq!(
        kubefit(&["emit", "bad.yaml", "--out", "out"], d)
            .status
            .code(),
        Some(1)
    );
    assert_eq!(std::fs::read_dir(d.join("out")).unwrap().count(), before);
}

#[test]
fn platforms_and_schema() {
    let dir = setup();
    let p = kubefit(&["platforms"], dir.path());
    assert_eq!(p.status.code(), Some(0));
    let text = String::from_utf8_lossy(&p.stdout);
    for name in [
        "oci-always-free ",
        "gke-e2-standard-2",
        "raspberry-pi4-4gb-k3s",
    ] {
        assert!(text.contains(name), "{text}");
    }
    assert!(text.contains("checked 2026-11  https://docs.oracle.com/"));
    let s = kubefit(&["schema"], dir.path());
    assert_eq!(
        String::from_utf8_lossy(&s.stdout),
        kubefit::StackSpec::json_schema()
    );
    let s = kubefit(&["schema", "platform"], dir.path());
    assert_eq!(
        String::from_utf8_lossy(&s.stdout),
        kubefit::Platform::json_schema()
    );
}

/// `check -f` on manifests kubefit did not write (a file, a directory, standard input), with a
/// platform by name, from a YAML file or from the cluster's nodes (`kubectl get nodes -o json`).
#[test]
fn check_reads_manifests_from_a_file_a_directory_and_standard_input() {
    let dir = setup();
    let chart = common::repo_root().join("tests/corpus/traefik.yaml");
    let chart = chart.to_str().unwrap();
    let run = kubefit(
        &["check", "-f", chart, "--platform", "oci-always-free"],
        dir.path(),
    );
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.contains("kubefit check: stack traefik"), "{out}");
    assert!(out.contains("verdict: FITS"), "{out}");
    assert!(out.contains("deployment/traefik"), "{out}");
    assert!(
        out.contains("not modelled: 1 object(s) of kinds IngressClass (1)"),
        "{out}"
    );

    // A directory, and a platform from the cluster's nodes: one too small for the pods.
    let manifests = dir.path().join("manifests");
    std::fs::create_dir(&manifests).unwrap();
    std::fs::write(
        manifests.join("app.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big, namespace: shop}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: big}}\n  template:\n    metadata: {labels: {app: big}}\n    spec:\n      containers:\n      - {name: big, image: busybox:1.36, resources: {requests: {cpu: '1', memory: 1Gi}}}\n",
    )
    .unwrap();
    let nodes = dir.path().join("nodes.json");
    std::fs::write(
        &nodes,
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"kubernetes.io/arch":"amd64"}},"status":{"capacity":{"cpu":"2","memory":"4Gi","pods":"110"},"allocatable":{"cpu":"1500m","memory":"3Gi","pods":"110"}}}]}"#,
    )
    .unwrap();
    let run = kubefit(
        &["check", "-f", "manifests", "--nodes", "nodes.json"],
        dir.path(),
    );
    let out = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{out}");
    assert!(out.contains("verdict: DOES NOT FIT"), "{out}");
    assert!(out.contains("n1-0"), "{out}");

    // The pods already running are existing load: one replica of 1 cpu fits the node alone,
    // not beside a running pod of 1 cpu; the release's own old pod (namespace shop) is
    // replaced, not counted.
    std::fs::write(
        manifests.join("app.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big, namespace: shop}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: big}}\n  template:\n    metadata: {labels: {app: big}}\n    spec:\n      containers:\n      - {name: big, image: busybox:1.36, resources: {requests: {cpu: '1', memory: 1Gi}}}\n",
    )
    .unwrap();
    let pod = |ns: &str, cpu: &str| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p","namespace":"{ns}"}},"spec":{{"nodeName":"n1","containers":[{{"name":"c","resources":{{"requests":{{"cpu":"{cpu}"}}}}}}]}},"status":{{"phase":"Running"}}}}"#
        )
    };
    for (pods, fits) in [(pod("shop", "1"), true), (pod("other", "1"), false)] {
        std::fs::write(
            dir.path().join("pods.json"),
            format!(r#"{{"items":[{pods}]}}"#),
        )
        .unwrap();
        let run = kubefit(
            &[
                "check",
                "-f",
                "manifests",
                "--nodes",
                "nodes.json",
                "--pods",
                "pods.json",
            ],
            dir.path(),
        );
        let out = String::from_utf8_lossy(&run.stdout);
        assert_eq!(run.status.success(), fits, "{out}");
        assert!(
            out.contains(if fits {
                "verdict: FITS"
            } else {
                "verdict: DOES NOT FIT"
            }),
            "{out}"
        );
        let counted = if fits { 0 } else { 1 };
        assert!(
            out.contains(&format!(
                "{counted} running pod(s) counted as existing load"
            )),
            "{out}"
        );
    }

    // Standard input, with a platform YAML file.
    std::fs::write(
        dir.path().join("platform.yaml"),
        "name: lab\nsource: test\nchecked: 2026-12\npools:\n- {name: w, count: 2, cpu: '2', memory: 4Gi}\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO"))
        .arg("run")
        .arg("--manifest-path")
        .arg(common::repo_root().join("Cargo.toml"))
        .args(["--quiet", "--example", "kubefit", "--"])
        .args(["check", "-f", "-", "--platform", "platform.yaml", "--json"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(manifests.join("app.yaml")).unwrap())
        .unwrap();
    let run = child.wait_with_output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["stack"], "shop");
    assert_eq!(json["fit"]["platform"], "lab", "{json:#}");
    assert!(run.status.success(), "{json:#}");

    // Unreadable input names the file and the document.
    std::fs::write(dir.path().join("broken.json"), "{\"kind\": ").unwrap();
    let run = kubefit(&["check", "-f", "broken.json"], dir.path());
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken.json: not yaml or json kubectl can read") && err.contains("line 1"),
        "{err}"
    );
}
