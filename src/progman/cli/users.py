"""``progman user add|list|role|deactivate|reactivate|reset-password|grant|revoke`` and
``progman token create``: people and scripts that may use the server, managed through the
same services as the web UI's admin pages (services/accounts.py). The command line acts as
the local administrator (services/users.py)."""

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


Name = Annotated[str, typer.Argument(metavar="NAME", help="the user's login name")]


@users.command("list")
def list_users(db: DbOption = None) -> None:
    """Every user with their role, status and grants, one a line, tab-separated."""
    from progman.services.accounts import accounts
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    with unit_of_work(db, write=False) as session:
        listed = accounts(session, local_admin())
    for shown in listed:
        grants = "; ".join(
            f"{g.role} on {g.program or 'every program'}{f' / {g.project}' if g.project else ''}"
            for g in shown.grants
        )
        status = "active" if shown.active else "deactivated"
        sys.stdout.write(f"{shown.name}\t{shown.role}\t{status}\t{grants or '-'}\n")


@users.command("role")
def set_role(
    name: Name,
    role: Annotated[str, typer.Argument(metavar="ROLE", help="admin or another role")],
    db: DbOption = None,
) -> None:
    """Change a user's role (the last active administrator keeps theirs)."""
    from progman.services.accounts import do_set_role
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    with unit_of_work(db, write=True) as session:
        do_set_role(session, local_admin(), name, role)
    stdout.print(f"user {name}: role {role}", markup=False)


@users.command("deactivate")
def deactivate(name: Name, db: DbOption = None) -> None:
    """Stop a user from logging in: their sessions end and their API tokens are revoked."""
    _set_active(name, False, db)


@users.command("reactivate")
def reactivate(name: Name, db: DbOption = None) -> None:
    """Let a deactivated user log in again."""
    _set_active(name, True, db)


def _set_active(name: str, active: bool, db: str | None) -> None:
    from progman.services.accounts import do_set_active
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    with unit_of_work(db, write=True) as session:
        do_set_active(session, local_admin(), name, active)
    stdout.print(f"user {name} {'reactivated' if active else 'deactivated'}", markup=False)


@users.command("reset-password")
def reset_password(
    name: Name,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the new password from standard input")
    ] = False,
    db: DbOption = None,
) -> None:
    """A new password (generated and shown once unless --password-stdin); the user's
    browser sessions end."""
    from progman.services.accounts import do_reset_password
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with unit_of_work(db, write=True) as session:
        generated = do_reset_password(session, local_admin(), name, password)
    stdout.print(f"user {name}: password reset", markup=False)
    if generated is not None:
        stdout.print(f"password (shown once): {generated}", markup=False)


@users.command("grant")
def grant(
    name: Name,
    *,
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help="a role but admin")],
    program: Annotated[str, typer.Option("--program", metavar="KEY", help="a stored program")],
    project: Annotated[
        str | None, typer.Option("--project", metavar="ID", help="one project of it")
    ] = None,
    db: DbOption = None,
) -> None:
    """Grant a role on a stored program or one project of it (replacing the role held on
    that same scope)."""
    from progman.services.accounts import do_grant_on
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    with unit_of_work(db, write=True) as session:
        do_grant_on(session, local_admin(), name, role, program=program, project=project)
    scope = f"project {project} of {program}" if project else f"program {program}"
    stdout.print(f"user {name}: {role} on {scope}", markup=False)


@users.command("revoke")
def revoke(
    name: Name,
    program: Annotated[
        str | None,
        typer.Option("--program", metavar="KEY", help="none: the grant on every program"),
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", metavar="ID", help="one project of --program")
    ] = None,
    db: DbOption = None,
) -> None:
    """Take away a user's grant on a program, a project of it, or every program."""
    from progman.services.accounts import do_revoke
    from progman.services.database import unit_of_work
    from progman.services.users import local_admin

    with unit_of_work(db, write=True) as session:
        taken = do_revoke(session, local_admin(), name, program, project)
    stdout.print(f"user {name}: {taken.role} revoked", markup=False)
