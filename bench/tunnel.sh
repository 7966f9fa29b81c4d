#!/usr/bin/env bash
# Tunnel data-plane benchmark (issue 4): direct, a plain TCP relay, and kubetunnel over ws:// and wss://,
# side by side in one run, on 127.0.0.1 only. Reproduces every figure of docs/benchmarks.md
# "Tunnel data plane". Usage: bench/tunnel.sh   (env: DURATION=seconds per measurement, default 10;
# HOLD_STREAMS=idle streams for the heap/RSS-per-idle-stream figure, default 10000, 0 skips it;
# JAVA_OPTS for the kubetunnel JVMs; MEMORY_LIMIT=memory limit of each kubetunnel JVM as in its pod,
# default 256M, "none" for no limit; BASELINE_JAR=an older kubetunnel.jar adds its ws/wss pairs as
# "before-*" columns; BASELINE_JAVA_OPTS=JAVA_OPTS of the before-* JVMs, default JAVA_OPTS (with
# BASELINE_JAR=target/kubetunnel.jar it compares two sets of JVM options side by side); PEERS=comma list of chisel,remotedialer,ssh measured beside kubetunnel, default all,
# "none" skips them: see start_peers). Needs root for apt-get when a tool is missing and for the memory cgroups.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/target/kubetunnel.jar
DURATION=${DURATION:-10}
HOLD_STREAMS=${HOLD_STREAMS:-10000}
JAVA_OPTS=${JAVA_OPTS:-}
BASELINE_JAR=${BASELINE_JAR:-}
BASELINE_JAVA_OPTS=${BASELINE_JAVA_OPTS-$JAVA_OPTS}
MEMORY_LIMIT=${MEMORY_LIMIT:-256M}
PEERS=${PEERS:-chisel,remotedialer,ssh}
[[ $PEERS == none ]] && PEERS=
WORK=$(mktemp -d /tmp/kubetunnel-bench.XXXXXX)
RESULTS=$WORK/results.tsv
PIDS=()
MEMCG_ROOT=/sys/fs/cgroup/memory # cgroup v1 memory controller
LIMIT_HOW=none                   # how MEMORY_LIMIT is applied: cgroup, maxram (fallback) or none
CGROUPS=()                       # the memory cgroups made for the JVMs, removed by cleanup
MAXRAM_OPTS=()                   # the JVM options standing in for the limit where no memory cgroup can be made
declare -A CGROUP_OF=()          # JVM name -> its memory cgroup
declare -A STATUS_URL=()         # kubetunnel pair -> its tunnel-server's /status
CLIENT=()                        # prefix for iperf3/wrk: empty, or proxychains4 socksifying them into a tunnel

# Ports (all on 127.0.0.1).
NGINX=19080; IPERF=19201
RELAY_HTTP=19180; RELAY_IPERF=19281          # the plain TCP relay (bench/relay.c)
FWD_RELAY_HTTP=19190; FWD_RELAY_IPERF=19291  # the forwarder in front of the relay
WS_PORT=19443; WS_PROXY=19108; FWD_WS_HTTP=19390; FWD_WS_IPERF=19391
WSS_PORT=19543; WSS_PROXY=19208; FWD_WSS_HTTP=19490; FWD_WSS_IPERF=19491
BWS_PORT=19643; BWS_PROXY=19308     # BASELINE_JAR over ws://
BWSS_PORT=19743; BWSS_PROXY=19408   # BASELINE_JAR over wss://
# The peers (issue 16): each exposes an HTTP and an iperf3 port on its server side, like the forwarder ports.
CHISEL_PORT=19843; CHISEL_HTTP=19890; CHISEL_IPERF=19891
RD_PORT=19943; RD_HTTP=19990; RD_IPERF=19991
SSH_PORT=20022; SSH_HTTP=20090; SSH_IPERF=20091

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

cleanup() {
    local pid cg
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    for cg in "${CGROUPS[@]}"; do # a cgroup can be removed once its last process is gone
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            rmdir "$cg" 2>/dev/null && break
            sleep 0.5
        done
        [[ -d $cg ]] && log "could not remove memory cgroup $cg"
    done
    log "work dir (logs, raw output): $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # start NAME CMD...: runs CMD in the background, logs to $WORK/NAME.log; its pid in LAST_PID
    local name=$1; shift
    "$@" >"$WORK/$name.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

wait_until() { # wait_until SECONDS CMD...: polls CMD until it succeeds, fails after SECONDS
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { log "timed out waiting for: $*"; return 1; }
        sleep 0.2
    done
}

ensure_tools() {
    local missing=()
    command -v iperf3 >/dev/null || missing+=(iperf3)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    command -v gcc >/dev/null || missing+=(gcc)
    command -v proxychains4 >/dev/null || missing+=(proxychains4)
    has_peer ssh && { [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server); }
    has_peer ssh && { command -v ssh >/dev/null || missing+=(openssh-client); }
    if ((${#missing[@]})); then
        log "installing ${missing[*]} from Debian"
        apt-get update -q >"$WORK/apt.log" 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$WORK/apt.log" 2>&1
    fi
    [[ -f $JAR ]] || (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
    gcc -O2 -Wall -pthread -o "$WORK/connclient" "$ROOT/bench/connclient.c"
    gcc -O2 -Wall -pthread -o "$WORK/relay" "$ROOT/bench/relay.c"
}

make_certs() { # a throw-away CA and a server certificate for 127.0.0.1
    (cd "$WORK" &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=bench-ca &&
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key &&
        openssl req -new -key server.key -out server.csr -subj /CN=127.0.0.1 &&
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext &&
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
            -extfile san.ext -out server.crt) >"$WORK/openssl.log" 2>&1
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/token"
}

start_nginx() {
    mkdir -p "$WORK/www" "$WORK/nginx"
    head -c 1024 /dev/urandom >"$WORK/www/1k"
    head -c 1048576 /dev/urandom >"$WORK/www/1m"
    # nginx's worker drops root (to www-data): it must reach the files, not the keys next to them.
    chmod 711 "$WORK"; chmod 755 "$WORK/www"; chmod 644 "$WORK/www/1k" "$WORK/www/1m"
    cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile 19000;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 18000; }
http {
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    client_header_timeout 300s;
    client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
    server { listen 127.0.0.1:$NGINX; root $WORK/www; }
}
CONF
    start nginx nginx -c "$WORK/nginx.conf" -e "$WORK/nginx/error.log" -g 'daemon off;'
    wait_until 20 curl -sf "http://127.0.0.1:$NGINX/1k"
}

# --- the kubetunnel JVMs, sized as in their pods ----------------------------------------------------

# The controller gives the tunnel-server container a 256 MiB memory limit (ComponentWorkload) and the agent
# runs under the same. A JVM sizes its heap and picks its GC from the limit it sees, so on this big host
# without one it would run G1 with a heap of a quarter of the host and its RSS would say little about a pod.
choose_memory_limit() {
    if [[ $MEMORY_LIMIT == none ]]; then
        log "kubetunnel JVMs without a memory limit (MEMORY_LIMIT=none)"
        return 0
    fi
    local probe=$MEMCG_ROOT/kubetunnel-bench-$$-probe
    if mkdir "$probe" 2>/dev/null && echo "$MEMORY_LIMIT" >"$probe/memory.limit_in_bytes" 2>/dev/null; then
        LIMIT_HOW=cgroup
        log "each kubetunnel JVM runs in its own memory cgroup limited to $MEMORY_LIMIT, as in its pod"
    else
        LIMIT_HOW=maxram
        MAXRAM_OPTS=("-XX:MaxRAM=$MEMORY_LIMIT")
        # MaxRAM sizes the heap but does not enter the JVM's server-class test (2 CPUs and 1792 MB), which
        # under a real limit below 1792 MB makes it pick the Serial collector: name it, as the limit would.
        if (($(numfmt --from=iec "${MEMORY_LIMIT^^}") < 1792 * 1024 * 1024)) && [[ $JAVA_OPTS != *GC* ]]; then
            MAXRAM_OPTS+=(-XX:+UseSerialGC)
        fi
        log "no writable memory cgroup under $MEMCG_ROOT: the JVMs get ${MAXRAM_OPTS[*]} instead," \
            "which size heap and GC as the limit would but enforce nothing"
    fi
    rmdir "$probe" 2>/dev/null || true
}

start_jvm() { # start_jvm NAME JAR ARGS...: java -jar JAR ARGS under MEMORY_LIMIT; its pid in LAST_PID
    local name=$1 jar=$2 opts=() cg; shift 2
    if [[ $name == before-* ]]; then read -r -a opts <<<"$BASELINE_JAVA_OPTS"; else read -r -a opts <<<"$JAVA_OPTS"; fi
    [[ $LIMIT_HOW == maxram ]] && opts+=("${MAXRAM_OPTS[@]}")
    if [[ $LIMIT_HOW == cgroup ]]; then
        cg=$MEMCG_ROOT/kubetunnel-bench-$$-$name
        mkdir "$cg"
        CGROUPS+=("$cg")
        CGROUP_OF[$name]=$cg
        echo "$MEMORY_LIMIT" >"$cg/memory.limit_in_bytes"
        # The shell joins the cgroup and then becomes the JVM, so everything the JVM touches is charged there.
        # shellcheck disable=SC2016
        start "$name" bash -c 'echo "$$" >"$1/cgroup.procs" && shift && exec "$@"' _ "$cg" \
            java "${opts[@]}" -jar "$jar" "$@"
    else
        start "$name" java "${opts[@]}" -jar "$jar" "$@"
    fi
}

start_kubetunnel() { # start_kubetunnel NAME PORT PROXY_PORT TLS(yes|no) [JAR]: sets SERVER_PID/AGENT_PID
    local name=$1 port=$2 proxy=$3 tls=$4 jar=${5:-$JAR} scheme=ws tls_args=() ca_args=() mgmt_args=()
    if [[ $tls == yes ]]; then
        scheme=wss
        tls_args=(--tls-cert "$WORK/server.crt" --tls-key "$WORK/server.key")
        ca_args=(--ca-file "$WORK/ca.crt")
    fi
    # Jars with a management port default it to 8080, which four JVMs cannot share; older jars lack the flag.
    if java -jar "$jar" tunnel-server --help 2>&1 | grep -q -- --management-port; then
        mgmt_args=(--management-port 0)
    fi
    start_jvm "$name-server" "$jar" tunnel-server --bind 127.0.0.1 --port "$port" \
        --proxy-port "$proxy" --token-file "$WORK/token" "${tls_args[@]}" "${mgmt_args[@]}"
    SERVER_PID=$LAST_PID
    start_jvm "$name-agent" "$jar" agent --server-url "$scheme://127.0.0.1:$port/tunnel" \
        --token-file "$WORK/token" "${ca_args[@]}" --allow "127.0.0.1:$NGINX,127.0.0.1:$IPERF" \
        --max-backoff PT1S "${mgmt_args[@]}"
    AGENT_PID=$LAST_PID
    STATUS_URL[$name]=${scheme/ws/http}://127.0.0.1:$port/status
    wait_until 90 bash -c "curl -sf --cacert '$WORK/ca.crt' '${STATUS_URL[$name]}' | grep -q '\"agentConnected\":true'"
    record_jvm "$name" server "$SERVER_PID"
    record_jvm "$name" agent "$AGENT_PID"
    socks_conf "$name" "$proxy"
}

record_jvm() { # record_jvm PATH SIDE PID: the GC and maximum heap the JVM chose and the memory limit it sees
    local path=$1 side=$2 pid=$3 flags limit heap
    flags=$(timeout 30 jcmd "$pid" VM.flags 2>/dev/null || true)
    limit=$(timeout 30 jcmd "$pid" VM.info 2>/dev/null | awk -F': ' '/^memory_limit_in_bytes/ { print $2; exit }' || true)
    record "$path" "${side}_gc" "$(grep -oE '\+Use[A-Za-z0-9]+GC\b' <<<"$flags" | head -1 | sed 's/^+Use//')"
    heap=$(grep -oE -- '-XX:MaxHeapSize=[0-9]+' <<<"$flags" | cut -d= -f2 || true)
    record "$path" "${side}_max_heap_kib" "$([[ -n $heap ]] && echo $((heap / 1024)) || echo -)"
    record "$path" "${side}_limit_seen" "${limit:-?}"
    log "$path $side: $(grep -oE '\+Use[A-Za-z0-9]+GC\b|-XX:MaxHeapSize=[0-9]+' <<<"$flags" | tr '\n' ' ')memory limit seen: ${limit:-?}"
}

record_jvm_fate() { # record_jvm_fate PATH SIDE PID: alive or not at the end, OOM kills and limit hits of its cgroup
    local path=$1 side=$2 pid=$3 cg=${CGROUP_OF[$1-$2]:-} status=0
    if kill -0 "$pid" 2>/dev/null; then
        record "$path" "${side}_fate" running
    else
        wait "$pid" 2>/dev/null || status=$?
        record "$path" "${side}_fate" "exited ($status)"
        log "FINDING: the $path $side JVM exited with status $status during the run; see $WORK/$path-$side.log"
    fi
    grep -q OutOfMemoryError "$WORK/$path-$side.log" && record "$path" "${side}_fate" "OutOfMemoryError in its log"
    [[ -n $cg ]] || return 0
    record "$path" "${side}_cg_max_usage_kib" "$(($(cat "$cg/memory.max_usage_in_bytes") / 1024))"
    record "$path" "${side}_cg_failcnt" "$(cat "$cg/memory.failcnt")"
    record "$path" "${side}_cg_oom_kills" "$(awk '$1 == "oom_kill" { print $2 }' "$cg/memory.oom_control")"
}

# iperf3 and wrk speak neither SOCKS nor HTTP CONNECT. proxychains4 (an LD_PRELOAD socksifier) turns their
# connect() into a SOCKS5 CONNECT to the proxy port, inside their own process, as a SOCKS-aware client or
# ssh -L would reach the tunnel: no forwarder process in between.
socks_conf() { # socks_conf NAME PROXY_PORT: $WORK/proxychains-NAME.conf, every connection through the proxy port
    cat >"$WORK/proxychains-$1.conf" <<CONF
strict_chain
quiet_mode
tcp_read_time_out 15000
tcp_connect_time_out 8000
[ProxyList]
socks5 127.0.0.1 $2
CONF
}

socksified() { CLIENT=(proxychains4 -q -f "$WORK/proxychains-$1.conf"); } # socksified NAME: iperf3/wrk through NAME's proxy port
unsocksified() { CLIENT=(); }

check_socks_path() { # check_socks_path NAME: fails the run unless proxychains sends 127.0.0.1 targets into the tunnel
    local conf=$WORK/proxychains-$1.conf out
    # The relay ports answer directly but are not on the agent's --allow: through the tunnel they must fail.
    timeout 20 proxychains4 -q -f "$conf" curl -sf -o /dev/null "http://127.0.0.1:$NGINX/1k" ||
        { log "curl through $1's proxy port did not reach nginx"; exit 1; }
    if timeout 20 proxychains4 -q -f "$conf" curl -sf -o /dev/null "http://127.0.0.1:$RELAY_HTTP/1k"; then
        log "proxychains reached 127.0.0.1:$RELAY_HTTP past the agent's --allow: it did not use the tunnel"; exit 1
    fi
    if timeout 20 proxychains4 -q -f "$conf" iperf3 -c 127.0.0.1 -p "$RELAY_IPERF" -t 1 >/dev/null 2>&1; then
        log "iperf3 under proxychains reached 127.0.0.1:$RELAY_IPERF past the agent's --allow"; exit 1
    fi
    out=$(timeout 20 proxychains4 -q -f "$conf" wrk -t1 -c1 -d1s "http://127.0.0.1:$RELAY_HTTP/1k" 2>&1 || true)
    if grep -q '^Requests/sec: *[1-9]' <<<"$out"; then
        log "wrk under proxychains reached 127.0.0.1:$RELAY_HTTP past the agent's --allow"; exit 1
    fi
    log "checked: curl, iperf3 and wrk under proxychains go through $1's tunnel (a target off --allow fails)"
}

# --- measurements ---------------------------------------------------------------------------------

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; } # record PATH METRIC VALUE

stat_ticks() { # stat_ticks /proc/.../stat: utime+stime in clock ticks. Fields are counted after the last ')',
    # because the thread name before it may hold spaces ("Camel Thread #5 - ...").
    local ticks
    ticks=$(sed 's/.*) //' "$1" 2>/dev/null | awk '{ print $12 + $13 }' || true)
    echo "${ticks:-0}"
}

cpu_ticks() { # cpu_ticks PIDS...: utime+stime of the processes (all threads, also those that ended)
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(stat_ticks "/proc/$pid/stat")))
    done
    echo "$total"
}

jit_ticks() { # jit_ticks PIDS...: "TID TICKS" of each JIT compiler thread (C1/C2 CompilerThread)
    local pid task
    for pid in "$@"; do
        for task in /proc/"$pid"/task/*; do
            [[ $(cat "$task/comm" 2>/dev/null) == C[12]\ CompilerThre* ]] || continue
            echo "${task##*/} $(stat_ticks "$task/stat")"
        done
    done
}

cpu_begin() { # cpu_begin PIDS...: notes the CPU of PIDS; cpu_end then sets CPU_TOTAL and CPU_JIT (ticks since)
    CPU_PIDS=("$@")
    CPU_TOTAL0=$(cpu_ticks "$@")
    jit_ticks "$@" >"$WORK/jit-before"
}

cpu_end() {
    CPU_TOTAL=$(($(cpu_ticks "${CPU_PIDS[@]}") - CPU_TOTAL0))
    jit_ticks "${CPU_PIDS[@]}" >"$WORK/jit-after"
    # Per thread id, as the JVM starts and ends compiler threads as needed (one that ends in between is lost).
    CPU_JIT=$(awk 'FILENAME == ARGV[1] { before[$1] = $2; next } { d += $2 - before[$1] } END { print d + 0 }' \
        "$WORK/jit-before" "$WORK/jit-after")
}

rss_kib() { ps -o rss= -p "$1" | tr -d ' '; }

gc() { timeout 30 jcmd "$1" GC.run >/dev/null 2>&1 || true; } # gc PID: a full collection

heap_used_kib() { # heap_used_kib PID: used heap (all generations) as the JVM accounts it now
    timeout 30 jcmd "$1" GC.heap_info 2>/dev/null |
        awk '/ total / && !/Metaspace|class space/ { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); sum += v } }
             END { if (NR) print sum + 0 }'
}

record_memory() { # record_memory NAME SERVER_PID AGENT_PID POINT: after a full GC, RSS and heap of both JVMs as *_POINT_kib
    local name=$1 server=$2 agent=$3 point=$4
    gc "$server"; gc "$agent"
    record "$name" "server_rss_${point}_kib" "$(rss_kib "$server")"
    record "$name" "agent_rss_${point}_kib" "$(rss_kib "$agent")"
    record "$name" "server_heap_${point}_kib" "$(heap_used_kib "$server")"
    record "$name" "agent_heap_${point}_kib" "$(heap_used_kib "$agent")"
}

to_ms() { # wrk latency like 1.23ms / 456.00us / 1.02s -> milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

run_iperf() { # run_iperf NAME PORT [PIDS...]: one stream; records Gbit/s and CPU-s per GB for PIDS
    # With IPERF_REVERSE=yes the bytes flow target -> client (iperf3 -R): through a tunnel that is agent -> server,
    # the direction of API responses (get, logs, watch), whose WebSocket frames the agent masks; metrics get "_rev".
    local name=$1 port=$2 out reverse=() suffix=""; shift 2
    [[ ${IPERF_REVERSE:-} == yes ]] && reverse=(-R) suffix=_rev
    CPU_TOTAL=0 CPU_JIT=0
    if (($#)); then cpu_begin "$@"; fi
    out=$WORK/iperf-$name$suffix.json
    timeout $((DURATION + 30)) "${CLIENT[@]}" iperf3 -c 127.0.0.1 -p "$port" -t "$DURATION" "${reverse[@]}" -J >"$out" 2>&1 || true
    if (($#)); then cpu_end; fi
    python3 - "$out" "$CPU_TOTAL" "$CPU_JIT" "$(getconf CLK_TCK)" "$name" "$#" "$suffix" >>"$RESULTS" <<'PY'
import json, sys
path, total, jit, hz, name, npids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
suffix = sys.argv[7]
try:
    end = json.load(open(path))["end"]["sum_received"]
except Exception:
    print(f"{name}\tstream_gbps{suffix}\tfailed"); sys.exit()
print(f"{name}\tstream_gbps{suffix}\t{end['bits_per_second'] / 1e9:.2f}")
if npids:
    gb = end['bytes'] / 1e9
    print(f"{name}\tcpu_s_per_gb{suffix}\t{total / hz / gb:.2f}")
    print(f"{name}\tcpu_s_per_gb_without_jit{suffix}\t{(total - jit) / hz / gb:.2f}")
PY
}

run_wrk() { # run_wrk NAME PORT CONNS FILE LABEL [extra wrk args]: records LABEL req/s, p50, p99 (ms)
    local name=$1 port=$2 conns=$3 file=$4 label=$5; shift 5
    local threads=2 out=$WORK/wrk-$name-$label.txt
    ((conns < threads)) && threads=$conns
    timeout $((DURATION + 60)) "${CLIENT[@]}" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s --latency "$@" \
        "http://127.0.0.1:$port/$file" >"$out" 2>&1 || true
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    errors=$(awk '/Socket errors|Non-2xx/ {printf "%s ", $0}' "$out")
    record "$name" "${label}_rps" "${rps:-failed}"
    record "$name" "${label}_p50_ms" "$( [[ -n $p50 ]] && to_ms "$p50" || echo -)"
    record "$name" "${label}_p99_ms" "$( [[ -n $p99 ]] && to_ms "$p99" || echo -)"
    [[ -n $errors ]] && record "$name" "${label}_errors" "${errors% }"
    return 0
}

run_wrk_cpu() { # run_wrk_cpu NAME HTTP_PORT [tunnel PIDS...]: 1 KiB at 16 conns, plus CPU-microseconds per request
    local name=$1 http=$2; shift 2
    if (($#)); then cpu_begin "$@"; fi
    run_wrk "$name" "$http" 16 1k 1k_c16
    if (($#)); then
        cpu_end
        per_op "$name" cpu_us_per_req_c16 "$CPU_TOTAL" "$(num_of "$name" 1k_c16_rps)"
    fi
    return 0
}

num_of() { awk -F'\t' -v p="$1" -v m="$2" '$1 == p && $2 == m { print $3 }' "$RESULTS" | tail -1; }

per_op() { # per_op NAME METRIC TICKS OPS_PER_SECOND: records CPU-microseconds per operation over DURATION
    python3 -c "import sys; t, hz, rate, d = map(float, sys.argv[1:]); print(f'%.0f' % (t / hz * 1e6 / (rate * d)) if rate > 0 else 'failed')" \
        "$3" "$(getconf CLK_TCK)" "${4:-0}" "$DURATION" | { read -r v; record "$1" "$2" "$v"; }
}

warm_up() { # warm_up NAME SERVER_PID AGENT_PID: discarded rounds of load through NAME's proxy port until the JIT settled
    local name=$1 secs=$((DURATION < 6 ? DURATION : 6)) round=0 share
    socksified "$name"
    # A round is repeated until the compiler threads use less than 5 % of the two JVMs' CPU in it (at most 5):
    # after one round C2 still compiled for seconds and its CPU landed in the measured runs.
    while ((round < 5)); do
        round=$((round + 1))
        cpu_begin "$2" "$3"
        timeout $((secs + 30)) "${CLIENT[@]}" iperf3 -c 127.0.0.1 -p "$IPERF" -t "$secs" >/dev/null 2>&1 || true
        timeout $((secs + 30)) "${CLIENT[@]}" wrk -t2 -c256 -d"${secs}s" "http://127.0.0.1:$NGINX/1k" >/dev/null 2>&1 || true
        timeout $((secs + 30)) "${CLIENT[@]}" wrk -t2 -c16 -d"${secs}s" "http://127.0.0.1:$NGINX/1m" >/dev/null 2>&1 || true
        cpu_end
        share=$(awk -v j="$CPU_JIT" -v t="$CPU_TOTAL" 'BEGIN { printf "%.1f", (t > 0 ? 100 * j / t : 100) }')
        log "warm-up round $round of $name: JIT compiler threads used $share % of the JVMs' CPU ($CPU_JIT of $CPU_TOTAL ticks)"
        awk -v s="$share" 'BEGIN { exit !(s != "" && s + 0 < 5) }' && break
    done
    record "$name" warmup_rounds "$round"
    record "$name" warmup_jit_pct "$share"
    unsocksified
}

# sample_active NAME SERVER_PID AGENT_PID CONNS SECONDS AT: a wrk run of CONNS connections (1 KiB) for SECONDS;
# AT seconds in, after a full GC, records RSS and heap of both JVMs and the tunnel-server's open streams.
sample_active() {
    local name=$1 server=$2 agent=$3 conns=$4 secs=$5 at=$6 wrk_pid
    timeout $((secs + 30)) "${CLIENT[@]}" wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$NGINX/1k" \
        >"$WORK/wrk-$name-memory-$conns.txt" 2>&1 &
    wrk_pid=$!
    sleep "$at"
    record_memory "$name" "$server" "$agent" "$conns"
    # The tunnel-server's own count: proof that wrk's connections are streams of this tunnel.
    record "$name" "streams_open_$conns" "$(curl -sf --max-time 10 --cacert "$WORK/ca.crt" "${STATUS_URL[$name]}" |
        grep -oE '"streamsOpen":[0-9]+' | cut -d: -f2 || echo ?)"
    kill -0 "$wrk_pid" 2>/dev/null || log "wrk had ended before the sample at $conns active streams: the figure is not valid"
    wait "$wrk_pid" || true
}

# Memory per active stream must not be charged with one-time growth (JIT code, the heap grown to its working
# size, allocator arenas): the baseline is taken again after the warm-up, and both samples after a full GC.
# The 256 streams get their own wrk run, so the forced GC does not land in a measured latency.
measure_memory() { # measure_memory NAME SERVER_PID AGENT_PID
    local name=$1 server=$2 agent=$3
    log "memory of $name: idle after the warm-up, then at 256 and 1000 active streams"
    sleep 2
    record_memory "$name" "$server" "$agent" warm_idle
    socksified "$name"
    sample_active "$name" "$server" "$agent" 256 12 4
    # The marginal cost: from 256 to about 1000 active streams, after the 256-stream run has grown the JVM
    # to its working size, so one-time growth cannot land in it. proxychains' SOCKS handshakes of 1000
    # connections take part of the first seconds, hence the later sample.
    sample_active "$name" "$server" "$agent" 1000 14 6
    unsocksified
}

measure_path() { # measure_path NAME HTTP_PORT IPERF_PORT [tunnel PIDS...]: through CLIENT as set
    local name=$1 http=$2 iperf=$3; shift 3
    log "measuring $name"
    run_iperf "$name" "$iperf" "$@"
    IPERF_REVERSE=yes run_iperf "$name" "$iperf" "$@"
    run_wrk_cpu "$name" "$http" "$@"
    run_wrk "$name" "$http" 256 1k 1k_c256
    run_wrk "$name" "$http" 1000 1k 1k_c1000
    run_wrk "$name" "$http" 16 1m 1m_c16
    # New connections/s only without proxychains: its SOCKS handshake blocks inside wrk's connect and would
    # serialize the connects of each wrk thread. connclient measures new streams/s through the proxy port.
    if ((${#CLIENT[@]} == 0)); then
        run_wrk "$name" "$http" 16 1k close_c16 -H 'Connection: close'
    fi
}

measure_socks() { # measure_socks NAME SERVER_PID AGENT_PID: the full set through NAME's proxy port
    socksified "$1"
    measure_path "$1" "$NGINX" "$IPERF" "$2" "$3"
    unsocksified
}

measure_fwd() { # measure_fwd NAME HTTP_PORT IPERF_PORT SERVER_PID AGENT_PID: through the forwarder (HTTP CONNECT)
    log "measuring $1 (forwarder in front)"
    run_iperf "$1" "$3" "$4" "$5"
    run_wrk_cpu "$1" "$2" "$4" "$5"
    run_wrk "$1" "$2" 16 1k close_c16 -H 'Connection: close'
}

# Records new streams/s with the SOCKS5-speaking client (no forwarder) and, for the tunnels, idle figures.
measure_native_rate() { # measure_native_rate NAME PORT TARGET_IP|- [tunnel PIDS...]: also CPU-microseconds per stream
    local name=$1 port=$2 target=$3 n; shift 3
    if (($#)); then cpu_begin "$@"; fi
    n=$(timeout $((DURATION + 30)) "$WORK/connclient" rate 127.0.0.1 "$port" "$target" "$NGINX" 16 "$DURATION" /1k || echo failed)
    record "$name" native_conn_per_s "$n"
    if (($#)); then
        cpu_end
        per_op "$name" cpu_us_per_stream "$CPU_TOTAL" "$n"
    fi
    return 0
}

measure_idle() { # measure_idle NAME SERVER_PID AGENT_PID PROXY_PORT [hold]: before any traffic; with hold, idle streams
    local name=$1 server=$2 agent=$3 proxy=$4
    record_memory "$name" "$server" "$agent" idle
    [[ ${5:-} == hold ]] && ((HOLD_STREAMS > 0)) || return 0
    log "holding $HOLD_STREAMS idle streams through $name"
    local count
    start "hold-$name" "$WORK/connclient" hold 127.0.0.1 "$proxy" 127.0.0.1 "$NGINX" "$HOLD_STREAMS" 120
    local hold_pid=$LAST_PID holder=$WORK/hold-$name.log
    wait_until 110 test -s "$holder" || true
    count=$(head -1 "$holder")
    sleep 2
    record "$name" held_streams "${count:-0}"
    record_memory "$name" "$server" "$agent" held
    kill -TERM "$hold_pid" 2>/dev/null || true
    wait "$hold_pid" 2>/dev/null || true
    sleep 3 # let both sides tear the held streams down before the next measurement
}


# --- the peers (issue 16): chisel reverse, Rancher's remotedialer, OpenSSH ssh -R ----------------------

has_peer() { [[ ,$PEERS, == *,$1,* ]]; }

# Each peer's agent side dials out to its server side, and the server side listens on an HTTP and an iperf3
# port that lead through the tunnel to nginx and iperf3: the topology of the fwd+kt-* forwarder ports, so
# iperf3 and wrk connect to them directly (no proxychains). PEER_PIDS[name] = "server_pid agent_pid".
declare -A PEER_PIDS=()
start_peers() {
    [[ -n $PEERS ]] || return 0
    local name bin version
    while IFS=$'\t' read -r name bin version; do
        PEER_BIN[$name]=$bin
        PEER_VERSION[$name]=$version
    done < <("$ROOT/bench/peers/build.sh")
    if has_peer chisel; then
        start chisel-server "${PEER_BIN[chisel]}" server --host 127.0.0.1 --port "$CHISEL_PORT" --reverse
        local server=$LAST_PID
        wait_until 20 curl -s -o /dev/null "http://127.0.0.1:$CHISEL_PORT/"
        start chisel-agent "${PEER_BIN[chisel]}" client "http://127.0.0.1:$CHISEL_PORT" \
            "R:127.0.0.1:$CHISEL_HTTP:127.0.0.1:$NGINX" "R:127.0.0.1:$CHISEL_IPERF:127.0.0.1:$IPERF"
        PEER_PIDS[chisel]="$server $LAST_PID"
        wait_until 30 curl -sf -o /dev/null "http://127.0.0.1:$CHISEL_HTTP/1k"
    fi
    if has_peer remotedialer; then
        start rd-server "${PEER_BIN[remotedialer]}" server "127.0.0.1:$RD_PORT" bench \
            "127.0.0.1:$RD_HTTP=127.0.0.1:$NGINX" "127.0.0.1:$RD_IPERF=127.0.0.1:$IPERF"
        local server=$LAST_PID
        wait_until 20 curl -s -o /dev/null "http://127.0.0.1:$RD_PORT/ready"
        start rd-agent "${PEER_BIN[remotedialer]}" client "ws://127.0.0.1:$RD_PORT/connect" bench
        PEER_PIDS[remotedialer]="$server $LAST_PID"
        wait_until 30 curl -sf -o /dev/null "http://127.0.0.1:$RD_PORT/ready"
        wait_until 30 curl -sf -o /dev/null "http://127.0.0.1:$RD_HTTP/1k"
    fi
    if has_peer ssh; then
        # sshd on a loopback port with its own config and host key; the agent side logs in with a key of the
        # run's temp dir and asks for the two ports to be opened on the server side (ssh -R).
        local d=$WORK/ssh
        mkdir -p "$d"; chmod 700 "$d"; mkdir -p /run/sshd
        ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
        ssh-keygen -q -t ed25519 -N '' -f "$d/client_key"
        cp "$d/client_key.pub" "$d/authorized_keys"
        cat >"$d/sshd_config" <<CONF
ListenAddress 127.0.0.1:$SSH_PORT
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding remote
GatewayPorts no
LogLevel ERROR
CONF
        start ssh-server /usr/sbin/sshd -D -e -f "$d/sshd_config"
        local server=$LAST_PID
        wait_until 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSH_PORT"
        start ssh-agent ssh -N -F /dev/null -i "$d/client_key" -p "$SSH_PORT" -o BatchMode=yes \
            -o StrictHostKeyChecking=no -o UserKnownHostsFile="$d/known_hosts" -o ExitOnForwardFailure=yes \
            -R "127.0.0.1:$SSH_HTTP:127.0.0.1:$NGINX" -R "127.0.0.1:$SSH_IPERF:127.0.0.1:$IPERF" "$(id -un)@127.0.0.1"
        PEER_PIDS[ssh]="$server $LAST_PID"
        PEER_VERSION[ssh]=$(ssh -V 2>&1 | cut -d, -f1)
        wait_until 30 curl -sf -o /dev/null "http://127.0.0.1:$SSH_HTTP/1k"
    fi
    local peer
    for peer in "${!PEER_PIDS[@]}"; do
        log "peer $peer ${PEER_VERSION[$peer]} up (pids ${PEER_PIDS[$peer]})"
    done
}
declare -A PEER_BIN=() PEER_VERSION=()

peer_pids() { # peer_pids NAME: every pid of NAME's server and agent side, with their descendants (sshd forks per session)
    local pid
    for pid in ${PEER_PIDS[$1]}; do
        descendants "$pid"
    done
}
descendants() { local c; echo "$1"; for c in $(pgrep -P "$1" || true); do descendants "$c"; done; }

measure_peers() { # the kubetunnel set minus the SOCKS-only figures, on each peer's server-side ports
    local peer pids
    for peer in chisel remotedialer ssh; do
        [[ -n ${PEER_PIDS[$peer]:-} ]] || continue
        mapfile -t pids < <(peer_pids "$peer")
        record "$peer" version "${PEER_VERSION[$peer]}"
        local http_var=${peer^^}_HTTP iperf_var=${peer^^}_IPERF
        [[ $peer == remotedialer ]] && http_var=RD_HTTP iperf_var=RD_IPERF
        # A discarded round first, as the JVMs get their warm-up (Go and C need little).
        timeout $((DURATION + 30)) wrk -t2 -c256 -d"${DURATION}s" "http://127.0.0.1:${!http_var}/1k" >/dev/null 2>&1 || true
        measure_path "$peer" "${!http_var}" "${!iperf_var}" "${pids[@]}"
        local pid rss=0; for pid in "${pids[@]}"; do
            rss=$((rss + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)))
        done
        record "$peer" rss_end_kib "$rss"
    done
}

# --- main -----------------------------------------------------------------------------------------

ulimit -n "$(ulimit -Hn)" # the idle-streams figure needs ~10,000 sockets per process
ensure_tools
make_certs
log "work dir $WORK"
choose_memory_limit

start_nginx
start iperf3 iperf3 -s -B 127.0.0.1 -p "$IPERF"
start relay-http "$WORK/relay" "$RELAY_HTTP" "$NGINX"
start relay-iperf "$WORK/relay" "$RELAY_IPERF" "$IPERF"
start fwd-relay-http "$WORK/relay" "$FWD_RELAY_HTTP" "$RELAY_HTTP"
start fwd-relay-iperf "$WORK/relay" "$FWD_RELAY_IPERF" "$RELAY_IPERF"

start_kubetunnel kt-ws "$WS_PORT" "$WS_PROXY" no
WS_SERVER=$SERVER_PID WS_AGENT=$AGENT_PID
start_kubetunnel kt-wss "$WSS_PORT" "$WSS_PROXY" yes
WSS_SERVER=$SERVER_PID WSS_AGENT=$AGENT_PID
if [[ -n $BASELINE_JAR ]]; then
    start_kubetunnel before-ws "$BWS_PORT" "$BWS_PROXY" no "$BASELINE_JAR"
    BWS_SERVER=$SERVER_PID BWS_AGENT=$AGENT_PID
    start_kubetunnel before-wss "$BWSS_PORT" "$BWSS_PROXY" yes "$BASELINE_JAR"
    BWSS_SERVER=$SERVER_PID BWSS_AGENT=$AGENT_PID
fi
# The forwarders speak HTTP CONNECT to the proxy port: the earlier runs' path, kept for a few figures.
start fwd-ws-http "$WORK/relay" "$FWD_WS_HTTP" "$WS_PROXY" "127.0.0.1:$NGINX"
start fwd-ws-iperf "$WORK/relay" "$FWD_WS_IPERF" "$WS_PROXY" "127.0.0.1:$IPERF"
start fwd-wss-http "$WORK/relay" "$FWD_WSS_HTTP" "$WSS_PROXY" "127.0.0.1:$NGINX"
start fwd-wss-iperf "$WORK/relay" "$FWD_WSS_IPERF" "$WSS_PROXY" "127.0.0.1:$IPERF"
sleep 1
wait_until 20 curl -sf "http://127.0.0.1:$FWD_WS_HTTP/1k"
wait_until 20 curl -sf "http://127.0.0.1:$FWD_WSS_HTTP/1k"
wait_until 20 curl -sf "http://127.0.0.1:$RELAY_HTTP/1k"
check_socks_path kt-ws
check_socks_path kt-wss
start_peers

{
    echo "date	$(date -u +%FT%TZ)"
    echo "nproc	$(nproc)"
    echo "cpu	$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "kernel	$(uname -r)"
    echo "java	$(java -version 2>&1 | head -1)"
    echo "tools	$(iperf3 --version | head -1 | cut -d' ' -f1-2); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1 | cut -d' ' -f3); proxychains4 $(dpkg-query -W -f='${Version}' proxychains4 2>/dev/null || echo '?')"
    echo "load_before	$(cut -d' ' -f1-3 /proc/loadavg)"
    case $LIMIT_HOW in
        cgroup) echo "memory_limit	$MEMORY_LIMIT per kubetunnel JVM, each in its own memory cgroup (v1)" ;;
        maxram) echo "memory_limit	${MAXRAM_OPTS[*]} per kubetunnel JVM (no writable memory cgroup: sized, not enforced)" ;;
        none) echo "memory_limit	none (MEMORY_LIMIT=none)" ;;
    esac
    [[ -n $JAVA_OPTS ]] && echo "java_opts	$JAVA_OPTS"
    [[ -n $BASELINE_JAR ]] && echo "baseline_jar	$BASELINE_JAR"
    [[ -n $BASELINE_JAR && $BASELINE_JAVA_OPTS != "$JAVA_OPTS" ]] && echo "baseline_java_opts	${BASELINE_JAVA_OPTS:-(none)}"
    echo "peers	${PEERS:-none}"
} >"$WORK/machine.tsv"

measure_idle kt-ws "$WS_SERVER" "$WS_AGENT" "$WS_PROXY" hold
measure_idle kt-wss "$WSS_SERVER" "$WSS_AGENT" "$WSS_PROXY" hold
if [[ -n $BASELINE_JAR ]]; then
    measure_idle before-ws "$BWS_SERVER" "$BWS_AGENT" "$BWS_PROXY"
    measure_idle before-wss "$BWSS_SERVER" "$BWSS_AGENT" "$BWSS_PROXY"
fi

measure_path direct "$NGINX" "$IPERF"
measure_path relay "$RELAY_HTTP" "$RELAY_IPERF"
measure_path fwd+relay "$FWD_RELAY_HTTP" "$FWD_RELAY_IPERF"

warm_up kt-ws "$WS_SERVER" "$WS_AGENT"
warm_up kt-wss "$WSS_SERVER" "$WSS_AGENT"
measure_memory kt-ws "$WS_SERVER" "$WS_AGENT"
measure_memory kt-wss "$WSS_SERVER" "$WSS_AGENT"
measure_socks kt-ws "$WS_SERVER" "$WS_AGENT"
measure_socks kt-wss "$WSS_SERVER" "$WSS_AGENT"
measure_fwd fwd+kt-ws "$FWD_WS_HTTP" "$FWD_WS_IPERF" "$WS_SERVER" "$WS_AGENT"
measure_fwd fwd+kt-wss "$FWD_WSS_HTTP" "$FWD_WSS_IPERF" "$WSS_SERVER" "$WSS_AGENT"
if [[ -n $BASELINE_JAR ]]; then
    warm_up before-ws "$BWS_SERVER" "$BWS_AGENT"
    warm_up before-wss "$BWSS_SERVER" "$BWSS_AGENT"
    measure_memory before-ws "$BWS_SERVER" "$BWS_AGENT"
    measure_memory before-wss "$BWSS_SERVER" "$BWSS_AGENT"
    measure_socks before-ws "$BWS_SERVER" "$BWS_AGENT"
    measure_socks before-wss "$BWSS_SERVER" "$BWSS_AGENT"
fi
measure_peers

log "new streams/s with a client that speaks SOCKS5 itself"
measure_native_rate direct "$NGINX" -
measure_native_rate relay "$RELAY_HTTP" -
measure_native_rate kt-ws "$WS_PROXY" 127.0.0.1 "$WS_SERVER" "$WS_AGENT"
measure_native_rate kt-wss "$WSS_PROXY" 127.0.0.1 "$WSS_SERVER" "$WSS_AGENT"
if [[ -n $BASELINE_JAR ]]; then
    measure_native_rate before-ws "$BWS_PROXY" 127.0.0.1 "$BWS_SERVER" "$BWS_AGENT"
    measure_native_rate before-wss "$BWSS_PROXY" 127.0.0.1 "$BWSS_SERVER" "$BWSS_AGENT"
fi

record_jvm_fate kt-ws server "$WS_SERVER"; record_jvm_fate kt-ws agent "$WS_AGENT"
record_jvm_fate kt-wss server "$WSS_SERVER"; record_jvm_fate kt-wss agent "$WSS_AGENT"
if [[ -n $BASELINE_JAR ]]; then
    record_jvm_fate before-ws server "$BWS_SERVER"; record_jvm_fate before-ws agent "$BWS_AGENT"
    record_jvm_fate before-wss server "$BWSS_SERVER"; record_jvm_fate before-wss agent "$BWSS_AGENT"
fi

echo "load_after	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.tsv"
mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/tunnel-$(date -u +%Y%m%dT%H%M%SZ).md
python3 "$ROOT/bench/report.py" "$WORK/machine.tsv" "$RESULTS" | tee "$OUT"
log "report written to $OUT"
