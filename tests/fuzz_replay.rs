//! Replays the fuzz seeds and every input the fuzzers found (fuzz/seeds/) through the same
//! checks as the fuzz targets, so regressions fail in CI without a fuzzer.

mod common;

use kubefit::{Cpu, EmitOptions, Memory, ProcessEnv, Quantity, StackSpec};

fn inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let path = common::repo_root().join("fuzz/seeds").join(dir);
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

#[test]
fn quantity_seeds_round_trip() {
    for (name, data) in inputs("quantity") {
        let Ok(s) = std::str::from_utf8(&data) else {
            continue;
        };
        if let Ok(q) = s.parse::<Quantity>() {
            let printed = q.to_string();
            assert_eq!(printed.parse::<Quantity>().unwrap(), q, "{name}");
        }
        if let Ok(c) = s.parse::<Cpu>() {
            assert_eq!(c.to_string().parse::<Cpu>(), Ok(c), "{name}");
        }
        if let Ok(m) = s.parse::<Memory>() {
            assert_eq!(m.to_string().parse::<Memory>(), Ok(m), "{name}");
        }
    }
}

#[test]
fn spec_seeds_load_check_and_emit() {
    for (name, data) in inputs("spec") {
        let Ok(s) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(spec) = StackSpec::from_yaml(s, &name) else {
            continue;
        };
        let Ok(stack) = spec.to_stack(&ProcessEnv) else {
            continue;
        };
        let _ = stack.check();
        if let Ok(Some(p)) = spec.platform() {
            let _ = stack.fit(&p);
        }
        if let Ok(envs) = spec.environments(&ProcessEnv) {
            for e in &envs {
                let _ = stack.check_environment(e);
            }
        }
        let _ = stack
            .emit(&EmitOptions::new().allow_errors(true))
            .map(|m| m.to_yaml());
    }
}
