//! Seed 002 ("Phase-V: k3s on Oracle Cloud Always Free"): its "Resource Allocation Plan",
//! modelled as written, checked against the real Always Free pool — then an adjusted plan
//! that fits, whose manifests are written.
//!
//! The plan reserves 1 OCPU / 4 GB for the k3s server and 0.5 OCPU / 2 GB for the agent,
//! and requests 1.6 OCPU for its eight services: 3.1 OCPU against a pool of 2 OCPU in
//! total (2 OCPU / 12 GB across all A1 instances since 2026-06-15). Its claim "within
//! limit with overcommit" is wrong: the scheduler reserves requests; only limits overcommit.
//!
//! The adjusted stack also carries the rest of the seed: Traefik's HTTP→HTTPS redirect
//! (a `Middleware` the Ingress uses), Let's Encrypt through a cert-manager `ClusterIssuer`,
//! Dapr components (pub/sub on the seed's broker, Redpanda Cloud's free tier, through its
//! Kafka API; state on PostgreSQL; secrets from Kubernetes; Redis Streams pub/sub for local
//! `dapr run` under `dapr-local/`), and the backend's HPA, whose maximum the budget counts,
//! as it counts the Dapr sidecars. The components' Secrets (`kafka`, `statestore`) are
//! withheld from the manifests: create them with SOPS or `kubectl create secret`.
//!
//! Where the seed is wrong or risky, the report says so: its k3s server (1 OCPU) is below
//! k3s's documented minimum (`node-below-minimum`); "1 server, 1 agent for HA" on embedded
//! etcd is not highly available (`control-plane-not-ha`: one etcd member); "secrets
//! encrypted at rest in etcd" is not what k3s does unless its server starts with
//! `--secrets-encryption` (`secrets-not-encrypted-at-rest`); and its services' images must
//! be built for the A1 instances' arm64, which its CI plan never says
//! (`image-platform-unknown`).
//!
//! ```sh
//! cargo run --example phase_v_always_free -- --out out/phase-v
//! ```

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use kubefit::{
    AddOn, Container, ControlPlane, Cpu, Datastore, Deployment, EmitOptions,
    HorizontalPodAutoscaler, Injector, IntOrPercent, Memory, NetworkPolicy, PathType,
    PersistentVolumeClaim, Platform, Probe, Reserved, Resources, Secret, Service, Stack,
    StatefulSet, Storage, Verdict, Volume, dapr_component, letsencrypt_cluster_issuer,
    traefik_https_redirect,
};
use support::{GRAFANA_DIGEST, PROMETHEUS_DIGEST};

/// One service of the plan: requests and limits as the plan allocates them.
struct Planned {
    name: &'static str,
    image: &'static str,
    port: u16,
    cpu: u64,
    memory_mi: u64,
}

const PLAN: [Planned; 6] = [
    Planned {
        name: "frontend",
        image: "ghcr.io/phase-v/frontend:1.0.0",
        port: 3000,
        cpu: 200,
        memory_mi: 512,
    },
    Planned {
        name: "backend",
        image: "ghcr.io/phase-v/backend:1.0.0",
        port: 8000,
        cpu: 300,
        memory_mi: 1024,
    },
    Planned {
        name: "event-processor",
        image: "ghcr.io/phase-v/event-processor:1.0.0",
        port: 8080,
        cpu: 200,
        memory_mi: 512,
    },
    Planned {
        name: "reminder-scheduler",
        image: "ghcr.io/phase-v/reminder-scheduler:1.0.0",
        port: 8080,
        cpu: 200,
        memory_mi: 512,
    },
    Planned {
        name: "notification",
        image: "ghcr.io/phase-v/notification:1.0.0",
        port: 8080,
        cpu: 200,
        memory_mi: 512,
    },
    Planned {
        name: "websocket",
        image: "ghcr.io/phase-v/websocket:1.0.0",
        port: 8080,
        cpu: 200,
        memory_mi: 512,
    },
];

/// The adjusted requests: (cpu request m, memory request Mi, cpu limit m, memory limit Mi).
fn adjusted(name: &str) -> (u64, u64, u64, u64) {
    match name {
        "frontend" => (50, 64, 200, 128), // static assets
        "backend" => (150, 256, 500, 512),
        "event-processor" => (100, 192, 300, 384),
        "reminder-scheduler" => (25, 64, 100, 128),
        "notification" => (25, 64, 100, 128),
        "websocket" => (50, 128, 200, 256),
        _ => (100, 128, 200, 256),
    }
}

/// Digests of the team's own images come from CI (`docker buildx build --push` prints them):
/// set `PHASE_V_DIGEST_<NAME>` to pin them. Without one the image runs by its tag, and
/// `image-not-pinned` is suppressed for that workload with the reason (a placeholder digest
/// would make every pull fail: `invalid-image-digest`).
fn ci_digest(name: &str) -> Option<String> {
    let var = format!("PHASE_V_DIGEST_{}", name.to_uppercase().replace('-', "_"));
    std::env::var(var).ok()
}

fn service(p: &Planned, resources: Resources) -> Deployment {
    let c = Container::new(p.name, p.image);
    let (c, pinned) = match ci_digest(p.name) {
        Some(d) => (c.image_digest(d), true),
        None => (c, false),
    };
    let d = Deployment::new(
        p.name,
        c.port("http", p.port)
            .resources(resources)
            .readiness(Probe::http("/healthz", "http"))
            .liveness(Probe::http("/healthz", "http").initial_delay_seconds(10))
            .mount("tmp", "/tmp"),
    )
    .volume(Volume::empty_dir("tmp"));
    if pinned {
        d
    } else {
        d.suppress("image-not-pinned", support::UNPINNED)
    }
}

fn monitoring(prom: Resources, grafana: Resources) -> (StatefulSet, Deployment) {
    let prometheus = StatefulSet::new(
        "prometheus",
        Container::new("prometheus", "prom/prometheus:v2.54.1")
            .image_digest(PROMETHEUS_DIGEST)
            .args([
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.retention.time=7d",
            ])
            .port("web", 9090)
            .resources(prom)
            .readiness(Probe::http("/-/ready", "web"))
            .liveness(Probe::http("/-/healthy", "web"))
            .mount("data", "/prometheus"),
    )
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(10)));
    let grafana = Deployment::new(
        "grafana",
        Container::new("grafana", "grafana/grafana:11.2.0")
            .image_digest(GRAFANA_DIGEST)
            .port("http", 3000)
            .resources(grafana)
            .readiness(Probe::http("/api/health", "http"))
            .liveness(Probe::http("/api/health", "http"))
            .mount("data", "/var/lib/grafana")
            .mount("tmp", "/tmp"),
    )
    .volume(Volume::empty_dir("data"))
    .volume(Volume::empty_dir("tmp"));
    (prometheus, grafana)
}

fn stack(adjust: bool) -> Stack {
    let mut stack = Stack::new("phase-v")
        .label("app.kubernetes.io/part-of", "phase-v")
        .with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow_from_namespace("kube-system"));
    let mut frontend_svc = None;
    let mut backend_svc = None;
    for p in &PLAN {
        let r = if adjust {
            let (cr, mr, cl, ml) = adjusted(p.name);
            Resources::new()
                .requests(Cpu::millis(cr), Memory::mebibytes(mr))
                .limits(Cpu::millis(cl), Memory::mebibytes(ml))
        } else {
            let cpu = Cpu::millis(p.cpu);
            let mem = Memory::mebibytes(p.memory_mi);
            Resources::new().requests(cpu, mem).limits(cpu, mem)
        };
        let mut d = service(p, r);
        if adjust {
            // One extra pod at a time, none taken down first.
            d = d.rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(0));
            if DAPR_APPS.contains(&p.name) {
                d = d
                    .pod_annotation("dapr.io/enabled", "true")
                    .pod_annotation("dapr.io/app-id", p.name)
                    .pod_annotation("dapr.io/app-port", p.port.to_string())
                    .pod_annotation("dapr.io/sidecar-cpu-request", "10m")
                    .pod_annotation("dapr.io/sidecar-memory-request", "32Mi")
                    .pod_annotation("dapr.io/sidecar-cpu-limit", "100m")
                    .pod_annotation("dapr.io/sidecar-memory-limit", "128Mi");
            }
        }
        let svc = Service::expose(&d);
        if p.name == "backend" {
            let max = if adjust { 2 } else { 3 };
            stack = stack.with(HorizontalPodAutoscaler::new(&d, 1, max).cpu_utilization(70));
            backend_svc = Some(svc.clone());
        }
        if p.name == "frontend" {
            frontend_svc = Some(svc.clone());
        }
        stack = stack.with(svc).with(d);
    }
    let (prom, grafana) = if adjust {
        monitoring(
            Resources::new()
                .requests(Cpu::millis(100), Memory::mebibytes(384))
                .limits(Cpu::millis(200), Memory::mebibytes(512)),
            Resources::new()
                .requests(Cpu::millis(50), Memory::mebibytes(128))
                .limits(Cpu::millis(100), Memory::mebibytes(256)),
        )
    } else {
        let g = Resources::new()
            .requests(Cpu::millis(100), Memory::mebibytes(256))
            .limits(Cpu::millis(100), Memory::mebibytes(256));
        let p = Resources::new()
            .requests(Cpu::millis(200), Memory::mebibytes(512))
            .limits(Cpu::millis(200), Memory::mebibytes(512));
        monitoring(p, g)
    };
    let grafana = if adjust { grafana.recreate() } else { grafana };
    stack = stack
        .with(prom.headless_service())
        .with(Service::expose(&grafana))
        .with(prom)
        .with(grafana);
    if adjust {
        stack = dapr_and_tls(stack);
    }
    if let (Some(front), Some(back)) = (frontend_svc, backend_svc) {
        stack = stack.with(
            kubefit::Ingress::new("phase-v")
                .class("traefik")
                .annotation("cert-manager.io/cluster-issuer", "letsencrypt")
                // HTTP → HTTPS through the Traefik Middleware below (`<namespace>-<name>@kubernetescrd`).
                .annotation(
                    "traefik.ingress.kubernetes.io/router.middlewares",
                    "phase-v-redirect-https@kubernetescrd",
                )
                .route("todo.example.com", "/api", PathType::Prefix, &back, "http")
                .route("todo.example.com", "/", PathType::Prefix, &front, "http")
                .tls(["todo.example.com"], "todo-example-com-tls"),
        );
    }
    stack
}

/// The services that talk through Dapr (pub/sub for events and reminders, state store).
const DAPR_APPS: [&str; 4] = [
    "backend",
    "event-processor",
    "reminder-scheduler",
    "notification",
];

/// Dapr components in the cluster: pub/sub on the seed's broker, Redpanda Cloud (free tier,
/// "Decision 1"), through its Kafka API (SASL/SCRAM-SHA-256 over TLS, as Redpanda Cloud's
/// serverless clusters take it); state on PostgreSQL, secrets from Kubernetes; the Traefik
/// HTTP→HTTPS redirect and cert-manager's Let's Encrypt ClusterIssuer.
fn dapr_and_tls(stack: Stack) -> Stack {
    let kafka = Secret::new("kafka").entry_from("password", &support::Placeholder);
    let state = Secret::new("statestore").entry_from("connection-string", &support::Placeholder);
    stack
        .with(traefik_https_redirect("redirect-https"))
        .with(letsencrypt_cluster_issuer(
            "letsencrypt",
            "ops@example.com",
            "traefik",
        ))
        .with(dapr_component(
            "pubsub",
            "pubsub.kafka",
            &[
                (
                    "brokers",
                    "phase-v.any.eu-central-1.mpx.prd.cloud.redpanda.com:9092",
                ),
                ("authType", "password"),
                ("saslUsername", "phase-v"),
                ("saslPassword", "secret:kafka:password"),
                ("saslMechanism", "SHA-256"),
                ("consumerGroup", "phase-v"),
            ],
        ))
        .with(dapr_component(
            "statestore",
            "state.postgresql",
            &[("connectionString", "secret:statestore:connection-string")],
        ))
        .with(dapr_component("kubernetes", "secretstores.kubernetes", &[]))
        .with(kafka)
        .with(state)
}

/// Dapr locally (`dapr run --resources-path dapr-local`): pub/sub on Redis Streams and the
/// same state store, as self-hosted component files.
fn dapr_local() -> Vec<(String, String)> {
    [
        dapr_component(
            "pubsub",
            "pubsub.redis",
            &[("redisHost", "localhost:6379"), ("redisPassword", "")],
        ),
        dapr_component(
            "statestore",
            "state.postgresql",
            &[(
                "connectionString",
                "host=localhost user=postgres password=postgres port=5432 database=todo",
            )],
        ),
    ]
    .iter()
    .map(|c| {
        let mut v = c.to_value("default");
        if let Some(m) = v["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        (
            format!("dapr-local/{}.yaml", c.name()),
            serde_saphyr::to_string(&v).unwrap_or_default(),
        )
    })
    .collect()
}

/// The plan's own node reservations for k3s (1 OCPU / 4 GB server, 0.5 OCPU / 2 GB agent)
/// and the node exporter it mentions, on the current Always Free pool.
fn plan_platform(base: Platform) -> Platform {
    base.reserve_on(
        "a1-k3s-server",
        Reserved::none().distro(Cpu::cores(1), Memory::gigabytes(4)),
    )
    .reserve_on(
        "a1-k3s-agent",
        Reserved::none().distro(Cpu::millis(500), Memory::gigabytes(2)),
    )
    .addon(AddOn::per_node(
        "node-exporter",
        Cpu::millis(10),
        Memory::mebibytes(32),
    ))
}

/// The cluster as the plan runs Dapr on it: the sidecar injector adds `daprd` to every pod
/// annotated `dapr.io/enabled` (10m / 32Mi from the annotations above, counted in each such
/// pod, surge pods included), and the control plane runs beside the apps. Dapr's Helm chart
/// sets no requests; its production guidelines start at operator 100m / 100Mi, sidecar
/// injector 100m / 30Mi, sentry 100m / 30Mi (docs.dapr.io, "Production guidelines on
/// Kubernetes"), which the install sets through the chart's `*.resources` values so that the
/// scheduler counts them. The placement service is left out: the plan uses no actors.
///
/// Its control plane is the seed's: one k3s server on embedded etcd ("1 server, 1 agent for
/// HA", "k3s with embedded etcd for high availability"), Secrets as k3s stores them unless
/// told otherwise (not encrypted).
fn dapr_platform(base: Platform) -> Platform {
    let base = base.control_plane(ControlPlane::k3s(1).datastore(Datastore::EmbeddedEtcd));
    [
        ("dapr-operator", 100, 100),
        ("dapr-sidecar-injector", 100, 30),
        ("dapr-sentry", 100, 30),
    ]
    .into_iter()
    .fold(base.injects(Injector::dapr()), |p, (name, cpu, mem)| {
        p.addon(AddOn::once(name, Cpu::millis(cpu), Memory::mebibytes(mem)))
    })
}

fn main() -> ExitCode {
    let (out, export) = match support::out_and_export(
        "out/phase-v",
        "phase_v_always_free [--out DIR] [--export-spec FILE]",
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };

    println!("== the plan as written, on Oracle Cloud Always Free (current pool) ==\n");
    let plan = stack(false);
    let plan_platform_now = plan_platform(Platform::oci_always_free());
    let fit = plan.fit(&plan_platform_now);
    println!("{fit}");
    let workloads = fit.steady_requests().cpu;
    let reserved: u64 = plan_platform_now
        .pools()
        .iter()
        .map(|p| p.reservations().cpu().as_millis() * u64::from(p.count()))
        .sum();
    println!(
        "the plan requests {} for its services and reserves {} for k3s: {} of cpu against a pool of {} — short by {}\n",
        workloads,
        Cpu::millis(reserved),
        workloads + Cpu::millis(reserved),
        plan_platform_now.tenancy_limits()[0].cpu(),
        (workloads + Cpu::millis(reserved))
            .saturating_sub(plan_platform_now.tenancy_limits()[0].cpu()),
    );
    let before = plan.fit(&plan_platform(Platform::oci_always_free_before_2026_06()));
    println!(
        "on the pre-2026-06 pool the plan assumed (4 OCPU / 24 GB), the verdict would be: {}\n",
        before.verdict()
    );

    println!("== adjusted plan: measured k3s overhead, right-sized requests ==\n");
    let adjusted = stack(true);
    let platform = dapr_platform(Platform::oci_always_free());
    let report = adjusted.check_on(&platform);
    println!("{report}");
    let fits = report.fit().map(|f| f.verdict()) == Some(Verdict::Fits);
    if fit.verdict() != Verdict::DoesNotFit || !fits || report.has_errors() {
        eprintln!("error: expected the plan not to fit and the adjusted plan to fit");
        return ExitCode::from(1);
    }
    // Guard rails: the cluster enforces the budget that was just checked.
    let Some(fit_adjusted) = report.fit() else {
        return ExitCode::from(1);
    };
    let adjusted = adjusted
        .with(fit_adjusted.resource_quota())
        .with(fit_adjusted.limit_range());
    if let Err(code) = support::export_spec(export.as_deref(), &adjusted, &[], Some(&platform)) {
        return code;
    }
    let written = adjusted.emit(&EmitOptions::new()).and_then(|m| {
        let mut files = m.to_files()?;
        files.extend(dapr_local());
        kubefit::write_files(&out, &files).map(|()| m)
    });
    match written {
        Ok(m) => {
            println!(
                "\nwrote {} manifests to {}/ and Dapr's local components to {}/dapr-local/",
                m.documents().len(),
                out.display(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
