"""What ``/api/v1/users`` reads and answers: users as an administrator sees them (never a
password hash), with their grants and their version."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from progman.api.schemas import GrantPublic, Request
from progman.domain.access import Role

NAME = Field(min_length=1, max_length=120)


class AccountPublic(BaseModel):
    name: str
    role: Role = Field(description="admin: everything; otherwise what the grants allow")
    active: bool = Field(description="false: deactivated, cannot log in")
    grants: list[GrantPublic]
    created_at: datetime | None
    version: int = Field(description="the user's version: their ETag")


class AccountPage(BaseModel):
    items: list[AccountPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")


class AccountEdited(BaseModel):
    item: AccountPublic


class AccountWithPassword(BaseModel):
    item: AccountPublic
    password: str | None = Field(
        description="the generated password, shown this once (null when one was sent)"
    )


class AccountCreate(Request):
    name: str = NAME
    role: Role
    program: str | None = Field(
        default=None, min_length=1, max_length=120, description="null: every program"
    )
    project: str | None = Field(
        default=None, min_length=1, max_length=120, description="null: the whole program"
    )
    password: str | None = Field(
        default=None, max_length=1024, description="null: one is generated and answered once"
    )


class AccountUpdate(Request):
    role: Role | None = Field(default=None, description="null or absent: unchanged")
    active: bool | None = Field(
        default=None, description="false: deactivate, true: reactivate; null: unchanged"
    )


class PasswordReset(Request):
    password: str | None = Field(
        default=None, max_length=1024, description="null: one is generated and answered once"
    )


class GrantCreate(Request):
    role: Role = Field(description="any role but admin (an administrator's is the user's role)")
    program: str = NAME
    project: str | None = Field(
        default=None, min_length=1, max_length=120, description="null: the whole program"
    )


class GrantPage(BaseModel):
    items: list[GrantPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")
