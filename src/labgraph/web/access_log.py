"""The access log: one JSON line per request, for an operator's tools (jq, Loki, Elasticsearch).

A line says what was asked and how it went (time, method, URL rule, path, status, bytes,
duration, the time spent in the store) and, for a SPARQL query, its hash and length, the same
hash the store's log gives a worker that died running it (:func:`labgraph.store.faults.query_label`),
so the two can be matched. It holds nothing private by default: no query string (it carries
the query and a reader's search), no query text (``access_log_queries``), no client address
(``access_log_client``: none, anonymised or full), no cookie, no header at all.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import sys
import threading
from pathlib import Path
from typing import Any

#: The destinations that are streams of the process; anything else but "off" is a file path.
STREAMS = ("stderr", "stdout")


class AccessLog:
    """Writes lines to ``stderr``, ``stdout`` or a file, or nowhere (``off``).

    The stream is looked up at each line (not kept), so a test harness that swaps
    ``sys.stderr`` gets the lines; a file is opened for each line, in append mode, so that
    logrotate may move it at any time and several server processes may share it (each line is
    one ``write`` of less than the pipe buffer, which O_APPEND keeps whole)."""

    def __init__(self, destination: str) -> None:
        self.destination = destination
        self.enabled = destination != "off"
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        if not self.enabled:
            return
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            if self.destination in STREAMS:
                stream = getattr(sys, self.destination)
                stream.write(line)
                stream.flush()
            else:
                with Path(self.destination).open("a", encoding="utf-8") as handle:
                    handle.write(line)


def query_fields(text: str, with_text: bool) -> dict[str, Any]:
    """A query as the access log names it: its hash and length, and its text only if allowed."""
    data = text.encode("utf-8", "replace")
    fields: dict[str, Any] = {"query_hash": hashlib.sha256(data).hexdigest()[:12], "query_bytes": len(data)}
    if with_text:
        fields["query"] = text
    return fields


def client_address(address: str | None, mode: str) -> str | None:
    """The client's address as ``access_log_client`` allows: none, anonymised (an IPv4 address
    to its /24, an IPv6 one to its /48, as web analytics tools anonymise) or full."""
    if mode == "none" or not address:
        return None
    if mode == "full":
        return address
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
