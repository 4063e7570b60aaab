//! The pod template shared by every workload kind (Deployment, StatefulSet, DaemonSet, Job,
//! CronJob), and the setters they share.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    LocalObjectReference, PodSecurityContext, PodSpec, PodTemplateSpec, SeccompProfile,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::model::container::{Container, DEFAULT_UID};
use crate::model::meta::NAME_LABEL;
use crate::model::name::Name;
use crate::model::scheduling::{PodExtra, some};
use crate::model::volume::Volume;
use crate::util::str_map::StrMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PodTemplate {
    pub(crate) containers: Vec<Container>,
    pub(crate) init_containers: Vec<Container>,
    pub(crate) sidecars: Vec<Container>,
    pub(crate) volumes: Vec<Volume>,
    pub(crate) labels: StrMap,
    pub(crate) annotations: StrMap,
    pub(crate) selector: Option<StrMap>,
    pub(crate) service_account: Option<Name>,
    pub(crate) automount_token: bool,
    pub(crate) run_as_user: i64,
    pub(crate) host_network: bool,
    pub(crate) one_per_node: bool,
    pub(crate) node_selector: StrMap,
    pub(crate) termination_grace_seconds: Option<i64>,
    pub(crate) seccomp_runtime_default: bool,
    /// `Never` or `OnFailure` for Job pods; `None` (the API server's `Always`) otherwise.
    pub(crate) restart_policy: Option<&'static str>,
    /// Whether the pods carry `app.kubernetes.io/name: <workload>` besides their own labels
    /// (what the builders do; objects read back from k8s-openapi have only their own).
    pub(crate) implicit_name_label: bool,
    /// Scheduling, admission and pod-level fields most pods leave unset.
    pub(crate) extra: Option<Box<PodExtra>>,
}

impl PodTemplate {
    pub(crate) fn new(container: Container) -> Self {
        PodTemplate {
            containers: vec![container],
            init_containers: Vec::new(),
            sidecars: Vec::new(),
            volumes: Vec::new(),
            labels: StrMap::new(),
            annotations: StrMap::new(),
            selector: None,
            service_account: None,
            automount_token: false,
            run_as_user: DEFAULT_UID,
            host_network: false,
            one_per_node: false,
            node_selector: StrMap::new(),
            termination_grace_seconds: None,
            seccomp_runtime_default: true,
            restart_policy: None,
            implicit_name_label: true,
            extra: None,
        }
    }

    /// The rarely set fields (all empty when none is set).
    pub(crate) fn extra(&self) -> &PodExtra {
        static NONE: std::sync::LazyLock<PodExtra> = std::sync::LazyLock::new(PodExtra::default);
        self.extra.as_deref().unwrap_or(&NONE)
    }

    pub(crate) fn extra_mut(&mut self) -> &mut PodExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    pub(crate) fn selector(&self, workload: &Name) -> BTreeMap<String, String> {
        self.selector.as_ref().map_or_else(
            || BTreeMap::from([(NAME_LABEL.to_owned(), workload.to_string())]),
            StrMap::to_btree,
        )
    }

    /// The pod labels as borrowed pairs, sorted by key: [`PodTemplate::pod_labels`] without
    /// copying a string.
    pub(crate) fn pod_label_pairs<'a>(&'a self, workload: &'a Name) -> Vec<(&'a str, &'a str)> {
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(self.labels.len() + 1);
        let mut name = (self.implicit_name_label && !self.labels.contains_key(NAME_LABEL))
            .then_some(workload.as_str());
        for (k, v) in &self.labels {
            if let Some(n) = name
                && k > NAME_LABEL
            {
                pairs.push((NAME_LABEL, n));
                name = None;
            }
            pairs.push((k, v));
        }
        if let Some(n) = name {
            pairs.push((NAME_LABEL, n));
        }
        pairs
    }

    /// The selector as borrowed pairs, sorted by key: [`PodTemplate::selector`] without
    /// copying a string.
    pub(crate) fn selector_pairs<'a>(&'a self, workload: &'a Name) -> Vec<(&'a str, &'a str)> {
        match &self.selector {
            Some(s) => s.iter().collect(),
            None => vec![(NAME_LABEL, workload.as_str())],
        }
    }

    pub(crate) fn pod_labels(&self, workload: &Name) -> BTreeMap<String, String> {
        let mut labels = BTreeMap::new();
        if self.implicit_name_label {
            labels.insert(NAME_LABEL.to_owned(), workload.to_string());
        }
        labels.extend(
            self.labels
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        labels
    }

    /// All containers with the path of each (`spec.template.spec.containers[0]`,
    /// `spec.template.spec.initContainers[1]`), spelled out only when displayed.
    pub(crate) fn all_containers(&self) -> impl Iterator<Item = (ContainerPath, &Container)> {
        let inits = self
            .sidecars
            .iter()
            .chain(self.init_containers.iter())
            .enumerate()
            .map(|(index, c)| (ContainerPath { init: true, index }, c));
        self.containers
            .iter()
            .enumerate()
            .map(|(index, c)| (ContainerPath { init: false, index }, c))
            .chain(inits)
    }

    pub(crate) fn to_k8s(&self, workload: &Name) -> PodTemplateSpec {
        let selector = self.selector(workload);
        let mut init: Vec<_> = self.sidecars.iter().map(|c| c.lower(true)).collect();
        init.extend(self.init_containers.iter().map(|c| c.lower(false)));
        let x = self.extra();
        let own = || LabelSelector {
            match_labels: Some(selector.clone()),
            match_expressions: None,
        };
        let affinity = x.affinity(self.one_per_node.then(own));
        let spreads = some(
            x.spreads
                .iter()
                .map(|t| {
                    let mut k = t.to_k8s();
                    if k.label_selector.is_none() {
                        k.label_selector = Some(own());
                    }
                    k
                })
                .collect(),
        );
        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(self.pod_labels(workload)),
                annotations: (!self.annotations.is_empty()).then(|| self.annotations.to_btree()),
                ..Default::default()
            }),
            spec: Some(PodSpec {
                containers: self.containers.iter().map(|c| c.lower(false)).collect(),
                init_containers: (!init.is_empty()).then_some(init),
                volumes: (!self.volumes.is_empty())
                    .then(|| self.volumes.iter().map(Volume::to_k8s).collect()),
                service_account_name: self.service_account.as_ref().map(Name::to_string),
                automount_service_account_token: Some(self.automount_token),
                host_network: self.host_network.then_some(true),
                node_selector: (!self.node_selector.is_empty())
                    .then(|| self.node_selector.to_btree()),
                affinity,
                tolerations: some(x.tolerations.iter().map(|t| t.to_k8s()).collect()),
                topology_spread_constraints: spreads,
                priority_class_name: x.priority_class.as_ref().map(Name::to_string),
                runtime_class_name: x.runtime_class.as_ref().map(Name::to_string),
                image_pull_secrets: some(
                    x.image_pull_secrets
                        .iter()
                        .map(|n| LocalObjectReference {
                            name: n.to_string(),
                        })
                        .collect(),
                ),
                dns_policy: x.dns_policy.map(|d| d.as_str().to_owned()),
                resources: x.resources.as_ref().and_then(|r| r.to_k8s()),
                termination_grace_period_seconds: self.termination_grace_seconds,
                restart_policy: self.restart_policy.map(str::to_owned),
                security_context: Some(PodSecurityContext {
                    run_as_non_root: Some(self.run_as_user != 0),
                    run_as_user: Some(self.run_as_user),
                    run_as_group: Some(self.run_as_user),
                    fs_group: Some(x.fs_group.unwrap_or(self.run_as_user)),
                    fs_group_change_policy: x.fs_group_change_policy.map(str::to_owned),
                    supplemental_groups: some(x.supplemental_groups.clone()),
                    seccomp_profile: self.seccomp_runtime_default.then(|| SeccompProfile {
                        type_: "RuntimeDefault".to_owned(),
                        localhost_profile: None,
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }
}

/// Generates the pod-level setters shared by every workload kind.
macro_rules! pod_setters {
    ($ty:ident, $example:expr) => {
        impl $ty {
            /// Adds another app container to the pod.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".container(kubefit::Container::new(\"log\", \"busybox:1.36\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("      - image: busybox:1.36\n        name: log\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn container(mut self, container: $crate::Container) -> Self {
                self.pod.containers.push(container);
                self
            }

            /// Adds an init container, run to completion before the app containers start.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".init_container(kubefit::Container::new(\"migrate\", \"busybox:1.36\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("initContainers:\n      - image: busybox:1.36\n        name: migrate\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn init_container(mut self, container: $crate::Container) -> Self {
                self.pod.init_containers.push(container);
                self
            }

            /// Adds a native sidecar (an init container with `restartPolicy: Always`), started
            /// before the app containers and kept running beside them.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".sidecar(kubefit::Container::new(\"proxy\", \"envoyproxy/envoy:v1.31.0\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("initContainers:\n      - image: envoyproxy/envoy:v1.31.0\n        name: proxy\n"), "{yaml}");
            /// assert!(yaml.contains("restartPolicy: Always"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn sidecar(mut self, container: $crate::Container) -> Self {
                self.pod.sidecars.push(container);
                self
            }

            /// Adds a pod volume.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".volume(kubefit::Volume::empty_dir(\"tmp\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("volumes:\n      - emptyDir: {}\n        name: tmp\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn volume(mut self, volume: $crate::Volume) -> Self {
                self.pod.volumes.push(volume);
                self
            }

            /// Adds a label to the pods (the selector label `app.kubernetes.io/name` is always set).
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".pod_label(\"tier\", \"backend\");")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("        tier: backend\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn pod_label(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.pod.labels.insert(key, value);
                self
            }

            /// Adds an annotation to the pods.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".pod_annotation(\"prometheus.io/scrape\", \"true\");")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("        prometheus.io/scrape: \"true\"\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn pod_annotation(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.pod.annotations.insert(key, value);
                self
            }

            /// Runs the pods as this ServiceAccount.
            ///
            /// ```
            #[doc = concat!("let sa = kubefit::ServiceAccount::new(\"api\");\nlet w = ", $example, ".service_account(&sa);")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("serviceAccountName: api\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn service_account(mut self, account: &$crate::ServiceAccount) -> Self {
                self.pod.service_account = Some(account.name().clone());
                self
            }

            /// Opts out of `automountServiceAccountToken: false`.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".automount_service_account_token();")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("automountServiceAccountToken: true\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn automount_service_account_token(mut self) -> Self {
                self.pod.automount_token = true;
                self
            }

            /// Runs the pod as `uid` (also its group and `fsGroup`) instead of 10001.
            /// `0` opts out of `runAsNonRoot`. Containers keep their own setting
            /// ([`Container::run_as_user`](crate::Container::run_as_user)).
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".pod_run_as_user(70);")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("runAsUser: 70\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn pod_run_as_user(mut self, uid: i64) -> Self {
                self.pod.run_as_user = uid;
                self
            }

            /// Uses the node's network namespace. Breaks isolation; lint rules flag it.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".host_network();")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("hostNetwork: true\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn host_network(mut self) -> Self {
                self.pod.host_network = true;
                self
            }

            /// Requires at most one replica per node (required pod anti-affinity on
            /// `kubernetes.io/hostname`).
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".one_replica_per_node();")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("podAntiAffinity:"), "{yaml}");
            /// assert!(yaml.contains("topologyKey: kubernetes.io/hostname"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn one_replica_per_node(mut self) -> Self {
                self.pod.one_per_node = true;
                self
            }

            /// Opts out of the `RuntimeDefault` seccomp profile.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".seccomp_unconfined();")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(!yaml.contains("seccompProfile"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn seccomp_unconfined(mut self) -> Self {
                self.pod.seccomp_runtime_default = false;
                self
            }

            /// Restricts the pods to nodes with this label.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".node_selector(\"kubernetes.io/arch\", \"arm64\");")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("nodeSelector:\n        kubernetes.io/arch: arm64\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn node_selector(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.pod.node_selector.insert(key, value);
                self
            }

            /// Seconds a pod gets to shut down after SIGTERM.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".termination_grace_period_seconds(60);")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("terminationGracePeriodSeconds: 60\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn termination_grace_period_seconds(mut self, seconds: i64) -> Self {
                self.pod.termination_grace_seconds = Some(seconds);
                self
            }

            /// Lets the pods run on nodes with a matching taint ([`Toleration`](crate::Toleration)).
            /// A toleration does not attract pods: pair it with a node selector or affinity.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".tolerate(kubefit::Toleration::equal(\"dedicated\", \"search\").effect(kubefit::TaintEffect::NoSchedule));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("tolerations:\n      - effect: NoSchedule\n        key: dedicated\n        operator: Equal\n        value: search\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn tolerate(mut self, toleration: $crate::Toleration) -> Self {
                self.pod.extra_mut().tolerations.push(toleration);
                self
            }

            /// Requires nodes that meet `term` (required node affinity; several terms: any one).
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".require_node(kubefit::NodeTerm::new().label_in(\"topology.kubernetes.io/zone\", [\"eu-1a\"]));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn require_node(mut self, term: $crate::NodeTerm) -> Self {
                self.pod.extra_mut().required_nodes.push(term);
                self
            }

            /// Prefers nodes that meet `term`, with `weight` (1–100) against other preferences.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".prefer_node(50, kubefit::NodeTerm::new().label_exists(\"ssd\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("preferredDuringSchedulingIgnoredDuringExecution:\n          - preference:\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn prefer_node(mut self, weight: i32, term: $crate::NodeTerm) -> Self {
                self.pod.extra_mut().preferred_nodes.push((weight, term));
                self
            }

            /// Requires each pod to run in the same domain as pods matching `term` (required pod affinity).
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".require_pod_affinity(kubefit::PodTerm::new(\"kubernetes.io/hostname\").match_label(\"app\", \"cache\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("podAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn require_pod_affinity(mut self, term: $crate::PodTerm) -> Self {
                self.pod.extra_mut().pod_rules.push($crate::model::scheduling::PodRule { term, anti: false, weight: None });
                self
            }

            /// Prefers, with `weight` (1–100), the domains of pods matching `term`.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".prefer_pod_affinity(20, kubefit::PodTerm::new(\"kubernetes.io/hostname\").match_label(\"app\", \"cache\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("podAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn prefer_pod_affinity(mut self, weight: i32, term: $crate::PodTerm) -> Self {
                self.pod.extra_mut().pod_rules.push($crate::model::scheduling::PodRule { term, anti: false, weight: Some(weight) });
                self
            }

            /// Forbids each pod to share a domain with pods matching `term` (required anti-affinity).
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".require_pod_anti_affinity(kubefit::PodTerm::new(\"kubernetes.io/hostname\").match_label(\"app\", \"search\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn require_pod_anti_affinity(mut self, term: $crate::PodTerm) -> Self {
                self.pod.extra_mut().pod_rules.push($crate::model::scheduling::PodRule { term, anti: true, weight: None });
                self
            }

            /// Avoids, with `weight` (1–100), the domains of pods matching `term`.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".prefer_pod_anti_affinity(100, kubefit::PodTerm::new(\"kubernetes.io/hostname\").match_label(\"app\", \"search\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn prefer_pod_anti_affinity(mut self, weight: i32, term: $crate::PodTerm) -> Self {
                self.pod.extra_mut().pod_rules.push($crate::model::scheduling::PodRule { term, anti: true, weight: Some(weight) });
                self
            }

            /// Spreads the pods over a topology ([`TopologySpread`](crate::TopologySpread)); its selector is
            /// the workload's own pods.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".spread(kubefit::TopologySpread::new(\"kubernetes.io/hostname\", 1));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("topologySpreadConstraints:\n      - labelSelector:\n"), "{yaml}");
            /// assert!(yaml.contains("whenUnsatisfiable: DoNotSchedule\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn spread(mut self, spread: $crate::TopologySpread) -> Self {
                self.pod.extra_mut().spreads.push(spread);
                self
            }

            /// Sets `priorityClassName`: a PriorityClass in the cluster (the stack's own or declared
            /// external), which decides who is preempted when nodes are full.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".priority_class(\"high\");")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("priorityClassName: high\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn priority_class(mut self, name: impl Into<$crate::Name>) -> Self {
                self.pod.extra_mut().priority_class = Some(name.into());
                self
            }

            /// Sets `runtimeClassName` (gVisor, Kata, an NVIDIA runtime): a RuntimeClass of the cluster.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".runtime_class(\"gvisor\");")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("runtimeClassName: gvisor\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn runtime_class(mut self, name: impl Into<$crate::Name>) -> Self {
                self.pod.extra_mut().runtime_class = Some(name.into());
                self
            }

            /// Pulls images with the registry credentials of `secret` (type
            /// `kubernetes.io/dockerconfigjson`; checked to be in the stack).
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".image_pull_secret(&kubefit::Secret::new(\"registry\"));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("imagePullSecrets:\n      - name: registry\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn image_pull_secret(mut self, secret: &$crate::Secret) -> Self {
                self.pod.extra_mut().image_pull_secrets.push(secret.name().clone());
                self
            }

            /// Sets the pod's DNS policy ([`DnsPolicy`](crate::DnsPolicy)); a `hostNetwork` pod that resolves
            /// Service names needs `ClusterFirstWithHostNet`.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".dns_policy(kubefit::DnsPolicy::ClusterFirstWithHostNet);")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("dnsPolicy: ClusterFirstWithHostNet\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn dns_policy(mut self, policy: $crate::DnsPolicy) -> Self {
                self.pod.extra_mut().dns_policy = Some(policy);
                self
            }

            /// Adds a supplemental group id to every container's processes.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".supplemental_group(44);")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("supplementalGroups:\n        - 44\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn supplemental_group(mut self, gid: i64) -> Self {
                self.pod.extra_mut().supplemental_groups.push(gid);
                self
            }

            /// Sets `fsGroup` (the group that owns mounted volumes) apart from the pod's uid.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".fs_group(2000);")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("fsGroup: 2000\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn fs_group(mut self, gid: i64) -> Self {
                self.pod.extra_mut().fs_group = Some(gid);
                self
            }

            /// Changes volume ownership only when the root of the volume does not already match
            /// `fsGroup` (`fsGroupChangePolicy: OnRootMismatch`): faster starts on large volumes.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".fs_group_change_on_root_mismatch();")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("fsGroupChangePolicy: OnRootMismatch\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn fs_group_change_on_root_mismatch(mut self) -> Self {
                self.pod.extra_mut().fs_group_change_policy = Some("OnRootMismatch");
                self
            }

            /// Pod-level requests and limits, shared by all containers (Kubernetes 1.34+,
            /// `PodLevelResources`): the scheduler reserves them instead of the containers' sum.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".pod_resources(kubefit::Resources::new().requests(kubefit::Cpu::millis(500), kubefit::Memory::mebibytes(256)));")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("    resources:\n        requests:\n          cpu: 500m\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn pod_resources(mut self, resources: $crate::Resources) -> Self {
                self.pod.extra_mut().resources = Some(resources);
                self
            }

            /// The app containers.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ";\nassert_eq!(w.containers().len(), 1);")]
            /// ```
            #[must_use]
            pub fn containers(&self) -> &[$crate::Container] {
                &self.pod.containers
            }
        }
    };
}
pub(crate) use pod_setters;

/// Generates `selector_label` for the workloads whose selector is theirs to set (Deployment,
/// StatefulSet, DaemonSet; a Job's selector is generated by the API server).
macro_rules! selector_setter {
    ($ty:ident, $example:expr) => {
        impl $ty {
            /// Replaces the default selector (`app.kubernetes.io/name: <name>`) with this label;
            /// call again to add more. The pods must carry every selector label
            /// (see [`pod_label`](Self::pod_label)); the check reports a mismatch.
            ///
            /// ```
            #[doc = concat!("let w = ", $example, ".selector_label(\"tier\", \"web\").pod_label(\"tier\", \"web\");")]
            /// let yaml = kubefit::Stack::new("shop").with(w).emit(&kubefit::EmitOptions::new().allow_errors(true).plaintext_secrets(true))?.to_yaml()?;
            /// assert!(yaml.contains("    matchLabels:\n      tier: web\n"), "{yaml}");
            /// assert!(yaml.contains("        tier: web\n"), "{yaml}");
            /// # Ok::<(), kubefit::EmitError>(())
            /// ```
            #[must_use]
            pub fn selector_label(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
                self.pod
                    .selector
                    .get_or_insert_with(Default::default)
                    .insert(key, value);
                self
            }

        }
    };
}
pub(crate) use selector_setter;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_paths_follow_the_lowered_order() {
        let d = crate::Deployment::new("api", Container::new("app", "nginx:1.27"))
            .init_container(Container::new("migrate", "migrate:1"))
            .sidecar(Container::new("proxy", "envoy:1"));
        let paths: Vec<(String, &str)> = d
            .pod
            .all_containers()
            .map(|(path, c)| (path.to_string(), c.name.as_str()))
            .collect();
        assert_eq!(
            paths,
            [
                ("spec.template.spec.containers[0]".to_owned(), "app"),
                ("spec.template.spec.initContainers[0]".to_owned(), "proxy"),
                ("spec.template.spec.initContainers[1]".to_owned(), "migrate"),
            ]
        );
        // The same order as the lowered pod spec.
        let spec = d.pod.to_k8s(&d.name).spec.unwrap();
        let inits: Vec<&str> = spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(inits, ["proxy", "migrate"]);
    }

    #[test]
    fn borrowed_pairs_equal_the_owned_maps() {
        let name = Name::from("api");
        for labels in [
            vec![],
            vec![("app", "x")],
            vec![("zone", "a"), ("app", "x")],
            vec![(NAME_LABEL, "other"), ("a", "1"), ("z", "2")],
            vec![
                ("app.kubernetes.io/component", "db"),
                ("app.kubernetes.io/part", "p"),
            ],
        ] {
            let mut pod = PodTemplate::new(Container::new("c", "nginx:1.27"));
            for (k, v) in &labels {
                pod.labels.insert(*k, *v);
            }
            let owned: Vec<(String, String)> = pod.pod_labels(&name).into_iter().collect();
            let borrowed: Vec<(String, String)> = pod
                .pod_label_pairs(&name)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(borrowed, owned, "labels {labels:?}");
            let owned: Vec<(String, String)> = pod.selector(&name).into_iter().collect();
            let borrowed: Vec<(String, String)> = pod
                .selector_pairs(&name)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(borrowed, owned);
        }
    }
}

/// Where a container sits in a workload: displays as `spec.template.spec.containers[0]` or
/// `spec.template.spec.initContainers[1]` (sidecars first, as they are lowered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContainerPath {
    /// In `initContainers` (sidecars and init containers) rather than `containers`.
    pub(crate) init: bool,
    pub(crate) index: usize,
}

impl std::fmt::Display for ContainerPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = if self.init {
            "initContainers"
        } else {
            "containers"
        };
        write!(f, "spec.template.spec.{list}[{}]", self.index)
    }
}
