"""Every shipped Turtle file passes independent syntax checkers: rapper (Raptor) and serdi (Serd).

rapper is required in CI (Debian package raptor2-utils); without it the tests are skipped,
unless SIEGE626_REQUIRE_TOOLS=1, in which case they fail. serdi is checked when present.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_TURTLE = sorted([*ROOT.glob("ontology/*.ttl"), *ROOT.glob("data/*.ttl")])

# Line 4 has a statement without its closing " ."; the parser stops at line 5.
BROKEN_TURTLE = """@prefix sg: <https://w3id.org/siege626/ontology#> .
@prefix id: <https://w3id.org/siege626/id/> .

id:avars a sg:People
id:romans a sg:People .
"""


def tool(name: str, package: str) -> str:
    """The path of a command-line tool, or skip (fail under SIEGE626_REQUIRE_TOOLS=1)."""
    found = shutil.which(name)
    if found is None:
        message = f"`{name}` is not installed (Debian package {package})"
        if os.environ.get("SIEGE626_REQUIRE_TOOLS") == "1":
            pytest.fail(message + "; SIEGE626_REQUIRE_TOOLS=1 requires it")
        pytest.skip(message)
    return found


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_there_are_turtle_files_to_check() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in SHIPPED_TURTLE}
    assert {"ontology/siege626.ttl", "data/siege626.ttl"} <= names


@pytest.mark.parametrize("path", SHIPPED_TURTLE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_rapper_accepts_shipped_turtle(path: Path) -> None:
    rapper = tool("rapper", "raptor2-utils")
    result = run([rapper, "-i", "turtle", "-c", str(path)])
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", SHIPPED_TURTLE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_serdi_accepts_shipped_turtle(path: Path) -> None:
    serdi = shutil.which("serdi")
    if serdi is None:
        pytest.skip("`serdi` is not installed (Debian package serdi); it is an optional check")
    result = run([serdi, "-i", "turtle", "-o", "ntriples", str(path)])
    assert result.returncode == 0, result.stderr


def test_rapper_rejects_broken_turtle_with_file_and_line(tmp_path: Path) -> None:
    rapper = tool("rapper", "raptor2-utils")
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN_TURTLE, encoding="utf-8")
    result = run([rapper, "-i", "turtle", "-c", str(broken)])
    assert result.returncode != 0
    assert re.search(rf"{re.escape(str(broken))}:[45]\b", result.stderr), result.stderr


def test_serdi_rejects_broken_turtle_with_file_and_line(tmp_path: Path) -> None:
    serdi = shutil.which("serdi")
    if serdi is None:
        pytest.skip("`serdi` is not installed (Debian package serdi); it is an optional check")
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN_TURTLE, encoding="utf-8")
    result = run([serdi, "-i", "turtle", "-o", "ntriples", str(broken)])
    assert result.returncode != 0
    assert re.search(rf"{re.escape(str(broken))}:[45]:\d+", result.stderr), result.stderr
