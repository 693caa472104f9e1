"""Release numbers and the history of changes, written by each build.

Every build is release number N: one more than the highest number known, whether it is read
from the history file beside the releases or from a release still on disk (a build killed
between publishing its release and writing the history leaves the number in its manifest).
The history file survives pruning, so a number is never reused even when every old release
directory is gone. A build that fails before its release is renamed into place writes nothing
here, so it consumes no number.

The build compares the new release with the one served so far (:mod:`labgraph.graph.diff`) and
stores the result in the release's ``changes/`` directory, so the server only reads files:
RDF Patch, N-Quads and N-Triples of what was added and removed, the statements grouped by
resource, a summary, and the history as of this release (which resources exist and when each
last changed, which IRIs disappeared and in which release, which are replaced by another).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from labgraph.config import Settings
from labgraph.graph import diff
from labgraph.release import CHANGES, GROUPED, HISTORY, SUMMARY, Release, read_history
from labgraph.release import current as current_in
from labgraph.uris import ENTAILMENT_GRAPH, SIMILARITY_GRAPH

#: Resources named in a release's entry as "changed most" (the Atom feed shows them).
TOP_CHANGED = 10


def next_number(releases: Path) -> int:
    """The number the next release gets."""
    known = [int(entry["number"]) for entry in read_history(releases / HISTORY)["releases"]]
    for path in releases.iterdir() if releases.is_dir() else ():
        if path.is_dir() and not path.name.startswith("."):
            try:
                number = Release(path).number
            except Exception:  # noqa: BLE001 - a broken release directory holds no number
                continue
            if number is not None:
                known.append(number)
    return max(known, default=0) + 1


def record(
    settings: Settings, staging: Path, number: int, build_id: str, created: str, manifest_files: dict[str, Any],
    triples: int, quads: int,
) -> dict[str, Any]:
    """Compare the release written in ``staging`` with the current one, write ``changes/`` in
    it, and return the history as it becomes with this release (written by :func:`commit`)."""
    releases = staging.parent
    history = read_history(releases / HISTORY)
    previous_path = current_in(settings.build_dir)
    previous_dump = previous_path / "labgraph.nq" if previous_path is not None else None
    previous_number = None
    if previous_path is not None:
        try:
            previous_number = Release(previous_path).number
        except Exception:  # noqa: BLE001 - an unreadable previous release is compared as absent
            previous_dump = None
    if previous_dump is not None and not previous_dump.is_file():
        previous_dump = None
    skip = [settings.base_uri + "graph/" + name for name in (ENTAILMENT_GRAPH, SIMILARITY_GRAPH)]
    old = diff.read(previous_dump, skip)
    new = diff.read(staging / "labgraph.nq", skip)
    change = diff.compare(old, new) if previous_dump is not None else diff.Diff({}, {})
    changed = change.changed()
    added, removed = change.counts

    # Which IRIs exist, and when each last changed. Without a previous release to compare with,
    # every IRI counts as changed by this one.
    subjects = new.subjects()
    before: dict[str, int] = history["last_changed"]
    last_changed = {
        iri: number if previous_dump is None or iri in changed or iri not in before else before[iri]
        for iri in sorted(subjects)
    }
    gone: dict[str, Any] = {iri: info for iri, info in history["gone"].items() if iri not in subjects}
    for iri in sorted(set(before) - subjects):
        gone[iri] = {"gone_in": number, "last_in": number - 1 if previous_number is None else previous_number}
    changed_in: dict[str, list[int]] = {iri: list(ns) for iri, ns in history.get("changed_in", {}).items()}
    for iri in sorted(subjects if previous_dump is None else {g for g in changed if not g.startswith("_:")}):
        changed_in.setdefault(iri, [])
        if number not in changed_in[iri]:
            changed_in[iri].append(number)
    id_space = settings.base_uri + "id/"
    gone = {iri: info for iri, info in sorted(gone.items()) if iri.startswith(id_space)}
    entry = {
        "number": number,
        "build_id": build_id,
        "created": created,
        "triples": triples,
        "quads": quads,
        "sha256_nq": manifest_files["labgraph.nq"]["sha256"],
        "previous": previous_number,
        "compared": previous_dump is not None,
        "added": added,
        "removed": removed,
        "changed": [[iri, n] for iri, n in changed.most_common(TOP_CHANGED)],
        "gone": sorted(iri for iri, info in gone.items() if info["gone_in"] == number),
    }
    releases_list = [e for e in history["releases"] if int(e["number"]) != number] + [entry]
    new_history = {
        "releases": releases_list, "last_changed": last_changed, "gone": gone, "replaced": new.replaced,
        "changed_in": changed_in,
    }

    folder = staging / CHANGES
    folder.mkdir()
    (folder / "patch.rdfp").write_text(diff.rdf_patch(change, number, previous_number), encoding="utf-8")
    for side, groups in (("added", change.added), ("removed", change.removed)):
        every = [q for quads in groups.values() for q in quads]
        (folder / f"{side}.nq").write_text("".join(diff.nquad(q) + "\n" for q in every), encoding="utf-8")
        (folder / f"{side}.nt").write_text(
            "".join(sorted({diff.ntriple(q) + "\n" for q in every})), encoding="utf-8"
        )
    grouped = {
        group: {
            "added": [diff.nquad(q) for q in change.added.get(group, [])],
            "removed": [diff.nquad(q) for q in change.removed.get(group, [])],
        }
        for group in sorted(set(change.added) | set(change.removed))
    }
    _write_json(folder / GROUPED, grouped)
    summary = {**entry, "resources": {group: [len(v["added"]), len(v["removed"])] for group, v in grouped.items()}}
    _write_json(folder / SUMMARY, summary)
    _write_json(folder / HISTORY, new_history)
    return new_history


def commit(releases: Path, history: dict[str, Any]) -> None:
    """Write the history beside the releases atomically (a reader sees the old or the new one)."""
    temporary = releases / f".{HISTORY}-{os.getpid()}"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(history, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, releases / HISTORY)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
