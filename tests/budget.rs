//! The counting rules of budgets, one test each, and properties of placement.

mod common;

use kubefit::{
    AddOn, Container, Cpu, Deployment, HorizontalPodAutoscaler, IntOrPercent, Memory, NodePool,
    PersistentVolumeClaim, Platform, Reserved, Resources, Service, Stack, StatefulSet, Storage,
    TenancyLimit, Verdict,
};
use proptest::prelude::*;

fn c(name: &str, cpu: u64, mem_mi: u64) -> Container {
    Container::new(name, "busybox:1.36")
        .resources(Resources::new().requests(Cpu::millis(cpu), Memory::mebibytes(mem_mi)))
}

fn lab(nodes: u32, cpu: u64, mem_gi: u64) -> Platform {
    Platform::new("lab", "test", "2026-11").pool(
        NodePool::new("n", nodes, Cpu::millis(cpu), Memory::gibibytes(mem_gi))
            .reserved(Reserved::none()),
    )
}

fn demand(stack: &Stack) -> kubefit::WorkloadDemand {
    stack.workload_demands().remove(0)
}

#[test]
fn app_containers_and_sidecars_add_up() {
    let d = Deployment::new("a", c("a", 100, 64))
        .container(c("b", 50, 32))
        .sidecar(c("s", 10, 16));
    let w = demand(&Stack::new("x").with(d));
    assert_eq!(w.pod_requests.cpu, Cpu::millis(160));
    assert_eq!(w.pod_requests.memory, Memory::mebibytes(112));
}

#[test]
fn largest_init_container_plus_earlier_sidecars_can_dominate() {
    // app 100m; init 500m beside a 10m sidecar → 510m.
    let d = Deployment::new("a", c("a", 100, 64))
        .init_container(c("migrate", 500, 32))
        .init_container(c("small", 50, 256))
        .sidecar(c("s", 10, 16));
    let w = demand(&Stack::new("x").with(d));
    assert_eq!(w.pod_requests.cpu, Cpu::millis(510));
    // memory: app 64+16=80 vs init 256+16=272 → 272 (max per resource)
    assert_eq!(w.pod_requests.memory, Memory::mebibytes(272));
}

#[test]
fn a_container_with_only_a_limit_requests_its_limit() {
    let d = Deployment::new(
        "a",
        Container::new("a", "busybox:1.36").resources(
            Resources::new()
                .cpu_limit_of(Cpu::millis(300))
                .memory_limit_of(Memory::mebibytes(128)),
        ),
    );
    let w = demand(&Stack::new("x").with(d));
    assert_eq!(w.pod_requests.cpu, Cpu::millis(300));
    assert_eq!(w.pod_requests.memory, Memory::mebibytes(128));
}

#[test]
fn replicas_hpa_max_and_surge() {
    let d = Deployment::new("a", c("a", 100, 64)).replicas(3);
    let hpa = HorizontalPodAutoscaler::new(&d, 2, 7).cpu_utilization(70);
    let w = demand(&Stack::new("x").with(d).with(hpa));
    assert_eq!(w.counts.steady, 3);
    assert_eq!(w.counts.rollout, 4); // 3 + ceil(25% of 3)
    assert_eq!(w.counts.peak, 9); // 7 + ceil(25% of 7) = 7 + 2
}

#[test]
fn hpa_min_raises_steady_state() {
    let d = Deployment::new("a", c("a", 100, 64)).replicas(1);
    let hpa = HorizontalPodAutoscaler::new(&d, 3, 4);
    assert_eq!(demand(&Stack::new("x").with(d).with(hpa)).counts.steady, 3);
}

#[test]
fn surge_settings_change_the_worst_case() {
    let count = IntOrPercent::Count(2);
    let d = Deployment::new("a", c("a", 100, 64))
        .replicas(4)
        .rolling_update(count, IntOrPercent::Count(0));
    assert_eq!(demand(&Stack::new("x").with(d)).counts.peak, 6);
    let r = Deployment::new("a", c("a", 100, 64)).replicas(4).recreate();
    assert_eq!(demand(&Stack::new("x").with(r)).counts.peak, 4);
}

#[test]
fn statefulsets_roll_without_surge() {
    let s = StatefulSet::new("db", c("db", 250, 512)).replicas(3);
    let w = demand(&Stack::new("x").with(s));
    assert_eq!(
        (w.counts.steady, w.counts.rollout, w.counts.peak),
        (3, 3, 3)
    );
}

#[test]
fn pod_overhead_is_added_to_every_pod() {
    let d = Deployment::new("a", c("a", 100, 64)).replicas(2).recreate();
    let p = lab(1, 1000, 4).pod_overhead(Cpu::millis(250), Memory::mebibytes(120));
    let fit = Stack::new("x").with(d).fit(&p);
    assert_eq!(fit.peak_requests().cpu, Cpu::millis(700));
    assert_eq!(fit.peak_requests().memory, Memory::mebibytes(368));
}

#[test]
fn per_node_addons_count_once_per_node_and_cluster_addons_once() {
    let p = lab(3, 1000, 4)
        .addon(AddOn::per_node(
            "exporter",
            Cpu::millis(100),
            Memory::mebibytes(50),
        ))
        .addon(AddOn::once("dns", Cpu::millis(200), Memory::mebibytes(70)));
    let fit = Stack::new("x").fit(&p);
    let used: u64 = fit.placements()[0]
        .nodes
        .iter()
        .map(|n| n.requested.cpu.as_millis())
        .sum();
    assert_eq!(used, 3 * 100 + 200);
    assert_eq!(fit.placements()[0].pods, 4);
}

#[test]
fn k3s_server_costs_more_than_an_agent() {
    let p = Platform::k3s(
        Cpu::cores(2),
        Memory::gibibytes(4),
        1,
        Cpu::cores(2),
        Memory::gibibytes(4),
    );
    let (server, agent) = (&p.pools()[0], &p.pools()[1]);
    assert_eq!(server.allocatable_cpu(), Cpu::millis(1940));
    assert_eq!(agent.allocatable_cpu(), Cpu::millis(1970));
    assert_eq!(server.allocatable_memory(), Memory::mebibytes(4096 - 1526));
    assert_eq!(agent.allocatable_memory(), Memory::mebibytes(4096 - 263));
    // k3s has no memory eviction reserve; kubeadm keeps 100Mi.
    let kubeadm = Platform::kubeadm(1, Cpu::cores(2), Memory::gibibytes(4));
    assert_eq!(
        kubeadm.pools()[0].allocatable_memory(),
        Memory::mebibytes(4096 - 100)
    );
}

#[test]
fn gke_allocatable_follows_the_reservation_formula() {
    let p = Platform::gke_e2_standard_2(1);
    assert_eq!(p.pools()[0].allocatable_cpu(), Cpu::millis(1930));
    // 8Gi − (25% of 4Gi + 20% of 4Gi) − 100Mi eviction ≈ 6.1 GiB
    let m = p.pools()[0].allocatable_memory().as_bytes();
    assert_eq!(m, (8u64 << 30) - (1u64 << 30) - 858_993_459 - (100 << 20));
}

#[test]
fn storage_counts_claims_templates_times_replicas_and_boot_volumes() {
    let s = StatefulSet::new("db", c("db", 100, 64).mount("data", "/data"))
        .replicas(3)
        .volume_claim(PersistentVolumeClaim::new("data", Storage::gigabytes(40)));
    let stack =
        Stack::new("x")
            .with(s.headless_service())
            .with(s)
            .with(PersistentVolumeClaim::new(
                "uploads",
                Storage::gigabytes(10),
            ));
    assert_eq!(stack.claimed_storage(), Storage::gigabytes(130));
    let fit = stack.fit(&Platform::oci_always_free());
    // 130 GB of claims + 2 × 50 GB boot volumes = 230 GB > 200 GB
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    let d = fit
        .diagnostics()
        .iter()
        .find(|d| d.id == "block-storage-exceeded")
        .unwrap();
    assert!(d.message.contains("over by 30G"), "{}", d.message);
}

#[test]
fn load_balancers_count_against_the_allowance() {
    let p = lab(1, 4000, 8).load_balancers(1);
    let stack = Stack::new("x")
        .with(Service::new("a").load_balancer().port("http", 80, 80))
        .with(Service::new("b").load_balancer().port("http", 80, 80));
    let fit = stack.fit(&p);
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    assert!(
        fit.diagnostics()
            .iter()
            .any(|d| d.id == "load-balancers-exceeded")
    );
}

#[test]
fn max_pods_per_node_is_honoured() {
    let p = Platform::new("lab", "t", "2026-11").pool(
        NodePool::new("n", 1, Cpu::cores(8), Memory::gibibytes(8))
            .max_pods(3)
            .reserved(Reserved::none()),
    );
    let d = Deployment::new("a", c("a", 10, 10)).replicas(4);
    let fit = Stack::new("x").with(d).fit(&p);
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    assert!(
        fit.diagnostics()[0].message.contains("maxPods 3 reached"),
        "{}",
        fit.diagnostics()[0].message
    );
}

#[test]
fn one_replica_per_node_is_honoured() {
    let d = Deployment::new("a", c("a", 10, 10))
        .replicas(3)
        .one_replica_per_node()
        .recreate();
    let fit = Stack::new("x").with(d.clone()).fit(&lab(2, 4000, 8));
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    assert!(
        fit.diagnostics()[0]
            .message
            .contains("one replica per node")
    );
    assert_eq!(
        Stack::new("x").with(d).fit(&lab(3, 4000, 8)).verdict(),
        Verdict::Fits
    );
}

#[test]
fn three_verdicts() {
    let p = lab(1, 1000, 4);
    let fits = Deployment::new("a", c("a", 300, 64)).replicas(2); // peak 3 × 300 = 900
    assert_eq!(Stack::new("x").with(fits).fit(&p).verdict(), Verdict::Fits);
    let steady_only = Deployment::new("a", c("a", 400, 64)).replicas(2); // rollout 3 × 400
    let fit = Stack::new("x").with(steady_only.clone()).fit(&p);
    assert_eq!(fit.verdict(), Verdict::FitsSteadyStateOnly);
    // The surge pod is what does not fit: the first scenario that fails is named.
    let ids: Vec<&str> = fit.diagnostics().iter().map(|d| d.id.as_ref()).collect();
    assert!(ids.contains(&"does-not-fit-during-rollout"), "{ids:?}");
    assert!(!ids.contains(&"does-not-fit-at-peak"), "{ids:?}");
    // With room for the rollout, only the autoscaler's maximum fails.
    let scaled = Deployment::new("a", c("a", 300, 64)).replicas(2);
    let hpa = kubefit::HorizontalPodAutoscaler::new(&scaled, 2, 5).cpu_utilization(70);
    let fit = Stack::new("x").with(scaled).with(hpa).fit(&p);
    assert_eq!(fit.verdict(), Verdict::FitsSteadyStateOnly);
    let ids: Vec<&str> = fit.diagnostics().iter().map(|d| d.id.as_ref()).collect();
    assert_eq!(ids, ["does-not-fit-at-peak"], "{ids:?}");
    let none = Deployment::new("a", c("a", 600, 64)).replicas(2);
    assert_eq!(
        Stack::new("x").with(none).fit(&p).verdict(),
        Verdict::DoesNotFit
    );
}

#[test]
fn shortfall_names_the_resource_and_amount() {
    let d = Deployment::new("big", c("big", 800, 6 * 1024));
    let fit = Stack::new("x").with(d).fit(&lab(1, 1000, 4));
    let msg = &fit.diagnostics()[0].message;
    assert_eq!(fit.diagnostics()[0].object, "deployment/big");
    assert!(
        msg.contains("memory short by 2Gi (needs 6Gi, 4Gi free)"),
        "{msg}"
    );
    assert!(!msg.contains("cpu short"), "{msg}");
}

#[test]
fn tenancy_pool_caps_the_sum_of_nodes() {
    let p = Platform::new("oci", "t", "2026-11")
        .tenancy_limit(TenancyLimit::new(
            "A1",
            Cpu::cores(2),
            Memory::gibibytes(12),
        ))
        .pool(NodePool::new("a", 2, Cpu::cores(2), Memory::gibibytes(12)).tenancy_pool("A1"));
    let fit = Stack::new("x").fit(&p);
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    assert!(
        fit.diagnostics()[0]
            .message
            .contains("the provider allows 2 and 12Gi in total")
    );
}

#[test]
fn warnings_for_oom_risk_overcommit_and_idle_reclamation() {
    let d = Deployment::new(
        "a",
        Container::new("a", "busybox:1.36").resources(
            Resources::new()
                .requests(Cpu::millis(10), Memory::mebibytes(64))
                .limits(Cpu::cores(4), Memory::gibibytes(20)),
        ),
    );
    let fit = Stack::new("x").with(d).fit(&Platform::oci_always_free());
    let ids: Vec<&str> = fit.diagnostics().iter().map(|d| d.id.as_ref()).collect();
    assert!(ids.contains(&"memory-limit-above-node"), "{ids:?}");
    assert!(ids.contains(&"limit-overcommit"), "{ids:?}");
    assert!(ids.contains(&"idle-reclamation-risk"), "{ids:?}");
    assert_eq!(
        fit.verdict(),
        Verdict::Fits,
        "warnings do not change the verdict"
    );
}

#[test]
fn report_serialises_with_the_same_numbers() {
    let d = Deployment::new("a", c("a", 250, 256)).replicas(2);
    let fit = Stack::new("x").with(d).fit(&lab(1, 1000, 4));
    let v = serde_json::to_value(&fit).unwrap();
    assert_eq!(v["verdict"], "fits");
    assert!(v["peakRequests"].is_null(), "fields are snake_case");
    assert_eq!(v["peak_requests"]["cpu"], "750m");
    assert_eq!(v["workloads"][0]["cpu_permille"], 750);
    let text = fit.to_string();
    assert!(text.contains("75.0%"), "{text}");
}

#[test]
fn guard_rails_enforce_the_checked_budget_and_validate() {
    let stack = common::deployment_stack();
    let fit = stack.fit(&Platform::gke_e2_standard_2(3));
    let q = fit.resource_quota().to_k8s("payments");
    let hard = q.spec.unwrap().hard.unwrap();
    assert_eq!(hard["pods"].0, fit.peak_pods().to_string());
    assert_eq!(hard["requests.cpu"].0, fit.peak_requests().cpu.to_string());
    let guarded = stack.with(fit.resource_quota()).with(fit.limit_range());
    assert!(!guarded.check().has_errors());
}

/// A container with a request and no limit gets the guard rail's default limit; below the
/// request the pod would be invalid (validation.go `ValidateResourceRequirements`, after
/// LimitRanger's `mergeContainerResources`), so the default grows to it.
#[test]
fn guard_rails_admit_containers_with_requests_and_no_limits() {
    let stack = Stack::new("x").with(Deployment::new("a", c("a", 500, 512)).replicas(2));
    let fit = stack.fit(&lab(2, 2000, 8));
    assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
    let guarded = stack
        .clone()
        .with(fit.resource_quota())
        .with(fit.limit_range());
    let report = guarded.check_on(&lab(2, 2000, 8));
    assert!(!report.has_errors(), "{report}");
    let lr = serde_json::to_value(fit.limit_range().to_k8s("x")).unwrap();
    assert_eq!(lr["spec"]["limits"][0]["default"]["cpu"], "500m");
    assert_eq!(lr["spec"]["limits"][0]["default"]["memory"], "512Mi");
}

/// LimitRanger fills in what a container leaves out before the scheduler counts it
/// (plugin/pkg/admission/limitranger/admission.go, `mergeContainerResources`): a stack's
/// LimitRange turns request-less containers into real requests, and the fit counts them.
#[test]
fn a_limit_range_in_the_stack_sets_the_requests_the_fit_counts() {
    let bare = Deployment::new("a", Container::new("a", "busybox:1.36")).replicas(3);
    let without = Stack::new("x").with(bare.clone());
    assert_eq!(demand(&without).pod_requests.cpu, Cpu::ZERO);
    let with = Stack::new("x").with(
        kubefit::LimitRange::new("d")
            .default_request(Cpu::millis(400), Memory::mebibytes(64))
            .default_limit(Cpu::millis(400), Memory::mebibytes(64)),
    );
    let with = with.with(bare);
    assert_eq!(demand(&with).pod_requests.cpu, Cpu::millis(400));
    // Three 400m pods and a surge pod do not fit one 1000m node; without the range they do.
    assert_eq!(without.fit(&lab(1, 1000, 4)).verdict(), Verdict::Fits);
    assert_eq!(with.fit(&lab(1, 1000, 4)).verdict(), Verdict::DoesNotFit);
}

/// plugin/pkg/admission/resourcequota `checkQuotas`: pods past a quota's hard totals are
/// refused — in steady state an error; for a rollout that keeps every old pod until a new one
/// is ready (maxUnavailable 0), the extra pod is refused and the rollout stalls.
#[test]
fn a_quota_in_the_stack_refuses_pods_past_its_totals() {
    let d = Deployment::new("a", c("a", 100, 64)).replicas(3);
    let quota = |pods| {
        Stack::new("x")
            .with(d.clone())
            .with(kubefit::ResourceQuota::new("q").pods(pods))
    };
    let ids = |s: &Stack| {
        let fit = s.fit(&lab(2, 2000, 8));
        let ids: Vec<String> = fit.diagnostics().iter().map(|d| d.id.to_string()).collect();
        (fit.verdict(), ids)
    };
    let (v, found) = ids(&quota(2));
    assert_eq!(v, Verdict::DoesNotFit);
    assert!(found.contains(&"quota-exceeded".to_owned()), "{found:?}");
    let (v, found) = ids(&quota(3));
    assert_eq!(v, Verdict::FitsSteadyStateOnly);
    assert!(found.contains(&"quota-limits-pods".to_owned()), "{found:?}");
    let (v, found) = ids(&quota(4));
    assert_eq!(v, Verdict::Fits, "{found:?}");
    // maxUnavailable 1 deletes an old pod first: the rollout needs no room beyond the quota.
    let one = Stack::new("x")
        .with(
            d.clone()
                .rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(1)),
        )
        .with(kubefit::ResourceQuota::new("q").pods(3));
    assert_eq!(ids(&one).0, Verdict::Fits);
}

/// When the exact search runs out of its budget the answer is "undecided", not "does not
/// fit": the best placement found is shown, and no pod is blamed.
#[test]
fn an_undecided_search_is_not_a_does_not_fit() {
    let (bad, good) = common::cases::case("placement-undecided");
    let (platform, _) = common::cases::platforms("placement-undecided");
    let fit = bad.fit(&platform);
    assert_eq!(fit.verdict(), Verdict::Undecided, "{fit}");
    assert!(fit.placements()[0].undecided);
    let ids: Vec<&str> = fit.diagnostics().iter().map(|d| &*d.id).collect();
    assert_eq!(ids, ["placement-undecided"], "{fit}");
    let text = fit.to_string();
    assert!(
        text.contains("verdict: COULD NOT DECIDE; A PLACEMENT MAY EXIST"),
        "{text}"
    );
    assert!(
        text.contains("headroom: none — the steady scenario leaves"),
        "{text}"
    );
    assert_eq!(good.fit(&platform).verdict(), Verdict::Fits);
}

/// Both truths: kubefit counts k3s's own use as taken and leaves the pods out; the default
/// scheduler, seeing the kubelet's allocatable (no kube-reserved), places them, and the node
/// runs short (pkg/kubelet/cm/node_container_manager_linux.go,
/// `GetNodeAllocatableReservation`). The finding names the nodes and the kubelet flags that
/// make the cluster agree with kubefit.
#[test]
fn the_scheduler_places_what_the_node_cannot_feed_and_both_are_said() {
    let (bad, good) = common::cases::case("node-runs-short");
    let fit = bad.fit(&Platform::oci_always_free());
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    let short: Vec<_> = fit
        .diagnostics()
        .iter()
        .filter(|d| d.id == "node-runs-short")
        .collect();
    assert_eq!(short.len(), 1, "{fit}");
    let m = &short[0].message;
    assert!(
        m.contains("the default scheduler still places every pod"),
        "{m}"
    );
    assert!(m.contains("a1-k3s-server-0 by 40m cpu"), "{m}");
    assert!(
        m.contains("a1-k3s-server: kube-reserved=cpu=60m,memory=1526Mi; a1-k3s-agent: kube-reserved=cpu=30m,memory=263Mi"),
        "{m}"
    );
    let fit = good.fit(&Platform::oci_always_free());
    assert!(
        fit.diagnostics().iter().all(|d| d.id != "node-runs-short"),
        "{fit}"
    );
    // A pool whose kubelet reserves k3s (kube-reserved, no unreserved distro part) has one
    // truth: the scheduler sees what kubefit counts.
    let reserved = kubefit::Reserved::none().kube(Cpu::millis(60), Memory::mebibytes(1526));
    let pool = NodePool::new("a", 1, Cpu::cores(1), Memory::gibibytes(6)).reserved(reserved);
    assert_eq!(pool.scheduler_allocatable_cpu(), pool.allocatable_cpu());
    let p = Platform::new("lab", "reserved", "2026-12").pool(pool);
    assert!(
        bad.fit(&p)
            .diagnostics()
            .iter()
            .all(|d| d.id != "node-runs-short")
    );
}

/// The kubelet keeps `nodefs.available` (10 % by default, 5 % on k3s) of the ephemeral
/// storage from pods (pkg/kubelet/eviction/defaults_linux.go; pkg/kubelet/cm/helpers.go
/// `hardEvictionReservation`, a float32 share of the capacity).
#[test]
fn ephemeral_storage_allocatable_keeps_the_eviction_threshold() {
    let pool = NodePool::new("a", 1, Cpu::cores(1), Memory::gibibytes(1))
        .ephemeral_storage(Memory::gibibytes(30));
    // 30Gi × float32(0.1) = 3221225520 bytes (48 more than a tenth).
    assert_eq!(
        pool.allocatable_ephemeral_storage(),
        Some(Memory::bytes(32_212_254_720 - 3_221_225_520))
    );
    let k3s = pool.clone().reserved(Platform::k3s_agent_reserved());
    assert_eq!(
        k3s.allocatable_ephemeral_storage(),
        Some(Memory::bytes(32_212_254_720 - 1_610_612_760))
    );
}

/// Sidecars a webhook injects are in no manifest but request room on the pod's node: a
/// platform that declares the injector has them counted in each pod it selects (Dapr reads the
/// sidecar's requests from the pod's annotations; Istio's proxy requests 100m / 128Mi).
#[test]
fn injected_sidecars_are_counted_in_the_pods_they_join() {
    let app = |annotated: bool| {
        let d = Deployment::new("api", c("api", 400, 256))
            .replicas(2)
            .recreate();
        if annotated {
            d.pod_annotation("dapr.io/enabled", "true")
                .pod_annotation("dapr.io/sidecar-cpu-request", "100m")
                .pod_annotation("dapr.io/sidecar-memory-request", "64Mi")
        } else {
            d
        }
    };
    let dapr = lab(1, 1000, 4).injects(kubefit::Injector::dapr());
    // Two 400m pods fit one 1000m node; with a 100m daprd each they still do (1000m).
    let fit = Stack::new("x").with(app(true)).fit(&dapr);
    assert_eq!(fit.workloads()[0].pod_requests.cpu, Cpu::millis(500));
    assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
    // Unannotated pods get no daprd.
    let fit = Stack::new("x").with(app(false)).fit(&dapr);
    assert_eq!(fit.workloads()[0].pod_requests.cpu, Cpu::millis(400));
    // Istio's proxy in every pod: 2 × (400m + 100m) + nothing else = 1000m, fits exactly;
    // at 401m it does not.
    let istio = lab(1, 1000, 4).injects(kubefit::Injector::istio());
    let fit = Stack::new("x").with(app(false)).fit(&istio);
    assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
    let bigger = Deployment::new("api", c("api", 401, 256))
        .replicas(2)
        .recreate();
    assert_eq!(
        Stack::new("x").with(bigger).fit(&istio).verdict(),
        Verdict::DoesNotFit
    );
}

/// Webhooks mutate after LimitRanger has filled in defaults, so an injected sidecar without
/// a limit is refused by a LimitRange `max` (LimitRanger's validation runs after every
/// mutation: plugin/pkg/admission/limitranger `ValidateLimit`), and without requests by a
/// quota that tracks them (pods.go `Constraints`). kubefit's own guard rails leave those out
/// so that they admit the pods the fit counted.
#[test]
fn injected_sidecars_meet_the_stacks_admission_and_the_guard_rails_admit_them() {
    let app = Deployment::new("api", c("api", 100, 64)).pod_annotation("dapr.io/enabled", "true");
    let dapr = lab(2, 2000, 8).injects(kubefit::Injector::dapr());
    let capped = Stack::new("x")
        .with(app.clone())
        .with(kubefit::LimitRange::new("cap").max(Cpu::cores(1), Memory::gibibytes(1)));
    let fit = capped.fit(&dapr);
    let refused: Vec<_> = fit
        .diagnostics()
        .iter()
        .filter(|d| d.id == "refused-by-admission")
        .collect();
    assert_eq!(refused.len(), 2, "{fit}");
    assert_eq!(
        refused[0].path,
        "spec.template.spec.containers[1].resources.limits.cpu"
    );
    assert!(
        refused[0].message.contains("No limit is specified"),
        "{}",
        refused[0].message
    );
    // Without the injector the same stack is admitted: the range's max defaults the limit.
    assert!(
        capped
            .fit(&lab(2, 2000, 8))
            .diagnostics()
            .iter()
            .all(|d| d.id != "refused-by-admission")
    );
    // The guard rails made for the injecting platform admit the daprd pods.
    let stack = Stack::new("x").with(app);
    let fit = stack.fit(&dapr);
    let guarded = stack.with(fit.resource_quota()).with(fit.limit_range());
    let report = guarded.check_on(&dapr);
    assert!(!report.has_errors(), "{report}");
    let lr = serde_json::to_value(fit.limit_range().to_k8s("x")).unwrap();
    assert!(lr["spec"]["limits"][0]["max"].is_null(), "{lr}");
    let q = serde_json::to_value(fit.resource_quota().to_k8s("x")).unwrap();
    assert!(q["spec"]["hard"]["requests.cpu"].is_null(), "{q}");
}

/// Two workloads that ask for one host port never share a node (the NodePorts filter:
/// pkg/scheduler/framework/plugins/nodeports/node_ports.go, `fitsPorts`); a hostNetwork pod
/// takes each of its container ports (defaults.go `defaultHostNetworkPorts`). Another
/// protocol on the same number does not clash.
#[test]
fn workloads_asking_for_one_host_port_need_separate_nodes() {
    let web = |name: &str| {
        Deployment::new(
            name,
            c(name, 100, 64).port("http", 8080).host_port("http", 80),
        )
        .recreate()
    };
    let stack = Stack::new("x").with(web("a")).with(web("b"));
    let fit = stack.fit(&lab(1, 2000, 8));
    assert_eq!(fit.verdict(), Verdict::DoesNotFit, "{fit}");
    let d = fit
        .diagnostics()
        .iter()
        .find(|d| d.id == "does-not-fit")
        .unwrap();
    assert!(
        d.message
            .contains("host port 80/TCP (another pod on the node holds it)"),
        "{}",
        d.message
    );
    assert_eq!(stack.fit(&lab(2, 2000, 8)).verdict(), Verdict::Fits);
    // hostNetwork: the container port itself is the host port; UDP 80 beside TCP 80 is fine.
    let net = Deployment::new("n", c("n", 100, 64).port("http", 80))
        .host_network()
        .recreate();
    let udp = Deployment::new(
        "u",
        c("u", 100, 64).udp_port("dns", 80).host_port("dns", 80),
    )
    .recreate();
    assert_eq!(
        Stack::new("x")
            .with(web("a"))
            .with(net.clone())
            .fit(&lab(1, 2000, 8))
            .verdict(),
        Verdict::DoesNotFit
    );
    assert_eq!(
        Stack::new("x")
            .with(udp)
            .with(net)
            .fit(&lab(1, 2000, 8))
            .verdict(),
        Verdict::Fits
    );
}

/// Required pod anti-affinity on `kubernetes.io/hostname` is a filter
/// (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go): a term over the
/// workload's own pods places them one per node; a term over another workload's pods keeps
/// the two apart, both ways (an existing pod's terms refuse the incoming pod too).
#[test]
fn required_pod_anti_affinity_keeps_pods_apart() {
    let cache = Deployment::new("cache", c("cache", 100, 64))
        .replicas(2)
        .recreate();
    let own = kubefit::PodTerm::new("kubernetes.io/hostname")
        .pods_of(&kubefit::WorkloadRef::from(&cache));
    let spread = cache.clone().require_pod_anti_affinity(own.clone());
    // Two replicas that avoid each other need two nodes.
    assert_eq!(
        Stack::new("x")
            .with(spread.clone())
            .fit(&lab(1, 2000, 8))
            .verdict(),
        Verdict::DoesNotFit
    );
    assert_eq!(
        Stack::new("x").with(spread).fit(&lab(2, 2000, 8)).verdict(),
        Verdict::Fits
    );
    // A web that avoids the cache's nodes: one node cannot hold both, two can.
    let web = Deployment::new("web", c("web", 100, 64))
        .recreate()
        .require_pod_anti_affinity(own);
    let stack = Stack::new("x").with(cache.clone().replicas(1)).with(web);
    let fit = stack.fit(&lab(1, 2000, 8));
    assert_eq!(fit.verdict(), Verdict::DoesNotFit, "{fit}");
    let d = fit
        .diagnostics()
        .iter()
        .find(|d| d.id == "does-not-fit")
        .unwrap();
    assert!(
        d.message.contains("required pod anti-affinity"),
        "{}",
        d.message
    );
    assert_eq!(stack.fit(&lab(2, 2000, 8)).verdict(), Verdict::Fits);
    // Two cache pods (free to share a node) and a web avoiding them: the caches go together
    // and the web alone — one node is too few, two suffice.
    let stack = Stack::new("x").with(cache).with(
        Deployment::new("web", c("web", 100, 64))
            .recreate()
            .require_pod_anti_affinity(
                kubefit::PodTerm::new("kubernetes.io/hostname")
                    .match_label("app.kubernetes.io/name", "cache"),
            ),
    );
    assert_eq!(stack.fit(&lab(1, 2000, 8)).verdict(), Verdict::DoesNotFit);
    assert_eq!(stack.fit(&lab(2, 2000, 8)).verdict(), Verdict::Fits);
}

#[test]
fn platform_yaml_round_trips_and_rejects_unknown_fields() {
    for p in Platform::builtin() {
        let yaml = p.to_yaml().unwrap();
        assert!(yaml.starts_with("# yaml-language-server: $schema="));
        assert_eq!(Platform::from_yaml(&yaml).unwrap(), p);
    }
    let err =
        Platform::from_yaml("name: a\nsource: b\nchecked: c\npools: []\nbogus: 1\n").unwrap_err();
    assert!(err.to_string().contains("bogus"), "{err}");
    let err = Platform::from_yaml(
        "name: a\nsource: b\nchecked: c\npools:\n  - {name: n, count: 1, cpu: 0.5m, memory: 1Gi}\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("finer than 1m"), "{err}");
}

#[test]
fn committed_platform_schema_is_current() {
    let path = common::repo_root().join("schemas/platform.schema.json");
    let generated = Platform::json_schema();
    if std::env::var_os("KUBEFIT_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("schemas/platform.schema.json exists");
    assert_eq!(
        committed, generated,
        "schemas/platform.schema.json is stale: rerun with KUBEFIT_UPDATE_SCHEMAS=1 and commit"
    );
}

/// Found by the proptest below (CI, 2026-12-01): 2 more millicores per node changed the
/// first-fit-decreasing order (the dominant-share key is relative to the node), and the
/// worst-case rollout no longer packed into the 16 GiB it fitted before.
#[test]
fn bigger_nodes_never_turn_a_fit_into_a_partial_fit() {
    let stack = [
        (241, 1413, 2),
        (760, 1, 1),
        (20, 1286, 1),
        (39, 1383, 2),
        (7, 673, 3),
    ]
    .into_iter()
    .enumerate()
    .fold(Stack::new("p"), |s, (i, (cpu, mem, replicas))| {
        let name = format!("w{i}");
        s.with(Deployment::new(name.clone(), c(&name, cpu, mem)).replicas(replicas))
    });
    for cpu in [2000, 2001, 2002, 2100, 4000] {
        let fit = stack.fit(&lab(2, cpu, 8));
        assert_eq!(fit.verdict(), Verdict::Fits, "{cpu}m nodes:\n{fit}");
        for p in fit.placements() {
            assert!(p.unplaced.is_empty(), "{cpu}m, {}", p.scenario);
            let placed: u32 = p.nodes.iter().map(|n| n.pods).sum();
            assert_eq!(placed, p.pods, "{cpu}m, {}", p.scenario);
        }
    }
}

fn arb_stack() -> impl Strategy<Value = Stack> {
    prop::collection::vec((1u64..800, 1u64..2048, 0i32..4, any::<bool>()), 0..8).prop_map(|ws| {
        ws.into_iter()
            .enumerate()
            .fold(Stack::new("p"), |s, (i, (cpu, mem, replicas, sts))| {
                let name = format!("w{i}");
                if sts {
                    s.with(StatefulSet::new(name.clone(), c(&name, cpu, mem)).replicas(replicas))
                } else {
                    s.with(Deployment::new(name.clone(), c(&name, cpu, mem)).replicas(replicas))
                }
            })
    })
}

proptest! {
    #[test]
    fn adding_a_pod_never_lowers_any_total(stack in arb_stack(), cpu in 1u64..500, mem in 1u64..512) {
        let p = lab(2, 2000, 8);
        let before = stack.fit(&p);
        let after = stack.clone().with(Deployment::new("extra", c("extra", cpu, mem))).fit(&p);
        prop_assert!(after.steady_requests().cpu >= before.steady_requests().cpu);
        prop_assert!(after.steady_requests().memory >= before.steady_requests().memory);
        prop_assert!(after.peak_requests().cpu >= before.peak_requests().cpu);
        prop_assert!(after.peak_requests().memory >= before.peak_requests().memory);
        prop_assert!(after.peak_pods() > before.peak_pods());
    }

    #[test]
    fn a_stack_that_fits_still_fits_with_more_of_everything(
        stack in arb_stack(), extra_cpu in 0u64..2000, extra_mem in 0u64..8, extra_nodes in 0u32..2,
    ) {
        let small = lab(2, 2000, 8);
        let big = lab(2 + extra_nodes, 2000 + extra_cpu, 8 + extra_mem);
        if small.pools()[0].allocatable_cpu() <= big.pools()[0].allocatable_cpu()
            && stack.fit(&small).verdict() == Verdict::Fits {
            prop_assert_eq!(stack.fit(&big).verdict(), Verdict::Fits);
        }
    }

    #[test]
    fn placement_never_exceeds_allocatable(stack in arb_stack()) {
        let fit = stack.fit(&lab(3, 1500, 4));
        for p in fit.placements() {
            for n in &p.nodes {
                prop_assert!(n.requested.cpu <= n.allocatable.cpu);
                prop_assert!(n.requested.memory <= n.allocatable.memory);
                prop_assert!(n.pods <= n.max_pods);
            }
        }
    }
}

/// An independent placer: every assignment of the pods to the nodes, tried one by one (at
/// most 3^9 of them). Each node holds what its allocatable and its pod slots allow — the
/// scheduler's NodeResourcesFit filter (pkg/scheduler/framework/plugins/noderesources/fit.go,
/// `fitsRequest`: requests ≤ allocatable − requested, pods + 1 ≤ maxPods).
fn brute_force_places(pods: &[(u64, u64)], nodes: &[(u64, u64, u32)]) -> bool {
    let n = nodes.len();
    let total = n.pow(u32::try_from(pods.len()).unwrap());
    (0..total).any(|mut code| {
        let mut used = vec![(0u64, 0u64, 0u32); n];
        for &(cpu, mem) in pods {
            let i = code % n;
            code /= n;
            used[i].0 += cpu;
            used[i].1 += mem;
            used[i].2 += 1;
        }
        used.iter()
            .zip(nodes)
            .all(|(u, node)| u.0 <= node.0 && u.1 <= node.1 && u.2 <= node.2)
    })
}

/// A straightforward simulation of the default scheduler, written apart from kubefit's: pods
/// in apply order, one at a time, each on the feasible node with the highest default score —
/// NodeResourcesFit LeastAllocated (weight 1), NodeResourcesBalancedAllocation (weight 1),
/// PodTopologySpread's system default (weight 2: `pods of the workload × ln(nodes + 2) + 2`,
/// normalised `100 × (max + min − s) / max`); ties to the first node. Returns whether it
/// leaves a pod pending. (pkg/scheduler/framework/plugins/noderesources/least_allocated.go,
/// balanced_allocation.go; podtopologyspread/scoring.go.)
fn greedy_scheduler_strands(pods: &[(usize, u64, u64)], nodes: &[(u64, u64, u32)]) -> bool {
    let mut used = vec![(0u64, 0u64, 0u32); nodes.len()];
    let mut per_workload = vec![[0u32; 3]; nodes.len()];
    let ln = ((nodes.len() + 2) as f64).ln();
    for &(w, cpu, mem) in pods {
        let feasible: Vec<usize> = (0..nodes.len())
            .filter(|&n| {
                used[n].0 + cpu <= nodes[n].0
                    && used[n].1 + mem <= nodes[n].1
                    && used[n].2 < nodes[n].2
            })
            .collect();
        if feasible.is_empty() {
            return true;
        }
        let raw: Vec<i64> = feasible
            .iter()
            .map(|&n| (f64::from(per_workload[n][w]) * ln + 2.0).round() as i64)
            .collect();
        let (min, max) = (*raw.iter().min().unwrap(), *raw.iter().max().unwrap());
        let mut best: Option<(i64, usize)> = None;
        for (&n, &r) in feasible.iter().zip(&raw) {
            let (c, m) = (used[n].0 + cpu, used[n].1 + mem);
            let least =
                ((nodes[n].0 - c) * 100 / nodes[n].0 + (nodes[n].1 - m) * 100 / nodes[n].1) / 2;
            let (fc, fm) = (c as f64 / nodes[n].0 as f64, m as f64 / nodes[n].1 as f64);
            let balanced = ((1.0 - (fc - fm).abs() / 2.0) * 100.0) as i64;
            let spread = if max == 0 {
                100
            } else {
                100 * (max + min - r) / max
            };
            let score = least as i64 + balanced + 2 * spread;
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, n));
            }
        }
        let n = best.unwrap().1;
        used[n] = (used[n].0 + cpu, used[n].1 + mem, used[n].2 + 1);
        per_workload[n][w] += 1;
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The fit's steady-state verdict equals the brute-force placer's on small random stacks
    /// and platforms: a placement of every pod exists exactly when kubefit places every pod.
    /// And whenever kubefit warns that the default scheduler may strand a pod, a placement of
    /// every pod does exist (the warning claims one); and whenever a separately written greedy
    /// default scheduler strands a pod a placement exists for, kubefit has warned.
    #[test]
    fn steady_state_verdicts_agree_with_a_brute_force_placer_and_a_greedy_scheduler(
        workloads in prop::collection::vec((1u64..=18, 1u64..=16, 1i32..=3), 1..=3),
        pools in prop::collection::vec((1u32..=2, 10u64..=40, 2u64..=16, 1u32..=4), 1..=2),
    ) {
        let mut stack = Stack::new("p");
        let mut pods = Vec::new();
        let mut arrivals = Vec::new();
        for (i, &(cpu, mem, replicas)) in workloads.iter().enumerate() {
            let (cpu, mem) = (cpu * 50, mem * 64);
            let name = format!("w{i}");
            stack = stack.with(Deployment::new(name.clone(), c(&name, cpu, mem)).replicas(replicas).recreate());
            for _ in 0..replicas {
                pods.push((cpu, mem * 1024 * 1024));
                arrivals.push((i, cpu, mem * 1024 * 1024));
            }
        }
        let mut platform = Platform::new("lab", "test", "2026-12");
        let mut nodes = Vec::new();
        for (i, &(count, cpu, mem, max_pods)) in pools.iter().enumerate() {
            let (cpu, mem) = (cpu * 50, mem * 256);
            platform = platform.pool(
                NodePool::new(format!("p{i}"), count, Cpu::millis(cpu), Memory::mebibytes(mem))
                    .max_pods(max_pods)
                    .reserved(Reserved::none()),
            );
            for _ in 0..count {
                nodes.push((cpu, mem * 1024 * 1024, max_pods));
            }
        }
        let fit = stack.fit(&platform);
        let steady = &fit.placements()[0];
        prop_assert!(!steady.undecided);
        let exists = brute_force_places(&pods, &nodes);
        prop_assert_eq!(steady.unplaced.is_empty(), exists, "{}", fit);
        prop_assert_eq!(fit.verdict() != Verdict::DoesNotFit, exists, "{}", fit);
        let warned = fit.diagnostics().iter().any(|d| d.id == "scheduler-may-strand");
        if warned {
            prop_assert!(exists);
        }
        // Where a placement exists but the greedy scheduler, pods arriving in apply order,
        // strands one, kubefit has warned.
        if exists && greedy_scheduler_strands(&arrivals, &nodes) {
            prop_assert!(warned, "{}", fit);
        }
    }
}

/// Images against the nodes' architectures: the kubelet pulls the manifest of its node's
/// architecture, the scheduler never looks. A declared amd64-only image on a platform of
/// arm64 and amd64 nodes fails on the arm64 ones, and on them only; keeping its pods on
/// amd64 with a node selector quiets it; an undeclared image is unknown only where a node
/// is not amd64.
#[test]
fn images_are_judged_against_the_architectures_their_pods_may_land_on() {
    let mixed = Platform::new("lab", "mixed", "2026-12")
        .without_addons()
        .pool(NodePool::new("x86", 1, Cpu::cores(2), Memory::gibibytes(4)).arch("amd64"))
        .pool(NodePool::new("arm", 1, Cpu::cores(2), Memory::gibibytes(4)).arch("arm64"));
    let api = |c: Container| Deployment::new("api", c);
    let image = || c("api", 100, 64);
    let own = || Container::new("api", "ghcr.io/acme/api:1.4");
    let messages = |s: &Stack, p: &Platform| {
        s.check_on(p)
            .diagnostics()
            .iter()
            .filter(|d| d.id.starts_with("image-platform"))
            .map(|d| format!("{} {}: {}", d.id, d.path, d.message))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let amd64_only = kubefit::ImagePlatforms::new("ghcr.io/acme/api", ["linux/amd64"]);
    let declared = Stack::new("shop")
        .with(api(own()))
        .image_platforms(amd64_only.clone());
    insta::assert_snapshot!(messages(&declared, &mixed), @"image-platform-mismatch spec.template.spec.containers[0].image: image `ghcr.io/acme/api:1.4` is built for amd64 only; its pods placed on arm64 nodes fail (no matching manifest, or `exec format error`); the scheduler does not look at images");
    insta::assert_snapshot!(messages(&declared, &Platform::oci_always_free()), @"image-platform-mismatch spec.template.spec.containers[0].image: image `ghcr.io/acme/api:1.4` is built for amd64 only; no node its pods may run on can run it (arm64): the pull finds no manifest for the node or the container fails with `exec format error`");
    let pinned = Stack::new("shop")
        .with(api(own()).node_selector("kubernetes.io/arch", "amd64"))
        .image_platforms(amd64_only);
    assert_eq!(messages(&pinned, &mixed), "");
    let undeclared = Stack::new("shop").with(api(own()));
    insta::assert_snapshot!(messages(&undeclared, &mixed), @"image-platform-unknown spec.template.spec.containers[0].image: the platforms image `ghcr.io/acme/api:1.4` is built for are unknown, and its pods may run on arm64 nodes: an image built for amd64 only fails there");
    let x86 = Platform::new("lab", "x86", "2026-12")
        .without_addons()
        .pool(NodePool::new("x86", 1, Cpu::cores(2), Memory::gibibytes(4)).arch("amd64"));
    assert_eq!(messages(&undeclared, &x86), "");
    // Well-known public images are known to run on arm64 (busybox, here).
    assert_eq!(messages(&Stack::new("shop").with(api(image())), &mixed), "");
    // A per-architecture tag names its one platform: it fails on every other, amd64 too.
    let tagged = |tag: &str| {
        Stack::new("shop").with(api(Container::new(
            "api",
            format!("ghcr.io/acme/api:1.4-{tag}"),
        )))
    };
    insta::assert_snapshot!(messages(&tagged("arm64"), &mixed), @"image-platform-unknown spec.template.spec.containers[0].image: image `ghcr.io/acme/api:1.4-arm64` is tagged for arm64 (a per-architecture tag: one platform, by convention), and its pods may run on amd64 nodes, where an arm64 image fails");
    assert_eq!(messages(&tagged("arm64"), &Platform::oci_always_free()), "");
    assert_eq!(messages(&tagged("amd64"), &x86), "");
    assert!(messages(&tagged("amd64"), &mixed).contains("may run on arm64 nodes"));
    // A later declaration wins.
    let both = Stack::new("shop")
        .with(api(own()))
        .image_platforms(kubefit::ImagePlatforms::new(
            "ghcr.io/acme/api:1.4",
            ["amd64", "arm64"],
        ));
    assert_eq!(messages(&both, &mixed), "");
}

/// The control plane's claims: embedded etcd with fewer than three servers survives no loss
/// (raft's majority), and k3s keeps Secrets unencrypted unless told otherwise. Seed 002
/// claims both ("1 server, 1 agent for HA"; "secrets encrypted at rest in etcd").
#[test]
fn control_plane_claims_are_judged() {
    use kubefit::{ControlPlane, Datastore, Secret, SecretValue};
    let messages = |s: &Stack, p: &Platform| {
        s.check_on(p)
            .diagnostics()
            .iter()
            .filter(|d| d.id.contains("control-plane") || d.id.contains("secrets-not"))
            .map(|d| format!("{} {}: {}", d.id, d.path, d.message))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let stack = Stack::new("shop")
        .with(Deployment::new("api", c("api", 100, 64)))
        .with(Secret::new("db").entry("password", SecretValue::new("s3cret")));
    let seed = Platform::oci_always_free()
        .control_plane(ControlPlane::k3s(1).datastore(Datastore::EmbeddedEtcd));
    insta::assert_snapshot!(messages(&stack, &seed), @"
    secrets-not-encrypted-at-rest controlPlane.secretsEncryption: the stack's 1 Secret(s) are kept unencrypted (base64) in the cluster's etcd: whoever reads it, a server's disk or a backup of it reads them
    control-plane-not-ha controlPlane.servers: the control plane's embedded etcd has 1 member(s), one per server: etcd needs a majority of its members (1) to accept any write, so losing one server stops the cluster's api (the agents' pods keep running, but nothing can be scheduled, changed or healed); it survives one loss only with 3 servers
    ");
    let two = Platform::oci_always_free().control_plane(ControlPlane::k3s(2));
    assert!(
        messages(&stack, &two).contains("has 2 member(s)"),
        "{}",
        messages(&stack, &two)
    );
    // Three servers and encryption on: nothing to say; no Secret: nothing to encrypt; an
    // unknown control plane (a custom platform): nothing claimed.
    let three =
        Platform::oci_always_free().control_plane(ControlPlane::k3s(3).secrets_encryption(true));
    assert_eq!(messages(&stack, &three), "");
    let no_secret = Stack::new("shop").with(Deployment::new("api", c("api", 100, 64)));
    assert_eq!(messages(&no_secret, &Platform::oci_always_free()), "");
    assert_eq!(messages(&stack, &lab(1, 2000, 4)), "");
    // Profiles carry k3s's own: SQLite, one server, not encrypted.
    let cp = Platform::oci_always_free()
        .control_plane_of()
        .cloned()
        .unwrap();
    assert_eq!(
        (cp.servers(), cp.datastore_of(), cp.encrypts_secrets()),
        (1, Datastore::Sqlite, Some(false))
    );
}
