//! The model: a stack and the typed objects in it, with their builders and their lowering to k8s-openapi.

pub(crate) mod autoscaler;
pub(crate) mod config_map;
pub(crate) mod container;
pub(crate) mod custom;
pub(crate) mod deployment;
pub(crate) mod disruption_budget;
pub(crate) mod ingress;
pub(crate) mod limit_range;
pub(crate) mod meta;
pub(crate) mod name;
pub(crate) mod network_policy;
pub(crate) mod object;
pub(crate) mod pod;
pub(crate) mod port;
pub(crate) mod probe;
pub(crate) mod pvc;
pub(crate) mod resource_quota;
pub(crate) mod resources;
pub(crate) mod secret;
pub(crate) mod secret_value;
pub(crate) mod service;
pub(crate) mod service_account;
pub(crate) mod stack;
pub(crate) mod statefulset;
pub(crate) mod volume;
pub(crate) mod workload;
