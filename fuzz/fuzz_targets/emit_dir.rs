//! The CLI's emit path on any spec: every output format written into a scratch directory
//! never writes outside it (nothing appears beside `out/`), and a refused write leaves no
//! partial `out/`.
#![no_main]

use std::path::Path;

use kubefit::{DotEnv, EmitError, EmitOptions, Stack, StackSpec};
use libfuzzer_sys::fuzz_target;

fn siblings(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = StackSpec::from_yaml(s, "fuzz.yaml") else {
        return;
    };
    let Ok(stack) = spec.to_stack(&DotEnv::default()) else {
        return;
    };
    let opts = EmitOptions::new().plaintext_secrets(true);
    let writes: [&dyn Fn(&Stack, &Path) -> Result<(), EmitError>; 5] = [
        &|st, d| st.emit(&opts)?.write_dir(d),
        &|st, d| st.emit(&opts)?.write_json_dir(d),
        &|st, d| kubefit::KustomizeTree::new(&st, &[], &opts)?.write_dir(d),
        &|st, d| kubefit::HelmChart::new(&st, &opts)?.write_dir(d),
        &|st, d| kubefit::Compose::new(&st).and_then(|c| c.write_dir(d)),
    ];
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    for write in writes {
        let ok = write(&stack, &out).is_ok();
        let beside = siblings(scratch.path());
        if ok {
            assert_eq!(beside, ["out"], "written beside the output directory");
            std::fs::remove_dir_all(&out).unwrap();
        } else {
            assert!(beside.is_empty(), "a refused write left {beside:?}");
        }
    }
});
