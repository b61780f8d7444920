"""The core imports no shell library and touches no file: a rule of the house (DESIGN.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "exercise"
ANALYSIS = [
    "analysis", "analysis.audience", "analysis.compose", "analysis.conditions", "analysis.measures", "analysis.names",
    "analysis.evaluation", "analysis.notes", "analysis.proposals", "analysis.results", "analysis.schedule", "analysis.teams",
    "analysis.tracks", "analysis.walk",
]
CORE = ["model", "events", "commands", "state", "packed", "engine", "adjudication", *ANALYSIS, "visibility", "text",
        "bots", "evaluation"]
FORBIDDEN = {"textual", "rich", "sqlite3", "jinja2", "tomllib", "tomli_w", "io", "os", "pathlib", "shutil", "subprocess"}
FORBIDDEN_CALLS = {"open"}


def _path(module: str) -> Path:
    """exercise/analysis/__init__.py for "analysis", exercise/analysis/walk.py for "analysis.walk"."""
    base = PACKAGE.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _core_files():
    return [(name, _path(name)) for name in CORE if _path(name).exists()]


def _imported(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The core modules a relative import names, as dotted names under exercise."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    base = here[: len(here) - (node.level - 1)]
    if node.module:
        return [".".join(base + node.module.split("."))]
    return [".".join(base + [alias.name]) for alias in node.names]


def test_every_analysis_module_is_named_in_the_core_list():
    on_disk = {f"analysis.{p.stem}" if p.stem != "__init__" else "analysis" for p in (PACKAGE / "analysis").glob("*.py")}
    assert on_disk == set(ANALYSIS)


@pytest.mark.parametrize(("module", "path"), [pytest.param(m, p, id=m) for m, p in _core_files()])
def test_core_module_imports_nothing_from_the_shells(module, path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: only other core modules
                for imported in _imported(module, path.name == "__init__.py", node):
                    assert imported in CORE, f"{path.name} imports {imported}"
                continue
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {node.func.id}()"
            continue
        else:
            continue
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name}:{node.lineno} imports {name}"


def test_importing_the_core_loads_no_shell_library():
    code = (
        "import sys\n"
        + "".join(f"import exercise.{m}\n" for m, _ in _core_files())
        + "bad = sorted(m for m in ('textual', 'rich', 'sqlite3', 'jinja2') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_help_does_not_import_textual_or_jinja():
    code = (
        "import sys\nfrom exercise.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(','.join(m for m in ('textual', 'jinja2', 'cattrs') if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "usage: exercise" in result.stdout
    assert result.stderr.strip() == ""
