"""What every measurement shares: timing, statistics, HTTP clients, throughput, process memory.

A *target* is anything that can run a SPARQL query and fetch a resource description: an HTTP
server (:class:`HttpTarget`) or an engine in this process (see ``inprocess.py``). The same
functions measure all of them, so the numbers of one run compare like with like.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BASE = "https://w3id.org/labgraph/"

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"
RESOURCE_ACCEPT = "text/turtle"


# ----------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    title: str

    @property
    def form(self) -> str:
        return query_form(self.text)


def query_form(text: str) -> str:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    match = re.match(r"\s*(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", body, re.IGNORECASE)
    return match.group(1).upper() if match else "SELECT"


def load_queries(folder: Path = BENCH / "queries") -> list[Query]:
    queries = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text("utf-8")
        title = text.splitlines()[0].lstrip("# ").strip() if text.startswith("#") else path.stem
        queries.append(Query(path.stem, text, title))
    return queries


def lookup_query(iri: str) -> str:
    """The throughput workload on /sparql: every statement of one resource."""
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def describe_query(iri: str) -> str:
    return f"DESCRIBE <{iri}>"


# ----------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(seconds: Sequence[float]) -> dict[str, float | int]:
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "min_ms": round(min(ms), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


def geomean(values: Sequence[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


# ----------------------------------------------------------------------------- targets


class Outcome(Protocol):
    ok: bool


@dataclass
class Answer:
    ok: bool
    status: int = 0
    body: bytes = b""
    content_type: str = ""
    error: str | None = None


class Target(Protocol):
    name: str

    def sparql(self, query: Query | str) -> Answer: ...

    def resource(self, path: str) -> Answer:
        """Fetch the description of ``{BASE}id/{path}`` (e.g. ``lab/lab-000001``) as Turtle."""

    def fork(self) -> Target:
        """An instance for another client thread (own connection), or self if shareable."""

    def close(self) -> None: ...


class Connection:
    """One keep-alive HTTP/1.1 connection that reconnects when the server drops it."""

    def __init__(self, url: str, timeout: float = 300.0) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                body = response.read()
                head = {k.lower(): v for k, v in response.getheaders()}
                if head.get("connection", "").lower() == "close":
                    self.close()
                return response.status, head, body
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.BadStatusLine):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class HttpTarget:
    """A SPARQL endpoint over HTTP; resources either as labgraph's /id/ URIs or as DESCRIBE."""

    def __init__(
        self,
        name: str,
        base_url: str,
        endpoint: str = "/sparql",
        *,
        params: dict[str, str] | None = None,
        resources: str = "describe",  # "labgraph": GET /id/… and follow the 303; "describe": DESCRIBE <iri>
        timeout: float = 300.0,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.endpoint = urlsplit(self.base_url).path + endpoint
        self.params = params or {}
        self.resources = resources
        self.timeout = timeout
        self.http = Connection(self.base_url, timeout)

    def fork(self) -> HttpTarget:
        return HttpTarget(self.name, self.base_url, self.endpoint[len(urlsplit(self.base_url).path):],
                          params=self.params, resources=self.resources, timeout=self.timeout)

    def _query(self, text: str, accept: str) -> Answer:
        path = self.endpoint + "?" + urlencode({"query": text, **self.params})
        try:
            status, head, body = self.http.get(path, {"Accept": accept})
        except (OSError, http.client.HTTPException) as exc:
            self.http.close()
            return Answer(False, 0, b"", "", f"{type(exc).__name__}: {exc}")
        ok = status == 200
        error = None if ok else body[:300].decode("utf-8", "replace")
        return Answer(ok, status, body, head.get("content-type", ""), error)

    def sparql(self, query: Query | str) -> Answer:
        text = query.text if isinstance(query, Query) else query
        form = query_form(text)
        return self._query(text, GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else SELECT_ACCEPT)

    def resource(self, path: str) -> Answer:
        if self.resources == "describe":
            return self._query(describe_query(BASE + "id/" + path), RESOURCE_ACCEPT)
        try:
            status, head, body = self.http.get("/id/" + quote(path), {"Accept": RESOURCE_ACCEPT})
            if status != 303:
                return Answer(False, status, body, "", f"expected 303, got {status}")
            location = urlsplit(head["location"])
            target = location.path + ("?" + location.query if location.query else "")
            status, head, body = self.http.get(target, {"Accept": RESOURCE_ACCEPT})
        except (OSError, http.client.HTTPException, KeyError) as exc:
            self.http.close()
            return Answer(False, 0, b"", "", f"{type(exc).__name__}: {exc}")
        ok = status == 200
        return Answer(ok, status, body, head.get("content-type", ""), None if ok else f"status {status}")

    def close(self) -> None:
        self.http.close()


def count_results(answer: Answer) -> int | None:
    """Solutions or triples in an answer, whatever the format the server chose."""
    if not answer.ok:
        return None
    ctype = answer.content_type.split(";")[0].strip().lower()
    body = answer.body
    if "json" in ctype and "ld+json" not in ctype:
        data = json.loads(body)
        if "boolean" in data:
            return 1
        return len(data["results"]["bindings"])
    import pyoxigraph as ox

    formats = {
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "text/plain": ox.RdfFormat.N_TRIPLES,
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "application/sparql-results+xml": ox.RdfFormat.RDF_XML,  # rdflib-endpoint's label for graphs
    }
    if ctype in formats:
        return sum(1 for _ in ox.parse(body, formats[ctype]))
    if "xml" in ctype:
        results = ox.parse_query_results(body, ox.QueryResultsFormat.XML)
        return 1 if isinstance(results, ox.QueryBoolean) else sum(1 for _ in results)
    return None


# ----------------------------------------------------------------------------- measurements


@dataclass
class MixSettings:
    warmups: int = 3
    reps: int = 10
    slow_s: float = 2.0  # a query slower than this gets fewer repetitions…
    budget_s: float = 30.0  # …so that its timed runs take about this long
    query_timeout_s: float = 120.0  # a first run longer than this is stopped where possible (see guard)


def measure_mix(target: Target, queries: Sequence[Query], cfg: MixSettings,
                log: Callable[[str], None] = lambda _m: None, *,
                guard: Callable[[Query], float | None] | None = None,
                skip: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Warm-ups then timed repetitions of each query; one check of the result size.

    ``guard`` runs a query once where it can be stopped (returns its time, or None past the time
    limit); ``skip`` names queries not to send at all, with the reason (e.g. the same engine
    already ran past the limit in process).
    """
    out: dict[str, dict[str, Any]] = {}
    for query in queries:
        record: dict[str, Any] = {"form": query.form}
        if skip and query.name in skip:
            out[query.name] = {**record, "ok": False, "timeout": True, "timeout_s": cfg.query_timeout_s,
                               "error": skip[query.name]}
            log(f"  {query.name}: skipped ({skip[query.name]})")
            continue
        if guard is not None and guard(query) is None:
            out[query.name] = {**record, "ok": False, "timeout": True, "timeout_s": cfg.query_timeout_s,
                               "error": f"longer than {cfg.query_timeout_s:g} s: stopped"}
            log(f"  {query.name}: longer than {cfg.query_timeout_s:g} s, stopped")
            continue
        started = time.perf_counter()
        answer = target.sparql(query)
        first = time.perf_counter() - started
        if not answer.ok:
            record.update(ok=False, error=answer.error, status=answer.status)
            out[query.name] = record
            log(f"  {query.name}: FAILED {answer.status} {answer.error}")
            continue
        try:
            record["rows"] = count_results(answer)
        except Exception as exc:  # noqa: BLE001 - a result we cannot read is reported, not fatal
            record["rows"] = None
            record["count_error"] = f"{type(exc).__name__}: {exc}"
        warmups, reps = cfg.warmups, cfg.reps
        times: list[float] = []
        errors = 0
        if first > cfg.slow_s:  # slow: the first run counts, and fewer follow
            warmups = 0
            times.append(first)
            reps = max(1, min(cfg.reps, int(cfg.budget_s / first))) - 1
        for _ in range(max(0, warmups - 1)):
            target.sparql(query)
        for _ in range(reps):
            t0 = time.perf_counter()
            answer = target.sparql(query)
            elapsed = time.perf_counter() - t0
            if answer.ok:
                times.append(elapsed)
            else:
                errors += 1
                record["error"] = answer.error
        record.update(ok=bool(times), errors=errors, bytes=len(answer.body), **summarize(times))
        out[query.name] = record
        log(f"  {query.name}: median {record.get('median_ms', float('nan')):.2f} ms, rows {record.get('rows')}")
    return out


def measure_floor(target: Target, n: int = 200) -> dict[str, Any]:
    """Latency of ``ASK {}``: the cost of a round trip through the system, with no data touched."""
    for _ in range(20):
        target.sparql("ASK {}")
    times, errors = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        answer = target.sparql("ASK {}")
        if answer.ok:
            times.append(time.perf_counter() - t0)
        else:
            errors += 1
    return {**summarize(times), "errors": errors}


def measure_resources(target: Target, paths: Sequence[str], rounds: int = 1, warmup: int = 10) -> dict[str, Any]:
    """Sequential latency of fetching resource descriptions as Turtle."""
    for path in paths[:warmup]:
        target.resource(path)
    times, errors, sizes, samples = [], 0, [], []
    for _ in range(rounds):
        for path in paths:
            t0 = time.perf_counter()
            answer = target.resource(path)
            elapsed = time.perf_counter() - t0
            if answer.ok:
                times.append(elapsed)
                sizes.append(len(answer.body))
            else:
                errors += 1
                if len(samples) < 3:
                    samples.append(f"{path}: {answer.status} {answer.error}")
    return {**summarize(times), "errors": errors, "error_samples": samples,
            "mean_bytes": round(statistics.fmean(sizes)) if sizes else 0}


def throughput(target: Target, operation: str, items: Sequence[str], *, clients: int = 4,
               seconds: float = 20.0, seed: int = 7, processes: bool = False) -> dict[str, Any]:
    """``clients`` repeat ``operation`` ("sparql": lookup query; "resource") for ``seconds``.

    With ``processes``, each client is a forked process with its own connection: Python threads
    share one interpreter lock, so four client threads together send at most what one core of
    Python can (about 5,000 small requests/s here), and a server faster than that would be
    measured as fast as the client. In-process targets use threads (their store is not shared
    across processes).
    """
    if processes:
        parts = _client_processes(target, operation, items, clients, seconds, seed)
        elapsed = seconds
    else:
        deadline = time.perf_counter() + seconds
        parts = [None] * clients
        start = threading.Barrier(clients + 1)

        def client(i: int) -> None:
            start.wait()
            parts[i] = _client_loop(target, operation, items, seed + i, deadline)

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for thread in threads:
            thread.start()
        t0 = time.perf_counter()
        start.wait()
        for thread in threads:
            thread.join(timeout=seconds + 600)
        elapsed = time.perf_counter() - t0
    done = [p for p in parts if p is not None]
    ok = sum(p["ok"] for p in done)
    errors = sum(p["errors"] for p in done) + (clients - len(done))  # a client that never reported
    every = [x for p in done for x in p["latencies"]]
    return {
        "clients": clients,
        "client": "processes" if processes else "threads",
        "seconds": round(elapsed, 2),
        "ok": ok,
        "errors": errors,
        "per_s": round(ok / elapsed, 1) if elapsed else 0.0,
        "latency": summarize(every),
        "error_samples": [s for p in done for s in p["samples"]][:5],
    }


def _client_loop(target: Target, operation: str, items: Sequence[str], seed: int,
                 deadline: float) -> dict[str, Any]:
    """One client: its own connection, its own order of the items, until the deadline."""
    mine = target.fork()
    order = list(items)
    random.Random(seed).shuffle(order)
    ok = errors = k = 0
    latencies: list[float] = []
    samples: list[str] = []
    try:
        while time.perf_counter() < deadline:
            item = order[k % len(order)]
            k += 1
            t0 = time.perf_counter()
            try:
                answer = mine.sparql(lookup_query(BASE + "id/" + item)) if operation == "sparql" \
                    else mine.resource(item)
            except Exception as exc:  # noqa: BLE001 - counted as an error of the system under test
                answer = Answer(False, 0, b"", "", f"{type(exc).__name__}: {exc}")
            if answer.ok:
                ok += 1
                latencies.append(time.perf_counter() - t0)
            else:
                errors += 1
                if len(samples) < 5:
                    samples.append(f"{answer.status} {answer.error}"[:200])
    finally:
        if mine is not target:
            mine.close()
    return {"ok": ok, "errors": errors, "latencies": latencies, "samples": samples}


def _client_processes(target: Target, operation: str, items: Sequence[str], clients: int,
                      seconds: float, seed: int) -> list[dict[str, Any] | None]:
    """Fork the clients; they start together once all are forked (perf_counter is the same
    monotonic clock in every process) and send their counts back through a pipe."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    deadline = time.perf_counter() + 0.5 + seconds  # forking four clients takes a few ms
    starts_at = deadline - seconds
    pipes, children = [], []
    for i in range(clients):
        receive, send = context.Pipe(duplex=False)

        def run(i: int = i, send: Any = send) -> None:
            time.sleep(max(0.0, starts_at - time.perf_counter()))
            send.send(_client_loop(target, operation, items, seed + i, deadline))

        child = context.Process(target=run, daemon=True)
        child.start()
        send.close()
        pipes.append(receive)
        children.append(child)
    parts: list[dict[str, Any] | None] = []
    for receive, child in zip(pipes, children, strict=True):
        parts.append(receive.recv() if receive.poll(seconds + 600) else None)
        child.join(timeout=10)
    return parts


# ----------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def process_tree(pid: int) -> list[int]:
    tree = _children()
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(tree.get(current, []))
    return out


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: each page shared by n processes counts 1/n in each of them."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_mb(pid: int) -> dict[str, float]:
    """Memory of a process and all its descendants: resident (now, and each one's peak, summed:
    pages shared between processes count once per process) and proportional (shared pages
    counted once in all)."""
    pids = process_tree(pid)
    return {
        "rss_mb": round(sum(_status_kb(p, "VmRSS") for p in pids) / 1024, 1),
        "pss_mb": round(sum(_pss_kb(p) for p in pids) / 1024, 1),
        "peak_mb": round(sum(_status_kb(p, "VmHWM") for p in pids) / 1024, 1),
        "processes": len(pids),
    }


def self_memory_mb() -> dict[str, float]:
    return {"rss_mb": round(_status_kb(os.getpid(), "VmRSS") / 1024, 1),
            "peak_mb": round(_status_kb(os.getpid(), "VmHWM") / 1024, 1)}


@dataclass
class Server:
    """A server process this benchmark started, stopped by its own pid only."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    started: float = field(default_factory=time.perf_counter)

    def wait_ready(self, probe: Callable[[], bool], timeout: float = 1800.0, settle: bool = True) -> float:
        """Seconds from start until ``probe`` succeeds and the tree's memory stops growing."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            try:
                if probe():
                    break
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s; see {self.log}")
            time.sleep(0.05)
        if settle:
            # Workers may still be loading: wait until resident memory is stable for ~1 s.
            last = memory_mb(self.process.pid)["rss_mb"]
            stable = 0
            while stable < 4 and time.monotonic() < deadline:
                time.sleep(0.25)
                now = memory_mb(self.process.pid)["rss_mb"]
                stable = stable + 1 if abs(now - last) <= max(1.0, last * 0.005) else 0
                last = now
        return time.perf_counter() - self.started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def start(name: str, argv: list[str], url: str, log: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> Server:
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = log.open("wb")
    process = subprocess.Popen(argv, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    return Server(name, process, url, log)


def http_ok(url: str, accept: str = SELECT_ACCEPT, timeout: float = 5.0) -> bool:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        return response.status == 200
    finally:
        conn.close()


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any LABGRAPH_* setting of the person running the benchmark."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABGRAPH_")}
    env.update(extra)
    return env
