"""labgraph's benchmark: one command, every system, the same data and queries, one run.

    .venv/bin/python benchmarks/run.py                       # 10k and 100k quads (make bench)
    .venv/bin/python benchmarks/run.py --sizes 10k,100k,1m   # 1M too (slow: about an hour)
    .venv/bin/python benchmarks/run.py --systems pyoxigraph-memory,labgraph-disk --sizes 10k

For each size it generates the synthetic graph (cached under benchmarks/data/), then measures,
one system after the other: load time and rate, memory, the 14-query mix (warm-ups, then timed
repetitions: median and p95), resource descriptions as Turtle (labgraph's /id/ URIs, DESCRIBE
elsewhere) and HTTP throughput with several concurrent clients. It writes
benchmarks/results/{size}.json and regenerates benchmarks/RESULTS.md from every results file.
Timings are never asserted: targets are judged as ratios between systems of the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import harness  # noqa: E402
import report  # noqa: E402
import virtuoso  # noqa: E402
from harness import BENCH, ROOT, HttpTarget, MixSettings  # noqa: E402

BIN = Path(sys.executable).parent
SYSTEMS = {
    "pyoxigraph-memory": "pyoxigraph in process, in memory (the reference)",
    "pyoxigraph-disk": "pyoxigraph in process, on-disk RocksDB store opened read-only",
    "labgraph-disk": "labgraph serve, embedded store on disk (the default)",
    "labgraph-memory": "labgraph serve, embedded store in memory (store_memory = true)",
    "labgraph-processes": "labgraph serve --processes 2, embedded store in memory",
    "labgraph-nginx": "labgraph serve in memory behind nginx, configured by `labgraph proxy-config` (a cache: after "
                      "the first pass over the sample, the mix, resource and throughput requests are cache hits)",
    "oxigraph-server": "Oxigraph server (oxigraph serve) over HTTP",
    "labgraph-oxigraph": "labgraph serve on the Oxigraph server (--store sparql:…/query, loaded by labgraph publish)",
    "virtuoso": "Virtuoso over HTTP (/sparql)",
    "labgraph-virtuoso": "labgraph serve on Virtuoso (--store sparql:…/sparql)",
    "rdflib": "rdflib in process, default (Memory) store",
    "rdflib-endpoint": "rdflib-endpoint over HTTP (FastAPI + uvicorn on rdflib)",
}
IN_PROCESS = ("pyoxigraph-memory", "pyoxigraph-disk", "rdflib")
STEPS = {
    "build": "labgraph's build steps and SHACL validation on the generated project",
    "internals": "where labgraph's time goes, in process (worker, describe)",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ----------------------------------------------------------------------------- context


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    os_name = platform.platform()
    try:
        pretty = next(line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                      if line.startswith("PRETTY_NAME="))
        os_name = f"{pretty} ({platform.release()})"
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1), "os": os_name,
            "python": platform.python_version()}


def versions() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for package in ("pyoxigraph", "oxigraph", "rdflib", "pyshacl", "rdflib-endpoint", "flask", "waitress",
                    "SPARQLWrapper"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = None
    out["virtuoso"] = virtuoso.version()
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True,
                               text=True, timeout=10).stdout.strip()
        out["labgraph"] = commit + (" (src/ modified)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        out["labgraph"] = None
    return out


# ----------------------------------------------------------------------------- runs


class Run:
    def __init__(self, args: argparse.Namespace, size: str, folder: Path) -> None:
        self.args = args
        self.size = size
        self.folder = folder
        self.release = folder / "release"
        self.info = json.loads((folder / "generated.json").read_text("utf-8"))
        self.store_quads = self.info["quads"] + self.info["triples"]  # named graphs + merged default graph
        sample = self.info["sample"]
        self.resources = sample["labs"][:80] + sample["people"][:50] + sample["events"][:50] + \
            sample["organisations"][:20]
        self.lookups = sample["labs"] + sample["people"] + sample["events"]
        self.scratch = folder / "scratch"
        self.logs = folder / "logs"
        self.queries = harness.load_queries()
        if args.queries:
            self.queries = [q for q in self.queries if q.name in args.queries.split(",")]
        self.mix = MixSettings(warmups=args.warmups, reps=args.reps, query_timeout_s=args.query_limit)
        self.results: dict[str, Any] = {}
        # labgraph's remote store finds the release through build_dir/current.
        build = folder / "build"
        build.mkdir(exist_ok=True)
        current = build / "current"
        if not current.is_symlink():
            current.symlink_to(Path("..") / "release")

    # ------------------------------------------------------------------ helpers

    def measure(self, target: harness.Target, name: str, skip: dict[str, str] | None = None) -> dict[str, Any]:
        say = log if self.args.verbose else (lambda _m: None)
        out: dict[str, Any] = {"floor": harness.measure_floor(target),
                               "queries": harness.measure_mix(target, self.queries, self.mix, say, skip=skip)}
        out["resource"] = harness.measure_resources(target, self.resources)
        out["throughput"] = {}
        for operation in ("sparql", "resource"):
            items = self.lookups if operation == "sparql" else self.resources
            out["throughput"][operation] = harness.throughput(
                target, operation, items, clients=self.args.clients, seconds=self.args.seconds,
                processes=not self.args.client_threads,
            )
        target.close()
        log(f"{name}: mix geomean {_geo(out['queries']):.2f} ms; resource median "
            f"{out['resource'].get('median_ms', float('nan'))} ms; throughput sparql "
            f"{out['throughput']['sparql']['per_s']}/s ({out['throughput']['sparql']['errors']} errors), resource "
            f"{out['throughput']['resource']['per_s']}/s ({out['throughput']['resource']['errors']} errors)")
        return out

    def labgraph(self, name: str, store: str, *, memory: bool = False, timeout_s: float | None = None,
                 processes: int = 1) -> harness.Server:
        port = harness.free_port()
        argv = [str(BIN / "labgraph"), "--project-dir", str(ROOT), "--build-dir", str(self.folder / "build"),
                "--store", store, "serve", "--port", str(port), "--processes", str(processes)]
        env = harness.clean_env(LABGRAPH_STORE_MEMORY="true" if memory else "false")
        if timeout_s is not None:
            env["LABGRAPH_QUERY_TIMEOUT_S"] = str(timeout_s)
        return harness.start(name, argv, f"http://127.0.0.1:{port}", self.logs / f"{name}.log", env=env, cwd=ROOT)

    def labgraph_ready(self, server: harness.Server) -> float:
        return server.wait_ready(lambda: harness.http_ok(server.url + "/sparql?query=ASK%7B%7D"))

    def oxigraph_server(self, name: str, location: Path) -> harness.Server:
        port = harness.free_port()
        server = harness.start(
            name, [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            f"http://127.0.0.1:{port}", self.logs / f"{name}.log",
        )
        server.wait_ready(lambda: harness.http_ok(server.url + "/query?query=ASK%7B%7D"), settle=False)
        return server

    def fresh(self, name: str) -> Path:
        path = self.scratch / name
        if path.exists():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def load_record(self, seconds: float, what: str, quads: int | None = None) -> dict[str, Any]:
        quads = self.store_quads if quads is None else quads
        return {"seconds": round(seconds, 3), "quads": quads, "per_s": round(quads / seconds) if seconds else None,
                "what": what}

    # ------------------------------------------------------------------ systems

    def in_process(self, system: str) -> dict[str, Any]:
        config = {
            "mix": self.mix.__dict__,
            "resources": self.resources,
            "lookups": self.lookups,
            "clients": self.args.clients,
            "seconds": self.args.seconds,
            "scratch": str(self.scratch),
            "verbose": self.args.verbose,
            "only": [q.name for q in self.queries],
        }
        self.scratch.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, str(BENCH / "inprocess.py"), system, str(self.release), json.dumps(config)],
            capture_output=True, text=True, timeout=self.args.system_timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{system} failed: {done.stderr[-2000:]}")
        if self.args.verbose and done.stderr:
            print(done.stderr, end="")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        log(f"{system}: loaded {result['load']['quads']} quads in {result['load']['seconds']} s; mix geomean "
            f"{_geo(result['queries']):.2f} ms; resource median {result['resource'].get('median_ms')} ms; "
            f"throughput sparql {result['throughput']['sparql']['per_s']}/s, "
            f"resource {result['throughput']['resource']['per_s']}/s")
        return result

    def labgraph_embedded(self, system: str) -> dict[str, Any]:
        memory = system in ("labgraph-memory", "labgraph-processes")
        processes = 2 if system == "labgraph-processes" else 1
        server = self.labgraph(system, f"oxigraph:{self.release}", memory=memory, processes=processes)
        try:
            ready = self.labgraph_ready(server)
            loaded = harness.memory_mb(server.process.pid)
            what = ("server start: the build's store opened read-only, 2 query workers" if not memory else
                    "server start: the release loaded into memory in the server and each of 2 query workers")
            result = {"system": system, "kind": "http", "load": self.load_record(ready, what),
                      "memory_after_load": loaded}
            result.update(self.measure(HttpTarget(system, server.url, "/sparql", resources="labgraph"), system))
            result["memory"] = harness.memory_mb(server.process.pid)
            return result
        finally:
            server.stop()

    def labgraph_nginx(self, system: str) -> dict[str, Any]:
        """labgraph in memory behind the nginx cache that `labgraph proxy-config` configures.

        The timed requests repeat the same queries and resources, so apart from the first request
        of each (a miss, answered by labgraph) they measure nginx answering from its cache.
        """
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if nginx is None:
            return {"system": system, "skipped": "nginx is not installed (apt-get install nginx)"}
        server = self.labgraph(system, f"oxigraph:{self.release}", memory=True)
        proxy = None
        try:
            ready = self.labgraph_ready(server)
            proxy = self.nginx_proxy(nginx, server.url)
            result = {"system": system, "kind": "http",
                      "load": self.load_record(ready, "server start: the release loaded into memory in the server "
                                                      "and each of 2 query workers (nginx starts in < 1 s)"),
                      "memory_after_load": _sum(harness.memory_mb(server.process.pid),
                                                harness.memory_mb(proxy.process.pid))}
            result.update(self.measure(HttpTarget(system, proxy.url, "/sparql", resources="labgraph"), system))
            result["memory"] = _sum(harness.memory_mb(server.process.pid), harness.memory_mb(proxy.process.pid))
        finally:
            if proxy is not None:
                proxy.process.send_signal(signal.SIGQUIT)  # graceful: the access log is flushed
                try:
                    proxy.process.wait(timeout=30)
                finally:
                    proxy.stop()
            server.stop()
        result["cache"] = _cache_statuses(proxy.log.parent / "nginx" / "access.log")
        log(f"{system}: nginx cache statuses {result['cache']}")
        return result

    def nginx_proxy(self, binary: str, upstream: str) -> harness.Server:
        from labgraph.config import Settings
        from labgraph.serving.proxy import ProxyOptions, nginx_config

        directory = self.logs / "nginx"
        if directory.exists():
            shutil.rmtree(directory)
        for part in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / "tmp" / part).mkdir(parents=True)
        port = harness.free_port()
        options = ProxyOptions(listen=f"127.0.0.1:{port}", upstreams=(upstream.removeprefix("http://"),),
                               runtime_dir=directory, user="root" if os.geteuid() == 0 else None)
        conf = directory / "nginx.conf"
        conf.write_text(nginx_config(Settings.load({}, environ={}), options), encoding="utf-8")
        server = harness.start("nginx", [binary, "-p", str(directory), "-c", str(conf), "-e",
                                         str(directory / "error.log"), "-g", "daemon off;"],
                               f"http://127.0.0.1:{port}", self.logs / "nginx.log")
        server.wait_ready(lambda: harness.http_ok(server.url + "/sparql?query=ASK%7B%7D"), timeout=30, settle=False)
        return server

    def oxigraph_peer(self, system: str) -> dict[str, Any]:
        location = self.fresh("oxigraph-load")
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(self.release / "labgraph.nq"),
             "--file", str(self.release / "labgraph.ttl")],
            check=True, capture_output=True, timeout=self.args.system_timeout,
        )
        seconds = time.perf_counter() - started
        server = self.oxigraph_server(system, location)
        try:
            result = {"system": system, "kind": "http",
                      "load": self.load_record(seconds, "oxigraph load (bulk, parallel) of labgraph.nq + labgraph.ttl"),
                      "memory_after_load": harness.memory_mb(server.process.pid)}
            result.update(self.measure(HttpTarget(system, server.url, "/query"), system))
            result["memory"] = harness.memory_mb(server.process.pid)
            return result
        finally:
            server.stop()
            shutil.rmtree(location, ignore_errors=True)

    def labgraph_oxigraph(self, system: str) -> dict[str, Any]:
        from labgraph.store.publish import publish

        location = self.fresh("oxigraph-publish")
        backend = self.oxigraph_server("oxigraph-for-labgraph", location)
        server = None
        publish_error = None
        try:
            started = time.perf_counter()
            try:
                publish(self.release, backend.url + "/store")
                what = "labgraph publish (Graph Store Protocol PUTs) into oxigraph serve"
            except Exception as exc:  # noqa: BLE001 - recorded; the server is then loaded another way
                publish_error = f"{type(exc).__name__}: {exc}"[:500]
                log(f"labgraph publish FAILED after {time.perf_counter() - started:.0f} s: {publish_error}")
                backend.stop()
                shutil.rmtree(location)
                started = time.perf_counter()
                subprocess.run(
                    [str(BIN / "oxigraph"), "load", "--location", str(location), "--file",
                     str(self.release / "labgraph.nq"), "--file", str(self.release / "labgraph.ttl")],
                    check=True, capture_output=True, timeout=self.args.system_timeout,
                )
                what = "oxigraph load (labgraph publish failed: see publish_error)"
                backend = self.oxigraph_server("oxigraph-for-labgraph", location)
            seconds = time.perf_counter() - started
            server = self.labgraph(system, f"sparql:{backend.url}/query")
            self.labgraph_ready(server)
            result = {"system": system, "kind": "http", "publish_error": publish_error,
                      "load": self.load_record(seconds, what),
                      "memory_after_load": _sum(harness.memory_mb(server.process.pid),
                                                harness.memory_mb(backend.process.pid))}
            result.update(self.measure(HttpTarget(system, server.url, "/sparql", resources="labgraph"), system))
            result["memory"] = _sum(harness.memory_mb(server.process.pid), harness.memory_mb(backend.process.pid))
            return result
        finally:
            if server is not None:
                server.stop()
            backend.stop()
            shutil.rmtree(location, ignore_errors=True)

    def virtuoso_systems(self, wanted: list[str]) -> dict[str, Any]:
        why = virtuoso.available()
        if why:
            return {s: {"system": s, "skipped": why} for s in wanted}
        out: dict[str, Any] = {}
        instance = virtuoso.Virtuoso(self.fresh("virtuoso"), self.folder)
        instance.start()
        try:
            seconds = instance.bulk_load(self.release)
            graph = {"default-graph-uri": virtuoso.DEFAULT_GRAPH}
            if "virtuoso" in wanted:
                result = {"system": "virtuoso", "kind": "http",
                          "load": self.load_record(seconds, "Virtuoso bulk loader (ld_dir + rdf_loader_run + "
                                                            "checkpoint) of labgraph.nq + labgraph.ttl"),
                          "memory_after_load": harness.memory_mb(instance.server.process.pid)}  # type: ignore[union-attr]
                result.update(self.measure(HttpTarget("virtuoso", instance.url, "/sparql", params=graph), "virtuoso"))
                result["memory"] = harness.memory_mb(instance.server.process.pid)  # type: ignore[union-attr]
                out["virtuoso"] = result
            if "labgraph-virtuoso" in wanted:
                out["labgraph-virtuoso"] = self.labgraph_virtuoso(instance, seconds)
        finally:
            instance.stop()
            shutil.rmtree(instance.dir, ignore_errors=True)
        return out

    def labgraph_virtuoso(self, instance: virtuoso.Virtuoso, load_s: float) -> dict[str, Any]:
        system = "labgraph-virtuoso"
        # The merged graph as the default graph, named in the store URL (labgraph sends it with
        # every query that does not choose its own dataset).
        url = f"{instance.url}/sparql?default-graph-uri={virtuoso.DEFAULT_GRAPH}"
        server = self.labgraph(system, f"sparql:{url}")
        try:
            self.labgraph_ready(server)
            result = {"system": system, "kind": "http",
                      "load": self.load_record(load_s, "Virtuoso bulk loader (labgraph publish not used)"),
                      "memory_after_load": _sum(harness.memory_mb(server.process.pid),
                                                harness.memory_mb(instance.server.process.pid))}  # type: ignore[union-attr]
            result.update(self.measure(HttpTarget(system, server.url, "/sparql", resources="labgraph"), system))
            result["memory"] = _sum(harness.memory_mb(server.process.pid),
                                    harness.memory_mb(instance.server.process.pid))  # type: ignore[union-attr]
            return result
        finally:
            server.stop()

    def rdflib_endpoint(self, system: str) -> dict[str, Any]:
        try:
            import rdflib_endpoint  # noqa: F401
        except ImportError:
            return {"system": system,
                    "skipped": "rdflib-endpoint is not installed (pip install 'rdflib-endpoint[cli]')"}
        port = harness.free_port()
        server = harness.start(
            system, [sys.executable, str(BENCH / "rdflib_endpoint_server.py"), str(self.release), str(port)],
            f"http://127.0.0.1:{port}", self.logs / f"{system}.log",
        )
        try:
            ready = server.wait_ready(lambda: harness.http_ok(server.url + "/sparql?query=ASK%7B%7D"),
                                      timeout=self.args.system_timeout)
            parsed = next((float(line.split()[2]) for line in server.log.read_text().splitlines()
                           if line.startswith("loaded in")), ready)
            result = {"system": system, "kind": "http",
                      "load": {**self.load_record(parsed, "rdflib Dataset.parse of labgraph.nq + labgraph.ttl"),
                               "ready_s": round(ready, 3)},
                      "memory_after_load": harness.memory_mb(server.process.pid)}
            # Same engine as rdflib in process: a query it had to stop there is not sent here (the
            # server cannot be interrupted and would block every later request).
            stopped = {name: f"not sent: rdflib in process ran past {self.args.query_limit:g} s"
                       for name, q in self.results.get("rdflib", {}).get("queries", {}).items() if q.get("timeout")}
            result.update(self.measure(HttpTarget(system, server.url, "/sparql"), system, skip=stopped))
            result["memory"] = harness.memory_mb(server.process.pid)
            return result
        finally:
            server.stop()

    def internals(self) -> dict[str, Any]:
        config = {"reps": self.args.reps, "resources": self.resources, "only": [q.name for q in self.queries]}
        done = subprocess.run(
            [sys.executable, str(BENCH / "diagnose.py"), str(self.release), json.dumps(config)],
            capture_output=True, text=True, timeout=self.args.system_timeout,
        )
        if done.returncode != 0:
            return {"failed": done.stderr[-2000:]}
        result = json.loads(done.stdout.strip().splitlines()[-1])
        for mode, section in result.items():
            log(f"internals ({mode}): describe {section.get('describe_ms')} ms vs Oxigraph DESCRIBE "
                f"{section.get('oxigraph_describe_ms')} ms; query path (ASK) {section.get('query_path_ask_ms')} ms")
        return result

    def build(self) -> dict[str, Any]:
        steps = ["load", "native", "consistency", "stats"]
        target = generate.size_of(self.size)
        if target <= generate.size_of(self.args.shacl_max):
            steps.append("shacl")
        if target <= generate.size_of(self.args.build_max):
            steps.append("build")
        out: dict[str, Any] = {"steps": steps}
        process = subprocess.Popen(
            [sys.executable, str(BENCH / "buildbench.py"), str(self.folder / "project"), ",".join(steps)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=self.args.shacl_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            out["timeout_s"] = self.args.shacl_timeout
        for line in stdout.splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                out[record.pop("step")] = record
        if process.returncode not in (0, None) and "timeout_s" not in out:
            out["error"] = stderr[-1500:]
        log(f"build: parse-and-load {out.get('load', {}).get('per_s')} quads/s; SHACL "
            f"{out.get('shacl', {}).get('seconds', 'skipped')} s; "
            f"full build {out.get('build', {}).get('seconds', '-')} s")
        return out

    # ------------------------------------------------------------------ all

    def run(self, systems: list[str]) -> dict[str, Any]:
        record: dict[str, Any] = {
            "size": self.size,
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "versions": versions(),
            "config": {"reps": self.args.reps, "warmups": self.args.warmups, "clients": self.args.clients,
                       "seconds": self.args.seconds, "resources": len(self.resources)},
            "generated": {k: v for k, v in self.info.items() if k not in ("sample", "key")},
            "labgraph_default": "labgraph-memory" if _default_memory() else "labgraph-disk",
            "systems": {},
        }
        if "build" in systems:
            record["build"] = self.build()
        if "internals" in systems:
            record["internals"] = self.internals()
        for system in systems:
            if system in STEPS or system in record["systems"]:
                continue
            log(f"--- {self.size}: {system}")
            try:
                if system in IN_PROCESS:
                    record["systems"][system] = self.in_process(system)
                elif system in ("labgraph-disk", "labgraph-memory", "labgraph-processes"):
                    record["systems"][system] = self.labgraph_embedded(system)
                elif system == "labgraph-nginx":
                    record["systems"][system] = self.labgraph_nginx(system)
                elif system == "oxigraph-server":
                    record["systems"][system] = self.oxigraph_peer(system)
                elif system == "labgraph-oxigraph":
                    record["systems"][system] = self.labgraph_oxigraph(system)
                elif system in ("virtuoso", "labgraph-virtuoso"):
                    wanted = [s for s in ("virtuoso", "labgraph-virtuoso") if s in systems]
                    record["systems"].update(self.virtuoso_systems(wanted))
                elif system == "rdflib-endpoint":
                    record["systems"][system] = self.rdflib_endpoint(system)
            except Exception as exc:  # noqa: BLE001 - one system failing must not lose the others
                log(f"{system} FAILED: {type(exc).__name__}: {exc}")
                record["systems"][system] = {"system": system, "failed": f"{type(exc).__name__}: {exc}"[:2000]}
            self.results = record["systems"]
        check_rows(record)
        shutil.rmtree(self.scratch, ignore_errors=True)
        return record


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The earlier results with this run's measurements put in; each part keeps the date it was measured."""
    merged = dict(old)
    for step in STEPS:
        if step in new:
            merged[step] = new[step]
    merged["systems"] = {**old.get("systems", {}), **new["systems"]}
    merged.setdefault("updates", []).append(
        {"date": new["date"], "parts": [s for s in STEPS if s in new] + list(new["systems"]),
         "labgraph": new["versions"].get("labgraph")})
    check_rows(merged)
    return merged


def check_rows(record: dict[str, Any]) -> None:
    """Compare each system's result sizes with the reference's (pyoxigraph in memory)."""
    reference = record["systems"].get("pyoxigraph-memory", {}).get("queries")
    if not reference:
        return
    mismatches = []
    for name, system in record["systems"].items():
        for query, result in system.get("queries", {}).items():
            expected = reference.get(query, {}).get("rows")
            got = result.get("rows")
            if expected is not None and got is not None and got != expected:
                mismatches.append({"system": name, "query": query, "expected": expected, "got": got})
    record["row_mismatches"] = mismatches


def _cache_statuses(access_log: Path) -> dict[str, int]:
    """Requests per $upstream_cache_status (the last field but one of proxy.py's log format)."""
    counts: dict[str, int] = {}
    if access_log.is_file():
        for line in access_log.read_text("utf-8", "replace").splitlines():
            fields = line.split()
            if len(fields) >= 2:
                counts[fields[-2]] = counts.get(fields[-2], 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _default_memory() -> bool:
    from labgraph.config import Settings

    return bool(Settings.load({}, environ={}).store_memory)


def _geo(queries: dict[str, Any]) -> float:
    return harness.geomean([q.get("median_ms") for q in queries.values() if q.get("ok")]) or float("nan")


def _sum(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: round(a.get(k, 0) + b.get(k, 0), 1) for k in a}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1m or a number of quads")
    parser.add_argument("--systems", default="all", help="comma-separated among: " + ", ".join([*STEPS, *SYSTEMS]))
    parser.add_argument("--queries", default="", help="only these queries (comma-separated names)")
    parser.add_argument("--reps", type=int, default=10, help="timed repetitions per query")
    parser.add_argument("--warmups", type=int, default=3, help="warm-up runs per query")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for throughput")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each throughput test")
    parser.add_argument("--client-threads", action="store_true",
                        help="HTTP throughput clients as threads of one process (as before session 4), not processes")
    parser.add_argument("--query-limit", type=float, default=120.0,
                        help="a query running longer is stopped (rdflib in process) or not repeated (s)")
    parser.add_argument("--shacl-max", default="1m", help="largest size validated with SHACL")
    parser.add_argument("--shacl-timeout", type=float, default=1800.0, help="time limit of the build section (s)")
    parser.add_argument("--build-max", default="100k", help="largest size for the full run_build (no SHACL)")
    parser.add_argument("--system-timeout", type=float, default=3600.0, help="time limit of one system (s)")
    parser.add_argument("--data", type=Path, default=BENCH / "data", help="cache of generated graphs")
    parser.add_argument("--results", type=Path, default=BENCH / "results", help="where {size}.json go")
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md", help="the Markdown report")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--merge", action="store_true",
                        help="update the existing results file with what this run measures, keep the rest")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny run: 10k, pyoxigraph-memory and labgraph-disk, 1 repetition, 1 s throughput")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes = "10k" if args.sizes == "10k,100k" else args.sizes
        args.systems = "pyoxigraph-memory,labgraph-disk" if args.systems == "all" else args.systems
        args.reps, args.warmups, args.seconds = 2, 1, 1.0
    systems = [*STEPS, *SYSTEMS] if args.systems == "all" else [s.strip() for s in args.systems.split(",")]
    unknown = set(systems) - set(SYSTEMS) - set(STEPS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")
    if "pyoxigraph-memory" not in systems and not args.merge:
        systems.insert(0, "pyoxigraph-memory")  # the reference every ratio is taken to
    systems.sort(key=lambda s: (s not in STEPS, s != "pyoxigraph-memory"))
    args.results.mkdir(parents=True, exist_ok=True)
    for size in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
        folder = generate.ensure(size, args.data, say=log)
        record = Run(args, size, folder).run(systems)
        path = args.results / f"{size}.json"
        if args.merge and path.is_file():
            record = merge(json.loads(path.read_text("utf-8")), record)
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
        log(f"wrote {path}")
    if not args.no_report:
        report.write(args.results, args.report)
        log(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
