"""``progman baseline PLAN --save ID [--name N] | --list | --compare ID [--all]
[--json | --csv]``: take a baseline of a plan (into its file, or with ``--program KEY``
into the stored program, as the REST API's ``POST .../baselines`` does), list its
baselines, or compare the plan with one of them. The use cases are
:mod:`progman.services.plan_baselines` and :mod:`progman.services.baseline_variance`;
this module parses and formats.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

from typing import TYPE_CHECKING, Annotated, Any

import typer

from progman.cli.options import CsvOption, DbOption, JsonOption, PlanArg, ProgramOption, one_format
from progman.cli.output import (
    Column,
    Listing,
    output,
    plural,
    print_json,
    print_listing,
    print_text,
    write_csv,
)
from progman.errors import UsageError

if TYPE_CHECKING:
    from progman.domain import Baseline
    from progman.services.baseline_variance import Variance
    from progman.services.plans import PlanSource


def baseline(
    plan: PlanArg = None,
    *,
    save: Annotated[
        str | None,
        typer.Option("--save", metavar="ID", help="take the baseline ID of the plan as it is now"),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", metavar="N", help="the new baseline's name")
    ] = None,
    listing: Annotated[bool, typer.Option("--list", help="list the plan's baselines")] = False,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare", metavar="ID", help="variance of the plan against the baseline ID"
        ),
    ] = None,
    every_task: Annotated[
        bool, typer.Option("--all", help="with --compare: every task, not only those that vary")
    ] = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Take a baseline of a plan (into the plan file, or the stored program), list them, or
    compare the plan with one."""
    from progman.services.plan_baselines import do_save_baseline, list_plan_baselines
    from progman.services.plans import PlanSource

    if sum((save is not None, listing, compare is not None)) != 1:
        raise UsageError("give one of --save ID, --list or --compare ID", option="--save")
    if name is not None and save is None:
        raise UsageError("--name names a baseline --save takes", option="--name")
    if every_task and compare is None:
        raise UsageError("--all lists every task of --compare", option="--all")
    one_format(as_json, as_csv)
    if as_csv and compare is None:
        raise UsageError("--csv prints the tasks of --compare", option="--csv")
    source = PlanSource.of(plan, db, program_key)
    if compare is not None:
        _compare(source, compare, every_task=every_task, as_json=as_json, as_csv=as_csv)
        return
    if save is not None:
        taken = do_save_baseline(source, save, name=name)
        if as_json:
            print_json(_summary(taken))
        else:
            print_text(
                f"baseline {taken.id} of {plural(len(taken.tasks), 'work item')} "
                f"(finish {_finish(taken)}) saved in {source}",
            )
        return
    baselines = list_plan_baselines(source)
    if as_json:
        print_json({"items": [_summary(b) for b in baselines]})
        return
    table = Listing(
        [
            Column("id", "id"),
            Column("name"),
            Column("created", "date"),
            Column("work\nitems", "number"),
            Column("finish", "date"),
        ],
        title=f"{source} — baselines",
    )
    for b in baselines:
        table.add_row(b.id, b.name or "—", str(b.created), str(len(b.tasks)), _finish(b))
    print_listing(table)
    if not baselines:
        print_text(f"no baselines yet: progman baseline {source} --save ID")


def _finish(taken: "Baseline") -> str:
    """The latest finish the baseline holds, as a day (``—`` when it holds none)."""
    if not taken.tasks:
        return "—"
    return str(max(t.finish for t in taken.tasks.values()))[:10]


def _summary(taken: "Baseline") -> dict[str, Any]:
    return {
        "id": taken.id,
        "name": taken.name,
        "created": str(taken.created),
        "description": taken.description,
        "tasks": len(taken.tasks),
        "finish": None if not taken.tasks else _finish(taken),
    }


#: The columns of ``--compare --csv``: a task's fields in ``--json``.
VARIANCE_CSV_FIELDS = (
    "id", "name", "project", "baseline_start", "start", "start_days", "baseline_finish",
    "finish", "finish_days", "duration_days", "work_hours", "cost",
)  # fmt: skip


def _compare(
    source: "PlanSource", ident: str, *, every_task: bool, as_json: bool, as_csv: bool
) -> None:
    from progman.errors import NotFound
    from progman.services.baseline_variance import plan_baseline_variance, variance_json

    try:
        found = plan_baseline_variance(source, ident)
    except NotFound as missing:
        raise UsageError(missing.message, option="--compare") from None
    answer = variance_json(found, every_task=every_task)
    if as_json:
        print_json(answer)
        return
    if as_csv:
        write_csv(answer["tasks"], VARIANCE_CSV_FIELDS)
        return
    console = output()
    print_listing(_scope_table(found), console)
    print_listing(_task_table(found, answer["tasks"]), console)
    for line in _variance_notes(found, shown=len(answer["tasks"]), every_task=every_task):
        console.print(line, markup=False, soft_wrap=not console.is_terminal)


def _days(value: "float | None") -> str:
    if value is None:
        return "—"
    return f"{value:+g}".replace("-", "−") if value else "0"


def _money(value: float) -> str:
    rounded = round(value) + 0
    return (f"{rounded:+,}" if rounded else "0").replace("-", "−")


def _scope_table(found: "Variance") -> Listing:
    table = Listing(
        [
            Column("scope", "id"),
            Column("baseline\nfinish", "date"),
            Column("finish", "date"),
            Column("finish\nvariance", "number"),
            Column("work\nvariance (h)", "number"),
            Column("cost\nvariance", "number"),
        ],
        title=f"Against baseline {found.baseline}",
        legend="variance: the plan now minus the baseline; days are working days of the "
        "program calendar (+ later)",
    )
    scopes = [("program", found.program), *found.projects.items()]
    for n, (ident, scope) in enumerate(scopes):
        table.add_row(
            ident,
            str(scope.baseline_finish or "—")[:10],
            str(scope.finish or "—")[:10],
            _days(scope.finish_days),
            _days(scope.work_hours),
            _money(scope.cost),
            end_section=n == 0,
        )
    return table


def _task_table(found: "Variance", rows: "list[dict[str, Any]]") -> Listing:
    """The tasks; a narrow terminal loses the baseline dates, then the names, then the
    duration and work variances."""
    table = Listing(
        [
            Column("id", "id"),
            Column("name", drop=2),
            Column("baseline\nstart", "date", drop=1),
            Column("start", "date"),
            Column("Δ start", "number"),
            Column("baseline\nfinish", "date", drop=1),
            Column("finish", "date"),
            Column("Δ finish", "number"),
            Column("Δ dur.", "number", drop=3),
            Column("Δ work\n(h)", "number", drop=3),
            Column("Δ cost", "number"),
        ],
        title=f"Tasks against baseline {found.baseline}",
    )
    for row in rows:
        table.add_row(
            row["id"], row["name"],
            row["baseline_start"][:10], row["start"][:10], _days(row["start_days"]),
            row["baseline_finish"][:10], row["finish"][:10], _days(row["finish_days"]),
            _days(row["duration_days"]), _days(row["work_hours"]), _money(row["cost"]),
        )  # fmt: skip
    return table


def _variance_notes(found: "Variance", *, shown: int, every_task: bool) -> list[str]:
    notes = []
    if not every_task:
        same = len(found.tasks) - shown
        notes.append(f"{plural(same, 'task')} as in the baseline (--all lists them too)")
    if found.added:
        notes.append(f"added since the baseline: {', '.join(found.added)}")
    if found.removed:
        notes.append(f"removed since the baseline: {', '.join(found.removed)}")
    return notes
