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


@click.command("query")
@click.argument("name_or_file")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.pass_obj
@reports_errors
def run_query(settings: Settings, name_or_file: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a catalogue query by NAME, or any SPARQL FILE.rq, on the last build."""
    from labgraph import catalogue
    from labgraph.store.base import QueryRequest
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
