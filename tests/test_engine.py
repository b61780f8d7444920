"""The rules of a turn, on the minimal fixture scenario, through the session API."""

from pathlib import Path

import attrs
import pytest

from exercise import commands as cmd
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.model import Adjudication, Effects
from exercise.session import FACILITATOR, Refused, Session

DATA = Path(__file__).parent / "data"
LIBRARY, _ = load_library([DATA / "injects"])
SCENARIO = load_scenario(DATA / "scenarios" / "minimal.toml", LIBRARY)


@pytest.fixture
def session(tmp_path):
    with Session.create(tmp_path / "game.session", SCENARIO) as s:
        yield s


def with_method(method: Adjudication):
    return attrs.evolve(SCENARIO, info=attrs.evolve(SCENARIO.info, adjudication=method))


def types(events):
    return [type(e).__name__ for e in events]


def open_moves(s: Session) -> None:
    s.act(cmd.Advance())
    assert s.state.phase is ev.Phase.MOVES


def refused(s: Session, command, actor=FACILITATOR, words=""):
    before = s.journal.read(0)
    with pytest.raises(Refused) as err:
        s.act(command, actor)
    assert words in str(err.value)
    assert s.journal.read(0) == before, "a refused command writes nothing"
    return str(err.value)


def test_begin_queues_the_first_turn(session):
    assert session.state.turn == 1 and session.state.phase is ev.Phase.BRIEFING
    assert list(session.state.queue) == ["m1"]
    assert session.state.queue["m1"].reason == "scheduled for turn 1"


def test_advance_delivers_queue_and_tables_its_proposal(session):
    events = session.act(cmd.Advance())
    assert types(events) == ["InjectDelivered", "ProposalTabled", "PhaseChanged"]
    proposal = session.state.proposals["p1"]
    assert proposal.parties == ["blue", "red"] and proposal.origin == "d1"
    assert proposal.lapses_turn == 2  # tabled in turn 1, open for 2 turns


def test_moves_need_open_moves_a_real_team_its_levers_and_its_own_seat(session):
    refused(session, cmd.Submit("blue", "propose", "Talk"), "blue", "moves are not open")
    open_moves(session)
    refused(session, cmd.Submit("green", "propose", "Talk"), FACILITATOR, "no team 'green'")
    refused(session, cmd.Submit("blue", "threaten", "Or else"), "blue", "has no move kind 'threaten'")
    refused(session, cmd.Submit("blue", "propose", "Talk"), "red", "'red' cannot act for team 'blue'")
    refused(session, cmd.Submit("blue", "propose", "  "), "blue", "needs a headline")
    refused(session, cmd.Submit("blue", "propose", "Talk", targets=["green"]), "blue", "no team 'green'")
    session.act(cmd.Submit("blue", "propose", "Talk"), "blue")
    refused(session, cmd.Submit("blue", "propose", "Talk more"), "blue", "already has 1 move(s) this turn")
    # hot-seat: the facilitator may act for a team
    session.act(cmd.Submit("red", "threaten", "Or else"), FACILITATOR)
    assert [m.team for m in session.state.moves.values()] == ["blue", "red"]


def test_revise_and_withdraw_only_own_moves_while_open(session):
    open_moves(session)
    session.act(cmd.Submit("blue", "propose", "Talk", terms=["Stop"]), "blue")
    refused(session, cmd.Revise("red", "m1", "Mine now"), "red", "belongs to team 'blue'")
    session.act(cmd.Revise("blue", "m1", "Talk soon", detail="Next week"), "blue")
    assert session.state.moves["m1"].headline == "Talk soon"
    assert session.state.moves["m1"].terms == ["Stop"], "revising keeps a proposal's terms"
    session.act(cmd.Withdraw("blue", "m1"), "blue")
    refused(session, cmd.Withdraw("blue", "m1"), "blue", "was withdrawn")
    session.act(cmd.Submit("blue", "propose", "Talk again"), "blue")  # a withdrawn move frees the slot
    session.act(cmd.Advance())
    refused(session, cmd.Revise("blue", "m2", "Too late"), "blue", "can no longer be revised")
    assert session.state.moves["m1"].status == "withdrawn" and session.state.moves["m2"].revealed


def test_ready_resets_when_a_team_changes_its_moves(session):
    open_moves(session)
    session.act(cmd.Ready("blue"), "blue")
    assert session.state.ready == {"blue"}
    session.act(cmd.Submit("blue", "propose", "Talk"), "blue")
    assert session.state.ready == set()


def test_reveal_opens_commitments_tables_move_proposals_and_fires_after_move_injects(session):
    open_moves(session)
    session.act(cmd.Submit("red", "threaten", "Or else", targets=["blue"]), "red")
    session.act(cmd.Submit("blue", "propose", "Talk", targets=["red"], terms=["Stop", "Talk"]), "blue")
    events = session.act(cmd.Advance())
    assert types(events)[:5] == ["MovesRevealed", "CommitmentOpened", "ProposalTabled", "ProposalAnswered", "PhaseChanged"]
    assert session.state.commitments["c1"].kind == "threat"
    p2 = session.state.proposals["p2"]
    assert (p2.by, p2.parties, p2.terms, p2.answers) == ("blue", ["blue", "red"], ["Stop", "Talk"], {"blue": ev.Answer.ACCEPT})
    # m3 follows a 'threaten' move, but only from turn 2
    assert "m3" not in session.state.queue


def play_to_adjudication(s: Session, *moves) -> None:
    open_moves(s)
    for team, kind, headline in moves:
        s.act(cmd.Submit(team, kind, headline), team)
    s.act(cmd.Advance())


def test_matrix_ruling_rolls_2d6_with_arguments_and_applies_default_effects(session):
    play_to_adjudication(session, ("red", "threaten", "Or else"))
    refused(session, cmd.Adjudicate("m9"), FACILITATOR, "no move 'm9'")
    refused(session, cmd.Adjudicate("m1"), "red", "only the facilitator")
    (ruling, *_) = session.act(cmd.Adjudicate("m1", "Blue blinks", strong_for=2, strong_against=1))
    assert ruling.method == "matrix" and len(ruling.rolls) == 2 and ruling.modifier == 1
    success = sum(ruling.rolls) + 1 >= 7
    assert ruling.outcome is (ev.Outcome.SUCCESS if success else ev.Outcome.FAILURE)
    assert ruling.effects == (Effects({"tension": 1}) if success else Effects())
    assert session.state.tracks["tension"] == (6 if success else 5)
    refused(session, cmd.Adjudicate("m1"), FACILITATOR, "already has a ruling")


def test_dice_replay_identically_for_the_same_seed(tmp_path):
    rolls = []
    for name in ("a", "b"):
        with Session.create(tmp_path / f"{name}.session", SCENARIO, seed=42) as s:
            play_to_adjudication(s, ("red", "threaten", "Or else"))
            rolls.append(s.act(cmd.Adjudicate("m1"))[0].rolls)
    assert rolls[0] == rolls[1]


def test_ruling_on_unrevealed_move_and_unknown_track_are_refused(session):
    open_moves(session)
    session.act(cmd.Submit("red", "threaten", "Or else"), "red")
    refused(session, cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS), FACILITATOR, "not revealed yet")
    session.act(cmd.Advance())
    refused(session, cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, effects=Effects({"fear": 2})),
            FACILITATOR, "no track 'fear'")


def test_umpire_outcomes_partial_halves_and_tracks_stay_in_bounds(session):
    play_to_adjudication(session, ("red", "threaten", "Or else"), ("blue", "propose", "Talk"))
    session.act(cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": 9})))
    assert session.state.tracks["tension"] == 10  # clamped at max
    events = session.act(cmd.Adjudicate("m2", outcome=ev.Outcome.PARTIAL))
    assert events[0].method == "umpire" and events[0].effects == Effects()  # propose has no default effects
    assert any(isinstance(e, ev.ConditionChanged) and e.item == "war" and e.holds for e in session.events())


def test_umpire_method_needs_an_outcome_and_estimative_a_probability(tmp_path):
    with Session.create(tmp_path / "u.session", with_method(Adjudication.UMPIRE)) as s:
        play_to_adjudication(s, ("red", "threaten", "Or else"))
        refused(s, cmd.Adjudicate("m1"), FACILITATOR, "needs an outcome")
    with Session.create(tmp_path / "e.session", with_method(Adjudication.ESTIMATIVE)) as s:
        play_to_adjudication(s, ("red", "threaten", "Or else"))
        refused(s, cmd.Adjudicate("m1"), FACILITATOR, "probability")
        (ruling, *_) = s.act(cmd.Adjudicate("m1", probability=70))
        assert ruling.probability == 70 and 1 <= ruling.rolls[0] <= 100
        assert ruling.outcome is (ev.Outcome.SUCCESS if ruling.rolls[0] <= 70 else ev.Outcome.FAILURE)


def test_effects_given_for_a_roll_happen_only_if_it_succeeds(tmp_path):
    with Session.create(tmp_path / "m.session", SCENARIO) as s:  # matrix: 2d6 + for - against, 7 succeeds
        play_to_adjudication(s, ("red", "threaten", "Or else"), ("blue", "propose", "Talk"))
        failed = s.act(cmd.Adjudicate("m1", effects=Effects({"tension": 3}), strong_against=12))[0]
        assert failed.outcome is ev.Outcome.FAILURE and failed.effects == Effects()
        assert s.state.tracks["tension"] == 5
        won = s.act(cmd.Adjudicate("m2", effects=Effects({"tension": -2}), strong_for=12))[0]
        assert won.outcome is ev.Outcome.SUCCESS and won.effects == Effects({"tension": -2})
        assert s.state.tracks["tension"] == 3


def test_options_a_ruling_would_ignore_are_refused(tmp_path):
    with Session.create(tmp_path / "m.session", SCENARIO) as s:  # matrix
        play_to_adjudication(s, ("red", "threaten", "Or else"))
        refused(s, cmd.Adjudicate("m1", probability=60), FACILITATOR, "rolls 2d6 (matrix): give strong arguments for and against, not a probability")
        refused(s, cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, strong_for=2), FACILITATOR,
                "an outcome given by hand takes no dice options (drop strong arguments)")
        refused(s, cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, probability=0), FACILITATOR, "a probability")
        assert s.act(cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS))[0].method == "umpire"
    with Session.create(tmp_path / "e.session", with_method(Adjudication.ESTIMATIVE)) as s:
        play_to_adjudication(s, ("red", "threaten", "Or else"))
        refused(s, cmd.Adjudicate("m1", probability=50, strong_against=1), FACILITATOR,
                "rolls d100 (estimative): give a probability, not strong arguments")
        assert s.act(cmd.Adjudicate("m1", probability=50))[0].method == "estimative"


def test_a_deal_applies_its_effects_and_meets_objectives_and_end_state(session):
    session.act(cmd.Advance())
    refused(session, cmd.Respond("blue", "p1", ev.Answer.ACCEPT), "red", "cannot act for team 'blue'")
    session.act(cmd.Respond("blue", "p1", ev.Answer.ACCEPT), "blue")
    assert session.state.proposals["p1"].status == "open"
    refused(session, cmd.Respond("blue", "p1", ev.Answer.REJECT), "blue", "already answered")
    events = session.act(cmd.Respond("red", "p1", ev.Answer.ACCEPT), "red")
    assert types(events)[:2] == ["ProposalAnswered", "ProposalSettled"]
    assert session.state.proposals["p1"].status == "deal"
    assert session.state.flags["truce"] and session.state.tracks["tension"] == 4
    changes = {(e.kind, e.team, e.item): (e.holds, e.turn) for e in events if isinstance(e, ev.ConditionChanged)}
    assert changes == {("objective", "blue", "truce"): (True, 1), ("end_state", "", "truce"): (True, 1)}
    refused(session, cmd.Respond("red", "p1", ev.Answer.ACCEPT), "red", "no longer open")
    refused(session, cmd.Resolve("p1", "violated"), FACILITATOR, "name the party")
    session.act(cmd.Resolve("p1", "violated", by="red"))
    assert session.state.proposals["p1"].violated_by == "red"


def test_reject_and_counter(session):
    session.act(cmd.Advance())
    refused(session, cmd.Respond("blue", "p1", ev.Answer.COUNTER), "blue", "needs its terms")
    session.act(cmd.Respond("blue", "p1", ev.Answer.COUNTER, terms=["Stop first"]), "blue")
    assert session.state.proposals["p1"].status == "countered"
    counter = session.state.proposals["p2"]
    assert (counter.counter_of, counter.by, counter.terms) == ("p1", "blue", ["Stop first"])
    session.act(cmd.Respond("red", "p2", ev.Answer.REJECT), "red")
    assert session.state.proposals["p2"].status == "rejected"


def test_open_proposals_lapse(session):
    session.act(cmd.Advance())  # p1 is open in turns 1 and 2, and lapses as turn 2 ends
    for _ in range(3):
        session.act(cmd.Advance())
    assert session.state.turn == 2 and session.state.proposals["p1"].status == "open"
    session.act(cmd.Advance())  # turn 2's moves revealed: still open
    assert session.state.phase is ev.Phase.ADJUDICATION and session.state.proposals["p1"].status == "open"
    session.act(cmd.Advance())
    assert session.state.turn == 3 and session.state.proposals["p1"].status == "lapsed"


def test_conditional_inject_is_queued_when_its_condition_holds(session):
    play_to_adjudication(session, ("red", "threaten", "Or else"))
    events = session.act(cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": 2})))
    queued = [e for e in events if isinstance(e, ev.InjectQueued)]
    assert [(q.entry, q.reason) for q in queued] == [("m2", "condition met: tracks.tension >= 7")]
    session.act(cmd.Deliver("m2"))
    assert session.state.deliveries["d2"].inject.id == "local-warning"
    # once fired, it is not queued again
    session.act(cmd.Advance())
    assert "m2" not in session.state.queue


def test_after_move_inject_and_skip_with_reason(session):
    play_to_adjudication(session, ("red", "threaten", "Or else"))
    session.act(cmd.Adjudicate("m1", outcome=ev.Outcome.FAILURE))
    session.act(cmd.Advance())
    play_to_adjudication(session, ("red", "threaten", "Or else again"))
    assert session.state.queue["m3"].reason == "after a 'threaten' move"
    assert session.state.queue["m3"].recipients == ["red"]
    refused(session, cmd.Skip("m3", " "), FACILITATOR, "say why")
    session.act(cmd.Skip("m3", "Red already blinked"))
    assert session.state.skipped[0].reason == "Red already blinked"


def test_inject_by_hand_is_checked_against_the_scenario(session):
    session.act(cmd.DeliverInject(LIBRARY.injects["offer"], ["red"]))
    assert session.state.deliveries["d1"].recipients == ["red"]
    bad = attrs.evolve(LIBRARY.injects["offer"], effects=Effects({"fear": 1}))
    refused(session, cmd.DeliverInject(bad), FACILITATOR, "no track 'fear'")
    refused(session, cmd.DeliverInject(LIBRARY.injects["offer"], ["green"]), FACILITATOR, "no team 'green'")


def test_commitments_resolve_by_kind(session):
    play_to_adjudication(session, ("red", "threaten", "Or else"))
    refused(session, cmd.Resolve("c1", "reciprocated"), FACILITATOR, "a threat is resolved as carried_out, withdrawn, lapsed")
    session.act(cmd.Resolve("c1", "carried_out", "It did"))
    assert session.state.commitments["c1"].status == "carried_out"
    refused(session, cmd.Resolve("c1", "lapsed"), FACILITATOR, "already carried_out")
    refused(session, cmd.Resolve("c9", "lapsed"), FACILITATOR, "no commitment or deal 'c9'")


def test_unruled_moves_hold_the_turn_unless_forced(session):
    play_to_adjudication(session, ("red", "threaten", "Or else"))
    refused(session, cmd.Advance(), FACILITATOR, "moves without a ruling: m1")
    session.act(cmd.Advance(force=True))
    assert session.state.turn == 2


def test_the_game_runs_to_its_hotwash_and_end(session):
    for _ in range(3):
        for _ in range(3):
            session.act(cmd.Advance())
    assert session.state.phase is ev.Phase.HOTWASH and session.state.ended_reason == "the last turn is over"
    refused(session, cmd.Submit("blue", "propose", "Late"), "blue", "moves are not open")
    refused(session, cmd.Note("blue", "We did well", "strength"), "blue", "only the facilitator")
    session.act(cmd.Note(FACILITATOR, "Red held its line", "strength", team="red"))
    session.act(cmd.Note(FACILITATOR, "Verify truces", "plan", owner="Control", due="2026-12-01"))
    events = session.act(cmd.End())
    assert session.state.phase is ev.Phase.ENDED and events[0].end_state == ""
    refused(session, cmd.Advance(), FACILITATOR, "the game has ended")


def test_ending_early_goes_to_the_hotwash_with_the_end_state(session):
    session.act(cmd.Advance())
    session.act(cmd.Respond("blue", "p1", ev.Answer.ACCEPT), "blue")
    session.act(cmd.Respond("red", "p1", ev.Answer.ACCEPT), "red")
    session.act(cmd.End("the truce holds"))
    assert session.state.phase is ev.Phase.HOTWASH and session.state.ended_reason == "the truce holds"
    (ended,) = session.act(cmd.End())
    assert ended.end_state == "truce" and session.state.end_state == "truce"


def test_unknown_role_is_refused(session):
    refused(session, cmd.Note("spy", "hello"), "spy", "unknown role 'spy'")


def test_a_second_session_notices_and_folds_anothers_commit(session):
    with Session.open(session.path) as other:
        assert not other.changed()
        session.act(cmd.Advance())
        assert other.changed()
        assert other.refresh() and other.state.phase is ev.Phase.MOVES
        assert not other.changed()


def test_a_proposal_aimed_at_no_one_is_put_to_everyone(session):
    open_moves(session)
    session.act(cmd.Submit("blue", "propose", "Talks for all", terms=["Meet"]), "blue")
    session.act(cmd.Advance())
    assert session.state.proposals["p2"].parties == ["blue", "red"]
