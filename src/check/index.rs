//! The checker's index of a stack: objects by kind and name, workloads by pod label, and the
//! Secrets custom objects create — built once, so every reference resolves without a scan.

use std::collections::BTreeMap;

use crate::model::name::Name;
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::stack::Stack;
use crate::model::workload::{WorkloadKind, WorkloadRef};
use crate::util::fast_hash::{FastMap, FastSet};

/// A pod label set, sorted by key.
pub(super) type LabelPairs<'a> = Vec<(&'a str, &'a str)>;

pub(super) struct Index<'a> {
    /// The first object of each kind and name.
    by_name: FastMap<(&'a str, &'a str), &'a Object>,
    /// Every workload with its pod labels and pod template.
    workloads: Vec<(WorkloadKind, &'a Name, LabelPairs<'a>, &'a PodTemplate)>,
    /// Workload indices by pod label, so a selector is resolved without a full scan.
    by_label: FastMap<(&'a str, &'a str), Ids>,
    names: FastSet<(WorkloadKind, &'a str)>,
    /// Secrets that custom objects create in the cluster: an External Secrets
    /// `ExternalSecret` (its `spec.target.name`, keys from `spec.data[].secretKey`; `None`
    /// when `dataFrom` brings keys unknown here) or a cert-manager `Certificate`
    /// (`spec.secretName`, a TLS secret).
    pub(super) provided_secrets: BTreeMap<String, (String, Option<Vec<String>>)>,
}

/// The Secret a custom object makes the cluster create, with its keys when known.
fn provided_secret(
    x: &crate::model::custom::CustomObject,
) -> Option<(String, Option<Vec<String>>)> {
    let spec = x.body.get("spec")?;
    match (x.api_version.split('/').next()?, x.kind.as_str()) {
        ("external-secrets.io", "ExternalSecret") => {
            let name = spec["target"]["name"]
                .as_str()
                .unwrap_or(x.name.as_str())
                .to_owned();
            let keys = if spec.get("dataFrom").is_some() {
                None
            } else {
                Some(
                    spec["data"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|d| d["secretKey"].as_str().map(str::to_owned))
                        .collect(),
                )
            };
            Some((name, keys))
        }
        ("cert-manager.io", "Certificate") => Some((
            spec["secretName"].as_str()?.to_owned(),
            Some(vec!["ca.crt".into(), "tls.crt".into(), "tls.key".into()]),
        )),
        _ => None,
    }
}

impl<'a> Index<'a> {
    pub(super) fn new(stack: &'a Stack) -> Self {
        let mut by_name = FastMap::default();
        by_name.reserve(stack.objects.len());
        let mut workloads = Vec::new();
        let mut provided_secrets = BTreeMap::new();
        for o in &stack.objects {
            if let Object::Custom(x) = o
                && let Some((secret, keys)) = provided_secret(x)
            {
                provided_secrets.insert(
                    secret,
                    (format!("{}/{}", x.kind.to_lowercase(), x.name), keys),
                );
            }
            by_name.entry((o.kind(), o.name().as_str())).or_insert(o);
            if let Some(w) = o.pod_owner() {
                workloads.push((w.kind, w.name, w.pod.pod_label_pairs(w.name), w.pod));
            }
        }
        let mut by_label: FastMap<(&str, &str), Ids> = FastMap::default();
        by_label.reserve(workloads.iter().map(|(_, _, labels, _)| labels.len()).sum());
        for (i, (_, _, labels, _)) in workloads.iter().enumerate() {
            for &(k, v) in labels {
                by_label
                    .entry((k, v))
                    .and_modify(|ids| ids.push(i))
                    .or_insert(Ids::One(i));
            }
        }
        let names = workloads
            .iter()
            .map(|(k, n, _, _)| (*k, n.as_str()))
            .collect();
        Index {
            by_name,
            workloads,
            by_label,
            names,
            provided_secrets,
        }
    }

    pub(super) fn get(&self, kind: &str, name: &str) -> Option<&'a Object> {
        self.by_name.get(&(kind, name)).copied()
    }

    pub(super) fn has(&self, kind: &str, name: &str) -> bool {
        self.get(kind, name).is_some()
    }

    pub(super) fn has_workload(&self, w: &WorkloadRef) -> bool {
        self.names.contains(&(w.kind, w.name.as_str()))
    }

    /// Pod templates whose labels carry every label of `selector` (empty selector: none).
    pub(super) fn selected(&self, selector: &crate::util::str_map::StrMap) -> Vec<&'a PodTemplate> {
        let candidates = selector
            .iter()
            .map(|(k, v)| self.by_label.get(&(k, v)).map_or(&[][..], Ids::as_slice))
            .min_by_key(|c| c.len())
            .unwrap_or(&[]);
        candidates
            .iter()
            .map(|&i| &self.workloads[i])
            .filter(|(_, _, labels, _)| {
                selector
                    .iter()
                    .all(|(k, v)| label_value(labels, k) == Some(v))
            })
            .map(|(_, _, _, pod)| *pod)
            .collect()
    }
}

/// Workload indices of one pod label: most labels (`app: x`) belong to one workload, so
/// that one needs no allocation of its own.
enum Ids {
    One(usize),
    Many(Vec<usize>),
}

impl Ids {
    pub(super) fn push(&mut self, i: usize) {
        match self {
            Ids::One(first) => *self = Ids::Many(vec![*first, i]),
            Ids::Many(v) => v.push(i),
        }
    }

    pub(super) fn as_slice(&self) -> &[usize] {
        match self {
            Ids::One(i) => std::slice::from_ref(i),
            Ids::Many(v) => v,
        }
    }
}

/// The value of `key` in a sorted label set.
pub(super) fn label_value<'a>(labels: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    labels
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| labels[i].1)
}
