"""``progman init``'s database work as one call with a plain result, so that it can run in
the engine compile's second process (:class:`progman.services.engine.Meanwhile`), off the
compile's longest chain, and be reported by the process that prints."""

from __future__ import annotations

from dataclasses import dataclass

from progman.domain import Program


@dataclass(frozen=True)
class DatabaseSetUp:
    """What ``init`` did to the database: where (password hidden), the schema revision,
    the sample stored (key and name) if asked, and the first administrator's generated
    password when one was created (``None``: there already was one)."""

    url: str
    revision: str
    sample: tuple[str, str] | None
    admin: str
    password: str | None


def do_set_up_database(db: str | None, sample: Program | None) -> DatabaseSetUp:
    """Create or upgrade the database ``db`` (the default one when None), store ``sample``
    if given, and create the first administrator if there is none."""
    from progman.services.database import database_url, unit_of_work  # noqa: PLC0415
    from progman.services.maintenance import safe_url  # noqa: PLC0415
    from progman.services.programs import init_database  # noqa: PLC0415
    from progman.services.users import FIRST_ADMIN, do_create_first_admin  # noqa: PLC0415

    url = database_url(db)
    revision = init_database(url, sample)
    with unit_of_work(url, write=True) as session:
        password = do_create_first_admin(session)
    stored = None if sample is None else (sample.key, sample.name)
    return DatabaseSetUp(safe_url(url), revision, stored, FIRST_ADMIN, password)
