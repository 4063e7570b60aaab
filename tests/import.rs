//! Importing manifests kubefit did not write: `Stack::from_manifests` reads them into the
//! model, so the check, the fit and the output formats judge them as they judge a built stack.

mod common;

use kubefit::{EmitOptions, Platform, Stack};
use proptest::prelude::*;

fn emitted(stack: &Stack) -> String {
    stack
        .emit(
            &EmitOptions::new()
                .allow_errors(true)
                .plaintext_secrets(true),
        )
        .unwrap()
        .to_yaml()
        .unwrap()
}

/// Every finding as `id object path`, sorted, with whether it is suppressed where the
/// manifests can say so: a suppression is written as `checkov.io/skipN` annotations, so one of
/// a rule without a checkov check leaves no trace in them and does not come back.
fn findings(report: &kubefit::Report) -> Vec<String> {
    let traced = |id: &str| {
        kubefit::rules()
            .iter()
            .any(|r| r.id == id && !r.checkov.is_empty())
    };
    let mut out: Vec<String> = report
        .diagnostics()
        .iter()
        .map(|d| {
            let suppressed = if traced(&d.id) {
                format!(" suppressed={}", d.suppressed.is_some())
            } else {
                String::new()
            };
            format!("{} {} {}{suppressed}", d.id, d.object, d.path)
        })
        .collect();
    out.sort();
    out
}

/// `from_manifests(emit(stack))` re-emits the same bytes, and its check findings and fit
/// figures are the original's.
fn round_trip(name: &str, stack: &Stack, platform: &Platform) {
    {
        let yaml = emitted(stack);
        let imported =
            Stack::from_manifests(yaml.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(imported.namespace(), stack.namespace(), "{name}");
        let again = emitted(&imported);
        if again != yaml {
            let diff: Vec<String> = yaml
                .lines()
                .zip(again.lines())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .take(10)
                .map(|(i, (a, b))| format!("{i}: {a:?} != {b:?}"))
                .collect();
            panic!("{name}: re-emitted differently:\n{}", diff.join("\n"));
        }
        assert_eq!(
            findings(&imported.check()),
            findings(&stack.check()),
            "{name}: the check differs: {:?}",
            imported
                .check()
                .diagnostics()
                .iter()
                .filter(|d| d.id == "not-modelled")
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        );
        let (a, b) = (stack.fit(platform), imported.fit(platform));
        assert_eq!(a.verdict(), b.verdict(), "{name}:\n{a}\n{b}");
        // The same figures; the report lists workloads in the stack's order, and an imported
        // stack's order is the manifests' (apply order).
        let lines = |f: &kubefit::FitReport| {
            let mut l: Vec<String> = f.to_string().lines().map(str::to_owned).collect();
            l.sort();
            l
        };
        assert_eq!(lines(&a), lines(&b), "{name}:\n{a}\n{b}");
    }
}

#[test]
fn every_sample_stack_reads_back_to_the_same_manifests_check_and_fit() {
    let platform = Platform::oci_always_free();
    for (name, stack) in common::all_stacks() {
        round_trip(name, &stack, &platform);
    }
}

/// The example binaries' stacks (as they export them) on their own platforms.
#[test]
fn every_example_reads_back_to_the_same_manifests_check_and_fit() {
    for name in common::EXAMPLES {
        let (stack, platform) = common::example_stack(name);
        round_trip(
            name,
            &stack,
            &platform.unwrap_or_else(Platform::oci_always_free),
        );
    }
}

/// Small generated stacks: every workload kind, init containers, sidecars, limit-only
/// containers, autoscalers, Services, ConfigMaps.
fn arb_stack() -> impl Strategy<Value = Stack> {
    use kubefit::{
        ConfigMap, Container, Cpu, DaemonSet, Deployment, HorizontalPodAutoscaler, Job, Memory,
        Resources, Service, StatefulSet,
    };
    let workload = (0u8..5, 1u64..900, 1u64..1024, 1i32..4, 0u8..8);
    prop::collection::vec(workload, 1..6).prop_map(|ws| {
        let mut stack = Stack::new("gen").with(ConfigMap::new("cfg").entry("a", "yes"));
        for (i, (kind, cpu, mem, replicas, extras)) in ws.into_iter().enumerate() {
            let name = format!("w{i}");
            let resources = if extras & 1 == 1 {
                Resources::new()
                    .cpu_limit_of(Cpu::millis(cpu))
                    .memory_limit_of(Memory::mebibytes(mem))
            } else {
                Resources::new().requests(Cpu::millis(cpu), Memory::mebibytes(mem))
            };
            let main = Container::new(name.as_str(), "busybox:1.36")
                .port("http", 8080)
                .resources(resources);
            let side = Container::new("proxy", "busybox:1.36").resources(
                Resources::new().requests(Cpu::millis(cpu / 2 + 1), Memory::mebibytes(32)),
            );
            let init = Container::new("init", "busybox:1.36")
                .resources(Resources::new().requests(Cpu::millis(cpu * 2), Memory::mebibytes(mem)));
            match kind {
                0 | 1 => {
                    let mut d = Deployment::new(name.as_str(), main).replicas(replicas);
                    if extras & 2 == 2 {
                        d = d.sidecar(side);
                    }
                    if extras & 4 == 4 {
                        d = d.init_container(init);
                    }
                    if kind == 1 {
                        stack =
                            stack.with(HorizontalPodAutoscaler::new(&d, replicas, replicas + 2));
                    }
                    stack = stack.with(Service::expose(&d)).with(d);
                }
                2 => {
                    let mut s = StatefulSet::new(name.as_str(), main).replicas(replicas);
                    if extras & 4 == 4 {
                        s = s.init_container(init);
                    }
                    stack = stack.with(s);
                }
                3 => stack = stack.with(DaemonSet::new(name.as_str(), main)),
                _ => stack = stack.with(Job::new(name.as_str(), main)),
            }
        }
        stack
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn generated_stacks_read_back_to_the_same_manifests_check_and_fit(stack in arb_stack()) {
        round_trip("generated", &stack, &Platform::oci_always_free());
    }
}

/// kubefit's steady-state (cpu millicores, memory bytes, pods) of `stack`.
fn steady(stack: &Stack) -> (u64, u64, u64) {
    let (mut cpu, mut memory, mut pods) = (0u64, 0u64, 0u64);
    for w in &stack.workload_demands() {
        let n = u64::from(w.counts.steady);
        cpu += w.pod_requests.cpu.as_millis() * n;
        memory += w.pod_requests.memory.as_bytes() * n;
        pods += n;
    }
    (cpu, memory, pods)
}

fn sums(v: &serde_json::Value) -> (u64, u64, u64) {
    (
        v["cpu_millis"].as_u64().unwrap(),
        v["memory_bytes"].as_u64().unwrap(),
        v["pods"].as_u64().unwrap(),
    )
}

/// The request rules on input written for them (init containers, sidecars, limit-only
/// containers, `1.5`/`200M`/`1e8`/`0.25Gi` spellings, Jobs, CronJobs, a bare Pod) and on every
/// sample stack's output: kubefit's sum is the independent one.
#[test]
fn imported_requests_are_the_independent_sum() {
    common::needs_external_tools!();
    let fixture = common::repo_root().join("tests/support/requests-range.yaml");
    let text = std::fs::read_to_string(&fixture).unwrap();
    let stack = Stack::from_manifests(text.as_bytes()).unwrap();
    let expected = sums(&independent(&fixture));
    assert_eq!(steady(&stack), expected);
    // Worked by hand: web 3 × max(250m + 300m + 100m, 1500m) = 4500m (the migration runs
    // before the proxy sidecar starts); db 1100m; agent 50m; seed min(4, 2) × 100m; backup
    // 2 × 200m; debug 10m.
    assert_eq!(expected.0, 4500 + 1100 + 50 + 200 + 400 + 10);
    assert_eq!(expected.2, 3 + 1 + 1 + 2 + 2 + 1);
    let dir = common::scratch();
    for (name, stack) in common::all_stacks() {
        let file = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&file, emitted(&stack)).unwrap();
        let imported = Stack::from_manifests(std::fs::File::open(&file).unwrap()).unwrap();
        assert_eq!(steady(&imported), sums(&independent(&file)), "{name}");
        assert_eq!(steady(&imported), steady(&stack), "{name}");
    }
}

fn corpus() -> Vec<std::path::PathBuf> {
    let dir = common::repo_root().join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 15, "the corpus of rendered public charts");
    files
}

/// The manifests' documents by kind, as PyYAML reads them (not kubefit's parser).
fn independent(file: &std::path::Path) -> serde_json::Value {
    let out = std::process::Command::new(common::python_with_dotenv())
        .arg(common::repo_root().join("tests/support/pod_requests.py"))
        .arg(file)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Rendered public charts (Helm output kubefit did not write): every document is imported
/// (lifted or passed through, the rest counted in one note), nothing panics, and the budget's
/// requests equal an independent sum of the pods' effective requests over the same YAML
/// (tests/support/pod_requests.py, PyYAML and the Kubernetes rule written out again).
#[test]
fn the_public_charts_import_with_every_object_accounted_for_and_the_same_requests() {
    common::needs_external_tools!();
    let platform = Platform::oci_always_free();
    let mut summary = Vec::new();
    for file in corpus() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let stack =
            Stack::from_manifests(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let sum = independent(&file);
        assert_eq!(
            stack.objects().len() as u64,
            sum["objects"].as_u64().unwrap() - sum["namespaces"].as_u64().unwrap(),
            "{name}: every object but the Namespace is in the stack"
        );
        let (cpu, _, pods) = steady(&stack);
        assert_eq!(
            steady(&stack),
            sums(&sum),
            "{name}: steady-state requests (cpu millicores, memory bytes, pods)"
        );
        // Re-emitted, every object comes back as it was read.
        let again: Vec<serde_json::Value> = serde_saphyr::from_multiple(&emitted(&stack)).unwrap();
        let original: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text).unwrap();
        for o in original
            .iter()
            .filter(|o| !o.is_null() && o["kind"] != "Namespace")
        {
            let same = again.iter().any(|a| {
                a["kind"] == o["kind"] && a["metadata"]["name"] == o["metadata"]["name"] && {
                    let (mut a, mut o) = (a.clone(), o.clone());
                    for v in [&mut a, &mut o] {
                        // kubefit names the namespace of a binding's ServiceAccounts (the
                        // binding's own, which the API server assumes for a RoleBinding).
                        for s in v["subjects"].as_array_mut().into_iter().flatten() {
                            s.as_object_mut().unwrap().remove("namespace");
                        }
                        let m = v["metadata"].as_object_mut().unwrap();
                        m.remove("namespace");
                        if let Some(l) = m.get_mut("labels").and_then(|l| l.as_object_mut()) {
                            l.remove("app.kubernetes.io/managed-by");
                            if l.is_empty() {
                                m.remove("labels");
                            }
                        }
                    }
                    a == o
                }
            });
            assert!(
                same,
                "{name}: {} {} is not emitted as read",
                o["kind"], o["metadata"]["name"]
            );
        }
        let report = stack.check_on(&platform);
        let unread = report
            .diagnostics()
            .iter()
            .find(|d| d.id == "not-modelled" && d.object.starts_with("namespace/"));
        summary.push(format!(
            "{name}: {} objects, {} pods, {}m cpu, verdict {:?}{}",
            stack.objects().len(),
            pods,
            cpu,
            report.fit().map(|f| f.verdict()),
            unread
                .map(|d| format!("; {}", d.message))
                .unwrap_or_default()
        ));
    }
    println!("{}", summary.join("\n"));
    // The CRDs and webhooks of the operator chart are passed through and counted once.
    assert!(
        summary.iter().any(|s| s.starts_with("cloudnative-pg.yaml")
            && s.contains("13 object(s) of kinds CustomResourceDefinition (11), MutatingWebhookConfiguration (1), ValidatingWebhookConfiguration (1)")),
        "{summary:#?}"
    );
}

/// `Platform::from_nodes` reads what `Platform::nodes()` writes (the shape of `kubectl get
/// nodes -o json`): every node's allocatable, pod limit, architecture, labels and taints.
#[test]
fn a_platform_reads_back_from_its_nodes() {
    use kubefit::{Cpu, Memory, NodePool, Taint, TaintEffect};
    let tainted = Platform::new("lab", "test", "2026-12").pool(
        NodePool::new("gpu", 2, Cpu::cores(8), Memory::gibibytes(32))
            .arch("arm64")
            .max_pods(64)
            .label("accelerator", "t4")
            .taint(Taint::new("gpu", "", TaintEffect::NoSchedule)),
    );
    for platform in Platform::builtin().into_iter().chain([tainted]) {
        let nodes = platform.nodes();
        let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": nodes});
        let read = Platform::from_nodes(&list.to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", platform.name()));
        let expected: Vec<_> = platform
            .pools()
            .iter()
            .flat_map(|p| (0..p.count()).map(move |_| p))
            .collect();
        assert_eq!(read.pools().len(), expected.len(), "{}", platform.name());
        for (got, want) in read.pools().iter().zip(expected) {
            let at = format!("{} {}", platform.name(), got.name());
            assert_eq!(got.allocatable_cpu(), want.allocatable_cpu(), "{at}");
            assert_eq!(got.allocatable_memory(), want.allocatable_memory(), "{at}");
            assert_eq!(got.max_pods_per_node(), want.max_pods_per_node(), "{at}");
            assert_eq!(got.architecture(), want.architecture(), "{at}");
            assert_eq!(got.labels(), want.labels(), "{at}");
            assert_eq!(got.taints(), want.taints(), "{at}");
        }
    }
    let e = Platform::from_nodes(r#"{"kind": "List", "items": []}"#).unwrap_err();
    assert!(e.to_string().contains("no nodes: the list is empty"), "{e}");
    let e = Platform::from_nodes(
        r#"[{"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "2"}}}]"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("items[0] (n): status.allocatable: no cpu; the node must report it"),
        "{e}"
    );
}

/// The pods already running (`kubectl get pods -A -o json`) are existing load on their own
/// nodes: each bound, unfinished pod holds its effective requests (the scheduler's
/// `PodRequests`, pkg/api/v1/resource/helpers.go: init containers, sidecars, overhead) and a
/// pod slot there; the release's own namespace, finished, unbound and foreign pods are left
/// out and counted in the platform's note.
#[test]
fn running_pods_are_existing_load_on_their_nodes() {
    use kubefit::{Container, Cpu, Deployment, Memory, Resources, Verdict};
    let items: Vec<serde_json::Value> = ["a", "b"]
        .map(|n| {
            serde_json::json!({
                "apiVersion": "v1", "kind": "Node", "metadata": {"name": n},
                "status": {"capacity": {"cpu": "2", "memory": "4Gi", "pods": "3"},
                           "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "3"}}})
        })
        .into();
    let nodes = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    let pod = |ns: &str, name: &str, node: Option<&str>, phase: &str, spec: serde_json::Value| {
        let mut spec = spec;
        if let Some(n) = node {
            spec["nodeName"] = n.into();
        }
        // As kubectl prints a List's items: with their kind.
        serde_json::json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns}, "spec": spec, "status": {"phase": phase}})
    };
    let requests = |cpu: &str| {
        serde_json::json!({"containers": [{"name": "c", "image": "x",
        "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}]})
    };
    let pods = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [
        // An init container larger than the app and a RuntimeClass overhead:
        // max(1200m, 500m) + 100m = 1300m on node a.
        pod("data", "db-0", Some("a"), "Running", serde_json::json!({
            "initContainers": [{"name": "init", "image": "x", "resources": {"requests": {"cpu": "1200m"}}}],
            "containers": [{"name": "pg", "image": "x", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}],
            "overhead": {"cpu": "100m", "memory": "10Mi"}})),
        pod("shop", "web-old", Some("b"), "Running", requests("2")),
        pod("data", "migrate", Some("b"), "Succeeded", requests("2")),
        pod("data", "queued", None, "Pending", requests("2")),
        pod("data", "far", Some("elsewhere"), "Running", requests("2")),
    ]});
    let platform = Platform::from_nodes(&nodes.to_string())
        .unwrap()
        .running_pods(&pods.to_string(), Some("shop"))
        .unwrap();
    assert_eq!(platform.addons().len(), 1, "{:?}", platform.addons());
    let db = &platform.addons()[0];
    assert_eq!((db.name(), db.pool()), ("data/db-0", Some("a")));
    assert_eq!(db.cpu(), Cpu::millis(1300));
    assert_eq!(db.memory(), Memory::mebibytes(1034));
    assert_eq!(
        platform.note_text(),
        Some(
            "1 running pod(s) counted as existing load; 1 left out (in the namespace being replaced); 1 left out (not bound to a node); 1 left out (on nodes not in the platform); 1 left out (finished)"
        )
    );
    // The running pod is bound to its node in what a cluster holds.
    let system = platform.system_pods();
    assert_eq!(system.len(), 1);
    assert_eq!(
        system[0].spec.as_ref().unwrap().node_name.as_deref(),
        Some("a-0")
    );

    // Replicas of 1 cpu: three (and a surge pod) on the empty cluster; with db-0's 1300m on
    // `a`, `b` holds two and `a` none.
    let web = |n: i32| {
        Stack::new("shop").with(
            Deployment::new(
                "web",
                Container::new("web", "nginx:1.27").resources(
                    Resources::new().requests(Cpu::millis(1000), Memory::mebibytes(128)),
                ),
            )
            .replicas(n),
        )
    };
    let empty = Platform::from_nodes(&nodes.to_string()).unwrap();
    let f = web(2).fit(&empty);
    assert_eq!(f.verdict(), Verdict::Fits, "{f}");
    assert_eq!(web(3).fit(&empty).verdict(), Verdict::Fits);
    let fit = web(3).fit(&platform);
    assert_eq!(fit.verdict(), Verdict::DoesNotFit, "{fit}");
    // Two fit on `b`; the rollout's surge pod has no room left (700m on `a`).
    assert_eq!(
        web(2).fit(&platform).verdict(),
        Verdict::FitsSteadyStateOnly
    );
    assert_eq!(web(1).fit(&platform).verdict(), Verdict::Fits);
    // Pod slots count too: `a` allows 3 pods.
    let crowded = Platform::from_nodes(&nodes.to_string())
        .unwrap()
        .running_pods(
            &serde_json::json!([
                pod("kube-system", "p1", Some("a"), "Running", requests("1m")),
                pod("kube-system", "p2", Some("a"), "Running", requests("1m")),
                pod("kube-system", "p3", Some("a"), "Running", requests("1m")),
            ])
            .to_string(),
            None,
        )
        .unwrap();
    let small = Stack::new("shop").with(
        Deployment::new(
            "web",
            Container::new("web", "nginx:1.27")
                .resources(Resources::new().requests(Cpu::millis(10), Memory::mebibytes(8))),
        )
        .replicas(4),
    );
    assert_eq!(small.fit(&crowded).verdict(), Verdict::DoesNotFit);

    let e = Platform::from_nodes(&nodes.to_string())
        .unwrap()
        .running_pods(
            &serde_json::json!([pod("x", "bad", Some("a"), "Running", requests("lots"))])
                .to_string(),
            None,
        )
        .unwrap_err();
    assert!(
        e.to_string().contains(
            "items[0] (x/bad): spec.containers[0].resources.requests.cpu: `lots` is not a quantity"
        ),
        "{e}"
    );
    let e = Platform::from_nodes(&nodes.to_string())
        .unwrap()
        .running_pods("[", None)
        .unwrap_err();
    assert!(e.to_string().contains("the pods are not json"), "{e}");
}

/// Plain scalars are read as kubectl reads them (sigs.k8s.io/yaml, YAML 1.1): an unquoted `on`
/// is a boolean, so a ConfigMap value written `on` is refused as the API server's decoder
/// refuses it, while `"on"` is the string.
#[test]
fn plain_scalars_are_read_as_kubectl_reads_them() {
    let cm = |value: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: flags, namespace: shop}}\ndata:\n  tls: {value}\n"
        )
    };
    let quoted = Stack::from_manifests(cm("\"on\"").as_bytes()).unwrap();
    assert!(!quoted.check().has_errors(), "{}", quoted.check());
    let plain = Stack::from_manifests(cm("on").as_bytes()).unwrap();
    let report = plain.check();
    let unreadable: Vec<_> = report
        .diagnostics()
        .iter()
        .filter(|d| d.id == "unreadable-object")
        .collect();
    assert_eq!(unreadable.len(), 1, "{report}");
    assert_eq!(unreadable[0].object, "configmap/flags");
    assert!(
        unreadable[0].path.starts_with("data.tls"),
        "{:?}",
        unreadable[0]
    );
    // (serde_yaml, a YAML 1.2 reader, reads the same `on` as a string: kubectl does not.)
    let v: serde_yaml::Value = serde_yaml::from_str(&cm("on")).unwrap();
    assert_eq!(v["data"]["tls"], serde_yaml::Value::String("on".into()));
}

/// The public charts on Oracle Always Free's arm64 nodes: every image is known to run there
/// but fluent-bit's Loki plugin, whose tag names amd64 (`2.1.0-amd64`) — a DaemonSet that
/// would crash on every node.
#[test]
fn the_public_charts_images_are_judged_on_arm64_nodes() {
    let platform = Platform::oci_always_free();
    let mut found = Vec::new();
    for file in corpus() {
        let text = std::fs::read_to_string(&file).unwrap();
        let stack = Stack::from_manifests(text.as_bytes()).unwrap();
        for d in stack.check_on(&platform).diagnostics() {
            if d.id.starts_with("image-platform") {
                found.push(format!("{} {}: {}", d.id, d.object, d.message));
            }
        }
    }
    insta::assert_snapshot!(found.join("\n"), @"image-platform-unknown daemonset/fluent-bit-fluent-bit-loki: image `grafana/fluent-bit-plugin-loki:2.1.0-amd64` is tagged for amd64 (a per-architecture tag: one platform, by convention), and its pods may run on arm64 nodes, where an amd64 image fails");
}
