"""The report's measures on small scripted sessions whose answers are known by hand.

The scenario is the minimal fixture with promises and concessions added, three moves a turn,
and advisor briefs for both teams, so every measure has something to count.
"""

from pathlib import Path

import attrs
import pytest

from exercise import analysis
from exercise import commands as cmd
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.model import AdvisorBrief, Commitment, Effects, Inject, InjectKind, Lever, MoveKind
from exercise.session import FACILITATOR, Session

DATA = Path(__file__).parent / "data"
BASE = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])
NONE = Effects()


def _scenario():
    kinds = {
        **BASE.move_kinds,
        "promise": MoveKind("promise", "Promise", commitment=Commitment.PROMISE),
        "concede": MoveKind("concede", "Concede", commitment=Commitment.CONCESSION),
    }
    extra = [Lever("promise", "Promise.", "doc-a"), Lever("concede", "Concede.", "doc-a")]
    blue, red = BASE.teams["blue"], BASE.teams["red"]
    blue_advisors = [
        AdvisorBrief("dove", "Dove", "Advisor D", "doc-a", "Give ground.", favoured_kinds=["propose", "concede"]),
        AdvisorBrief("hawk", "Hawk", "Advisor H", "doc-a", "Commit.", favoured_kinds=["promise"]),
        AdvisorBrief("realist", "Realist", "Advisor R", "doc-a", "Answer.",
                     favoured_kinds=["respond", "promise", "propose"]),
    ]
    red_advisors = [
        AdvisorBrief("broker", "Broker", "Advisor B", "doc-a", "Trade.", favoured_kinds=["promise", "respond"]),
        AdvisorBrief("escalator", "Escalator", "Advisor E", "doc-a", "Threaten.", favoured_kinds=["threaten"]),
    ]
    teams = {
        "blue": attrs.evolve(blue, position=attrs.evolve(blue.position, levers=blue.position.levers + extra,
                                                          advisors=blue_advisors)),
        "red": attrs.evolve(red, position=attrs.evolve(red.position, levers=red.position.levers + extra,
                                                        advisors=red_advisors)),
    }
    return attrs.evolve(BASE, info=attrs.evolve(BASE.info, moves_per_turn=3), move_kinds=kinds, teams=teams)


SCENARIO = _scenario()


def rule(s: Session, move: str, effects: Effects = NONE, narrative: str = "") -> None:
    s.act(cmd.Adjudicate(move, narrative, outcome=ev.Outcome.SUCCESS, effects=effects))


def play(s: Session) -> None:
    """Three turns whose every measure is worked out by hand in the tests below."""
    # turn 1: tension 5 -> 3 (blue's 'calm' is met)
    s.act(cmd.Advance())  # d1 delivered, p1 (the offer: truce, tension -1) tabled for blue and red
    s.act(cmd.Submit("blue", "promise", "B-promise-1"), "blue")  # m1 -> c1
    s.act(cmd.Submit("blue", "concede", "B-concede-1"), "blue")  # m2 -> c2
    s.act(cmd.Submit("red", "threaten", "R-threat-1"), "red")  # m3 -> c3
    s.act(cmd.Submit("red", "promise", "R-promise-1"), "red")  # m4 -> c4
    s.act(cmd.Advance())
    rule(s, "m1", Effects({"tension": -2}))
    for move in ("m2", "m3", "m4"):
        rule(s, move)
    s.act(cmd.Respond("red", "p1", ev.Answer.REJECT, "too little"), "red")
    s.act(cmd.Advance())
    # turn 2: tension 3 -> 9 ('calm' lost, blue's red line 'war' crossed)
    s.act(cmd.Advance())
    s.act(cmd.Submit("blue", "promise", "B-promise-2"), "blue")  # m5 -> c5
    s.act(cmd.Submit("blue", "respond", "B-respond"), "blue")  # m6, withdrawn below
    s.act(cmd.Withdraw("blue", "m6"), "blue")
    s.act(cmd.Submit("red", "threaten", "R-threat-2"), "red")  # m7 -> c6
    s.act(cmd.Advance())  # a threat in turn 2 queues MSEL m3
    rule(s, "m5", Effects({"tension": 6}))  # queues MSEL m2 (tension >= 7)
    rule(s, "m7")
    s.act(cmd.Resolve("c1", "carried_out"))
    s.act(cmd.Resolve("c2", "reciprocated"))
    s.act(cmd.Resolve("c3", "carried_out"))
    s.act(cmd.Resolve("c4", "withdrawn"))
    s.act(cmd.Advance())
    # turn 3: tension 9 -> 6 (red line restored), then a truce and tension 5 from blue's
    # proposal p2, which red accepts
    s.act(cmd.Skip("m2", "Tension is already the story"))
    s.act(cmd.Skip("m3", "No second offer"))
    s.act(cmd.Advance())
    s.act(cmd.Submit("blue", "concede", "B-concede-2"), "blue")  # m8 -> c7, left open
    s.act(cmd.Submit("blue", "propose", "B-propose", ["red"], terms=["Stop"]), "blue")  # m9 -> p2
    s.act(cmd.Advance())
    rule(s, "m8", Effects({"tension": -3}))
    rule(s, "m9", Effects({"tension": -1}, {"truce": True}))
    s.act(cmd.Respond("red", "p2", ev.Answer.ACCEPT, "for now"), "red")
    s.act(cmd.Resolve("c6", "lapsed"))
    s.act(cmd.End("time"))
    s.act(cmd.Note(FACILITATOR, "Blue's threats were not planned", "improvement", team="blue"))
    s.act(cmd.Note(FACILITATOR, "Plan before threatening", "plan", team="blue", owner="Blue lead", due="May"))
    s.act(cmd.Note(FACILITATOR, "No verification :: Agree a monitor first", "plan", owner="Control"))
    s.act(cmd.Note(FACILITATOR, "Red read the board well", "strength", team="red"))
    s.act(cmd.Note(FACILITATOR, "Keep the pace", "plan", team="red"))
    s.act(cmd.Note(FACILITATOR, "Too many injects", "improvement"))
    s.act(cmd.End())


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis") / "game.session"
    with Session.create(path, SCENARIO) as s:
        play(s)
        yield s, analysis.analyse(s.scenario, s.events(), s.state)


def team(result, team_id):
    return next(t for t in result.teams if t.id == team_id)


def test_credibility_counts_carried_out_against_made(played):
    _, a = played
    blue, red = team(a, "blue").credibility, team(a, "red").credibility
    # blue: promises c1 carried out, c5 still open -> 1 of 2
    assert (blue.promises, blue.promises_carried_out, blue.threats, blue.open) == (2, 1, 0, 1)
    assert blue.score == pytest.approx(0.5) and blue.text == "1 of 2 (50%)"
    # red: threats c3 carried out, c6 lapsed; promise c4 withdrawn -> 1 of 3
    assert (red.threats, red.threats_carried_out, red.promises, red.withdrawn, red.lapsed) == (2, 1, 1, 1, 1)
    assert red.score == pytest.approx(1 / 3) and red.text == "1 of 3 (33%)"


def test_a_team_without_threats_or_promises_has_no_score(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        a = analysis.analyse(s.scenario, s.events(), s.state)
    assert team(a, "blue").credibility.score is None
    assert team(a, "blue").credibility.text == "no threats or promises"


def test_reciprocity_separates_concessions_answered_in_kind(played):
    _, a = played
    blue = team(a, "blue").reciprocity
    # c2 reciprocated; c7 still open at the end counts as given without reciprocity
    assert (blue.given, blue.reciprocated, blue.unreciprocated, blue.open, blue.without) == (2, 1, 0, 1, 1)
    assert blue.text == "1 with reciprocity, 1 without"
    assert team(a, "red").reciprocity.given == 0


def test_advisor_alignment_is_the_share_of_revealed_moves_in_favoured_kinds(played):
    _, a = played
    blue = team(a, "blue").alignment
    # blue's revealed moves: promise, concede, promise, concede, propose; the withdrawn 'respond'
    # does not count (with it, 'realist' would lead with 4 of 6)
    assert blue.moves == 5
    assert [(r.brief, r.matched) for r in blue.rows] == [("dove", 3), ("hawk", 2), ("realist", 3)]
    assert blue.rows[0].share_text == "3 of 5 (60%)"
    assert blue.best.brief == "dove", "a tie goes to the brief listed first"
    assert blue.verdict.endswith("Tied with: Realist (the brief listed first wins a tie).")
    red = team(a, "red").alignment
    # red's moves: threaten, promise, threaten -> escalator 2 of 3, broker 1 of 3
    assert [(r.brief, r.share_text) for r in red.rows] == [("broker", "1 of 3 (33%)"), ("escalator", "2 of 3 (67%)")]
    assert red.best.brief == "escalator" and "Tied" not in red.verdict
    assert [al.team for al in a.alignments] == ["blue", "red"]


def test_alignment_without_moves_or_matches(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "propose", "Talk"), "blue")
        s.act(cmd.Advance())
        a = analysis.analyse(s.scenario, s.events(), s.state)
    red = team(a, "red").alignment
    assert red.moves == 0 and red.best is None and "no revealed moves" in red.verdict
    blue = team(a, "blue").alignment
    assert blue.best.brief == "dove" and blue.rows[1].share == 0.0


def test_objectives_met_lost_and_not_assessed(played):
    _, a = played
    blue = {o.id: o for o in team(a, "blue").objectives}
    assert blue["calm"].status == "lost"
    assert [(e.start, e.end) for e in blue["calm"].episodes] == [(1, 2)]
    assert blue["truce"].status == "met" and [(e.start, e.end) for e in blue["truce"].episodes] == [(3, 0)]
    assert blue["truce"].status_text == "met from turn 3 to the end"
    red = team(a, "red").objectives
    assert [o.status for o in red] == ["not assessed"]
    assert team(a, "blue").objectives_met == 1 and team(a, "blue").objectives_assessed == 2
    assert a.counts.objectives_met == 1 and a.counts.objectives_assessed == 2


def test_red_line_crossed_then_restored_with_its_cause(played):
    _, a = played
    (war,) = a.red_lines
    assert war.team == "blue" and war.id == "war"
    assert war.crossed and not war.crossed_at_end and war.status == "restored"
    assert [(e.start, e.end) for e in war.episodes] == [(2, 3)]
    assert war.episodes[0].cause == "ruling on m5 (Blue: B-promise-2)"
    assert a.counts.red_lines_crossed == 1


def test_tracks_flags_and_end_state_over_time(played):
    _, a = played
    (tension,) = a.tracks
    assert tension.values == [5, 3, 9, 5] and tension.final == 5
    (truce,) = a.flags
    assert truce.values == [False, False, False, True] and truce.changes == [(3, True)]
    assert a.end_state.id == "truce" and a.end_state.reached
    assert a.status == "ended" and a.final and a.turns_played == 3
    assert [c.ref for c in a.changes] == ["m1", "m5", "m8", "m9"]


def test_proposals_and_the_ledger(played):
    _, a = played
    offer, deal = a.proposals
    assert offer.status == "rejected" and offer.outcome_text == "rejected by Red in turn 1"
    assert offer.source.id == "doc-a" and offer.source.title == "Document A", "tabled by an inject, cited"
    assert [(r.team, r.answer, r.note) for r in offer.answers] == [("blue", "no answer", ""),
                                                                  ("red", "reject", "too little")]
    assert deal.status == "deal" and deal.outcome_text == "a deal in turn 3"
    assert deal.origin_text == "move m9 by Blue" and deal.source is None
    assert [(r.team, r.answer, r.note) for r in deal.answers] == [("blue", "accept", ""), ("red", "accept", "for now")]
    assert [(c.id, c.status) for c in a.commitments] == [
        ("c1", "carried_out"), ("c2", "reciprocated"), ("c3", "carried_out"), ("c4", "withdrawn"),
        ("c5", "open"), ("c6", "lapsed"), ("c7", "open"),
    ]
    assert a.counts.deals == 1 and a.counts.proposals == 2 and a.counts.commitments == 7


def test_timeline_turn_by_turn(played):
    _, a = played
    assert [r.label for r in a.timeline] == ["Turn 1", "Turn 2", "Turn 3", "Hotwash"]
    turn1 = a.timeline[0].items
    assert turn1[0].kind == "inject" and turn1[0].ref == "d1" and turn1[0].proposal == "p1"
    assert turn1[0].source.title == "Document A" and turn1[0].why == "scheduled for turn 1"
    moves = [i for i in turn1 if i.kind == "move"]
    assert [m.ref for m in moves] == ["m1", "m2", "m3", "m4"]
    assert moves[0].commitment == "c1" and moves[0].ruling.effects == "tension -2"
    turn2 = [i.ref for i in a.timeline[1].items if i.kind == "move"]
    assert turn2 == ["m5", "m7"], "a withdrawn move is not in the timeline"
    skipped = [(i.ref, i.reason) for i in a.timeline[2].items if i.kind == "skipped"]
    assert skipped == [("m2", "Tension is already the story"), ("m3", "No second offer")]
    conditions = [(i.turn, i.headline, i.ref) for r in a.timeline for i in r.items if i.kind == "condition"]
    assert conditions == [
        (1, "Objective met", "calm"), (2, "Objective no longer met", "calm"), (2, "Red line crossed", "war"),
        (3, "Red line no longer crossed", "war"), (3, "Objective met", "truce"), (3, "End state reached", "truce"),
    ]
    assert a.timeline[-1].items[-1].kind == "ended"


def test_dice_are_recorded_in_the_ruling(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("red", "threaten", "Or else"), "red")
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m1", strong_for=1))
        a = analysis.analyse(s.scenario, s.events(), s.state)
        rolls = s.state.moves["m1"].ruling.rolls
    ruling = next(i for i in a.timeline[0].items if i.kind == "move").ruling
    assert ruling.method == "matrix"
    assert ruling.dice == (f"2d6 rolled {rolls[0]} and {rolls[1]}, modifier +1, total {sum(rolls) + 1}; "
                           "7 or more succeeds")


def test_improvement_plan_issue_and_action(played):
    _, a = played
    assert [(p.issue, p.issue_origin, p.action, p.owner, p.due, p.team) for p in a.plan] == [
        ("Blue's threats were not planned", "improvement note", "Plan before threatening", "Blue lead", "May", "blue"),
        ("No verification", "text", "Agree a monitor first", "Control", "", ""),
        ("", "none", "Keep the pace", "", "", "red"),
    ]
    assert [n.text for n in a.improvements] == ["Too many injects"]
    assert [n.text for n in team(a, "red").strengths] == ["Red read the board well"]


def test_plan_notes_pair_with_the_improvements_in_the_order_they_were_noted(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.End("time"))
        for text, category, team_id in [
            ("Blue misread the offer", "improvement", "blue"),
            ("Blue threatened without a plan", "improvement", "blue"),
            ("Red was slow", "improvement", "red"),
            ("Read offers twice", "plan", "blue"),  # the first blue area
            ("Plan the follow-through", "plan", "blue"),  # the second, not the first again
            ("Drill the timetable", "plan", "red"),
            ("Red was slow :: Give red a clock", "plan", "red"),  # names its issue itself
            ("Rehearse threats", "plan", "blue"),  # every blue area taken: a further action on the latest
        ]:
            s.act(cmd.Note(FACILITATOR, text, category, team=team_id))
        a = analysis.analyse(s.scenario, s.events(), s.state)
    assert [(p.team, p.issue, p.action) for p in a.plan] == [
        ("blue", "Blue misread the offer", "Read offers twice"),
        ("blue", "Blue threatened without a plan", "Plan the follow-through"),
        ("red", "Red was slow", "Drill the timetable"),
        ("red", "Red was slow", "Give red a clock"),
        ("blue", "Blue threatened without a plan", "Rehearse threats"),
    ]


def test_the_analysis_replays_when_no_state_is_given(played):
    s, a = played
    assert analysis.analyse(s.scenario, s.events()) == a


def test_schedule_shows_only_what_every_team_is_sent_on_a_turn():
    modules = analysis.schedule(SCENARIO)
    assert [m.turn for m in modules] == [1, 2, 3]
    assert [(i.entry, i.title, i.questions, i.proposal) for i in modules[0].injects] == [
        ("m1", "An offer", ["Accept?"], True)]
    assert modules[1].injects == [] and modules[2].injects == []
    assert modules[0].game_date == "2025-03-19" and modules[1].game_date == "2025-03-26"


# --- what the fold recorded: actual changes, peaks, flags, deals, injects -------------------------------


def test_levers_used_count_answers_to_proposals(played):
    _, a = played
    # red answered p1 and p2 without ever making a 'respond' move: its response lever was used;
    # it made no concession
    assert team(a, "red").unused_levers == ["Concede"]
    # blue's only answer was the automatic accept of its own proposal p2, which is no response
    assert team(a, "blue").unused_levers == ["Respond"]


def test_a_counter_uses_the_response_lever_not_the_proposal_levers(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())  # p1, the offer, for blue and red
        s.act(cmd.Respond("blue", "p1", ev.Answer.COUNTER, "better terms", ["A truce first"]), "blue")
        a = analysis.analyse(s.scenario, s.events(), s.state)
    # countering answers a proposal ('respond'); it is not a 'propose' move of blue's own
    assert team(a, "blue").unused_levers == ["Propose", "Promise", "Concede"]
    # red made no answer and no move: every lever is unused, its response lever too
    assert team(a, "red").unused_levers == ["Threaten", "Respond", "Promise", "Concede"]


def test_a_change_shows_what_the_track_actually_did_not_what_was_asked(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "promise", "Up"), "blue")
        s.act(cmd.Submit("blue", "promise", "Up again"), "blue")
        s.act(cmd.Advance())
        rule(s, "m1", Effects({"tension": 8}))  # 5 + 8 is past the maximum 10: it moves by 5
        rule(s, "m2", Effects({"tension": 2}))  # already at 10: it does not move
        a = analysis.analyse(s.scenario, s.events(), s.state)
    first, second = a.changes
    assert first.intended == "tension +8" and not first.full
    assert first.effects.startswith("tension +5 ") and "capped at its maximum 10" in first.effects
    assert second.effects.startswith("tension +0 ") and "already at its maximum 10" in second.effects
    assert a.tracks[0].values == [5, 10]
    ruling = next(i for i in a.timeline[0].items if i.ref == "m1").ruling
    assert ruling.effects == first.effects, "the timeline's ruling says what it actually did"


def test_a_spike_within_a_turn_is_reported(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "promise", "Up"), "blue")
        s.act(cmd.Submit("blue", "concede", "Down"), "blue")
        s.act(cmd.Advance())
        rule(s, "m1", Effects({"tension": 4}))  # 5 -> 9: blue's red line 'war' (>= 9) crossed
        rule(s, "m2", Effects({"tension": -4}))  # 9 -> 5: and restored, all in turn 1
        a = analysis.analyse(s.scenario, s.events(), s.state)
    (tension,) = a.tracks
    assert tension.values == [5, 5], "the end of the turn hides the spike"
    assert (tension.lows[1], tension.highs[1]) == (5, 9)
    assert tension.cells == ["5", "5 (high 9)"]
    assert (tension.peak.value, tension.peak.turn, tension.peak.text) == (9, 1, "9 in turn 1")
    assert tension.peak.cause == "ruling on m1 (Blue: Up)", "what took it there"
    assert (tension.trough.value, tension.trough.text) == (5, "5 at the start")
    assert tension.hidden == [tension.peak], "the peak is hidden by the end of the turn; the low is not"
    (war,) = a.red_lines
    assert war.crossed and war.status == "restored", "the red line the spike crossed agrees"


def test_flags_by_turn_come_from_the_folds_history(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "promise", "Truce"), "blue")
        s.act(cmd.Advance())
        rule(s, "m1", Effects(flags={"truce": True}))
        s.act(cmd.Advance())
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "promise", "Truce again"), "blue")
        s.act(cmd.Submit("blue", "concede", "No truce"), "blue")
        s.act(cmd.Advance())
        rule(s, "m2", Effects(flags={"truce": True}))  # already set: no change
        rule(s, "m3", Effects(flags={"truce": False}))
        a = analysis.analyse(s.scenario, s.events(), s.state)
        history = s.state.ledger.flag_history
    (truce,) = a.flags
    assert truce.values == [False, True, False] and not truce.final
    assert truce.changes == [(1, True), (2, False)]
    assert [(turn, value) for turn, name, value in history[1:] if name == "truce"] == truce.changes
    again = next(c for c in a.changes if c.ref == "m2")
    assert again.effects == "truce = true (already so)" and not again.full


def test_a_violated_deal_is_not_counted_as_holding(tmp_path):
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())  # p1: tension -1 and a truce, for blue and red
        s.act(cmd.Respond("blue", "p1", ev.Answer.ACCEPT), "blue")
        s.act(cmd.Respond("red", "p1", ev.Answer.ACCEPT), "red")
        s.act(cmd.Resolve("p1", "violated", "Shots fired", by="red"))  # undoes the deal by default
        a = analysis.analyse(s.scenario, s.events(), s.state)
    assert (a.counts.deals, a.counts.deals_violated) == (0, 1)
    assert a.counts.deals_text == "1 became a deal, later violated"
    (p1,) = a.proposals
    assert p1.status == "violated"
    assert p1.effects == "tension -1, truce = true"
    assert p1.violation_effects == "tension +1, truce = false", "the breach undid what the deal did"
    breach = a.changes[-1]
    assert "violated by Red" in breach.cause and breach.effects == p1.violation_effects
    assert a.tracks[0].final == 5 and not a.flags[0].final


def test_deals_text_counts_holding_and_violated_deals():
    counts = analysis.Counts(3, 0, 0, 0, 0, 0, 4, 2, 1, 0, 0, 0, 0)
    assert counts.deals_text == "3 became deals: 2 hold, 1 was violated"
    assert attrs.evolve(counts, deals=0, deals_violated=0).deals_text == "none became a deal"


def test_inject_effects_appear_in_the_timeline(tmp_path):
    alarm = Inject("alarm", "Alarm", InjectKind.INFORMATION, "Press", "press", "Alarm.", "doc-a",
                   effects=Effects({"tension": 7}))
    with Session.create(tmp_path / "g.session", SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.DeliverInject(alarm))  # tension 5 + 7 is past the maximum: it moves by 5
        a = analysis.analyse(s.scenario, s.events(), s.state)
    offer, delivered = [i for i in a.timeline[0].items if i.kind == "inject"]
    assert offer.effects == "", "the offer carries no effects of its own"
    assert delivered.ref == "d2" and delivered.effects.startswith("tension +5 ")
    assert "+7 asked" in delivered.effects
    assert [(c.ref, c.effects) for c in a.changes] == [("d2", delivered.effects)]
