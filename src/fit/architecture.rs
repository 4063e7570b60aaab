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
    // The Prometheus project's exporters and tools (promu cross-builds every release),
    // kube-state-metrics (its Makefile's ALL_ARCH), the Prometheus Operator's reloader,
    // postgres-exporter, redis_exporter, CloudNativePG, Grafana's promtail and the
    // OpenTelemetry collector: each publishes linux/amd64 and linux/arm64.
    ("quay.io", "prometheus/alertmanager", BOTH),
    ("quay.io", "prometheus/node-exporter", BOTH),
    ("quay.io", "prometheus/pushgateway", BOTH),
    ("quay.io", "prometheus/blackbox-exporter", BOTH),
    ("docker.io", "prom/alertmanager", BOTH),
    ("docker.io", "prom/node-exporter", BOTH),
    (
        "registry.k8s.io",
        "kube-state-metrics/kube-state-metrics",
        BOTH,
    ),
    (
        "quay.io",
        "prometheus-operator/prometheus-config-reloader",
        BOTH,
    ),
    ("quay.io", "prometheuscommunity/postgres-exporter", BOTH),
    ("docker.io", "oliver006/redis_exporter", BOTH),
    ("ghcr.io", "cloudnative-pg/cloudnative-pg", BOTH),
    ("docker.io", "grafana/promtail", BOTH),
    ("docker.io", "otel/opentelemetry-collector-k8s", BOTH),
];

/// The architectures `image` is known to run on, from the table above.
fn well_known(image: &str) -> Option<&'static [&'static str]> {
    let r = ImageRef::parse(image);
    WELL_KNOWN
        .iter()
        .find(|(reg, repo, _)| *reg == r.registry && *repo == r.repository)
        .map(|(_, _, arches)| *arches)
}

/// The architecture a per-architecture tag names (`2.1.0-amd64`, `v1-arm64`), if any.
fn tag_architecture(image: &str) -> Option<&'static str> {
    let tag = ImageRef::parse(image).tag?;
    let suffix = tag.rsplit('-').next()?;
    [
        "amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64",
    ]
    .into_iter()
    .find(|a| *a == suffix)
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
                // `…:2.1.0-amd64`: a per-architecture tag, by convention one platform; it
                // fails on every other architecture, amd64 included.
                let tagged = tag_architecture(image).filter(|a| !known.contains(a));
                let failing: Vec<&str> = arches
                    .iter()
                    .copied()
                    .filter(|a| match tagged {
                        Some(t) => *a != t,
                        None => *a != "amd64" && !known.contains(a),
                    })
                    .collect();
                if failing.is_empty() {
                    continue;
                }
                let message = match tagged {
                    Some(a) => format!(
                        "image `{image}` is tagged for {a} (a per-architecture tag: one platform, by convention), and its pods may run on {} nodes, where an {a} image fails",
                        list(&failing)
                    ),
                    None => format!(
                        "the platforms image `{image}` is built for are unknown, and its pods may run on {} nodes: an image built for amd64 only fails there",
                        list(&failing)
                    ),
                };
                diags.push(Diagnostic::of(
                    RuleId::ImagePlatformUnknown,
                    &w.object,
                    path.clone(),
                    message,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::well_known;

    #[test]
    fn well_known_images_are_found_as_the_runtime_names_them() {
        for image in [
            "postgres:16.4@sha256:e62fbf9d3e2b49816a32c400ed2dba83e3b361e6833e624024309c35d334b412",
            "docker.io/library/redis:7",
            "index.docker.io/grafana/grafana:11.2.0",
            "docker.io/traefik:v3.1",
            "quay.io/prometheus/node-exporter:v1.8.2",
            "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0",
        ] {
            assert_eq!(well_known(image), Some(super::BOTH), "{image}");
        }
        for image in [
            "ghcr.io/acme/postgres:16",
            "bitnami/postgresql:16",
            "grafana/fluent-bit-plugin-loki:2.9",
            "quay.io/prometheus/prometheus-unknown:1",
        ] {
            assert_eq!(well_known(image), None, "{image}");
        }
        assert_eq!(
            super::tag_architecture("grafana/fluent-bit-plugin-loki:2.1.0-amd64"),
            Some("amd64")
        );
        assert_eq!(super::tag_architecture("nginx:1.27-alpine"), None);
        assert_eq!(super::tag_architecture("registry:5000/x-amd64"), None);
    }
}
