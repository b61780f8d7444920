"""A doctrine bot: plays a team from its scenario position. Pure: no I/O, no global random.

The bot sees what its team sees (``sight``: the visibility rules of ``exercise.visibility``)
and reads its team's position: it plays the levers whose default effects serve its ranked
objectives, never a move (nor two moves together) whose effects would cross one of its own red
lines, and answers the proposals put to it (accept, reject, or counter: without what would cross
a red line, or with the safeguard a red line asks for, such as a guarantee beside a cease-fire;
never more than two counters in a row; a proposal of words only is read by the flags its words
name). It addresses each move to the parties its lever names (``addressees``), so a proposal is put
to them, not to every team. With an
advisor brief it prefers the kinds of move that brief favours. It returns ordinary commands,
which the engine decides like any team's; the same seed, team and turn give the same choices.

How it reads a condition: the compiled condition says whether it holds; the text of ``when``
says which way each track and flag it names should go (``tracks.x >= 6``: up; ``not
flags.y``: false), so a move that brings a track closer to an objective's threshold counts
for it even before the objective is met.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Mapping

from attrs import field, frozen

from . import commands as cmd
from . import events as ev
from . import visibility as see
from .model import AdvisorBrief, Commitment, Effects, Scenario
from .state import GameState, Proposal

Condition = Callable[[Mapping[str, int], Mapping[str, bool], int], bool]

BOT = "bot"
HUMAN = "human"
HANDS = (BOT, HUMAN)

_CONCILIATORY = (Commitment.PROPOSAL, Commitment.PROMISE, Commitment.CONCESSION)
_ADDRESSED = (*_CONCILIATORY, Commitment.THREAT)  # the moves the bot addresses to someone (others: to no one)


class BotError(ValueError):
    """A bot that cannot be made: an unknown team or advisor brief (the message lists the choices)."""


# --- what a team sees -------------------------------------------------------------------------


@frozen
class SeenMove:
    id: str
    team: str
    kind: str
    turn: int


@frozen
class SeenProposal:
    id: str
    by: str
    title: str
    terms: list[str]
    parties: list[str]
    effects: Effects
    answered: bool
    rounds: int = 0  # counters before it: 0 for a first offer, 1 for a counter to it, ...


@frozen
class Sight:
    """The state as one team sees it: only what its console would show."""

    team: str
    turn: int
    phase: ev.Phase
    tracks: dict[str, int]
    flags: dict[str, bool]
    ready: bool
    own_moves: list[SeenMove]  # this turn's, not withdrawn
    earlier_own: list[SeenMove]  # the team's moves of the turn before
    proposals: list[SeenProposal]  # open proposals the team is party to


def sight(state: GameState, team: str) -> Sight:
    """What ``team`` sees of ``state`` (judged by ``exercise.visibility``)."""
    own = [SeenMove(m.id, m.team, m.kind, m.turn) for m in state.turn_moves(team=team) if see.sees_move(m, team)]
    earlier = [SeenMove(m.id, m.team, m.kind, m.turn) for m in state.turn_moves(state.turn - 1, team=team)
               if see.sees_move(m, team)]
    def rounds(p: Proposal) -> int:
        n = 0
        while p.counter_of and p.counter_of in state.proposals and n < 100:
            p, n = state.proposals[p.counter_of], n + 1
        return n

    proposals = [
        SeenProposal(p.id, p.by, p.title, list(p.terms), list(p.parties), p.effects, team in p.answers, rounds(p))
        for p in state.current_proposals()
        if p.status is ev.ProposalStatus.OPEN and team in p.parties and see.sees_proposal(state, p, team)
    ]
    return Sight(team, state.turn, state.phase, dict(state.tracks), dict(state.flags), team in state.ready,
                 own, earlier, proposals)


# --- reading a condition ------------------------------------------------------------------------


@frozen
class Term:
    """One thing a condition names, and which way it should go for the condition to hold."""

    name: str  # a track or flag id
    track: bool
    up: bool  # tracks: higher helps; flags: True helps
    threshold: int = 0
    strict: bool = False

    def satisfied(self, tracks: Mapping[str, int], flags: Mapping[str, bool]) -> bool:
        if not self.track:
            return flags.get(self.name, False) is self.up
        value = tracks.get(self.name, 0)
        if self.up:
            return value > self.threshold if self.strict else value >= self.threshold
        return value < self.threshold if self.strict else value <= self.threshold


_TOKEN = re.compile(
    r"\bnot\b|\(|\)|tracks\.(\w+)\s*(>=|<=|==|>|<)\s*(-?\d+)|(-?\d+)\s*(>=|<=|>|<)\s*tracks\.(\w+)|flags\.(\w+)"
)
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "=="}


def terms(when: str) -> list[Term]:
    """The tracks and flags ``when`` names, each with the way it should go (``not`` flips it)."""
    out: list[Term] = []
    stack = [False]  # negated, per parenthesis level
    pending = False  # a 'not' waiting for what it applies to
    for m in _TOKEN.finditer(when):
        text = m.group(0)
        if text == "not":
            pending = not pending
            continue
        if text == "(":
            stack.append(stack[-1] ^ pending)
            pending = False
            continue
        if text == ")":
            if len(stack) > 1:
                stack.pop()
            pending = False
            continue
        negated = stack[-1] ^ pending
        pending = False
        if m.group(7):
            out.append(Term(m.group(7), False, not negated))
            continue
        if m.group(1):
            name, op, number = m.group(1), m.group(2), int(m.group(3))
        else:
            name, op, number = m.group(6), _FLIP[m.group(5)], int(m.group(4))
        if op == "==":
            continue
        up = op in (">=", ">")
        if negated:  # not (x >= 6) is x < 6
            up, strict = not up, op in (">=", "<=")
        else:
            strict = op in (">", "<")
        out.append(Term(name, True, up, number, strict))
    return out


# --- the bot ---------------------------------------------------------------------------------


@frozen
class Goal:
    """An objective or red line as the bot weighs it."""

    id: str
    text: str
    when: str
    weight: float
    terms: list[Term]


@frozen
class Doctrine:
    """A team's position, ready for the bot to weigh moves and deals against."""

    scenario: Scenario
    conditions: Mapping[str, Condition]
    team: str
    brief: AdvisorBrief | None
    objectives: list[Goal]
    red_lines: list[Goal]
    others_red_lines: list[Goal]  # the other teams' (in the situation manual): nearing one costs a little
    # lever kind (proposals, threats, promises, concessions) -> the teams its moves go to ([]: every team)
    addressed: Mapping[str, list[str]] = field(factory=dict)
    memo: dict[tuple[str, tuple[int, ...], tuple[bool, ...], int], bool] = field(factory=dict, eq=False, repr=False)

    def holds(self, when: str, tracks: Mapping[str, int], flags: Mapping[str, bool], turn: int) -> bool:
        """Whether condition ``when`` holds there (remembered: a bot asks the same many times)."""
        key = (when, tuple(tracks.values()), tuple(flags.values()), turn)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) > 5_000:
                self.memo.clear()
            found = self.memo[key] = self.conditions[when](tracks, flags, turn)
        return found


PRUDENCE = 0.3  # what bringing another team's red line closer costs, against 1 for the top objective


def doctrine(scenario: Scenario, conditions: Mapping[str, Condition], team: str, brief: str = "") -> Doctrine:
    """The bot for ``team`` (with advisor ``brief``, if given); BotError for an unknown team or brief."""
    if team not in scenario.teams:
        raise BotError(f"no team '{team}' (teams: {', '.join(scenario.teams)})")
    position = scenario.teams[team].position
    chosen = None
    if brief:
        chosen = next((a for a in position.advisors if a.id == brief), None)
        if chosen is None:
            known = ", ".join(a.id for a in position.advisors) or "none: this team has no advisor briefs"
            raise BotError(f"team '{team}' has no advisor brief '{brief}' (briefs: {known})")
    ranked = sorted(position.objectives, key=lambda o: o.rank)
    count = len(ranked)
    objectives = [Goal(o.id, o.text, o.when, (count + 1 - i) / count, terms(o.when))
                  for i, o in enumerate(ranked, 1) if o.when]
    red_lines = [Goal(r.id, r.text, r.when, 1.5, terms(r.when)) for r in position.red_lines if r.when]
    others = [Goal(f"{t.id}:{r.id}", r.text, r.when, PRUDENCE, terms(r.when))
              for t in scenario.teams.values() if t.id != team for r in t.position.red_lines if r.when]
    addressed = {lever.kind: addressees(scenario, team, lever.kind, lever.text) for lever in position.levers
                 if lever.kind in scenario.move_kinds and scenario.move_kinds[lever.kind].commitment in _ADDRESSED}
    return Doctrine(scenario, conditions, team, chosen, objectives, red_lines, others, addressed)


# --- whom a move is for -------------------------------------------------------------------------

# How policy texts name a party besides by its team's name: capital, seat of government, leader,
# people. Each group of words names the teams whose id or name contains one of its keys.
# Acronyms (US, EU) count only in capitals, so the word 'us' names no one.
PARTY_WORDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("united states",), ("United States", "Washington", "White House", "America", "Americans", "US", "U.S.",
                          "Trump", "Biden")),
    (("russia",), ("Russia", "Moscow", "Kremlin", "Putin", "Russians")),
    (("ukraine",), ("Ukraine", "Kyiv", "Kiev", "Zelensky", "Ukrainians")),
    (("europe",), ("Europe", "Europeans", "Brussels", "EU", "European allies", "European partners",
                   "European capitals", "European leaders", "European governments")),
    (("united states", "europe"), ("the West", "Western")),
)

# What follows these, to the end of the clause, names whom a move leaves out, not whom it is for:
# 'bilateral talks with Washington, over the heads of Kyiv and the Europeans'.
_LEFT_OUT = re.compile(r"\b(?:over the heads? of|behind the backs? of|without|excluding|except)\b[^,;.:()]*",
                       re.IGNORECASE)


def _word(alias: str) -> re.Pattern[str]:
    flags = 0 if len(alias) <= 4 and alias.replace(".", "").isupper() else re.IGNORECASE
    return re.compile(r"(?<![\w.])" + re.escape(alias) + r"(?![\w])", flags)


def named_teams(scenario: Scenario, text: str) -> list[str]:
    """The teams ``text`` names (by team name or id, or by ``PARTY_WORDS``), in the scenario's order,
    leaving out those it names only as left out ('over the heads of Kyiv')."""
    kept = _LEFT_OUT.sub(" ", " ".join(text.split()))
    out: list[str] = []
    for team in scenario.teams.values():
        who = f"{team.id} {team.name}".lower()
        aliases = [team.name, *(words for keys, group in PARTY_WORDS if any(k in who for k in keys) for words in group)]
        if len(team.id) >= 4:
            aliases.append(team.id)
        if any(_word(alias).search(kept) for alias in aliases):
            out.append(team.id)
    return out


def addressees(scenario: Scenario, team: str, kind: str, text: str) -> list[str]:
    """Whom ``team``'s move of ``kind`` (its lever reading ``text``) is for: the other teams the
    lever's text names; if it names none, the other teams with an objective or red line over a
    track or flag the move would change (its kind's default effects, and the flags the text names);
    if none, [] (every team). Deterministic: the same scenario gives the same addressees."""
    named = [t for t in named_teams(scenario, text) if t != team]
    if named:
        return named
    move_kind = scenario.move_kinds.get(kind)
    changed = {name for name, delta in move_kind.effects.tracks.items() if delta} if move_kind else set()
    changed |= set(move_kind.effects.flags) if move_kind else set()
    changed |= set(named_flags(scenario, [text]))
    out: list[str] = []
    for other in scenario.teams.values():
        if other.id == team:
            continue
        whens = [o.when for o in other.position.objectives] + [r.when for r in other.position.red_lines]
        if any(term.name in changed for when in whens if when for term in terms(when)):
            out.append(other.id)
    return out


def rng_for(seed: int, team: str, turn: int, phase: str = "") -> random.Random:
    """The bot's own dice for one team in one turn (never the global generator)."""
    return random.Random(f"bot:{seed}:{team}:{turn}:{phase}")


def _after(effects: Effects, tracks: Mapping[str, int], flags: Mapping[str, bool],
           bounds: Mapping[str, tuple[int, int]]) -> tuple[dict[str, int], dict[str, bool]]:
    new_tracks = dict(tracks)
    for name, delta in effects.tracks.items():
        if name in new_tracks:
            low, high = bounds.get(name, (-(2**31), 2**31))
            new_tracks[name] = max(low, min(high, new_tracks[name] + delta))
    return new_tracks, {**flags, **{k: v for k, v in effects.flags.items() if k in flags}}


@frozen
class Judgement:
    """What a set of effects would do for the team: its value, and the red lines it would cross."""

    value: float
    serves: list[str]  # objective ids it brings closer
    harms: list[str]  # objective ids it sets back
    crosses: list[str]  # red line ids it would cross
    nears: list[str] = field(factory=list)  # own red line ids it would bring closer
    nears_others: list[str] = field(factory=list)  # other teams' red lines ("team:id") it would bring closer


def judge(d: Doctrine, s: Sight, effects: Effects) -> Judgement:
    """Weigh ``effects`` against the team's objectives and red lines, on the tracks it sees."""
    bounds = {t.id: (t.min, t.max) for t in d.scenario.tracks.values()}
    tracks, flags = _after(effects, s.tracks, s.flags, bounds)
    value, serves, harms, crosses = 0.0, list[str](), list[str](), list[str]()

    def movement(goal: Goal) -> float:
        v = 0.0
        for term in goal.terms:
            if term.track:
                delta = tracks.get(term.name, 0) - s.tracks.get(term.name, 0)
                if delta and not term.satisfied(s.tracks, s.flags):
                    v += 1.0 if (delta > 0) == term.up else -1.0
                elif delta and not term.satisfied(tracks, flags):
                    v -= 1.0
            elif flags.get(term.name) != s.flags.get(term.name):
                v += 1.5 if flags.get(term.name) is term.up else -1.5
        return v

    for goal in d.objectives:
        before = d.holds(goal.when, s.tracks, s.flags, s.turn)
        now = d.holds(goal.when, tracks, flags, s.turn)
        v = movement(goal) + (3.0 if now and not before else -3.0 if before and not now else 0.0)
        if v > 0:
            serves.append(goal.id)
        elif v < 0:
            harms.append(goal.id)
        value += goal.weight * v
    nears, nears_others = list[str](), list[str]()
    for goal in d.red_lines:
        before = d.holds(goal.when, s.tracks, s.flags, s.turn)
        now = d.holds(goal.when, tracks, flags, s.turn)
        if now and not before:
            crosses.append(goal.id)
        closer = max(0.0, movement(goal))
        if closer:
            nears.append(goal.id)
        value -= goal.weight * 0.5 * closer  # closer to a red line costs
    for goal in d.others_red_lines:
        closer = max(0.0, movement(goal))
        if closer:
            nears_others.append(goal.id)
        value -= goal.weight * closer
    return Judgement(value, serves, harms, crosses, nears, nears_others)


def _why_not(d: Doctrine, j: Judgement) -> str:
    """Why a deal the bot rejects is worse than none: what it sets back, or the red lines it nears."""
    harmed = _goal_texts(d.objectives, j.harms)
    if harmed:
        return "sets back: " + "; ".join(harmed[:2])
    if j.nears:
        return "brings our red line closer: " + _goal_texts(d.red_lines, j.nears)[0]
    if j.nears_others:
        team, _, _line = j.nears_others[0].partition(":")
        name = d.scenario.teams[team].name if team in d.scenario.teams else team
        return f"brings closer a red line of {name}: " + _goal_texts(d.others_red_lines, j.nears_others)[0]
    return "nothing in it for us"


def _sum(a: Effects, b: Effects) -> Effects:
    """What two moves' effects do together: track deltas added, the later flag setting kept."""
    tracks = dict(a.tracks)
    for name, delta in b.tracks.items():
        tracks[name] = tracks.get(name, 0) + delta
    return Effects(tracks, {**a.flags, **b.flags})


def _brief_bonus(d: Doctrine, kind: str) -> float:
    if d.brief is None or kind not in d.brief.favoured_kinds:
        return 0.0
    return 2.0 - 0.3 * d.brief.favoured_kinds.index(kind)


def _accommodating(d: Doctrine) -> bool:
    """A brief that favours more offers, promises and concessions than threats and force."""
    if d.brief is None:
        return False
    kinds = d.scenario.move_kinds
    soft = sum(1 for k in d.brief.favoured_kinds if k in kinds and kinds[k].commitment in _CONCILIATORY)
    hard = sum(1 for k in d.brief.favoured_kinds if k in kinds and (
        kinds[k].commitment is Commitment.THREAT or kinds[k].effects.tracks.get("escalation", 0) > 0))
    return soft > hard


def _first_sentence(text: str, limit: int = 140) -> str:
    line = " ".join(text.split())
    cut = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    return cut if len(cut) <= limit else cut[: limit - 1].rstrip(" ,;:") + "…"


def _effects_words(effects: Effects) -> str:
    parts = [f"{name} {delta:+d}" for name, delta in effects.tracks.items()]
    parts += [f"{name} = {str(value).lower()}" for name, value in effects.flags.items()]
    return ", ".join(parts) or "no effect"


def _goal_texts(goals: list[Goal], ids: list[str]) -> list[str]:
    by_id = {g.id: g for g in goals}
    return [by_id[i].text for i in ids if i in by_id]


THEIR_RED_LINE = 3.0  # what asking a party to cross its red line costs a counter (as much as an objective met)
def _squeezed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def named_flags(scenario: Scenario, texts: list[str]) -> list[str]:
    """The flags ``texts`` name, by id or label ('cease-fire' names ceasefire, 'a European guarantee'
    european_guarantee): how the bot reads a proposal that is words only, with no effects to weigh."""
    words = _squeezed(" ".join(texts))
    return [f.id for f in scenario.flags.values()
            if any(len(key) >= 6 and key in words for key in (_squeezed(f.id), _squeezed(f.label)))]


MAX_COUNTERS = 2  # a bot counters a first offer and a counter to it, not a counter to a counter to a counter


def _crossed_for(d: Doctrine, s: Sight, effects: Effects, teams: list[str]) -> float:
    """How many of ``teams``' red lines (as the situation manual gives them) ``effects`` would cross."""
    bounds = {t.id: (t.min, t.max) for t in d.scenario.tracks.values()}
    tracks, flags = _after(effects, s.tracks, s.flags, bounds)
    return float(sum(1 for g in d.others_red_lines if g.id.partition(":")[0] in teams
                     and d.holds(g.when, tracks, flags, s.turn) and not d.holds(g.when, s.tracks, s.flags, s.turn)))


def answers(d: Doctrine, s: Sight) -> list[cmd.Command]:
    """Answers to the open proposals put to the team that it has not answered yet."""
    out: list[cmd.Command] = []
    threshold = -0.5 if _accommodating(d) else 0.0
    for p in s.proposals:
        if p.answered:
            continue
        if not (p.effects.tracks or p.effects.flags):  # words only (a team's proposal): read what they name
            in_words = named_flags(d.scenario, [p.title, *p.terms])
            worded = judge(d, s, Effects({}, {name: True for name in in_words}))
            if worded.crosses:
                line = next(g for g in d.red_lines if g.id in worded.crosses)
                in_it = {t.name for t in line.terms}
                labels = ", ".join(d.scenario.flags[n].label for n in in_words if n in in_it)
                out.append(cmd.Respond(d.team, p.id, ev.Answer.REJECT, _first_sentence(
                    f"its terms name {labels}, which crosses our red line: {line.text}", 200)))
                continue
        j = judge(d, s, p.effects)
        if not j.crosses:
            if j.value >= threshold:
                served = _goal_texts(d.objectives, j.serves)
                note = "serves: " + "; ".join(served[:2]) if served else "harms none of our objectives"
                out.append(cmd.Respond(d.team, p.id, ev.Answer.ACCEPT, _first_sentence(note, 200)))
            else:
                out.append(cmd.Respond(d.team, p.id, ev.Answer.REJECT, _first_sentence(_why_not(d, j), 200)))
            continue
        red = [g for g in d.red_lines if g.id in j.crosses]
        named = {t.name for g in red for t in g.terms}
        kept = Effects({k: v for k, v in p.effects.tracks.items() if k not in named},
                       {k: v for k, v in p.effects.flags.items() if k not in named})
        dropped = Effects({k: v for k, v in p.effects.tracks.items() if k in named},
                          {k: v for k, v in p.effects.flags.items() if k in named})
        why = _first_sentence("crosses our red line: " + red[0].text, 200)
        options: list[tuple[float, str, Effects]] = []  # counters that cross none of our red lines
        if p.rounds >= MAX_COUNTERS:  # no endless haggling: after so many counters, a last word
            out.append(cmd.Respond(d.team, p.id, ev.Answer.REJECT, why))
            continue
        rest = judge(d, s, kept)
        if (kept.tracks or kept.flags) and not rest.crosses and rest.value > 0:
            options.append((rest.value, f"Without what crosses our red line ({_effects_words(dropped)})", kept))
        # or the deal with what our red line asks to go with it (no cease-fire 'and not flags.guarantee': a guarantee)
        for name in dict.fromkeys(t.name for g in red for t in g.terms if not t.track and not t.up):
            if name not in d.scenario.flags or s.flags.get(name) or p.effects.flags.get(name):
                continue
            added = Effects(dict(p.effects.tracks), {**p.effects.flags, name: True})
            with_it = judge(d, s, added)
            # what it asks of the other parties counts too: a safeguard across their red lines is a harder sell
            theirs = THEIR_RED_LINE * _crossed_for(d, s, added, [t for t in p.parties if t != d.team])
            if not with_it.crosses and with_it.value - theirs > 0:
                options.append((with_it.value - theirs, f"With {d.scenario.flags[name].label} ({name} = true), "
                                "so that it does not cross our red line", added))
        if options:
            _value, term, effects = max(options, key=lambda o: o[0])  # the first of equals: the order above
            out.append(cmd.Respond(d.team, p.id, ev.Answer.COUNTER, why, [*p.terms, term], effects))
        else:
            out.append(cmd.Respond(d.team, p.id, ev.Answer.REJECT, why))
    return out


TEMPERATURE = 0.8  # how far the bot strays from its best-scoring levers (higher: further)


def _draw(rng: random.Random, scored: list[tuple[float, int, str, Judgement]],
          count: int) -> list[tuple[float, int, str, Judgement]]:
    """``count`` levers drawn without replacement, each as likely as e^(score / TEMPERATURE)."""
    pool = sorted(scored, key=lambda item: (-item[0], item[1]))
    out: list[tuple[float, int, str, Judgement]] = []
    while pool and len(out) < count:
        top = pool[0][0]
        weights = [math.exp((item[0] - top) / TEMPERATURE) for item in pool]
        pick = rng.random() * sum(weights)
        for k, w in enumerate(weights):
            pick -= w
            if pick <= 0 or k == len(weights) - 1:
                out.append(pool.pop(k))
                break
    return out


def moves(d: Doctrine, s: Sight, seed: int) -> list[cmd.Command]:
    """This turn's moves: the best-scoring levers, up to the moves left this turn."""
    scenario = d.scenario
    left = scenario.info.moves_per_turn - len(s.own_moves)
    if left <= 0:
        return []
    rng = rng_for(seed, d.team, s.turn, "moves")
    played = {m.kind for m in s.own_moves}
    recent = [m.kind for m in s.earlier_own]
    scored: list[tuple[float, int, str, Judgement]] = []
    for i, lever in enumerate(scenario.teams[d.team].position.levers):
        kind = scenario.move_kinds.get(lever.kind)
        if kind is None or kind.commitment is Commitment.RESPONSE or lever.kind in played:
            continue
        j = judge(d, s, kind.effects)
        if j.crosses:
            continue  # never a move that would cross our own red line
        score = j.value + _brief_bonus(d, lever.kind) - 0.6 * recent.count(lever.kind)
        scored.append((score, i, lever.kind, j))
    chosen: list[tuple[float, int, str, Judgement]] = []
    together = Effects()  # what this turn's moves so far (entered, or chosen here) do between them
    for m in s.own_moves:
        if m.kind in scenario.move_kinds:
            together = _sum(together, scenario.move_kinds[m.kind].effects)
    if s.own_moves:
        scored = [item for item in scored
                  if not judge(d, s, _sum(together, scenario.move_kinds[item[2]].effects)).crosses]
    while scored and len(chosen) < left:
        [pick] = _draw(rng, scored, 1)
        scored.remove(pick)
        chosen.append(pick)
        together = _sum(together, scenario.move_kinds[pick[2]].effects)
        # never two moves that cross a red line between them, though neither would alone
        scored = [item for item in scored
                  if not judge(d, s, _sum(together, scenario.move_kinds[item[2]].effects)).crosses]
    out: list[cmd.Command] = []
    levers = {lever.kind: lever for lever in scenario.teams[d.team].position.levers}
    for _score, _i, kind_id, j in chosen:
        lever, kind = levers[kind_id], scenario.move_kinds[kind_id]
        served = _goal_texts(d.objectives, j.serves)
        detail = "Played by the doctrine bot"
        if d.brief is not None:
            detail += f", following the brief '{d.brief.title}' ({d.brief.advisor})"
        detail += "." + (" It serves: " + "; ".join(t.rstrip(".") for t in served) + "." if served else "")
        arguments = [f"Serves our objective: {text}" for text in served[:2]]
        if d.brief is not None and d.brief.recommends:
            arguments.append(d.brief.recommends[rng.randrange(len(d.brief.recommends))])
        headline = _first_sentence(lever.text) or kind.label
        out.append(cmd.Submit(d.team, kind_id, headline, list(d.addressed.get(kind_id, [])), detail, "", arguments))
    return out


def plan(d: Doctrine, s: Sight, seed: int) -> list[cmd.Command]:
    """Everything the team's bot does now: answer proposals; while moves are open, move and be ready."""
    if s.phase in (ev.Phase.HOTWASH, ev.Phase.ENDED) or s.turn == 0:
        return []
    out = answers(d, s)
    if s.phase is ev.Phase.MOVES:
        out += moves(d, s, seed)
        if not s.ready or out:
            out.append(cmd.Ready(d.team))
    return out
