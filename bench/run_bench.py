#!/usr/bin/env python3
"""Runs the benchmarks of issue 9 and prints the paired table (bench/README.md).

Called by scripts/bench.sh after the build. Each case runs our engine and ns-3 in turn,
interleaved (ours, ns-3, ns-3, ours, ...) so that a slow moment of the machine hits both,
BENCH_RUNS times (default 5). Medians go to stdout as a table and, with every single run,
to build/bench/results.json.

Environment:
  BENCH_RUNS   runs per case (default 5)
  BENCH_ONLY   comma-separated case ids to run (default: all), e.g. "b1,b3"
  BENCH_WARMUP 1 (default): each timed run follows an untimed run of the same program and
               flags (WARMUP below); 0: none (each run follows the other program)
  BENCH_PRR    1 (default): our bulk runs recover with PRR (RFC 6937) like ns-3 3.37;
               0: with RFC 6675 alone, the engine's default (bulk_bench --prr 0)

WARMUP: this machine is a virtual machine whose kernel hands memory that a process frees back
to the hypervisor (free page reporting, /sys/module/page_reporting); touching such memory again costs about 2 ms per MB in
page faults. A run right after the other program gets memory back that way as far as it needs
more than the other just freed: our b1 (48 MB, with its million-event trace) then pays 40-60 ms
that it does not pay after a run of its own, where ns-3 (26 MB) pays nothing. The warm-up runs
keep that cost out of both programs' figures; they are kept in results.json ("warmup_runs") and
their ratio is printed too (bench/README.md).
"""
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "bench")
WASM_MODULE = os.path.join(ROOT, "build", "wasm", "tcpplay.js")

# id, title, flags shared by both programs, paired with ns-3?
CASES = [
    ("b1", "1 flow, 100 Mbit/s, 60 s", ["--rate-mbps", "100", "--seconds", "60"], True),
    ("b2", "1 flow, 1 Gbit/s, 10 s", ["--rate-mbps", "1000", "--seconds", "10"], True),
    ("b2-loss", "1 flow, 1 Gbit/s, 10 s, 1% loss A->B",
     ["--rate-mbps", "1000", "--seconds", "10", "--loss", "0.01"], True),
    ("b2-10flows", "10 flows, 1 Gbit/s, 10 s",
     ["--rate-mbps", "1000", "--seconds", "10", "--flows", "10"], True),
    ("b3", "10,000 keepalive connections through the L4 balancer, 1 h", [], False),
    ("b4", "WASM in Node (benchmarks 1 and 3)", [], False),
]


def run(program, flags, seed):
    """Runs one benchmark process; returns its JSON line plus the process's own wall time."""
    start = time.monotonic()
    cmd = [program] + flags + ["--seed", str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["process_wall_s"] = time.monotonic() - start
    return result


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def our_extra(case_id):
    """Flags for our program only (ns-3 always uses PRR, its default RecoveryType)."""
    if case_id.startswith("b1") or case_id.startswith("b2"):
        return ["--prr", os.environ.get("BENCH_PRR", "1")]
    return []


def summarize(runs):
    keys = ["wall_s", "process_wall_s", "events_per_s", "packets_per_s", "peak_rss_kib",
            "goodput_bps", "jain", "bytes_per_conn", "heap_bytes_per_conn"]
    return {k: median(runs, k) for k in keys if runs and k in runs[0]}


def fmt_row(cells, widths):
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))


def main():
    n = int(os.environ.get("BENCH_RUNS", "5"))
    warmup = os.environ.get("BENCH_WARMUP", "1") != "0"
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    ours_bulk = os.path.join(BUILD, "bulk_bench")
    ours_keepalive = os.path.join(BUILD, "keepalive_bench")
    ns3_bulk = os.path.join(BUILD, "bulk_ns3")
    have_ns3 = os.path.exists(ns3_bulk)
    results = {"runs_per_case": n, "warmup": warmup,
               "trace": "on, default retention (1,000,000 events)",
               "cases": {}}
    notes = []
    if not have_ns3:
        notes.append("ns-3: skipped (libns3-dev is not installed; apt-get install libns3-dev)")

    for case_id, title, flags, paired in CASES:
        if only and case_id not in only:
            continue
        entry = {"title": title, "flags": flags}
        if case_id == "b4":
            # Benchmark 4 (benchmarks 1 and 3 through the module) runs in Node
            # (bench/wasm/run.mjs), called by scripts/bench.sh after this table.
            if os.path.exists(WASM_MODULE):
                entry["skipped"] = "here; bench/wasm/run.mjs measures it below"
            else:
                entry["skipped"] = "build/wasm/tcpplay.js not found"
            print(f"{case_id}: skipped: {entry['skipped']}", flush=True)
            results["cases"][case_id] = entry
            continue
        ours_prog = ours_keepalive if case_id == "b3" else ours_bulk
        ours, ns3 = [], []
        ours_first, ns3_first = [], []  # the warm-up runs, each right after the other program
        for i in range(n):
            # Alternate who goes first, so neither always runs on a warmer machine. Run i uses
            # seed i+1 in both programs: the lossy case then gives a median over loss patterns.
            order = ["ours", "ns3"] if i % 2 == 0 else ["ns3", "ours"]
            for who in order:
                if who == "ours":
                    prog, prog_flags, timed, first = ours_prog, flags + our_extra(case_id), ours, ours_first
                elif paired and have_ns3:
                    prog, prog_flags, timed, first = ns3_bulk, flags, ns3, ns3_first
                else:
                    continue
                if warmup:
                    # Untimed, right after the other program: see WARMUP above.
                    first.append(run(prog, prog_flags, i + 1))
                timed.append(run(prog, prog_flags, i + 1))
            print(f"{case_id}: run {i + 1}/{n} done", file=sys.stderr, flush=True)
        entry["ours"] = {"median": summarize(ours), "runs": ours}
        if case_id == "b3":
            # The connections' own memory: one more run with the trace kept to one event (the
            # timed runs above keep the default retention, whose records grow with them).
            state = run(ours_prog, flags + our_extra(case_id) + ["--trace-max-events", "1"], 1)
            entry["ours"]["state_only"] = state
        if ours_first:
            entry["ours"]["warmup_runs"] = ours_first
        if ns3:
            entry["ns3"] = {"median": summarize(ns3), "runs": ns3}
            if ns3_first:
                entry["ns3"]["warmup_runs"] = ns3_first
                entry["speedup_without_warmup"] = median(ns3_first, "wall_s") / median(ours_first, "wall_s")
            entry["speedup_ns3_over_ours"] = median(ns3, "wall_s") / median(ours, "wall_s")
            entry["goodput_diff_pct"] = 100 * (median(ours, "goodput_bps") /
                                               median(ns3, "goodput_bps") - 1)
        results["cases"][case_id] = entry

    print_table(results)
    for note in notes:
        print(note)
    os.makedirs(BUILD, exist_ok=True)
    with open(os.path.join(BUILD, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(f"JSON: {os.path.relpath(os.path.join(BUILD, 'results.json'), ROOT)}")


def print_table(results):
    print(f"\nMedians of {results['runs_per_case']} runs; wall = setup + run in-process. "
          f"Trace {results['trace']}. "
          + ("Each timed run follows an untimed one of the same program." if results["warmup"]
             else "No warm-up runs."))
    head = ["case", "engine", "wall s", "events/s", "packets/s", "peak MiB", "goodput Mbit/s",
            "Jain", "ns-3/ours"]
    widths = [11, 9, 8, 10, 10, 9, 15, 6, 9]
    print(fmt_row(head, widths))
    print(fmt_row(["-" * w for w in widths], widths))
    for case_id, e in results["cases"].items():
        if "skipped" in e:
            print(fmt_row([case_id, "skipped: " + e["skipped"]], [11, 80]))
            continue
        for who in ("ours", "ns3"):
            if who not in e:
                continue
            m = e[who]["median"]
            ratio = f"{e['speedup_ns3_over_ours']:.1f}x" if who == "ours" and "ns3" in e else ""
            goodput = f"{m['goodput_bps'] / 1e6:.2f}" if "goodput_bps" in m else "-"
            jain = f"{m['jain']:.3f}" if "jain" in m else "-"
            print(fmt_row([case_id, "tcpplay" if who == "ours" else "ns-3.37",
                           f"{m['wall_s']:.3f}", f"{m['events_per_s']:.3g}",
                           f"{m['packets_per_s']:.3g}", f"{m['peak_rss_kib'] / 1024:.1f}",
                           goodput, jain, ratio], widths))
        if "goodput_diff_pct" in e:
            print(f"{'':11}  goodput ours vs ns-3: {e['goodput_diff_pct']:+.2f}%")
        if "speedup_without_warmup" in e:
            ours_first = statistics.median(r["wall_s"] for r in e["ours"]["warmup_runs"])
            ns3_first = statistics.median(r["wall_s"] for r in e["ns3"]["warmup_runs"])
            print(f"{'':11}  warm-up runs (each right after the other program): ours {ours_first:.3f} s, "
                  f"ns-3 {ns3_first:.3f} s, {e['speedup_without_warmup']:.1f}x")
        if "state_only" in e["ours"]:
            m, s = e["ours"]["median"], e["ours"]["state_only"]
            print(f"{'':11}  memory per idle connection (client end + server end + NLB flow): "
                  f"heap {s['heap_bytes_per_conn']:.0f} B (trace kept to 1 event); with the default "
                  f"trace: heap {m['heap_bytes_per_conn']:.0f} B, RSS {m['bytes_per_conn']:.0f} B")


if __name__ == "__main__":
    main()
