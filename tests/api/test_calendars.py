"""The program's calendars over the API: read with their exceptions and an ETag, their
working week changed, and holidays or working days added and removed one at a time, each
answered with what moved."""

from __future__ import annotations

BASE = "/api/v1/programs/DPL"
STANDARD = f"{BASE}/calendars/standard"


def test_calendars_are_listed_with_their_exceptions_by_date(api):
    headers = api.token("victor")
    page = api.client.get(f"{BASE}/calendars", headers=headers).json()
    assert [c["id"] for c in page["items"]] == ["standard", "part_time"] and page["next"] is None
    standard, part_time = page["items"]
    assert standard["default"] and not part_time["default"]
    assert part_time["workdays"] == ["mon", "tue", "wed", "thu"]
    labour = {"id": "2027-05-01", "kind": "holiday", "start": "2027-05-01",
              "finish": "2027-05-01", "name": "Labour Day"}  # fmt: skip
    assert labour in standard["exceptions"]
    christmas = standard["exceptions"][-1]
    assert (christmas["start"], christmas["finish"]) == ("2027-12-24", "2027-12-31")
    one = api.client.get(f"{BASE}/calendars?limit=1", headers=headers).json()
    assert len(one["items"]) == 1 and one["next"]


def test_one_calendar_has_an_etag_and_an_unknown_one_is_named(api):
    headers = api.token("mona")
    one = api.client.get(STANDARD, headers=headers)
    assert one.status_code == 200 and one.headers["etag"] == '"1"'
    missing = api.client.get(f"{BASE}/calendars/lunar", headers=headers)
    assert missing.status_code == 404 and "standard, part_time" in missing.json()["detail"]
    assert api.client.get(STANDARD, headers=api.token("otto")).status_code == 404


def test_a_week_of_holidays_moves_the_milestones_after_it(api):
    headers = api.token("paula")
    body = {"start": "2027-06-14", "finish": "2027-06-18", "name": "Summer closure"}
    added = api.client.post(f"{STANDARD}/exceptions", json=body, headers=headers)
    assert added.status_code == 201, added.text
    assert added.headers["etag"] == '"2"'
    assert added.headers["location"] == f"{STANDARD}/exceptions/2027-06-14"
    moved = added.json()["moved"]
    assert moved["changes"] == ["program DPL: calendars changed"]
    assert {m["id"] for m in moved["milestones"]} >= {"WEB.launch", "MOB.launch"}
    exceptions = added.json()["item"]["exceptions"]
    assert {"id": "2027-06-14", "kind": "holiday", "start": "2027-06-14",
            "finish": "2027-06-18", "name": "Summer closure"} in exceptions  # fmt: skip
    assert [e["start"] for e in exceptions] == sorted(e["start"] for e in exceptions)


def test_an_exception_that_overlaps_another_or_runs_backwards_is_refused(api):
    headers = api.token("paula")
    url = f"{STANDARD}/exceptions"
    overlap = api.client.post(url, json={"start": "2027-12-30", "kind": "working"},
                              headers=headers)  # fmt: skip
    assert overlap.status_code == 422 and overlap.json()["errors"][0]["pointer"] == "/start"
    assert "Christmas" in overlap.json()["errors"][0]["message"]
    backwards = api.client.post(url, json={"start": "2027-07-09", "finish": "2027-07-02"},
                                headers=headers)  # fmt: skip
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["pointer"] == "/finish"
    stale = api.client.post(url, json={"start": "2027-07-02"}, headers={**headers,
                            "If-Match": '"7"'})  # fmt: skip
    assert stale.status_code == 412
    viewer = api.client.post(url, json={"start": "2027-07-02"}, headers=api.token("victor"))
    assert viewer.status_code == 403
    assert api.client.get(STANDARD, headers=headers).headers["etag"] == '"1"'


def test_a_working_saturday_is_added_and_removed_by_its_day(api):
    headers = api.token("paula")
    body = {"kind": "working", "start": "2027-06-19", "name": "Release weekend"}
    added = api.client.post(f"{STANDARD}/exceptions", json=body, headers=headers)
    assert added.status_code == 201, added.text
    removed = api.client.delete(f"{STANDARD}/exceptions/2027-06-19",
                                headers={**headers, "If-Match": '"2"'})  # fmt: skip
    assert removed.status_code == 200 and removed.headers["etag"] == '"3"'
    assert all(e["kind"] == "holiday" for e in removed.json()["item"]["exceptions"])


def test_removing_a_holiday_needs_the_calendars_version(api):
    headers = api.token("paula")
    url = f"{STANDARD}/exceptions/2027-05-01"
    assert api.client.delete(url, headers=headers).status_code == 428
    stale = api.client.delete(url, headers={**headers, "If-Match": '"5"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 1
    done = api.client.delete(url, headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200
    assert "2027-05-01" not in {e["id"] for e in done.json()["item"]["exceptions"]}
    again = api.client.delete(url, headers={**headers, "If-Match": '"2"'})
    assert again.status_code == 404 and "no exception on 2027-05-01" in again.json()["detail"]


def test_a_day_inside_a_run_of_holidays_names_the_run(api):
    headers = {**api.token("alice"), "If-Match": '"1"'}
    done = api.client.delete(f"{STANDARD}/exceptions/2027-12-27", headers=headers)
    assert done.status_code == 200
    assert "2027-12-24" not in {e["id"] for e in done.json()["item"]["exceptions"]}
    bad = api.client.delete(f"{STANDARD}/exceptions/soon", headers=headers)
    assert bad.status_code == 400 and bad.json()["errors"][0]["pointer"] == "/exception_id"


def test_a_program_manager_changes_the_working_week(api):
    headers = api.token("paula")
    url = f"{BASE}/calendars/part_time"
    body = {"workdays": ["mon", "tue", "wed"], "hours_per_day": 7.5}
    changed = api.client.patch(url, json=body, headers={**headers, "If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.json()["item"]["workdays"] == ["mon", "tue", "wed"]
    assert changed.json()["item"]["hours_per_day"] == 7.5 and changed.headers["etag"] == '"2"'
    empty = api.client.patch(url, json={"workdays": []}, headers={**headers, "If-Match": '"2"'})
    assert empty.status_code == 422
    twice = api.client.patch(url, json={"workdays": ["mon", "mon"]},
                             headers={**headers, "If-Match": '"2"'})  # fmt: skip
    assert twice.status_code == 422 and twice.json()["errors"][0]["pointer"] == "/workdays"
    member = api.client.patch(url, json={"hours_per_day": 6},
                              headers={**api.token("mona"), "If-Match": '"2"'})  # fmt: skip
    assert member.status_code == 403
