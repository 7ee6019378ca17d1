"""Where the CLI writes: results to stdout, problems and progress to stderr."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext

from rich.console import Console

from progman.errors import ProgmanError, UsageError

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def report_error(error: ProgmanError, command: str = "COMMAND") -> None:
    """One plain line per problem (``file:line:col: message``), then a count if several;
    a usage error as the command line's own are written (``command``: what was run)."""
    if isinstance(error, UsageError):
        sys.stderr.write(
            f"Invalid value for '{error.option}': {error.message}\n"
            f"Try 'progman {command} --help' for the options.\n"
        )
        sys.stderr.flush()
        return
    problems = error.problems
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if len(problems) > 1:
        sys.stderr.write(f"{len(problems)} problems found\n")
    sys.stderr.flush()


def working(what: str) -> AbstractContextManager[object]:
    """A spinner on a terminal's stderr while long work runs (nothing in a pipe or file)."""
    if stderr.is_terminal:
        return stderr.status(f"{what} …")
    return nullcontext()
