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


def test_a_scheduler_without_workers_is_a_one_line_error_not_a_hang(monkeypatch):
    monkeypatch.setattr(batch, "WORKER_WAIT", 0.5)
    with distributed.LocalCluster(n_workers=0, dashboard_address=None, silence_logs=40) as empty:
        with pytest.raises(batch.RunError, match="has no workers after 0.5 s .start some: dask worker tcp://"):
            batch.run_many(batch.BatchJob(UKRAINE, 1), 2, scheduler=empty.scheduler_address)


@pytest.mark.parametrize("answer", [b"", b"\xff" * 64], ids=["silent", "garbage"])  # silent (a web server waiting), or not Dask's protocol
def test_something_that_is_not_a_dask_scheduler_is_a_one_line_error_not_a_hang(monkeypatch, answer):
    import socket
    import threading

    monkeypatch.setattr(batch, "CONNECT_WAIT", 0.5)
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve():
        conn, _ = server.accept()
        held.append(conn)
        if answer:
            conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        with pytest.raises(batch.RunError, match=f"(no Dask scheduler answered|cannot reach the Dask scheduler) at {address}"):
            batch.run_many(batch.BatchJob(UKRAINE, 1), 2, scheduler=address)
    finally:
        for conn in held:
            conn.close()
        server.close()
