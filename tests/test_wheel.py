"""A built wheel carries ontology/, data/ and queries/ and finds them via importlib.resources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROBE = """\
# Question: Is the wheel carrying its queries?
# Columns: boolean
ASK { ?s ?p ?o }
"""


def copy_project(target: Path) -> None:
    """The files a wheel is built from; a part not written yet is an empty folder."""
    target.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", target)
    shutil.copytree(REPO_ROOT / "kg", target / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("ontology", "data", "queries"):
        if (REPO_ROOT / part).is_dir():
            shutil.copytree(REPO_ROOT / part, target / part)
        else:
            (target / part).mkdir()
    (target / "queries" / "wheel-probe.rq").write_text(PROBE, encoding="utf-8")


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_installed_wheel_lists_its_queries_from_anywhere(tmp_path: Path) -> None:
    source, dist, site, elsewhere = (tmp_path / name for name in ("src", "dist", "site", "cwd"))
    copy_project(source)
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)], tmp_path
    )
    (wheel,) = dist.glob("siege626-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kg/py.typed" in names
    assert "kg/_resources/queries/wheel-probe.rq" in names

    run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}
    located = run(
        [sys.executable, "-c", "import kg.resources as r; print(r.resource_root())"],
        elsewhere,
        env,
    )
    assert Path(located.strip()) == site / "kg" / "_resources"

    listing = run([sys.executable, "-m", "kg", "query", "--list"], elsewhere, env)
    expected = sorted(path.stem for path in (source / "queries").glob("*.rq"))
    listed = [line.split()[0] for line in listing.splitlines() if not line.startswith(" ")]
    assert listed == expected
