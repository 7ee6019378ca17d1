"""An edit answers what it moved from the schedule of the program before it and the one
after it: it schedules only what no one has scheduled yet (the revision it was made
against is kept from the schedule read or the edit before), and the schedule read after
it is the one the edit made."""

from __future__ import annotations

BASE = "/api/v1/programs/DPL"


def _patched(api, headers, url: str, body: dict[str, object], version: str) -> dict[str, object]:
    response = api.client.patch(url, json=body, headers={**headers, "If-Match": version})
    assert response.status_code == 200, response.text
    return response.json()


def test_each_edit_schedules_the_program_once_after_the_first(api, schedules):
    headers = api.token("paula")
    item = f"{BASE}/work-items/API.cutover"
    first = _patched(api, headers, item, {"duration": "7d"}, '"1"')
    assert first["moved"]["milestones"], "the cutover's milestones moved"
    assert len(schedules) == 2, schedules  # nothing kept yet: before and after
    schedules.clear()
    assert api.client.get(f"{BASE}/schedule", headers=headers).status_code == 200
    assert schedules == []  # the edit's after is the schedule read now
    second = _patched(api, headers, item, {"duration": "9d"}, '"2"')
    assert len(schedules) == 1, schedules
    assert second["moved"]["milestones"]
    schedules.clear()
    _patched(api, headers, f"{BASE}/resources/jonas", {"capacity": 0.5}, '"1"')
    _patched(api, headers, f"{BASE}/projects/API", {"priority": 950}, '"1"')
    assert len(schedules) == 2, schedules


def test_an_edit_after_a_schedule_read_schedules_only_its_own_result(api, schedules):
    headers = api.token("paula")
    assert api.client.get(f"{BASE}/schedule", headers=headers).status_code == 200
    assert len(schedules) == 1
    _patched(api, headers, f"{BASE}/work-items/API.cutover", {"name": "Cut over"}, '"1"')
    assert len(schedules) == 2, schedules
