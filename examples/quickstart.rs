//! The README's main example: a web front end behind an Ingress, a Postgres StatefulSet with
//! its volume, configuration, an autoscaler and network policies — checked, then written as
//! manifests.
//!
//! ```sh
//! cargo run --example quickstart              # writes out/
//! cargo run --example quickstart -- --out DIR
//! cargo run --example quickstart -- --age-recipient age1…   # also writes secrets/*.sops.yaml
//! ```
//!
//! The database password comes from `POSTGRES_CREDENTIALS_PASSWORD` in an uncommitted `.env`
//! or the environment (see the `.env.example` it writes); without it the demo uses a
//! placeholder.

use std::process::ExitCode;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, DotEnv, EmitOptions, HorizontalPodAutoscaler, Ingress,
    Memory, NetworkPolicy, PathType, PersistentVolumeClaim, Platform, PodDisruptionBudget, Probe,
    ProcessEnv, Resources, Secret, SecretSource, SecretValue, Service, SopsConfig, Stack,
    StatefulSet, Storage, Volume,
};

/// Images are pinned by digest (checkov CKV_K8S_43): a tag can be re-pushed, a digest cannot.
const NGINX_DIGEST: &str =
    "sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0";
const POSTGRES_DIGEST: &str =
    "sha256:e62fbf9d3e2b49816a32c400ed2dba83e3b361e6833e624024309c35d334b412";

/// The demo's last resort when neither `.env` nor the environment has a value.
struct Placeholder;

impl SecretSource for Placeholder {
    fn secret(&self, _: &str) -> Option<SecretValue> {
        Some(SecretValue::new("change-me"))
    }
}

/// The quickstart stack.
fn stack(secrets: &dyn SecretSource) -> Stack {
    let config = ConfigMap::new("web-config")
        .entry("DATABASE_HOST", "postgres")
        .entry("DATABASE_NAME", "shop")
        .entry("FEATURE_CHECKOUT", "on");
    let db_secret = Secret::new("postgres-credentials").entry_from("password", secrets);

    let web = Deployment::new(
        "web",
        Container::new("web", "nginxinc/nginx-unprivileged:1.27-alpine")
            .image_digest(NGINX_DIGEST)
            .port("http", 8080)
            .env_from_config_map(&config)
            // Secrets as files, not env vars (they leak into child processes and crash dumps).
            .env("DATABASE_PASSWORD_FILE", "/run/secrets/postgres/password")
            .mount_read_only("postgres-credentials", "/run/secrets/postgres")
            .resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(128))
                    .limits(Cpu::millis(250), Memory::mebibytes(256)),
            )
            .readiness(Probe::http("/", "http").period_seconds(5))
            .liveness(Probe::http("/", "http").initial_delay_seconds(10))
            .mount("tmp", "/tmp"),
    )
    .replicas(2)
    .volume(Volume::empty_dir("tmp").size_limit(Memory::mebibytes(64)))
    .volume(Volume::secret("postgres-credentials", &db_secret));
    let web_svc = Service::expose(&web);
    let ingress = Ingress::new("web")
        .class("nginx")
        .annotation("cert-manager.io/cluster-issuer", "letsencrypt")
        .route("shop.example.com", "/", PathType::Prefix, &web_svc, "http")
        .tls(["shop.example.com"], "shop-example-com-tls");
    let hpa = HorizontalPodAutoscaler::new(&web, 2, 4).cpu_utilization(70);
    let pdb = PodDisruptionBudget::new(&web);

    let postgres = StatefulSet::new(
        "postgres",
        Container::new("postgres", "postgres:16.4")
            .image_digest(POSTGRES_DIGEST)
            .port("postgres", 5432)
            .env("POSTGRES_DB", "shop")
            .env("PGDATA", "/var/lib/postgresql/data/pgdata")
            .env("POSTGRES_PASSWORD_FILE", "/run/secrets/postgres/password")
            .mount_read_only("postgres-credentials", "/run/secrets/postgres")
            .resources(
                Resources::new()
                    .requests(Cpu::millis(250), Memory::mebibytes(512))
                    .limits(Cpu::millis(500), Memory::gibibytes(1)),
            )
            .readiness(Probe::exec(["pg_isready", "-U", "postgres"]).period_seconds(10))
            .liveness(Probe::tcp("postgres").initial_delay_seconds(30))
            .mount("data", "/var/lib/postgresql/data")
            .mount("run", "/var/run/postgresql")
            .mount("tmp", "/tmp"),
    )
    .volume(Volume::empty_dir("run"))
    .volume(Volume::empty_dir("tmp"))
    .volume(Volume::secret("postgres-credentials", &db_secret))
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(10)));
    let postgres_svc = postgres.headless_service();

    Stack::new("shop")
        .label("app.kubernetes.io/part-of", "shop")
        .with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&web))
        .with(NetworkPolicy::allow(&web, &postgres, "postgres"))
        .with(config)
        .with(db_secret)
        .with(web_svc)
        .with(postgres_svc)
        .with(ingress)
        .with(hpa)
        .with(pdb)
        .with(web)
        .with(postgres)
}

fn main() -> ExitCode {
    let mut out = std::path::PathBuf::from("out");
    let mut recipients = Vec::new();
    let mut export = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(dir)) => out = dir.into(),
            ("--age-recipient", Some(r)) => recipients.push(r),
            ("--export-spec", Some(f)) => export = Some(f),
            _ => {
                eprintln!(
                    "usage: quickstart [--out DIR] [--age-recipient age1…]... [--export-spec FILE]"
                );
                return ExitCode::from(2);
            }
        }
    }
    // Local development reads an uncommitted .env; CI uses the environment.
    let stack = stack(&(
        DotEnv::load(".env").unwrap_or_default(),
        (ProcessEnv, Placeholder),
    ));
    // The check and the budget in one report: will it fit and schedule on Oracle Cloud's
    // Always Free nodes (two 1-OCPU / 6 GB arm64 k3s nodes)?
    let report = stack.check_on(&Platform::oci_always_free());
    println!("{report}");
    if let Some(file) = export
        && let Err(e) = std::fs::write(&file, kubefit::StackSpec::from(&stack).to_yaml())
    {
        eprintln!("error: {file}: {e}");
        return ExitCode::from(2);
    }
    let mut options = EmitOptions::new();
    if !recipients.is_empty() {
        options = options.encrypt_secrets(SopsConfig::new(recipients));
    }
    match stack.emit(&options) {
        Ok(manifests) => {
            if let Err(e) = manifests.write_dir(&out) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            println!(
                "\nwrote {} manifests to {}/",
                manifests.documents().len(),
                out.display()
            );
            for s in manifests.withheld_secrets() {
                println!(
                    "  secret/{s} withheld: plaintext Secrets are never written; pass --age-recipient age1… to write it encrypted with SOPS"
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
