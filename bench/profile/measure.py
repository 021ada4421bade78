"""Runs tcpffee before nginx, loads it with wrk, and reads the runtime's counters from /metrics around each load."""
import argparse, os, re, socket, statistics, subprocess, sys, time, urllib.request

BACKEND, PROXY, STATS = 26080, 26140, 26149
COUNTERS = {
    "alloc": ("dotnet_gc_heap_total_allocated_bytes_total", None),
    "items": ("dotnet_thread_pool_work_item_count_total", None),
    "locks": ("dotnet_monitor_lock_contentions_total", None),
    "exceptions": ("dotnet_exceptions_total", None),
    "gen0": ("dotnet_gc_collections_total", 'gc_heap_generation="gen0"'),
    "gen1": ("dotnet_gc_collections_total", 'gc_heap_generation="gen1"'),
    "gen2": ("dotnet_gc_collections_total", 'gc_heap_generation="gen2"'),
    "pause": ("dotnet_gc_pause_time_seconds_total", None),
    "user": ("dotnet_process_cpu_time_seconds_total", 'cpu_mode="user"'),
    "system": ("dotnet_process_cpu_time_seconds_total", 'cpu_mode="system"'),
}


def scrape():
    with urllib.request.urlopen(f"http://127.0.0.1:{STATS}/metrics", timeout=5) as r:
        text = r.read().decode()
    if "dotnet_gc_heap_total_allocated_bytes_total" not in text:
        sys.exit("/metrics has no dotnet_* counters: this build does not export the runtime's meter")
    values = {}
    for key, (name, label) in COUNTERS.items():
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name + "{") and (label is None or label in line):
                total += float(line.rsplit(" ", 1)[1])
        values[key] = total
    return values


def wrk(secs, close):
    cmd = ["wrk", "-t2", "-c64", f"-d{secs}s", f"http://127.0.0.1:{PROXY}/"]
    if close:
        cmd[1:1] = ["-H", "Connection: close"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return int(re.search(r"(\d+) requests in", out).group(1))


def wait_port(port):
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            return
        except Exception:
            time.sleep(0.05)
    sys.exit(f"nothing answers on {port}")


def port_free(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a connection in TIME_WAIT does not hold the port
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secs", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", required=True)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    d = a.dir
    busy = [p for p in (BACKEND, PROXY, STATS) if not port_free(p)]
    if busy:
        sys.exit(f"port(s) {busy} already in use: another proxy or backend would be measured instead")
    with open(f"{d}/nginx.conf", "w") as f:
        f.write(f"""daemon off; worker_processes auto; pid {d}/nginx.pid; error_log {d}/nginx.err;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 1000000;
  client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};
  server {{ listen 127.0.0.1:{BACKEND} reuseport; location / {{ return 200 "ok"; }} }} }}
""")
    nginx = subprocess.Popen(["nginx", "-c", f"{d}/nginx.conf", "-p", d], stderr=subprocess.DEVNULL)
    with open(f"{d}/tcpffee.toml", "w") as f:
        f.write(f'bind_addr = "127.0.0.1"\nstats_bind_socket = "127.0.0.1:{STATS}"\nports = [ {PROXY} ]\nexpiration = 10\n'
                f'[groups.0]\nportmap = {{ {PROXY} = "127.0.0.1:{BACKEND}" }}\n')
    env = dict(os.environ, TCPFFEE_CONFIG_PATH=f"{d}/tcpffee.toml", TCPFFEE_PID_PATH=f"{d}/tcpffee.pid",
               TCPFFEE_HEALTHCHECK_SAVE_PATH=f"{d}/hc", TCPFFEE_STICK_TABLE_SAVE_PATH=f"{d}/st")
    rows = {"keep-alive": [], "churn": []}
    try:
        for run in range(a.runs):
            proxy = subprocess.Popen(a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_port(BACKEND)
                wait_port(PROXY)
                wrk(2, False)
                wrk(2, True)
                for name, close in (("keep-alive", False), ("churn", True)):
                    before = scrape()
                    started = time.perf_counter()
                    n = wrk(a.secs, close)
                    elapsed = time.perf_counter() - started
                    after = scrape()
                    delta = {k: after[k] - before[k] for k in COUNTERS}
                    rows[name].append({
                        "n": n, "rate": n / elapsed,
                        "cpu_us": (delta["user"] + delta["system"]) * 1e6 / n,
                        "alloc": delta["alloc"] / n, "items": delta["items"] / n, "locks": delta["locks"] / n,
                        "exceptions": delta["exceptions"] / n,
                        "gc0": delta["gen0"] / elapsed, "gc1": delta["gen1"] / elapsed, "gc2": delta["gen2"] / elapsed,
                        "pause": delta["pause"] * 1000 / elapsed,
                    })
                    r = rows[name][-1]
                    print(f"run {run + 1} {name}: {r['rate']:.0f}/s, {r['cpu_us']:.1f} us CPU, {r['alloc']:.0f} B, "
                          f"{r['items']:.2f} work items, gen0 {r['gc0']:.1f}/s", file=sys.stderr)
            finally:
                proxy.terminate()
                proxy.wait()
    finally:
        nginx.terminate()
        nginx.wait()
    med = lambda xs: statistics.median(xs)
    print(f"| load | unit | per s | CPU µs | allocated B | work items | lock contentions | exceptions | gen0/s | gen1/s | gen2/s | GC pause ms/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, unit in (("keep-alive", "request"), ("churn", "connection")):
        rs = rows[name]
        print(f"| {name} | {unit} | {med([r['rate'] for r in rs]):.0f} | {med([r['cpu_us'] for r in rs]):.1f} | "
              f"{med([r['alloc'] for r in rs]):.0f} | {med([r['items'] for r in rs]):.2f} | {med([r['locks'] for r in rs]):.4f} | "
              f"{med([r['exceptions'] for r in rs]):.3f} | "
              f"{med([r['gc0'] for r in rs]):.1f} | {med([r['gc1'] for r in rs]):.2f} | {med([r['gc2'] for r in rs]):.2f} | "
              f"{med([r['pause'] for r in rs]):.2f} |")
    print(f"(medians of {a.runs} runs of {a.secs} s, wrk -t2 -c64 against nginx; churn: one connection per request)")


main()
