"""Events and scenarios as plain data (JSON- and TOML-ready), and back."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from cattrs import Converter, transform_error
from cattrs.errors import BaseValidationError

from . import events as ev
from . import model
from .model import Scenario

_converter = Converter()
_converter.register_unstructure_hook(datetime.date, lambda d: d.isoformat())
# Per class: these enums are also str, and the str hook would win by MRO.
for _enum in (ev.Phase, ev.Outcome, ev.Answer, model.Adjudication, model.Commitment, model.InjectKind):
    _converter.register_unstructure_hook(_enum, lambda member: member.value)
_converter.register_structure_hook(datetime.date, lambda v, _: v if isinstance(v, datetime.date) else datetime.date.fromisoformat(v))


def event_data(event: ev.Event) -> tuple[str, dict[str, Any]]:
    """An event as (type name, data)."""
    return ev.event_type(event), _converter.unstructure(event)


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
    return _structure(data, cls, type_name)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    return _converter.unstructure(scenario)


def scenario_from(data: dict[str, Any]) -> Scenario:
    """The scenario stored as ``data``; DataError saying what is wrong if it is not one."""
    return _structure(data, Scenario, "scenario")


def canonical_json(data: Any) -> str:
    """Compact JSON that keeps key order: a scenario's tables are ordered (end states: first wins)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def scenario_hash(scenario: Scenario) -> str:
    """A fingerprint of a scenario's content."""
    return hashlib.sha256(canonical_json(scenario_data(scenario)).encode()).hexdigest()
