"""Shared fixtures: the small graph and catalogue under tests/fixtures/cli, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from kg.catalogue import Catalogue
from kg.loading import load_files

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "cli"


@pytest.fixture
def mini_graph() -> Graph:
    """The handful of people and places in tests/fixtures/cli/graph.ttl."""
    return load_files([FIXTURES / "graph.ttl"])


@pytest.fixture
def mini_queries_dir() -> Path:
    """The fixture catalogue, tests/fixtures/cli/queries."""
    return FIXTURES / "queries"


@pytest.fixture
def mini_catalogue(mini_queries_dir: Path) -> Catalogue:
    return Catalogue(mini_queries_dir)


@pytest.fixture
def run_kg(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m kg ARGS`` in a fresh interpreter from an unrelated directory."""

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        return subprocess.run(
            [sys.executable, "-m", "kg", *map(str, args)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run
