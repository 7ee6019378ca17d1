"""One error hierarchy for progman, mapped once to CLI exit codes and API problem+json.

Every error a user can cause carries a stable ``code`` (``plan.unknown_reference``), a
human message saying what is wrong and what to do, and a location (file:line:col, field
path or entity id). A :class:`PlanInvalid` carries *all* problems found, not just the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a problem is: a position in a file, a field path, or an entity id."""

    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str | None = None  # e.g. "projects[1].tasks[0].depends[0]"
    entity: str | None = None  # e.g. "MOB.build"

    def __str__(self) -> str:
        if self.file:
            parts = [self.file]
            if self.line is not None:
                parts.append(str(self.line))
                if self.column is not None:
                    parts.append(str(self.column))
            return ":".join(parts)
        if self.path:
            return self.path
        return self.entity or ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with user input."""

    code: str
    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class ProgmanError(Exception):
    """Base of every error progman raises on purpose. ``exit_code`` is the CLI's."""

    code = "progman.error"
    exit_code = 1
    http_status = 400

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()

    @property
    def problems(self) -> Sequence[Problem]:
        return [Problem(self.code, self.message, self.location)]

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class PlanInvalid(ProgmanError):
    """A plan (file, folder or stored program) has one or more problems."""

    code = "plan.invalid"
    http_status = 422

    def __init__(self, problems: Iterable[Problem]) -> None:
        self._problems = list(problems)
        count = len(self._problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the plan")

    @property
    def problems(self) -> Sequence[Problem]:
        return self._problems


class UsageError(ProgmanError):
    """A request that cannot be carried out as asked: options that do not go together, a
    value of the wrong form, a project the plan does not have. ``option`` names what to fix
    (a CLI option such as ``--slip``, or an API field); the CLI exits 2, as for a usage
    error of its own."""

    code = "usage.invalid"
    exit_code = 2
    http_status = 400

    def __init__(self, message: str, *, option: str) -> None:
        super().__init__(message, location=Location(path=option))
        self.option = option


class PlanTooLarge(ProgmanError):
    code = "plan.too_large"
    http_status = 413


class InputNotFound(ProgmanError):
    code = "input.not_found"
    http_status = 404


class NotFound(ProgmanError):
    code = "entity.not_found"
    http_status = 404


class Conflict(ProgmanError):
    code = "conflict"
    http_status = 409


class StillReferenced(Conflict):
    """A delete refused while other entities still refer to the entity: each problem
    names one of them (``location.entity``) and how it refers to it."""

    code = "conflict.still_referenced"

    def __init__(self, message: str, referrers: Sequence[Problem]) -> None:
        super().__init__(message)
        self._referrers = list(referrers)

    @property
    def problems(self) -> Sequence[Problem]:
        return self._referrers or super().problems


class StorageError(ProgmanError):
    code = "storage.error"
    http_status = 500


class DatabaseNotReady(StorageError):
    code = "storage.not_initialised"


class BackupInvalid(StorageError):
    """A backup file is unreadable, truncated, or from another schema revision."""

    code = "storage.backup_invalid"
    http_status = 422


class Unauthenticated(ProgmanError):
    """No credentials, or credentials that name nobody (a wrong password, an expired
    token or session)."""

    code = "auth.unauthenticated"
    http_status = 401


class Forbidden(ProgmanError):
    """The caller is known but may not do this (a viewer editing, a member adding users)."""

    code = "auth.forbidden"
    http_status = 403


class RateLimited(ProgmanError):
    """Too many failed logins for one name or address: wait before trying again."""

    code = "auth.rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PreconditionRequired(ProgmanError):
    """A write without ``If-Match``: the entity's version must be named."""

    code = "conflict.precondition_required"
    http_status = 428


class StaleVersion(ProgmanError):
    """A write naming an entity version that is no longer the current one."""

    code = "conflict.stale_etag"
    http_status = 412

    def __init__(self, message: str, *, current: int, location: Location | None = None) -> None:
        super().__init__(message, location=location)
        self.current = current
