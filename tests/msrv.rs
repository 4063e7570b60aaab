//! The declared MSRV (`rust-version`) is at least the highest `rust-version` any normal or
//! build dependency declares, as `cargo metadata` resolves them: a dependency update that
//! raises it fails here instead of breaking users on the declared toolchain.

use std::process::Command;

fn version(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

#[test]
fn rust_version_covers_every_dependency() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = m["packages"].as_array().unwrap();
    let by_id = |id: &str| packages.iter().find(|p| p["id"] == id).unwrap();
    let root = packages.iter().find(|p| p["name"] == "kubefit").unwrap();
    let declared = root["rust_version"]
        .as_str()
        .expect("rust-version is declared");
    let nodes = m["resolve"]["nodes"].as_array().unwrap();
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![root["id"].as_str().unwrap().to_owned()];
    while let Some(id) = stack.pop() {
        for d in node(&id)["deps"].as_array().unwrap() {
            let normal = d["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            let pkg = d["pkg"].as_str().unwrap().to_owned();
            if normal && seen.insert(pkg.clone()) {
                stack.push(pkg);
            }
        }
    }
    let (highest, who) = seen
        .iter()
        .filter_map(|id| {
            let p = by_id(id);
            Some((
                version(p["rust_version"].as_str()?),
                p["name"].as_str()?.to_owned(),
            ))
        })
        .max()
        .unwrap();
    assert!(
        version(declared) >= highest,
        "rust-version {declared} is below {who}'s {highest:?}: raise it in Cargo.toml"
    );
}
