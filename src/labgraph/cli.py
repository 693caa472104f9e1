"""The ``labgraph`` command: a thin shell over the library that turns errors into messages.

A :class:`~labgraph.errors.LabgraphError` is printed as one readable message with exit status
1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from labgraph import sources, stats, tables
from labgraph.build import CURRENT, run_build
from labgraph.config import Settings
from labgraph.errors import ConflictError, LabgraphError, ShapeViolations
from labgraph.namespaces import STANDARD_PREFIXES
from labgraph.uris import prefixes as own_prefixes
from labgraph.validation import ValidationReport, validate_dataset

if TYPE_CHECKING:
    from labgraph.publish import Via

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ShapeViolations as exc:
            click.echo(_violation_table(exc.report), err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except LabgraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project-dir", type=click.Path(file_okay=False, path_type=Path), help="Directory with ontology/ and data/."
)
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), help="Where releases are written.")
@click.option("--base-uri", help="Base of the URIs labgraph mints.")
@click.option("--store", help="oxigraph (default), oxigraph:RELEASE_DIR or sparql:QUERY_URL[,UPDATE_URL].")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="TOML configuration file (default: labgraph.toml in the project directory).",
)
@click.version_option(package_name="labgraph")
@click.pass_context
def main(
    ctx: click.Context,
    project_dir: Path | None,
    build_dir: Path | None,
    base_uri: str | None,
    store: str | None,
    config_file: Path | None,
) -> None:
    """Build, validate and publish the labgraph knowledge graph."""
    overrides = {"project_dir": project_dir, "build_dir": build_dir, "base_uri": base_uri, "store": store}
    try:
        ctx.obj = Settings.load(overrides, config_file=config_file)
    except LabgraphError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.option("--skip-validation", is_flag=True, help="Do not run SHACL (faster; for experiments only).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_obj
@_reports_errors
def build(settings: Settings, skip_validation: bool, quiet: bool) -> None:
    """Load, check and validate the sources, then publish a new release atomically."""
    say = (lambda _m: None) if quiet else (lambda m: click.echo(f"· {m}", err=True))
    result = run_build(settings, validate=not skip_validation, progress=say)
    if result.report is not None and result.report.warnings and not quiet:
        click.echo(_violation_table(result.report, warnings=True), err=True)
    if not quiet:
        click.echo(
            f"built {result.release} ({result.stats.quads} quads, {result.stats.triples} distinct triples) "
            f"in {result.seconds:.1f}s; {settings.build_dir / CURRENT} now points to it"
        )


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "ttl", "json"]),
    default="table",
    show_default=True,
    help="table for people, ttl for the SHACL report graph, json for scripts.",
)
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Shapes file to use instead of ontology/shapes.ttl.",
)
@click.pass_obj
@_reports_errors
def validate(settings: Settings, fmt: str, shapes: Path | None) -> None:
    """Check the sources against the SHACL shapes without writing anything."""
    from labgraph import consistency
    from labgraph.validation import load_shapes

    dataset = sources.load(settings)
    conflicts = []
    try:
        consistency.check(dataset)
    except ConflictError as exc:
        conflicts = exc.conflicts
    report = validate_dataset(dataset, settings, load_shapes(settings, shapes) if shapes else None)
    if fmt == "ttl":
        click.echo(report.graph.serialize(format="turtle"))
    elif fmt == "json":
        click.echo(
            json.dumps(
                {
                    "conforms": report.conforms and not conflicts,
                    "conflicts": [str(c) for c in conflicts],
                    "results": [r.__dict__ for r in report.results],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for conflict in conflicts:
            click.echo(f"conflict: {conflict}")
        click.echo(_violation_table(report, warnings=True) if report.results else "no SHACL results")
        click.echo(
            f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s), "
            f"{len(conflicts)} conflict(s) in {len(dataset)} quads"
        )
    if not report.conforms or conflicts:
        sys.exit(1)


@main.command("stats")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--from-store",
    is_flag=True,
    help="Count what the configured store serves (e.g. a SPARQL server after `labgraph publish`), "
    "not the source files.",
)
@click.pass_obj
@_reports_errors
def stats_command(settings: Settings, fmt: str, from_store: bool) -> None:
    """Counts per class, per source document (named graph) and per property."""
    if from_store:
        from labgraph.serve import open_store

        store = open_store(settings)
        try:
            figures = store.statistics()
        finally:
            store.close()
    else:
        figures = stats.compute(sources.load(settings).store, settings.base_uri)
    if fmt == "json":
        click.echo(json.dumps(figures.as_dict(), indent=2, ensure_ascii=False))
        return
    short = _shortener(settings)
    click.echo(f"{figures.quads} quads, {figures.triples} distinct triples\n")
    click.echo(
        tables.render(
            ["graph", "source", "triples", "subjects"],
            [(short(g), short(src) if src else "", t, s) for g, t, s, src in figures.by_graph],
        )
    )
    click.echo()
    click.echo(tables.render(["class", "instances"], [(short(c), n) for c, n in figures.by_class]))
    click.echo()
    click.echo(tables.render(["property", "uses"], [(short(p), n) for p, n in figures.by_property]))


@main.command()
@click.option("--host", help="Address to listen on (default from the configuration: 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8080).")
@click.option("--processes", type=int, help="Server processes sharing the port (default 1; about one per core).")
@click.option(
    "--load",
    "extra",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Extra TriG/N-Quads file served beside the build (e.g. a test dataset). Repeatable.",
)
@click.pass_obj
@_reports_errors
def serve(
    settings: Settings, host: str | None, port: int | None, processes: int | None, extra: tuple[Path, ...]
) -> None:
    """Serve the last build: SPARQL endpoint, resource pages and data, dumps (waitress)."""
    from labgraph.serve import serve as run_server

    chosen = {"host": host, "port": port, "processes": processes}
    settings = settings.replace(**{k: v for k, v in chosen.items() if v is not None})
    click.echo(
        f"labgraph serving {settings.build_dir / CURRENT} on http://{settings.host}:{settings.port}/ "
        f"(SPARQL at /sparql); Ctrl-C to stop",
        err=True,
    )
    run_server(settings, extra)


@main.command("proxy-config")
@click.option("--listen", default="80", show_default=True, help="Where nginx listens: [HOST:]PORT.")
@click.option(
    "--upstream",
    "upstreams",
    multiple=True,
    metavar="HOST:PORT",
    help="A labgraph server to send requests to. Repeatable (round robin). Default: the configured host and port.",
)
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Where nginx keeps the cache.")
@click.option("--cache-size", default="1g", show_default=True, help="Most disk the cache may use (k, m, g).")
@click.option("--server-name", default="_", show_default=True, help="nginx server_name (the public host name).")
@click.option(
    "--standalone",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write a complete nginx.conf whose pid file, logs, cache and temporary files go in this directory "
    "(run it with nginx -p DIR -c FILE), instead of a file for /etc/nginx/conf.d/.",
)
@click.option("--user", help="With --standalone: the user nginx's workers run as when it starts as root.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.pass_obj
@_reports_errors
def proxy_config(
    settings: Settings,
    listen: str,
    upstreams: tuple[str, ...],
    cache_dir: Path | None,
    cache_size: str,
    server_name: str,
    standalone: Path | None,
    user: str | None,
    output: Path | None,
) -> None:
    """Write an nginx configuration that caches labgraph's answers in front of its servers."""
    from labgraph.proxy import ProxyOptions, nginx_config

    options = ProxyOptions(listen, upstreams, cache_dir, cache_size, server_name, standalone, user)
    text = nginx_config(settings, options)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@main.command("publish")
@click.option(
    "--to",
    "graph_store",
    metavar="URL",
    help="Graph Store Protocol endpoint of the server (e.g. http://127.0.0.1:7878/store for Oxigraph).",
)
@click.option(
    "--update",
    "update_url",
    metavar="URL",
    help="SPARQL 1.1 Update endpoint to load through instead (e.g. http://127.0.0.1:7878/update for Oxigraph). "
    "Without --to or --update: the UPDATE_URL of the store setting (sparql:QUERY_URL,UPDATE_URL).",
)
@click.option(
    "--default-graph",
    metavar="IRI",
    help="Named graph that receives the merged default graph, for a server whose default graph is the union "
    "of all graphs (Virtuoso). Default: the one default-graph-uri of the store's query URL, if it has one; "
    "else the server's default graph.",
)
@click.option(
    "--chunk-triples",
    type=click.IntRange(min=1),
    default=None,
    help="Most triples per request (default 100,000): a larger graph is sent as a first request that "
    "replaces it, then requests that add to it.",
)
@click.pass_obj
@_reports_errors
def publish_command(
    settings: Settings,
    graph_store: str | None,
    update_url: str | None,
    default_graph: str | None,
    chunk_triples: int | None,
) -> None:
    """Load the current build, named graphs included, into a SPARQL server."""
    from labgraph.build import current_release
    from labgraph.publish import merged_graph_of, publish
    from labgraph.serve import open_store

    if chunk_triples is not None:
        settings = settings.replace(publish_chunk_triples=chunk_triples)
    url, via = _publish_target(settings, graph_store, update_url)
    release = current_release(settings)
    if release is None:
        raise LabgraphError(f"no build in {settings.build_dir}: run `labgraph build` first")
    merged_into = default_graph or merged_graph_of(settings.query_url)
    say = lambda m: click.echo(f"· {m}", err=True)  # noqa: E731
    if url == settings.update_url and merged_into == merged_graph_of(settings.query_url):
        # The configured store itself: load it through the store interface, then ask it what
        # arrived (a server may refuse or merge statements without saying so).
        store = open_store(settings)
        try:
            got = store.load(release, progress=say)
            _report_published(got.graphs, got.quads, got.default_triples, got.requests, url, via, merged_into)
            _check_arrival(store.statistics(), release)
        finally:
            store.close()
        return
    done = publish(
        release,
        url,
        via=via,
        default_graph=merged_into,
        connect_timeout_s=settings.remote_connect_timeout_s,
        chunk_triples=settings.publish_chunk_triples,
        progress=say,
    )
    _report_published(done.graphs, done.triples, done.default_triples, done.requests, url, via, merged_into)


def _report_published(
    graphs: int, triples: int, default_triples: int, requests: int, url: str, via: Via, merged_into: str | None
) -> None:
    protocol = "SPARQL Update" if via == "update" else "the Graph Store Protocol"
    into = f" as <{merged_into}>" if merged_into else ""
    click.echo(
        f"published {graphs} named graphs ({triples:,} triples) and the default graph ({default_triples:,} "
        f"triples{into}) to {url} with {protocol} in {requests} requests"
    )


def _check_arrival(figures: stats.Stats, release: Path) -> None:
    """Compare what the store counts, graph by graph, with what the build counted; warn about a
    graph of the build that is missing or holds another number of statements. Graphs that are
    not the build's (a server's own, such as Virtuoso's system graphs) are only mentioned."""
    built = json.loads((release / "manifest.json").read_text("utf-8"))["stats"]
    held = {graph: triples for graph, triples, _, _ in figures.by_graph}
    wrong = [
        f"<{graph}>: {held[graph]:,} statements, the build {counts['triples']:,}"
        if graph in held
        else f"<{graph}>: missing"
        for graph, counts in sorted(built["graphs"].items())
        if held.get(graph) != counts["triples"]
    ]
    ours = sum(held.get(graph, 0) for graph in built["graphs"])
    present = sum(1 for graph in built["graphs"] if graph in held)
    click.echo(
        f"the store now holds {ours:,} statements in {present} of the build's {len(built['graphs'])} named graphs "
        f"and {figures.triples:,} distinct triples in its default graph"
    )
    others = sorted(set(held) - set(built["graphs"]))
    if others:
        click.echo(f"it also holds {len(others)} named graph(s) that are not the build's, e.g. <{others[0]}>")
    if figures.triples != built["triples"]:
        wrong.append(f"the default graph: {figures.triples:,} distinct triples, the build {built['triples']:,}")
    if wrong:
        click.echo(
            "warning: the store does not hold what the build has: " + "; ".join(wrong[:5])
            + (f"; and {len(wrong) - 5} more" if len(wrong) > 5 else "") + " (see `labgraph stats --from-store`)",
            err=True,
        )


def _publish_target(settings: Settings, graph_store: str | None, update_url: str | None) -> tuple[str, Via]:
    """The endpoint ``publish`` loads into and how: the option given, else the store's update URL."""
    if graph_store and update_url:
        raise click.UsageError("give either --to (Graph Store Protocol) or --update (SPARQL Update), not both")
    if graph_store:
        return graph_store, "graph-store"
    update_url = update_url or settings.update_url
    if update_url:
        return update_url, "update"
    raise click.UsageError(
        "say where to publish: --to GRAPH_STORE_URL, --update UPDATE_URL, or a store setting "
        "sparql:QUERY_URL,UPDATE_URL"
    )


@main.command("merge")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--graph", "slug", help="Name of the graph to import into (default: the mapping's dataset slug).")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="YAML mapping for CSV or JSON input (see labgraph/mapping.py).",
)
@click.option("--licence", help="Licence IRI of the imported dataset, recorded with its provenance.")
@click.option("--dry-run", is_flag=True, help="Show overlaps, new entities and conflicts; change nothing.")
@click.option("--review", is_flag=True, help="Print the name-based matches to review.")
@click.option("--review-csv", type=click.Path(dir_okay=False, path_type=Path), help="Write them as CSV too.")
@click.option("--strict", is_flag=True, help="Refuse the whole input if one record is malformed.")
@click.pass_obj
@_reports_errors
def merge_command(
    settings: Settings,
    source: Path,
    slug: str | None,
    mapping_file: Path | None,
    licence: str | None,
    dry_run: bool,
    review: bool,
    review_csv: Path | None,
    strict: bool,
) -> None:
    """Import SOURCE (RDF, or CSV/JSON with --mapping) into its own graph and reconcile it."""
    import csv as csv_module

    from labgraph.merge import merge

    total = None
    if mapping_file is not None:
        with source.open("rb") as handle:
            total = max(0, sum(1 for _ in handle) - (1 if source.suffix.lower() == ".csv" else 0))
    with click.progressbar(length=total or 0, label="reading", file=sys.stderr, show_pos=True, hidden=not total) as bar:
        report = merge(
            settings,
            source,
            slug=slug,
            mapping_file=mapping_file,
            licence=licence,
            dry_run=dry_run,
            strict=strict,
            progress=bar.update if total else None,
        )
    short = _shortener(settings)
    click.echo(
        f"{'would import' if dry_run else 'imported'} {report.imported_triples} triples about "
        f"{report.imported_entities} resources into {short(report.graph)}"
    )
    click.echo(
        f"  same URI as labgraph: {len(report.same_uri)}; matched by identifier: {len(report.by_identifier)}; "
        f"by name only (to review): {len(report.by_name)}; new: {report.new_entities}"
    )
    for bad in report.malformed:
        click.echo(f"  malformed record at {source}:{bad.line}: {bad.reason}", err=True)
    for conflict in report.conflicts:
        click.echo(
            f"  conflict: {short(conflict.property)} is {', '.join(conflict.our_values)} in labgraph "
            f"(<{conflict.ours}>) but {', '.join(conflict.their_values)} in {source.name} "
            f"(<{conflict.theirs}>); both kept",
            err=True,
        )
    rows = [(m.our_label, m.their_label, f"{m.confidence:.2f}", m.ours, m.theirs) for m in report.by_name]
    if review:
        click.echo(
            tables.render(["labgraph", "imported", "confidence", "labgraph IRI", "imported IRI"], rows)
            if rows
            else "no name-based matches to review"
        )
    if review_csv is not None:
        with review_csv.open("w", encoding="utf-8", newline="") as handle:
            writer = csv_module.writer(handle)
            writer.writerow(["labgraph_label", "imported_label", "confidence", "labgraph_iri", "imported_iri"])
            writer.writerows(rows)
    for path in report.written:
        click.echo(f"  wrote {path}")
    if not dry_run:
        click.echo("run `labgraph build` to publish the merged graph")


@main.command("queries")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_obj
@_reports_errors
def list_queries(settings: Settings, lang: str) -> None:
    """List the query catalogue (queries/*.rq) with their parameters."""
    from labgraph import catalogue

    rows = []
    for query in catalogue.load(settings.project_dir / "queries", settings.base_uri).values():
        params = ", ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in query.params)
        rows.append((query.name, query.title[lang], params))
    click.echo(tables.render(["name", "title", "parameters"], rows, max_width=70))


@main.command("query")
@click.argument("name_or_file")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.pass_obj
@_reports_errors
def run_query(settings: Settings, name_or_file: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a catalogue query by NAME, or any SPARQL FILE.rq, on the last build."""
    from labgraph import catalogue
    from labgraph.serve import open_store
    from labgraph.store.base import QueryRequest

    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        values[key.strip()] = value
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        query = catalogue.parse(path, require_header=False, base=settings.base_uri)
    else:
        known = catalogue.load(settings.project_dir / "queries", settings.base_uri)
        if name_or_file not in known:
            raise click.BadParameter(
                f"no query named {name_or_file!r}; see `labgraph queries`", param_hint="NAME_OR_FILE"
            )
        query = known[name_or_file]
    text = query.render(values)
    media = {
        "table": "application/sparql-results+json",
        "json": "application/sparql-results+json",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
    }[fmt]
    store = open_store(settings)
    try:
        result = store.query(QueryRequest(text, media))
    finally:
        store.close()
    if fmt != "table":
        click.echo(result.body.decode("utf-8"), nl=False)
        return
    data = json.loads(result.body)
    if "boolean" in data:
        click.echo("true" if data["boolean"] else "false")
        return
    names = data["head"]["vars"]
    rows = [[b.get(n, {}).get("value", "") for n in names] for b in data["results"]["bindings"]]
    click.echo(tables.render(names, rows))
    click.echo(f"{len(rows)} row(s)" + (" (truncated at max_rows)" if result.truncated else ""), err=True)


def _violation_table(report: ValidationReport, warnings: bool = False) -> str:
    rows = [
        (r.severity, r.focus, r.path or "", r.value or "", r.component, r.message("en"))
        for r in report.results
        if warnings or r.severity == "Violation"
    ]
    return tables.render(["severity", "focus node", "path", "value", "constraint", "message"], rows, max_width=70)


def _shortener(settings: Settings) -> Callable[[str], str]:
    known = sorted({**STANDARD_PREFIXES, **own_prefixes(settings.base_uri)}.items(), key=lambda kv: -len(kv[1]))

    def short(iri: str) -> str:
        for name, ns in known:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{name}:{iri[len(ns) :]}"
        return iri

    return short
