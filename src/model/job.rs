//! Jobs: pods that run to completion.

use k8s_openapi::api::batch::v1::{Job as K8sJob, JobSpec};

use crate::model::container::Container;
use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::model::pod::{PodTemplate, pod_setters};
use crate::model::workload::{WorkloadKind, WorkloadRef};
use crate::util::compat::Field;

/// A Job: pods that run until `completions` of them succeed (a migration, a backup, a
/// one-off import). A [`CronJob`](crate::CronJob) runs one on a schedule.
///
/// The budget counts the pods running at once, `min(parallelism, completions)` (the job
/// controller's rule), in every scenario: a Job applied with the stack runs beside it.
///
/// # Apply order
///
/// Jobs are emitted after the ConfigMaps, Secrets, claims and Services they use and before
/// the Deployments, StatefulSets and DaemonSets, so a migration is created first. Creating
/// first is not waiting: to hold a rollout until the Job completes,
/// - kubectl: apply the Job's document, `kubectl wait --for=condition=complete job/NAME`, then
///   apply the rest (or apply everything and let the app retry until the schema exists);
/// - Helm: annotate it `helm.sh/hook: pre-upgrade` (with `helm.sh/hook-delete-policy:
///   before-hook-creation`) via [`Job::annotation`] — a `pre-install` hook runs before the
///   chart's ConfigMaps and Secrets exist, so a first install needs them as hooks too;
/// - Argo CD: annotate it `argocd.argoproj.io/hook: PreSync`, or give it a lower
///   `argocd.argoproj.io/sync-wave` than the workloads;
/// - Kustomize: the order of the emitted base is kept by `kubectl kustomize`; waiting is the
///   same as with kubectl.
///
/// A Job's pod template cannot be changed once created (the API server refuses the update):
/// set [`Job::ttl_seconds_after_finished`] so a finished Job is removed and the next apply
/// creates it again, or delete it before applying a new image.
///
/// # Defaults
///
/// - `parallelism: 1`, `completions: 1`, `backoffLimit: 6` (Kubernetes' own), pods
///   `restartPolicy: Never` (a failed pod is kept for its logs and a new one is started; opt
///   out with [`Job::restart_on_failure`]).
/// - The same hardened pod and container defaults as [`Deployment`](crate::Deployment).
///
/// ```
/// use kubefit::{Container, Cpu, Job, Memory, Resources, Stack};
///
/// let migrate = Job::new(
///     "migrate",
///     Container::new("migrate", "ghcr.io/example/app:1.4.2")
///         .command(["bin/rails", "db:migrate"])
///         .resources(Resources::new().requests(Cpu::millis(250), Memory::mebibytes(512))),
/// )
/// .backoff_limit(2)
/// .ttl_seconds_after_finished(3600);
/// let k = serde_json::to_value(migrate.to_k8s("shop"))?;
/// assert_eq!(k["spec"]["template"]["spec"]["restartPolicy"], "Never");
/// let stack = Stack::new("shop").with(migrate);
/// assert_eq!(stack.workload_demands()[0].counts.steady, 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) pod: Box<PodTemplate>,
    pub(crate) params: JobParams,
}

/// What a Job and a CronJob's job template share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct JobParams {
    pub(crate) parallelism: Option<i32>,
    pub(crate) completions: Option<i32>,
    pub(crate) backoff_limit: Option<i32>,
    pub(crate) active_deadline_seconds: Option<i64>,
    pub(crate) ttl_seconds_after_finished: Option<i32>,
}

impl JobParams {
    /// Pods running at once: `min(parallelism, completions)`, each defaulting to 1; with
    /// neither set by the user that is 1 (pkg/controller/job/job_controller.go, manageJob:
    /// `wantActive` is parallelism capped by the completions still to go).
    pub(crate) fn running(&self) -> i32 {
        let parallelism = self.parallelism.unwrap_or(1);
        match self.completions {
            Some(c) => parallelism.min(c),
            None => parallelism,
        }
    }

    pub(crate) fn to_k8s(self, template: k8s_openapi::api::core::v1::PodTemplateSpec) -> JobSpec {
        JobSpec {
            parallelism: self.parallelism,
            completions: self.completions,
            backoff_limit: Some(self.backoff_limit.unwrap_or(6)),
            active_deadline_seconds: self.active_deadline_seconds,
            ttl_seconds_after_finished: self.ttl_seconds_after_finished,
            template,
            ..Default::default()
        }
    }
}

impl Job {
    /// A Job named `name` whose pods run `container` once to completion.
    ///
    /// ```
    /// let j = kubefit::Job::new("migrate", kubefit::Container::new("migrate", "busybox:1.36"));
    /// assert_eq!(j.name().as_str(), "migrate");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<Name>, container: Container) -> Self {
        let mut pod = PodTemplate::new(container);
        pod.restart_policy = Some("Never");
        Job {
            name: name.into(),
            meta: Meta::default(),
            pod: Box::new(pod),
            params: JobParams::default(),
        }
    }

    /// The Job's name.
    ///
    /// ```
    /// let j = kubefit::Job::new("migrate", kubefit::Container::new("migrate", "busybox:1.36"));
    /// assert_eq!(j.name().as_str(), "migrate");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// Runs up to `n` pods at once (`spec.parallelism`).
    ///
    /// ```
    /// use kubefit::{Container, Job, Stack};
    /// let j = Job::new("import", Container::new("import", "busybox:1.36")).parallelism(4).completions(10);
    /// assert_eq!(Stack::new("shop").with(j).workload_demands()[0].counts.steady, 4);
    /// ```
    #[must_use]
    pub fn parallelism(mut self, n: i32) -> Self {
        self.params.parallelism = Some(n);
        self
    }

    /// Succeeds once `n` pods have (`spec.completions`).
    ///
    /// ```
    /// use kubefit::{Container, Job, Stack};
    /// let j = Job::new("import", Container::new("import", "busybox:1.36")).parallelism(4).completions(2);
    /// assert_eq!(Stack::new("shop").with(j).workload_demands()[0].counts.steady, 2);
    /// ```
    #[must_use]
    pub fn completions(mut self, n: i32) -> Self {
        self.params.completions = Some(n);
        self
    }

    /// Retries a failing Job this many times before marking it failed (default 6).
    ///
    /// ```
    /// let j = kubefit::Job::new("m", kubefit::Container::new("m", "busybox:1.36")).backoff_limit(1);
    /// assert_eq!(serde_json::to_value(j.to_k8s("shop")).unwrap()["spec"]["backoffLimit"], 1);
    /// ```
    #[must_use]
    pub fn backoff_limit(mut self, n: i32) -> Self {
        self.params.backoff_limit = Some(n);
        self
    }

    /// Fails the Job once it has run this long (`spec.activeDeadlineSeconds`, above 0).
    ///
    /// ```
    /// let j = kubefit::Job::new("m", kubefit::Container::new("m", "busybox:1.36")).active_deadline_seconds(600);
    /// assert_eq!(serde_json::to_value(j.to_k8s("shop")).unwrap()["spec"]["activeDeadlineSeconds"], 600);
    /// ```
    #[must_use]
    pub fn active_deadline_seconds(mut self, seconds: i64) -> Self {
        self.params.active_deadline_seconds = Some(seconds);
        self
    }

    /// Deletes the finished Job (and its pods) this many seconds after it ends.
    ///
    /// ```
    /// let j = kubefit::Job::new("m", kubefit::Container::new("m", "busybox:1.36")).ttl_seconds_after_finished(3600);
    /// assert_eq!(serde_json::to_value(j.to_k8s("shop")).unwrap()["spec"]["ttlSecondsAfterFinished"], 3600);
    /// ```
    #[must_use]
    pub fn ttl_seconds_after_finished(mut self, seconds: i32) -> Self {
        self.params.ttl_seconds_after_finished = Some(seconds);
        self
    }

    /// Restarts a failed container in the same pod (`restartPolicy: OnFailure`) instead of
    /// starting a new pod.
    ///
    /// ```
    /// let j = kubefit::Job::new("m", kubefit::Container::new("m", "busybox:1.36")).restart_on_failure();
    /// let k = serde_json::to_value(j.to_k8s("shop")).unwrap();
    /// assert_eq!(k["spec"]["template"]["spec"]["restartPolicy"], "OnFailure");
    /// ```
    #[must_use]
    pub fn restart_on_failure(mut self) -> Self {
        self.pod.restart_policy = Some("OnFailure");
        self
    }

    /// Lowers to the k8s-openapi type, in `namespace`. The selector is left to the API
    /// server, which generates one from the Job's uid.
    ///
    /// ```
    /// let j = kubefit::Job::new("m", kubefit::Container::new("m", "busybox:1.36"));
    /// let k = serde_json::to_value(j.to_k8s("shop"))?;
    /// assert_eq!(k["spec"]["backoffLimit"], 6);
    /// assert!(k["spec"].get("selector").is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sJob {
        K8sJob {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: self.params.to_k8s(self.pod.to_k8s(&self.name)).field(),
            ..Default::default()
        }
    }
}

impl From<&Job> for WorkloadRef {
    fn from(j: &Job) -> Self {
        WorkloadRef::new(WorkloadKind::Job, &j.name, &j.pod)
    }
}

meta_setters!(
    Job,
    "kubefit::Job::new(\"migrate\", kubefit::Container::new(\"migrate\", \"busybox:1.36\"))"
);
crate::model::patch::patch_setter!(
    Job,
    k8s_openapi::api::batch::v1::Job,
    "kubefit::Job::new(\"migrate\", kubefit::Container::new(\"migrate\", \"busybox:1.36\"))"
);
pod_setters!(
    Job,
    "kubefit::Job::new(\"migrate\", kubefit::Container::new(\"migrate\", \"busybox:1.36\"))"
);

crate::model::object::kind!(Job, "Job", 8, |x, ns| {
    crate::model::lowered::K8sObject::Job(Box::new(x.to_k8s(ns)))
});
