"""Random edits of a valid scenario never produce a traceback: only LoadError problems."""

import tomllib
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.loading import LoadError, load_library, load_scenario

DATA = Path(__file__).parent / "data"
TEXT = (DATA / "scenarios" / "minimal.toml").read_text()
LIBRARY, _ = load_library([DATA / "injects"])

toml_scalars = st.one_of(
    st.booleans(), st.integers(-5, 20), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.dates(),
    st.sampled_from(["", "tracks.tension > 3", "flags.truce", "{{", "blue", "red", "doc-a", "threaten", "all"]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("abcdeiklmnoprstuwy_", min_size=1, max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(node, prefix=()):
    """Every (path, value) in a nested TOML document."""
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


def _check(tmp_path: Path, text: str) -> None:
    path = tmp_path / "minimal.toml"
    path.write_text(text)
    try:
        load_scenario(path, LIBRARY)
    except LoadError as exc:
        assert exc.problems, "a LoadError names at least one problem"
        for problem in exc.problems:
            assert str(problem).startswith(f"{path}: ")
            assert "\n" not in str(problem)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_structured_edits_never_crash(tmp_path, data):
    doc = tomllib.loads(TEXT)
    paths = [p for p, _ in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = data.draw(toml_values)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10))] = data.draw(toml_values)
    else:
        parent.append(data.draw(toml_values))
    _check(tmp_path, tomli_w.dumps(doc))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_text_edits_never_crash(tmp_path, data):
    lines = TEXT.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["delete", "duplicate", "insert", "truncate"]))
    if action == "delete":
        del lines[i]
    elif action == "duplicate":
        lines.insert(i, lines[i])
    elif action == "insert":
        lines.insert(i, data.draw(st.text(max_size=20)))
    else:
        lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
    _check(tmp_path, "\n".join(lines))
