//! Images against the architectures of the nodes their pods may run on
//! (`image-platform-mismatch`, `image-platform-unknown`).
//!
//! The scheduler does not look at images: a pod lands on any node its selectors and taints
//! allow, and the kubelet then pulls the image's manifest for the node's architecture
//! (`no matching manifest for linux/arm64`) or runs a binary built for another one (`exec
//! format error`). kubefit knows an image's platforms from the user's declaration
//! ([`Stack::image_platforms`], complete: what it does not list the image lacks) or from the
//! well-known public images below (what they list they run on; other architectures stay
//! unknown).

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::rules::RuleId;
use crate::fit::demand::WorkloadDemand;
use crate::fit::place::{self, Node};
use crate::fit::platform::Platform;
use crate::model::image_platforms::ImageRef;
use crate::model::stack::Stack;

/// Public images published for both amd64 and arm64 at every tag their projects still ship
/// (their registries' image indexes list `linux/amd64` and `linux/arm64`): Docker Official
/// Images (`library/…`, hub.docker.com's "Supported architectures" of each), and the
/// projects' own images as their release pipelines build them.
const BOTH: &[&str] = &["amd64", "arm64"];
const WELL_KNOWN: &[(&str, &str, &[&str])] = &[
    ("docker.io", "library/alpine", BOTH),
    ("docker.io", "library/busybox", BOTH),
    ("docker.io", "library/nginx", BOTH),
    ("docker.io", "library/postgres", BOTH),
    ("docker.io", "library/rabbitmq", BOTH),
    ("docker.io", "library/redis", BOTH),
    ("docker.io", "library/traefik", BOTH),
    // nginxinc/docker-nginx-unprivileged: built for the official image's platforms.
    ("docker.io", "nginxinc/nginx-unprivileged", BOTH),
    // grafana/grafana: linux/amd64, linux/arm64, linux/arm/v7.
    ("docker.io", "grafana/grafana", BOTH),
    // prometheus/prometheus Makefile.common: amd64, arm64, armv7, ppc64le, s390x.
    ("docker.io", "prom/prometheus", BOTH),
    ("quay.io", "prometheus/prometheus", BOTH),
    // opensearch-project/opensearch-build: linux/amd64, linux/arm64.
    ("docker.io", "opensearchproject/opensearch", BOTH),
    // pgvector/pgvector's Docker images: linux/amd64, linux/arm64.
    ("docker.io", "pgvector/pgvector", BOTH),
    // mastodon/mastodon's build-image workflow: linux/amd64, linux/arm64.
    ("ghcr.io", "mastodon/mastodon", BOTH),
    ("ghcr.io", "mastodon/mastodon-streaming", BOTH),
    ("docker.io", "tootsuite/mastodon", BOTH),
    // dapr/dapr release: linux/amd64, linux/arm64, linux/arm.
    ("docker.io", "daprio/daprd", BOTH),
    ("ghcr.io", "dapr/daprd", BOTH),
    // fluent/fluent-bit: linux/amd64, linux/arm64, linux/arm/v7.
    ("cr.fluentbit.io", "fluent/fluent-bit", BOTH),
    ("docker.io", "fluent/fluent-bit", BOTH),
];

/// The architectures `image` is known to run on, from the table above.
fn well_known(image: &str) -> Option<&'static [&'static str]> {
    let r = ImageRef::parse(image);
    WELL_KNOWN
        .iter()
        .find(|(reg, repo, _)| *reg == r.registry && *repo == r.repository)
        .map(|(_, _, arches)| *arches)
}

/// Every workload's images against the architectures of the nodes its pods may use.
pub(super) fn check(
    stack: &Stack,
    platform: &Platform,
    demands: &[WorkloadDemand],
    diags: &mut Vec<Diagnostic>,
) {
    // One node per pool stands for the pool (its nodes share labels, taints, architecture).
    let nodes: Vec<Node> = place::pool_representatives(platform);
    for w in demands {
        let arches: BTreeSet<&str> = nodes
            .iter()
            .filter(|n| place::admits(n, Some(&w.constraints)))
            .map(|n| n.arch.as_str())
            .collect();
        if arches.is_empty() {
            continue; // no node at all: the fit reports it.
        }
        let mut seen = BTreeSet::new();
        for (path, image) in &w.images {
            if !seen.insert(image.as_str()) {
                continue;
            }
            let list = |a: &[&str]| a.join(", ");
            if let Some(declared) = stack.declared_platforms(image) {
                let lacking: Vec<&str> = arches
                    .iter()
                    .copied()
                    .filter(|a| !declared.has(a))
                    .collect();
                if lacking.is_empty() {
                    continue;
                }
                let built: Vec<&str> = declared.architectures().collect();
                let built = if built.is_empty() {
                    "no architecture".to_owned()
                } else if built.len() == 1 {
                    format!("{} only", built[0])
                } else {
                    list(&built)
                };
                let consequence = if lacking.len() == arches.len() {
                    format!(
                        "no node its pods may run on can run it ({}): the pull finds no manifest for the node or the container fails with `exec format error`",
                        list(&lacking)
                    )
                } else {
                    format!(
                        "its pods placed on {} nodes fail (no matching manifest, or `exec format error`); the scheduler does not look at images",
                        list(&lacking)
                    )
                };
                diags.push(Diagnostic::of(
                    RuleId::ImagePlatformMismatch,
                    &w.object,
                    path.clone(),
                    format!("image `{image}` is built for {built}; {consequence}"),
                ));
            } else {
                let known = well_known(image).unwrap_or(&[]);
                let unknown: Vec<&str> = arches
                    .iter()
                    .copied()
                    .filter(|a| *a != "amd64" && !known.contains(a))
                    .collect();
                if unknown.is_empty() {
                    continue;
                }
                diags.push(Diagnostic::of(
                    RuleId::ImagePlatformUnknown,
                    &w.object,
                    path.clone(),
                    format!(
                        "the platforms image `{image}` is built for are unknown, and its pods may run on {} nodes: an image built for amd64 only fails there",
                        list(&unknown)
                    ),
                ));
            }
        }
    }
}
