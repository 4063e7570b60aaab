#!/usr/bin/env bash
# Builds the control-plane helper of tests/cluster/ (the real kube-apiserver, controllers and
# scheduler of the Kubernetes release pinned in tests/cluster/go.mod, embedded etcd, a fake
# kubelet) into target/kubefit-cluster/kubefit-cluster and prints its path.
# Needs Go >= 1.26 and the Go module proxy. Go's build cache (outside the repository, `go env
# GOCACHE`) makes a rebuild take seconds; a cold build takes about 8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
    echo "scripts/build-cluster.sh: go is not installed (Go >= 1.26 is needed to build tests/cluster)" >&2
    exit 1
fi
out="$PWD/target/kubefit-cluster/kubefit-cluster"
mkdir -p "$(dirname "$out")"
(cd tests/cluster && go build -mod=readonly -trimpath -o "$out" .)
echo "$out"
