"""The evaluation (issue 12) as a facilitator and evaluators use it: the command line on a session
of the flagship scenario, then the rendered report read back.

Exercise objectives rated P/S/M/U, observations (control's only), expected actions marked, the
teams' feedback at the hotwash, the executive summary and key findings, the improvement plan
with HSEEP's columns and its CSV/XLSX export, and the archive carrying all of it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from exercise import cli, serial
from exercise import commands as cmd
from exercise import events as ev
from exercise.bundled import find_scenario
from exercise.loading import LoadError, load_library, load_scenario
from exercise.session import NotAllowed, Session

FLAGSHIP = "ukraine-ceasefire-2025"
OBJECTIVES = ("coordinate-ceasefire-answer", "guarantees-before-pause", "credible-pressure")


@pytest.fixture
def run(capsys):
    """Run the command line in-process: (exit code, standard output, standard error)."""

    def run(*args) -> tuple[int, str, str]:
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def game(tmp_path, run) -> Path:
    """A session of the flagship with turn 1's injects delivered and moves open."""
    path = tmp_path / "e.session"
    assert run("start", FLAGSHIP, "--session", path, "--no-tui")[0] == 0
    assert run("advance", path)[0] == 0
    return path


def report(run, path: Path, fmt: str = "md", audience: str = "control") -> str:
    out = path.with_suffix(f".{fmt}")
    code, _, err = run("report", path, "-o", out, "-q", "--audience", audience)
    assert code == 0, err
    return out.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The Markdown of one '## ' section, from its heading to the next."""
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


# --- 1. exercise objectives, rated --------------------------------------------------------------


def test_the_flagship_sets_exercise_objectives_apart_from_the_teams():
    scenario = load_scenario(find_scenario(FLAGSHIP))
    assert tuple(scenario.exercise_objectives) == OBJECTIVES
    for objective in scenario.exercise_objectives.values():
        assert objective.title and objective.capability and scenario.source(objective.source)
    team_objectives = {o.id for t in scenario.teams.values() for o in t.position.objectives}
    assert not team_objectives & set(OBJECTIVES)


def test_a_rating_with_its_rationale_is_in_the_report_and_a_later_one_replaces_it(game, run):
    code, out, err = run("evaluate", game, "rate", "coordinate-ceasefire-answer", "m",
                         "--rationale", "Kyiv answered in public before the allies had agreed a line")
    assert (code, err) == (0, "")
    assert "rated M: Performed with major challenges" in out
    run("evaluate", game, "rate", "coordinate-ceasefire-answer", "S", "--rationale", "They recovered in turn 2")
    text = report(run, game)
    rated = section(text, "10. Exercise objectives")
    part = rated[rated.index("Coordinate the allied answer"):rated.index("10.2")]
    assert "| Rating | S: Performed with some challenges |" in part
    assert "They recovered in turn 2" in part and "Kyiv answered in public" not in part
    assert "| Earlier ratings | M (replaced by the rating above) |" in part
    glance = section(text, "2. Executive summary")
    assert "| **Coordinate the allied answer to a cease-fire proposal** | Allied coordination and consultation | S: Performed with some challenges |" in glance
    assert glance.count("| Not rated |") == 2
    assert "1 of 3 objective(s) are rated" in rated


def test_bad_ratings_are_one_line_errors_and_write_nothing(game, run):
    before = len(Session.open(game).events())
    code, _, err = run("evaluate", game, "rate", "coordinate", "P", "--rationale", "x")
    assert code == 3
    assert err.strip().splitlines() == [
        "exercise: refused: no exercise objective 'coordinate' (known: coordinate-ceasefire-answer, "
        "guarantees-before-pause, credible-pressure)"]
    code, _, err = run("evaluate", game, "rate", "credible-pressure", "X", "--rationale", "x")
    assert code == 2 and "'X' is not a rating: P (performed without challenges)" in err
    code, _, err = run("evaluate", game, "rate", "credible-pressure", "P")
    assert code == 2 and "--rationale" in err
    code, _, err = run("evaluate", game, "rate", "credible-pressure", "P", "--rationale", "   ")
    assert code == 3 and "needs its text" in err
    assert len(Session.open(game).events()) == before


def test_only_control_rates_and_a_team_sees_none_of_the_evaluation(game, run):
    with Session.open(game) as session:
        with pytest.raises(NotAllowed, match="only the facilitator or an evaluator"):
            session.act(cmd.Rate("credible-pressure", "P", "fine"), "us")
        session.act(cmd.Rate("credible-pressure", "P", "fine"), cmd.EVALUATOR)
        session.act(cmd.Observe("credible-pressure", "US waited for Europe", delivery="d1", team="us"), cmd.EVALUATOR)
        events = session.events()
        for team in session.scenario.teams:
            seen = session.seen_by(team, events)
            assert not [e for e in seen if isinstance(e, (ev.ObjectiveRated, ev.ObservationRecorded))]
        assert len(session.seen_by(cmd.EVALUATOR, events)) == len(events)
    code, out, _ = run("status", game, "--as", "us", "--json", "--all")
    assert code == 0 and "US waited for Europe" not in out and "credible-pressure" not in out


def test_a_scenario_without_exercise_objectives_keeps_its_stored_shape_and_says_so(tmp_path, run):
    scenario = load_scenario(find_scenario("security-talks-2021"))
    assert not scenario.exercise_objectives
    assert "exercise_objectives" not in serial.scenario_data(scenario)  # the hash of older sessions holds
    path = tmp_path / "s.session"
    run("start", "security-talks-2021", "--session", path, "--no-tui")
    code, _, err = run("evaluate", path, "rate", "any", "P", "--rationale", "x")
    assert code == 3 and "defines no exercise objectives (add [exercise_objectives.ID] tables" in err
    assert "The scenario sets no exercise objectives" in report(run, path)


def test_a_bad_exercise_objective_in_a_scenario_names_its_field(tmp_path):
    source = Path(find_scenario(FLAGSHIP))
    text = source.read_text(encoding="utf-8")
    line = 'capability = "Allied coordination and consultation"\nsource = "bristow-2025"'
    for change, path, message in [
        ('source = "bristow-2025"', "capability", "missing"),
        (line.replace("bristow-2025", "bristow-2052"), "source", "unknown source 'bristow-2052'"),
        (line + '\ncapabilty = "x"', "capabilty", "unknown key"),
    ]:
        bad = tmp_path / source.name
        bad.write_text(text.replace(line, change, 1), encoding="utf-8")
        with pytest.raises(LoadError) as caught:
            load_scenario(bad, load_library()[0])
        problems = {(p.path, p.message.split(" (")[0]) for p in caught.value.problems}
        assert problems == {(f"$.exercise_objectives.coordinate-ceasefire-answer.{path}", message)}


# --- 2. observations -----------------------------------------------------------------------------


def test_observations_sit_under_their_objective_in_the_report(game, run):
    code, out, err = run("evaluate", game, "observe", "--as", "evaluator", "--objective", "coordinate-ceasefire-answer",
                         "--inject", "d1", "--team", "ukraine", "--kind", "strength",
                         "Kyiv refused the no-rearmament term <b>at once</b>")
    assert (code, err) == (0, "")
    assert out.strip() == "o1 strength on coordinate-ceasefire-answer (d1, ukraine): Kyiv refused the no-rearmament term <b>at once</b>"
    run("evaluate", game, "observe", "--objective", "credible-pressure", "No one named a deadline")
    text = section(report(run, game), "10. Exercise objectives")
    first = text[text.index("10.1"):text.index("10.2")]
    assert "#### Strengths" in first
    assert ("at once&lt;/b&gt; (o1, inject d1 (Kremlin offers a 30-day halt "
            "to energy strikes, at a price), Ukraine, turn 1, by the evaluator)") in first
    third = text[text.index("10.3"):]
    assert "#### Observations" in third and "No one named a deadline" in third
    html = report(run, game, "html")
    assert "Kyiv refused the no-rearmament term &lt;b&gt;at once&lt;/b&gt;" in html and "<b>at once" not in html


def test_bad_observations_are_refused_naming_what_is_known(game, run):
    code, _, err = run("evaluate", game, "observe", "--objective", "credible-pressure", "--inject", "d7", "text")
    assert code == 3 and err.strip() == ("exercise: refused: no delivered inject 'd7' (delivered: d1, d2; "
                                         "see 'exercise status SESSION --all')")
    code, _, err = run("evaluate", game, "observe", "--objective", "credible-pressure", "--team", "nato", "text")
    assert code == 3 and "no team 'nato' (teams: us, russia, ukraine, europe)" in err
    code, _, err = run("evaluate", game, "observe", "text")
    assert code == 2 and "--objective" in err


def test_an_evaluator_sees_the_moves_teams_have_not_revealed(game, run):
    assert run("submit", game, "--team", "us", "--kind", "public-statement", "--headline", "Hidden for now")[0] == 0
    code, out, _ = run("status", game, "--as", "evaluator", "--json")
    assert code == 0 and "Hidden for now" in out
    assert "Hidden for now" not in run("status", game, "--as", "russia", "--json")[1]


def test_the_participants_report_keeps_the_ratings_and_leaves_out_observations_and_expected_actions(game, run):
    run("evaluate", game, "rate", "credible-pressure", "M", "--rationale", "No deadline on any threat")
    run("evaluate", game, "observe", "--objective", "credible-pressure", "Evaluator's private note on Europe")
    run("evaluate", game, "expect", "d1", "1", "met", "--note", "Seen by control")
    run("evaluate", game, "summary", "The summary for everyone.")
    text = report(run, game, audience="participants")
    assert "| Rating | M: Performed with major challenges |" in text and "No deadline on any threat" in text
    assert "The summary for everyone." in text
    assert "Evaluator's private note" not in text and "Seen by control" not in text
    assert "The injects' expected actions and how control marked them are in the control report." in text
    control = report(run, game)
    assert "Evaluator's private note" in control and "Seen by control" in control


# --- 3. expected actions -------------------------------------------------------------------------


def test_expected_actions_are_marked_and_tabled(game, run):
    code, out, _ = run("evaluate", game, "expect", "d1", "2", "partly", "--team", "europe", "--note", "Europe waited")
    assert code == 0 and out.strip() == "d1 expected action 2 (europe): partly met"
    run("evaluate", game, "expect", "d1", "1", "met")
    run("evaluate", game, "expect", "d1", "1", "not")  # the later mark replaces the earlier one
    text = section(report(run, game), "11. Expected actions")
    assert "2 of 6 expected action(s) are marked: 0 met, 1 partly met, 1 not met." in text
    rows = [line for line in text.splitlines() if line.startswith("| **d1**") or line.startswith("|  | ")]
    assert rows[0].startswith("| **d1**") and rows[1].startswith("|  | 2 |")
    assert rows[0].endswith("| 1 | Separate the energy moratorium from the demand that Ukraine not mobilise or rearm, "
                            "and refuse the demand | all | not met |  |")
    assert rows[1].endswith("| 2 | Agree the US, Ukrainian and European answers before anyone replies in public "
                            "| European allies | partly met | Europe waited |")
    assert rows[2].endswith("| not marked |  |")


def test_bad_expected_action_marks_are_refused(game, run):
    code, _, err = run("evaluate", game, "expect", "d1", "4", "met")
    assert code == 3 and "d1 has expected actions 1 to 3, not 4 (1. Separate the energy moratorium" in err
    code, _, err = run("evaluate", game, "expect", "d1", "1", "done")
    assert code == 2 and "invalid choice: 'done'" in err
    code, _, err = run("evaluate", game, "expect", "p1", "1", "met")
    assert code == 3 and "no delivered inject 'p1'" in err


# --- 4. feedback, summary, findings --------------------------------------------------------------


def test_feedback_waits_for_the_hotwash_then_each_team_gives_its_own(game, run):
    code, _, err = run("feedback", game, "--team", "us", "--rating", "4")
    assert code == 3 and "feedback is given at the hotwash (now turn 1, moves)" in err
    assert run("end", game, "--reason", "time")[0] == 0
    code, out, _ = run("feedback", game, "--team", "us", "--rating", "4", "--strength", "Realistic injects",
                       "--improvement", "Too little time for the Europeans", "--comment", "More turns, please")
    assert code == 0 and out.strip() == "feedback from us: rating 4/5, 1 strength(s), 1 improvement(s)"
    run("feedback", game, "--team", "us", "--rating", "5")
    run("feedback", game, "--team", "russia", "--improvement", "Give Moscow a red line on <i>sanctions</i>")
    code, _, err = run("feedback", game, "--team", "us", "--rating", "6")
    assert code == 2 and "6 is out of range (from 1 to 5)" in err
    code, _, err = run("feedback", game, "--team", "us")
    assert code == 3 and "feedback needs a rating, a comment, a strength or an area for improvement" in err
    with Session.open(game) as session:
        with pytest.raises(NotAllowed):
            session.act(cmd.GiveFeedback("us", 1), "russia")
        seen = session.seen_by("russia", session.events())
        assert [e.team for e in seen if isinstance(e, ev.FeedbackGiven)] == ["russia"]
    text = section(report(run, game), "12. Participant feedback")
    assert "3 response(s) from 2 team(s); the exercise rated 4.5 of 5 on average" in text
    assert "| **United States** | 2 | 4.5 of 5 | 1 | 1 |" in text
    assert "| **Russian Federation** | 1 | — | 0 | 1 |" in text
    assert "- Realistic injects" in text and "- More turns, please" in text
    assert "&lt;i&gt;sanctions&lt;/i&gt;" in report(run, game, "html")


def test_the_executive_summary_and_key_findings_are_editable(game, run):
    run("evaluate", game, "summary", "First draft.")
    run("evaluate", game, "summary", "The allies held together; the guarantees were left for later.")
    run("evaluate", game, "finding", "Consultation came late")
    run("evaluate", game, "finding", "The moratorium's price went unnoticed")
    run("evaluate", game, "finding", "Consultation came too late to shape the answer", "--replace", "f1")
    code, out, _ = run("evaluate", game, "finding", "--remove", "f2")
    assert code == 0 and out.strip() == "key finding f2 taken out"
    run("evaluate", game, "finding", "Nobody tested Moscow's demand")
    text = section(report(run, game), "2. Executive summary")
    assert "The allies held together; the guarantees were left for later." in text and "First draft" not in text
    findings = text[text.index("### Key findings"):text.index("### Exercise objectives")]
    assert [line for line in findings.splitlines() if line[:2] in ("1.", "2.", "3.")] == [
        "1. Consultation came too late to shape the answer", "2. Nobody tested Moscow's demand"]
    code, _, err = run("evaluate", game, "finding", "x", "--replace", "f2")
    assert code == 3 and "no key finding 'f2' (findings: f1, f3)" in err
    code, _, err = run("evaluate", game, "summary", " ")
    assert code == 3 and "the executive summary needs its text" in err
    draft = game.parent / "summary.md"
    draft.write_text("First paragraph.\n\nSecond <b>paragraph</b>.\n", encoding="utf-8")
    assert run("evaluate", game, "summary", "--file", draft)[0] == 0
    html = report(run, game, "html")
    assert '<p class="exec-summary">First paragraph.</p>' in html
    assert '<p class="exec-summary">Second &lt;b&gt;paragraph&lt;/b&gt;.</p>' in html
    code, _, err = run("evaluate", game, "summary", "--file", game.parent / "none.md")
    assert code == 1 and err.strip().endswith("none.md: cannot be read (No such file or directory)")
    code, _, err = run("evaluate", game, "summary")
    assert code == 2 and "give the summary as TEXT or with --file FILE" in err


# --- 5. the improvement plan ---------------------------------------------------------------------


def _plan_game(game, run) -> None:
    run("note", game, "Europe was not consulted before the US answered", "--category", "improvement", "--team", "europe")
    run("note", game, "Hold a consultation call before answering any offer", "--category", "plan", "--team", "europe",
        "--owner", "NSC Europe directorate", "--due", "next exercise")
    code, out, err = run("evaluate", game, "plan", "--note", "1", "--objective", "coordinate-ceasefire-answer",
                         "--element", "Planning", "--org", "National Security Council", "--start", "2026-01-05",
                         "--end", "2026-03-31")
    assert code == 0, err
    code, out, err = run("evaluate", game, "plan", "--objective", "credible-pressure", "--issue", "Threats were not followed up",
                         "--action", "=HYPERLINK(\"x\") a tracker of threats and their deadlines", "--element", "training",
                         "--org", "State Department", "--poc", "J. Doe", "--status", "in-progress")
    assert code == 0 and out.strip().startswith("improvement-plan item ip2: Threats were not followed up")


def test_the_improvement_plan_has_hseep_columns_and_extends_the_hotwash_notes(game, run):
    _plan_game(game, run)
    run("evaluate", game, "plan", "--item", "ip2", "--status", "complete")
    text = section(report(run, game), "Appendix A. Improvement plan")
    assert ("| # | Objective / capability | Issue / area for improvement | Corrective action | Capability element | "
            "Responsible organisation | POC | Start | Completion | Status |") in text
    assert ("| 1 (plan note 1 / ip1) | **Coordinate the allied answer to a cease-fire proposal**: Allied coordination "
            "and consultation | Europe was not consulted before the US answered (from the improvement notes) | Hold a consultation call before "
            "answering any offer (team: European allies) | Planning | National Security Council | — "
            "| 2026-01-05 | 2026-03-31 | Not started |") in text
    assert "| Training | State Department | J. Doe | — | (no date) | Complete |" in text


def test_bad_plan_items_are_refused(game, run):
    _plan_game(game, run)
    for args, message in [
        (("--issue", "i", "--action", "a", "--element", "money"), "capability element 'money' is not one of planning, organization"),
        (("--issue", "i", "--action", "a", "--start", "5 Jan"), "start date '5 Jan': write it as YYYY-MM-DD"),
        (("--issue", "i", "--action", "a", "--end", "2026-02-30"), "end date '2026-02-30' is not a date of the calendar"),
        (("--issue", "i", "--action", "a", "--start", "2026-03-01", "--end", "2026-02-01"), "the completion date 2026-02-01 is before"),
        (("--issue", "i"), "needs its issue and its corrective action"),
        (("--note", "1", "--issue", "i"), "plan note 1 is already extended by ip1"),
        (("--note", "5",), "no hotwash plan note 5 (there are 1"),
        (("--item", "ip9", "--status", "complete"), "no improvement-plan item 'ip9' (items: ip1, ip2)"),
        (("--issue", "i", "--action", "a", "--objective", "x"), "no exercise objective 'x' (known:"),
        (("--item", "ip1", "--status", "done"), "plan status 'done' is not one of not started, in progress"),
    ]:
        code, _, err = run("evaluate", game, "plan", *args)
        assert code == 3, args
        assert len(err.strip().splitlines()) == 1 and message in err, (args, err)


def test_the_plan_exports_as_csv_and_xlsx(game, run, tmp_path):
    _plan_game(game, run)
    code, out, _ = run("ip", game)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["#", "Objective", "Capability", "Issue/Area for Improvement", "Corrective Action",
                       "Capability Element", "Primary Responsible Organization", "Organization POC", "Start Date",
                       "Completion Date", "Status", "Team"]
    assert rows[1] == ["1", "Coordinate the allied answer to a cease-fire proposal (coordinate-ceasefire-answer)",
                       "Allied coordination and consultation", "Europe was not consulted before the US answered",
                       "Hold a consultation call before answering any offer", "Planning", "National Security Council",
                       "", "2026-01-05", "2026-03-31", "Not started", "European allies"]
    assert rows[2][4].startswith("'=HYPERLINK")  # a spreadsheet shows it as text, never runs it
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "ip.xlsx"
    code, _, err = run("ip", game, "-o", path)
    assert code == 0 and err.strip() == f"wrote {path} (2 item(s))"
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    assert values[1] == rows[0] and values[2] == rows[1]
    cell = sheet.cell(row=4, column=5)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    code, _, err = run("ip", game, "--format", "xlsx")
    assert code == 2 and "needs an output file" in err
    code, _, err = run("ip", tmp_path / "none.session")
    assert code == 1 and len(err.strip().splitlines()) == 1


# --- the archive ---------------------------------------------------------------------------------


def test_an_archive_round_trip_keeps_the_whole_evaluation(game, run, tmp_path):
    run("evaluate", game, "rate", "credible-pressure", "U", "--rationale", "No pressure at all")
    run("evaluate", game, "observe", "--objective", "credible-pressure", "--inject", "d2", "Nobody reacted")
    run("evaluate", game, "expect", "d2", "1", "not", "--team", "us")
    run("evaluate", game, "summary", "Short game.")
    run("evaluate", game, "finding", "Too short")
    run("end", game)
    run("feedback", game, "--team", "ukraine", "--rating", "3", "--comment", "Fine")
    _plan_game(game, run)
    archive = tmp_path / "e.toml"
    assert run("export", game, "-o", archive)[0] == 0
    copy = tmp_path / "copy.session"
    code, _, err = run("import", archive, "--session", copy)
    assert code == 0, err
    with Session.open(game) as original, Session.open(copy) as restored:
        assert restored.events() == original.events()
        kinds = {type(e).__name__ for e in restored.events()}
        assert {"ObjectiveRated", "ObservationRecorded", "ExpectedActionMarked", "SummaryWritten", "FindingRecorded",
                "FeedbackGiven", "PlanItemRecorded"} <= kinds
    assert report(run, copy).replace("copy.session", "e.session") == report(run, game)
    code, out, _ = run("evaluate", copy, "show", "--json")
    assert json.loads(out)["objectives"][2]["rating"]["rating"] == "U"


def test_the_situation_manual_and_show_list_the_exercise_objectives(run):
    code, out, _ = run("brief", FLAGSHIP)
    assert code == 0
    part = out[out.index("### Exercise objectives"):out.index("## 2. Background")]
    assert "1. **Coordinate the allied answer to a cease-fire proposal** (Allied coordination and consultation)" in part
    assert "unable to be performed (U)" in part
    code, out, _ = run("show", FLAGSHIP, "--width", "200")
    assert "EXERCISE OBJECTIVES (RATED P/S/M/U AFTER THE GAME)" in out
    assert "- Keep pressure on Moscow credible while the talks are open (credible-pressure) · Coercive diplomacy" in out


def test_feedback_from_an_unknown_team_names_the_teams_not_the_roles(game, run):
    """--team takes a team: the refusal lists the teams, not the facilitator and evaluator roles."""
    assert run("end", game, "--reason", "time")[0] == 0
    for team in ("nosuch", "evaluator", "facilitator"):
        code, _, err = run("feedback", game, "--team", team, "--rating", "3")
        assert code == 3, team
        assert err.strip().splitlines() == [
            f"exercise: refused: no team '{team}' (teams: us, russia, ukraine, europe)"], (team, err)


def test_an_expected_action_is_not_marked_for_a_team_the_inject_never_reached(tmp_path):
    from exercise.model import Inject, InjectKind
    from exercise.session import Refused

    flagship = load_scenario(find_scenario("ukraine-ceasefire-2025"))
    with Session.create(tmp_path / "g.session", flagship) as s:
        s.act(cmd.Advance())
        only = Inject("russia-only", "For Moscow", InjectKind.INFORMATION, "General Staff", "memo", "Only Russia.",
                      "bristow-2025", expected_actions=["Russia weighs the offer"])
        s.act(cmd.DeliverInject(only, ["russia"]))
        delivery = max(s.state.deliveries, key=lambda d: int(d[1:]))
        with pytest.raises(Refused, match=rf"^{delivery} went to Russian Federation only, not to Ukraine: mark it "
                                          r"for russia, or for the players as a whole \(no team\)$"):
            s.act(cmd.MarkExpected(delivery, 1, "met", "ukraine"))
        s.act(cmd.MarkExpected(delivery, 1, "met", "russia"))
        s.act(cmd.MarkExpected(delivery, 1, "partly"))
        assert len(s.state.evaluation.expected) == 2
