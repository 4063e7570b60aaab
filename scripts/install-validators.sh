#!/usr/bin/env bash
# Installs the external validators the tests use into .venv/ (idempotent).
# kubectl is expected on PATH (it ships with the machine image); if it is missing the
# tests that need it fail loudly rather than being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
KUBERNETES_VALIDATE_VERSION=1.37.0

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/kubernetes-validate" --version

# checkov pins many dependencies: it gets a virtualenv of its own.
CHECKOV_VENV=.venv-checkov
CHECKOV_VERSION=3.3.30
if [ ! -x "$CHECKOV_VENV/bin/python" ]; then
  python3 -m venv "$CHECKOV_VENV"
fi
if ! "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null | grep -q "$CHECKOV_VERSION"; then
  "$CHECKOV_VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
echo "checkov $("$CHECKOV_VENV/bin/checkov" --version)" 2>/dev/null | grep -q "$KUBERNETES_VALIDATE_VERSION"; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
"$VENV/bin/kubernetes-validate" --version

# checkov pins many dependencies: it gets a virtualenv of its own.
CHECKOV_VENV=.venv-checkov
CHECKOV_VERSION=3.3.30
if [ ! -x "$CHECKOV_VENV/bin/python" ]; then
  python3 -m venv "$CHECKOV_VENV"
fi
if ! "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null | grep -q "$CHECKOV_VERSION"; then
  "$CHECKOV_VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
echo "checkov $("$CHECKOV_VENV/bin/checkov" --version)"
if command -v kubectl >/dev/null; then
  kubectl version --client 2>/dev/null | head -1
else
  echo "warning: kubectl is not on PATH; the kubectl round-trip test will fail" >&2
fi
