//! Typed patch hooks: changes to a builder's lowered k8s-openapi object, for the fields
//! kubefit does not model yet.

use std::any::Any;
use std::sync::Arc;

use crate::model::lowered::K8sObject;

/// One patch, typed by its setter and erased here: it changes the lowered object if it is
/// of the type it was written for.
type PatchFn = Arc<dyn Fn(&mut dyn Any) + Send + Sync>;

/// The patches of one object, in the order they were added.
#[derive(Clone, Default)]
pub(crate) struct Patches(Vec<PatchFn>);

impl Patches {
    pub(crate) const fn new() -> Self {
        Patches(Vec::new())
    }

    /// Adds a patch of the lowered `T`.
    pub(crate) fn push<T: 'static>(&mut self, f: impl Fn(&mut T) + Send + Sync + 'static) {
        self.0.push(Arc::new(move |any: &mut dyn Any| {
            if let Some(t) = any.downcast_mut::<T>() {
                f(t);
            }
        }));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Applies every patch to `object`, in order.
    pub(crate) fn apply(&self, object: &mut K8sObject) {
        if self.0.is_empty() {
            return;
        }
        let any: &mut dyn Any = match object {
            K8sObject::Namespace(x) => x,
            K8sObject::ResourceQuota(x) => x,
            K8sObject::LimitRange(x) => x,
            K8sObject::ServiceAccount(x) => x,
            K8sObject::NetworkPolicy(x) => x,
            K8sObject::ConfigMap(x) => x,
            K8sObject::Secret(x) => x,
            K8sObject::PersistentVolumeClaim(x) => x,
            K8sObject::Service(x) => x,
            K8sObject::Deployment(x) => x,
            K8sObject::StatefulSet(x) => x,
            K8sObject::DaemonSet(x) => x,
            K8sObject::Job(x) => &mut **x,
            K8sObject::CronJob(x) => &mut **x,
            K8sObject::HorizontalPodAutoscaler(x) => x,
            K8sObject::PodDisruptionBudget(x) => x,
            K8sObject::Ingress(x) => x,
            K8sObject::Custom(x) => x,
        };
        for p in &self.0 {
            p(any);
        }
    }
}

/// Two objects are equal when they carry the very same patches (closures have no other
/// equality).
impl PartialEq for Patches {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

impl std::fmt::Debug for Patches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} patch(es)", self.0.len())
    }
}

/// Generates `patch`, the typed hook for the fields a builder does not model: `$k8s` is the
/// k8s-openapi type the builder lowers to.
macro_rules! patch_setter {
    ($ty:ident, $k8s:ty, $example:expr) => {
        impl $ty {
            /// Changes the lowered k8s-openapi object, for fields kubefit does not model yet.
            ///
            /// Patches run, in the order they were added, every time the object is lowered:
            /// every output (YAML, JSON, Kustomize, Helm) carries them. A patched Deployment,
            /// StatefulSet, DaemonSet, Job, CronJob or ConfigMap is read back into the model,
            /// so the check and the fit judge the patched object (a patched container's
            /// resources count) and the fields kubefit does not model are listed once as
            /// `not-modelled`; other kinds are checked as built, before the patch.
            ///
            /// ```
            #[doc = concat!("let x = ", $example, ".patch(|o: &mut ", stringify!($k8s), "| {")]
            ///     o.metadata.annotations.get_or_insert_default().insert("example.com/patched".into(), "done".into());
            /// });
            /// let yaml = kubefit::Stack::new("shop").with(x).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("    example.com/patched: done\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn patch(mut self, f: impl Fn(&mut $k8s) + Send + Sync + 'static) -> Self {
                self.meta.patches_mut().push(f);
                self
            }
        }
    };
}
pub(crate) use patch_setter;
