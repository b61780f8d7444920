"""The command line. Heavy modules are imported inside the commands, so ``--help`` is fast.

Exit codes: 0 success; 1 the input is invalid (a scenario that does not validate, an
unknown scenario, a session file that is missing or damaged); 2 the command line itself is
wrong (argparse's usage errors); 3 the game's rules refused the command (nothing was written).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
# events.Answer's and events.Outcome's values (a test keeps them so): importing the game's
# modules here would be time before every command, a console's first frame among them
ANSWERS = ("accept", "reject", "counter")
OUTCOMES = ("success", "partial", "failure")


def _bounded(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``, or a usage error saying so."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:20]}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text[:20]}{'…' if len(text) > 20 else ''} is out of range "
                                             f"(from {low} to {high})")
        return value

    return parse


def _cmd_validate(args: argparse.Namespace) -> int:
    from . import bundled
    from .loading import validate

    paths = args.paths or [bundled.bundled_dir("scenarios"), bundled.bundled_dir("injects")]
    count, problems = validate(paths, args.library)
    for problem in problems:
        print(problem, file=sys.stderr)
    files = sorted({p.file for p in problems})
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} of {count} file(s)", file=sys.stderr)
        return EXIT_INVALID
    print(f"ok: {count} file(s) valid")
    return EXIT_OK


def _load(name: str, library_dirs: list[Path] | None):
    """The scenario named on the command line, or None after printing why not."""
    from . import bundled
    from .loading import LoadError, load_library, load_scenario

    path = bundled.find_scenario(name)
    if path is None:
        known = ", ".join(p.stem for p in bundled.bundled_scenarios())
        print(f"exercise: no scenario '{name}' (a .toml path, or one of: {known})", file=sys.stderr)
        return None
    try:
        library = None
        if library_dirs:
            library, problems = load_library(library_dirs)
            if problems:
                raise LoadError(problems)
        return load_scenario(path, library)
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return None


def _cmd_list(args: argparse.Namespace) -> int:
    from . import bundled
    from .loading import LoadError, load_library, load_scenario

    library, _ = load_library()
    print("Scenarios:")
    for path in bundled.bundled_scenarios():
        try:
            info = load_scenario(path).info
            print(f"  {info.id:<28} {info.title} ({info.turns} turns, {info.adjudication.value})")
        except LoadError as exc:
            print(f"  {path.stem:<28} does not validate: {len(exc.problems)} problem(s); run 'exercise validate {path}'")
    print("\nInject library:")
    for inject_id, inject in library.injects.items():
        tag = " [proposal]" if inject.proposal else ""
        print(f"  {inject_id:<36} {inject.title}{tag}")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    from .summary import scenario_summary

    scenario = _load(args.scenario, args.library)
    if scenario is None:
        return EXIT_INVALID
    print(scenario_summary(scenario, width=args.width))
    return EXIT_OK


CONSOLES = ("facilitate", "join")  # the commands that open a console


class _OneCommand:
    """The subcommands of a parser built for one command: the others' parsers are made and
    thrown away, so that their arguments need not be written twice."""

    def __init__(self, commands, name: str):
        self.commands, self.name = commands, name

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        if name == self.name:
            return self.commands.add_parser(name, **kwargs)
        return argparse.ArgumentParser(add_help=False)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser for every command; with ``only``, one of ``CONSOLES``, for that
    command alone (a console's start waits for none of the others' modules)."""
    parser = argparse.ArgumentParser(
        prog="exercise",
        description="Seminar wargames: scenarios seeded from policy documents, a turn engine, "
        "consoles for the facilitator and each team, and an after-action report.",
        epilog="SCENARIO is a path to a .toml file or the id of a bundled scenario "
        "(see 'exercise list'); SESSION is a session file made by 'exercise start'. "
        "Exit codes: 0 ok, 1 invalid input or session file, 2 usage error, 3 refused by the rules.",
    )
    parser.add_argument("--version", action="version", version=f"exercise {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only is not None:
        commands = _OneCommand(commands, only)

    library = argparse.ArgumentParser(add_help=False)
    library.add_argument(
        "--library", action="append", type=Path, metavar="DIR",
        help="an inject library folder to use instead of the bundled one (repeatable)",
    )

    p = commands.add_parser("validate", parents=[library], help="check scenario and inject files",
                            description="Check scenario and inject files; every problem is printed as "
                            "'file: $.field.path: what is wrong (what would be right)'. Exit 1 on any problem.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="files or folders (default: the bundled scenarios and injects)")
    p.set_defaults(func=_cmd_validate)

    p = commands.add_parser("list", help="the bundled scenarios and injects")
    p.set_defaults(func=_cmd_list)

    p = commands.add_parser("show", parents=[library], help="one scenario in full: teams, positions, tracks, MSEL",
                            description="A readable summary of a scenario: teams and positions with their "
                            "sources, tracks and flags, the MSEL by turn, and the end states.")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--width", type=_bounded(20, 1000), default=None, help="wrap text at this many columns")
    p.set_defaults(func=_cmd_show)
    _add_play_commands(commands)
    if only in CONSOLES:
        return parser
    _add_report_commands(commands)
    from . import cli_msel, cli_new

    cli_new.add_commands(commands)
    cli_msel.add_commands(commands)
    from . import cli_eval

    cli_eval.add_commands(commands)
    from . import cli_bots

    cli_bots.add_commands(commands)
    return parser


def _add_report_commands(commands) -> None:
    """``report`` and ``brief``: documents in Markdown, HTML or PDF (handled in ``exercise.cli_report``)."""
    from . import cli_report  # light: its heavy imports are inside its commands

    def handler(name: str):
        def run(args: argparse.Namespace) -> int:
            from . import cli_report

            return getattr(cli_report, name)(args)

        return run

    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--format", choices=["md", "html", "pdf"],
                     help="Markdown, HTML or PDF (default: from the -o suffix, else md); PDF needs -o and "
                     "the optional WeasyPrint (pip install 'exercise[pdf]')")
    out.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: standard output)")
    out.add_argument("--template", metavar="FILE", type=Path,
                     help="render your own Jinja template (sandboxed) with the same data instead")
    out.add_argument("-q", "--quiet", action="store_true", help="do not say which file was written")

    p = commands.add_parser("report", parents=[out], help="the after-action report of a session (md, html, pdf)",
                            description="The after-action report / improvement plan of a session: overview, "
                            "executive summary, objectives and teams, timeline, tracks over time, the commitment "
                            "ledger, red lines, proposals, the end state and the improvement plan.")
    p.add_argument("session", metavar="SESSION", help="the session file")
    cli_report.add_report_options(p)  # --audience, --marking, --dates, --place (issue 12)
    p.set_defaults(func=handler("report"))

    p = commands.add_parser("brief", parents=[out], help="the situation manual, or a team's brief (md, html, pdf)",
                            description="Before the game: the situation manual for all players (background, "
                            "teams, the schedule of modules with discussion questions), or with --team the brief "
                            "of one team (position, red lines, levers, advisor briefs, with sources and quotes).")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--team", metavar="ID", help="the team whose brief to write (default: the situation manual)")
    p.add_argument("--library", action="append", type=Path, metavar="DIR",
                   help="an inject library folder to use instead of the bundled one (repeatable)")
    p.set_defaults(func=handler("brief"))


def _add_play_commands(commands) -> None:
    """The commands that start and play a session (handled in ``exercise.cli_play``)."""
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--json", action="store_true", help="print JSON for scripts instead of lines")
    session = argparse.ArgumentParser(add_help=False, parents=[out])
    session.add_argument("session", metavar="SESSION", help="the session file")
    team = argparse.ArgumentParser(add_help=False)
    team.add_argument("--team", required=True, help="the team acting (a team id of the scenario)")
    team.add_argument("--as-facilitator", action="store_true",
                      help="act for the team from the facilitator's seat (hot-seat)")
    move = argparse.ArgumentParser(add_help=False)
    move.add_argument("--headline", required=True, help="the move in one line")
    move.add_argument("--to", action="append", metavar="TEAM", help="a team the move is aimed at (repeatable; 'all' for everyone)")
    move.add_argument("--detail", default="", help="the move in full")
    move.add_argument("--answers", default="", metavar="ID", help="the delivered inject (d1...) or proposal (p1...) it answers")
    move.add_argument("--argument", action="append", help="an argument for the move, for matrix adjudication (repeatable)")
    move.add_argument("--term", action="append", help="a term of the deal, for a move that proposes one (repeatable)")

    def add(name: str, handler: str, help_text: str, parents: list, description: str = ""):
        p = commands.add_parser(name, parents=parents, help=help_text, description=description or help_text)
        p.set_defaults(play=handler)
        return p

    p = add("start", "start", "start a session of a scenario", [out],
            "Create a session file for SCENARIO, begin turn 1 and print how teams join.")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--session", metavar="FILE", help="the session file to create (default: SCENARIO-ID.session here)")
    p.add_argument("--seed", type=_bounded(-(2**63), 2**63 - 1), help="the dice seed (default: the scenario's)")
    p.add_argument("--no-tui", action="store_true", help="create the session and print how to join, without opening the console")

    p = add("facilitate", "facilitate", "the facilitator console on a session (resumes)", [],
            "Open the facilitator console: run the turn, deliver injects, adjudicate, keep the ledger.")
    p.add_argument("session", metavar="SESSION")
    p.set_defaults(play=None, func=_run_console("facilitate"))
    p = add("join", "join", "a team's console on a session", [],
            "Open a team's console: its brief, inbox, move composer and the public record.")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--team", required=True, help="the team id (see 'exercise status SESSION')")
    p.set_defaults(play=None, func=_run_console("join"))

    p = add("serve", "serve", "serve the consoles to browsers, one join code per role", [],
            "Serve the consoles through textual-serve: each browser tab asks for a join code, which "
            "decides its role. New codes are printed at every start.")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; anything else lets the network in)")
    p.add_argument("--port", type=_bounded(1, 65535), default=8000)
    p.add_argument("--public-url", metavar="URL",
                   help="the address players open, when it is not this machine's own (behind a proxy); "
                   "by default each page points back at the address its browser used")
    p = commands.add_parser("web-console")  # what serve runs for each browser tab; no help=, so not listed
    p.set_defaults(play="web_console")
    p.add_argument("session", metavar="SESSION")
    p.add_argument("--client", default="")

    p = add("status", "status", "the session as a role sees it: this turn and what is still open", [session])
    p.add_argument("--as", dest="as_role", default="facilitator", metavar="ROLE", help="facilitator (default) or a team id")
    p.add_argument("--all", action="store_true",
                   help="the whole record: every turn's moves, injects, proposals, commitments, notes")

    p = add("submit", "submit", "a team enters a move (while moves are open)", [session, team, move])
    p.add_argument("--kind", required=True, help="the move kind (one of the team's levers)")
    p = add("revise", "revise", "a team changes one of its moves (while moves are open)", [session, team, move])
    p.add_argument("move", metavar="MOVE", help="the move id (m1, ...)")
    p = add("withdraw", "withdraw", "a team withdraws one of its moves (while moves are open)", [session, team])
    p.add_argument("move", metavar="MOVE")
    p = add("ready", "ready", "a team marks itself ready (or --not)", [session, team])
    p.add_argument("--not", dest="not_ready", action="store_true", help="mark the team not ready")
    p = add("respond", "respond", "a team answers a proposal: accept, reject or counter", [session, team])
    p.add_argument("proposal", metavar="PROPOSAL", help="the proposal id (p1, ...)")
    p.add_argument("answer", choices=ANSWERS)
    p.add_argument("--note", default="")
    p.add_argument("--term", action="append", help="a term of the counter-proposal (repeatable)")
    p.add_argument("--effect", action="append", metavar="TRACK=+N",
                   help="a counter: a track change it makes if it becomes a deal (repeatable); the original's do not carry over")
    p.add_argument("--flag", action="append", metavar="FLAG=true|false", help="a counter: a flag it sets if it becomes a deal (repeatable)")

    p = add("advance", "advance", "move the game on: deliver injects and open moves; close and reveal; next turn", [session],
            "Briefing -> moves open (queued injects are delivered); moves -> closed and revealed; "
            "adjudication -> next turn (or the hotwash after the last turn); hotwash -> ended.")
    p.add_argument("--force", action="store_true", help="go to the next turn even if some moves have no ruling")
    p = add("inject", "inject", "deliver a queued or library inject now, or skip a queued one", [session])
    p.add_argument("id", metavar="ID", help="a queued MSEL entry id, or an inject id from the scenario or the library")
    p.add_argument("--to", action="append", metavar="TEAM", help="recipients for a library inject (repeatable)")
    p.add_argument("--skip", metavar="REASON", help="skip the queued entry, with the reason for the report")
    p = add("adjudicate", "adjudicate", "rule on a revealed move", [session],
            "Rule on a revealed move. With --outcome the facilitator decides (umpire); otherwise the "
            "scenario's method rolls: matrix 2d6 + strong arguments for - against, success on 7+; "
            "estimative d100 against --probability. Effects default to the move kind's.")
    p.add_argument("move", metavar="MOVE")
    p.add_argument("--outcome", choices=OUTCOMES)
    p.add_argument("--narrative", default="", help="what happened, for the record")
    p.add_argument("--effect", action="append", metavar="TRACK=+N", help="a track change instead of the move kind's (repeatable); with --outcome it happens, "
                   "when the dice decide it happens only if they succeed")
    p.add_argument("--flag", action="append", metavar="FLAG=true|false", help="a flag to set (repeatable)")
    p.add_argument("--no-effect", action="store_true", help="no effects at all")
    p.add_argument("--for", dest="strong_for", type=_bounded(0, 99), default=0, metavar="N", help="matrix: strong arguments for")
    p.add_argument("--against", dest="strong_against", type=_bounded(0, 99), default=0, metavar="N", help="matrix: strong arguments against")
    p.add_argument("--probability", type=_bounded(0, 100), metavar="PERCENT", help="estimative: the chance of success")
    p.add_argument("--private", action="store_true", help="keep the ruling from the other teams")
    p = add("resolve", "resolve", "close a commitment or mark a deal violated", [session],
            "Threats and promises: carried_out, withdrawn, lapsed. Concessions: reciprocated, "
            "unreciprocated, withdrawn. Deals: violated (with --by TEAM); a breach undoes what the deal "
            "changed (tracks back by what it moved them, flags as they were) unless --effect, --flag or "
            "--no-effect rule otherwise.")
    p.add_argument("item", metavar="ID", help="a commitment (c1, ...) or a deal (p1, ...)")
    p.add_argument("status", metavar="STATUS")
    p.add_argument("--note", default="")
    p.add_argument("--by", default="", metavar="TEAM", help="the team that violated a deal")
    p.add_argument("--effect", action="append", metavar="TRACK=+N",
                   help="a violated deal: a track change the breach makes, instead of undoing the deal's (repeatable)")
    p.add_argument("--flag", action="append", metavar="FLAG=true|false", help="a violated deal: a flag the breach sets (repeatable)")
    p.add_argument("--no-effect", action="store_true", help="a violated deal: leave what the deal changed as it is")
    p = add("note", "note", "add a note to the log, or a hotwash item", [session])
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--as", dest="as_role", default="facilitator", metavar="ROLE")
    p.add_argument("--category", default="log", choices=["log", "strength", "improvement", "plan"])
    p.add_argument("--team", default="", help="the team a hotwash item is about")
    p.add_argument("--owner", default="", help="plan items: who carries out the corrective action")
    p.add_argument("--due", default="", help="plan items: by when")
    p = add("end", "end", "end the game early (to the hotwash), or close the hotwash", [session])
    p.add_argument("--reason", default="")

    p = add("export", "export", "write the whole session as one TOML file", [session])
    p.add_argument("-o", "--output", metavar="FILE.toml", help="the file to write (default: standard output)")
    p = add("import", "import_", "restore an exported TOML file into a new session file", [out])
    p.add_argument("archive", metavar="FILE.toml")
    p.add_argument("--session", metavar="FILE", help="the session file to create (default: beside the archive)")


def _not_utf8(argv: list[str]) -> str | None:
    """The option (or argument) whose text was not UTF-8 on the command line, if any.

    Python hands such bytes over as lone surrogates, which can be neither stored nor printed.
    """
    for i, token in enumerate(argv):
        if any("\udc80" <= ch <= "\udcff" for ch in token):
            if token.startswith("--") and "=" in token:
                return token.split("=", 1)[0]
            return argv[i - 1] if i and argv[i - 1].startswith("-") else f"argument {i + 1}"
    return None


def _stdout_gone() -> int:
    """The reader of standard output went away (``| head``): stop quietly."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the flush at exit goes nowhere
    except (OSError, ValueError):
        pass
    return EXIT_OK


def _run_console(name: str):
    """``cli_console``'s handler ``name``, imported when it runs (it starts without the game's modules)."""

    def run(args: argparse.Namespace) -> int:
        from . import cli_console

        return getattr(cli_console, name)(args)

    return run


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # so that 'finally' clean-ups run (a half-made session file)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv[0] if argv and argv[0] in CONSOLES else None)
    bad = _not_utf8(argv)
    if bad:
        print(f"exercise: {bad}: not valid UTF-8 text (set the terminal to UTF-8 and type it again)", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if not getattr(args, "func", None) and not getattr(args, "play", None):
        parser.print_help()
        return EXIT_USAGE
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        if getattr(args, "play", None):
            from . import cli_play

            return cli_play.run(getattr(cli_play, args.play), args)
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _stdout_gone()
