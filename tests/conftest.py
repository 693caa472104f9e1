"""Shared fixtures: the real project built once per session, and throw-away copies of the
project for tests that break things on purpose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from labgraph.build import BuildResult, run_build
from labgraph.config import Settings
from labgraph.sources import SourceDataset, load

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("LABGRAPH_SEEDS", ROOT.parent / "shared" / "seeds"))


def make_settings(project_dir: Path, build_dir: Path, **changes: object) -> Settings:
    return Settings.load({"project_dir": project_dir, "build_dir": build_dir, **changes}, environ={})


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(ROOT, tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built(real_settings: Settings) -> BuildResult:
    """One validated build of the repository's real sources."""
    return run_build(real_settings)


@pytest.fixture(scope="session")
def dataset(real_settings: Settings) -> SourceDataset:
    return load(real_settings)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of ontology/ and data/ that a test may damage."""
    target = tmp_path / "project"
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, target / part)
    return target


@pytest.fixture
def project_settings(project: Path, tmp_path: Path) -> Settings:
    return make_settings(project, tmp_path / "build")
