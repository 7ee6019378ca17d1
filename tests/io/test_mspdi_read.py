"""MSPDI import, each mapping on a small generated file, and bad input: a clear error at
file:line and nothing imported."""

from __future__ import annotations

import random
import re
from datetime import date, datetime
from pathlib import Path

import pytest

import progman
from progman.cli.main import main
from progman.domain.durations import Duration
from progman.errors import PlanTooLarge, ProgmanError
from progman.io.mspdi_read import MspdiInvalid, parse_mspdi, read_mspdi

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "projects"
SAMPLES = sorted(DATA.glob("*.xml"))

WEEK = "".join(
    f"<WeekDay><DayType>{d}</DayType><DayWorking>{int(1 < d < 7)}</DayWorking>"
    + (
        "<WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime>"
        "</WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime>"
        "</WorkingTime></WorkingTimes>"
        if 1 < d < 7
        else ""
    )
    + "</WeekDay>"
    for d in range(1, 8)
)
STANDARD = (
    "<Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>"
    f"<BaseCalendarUID>-1</BaseCalendarUID><WeekDays>{WEEK}</WeekDays></Calendar>"
)


def task(uid: int, name: str, level: int = 1, hours: float = 8, extra: str = "") -> str:
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name>"
        f"<OutlineLevel>{level}</OutlineLevel><Duration>PT{hours:g}H0M0S</Duration>"
        f"<DurationFormat>7</DurationFormat>{extra}</Task>"
    )


def link(predecessor: int, kind: int = 1, lag: float = 0, fmt: int = 7) -> str:
    return (
        f"<PredecessorLink><PredecessorUID>{predecessor}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag:g}</LinkLag><LagFormat>{fmt}</LagFormat></PredecessorLink>"
    )


def mspdi(tasks: str, *, calendars: str = STANDARD, head: str = "", rest: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project">\n'
        "<Name>test.xml</Name><StartDate>2027-01-04T08:00:00</StartDate>"
        f"<CalendarUID>1</CalendarUID><MinutesPerDay>480</MinutesPerDay>{head}\n"
        f"<Calendars>{calendars}</Calendars>\n<Tasks>\n"
        "<Task><UID>0</UID><ID>0</ID><Name>test</Name><OutlineLevel>0</OutlineLevel>"
        "<Summary>1</Summary></Task>\n"
        f"{tasks}\n</Tasks>{rest}</Project>\n"
    ).encode()


def read(data: bytes):
    return parse_mspdi(data, "test.xml")


def test_outline_summaries_and_milestones():
    found = read(
        mspdi(
            task(1, "Phase", 1, extra="<Summary>1</Summary>")
            + task(2, "Design", 2, 16)
            + task(3, "Build", 2, 40, link(2))
            + task(4, "Done", 1, 0, "<Milestone>1</Milestone>" + link(3))
        )
    ).program
    (project,) = found.projects
    assert [t.id for t in project.tasks] == ["T1", "T4"]
    assert [t.id for t in project.tasks[0].tasks] == ["T2", "T3"]
    assert project.tasks[0].duration is None  # a summary rolls up
    design, build = project.tasks[0].tasks
    assert (design.duration, build.duration) == (Duration(2, "d"), Duration(5, "d"))
    assert project.tasks[1].milestone and project.tasks[1].duration is None
    done = progman.schedule(found)
    assert done.task("T4").start == datetime(2027, 1, 12, 16, 0)  # after 2 + 5 working days


@pytest.mark.parametrize(
    ("kind", "lag", "fmt", "written"),
    [
        (1, 0, 7, "T1"),
        (3, 4800, 7, "T1 SS+1d"),
        (0, 600, 5, "T1 FF+1h"),
        (2, -4800, 7, "T1 SF-1d"),
        (1, 14400, 8, "T1 FS+1ed"),  # elapsed: tenths of wall-clock minutes
        (1, 24000, 9, "T1 FS+1w"),
        (1, 30, 3, "T1 FS+3m"),
        (1, 4800, 39, "T1 FS+1d"),  # an estimated unit (MS Project's "1d?")
    ],
)
def test_links_of_four_types_with_lags_in_mspdi_units(kind, lag, fmt, written):
    found = read(mspdi(task(1, "A", hours=16) + task(2, "B", extra=link(1, kind, lag, fmt))))
    (item,) = [i for i in found.program.work_items() if i.id == "T2"]
    assert [d.model_dump() for d in item.depends] == [written]


def test_a_percent_lag_is_the_share_of_its_predecessors_duration_with_a_warning():
    found = read(mspdi(task(1, "A", hours=32) + task(2, "B", extra=link(1, 1, 50, 19))))
    (item,) = [i for i in found.program.work_items() if i.id == "T2"]
    assert item.depends[0].model_dump() == "T1 FS+2d"
    assert any("percentage lags" in w and "task UID 2 'B'" in w for w in found.warnings)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (0, None),
        (1, "alap"),
        (2, "mso"),
        (3, "mfo"),
        (4, "snet"),
        (5, "snlt"),
        (6, "fnet"),
        (7, "fnlt"),
    ],
)
def test_every_constraint_type_maps(code, kind):
    extra = (
        f"<ConstraintType>{code}</ConstraintType><ConstraintDate>2027-01-06T08:00:00"
        "</ConstraintDate><Deadline>2027-02-01T17:00:00</Deadline>"
    )
    (item,) = read(mspdi(task(1, "A", extra=extra))).program.work_items()
    assert (item.constraint.type if item.constraint else None) == kind
    if kind not in (None, "alap"):
        assert item.constraint.date == datetime(2027, 1, 6, 8, 0)
    assert item.deadline == date(2027, 2, 1)


def test_calendars_derived_exceptions_recurrences_and_work_weeks():
    exceptions = (
        "<Exceptions><Exception><TimePeriod><FromDate>2027-01-06T00:00:00</FromDate>"
        "<ToDate>2027-01-07T23:59:00</ToDate></TimePeriod><Type>1</Type><Name>Closed</Name>"
        "<DayWorking>0</DayWorking></Exception>"
        "<Exception><TimePeriod><FromDate>2027-01-01T00:00:00</FromDate>"
        "<ToDate>2029-12-31T23:59:00</ToDate></TimePeriod><Type>2</Type><Month>11</Month>"
        "<MonthDay>25</MonthDay><Name>Christmas</Name><DayWorking>0</DayWorking></Exception>"
        "<Exception><TimePeriod><FromDate>2027-01-09T00:00:00</FromDate>"
        "<ToDate>2027-01-09T23:59:00</ToDate></TimePeriod><Type>1</Type>"
        "<DayWorking>1</DayWorking></Exception></Exceptions>"
    )
    work_week = (
        "<WorkWeeks><WorkWeek><TimePeriod><FromDate>2027-02-01T00:00:00</FromDate>"
        "<ToDate>2027-02-07T23:59:00</ToDate></TimePeriod><WeekDays><WeekDay><DayType>6"
        "</DayType><DayWorking>0</DayWorking></WeekDay></WeekDays></WorkWeek></WorkWeeks>"
    )
    legacy = (
        "<WeekDays><WeekDay><DayType>0</DayType><DayWorking>0</DayWorking><TimePeriod>"
        "<FromDate>2027-03-01T00:00:00</FromDate><ToDate>2027-03-02T23:59:00</ToDate>"
        "</TimePeriod></WeekDay></WeekDays>"
    )
    calendars = (
        STANDARD.replace("</WeekDays>", f"</WeekDays>{exceptions}{work_week}")
        + "<Calendar><UID>2</UID><Name>Ann</Name><IsBaseCalendar>0</IsBaseCalendar>"
        f"<BaseCalendarUID>1</BaseCalendarUID>{legacy}</Calendar>"
    )
    rest = (
        "<Resources><Resource><UID>1</UID><Name>Ann</Name><Type>1</Type><MaxUnits>1</MaxUnits>"
        "<StandardRate>50</StandardRate><CalendarUID>2</CalendarUID></Resource></Resources>"
    )
    found = read(mspdi(task(1, "A"), calendars=calendars, rest=rest)).program
    standard, ann = found.calendars["Standard"], found.calendars["Ann"]
    assert standard.workdays == ["mon", "tue", "wed", "thu", "fri"]
    assert standard.hours_per_day == 8
    holidays = {(h.start, h.last, h.name) for h in standard.holidays}
    assert (date(2027, 1, 6), date(2027, 1, 7), "Closed") in holidays
    assert {(date(y, 12, 25), date(y, 12, 25), "Christmas") for y in (2027, 2028, 2029)} <= holidays
    assert (date(2027, 2, 5), date(2027, 2, 5), None) in holidays  # the work week's Friday off
    assert [d.start for d in standard.working_days] == [date(2027, 1, 9)]  # a Saturday
    # the derived calendar: its base's week and exceptions, and its own days off
    assert ann.workdays == standard.workdays
    assert {(h.start, h.last) for h in ann.holidays} >= {
        (date(2027, 1, 6), date(2027, 1, 7)),
        (date(2027, 3, 1), date(2027, 3, 2)),
    }
    (resource,) = found.resources
    assert (resource.calendar, resource.rate) == ("Ann", 50)


def test_resources_assignments_baselines_and_progress():
    rest = (
        "<Resources><Resource><UID>0</UID><Name></Name></Resource>"
        "<Resource><UID>1</UID><Name>Ann</Name><Type>1</Type><MaxUnits>0.5</MaxUnits>"
        "<StandardRate>60</StandardRate><OvertimeRate>90</OvertimeRate><CostPerUse>10"
        "</CostPerUse><Group>Dev</Group></Resource>"
        "<Resource><UID>2</UID><Name>Concrete</Name><Type>0</Type><MaxUnits>40</MaxUnits>"
        "</Resource></Resources><Assignments>"
        "<Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID>"
        "<Units>0.5</Units><Work>PT20H0M0S</Work></Assignment>"
        "<Assignment><UID>2</UID><TaskUID>2</TaskUID><ResourceUID>-65535</ResourceUID>"
        "</Assignment></Assignments>"
    )
    baseline = (
        "<Baseline><Number>0</Number><Start>2027-01-04T08:00:00</Start><Finish>"
        "2027-01-08T17:00:00</Finish><Duration>PT40H0M0S</Duration><Work>PT20H0M0S</Work>"
        "<Cost>1200</Cost></Baseline><Baseline><Number>1</Number><Start>2027-01-05T08:00:00"
        "</Start><Finish>2027-01-11T17:00:00</Finish></Baseline>"
    )
    progress = (
        "<Start>2027-01-04T08:00:00</Start><Finish>2027-01-08T17:00:00</Finish>"
        "<ActualStart>2027-01-04T08:00:00</ActualStart><PercentComplete>40</PercentComplete>"
        "<RemainingDuration>PT24H0M0S</RemainingDuration>"
    )
    found = read(
        mspdi(
            task(1, "A", hours=40, extra=progress + baseline) + task(2, "B", extra=link(1)),
            head="<StatusDate>2027-01-05T17:00:00</StatusDate><CurrencyCode>EUR</CurrencyCode>",
            rest=rest,
        )
    ).program
    ann, concrete = found.resources
    assert (ann.id, ann.capacity, ann.rate, ann.overtime_rate, ann.cost_per_use, ann.team) == (
        "R1",
        0.5,
        60,
        90,
        10,
        "Dev",
    )
    assert (concrete.kind, concrete.capacity) == ("material", 40)
    first, second = found.projects[0].tasks
    assert [(a.resource, a.units, a.work) for a in first.resources] == [
        ("R1", 0.5, Duration(20, "h"))
    ]
    assert second.resources == []  # MS Project's "unassigned" row
    assert (first.percent_complete, first.actual_start) == (40, datetime(2027, 1, 4, 8, 0))
    assert first.remaining == Duration(3, "d")
    assert found.status_date == date(2027, 1, 5) and found.currency == "EUR"
    assert [b.id for b in found.baselines] == ["MSP1", "MSP0"]  # MS Project's Baseline last
    frozen = found.baselines[-1].tasks["T1"]
    assert (frozen.start, frozen.finish, frozen.duration, frozen.work, frozen.cost) == (
        datetime(2027, 1, 4, 8, 0),
        datetime(2027, 1, 8, 17, 0),
        Duration(5, "d"),
        Duration(20, "h"),
        1200,
    )


def test_what_progman_cannot_hold_is_a_warning_naming_the_task():
    extra = "<Manual>1</Manual><LevelingDelay>4800</LevelingDelay><Active>0</Active>"
    cross = (
        "<PredecessorLink><PredecessorUID>7</PredecessorUID><Type>1</Type>"
        "<CrossProject>1</CrossProject></PredecessorLink>"
    )
    found = read(mspdi(task(1, "Odd one", extra=extra + cross)))
    text = "\n".join(found.warnings)
    for words in ("manually scheduled", "leveling", "inactive", "other projects"):
        assert f"{words}" in text
    assert text.count("task UID 1 'Odd one'") == 4


# -- bad input ---------------------------------------------------------------------------


def error_of(data: bytes) -> str:
    with pytest.raises(ProgmanError) as caught:
        read(data)
    return str(caught.value.location) + ": " + str(caught.value)


def test_a_link_to_a_missing_task_names_it_and_its_line():
    text = error_of(mspdi(task(1, "A") + "\n" + task(2, "B", extra=link(9))))
    assert "test.xml:" in text and "task UID 2 'B'" in text and "predecessor UID 9" in text
    line = int(text.split(":")[1])
    assert (
        "<UID>2</UID>" in mspdi(task(1, "A") + "\n" + task(2, "B")).decode().splitlines()[line - 1]
    )


def test_a_cycle_names_its_tasks():
    text = error_of(mspdi(task(1, "A", extra=link(2)) + task(2, "B", extra=link(1))))
    assert "cycle" in text and "T1" in text and "T2" in text


def test_entity_bombs_and_external_entities_are_refused_fast():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{k} "{("&lol" + str(k - 1) + ";") * 10}">' for k in range(1, 10))
        + ']>\n<Project xmlns="http://schemas.microsoft.com/project">&lol9;</Project>'
    ).replace("&lol0;", "&lol;")
    assert "refuses them" in error_of(bomb.encode())
    external = (
        '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<Project xmlns="http://schemas.microsoft.com/project"><Name>&x;</Name></Project>'
    )
    text = error_of(external.encode())
    assert "test.xml:2" in text and "DTD" in text


def test_wrong_encodings():
    latin = mspdi(task(1, "Caf\u00e9")).replace("Caf\u00e9".encode(), "Caf\u00e9".encode("latin-1"))
    text = error_of(latin)
    assert "encoding" in text and "test.xml:" in text
    declared = latin.replace(b'encoding="UTF-8"', b'encoding="windows-1252"')
    (item,) = read(declared).program.work_items()
    assert item.name == "Caf\u00e9"
    utf16 = mspdi(task(1, "Caf\u00e9")).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    (item,) = read(utf16).program.work_items()
    assert item.name == "Caf\u00e9"


def test_not_a_project_file():
    assert "not an MS Project XML file" in error_of(b"<plan><task/></plan>")


def test_files_over_the_limit_are_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.xml"
    path.write_bytes(mspdi(task(1, "A")) + b" " * 2_000_000)
    monkeypatch.setenv("PROGMAN_MAX_IMPORT_MB", "1")
    with pytest.raises(PlanTooLarge, match="PROGMAN_MAX_IMPORT_MB"):
        read_mspdi(path)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_each_sample_truncated_or_garbled_is_a_located_error(path):
    data = path.read_bytes()
    rng = random.Random(path.name)
    for _ in range(12):
        cut = rng.randrange(1, len(data) - 20)
        with pytest.raises(MspdiInvalid) as caught:
            parse_mspdi(data[:cut], path.name)
        assert caught.value.location.file == path.name
        assert caught.value.location.line is not None
    for _ in range(12):
        at = rng.randrange(len(data) // 4, len(data) - 20)
        garbled = data[:at] + b"<&\x00" + data[at:]
        with pytest.raises(MspdiInvalid) as caught:
            parse_mspdi(garbled, path.name)
        assert caught.value.location.line is not None


def test_import_command_writes_nothing_for_a_bad_file(capsys, tmp_path):
    source = tmp_path / "plan.xml"
    source.write_bytes(mspdi(task(1, "A") + task(2, "B", extra=link(9))))
    target = tmp_path / "plan.yaml"
    code = main(["import", str(source), "-o", str(target)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.strip().startswith(f"{source}:") and "predecessor UID 9" in err
    assert not target.exists()


def test_import_and_schedule_a_file(capsys, tmp_path):
    source = tmp_path / "plan.xml"
    source.write_bytes(
        mspdi(task(1, "A", extra="<Manual>1</Manual>") + task(2, "B", extra=link(1)))
    )
    target = tmp_path / "plan.yaml"
    code = main(["import", str(source), "-o", str(target)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "imported 2 work items" in out and "manually scheduled" in err
    assert progman.load_plan(target).projects[0].tasks[1].depends[0].task == "T1"
    code = main(["schedule", str(source), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert '"id": "T2"' in out or '"id":"T2"' in out


def test_ids_a_file_carries_are_kept_and_others_avoid_them():
    head = (
        "<ExtendedAttributes><ExtendedAttribute><FieldID>188743731</FieldID><FieldName>Text1"
        "</FieldName><Alias>progman id</Alias></ExtendedAttribute></ExtendedAttributes>"
    )
    named = "<ExtendedAttribute><FieldID>188743731</FieldID><Value>{}</Value></ExtendedAttribute>"
    found = read(
        mspdi(
            task(1, "A", extra=named.format("T2"))
            + task(2, "B")
            + task(3, "C", extra=named.format("API.auth") + link(1))
            + task(4, "D", extra=named.format("bad id!")),
            head=head,
        )
    ).program
    assert [i.id for i in found.work_items()] == ["T2", "T2-2", "API.auth", "T4"]
    assert found.projects[0].tasks[2].depends[0].task == "T2"


def test_two_tasks_with_one_uid():
    text = error_of(mspdi(task(1, "A") + task(1, "B")))
    assert "two tasks have the UID 1" in text and "test.xml:" in text


def test_an_outline_deeper_than_progman_reads_is_an_error_at_its_line():
    data = mspdi("\n".join(task(k, f"L{k}", k) for k in range(1, 120)))
    text = error_of(data)
    assert "task UID 101 is at outline level 101" in text
    line = int(text.split(":")[1])
    assert "<UID>101</UID>" in data.decode().splitlines()[line - 1]


def test_exceptions_spanning_decades_are_bounded_per_file(monkeypatch):
    from progman.io import mspdi_calendars  # noqa: PLC0415

    monkeypatch.setattr(mspdi_calendars, "MAX_FILE_DAYS", 1000)
    monkeypatch.setattr("progman.io.mspdi_read.MAX_FILE_DAYS", 1000)
    decade = (
        "<Exception><TimePeriod><FromDate>2027-01-01T00:00:00</FromDate><ToDate>"
        "2036-12-31T23:59:00</ToDate></TimePeriod><Type>2</Type><Month>0</Month><MonthDay>1"
        "</MonthDay><Name>New Year</Name><DayWorking>0</DayWorking></Exception>"
    )
    calendars = STANDARD.replace("</WeekDays>", f"</WeekDays><Exceptions>{decade * 5}</Exceptions>")
    found = read(mspdi(task(1, "A"), calendars=calendars))
    assert any("more than 1,000 exception days" in w for w in found.warnings)
    years = {h.start.year for h in found.program.calendars["Standard"].holidays}
    assert 2027 in years and 2036 not in years  # the first 1,000 days only


def test_a_calendar_time_or_a_length_no_plan_holds_is_an_error_at_its_line():
    calendars = STANDARD.replace("<FromTime>13:00:00</FromTime>", "<FromTime>1pm</FromTime>", 1)
    text = error_of(mspdi(task(1, "A"), calendars=calendars))
    assert "calendar 'Standard'" in text and "'1pm' is not a time of day" in text
    assert text.startswith("test.xml:")
    huge = task(2, "B").replace("PT8H0M0S", "PT900000000H0M0S")  # 112 million days
    data = mspdi(task(1, "A") + "\n" + huge)
    text = error_of(data)
    assert "task UID 2 'B'" in text and "out of range" in text
    assert "<UID>2</UID>" in data.decode().splitlines()[int(text.split(":")[1]) - 1]
    text = error_of(mspdi(task(1, "A") + task(2, "B", extra=link(1, 1, 1e300))))
    assert "task UID 2 'B'" in text and "lag" in text


#: Values a damaged or hostile file may hold where MSPDI expects numbers, dates and times.
ODD_VALUES = [
    b"-1",
    b"0",
    b"99999999",
    b"abc",
    b"",
    b"2000-13-45T00:00:00",
    b"9999-12-31T23:59:59",
    b"PT-5H0M0S",
    b"P99999D",
    b"1e308",
    b"nan",
    b"inf",
    b"\xc3\xa9",
    b"24:00:00",
    b"-65535",
    b"A" * 300,
    b"0001-01-01T00:00:00",
]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_odd_values_give_a_plan_or_a_progman_error_never_a_crash(path):
    data = path.read_bytes()
    spans = [m.span(1) for m in re.finditer(rb">([^<>]{1,40})</", data)]
    rng = random.Random(path.name)
    for _ in range(25):
        damaged = data
        for a, b in sorted(rng.sample(spans, 3), reverse=True):  # from the end: spans hold
            damaged = damaged[:a] + rng.choice(ODD_VALUES) + damaged[b:]
        try:
            progman.schedule(parse_mspdi(damaged, path.name).program)
        except ProgmanError as error:
            assert str(error)
