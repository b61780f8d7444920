"""A folded state kept beside the journal, so that opening a long session folds only its tail.

A snapshot is a cache: it is used only when its key matches (this release's fold code and
the session's scenario) and the event it was taken at is still the one in the journal;
anything else, or anything unreadable, and the session replays from the start. It is read
with an unpickler that builds only the state's own classes and plain containers, so a
session file from elsewhere cannot run code through it.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import io
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import events, model, state
from .journal import Snapshot
from .state import GameState

EVERY = 2000  # events folded since the last snapshot before another is taken
_FORMAT = "1"
_BUILTINS = {"set", "frozenset", "dict", "list", "tuple", "bool", "int", "str", "bytes"}
_MODULES = {m.__name__: m for m in (state, events, model)}


@functools.cache
def _fold_code() -> str:
    """A fingerprint of the code a snapshot's content depends on: the state and what it holds."""
    digest = hashlib.sha256(_FORMAT.encode())
    for module in _MODULES.values():
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def key(scenario_hash: str) -> str:
    """What a snapshot must have been taken with to be used now."""
    return f"{_fold_code()}:{scenario_hash}"


class _StateUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if module == "builtins" and name in _BUILTINS:
            return super().find_class(module, name)
        found = getattr(_MODULES.get(module), name, None)
        if isinstance(found, type) and found.__module__ == module:  # a class of the state's own
            return found
        if module == "datetime" and name == "date":
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a snapshot may not hold {module}.{name}")


@contextmanager
def no_collection() -> Iterator[None]:
    """Building many objects at once: the collector's passes over them would find nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def take(folded: GameState, key_now: str, digest: str) -> Snapshot:
    return Snapshot(folded.seq, key_now, digest, pickle.dumps(folded, protocol=5))


def restore(snapshot: Snapshot) -> GameState | None:
    """The state a snapshot holds, or None if it cannot be read as one."""
    try:
        with no_collection():
            folded = _StateUnpickler(io.BytesIO(snapshot.data)).load()
    except Exception:  # noqa: BLE001 - a cache that cannot be read is simply not used
        return None
    if not isinstance(folded, GameState) or folded.seq != snapshot.seq:
        return None
    return folded
