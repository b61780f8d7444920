"""Who a report is for: ``--audience control`` gets everything, ``participants`` (the default
of the command) what every team may see in play (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise import bundled, reports
from exercise import commands as cmd
from exercise import events as ev
from exercise.cli import main
from exercise.loading import load_library, load_scenario
from exercise.model import Effects, Inject, InjectKind
from exercise.session import FACILITATOR, Session

DATA = Path(__file__).parent / "data"
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])

SECRETS = {
    "PRIVATE-NARRATIVE": "a private ruling's narrative",
    "ruling on m2 (Red: Red-threat)": "a private ruling named as the cause of a change",
    "CONTROL-LOG-NOTE": "the facilitator's log note",
    "BLUE-OWN-NOTE": "a team's own log note",
    "SKIP-REASON": "why control skipped an inject",
    "A warning": "the skipped inject itself",
    "RED-ONLY-INJECT": "an inject sent to one team only",
    "EXPECTED-ACTION": "an inject's expected actions",
    "scheduled for turn 1": "why the MSEL sent an inject",
}


def play(path: Path) -> Session:
    s = Session.create(path, MINIMAL)
    s.act(cmd.Advance())  # d1: the offer (p1), to everyone
    s.act(cmd.Submit("blue", "propose", "Blue-offer", ["red"]), "blue")
    s.act(cmd.Submit("red", "threaten", "Red-threat"), "red")
    s.act(cmd.Advance())
    s.act(cmd.Adjudicate("m1", "PUBLIC-NARRATIVE", outcome=ev.Outcome.SUCCESS))
    # private, and it takes tension from 5 to 9: blue's red line 'war' is crossed, MSEL m2 queued
    s.act(cmd.Adjudicate("m2", "PRIVATE-NARRATIVE", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": 4}),
                         public=False))
    s.act(cmd.Note(FACILITATOR, "CONTROL-LOG-NOTE"))
    s.act(cmd.Note("blue", "BLUE-OWN-NOTE"), "blue")
    secret = Inject("red-only", "RED-ONLY-INJECT", InjectKind.INFORMATION, "Press", "press", "Only red.", "doc-a",
                    expected_actions=["EXPECTED-ACTION"])
    s.act(cmd.DeliverInject(secret, ["red"]))
    s.act(cmd.Skip("m2", "SKIP-REASON"))
    s.act(cmd.End("time"))
    s.act(cmd.Note(FACILITATOR, "HOTWASH-STRENGTH", "strength", team="red"))
    s.act(cmd.Note(FACILITATOR, "HOTWASH-PLAN", "plan", owner="Control"))
    s.act(cmd.End())
    return s


@pytest.fixture(scope="module")
def game(tmp_path_factory):
    with play(tmp_path_factory.mktemp("audience") / "g.session") as s:
        yield s


def render(s: Session, fmt: str, audience: str) -> str:
    return reports.render("aar", fmt, reports.report_context(s.scenario, s.events(), s.state, fmt, audience))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_participants_report_holds_nothing_hidden_from_the_teams(game, fmt):
    control, participants = render(game, fmt, "control"), render(game, fmt, "participants")
    for secret, what in SECRETS.items():
        assert secret in control, f"control sees {what}"
        assert secret not in participants, f"participants do not see {what}"
    for shared in ("PUBLIC-NARRATIVE", "Blue-offer", "Red-threat", "HOTWASH-STRENGTH", "HOTWASH-PLAN", "An offer"):
        assert shared in participants, shared
    assert "made in private (only the facilitator and the team saw it)" in participants
    assert "a private ruling" in participants, "the red line it crossed names no move"
    assert "No war." in participants and "crossed" in participants, "the red line still shows as crossed"
    assert "participants: what every team may see" in participants
    assert "control (facilitator and evaluators)" in control


def test_an_unknown_audience_is_refused(game):
    with pytest.raises(reports.ReportError, match="unknown audience 'press'"):
        reports.report_context(game.scenario, game.events(), game.state, "md", "press")


def test_the_command_writes_for_participants_unless_asked_for_control(game, tmp_path, capsys):
    shared, full = tmp_path / "shared.md", tmp_path / "full.html"
    assert main(["report", str(game.path), "-o", str(shared), "-q"]) == 0
    assert main(["report", str(game.path), "--audience", "control", "-o", str(full), "-q"]) == 0
    shared_text, full_text = shared.read_text(encoding="utf-8"), full.read_text(encoding="utf-8")
    assert not any(secret in shared_text for secret in SECRETS)
    assert all(secret in full_text for secret in SECRETS)
    with pytest.raises(SystemExit) as exit_:
        main(["report", str(game.path), "--audience", "press"])
    assert exit_.value.code == 2 and "invalid choice: 'press'" in capsys.readouterr().err


# --- the report fixes of issue 12 that the analysis already had: as a reader sees them --------------


def test_a_reader_sees_a_violated_deal_the_actual_changes_and_inject_effects(tmp_path):
    alarm = Inject("alarm", "Alarm", InjectKind.INFORMATION, "Press", "press", "Alarm.", "doc-a",
                   effects=Effects({"tension": 7}))
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())  # p1: tension -1 and a truce, for blue and red
        s.act(cmd.Respond("blue", "p1", ev.Answer.ACCEPT), "blue")
        s.act(cmd.Respond("red", "p1", ev.Answer.ACCEPT), "red")  # 5 -> 4
        s.act(cmd.Resolve("p1", "violated", "Shots fired", by="red"))  # 4 -> 5, truce off
        s.act(cmd.DeliverInject(alarm))  # 5 + 7 is past the maximum 10: it moves by 5
        text = render(s, "md", "control")
    assert "1 proposal(s) were tabled; 1 became a deal, later violated." in text, "a violated deal is no deal"
    assert "Outcome: **a deal, violated by Red in turn 1**" in text
    assert "- Effects: tension +5 (+7 asked; capped at its maximum 10)" in text, "the inject's effects, as applied"
    assert "| 1 | inject d2: Alarm | tension +5 (+7 asked; capped at its maximum 10) |" in text, "what moved them"
    assert "| 1 | deal p1 violated by Red: An offer | tension +1, truce = false |" in text


def test_the_end_state_reached_is_the_first_to_hold_and_the_report_says_so(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("red", "threaten", "Up"), "red")
        s.act(cmd.Submit("blue", "propose", "Down", ["red"]), "blue")
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": 5})))  # war: 10
        s.act(cmd.Adjudicate("m2", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": -5})))  # and back
        s.act(cmd.End("time"))
        s.act(cmd.End())
        text = render(s, "md", "control")
        manual = reports.render("manual", "md", reports.manual_context(s.scenario))
    assert "End state reached: **War**." in text, "it held in play, so it is the outcome"
    assert "The first to hold during play is the one reached, even if it no longer holds when the game ends" in text
    assert "The first to hold during play is the outcome" in manual


def test_a_deal_only_some_teams_saw_is_not_named_in_the_participants_report(tmp_path):
    """A counter-proposal among three of the flagship's four teams (Europe is no party and never
    saw it) became a deal and was violated: the participants' report leaves it out everywhere,
    also where it is the cause of a change to a track (Europe saw the track move)."""
    flagship = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))
    with Session.create(tmp_path / "g.session", flagship, seed=1) as s:
        s.act(cmd.Advance())  # d1 tables p1 (parties: russia, ukraine, us)
        s.act(cmd.Respond("us", "p1", ev.Answer.COUNTER, terms=["SECRET-COUNTER-TERM"],
                          effects=Effects({"talks_momentum": 1})), "us")
        counter = max(s.state.proposals)
        for team in ("russia", "ukraine"):
            s.act(cmd.Respond(team, counter, ev.Answer.ACCEPT), team)
        s.act(cmd.Resolve(counter, "violated", by="russia"))
        assert s.state.proposals[counter].status == "violated"
        control, participants = render(s, "md", "control"), render(s, "md", "participants")
    title = s.state.proposals[counter].title
    assert f"deal {counter}: {title}" in control and f"deal {counter} violated by Russian Federation" in control
    assert f"deal {counter}" not in participants and f"**{counter}**" not in participants, "no trace of the deal"
    assert "SECRET-COUNTER-TERM" not in participants
    assert "Outcome: **countered by United States in turn 1**" in participants, "the inject's offer: no (see p2)"
    assert f"Outcome: **countered by United States in turn 1 (see {counter})**" in control
    moved = participants[participants.index("### What moved them"):participants.index("## 6.")]
    assert moved.count("| a deal not every team saw | talks_momentum +1 |") == 1
    assert moved.count("| a deal not every team saw | talks_momentum -1 |") == 1, "the tracks still moved"


def test_the_evaluators_strengths_and_areas_open_control_report_but_not_the_participants(tmp_path):
    """HSEEP's major strengths and primary areas for improvement come from the evaluators too: in
    the control report an observation of a strength (or an area for improvement) is listed there,
    not only in section 10, so 'None' is never said while one was recorded."""
    flagship = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))
    with Session.create(tmp_path / "g.session", flagship, seed=1) as s:
        s.act(cmd.Advance())
        s.act(cmd.Observe("credible-pressure", "EVAL-STRENGTH", "strength", "d1", "us"), cmd.EVALUATOR)
        s.act(cmd.Observe("coordinate-ceasefire-answer", "EVAL-AREA", "improvement"), cmd.EVALUATOR)
        s.act(cmd.Observe("coordinate-ceasefire-answer", "EVAL-PLAIN"), cmd.EVALUATOR)
        control, participants = render(s, "md", "control"), render(s, "md", "participants")

    def part(text: str, heading: str) -> str:
        start = text.index(heading + "\n")
        return text[start:text.index("\n#", start + len(heading))]

    strengths, areas = part(control, "### Major strengths"), part(control, "### Primary areas for improvement")
    assert "- EVAL-STRENGTH (United States, turn 1; observed by the evaluator, o1)" in strengths
    assert "None" not in strengths and "EVAL-AREA" not in strengths and "EVAL-PLAIN" not in strengths
    assert "- EVAL-AREA (turn 1; observed by the evaluator, o2)" in areas and "None" not in areas
    assert "None recorded in the hotwash." in part(participants, "### Major strengths")
    assert "EVAL-" not in participants


def test_appendix_a_does_not_say_every_plan_item_is_a_hotwash_note(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.End("time"))
        s.act(cmd.RecordPlanItem("", 0, {"issue": "No playbook", "action": "Write one"}))  # not a note
        text = render(s, "md", "control")
    assert "Each improvement-plan item is a hotwash note" not in text
    assert "Each hotwash note of category 'plan' is an improvement-plan item" in text
    assert "| 1 | — | No playbook | Write one |" in text


def test_an_inject_sent_to_one_team_is_not_named_where_it_moved_a_track(tmp_path):
    """Blue never saw red's inject, but saw the tension rise and its red line crossed: the
    participants' report gives the change and the crossing, not the inject's title."""
    secret = Inject("red-only", "RED-ONLY-INJECT", InjectKind.INFORMATION, "Press", "press", "Only red.", "doc-a",
                    effects=Effects({"tension": 4}))
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())
        s.act(cmd.DeliverInject(secret, ["red"]))  # tension 5 -> 9: blue's red line 'war' is crossed
        control, participants = render(s, "md", "control"), render(s, "md", "participants")
    assert "| 1 | inject d2: RED-ONLY-INJECT | tension +4 |" in control
    assert "RED-ONLY-INJECT" not in participants
    assert "| 1 | an inject not every team saw | tension +4 |" in participants
    assert "crossed from turn 1 to the end | an inject not every team saw |" in participants


def test_a_private_rulings_outcome_is_not_counted_in_the_participants_tallies(tmp_path):
    """The timeline says only that red's move was ruled in private; the team's tallies must not
    give its outcome away ('1 success')."""
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "propose", "Blue-offer", ["red"]), "blue")
        s.act(cmd.Submit("red", "threaten", "Red-threat"), "red")
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m1", outcome=ev.Outcome.FAILURE))
        s.act(cmd.Adjudicate("m2", outcome=ev.Outcome.SUCCESS, public=False))
        control, participants = render(s, "md", "control"), render(s, "md", "participants")
    assert "Red made 1 revealed move(s). Rulings: 1 success, 0 partial, 0 failure." in control
    assert "| Threaten | 1 | 1 | 0 | 0 | 0 |" in control
    assert "Red made 1 revealed move(s). Rulings: 0 success, 0 partial, 0 failure, 1 made in private." in participants
    assert "| Kind | Moves | Success | Partial | Failure | Not ruled | In private |" in participants
    assert "| Threaten | 1 | 0 | 0 | 0 | 0 | 1 |" in participants
    assert "Blue made 1 revealed move(s). Rulings: 0 success, 0 partial, 1 failure." in participants
    assert "| Propose | 1 | 0 | 0 | 1 | 0 |" in participants, "a team without private rulings keeps its table"
