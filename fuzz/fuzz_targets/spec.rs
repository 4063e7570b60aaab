//! Loading, checking and emitting any spec never panics.
#![no_main]

use kubefit::{EmitOptions, ProcessEnv, StackSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = StackSpec::from_yaml(s, "fuzz.yaml") else {
        return;
    };
    let Ok(stack) = spec.to_stack(&ProcessEnv) else {
        return;
    };
    let _ = stack.check();
    if let Ok(Some(platform)) = spec.platform() {
        let _ = stack.fit(&platform);
    }
    if let Ok(envs) = spec.environments(&ProcessEnv) {
        for e in &envs {
            let _ = stack.check_environment(e);
        }
    }
    let _ = stack.emit(&EmitOptions::new().allow_errors(true)).map(|m| m.to_yaml());
});
