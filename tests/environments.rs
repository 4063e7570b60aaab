//! Environments: `kubectl kustomize overlays/<env>` builds exactly the objects kubefit renders
//! in-process for that environment, and both pass kubernetes-validate (1.33 and 1.37).

mod common;

use std::path::Path;
use std::process::Command;

use kubefit::{
    Cpu, EmitOptions, Environment, ImageOverride, Memory, NodePool, Platform, Resources, Stack,
    Verdict,
};

use common::parse;

fn kustomize(dir: &Path) -> String {
    let out = common::run_ok(
        Command::new(common::kubectl()).arg("kustomize").arg(dir),
        &format!("kubectl kustomize {}", dir.display()),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("deprecated"),
        "deprecated fields: {stderr}"
    );
    String::from_utf8(out.stdout).unwrap()
}

fn validate_both(dir: &Path, env: &str, built: &str, rendered: &str) {
    let a = common::write(dir, &format!("{env}-kustomize.yaml"), built);
    let b = common::write(dir, &format!("{env}-rendered.yaml"), rendered);
    let docs = parse(built).len() + parse(rendered).len();
    for v in ["1.33.0", "1.37.0"] {
        common::validate(&[a.clone(), b.clone()], v, docs);
    }
}

/// Every override kind on the sample stacks.
fn envs() -> Vec<Environment> {
    vec![
        Environment::new("dev")
            .namespace("payments-dev")
            .label("environment", "dev")
            .replicas("api", 1)
            .autoscale("api", 1, 2)
            .env_value("api", "api", "MODE", "debug")
            .env_value("api", "api", "NEW_FLAG", "yes"),
        Environment::new("prod")
            .namespace("payments-prod")
            .label("environment", "prod")
            .label("tier", "gold")
            .replicas("api", 5)
            .image("ghcr.io/acme/api", ImageOverride::tag("1.5.0"))
            .image(
                "fluent/fluent-bit",
                ImageOverride::digest(
                    "sha256:1111111111111111111111111111111111111111111111111111111111111111",
                ),
            )
            .resources(
                "api",
                "api",
                Resources::new()
                    .requests(Cpu::millis(300), Memory::mebibytes(256))
                    .limits(Cpu::cores(1), Memory::mebibytes(512)),
            )
            .resources(
                "api",
                "migrate",
                Resources::new().cpu_limit_of(Cpu::millis(400)),
            )
            .autoscale("api", 5, 20),
    ]
}

#[test]
fn overlays_build_the_in_process_render() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Stack, Vec<Environment>)> = vec![
        (common::deployment_stack(), envs()),
        (
            // staging has a certificate of its own
            common::service_ingress_stack().with(
                kubefit::Secret::new("shop-staging-tls")
                    .type_("kubernetes.io/tls")
                    .entry("tls.crt", kubefit::SecretValue::new("CERT"))
                    .entry("tls.key", kubefit::SecretValue::new("KEY")),
            ),
            vec![
                Environment::new("staging")
                    .namespace("shop-staging")
                    .host("shop", "shop.example.com", "staging.shop.example.com")
                    .host("shop", "admin.example.com", "admin.staging.example.com")
                    .tls_secret("shop", "shop-tls", "shop-staging-tls")
                    .replicas("web", 2),
            ],
        ),
    ];
    for (i, (stack, envs)) in cases.iter().enumerate() {
        let root = dir.path().join(format!("case{i}"));
        kubefit::KustomizeTree::new(stack, envs, &EmitOptions::new())
            .unwrap()
            .write_dir(&root)
            .unwrap();
        for env in envs {
            let report = stack.check_environment(env);
            assert!(!report.has_errors(), "{report}");
            let built = kustomize(&root.join("overlays").join(env.name()));
            let rendered = stack
                .render(env)
                .emit(&EmitOptions::new())
                .unwrap()
                .to_yaml()
                .unwrap();
            common::assert_same_objects(env.name(), &parse(&built), &parse(&rendered));
            assert_ne!(
                parse(&rendered),
                parse(&stack.emit(&EmitOptions::new()).unwrap().to_yaml().unwrap()),
                "the overlay changes something"
            );
            validate_both(
                dir.path(),
                &format!("case{i}-{}", env.name()),
                &built,
                &rendered,
            );
        }
    }
}

#[test]
fn overlays_use_current_fields_only() {
    common::needs_external_tools!();
    let tree =
        kubefit::KustomizeTree::new(&common::deployment_stack(), &envs(), &EmitOptions::new())
            .unwrap();
    for (path, content) in tree.files() {
        if path.ends_with("kustomization.yaml") {
            for old in [
                "commonLabels",
                "patchesStrategicMerge",
                "patchesJson6902",
                "bases:",
            ] {
                assert!(!content.contains(old), "{path} uses {old}");
            }
        }
    }
}

#[test]
fn chase_sets_example_overlays_match_and_validate() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = common::run_example(
        "chase_sets",
        [
            std::ffi::OsStr::new("--with-redis"),
            std::ffi::OsStr::new("--out"),
            out.as_os_str(),
        ],
    );
    common::assert_ok(&run, "chase_sets");
    for env in ["dev", "staging", "prod"] {
        let built = kustomize(&out.join("kustomize/overlays").join(env));
        let rendered =
            std::fs::read_to_string(out.join("rendered").join(format!("{env}.yaml"))).unwrap();
        let objects = parse(&rendered);
        assert!(objects.contains_key(&("StatefulSet".to_owned(), "opensearch".to_owned())));
        assert!(objects.contains_key(&("StatefulSet".to_owned(), "redis".to_owned())));
        assert_eq!(
            objects[&("Namespace".to_owned(), format!("chase-sets-{env}"))]["kind"],
            "Namespace"
        );
        common::assert_same_objects(env, &parse(&built), &objects);
        validate_both(dir.path(), env, &built, &rendered);
    }
    assert!(out.join(".env.example").exists());
}

#[test]
fn overrides_naming_nothing_are_errors() {
    common::needs_external_tools!();
    let stack = common::deployment_stack();
    let env = Environment::new("Bad_Name")
        .replicas("nope", 2)
        .image("nope/image", ImageOverride::tag("1"))
        .resources("api", "nope", Resources::new())
        .env_value("ghost", "api", "A", "1")
        .env_value("api", "api", "LOG_LEVEL", "x") // from a configmap, not a literal
        .host("nope", "a", "b")
        .tls_secret("shop", "x", "y")
        .autoscale("nope", 1, 2);
    let report = stack.check_environment(&env);
    let msgs: Vec<String> = report
        .with_id("unknown-override-target")
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect();
    assert_eq!(msgs.len(), 9, "{msgs:#?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("no deployment or statefulset named `nope`"))
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("workload `api` has no container `nope`"))
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("`LOG_LEVEL` comes from a configmap, secret or field"))
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("no container runs image `nope/image`"))
    );
    assert!(msgs.iter().any(|m| m.contains("no ingress named `nope`")));
    assert!(
        msgs.iter()
            .any(|m| m.contains("no horizontalpodautoscaler targets `nope`"))
    );
    assert!(
        kubefit::KustomizeTree::new(&stack, &[env], &EmitOptions::new()).is_err(),
        "the tree is refused"
    );
}

#[test]
fn prod_may_not_fit_where_dev_does() {
    let stack = common::deployment_stack();
    // The sample pods ask for arm64 nodes, one replica per node.
    let small = Platform::new("lab", "inventory", "2026-11")
        .pool(NodePool::new("arm", 3, Cpu::cores(4), Memory::gibibytes(8)).arch("arm64"));
    let dev = Environment::new("dev")
        .replicas("api", 1)
        .autoscale("api", 1, 1)
        .platform(small.clone());
    let prod = Environment::new("prod")
        .replicas("api", 12)
        .autoscale("api", 12, 30)
        .platform(small);
    let dev_fit = stack.check_environment(&dev).fit().unwrap().verdict();
    let prod_report = stack.check_environment(&prod);
    assert_eq!(dev_fit, Verdict::Fits);
    assert_eq!(prod_report.fit().unwrap().verdict(), Verdict::DoesNotFit);
    assert!(prod_report.has_errors());
    assert!(
        prod_report.to_string().contains("does-not-fit"),
        "{prod_report}"
    );
}

#[cfg(feature = "sops")]
#[test]
fn each_overlay_carries_its_encrypted_secrets() {
    common::needs_external_tools!();
    let id = kubefit::AgeIdentity::generate();
    let stack = common::deployment_stack();
    let envs = envs();
    let options = EmitOptions::new().encrypt_secrets(kubefit::SopsConfig::new([id.recipient()]));
    let tree = kubefit::KustomizeTree::new(&stack, &envs, &options).unwrap();
    for env in &envs {
        let path = format!("overlays/{}/secrets/api-credentials.sops.yaml", env.name());
        let (_, yaml) = tree
            .files()
            .iter()
            .find(|(p, _)| *p == path)
            .unwrap_or_else(|| panic!("{path} missing"));
        assert!(!yaml.contains("t0k3n-value"));
        let docs = kubefit::sops_decrypt(yaml, &[id.expose_secret_key().parse().unwrap()]).unwrap();
        assert_eq!(
            docs[0]["metadata"]["namespace"],
            format!("payments-{}", env.name())
        );
        assert_eq!(docs[0]["metadata"]["labels"]["environment"], env.name());
    }
    assert!(tree.files().iter().any(|(p, _)| p == ".sops.yaml"));
    assert!(
        !tree
            .files()
            .iter()
            .any(|(p, _)| p.starts_with("base/secrets"))
    );
}
