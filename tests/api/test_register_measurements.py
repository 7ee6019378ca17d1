"""What the plan holds of measurements and benefits beyond their values, over the API:
a measurement's ``unit`` and ``note``, and a benefit's ``projects``, read back as written;
a unit other than the measure's, a measured value after the status date or an unknown
project is 422 naming the field, and nothing is written."""

from __future__ import annotations

BASE = "/api/v1/programs/DPL"
KR = f"{BASE}/objectives/O1/key-results/KR1.1"


def test_a_benefit_keeps_its_projects_and_its_measurements_unit_and_note(api):
    headers = api.token("paula")
    benefit = {
        "id": "B9", "title": "Fewer call-centre calls", "unit": "calls/week", "target": 500,
        "projects": ["WEB", "MOB"],
        "measurements": [
            {"date": "2027-03-31", "realized": 120, "unit": "calls/week",
             "note": "first month after the FAQ moved online"},
            {"date": "2027-12-31", "planned": 500},
        ],
    }  # fmt: skip
    made = api.client.post(f"{BASE}/benefits", json=benefit, headers=headers)
    assert made.status_code == 201, made.text
    item = api.client.get(f"{BASE}/benefits/B9", headers=headers).json()
    assert item["projects"] == ["WEB", "MOB"]
    assert item["measurements"] == [
        {"date": "2027-03-31", "planned": None, "realized": 120.0, "unit": "calls/week",
         "note": "first month after the FAQ moved online"},
        {"date": "2027-12-31", "planned": 500.0, "realized": None, "unit": None, "note": None},
    ]  # fmt: skip
    changed = api.client.patch(
        f"{BASE}/benefits/B9", json={"projects": ["API"]}, headers={**headers, "If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["item"]["projects"] == ["API"]
    assert changed.headers["etag"] == '"2"'
    sample = api.client.get(f"{BASE}/benefits/B1", headers=headers).json()
    assert sample["projects"] == [] and sample["measurements"][0]["unit"] is None


def test_a_key_results_measurement_keeps_its_unit_and_note(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    measured = [{"date": "2027-01-31", "value": 18.1, "unit": "%", "note": "before the relaunch"}]
    changed = api.client.patch(KR, json={"measurements": measured}, headers=headers)
    assert changed.status_code == 200, changed.text
    got = api.client.get(KR, headers=headers).json()["measurements"]
    assert got == [{"date": "2027-01-31", "value": 18.1, "unit": "%",
                    "note": "before the relaunch"}]  # fmt: skip


def test_a_wrong_unit_or_a_future_measurement_is_422_naming_the_field(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    unit = api.client.patch(
        KR, json={"measurements": [{"date": "2027-01-31", "value": 18, "unit": "EUR"}]},
        headers=headers,
    )  # fmt: skip
    assert unit.status_code == 422 and unit.json()["code"] == "plan.invalid", unit.text
    problem = unit.json()["errors"][0]
    assert problem["pointer"] == "/measurements"
    assert "is in 'EUR', but key result KR1.1 is measured in '%'" in problem["message"]
    future = api.client.patch(
        KR, json={"measurements": [{"date": "2027-05-31", "value": 19}]}, headers=headers
    )
    assert future.status_code == 422 and future.json()["errors"][0]["pointer"] == "/measurements"
    assert "after the status date 2027-04-30" in future.json()["errors"][0]["message"]
    benefit = api.client.post(
        f"{BASE}/benefits",
        json={"id": "B8", "title": "x", "unit": "EUR",
              "measurements": [{"date": "2027-06-30", "realized": 5, "unit": "EUR"}]},
        headers=api.token("paula"),
    )  # fmt: skip
    assert benefit.status_code == 422 and benefit.json()["errors"][0]["pointer"] == "/measurements"
    assert "a measured value cannot come from the future" in benefit.json()["errors"][0]["message"]
    planned = api.client.post(
        f"{BASE}/benefits",
        json={"id": "B8", "title": "x", "measurements": [{"date": "2027-06-30", "planned": 5}]},
        headers=api.token("paula"),
    )
    assert planned.status_code == 201, planned.text  # a planned value may lie ahead
    assert api.client.get(KR, headers=headers).headers["etag"] == '"1"'  # nothing written


def test_a_benefits_unknown_project_is_422_naming_projects(api):
    headers = api.token("paula")
    made = api.client.post(
        f"{BASE}/benefits", json={"id": "B7", "title": "x", "projects": ["WEBB"]}, headers=headers
    )
    assert made.status_code == 422 and made.json()["errors"][0]["pointer"] == "/projects"
    assert "unknown project 'WEBB' in projects of benefit B7" in made.json()["errors"][0]["message"]
    patched = api.client.patch(
        f"{BASE}/benefits/B1", json={"projects": ["NOPE"]}, headers={**headers, "If-Match": '"1"'}
    )
    assert patched.status_code == 422 and patched.json()["errors"][0]["pointer"] == "/projects"
    too_long = api.client.patch(
        f"{BASE}/benefits/B1",
        json={"measurements": [{"date": "2027-03-31", "unit": "x" * 101}]},
        headers={**headers, "If-Match": '"1"'},
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "request.invalid"
    assert too_long.json()["errors"][0]["pointer"] == "/body/measurements/0/unit"
    assert api.client.get(f"{BASE}/benefits/B1", headers=headers).json()["projects"] == []
