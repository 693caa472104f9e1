"""A private Virtuoso instance (Debian package ``virtuoso-opensource``) for the benchmark.

It runs from its own directory with its own ``virtuoso.ini`` on free loopback ports, never
touching the system-wide database, and is loaded with Virtuoso's bulk loader (``ld_dir`` +
``rdf_loader_run``): the named graphs from ``labgraph.nq`` and the merged graph from
``labgraph.ttl`` into ``urn:labgraph:default``, which every query names as its default graph
(``default-graph-uri``), since Virtuoso's own default graph is the union of all graphs.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import harness

DEFAULT_GRAPH = "urn:labgraph:default"
BINARY = "virtuoso-t"
ISQL = "isql-vt"

INI = """[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = {sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 0
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {dir}, {data}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 2G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
; ORDER BY with LIMIT above this fails (SR353); labgraph asks for max_rows + 1 = 10,001 rows
; (below that, it asks for max_rows and flags every full sorted answer as truncated)
MaxSortedTopRows         = 1000000
AsyncQueueMaxThreads     = 10
; 2 GB of buffers, Virtuoso's recommendation for a machine with 4 GB free for it
NumberOfBuffers          = 170000
MaxDirtyBuffers          = 130000

[HTTPServer]
ServerPort                  = {http_port}
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 20
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 20
MaxKeepAlives               = 20
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
MaintenancePage             = atomic.html
EnabledGzipContent          = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[Replication]
ServerName   = db
ServerEnable = 1
QueueMax     = 50000

[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:{http_port}

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 300
DeferInferenceRulesInit    = 0
"""


def available() -> str | None:
    """None if Virtuoso can run here, else why not."""
    missing = [b for b in (BINARY, ISQL) if shutil.which(b) is None]
    if missing:
        return f"{', '.join(missing)} not found: install the Debian package virtuoso-opensource"
    return None


def version() -> str | None:
    if available():
        return None
    done = subprocess.run([BINARY, "-?"], capture_output=True, text=True, timeout=30)
    for line in (done.stdout + done.stderr).splitlines():
        if "Version" in line:
            return line.strip()
    return None


class Virtuoso:
    def __init__(self, workdir: Path, data: Path) -> None:
        self.dir = workdir
        self.data = data
        self.sql_port = harness.free_port()
        self.http_port = harness.free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.server: harness.Server | None = None

    def start(self) -> harness.Server:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        ini = self.dir / "virtuoso.ini"
        ini.write_text(
            INI.format(dir=self.dir, data=self.data, sql_port=self.sql_port, http_port=self.http_port), "utf-8"
        )
        self.server = harness.start(
            "virtuoso", [BINARY, "+configfile", str(ini), "+foreground"], self.url, self.dir / "stdout.log",
            cwd=self.dir,
        )
        self.server.wait_ready(lambda: harness.http_ok(self.url + "/sparql?query=ASK%7B%7D"), timeout=300,
                               settle=False)
        return self.server

    def isql(self, sql: str, timeout: float = 7200) -> str:
        done = subprocess.run(
            [ISQL, str(self.sql_port), "dba", "dba", f"exec={sql}"],
            capture_output=True, text=True, timeout=timeout,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout[-800:]} {done.stderr[-800:]}")
        return done.stdout

    def bulk_load(self, release: Path) -> float:
        started = time.perf_counter()
        self.isql(
            f"ld_dir('{release}', 'labgraph.nq', 'urn:labgraph:unused'); "
            f"ld_dir('{release}', 'labgraph.ttl', '{DEFAULT_GRAPH}'); "
            "rdf_loader_run(); checkpoint;"
        )
        seconds = time.perf_counter() - started
        state = self.isql("SELECT ll_file, ll_state, ll_error FROM DB.DBA.load_list;")
        if "NULL" not in state or "Error" in state:
            raise RuntimeError(f"Virtuoso's bulk loader reported: {state[-800:]}")
        return seconds

    def stop(self) -> None:
        if self.server is not None:
            try:
                self.isql("shutdown;", timeout=60)
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
            try:
                self.server.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
            self.server.stop()
            self.server = None
