"""When a stakeholder's report is due, and the interest/influence grid."""

from __future__ import annotations

from datetime import date

import pytest

import progman
from progman.domain import ChangeItem
from progman.domain.communication import dates_between, due_on, next_date, nth_date, quadrant
from progman.domain.governance import Communication, Stakeholder
from progman.domain.scenarios import apply_changes

START = date(2027, 1, 4)  # a Monday


@pytest.mark.parametrize(
    ("first", "frequency", "n", "expected"),
    [
        (START, "weekly", 3, date(2027, 1, 25)),
        (START, "biweekly", 2, date(2027, 2, 1)),
        (date(2027, 1, 31), "monthly", 1, date(2027, 2, 28)),  # the month's last day
        (date(2027, 1, 31), "monthly", 2, date(2027, 3, 31)),  # counted from the first date
        (date(2027, 11, 30), "quarterly", 1, date(2028, 2, 29)),  # a leap year
        (date(2027, 11, 15), "monthly", 2, date(2028, 1, 15)),
    ],
)
def test_nth_date(first, frequency, n, expected):
    assert nth_date(first, frequency, n) == expected


def test_dates_between_and_next():
    assert dates_between(START, "weekly", date(2027, 1, 10), date(2027, 1, 25)) == [
        date(2027, 1, 11),
        date(2027, 1, 18),
        date(2027, 1, 25),
    ]
    assert dates_between(START, "monthly", date(2026, 1, 1), date(2027, 1, 3)) == []
    assert next_date(START, "monthly", date(2027, 2, 4)) == date(2027, 3, 4)
    assert next_date(START, "monthly", date(2026, 6, 1)) == START


def line(**fields) -> Communication:
    return Communication.model_validate({"report": "exec", **fields})


def test_without_last_a_report_is_due_in_the_week_up_to_the_day():
    weekly = line(frequency="weekly")
    assert due_on(weekly, START, date(2027, 3, 3)).dates == (date(2027, 3, 1),)
    monthly = line(frequency="monthly")
    assert due_on(monthly, START, date(2027, 3, 10)).dates == (date(2027, 3, 4),)
    not_yet = due_on(monthly, START, date(2027, 3, 11))
    assert not not_yet.is_due and not_yet.next == date(2027, 4, 4)


def test_with_last_every_date_since_is_due():
    monthly = line(frequency="monthly", last="2027-01-04")
    due = due_on(monthly, START, date(2027, 3, 20))
    assert due.dates == (date(2027, 2, 4), date(2027, 3, 4))  # one missed
    sent = due_on(line(frequency="monthly", last="2027-03-04"), START, date(2027, 3, 20))
    assert not sent.is_due and sent.next == date(2027, 4, 4)


def test_a_start_of_its_own():
    fridays = line(frequency="weekly", start="2027-01-08")
    assert due_on(fridays, START, date(2027, 1, 14)).dates == (date(2027, 1, 8),)
    assert not due_on(fridays, START, date(2027, 1, 7)).is_due  # before its first date
    assert due_on(fridays, START, date(2027, 1, 7)).next == date(2027, 1, 8)


@pytest.mark.parametrize(
    ("interest", "influence", "expected"),
    [
        (5, 4, "manage_closely"),
        (3, 5, "keep_satisfied"),
        (4, 2, "keep_informed"),
        (3, 3, "monitor"),
        (None, 5, "unrated"),
    ],
)
def test_grid(interest, influence, expected):
    person = Stakeholder(id="x", name="X", interest=interest, influence=influence)
    assert quadrant(person) == expected


def test_removing_a_project_drops_the_reports_on_it(sample_plan):
    program = progman.load_plan(sample_plan)
    edited = apply_changes(program, [ChangeItem(op="remove", target="WEB")])
    before = {s.id: [(c.report, c.project) for c in s.communication] for s in program.stakeholders}
    after = {s.id: [(c.report, c.project) for c in s.communication] for s in edited.stakeholders}
    assert before["sofia"] == [("program", None), ("team", "WEB")]
    assert after["sofia"] == [("program", None)]
    assert {k: v for k, v in after.items() if k != "sofia"} == {
        k: v for k, v in before.items() if k != "sofia"
    }
