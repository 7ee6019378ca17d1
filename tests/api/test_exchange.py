"""Plans in and out over the API (SPEC §3.8, §5.1): the export is the text `progman db
export` writes; an import is a new program (an admin's) or a whole-program update with
If-Match (a program manager's); a bad file or a bad name changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from progman.api import create_app
from progman.domain import ChangeItem
from progman.domain.scenarios import apply_changes
from progman.planfile import dumps_plan, load_plan
from progman.samples import sample_plan_path
from progman.services.planfiles import do_export_plan

IMPORT = "/api/v1/programs/import"
YAML = {"Content-Type": "application/yaml"}


def _plan_text(**changes: str) -> bytes:
    """The sample plan (key DPL) with the durations ``changes`` give, as YAML."""
    program = load_plan(sample_plan_path())
    edits = [ChangeItem(target=t, field="duration", value=v) for t, v in changes.items()]
    return dumps_plan(apply_changes(program, edits) if edits else program).encode()


def _import(api, user: str, body: bytes, etag: str | None = None, query: str = "", **headers):
    sent = {**api.token(user), **YAML, **headers}
    if etag is not None:
        sent["If-Match"] = etag
    return api.client.post(f"{IMPORT}{query}", content=body, headers=sent)


def test_the_export_is_the_plan_file_db_export_writes(api, tmp_path):
    response = api.client.get("/api/v1/programs/DPL/export", headers=api.token("victor"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert response.headers["content-disposition"] == 'attachment; filename="DPL.yaml"'
    assert response.headers["etag"] == '"1"'
    written = tmp_path / "dpl.yaml"
    do_export_plan(api.url, "DPL", written)
    assert response.text == written.read_text(encoding="utf-8")
    again = api.client.get(
        "/api/v1/programs/DPL/export", headers={**api.token("victor"), "If-None-Match": '"1"'}
    )
    assert again.status_code == 304 and again.content == b""
    hidden = api.client.get("/api/v1/programs/OTH/export", headers=api.token("victor"))
    assert hidden.status_code == 404


def test_an_update_needs_the_programs_revision_and_answers_what_moved(api):
    changed = _plan_text(**{"API.cutover": "12d"})
    missing = _import(api, "paula", changed)
    assert missing.status_code == 428, missing.text
    assert missing.json()["code"] == "conflict.precondition_required"
    done = _import(api, "paula", changed, '"1"', "?file=dpl.yaml")
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["created"] is False and answer["item"]["revision"] == 2
    assert done.headers["etag"] == '"2"'
    assert "API.cutover" in [moved["id"] for moved in answer["moved"]["changed"]]
    stale = _import(api, "paula", _plan_text(**{"API.cutover": "3d"}), '"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    item = api.client.get("/api/v1/programs/DPL/work-items/API.cutover", headers=api.token("paula"))
    assert item.json()["duration"] == "12d"
    audit = api.client.get(
        "/api/v1/programs/DPL/audit?entity=API.cutover", headers=api.token("paula")
    ).json()
    assert audit["items"][0]["actor"] == "paula"


def test_the_same_plan_again_changes_nothing(api):
    exported = api.client.get("/api/v1/programs/DPL/export", headers=api.token("paula"))
    again = _import(api, "paula", exported.content, exported.headers["etag"])
    assert again.status_code == 200, again.text
    assert again.json()["item"]["revision"] == 1


def test_an_admin_creates_a_program_and_nobody_else_may(api):
    new = _plan_text().replace(b"key: DPL", b"key: NEW", 1)
    for user in ("paula", "victor", "mona", "otto"):
        refused = _import(api, user, new)
        assert refused.status_code == 403, (user, refused.text)
        assert refused.json()["code"] == "auth.forbidden"
    made = _import(api, "alice", new, query="?file=new.yaml")
    assert made.status_code == 201, made.text
    assert made.headers["location"] == "/api/v1/programs/NEW" and made.headers["etag"] == '"1"'
    assert made.json()["created"] is True and made.json()["moved"] is None
    assert made.json()["item"]["key"] == "NEW" and made.json()["item"]["work_items"] > 50
    shown = api.client.get("/api/v1/programs/NEW", headers=api.token("alice"))
    assert shown.status_code == 200


def test_an_if_match_for_a_program_that_does_not_exist_is_a_conflict(api):
    new = _plan_text().replace(b"key: DPL", b"key: GONE", 1)
    response = _import(api, "alice", new, '"3"')
    assert response.status_code == 409, response.text
    assert api.client.get("/api/v1/programs/GONE", headers=api.token("alice")).status_code == 404


def test_a_hidden_program_is_answered_as_a_key_that_is_not_taken(api):
    """paula manages DPL only: OTH (which exists) and FREE (which does not) get one answer,
    so an import tells her nothing about the keys she may not see."""
    other = _import(api, "paula", _plan_text().replace(b"key: DPL", b"key: OTH", 1), '"1"')
    free = _import(api, "paula", _plan_text().replace(b"key: DPL", b"key: FREE", 1), '"1"')
    assert other.status_code == free.status_code == 403
    assert other.json()["detail"].replace("OTH", "K") == free.json()["detail"].replace("FREE", "K")


def test_a_bad_file_changes_nothing_and_says_where(api):
    before = api.client.get("/api/v1/programs/DPL/export", headers=api.token("paula")).text
    bad = _plan_text().replace(b"duration: 10d", b"duration: soon", 1)
    line = bad[: bad.index(b"duration: soon")].count(b"\n") + 1
    response = _import(api, "paula", bad, '"1"', "?file=platform.yaml")
    assert response.status_code == 422 and response.json()["code"] == "plan.invalid"
    [error] = response.json()["errors"]
    assert error["message"].startswith(f"platform.yaml:{line}:") and "soon" in error["message"]
    broken = _import(api, "paula", b"program: X\nkey: [unclosed\n", '"1"')
    assert broken.status_code == 422 and "plan.yaml:" in broken.json()["errors"][0]["message"]
    for body in (b"", b"- just a list\n", "prógram".encode("latin-1")):
        assert _import(api, "paula", body, '"1"').status_code == 422, body
    after = api.client.get("/api/v1/programs/DPL/export", headers=api.token("paula"))
    assert after.text == before and after.headers["etag"] == '"1"'


BAD_NAMES = [
    "../x.yaml",
    "/tmp/x.yaml",
    "a/x.yaml",
    "a\\x.yaml",
    "C:x.yaml",
    "x%00.yaml",
    "..",
    "x.txt",
]


def test_an_upload_name_must_be_a_plain_plan_file_name(api, tmp_path, monkeypatch):
    work = tmp_path / "work"
    (work / "a").mkdir(parents=True)
    monkeypatch.chdir(work)
    for name in BAD_NAMES:
        response = _import(api, "alice", _plan_text(), '"1"', f"?file={name}")
        assert response.status_code == 400, (name, response.text)
        assert response.json()["errors"][0]["pointer"] == "/file"
    fine = _import(api, "alice", _plan_text(), '"1"', "?file=x.yaml")
    assert fine.status_code == 200, fine.text
    # nothing is ever written under the name, wherever it points
    assert [p.name for p in work.rglob("*")] == ["a"] and not (tmp_path / "x.yaml").exists()


def test_a_json_plan_is_read_too_and_other_bodies_are_refused(api):
    program = load_plan(sample_plan_path())
    as_json = dumps_plan(program, "json").encode()
    headers = {"Content-Type": "application/json"}
    done = _import(api, "paula", as_json, '"1"', "?file=plan.json", **headers)
    assert done.status_code == 200, done.text
    mismatch = _import(api, "paula", as_json, '"1"', "?file=plan.yaml", **headers)
    assert mismatch.status_code == 400 and mismatch.json()["errors"][0]["pointer"] == "/file"
    for content_type in ("text/plain", "application/yaml; charset=latin-1"):
        refused = _import(api, "paula", as_json, '"1"', **{"Content-Type": content_type})
        assert refused.status_code == 415, content_type
        assert refused.json()["code"] == "request.unsupported_media_type"


def test_a_form_uploads_the_plan_as_its_file_part_named_by_its_own_file_name(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    changed = _plan_text(**{"API.cutover": "12d"})
    for media_type in ("application/yaml", "application/octet-stream"):
        files = {"file": ("dpl.yaml", changed, media_type)}
        done = api.client.post(IMPORT, files=files, headers=headers)
        assert done.status_code == 200, done.text
        headers["If-Match"] = done.headers["etag"]
    bad = _plan_text().replace(b"duration: 10d", b"duration: soon", 1)
    line = bad[: bad.index(b"duration: soon")].count(b"\n") + 1
    refused = api.client.post(IMPORT, files={"file": ("mine.yml", bad, "")}, headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["message"].startswith(f"mine.yml:{line}:")
    for files, status, code in [
        ({"plan": ("dpl.yaml", changed, "application/yaml")}, 400, "usage.invalid"),
        ({"file": ("dpl.txt", changed, "text/plain")}, 415, "request.unsupported_media_type"),
    ]:
        response = api.client.post(IMPORT, files=files, headers=headers)
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
    no_part = api.client.post(
        IMPORT,
        content=b"--x--",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert no_part.status_code == 400 and no_part.json()["errors"][0]["pointer"] == "/file"
    item = api.client.get("/api/v1/programs/DPL/work-items/API.cutover", headers=headers)
    assert item.json()["duration"] == "12d" and item.headers["etag"] != '"1"'


def test_a_body_over_the_limit_is_refused_before_it_is_read(api, monkeypatch):
    monkeypatch.setenv("PROGMAN_MAX_BODY_MB", "0.01")
    with TestClient(create_app(api.url)) as client:
        response = client.post(
            IMPORT, content=_plan_text(), headers={**api.token("alice"), **YAML, "If-Match": '"1"'}
        )
    assert response.status_code == 413 and response.json()["code"] == "request.too_large"
