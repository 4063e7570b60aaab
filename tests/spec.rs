//! The declarative spec: schema current, every stack round-trips to an identical render, and
//! hostile input gets a located error — never a panic.

mod common;

use kubefit::{DotEnv, EmitOptions, ProcessEnv, SecretSource, SecretValue, Stack, StackSpec};

/// Every variable has a value (the values never reach the spec or the manifests).
struct AnyValue;
impl SecretSource for AnyValue {
    fn secret(&self, _: &str) -> Option<SecretValue> {
        Some(SecretValue::new("x"))
    }
}

fn round_trip(stack: &Stack) -> Stack {
    let yaml = kubefit::StackSpec::from(stack).to_yaml();
    assert!(yaml.starts_with("# yaml-language-server: $schema="));
    let spec = StackSpec::from_yaml(&yaml, "export.yaml").unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    spec.to_stack(&AnyValue).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn committed_stack_schema_is_current() {
    let path = common::repo_root().join("schemas/stack.schema.json");
    let generated = StackSpec::json_schema();
    if std::env::var_os("KUBEFIT_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("schemas/stack.schema.json exists");
    assert_eq!(
        committed, generated,
        "schemas/stack.schema.json is stale: rerun with KUBEFIT_UPDATE_SCHEMAS=1"
    );
}

#[test]
fn sample_stacks_round_trip_to_identical_renders() {
    for (name, stack) in common::all_stacks() {
        let back = round_trip(&stack);
        let a = stack.emit(&EmitOptions::new()).unwrap();
        let b = back.emit(&EmitOptions::new()).unwrap();
        assert_eq!(a.to_yaml().unwrap(), b.to_yaml().unwrap(), "{name}");
        assert_eq!(a.extra_files(), b.extra_files(), "{name}: .env.example");
        assert_eq!(stack.check(), back.check(), "{name}: same findings");
        // And the spec of the loaded stack is the same spec.
        assert_eq!(
            kubefit::StackSpec::from(&stack),
            kubefit::StackSpec::from(&back),
            "{name}"
        );
    }
}

#[test]
fn secrets_are_references_never_values() {
    let stack = common::deployment_stack();
    let yaml = kubefit::StackSpec::from(&stack).to_yaml();
    assert!(!yaml.contains("t0k3n-value"));
    assert!(yaml.contains("keys:"));
    let env =
        DotEnv::parse("API_CREDENTIALS_TOKEN=from-dotenv\nAPI_TLS_TLS_CRT=c\nAPI_TLS_TLS_KEY=k\n")
            .unwrap();
    let back = StackSpec::from_yaml(&yaml, "s.yaml")
        .unwrap()
        .to_stack(&env)
        .unwrap();
    assert!(!back.check().has_errors(), "{}", back.check());
    let missing = StackSpec::from_yaml(&yaml, "s.yaml")
        .unwrap()
        .to_stack(&DotEnv::default())
        .unwrap();
    assert_eq!(missing.check().with_id("secret-value-missing").count(), 3);
}

/// (name, spec, expected text in the load error) — the spec is rejected while loading.
fn load_errors() -> Vec<(&'static str, String, &'static str)> {
    let ok_container = "{name: web, image: nginx:1.27}";
    let dep = |body: &str| {
        format!(
            "namespace: shop\ndeployments:\n  - name: web\n    pod:\n      containers:\n        - {body}\n"
        )
    };
    vec![
        ("empty file", String::new(), "the spec is empty"),
        ("only whitespace", "   \n\n".into(), "the spec is empty"),
        ("only a comment", "# nothing\n".into(), "namespace"),
        ("not a mapping", "- a\n- b\n".into(), ""),
        ("scalar", "hello\n".into(), ""),
        ("missing namespace", "deployments: []\n".into(), "namespace"),
        ("unknown top-level field", "namespace: shop\nbogus: 1\n".into(), "bogus"),
        ("typo in field", "namespace: shop\ndeployment: []\n".into(), "deployment"),
        ("wrong type: list expected", "namespace: shop\ndeployments: 3\n".into(), ""),
        ("wrong type: namespace list", "namespace: [a, b]\n".into(), ""),
        ("unclosed flow", "namespace: [\n".into(), ""),
        ("bad indentation", "namespace: shop\n deployments:\n- x\n".into(), ""),
        ("tab indentation", "namespace: shop\ndeployments:\n\t- name: x\n".into(), ""),
        ("duplicate key", "namespace: shop\nnamespace: other\n".into(), ""),
        ("bad cpu quantity", dep("{name: web, image: nginx, resources: {requests: {cpu: lots}}}"), "lots"),
        ("cpu finer than 1m", dep("{name: web, image: nginx, resources: {requests: {cpu: 0.5m}}}"), "finer than 1m"),
        ("negative cpu", dep("{name: web, image: nginx, resources: {limits: {cpu: -1}}}"), "negative"),
        ("fractional memory", dep("{name: web, image: nginx, resources: {requests: {memory: '0.5'}}}"), "whole number of bytes"),
        ("float quantity", dep("{name: web, image: nginx, resources: {requests: {memory: 0.5}}}"), "expected a Kubernetes quantity"),
        ("memory unit typo", dep("{name: web, image: nginx, resources: {requests: {memory: 512MB}}}"), "512MB"),
        ("huge memory", dep("{name: web, image: nginx, resources: {requests: {memory: '1e40'}}}"), "too large"),
        ("huge number replicas", "namespace: shop\ndeployments:\n  - name: web\n    replicas: 99999999999999999999\n    pod: {containers: [{name: web, image: nginx}]}\n".into(), ""),
        ("port out of range", dep("{name: web, image: nginx, ports: [{name: http, port: 70000}]}"), ""),
        ("port negative", dep("{name: web, image: nginx, ports: [{name: http, port: -1}]}"), ""),
        ("unknown container field", dep("{name: web, image: nginx, imagee: x}"), "imagee"),
        ("missing image", dep("{name: web}"), "image"),
        ("missing pod", "namespace: shop\ndeployments:\n  - name: web\n".into(), "pod"),
        ("no containers", "namespace: shop\ndeployments:\n  - name: web\n    pod: {containers: []}\n".into(), "at least one container"),
        ("probe with two actions", dep("{name: web, image: nginx, livenessProbe: {tcp: {port: 80}, exec: [true]}}"), "exactly one of http"),
        ("probe with no action", dep("{name: web, image: nginx, readinessProbe: {periodSeconds: 5}}"), "exactly one of http"),
        ("env with two sources", dep("{name: web, image: nginx, env: [{name: A, value: x, fieldPath: status.podIP}]}"), "exactly one of value"),
        ("env with no source", dep("{name: web, image: nginx, env: [{name: A}]}"), "exactly one of value"),
        ("envFrom empty", dep("{name: web, image: nginx, envFrom: [{}]}"), "exactly one of configMap or secret"),
        ("udp typo protocol", dep("{name: web, image: nginx, ports: [{name: dns, port: 53, protocol: UPD}]}"), "not TCP, UDP or SCTP"),
        ("volume with no source", format!("namespace: shop\ndeployments:\n  - name: web\n    pod:\n      containers: [{ok_container}]\n      volumes: [{{name: v}}]\n"), "exactly one of emptyDir"),
        ("volume with two sources", format!("namespace: shop\ndeployments:\n  - name: web\n    pod:\n      containers: [{ok_container}]\n      volumes: [{{name: v, emptyDir: {{}}, hostPath: /x}}]\n"), "exactly one of emptyDir"),
        ("strategy both", format!("namespace: shop\ndeployments:\n  - name: web\n    strategy: {{recreate: true, rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}}}\n    pod: {{containers: [{ok_container}]}}\n"), "either `recreate: true`"),
        ("surge not a percentage", format!("namespace: shop\ndeployments:\n  - name: web\n    strategy: {{rollingUpdate: {{maxSurge: lots, maxUnavailable: 0}}}}\n    pod: {{containers: [{ok_container}]}}\n"), "percentage"),
        ("unknown service type", "namespace: shop\nservices: [{name: a, type: Public}]\n".into(), "Public"),
        ("unknown path type", "namespace: shop\ningresses: [{name: a, routes: [{path: /, pathType: Regex, service: a, port: 80}]}]\n".into(), "not Prefix, Exact"),
        ("hpa target kind", "namespace: shop\nautoscalers: [{target: {kind: Job, name: x}, min: 1, max: 2}]\n".into(), "not Deployment or StatefulSet"),
        ("network policy ambiguous", "namespace: shop\nnetworkPolicies: [{name: p, defaultDeny: true, fromNamespace: x}]\n".into(), "a network policy is"),
        ("unknown platform", "namespace: shop\nplatform: my-laptop\n".into(), "unknown platform `my-laptop`"),
        ("platform with bad quantity", "namespace: shop\nplatform: {name: p, source: s, checked: c, pools: [{name: n, count: 1, cpu: x, memory: 1Gi}]}\n".into(), ""),
        ("environment unknown field", "namespace: shop\nenvironments: [{name: dev, replica: {}}]\n".into(), "replica"),
        ("secret with values", "namespace: shop\nsecrets: [{name: db, keys: [password], data: {password: hunter2}}]\n".into(), "data"),
        ("anchors bomb", "namespace: shop\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n".into(), ""),
        ("deep nesting", format!("namespace: shop\nconfigMaps: {}{}\n", "[".repeat(5000), "]".repeat(5000)), ""),
        ("yaml binary tag", "namespace: !!binary /w==\n".into(), ""),
        ("multiple documents", "namespace: a\n---\nnamespace: b\n".into(), "a spec is one yaml document"),
        ("null namespace", "namespace: ~\n".into(), ""),
        ("mapping namespace", "namespace: {a: b}\n".into(), ""),
    ]
}

/// (name, spec, expected check diagnostic id) — loads, and the check names the problem.
fn check_errors() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("bad namespace name", "namespace: Shop_1\n", "invalid-name"),
        (
            "default namespace",
            "namespace: default\n",
            "reserved-namespace",
        ),
        (
            "bad deployment name",
            "namespace: shop\ndeployments: [{name: Web!, pod: {containers: [{name: web, image: nginx}]}}]\n",
            "invalid-name",
        ),
        (
            "bad container name",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: Web_1, image: nginx}]}}]\n",
            "invalid-name",
        ),
        (
            "duplicate deployments",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx}]}}, {name: web, pod: {containers: [{name: web, image: nginx}]}}]\n",
            "duplicate-name",
        ),
        (
            "limit below request",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx, resources: {requests: {cpu: 500m}, limits: {cpu: 100m}}}]}}]\n",
            "request-exceeds-limit",
        ),
        (
            "dangling configmap",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx, envFrom: [{configMap: nope}]}]}}]\n",
            "dangling-config-map",
        ),
        (
            "missing configmap key",
            "namespace: shop\nconfigMaps: [{name: cfg, data: {a: '1'}}]\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx, env: [{name: B, configMapKeyRef: {name: cfg, key: b}}]}]}}]\n",
            "missing-config-map-key",
        ),
        (
            "dangling secret",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx, env: [{name: P, secretKeyRef: {name: db, key: pw}}]}]}}]\n",
            "dangling-secret",
        ),
        (
            "service selects nothing",
            "namespace: shop\nservices: [{name: web, selector: {app: web}, ports: [{name: http, port: 80, target: http}]}]\n",
            "service-selects-nothing",
        ),
        (
            "ingress to missing service",
            "namespace: shop\ningresses: [{name: web, routes: [{path: /, service: web, port: 80}]}]\n",
            "dangling-service",
        ),
        (
            "hpa min above max",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx}]}}]\nautoscalers: [{target: {kind: Deployment, name: web}, min: 5, max: 2}]\n",
            "hpa-min-exceeds-max",
        ),
        (
            "hpa missing target",
            "namespace: shop\nautoscalers: [{target: {kind: Deployment, name: web}, min: 1, max: 2}]\n",
            "dangling-scale-target",
        ),
        (
            "probe port not declared",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx, livenessProbe: {tcp: {port: metrics}}}]}}]\n",
            "probe-port-mismatch",
        ),
        (
            "unknown suppression",
            "namespace: shop\nmetadata: {suppress: {no-such-rule: because}}\n",
            "unknown-rule",
        ),
        (
            "bad label",
            "namespace: shop\nconfigMaps: [{name: cfg, metadata: {labels: {'bad key': v}}}]\n",
            "invalid-label",
        ),
        (
            "mount of unknown volume",
            "namespace: shop\ndeployments: [{name: web, pod: {containers: [{name: web, image: nginx, mounts: [{volume: data, path: /data}]}]}}]\n",
            "dangling-volume",
        ),
    ]
}

#[test]
fn hostile_specs_get_located_errors_and_never_panic() {
    let cases = load_errors();
    let checks = check_errors();
    assert!(
        cases.len() + checks.len() >= 50,
        "{} cases",
        cases.len() + checks.len()
    );
    for (name, text, expected) in cases {
        let result = std::panic::catch_unwind(|| StackSpec::from_yaml(&text, "hostile.yaml"));
        let Ok(result) = result else {
            panic!("{name}: panicked")
        };
        let err = match result {
            Ok(spec) => match spec.to_stack(&ProcessEnv) {
                Ok(stack) => {
                    // Loaded: then it must at least not pass the check.
                    assert!(expected.is_empty(), "{name}: loaded, expected `{expected}`");
                    assert!(
                        stack.check().has_errors()
                            || text.contains("multiple")
                            || text.contains("namespace: a"),
                        "{name}: accepted"
                    );
                    continue;
                }
                Err(e) => {
                    // Found after parsing: still located in the file.
                    let issue = &e.issues()[0];
                    assert!(
                        issue.line.is_some() && issue.column.is_some(),
                        "{name}: {e}"
                    );
                    assert!(e.to_string().starts_with("hostile.yaml:"), "{name}: {e}");
                    e.to_string()
                }
            },
            Err(e) => {
                let issue = &e.issues()[0];
                assert!(!issue.message.is_empty(), "{name}: empty message");
                assert!(e.to_string().starts_with("hostile.yaml"), "{name}: {e}");
                e.to_string()
            }
        };
        assert!(err.contains(expected), "{name}: `{err}` lacks `{expected}`");
    }
    for (name, text, id) in checks {
        let stack = StackSpec::from_yaml(text, "s.yaml")
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .to_stack(&ProcessEnv)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = stack.check();
        assert!(
            report.with_id(id).next().is_some(),
            "{name}: expected {id}\n{report}"
        );
        assert!(report.has_errors(), "{name}");
    }
}

/// The command line on every hostile spec: a non-zero exit and no output directory.
#[test]
fn the_command_line_writes_nothing_for_hostile_specs() {
    let build = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--example", "kubefit"])
        .current_dir(common::repo_root())
        .status()
        .unwrap();
    assert!(build.success());
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || common::repo_root().join("target"),
        std::path::PathBuf::from,
    );
    let bin = target.join("debug/examples/kubefit");
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, String)> = load_errors()
        .into_iter()
        .map(|(n, t, _)| (n.to_owned(), t))
        .collect();
    cases.extend(
        check_errors()
            .into_iter()
            .map(|(n, t, _)| (n.to_owned(), t.to_owned())),
    );
    for (i, (name, text)) in cases.iter().enumerate() {
        let spec = dir.path().join(format!("{i}.yaml"));
        std::fs::write(&spec, text).unwrap();
        let out = dir.path().join(format!("out-{i}"));
        let run = std::process::Command::new(&bin)
            .arg("emit")
            .arg(&spec)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let code = run.status.code();
        assert!(matches!(code, Some(1 | 2)), "{name}: exit {code:?}");
        assert!(!out.exists(), "{name}: wrote output");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn load_errors_carry_line_column_and_path() {
    let text = "namespace: shop\ndeployments:\n  - name: web\n    pod:\n      containers:\n        - name: web\n          image: nginx\n          resources:\n            limits:\n              cpu: 0.5m\n";
    let err = StackSpec::from_yaml(text, "stack.yaml").unwrap_err();
    let issue = &err.issues()[0];
    assert_eq!(
        issue.path,
        "deployments[0].pod.containers[0].resources.limits.cpu"
    );
    assert_eq!(issue.line, Some(10), "{err}");
    assert!(issue.message.contains("finer than 1m"), "{err}");
    let shown = err.to_string();
    assert!(shown.starts_with("stack.yaml:10:"), "{shown}");
}

#[test]
fn problems_found_after_parsing_are_located_too() {
    let text = "namespace: shop\ndeployments:\n  - name: web\n    pod:\n      containers:\n        - name: web\n          image: nginx\n          livenessProbe: {tcp: {port: 80}, exec: [\"true\"]}\n";
    let err = StackSpec::from_yaml(text, "stack.yaml")
        .unwrap()
        .to_stack(&ProcessEnv)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "stack.yaml:8:26: deployments[0].pod.containers[0].livenessProbe: a probe needs exactly one of http, tcp, exec or grpc"
    );
}

#[test]
fn non_utf8_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.yaml");
    std::fs::write(&p, b"namespace: \xff\xfe\n").unwrap();
    let err = StackSpec::from_file(&p).unwrap_err();
    assert!(err.to_string().contains("not utf-8"), "{err}");
}

fn run_example(name: &str, args: &[&str], dir: &std::path::Path) -> std::path::PathBuf {
    let spec = dir.join("spec.yaml");
    let out = dir.join("out");
    let mut all: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
    all.extend([
        "--out".into(),
        out.clone().into(),
        "--export-spec".into(),
        spec.clone().into(),
    ]);
    let run = common::run_example(name, all);
    assert!(
        run.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    spec
}

fn files(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        // The marker lists a whole output directory, which may hold more than manifests.
        .filter(|p| p.file_name().is_some_and(|n| n != kubefit::OUTPUT_MARKER))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_example_exports_a_spec_that_renders_identically() {
    // (example, where its manifests are under --out)
    for (example, manifests) in [
        ("quickstart", ""),
        ("phase_v_always_free", ""),
        ("order_service", ""),
        ("creavio", "k8s"),
    ] {
        let args: Vec<&str> = Vec::new();
        let dir = tempfile::tempdir().unwrap();
        let spec_file = run_example(example, &args, dir.path());
        let spec = StackSpec::from_file(&spec_file).unwrap();
        let stack = spec.to_stack(&AnyValue).unwrap();
        let again = dir.path().join("again");
        stack
            .emit(&EmitOptions::new())
            .unwrap()
            .write_dir(&again)
            .unwrap();
        assert_eq!(
            files(&dir.path().join("out").join(manifests)),
            files(&again),
            "{example}"
        );
        if example == "phase_v_always_free" {
            assert_eq!(spec.platform().unwrap().unwrap().name(), "oci-always-free");
        }
    }
    for (example, args) in [
        ("chase_sets", &["--with-redis"][..]),
        ("api_web_orchestrator", &[][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let spec_file = run_example(example, args, dir.path());
        let spec = StackSpec::from_file(&spec_file).unwrap();
        let stack = spec.to_stack(&AnyValue).unwrap();
        let envs = spec.environments(&AnyValue).unwrap();
        assert_eq!(envs.len(), 3);
        for env in &envs {
            let rendered = std::fs::read_to_string(
                dir.path()
                    .join("out/rendered")
                    .join(format!("{}.yaml", env.name())),
            )
            .unwrap();
            let again = stack
                .render(env)
                .emit(&EmitOptions::new())
                .unwrap()
                .to_yaml()
                .unwrap();
            assert_eq!(rendered, again, "{example} {}", env.name());
            assert!(!stack.check_environment(env).has_errors());
        }
    }
}

/// Image platforms are part of the spec, so a YAML user of `kubefit check` can say what the
/// team's images are built for; a later entry wins, and the spec round-trips them.
#[test]
fn image_platforms_are_declared_in_the_spec() {
    let text = "namespace: shop\ndeployments:\n  - name: api\n    pod:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4\nimagePlatforms:\n  - image: ghcr.io/acme/api\n    architectures: [amd64]\n  - image: ghcr.io/acme/api:1.4\n    architectures: [linux/amd64, linux/arm64]\n    digest: sha256:aa\n";
    let spec = StackSpec::from_yaml(text, "stack.yaml").unwrap();
    let stack = spec.to_stack(&kubefit::ProcessEnv).unwrap();
    let free = kubefit::Platform::oci_always_free();
    let ids: Vec<String> = stack
        .check_on(&free)
        .diagnostics()
        .iter()
        .filter(|d| d.id.starts_with("image-platform"))
        .map(|d| d.id.to_string())
        .collect();
    assert!(ids.is_empty(), "{ids:?}");
    let yaml = StackSpec::from(&stack).to_yaml();
    assert!(
        yaml.contains("imagePlatforms:\n- image: ghcr.io/acme/api\n  architectures:\n  - amd64\n- image: ghcr.io/acme/api:1.4\n"),
        "{yaml}"
    );
    // Only the first declaration: amd64 only, on arm64 nodes.
    let first = text
        .split("  - image: ghcr.io/acme/api:1.4\n")
        .next()
        .unwrap();
    let stack = StackSpec::from_yaml(first, "stack.yaml")
        .unwrap()
        .to_stack(&kubefit::ProcessEnv)
        .unwrap();
    assert!(
        stack
            .check_on(&free)
            .with_id("image-platform-mismatch")
            .next()
            .is_some()
    );
    let empty = "namespace: shop\nimagePlatforms:\n  - image: x\n    architectures: []\n";
    let err = StackSpec::from_yaml(empty, "stack.yaml")
        .unwrap()
        .to_stack(&kubefit::ProcessEnv)
        .unwrap_err();
    assert!(
        err.to_string().contains("imagePlatforms[0].architectures"),
        "{err}"
    );
}
