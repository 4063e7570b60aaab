//! Emission: deterministic, apply-safe YAML and JSON, written atomically.

pub(crate) mod compose;
pub(crate) mod environment;
pub(crate) mod helm;
pub(crate) mod kustomize;
#[cfg(feature = "sops")]
pub(crate) mod sops;
pub(crate) mod tilt;
pub(crate) mod yaml;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::report::Report;
use crate::emit::yaml::fast::BlockYaml;
use crate::emit::yaml::view::View;
use crate::model::object::Object;
use crate::model::stack::Stack;

mod filesystem;
pub use filesystem::MARKER as OUTPUT_MARKER;
pub(crate) use filesystem::write_atomically;
pub use filesystem::write_files;

pub use crate::model::lowered::K8sObject;

/// One emitted document: its kind, name and lowered object.
///
/// ```
/// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
/// assert_eq!(m.documents()[0].kind(), "Namespace");
/// assert_eq!(m.documents()[0].name(), "shop");
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    kind: String,
    name: String,
    object: K8sObject,
}

impl Document {
    /// The Kubernetes kind.
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// assert_eq!(m.documents()[0].kind(), "Namespace");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The object's name.
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// assert_eq!(m.documents()[0].name(), "shop");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The lowered k8s-openapi object (apply it with kube-rs as is).
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// assert!(matches!(m.documents()[0].object(), kubefit::K8sObject::Namespace(_)));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn object(&self) -> &K8sObject {
        &self.object
    }

    /// This document as YAML (one document, no `---`).
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// assert!(m.documents()[0].to_yaml()?.starts_with("apiVersion: v1\nkind: Namespace\n"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn to_yaml(&self) -> Result<String, EmitError> {
        let mut buf = Vec::new();
        self.write_yaml(&mut BlockYaml::default(), &mut buf)?;
        String::from_utf8(buf).map_err(|e| EmitError::Serialize {
            object: format!("{}/{}", self.kind.to_lowercase(), self.name),
            message: e.to_string(),
            source: Some(Box::new(e)),
        })
    }

    /// Appends this document's YAML to `out`.
    fn write_yaml(&self, yaml: &mut BlockYaml, out: &mut Vec<u8>) -> Result<(), EmitError> {
        yaml.write(&self.object, out)
            .map_err(|e| EmitError::Serialize {
                object: format!("{}/{}", self.kind.to_lowercase(), self.name),
                message: e.to_string(),
                source: Some(Box::new(e)),
            })
    }
}

/// Options for [`Stack::emit`].
///
/// ```
/// let opts = kubefit::EmitOptions::new().plaintext_secrets(true);
/// let stack = kubefit::Stack::new("shop").with(kubefit::Secret::new("db").entry("password", kubefit::SecretValue::new("pw")));
/// let m = stack.emit(&opts)?;
/// assert_eq!(m.documents()[1].kind(), "Secret");
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmitOptions {
    plaintext_secrets: bool,
    allow_errors: bool,
    skip_check: bool,
    platform: Option<crate::fit::platform::Platform>,
    #[cfg(feature = "sops")]
    sops: Option<crate::emit::sops::SopsConfig>,
}

impl EmitOptions {
    /// Defaults: Secrets are withheld, and a stack whose check has errors is refused.
    ///
    /// ```
    /// let opts = kubefit::EmitOptions::new();
    /// let stack = kubefit::Stack::new("shop").with(kubefit::Secret::new("db").entry("password", kubefit::SecretValue::new("pw")));
    /// let m = stack.emit(&opts)?;
    /// assert_eq!(m.withheld_secrets(), ["db"]);
    /// assert_eq!(m.documents().len(), 1);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes Secret values in plain (base64) form. Off by default: plaintext secrets
    /// must never reach git.
    ///
    /// ```
    /// let opts = kubefit::EmitOptions::new().plaintext_secrets(true);
    /// let stack = kubefit::Stack::new("shop").with(kubefit::Secret::new("db").entry("password", kubefit::SecretValue::new("pw")));
    /// assert!(stack.emit(&opts)?.to_yaml()?.contains("kind: Secret"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn plaintext_secrets(mut self, yes: bool) -> Self {
        self.plaintext_secrets = yes;
        self
    }

    /// Writes each Secret SOPS-encrypted to these age recipients, as
    /// `secrets/<name>.sops.yaml`, with a `.sops.yaml` whose creation rule matches those
    /// paths. The files decrypt with `sops --decrypt` and [`sops_decrypt`](crate::sops_decrypt).
    ///
    /// ```
    /// let id = kubefit::AgeIdentity::generate();
    /// let opts = kubefit::EmitOptions::new().encrypt_secrets(kubefit::SopsConfig::new([id.recipient()]));
    /// let stack = kubefit::Stack::new("shop").with(kubefit::Secret::new("db").entry("password", kubefit::SecretValue::new("pw")));
    /// let m = stack.emit(&opts)?;
    /// assert!(m.extra_files().iter().any(|(p, _)| p == "secrets/db.sops.yaml"));
    /// assert!(!m.to_yaml()?.contains("kind: Secret"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[cfg(feature = "sops")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sops")))]
    #[must_use]
    pub fn encrypt_secrets(mut self, config: crate::emit::sops::SopsConfig) -> Self {
        self.sops = Some(config);
        self
    }

    /// Does not run the check again: for callers that just ran [`Stack::check`] or
    /// [`Stack::check_on`] themselves and acted on the report.
    ///
    /// ```
    /// use kubefit::{EmitOptions, Stack};
    /// let stack = Stack::new("shop");
    /// let report = stack.check();
    /// assert!(!report.has_errors());
    /// let m = stack.emit(&EmitOptions::new().skip_check(true))?;
    /// assert_eq!(m.documents().len(), 1);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn skip_check(mut self, yes: bool) -> Self {
        self.skip_check = yes;
        self
    }

    /// Checks the budget on `platform` too, as [`Stack::check_on`] does: a stack that does
    /// not fit (or cannot be scheduled) is refused like any other error. Without it, the
    /// check covers structure and lints only.
    ///
    /// [`Stack::write_yaml`] runs this check while it renders, and writes nothing unless the
    /// check passes.
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Deployment, EmitOptions, EmitError, Memory, Platform, Resources, Stack};
    ///
    /// let big = Deployment::new(
    ///     "big",
    ///     Container::new("big", "nginx:1.27")
    ///         .resources(Resources::new().requests(Cpu::cores(64), Memory::gibibytes(1))),
    /// );
    /// let stack = Stack::new("shop").with(big);
    /// let opts = EmitOptions::new().platform(Platform::oci_always_free());
    /// let mut out = Vec::new();
    /// let err = stack.write_yaml(&opts, &mut out).unwrap_err();
    /// assert!(matches!(err, EmitError::Check(_)));
    /// assert!(out.is_empty());
    /// ```
    #[must_use]
    pub fn platform(mut self, platform: crate::fit::platform::Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// The check these options ask for, or `None` when it is skipped.
    fn run_check(&self, stack: &Stack) -> Option<Report> {
        if self.skip_check {
            return None;
        }
        Some(match &self.platform {
            Some(p) => stack.check_on(p),
            None => stack.check(),
        })
    }

    /// Runs the check (unless skipped) and refuses a stack with errors (unless allowed).
    fn gate(&self, stack: &Stack) -> Result<Report, EmitError> {
        let report = self
            .run_check(stack)
            .unwrap_or_else(|| Report::new(stack.namespace.as_str(), Vec::new()));
        if report.has_errors() && !self.allow_errors {
            return Err(EmitError::Check(report));
        }
        Ok(report)
    }

    /// [`EmitOptions::gate`] for callers that only need to know whether to go on: the
    /// report is sorted and built only when it refuses the stack.
    fn passes(&self, stack: &Stack) -> Result<(), EmitError> {
        if self.skip_check || self.allow_errors {
            return Ok(());
        }
        // Only errors block, so the lints' warnings are not even spelled out unless the
        // stack is refused; then the report is built from the whole check.
        let (diagnostics, fit) = stack.diagnostics_and_fit(self.platform.as_ref(), true);
        let blocking = |d: &crate::diagnostic::Diagnostic| {
            d.severity == crate::diagnostic::Severity::Error && d.suppressed.is_none()
        };
        let errors = diagnostics.iter().any(blocking)
            || fit
                .as_ref()
                .is_some_and(|f| f.diagnostics().iter().any(blocking));
        if !errors {
            return Ok(());
        }
        drop(diagnostics);
        let mut all = stack.diagnostics_and_fit(None, false).0;
        let report = match fit {
            Some(fit) => {
                all.extend(fit.diagnostics().iter().cloned());
                Report::new(stack.namespace.as_str(), all).with_fit_only(fit)
            }
            None => Report::new(stack.namespace.as_str(), all),
        };
        Err(EmitError::Check(report))
    }

    pub(crate) fn allows_errors(&self) -> bool {
        self.allow_errors
    }

    /// Emits even when the check reports errors (the API server will likely reject them).
    ///
    /// ```
    /// let opts = kubefit::EmitOptions::new().allow_errors(true);
    /// let bad = kubefit::Stack::new("Bad_Name");
    /// assert!(bad.emit(&kubefit::EmitOptions::new()).is_err());
    /// assert!(bad.emit(&opts)?.report().has_errors());
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn allow_errors(mut self, yes: bool) -> Self {
        self.allow_errors = yes;
        self
    }
}

/// Why emission failed. Nothing is written when it does.
///
/// ```
/// use kubefit::{EmitError, EmitOptions, Stack};
/// let err = Stack::new("default").emit(&EmitOptions::new()).unwrap_err();
/// assert!(matches!(err, EmitError::Check(_)));
/// assert!(err.to_string().starts_with("the stack has 1 error(s)"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// The check found errors; the report lists them.
    #[error(
        "the stack has {n} error(s); fix them or emit with EmitOptions::allow_errors(true)\n{0}",
        n = .0.error_count()
    )]
    Check(Report),
    /// An object could not be serialised.
    #[error("{object}: cannot serialise: {message}")]
    Serialize {
        /// The object, as `kind/name`.
        object: String,
        /// What went wrong.
        message: String,
        /// The serialiser's own error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A Secret could not be encrypted.
    #[cfg(feature = "sops")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sops")))]
    #[error("secret/{secret}: {source}")]
    Sops {
        /// The Secret.
        secret: String,
        /// What went wrong.
        source: crate::emit::sops::SopsError,
    },
    /// The output path or a file name in it is unsafe: a file or symbolic link where the
    /// directory should be, a non-empty directory kubefit did not write, or a name that would
    /// leave the directory. Nothing was written.
    #[error("{}: {reason}", .path.display())]
    UnsafeOutput {
        /// The path refused.
        path: PathBuf,
        /// Why, and what to do instead.
        reason: String,
    },
    /// Writing the output failed; the previous output is untouched.
    #[error("{}: cannot write: {source}", .path.display())]
    Io {
        /// The path being written.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The output format cannot hold the stack as it is (two workloads that a Helm chart's
    /// values would key alike); nothing was built.
    #[error("{object}: {reason}")]
    Unsupported {
        /// The object, as `kind/name`.
        object: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// Writing to the stream given to [`Stack::write_yaml`] failed (what was written before
    /// stays written: a stream cannot be rolled back).
    #[error("cannot write the output stream: {0}")]
    Stream(#[source] io::Error),
}

/// The emitted manifests of a stack, in apply-safe order: Namespace, LimitRange,
/// ResourceQuota, ServiceAccount,
/// NetworkPolicy, ConfigMap, Secret, PersistentVolumeClaim, Service, Deployment,
/// StatefulSet, HorizontalPodAutoscaler, PodDisruptionBudget, Ingress; by name within a kind.
///
/// ```
/// use kubefit::{Container, Deployment, EmitOptions, Service, Stack};
///
/// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
/// let stack = Stack::new("shop").with(web.clone()).with(Service::expose(&web));
/// let m = stack.emit(&EmitOptions::new())?;
/// let kinds: Vec<_> = m.documents().iter().map(|d| d.kind()).collect();
/// assert_eq!(kinds, ["Namespace", "Service", "Deployment"]);
/// assert_eq!(m.to_yaml()?, stack.emit(&EmitOptions::new())?.to_yaml()?); // deterministic
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Manifests {
    documents: Vec<Document>,
    withheld_secrets: Vec<String>,
    /// Extra files for `write_dir`: encrypted Secrets, `.sops.yaml`, `.env.example`.
    files: Vec<(String, String)>,
    report: Report,
    /// The stack's thread choice ([`Stack::threads`]), for rendering.
    threads: Option<std::num::NonZeroUsize>,
}

impl Manifests {
    /// The documents, in apply order.
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// assert_eq!(m.documents().len(), 1);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    /// Names of Secrets left out because plaintext emission was not allowed.
    ///
    /// ```
    /// use kubefit::{EmitOptions, Secret, SecretValue, Stack};
    /// let s = Stack::new("shop").with(Secret::new("db").entry("pw", SecretValue::new("x")));
    /// assert_eq!(s.emit(&EmitOptions::new())?.withheld_secrets(), ["db"]);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn withheld_secrets(&self) -> &[String] {
        &self.withheld_secrets
    }

    /// Files written beside the manifests by [`Manifests::write_dir`]: each encrypted Secret
    /// (`secrets/<name>.sops.yaml`), `.sops.yaml`, and `.env.example` (path, content).
    ///
    /// ```
    /// use kubefit::{EmitOptions, Secret, SecretValue, Stack};
    /// let s = Stack::new("shop").with(Secret::new("db").entry("pw", SecretValue::new("x")));
    /// let m = s.emit(&EmitOptions::new())?;
    /// assert_eq!(m.extra_files()[0].0, ".env.example");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn extra_files(&self) -> &[(String, String)] {
        &self.files
    }

    /// The `.env.example` beside the manifests (every Secret key with a placeholder, the real
    /// values never), or `None` when the stack has no Secrets; [`Manifests::write_dir`] writes
    /// it too.
    ///
    /// ```
    /// use kubefit::{EmitOptions, Secret, SecretValue, Stack};
    /// let s = Stack::new("shop").with(Secret::new("db").entry("password", SecretValue::new("x")));
    /// let example = s.emit(&EmitOptions::new())?.env_example().unwrap().to_owned();
    /// assert!(example.contains("# secret/db key password\nDB_PASSWORD=change-me\n"));
    /// assert!(!example.contains("=x"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn env_example(&self) -> Option<&str> {
        self.files
            .iter()
            .find(|(name, _)| name == ".env.example")
            .map(|(_, text)| text.as_str())
    }

    /// The check report the stack was emitted with (warnings included).
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// assert!(!m.report().has_errors());
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// All documents as one multi-document YAML stream for `kubectl apply -f -`.
    ///
    /// ```
    /// let y = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(y.starts_with("---\napiVersion: v1\nkind: Namespace\n"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn to_yaml(&self) -> Result<String, EmitError> {
        // Chunks of documents render on every core; they are joined in order.
        let render = |docs: &[Document]| -> Result<String, EmitError> {
            let mut out = Vec::with_capacity(docs.len() * 1024);
            let mut yaml = BlockYaml::default();
            for d in docs {
                out.extend_from_slice(b"---\n");
                d.write_yaml(&mut yaml, &mut out)?;
            }
            String::from_utf8(out).map_err(|e| EmitError::Serialize {
                object: "documents".to_owned(),
                message: e.to_string(),
                source: Some(Box::new(e)),
            })
        };
        let chunks: Vec<&[Document]> = self.documents.chunks(CHUNK).collect();
        let workers = crate::util::parallel::threads(self.threads, chunks.len());
        if workers <= 1 {
            return render(&self.documents);
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let rendered: Vec<Vec<(usize, Result<String, EmitError>)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let (next, chunks, render) = (&next, &chunks, &render);
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(chunk) = chunks.get(i) else { break };
                            done.push((i, render(chunk)));
                        }
                        done
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        // Every chunk index was taken exactly once.
        let mut parts: Vec<Option<Result<String, EmitError>>> =
            std::iter::repeat_with(|| None).take(chunks.len()).collect();
        for (i, r) in rendered.into_iter().flatten() {
            parts[i] = Some(r);
        }
        let mut out = String::new();
        for part in parts.into_iter().flatten() {
            out.push_str(&part?);
        }
        Ok(out)
    }

    /// All documents as a JSON `v1/List`.
    ///
    /// ```
    /// let j = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?.to_json()?;
    /// let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    /// assert_eq!(v["kind"], "List");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn to_json(&self) -> Result<String, EmitError> {
        #[derive(Serialize)]
        struct List<'a> {
            #[serde(rename = "apiVersion")]
            api_version: &'static str,
            kind: &'static str,
            items: Vec<&'a K8sObject>,
        }
        let list = List {
            api_version: "v1",
            kind: "List",
            items: self.documents.iter().map(|d| &d.object).collect(),
        };
        let mut s = serde_json::to_string_pretty(&list).map_err(|e| EmitError::Serialize {
            object: "list".to_owned(),
            message: e.to_string(),
            source: Some(Box::new(e)),
        })?;
        s.push('\n');
        Ok(s)
    }

    /// The file name each document gets in [`Manifests::write_dir`]:
    /// `NN-kind-name.yaml`, numbered in apply order so `kubectl apply -f DIR` is apply-safe.
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// assert_eq!(m.file_names(), ["00-namespace-shop.yaml"]);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn file_names(&self) -> Vec<String> {
        let width = self
            .documents
            .len()
            .saturating_sub(1)
            .to_string()
            .len()
            .max(2);
        self.documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                file_name(
                    &format!("{i:0width$}-{}-{}", d.kind.to_lowercase(), d.name),
                    ".yaml",
                )
            })
            .collect()
    }

    /// Writes the JSON `v1/List` as `DIR/manifests.json`, atomically (see [`Manifests::write_dir`]).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("kubefit-json-doc-{}", std::process::id()));
    /// kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?.write_json_dir(&dir)?;
    /// assert!(dir.join("manifests.json").exists());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn write_json_dir(&self, dir: impl AsRef<Path>) -> Result<(), EmitError> {
        write_atomically(
            dir.as_ref(),
            &[("manifests.json".to_owned(), self.to_json()?)],
        )
    }

    /// Writes one file per document into `dir`, replacing its previous content atomically:
    /// everything is written to a fresh sibling directory first and swapped in with renames,
    /// so on any error the previous output stays as it was.
    ///
    /// `dir` must be new, empty, or an earlier output of kubefit holding nothing else: its
    /// [`OUTPUT_MARKER`] file lists what kubefit wrote. A file, a symbolic link, or a directory
    /// with anything kubefit did not write is refused with [`EmitError::UnsafeOutput`] and
    /// left untouched. Every name is a plain relative path inside `dir`.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("kubefit-doc-{}", std::process::id()));
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// m.write_dir(&dir)?;
    /// assert!(dir.join("00-namespace-shop.yaml").exists());
    /// m.write_dir(&dir)?; // its own output: replaced
    /// std::fs::write(dir.join("notes.md"), "mine").unwrap();
    /// assert!(matches!(m.write_dir(&dir), Err(kubefit::EmitError::UnsafeOutput { .. })));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn write_dir(&self, dir: impl AsRef<Path>) -> Result<(), EmitError> {
        write_atomically(dir.as_ref(), &self.to_files()?)
    }

    /// Every file [`Manifests::write_dir`] writes, as `(relative path, content)` in write
    /// order, for callers that write them together with files of their own through
    /// [`write_files`](crate::write_files) (prefix the paths to put them in a subdirectory).
    ///
    /// ```
    /// let m = kubefit::Stack::new("shop").emit(&kubefit::EmitOptions::new())?;
    /// let files = m.to_files()?;
    /// assert_eq!(files[0].0, "00-namespace-shop.yaml");
    /// assert!(files[0].1.contains("kind: Namespace"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn to_files(&self) -> Result<Vec<(String, String)>, EmitError> {
        let mut files: Vec<(String, String)> = self
            .file_names()
            .into_iter()
            .zip(&self.documents)
            .map(|(f, d)| d.to_yaml().map(|y| (f, y)))
            .collect::<Result<_, _>>()?;
        files.extend(self.files.iter().cloned());
        Ok(files)
    }

    /// Every file [`Manifests::write_dir`] writes, as one stable text for snapshot tests:
    /// each file under a `# ---- NAME` line, in write order, with SOPS files passed through
    /// [`sops_redact`](crate::sops_redact) so ciphertext, data keys, MAC and time do not
    /// change the text between runs.
    ///
    /// ```
    /// use kubefit::{AgeIdentity, EmitOptions, Secret, SecretValue, SopsConfig, Stack};
    /// let id = AgeIdentity::generate();
    /// let stack = Stack::new("shop").with(Secret::new("db").entry("password", SecretValue::new("s3cr3t")));
    /// let opts = EmitOptions::new().encrypt_secrets(SopsConfig::new([id.recipient()]));
    /// let a = stack.emit(&opts)?.redacted()?;
    /// assert_eq!(a, stack.emit(&opts)?.redacted()?);
    /// assert!(a.contains("# ---- secrets/db.sops.yaml"));
    /// assert!(!a.contains("s3cr3t"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn redacted(&self) -> Result<String, EmitError> {
        let mut out = String::new();
        for (name, content) in self.to_files()? {
            out.push_str("# ---- ");
            out.push_str(&name);
            out.push('\n');
            #[cfg(feature = "sops")]
            if name.ends_with(".sops.yaml") && content.contains("\nsops:") {
                let text =
                    crate::emit::sops::sops_redact(&content).map_err(|source| EmitError::Sops {
                        secret: name.clone(),
                        source,
                    })?;
                out.push_str(&text);
                continue;
            }
            out.push_str(&content);
        }
        Ok(out)
    }
}

/// `stem` + `ext` as a file name, or, when that is longer than most file systems allow
/// (255 bytes; a valid 253-character object name plus its kind is), the stem cut at a
/// character boundary with a hash of the whole stem, so distinct long names stay distinct.
pub(crate) fn file_name(stem: &str, ext: &str) -> String {
    const MAX: usize = 255;
    if stem.len() + ext.len() <= MAX {
        return format!("{stem}{ext}");
    }
    // FNV-1a: stable across versions and platforms, which a file name must be.
    let hash = stem.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut cut = MAX - ext.len() - 17;
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{hash:016x}{ext}", &stem[..cut])
}

impl fmt::Display for Manifests {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for name in self.file_names() {
            writeln!(f, "{name}")?;
        }
        for s in &self.withheld_secrets {
            writeln!(
                f,
                "(secret/{s} withheld: plaintext secrets are not emitted)"
            )?;
        }
        Ok(())
    }
}

impl Stack {
    /// Checks the stack and lowers every object, in apply-safe order.
    ///
    /// Refuses a stack whose check has errors (unless [`EmitOptions::allow_errors`]),
    /// and leaves Secrets out unless [`EmitOptions::plaintext_secrets`] is set.
    ///
    /// ```
    /// use kubefit::{EmitOptions, Stack};
    /// let m = Stack::new("shop").emit(&EmitOptions::new())?;
    /// assert!(m.to_yaml()?.starts_with("---\napiVersion: v1\nkind: Namespace\n"));
    /// assert!(Stack::new("Bad_Name").emit(&EmitOptions::new()).is_err());
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn emit(&self, options: &EmitOptions) -> Result<Manifests, EmitError> {
        let report = options.gate(self)?;
        let meta = self.stack_meta();
        let mut documents = vec![Document {
            kind: "Namespace".to_owned(),
            name: self.namespace.to_string(),
            object: K8sObject::Namespace(self.namespace_to_k8s()),
        }];
        let mut withheld = Vec::new();
        let mut encrypted = Vec::new();
        for o in self.in_apply_order() {
            match self.emit_object(o, options, &meta)? {
                Emitted::Document(object) => documents.push(Document {
                    kind: o.kind().to_owned(),
                    name: o.name().to_string(),
                    object,
                }),
                Emitted::Withheld(name) => withheld.push(name),
                Emitted::Encrypted(path, yaml) => encrypted.push((path, yaml)),
            }
        }
        Ok(Manifests {
            documents,
            withheld_secrets: withheld,
            files: self.extra_files(options, encrypted),
            report,
            threads: self.threads,
        })
    }

    /// Stack-wide labels and the checkov skips of the stack's suppressions, merged into
    /// every object.
    fn stack_meta(&self) -> StackMeta<'_> {
        StackMeta {
            labels: &self.meta.labels,
            skips: crate::model::meta::checkov_skips(self.meta.suppressions()),
        }
    }

    /// How `o` is emitted — the one place for both [`Stack::emit`] and [`Stack::write_yaml`]
    /// where Secrets are withheld, kept in plaintext or encrypted, and the stack's labels and
    /// checkov skips are merged.
    fn emit_object(
        &self,
        o: &Object,
        options: &EmitOptions,
        meta: &StackMeta<'_>,
    ) -> Result<Emitted, EmitError> {
        let ns = self.namespace.as_str();
        if let Object::Secret(x) = o {
            #[cfg(feature = "sops")]
            if let Some(cfg) = &options.sops {
                let mut k = x.to_k8s(ns);
                merge_meta(&mut k.metadata, meta.labels, &meta.skips);
                let sops_err = |source| EmitError::Sops {
                    secret: x.name.to_string(),
                    source,
                };
                let value = serde_json::to_value(&k)
                    .map_err(|e| sops_err(crate::emit::sops::SopsError::Encrypt(e.to_string())))?;
                let yaml = crate::emit::sops::sops_encrypt(&value, cfg).map_err(sops_err)?;
                return Ok(Emitted::Encrypted(
                    format!("secrets/{}", file_name(x.name.as_str(), ".sops.yaml")),
                    yaml,
                ));
            }
            if !options.plaintext_secrets {
                return Ok(Emitted::Withheld(x.name.to_string()));
            }
        }
        let mut k = lower(o, ns);
        if !meta.is_empty() {
            add_labels(&mut k, meta.labels, &meta.skips);
        }
        Ok(Emitted::Document(k))
    }

    /// The files beside the manifests: `.env.example`, and with encryption `.sops.yaml` and
    /// the encrypted Secrets.
    fn extra_files(
        &self,
        options: &EmitOptions,
        encrypted: Vec<(String, String)>,
    ) -> Vec<(String, String)> {
        let mut files = Vec::new();
        if let Some(example) = env_example(self) {
            files.push((".env.example".to_owned(), example));
        }
        #[cfg(feature = "sops")]
        if let Some(cfg) = &options.sops {
            files.push((".sops.yaml".to_owned(), sops_yaml(cfg)));
        }
        #[cfg(not(feature = "sops"))]
        let _ = options;
        files.extend(encrypted);
        files
    }
}

/// How one object is emitted (see `Stack::emit_object`). Returned and consumed at once, so
/// the large manifest variant is not boxed (a box per object would cost an allocation).
#[allow(clippy::large_enum_variant)]
enum Emitted {
    /// A manifest.
    Document(K8sObject),
    /// A Secret left out (no plaintext, no encryption asked for).
    Withheld(String),
    /// A SOPS-encrypted Secret: its file and text.
    #[cfg_attr(not(feature = "sops"), allow(dead_code))]
    Encrypted(String, String),
}

/// The stack's labels and checkov skips, merged into every object it emits.
struct StackMeta<'s> {
    labels: &'s crate::util::str_map::StrMap,
    skips: Vec<(String, String)>,
}

impl StackMeta<'_> {
    fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.skips.is_empty()
    }
}

/// Lowers one object (Secrets included: callers decide whether they are emitted).
pub(crate) fn lower(o: &Object, ns: &str) -> K8sObject {
    o.lower(ns)
}

/// Objects per unit of parallel YAML rendering.
const CHUNK: usize = 256;
/// Rendered chunks held ahead of the writer at most (while the check runs, or when the
/// output is slower than rendering): about 180 KiB each for typical objects.
const AHEAD: usize = 32;

impl Stack {
    /// Streams the stack as multi-document YAML into `out`, rendered in chunks on every
    /// core and written in order (chunks, not the whole output, are held in memory): the
    /// same bytes as [`Manifests::to_yaml`], in the same order, for very large stacks. The
    /// check (with the budget when [`EmitOptions::platform`] is set) runs while the chunks
    /// render, and nothing is written unless it passes: errors refuse the stack as in
    /// [`Stack::emit`] (rendered chunks are then dropped). Secrets are handled as by
    /// [`Stack::emit`] — the same code does it: withheld, written with
    /// [`EmitOptions::plaintext_secrets`], or encrypted with
    /// [`EmitOptions::encrypt_secrets`]; encrypted Secrets, `.sops.yaml` and `.env.example`
    /// are not part of the stream but returned in [`Streamed::extra_files`] (write them with
    /// [`write_files`](crate::write_files)).
    ///
    /// ```
    /// use kubefit::{ConfigMap, EmitOptions, Secret, SecretValue, Stack};
    /// let stack = Stack::new("shop")
    ///     .with(ConfigMap::new("cfg").entry("a", "1"))
    ///     .with(Secret::new("db").entry("password", SecretValue::new("pw")));
    /// let mut out = Vec::new();
    /// let streamed = stack.write_yaml(&EmitOptions::new(), &mut out)?;
    /// assert_eq!(streamed.documents(), 2);
    /// assert_eq!(streamed.withheld_secrets(), ["db"]);
    /// assert_eq!(streamed.extra_files()[0].0, ".env.example");
    /// assert_eq!(String::from_utf8(out).unwrap(), stack.emit(&EmitOptions::new())?.to_yaml()?);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn write_yaml<W: io::Write>(
        &self,
        options: &EmitOptions,
        out: W,
    ) -> Result<Streamed, EmitError> {
        let io_err = EmitError::Stream;
        let ns = self.namespace.as_str();
        let meta = self.stack_meta();
        let namespace = || -> Result<Vec<u8>, EmitError> {
            let mut buf = b"---\n".to_vec();
            BlockYaml::default()
                .write(&K8sObject::Namespace(self.namespace_to_k8s()), &mut buf)
                .map_err(|e| EmitError::Serialize {
                    object: format!("namespace/{ns}"),
                    message: e.to_string(),
                    source: Some(Box::new(e)),
                })?;
            Ok(buf)
        };
        let ordered = self.in_apply_order();
        // Emit and serialise a chunk of objects into a buffer of its own.
        let render = |chunk: &[&Object]| -> Result<Chunk, EmitError> {
            let mut done = Chunk {
                buf: Vec::with_capacity(chunk.iter().map(|o| room(o)).sum()),
                ..Chunk::default()
            };
            let mut yaml = BlockYaml::default();
            for o in chunk {
                let serialize_error = |e: serde_saphyr::ser::Error| EmitError::Serialize {
                    object: format!("{}/{}", o.kind().to_lowercase(), o.name()),
                    message: e.to_string(),
                    source: Some(Box::new(e)),
                };
                // Serialised through a borrowed view where one covers the object: the same
                // bytes without building the k8s-openapi object (views cover no Secret).
                if let Some(view) = View::of(o, ns).filter(|_| meta.is_empty()) {
                    done.buf.extend_from_slice(b"---\n");
                    yaml.write(&view, &mut done.buf).map_err(serialize_error)?;
                    done.documents += 1;
                    continue;
                }
                match self.emit_object(o, options, &meta)? {
                    Emitted::Document(k) => {
                        done.buf.extend_from_slice(b"---\n");
                        yaml.write(&k, &mut done.buf).map_err(serialize_error)?;
                        done.documents += 1;
                    }
                    Emitted::Withheld(name) => done.withheld.push(name),
                    Emitted::Encrypted(path, text) => done.encrypted.push((path, text)),
                }
            }
            Ok(done)
        };
        let mut streamed = Streamed {
            documents: 1,
            withheld_secrets: Vec::new(),
            extra_files: Vec::new(),
        };
        let mut encrypted = Vec::new();
        let mut take = |chunk: Chunk, out: &mut dyn io::Write| -> Result<(), EmitError> {
            out.write_all(&chunk.buf).map_err(io_err)?;
            streamed.documents += chunk.documents;
            streamed.withheld_secrets.extend(chunk.withheld);
            encrypted.extend(chunk.encrypted);
            Ok(())
        };
        let (chunks, order) = chunked(&ordered);
        let workers = crate::util::parallel::threads(self.threads, chunks.len());
        if workers <= 1 {
            options.passes(self)?;
            let mut out = io::BufWriter::with_capacity(1 << 16, out);
            io::Write::write_all(&mut out, &namespace()?).map_err(io_err)?;
            for chunk in chunks {
                take(render(chunk)?, &mut out)?;
            }
            io::Write::flush(&mut out).map_err(io_err)?;
        } else {
            // Workers render chunks on every core from the start; this thread runs the check
            // meanwhile, and only once it passes writes the chunks in order (those finished
            // ahead of the next one wait in `pending`). Nothing is written when the check
            // fails.
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|scope| -> Result<(), EmitError> {
                let (tx, rx) = std::sync::mpsc::sync_channel(AHEAD);
                for _ in 0..workers {
                    let tx = tx.clone();
                    let (next, chunks, order, render) = (&next, &chunks, &order, &render);
                    scope.spawn(move || {
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&i) = order.get(k) else { break };
                            let chunk = chunks[i];
                            let r = render(chunk);
                            let failed = r.is_err();
                            // Stop after an error, or when the writer gave up (`rx` dropped).
                            if tx.send((i, r)).is_err() || failed {
                                break;
                            }
                        }
                    });
                }
                drop(tx);
                options.passes(self)?;
                let mut out = io::BufWriter::with_capacity(1 << 16, out);
                io::Write::write_all(&mut out, &namespace()?).map_err(io_err)?;
                let mut pending = std::collections::BTreeMap::new();
                let mut want = 0;
                for (i, r) in rx {
                    pending.insert(i, r);
                    while let Some(r) = pending.remove(&want) {
                        take(r?, &mut out)?;
                        want += 1;
                    }
                }
                if want < chunks.len() {
                    // A worker stopped early: report the first error in order.
                    if let Some(r) = pending.into_values().find(Result::is_err) {
                        r?;
                    }
                }
                io::Write::flush(&mut out).map_err(io_err)?;
                Ok(())
            })?;
        }
        streamed.extra_files = self.extra_files(options, encrypted);
        Ok(streamed)
    }
}

/// One chunk of [`Stack::write_yaml`]'s output, rendered.
#[derive(Default)]
struct Chunk {
    buf: Vec<u8>,
    documents: usize,
    withheld: Vec<String>,
    encrypted: Vec<(String, String)>,
}

/// What [`Stack::write_yaml`] wrote, and what it kept out of the stream.
///
/// ```
/// use kubefit::{EmitOptions, Stack};
/// let streamed = Stack::new("shop").write_yaml(&EmitOptions::new(), std::io::sink())?;
/// assert_eq!(streamed.documents(), 1); // the Namespace
/// assert!(streamed.withheld_secrets().is_empty() && streamed.extra_files().is_empty());
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Streamed {
    documents: usize,
    withheld_secrets: Vec<String>,
    extra_files: Vec<(String, String)>,
}

impl Streamed {
    /// Documents written to the stream, the Namespace included.
    ///
    /// ```
    /// let s = kubefit::Stack::new("shop").with(kubefit::ConfigMap::new("cfg"));
    /// assert_eq!(s.write_yaml(&kubefit::EmitOptions::new(), std::io::sink())?.documents(), 2);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// Secrets left out of the stream (no plaintext and no encryption asked for), as in
    /// [`Manifests::withheld_secrets`].
    ///
    /// ```
    /// use kubefit::{EmitOptions, Secret, SecretValue, Stack};
    /// let s = Stack::new("shop").with(Secret::new("db").entry("pw", SecretValue::new("x")));
    /// assert_eq!(s.write_yaml(&EmitOptions::new(), std::io::sink())?.withheld_secrets(), ["db"]);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn withheld_secrets(&self) -> &[String] {
        &self.withheld_secrets
    }

    /// The files that belong beside the stream, as in [`Manifests::extra_files`]:
    /// `.env.example`, and with encryption `.sops.yaml` and `secrets/NAME.sops.yaml`.
    ///
    /// ```
    /// use kubefit::{AgeIdentity, EmitOptions, Secret, SecretValue, SopsConfig, Stack};
    /// let id = AgeIdentity::generate();
    /// let s = Stack::new("shop").with(Secret::new("db").entry("pw", SecretValue::new("x")));
    /// let opts = EmitOptions::new().encrypt_secrets(SopsConfig::new([id.recipient()]));
    /// let mut out = Vec::new();
    /// let streamed = s.write_yaml(&opts, &mut out)?;
    /// let names: Vec<&str> = streamed.extra_files().iter().map(|(p, _)| p.as_str()).collect();
    /// assert_eq!(names, [".env.example", ".sops.yaml", "secrets/db.sops.yaml"]);
    /// assert!(!String::from_utf8(out).unwrap().contains("kind: Secret"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn extra_files(&self) -> &[(String, String)] {
        &self.extra_files
    }
}

impl Stack {
    /// The objects in apply order: by kind (quotas and configuration before the workloads
    /// that use them), then by name, equal ones as added. The keys are gathered first, so
    /// the sort compares small tuples instead of reaching into every object, and a name's
    /// first eight bytes as one integer ([`name_prefix`]) decide most comparisons without
    /// comparing strings.
    fn in_apply_order(&self) -> Vec<&Object> {
        let mut keys: Vec<(u8, u64, &str, usize)> = self
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let name = o.name().as_str();
                (o.order(), name_prefix(name), name, i)
            })
            .collect();
        // The index makes every key distinct: unstable sorting keeps equal objects in order.
        keys.sort_unstable();
        keys.into_iter()
            .map(|(_, _, _, i)| &self.objects[i])
            .collect()
    }
}

/// The first eight bytes of `name`, zero-padded, as a big-endian integer: names with
/// different prefixes compare like the names (a name that ends early is padded with the
/// smallest byte, as a prefix sorts first); equal prefixes leave it to the whole names.
fn name_prefix(name: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let head = &name.as_bytes()[..name.len().min(8)];
    bytes[..head.len()].copy_from_slice(head);
    u64::from_be_bytes(bytes)
}

/// Rendering cost of an object, roughly in objects of the usual size.
fn weight(o: &Object) -> usize {
    match o {
        Object::Ingress(i) => 1 + i.route_count(),
        Object::ConfigMap(c) => {
            1 + c.data.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() / 1024
        }
        _ => 1,
    }
}

/// Bytes to reserve for the YAML of `o`, generously, so that a chunk's buffer rarely grows
/// (and copies itself): a Deployment takes ≈ 1.7 KiB, an Ingress path ≈ 150 bytes. Room
/// never written is never touched.
fn room(o: &Object) -> usize {
    match o {
        Object::Ingress(i) => 1024 + 256 * i.route_count(),
        Object::ConfigMap(c) => {
            1024 + 2 * c.data.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
        }
        _ => 2048,
    }
}

/// Splits the ordered objects into chunks of about [`CHUNK`] objects' weight, and says in
/// which order to render them: chunks much heavier than usual (an Ingress with thousands of
/// paths) first, so that no core renders one alone at the end, then the rest in order.
fn chunked<'a>(ordered: &'a [&'a Object]) -> (Vec<&'a [&'a Object]>, Vec<usize>) {
    let mut chunks = Vec::with_capacity(ordered.len() / CHUNK + 1);
    let mut weights = Vec::with_capacity(ordered.len() / CHUNK + 1);
    let (mut start, mut w) = (0, 0);
    for (i, o) in ordered.iter().enumerate() {
        w += weight(o);
        if w >= CHUNK {
            chunks.push(&ordered[start..=i]);
            weights.push(w);
            (start, w) = (i + 1, 0);
        }
    }
    if start < ordered.len() {
        chunks.push(&ordered[start..]);
        weights.push(w);
    }
    let mut order: Vec<usize> = (0..chunks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i] > 2 * CHUNK));
    (chunks, order)
}

/// `.sops.yaml` with one creation rule matching the encrypted Secret files.
#[cfg(feature = "sops")]
fn sops_yaml(cfg: &crate::emit::sops::SopsConfig) -> String {
    format!(
        "# sops configuration written by kubefit: `sops secrets/NAME.sops.yaml` edits a Secret.\n\
         creation_rules:\n  - path_regex: secrets/.*\\.sops\\.yaml$\n    encrypted_regex: \"{}\"\n    age: \"{}\"\n",
        crate::emit::sops::ENCRYPTED_REGEX,
        cfg.recipients().join(",")
    )
}

/// The `.env.example` for local development: every key of every Secret, with a
/// placeholder and a comment naming the Secret and key it feeds; `None` without Secrets.
/// [`Manifests::env_example`] and [`Compose::write_dir`](crate::Compose::write_dir) carry it.
pub(crate) fn env_example(stack: &Stack) -> Option<String> {
    let mut out = format!(
        "# Secrets of namespace {}. Copy to .env (never commit .env) and fill in real values.\n",
        stack.namespace
    );
    let mut any = false;
    let mut secrets: Vec<&crate::model::secret::Secret> = stack
        .objects
        .iter()
        .filter_map(|o| match o {
            Object::Secret(s) => Some(s),
            _ => None,
        })
        .collect();
    secrets.sort_by(|a, b| a.name.cmp(&b.name));
    for s in secrets {
        for key in s.keys() {
            any = true;
            let var = s.variable(key);
            out.push_str(&format!("# secret/{} key {key}\n{var}=change-me\n", s.name));
        }
    }
    any.then_some(out)
}

fn add_labels(
    o: &mut K8sObject,
    labels: &crate::util::str_map::StrMap,
    checkov_skips: &[(String, String)],
) {
    use k8s_openapi::Metadata;
    let meta = match o {
        K8sObject::Namespace(x) => x.metadata_mut(),
        K8sObject::ResourceQuota(x) => x.metadata_mut(),
        K8sObject::LimitRange(x) => x.metadata_mut(),
        K8sObject::ServiceAccount(x) => x.metadata_mut(),
        K8sObject::NetworkPolicy(x) => x.metadata_mut(),
        K8sObject::ConfigMap(x) => x.metadata_mut(),
        K8sObject::Secret(x) => x.metadata_mut(),
        K8sObject::PersistentVolumeClaim(x) => x.metadata_mut(),
        K8sObject::Service(x) => x.metadata_mut(),
        K8sObject::Deployment(x) => x.metadata_mut(),
        K8sObject::StatefulSet(x) => x.metadata_mut(),
        K8sObject::DaemonSet(x) => x.metadata_mut(),
        K8sObject::Job(x) => x.metadata_mut(),
        K8sObject::CronJob(x) => x.metadata_mut(),
        K8sObject::HorizontalPodAutoscaler(x) => x.metadata_mut(),
        K8sObject::PodDisruptionBudget(x) => x.metadata_mut(),
        K8sObject::Ingress(x) => x.metadata_mut(),
        K8sObject::Custom(v) => {
            // Same merge as for typed objects, through ObjectMeta.
            let Some(slot) = v.get_mut("metadata") else {
                return;
            };
            let Ok(mut meta) = serde_json::from_value::<
                k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
            >(slot.take()) else {
                return;
            };
            merge_meta(&mut meta, labels, checkov_skips);
            *slot = serde_json::to_value(meta).unwrap_or_default();
            return;
        }
    };
    merge_meta(meta, labels, checkov_skips);
}

/// Adds stack-wide labels (without overriding the object's own) and checkov skip annotations.
fn merge_meta(
    meta: &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    labels: &crate::util::str_map::StrMap,
    checkov_skips: &[(String, String)],
) {
    let l = meta.labels.get_or_insert_with(Default::default);
    for (k, v) in labels {
        l.entry(k.to_owned()).or_insert_with(|| v.to_owned());
    }
    if !checkov_skips.is_empty() {
        let a = meta.annotations.get_or_insert_with(Default::default);
        let mut n = a
            .keys()
            .filter(|k| k.starts_with("checkov.io/skip"))
            .count();
        for (_, v) in checkov_skips {
            // Already there (an object read back from kubefit's own output): once.
            if a.iter()
                .any(|(k, w)| k.starts_with("checkov.io/skip") && w == v)
            {
                continue;
            }
            n += 1;
            a.insert(format!("checkov.io/skip{n}"), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn names_compare_by_prefix_then_whole_as_by_themselves(
            a in "[a\\x00-]{0,10}|\\PC{0,12}",
            b in "[a\\x00-]{0,10}|\\PC{0,12}",
        ) {
            let by_prefix = (name_prefix(&a), a.as_str()).cmp(&(name_prefix(&b), b.as_str()));
            prop_assert_eq!(by_prefix, a.cmp(&b));
        }

        #[test]
        fn apply_order_is_kind_then_name_then_as_added(
            objects in prop::collection::vec((0..3u8, "[a-c]{1,3}(-[0-9]{1,2}){0,2}"), 0..40),
        ) {
            let mut stack = Stack::new("ns");
            for (kind, name) in &objects {
                stack = match kind {
                    0 => stack.with(crate::ConfigMap::new(name.as_str())),
                    1 => stack.with(crate::Service::new(name.as_str())),
                    _ => stack.with(crate::ServiceAccount::new(name.as_str())),
                };
            }
            let mut expected: Vec<(u8, &str, usize)> = stack
                .objects
                .iter()
                .enumerate()
                .map(|(i, o)| (o.order(), o.name().as_str(), i))
                .collect();
            expected.sort();
            let got: Vec<*const Object> = stack.in_apply_order().into_iter().map(std::ptr::from_ref).collect();
            let want: Vec<*const Object> = expected.iter().map(|&(_, _, i)| std::ptr::from_ref(&stack.objects[i])).collect();
            prop_assert_eq!(got, want);
        }
    }
}
