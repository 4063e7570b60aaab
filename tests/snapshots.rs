//! The YAML each builder emits, snapshotted (reviewed by hand when it changes), and the
//! emission guarantees: determinism, order, secrets withheld, atomic writes.

mod common;

use kubefit::{
    ConfigMap, Container, Deployment, EmitError, EmitOptions, Secret, SecretValue, Stack,
};

#[test]
fn builder_yaml_snapshots() {
    for (name, stack) in common::all_stacks() {
        insta::assert_snapshot!(name, common::yaml(&stack));
    }
}

#[test]
fn json_is_a_v1_list() {
    let m = common::statefulset_stack()
        .emit(&EmitOptions::new())
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&m.to_json().unwrap()).unwrap();
    assert_eq!(v["apiVersion"], "v1");
    assert_eq!(v["kind"], "List");
    let kinds: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "NetworkPolicy",
            "Service",
            "Service",
            "StatefulSet",
            "PodDisruptionBudget"
        ]
    );
}

#[test]
fn emission_is_byte_identical_every_time() {
    for (name, stack) in common::all_stacks() {
        let a = common::yaml(&stack);
        let b = common::yaml(&stack.clone());
        assert_eq!(a, b, "{name}");
        let ja = stack.emit(&EmitOptions::new()).unwrap().to_json().unwrap();
        let jb = stack.emit(&EmitOptions::new()).unwrap().to_json().unwrap();
        assert_eq!(ja, jb, "{name}");
    }
}

#[test]
fn order_is_apply_safe_and_independent_of_insertion_order() {
    let stack = common::deployment_stack();
    let m = stack
        .emit(&EmitOptions::new().plaintext_secrets(true))
        .unwrap();
    let kinds: Vec<&str> = m.documents().iter().map(|d| d.kind()).collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "NetworkPolicy",
            "NetworkPolicy",
            "ConfigMap",
            "Secret",
            "Secret",
            "PersistentVolumeClaim",
            "Service",
            "Deployment",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
        ]
    );
    // Reversing the insertion order changes nothing.
    let mut reversed = Stack::new("payments");
    for o in stack.objects().iter().rev() {
        reversed = reversed.with(o.clone());
    }
    assert_eq!(common::yaml(&reversed), common::yaml(&stack));
}

#[test]
fn secrets_are_withheld_unless_explicitly_allowed() {
    let stack = common::deployment_stack();
    let m = stack.emit(&EmitOptions::new()).unwrap();
    assert_eq!(m.withheld_secrets(), ["api-credentials", "api-tls"]);
    let yaml = m.to_yaml().unwrap();
    let json = m.to_json().unwrap();
    for needle in ["t0k3n-value", "dDBrM24tdmFsdWU=", "kind: Secret"] {
        assert!(!yaml.contains(needle), "yaml contains {needle}");
        assert!(!json.contains(needle), "json contains {needle}");
    }
    let dir = tempfile::tempdir().unwrap();
    m.write_dir(dir.path().join("out")).unwrap();
    for entry in std::fs::read_dir(dir.path().join("out")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains("t0k3n-value") && !text.contains("dDBrM24tdmFsdWU="));
    }
    let opted_in = stack
        .emit(&EmitOptions::new().plaintext_secrets(true))
        .unwrap();
    assert!(opted_in.withheld_secrets().is_empty());
    assert!(
        opted_in
            .to_yaml()
            .unwrap()
            .contains("token: dDBrM24tdmFsdWU=")
    );
}

#[test]
fn secret_values_never_print() {
    let s = Secret::new("db").entry("password", SecretValue::new("hunter2-very-secret"));
    let stack = Stack::new("default").with(s.clone());
    let err = stack.emit(&EmitOptions::new()).unwrap_err();
    for text in [
        format!("{s:?}"),
        format!("{stack:?}"),
        format!("{err}"),
        format!("{err:?}"),
        format!("{}", stack.check()),
    ] {
        assert!(!text.contains("hunter2"), "{text}");
    }
}

#[test]
fn a_stack_with_errors_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let good = Stack::new("shop").with(ConfigMap::new("cfg").entry("a", "1"));
    good.emit(&EmitOptions::new())
        .unwrap()
        .write_dir(&out)
        .unwrap();
    let before: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();

    let bad = Stack::new("shop").with(Deployment::new(
        "API",
        Container::new("api", "nginx:1.27").env_from_config_map(&ConfigMap::new("missing")),
    ));
    let err = bad.emit(&EmitOptions::new()).unwrap_err();
    let EmitError::Check(report) = &err else {
        panic!("{err}")
    };
    assert_eq!(report.error_count(), 2, "{report}");
    // The previous output is untouched.
    let after: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);

    // Explicit override.
    let forced = bad.emit(&EmitOptions::new().allow_errors(true)).unwrap();
    assert_eq!(forced.documents().len(), 2);
}

#[test]
fn write_dir_replaces_old_output_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("manifests");
    let v1 = Stack::new("shop").with(ConfigMap::new("old").entry("a", "1"));
    v1.emit(&EmitOptions::new())
        .unwrap()
        .write_dir(&out)
        .unwrap();
    assert!(out.join("01-configmap-old.yaml").exists());

    let v2 = Stack::new("shop").with(ConfigMap::new("new").entry("a", "2"));
    v2.emit(&EmitOptions::new())
        .unwrap()
        .write_dir(&out)
        .unwrap();
    assert!(
        !out.join("01-configmap-old.yaml").exists(),
        "stale files are removed"
    );
    assert!(out.join("01-configmap-new.yaml").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kubefit"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A failing write (the parent is a file) leaves the previous output as it was.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let err = v2
        .emit(&EmitOptions::new())
        .unwrap()
        .write_dir(blocker.join("out"))
        .unwrap_err();
    assert!(matches!(err, EmitError::Io { .. }), "{err}");
    assert!(out.join("01-configmap-new.yaml").exists());
}

#[test]
fn streamed_yaml_rendered_on_every_core_equals_the_manifests() {
    // Enough objects for many chunks of parallel rendering, of every kind the order sorts.
    let mut stack = common::deployment_stack();
    for i in 0..1500 {
        stack = stack.with(
            kubefit::ConfigMap::new(format!("cfg-{i:04}"))
                .label("index", i.to_string())
                .entry("on", "yes"),
        );
    }
    for options in [
        EmitOptions::new(),
        EmitOptions::new().plaintext_secrets(true),
    ] {
        let mut streamed = Vec::new();
        let count = stack.write_yaml(&options, &mut streamed).unwrap();
        let manifests = stack.emit(&options).unwrap();
        assert_eq!(count.documents(), manifests.documents().len());
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            manifests.to_yaml().unwrap()
        );
    }
}

#[test]
fn streamed_yaml_checked_while_rendering_writes_nothing_on_an_error() {
    // Many chunks render while the check runs; a dangling reference (structure) or a budget
    // that does not fit (with a platform) must still leave the output empty.
    let mut stack = common::deployment_stack();
    for i in 0..1500 {
        stack = stack.with(kubefit::ConfigMap::new(format!("cfg-{i:04}")).entry("a", "1"));
    }
    let dangling = stack.clone().with(kubefit::Deployment::new(
        "orphan",
        Container::new("orphan", "nginx:1.27").env_from_config_map(&ConfigMap::new("missing")),
    ));
    let mut out = Vec::new();
    let err = dangling
        .write_yaml(&EmitOptions::new(), &mut out)
        .unwrap_err();
    let EmitError::Check(report) = &err else {
        panic!("{err}")
    };
    assert_eq!(report.with_id("dangling-config-map").count(), 1, "{report}");
    assert!(out.is_empty(), "{} bytes written", out.len());
    // The gate looks only for errors, but a refusal reports the whole check, warnings too.
    let whole = dangling.check();
    assert!(whole.warning_count() > 0);
    assert_eq!(report.to_string(), whole.to_string());

    let tiny = kubefit::Platform::new("tiny", "test", "2026-11").pool(kubefit::NodePool::new(
        "n",
        1,
        kubefit::Cpu::millis(100),
        kubefit::Memory::mebibytes(64),
    ));
    let err = stack
        .write_yaml(&EmitOptions::new().platform(tiny.clone()), &mut out)
        .unwrap_err();
    let EmitError::Check(report) = &err else {
        panic!("{err}")
    };
    assert!(report.fit().is_some());
    assert!(out.is_empty(), "{} bytes written", out.len());
    // The same stack passes without the platform, and with it the check is the same as
    // check_on's.
    assert_eq!(report.to_string(), stack.check_on(&tiny).to_string());
    stack.write_yaml(&EmitOptions::new(), &mut out).unwrap();
    assert!(out.starts_with(b"---\napiVersion: v1\nkind: Namespace\n"));
}

#[test]
fn streamed_yaml_with_a_heavy_ingress_rendered_first_keeps_the_order() {
    // An Ingress with 700 paths weighs more than two chunks, so it renders before the
    // chunks ahead of it; the bytes and their order must not change.
    let mut stack = Stack::new("shop");
    let mut ingress = kubefit::Ingress::new("edge");
    for i in 0..700 {
        let d = Deployment::new(
            format!("app-{i}"),
            Container::new("web", "nginx:1.27").port("http", 8080),
        );
        let svc = kubefit::Service::expose(&d);
        ingress = ingress.route(
            "shop.example.com",
            format!("/app-{i}"),
            kubefit::PathType::Prefix,
            &svc,
            "http",
        );
        stack = stack.with(d).with(svc);
    }
    stack = stack.with(ingress);
    let mut streamed = Vec::new();
    let count = stack
        .write_yaml(&EmitOptions::new(), &mut streamed)
        .unwrap();
    let manifests = stack.emit(&EmitOptions::new()).unwrap();
    assert_eq!(count.documents(), 1 + 700 * 2 + 1);
    let streamed = String::from_utf8(streamed).unwrap();
    assert_eq!(streamed, manifests.to_yaml().unwrap());
    assert!(
        streamed.trim_end().ends_with("pathType: Prefix"),
        "the ingress comes last"
    );
}

#[test]
fn objects_of_one_kind_and_name_are_emitted_in_the_order_added() {
    // Duplicates are errors, but allow_errors emits them: in the order they were added,
    // by write_yaml and by emit alike.
    let stack = kubefit::Stack::new("shop")
        .with(ConfigMap::new("b").entry("k", "first"))
        .with(ConfigMap::new("a").entry("k", "x"))
        .with(ConfigMap::new("b").entry("k", "second"));
    let options = EmitOptions::new().allow_errors(true);
    let yaml = stack.emit(&options).unwrap().to_yaml().unwrap();
    let (a, first, second) = (
        yaml.find("k: x").unwrap(),
        yaml.find("k: first").unwrap(),
        yaml.find("k: second").unwrap(),
    );
    assert!(a < first && first < second, "{yaml}");
    let mut streamed = Vec::new();
    stack.write_yaml(&options, &mut streamed).unwrap();
    assert_eq!(String::from_utf8(streamed).unwrap(), yaml);
}
