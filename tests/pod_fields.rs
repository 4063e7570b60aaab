//! The scheduling and pod-level fields: each round-trips builder → k8s-openapi → YAML → spec
//! → builder, is read back from a k8s-openapi object without loss, and is validated as the
//! API server validates it.

use kubefit::{
    Container, Cpu, Deployment, DnsPolicy, EmitOptions, Hook, K8sObject, K8sResource, Memory,
    NodeTerm, PodTerm, ProcessEnv, Resources, Secret, Stack, StackSpec, TaintEffect, Toleration,
    TopologySpread,
};

fn every_container_field() -> Container {
    Container::new("search", "opensearchproject/opensearch:2.17.1")
        .port("http", 9200)
        .port("transport", 9300)
        .host_port("transport", 9300)
        .pre_stop(Hook::sleep(5))
        .post_start(Hook::exec(["sh", "-c", "echo up"]))
        .mount_sub_path(
            "config",
            "/usr/share/opensearch/config/opensearch.yml",
            "opensearch.yml",
            true,
        )
        .resources(
            Resources::new()
                .requests(Cpu::millis(250), Memory::mebibytes(512))
                .extended("example.com/fpga", 1)
                .hugepages("2Mi", Memory::mebibytes(64)),
        )
}

/// A Deployment of `c` with the volume it mounts.
fn bare(c: Container) -> Deployment {
    Deployment::new("search", c).volume(kubefit::Volume::config_map(
        "config",
        &kubefit::ConfigMap::new("search-config"),
    ))
}

fn every_field() -> Deployment {
    bare(every_container_field())
        .volume(kubefit::Volume::empty_dir("cache").in_memory())
        .volume(kubefit::Volume::host_path_of_type(
            "zigbee",
            "/dev/ttyUSB0",
            kubefit::HostPathType::CharDevice,
        ))
        .replicas(3)
        .tolerate(Toleration::equal("dedicated", "search").effect(TaintEffect::NoSchedule))
        .tolerate(
            Toleration::exists("node.kubernetes.io/unreachable")
                .effect(TaintEffect::NoExecute)
                .for_seconds(30),
        )
        .require_node(NodeTerm::new().label_in("kubernetes.io/arch", ["arm64", "amd64"]))
        .prefer_node(
            40,
            NodeTerm::new()
                .label_exists("ssd")
                .label_greater_than("gen", 2),
        )
        .one_replica_per_node()
        .require_pod_anti_affinity(
            PodTerm::new("topology.kubernetes.io/zone").match_label("app", "other"),
        )
        .prefer_pod_affinity(
            10,
            PodTerm::new("kubernetes.io/hostname").match_label("app", "cache"),
        )
        .require_pod_affinity(PodTerm::new("kubernetes.io/hostname").match_label("app", "db"))
        .prefer_pod_anti_affinity(
            5,
            PodTerm::new("kubernetes.io/hostname").match_label("app", "x"),
        )
        .spread(TopologySpread::new("kubernetes.io/hostname", 1))
        .spread(TopologySpread::new("topology.kubernetes.io/zone", 2).schedule_anyway())
        .priority_class("search-high")
        .runtime_class("runc")
        .image_pull_secret(&Secret::new("registry").type_("kubernetes.io/dockerconfigjson"))
        .dns_policy(DnsPolicy::ClusterFirstWithHostNet)
        .supplemental_group(44)
        .fs_group(2000)
        .fs_group_change_on_root_mismatch()
        .pod_resources(Resources::new().requests(Cpu::millis(500), Memory::mebibytes(512)))
}

/// What the workloads refer to: the pull secret and the config.
/// A home lab's namespace: its pods use host paths and host ports, which only the
/// `privileged` Pod Security level admits.
fn base() -> Stack {
    Stack::new("shop")
        .pod_security("privileged")
        .with(Secret::new("registry").type_("kubernetes.io/dockerconfigjson"))
        .with(kubefit::ConfigMap::new("search-config").entry("opensearch.yml", "a: 1"))
}

fn emit(stack: &Stack) -> String {
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

#[test]
fn every_pod_field_is_written_as_the_api_defines_it() {
    let yaml = emit(&Stack::new("shop").with(every_field()));
    for want in [
        "      tolerations:\n      - effect: NoSchedule\n        key: dedicated\n        operator: Equal\n        value: search\n",
        "        tolerationSeconds: 30\n",
        "          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n            - matchExpressions:\n              - key: kubernetes.io/arch\n                operator: In\n",
        "              - key: gen\n                operator: Gt\n                values:\n                - \"2\"\n",
        "            weight: 40\n",
        "      priorityClassName: search-high\n",
        "      runtimeClassName: runc\n",
        "      imagePullSecrets:\n      - name: registry\n",
        "      dnsPolicy: ClusterFirstWithHostNet\n",
        "        fsGroup: 2000\n        fsGroupChangePolicy: OnRootMismatch\n",
        "        supplementalGroups:\n        - 44\n",
        "      topologySpreadConstraints:\n      - labelSelector:\n          matchLabels:\n            app.kubernetes.io/name: search\n        maxSkew: 1\n        topologyKey: kubernetes.io/hostname\n        whenUnsatisfiable: DoNotSchedule\n",
        "        whenUnsatisfiable: ScheduleAnyway\n",
        "      resources:\n        requests:\n          cpu: 500m\n          memory: 512Mi\n",
        "        - containerPort: 9300\n          hostPort: 9300\n          name: transport\n",
        "        lifecycle:\n          postStart:\n            exec:\n",
        "          preStop:\n            sleep:\n              seconds: 5\n",
        "          subPath: opensearch.yml\n",
        "      - emptyDir:\n          medium: Memory\n        name: cache\n",
        "      - hostPath:\n          path: /dev/ttyUSB0\n          type: CharDevice\n        name: zigbee\n",
        "            example.com/fpga: \"1\"\n            hugepages-2Mi: 64Mi\n",
    ] {
        assert!(yaml.contains(want), "missing\n{want}\nin\n{yaml}");
    }
    // kubefit's own one-per-node term leads the required anti-affinity, the user's follows.
    let anti = &yaml[yaml.find("podAntiAffinity:").unwrap()..];
    let own = anti.find("topologyKey: kubernetes.io/hostname").unwrap();
    assert!(
        own < anti
            .find("topologyKey: topology.kubernetes.io/zone")
            .unwrap(),
        "{anti}"
    );
}

#[test]
fn every_pod_field_is_read_back_from_k8s_openapi_without_loss() {
    let stack = Stack::new("shop").with(every_field());
    let m = stack.emit(&EmitOptions::new().allow_errors(true)).unwrap();
    let K8sObject::Deployment(d) = m.documents()[1].object() else {
        panic!("not a deployment");
    };
    let r = K8sResource::new(d);
    assert!(
        r.unmodelled_fields().is_empty(),
        "{:?}",
        r.unmodelled_fields()
    );
    // Read back, the stack checks and budgets the same: the pod-level requests, not the
    // containers' (which ask for nothing).
    let back = Stack::new("shop").with_k8s(d);
    assert_eq!(back.workload_demands(), stack.workload_demands());
    let w = &stack.workload_demands()[0];
    assert_eq!(
        (w.pod_requests.cpu, w.pod_requests.memory),
        (Cpu::millis(500), Memory::mebibytes(512))
    );
}

#[test]
fn every_pod_field_round_trips_through_the_spec() {
    let stack = base().with(every_field());
    let yaml = StackSpec::from(&stack).to_yaml();
    for key in [
        "tolerations:",
        "affinity:",
        "topologySpreadConstraints:",
        "priorityClassName:",
        "dnsPolicy:",
        "fsGroup:",
    ] {
        assert!(yaml.contains(key), "{key} missing from\n{yaml}");
    }
    let back = StackSpec::from_yaml(&yaml, "stack.yaml")
        .unwrap()
        .to_stack(&ProcessEnv)
        .unwrap();
    assert_eq!(emit(&back), emit(&stack));
}

#[test]
fn the_api_servers_rules_for_pod_fields_are_checked() {
    let cases: Vec<(Deployment, &str)> = vec![
        (
            every_field().tolerate(Toleration::equal("", "x")),
            "spec.template.spec.tolerations[2].operator",
        ),
        (
            every_field().tolerate(Toleration::exists("a").for_seconds(5)),
            "spec.template.spec.tolerations[2].effect",
        ),
        (
            every_field().require_node(NodeTerm::new().label_in("zone", Vec::<String>::new())),
            "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchExpressions[0]",
        ),
        (
            every_field().prefer_node(0, NodeTerm::new().label_exists("ssd")),
            "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[1].weight",
        ),
        (
            every_field().require_pod_anti_affinity(PodTerm::new("")),
            "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[2].topologyKey",
        ),
        (
            every_field().spread(TopologySpread::new("kubernetes.io/hostname", 2)),
            "spec.template.spec.topologySpreadConstraints[2].{topologyKey, whenUnsatisfiable}",
        ),
        (
            every_field().spread(
                TopologySpread::new("rack", 1)
                    .schedule_anyway()
                    .min_domains(2),
            ),
            "spec.template.spec.topologySpreadConstraints[2].minDomains",
        ),
        (
            every_field().dns_policy(DnsPolicy::None),
            "spec.template.spec.dnsPolicy",
        ),
        (
            every_field().priority_class("High"),
            "spec.template.spec.priorityClassName",
        ),
        (
            bare(every_container_field().host_port("nope", 80)),
            "spec.template.spec.containers[0].ports",
        ),
        (bare(every_container_field()).host_network(), ""),
        (
            bare(
                every_container_field()
                    .resources(Resources::new().hugepages("2Mi", Memory::mebibytes(2))),
            ),
            "spec.template.spec.containers[0].resources",
        ),
        (
            bare(
                every_container_field().resources(
                    Resources::new()
                        .requests(Cpu::millis(1), Memory::mebibytes(1))
                        .extended("kubernetes.io/gpu", 1),
                ),
            ),
            "spec.template.spec.containers[0].resources.limits.kubernetes.io/gpu",
        ),
    ];
    let ok = base().with(every_field()).check();
    assert_eq!(ok.error_count(), 0, "{ok}");
    for (d, path) in cases {
        // hostNetwork with equal host and container ports is fine.
        if path.is_empty() {
            let report = base().with(d).check();
            assert_eq!(report.with_id("invalid-port").count(), 0, "{report}");
            continue;
        }
        let report = base().with(d).check();
        let paths: Vec<&str> = report
            .diagnostics()
            .iter()
            .filter(|d| d.severity == kubefit::Severity::Error)
            .map(|d| d.path.as_str())
            .collect();
        assert_eq!(paths, [path], "{report}");
    }
}

#[test]
fn a_pull_secret_must_be_in_the_stack_and_of_the_registry_type() {
    let d = Deployment::new("web", Container::new("web", "nginx:1.27"))
        .image_pull_secret(&Secret::new("registry"));
    let missing = Stack::new("shop").with(d.clone()).check();
    assert_eq!(missing.with_id("dangling-secret").count(), 1, "{missing}");
    let opaque = Stack::new("shop")
        .with(Secret::new("registry"))
        .with(d)
        .check();
    let e: Vec<_> = opaque.with_id("invalid-scheduling").collect();
    assert_eq!(e.len(), 1, "{opaque}");
    assert!(
        e[0].message.contains("not kubernetes.io/dockerconfigjson"),
        "{}",
        e[0].message
    );
}

#[test]
fn service_and_statefulset_fields_round_trip_and_are_checked() {
    use kubefit::{IntOrPercent, Service, StatefulSet};
    let kafka = StatefulSet::new(
        "kafka",
        Container::new("kafka", "apache/kafka:3.8.0").port("broker", 9092),
    )
    .replicas(3)
    .max_unavailable(IntOrPercent::Count(2))
    .partition(1);
    let svc = Service::new("kafka-external")
        .select(&kafka)
        .port("broker", 9092, "broker")
        .node_port()
        .fixed_node_port("broker", 30092)
        .local_traffic();
    let stack = Stack::new("shop")
        .with(kafka.headless_service())
        .with(svc)
        .with(kafka.clone());
    let yaml = emit(&stack);
    for want in [
        "  externalTrafficPolicy: Local\n",
        "    nodePort: 30092\n",
        "    rollingUpdate:\n      maxUnavailable: 2\n      partition: 1\n",
    ] {
        assert!(yaml.contains(want), "missing\n{want}\nin\n{yaml}");
    }
    let spec = StackSpec::from(&stack).to_yaml();
    let back = StackSpec::from_yaml(&spec, "s.yaml")
        .unwrap()
        .to_stack(&ProcessEnv)
        .unwrap();
    assert_eq!(emit(&back), yaml);
    // Read back from k8s-openapi: nothing of the StatefulSet is left out.
    let m = stack.emit(&EmitOptions::new()).unwrap();
    let sts = m
        .documents()
        .iter()
        .find(|d| d.kind() == "StatefulSet")
        .unwrap();
    let K8sObject::StatefulSet(k) = sts.object() else {
        panic!()
    };
    assert!(
        K8sResource::new(k).unmodelled_fields().is_empty(),
        "{:?}",
        K8sResource::new(k).unmodelled_fields()
    );
    // maxUnavailable 0 and a ClusterIP Service with a node port are refused.
    let bad = Stack::new("shop")
        .with(kafka.headless_service())
        .with(
            Service::new("plain")
                .select(&kafka)
                .port("broker", 9092, "broker")
                .fixed_node_port("broker", 30093),
        )
        .with(kafka.max_unavailable(IntOrPercent::Count(0)));
    let report = bad.check();
    assert_eq!(report.with_id("invalid-rollout").count(), 1, "{report}");
    assert_eq!(
        report.with_id("invalid-service-type").count(),
        1,
        "{report}"
    );
}
