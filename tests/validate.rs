//! Every YAML file the examples and the snapshot stacks emit passes
//! `kubernetes-validate --strict` for Kubernetes 1.33 and 1.37, with no document skipped.

mod common;

use std::path::PathBuf;

const VERSIONS: [&str; 2] = ["1.33.0", "1.37.0"];

#[test]
fn sample_stacks_pass_kubernetes_validate() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut documents = 0;
    for (name, stack) in common::all_stacks() {
        let yaml = common::yaml(&stack);
        documents += yaml.matches("\n---\n").count() + 1;
        files.push(common::write(dir.path(), &format!("{name}.yaml"), &yaml));
    }
    for v in VERSIONS {
        common::validate(&files, v, documents);
    }
}

/// Every example that writes manifests, run as a user would.
const EXAMPLES: [&str; 2] = ["quickstart", "phase_v_always_free"];

#[test]
fn example_output_passes_kubernetes_validate() {
    for example in EXAMPLES {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let run = common::run_example(example, [std::ffi::OsStr::new("--out"), out.as_os_str()]);
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{example} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        if example == "phase_v_always_free" {
            // Seed 002's plan does not fit the current pool, by 1.1 OCPU; the adjusted plan does.
            assert!(stdout.contains("verdict: DOES NOT FIT"), "{stdout}");
            assert!(
                stdout.contains("3100m of cpu against a pool of 2 — short by 1100m"),
                "{stdout}"
            );
            assert!(stdout.contains("verdict: FITS"), "{stdout}");
        }
        // The manifests `kubectl apply -f DIR` reads (not .env.example, not secrets/).
        let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml"))
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect();
        files.sort();
        assert!(files.len() >= 10, "{example} wrote {} files", files.len());
        for v in VERSIONS {
            common::validate(&files, v, files.len());
        }
    }
}
