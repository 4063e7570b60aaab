//! DaemonSets, Jobs and CronJobs: counted by their controllers' rules, checked where the API
//! server would refuse them, and written in an apply-safe order.

mod common;

use kubefit::{
    ConcurrencyPolicy, Container, Cpu, CronJob, DaemonSet, Deployment, EmitOptions,
    HorizontalPodAutoscaler, IntOrPercent, Job, Memory, NodePool, POOL_LABEL, Platform, Resources,
    Stack, Verdict,
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
