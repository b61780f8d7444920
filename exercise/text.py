"""Text that people type, made safe to keep and to show.

What a player types reaches other players' terminals, so terminal controls (ESC and the
sequences it starts, BEL, backspace, the C1 range) are dropped where text enters the game
(``clean``). Text already kept elsewhere, an older session's say, is shown with its controls
written out visibly (``visible``) rather than sent to a terminal.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

# C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` with plain line ends ("\\r\\n" and "\\r" become "\\n") and no other control characters."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def first_control(text: str) -> str | None:
    """The first control character ``clean`` would drop (a line end aside), or None."""
    match = _CONTROLS.search(text.replace("\r", ""))
    return match.group() if match else None


def visible(text: str) -> str:
    """``text`` with each control character but tab and newline written out, e.g. ``\\x1b``."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def clean_fields(value: Any) -> Any:
    """``value`` (a string, list, dict or attrs instance, nested) with every string cleaned."""
    if type(value) is str:  # not a str-based enum member
        return clean(value)
    if isinstance(value, list):
        return [clean_fields(v) for v in value]
    if isinstance(value, dict):
        return {clean_fields(k): clean_fields(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return attrs.evolve(value, **{f.alias: clean_fields(getattr(value, f.name))
                                      for f in attrs.fields(type(value)) if f.init})
    return value
