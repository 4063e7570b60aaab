//! Placing 10,000 pods on 1,000 nodes (goal: under 50 ms), and smaller sizes.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kubefit::{Container, Cpu, Deployment, Memory, NodePool, Platform, Reserved, Resources, Stack};

fn stack(pods: usize) -> Stack {
    // 100 workloads of pods/100 replicas each, with varied sizes.
    (0..100).fold(Stack::new("bench"), |s, i| {
        let cpu = 50 + (i as u64 * 37) % 400;
        let mem = 64 + (i as u64 * 53) % 960;
        s.with(
            Deployment::new(
                format!("w{i}"),
                Container::new("c", "nginx:1.27")
                    .resources(Resources::new().requests(Cpu::millis(cpu), Memory::mebibytes(mem))),
            )
            .replicas(i32::try_from(pods / 100).unwrap_or(1))
            .recreate(),
        )
    })
}

fn platform(nodes: u32) -> Platform {
    Platform::new("bench", "synthetic", "2026-11").pool(
        NodePool::new("n", nodes, Cpu::cores(8), Memory::gibibytes(32)).reserved(Reserved::none()),
    )
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("placement");
    for (pods, nodes) in [
        (10usize, 1u32),
        (100, 10),
        (1_000, 100),
        (5_000, 500),
        (10_000, 1_000),
    ] {
        let s = stack(pods);
        let p = platform(nodes);
        g.bench_with_input(
            BenchmarkId::new("fit", format!("{pods}pods_{nodes}nodes")),
            &(s, p),
            |b, (s, p)| b.iter(|| s.fit(p)),
        );
    }
    g.finish();
}

criterion_group!(placement, benches);
criterion_main!(placement);
