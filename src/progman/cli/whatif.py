"""``progman whatif …``: named what-if scenarios compared with the plan and its baseline.

``run`` tries changes, a person lent to another project, or both, on a plan file (one
comparison: leveled when the plan has people assigned to work, ``--leveled/--no-leveled``
to choose); ``save``/``list``/``compare``/``delete`` keep named
scenarios of a stored program. Errors are not caught here: the main CLI reports every
ProgmanError once and exits 1; a malformed option is a usage error (exit 2). The use
cases are :mod:`progman.services.whatif` (the question the options ask, and its answer)
and :mod:`progman.services.scenario_catalog` (stored scenarios); they and Rich tables are
imported in the bodies that use them, so that mounting this sub-app does not slow down
every other command.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from progman.cli.options import CsvOption, DbOption, PlanArg, actor_name, load_plan_file, one_format
from progman.cli.options import ProgramOption as StoredProgramOption
from progman.cli.output import (
    Column,
    Listing,
    output,
    plural,
    print_json,
    print_listing,
    print_text,
    stdout,
    working,
    write_csv,
)
from progman.services.inputs import parse_changes

if TYPE_CHECKING:
    from rich.console import Console

    from progman.services.whatif import DateComparison, ScenarioComparison


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
        "--between 2027-05-01 2027-05-31 (alone or with changes; leveled)",
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
        help="level the scenario by a new search (default: the plan's leveling priorities)",
    ),
]
LeveledOption = Annotated[
    bool | None,
    typer.Option(
        "--leveled/--no-leveled",
        help="compare leveled dates, or CPM dates (default: leveled when the plan has "
        "people assigned to work)",
        show_default=False,
    ),
]
TimeLimitOption = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        metavar="SECONDS",
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
    str | None,
    typer.Option("--as", metavar="NAME", help="who makes the change (default: your login name)"),
]


def _database(url: str | None) -> str:
    from progman.services.database import database_url

    return database_url(url)


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
    return f"◆ {row.id}" if row.kind == "milestone" else row.id


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _print(result: "ScenarioComparison", title: str) -> None:
    baseline = f"baseline\n{result.baseline_id}" if result.baseline_id else "baseline"
    table = Listing(
        [
            Column("", "mark"),
            Column("finish of", "id"),
            Column("deadline", "date", drop=2),
            Column(baseline, "date"),
            Column("current", "date"),
            Column("scenario", "date"),
            Column("Δ days", "number", drop=1),
            Column("Δ working\ndays", "number"),
        ],
        title=f"{title} ({'leveled' if result.leveled else 'not leveled'})",
        legend="! the scenario misses the deadline · ◆ milestone · Δ: scenario − current",
    )
    lent = result.move
    marks = {} if lent is None else {lent.source: " (gives)", lent.target: " (gets)"}
    for row in result.dates:
        missed = row.scenario_met is False
        table.add_row(
            "!" if missed else "",
            _label(row) + (marks.get(row.id, "") if row.kind == "project" else ""),
            row.deadline.isoformat() if row.deadline else "—",
            _when(row.baseline),
            _when(row.current),
            _when(row.scenario),
            _delta(row.delta_days),
            _delta(row.delta_working_days),
            style="red" if missed else "",
        )
    cost = result.cost
    money = Listing(
        [
            Column("", "id"),
            Column(baseline, "number"),
            Column("current", "number"),
            Column("scenario", "number"),
            Column("Δ", "number"),
        ]
    )
    money.add_row(
        "planned cost",
        _money(cost.baseline),
        _money(cost.current),
        _money(cost.scenario),
        f"{cost.delta:+,.2f}",
    )
    console = output()
    print_listing(table, console)
    print_listing(money, console)
    for label, ids in (
        ("enter the critical path", result.critical_entering),
        ("leave the critical path", result.critical_leaving),
        ("added", result.added),
        ("removed", result.removed),
    ):
        if ids:
            print_text(f"{label}: {', '.join(ids)}", console)
    _print_why(result, console)


def _print_why(result: "ScenarioComparison", console: "Console") -> None:
    """The chain that makes the program and each project later; who the lent person now
    works for; and whether the leveled scenario still over-allocates anyone."""
    later = [row for row in (result.finish, *result.projects) if row.chain is not None]
    if later:
        why = Listing(
            [Column("later", "id"), Column("Δ working\ndays", "number"), Column("because")],
            title="Why later",
            legend="earliest task first; →(person): waits for that person's earlier task",
        )
        for row in later:
            assert row.chain is not None
            why.add_row(_label(row), _delta(row.delta_working_days), row.chain.text())
        print_listing(why, console)
    if result.move is not None and result.staffed:
        print_text(f"{result.move.resource} now works on: {', '.join(result.staffed)}", console)
    if result.feasible is False:
        print_text("some work stays over-allocated in the scenario (see progman level)", console)


#: The columns of ``--csv``: a row per date compared, then the planned cost.
CSV_FIELDS = (
    "kind",
    "id",
    "name",
    "deadline",
    "baseline",
    "current",
    "scenario",
    "delta_days",
    "delta_working_days",
    "scenario_met",
    "delta",
    "chain",
    "why",
)


def _show(result: "ScenarioComparison", title: str, as_json: bool, as_csv: bool = False) -> None:
    if as_json:
        print_json(result.to_json())
    elif as_csv:
        found = result.to_json()
        dates = [found["finish"], *found["projects"], *found["milestones"], *found["deadlines"]]
        cost = {"kind": "cost", "id": "planned cost", **found["cost"]}
        write_csv([*dates, cost], CSV_FIELDS)
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
    leveled: LeveledOption = None,
    relevel: RelevelOption = False,
    time_limit: TimeLimitOption = None,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Apply changes to a plan, lend a person to another project for a while, or both, and
    compare the result side by side with the plan and its baseline (leveled when the plan
    has people assigned to work), with the chain that makes each later project late."""
    one_format(as_json, as_csv)
    changes = parse_changes(sets, add_dep, remove)
    from progman.services.whatif import parse_whatif, what_if

    question = parse_whatif(
        changes, move=move, source=source, target=target, between=between, leveled=leveled
    )
    program = load_plan_file(plan, db, program_key)
    with working(f"scheduling {program.key} as it is and as asked"):
        result = what_if(
            program,
            question,
            baseline_id=baseline,
            time_limit=time_limit,
            seed=seed,
            relevel=relevel,
        )
    title = f"What if: {plural(len(changes), 'change')} to {program.key}"
    if question.move is not None:
        title = f"What if {question.move.text()}"
        title += f", and {plural(len(changes), 'change')}" if changes else ""
    _show(result, title, as_json, as_csv)


@app.command()
def save(
    name: Annotated[str, typer.Argument(metavar="NAME", help="scenario id, e.g. late-auth")],
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
        f"scenario {saved.id} of {program} saved: {plural(len(saved.changes), 'change')} "
        f"on revision {saved.base_revision}"
    )


@app.command(name="list")
def list_(
    program: ProgramOption,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """The scenarios of a stored program."""
    from progman.services.database import unit_of_work
    from progman.services.scenario_catalog import all_scenarios
    from progman.services.users import local_admin

    one_format(as_json, as_csv)
    with unit_of_work(_database(db), write=False) as session:
        entries = all_scenarios(session, local_admin(), program)
    items = [
        {
            "id": entry.key,
            "name": entry.name,
            "description": entry.description,
            "change_count": entry.changes,
            "base_revision": entry.base_revision,
            "version": entry.version,
            "updated_at": entry.updated_at.isoformat(),
        }
        for entry in entries
    ]
    if as_json:  # the API's list of scenarios (GET .../scenarios), on one page
        print_json({"items": items, "next": None})
        return
    if as_csv:
        write_csv(items, tuple(items[0]) if items else ("id", "name"))
        return
    table = Listing(
        [
            Column("id", "id"),
            Column("name"),
            Column("changes", "number"),
            Column("base\nrevision", "number"),
            Column("updated", "date"),
        ],
        title=f"Scenarios of {program}",
    )
    for entry in entries:
        table.add_row(
            entry.key,
            entry.name,
            str(entry.changes),
            str(entry.base_revision),
            entry.updated_at.isoformat(sep=" ", timespec="minutes"),
        )
    print_listing(table)


@app.command(name="compare")
def compare_(
    name: Annotated[str, typer.Argument(metavar="NAME", help="scenario id")],
    program: ProgramOption,
    *,
    baseline: BaselineOption = None,
    leveled: LeveledOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
) -> None:
    """Compare a stored scenario with the program as stored now and a baseline (as ``run``
    compares: leveled when the plan has people assigned to work)."""
    from progman.services.database import unit_of_work
    from progman.services.scenario_catalog import compare_saved_scenario
    from progman.services.users import local_admin

    one_format(as_json, as_csv)
    with unit_of_work(_database(db), write=False) as session:
        result = compare_saved_scenario(
            session, local_admin(), program, name, baseline=baseline, leveled=leveled
        )
    _show(result, f"Scenario {name} of {program}", as_json, as_csv)


@app.command()
def delete(
    name: Annotated[str, typer.Argument(metavar="NAME", help="scenario id")],
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
