//! kubectl (a YAML 1.1 reader) and serde_yaml read our YAML as we meant it: strings such as
//! `on`, `yes`, `NO`, `y`, `0755`, `1.0`, `1_000` and `12:30` stay strings.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use kubefit::EmitOptions;

fn config_map_and_env_names(json: &serde_json::Value) -> (BTreeMap<String, String>, Vec<String>) {
    let mut data = BTreeMap::new();
    let mut env = Vec::new();
    let items = json["items"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![json.clone()]);
    for item in items {
        match item["kind"].as_str() {
            Some("ConfigMap") => {
                for (k, v) in item["data"].as_object().unwrap() {
                    let v = v
                        .as_str()
                        .unwrap_or_else(|| panic!("{k} decoded as {v}, not a string"));
                    data.insert(k.clone(), v.to_owned());
                }
            }
            Some("Deployment") => {
                for e in item["spec"]["template"]["spec"]["containers"][0]["env"]
                    .as_array()
                    .unwrap()
                {
                    let name = e["name"]
                        .as_str()
                        .unwrap_or_else(|| panic!("env name decoded as {}", e["name"]));
                    let value = e["value"]
                        .as_str()
                        .unwrap_or_else(|| panic!("env value decoded as {}", e["value"]));
                    env.push(format!("{name}={value}"));
                }
            }
            _ => {}
        }
    }
    (data, env)
}

fn expected() -> (BTreeMap<String, String>, Vec<String>) {
    let stack = common::tricky_config_stack();
    let m = stack.emit(&EmitOptions::new()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&m.to_json().unwrap()).unwrap();
    config_map_and_env_names(&json)
}

#[test]
fn kubectl_reads_tricky_strings_as_strings() {
    common::needs_external_tools!();
    let (want_data, want_env) = expected();
    for v in common::TRICKY_VALUES {
        assert!(want_data.values().any(|x| x == v), "fixture covers {v}");
    }
    assert!(want_env.contains(&"NO=no".to_owned()));

    let dir = tempfile::tempdir().unwrap();
    let yaml = common::yaml(&common::tricky_config_stack());
    let file = common::write(dir.path(), "tricky.yaml", &yaml);
    let out = Command::new(common::kubectl())
        .args(["label", "--local", "-o", "json", "kubefit-test=yes", "-f"])
        .arg(&file)
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One JSON object per document, concatenated.
    let items: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        items.len(),
        4,
        "namespace, networkpolicy, configmap, deployment"
    );
    let (data, env) = config_map_and_env_names(&serde_json::json!({ "items": items }));
    assert_eq!(data, want_data);
    assert_eq!(env, want_env);
}

#[test]
fn serde_yaml_reads_tricky_strings_as_strings() {
    let (want_data, want_env) = expected();
    let yaml = common::yaml(&common::tricky_config_stack());
    let mut items = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(&yaml) {
        let v: serde_json::Value = serde::Deserialize::deserialize(doc).unwrap();
        items.push(v);
    }
    let (data, env) = config_map_and_env_names(&serde_json::json!({ "items": items }));
    assert_eq!(data, want_data);
    assert_eq!(env, want_env);
}

#[test]
fn serde_saphyr_reads_back_what_it_wrote() {
    let (want_data, want_env) = expected();
    let yaml = common::yaml(&common::tricky_config_stack());
    let items: Vec<serde_json::Value> = serde_saphyr::from_multiple(&yaml).unwrap();
    let (data, env) = config_map_and_env_names(&serde_json::json!({ "items": items }));
    assert_eq!(data, want_data);
    assert_eq!(env, want_env);
}
