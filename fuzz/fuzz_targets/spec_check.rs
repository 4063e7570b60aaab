//! Loading and checking any spec never panics, and stays cheap enough to run millions of
//! times: parse, lower to a stack, check. Fitting and emitting are `spec`'s and `emit`'s job.
#![no_main]

use kubefit::{DotEnv, StackSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let spec = match StackSpec::from_yaml(s, "fuzz.yaml") {
        Ok(spec) => spec,
        Err(e) => {
            // Every error message is printable as it is: no raw control characters.
            let text = e.to_string();
            assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
            return;
        }
    };
    let Ok(stack) = spec.to_stack(&DotEnv::default()) else {
        return;
    };
    let report = stack.check();
    let text = report.to_string();
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
});
