//! # kubefit
//!
//! Describe a Kubernetes stack in typed Rust, check it before deploy — structure,
//! cross-references, security defaults — and emit manifests that real tools accept.
//!
//! ```
//! use kubefit::{
//!     ConfigMap, Container, Cpu, Deployment, EmitOptions, Ingress, Memory, PathType, Probe,
//!     Resources, Service, Stack,
//! };
//!
//! let config = ConfigMap::new("web-config").entry("GREETING", "hello");
//! let web = Deployment::new(
//!     "web",
//!     Container::new("web", "nginx:1.27")
//!         .port("http", 8080)
//!         .env_from_config_map_key("GREETING", &config, "GREETING")
//!         .resources(
//!             Resources::new()
//!                 .requests(Cpu::millis(100), Memory::mebibytes(128))
//!                 .limits(Cpu::millis(200), Memory::mebibytes(256)),
//!         )
//!         .readiness(Probe::http("/", "http")),
//! )
//! .replicas(2);
//! let svc = Service::expose(&web);
//! let ingress = Ingress::new("web").class("nginx").route("shop.example.com", "/", PathType::Prefix, &svc, "http");
//!
//! let stack = Stack::new("shop").with(config).with(web).with(svc).with(ingress);
//! let report = stack.check();
//! assert!(!report.has_errors(), "{report}");
//! let yaml = stack.emit(&EmitOptions::new())?.to_yaml()?;
//! assert!(yaml.contains("kind: Ingress"));
//! # Ok::<(), kubefit::EmitError>(())
//! ```
//!
//! ## What is where
//!
//! - Builders: [`Stack`], [`Deployment`], [`StatefulSet`], [`DaemonSet`], [`Job`],
//!   [`CronJob`], [`Container`], [`Service`],
//!   [`Ingress`], [`ConfigMap`], [`Secret`], [`HorizontalPodAutoscaler`],
//!   [`PodDisruptionBudget`], [`PersistentVolumeClaim`], [`ServiceAccount`],
//!   [`NetworkPolicy`], [`ResourceQuota`], [`LimitRange`]; exact [`Quantity`], [`Cpu`],
//!   [`Memory`], [`Storage`].
//! - Checks: [`Stack::check`] (structure, references and the lints of [`rules`]) returning a
//!   [`Report`]; [`Stack::fit`] and [`Stack::check_on`] against a [`Platform`] (budgets).
//! - Output: [`Stack::emit`] ([`Manifests`]: YAML, JSON, atomic directories),
//!   [`Stack::write_yaml`] (streaming); each other format is a type built from a stack:
//!   [`KustomizeTree::new`] (base + overlays of [`Environment`]s), [`HelmChart::new`],
//!   [`Compose::new`], [`Tiltfile::new`]; SOPS + age encrypted Secrets ([`SopsConfig`],
//!   [`sops_decrypt`]).
//! - Data: [`StackSpec`] (YAML spec with a JSON Schema; `StackSpec::from(&stack)`),
//!   [`DotEnv`] for secret values.
//! - Rules: [`RuleId`] and [`rules`], the one table of every diagnostic id.
//!
//! ## Kubernetes version
//!
//! kubefit lowers every object to [`k8s_openapi`] 0.29 types. Like every library built on
//! k8s-openapi it does not pick a Kubernetes version: the final binary does, by enabling one
//! feature on its own k8s-openapi dependency, e.g.
//! `k8s-openapi = { version = "0.29", features = ["v1_33"] }` (or `latest`).
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

mod check;
mod diagnostic;
mod emit;
mod fit;
mod model;
#[cfg(feature = "registry")]
mod registry;
mod spec;
mod units;
mod util;

pub use check::report::Report;
pub use diagnostic::rules::{Rule, RuleGroup, RuleId, UnknownRule, rule, rules, rules_markdown};
pub use diagnostic::{Diagnostic, Severity};
pub use emit::compose::Compose;
pub use emit::environment::{Environment, ImageOverride};
pub use emit::helm::HelmChart;
pub use emit::kustomize::KustomizeTree;
#[cfg(feature = "sops")]
#[cfg_attr(docsrs, doc(cfg(feature = "sops")))]
pub use emit::sops::{
    AgeIdentity, ENCRYPTED_REGEX, SOPS_VERSION, SopsConfig, SopsError, sops_decrypt, sops_encrypt,
    sops_redact,
};
pub use emit::{Document, EmitError, EmitOptions, Manifests, OUTPUT_MARKER, Streamed, write_files};
pub use fit::control_plane::{ControlPlane, Datastore};
pub use fit::demand::{ReplicaCounts, WorkloadDemand};
pub use fit::injector::Injector;
pub use fit::nodes::POOL_LABEL;
pub use fit::platform::{AddOn, NodePool, Platform, PlatformError, Reserved, Taint, TenancyLimit};
pub use fit::{Allowances, FitReport, NodeUsage, Placement, Unplaced, Verdict, WorkloadUsage};
pub use model::autoscaler::HorizontalPodAutoscaler;
pub use model::config_map::ConfigMap;
pub use model::container::{Container, DEFAULT_UID, Hook};
pub use model::cron_job::{ConcurrencyPolicy, CronJob};
pub use model::custom::{
    CustomObject, CustomObjectError, certificate, cluster_secret_store, dapr_component,
    external_secret, letsencrypt_cluster_issuer, traefik_https_redirect, traefik_ingress_route,
};
pub use model::daemon_set::DaemonSet;
pub use model::deployment::Deployment;
pub use model::disruption_budget::PodDisruptionBudget;
pub use model::image_platforms::ImagePlatforms;
pub use model::ingress::{Ingress, PathType};
pub use model::job::Job;
pub use model::k8s_resource::K8sResource;
pub use model::limit_range::LimitRange;
pub use model::lowered::K8sObject;
pub use model::name::{Name, NameError, NameRule};
pub use model::network_policy::NetworkPolicy;
pub use model::object::Object;
pub use model::port::PortRef;
pub use model::probe::Probe;
pub use model::pvc::PersistentVolumeClaim;
pub use model::rbac::{Permission, PriorityClass, Role, RoleBinding};
pub use model::resource_quota::ResourceQuota;
pub use model::resources::Resources;
pub use model::scheduling::{
    DnsPolicy, NodeTerm, PodTerm, TaintEffect, Toleration, TopologySpread,
};
pub use model::secret::Secret;
pub use model::secret_value::{SecretSource, SecretValue};
pub use model::service::Service;
pub use model::service_account::ServiceAccount;
pub use model::stack::Stack;
pub use model::traffic::Traffic;
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
pub use registry::{RegistryError, RegistryOptions, resolve_image_platforms};
pub use spec::dotenv::{DotEnv, DotEnvError, ProcessEnv};
pub use spec::manifests::ImportError;
pub use spec::{SpecError, SpecIssue, StackSpec};
pub use units::cpu::{Cpu, CpuError};
pub use units::demand::Demand;
pub use units::memory::{BytesError, Memory, Storage};
pub use units::quantity::{Quantity, QuantityError, QuantityFormat};

pub use emit::tilt::Tiltfile;
/// The k8s-openapi crate kubefit is built against (0.29), so that your objects and kubefit's
/// are the same types. kubefit enables no Kubernetes version feature of it; your binary picks
/// one (see the README).
pub use k8s_openapi;
pub use model::statefulset::StatefulSet;
pub use model::volume::{HostPathType, Volume};
pub use model::workload::{IntOrPercent, WorkloadKind, WorkloadRef};
