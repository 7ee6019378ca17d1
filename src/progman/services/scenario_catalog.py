"""Named what-if scenarios of a stored program, for a user in the caller's transaction (the
REST API's and ``progman whatif save|list|compare|delete``'s): listed a page at a time,
read, saved, deleted and compared with the plan as it is now.

A scenario is a list of changes kept beside the program, not in it: saving or deleting one
never changes the plan. Its changes are checked against the program when it is saved (a
change that does not apply is refused, naming ``changes[i]``) and applied again, to
whatever the program is then, when it is compared. Reading needs any grant in the program;
saving and deleting a program manager of it (or an admin).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from progman.domain import ChangeItem
from progman.domain.access import Access, User
from progman.domain.scenarios import Scenario, apply_changes
from progman.errors import Conflict, Location, NotFound, PlanInvalid, Problem, UsageError
from progman.services.catalog import decode_cursor, encode_cursor, visible_program
from progman.services.users import check_access
from progman.services.whatif import ScenarioComparison, compare_changes, new_scenario
from progman.services.work_items import check_version
from progman.storage import ScenarioSummary, delete_scenario, list_scenarios, load_scenario
from progman.storage import save_scenario as store_scenario

MAX_PAGE = 500


@dataclass(frozen=True)
class ScenarioView:
    """A stored scenario with its changes (None in a list), version and last save."""

    summary: ScenarioSummary
    scenario: Scenario | None = None

    @property
    def version(self) -> int:
        return self.summary.version


@dataclass(frozen=True)
class ScenarioPage:
    items: list[ScenarioView]
    next: str | None


def scenarios_page(
    session: Session, user: User, key: str, *, cursor: str | None = None, limit: int = 100
) -> ScenarioPage:
    """The program's scenarios by id, ``limit`` at most after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    visible_program(session, user, key)
    after = decode_cursor(cursor) if cursor else None
    rows = [s for s in list_scenarios(session, key) if after is None or s.key > after]
    page = rows[:limit]
    more = len(rows) > limit
    return ScenarioPage(
        [ScenarioView(s) for s in page], encode_cursor(page[-1].key) if more and page else None
    )


def all_scenarios(session: Session, user: User, key: str) -> list[ScenarioSummary]:
    """Every scenario of the program, by id."""
    visible_program(session, user, key)
    return list_scenarios(session, key)


def get_scenario(session: Session, user: User, key: str, name: str) -> ScenarioView:
    visible_program(session, user, key)
    return ScenarioView(_summary(session, key, name), load_scenario(session, key, name))


def parse_changes(raw: Sequence[Mapping[str, Any]], option: str = "changes") -> list[ChangeItem]:
    """Changes as a request sends them (``{"op", "target", "field", "value"}``), each
    checked; :class:`PlanInvalid` naming ``changes[i]`` for those that are not changes."""
    changes, problems = [], []
    for number, change in enumerate(raw):
        try:
            changes.append(ChangeItem.model_validate(dict(change)))
        except ValidationError as error:
            detail = error.errors(include_url=False)[0]
            message = str(detail["msg"]).removeprefix("Value error, ")
            where = ".".join(str(part) for part in detail["loc"])
            text = f"{where}: {message}" if where else message
            problems.append(
                Problem("scenario.invalid_change", text, Location(path=f"{option}[{number}]"))
            )
    if problems:
        raise PlanInvalid(problems)
    return changes


def do_save_scenario(
    session: Session,
    user: User,
    key: str,
    name: str,
    changes: Sequence[ChangeItem],
    *,
    title: str | None = None,
    description: str | None = None,
    replace: bool = False,
) -> ScenarioView:
    """Store the new scenario ``name`` of program ``key`` once its changes apply to the
    program as it is now; a scenario of that name already stored is a conflict (with
    ``replace``, it is replaced: ``progman whatif save``)."""
    program = visible_program(session, user, key)
    check_access(user, key, Access.MANAGE_PROGRAM)
    scenario = new_scenario(name, key, changes, title=title, description=description, option="id")
    stored = list_scenarios(session, key)  # locks the program's row
    if not replace and any(s.key == name for s in stored):
        raise Conflict(
            f"program {key} has a scenario {name!r} already: save this one under another "
            "id, or delete that one first",
            location=Location(path="id"),
        )
    apply_changes(program, scenario.changes)  # PlanInvalid naming changes[i], nothing stored
    saved = store_scenario(session, key, scenario, user.name)
    return ScenarioView(_summary(session, key, name), saved)


def do_delete_scenario(
    session: Session, user: User, key: str, name: str, if_match: int | None
) -> ScenarioView:
    """Delete the scenario ``name`` if ``if_match`` is its version; answers it as it was
    (the audit log keeps it too)."""
    visible_program(session, user, key)
    check_access(user, key, Access.MANAGE_PROGRAM)
    gone = ScenarioView(_summary(session, key, name), load_scenario(session, key, name))
    check_version(name, if_match, gone.version)
    delete_scenario(session, key, name, user.name)
    return gone


def compare_saved_scenario(
    session: Session,
    user: User,
    key: str,
    name: str,
    *,
    baseline: str | None = None,
    status_date: date | None = None,
    leveled: bool | None = None,
) -> ScenarioComparison:
    """The program as it is now side by side with its scenario ``name`` applied, and with
    a baseline (default: the latest): what the scenario moves (``whatif --json``), under
    the model of ``whatif run`` (``leveled``: None when the plan has people on work)."""
    program = visible_program(session, user, key)
    scenario = load_scenario(session, key, name)
    if baseline is not None and baseline not in {b.id for b in program.baselines}:
        known = ", ".join(b.id for b in program.baselines) or "none yet"
        raise UsageError(
            f"program {key} has no baseline {baseline!r} (baselines: {known})", option="baseline"
        )
    return compare_changes(
        program, scenario.changes, baseline, leveled=leveled, status_date=status_date
    )


def _summary(session: Session, key: str, name: str) -> ScenarioSummary:
    known = list_scenarios(session, key)
    for summary in known:
        if summary.key == name:
            return summary
    names = ", ".join(s.key for s in known) or "none yet"
    raise NotFound(
        f"program {key} has no scenario {name!r} (scenarios: {names})",
        location=Location(entity=name),
    )
