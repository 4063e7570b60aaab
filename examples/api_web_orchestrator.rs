//! Seed 001 (ADR 009, "Docker + Kubernetes with Helm"): the API (Fastify, :3001), the Web
//! frontend (Next.js, :3000) and the Orchestrator worker (:3002), each with a Deployment, a
//! Service and a ConfigMap; PostgreSQL 15 with pgvector and Redis 7 as StatefulSets;
//! Prometheus and Grafana; a namespace per environment (dev, staging, production) and
//! zero-downtime rolling updates (a new pod is ready before an old one goes, and a
//! PodDisruptionBudget keeps one serving during node drains).
//!
//! Emitted the way the team deploys it: a Helm chart per environment (`helm upgrade --install`
//! with `--set workloads.api.containers.api.image.tag=$SHA`), the manifests each chart
//! templates to, and a Docker Compose file with the local dependencies only (Postgres, Redis,
//! Prometheus, Grafana — the apps run natively with `pnpm dev`, so every port is published on
//! 127.0.0.1: `Compose::for_host_apps`).
//!
//! ```sh
//! cargo run --example api_web_orchestrator -- --out out/platform [--export-spec FILE]
//! ```
//! writes `helm/<env>/`, `rendered/<env>.yaml`, `compose/` (compose.yaml and the config files
//! it mounts) and `.env.example`.

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, DotEnv, EmitOptions, Environment,
    HorizontalPodAutoscaler, ImageOverride, Ingress, IntOrPercent, Memory, NetworkPolicy, PathType,
    PersistentVolumeClaim, Platform, PodDisruptionBudget, Probe, ProcessEnv, Secret, SecretSource,
    Service, Stack, StatefulSet, Storage, Verdict, Volume, WorkloadRef,
};
use support::{
    GRAFANA_DIGEST, PROMETHEUS_DIGEST, Placeholder, REDIS_DIGEST, UNPINNED, res, write_files,
};

const PROMETHEUS_YML: &str = "\
global:
  scrape_interval: 30s
scrape_configs:
  - job_name: api
    static_configs:
      - targets: ['api:3001']
  - job_name: orchestrator
    static_configs:
      - targets: ['orchestrator:3002']
  - job_name: web
    metrics_path: /api/metrics
    static_configs:
      - targets: ['web:3000']
";

const GRAFANA_DATASOURCES: &str = "\
apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    access: proxy
    url: http://prometheus:9090
    isDefault: true
";

/// One of the three Node.js applications (image from GHCR, config from its ConfigMap).
fn app(name: &str, port: u16, config: &ConfigMap, resources: kubefit::Resources) -> Container {
    Container::new(name, format!("ghcr.io/acme-platform/{name}:1.0.0"))
        .port("http", port)
        .env_from_config_map(config)
        .mount("tmp", "/tmp")
        .resources(resources)
        .readiness(Probe::http("/health/ready", "http"))
        .liveness(Probe::http("/health/live", "http").initial_delay_seconds(10))
}

/// The database password as a file (never an environment variable).
fn with_db(c: Container) -> Container {
    c.env("DATABASE_PASSWORD_FILE", "/run/secrets/postgres/password")
        .mount_read_only("postgres", "/run/secrets/postgres")
}

/// Two replicas, rolled out with zero downtime: one extra pod at a time, none taken down
/// before its successor is ready.
fn deployment(name: &str, c: Container) -> Deployment {
    Deployment::new(name, c)
        .volume(Volume::empty_dir("tmp"))
        .replicas(2)
        .rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(0))
        .suppress("image-not-pinned", UNPINNED)
}

fn postgres(db: &Secret, init: &ConfigMap) -> StatefulSet {
    // PostgreSQL 15 with the pgvector extension (ADR 002).
    support::postgres(
        ("pgvector/pgvector:0.7.4-pg15", None),
        "platform",
        Some("platform"),
        Some(init),
        db,
        res(250, 512, 1000, 1024),
        Storage::gibibytes(20),
    )
    .suppress("image-not-pinned", UNPINNED)
}

fn redis() -> StatefulSet {
    StatefulSet::new(
        "redis",
        // Redis 7: cache and task queue (ADR 003); append-only file for the queue.
        Container::new("redis", "redis:7.4.1")
            .image_digest(REDIS_DIGEST)
            .args(["--appendonly", "yes", "--maxmemory-policy", "noeviction"])
            .port("redis", 6379)
            .resources(res(50, 128, 250, 256))
            .readiness(Probe::exec(["redis-cli", "ping"]))
            .liveness(Probe::tcp("redis"))
            .mount("data", "/data"),
    )
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(5)))
}

fn monitoring(
    prometheus_config: &ConfigMap,
    datasources: &ConfigMap,
    grafana_admin: &Secret,
) -> (StatefulSet, Deployment) {
    let prometheus = StatefulSet::new(
        "prometheus",
        Container::new("prometheus", "prom/prometheus:v2.54.1")
            .image_digest(PROMETHEUS_DIGEST)
            .args([
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=15d",
            ])
            .port("web", 9090)
            .mount_read_only("config", "/etc/prometheus")
            .mount("data", "/prometheus")
            .resources(res(100, 384, 500, 768))
            .readiness(Probe::http("/-/ready", "web"))
            .liveness(Probe::http("/-/healthy", "web")),
    )
    .volume(Volume::config_map("config", prometheus_config))
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(10)));
    let grafana = Deployment::new(
        "grafana",
        Container::new("grafana", "grafana/grafana:11.2.0")
            .image_digest(GRAFANA_DIGEST)
            .port("http", 3000)
            .env(
                "GF_SECURITY_ADMIN_PASSWORD__FILE",
                "/run/secrets/grafana/admin-password",
            )
            .mount_read_only("admin", "/run/secrets/grafana")
            .mount_read_only("datasources", "/etc/grafana/provisioning/datasources")
            .mount("data", "/var/lib/grafana")
            .mount("tmp", "/tmp")
            .resources(res(50, 128, 250, 256))
            .readiness(Probe::http("/api/health", "http"))
            .liveness(Probe::http("/api/health", "http")),
    )
    .volume(Volume::secret("admin", grafana_admin))
    .volume(Volume::config_map("datasources", datasources))
    .volume(Volume::empty_dir("data"))
    .volume(Volume::empty_dir("tmp"))
    .recreate(); // one Grafana at a time on its emptyDir state
    (prometheus, grafana)
}

/// The data stores and monitoring (what `docker compose up` runs locally), and references
/// to postgres, redis and prometheus for the applications' network policies.
fn dependencies(secrets: &dyn SecretSource) -> (Stack, [WorkloadRef; 3]) {
    let db = Secret::new("postgres").entry_from("password", secrets);
    let grafana_admin = Secret::new("grafana-admin").entry_from("admin-password", secrets);
    let init = ConfigMap::new("postgres-init").entry(
        "01-pgvector.sql",
        "CREATE EXTENSION IF NOT EXISTS vector;\n",
    );
    let prometheus_config = ConfigMap::new("prometheus").entry("prometheus.yml", PROMETHEUS_YML);
    let datasources =
        ConfigMap::new("grafana-datasources").entry("prometheus.yaml", GRAFANA_DATASOURCES);
    let postgres = postgres(&db, &init);
    let redis = redis();
    let (prometheus, grafana) = monitoring(&prometheus_config, &datasources, &grafana_admin);
    let refs = [
        WorkloadRef::from(&postgres),
        WorkloadRef::from(&redis),
        WorkloadRef::from(&prometheus),
    ];
    let stack = Stack::new("platform")
        .label("app.kubernetes.io/part-of", "platform")
        .with(NetworkPolicy::allow(&grafana, &prometheus, "web"))
        .with(init)
        .with(prometheus_config)
        .with(datasources)
        .with(db)
        .with(grafana_admin)
        .with(postgres.headless_service())
        .with(redis.headless_service())
        .with(prometheus.headless_service())
        .with(Service::expose(&grafana))
        .with(postgres)
        .with(redis)
        .with(prometheus)
        .with(grafana);
    (stack, refs)
}

/// The whole stack: the dependencies plus the three applications.
fn stack(secrets: &dyn SecretSource) -> Stack {
    let db = Secret::new("postgres");
    let api_config = ConfigMap::new("api-config")
        .entry("PORT", "3001")
        .entry("NODE_ENV", "production")
        .entry("DATABASE_URL", "postgres://platform@postgres:5432/platform")
        .entry("REDIS_URL", "redis://redis:6379/0")
        .entry("LOG_LEVEL", "info");
    let web_config = ConfigMap::new("web-config")
        .entry("PORT", "3000")
        .entry("NODE_ENV", "production")
        .entry("API_URL", "http://api:3001")
        .entry("NEXT_TELEMETRY_DISABLED", "1");
    let orchestrator_config = ConfigMap::new("orchestrator-config")
        .entry("PORT", "3002")
        .entry("NODE_ENV", "production")
        .entry("API_URL", "http://api:3001")
        .entry("DATABASE_URL", "postgres://platform@postgres:5432/platform")
        .entry("REDIS_URL", "redis://redis:6379/1")
        .entry("QUEUE_CONCURRENCY", "4");
    let api = deployment(
        "api",
        with_db(app("api", 3001, &api_config, res(100, 192, 500, 384))),
    )
    .volume(Volume::secret("postgres", &db));
    // Next.js writes its cache under .next/cache; the root filesystem stays read-only.
    let web = deployment(
        "web",
        app("web", 3000, &web_config, res(100, 256, 500, 512))
            .mount("next-cache", "/app/.next/cache"),
    )
    .volume(Volume::empty_dir("next-cache"));
    let orchestrator = deployment(
        "orchestrator",
        with_db(app(
            "orchestrator",
            3002,
            &orchestrator_config,
            res(100, 256, 500, 512),
        )),
    )
    .volume(Volume::secret("postgres", &db))
    .replicas(1)
    .recreate(); // one worker owns the schedule; the queue absorbs the gap
    let (deps, [postgres, redis, prometheus]) = dependencies(secrets);

    let api_svc = Service::expose(&api);
    let web_svc = Service::expose(&web);
    let ingress = Ingress::new("platform")
        .class("nginx")
        .annotation("cert-manager.io/cluster-issuer", "letsencrypt")
        .route(
            "app.example.com",
            "/api",
            PathType::Prefix,
            &api_svc,
            "http",
        )
        .route("app.example.com", "/", PathType::Prefix, &web_svc, "http")
        .tls(["app.example.com"], "app-example-com-tls");
    deps.with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&web))
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&api))
        .with(NetworkPolicy::allow(&web, &api, "http"))
        .with(NetworkPolicy::allow(&orchestrator, &api, "http"))
        .with(NetworkPolicy::allow(&api, postgres.clone(), "postgres"))
        .with(NetworkPolicy::allow(&orchestrator, postgres, "postgres"))
        .with(NetworkPolicy::allow(&api, redis.clone(), "redis"))
        .with(NetworkPolicy::allow(&orchestrator, redis, "redis"))
        .with(NetworkPolicy::allow(prometheus.clone(), &api, "http"))
        .with(NetworkPolicy::allow(prometheus.clone(), &web, "http"))
        .with(NetworkPolicy::allow(prometheus, &orchestrator, "http"))
        .with(api_config)
        .with(web_config)
        .with(orchestrator_config)
        .with(api_svc)
        .with(web_svc)
        .with(Service::expose(&orchestrator))
        .with(HorizontalPodAutoscaler::new(&api, 2, 4).cpu_utilization(70))
        // maxUnavailable 1, not minAvailable 1: the dev and staging overlays run one replica,
        // which a minAvailable of 1 would keep from ever being evicted (pdb-blocks-drain).
        .with(PodDisruptionBudget::new(&api).max_unavailable(IntOrPercent::Count(1)))
        .with(PodDisruptionBudget::new(&web).max_unavailable(IntOrPercent::Count(1)))
        .with(ingress)
        .with(api)
        .with(web)
        .with(orchestrator)
}

/// One namespace per environment; production scales the API with an autoscaler whose
/// maximum the budget counts.
fn environments() -> Vec<Environment> {
    let tag = ImageOverride::tag;
    let apps = [
        "ghcr.io/acme-platform/api",
        "ghcr.io/acme-platform/web",
        "ghcr.io/acme-platform/orchestrator",
    ];
    let mut dev = Environment::new("dev")
        .namespace("platform-dev")
        .label("environment", "dev")
        .replicas("api", 1)
        .replicas("web", 1)
        .autoscale("api", 1, 2)
        .env_value("api", "api", "LOG_LEVEL", "debug")
        .host("platform", "app.example.com", "dev.app.example.com")
        .tls_secret("platform", "app-example-com-tls", "dev-app-example-com-tls")
        .platform(Platform::k3s(
            Cpu::cores(4),
            Memory::gibibytes(8),
            0,
            Cpu::ZERO,
            Memory::ZERO,
        ));
    for image in apps {
        dev = dev.image(image, tag("main"));
    }
    let staging = Environment::new("staging")
        .namespace("platform-staging")
        .label("environment", "staging")
        .host("platform", "app.example.com", "staging.app.example.com")
        .tls_secret(
            "platform",
            "app-example-com-tls",
            "staging-app-example-com-tls",
        )
        .platform(Platform::gke_e2_standard_2(2));
    let production = Environment::new("production")
        .namespace("platform-production")
        .label("environment", "production")
        .replicas("api", 3)
        .replicas("web", 3)
        .autoscale("api", 3, 6)
        .resources("api", "api", res(250, 256, 500, 512))
        .resources("postgres", "postgres", res(500, 1024, 2000, 2048))
        .platform(Platform::gke_e2_standard_2(3));
    vec![dev, staging, production]
}

fn main() -> ExitCode {
    let (out, export) = match support::out_and_export(
        "out/platform",
        "api_web_orchestrator [--out DIR] [--export-spec FILE]",
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let secrets = (
        DotEnv::load(".env").unwrap_or_default(),
        (ProcessEnv, Placeholder),
    );
    let stack = stack(&secrets);
    let envs = environments();
    if let Err(code) = support::export_spec(export.as_deref(), &stack, &envs, None) {
        return code;
    }
    // Secret values go in through `.env` at deploy time (`--set-file` or a pre-created
    // Secret); the charts carry no plaintext.
    let options = EmitOptions::new();
    let mut files = Vec::new();
    for env in &envs {
        let report = stack.check_environment(env);
        println!("== {} ==\n{report}\n", env.name());
        if report.has_errors() || report.fit().map(|f| f.verdict()) == Some(Verdict::DoesNotFit) {
            return ExitCode::from(1);
        }
        let rendered = stack.render(env);
        let chart = match kubefit::HelmChart::new(&rendered, &options) {
            Ok(c) => c.app_version("1.0.0").description(format!(
                "API, Web and Orchestrator with Postgres, Redis and monitoring ({})",
                env.name()
            )),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        };
        for (p, c) in chart.files() {
            if !p.starts_with('.') {
                files.push((format!("helm/{}/{p}", env.name()), c.clone()));
            }
        }
        match rendered.emit(&options).and_then(|m| m.to_yaml()) {
            Ok(y) => files.push((format!("rendered/{}.yaml", env.name()), y)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    // The apps run on the host: the dependencies' ports are published on 127.0.0.1.
    match kubefit::Compose::for_host_apps(&dependencies(&secrets).0).map(|c| c.files()) {
        Ok(c) => files.extend(c.into_iter().map(|(p, c)| (format!("compose/{p}"), c))),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    }
    // The variables the Secrets read, for a local `.env` (emitting checks the stack again).
    match stack.emit(&EmitOptions::new()) {
        Ok(m) => files.extend(
            m.env_example()
                .map(|e| (".env.example".to_owned(), e.to_owned())),
        ),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    }
    if let Err(e) = write_files(&out, &files) {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!(
        "wrote {} files to {}/ (helm upgrade --install platform {}/helm/production)",
        files.len(),
        out.display(),
        out.display()
    );
    ExitCode::SUCCESS
}
