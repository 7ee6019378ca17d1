"""``progman comms PLAN [--due D] [--json] [--write FOLDER]``: which reports are due to
whom on a day, the stakeholders' interest/influence grid, and the due reports written into
a folder. The plan and the rule are :mod:`progman.services.comms`; this module formats.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from progman.cli.options import DbOption, JsonOption, PlanArg, ProgramOption
from progman.cli.output import Column, Listing, plural, print_json, print_listings, stdout

if TYPE_CHECKING:
    from progman.services.comms import CommsPlan

GRID_WORDS = {
    "manage_closely": "manage closely",
    "keep_satisfied": "keep satisfied",
    "keep_informed": "keep informed",
    "monitor": "monitor",
    "unrated": "unrated",
}


def comms(
    plan: PlanArg = None,
    *,
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            metavar="YYYY-MM-DD",
            help="the day to list for (default: the plan's status date, else today)",
        ),
    ] = None,
    as_json: JsonOption = False,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write", metavar="FOLDER", help="write each due report into FOLDER (made if missing)"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="replace reports of the same name in FOLDER")
    ] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Communication plan: reports due to each stakeholder, and the interest/influence grid."""
    from progman.services.comms import check_folder, communication_plan, do_write_reports
    from progman.services.inputs import parse_date
    from progman.services.plans import PlanSource, load_program

    on = parse_date(due, "--due")
    source = PlanSource.of(plan, db, program_key)
    program = load_program(source)
    result = communication_plan(program, on)
    if write is not None:
        check_folder(write, result, force=force)
    if as_json:
        data = result.to_json()
    else:
        print_listings([_due_table(result), _grid_table(result)])
    if write is not None:
        written = do_write_reports(program, result, write, force=force)
        if as_json:
            data["written"] = [
                {"file": str(w.path), "bytes": w.size, "to": list(w.recipients)} for w in written
            ]
        else:
            stdout.print()
            for w in written:
                stdout.print(
                    f"wrote {w.path} ({w.size:,} bytes) for {', '.join(w.recipients)}",
                    markup=False,
                )
            if not written:
                stdout.print(f"no report is due on {result.on}: nothing written", markup=False)
    if as_json:
        print_json(data)


def _due_table(result: "CommsPlan") -> Listing:
    """A narrow terminal loses the frequency, then the channel."""
    due = result.due
    table = Listing(
        [
            Column("stakeholder", "id"),
            Column("name", "text"),
            Column("report", "id"),
            Column("format", "id"),
            Column("channel", "id", drop=2),
            Column("every", "id", drop=1),
            Column("due", "date"),
            Column("note", "text"),
        ],
        title=f"Reports due on {result.on} for {result.name}: {plural(len(due), 'report')}",
        legend="due: the oldest date not yet sent (after 'last', or in the 7 days up to the day);"
        " report: level, and the project a team report covers",
    )
    for line in due:
        missed = len(line.due) - 1
        note = f"{plural(missed, 'earlier date')} missed" if missed else ""
        report = f"{line.report}:{line.project}" if line.project else line.report
        table.add_row(
            line.stakeholder,
            line.name,
            report,
            line.format,
            line.channel,
            line.frequency,
            line.due[0].isoformat(),
            note,
        )
    return table


def _grid_table(result: "CommsPlan") -> Listing:
    """One row per stakeholder, grouped by quadrant; a narrow terminal loses the role."""
    table = Listing(
        [
            Column("quadrant", "id"),
            Column("stakeholder", "id"),
            Column("name", "text"),
            Column("interest", "number"),
            Column("influence", "number"),
            Column("role", "text", drop=1),
        ],
        title="Interest/influence grid",
        legend="scores 1-5, 4 or 5 is high: manage closely (both high), keep satisfied "
        "(influence high), keep informed (interest high), monitor (neither); unrated: a "
        "score missing",
    )
    for name, entries in result.grid.items():
        for number, e in enumerate(entries, start=1):
            table.add_row(
                GRID_WORDS[name] if number == 1 else "",
                e.stakeholder,
                e.name,
                "—" if e.interest is None else str(e.interest),
                "—" if e.influence is None else str(e.influence),
                e.role or "",
                end_section=number == len(entries),
            )
    return table
