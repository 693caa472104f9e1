"""``labgraph serve``, ``proxy-config`` and ``publish``: run the graph for others."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from labgraph.cli.common import reports_errors
from labgraph.config import Settings
from labgraph.dataset import stats
from labgraph.errors import LabgraphError
from labgraph.release import CURRENT, Release, current

if TYPE_CHECKING:
    from labgraph.store.publish import Via

@click.command()
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
@reports_errors
def serve(
    settings: Settings, host: str | None, port: int | None, processes: int | None, extra: tuple[Path, ...]
) -> None:
    """Serve the last build: SPARQL endpoint, resource pages and data, dumps (waitress)."""
    from labgraph.serving.server import serve as run_server

    chosen = {"host": host, "port": port, "processes": processes}
    settings = settings.replace(**{k: v for k, v in chosen.items() if v is not None})
    click.echo(
        f"labgraph serving {settings.build_dir / CURRENT} on http://{settings.host}:{settings.port}/ "
        f"(SPARQL at /sparql); Ctrl-C to stop",
        err=True,
    )
    run_server(settings, extra)


@click.command("proxy-config")
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
@reports_errors
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
    from labgraph.serving.proxy import ProxyOptions, nginx_config

    options = ProxyOptions(listen, upstreams, cache_dir, cache_size, server_name, standalone, user)
    text = nginx_config(settings, options)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@click.command("publish")
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
@reports_errors
def publish_command(
    settings: Settings,
    graph_store: str | None,
    update_url: str | None,
    default_graph: str | None,
    chunk_triples: int | None,
) -> None:
    """Load the current build, named graphs included, into a SPARQL server."""
    from labgraph.store.factory import open_store
    from labgraph.store.publish import merged_graph_of, publish

    if chunk_triples is not None:
        settings = settings.replace(publish_chunk_triples=chunk_triples)
    url, via = _publish_target(settings, graph_store, update_url)
    release = current(settings.build_dir)
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
    built = Release(release).stats
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
