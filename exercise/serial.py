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


class EventError(ValueError):
    """Stored event data that is not an event this version knows."""


def event_from(type_name: str, data: dict[str, Any]) -> ev.Event:
    """The event a (type name, data) pair stands for; EventError saying what is wrong if none."""
    cls = ev.EVENT_TYPES.get(type_name)
    if cls is None:
        raise EventError(f"unknown event type '{type_name}'")
    try:
        return _converter.structure(data, cls)
    except BaseValidationError as exc:
        raise EventError(f"{type_name}: {'; '.join(transform_error(exc))}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise EventError(f"{type_name}: {exc}") from None


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    return _converter.unstructure(scenario)


def scenario_from(data: dict[str, Any]) -> Scenario:
    return _converter.structure(data, Scenario)


def canonical_json(data: Any) -> str:
    """Compact JSON that keeps key order: a scenario's tables are ordered (end states: first wins)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def scenario_hash(scenario: Scenario) -> str:
    """A fingerprint of a scenario's content."""
    return hashlib.sha256(canonical_json(scenario_data(scenario)).encode()).hexdigest()
