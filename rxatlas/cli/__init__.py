"""The rxatlas command: thin Typer commands over the Python API, with Rich output and --json.

Each module of this package registers the commands of one area on the shared ``app``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from rich.markup import escape

from rxatlas.cli import (
    approvals,
    assistant,
    classes,
    countries,
    firms,
    policy,
    report,
    screen,
    serve,
    shortages,
    supply,
    supply_risk,
    warehouse,
    watch,
)
from rxatlas.cli.app import app, err
from rxatlas.errors import RxAtlasError

__all__ = ["app", "main"]
_COMMANDS = (approvals, assistant, classes, countries, firms, policy, report, screen, serve, shortages, supply,
             supply_risk, warehouse, watch)


def _guard(command: Callable[[], Any]) -> int:
    try:
        command()
    except RxAtlasError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except typer.TyperException as exc:  # a usage error: missing argument, unknown option
        err.print(f"[red]error:[/red] {escape(exc.format_message().rstrip('.'))}; see --help",
                  highlight=False, soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("[red]interrupted[/red]; the previous atlas is unchanged")
        return 130
    return 0


def main() -> None:
    """Entry point of the rxatlas command."""
    raise SystemExit(_guard(lambda: app(standalone_mode=False)) or 0)
