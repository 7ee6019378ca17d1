"""What-if questions on a plan (``progman whatif``): changes tried on a copy and compared
side by side with the plan and its baseline, or a person lent to another project for a
while with both programs leveled.

The changes of ``--set ID.FIELD=VALUE``, ``--add-dep 'SUCC:PRED FS+2d'`` and ``--remove
ID`` are read by :func:`progman.services.inputs.parse_changes` (light, so a malformed one
is refused before the engine loads); :func:`parse_move` reads ``--move RES --from P --to Q
--between D1 D2`` into the engine's :class:`Move`, and :func:`parse_whatif` decides which
of the two questions is asked, each with a usage error naming the option. The answers
are the engine's :class:`ScenarioComparison` and :class:`MoveResult`, re-exported for the
interfaces that format them. Stored scenarios are :mod:`progman.services.scenario_catalog`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from progman.domain import ChangeItem, Program
from progman.domain.scenarios import Scenario, apply_changes
from progman.engine.compare import DateComparison, ScenarioComparison, compare
from progman.engine.moves import Move, MoveResult, move_people
from progman.errors import UsageError
from progman.services.inputs import parse_date

__all__ = [
    "ChangeItem",
    "DateComparison",
    "Move",
    "MoveResult",
    "ScenarioComparison",
    "WhatIf",
    "compare_changes",
    "lend_person",
    "new_scenario",
    "parse_move",
    "parse_whatif",
    "what_if",
]


@dataclass(frozen=True)
class WhatIf:
    """One what-if question: ``changes`` to compare, or a ``move`` to level (never both)."""

    changes: list[ChangeItem] = field(default_factory=list)
    move: Move | None = None


def parse_move(
    resource: str | None,
    source: str | None,
    target: str | None,
    between: tuple[str, str] | None,
) -> Move:
    """``--move RES --from PROJ --to PROJ --between D1 D2``, every part required."""
    missing = [
        name
        for name, value in (
            ("--move", resource),
            ("--from", source),
            ("--to", target),
            ("--between", between),
        )
        if value is None
    ]
    if missing or resource is None or source is None or target is None or between is None:
        raise UsageError(
            f"a move needs {', '.join(missing)}: e.g. --move bob --from WEB --to MOB "
            "--between 2027-05-01 2027-05-31",
            option=missing[0],
        )
    first = parse_date(between[0], "--between")
    last = parse_date(between[1], "--between")
    assert first is not None and last is not None  # parse_date returns a date for text
    return Move(resource, source, target, first, last)


def parse_whatif(
    changes: Sequence[ChangeItem] = (),
    *,
    move: str | None = None,
    source: str | None = None,
    target: str | None = None,
    between: tuple[str, str] | None = None,
) -> WhatIf:
    """The question the options ask: a move when any move option is given (alone, without
    ``changes``: see :func:`~progman.services.inputs.parse_changes`), else the changes
    (none: the plan compared with itself and its baseline)."""
    if move is None and source is None and target is None and between is None:
        return WhatIf(changes=list(changes))
    if changes:
        raise UsageError(
            "--move is tried on its own; drop --set/--add-dep/--remove", option="--move"
        )
    return WhatIf(move=parse_move(move, source, target, between))


def what_if(
    program: Program,
    question: WhatIf,
    *,
    baseline_id: str | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    relevel: bool = False,
) -> ScenarioComparison | MoveResult:
    """The answer to ``question`` on ``program``: a :class:`MoveResult` for a move, else a
    :class:`ScenarioComparison` of the changes."""
    if question.move is not None:
        return lend_person(
            program, question.move, time_limit=time_limit, seed=seed, relevel=relevel
        )
    return compare_changes(program, question.changes, baseline_id)


def compare_changes(
    program: Program, changes: Sequence[ChangeItem], baseline_id: str | None = None
) -> ScenarioComparison:
    """``program`` with ``changes`` applied, side by side with it and its baseline
    (default: the latest); a change that does not apply raises PlanInvalid naming it."""
    return compare(program, apply_changes(program, changes), baseline_id)


def lend_person(
    program: Program,
    move: Move,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    relevel: bool = False,
) -> MoveResult:
    """The program leveled as it is and with the move; every project's finish compared
    (``relevel``: search again after the move instead of keeping the priorities)."""
    return move_people(program, move, time_limit=time_limit, seed=seed, relevel=relevel)


def new_scenario(
    name: str,
    program_key: str,
    changes: Sequence[ChangeItem],
    *,
    title: str | None = None,
    description: str | None = None,
    option: str = "NAME",
) -> Scenario:
    """The scenario ``name`` of the stored program ``program_key`` (not stored yet);
    a name that cannot be an id is a usage error naming ``option``."""
    try:
        return Scenario(
            id=name,
            name=title or name,
            description=description,
            base=program_key,
            changes=list(changes),
        )
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise UsageError(f"{name!r}: {message}", option=option) from None
