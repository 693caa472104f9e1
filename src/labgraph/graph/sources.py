"""Find the source files of the graph and parse them into one in-memory dataset.

Only Turtle is accepted: RDF/XML can carry entity bombs and JSON-LD can name remote contexts,
and neither is needed to curate this graph. Parsing goes through Oxigraph, whose syntax errors
carry a line and column, and nothing is fetched from the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from labgraph import lexical
from labgraph.config import Settings
from labgraph.engine import solutions
from labgraph.errors import ParseError, SourceFileError
from labgraph.uris import AUTHORING_BASE, Rebaser, graph_iri

#: Files that may sit beside the data without being data.
IGNORED_SUFFIXES = {".md", ".txt"}


@dataclass(frozen=True)
class SourceFile:
    path: Path
    graph_name: str  # the last segment of the graph IRI, e.g. "lucas-openlabs"


@dataclass
class SourceDataset:
    """The parsed sources: one Oxigraph store plus which file filled which graph."""

    store: ox.Store
    base: str
    files: list[SourceFile] = field(default_factory=list)

    def graph_iri(self, name: str) -> str:
        return graph_iri(self.base, name)

    def files_by_graph(self) -> dict[str, list[Path]]:
        out: dict[str, list[Path]] = {}
        for source in self.files:
            out.setdefault(self.graph_iri(source.graph_name), []).append(source.path)
        return out

    def __len__(self) -> int:
        return len(self.store)


def discover(settings: Settings) -> list[SourceFile]:
    """List the source files and the graph each one goes to, refusing what we cannot read."""
    ontology, data = settings.ontology_dir, settings.data_dir
    for required in (ontology, data):
        if not required.is_dir():
            raise SourceFileError(f"{required}: directory not found (is project_dir right?)")
    found: list[SourceFile] = []
    for path in sorted(ontology.glob("*.ttl")):
        if path != settings.shapes_file:
            found.append(SourceFile(path, "ontology"))
    found += [SourceFile(p, "vocabularies") for p in sorted((ontology / "vocabularies").glob("*.ttl"))]
    owner: dict[str, Path] = {}
    imports = data / "imports"
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        # Hidden files and directories are work in progress (an editor's swap file, a merge's
        # staged import) and never part of the graph.
        if any(part.startswith(".") for part in path.relative_to(data).parts) or path.suffix in IGNORED_SUFFIXES:
            continue
        if path.parent == imports and (imports / path.stem.removesuffix("-links") / path.name).is_file():
            continue  # an import of the former layout, shadowed by the directory that replaces it
        if path.suffix != ".ttl":
            raise SourceFileError(f"{path}: only Turtle (.ttl) files are accepted under {data}; convert it first")
        name = path.stem
        if name in owner:
            raise SourceFileError(f"{path}: graph name {name!r} is already used by {owner[name]}")
        owner[name] = path
        found.append(SourceFile(path, name))
    return found


def parse_file(path: Path, rebase: Rebaser) -> Iterator[ox.Triple]:
    """Yield the file's triples under the configured base, or raise ParseError with the place."""
    raw = _read(path)
    mapper = _TermRebaser(rebase)
    yield from (ox.Triple(mapper(t.subject), mapper(t.predicate), mapper(t.object)) for t in _parsed(path, raw))


def load(settings: Settings) -> SourceDataset:
    """Parse every source file into its named graph of a fresh in-memory store.

    With the authoring base (the usual case) Oxigraph parses and stores each file itself, with no
    Python work per statement: this is the build's parse-and-load, and it runs at Oxigraph's
    speed. Under another base every IRI must be rewritten, which only Python can do here; that
    path streams the parsed quads through a per-IRI cache straight into the store.
    """
    rebase = Rebaser(settings.base_uri)
    mapper = _TermRebaser(rebase)
    dataset = SourceDataset(ox.Store(), settings.base_uri)
    for source in discover(settings):
        graph = ox.NamedNode(dataset.graph_iri(source.graph_name))
        raw = _read(source.path)
        if rebase.active:
            dataset.store.extend(
                ox.Quad(mapper(t.subject), mapper(t.predicate), mapper(t.object), graph)
                for t in _parsed(source.path, raw)
            )
        else:
            try:
                dataset.store.load(raw, ox.RdfFormat.TURTLE, to_graph=graph)
            except SyntaxError as exc:
                raise _parse_error(source.path, exc) from exc
        dataset.files.append(source)
    _refuse_ill_typed(dataset)
    return dataset


#: The first literal of each graph whose lexical form its datatype does not accept, found by
#: Oxigraph in one pass (the patterns of :mod:`labgraph.lexical` run as SPARQL regexes).
_ILL_TYPED = """
SELECT DISTINCT ?g ?o WHERE {
  VALUES (?datatype ?pattern) { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(isLiteral(?o) && DATATYPE(?o) = ?datatype && !REGEX(STR(?o), ?pattern))
}
"""


def _refuse_ill_typed(dataset: SourceDataset) -> None:
    """Refuse a literal its datatype does not accept (``"notayear"^^xsd:gYear``), naming the
    file and the line that wrote it: neither parser checks these, and a date no filter can
    compare would silently drop out of every query over dates."""
    values = " ".join(f'(<{dt}> "^{_escaped(pattern)}$")' for dt, pattern in lexical.PATTERNS.items())
    found = [(row["g"].value, row["o"]) for row in solutions(dataset.store, _ILL_TYPED % values)]
    if not found:
        return
    files = dataset.files_by_graph()
    graph, literal = min(found, key=lambda hit: (hit[0], hit[1].value))
    path = files.get(graph, [Path(graph)])[0]
    line = _line_of(path, f'"{literal.value}"')
    more = f" (and {len(found) - 1} more ill-typed literal(s))" if len(found) > 1 else ""
    detail = f'"{literal.value}" is not a valid {lexical.short(literal.datatype.value)}{more}'
    raise ParseError(path, line, None, detail)


def _escaped(pattern: str) -> str:
    """A regular expression as a SPARQL string literal (its backslashes doubled)."""
    return pattern.replace("\\", "\\\\").replace('"', '\\"')


def _line_of(path: Path, text: str) -> int | None:
    """The first line of the file holding ``text``: where a curator looks for the literal."""
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if text in line:
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def load_graph_file(path: Path, base: str) -> list[ox.Triple]:
    """Parse one standalone Turtle file (e.g. the shapes) under the configured base."""
    return list(parse_file(path, Rebaser(base)))


def _read(path: Path) -> bytes:
    """The file's bytes, refused with the line and column of the first byte that is not UTF-8.

    Oxigraph would also refuse it, but with a message about byte indexes; a curator saving a
    file from a spreadsheet in Latin-1 needs to be told the encoding is wrong.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read()
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(path, line, column, "file is not valid UTF-8") from exc
    except OSError as exc:
        raise SourceFileError(f"{path}: cannot read: {exc.strerror}") from exc
    return raw


def _parsed(path: Path, raw: bytes) -> Iterator[ox.Quad]:
    """Stream the file's statements (blank nodes renamed apart from other files' ones).

    Errors surface while iterating, so they are translated here, where the path is known, and
    reach the caller as a ParseError even through ``Store.extend``.
    """
    try:
        yield from ox.parse(raw, ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    except SyntaxError as exc:
        raise _parse_error(path, exc) from exc


def _parse_error(path: Path, exc: SyntaxError) -> ParseError:
    return ParseError(path, exc.lineno, exc.offset, _clean_message(str(exc.msg)))


#: A term of a parsed statement (RDF-star quoted triples are not Turtle 1.1).
_Term = ox.NamedNode | ox.BlankNode | ox.Literal


class _TermRebaser:
    """Move IRIs, and literals that spell one (e.g. vann:preferredNamespaceUri), to the base.

    A file names the same IRIs over and over (predicates, classes, the things it describes),
    so each IRI's rebased term is built once and then looked up, shared by all the files.
    """

    def __init__(self, rebase: Rebaser) -> None:
        self.rebase = rebase
        self.iris: dict[ox.NamedNode, ox.NamedNode] = {}

    def __call__(self, term: Any) -> Any:  # any term: triples (RDF-star) pass through
        if not self.rebase.active:
            return term
        if isinstance(term, ox.NamedNode):
            moved = self.iris.get(term)
            if moved is None:
                value = term.value
                moved = ox.NamedNode(self.rebase(value)) if value.startswith(AUTHORING_BASE) else term
                self.iris[term] = moved
            return moved
        if isinstance(term, ox.Literal) and term.value.startswith(AUTHORING_BASE) and not term.language:
            return ox.Literal(self.rebase(term.value), datatype=term.datatype)
        return term


def _clean_message(message: str) -> str:
    # Oxigraph prefixes its messages with the span; ParseError prints the place itself.
    if message.startswith("Parser error ") and ": " in message:
        return message.split(": ", 1)[1]
    return message


#: The named graph of an accepted contribution, under ``{base}graph/``: its file's stem, as
#: ``labgraph.contributions.base.contribution_graph_name`` writes it.
_CONTRIBUTION_GRAPH = re.compile(r"contribution-[0-9]+")


def is_contribution_graph(name: str, base: str) -> bool:
    """Whether a named graph holds an accepted contribution: such a graph corrects the source
    documents rather than repeating them, so the checks and the cards treat it as newer."""
    prefix = base + "graph/"
    return name.startswith(prefix) and _CONTRIBUTION_GRAPH.fullmatch(name[len(prefix):]) is not None
