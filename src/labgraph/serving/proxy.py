"""An nginx configuration that caches labgraph in front of one or several ``labgraph serve``.

A release never changes once built, so every GET labgraph answers (303s, documents, /sparql
results) says how long it may be kept (``cache_max_age``) and what it varies on; a caching
proxy then answers repeated requests without reaching Python at all. The configuration only
honours labgraph's own headers: nothing is cached that labgraph marks ``no-store`` (errors, POST
answers) or leaves without a lifetime, and each Accept / Accept-Language / Accept-Encoding
variant is kept apart by the Vary header (nginx 1.7.7 and later).

Two shapes: a file for an existing nginx (``/etc/nginx/conf.d/labgraph.conf``, http context),
or with ``runtime_dir`` a complete ``nginx.conf`` whose pid file, logs and temporary files live
in that directory, for ``nginx -p DIR -c FILE`` run by any user (tests, the benchmark).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from labgraph.config import Settings
from labgraph.errors import ConfigError

#: ``[host:]port``, ``[v6]:port`` or ``unix:/path``: what nginx's listen and server accept.
_ADDRESS = re.compile(r"^(?:unix:/[\w./-]+|(?:[\w.-]+:|\[[0-9a-fA-F:.]+\]:)?\d{1,5})$")
_SIZE = re.compile(r"^\d+[kKmMgG]?$")
_NAME = re.compile(r"^[\w.*~-]+$")
#: Characters that would end or extend an nginx directive if written into a path.
_UNSAFE_PATH = re.compile(r"[\s;{}\"'$\\#]")
#: What the proxy forwards and labgraph believes from it (see ``trusted_proxy``).
FORWARDED = (
    ("Host", "$http_host"),
    ("X-Forwarded-Host", "$http_host"),
    ("X-Forwarded-Proto", "$scheme"),
    ("X-Forwarded-For", "$proxy_add_x_forwarded_for"),
)
CACHE_STATUS_HEADER = "X-Cache-Status"


@dataclass(frozen=True)
class ProxyOptions:
    """Where nginx listens, where labgraph answers, and where the cache lives."""

    listen: str = "80"
    upstreams: tuple[str, ...] = ()  # empty: the host and port of the settings
    cache_dir: Path | None = None  # None: runtime_dir/cache, else /var/cache/nginx/labgraph
    cache_size: str = "1g"
    server_name: str = "_"
    runtime_dir: Path | None = None  # a complete nginx.conf with its files here
    user: str | None = None  # the workers' user (only when nginx starts as root)
    access_log: bool = True


def upstreams_of(settings: Settings, options: ProxyOptions) -> tuple[str, ...]:
    """The labgraph servers to send requests to; by default the one the settings describe."""
    if options.upstreams:
        return options.upstreams
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    return (f"[{host}]:{settings.port}" if ":" in host else f"{host}:{settings.port}",)


def nginx_config(settings: Settings, options: ProxyOptions) -> str:
    """The configuration text; refuses values that nginx would read as more than one value."""
    upstreams = upstreams_of(settings, options)
    for address in (options.listen, *upstreams):
        if not _ADDRESS.match(address):
            raise ConfigError(f"not an nginx address ([HOST:]PORT or unix:/PATH): {address!r}")
    if not _SIZE.match(options.cache_size):
        raise ConfigError(f"cache size must be a number with an optional k, m or g suffix: {options.cache_size!r}")
    if not _NAME.match(options.server_name):
        raise ConfigError(f"not a server name: {options.server_name!r}")
    if options.user is not None and not _NAME.match(options.user):
        raise ConfigError(f"not a user name: {options.user!r}")
    runtime = options.runtime_dir.resolve() if options.runtime_dir else None
    cache = options.cache_dir or (runtime / "cache" if runtime else Path("/var/cache/nginx/labgraph"))
    for path in (cache, *([runtime] if runtime else [])):
        if _UNSAFE_PATH.search(str(path)):
            raise ConfigError(f"path not usable in an nginx configuration (spaces, quotes, ';', '$'…): {path}")
    http = _http_block(settings, options, upstreams, cache.resolve() if runtime else cache, runtime)
    if runtime is None:
        return _HEADER + "\n".join(http) + "\n"
    main = [
        *([f"user {options.user};"] if options.user else []),
        "worker_processes auto;",
        f"pid {runtime / 'nginx.pid'};",
        f"error_log {runtime / 'error.log'} warn;",
        "",
        "events {",
        "    worker_connections 1024;",
        "}",
        "",
        "http {",
        *(f"    {line}" if line else "" for line in _runtime_http(runtime) + [""] + http),
        "}",
    ]
    return _HEADER + "\n".join(main) + "\n"


_HEADER = """\
# nginx in front of labgraph, written by `labgraph proxy-config`.
# Caches what labgraph's Cache-Control allows (GET and HEAD only; errors and POST answers are
# no-store), one copy per Vary variant; the X-Cache-Status header says MISS, HIT, EXPIRED,
# REVALIDATED, STALE or UPDATING. Start labgraph with trusted_proxy set to this proxy's address
# (LABGRAPH_TRUSTED_PROXY=127.0.0.1 on the same host) so that it believes X-Forwarded-Proto.
"""


def _runtime_http(runtime: Path) -> list[str]:
    """A standalone nginx writes nothing outside its directory (not even Debian's default paths)."""
    temp = runtime / "tmp"
    return [
        "default_type application/octet-stream;",
        f"client_body_temp_path {temp / 'client_body'};",
        f"proxy_temp_path {temp / 'proxy'};",
        f"fastcgi_temp_path {temp / 'fastcgi'};",
        f"uwsgi_temp_path {temp / 'uwsgi'};",
        f"scgi_temp_path {temp / 'scgi'};",
    ]


def _http_block(
    settings: Settings, options: ProxyOptions, upstreams: tuple[str, ...], cache: Path, runtime: Path | None
) -> list[str]:
    # nginx's own limits sit above labgraph's, so that labgraph, which names the setting to
    # change, is the one that refuses a request too large.
    body_limit = 2 * (settings.max_query_bytes * 3 + 1024)
    header_kb = max(8, math.ceil(settings.max_url_bytes * 2 / 1024))
    read_timeout = math.ceil(settings.query_timeout_s + settings.worker_wait_s) + 15
    read_s, idle_s = math.ceil(settings.request_read_timeout_s), math.ceil(settings.idle_timeout_s)
    log = f"{runtime / 'access.log'} labgraph_cache buffer=64k flush=1s" if runtime else "/var/log/nginx/labgraph.log"
    if not options.access_log:
        log = "off"
    elif runtime is None:
        log += " labgraph_cache"
    lines = [
        f"proxy_cache_path {cache} levels=1:2 keys_zone=labgraph:10m max_size={options.cache_size} "
        "inactive=7d use_temp_path=off;",
        "# One client address holds at most connections_per_address connections (labgraph exempts",
        "# the proxy from its own per-address limit, since every client arrives from the proxy).",
        "limit_conn_zone $binary_remote_addr zone=labgraph_conn:10m;",
        "log_format labgraph_cache '$remote_addr [$time_local] \"$request\" $status $body_bytes_sent '",
        "                          '$upstream_cache_status $request_time';",
        "",
        "upstream labgraph {",
        *(f"    server {address};" for address in upstreams),
        "    keepalive 32;",
        "}",
        "",
        "server {",
        f"    listen {options.listen};",
        f"    server_name {options.server_name};",
        f"    access_log {log};",
        f"    client_max_body_size {body_limit};",
        f"    large_client_header_buffers 4 {header_kb}k;",
        f"    limit_conn labgraph_conn {settings.connections_per_address};",
        "    limit_conn_status 503;",
        f"    client_header_timeout {read_s}s;",
        f"    client_body_timeout {read_s}s;",
        f"    keepalive_timeout {idle_s}s;",
        f"    send_timeout {read_timeout}s;",
        "",
        "    # The operator's metrics stay on the servers' own addresses: through the proxy every",
        "    # request would come from the proxy's address, which metrics_allow admits by default.",
        "    location = /metrics {",
        "        return 404;",
        "    }",
        "",
        "    location / {",
        "        proxy_pass http://labgraph;",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        *(f"        proxy_set_header {name} {value};" for name, value in FORWARDED),
        f"        proxy_read_timeout {read_timeout}s;",
        "",
        "        proxy_cache labgraph;",
        "        # labgraph writes absolute URLs from the Host header: one entry per public host.",
        "        proxy_cache_key $scheme://$http_host$request_uri;",
        "        proxy_cache_methods GET HEAD;",
        "        proxy_cache_revalidate on;",
        "        proxy_cache_lock on;",
        "        proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;",
        f"        add_header {CACHE_STATUS_HEADER} $upstream_cache_status always;",
        "    }",
        "}",
    ]
    return lines
