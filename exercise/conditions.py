"""Conditions over tracks and flags, compiled by Jinja's sandbox.

A condition is a Jinja expression such as ``tracks.escalation >= 7 and not flags.ceasefire``.
It may name ``tracks.NAME``, ``flags.NAME`` and ``turn``, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from types import SimpleNamespace

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

NAMES = ("tracks", "flags", "turn")

_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)

Condition = Callable[[Mapping[str, int], Mapping[str, bool], int], bool]


class ConditionError(ValueError):
    """A condition that does not compile or names something unknown."""


def _namespace(tracks: Mapping[str, int], flags: Mapping[str, bool], turn: int) -> dict:
    return {"tracks": SimpleNamespace(**tracks), "flags": SimpleNamespace(**flags), "turn": turn}


def _unknown_names(tree: nodes.Node, tracks: Collection[str], flags: Collection[str]) -> list[str]:
    known = {"tracks": tracks, "flags": flags}
    problems = []
    for name in tree.find_all(nodes.Name):
        if name.name not in NAMES:
            problems.append(f"unknown name '{name.name}' (use tracks.NAME, flags.NAME or turn)")
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if not (isinstance(node.node, nodes.Name) and node.node.name in known):
            continue
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        group = known[node.node.name]
        if key not in group:
            choices = ", ".join(sorted(group)) or "none defined"
            problems.append(f"unknown {node.node.name[:-1]} '{key}' (known: {choices})")
    return problems


def _example(tracks: Mapping[str, int], flags: Mapping[str, bool]) -> str:
    """A condition over this scenario's own names, to show what one looks like."""
    parts = [f"tracks.{next(iter(tracks))} >= 5"] if tracks else ["turn >= 3"]
    if flags:
        parts.append(f"not flags.{next(iter(flags))}")
    return " and ".join(parts)


def compile_condition(
    text: str, tracks: Mapping[str, int], flags: Mapping[str, bool], turn: int = 1
) -> Condition:
    """Compile ``text``; raise ConditionError naming what is wrong.

    ``tracks`` and ``flags`` are the starting values: the condition is tried on them once,
    so a type error (a flag compared with a number, say) shows at load time.
    """
    try:
        tree = Parser(_env, text, state="variable").parse_expression()
        compiled = _env.compile_expression(text)
    except TemplateSyntaxError as exc:
        raise ConditionError(f"condition does not parse: {exc.message} (write for example {_example(tracks, flags)})") from None
    problems = _unknown_names(tree, tracks, flags)
    if problems:
        raise ConditionError("; ".join(problems))

    def condition(tracks: Mapping[str, int], flags: Mapping[str, bool], turn: int) -> bool:
        return bool(compiled(**_namespace(tracks, flags, turn)))

    try:
        condition(tracks, flags, turn)
    except (TypeError, ValueError, ArithmeticError, UndefinedError, SecurityError) as exc:
        raise ConditionError(f"condition fails on the starting state: {exc}") from None
    return condition
