"""`GET /api/v1/programs/{key}/export?format=...`: a stored program in each format of
`progman export`, with its media type, file name and an ETag per representation."""

from __future__ import annotations

import csv
import io

from icalendar import Calendar

EXPORT = "/api/v1/programs/DPL/export"


def test_csv_and_ical(api):
    headers = api.token("victor")  # a viewer may export what they see
    table = api.client.get(f"{EXPORT}?format=csv", headers=headers)
    assert table.status_code == 200, table.text
    assert table.headers["content-type"].startswith("text/csv")
    assert table.headers["content-disposition"] == 'attachment; filename="DPL.csv"'
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"), newline="")))
    assert rows[0]["kind"] == "project" and any(r["id"] == "API.auth" for r in rows)

    calendar = api.client.get(f"{EXPORT}?format=ical", headers=headers)
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    uids = {str(e["uid"]) for e in Calendar.from_ical(calendar.content).walk("VEVENT")}
    assert "DPL.API.ready.milestone@progman" in uids


def test_etags_differ_by_format(api):
    headers = api.token("victor")
    plain = api.client.get(EXPORT, headers=headers)
    table = api.client.get(f"{EXPORT}?format=csv", headers=headers)
    assert plain.headers["etag"] == '"1"' and table.headers["etag"] == '"1-csv"'
    again = api.client.get(
        f"{EXPORT}?format=csv", headers={**headers, "If-None-Match": table.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    other = api.client.get(f"{EXPORT}?format=json", headers={**headers, "If-None-Match": '"1"'})
    assert other.status_code == 200 and other.json()["key"] == "DPL"


def test_unknown_format_and_hidden_program(api):
    headers = api.token("victor")
    wrong = api.client.get(f"{EXPORT}?format=xls", headers=headers)
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "export.unsupported_format"
    assert "unknown export format 'xls'" in wrong.json()["detail"]
    hidden = api.client.get("/api/v1/programs/OTH/export?format=csv", headers=headers)
    assert hidden.status_code == 404


def test_ms_project_xml(api):
    from progman.io.mspdi_read import parse_mspdi  # noqa: PLC0415 - the reader, for the check

    answer = api.client.get(f"{EXPORT}?format=mspdi", headers=api.token("victor"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.headers["content-disposition"] == 'attachment; filename="DPL.xml"'
    program = parse_mspdi(answer.content, "DPL.xml").program
    assert [p.id for p in program.projects] == ["API", "WEB", "MOB", "LOY", "MKT"]
    assert "API.auth" in program.task_index()
