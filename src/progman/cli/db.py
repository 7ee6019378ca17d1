"""``progman db …``: upgrade the schema, back up and restore, import and export programs.

Errors are not caught here: the main CLI reports every ProgmanError once and exits 1.
The use cases are :mod:`progman.services.maintenance` (schema, backup, restore),
:mod:`progman.services.programs` and :mod:`progman.services.planfiles` (export); they
(SQLAlchemy, Alembic, psycopg: ~0.4 s), the plan loader and Rich tables are imported
inside the commands, so that mounting this sub-app does not slow down every other
command.
"""

# ruff: noqa: PLC0415 - the imports inside the commands are deliberate (see above)

from pathlib import Path
from typing import Annotated

import typer

from progman.cli.options import CsvOption, actor_name, one_format
from progman.cli.output import Column, Listing, plural, print_json, print_listing, stdout, write_csv

app = typer.Typer(help="Database: upgrade, backup, restore, import, export.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", metavar="URL", help="database URL (default: $PROGMAN_DB or the user data folder)"
    ),
]


def _database(url: str | None) -> str:
    from progman.services.database import database_url

    return database_url(url)


@app.command()
def upgrade(db: DbOption = None) -> None:
    """Create the tables or migrate them to this version of progman."""
    from progman.services.maintenance import do_upgrade_database, safe_url

    url = _database(db)
    schema = do_upgrade_database(url)
    stdout.print(
        f"Database {safe_url(url)} is at schema revision {schema.revision} "
        f"({'current' if schema.current else 'not current'})."
    )


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="backup file to write (gzip JSON)")],
    db: DbOption = None,
) -> None:
    """Write every table to FILE, portable between SQLite and PostgreSQL."""
    from progman.services.maintenance import do_backup_database, safe_url

    url = _database(db)
    info = do_backup_database(url, file)
    stdout.print(
        f"Backed up {safe_url(url)} to {info.path}: {plural(info.rows, 'row')} in "
        f"{plural(info.tables, 'table')}, schema revision {info.revision}."
    )


@app.command()
def restore(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="backup file written by `progman db backup`")
    ],
    db: DbOption = None,
) -> None:
    """Replace ALL data of the database with the backup in FILE (all or nothing)."""
    from progman.services.maintenance import do_restore_database, safe_url

    url = _database(db)
    info = do_restore_database(url, file)
    stdout.print(
        f"Restored {plural(info.rows, 'row')} from {info.path} (taken {info.created_at}) "
        f"into {safe_url(url)}."
    )


@app.command("import")
def import_plan(
    plan: Annotated[
        Path, typer.Argument(metavar="PLAN", help="plan file (.yaml/.json) or folder of plan files")
    ],
    db: DbOption = None,
    actor: Annotated[
        str | None,
        typer.Option("--as", metavar="NAME", help="who the audit log names (default: your login)"),
    ] = None,
) -> None:
    """Store a plan: a new program, or an update in place of the one with its key."""
    from progman.cli.options import load_plan_file
    from progman.services.database import unit_of_work
    from progman.services.programs import do_save_program
    from progman.services.users import local_admin

    program = load_plan_file(plan)
    with unit_of_work(_database(db), write=True) as session:
        result = do_save_program(session, local_admin(actor_name(actor)), program)
    if result.changed:
        stdout.print(
            f"Imported {program.key} ({program.name}) at revision {result.revision}: "
            f"{result.created} created, {result.updated} updated, "
            f"{result.deleted} deleted."
        )
    else:
        stdout.print(f"{program.key} is unchanged (revision {result.revision}).")


@app.command("export")
def export(
    key: Annotated[str, typer.Argument(metavar="KEY", help="key of the stored program")],
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="plan file to write")
    ],
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="replace FILE if it exists")] = False,
) -> None:
    """Write a stored program as a plan file (an existing one is replaced only with --force)."""
    from progman.services.planfiles import do_export_plan

    do_export_plan(_database(db), key, output, force=force)
    stdout.print(f"Exported {key} to {output}.")


@app.command("list")
def list_(
    db: DbOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object (the API's program list)")
    ] = False,
    as_csv: CsvOption = False,
) -> None:
    """The stored programs."""
    from progman.services.database import unit_of_work
    from progman.services.programs import stored_programs
    from progman.services.users import local_admin

    one_format(as_json, as_csv)
    with unit_of_work(_database(db), write=False) as session:
        summaries = stored_programs(session, local_admin())
    items = [
        {
            "key": summary.key,
            "name": summary.name,
            "projects": summary.projects,
            "work_items": summary.tasks,
            "revision": summary.revision,
            "updated_at": summary.updated_at.isoformat(),
        }
        for summary in summaries
    ]
    if as_json:  # GET /api/v1/programs, on one page
        print_json({"items": items, "next": None})
        return
    if as_csv:
        write_csv(items, ("key", "name", "projects", "work_items", "revision", "updated_at"))
        return
    if not summaries:
        stdout.print("No programs stored yet; add one with `progman db import PLAN`.")
        return
    table = Listing(
        [
            Column("key", "id"),
            Column("name"),
            Column("projects", "number"),
            Column("work items", "number"),
            Column("revision", "number"),
            Column("updated (UTC)", "date"),
        ]
    )
    for summary in summaries:
        table.add_row(
            summary.key,
            summary.name,
            str(summary.projects),
            str(summary.tasks),
            str(summary.revision),
            summary.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    print_listing(table)
