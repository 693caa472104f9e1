"""Every error labgraph raises on purpose, so callers can tell bad input from bugs.

    LabgraphError
     ├── ConfigError              a setting has a bad value or the config file is unreadable
     ├── DataError                input files are wrong; the message says where
     │    ├── SourceFileError     a file labgraph refuses to read (wrong extension, not UTF-8)
     │    ├── ParseError          Turtle syntax error, with file, line and column
     │    ├── ConflictError       the same URI gets contradictory values in two files
     │    ├── ShapeViolations     the dataset does not pass the SHACL shapes
     │    ├── MappingError        a merge mapping or its input is wrong
     │    └── CatalogueError      a catalogue query file is wrong
     ├── BuildError               the build could not be written; the previous release is kept
     ├── ReleaseError             a release directory cannot be read
     ├── RequestError             what a client asked for is wrong, not the server
     │    ├── ProtocolError       the HTTP request breaks the SPARQL protocol (carries its status)
     │    ├── ParameterError      a catalogue query parameter has a bad value
     │    │    └── CardFilterError a card filter (/api/labs) is unknown or matches no structure
     │    ├── QueryRejected       the query gate refuses the query before any engine sees it
     │    │    ├── QueryTooLarge  over max_query_bytes
     │    │    └── QueryForbidden an operation this endpoint never runs (SERVICE off the allow-list)
     │    ├── QueryFailed         the engine refused the query (syntax, unsupported form)
     │    └── ContributionError   a proposal or a curator's action that cannot be done as asked
     │         ├── InvalidProposal       breaks the card's rules or the shapes, field by field
     │         ├── ProposalTooLarge      over contribution_max_bytes
     │         ├── UnknownContribution   no proposal has this number
     │         ├── ContributionConflict  its state changed meanwhile (another curator decided)
     │         ├── RateLimited           too many submissions or sign-ins from one address
     │         └── NotAuthorised         no curator session, or a missing or replayed CSRF token
     └── StoreError               the store could not answer
          ├── QueryTimeout        the query ran past query_timeout_s and was stopped
          │    └── RemoteTimeout  the remote server did not answer in time
          ├── TooBusy             every query worker stayed busy for worker_wait_s
          ├── QueryCrashed        the engine died running the query
          │    └── QueryCrashedTwice  and again when run a second time, on another worker
          ├── ForkRefused         the system refused a new query worker
          └── StoreUnavailable    a remote store cannot be reached or answered badly
               └── RemoteLimit    a limit of the remote server's own configuration
                    └── RemoteSortLimit

An error names the setting an operator would change in ``setting`` when a limit caused it. No
class here knows HTTP (but ProtocolError, whose meaning is an HTTP status): the web layer maps
classes to statuses in one table (:mod:`labgraph.web.errors`). The command line prints the
message of a LabgraphError and exits with status 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class LabgraphError(Exception):
    """Base class of the errors that carry a message meant for the user."""

    #: The setting an operator would change, when a limit caused the error.
    setting: str | None = None

    def __init__(self, message: str = "", *, setting: str | None = None) -> None:
        super().__init__(message)
        if setting is not None:
            self.setting = setting


class ConfigError(LabgraphError):
    pass


class DataError(LabgraphError):
    pass


class SourceFileError(DataError):
    pass


@dataclass
class ParseError(DataError):
    path: Path
    line: int | None
    column: int | None
    detail: str

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.detail}"


@dataclass
class Conflict:
    """One URI with incompatible values for a single-valued property, by file."""

    subject: str
    predicate: str
    values: dict[str, list[str]]  # file -> values stated there

    def __str__(self) -> str:
        stated = "; ".join(f"{file}: {', '.join(vals)}" for file, vals in sorted(self.values.items()))
        return f"<{self.subject}> <{self.predicate}> has conflicting values ({stated})"


class ConflictError(DataError):
    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        lines = "\n".join(f"  {c}" for c in conflicts)
        super().__init__(f"{len(conflicts)} conflicting statement(s) across source files:\n{lines}")


class ShapeViolations(DataError):
    """``report`` is the validator's :class:`~labgraph.graph.validation.ValidationReport` (not
    imported: the error tree depends on nothing)."""

    def __init__(self, report: Any) -> None:
        self.report = report
        super().__init__(f"the dataset does not conform to the shapes: {len(report.violations)} violation(s)")


class MappingError(DataError):
    """A merge mapping, or a record it reads, is wrong; the message names file, line and field."""


class CatalogueError(DataError):
    """A catalogue query file is wrong (header, parameters); the message names the file."""


class BuildError(LabgraphError):
    pass


class ReleaseError(LabgraphError):
    """A release directory is missing or its manifest cannot be read."""


class RequestError(LabgraphError):
    """The client's request is wrong; retrying it unchanged gives the same answer."""


class UnknownRelease(RequestError):
    """A release number that was never built (or is not a number)."""


class ReleasePruned(UnknownRelease):
    """A release that was built but is no longer kept on disk (``keep_releases``)."""

    setting = "keep_releases"


class ProtocolError(RequestError):
    """The HTTP request breaks the SPARQL protocol. Its meaning is an HTTP status (400, 403,
    415), which it carries: the one class that does."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ParameterError(RequestError):
    """A value given for a catalogue query parameter does not fit its declared type; ``param``
    names the parameter."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"parameter {param!r}: {message}")
        self.param = param


class CardFilterError(ParameterError):
    """A filter of the structures' cards (``/api/labs?kind=…``) is unknown, or has a value that
    no structure has; ``param`` names the parameter."""


class QueryRejected(RequestError):
    """A query the endpoint will not run (empty, nested too deep, an update)."""


class QueryTooLarge(QueryRejected):
    setting = "max_query_bytes"


class QueryForbidden(QueryRejected):
    """An operation the endpoint never runs for anyone, such as SERVICE off the allow-list."""


class QueryFailed(RequestError):
    """The engine refused the query; the message is the parser's (with its position)."""


@dataclass(frozen=True)
class FieldProblem:
    """One field of a proposal that cannot be accepted: the field's name (as the card and the
    form name it), the rule it breaks (a SHACL constraint component's local name, or one of
    ``required``, ``too-long``, ``unknown-value``) and the message in each language given."""

    field: str
    rule: str
    message: dict[str, str]


class ContributionError(RequestError):
    """A proposal, or a curator's action on one, that cannot be done as asked."""


class InvalidProposal(ContributionError):
    """The proposal breaks the card's rules or the shapes; ``problems`` says field by field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        listed = "; ".join(f"{p.field}: {p.message.get('en') or p.rule}" for p in problems)
        super().__init__(f"the proposal cannot be accepted: {listed}")


class ProposalTooLarge(ContributionError):
    setting = "contribution_max_bytes"


class UnknownContribution(ContributionError):
    """No proposal has this number."""


class ContributionConflict(ContributionError):
    """The proposal changed state since the page was shown (another curator decided first)."""


class RateLimited(ContributionError):
    """Too many submissions or sign-in attempts from one address; ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: int, setting: str) -> None:
        super().__init__(message, setting=setting)
        self.retry_after = retry_after


class NotAuthorised(ContributionError):
    """A curator's page or action without a valid session, or a form without its CSRF token."""


class StoreError(LabgraphError):
    """The store could not answer; the same request may succeed later."""


class QueryTimeout(StoreError):
    setting = "query_timeout_s"


class RemoteTimeout(QueryTimeout):
    """The remote SPARQL server did not answer within query_timeout_s."""


class TooBusy(StoreError):
    setting = "query_workers"


class ClientTooBusy(TooBusy):
    """One client already has its share of the queries under way (issue 21.2)."""

    setting = "queries_per_client"


class QueryCrashed(StoreError):
    """The engine's process died while running the query."""


class QueryCrashedTwice(QueryCrashed):
    """The query's worker died on its first run and on its second, on another worker: the query
    itself kills the engine (a worker killed from outside costs a query one retry, not this)."""


class QueryOutOfMemory(StoreError):
    """The query needed more memory than a worker may have; its worker was replaced."""

    setting = "worker_memory_mb"


class ForkRefused(StoreError):
    """A query worker could not fork another (the system refused a process); the worker itself
    is fine and keeps serving."""


class StoreUnavailable(StoreError):
    """A remote store cannot be reached or answered badly."""


class RemoteLimit(StoreUnavailable):
    """A limit in the server's own configuration stands in the way; the message names it."""


class RemoteSortLimit(RemoteLimit):
    """The server will not sort as many rows as labgraph's ``max_rows`` allows: the operator
    must change one or the other, and the message names both."""

    setting = "max_rows"
