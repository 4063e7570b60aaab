//! Seed 000 (ADR 006, "Chase Sets"): one namespace per environment, the web app as static
//! assets behind NGINX Ingress, the API and projector workers, Postgres (event store and
//! projections), OpenSearch, optional Redis — emitted as a Kustomize base with dev, staging
//! and prod overlays, each checked (prod against its own platform) and rendered in-process.
//!
//! ```sh
//! cargo run --example chase_sets -- --out out/chase-sets [--with-redis] [--age-recipient age1…]
//! ```
//! writes `kustomize/` (base + overlays), `rendered/<env>.yaml` (what each overlay builds)
//! and `.env.example`.

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, DotEnv, EmitOptions, Environment,
    HorizontalPodAutoscaler, ImageOverride, Ingress, IntOrPercent, Memory, NetworkPolicy, PathType,
    PersistentVolumeClaim, Platform, PodDisruptionBudget, Probe, ProcessEnv, Resources, Secret,
    SecretSource, Service, SopsConfig, Stack, StatefulSet, Storage, Verdict, Volume,
};
use support::{POSTGRES_DIGEST, Placeholder, REDIS_DIGEST, UNPINNED, res, write_files};

fn stack(with_redis: bool, secrets: &dyn SecretSource) -> Stack {
    let db = Secret::new("postgres").entry_from("password", secrets);
    let search = Secret::new("opensearch").entry_from("admin-password", secrets);
    let config = ConfigMap::new("api-config")
        .entry("EVENT_STORE_URL", "postgres://chase@postgres:5432/events")
        .entry(
            "PROJECTIONS_URL",
            "postgres://chase@postgres:5432/projections",
        )
        .entry("SEARCH_URL", "https://opensearch:9200")
        .entry("LOG_LEVEL", "info");
    let init_sql = ConfigMap::new("postgres-init").entry(
        "01-databases.sql",
        "CREATE DATABASE events;\nCREATE DATABASE projections;\n",
    );

    // Static assets for the CDN origin, served by an unprivileged nginx.
    let web = Deployment::new(
        "web",
        Container::new("web", "ghcr.io/chase-sets/web:0.1.0")
            .port("http", 8080)
            .resources(res(25, 32, 100, 64))
            .readiness(Probe::http("/", "http"))
            .liveness(Probe::http("/", "http"))
            .mount("tmp", "/tmp"),
    )
    .volume(Volume::empty_dir("tmp"));
    let api = Deployment::new(
        "api",
        Container::new("api", "ghcr.io/chase-sets/api:0.1.0")
            .port("http", 8080)
            .env_from_config_map(&config)
            .env("DATABASE_PASSWORD_FILE", "/run/secrets/postgres/password")
            .mount_read_only("postgres", "/run/secrets/postgres")
            .resources(res(100, 128, 500, 256))
            .readiness(Probe::http("/ready", "http"))
            .liveness(Probe::http("/healthz", "http")),
    )
    .volume(Volume::secret("postgres", &db));
    // Projectors consume the event store directly (ADR 008: no stream transport in MVP).
    let projector = Deployment::new(
        "projector",
        Container::new("projector", "ghcr.io/chase-sets/projector:0.1.0")
            .port("metrics", 9464)
            .env_from_config_map(&config)
            .env("DATABASE_PASSWORD_FILE", "/run/secrets/postgres/password")
            .mount_read_only("postgres", "/run/secrets/postgres")
            .resources(res(50, 128, 250, 256))
            .readiness(Probe::http("/ready", "metrics"))
            .liveness(Probe::http("/healthz", "metrics")),
    )
    .volume(Volume::secret("postgres", &db))
    .recreate(); // one projector per projection at a time: no surge
    let postgres = support::postgres(
        ("postgres:16.4", Some(POSTGRES_DIGEST)),
        "chase",
        None,
        Some(&init_sql),
        &db,
        res(250, 512, 1000, 1024),
        Storage::gibibytes(20),
    );
    // OpenSearch as its image starts (opensearch-build's opensearch-docker-entrypoint-2.x.sh):
    // the entrypoint reads the admin password only from OPENSEARCH_INITIAL_ADMIN_PASSWORD (it
    // has no `_FILE` form), so a shell reads the mounted Secret into the entrypoint's own
    // environment — the value is never in the manifest. The demo security setup writes
    // certificates and opensearch.yml into config/ and the performance analyzer writes
    // logs/: under a read-only root, config/ is a copy of the image's own on an emptyDir
    // (made by an init container from the same image) and logs/ an emptyDir. It runs as the
    // image's opensearch user (uid 1000), which owns /usr/share/opensearch.
    const OPENSEARCH: &str = "opensearchproject/opensearch:2.17.1";
    let copy_config = Container::new("config", OPENSEARCH)
        .command(["cp", "-a", "/usr/share/opensearch/config/.", "/config/"])
        .mount("config", "/config")
        .resources(res(10, 32, 100, 64))
        .run_as_user(1000);
    let opensearch = StatefulSet::new(
        "opensearch",
        Container::new("opensearch", OPENSEARCH)
            .command([
                "bash",
                "-c",
                "export OPENSEARCH_INITIAL_ADMIN_PASSWORD=\"$(cat /run/secrets/opensearch/admin-password)\" && exec /usr/share/opensearch/opensearch-docker-entrypoint.sh opensearch",
            ])
            .port("http", 9200)
            .port("transport", 9300)
            .env("discovery.type", "single-node")
            .env("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
            .mount_read_only("opensearch", "/run/secrets/opensearch")
            .mount("config", "/usr/share/opensearch/config")
            .mount("logs", "/usr/share/opensearch/logs")
            .mount("data", "/usr/share/opensearch/data")
            .mount("tmp", "/tmp")
            .resources(res(250, 1024, 1000, 1536))
            .readiness(Probe::tcp("http"))
            .liveness(Probe::tcp("transport").initial_delay_seconds(60))
            .run_as_user(1000),
    )
    .init_container(copy_config)
    .volume(Volume::secret("opensearch", &search))
    .volume(Volume::empty_dir("config"))
    .volume(Volume::empty_dir("logs"))
    .volume(Volume::empty_dir("tmp"))
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(20)))
    .suppress(
        "runs-as-root",
        "uid 1000 is the image's opensearch user, which owns /usr/share/opensearch",
    );

    let web_svc = Service::expose(&web);
    let api_svc = Service::expose(&api);
    let ingress = Ingress::new("chase-sets")
        .class("nginx")
        .annotation("cert-manager.io/cluster-issuer", "letsencrypt")
        .route(
            "chasesets.example.com",
            "/api",
            PathType::Prefix,
            &api_svc,
            "http",
        )
        .route(
            "chasesets.example.com",
            "/",
            PathType::Prefix,
            &web_svc,
            "http",
        )
        .tls(["chasesets.example.com"], "chasesets-example-com-tls");

    // The images without a recorded digest (support::UNPINNED says why).
    let unpinned = |d: Deployment| d.suppress("image-not-pinned", UNPINNED);
    let (web, api, projector) = (unpinned(web), unpinned(api), unpinned(projector));
    let opensearch = opensearch.suppress("image-not-pinned", UNPINNED);
    let mut s = Stack::new("chase-sets")
        .label("app.kubernetes.io/part-of", "chase-sets")
        .with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&web))
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&api))
        .with(NetworkPolicy::allow(&api, &postgres, "postgres"))
        .with(NetworkPolicy::allow(&projector, &postgres, "postgres"))
        .with(NetworkPolicy::allow(&api, &opensearch, "http"))
        .with(NetworkPolicy::allow(&projector, &opensearch, "http"))
        .with(config)
        .with(init_sql)
        .with(db)
        .with(search)
        .with(web_svc)
        .with(api_svc)
        .with(postgres.headless_service())
        .with(opensearch.headless_service())
        .with(HorizontalPodAutoscaler::new(&api, 1, 3).cpu_utilization(70))
        // maxUnavailable 1, not minAvailable 1: the dev overlay runs one replica, which a
        // minAvailable of 1 would keep from ever being evicted (pdb-blocks-drain).
        .with(PodDisruptionBudget::new(&api).max_unavailable(IntOrPercent::Count(1)))
        .with(ingress);
    if with_redis {
        let redis = StatefulSet::new(
            "redis",
            Container::new("redis", "redis:7.4.1")
                .image_digest(REDIS_DIGEST)
                .port("redis", 6379)
                .resources(res(50, 64, 250, 256))
                .readiness(Probe::exec(["redis-cli", "ping"]))
                .liveness(Probe::tcp("redis"))
                .mount("data", "/data"),
        )
        .volume(Volume::empty_dir("data"));
        s = s
            .with(NetworkPolicy::allow(&api, &redis, "redis"))
            .with(redis.headless_service())
            .with(redis);
    }
    s.with(web)
        .with(api)
        .with(projector)
        .with(postgres)
        .with(opensearch)
}

/// dev, staging and prod: a namespace each, image tags, replicas, resources, hosts, HPA bounds.
fn environments() -> Vec<Environment> {
    let api = "ghcr.io/chase-sets/api";
    vec![
        Environment::new("dev")
            .namespace("chase-sets-dev")
            .label("environment", "dev")
            .image(api, ImageOverride::tag("main"))
            .env_value("api", "api", "LOG_LEVEL", "debug")
            .host(
                "chase-sets",
                "chasesets.example.com",
                "dev.chasesets.example.com",
            )
            .platform(Platform::k3s(
                Cpu::cores(4),
                Memory::gibibytes(8),
                0,
                Cpu::ZERO,
                Memory::ZERO,
            )),
        Environment::new("staging")
            .namespace("chase-sets-staging")
            .label("environment", "staging")
            .replicas("api", 2)
            .host(
                "chase-sets",
                "chasesets.example.com",
                "staging.chasesets.example.com",
            )
            .platform(Platform::gke_e2_standard_2(2)),
        Environment::new("prod")
            .namespace("chase-sets-prod")
            .label("environment", "prod")
            .replicas("api", 3)
            .replicas("web", 2)
            .autoscale("api", 3, 8)
            .resources(
                "api",
                "api",
                Resources::new()
                    .requests(Cpu::millis(250), Memory::mebibytes(256))
                    .limits(Cpu::cores(1), Memory::mebibytes(512)),
            )
            .resources(
                "opensearch",
                "opensearch",
                Resources::new()
                    .requests(Cpu::millis(500), Memory::gibibytes(2))
                    .limits(Cpu::cores(2), Memory::gibibytes(3)),
            )
            .env_value(
                "opensearch",
                "opensearch",
                "OPENSEARCH_JAVA_OPTS",
                "-Xms1g -Xmx1g",
            )
            .platform(Platform::gke_e2_standard_2(3)),
    ]
}

fn main() -> ExitCode {
    let mut out = std::path::PathBuf::from("out/chase-sets");
    let mut with_redis = false;
    let mut recipients = Vec::new();
    let mut export = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--with-redis" => with_redis = true,
            "--out" | "--age-recipient" | "--export-spec" => match args.next() {
                Some(v) if arg == "--out" => out = v.into(),
                Some(v) if arg == "--export-spec" => export = Some(v),
                Some(v) => recipients.push(v),
                None => return usage(),
            },
            _ => return usage(),
        }
    }
    let stack = stack(
        with_redis,
        &(
            DotEnv::load(".env").unwrap_or_default(),
            (ProcessEnv, Placeholder),
        ),
    );
    let envs = environments();
    if let Err(code) = support::export_spec(export.as_deref(), &stack, &envs, None) {
        return code;
    }
    let mut options = EmitOptions::new();
    if !recipients.is_empty() {
        options = options.encrypt_secrets(SopsConfig::new(recipients));
    }
    let mut files = Vec::new();
    for env in &envs {
        let report = stack.check_environment(env);
        println!("== {} ==\n{report}\n", env.name());
        if report.has_errors() {
            return ExitCode::from(1);
        }
        if report.fit().map(|f| f.verdict()) == Some(Verdict::DoesNotFit) {
            return ExitCode::from(1);
        }
        match stack
            .render(env)
            .emit(&EmitOptions::new())
            .and_then(|m| m.to_yaml())
        {
            Ok(y) => files.push((format!("rendered/{}.yaml", env.name()), y)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let tree = match kubefit::KustomizeTree::new(&stack, &envs, &options) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    for (p, c) in tree.files() {
        let p = if p.starts_with('.') {
            p.clone()
        } else {
            format!("kustomize/{p}")
        };
        files.push((p, c.clone()));
    }
    let written = files.len();
    let dir = out.clone();
    if let Err(e) = write_files(&dir, &files) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    println!(
        "wrote {written} files to {}/ (kubectl kustomize {}/kustomize/overlays/prod)",
        out.display(),
        out.display()
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: chase_sets [--out DIR] [--with-redis] [--age-recipient age1…]... [--export-spec FILE]"
    );
    ExitCode::from(2)
}
