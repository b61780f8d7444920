"""The evaluator's console and join code (issue 12): made by the app factory like the others,
it records observations and ratings through the session; a browser's join code opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_async
from test_tui import FLAGSHIP, choose, rows, type_into
from textual.widgets import Input

from exercise import commands as cmd
from exercise import events as ev
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.evaluator import EvaluatorScreen
from exercise.web import tab_title


@pytest.fixture
def game(tmp_path: Path) -> Path:
    path = tmp_path / "e.session"
    with Session.create(path, FLAGSHIP) as session:
        session.act(cmd.Advance())  # turn 1's injects delivered
    return path


@run_async
async def test_the_evaluator_records_an_observation_and_a_rating_from_its_console(game):
    app = make_app(game, cmd.EVALUATOR, poll=False)
    async with app.run_test(size=(140, 44)) as pilot:
        assert isinstance(app.screen, EvaluatorScreen)
        assert "evaluator" in app.title
        assert [r[0] for r in rows(app, "#objectives")] == list(FLAGSHIP.exercise_objectives)
        await choose(pilot, "#ev-objective", "guarantees-before-pause")
        await choose(pilot, "#ev-kind", "improvement")
        await choose(pilot, "#ev-inject", "d1")
        await choose(pilot, "#ev-team", "ukraine")
        await type_into(pilot, "#ev-text", "No one asked what follows the pause [b]x[/b]")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#ev-text", Input).value == ""
        assert rows(app, "#observations")[0][1:] == ["1", "guarantees-before-pause", "improvement", "d1, ukraine",
                                                      "No one asked what follows the pause [b]x[/b]"]
        await type_into(pilot, "#ev-rationale", "Refused without a rating")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#ev-rationale", Input).value == "Refused without a rating"  # nothing lost
        await choose(pilot, "#ev-rating", "U")
        await type_into(pilot, "#ev-rationale", "No guarantee was discussed", clear=True)
        await pilot.press("enter")
        await pilot.pause()
        assert rows(app, "#objectives")[1][:3] == ["guarantees-before-pause", "U", "1"]
    with Session.open(game) as session:
        rated = [e for e in session.events() if isinstance(e, ev.ObjectiveRated)]
        assert [(e.objective, e.rating, e.rationale, e.author) for e in rated] == [
            ("guarantees-before-pause", "U", "No guarantee was discussed", "evaluator")]


def test_serve_issues_an_evaluator_code_and_names_its_tab(game):
    with Session.open(game) as session:
        assert session.roles()[:2] == ["facilitator", "evaluator"]
        code = session.issue_join_code(cmd.EVALUATOR)
        assert session._check_code(code) == cmd.EVALUATOR
        assert tab_title(session, cmd.EVALUATOR).startswith("Evaluator")


@run_async
async def test_a_team_gives_its_feedback_from_its_console_at_the_hotwash(game):
    from textual.widgets import TextArea

    from exercise.tui.feedback import FeedbackScreen

    app = make_app(game, "ukraine", poll=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        await choose(pilot, "#fb-rating", "4")
        app.screen.query_one("#fb-strengths", TextArea).text = "Realistic injects\n\nSources at hand"
        await type_into(pilot, "#fb-comments", "More time")
        await pilot.press("ctrl+s")  # refused before the hotwash: the dialog and its text stay
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.query_one("#fb-comments", Input).value == "More time"
        with Session.open(game) as session:
            session.act(cmd.End("time"))
        app.session.refresh()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FeedbackScreen)
    with Session.open(game) as session:
        given = [e for e in session.events() if isinstance(e, ev.FeedbackGiven)]
        assert [(e.team, e.author, e.rating, e.strengths, e.comments) for e in given] == [
            ("ukraine", "ukraine", 4, ["Realistic injects", "Sources at hand"], "More time")]


@run_async
async def test_the_evaluator_marks_expected_actions_from_the_console(game):
    app = make_app(game, cmd.EVALUATOR, poll=False)
    async with app.run_test(size=(140, 50)) as pilot:
        assert [r[:3] for r in rows(app, "#expected")][:2] == [["d1", "1", "—"], ["d1", "2", "—"]]
        await choose(pilot, "#ev-team", "europe")
        await pilot.press("escape", "e", "down", "p")  # the choice moved on to the text field: leave it first
        await pilot.pause()
        assert rows(app, "#expected")[1][:3] == ["d1", "2", "europe partly"]
    with Session.open(game) as session:
        marks = [e for e in session.events() if isinstance(e, ev.ExpectedActionMarked)]
        assert [(m.delivery, m.action, m.status, m.team, m.author) for m in marks] == [("d1", 2, "partly", "europe", "evaluator")]


@run_async
async def test_f1_and_the_question_mark_show_the_evaluator_every_key_of_its_console(game):
    from exercise.tui.help import HelpScreen

    app = make_app(game, cmd.EVALUATOR, poll=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen), "F1 opens the help, as in the other consoles"
        text = app.screen.text()
        for key, what in [("o", "observation form"), ("r", "rating form"), ("e", "expected actions"),
                          ("m", "met"), ("p", "partly"), ("n", "not met")]:
            assert any(line.startswith(f"{key}:") and what in line for line in text.splitlines()), (key, what)
        assert "Ctrl+Q" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EvaluatorScreen)
        await pilot.press("question_mark")  # where no text field has the focus
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


@run_async
async def test_the_facilitator_chooses_who_the_report_is_for_in_its_dialog(game):
    """The console's report is control's unless the facilitator asks for the participants' one,
    the one to hand to the teams (no private ruling, note or observation)."""
    from textual.widgets import Select, Static

    from exercise.tui.report import ReportScreen

    with Session.open(game) as session:
        session.act(cmd.Observe("credible-pressure", "EVAL-ONLY-OBSERVATION"), cmd.EVALUATOR)
    app = make_app(game, "facilitator", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.query_one("#report-audience", Select).value == "control"
        await choose(pilot, "#report-audience", "participants")
        path = app.screen.query_one("#report-path", Input).value
        assert path.endswith("e-participants-report.html"), path
        await pilot.click("#report-write")
        for _ in range(150):
            await pilot.pause(0.1)
            if str(app.screen.query_one("#report-result", Static).render()).startswith("Written"):
                break
    text = (game.parent / "e-participants-report.html").read_text(encoding="utf-8")
    assert "After-Action Report" in text and "participants: what every team may see" in text
    assert "EVAL-ONLY-OBSERVATION" not in text


@run_async
async def test_the_evaluator_sees_how_far_the_rating_has_got_in_a_wide_terminal_too(game):
    from textual.widgets import Static

    with Session.open(game) as session:
        session.act(cmd.Rate("credible-pressure", "S", "Threats half kept"), cmd.EVALUATOR)
    app = make_app(game, cmd.EVALUATOR, poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#ev-status", Static)
        assert line.display and line.region.height == 1, "shown, not only where the sidebar is hidden"
        assert str(line.render()).startswith("1 of 3 exercise objective(s) rated · 0 observation(s)")


@run_async
async def test_the_facilitator_sees_the_teams_feedback_in_the_hotwash_tab_as_it_comes(game):
    with Session.open(game) as session:
        session.act(cmd.End("time"))
        session.act(cmd.GiveFeedback("us", 4, "More [b]time[/b]", ["Real injects"], ["Shorter turns"]), "us")
    app = make_app(game, cmd.FACILITATOR, poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "tab-hotwash", "the hotwash phase shows its tab"
        assert rows(app, "#feedback") == [["us", "4/5", "More [b]time[/b]", "Real injects", "Shorter turns"]]
        with Session.open(game) as session:  # another team's, from its own console
            session.act(cmd.GiveFeedback("russia", None, "", ["Talks track"]), "russia")
        app.check_for_changes()
        await pilot.pause()
        assert rows(app, "#feedback")[1] == ["russia", "—", "", "Talks track", ""]
    with Session.open(game) as session:
        assert session.view("ukraine").feedback is None, "a team's view holds none of it"
        assert [f.team for f in session.view(cmd.EVALUATOR).feedback] == ["us", "russia"]
