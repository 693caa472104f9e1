"""Every error labgraph raises on purpose, so callers can tell bad input from bugs.

    LabgraphError
     ├── ConfigError            a setting has a bad value or the config file is unreadable
     ├── DataError              the source files are wrong; the message says where
     │    ├── SourceFileError   a file labgraph refuses to read (wrong extension, not UTF-8)
     │    ├── ParseError        Turtle syntax error, with file, line and column
     │    ├── ConflictError     the same URI gets contradictory values in two files
     │    └── ShapeViolations   the dataset does not pass the SHACL shapes
     └── BuildError             the build could not be written; the previous release is kept

The command line prints the message of a LabgraphError and exits with status 1; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labgraph.validation import ValidationReport


class LabgraphError(Exception):
    """Base class of the errors that carry a message meant for the user."""


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
    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(f"the dataset does not conform to the shapes: {len(report.violations)} violation(s)")


class BuildError(LabgraphError):
    pass
