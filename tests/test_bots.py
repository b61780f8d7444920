"""The doctrine bot: what it sees, what it plays, how it answers, and that it is deterministic."""

import random
from pathlib import Path

import attrs
import pytest

from exercise import batch, bots, bundled
from exercise import commands as cmd
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.model import Effects, Lever, MoveKind

DATA = Path(__file__).parent / "data"
LIBRARY, _ = load_library([DATA / "injects"])
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", LIBRARY)
UKRAINE = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))


def test_terms_read_which_way_each_track_and_flag_should_go():
    got = bots.terms("flags.ceasefire and not (flags.ukraine_in_nato or flags.israel_model) and tracks.d >= 6")
    assert [(t.name, t.up) for t in got] == [("ceasefire", True), ("ukraine_in_nato", False),
                                             ("israel_model", False), ("d", True)]
    low = bots.terms("tracks.x <= 3 or 2 > tracks.y or not tracks.z >= 4")
    assert [(t.name, t.up, t.threshold, t.strict) for t in low] == [("x", False, 3, False), ("y", False, 2, True),
                                                                     ("z", False, 4, True)]
    assert low[0].satisfied({"x": 3}, {}) and not low[0].satisfied({"x": 4}, {})


def test_unknown_team_or_brief_is_an_error_listing_the_choices():
    game = batch.Game(MINIMAL, 1)
    with pytest.raises(bots.BotError, match="no team 'green' .teams: blue, red."):
        bots.doctrine(MINIMAL, game.rules.conditions, "green")
    with pytest.raises(bots.BotError, match="no advisor brief 'hawk' .briefs: dove."):
        bots.doctrine(MINIMAL, game.rules.conditions, "blue", "hawk")
    with pytest.raises(bots.BotError, match="briefs: none"):
        bots.doctrine(MINIMAL, game.rules.conditions, "red", "dove")


def to_moves(game: batch.Game) -> None:
    game.act(cmd.Advance())
    assert game.state.phase is ev.Phase.MOVES


def test_the_bot_answers_proposals_moves_and_marks_ready_through_the_engine():
    game = batch.Game(MINIMAL, 1)
    to_moves(game)  # the offer (truce, tension -1) is on the table for blue and red
    blue = bots.doctrine(MINIMAL, game.rules.conditions, "blue")
    commands = bots.plan(blue, bots.sight(game.state, "blue"), seed=1)
    assert isinstance(commands[0], cmd.Respond) and commands[0].answer is ev.Answer.ACCEPT
    assert "A truce" in commands[0].note or "Calm" in commands[0].note
    assert [type(c).__name__ for c in commands[1:]] == ["Submit", "Ready"]
    submit = commands[1]
    assert submit.kind == "propose" and "doctrine bot" in submit.detail  # respond is answered, never played
    for c in commands:
        game.act(c, "blue")
    assert game.state.ready == {"blue"} and game.state.moves["m1"].team == "blue"
    assert bots.plan(blue, bots.sight(game.state, "blue"), seed=1) == []  # nothing left to do this phase


def test_the_bot_never_plays_a_move_that_crosses_its_own_red_line():
    game = batch.Game(MINIMAL, 1)
    to_moves(game)
    game.state.ledger.tracks["tension"] = 8  # a threat (+1) would reach 9: blue's red line 'war'
    blue_threatens = attrs.evolve(
        MINIMAL, teams={**MINIMAL.teams, "blue": attrs.evolve(MINIMAL.teams["blue"], position=attrs.evolve(
            MINIMAL.teams["blue"].position,
            levers=[Lever("threaten", "Threaten.", "doc-a"), *MINIMAL.teams["blue"].position.levers]))})
    blue = bots.doctrine(blue_threatens, game.rules.conditions, "blue")
    for seed in range(20):
        kinds = [c.kind for c in bots.moves(blue, bots.sight(game.state, "blue"), seed)]
        assert kinds == ["propose"], kinds
    game.state.ledger.tracks["tension"] = 2  # far from it the threat is still worse than an offer for 'calm'
    assert bots.judge(blue, bots.sight(game.state, "blue"), Effects({"tension": 1})).harms == []


def test_a_deal_that_crosses_a_red_line_is_countered_without_it_or_rejected():
    game = batch.Game(MINIMAL, 1)
    to_moves(game)
    blue = bots.doctrine(MINIMAL, game.rules.conditions, "blue")
    seen = bots.sight(game.state, "blue")
    [offer] = seen.proposals
    bad = attrs.evolve(offer, effects=Effects({"tension": 5}, {"truce": True}))  # 5 + 5 = 10: war
    [answer] = bots.answers(blue, attrs.evolve(seen, proposals=[bad]))
    assert answer.answer is ev.Answer.COUNTER and answer.effects == Effects({}, {"truce": True})
    assert "red line" in answer.note and "No war." in answer.note
    assert answer.terms[:2] == ["Stop", "Talk"] and "tension +5" in answer.terms[-1]
    worse = attrs.evolve(offer, effects=Effects({"tension": 5}))
    [answer] = bots.answers(blue, attrs.evolve(seen, proposals=[worse]))
    assert answer.answer is ev.Answer.REJECT and "No war." in answer.note
    game.act(cmd.Respond("blue", offer.id, ev.Answer.COUNTER, answer.note, ["Stop"], Effects({}, {"truce": True})),
             "blue")  # the engine takes a bot's counter like anyone's


def test_the_bot_sees_only_its_team_share():
    game = batch.Game(UKRAINE, 3)
    to_moves(game)
    for team in UKRAINE.teams:
        seen = bots.sight(game.state, team)
        assert all(team in p.parties for p in seen.proposals)
    game.act(cmd.Submit("us", "sanction", "Hidden from the others"), "us")
    assert bots.sight(game.state, "russia").own_moves == []
    assert [m.kind for m in bots.sight(game.state, "us").own_moves] == ["sanction"]


def test_a_brief_steers_the_bot_to_the_kinds_it_favours():
    game = batch.Game(UKRAINE, 3)
    to_moves(game)
    seen = bots.sight(game.state, "us")
    for brief in UKRAINE.teams["us"].position.advisors:
        d = bots.doctrine(UKRAINE, game.rules.conditions, "us", brief.id)
        picked = [c.kind for c in bots.moves(d, seen, 11)]
        assert set(picked) <= set(brief.favoured_kinds), (brief.id, picked)
        assert all(f"'{brief.title}'" in c.detail for c in bots.moves(d, seen, 11))


def test_the_bot_is_deterministic_for_a_seed_and_ignores_the_global_random():
    game = batch.Game(UKRAINE, 3)
    to_moves(game)
    d = bots.doctrine(UKRAINE, game.rules.conditions, "europe")
    seen = bots.sight(game.state, "europe")
    random.seed(1)
    first = bots.plan(d, seen, 42)
    random.seed(2)
    assert bots.plan(d, seen, 42) == first
    assert len({tuple(c.kind for c in bots.moves(d, seen, s)) for s in range(30)}) > 1  # the seed matters


def test_bot_games_replay_identically_and_every_move_is_a_lever():
    one, two = batch.play(UKRAINE, 5), batch.play(UKRAINE, 5)
    assert one.events == two.events
    assert one.state.phase is ev.Phase.ENDED
    for move in one.state.moves.values():
        assert move.kind in UKRAINE.team_kinds(move.team) and move.ruling is not None
    assert batch.play(UKRAINE, 6).events != one.events


def test_a_kind_without_effects_on_the_goals_is_still_playable():
    quiet = attrs.evolve(MINIMAL, move_kinds={**MINIMAL.move_kinds, "propose": MoveKind("propose", "Propose")})
    game = batch.Game(quiet, 1)
    to_moves(game)
    d = bots.doctrine(quiet, game.rules.conditions, "blue")
    assert [c.kind for c in bots.moves(d, bots.sight(game.state, "blue"), 1)] == ["propose"]


def test_the_facilitator_hands_a_team_to_the_bot_and_back():
    from exercise.engine import Invalid, NotAllowed, Unknown
    from exercise.narrate import describe

    game = batch.Game(MINIMAL, 1)
    [handed] = game.act(cmd.Handoff("blue", "bot", "dove"))
    assert handed == ev.TeamHandedOver("blue", "bot", 1, "dove") and game.state.bots == {"blue": "dove"}
    assert describe(handed, MINIMAL) == "blue handed to the doctrine bot (advisor brief dove)"
    assert game.act(cmd.Handoff("blue", "bot", "dove")) == []  # already so: nothing to record
    game.act(cmd.Handoff("blue", "bot"))
    assert game.state.bots == {"blue": ""}
    [back] = game.act(cmd.Handoff("blue", "human"))
    assert game.state.bots == {} and describe(back, MINIMAL) == "blue handed back to its players"
    assert [h.to for h in game.state.handoffs] == ["bot", "bot", "human"]
    for command, actor, error in [
        (cmd.Handoff("blue", "bot"), "blue", NotAllowed), (cmd.Handoff("green", "bot"), "facilitator", Unknown),
        (cmd.Handoff("blue", "robot"), "facilitator", Invalid), (cmd.Handoff("blue", "bot", "hawk"), "facilitator", Unknown),
        (cmd.Handoff("blue", "human", "dove"), "facilitator", Invalid),
    ]:
        with pytest.raises(error):
            game.act(command, actor)


def test_the_bot_never_crosses_its_red_line_with_two_moves_that_each_stop_short_of_it():
    kinds = {**MINIMAL.move_kinds, "mobilise": MoveKind("mobilise", "Mobilise", effects=Effects({"tension": 1}))}
    blue = MINIMAL.teams["blue"]
    two_hawks = attrs.evolve(
        MINIMAL, info=attrs.evolve(MINIMAL.info, moves_per_turn=2), move_kinds=kinds,
        teams={**MINIMAL.teams, "blue": attrs.evolve(blue, position=attrs.evolve(
            blue.position, levers=[Lever("threaten", "Threaten.", "doc-a"), Lever("mobilise", "Mobilise.", "doc-a")]))})
    game = batch.Game(two_hawks, 1)
    to_moves(game)
    game.state.ledger.tracks["tension"] = 7  # either move alone reaches 8; both reach 9, blue's red line 'war'
    d = bots.doctrine(two_hawks, game.rules.conditions, "blue")
    for seed in range(10):
        played = [c.kind for c in bots.moves(d, bots.sight(game.state, "blue"), seed)]
        assert len(played) == 1 and played[0] in ("threaten", "mobilise"), played
    game.act(cmd.Submit("blue", "threaten", "Entered by its players before the hand-over"), "blue")
    d_left = bots.moves(d, bots.sight(game.state, "blue"), 0)
    assert d_left == [], d_left  # the players' threat and a mobilisation would cross it together


def test_a_rejection_says_why_even_when_no_objective_is_set_back():
    game = batch.Game(UKRAINE, 3)
    to_moves(game)
    us = bots.doctrine(UKRAINE, game.rules.conditions, "us")
    seen = bots.sight(game.state, "us")
    g7 = attrs.evolve(seen.proposals[0], effects=Effects({}, {"russia_in_g7": True}))  # a reward before a cease-fire
    [answer] = bots.answers(us, attrs.evolve(seen, proposals=[g7]))
    assert answer.answer is ev.Answer.REJECT
    assert answer.note.startswith("brings closer a red line of European allies: No rewards for Moscow"), answer.note


def test_a_deal_that_crosses_a_red_line_for_want_of_a_safeguard_is_countered_with_one_the_others_can_bear():
    game = batch.Game(UKRAINE, 3)
    to_moves(game)
    ukraine = bots.doctrine(UKRAINE, game.rules.conditions, "ukraine")
    seen = bots.sight(game.state, "ukraine")
    pause = bots.SeenProposal("p9", "White House", "A 30-day general cease-fire", ["Stop"], ["russia", "ukraine", "us"],
                              Effects({"escalation": -2}, {"ceasefire": True}), False)  # no guarantee: 'no Minsk'
    [answer] = bots.answers(ukraine, attrs.evolve(seen, proposals=[pause]))
    assert answer.answer is ev.Answer.COUNTER, answer
    added = set(answer.effects.flags) - {"ceasefire"}
    assert answer.effects.flags["ceasefire"] and len(added) == 1, answer.effects
    assert added != {"ukraine_in_nato"}  # not what the US, a party, has a red line against
    assert answer.terms[0] == "Stop" and answer.terms[-1].startswith("With ")
    [last] = bots.answers(ukraine, attrs.evolve(seen, proposals=[attrs.evolve(pause, rounds=bots.MAX_COUNTERS)]))
    assert last.answer is ev.Answer.REJECT and "No rerun of Minsk" in last.note  # no endless haggling


def test_bots_never_haggle_past_a_counter_to_a_counter():
    for seed in range(4):
        state = batch.play(UKRAINE, seed).state
        for p in state.proposals.values():
            depth, q = 0, p
            while q.counter_of:
                q, depth = state.proposals[q.counter_of], depth + 1
            assert depth <= bots.MAX_COUNTERS, (seed, p.id, p.title)


def test_a_proposal_of_words_only_that_names_what_crosses_a_red_line_is_rejected():
    game = batch.Game(UKRAINE, 3)
    to_moves(game)
    russia = bots.doctrine(UKRAINE, game.rules.conditions, "russia")
    seen = bots.sight(game.state, "russia")
    assert bots.named_flags(UKRAINE, ["Cease-fire with a European guarantee"]) == ["ceasefire", "european_guarantee"]

    def answer(title: str, *terms: str) -> cmd.Respond:
        words = bots.SeenProposal("p9", "ukraine", title, list(terms), ["ukraine", "russia", "us"], Effects(), False)
        [a] = bots.answers(russia, attrs.evolve(seen, proposals=[words]))
        assert isinstance(a, cmd.Respond)
        return a

    guarantee = answer("Cease-fire with a European guarantee", "Full cease-fire", "European guarantee")
    assert guarantee.answer is ev.Answer.REJECT and "European security guarantee" in guarantee.note
    assert "crosses our red line: No Western security guarantee" in guarantee.note
    assert answer("30-day full cease-fire", "On land, sea and air").answer is ev.Answer.ACCEPT  # names nothing it fears
    assert answer("Talks in Istanbul").answer is ev.Answer.ACCEPT


def test_a_proposal_goes_to_the_parties_its_lever_names_not_to_those_it_goes_over_the_heads_of():
    assert bots.named_teams(UKRAINE, "Offer bilateral talks with Washington, over the heads of Kyiv and the Europeans.") \
        == ["us"]
    assert bots.named_teams(UKRAINE, "Tell us what Moscow wants") == ["russia"]  # 'us' is no party; 'US' is
    assert bots.named_teams(UKRAINE, "US troops, without Europe") == ["us"]
    # the lever names no one: the teams with an objective or red line over what the move would change
    assert bots.addressees(UKRAINE, "europe", "propose", "Table a European security guarantee") == \
        ["us", "russia", "ukraine"]
    assert bots.addressees(UKRAINE, "russia", "promise", "Promise restraint.") == []  # touches no one's goals: all
    game = batch.Game(UKRAINE, 3)
    to_moves(game)
    only_talks = attrs.evolve(UKRAINE, teams={**UKRAINE.teams, "russia": attrs.evolve(
        UKRAINE.teams["russia"], position=attrs.evolve(UKRAINE.teams["russia"].position, levers=[
            lever for lever in UKRAINE.teams["russia"].position.levers if lever.kind == "offer-talks"]))})
    russia = bots.doctrine(only_talks, game.rules.conditions, "russia")
    [submit] = bots.moves(russia, bots.sight(game.state, "russia"), 3)
    assert isinstance(submit, cmd.Submit) and submit.kind == "offer-talks" and submit.targets == ["us"]
    game.act(submit, "russia")
    game.act(cmd.Advance())  # revealed: the offer is tabled
    [offer] = [p for p in game.state.proposals.values() if p.by == "russia"]
    assert offer.parties == ["russia", "us"]
    assert offer.id not in {p.id for p in bots.sight(game.state, "ukraine").proposals}  # not put to Kyiv
    assert offer.id in {p.id for p in bots.sight(game.state, "us").proposals}


def test_bot_games_address_every_proposal_and_threat_to_named_parties_deterministically():
    one = batch.play(UKRAINE, 4)
    moves = list(one.state.moves.values())
    kinds = UKRAINE.move_kinds
    for move in moves:
        expected = bots.doctrine(UKRAINE, one.rules.conditions, move.team).addressed.get(move.kind, [])
        assert move.targets == expected, (move.id, move.kind)
    assert any(m.targets for m in moves if kinds[m.kind].commitment.value == "proposal")
    assert all(not m.targets for m in moves if kinds[m.kind].commitment.value == "none")
    for p in one.state.proposals.values():
        made = one.state.moves.get(p.origin)
        if made is not None and made.targets:
            assert set(p.parties) == {made.team, *made.targets}
