"""``progman user add`` and ``progman token create``: people and scripts that may use the
server. The command line acts as the local administrator (services/users.py)."""

# ruff: noqa: PLC0415 - the imports inside the commands are deliberate (fast CLI start)

import sys
from typing import Annotated

import typer

from progman.cli.options import DbOption
from progman.cli.output import stdout

users = typer.Typer(help="Users of the server and the roles they hold.", no_args_is_help=True)
tokens = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


@users.command("add")
def add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="the user's login name")],
    *,
    role: Annotated[
        str,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="admin, program_manager, project_manager, member or viewer",
        ),
    ],
    program: Annotated[
        str | None, typer.Option("--program", metavar="KEY", help="on this program only")
    ] = None,
    project: Annotated[
        str | None,
        typer.Option("--project", metavar="ID", help="on this project of --program only"),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="read the password from standard input"),
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user with a role (on every program, one program, or one project of it). Without
    --password-stdin a password is generated and shown once."""
    from progman.services.database import unit_of_work
    from progman.services.users import do_add_user, local_admin

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    with unit_of_work(db, write=True) as session:
        added = do_add_user(
            session, local_admin(), name, role, program=program, project=project,
            password=password,
        )  # fmt: skip
    scope = "every program"
    if added.program is not None:
        scope = f"program {added.program}"
        if added.project is not None:
            scope = f"project {added.project} of {scope}"
    stdout.print(f"user {added.name} added: {added.role} on {scope}", markup=False)
    if added.password is not None:
        stdout.print(f"password (shown once): {added.password}", markup=False)


@tokens.command("create")
def create(
    user: Annotated[str, typer.Argument(metavar="USER", help="whose token")],
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="days it is valid")] = 90,
    db: DbOption = None,
) -> None:
    """Print a new API token once (send it as 'Authorization: Bearer TOKEN')."""
    from progman.services.database import unit_of_work
    from progman.services.users import do_create_token, local_admin

    with unit_of_work(db, write=True) as session:
        made = do_create_token(session, local_admin(), user, days)
    sys.stdout.write(f"{made.token}\n")
    sys.stderr.write(
        f"token of {made.user}, valid until {made.expires_at:%Y-%m-%d %H:%M} UTC; "
        "it is shown this once\n"
    )
