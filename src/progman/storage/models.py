"""SQLAlchemy tables of progman: one row per program entity, plus users and the audit log.

Every entity row has a surrogate ``id``, its ``program_id`` (rows go with their program),
the plan ``key`` (unique per program and kind), ``position`` (order in the plan),
``version`` (bumped on every change of the row's content; the ETag), the columns worth
querying, and ``attributes``: the rest of the entity as JSON (``model_dump(mode="json")``
minus the fields held in columns or child tables). Nothing here leaves ``storage/``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

#: Stable constraint names, so that Alembic migrations name the same thing the same way.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KEY_LENGTH = 120  # the domain's Id is at most 120 characters
AUDIT_ACTIONS = ("created", "updated", "deleted")
USER_ROLES = ("admin", "program_manager", "project_manager", "member", "viewer")


class UtcDateTime(TypeDecorator[datetime]):
    """A time stamp stored in UTC and always returned timezone-aware (SQLite keeps none)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("time stamps stored by progman must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dict[str, Any]: JSON,
        datetime: UtcDateTime,
        str: String(),
    }


class EntityRow:
    """Columns shared by every program entity (mixin)."""

    # sort_order: shared columns first, ``attributes`` last, the kind's own in between
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-5)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), sort_order=-4
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), sort_order=-3)
    position: Mapped[int] = mapped_column(sort_order=-2)
    version: Mapped[int] = mapped_column(default=1, sort_order=-1)
    attributes: Mapped[dict[str, Any]] = mapped_column(sort_order=1)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (UniqueConstraint("program_id", "key"),)


class ProgramRow(Base):
    """The aggregate root; ``revision`` counts saves that changed anything in the program.

    ``snapshot`` is the whole plan as JSON text, valid only while ``snapshot_revision`` is
    ``revision`` (see ``storage/snapshot.py``); deferred, so listing programs skips it.
    """

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    name: Mapped[str]
    start: Mapped[date]
    status_date: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    attributes: Mapped[dict[str, Any]]
    snapshot: Mapped[str | None] = mapped_column(Text, deferred=True)
    snapshot_revision: Mapped[int | None]


class CalendarRow(EntityRow, Base):
    __tablename__ = "calendars"


class ObjectiveRow(EntityRow, Base):
    __tablename__ = "objectives"

    title: Mapped[str]
    perspective: Mapped[str | None]


class KeyResultRow(EntityRow, Base):
    __tablename__ = "key_results"

    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str]
    target: Mapped[float]
    due: Mapped[date | None]


class BenefitRow(EntityRow, Base):
    __tablename__ = "benefits"

    title: Mapped[str]
    objective: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    due: Mapped[date | None]


class ResourceRow(EntityRow, Base):
    __tablename__ = "resources"

    name: Mapped[str]
    kind: Mapped[str]
    role: Mapped[str | None]
    team: Mapped[str | None]
    capacity: Mapped[float]


class ProjectRow(EntityRow, Base):
    __tablename__ = "projects"

    name: Mapped[str]
    manager: Mapped[str | None]
    status: Mapped[str]
    priority: Mapped[int]
    start: Mapped[date | None]


class WorkItemRow(EntityRow, Base):
    """A node of a project's WBS; ``position`` orders it among its siblings."""

    __tablename__ = "work_items"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_items.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str]
    kind: Mapped[str]
    milestone: Mapped[bool]
    status: Mapped[str | None]
    deadline: Mapped[date | None]
    sprint: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    priority: Mapped[int | None]


class DependencyRow(Base):
    """A link predecessor → successor; both may be in different projects of the program."""

    __tablename__ = "dependencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    successor_id: Mapped[int] = mapped_column(
        ForeignKey("work_items.id", ondelete="CASCADE"), index=True
    )
    predecessor_id: Mapped[int] = mapped_column(
        ForeignKey("work_items.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(2))
    lag: Mapped[str] = mapped_column(String(40))

    __table_args__ = (CheckConstraint("type IN ('FS', 'SS', 'FF', 'SF')", name="type"),)


class AssignmentRow(Base):
    """A resource, or a role and/or skill still to be staffed (no resource), on a work item."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    work_item_id: Mapped[int] = mapped_column(
        ForeignKey("work_items.id", ondelete="CASCADE"), index=True
    )
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"), index=True)
    position: Mapped[int]
    role: Mapped[str | None]
    skill: Mapped[str | None]
    units: Mapped[float]
    work: Mapped[str | None] = mapped_column(String(40))
    cost: Mapped[float | None]


class RiskRow(EntityRow, Base):
    __tablename__ = "risks"

    title: Mapped[str]
    kind: Mapped[str]
    project: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    status: Mapped[str]
    probability: Mapped[float]


class StakeholderRow(EntityRow, Base):
    __tablename__ = "stakeholders"

    name: Mapped[str]
    role: Mapped[str | None]


class SprintRow(EntityRow, Base):
    __tablename__ = "sprints"

    name: Mapped[str | None]
    project: Mapped[str] = mapped_column(String(KEY_LENGTH))
    start: Mapped[date]
    finish: Mapped[date]
    state: Mapped[str]


class ChangeRequestRow(EntityRow, Base):
    __tablename__ = "change_requests"

    title: Mapped[str]
    state: Mapped[str]
    submitted: Mapped[date | None]


class BaselineRow(EntityRow, Base):
    __tablename__ = "baselines"

    name: Mapped[str | None]
    created: Mapped[date]


class BaselineTaskRow(Base):
    """One task frozen in a baseline; ``start``/``finish`` are ISO dates or date-times."""

    __tablename__ = "baseline_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    baseline_id: Mapped[int] = mapped_column(ForeignKey("baselines.id", ondelete="CASCADE"))
    task_key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    position: Mapped[int]
    start: Mapped[str] = mapped_column(String(40))
    finish: Mapped[str] = mapped_column(String(40))
    attributes: Mapped[dict[str, Any]]

    __table_args__ = (UniqueConstraint("baseline_id", "task_key"),)


class StageGateRow(EntityRow, Base):
    __tablename__ = "stage_gates"

    name: Mapped[str]
    project: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    phase: Mapped[str | None]
    planned: Mapped[date | None]


class DecisionRow(EntityRow, Base):
    __tablename__ = "decisions"

    title: Mapped[str]
    decided_on: Mapped[date] = mapped_column("date")


class ScenarioRow(Base):
    """A named what-if scenario of a program: the changes to apply to its current plan.

    Not a plan entity: saving the program leaves its scenarios alone, deleting it deletes
    them. ``base_revision`` is the program revision the scenario was made against.
    """

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    name: Mapped[str]
    description: Mapped[str | None]
    base_revision: Mapped[int]
    changes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("program_id", "key"),)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    role: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())  # 0008

    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in USER_ROLES) + ")", name="role"
        ),
    )


class GrantRow(Base):
    """A role a user holds: on every program (``program_key`` None), on one program, or on
    one project of it (``project_key``). Keys, not foreign keys: a grant on a program that
    is deleted and imported again still holds."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    program_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    project_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    role: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in USER_ROLES) + ")", name="role"
        ),
        UniqueConstraint("user_id", "program_key", "project_key"),
    )


class ApiTokenRow(Base):
    """An API token for scripts: only its SHA-256 is stored (the token is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SessionRow(Base):
    """A browser session: the SHA-256 of its cookie, and the CSRF token of its forms."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]


class AuditRow(Base):
    """Who changed which entity when, with its JSON before and after.

    Keys, not foreign keys: the trail outlives the program it describes.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    actor: Mapped[str]
    action: Mapped[str] = mapped_column(String(10))
    entity_kind: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    program_key: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    revision: Mapped[int | None]  # the program revision the change made (None: before 0007)

    __table_args__ = (
        CheckConstraint(
            "action IN (" + ", ".join(f"'{a}'" for a in AUDIT_ACTIONS) + ")", name="action"
        ),
        Index(None, "program_key", "at"),
        Index(None, "entity_kind", "entity_key"),
        Index(None, "program_key", "revision"),
        Index(None, "program_key", "id"),  # a program's newest changes first
    )
