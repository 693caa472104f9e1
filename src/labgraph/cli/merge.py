"""``labgraph merge``: bring another dataset in, with its links and a review list."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from labgraph.cli import tables
from labgraph.cli.common import reports_errors, shortener
from labgraph.config import Settings


@click.command("merge")
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
@reports_errors
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

    from labgraph.merge.importer import merge

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
    short = shortener(settings)
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
            writer.writerows([_spreadsheet_safe(cell) for cell in row] for row in rows)
    for path in report.written:
        click.echo(f"  wrote {path}")
    if not dry_run:
        click.echo("run `labgraph build` to publish the merged graph")


#: What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(cell: str) -> str:
    """A label such as ``=HYPERLINK(...)`` from an imported file is written as text: a leading
    apostrophe makes spreadsheets show it instead of running it."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
