//! A stack: one namespace and everything in it.

use k8s_openapi::api::core::v1::Namespace;

use crate::model::meta::Meta;
use crate::model::name::Name;
use crate::model::object::Object;

/// One namespace and the objects in it: the unit kubefit checks and emits.
///
/// # What is where
///
/// `Stack` is defined here with its builder methods ([`Stack::new`], [`Stack::with`],
/// [`Stack::label`], [`Stack::suppress`], [`Stack::pod_security`], [`Stack::threads`]) and
/// accessors. Each layer adds the methods of its job in its own folder:
///
/// | method | what | file |
/// |---|---|---|
/// | [`Stack::check`], [`Stack::check_on`] | structure, references, lints (and the budget) | `check/mod.rs` |
/// | [`Stack::fit`] | placement on a [`Platform`](crate::Platform) | `fit/mod.rs` |
/// | [`Stack::workload_demands`], [`Stack::claimed_storage`], [`Stack::load_balancer_count`] | what the stack asks for | `fit/demand.rs` |
/// | [`Stack::emit`], [`Stack::write_yaml`] | manifests in apply order | `emit/mod.rs` |
/// | [`Stack::render`], [`Stack::check_environment`] | an [`Environment`](crate::Environment)'s stack | `emit/environment.rs` |
///
/// The other output formats are types built from a stack:
/// [`KustomizeTree::new`](crate::KustomizeTree::new), [`HelmChart::new`](crate::HelmChart::new),
/// [`Compose::new`](crate::Compose::new), [`Tiltfile::new`](crate::Tiltfile::new) and
/// `StackSpec::from(&stack)` ([`StackSpec`](crate::StackSpec)).
///
/// # Defaults
///
/// Every object is placed in the stack's namespace (never `default`: the check refuses it),
/// and the Namespace itself is emitted first, labelled
/// `pod-security.kubernetes.io/enforce: restricted`
/// (opt out with [`Stack::pod_security`]).
///
/// ```
/// use kubefit::{Container, Deployment, Service, Stack};
///
/// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
/// let stack = Stack::new("shop").with(Service::expose(&web)).with(web);
/// assert_eq!(stack.objects().len(), 2);
/// let report = stack.check();
/// assert!(!report.has_errors(), "{report}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    pub(crate) namespace: Name,
    pub(crate) meta: Meta,
    pub(crate) pod_security: String,
    pub(crate) objects: Vec<Object>,
    /// Connections the stack needs beyond those it names itself ([`Stack::expect_traffic`]).
    pub(crate) traffic: Vec<crate::model::traffic::Traffic>,
    /// Declared image platforms, the latest first ([`Stack::image_platforms`]).
    pub(crate) images: Vec<crate::model::image_platforms::ImagePlatforms>,
    /// Threads a call may start; `None`: one per core, at most 8.
    pub(crate) threads: Option<std::num::NonZeroUsize>,
}

impl Stack {
    /// An empty stack in namespace `namespace`.
    ///
    /// ```
    /// let s = kubefit::Stack::new("shop");
    /// assert_eq!(s.namespace().as_str(), "shop");
    /// ```
    #[must_use]
    pub fn new(namespace: impl Into<Name>) -> Self {
        Stack {
            namespace: namespace.into(),
            meta: Meta::default(),
            pod_security: "restricted".to_owned(),
            objects: Vec::new(),
            traffic: Vec::new(),
            images: Vec::new(),
            threads: None,
        }
    }

    /// Adds an object.
    ///
    /// ```
    /// let s = kubefit::Stack::new("shop").with(kubefit::ConfigMap::new("cfg"));
    /// assert_eq!(s.objects().len(), 1);
    /// ```
    #[must_use]
    pub fn with(mut self, object: impl Into<Object>) -> Self {
        self.objects.push(object.into());
        self
    }

    /// Adds any typed k8s-openapi object: a kind kubefit has no builder for (a `Role`, a
    /// `PriorityClass`, a `Pod`) or a hand-made one of a kind it has (a `Deployment` from
    /// another tool), as a [`K8sResource`](crate::K8sResource). It is emitted as given, in
    /// its kind's place in the apply order and in the stack's namespace when namespaced;
    /// Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and ConfigMaps are also read
    /// into the model, so the check and the budget judge them like the builders' own.
    ///
    /// ```
    /// use kubefit::k8s_openapi::api::batch::v1::{Job, JobSpec};
    /// use kubefit::k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, ResourceRequirements};
    /// use kubefit::k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    /// use kubefit::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    ///
    /// let requests = [("cpu".to_owned(), Quantity("500m".into()))].into();
    /// let job = Job {
    ///     metadata: ObjectMeta { name: Some("seed".into()), ..Default::default() },
    ///     spec: Some(JobSpec {
    ///         parallelism: Some(3),
    ///         template: PodTemplateSpec {
    ///             spec: Some(PodSpec {
    ///                 containers: vec![Container {
    ///                     name: "seed".into(),
    ///                     image: Some("busybox:1.36".into()),
    ///                     resources: Some(ResourceRequirements { requests: Some(requests), ..Default::default() }),
    ///                     ..Default::default()
    ///                 }],
    ///                 restart_policy: Some("Never".into()),
    ///                 ..Default::default()
    ///             }),
    ///             ..Default::default()
    ///         },
    ///         ..Default::default()
    ///     }),
    ///     ..Default::default()
    /// };
    /// let stack = kubefit::Stack::new("shop").with_k8s(&job);
    /// let w = &stack.workload_demands()[0];
    /// assert_eq!((w.object.as_str(), w.counts.peak), ("job/seed", 3));
    /// assert_eq!(w.pod_requests.cpu, kubefit::Cpu::millis(500));
    /// ```
    #[must_use]
    pub fn with_k8s<T>(self, object: &T) -> Self
    where
        T: k8s_openapi::Resource + serde::Serialize,
        T::Scope: 'static,
    {
        self.with(crate::model::k8s_resource::K8sResource::new(object))
    }

    /// Adds a label to every object of the stack (not to selectors).
    ///
    /// ```
    /// let s = kubefit::Stack::new("shop").label("app.kubernetes.io/part-of", "shop");
    /// let yaml = s.with(kubefit::ConfigMap::new("cfg")).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert_eq!(yaml.matches("app.kubernetes.io/part-of: shop").count(), 2, "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn label(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.meta.labels.insert(key, value);
        self
    }

    /// Suppresses the rule `rule_id` for every object of the stack, with the reason
    /// (required). Suppressed findings still show in the report with their reason.
    ///
    /// ```
    /// let s = kubefit::Stack::new("shop").suppress("image-not-pinned", "dev stack: tags are fine");
    /// let c = kubefit::Container::new("web", "nginx:1.27");
    /// let report = s.with(kubefit::Deployment::new("web", c)).check();
    /// assert!(report.with_id("image-not-pinned").all(|d| d.suppressed.is_some()));
    /// assert!(report.with_id("image-not-pinned").count() > 0);
    /// ```
    #[must_use]
    pub fn suppress(mut self, rule_id: impl Into<String>, reason: impl Into<String>) -> Self {
        self.meta
            .suppressions_mut()
            .insert(rule_id.into(), reason.into());
        self
    }

    /// Sets the Pod Security Admission level enforced on the namespace
    /// (`restricted` by default; `baseline` or `privileged` to relax it).
    ///
    /// ```
    /// let s = kubefit::Stack::new("shop").pod_security("baseline");
    /// let labels = s.namespace_to_k8s().metadata.labels.unwrap();
    /// assert_eq!(labels["pod-security.kubernetes.io/enforce"], "baseline");
    /// ```
    #[must_use]
    pub fn pod_security(mut self, level: impl Into<String>) -> Self {
        self.pod_security = level.into();
        self
    }

    /// How many threads one call on this stack (check, fit, emit, write) may start.
    ///
    /// # Defaults
    ///
    /// One per core, at most 8, and only for large stacks: the check splits its objects over
    /// threads from 1,024 objects on (and runs the fit beside it), rendering splits documents
    /// into chunks of 256. Every thread is scoped to the call and joined before it returns.
    /// `threads(1)` starts none; `threads(0)` goes back to the default. The output is the same
    /// whatever the count.
    ///
    /// ```
    /// use kubefit::{ConfigMap, EmitOptions, Stack};
    /// let mut stack = Stack::new("shop");
    /// for i in 0..2000 {
    ///     stack = stack.with(ConfigMap::new(format!("cfg-{i}")).entry("a", "1"));
    /// }
    /// let one = stack.clone().threads(1).emit(&EmitOptions::new())?.to_yaml()?;
    /// let four = stack.threads(4).emit(&EmitOptions::new())?.to_yaml()?;
    /// assert_eq!(one, four);
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = std::num::NonZeroUsize::new(threads);
        self
    }

    /// The namespace.
    ///
    /// ```
    /// assert_eq!(kubefit::Stack::new("shop").namespace().as_str(), "shop");
    /// ```
    #[must_use]
    pub fn namespace(&self) -> &Name {
        &self.namespace
    }

    /// The objects, in the order they were added.
    ///
    /// ```
    /// assert!(kubefit::Stack::new("shop").objects().is_empty());
    /// ```
    #[must_use]
    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    /// The Namespace object, lowered to its k8s-openapi type.
    ///
    /// ```
    /// let ns = kubefit::Stack::new("shop").namespace_to_k8s();
    /// assert_eq!(ns.metadata.name.as_deref(), Some("shop"));
    /// ```
    #[must_use]
    pub fn namespace_to_k8s(&self) -> Namespace {
        let mut meta = self.meta.clone();
        meta.labels.insert(
            "pod-security.kubernetes.io/enforce",
            self.pod_security.clone(),
        );
        Namespace {
            metadata: meta.object_meta(self.namespace.as_str(), None),
            ..Default::default()
        }
    }

    /// Marks the diagnostics that objects or the stack suppress — the check's and the fit's
    /// alike, so every report and every emit gate sees the same suppressions.
    pub(crate) fn apply_suppressions(&self, out: &mut [crate::diagnostic::Diagnostic]) {
        // Suppressions: per object, then per stack.
        let per_object: crate::util::fast_hash::FastMap<String, &Meta> = self
            .objects
            .iter()
            .filter(|o| !o.meta().suppressions().is_empty())
            .map(|o| (o.reference(), o.meta()))
            .collect();
        if per_object.is_empty() && self.meta.suppressions().is_empty() {
            return;
        }
        for d in out.iter_mut() {
            let reason = per_object
                .get(&d.object)
                .and_then(|m| m.suppressions().get(&d.id))
                .or_else(|| self.meta.suppressions().get(&d.id));
            // A rule that may not be suppressed stays reported (and the suppression itself is
            // an error: `suppression-not-allowed`).
            if let Some(reason) = reason
                && crate::diagnostic::rules::rule(&d.id).is_none_or(|r| r.suppressible)
            {
                d.suppressed = Some(reason.to_owned());
            }
        }
    }
}
