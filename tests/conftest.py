import asyncio
import functools
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


def run_async(test):
    """Run an ``async def`` test in its own event loop (no pytest plugin needed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper
