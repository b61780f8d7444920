"""The command-line handlers that write documents: ``report`` and ``brief``.

``report SESSION`` writes the after-action report; ``brief SCENARIO`` the situation manual, or
with ``--team`` one team's brief. Markdown or HTML go to standard output unless ``-o`` names a
file; a PDF (from the HTML, with the optional WeasyPrint) needs ``-o``. ``--template FILE``
renders a template of your own, in Jinja's sandbox, with the same data. ``--audience``
(default ``participants``) says who the report is for: the teams get what they could see in
play; ``control`` gets everything (private rulings, log notes, the MSEL).

Exit codes: 0 written; 1 a problem with the input (a session or scenario that cannot be read,
an unknown team, an error in a template, WeasyPrint missing, a file that cannot be written);
2 a usage error (a PDF without ``-o``). Every problem is one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

_SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def _fail(message: str, code: int = EXIT_INVALID) -> int:
    print(f"exercise: {message}", file=sys.stderr)
    return code


def _format(args: argparse.Namespace) -> str:
    """The format asked for; without --format, the output file's suffix decides (else Markdown)."""
    if args.format:
        return args.format
    if args.output:
        return _SUFFIX_FORMATS.get(Path(args.output).suffix.lower(), "md")
    return "md"


def _emit(text: str | None) -> None:
    if text is None:
        return
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
        stream.flush()
    else:  # a replaced stdout (tests capture it as text)
        sys.stdout.write(text)


def _produce(kind: str, fmt: str, context: dict, args: argparse.Namespace) -> int:
    from .reports import ReportError, produce

    if fmt == "pdf" and not args.output:
        return _fail("a PDF needs an output file: add -o FILE.pdf", EXIT_USAGE)
    try:
        text = produce(kind, fmt, context, args.output, args.template)
    except ReportError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{args.output}: cannot be written ({exc.strerror or exc})")
    _emit(text)
    if args.output and not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


DEFAULT_MARKING = "FOR EXERCISE PLANNING PURPOSES"  # reports.DEFAULT_MARKING, without importing Jinja for --help

AUDIENCE_HELP = (
    "who the report is for (default: participants, the one to share with the teams). 'participants' "
    "leaves out what teams do not see in play: private rulings (shown as made in private), log notes, "
    "the MSEL (why injects came, skips, expected actions, entries never delivered) and injects or "
    "proposals not every team saw. 'control' is the facilitator's and evaluators' full record, with all "
    "of them; the cover says which it is")


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The report command's own options: ``--audience``, ``--marking``, ``--dates``, ``--place``."""
    parser.add_argument("--audience", choices=["control", "participants"], default="participants",
                        help=AUDIENCE_HELP)
    parser.add_argument("--marking", metavar="TEXT", default=DEFAULT_MARKING,
                        help=f"the handling marking on the cover and at the top of every PDF page (default: "
                        f"'{DEFAULT_MARKING}'; '' for none)")
    parser.add_argument("--dates", metavar="TEXT", default="",
                        help="when the exercise was held, for the cover (e.g. '2 to 3 December 2026')")
    parser.add_argument("--place", metavar="TEXT", default="", help="where it was held, for the cover")


def report(args: argparse.Namespace) -> int:
    """``exercise report SESSION``: the after-action report, for control or the participants."""
    from .reports import ReportError, report_context
    from .session import Session, SessionError

    fmt = _format(args)
    try:
        with Session.open(args.session) as session:
            context = report_context(session.scenario, session.events(), session.state, fmt,
                                     getattr(args, "audience", "participants"),
                                     getattr(args, "marking", DEFAULT_MARKING), getattr(args, "dates", ""),
                                     getattr(args, "place", ""))
    except (SessionError, ReportError) as exc:
        return _fail(str(exc))
    return _produce("aar", fmt, context, args)


def brief(args: argparse.Namespace) -> int:
    """``exercise brief SCENARIO [--team ID]``: the situation manual, or a team's brief."""
    from .cli import _load
    from .reports import ReportError, brief_context, manual_context

    scenario = _load(args.scenario, args.library)
    if scenario is None:
        return EXIT_INVALID
    fmt = _format(args)
    try:
        if args.team:
            context, kind = brief_context(scenario, args.team, fmt), "brief"
        else:
            context, kind = manual_context(scenario, fmt), "manual"
    except ReportError as exc:
        return _fail(str(exc))
    return _produce(kind, fmt, context, args)
