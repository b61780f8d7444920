import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def fixture_tree(tmp_path: Path) -> Path:
    """A copy of the minimal scenario and its library: tmp/scenarios/minimal.toml, tmp/injects/."""
    shutil.copytree(DATA / "scenarios", tmp_path / "scenarios")
    shutil.copytree(DATA / "injects", tmp_path / "injects")
    return tmp_path
