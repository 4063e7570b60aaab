//! The peers-bench workload (`../shared/peers-bench/`): 1 Namespace + N × (Deployment +
//! Service + ConfigMap) + 1 Ingress with N paths, built with kubefit's builders, fully checked
//! (structure, lints, budget on a platform large enough) and streamed to stdout as YAML.
//!
//! ```sh
//! cargo build --release --example perf_anchor
//! target/release/examples/perf_anchor 1000 > out.yaml
//! ```

use std::io::Write;
use std::process::ExitCode;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, EmitError, EmitOptions, Ingress, Memory, NodePool,
    PathType, Platform, Resources, Service, Stack,
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

fn main() -> ExitCode {
    let Some(n) = std::env::args()
        .nth(1)
        .and_then(|a| a.parse::<usize>().ok())
    else {
        eprintln!("usage: perf_anchor N");
        return ExitCode::from(2);
    };
    let stack = stack(n);
    let platform = platform(n);
    let stdout = std::io::stdout().lock();
    // The full check (structure, lints, budget on `platform`) runs while the YAML renders;
    // nothing is written unless it passes.
    match stack.write_yaml(&EmitOptions::new().platform(platform), stdout) {
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
