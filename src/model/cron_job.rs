//! CronJobs: a Job on a schedule.

use k8s_openapi::api::batch::v1::{CronJob as K8sCronJob, CronJobSpec, JobTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::model::job::Job;
use crate::model::meta::{Meta, meta_setters};
use crate::model::name::Name;
use crate::util::compat::Field;

/// What a CronJob does when a run is due while the last one still runs.
///
/// ```
/// assert_eq!(kubefit::ConcurrencyPolicy::Forbid.to_string(), "Forbid");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConcurrencyPolicy {
    /// Runs may overlap: the budget cannot know how many do (it counts one, and the
    /// `cron-job-runs-may-overlap` lint says so).
    Allow,
    /// The new run is skipped while the last one runs.
    Forbid,
    /// The running Job is deleted and the new one started (for a moment both hold their
    /// requests while the old pods terminate).
    Replace,
}

impl ConcurrencyPolicy {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ConcurrencyPolicy::Allow => "Allow",
            ConcurrencyPolicy::Forbid => "Forbid",
            ConcurrencyPolicy::Replace => "Replace",
        }
    }
}

impl std::fmt::Display for ConcurrencyPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CronJob: runs a [`Job`] on a cron schedule (backups, reports, cleanups). It takes the
/// Job's name; the Job's pod, counts and metadata become its job template.
///
/// The budget counts one run's pods (the Job's `min(parallelism, completions)`) in every
/// scenario: with [`ConcurrencyPolicy::Forbid`] no two runs overlap.
///
/// # Defaults
///
/// - `concurrencyPolicy: Forbid` (Kubernetes defaults to `Allow`, which lets slow runs pile
///   up beyond any budget; opt out with [`CronJob::concurrency`]).
/// - The schedule is read in the controller's time zone unless [`CronJob::time_zone`] names
///   one.
///
/// ```
/// use kubefit::{Container, CronJob, Job, Stack};
///
/// let backup = CronJob::new(
///     "0 3 * * *",
///     Job::new("backup", Container::new("backup", "postgres:16.4").command(["pg_dumpall"]))
///         .backoff_limit(1),
/// )
/// .time_zone("Europe/Berlin");
/// let k = serde_json::to_value(backup.to_k8s("shop"))?;
/// assert_eq!(k["spec"]["schedule"], "0 3 * * *");
/// assert_eq!(k["spec"]["concurrencyPolicy"], "Forbid");
/// assert_eq!(k["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"], "Never");
/// let stack = Stack::new("shop").with(backup);
/// assert!(!stack.check().has_errors(), "{}", stack.check());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronJob {
    pub(crate) name: Name,
    pub(crate) meta: Meta,
    pub(crate) schedule: String,
    pub(crate) job: Box<Job>,
    pub(crate) time_zone: Option<String>,
    pub(crate) concurrency: ConcurrencyPolicy,
    pub(crate) starting_deadline_seconds: Option<i64>,
    pub(crate) successful_jobs_history_limit: Option<i32>,
    pub(crate) failed_jobs_history_limit: Option<i32>,
    pub(crate) suspend: bool,
}

impl CronJob {
    /// Runs `job` on `schedule` (five cron fields, or `@hourly`, `@daily`, …; the check reads
    /// it as the controller does). The CronJob takes the Job's name.
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@hourly", Job::new("sweep", Container::new("sweep", "busybox:1.36")));
    /// assert_eq!(c.name().as_str(), "sweep");
    /// ```
    #[must_use]
    pub fn new(schedule: impl Into<String>, job: Job) -> Self {
        CronJob {
            name: job.name.clone(),
            meta: Meta::default(),
            schedule: schedule.into(),
            job: Box::new(job),
            time_zone: None,
            concurrency: ConcurrencyPolicy::Forbid,
            starting_deadline_seconds: None,
            successful_jobs_history_limit: None,
            failed_jobs_history_limit: None,
            suspend: false,
        }
    }

    /// The CronJob's name (its Job's).
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("report", Container::new("r", "busybox:1.36")));
    /// assert_eq!(c.name().as_str(), "report");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The schedule as given.
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("*/5 * * * *", Job::new("poll", Container::new("p", "busybox:1.36")));
    /// assert_eq!(c.schedule(), "*/5 * * * *");
    /// ```
    #[must_use]
    pub fn schedule(&self) -> &str {
        &self.schedule
    }

    /// The Job each run creates.
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("report", Container::new("r", "busybox:1.36")));
    /// assert_eq!(c.job().name().as_str(), "report");
    /// ```
    #[must_use]
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// Reads the schedule in this IANA time zone (`spec.timeZone`, e.g. `Europe/Berlin`).
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36"))).time_zone("Etc/UTC");
    /// assert_eq!(serde_json::to_value(c.to_k8s("shop")).unwrap()["spec"]["timeZone"], "Etc/UTC");
    /// ```
    #[must_use]
    pub fn time_zone(mut self, zone: impl Into<String>) -> Self {
        self.time_zone = Some(zone.into());
        self
    }

    /// What happens when a run is due while the last one still runs.
    ///
    /// ```
    /// use kubefit::{ConcurrencyPolicy, Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36")))
    ///     .concurrency(ConcurrencyPolicy::Replace);
    /// assert_eq!(serde_json::to_value(c.to_k8s("shop")).unwrap()["spec"]["concurrencyPolicy"], "Replace");
    /// ```
    #[must_use]
    pub fn concurrency(mut self, policy: ConcurrencyPolicy) -> Self {
        self.concurrency = policy;
        self
    }

    /// Skips a run that could not start within this many seconds of its time.
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36"))).starting_deadline_seconds(300);
    /// assert_eq!(serde_json::to_value(c.to_k8s("shop")).unwrap()["spec"]["startingDeadlineSeconds"], 300);
    /// ```
    #[must_use]
    pub fn starting_deadline_seconds(mut self, seconds: i64) -> Self {
        self.starting_deadline_seconds = Some(seconds);
        self
    }

    /// Keeps this many finished Jobs of each outcome (Kubernetes keeps 3 successful, 1 failed).
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36"))).history(1, 3);
    /// let k = serde_json::to_value(c.to_k8s("shop")).unwrap();
    /// assert_eq!((k["spec"]["successfulJobsHistoryLimit"].as_i64(), k["spec"]["failedJobsHistoryLimit"].as_i64()), (Some(1), Some(3)));
    /// ```
    #[must_use]
    pub fn history(mut self, successful: i32, failed: i32) -> Self {
        self.successful_jobs_history_limit = Some(successful);
        self.failed_jobs_history_limit = Some(failed);
        self
    }

    /// Creates no runs until resumed (`spec.suspend: true`).
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36"))).suspend();
    /// assert_eq!(serde_json::to_value(c.to_k8s("shop")).unwrap()["spec"]["suspend"], true);
    /// ```
    #[must_use]
    pub fn suspend(mut self) -> Self {
        self.suspend = true;
        self
    }

    /// Lowers to the k8s-openapi type, in `namespace`.
    ///
    /// ```
    /// use kubefit::{Container, CronJob, Job};
    /// let c = CronJob::new("@daily", Job::new("r", Container::new("r", "busybox:1.36")).label("tier", "batch"));
    /// let k = serde_json::to_value(c.to_k8s("shop"))?;
    /// assert_eq!(k["spec"]["jobTemplate"]["metadata"]["labels"]["tier"], "batch");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn to_k8s(&self, namespace: &str) -> K8sCronJob {
        let job_meta = self.job.meta.object_meta("", None);
        K8sCronJob {
            metadata: self.meta.object_meta(self.name.as_str(), Some(namespace)),
            spec: CronJobSpec {
                schedule: self.schedule.clone(),
                time_zone: self.time_zone.clone(),
                concurrency_policy: Some(self.concurrency.as_str().to_owned()),
                starting_deadline_seconds: self.starting_deadline_seconds,
                successful_jobs_history_limit: self.successful_jobs_history_limit,
                failed_jobs_history_limit: self.failed_jobs_history_limit,
                suspend: self.suspend.then_some(true),
                job_template: JobTemplateSpec {
                    metadata: (job_meta.labels.is_some() || job_meta.annotations.is_some()).then(
                        || ObjectMeta {
                            labels: job_meta.labels,
                            annotations: job_meta.annotations,
                            ..Default::default()
                        },
                    ),
                    spec: self
                        .job
                        .params
                        .to_k8s(self.job.pod.to_k8s(&self.name))
                        .field(),
                },
            }
            .field(),
            ..Default::default()
        }
    }
}

meta_setters!(
    CronJob,
    "kubefit::CronJob::new(\"@daily\", kubefit::Job::new(\"report\", kubefit::Container::new(\"r\", \"busybox:1.36\")))"
);
crate::model::patch::patch_setter!(
    CronJob,
    k8s_openapi::api::batch::v1::CronJob,
    "kubefit::CronJob::new(\"@daily\", kubefit::Job::new(\"report\", kubefit::Container::new(\"r\", \"busybox:1.36\")))"
);

crate::model::object::kind!(CronJob, "CronJob", 12, |x, ns| {
    crate::model::lowered::K8sObject::CronJob(Box::new(x.to_k8s(ns)))
});
