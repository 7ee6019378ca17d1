"""What-if questions on a plan (``progman whatif``): changes tried on a copy, a person lent
to another project for a while, or both, compared side by side with the plan and its
baseline under one model (:mod:`progman.engine.compare_versions`: leveled when the plan
has people assigned to work, unless asked otherwise).

The changes of ``--set ID.FIELD=VALUE``, ``--add-dep 'SUCC:PRED FS+2d'`` and ``--remove
ID`` are read by :func:`progman.services.inputs.parse_changes` (light, so a malformed one
is refused before the engine loads); :func:`parse_move` reads ``--move RES --from P --to Q
--between D1 D2`` into the engine's :class:`Move`, and :func:`parse_whatif` puts the
question together, each with a usage error naming the option. The answer is the engine's
:class:`ScenarioComparison`, re-exported for the interfaces that format it. Stored
scenarios are :mod:`progman.services.scenario_catalog`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError

from progman.domain import ChangeItem, Program
from progman.domain.scenarios import Scenario, apply_changes
from progman.engine.compare import DateComparison, ScenarioComparison, compare
from progman.engine.moves import Move
from progman.errors import UsageError
from progman.services.inputs import parse_date

__all__ = [
    "ChangeItem",
    "DateComparison",
    "Move",
    "ScenarioComparison",
    "WhatIf",
    "compare_changes",
    "new_scenario",
    "parse_move",
    "parse_whatif",
    "what_if",
]


@dataclass(frozen=True)
class WhatIf:
    """One what-if question: ``changes`` to try and a person to lend (``move``), either or
    both; ``leveled`` (None: when the plan has people assigned to work) says how both
    versions are scheduled."""

    changes: list[ChangeItem] = field(default_factory=list)
    move: Move | None = None
    leveled: bool | None = None


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
    leveled: bool | None = None,
) -> WhatIf:
    """The question the options ask: the changes (none: the plan compared with itself and
    its baseline) and, when any move option is given, the move; a move needs leveling."""
    if move is None and source is None and target is None and between is None:
        return WhatIf(changes=list(changes), leveled=leveled)
    if leveled is False:
        raise UsageError(
            "a move is a question for leveling: drop --no-leveled", option="--no-leveled"
        )
    return WhatIf(list(changes), parse_move(move, source, target, between), leveled)


def what_if(
    program: Program,
    question: WhatIf,
    *,
    baseline_id: str | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    relevel: bool = False,
    status_date: date | None = None,
) -> ScenarioComparison:
    """The answer to ``question`` on ``program``: the plan and its variant (the changes
    applied, the person lent) side by side with a baseline (default: the latest). A change
    that does not apply raises PlanInvalid naming it; ``time_limit``, ``seed`` and
    ``relevel`` are leveling's (``relevel``: search again for the variant instead of
    keeping the plan's priorities)."""
    return compare(
        program,
        apply_changes(program, question.changes),
        baseline_id,
        status_date=status_date,
        leveled=question.leveled,
        move=question.move,
        time_limit=time_limit,
        seed=seed,
        relevel=relevel,
    )


def compare_changes(
    program: Program,
    changes: Sequence[ChangeItem],
    baseline_id: str | None = None,
    *,
    leveled: bool | None = None,
    status_date: date | None = None,
) -> ScenarioComparison:
    """``program`` with ``changes`` applied, side by side with it and its baseline: the
    question of :func:`what_if` without a move."""
    question = WhatIf(list(changes), leveled=leveled)
    return what_if(program, question, baseline_id=baseline_id, status_date=status_date)


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
