//! The API server's rules for a pod's scheduling and admission fields: tolerations, node and
//! pod affinity, topology spread, priority and runtime classes, DNS policy, fsGroup policy
//! (pkg/apis/core/validation/validation.go: `validateTolerations`, `ValidateNodeSelector`,
//! `ValidateNodeSelectorRequirement`, `validatePodAffinityTerm`,
//! `validateWeightedPodAffinityTerms`, `validateTopologySpreadConstraints`,
//! `validateDNSPolicy`), and the image pull secrets' references.

use k8s_openapi::api::core::v1::{NodeSelectorTerm, PodAffinityTerm};

use super::Checker;
use crate::diagnostic::rules::RuleId;
use crate::model::name::NameRule;
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::scheduling::DnsPolicy;

const BASE: &str = "spec.template.spec";

impl Checker<'_, '_> {
    pub(super) fn scheduling(&mut self, pod: &PodTemplate, object: &str) {
        let Some(x) = pod.extra.as_deref() else {
            return;
        };
        let bad = |c: &mut Self, path: String, message: String| {
            c.push(RuleId::InvalidScheduling, object, &path, message);
        };
        for (i, t) in x.tolerations.iter().enumerate() {
            let t = &t.0;
            let at = format!("{BASE}.tolerations[{i}]");
            let key = t.key.as_deref().unwrap_or("");
            let operator = t.operator.as_deref().unwrap_or("");
            let value = t.value.as_deref().unwrap_or("");
            if !key.is_empty()
                && let Err(e) = NameRule::LabelKey.validate(key)
            {
                bad(self, format!("{at}.key"), e.to_string());
            }
            if key.is_empty() && operator != "Exists" {
                bad(
                    self,
                    format!("{at}.operator"),
                    "operator must be Exists when `key` is empty (which matches every taint)"
                        .into(),
                );
            }
            if t.toleration_seconds.is_some() && t.effect.as_deref() != Some("NoExecute") {
                bad(
                    self,
                    format!("{at}.effect"),
                    "effect must be NoExecute when `tolerationSeconds` is set".into(),
                );
            }
            match operator {
                "" | "Equal" => {
                    if let Err(e) = NameRule::LabelValue.validate(value) {
                        bad(self, format!("{at}.value"), e.to_string());
                    }
                }
                "Exists" if !value.is_empty() => bad(
                    self,
                    format!("{at}.value"),
                    "value must be empty when `operator` is Exists".into(),
                ),
                "Exists" => {}
                other => bad(
                    self,
                    format!("{at}.operator"),
                    format!("operator `{other}` is not Equal or Exists"),
                ),
            }
            if let Some(e) = t.effect.as_deref().filter(|e| {
                !e.is_empty() && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(e)
            }) {
                bad(
                    self,
                    format!("{at}.effect"),
                    format!("effect `{e}` is not NoSchedule, PreferNoSchedule or NoExecute"),
                );
            }
        }
        let affinity = format!("{BASE}.affinity");
        let node = format!("{affinity}.nodeAffinity");
        for (i, t) in x.required_nodes.iter().enumerate() {
            self.node_term(
                &t.0,
                &format!(
                    "{node}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{i}]"
                ),
                object,
            );
        }
        for (i, (w, t)) in x.preferred_nodes.iter().enumerate() {
            let at = format!("{node}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            if !(1..=100).contains(w) {
                bad(
                    self,
                    format!("{at}.weight"),
                    format!("weight {w} is not in the range 1-100"),
                );
            }
            self.node_term(&t.0, &format!("{at}.preference"), object);
        }
        let (mut counts, mut path) = ([0usize; 4], String::new());
        for r in &x.pod_rules {
            let kind = if r.anti {
                "podAntiAffinity"
            } else {
                "podAffinity"
            };
            let (slot, list) = match r.weight {
                None => (
                    usize::from(r.anti),
                    "requiredDuringSchedulingIgnoredDuringExecution",
                ),
                Some(_) => (
                    2 + usize::from(r.anti),
                    "preferredDuringSchedulingIgnoredDuringExecution",
                ),
            };
            // kubefit's own one-replica-per-node term comes first in the required anti list.
            let index = counts[slot] + usize::from(slot == 1 && pod.one_per_node);
            counts[slot] += 1;
            path.clear();
            path.push_str(&format!("{affinity}.{kind}.{list}[{index}]"));
            if let Some(w) = r.weight {
                if !(1..=100).contains(&w) {
                    bad(
                        self,
                        format!("{path}.weight"),
                        format!("weight {w} is not in the range 1-100"),
                    );
                }
                path.push_str(".podAffinityTerm");
            }
            self.pod_term(&r.term.0, &path.clone(), object);
        }
        let mut seen = Vec::new();
        for (i, s) in x.spreads.iter().enumerate() {
            let s = &s.0;
            let at = format!("{BASE}.topologySpreadConstraints[{i}]");
            if s.max_skew <= 0 {
                bad(
                    self,
                    format!("{at}.maxSkew"),
                    format!("maxSkew {} must be greater than zero", s.max_skew),
                );
            }
            if s.topology_key.is_empty() {
                bad(
                    self,
                    format!("{at}.topologyKey"),
                    "the topology key is empty".into(),
                );
            }
            let when = s.when_unsatisfiable.as_str();
            if !["DoNotSchedule", "ScheduleAnyway"].contains(&when) {
                bad(
                    self,
                    format!("{at}.whenUnsatisfiable"),
                    format!("`{when}` is not DoNotSchedule or ScheduleAnyway"),
                );
            }
            if let Some(m) = s.min_domains {
                if m <= 0 {
                    bad(
                        self,
                        format!("{at}.minDomains"),
                        format!("minDomains {m} must be greater than zero"),
                    );
                }
                if when != "DoNotSchedule" {
                    bad(
                        self,
                        format!("{at}.minDomains"),
                        format!("minDomains needs whenUnsatisfiable DoNotSchedule, not {when}"),
                    );
                }
            }
            if seen.contains(&(s.topology_key.as_str(), when)) {
                bad(
                    self,
                    format!("{at}.{{topologyKey, whenUnsatisfiable}}"),
                    format!("a second constraint on {{{}, {when}}}", s.topology_key),
                );
            }
            seen.push((s.topology_key.as_str(), when));
        }
        for (field, name) in [
            ("priorityClassName", &x.priority_class),
            ("runtimeClassName", &x.runtime_class),
        ] {
            if let Some(n) = name {
                self.name(NameRule::Dns1123Subdomain, n.as_str(), object, || {
                    format!("{BASE}.{field}")
                });
            }
        }
        // The Priority admission plugin's built-in classes
        // (plugin/pkg/admission/priority/admission.go).
        if let Some(p) = &x.priority_class
            && !matches!(
                p.as_str(),
                "system-cluster-critical" | "system-node-critical"
            )
            && !self.index.has("PriorityClass", p.as_str())
        {
            self.push(
                RuleId::UnknownPriorityClass,
                object,
                &format!("{BASE}.priorityClassName"),
                format!("priorityclass `{p}` is not in the stack"),
            );
        }
        // The RuntimeClass admission plugin refuses pods naming a class the cluster lacks
        // (plugin/pkg/admission/runtimeclass/admission.go).
        if let Some(r) = &x.runtime_class
            && !self.index.has("RuntimeClass", r.as_str())
        {
            self.push(
                RuleId::UnknownRuntimeClass,
                object,
                &format!("{BASE}.runtimeClassName"),
                format!("runtimeclass `{r}` is not in the stack"),
            );
        }
        if x.dns_policy == Some(DnsPolicy::None) {
            bad(
                self,
                format!("{BASE}.dnsPolicy"),
                "dnsPolicy None needs `dnsConfig` (set it with a patch)".into(),
            );
        }
        for (i, n) in x.image_pull_secrets.iter().enumerate() {
            let at = format!("{BASE}.imagePullSecrets[{i}].name");
            match self.index.get("Secret", n.as_str()) {
                None if self.index.provided_secrets.contains_key(n.as_str()) => {}
                None => self.push(
                    RuleId::DanglingSecret,
                    object,
                    &at,
                    format!("secret `{n}` is not in the stack"),
                ),
                Some(Object::Secret(s))
                    if s.type_.as_deref() != Some("kubernetes.io/dockerconfigjson") =>
                {
                    self.push(
                        RuleId::InvalidScheduling,
                        object,
                        &at,
                        format!(
                            "secret `{n}` is of type {}, not kubernetes.io/dockerconfigjson: the kubelet cannot pull with it",
                            s.type_.as_deref().unwrap_or("Opaque")
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }

    fn node_term(&mut self, t: &NodeSelectorTerm, at: &str, object: &str) {
        for (j, r) in t.match_expressions.iter().flatten().enumerate() {
            let at = format!("{at}.matchExpressions[{j}]");
            if let Err(e) = NameRule::LabelKey.validate(&r.key) {
                self.push(
                    RuleId::InvalidScheduling,
                    object,
                    &format!("{at}.key"),
                    e.to_string(),
                );
            }
            let values = r.values.as_deref().unwrap_or_default();
            let message = match r.operator.as_str() {
                "In" | "NotIn" if values.is_empty() => {
                    Some("values must be given when `operator` is In or NotIn".to_owned())
                }
                "Exists" | "DoesNotExist" if !values.is_empty() => Some(
                    "values may not be given when `operator` is Exists or DoesNotExist".to_owned(),
                ),
                "Gt" | "Lt" if values.len() != 1 || values[0].parse::<i64>().is_err() => {
                    Some("one integer value must be given when `operator` is Gt or Lt".to_owned())
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => None,
                other => Some(format!("`{other}` is not a valid selector operator")),
            };
            if let Some(m) = message {
                self.push(RuleId::InvalidScheduling, object, &at, m);
            }
        }
    }

    fn pod_term(&mut self, t: &PodAffinityTerm, at: &str, object: &str) {
        if t.topology_key.is_empty() {
            self.push(
                RuleId::InvalidScheduling,
                object,
                &format!("{at}.topologyKey"),
                "the topology key is empty".into(),
            );
        } else if let Err(e) = NameRule::LabelKey.validate(&t.topology_key) {
            self.push(
                RuleId::InvalidScheduling,
                object,
                &format!("{at}.topologyKey"),
                e.to_string(),
            );
        }
        for (k, v) in t
            .label_selector
            .iter()
            .flat_map(|s| s.match_labels.iter().flatten())
        {
            if let Err(e) = NameRule::LabelKey.validate(k) {
                self.push(
                    RuleId::InvalidScheduling,
                    object,
                    &format!("{at}.labelSelector.matchLabels"),
                    e.to_string(),
                );
            }
            if let Err(e) = NameRule::LabelValue.validate(v) {
                self.push(
                    RuleId::InvalidScheduling,
                    object,
                    &format!("{at}.labelSelector.matchLabels.{k}"),
                    e.to_string(),
                );
            }
        }
    }
}
