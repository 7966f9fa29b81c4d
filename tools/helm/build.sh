#!/usr/bin/env bash
# Builds the Helm CLI the chart tests run (helm lint / template / install) from the Go module proxy into a
# cache outside the clone, and does nothing when it is already there. Prints the binary's path on its last
# line. KUBETUNNEL_HELM_CACHE overrides the cache root.
set -euo pipefail
HELM_VERSION=v3.22.0
HELM_K8S_MINOR=37 # helm v3.22.0 builds on k8s.io/client-go v0.37
cache_root=${KUBETUNNEL_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetunnel/helm}
out="$cache_root/$HELM_VERSION"
if [[ -x "$out/helm" ]]; then
  echo "helm $HELM_VERSION already built in $out" >&2
  echo "$out/helm"
  exit 0
fi
command -v go >/dev/null || { echo "tools/helm/build.sh: Go is required" >&2; exit 1; }
rm -rf "$out.partial" && mkdir -p "$out.partial"
start=$(date +%s)
echo "building helm $HELM_VERSION into $out" >&2
# Stamp what helm's release build stamps (its Makefile): its version, and the Kubernetes version of its client-go
# modules, v0.37 -> 1.37, which `helm template` and `helm lint` assume (unstamped they assume 1.20).
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$HELM_K8S_MINOR"
done
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$out.partial" go install -trimpath -ldflags "$ldflags" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
rm -rf "$out" && mv "$out.partial" "$out"
echo "helm built in $(( $(date +%s) - start )) s" >&2
echo "$out/helm"
