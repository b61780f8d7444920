"""The same seed and the same commands give the same game, byte for byte, and an archive replays it.

Hypothesis draws sequences of commands from the engine's command classes, with arguments
chosen from the scenario and the current state (teams and their levers, move ids, proposals
and their parties, the inject queue, commitments), so that most are legal; the rest are
refused, and a refused command must write nothing. Each sequence is played on two fresh
session files created with the same seed: every command must give the same events (or the
same refusal) on both, and ``archive.export_text`` must give identical text. The archive is
then imported into a third file, which must reach the same state and export the same text.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from exercise import archive, bundled
from exercise import commands as cmd
from exercise import events as ev
from exercise.engine import COMMITMENT_STATUSES, NOTE_CATEGORIES, Refused
from exercise.loading import load_library, load_scenario
from exercise.model import ALL_TEAMS, Effects, Scenario
from exercise.session import FACILITATOR, Session
from exercise.state import replay

DATA = Path(__file__).parent / "data"

FLAGSHIP = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))
FLAGSHIP_LIBRARY = load_library()[0].injects
TEST_LIBRARY = load_library([DATA / "injects"])[0]
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", TEST_LIBRARY)

SCENARIOS = {
    "flagship": (FLAGSHIP, {**FLAGSHIP_LIBRARY, **FLAGSHIP.injects}),
    "minimal": (MINIMAL, {**TEST_LIBRARY.injects, **MINIMAL.injects}),
}


def _no_crlf(text: str) -> str:
    """Windows line ends become plain ones, as the session does on the way in."""
    return re.sub(r"\r+\n", "\n", text)


# Text typed by players: mostly plain, sometimes anything (quotes, newlines, other scripts).
texts = st.one_of(
    st.sampled_from(["Hold the line", "Offer talks", "A cease-fire now", "Sanctions stay", "x"]),
    st.text(max_size=30).map(_no_crlf),
)
short_texts = st.one_of(st.sampled_from(["", "In principle", "Not now"]), st.text(max_size=12).map(_no_crlf))


def _one_of(data, items, fallback):
    """Mostly one of ``items``; sometimes (or when there is none) ``fallback``, a name that may not exist."""
    items = list(items)
    if items and data.draw(st.integers(0, 9)) < 9:
        return data.draw(st.sampled_from(items))
    return fallback


def _targets(data, scenario: Scenario) -> list[str]:
    return data.draw(st.lists(st.sampled_from([*scenario.teams, ALL_TEAMS]), max_size=3, unique=True))


def _effects(data, scenario: Scenario) -> Effects | None:
    choice = data.draw(st.integers(0, 9))
    if choice < 4:
        return None  # the move kind's defaults for the outcome
    tracks = data.draw(st.dictionaries(st.sampled_from([*scenario.tracks, *(["morale"] if choice == 9 else [])]),
                                       st.integers(-4, 4), max_size=3))
    flags = data.draw(st.dictionaries(st.sampled_from(list(scenario.flags)), st.booleans(), max_size=2))
    return Effects(tracks, flags)


def _actor_for(data, scenario: Scenario, team: str) -> str:
    """The team itself, the facilitator in its seat, or now and then another team."""
    choice = data.draw(st.integers(0, 19))
    return team if choice < 16 else FACILITATOR if choice < 19 else data.draw(st.sampled_from(list(scenario.teams)))


def _facilitator_mostly(data, scenario: Scenario) -> str:
    return FACILITATOR if data.draw(st.integers(0, 19)) else data.draw(st.sampled_from(list(scenario.teams)))


# What a facilitator or a team would most likely do next in each phase (repeats weigh more).
LIKELY = {
    ev.Phase.BRIEFING: ["advance"] * 4 + ["deliver", "skip", "inject", "note", "respond"],
    ev.Phase.MOVES: ["submit"] * 6 + ["revise", "withdraw", "ready", "ready", "respond", "respond", "inject", "note"]
    + ["advance"] * 3,
    ev.Phase.ADJUDICATION: ["adjudicate"] * 5 + ["resolve", "resolve", "respond", "deliver", "note"]
    + ["advance"] * 2,
    ev.Phase.HOTWASH: ["note"] * 4 + ["resolve", "end"],
    ev.Phase.ENDED: ["note", "end", "advance"],
}
ANY = sorted({kind for kinds in LIKELY.values() for kind in kinds})


def draw_command(data, scenario: Scenario, injects: dict, session: Session) -> tuple[cmd.Command, str]:
    """A command and its actor, chosen from the scenario and the session's current state."""
    state = session.state
    teams = list(scenario.teams)
    open_moves = [m for m in state.moves.values() if m.status == "submitted" and m.turn == state.turn]
    unruled = [m.id for m in state.moves.values() if m.revealed and m.ruling is None]
    open_proposals = [p for p in state.proposals.values() if p.status == "open"]
    kind = data.draw(st.sampled_from(LIKELY[state.phase] if data.draw(st.integers(0, 9)) else ANY))
    if kind == "end" and state.phase not in (ev.Phase.HOTWASH, ev.Phase.ENDED) and data.draw(st.integers(0, 3)):
        kind = "advance"  # ending early is rare
    if kind == "adjudicate" and not unruled and data.draw(st.integers(0, 9)):
        kind = "advance"  # nothing left to rule on
    if kind == "submit":
        team = _one_of(data, teams, "nobody")
        kinds = scenario.team_kinds(team) if team in scenario.teams else list(scenario.move_kinds)
        move_kind = _one_of(data, kinds, data.draw(st.sampled_from(list(scenario.move_kinds))))
        answers = data.draw(st.sampled_from(["", "", *state.deliveries, *state.proposals, "d99"]))
        command = cmd.Submit(team, move_kind, data.draw(texts), _targets(data, scenario), data.draw(short_texts),
                             answers, data.draw(st.lists(texts, max_size=2)), data.draw(st.lists(texts, max_size=2)))
        return command, _actor_for(data, scenario, team)
    if kind in ("revise", "withdraw"):
        move = _one_of(data, [m.id for m in open_moves] or list(state.moves), "m99")
        team = state.moves[move].team if move in state.moves else data.draw(st.sampled_from(teams))
        if kind == "withdraw":
            return cmd.Withdraw(team, move), _actor_for(data, scenario, team)
        command = cmd.Revise(team, move, data.draw(texts), _targets(data, scenario), data.draw(short_texts),
                             "", data.draw(st.lists(texts, max_size=2)), data.draw(st.lists(texts, max_size=2)))
        return command, _actor_for(data, scenario, team)
    if kind == "ready":
        team = data.draw(st.sampled_from(teams))
        return cmd.Ready(team, data.draw(st.booleans())), _actor_for(data, scenario, team)
    if kind == "advance":
        return cmd.Advance(force=data.draw(st.integers(0, 3)) > 0), _facilitator_mostly(data, scenario)
    if kind == "deliver":
        return cmd.Deliver(_one_of(data, state.queue, "no-such-entry")), FACILITATOR
    if kind == "skip":
        reason = data.draw(st.sampled_from(["Not needed", "", "The teams are busy"]))
        return cmd.Skip(_one_of(data, state.queue, "no-such-entry"), reason), FACILITATOR
    if kind == "inject":
        inject = injects[data.draw(st.sampled_from(sorted(injects)))]
        recipients = data.draw(st.lists(st.sampled_from([*teams, ALL_TEAMS]), max_size=2, unique=True))
        return cmd.DeliverInject(inject, recipients), FACILITATOR
    if kind == "adjudicate":
        move = _one_of(data, unruled or list(state.moves), "m99")
        outcome = data.draw(st.sampled_from([None, None, *ev.Outcome]))
        command = cmd.Adjudicate(move, data.draw(short_texts), outcome, _effects(data, scenario),
                                 data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3)),
                                 data.draw(st.sampled_from([None, 0, 50, 100])), data.draw(st.booleans()))
        return command, _facilitator_mostly(data, scenario)
    if kind == "respond":
        proposal = _one_of(data, [p.id for p in open_proposals] or list(state.proposals), "p99")
        parties = state.proposals[proposal].parties if proposal in state.proposals else teams
        team = _one_of(data, parties, data.draw(st.sampled_from(teams)))
        answer = data.draw(st.sampled_from([ev.Answer.ACCEPT] * 8 + [ev.Answer.REJECT, ev.Answer.COUNTER]))
        terms = data.draw(st.lists(texts, min_size=0 if answer is not ev.Answer.COUNTER else 1, max_size=2))
        return cmd.Respond(team, proposal, answer, data.draw(short_texts), terms), _actor_for(data, scenario, team)
    if kind == "resolve":
        deals = [p.id for p in state.proposals.values() if p.status == "deal"]
        item = _one_of(data, [*state.commitments, *deals], "c99")
        if item in state.commitments:
            status = _one_of(data, COMMITMENT_STATUSES[state.commitments[item].kind], "broken")
            return cmd.Resolve(item, status, data.draw(short_texts)), FACILITATOR
        parties = state.proposals[item].parties if item in state.proposals else teams
        return cmd.Resolve(item, "violated", data.draw(short_texts), _one_of(data, parties, "")), FACILITATOR
    if kind == "note":
        author = data.draw(st.sampled_from([FACILITATOR] * 3 + teams))
        category = data.draw(st.sampled_from(["log"] * 4 if author != FACILITATOR else ["log", *NOTE_CATEGORIES]))
        if not data.draw(st.integers(0, 9)):
            category = data.draw(st.sampled_from([*NOTE_CATEGORIES, "gossip"]))
        command = cmd.Note(author, data.draw(texts), category, data.draw(st.sampled_from(["", *teams])),
                           data.draw(short_texts), data.draw(st.sampled_from(["", "2025-06-30"])))
        return command, author
    return cmd.End(data.draw(short_texts)), FACILITATOR


def play(data, scenario: Scenario, injects: dict, a: Session, b: Session, steps: int) -> tuple[int, int]:
    """The same commands on ``a`` and ``b``; returns how many were carried out and refused."""
    done = refused = 0
    for _ in range(steps):
        command, actor = draw_command(data, scenario, injects, a)
        outcome = []
        for session in (a, b):
            before = session.applied
            try:
                outcome.append(("events", session.act(command, actor)))
            except Refused as exc:
                outcome.append(("refused", str(exc)))
                assert session.applied == before
                assert session.journal.read(before) == [], "a refused command wrote to the journal"
        assert outcome[0] == outcome[1], (command, actor, outcome)
        if outcome[0][0] == "events":
            done += 1
        else:
            refused += 1
            assert outcome[0][1], "a refusal says why"
    return done, refused


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), seed=st.integers(0, 2**31 - 1), steps=st.integers(0, 120))
def test_same_seed_same_commands_same_archive(name, data, seed, steps):
    scenario, injects = SCENARIOS[name]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with (Session.create(tmp / "a.session", scenario, seed) as a,
              Session.create(tmp / "b.session", scenario, seed) as b):
            done, refused = play(data, scenario, injects, a, b, steps)
            event(f"reached turn {a.state.turn}, {a.state.phase.value}")
            event(f"{'most' if done > refused else 'few'} commands carried out")
            text = archive.export_text(a)
            assert archive.export_text(b) == text
            # the state is what replaying the journal gives
            replayed = Session.open(tmp / "a.session")
            with replayed:
                assert replayed.view() == a.view()
            assert replay(scenario, a.events()) == a.state
            (tmp / "a.toml").write_text(text, encoding="utf-8")
            with archive.import_archive(tmp / "a.toml", tmp / "c.session") as c:
                assert c.view() == a.view()
                for team in scenario.teams:
                    assert c.view(team) == a.view(team)
                assert archive.export_text(c) == text


def _assert_refused(session: Session, command: cmd.Command, actor: str) -> None:
    count, seq, text = len(session.events()), session.state.seq, archive.export_text(session)
    with pytest.raises(Refused) as exc:
        session.act(command, actor)
    assert str(exc.value), command
    assert len(session.events()) == count == seq == session.state.seq, command
    assert archive.export_text(session) == text
    with Session.open(session.path) as reopened:
        assert len(reopened.events()) == count


def test_refused_commands_write_nothing(tmp_path):
    with Session.create(tmp_path / "s.session", FLAGSHIP, 3) as session:
        session.act(cmd.Advance())
        session.act(cmd.Submit("us", "threaten", "Tariffs", ["russia"]), "us")
        for command, actor in [
            (cmd.Submit("china", "propose", "Mediate"), FACILITATOR),  # an unknown team
            (cmd.Submit("ukraine", "threaten", "Strike"), "ukraine"),  # a kind the team does not have
            (cmd.Submit("us", "propose", "x"), "russia"),  # a team acting for another
            (cmd.Submit("us", "propose", "   "), "us"),  # no headline
            (cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS), FACILITATOR),  # not revealed yet
            (cmd.Advance(), "us"),  # only the facilitator advances
            (cmd.Respond("europe", "p1", ev.Answer.ACCEPT), "europe"),  # not a party
            (cmd.Respond("ukraine", "p1", ev.Answer.COUNTER), "ukraine"),  # a counter without terms
            (cmd.Resolve("c1", "carried_out"), FACILITATOR),  # no commitment yet
            (cmd.Skip("t2-g7-readmission", "later"), FACILITATOR),  # not queued
            (cmd.Note("us", "Well done", "strength"), "us"),  # hotwash items are the facilitator's
        ]:
            _assert_refused(session, command, actor)
        session.act(cmd.Advance())  # moves closed and revealed: c1 opens
        for command, actor in [
            (cmd.Submit("us", "threaten", "Too late"), "us"),  # moves are closed
            (cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, effects=Effects({"morale": 1})), FACILITATOR),
            (cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, effects=Effects({}, {"peace": True})), FACILITATOR),
            (cmd.Resolve("c1", "reciprocated"), FACILITATOR),  # a threat is not reciprocated
            (cmd.Advance(), FACILITATOR),  # m1 has no ruling
        ]:
            _assert_refused(session, command, actor)


def test_windows_line_ends_survive_export_and_import(tmp_path):
    with Session.create(tmp_path / "a.session", FLAGSHIP, 1) as a:
        a.act(cmd.Advance())
        # a browser's textarea sends CR LF line ends
        a.act(cmd.Submit("us", "promise", "Arms", detail="line one\r\nline two"), "us")
        (tmp_path / "a.toml").write_text(archive.export_text(a), encoding="utf-8")
        with archive.import_archive(tmp_path / "a.toml", tmp_path / "c.session") as c:
            # line ends are made plain on the way in, so the original and the import agree
            assert a.view().moves[0].detail == "line one\nline two"
            assert c.view().moves[0].detail == "line one\nline two"
            assert archive.export_text(c) == archive.export_text(a)
