"""The command line for the evaluation (issue 12): exercise objectives rated, observations,
expected actions, the teams' feedback, the executive summary, key findings and the
improvement plan, and the plan as a spreadsheet.

    exercise evaluate SESSION rate OBJECTIVE P|S|M|U --rationale TEXT
    exercise evaluate SESSION observe --objective ID [--inject DID] [--team T] TEXT
    exercise evaluate SESSION expect DID N met|partly|not [--team T] [--note TEXT]
    exercise evaluate SESSION summary TEXT | finding TEXT | plan ... | show | console
    exercise feedback SESSION --team T [--rating 1-5] [--comment TEXT] [--strength TEXT] [--improvement TEXT]
    exercise ip SESSION [-o FILE.csv|FILE.xlsx]

Exit codes as in ``exercise.cli``: 1 a session file that cannot be read or an output that cannot
be written, 2 a usage error, 3 refused by the rules (an unknown objective, a wrong status, ...).
Heavy modules are imported inside the handlers, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
RATING_CHOICES = ("P", "S", "M", "U")
ROLES = ("facilitator", "evaluator")


def _rating(text: str) -> str:
    value = text.strip().upper()
    if value not in RATING_CHOICES:
        raise argparse.ArgumentTypeError(
            f"'{text[:20]}' is not a rating: P (performed without challenges), S (with some challenges), "
            "M (with major challenges) or U (unable to be performed)")
    return value


def _handler(name: str):
    def run(args: argparse.Namespace) -> int:
        from . import cli_play

        return cli_play.run(globals()[name], args)

    return run


def add_commands(commands) -> None:
    """Add ``evaluate``, ``feedback`` and ``ip`` to the ``exercise`` parser's subcommands."""
    from .cli import _bounded as _whole
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--as", dest="as_role", default="facilitator", choices=ROLES,
                        help="who records it: the facilitator (default) or an evaluator")
    common.add_argument("--json", action="store_true", help="print JSON for scripts instead of lines")

    p = commands.add_parser(
        "evaluate", help="the evaluation: rate exercise objectives, observe, mark expected actions, summary, plan",
        description="Record the evaluation of a session, in the shape of HSEEP's AAR/IP. Only the facilitator "
        "and evaluators (--as evaluator) record it and see it in play; the participants' report shows the "
        "ratings, summary, findings and plan, the control report also the observations and expected actions. "
        "Ratings: P performed without "
        "challenges, S performed with some challenges, M performed with major challenges, U unable to be "
        "performed.")
    p.add_argument("session", metavar="SESSION", help="the session file")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = actions.add_parser("rate", parents=[common], help="rate an exercise objective P, S, M or U",
                           description="Rate an exercise objective (see 'exercise evaluate SESSION show' for their "
                           "ids); a later rating replaces an earlier one, which the report still lists.")
    a.add_argument("objective", metavar="OBJECTIVE", help="the exercise objective's id")
    a.add_argument("rating", metavar="P|S|M|U", type=_rating,
                   help="P performed without challenges, S with some challenges, M with major challenges, "
                   "U unable to be performed")
    a.add_argument("--rationale", required=True, help="why this rating: what the players did or did not do")
    a.set_defaults(func=_handler("rate"))

    a = actions.add_parser("observe", parents=[common], help="record an observation on an exercise objective",
                           description="An evaluator's observation, tied to an exercise objective and, if it "
                           "is about one, an inject delivery (d1, ...) and a team. Seen by control only.")
    a.add_argument("text", metavar="TEXT")
    a.add_argument("--objective", required=True, metavar="ID", help="the exercise objective it bears on")
    a.add_argument("--inject", default="", metavar="DID", help="the inject delivery it is about (d1, ...)")
    a.add_argument("--team", default="", metavar="T", help="the team it is about")
    a.add_argument("--kind", default="observation", choices=["observation", "strength", "improvement"],
                   help="a plain observation (default), a strength, or an area for improvement")
    a.set_defaults(func=_handler("observe"))

    a = actions.add_parser("expect", parents=[common], help="mark an inject's expected action met, partly or not",
                           description="Mark expected action N (1 for the first) of a delivered inject (d1, ...) "
                           "met, partly met or not met; for one team with --team. 'show' lists them.")
    a.add_argument("delivery", metavar="DID", help="the inject delivery (d1, ...)")
    a.add_argument("action", metavar="N", type=_whole(1, 999), help="the expected action's number (1, 2, ...)")
    a.add_argument("status", choices=["met", "partly", "not"])
    a.add_argument("--team", default="", metavar="T", help="the team it is marked for (default: the players as a whole)")
    a.add_argument("--note", default="", help="what was seen")
    a.set_defaults(func=_handler("expect"))

    a = actions.add_parser("summary", parents=[common], help="write the report's executive summary",
                           description="Write (or rewrite: the latest wins) the executive summary that opens "
                           "section 2 of the report. Blank lines separate paragraphs.")
    a.add_argument("text", metavar="TEXT", nargs="?", default=None)
    a.add_argument("--file", metavar="FILE", help="read the summary from a UTF-8 text file instead")
    a.set_defaults(func=_handler("summary"))

    a = actions.add_parser("finding", parents=[common], help="add, change or take out a key finding",
                           description="A key finding for the executive summary. With --replace F the finding "
                           "F gets the new text; with --remove F it is taken out.")
    a.add_argument("text", metavar="TEXT", nargs="?", default="")
    group = a.add_mutually_exclusive_group()
    group.add_argument("--replace", default="", metavar="F", help="the finding (f1, ...) to give this text")
    group.add_argument("--remove", default="", metavar="F", help="the finding (f1, ...) to take out")
    a.set_defaults(func=_handler("finding"))

    a = actions.add_parser("plan", parents=[common], help="add or change an improvement-plan item (HSEEP columns)",
                           description="An improvement-plan item with HSEEP's columns. A new item needs --issue "
                           "and --action, or --note N to extend the N-th hotwash plan note (its issue, action, "
                           "owner and due date fill the columns not given). With --item IP, only the columns "
                           "given change.")
    a.add_argument("--item", default="", metavar="IP", help="the item to change (ip1, ...)")
    a.add_argument("--note", type=_whole(1, 9999), default=0, metavar="N",
                   help="extend the N-th hotwash plan note (Appendix A of the report)")
    a.add_argument("--objective", metavar="ID", help="the exercise objective it follows from")
    a.add_argument("--capability", metavar="TEXT", help="the capability (default: the objective's)")
    a.add_argument("--issue", metavar="TEXT", help="the issue or area for improvement")
    a.add_argument("--action", metavar="TEXT", help="the corrective action")
    a.add_argument("--element", metavar="POETE",
                   help="the capability element: planning, organization, equipment, training or exercises")
    a.add_argument("--org", metavar="TEXT", help="the primary responsible organisation")
    a.add_argument("--poc", metavar="TEXT", help="the organisation's point of contact")
    a.add_argument("--start", metavar="YYYY-MM-DD", help="the start date")
    a.add_argument("--end", metavar="YYYY-MM-DD", help="the completion date")
    a.add_argument("--status", metavar="STATUS", help="not started (default), in progress, complete or cancelled")
    a.set_defaults(func=_handler("plan"))

    a = actions.add_parser("console", help="the evaluator's console (Textual)",
                           description="Open the evaluator's console on the session: the exercise objectives "
                           "and their ratings, observations as they are made, and the log as control sees it. "
                           "In a browser, 'exercise serve' prints a join code for the evaluator.")
    a.set_defaults(func=_handler("console"))

    a = actions.add_parser("show", parents=[common], help="the evaluation so far",
                           description="The exercise objectives with their ratings and observations, the "
                           "expected actions of the injects delivered, the feedback, summary, findings and plan.")
    a.set_defaults(func=_handler("show"))

    p = commands.add_parser("feedback", help="a team's participant feedback at the hotwash",
                            description="Participant feedback from a team at the hotwash (after the last turn or "
                            "'exercise end'): a rating of the exercise from 1 (poor) to 5 (excellent), comments, "
                            "and the strengths and areas for improvement the team saw. Each call is one response.")
    p.add_argument("session", metavar="SESSION", help="the session file")
    p.add_argument("--team", required=True, help="the team giving feedback")
    p.add_argument("--as-facilitator", action="store_true", help="enter it for the team from the facilitator's seat")
    p.add_argument("--rating", type=_whole(1, 5), help="the exercise overall, 1 (poor) to 5 (excellent)")
    p.add_argument("--comment", default="", help="comments")
    p.add_argument("--strength", action="append", default=[], metavar="TEXT", help="a strength (repeatable)")
    p.add_argument("--improvement", action="append", default=[], metavar="TEXT",
                   help="an area for improvement (repeatable)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts instead of lines")
    p.set_defaults(func=_handler("feedback"))

    p = commands.add_parser("ip", help="the improvement plan as a spreadsheet (CSV or XLSX)",
                            description="The improvement plan of a session with HSEEP's columns: objective, "
                            "capability, issue/area for improvement, corrective action, capability element, primary "
                            "responsible organisation, POC, start date, completion date, status. CSV to standard "
                            "output unless -o names a file; XLSX needs -o FILE.xlsx.")
    p.add_argument("session", metavar="SESSION", help="the session file")
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write (.csv or .xlsx)")
    p.add_argument("--format", choices=["csv", "xlsx"], help="csv or xlsx (default: from the -o suffix, else csv)")
    p.add_argument("-q", "--quiet", action="store_true", help="do not say which file was written")
    p.set_defaults(func=_handler("ip"))


# --- handlers (run through cli_play.run: a session error exits 1, a refusal 3) -------------------------


def _act(args: argparse.Namespace, command, actor: str) -> int:
    from .cli_play import _report
    from .session import Session

    with Session.open(args.session) as session:
        return _report(args, session, session.act(command, actor), role=actor)


def rate(args: argparse.Namespace) -> int:
    from .commands import Rate

    return _act(args, Rate(args.objective, args.rating, args.rationale), args.as_role)


def observe(args: argparse.Namespace) -> int:
    from .commands import Observe

    return _act(args, Observe(args.objective, args.text, args.kind, args.inject, args.team), args.as_role)


def expect(args: argparse.Namespace) -> int:
    from .commands import MarkExpected

    return _act(args, MarkExpected(args.delivery, args.action, args.status, args.team, args.note), args.as_role)


def summary(args: argparse.Namespace) -> int:
    from .cli_play import _fail
    from .commands import WriteSummary

    if (args.text is None) == (args.file is None):
        print("exercise: evaluate summary: give the summary as TEXT or with --file FILE (one of them)", file=sys.stderr)
        return EXIT_USAGE
    text = args.text
    if args.file is not None:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            return _fail(args, f"{args.file}: cannot be read ({reason})", EXIT_INVALID)
    return _act(args, WriteSummary(text), args.as_role)


def finding(args: argparse.Namespace) -> int:
    from .commands import RecordFinding

    return _act(args, RecordFinding(args.text, args.replace or args.remove, bool(args.remove)), args.as_role)


def plan(args: argparse.Namespace) -> int:
    from .commands import RecordPlanItem
    from .evaluation import PLAN_FIELDS

    fields = {name: getattr(args, name) for name in PLAN_FIELDS if getattr(args, name) is not None}
    return _act(args, RecordPlanItem(args.item, args.note, fields), args.as_role)


def feedback(args: argparse.Namespace) -> int:
    from .cli_play import _report
    from .commands import FACILITATOR, GiveFeedback
    from .session import Refused, Session

    command = GiveFeedback(args.team, args.rating, args.comment, args.strength, args.improvement)
    with Session.open(args.session) as session:
        teams = session.scenario.teams
        if args.team not in teams:  # --team takes a team, not a role: say which teams there are
            raise Refused(f"no team '{args.team[:40]}' (teams: {', '.join(teams)})")
        actor = FACILITATOR if args.as_facilitator else args.team
        return _report(args, session, session.act(command, actor), role=actor)


def console(args: argparse.Namespace) -> int:
    from .cli_play import _console
    from .commands import EVALUATOR

    return _console(Path(args.session), EVALUATOR)


def show(args: argparse.Namespace) -> int:
    import attrs

    from .analysis.evaluation import evaluate
    from .analysis.names import Names
    from .analysis.notes import note_items, plan
    from .cli_play import _print_json
    from .session import Session
    from .text import visible

    with Session.open(args.session) as session:
        session.check_role(args.as_role)
        notes = note_items(session.state, Names(session.scenario))
        result = evaluate(session.scenario, session.state, plan(notes))
    if args.json:
        _print_json(attrs.asdict(result), indent=1)
        return EXIT_OK
    print(visible(show_text(result)))
    return EXIT_OK


def show_text(result) -> str:
    """The evaluation as a few readable lines."""
    lines = ["Exercise objectives:" if result.objectives else "Exercise objectives: none in the scenario"]
    for o in result.objectives:
        rating = f"{o.rating.rating} ({o.rating.rating_text.lower()})" if o.rating else "not rated"
        lines.append(f"  {o.id}: {o.title} [{o.capability}]: {rating}")
        if o.rating:
            lines.append(f"    rationale: {o.rating.rationale}")
        for obs in o.observations:
            about = ", ".join(filter(None, [obs.delivery, obs.team]))
            lines.append(f"    {obs.id} {obs.kind}{f' ({about})' if about else ''}: {obs.text}")
    lines.append("Expected actions of the injects delivered:" if result.expected else "Expected actions: no inject delivered lists any")
    for e in result.expected:
        team = f" {e.team_name}:" if e.team_name else ""
        lines.append(f"  {e.delivery} {e.number}. {e.action} —{team} {e.status_text}")
    if result.responses:
        lines.append(f"Feedback: {len(result.responses)} response(s)" + (f", rating {result.mean_rating}" if result.mean_rating else ""))
    if result.summary:
        lines.append(f"Executive summary (by {result.summary_by}): {result.summary}")
    for f in result.findings:
        lines.append(f"Key finding {f.id}: {f.text}")
    for row in result.plan:
        lines.append(f"Plan {row.number} ({row.ref}): {row.issue or '(no issue)'} -> {row.action or '(no action)'}"
                     f" [{row.status}]")
    return "\n".join(lines)


# --- the improvement plan as a spreadsheet ---------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def ip_rows(session) -> list[list[str]]:
    """The improvement plan of an open session as rows of cells, the header first."""
    from .analysis.evaluation import IP_COLUMNS, evaluate
    from .analysis.names import Names
    from .analysis.notes import note_items, plan

    notes = note_items(session.state, Names(session.scenario))
    result = evaluate(session.scenario, session.state, plan(notes))
    return [list(IP_COLUMNS)] + [row.cells() for row in result.plan]


def csv_text(rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()


def xlsx_bytes(rows: list[list[str]], title: str) -> bytes:
    import io

    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise ValueError("XLSX needs openpyxl: pip install openpyxl (or write CSV: -o FILE.csv)") from None
    book = Workbook()
    sheet = book.active
    sheet.title = "Improvement Plan"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(rows[0])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows[1:]:
        sheet.append([cell for cell in row])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, always: a cell that starts with = is not a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [5, 28, 24, 40, 40, 14, 24, 20, 12, 12, 12, 14]
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ip(args: argparse.Namespace) -> int:
    from .cli_play import _fail
    from .files import write_atomic
    from .session import Session

    fmt = args.format or ("xlsx" if args.output and Path(args.output).suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and not args.output:
        print("exercise: an XLSX file needs an output file: add -o FILE.xlsx", file=sys.stderr)
        return EXIT_USAGE
    with Session.open(args.session) as session:
        rows = ip_rows(session)
        title = f"Improvement Plan: {session.scenario.info.title} ({session.path.name})"
    try:
        data: str | bytes = xlsx_bytes(rows, title) if fmt == "xlsx" else csv_text(rows)
    except ValueError as exc:
        return _fail(args, str(exc), EXIT_INVALID)
    if not args.output:
        sys.stdout.write(data if isinstance(data, str) else data.decode())
        return EXIT_OK
    try:
        write_atomic(args.output, data)
    except OSError as exc:
        return _fail(args, f"{args.output}: cannot be written ({exc.strerror or exc})", EXIT_INVALID)
    if not args.quiet:
        print(f"wrote {args.output} ({len(rows) - 1} item(s))", file=sys.stderr)
    return EXIT_OK
