#!/usr/bin/env bash
# The crate as crates.io and docs.rs meet it, on a copy outside the repository (so no
# .cargo/config.toml applies) and without the external tools:
#   1. `cargo package` builds the packaged crate;
#   2. docs.rs: `cargo doc` with exactly [package.metadata.docs.rs]'s features and
#      rustdoc-args (nightly features through RUSTC_BOOTSTRAP, as docs.rs runs nightly);
#   3. `cargo test` of the packaged crate with no KUBEFIT_* variables set.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo package --locked --allow-dirty --quiet
version=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')
crate="target/package/kubefit-$version.crate"
listed=$(tar -tzf "$crate")
for unwanted in .ci/ .cargo/ scripts/ tests/ benches/ fuzz/; do
  if grep "^kubefit-$version/$unwanted" <<<"$listed" >/dev/null; then
    echo "error: the package ships $unwanted" >&2
    exit 1
  fi
done
echo "package: $(wc -l <<<"$listed") files, $(du -k "$crate" | cut -f1) KiB"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$crate" -C "$work"
cd "$work/kubefit-$version"
# Reuse the repository's build cache for dependencies.
export CARGO_TARGET_DIR="$OLDPWD/target/packaged"

read -r features rustdoc_args < <(cargo metadata --format-version 1 --no-deps |
  python3 -c '
import json, sys
m = json.load(sys.stdin)["packages"][0]["metadata"]["docs"]["rs"]
print(",".join(m["features"]), " ".join(m["rustdoc-args"]))')
echo "docs.rs build: --features $features, RUSTDOCFLAGS=$rustdoc_args"
env -u K8S_OPENAPI_ENABLED_VERSION RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="$rustdoc_args -D warnings" \
  cargo doc --no-deps --features "$features"

echo "packaged crate: cargo test without the external tools"
env -u KUBEFIT_EXTERNAL_TOOLS -u KUBEFIT_KUBERNETES_VALIDATE -u KUBEFIT_CHECKOV \
  -u KUBEFIT_SOPS -u KUBEFIT_PYTHON_DOTENV -u KUBEFIT_CLUSTER -u KUBEFIT_KUBECTL -u K8S_OPENAPI_ENABLED_VERSION \
  cargo test --quiet
