"""``labgraph queries`` and ``labgraph query``: the researcher catalogue from the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labgraph.cli import tables
from labgraph.cli.common import reports_errors
from labgraph.config import Settings


@click.command("queries")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_obj
@reports_errors
def list_queries(settings: Settings, lang: str) -> None:
    """List the query catalogue (queries/*.rq) with their parameters."""
    from labgraph import catalogue

    rows = []
    for query in catalogue.load(settings.project_dir / "queries", settings.base_uri).values():
        params = ", ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in query.params)
        rows.append((query.name, query.title[lang], params))
    click.echo(tables.render(["name", "title", "parameters"], rows, max_width=70))


#: --format -> media type, for SELECT and ASK (solutions) and for CONSTRUCT and DESCRIBE (a graph).
#: ``table`` is the terminal's default: a table of solutions, or Turtle for a graph.
SOLUTION_FORMATS = {
    "table": "application/sparql-results+json",
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "table": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "rdf": "application/rdf+xml",
}


@click.command("query")
@click.argument("name_or_file")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value. Repeatable.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted({*SOLUTION_FORMATS, *GRAPH_FORMATS} - {"table"}) + ["table"]),
    default="table",
    show_default=True,
    help="SELECT/ASK: table, csv, tsv or json (SPARQL results). CONSTRUCT/DESCRIBE: ttl (also what "
    "table prints), nt, jsonld (or json) or rdf (RDF/XML).",
)
@click.pass_obj
@reports_errors
def run_query(settings: Settings, name_or_file: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a catalogue query by NAME, or any SPARQL FILE.rq, on the last build."""
    from labgraph import catalogue
    from labgraph.store.base import QueryRequest, inspect
    from labgraph.store.factory import open_store

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
    info = inspect(
        text,
        max_bytes=settings.max_query_bytes,
        max_nesting=settings.max_nesting,
        service_allowlist=settings.service_allowlist,
    )
    returns_graph = info.form is not None and info.form.returns_graph
    formats = GRAPH_FORMATS if returns_graph else SOLUTION_FORMATS
    if fmt not in formats:
        names = ", ".join(sorted(formats))
        raise click.BadParameter(f"a {info.form} query prints as {names}, not {fmt}", param_hint="--format")
    media = formats[fmt]
    store = open_store(settings)
    try:
        result = store.query(QueryRequest(text, media))
    finally:
        store.close()
    if fmt != "table" or returns_graph:
        click.echo(result.body.decode("utf-8"), nl=False)
        if returns_graph:
            cut = " (truncated at max_rows)" if result.truncated else ""
            click.echo(f"{result.count} triple(s){cut}", err=True)
        return
    data = json.loads(result.body)
    if "boolean" in data:
        click.echo("true" if data["boolean"] else "false")
        return
    names = data["head"]["vars"]
    rows = [[b.get(n, {}).get("value", "") for n in names] for b in data["results"]["bindings"]]
    click.echo(tables.render(names, rows))
    click.echo(f"{len(rows)} row(s)" + (" (truncated at max_rows)" if result.truncated else ""), err=True)
