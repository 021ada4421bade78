#!/usr/bin/env python3
"""Measures a running 3-node tcpffee cluster on 127.0.0.1-3 (see ./run).

first-connection: for N new client addresses, the time from connect to the backend's first byte for the first
connection (which waits for the stick table leader to commit the key) and for a second one (routed from the local
replica); the gain is the difference, per client.
failover: SIGKILL of the stick table leader, then the time until a survivor shows a new leader and until a new
client is served through a survivor.
started T0: the time from T0 (seconds since the epoch, when the three processes were launched) until every node
answers and all three name the same leader for both Raft groups.
"""
import json, os, signal, socket, sys, time, urllib.request

PROXY_PORT, STATS_PORT = int(os.environ["PROXY_PORT"]), int(os.environ["STATS_PORT"])


def first_byte_ms(node, source):
    s = socket.socket()
    s.settimeout(5)
    s.bind((source, 0))
    started = time.perf_counter()
    try:
        s.connect((node, PROXY_PORT))
        return (time.perf_counter() - started) * 1000 if s.recv(16) else None
    except OSError:
        return None
    finally:
        s.close()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def first_connection(node, subnet, count):
    new, returning = [], []
    for i in range(count):
        source = f"127.{subnet}.{i // 250}.{i % 250 + 1}"
        new.append(first_byte_ms(node, source))
        returning.append(first_byte_ms(node, source))
        time.sleep(0.01)
    gain = [a - b for a, b in zip(new, returning)]
    print(f"| {node} | {count} | {pct(new, 50):.2f} / {pct(new, 99):.2f} | {pct(returning, 50):.2f} / {pct(returning, 99):.2f}"
          f" | {pct(gain, 50):.2f} / {pct(gain, 99):.2f} |")


def cluster(node):
    with urllib.request.urlopen(f"http://{node}:{STATS_PORT}/api/v1/cluster", timeout=2) as r:
        return {g["name"]: g["leader"] for g in json.load(r)["raftGroups"]}


def failover(directory, subnet):
    leader = cluster("127.0.0.1")["stick_table"].split(":")[0]
    index = int(leader.split(".")[-1])
    survivor = "127.0.0.1" if index != 1 else "127.0.0.2"
    os.kill(int(open(f"{directory}/n{index}/pid").read()), signal.SIGKILL)
    killed = time.perf_counter()
    seen = served = None
    attempt = 0
    while (seen is None or served is None) and time.perf_counter() - killed < 10:
        if seen is None:
            now = cluster(survivor)["stick_table"]
            if now and not now.startswith(leader + ":"):
                seen = (time.perf_counter() - killed) * 1000
        if served is None:
            attempt += 1
            if first_byte_ms(survivor, f"127.{subnet}.0.{attempt}") is not None:
                served = (time.perf_counter() - killed) * 1000
    print(f"| {leader} | {seen:.0f} | {served:.0f} |" if seen and served else f"| {leader} | not within 10 s | |", flush=True)


def started(t0, how):
    nodes = [f"127.0.0.{n}" for n in (1, 2, 3)]
    while time.time() - t0 < 30:
        try:
            views = [cluster(node) for node in nodes]
            if all(all(v.values()) for v in views) and all(v == views[0] for v in views):
                print(f"| {how} | {(time.time() - t0) * 1000:.0f} |", flush=True)
                return
        except OSError:
            pass
        time.sleep(0.02)
    print(f"| {how} | not within 30 s |", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "first-connection":
        first_connection(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "started":
        started(float(sys.argv[2]), sys.argv[3])
    else:
        failover(sys.argv[2], int(sys.argv[3]))
