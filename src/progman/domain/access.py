"""Who may do what: users, the roles they are granted, and the rules that follow.

A role is granted on every program, on one program, or on one project of a program. The
rules are pure, so every surface (API, web, CLI) asks the same questions of the same
user and gets the same answers:

* an **admin** may do everything, users and grants included;
* a **program manager** manages the programs they are granted: every entity of them;
* a **project manager** manages the projects they are granted (on a program: all of its
  projects) and edits their work;
* a **member** edits the work of the projects they are granted (progress, estimates);
* a **viewer** reads.

Any grant in a program lets its holder read the whole program (cross-project links and
shared people are read to schedule it); a program with no grant for a user does not exist
for them (the API answers 404, never 403, so its key is not given away).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

Role = Literal["admin", "program_manager", "project_manager", "member", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "program_manager", "project_manager", "member", "viewer")


class Access(IntEnum):
    """What a role allows, each level including the ones below it."""

    NONE = 0
    READ = 1
    EDIT_WORK = 2  # tasks' progress, estimates, assignments
    MANAGE_PROJECT = 3  # a project's whole breakdown, its links and risks
    MANAGE_PROGRAM = 4  # every entity of the program: objectives, benefits, resources
    ADMIN = 5  # users and grants too


ROLE_ACCESS: dict[Role, Access] = {
    "admin": Access.ADMIN,
    "program_manager": Access.MANAGE_PROGRAM,
    "project_manager": Access.MANAGE_PROJECT,
    "member": Access.EDIT_WORK,
    "viewer": Access.READ,
}


@dataclass(frozen=True)
class Grant:
    """``role`` on every program (``program`` None), on one program, or on one project."""

    role: Role
    program: str | None = None
    project: str | None = None

    def covers(self, program: str, project: str | None) -> bool:
        """Whether this grant's scope includes ``project`` of ``program`` (None: the
        program as a whole)."""
        if self.program is not None and self.program != program:
            return False
        return self.project is None or self.project == project


@dataclass(frozen=True)
class User:
    """A person (or a script) acting on progman, with every grant they hold."""

    name: str
    role: Role
    grants: tuple[Grant, ...] = field(default=())

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" or any(
            g.role == "admin" and g.program is None for g in self.grants
        )

    def access(self, program: str, project: str | None = None) -> Access:
        """The most this user may do to ``project`` of ``program`` (None: the program's
        own entities)."""
        if self.is_admin:
            return Access.ADMIN
        best = Access.NONE
        for grant in self.grants:
            if grant.covers(program, project):
                best = max(best, ROLE_ACCESS[grant.role])
            elif grant.program in (None, program):  # a grant on another project of it
                best = max(best, Access.READ)
        return best

    def can_see(self, program: str) -> bool:
        return self.access(program) >= Access.READ
