"""Jinja environments and rendering: the after-action report, the situation manual, team briefs.

The bundled templates live in ``reports/`` (``bundled.bundled_dir("reports")``): the sections
are written once as macros (``aar.j2``, ``sitman.j2``) that draw with a format's primitives
(``md.j2`` or ``html.j2``); a skin per format (``aar.md.j2``, ``aar.html.j2``, ...) puts them
together. Bundled templates run with ``StrictUndefined``, so a missing value fails loudly;
HTML autoescapes, so what players typed is always shown as text.

A user's own template (``--template FILE``) renders in Jinja's sandbox with the same data;
autoescaping follows the output format asked for, not the file's name. Any error in it is one
line naming the file and line (``ReportError``).
"""

from __future__ import annotations

import math
import re
import textwrap
import traceback
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from . import analysis, bundled
from .adjudication import METHODS
from .analysis.audience import AUDIENCES, analyse_for
from .files import write_atomic
from .model import Scenario

FORMATS = ("md", "html", "pdf")
PDF_MISSING = "PDF needs WeasyPrint: pip install 'exercise[pdf]'"
KINDS = ("aar", "manual", "brief")

Progress = Callable[[int, int], None]


class ReportError(Exception):
    """A report that cannot be made; the message is one line for the user."""


# --- filters --------------------------------------------------------------------------------------


def md_text(value: Any) -> str:
    """One line of Markdown from a text: whitespace (newlines too) collapsed; nothing escaped."""
    return " ".join(str(value).split())


_MD_INLINE = re.compile(r"([\\`*_\[\]~])")  # emphasis, code, links and images, strikethrough, escapes
_MD_BLOCK = re.compile(r"^(?:([#+\-=])|(\d+)([.)]))")  # a heading, a list item or a rule, where a line starts


def md_escape(value: Any) -> str:
    """Text a player typed, for Markdown: one line (as ``md_text``) that raises no HTML and no
    Markdown of its own. ``<``, ``>`` and an ``&`` that would start an entity become entities
    (no tag, comment or autolink); the characters of emphasis, code spans, links and images,
    strikethrough and escapes are backslash-escaped; so is a heading, list or rule marker at the
    start. A table's pipes are ``md_cell``'s to escape. Readers see the text as typed."""
    text = md_text(value)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_BLOCK.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text)


def md_cell(value: Any) -> str:
    """A Markdown table cell: one line, pipes escaped so the table keeps its shape."""
    return md_text(value).replace("|", "\\|")


def md_block(value: Any, shift: int = 0) -> str:
    """Authored Markdown (a scenario's background) as it is, headings moved ``shift`` levels down."""
    text = textwrap.dedent(str(value)).strip()
    if shift:
        text = re.sub(r"^(#{1,6})(?=\s)", lambda m: "#" * min(6, len(m.group(1)) + shift), text, flags=re.M)
    return text


def html_text(value: Any) -> Markup:
    """Text a player typed, for HTML: escaped, its line breaks kept."""
    text = str(value).strip()
    if "\n" not in text and "\r" not in text:
        return escape(text)
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\(((?:https?://|mailto:)[^)\s]+)\)"), r'<a href="\2">\1</a>'),
]


def _inline(text: str) -> str:
    out = str(escape(text))
    for pattern, repl in _INLINE:
        out = pattern.sub(repl, out)
    return out


def html_markdown(value: Any, shift: int = 0) -> Markup:
    """Authored Markdown (a scenario's background) as HTML: paragraphs, headings, lists, quotes,
    bold, italics, code and links. Everything is escaped first, so raw HTML stays text."""
    out: list[str] = []
    para: list[str] = []
    list_tag = ""

    def flush_para() -> None:
        if para:
            out.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = ""

    for line in textwrap.dedent(str(value)).strip().splitlines():
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        bullet = re.match(r"^[-*+]\s+(.*)$", stripped)
        number = re.match(r"^\d+[.)]\s+(.*)$", stripped)
        if not stripped:
            flush_para()
            close_list()
        elif heading:
            flush_para()
            close_list()
            level = min(6, len(heading.group(1)) + shift)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            flush_para()
            tag = "ul" if bullet else "ol"
            if list_tag != tag:
                close_list()
                out.append(f"<{tag}>")
                list_tag = tag
            out.append(f"<li>{_inline((bullet or number).group(1))}</li>")
        elif stripped.startswith(">"):
            flush_para()
            close_list()
            out.append(f"<blockquote><p>{_inline(stripped.lstrip('>').strip())}</p></blockquote>")
        elif list_tag and line[:1].isspace() and out and out[-1].endswith("</li>"):
            out[-1] = out[-1][: -len("</li>")] + " " + _inline(stripped) + "</li>"
        else:
            close_list()
            para.append(stripped)
    flush_para()
    close_list()
    return Markup("\n".join(out))


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(100 * value)}%"


def source_in(source_id: str, scenario: Scenario) -> analysis.SourceRef:
    """The cited document with this id in ``scenario`` (id and title)."""
    return analysis.source_ref(scenario, source_id)


def kind_in(kind: str, scenario: Scenario) -> str:
    """A move kind's label in ``scenario``."""
    move_kind = scenario.move_kinds.get(kind)
    return move_kind.label if move_kind else kind


def join_change(change: Sequence) -> str:
    """A flag change ``(turn, value)`` as ``turn 3: set``."""
    turn, value = change
    return f"turn {turn}: {'set' if value else 'cleared'}"


def answer_text(answer: analysis.AnswerRow) -> str:
    """A party's answer to a proposal: ``Ukraine: reject (too little)``."""
    text = f"{answer.team_name}: {answer.answer}"
    if answer.turn and answer.answer != "no answer":
        text += f" in turn {answer.turn}"
    return text + (f" ({answer.note})" if answer.note else "")


# --- appendices -------------------------------------------------------------------------------------

DEFAULT_MARKING = "FOR EXERCISE PLANNING PURPOSES"

# Acronyms the reports may use, with what they stand for; the appendix lists those a report holds.
ACRONYMS = {
    "AAR": "After-action report", "IP": "Improvement plan",
    "HSEEP": "Homeland Security Exercise and Evaluation Program (US exercise doctrine)",
    "MSEL": "Master scenario events list: what control sends, when and why", "POC": "Point of contact",
    "CSV": "Comma-separated values (a spreadsheet file)", "CFE": "Conventional Armed Forces in Europe (treaty)",
    "EU": "European Union", "EUR": "Euro", "G-7": "Group of Seven", "NATO": "North Atlantic Treaty Organization",
    "NSC": "National Security Council (United States)", "NSA": "National Security Advisor",
    "OSCE": "Organization for Security and Co-operation in Europe", "UK": "United Kingdom",
    "UN": "United Nations", "US": "United States", "U.S.": "United States", "USA": "United States of America",
    "2d6": "Two six-sided dice, added (matrix adjudication)", "d100": "A percentile die, 1 to 100 (estimative "
    "adjudication)",
}
_ACRONYM = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(a) for a in sorted(ACRONYMS, key=len, reverse=True))
                      + r")(?![\w-])")


REPORT_ACRONYMS = "AAR IP MSEL"  # the after-action report's own words use these (its title, its cover)


def acronyms_in(*items: Any) -> list[tuple[str, str]]:
    """The acronyms of ``ACRONYMS`` that the text of ``items`` uses (their reprs are read: the
    analysis and the scenario hold every word a report prints but its own), with those of
    ``REPORT_ACRONYMS`` (and HSEEP where there is an evaluation, POC where the improvement plan's
    table has its column), in alphabetical order."""
    evaluations = [e for e in (getattr(item, "evaluation", None) for item in items) if e is not None]
    own = REPORT_ACRONYMS + " HSEEP" * bool(evaluations) + " POC" * any(e.plan for e in evaluations)
    found = set(_ACRONYM.findall(" ".join(repr(item) for item in items) + " " + own))
    if "U.S." in found:
        found.discard("U.S.")
        found.add("US")
    return sorted(((a, ACRONYMS[a]) for a in found), key=lambda pair: pair[0].lower())


def dice_rows(report: analysis.Analysis) -> list[analysis.MoveItem]:
    """The moves in the timeline that were ruled by dice (private rulings are already blank for
    participants), in the order they were revealed."""
    return [item for record in report.timeline for item in record.items
            if isinstance(item, analysis.MoveItem) and item.ruling is not None and item.ruling.dice]


# --- charts ---------------------------------------------------------------------------------------


def _nice_step(span: int, intervals: int = 5) -> int:
    raw = max(1, span) / intervals
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return max(1, int(factor * magnitude))
    return max(1, int(10 * magnitude))


# Presentation attributes, not only CSS classes: WeasyPrint draws inline SVG without the page's CSS.
_SVG_STYLE = {
    "grid": 'stroke="#e4e8ec" stroke-width="1"',
    "axis": 'stroke="#6b7580" stroke-width="1"',
    "tick": 'font-size="11" fill="#3d4750"',
    "axis-title": 'font-size="10.5" fill="#5b6670"',
    "line": 'fill="none" stroke="#1f4e79" stroke-width="2.2" stroke-linejoin="round"',
    "dot": 'fill="#1f4e79"',
    "last": 'font-size="12" font-weight="700" fill="#1f4e79"',
    "spike": 'stroke="#b03a2e" stroke-width="1.6" stroke-dasharray="3 2"',
    "spike-dot": 'fill="#ffffff" stroke="#b03a2e" stroke-width="1.6"',
    "spike-label": 'font-size="10.5" font-weight="700" fill="#b03a2e"',
}
_SVG_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, 'DejaVu Sans', sans-serif"


def _line(cls: str, x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{cls}" {_SVG_STYLE[cls]}/>'


def _text(cls: str, x: float, y: float, text: object, anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" {_SVG_STYLE[cls]} text-anchor="{anchor}">'
            f"{escape(text)}</text>")


def svg_chart(series: analysis.TrackSeries, width: int = 320, height: int = 190) -> Markup:
    """One track over the turns as an inline SVG line chart (no script, no external resource):
    the value at the start and at the end of each turn, on the track's own range. Where a track
    went higher or lower within a turn than at either end of it, a dashed red bar in the middle of
    that turn spans how far it went, labelled with the value it reached."""
    left, right, top, bottom = 34, 30, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    low, high = series.min, series.max if series.max > series.min else series.min + 1
    values = list(series.values) or [series.start]
    n = len(values)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (high - v) / (high - low)

    title = escape(f"{series.label}: {series.start} at the start, {series.final} at the end "
                   f"(range {series.min} to {series.max}); highest {series.peak.text}, "
                   f"lowest {series.trough.text}")
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{title}" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="{_SVG_FONT}">', f"<title>{title}</title>"]
    step = _nice_step(high - low, 5)
    ticks = list(range(math.ceil(low / step) * step, high + 1, step))  # round numbers within the range
    ticks += [end for end in (low, high) if all(abs(end - t) >= 0.4 * step for t in ticks)]
    for tick in sorted(ticks):
        parts.append(_line("grid", left, y(tick), left + plot_w, y(tick)))
        parts.append(_text("tick", left - 5, y(tick) + 3.5, tick, "end"))
    parts += [_line("axis", left, top, left, base), _line("axis", left, base, left + plot_w, base)]
    for i in range(0, n, max(1, math.ceil((n - 1) / 10))):  # at most about ten turn labels
        parts.append(_line("axis", x(i), base, x(i), base + 3))
        parts.append(_text("tick", x(i), base + 14, i or "start", "middle"))
    parts.append(_text("axis-title", left + plot_w / 2, height - 4, "end of turn", "middle"))
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{points}" class="line" {_SVG_STYLE["line"]}/>')
    if n <= 40:
        parts += [f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.6" class="dot" {_SVG_STYLE["dot"]}/>'
                  for i, v in enumerate(values)]
    for i in range(1, n):  # the spikes within a turn that its start and end do not show
        before, after = values[i - 1], values[i]
        lowest, highest = series.lows[i], series.highs[i]
        outside = [v for v in (lowest, highest) if v < min(before, after) or v > max(before, after)]
        if not outside:
            continue
        mid = (x(i - 1) + x(i)) / 2
        top_v, bottom_v = max(highest, before, after), min(lowest, before, after)
        parts.append(_line("spike", mid, y(top_v), mid, y(bottom_v)))
        for v in outside:
            parts.append(f'<circle cx="{mid:.1f}" cy="{y(v):.1f}" r="3" class="spike-dot" {_SVG_STYLE["spike-dot"]}/>')
            label_y = y(v) - 6 if v > max(before, after) else y(v) + 13
            if top - 2 <= label_y <= base:
                parts.append(_text("spike-label", mid, label_y, v, "middle"))
            else:  # no room above the top or below the base: beside the mark
                parts.append(_text("spike-label", mid + 6, y(v) + 4, v))
    parts += [_text("last", x(n - 1) + 5, y(values[-1]) + 4, values[-1]), "</svg>"]
    return Markup("".join(parts))


# --- environments ---------------------------------------------------------------------------------


def _skin(fmt: str) -> str:
    return "html" if fmt in ("html", "pdf") else "md"


def _configure(env: Environment) -> Environment:
    env.filters.update(
        md_text=md_text, md_escape=md_escape, md_cell=md_cell, md_block=md_block, html_text=html_text,
        html_markdown=html_markdown,
        svg_chart=svg_chart, percent=percent, source_in=source_in, kind_in=kind_in, join_change=join_change,
        answer_text=answer_text,
    )
    env.globals.update(acronyms_in=acronyms_in, dice_rows=dice_rows)
    env.globals.update(
        measures=dict(analysis.MEASURES),
        adjudication_summary={m.id.value: m.summary for m in METHODS.values()},
        adjudication_manual={m.id.value: m.manual for m in METHODS.values()},
    )
    return env


def _options(fmt: str) -> dict[str, Any]:
    return dict(undefined=StrictUndefined, autoescape=_skin(fmt) == "html", trim_blocks=True,
                lstrip_blocks=True, keep_trailing_newline=True)


@cache
def bundled_environment(fmt: str) -> Environment:
    """The environment for the bundled templates of a format (md, html or pdf)."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")
    loader = FileSystemLoader(str(bundled.bundled_dir("reports")))
    return _configure(Environment(loader=loader, **_options(fmt)))


def user_environment(fmt: str, template_dir: Path) -> SandboxedEnvironment:
    """A sandbox for a user's template: its own folder first, then the bundled templates to import."""
    loader = FileSystemLoader([str(template_dir), str(bundled.bundled_dir("reports"))])
    return _configure(SandboxedEnvironment(loader=loader, **_options(fmt)))


# --- data ---------------------------------------------------------------------------------------


def _base_context(scenario: Scenario, fmt: str) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "fmt": fmt,
        "source": lambda source_id: analysis.source_ref(scenario, source_id),
        "kind_label": lambda kind: scenario.move_kinds[kind].label if kind in scenario.move_kinds else kind,
        "done": lambda *args: "",
    }


def report_context(scenario: Scenario, events: Sequence, state=None, fmt: str = "md",
                   audience: str = "control", marking: str = DEFAULT_MARKING, dates: str = "",
                   place: str = "") -> dict[str, Any]:
    """The data the after-action report templates see: ``report`` (the analysis), ``scenario``
    and ``handling`` (the marking at the top of every page, and the dates and place of the
    exercise, as given; empty when not).

    ``audience`` is ``control`` (everything) or ``participants`` (what every team may see: no
    private rulings, controller notes or MSEL; see ``analysis.audience``)."""
    if audience not in AUDIENCES:
        raise ReportError(f"unknown audience '{audience}' (one of: {', '.join(AUDIENCES)})")
    handling = {"marking": md_text(marking), "dates": md_text(dates), "place": md_text(place)}
    return {**_base_context(scenario, fmt), "report": analyse_for(audience, scenario, events, state),
            "handling": handling}


def manual_context(scenario: Scenario, fmt: str = "md") -> dict[str, Any]:
    """The data the situation manual sees: ``scenario`` and ``schedule`` (the modules)."""
    return {**_base_context(scenario, fmt), "schedule": analysis.schedule(scenario), "team": None}


def brief_context(scenario: Scenario, team_id: str, fmt: str = "md") -> dict[str, Any]:
    """The data a team brief sees: ``scenario``, ``team`` and ``schedule``."""
    if team_id not in scenario.teams:
        teams = ", ".join(scenario.teams)
        raise ReportError(f"no team '{team_id}' in scenario '{scenario.info.id}' (teams: {teams})")
    team = scenario.teams[team_id]
    return {**_base_context(scenario, fmt), "schedule": analysis.schedule(scenario), "team": team}


# --- rendering ----------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def _with_progress(context: dict[str, Any], progress: Progress | None) -> dict[str, Any]:
    def done(index: int = 0, total: int = 0, *_: Any) -> str:
        if progress is not None and total:
            progress(int(index), int(total))
        return ""

    return {**context, "done": done}


def render(kind: str, fmt: str, context: dict[str, Any], progress: Progress | None = None) -> str:
    """Render a bundled document (``aar``, ``manual`` or ``brief``) as Markdown or HTML.

    ``progress(done, total)`` is called as each section is rendered.
    """
    if kind not in KINDS:
        raise ReportError(f"unknown document '{kind}' (one of: {', '.join(KINDS)})")
    env = bundled_environment(fmt)
    template = env.get_template(f"{kind}.{_skin(fmt)}.j2")
    text = template.render(_with_progress(context, progress))
    return _tidy(text)


def _template_location(exc: BaseException, fallback: str) -> str:
    """``file:line`` of the template line an error came from (Jinja rewrites its tracebacks)."""
    if isinstance(exc, TemplateSyntaxError):
        return f"{exc.filename or fallback}:{exc.lineno}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
    if frames:
        return f"{frames[-1].filename}:{frames[-1].lineno}"
    return fallback


def render_user(path: Path | str, fmt: str, context: dict[str, Any], progress: Progress | None = None) -> str:
    """Render a user's template file in the sandbox; ReportError (one line) if it fails."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"{path}: no such template file")
    env = user_environment(fmt, path.resolve().parent)
    shown = str(path)
    try:
        template = env.get_template(path.name)
        if progress:
            progress(0, 1)
        text = template.render(_with_progress(context, None))
        if progress:
            progress(1, 1)
        return text
    except TemplateSyntaxError as exc:
        where = _template_location(exc, shown).replace(str(path.resolve()), shown)
        raise ReportError(f"{where}: {exc.message}") from None
    except TemplateNotFound as exc:
        raise ReportError(f"{shown}: template not found: {exc.name}") from None
    except UnicodeDecodeError:
        raise ReportError(f"{shown}: not a text template (save it as UTF-8)") from None
    except (TemplateError, Exception) as exc:  # noqa: BLE001 - anything a template does wrong is one line
        where = _template_location(exc, shown).replace(str(path.resolve()), shown)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReportError(f"{where}: {type(exc).__name__}: {message}") from None


def html_to_pdf(html: str, path: Path | str) -> None:
    """Write HTML as a PDF with WeasyPrint (the optional extra); ReportError if it is missing."""
    try:
        import weasyprint  # type: ignore[import-not-found]
    except ImportError:
        raise ReportError(PDF_MISSING) from None
    except OSError as exc:  # installed, but its system libraries (Pango) cannot be loaded
        raise ReportError(f"{PDF_MISSING} (WeasyPrint is installed but cannot load its libraries: "
                          f"{md_text(exc)})") from None
    write_atomic(path, weasyprint.HTML(string=html).write_pdf())


def pdf_available() -> bool:
    try:
        import weasyprint  # type: ignore[import-not-found]  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def produce(kind: str, fmt: str, context: dict[str, Any], output: Path | str | None = None,
            template: Path | str | None = None, progress: Progress | None = None) -> str | None:
    """Render a document and write it to ``output`` (PDF needs one); returns the text when not written."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")
    if fmt == "pdf":
        if output is None:
            raise ReportError("a PDF needs an output file (-o FILE.pdf)")
        if not pdf_available():
            html_to_pdf("", output)  # raises the message saying how to install it
    steps: dict[str, int] = {}

    def inner(done: int, total: int) -> None:
        steps["total"] = total
        if progress:
            progress(done, total + (1 if fmt == "pdf" else 0))

    if template is not None:
        text = render_user(template, fmt, context, inner)
    else:
        text = render(kind, fmt, context, inner)
    if fmt == "pdf":
        html_to_pdf(text, output)
        if progress:
            total = steps.get("total", 0) + 1
            progress(total, total)
        return None
    if output is not None:
        write_atomic(output, text)
        return None
    return text


def write_report(session, fmt: str, path: Path | str, progress: Progress | None = None,
                 template: Path | str | None = None, audience: str = "control") -> Path:
    """Write the after-action report of ``session`` to ``path`` as md, html or pdf.

    ``session`` is an open ``Session`` or a session file's path. The session file is opened
    anew here, so this may run in a worker thread (SQLite connections belong to their thread).
    ``progress(done, total)`` is called as sections render (and once more for a PDF).
    ``audience``: ``control`` (everything; the facilitator's console writes this one) or
    ``participants`` (to share with the teams). Raises ReportError with a one-line message when it cannot.
    """
    from .session import Session, SessionError

    source = Path(getattr(session, "path", session))
    try:
        with Session.open(source) as fresh:
            context = report_context(fresh.scenario, fresh.events(), fresh.state, fmt, audience)
    except SessionError as exc:
        raise ReportError(str(exc)) from None
    path = Path(path)
    produce("aar", fmt, context, path, template, progress)
    return path
