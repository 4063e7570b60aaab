//! Rollouts and autoscalers by the controllers' arithmetic, one rule per test, each citing
//! the Kubernetes source it follows.

use kubefit::{
    Container, Cpu, DaemonSet, Deployment, FitReport, HorizontalPodAutoscaler, IntOrPercent,
    Memory, NodePool, Platform, Reserved, Resources, Stack, StatefulSet, Verdict,
};

fn c(name: &str, cpu: u64) -> Container {
    Container::new(name, "busybox:1.36")
        .resources(Resources::new().requests(Cpu::millis(cpu), Memory::mebibytes(64)))
}

fn lab(nodes: u32, cpu: u64) -> Platform {
    Platform::new("lab", "test", "2026-12").pool(
        NodePool::new("n", nodes, Cpu::millis(cpu), Memory::gibibytes(8))
            .reserved(Reserved::none()),
    )
}

fn ids(fit: &FitReport) -> Vec<(String, String, String)> {
    fit.diagnostics()
        .iter()
        .map(|d| (d.id.to_string(), d.object.clone(), d.path.clone()))
        .collect()
}

fn strict(d: Deployment) -> Deployment {
    d.rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(0))
}

/// maxUnavailable 0: one new pod must be ready before an old one goes, so the rollout needs
/// room for one pod, not for every surge pod (pkg/controller/deployment/rolling.go,
/// `reconcileOldReplicaSets`: `maxScaledDown = allPodsCount - minAvailable -
/// newRSUnavailablePodCount`).
#[test]
fn max_unavailable_zero_needs_room_for_one_new_pod_and_stalls_without_it() {
    // One node of 1000m: three 300m pods leave 100m, too little for a fourth.
    let full = Stack::new("x").with(strict(Deployment::new("web", c("web", 300)).replicas(3)));
    let fit = full.fit(&lab(1, 1000));
    assert_eq!(fit.verdict(), Verdict::FitsSteadyStateOnly, "{fit}");
    assert_eq!(
        ids(&fit),
        [(
            "does-not-fit-during-rollout".to_owned(),
            "deployment/web".to_owned(),
            "spec.strategy.rollingUpdate.maxUnavailable".to_owned()
        )]
    );
    let message = &fit.diagnostics()[0].message;
    assert!(
        message.contains("stalls") && message.contains("set maxUnavailable to 1"),
        "{message}"
    );
    // With room for exactly one more pod it completes, whatever maxSurge says.
    let surging = Stack::new("x").with(
        Deployment::new("web", c("web", 300))
            .replicas(3)
            .rolling_update(IntOrPercent::Count(3), IntOrPercent::Count(0)),
    );
    let fit = surging.fit(&lab(1, 1200));
    assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
    // Two surge pods wait for room, and the report says so without calling it a failure.
    let pending: Vec<_> = fit
        .diagnostics()
        .iter()
        .filter(|d| d.id == "rollout-pods-pending")
        .collect();
    assert_eq!(pending.len(), 1, "{fit}");
    assert!(
        pending[0].message.contains("2 new pod(s)"),
        "{}",
        pending[0].message
    );
}

/// maxUnavailable ≥ 1: old pods are scaled down first, so a rollout needs no room beyond
/// steady state (rolling.go, `reconcileOldReplicaSets`); Recreate deletes every old pod
/// first (pkg/controller/deployment/recreate.go); a StatefulSet deletes a pod before
/// recreating it (pkg/controller/statefulset/stateful_set_control.go).
#[test]
fn rollouts_that_remove_old_pods_first_need_no_room() {
    let full = |d: Deployment| Stack::new("x").with(d);
    let web = || Deployment::new("web", c("web", 500)).replicas(2);
    for stack in [
        full(web().rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(1))),
        full(web().recreate()),
        Stack::new("x").with(StatefulSet::new("db", c("db", 500)).replicas(2)),
    ] {
        let fit = stack.fit(&lab(1, 1000));
        assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
        // The one surge pod of maxSurge 1 waits until the old pod it replaces is gone; the
        // node is full by design (node-nearly-full).
        assert!(
            fit.diagnostics()
                .iter()
                .all(|d| d.id == "rollout-pods-pending" || d.id == "node-nearly-full"),
            "{fit}"
        );
    }
}

/// Rollouts finish one after another: two Deployments that each need one pod of room, on a
/// node with room for one, both complete (the second surges once the first's old pods are
/// gone).
#[test]
fn rollouts_that_each_find_room_complete_one_after_another() {
    let stack = Stack::new("x")
        .with(strict(Deployment::new("a", c("a", 300))))
        .with(strict(Deployment::new("b", c("b", 300))));
    let fit = stack.fit(&lab(1, 900));
    assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
}

/// maxSurge is capped by the desired count: 2 replicas with maxSurge 3 never make 5 pods
/// (pkg/controller/deployment/util/deployment_util.go, `NewRSNewReplicas`); percentages
/// round maxSurge up and maxUnavailable down, and both 0 makes maxUnavailable 1
/// (`ResolveFenceposts`).
#[test]
fn surge_is_capped_by_the_desired_count_and_fenceposts_round_as_the_controller_does() {
    let d = Deployment::new("web", c("web", 100))
        .replicas(2)
        .rolling_update(IntOrPercent::Count(3), IntOrPercent::Count(0));
    let w = &Stack::new("x").with(d).workload_demands()[0];
    assert_eq!((w.counts.rollout, w.counts.rollout_needs), (4, 1));
    // 25%/25% of 4 replicas: surge 1, unavailable 1 → no room needed.
    let quarter =
        |d: Deployment| d.rolling_update(IntOrPercent::Percent(25), IntOrPercent::Percent(25));
    let d = quarter(Deployment::new("web", c("web", 100)).replicas(4));
    let w = &Stack::new("x").with(d).workload_demands()[0];
    assert_eq!((w.counts.rollout, w.counts.rollout_needs), (5, 0));
    // 25%/25% of 3: unavailable rounds down to 0 → one pod of room.
    let d = quarter(Deployment::new("web", c("web", 100)).replicas(3));
    let w = &Stack::new("x").with(d).workload_demands()[0];
    assert_eq!((w.counts.rollout, w.counts.rollout_needs), (4, 1));
}

/// The HPA clamps its target's replicas into [minReplicas, maxReplicas], and a target at 0
/// replicas disables it (pkg/controller/podautoscaler/horizontal.go, `reconcileAutoscaler`).
#[test]
fn autoscalers_clamp_replicas_and_zero_disables_them() {
    let d = Deployment::new("web", c("web", 100)).replicas(10);
    let hpa = HorizontalPodAutoscaler::new(&d, 2, 4).cpu_utilization(70);
    let w = &Stack::new("x").with(d).with(hpa).workload_demands()[0];
    assert_eq!((w.counts.steady, w.counts.scaled), (4, 4));
    let d = Deployment::new("web", c("web", 100)).replicas(1);
    let hpa = HorizontalPodAutoscaler::new(&d, 2, 4).cpu_utilization(70);
    let w = &Stack::new("x").with(d).with(hpa).workload_demands()[0];
    assert_eq!((w.counts.steady, w.counts.scaled), (2, 4));
    let d = Deployment::new("web", c("web", 100)).replicas(0);
    let hpa = HorizontalPodAutoscaler::new(&d, 2, 4).cpu_utilization(70);
    let w = &Stack::new("x").with(d).with(hpa).workload_demands()[0];
    assert_eq!((w.counts.steady, w.counts.scaled, w.counts.peak), (0, 0, 0));
}

/// At the peak the autoscaled workload is blamed, not the StatefulSet that happened to be
/// placed last, and the fix is one that applies to it.
#[test]
fn the_peak_blames_the_autoscaled_workload() {
    let web = Deployment::new("web", c("web", 200)).replicas(1);
    let hpa = HorizontalPodAutoscaler::new(&web, 1, 6).cpu_utilization(70);
    let stack = Stack::new("x")
        .with(web)
        .with(hpa)
        .with(StatefulSet::new("db", c("db", 600)));
    let fit = stack.fit(&lab(1, 1200));
    assert_eq!(fit.verdict(), Verdict::FitsSteadyStateOnly, "{fit}");
    let peak: Vec<_> = fit
        .diagnostics()
        .iter()
        .filter(|d| d.id == "does-not-fit-at-peak")
        .collect();
    assert_eq!(peak.len(), 1, "{fit}");
    assert_eq!(peak[0].object, "deployment/web");
    assert!(
        peak[0].message.contains("maxReplicas (6 pods)"),
        "{}",
        peak[0].message
    );
    assert!(
        !fit.diagnostics()
            .iter()
            .any(|d| d.object == "statefulset/db"),
        "{fit}"
    );
}

/// A surging DaemonSet starts the new pod beside the old one on its node
/// (pkg/controller/daemon/update.go, `rollingUpdate`): a node without room stalls it; without
/// surge it replaces pods in place.
#[test]
fn a_surging_daemonset_needs_a_second_pod_on_each_node() {
    let agent = || DaemonSet::new("agent", c("agent", 300));
    let other = Deployment::new("web", c("web", 600)).recreate();
    let surging = Stack::new("x")
        .with(agent().rolling_update(IntOrPercent::Count(0), IntOrPercent::Count(1)))
        .with(other.clone());
    let fit = surging.fit(&lab(1, 1000));
    assert_eq!(fit.verdict(), Verdict::FitsSteadyStateOnly, "{fit}");
    assert_eq!(
        ids(&fit),
        [(
            "does-not-fit-during-rollout".to_owned(),
            "daemonset/agent".to_owned(),
            "spec.updateStrategy.rollingUpdate.maxSurge".to_owned()
        )]
    );
    let in_place = Stack::new("x").with(agent()).with(other);
    assert_eq!(in_place.fit(&lab(1, 1000)).verdict(), Verdict::Fits);
}

/// One replica per node on as many nodes as replicas, with maxUnavailable 0: the new pod has
/// no node without an old one, so the rollout stalls (the scheduler's inter-pod
/// anti-affinity filter).
#[test]
fn one_replica_per_node_on_every_node_stalls_a_strict_rollout() {
    let d = strict(
        Deployment::new("web", c("web", 100))
            .replicas(2)
            .one_replica_per_node(),
    );
    let fit = Stack::new("x").with(d.clone()).fit(&lab(2, 4000));
    assert_eq!(fit.verdict(), Verdict::FitsSteadyStateOnly, "{fit}");
    let relaxed = d.rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(1));
    assert_eq!(
        Stack::new("x").with(relaxed).fit(&lab(2, 4000)).verdict(),
        Verdict::Fits
    );
}

/// The default scheduler places pods one at a time and spreads them (NodeResourcesFit
/// LeastAllocated, PodTopologySpread's system defaults): two 650m pods land on both nodes,
/// and a 1000m pod arriving after them finds 850m on each, although a placement exists
/// (`pkg/scheduler/framework/plugins/noderesources/least_allocated.go`,
/// `podtopologyspread/scoring.go`). Measured on the real scheduler: tests/README.md, gen-48.
#[test]
fn the_default_scheduler_can_strand_a_pod_a_placement_exists_for() {
    let stack = Stack::new("x")
        .with(
            Deployment::new("small", c("small", 650))
                .replicas(2)
                .recreate(),
        )
        .with(StatefulSet::new("big", c("big", 1000)));
    let fit = stack.fit(&lab(2, 1500));
    // A placement exists: the verdict stays "fits" …
    assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
    assert!(fit.placements()[0].unplaced.is_empty());
    // … and the report warns that the scheduler may not find it.
    let warning = fit
        .diagnostics()
        .iter()
        .find(|d| d.id == "scheduler-may-strand")
        .unwrap_or_else(|| panic!("{fit}"));
    assert_eq!(warning.object, "statefulset/big");
    assert!(
        warning.message.contains("cpu short by 150m"),
        "{}",
        warning.message
    );
    // With room for greed, no warning.
    let roomy = stack.fit(&lab(2, 1700));
    assert!(
        !roomy
            .diagnostics()
            .iter()
            .any(|d| d.id == "scheduler-may-strand"),
        "{roomy}"
    );
}

/// Pods of one priority arrive as fast as their controllers create them, so any interleaving
/// may happen (the scheduling queue orders them by creation time:
/// `pkg/scheduler/framework/plugins/queuesort/priority_sort.go`). Here neither the apply
/// order, its reverse nor smallest-first strands a pod, but the two 650Mi pods arriving before
/// the 1000Mi one are spread over both 1500Mi nodes and leave 850Mi on each.
#[test]
fn the_scheduler_may_strand_a_pod_in_an_interleaving_of_arrivals() {
    let pod = |name: &str, cpu: u64, memory: u64| {
        Container::new(name, "busybox:1.36")
            .resources(Resources::new().requests(Cpu::millis(cpu), Memory::mebibytes(memory)))
    };
    let stack = Stack::new("x")
        .with(Deployment::new("a", pod("a", 700, 650)).recreate())
        .with(Deployment::new("big", pod("big", 100, 1000)).recreate())
        .with(StatefulSet::new("c", pod("c", 700, 650)));
    let platform = Platform::new("lab", "test", "2026-12").pool(
        NodePool::new("n", 2, Cpu::millis(2000), Memory::mebibytes(1500))
            .reserved(Reserved::none()),
    );
    let fit = stack.fit(&platform);
    assert_eq!(fit.verdict(), Verdict::Fits, "{fit}");
    let warning = fit
        .diagnostics()
        .iter()
        .find(|d| d.id == "scheduler-may-strand")
        .unwrap_or_else(|| panic!("{fit}"));
    assert_eq!(warning.object, "deployment/big");
    assert!(
        warning
            .message
            .contains("(deployment/a, statefulset/c, deployment/big)")
            && warning.message.contains("memory short by 150Mi"),
        "{}",
        warning.message
    );
    // Room for the big pod beside either small one: no history strands it.
    let roomy = Platform::new("lab", "test", "2026-12").pool(
        NodePool::new("n", 2, Cpu::millis(2000), Memory::mebibytes(1700))
            .reserved(Reserved::none()),
    );
    let fit = stack.fit(&roomy);
    assert!(
        !fit.diagnostics()
            .iter()
            .any(|d| d.id == "scheduler-may-strand"),
        "{fit}"
    );
}

/// While pods are left out the report shows no headroom but the pool's shortfall, in one
/// line: three 600m pods on two 1000m nodes are short by 0 in total (fragmented), four are
/// short by 400m.
#[test]
fn the_report_states_the_pools_shortfall_not_a_headroom() {
    let stack =
        |n| Stack::new("x").with(Deployment::new("web", c("web", 600)).replicas(n).recreate());
    let three = stack(3).fit(&lab(2, 1000)).to_string();
    assert!(three.contains("headroom: none — the steady scenario leaves 1 pod(s) unplaced; the pool has the room in total, but no single node has enough for them"), "{three}");
    let four = stack(4).fit(&lab(2, 1000)).to_string();
    assert!(
        four.contains("the pool is short by 400m cpu / 0 memory"),
        "{four}"
    );
    assert!(!four.contains("headroom at worst case"), "{four}");
}
