"""Where the bundled scenarios, injects and report templates are.

In a wheel they are packed under ``exercise/_data``; in a source checkout (or an editable
install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The bundled folder ``name`` (``scenarios``, ``injects`` or ``reports``)."""
    packed = _PACKAGE / "_data" / name
    return packed if packed.is_dir() else _PACKAGE.parent / name


def bundled_scenarios() -> list[Path]:
    """The bundled scenario files, sorted by name."""
    return sorted(bundled_dir("scenarios").glob("*.toml"))


def find_scenario(name: str) -> Path | None:
    """A scenario by path, or by the id of a bundled scenario."""
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        return path
    candidate = bundled_dir("scenarios") / f"{name}.toml"
    return candidate if candidate.is_file() else None
