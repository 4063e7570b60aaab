//! Importing manifests kubefit did not write (Helm or Kustomize output, YAML in git, `kubectl
//! get -o yaml`): every object becomes part of a [`Stack`], so the check, the fit and every
//! output format work on it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::model::custom::CustomObject;
use crate::model::k8s_resource::K8sResource;
use crate::model::stack::Stack;

/// Why manifests could not be imported. Every variant names where (the file and the document,
/// counted from 1) and says how to fix it.
///
/// ```
/// let e = kubefit::Stack::from_manifests("kind: [".as_bytes()).unwrap_err();
/// assert!(e.to_string().starts_with("-: not yaml or json kubectl can read"), "{e}");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportError {
    /// A file or directory could not be read.
    Read {
        /// The file or directory (`-` for a reader).
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A document is not YAML or JSON that kubectl would read.
    Parse {
        /// The file (`-` for a reader).
        path: PathBuf,
        /// The document, counted from 1; 0 when the stream as a whole is refused (the
        /// message names the line and column).
        document: usize,
        /// The parser's message.
        message: String,
    },
    /// A document is not a Kubernetes object (no apiVersion, kind or name).
    Object {
        /// The file (`-` for a reader).
        path: PathBuf,
        /// The document, counted from 1.
        document: usize,
        /// What is wrong.
        message: String,
    },
    /// The objects are in more than one namespace; a stack is one namespace.
    SeveralNamespaces {
        /// Every namespace named, sorted.
        namespaces: Vec<String>,
    },
    /// The namespace is not a valid Kubernetes name.
    Namespace {
        /// The namespace as written.
        namespace: String,
        /// What is wrong with it.
        message: String,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Read { path, source } => {
                write!(
                    f,
                    "{}: cannot be read: {source}; check the path and its permissions",
                    path.display()
                )
            }
            ImportError::Parse {
                path,
                document: 0,
                message,
            } => write!(
                f,
                "{}: not yaml or json kubectl can read: {message}",
                path.display()
            ),
            ImportError::Parse {
                path,
                document,
                message,
            } => write!(
                f,
                "{}: document {document}: not yaml or json kubectl can read: {message}",
                path.display()
            ),
            ImportError::Object {
                path,
                document,
                message,
            } => write!(
                f,
                "{}: document {document}: not a kubernetes object: {message}; every document needs apiVersion, kind and metadata.name",
                path.display()
            ),
            ImportError::SeveralNamespaces { namespaces } => write!(
                f,
                "the objects are in {} namespaces ({}); import each namespace's manifests on its own (e.g. `helm template --namespace NAME`)",
                namespaces.len(),
                namespaces.join(", ")
            ),
            ImportError::Namespace { namespace, message } => {
                write!(f, "namespace `{namespace}`: {message}")
            }
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The largest manifest input read (1 GiB): beyond it, reading stops with an error.
const MAX_BYTES: u64 = 1 << 30;

/// One object read from the input, with where it came from.
struct Read {
    path: PathBuf,
    document: usize,
    value: serde_json::Map<String, Value>,
}

impl Stack {
    /// Reads multi-document YAML or JSON (Helm or Kustomize output, `kubectl get -o yaml`,
    /// files in git) as the API server would read it, into a stack: every kind kubefit
    /// models is read into the builders' own types for the check and the fit (Deployments,
    /// StatefulSets, DaemonSets, Jobs, CronJobs, bare Pods, ConfigMaps, Services,
    /// HorizontalPodAutoscalers, PersistentVolumeClaims, ServiceAccounts); every other kind
    /// is kept as a typed pass-through object ([`K8sResource`](crate::K8sResource), or a
    /// [`CustomObject`](crate::CustomObject) for custom resources) and counted in one
    /// `not-modelled` note. Objects are emitted as they were read; fields the model has no
    /// place for are listed per object (`not-modelled`), never lost.
    ///
    /// Plain scalars are read as kubectl reads them (YAML 1.1: an unquoted `yes` or `on`
    /// is a boolean). A `List` (`kind: List`, `kind: DeploymentList`, …) contributes its
    /// items. Empty documents are skipped.
    ///
    /// # The namespace
    ///
    /// A stack is one namespace: the one of the input's Namespace object, else the one the
    /// objects name (`metadata.namespace`), else `default` (which the check refuses: say
    /// where it goes with `helm template --namespace`). Objects in several namespaces are an
    /// error ([`ImportError::SeveralNamespaces`]); import each namespace's manifests on its own.
    /// The stack enforces the Pod Security level of the input's Namespace
    /// (`pod-security.kubernetes.io/enforce`); without a Namespace object, what a namespace
    /// without that label enforces: nothing (`privileged`). Set
    /// [`Stack::pod_security`] to check against a level.
    ///
    /// ```
    /// let yaml = r#"
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   replicas: 2
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       containers:
    ///       - name: web
    ///         image: nginx:1.27
    ///         resources: {requests: {cpu: 250m, memory: 128Mi}}
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// "#;
    /// let stack = kubefit::Stack::from_manifests(yaml.as_bytes())?;
    /// assert_eq!(stack.namespace().as_str(), "shop");
    /// assert_eq!(stack.objects().len(), 2);
    /// let w = &stack.workload_demands()[0];
    /// assert_eq!((w.object.as_str(), w.counts.steady), ("deployment/web", 2));
    /// assert_eq!(w.pod_requests.cpu, kubefit::Cpu::millis(250));
    /// # Ok::<(), kubefit::ImportError>(())
    /// ```
    pub fn from_manifests(reader: impl std::io::Read) -> Result<Stack, ImportError> {
        let path = PathBuf::from("-");
        let text = read_all(reader, &path)?;
        let mut read = Vec::new();
        parse(&text, &path, &mut read)?;
        assemble(read)
    }

    /// Reads one file of manifests as [`Stack::from_manifests`] reads a stream; errors name the
    /// file. Faster than `from_manifests(File::open(path)?)` on large files: the file is read
    /// into a buffer of its own size in one go.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("kubefit-doc-file-{}.yaml", std::process::id()));
    /// std::fs::write(&path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\n")?;
    /// let stack = kubefit::Stack::from_manifests_file(&path)?;
    /// assert_eq!(stack.namespace().as_str(), "shop");
    /// std::fs::remove_file(&path)?;
    /// let e = kubefit::Stack::from_manifests_file(&path).unwrap_err();
    /// assert!(e.to_string().contains("cannot be read"), "{e}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_manifests_file(path: impl AsRef<Path>) -> Result<Stack, ImportError> {
        let path = path.as_ref();
        let text = read_file(path)?;
        let mut read = Vec::new();
        parse(&text, path, &mut read)?;
        assemble(read)
    }

    /// Reads every `.yaml`, `.yml` and `.json` file under `dir` (recursively, in path order)
    /// as [`Stack::from_manifests`] reads one stream.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("kubefit-doc-import-{}", std::process::id()));
    /// std::fs::create_dir_all(dir.join("base"))?;
    /// std::fs::write(dir.join("base/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\n")?;
    /// std::fs::write(dir.join("README.md"), "not a manifest")?;
    /// let stack = kubefit::Stack::from_manifests_dir(&dir)?;
    /// assert_eq!(stack.objects().len(), 1);
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_manifests_dir(dir: impl AsRef<Path>) -> Result<Stack, ImportError> {
        let mut files = Vec::new();
        collect(dir.as_ref(), &mut files)?;
        files.sort();
        let mut read = Vec::new();
        for file in files {
            let text = read_file(&file)?;
            parse(&text, &file, &mut read)?;
        }
        assemble(read)
    }

    /// Reads objects that are already JSON values (a k8s-openapi `List` serialized with
    /// `serde_json::to_value`, objects from a client), as [`Stack::from_manifests`] reads
    /// documents.
    ///
    /// ```
    /// use kubefit::k8s_openapi::api::core::v1::ConfigMap;
    /// use kubefit::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    /// let cm = ConfigMap {
    ///     metadata: ObjectMeta { name: Some("cfg".into()), namespace: Some("shop".into()), ..Default::default() },
    ///     ..Default::default()
    /// };
    /// let list = kubefit::k8s_openapi::List { items: vec![cm], metadata: Default::default() };
    /// let stack = kubefit::Stack::from_manifest_values([serde_json::to_value(&list)?])?;
    /// assert_eq!(stack.objects()[0].name().as_str(), "cfg");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_manifest_values(
        values: impl IntoIterator<Item = Value>,
    ) -> Result<Stack, ImportError> {
        let path = PathBuf::from("-");
        let mut read = Vec::new();
        for (i, value) in values.into_iter().enumerate() {
            push(value, &path, i + 1, &mut read)?;
        }
        assemble(read)
    }
}

fn read_all(reader: impl std::io::Read, path: &Path) -> Result<String, ImportError> {
    read_into(reader, path, String::new())
}

/// `reader`'s text appended to `text` (given with the capacity it needs, if known); at most
/// [`MAX_BYTES`].
fn read_into(
    reader: impl std::io::Read,
    path: &Path,
    mut text: String,
) -> Result<String, ImportError> {
    use std::io::Read as _;
    reader
        .take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|source| ImportError::Read {
            path: path.to_owned(),
            source,
        })?;
    if text.len() as u64 > MAX_BYTES {
        return Err(too_large(path));
    }
    Ok(text)
}

fn too_large(path: &Path) -> ImportError {
    ImportError::Read {
        path: path.to_owned(),
        source: std::io::Error::other(format!("larger than {MAX_BYTES} bytes")),
    }
}

/// A file's text, read into a buffer of the file's size (at most [`MAX_BYTES`]).
fn read_file(path: &Path) -> Result<String, ImportError> {
    let failed = |source| ImportError::Read {
        path: path.to_owned(),
        source,
    };
    let f = std::fs::File::open(path).map_err(failed)?;
    let size = f.metadata().map_err(failed)?.len();
    if size > MAX_BYTES {
        return Err(too_large(path));
    }
    read_into(
        f,
        path,
        String::with_capacity(usize::try_from(size).unwrap_or(0)),
    )
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ImportError::Read {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| ImportError::Read {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|source| ImportError::Read {
            path: path.clone(),
            source,
        })?;
        if kind.is_dir() {
            collect(&path, out)?;
        } else if kind.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

fn parse(text: &str, path: &Path, out: &mut Vec<Read>) -> Result<(), ImportError> {
    // A whole cluster's manifests are large (15,002 documents, 10 MB for 5,000 apps): the
    // parser's size limits grow to the input limit; its alias-expansion guards stay.
    let options = || {
        let mut options = serde_saphyr::Options::default();
        options.with_snippet = false;
        let mut budget = serde_saphyr::Budget::default();
        let huge = usize::try_from(MAX_BYTES).unwrap_or(usize::MAX);
        budget.max_reader_input_bytes = Some(huge);
        budget.max_documents = huge;
        budget.max_nodes = huge;
        budget.max_events = huge;
        budget.max_total_scalar_bytes = huge;
        options.budget = Some(budget);
        options
    };
    let threads = crate::util::parallel::threads(None, usize::MAX);
    // Documents of the block-style subset tools write are read by kubefit's own reader, the
    // others by serde-saphyr; both give the same values (util/yaml_read.rs).
    let docs: Vec<Value> = crate::util::yaml_split::parse_documents(text, threads, |chunk| {
        crate::util::yaml_read::read_stream(chunk, |doc| {
            serde_saphyr::from_multiple_with_options(doc, options())
        })
    })
    .map_err(|e| ImportError::Parse {
        path: path.to_owned(),
        // The parser names the line and column; the stream as a whole is refused.
        document: 0,
        message: e.to_string().lines().next().unwrap_or("").to_owned(),
    })?;
    for (i, doc) in docs.into_iter().enumerate() {
        push(doc, path, i + 1, out)?;
    }
    Ok(())
}

fn push(
    value: Value,
    path: &Path,
    document: usize,
    out: &mut Vec<Read>,
) -> Result<(), ImportError> {
    let fail = |message: String| ImportError::Object {
        path: path.to_owned(),
        document,
        message,
    };
    let mut map = match value {
        Value::Null => return Ok(()),
        Value::Object(m) if m.is_empty() => return Ok(()),
        Value::Object(m) => m,
        other => {
            return Err(fail(format!(
                "the document is a {}, not a mapping",
                kind_of(&other)
            )));
        }
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind.ends_with("List")
        && let Some(Value::Array(items)) = map.remove("items")
    {
        for item in items {
            push(item, path, document, out)?;
        }
        return Ok(());
    }
    for key in ["apiVersion", "kind"] {
        if map
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(fail(format!("no `{key}`")));
        }
    }
    if map
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(fail(
            "no `metadata.name` (generateName is not supported)".to_owned(),
        ));
    }
    out.push(Read {
        path: path.to_owned(),
        document,
        value: map,
    });
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "mapping",
    }
}

fn assemble(read: Vec<Read>) -> Result<Stack, ImportError> {
    fn text<'a>(v: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
        v.get(k).and_then(Value::as_str).unwrap_or("")
    }
    fn metadata_text<'a>(v: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
        v.get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    let is_namespace = |v: &serde_json::Map<String, Value>| {
        text(v, "apiVersion") == "v1" && text(v, "kind") == "Namespace"
    };
    let mut named: Vec<String> = Vec::new();
    for r in &read {
        let ns = if is_namespace(&r.value) {
            metadata_text(&r.value, "name")
        } else {
            metadata_text(&r.value, "namespace")
        };
        if !ns.is_empty() && !named.iter().any(|n| n == ns) {
            named.push(ns.to_owned());
        }
    }
    named.sort();
    if named.len() > 1 {
        return Err(ImportError::SeveralNamespaces { namespaces: named });
    }
    let namespace = named.pop().unwrap_or_else(|| "default".to_owned());
    if let Err(e) = crate::model::name::NameRule::Dns1123Label.validate(&namespace) {
        return Err(ImportError::Namespace {
            namespace,
            message: e.to_string(),
        });
    }
    // Custom resources' scope: what a CustomResourceDefinition in the input says; else
    // cluster-wide when it names no namespace while other objects do.
    let mut cluster_kinds = std::collections::BTreeSet::new();
    for r in &read {
        if text(&r.value, "kind") == "CustomResourceDefinition" {
            let spec = r.value.get("spec");
            let field = |k: &str| {
                spec.and_then(|s| s.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let kind = spec
                .and_then(|s| s.get("names"))
                .and_then(|n| n.get("kind"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            if field("scope") == "Cluster" {
                cluster_kinds.insert((field("group"), kind));
            }
        }
    }
    let any_namespaced = read
        .iter()
        .any(|r| !metadata_text(&r.value, "namespace").is_empty());
    let mut stack = Stack::new(namespace.as_str()).pod_security("privileged");
    // The Namespace's own labels that every other object carries too are the stack's
    // (`Stack::label`), so they are written on the Namespace again.
    fn labels_of(v: &serde_json::Map<String, Value>) -> Option<&serde_json::Map<String, Value>> {
        v.get("metadata")
            .and_then(|m| m.get("labels"))
            .and_then(Value::as_object)
    }
    if let Some(ns) = read.iter().find(|r| is_namespace(&r.value)) {
        for (k, v) in labels_of(&ns.value).into_iter().flatten() {
            let kubefits =
                k.starts_with("pod-security.kubernetes.io/") || k == "app.kubernetes.io/managed-by";
            let Some(v) = v.as_str() else { continue };
            if kubefits {
                continue;
            }
            let everywhere = read.iter().filter(|r| !is_namespace(&r.value)).all(|r| {
                labels_of(&r.value)
                    .and_then(|l| l.get(k))
                    .and_then(Value::as_str)
                    == Some(v)
            });
            if everywhere {
                stack = stack.label(k, v);
            }
        }
    }
    // kubefit writes a stack's suppressions as `checkov.io/skipN: CKV_…=reason` on every
    // object: read them back from the Namespace as the rules they came from.
    let stack_wide = read
        .iter()
        .find(|r| is_namespace(&r.value))
        .map(|ns| suppressions_of(&ns.value))
        .unwrap_or_default();
    for (rule, reason) in &stack_wide {
        stack = stack.suppress(*rule, reason.as_str());
    }
    enum Item {
        Level(String),
        Object(Box<crate::model::object::Object>),
    }
    let convert = |r: Read| -> Result<Item, ImportError> {
        if is_namespace(&r.value) {
            let level = r
                .value
                .get("metadata")
                .and_then(|m| m.get("labels"))
                .and_then(|l| l.get("pod-security.kubernetes.io/enforce"))
                .and_then(Value::as_str)
                .unwrap_or("privileged");
            return Ok(Item::Level(level.to_owned()));
        }
        let api_version = text(&r.value, "apiVersion");
        let group = crate::model::builtin::group_of(api_version);
        if group.is_some_and(crate::model::builtin::is_builtin_group) {
            let suppressed = suppressions_of(&r.value);
            let mut k = K8sResource::from_value(Value::Object(r.value)).map_err(|message| {
                ImportError::Object {
                    path: r.path,
                    document: r.document,
                    message,
                }
            })?;
            // The object's own: those the stack does not already make.
            for (rule, reason) in suppressed.iter().filter(|s| !stack_wide.contains(s)) {
                k.meta.suppressions_mut().insert(*rule, reason);
            }
            Ok(Item::Object(Box::new(k.into())))
        } else {
            let kind = (
                group.unwrap_or("").to_owned(),
                text(&r.value, "kind").to_owned(),
            );
            let scoped = cluster_kinds.contains(&kind)
                || (any_namespaced && metadata_text(&r.value, "namespace").is_empty());
            let o = CustomObject::from_serialize(&Value::Object(r.value)).map_err(|e| {
                ImportError::Object {
                    path: r.path,
                    document: r.document,
                    message: e.to_string(),
                }
            })?;
            Ok(Item::Object(Box::new(
                if scoped { o.cluster_scoped() } else { o }.into(),
            )))
        }
    };
    // Reading each object into the model is independent of the others: large inputs are
    // read on several threads, in order.
    let threads =
        crate::util::parallel::threads(None, read.len() / crate::util::parallel::CHECK_FROM);
    let items = crate::util::parallel::map_in_turn(read, threads, convert);
    for item in items {
        match item? {
            Item::Level(level) => stack = stack.pod_security(level),
            Item::Object(o) => stack = stack.with(*o),
        }
    }
    Ok(stack)
}

/// The rules an object's `checkov.io/skipN: CKV_…=reason` annotations suppress: each rule
/// whose checkov checks are all skipped there with one reason (what kubefit writes for a
/// suppression). Suppressions of rules checkov has no check for leave no trace in manifests.
fn suppressions_of(object: &serde_json::Map<String, Value>) -> Vec<(&'static str, String)> {
    let skips: Vec<(&str, &str)> = object
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("checkov.io/skip"))
        .filter_map(|(_, v)| v.as_str()?.split_once('='))
        .collect();
    if skips.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for rule in crate::diagnostic::rules::rules() {
        if rule.checkov.is_empty() {
            continue;
        }
        let reasons: Vec<&str> = rule
            .checkov
            .iter()
            .filter_map(|ck| skips.iter().find(|(c, _)| c == ck).map(|(_, r)| *r))
            .collect();
        if reasons.len() == rule.checkov.len() && reasons.windows(2).all(|w| w[0] == w[1]) {
            out.push((rule.id, reasons[0].to_owned()));
        }
    }
    out
}
