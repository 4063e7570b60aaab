//! Kustomize output: `base/` plus one overlay per environment, using current fields
//! (`labels`, `patches`, `replicas`, `images`).

use serde_json::{Map, Value, json};

use crate::emit::environment::Environment;
use crate::emit::{EmitError, EmitOptions, write_atomically};
use crate::model::object::Object;
use crate::model::stack::Stack;

/// A Kustomize tree: `base/` with the stack's manifests and a `kustomization.yaml`, and
/// `overlays/<env>/kustomization.yaml` (with its patches) for each environment.
/// `kubectl kustomize overlays/<env>` builds exactly the objects of
/// [`Stack::render`] for that environment.
///
/// ```
/// use kubefit::{Container, Deployment, EmitOptions, Environment, Stack};
/// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
/// let tree = kubefit::KustomizeTree::new(&stack, &[Environment::new("prod").replicas("api", 3)], &EmitOptions::new())?;
/// assert!(tree.files().iter().any(|(p, _)| p == "overlays/prod/kustomization.yaml"));
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KustomizeTree {
    files: Vec<(String, String)>,
}

impl KustomizeTree {
    /// Every file, as (relative path, content).
    ///
    /// ```
    /// let tree = kubefit::KustomizeTree::new(&kubefit::Stack::new("shop"), &[], &kubefit::EmitOptions::new())?;
    /// assert_eq!(tree.files()[0].0, "base/00-namespace-shop.yaml");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// Writes the tree into `dir`, atomically (see [`Manifests::write_dir`](crate::Manifests::write_dir)).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("kubefit-kz-doc-{}", std::process::id()));
    /// kubefit::KustomizeTree::new(&kubefit::Stack::new("shop"), &[], &kubefit::EmitOptions::new())?.write_dir(&dir)?;
    /// assert!(dir.join("base/kustomization.yaml").exists());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn write_dir(&self, dir: impl AsRef<std::path::Path>) -> Result<(), EmitError> {
        write_atomically(dir.as_ref(), &self.files)
    }
}

fn yaml(v: &Value) -> Result<String, EmitError> {
    serde_saphyr::to_string(v).map_err(|e| EmitError::Serialize {
        object: "kustomization".to_owned(),
        message: e.to_string(),
        source: Some(Box::new(e)),
    })
}

fn kustomization(resources: Vec<Value>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "apiVersion".into(),
        "kustomize.config.k8s.io/v1beta1".into(),
    );
    m.insert("kind".into(), "Kustomization".into());
    m.insert("resources".into(), Value::Array(resources));
    m
}

fn to_value<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

/// A strategic-merge patch giving the containers of a rendered workload their env and
/// resources (containers are merged by name; the full env list keeps the order).
fn workload_patch(kind: &str, name: &str, rendered: &Value, names: &[String]) -> Value {
    // A CronJob's pod template is one level deeper, in its job template.
    let cron = kind == "CronJob";
    let spec = if cron {
        &rendered["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    } else {
        &rendered["spec"]["template"]["spec"]
    };
    // Strategic merge puts the patch's items first, so a patched list names every item, in
    // order, to keep the order of the render.
    let pick = |list: &Value| -> Vec<Value> {
        let Some(cs) = list.as_array() else {
            return Vec::new();
        };
        if !cs
            .iter()
            .any(|c| names.iter().any(|n| c["name"] == n.as_str()))
        {
            return Vec::new();
        }
        cs.iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("name".into(), c["name"].clone());
                if names.iter().any(|n| c["name"] == n.as_str()) {
                    for f in ["env", "resources"] {
                        if !c[f].is_null() {
                            m.insert(f.into(), c[f].clone());
                        }
                    }
                }
                Value::Object(m)
            })
            .collect()
    };
    let mut pod = Map::new();
    let containers = pick(&spec["containers"]);
    if !containers.is_empty() {
        pod.insert("containers".into(), Value::Array(containers));
    }
    let init = pick(&spec["initContainers"]);
    if !init.is_empty() {
        pod.insert("initContainers".into(), Value::Array(init));
    }
    let template = json!({"template": {"spec": Value::Object(pod)}});
    json!({
        "apiVersion": rendered["apiVersion"].clone(),
        "kind": kind,
        "metadata": {"name": name},
        "spec": if cron { json!({"jobTemplate": {"spec": template}}) } else { template },
    })
}

impl KustomizeTree {
    /// The Kustomize tree for `envs`: `base/` (this stack, emitted with `options`) and
    /// `overlays/<env>/` for each environment with `namespace`, `labels`, `replicas`,
    /// `images` and `patches` (strategic merge, one file per patched object). With
    /// [`EmitOptions::encrypt_secrets`] each overlay also gets its Secrets, SOPS-encrypted,
    /// under `overlays/<env>/secrets/` (decrypt them at deploy time, e.g. with KSOPS or
    /// `sops --decrypt | kubectl apply -f -`).
    ///
    /// ```
    /// use kubefit::{Container, Deployment, EmitOptions, Environment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let tree = kubefit::KustomizeTree::new(&stack, &[Environment::new("dev")], &EmitOptions::new())?;
    /// let overlay = &tree.files().iter().find(|(p, _)| p == "overlays/dev/kustomization.yaml").unwrap().1;
    /// assert!(overlay.contains("- ../../base"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn new(
        stack: &Stack,
        envs: &[Environment],
        options: &EmitOptions,
    ) -> Result<Self, EmitError> {
        for env in envs {
            let report = stack.check_environment(env);
            if report.has_errors() && !options.allows_errors() {
                return Err(EmitError::Check(report));
            }
        }
        let base = stack.emit(options)?;
        let mut files = Vec::new();
        let mut resources = Vec::new();
        for (name, doc) in base.file_names().into_iter().zip(base.documents()) {
            files.push((format!("base/{name}"), doc.to_yaml()?));
            resources.push(Value::String(name));
        }
        files.push((
            "base/kustomization.yaml".to_owned(),
            yaml(&Value::Object(kustomization(resources)))?,
        ));
        let mut root_files = Vec::new();
        for (path, content) in base.extra_files() {
            if path.starts_with("secrets/") {
                continue; // secrets go per overlay
            }
            root_files.push((path.clone(), content.clone()));
        }
        for env in envs {
            files.extend(Self::overlay(stack, env, options)?);
        }
        files.extend(root_files);
        Ok(KustomizeTree { files })
    }

    fn overlay(
        stack: &Stack,
        env: &Environment,
        options: &EmitOptions,
    ) -> Result<Vec<(String, String)>, EmitError> {
        let dir = format!("overlays/{}", env.name);
        let rendered = stack.render(env);
        let out = rendered.emit(options)?;
        let lowered: Vec<(&str, String, Value)> = out
            .documents()
            .iter()
            .map(|d| (d.kind(), d.name().to_owned(), to_value(d.object())))
            .collect();
        let find = |kind: &str, name: &str| {
            lowered
                .iter()
                .find(|(k, n, _)| *k == kind && n == name)
                .map(|(_, _, v)| v)
        };

        let mut k = kustomization(vec![Value::String("../../base".into())]);
        if let Some(ns) = &env.namespace {
            k.insert("namespace".into(), Value::String(ns.to_string()));
        }
        if !env.labels.is_empty() {
            k.insert("labels".into(), json!([{ "pairs": env.labels }]));
        }
        if !env.replicas.is_empty() {
            let r: Vec<Value> = env
                .replicas
                .iter()
                .map(|(n, c)| json!({"name": n, "count": c}))
                .collect();
            k.insert("replicas".into(), Value::Array(r));
        }
        if !env.images.is_empty() {
            let imgs: Vec<Value> = env
                .images
                .iter()
                .map(|(n, o)| {
                    let mut m = Map::new();
                    m.insert("name".into(), Value::String(n.clone()));
                    if let Some(t) = &o.tag {
                        m.insert("newTag".into(), Value::String(t.clone()));
                    }
                    if let Some(d) = &o.digest {
                        m.insert("digest".into(), Value::String(d.clone()));
                    }
                    Value::Object(m)
                })
                .collect();
            k.insert("images".into(), Value::Array(imgs));
        }

        let mut files = Vec::new();
        let mut patches = Vec::new();
        let mut add_patch = |kind: &str,
                             name: &str,
                             patch: Value,
                             files: &mut Vec<(String, String)>|
         -> Result<(), EmitError> {
            let path = format!(
                "patches/{}",
                crate::emit::file_name(&format!("{}-{name}", kind.to_lowercase()), ".yaml")
            );
            files.push((format!("{dir}/{path}"), yaml(&patch)?));
            patches.push(json!({"path": path, "target": {"kind": kind, "name": name}}));
            Ok(())
        };
        for o in &stack.objects {
            let (kind, name) = match o {
                Object::Deployment(_)
                | Object::StatefulSet(_)
                | Object::DaemonSet(_)
                | Object::Job(_)
                | Object::CronJob(_) => (o.kind(), o.name().as_str()),
                Object::HorizontalPodAutoscaler(h) => {
                    if let (Some(_), Some(v)) = (
                        env.autoscale.get(h.target.name.as_str()),
                        find("HorizontalPodAutoscaler", h.name.as_str()),
                    ) {
                        let patch = json!({
                            "apiVersion": "autoscaling/v2",
                            "kind": "HorizontalPodAutoscaler",
                            "metadata": {"name": h.name.as_str()},
                            "spec": {"minReplicas": v["spec"]["minReplicas"], "maxReplicas": v["spec"]["maxReplicas"]},
                        });
                        add_patch(
                            "HorizontalPodAutoscaler",
                            h.name.as_str(),
                            patch,
                            &mut files,
                        )?;
                    }
                    continue;
                }
                Object::Ingress(i) => {
                    if let (Some(_), Some(v)) = (
                        env.hosts.get(i.name.as_str()),
                        find("Ingress", i.name.as_str()),
                    ) {
                        let mut spec = Map::new();
                        for f in ["rules", "tls"] {
                            if !v["spec"][f].is_null() {
                                spec.insert(f.into(), v["spec"][f].clone());
                            }
                        }
                        let patch = json!({
                            "apiVersion": "networking.k8s.io/v1",
                            "kind": "Ingress",
                            "metadata": {"name": i.name.as_str()},
                            "spec": Value::Object(spec),
                        });
                        add_patch("Ingress", i.name.as_str(), patch, &mut files)?;
                    }
                    continue;
                }
                _ => continue,
            };
            let names: Vec<String> = env
                .resources
                .keys()
                .chain(env.env.keys())
                .filter(|(w, _)| w == name)
                .map(|(_, c)| c.clone())
                .collect();
            if names.is_empty() {
                continue;
            }
            if let Some(v) = find(kind, name) {
                add_patch(
                    kind,
                    name,
                    workload_patch(kind, name, v, &names),
                    &mut files,
                )?;
            }
        }
        if !patches.is_empty() {
            k.insert("patches".into(), Value::Array(patches));
        }
        let mut header = format!(
            "# Overlay `{}` written by kubefit: `kubectl kustomize {dir}` builds it.\n",
            env.name
        );
        let secrets: Vec<&(String, String)> = out
            .extra_files()
            .iter()
            .filter(|(p, _)| p.starts_with("secrets/"))
            .collect();
        if !secrets.is_empty() {
            header.push_str(
                "# Its Secrets are SOPS-encrypted in secrets/: decrypt them at deploy time.\n",
            );
        }
        files.insert(
            0,
            (
                format!("{dir}/kustomization.yaml"),
                header + &yaml(&Value::Object(k))?,
            ),
        );
        for (p, c) in secrets {
            files.push((format!("{dir}/{p}"), c.clone()));
        }
        Ok(files)
    }
}
