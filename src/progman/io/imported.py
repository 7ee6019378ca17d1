"""What an importer of another tool's file returns: the program and what it could not hold."""

from __future__ import annotations

from dataclasses import dataclass

from progman.domain import Program
from progman.errors import Problem


@dataclass(frozen=True)
class Imported:
    """A program read from another tool's file (checked, so it schedules as it is), and a
    warning for each thing of the file progman cannot express (located at file:line)."""

    program: Program
    warnings: tuple[Problem, ...] = ()
