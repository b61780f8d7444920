"""A folded state kept beside the journal, so that opening a long session folds only its tail.

A snapshot is a cache: it is used only when its key matches (this release's fold code and
the session's scenario) and the event it was taken at is still the one in the journal;
anything else, or anything unreadable, and the session replays from the start. It is read
with an unpickler that builds only the state's own classes and plain containers, so a
session file from elsewhere cannot run code through it.
"""

from __future__ import annotations

import copyreg
import functools
import gc
import hashlib
import io
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from . import events, model, packed, state
from .journal import Snapshot
from .state import GameState

EVERY = 2000  # events folded since the last snapshot before another is taken
_FORMAT = "2"
_BUILTINS = {"set", "frozenset", "dict", "list", "tuple", "bool", "int", "str", "bytes"}
_MODULES = {m.__name__: m for m in (state, events, model, packed)}


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


def _by_fields(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda obj: (type(obj), tuple(getattr(obj, name) for name in names))


@functools.cache
def _reducers() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """The state's attrs classes pickled as their class and field values, in order: without
    the field names each object's pickle would otherwise repeat (each item is pickled alone)."""
    table: dict[type, Callable[[Any], tuple[Any, ...]]] = dict(copyreg.dispatch_table)
    for module in _MODULES.values():
        for cls in vars(module).values():
            if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == module.__name__ \
                    and all(a.init for a in attrs.fields(cls)):
                table[cls] = _by_fields(tuple(a.name for a in attrs.fields(cls)))
    return table


def _dumps(value: object) -> bytes:
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.dispatch_table = _reducers()
    pickler.dump(value)
    return out.getvalue()


def _unpack(data: bytes) -> object:
    with no_collection():
        return _StateUnpickler(io.BytesIO(data)).load()


def take(folded: GameState, key_now: str, digest: str) -> Snapshot:
    """The state as a snapshot. Its long records are packed item by item (only those added or
    changed since the last): opening reads them as bytes, and only what a command reads is
    unpacked (``exercise.packed``)."""
    for record in folded.packed_records():
        record.pack(_dumps)
        record.unpack = _unpack
    return Snapshot(folded.seq, key_now, digest, _dumps(folded))


def restore(snapshot: Snapshot) -> GameState | None:
    """The state a snapshot holds, or None if it cannot be read as one."""
    try:
        with no_collection():
            folded = _StateUnpickler(io.BytesIO(snapshot.data)).load()
    except Exception:  # noqa: BLE001 - a cache that cannot be read is simply not used
        return None
    if not isinstance(folded, GameState) or folded.seq != snapshot.seq:
        return None
    for record in folded.packed_records():
        record.unpack = _unpack
    return folded
