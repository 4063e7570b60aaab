//! kubefit writes the YAML of typical documents itself (the block layout serde-saphyr uses,
//! with strings outside a narrow always-plain class rendered by serde-saphyr); every document
//! of every sample stack must come out byte for byte as serde-saphyr writes the same
//! k8s-openapi object. (The examples' snapshots, written by serde-saphyr before the fast path
//! existed, hold the same for the seed stacks.) `Stack::write_yaml` serialises typical
//! Deployments, Services and ConfigMaps through borrowed views instead of lowering them; its
//! stream must be the same bytes.

mod common;

use kubefit::EmitOptions;

fn saphyr(object: &kubefit::K8sObject) -> String {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    serde_saphyr::to_string_with_options(object, options).unwrap()
}

#[test]
fn every_document_is_what_serde_saphyr_writes() {
    let mut checked = 0;
    for (name, stack) in common::all_stacks() {
        let m = stack
            .emit(&EmitOptions::new().plaintext_secrets(true))
            .unwrap();
        let mut joined = String::new();
        for d in m.documents() {
            let ours = d.to_yaml().unwrap();
            assert_eq!(
                ours,
                saphyr(d.object()),
                "{name}: {}/{}",
                d.kind(),
                d.name()
            );
            joined.push_str("---\n");
            joined.push_str(&ours);
            checked += 1;
        }
        assert_eq!(m.to_yaml().unwrap(), joined, "{name}: the whole stream");
        let mut streamed = Vec::new();
        stack
            .write_yaml(&EmitOptions::new().plaintext_secrets(true), &mut streamed)
            .unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            joined,
            "{name}: write_yaml"
        );
    }
    assert!(checked > 30, "only {checked} documents compared");
}
