#!/usr/bin/env python3
"""How long `tcpplay validate` takes on a scenario with many hosts (issue 23: 200,000 hosts in
under 5 s). Writes a scenario of N hosts in pairs, each pair joined by a link, with a TCP
connection on the first pair, and times the CLI on it (the best of --runs runs).

    python3 bench/load_large.py [--tcpplay build/native/tcpplay] [--hosts 20000,200000] [--runs 3]

Prints one line per size: hosts, links, file size, then the CPU time (user + system, what the
program itself costs), the wall-clock time (which on a shared machine includes waiting for a
core) and the peak memory.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time


def scenario(n):
    hosts = [{"name": f"h{i}", "addr": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"}
             for i in range(n)]
    links = [{"name": f"l{i}", "a": f"h{i}", "b": f"h{i + 1}", "delay": "1ms"}
             for i in range(0, n - 1, 2)]
    return {
        "title": f"{n} hosts",
        "duration": "1s",
        "hosts": hosts,
        "links": links,
        "timeline": [
            {"at": "0s", "do": "listen", "host": "h1", "port": 80, "name": "srv"},
            {"at": "0s", "do": "connect", "host": "h0", "to": "h1", "port": 80, "name": "c"},
        ],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tcpplay", default="build/native/tcpplay")
    ap.add_argument("--hosts", default="20000,200000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--command", default="validate", choices=["validate", "run"])
    a = ap.parse_args()
    for n in [int(x) for x in a.hosts.split(",")]:
        fd, path = tempfile.mkstemp(prefix=f"tcpplay_large_{os.getpid()}_", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(scenario(n), f)
        best = None  # (cpu, wall, peak MB) of the run with the least CPU time
        try:
            for _ in range(a.runs):
                args = [a.tcpplay, a.command, path]
                if a.command == "run":
                    args += ["--format", "summary"]
                t = time.monotonic()
                p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                _, status, usage = os.wait4(p.pid, 0)
                wall = time.monotonic() - t
                err = p.stderr.read().decode(errors="replace")
                p.stderr.close()
                if os.waitstatus_to_exitcode(status) != 0:
                    raise SystemExit(f"{n} hosts: exit {status}: {err[:500]}")
                cpu = usage.ru_utime + usage.ru_stime
                run = (cpu, wall, usage.ru_maxrss / 1024)
                best = run if best is None or run[0] < best[0] else best
            print(f"{n} hosts, {n // 2} links, {os.path.getsize(path) / 1e6:.1f} MB: "
                  f"{a.command} {best[0]:.2f} s CPU, {best[1]:.2f} s wall, {best[2]:.0f} MB peak "
                  f"(best of {a.runs})")
        finally:
            os.remove(path)


if __name__ == "__main__":
    main()
