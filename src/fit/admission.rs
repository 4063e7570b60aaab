//! What admission does to a pod before any node sees it, for the LimitRanges and
//! ResourceQuotas in the stack (kubefit's own guard rails included):
//!
//! - **LimitRanger** fills in the requests and limits a container leaves out and refuses a pod
//!   whose containers (or the pod as a whole) fall outside a range's `min`, `max` or
//!   `maxLimitRequestRatio` (plugin/pkg/admission/limitranger/admission.go,
//!   `defaultContainerResourceRequirements`, `mergeContainerResources`, `PodValidateLimitFunc`,
//!   `minConstraint`, `maxConstraint`, `limitRequestRatioConstraint`), after the range's own
//!   defaulting (pkg/apis/core/v1/defaults.go, `SetDefaults_LimitRangeItem`: default ← max,
//!   defaultRequest ← default, ← min). The defaulted pod is then validated: a request above
//!   its (defaulted) limit is invalid (pkg/apis/core/validation, `ValidateResourceRequirements`).
//! - **ResourceQuota** refuses a pod that lacks a request or limit the quota tracks
//!   (pkg/quota/v1/evaluator/core/pods.go, `Constraints`), and a pod that takes the namespace
//!   past any `hard` entry (plugin/pkg/admission/resourcequota, `checkQuotas`); a pod's usage
//!   is its effective requests and limits (`PodUsageFunc` → `PodRequests`, `PodLimits`).
//!
//! Cpu, memory and ephemeral storage are judged; other resources in a range or a quota are
//! left to the cluster. Quotas with scopes or a scope selector are not applied (they count
//! only some pods).

use std::borrow::Cow;

use k8s_openapi::api::core::v1::{
    LimitRange as K8sLimitRange, LimitRangeItem, ResourceQuota as K8sResourceQuota,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::model::container::Container;
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::resources::Resources;
use crate::model::stack::Stack;
use crate::units::cpu::Cpu;
use crate::units::demand::Demand;
use crate::units::memory::Memory;

/// The resources admission is judged on here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Res {
    Cpu,
    Memory,
    Ephemeral,
}

const ALL: [Res; 3] = [Res::Cpu, Res::Memory, Res::Ephemeral];

impl Res {
    fn key(self) -> &'static str {
        match self {
            Res::Cpu => "cpu",
            Res::Memory => "memory",
            Res::Ephemeral => "ephemeral-storage",
        }
    }

    fn of(key: &str) -> Option<Res> {
        ALL.into_iter().find(|r| r.key() == key)
    }

    /// Millicores for cpu, bytes otherwise: the precision `requestLimitEnforcedValues`
    /// compares at for every quantity kubefit can hold.
    fn parse(self, q: &str) -> Option<u64> {
        match self {
            Res::Cpu => q.parse::<Cpu>().ok().map(Cpu::as_millis),
            _ => q.parse::<Memory>().ok().map(Memory::as_bytes),
        }
    }

    fn show(self, v: u64) -> String {
        match self {
            Res::Cpu => Cpu::millis(v).to_string(),
            _ => Memory::bytes(v).to_string(),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One amount per [`Res`].
type Amounts = [Option<u64>; 3];

fn amounts(list: Option<&std::collections::BTreeMap<String, Quantity>>) -> Amounts {
    let mut out = [None; 3];
    for (k, v) in list.into_iter().flatten() {
        if let Some(r) = Res::of(k) {
            out[r.index()] = r.parse(&v.0);
        }
    }
    out
}

/// A container's requests and limits as admission sees them: after the API server's
/// defaulting, a container with only a limit requests that limit (defaults.go
/// `SetDefaults_Pod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sizes {
    requests: Amounts,
    limits: Amounts,
}

fn sizes(r: &Resources) -> Sizes {
    let limits = [
        r.cpu_limit().map(Cpu::as_millis),
        r.memory_limit().map(Memory::as_bytes),
        r.ephemeral_storage_limit().map(Memory::as_bytes),
    ];
    let requests = [
        r.cpu_request().map(Cpu::as_millis),
        r.memory_request().map(Memory::as_bytes),
        r.ephemeral_storage_request().map(Memory::as_bytes),
    ];
    let mut s = Sizes { requests, limits };
    for i in 0..3 {
        s.requests[i] = s.requests[i].or(s.limits[i]);
    }
    s
}

fn resources_of(s: &Sizes) -> Resources {
    let mut r = Resources::new();
    if let Some(v) = s.requests[0] {
        r = r.cpu_request_of(Cpu::millis(v));
    }
    if let Some(v) = s.limits[0] {
        r = r.cpu_limit_of(Cpu::millis(v));
    }
    if let Some(v) = s.requests[1] {
        r = r.memory_request_of(Memory::bytes(v));
    }
    if let Some(v) = s.limits[1] {
        r = r.memory_limit_of(Memory::bytes(v));
    }
    r.with_ephemeral(
        s.requests[2].map(Memory::bytes),
        s.limits[2].map(Memory::bytes),
    )
}

/// One item of a range, after `SetDefaults_LimitRangeItem`.
#[derive(Debug, Clone)]
struct Item {
    pod: bool,
    min: Amounts,
    max: Amounts,
    default: Amounts,
    default_request: Amounts,
    /// `maxLimitRequestRatio` in thousandths.
    ratio: Amounts,
}

fn item(i: &LimitRangeItem) -> Option<Item> {
    let pod = match i.type_.as_str() {
        "Container" => false,
        "Pod" => true,
        _ => return None,
    };
    let mut it = Item {
        pod,
        min: amounts(i.min.as_ref()),
        max: amounts(i.max.as_ref()),
        default: amounts(i.default.as_ref()),
        default_request: amounts(i.default_request.as_ref()),
        ratio: [None; 3],
    };
    for (k, v) in i.max_limit_request_ratio.iter().flatten() {
        if let (Some(r), Ok(c)) = (Res::of(k), v.0.parse::<Cpu>()) {
            it.ratio[r.index()] = Some(c.as_millis());
        }
    }
    if !pod {
        for r in 0..3 {
            it.default[r] = it.default[r].or(it.max[r]);
            it.default_request[r] = it.default_request[r].or(it.default[r]).or(it.min[r]);
        }
    }
    Some(it)
}

/// The stack's LimitRanges and ResourceQuotas, ready to admit pods.
#[derive(Debug, Clone, Default)]
pub(crate) struct Admission {
    ranges: Vec<(String, Vec<Item>)>,
    quotas: Vec<Quota>,
}

/// A quota's `hard` entries kubefit counts: (key, amount, as written).
#[derive(Debug, Clone)]
pub(crate) struct Quota {
    pub(crate) name: String,
    hard: Vec<(String, u64, String)>,
}

fn read<T: serde::de::DeserializeOwned>(o: &Object, kind: &str, ns: &str) -> Option<T> {
    let value = match o {
        Object::K8s(k) if k.kind == kind => serde_json::Value::Object(k.value.clone()),
        Object::LimitRange(l) if kind == "LimitRange" => serde_json::to_value(l.to_k8s(ns)).ok()?,
        Object::ResourceQuota(q) if kind == "ResourceQuota" => {
            serde_json::to_value(q.to_k8s(ns)).ok()?
        }
        _ => return None,
    };
    serde_json::from_value(value).ok()
}

/// What one admission refuses, at a path under the pod spec (`containers[0].resources…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) path: String,
    pub(crate) message: String,
}

impl Admission {
    /// The LimitRanges and ResourceQuotas of the stack (as resolved), in name order, as the
    /// admission plugins list them.
    pub(crate) fn of(stack: &Stack) -> Admission {
        let mut a = Admission::default();
        let ns = stack.namespace.as_str();
        for o in &stack.objects {
            if let Some(l) = read::<K8sLimitRange>(o, "LimitRange", ns) {
                let items = l
                    .spec
                    .iter()
                    .flat_map(|s| s.limits.iter())
                    .filter_map(item)
                    .collect();
                a.ranges.push((l.metadata.name.unwrap_or_default(), items));
            }
            if let Some(q) = read::<K8sResourceQuota>(o, "ResourceQuota", ns) {
                let Some(spec) = q.spec else { continue };
                if spec.scopes.as_ref().is_some_and(|s| !s.is_empty())
                    || spec.scope_selector.is_some()
                {
                    continue;
                }
                let mut hard = Vec::new();
                for (k, v) in spec.hard.iter().flatten() {
                    let res = match k.as_str() {
                        "pods" | "count/pods" => {
                            v.0.parse::<Cpu>().ok().map(|c| c.as_millis() / 1000)
                        }
                        _ => quota_resource(k).and_then(|(r, _)| r.parse(&v.0)),
                    };
                    if let Some(n) = res {
                        hard.push((k.clone(), n, v.0.clone()));
                    }
                }
                a.quotas.push(Quota {
                    name: q.metadata.name.unwrap_or_default(),
                    hard,
                });
            }
        }
        a.ranges.sort_by(|x, y| x.0.cmp(&y.0));
        a.quotas.sort_by(|x, y| x.name.cmp(&y.name));
        a
    }

    /// Whether there is nothing to admit by.
    pub(crate) fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.quotas.is_empty()
    }

    /// The pod as LimitRanger leaves it (borrowed when no range changes it), and every
    /// reason LimitRanger, validation or a quota's required resources refuse it.
    ///
    /// `injected` are containers a webhook appends to `spec.containers` after the built-in
    /// mutating plugins ran: LimitRanger fills nothing in for them, and its validation and
    /// the quota's see them (the returned pod carries them).
    pub(crate) fn admit<'p>(
        &self,
        pod: &'p PodTemplate,
        injected: &[Container],
    ) -> (Cow<'p, PodTemplate>, Vec<Refusal>) {
        let mut refusals = Vec::new();
        let full: Cow<'p, PodTemplate> = if injected.is_empty() {
            Cow::Borrowed(pod)
        } else {
            let mut p = pod.clone();
            p.containers.extend(injected.iter().cloned());
            Cow::Owned(p)
        };
        if self.is_empty() {
            return (full, refusals);
        }
        let own = pod.containers.len();
        // Containers in the order the pod spec lists them, with their paths.
        let mut all: Vec<(String, &Container)> = Vec::new();
        for (i, c) in full.containers.iter().enumerate() {
            all.push((format!("containers[{i}]"), c));
        }
        for (i, c) in full
            .sidecars
            .iter()
            .chain(&full.init_containers)
            .enumerate()
        {
            all.push((format!("initContainers[{i}]"), c));
        }
        let webhook = |k: usize| k >= own && k < full.containers.len();
        let before: Vec<Sizes> = all.iter().map(|(_, c)| sizes(&c.resources)).collect();
        let mut after = before.clone();
        // Which range filled in each container's limit, per resource.
        let mut filled_by: Vec<[&str; 3]> = vec![[""; 3]; all.len()];
        // MutateLimit, range by range: each fills in what is still missing.
        for (name, items) in &self.ranges {
            let (mut default, mut default_request) = ([None; 3], [None; 3]);
            for it in items.iter().filter(|it| !it.pod) {
                for r in 0..3 {
                    default[r] = it.default[r].or(default[r]);
                    default_request[r] = it.default_request[r].or(default_request[r]);
                }
            }
            for (k, (s, by)) in after.iter_mut().zip(&mut filled_by).enumerate() {
                if webhook(k) {
                    continue;
                }
                for r in 0..3 {
                    if s.limits[r].is_none() && default[r].is_some() {
                        by[r] = name.as_str();
                    }
                    s.limits[r] = s.limits[r].or(default[r]);
                    s.requests[r] = s.requests[r].or(default_request[r]);
                }
            }
        }
        // Validation of the defaulted pod: a request above its limit.
        for (((path, _), (b, a)), by) in all.iter().zip(before.iter().zip(&after)).zip(&filled_by) {
            for r in ALL {
                let i = r.index();
                if let (Some(req), Some(lim)) = (a.requests[i], a.limits[i])
                    && req > lim
                    && b.limits[i].is_none()
                {
                    refusals.push(Refusal {
                        path: format!("{path}.resources.requests.{}", r.key()),
                        message: format!(
                            "the LimitRange {} gives the container a default {} limit of {}, below its request of {}, which the api server then refuses as invalid (must be less than or equal to {} limit)",
                            by[i],
                            r.key(),
                            r.show(lim),
                            r.show(req),
                            r.key()
                        ),
                    });
                }
            }
        }
        // ValidateLimit, range by range.
        for (name, items) in &self.ranges {
            for it in items {
                if it.pod {
                    let mut total = Sizes {
                        requests: [None; 3],
                        limits: [None; 3],
                    };
                    let d = crate::fit::demand::pod_requests(&rebuilt(&full, &after));
                    let l = crate::fit::demand::pod_limits(&rebuilt(&full, &after));
                    for r in ALL {
                        let i = r.index();
                        let sum = |v: u64| Some(v);
                        if after.iter().any(|s| s.requests[i].is_some()) {
                            total.requests[i] = sum(pick(d, r));
                        }
                        if after.iter().any(|s| s.limits[i].is_some()) {
                            total.limits[i] = sum(pick(l, r));
                        }
                    }
                    constrain(name, "Pod", it, &total, "resources", &mut refusals);
                } else {
                    for ((path, _), s) in all.iter().zip(&after) {
                        constrain(
                            name,
                            "Container",
                            it,
                            s,
                            &format!("{path}.resources"),
                            &mut refusals,
                        );
                    }
                }
            }
        }
        // A quota that tracks cpu or memory needs every container to say it.
        for q in &self.quotas {
            let mut missing: Vec<(String, Vec<&str>)> = Vec::new();
            for (key, _, _) in &q.hard {
                let Some((r, limit)) = quota_resource(key) else {
                    continue;
                };
                if r == Res::Ephemeral {
                    continue;
                }
                let names: Vec<&str> = all
                    .iter()
                    .zip(&after)
                    .filter(|(_, s)| {
                        if limit {
                            s.limits[r.index()].is_none()
                        } else {
                            s.requests[r.index()].is_none()
                        }
                    })
                    .map(|((_, c), _)| c.name.as_str())
                    .collect();
                if !names.is_empty() {
                    missing.push((key.clone(), names));
                }
            }
            if !missing.is_empty() {
                missing.sort();
                let what: Vec<String> = missing
                    .iter()
                    .map(|(k, n)| {
                        let mut n = n.clone();
                        n.sort_unstable();
                        n.dedup();
                        format!("{k} for: {}", n.join(","))
                    })
                    .collect();
                refusals.push(Refusal {
                    path: "containers[*].resources".to_owned(),
                    message: format!(
                        "the ResourceQuota {} tracks these resources, so the api server refuses a pod whose containers leave them out (must specify {})",
                        q.name,
                        what.join("; ")
                    ),
                });
            }
        }
        drop(all);
        let pod = if after == before {
            full
        } else {
            Cow::Owned(rebuilt(&full, &after))
        };
        (pod, refusals)
    }

    /// The quotas, for the namespace-wide totals.
    pub(crate) fn quotas(&self) -> &[Quota] {
        &self.quotas
    }
}

fn pick(d: Demand, r: Res) -> u64 {
    match r {
        Res::Cpu => d.cpu.as_millis(),
        Res::Memory => d.memory.as_bytes(),
        Res::Ephemeral => d.ephemeral_storage.as_bytes(),
    }
}

/// `(resource, whether it is a limit)` of a quota key: `requests.cpu` and `cpu` are requests.
fn quota_resource(key: &str) -> Option<(Res, bool)> {
    let (limit, name) = match key.split_once('.') {
        Some(("requests", n)) => (false, n),
        Some(("limits", n)) => (true, n),
        Some(_) => return None,
        None => (false, key),
    };
    Res::of(name).map(|r| (r, limit))
}

/// The pod with each container's resources replaced by `sizes` (in [`Admission::admit`]'s
/// order: containers, sidecars, init containers).
fn rebuilt(pod: &PodTemplate, sizes: &[Sizes]) -> PodTemplate {
    let mut p = pod.clone();
    let mut s = sizes.iter();
    for c in p
        .containers
        .iter_mut()
        .chain(p.sidecars.iter_mut())
        .chain(p.init_containers.iter_mut())
    {
        if let Some(s) = s.next() {
            let extended = c.resources.extended_resources().to_vec();
            let mut r = resources_of(s);
            for (name, q) in extended {
                r = r.with_extended(name, q);
            }
            c.resources = r;
        }
    }
    p
}

/// `minConstraint`, `maxConstraint` and `limitRequestRatioConstraint` of one item, with the
/// API server's wording.
fn constrain(range: &str, kind: &str, it: &Item, s: &Sizes, path: &str, out: &mut Vec<Refusal>) {
    let mut refuse = |field: &str, r: Res, what: String| {
        out.push(Refusal {
            path: format!("{path}.{field}.{}", r.key()),
            message: format!("the LimitRange {range} refuses the pod: {what}"),
        });
    };
    for r in ALL {
        let i = r.index();
        let (req, lim) = (s.requests[i], s.limits[i]);
        if let Some(min) = it.min[i] {
            match (req, lim) {
                (None, _) => refuse(
                    "requests",
                    r,
                    format!(
                        "minimum {} usage per {kind} is {}.  No request is specified",
                        r.key(),
                        r.show(min)
                    ),
                ),
                (Some(q), _) if q < min => refuse(
                    "requests",
                    r,
                    format!(
                        "minimum {} usage per {kind} is {}, but request is {}",
                        r.key(),
                        r.show(min),
                        r.show(q)
                    ),
                ),
                (_, Some(l)) if l < min => refuse(
                    "limits",
                    r,
                    format!(
                        "minimum {} usage per {kind} is {}, but limit is {}",
                        r.key(),
                        r.show(min),
                        r.show(l)
                    ),
                ),
                _ => {}
            }
        }
        if let Some(max) = it.max[i] {
            match (req, lim) {
                (_, None) => refuse(
                    "limits",
                    r,
                    format!(
                        "maximum {} usage per {kind} is {}.  No limit is specified",
                        r.key(),
                        r.show(max)
                    ),
                ),
                (_, Some(l)) if l > max => refuse(
                    "limits",
                    r,
                    format!(
                        "maximum {} usage per {kind} is {}, but limit is {}",
                        r.key(),
                        r.show(max),
                        r.show(l)
                    ),
                ),
                (Some(q), _) if q > max => refuse(
                    "requests",
                    r,
                    format!(
                        "maximum {} usage per {kind} is {}, but request is {}",
                        r.key(),
                        r.show(max),
                        r.show(q)
                    ),
                ),
                _ => {}
            }
        }
        if let Some(ratio) = it.ratio[i] {
            let shown = Cpu::millis(ratio);
            match (req, lim) {
                (None | Some(0), _) => refuse(
                    "requests",
                    r,
                    format!(
                        "{} max limit to request ratio per {kind} is {shown}, but no request is specified or request is 0",
                        r.key()
                    ),
                ),
                (_, None | Some(0)) => refuse(
                    "limits",
                    r,
                    format!(
                        "{} max limit to request ratio per {kind} is {shown}, but no limit is specified or limit is 0",
                        r.key()
                    ),
                ),
                (Some(q), Some(l)) if u128::from(l) * 1000 > u128::from(ratio) * u128::from(q) => {
                    refuse(
                        "limits",
                        r,
                        format!(
                            "{} max limit to request ratio per {kind} is {shown}, but provided ratio is {:.6}",
                            r.key(),
                            l as f64 / q as f64
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}

impl Quota {
    /// Each `hard` entry the namespace's pods go past, with their usage: pods at once, each
    /// with its effective `(requests, limits)`.
    pub(crate) fn exceeded(&self, pods: u64, requests: Demand, limits: Demand) -> Vec<String> {
        let mut out = Vec::new();
        for (key, hard, written) in &self.hard {
            let (used, show): (u64, String) = if key == "pods" || key == "count/pods" {
                (pods, pods.to_string())
            } else {
                let Some((r, limit)) = quota_resource(key) else {
                    continue;
                };
                let v = pick(if limit { limits } else { requests }, r);
                (v, r.show(v))
            };
            if used > *hard {
                out.push(format!("{key} {show} of {written}"));
            }
        }
        out
    }
}

impl Stack {
    /// `refused-by-admission`: each workload whose pods the stack's LimitRanges or
    /// ResourceQuotas refuse, at the field that makes them (judged on the resolved stack).
    pub(crate) fn admission_diagnostics(&self) -> Vec<crate::diagnostic::Diagnostic> {
        let admission = Admission::of(self);
        let mut out = Vec::new();
        if admission.is_empty() {
            return out;
        }
        for o in &self.objects {
            let Some(w) = o.pod_owner() else { continue };
            let prefix = match w.kind {
                crate::model::workload::WorkloadKind::CronJob => {
                    "spec.jobTemplate.spec.template.spec."
                }
                crate::model::workload::WorkloadKind::Pod => "spec.",
                _ => "spec.template.spec.",
            };
            for r in admission.admit(w.pod, &[]).1 {
                out.push(crate::diagnostic::Diagnostic::of(
                    crate::diagnostic::rules::RuleId::RefusedByAdmission,
                    o.reference(),
                    format!("{prefix}{}", r.path),
                    format!("{}; its controller creates no pod", r.message),
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Container, Cpu, Deployment, LimitRange, Memory, ResourceQuota, Resources, Stack};

    fn pod_of(stack: &Stack) -> PodTemplate {
        match &stack.objects[..] {
            [.., Object::Deployment(d)] => (*d.pod).clone(),
            _ => unreachable!("the last object is the Deployment"),
        }
    }

    fn stack(range: LimitRange, r: Resources) -> (Admission, PodTemplate) {
        let s = Stack::new("shop").with(range).with(Deployment::new(
            "web",
            Container::new("web", "nginx:1.27").resources(r),
        ));
        (Admission::of(&s), pod_of(&s))
    }

    /// plugin/pkg/admission/limitranger/admission.go `mergeContainerResources`: a container
    /// without requests or limits gets the range's `defaultRequest` and `default`; one with a
    /// limit only already requests it (defaults.go `SetDefaults_Pod`) and keeps that request.
    #[test]
    fn missing_requests_and_limits_are_filled_in_from_the_range() {
        let range = LimitRange::new("d")
            .default_request(Cpu::millis(50), Memory::mebibytes(64))
            .default_limit(Cpu::millis(250), Memory::mebibytes(256));
        let (a, pod) = stack(range.clone(), Resources::new());
        let (admitted, refused) = a.admit(&pod, &[]);
        assert!(refused.is_empty(), "{refused:?}");
        let r = &admitted.containers[0].resources;
        assert_eq!(r.cpu_request(), Some(Cpu::millis(50)));
        assert_eq!(r.memory_limit(), Some(Memory::mebibytes(256)));
        let (a, pod) = stack(range, Resources::new().cpu_limit_of(Cpu::millis(100)));
        let r = a.admit(&pod, &[]).0.containers[0].resources.clone();
        assert_eq!(r.effective_cpu_request(), Cpu::millis(100));
        assert_eq!(r.memory_request(), Some(Memory::mebibytes(64)));
    }

    /// defaults.go `SetDefaults_LimitRangeItem`: a range with only a `max` defaults the limit
    /// and then the request to it.
    #[test]
    fn a_range_with_only_a_max_defaults_both_to_it() {
        let (a, pod) = stack(
            LimitRange::new("cap").max(Cpu::millis(500), Memory::mebibytes(512)),
            Resources::new(),
        );
        let (admitted, refused) = a.admit(&pod, &[]);
        assert!(refused.is_empty(), "{refused:?}");
        assert_eq!(
            admitted.containers[0].resources.cpu_request(),
            Some(Cpu::millis(500))
        );
    }

    /// admission.go `maxConstraint`: a limit above `max` is refused, in the API server's words.
    #[test]
    fn a_limit_above_the_max_is_refused() {
        let (a, pod) = stack(
            LimitRange::new("cap").max(Cpu::millis(500), Memory::mebibytes(512)),
            Resources::new()
                .requests(Cpu::millis(100), Memory::mebibytes(64))
                .limits(Cpu::cores(2), Memory::mebibytes(128)),
        );
        let refused = a.admit(&pod, &[]).1;
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(refused[0].path, "containers[0].resources.limits.cpu");
        assert!(
            refused[0]
                .message
                .ends_with("maximum cpu usage per Container is 500m, but limit is 2"),
            "{}",
            refused[0].message
        );
    }

    /// A request above the default limit is invalid once the limit is filled in
    /// (validation.go `ValidateResourceRequirements`, after mutating admission).
    #[test]
    fn a_request_above_the_default_limit_is_invalid() {
        let (a, pod) = stack(
            LimitRange::new("d")
                .default_request(Cpu::millis(50), Memory::mebibytes(64))
                .default_limit(Cpu::millis(250), Memory::mebibytes(256)),
            Resources::new()
                .cpu_request_of(Cpu::millis(500))
                .memory_request_of(Memory::mebibytes(64)),
        );
        let refused = a.admit(&pod, &[]).1;
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(refused[0].path, "containers[0].resources.requests.cpu");
    }

    /// pods.go `Constraints`: a quota on `limits.memory` needs every container to set one.
    #[test]
    fn a_quota_refuses_containers_that_leave_out_what_it_tracks() {
        let s = Stack::new("shop")
            .with(ResourceQuota::new("q").limits(Cpu::cores(4), Memory::gibibytes(4)))
            .with(Deployment::new(
                "web",
                Container::new("web", "nginx:1.27")
                    .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(64))),
            ));
        let a = Admission::of(&s);
        let refused = a.admit(&pod_of(&s), &[]).1;
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(
            refused[0]
                .message
                .ends_with("(must specify limits.cpu for: web; limits.memory for: web)"),
            "{}",
            refused[0].message
        );
        assert_eq!(
            a.quotas()[0].exceeded(
                3,
                Demand::new(Cpu::millis(300), Memory::mebibytes(192)),
                Demand::new(Cpu::cores(5), Memory::gibibytes(1))
            ),
            vec!["limits.cpu 5 of 4".to_owned()]
        );
    }
}
