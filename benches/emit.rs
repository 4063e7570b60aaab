//! Emission benchmarks (build, check, YAML emit) at several stack sizes, on the
//! peers-bench workload and on the realistic, lint-clean workload
//! (`examples/perf_anchor.rs`, `benches/realistic/`).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kubefit::{EmitOptions, Environment, ImageOverride, Stack};

/// The peers-bench workload, exactly as `perf_anchor` builds it.
#[path = "../examples/perf_anchor.rs"]
#[allow(dead_code)]
mod anchor;

fn build(n: usize) -> Stack {
    anchor::stack(n)
}

/// The options kubefit writes YAML with (no folding of long strings).
fn yaml_options() -> serde_saphyr::SerializerOptions {
    let mut o = serde_saphyr::SerializerOptions::default();
    o.folded_wrap_chars = usize::MAX;
    o
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("stack");
    g.sample_size(20);
    for n in [10usize, 100, 1000, 5000] {
        g.bench_with_input(BenchmarkId::new("build", n), &n, |b, &n| {
            b.iter(|| build(n))
        });
        let stack = build(n);
        g.bench_with_input(BenchmarkId::new("check", n), &stack, |b, s| {
            b.iter(|| s.check())
        });
        // What `perf_anchor` runs: the check plus the budget on a platform large enough.
        let platform = anchor::platform(n);
        g.bench_with_input(BenchmarkId::new("check_on", n), &stack, |b, s| {
            b.iter(|| s.check_on(&platform))
        });
        g.bench_with_input(BenchmarkId::new("emit_yaml", n), &stack, |b, s| {
            b.iter(|| s.emit(&EmitOptions::new()).and_then(|m| m.to_yaml()))
        });
        // End-to-end streaming emit (lowering + YAML, on every core), no check: what
        // `perf_anchor` does after its check.
        let unchecked = EmitOptions::new().skip_check(true);
        g.bench_with_input(BenchmarkId::new("write_yaml", n), &stack, |b, s| {
            b.iter(|| s.write_yaml(&unchecked, std::io::sink()))
        });
        // The practical limit: bare serde-saphyr serialisation of the same, already lowered
        // k8s-openapi objects, on one core.
        let lowered = stack.emit(&unchecked).unwrap();
        g.bench_with_input(
            BenchmarkId::new("bare_serde_saphyr", n),
            &lowered,
            |b, m| {
                b.iter(|| {
                    let mut out = std::io::sink();
                    for d in m.documents() {
                        serde_saphyr::to_io_writer_with_options(
                            &mut out,
                            d.object(),
                            yaml_options(),
                        )
                        .unwrap();
                    }
                })
            },
        );
    }
    g.finish();

    // The realistic workload: probes, volumes, Secrets, PDBs, autoscalers, NetworkPolicies.
    let mut g = c.benchmark_group("realistic");
    g.sample_size(20);
    for n in [100usize, 1000] {
        let stack = anchor::realistic_stack(n);
        let platform = anchor::realistic_platform(n);
        g.bench_with_input(BenchmarkId::new("build", n), &n, |b, &n| {
            b.iter(|| anchor::realistic_stack(n))
        });
        g.bench_with_input(BenchmarkId::new("check_on", n), &stack, |b, s| {
            b.iter(|| s.check_on(&platform))
        });
        let unchecked = EmitOptions::new().skip_check(true).plaintext_secrets(true);
        g.bench_with_input(BenchmarkId::new("write_yaml", n), &stack, |b, s| {
            b.iter(|| s.write_yaml(&unchecked, std::io::sink()))
        });
    }
    g.finish();

    // In-process render of 3 environments (the work `kubectl kustomize` does on the tree).
    let mut g = c.benchmark_group("environments");
    let envs: Vec<Environment> = ["dev", "staging", "prod"]
        .iter()
        .map(|e| {
            Environment::new(*e)
                .namespace(format!("perf-{e}"))
                .label("environment", *e)
                .replicas("app-0", 3)
                .image("nginx", ImageOverride::tag("1.28"))
        })
        .collect();
    g.sample_size(10);
    for n in [10usize, 100, 1000, 5000] {
        let stack = build(n);
        g.bench_with_input(BenchmarkId::new("render_3_envs", n), &stack, |b, s| {
            b.iter(|| {
                envs.iter()
                    .map(|e| {
                        s.render(e)
                            .emit(&EmitOptions::new())
                            .and_then(|m| m.to_yaml())
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
        });
        g.bench_with_input(BenchmarkId::new("kustomize_tree", n), &stack, |b, s| {
            b.iter(|| kubefit::KustomizeTree::new(s, &envs, &EmitOptions::new()))
        });
    }
    g.finish();
}

criterion_group!(emit, benches);
criterion_main!(emit);
