"""What replaying a session journal into game state costs, as a ratio to raw sqlite3.

    python benchmarks/replay.py [--events N]

Builds a session of N events (default 100,000) from real engine decisions on the minimal
test scenario (submissions, revisions, withdrawals, ready marks, rulings, turns, proposals
answered and commitments closed the turn after), writes it
to a session file, then measures, best of three:
  raw      sqlite3 SELECT of every row + json.loads (the floor: the database and the JSON)
  journal  Journal.read(0) (the same, as Records)
  replay   Session.open: read, decode each event into its class, fold into the state
and prints each as a ratio to raw.
"""

from __future__ import annotations

import argparse
import gc
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import attrs  # noqa: E402

from exercise import commands as cmd  # noqa: E402
from exercise import engine  # noqa: E402
from exercise.events import Answer, CommitmentStatus, Outcome, Phase, ProposalStatus  # noqa: E402
from exercise.loading import load_library, load_scenario  # noqa: E402
from exercise.session import Session, make_rules  # noqa: E402
from exercise.state import GameState  # noqa: E402


def synthetic_events(n: int):
    """At least ``n`` events from a long game played by the engine, without the journal."""
    data = ROOT / "tests" / "data"
    scenario = load_scenario(data / "scenarios" / "minimal.toml", load_library([data / "injects"])[0])
    scenario = attrs.evolve(scenario, info=attrs.evolve(scenario.info, turns=100_000, moves_per_turn=40))
    rules = make_rules(scenario, 1)
    state, events = GameState.initial(scenario), []

    def act(command, actor=cmd.FACILITATOR):
        new = engine.decide(rules, state, command, actor)
        for event in new:
            state.apply(event)
        events.extend(new)

    for event in engine.begin(rules, state):
        state.apply(event)
        events.append(event)
    while len(events) < n:
        if state.phase is Phase.BRIEFING:
            act(cmd.Advance())
        # Last turn's business is settled, as in a played game: proposals answered, commitments closed.
        for proposal in state.current_proposals():
            for party in proposal.parties:
                if proposal.status is ProposalStatus.OPEN and party != proposal.by:
                    act(cmd.Respond(party, proposal.id, Answer.REJECT), party)
        for commitment in state.current_commitments():
            if commitment.status is CommitmentStatus.OPEN:
                act(cmd.Resolve(commitment.id, engine.COMMITMENT_STATUSES[commitment.kind][0].value))
        for i in range(20):
            team = ("blue", "red")[i % 2]
            kind = scenario.team_kinds(team)[0]
            (submitted,) = [e for e in engine.decide(rules, state, cmd.Submit(team, kind, f"move {i}"), team)]
            state.apply(submitted)
            events.append(submitted)
            if i % 5 == 0:
                act(cmd.Revise(team, submitted.move, f"move {i}, revised", detail="more detail"), team)
            if i % 7 == 0:
                act(cmd.Withdraw(team, submitted.move), team)
        act(cmd.Ready("blue"), "blue")
        act(cmd.Advance())
        for move in state.turn_moves():
            act(cmd.Adjudicate(move.id, "ruled", outcome=Outcome.SUCCESS))
        act(cmd.Advance())
    return scenario, events[:n]


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        gc.disable()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        gc.enable()
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    scenario, events = synthetic_events(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "replay.session"
        session = Session.create(path, scenario, 1, events=events)
        expected = session.state
        session.close()

        def raw():
            con = sqlite3.connect(path)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            rows = [(seq, kind, json.loads(data)) for seq, kind, data in con.execute("SELECT seq, type, data FROM events ORDER BY seq")]
            con.close()
            return rows

        def journal():
            from exercise.store import Journal
            with Journal.open(path) as j:
                return j.read(0)

        def replay():
            with Session.open(path) as s:
                assert s.state.seq == expected.seq
                return s.state

        t_raw, t_journal, t_replay = (best_of(3, f) for f in (raw, journal, replay))
    print(f"replay {len(events)} events: raw sqlite3 {t_raw:.2f} s, journal read {t_journal:.2f} s "
          f"(ratio {t_journal / t_raw:.2f}), session replay {t_replay:.2f} s (ratio {t_replay / t_raw:.2f})")
    print(f"per event above raw: decode + fold {1e6 * (t_replay - t_journal) / len(events):.1f} µs")


if __name__ == "__main__":
    main()
