"""The MPXJ bridge (``progman[mpxj]``): files of other tools through MPXJ and the MSPDI
reader, checked on the GanttProject sample in ../shared against its MPXJ facts; and the
messages when the extra or Java is missing (simulated)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import jpype
import pytest
from benchmarks.xer_generate import xer_text

from progman.io import mpxj_bridge
from progman.io.mpxj_bridge import MpxjFailed, MpxjUnavailable, read_mpxj
from progman.io.xer_read import read_xer
from progman.services.imports import do_import_file, resolve_format
from progman.services.scheduling import schedule_program

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "projects"
HOUSE = DATA / "ganttproject_HouseBuildingSample.gan"


@pytest.fixture(scope="module")
def house():
    return read_mpxj(HOUSE)


def test_the_suffixes_name_the_bridge():
    for name in ("plan.mpp", "plan.MPX", "house.gan", "plan.planner"):
        assert resolve_format(Path(name), "auto") == "mpxj"
    assert resolve_format(Path("p6.xml"), "mpxj") == "mpxj"  # P6 XML: --format mpxj


def test_counts_equal_the_facts(house):
    facts = json.loads((DATA / f"{HOUSE.name}.facts.json").read_text(encoding="utf-8"))
    items = list(house.program.work_items())
    assert facts["task_count"]["total"] == len(items)
    assert facts["task_count"]["summary"] == sum(item.is_summary for item in items)
    assert facts["milestone_count"] == sum(item.milestone for item in items)
    links = [link for item in items for link in item.depends]
    assert facts["relation_count"]["total"] == len(links)
    for kind, count in facts["relation_count"]["by_type"].items():
        assert count == sum(link.type == kind for link in links)
    assert facts["resource_count"] == len(house.program.resources)
    assert facts["assignment_count"] == sum(len(item.resources) for item in items)
    assert facts["calendar_count"] == len(house.program.calendars)
    # a trailing no-break space of "Construction completed" is stripped, as in any plan
    assert [item.name for item in items] == [task["name"].strip() for task in facts["tasks"]]


#: Where progman's dates differ from GanttProject's, and why.
EXCEPTIONS = {
    "Architectural design": "GanttProject ends this summary on 06-28, before its own "
    "milestone 'Agreement on architectural plan' (07-01); progman's summary holds it",
    "Decoration phase": "GanttProject ends this summary on 10-11, before its own milestone "
    "'Bring your family here' (10-14); progman's summary holds it",
}


def test_scheduled_dates_agree_with_ganttproject(house):
    facts = json.loads((DATA / f"{HOUSE.name}.facts.json").read_text(encoding="utf-8"))
    rows = schedule_program(house.program).to_json()["tasks"]
    by_name = {row["name"]: row for row in rows}
    differ = {
        task["name"]
        for task in facts["tasks"]
        if (
            by_name[task["name"].strip()]["start"][:10],
            by_name[task["name"].strip()]["finish"][:10],
        )
        != (task["start"][:10], task["finish"][:10])
    }
    assert differ == set(EXCEPTIONS)


def test_import_writes_the_plan(tmp_path):
    target = tmp_path / "house.yaml"
    done = do_import_file(HOUSE, target)
    assert target.exists() and done.jobs == 20 and done.links == 3 and done.resources == 7
    assert all(warning.location.file == str(HOUSE) for warning in done.warnings)


def test_a_file_mpxj_cannot_read(tmp_path):
    source = tmp_path / "notes.mpp"
    source.write_text("this is no schedule\n")
    with pytest.raises(MpxjFailed) as caught:
        read_mpxj(source)
    assert caught.value.location.file == str(source)
    assert "MPXJ could not read the file" in caught.value.message


def test_without_the_extra_the_message_says_what_to_install(monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        mpxj_bridge.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "mpxj" else real(name, *args),
    )
    target = tmp_path / "plan.yaml"
    with pytest.raises(MpxjUnavailable) as caught:
        do_import_file(HOUSE, target)
    assert "pip install 'progman[mpxj]'" in caught.value.message and "missing: mpxj" in str(
        caught.value
    )
    assert not target.exists()


def test_without_java_the_message_says_what_to_install(monkeypatch, tmp_path):
    def no_java() -> str:
        raise jpype.JVMNotFoundException("No JVM shared library file (libjvm.so) found.")

    monkeypatch.setattr(jpype, "getDefaultJVMPath", no_java)
    target = tmp_path / "plan.yaml"
    with pytest.raises(MpxjUnavailable) as caught:
        do_import_file(HOUSE, target)
    assert "needs Java" in caught.value.message and "JAVA_HOME" in caught.value.message
    assert not target.exists()


def test_mpxj_reads_a_generated_xer_as_the_xer_reader_does(tmp_path):
    """An independent reader of the same file: MPXJ (then MSPDI) finds the activities,
    milestones, links of each type with their lags, resources and assignments that
    progman's XER reader finds (its WBS nodes, the projects' root nodes included, as
    summary tasks). One project: MPXJ reads the first project of a file."""
    source = tmp_path / "generated.xer"
    source.write_bytes(xer_text(activities=400, projects=1, seed=11).encode("cp1252"))
    ours = read_xer(source).program
    theirs = read_mpxj(source).program
    mine = [item for item in ours.work_items() if not item.is_summary]
    other = [item for item in theirs.work_items() if not item.is_summary]
    assert [item.name for item in mine] == [item.name for item in other]
    assert sum(item.is_summary for item in theirs.work_items()) == sum(
        item.is_summary for item in ours.work_items()
    ) + len(ours.projects)

    def links(items):
        names = {item.id: item.name for item in items}
        return sorted(
            (names.get(link.task, link.task), item.name, link.type, link.lag.working_minutes())
            for item in items
            for link in item.depends
        )

    assert links(mine) == links(other)
    assert [item.milestone for item in mine] == [item.milestone for item in other]
    assert len(ours.resources) == len(theirs.resources)
    assert sum(len(i.resources) for i in mine) == sum(len(i.resources) for i in other)


#: Writes the GanttProject sample as MPX, Planner and P6 XML with MPXJ's own writers, and
#: prints what MPXJ reads back from each: the oracle for the bridge on those formats.
WRITE_FORMATS = """
import json, sys, jpype, mpxj
jpype.startJVM(convertStrings=True)
from org.mpxj.reader import UniversalProjectReader
from org.mpxj.writer import FileFormat, UniversalProjectWriter
source, folder = sys.argv[1:]
project = UniversalProjectReader().read(source)
facts = {}
for kind, name in ((FileFormat.MPX, "house.mpx"), (FileFormat.PLANNER, "house.planner"),
                   (FileFormat.PMXML, "house-p6.xml")):
    path = folder + "/" + name
    UniversalProjectWriter(kind).write(project, path)
    back = UniversalProjectReader().read(path)
    tasks = [t for t in back.getTasks() if t.getUniqueID() != 0 and t.getName() is not None]
    facts[name] = {
        "tasks": len(tasks),
        "summaries": sum(1 for t in tasks if t.getSummary()),
        "links": sum(t.getPredecessors().size() for t in tasks),
        "resources": sum(1 for r in back.getResources() if r.getUniqueID() != 0),
    }
print(json.dumps(facts))
"""


def test_mpx_planner_and_p6_xml_files(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", WRITE_FORMATS, str(HOUSE), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(facts) == {"house.mpx", "house.planner", "house-p6.xml"}
    for name, expected in facts.items():
        fmt = "mpxj" if name.endswith(".xml") else "auto"
        target = tmp_path / f"{name}.yaml"
        imported = do_import_file(tmp_path / name, target, fmt)
        items = list(imported.program.work_items())
        found = {
            "tasks": len(items),
            "summaries": sum(item.is_summary for item in items),
            "links": sum(len(item.depends) for item in items),
            "resources": len(imported.program.resources),
        }
        assert found == expected, name
        assert target.exists()
