"""What a newcomer meets before any labgraph code runs: the README's requirements and the
Makefile's message when one of them is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")


def test_the_quick_start_names_node_and_npm() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    requirements = quick_start.split("From", 1)[0]
    for needed in ("Python 3.11", "make", "Node.js", "npm"):
        assert needed in requirements, needed


def test_ci_installs_npm_when_it_is_missing() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "command -v npm >/dev/null 2>&1 || missing+=(npm)" in script


@pytest.fixture
def copy_of_the_makefile(tmp_path: Path) -> Path:
    for name in ("Makefile", "package.json", "package-lock.json", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.mark.skipif(MAKE is None, reason="needs make")
def test_make_install_without_npm_says_what_is_missing(copy_of_the_makefile: Path, tmp_path: Path) -> None:
    """PATH without npm (an empty directory: make is called by its full path, recipes run
    /bin/sh): the install stops at once, before the virtualenv, with a sentence naming npm."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    done = subprocess.run(
        [MAKE, "install"],  # type: ignore[list-item]
        cwd=copy_of_the_makefile,
        env={**os.environ, "PATH": str(empty)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "npm not found" in done.stderr and "Node.js" in done.stderr, done.stderr
    assert "No such file or directory" not in done.stderr
    assert not (copy_of_the_makefile / ".venv").exists()  # nothing slow ran first


@pytest.mark.skipif(MAKE is None, reason="needs make")
def test_the_check_lets_an_installed_npm_through(copy_of_the_makefile: Path, tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    stub = tools / "npm"
    stub.write_text("#!/bin/sh\necho npm-stub \"$@\"\n/bin/mkdir -p node_modules\n")
    stub.chmod(0o755)
    (tools / "touch").symlink_to(shutil.which("touch"))  # type: ignore[arg-type]
    done = subprocess.run(
        [MAKE, "node_modules/.installed"],  # type: ignore[list-item]
        cwd=copy_of_the_makefile,
        env={**os.environ, "PATH": str(tools)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "npm-stub ci" in done.stdout
