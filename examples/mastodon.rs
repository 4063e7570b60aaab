//! A Mastodon-like stack on three small k3s VMs (one server, two agents; 2 cores and 4 GiB
//! each): web (Puma) with an autoscaler, streaming, Sidekiq workers, PostgreSQL, Redis and
//! OpenSearch (whose node setting needs a privileged sysctl init container), an Ingress with
//! TLS, a migration Job that is created before the web rollout, a daily media-cleanup
//! CronJob and a log-shipping DaemonSet on every node. Not one of the seeds: the model-reach
//! proof. It prints the check and the budget (the Job's, the CronJob's and the DaemonSet's
//! pods counted) and writes the manifests, a Helm chart and a Kustomize base.
//!
//! ```sh
//! cargo run --example mastodon -- --out out/mastodon [--export-spec FILE]
//! ```

mod support;

use std::process::ExitCode;

use kubefit::{
    ConcurrencyPolicy, ConfigMap, Container, Cpu, CronJob, DaemonSet, Deployment, DotEnv,
    EmitOptions, HelmChart, Hook, HorizontalPodAutoscaler, HostPathType, Ingress, Job,
    KustomizeTree, Memory, NetworkPolicy, PathType, PodDisruptionBudget, PriorityClass, Probe,
    ProcessEnv, Secret, SecretSource, Service, ServiceAccount, Stack, StatefulSet, Storage,
    Toleration, TopologySpread, Verdict, Volume,
};
use support::{Placeholder, REDIS_DIGEST, res};

const MASTODON: &str = "ghcr.io/mastodon/mastodon:v4.3.2";
const STREAMING: &str = "ghcr.io/mastodon/mastodon-streaming:v4.3.2";
const OPENSEARCH: &str = "opensearchproject/opensearch:2.17.1";
const FLUENT_BIT: &str = "cr.fluentbit.io/fluent/fluent-bit:3.1.9";
const BUSYBOX: &str = "busybox:1.36.1";

/// The Rails environment every Mastodon process reads.
fn env(secrets: &dyn SecretSource) -> (ConfigMap, Secret) {
    let config = ConfigMap::new("mastodon-env")
        .entry("LOCAL_DOMAIN", "social.example.com")
        .entry("RAILS_ENV", "production")
        .entry("DB_HOST", "postgres")
        .entry("DB_NAME", "mastodon")
        .entry("DB_USER", "mastodon")
        .entry("REDIS_HOST", "redis")
        .entry("ES_ENABLED", "true")
        .entry("ES_HOST", "opensearch")
        .entry("ES_PORT", "9200")
        .entry("STREAMING_API_BASE_URL", "wss://social.example.com");
    let secret = Secret::new("mastodon-secrets")
        .entry_from("SECRET_KEY_BASE", secrets)
        .entry_from("OTP_SECRET", secrets)
        .entry_from("DB_PASS", secrets);
    (config, secret)
}

/// A Mastodon process: the shared image, environment and a writable `/tmp`, as the image's
/// own `mastodon` user (uid 991, which owns the app's files).
fn rails(name: &str, image: &str, config: &ConfigMap, secret: &Secret) -> Container {
    Container::new(name, image)
        .env_from_config_map(config)
        .env_from_secret(secret)
        .mount("tmp", "/tmp")
        .run_as_user(MASTODON_UID)
}

/// The uid of the image's `mastodon` user.
const MASTODON_UID: i64 = 991;
const UID_REASON: &str = "the image's mastodon user (991) owns the app's files";

/// The stack and the platform it is budgeted on.
fn stack(secrets: &dyn SecretSource) -> Stack {
    let (config, secret) = env(secrets);
    let account = ServiceAccount::new("mastodon");
    let critical = PriorityClass::new("mastodon-data", 100_000);
    let tmp = || Volume::empty_dir("tmp").size_limit(Memory::mebibytes(256));

    let db_secret = Secret::new("postgres").entry_from("password", secrets);
    let postgres = support::postgres(
        ("postgres:16.4", Some(support::POSTGRES_DIGEST)),
        "mastodon",
        Some("mastodon"),
        None,
        &db_secret,
        res(250, 512, 1000, 1024),
        Storage::gibibytes(20),
    )
    .priority_class("mastodon-data");
    let redis = StatefulSet::new(
        "redis",
        Container::new("redis", "redis:7.4.1")
            .image_digest(REDIS_DIGEST)
            .port("redis", 6379)
            .resources(res(100, 128, 250, 256))
            .readiness(Probe::exec(["redis-cli", "ping"]))
            .liveness(Probe::tcp("redis"))
            .mount("data", "/data"),
    )
    .volume_claim(kubefit::PersistentVolumeClaim::new(
        "data",
        Storage::gibibytes(2),
    ))
    .priority_class("mastodon-data");
    // OpenSearch needs vm.max_map_count ≥ 262144 on its node: a privileged init container
    // sets it (the only privileged code in the stack), then the server runs unprivileged.
    let sysctl = Container::new("sysctl", BUSYBOX)
        .command(["sysctl", "-w", "vm.max_map_count=262144"])
        .privileged()
        .run_as_user(0)
        .resources(res(10, 16, 50, 32));
    let opensearch = StatefulSet::new(
        "opensearch",
        Container::new("opensearch", OPENSEARCH)
            .port("http", 9200)
            .env("discovery.type", "single-node")
            .env("DISABLE_SECURITY_PLUGIN", "true")
            .env("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
            .resources(res(250, 1024, 1000, 1536))
            .readiness(Probe::http("/_cluster/health", "http").period_seconds(10))
            .liveness(Probe::tcp("http").initial_delay_seconds(60))
            .mount("data", "/usr/share/opensearch/data")
            .mount("tmp", "/tmp")
            .writable_root_filesystem()
            .run_as_user(1000),
    )
    .init_container(sysctl)
    .volume(tmp())
    .volume_claim(kubefit::PersistentVolumeClaim::new(
        "data",
        Storage::gibibytes(10),
    ))
    .suppress(
        "privileged-container",
        "sets vm.max_map_count on the node for OpenSearch; nothing else runs privileged",
    )
    .suppress(
        "runs-as-root",
        "sysctl on the node needs uid 0; the server runs as 1000",
    )
    .suppress(
        "capabilities-not-dropped",
        "the privileged sysctl init container has all capabilities",
    )
    .suppress(
        "privilege-escalation-allowed",
        "the privileged sysctl init container",
    )
    .suppress(
        "writable-root-filesystem",
        "OpenSearch writes its keystore and config at start",
    );

    let web = Deployment::new(
        "web",
        rails("web", MASTODON, &config, &secret)
            .command(["bundle", "exec", "puma", "-C", "config/puma.rb"])
            .port("http", 3000)
            .resources(res(250, 512, 1000, 1024))
            .readiness(Probe::http("/health", "http"))
            .liveness(Probe::tcp("http").initial_delay_seconds(30))
            // Let the Ingress stop sending requests before Puma stops.
            .pre_stop(Hook::sleep(5)),
    )
    .replicas(2)
    .service_account(&account)
    .pod_run_as_user(MASTODON_UID)
    .spread(TopologySpread::new("kubernetes.io/hostname", 1))
    .volume(tmp())
    .suppress("runs-as-root", UID_REASON)
    .suppress(
        "anti-affinity-missing",
        "spread over nodes by the topology constraint",
    );
    let streaming = Deployment::new(
        "streaming",
        rails("streaming", STREAMING, &config, &secret)
            .command(["node", "./streaming/index.js"])
            .port("streaming", 4000)
            .resources(res(100, 128, 500, 256))
            .readiness(Probe::http("/api/v1/streaming/health", "streaming"))
            .liveness(Probe::tcp("streaming")),
    )
    .service_account(&account)
    .pod_run_as_user(MASTODON_UID)
    .volume(tmp())
    .suppress("runs-as-root", UID_REASON);
    let sidekiq = Deployment::new(
        "sidekiq",
        rails("sidekiq", MASTODON, &config, &secret)
            .command(["bundle", "exec", "sidekiq", "-c", "10"])
            .resources(res(250, 512, 1000, 1024))
            .liveness(Probe::exec(["pgrep", "-f", "sidekiq"]).period_seconds(30)),
    )
    .service_account(&account)
    .pod_run_as_user(MASTODON_UID)
    .volume(tmp())
    .suppress("runs-as-root", UID_REASON)
    .suppress("readiness-probe-missing", "sidekiq serves no traffic");
    let migrate = Job::new(
        "db-migrate",
        rails("migrate", MASTODON, &config, &secret)
            .command(["bundle", "exec", "rails", "db:migrate"])
            .resources(res(250, 512, 1000, 1024)),
    )
    .backoff_limit(3)
    .ttl_seconds_after_finished(3600)
    .service_account(&account)
    .pod_run_as_user(MASTODON_UID)
    .volume(tmp())
    .suppress("runs-as-root", UID_REASON)
    // Helm and Argo CD run it before the new web pods; kubectl creates it first.
    .annotation("helm.sh/hook", "pre-upgrade")
    .annotation("helm.sh/hook-delete-policy", "before-hook-creation")
    .annotation("argocd.argoproj.io/hook", "PreSync");
    let cleanup = CronJob::new(
        "30 4 * * *",
        Job::new(
            "media-cleanup",
            rails("tootctl", MASTODON, &config, &secret)
                .command(["bin/tootctl", "media", "remove", "--days", "7"])
                .resources(res(100, 256, 500, 512)),
        )
        .backoff_limit(1)
        .service_account(&account)
        .pod_run_as_user(MASTODON_UID)
        .volume(tmp()),
    )
    .suppress("runs-as-root", UID_REASON)
    .time_zone("Etc/UTC")
    .concurrency(ConcurrencyPolicy::Forbid);
    // Ships every node's container logs: one pod per node, the control plane's included.
    let logs = DaemonSet::new(
        "fluent-bit",
        Container::new("fluent-bit", FLUENT_BIT)
            .port("metrics", 2020)
            .resources(res(50, 64, 200, 128))
            .readiness(Probe::http("/api/v1/health", "metrics"))
            .liveness(Probe::http("/", "metrics"))
            .mount_read_only("varlog", "/var/log")
            .run_as_user(0),
    )
    .tolerate(Toleration::everything())
    .volume(Volume::host_path_of_type(
        "varlog",
        "/var/log",
        HostPathType::Directory,
    ))
    .suppress(
        "host-path-volume",
        "reads the node's container logs, read-only",
    )
    .suppress(
        "runs-as-root",
        "the node's log files are readable by root only",
    );

    let web_svc = Service::expose(&web);
    let streaming_svc = Service::expose(&streaming);
    let ingress = Ingress::new("mastodon")
        .class("traefik")
        .annotation("cert-manager.io/cluster-issuer", "letsencrypt")
        .route(
            "social.example.com",
            "/api/v1/streaming",
            PathType::Prefix,
            &streaming_svc,
            "streaming",
        )
        .route(
            "social.example.com",
            "/",
            PathType::Prefix,
            &web_svc,
            "http",
        )
        .tls(["social.example.com"], "social-example-com-tls");
    let hpa = HorizontalPodAutoscaler::new(&web, 2, 4).cpu_utilization(70);

    let mut stack = Stack::new("mastodon")
        .label("app.kubernetes.io/part-of", "mastodon")
        .suppress(
            "image-not-pinned",
            "tags here; the release pipeline pins them (crane digest) before deploying",
        )
        .suppress(
            "secret-as-env",
            "Mastodon reads SECRET_KEY_BASE, OTP_SECRET and DB_PASS only from its environment",
        )
        // OpenSearch's sysctl init container and the log shipper's hostPath need the
        // privileged level; kubefit flags each (suppressed above, with the reason).
        .pod_security("privileged")
        .with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow_from_namespace("kube-system").to(&web))
        .with(
            NetworkPolicy::allow_from_namespace("kube-system")
                .to(&streaming)
                .renamed("allow-from-kube-system-to-streaming"),
        );
    for app in [&web, &sidekiq, &streaming] {
        stack = stack
            .with(NetworkPolicy::allow(app, &postgres, "postgres"))
            .with(NetworkPolicy::allow(app, &redis, "redis"));
    }
    for app in [&web, &sidekiq] {
        stack = stack.with(NetworkPolicy::allow(app, &opensearch, "http"));
    }
    stack
        .with(critical)
        .with(account)
        .with(config)
        .with(secret)
        .with(db_secret)
        .with(postgres.headless_service())
        .with(redis.headless_service())
        .with(opensearch.headless_service())
        .with(web_svc)
        .with(streaming_svc)
        .with(ingress)
        .with(hpa)
        .with(PodDisruptionBudget::new(&web))
        .with(migrate)
        .with(cleanup)
        .with(logs)
        .with(web)
        .with(streaming)
        .with(sidekiq)
        .with(postgres)
        .with(redis)
        .with(opensearch)
}

/// Three small k3s VMs: one server, two agents, 2 cores and 4 GiB each.
fn platform() -> kubefit::Platform {
    kubefit::Platform::k3s(
        Cpu::cores(2),
        Memory::gibibytes(4),
        2,
        Cpu::cores(2),
        Memory::gibibytes(4),
    )
}

fn main() -> ExitCode {
    let (out, export) = match support::out_and_export(
        "out/mastodon",
        "mastodon [--out DIR] [--export-spec FILE]",
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let secrets = (
        DotEnv::load(".env").unwrap_or_default(),
        (ProcessEnv, Placeholder),
    );
    let stack = stack(&secrets);
    let platform = platform();
    if let Err(code) = support::export_spec(export.as_deref(), &stack, &[], Some(&platform)) {
        return code;
    }
    let report = stack.check_on(&platform);
    println!("{report}");
    if report.has_errors() || report.fit().map(|f| f.verdict()) == Some(Verdict::DoesNotFit) {
        return ExitCode::from(1);
    }
    // Secrets are withheld (never written in plaintext): `--age-recipient` in the other
    // examples shows SOPS; here the cluster gets them from its secret store.
    let options = EmitOptions::new();
    let result = stack.emit(&options).and_then(|m| {
        let mut files = vec![("manifests/mastodon.yaml".to_owned(), m.to_yaml()?)];
        for (p, c) in HelmChart::new(&stack, &options)?.files() {
            files.push((format!("helm/{p}"), c.clone()));
        }
        for (p, c) in KustomizeTree::new(&stack, &[], &options)?.files() {
            files.push((format!("kustomize/{p}"), c.clone()));
        }
        Ok(files)
    });
    match result.and_then(|files| support::write_files(&out, &files).map(|()| files.len())) {
        Ok(n) => {
            println!("\nwrote {n} files to {}/", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
