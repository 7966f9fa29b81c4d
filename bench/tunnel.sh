#!/usr/bin/env bash
# Tunnel data-plane benchmark (issue 4): direct, a plain TCP relay, and kubetunnel over ws:// and wss://,
# side by side in one run, on 127.0.0.1 only. Reproduces every figure of docs/benchmarks.md
# "Tunnel data plane". Usage: bench/tunnel.sh   (env: DURATION=seconds per measurement, default 10;
# HOLD_STREAMS=idle streams for the heap/RSS-per-idle-stream figure, default 10000, 0 skips it;
# JAVA_OPTS for the kubetunnel JVMs; BASELINE_JAR=an older kubetunnel.jar adds its ws/wss pairs as "before"
# columns for the one-stream, 16-connection and new-stream figures). Needs root for apt-get when iperf3/wrk/nginx/gcc are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/target/kubetunnel.jar
DURATION=${DURATION:-10}
HOLD_STREAMS=${HOLD_STREAMS:-10000}
JAVA_OPTS=${JAVA_OPTS:-}
BASELINE_JAR=${BASELINE_JAR:-}
WORK=$(mktemp -d /tmp/kubetunnel-bench.XXXXXX)
RESULTS=$WORK/results.tsv
PIDS=()

# Ports (all on 127.0.0.1).
NGINX=19080; IPERF=19201
RELAY_HTTP=19180; RELAY_IPERF=19281          # the plain TCP relay (bench/relay.c)
FWD_RELAY_HTTP=19190; FWD_RELAY_IPERF=19291  # the forwarder in front of the relay
WS_PORT=19443; WS_PROXY=19108; FWD_WS_HTTP=19390; FWD_WS_IPERF=19391
WSS_PORT=19543; WSS_PROXY=19208; FWD_WSS_HTTP=19490; FWD_WSS_IPERF=19491
BWS_PORT=19643; BWS_PROXY=19308; FWD_BWS_HTTP=19590; FWD_BWS_IPERF=19591       # BASELINE_JAR over ws://
BWSS_PORT=19743; BWSS_PROXY=19408; FWD_BWSS_HTTP=19690; FWD_BWSS_IPERF=19691   # BASELINE_JAR over wss://

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
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
    cat >"$WORK/nginx.conf" <<EOF
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
EOF
    start nginx nginx -c "$WORK/nginx.conf" -e "$WORK/nginx/error.log" -g 'daemon off;'
    wait_until 20 curl -sf "http://127.0.0.1:$NGINX/1k"
}

start_kubetunnel() { # start_kubetunnel NAME PORT PROXY_PORT TLS(yes|no) [JAR]: sets SERVER_PID/AGENT_PID
    local name=$1 port=$2 proxy=$3 tls=$4 jar=${5:-$JAR} scheme=ws status_url tls_args=() ca_args=()
    if [[ $tls == yes ]]; then
        scheme=wss
        tls_args=(--tls-cert "$WORK/server.crt" --tls-key "$WORK/server.key")
        ca_args=(--ca-file "$WORK/ca.crt")
    fi
    # shellcheck disable=SC2086
    start "$name-server" java $JAVA_OPTS -jar "$jar" tunnel-server --bind 127.0.0.1 --port "$port" \
        --proxy-port "$proxy" --token-file "$WORK/token" "${tls_args[@]}"
    SERVER_PID=$LAST_PID
    # shellcheck disable=SC2086
    start "$name-agent" java $JAVA_OPTS -jar "$jar" agent --server-url "$scheme://127.0.0.1:$port/tunnel" \
        --token-file "$WORK/token" "${ca_args[@]}" --allow "127.0.0.1:$NGINX,127.0.0.1:$IPERF" --max-backoff PT1S
    AGENT_PID=$LAST_PID
    status_url="$scheme://127.0.0.1:$port/status"
    wait_until 90 bash -c "curl -sf --cacert '$WORK/ca.crt' '${status_url/ws/http}' | grep -q '\"agentConnected\":true'"
}

# --- measurements ---------------------------------------------------------------------------------

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; } # record PATH METRIC VALUE

cpu_ticks() { # utime+stime of the given pids, in clock ticks
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
}

cpu_ticks_without_jit() { # the same without the JIT compiler threads (C1/C2 CompilerThread)
    local total=0 pid task
    for pid in "$@"; do
        for task in /proc/"$pid"/task/*; do
            [[ $(cat "$task/comm" 2>/dev/null) == C[12]\ Compiler* ]] && continue
            total=$((total + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0)))
        done
    done
    echo "$total"
}

rss_kib() { ps -o rss= -p "$1" | tr -d ' '; }

heap_used_kib() { # used heap after the JVM's own accounting (no forced GC unless asked)
    local pid=$1
    [[ ${2:-} == gc ]] && timeout 30 jcmd "$pid" GC.run >/dev/null 2>&1
    timeout 30 jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); print v; exit } }'
}

to_ms() { # wrk latency like 1.23ms / 456.00us / 1.02s -> milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

run_iperf() { # run_iperf NAME PORT [PIDS...]: one stream; records Gbit/s and CPU-s per GB for PIDS
    local name=$1 port=$2; shift 2
    local before after before_nojit after_nojit out
    before=$( (($#)) && cpu_ticks "$@" || echo 0)
    before_nojit=$( (($#)) && cpu_ticks_without_jit "$@" || echo 0)
    out=$WORK/iperf-$name.json
    timeout $((DURATION + 30)) iperf3 -c 127.0.0.1 -p "$port" -t "$DURATION" -J >"$out" 2>&1 || true
    after=$( (($#)) && cpu_ticks "$@" || echo 0)
    after_nojit=$( (($#)) && cpu_ticks_without_jit "$@" || echo 0)
    python3 - "$out" "$before" "$after" "$(getconf CLK_TCK)" "$name" "$#" "$before_nojit" "$after_nojit" >>"$RESULTS" <<'EOF'
import json, sys
path, before, after, hz, name, npids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
before_nojit, after_nojit = int(sys.argv[7]), int(sys.argv[8])
try:
    end = json.load(open(path))["end"]["sum_received"]
except Exception:
    print(f"{name}\tstream_gbps\tfailed"); sys.exit()
print(f"{name}\tstream_gbps\t{end['bits_per_second'] / 1e9:.2f}")
if npids:
    print(f"{name}\tcpu_s_per_gb\t{(after - before) / hz / (end['bytes'] / 1e9):.2f}")
    print(f"{name}\tcpu_s_per_gb_without_jit\t{(after_nojit - before_nojit) / hz / (end['bytes'] / 1e9):.2f}")
EOF
}

run_wrk() { # run_wrk NAME PORT CONNS FILE LABEL [extra wrk args]: records LABEL req/s, p50, p99 (ms)
    local name=$1 port=$2 conns=$3 file=$4 label=$5; shift 5
    local threads=2 out=$WORK/wrk-$name-$label.txt
    ((conns < threads)) && threads=$conns
    timeout $((DURATION + 60)) wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s --latency "$@" \
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
    local before after
    before=$( (($#)) && cpu_ticks "$@" || echo 0)
    run_wrk "$name" "$http" 16 1k 1k_c16
    after=$( (($#)) && cpu_ticks "$@" || echo 0)
    (($#)) && per_op "$name" cpu_us_per_req_c16 "$before" "$after" "$(num_of "$name" 1k_c16_rps)"
    return 0
}

num_of() { awk -F'\t' -v p="$1" -v m="$2" '$1 == p && $2 == m { print $3 }' "$RESULTS" | tail -1; }

per_op() { # per_op NAME METRIC TICKS_BEFORE TICKS_AFTER OPS_PER_SECOND: records CPU-microseconds per operation
    python3 -c "import sys; b, a, hz, rate, d = map(float, sys.argv[1:]); print(f'%.0f' % ((a - b) / hz * 1e6 / (rate * d)) if rate > 0 else 'failed')" \
        "$3" "$4" "$(getconf CLK_TCK)" "${5:-0}" "$DURATION" | { read -r v; record "$1" "$2" "$v"; }
}

warm_up() { # warm_up HTTP_PORT IPERF_PORT: one round of the load, discarded, so the JIT has compiled the hot paths
    log "warming up through ports $1 and $2"
    timeout $((DURATION + 30)) iperf3 -c 127.0.0.1 -p "$2" -t "$DURATION" >/dev/null 2>&1 || true
    timeout $((DURATION + 30)) wrk -t2 -c256 -d"${DURATION}s" "http://127.0.0.1:$1/1k" >/dev/null 2>&1 || true
    timeout $((DURATION + 30)) wrk -t2 -c16 -d"${DURATION}s" "http://127.0.0.1:$1/1m" >/dev/null 2>&1 || true
}

measure_path() { # measure_path NAME HTTP_PORT IPERF_PORT [tunnel PIDS...]
    local name=$1 http=$2 iperf=$3; shift 3
    log "measuring $name"
    run_iperf "$name" "$iperf" "$@"
    run_wrk_cpu "$name" "$http" "$@"
    run_wrk "$name" "$http" 256 1k 1k_c256 &
    local wrk_pid=$!
    if (($#)); then # RSS and heap of server and agent at 256 active streams, sampled mid-run
        sleep $((DURATION / 2))
        record "$name" server_rss_256_kib "$(rss_kib "$1")"
        record "$name" agent_rss_256_kib "$(rss_kib "$2")"
        record "$name" server_heap_256_kib "$(heap_used_kib "$1")"
        record "$name" agent_heap_256_kib "$(heap_used_kib "$2")"
    fi
    wait "$wrk_pid"
    run_wrk "$name" "$http" 1000 1k 1k_c1000
    run_wrk "$name" "$http" 16 1m 1m_c16
    run_wrk "$name" "$http" 16 1k close_c16 -H 'Connection: close' # new connections/s through the same path
}

# Records new streams/s with the SOCKS5-speaking client (no forwarder) and, for the tunnels, idle figures.
measure_native_rate() { # measure_native_rate NAME PORT TARGET_IP|- [tunnel PIDS...]: also CPU-microseconds per stream
    local name=$1 port=$2 target=$3 n before after; shift 3
    before=$( (($#)) && cpu_ticks "$@" || echo 0)
    n=$(timeout $((DURATION + 30)) "$WORK/connclient" rate 127.0.0.1 "$port" "$target" "$NGINX" 16 "$DURATION" /1k || echo failed)
    after=$( (($#)) && cpu_ticks "$@" || echo 0)
    record "$name" native_conn_per_s "$n"
    (($#)) && per_op "$name" cpu_us_per_stream "$before" "$after" "$n"
    return 0
}

measure_before() { # measure_before NAME HTTP_PORT IPERF_PORT SERVER_PID AGENT_PID: BASELINE_JAR's key figures
    log "measuring $1 (BASELINE_JAR)"
    run_iperf "$1" "$3" "$4" "$5"
    run_wrk_cpu "$1" "$2" "$4" "$5"
}

measure_idle() { # measure_idle NAME SERVER_PID AGENT_PID PROXY_PORT
    local name=$1 server=$2 agent=$3 proxy=$4
    record "$name" server_rss_idle_kib "$(rss_kib "$server")"
    record "$name" agent_rss_idle_kib "$(rss_kib "$agent")"
    record "$name" server_heap_idle_kib "$(heap_used_kib "$server" gc)"
    record "$name" agent_heap_idle_kib "$(heap_used_kib "$agent" gc)"
    ((HOLD_STREAMS > 0)) || return 0
    log "holding $HOLD_STREAMS idle streams through $name"
    local count
    start "hold-$name" "$WORK/connclient" hold 127.0.0.1 "$proxy" 127.0.0.1 "$NGINX" "$HOLD_STREAMS" 120
    local hold_pid=$LAST_PID holder=$WORK/hold-$name.log
    wait_until 110 test -s "$holder" || true
    count=$(head -1 "$holder")
    sleep 2
    record "$name" held_streams "${count:-0}"
    record "$name" server_rss_held_kib "$(rss_kib "$server")"
    record "$name" agent_rss_held_kib "$(rss_kib "$agent")"
    record "$name" server_heap_held_kib "$(heap_used_kib "$server" gc)"
    record "$name" agent_heap_held_kib "$(heap_used_kib "$agent" gc)"
    kill -TERM "$hold_pid" 2>/dev/null || true
    wait "$hold_pid" 2>/dev/null || true
    sleep 3 # let both sides tear the held streams down before the next measurement
}

# --- main -----------------------------------------------------------------------------------------

ulimit -n "$(ulimit -Hn)" # the idle-streams figure needs ~10,000 sockets per process
ensure_tools
make_certs
log "work dir $WORK"

start_nginx
start iperf3 iperf3 -s -B 127.0.0.1 -p "$IPERF"
start relay-http "$WORK/relay" "$RELAY_HTTP" "$NGINX"
start relay-iperf "$WORK/relay" "$RELAY_IPERF" "$IPERF"
start fwd-relay-http "$WORK/relay" "$FWD_RELAY_HTTP" "$RELAY_HTTP"
start fwd-relay-iperf "$WORK/relay" "$FWD_RELAY_IPERF" "$RELAY_IPERF"

start_kubetunnel ws "$WS_PORT" "$WS_PROXY" no
WS_SERVER=$SERVER_PID WS_AGENT=$AGENT_PID
start_kubetunnel wss "$WSS_PORT" "$WSS_PROXY" yes
WSS_SERVER=$SERVER_PID WSS_AGENT=$AGENT_PID
if [[ -n $BASELINE_JAR ]]; then
    start_kubetunnel before-ws "$BWS_PORT" "$BWS_PROXY" no "$BASELINE_JAR"
    BWS_SERVER=$SERVER_PID BWS_AGENT=$AGENT_PID
    start_kubetunnel before-wss "$BWSS_PORT" "$BWSS_PROXY" yes "$BASELINE_JAR"
    BWSS_SERVER=$SERVER_PID BWSS_AGENT=$AGENT_PID
    start fwd-bws-http "$WORK/relay" "$FWD_BWS_HTTP" "$BWS_PROXY" "127.0.0.1:$NGINX"
    start fwd-bws-iperf "$WORK/relay" "$FWD_BWS_IPERF" "$BWS_PROXY" "127.0.0.1:$IPERF"
    start fwd-bwss-http "$WORK/relay" "$FWD_BWSS_HTTP" "$BWSS_PROXY" "127.0.0.1:$NGINX"
    start fwd-bwss-iperf "$WORK/relay" "$FWD_BWSS_IPERF" "$BWSS_PROXY" "127.0.0.1:$IPERF"
fi
# The forwarders speak HTTP CONNECT to the proxy port, so iperf3 and wrk reach the targets through the tunnel.
start fwd-ws-http "$WORK/relay" "$FWD_WS_HTTP" "$WS_PROXY" "127.0.0.1:$NGINX"
start fwd-ws-iperf "$WORK/relay" "$FWD_WS_IPERF" "$WS_PROXY" "127.0.0.1:$IPERF"
start fwd-wss-http "$WORK/relay" "$FWD_WSS_HTTP" "$WSS_PROXY" "127.0.0.1:$NGINX"
start fwd-wss-iperf "$WORK/relay" "$FWD_WSS_IPERF" "$WSS_PROXY" "127.0.0.1:$IPERF"
sleep 1
wait_until 20 curl -sf "http://127.0.0.1:$FWD_WS_HTTP/1k"
wait_until 20 curl -sf "http://127.0.0.1:$FWD_WSS_HTTP/1k"

{
    echo "date	$(date -u +%FT%TZ)"
    echo "nproc	$(nproc)"
    echo "cpu	$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "kernel	$(uname -r)"
    echo "java	$(java -version 2>&1 | head -1)"
    echo "tools	$(iperf3 --version | head -1 | cut -d' ' -f1-2); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $(nginx -v 2>&1 | cut -d' ' -f3)"
    echo "load_before	$(cut -d' ' -f1-3 /proc/loadavg)"
    [[ -n $BASELINE_JAR ]] && echo "baseline_jar	$BASELINE_JAR"
} >"$WORK/machine.tsv"

measure_idle kt-ws "$WS_SERVER" "$WS_AGENT" "$WS_PROXY"
measure_idle kt-wss "$WSS_SERVER" "$WSS_AGENT" "$WSS_PROXY"

measure_path direct "$NGINX" "$IPERF"
measure_path relay "$RELAY_HTTP" "$RELAY_IPERF"
measure_path fwd+relay "$FWD_RELAY_HTTP" "$FWD_RELAY_IPERF"
warm_up "$FWD_WS_HTTP" "$FWD_WS_IPERF"
warm_up "$FWD_WSS_HTTP" "$FWD_WSS_IPERF"
measure_path fwd+kt-ws "$FWD_WS_HTTP" "$FWD_WS_IPERF" "$WS_SERVER" "$WS_AGENT"
measure_path fwd+kt-wss "$FWD_WSS_HTTP" "$FWD_WSS_IPERF" "$WSS_SERVER" "$WSS_AGENT"
if [[ -n $BASELINE_JAR ]]; then
    warm_up "$FWD_BWS_HTTP" "$FWD_BWS_IPERF"
    warm_up "$FWD_BWSS_HTTP" "$FWD_BWSS_IPERF"
    measure_before fwd+before-ws "$FWD_BWS_HTTP" "$FWD_BWS_IPERF" "$BWS_SERVER" "$BWS_AGENT"
    measure_before fwd+before-wss "$FWD_BWSS_HTTP" "$FWD_BWSS_IPERF" "$BWSS_SERVER" "$BWSS_AGENT"
fi

log "new streams/s with a client that speaks SOCKS5 itself"
measure_native_rate direct "$NGINX" -
measure_native_rate relay "$RELAY_HTTP" -
measure_native_rate kt-ws "$WS_PROXY" 127.0.0.1 "$WS_SERVER" "$WS_AGENT"
measure_native_rate kt-wss "$WSS_PROXY" 127.0.0.1 "$WSS_SERVER" "$WSS_AGENT"
if [[ -n $BASELINE_JAR ]]; then
    measure_native_rate before-ws "$BWS_PROXY" 127.0.0.1 "$BWS_SERVER" "$BWS_AGENT"
    measure_native_rate before-wss "$BWSS_PROXY" 127.0.0.1 "$BWSS_SERVER" "$BWSS_AGENT"
fi

echo "load_after	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.tsv"
mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/tunnel-$(date -u +%Y%m%dT%H%M%SZ).md
python3 "$ROOT/bench/report.py" "$WORK/machine.tsv" "$RESULTS" | tee "$OUT"
log "report written to $OUT"
