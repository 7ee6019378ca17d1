"""``/api/v1/programs/import`` and ``/api/v1/programs/{key}/export``: a plan file in, as a
new program or a whole-program update, and a stored program out as its plan file (SPEC
§3.8, §5.1).

The plan file is the request body itself, ``Content-Type: application/yaml`` (or
``application/json``), with its name, for the locations of problems, in ``?file=``; or the
part ``file`` of a ``multipart/form-data`` form (``curl -F file=@plan.yaml``, a browser's
file input), named by its own file name. A bad file changes nothing and is answered ``422``
with every problem at ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from starlette.datastructures import UploadFile as StarletteUpload

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.exchange_schemas import ProgramImported, problem_response
from progman.api.schemas import ProgramPublic
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.errors import UsageError
from progman.services.catalog import program_entry
from progman.services.exports import EXPORTERS, export_stored
from progman.services.plan_exchange import YAML_MEDIA_TYPE, do_import_plan, export_plan
from progman.services.work_items import moved_between

router = APIRouter(prefix="/programs", tags=["plans"])


@dataclass(frozen=True)
class PlanUpload:
    """The plan file's text, its media type and its name, if the request gave one."""

    body: bytes
    content_type: str | None
    file_name: str | None


async def uploaded(request: Request) -> PlanUpload:
    """The request body, whole (the body limit has refused one too large already), or the
    part ``file`` of a form."""
    content_type = request.headers.get("content-type")
    if (content_type or "").partition(";")[0].strip().lower() != "multipart/form-data":
        return PlanUpload(await request.body(), content_type, None)
    form = await request.form(max_files=1, max_fields=0)
    part = form.get("file")
    if not isinstance(part, StarletteUpload):
        raise UsageError(
            "send the plan file as the form's file part 'file' (curl -F file=@plan.yaml)",
            option="file",
        )
    return PlanUpload(await part.read(), part.content_type, part.filename)


Upload = Annotated[PlanUpload, Depends(uploaded)]
_PLAN = {"type": "object", "description": "a plan file: program, key, start, projects, ..."}
IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the plan file's text, as `progman validate` reads it",
        "content": {
            "application/yaml": {"schema": _PLAN},
            "application/json": {"schema": _PLAN},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}
IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the stored program replaced"},
    201: {"model": ProgramImported, "description": "a new program"},
    415: problem_response("a body that is not YAML or JSON text"),
}
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the plan file, or the program in the format asked for",
        "content": {
            YAML_MEDIA_TYPE: {"schema": _PLAN},
            **{
                e.media_type.split(";")[0]: {"schema": {"type": "string"}}
                for name, e in EXPORTERS.items()
                if name != "yaml"
            },
        },
        "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
    },
    304: {"description": "If-None-Match names the current revision"},
}


@router.post(
    "/import", response_model=ProgramImported, responses=IMPORT_RESPONSES, openapi_extra=IMPORT_BODY
)
def import_plan(
    upload: Upload,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    file: Annotated[
        str | None,
        Query(
            max_length=1000,
            description="the plan file's name, e.g. plan.yaml (a label; a form's file part "
            "brings its own)",
        ),
    ] = None,
    if_match: IfMatch = None,
) -> ProgramImported:
    """Store a plan file: a new program (``201``; an admin's), or the stored program with
    the file's key replaced whole (``If-Match``: its revision; a program manager's).
    Answers the program and what the update moved."""
    done = do_import_plan(
        session,
        user,
        upload.body,
        content_type=upload.content_type,
        file_name=file or upload.file_name,
        if_match=parse_if_match(if_match),
    )
    entry = program_entry(session, user, done.key)
    response.headers["ETag"] = f'"{entry.revision}"'
    moved = None
    if done.before is None:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1/programs/{done.key}"
    else:
        moved = moved_between(done.before, done.after)
    return ProgramImported(item=ProgramPublic(**asdict(entry)), created=done.created, moved=moved)


@router.get("/{key}/export", response_class=Response, responses=EXPORT_RESPONSES)
def export(
    key: str,
    user: CurrentUser,
    session: DatabaseSession,
    if_none_match: Annotated[str | None, Header()] = None,
    fmt: Annotated[
        str,
        Query(
            alias="format",
            description="yaml (the plan file), json, csv, ical or mspdi, as `progman export`",
        ),
    ] = "yaml",
) -> Response:
    """The stored program as a YAML plan file, the text ``progman db export`` writes, or in
    another format of ``progman export``; ``ETag`` is the program's revision."""
    if fmt != "yaml":
        done = export_stored(session, user, key, fmt)
        tag = {"ETag": f'"{done.revision}-{fmt.strip().lower()}"'}  # one per representation
        if if_none_match == tag["ETag"]:
            return Response(status_code=304, headers=tag)
        disposition = f'attachment; filename="{done.file_name}"'
        return Response(
            done.data,
            media_type=done.media_type,
            headers={**tag, "Content-Disposition": disposition},
        )
    plan = export_plan(session, user, key)
    headers = {"ETag": f'"{plan.revision}"'}
    if if_none_match == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{plan.file_name}"'
    return Response(plan.text, media_type=YAML_MEDIA_TYPE, headers=headers)
