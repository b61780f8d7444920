"""A strict cattrs converter for TOML data, and its errors as field paths.

Strict means a string is not a number, ``"false"`` is not a boolean, a string is not a list,
and an unknown key is an error that suggests the nearest known key.
"""

from __future__ import annotations

import datetime
import difflib
from enum import Enum
from typing import Any, get_args, get_origin

import attrs
from cattrs import Converter
from cattrs.cols import list_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, mapping_structure_factory, override

from . import model

# TOML names that differ from the attribute names.
RENAMES: dict[type, dict[str, str]] = {model.Inject: {"sender": "from"}}


class WrongValue(ValueError):
    """A value of the wrong type or shape; its message says what was expected."""


def describe_value(value: Any) -> str:
    """A short description of a TOML value for an error message."""
    kinds = {
        bool: "a boolean",
        int: "a whole number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
        datetime.datetime: "a date-time",
        datetime.date: "a date",
        datetime.time: "a time",
    }
    kind = kinds.get(type(value), type(value).__name__)
    if isinstance(value, (dict, list)):
        return kind
    text = repr(value)
    return f"{kind} {text[:40] + '...' if len(text) > 40 else text}"


_PLURALS = {str: "strings", int: "whole numbers", bool: "booleans", float: "numbers"}


def describe_type(tp: Any) -> str:
    """What a value of type ``tp`` looks like in TOML."""
    origin, args = get_origin(tp), get_args(tp)
    if origin is list:
        return "a list of " + _PLURALS.get(args[0], "tables" if attrs.has(args[0]) else "values")
    if origin is dict:
        return "a table"
    if type(None) in args:
        return describe_type(next(a for a in args if a is not type(None)))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "one of " + ", ".join(f'"{m.value}"' for m in tp)
    if attrs.has(tp):
        return "a table"
    return {
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        str: "a string in quotes",
        datetime.date: "a date like 2025-03-19",
    }.get(tp, getattr(tp, "__name__", str(tp)))


def toml_keys(cl: type) -> list[str]:
    """The keys a TOML table for attrs class ``cl`` may have."""
    renames = RENAMES.get(cl, {})
    return [renames.get(a.name, a.name) for a in attrs.fields(cl)]


def _exact(*kinds: type):
    def hook(value: Any, tp: Any) -> Any:
        if type(value) not in kinds:
            _fail(value, tp)
        return value

    return hook


ENUMS = (model.Adjudication, model.Commitment, model.InjectKind)


def make_converter() -> Converter:
    """The converter for scenario and inject files."""
    conv = Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _exact(str))
    conv.register_structure_hook(int, _exact(int))
    conv.register_structure_hook(bool, _exact(bool))
    conv.register_structure_hook(float, _exact(int, float))
    conv.register_structure_hook(datetime.date, _exact(datetime.date))
    conv.register_structure_hook_func(lambda t: t is Any, lambda value, _: value)

    def enum_hook(tp: type[Enum]):
        def hook(value: Any, _: Any) -> Enum:
            try:
                return tp(value) if isinstance(value, str) else _fail(value, tp)
            except ValueError:
                return _fail(value, tp)

        return hook

    def list_hook(tp: Any):
        inner = list_structure_factory(tp, conv)

        def hook(value: Any, _: Any) -> list:
            if not isinstance(value, list):
                _fail(value, tp)
            return inner(value, tp)

        return hook

    def dict_hook(tp: Any):
        inner = mapping_structure_factory(tp, conv)

        def hook(value: Any, _: Any) -> dict:
            if not isinstance(value, dict):
                _fail(value, tp)
            return inner(value, tp)

        return hook

    def attrs_hook(tp: type):
        renames = {name: override(rename=key) for name, key in RENAMES.get(tp, {}).items()}
        inner = make_dict_structure_fn(tp, conv, _cattrs_forbid_extra_keys=True, **renames)

        def hook(value: Any, _: Any) -> Any:
            if not isinstance(value, dict):
                _fail(value, tp)
            return inner(value, tp)

        return hook

    # Per class, so that a str-based Enum does not fall through to the str hook.
    for enum in ENUMS:
        conv.register_structure_hook(enum, enum_hook(enum))
        conv.register_unstructure_hook(enum, lambda member: member.value)
    conv.register_structure_hook_factory(lambda t: get_origin(t) is list, list_hook)
    conv.register_structure_hook_factory(lambda t: get_origin(t) is dict, dict_hook)
    conv.register_structure_hook_factory(attrs.has, attrs_hook)
    for cl, names in RENAMES.items():
        fields = {name: override(rename=key) for name, key in names.items()}
        conv.register_unstructure_hook(cl, make_dict_unstructure_fn(cl, conv, **fields))
    return conv


def _fail(value: Any, tp: Any) -> Any:
    what = "not an allowed value" if isinstance(tp, type) and issubclass(tp, Enum) else "wrong type"
    raise WrongValue(f"{what}: {describe_value(value)} (expected {describe_type(tp)})")


def _key_path(path: str, key: Any) -> str:
    if isinstance(key, str):
        return f"{path}.{key}" if key.replace("-", "").replace("_", "").isalnum() else f'{path}."{key}"'
    return f"{path}[{key}]"


def _unknown_keys(exc: ForbiddenExtraKeysError, path: str) -> list[tuple[str, str]]:
    known = toml_keys(exc.cl) if attrs.has(exc.cl) else []
    if "id" in known and path.count(".") >= 2 and not path.endswith("]"):
        known.remove("id")  # keyed tables take their id from the key
    out = []
    for key in sorted(exc.extra_fields):
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        out.append((_key_path(path, key), f"unknown key ({hint})"))
    return out


def _leaf(exc: BaseException, path: str, tp: Any) -> list[tuple[str, str]]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        return error_paths(exc, path)
    if isinstance(exc, ForbiddenExtraKeysError):
        return _unknown_keys(exc, path)
    if isinstance(exc, KeyError):
        expected = f"{describe_type(tp)}" if tp is not None else "a value"
        return [(path, f"missing (required: {expected})")]
    if isinstance(exc, WrongValue):
        return [(path, str(exc))]
    expected = describe_type(tp) if tp is not None else "a different value"
    return [(path, f"invalid value ({expected} is expected)")]


def error_paths(exc: BaseException, path: str = "$") -> list[tuple[str, str]]:
    """Flatten a cattrs structuring error into (field path, message) pairs."""
    out: list[tuple[str, str]] = []
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            out += _leaf(sub, _key_path(path, note.index), note.type)
        for sub in without:
            out += _leaf(sub, path, None)
    elif isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        cl = getattr(exc, "cl", None)
        renames = RENAMES.get(cl, {})
        for sub, note in with_notes:
            out += _leaf(sub, _key_path(path, renames.get(note.name, note.name)), note.type)
        for sub in without:
            out += _leaf(sub, path, None)
    else:
        out += _leaf(exc, path, None)
    return out
