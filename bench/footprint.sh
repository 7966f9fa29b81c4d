#!/usr/bin/env bash
# Private memory and RSS of each per-connector role, idle after registration, as the demo runs them.
# Usage: bench/footprint.sh [settle-seconds]   (needs target/kubetunnel.jar: ./mvnw -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
settle=${1:-10}
jar=${KUBETUNNEL_JAR:-target/kubetunnel.jar}
log=$(mktemp -t footprint.XXXXXX.log)
java -jar "$jar" demo --hold >"$log" 2>&1 &
demo=$!
# setsid is not used: the demo's role JVMs are its children, and the demo stops them when it gets SIGTERM.
stop() { kill "$demo" 2>/dev/null && wait "$demo" 2>/dev/null; rm -f "$log"; }
trap stop EXIT INT TERM

# "keeps running" is printed once the agent is Connected and the kubeconfig was used through the tunnel.
for _ in $(seq 300); do
  grep -q 'keeps running until you press Ctrl-C' "$log" && break
  kill -0 "$demo" 2>/dev/null || { cat "$log"; echo "demo exited" >&2; exit 1; }
  sleep 1
done
grep -q 'keeps running until you press Ctrl-C' "$log" || { tail -20 "$log"; echo "demo not Connected in 300 s" >&2; exit 1; }
sleep "$settle"

# Only the demo's own descendants: other demos may run on the same machine.
descendants() { local p; for p in $(ps -o pid= --ppid "$1"); do echo "$p"; descendants "$p"; done; }
pids=$(descendants "$demo")
printf '%-20s %8s %12s %8s\n' role pid private_MiB rss_MiB
total=0
for role in tunnel-server kubeconfig-webhook agent; do
  pid=
  for p in $pids; do
    if tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | grep -q "io.d2iq.kubetunnel.Main $role "; then pid=$p; break; fi
  done
  [ -n "$pid" ] || { echo "no $role process" >&2; exit 1; }
  read -r private rss < <(awk '/^Private_(Clean|Dirty):/ {p += $2} /^Rss:/ {r = $2} END {print int(p / 1024), int(r / 1024)}' /proc/"$pid"/smaps_rollup)
  printf '%-20s %8s %12s %8s\n' "$role" "$pid" "$private" "$rss"
  total=$((total + private))
done
printf '%-20s %8s %12s\n' total '' "$total"
