"""Several processes on one session: nothing acknowledged is lost or doubled, even on SIGKILL."""

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import attrs

from exercise import commands as cmd
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.session import Session

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent

WORKER = textwrap.dedent("""
    import sys
    from exercise import commands as cmd
    from exercise.session import Session
    path, name, count, withdraw_every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    team = "blue" if int(name[1:]) % 2 else "red"
    kind = "propose" if team == "blue" else "threaten"
    with Session.open(path) as session:
        for n in range(count):
            headline = f"{name}-{n}"
            (submitted, *_) = session.act(cmd.Submit(team, kind, headline), "facilitator")
            print("submitted", submitted.move, headline, flush=True)
            if withdraw_every and n % withdraw_every == 0:
                session.act(cmd.Withdraw(team, submitted.move), "facilitator")
                print("withdrawn", submitted.move, headline, flush=True)
""")


def busy_session(tmp_path: Path) -> Path:
    """A session in its move phase where teams may enter as many moves as they like."""
    scenario = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])
    scenario = attrs.evolve(scenario, info=attrs.evolve(scenario.info, moves_per_turn=100_000))
    path = tmp_path / "busy.session"
    with Session.create(path, scenario) as session:
        session.act(cmd.Advance())
    return path


def start_worker(path: Path, name: str, count: int, withdraw_every: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(path), name, str(count), str(withdraw_every)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)


def test_eight_processes_submitting_and_withdrawing_lose_and_double_nothing(tmp_path):
    path = busy_session(tmp_path)
    workers = [start_worker(path, f"w{i}", 40, 3) for i in range(8)]
    acknowledged = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        acknowledged += [line.split() for line in out.splitlines()]
    submitted = {headline: move for verb, move, headline in acknowledged if verb == "submitted"}
    withdrawn = {headline for verb, _, headline in acknowledged if verb == "withdrawn"}
    assert len(submitted) == 8 * 40 and len(withdrawn) == 8 * 14

    with Session.open(path) as session:
        events = session.events()
        submits = [e for e in events if isinstance(e, ev.MoveSubmitted)]
        # every acknowledged submission is in the journal exactly once, under the id it was given
        assert Counter(e.headline for e in submits) == Counter(submitted.keys())
        assert {e.headline: e.move for e in submits} == submitted
        # ids are unique: no two processes decided on the same (stale) state
        assert len({e.move for e in submits}) == len(submits)
        withdrawals = [e.move for e in events if isinstance(e, ev.MoveWithdrawn)]
        assert sorted(withdrawals) == sorted(submitted[h] for h in withdrawn)
        live = {m.headline for m in session.state.moves.values() if m.status == "submitted"}
        assert live == set(submitted) - withdrawn


def test_sigkill_mid_burst_keeps_every_acknowledged_submission(tmp_path):
    path = busy_session(tmp_path)
    worker = start_worker(path, "w1", 100_000, 0)
    acknowledged = []
    for line in worker.stdout:
        acknowledged.append(line.split()[2])
        if len(acknowledged) >= 60:
            break
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    acknowledged += [line.split()[2] for line in worker.stdout.read().splitlines() if line.count(" ") == 2]

    with Session.open(path) as session:
        headlines = [m.headline for m in session.state.moves.values()]
        assert set(acknowledged) <= set(headlines)
        assert len(headlines) == len(set(headlines))
        # the session still works after the crash
        session.act(cmd.Submit("red", "threaten", "after the crash"), "red")
