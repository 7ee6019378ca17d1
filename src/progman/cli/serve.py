"""``progman serve``: the REST API (and, when it lands, the web UI) on one database."""

# ruff: noqa: PLC0415 - the imports inside the command are deliberate (fast CLI start)

from typing import Annotated

import typer

from progman.cli.options import DbOption
from progman.cli.output import stderr


def serve(
    host: Annotated[
        str, typer.Option(metavar="ADDRESS", help="address to listen on")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, metavar="PORT", help="port to listen on")
    ] = 8000,
    db: DbOption = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="server processes (one per core serves the most requests)"
        ),
    ] = 1,
) -> None:
    """Serve the REST API on the database (interactive docs at /api/docs)."""
    import os

    from progman.cli.server import serve_app
    from progman.services.database import DATABASE_VARIABLE, check_database_ready, safe_url

    url = check_database_ready(db)
    os.environ[DATABASE_VARIABLE] = url  # the app below serves the database named there
    stderr.print(
        f"progman serves {safe_url(url)} at http://{host}:{port}/api/v1 "
        f"(docs: http://{host}:{port}/api/docs); Ctrl+C stops it",
        markup=False,
        highlight=False,
    )
    serve_app(host, port, workers)
