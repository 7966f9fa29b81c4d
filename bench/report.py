"""Turns bench/tunnel.sh's raw results into the markdown tables of docs/benchmarks.md.

usage: report.py MACHINE_TSV RESULTS_TSV
"""
import sys

machine = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[1]) if "\t" in line)
results = {}
for line in open(sys.argv[2]):
    path, metric, value = line.rstrip("\n").split("\t", 2)
    results.setdefault(path, {})[metric] = value

# The kubetunnel pairs: kt-* are this jar, before-* BASELINE_JAR's (if measured).
PAIRS = [p for p in ("kt-ws", "kt-wss", "before-ws", "before-wss") if p in results]
# The peers of issue 16, each on ports its server side exposes (the topology of the fwd+* forwarder ports).
PEERS = [p for p in ("chisel", "remotedialer", "ssh") if p in results]
PATHS = ["direct", "relay", "fwd+relay"] + PAIRS + ["fwd+kt-ws", "fwd+kt-wss"] + PEERS


def num(path, metric):
    try:
        return float(results.get(path, {})[metric])
    except (KeyError, ValueError):
        return None


def text(path, metric):
    return results.get(path, {}).get(metric, "-")


def cell(path, metric):
    """The value, and for every path but direct its ratio to direct."""
    value, base, mine = text(path, metric), num("direct", metric), num(path, metric)
    if path != "direct" and base and mine is not None:
        return f"{value} ({mine / base:.2f}x)"
    return value


print(f"Run {machine.get('date')}: {machine.get('nproc')} CPUs ({machine.get('cpu')}), kernel {machine.get('kernel')}, "
      f"{machine.get('java')}; {machine.get('tools')}.")
print(f"Load average (1/5/15 min) before: {machine.get('load_before')}, after: {machine.get('load_after')}.")
print(f"Memory limit of the kubetunnel JVMs: {machine.get('memory_limit', '-')}."
      + (f" JAVA_OPTS: `{machine['java_opts']}`." if "java_opts" in machine else "")
      + (f" JAVA_OPTS of the before-* columns: `{machine['baseline_java_opts']}`."
         if "baseline_java_opts" in machine else ""))
if "baseline_jar" in machine:
    print(f"Columns before-*: the same measurements with BASELINE_JAR={machine['baseline_jar']}.")
print("Columns kt-*/before-*: iperf3 and wrk under proxychains4 (SOCKS5 to the proxy port from inside the client, "
      "no forwarder); fwd+*: through bench/relay.c as an HTTP CONNECT forwarder (kept for a few figures).")
if PEERS:
    print("Peers (PEERS=" + machine.get("peers", "?") + "): " + "; ".join(f"{p} {text(p, 'version')}" for p in PEERS)
          + ". Each exposes the HTTP and iperf3 ports on its server side (chisel `R:`, remotedialer harness listener, "
          "`ssh -R`), which iperf3 and wrk reach directly, as the fwd+* ports; CPU counts its server and agent "
          "processes (with sshd's session children).")
warm = [f"{p} {text(p, 'warmup_rounds')} (JIT {text(p, 'warmup_jit_pct')} % of the JVMs' CPU in the last)"
        for p in PAIRS if "warmup_rounds" in results[p]]
if warm:
    print("Warm-up rounds until the JIT compiler threads used < 5 % of the JVMs' CPU (at most 5): " + "; ".join(warm) + ".")
print()
print("| measurement | " + " | ".join(PATHS) + " |")
print("|---|" + "---|" * len(PATHS))
ROWS = [
    ("one stream, iperf3, Gbit/s", "stream_gbps"),
    ("one stream reversed (iperf3 -R: target -> client, agent -> server), Gbit/s", "stream_gbps_rev"),
    ("1 KiB, 16 conns, req/s", "1k_c16_rps"),
    ("1 KiB, 16 conns, p50 ms", "1k_c16_p50_ms"),
    ("1 KiB, 16 conns, p99 ms", "1k_c16_p99_ms"),
    ("1 KiB, 256 conns, req/s", "1k_c256_rps"),
    ("1 KiB, 256 conns, p50 ms", "1k_c256_p50_ms"),
    ("1 KiB, 256 conns, p99 ms", "1k_c256_p99_ms"),
    ("1 KiB, 1000 conns, req/s", "1k_c1000_rps"),
    ("1 KiB, 1000 conns, p50 ms", "1k_c1000_p50_ms"),
    ("1 KiB, 1000 conns, p99 ms", "1k_c1000_p99_ms"),
    ("1 MiB, 16 conns, req/s", "1m_c16_rps"),
    ("1 MiB, 16 conns, p50 ms", "1m_c16_p50_ms"),
    ("1 MiB, 16 conns, p99 ms", "1m_c16_p99_ms"),
    ("new conns/s, wrk `Connection: close`, 16 conns (no proxychains)", "close_c16_rps"),
    ("CPU-s per GB (server+agent, iperf3 run, all threads)", "cpu_s_per_gb"),
    ("CPU-s per GB without the JIT compiler threads", "cpu_s_per_gb_without_jit"),
    ("CPU-s per GB, reversed stream (all threads)", "cpu_s_per_gb_rev"),
    ("CPU-µs per request (server+agent, 1 KiB, 16 conns)", "cpu_us_per_req_c16"),
    ("RSS of server+agent at the end of its measurements, KiB (peers only)", "rss_end_kib"),
]
for label, metric in ROWS:
    print(f"| {label} | " + " | ".join(cell(p, metric) for p in PATHS) + " |")

errors = [(p, m, v) for p in PATHS for m, v in results.get(p, {}).items() if m.endswith("_errors")]
if errors:
    print()
    print("wrk errors: " + "; ".join(f"{p} {m[:-7]}: {v}" for p, m, v in errors) + ".")

print()
print("New streams/s with `bench/connclient` (16 threads, connect [+ SOCKS5 CONNECT] + GET 1 KiB + close, no forwarder):")
print()
NATIVE = ["direct", "relay"] + PAIRS
print("| " + " | ".join(NATIVE) + " |")
print("|" + "---|" * len(NATIVE))
print("| " + " | ".join(cell(p, "native_conn_per_s") for p in NATIVE) + " |")
print("| " + " | ".join(text(p, "cpu_us_per_stream") + (" CPU-µs/stream" if num(p, "cpu_us_per_stream") is not None else "")
                       for p in NATIVE) + " |")

print()
print("Memory of the kubetunnel JVMs (RSS from ps; heap used from `jcmd GC.heap_info`, all after `jcmd GC.run`; "
      "GC and max heap from `jcmd VM.flags`, the limit as the JVM sees it from `jcmd VM.info`):")
print()
SIDES = [(p, side) for p in PAIRS for side in ("server", "agent")]
print("| | " + " | ".join(f"{p} {side}" for p, side in SIDES) + " |")
print("|---|" + "---|" * len(SIDES))


def row(label, render):
    print(f"| {label} | " + " | ".join(render(p, side) for p, side in SIDES) + " |")


def mib(metric):
    def render(p, side):
        v = num(p, metric.format(side=side))
        return f"{v / 1024:.1f} MiB" if v is not None else "-"
    return render


def per_stream(metric, base_metric, count):
    def render(p, side):
        v, b, n = num(p, metric.format(side=side)), num(p, base_metric.format(side=side)), count(p)
        return f"{(v - b) / n + 0.0:.1f} KiB".replace("-0.0 ", "0.0 ") if None not in (v, b) and n else "-"
    return render


held = lambda p: num(p, "held_streams")
row("GC chosen by the JVM", lambda p, s: text(p, f"{s}_gc"))
row("max heap", mib("{side}_max_heap_kib"))
row("memory limit the JVM sees", lambda p, s: text(p, f"{s}_limit_seen"))
row("RSS idle, before any traffic", mib("{side}_rss_idle_kib"))
row("heap idle, before any traffic", mib("{side}_heap_idle_kib"))
row("RSS idle after the warm-up", mib("{side}_rss_warm_idle_kib"))
row("heap idle after the warm-up", mib("{side}_heap_warm_idle_kib"))
row("streams open at that sample (tunnel-server `/status`)", lambda p, s: text(p, "streams_open_256") if s == "server" else "")
row("RSS at 256 active streams (wrk 1 KiB)", mib("{side}_rss_256_kib"))
row("heap at 256 active streams", mib("{side}_heap_256_kib"))
row("**RSS per active stream** ((256 − idle after warm-up) / 256)",
    per_stream("{side}_rss_256_kib", "{side}_rss_warm_idle_kib", lambda p: 256))
row("heap per active stream ((256 − idle after warm-up) / 256)",
    per_stream("{side}_heap_256_kib", "{side}_heap_warm_idle_kib", lambda p: 256))
row("streams open at the 1000-connection sample", lambda p, s: text(p, "streams_open_1000") if s == "server" else "")
row("RSS at about 1000 active streams (wrk 1 KiB)", mib("{side}_rss_1000_kib"))
row("heap at about 1000 active streams", mib("{side}_heap_1000_kib"))
opened = lambda p: (num(p, "streams_open_1000") or 0) - (num(p, "streams_open_256") or 0)
row("**RSS per added active stream** ((1000 − 256 sample) / streams added)",
    per_stream("{side}_rss_1000_kib", "{side}_rss_256_kib", opened))
row("heap per added active stream",
    per_stream("{side}_heap_1000_kib", "{side}_heap_256_kib", opened))
row("RSS per active stream, earlier method ((256 − idle before any traffic) / 256)",
    per_stream("{side}_rss_256_kib", "{side}_rss_idle_kib", lambda p: 256))
row("idle streams held", lambda p, s: str(int(held(p))) if held(p) is not None and s == "server" else "")
row("RSS at the idle streams held", mib("{side}_rss_held_kib"))
row("heap at the idle streams held", mib("{side}_heap_held_kib"))
row("RSS per idle stream ((held − idle before any traffic) / held)",
    per_stream("{side}_rss_held_kib", "{side}_rss_idle_kib", held))
row("heap per idle stream", per_stream("{side}_heap_held_kib", "{side}_heap_idle_kib", held))
row("peak memory of its cgroup (incl. page cache)", mib("{side}_cg_max_usage_kib"))
row("times the cgroup hit its limit (memory.failcnt)", lambda p, s: text(p, f"{s}_cg_failcnt"))
row("OOM kills in the cgroup", lambda p, s: text(p, f"{s}_cg_oom_kills"))
row("JVM at the end of the run", lambda p, s: text(p, f"{s}_fate"))
