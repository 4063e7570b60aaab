//! Every rule fires on a stack made to break it and stays quiet on the fixed stack;
//! suppressions keep findings visible, marked with their reason.

mod common;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, EmitOptions, Ingress, Memory, NetworkPolicy, PathType,
    PodDisruptionBudget, Probe, Resources, Secret, SecretValue, Service, Severity, Stack, Volume,
};

const IMAGE: &str = "nginxinc/nginx-unprivileged:1.27-alpine";
const DIGEST: &str = "sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0";

fn res() -> Resources {
    Resources::new()
        .requests(Cpu::millis(100), Memory::mebibytes(128))
        .limits(Cpu::millis(250), Memory::mebibytes(256))
}

/// A container no rule complains about.
fn good() -> Container {
    Container::new("web", IMAGE)
        .image_digest(DIGEST)
        .port("http", 8080)
        .resources(res())
        .readiness(Probe::http("/", "http"))
        .liveness(Probe::http("/", "http"))
}

fn stack_with(d: Deployment) -> Stack {
    Stack::new("shop")
        .with(NetworkPolicy::default_deny())
        .with(d)
}

fn web(c: Container) -> Deployment {
    Deployment::new("web", c)
}

/// (bad, good) stacks for each rule.
fn case(id: &str) -> (Stack, Stack) {
    let ok = stack_with(web(good()));
    match id {
        "cpu-request-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .memory_request_of(Memory::mebibytes(64))
                    .memory_limit_of(Memory::mebibytes(64)),
            ))),
            ok,
        ),
        "cpu-limit-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(64))
                    .memory_limit_of(Memory::mebibytes(64)),
            ))),
            ok,
        ),
        "memory-request-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .cpu_request_of(Cpu::millis(100))
                    .cpu_limit_of(Cpu::millis(100)),
            ))),
            ok,
        ),
        "memory-limit-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(64))
                    .cpu_limit_of(Cpu::millis(100)),
            ))),
            ok,
        ),
        "request-exceeds-limit" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(500), Memory::mebibytes(64))
                    .limits(Cpu::millis(250), Memory::mebibytes(64)),
            ))),
            ok,
        ),
        "image-tag-mutable" => (
            stack_with(web(good().clone_with_image("nginx:latest"))),
            stack_with(web(good().clone_with_image("nginx:1.27"))),
        ),
        "image-not-pinned" => (stack_with(web(good().clone_with_image("nginx:1.27"))), ok),
        "runs-as-root" => (stack_with(web(good().run_as_user(0))), ok),
        "writable-root-filesystem" => (stack_with(web(good().writable_root_filesystem())), ok),
        "privilege-escalation-allowed" => {
            (stack_with(web(good().allow_privilege_escalation())), ok)
        }
        "privileged-container" => (stack_with(web(good().privileged())), ok),
        "capabilities-not-dropped" => (stack_with(web(good().keep_default_capabilities())), ok),
        "dangerous-capability" => (
            stack_with(web(good().add_capability("NET_ADMIN"))),
            stack_with(web(good().add_capability("NET_BIND_SERVICE"))),
        ),
        "seccomp-not-runtime-default" => (stack_with(web(good()).seccomp_unconfined()), ok),
        "host-namespace" => (stack_with(web(good()).host_network()), ok),
        "host-path-volume" => (
            stack_with(
                web(good().mount("logs", "/logs")).volume(Volume::host_path("logs", "/var/log")),
            ),
            stack_with(web(good().mount("logs", "/logs")).volume(Volume::empty_dir("logs"))),
        ),
        "liveness-probe-missing" => (
            stack_with(web(Container::new("web", IMAGE)
                .image_digest(DIGEST)
                .port("http", 8080)
                .resources(res())
                .readiness(Probe::http("/", "http")))),
            ok,
        ),
        "readiness-probe-missing" => (
            stack_with(web(Container::new("web", IMAGE)
                .image_digest(DIGEST)
                .port("http", 8080)
                .resources(res())
                .liveness(Probe::http("/", "http")))),
            ok,
        ),
        "probe-port-mismatch" => (stack_with(web(good().startup(Probe::tcp(9999)))), ok),
        "service-selects-nothing" => {
            let w = web(good());
            (
                stack_with(w.clone()).with(
                    Service::new("web")
                        .selector_label("app", "nope")
                        .port("http", 80, "http"),
                ),
                stack_with(w.clone()).with(Service::expose(&w)),
            )
        }
        "target-port-mismatch" => {
            let w = web(good());
            (
                stack_with(w.clone())
                    .with(Service::new("web").select(&w).port("http", 80, "https")),
                stack_with(w.clone()).with(Service::new("web").select(&w).port("http", 80, "http")),
            )
        }
        "dangling-service" | "ingress-port-mismatch" => {
            let w = web(good());
            let svc = Service::expose(&w);
            let port = if id == "ingress-port-mismatch" {
                "https"
            } else {
                "http"
            };
            let bad = stack_with(w.clone()).with(Ingress::new("web").route(
                "",
                "/",
                PathType::Prefix,
                &svc,
                port,
            ));
            let bad = if id == "ingress-port-mismatch" {
                bad.with(svc.clone())
            } else {
                bad
            };
            (
                bad,
                stack_with(w.clone())
                    .with(svc.clone())
                    .with(Ingress::new("web").route("", "/", PathType::Prefix, &svc, "http")),
            )
        }
        "selector-mismatch" => (
            stack_with(web(good()).selector_label("tier", "web")),
            stack_with(
                web(good())
                    .selector_label("tier", "web")
                    .pod_label("tier", "web"),
            ),
        ),
        "pdb-missing" | "anti-affinity-missing" => {
            let w = web(good()).replicas(3);
            let good_w = w.clone().one_replica_per_node();
            (
                stack_with(w),
                stack_with(good_w.clone()).with(PodDisruptionBudget::new(&good_w)),
            )
        }
        "reserved-namespace" => (
            Stack::new("default")
                .with(NetworkPolicy::default_deny())
                .with(web(good())),
            ok,
        ),
        "literal-secret-in-env" => (stack_with(web(good().env("DB_PASSWORD", "hunter2"))), ok),
        "secret-as-env" => {
            let s = Secret::new("db").entry("password", SecretValue::new("x"));
            (
                stack_with(web(good().env_from_secret_key(
                    "DB_PASSWORD",
                    &s,
                    "password",
                )))
                .with(s.clone()),
                stack_with(
                    web(good()
                        .env("DB_PASSWORD_FILE", "/run/secrets/db/password")
                        .mount_read_only("db", "/run/secrets/db"))
                    .volume(Volume::secret("db", &s)),
                )
                .with(s),
            )
        }
        "service-account-token-mounted" => (
            stack_with(web(good()).automount_service_account_token()),
            ok,
        ),
        "network-policy-missing" => (Stack::new("shop").with(web(good())), ok),
        "dangling-config-map" | "missing-config-map-key" => {
            let cfg = ConfigMap::new("cfg").entry("url", "http://x");
            let bad = if id == "dangling-config-map" {
                stack_with(web(good().env_from_config_map(&cfg)))
            } else {
                stack_with(web(good().env_from_config_map_key("URL", &cfg, "nope")))
                    .with(cfg.clone())
            };
            (
                bad,
                stack_with(web(good().env_from_config_map_key("URL", &cfg, "url"))).with(cfg),
            )
        }
        "dangling-secret" | "missing-secret-key" => {
            let s = Secret::new("db").entry("password", SecretValue::new("x"));
            let bad = if id == "dangling-secret" {
                stack_with(
                    web(good().mount_read_only("db", "/run/db")).volume(Volume::secret("db", &s)),
                )
            } else {
                stack_with(web(good().env_from_secret_key("PW", &s, "pasword"))).with(s.clone())
            };
            (
                bad,
                stack_with(
                    web(good().mount_read_only("db", "/run/db")).volume(Volume::secret("db", &s)),
                )
                .with(s),
            )
        }
        other => panic!("no test case for rule {other}: add one"),
    }
}

trait WithImage {
    fn clone_with_image(self, image: &str) -> Self;
}
impl WithImage for Container {
    fn clone_with_image(self, image: &str) -> Self {
        let mut fresh = Container::new("web", image)
            .port("http", 8080)
            .resources(res())
            .readiness(Probe::http("/", "http"))
            .liveness(Probe::http("/", "http"));
        if image.contains('@') {
            fresh = fresh.image_digest(DIGEST);
        }
        fresh
    }
}

fn ids(stack: &Stack) -> Vec<String> {
    stack
        .check()
        .diagnostics()
        .iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| d.id.to_string())
        .collect()
}

#[test]
fn every_rule_fires_on_its_bad_stack() {
    for rule in kubefit::rules() {
        let (bad, _) = case(rule.id);
        assert!(
            ids(&bad).iter().any(|i| i == rule.id),
            "{} did not fire:\n{}",
            rule.id,
            bad.check()
        );
    }
}

#[test]
fn every_rule_is_quiet_on_its_good_stack() {
    for rule in kubefit::rules() {
        let (_, good) = case(rule.id);
        assert!(
            !ids(&good).iter().any(|i| i == rule.id),
            "{} fired on the good stack:\n{}",
            rule.id,
            good.check()
        );
    }
}

#[test]
fn there_are_at_least_25_rules_with_full_documentation() {
    let rules = kubefit::rules();
    assert!(rules.len() >= 25);
    let mut seen = std::collections::BTreeSet::new();
    for r in rules {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        assert!(
            r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            r.id
        );
        assert!(
            !r.rationale.is_empty() && !r.fix.is_empty() && !r.bad.is_empty() && !r.good.is_empty()
        );
    }
    // The three checks no other tool makes before deploy.
    for id in [
        "request-exceeds-limit",
        "target-port-mismatch",
        "missing-config-map-key",
    ] {
        let r = kubefit::rule(id).unwrap();
        assert!(r.kube_linter.is_empty() && r.polaris.is_empty() && r.checkov.is_empty());
    }
}

#[test]
fn rules_reference_page_is_current() {
    let path = common::repo_root().join("docs/rules.md");
    let generated = kubefit::rules_markdown();
    if std::env::var_os("KUBEFIT_UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("docs/rules.md exists");
    assert_eq!(
        committed, generated,
        "docs/rules.md is stale: rerun with KUBEFIT_UPDATE_SCHEMAS=1"
    );
}

#[test]
fn suppressed_findings_stay_visible_with_their_reason() {
    let d = web(good())
        .replicas(2)
        .one_replica_per_node()
        .suppress("pdb-missing", "drained by hand, never automatically");
    let stack = stack_with(d);
    let report = stack.check();
    let found: Vec<_> = report.with_id("pdb-missing").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].suppressed.as_deref(),
        Some("drained by hand, never automatically")
    );
    let text = report.to_string();
    assert!(
        text.contains("suppressed info[pdb-missing] deployment/web"),
        "{text}"
    );
    assert!(
        text.contains("(suppressed: drained by hand, never automatically)"),
        "{text}"
    );
    assert!(text.contains("1 suppressed"), "{text}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["suppressed"] == "drained by hand, never automatically")
    );
}

#[test]
fn suppressed_errors_and_warnings_do_not_count() {
    let stack = stack_with(
        web(good().run_as_user(0)).suppress("runs-as-root", "the image needs uid 0 for now"),
    );
    let report = stack.check();
    assert_eq!(report.warning_count(), 0, "{report}");
    let found: Vec<_> = report.with_id("runs-as-root").collect();
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(
        found[0].suppressed.as_deref(),
        Some("the image needs uid 0 for now")
    );
}

#[test]
fn stack_wide_suppression_and_its_checkov_annotation() {
    let stack = Stack::new("shop")
        .suppress(
            "network-policy-missing",
            "policies live in the platform repo",
        )
        .with(web(good()));
    let report = stack.check();
    assert_eq!(report.warning_count(), 0, "{report}");
    assert_eq!(
        report
            .with_id("network-policy-missing")
            .next()
            .unwrap()
            .suppressed
            .as_deref(),
        Some("policies live in the platform repo")
    );
    let yaml = stack.emit(&EmitOptions::new()).unwrap().to_yaml().unwrap();
    assert!(
        yaml.contains("checkov.io/skip1: CKV2_K8S_6=policies live in the platform repo"),
        "{yaml}"
    );
}

#[test]
fn suppressions_need_a_known_rule_and_a_reason() {
    let stack = stack_with(
        web(good())
            .suppress("no-such-rule", "x")
            .suppress("pdb-missing", " "),
    );
    let report = stack.check();
    assert_eq!(report.with_id("unknown-rule").count(), 1, "{report}");
    assert_eq!(
        report.with_id("suppression-without-reason").count(),
        1,
        "{report}"
    );
    assert!(report.has_errors());
}

#[test]
fn lint_findings_have_the_severity_of_their_rule() {
    let (bad, _) = case("privileged-container");
    let d = bad
        .check()
        .with_id("privileged-container")
        .next()
        .cloned()
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.path,
        "spec.template.spec.containers[0].securityContext.privileged"
    );
}
