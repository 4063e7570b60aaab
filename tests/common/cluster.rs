//! The local control plane of `tests/cluster/` — the real kube-apiserver, kube-controller-manager
//! and kube-scheduler of Kubernetes v1.37.2, with a fake kubelet — driven over its JSON
//! protocol (see tests/cluster/protocol.go). One per test binary, started on first use and
//! shared behind a lock; it ends with the test process (its stdin closes). A test may start
//! more of its own ([`Cluster::start`]) to judge many stacks at once.
//!
//! `KUBEFIT_CLUSTER` names the helper binary (`scripts/build-cluster.sh` builds it; the test
//! command sets the variable). Tests that use it start with `needs_external_tools!()`, so a
//! missing helper is a loud failure there.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

use kubefit::Platform;
use serde_json::{Value, json};

/// The helper, running.
pub struct Cluster {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// A kubeconfig for `kubectl --kubeconfig` (full rights).
    pub kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

/// What the API server said to one applied document.
#[derive(Debug, Clone)]
pub struct Applied {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub admitted: bool,
    pub error: String,
    /// The API server's warnings (Pod Security's warn level, invalid TLS data…).
    pub warnings: Vec<String>,
}

fn helper() -> PathBuf {
    let path = std::env::var_os("KUBEFIT_CLUSTER").map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "KUBEFIT_CLUSTER is not set: scripts/build-cluster.sh builds the control-plane helper \
             (Go 1.26 and the Go module proxy) and scripts/test.sh sets the variable"
        )
    });
    assert!(
        path.is_file(),
        "the control-plane helper {} does not exist: run scripts/build-cluster.sh",
        path.display()
    );
    path
}

/// The shared cluster, started on first use.
pub fn cluster() -> MutexGuard<'static, Cluster> {
    static CLUSTER: OnceLock<Mutex<Cluster>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| Mutex::new(Cluster::start()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Cluster {
    /// A cluster of its own (the shared one is [`cluster`]); it ends when dropped.
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("kubefit-cluster-")
            .tempdir()
            .unwrap();
        let mut child = Command::new(helper())
            .arg("serve")
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the control-plane helper starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|_| {
            panic!(
                "the control-plane helper did not start (logs in {}): {line:?}",
                dir.path().display()
            )
        });
        assert_eq!(ready["ready"], true, "{ready}");
        Cluster {
            _child: child,
            stdin,
            stdout,
            kubeconfig: PathBuf::from(ready["kubeconfig"].as_str().unwrap()),
            _dir: dir,
        }
    }

    /// One request, its answer; a request the helper could not carry out panics.
    pub fn request(&mut self, request: Value) -> Value {
        writeln!(self.stdin, "{request}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let answer: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the helper answered {line:?} ({e}) to {request}"));
        assert!(
            answer.get("error").is_none(),
            "the helper failed {}: {}",
            request["op"],
            answer["error"]
        );
        answer
    }

    /// A clean slate with the platform's nodes (`Platform::nodes`): every namespace of earlier
    /// tests and every pod is deleted, so nothing holds room, and the platform's add-ons
    /// (`Platform::system_pods`) run, placed by the scheduler.
    pub fn use_platform(&mut self, platform: &Platform) {
        let nodes = serde_json::to_value(platform.nodes()).unwrap();
        self.request(json!({"op": "nodes", "nodes": nodes, "reset": true}));
        let pods: Vec<String> = platform
            .system_pods()
            .iter()
            .map(|p| serde_json::to_string(p).unwrap())
            .collect();
        let applied = self.apply(&pods.join("\n---\n"));
        for a in &applied {
            assert!(a.admitted, "system pod {} refused: {}", a.name, a.error);
        }
        self.settle(&["kube-system"], 1000);
    }

    /// Server-side applies every document of `yaml` in order.
    pub fn apply(&mut self, yaml: &str) -> Vec<Applied> {
        let answer = self.request(json!({"op": "apply", "yaml": yaml}));
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| Applied {
                kind: r["kind"].as_str().unwrap_or_default().to_owned(),
                namespace: r["namespace"].as_str().unwrap_or_default().to_owned(),
                name: r["name"].as_str().unwrap_or_default().to_owned(),
                admitted: r["admitted"] == true,
                error: r["error"].as_str().unwrap_or_default().to_owned(),
                warnings: r["warnings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|w| w.as_str().map(str::to_owned))
                    .collect(),
            })
            .collect()
    }

    /// Waits until the controllers and the scheduler are done with `namespaces` (nothing
    /// changing for `quiet_ms`); the answer has `settled`, `pods`, `workloads` and `warnings`
    /// (see protocol.go).
    pub fn settle(&mut self, namespaces: &[&str], quiet_ms: u64) -> Value {
        let answer = self.request(json!({
            "op": "settle", "namespaces": namespaces, "timeout_seconds": 90, "quiet_ms": quiet_ms
        }));
        assert_eq!(
            answer["settled"], true,
            "the cluster did not settle within 90 s: {answer:#}"
        );
        answer
    }

    /// Deletes the namespaces (and so everything in them); waits until they are gone when
    /// `wait` (otherwise the next apply of one of them waits).
    pub fn delete_namespaces(&mut self, namespaces: &[String], wait: bool) {
        if !namespaces.is_empty() {
            self.request(
                json!({"op": "delete_namespaces", "namespaces": namespaces, "no_wait": !wait}),
            );
        }
    }
}

/// `group/version` → (group, version); the core group is "".
fn group_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// Whether a document's kind comes from a CustomResourceDefinition rather than Kubernetes, and
/// one could serve it: a kind the API server's CRD validation would refuse (`middleware`,
/// `My_Kind`) gets no CRD, so the API server answers that it has no such kind, as a cluster
/// with the operator's real CRD would.
fn is_custom(doc: &Value) -> bool {
    let (group, version) = group_version(doc["apiVersion"].as_str().unwrap_or_default());
    let kind = doc["kind"].as_str().unwrap_or_default();
    let camel = kind.starts_with(|c: char| c.is_ascii_uppercase())
        && kind.chars().all(|c| c.is_ascii_alphanumeric());
    let dns = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
    };
    group.contains('.')
        && !group.ends_with(".k8s.io")
        && dns(group)
        && dns(version)
        && camel
        && kind != "CustomResourceDefinition"
}

fn plural(kind: &str) -> String {
    let lower = kind.to_lowercase();
    if lower.ends_with('s') || lower.ends_with('x') {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

/// A CustomResourceDefinition that serves `doc`'s kind and accepts any content: the cluster
/// judges a custom resource's envelope (names, namespace), not its schema, which only its
/// operator's own CRD knows.
fn permissive_crd(doc: &Value) -> Value {
    let (group, version) = group_version(doc["apiVersion"].as_str().unwrap());
    let kind = doc["kind"].as_str().unwrap();
    let plural = plural(kind);
    let namespaced = doc["metadata"].get("namespace").is_some();
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{plural}.{group}")},
        "spec": {
            "group": group,
            "scope": if namespaced { "Namespaced" } else { "Cluster" },
            "names": {"kind": kind, "listKind": format!("{kind}List"), "plural": plural, "singular": kind.to_lowercase()},
            "versions": [{
                "name": version, "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
            }]
        }
    })
}

/// The documents of the manifest files, in order (`null` documents dropped).
pub fn documents(files: &[PathBuf]) -> Vec<Value> {
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let docs: Vec<Value> = serde_saphyr::from_multiple(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            docs
        })
        .filter(|d| !d.is_null())
        .collect()
}

/// What the cluster made of a set of manifests: every document applied, what was refused, and
/// the pods and warnings once the controllers and the scheduler were done.
pub struct Outcome {
    pub applied: Vec<Applied>,
    pub settled: Value,
}

impl Outcome {
    /// Refused documents and pods the controllers could not create, one line each.
    pub fn refusals(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .applied
            .iter()
            .filter(|a| !a.admitted)
            .map(|a| format!("{} {}/{}: {}", a.kind, a.namespace, a.name, a.error))
            .collect();
        for w in self.settled["warnings"].as_array().into_iter().flatten() {
            let w = w.as_str().unwrap();
            if w.contains("FailedCreate") || w.contains("ReplicaFailure") {
                out.push(w.to_owned());
            }
        }
        out
    }
}

/// Makes ready what `docs` need but do not bring: a permissive CRD for each custom kind, and
/// the namespaces they use but do not define (as `helm install --create-namespace` makes
/// them). Returns every namespace the documents define or use.
pub fn prepare(c: &mut Cluster, docs: &[Value]) -> Vec<String> {
    let mut defined = BTreeSet::new();
    let mut used = BTreeSet::new();
    let mut crds = BTreeMap::new();
    for doc in docs {
        if doc["kind"] == "Namespace" {
            defined.insert(doc["metadata"]["name"].as_str().unwrap().to_owned());
        }
        if let Some(ns) = doc["metadata"]["namespace"].as_str() {
            used.insert(ns.to_owned());
        }
        if is_custom(doc) {
            let crd = permissive_crd(doc);
            crds.insert(crd["metadata"]["name"].as_str().unwrap().to_owned(), crd);
        }
    }
    let mut prelude: Vec<String> = crds.values().map(Value::to_string).collect();
    for ns in used.difference(&defined) {
        prelude.push(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}).to_string(),
        );
    }
    if !prelude.is_empty() {
        for a in c.apply(&prelude.join("\n---\n")) {
            assert!(
                a.admitted,
                "prelude {} {} refused: {}",
                a.kind, a.name, a.error
            );
        }
    }
    defined.union(&used).cloned().collect()
}

/// Applies the manifests to the cluster in their order (after [`prepare`]), lets the
/// controllers and the scheduler run, then deletes the namespaces again.
pub fn run(files: &[PathBuf]) -> Outcome {
    let docs = documents(files);
    let text: Vec<String> = docs.iter().map(Value::to_string).collect();
    let mut c = cluster();
    let namespaces = prepare(&mut c, &docs);
    let refs: Vec<&str> = namespaces.iter().map(String::as_str).collect();
    let applied = c.apply(&text.join("\n---\n"));
    // The controllers create (or fail to create) pods within milliseconds of the apply.
    let settled = c.settle(&refs, 1000);
    c.delete_namespaces(&namespaces, false);
    Outcome { applied, settled }
}

/// The real API server and controllers admit every document of the manifest files and every
/// pod their workloads make.
pub fn admits(files: &[PathBuf]) {
    let outcome = run(files);
    let refusals = outcome.refusals();
    assert!(
        refusals.is_empty(),
        "the control plane refused (files {}):\n{}",
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        refusals.join("\n")
    );
}

/// `admits` for a directory's manifests as `kubectl apply -f DIR` reads them.
pub fn admits_dir(dir: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    admits(&files);
}
