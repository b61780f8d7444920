"""Containers for the state's long records, whose items may be kept packed until one is used.

A long game holds thousands of moves, proposals and changes that a command never looks at.
A snapshot (``exercise.snapshot``) stores each such item as bytes, and these containers
unpack an item only when it is read, in place, so the order is kept. Opening a session then
costs little more than reading the bytes. An item keeps its bytes beside it once unpacked,
until the fold changes it (``PackedDict.changing``), so the next snapshot packs only what
was added or changed since the last. Where the bytes come from is not this module's
business: the snapshot gives the containers their ``unpack``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")

Pack = Callable[[Any], bytes]
Unpack = Callable[[bytes], Any]


def _no_unpack(data: bytes) -> Any:
    raise RuntimeError("a packed item with nothing to unpack it (only a snapshot packs items)")


class PackedDict(MutableMapping[K, V]):
    """A dict whose values may be packed (bytes) until read; a value is never bytes itself.

    Reading a value does not change it; the fold changes one only through ``changing``.
    """

    __slots__ = ("_items", "_bytes", "unpack")

    def __init__(self, items: dict[K, Any] | None = None, unpack: Unpack = _no_unpack) -> None:
        self._items: dict[K, Any] = {} if items is None else items
        self._bytes: dict[K, bytes] = {}  # the bytes of values unpacked and not changed since
        self.unpack = unpack

    def __getitem__(self, key: K) -> V:
        value = self._items[key]
        if type(value) is bytes:
            self._bytes[key], value = value, self.unpack(value)
            self._items[key] = value
        return value  # type: ignore[no-any-return]

    def changing(self, key: K) -> V:
        """The value of ``key``, to be changed in place: its bytes no longer hold."""
        value = self[key]
        self._bytes.pop(key, None)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        self._items[key] = value
        self._bytes.pop(key, None)

    def __delitem__(self, key: K) -> None:
        del self._items[key]
        self._bytes.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"PackedDict({len(self._items)} items, {self.packed_count()} packed)"

    def __reduce__(self) -> tuple[Any, ...]:
        packed = self._bytes
        return type(self), ({k: packed.get(k, v) for k, v in self._items.items()},)

    def packed_count(self) -> int:
        """How many values are still bytes (never unpacked)."""
        return sum(type(v) is bytes for v in self._items.values())

    def pack(self, pack: Pack) -> None:
        """Give every value its bytes (packing those added or changed since), for pickling."""
        packed = self._bytes
        for key, value in self._items.items():
            if type(value) is not bytes and key not in packed:
                packed[key] = pack(value)


class PackedList(Sequence[V]):
    """An append-only list of items never changed once in it, which may be packed until read."""

    __slots__ = ("_items", "_bytes", "unpack")

    def __init__(self, items: list[Any] | None = None, unpack: Unpack = _no_unpack) -> None:
        self._items: list[Any] = [] if items is None else items
        self._bytes: dict[int, bytes] = {}
        self.unpack = unpack

    @overload
    def __getitem__(self, index: int) -> V: ...
    @overload
    def __getitem__(self, index: slice) -> list[V]: ...
    def __getitem__(self, index: int | slice) -> V | list[V]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._items)))]
        value = self._items[index]
        if type(value) is bytes:
            index = index % len(self._items)
            self._bytes[index], value = value, self.unpack(value)
            self._items[index] = value
        return value  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[V]:
        for i in range(len(self._items)):
            yield self[i]

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PackedList, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"PackedList({len(self._items)} items)"

    def __reduce__(self) -> tuple[Any, ...]:
        packed = self._bytes
        return type(self), ([packed.get(i, v) for i, v in enumerate(self._items)],)

    def append(self, value: V) -> None:
        self._items.append(value)

    def pack(self, pack: Pack) -> None:
        """Give every item its bytes (packing those added since), for pickling."""
        packed = self._bytes
        for i, value in enumerate(self._items):
            if type(value) is not bytes and i not in packed:
                packed[i] = pack(value)
