#!/usr/bin/env bash
# Builds kwok, the fake-node agent the streaming kubectl E2E runs on the remote control plane (it answers the
# kubelet's exec, attach, logs and port-forward API for a test Pod), from the Go module proxy into a cache
# outside the clone, and does nothing when it is already there. Prints the binary's path on its last line.
# KUBETUNNEL_KWOK_CACHE overrides the cache root.
set -euo pipefail
KWOK_VERSION=v0.7.0
cache_root=${KUBETUNNEL_KWOK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetunnel/kwok}
out="$cache_root/$KWOK_VERSION"
if [[ -x "$out/kwok" ]]; then
  echo "kwok $KWOK_VERSION already built in $out" >&2
  echo "$out/kwok"
  exit 0
fi
command -v go >/dev/null || { echo "tools/kwok/build.sh: Go is required" >&2; exit 1; }
rm -rf "$out.partial" && mkdir -p "$out.partial"
start=$(date +%s)
echo "building kwok $KWOK_VERSION into $out" >&2
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$out.partial" go install -trimpath -ldflags "-s -w" \
  "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
rm -rf "$out" && mv "$out.partial" "$out"
echo "kwok built in $(( $(date +%s) - start )) s" >&2
echo "$out/kwok"
