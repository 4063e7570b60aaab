//! Borrowed serialisation views: a Deployment, Service or ConfigMap serialised exactly as
//! its lowered k8s-openapi object would be (the same fields, in the same order, through the
//! same serde calls), without building that object and dropping it again.
//!
//! [`Stack::write_yaml`](crate::Stack::write_yaml) renders through a view where one covers
//! the object, and lowers it otherwise (Deployments with probes, volumes or anti-affinity;
//! objects with checkov suppressions; every other kind). The tests below and
//! `tests/yaml_writer.rs` compare the views with the lowering, byte for byte.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use crate::emit::yaml::fast::Constant;
use crate::model::config_map::ConfigMap;
use crate::model::container::{Container, DEFAULT_UID, Env, EnvFrom, EnvValue};
use crate::model::deployment::{DEFAULT_STRATEGY, Deployment, Strategy};
use crate::model::meta::{MANAGED_BY, Meta, NAME_LABEL};
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::port::PortRef;
use crate::model::resources::Quantities;
use crate::model::service::{Service, ServiceType};
use crate::util::str_map::StrMap;

/// An object that serialises as its lowering would.
pub(crate) enum View<'a> {
    Deployment(&'a Deployment, &'a str),
    Service(&'a Service, &'a str),
    ConfigMap(&'a ConfigMap, &'a str),
}

impl<'a> View<'a> {
    /// The view of `o` in namespace `ns`, or `None` when `o` needs the lowering.
    pub(crate) fn of(o: &'a Object, ns: &'a str) -> Option<Self> {
        match o {
            Object::Deployment(d) if covered_meta(&d.meta) && covered_pod(&d.pod) => {
                Some(View::Deployment(d, ns))
            }
            Object::Service(s) if covered_meta(&s.meta) && !s.local_traffic => {
                Some(View::Service(s, ns))
            }
            Object::ConfigMap(c) if covered_meta(&c.meta) => Some(View::ConfigMap(c, ns)),
            _ => None,
        }
    }
}

/// Suppressions become checkov annotations in the lowering; views leave them to it.
fn covered_meta(meta: &Meta) -> bool {
    meta.suppressions().is_empty()
}

/// Pods the view writes: every field except the one-replica-per-node anti-affinity. Probes
/// and volumes are written through their own lowering (small objects), the rest directly;
/// pods with scheduling or pod-level fields ([`PodExtra`](crate::model::scheduling::PodExtra)) are lowered.
fn covered_pod(pod: &PodTemplate) -> bool {
    !pod.one_per_node
        && pod.extra.is_none()
        && pod
            .all_containers()
            .all(|(_, c)| c.extra.is_none() && c.resources.extended_resources().is_empty())
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            View::Deployment(d, ns) => {
                let mut st = s.serialize_struct("Deployment", 4)?;
                st.serialize_field("apiVersion", "apps/v1")?;
                st.serialize_field("kind", "Deployment")?;
                st.serialize_field("metadata", &ObjectMeta::of(&d.meta, d.name.as_str(), ns))?;
                st.serialize_field("spec", &DeploymentSpec(d))?;
                st.end()
            }
            View::Service(svc, ns) => {
                let mut st = s.serialize_struct("Service", 4)?;
                st.serialize_field("apiVersion", "v1")?;
                st.serialize_field("kind", "Service")?;
                st.serialize_field(
                    "metadata",
                    &ObjectMeta::of(&svc.meta, svc.name.as_str(), ns),
                )?;
                st.serialize_field("spec", &ServiceSpec(svc))?;
                st.end()
            }
            View::ConfigMap(c, ns) => {
                let mut st = s.serialize_struct("ConfigMap", 4)?;
                st.serialize_field("apiVersion", "v1")?;
                st.serialize_field("kind", "ConfigMap")?;
                st.serialize_field("data", &whole(&c.data))?;
                st.serialize_field("metadata", &ObjectMeta::of(&c.meta, c.name.as_str(), ns))?;
                st.end()
            }
        }
    }
}

/// A label map as the `BTreeMap` it lowers to: `map`'s entries with `entry` set (replacing
/// the map's own value for its key), in key order, without collecting them.
struct Pairs<'a> {
    map: Option<&'a StrMap>,
    entry: Option<(&'a str, &'a str)>,
}

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let own = self.map.map_or(0, StrMap::len);
        let replaced = match (self.map, self.entry) {
            (Some(map), Some((key, _))) => map.contains_key(key),
            _ => false,
        };
        let len = own + usize::from(self.entry.is_some()) - usize::from(replaced);
        let mut m = s.serialize_map(Some(len))?;
        let mut pending = self.entry;
        for (k, v) in self.map.into_iter().flatten() {
            if let Some((key, value)) = pending
                && k >= key
            {
                m.serialize_entry(key, value)?;
                pending = None;
            }
            if self.entry.is_none_or(|(key, _)| k != key) {
                m.serialize_entry(k, v)?;
            }
        }
        if let Some((key, value)) = pending {
            m.serialize_entry(key, value)?;
        }
        m.end()
    }
}

/// A `StrMap` as the `BTreeMap<String, String>` it lowers to.
fn whole(map: &StrMap) -> Pairs<'_> {
    Pairs {
        map: Some(map),
        entry: None,
    }
}

/// A list, each item serialised through its view (`Each(&c.env, EnvVar)`).
struct Each<'a, T, V>(&'a [T], fn(&'a T) -> V);

impl<'a, T, V: Serialize> Serialize for Each<'a, T, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

/// `map` with `(key, value)` set (replacing the map's own value for `key`).
fn with_entry<'a>(map: &'a StrMap, key: &'a str, value: &'a str) -> Pairs<'a> {
    Pairs {
        map: Some(map),
        entry: Some((key, value)),
    }
}

/// `ObjectMeta` of a top-level object: its labels plus the managed-by label.
struct ObjectMeta<'a> {
    annotations: &'a StrMap,
    labels: Pairs<'a>,
    name: &'a str,
    namespace: &'a str,
}

impl<'a> ObjectMeta<'a> {
    fn of(meta: &'a Meta, name: &'a str, namespace: &'a str) -> Self {
        ObjectMeta {
            annotations: meta.annotations(),
            labels: with_entry(&meta.labels, MANAGED_BY.0, MANAGED_BY.1),
            name,
            namespace,
        }
    }
}

impl Serialize for ObjectMeta<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st =
            s.serialize_struct("ObjectMeta", 3 + usize::from(!self.annotations.is_empty()))?;
        if !self.annotations.is_empty() {
            st.serialize_field("annotations", &whole(self.annotations))?;
        }
        st.serialize_field("labels", &self.labels)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("namespace", self.namespace)?;
        st.end()
    }
}

struct DeploymentSpec<'a>(&'a Deployment);

impl Serialize for DeploymentSpec<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let mut st = s.serialize_struct("DeploymentSpec", 4)?;
        st.serialize_field("replicas", &d.replicas)?;
        st.serialize_field(
            "selector",
            &LabelSelector(selector(&d.pod, d.name.as_str())),
        )?;
        st.serialize_field(
            "strategy",
            &Constant::when(
                d.strategy == DEFAULT_STRATEGY,
                "kubefit.constant/default-strategy",
                DeploymentStrategy(&d.strategy),
            ),
        )?;
        st.serialize_field("template", &PodTemplateSpec(&d.pod, d.name.as_str()))?;
        st.end()
    }
}

/// The workload's selector, as `PodTemplate::selector` lowers it.
fn selector<'a>(pod: &'a PodTemplate, workload: &'a str) -> Pairs<'a> {
    match &pod.selector {
        Some(s) => whole(s),
        None => Pairs {
            map: None,
            entry: Some((NAME_LABEL, workload)),
        },
    }
}

struct LabelSelector<'a>(Pairs<'a>);

impl Serialize for LabelSelector<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("LabelSelector", 1)?;
        st.serialize_field("matchLabels", &self.0)?;
        st.end()
    }
}

struct DeploymentStrategy<'a>(&'a Strategy);

impl Serialize for DeploymentStrategy<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rolling = matches!(self.0, Strategy::RollingUpdate { .. });
        let mut st = s.serialize_struct("DeploymentStrategy", 1 + usize::from(rolling))?;
        match *self.0 {
            Strategy::RollingUpdate {
                max_surge,
                max_unavailable,
            } => {
                st.serialize_field("rollingUpdate", &RollingUpdate(max_surge, max_unavailable))?;
                st.serialize_field("type", "RollingUpdate")?;
            }
            Strategy::Recreate => st.serialize_field("type", "Recreate")?,
        }
        st.end()
    }
}

/// `IntOrPercent`s serialise as the `IntOrString`s they lower to: `3` or `"25%"`.
struct RollingUpdate(
    crate::model::workload::IntOrPercent,
    crate::model::workload::IntOrPercent,
);

impl Serialize for RollingUpdate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("RollingUpdateDeployment", 2)?;
        st.serialize_field("maxSurge", &self.0)?;
        st.serialize_field("maxUnavailable", &self.1)?;
        st.end()
    }
}

struct PodTemplateSpec<'a>(&'a PodTemplate, &'a str);

impl Serialize for PodTemplateSpec<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("PodTemplateSpec", 2)?;
        st.serialize_field("metadata", &PodMeta(self.0, self.1))?;
        st.serialize_field("spec", &PodSpec(self.0))?;
        st.end()
    }
}

/// The pod template's metadata: its annotations, and its labels under the workload's
/// name label (which a pod label of the same key replaces).
struct PodMeta<'a>(&'a PodTemplate, &'a str);

impl Serialize for PodMeta<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let pod = self.0;
        let mut st =
            s.serialize_struct("ObjectMeta", 1 + usize::from(!pod.annotations.is_empty()))?;
        if !pod.annotations.is_empty() {
            st.serialize_field("annotations", &whole(&pod.annotations))?;
        }
        let labels = if pod.labels.contains_key(NAME_LABEL) {
            whole(&pod.labels)
        } else {
            with_entry(&pod.labels, NAME_LABEL, self.1)
        };
        st.serialize_field("labels", &labels)?;
        st.end()
    }
}

struct PodSpec<'a>(&'a PodTemplate);

impl Serialize for PodSpec<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let pod = self.0;
        let init = !pod.sidecars.is_empty() || !pod.init_containers.is_empty();
        let n = 3
            + usize::from(pod.host_network)
            + usize::from(init)
            + usize::from(!pod.node_selector.is_empty())
            + usize::from(pod.service_account.is_some())
            + usize::from(pod.termination_grace_seconds.is_some())
            + usize::from(!pod.volumes.is_empty());
        let mut st = s.serialize_struct("PodSpec", n)?;
        st.serialize_field("automountServiceAccountToken", &pod.automount_token)?;
        st.serialize_field("containers", &Containers(&pod.containers, false))?;
        if pod.host_network {
            st.serialize_field("hostNetwork", &true)?;
        }
        if init {
            st.serialize_field("initContainers", &InitContainers(pod))?;
        }
        if !pod.node_selector.is_empty() {
            st.serialize_field("nodeSelector", &whole(&pod.node_selector))?;
        }
        st.serialize_field(
            "securityContext",
            &Constant::when(
                pod.run_as_user == DEFAULT_UID && pod.seccomp_runtime_default,
                "kubefit.constant/default-pod-security",
                PodSecurityContext(pod),
            ),
        )?;
        if let Some(sa) = &pod.service_account {
            st.serialize_field("serviceAccountName", sa.as_str())?;
        }
        if let Some(seconds) = pod.termination_grace_seconds {
            st.serialize_field("terminationGracePeriodSeconds", &seconds)?;
        }
        if !pod.volumes.is_empty() {
            st.serialize_field(
                "volumes",
                &Each(&pod.volumes, crate::model::volume::Volume::to_k8s),
            )?;
        }
        st.end()
    }
}

struct Containers<'a>(&'a [Container], bool);

impl Serialize for Containers<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| ContainerView(c, self.1)))
    }
}

/// Sidecars (restarted always) first, then the init containers.
struct InitContainers<'a>(&'a PodTemplate);

impl Serialize for InitContainers<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let pod = self.0;
        let mut seq = s.serialize_seq(Some(pod.sidecars.len() + pod.init_containers.len()))?;
        for c in &pod.sidecars {
            seq.serialize_element(&ContainerView(c, true))?;
        }
        for c in &pod.init_containers {
            seq.serialize_element(&ContainerView(c, false))?;
        }
        seq.end()
    }
}

struct PodSecurityContext<'a>(&'a PodTemplate);

impl Serialize for PodSecurityContext<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let uid = self.0.run_as_user;
        let seccomp = self.0.seccomp_runtime_default;
        let mut st = s.serialize_struct("PodSecurityContext", 4 + usize::from(seccomp))?;
        st.serialize_field("fsGroup", &uid)?;
        st.serialize_field("runAsGroup", &uid)?;
        st.serialize_field("runAsNonRoot", &(uid != 0))?;
        st.serialize_field("runAsUser", &uid)?;
        if seccomp {
            st.serialize_field("seccompProfile", &SeccompProfile)?;
        }
        st.end()
    }
}

struct SeccompProfile;

impl Serialize for SeccompProfile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SeccompProfile", 1)?;
        st.serialize_field("type", "RuntimeDefault")?;
        st.end()
    }
}

/// A container; the flag marks a sidecar (`restartPolicy: Always`).
struct ContainerView<'a>(&'a Container, bool);

impl Serialize for ContainerView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let n = 3
            + usize::from(!c.args.is_empty())
            + usize::from(!c.command.is_empty())
            + usize::from(!c.env.is_empty())
            + usize::from(!c.env_from.is_empty())
            + usize::from(c.image_pull_policy.is_some())
            + usize::from(!c.ports.is_empty())
            + usize::from(!c.resources.is_empty())
            + usize::from(self.1)
            + usize::from(!c.mounts.is_empty())
            + usize::from(c.working_dir.is_some())
            + usize::from(c.liveness.is_some())
            + usize::from(c.readiness.is_some())
            + usize::from(c.startup.is_some());
        let mut st = s.serialize_struct("Container", n)?;
        if !c.args.is_empty() {
            st.serialize_field("args", &c.args)?;
        }
        if !c.command.is_empty() {
            st.serialize_field("command", &c.command)?;
        }
        if !c.env.is_empty() {
            st.serialize_field("env", &Each(&c.env, EnvVar))?;
        }
        if !c.env_from.is_empty() {
            st.serialize_field("envFrom", &Each(&c.env_from, EnvFromSource))?;
        }
        st.serialize_field("image", &c.image)?;
        if let Some(policy) = &c.image_pull_policy {
            st.serialize_field("imagePullPolicy", policy)?;
        }
        if let Some(probe) = &c.liveness {
            st.serialize_field("livenessProbe", &probe.to_k8s())?;
        }
        st.serialize_field("name", &c.name)?;
        if !c.ports.is_empty() {
            st.serialize_field("ports", &Each(&c.ports, ContainerPort))?;
        }
        if let Some(probe) = &c.readiness {
            st.serialize_field("readinessProbe", &probe.to_k8s())?;
        }
        if !c.resources.is_empty() {
            st.serialize_field("resources", &ResourceRequirements(c))?;
        }
        if self.1 {
            st.serialize_field("restartPolicy", "Always")?;
        }
        let default_security = c.run_as_user == DEFAULT_UID
            && c.read_only_root
            && !c.allow_escalation
            && !c.privileged
            && c.add_capabilities.is_empty()
            && c.drop_all_capabilities;
        st.serialize_field(
            "securityContext",
            &Constant::when(
                default_security,
                "kubefit.constant/default-container-security",
                SecurityContext(c),
            ),
        )?;
        if let Some(probe) = &c.startup {
            st.serialize_field("startupProbe", &probe.to_k8s())?;
        }
        if !c.mounts.is_empty() {
            st.serialize_field("volumeMounts", &Each(&c.mounts, VolumeMount))?;
        }
        if let Some(dir) = &c.working_dir {
            st.serialize_field("workingDir", dir)?;
        }
        st.end()
    }
}

struct EnvVar<'a>(&'a Env);

impl Serialize for EnvVar<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut st = s.serialize_struct("EnvVar", 2)?;
        st.serialize_field("name", &e.name)?;
        match &e.value {
            EnvValue::Literal(v) => st.serialize_field("value", v)?,
            source => st.serialize_field("valueFrom", &EnvVarSource(source))?,
        }
        st.end()
    }
}

/// The `valueFrom` of an env var that is not a literal.
struct EnvVarSource<'a>(&'a EnvValue);

impl Serialize for EnvVarSource<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("EnvVarSource", 1)?;
        match self.0 {
            EnvValue::ConfigMapKey { config_map, key } => {
                st.serialize_field("configMapKeyRef", &KeySelector(config_map.as_str(), key))?;
            }
            EnvValue::Field(path) => st.serialize_field("fieldRef", &FieldSelector(path))?,
            EnvValue::SecretKey { secret, key } => {
                st.serialize_field("secretKeyRef", &KeySelector(secret.as_str(), key))?;
            }
            EnvValue::Literal(_) => {}
        }
        st.end()
    }
}

/// `ConfigMapKeySelector` and `SecretKeySelector` (the same fields): name, then key.
struct KeySelector<'a>(&'a str, &'a str);

impl Serialize for KeySelector<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("KeySelector", 2)?;
        st.serialize_field("key", self.1)?;
        st.serialize_field("name", self.0)?;
        st.end()
    }
}

struct FieldSelector<'a>(&'a str);

impl Serialize for FieldSelector<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ObjectFieldSelector", 1)?;
        st.serialize_field("fieldPath", self.0)?;
        st.end()
    }
}

struct EnvFromSource<'a>(&'a EnvFrom);

impl Serialize for EnvFromSource<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("EnvFromSource", 1)?;
        match self.0 {
            EnvFrom::ConfigMap(n) => st.serialize_field("configMapRef", &EnvSource(n.as_str()))?,
            EnvFrom::Secret(n) => st.serialize_field("secretRef", &EnvSource(n.as_str()))?,
        }
        st.end()
    }
}

/// `ConfigMapEnvSource` and `SecretEnvSource` (the same fields).
struct EnvSource<'a>(&'a str);

impl Serialize for EnvSource<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("EnvSource", 1)?;
        st.serialize_field("name", self.0)?;
        st.end()
    }
}

struct ContainerPort<'a>(&'a crate::model::container::Port);

impl Serialize for ContainerPort<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut st = s.serialize_struct("ContainerPort", 2 + usize::from(!p.name.is_empty()))?;
        st.serialize_field("containerPort", &i32::from(p.number))?;
        // An unnamed port has no `name`, as the lowering writes it.
        if !p.name.is_empty() {
            st.serialize_field("name", &p.name)?;
        }
        st.serialize_field("protocol", p.protocol)?;
        st.end()
    }
}

struct ResourceRequirements<'a>(&'a Container);

impl Serialize for ResourceRequirements<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (requests, limits) = self.0.resources.canonical();
        let present = |q: &Quantities| q.iter().any(Option::is_some);
        let n = usize::from(present(&limits)) + usize::from(present(&requests));
        let mut st = s.serialize_struct("ResourceRequirements", n)?;
        if present(&limits) {
            st.serialize_field("limits", &QuantityMap(&limits))?;
        }
        if present(&requests) {
            st.serialize_field("requests", &QuantityMap(&requests))?;
        }
        st.end()
    }
}

/// A `BTreeMap<String, Quantity>` (keys already sorted).
struct QuantityMap<'a>(&'a Quantities);

impl Serialize for QuantityMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.iter().flatten().count()))?;
        for (k, v) in self.0.iter().flatten() {
            m.serialize_entry(k, &Quantity(v.as_str()))?;
        }
        m.end()
    }
}

struct Quantity<'a>(&'a str);

impl Serialize for Quantity<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct("Quantity", self.0)
    }
}

struct SecurityContext<'a>(&'a Container);

impl Serialize for SecurityContext<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut st = s.serialize_struct("SecurityContext", 6 + usize::from(c.privileged))?;
        st.serialize_field("allowPrivilegeEscalation", &c.allow_escalation)?;
        st.serialize_field("capabilities", &Capabilities(c))?;
        if c.privileged {
            st.serialize_field("privileged", &true)?;
        }
        st.serialize_field("readOnlyRootFilesystem", &c.read_only_root)?;
        st.serialize_field("runAsGroup", &c.run_as_user)?;
        st.serialize_field("runAsNonRoot", &(c.run_as_user != 0))?;
        st.serialize_field("runAsUser", &c.run_as_user)?;
        st.end()
    }
}

struct Capabilities<'a>(&'a Container);

impl Serialize for Capabilities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let n = usize::from(!c.add_capabilities.is_empty()) + usize::from(c.drop_all_capabilities);
        let mut st = s.serialize_struct("Capabilities", n)?;
        if !c.add_capabilities.is_empty() {
            st.serialize_field("add", &c.add_capabilities)?;
        }
        if c.drop_all_capabilities {
            st.serialize_field("drop", &["ALL"][..])?;
        }
        st.end()
    }
}

struct VolumeMount<'a>(&'a crate::model::container::Mount);

impl Serialize for VolumeMount<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let n = 2 + usize::from(m.read_only) + usize::from(m.sub_path.is_some());
        let mut st = s.serialize_struct("VolumeMount", n)?;
        st.serialize_field("mountPath", &m.path)?;
        st.serialize_field("name", &m.volume)?;
        if m.read_only {
            st.serialize_field("readOnly", &true)?;
        }
        if let Some(sub) = &m.sub_path {
            st.serialize_field("subPath", sub)?;
        }
        st.end()
    }
}

struct ServiceSpec<'a>(&'a Service);

impl Serialize for ServiceSpec<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let svc = self.0;
        let n = 2 + usize::from(svc.headless) + usize::from(!svc.selector.is_empty());
        let mut st = s.serialize_struct("ServiceSpec", n)?;
        if svc.headless {
            st.serialize_field("clusterIP", "None")?;
        }
        st.serialize_field("ports", &Each(&svc.ports, ServicePort))?;
        if !svc.selector.is_empty() {
            st.serialize_field("selector", &whole(&svc.selector))?;
        }
        st.serialize_field(
            "type",
            match svc.type_ {
                ServiceType::ClusterIp => "ClusterIP",
                ServiceType::NodePort => "NodePort",
                ServiceType::LoadBalancer => "LoadBalancer",
            },
        )?;
        st.end()
    }
}

struct ServicePort<'a>(&'a crate::model::service::ServicePort);

impl Serialize for ServicePort<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut st = s.serialize_struct("ServicePort", 4 + usize::from(p.node_port.is_some()))?;
        st.serialize_field("name", &p.name)?;
        if let Some(node_port) = p.node_port {
            st.serialize_field("nodePort", &i32::from(node_port))?;
        }
        st.serialize_field("port", &i32::from(p.port))?;
        st.serialize_field("protocol", "TCP")?;
        match &p.target {
            PortRef::Name(n) => st.serialize_field("targetPort", n)?,
            PortRef::Number(n) => st.serialize_field("targetPort", &i32::from(*n))?,
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::View;
    use crate::{
        ConfigMap, Container, Cpu, Deployment, IntOrPercent, Memory, Object, Probe, Resources,
        Secret, SecretValue, Service, ServiceAccount, Volume,
    };
    use proptest::prelude::*;

    fn saphyr(v: &impl serde::Serialize) -> String {
        serde_saphyr::to_string_with_options(v, crate::emit::yaml::yaml_options()).unwrap()
    }

    /// The view of `o` serialises like its lowering, through serde-saphyr and through the
    /// fast path; returns whether a view covered it.
    fn same_as_lowering(o: &Object) -> bool {
        let Some(view) = View::of(o, "shop") else {
            return false;
        };
        let lowered = crate::emit::lower(o, "shop");
        assert_eq!(saphyr(&view), saphyr(&lowered), "{o:?}");
        assert_eq!(
            crate::emit::yaml::fast::fast_only(&view),
            crate::emit::yaml::fast::fast_only(&lowered),
            "{o:?}"
        );
        true
    }

    const WORDS: [&str; 10] = [
        "web",
        "on",
        "123",
        "a b",
        "app.kubernetes.io/name",
        "app.kubernetes.io/managed-by",
        "x: y",
        "",
        "25%",
        "zz",
    ];

    fn word() -> impl Strategy<Value = &'static str> {
        prop::sample::select(&WORDS[..])
    }

    fn pairs() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
        prop::collection::vec((word(), word()), 0..4)
    }

    prop_compose! {
        fn container()(
            name in word(), flags in prop::collection::vec(any::<bool>(), 19),
            probe_port in 1u16.., probe_kind in 0u8..4,
            ports in prop::collection::vec((word(), 1u16..), 0..3),
            caps in prop::collection::vec(word(), 0..2),
            cpu in 0u64..5000, mem in 0u64..4096, uid in prop::sample::select(&[0i64, 1000, 10001][..]),
        ) -> Container {
            let mut c = Container::new(format!("c-{name}"), format!("nginx:{name}"));
            for (p, n) in ports {
                c = if flags[0] { c.port(p, n) } else { c.udp_port(p, n) };
            }
            let mut r = Resources::new();
            if flags[1] { r = r.cpu_request_of(Cpu::millis(cpu)); }
            if flags[2] { r = r.cpu_limit_of(Cpu::millis(cpu * 2)); }
            if flags[3] { r = r.memory_request_of(Memory::mebibytes(mem)); }
            if flags[4] { r = r.memory_limit_of(Memory::mebibytes(mem + 1)); }
            if flags[5] { r = r.ephemeral_storage(Memory::mebibytes(mem), Memory::gibibytes(mem)); }
            c = c.resources(r).run_as_user(uid);
            if flags[6] { c = c.image_pull_policy("Always"); }
            if flags[7] { c = c.command(["sh", "-c", name]).args([name]); }
            if flags[8] { c = c.working_dir(format!("/{name}")); }
            if flags[9] { c = c.env_from_config_map(&ConfigMap::new("cfg")).env_from_secret(&Secret::new("s")); }
            if flags[10] { c = c.mount("tmp", "/tmp").mount_read_only("cfg", format!("/etc/{name}")); }
            if flags[11] { c = c.writable_root_filesystem(); }
            if flags[12] { c = c.allow_privilege_escalation().privileged(); }
            if flags[13] { c = c.keep_default_capabilities(); }
            for cap in caps { c = c.add_capability(cap); }
            if flags[14] { c = c.image_digest(format!("sha256:{}", "a".repeat(64))); }
            if flags[15] {
                let cfg = ConfigMap::new("cfg").entry(name, "v");
                let secret = Secret::new("s").entry(name, SecretValue::new("x"));
                c = c
                    .env(format!("A_{}", name.len()), name)
                    .env_from_config_map_key("B", &cfg, name)
                    .env_from_secret_key("C", &secret, name)
                    .env_from_field("D", "metadata.name");
            }
            let probe = |k: u8| match k {
                0 => Probe::http(format!("/{name}"), probe_port).period_seconds(5),
                1 => Probe::tcp(name).initial_delay_seconds(3).timeout_seconds(2),
                2 => Probe::exec(["sh", "-c", name]).failure_threshold(4),
                _ => Probe::grpc(probe_port).grpc_service(name).success_threshold(1),
            };
            if flags[16] { c = c.liveness(probe(probe_kind)); }
            if flags[17] { c = c.readiness(probe((probe_kind + 1) % 4)); }
            if flags[18] { c = c.startup(probe((probe_kind + 2) % 4)); }
            c
        }
    }

    prop_compose! {
        fn deployment()(
            main in container(), more in prop::collection::vec(container(), 0..3),
            labels in pairs(), pod_labels in pairs(), annotations in pairs(), pod_annotations in pairs(),
            selector in pairs(), node_selector in pairs(), flags in prop::collection::vec(any::<bool>(), 10),
            volumes in prop::collection::vec((word(), 0u8..5), 0..4),
            replicas in 0i32..5, surge in 0i32..100,
        ) -> Deployment {
            let mut d = Deployment::new("api", main).replicas(replicas);
            for (i, c) in more.into_iter().enumerate() {
                d = match i { 0 => d.container(c), 1 => d.sidecar(c), _ => d.init_container(c) };
            }
            for (k, v) in labels { d = d.label(k, v); }
            for (k, v) in pod_labels { d = d.pod_label(k, v); }
            for (k, v) in annotations { d = d.annotation(k, v); }
            for (k, v) in pod_annotations { d = d.pod_annotation(k, v); }
            for (k, v) in selector { d = d.selector_label(k, v); }
            for (k, v) in node_selector { d = d.node_selector(k, v); }
            if flags[0] { d = d.recreate(); }
            if flags[1] { d = d.rolling_update(IntOrPercent::Count(surge), IntOrPercent::Percent(surge)); }
            if flags[2] { d = d.service_account(&ServiceAccount::new("sa")).automount_service_account_token(); }
            if flags[3] { d = d.pod_run_as_user(0); }
            if flags[4] { d = d.host_network(); }
            if flags[5] { d = d.seccomp_unconfined(); }
            if flags[6] { d = d.termination_grace_period_seconds(i64::from(surge)); }
            for (i, (name, kind)) in volumes.into_iter().enumerate() {
                let name = format!("v{i}-{name}");
                d = d.volume(match kind {
                    0 => Volume::empty_dir(name).size_limit(Memory::mebibytes(64)),
                    1 => Volume::config_map(name, &ConfigMap::new("cfg")),
                    2 => Volume::secret(name, &Secret::new("s")),
                    3 => Volume::persistent_volume_claim(name, &crate::PersistentVolumeClaim::new("data", crate::Storage::gibibytes(1))),
                    _ => Volume::host_path(name, "/var/log"),
                });
            }
            d
        }
    }

    prop_compose! {
        /// A Deployment the fast path takes whole, with security settings and a strategy
        /// that are mostly the defaults.
        fn plain_deployment()(
            flags in prop::collection::vec(prop::bool::weighted(0.2), 8),
            uid in prop::sample::select(&[10001i64, 10001, 0, 1000][..]),
            pod_uid in prop::sample::select(&[10001i64, 10001, 0, 1000][..]),
            surge in 0i32..100,
        ) -> Deployment {
            let mut c = Container::new("web", "nginx:1.27").port("http", 8080).run_as_user(uid);
            if flags[0] { c = c.writable_root_filesystem(); }
            if flags[1] { c = c.allow_privilege_escalation(); }
            if flags[2] { c = c.privileged(); }
            if flags[3] { c = c.keep_default_capabilities(); }
            if flags[4] { c = c.add_capability("NET_ADMIN"); }
            let mut d = Deployment::new("api", c).label("app", "api").pod_run_as_user(pod_uid);
            if flags[5] { d = d.seccomp_unconfined(); }
            if flags[6] { d = d.recreate(); }
            if flags[7] { d = d.rolling_update(IntOrPercent::Count(surge), IntOrPercent::Percent(surge)); }
            d
        }
    }

    proptest! {
        #[test]
        fn deployments_serialise_like_their_lowering(d in deployment()) {
            prop_assert!(same_as_lowering(&Object::from(d)));
        }

        /// One writer renders them all, as `write_yaml` does: blocks it renders once and
        /// copies after (default security contexts, the default strategy) come out as the
        /// lowering of each Deployment does.
        #[test]
        fn deployments_written_in_a_row_serialise_like_their_lowering(
            ds in prop::collection::vec(
                prop_oneof![3 => plain_deployment().prop_map(|d| (d, true)), 1 => deployment().prop_map(|d| (d, false))],
                1..8,
            ),
        ) {
            let mut writer = crate::emit::yaml::fast::BlockYaml::default();
            for (d, plain) in ds {
                let o = Object::from(d);
                if plain {
                    // Wholly on the fast path, where blocks are copied.
                    prop_assert!(crate::emit::yaml::fast::fast_only(&View::of(&o, "shop").unwrap()).is_some());
                }
                let lowered = crate::emit::lower(&o, "shop");
                let mut out = Vec::new();
                match View::of(&o, "shop") {
                    Some(view) => writer.write(&view, &mut out),
                    None => writer.write(&lowered, &mut out),
                }
                .unwrap();
                prop_assert_eq!(String::from_utf8(out).unwrap(), saphyr(&lowered), "{:?}", o);
            }
        }

        #[test]
        fn services_and_config_maps_serialise_like_their_lowering(
            labels in pairs(), annotations in pairs(), selector in pairs(),
            ports in prop::collection::vec((word(), 1u16.., prop::option::of(word())), 0..3),
            kind in 0u8..4, data in pairs(),
        ) {
            let mut s = Service::new("api");
            let mut c = ConfigMap::new("cfg");
            for (k, v) in &labels { s = s.label(*k, *v); c = c.label(*k, *v); }
            for (k, v) in &annotations { s = s.annotation(*k, *v); c = c.annotation(*k, *v); }
            for (k, v) in selector { s = s.selector_label(k, v); }
            for (k, v) in data { c = c.entry(k, v); }
            for (name, port, target) in ports {
                s = match target { Some(t) => s.port(name, port, t), None => s.port(name, port, port) };
            }
            s = match kind { 0 => s.node_port(), 1 => s.load_balancer(), 2 => s.headless(), _ => s };
            prop_assert!(same_as_lowering(&Object::from(s)));
            prop_assert!(same_as_lowering(&Object::from(c)));
        }
    }

    #[test]
    fn what_no_view_covers_is_lowered() {
        let web = || Container::new("web", "nginx:1.27");
        // Probes and volumes are covered, through their own lowering.
        for o in [
            Object::from(Deployment::new("a", web().liveness(Probe::http("/", 80)))),
            Object::from(Deployment::new("a", web()).volume(Volume::empty_dir("tmp"))),
        ] {
            assert!(View::of(&o, "shop").is_some(), "{o:?}");
            assert!(same_as_lowering(&o), "{o:?}");
        }
        for o in [
            Object::from(Deployment::new("a", web()).one_replica_per_node()),
            Object::from(ConfigMap::new("c").suppress("pdb-missing", "why")),
            Object::from(Secret::new("s")),
        ] {
            assert!(View::of(&o, "shop").is_none(), "{o:?}");
        }
        // The typical objects take the fast path whole.
        let d = Object::from(Deployment::new("a", web().port("http", 8080)));
        let view = View::of(&d, "shop").unwrap();
        assert!(crate::emit::yaml::fast::fast_only(&view).is_some());
    }
}
