"""Turns bench/tunnel.sh's raw results into the markdown tables of docs/benchmarks.md.

usage: report.py MACHINE_TSV RESULTS_TSV
"""
import sys

machine = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[1]) if "\t" in line)
results = {}
for line in open(sys.argv[2]):
    path, metric, value = line.rstrip("\n").split("\t", 2)
    results.setdefault(path, {})[metric] = value

PATHS = ["direct", "relay", "fwd+relay", "fwd+kt-ws", "fwd+kt-wss"]
BEFORE = [p for p in ("fwd+before-ws", "fwd+before-wss") if p in results]  # BASELINE_JAR's pairs, if measured
PATHS += BEFORE


def num(path, metric):
    try:
        return float(results.get(path, {})[metric])
    except (KeyError, ValueError):
        return None


def cell(path, metric, higher_is_better=True):
    value = results.get(path, {}).get(metric, "-")
    base = num("direct", metric)
    mine = num(path, metric)
    if path != "direct" and base and mine is not None:
        return f"{value} ({mine / base:.2f}x)"
    return value


print(f"Run {machine.get('date')}: {machine.get('nproc')} CPUs ({machine.get('cpu')}), kernel {machine.get('kernel')}, "
      f"{machine.get('java')}; {machine.get('tools')}.")
print(f"Load average (1/5/15 min) before: {machine.get('load_before')}, after: {machine.get('load_after')}.")
if "baseline_jar" in machine:
    print(f"Columns fwd+before-*: the same measurements with BASELINE_JAR={machine['baseline_jar']} (key figures only).")
print()
print("| measurement | " + " | ".join(PATHS) + " |")
print("|---|" + "---|" * len(PATHS))
ROWS = [
    ("one stream, iperf3, Gbit/s", "stream_gbps"),
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
    ("new conns/s, wrk `Connection: close`, 16 conns", "close_c16_rps"),
    ("CPU-s per GB (server+agent, iperf3 run, all threads)", "cpu_s_per_gb"),
    ("CPU-s per GB without the JIT compiler threads", "cpu_s_per_gb_without_jit"),
    ("CPU-µs per request (server+agent, 1 KiB, 16 conns)", "cpu_us_per_req_c16"),
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
NATIVE = ["direct", "relay", "kt-ws", "kt-wss"] + [p for p in ("before-ws", "before-wss") if p in results]
print("| " + " | ".join(NATIVE) + " |")
print("|" + "---|" * len(NATIVE))
base = num("direct", "native_conn_per_s")
cells = []
for p in NATIVE:
    v, n = results.get(p, {}).get("native_conn_per_s", "-"), num(p, "native_conn_per_s")
    cells.append(f"{v} ({n / base:.2f}x)" if p != "direct" and base and n is not None else v)
print("| " + " | ".join(cells) + " |")
print("| " + " | ".join(results.get(p, {}).get("cpu_us_per_stream", "-") + (" CPU-µs/stream" if p in results and "cpu_us_per_stream" in results[p] else "")
                       for p in NATIVE) + " |")

print()
print("Memory of the kubetunnel JVMs (RSS from ps; heap used from `jcmd GC.heap_info`, after `GC.run` where marked):")
print()
print("| | ws server | ws agent | wss server | wss agent |")
print("|---|---|---|---|---|")


def mem(label, metric_fmt, source_fmt):
    cells = []
    for kind in ("ws", "wss"):
        for side in ("server", "agent"):
            v = num(source_fmt.format(kind=kind), metric_fmt.format(side=side))
            cells.append(f"{v / 1024:.1f} MiB" if v is not None else "-")
    print(f"| {label} | " + " | ".join(cells) + " |")


def per_stream(label, metric_fmt, base_fmt, source_fmt, base_source_fmt, streams):
    cells = []
    for kind in ("ws", "wss"):
        count = streams(kind)
        for side in ("server", "agent"):
            v = num(source_fmt.format(kind=kind), metric_fmt.format(side=side))
            b = num(base_source_fmt.format(kind=kind), base_fmt.format(side=side))
            cells.append(f"{(v - b) / count:.1f} KiB" if None not in (v, b) and count else "-")
    print(f"| {label} | " + " | ".join(cells) + " |")


mem("RSS idle", "{side}_rss_idle_kib", "kt-{kind}")
mem("heap idle (after GC)", "{side}_heap_idle_kib", "kt-{kind}")
mem("RSS at 256 active streams (wrk 1 KiB)", "{side}_rss_256_kib", "fwd+kt-{kind}")
mem("heap at 256 active streams (no GC)", "{side}_heap_256_kib", "fwd+kt-{kind}")
held = {k: num(f"kt-{k}", "held_streams") for k in ("ws", "wss")}
print(f"| idle streams held | {int(held['ws'] or 0)} | | {int(held['wss'] or 0)} | |")
mem("RSS at the idle streams held", "{side}_rss_held_kib", "kt-{kind}")
mem("heap at the idle streams held (after GC)", "{side}_heap_held_kib", "kt-{kind}")
per_stream("RSS per active stream ((256 - idle) / 256)", "{side}_rss_256_kib", "{side}_rss_idle_kib",
           "fwd+kt-{kind}", "kt-{kind}", lambda k: 256)
per_stream("RSS per idle stream", "{side}_rss_held_kib", "{side}_rss_idle_kib", "kt-{kind}", "kt-{kind}",
           lambda k: held[k])
per_stream("heap per idle stream", "{side}_heap_held_kib", "{side}_heap_idle_kib", "kt-{kind}", "kt-{kind}",
           lambda k: held[k])
