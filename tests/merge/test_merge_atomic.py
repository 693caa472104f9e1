"""A merge's two files are one import: a kill at any moment leaves the old import, the new one or
none, never data without its links or links beside other data (#21.6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from labgraph.config import Settings
from labgraph.graph import sources
from labgraph.graph.build import run_build
from labgraph.merge.importer import merge

from ..conftest import BASE
from .test_merge import inputs  # noqa: F401 - the fixture

SLUG = "annuaire-test"
GRAPHS = {BASE + f"graph/{SLUG}", BASE + f"graph/{SLUG}-links"}


def env_of(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "LABGRAPH_PROJECT_DIR": str(settings.project_dir),
        "LABGRAPH_BUILD_DIR": str(settings.build_dir),
    }


def import_graphs(settings: Settings) -> dict[str, Path]:
    """The import's graphs the build would read, with their files (every file parsed whole)."""
    dataset = sources.load(settings)
    files = {iri: paths[0] for iri, paths in dataset.files_by_graph().items()}
    return {iri: path for iri, path in files.items() if iri in GRAPHS}


def test_the_import_is_one_directory_whose_graphs_keep_their_names(
    project_settings: Settings,
    inputs: tuple[Path, Path],  # noqa: F811
) -> None:
    report = merge(project_settings, inputs[0], mapping_file=inputs[1])
    imports = project_settings.data_dir / "imports"
    assert [p.parent for p in report.written] == [imports / SLUG] * 2
    assert set(import_graphs(project_settings)) == GRAPHS


def test_an_import_of_the_former_layout_is_read_and_replaced_by_a_new_merge(
    project_settings: Settings,
    inputs: tuple[Path, Path],  # noqa: F811
) -> None:
    """Imports written as two files side by side (before this layout) keep their graphs; merging
    the slug again moves them into the directory, and nothing is left of the old files."""
    report = merge(project_settings, inputs[0], mapping_file=inputs[1])
    imports = project_settings.data_dir / "imports"
    for path in report.written:  # the layout of earlier releases
        path.rename(imports / path.name)
    (imports / SLUG).rmdir()
    assert {p.name for p in import_graphs(project_settings).values()} == {f"{SLUG}.ttl", f"{SLUG}-links.ttl"}
    assert all(p.parent == imports for p in import_graphs(project_settings).values())
    merge(project_settings, inputs[0], mapping_file=inputs[1])
    assert sorted(p.name for p in imports.iterdir()) == [SLUG]
    assert all(p.parent == imports / SLUG for p in import_graphs(project_settings).values())
    assert run_build(project_settings).report.conforms  # type: ignore[union-attr]


#: A merge killed (SIGKILL, by itself) right after one of the renames that put the import in
#: place: the exact moment a non-atomic write would leave half an import.
KILL_AFTER_RENAME = """
import os, signal, sys
from pathlib import Path
from labgraph.config import Settings
from labgraph.merge import importer

renames = 0
real_rename = os.rename

def rename(source, target):
    global renames
    real_rename(source, target)
    renames += 1
    if renames == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)

importer.os.rename = rename
importer.merge(Settings.load(), Path(sys.argv[1]), mapping_file=Path(sys.argv[2]))
"""


@pytest.mark.parametrize("after", [1, 2], ids=["old-import-moved-away", "new-import-moved-in"])
def test_a_kill_between_the_renames_leaves_a_whole_import_or_none_and_the_next_merge_mends_it(
    project_settings: Settings,
    inputs: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
    after: int,
) -> None:
    merge(project_settings, inputs[0], mapping_file=inputs[1])
    first = {iri: path.read_bytes() for iri, path in import_graphs(project_settings).items()}
    changed = tmp_path / "changed.csv"
    changed.write_text(inputs[0].read_text("utf-8").replace("La Fruitiere", "La Fruitière"), "utf-8")
    script = tmp_path / "kill.py"
    script.write_text(textwrap.dedent(KILL_AFTER_RENAME), "utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(changed), str(inputs[1]), str(after)],
        env=env_of(project_settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    found = import_graphs(project_settings)
    assert set(found) in (set(), GRAPHS)  # never one graph of the import without the other
    if after == 2:  # the new import is in place, whole
        assert "La Fruitière" in found[BASE + f"graph/{SLUG}"].read_text("utf-8")
    else:  # the old import is out of the way, the new one not yet in: the build has neither
        assert found == {}
        assert run_build(project_settings).report.conforms  # type: ignore[union-attr]
    merge(project_settings, inputs[0], mapping_file=inputs[1])  # the next merge mends and replaces
    imports = project_settings.data_dir / "imports"
    assert sorted(p.name for p in imports.iterdir()) == [SLUG]  # nothing hidden left behind
    again = {iri: path.read_bytes() for iri, path in import_graphs(project_settings).items()}
    assert set(again) == set(first) == GRAPHS


def test_a_killed_merge_never_publishes_half_an_import(
    project_settings: Settings,
    inputs: tuple[Path, Path],  # noqa: F811
) -> None:
    """The real command killed at several moments: each time the build that follows conforms
    and has the import whole or not at all."""
    for delay in (0.5, 1.5, 2.5):
        process = subprocess.Popen(
            [sys.executable, "-m", "labgraph", "merge", str(inputs[0]), "--mapping", str(inputs[1])],
            env=env_of(project_settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert set(import_graphs(project_settings)) in (set(), GRAPHS)
    assert run_build(project_settings).report.conforms  # type: ignore[union-attr]
