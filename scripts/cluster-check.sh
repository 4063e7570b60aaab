#!/usr/bin/env bash
# The control-plane proof on your own stack: builds the local control plane of tests/cluster/
# (the real kube-apiserver, kube-controller-manager and kube-scheduler of Kubernetes v1.37.2,
# embedded etcd, a fake kubelet; Go >= 1.26 needed, the first build takes about 8 minutes),
# makes the platform's nodes, applies the stack's manifests and prints what the API server
# admitted, where the scheduler put each pod, and what stayed Pending and why.
#
#   scripts/cluster-check.sh SPEC.yaml [--platform NAME|FILE] [--env ENV] [--json]
#   scripts/cluster-check.sh --manifests DIR|FILE --platform NAME|FILE [--json]
#
# Exit status: 0 all admitted and scheduled; 1 something was refused or stayed Pending;
# 2 the check could not run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

spec="" platform="" env="" manifests="" json=()
while [ $# -gt 0 ]; do
    case "$1" in
        --platform) platform="$2"; shift 2 ;;
        --env) env="$2"; shift 2 ;;
        --manifests) manifests="$2"; shift 2 ;;
        --json) json=(--json); shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) spec="$1"; shift ;;
    esac
done
if [ -z "$spec" ] && [ -z "$manifests" ]; then
    echo "usage: scripts/cluster-check.sh SPEC.yaml [--platform NAME|FILE] [--env ENV] [--json]" >&2
    echo "       scripts/cluster-check.sh --manifests DIR|FILE --platform NAME|FILE [--json]" >&2
    exit 2
fi

helper="$("$root/scripts/build-cluster.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
kubefit() { (cd "$root" && cargo run --quiet --example kubefit -- "$@"); }

if [ -n "$platform" ]; then
    kubefit nodes --platform "$platform" > "$work/nodes.json"
elif [ -n "$spec" ]; then
    kubefit nodes "$(realpath "$spec")" > "$work/nodes.json"
else
    echo "scripts/cluster-check.sh: --manifests needs --platform" >&2
    exit 2
fi
if [ -z "$manifests" ]; then
    manifests="$work/out"
    args=(emit "$(realpath "$spec")" --out "$manifests")
    [ -n "$env" ] && args+=(--env "$env")
    kubefit "${args[@]}" >&2
fi
exec "$helper" check --nodes "$work/nodes.json" "${json[@]}" "$manifests"
