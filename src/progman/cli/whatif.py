"""``progman whatif …``: named what-if scenarios compared with the plan and its baseline.

``run`` tries changes on a plan file; ``save``/``list``/``compare``/``delete`` keep named
scenarios of a stored program. Errors are not caught here: the main CLI reports every
ProgmanError once and exits 1; a malformed option is a usage error (exit 2). The use
cases are :mod:`progman.services.whatif` (the question the options ask, and its answer)
and :mod:`progman.services.scenario_catalog` (stored scenarios); they and Rich tables are
imported in the bodies that use them, so that mounting this sub-app does not slow down
every other command.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import json
import sys
from contextlib import nullcontext
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from progman.cli.options import DbOption, PlanArg, actor_name, load_plan_file
from progman.cli.options import ProgramOption as StoredProgramOption
from progman.cli.output import stdout, working
from progman.services.inputs import parse_changes

if TYPE_CHECKING:
    from progman.services.whatif import DateComparison, MoveResult, ScenarioComparison


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
    from progman.services.database import database_url

    return database_url(url)


# -- output ---------------------------------------------------------------------------------


def _print_move(result: "MoveResult") -> None:
    from rich.table import Table

    lent = result.move
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


def _show(result: "ScenarioComparison | MoveResult", title: str, as_json: bool) -> None:
    from progman.services.whatif import MoveResult

    if as_json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
    elif isinstance(result, MoveResult):
        _print_move(result)
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
    changes = parse_changes(sets, add_dep, remove)
    from progman.services.whatif import parse_whatif, what_if

    question = parse_whatif(changes, move=move, source=source, target=target, between=between)
    program = load_plan_file(plan, db, program_key)
    leveling = f"leveling {program.key} before and after the move"
    with working(leveling) if question.move is not None else nullcontext():
        result = what_if(
            program,
            question,
            baseline_id=baseline,
            time_limit=time_limit,
            seed=seed,
            relevel=relevel,
        )
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
    changes = parse_changes(sets, add_dep, remove)
    from progman.services.database import unit_of_work
    from progman.services.scenario_catalog import do_save_scenario
    from progman.services.users import local_admin

    with unit_of_work(_database(db), write=True) as session:
        saved = do_save_scenario(
            session,
            local_admin(actor_name(actor)),
            program,
            name,
            changes,
            title=title,
            description=description,
            replace=True,
        ).scenario
    assert saved is not None
    stdout.print(
        f"scenario {saved.id} of {program} saved: {len(saved.changes)} change(s) "
        f"on revision {saved.base_revision}"
    )


@app.command(name="list")
def list_(program: ProgramOption, db: DbOption = None) -> None:
    """The scenarios of a stored program."""
    from rich.table import Table

    from progman.services.database import unit_of_work
    from progman.services.scenario_catalog import all_scenarios
    from progman.services.users import local_admin

    table = Table(title=f"Scenarios of {program}")
    for column in ("name", "title", "changes", "base revision", "updated"):
        table.add_column(column)
    with unit_of_work(_database(db), write=False) as session:
        entries = all_scenarios(session, local_admin(), program)
    for entry in entries:
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
    from progman.services.database import unit_of_work
    from progman.services.scenario_catalog import compare_saved_scenario
    from progman.services.users import local_admin

    with unit_of_work(_database(db), write=False) as session:
        result = compare_saved_scenario(session, local_admin(), program, name, baseline=baseline)
    _show(result, f"Scenario {name} of {program}", as_json)


@app.command()
def delete(
    name: Annotated[str, typer.Argument(help="scenario id")],
    program: ProgramOption,
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """Delete a stored scenario (the audit log keeps its last content)."""
    from progman.services.database import unit_of_work
    from progman.services.scenario_catalog import do_delete_scenario, get_scenario
    from progman.services.users import local_admin

    user = local_admin(actor_name(actor))
    with unit_of_work(_database(db), write=True) as session:
        version = get_scenario(session, user, program, name).version
        do_delete_scenario(session, user, program, name, version)
    stdout.print(f"scenario {name} of {program} deleted")
