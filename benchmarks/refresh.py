"""What a console's refresh costs early and late in a long game, as a ratio.

    python benchmarks/refresh.py [--teams N] [--turns T] [--moves M] [--runs K]

Plays a game of --teams teams (default 8: the minimal test scenario's two and copies of
them) for --turns turns (default 30) with --moves moves per team per turn (default 20),
each revealed and ruled, and keeps two session files of it: one after the first turn and
one after the last but one. On each, a facilitator console and a team console (headless,
as the tests run them, 160x48) watch the file while a second connection commits:

  move      another team submits a move (a team console does not see it, but refreshes)
  inject    the facilitator delivers a library inject to every team

and each console's refresh is timed: ``check_for_changes`` (fold what is new, rebuild what
it shows) and the paint that follows (``pilot.pause``). Shown as the best of --runs, early
and late, and their ratio. The goal (issue 11): a refresh costs the same however long the
game, so each ratio is close to 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import attrs  # noqa: E402

from exercise import commands as cmd  # noqa: E402
from exercise import engine  # noqa: E402
from exercise.events import Outcome, Phase  # noqa: E402
from exercise.loading import load_library, load_scenario  # noqa: E402
from exercise.session import FACILITATOR, Session, make_rules  # noqa: E402
from exercise.state import GameState  # noqa: E402

SIZE = (160, 48)


def scenario_of(teams: int, turns: int, moves: int):
    """The minimal test scenario with ``teams`` teams (copies of its two), ``turns`` turns."""
    data = ROOT / "tests" / "data"
    library = load_library([data / "injects"])[0]
    scenario = load_scenario(data / "scenarios" / "minimal.toml", library)
    originals = list(scenario.teams.values())
    extra = {f"team{i}": attrs.evolve(originals[i % 2], id=f"team{i}", name=f"Team {i}")
             for i in range(len(originals) + 1, teams + 1)}
    info = attrs.evolve(scenario.info, turns=turns + 1, moves_per_turn=moves + 1)
    return attrs.evolve(scenario, teams={**scenario.teams, **extra}, info=info)


def play(scenario, turns: int, moves: int) -> tuple[list, list]:
    """The events of ``turns`` turns: each team's moves, revealed and ruled. Returns the
    events after the first turn and after the last."""
    rules = make_rules(scenario, 1)
    state, events = GameState.initial(scenario), []

    def act(command, actor=FACILITATOR):
        for event in engine.decide(rules, state, command, actor):
            state.apply(event)
            events.append(event)

    for event in engine.begin(rules, state):
        state.apply(event)
        events.append(event)
    kept = []
    for turn in range(1, turns + 1):
        while state.phase is not Phase.MOVES:
            act(cmd.Advance(force=True))
        for team in scenario.teams:
            kind = scenario.team_kinds(team)[0]
            for i in range(moves):
                act(cmd.Submit(team, kind, f"turn {turn}: {team}'s move {i}", detail="what it does"), team)
        act(cmd.Advance())
        for move in state.turn_moves():
            act(cmd.Adjudicate(move.id, f"ruled on {move.id}", outcome=Outcome.SUCCESS))
        act(cmd.Advance(force=True))
        while state.phase is not Phase.MOVES:
            act(cmd.Advance(force=True))
        if turn in (1, turns):
            kept.append(list(events))
    return kept[0], kept[1]


async def refresh_times(path: Path, role: str, scenario, runs: int) -> dict[str, float]:
    from exercise.tui.app import ConsoleApp

    app = ConsoleApp(Session.open(path), role, poll=False)
    times: dict[str, list[float]] = {"move": [], "inject": []}
    with Session.open(path) as other:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for run in range(runs):
                for name in times:
                    if name == "move":
                        (moved,) = other.act(cmd.Submit("red", "threaten", f"benchmark move {run}"), "red")
                    else:
                        other.act(cmd.DeliverInject(scenario.injects["local-warning"], []))
                    start = time.perf_counter()
                    app.check_for_changes()
                    await pilot.pause()
                    times[name].append(time.perf_counter() - start)
                    if name == "move":
                        other.act(cmd.Withdraw("red", moved.move), "red")
                        app.check_for_changes()
                        await pilot.pause()
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=8)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scenario = scenario_of(args.teams, args.turns, args.moves)
    early, late = play(scenario, args.turns - 1, args.moves)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, events in (("early", early), ("late", late)):
            path = Path(tmp) / f"{label}.session"
            Session.create(path, scenario, 1, events=events).close()
            Session.open(path).close()  # the first open after creation keeps the snapshot
            for role in (FACILITATOR, "blue"):
                for name, seconds in asyncio.run(refresh_times(path, role, scenario, args.runs)).items():
                    results[(role, name, label)] = seconds
    print(f"{args.teams} teams, {args.turns} turns, {args.moves} moves per team per turn: "
          f"early = after turn 1 ({len(early):,} events), late = after turn {args.turns - 1} ({len(late):,} events)")
    print(f"{'console':12} {'commit':8} {'early':>9} {'late':>9}   ratio")
    for role in (FACILITATOR, "blue"):
        for name in ("move", "inject"):
            a, b = results[(role, name, "early")], results[(role, name, "late")]
            print(f"{role:12} {name:8} {a * 1000:7.1f}ms {b * 1000:7.1f}ms {b / a:7.2f}x")


if __name__ == "__main__":
    main()
