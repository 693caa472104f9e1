"""All of labgraph's settings, in one place, with their defaults and help text.

Values come, lowest priority first, from the defaults below, a TOML file (``labgraph.toml`` in
the project directory, or the file named by ``LABGRAPH_CONFIG``), ``LABGRAPH_*`` environment
variables, and explicit overrides (command-line options). This module is the only reader of
the environment, so tests can build any configuration without touching ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labgraph.config_values import sparql_urls
from labgraph.errors import ConfigError
from labgraph.uris import AUTHORING_BASE
from labgraph.vocab import Vocabulary, vocabulary

ENV_PREFIX = "LABGRAPH_"
CONFIG_FILE_NAME = "labgraph.toml"


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    base_uri: str = _setting(
        AUTHORING_BASE,
        "Base of every URI labgraph mints (things under id/, the ontology under def/, graphs "
        "under graph/). Must end with '/'. Data files are written against the default base; "
        "another value is substituted at build time.",
    )
    project_dir: Path = _setting(Path("."), "Directory holding ontology/ and data/ (the sources of the graph).")
    build_dir: Path = _setting(
        Path("build"),
        "Directory where builds are written; build_dir/current always points at the last successful release.",
    )
    keep_releases: int = _setting(
        5,
        "Releases kept on disk (the newest ones): their dumps, VoID, diffs and pinned queries "
        "(/sparql?release=N) stay available; older ones are pruned by the build, and their numbers, "
        "dates and changes stay in the history. At least 2, so that a server still reading the "
        "previous release never loses it.",
    )
    host: str = _setting("127.0.0.1", "Address the server listens on.")
    port: int = _setting(8080, "Port the server listens on.")
    threads: int = _setting(8, "Request threads of the WSGI server.")
    connection_limit: int = _setting(
        100,
        "Most connections the server keeps open (waitress's connection_limit); beyond it, new ones wait in "
        "the listen queue. Each costs a socket and a little memory, not a thread.",
    )
    connections_per_address: int = _setting(
        20,
        "Most connections one client address may hold; a further one is answered 503 and closed at once, "
        "so a few clients cannot hold every connection_limit slot. The trusted_proxy is exempt: set its own "
        "limit (nginx limit_conn, as in `labgraph proxy-config`).",
    )
    request_read_timeout_s: float = _setting(
        10.0,
        "Longest a client may take to send a request's headers and body, from its first byte; a slower "
        "one is disconnected however steadily its bytes trickle in.",
    )
    idle_timeout_s: float = _setting(
        15.0, "How long an idle (keep-alive) connection stays open without a request."
    )
    processes: int = _setting(
        1,
        "Server processes accepting on the same socket (Unix). Each loads the release and has its own "
        "query workers, so memory grows with it; use about one per core.",
    )
    query_timeout_s: float = _setting(
        10.0,
        "Longest a SPARQL query may run. The worker process running it is killed at the deadline and "
        "the client gets 503 naming this setting.",
    )
    max_rows: int = _setting(
        10000,
        "Most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) a query returns; longer results are cut "
        "and flagged with the Labgraph-Truncated: true header.",
    )
    sparql_page_rows: int = _setting(
        500,
        "Most solutions the HTML page of a SPARQL query shows (a browser's answer); the downloads keep "
        "every row up to max_rows.",
    )
    sitemap_max_urls: int = _setting(
        50000,
        "Most URLs in one sitemap file (the Sitemaps protocol's limit is 50,000); past it /sitemap.xml "
        "is an index of /sitemap-1.xml, /sitemap-2.xml…",
    )
    datacite_doi: str = _setting(
        "",
        "The dataset's DOI once registered with DataCite (e.g. 10.1234/labgraph): the identifier of its "
        "DataCite XML and CSL-JSON/BibTeX citations. Empty: they cite its URL.",
    )
    max_query_bytes: int = _setting(65536, "Largest query text accepted, in bytes (413 beyond).")
    max_url_bytes: int = _setting(8192, "Longest request URL accepted, in bytes (414 beyond).")
    max_nesting: int = _setting(
        128, "Deepest nesting of brackets in a query; deeper queries are refused before any engine parses them."
    )
    query_workers: int = _setting(2, "Worker processes that run SPARQL queries (one query each at a time).")
    worker_memory_mb: int = _setting(
        1024,
        "Most memory (MB of address space) each query worker may map, on top of what it maps at start "
        "(the data, the engine); a query that needs more fails alone, its worker is replaced, and the "
        "client gets 503 naming this setting. 0: no limit.",
    )
    queries_per_client: int = _setting(
        0,
        "Most SPARQL queries one client address (behind the trusted_proxy, the forwarded one) may have "
        "running or waiting at once; a further one is answered 429 with Retry-After. 0: half the "
        "query_workers, rounded up.",
    )
    query_threads: int = _setting(
        0,
        "Most request threads that may be inside SPARQL queries at once (waiting for a worker or for its "
        "answer); a further query is answered 503 busy at once, so that pages and documents, which need no "
        "worker, always find a thread. 0: threads minus 2, at least 1.",
    )
    worker_wait_s: float = _setting(
        5.0, "How long a query waits for a free worker, from the request's arrival, before the server answers 503 "
        "with Retry-After."
    )
    service_allowlist: tuple[str, ...] = _setting(
        (),
        "SPARQL endpoints that SERVICE may call (comma-separated in the environment). Empty: SERVICE is "
        "refused, so the server never fetches an address named in a query.",
    )
    store: str = _setting(
        "oxigraph",
        "Where the data is served from: 'oxigraph' (the current build's embedded store), 'oxigraph:PATH' "
        "(another release directory), or 'sparql:QUERY_URL[,UPDATE_URL]' for any SPARQL 1.1 server loaded "
        "with `labgraph publish`, which uses UPDATE_URL (SPARQL Update) when given no other endpoint. The "
        "update URL follows the last comma that precedes a URL scheme (write a comma followed by "
        "'http://' inside the query URL as %2C).",
    )
    remote_connect_timeout_s: float = _setting(
        5.0, "Connection timeout towards a remote SPARQL server; reading is bounded by query_timeout_s."
    )
    publish_chunk_triples: int = _setting(
        100_000,
        "Most triples per request when loading a remote store (`labgraph publish`): a larger graph goes "
        "as a request that replaces it, then requests that add to it. Virtuoso needs about 2000.",
    )
    store_memory: bool = _setting(
        True,
        "Load the release into memory in each serving process (queries 2-2.5x faster than on disk, "
        "measured in benchmarks/RESULTS.md; start-up grows with the data). false opens the build's on-disk "
        "store read-only instead: instant start, slower queries.",
    )
    cache_max_age: int = _setting(300, "Seconds clients and proxies may cache pages and data (Cache-Control).")
    trusted_proxy: str = _setting(
        "",
        "Address of the reverse proxy in front of the server (127.0.0.1 for an nginx on the same host, as "
        "written by `labgraph proxy-config`; '*' for any peer). Its X-Forwarded-Proto, -Host and -For headers "
        "are then believed, so absolute URLs name the public scheme and host. Empty: those headers are "
        "removed, since any client could send them.",
    )
    document_cache_mb: int = _setting(
        64,
        "Memory (MB) each server process keeps for resource documents and pages already produced; "
        "a release never changes, so they stay valid until the next build. 0 turns the cache off.",
    )
    map_tiles_url: str = _setting(
        "",
        "A tile server for the /map page's background, as a Leaflet URL template "
        "(https://tile.example.org/{z}/{x}/{y}.png). Empty: the map draws its own outlines of France and "
        "needs no network access; a tile server's origin is added to the page's Content-Security-Policy.",
    )
    map_tiles_attribution: str = _setting(
        "", "The attribution the tile server's licence asks for, shown on the map (plain text)."
    )
    reload_interval_s: float = _setting(
        2.0,
        "How often the server checks build_dir/current for a new build, which it then serves without "
        "a restart. 0 turns the check off.",
    )
    health_timeout_s: float = _setting(
        2.0, "Longest /health waits for its trivial query to the store before it reports the store as failing (503)."
    )
    metrics_allow: tuple[str, ...] = _setting(
        ("127.0.0.1/32", "::1/128"),
        "Client addresses (IPs or CIDRs, comma-separated in the environment) that may read /metrics; others get "
        "404. Behind a proxy the client address is the one its X-Forwarded-For names only when trusted_proxy is "
        "set: otherwise every request through a proxy on the same host comes from loopback. Empty: /metrics is off.",
    )
    access_log: str = _setting(
        "stderr",
        "Where the server writes one JSON line per request (time, method, route, path, status, bytes, duration, "
        "store time, the SPARQL query's hash and length): 'stderr', 'stdout', a file path (appended to) or 'off'.",
    )
    access_log_queries: bool = _setting(
        False, "Also write each SPARQL query's text in the access log (a query may hold what a reader typed)."
    )
    contributions: bool = _setting(
        True,
        "Accept proposals of new cards and corrections at /contribute and POST /api/contributions, for "
        "curators to review at /review. false: those pages answer 404 and nothing is stored.",
    )
    state_dir: Path = _setting(
        Path("var"),
        "Directory for what the server keeps between runs and never publishes: the contributions database "
        "(proposals, reviews, curators' accounts) and the secret key. Neither under build_dir (builds are "
        "pruned) nor under data/ (the sources of the graph).",
    )
    secret_key: str = _setting(
        "",
        "Key signing curators' session cookies and the forms' CSRF tokens; every process of a server must "
        "share it. Empty: a random key is made once and kept in state_dir/secret_key (mode 600).",
    )
    contributions_per_hour: int = _setting(
        10, "Most proposals one client address may submit in an hour; a further one is answered 429 with Retry-After."
    )
    contribution_max_bytes: int = _setting(
        20000, "Largest proposal accepted (all its fields, in bytes of UTF-8); 413 beyond."
    )
    contribution_field_chars: int = _setting(
        2000, "Longest text accepted in one field of a proposal, in characters; the form says which field is over."
    )
    login_attempts_per_hour: int = _setting(
        10, "Most failed curator sign-ins per client address and per account in an hour; then 429 with Retry-After."
    )
    curator_session_hours: float = _setting(
        8.0, "How long a curator's session lasts after sign-in; signing out ends it at once."
    )
    access_log_client: str = _setting(
        "none",
        "The client address in the access log: 'none', 'anonymised' (IPv4 to its /24, IPv6 to its /48) or 'full'.",
    )

    def __post_init__(self) -> None:
        # Absolute once, here: a relative directory means one thing to the process (its working
        # directory) and another to libraries that resolve against their own root (Flask's
        # send_from_directory uses the app's root_path), so no relative path leaves this class.
        for name in ("project_dir", "build_dir", "state_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser().resolve())
        if self.store.startswith("oxigraph:"):  # a fixed release directory, served like build_dir's
            path = Path(self.store.removeprefix("oxigraph:")).expanduser().resolve()
            object.__setattr__(self, "store", f"oxigraph:{path}")
        if not self.base_uri.endswith("/") or "://" not in self.base_uri:
            raise ConfigError(f"base_uri must be an absolute URI ending with '/': {self.base_uri!r}")
        if not 0 <= self.port < 65536:
            raise ConfigError(f"port must be between 0 and 65535: {self.port}")
        for name in (
            "threads", "processes", "connection_limit", "connections_per_address", "max_rows", "max_query_bytes",
            "max_url_bytes", "max_nesting", "query_workers", "sparql_page_rows", "sitemap_max_urls",
            "contributions_per_hour", "contribution_max_bytes", "contribution_field_chars", "login_attempts_per_hour",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1: {getattr(self, name)}")
        if not (self.store == "oxigraph" or self.store.startswith(("oxigraph:", "sparql:"))):
            raise ConfigError(
                f"store must be oxigraph, oxigraph:PATH or sparql:QUERY_URL[,UPDATE_URL], not {self.store!r}"
            )
        if self.store.startswith("sparql:"):
            sparql_urls(self.store)
        if self.query_timeout_s <= 0 or self.worker_wait_s < 0:
            raise ConfigError("query_timeout_s must be positive and worker_wait_s not negative")
        if min(self.worker_memory_mb, self.queries_per_client, self.query_threads) < 0:
            raise ConfigError("worker_memory_mb, queries_per_client and query_threads must not be negative")
        if self.request_read_timeout_s <= 0 or self.idle_timeout_s <= 0:
            raise ConfigError("request_read_timeout_s and idle_timeout_s must be positive")
        if self.keep_releases < 2:
            raise ConfigError(f"keep_releases must be at least 2: {self.keep_releases}")
        if self.document_cache_mb < 0 or self.reload_interval_s < 0:
            raise ConfigError("document_cache_mb and reload_interval_s must not be negative")
        if self.curator_session_hours <= 0:
            raise ConfigError(f"curator_session_hours must be positive: {self.curator_session_hours}")
        if self.health_timeout_s <= 0:
            raise ConfigError(f"health_timeout_s must be positive: {self.health_timeout_s}")
        for network in self.metrics_allow:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ConfigError(f"metrics_allow: not an IP address or CIDR: {network!r}") from exc
        if self.access_log_client not in ("none", "anonymised", "full"):
            raise ConfigError(f"access_log_client must be none, anonymised or full, not {self.access_log_client!r}")

    @property
    def query_url(self) -> str | None:
        """The SPARQL query URL of a remote store (with its dataset parameters, if any)."""
        return sparql_urls(self.store)[0] if self.store.startswith("sparql:") else None

    @property
    def update_url(self) -> str | None:
        """The SPARQL Update URL of a remote store, when the store setting names one."""
        return sparql_urls(self.store)[1] if self.store.startswith("sparql:") else None

    @property
    def client_query_limit(self) -> int:
        """Queries one client may have under way at once (``queries_per_client``, resolved)."""
        return self.queries_per_client or -(-self.query_workers // 2)

    @property
    def query_thread_limit(self) -> int:
        """Request threads that may be inside queries at once (``query_threads``, resolved)."""
        return self.query_threads or max(1, self.threads - 2)

    @property
    def vocab(self) -> Vocabulary:
        """labgraph's terms, URIs and prefixes under this base (one object per base)."""
        return vocabulary(self.base_uri)

    @property
    def ontology_dir(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.project_dir / "data"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        config_file: Path | None = None,
    ) -> Settings:
        """Merge file, environment and overrides; ``None`` overrides are ignored."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = config_file or (Path(environ[ENV_PREFIX + "CONFIG"]) if ENV_PREFIX + "CONFIG" in environ else None)
        if path is None:
            project = Path((overrides or {}).get("project_dir") or environ.get(ENV_PREFIX + "PROJECT_DIR", "."))
            candidate = project / CONFIG_FILE_NAME
            path = candidate if candidate.is_file() else None
        if path is not None:
            values.update(_read_toml(path))
        for name in _field_names():
            key = ENV_PREFIX + name.upper()
            if key in environ:
                values[name] = environ[key]
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        return cls(**_coerce(values))

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **_coerce(changes))


def _field_names() -> list[str]:
    return [f.name for f in dataclasses.fields(Settings)]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("labgraph", data)
    unknown = set(table) - set(_field_names())
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(sorted(unknown))}")
    return dict(table)


def _coerce(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn strings from files and the environment into each field's type."""
    types = {f.name: f.type for f in dataclasses.fields(Settings)}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in types:
            raise ConfigError(f"unknown setting: {name}")
        kind = types[name]
        try:
            if kind in ("Path", Path):
                out[name] = Path(value)
            elif kind in ("int", int):
                out[name] = int(value)
            elif kind in ("bool", bool):
                out[name] = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
            elif kind in ("float", float):
                out[name] = float(value)
            elif str(kind).startswith("tuple"):
                items = value.split(",") if isinstance(value, str) else list(value)
                out[name] = tuple(item.strip() for item in items if item.strip())
            else:
                out[name] = str(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {name}: cannot use {value!r}: {exc}") from exc
    return out
