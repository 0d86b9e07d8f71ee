"""How the suite runs on two workers (tests/conftest.py): tests that share a fixture run on
the worker that made it, once; a long test is never silent."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A fictional suite: a session fixture that records each time it is made, tests that use
# it, tests that do not, and one slow test.
SUITE = """
import os
import time

import pytest


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory):
    made = os.environ["MADE"]
    with open(made, "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    return os.getpid()


@pytest.mark.parametrize("i", range(6))
def test_uses_the_build(shared_build, i):
    assert shared_build == os.getpid()


@pytest.mark.parametrize("i", range(6))
def test_alone(i):
    time.sleep(0.1)


def test_slow():
    time.sleep(4)
"""


def test_shared_fixtures_are_made_once_and_long_tests_are_announced(tmp_path):
    suite = tmp_path / "suite"
    (suite / "tests").mkdir(parents=True)
    shutil.copy(HERE / "conftest.py", suite / "tests" / "conftest.py")
    (suite / "tests" / "test_fictional.py").write_text(SUITE, encoding="utf-8")
    (suite / "pyproject.toml").write_text(
        (HERE.parent / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    made = tmp_path / "made.txt"
    env = {**os.environ, "MADE": str(made), "SHANXI_TEST_HEARTBEAT": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", "tests"],
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "13 passed" in run.stdout
    assert len(made.read_text().split()) == 1, run.stdout  # one build, on one worker
    beats = [line for line in run.stdout.splitlines() if "tests done; running:" in line]
    assert any("test_fictional.py::test_slow" in line for line in beats), run.stdout
