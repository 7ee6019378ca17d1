"""A program that holds only some tasks of a larger one, to check just those.

A broken 100,000-task plan used to be checked whole (every ``WorkItem`` built and walked)
to report a handful of problems. The plan file layer proves most tasks right over columns
and hands :func:`~progman.domain.validation.check_program` the program with only the
others (the suspects) and this excerpt of the whole: every task id of the whole program,
so that references and did-you-mean see them all, and the way back from the excerpt's
paths to the whole program's, so that each finding reads as checking the whole would
write it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from progman.domain.findings import Path
from progman.domain.program import Program


@dataclass(frozen=True)
class Excerpt:
    """Where the tasks of an excerpt stand in the whole program (flat: no subtasks)."""

    #: every top-level task's id in the whole program, in file order; None at a task of
    #: the excerpt (its id is the excerpt's own, placeholders of bad ids included)
    task_ids: Sequence[str | None]
    #: the position in ``task_ids`` of each task of the excerpt, in file order
    rows: Sequence[int]
    #: a path of the excerpt (``("projects", 3, "tasks", 0, ...)``) as the whole's
    moved: Callable[[Path], Path]

    def known(self, program: Program) -> dict[str, None]:
        """Every task id of the whole program, each once, in file order: the keys the
        check of the whole program indexes its tasks by."""
        ids = list(self.task_ids)
        mine = (item.id for project in program.projects for item in project.tasks)
        for row, ident in zip(self.rows, mine, strict=True):
            ids[row] = ident
        return dict.fromkeys(ident for ident in ids if ident is not None)


__all__ = ["Excerpt"]
