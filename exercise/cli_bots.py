"""The command line of bots and many runs: ``bot``, ``handoff``, ``batch`` and ``whatif``.

``bot SESSION --team T`` plays a team on a live session with the doctrine bot (``exercise.bots``);
``handoff SESSION --team T bot|human`` records who plays it; ``batch SCENARIO`` plays bot against
bot in memory, many times; ``whatif SESSION`` replays a played session with its moves held and its
dice rolled again. Runs go to a local process pool (``--workers``) or a Dask cluster
(``--scheduler``), with the same results either way.

Exit codes (as ``exercise.cli``): 0 done; 1 invalid input (a session, scenario, team, brief or
scheduler that will not do); 2 a usage error; 3 refused by the rules. One line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
POLL = 0.5  # seconds between looks at the journal, as a console polls
PRESENCE_EVERY = 10.0  # seconds between the bot's "still here" in the consoles' list of who is connected


def _fail(message: str, code: int = EXIT_INVALID) -> int:
    from .text import visible

    print(f"exercise: {visible(message)}", file=sys.stderr)
    return code


def add_commands(commands) -> None:
    from .cli import _bounded

    scale = argparse.ArgumentParser(add_help=False)
    scale.add_argument("--runs", type=_bounded(1, 1_000_000), required=True, metavar="N", help="how many games to play")
    scale.add_argument("--workers", type=_bounded(1, 1024), metavar="N",
                       help="local worker processes (default: one per core)")
    scale.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="run on this Dask cluster instead (needs 'exercise[dask]'); the results are the same")
    scale.add_argument("--json", action="store_true", help="print the distribution as JSON instead of a report")
    scale.add_argument("-o", "--output", metavar="FILE", help="write the report here (.md or .html; .json with --json)")
    scale.add_argument("--format", choices=["md", "html"], help="the report's format (default: from -o, else md)")
    scale.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no 'wrote' line")

    p = commands.add_parser("bot", help="the doctrine bot plays a team on a live session",
                            description="Hand TEAM to the doctrine bot and play it: the bot answers the proposals "
                            "put to the team and, while moves are open, enters its moves and marks it ready, from "
                            "the team's position (levers, objectives, red lines) and an advisor brief. It watches "
                            "the session as a console does, until the game ends or the team is handed back "
                            "('exercise handoff SESSION --team TEAM human').")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--team", required=True, help="the team the bot plays")
    p.add_argument("--brief", default="", metavar="ID",
                   help="the advisor brief the bot follows (see 'exercise brief'; default: the one it was handed with)")
    p.add_argument("--once", action="store_true", help="act for the current phase, then exit (for scripts)")
    p.set_defaults(func=_handler("bot"))

    p = commands.add_parser("handoff", help="hand a team to the doctrine bot, or back to its players",
                            description="Record who plays TEAM from now on: the doctrine bot ('bot', then run "
                            "'exercise bot SESSION --team TEAM') or its players ('human'; a running bot stops).")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--team", required=True)
    p.add_argument("to", choices=["bot", "human"])
    p.add_argument("--brief", default="", metavar="ID", help="with 'bot': the advisor brief it follows")
    p.add_argument("--json", action="store_true", help="print JSON for scripts instead of lines")
    p.set_defaults(func=_handler("handoff"))

    p = commands.add_parser("batch", parents=[scale], help="bot against bot, many games in memory: the spread of outcomes",
                            description="Play SCENARIO N times, every team by its doctrine bot, the facilitator "
                            "automated (advance, the scenario's dice on every move, commitments resolved a turn "
                            "on), in memory. Reports the end states reached, red lines crossed, final and peak "
                            "tracks and credibility. The same --seed gives the same output.")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--seed", type=_bounded(-(2**63), 2**63 - 1), help="the batch seed (default: the scenario's)")
    p.add_argument("--brief", action="append", default=[], metavar="TEAM=ID",
                   help="the advisor brief a team's bot follows (repeatable)")
    p.set_defaults(func=_handler("batch"))

    p = commands.add_parser("whatif", parents=[scale], help="a played session with its dice rolled again: how much was luck",
                            description="Replay SESSION N times with every move, answer and ruling by hand held as "
                            "played and the dice of every rolled ruling rolled again, and compare the spread of "
                            "outcomes with what happened.")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--seed", type=_bounded(-(2**63), 2**63 - 1), help="the re-roll seed (default: the session's)")
    p.set_defaults(func=_handler("whatif"))


def _handler(name: str):
    def run(args: argparse.Namespace) -> int:
        from .batch import RunError
        from .bots import BotError
        from .session import Refused, SessionError

        try:
            return globals()[f"_{name}"](args)
        except (SessionError, BotError, RunError) as exc:
            return _fail(str(exc))
        except Refused as exc:
            return _fail(f"refused: {exc}", EXIT_REFUSED)

    return run


# --- a live session ------------------------------------------------------------------------------


def _say(session, events, team: str) -> None:
    from .narrate import describe
    from .text import visible

    for event in session.seen_by(team, events):
        print(visible(describe(event, session.scenario)), flush=True)


def _bot(args: argparse.Namespace) -> int:
    from . import bots
    from . import commands as cmd
    from . import events as ev
    from .session import Refused, Session

    with Session.open(args.session) as session:
        brief = args.brief
        if not brief and args.team in session.state.bots:  # already with the bot: it keeps the brief it was given
            brief = session.state.bots[args.team]
        doctrine = bots.doctrine(session.scenario, session.rules.conditions, args.team, brief)
        if session.state.phase is ev.Phase.ENDED:
            return _fail("the game has ended: there is nothing left to play", EXIT_REFUSED)
        if session.state.phase is ev.Phase.HOTWASH:  # no hand-over recorded: the bot would play nothing
            return _fail("the game is in its hotwash: there is nothing left for the bot to play", EXIT_REFUSED)
        if session.state.bots.get(args.team) != brief:
            _say(session, session.act(cmd.Handoff(args.team, "bot", brief)), args.team)
        while True:
            session.refresh()
            state = session.state
            if args.team not in state.bots:
                print(f"{args.team} was handed back to its players: the bot stops", flush=True)
                return EXIT_OK
            if state.phase in (ev.Phase.HOTWASH, ev.Phase.ENDED):
                print(f"the game is in its {state.phase.value}: the bot stops", flush=True)
                return EXIT_OK
            if state.bots[args.team] != (doctrine.brief.id if doctrine.brief else ""):  # handed over again
                doctrine = bots.doctrine(session.scenario, session.rules.conditions, args.team, state.bots[args.team])
                print(f"{args.team}'s bot now follows "
                      + (f"the brief '{doctrine.brief.title}'" if doctrine.brief else "no advisor brief"), flush=True)
            acted = False
            for command in bots.plan(doctrine, bots.sight(state, args.team), session.seed):
                try:
                    events = session.act(command, args.team)
                except Refused as exc:  # the state moved on under us: the next look decides again
                    print(f"skipped: {exc}", file=sys.stderr, flush=True)
                    continue
                acted = acted or bool(events)
                _say(session, events, args.team)
            _touch(session, args.team)
            if args.once:
                if not acted:
                    print(f"nothing for {args.team} to do ({state.phase.value}, turn {state.turn})")
                return EXIT_OK
            waited = 0.0
            while not session.changed():
                time.sleep(POLL)
                waited += POLL
                if waited >= PRESENCE_EVERY:
                    waited = 0.0
                    _touch(session, args.team)


def _touch(session, team: str) -> None:
    """Show the bot in the consoles' list of who is connected, as a console shows itself."""
    import os

    from .session import SessionError

    try:
        session.touch(team, f"doctrine bot (process {os.getpid()})")
    except SessionError:
        pass  # presence is a courtesy


def _handoff(args: argparse.Namespace) -> int:
    from . import commands as cmd
    from .session import Session

    with Session.open(args.session) as session:
        events = session.act(cmd.Handoff(args.team, args.to, args.brief))
        if args.json:
            from .serial import event_data

            print(json.dumps({"ok": True, "events": [{"type": t, **d} for t, d in map(event_data, events)]}))
        else:
            _say(session, events, "facilitator")
            if not events:
                print(f"{args.team} is already played by {'the bot' if args.to == 'bot' else 'its players'}")
    return EXIT_OK


# --- many runs -----------------------------------------------------------------------------------


class _Bar:
    """A progress bar on standard error, drawn only when it is a terminal."""

    def __init__(self, what: str, quiet: bool):
        self.what = what
        self.on = not quiet and sys.stderr.isatty()
        self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.on:
            return
        now = time.monotonic()
        if done < total and now - self.shown < 0.1:
            return
        self.shown = now
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r{self.what} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _workers(args: argparse.Namespace) -> int:
    import os

    return args.workers or max(1, os.cpu_count() or 1)


_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


def _format(args: argparse.Namespace) -> str:
    """md, html or json, from --json, --format and -o's suffix; ValueError (a one-line usage error) if they clash."""
    suffix = Path(args.output).suffix.lower() if args.output else ""
    by_name = _SUFFIXES.get(suffix)
    if args.output and by_name is None and not (args.format or args.json):
        raise ValueError(f"-o {args.output}: name a .md, .html or .json file, or give --format md|html")
    wanted = "json" if args.json else args.format or by_name or "md"
    if by_name and by_name != wanted:
        given = "--json" if args.json else f"--format {wanted}"
        raise ValueError(f"-o {args.output}: {given} writes {wanted.upper() if wanted != 'md' else 'Markdown'}, "
                         f"not {suffix} (name the file .{wanted})")
    return wanted


def _emit(args: argparse.Namespace, summary: dict, kind: str) -> int:
    from .batch_report import render

    try:
        fmt = _format(args)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    if fmt == "json":
        text = json.dumps(summary, indent=1, ensure_ascii=False) + "\n"
    else:
        text = render(kind, fmt, summary)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    from .files import write_atomic

    try:
        write_atomic(args.output, text)
    except OSError as exc:
        return _fail(f"{args.output}: cannot be written ({exc.strerror or exc})")
    if not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _parse_briefs(scenario, given: list[str]) -> dict[str, str]:
    from .bots import BotError

    briefs: dict[str, str] = {}
    for item in given:
        team, sep, brief = item.partition("=")
        if not sep or not team or not brief:
            raise BotError(f"--brief '{item}': write TEAM=BRIEF, e.g. --brief us=restraint")
        if team not in scenario.teams:
            raise BotError(f"--brief {item}: no team '{team}' (teams: {', '.join(scenario.teams)})")
        known = [a.id for a in scenario.teams[team].position.advisors]
        if brief not in known:
            raise BotError(f"--brief {item}: team '{team}' has no advisor brief '{brief}' (briefs: {', '.join(known) or 'none'})")
        briefs[team] = brief
    return briefs


def _batch(args: argparse.Namespace) -> int:
    from . import batch
    from .cli import _load

    scenario = _load(args.scenario, None)  # says what is wrong
    if scenario is None:
        return EXIT_INVALID
    briefs = _parse_briefs(scenario, args.brief)
    seed = scenario.info.seed if args.seed is None else args.seed
    job = batch.BatchJob(scenario, seed, briefs)
    results = batch.run_many(job, args.runs, _workers(args), args.scheduler, _Bar("games", args.quiet))
    summary = batch.summarise(scenario, results)
    summary["seed"] = seed
    summary["briefs"] = dict(sorted(briefs.items()))
    return _emit(args, summary, "batch")


def _whatif(args: argparse.Namespace) -> int:
    from . import batch
    from .session import Session

    with Session.open(args.session) as session:
        scenario, events, state, own_seed = session.scenario, session.events(), session.state, session.seed
    seed = own_seed if args.seed is None else args.seed
    commands = batch.commands_of(scenario, events)
    actual = batch.result_of(scenario, state, -1, own_seed)
    job = batch.WhatIfJob(scenario, commands, seed)
    outcomes = batch.run_many(job, args.runs, _workers(args), args.scheduler, _Bar("re-rolls", args.quiet))
    summary = batch.summarise(scenario, [o.result for o in outcomes], actual)
    summary["seed"] = seed
    summary["session"] = {"file": Path(args.session).name, "turn": state.turn, "phase": state.phase.value,
                          "rolled": sum(1 for m in state.moves.values() if m.ruling and m.ruling.rolls),
                          "commands": len(commands)}
    summary["diverged"] = sum(1 for o in outcomes if o.refused)
    return _emit(args, summary, "whatif")
