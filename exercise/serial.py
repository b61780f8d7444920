"""Events and scenarios as plain data (JSON- and TOML-ready), and back."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from cattrs import Converter, transform_error
from cattrs.errors import BaseValidationError

from . import events as ev
from . import model
from .model import Scenario

_converter = Converter()
_converter.register_unstructure_hook(datetime.date, lambda d: d.isoformat())
# Per class: these enums are also str, and the str hook would win by MRO.
for _enum in (ev.Phase, ev.Outcome, ev.Answer, ev.MoveStatus, ev.ProposalStatus, ev.CommitmentStatus,
              model.Adjudication, model.Commitment, model.InjectKind):
    _converter.register_unstructure_hook(_enum, lambda member: member.value)
_converter.register_structure_hook(datetime.date, lambda v, _: v if isinstance(v, datetime.date) else datetime.date.fromisoformat(v))


VERSION_KEY = "v"  # in an event's data, when its version is above 1


def event_data(event: ev.Event) -> tuple[str, dict[str, Any]]:
    """An event as (type name, data), stamped with its version where that is above 1."""
    name = ev.event_type(event)
    data = _converter.unstructure(event)
    if ev.EVENT_VERSIONS[name] > 1:
        data[VERSION_KEY] = ev.EVENT_VERSIONS[name]
    return name, data


def _settled_v1(data: dict[str, Any]) -> dict[str, Any]:
    """ProposalSettled 1 -> 2: ``outcome`` is named ``status``, as on the proposal it settles."""
    data = dict(data)
    if "outcome" in data:
        data["status"] = data.pop("outcome")
    return data


def _ruled_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Ruled 1 -> 2: ``asked``, the effects given with a dice ruling, was not kept (so: unknown)."""
    return {**data, "asked": None}


# (type name, version) -> what turns data of that version into the next one's.
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {
    ("ProposalSettled", 1): _settled_v1,
    ("Ruled", 1): _ruled_v1,
}


def upcast(type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Stored data of any version of an event, in the shape this release reads."""
    current = ev.EVENT_VERSIONS[type_name]
    version = data.get(VERSION_KEY, 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DataError(f"{type_name}: version {version!r} is not a version number")
    if version > current:
        raise DataError(f"{type_name}: version {version} is newer than this release reads ({current}); "
                        "upgrade exercise")
    data = {k: v for k, v in data.items() if k != VERSION_KEY}
    for step in range(version, current):
        data = UPCASTERS[(type_name, step)](data)
    return data


class DataError(ValueError):
    """Stored data that is not what this version reads; the message says what is wrong."""


def _structure(data: Any, cls: type, what: str):
    try:
        return _converter.structure(data, cls)
    except BaseValidationError as exc:
        raise DataError(f"{what}: {'; '.join(transform_error(exc))}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise DataError(f"{what}: {exc}") from None


def event_from(type_name: str, data: dict[str, Any]) -> ev.Event:
    """The event a (type name, data) pair stands for; DataError saying what is wrong if none."""
    cls = ev.EVENT_TYPES.get(type_name)
    if cls is None:
        raise DataError(f"unknown event type '{type_name}'")
    if not isinstance(data, dict):
        raise DataError(f"{type_name}: data that is not an object")
    return _structure(upcast(type_name, data), cls, type_name)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data. Tables added in later releases are left out while empty, so a
    scenario without them has the same data, and the same hash, as in the release before."""
    data = _converter.unstructure(scenario)
    for key in _LATER_TABLES:
        if not data.get(key):
            data.pop(key, None)
    for key in _LATER_INFO:
        if not data["info"].get(key):
            data["info"].pop(key, None)
    return data


_LATER_TABLES = ("exercise_objectives",)  # issue 12
_LATER_INFO = ("start_time",)  # [scenario] fields added later (issue 14), left out while unset


def scenario_from(data: dict[str, Any]) -> Scenario:
    """The scenario stored as ``data``; DataError saying what is wrong if it is not one."""
    return _structure(data, Scenario, "scenario")


def canonical_json(data: Any) -> str:
    """Compact JSON that keeps key order: a scenario's tables are ordered (end states: first wins)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def scenario_hash(scenario: Scenario) -> str:
    """A fingerprint of a scenario's content."""
    return hashlib.sha256(canonical_json(scenario_data(scenario)).encode()).hexdigest()
