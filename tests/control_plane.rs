//! The real control plane of tests/cluster/ — kube-apiserver, kube-controller-manager and
//! kube-scheduler of Kubernetes v1.37.2 — judges kubefit's checks: what kubefit calls an error
//! the API server refuses, with the message below, and the fixed stack it admits.
//! (Every manifest the other tests validate for 1.37 is applied there too: `common::validate`.)

mod common;

use common::cases::case;
use common::cluster;
use kubefit::{EmitOptions, Severity, Stack};

/// The error rules the API server enforces itself, with a fragment of what it answers to the
/// rule's bad stack (tests/common/cases.rs). Listed in tests/README.md.
const API_SERVER_RULES: [(&str, &str); 30] = [
    (
        "refused-by-admission",
        "maximum cpu usage per Container is 200m, but limit is 250m",
    ),
    ("quota-exceeded", "exceeded quota: q"),
    (
        "pod-security-refused",
        "privileged (container \"web\" must not set securityContext.privileged=true)",
    ),
    (
        "invalid-name",
        "a lowercase RFC 1123 subdomain must consist of",
    ),
    (
        "invalid-label",
        "a valid label must be an empty string or consist of",
    ),
    (
        "invalid-annotation",
        "metadata.annotations: Invalid value: \"my key\"",
    ),
    (
        "missing-image",
        "spec.template.spec.containers[0].image: Required value",
    ),
    ("invalid-port", "containerPort: Required value"),
    (
        "invalid-mount-path",
        "volumeMounts[0].mountPath: Required value",
    ),
    (
        "duplicate-mount-path",
        "duplicate entries for key [mountPath=\"/data\"]",
    ),
    (
        "invalid-replicas",
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    ),
    ("invalid-key", "a valid config key must consist of"),
    (
        "invalid-job-spec",
        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
    ),
    (
        "invalid-schedule",
        "spec.schedule: Invalid value: \"every day at 3\"",
    ),
    (
        "invalid-rollout",
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
    ),
    (
        "invalid-host",
        "spec.rules[0].host: Invalid value: \"Shop.Example.com\"",
    ),
    (
        "invalid-path",
        "spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path",
    ),
    ("service-without-ports", "spec.ports: Required value"),
    (
        "ingress-without-routes",
        "either `defaultBackend` or `rules` must be specified",
    ),
    (
        "hpa-min-exceeds-max",
        "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
    ),
    (
        "invalid-api-version",
        "no matches for kind \"Middleware\" in version \"traefik\"",
    ),
    (
        "invalid-kind",
        "invalid object type: traefik.io/v1alpha1, Kind=middleware",
    ),
    (
        "dangling-volume",
        "volumeMounts[0].name: Not found: \"data\"",
    ),
    (
        "request-exceeds-limit",
        "must be less than or equal to cpu limit of 250m",
    ),
    (
        "selector-mismatch",
        "`selector` does not match template `labels`",
    ),
    (
        "invalid-scheduling",
        "spec.template.spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
    ),
    (
        "invalid-extended-resource",
        "must be a standard resource type or fully qualified",
    ),
    (
        "invalid-service-type",
        "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services",
    ),
    (
        "invalid-security-context",
        "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
    ),
    (
        "unreadable-object",
        "quantities must match the regular expression",
    ),
];

/// The error rules the API server does not judge, and why (each checked where it can be).
const NOT_THE_API_SERVERS: [(&str, &str); 9] = [
    (
        "invalid-image-digest",
        "the API server admits any image string; the kubelet's pull fails (ErrImagePull, InvalidImageName), and the test cluster's fake kubelet pulls nothing",
    ),
    (
        "duplicate-name",
        "applied in one stream, the second ConfigMap replaces the first: both are admitted and the first one's data is lost",
    ),
    (
        "secret-value-missing",
        "kubefit cannot emit a Secret without its value",
    ),
    (
        "reserved-namespace",
        "the API server admits objects in `default`; sharing it is a policy problem",
    ),
    (
        "beyond-cluster-limits",
        "a size limit of kubefit's placement, not an API rule",
    ),
    (
        "unknown-override-target",
        "kustomize refuses the overlay (tests/environments.rs)",
    ),
    ("unknown-rule", "kubefit's own suppressions"),
    (
        "builtin-kind-as-custom",
        "the API server admits a Job written as a custom object; kubefit then neither checks nor budgets it",
    ),
    ("suppression-without-reason", "kubefit's own suppressions"),
];

/// kubefit's own suppression rules, never emitted into manifests.
const SUPPRESSION_RULES: [&str; 1] = ["suppression-not-allowed"];

/// The stack's manifests (errors and all) as the cluster takes them.
fn outcome(stack: &Stack) -> cluster::Outcome {
    let dir = common::scratch();
    let yaml = stack
        .emit(&EmitOptions::new().allow_errors(true))
        .unwrap()
        .to_yaml()
        .unwrap();
    let file = common::write(dir.path(), "stack.yaml", &yaml);
    cluster::run(&[file])
}

#[test]
fn every_error_the_cluster_refuses_anyway_is_accounted_for() {
    for rule in kubefit::rules() {
        if rule.suppressible || rule.severity != Severity::Error {
            continue;
        }
        let listed = API_SERVER_RULES
            .iter()
            .filter(|(id, _)| *id == rule.id)
            .count()
            + NOT_THE_API_SERVERS
                .iter()
                .filter(|(id, _)| *id == rule.id)
                .count()
            + SUPPRESSION_RULES
                .iter()
                .filter(|id| **id == rule.id)
                .count();
        assert_eq!(
            listed, 1,
            "`{}` must be listed once: in API_SERVER_RULES with the API server's message, or in NOT_THE_API_SERVERS with why not",
            rule.id
        );
    }
}

#[test]
fn the_api_server_refuses_what_kubefit_calls_an_error() {
    common::needs_external_tools!();
    for (id, message) in API_SERVER_RULES {
        let (bad, good) = case(id);
        // Budget rules are judged on their case's platform (common::cases::findings).
        let errors = common::cases::findings(id, &bad, true).0;
        assert!(
            errors.iter().any(|e| e == id),
            "kubefit: {id} does not fire: {errors:?}"
        );
        let refused = outcome(&bad).refusals();
        assert!(
            refused.iter().any(|r| r.contains(message)),
            "{id}: the API server was expected to answer `{message}`, it said: {refused:#?}"
        );
        let admitted = outcome(&good).refusals();
        assert!(
            admitted.is_empty(),
            "{id}: the fixed stack was refused: {admitted:#?}"
        );
    }
}

#[test]
fn one_stream_with_two_objects_of_one_name_loses_the_first() {
    common::needs_external_tools!();
    let (bad, _) = case("duplicate-name");
    assert!(bad.check().has_errors());
    let outcome = outcome(&bad);
    assert!(outcome.refusals().is_empty(), "{:?}", outcome.refusals());
    let configs = outcome
        .applied
        .iter()
        .filter(|a| a.kind == "ConfigMap" && a.name == "cfg")
        .count();
    assert_eq!(configs, 2, "both documents are applied, to one object");
}

/// What happened in one scenario: on kubefit's side, whether the fit placed every pod; on the
/// cluster's, how many pods stayed Pending once it settled and whether every rollout finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scenario {
    kubefit_fits: bool,
    cluster_pending: usize,
    cluster_rolled_out: bool,
}

impl Scenario {
    fn cluster_fits(&self) -> bool {
        self.cluster_pending == 0 && self.cluster_rolled_out
    }
    fn agrees(&self) -> bool {
        self.kubefit_fits == self.cluster_fits()
    }
}

/// One stack on one platform, judged by both.
#[derive(Debug)]
struct Comparison {
    name: String,
    steady: Scenario,
    rollout: Scenario,
    peak: Scenario,
    /// The pods left Pending in any scenario, with the scheduler's reason.
    pending: Vec<String>,
    /// Pods a controller could not create in any scenario (admission: ResourceQuota,
    /// LimitRange, Pod Security), from the controllers' warning events.
    refused: Vec<String>,
    /// Whether kubefit warned that the default scheduler may strand a pod
    /// (`scheduler-may-strand`).
    warned: bool,
}

fn pending(settled: &serde_json::Value) -> Vec<String> {
    settled["pods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["scheduled"] != true)
        .map(|p| format!("{} ({}): {}", p["name"], p["workload"], p["message"]))
        .collect()
}

/// Every Deployment and StatefulSet has all its replicas updated and ready.
fn rolled_out(settled: &serde_json::Value) -> bool {
    settled["workloads"].as_array().unwrap().iter().all(|w| {
        let kind = w["workload"].as_str().unwrap();
        if kind.contains("/Deployment/") || kind.contains("/StatefulSet/") {
            let desired = w["desired"].as_i64().unwrap();
            w["status"]["updated"].as_i64() == Some(desired)
                && w["status"]["ready"].as_i64() == Some(desired)
                && w["status"]["replicas"].as_i64() == Some(desired)
        } else {
            true
        }
    })
}

/// The stack's workloads (kind, name) and its autoscalers' (kind, name, maxReplicas), read
/// from the emitted manifests.
/// (kind, name) of a workload; (target kind, target name, maxReplicas) of an autoscaler.
type Workloads = (Vec<(String, String)>, Vec<(String, String, i64)>);

fn workloads(docs: &[serde_json::Value]) -> Workloads {
    let mut workloads = Vec::new();
    let mut autoscalers = Vec::new();
    for d in docs {
        let kind = d["kind"].as_str().unwrap_or_default();
        let name = d["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match kind {
            "Deployment" | "StatefulSet" | "DaemonSet" => workloads.push((kind.to_owned(), name)),
            "HorizontalPodAutoscaler" => autoscalers.push((
                d["spec"]["scaleTargetRef"]["kind"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                d["spec"]["scaleTargetRef"]["name"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                d["spec"]["maxReplicas"].as_i64().unwrap(),
            )),
            _ => {}
        }
    }
    (workloads, autoscalers)
}

/// kubefit's verdict per scenario, and the cluster's: apply and settle (steady); change each
/// pod template in turn, settling after each (rollout); scale every autoscaler's target to
/// its maxReplicas, change the templates again and settle (peak: the rollouts at the
/// autoscalers' maximum).
fn compare(name: &str, stack: &Stack, platform: &kubefit::Platform) -> Comparison {
    compare_on(&mut cluster::cluster(), name, stack, platform)
}

/// [`compare`] on a given cluster.
fn compare_on(
    c: &mut cluster::Cluster,
    name: &str,
    stack: &Stack,
    platform: &kubefit::Platform,
) -> Comparison {
    let fit = stack.fit(platform);
    let has = |id: &str| fit.diagnostics().iter().any(|d| d.id == id);
    let steady_fits = !has("does-not-fit");
    let rollout_fits = steady_fits && !has("does-not-fit-during-rollout");
    let peak_fits = rollout_fits && !has("does-not-fit-at-peak");
    let warned = has("scheduler-may-strand");

    let yaml = stack
        .emit(
            &EmitOptions::new()
                .allow_errors(true)
                .plaintext_secrets(true),
        )
        .unwrap()
        .to_yaml()
        .unwrap();
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&yaml).unwrap();
    let (workloads, autoscalers) = workloads(&docs);
    let namespace = stack.namespace().to_string();
    c.use_platform(platform);
    let namespaces = cluster::prepare(c, &docs);
    let ns: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    // Settled: nothing changed for a second. A rollout that pauses longer than that with no
    // pod Pending (a controller's backoff after a quota refusal, on two busy cores — a
    // clean-clone run of 2026-12-07 judged gen-11's guarded rollout "not rolled out" with
    // nothing Pending) is not done: settle again with a longer window, up to three times. A
    // rollout stalled for room has a Pending pod and is judged at once.
    let quiet = |c: &mut cluster::Cluster| {
        let mut answer = c.request(serde_json::json!({"op": "settle", "namespaces": ns, "timeout_seconds": 90, "quiet_ms": 1000}));
        for _ in 0..3 {
            if rolled_out(&answer) || !pending(&answer).is_empty() {
                break;
            }
            answer = c.request(serde_json::json!({"op": "settle", "namespaces": ns, "timeout_seconds": 90, "quiet_ms": 5000}));
        }
        answer
    };
    for a in c.apply(&yaml) {
        assert!(
            a.admitted,
            "{name}: {} {} refused: {}",
            a.kind, a.name, a.error
        );
    }
    let steady = quiet(c);
    // One rollout after another, each settled and judged before the next: kubefit judges
    // each workload's rollout on its own. A rollout that stalls stays stalled only until
    // another workload's in-place replacement frees room for a moment, so each is judged
    // when it settles: the scenario fits when every rollout finished on its own.
    let restart = |c: &mut cluster::Cluster| {
        let mut alone = Vec::new();
        for (kind, name) in &workloads {
            c.request(serde_json::json!({"op": "restart", "namespace": namespace, "kind": kind, "name": name}));
            alone.push(quiet(c));
        }
        alone
    };
    let rollouts = restart(c);
    let rollout = quiet(c);
    for (kind, target, max) in &autoscalers {
        c.request(serde_json::json!({"op": "scale", "namespace": namespace, "kind": kind, "name": target, "replicas": max}));
    }
    let peaks = restart(c);
    let peak = quiet(c);
    c.delete_namespaces(&namespaces, false);
    let scenario = |fits: bool, settled: &serde_json::Value, steps: &[serde_json::Value]| {
        let all = steps.iter().chain(std::iter::once(settled));
        Scenario {
            kubefit_fits: fits,
            cluster_pending: all.clone().map(|s| pending(s).len()).max().unwrap_or(0),
            cluster_rolled_out: all.clone().all(rolled_out),
        }
    };
    let every: Vec<&serde_json::Value> = std::iter::once(&steady)
        .chain(&rollouts)
        .chain(std::iter::once(&rollout))
        .chain(&peaks)
        .chain(std::iter::once(&peak))
        .collect();
    let mut pods_pending: Vec<String> = every.iter().flat_map(|s| pending(s)).collect();
    pods_pending.sort();
    pods_pending.dedup();
    Comparison {
        name: name.to_owned(),
        steady: scenario(steady_fits, &steady, &[]),
        rollout: scenario(rollout_fits, &rollout, &rollouts),
        peak: scenario(peak_fits, &peak, &peaks),
        pending: pods_pending,
        refused: [&steady, &rollout, &peak]
            .iter()
            .flat_map(|s| s["warnings"].as_array().unwrap().iter())
            .filter_map(|w| w.as_str())
            .filter(|w| w.contains("FailedCreate") || w.contains("ReplicaFailure"))
            .map(str::to_owned)
            .collect(),
        warned,
    }
}

/// The stack and platform an example exports (`--export-spec`), as a user would load them
/// (any secret it asks for is a placeholder: the proof needs the objects, not the values).
fn example(name: &str) -> (Stack, Option<kubefit::Platform>) {
    common::example_stack(name)
}

fn row(c: &Comparison) -> String {
    let cell = |s: &Scenario| {
        format!(
            "{} / {}{}",
            if s.kubefit_fits { "fits" } else { "no" },
            if s.cluster_fits() { "fits" } else { "no" },
            if s.cluster_pending > 0 {
                format!(" ({} pending)", s.cluster_pending)
            } else if !s.cluster_rolled_out {
                " (not rolled out)".to_owned()
            } else {
                String::new()
            }
        )
    };
    format!(
        "| {} | {} | {} | {} |",
        c.name,
        cell(&c.steady),
        cell(&c.rollout),
        cell(&c.peak)
    )
}

fn table(rows: &[Comparison]) -> String {
    let mut t = String::from(
        "| stack | steady (kubefit / cluster) | rollout | peak |\n|---|---|---|---|\n",
    );
    for c in rows {
        t.push_str(&row(c));
        t.push('\n');
    }
    let agree = |f: fn(&Comparison) -> &Scenario| rows.iter().filter(|c| f(c).agrees()).count();
    t.push_str(&format!(
        "\nagreement: steady {}/{n}, rollout {}/{n}, peak {}/{n}\n",
        agree(|c| &c.steady),
        agree(|c| &c.rollout),
        agree(|c| &c.peak),
        n = rows.len()
    ));
    t
}

/// Every example (Mastodon included) on its own platform: the scheduler places what kubefit says fits in steady
/// state, and leaves Pending what kubefit says does not. The rollout and peak columns are
/// reported (tests/README.md), not asserted: there the controllers' timing decides which pods
/// wait.
#[test]
fn the_scheduler_agrees_with_the_steady_state_verdict_of_every_example() {
    common::needs_external_tools!();
    let mut rows = Vec::new();
    for name in common::EXAMPLES {
        let (stack, platform) = example(name);
        let platform = platform.unwrap_or_else(kubefit::Platform::oci_always_free);
        rows.push(compare(name, &stack, &platform));
    }
    let table = table(&rows);
    println!("{table}");
    for c in &rows {
        assert!(
            c.steady.agrees(),
            "{}: steady state disagrees\n{table}\n{:#?}",
            c.name,
            c.pending
        );
    }
}

/// A small deterministic generator (a linear congruential one: the same stacks every run).
struct Gen(u64);

impl Gen {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
    fn pick(&mut self, low: u64, high: u64, step: u64) -> u64 {
        low + self.next((high - low) / step + 1) * step
    }
}

/// Generated stack `i` and its platform: one to three Deployments or StatefulSets with
/// requests, limit-only containers, init containers, HPAs and rollout strategies, and in one
/// stack of four a DaemonSet (one pod per node, by the DaemonSet controller), on one to three
/// nodes sized around the stack's steady-state requests (from 10 % short to 80 % spare), so
/// that many verdicts are close. In one stack of four the first workload is pinned (nodeSelector
/// and toleration) to a second, tainted and labelled pool sized around it alone, which every
/// other pod (the DaemonSet's too, which tolerates nothing) must keep off. One workload in
/// five has a native sidecar; one stack in five runs a Job of one to three pods at once (its
/// pods annotated to keep running, so the cluster holds them as kubefit counts them); one
/// stack in five has a LimitRange whose default requests fill in a container that sets none.
fn generated(i: u64) -> (Stack, kubefit::Platform) {
    use kubefit::{
        Container, Cpu, Deployment, HorizontalPodAutoscaler, IntOrPercent, Job, LimitRange, Memory,
        NodePool, Platform, Reserved, Resources, StatefulSet, Taint, TaintEffect, Toleration,
    };
    let mut g = Gen(i * 7919 + 17);
    let dedicated = g.next(4) == 0;
    let (role, taint) = ("kubefit.dev/role", "dedicated");
    let (mut pinned_cpu, mut pinned_memory, mut pinned_largest) = (0, 0, (0, 0));
    let image = "registry.k8s.io/pause:3.10";
    // A container and its (cpu millicores, memory MiB) request.
    let container = |g: &mut Gen, name: &str| {
        let cpu = g.pick(100, 1200, 50);
        let memory = g.pick(64, 1536, 64);
        let resources = if g.next(5) == 0 {
            Resources::new()
                .cpu_limit_of(Cpu::millis(cpu))
                .memory_limit_of(Memory::mebibytes(memory))
        } else {
            Resources::new()
                .requests(Cpu::millis(cpu), Memory::mebibytes(memory))
                .limits(Cpu::millis(cpu * 2), Memory::mebibytes(memory * 2))
        };
        (
            Container::new(name, image).resources(resources),
            (cpu, memory),
        )
    };
    let mut stack = Stack::new(format!("gen-{i}").as_str());
    let (mut total_cpu, mut total_memory, mut largest) = (0, 0, (0, 0));
    for w in 0..=g.next(3) {
        let name = format!("w{w}");
        let (main, (mut cpu, mut memory)) = container(&mut g, &name);
        let replicas = g.pick(1, 3, 1);
        let init = if g.next(4) == 0 {
            let (init, (icpu, imem)) = container(&mut g, "init");
            cpu = cpu.max(icpu);
            memory = memory.max(imem);
            Some(init)
        } else {
            None
        };
        let sidecar = if g.next(5) == 0 {
            let (side, (scpu, smem)) = container(&mut g, "side");
            cpu += scpu;
            memory += smem;
            Some(side)
        } else {
            None
        };
        let pinned = dedicated && w == 0;
        if pinned {
            pinned_cpu += cpu * replicas;
            pinned_memory += memory * replicas;
            pinned_largest = (cpu, memory);
        } else {
            total_cpu += cpu * replicas;
            total_memory += memory * replicas;
            largest = (largest.0.max(cpu), largest.1.max(memory));
        }
        if g.next(10) < 3 {
            let mut s = StatefulSet::new(name.as_str(), main).replicas(replicas as i32);
            if let Some(init) = init {
                s = s.init_container(init);
            }
            if let Some(side) = sidecar {
                s = s.sidecar(side);
            }
            if pinned {
                s = s
                    .node_selector(role, taint)
                    .tolerate(Toleration::equal(taint, "yes"));
            }
            stack = stack.with(s);
        } else {
            let mut d = Deployment::new(name.as_str(), main).replicas(replicas as i32);
            if let Some(init) = init {
                d = d.init_container(init);
            }
            if let Some(side) = sidecar {
                d = d.sidecar(side);
            }
            if pinned {
                d = d
                    .node_selector(role, taint)
                    .tolerate(Toleration::equal(taint, "yes"));
            }
            d = match g.next(4) {
                0 => d.recreate(),
                1 => d.rolling_update(
                    IntOrPercent::Count(g.pick(1, 2, 1) as i32),
                    IntOrPercent::Count(g.next(2) as i32),
                ),
                _ => d,
            };
            if g.next(3) == 0 {
                let max = replicas as i32 + g.pick(1, 3, 1) as i32;
                stack = stack.with(HorizontalPodAutoscaler::new(&d, replicas as i32, max));
            }
            stack = stack.with(d);
        }
    }
    if g.next(5) == 0 {
        // A Job whose pods run at once and keep running (the fake kubelet's annotation).
        let (batch, (cpu, memory)) = container(&mut g, "batch");
        let parallel = g.pick(1, 3, 1);
        total_cpu += cpu * parallel;
        total_memory += memory * parallel;
        largest = (largest.0.max(cpu), largest.1.max(memory));
        stack = stack.with(
            Job::new("batch", batch)
                .parallelism(parallel as i32)
                .completions(parallel as i32 * 2)
                .pod_annotation("kubefit.dev/test-runs-forever", "true"),
        );
    }
    if g.next(5) == 0 {
        // A container without resources, its requests filled in by the LimitRange.
        let (cpu, memory) = (g.pick(100, 600, 100), g.pick(64, 512, 64));
        total_cpu += cpu;
        total_memory += memory;
        largest = (largest.0.max(cpu), largest.1.max(memory));
        stack = stack
            .with(
                LimitRange::new("defaults")
                    .default_request(Cpu::millis(cpu), Memory::mebibytes(memory))
                    .default_limit(Cpu::millis(cpu * 2), Memory::mebibytes(memory * 2)),
            )
            .with(Deployment::new("plain", Container::new("plain", image)));
    }
    let nodes = g.pick(1, 3, 1);
    if g.next(4) == 0 {
        let (agent, (cpu, memory)) = container(&mut g, "agent");
        total_cpu += cpu * nodes;
        total_memory += memory * nodes;
        largest = (largest.0.max(cpu), largest.1.max(memory));
        stack = stack.with(kubefit::DaemonSet::new("agent", agent));
    }
    let factor = g.pick(90, 180, 10);
    let size = |total: u64, largest: u64, step: u64, nodes: u64| {
        let share = (total * factor / 100).div_ceil(nodes);
        share.max(largest).max(step).div_ceil(step) * step
    };
    let mut platform = Platform::new(format!("gen-{i}").as_str(), "generated", "2026-12").pool(
        NodePool::new(
            "n",
            nodes as u32,
            Cpu::millis(size(total_cpu, largest.0, 100, nodes)),
            Memory::mebibytes(size(total_memory, largest.1, 64, nodes)),
        )
        .reserved(Reserved::none()),
    );
    if dedicated {
        platform = platform.pool(
            NodePool::new(
                "d",
                1,
                Cpu::millis(size(pinned_cpu, pinned_largest.0, 100, 1)),
                Memory::mebibytes(size(pinned_memory, pinned_largest.1, 64, 1)),
            )
            .reserved(Reserved::none())
            .label(role, taint)
            .taint(Taint::new(taint, "yes", TaintEffect::NoSchedule)),
        );
    }
    (stack, platform)
}

/// How many generated stacks the scheduling proof runs (each takes seconds to tens of seconds
/// to settle, on several clusters at once).
const GENERATED: u64 = 200;

/// Whether every pod left Pending lacks only room (cpu, memory, pod slots): what the default
/// scheduler's one-pod-at-a-time, spreading placement strands where a tighter placement exists.
fn only_short_of_room(c: &Comparison) -> bool {
    !c.pending.is_empty()
        && c.pending.iter().all(|p| {
            let reasons = p
                .split("nodes are available: ")
                .nth(1)
                .unwrap_or_default()
                .split(". preemption")
                .next()
                .unwrap_or_default();
            let room = |r: &str| {
                r.contains("Insufficient cpu")
                    || r.contains("Insufficient memory")
                    || r.contains("Too many pods")
            };
            // Nodes a pinned pod may not use (a taint it does not tolerate, a selector it does
            // not match) are refused by kubefit's filters too: room is what the others lack.
            let elsewhere = |r: &str| {
                r.contains("had untolerated taint")
                    || r.contains("didn't match Pod's node affinity/selector")
            };
            reasons.split(", ").any(room) && reasons.split(", ").all(|r| room(r) || elsewhere(r))
        })
}

/// Generated stacks on platforms sized around them. What must hold, scenario by scenario:
/// - kubefit never says a steady state does not fit that the scheduler places (its search is
///   exact on stacks this small);
/// - where kubefit says it fits and the scheduler leaves pods Pending, they lack only room: the
///   default scheduler spreads pods (LeastAllocated) and strands one a tighter placement
///   would fit (kubefit's placement is the witness; warning about it is the fit-fidelity
///   issue's greedy-scheduler scenario);
/// - in steady state every such stranding was warned about (`scheduler-may-strand`);
/// - rollout and peak disagreements are counted in the table (tests/README.md explains each),
///   not failed: there the controllers' timing decides which pods wait.
#[test]
fn the_scheduler_agrees_with_the_steady_state_verdict_of_generated_stacks() {
    common::needs_external_tools!();
    // Alone: the other tests wait for the shared cluster while this one runs clusters of its
    // own (on two cores, their settling under that load timed out in a clean-clone run).
    let _alone = cluster::cluster();
    // `KUBEFIT_GENERATED=13,29` runs only those stacks and prints kubefit's report and the
    // pods the cluster left Pending (for looking into a disagreement).
    let only: Option<Vec<u64>> = std::env::var("KUBEFIT_GENERATED")
        .ok()
        .map(|v| v.split(',').filter_map(|i| i.trim().parse().ok()).collect());
    // Several clusters of their own judge the stacks at once (most of a judgement is waiting
    // for the cluster to settle): `KUBEFIT_CLUSTERS`, 4 by default.
    let clusters: usize = std::env::var("KUBEFIT_CLUSTERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
        .max(1);
    let indexes: Vec<u64> = (0..GENERATED)
        .filter(|i| only.as_ref().is_none_or(|o| o.contains(i)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let judged = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..clusters.min(indexes.len()) {
            scope.spawn(|| {
                let mut c = cluster::Cluster::start();
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(&i) = indexes.get(k) else { break };
                    let (stack, platform) = generated(i);
                    let row = compare_on(&mut c, &format!("gen-{i}"), &stack, &platform);
                    if only.is_some() {
                        println!("== gen-{i}\n{}\n{row:#?}", stack.fit(&platform));
                    }
                    judged.lock().unwrap().push((i, row));
                }
            });
        }
    });
    let mut judged = judged.into_inner().unwrap();
    judged.sort_by_key(|(i, _)| *i);
    let rows: Vec<Comparison> = judged.into_iter().map(|(_, c)| c).collect();
    let table = table(&rows);
    println!("{table}");
    let too_strict: Vec<&Comparison> = rows
        .iter()
        .filter(|c| !c.steady.kubefit_fits && c.steady.cluster_fits())
        .collect();
    assert!(
        too_strict.is_empty(),
        "kubefit said does not fit where the scheduler placed every pod:\n{table}\n{too_strict:#?}"
    );
    let stranded: Vec<&Comparison> = rows
        .iter()
        .filter(|c| {
            [c.steady, c.rollout, c.peak]
                .iter()
                .any(|s| s.kubefit_fits && !s.cluster_fits())
        })
        .collect();
    for c in &stranded {
        assert!(
            only_short_of_room(c),
            "{}: kubefit said it fits, the cluster left pods Pending for another reason:\n{table}\n{c:#?}",
            c.name
        );
    }
    println!(
        "greedy strandings (kubefit fits, the scheduler leaves pods Pending for room): {}",
        stranded.len()
    );
    // In steady state kubefit must have said that the scheduler may not find the placement.
    let unwarned: Vec<&str> = stranded
        .iter()
        .filter(|c| c.steady.kubefit_fits && !c.steady.cluster_fits() && !c.warned)
        .map(|c| c.name.as_str())
        .collect();
    let steady_strandings = stranded
        .iter()
        .filter(|c| c.steady.kubefit_fits && !c.steady.cluster_fits())
        .count();
    println!(
        "steady-state strandings kubefit warned about (scheduler-may-strand): {} of {steady_strandings}; stacks warned about: {}",
        steady_strandings - unwarned.len(),
        rows.iter().filter(|c| c.warned).count()
    );
    assert!(
        unwarned.is_empty(),
        "the scheduler stranded pods in steady state where kubefit did not warn: {unwarned:?}\n{table}"
    );
}

/// `kubefit-cluster check` (what scripts/cluster-check.sh runs on a user's stack) says what was
/// admitted, where each pod went and what stayed Pending and why, and fails when something did.
#[test]
fn the_one_shot_check_reports_admission_placement_and_pending_pods() {
    use kubefit::{Container, Cpu, Deployment, Memory, NodePool, Platform, Reserved, Resources};
    common::needs_external_tools!();
    let platform = Platform::new("lab", "test", "2026-12").pool(
        NodePool::new("n", 1, Cpu::cores(2), Memory::gibibytes(4)).reserved(Reserved::none()),
    );
    let pod = |name: &str, cpu: u64| {
        Deployment::new(
            name,
            Container::new(name, "registry.k8s.io/pause:3.10")
                .resources(Resources::new().requests(Cpu::millis(cpu), Memory::mebibytes(64))),
        )
    };
    let stack = Stack::new("lab")
        .with(pod("small", 500))
        .with(pod("huge", 3000));
    let dir = common::scratch();
    let yaml = stack
        .emit(&EmitOptions::new().allow_errors(true))
        .unwrap()
        .to_yaml()
        .unwrap();
    let manifests = common::write(dir.path(), "stack.yaml", &yaml);
    let nodes =
        serde_json::json!({"nodes": platform.nodes(), "systemPods": platform.system_pods()});
    let nodes = common::write(dir.path(), "nodes.json", &nodes.to_string());
    let helper =
        std::env::var_os("KUBEFIT_CLUSTER").expect("KUBEFIT_CLUSTER is set by scripts/test.sh");
    let out = std::process::Command::new(helper)
        .arg("check")
        .arg("--nodes")
        .arg(&nodes)
        .arg(&manifests)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let documents = common::parse(&yaml).len();
    assert!(
        text.contains(&format!(
            "admission: {documents} of {documents} objects admitted"
        )),
        "{text}"
    );
    assert!(text.contains("scheduling: 2 pods, 1 pending"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("(Deployment/small) on n-0")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l
            .contains("(Deployment/huge) PENDING: 0/1 nodes are available: 1 Insufficient cpu")),
        "{text}"
    );
}

/// The guard rails kubefit makes from a fit report (`FitReport::resource_quota`,
/// `FitReport::limit_range`) admit every pod kubefit counted, in every scenario, and change no
/// placement: the examples and the generated stacks that fit, with both added to the stack.
/// Every scenario ends with every pod admitted; on the way, a rollout at the quota's pod count
/// is refused new pods while old ones are still being deleted (counted, reported, and the
/// fit-fidelity issue's to fix: the quota needs room for the pods a rollout is deleting).
#[test]
fn the_guard_rails_admit_every_pod_kubefit_counted() {
    common::needs_external_tools!();
    let mut cases: Vec<(String, Stack, kubefit::Platform)> = [
        "quickstart",
        "phase_v_always_free",
        "chase_sets",
        "api_web_orchestrator",
        "creavio",
        "order_service",
    ]
    .iter()
    .map(|name| {
        let (stack, platform) = example(name);
        let platform = platform.unwrap_or_else(kubefit::Platform::oci_always_free);
        (name.to_string(), stack, platform)
    })
    .collect();
    cases.extend((0..GUARDED).map(|i| {
        let (stack, platform) = generated(i);
        (format!("gen-{i}"), stack, platform)
    }));
    let mut checked = 0;
    let mut transient = Vec::new();
    for (name, stack, platform) in cases {
        let fit = stack.fit(&platform);
        if fit.verdict() != kubefit::Verdict::Fits {
            continue;
        }
        let guarded = stack
            .clone()
            .with(fit.resource_quota())
            .with(fit.limit_range());
        let c = compare(&name, &guarded, &platform);
        // Refusals that the controllers' retries got past (the final state below agrees):
        // the quota admits kubefit's peak pod count, but a pod being deleted still counts
        // against it until it is gone (pkg/quota/v1/evaluator/core/pods.go, QuotaV1Pod), so a
        // rollout at peak waits, step by step, for the old pods to go. The quota's usage is
        // also updated with optimistic concurrency: two pods created at once can race for it
        // and one is refused with a conflict (plugin/pkg/admission/resourcequota/controller.go,
        // checkQuotas → UpdateQuotaStatus, once its own retries are spent; the quota controller
        // writes the same status), which the ReplicaSet controller retries.
        if !c.refused.is_empty() {
            transient.push(format!("{name}: {} refused creations", c.refused.len()));
            assert!(
                c.refused
                    .iter()
                    .all(|r| r.contains("exceeded quota: kubefit-budget")
                        || r.contains(
                            "Operation cannot be fulfilled on resourcequotas \"kubefit-budget\""
                        )),
                "{name}: refused for another reason: {:#?}",
                c.refused
            );
        }
        // Pods left Pending may only lack room (the default scheduler's spreading, as in the
        // comparison above); a quota or limit would show as a refusal.
        let agrees = c.steady.agrees() && c.rollout.agrees() && c.peak.agrees();
        assert!(
            agrees || only_short_of_room(&c),
            "{name}: with its guard rails: {}\n{:#?}",
            row(&c),
            c.pending
        );
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} stacks fit: the proof needs more"
    );
    println!("{checked} stacks checked; transient quota refusals during rollouts: {transient:?}");
}

/// How many generated stacks the guard-rail proof draws from (those that fit are checked).
const GUARDED: u64 = 20;

/// `node-runs-short`, both truths judged by the real scheduler: on nodes whose allocatable is
/// what kubefit counts (k3s's own use reserved, as `Reserved::kubelet_args` makes it) the
/// pods kubefit cannot place stay Pending; on the same nodes as k3s ships them (no
/// kube-reserved: the kubelet reports k3s's room as allocatable) the scheduler places every
/// pod, as the finding says.
#[test]
fn the_scheduler_places_the_pods_kubefit_says_would_run_the_node_short() {
    common::needs_external_tools!();
    let (bad, _) = case("node-runs-short");
    let reserved = kubefit::Platform::oci_always_free();
    let fit = bad.fit(&reserved);
    let ids: Vec<String> = fit.diagnostics().iter().map(|d| d.id.to_string()).collect();
    assert!(ids.contains(&"does-not-fit".to_owned()), "{fit}");
    assert!(ids.contains(&"node-runs-short".to_owned()), "{fit}");
    let c = compare("node-runs-short (reserved)", &bad, &reserved);
    assert!(
        !c.steady.kubefit_fits && c.steady.cluster_pending > 0,
        "with k3s reserved the cluster leaves pods pending: {}",
        row(&c)
    );
    // The same nodes without kube-reserved: k3s's own use counts as allocatable.
    let yaml = reserved
        .to_yaml()
        .unwrap()
        .replace("distroCpu: 60m", "distroCpu: '0'")
        .replace("distroCpu: 30m", "distroCpu: '0'")
        .replace("distroMemory: 1526Mi", "distroMemory: '0'")
        .replace("distroMemory: 263Mi", "distroMemory: '0'");
    let unreserved = kubefit::Platform::from_yaml(&yaml).unwrap();
    assert_ne!(unreserved, reserved, "the profile's k3s figures changed");
    let c = compare("node-runs-short (as k3s ships)", &bad, &unreserved);
    assert_eq!(
        c.steady.cluster_pending,
        0,
        "the scheduler places every pod: {}\n{:#?}",
        row(&c),
        c.pending
    );
}

/// Host ports across workloads and required pod anti-affinity, judged by the real
/// scheduler: kubefit's steady-state verdict agrees with the cluster's on one node (pods kept
/// apart stay Pending) and on two (every pod placed).
#[test]
fn the_scheduler_keeps_apart_what_kubefit_keeps_apart() {
    common::needs_external_tools!();
    use kubefit::{
        Container, Cpu, Deployment, Memory, NodePool, Platform, PodTerm, Reserved, Resources,
        WorkloadRef,
    };
    let pod = |name: &str| {
        Container::new(name, common::cases::IMAGE).resources(
            Resources::new()
                .requests(Cpu::millis(100), Memory::mebibytes(64))
                .limits(Cpu::millis(100), Memory::mebibytes(64)),
        )
    };
    let ported = |name: &str| {
        Deployment::new(name, pod(name).port("http", 8080).host_port("http", 8080)).recreate()
    };
    let cache = Deployment::new("cache", pod("cache")).recreate();
    let avoid = PodTerm::new("kubernetes.io/hostname").pods_of(&WorkloadRef::from(&cache));
    let web = Deployment::new("web", pod("web"))
        .recreate()
        .require_pod_anti_affinity(avoid);
    let stacks = [
        (
            "host-port",
            // Host ports are refused by Pod Security's baseline and restricted levels.
            Stack::new("apart")
                .pod_security("privileged")
                .with(ported("a"))
                .with(ported("b")),
        ),
        ("anti-affinity", Stack::new("apart").with(cache).with(web)),
    ];
    for (name, stack) in stacks {
        for nodes in [1, 2] {
            let platform = Platform::new("lab", "test", "2026-12").pool(
                NodePool::new("n", nodes, Cpu::cores(2), Memory::gibibytes(4))
                    .reserved(Reserved::none()),
            );
            let c = compare(&format!("{name} on {nodes} node(s)"), &stack, &platform);
            assert_eq!(c.steady.kubefit_fits, nodes == 2, "{}", row(&c));
            assert!(c.steady.agrees(), "{}\n{:#?}", row(&c), c.pending);
        }
    }
}

/// Topology spread with `DoNotSchedule` (podtopologyspread/filtering.go): a node the pods
/// cannot use because of its taint still counts as an empty domain, so three replicas with
/// maxSkew 1 over hostname get one pod on the untainted node and two pending — kubefit says
/// so, and the real scheduler leaves the same two pending; tolerating the taint, both place
/// all three (two and one: a skew of 1).
#[test]
fn the_scheduler_spreads_pods_where_kubefit_says_they_spread() {
    common::needs_external_tools!();
    use kubefit::{
        Container, Cpu, Deployment, Memory, NodePool, Platform, Reserved, Resources, Taint,
        TaintEffect, Toleration, TopologySpread,
    };
    let app = |tolerate: bool| {
        let d = Deployment::new(
            "app",
            Container::new("app", common::cases::IMAGE).resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(64))
                    .limits(Cpu::millis(100), Memory::mebibytes(64)),
            ),
        )
        .replicas(3)
        .recreate()
        .spread(TopologySpread::new("kubernetes.io/hostname", 1));
        if tolerate {
            d.tolerate(Toleration::equal("dedicated", "search"))
        } else {
            d
        }
    };
    let platform = Platform::new("lab", "test", "2026-12")
        .pool(
            NodePool::new("general", 1, Cpu::cores(2), Memory::gibibytes(4))
                .reserved(Reserved::none()),
        )
        .pool(
            NodePool::new("search", 1, Cpu::cores(2), Memory::gibibytes(4))
                .reserved(Reserved::none())
                .taint(Taint::new("dedicated", "search", TaintEffect::NoSchedule)),
        );
    for (name, tolerate) in [("untolerated", false), ("tolerated", true)] {
        let c = compare(
            &format!("spread {name}"),
            &Stack::new("spread").with(app(tolerate)),
            &platform,
        );
        assert_eq!(c.steady.kubefit_fits, tolerate, "{}", row(&c));
        assert!(c.steady.agrees(), "{}\n{:#?}", row(&c), c.pending);
        if !tolerate {
            assert_eq!(c.steady.cluster_pending, 2, "{}\n{:#?}", row(&c), c.pending);
        }
    }
}

/// Required pod affinity and anti-affinity over a zone (interpodaffinity/filtering.go): web
/// pods that must run beside a cache's pod (on its node, in its zone) or away from its zone,
/// on two nodes of two zones. kubefit's steady verdict and the cluster agree on each, the
/// cluster retrying the web pods once the cache runs.
#[test]
fn the_scheduler_honours_pod_affinity_as_kubefit_does() {
    common::needs_external_tools!();
    use kubefit::{
        Container, Cpu, Deployment, Memory, NodePool, Platform, PodTerm, Reserved, Resources,
        WorkloadRef,
    };
    let sized = |name: &str, cpu: u64| {
        Container::new(name, common::cases::IMAGE).resources(
            Resources::new()
                .requests(Cpu::millis(cpu), Memory::mebibytes(64))
                .limits(Cpu::millis(cpu), Memory::mebibytes(64)),
        )
    };
    let platform = Platform::new("lab", "test", "2026-12")
        .pool(
            NodePool::new("a", 1, Cpu::cores(1), Memory::gibibytes(2))
                .reserved(Reserved::none())
                .label("topology.kubernetes.io/zone", "a"),
        )
        .pool(
            NodePool::new("b", 1, Cpu::cores(1), Memory::gibibytes(2))
                .reserved(Reserved::none())
                .label("topology.kubernetes.io/zone", "b"),
        );
    let cases = [
        (
            "beside on hostname",
            "kubernetes.io/hostname",
            false,
            300,
            true,
        ),
        (
            "beside on hostname, too big",
            "kubernetes.io/hostname",
            false,
            400,
            false,
        ),
        (
            "away by zone",
            "topology.kubernetes.io/zone",
            true,
            400,
            true,
        ),
        (
            "away by zone, too big",
            "topology.kubernetes.io/zone",
            true,
            600,
            false,
        ),
    ];
    for (name, key, anti, web_cpu, fits) in cases {
        let cache = Deployment::new("cache", sized("cache", 400)).recreate();
        let term = PodTerm::new(key).pods_of(&WorkloadRef::from(&cache));
        let web = Deployment::new("web", sized("web", web_cpu))
            .replicas(2)
            .recreate();
        let web = if anti {
            web.require_pod_anti_affinity(term)
        } else {
            web.require_pod_affinity(term)
        };
        let c = compare(
            name,
            &Stack::new("affinity").with(web).with(cache),
            &platform,
        );
        assert_eq!(c.steady.kubefit_fits, fits, "{}", row(&c));
        assert!(c.steady.agrees(), "{}\n{:#?}", row(&c), c.pending);
    }
}

/// Priority and preemption (queuesort's PrioritySort, defaultpreemption): on one node of
/// 1 core, a worker (two 400m pods, priority 0, applied first) and an api (two 300m pods,
/// class `high` at 1000). kubefit says one worker pod stays pending and the api preempts it;
/// the cluster ends with exactly that pod pending.
#[test]
fn the_scheduler_preempts_the_pods_kubefit_says_it_preempts() {
    common::needs_external_tools!();
    use kubefit::{
        Container, Cpu, Deployment, Memory, NodePool, Platform, PriorityClass, Reserved, Resources,
    };
    let sized = |name: &str, cpu: u64| {
        Container::new(name, common::cases::IMAGE).resources(
            Resources::new()
                .requests(Cpu::millis(cpu), Memory::mebibytes(64))
                .limits(Cpu::millis(cpu), Memory::mebibytes(64)),
        )
    };
    let platform = Platform::new("lab", "test", "2026-12").pool(
        NodePool::new("n", 1, Cpu::cores(1), Memory::gibibytes(4)).reserved(Reserved::none()),
    );
    let stack = Stack::new("priority")
        .with(PriorityClass::new("high", 1000))
        .with(
            Deployment::new("worker", sized("worker", 400))
                .replicas(2)
                .recreate(),
        )
        .with(
            Deployment::new("api", sized("api", 300))
                .replicas(2)
                .recreate()
                .priority_class("high"),
        );
    let fit = stack.fit(&platform);
    let preempted: Vec<&str> = fit
        .diagnostics()
        .iter()
        .filter(|d| d.id == "priority-preemption")
        .map(|d| d.object.as_str())
        .collect();
    assert_eq!(preempted, ["deployment/worker"], "{fit}");
    let c = compare("priority", &stack, &platform);
    assert!(!c.steady.kubefit_fits, "{}", row(&c));
    assert!(c.steady.agrees(), "{}\n{:#?}", row(&c), c.pending);
    assert_eq!(c.steady.cluster_pending, 1, "{}\n{:#?}", row(&c), c.pending);
    assert!(
        c.pending.iter().all(|p| p.contains("Deployment/worker")),
        "{:#?}",
        c.pending
    );
}

/// Injected sidecars: kubefit counts Dapr's `daprd` in each pod annotated for it (here with
/// `dapr.io/sidecar-cpu-request: 150m`); the test cluster has no injector webhook, so the
/// cluster is given the pods as the webhook would leave them (a `daprd` container appended).
/// kubefit's verdict on the annotated stack with `Injector::dapr()` equals the scheduler's on
/// the injected pods: 2 × (400m + 150m) on 1 core leaves a pod pending, 2 × (300m + 150m)
/// does not — and without the sidecar both would fit.
#[test]
fn the_scheduler_places_injected_pods_as_kubefit_counted_them() {
    common::needs_external_tools!();
    use kubefit::{
        Container, Cpu, Deployment, Injector, Memory, NodePool, Platform, Reserved, Resources,
        Verdict,
    };
    let limited = |name: &str, cpu: u64| {
        Container::new(name, common::cases::IMAGE).resources(
            Resources::new()
                .requests(Cpu::millis(cpu), Memory::mebibytes(64))
                .limits(Cpu::millis(cpu), Memory::mebibytes(64)),
        )
    };
    let platform = Platform::new("lab", "test", "2026-12").pool(
        NodePool::new("n", 1, Cpu::cores(1), Memory::gibibytes(4)).reserved(Reserved::none()),
    );
    for (cpu, fits) in [(400, false), (300, true)] {
        let app = |c: Container| {
            Deployment::new("app", c)
                .replicas(2)
                .recreate()
                .pod_annotation("dapr.io/enabled", "true")
                .pod_annotation("dapr.io/app-id", "app")
                .pod_annotation("dapr.io/sidecar-cpu-request", "150m")
                .pod_annotation("dapr.io/sidecar-memory-request", "64Mi")
                .pod_annotation("dapr.io/sidecar-cpu-limit", "150m")
                .pod_annotation("dapr.io/sidecar-memory-limit", "64Mi")
        };
        let annotated = Stack::new("dapr").with(app(limited("app", cpu)));
        let counted = annotated.fit(&platform.clone().injects(Injector::dapr()));
        assert_eq!(counted.verdict() == Verdict::Fits, fits, "{counted}");
        let plain = annotated.fit(&platform);
        assert_eq!(
            plain.verdict(),
            Verdict::Fits,
            "without the sidecar: {plain}"
        );
        // What the webhook makes of each pod: daprd beside the app.
        let injected =
            Stack::new("dapr").with(app(limited("app", cpu)).container(limited("daprd", 150)));
        let c = compare(&format!("dapr {cpu}m"), &injected, &platform);
        assert_eq!(c.steady.kubefit_fits, fits, "{}", row(&c));
        assert!(c.steady.agrees(), "{}\n{:#?}", row(&c), c.pending);
    }
}

/// A DaemonSet's pods race the other workloads' (their controller creates them as the others'
/// create theirs), each bound to its node: where a Deployment's or Job's pods took the room
/// first, the node's DaemonSet pod stays Pending. kubefit's simulation lets them arrive in any
/// turn. gen-67 (a Job, a StatefulSet and a DaemonSet on two nodes) is placed by every plain
/// arrival order with the DaemonSet first; its agent is stranded when it comes last on a node.
#[test]
fn a_daemonset_pod_arriving_after_the_others_may_find_its_node_full() {
    let (stack, platform) = generated(67);
    let fit = stack.fit(&platform);
    assert!(
        !fit.diagnostics().iter().any(|d| d.id == "does-not-fit"),
        "{fit}"
    );
    let warning = fit
        .diagnostics()
        .iter()
        .find(|d| d.id == "scheduler-may-strand")
        .unwrap_or_else(|| panic!("{fit}"));
    assert_eq!(warning.object, "daemonset/agent");
    assert!(
        warning
            .message
            .contains("it leaves a pod of daemonset/agent pending (on n-0: memory short by 64Mi")
            && warning.message.contains("system-node-critical")
            && !warning.message.contains("node affinity"),
        "{}",
        warning.message
    );
}
