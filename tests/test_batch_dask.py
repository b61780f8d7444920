"""Runs on a real Dask cluster (a LocalCluster of two worker processes) give what the local pool gives."""

import json

import pytest

from exercise import batch, bundled
from exercise.cli import main
from exercise.loading import load_scenario

distributed = pytest.importorskip("distributed")

UKRAINE = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        yield cluster.scheduler_address


def test_a_dask_cluster_gives_the_local_pools_results_in_index_order(scheduler):
    job = batch.BatchJob(UKRAINE, 21)
    seen = []
    on_dask = batch.run_many(job, 3, scheduler=scheduler, progress=lambda done, total: seen.append((done, total)))
    assert on_dask == batch.run_many(job, 3, workers=2) == [job(i) for i in range(3)]
    assert [r.index for r in on_dask] == [0, 1, 2] and seen == [(1, 3), (2, 3), (3, 3)]


def test_batch_on_the_cluster_prints_what_it_prints_locally(scheduler, capsys):
    args = ["batch", "ukraine-ceasefire-2025", "--runs", "3", "--seed", "5", "--json"]
    assert main([*args, "--scheduler", scheduler]) == 0
    remote = capsys.readouterr().out
    assert main([*args, "--workers", "2"]) == 0
    assert capsys.readouterr().out == remote and json.loads(remote)["runs"] == 3
