#!/usr/bin/env bash
# The one command that runs every test: installs the external validators, then runs
# formatting, lints, docs and the whole test suite (unit, integration, doc tests).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-validators.sh
# The local control plane of tests/cluster/ (Go): the real API server, controllers, scheduler.
KUBEFIT_CLUSTER="$(scripts/build-cluster.sh)"
export KUBEFIT_CLUSTER
export KUBEFIT_KUBERNETES_VALIDATE="$PWD/.venv/bin/kubernetes-validate"
export KUBEFIT_CHECKOV="$PWD/.venv-checkov/bin/checkov"
export KUBEFIT_SOPS="$PWD/.venv/bin/sops"
export KUBEFIT_KUBECTL="$PWD/.venv/bin/kubectl"
export KUBEFIT_PYTHON_DOTENV="$PWD/.venv/bin/python"
export KUBEFIT_DOCKER_REGISTRY="$PWD/.tools/docker-registry/usr/bin/docker-registry"
# The tests that run the tools above run only when asked, and then fail loudly on a missing one.
export KUBEFIT_EXTERNAL_TOOLS=1

cargo fmt --check
cargo clippy --all-targets --all-features --locked -- -D warnings
cargo clippy --lib --no-default-features --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --all-features --locked
# Every feature: `registry` adds tests/registry.rs (a loopback OCI registry, anonymous and with a password).
cargo test --all-features --locked
# The packaged crate: its contents, the docs.rs build, and its tests without the tools.
scripts/package-check.sh
