"""``labgraph merge``: bring another dataset into the graph, safely.

The dataset goes into a named graph of its own (``data/imports/{slug}/{slug}.ttl``) with its
provenance, and the reconciliation with labgraph into another (``{slug}-links.ttl`` beside it).
Before anything is written, the whole project with both files is loaded, checked and validated
with SHACL in a staging copy; if that fails, or with ``--dry-run``, the project is left as it was.

The two files are one import and are published together or not at all: they are written into a
hidden directory beside their place (``data/imports/.{slug}.staged-{pid}``, which the build does
not read), flushed, and the directory is renamed into place; an earlier import of the same slug
is renamed out of the way first and removed after. A kill at any moment leaves the old import,
the new one, or (between the two renames) none, never one file without the other; the next
merge of the slug puts back an import left out of the way. Imports written before this layout
(``data/imports/{slug}.ttl`` beside ``{slug}-links.ttl``) are still read, and a new merge of the
slug replaces them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from labgraph.config import Settings
from labgraph.engine import to_bytes
from labgraph.errors import LabgraphError, ShapeViolations
from labgraph.graph import consistency, sources
from labgraph.graph.build import is_alive
from labgraph.graph.validation import validate_dataset
from labgraph.merge import reconcile
from labgraph.merge.mapping import Malformed, Mapping, load_mapping, records, triples_of
from labgraph.uris import graph_iri
from labgraph.vocab import vocabulary

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass
class MergeReport:
    slug: str
    graph: str
    imported_triples: int = 0
    imported_entities: int = 0
    new_entities: int = 0
    same_uri: list[str] = field(default_factory=list)
    matches: list[reconcile.Match] = field(default_factory=list)
    conflicts: list[reconcile.ValueConflict] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def by_identifier(self) -> list[reconcile.Match]:
        return [m for m in self.matches if m.by_identifier]

    @property
    def by_name(self) -> list[reconcile.Match]:
        return [m for m in self.matches if not m.by_identifier]


Progress = Callable[[int], None]


def merge(
    settings: Settings,
    source: Path,
    *,
    slug: str | None = None,
    mapping_file: Path | None = None,
    licence: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
) -> MergeReport:
    base = settings.base_uri
    mapping = load_mapping(mapping_file, base) if mapping_file else None
    slug = slug or (mapping.slug if mapping else None)
    if not slug:
        raise LabgraphError("name the graph to merge into with --graph")
    if not reconcile_slug_ok(slug):
        raise LabgraphError(f"--graph {slug!r}: use lower-case words joined by hyphens")
    imports = settings.data_dir / "imports"
    _recover(imports, slug)
    own = set(_import_files(imports, slug))  # a new merge may replace them
    taken = {s.graph_name for s in sources.discover(settings) if s.path not in own}
    if slug in taken or f"{slug}-links" in taken:
        raise LabgraphError(f"graph {slug!r} already belongs to another source file")
    report = MergeReport(slug, graph_iri(base, slug))
    dataset_iri = f"{base}id/dataset/{slug}"
    current = sources.load(settings)
    # A new merge of the same dataset replaces its earlier import: what that import stated is
    # neither known already nor anything to reconcile with (its subjects would lose their source).
    for name in (slug, f"{slug}-links"):
        current.store.remove_graph(ox.NamedNode(current.graph_iri(name)))
    known = {q.subject.value for q in current.store if isinstance(q.subject, ox.NamedNode)}
    theirs_builder = reconcile.ProfileBuilder(vocab=settings.vocab)
    subjects: set[str] = set()

    def observed(stream: Iterator[ox.Triple]) -> Iterator[ox.Triple]:
        for triple in stream:
            report.imported_triples += 1
            if isinstance(triple.subject, ox.NamedNode):
                subjects.add(triple.subject.value)
            theirs_builder.add(triple)
            yield triple

    with tempfile.TemporaryDirectory(prefix="labgraph-merge-") as work:
        body = Path(work) / "body.nt"
        ox.serialize(observed(_read(source, mapping, report, progress)), str(body), ox.RdfFormat.N_TRIPLES)
        if strict and report.malformed:
            first = report.malformed[0]
            raise LabgraphError(f"{source}:{first.line}: {first.reason} ({len(report.malformed)} malformed record(s))")
        if not report.imported_triples:
            raise LabgraphError(f"{source}: nothing to import")
        report.imported_entities = len(subjects)
        report.same_uri = sorted(s for s in subjects if s in known)
        ours = reconcile.profiles(current.store, vocab=settings.vocab)
        theirs = theirs_builder.profiles()
        report.matches = reconcile.reconcile(ours, theirs)
        report.conflicts = reconcile.conflicts(report.matches, ours, theirs, settings.vocab)
        matched = {m.theirs for m in report.matches} | set(report.same_uri)
        report.new_entities = sum(1 for s in subjects if s not in matched)

        retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        title = mapping.title if mapping else {"fr": f"Jeu importé {slug}", "en": f"Imported dataset {slug}"}
        described = _describe_dataset(
            dataset_iri,
            report.graph,
            title,
            str(mapping.source if mapping else source.name),
            licence or (mapping.licence if mapping else None),
            retrieved,
        )
        provenance = [
            ox.Triple(ox.NamedNode(s), ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(dataset_iri))
            for s in sorted(subjects)
            if s not in known
        ]
        data_file = Path(work) / f"{slug}.ttl"
        with data_file.open("wb") as out:
            out.write(b"# Imported by labgraph merge; regenerate rather than edit.\n")
            out.write(to_bytes(described, ox.RdfFormat.N_TRIPLES))
            with body.open("rb") as streamed:
                shutil.copyfileobj(streamed, out)
            out.write(to_bytes(provenance, ox.RdfFormat.N_TRIPLES))
        body.unlink()
        links_file = Path(work) / f"{slug}-links.ttl"
        links_file.write_bytes(
            b"# Written by labgraph merge; regenerate rather than edit.\n"
            + to_bytes(_links(report, dataset_iri, base), ox.RdfFormat.N_TRIPLES)
        )
        _validate_staged(settings, slug, [data_file, links_file])
        if dry_run:
            return report
        report.written = _install(imports, slug, [data_file, links_file])
    return report


def _import_files(imports: Path, slug: str) -> list[Path]:
    """The files of the slug's import, in either layout (a directory, or two files before it)."""
    return [
        *(imports / slug / f"{slug}{end}" for end in (".ttl", "-links.ttl")),
        *(imports / f"{slug}{end}" for end in (".ttl", "-links.ttl")),
    ]


def _install(imports: Path, slug: str, files: list[Path]) -> list[Path]:
    """Put the import's files in place in one rename (see the module's docstring); the staged
    and replaced directories go on every exit, KeyboardInterrupt included. The files get the
    mode any new file would (a shared checkout must stay readable)."""
    imports.mkdir(parents=True, exist_ok=True)
    target = imports / slug
    staged = imports / f".{slug}.staged-{os.getpid()}"
    replaced = imports / f".{slug}.replaced-{os.getpid()}"
    mode = 0o666 & ~_umask()
    written = [target / f.name for f in files]
    try:
        staged.mkdir(mode=0o777 & ~_umask())
        for file in files:
            with (staged / file.name).open("wb") as out, file.open("rb") as data:
                shutil.copyfileobj(data, out)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(staged / file.name, mode)
        _fsync_dir(staged)
        if target.exists():
            os.rename(target, replaced)
        os.rename(staged, target)
        _fsync_dir(imports)
        # An import of the former layout is shadowed by the directory from now on (the build
        # reads the directory's files for those graphs), and goes.
        for old in _import_files(imports, slug)[2:]:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    finally:
        shutil.rmtree(staged, ignore_errors=True)
        shutil.rmtree(replaced, ignore_errors=True)
    return written


def _recover(imports: Path, slug: str) -> None:
    """Undo what a merge killed mid-way left: an import renamed out of the way with nothing in
    its place goes back, and directories staged by processes that are gone are removed."""
    if not imports.is_dir():
        return
    for leftover in sorted(imports.glob(f".{slug}.*-*")):
        kind, _, pid = leftover.name.removeprefix(f".{slug}.").partition("-")
        if not pid.isdigit() or is_alive(int(pid)) or kind not in ("staged", "replaced"):
            continue
        if kind == "replaced" and not (imports / slug).exists():
            os.rename(leftover, imports / slug)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def reconcile_slug_ok(slug: str) -> bool:
    from labgraph.merge.mapping import SLUG

    return bool(SLUG.match(slug))


def _read(source: Path, mapping: Mapping | None, report: MergeReport, progress: Progress | None) -> Iterator[ox.Triple]:
    if not source.is_file():
        raise LabgraphError(f"{source}: file not found")
    if mapping is not None:
        for line, record in records(source, mapping):
            result = triples_of(record, mapping)
            if isinstance(result, Malformed):
                report.malformed.append(Malformed(line, result.reason))
            else:
                yield from result
            if progress:
                progress(1)
        return
    fmt = RDF_SUFFIXES.get(source.suffix.lower())
    if fmt is None:
        raise LabgraphError(
            f"{source}: give --mapping for CSV or JSON; RDF files must end with {', '.join(sorted(RDF_SUFFIXES))}"
        )
    if fmt == ox.RdfFormat.RDF_XML and b"<!ENTITY" in source.read_bytes()[:1_000_000]:
        raise LabgraphError(f"{source}: RDF/XML with entity declarations is refused (entity expansion attacks)")
    try:
        for quad in ox.parse(path=str(source), format=fmt, rename_blank_nodes=True):
            yield ox.Triple(quad.subject, quad.predicate, quad.object)
            if progress:
                progress(1)
    except SyntaxError as exc:
        raise LabgraphError(f"{source}:{exc.lineno or '?'}:{exc.offset or '?'}: {exc.msg}") from exc


def _describe_dataset(
    iri: str, graph: str, title: dict[str, str], source: str, licence: str | None, retrieved: str
) -> list[ox.Triple]:
    node = ox.NamedNode(iri)
    out = [
        ox.Triple(
            node,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/ns/dcat#Dataset"),
        )
    ]
    for lang, text in title.items():
        out.append(ox.Triple(node, ox.NamedNode(RDFS + "label"), ox.Literal(text, language=lang)))
    out.append(
        ox.Triple(node, ox.NamedNode(DCT + "source"), ox.NamedNode(source) if "://" in source else ox.Literal(source))
    )
    if licence:
        out.append(ox.Triple(node, ox.NamedNode(DCT + "license"), ox.NamedNode(licence)))
    out.append(
        ox.Triple(
            node,
            ox.NamedNode(PROV + "generatedAtTime"),
            ox.Literal(retrieved, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")),
        )
    )
    out.append(ox.Triple(ox.NamedNode(graph), ox.NamedNode(PROV + "wasDerivedFrom"), node))
    return out


def _links(report: MergeReport, dataset_iri: str, base: str) -> list[ox.Triple]:
    vocab = vocabulary(base)
    out = []
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    for index, match in enumerate(report.matches, start=1):
        ours, theirs = ox.NamedNode(match.ours), ox.NamedNode(match.theirs)
        link = (
            "http://www.w3.org/2002/07/owl#sameAs"
            if match.by_identifier
            else "http://www.w3.org/2004/02/skos/core#closeMatch"
        )
        out.append(ox.Triple(ours, ox.NamedNode(link), theirs))
        node = ox.NamedNode(vocab.thing("reconciliation", f"{report.slug}-{index}"))
        out += [
            ox.Triple(
                node,
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(vocab.term("Reconciliation")),
            ),
            ox.Triple(node, ox.NamedNode(vocab.term("reconciles")), ours),
            ox.Triple(node, ox.NamedNode(vocab.term("reconciles")), theirs),
            ox.Triple(node, ox.NamedNode(vocab.term("basis")), ox.Literal(match.basis)),
            ox.Triple(
                node, ox.NamedNode(vocab.term("confidence")), ox.Literal(f"{match.confidence:.2f}", datatype=decimal)
            ),
            ox.Triple(node, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(dataset_iri)),
        ]
    graph = ox.NamedNode(graph_iri(base, f"{report.slug}-links"))
    out.append(ox.Triple(graph, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(dataset_iri)))
    return out


def _validate_staged(settings: Settings, slug: str, files: list[Path]) -> None:
    """Load, check and validate the project as it would be with the new files (in place of an
    earlier import of the slug, in either layout), in a copy."""
    with tempfile.TemporaryDirectory(prefix="labgraph-merge-") as staging:
        root = Path(staging)
        shutil.copytree(settings.ontology_dir, root / "ontology")
        shutil.copytree(settings.data_dir, root / "data")
        imports = root / "data" / "imports"
        for old in _import_files(imports, slug):
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
        (imports / slug).mkdir(parents=True, exist_ok=True)
        for path in files:
            shutil.copyfile(path, imports / slug / path.name)
        staged = settings.replace(project_dir=root)
        dataset = sources.load(staged)
        consistency.check(dataset)
        report = validate_dataset(dataset, staged)
        if not report.conforms:
            raise ShapeViolations(report)
