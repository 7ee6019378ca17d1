"""Plans over the wire (SPEC §3.8, §3.9): a plan file uploaded as the text of a request is
stored as a new program or as a whole-program update of the one with its key, and a stored
program is answered as the plan text ``progman db export`` writes.

An upload is read and checked completely before anything is written, exactly as a plan
file on disk is (every problem located at ``NAME:line:col``), and saved in the caller's
transaction: a bad file changes nothing. The upload's name is only a label for those
locations; it is refused unless it is a plain file name (no folder, no ``..``, no NUL),
and nothing is ever written under it.

Who may: creating a program needs an admin, replacing one a program manager of it. A
caller who may not see the key gets the same answer whether the program exists or not,
so an import never tells them which keys are taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy.orm import Session

from progman.collector import collector_paused
from progman.domain import Program
from progman.domain.access import Access, User
from progman.errors import (
    Conflict,
    Forbidden,
    Location,
    NotFound,
    PlanInvalid,
    Problem,
    ProgmanError,
    UsageError,
)
from progman.services.catalog import do_save_edited, remember_program, visible_program_at
from progman.services.users import check_access
from progman.services.work_items import check_version
from progman.storage import program_revision, save_program

#: Media types of an upload, and the plan-file format each one is.
PLAN_MEDIA_TYPES = {
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "application/json": "json",
}
#: What a browser or curl calls a file part whose type it does not know.
GENERIC_MEDIA_TYPES = frozenset({"", "application/octet-stream", "text/plain"})
#: File suffixes of each format (the upload's name must end with one of its own).
SUFFIXES = {"yaml": (".yaml", ".yml"), "json": (".json",)}
MAX_NAME_LENGTH = 255
#: The media type an export answers with.
YAML_MEDIA_TYPE = "application/yaml"


class UnsupportedUpload(ProgmanError):
    """A request body that is not a plan file's text (another media type, another
    character set)."""

    code = "request.unsupported_media_type"
    http_status = 415


@dataclass(frozen=True)
class ImportedProgram:
    """What an import did: the program as stored now, the one it replaced (None: it is
    new), and the program's revision after the save."""

    key: str
    before: Program | None
    after: Program
    revision: int

    @property
    def created(self) -> bool:
        return self.before is None


@dataclass(frozen=True)
class ExportedPlan:
    """A stored program as plan text, the revision it is of, and a file name for it."""

    key: str
    revision: int
    text: str
    file_name: str


def upload_format(content_type: str | None, file_name: str | None = None) -> str:
    """``"yaml"`` or ``"json"``: the format the request's ``Content-Type`` names, or for a
    generic one (a browser's file part: ``application/octet-stream``, ``text/plain``, none)
    the suffix of ``file_name``."""
    media, _, parameters = (content_type or "").partition(";")
    fmt = PLAN_MEDIA_TYPES.get(media.strip().lower())
    if fmt is None and media.strip().lower() in GENERIC_MEDIA_TYPES and file_name:
        fmt = next(
            (f for f, suffixes in SUFFIXES.items() if file_name.lower().endswith(suffixes)), None
        )
    if fmt is None:
        shown = media.strip() or "none"
        raise UnsupportedUpload(
            f"send the plan file as the request body with Content-Type: application/yaml "
            f"(or application/json), not {shown}"
        )
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8", "us-ascii"):
            raise UnsupportedUpload(f"send the plan file as UTF-8 text, not {charset}")
    return fmt


def check_upload_name(name: str | None, fmt: str) -> str:
    """The name problems of the upload are reported under: ``name`` when it is a plain
    file name with a suffix of ``fmt`` (default ``plan.yaml`` / ``plan.json``); a usage
    error naming the field ``file`` otherwise. The name is a label: nothing is written
    under it."""
    suffixes = SUFFIXES[fmt]
    if name is None:
        return f"plan{suffixes[0]}"
    problem = _name_problem(name)
    if problem is None and not name.lower().endswith(suffixes):
        problem = f"a {fmt.upper()} plan file's name ends with {' or '.join(suffixes)}"
    if problem is not None:
        shown = name.encode("unicode_escape").decode("ascii")[:80]
        raise UsageError(
            f"file {shown!r}: {problem}; give the plan file's own name, e.g. plan{suffixes[0]}",
            option="file",
        )
    return name


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "the name is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"the name is longer than {MAX_NAME_LENGTH} characters"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "the name holds a control character (NUL, newline...)"
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).anchor:
        return "an absolute path is not a file name"
    if "/" in name or "\\" in name:
        return "a path is not a file name: leave out the folders"
    if name.strip(" .") == "" or name.startswith(".."):
        return "'.' and '..' are not file names"
    return None


def read_plan_text(body: bytes, name: str) -> Program:
    """The program in the text of an uploaded plan file called ``name``, checked as
    ``progman validate`` checks a file: :class:`PlanInvalid` with every problem located
    at ``name:line:col``."""
    from progman.planfile.loader import validate_plan_data  # noqa: PLC0415 - pydantic models
    from progman.planfile.source import DocumentError, TextLocator, load_document  # noqa: PLC0415

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise PlanInvalid(
            [
                Problem(
                    "plan.encoding",
                    f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8",
                    Location(name, line),
                )
            ]
        ) from None
    with collector_paused():
        try:
            data = load_document(text, name)
            places = TextLocator(name, text)
            if not isinstance(data, dict):
                [where] = places.locate_all([((), False)])
                message = "a plan is a mapping that starts with 'program: NAME'"
                raise PlanInvalid([Problem("plan.syntax", message, where)])
            return validate_plan_data(data, places)
        except DocumentError as error:
            raise PlanInvalid([error.problem]) from None
        except RecursionError:  # a document of a million '[': no plan nests that deep
            message = "the document is nested too deeply to be a plan"
            raise PlanInvalid([Problem("plan.syntax", message, Location(name))]) from None


def check_may_import(user: User) -> None:
    """Refuse at once a caller who could import nothing (no admin, no program manager):
    their upload is not even read."""
    if user.is_admin or any(g.role in ("admin", "program_manager") for g in user.grants):
        return
    raise Forbidden(
        f"{user.name} may not import plans: creating a program needs an admin, replacing "
        "one a program manager of it"
    )


def do_import_plan(
    session: Session,
    user: User,
    body: bytes,
    *,
    content_type: str | None,
    file_name: str | None = None,
    if_match: int | None = None,
) -> ImportedProgram:
    """Store the uploaded plan ``body`` as a new program (no ``if_match``), or in place of
    the stored program with its key (``if_match``: that program's revision, its ETag)."""
    check_may_import(user)
    fmt = upload_format(content_type, file_name)
    program = read_plan_text(body, check_upload_name(file_name, fmt))
    key = program.key
    if not user.can_see(key):  # the same answer whether the program exists or not
        raise Forbidden(
            f"{user.name} may not import program {key}: creating a program needs an admin, "
            "replacing one a program manager of it"
        )
    try:
        program_revision(session, key)
    except NotFound:
        return _create(session, user, program, if_match)
    check_access(user, key, Access.MANAGE_PROGRAM)
    before, revision, _ = visible_program_at(session, user, key)
    check_version(f"program {key}", if_match, revision)
    saved = do_save_edited(session, user, key, program, revision)
    return ImportedProgram(key, before, program, saved)


def _create(
    session: Session, user: User, program: Program, if_match: int | None
) -> ImportedProgram:
    key = program.key
    if not user.is_admin:
        raise Forbidden(f"{user.name} may not create program {key}: that needs an admin")
    if if_match is not None:
        raise Conflict(
            f"program {key} does not exist (it may have been deleted meanwhile): import the "
            "plan without If-Match to create it"
        )
    # expected revision 0 (none yet): a program someone created meanwhile is a conflict
    saved = save_program(session, program, user.name, expected_revision=0)
    remember_program(session, key, program)
    return ImportedProgram(key, None, program, saved.revision)


def export_plan(session: Session, user: User, key: str) -> ExportedPlan:
    """The stored program ``key`` as the YAML plan text ``progman db export`` writes."""
    from progman.planfile import dumps_plan  # noqa: PLC0415 - the plan dumper: on use

    program, revision, _ = visible_program_at(session, user, key)
    return ExportedPlan(key, revision, dumps_plan(program, "yaml"), export_file_name(key))


def export_file_name(key: str) -> str:
    """A file name for program ``key``'s plan that is safe in any file system and in a
    ``Content-Disposition`` header (ids may hold ``/`` and ``:``)."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in key)
    return f"{safe.lstrip('.') or 'plan'}.yaml"
