"""A finding of the whole-program checks, where it is, and the did-you-mean of its message.

Each finding carries the path of the offending field (``("projects", 1, "tasks", 0,
"depends", 0)``) so that the plan-file layer can turn it into file:line:col, and the
storage layer into a field path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from progman.domain.suggest import Suggester, suggestion

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: Path


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'API.auth'?"`` when a close candidate exists, else ``""``."""
    pool = candidates if isinstance(candidates, list | tuple | set | dict) else list(candidates)
    return suggestion(name, Suggester(pool))


def format_path(path: Path) -> str:
    """``("projects", 1, "tasks", 0)`` → ``projects[1].tasks[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


#: How a section's checks report a finding: ``report(code, message, path)``.
Report = Callable[[str, str, Path], None]
