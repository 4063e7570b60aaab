//! The peers-bench workload (`../shared/peers-bench/`): 1 Namespace + N × (Deployment +
//! Service + ConfigMap) + 1 Ingress with N paths, built with kubefit's builders, fully checked
//! (structure, lints, budget on a platform large enough) and streamed to stdout as YAML.
//!
//! With `--realistic`, the lint-clean workload of `benches/realistic/` instead: per app a
//! ConfigMap, a Secret, a Deployment of 2 replicas (readiness and liveness probes, an
//! `emptyDir` and a Secret volume, env from the ConfigMap and from a Secret key, kubefit's
//! hardened security context), a Service, a PodDisruptionBudget, an autoscaler and a
//! NetworkPolicy letting the ingress controller in; plus a default-deny NetworkPolicy and one
//! Ingress with N paths: 7N+3 documents.
//!
//! ```sh
//! cargo build --release --example perf_anchor
//! target/release/examples/perf_anchor 1000 > out.yaml     # or `1000 1`: without threads
//! target/release/examples/perf_anchor --realistic 1000 > out.yaml
//! ```

use std::io::Write;
use std::process::ExitCode;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, EmitError, EmitOptions, HorizontalPodAutoscaler,
    Ingress, IntOrPercent, Memory, NetworkPolicy, NodePool, PathType, Platform,
    PodDisruptionBudget, Probe, Resources, Secret, SecretValue, Service, Stack, Volume,
};

/// The harness workload for `n` apps (also built by `benches/emit.rs`).
pub fn stack(n: usize) -> Stack {
    let mut stack = Stack::new("perf");
    let mut ingress = Ingress::new("perf-ingress");
    let resources = Resources::new()
        .requests(Cpu::millis(100), Memory::mebibytes(128))
        .limits(Cpu::millis(200), Memory::mebibytes(256));
    for i in 0..n {
        let name = format!("app-{i}");
        let index = i.to_string();
        let config = ConfigMap::new([name.as_str(), "-config"].concat())
            .label("app", &name)
            .label("tier", "web")
            .label("perf.example/index", &index)
            .entry("APP_NAME", &name)
            .entry("LOG_LEVEL", "info");
        let deployment = Deployment::new(
            name.as_str(),
            Container::new("web", "nginx:1.27")
                .port("http", 8080)
                .env_from_config_map(&config)
                .resources(resources.clone()),
        )
        .label("app", &name)
        .label("tier", "web")
        .label("perf.example/index", &index)
        .pod_label("app", &name)
        .pod_label("tier", "web")
        .pod_label("perf.example/index", &index);
        let service = Service::new(name.as_str())
            .select(&deployment)
            .port("http", 80, "http")
            .label("app", &name)
            .label("tier", "web")
            .label("perf.example/index", &index);
        ingress = ingress.route(
            "",
            ["/", name.as_str()].concat(),
            PathType::Prefix,
            &service,
            80,
        );
        stack = stack.with(config).with(deployment).with(service);
    }
    stack.with(ingress)
}

/// The realistic, lint-clean workload for `n` apps (see the module docs; also built by
/// `benches/emit.rs`).
pub fn realistic_stack(n: usize) -> Stack {
    let mut stack = Stack::new("perf").with(NetworkPolicy::default_deny());
    let mut ingress = Ingress::new("perf-ingress");
    let resources = Resources::new()
        .requests(Cpu::millis(100), Memory::mebibytes(128))
        .limits(Cpu::millis(200), Memory::mebibytes(256));
    for i in 0..n {
        let name = format!("app-{i}");
        let config = ConfigMap::new([name.as_str(), "-config"].concat())
            .label("app", &name)
            .entry("APP_NAME", &name)
            .entry("LOG_LEVEL", "info");
        let secret = Secret::new([name.as_str(), "-secret"].concat())
            .label("app", &name)
            .entry("password", SecretValue::new(format!("pw-{i}")));
        let deployment = Deployment::new(
            name.as_str(),
            Container::new("web", "nginx:1.27")
                .port("http", 8080)
                .env_from_config_map(&config)
                .env_from_secret_key("APP_PASSWORD", &secret, "password")
                .resources(resources.clone())
                .readiness(Probe::http("/ready", "http").period_seconds(5))
                .liveness(Probe::http("/healthz", "http").initial_delay_seconds(10))
                .mount("tmp", "/tmp")
                .mount_read_only("secret", "/run/secrets/app"),
        )
        .replicas(2)
        .label("app", &name)
        .pod_label("app", &name)
        .volume(Volume::empty_dir("tmp").size_limit(Memory::mebibytes(64)))
        .volume(Volume::secret("secret", &secret));
        let service = Service::new(name.as_str())
            .select(&deployment)
            .port("http", 80, "http")
            .label("app", &name);
        let pdb = PodDisruptionBudget::new(&deployment).min_available(IntOrPercent::Count(1));
        let hpa = HorizontalPodAutoscaler::new(&deployment, 2, 4).cpu_utilization(70);
        let policy = NetworkPolicy::allow_from_namespace("ingress-nginx")
            .to(&deployment)
            .renamed(["allow-ingress-to-", name.as_str()].concat());
        ingress = ingress.route(
            "",
            ["/", name.as_str()].concat(),
            PathType::Prefix,
            &service,
            80,
        );
        stack = stack
            .with(config)
            .with(secret)
            .with(deployment)
            .with(service)
            .with(pdb)
            .with(hpa)
            .with(policy);
    }
    stack.with(ingress)
}

/// A platform large enough for `n` realistic apps: up to 5 pods of 100m/128Mi each per app
/// at peak (autoscaler maximum 4 + 1 surge), 8 cores / 32 GiB nodes holding 70 of them.
pub fn realistic_platform(n: usize) -> Platform {
    let nodes = u32::try_from((5 * n).div_ceil(70) + 1).unwrap_or(u32::MAX);
    Platform::new("perf", "synthetic", "2026-11").pool(NodePool::new(
        "n",
        nodes,
        Cpu::cores(8),
        Memory::gibibytes(32),
    ))
}

/// A platform large enough for `n` apps: 8 cores / 32 GiB nodes, one per 25 apps (worst
/// case: 2 pods of 100m each per app during a rollout, 50 pods of 110 per node).
pub fn platform(n: usize) -> Platform {
    let nodes = u32::try_from(n / 25 + 1).unwrap_or(u32::MAX);
    Platform::new("perf", "synthetic", "2026-11").pool(NodePool::new(
        "n",
        nodes,
        Cpu::cores(8),
        Memory::gibibytes(32),
    ))
}

/// mimalloc instead of the system allocator: reading 15,002 documents allocates millions of
/// small strings and maps (benches/README.md, "Import", gives the gain on both binaries).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let realistic = args.first().is_some_and(|a| a == "--realistic");
    if realistic {
        args.remove(0);
    }
    let Some(n) = args.first().and_then(|a| a.parse::<usize>().ok()) else {
        eprintln!("usage: perf_anchor [--realistic] N [THREADS]");
        return ExitCode::from(2);
    };
    // An optional thread count (`Stack::threads`; 1 = no threads), to measure what the
    // threads gain (benches/README.md, "Threads").
    let threads = args
        .get(1)
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(0);
    let (stack, platform, options) = if realistic {
        // The Secrets are part of the workload: written in plaintext like the peers do.
        let options = EmitOptions::new().plaintext_secrets(true);
        (realistic_stack(n), realistic_platform(n), options)
    } else {
        (stack(n), platform(n), EmitOptions::new())
    };
    let stack = stack.threads(threads);
    let stdout = std::io::stdout().lock();
    // The full check (structure, lints, budget on `platform`) runs while the YAML renders;
    // nothing is written unless it passes.
    match stack.write_yaml(&options.platform(platform), stdout) {
        Ok(_) => {
            let _ = std::io::stdout().flush();
            // The process ends here and the OS takes its memory back at once; freeing the
            // stack's objects one by one first would only add time (≈ 5 ms at N=5000).
            std::mem::forget(stack);
            ExitCode::SUCCESS
        }
        Err(EmitError::Check(report)) => {
            eprintln!("{report}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
