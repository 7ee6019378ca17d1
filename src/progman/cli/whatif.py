"""``progman whatif …``: named what-if scenarios compared with the plan and its baseline.

``run`` tries changes on a plan file; ``save``/``list``/``compare``/``delete`` keep named
scenarios of a stored program. Errors are not caught here: the main CLI reports every
ProgmanError once and exits 1; a malformed option is a usage error (exit 2). The domain,
the plan loader, the engine, the database stack and Rich tables are imported in the bodies
that use them, so that mounting this sub-app does not slow down every other command.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from progman.cli.options import DbOption, PlanArg, load_plan_file, parse_date
from progman.cli.options import ProgramOption as StoredProgramOption
from progman.cli.output import stdout, working

if TYPE_CHECKING:
    from progman.domain import ChangeItem
    from progman.engine.compare import DateComparison, ScenarioComparison
    from progman.engine.moves import Move


class _PlanFirst(TyperGroup):
    """``progman whatif PLAN …`` is ``progman whatif run PLAN …`` (SPEC §3.3's form)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_PlanFirst,
    help="What-if scenarios: try changes, compare with the plan and its baseline.",
    no_args_is_help=True,
)

ProgramOption = Annotated[
    str, typer.Option("--program", metavar="KEY", help="key of the stored program")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="ID.FIELD=VALUE",
        help="give a field a value in plan syntax: API.auth.duration=12d, "
        "MOB.build.depends='[API.auth, WEB.ui]', alice.capacity=0.5 (repeatable)",
    ),
]
AddDepOption = Annotated[
    list[str] | None,
    typer.Option(
        "--add-dep",
        metavar="SUCC:PRED [TYPE±LAG]",
        help="add a link, e.g. 'MOB.build:API.auth FS+2d' (repeatable)",
    ),
]
RemoveOption = Annotated[
    list[str] | None,
    typer.Option("--remove", metavar="ID", help="remove a work item or resource (repeatable)"),
]
MoveOption = Annotated[
    str | None,
    typer.Option(
        "--move",
        metavar="RES",
        help="lend a person to another project: --move bob --from WEB --to MOB "
        "--between 2027-05-01 2027-05-31 (both programs leveled)",
    ),
]
FromOption = Annotated[
    str | None, typer.Option("--from", metavar="PROJ", help="project the person leaves")
]
ToOption = Annotated[
    str | None, typer.Option("--to", metavar="PROJ", help="project the person joins")
]
BetweenOption = Annotated[
    tuple[str, str] | None,
    typer.Option("--between", metavar="D1 D2", help="first and last day of the move"),
]
RelevelOption = Annotated[
    bool,
    typer.Option(
        "--relevel",
        help="search again after the move (default: keep the leveling's priorities)",
    ),
]
TimeLimitOption = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        min=0.001,
        max=3600.0,
        help="seconds of leveling, at most (default: 1 ms per task, 0.1-10 s)",
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", min=0, help="random seed of leveling")]
BaselineOption = Annotated[
    str | None,
    typer.Option("--baseline", metavar="ID", help="baseline to compare with (default: latest)"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON object")]
ActorOption = Annotated[
    str | None, typer.Option("--as", help="who makes the change (default: your login name)")
]


def _database(url: str | None) -> str:
    from progman.storage import default_database_url

    return url if url else default_database_url()


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


# -- turning options into changes -----------------------------------------------------------


def _value(text: str, option: str) -> Any:
    """A value in plan syntax (YAML scalars and flow lists/mappings, as in a plan file)."""
    from progman.planfile.source import DocumentError, parse_document

    if not text.strip():
        return None
    try:
        value, _ = parse_document(text, option)
    except DocumentError as error:
        raise typer.BadParameter(
            f"{text!r} is not a plan value: {error}", param_hint=option
        ) from None
    return value


def _set_change(text: str) -> "ChangeItem":
    from progman.domain import ChangeItem

    left, equals, raw = text.partition("=")
    target, dot, field = left.strip().rpartition(".")
    if not equals or not dot or not target or not field:
        raise typer.BadParameter(
            f"{text!r}: write ID.FIELD=VALUE, e.g. API.auth.duration=12d", param_hint="'--set'"
        )
    return ChangeItem(op="set", target=target, field=field, value=_value(raw, "--set"))


def _dependency_change(text: str) -> "ChangeItem":
    from pydantic import ValidationError

    from progman.domain import ChangeItem, Dependency

    successor, colon, link = text.partition(":")
    if not colon or not successor.strip() or not link.strip():
        raise typer.BadParameter(
            f"{text!r}: write SUCCESSOR:PREDECESSOR [TYPE±LAG], e.g. 'MOB.build:API.auth FS+2d'",
            param_hint="'--add-dep'",
        )
    try:
        parsed = Dependency.model_validate(link.strip())
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise typer.BadParameter(message, param_hint="'--add-dep'") from None
    value = {"task": parsed.task, "type": parsed.type, "lag": str(parsed.lag)}
    return ChangeItem(op="add", target=successor.strip(), field="depends", value=value)


def _changes(
    sets: list[str] | None, dependencies: list[str] | None, removals: list[str] | None
) -> "list[ChangeItem]":
    from progman.domain import ChangeItem

    changes = [_set_change(text) for text in sets or []]
    changes += [_dependency_change(text) for text in dependencies or []]
    changes += [ChangeItem(op="remove", target=ident.strip()) for ident in removals or []]
    return changes


def _move(
    resource: str | None,
    source: str | None,
    target: str | None,
    between: tuple[str, str] | None,
) -> "Move":
    from progman.engine.moves import Move

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
        raise typer.BadParameter(
            f"a move needs {', '.join(missing)}: e.g. --move bob --from WEB --to MOB "
            "--between 2027-05-01 2027-05-31",
            param_hint=f"'{missing[0]}'",
        )
    first = parse_date(between[0], "'--between'")
    last = parse_date(between[1], "'--between'")
    assert first is not None and last is not None  # parse_date returns a date for text
    return Move(resource, source, target, first, last)


def _moved(
    program: Any, lent: "Move", *, relevel: bool, time_limit: float | None, seed: int, as_json: bool
) -> None:
    from rich.table import Table

    from progman.engine.moves import move_people

    with working(f"leveling {program.key} before and after the move"):
        result = move_people(program, lent, time_limit=time_limit, seed=seed, relevel=relevel)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
        return
    table = Table(
        title=f"What if {lent.resource} works for {lent.target} instead of {lent.source} "
        f"from {lent.first} to {lent.last} (leveled)"
    )
    for column in ("project", "finish before", "finish after", "Δ working days"):
        table.add_column(column, justify="left" if column == "project" else "right")
    for row in result.projects:
        mark = {lent.source: " (gives)", lent.target: " (gets)"}.get(row.id, "")
        delta = "—" if row.delta_days is None else f"{row.delta_days:+g}"
        table.add_row(f"{row.id}{mark}", _when(row.before), _when(row.after), delta)
    table.add_row(
        "program",
        _when(result.before.schedule.finish),
        _when(result.after.schedule.finish),
        f"{result.program_delta_days:+g}",
    )
    stdout.print(table)
    if result.staffed:
        stdout.print(f"{lent.resource} now works on: {', '.join(result.staffed)}")
    if not result.after.feasible:
        stdout.print("[yellow]some work is still over-allocated (see progman level)[/yellow]")


# -- output ---------------------------------------------------------------------------------


def _when(moment: date | datetime | None) -> str:
    if moment is None:
        return "—"
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def _delta(days: int | None) -> str:
    return "—" if days is None else f"{days:+d}"


def _label(row: "DateComparison") -> str:
    if row.kind == "program":
        return "program finish"
    if row.kind == "project":
        return f"{row.id} finish"
    deadline = ""
    if row.deadline is not None:
        mark = "missed" if row.scenario_met is False else "met"
        deadline = f" (deadline {row.deadline.isoformat()}: {mark})"
    return f"◆ {row.id}{deadline}"


def _print(result: "ScenarioComparison", title: str) -> None:
    from rich.table import Table

    table = Table(title=title)
    baseline = f"baseline {result.baseline_id}" if result.baseline_id else "baseline"
    for column in ("metric", baseline, "current", "scenario", "Δ days", "Δ working days"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for row in result.dates:
        table.add_row(
            _label(row),
            _when(row.baseline),
            _when(row.current),
            _when(row.scenario),
            _delta(row.delta_days),
            _delta(row.delta_working_days),
        )
    cost = result.cost
    table.add_row(
        "planned cost",
        "—" if cost.baseline is None else f"{cost.baseline:,.2f}",
        f"{cost.current:,.2f}",
        f"{cost.scenario:,.2f}",
        f"{cost.delta:+,.2f}",
        "",
    )
    stdout.print(table)
    for label, ids in (
        ("enter the critical path", result.critical_entering),
        ("leave the critical path", result.critical_leaving),
        ("added", result.added),
        ("removed", result.removed),
    ):
        if ids:
            stdout.print(f"{label}: {', '.join(ids)}")


def _show(result: "ScenarioComparison", title: str, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
    else:
        _print(result, title)


# -- commands -------------------------------------------------------------------------------


@app.command()
def run(
    plan: PlanArg = None,
    *,
    db: DbOption = None,
    program_key: StoredProgramOption = None,
    sets: SetOption = None,
    add_dep: AddDepOption = None,
    remove: RemoveOption = None,
    baseline: BaselineOption = None,
    move: MoveOption = None,
    source: FromOption = None,
    target: ToOption = None,
    between: BetweenOption = None,
    relevel: RelevelOption = False,
    time_limit: TimeLimitOption = None,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Apply changes to a plan and compare it side by side with the plan and its baseline;
    or move a person between projects for a while and compare the leveled finishes."""
    from progman.domain.scenarios import apply_changes
    from progman.engine.compare import compare

    changes = _changes(sets, add_dep, remove)
    if move is not None or source is not None or target is not None or between is not None:
        if changes:
            raise typer.BadParameter(
                "--move is tried on its own; drop --set/--add-dep/--remove",
                param_hint="'--move'",
            )
        lent = _move(move, source, target, between)
        _moved(
            load_plan_file(plan, db, program_key),
            lent,
            relevel=relevel,
            time_limit=time_limit,
            seed=seed,
            as_json=as_json,
        )
        return
    program = load_plan_file(plan, db, program_key)
    result = compare(program, apply_changes(program, changes), baseline)
    _show(result, f"What if: {len(changes)} change(s) to {program.key}", as_json)


@app.command()
def save(
    name: Annotated[str, typer.Argument(help="scenario id, e.g. late-auth")],
    *,
    program: ProgramOption,
    sets: SetOption = None,
    add_dep: AddDepOption = None,
    remove: RemoveOption = None,
    title: Annotated[str | None, typer.Option(help="a readable name (default: NAME)")] = None,
    description: Annotated[str | None, typer.Option(help="what the scenario explores")] = None,
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """Store a named scenario of a stored program (replacing one with the same NAME)."""
    from pydantic import ValidationError

    from progman.domain.scenarios import Scenario
    from progman.services.scenarios import do_save_scenario

    changes = _changes(sets, add_dep, remove)
    try:
        scenario = Scenario(
            id=name, name=title or name, description=description, base=program, changes=changes
        )
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        raise typer.BadParameter(f"{name!r}: {message}", param_hint="'NAME'") from None
    saved = do_save_scenario(_database(db), program, scenario, _actor(actor))
    stdout.print(
        f"scenario {saved.id} of {program} saved: {len(saved.changes)} change(s) "
        f"on revision {saved.base_revision}"
    )


@app.command(name="list")
def list_(program: ProgramOption, db: DbOption = None) -> None:
    """The scenarios of a stored program."""
    from rich.table import Table

    from progman.services.scenarios import list_scenarios

    table = Table(title=f"Scenarios of {program}")
    for column in ("name", "title", "changes", "base revision", "updated"):
        table.add_column(column)
    for entry in list_scenarios(_database(db), program):
        table.add_row(
            entry.key,
            entry.name,
            str(entry.changes),
            str(entry.base_revision),
            entry.updated_at.isoformat(timespec="minutes"),
        )
    stdout.print(table)


@app.command(name="compare")
def compare_(
    name: Annotated[str, typer.Argument(help="scenario id")],
    program: ProgramOption,
    baseline: BaselineOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Compare a stored scenario with the program as stored now and a baseline."""
    from progman.engine.compare import compare
    from progman.services.scenarios import load_scenario_programs

    current, variant = load_scenario_programs(_database(db), program, name)
    _show(compare(current, variant, baseline), f"Scenario {name} of {program}", as_json)


@app.command()
def delete(
    name: Annotated[str, typer.Argument(help="scenario id")],
    program: ProgramOption,
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """Delete a stored scenario (the audit log keeps its last content)."""
    from progman.services.scenarios import do_delete_scenario

    do_delete_scenario(_database(db), program, name, _actor(actor))
    stdout.print(f"scenario {name} of {program} deleted")
