"""``exercise new ID``: write a commented scenario scaffold that validates as written.

Exit codes: 0 written; 1 a bad id or team id, a file that exists already (it is never
overwritten) or cannot be written. Every problem is one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID = 0, 1

_ID_RULE = "lower-case letters, digits, - and _, starting with a letter or digit"


def add_commands(commands) -> None:
    """Add ``new`` to the subcommands of ``exercise``."""
    p = commands.add_parser(
        "new", help="write a commented scaffold for a new scenario (it validates as written)",
        description="Write ID.toml: a scenario scaffold with a comment on every table and field "
        "(scenario, sources, tracks, flags, move kinds, teams and their positions, injects, the MSEL, "
        "end states) and TODO where your text goes. It passes 'exercise validate' as written. An "
        "existing file is never overwritten.",
        epilog="A scenario's id is its file name: -o DIR writes DIR/ID.toml, and -o FILE must be "
        "named ID.toml.")
    p.add_argument("id", metavar="ID", help=f"the scenario's id ({_ID_RULE})")
    p.add_argument("-o", "--output", metavar="FILE", type=Path,
                   help="the file to write, ID.toml, or a folder to write it in (default: ./ID.toml)")
    p.add_argument("--teams", metavar="A,B,...", default=None,
                   help="the team ids, comma-separated (default: blue,red)")
    p.set_defaults(func=_cmd_new)


def _fail(message: str) -> int:
    print(f"exercise new: {message}", file=sys.stderr)
    return EXIT_INVALID


def _cmd_new(args: argparse.Namespace) -> int:
    from .loading import ID
    from .model import ALL_TEAMS
    from .scaffold import DEFAULT_TEAMS, scaffold

    scenario_id = args.id
    if not ID.match(scenario_id):
        return _fail(f"'{scenario_id[:60]}' is not a scenario id (use {_ID_RULE}, e.g. 'border-crisis-2026')")
    teams = list(DEFAULT_TEAMS)
    if args.teams is not None:
        teams = [t.strip() for t in args.teams.split(",")]
        for team in teams:
            if not team:
                return _fail(f"--teams '{args.teams}': an empty team id (separate ids with single commas: us,russia)")
            if not ID.match(team):
                return _fail(f"--teams: '{team[:60]}' is not a team id (use {_ID_RULE})")
            if team == ALL_TEAMS:
                return _fail(f"--teams: '{ALL_TEAMS}' means every team in recipients (name the team otherwise)")
        dupes = sorted({t for t in teams if teams.count(t) > 1})
        if dupes:
            return _fail(f"--teams: '{dupes[0]}' is named twice (each team once)")
    path = args.output or Path(f"{scenario_id}.toml")
    if path.is_dir():
        path = path / f"{scenario_id}.toml"
    elif path.name != f"{scenario_id}.toml":
        return _fail(f"-o {path}: a scenario's file is named after its id (use -o {path.parent / (scenario_id + '.toml')}"
                     f", or 'exercise new {path.stem}' if '{path.stem}' is the id you want)")
    text = scaffold(scenario_id, teams)
    try:
        out = open(path, "x", encoding="utf-8")  # "x": an existing file is never replaced
    except FileExistsError:
        return _fail(f"{path} exists already (it is left as it is; choose another id or folder, or remove it)")
    except OSError as exc:
        return _fail(f"{path}: cannot be written ({exc.strerror or exc})")
    try:
        with out:
            out.write(text)
    except OSError as exc:
        path.unlink(missing_ok=True)  # the file this command made, half written
        return _fail(f"{path}: cannot be written ({exc.strerror or exc})")
    print(f"wrote {path}: {len(teams)} team(s) ({', '.join(teams)}); fill in each TODO, then run "
          f"'exercise validate {path}' and 'exercise show {path}'")
    return EXIT_OK
