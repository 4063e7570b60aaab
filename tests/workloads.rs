//! DaemonSets, Jobs and CronJobs: counted by their controllers' rules, checked where the API
//! server would refuse them, and written in an apply-safe order.

mod common;

use kubefit::{
    ConcurrencyPolicy, Container, Cpu, CronJob, DaemonSet, Deployment, EmitOptions,
    HorizontalPodAutoscaler, IntOrPercent, Job, Memory, NodePool, NodeTerm, POOL_LABEL, Platform,
    PodTerm, PriorityClass, Resources, Stack, Taint, TaintEffect, Toleration, TopologySpread,
    Verdict, WorkloadRef,
};

fn sized(name: &str, cpu: u64) -> Container {
    Container::new(name, "busybox:1.36")
        .resources(Resources::new().requests(Cpu::millis(cpu), Memory::mebibytes(64)))
}

fn two_pools() -> Platform {
    Platform::new("lab", "test", "2026-12")
        .without_addons()
        .pool(NodePool::new("amd", 2, Cpu::cores(1), Memory::gibibytes(2)))
        .pool(NodePool::new("arm", 3, Cpu::cores(1), Memory::gibibytes(2)).arch("arm64"))
}

#[test]
fn a_daemonset_runs_once_on_every_node_its_selector_allows() {
    let stack = |ds: DaemonSet| Stack::new("ops").with(ds);
    let all = stack(DaemonSet::new("agent", sized("agent", 100))).fit(&two_pools());
    assert_eq!(all.workloads()[0].counts.steady, 5);
    let arm = stack(
        DaemonSet::new("agent", sized("agent", 100)).node_selector("kubernetes.io/arch", "arm64"),
    )
    .fit(&two_pools());
    assert_eq!(arm.workloads()[0].counts.steady, 3);
    let pool = stack(DaemonSet::new("agent", sized("agent", 100)).node_selector(POOL_LABEL, "amd"))
        .fit(&two_pools());
    assert_eq!(pool.workloads()[0].counts.steady, 2);
    // A label no node carries: no pod at all (the controller creates none).
    let none = stack(DaemonSet::new("agent", sized("agent", 100)).node_selector("disk", "ssd"))
        .fit(&two_pools());
    assert_eq!(none.workloads()[0].counts.steady, 0);
    // Surging rollouts need room for two pods on a node.
    let surge = stack(
        DaemonSet::new("agent", sized("agent", 100))
            .rolling_update(IntOrPercent::Count(0), IntOrPercent::Count(1)),
    )
    .fit(&two_pools());
    let c = surge.workloads()[0].counts;
    assert_eq!((c.steady, c.rollout, c.peak), (5, 10, 10));
}

#[test]
fn a_daemonset_pod_that_does_not_fit_its_node_is_reported_on_that_node() {
    // 600m of a 1-core node is taken by a Deployment pinned there; the agent needs 500m.
    let platform = Platform::new("one", "test", "2026-12")
        .without_addons()
        .pool(NodePool::new("n", 1, Cpu::cores(1), Memory::gibibytes(2)));
    let stack = Stack::new("ops")
        .with(Deployment::new("app", sized("app", 600)))
        .with(DaemonSet::new("agent", sized("agent", 500)));
    let fit = stack.fit(&platform);
    assert_eq!(fit.verdict(), Verdict::DoesNotFit, "{fit}");
    let d = fit
        .diagnostics()
        .iter()
        .find(|d| d.id == "does-not-fit")
        .expect("a finding");
    // Daemon pods are bound first, as the controller binds them: the Deployment is short.
    assert_eq!(d.object, "deployment/app", "{d:?}");
    assert!(d.message.contains("cpu short by 100m"), "{}", d.message);
}

#[test]
fn jobs_and_cron_jobs_count_the_pods_that_run_at_once() {
    let stack = Stack::new("ops")
        .with(
            Job::new("import", sized("import", 100))
                .parallelism(4)
                .completions(10),
        )
        .with(
            Job::new("once", sized("once", 100))
                .parallelism(5)
                .completions(2),
        )
        .with(CronJob::new(
            "@hourly",
            Job::new("sweep", sized("sweep", 100)).parallelism(3),
        ));
    let counts: Vec<(String, u32, u32, u32)> = stack
        .workload_demands()
        .iter()
        .map(|w| {
            (
                w.object.clone(),
                w.counts.steady,
                w.counts.rollout,
                w.counts.peak,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("job/import".to_owned(), 4, 4, 4),
            ("job/once".to_owned(), 2, 2, 2),
            ("cronjob/sweep".to_owned(), 3, 3, 3),
        ]
    );
    // And they take room: 9 pods of 100m do not fit one 800m node.
    let small = Platform::new("s", "test", "2026-12")
        .without_addons()
        .pool(NodePool::new(
            "n",
            1,
            Cpu::millis(800),
            Memory::gibibytes(2),
        ));
    assert_eq!(stack.fit(&small).verdict(), Verdict::DoesNotFit);
}

#[test]
fn a_job_is_written_before_the_workloads_that_need_it() {
    let stack = Stack::new("shop")
        .with(Deployment::new("web", sized("web", 100)))
        .with(CronJob::new(
            "0 3 * * *",
            Job::new("backup", sized("backup", 100)),
        ))
        .with(Job::new("migrate", sized("migrate", 100)))
        .with(DaemonSet::new("agent", sized("agent", 100)));
    let kinds: Vec<String> = stack
        .emit(&EmitOptions::new().allow_errors(true))
        .unwrap()
        .documents()
        .iter()
        .map(|d| d.kind().to_owned())
        .collect();
    assert_eq!(
        kinds,
        ["Namespace", "Job", "Deployment", "DaemonSet", "CronJob"]
    );
}

#[test]
fn the_checks_know_each_kind() {
    let findings = |stack: Stack| -> Vec<(String, String, String)> {
        stack
            .check()
            .diagnostics()
            .iter()
            .map(|d| (d.id.to_string(), d.object.clone(), d.path.clone()))
            .collect()
    };
    // A CronJob's pod findings point into its job template.
    let cron = findings(Stack::new("ops").with(CronJob::new(
        "@daily",
        Job::new("report", Container::new("r", "busybox:1.36")),
    )));
    assert!(
        cron.iter().any(|(id, o, p)| id == "cpu-request-missing"
            && o == "cronjob/report"
            && p == "spec.jobTemplate.spec.template.spec.containers[0].resources.requests.cpu"),
        "{cron:?}"
    );
    // Jobs serve nothing: no probe findings.
    let job = findings(Stack::new("ops").with(Job::new("m", Container::new("m", "busybox:1.36"))));
    assert!(!job.iter().any(|(id, ..)| id.contains("probe")), "{job:?}");
    // A CronJob name over 52 characters, a Job name over 63.
    let long = "a".repeat(53);
    let names = findings(
        Stack::new("ops")
            .with(CronJob::new(
                "@daily",
                Job::new(long.as_str(), Container::new("r", "busybox:1.36")),
            ))
            .with(Job::new(
                "b".repeat(64),
                Container::new("r", "busybox:1.36"),
            )),
    );
    assert_eq!(
        names.iter().filter(|(id, ..)| id == "invalid-name").count(),
        2,
        "{names:?}"
    );
    // A daemonset may not surge and take pods down at once; only scalable kinds autoscale.
    let ds = DaemonSet::new("agent", Container::new("a", "busybox:1.36"))
        .rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(1));
    let hpa = HorizontalPodAutoscaler::new(&ds, 1, 3).cpu_utilization(70);
    let bad = findings(Stack::new("ops").with(ds).with(hpa));
    assert!(
        bad.iter()
            .any(|(id, _, p)| id == "invalid-rollout" && p.ends_with("maxSurge")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|(id, _, p)| id == "dangling-scale-target" && p == "spec.scaleTargetRef.kind"),
        "{bad:?}"
    );
    // Time zones as the API server reads them.
    let tz = findings(
        Stack::new("ops").with(
            CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36")))
                .time_zone("Local"),
        ),
    );
    assert!(
        tz.iter()
            .any(|(id, _, p)| id == "invalid-schedule" && p == "spec.timeZone"),
        "{tz:?}"
    );
    // Overlapping runs are a warning, Forbid (the default) is quiet.
    let allow = findings(
        Stack::new("ops").with(
            CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36")))
                .concurrency(ConcurrencyPolicy::Allow),
        ),
    );
    assert!(
        allow
            .iter()
            .any(|(id, ..)| id == "cron-job-runs-may-overlap"),
        "{allow:?}"
    );
}

#[test]
fn environments_override_every_kind_and_compose_runs_jobs_once() {
    let stack = common::batch_stack();
    let env =
        kubefit::Environment::new("prod").image("postgres", kubefit::ImageOverride::tag("16.5"));
    let report = stack.check_environment(&env);
    assert!(!report.has_errors(), "{report}");
    let yaml = stack
        .render(&env)
        .emit(&EmitOptions::new())
        .unwrap()
        .to_yaml()
        .unwrap();
    assert!(yaml.contains("image: postgres:16.5"), "{yaml}");
    let compose = kubefit::Compose::new(&stack).unwrap();
    let text = compose.to_yaml();
    let doc: serde_json::Value = serde_saphyr::from_str(text).unwrap();
    assert_eq!(doc["services"]["migrate"]["restart"], "no");
    assert_eq!(
        doc["services"]["backup"]["profiles"],
        serde_json::json!(["cron"])
    );
    assert_eq!(
        doc["services"]["node-exporter"]["restart"],
        "unless-stopped"
    );
    assert!(
        text.contains("# CronJobs are not scheduled by Compose"),
        "{text}"
    );
}

/// A platform with a plain pool and a tainted, labelled one.
fn tainted_pools() -> Platform {
    Platform::new("lab", "test", "2026-12")
        .without_addons()
        .pool(NodePool::new(
            "general",
            1,
            Cpu::cores(1),
            Memory::gibibytes(2),
        ))
        .pool(
            NodePool::new("search", 2, Cpu::cores(2), Memory::gibibytes(4))
                .label("dedicated", "search")
                .taint(Taint::new("dedicated", "search", TaintEffect::NoSchedule)),
        )
}

// pkg/scheduler/framework/plugins/nodeaffinity (Filter: nodeSelector and required terms) and
// tainttoleration (Filter: NoSchedule and NoExecute taints must be tolerated).
#[test]
fn pods_go_only_where_their_selector_affinity_and_tolerations_let_them() {
    let platform = tainted_pools();
    let pinned = |d: Deployment| Stack::new("ops").with(d).fit(&platform);

    // A label no node carries: nothing can take the pod.
    let nowhere = pinned(Deployment::new("app", sized("app", 100)).node_selector("disk", "ssd"));
    assert_eq!(nowhere.verdict(), Verdict::DoesNotFit, "{nowhere}");
    let d = nowhere
        .diagnostics()
        .iter()
        .find(|d| d.id == "does-not-fit")
        .expect("a finding");
    assert!(
        d.message.contains("node labels disk=ssd (nodeSelector)"),
        "{}",
        d.message
    );

    // The search pool's label without its toleration: the taint keeps the pod off.
    let untolerated = pinned(
        Deployment::new("search", sized("search", 100)).node_selector("dedicated", "search"),
    );
    assert_eq!(untolerated.verdict(), Verdict::DoesNotFit, "{untolerated}");
    let d = untolerated
        .diagnostics()
        .iter()
        .find(|d| d.id == "does-not-fit")
        .expect("a finding");
    assert!(
        d.message
            .contains("a toleration for taint dedicated=search:NoSchedule"),
        "{}",
        d.message
    );

    // With the toleration it lands on the search pool, and only there.
    let tolerated = pinned(
        Deployment::new("search", sized("search", 900))
            .replicas(2)
            .node_selector("dedicated", "search")
            .tolerate(Toleration::equal("dedicated", "search")),
    );
    assert_eq!(tolerated.verdict(), Verdict::Fits, "{tolerated}");
    let steady = &tolerated.placements()[0];
    let general = steady
        .nodes
        .iter()
        .find(|n| n.node == "general-0")
        .expect("the general node");
    assert_eq!(
        (general.pods, general.requested.cpu),
        (0, Cpu::ZERO),
        "{tolerated}"
    );

    // Required node affinity: the general pool only has 1 core, so 2 × 600m do not fit there,
    // while a pod that may go anywhere untainted has the same single node.
    let affine = pinned(
        Deployment::new("web", sized("web", 600))
            .replicas(2)
            .require_node(NodeTerm::new().label_in(POOL_LABEL, ["general"])),
    );
    assert_eq!(affine.verdict(), Verdict::DoesNotFit, "{affine}");
    let anywhere = pinned(Deployment::new("web", sized("web", 600)).replicas(2));
    assert_eq!(
        anywhere.verdict(),
        Verdict::DoesNotFit,
        "untolerated pods cannot use the tainted pool either: {anywhere}"
    );
    let tolerating = pinned(
        Deployment::new("web", sized("web", 600))
            .replicas(2)
            .tolerate(Toleration::exists("dedicated")),
    );
    assert_eq!(tolerating.verdict(), Verdict::Fits, "{tolerating}");
}

// pkg/controller/daemon (nodeShouldRunDaemonPod: the same node affinity and taint filters).
#[test]
fn a_daemonset_skips_tainted_nodes_unless_it_tolerates_them() {
    let count = |ds: DaemonSet| {
        Stack::new("ops").with(ds).fit(&tainted_pools()).workloads()[0]
            .counts
            .steady
    };
    assert_eq!(count(DaemonSet::new("agent", sized("agent", 100))), 1);
    assert_eq!(
        count(
            DaemonSet::new("agent", sized("agent", 100))
                .tolerate(Toleration::exists("dedicated").effect(TaintEffect::NoSchedule))
        ),
        3
    );
    // PreferNoSchedule does not filter.
    let soft = Platform::new("soft", "test", "2026-12")
        .without_addons()
        .pool(
            NodePool::new("n", 2, Cpu::cores(1), Memory::gibibytes(2)).taint(Taint::new(
                "spot",
                "",
                TaintEffect::PreferNoSchedule,
            )),
        );
    let fit = Stack::new("ops")
        .with(DaemonSet::new("agent", sized("agent", 100)))
        .fit(&soft);
    assert_eq!(fit.workloads()[0].counts.steady, 2);
}

#[test]
fn the_nodes_a_platform_describes_carry_its_pools_labels_and_taints() {
    let nodes = tainted_pools().nodes();
    assert_eq!(nodes.len(), 3);
    let search = &nodes[1];
    let labels = search.metadata.labels.as_ref().expect("labels");
    assert_eq!(labels["dedicated"], "search");
    assert_eq!(labels[POOL_LABEL], "search");
    assert_eq!(labels["kubernetes.io/hostname"], "search-0");
    let taints = search
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .expect("taints");
    assert_eq!(taints.len(), 1);
    assert_eq!(
        (
            taints[0].key.as_str(),
            taints[0].value.as_deref(),
            taints[0].effect.as_str()
        ),
        ("dedicated", Some("search"), "NoSchedule")
    );
    assert!(
        nodes[0]
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .is_none()
    );
    // The platform YAML reads them back.
    let yaml = "name: lab\nsource: test\nchecked: 2026-12\naddons: []\npools:\n- name: search\n  count: 1\n  cpu: '2'\n  memory: 4Gi\n  labels:\n    dedicated: search\n  taints:\n  - key: dedicated\n    value: search\n    effect: NoSchedule\n";
    let p = Platform::from_yaml(yaml).expect("a platform");
    assert_eq!(
        p.pools()[0].taints()[0].to_string(),
        "dedicated=search:NoSchedule"
    );
    assert_eq!(p.pools()[0].labels()["dedicated"], "search");
}

// pkg/scheduler/framework/plugins/nodeports (Fits): a host port is the node's, so two
// replicas that ask for it never share a node.
#[test]
fn replicas_that_take_host_ports_need_a_node_each() {
    let platform = Platform::new("two", "test", "2026-12")
        .without_addons()
        .pool(NodePool::new("n", 2, Cpu::cores(4), Memory::gibibytes(8)));
    let web = |c: Container| Deployment::new("edge", c).replicas(3);
    let port = || sized("edge", 100).port("http", 8080);
    let fit = |d: Deployment| {
        Stack::new("ops")
            .pod_security("privileged")
            .with(d)
            .fit(&platform)
    };

    let plain = fit(web(port()));
    assert_eq!(plain.verdict(), Verdict::Fits, "{plain}");
    for d in [
        web(port()).host_network(),
        web(port().host_port("http", 80)),
    ] {
        let f = fit(d);
        assert_eq!(f.verdict(), Verdict::DoesNotFit, "{f}");
        let d = f
            .diagnostics()
            .iter()
            .find(|d| d.id == "does-not-fit")
            .expect("a finding");
        assert!(
            d.message.contains("1 pod(s) cannot be placed") && d.message.contains("host ports"),
            "{}",
            d.message
        );
    }
    // hostNetwork without ports takes none.
    assert_eq!(
        fit(web(sized("edge", 100)).host_network()).verdict(),
        Verdict::Fits
    );
}

// pkg/scheduler/framework/plugins/podtopologyspread/filtering.go (`calPreFilterState`,
// `Filter`, `minMatchNum`): a node is refused when the matching pods of its domain plus the
// pod exceed the smallest count over the eligible domains by more than maxSkew. Taints do not
// make a node ineligible (NodeTaintsPolicy Ignore), so a tainted node the pods cannot use
// keeps the minimum at 0.
#[test]
fn topology_spread_counts_the_nodes_taints_keep_the_pods_off() {
    let platform = tainted_pools();
    let spread = |d: Deployment| {
        Stack::new("ops")
            .with(
                d.replicas(3)
                    .spread(TopologySpread::new("kubernetes.io/hostname", 1)),
            )
            .fit(&platform)
    };
    // Without the spread the three pods share the general node; with it, the two tainted
    // nodes count as empty domains: one pod on the general node, two pending.
    let plain = Stack::new("ops")
        .with(Deployment::new("app", sized("app", 100)).replicas(3))
        .fit(&platform);
    assert_eq!(plain.verdict(), Verdict::Fits, "{plain}");
    let stuck = spread(Deployment::new("app", sized("app", 100)));
    assert_eq!(stuck.verdict(), Verdict::DoesNotFit, "{stuck}");
    let d = stuck
        .diagnostics()
        .iter()
        .find(|d| d.id == "does-not-fit")
        .expect("a finding");
    assert!(
        d.message
            .contains("a node its topology spread allows (maxSkew 1 over kubernetes.io/hostname"),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("2 pod(s)") || d.message.contains("#1"),
        "{}",
        d.message
    );
    // Tolerating the taint, the pods spread one per node.
    let tolerated = spread(
        Deployment::new("app", sized("app", 100))
            .tolerate(Toleration::equal("dedicated", "search")),
    );
    assert_eq!(tolerated.verdict(), Verdict::Fits, "{tolerated}");
    // A nodeSelector narrows the domains (NodeAffinityPolicy Honor): pinned to the general
    // pool, its one node is the only domain, and the three pods fit there.
    let pinned =
        spread(Deployment::new("app", sized("app", 100)).node_selector(POOL_LABEL, "general"));
    assert_eq!(pinned.verdict(), Verdict::Fits, "{pinned}");
}

// `minMatchNum`: with fewer eligible domains than minDomains, the global minimum is 0, so each
// domain takes at most maxSkew pods; a node without the topology key is refused.
#[test]
fn topology_spread_over_zones_and_min_domains() {
    let zones = Platform::new("lab", "test", "2026-12")
        .without_addons()
        .pool(
            NodePool::new("a", 2, Cpu::cores(2), Memory::gibibytes(4))
                .label("topology.kubernetes.io/zone", "a"),
        )
        .pool(
            NodePool::new("b", 1, Cpu::cores(2), Memory::gibibytes(4))
                .label("topology.kubernetes.io/zone", "b"),
        );
    let fit = |replicas: i32, spread: TopologySpread| {
        Stack::new("ops")
            .with(
                // Recreate: no surge pod, so the steady state decides the verdict.
                Deployment::new("app", sized("app", 100))
                    .replicas(replicas)
                    .recreate()
                    .spread(spread),
            )
            .fit(&zones)
    };
    let zone = || TopologySpread::new("topology.kubernetes.io/zone", 1);
    // Four pods over two zones, at most one apart: two and two.
    assert_eq!(fit(4, zone()).verdict(), Verdict::Fits);
    // minDomains 3 with two zones: the minimum counts as 0, so one pod per zone.
    let narrow = fit(3, zone().min_domains(3));
    assert_eq!(narrow.verdict(), Verdict::DoesNotFit, "{narrow}");
    assert_eq!(fit(2, zone().min_domains(3)).verdict(), Verdict::Fits);
    // A key no node has: every node is refused.
    let unknown = fit(1, TopologySpread::new("example.com/rack", 1));
    assert_eq!(unknown.verdict(), Verdict::DoesNotFit, "{unknown}");
    // ScheduleAnyway is a score, never a filter.
    assert_eq!(
        fit(3, zone().min_domains(3).schedule_anyway()).verdict(),
        Verdict::Fits
    );
}

/// Two nodes of 1 core; `cache` (400m) and `web` (two replicas of `web_cpu`) that requires to
/// run beside it, on `key`.
fn beside_cache(web_cpu: u64, key: &str, anti: bool) -> kubefit::FitReport {
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
    let platform = Platform::new("lab", "test", "2026-12")
        .without_addons()
        .pool(
            NodePool::new("a", 1, Cpu::cores(1), Memory::gibibytes(2))
                .label("topology.kubernetes.io/zone", "a"),
        )
        .pool(
            NodePool::new("b", 1, Cpu::cores(1), Memory::gibibytes(2))
                .label("topology.kubernetes.io/zone", "b"),
        );
    // `web` is listed first: its pods wait for the cache's, as the scheduler retries them.
    Stack::new("ops").with(web).with(cache).fit(&platform)
}

// pkg/scheduler/framework/plugins/interpodaffinity/filtering.go, `satisfyPodAffinity`: every
// required affinity term's topology domain must run a pod the term selects.
#[test]
fn required_pod_affinity_places_pods_beside_the_pods_it_names() {
    // Beside the cache on its node: 400m + 2 × 300m fits the node, 2 × 400m does not.
    let fits = beside_cache(300, "kubernetes.io/hostname", false);
    assert_eq!(fits.verdict(), Verdict::Fits, "{fits}");
    let short = beside_cache(400, "kubernetes.io/hostname", false);
    assert_eq!(short.verdict(), Verdict::DoesNotFit, "{short}");
    let d = short
        .diagnostics()
        .iter()
        .find(|d| d.id == "does-not-fit")
        .expect("a finding");
    assert!(
        d.message.contains("required pod affinity asks for"),
        "{}",
        d.message
    );
    // Without the affinity the two nodes take all three pods.
    let free = Stack::new("ops")
        .with(
            Deployment::new("web", sized("web", 400))
                .replicas(2)
                .recreate(),
        )
        .with(Deployment::new("cache", sized("cache", 400)).recreate())
        .fit(&beside_cache_platform());
    assert_eq!(free.verdict(), Verdict::Fits, "{free}");
    // The pods of a workload that is not in the stack never run: nothing satisfies the term.
    let ghost = Deployment::new("ghost", sized("ghost", 100));
    let lonely = Stack::new("ops")
        .with(
            Deployment::new("web", sized("web", 100)).require_pod_affinity(
                PodTerm::new("kubernetes.io/hostname").pods_of(&WorkloadRef::from(&ghost)),
            ),
        )
        .fit(&beside_cache_platform());
    assert_eq!(lonely.verdict(), Verdict::DoesNotFit, "{lonely}");
    // Affinity to its own pods: the first may go anywhere (no matching pod runs yet), the
    // others follow it onto its node.
    let web = Deployment::new("web", sized("web", 400))
        .replicas(2)
        .recreate();
    let own = PodTerm::new("kubernetes.io/hostname").pods_of(&WorkloadRef::from(&web));
    let series = Stack::new("ops")
        .with(web.clone().require_pod_affinity(own.clone()))
        .fit(&beside_cache_platform());
    assert_eq!(series.verdict(), Verdict::Fits, "{series}");
    let crowded = Stack::new("ops")
        .with(web.replicas(3).require_pod_affinity(own))
        .fit(&beside_cache_platform());
    assert_eq!(crowded.verdict(), Verdict::DoesNotFit, "{crowded}");
}

fn beside_cache_platform() -> Platform {
    Platform::new("lab", "test", "2026-12")
        .without_addons()
        .pool(NodePool::new("a", 2, Cpu::cores(1), Memory::gibibytes(2)))
}

// `satisfyPodAntiAffinity` and `satisfyExistingPodsAntiAffinity` over a zone: the pods keep
// out of the zone that runs the pods they (or those pods) name.
#[test]
fn required_pod_anti_affinity_over_zones_keeps_whole_domains_apart() {
    // The cache takes one zone; both web pods (2 × 400m) go to the other zone's 1 core.
    let fits = beside_cache(400, "topology.kubernetes.io/zone", true);
    assert_eq!(fits.verdict(), Verdict::Fits, "{fits}");
    let short = beside_cache(600, "topology.kubernetes.io/zone", true);
    assert_eq!(short.verdict(), Verdict::DoesNotFit, "{short}");
    // Affinity over the zone instead: both web pods in the cache's zone, beside its 400m.
    let together = beside_cache(300, "topology.kubernetes.io/zone", false);
    assert_eq!(together.verdict(), Verdict::Fits, "{together}");
    let too_big = beside_cache(400, "topology.kubernetes.io/zone", false);
    assert_eq!(too_big.verdict(), Verdict::DoesNotFit, "{too_big}");
}

/// One node of 1 core; `api` (two 300m pods, class `high` at 1000 when `classed`) and
/// `worker` (two 400m pods, no class: priority 0). By size alone the worker's pods would be
/// placed first and both api pods left out.
fn prioritised(classed: bool, never: bool) -> kubefit::FitReport {
    let platform = Platform::new("lab", "test", "2026-12")
        .without_addons()
        .pool(NodePool::new("n", 1, Cpu::cores(1), Memory::gibibytes(4)));
    let api = Deployment::new("api", sized("api", 300))
        .replicas(2)
        .recreate();
    let api = if classed {
        api.priority_class("high")
    } else {
        api
    };
    let class = PriorityClass::new("high", 1000);
    let class = if never { class.never_preempt() } else { class };
    // The worker is applied first: priority, not order, decides who runs.
    Stack::new("ops")
        .with(class)
        .with(
            Deployment::new("worker", sized("worker", 400))
                .replicas(2)
                .recreate(),
        )
        .with(api)
        .fit(&platform)
}

// pkg/scheduler/framework/plugins/queuesort (PrioritySort) and defaultpreemption: pods of a
// higher priority are scheduled first and evict lower ones to make room.
#[test]
fn higher_priority_pods_take_the_room_and_the_lowest_stay_pending() {
    let fit = prioritised(true, false);
    assert_eq!(fit.verdict(), Verdict::DoesNotFit, "{fit}");
    let found: Vec<&str> = fit
        .diagnostics()
        .iter()
        .filter(|d| d.id == "priority-preemption")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        found,
        [
            "in the steady scenario the scheduler gives the room to pods of higher priority (deployment/api at 1000), preempting lower ones: 1 pod(s) of deployment/worker at 0 stay pending"
        ],
        "{fit}"
    );
    // The pods left out are the worker's.
    let steady = &fit.placements()[0];
    assert!(!steady.unplaced.is_empty(), "{fit}");
    assert!(
        steady
            .unplaced
            .iter()
            .all(|u| u.pod.starts_with("deployment/worker")),
        "{fit}"
    );
    // Without classes nobody preempts; with preemptionPolicy Never, the api does not evict.
    for report in [prioritised(false, false), prioritised(true, true)] {
        assert_eq!(report.verdict(), Verdict::DoesNotFit, "{report}");
        assert!(
            report
                .diagnostics()
                .iter()
                .all(|d| d.id != "priority-preemption"),
            "{report}"
        );
    }
}
