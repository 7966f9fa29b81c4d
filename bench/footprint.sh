#!/usr/bin/env bash
# Private memory and RSS of each per-connector role, idle after registration, as the demo runs them (with the
# JVM options of its pod, RoleJvmOptions), and the start-up times: process start -> ready per role (the local
# runner probes readiness every 0.5 s) and Listening -> Connected from the demo's state timeline (which includes the
# `kubectl apply` of the agent manifests).
# Usage: bench/footprint.sh [settle-seconds]   (needs target/kubetunnel.jar: ./mvnw -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
settle=${1:-10}
jar=${KUBETUNNEL_JAR:-target/kubetunnel.jar}
log=$(mktemp -t footprint.XXXXXX.log)
java -jar "$jar" demo --hold >"$log" 2>&1 &
demo=$!
# setsid is not used: the demo's role JVMs are its children, and the demo stops them when it gets SIGTERM.
# The demo ends with 143 (SIGTERM): not this script's failure.
stop() { kill "$demo" 2>/dev/null && { wait "$demo" 2>/dev/null || true; }; rm -f "$log"; }
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
printf '%-20s %8s %12s %8s %9s %9s %10s  %s\n' role pid private_MiB rss_MiB ready_ms live_MiB metasp_MiB JAVA_TOOL_OPTIONS
total=0
for role in tunnel-server kubeconfig-webhook agent; do
  pid=
  for p in $pids; do
    if tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | grep -q "io.d2iq.kubetunnel.Main $role "; then pid=$p; break; fi
  done
  [ -n "$pid" ] || { echo "no $role process" >&2; exit 1; }
  read -r private rss < <(awk '/^Private_(Clean|Dirty):/ {p += $2} /^Rss:/ {r = $2} END {print int(p / 1024), int(r / 1024)}' /proc/"$pid"/smaps_rollup)
  case $role in
    tunnel-server) workload='Deployment [^ ]*-tunnel-server' ;; kubeconfig-webhook) workload='Deployment [^ ]*-kubeconfig-webhook' ;;
    agent) workload='Deployment kubetunnel/kubetunnel-agent' ;;
  esac
  # process start (from /proc, 10 ms steps) -> the runner's last "<workload> is ready" line (probed every 0.5 s)
  started_ms=$(awk -v btime="$(awk '/^btime/ {print $2}' /proc/stat)" -v hz="$(getconf CLK_TCK)" \
    '{sub(/.*\) /, ""); split($0, f, " "); printf "%.0f", (btime + f[20] / hz) * 1000}' /proc/"$pid"/stat)
  ready_at=$(grep -E "logger=LocalPod $workload is ready" "$log" | tail -1 | cut -d' ' -f1 || true)
  ready=
  [ -n "$ready_at" ] && ready=$(( $(date -d "$ready_at" +%s%3N) - started_ms ))
  opts=$(tr '\0' '\n' </proc/"$pid"/environ | sed -n 's/^JAVA_TOOL_OPTIONS=//p')
  # after the memory was read: live heap after a full GC (what -Xmx must hold) and committed metaspace
  read -r live meta < <(jcmd "$pid" GC.run >/dev/null 2>&1; jcmd "$pid" GC.heap_info 2>/dev/null | awk '
    /(generation|space|heap) +total/ && !/Metaspace|class space|eden|from|to / {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); u += v}}
    /Metaspace/ {for (i = 1; i <= NF; i++) if ($i == "committed") {v = $(i + 1); sub(/K,?/, "", v); m = v}}
    END {printf "%.1f %.1f\n", u / 1024, m / 1024}')
  printf '%-20s %8s %12s %8s %9s %9s %10s  %s\n' "$role" "$pid" "$private" "$rss" "${ready:--}" "${live:--}" "${meta:--}" "${opts:-none: the runner defaults}"
  total=$((total + private))
done
printf '%-20s %8s %12s\n' total '' "$total"
sed -n '/^State timeline/,/^$/p' "$log"
awk '/^State timeline/ {on = 1} on && $2 == "Listening" && !l {l = $1 + 0} on && $2 == "Connected" && !c {c = $1 + 0}
  END {if (l && c) printf "Listening -> Connected (agent manifests applied -> Connected): %.1f s\n", c - l}' "$log"
grep -o 'Job kubetunnel/kubetunnel-register-[0-9a-f]* exited with code 0 after [0-9]* ms' "$log" | head -1 || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
