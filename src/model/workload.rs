//! What other objects need to know about a workload to point at it.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::model::name::Name;
use crate::model::pod::PodTemplate;

/// The kind of a workload.
///
/// ```
/// assert_eq!(kubefit::WorkloadKind::Deployment.to_string(), "Deployment");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WorkloadKind {
    /// `apps/v1` Deployment.
    Deployment,
    /// `apps/v1` StatefulSet.
    StatefulSet,
    /// `apps/v1` DaemonSet.
    DaemonSet,
    /// `batch/v1` Job.
    Job,
    /// `batch/v1` CronJob.
    CronJob,
    /// A bare `v1` Pod ([`Stack::with_k8s`](crate::Stack::with_k8s)): no controller
    /// replaces it.
    Pod,
}

impl WorkloadKind {
    /// The Kubernetes kind: `Deployment`, `StatefulSet`, …
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::Pod => "Pod",
        }
    }

    /// Whether its pods run to completion (Job, CronJob) rather than serve.
    pub(crate) fn runs_to_completion(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many pods an object runs, by its kind's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PodCount {
    /// `spec.replicas` (Deployment, StatefulSet), possibly scaled by an autoscaler.
    Replicas(i32),
    /// One per node its pods can land on (DaemonSet); with surge, two per node during a
    /// rollout.
    PerNode {
        /// Whether a rollout starts the new pod before stopping the old one.
        surge: bool,
    },
    /// Pods running at once while a Job runs: `min(parallelism, completions)` (the job
    /// controller's `wantActive`, pkg/controller/job/job_controller.go).
    Running(i32),
}

/// The pod-making part of any workload object, for the layers that treat every kind alike
/// (the check, the lints, the fit, the output formats).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PodOwner<'a> {
    pub(crate) kind: WorkloadKind,
    pub(crate) name: &'a Name,
    pub(crate) pod: &'a PodTemplate,
    pub(crate) count: PodCount,
}

impl PodOwner<'_> {
    /// The replica count the lints reason about (`pdb-missing`, `anti-affinity-missing`):
    /// only Deployments and StatefulSets have one.
    pub(crate) fn replicas(&self) -> Option<i32> {
        match self.count {
            PodCount::Replicas(n) => Some(n),
            _ => None,
        }
    }
}

/// A reference to a Deployment, StatefulSet or DaemonSet: its kind, name, pod selector and named
/// container ports. Services, autoscalers, disruption budgets and network policies take one,
/// so nothing is retyped by hand.
///
/// ```
/// use kubefit::{Container, Deployment, WorkloadRef, WorkloadKind};
///
/// let web = Deployment::new("web", Container::new("web", "nginx:1.27").port("http", 8080));
/// let r = WorkloadRef::from(&web);
/// assert_eq!(r.kind, WorkloadKind::Deployment);
/// assert_eq!(r.ports, vec![("http".to_string(), 8080)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkloadRef {
    /// Deployment, StatefulSet or DaemonSet.
    pub kind: WorkloadKind,
    /// The workload's name.
    pub name: Name,
    /// The labels its selector matches.
    pub selector: BTreeMap<String, String>,
    /// The named ports of its app containers, in order.
    pub ports: Vec<(String, u16)>,
}

impl WorkloadRef {
    pub(crate) fn new(kind: WorkloadKind, name: &Name, pod: &PodTemplate) -> Self {
        WorkloadRef {
            kind,
            name: name.clone(),
            selector: pod.selector(name),
            ports: pod
                .containers
                .iter()
                .flat_map(|c| c.ports.iter().map(|p| (p.name.clone(), p.number)))
                .collect(),
        }
    }

    /// `deployment/web`-style reference used in diagnostics.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, WorkloadRef};
    /// let r = WorkloadRef::from(&Deployment::new("web", Container::new("web", "nginx:1.27")));
    /// assert_eq!(r.object(), "deployment/web");
    /// ```
    #[must_use]
    pub fn object(&self) -> String {
        format!("{}/{}", self.kind.to_string().to_lowercase(), self.name)
    }
}

/// A count or a percentage, as in `maxSurge: 25%` or `minAvailable: 1`.
///
/// ```
/// use kubefit::IntOrPercent;
/// assert_eq!(IntOrPercent::Percent(25).to_string(), "25%");
/// assert_eq!(IntOrPercent::Count(1).resolve(4, true), 1);
/// assert_eq!(IntOrPercent::Percent(25).resolve(5, true), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntOrPercent {
    /// A number of pods.
    Count(i32),
    /// A percentage of the replicas.
    Percent(i32),
}

impl IntOrPercent {
    /// The number of pods this means for `replicas`, rounding a percentage up or down
    /// (Kubernetes rounds maxSurge up and maxUnavailable down).
    ///
    /// ```
    /// use kubefit::IntOrPercent;
    /// assert_eq!(IntOrPercent::Percent(25).resolve(3, false), 0);
    /// ```
    #[must_use]
    pub fn resolve(self, replicas: i32, round_up: bool) -> i32 {
        match self {
            IntOrPercent::Count(n) => n,
            IntOrPercent::Percent(p) => {
                let product = i64::from(replicas) * i64::from(p);
                let v = if round_up {
                    (product + 99).div_euclid(100)
                } else {
                    product.div_euclid(100)
                };
                i32::try_from(v).unwrap_or(i32::MAX)
            }
        }
    }

    pub(crate) fn to_k8s(self) -> IntOrString {
        match self {
            IntOrPercent::Count(n) => IntOrString::Int(n),
            IntOrPercent::Percent(p) => IntOrString::String(format!("{p}%")),
        }
    }
}

/// Serialises as the `IntOrString` it lowers to: `3` or `"25%"`.
impl serde::Serialize for IntOrPercent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            IntOrPercent::Count(n) => s.serialize_i32(n),
            IntOrPercent::Percent(p) => s.collect_str(&format_args!("{p}%")),
        }
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Count(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}
