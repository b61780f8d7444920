"""What a console shows, kept up to date from what changed.

A console reads the whole record once, when it opens. After that each refresh reads the
events new since the last, and asks the session for a view of just what they touched
(``Session.view(role, "now", only=views.touched(events))``), so a refresh costs the same on
turn 30 as on turn 2. ``ById`` keeps what it shows, by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class ById:
    """Items by id, in the order first seen: a record the console shows whole (injects, revealed
    moves), or what it shows of now (this turn's moves, what is open).

    ``reset`` takes the whole of them (a console opening, a new turn); ``update`` the items a
    view with ``only`` gave for the ids some events touched. Within a turn nothing leaves the
    view of now (a proposal settled this turn still shows), so an update only adds and changes.
    """

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self.reset(items)

    def reset(self, items: Iterable[Any]) -> None:
        self.items: dict[str, Any] = {item.id: item for item in items}

    def update(self, items: Iterable[Any]) -> list[str]:
        """Returns the ids new or changed."""
        changed = {item.id: item for item in items if self.items.get(item.id) != item}
        self.items.update(changed)
        return list(changed)
