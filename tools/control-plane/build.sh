#!/usr/bin/env bash
# Builds the real control plane the tests run (etcd, kube-apiserver, kube-controller-manager, kubectl)
# from the Go module proxy into a cache outside the clone, and does nothing when it is already there.
# Prints the directory on its last line. KUBETUNNEL_CONTROL_PLANE_CACHE overrides the cache root.
set -euo pipefail
cd "$(dirname "$0")"
source ./versions.env
cache_root=${KUBETUNNEL_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetunnel/control-plane}
out="$cache_root/${K8S_VERSION}-etcd-${ETCD_VERSION}"
binaries=(etcd kube-apiserver kube-controller-manager kubectl)

complete() { for b in "${binaries[@]}"; do [[ -x "$out/$b" ]] || return 1; done; }
if complete; then
  echo "control plane ${K8S_VERSION} (etcd ${ETCD_VERSION}) already built in $out" >&2
  echo "$out"
  exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go is required (go.mod wants 1.24+)" >&2; exit 1; }
mkdir -p "$out.partial"
start=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false

echo "building etcd ${ETCD_VERSION} into $out" >&2
(cd etcd && go build -trimpath -o "$out.partial/etcd" .)

# Stamp the version as upstream's release build does, so /version and kubectl report it.
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=${K8S_VERSION} -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor}"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
for cmd in kube-apiserver kube-controller-manager kubectl; do
  echo "building $cmd ${K8S_VERSION} into $out" >&2
  (cd kubernetes && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.partial/$cmd" "k8s.io/kubernetes/cmd/$cmd")
done
rm -rf "$out" && mv "$out.partial" "$out"
echo "control plane built in $(( $(date +%s) - start )) s" >&2
echo "$out"
