"""``progman baseline PLAN --save ID [--name N] | --list [--json]``: take a baseline of a
plan (into its file, or with ``--program KEY`` into the stored program, as the REST API's
``POST .../baselines`` does), or list its baselines. The use cases are
:mod:`progman.services.plan_baselines`; this module parses and formats.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from progman.cli.options import DbOption, JsonOption, PlanArg, ProgramOption
from progman.cli.output import Column, Listing, plural, print_listing, print_text
from progman.errors import UsageError

if TYPE_CHECKING:
    from progman.domain import Baseline


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
    as_json: JsonOption = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Take a baseline of a plan (into the plan file, or the stored program), or list them."""
    from progman.services.plan_baselines import do_save_baseline, list_plan_baselines
    from progman.services.plans import PlanSource

    if (save is not None) == listing:
        raise UsageError("give --save ID or --list", option="--save")
    if name is not None and save is None:
        raise UsageError("--name names a baseline --save takes", option="--name")
    source = PlanSource.of(plan, db, program_key)
    if save is not None:
        taken = do_save_baseline(source, save, name=name)
        if as_json:
            _emit(_summary(taken))
        else:
            print_text(
                f"baseline {taken.id} of {plural(len(taken.tasks), 'work item')} "
                f"(finish {_finish(taken)}) saved in {source}",
            )
        return
    baselines = list_plan_baselines(source)
    if as_json:
        _emit({"items": [_summary(b) for b in baselines]})
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


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
