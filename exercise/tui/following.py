"""What a console shows, kept up to date from what changed.

A console reads the whole record once, when it opens. After that each refresh reads the
events new since the last, and asks the session for a view of just what they touched
(``Session.view(role, "now", only=views.touched(events))``), so a refresh costs the same on
turn 30 as on turn 2. ``Keyed`` keeps a record the console shows whole (injects delivered,
revealed moves); ``Current`` what it shows of now (this turn's moves, what is open).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Keyed:
    """Items by id, kept whole, updated from the items of now; says which ids changed."""

    def __init__(self, items: Iterable[Any]):
        self.items = {item.id: item for item in items}

    def follow(self, items: Iterable[Any]) -> list[str]:
        changed = []
        for item in items:
            if self.items.get(item.id) != item:
                self.items[item.id] = item
                changed.append(item.id)
        return changed


class Current:
    """The items of one kind in the view of now (this turn's moves, open proposals, ...), by id.

    ``reset`` takes the whole of them (a console opening, a new turn); ``update`` the items a
    view with ``only`` gave for the ids some events touched. Within a turn nothing leaves the
    view of now (a proposal settled this turn still shows), so an update only adds and changes.
    """

    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    def reset(self, items: Iterable[Any]) -> None:
        self.items = {item.id: item for item in items}

    def update(self, items: Iterable[Any]) -> list[str]:
        """Returns the ids new or changed."""
        changed = {item.id: item for item in items if self.items.get(item.id) != item}
        self.items.update(changed)
        return list(changed)
