"""Games played in memory: bot against bot (``batch``), and a played session re-rolled (``whatif``).

Nothing here touches a file or a database: a game is the engine deciding commands on a
``GameState`` folded in this process. The facilitator's steps are automated the same way in
every run: advance; every revealed move ruled by the scenario's dice (matrix: 2d6 with no
strong arguments either way; estimative: 50 %; umpire: a 2d6 roll by the automated umpire,
success on 7 or more); commitments resolved one turn on (see ``resolve_commitments``);
proposals settle as the engine settles them. A run's seed is derived from the batch seed and
the run's index, so a run gives the same result in whatever process or machine it runs.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from attrs import field, frozen

from . import bots, engine
from . import commands as cmd
from . import events as ev
from .model import Adjudication, Commitment, Effects, Scenario
from .state import GameState

FACILITATOR = cmd.FACILITATOR
_LIMIT = 10_000  # facilitator steps in one game: a guard against a loop, never reached in play


_COMPILED: dict[tuple[Any, ...], Any] = {}  # per process: every game of a batch asks the same conditions


def _compiled(condition: str, tracks: dict[str, int], flags: dict[str, bool]) -> Any:
    """A condition compiled once per process, its answers remembered by its inputs."""
    key = (condition, tuple(tracks.items()), tuple(flags.items()))
    if key in _COMPILED:
        return _COMPILED[key]
    from .conditions import compile_condition

    compiled = compile_condition(condition, tracks, flags)
    seen: dict[tuple[Any, ...], bool] = {}

    def remembered(tracks: Mapping[str, int], flags: Mapping[str, bool], turn: int) -> bool:
        key = (tuple(tracks.items()), tuple(flags.items()), turn)
        found = seen.get(key)
        if found is None:
            if len(seen) > 2_000:
                seen.clear()
            found = seen[key] = compiled(tracks, flags, turn)
        return found

    _COMPILED[key] = remembered
    return remembered


class _Conditions(dict[str, Any]):
    """The scenario's conditions, compiled on first use (see ``_compiled``)."""

    def __init__(self, scenario: Scenario):
        super().__init__()
        self.tracks = {t.id: t.start for t in scenario.tracks.values()}
        self.flags = {f.id: f.start for f in scenario.flags.values()}

    def __missing__(self, condition: str) -> Any:
        self[condition] = found = _compiled(condition, self.tracks, self.flags)
        return found


def rules_for(scenario: Scenario, seed: int) -> engine.Rules:
    return engine.Rules(scenario, _Conditions(scenario), seed)


def run_seed(seed: int, index: int) -> int:
    """The seed of run ``index`` of a batch seeded ``seed``: the same everywhere."""
    digest = hashlib.sha256(f"exercise-batch:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


class Game:
    """One game in memory: the engine's decisions folded into a state, every event kept."""

    def __init__(self, scenario: Scenario, seed: int, rules: engine.Rules | None = None):
        self.scenario = scenario
        self.rules = rules if rules is not None else rules_for(scenario, seed)
        self.state = GameState.initial(scenario)
        self.events: list[ev.Event] = []
        self._fold(engine.begin(self.rules, self.state))

    def _fold(self, events: list[ev.Event]) -> list[ev.Event]:
        for event in events:
            self.state.apply(event)
        self.events += events
        return events

    def act(self, command: cmd.Command, actor: str = FACILITATOR) -> list[ev.Event]:
        return self._fold(engine.decide(self.rules, self.state, command, actor))

    def try_act(self, command: cmd.Command, actor: str = FACILITATOR) -> bool:
        try:
            self.act(command, actor)
        except engine.Refused:
            return False
        return True


# --- the automated facilitator ------------------------------------------------------------------


def rule_all(game: Game) -> None:
    """Rule every revealed move still without a ruling, by the scenario's dice."""
    way = game.scenario.info.adjudication
    for move in game.state.turn_moves():
        if not move.revealed or move.ruling is not None:
            continue
        if way is Adjudication.MATRIX:
            command = cmd.Adjudicate(move.id, "ruled by the automated facilitator")
        elif way is Adjudication.ESTIMATIVE:
            command = cmd.Adjudicate(move.id, "ruled by the automated facilitator", probability=50)
        else:
            rng = random.Random(f"umpire:{game.rules.seed}:{game.state.seq}")
            won = rng.randint(1, 6) + rng.randint(1, 6) >= 7
            command = cmd.Adjudicate(move.id, "ruled by the automated umpire (2d6, 7 or more)",
                                     ev.Outcome.SUCCESS if won else ev.Outcome.FAILURE)
        game.act(command)


def _same_way(a: Effects, b: Effects) -> bool:
    return any(name in b.tracks and (delta > 0) == (b.tracks[name] > 0) for name, delta in a.tracks.items() if delta)


def resolve_commitments(game: Game) -> None:
    """Close the commitments opened in an earlier turn, on what the teams did this turn.

    A threat or promise is carried out when its team follows it with a move of another kind
    that moves the same tracks the same way (a strike after a threat), lapsed otherwise; a
    concession is reciprocated when a team it was aimed at (any other team, if none) offers,
    promises or concedes in the turn after it, unreciprocated otherwise.
    """
    state, kinds = game.state, game.scenario.move_kinds
    now = [m for m in state.turn_moves() if m.revealed]
    for c in list(state.current_commitments()):
        if c.status is not ev.CommitmentStatus.OPEN or c.turn >= state.turn:
            continue
        made = state.moves[c.move]
        if c.kind == "concession":
            others = [t for t in c.targets if t != c.team and t != "all"] or [t for t in game.scenario.teams if t != c.team]
            back = any(m.team in others and kinds[m.kind].commitment in (Commitment.CONCESSION, Commitment.PROMISE,
                                                                        Commitment.PROPOSAL) for m in now)
            status = ev.CommitmentStatus.RECIPROCATED if back else ev.CommitmentStatus.UNRECIPROCATED
        else:
            kept = any(m.team == c.team and m.kind != made.kind and _same_way(kinds[made.kind].effects, kinds[m.kind].effects)
                       for m in now)
            status = ev.CommitmentStatus.CARRIED_OUT if kept else ev.CommitmentStatus.LAPSED
        game.act(cmd.Resolve(c.id, status.value, "resolved by the automated facilitator"))


def bots_act(game: Game, doctrines: Mapping[str, bots.Doctrine], seed: int) -> None:
    """Each team's bot, in the scenario's order, does what it would do now."""
    for team, doctrine in doctrines.items():
        for command in bots.plan(doctrine, bots.sight(game.state, team), seed):
            game.try_act(command, team)


def play(scenario: Scenario, seed: int, briefs: Mapping[str, str] | None = None) -> Game:
    """A whole game, every team played by its bot, the facilitator automated."""
    game = Game(scenario, seed)
    doctrines = {t: bots.doctrine(scenario, game.rules.conditions, t, (briefs or {}).get(t, ""))
                 for t in scenario.teams}
    for _ in range(_LIMIT):
        phase = game.state.phase
        if phase is ev.Phase.ENDED:
            break
        if phase in (ev.Phase.MOVES, ev.Phase.ADJUDICATION):
            bots_act(game, doctrines, seed)
        if phase is ev.Phase.ADJUDICATION:
            rule_all(game)
            resolve_commitments(game)
        game.act(cmd.Advance())
    return game


# --- what a game came to -------------------------------------------------------------------------


@frozen
class Credibility:
    kept: int = 0  # threats and promises carried out, concessions reciprocated
    broken: int = 0  # lapsed or withdrawn; concessions unreciprocated
    open: int = 0


@frozen
class RunResult:
    """What one game came to, as plain data (it crosses process and machine boundaries)."""

    index: int
    seed: int
    end_state: str  # "" when none was reached
    red_lines: tuple[str, ...]  # "team:red_line" crossed at any time
    objectives: tuple[str, ...]  # "team:objective" met at the end
    final: dict[str, int] = field(factory=dict)
    peak: dict[str, int] = field(factory=dict)
    credibility: dict[str, Credibility] = field(factory=dict)
    deals: int = 0
    moves: int = 0
    deals_with_effects: int = 0  # deals that changed a track or a flag (a deal can be words only)


def result_of(scenario: Scenario, state: GameState, index: int = 0, seed: int = 0) -> RunResult:
    crossed = sorted({f"{c.team}:{c.item}" for c in state.condition_log if c.kind == "red_line" and c.holds})
    met = sorted(f"{team}:{item}" for (kind, team, item), holds in state.conditions.items()
                 if kind == "objective" and holds)
    peak = {t.id: t.start for t in scenario.tracks.values()}
    for _turn, name, value in state.history:
        peak[name] = max(peak.get(name, value), value)
    tally: dict[str, list[int]] = {team: [0, 0, 0] for team in scenario.teams}
    kept = (ev.CommitmentStatus.CARRIED_OUT, ev.CommitmentStatus.RECIPROCATED)
    for c in state.commitments.values():
        slot = 2 if c.status is ev.CommitmentStatus.OPEN else 0 if c.status in kept else 1
        tally[c.team][slot] += 1
    struck = [p for p in state.proposals.values() if p.status in (ev.ProposalStatus.DEAL, ev.ProposalStatus.VIOLATED)]
    deals = len(struck)
    with_effects = sum(1 for p in struck if p.effects.tracks or p.effects.flags)
    return RunResult(
        index, seed, state.end_state or state.first_end_state, tuple(crossed), tuple(met), dict(state.tracks), peak,
        {team: Credibility(*counts) for team, counts in tally.items()}, deals, len(state.moves), with_effects,
    )


def run_one(scenario: Scenario, seed: int, index: int, briefs: Mapping[str, str] | None = None) -> RunResult:
    """Run ``index`` of a batch seeded ``seed``."""
    own = run_seed(seed, index)
    return result_of(scenario, play(scenario, own, briefs).state, index, own)


# --- what-if: a played session, its moves held, its dice rolled again -----------------------------


def _ruling_command(scenario: Scenario, move_kind: str, e: ev.Ruled) -> cmd.Adjudicate:
    if e.method == Adjudication.UMPIRE.value:  # by hand: kept as ruled
        return cmd.Adjudicate(e.move, e.narrative, e.outcome, e.effects, public=e.public)
    if e.asked is not None:  # the effects given for success, whatever the dice said
        effects: Effects | None = e.asked
    else:  # none given, or a ruling from before they were kept: as far as its effects tell
        defaults = engine._default_effects(engine.Rules(scenario, {}, 0), move_kind, e.outcome)
        effects = None if e.effects == defaults or e.outcome is not ev.Outcome.SUCCESS else e.effects
    return cmd.Adjudicate(e.move, e.narrative, None, effects, max(e.modifier, 0), max(-e.modifier, 0),
                          e.probability, e.public)


def commands_of(scenario: Scenario, events: Iterable[ev.Event]) -> list[tuple[str, cmd.Command]]:
    """The commands (with their actors) that ``events`` record, as far as they can be told apart.

    What follows from a command by the rules (queued injects, tabled proposals, commitments
    opened, conditions, deals) is left out: replaying the commands makes it again.
    """
    out: list[tuple[str, cmd.Command]] = []
    phase = ev.Phase.BRIEFING
    kinds: dict[str, str] = {}
    teams: dict[str, str] = {}
    pending_counter: dict[str, int] = {}  # proposal countered -> index of its Respond in out
    for e in events:
        match e:
            case ev.TurnStarted(turn=turn):
                if turn > 1:
                    out.append((FACILITATOR, cmd.Advance(force=True)))
                phase = ev.Phase.BRIEFING
            case ev.InjectDelivered(inject=inject, recipients=recipients, entry=entry):
                if not entry:
                    out.append((FACILITATOR, cmd.DeliverInject(inject, list(recipients))))
                elif phase is not ev.Phase.BRIEFING:
                    out.append((FACILITATOR, cmd.Deliver(entry)))
            case ev.InjectSkipped(entry=entry, reason=reason):
                out.append((FACILITATOR, cmd.Skip(entry, reason)))
            case ev.PhaseChanged(phase=new, reason=reason):
                if new is ev.Phase.MOVES:
                    out.append((FACILITATOR, cmd.Advance()))
                elif new is ev.Phase.HOTWASH:
                    last = reason == "the last turn is over"
                    out.append((FACILITATOR, cmd.Advance(force=True) if last else cmd.End(reason)))
                phase = new
            case ev.MovesRevealed():
                out.append((FACILITATOR, cmd.Advance()))
                phase = ev.Phase.ADJUDICATION
            case ev.MoveSubmitted(move=m, team=team, kind=kind):
                kinds[m], teams[m] = kind, team
                out.append((team, cmd.Submit(team, kind, e.headline, list(e.targets), e.detail, e.answers,
                                             list(e.arguments), list(e.terms))))
            case ev.MoveRevised(move=m):
                out.append((teams[m], cmd.Revise(teams[m], m, e.headline, list(e.targets), e.detail, e.answers,
                                                 list(e.arguments), list(e.terms))))
            case ev.MoveWithdrawn(move=m):
                out.append((teams[m], cmd.Withdraw(teams[m], m)))
            case ev.ReadyChanged(team=team, ready=ready):
                out.append((team, cmd.Ready(team, ready)))
            case ev.Ruled(move=m):
                out.append((FACILITATOR, _ruling_command(scenario, kinds.get(m, ""), e)))
            case ev.ProposalAnswered(proposal=p, team=team, answer=answer, note=note):
                if note == "proposer" and answer is ev.Answer.ACCEPT:
                    continue  # the proposer's own acceptance, made by the rules
                if answer is ev.Answer.COUNTER:
                    pending_counter[p] = len(out)
                out.append((team, cmd.Respond(team, p, answer, note)))
            case ev.ProposalTabled(counter_of=original, terms=terms, effects=effects) if original in pending_counter:
                i = pending_counter.pop(original)
                actor, respond = out[i]
                assert isinstance(respond, cmd.Respond)
                out[i] = (actor, cmd.Respond(respond.team, respond.proposal, respond.answer, respond.note,
                                             list(terms), effects))
            case ev.ProposalSettled(proposal=p, status=ev.ProposalStatus.VIOLATED, by=by, note=note, effects=effects):
                out.append((FACILITATOR, cmd.Resolve(p, "violated", note, by, effects)))
            case ev.CommitmentResolved(commitment=c, status=status, note=note):
                out.append((FACILITATOR, cmd.Resolve(c, status.value, note)))
            case ev.GameEnded(reason=reason):
                out.append((FACILITATOR, cmd.End(reason)))
            case ev.TeamHandedOver(team=team, to=to, brief=brief):
                out.append((FACILITATOR, cmd.Handoff(team, to, brief)))
    return out


def replay_commands(scenario: Scenario, commands: list[tuple[str, cmd.Command]], seed: int) -> tuple[Game, int]:
    """The game those commands make with dice seeded ``seed``, and how many the rules refused there."""
    game = Game(scenario, seed)
    refused = sum(0 if game.try_act(command, actor) else 1 for actor, command in commands)
    return game, refused


@frozen
class WhatIfResult:
    result: RunResult
    refused: int  # commands that could not be made in this world (it went another way)


def whatif_one(scenario: Scenario, commands: list[tuple[str, cmd.Command]], seed: int, index: int) -> WhatIfResult:
    own = run_seed(seed, index)
    game, refused = replay_commands(scenario, commands, own)
    return WhatIfResult(result_of(scenario, game.state, index, own), refused)


# --- many runs: the distribution ------------------------------------------------------------------


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _stats(values: list[int]) -> dict[str, Any]:
    ordered = sorted(values)
    n = len(ordered)
    mean = sum(ordered) / n
    counts: dict[int, int] = {}
    for v in ordered:
        counts[v] = counts.get(v, 0) + 1
    return {"mean": round(mean, 3), "min": ordered[0], "max": ordered[-1], "median": ordered[n // 2],
            "counts": {str(k): counts[k] for k in sorted(counts)}}


def summarise(scenario: Scenario, results: list[RunResult], actual: RunResult | None = None) -> dict[str, Any]:
    """The distribution over runs (sorted by index) as plain data, in the scenario's order."""
    results = sorted(results, key=lambda r: r.index)
    total = len(results)
    ends: dict[str, int] = {}
    for r in results:
        ends[r.end_state] = ends.get(r.end_state, 0) + 1
    order = [*scenario.end_states, ""]
    end_states = [
        {"id": e, "label": scenario.end_states[e].label if e in scenario.end_states else "no end state reached",
         "runs": ends[e], "share": _share(ends[e], total)}
        for e in sorted(ends, key=lambda e: order.index(e) if e in order else len(order))
    ]
    red_lines = []
    for team in scenario.teams.values():
        for line in team.position.red_lines:
            key = f"{team.id}:{line.id}"
            n = sum(1 for r in results if key in r.red_lines)
            red_lines.append({"team": team.id, "team_name": team.name, "id": line.id, "text": line.text,
                              "assessed": bool(line.when), "runs": n, "share": _share(n, total),
                              "actual": (key in actual.red_lines) if actual else None})
    objectives = []
    for team in scenario.teams.values():
        for o in sorted(team.position.objectives, key=lambda o: o.rank):
            key = f"{team.id}:{o.id}"
            n = sum(1 for r in results if key in r.objectives)
            objectives.append({"team": team.id, "team_name": team.name, "id": o.id, "rank": o.rank, "text": o.text,
                               "assessed": bool(o.when), "runs": n, "share": _share(n, total),
                               "actual": (key in actual.objectives) if actual else None})
    tracks = []
    for t in scenario.tracks.values():
        final = _stats([r.final[t.id] for r in results])
        peak = _stats([r.peak[t.id] for r in results])
        row = {"id": t.id, "label": t.label, "min": t.min, "max": t.max, "start": t.start, "final": final, "peak": peak}
        if actual is not None:
            value = actual.final[t.id]
            row["actual"] = value
            row["runs_below_actual"] = sum(1 for r in results if r.final[t.id] < value)
            row["runs_at_actual"] = sum(1 for r in results if r.final[t.id] == value)
        tracks.append(row)
    credibility = []
    for team in scenario.teams.values():
        kept = sum(r.credibility[team.id].kept for r in results)
        broken = sum(r.credibility[team.id].broken for r in results)
        still = sum(r.credibility[team.id].open for r in results)
        credibility.append({"team": team.id, "team_name": team.name, "kept": kept, "broken": broken, "open": still,
                            "share_kept": _share(kept, kept + broken) if kept + broken else None})
    out: dict[str, Any] = {
        "scenario": {"id": scenario.info.id, "title": scenario.info.title, "turns": scenario.info.turns,
                     "adjudication": scenario.info.adjudication.value},
        "runs": total,
        "end_states": end_states,
        "red_lines": red_lines,
        "objectives": objectives,
        "tracks": tracks,
        "credibility": credibility,
        "deals": _stats([r.deals for r in results]) if results else None,
        "deals_with_effects": _stats([r.deals_with_effects for r in results]) if results else None,
    }
    if actual is not None:
        same = ends.get(actual.end_state, 0)
        out["actual"] = {"end_state": actual.end_state,
                         "label": scenario.end_states[actual.end_state].label if actual.end_state else "no end state reached",
                         "runs_same_end_state": same, "share_same_end_state": _share(same, total),
                         "red_lines": list(actual.red_lines)}
    return out


Progress = Callable[[int, int], None]


# --- running many: here, on a local process pool, or on a Dask cluster ------------------------------


CONNECT_WAIT = 10.0  # seconds to wait for a Dask scheduler to answer
WORKER_WAIT = 10.0  # seconds to wait for a Dask cluster to have a worker before giving up


class RunError(Exception):
    """Runs that cannot be made (no Dask, a scheduler out of reach); the message is one line."""


@frozen
class BatchJob:
    """Bot-against-bot run ``index`` of a batch: a picklable callable, the same in every process."""

    scenario: Scenario
    seed: int
    briefs: dict[str, str] = field(factory=dict)

    def __call__(self, index: int) -> RunResult:
        return run_one(self.scenario, self.seed, index, self.briefs)


@frozen
class WhatIfJob:
    """Re-roll ``index`` of a played session: its commands replayed with other dice."""

    scenario: Scenario
    commands: list[tuple[str, cmd.Command]]
    seed: int

    def __call__(self, index: int) -> WhatIfResult:
        return whatif_one(self.scenario, self.commands, self.seed, index)


_JOB: dict[str, Callable[[int], Any]] = {}


def _start_worker(job: Callable[[int], Any]) -> None:
    _JOB["job"] = job


def _run_in_worker(index: int) -> Any:
    return _JOB["job"](index)


def _run_job(index: int, job: Callable[[int], Any]) -> Any:
    return job(index)


def run_many(job: Callable[[int], Any], runs: int, workers: int = 1, scheduler: str | None = None,
             progress: Progress | None = None) -> list[Any]:
    """``job(0) ... job(runs - 1)``, in order of index whatever ran them.

    ``scheduler`` (``tcp://HOST:PORT``): on that Dask cluster; else ``workers`` local processes
    (1: in this process).
    """
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, runs)

    if scheduler:
        return _run_on_dask(job, runs, scheduler, tick)
    if workers <= 1 or runs == 1:
        out = []
        for index in range(runs):
            out.append(job(index))
            tick()
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: dict[int, Any] = {}
    methods = multiprocessing.get_all_start_methods()  # never fork a process that may hold threads (a Dask client)
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, runs), mp_context=context, initializer=_start_worker,
                             initargs=(job,)) as pool:
        futures = {pool.submit(_run_in_worker, index): index for index in range(runs)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            tick()
    return [results[i] for i in range(runs)]


def _connect(client_class: Any, scheduler: str) -> Any:
    """A client of the scheduler at ``scheduler``, or RunError within about ``CONNECT_WAIT`` seconds.

    A probe first, with a deadline of its own: a client that reached something other than a
    Dask scheduler (a web server, the scheduler's own dashboard port) can wait for the
    handshake far past its timeout.
    """
    import asyncio

    from distributed.comm import connect

    async def probe() -> None:
        comm = await asyncio.wait_for(connect(scheduler, timeout=CONNECT_WAIT), CONNECT_WAIT + 1)
        await comm.close()

    try:
        asyncio.run(probe())
        return client_class(scheduler, timeout=f"{CONNECT_WAIT:g}s")
    except TimeoutError:
        raise RunError(f"no Dask scheduler answered at {scheduler} within {CONNECT_WAIT:g} s "
                       "(is that the scheduler's port, not its dashboard's?)") from None
    except Exception as exc:  # refused, timed out, a bad address, or something there that is not Dask
        why = str(exc).strip() or f"what answered does not speak Dask's protocol: {type(exc).__name__}"
        raise RunError(f"cannot reach the Dask scheduler at {scheduler} ({why})") from None


def _run_on_dask(job: Callable[[int], Any], runs: int, scheduler: str, tick: Callable[[], None]) -> list[Any]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RunError("--scheduler needs Dask: pip install 'exercise[dask]' (dask and distributed)") from None
    client = _connect(Client, scheduler)
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError:
            raise RunError(f"the Dask scheduler at {scheduler} has no workers after {WORKER_WAIT:g} s "
                           f"(start some: dask worker {scheduler})") from None
        shared = client.scatter(job, broadcast=True)
        futures = client.map(_run_job, range(runs), job=shared, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: dict[int, Any] = {}
        for future in as_completed(futures):
            results[index[future.key]] = future.result()
            tick()
        return [results[i] for i in range(runs)]
    finally:
        client.close()
