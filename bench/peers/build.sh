#!/usr/bin/env bash
# Builds the Go peers of bench/tunnel.sh (issue 16) into ~/.cache/kubetunnel/peers/<name>-<version>/ and
# prints one line per peer, NAME<TAB>BINARY. A peer already built is not built again (a warm run is instant).
# chisel: v1.11.5 (its zip) and v1.11.4 are refused by the Go module proxy here (403, tried 2026-12-02 18:40 UTC); v1.11.3 is served.
# remotedialer: bench/remotedialer (our harness, its go.mod pins v0.5.2; v0.6.2 needs go >= 1.27.3).
# Both need a newer Go than the installed 1.26.8: GOTOOLCHAIN fetches go1.26.10 from the module proxy once.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${PEERS_CACHE:-$HOME/.cache/kubetunnel/peers}
CHISEL_VERSION=v1.11.3
REMOTEDIALER_VERSION=$(awk '/github.com\/rancher\/remotedialer / { print $(NF == 3 ? 3 : 2) }' "$ROOT/bench/remotedialer/go.mod")
export GOTOOLCHAIN=${GOTOOLCHAIN_PEERS:-go1.26.10}
export GOFLAGS=-buildvcs=false

chisel=$CACHE/chisel-$CHISEL_VERSION/chisel
if [[ ! -x $chisel ]]; then
    mkdir -p "${chisel%/*}"
    # Not "go install chisel@version": that also reads the module's version list, which the proxy refuses too.
    src=$(go mod download -json "github.com/jpillora/chisel@$CHISEL_VERSION" | awk -F'"' '$2 == "Dir" { print $4 }')
    (cd "$src" && go build -mod=mod -ldflags "-X github.com/jpillora/chisel/share.BuildVersion=${CHISEL_VERSION#v}" -o "$chisel" .) >&2
fi
printf 'chisel\t%s\t%s\n' "$chisel" "$CHISEL_VERSION"

# The harness binary is keyed by the library version and a hash of the harness, so an edit rebuilds it.
hash=$(cat "$ROOT"/bench/remotedialer/{go.mod,go.sum,main.go} | sha256sum | cut -c1-12)
rd=$CACHE/remotedialer-$REMOTEDIALER_VERSION/remotedialer-bench-$hash
if [[ ! -x $rd ]]; then
    mkdir -p "${rd%/*}"
    (cd "$ROOT/bench/remotedialer" && go build -o "$rd" .) >&2
fi
printf 'remotedialer\t%s\t%s\n' "$rd" "$REMOTEDIALER_VERSION"
