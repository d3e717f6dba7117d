"""Shared fixtures: the specls binary and a scratch copy of the example
feature folder for tests that edit files on disk."""

import os
import pathlib
import shutil

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def specls_binary() -> str:
    binary = os.environ.get("SPECLS_BIN") or str(REPO / "target" / "debug" / "specls")
    if not pathlib.Path(binary).exists():
        pytest.exit(f"specls binary not found at {binary}: run `cargo build -p specls` or set SPECLS_BIN")
    return binary


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    """A repository root holding a copy of examples/specs/001-team-invites."""
    shutil.copytree(REPO / "examples" / "specs", tmp_path / "specs")
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory):
    """The servers these tests start keep their reports cache in a folder of
    the test session, never in the user's own cache folder."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous
