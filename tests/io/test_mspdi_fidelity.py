"""MSPDI import on the real files of ../shared/data/projects against their MPXJ facts:
counts, and each task's dates after scheduling against the dates the file holds.

Every task of every file agrees on the day but the exceptions named in :data:`EXCEPTIONS`,
each with its reason, and each reason is proved from the file's own data by a test below
(not only stated). A summary whose date comes from an excepted task below it is excepted
through that task (:data:`THROUGH`), and the test proves that it takes that task's date.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from defusedxml import ElementTree

import progman
from progman.domain.calendars import WEEKDAYS, Calendar
from progman.io.mspdi_read import read_mspdi

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "projects"
FILES = sorted(DATA.glob("*.xml"))
NS = "{http://schemas.microsoft.com/project}"
ASPOSE = "aspose_CreateCalendar.xml"
GANTT = "ganttproject_HouseBuildingSample.gan.mspdi.xml"
LEGACY = "mpxj_legacy_sample1.xml"

#: Tasks (unique IDs) whose dates progman does not reproduce, by file, with the reason.
EXCEPTIONS: dict[str, dict[int, str]] = {
    ASPOSE: {
        7: "self-contradicting: Task7 lasts 11 days from Monday 2000-06-26, which end on "
        "07-10, where its assignment's timephased work ends and progman ends it; its Finish "
        "field says Saturday 07-08",
        10: "self-contradicting: Task10 lasts 3 days from Friday 2000-07-14, which end on "
        "Tuesday 07-18, where its assignment's timephased work ends and progman ends it; "
        "its Finish field says Sunday 07-16",
        8: "self-contradicting: the file's own timephased work of Task8 starts on the day "
        "Task7, under its finish-to-start predecessor Task5, still works (07-10); progman "
        "keeps the link and starts Task8 the day after",
    },
    GANTT: {
        18: "a GanttProject link lost in MPXJ's conversion: 'Prepare construction documents' "
        "→ 'Agreement on architectural plan' (the .gan file has it, the MSPDI file not), and "
        "a summary above it has a link, so nothing in the file explains its start",
        7: "a GanttProject link lost in MPXJ's conversion: 'Construction completed' → "
        "'Walls'; the link the file kept ('Interior design' → 'Walls') starts it in June",
    },
    LEGACY: {
        2: "resource-driven: 'Second Task' (fixed units) ends where its longest assignment "
        "ends (200 h at 0.5 units, 300 h at 0.75 on 'Night Shift'); progman counts its "
        "800 h duration on the task's calendar",
    },
}
#: Summaries whose differing date is the one of an excepted task below them: summary UID →
#: (that task's UID, "start" or "finish").
THROUGH: dict[str, dict[int, tuple[int, str]]] = {
    ASPOSE: {5: (7, "finish"), 1: (10, "finish")},
    GANTT: {9: (7, "start")},
    LEGACY: {1: (2, "finish")},
}


def facts_of(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".facts.json").read_text())


def test_the_data_is_there():
    assert len(FILES) >= 8, f"expected the MSPDI files of {DATA}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_counts_equal_the_facts(path):
    facts = facts_of(path)
    program = read_mspdi(path).program
    items = list(program.work_items())
    links = [link for item in items for link in item.depends]
    assert len(items) == facts["task_count"]["total"]
    assert sum(1 for i in items if i.tasks) == facts["task_count"]["summary"]
    assert sum(1 for i in items if i.milestone) == facts["milestone_count"]
    assert len(links) == facts["relation_count"]["total"]
    for kind, count in facts["relation_count"]["by_type"].items():
        assert sum(1 for link in links if link.type == kind) == count, kind
    assert (
        sum(1 for link in links if not link.lag.is_zero)
        == facts["relation_count"]["with_nonzero_lag"]
    )
    assert len(program.resources) == facts["resource_count"]
    assert sum(len(i.resources) for i in items) == facts["assignment_count"]
    assert len(program.calendars) == facts["calendar_count"]
    assert [i.name for i in items] == [t["name"].strip() for t in facts["tasks"]]


# -- the working day of an instant -----------------------------------------------------


def works(calendar: Calendar, day: date) -> bool:
    if any(r.start <= day <= r.last for r in calendar.working_days):
        return True
    if any(r.start <= day <= r.last for r in calendar.holidays):
        return False
    return WEEKDAYS[day.weekday()] in calendar.workdays


def _closing(calendar: Calendar) -> time:
    minutes = 8 * 60 + round(calendar.hours_per_day * 60)
    return time(23, 59) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


def start_day(moment: datetime, calendar: Calendar, *, progmans: bool = False) -> date:
    """The working day a start begins work: an instant on a day off (a weekend, a holiday)
    is the next working day's start in working time (Aspose starts tasks on Saturdays),
    and so is one of progman's at or after its working day closes (08:00 + its hours: a
    milestone after Friday's work); a file's evening start may be its people's night
    shift, so it stays that day."""
    day = moment.date()
    if works(calendar, day) and not (progmans and moment.time() >= _closing(calendar)):
        return day
    return day_after(day, calendar)


def day_after(day: date, calendar: Calendar) -> date:
    day += timedelta(days=1)
    while not works(calendar, day):
        day += timedelta(days=1)
    return day


def finish_day(moment: datetime, calendar: Calendar) -> date:
    """The working day a finish ends work: an instant in non-working time (a weekend, a
    holiday, at or before 08:00) is the previous working day's end in working time (MS
    Project writes an SF successor's finish at 08:00, Aspose finishes on Saturdays)."""
    day = moment.date()
    if works(calendar, day) and moment.time() > time(8):
        return day
    day -= timedelta(days=1)
    while not works(calendar, day):
        day -= timedelta(days=1)
    return day


# -- agreement ---------------------------------------------------------------------------


def calendar_of(program, ident: str) -> Calendar:
    item = next(i for i in program.work_items() if i.id == ident)
    name = item.calendar or program.calendar
    return program.calendars[name] if name else Calendar()


def agreement(path: Path) -> tuple[int, dict[int, str]]:
    """The file's task count, and each task that differs: UID → what differs."""
    facts = facts_of(path)
    program = read_mspdi(path).program
    done = progman.schedule(program)
    differ = {}
    for task in facts["tasks"]:
        ident = f"T{task['unique_id']}"
        row, calendar = done.task(ident), calendar_of(program, ident)
        start = datetime.fromisoformat(task["start"])
        finish = datetime.fromisoformat(task["finish"])
        mine = (start_day(row.start, calendar, progmans=True), finish_day(row.finish, calendar))
        theirs = (start_day(start, calendar), finish_day(finish, calendar))
        if mine != theirs:
            differ[task["unique_id"]] = f"{task['name']}: progman {mine}, the file {theirs}"
    return len(facts["tasks"]), differ


@pytest.fixture(scope="module")
def agreements() -> dict[str, tuple[int, dict[int, str]]]:
    return {path.name: agreement(path) for path in FILES}


def test_dates_agree_for_all_tasks_of_all_files_together(agreements):
    """All tasks of all files counted together. 95 % of them cannot agree with any
    scheduler that keeps each task's duration on its calendar and the file's links: the
    Aspose file contradicts itself in 5 of its 10 tasks (Task7, Task8, Task10 and the
    summaries Task5, Task1 above them), and 5 of 92 is more than 5 %. progman misses
    those 5, the 3 tasks whose GanttProject links MPXJ's conversion lost, and the 2 of a
    resource-driven task: 82 of 92 (89 %)."""
    total = sum(count for count, _ in agreements.values())
    agreeing = total - sum(len(differ) for _, differ in agreements.values())
    contradicting = len(EXCEPTIONS[ASPOSE]) + len(THROUGH[ASPOSE])
    print(f"\n{agreeing} of {total} tasks agree ({agreeing / total:.1%})")
    assert (total - contradicting) / total < 0.95  # why the bar below is not 95 %
    assert agreeing / total >= 0.89, f"{agreeing} of {total}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_task_agrees_but_the_named_exceptions(agreements, path):
    _, differ = agreements[path.name]
    named = set(EXCEPTIONS.get(path.name, {})) | set(THROUGH.get(path.name, {}))
    unexpected = {uid: text for uid, text in differ.items() if uid not in named}
    assert unexpected == {}
    assert set(differ) == named  # an exception that agrees again is taken off the list


# -- each exception proved from the file's own data ---------------------------------------


def tasks_of(path: Path) -> dict[int, dict]:
    return {t["unique_id"]: t for t in facts_of(path)["tasks"]}


def worked_days(path: Path, uid: int) -> list[date]:
    """The days the timephased data of the task's assignments holds work on."""
    root = ElementTree.parse(path).getroot()
    days = set()
    for assignment in root.iter(NS + "Assignment"):
        if assignment.findtext(NS + "TaskUID") != str(uid):
            continue
        for period in assignment.iter(NS + "TimephasedData"):
            if period.findtext(NS + "Value") not in (None, "PT0H0M0S"):
                days.add(datetime.fromisoformat(period.findtext(NS + "Start")).date())
    return sorted(days)


@pytest.fixture(scope="module")
def scheduled():
    found = {}
    for name in (ASPOSE, GANTT, LEGACY):
        program = read_mspdi(DATA / name).program
        found[name] = (program, progman.schedule(program))
    return found


@pytest.mark.parametrize("uid", [7, 10])
def test_aspose_finishes_contradict_the_files_own_work(scheduled, uid):
    program, done = scheduled[ASPOSE]
    calendar = calendar_of(program, f"T{uid}")
    row, task = done.task(f"T{uid}"), tasks_of(DATA / ASPOSE)[uid]
    worked = worked_days(DATA / ASPOSE, uid)
    assert worked[-1] == finish_day(row.finish, calendar)  # progman ends it where its work ends
    assert finish_day(datetime.fromisoformat(task["finish"]), calendar) != worked[-1]
    # and its duration from its start on the calendar ends there too
    days = task["duration_hours"] / 8
    assert (
        sum(
            works(calendar, worked[0] + timedelta(k))
            for k in range((worked[-1] - worked[0]).days + 1)
        )
        == days
    )


def test_aspose_task8_overlaps_its_finish_to_start_predecessor_in_the_file(scheduled):
    program, done = scheduled[ASPOSE]
    items = {i.id: i for i in program.work_items()}
    assert [(d.task, d.type) for d in items["T8"].depends] == [("T5", "FS")]
    assert "T7" in [t.id for t in items["T5"].tasks]
    before, after = worked_days(DATA / ASPOSE, 7), worked_days(DATA / ASPOSE, 8)
    assert after[0] <= before[-1]  # the file works Task8 while Task7 (in Task5) still works
    calendar = calendar_of(program, "T8")
    # progman: the working day after Task7's last
    assert start_day(done.task("T8").start, calendar, progmans=True) == day_after(
        before[-1], calendar
    )


def test_summaries_are_excepted_through_the_task_whose_date_they_take(scheduled):
    for name, summaries in THROUGH.items():
        program, done = scheduled[name]
        items = {i.id: i for i in program.work_items()}
        for summary, (uid, which) in summaries.items():
            assert f"T{uid}" in _below(items[f"T{summary}"]), (name, summary)
            assert getattr(done.task(f"T{summary}"), which) == getattr(
                done.task(f"T{uid}"), which
            ), (name, summary)


def _below(item) -> list[str]:
    found = []
    for child in item.tasks:
        found += [child.id, *_below(child)]
    return found


def gan_links() -> set[tuple[str, str]]:
    """(predecessor, successor) names of the GanttProject file's own links."""
    root = ElementTree.parse(DATA / "ganttproject_HouseBuildingSample.gan").getroot()
    names = {t.get("id"): t.get("name").strip() for t in root.iter("task")}
    return {
        (names[t.get("id")], names[d.get("id")])
        for t in root.iter("task")
        for d in t.findall("depend")
    }


@pytest.mark.parametrize(
    ("uid", "predecessor"), [(18, "Prepare construction documents"), (7, "Construction completed")]
)
def test_gantt_exceptions_are_links_the_conversion_lost(scheduled, uid, predecessor):
    program, done = scheduled[GANTT]
    tasks = {t["name"].strip(): t for t in facts_of(DATA / GANTT)["tasks"]}
    name = tasks_of(DATA / GANTT)[uid]["name"].strip()
    assert (predecessor, name) in gan_links()  # GanttProject's file has the link
    item = next(i for i in program.work_items() if i.name == name)
    assert tasks[predecessor]["unique_id"] not in [int(d.task[1:]) for d in item.depends]
    calendar = calendar_of(program, item.id)
    # the lost link explains the file's start: the working day after the predecessor's
    # file finish (a milestone's: its own day), where progman starts it earlier
    ends = datetime.fromisoformat(tasks[predecessor]["finish"])
    if tasks[predecessor]["milestone"]:
        expected = start_day(ends, calendar)
    else:
        expected = day_after(finish_day(ends, calendar), calendar)
    assert start_day(datetime.fromisoformat(tasks[name]["start"]), calendar) == expected
    assert start_day(done.task(item.id).start, calendar, progmans=True) < expected


def test_legacy_second_task_ends_with_its_assignments_not_its_duration(scheduled):
    program, done = scheduled[LEGACY]
    root = ElementTree.parse(DATA / LEGACY).getroot()
    calendar = calendar_of(program, "T2")
    ends = [
        datetime.fromisoformat(a.findtext(NS + "Finish"))
        for a in root.iter(NS + "Assignment")
        if a.findtext(NS + "TaskUID") == "2"
    ]
    task = tasks_of(DATA / LEGACY)[2]
    file_finish = finish_day(datetime.fromisoformat(task["finish"]), calendar)
    assert max(finish_day(e, calendar) for e in ends) == file_finish  # the file: assignments
    row = done.task("T2")
    first, last = row.start.date(), finish_day(row.finish, calendar)
    worked = sum(works(calendar, first + timedelta(k)) for k in range((last - first).days + 1))
    assert worked * 8 == task["duration_hours"] == 800  # progman: the task's own duration
    assert last != file_finish
