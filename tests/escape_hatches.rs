//! No dead ends: a typed k8s-openapi object (`Stack::with_k8s`), a patch hook on a builder and
//! a custom object from any serde type are emitted as given and still checked and budgeted.

use k8s_openapi::api::apps::v1::Deployment as K8sDeployment;
use k8s_openapi::api::batch::v1::{Job as K8sJob, JobSpec};
use k8s_openapi::api::core::v1::{
    Container as K8sContainer, PodSpec, PodTemplateSpec, ResourceRequirements, Toleration,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kubefit::{
    ConfigMap, Container, Cpu, CustomObject, Deployment, EmitOptions, K8sResource, Memory,
    Platform, Resources, Stack, StackSpec, Verdict,
};

fn meta(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        ..Default::default()
    }
}

fn requests(cpu: &str, memory: &str) -> ResourceRequirements {
    ResourceRequirements {
        requests: Some(
            [
                ("cpu".to_owned(), Quantity(cpu.into())),
                ("memory".to_owned(), Quantity(memory.into())),
            ]
            .into(),
        ),
        ..Default::default()
    }
}

/// A container security context the `restricted` Pod Security level admits.
fn restricted() -> k8s_openapi::api::core::v1::SecurityContext {
    k8s_openapi::api::core::v1::SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(k8s_openapi::api::core::v1::Capabilities {
            drop: Some(vec!["ALL".into()]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The pod half of it: non-root, RuntimeDefault seccomp.
fn restricted_pod() -> k8s_openapi::api::core::v1::PodSecurityContext {
    k8s_openapi::api::core::v1::PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(10001),
        seccomp_profile: Some(k8s_openapi::api::core::v1::SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn seed_job(parallelism: i32, cpu: &str) -> K8sJob {
    K8sJob {
        metadata: meta("seed"),
        spec: Some(JobSpec {
            parallelism: Some(parallelism),
            template: PodTemplateSpec {
                spec: Some(PodSpec {
                    containers: vec![K8sContainer {
                        name: "seed".into(),
                        image: Some("busybox:1.36".into()),
                        resources: Some(requests(cpu, "64Mi")),
                        security_context: Some(restricted()),
                        ..Default::default()
                    }],
                    security_context: Some(restricted_pod()),
                    restart_policy: Some("Never".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn web(cpu: Cpu) -> Deployment {
    Deployment::new(
        "web",
        Container::new("web", "nginx:1.27")
            .resources(Resources::new().requests(cpu, Memory::mebibytes(128))),
    )
}

/// OCI Always Free: 4 OCPUs over two nodes, minus k3s.
fn platform() -> Platform {
    Platform::oci_always_free()
}

#[test]
fn a_with_k8s_job_is_budgeted_and_changes_the_verdict() {
    let base = Stack::new("shop").with(web(Cpu::millis(500)));
    assert_eq!(base.fit(&platform()).verdict(), Verdict::Fits);
    // Three pods of 1.5 cores at once cannot all be placed beside the web pod.
    let with_job = base.clone().with_k8s(&seed_job(3, "1500m"));
    let demands = with_job.workload_demands();
    let job = demands.iter().find(|w| w.object == "job/seed").unwrap();
    assert_eq!(
        (job.counts.steady, job.pod_requests.cpu),
        (3, Cpu::millis(1500))
    );
    assert_eq!(with_job.fit(&platform()).verdict(), Verdict::DoesNotFit);
    // Emitted as given: the Job is written before the Deployment, in the namespace.
    let yaml = with_job
        .emit(&EmitOptions::new())
        .unwrap()
        .to_yaml()
        .unwrap();
    let job_at = yaml.find("kind: Job").unwrap();
    assert!(job_at < yaml.find("kind: Deployment").unwrap(), "{yaml}");
    assert!(yaml[job_at..].contains("  namespace: shop\n"), "{yaml}");
    assert!(yaml[job_at..].contains("parallelism: 3"), "{yaml}");
}

#[test]
fn a_patched_deployment_is_budgeted_as_patched() {
    let small = web(Cpu::millis(500));
    let stack = |d: Deployment| Stack::new("shop").with(d);
    assert_eq!(
        stack(small.clone()).fit(&platform()).verdict(),
        Verdict::Fits
    );
    let big = small.patch(|d: &mut K8sDeployment| {
        let spec: &mut PodSpec = d_spec(d);
        spec.containers[0].resources = Some(requests("3", "128Mi"));
    });
    let patched = stack(big);
    assert_eq!(
        patched.workload_demands()[0].pod_requests.cpu,
        Cpu::cores(3)
    );
    assert_eq!(patched.fit(&platform()).verdict(), Verdict::DoesNotFit);
    let yaml = patched
        .emit(&EmitOptions::new().allow_errors(true))
        .unwrap()
        .to_yaml()
        .unwrap();
    assert!(yaml.contains("            cpu: \"3\"\n"), "{yaml}");
}

/// The pod spec of a Deployment, whichever Kubernetes version k8s-openapi is built for.
fn d_spec(d: &mut K8sDeployment) -> &mut PodSpec {
    d.spec.template.spec.get_or_insert_default()
}

#[test]
fn patched_fields_outside_the_model_are_noted_once_and_still_emitted() {
    let d = web(Cpu::millis(100)).patch(|d: &mut K8sDeployment| {
        d_spec(d).share_process_namespace = Some(true);
        d_spec(d).preemption_policy = Some("Never".into());
    });
    let stack = Stack::new("shop").with(d);
    let report = stack.check();
    let notes: Vec<_> = report.with_id("not-modelled").collect();
    assert_eq!(notes.len(), 1, "{report}");
    assert_eq!(notes[0].object, "deployment/web");
    assert!(
        notes[0]
            .message
            .contains("spec.template.spec.shareProcessNamespace")
            && notes[0]
                .message
                .contains("spec.template.spec.preemptionPolicy"),
        "{}",
        notes[0].message
    );
    let yaml = stack.emit(&EmitOptions::new()).unwrap().to_yaml().unwrap();
    assert!(
        yaml.contains("      shareProcessNamespace: true\n"),
        "{yaml}"
    );
    assert!(yaml.contains("      preemptionPolicy: Never\n"), "{yaml}");
}

#[test]
fn patched_fields_the_model_knows_are_checked_again() {
    let d = web(Cpu::millis(100)).patch(|d: &mut K8sDeployment| {
        d_spec(d).tolerations = Some(vec![Toleration {
            key: Some("dedicated".into()),
            operator: Some("Sometimes".into()),
            ..Default::default()
        }]);
    });
    let report = Stack::new("shop").with(d).check();
    let e: Vec<_> = report.with_id("invalid-scheduling").collect();
    assert_eq!(e.len(), 1, "{report}");
    assert_eq!(e[0].path, "spec.template.spec.tolerations[0].operator");
    // Read, so not noted as outside the model.
    assert_eq!(report.with_id("not-modelled").count(), 0, "{report}");
}

#[test]
fn a_with_k8s_deployment_is_checked_like_a_built_one() {
    let d = K8sDeployment {
        metadata: meta("api"),
        spec: k8s_deployment_spec(),
        ..Default::default()
    };
    let report = Stack::new("shop").with_k8s(&d).check();
    // Its env refers to a ConfigMap the stack does not have; its container runs as root
    // with a writable root filesystem (no securityContext).
    assert_eq!(report.with_id("dangling-config-map").count(), 1, "{report}");
    let f = report.with_id("dangling-config-map").next().unwrap();
    assert_eq!(f.object, "deployment/api");
    assert!(
        f.path.starts_with("spec.template.spec.containers[0]"),
        "{}",
        f.path
    );
    assert!(report.with_id("runs-as-root").count() > 0, "{report}");
    // With the ConfigMap, the reference resolves.
    let fixed = Stack::new("shop")
        .with(ConfigMap::new("settings").entry("mode", "fast"))
        .with_k8s(&d)
        .check();
    assert_eq!(fixed.with_id("dangling-config-map").count(), 0, "{fixed}");
}

fn k8s_deployment_spec() -> k8s_openapi::api::apps::v1::DeploymentSpec {
    use k8s_openapi::api::apps::v1::DeploymentSpec;
    use k8s_openapi::api::core::v1::{ConfigMapKeySelector, EnvVar, EnvVarSource};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
    let labels: std::collections::BTreeMap<String, String> = [("app".into(), "api".into())].into();
    DeploymentSpec {
        replicas: Some(2),
        selector: LabelSelector {
            match_labels: Some(labels.clone()),
            ..Default::default()
        },
        template: PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(labels),
                ..Default::default()
            }),
            spec: Some(PodSpec {
                containers: vec![K8sContainer {
                    name: "api".into(),
                    image: Some("nginx:1.27".into()),
                    env: Some(vec![EnvVar {
                        name: "MODE".into(),
                        value_from: Some(EnvVarSource {
                            config_map_key_ref: Some(ConfigMapKeySelector {
                                name: "settings".into(),
                                key: "mode".into(),
                                optional: None,
                            }),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }],
                ..Default::default()
            }),
        },
        ..Default::default()
    }
}

#[test]
fn kinds_without_a_builder_are_emitted_in_place_and_counted_once() {
    use k8s_openapi::api::coordination::v1::Lease;
    use k8s_openapi::api::storage::v1::StorageClass;
    let class = StorageClass {
        metadata: meta("fast"),
        provisioner: "rancher.io/local-path".into(),
        ..Default::default()
    };
    let lease = Lease {
        metadata: meta("leader"),
        ..Default::default()
    };
    let stack = Stack::new("shop")
        .with(web(Cpu::millis(100)))
        .with_k8s(&lease)
        .with_k8s(&class);
    let report = stack.check();
    let notes: Vec<_> = report.with_id("not-modelled").collect();
    assert_eq!(notes.len(), 1, "{report}");
    assert_eq!(notes[0].object, "namespace/shop");
    assert!(
        notes[0]
            .message
            .contains("2 object(s) of kinds Lease (1), StorageClass (1)"),
        "{}",
        notes[0].message
    );
    let m = stack.emit(&EmitOptions::new()).unwrap();
    let kinds: Vec<&str> = m.documents().iter().map(|d| d.kind()).collect();
    // Cluster-wide prerequisites first, coordination objects last.
    assert_eq!(kinds, ["Namespace", "StorageClass", "Deployment", "Lease"]);
    let yaml = m.to_yaml().unwrap();
    let sc =
        &yaml[yaml.find("kind: StorageClass").unwrap()..yaml.find("kind: Deployment").unwrap()];
    assert!(!sc.contains("namespace:"), "{sc}");
    assert!(
        yaml[yaml.find("kind: Lease").unwrap()..].contains("  namespace: shop\n"),
        "{yaml}"
    );
    // An invalid name is still an error.
    let bad = Stack::new("shop").with_k8s(&Lease {
        metadata: meta("Bad_Name"),
        ..Default::default()
    });
    assert_eq!(bad.check().with_id("invalid-name").count(), 1);
}

#[test]
fn rbac_objects_get_the_rbac_checks_however_they_come_in() {
    let rule = PolicyRule {
        api_groups: Some(vec!["*".into()]),
        resources: Some(vec!["*".into()]),
        verbs: vec!["*".into()],
        ..Default::default()
    };
    let role = Role {
        metadata: meta("everything"),
        rules: Some(vec![rule.clone()]),
    };
    let cluster_role = ClusterRole {
        metadata: meta("node-reader"),
        rules: Some(vec![rule]),
        ..Default::default()
    };
    let report = Stack::new("shop")
        .with_k8s(&role)
        .with_k8s(&cluster_role)
        .check();
    assert_eq!(report.with_id("rbac-wildcard").count(), 6, "{report}");
    // Checked kinds are not "not modelled".
    assert_eq!(report.with_id("not-modelled").count(), 0, "{report}");
    // And the builders make the same objects.
    let built = Stack::new("shop")
        .with(
            kubefit::Role::new("everything")
                .allow(kubefit::Permission::on(["*"], ["*"]).verbs(["*"])),
        )
        .check();
    assert_eq!(built.with_id("rbac-wildcard").count(), 3, "{built}");
}

#[test]
fn a_value_the_api_server_cannot_read_is_an_error_with_its_path() {
    let stack = Stack::new("shop").with_k8s(&seed_job(1, "lots"));
    let report = stack.check();
    let e: Vec<_> = report.with_id("unreadable-object").collect();
    assert_eq!(e.len(), 1, "{report}");
    assert_eq!(e[0].object, "job/seed");
    assert_eq!(
        e[0].path,
        "spec.template.spec.containers[0].resources.requests.cpu"
    );
    assert!(report.has_errors());
    assert!(stack.emit(&EmitOptions::new()).is_err());
}

#[test]
fn a_built_in_kind_given_as_a_custom_object_names_the_way_to_write_it() {
    let report = Stack::new("shop")
        .with(CustomObject::new("batch/v1", "Job", "migrate"))
        .with(CustomObject::new(
            "rbac.authorization.k8s.io/v1",
            "Role",
            "r",
        ))
        .check();
    let e: Vec<_> = report.with_id("builtin-kind-as-custom").collect();
    assert_eq!(e.len(), 2, "{report}");
    let job = e.iter().find(|d| d.object == "job/migrate").unwrap();
    assert!(job.message.contains("`kubefit::Job`"), "{}", job.message);
    assert!(
        job.message.contains("k8s_openapi::api::batch::v1::Job"),
        "{}",
        job.message
    );
    let role = e.iter().find(|d| d.object == "role/r").unwrap();
    assert!(
        role.message.contains("k8s_openapi::api::rbac::v1::Role")
            && !role.message.contains("kubefit::Role"),
        "{}",
        role.message
    );
    // Neither is reported as a bad apiVersion besides.
    assert_eq!(report.with_id("invalid-api-version").count(), 0, "{report}");
}

#[test]
fn with_k8s_objects_round_trip_through_the_spec() {
    let lease = k8s_openapi::api::coordination::v1::Lease {
        metadata: meta("leader"),
        ..Default::default()
    };
    // The note on kinds kubefit does not read is the stack's: suppressed there.
    let stack = Stack::new("shop")
        .suppress("not-modelled", "reviewed by hand")
        .with(K8sResource::new(&lease).label("team", "ops"))
        .with_k8s(&seed_job(2, "100m"));
    let yaml = StackSpec::from(&stack).to_yaml();
    assert!(yaml.contains("k8sObjects:"), "{yaml}");
    let back = StackSpec::from_yaml(&yaml, "stack.yaml")
        .unwrap()
        .to_stack(&kubefit::ProcessEnv)
        .unwrap();
    let emit = |s: &Stack| s.emit(&EmitOptions::new()).unwrap().to_yaml().unwrap();
    assert_eq!(emit(&back), emit(&stack));
    assert_eq!(back.workload_demands(), stack.workload_demands());
    let report = back.check();
    assert_eq!(report.with_id("not-modelled").count(), 1, "{report}");
    assert!(
        report
            .with_id("not-modelled")
            .all(|d| d.suppressed.is_some())
    );
    assert!(emit(&back).contains("    team: ops\n"));
}

#[test]
fn a_selector_by_expressions_is_kept_and_noted_not_refused() {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
    let mut spec = k8s_deployment_spec();
    spec.selector = LabelSelector {
        match_labels: None,
        match_expressions: Some(vec![LabelSelectorRequirement {
            key: "app".into(),
            operator: "In".into(),
            values: Some(vec!["api".into()]),
        }]),
    };
    let d = K8sDeployment {
        metadata: meta("api"),
        spec,
        ..Default::default()
    };
    let r = K8sResource::new(&d);
    assert!(
        r.unmodelled_fields()
            .iter()
            .any(|f| f == "spec.selector.matchExpressions"),
        "{:?}",
        r.unmodelled_fields()
    );
    let report = Stack::new("shop")
        .with(ConfigMap::new("settings").entry("mode", "fast"))
        .with_k8s(&d)
        .check();
    assert_eq!(report.with_id("selector-mismatch").count(), 0, "{report}");
}

#[test]
fn a_bare_pod_is_checked_at_its_own_paths_and_budgeted() {
    use k8s_openapi::api::core::v1::Pod;
    let pod = |cpu: &str| Pod {
        metadata: ObjectMeta {
            labels: Some([("app".to_owned(), "probe".to_owned())].into()),
            ..meta("probe")
        },
        spec: Some(PodSpec {
            containers: vec![K8sContainer {
                name: "probe".into(),
                image: Some("busybox:1.36".into()),
                resources: Some(requests(cpu, "64Mi")),
                env: Some(vec![k8s_openapi::api::core::v1::EnvVar {
                    name: "CFG".into(),
                    value_from: Some(k8s_openapi::api::core::v1::EnvVarSource {
                        config_map_key_ref: Some(
                            k8s_openapi::api::core::v1::ConfigMapKeySelector {
                                name: "missing".into(),
                                key: "a".into(),
                                ..Default::default()
                            },
                        ),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
                ..Default::default()
            }],
            restart_policy: Some("Never".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let base = Stack::new("shop").with(web(Cpu::millis(500)));
    let small = base.clone().with_k8s(&pod("100m"));
    let demands = small.workload_demands();
    let p = demands
        .iter()
        .find(|w| w.object == "pod/probe")
        .expect("the pod is budgeted");
    assert_eq!(p.counts.steady, 1);
    assert_eq!(p.pod_requests.cpu, Cpu::millis(100));
    // Checked like any workload's pod, at the Pod's own paths.
    let report = small.check();
    let dangling = report
        .diagnostics()
        .iter()
        .find(|d| d.object == "pod/probe" && d.id == "dangling-config-map")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(
        dangling.path,
        "spec.containers[0].env[0].valueFrom.configMapKeyRef"
    );
    assert!(
        !report
            .diagnostics()
            .iter()
            .any(|d| d.object == "pod/probe" && d.path.starts_with("spec.template")),
        "{report}"
    );
    // Not counted among the kinds kubefit does not read.
    assert!(
        !report
            .diagnostics()
            .iter()
            .any(|d| d.id == "not-modelled" && d.message.contains("Pod")),
        "{report}"
    );
    // A pod too large for any node changes the verdict, and the finding points into it.
    let big = base.with_k8s(&pod("8"));
    let fit = big.fit(&platform());
    assert_eq!(fit.verdict(), Verdict::DoesNotFit, "{fit}");
    let d = &fit.diagnostics()[0];
    assert_eq!(
        (d.object.as_str(), d.path.as_str()),
        ("pod/probe", "spec.containers[*].resources.requests")
    );
}
