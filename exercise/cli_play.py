"""The command-line handlers that play a session: start, status, submit, advance, ...

Each prints a short human line per event (or ``--json``) and returns an exit code:
0 done, 1 a file or scenario problem, 3 refused by the rules of the game.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from . import commands as cmd
from . import events as ev
from .files import write_atomic
from .journal import JournalError
from .model import Effects
from .narrate import describe, parse_effects
from .session import FACILITATOR, Refused, Session, SessionError
from .text import visible
from .views import View, view_data

EXIT_OK, EXIT_INVALID, EXIT_REFUSED = 0, 1, 3


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if getattr(args, "json", False):
        _print_json({"ok": False, "error": message})
    print(f"exercise: {visible(message)}", file=sys.stderr)
    return code


def _open(args: argparse.Namespace) -> Session:
    return Session.open(args.session)


def _report(args: argparse.Namespace, session: Session, events: list[ev.Event], extra: dict | None = None,
            role: str = FACILITATOR) -> int:
    """Print what happened as ``role`` may see it (a team is not told of others' secrets)."""
    from .serial import VERSION_KEY, event_data

    seen = session.seen_by(role, events)
    if args.json:  # what happened, not how it is stored: no version stamp
        out = [{"type": t, **{k: v for k, v in d.items() if k != VERSION_KEY}} for t, d in map(event_data, seen)]
        _print_json({"ok": True, "events": out, **(extra or {})})
    else:
        for event in seen:
            print(visible(describe(event, session.scenario)))
        if not seen:
            print("done" if events else "nothing changed")
    return EXIT_OK


def _print_json(data, indent: int | None = None) -> None:
    """JSON with every control character escaped (JSON escapes C0 itself; DEL and C1 too here)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    print(_UNESCAPED_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


_UNESCAPED_CONTROLS = re.compile(r"[\x7f-\x9f]")


def run(handler, args: argparse.Namespace) -> int:
    """Run a play handler, turning the session's errors into messages and exit codes."""
    try:
        return handler(args)
    except (SessionError, JournalError) as exc:
        return _fail(args, str(exc), EXIT_INVALID)
    except Refused as exc:
        return _fail(args, f"refused: {exc}", EXIT_REFUSED)


def _act(args: argparse.Namespace, command: cmd.Command, actor: str = FACILITATOR) -> int:
    with _open(args) as session:
        return _report(args, session, session.act(command, actor), role=actor)


def _team_actor(args: argparse.Namespace) -> str:
    return FACILITATOR if args.as_facilitator else args.team


# --- starting and looking --------------------------------------------------------------------


def _free_path(scenario_id: str) -> Path:
    path, n = Path(f"{scenario_id}.session"), 1
    while path.exists():
        n += 1
        path = Path(f"{scenario_id}-{n}.session")
    return path


def start(args: argparse.Namespace) -> int:
    from .cli import _load

    scenario = _load(args.scenario, None)  # prints what is wrong
    if scenario is None:
        if args.json:
            print(json.dumps({"ok": False, "error": f"scenario '{args.scenario}' did not load (see standard error)"}))
        return EXIT_INVALID
    path = Path(args.session) if args.session else _free_path(scenario.info.id)
    with Session.create(path, scenario, args.seed) as session:
        if args.json:
            return _report(args, session, session.events(), {"session": str(path), "teams": list(scenario.teams)})
        print(f"started {path}: {scenario.info.title} ({len(scenario.teams)} teams, {scenario.info.turns} turns)")
        for event in session.events():
            print(describe(event, scenario))
        print("\nEach team joins from its own terminal with:")
        for team, info in scenario.teams.items():
            print(f"  exercise join {path} --team {team}    ({info.name})")
        print(f"The facilitator console: exercise facilitate {path}")
        print(f"An evaluator's console: exercise evaluate {path} console")
        print(f"Or play from the command line: exercise status {path}, exercise advance {path}, ... (see 'exercise --help')")
    if args.no_tui or not sys.stdin.isatty():
        return EXIT_OK
    return _console(path, FACILITATOR)


def _console(path: Path, role: str) -> int:
    """Run a console until its user quits; errors with the file or role are one line."""
    from . import cli_console
    from .tui.app import make_app, opening_app

    return cli_console.run(opening_app(path, role) or make_app(path, role))


def facilitate(args: argparse.Namespace) -> int:
    return _console(Path(args.session), FACILITATOR)


def join(args: argparse.Namespace) -> int:
    return _console(Path(args.session), args.team)


def serve(args: argparse.Namespace) -> int:
    from .web import serve as serve_web

    return serve_web(Path(args.session), args.host, args.port, args.public_url)


def web_console(args: argparse.Namespace) -> int:
    """One browser tab's console: a join code first (run by 'serve', not by people)."""
    import signal

    from .tui.app import ConsoleApp
    from .web import die_with_parent

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    app = ConsoleApp(Session.open(args.session), None, client=args.client or None, exit_with_parent=True)
    app.run()
    return app.return_code or EXIT_OK


def status(args: argparse.Namespace) -> int:
    with _open(args) as session:
        view = session.view(args.as_role, "all" if args.all else "now")
        if args.json:
            _print_json(view_data(view), indent=1)
        else:
            print(visible(status_text(view)))
    return EXIT_OK


def _bot_tag(brief: str | None) -> str:
    """`` (bot)`` or `` (bot: BRIEF)`` after a team the doctrine bot plays."""
    if brief is None:
        return ""
    return f" (bot: {brief})" if brief else " (bot)"


def status_text(view: View) -> str:
    """A session's view as a few readable lines."""
    s = view.scenario
    lines = [f"{s.title} ({s.id})",
             f"turn {view.turn} of {s.turns} · {view.phase.value} · viewing as {view.role}"]
    lines.append("tracks: " + " · ".join(f"{n} {t.value}/{t.max}" for n, t in view.tracks.items()))
    set_flags = [n for n, f in view.flags.items() if f.value]
    lines.append("flags set: " + (", ".join(set_flags) or "none"))
    lines.append("teams: " + " · ".join(
        f"{tid}{'' if t.moves_this_turn is None else f' {t.moves_this_turn} move(s)'}{' ready' if t.ready else ''}"
        f"{_bot_tag(t.bot)}"
        for tid, t in view.teams.items()))
    for q in view.queue or ():
        lines.append(f"queued {q.entry}: {q.title} ({q.reason})")
    for d in view.injects:
        lines.append(f"inject {d.id} (turn {d.turn}): {d.title} [from {d.sender}]")
    for m in view.moves:
        ruling = f"; ruled {m.ruling.outcome.value}" if m.ruling else ""
        lines.append(f"move {m.id} (turn {m.turn}, {m.status}{ruling}) {m.team} [{m.kind}]: {m.headline}")
    for p in view.proposals:
        answers = ", ".join(f"{t} {a.value}" for t, a in p.answers.items()) or "no answers yet"
        lines.append(f"proposal {p.id} ({p.status}): {p.title} · parties {', '.join(p.parties)} · {answers}")
    for c in view.commitments:
        lines.append(f"commitment {c.id} ({c.status}): {c.team} {c.kind}: {c.text}")
    words = {"objective": ("met", "no longer met"), "red_line": ("crossed", "no longer crossed"),
             "end_state": ("reached", "no longer holds")}  # a red line that "holds" would read as not crossed
    for c in view.conditions:
        said = words.get(c.kind, ("holds", "no longer holds"))[0 if c.holds else 1]
        lines.append(f"turn {c.turn}: {c.kind.replace('_', ' ')} {c.team + ' ' if c.team else ''}{c.item} {said}")
    if view.scope == "now" and view.turn > 1:
        lines.append("(this turn, and what is still open from earlier ones: --all for the whole record)")
    if view.end_state:
        lines.append(f"end state: {view.end_state}")
    return "\n".join(lines)


# --- team commands ---------------------------------------------------------------------------


def submit(args: argparse.Namespace) -> int:
    command = cmd.Submit(args.team, args.kind, args.headline, args.to or [], args.detail, args.answers,
                         args.argument or [], args.term or [])
    return _act(args, command, _team_actor(args))


def revise(args: argparse.Namespace) -> int:
    """Revise a move: what is not given again stays as it was."""
    with _open(args) as session:
        move = session.state.moves.get(args.move)
        keep = (lambda given, old: given if given else old) if move else (lambda given, old: given)
        command = cmd.Revise(
            args.team, args.move, args.headline, keep(args.to, move and move.targets) or [],
            keep(args.detail, move and move.detail) or "", keep(args.answers, move and move.answers) or "",
            keep(args.argument, move and move.arguments) or [], keep(args.term, move and move.terms) or [],
        )
        actor = _team_actor(args)
        return _report(args, session, session.act(command, actor), role=actor)


def withdraw(args: argparse.Namespace) -> int:
    return _act(args, cmd.Withdraw(args.team, args.move), _team_actor(args))


def ready(args: argparse.Namespace) -> int:
    return _act(args, cmd.Ready(args.team, not args.not_ready), _team_actor(args))


def respond(args: argparse.Namespace) -> int:
    command = cmd.Respond(args.team, args.proposal, ev.Answer(args.answer), args.note, args.term or [],
                          _parse_effects(args))
    return _act(args, command, _team_actor(args))


# --- facilitator commands --------------------------------------------------------------------


def advance(args: argparse.Namespace) -> int:
    return _act(args, cmd.Advance(force=args.force))


def inject(args: argparse.Namespace) -> int:
    with _open(args) as session:
        if args.skip is not None:
            command = cmd.Skip(args.id, args.skip)
        elif args.id in session.state.queue:
            command = cmd.Deliver(args.id)
        else:
            command = cmd.DeliverInject(session.find_inject(args.id), args.to or [])
        return _report(args, session, session.act(command))


def _parse_effects(args: argparse.Namespace) -> Effects | None:
    if getattr(args, "no_effect", False):
        return Effects()
    if not args.effect and not args.flag:
        return None
    for item in args.flag or []:
        if item.partition("=")[2].strip().lower() not in ("true", "false"):
            raise Refused(f"--flag '{item}': write FLAG=true or FLAG=false")
    try:
        return parse_effects(", ".join([*(args.effect or []), *(args.flag or [])]))
    except ValueError as exc:
        raise Refused(f"--effect {exc}") from None


def adjudicate(args: argparse.Namespace) -> int:
    command = cmd.Adjudicate(
        args.move, args.narrative, ev.Outcome(args.outcome) if args.outcome else None, _parse_effects(args),
        args.strong_for, args.strong_against, args.probability, not args.private,
    )
    return _act(args, command)


def resolve(args: argparse.Namespace) -> int:
    status = args.status.replace("-", "_").replace(" ", "_")
    return _act(args, cmd.Resolve(args.item, status, args.note, args.by, _parse_effects(args)))


def note(args: argparse.Namespace) -> int:
    command = cmd.Note(args.as_role, args.text, args.category, args.team, args.owner, args.due)
    return _act(args, command, args.as_role)


def end(args: argparse.Namespace) -> int:
    return _act(args, cmd.End(args.reason))


# --- archives --------------------------------------------------------------------------------


def export(args: argparse.Namespace) -> int:
    from .archive import export_text

    with _open(args) as session:
        text = export_text(session)
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            return _fail(args, f"{args.output}: cannot be written ({exc.strerror or exc})", EXIT_INVALID)
        if not args.json:
            print(f"exported {args.session} to {args.output}")
        else:
            print(json.dumps({"ok": True, "output": str(args.output)}))
    else:
        sys.stdout.write(text)
    return EXIT_OK


def import_(args: argparse.Namespace) -> int:
    from .archive import ArchiveError, import_archive

    try:
        session = import_archive(Path(args.archive), Path(args.session) if args.session else None)
    except ArchiveError as exc:
        return _fail(args, str(exc), EXIT_INVALID)
    with session:
        if args.json:
            print(json.dumps({"ok": True, "session": str(session.path), "events": session.applied}))
        else:
            print(f"imported {args.archive} into {session.path} ({session.applied} events, turn {session.state.turn}, {session.state.phase.value})")
    return EXIT_OK
