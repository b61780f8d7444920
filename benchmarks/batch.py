"""What bot-against-bot batches gain from more workers, as ratios to one worker run beside them.

    python benchmarks/batch.py [--runs N] [--workers 1,2,4] [--scheduler tcp://HOST:PORT] [--dask-local]

Plays the flagship scenario N times (default 40) with ``exercise.batch.run_many``: first in
this process (the baseline, one worker), then on a local process pool of each worker count,
and on a Dask cluster if one is named (``--dask-local`` starts a LocalCluster of the largest
worker count). For each it prints games per second per worker and the parallel efficiency,
both as ratios to the baseline: efficiency 1.0 means W workers are W times as fast as one
(the games per second themselves, in brackets, depend on the machine).
Every set of results is checked to be the baseline's, run for run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise import batch, bundled  # noqa: E402
from exercise.loading import load_scenario  # noqa: E402


def timed(job, runs: int, **where) -> tuple[float, list]:
    start = time.perf_counter()
    results = batch.run_many(job, runs, **where)
    return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", default=",".join(str(w) for w in sorted({2, os.cpu_count() or 1})),
                        help="comma-separated worker counts for the local pool")
    parser.add_argument("--scheduler", help="a Dask scheduler to compare as well")
    parser.add_argument("--dask-local", action="store_true", help="start a Dask LocalCluster to compare")
    args = parser.parse_args()
    scenario = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))
    job = batch.BatchJob(scenario, 2025)
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    print(f"{args.runs} games of {scenario.info.id}, {os.cpu_count()} core(s) on this machine")
    base, expected = timed(job, args.runs, workers=1)
    base_rate = args.runs / base
    print(f"{'1 worker (baseline)':<28} per-worker rate 1.00  efficiency 1.00  ({base_rate:.1f} games/s per worker)")

    def show(label: str, workers: int, seconds: float, results: list) -> None:
        assert results == expected, f"{label}: results differ from the baseline"
        speedup = base / seconds
        per_worker = (args.runs / seconds / workers) / base_rate
        print(f"{label:<28} per-worker rate {per_worker:.2f}  efficiency {speedup / workers:.2f}  "
              f"(speed-up {speedup:.2f}; {args.runs / seconds / workers:.1f} games/s per worker)")

    for workers in counts:
        if workers > 1:
            seconds, results = timed(job, args.runs, workers=workers)
            show(f"{workers} local processes", workers, seconds, results)
    scheduler, cluster = args.scheduler, None
    if args.dask_local and not scheduler:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=max(counts), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        scheduler = cluster.scheduler_address
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            workers = len(client.scheduler_info()["workers"]) or 1
        seconds, results = timed(job, args.runs, scheduler=scheduler)
        show(f"Dask, {workers} worker(s)", workers, seconds, results)
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
