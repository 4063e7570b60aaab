//! Everything a stack can hold.

use crate::model::autoscaler::HorizontalPodAutoscaler;
use crate::model::config_map::ConfigMap;
use crate::model::cron_job::CronJob;
use crate::model::custom::CustomObject;
use crate::model::daemon_set::DaemonSet;
use crate::model::deployment::Deployment;
use crate::model::disruption_budget::PodDisruptionBudget;
use crate::model::ingress::Ingress;
use crate::model::job::Job;
use crate::model::k8s_resource::K8sResource;
use crate::model::limit_range::LimitRange;
use crate::model::lowered::K8sObject;
use crate::model::meta::Meta;
use crate::model::name::Name;
use crate::model::network_policy::NetworkPolicy;
use crate::model::pvc::PersistentVolumeClaim;
use crate::model::resource_quota::ResourceQuota;
use crate::model::secret::Secret;
use crate::model::service::Service;
use crate::model::service_account::ServiceAccount;
use crate::model::statefulset::StatefulSet;

/// One object of a [`Stack`](crate::Stack). Every builder converts into it, so
/// `stack.with(x)` takes any of them.
///
/// ```
/// use kubefit::{ConfigMap, Object};
///
/// let o = Object::from(ConfigMap::new("cfg"));
/// assert_eq!(o.kind(), "ConfigMap");
/// assert_eq!(o.name().as_str(), "cfg");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Object {
    /// A ResourceQuota.
    ResourceQuota(ResourceQuota),
    /// A LimitRange.
    LimitRange(LimitRange),
    /// A ServiceAccount.
    ServiceAccount(ServiceAccount),
    /// A NetworkPolicy.
    NetworkPolicy(NetworkPolicy),
    /// A ConfigMap.
    ConfigMap(ConfigMap),
    /// A Secret.
    Secret(Secret),
    /// A PersistentVolumeClaim.
    PersistentVolumeClaim(PersistentVolumeClaim),
    /// A Service.
    Service(Service),
    /// A Deployment.
    Deployment(Deployment),
    /// A StatefulSet.
    StatefulSet(StatefulSet),
    /// A DaemonSet.
    DaemonSet(DaemonSet),
    /// A Job.
    Job(Job),
    /// A CronJob.
    CronJob(CronJob),
    /// A HorizontalPodAutoscaler.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    /// A PodDisruptionBudget.
    PodDisruptionBudget(PodDisruptionBudget),
    /// An Ingress.
    Ingress(Ingress),
    /// An instance of a custom resource.
    Custom(CustomObject),
    /// Any typed k8s-openapi object ([`Stack::with_k8s`](crate::Stack::with_k8s)), boxed:
    /// it carries the object and what kubefit read of it.
    K8s(Box<K8sResource>),
}

/// What each kind of object tells the rest of kubefit — its kind, metadata, place in the
/// apply order and its lowering (its name is each builder's own `name()`) — implemented once per kind (in the kind's file, with
/// [`kind!`]); [`Object`] dispatches to it in one place ([`each!`]).
pub(crate) trait Kind {
    /// Rank in the apply-safe emission order: what others depend on comes first.
    const ORDER: u8;
    /// The Kubernetes kind.
    fn kind(&self) -> &str;
    /// Its metadata.
    fn meta(&self) -> &Meta;
    /// Its rank in the emission order: [`Kind::ORDER`] unless the kind varies per object.
    fn rank(&self) -> u8 {
        Self::ORDER
    }
    /// Its k8s-openapi form, in `namespace`.
    fn lower(&self, namespace: &str) -> K8sObject;
}

/// Implements [`Kind`] for a builder with `name` and `meta` fields:
/// `kind!(Deployment, "Deployment", 8, |d, ns| K8sObject::Deployment(d.to_k8s(ns)));`
macro_rules! kind {
    ($ty:ident, $kind:literal, $order:literal, |$x:ident, $ns:ident| $lower:expr) => {
        impl crate::model::object::Kind for $ty {
            const ORDER: u8 = $order;
            fn kind(&self) -> &str {
                $kind
            }
            fn meta(&self) -> &crate::model::meta::Meta {
                &self.meta
            }
            fn lower(&self, $ns: &str) -> crate::model::lowered::K8sObject {
                let $x = self;
                $lower
            }
        }
    };
}
pub(crate) use kind;

/// `match` over every variant of [`Object`], binding the kind's value: the one place that
/// lists them all.
macro_rules! each {
    ($obj:expr, $o:ident => $e:expr) => {
        match $obj {
            Object::ResourceQuota($o) => $e,
            Object::LimitRange($o) => $e,
            Object::ServiceAccount($o) => $e,
            Object::NetworkPolicy($o) => $e,
            Object::ConfigMap($o) => $e,
            Object::Secret($o) => $e,
            Object::PersistentVolumeClaim($o) => $e,
            Object::Service($o) => $e,
            Object::Deployment($o) => $e,
            Object::StatefulSet($o) => $e,
            Object::DaemonSet($o) => $e,
            Object::Job($o) => $e,
            Object::CronJob($o) => $e,
            Object::HorizontalPodAutoscaler($o) => $e,
            Object::PodDisruptionBudget($o) => $e,
            Object::Ingress($o) => $e,
            Object::Custom($o) => $e,
            Object::K8s($o) => $e,
        }
    };
}

impl Object {
    /// The Kubernetes kind.
    ///
    /// ```
    /// assert_eq!(kubefit::Object::from(kubefit::Service::new("a")).kind(), "Service");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &str {
        each!(self, o => o.kind())
    }

    /// The object's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Object::from(kubefit::Service::new("a")).name().as_str(), "a");
    /// ```
    #[must_use]
    pub fn name(&self) -> &Name {
        each!(self, o => o.name())
    }

    /// `kind/name` with the kind in lowercase, as diagnostics name objects.
    ///
    /// ```
    /// assert_eq!(kubefit::Object::from(kubefit::Service::new("a")).reference(), "service/a");
    /// ```
    #[must_use]
    pub fn reference(&self) -> String {
        let mut out = String::new();
        self.reference_into(&mut out);
        out
    }

    /// [`Object::reference`] written over `out` (whose allocation is reused).
    pub(crate) fn reference_into(&self, out: &mut String) {
        let kind = self.kind();
        let name = self.name().as_str();
        out.clear();
        out.reserve(kind.len() + 1 + name.len());
        if kind.is_ascii() {
            out.push_str(kind);
            out.make_ascii_lowercase();
        } else {
            out.extend(kind.chars().flat_map(char::to_lowercase));
        }
        out.push('/');
        out.push_str(name);
    }

    /// Position in the apply-safe emission order: things others depend on come first.
    pub(crate) fn order(&self) -> u8 {
        each!(self, o => o.rank())
    }

    pub(crate) fn meta(&self) -> &Meta {
        each!(self, o => o.meta())
    }

    /// The pods this object makes, if it is a workload: its kind, name, pod template and
    /// how many pods it runs by its kind's rule. Every layer that treats workloads alike
    /// goes through this one match.
    pub(crate) fn pod_owner(&self) -> Option<crate::model::workload::PodOwner<'_>> {
        use crate::model::workload::{PodCount, PodOwner, WorkloadKind};
        let (kind, name, pod, count) = match self {
            Object::Deployment(d) => (
                WorkloadKind::Deployment,
                &d.name,
                &*d.pod,
                PodCount::Replicas(d.replicas),
            ),
            Object::StatefulSet(s) => (
                WorkloadKind::StatefulSet,
                &s.name,
                &*s.pod,
                PodCount::Replicas(s.replicas),
            ),
            Object::DaemonSet(d) => (
                WorkloadKind::DaemonSet,
                &d.name,
                &*d.pod,
                PodCount::PerNode { surge: d.surges() },
            ),
            Object::Job(j) => (
                WorkloadKind::Job,
                &j.name,
                &*j.pod,
                PodCount::Running(j.params.running()),
            ),
            Object::CronJob(c) => (
                WorkloadKind::CronJob,
                &c.name,
                &*c.job.pod,
                PodCount::Running(c.job.params.running()),
            ),
            // A bare Pod runs as given: one pod.
            Object::K8s(k) => match &k.pod {
                Some(pod) => (WorkloadKind::Pod, &k.name, &**pod, PodCount::Running(1)),
                None => return None,
            },
            _ => return None,
        };
        Some(PodOwner {
            kind,
            name,
            pod,
            count,
        })
    }

    /// The pod template of a workload, to change (an environment's image and resource
    /// overrides), with the workload's name.
    pub(crate) fn pod_mut(&mut self) -> Option<(&Name, &mut crate::model::pod::PodTemplate)> {
        match self {
            Object::Deployment(d) => Some((&d.name, &mut *d.pod)),
            Object::StatefulSet(s) => Some((&s.name, &mut *s.pod)),
            Object::DaemonSet(d) => Some((&d.name, &mut *d.pod)),
            Object::Job(j) => Some((&j.name, &mut *j.pod)),
            Object::CronJob(c) => Some((&c.name, &mut *c.job.pod)),
            _ => None,
        }
    }

    /// The object lowered to its k8s-openapi type, in `namespace`, with its patches
    /// applied.
    pub(crate) fn lower(&self, namespace: &str) -> K8sObject {
        let mut k = each!(self, o => o.lower(namespace));
        self.meta().patches().apply(&mut k);
        k
    }

    /// Its metadata, to change.
    pub(crate) fn meta_mut(&mut self) -> &mut Meta {
        each!(self, o => &mut o.meta)
    }
}

macro_rules! object_from {
    ($($variant:ident),*) => {
        $(impl From<$variant> for Object {
            fn from(o: $variant) -> Self {
                Object::$variant(o)
            }
        })*
    };
}

object_from!(
    ResourceQuota,
    LimitRange,
    ServiceAccount,
    NetworkPolicy,
    ConfigMap,
    Secret,
    PersistentVolumeClaim,
    Service,
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    Ingress
);

impl From<CustomObject> for Object {
    fn from(o: CustomObject) -> Self {
        Object::Custom(o)
    }
}

impl From<K8sResource> for Object {
    fn from(o: K8sResource) -> Self {
        Object::K8s(Box::new(o))
    }
}
