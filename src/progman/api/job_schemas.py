"""What the API answers about jobs (``/api/v1/jobs``): a job's state, progress, and its
result or problem."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from progman.api.schemas import Problem


class JobProblem(Problem):
    """Why a job failed: the problem+json body the synchronous call would have answered."""

    model_config = ConfigDict(extra="allow")


class JobPublic(BaseModel):
    id: str = Field(description="unguessable; GET /api/v1/jobs/{id} polls it")
    kind: Literal["level", "simulate"]
    program: str = Field(description="the program's key")
    owner: str = Field(description="the user who asked for it")
    params: dict[str, Any] = Field(description="the request body it was asked with")
    state: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress: float = Field(ge=0, le=1, description="the share done (leveling: 0, then 1)")
    cancel_requested: bool = Field(description="DELETE asked it to stop; it ends cancelled")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None = Field(
        description="when succeeded: the synchronous call's answer (simulate --json, level --json)"
    )
    problem: JobProblem | None = Field(description="when failed: why, as problem+json")


class JobPage(BaseModel):
    items: list[JobPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")
