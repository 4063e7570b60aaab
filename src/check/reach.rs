//! What NetworkPolicies allow: whether traffic from one pod reaches another on a port.
//!
//! Follows the semantics the Kubernetes documentation gives for `networking.k8s.io/v1`
//! NetworkPolicy (concepts/services-networking/network-policies, and the API reference's
//! field descriptions), which every conforming network plugin implements:
//!
//! - A pod is isolated for ingress when any policy of its namespace selects it
//!   (`spec.podSelector`) and has `Ingress` in its policy types; for egress likewise with
//!   `Egress`. Without `spec.policyTypes`, a policy has `Ingress`, and `Egress` when it has
//!   an `egress` section.
//! - Policies are additive: traffic to an isolated pod is allowed when *some* policy that
//!   isolates it has a rule that matches; connections need both the source's egress and the
//!   destination's ingress side to allow them.
//! - A rule without `from` (`to`) matches every peer, one without `ports` every port. A peer
//!   with only a `podSelector` means pods of the policy's own namespace; with only a
//!   `namespaceSelector`, every pod of the selected namespaces; with both in one element,
//!   pods matching both. An empty selector selects everything.
//! - A port is a number (with `endPort`, a range) or a name, which names the destination
//!   pod's container port; the protocol defaults to TCP.
//! - `ipBlock` is meant for addresses outside the cluster; whether a pod's own address
//!   matches one depends on the plugin, so a flow only an ipBlock could allow is "unknown",
//!   never "blocked".

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::model::selector::selects;

/// One end of a connection: a pod, by its namespace (with the namespace's labels), its own
/// labels and its container ports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct End<'a> {
    pub(crate) namespace: &'a str,
    pub(crate) namespace_labels: &'a BTreeMap<String, String>,
    pub(crate) labels: &'a BTreeMap<String, String>,
    /// Container ports: name, number, protocol.
    pub(crate) ports: &'a [(String, u16, String)],
}

/// What the policies make of one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Allowed on both sides.
    Allowed,
    /// Refused: the names of the policies that isolate the refusing side, and which side.
    Blocked {
        /// `true`: the destination's ingress; `false`: the source's egress.
        ingress: bool,
        /// The policies that isolate that side (none of which allows the connection).
        isolated_by: Vec<String>,
    },
    /// Only an `ipBlock` could allow it: the network plugin decides.
    Unknown,
}

/// The policy types of a policy: (ingress, egress).
fn types(p: &NetworkPolicy) -> (bool, bool) {
    let spec = p.spec.as_ref();
    match spec.and_then(|s| s.policy_types.as_ref()) {
        Some(t) => (
            t.iter().any(|t| t == "Ingress"),
            t.iter().any(|t| t == "Egress"),
        ),
        None => (true, spec.is_some_and(|s| s.egress.is_some())),
    }
}

/// Whether a policy has the `Egress` type (restricts the outgoing connections of the pods
/// it selects).
pub(crate) fn restricts_egress(p: &NetworkPolicy) -> bool {
    types(p).1
}

/// The namespace a policy is in (`fallback` when its metadata has none: the stack's).
fn namespace_of<'p>(p: &'p NetworkPolicy, fallback: &'p str) -> &'p str {
    p.metadata.namespace.as_deref().unwrap_or(fallback)
}

/// Whether a policy in `namespace` selects the pod `end`.
fn isolates(p: &NetworkPolicy, namespace: &str, end: &End<'_>) -> bool {
    namespace == end.namespace
        && p.spec.as_ref().is_some_and(|s| {
            s.pod_selector
                .as_ref()
                .is_none_or(|sel| selects(sel, end.labels))
        })
}

/// Whether a peer matches `other`: `Some(true)`/`Some(false)`, or `None` for an `ipBlock`
/// (the plugin decides).
fn peer_matches(peer: &NetworkPolicyPeer, namespace: &str, other: &End<'_>) -> Option<bool> {
    if peer.ip_block.is_some() {
        return None;
    }
    Some(match (&peer.pod_selector, &peer.namespace_selector) {
        (None, None) => false,
        (Some(pods), None) => other.namespace == namespace && selects(pods, other.labels),
        (None, Some(ns)) => selects(ns, other.namespace_labels),
        (Some(pods), Some(ns)) => {
            selects(ns, other.namespace_labels) && selects(pods, other.labels)
        }
    })
}

/// Whether a rule's ports admit `port`/`protocol` on the destination `dst` (`port` `None`:
/// any one of the destination's ports will do).
fn ports_match(
    ports: Option<&Vec<NetworkPolicyPort>>,
    dst: &End<'_>,
    port: Option<u16>,
    protocol: &str,
) -> bool {
    let Some(ports) = ports.filter(|p| !p.is_empty()) else {
        return true;
    };
    ports.iter().any(|np| {
        if np.protocol.as_deref().unwrap_or("TCP") != protocol {
            return false;
        }
        let Some(want) = &np.port else {
            return true;
        };
        let numbers: Vec<u16> = match port {
            Some(p) => vec![p],
            None => dst
                .ports
                .iter()
                .filter(|(_, _, proto)| proto == protocol)
                .map(|(_, n, _)| *n)
                .collect(),
        };
        numbers.iter().any(|&n| match want {
            IntOrString::Int(first) => {
                let last = np.end_port.unwrap_or(*first);
                i64::from(*first) <= i64::from(n) && i64::from(n) <= i64::from(last)
            }
            IntOrString::String(name) => dst
                .ports
                .iter()
                .any(|(pn, pnum, proto)| pn == name && *pnum == n && proto == protocol),
        })
    })
}

/// Combines peer matches: any `true` wins; else any unknown is unknown; else no match.
fn any_peer(peers: Option<&Vec<NetworkPolicyPeer>>, ns: &str, other: &End<'_>) -> Option<bool> {
    let Some(peers) = peers.filter(|p| !p.is_empty()) else {
        return Some(true);
    };
    let mut unknown = false;
    for p in peers {
        match peer_matches(p, ns, other) {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown { None } else { Some(false) }
}

/// One rule of a policy: its peers (`from` or `to`) and its ports.
type Rule<'p> = (
    Option<&'p Vec<NetworkPolicyPeer>>,
    Option<&'p Vec<NetworkPolicyPort>>,
);

/// A connection: from `src` to `dst` on `port` (`None`: any one of the destination's
/// ports) over `protocol` (`TCP`, `UDP`, `SCTP`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Conn<'a> {
    pub(crate) src: End<'a>,
    pub(crate) dst: End<'a>,
    pub(crate) port: Option<u16>,
    pub(crate) protocol: &'a str,
}

/// One side of a connection (the destination's ingress, or the source's egress):
/// `Some(true)` allowed, `Some(false)` blocked, `None` unknown; with the names of the
/// policies that isolate that side's pod.
fn side(
    policies: &[NetworkPolicy],
    fallback_namespace: &str,
    c: &Conn<'_>,
    ingress: bool,
) -> (Option<bool>, Vec<String>) {
    let (guarded, other) = if ingress {
        (&c.dst, &c.src)
    } else {
        (&c.src, &c.dst)
    };
    let mut isolated_by = Vec::new();
    let mut unknown = false;
    for p in policies {
        let ns = namespace_of(p, fallback_namespace);
        let (has_ingress, has_egress) = types(p);
        if !(if ingress { has_ingress } else { has_egress }) || !isolates(p, ns, guarded) {
            continue;
        }
        isolated_by.push(p.metadata.name.clone().unwrap_or_default());
        let spec = p.spec.as_ref();
        let rules: Vec<Rule<'_>> = if ingress {
            spec.and_then(|s| s.ingress.as_ref())
                .into_iter()
                .flatten()
                .map(|r| (r.from.as_ref(), r.ports.as_ref()))
                .collect()
        } else {
            spec.and_then(|s| s.egress.as_ref())
                .into_iter()
                .flatten()
                .map(|r| (r.to.as_ref(), r.ports.as_ref()))
                .collect()
        };
        for (peers, ports) in rules {
            if !ports_match(ports, &c.dst, c.port, c.protocol) {
                continue;
            }
            match any_peer(peers, ns, other) {
                Some(true) => return (Some(true), Vec::new()),
                None => unknown = true,
                Some(false) => {}
            }
        }
    }
    if isolated_by.is_empty() {
        (Some(true), isolated_by)
    } else if unknown {
        (None, isolated_by)
    } else {
        (Some(false), isolated_by)
    }
}

/// Whether `policies` let the connection through. Policies without a namespace are taken
/// to be in `fallback_namespace`.
pub(crate) fn reach(policies: &[NetworkPolicy], fallback_namespace: &str, c: &Conn<'_>) -> Reach {
    let (egress, out_by) = side(policies, fallback_namespace, c, false);
    if egress == Some(false) {
        return Reach::Blocked {
            ingress: false,
            isolated_by: out_by,
        };
    }
    let (ingress, in_by) = side(policies, fallback_namespace, c, true);
    match (egress, ingress) {
        (_, Some(false)) => Reach::Blocked {
            ingress: true,
            isolated_by: in_by,
        },
        (Some(true), Some(true)) => Reach::Allowed,
        _ => Reach::Unknown,
    }
}
