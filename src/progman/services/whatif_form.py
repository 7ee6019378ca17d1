"""The what-if question of the web UI's form, answered as ``progman whatif`` answers it.

The form asks what the command line does: a stored scenario (``whatif compare NAME``) or
changes typed one a line (``--set ID.FIELD=VALUE``, ``--add-dep 'SUCC:PRED FS+2d'``,
``--remove ID``) and a person lent (``--move RES --from P --to Q --between D1 D2``). Each
line is read by :mod:`progman.services.inputs` and the question answered by
:func:`progman.services.whatif.what_if` or
:func:`progman.services.scenario_catalog.compare_saved_scenario`. Every mistake is a
:class:`PlanInvalid` whose problems are located at the form field (``path``) to show them
next to; nothing is ever saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from progman.domain import ChangeItem
from progman.domain.access import User
from progman.engine.moves import MoveInvalid
from progman.errors import Location, NotFound, PlanInvalid, Problem, UsageError
from progman.services.catalog import visible_program
from progman.services.inputs import parse_changes
from progman.services.scenario_catalog import compare_saved_scenario
from progman.services.whatif import ScenarioComparison, WhatIf, parse_move, what_if

Model = Literal["auto", "leveled", "cpm"]
#: The form's change fields and the command-line option each line of it is.
CHANGE_FIELDS = (("sets", "--set"), ("deps", "--add-dep"), ("removes", "--remove"))
#: A move's option → the form field it is typed in.
MOVE_FIELDS = {"--move": "move", "--from": "source", "--to": "target", "--between": "first"}
#: At most this many lines of changes in one question (the API takes 500 changes).
MAX_LINES = 500


@dataclass(frozen=True)
class WhatIfForm:
    """The fields of the what-if form as typed (empty text: not given)."""

    scenario: str = ""
    sets: str = ""
    deps: str = ""
    removes: str = ""
    move: str = ""
    source: str = ""
    target: str = ""
    first: str = ""
    last: str = ""
    baseline: str = ""
    model: Model = "auto"

    @property
    def moving(self) -> bool:
        return any((self.move, self.source, self.target, self.first, self.last))


def _problem(field: str, message: str) -> Problem:
    return Problem("whatif.form", message, Location(path=field))


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def read_changes(form: WhatIfForm) -> tuple[list[ChangeItem], list[tuple[str, int]]]:
    """The changes the form's lines name, and where each was typed (field, line number);
    every malformed line is a problem at its field, all of them at once."""
    changes: list[ChangeItem] = []
    where: list[tuple[str, int]] = []
    problems: list[Problem] = []
    for field, option in CHANGE_FIELDS:
        lines = _lines(getattr(form, field))
        for number, line in lines:
            given = {"sets": None, "deps": None, "removes": None} | {field: [line]}
            try:
                parsed = parse_changes(given["sets"], given["deps"], given["removes"])
            except UsageError as error:
                problems.append(_problem(field, f"line {number} ({option}): {error.message}"))
                continue
            changes += parsed
            where += [(field, number)] * len(parsed)
    if len(changes) > MAX_LINES:
        problems.append(_problem("sets", f"at most {MAX_LINES} changes at once"))
    if problems:
        raise PlanInvalid(problems)
    return changes, where


def answer_whatif(session: Session, user: User, key: str, form: WhatIfForm) -> ScenarioComparison:
    """The form's question on the stored program ``key``, side by side with the plan and
    the baseline (the chosen one, else the latest); nothing is saved."""
    leveled = {"auto": None, "leveled": True, "cpm": False}[form.model]
    baseline = form.baseline or None
    if form.scenario:
        if form.sets or form.deps or form.removes or form.moving:
            raise PlanInvalid([
                _problem("scenario", "choose a stored scenario or type changes, not both")
            ])  # fmt: skip
        try:
            return compare_saved_scenario(
                session, user, key, form.scenario, baseline=baseline, leveled=leveled
            )
        except NotFound as missing:
            raise PlanInvalid([_problem("scenario", missing.message)]) from None
        except UsageError as error:
            raise PlanInvalid([_problem(error.option, error.message)]) from None
    program = visible_program(session, user, key)
    if baseline is not None and baseline not in {b.id for b in program.baselines}:
        known = ", ".join(b.id for b in program.baselines) or "none yet"
        raise PlanInvalid([_problem("baseline", f"no baseline {baseline!r} (baselines: {known})")])
    changes, where = read_changes(form)
    move = None
    if form.moving:
        if form.model == "cpm":
            raise PlanInvalid([_problem("model", "a move is a question for leveling")])
        between = (form.first, form.last) if form.first and form.last else None
        try:
            move = parse_move(form.move or None, form.source or None, form.target or None, between)
        except UsageError as error:
            field = MOVE_FIELDS.get(error.option, "move")
            raise PlanInvalid([_problem(field, error.message)]) from None
    try:
        return what_if(program, WhatIf(changes, move, leveled), baseline_id=baseline)
    except MoveInvalid as invalid:
        fields = {"move": "move", "from": "source", "to": "target", "between": "first"}
        raise PlanInvalid([
            _problem(fields.get(p.location.path or "", "move"), p.message) for p in invalid.problems
        ]) from None  # fmt: skip
    except PlanInvalid as invalid:
        raise PlanInvalid([_located(p, where) for p in invalid.problems]) from None


def _located(problem: Problem, where: list[tuple[str, int]]) -> Problem:
    """A problem of ``changes[i]`` at the field and line the i-th change was typed on."""
    path = problem.location.path or ""
    if path.startswith("changes[") and path.endswith("]"):
        number = int(path[len("changes[") : -1])
        if number < len(where):
            field, line = where[number]
            return _problem(field, f"line {line}: {problem.message}")
    return _problem("form", problem.message)
