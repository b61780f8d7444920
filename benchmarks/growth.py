"""How the cost of a command grows with the length of the game.

    python benchmarks/growth.py [--small N] [--large N] [--runs K]

Builds two sessions from the same long game (benchmarks/replay.py's, on the minimal test
scenario), one of --small events (default 1,000) and one of --large (default 50,000), each
left with moves open, and times in both, best of --runs:

  open      Session.open: what every command and console start pays
  status    Session.open + the facilitator's view of now (what `exercise status` computes)
  status --all  the same with the whole record (every move of every turn: grows with the game)
  submit    Session.open + a team's move, committed (what `exercise submit` does)
  act       one more command on a session already open (a console's cost per action)
  cli       the `exercise status` and `exercise submit` commands themselves, process start
            included (what a facilitator waits for)

and prints each large/small ratio. The goal (issue 10): submit and status at 50,000 events
within 2x of at 1,000. The first open after a session grows writes its snapshot (see
exercise/snapshot.py); that one-off cost is printed too ("first open").

What still grows with the game when a session opens is SQLite's: the quick_check of the whole
file (kept: a damaged file is refused at open, not halfway through a game) and reading the
snapshot, whose packed items are bytes that nothing unpacks unless a command reads them.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from replay import synthetic_events  # noqa: E402

from exercise import commands as cmd  # noqa: E402
from exercise import engine  # noqa: E402
from exercise.events import Phase  # noqa: E402
from exercise.session import Session, make_rules  # noqa: E402
from exercise.state import replay  # noqa: E402


def with_moves_open(scenario, events):
    """``events``, then what it takes to open moves (so that a team may submit)."""
    state = replay(scenario, events)
    rules = make_rules(scenario, 1)
    events = list(events)
    while state.phase is not Phase.MOVES:
        new = engine.decide(rules, state, cmd.Advance(force=True))
        for event in new:
            state.apply(event)
        events += new
    return events


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        gc.collect()
    return min(times)


def measure(path: Path, runs: int) -> dict[str, float]:
    team = "blue"
    counter = iter(range(10**9))

    def open_only():
        Session.open(path).close()

    def status():
        with Session.open(path) as s:
            s.view(scope="now")

    def status_all():
        with Session.open(path) as s:
            s.view(scope="all")

    def submit():
        with Session.open(path) as s:
            kind = s.scenario.team_kinds(team)[0]
            (move,) = s.act(cmd.Submit(team, kind, f"benchmark move {next(counter)}"), team)
            s.act(cmd.Withdraw(team, move.move), team)  # keep room under moves_per_turn

    start = time.perf_counter()
    open_only()
    first = time.perf_counter() - start
    with Session.open(path) as s:
        kind = s.scenario.team_kinds(team)[0]

        def act():
            (move,) = s.act(cmd.Submit(team, kind, f"benchmark act {next(counter)}"), team)
            s.act(cmd.Withdraw(team, move.move), team)

        t_act = best_of(runs, act)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    exe = [sys.executable, "-m", "exercise"]

    def cli_status():
        subprocess.run([*exe, "status", str(path)], check=True, capture_output=True, env=env)

    def cli_submit():
        r = subprocess.run([*exe, "submit", str(path), "--team", team, "--kind", kind, "--headline", "cli move",
                            "--json"], check=True, capture_output=True, env=env, text=True)
        move = r.stdout.split('"move": "')[1].split('"')[0]
        subprocess.run([*exe, "withdraw", str(path), move, "--team", team], check=True, capture_output=True, env=env)

    return {
        "first open": first, "open": best_of(runs, open_only), "status": best_of(runs, status),
        "status --all": best_of(runs, status_all),
        "submit": best_of(runs, submit), "act": t_act,
        "cli status": best_of(runs, cli_status), "cli submit": best_of(runs, cli_submit) / 2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scenario, events = synthetic_events(args.large)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.small, args.large):
            path = Path(tmp) / f"growth-{n}.session"
            Session.create(path, scenario, 1, events=with_moves_open(scenario, events[:n])).close()
            results[n] = measure(path, args.runs)
    small, large = results[args.small], results[args.large]
    print(f"{'':12} {args.small:>10,} ev {args.large:>10,} ev   ratio")
    for name in small:
        print(f"{name:12} {small[name] * 1000:10.1f} ms {large[name] * 1000:10.1f} ms {large[name] / small[name]:7.2f}x")
    print("cli submit is one command (submit, then withdraw to keep room, halved)")


if __name__ == "__main__":
    main()
