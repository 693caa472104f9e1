"""The ``labgraph`` command: a thin shell over the library that turns errors into messages.

One module per group of commands: ``graph`` (build, validate, stats), ``serving`` (serve,
proxy-config, publish), ``merge``, ``queries`` (queries, query) and ``curators`` (the reviewers'
accounts); ``common`` turns a :class:`~labgraph.errors.LabgraphError` into one readable
message with exit status 1 (anything else is a bug and keeps its traceback).

May import everything: it is the top of the package.
"""

from __future__ import annotations

from pathlib import Path

import click

from labgraph.cli import curators, graph, merge, queries, serving
from labgraph.config import Settings
from labgraph.errors import LabgraphError


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


for command in (
    graph.build,
    graph.validate,
    graph.stats_command,
    graph.centroids,
    serving.serve,
    serving.proxy_config,
    serving.publish_command,
    merge.merge_command,
    queries.list_queries,
    queries.run_query,
    curators.curators,
):
    main.add_command(command)
