//! Helm chart output: the stack's manifests as templates, with image, replicas and
//! resources of every workload in `values.yaml` (schema: `values.schema.json`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::emit::yaml::yaml_options;
use crate::emit::{EmitError, EmitOptions, K8sObject, write_atomically};
use crate::model::stack::Stack;

/// A Helm chart (apiVersion v2) of a stack: `Chart.yaml`, `values.yaml`,
/// `values.schema.json`, `templates/_helpers.tpl` and one template per object.
///
/// `helm template` with the default values yields exactly the objects of
/// [`Stack::emit`]; `values.yaml` exposes, per workload, `replicas` and per container its
/// `image` (`repository`, `tag`, `digest`) and `resources`. Namespaces are written as in the
/// stack (the chart ships its Namespace), so `--namespace` does not move the objects.
/// Any `{{` inside the objects (a Go-templated ConfigMap, say) is escaped, so Helm passes it
/// through unchanged.
///
/// ```
/// use kubefit::{Container, Deployment, EmitOptions, Stack};
/// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")).replicas(2));
/// let chart = kubefit::HelmChart::new(&stack, &EmitOptions::new())?;
/// let values = &chart.files().iter().find(|(p, _)| p == "values.yaml").unwrap().1;
/// assert!(values.contains("replicas: 2"));
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmChart {
    name: String,
    version: String,
    app_version: Option<String>,
    description: String,
    files: Vec<(String, String)>,
}

/// Values of one workload.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Workload")]
struct WorkloadValues {
    /// Number of pods (absent when an autoscaler owns the count).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    replicas: Option<i32>,
    /// The pod's containers (init containers included), by name.
    containers: BTreeMap<String, ContainerValues>,
}

/// Values of one container.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Container")]
struct ContainerValues {
    /// The image, as `repository[:tag][@digest]`.
    image: ImageValues,
    /// Requests and limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<ResourceValues>,
}

/// An image reference in parts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Image")]
struct ImageValues {
    /// Registry and repository, e.g. `ghcr.io/acme/api`.
    #[schemars(length(min = 1))]
    repository: String,
    /// Tag, e.g. `1.4.2` (empty: none); a number too, as `--set …tag=20261207` gives it.
    #[serde(default)]
    #[schemars(schema_with = "tag_schema")]
    tag: String,
    /// Digest, e.g. `sha256:…` (empty: none).
    #[serde(default)]
    #[schemars(pattern(r"^([a-z0-9]+:[a-fA-F0-9]{32,})?$"))]
    digest: String,
}

/// A tag: a string of the registry's tag grammar, or the non-negative integer Helm makes of
/// `--set …tag=20261207` (the chart's helper prints either).
fn tag_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": ["string", "integer"],
        "pattern": r"^([\w][\w.-]{0,127})?$",
        "minimum": 0
    })
}

/// Requests and limits of a container.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "Resources")]
struct ResourceValues {
    /// What the scheduler reserves.
    #[serde(skip_serializing_if = "Option::is_none")]
    requests: Option<ResourceList>,
    /// The most the container may use.
    #[serde(skip_serializing_if = "Option::is_none")]
    limits: Option<ResourceList>,
}

const QUANTITY: &str =
    r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$";

/// Amounts of cpu, memory and ephemeral storage.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ResourceList")]
struct ResourceList {
    /// Cpu, e.g. `250m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(QUANTITY))]
    cpu: Option<String>,
    /// Memory, e.g. `512Mi`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(QUANTITY))]
    memory: Option<String>,
    /// Ephemeral storage, e.g. `1Gi`.
    #[serde(rename = "ephemeral-storage", skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(QUANTITY))]
    ephemeral_storage: Option<String>,
}

impl ResourceList {
    fn from_value(v: &Value) -> Option<ResourceList> {
        let m = v.as_object()?;
        let get = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(ResourceList {
            cpu: get("cpu"),
            memory: get("memory"),
            ephemeral_storage: get("ephemeral-storage"),
        })
    }

    /// Whether every entry of `v` is one this list carries (others stay literal).
    fn covers(v: &Value) -> bool {
        v.as_object().is_none_or(|m| {
            m.iter().all(|(k, x)| {
                matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage") && x.is_string()
            })
        })
    }
}

/// Splits `repository[:tag][@digest]`; a `:` before the last `/` is a registry port.
fn split_image(image: &str) -> ImageValues {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, d.to_owned()),
        None => (image, String::new()),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[slash..].rfind(':') {
        Some(i) => (
            rest[..slash + i].to_owned(),
            rest[slash + i + 1..].to_owned(),
        ),
        None => (rest.to_owned(), String::new()),
    };
    ImageValues {
        repository,
        tag,
        digest,
    }
}

/// Where a template expression replaces a placeholder in the serialised YAML.
enum Hole {
    /// `key: <expr>` on the same line.
    Inline(String),
    /// A block value: `key: {{- toYaml <expr> | nindent N }}`.
    Block(String),
}

const SENTINEL: &str = "KUBEFIT-HELM-HOLE-";

/// A placeholder prefix that occurs nowhere in `object`, so data (an env value spelled like a
/// placeholder) can never be turned into a template expression.
fn sentinel_for(object: &Value) -> String {
    let text = object.to_string();
    let mut sentinel = SENTINEL.to_owned();
    let mut n = 0u32;
    while text.contains(sentinel.trim_end_matches('-')) {
        n += 1;
        sentinel = format!("KUBEFIT{n}-HELM-HOLE-");
    }
    sentinel
}

fn go_string(s: &str) -> String {
    // Names are DNS labels; quoting with Go escaping keeps this safe regardless.
    format!("{s:?}")
}

impl HelmChart {
    /// Every file, as (path relative to the chart directory, content).
    ///
    /// ```
    /// let chart = kubefit::HelmChart::new(&kubefit::Stack::new("shop"), &kubefit::EmitOptions::new())?;
    /// assert_eq!(chart.files()[0].0, "Chart.yaml");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// Sets the chart's version (SemVer 2, which `helm lint` checks; default `0.1.0`).
    ///
    /// ```
    /// let chart = kubefit::HelmChart::new(&kubefit::Stack::new("shop"), &kubefit::EmitOptions::new())?.version("1.2.0");
    /// assert!(chart.files()[0].1.contains("version: \"1.2.0\""));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self.files[0].1 = self.chart_yaml();
        self
    }

    /// Sets the chart's `appVersion` (the version of what it deploys; default: none).
    ///
    /// ```
    /// let chart = kubefit::HelmChart::new(&kubefit::Stack::new("shop"), &kubefit::EmitOptions::new())?.app_version("2026.11");
    /// assert!(chart.files()[0].1.contains("appVersion: \"2026.11\""));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn app_version(mut self, version: impl Into<String>) -> Self {
        self.app_version = Some(version.into());
        self.files[0].1 = self.chart_yaml();
        self
    }

    /// Sets the chart's description (default: "The `<namespace>` stack, emitted by kubefit.").
    ///
    /// ```
    /// let chart = kubefit::HelmChart::new(&kubefit::Stack::new("shop"), &kubefit::EmitOptions::new())?.description("Shop");
    /// assert!(chart.files()[0].1.contains("description: Shop"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self.files[0].1 = self.chart_yaml();
        self
    }

    /// Writes the chart into `dir`, atomically (see [`Manifests::write_dir`](crate::Manifests::write_dir)).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("kubefit-helm-doc-{}", std::process::id()));
    /// kubefit::HelmChart::new(&kubefit::Stack::new("shop"), &kubefit::EmitOptions::new())?.write_dir(&dir)?;
    /// assert!(dir.join("Chart.yaml").exists());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn write_dir(&self, dir: impl AsRef<std::path::Path>) -> Result<(), EmitError> {
        write_atomically(dir.as_ref(), &self.files)
    }

    fn chart_yaml(&self) -> String {
        let mut m = Map::new();
        m.insert("apiVersion".into(), "v2".into());
        m.insert("name".into(), self.name.clone().into());
        m.insert("description".into(), self.description.clone().into());
        m.insert("type".into(), "application".into());
        m.insert("version".into(), self.version.clone().into());
        if let Some(a) = &self.app_version {
            m.insert("appVersion".into(), a.clone().into());
        }
        yaml(&Value::Object(m), "chart").unwrap_or_default()
    }
}

fn yaml<T: Serialize>(v: &T, what: &str) -> Result<String, EmitError> {
    serde_saphyr::to_string_with_options(v, yaml_options()).map_err(|e| EmitError::Serialize {
        object: what.to_owned(),
        message: e.to_string(),
        source: Some(Box::new(e)),
    })
}

/// Replaces the workload's replicas, images and resources with placeholders, records the
/// values and the template expressions.
fn punch_holes(
    name: &str,
    object: &mut Value,
    holes: &mut Vec<Hole>,
    sentinel: &str,
) -> WorkloadValues {
    let at = |path: &[&str]| -> String {
        let mut s = format!(".Values.workloads {}", go_string(name));
        for p in path {
            s.push(' ');
            s.push_str(&go_string(p));
        }
        format!("(index {s})")
    };
    let hole = |holes: &mut Vec<Hole>, h: Hole| -> Value {
        holes.push(h);
        Value::String(format!("{sentinel}{}", holes.len() - 1))
    };
    let mut replicas = None;
    if let Some(r) = object["spec"].get("replicas").and_then(Value::as_i64) {
        replicas = i32::try_from(r).ok();
        if replicas.is_some() {
            object["spec"]["replicas"] = hole(holes, Hole::Inline(at(&["replicas"])));
        }
    }
    let mut containers = BTreeMap::new();
    // A CronJob's pod template sits in its job template.
    let cron = object["kind"] == "CronJob";
    for list in ["initContainers", "containers"] {
        let pod = if cron {
            &mut object["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        } else {
            &mut object["spec"]["template"]["spec"]
        };
        let Some(cs) = pod.get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in cs {
            let Some(cname) = c["name"].as_str().map(str::to_owned) else {
                continue;
            };
            let image = split_image(c["image"].as_str().unwrap_or_default());
            // The tag and digest the chart was made with: a tag override without a new
            // digest drops the old digest (else the runtime pulls by digest and the new tag
            // changes nothing). JSON string literals are Go string literals.
            let literal = |v: &str| serde_json::to_string(v).unwrap_or_else(|_| "\"\"".into());
            c["image"] = hole(
                holes,
                Hole::Inline(format!(
                    "include \"kubefit.image\" (dict \"image\" {} \"tag\" {} \"digest\" {}) | quote",
                    at(&["containers", &cname, "image"]),
                    literal(&image.tag),
                    literal(&image.digest)
                )),
            );
            let mut resources = None;
            if let Some(r) = c.get("resources")
                && ResourceList::covers(&r["requests"])
                && ResourceList::covers(&r["limits"])
                && r.as_object()
                    .is_some_and(|m| m.keys().all(|k| k == "requests" || k == "limits"))
            {
                resources = Some(ResourceValues {
                    requests: ResourceList::from_value(&r["requests"]),
                    limits: ResourceList::from_value(&r["limits"]),
                });
                c["resources"] = hole(holes, Hole::Block(at(&["containers", &cname, "resources"])));
            }
            containers.insert(cname, ContainerValues { image, resources });
        }
    }
    WorkloadValues {
        replicas,
        containers,
    }
}

/// Escapes Go template actions in literal text, then fills the placeholders.
fn fill_holes(text: &str, holes: &[Hole], sentinel: &str) -> String {
    let escaped = text.replace("{{", "{{ \"{{\" }}");
    if holes.is_empty() {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + holes.len() * 64);
    for line in escaped.split_inclusive('\n') {
        let Some(at) = line.find(sentinel) else {
            out.push_str(line);
            continue;
        };
        let digits: String = line[at + sentinel.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let Some(hole) = digits.parse::<usize>().ok().and_then(|i| holes.get(i)) else {
            out.push_str(line);
            continue;
        };
        let rest = &line[at + sentinel.len() + digits.len()..];
        match hole {
            Hole::Inline(expr) => {
                out.push_str(&line[..at]);
                out.push_str("{{ ");
                out.push_str(expr);
                out.push_str(" }}");
                out.push_str(rest);
            }
            Hole::Block(expr) => {
                // `key: HOLE`: the value goes one level below the key.
                let key_col = line[..at]
                    .trim_end()
                    .trim_end_matches(':')
                    .rfind([' ', '-'])
                    .map_or(0, |i| i + 1);
                let head = line[..at].trim_end();
                out.push_str(head);
                out.push_str(&format!(
                    " {{{{- toYaml {expr} | nindent {} }}}}",
                    key_col + 2
                ));
                out.push_str(rest);
            }
        }
    }
    out
}

const HELPERS: &str = r#"{{/*
The image reference of a container: repository[:tag][@digest]. `.tag` and `.digest` are
the ones the chart was made with: a tag set without a new digest (`--set …image.tag=$SHA`)
wins, and the chart's digest of the old tag is dropped; a digest set is always kept.
*/}}
{{- define "kubefit.image" -}}
{{- $i := .image -}}
{{- $i.repository -}}
{{- if $i.tag -}}:{{ $i.tag }}{{- end -}}
{{- if and $i.digest (or (eq (toString $i.tag) .tag) (ne (toString $i.digest) .digest)) -}}@{{ $i.digest }}{{- end -}}
{{- end -}}
"#;

impl HelmChart {
    /// A Helm chart of this stack, emitted with `options` (the check, secret handling and
    /// encryption work as in [`Stack::emit`]; encrypted Secrets and `.sops.yaml` go beside
    /// the templates under `secrets/`, for helm-secrets or a pre-install decrypt).
    ///
    /// See [`HelmChart`] for what `values.yaml` exposes.
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Deployment, EmitOptions, Memory, Resources, Stack};
    /// let api = Deployment::new(
    ///     "api",
    ///     Container::new("api", "ghcr.io/acme/api:1.4.2")
    ///         .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128))),
    /// );
    /// let chart = kubefit::HelmChart::new(&Stack::new("shop").with(api), &EmitOptions::new())?;
    /// let template = &chart.files().iter().find(|(p, _)| p.ends_with("deployment-api.yaml")).unwrap().1;
    /// assert!(template.contains(r#"image: {{ include "kubefit.image" (dict "image" (index .Values.workloads "api" "containers" "api" "image") "tag" "1.4.2" "digest" "") | quote }}"#));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn new(stack: &Stack, options: &EmitOptions) -> Result<Self, EmitError> {
        let manifests = stack.emit(options)?;
        let mut workloads = Map::new();
        // Workload name → `kind/name`, to refuse two workloads the values would key alike.
        let mut owners: std::collections::BTreeMap<String, String> = Default::default();
        let mut templates = Vec::new();
        for (file, doc) in manifests
            .file_names()
            .into_iter()
            .zip(manifests.documents())
        {
            let what = format!("{}/{}", doc.kind().to_lowercase(), doc.name());
            let mut value =
                serde_json::to_value(doc.object()).map_err(|e| EmitError::Serialize {
                    object: what.clone(),
                    message: e.to_string(),
                    source: Some(Box::new(e)),
                })?;
            let mut holes = Vec::new();
            let sentinel = sentinel_for(&value);
            if matches!(
                doc.object(),
                K8sObject::Deployment(_)
                    | K8sObject::StatefulSet(_)
                    | K8sObject::DaemonSet(_)
                    | K8sObject::Job(_)
                    | K8sObject::CronJob(_)
            ) {
                if let Some(first) = owners.insert(doc.name().to_owned(), what.clone()) {
                    return Err(EmitError::Unsupported {
                        object: what,
                        reason: format!(
                            "the chart's values are keyed by workload name, and {first} is named `{}` too: rename one",
                            doc.name()
                        ),
                    });
                }
                let values = punch_holes(doc.name(), &mut value, &mut holes, &sentinel);
                workloads.insert(
                    doc.name().to_owned(),
                    serde_json::to_value(values).unwrap_or(Value::Null),
                );
            }
            let text = yaml(&value, &what)?;
            templates.push((
                format!("templates/{file}"),
                fill_holes(&text, &holes, &sentinel),
            ));
        }
        let values = json!({ "workloads": Value::Object(workloads.clone()) });
        let mut values_yaml = String::from(
            "# Default values of the chart kubefit emitted; `helm template` with these values\n\
             # yields exactly the stack's manifests. Schema: values.schema.json.\n",
        );
        values_yaml.push_str(&yaml(&values, "values")?);

        let mut chart = HelmChart {
            name: stack.namespace.as_str().to_owned(),
            version: "0.1.0".to_owned(),
            app_version: None,
            description: format!(
                "The {} stack, emitted by kubefit.",
                stack.namespace.as_str()
            ),
            files: Vec::new(),
        };
        let mut files = vec![
            ("Chart.yaml".to_owned(), chart.chart_yaml()),
            ("values.yaml".to_owned(), values_yaml),
            (
                "values.schema.json".to_owned(),
                values_schema(workloads.iter()),
            ),
            ("templates/_helpers.tpl".to_owned(), HELPERS.to_owned()),
        ];
        files.extend(templates);
        for (path, content) in manifests.extra_files() {
            files.push((path.clone(), content.clone()));
        }
        chart.files = files;
        Ok(chart)
    }
}

/// The values schema: schemars' definitions of a workload, with every workload and
/// container of this chart named (unknown names are refused, so a typo in `-f` fails).
fn values_schema<'a>(workloads: impl Iterator<Item = (&'a String, &'a Value)>) -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let root = generator.into_root_schema_for::<WorkloadValues>();
    let mut root = root.to_value();
    let defs = root
        .as_object_mut()
        .and_then(|m| m.remove("definitions"))
        .unwrap_or_else(|| json!({}));
    let mut workload_schema = root.clone();
    if let Some(m) = workload_schema.as_object_mut() {
        m.remove("$schema");
    }
    let mut props = Map::new();
    let mut required = Vec::new();
    for (name, v) in workloads {
        let mut w = workload_schema.clone();
        let mut cprops = Map::new();
        if let Some(cs) = v["containers"].as_object() {
            for c in cs.keys() {
                cprops.insert(c.clone(), json!({"$ref": "#/definitions/Container"}));
            }
        }
        w["properties"]["containers"] = json!({
            "description": "The pod's containers (init containers included), by name.",
            "type": "object",
            "properties": Value::Object(cprops),
            "additionalProperties": false,
        });
        props.insert(name.clone(), w);
        required.push(Value::String(name.clone()));
    }
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Values",
        "description": "Values of a chart emitted by kubefit.",
        "type": "object",
        "properties": {
            "workloads": {
                "description": "Image, replicas and resources per workload.",
                "type": "object",
                "properties": Value::Object(props),
                "required": required,
                "additionalProperties": false,
            }
        },
        "required": ["workloads"],
        "additionalProperties": false,
        "definitions": defs,
    });
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join_image(i: &ImageValues) -> String {
        let mut s = i.repository.clone();
        if !i.tag.is_empty() {
            s.push(':');
            s.push_str(&i.tag);
        }
        if !i.digest.is_empty() {
            s.push('@');
            s.push_str(&i.digest);
        }
        s
    }

    #[test]
    fn image_references_split_and_join_back() {
        for image in [
            "nginx",
            "nginx:1.27",
            "registry.local:5000/team/api",
            "registry.local:5000/team/api:1.2",
            "ghcr.io/acme/api:1.4.2@sha256:0000000000000000000000000000000000000000000000000000000000000000",
            "ghcr.io/acme/api@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        ] {
            assert_eq!(join_image(&split_image(image)), image);
        }
        let i = split_image("registry.local:5000/team/api");
        assert_eq!(
            (i.repository.as_str(), i.tag.as_str()),
            ("registry.local:5000/team/api", "")
        );
    }

    #[test]
    fn go_template_text_is_escaped() {
        assert_eq!(
            fill_holes("a: '{{ .x }}'\n", &[], SENTINEL),
            "a: '{{ \"{{\" }} .x }}'\n"
        );
    }

    #[test]
    fn block_holes_indent_below_their_key() {
        let holes = [Hole::Block("X".into())];
        assert_eq!(
            fill_holes(
                &format!("      - resources: {SENTINEL}0\n"),
                &holes,
                SENTINEL
            ),
            "      - resources: {{- toYaml X | nindent 10 }}\n"
        );
        assert_eq!(
            fill_holes(
                &format!("        resources: {SENTINEL}0\n"),
                &holes,
                SENTINEL
            ),
            "        resources: {{- toYaml X | nindent 10 }}\n"
        );
    }
}
