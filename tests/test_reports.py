"""The after-action report, the situation manual and team briefs; the report and brief commands.

The golden test plays a fixed game of the flagship scenario and compares the Markdown report
with tests/golden/flagship-report.md. After a deliberate change, regenerate it with

    UPDATE_GOLDEN=1 python -m pytest tests/test_reports.py -k golden

and read the diff before committing it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import attrs
import pytest
from jinja2.exceptions import UndefinedError

from exercise import bundled, reports
from exercise import commands as cmd
from exercise import events as ev
from exercise.cli import main
from exercise.loading import load_library, load_scenario
from exercise.model import Effects
from exercise.session import FACILITATOR, Session

REPO = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "flagship-report.md"
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])
FLAGSHIP = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))

NASTY = "<script>alert(1)</script> {{ 7*7 }} \"quotes' Кремль 日本語"
NASTY_HTML = "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} &#34;quotes&#39; Кремль 日本語"
NASTY_MD = "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7\\*7 }} \"quotes' Кремль 日本語"


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "exercise", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


# --- a scripted game of the flagship scenario -----------------------------------------------------


def play_flagship(path: Path) -> Session:
    """Three turns with moves, dice, a deal (later violated), commitments resolved, a skipped
    inject, an early end, hotwash notes and plan items. Fixed seed: the same game every time."""
    s = Session.create(path, FLAGSHIP, seed=20250318)

    def act(command, actor=FACILITATOR):
        return s.act(command, actor)

    # turn 1: the Kremlin's moratorium offer and the walkback read-in
    act(cmd.Advance())
    act(cmd.Submit("us", "threaten", "Secondary sanctions on buyers of Russian oil if there is no cease-fire by turn 3",
                   ["russia"]), "us")
    act(cmd.Submit("us", "consult-allies", "A common US-European line on the moratorium's terms", ["europe"]), "us")
    act(cmd.Submit("russia", "propose", "Energy moratorium for a halt to mobilisation", ["ukraine", "us"],
                   terms=["No strikes on energy infrastructure for 30 days", "Ukraine does not mobilise"]), "russia")
    act(cmd.Submit("russia", "public-statement", "Kyiv is the obstacle to peace"), "russia")
    act(cmd.Submit("ukraine", "concede", "Ready to freeze the line of contact, never to recognise it", ["russia"],
                   detail="Offered in public, before any talks."), "ukraine")
    act(cmd.Submit("europe", "promise", "EUR 20 billion for Ukraine's air defence this year", ["ukraine"]), "europe")
    act(cmd.Submit("europe", "sanction", "A 17th sanctions package on the shadow fleet", ["russia"],
                   arguments=["Enforcement is where the money is"]), "europe")
    act(cmd.Advance())
    act(cmd.Adjudicate("m1", "Moscow's buyers hedge", strong_for=1))
    act(cmd.Adjudicate("m2", strong_for=1))
    act(cmd.Adjudicate("m3", "Washington hesitates", strong_against=1))
    act(cmd.Adjudicate("m4", "It plays well in Moscow", outcome=ev.Outcome.PARTIAL))
    act(cmd.Adjudicate("m5"))
    act(cmd.Adjudicate("m6", "Deliveries start", outcome=ev.Outcome.SUCCESS, effects=Effects({"ukraine_defence": 1})))
    act(cmd.Adjudicate("m7", strong_for=2, strong_against=1))
    act(cmd.Respond("ukraine", "p1", ev.Answer.REJECT, "The rearmament condition is a trap"), "ukraine")
    act(cmd.Respond("ukraine", "p2", ev.Answer.COUNTER, "Without conditions",
                    ["A moratorium with no conditions on mobilisation"]), "ukraine")
    act(cmd.Advance())
    # turn 2: the 30-day cease-fire becomes a deal
    act(cmd.Advance())
    act(cmd.Note(FACILITATOR, "Teams asked for more time to read the cease-fire text"))
    act(cmd.Submit("us", "leader-call", "The President calls Putin about the 30-day cease-fire", ["russia"]), "us")
    act(cmd.Submit("russia", "respond", "Yes to a cease-fire in principle, once the underlying causes are addressed",
                   answers="p4"), "russia")
    act(cmd.Submit("ukraine", "consult-allies", "A common line with Europe on guarantees", ["europe"]), "ukraine")
    act(cmd.Submit("europe", "military-aid", "Air-defence systems bought with frozen-asset income", ["ukraine"]), "europe")
    act(cmd.Advance())
    for move in ("m8", "m9", "m10", "m11"):
        act(cmd.Adjudicate(move, strong_for=1))
    act(cmd.Respond("us", "p4", ev.Answer.ACCEPT), "us")
    act(cmd.Respond("ukraine", "p4", ev.Answer.ACCEPT), "ukraine")
    act(cmd.Respond("russia", "p4", ev.Answer.ACCEPT, "In principle"), "russia")
    act(cmd.Resolve("c1", "withdrawn", "A cease-fire was agreed before turn 3"))
    act(cmd.Resolve("c3", "carried_out"))
    act(cmd.Advance())
    # turn 3: a skipped inject, strikes during the pause, a European force
    act(cmd.Skip("t3-critical-minerals", "The US and Ukraine teams agreed to leave minerals for later"))
    act(cmd.Advance())
    act(cmd.Submit("russia", "strike", "Drone strikes on Odesa's port", ["ukraine"]), "russia")
    act(cmd.Submit("russia", "threaten", "Any European troops in Ukraine will be a legitimate target", ["europe"]), "russia")
    act(cmd.Submit("us", "promise", "Russia back at the G-7 once a settlement is signed", ["russia"]), "us")
    act(cmd.Submit("europe", "mobilise", "A European reassurance force deploys to Kyiv, Odesa and Lviv", ["all"]), "europe")
    act(cmd.Advance())
    for move in ("m12", "m13", "m14"):
        act(cmd.Adjudicate(move))
    act(cmd.Adjudicate("m15", "Trainers and air-defence crews, not a tripwire", outcome=ev.Outcome.SUCCESS,
                       effects=Effects({"escalation": 1}, {"reassurance_force": True})))
    act(cmd.Resolve("c2", "unreciprocated"))
    act(cmd.Resolve("c4", "carried_out", "Drones struck near a training base"))
    act(cmd.Resolve("p4", "violated", "Strikes on Odesa during the pause", by="russia"))
    # the hotwash
    act(cmd.End("The seminar ran out of time"))
    act(cmd.Note(FACILITATOR, "Sources were quoted in every argument", "strength"))
    act(cmd.Note(FACILITATOR, "Injects arrived faster than teams could read them", "improvement"))
    act(cmd.Note(FACILITATOR, "Kept Europe informed before every move", "strength", team="us"))
    act(cmd.Note(FACILITATOR, "Threats were made without a plan to carry them out", "improvement", team="us"))
    act(cmd.Note(FACILITATOR, "Write the enforcement plan before issuing a threat", "plan", team="us",
                 owner="NSC staff", due="2025-06"))
    act(cmd.Note(FACILITATOR, "No monitoring of the pause :: Set up a joint monitoring cell before the next cease-fire",
                 "plan", team="europe", owner="EU Council secretariat", due="2025-07"))
    act(cmd.Note(FACILITATOR, "Give teams a reading period before each turn", "plan", owner="Control cell"))
    # the evaluation (issue 12)
    act(cmd.Rate("coordinate-ceasefire-answer", "S", "The allies agreed an answer to the cease-fire, but Kyiv spoke first"))
    act(cmd.Observe("credible-pressure", "Moscow banked the G-7 promise without a step in return", "improvement",
                    team="us"), cmd.EVALUATOR)
    act(cmd.MarkExpected("d1", 1, "met", "ukraine", "Kyiv refused the no-rearmament term"), cmd.EVALUATOR)
    act(cmd.GiveFeedback("ukraine", 4, "Realistic pressure", ["Sources at hand"], ["More time per turn"]), "ukraine")
    act(cmd.WriteSummary("A cease-fire was agreed and then broken; Europe's force held the line."))
    act(cmd.RecordFinding("Threats were made without a plan to carry them out"))
    act(cmd.RecordPlanItem(note=1, fields={"objective": "credible-pressure", "element": "planning", "poc": "Deputy NSA"}))
    act(cmd.End())
    return s


@pytest.fixture(scope="module")
def flagship(tmp_path_factory):
    path = tmp_path_factory.mktemp("flagship") / "flagship.session"
    with play_flagship(path) as s:
        yield s


def render(session: Session, fmt: str) -> str:
    return reports.render("aar", fmt, reports.report_context(session.scenario, session.events(), session.state, fmt))


def test_golden_flagship_report(flagship):
    text = render(flagship, "md")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file yet: run with UPDATE_GOLDEN=1"
    expected = GOLDEN.read_text(encoding="utf-8")
    assert text == expected, "the report changed: read the diff, then regenerate with UPDATE_GOLDEN=1"


def test_golden_holds_what_the_game_did_and_nothing_of_the_machine(flagship):
    text = GOLDEN.read_text(encoding="utf-8")
    for expected in (
        "2d6 rolled",  # dice
        "A deal: Washington proposes a 30-day general cease-fire",
        "a deal, violated by Russian Federation in turn 3",
        "Withdrawn: threat by United States",  # commitments resolved
        "End state reached: **European security guarantee**",
        "| 1 (plan note 1 / ip1) | **Keep pressure on Moscow credible while the talks are open**: Coercive diplomacy: "
        "sanctions, threats and promises | Threats were made without a plan to carry them out (from the improvement "
        "notes) | Write the enforcement plan before issuing a threat (team: United States) | Planning | NSC staff | "
        "Deputy NSA | — | 2025-06 | Not started |",
        "| Rating | S: Performed with some challenges |",
        "| **d1** *Kremlin offers a 30-day halt to energy strikes, at a price* (turn 1, to everyone) | 1 | Separate the "
        "energy moratorium from the demand that Ukraine not mobilise or rearm, and refuse the demand | Ukraine | met |",
        "| **Ukraine** | 1 | 4 of 5 | 1 | 1 |",
        "| 2 (plan note 2) | — | No monitoring of the pause | Set up a joint monitoring cell before the next cease-fire",
        "Inject skipped: *Munitions for minerals: a US-Ukraine deal*",
        "Red line crossed",
        "[bristow-2025: *How to Negotiate With Putin*]",
    ):
        assert expected in text, expected
    assert not re.search(r"\d{1,2}:\d{2}(:\d{2})?", text), "no clock times"
    assert not re.search(r"(?<![\w-])/(tmp|home|work|Users|var)/", text), "no absolute paths"
    assert "\\" not in re.sub(r"\\[!-/:-@\[-`{-~]", "", text), "no Windows paths (Markdown's escapes aside)"
    assert "flagship.session" not in text


def test_same_game_same_report(flagship, tmp_path):
    with play_flagship(tmp_path / "again.session") as again:
        assert render(again, "md") == render(flagship, "md")
        assert render(again, "html") == render(flagship, "html")


def test_html_is_one_self_contained_printable_file(flagship):
    html = render(flagship, "html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "@media print" in html and "@page" in html
    assert "<script" not in html.lower()
    for external in ("<link", " src=", "@import", "url(", "https://", "@font-face"):
        assert external not in html, external
    assert html.count("<svg") == len(FLAGSHIP.tracks), "one chart per track"
    assert ("<title>Escalation: 6 at the start, 9 at the end (range 0 to 10); highest 9 in turn 3, "
            "lowest 5 in turn 2</title>") in html
    for anchor in ("overview", "summary", "analysis", "timeline", "tracks", "ledger", "red_lines", "proposals",
                   "end_state", "plan", "method"):
        assert f'<section id="{anchor}">' in html


# --- report fixes (issue 12) -------------------------------------------------------------------------


def _section(text: str, heading: str) -> str:
    """The Markdown from a heading to the next heading of any level."""
    start = text.index(heading + "\n") + len(heading) + 1
    following = re.search(r"^#{1,6} ", text[start:], flags=re.M)
    return text[start:start + following.start()] if following else text[start:]


def test_the_summary_lists_the_strengths_and_areas_noted_about_teams(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.End("time"))
        s.act(cmd.Note(FACILITATOR, "Blue read the board well", "strength", team="blue"))
        s.act(cmd.Note(FACILITATOR, "Red was slow to answer", "improvement", team="red"))
        s.act(cmd.Note(FACILITATOR, "The cell kept time", "strength"))
        text = render(s, "md")
        html = render(s, "html")
    strengths = _section(text, "### Major strengths")
    assert "- Blue read the board well (Blue, turn 1)" in strengths
    assert "- The cell kept time (turn 1)" in strengths and "None" not in strengths
    areas = _section(text, "### Primary areas for improvement")
    assert "- Red was slow to answer (Red, turn 1)" in areas and "None" not in areas
    assert "<li>Blue read the board well (Blue, turn 1)</li>" in html


def test_a_peak_within_a_turn_shows_in_the_table_the_text_and_the_chart(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("red", "threaten", "Up"), "red")
        s.act(cmd.Submit("blue", "propose", "Down", ["red"]), "blue")
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": 4})))  # 5 -> 9
        s.act(cmd.Adjudicate("m2", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": -4})))  # 9 -> 5
        text, html = render(s, "md"), render(s, "html")
    assert "| Tension (tension) | 0–10 | 5 | 5 (high 9) | 9 in turn 1 | 5 at the start |" in text
    assert ("- **Tension** reached its highest, 9, in turn 1 after ruling on m1 (Red: Up); "
            "it ended the turn at 5.") in text
    (chart,) = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert "highest 9 in turn 1, lowest 5 at the start</title>" in chart
    assert chart.count('class="spike"') == 1 and chart.count('class="spike-dot"') == 1
    assert re.search(r'class="spike-label"[^>]*>9</text>', chart), "the peak's value is labelled"


# --- what players typed is data ---------------------------------------------------------------------


def play_nasty(path: Path) -> Session:
    s = Session.create(path, MINIMAL)
    s.act(cmd.Advance())
    s.act(cmd.Submit("blue", "propose", NASTY, ["red"], detail=NASTY, terms=[NASTY]), "blue")
    s.act(cmd.Submit("red", "threaten", NASTY, arguments=[NASTY]), "red")
    s.act(cmd.Advance())
    s.act(cmd.Adjudicate("m1", NASTY, outcome=ev.Outcome.SUCCESS))
    s.act(cmd.Adjudicate("m2", NASTY, strong_for=1))
    s.act(cmd.Respond("red", "p2", ev.Answer.REJECT, NASTY), "red")
    s.act(cmd.Resolve("c1", "carried_out", NASTY))
    s.act(cmd.Note("blue", NASTY))
    s.act(cmd.End(NASTY))
    s.act(cmd.Note(FACILITATOR, NASTY, "strength"))
    s.act(cmd.Note(FACILITATOR, NASTY, "improvement", team="red"))
    s.act(cmd.Note(FACILITATOR, NASTY, "plan", owner=NASTY, due=NASTY))
    s.act(cmd.End())
    return s


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    with play_nasty(tmp_path_factory.mktemp("nasty") / "nasty.session") as s:
        yield s


def _outside_style_and_svg(html: str) -> str:
    return re.sub(r"<(style|svg)\b.*?</\1>", "", html, flags=re.S)


def test_html_escapes_everything_players_typed(nasty):
    html = render(nasty, "html")
    assert "<script>" not in html and "alert(1)</script>" not in html
    assert html.count(NASTY_HTML) >= 12, "headline, detail, terms, arguments, narratives, notes, reasons, plan"
    assert "{{ 7*7 }}" in html, "template syntax typed by a player stays literal"
    assert "49" not in _outside_style_and_svg(html), "never evaluated"
    assert "Кремль 日本語" in html


def test_markdown_shows_what_players_typed_as_text(nasty):
    text = render(nasty, "md")
    assert "<script>" not in text and "alert(1)</script>" not in text
    assert text.count(NASTY_MD) >= 12, "headline, detail, terms, arguments, narratives, notes, reasons, plan"
    assert "49" not in text, "never evaluated"


INJECTIONS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "# Heading typed", "a | b | c",
    "[click](javascript:alert(3))", "![pixel](http://tracker.invalid/p.png)", "**loud**", "- listed",
    "1. numbered", "> quoted", "``` fenced", "~~~ tilde", "<!-- comment", "&lt;b&gt;entity",
    "<http://auto.invalid>", "_under_ and back\\slash",
]


def test_markdown_from_players_raises_no_html_and_no_markdown(tmp_path):
    markdown_it = pytest.importorskip("markdown_it")
    everything = " ".join(INJECTIONS)
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        for turn in range(3):  # each turn's texts start with another of them
            typed = f"{INJECTIONS[turn + 2]} {everything}"
            s.act(cmd.Advance())
            s.act(cmd.Submit("blue", "propose", typed, ["red"], detail=typed, terms=[typed]), "blue")
            s.act(cmd.Submit("red", "threaten", typed, arguments=[typed]), "red")
            s.act(cmd.Advance())
            for move in s.state.turn_moves():
                s.act(cmd.Adjudicate(move.id, typed, outcome=ev.Outcome.SUCCESS))
            for proposal in [p.id for p in s.state.proposals.values() if p.status == "open"]:
                s.act(cmd.Respond("red", proposal, ev.Answer.REJECT, typed), "red")
            s.act(cmd.Resolve(f"c{turn + 1}", "carried_out", typed))
            s.act(cmd.Note("blue", typed))
            if turn < 2:
                s.act(cmd.Advance())
        s.act(cmd.End(everything))
        for typed in INJECTIONS:  # each at the start of a note of every kind
            s.act(cmd.Note(FACILITATOR, typed, "strength"))
            s.act(cmd.Note(FACILITATOR, typed, "improvement", team="red"))
            s.act(cmd.Note(FACILITATOR, typed, "plan", team="blue", owner=typed, due=typed))
        s.act(cmd.End())
        text = render(s, "md")
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)
    for tag in ("<script", "<img", "<!--", "<b>", "<blockquote", "<pre", "<del", "<s>", 'href="javascript',
                'href="http://auto', "<strong>loud"):
        assert tag not in html, tag
    assert "Heading typed" not in "".join(re.findall(r"<h\d>.*?</h\d>", html)), "no heading of a player's"
    assert "<li>listed" not in html and "<li>numbered" not in html, "no list of a player's"
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        widths = {row.count("<td") + row.count("<th") for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)}
        assert len(widths) == 1, "a player's pipe splits no cell"
    shown = re.sub(r"<[^>]+>", "", html)  # what a reader sees, as text
    for typed in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "# Heading typed", "a | b | c",
                  "[click](javascript:alert(3))", "**loud**", "&lt;b&gt;entity", "_under_ and back\\slash"):
        assert typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in shown, typed


def test_a_players_text_cannot_break_a_markdown_table(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("red", "threaten", "a | b\nc"), "red")
        s.act(cmd.Advance())
        text = render(s, "md")
    assert "| a \\| b c (m1) |" in text


def test_scenario_text_is_escaped_in_briefs_and_the_manual():
    team = MINIMAL.teams["blue"]
    scenario = attrs.evolve(MINIMAL, teams={**MINIMAL.teams, "blue": attrs.evolve(team, name=NASTY, role=NASTY)},
                            info=attrs.evolve(MINIMAL.info, background=f"# Heading\n\n{NASTY} **bold**"))
    manual = reports.render("manual", "html", reports.manual_context(scenario, "html"))
    brief = reports.render("brief", "html", reports.brief_context(scenario, "blue", "html"))
    for html in (manual, brief):
        assert "<script>" not in html and NASTY_HTML in html
    assert "<strong>bold</strong>" in manual, "the background's own Markdown is rendered"


def test_an_interim_report_says_so_and_keeps_hidden_moves_hidden(tmp_path):
    with Session.create(tmp_path / "g.session", MINIMAL) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "propose", "BLUE-HIDDEN"), "blue")
        for fmt in ("md", "html"):
            text = render(s, fmt)
            assert "Interim report: the game is in turn 1 of 3 (moves)." in text
            assert "BLUE-HIDDEN" not in text
            assert "has 1 not yet revealed" in text


# --- templates ------------------------------------------------------------------------------------


def test_bundled_templates_fail_loudly_on_undefined_data(nasty):
    context = reports.report_context(nasty.scenario, nasty.events(), nasty.state)
    for missing in ("report", "scenario"):
        broken = {k: v for k, v in context.items() if k != missing}
        with pytest.raises(UndefinedError):
            reports.render("aar", "md", broken)
    # a field missing deep inside the data fails as loudly
    data = attrs.asdict(context["report"], recurse=False)
    data["counts"] = {k: v for k, v in attrs.asdict(data["counts"]).items() if k != "deals"}
    with pytest.raises(UndefinedError, match="deals"):
        reports.render("aar", "html", {**context, "report": data})
    manual = reports.manual_context(MINIMAL)
    del manual["schedule"]
    with pytest.raises(UndefinedError):
        reports.render("manual", "md", manual)


def test_progress_is_reported_section_by_section(nasty):
    seen = []
    context = reports.report_context(nasty.scenario, nasty.events(), nasty.state, "html")
    reports.render("aar", "html", context, progress=lambda done, total: seen.append((done, total)))
    total = seen[0][1]
    assert seen == [(i, total) for i in range(1, total + 1)] and total >= 10


def test_write_report_from_a_worker_thread(nasty, tmp_path):
    out = tmp_path / "report.html"
    seen, errors = [], []

    def work():
        try:  # the session was opened in the main thread; SQLite connections belong to their thread
            reports.write_report(nasty, "html", out, progress=lambda d, t: seen.append((d, t)))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert errors == []
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)
    md = reports.write_report(nasty.path, "md", tmp_path / "report.md")
    assert NASTY_MD in md.read_text(encoding="utf-8")


def test_write_report_pdf_without_weasyprint(nasty, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint raises ImportError
    with pytest.raises(reports.ReportError, match=re.escape(reports.PDF_MISSING)):
        reports.write_report(nasty, "pdf", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


# --- the commands ---------------------------------------------------------------------------------


@pytest.fixture
def session_file(nasty, tmp_path):
    return nasty.path


def test_report_command_writes_markdown_and_html(session_file, tmp_path):
    result = run("report", session_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Minimal") and NASTY_MD in result.stdout
    out = tmp_path / "r.html"
    result = run("report", session_file, "-o", out)  # the suffix picks HTML
    assert result.returncode == 0 and f"wrote {out}" in result.stderr
    assert NASTY_HTML in out.read_text(encoding="utf-8")
    result = run("report", session_file, "--format", "html")
    assert result.returncode == 0 and result.stdout.startswith("<!DOCTYPE html>")


def test_brief_command_writes_the_manual_and_team_briefs(tmp_path):
    result = run("brief", "ukraine-ceasefire-2025")
    assert result.returncode == 0, result.stderr
    manual = result.stdout
    assert manual.startswith("# After the Call") and "**Situation Manual**" in manual
    assert "Is a pause in energy strikes worth having" in manual, "discussion questions"
    assert "Washington presses its full 30-day cease-fire" not in manual, "no controller notes"
    assert "Separate the energy moratorium from the demand" not in manual, "no expected actions"
    assert "Munitions for minerals" not in manual, "an inject sent to two teams only is not public"
    assert "Both sides report violations of the pause" not in manual, "nor is a triggered one"
    result = run("brief", "ukraine-ceasefire-2025", "--team", "us", "--format", "html", "-o", tmp_path / "us.html")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "us.html").read_text(encoding="utf-8")
    assert "The dilemma strategy: Plan A Norway, Plan B Israel" in html
    assert "<cite>The Right U.S. Strategy for Russia-Ukraine Negotiations</cite>" in html
    assert "Plan A should be the Norway model" in html, "advisor quotes"
    assert "No further eastward expansion of NATO" not in html, "no other team's red lines"
    result = run("brief", DATA / "scenarios" / "minimal.toml", "--library", DATA / "injects", "--team", "red")
    assert result.returncode == 0 and "# Red" in result.stdout


@pytest.mark.parametrize("args, code, words", [
    (["report", "missing.session"], 1, "no such session file"),
    (["report", "{session}", "--format", "pdf"], 2, "a PDF needs an output file"),
    (["report", "{session}", "--format", "docx"], 2, "invalid choice"),
    (["report", "{session}", "-o", "{tmp}/no/such/dir/r.md"], 1, "cannot be written"),
    (["report", "{session}", "--template", "{tmp}/absent.j2"], 1, "no such template file"),
    (["brief", "no-such-scenario"], 1, "no scenario 'no-such-scenario'"),
    (["brief", "ukraine-ceasefire-2025", "--team", "nato"], 1, "no team 'nato'"),
])
def test_command_errors_are_one_line_with_exit_codes(session_file, tmp_path, args, code, words):
    args = [a.format(session=session_file, tmp=tmp_path) for a in args]
    result = run(*args)
    assert result.returncode == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1


def test_pdf_with_weasyprint(session_file, tmp_path):
    pytest.importorskip("weasyprint")
    out = tmp_path / "r.pdf"
    assert main(["report", str(session_file), "-o", str(out), "-q"]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_pdf_without_weasyprint_says_how_to_install_it(session_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    out = tmp_path / "r.pdf"
    assert main(["report", str(session_file), "--format", "pdf", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "exercise: PDF needs WeasyPrint: pip install 'exercise[pdf]'"
    assert not out.exists()
    assert main(["brief", "ukraine-ceasefire-2025", "-o", str(tmp_path / "m.pdf")]) == 1
    assert "PDF needs WeasyPrint" in capsys.readouterr().err


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ report.__class__ }}",
    "{{ scenario.source.__globals__ }}",
    "{{ source.__code__ }}",
    "{% for x in range(10**9) %}{% endfor %}",
])
def test_user_templates_cannot_reach_python_internals(session_file, tmp_path, template):
    path = tmp_path / "evil.md.j2"
    path.write_text("line one\n" + template + "\n", encoding="utf-8")
    result = run("report", session_file, "--template", path)
    assert result.returncode == 1
    assert result.stdout == "", "no output at all"
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{path}:2:" in result.stderr


def test_user_template_errors_name_file_and_line(session_file, tmp_path):
    bad = tmp_path / "bad.j2"
    bad.write_text("ok\nok\n{% for x in %}\n", encoding="utf-8")
    result = run("report", session_file, "--template", bad)
    assert result.returncode == 1 and result.stderr.startswith(f"exercise: {bad}:3: ")
    undefined = tmp_path / "undefined.j2"
    undefined.write_text("{{ report.title }}\n{{ report.no_such_field }}\n", encoding="utf-8")
    result = run("report", session_file, "--template", undefined)
    assert result.returncode == 1 and f"{undefined}:2: UndefinedError" in result.stderr


def test_user_template_autoescapes_by_the_format_not_the_file_name(session_file, tmp_path):
    # select_autoescape would look at '.j2' only and leave this unescaped
    path = tmp_path / "mine.html.j2"
    path.write_text("{% for t in report.timeline %}{% for i in t.items if i.kind == 'move' %}"
                    "[{{ i.headline }}]{% endfor %}{% endfor %}|{{ report.counts.moves }}", encoding="utf-8")
    html = run("report", session_file, "--template", path, "--format", "html")
    assert html.returncode == 0, html.stderr
    assert html.stdout == f"[{NASTY_HTML}][{NASTY_HTML}]|2"
    md = run("report", session_file, "--template", path, "--format", "md")
    assert md.stdout == f"[{NASTY}][{NASTY}]|2"


def test_user_templates_may_import_the_bundled_macros(session_file, tmp_path):
    path = tmp_path / "short.html"
    path.write_text('{% import "html.j2" as f %}{% import "aar.j2" as aar %}'
                    "{{ aar.plan(report, scenario, f, 'Plan') }}", encoding="utf-8")
    result = run("report", session_file, "--template", path, "--format", "html")
    assert result.returncode == 0, result.stderr
    assert '<section id="plan">' in result.stdout and NASTY_HTML in result.stdout
