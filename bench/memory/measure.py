"""Idle memory per connection and peak RSS of tcpffee; driven by bench/memory/run."""
import argparse
import asyncio
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

LOOP = "127.0.0.1"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def free_port():
    with socket.socket() as s:
        s.bind((LOOP, 0))
        return s.getsockname()[1]


def backend(port, ready):
    """A keep-alive HTTP backend answering every request with 200 "ok" (the shared bench uses nginx)."""
    async def serve(reader, writer):
        try:
            while True:
                data = await reader.readuntil(b"\r\n\r\n")
                if not data:
                    break
                writer.write(RESPONSE)
                if b"connection: close" in data.lower():
                    await writer.drain()
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(serve, LOOP, port, backlog=4096, reuse_address=True)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_secs(pid):
    """User + system CPU of the process so far (fields 14 and 15 of /proc/PID/stat, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample_rss(pid):
    vals = []
    for _ in range(3):
        vals.append(status(pid, "VmRSS"))
        time.sleep(0.2)
    return statistics.median(vals)


def request_on(s):
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
        data = b""
        while not data.endswith(b"ok"):
            chunk = s.recv(4096)
            if not chunk:
                return False
            data += chunk
        return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def open_idle(port):
    try:
        s = socket.create_connection((LOOP, port), timeout=5)
        if request_on(s):
            return s
        s.close()
    except OSError:
        pass
    return None


def wait_ready(port, proc, deadline=60):
    """Seconds from the launch until a request through the proxy is answered."""
    start = time.monotonic()
    while time.monotonic() < start + deadline:
        if proc.poll() is not None:
            raise SystemExit(f"tcpffee exited with {proc.returncode}")
        s = open_idle(port)
        if s:
            s.close()
            return time.monotonic() - start
        time.sleep(0.02)
    raise SystemExit("tcpffee did not answer through the proxy within 60 s")


def wrk(port, extra, secs, pid):
    """Requests per second, and the proxy's CPU per request in microseconds (per connection under churn)."""
    if not shutil.which("wrk") or secs <= 0:
        return None, None
    cpu0 = cpu_secs(pid)
    out = subprocess.run(["wrk", "-t2", "-c64", f"-d{secs}s", *extra, f"http://{LOOP}:{port}/"],
                         capture_output=True, text=True, timeout=secs + 30).stdout
    cpu = cpu_secs(pid) - cpu0
    total = None
    for line in out.splitlines():
        if "requests in" in line:
            total = int(line.split()[0])
        if line.startswith("Requests/sec:"):
            rate = float(line.split()[1])
            return rate, (cpu * 1e6 / total if total else None)
    return None, None


def one_run(a, cmd, backend_port):
    port, stats = free_port(), free_port()
    cfg = os.path.join(a.dir, "tcpffee.toml")
    with open(cfg, "w") as f:
        f.write(f'bind_addr = "{LOOP}"\nstats_bind_socket = "{LOOP}:{stats}"\nports = [ {port} ]\nexpiration = 10\n\n'
                f'[groups.0]\nportmap = {{ {port} = "{LOOP}:{backend_port}" }}\n')
    env = dict(os.environ, TCPFFEE_CONFIG_PATH=cfg, TCPFFEE_PID_PATH=os.path.join(a.dir, "pid"),
               TCPFFEE_HEALTHCHECK_SAVE_PATH=os.path.join(a.dir, "hc"))
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    log = open(os.path.join(a.dir, "log"), "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    socks = []
    try:
        startup = wait_ready(port, proc)
        for _ in range(3):
            tmp = [open_idle(port) for _ in range(100)]
            for s in tmp:
                if s:
                    s.close()
        time.sleep(1.0)
        base = sample_rss(proc.pid)
        for _ in range(a.idle):
            s = open_idle(port)
            if s:
                socks.append(s)
        time.sleep(1.5)
        held = sample_rss(proc.pid)
        ok = len(socks)
        for s in socks:
            s.close()
        socks = []
        time.sleep(1.0)
        after = sample_rss(proc.pid)
        hwm_idle = status(proc.pid, "VmHWM")
        ka, ka_cpu = wrk(port, [], a.secs, proc.pid)
        churn, churn_cpu = wrk(port, ["-H", "Connection: close"], a.secs, proc.pid)
        if proc.poll() is not None:
            with open(os.path.join(a.dir, "log")) as f:
                tail = "".join(f.readlines()[-15:])
            raise SystemExit(f"tcpffee exited with {proc.returncode} during the load; the end of its log:\n{tail}")
        return {"ok": ok, "base": base, "held": held, "after": after, "kib_per_conn": (held - base) / max(ok, 1),
                "hwm_idle": hwm_idle, "hwm_load": status(proc.pid, "VmHWM"), "rss_load": status(proc.pid, "VmRSS"),
                "ka": ka, "churn": churn, "ka_cpu": ka_cpu, "churn_cpu": churn_cpu, "startup": startup}
    finally:
        for s in socks:
            s.close()
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=int, default=2000)
    ap.add_argument("--secs", type=int, default=5)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("cmd", nargs="+")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < a.idle * 3 + 500:
        raise SystemExit(f"the file descriptor limit ({hard}) is too low for {a.idle} idle connections")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    backend_port = free_port()
    ready = threading.Event()
    threading.Thread(target=backend, args=(backend_port, ready), daemon=True).start()
    ready.wait(10)
    print(f"# {' '.join(a.env) or 'defaults'}; {a.idle} idle connections; wrk -t2 -c64 -d{a.secs}s "
          + ("" if shutil.which("wrk") else "(wrk not installed: no load)"))
    print("| run | start s | held | RSS before MiB | held MiB | after close MiB | idle KiB/conn | VmHWM idle MiB | "
          "VmHWM after load MiB | RSS after load MiB | ka req/s | CPU µs/req | churn req/s | CPU µs/conn |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for i in range(a.runs):
        r = one_run(a, a.cmd, backend_port)
        rows.append(r)
        print(f"| {i + 1} | {r['startup']:.2f} | {r['ok']} | {r['base'] / 1024:.1f} | {r['held'] / 1024:.1f} | {r['after'] / 1024:.1f} | "
              f"{r['kib_per_conn']:.2f} | {r['hwm_idle'] / 1024:.1f} | {r['hwm_load'] / 1024:.1f} | {r['rss_load'] / 1024:.1f} | "
              f"{r['ka'] or 0:.0f} | {r['ka_cpu'] or 0:.1f} | {r['churn'] or 0:.0f} | {r['churn_cpu'] or 0:.1f} |", flush=True)

    def med(k, scale=1.0):
        vals = [r[k] / scale for r in rows if r[k] is not None]
        return f"{statistics.median(vals):.2f} ({min(vals):.2f}–{max(vals):.2f})" if vals else "-"

    print(f"median (min–max): idle KiB/conn {med('kib_per_conn')}; RSS before MiB {med('base', 1024)}; "
          f"VmHWM after load MiB {med('hwm_load', 1024)}; CPU µs/req {med('ka_cpu')}; CPU µs/conn {med('churn_cpu')}; "
          f"start s {med('startup')}")


if __name__ == "__main__":
    main()
