"""The core imports no shell library and touches no file: a rule of the house (DESIGN.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "exercise"
CORE = ["model", "events", "commands", "state", "engine", "analysis", "visibility", "text"]
FORBIDDEN = {"textual", "rich", "sqlite3", "jinja2", "tomllib", "tomli_w", "io", "os", "pathlib", "shutil", "subprocess"}
FORBIDDEN_CALLS = {"open"}


def _core_files():
    return [PACKAGE / f"{name}.py" for name in CORE if (PACKAGE / f"{name}.py").exists()]


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: p.name)
def test_core_module_imports_nothing_from_the_shells(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: only other core modules
                modules = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
                for module in modules:
                    assert module in CORE, f"{path.name} imports .{module}"
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
        + "".join(f"import exercise.{m}\n" for m in CORE if (PACKAGE / f"{m}.py").exists())
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
