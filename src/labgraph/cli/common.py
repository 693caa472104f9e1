"""What every command shares: errors turned into messages, and IRIs shortened for the terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click

from labgraph.cli import tables
from labgraph.config import Settings
from labgraph.errors import LabgraphError, ShapeViolations

if TYPE_CHECKING:
    from labgraph.graph.validation import ValidationReport



F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ShapeViolations as exc:
            click.echo(violation_table(exc.report), err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except LabgraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def violation_table(report: ValidationReport, warnings: bool = False) -> str:
    rows = [
        (r.severity, r.focus, r.path or "", r.value or "", r.component, r.message("en"))
        for r in report.results
        if warnings or r.severity == "Violation"
    ]
    return tables.render(["severity", "focus node", "path", "value", "constraint", "message"], rows, max_width=70)


def shortener(settings: Settings) -> Callable[[str], str]:
    return settings.vocab.curie
