"""``labgraph curators add|password|remove|list``: the accounts that may review proposals.

Passwords are asked twice without echo, or read as one line from standard input with
``--password-stdin`` (for scripts and provisioning); they are stored only as Argon2id hashes in
the contributions database under ``state_dir``.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from labgraph.cli.common import reports_errors
from labgraph.config import Settings
from labgraph.contributions import curators as accounts
from labgraph.contributions import db


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _connect(settings: Settings) -> sqlite3.Connection:
    return db.connect(db.path_in(settings.state_dir))


#: both commands that set a password take it from a prompt (asked twice) or, for scripts, stdin
password_stdin = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)


@click.group()
def curators() -> None:
    """Manage the curators who review proposals at /review."""


@curators.command("add")
@click.argument("name")
@password_stdin
@click.pass_obj
@reports_errors
def add(settings: Settings, name: str, password_stdin: bool) -> None:
    """Add the curator NAME."""
    accounts.add(_connect(settings), name, _password(password_stdin))
    click.echo(f"curator {name} added; they sign in at /review")


@curators.command("password")
@click.argument("name")
@password_stdin
@click.pass_obj
@reports_errors
def password(settings: Settings, name: str, password_stdin: bool) -> None:
    """Change NAME's password (their open sessions end)."""
    accounts.set_password(_connect(settings), name, _password(password_stdin))
    click.echo(f"password of {name} changed")


@curators.command("remove")
@click.argument("name")
@click.pass_obj
@reports_errors
def remove(settings: Settings, name: str) -> None:
    """Remove NAME (their open sessions end; their past decisions stay in the history)."""
    accounts.remove(_connect(settings), name)
    click.echo(f"curator {name} removed")


@curators.command("list")
@click.pass_obj
@reports_errors
def list_curators(settings: Settings) -> None:
    """The active curators, one per line."""
    for name in accounts.names(_connect(settings)):
        click.echo(name)
