"""The command line. Heavy modules are imported inside the commands, so ``--help`` is fast.

Exit codes: 0 success; 1 the input is invalid (a scenario that does not validate, an
unknown scenario); 2 the command line itself is wrong (argparse's usage errors).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="exercise",
        description="Seminar wargames: scenarios seeded from policy documents, a turn engine, "
        "consoles for the facilitator and each team, and an after-action report.",
        epilog="SCENARIO is a path to a .toml file or the id of a bundled scenario "
        "(see 'exercise list'). Exit codes: 0 ok, 1 invalid input, 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"exercise {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

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
    p.add_argument("--width", type=int, default=None, help="wrap text at this many columns")
    p.set_defaults(func=_cmd_show)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
