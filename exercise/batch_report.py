"""The report of many runs (``batch``, ``whatif``) in Markdown or HTML, with bar charts.

The data is ``exercise.batch.summarise``'s; the templates are ``reports/batch.md.j2`` and
``reports/batch.html.j2`` (one for both kinds of run). HTML autoescapes; the charts are inline
SVG drawn here with presentation attributes, as the after-action report's are.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import bundled

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_BAR = "#1f4e79"
_ACTUAL = "#b03a2e"


def cell(value: Any) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def mean(value: float) -> str:
    """A mean for the reader: one decimal (the JSON keeps three)."""
    return f"{value:.1f}"


def text_bar(share: float | None, width: int = 20) -> str:
    """A bar in characters for Markdown: one block per 1/``width`` of the runs."""
    if not share:
        return ""
    return "█" * max(1, round(share * width))


def svg_bars(rows: list[dict[str, Any]], label_key: str = "label", width: int = 560) -> Markup:
    """Horizontal bars, one per row (its ``share`` of the runs); a row with ``actual`` true is marked."""
    bar_h, gap, left, right = 18, 6, 220, 60
    height = len(rows) * (bar_h + gap) + gap
    span = width - left - right
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="{_FONT}">']
    for i, row in enumerate(rows):
        y = gap + i * (bar_h + gap)
        share = float(row.get("share") or 0.0)
        label = str(row[label_key])
        short = label if len(label) <= 34 else label[:33] + "…"
        colour = _ACTUAL if row.get("actual") else _BAR
        parts.append(f'<text x="{left - 8}" y="{y + bar_h - 5}" font-size="12" fill="#3d4750" text-anchor="end">'
                     f"<title>{escape(label)}</title>{escape(short)}</text>")
        parts.append(f'<rect x="{left}" y="{y}" width="{span}" height="{bar_h}" fill="#eef1f4"/>')
        if share:
            parts.append(f'<rect x="{left}" y="{y}" width="{max(1.0, span * share):.1f}" height="{bar_h}" fill="{colour}"/>')
        parts.append(f'<text x="{left + span + 6}" y="{y + bar_h - 5}" font-size="12" font-weight="700" '
                     f'fill="{colour}">{percent(share)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_histogram(track: dict[str, Any], runs: int, width: int = 320, height: int = 150) -> Markup:
    """Final values of a track over the runs: one column per value from its min to its max."""
    counts = {int(k): v for k, v in track["final"]["counts"].items()}
    low, high = track["min"], track["max"]
    values = list(range(low, high + 1))
    top = max(counts.values()) if counts else 1
    left, bottom, pad = 8, 22, 6
    col = (width - 2 * left) / len(values)
    area = height - bottom - pad
    parts = [f'<svg class="chart histogram" viewBox="0 0 {width} {height}" role="img" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="{_FONT}"><title>{escape(track["label"])}: final values '
             f"over {runs} runs</title>"]
    for i, value in enumerate(values):
        n = counts.get(value, 0)
        x = left + i * col
        h = area * n / top if top else 0
        colour = _ACTUAL if track.get("actual") == value else _BAR
        if n:
            parts.append(f'<rect x="{x + 1:.1f}" y="{pad + area - h:.1f}" width="{max(1.0, col - 2):.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{value}: {n} run(s)</title></rect>')
        parts.append(f'<text x="{x + col / 2:.1f}" y="{height - 6}" font-size="10.5" fill="#3d4750" '
                     f'text-anchor="middle">{value}</text>')
    parts.append(f'<line x1="{left}" y1="{pad + area:.1f}" x2="{width - left}" y2="{pad + area:.1f}" '
                 'stroke="#6b7580" stroke-width="1"/></svg>')
    return Markup("".join(parts))


@cache
def _environment(fmt: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(bundled.bundled_dir("reports"))), undefined=StrictUndefined,
                      autoescape=fmt == "html", trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(cell=cell, mean=mean, percent=percent, text_bar=text_bar, svg_bars=svg_bars, svg_histogram=svg_histogram)
    return env


def render(kind: str, fmt: str, summary: dict[str, Any]) -> str:
    """The report of a ``batch`` or a ``whatif`` (``kind``) as ``md`` or ``html``."""
    template = _environment(fmt).get_template(f"batch.{fmt}.j2")
    text = template.render(kind=kind, s=summary)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n"
