//! Seed 003 (ADR 005, Creavio: "Kubernetes with Tilt for dev"): microservices in their
//! namespace on k3d or minikube, each with a Dockerfile, a ConfigMap for non-sensitive
//! configuration and a Secret for sensitive values; `.env.example` with placeholders only;
//! a Tiltfile that loads the emitted manifests, creates the Secrets from `.env.development`
//! and declares one image build per service.
//!
//! ```sh
//! cargo run --example creavio -- --out out/creavio [--export-spec FILE]
//! cd out/creavio && cp .env.example .env.development && tilt up
//! ```
//! writes `k8s/` (the manifests), `Tiltfile` and `.env.example`.

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, DotEnv, EmitOptions, Ingress, Memory, NetworkPolicy,
    PathType, Platform, Probe, ProcessEnv, Secret, SecretSource, Service, Stack, Storage, Verdict,
    Volume,
};
use support::{POSTGRES_DIGEST, Placeholder, UNPINNED, res};

/// The services: (name, port, local port for `tilt up`).
const SERVICES: [(&str, u16, u16); 4] = [
    ("gateway", 8080, 8080),
    ("identity", 8080, 8081),
    ("projects", 8080, 8082),
    ("media", 8080, 8083),
];

fn image(name: &str) -> String {
    format!("ghcr.io/creavio/{name}")
}

fn stack(secrets: &dyn SecretSource) -> Stack {
    let db = Secret::new("postgres").entry_from("password", secrets);
    // One database per service that keeps data (identity, projects), created on the first
    // start by the image's init scripts: POSTGRES_DB makes one only.
    let init_sql = ConfigMap::new("postgres-init").entry(
        "01-databases.sql",
        "CREATE DATABASE identity;\nCREATE DATABASE projects;\n",
    );
    let postgres = support::postgres(
        ("postgres:16.4", Some(POSTGRES_DIGEST)),
        "creavio",
        None,
        Some(&init_sql),
        &db,
        res(100, 256, 500, 512),
        Storage::gibibytes(5),
    );

    let mut stack = Stack::new("creavio")
        .label("app.kubernetes.io/part-of", "creavio")
        .with(NetworkPolicy::default_deny())
        .with(postgres.headless_service())
        .with(init_sql)
        .with(db);
    let mut gateway_svc = None;
    let mut workloads = Vec::new();
    for (name, port, _) in SERVICES {
        // Non-sensitive settings in a ConfigMap, sensitive ones in a Secret mounted as files.
        let mut config = ConfigMap::new(format!("{name}-config"))
            .entry("SERVICE_NAME", name)
            .entry("PORT", port.to_string())
            .entry("LOG_FORMAT", "json")
            .entry("OTEL_SERVICE_NAME", name);
        let mut secret = Secret::new(format!("{name}-secrets"));
        match name {
            "gateway" => {
                config = config
                    .entry("IDENTITY_URL", "http://identity:8080")
                    .entry("PROJECTS_URL", "http://projects:8080")
                    .entry("MEDIA_URL", "http://media:8080");
                secret = secret.entry_from("session-key", secrets);
            }
            "identity" => {
                config = config.entry("DATABASE_URL", "postgres://creavio@postgres:5432/identity");
                secret = secret
                    .entry_from("jwt-signing-key", secrets)
                    .entry_from("database-password", secrets);
            }
            "projects" => {
                config = config.entry("DATABASE_URL", "postgres://creavio@postgres:5432/projects");
                secret = secret.entry_from("database-password", secrets);
            }
            _ => {
                config = config
                    .entry("STORAGE_BUCKET", "creavio-media")
                    .entry("STORAGE_ENDPOINT", "https://s3.eu-central-1.amazonaws.com");
                secret = secret
                    .entry_from("storage-access-key", secrets)
                    .entry_from("storage-secret-key", secrets);
            }
        }
        let d = Deployment::new(
            name,
            Container::new(name, format!("{}:0.1.0", image(name)))
                .port("http", port)
                .env_from_config_map(&config)
                .mount_read_only("secrets", format!("/run/secrets/{name}"))
                .mount("tmp", "/tmp")
                .resources(res(50, 128, 250, 256))
                .readiness(Probe::http("/healthz/ready", "http"))
                .liveness(Probe::http("/healthz/live", "http")),
        )
        .volume(Volume::secret("secrets", &secret))
        .volume(Volume::empty_dir("tmp"))
        .suppress("image-not-pinned", UNPINNED);
        let svc = Service::expose(&d);
        if name == "gateway" {
            gateway_svc = Some(svc.clone());
        }
        stack = stack.with(config).with(secret).with(svc);
        workloads.push(d);
    }
    let gateway = &workloads[0];
    for d in &workloads[1..] {
        stack = stack.with(NetworkPolicy::allow(gateway, d, "http"));
    }
    for d in &workloads[1..3] {
        stack = stack.with(NetworkPolicy::allow(d, &postgres, "postgres"));
    }
    stack = stack.with(NetworkPolicy::allow_from_namespace("kube-system").to(gateway));
    if let Some(svc) = gateway_svc {
        // k3d ships Traefik as its ingress controller.
        stack = stack.with(Ingress::new("creavio").class("traefik").route(
            "creavio.localhost",
            "/",
            PathType::Prefix,
            &svc,
            "http",
        ));
    }
    for d in workloads {
        stack = stack.with(d);
    }
    stack.with(postgres)
}

fn main() -> ExitCode {
    let (out, export) =
        match support::out_and_export("out/creavio", "creavio [--out DIR] [--export-spec FILE]") {
            Ok(x) => x,
            Err(code) => return code,
        };
    let secrets = (
        DotEnv::load(".env.development").unwrap_or_default(),
        (ProcessEnv, Placeholder),
    );
    let stack = stack(&secrets);
    // A developer laptop running k3d: 4 cores and 8 GiB given to Docker.
    let laptop = Platform::k3s(
        Cpu::cores(4),
        Memory::gibibytes(8),
        0,
        Cpu::ZERO,
        Memory::ZERO,
    );
    if let Err(code) = support::export_spec(export.as_deref(), &stack, &[], Some(&laptop)) {
        return code;
    }
    let report = stack.check_on(&laptop);
    println!("{report}");
    if report.has_errors() || report.fit().map(|f| f.verdict()) == Some(Verdict::DoesNotFit) {
        return ExitCode::from(1);
    }
    let tilt = match kubefit::Tiltfile::new(&stack, "k8s") {
        Ok(t) => SERVICES
            .iter()
            .fold(t.env_file(".env.development"), |t, (name, port, local)| {
                t.docker_build(image(name), format!("services/{name}"))
                    .port_forward(*name, *local, *port)
            }),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // Secrets are not written: Tilt creates them from .env.development.
    let emitted = stack
        .emit(&EmitOptions::new())
        .and_then(|m| m.to_files().map(|f| (m, f)));
    let (manifests, k8s) = match emitted {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut files: Vec<(String, String)> = k8s
        .into_iter()
        .map(|(p, c)| (format!("k8s/{p}"), c))
        .collect();
    files.push(("Tiltfile".to_owned(), tilt.to_string()));
    files.extend(
        manifests
            .env_example()
            .map(|e| (".env.example".to_owned(), e.to_owned())),
    );
    if let Err(e) = support::write_files(&out, &files) {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!(
        "\nwrote {} manifests to {}/k8s/, a Tiltfile and .env.example (cp .env.example .env.development && tilt up)",
        manifests.documents().len(),
        out.display()
    );
    ExitCode::SUCCESS
}
