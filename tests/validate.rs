//! Every sample stack passes `kubernetes-validate --strict` for Kubernetes 1.33 and 1.37,
//! with no document skipped (the examples' output is judged in tests/examples.rs).

mod common;

const VERSIONS: [&str; 2] = ["1.33.0", "1.37.0"];

#[test]
fn sample_stacks_pass_kubernetes_validate() {
    common::needs_external_tools!();
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
