//! Every YAML file the examples and the snapshot stacks emit passes
//! `kubernetes-validate --strict` for Kubernetes 1.33 and 1.37, with no document skipped.

mod common;

use std::path::PathBuf;
use std::process::Command;

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

#[test]
fn quickstart_example_output_passes_kubernetes_validate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "quickstart", "--", "--out"])
        .arg(&out)
        .current_dir(common::repo_root())
        .status()
        .unwrap();
    assert!(status.success(), "quickstart failed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "quickstart wrote {} files", files.len());
    for v in VERSIONS {
        common::validate(&files, v, files.len());
    }
}
