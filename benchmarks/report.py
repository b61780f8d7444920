"""What rendering the after-action report costs, as a ratio to rendering a plain list of its moves.

    python benchmarks/report.py [--quick]

Builds a large synthetic session in-process (the scenario and its events are constructed
directly, no journal): 20 teams, 30 turns, 10 moves per team per turn (6,000 moves), with
injects, rulings with dice, commitments opened and resolved, proposals and deals, conditions
changing and hotwash notes. Then measures, best of three:
  baseline  Jinja rendering a plain Markdown list of the same moves (id, team, kind, headline)
  md        the Markdown report: the analysis plus the bundled templates
  html      the HTML report (with the SVG charts)
and prints each as a ratio to the baseline. Then the same for 1,000, 10,000 and 100,000
moves (20 teams, 30 turns, more moves a turn), to show how the time grows.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jinja2 import Environment  # noqa: E402

from exercise import analysis, reports  # noqa: E402
from exercise import events as ev  # noqa: E402
from exercise import model as m  # noqa: E402
from exercise.state import GameState  # noqa: E402

KINDS = [
    ("propose", m.Commitment.PROPOSAL), ("respond", m.Commitment.RESPONSE), ("threaten", m.Commitment.THREAT),
    ("promise", m.Commitment.PROMISE), ("concede", m.Commitment.CONCESSION), ("sanction", m.Commitment.NONE),
    ("military-aid", m.Commitment.NONE), ("public-statement", m.Commitment.NONE),
]
TRACKS = ["escalation", "cohesion", "pressure", "defence", "credibility", "momentum"]
FLAGS = ["ceasefire", "talks_open", "guarantee"]

BASELINE = "{% for m in moves %}- {{ m.id }} {{ m.team }} [{{ m.kind }}]: {{ m.headline }}\n{% endfor %}"


def synthetic_scenario(teams: int, turns: int, moves_per_turn: int) -> m.Scenario:
    source = m.Source("doc", "A Document on Negotiation", "An Author", "2025-01")
    team_ids = [f"team{i:02d}" for i in range(teams)]
    levers = [m.Lever(kind, f"Use {kind}.", "doc", quote="a quoted line") for kind, _ in KINDS]
    advisors = [m.AdvisorBrief(f"brief{j}", f"Brief {j}", f"Advisor {j}", "doc", "A line to follow.",
                               favoured_kinds=[KINDS[j][0], KINDS[j + 3][0]]) for j in range(3)]
    team_objects = {
        tid: m.Team(tid, f"Team {i}", "A party to the talks.", m.Position(
            stance=[m.Statement("A stance.", "doc", "a quote")],
            objectives=[m.Objective(f"o{k}", k, f"Objective {k}.", "doc", when="tracks.momentum >= 7") for k in (1, 2, 3)],
            red_lines=[m.RedLine("r1", "No war.", "doc", when="tracks.escalation >= 9"), m.RedLine("r2", "No deal.", "doc")],
            levers=levers, advisors=advisors if i % 4 == 0 else [],
        ))
        for i, tid in enumerate(team_ids)
    }
    inject = m.Inject("news", "News from the front", m.InjectKind.INFORMATION, "Press", "press", "Something happened.",
                      "doc", quote="a quote", questions=["What now?"], expected_actions=["Answer"],
                      effects=m.Effects({"escalation": 1}))
    return m.Scenario(
        info=m.ScenarioInfo("synthetic", "A Synthetic Game", datetime.date(2025, 3, 19), "two weeks", turns,
                            m.Adjudication.MATRIX, moves_per_turn, 1, "# Background\n\nA long game."),
        sources=[source],
        tracks={t: m.Track(t, t.title(), 0, 10, 5) for t in TRACKS},
        flags={f: m.Flag(f, f.title()) for f in FLAGS},
        teams=team_objects,
        move_kinds={kind: m.MoveKind(kind, kind.title(), commitment=c, effects=m.Effects({"momentum": 1}))
                    for kind, c in KINDS},
        injects={"news": inject},
        msel=[m.MselEntry(f"t{t}", "news", turn=t, notes="Controller notes.") for t in range(1, turns + 1)],
        end_states={"peace": m.EndState("peace", "Peace", "Talks succeed.", "flags.ceasefire", "doc")},
    )


def synthetic_events(scenario: m.Scenario, moves_per_team: int, seed: int = 1) -> list:
    """A whole game as events: every turn an inject, every team's moves, rulings with dice,
    commitments opened and later resolved, proposals answered, conditions changing."""
    rng = random.Random(seed)
    teams = list(scenario.teams)
    events: list = []
    n_move = n_delivery = n_proposal = n_commitment = 0
    open_commitments: list[tuple[str, str]] = []
    open_proposals: list[tuple[str, list[str]]] = []
    holds: dict[tuple[str, str], bool] = {}
    for turn in range(1, scenario.info.turns + 1):
        events.append(ev.TurnStarted(turn))
        events.append(ev.InjectQueued(f"t{turn}", "news", f"scheduled for turn {turn}", ["all"]))
        n_delivery += 1
        events.append(ev.InjectDelivered(f"d{n_delivery}", scenario.injects["news"], ["all"], turn, f"t{turn}"))
        events.append(ev.PhaseChanged(ev.Phase.MOVES))
        ids = []
        for team in teams:
            for _ in range(moves_per_team):
                n_move += 1
                kind = KINDS[rng.randrange(len(KINDS))][0]
                move = f"m{n_move}"
                ids.append((move, team, kind))
                events.append(ev.MoveSubmitted(move, team, kind, f"Headline of move {n_move} by {team}", turn,
                                               [rng.choice(teams)], "Detail of the move.", "", [], []))
        events.append(ev.MovesRevealed(turn, [i for i, _, _ in ids]))
        for move, _team, _kind in ids:
            commitment = scenario.move_kinds[kind].commitment
            if commitment.value in ("threat", "promise", "concession"):
                n_commitment += 1
                events.append(ev.CommitmentOpened(f"c{n_commitment}", team, commitment.value, move, "Commitment text",
                                                  turn, []))
                open_commitments.append((f"c{n_commitment}", commitment.value))
            elif commitment is m.Commitment.PROPOSAL:
                n_proposal += 1
                parties = [team, rng.choice([t for t in teams if t != team])]
                events.append(ev.ProposalTabled(f"p{n_proposal}", team, move, "A proposal", ["A term"], parties,
                                                m.Effects(), turn))
                events.append(ev.ProposalAnswered(f"p{n_proposal}", team, ev.Answer.ACCEPT, turn, "proposer"))
                open_proposals.append((f"p{n_proposal}", parties))
        events.append(ev.PhaseChanged(ev.Phase.ADJUDICATION))
        for move, _team, _kind in ids:
            rolls = [rng.randint(1, 6), rng.randint(1, 6)]
            outcome = ev.Outcome.SUCCESS if sum(rolls) >= 7 else ev.Outcome.FAILURE
            effects = m.Effects({rng.choice(TRACKS): rng.choice((-1, 1))}) if outcome is ev.Outcome.SUCCESS else m.Effects()
            events.append(ev.Ruled(move, "matrix", outcome, "A narrative.", effects, turn, rolls, 0))
        for proposal, parties in open_proposals:
            answer = rng.choice((ev.Answer.ACCEPT, ev.Answer.REJECT))
            events.append(ev.ProposalAnswered(proposal, parties[1], answer, turn))
            events.append(ev.ProposalSettled(proposal, "deal" if answer is ev.Answer.ACCEPT else "rejected", turn,
                                             by="" if answer is ev.Answer.ACCEPT else parties[1]))
        open_proposals = []
        for commitment, kind in open_commitments[: len(open_commitments) // 2]:
            status = rng.choice(("reciprocated", "unreciprocated") if kind == "concession" else ("carried_out", "lapsed"))
            events.append(ev.CommitmentResolved(commitment, status, turn))
        open_commitments = open_commitments[len(open_commitments) // 2:]
        for team in teams[: 1 + turn % 5]:  # conditions come and go
            key = (team, f"o{1 + turn % 3}")
            holds[key] = not holds.get(key, False)
            events.append(ev.ConditionChanged("objective", key[1], holds[key], turn, team))
    events.append(ev.PhaseChanged(ev.Phase.HOTWASH, "the last turn is over"))
    for team in teams:
        events.append(ev.NoteAdded("facilitator", f"Strength of {team}", scenario.info.turns, "strength", team))
        events.append(ev.NoteAdded("facilitator", f"Improvement for {team}", scenario.info.turns, "improvement", team))
        events.append(ev.NoteAdded("facilitator", f"Action for {team}", scenario.info.turns, "plan", team, "Owner", "2025-06"))
    events.append(ev.GameEnded("the hotwash is closed"))
    return events


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(teams: int, turns: int, moves_per_team: int, repeat: int) -> dict:
    scenario = synthetic_scenario(teams, turns, moves_per_team)
    events = synthetic_events(scenario, moves_per_team)
    state = GameState.initial(scenario)
    for event in events:
        state.apply(event)
    moves = list(state.moves.values())
    baseline_template = Environment(autoescape=False).from_string(BASELINE)

    def baseline():
        return baseline_template.render(moves=moves)

    outputs: dict[str, str] = {}

    def report(fmt):
        def run():
            context = reports.report_context(scenario, events, state, fmt)
            outputs[fmt] = reports.render("aar", fmt, context)
        return run

    base = best_of(baseline, repeat)
    t_analysis = best_of(lambda: analysis.analyse(scenario, events, state), repeat)
    t_md = best_of(report("md"), repeat)
    t_html = best_of(report("html"), repeat)
    size = len(outputs["html"].encode("utf-8"))
    return {"moves": len(moves), "events": len(events), "baseline": base, "analysis": t_analysis, "md": t_md,
            "html": t_html, "html_mb": size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-move run")
    args = parser.parse_args()

    print("The after-action report of a synthetic session, as a ratio to a plain Jinja list of its moves")
    print("(best of 3; 'analysis' is the part of 'md' and 'html' spent computing the analysis)\n")
    r = measure(20, 30, 10, 3)
    print(f"20 teams x 30 turns x 10 moves = {r['moves']:,} moves ({r['events']:,} events)")
    print(f"  baseline (plain list) {r['baseline']:8.3f} s   1.0x")
    print(f"  analysis              {r['analysis']:8.3f} s  {r['analysis'] / r['baseline']:5.1f}x")
    print(f"  report, Markdown      {r['md']:8.3f} s  {r['md'] / r['baseline']:5.1f}x")
    print(f"  report, HTML          {r['html']:8.3f} s  {r['html'] / r['baseline']:5.1f}x   ({r['html_mb']:.1f} MB)")

    print("\nHow it grows (20 teams x 30 turns, more moves per team and turn):\n")
    header = f"{'moves':>9} {'events':>9} {'baseline s':>11} {'md s':>9} {'html s':>9} {'md/base':>8} {'html/base':>10} {'html us/move':>13}"
    print(header)
    print("-" * len(header))
    sizes = [(20, 30, 2), (20, 30, 17), (20, 30, 167)]  # about 1k, 10k and 100k moves
    if args.quick:
        sizes = sizes[:2]
    previous = None
    for teams, turns, per in sizes:
        r = measure(teams, turns, per, 1 if per > 100 else 3)
        growth = f"  (x{r['html'] / previous['html']:.1f} time for x{r['moves'] / previous['moves']:.1f} moves)" if previous else ""
        print(f"{r['moves']:>9,} {r['events']:>9,} {r['baseline']:>11.3f} {r['md']:>9.3f} {r['html']:>9.3f} "
              f"{r['md'] / r['baseline']:>7.1f}x {r['html'] / r['baseline']:>9.1f}x {1e6 * r['html'] / r['moves']:>12.0f}{growth}")
        previous = r


if __name__ == "__main__":
    main()
