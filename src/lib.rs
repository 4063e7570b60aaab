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
//! - Builders: [`Stack`], [`Deployment`], [`StatefulSet`], [`Container`], [`Service`],
//!   [`Ingress`], [`ConfigMap`], [`Secret`], [`HorizontalPodAutoscaler`],
//!   [`PodDisruptionBudget`], [`PersistentVolumeClaim`], [`ServiceAccount`],
//!   [`NetworkPolicy`], [`ResourceQuota`], [`LimitRange`]; exact [`Quantity`], [`Cpu`],
//!   [`Memory`], [`Storage`].
//! - Checks: [`Stack::check`] (structure, references and the [`rules`] lints) returning a
//!   [`Report`]; [`Stack::fit`] and [`Stack::check_on`] against a [`Platform`] (budgets).
//! - Output: [`Stack::emit`] ([`Manifests`]: YAML, JSON, atomic directories),
//!   [`Stack::write_yaml`] (streaming), [`Stack::kustomize`] (base + overlays of
//!   [`Environment`]s), [`Stack::helm_chart`] ([`HelmChart`]), [`Stack::to_compose`],
//!   [`Stack::tiltfile`] ([`Tiltfile`]), SOPS +
//!   age encrypted Secrets ([`SopsConfig`], [`sops_decrypt`]).
//! - Data: [`StackSpec`] (YAML spec with a JSON Schema), [`DotEnv`] for secret values.
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

mod autoscaler;
mod block_yaml;
mod bounded_read;
mod budget;
mod check;
mod compat;
mod compose;
mod config_map;
mod container;
mod cpu;
mod custom;
mod deployment;
mod diagnostic;
mod disruption_budget;
mod dotenv;
mod emit;
mod environment;
mod fast_hash;
mod few;
mod fit;
mod guard_rails;
mod helm;
mod ingress;
mod kustomize;
mod lint;
mod memory;
mod meta;
mod name;
mod network_policy;
mod object;
mod platform;
mod pod;
mod port;
mod probe;
mod pvc;
mod quantity;
mod report;
mod resources;
mod rules;
mod secret;
mod secret_value;
mod service;
mod service_account;
#[cfg(feature = "sops")]
mod sops;
mod spec;
mod spelled;
mod stack;
mod statefulset;
mod str_map;
mod tilt;
mod view;
mod volume;
mod workload;

pub use autoscaler::HorizontalPodAutoscaler;
pub use budget::{Demand, ReplicaCounts, WorkloadDemand};
pub use config_map::ConfigMap;
pub use container::{Container, DEFAULT_UID};
pub use cpu::{Cpu, CpuError};
pub use custom::{
    CustomObject, certificate, cluster_secret_store, dapr_component, external_secret,
    letsencrypt_cluster_issuer, traefik_https_redirect, traefik_ingress_route,
};
pub use deployment::Deployment;
pub use diagnostic::{Diagnostic, Severity};
pub use disruption_budget::PodDisruptionBudget;
pub use dotenv::{DotEnv, DotEnvError, ProcessEnv, SecretSource};
pub use emit::{
    Document, EmitError, EmitOptions, K8sObject, Manifests, OUTPUT_MARKER, write_files,
};
pub use environment::{Environment, ImageOverride};
pub use fit::{Allowances, FitReport, NodeUsage, Placement, Unplaced, Verdict, WorkloadUsage};
pub use guard_rails::{LimitRange, ResourceQuota};
pub use helm::HelmChart;
pub use ingress::{Ingress, PathType};
pub use kustomize::KustomizeTree;
pub use memory::{BytesError, Memory, Storage};
pub use name::{Name, NameError, NameRule};
pub use network_policy::NetworkPolicy;
pub use object::Object;
pub use platform::{AddOn, NodePool, Platform, PlatformError, Reserved, TenancyLimit};
pub use port::PortRef;
pub use probe::Probe;
pub use pvc::PersistentVolumeClaim;
pub use quantity::{Quantity, QuantityError, QuantityFormat};
pub use report::Report;
pub use resources::Resources;
pub use rules::{Rule, rule, rules, rules_markdown};
pub use secret::Secret;
pub use secret_value::SecretValue;
pub use service::Service;
pub use service_account::ServiceAccount;
#[cfg(feature = "sops")]
#[cfg_attr(docsrs, doc(cfg(feature = "sops")))]
pub use sops::{
    AgeIdentity, ENCRYPTED_REGEX, SOPS_VERSION, SopsConfig, SopsError, sops_decrypt, sops_encrypt,
    sops_redact,
};
pub use spec::{SpecError, SpecIssue, StackSpec};
pub use stack::Stack;

/// The k8s-openapi crate kubefit is built against (0.29), so that your objects and kubefit's
/// are the same types. kubefit enables no Kubernetes version feature of it; your binary picks
/// one (see the README).
pub use k8s_openapi;
pub use statefulset::StatefulSet;
pub use tilt::Tiltfile;
pub use volume::Volume;
pub use workload::{IntOrPercent, WorkloadKind, WorkloadRef};
