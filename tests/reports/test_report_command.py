"""``progman report``: each level in each format on the sample program says what the other
commands say (the milestones and their forecast dates by ``schedule --json``, the P50/P80
by ``simulate --json``); the HTML fetches nothing; bad input writes nothing."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from progman.cli.main import main

LEVELS = ("exec", "program", "team")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def schedule(capsys, sample_plan: Path) -> dict:
    """``progman schedule --json`` of the sample: what the reports must agree with."""
    code, out, err = run(capsys, "schedule", str(sample_plan), "--json")
    assert code == 0, err
    return json.loads(out)


def report(capsys, tmp_path: Path, plan: Path, level: str, fmt: str, *extra: str) -> str:
    target = tmp_path / f"{level}.{fmt}"
    code, out, err = run(
        capsys, "report", str(plan), "--level", level, "--format", fmt, "-o", str(target), *extra
    )
    assert code == 0, err
    assert f"wrote the {level} report ({fmt}" in out
    return target.read_text(encoding="utf-8")


def _day(stamp: str) -> str:
    return stamp[:10]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_executive_report_names_each_milestone_with_its_scheduled_forecast(
    capsys, tmp_path, sample_plan, schedule, fmt
):
    text = report(capsys, tmp_path, sample_plan, "exec", fmt)
    milestones = [t for t in schedule["tasks"] if t["milestone"]]
    assert len(milestones) >= 5
    for task in milestones:
        # the milestone's row carries its id and the day `schedule` forecasts
        row = next(line for line in text.splitlines() if f"({task['id']})" in line)
        assert _day(task["finish"]) in row, (task["id"], row)
    assert f"The program finishes on {_day(schedule['finish'])}" in text
    for heading in ("Program status", "Objectives and benefits", "Milestone forecast",
                    "Top risks", "Decisions and change requests waiting"):  # fmt: skip
        assert heading in text
    assert "CR-002" in text  # the sample's submitted change request waits for a decision


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_program_report_gives_each_project_its_scheduled_finish(
    capsys, tmp_path, sample_plan, schedule, fmt
):
    text = report(capsys, tmp_path, sample_plan, "program", fmt)
    for ident, figures in schedule["projects"].items():
        row = next(
            line for line in text.splitlines() if f"({ident})" in line and "Health" not in line
        )
        assert _day(figures["finish"]) in row, (ident, row)
    for heading in ("Projects against the baseline", "Cross-project dependencies at risk",
                    "Resource conflicts", "Budget and cost", "Risks by project"):  # fmt: skip
        assert heading in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_team_report_lists_the_work_due_in_the_next_two_weeks(
    capsys, tmp_path, sample_plan, schedule, fmt
):
    text = report(capsys, tmp_path, sample_plan, "team", fmt, "--project", "MOB")
    when = date.fromisoformat(schedule["status_date"])
    due = [
        t for t in schedule["tasks"]
        if t["project"] == "MOB" and not t["summary"] and not t["complete"]
        and when <= date.fromisoformat(_day(t["finish"])) <= when + timedelta(days=14)
    ]  # fmt: skip
    assert due, "the sample has MOB work due in the two weeks after its status date"
    for task in due:
        assert task["id"] in text
    others = [t["id"] for t in schedule["tasks"] if t["project"] == "API"]
    assert not any(re.search(rf"\b{re.escape(i)}\b", text) for i in others[:3])
    assert "Sprint progress" in text and "MOB-S3" in text  # the active sprint


def test_the_team_report_without_a_project_has_a_part_per_project(
    capsys, tmp_path, sample_plan, schedule
):
    text = report(capsys, tmp_path, sample_plan, "team", "md")
    for ident in schedule["projects"]:
        assert re.search(rf"^## .*\({ident}\)$", text, re.M)


def test_simulated_p50_and_p80_are_the_simulation_s(capsys, tmp_path, sample_plan):
    code, out, err = run(capsys, "simulate", str(sample_plan), "--json", "--iterations", "200",
                         "--seed", "0")  # fmt: skip
    assert code == 0, err
    simulated = json.loads(out)
    text = report(capsys, tmp_path, sample_plan, "exec", "md", "--simulate", "200")
    assert f"P50 {_day(simulated['finish']['p50'])}, P80 {_day(simulated['finish']['p80'])}" in text
    forecast = simulated["milestones"]["WEB.launch"]
    row = next(line for line in text.splitlines() if "(WEB.launch)" in line)
    assert _day(forecast["p50"]) in row and _day(forecast["p80"]) in row


@pytest.mark.parametrize("level", LEVELS)
def test_every_markdown_table_row_is_read_as_a_row_of_its_table(
    capsys, tmp_path, sample_plan, level
):
    from markdown_it import MarkdownIt  # noqa: PLC0415 - a test dependency

    text = report(capsys, tmp_path, sample_plan, level, "md")
    lines = [line for line in text.splitlines() if line.startswith("|")]
    rules = [line for line in lines if re.fullmatch(r"\|( -{3,}:? \|)+", line)]
    rows = [t for t in MarkdownIt("commonmark").enable("table").parse(text) if t.type == "tr_open"]
    assert rules and len(rows) == len(lines) - len(rules)  # a stray row would be a paragraph


@pytest.mark.parametrize("level", LEVELS)
def test_the_html_is_one_file_that_fetches_nothing(capsys, tmp_path, sample_plan, level):
    html = report(capsys, tmp_path, sample_plan, level, "html")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"<(script|link|img|iframe)\b", html, re.I)
    assert "url(" not in html and "@import" not in html
    charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert charts
    for chart in charts:  # each chart says what it shows, for a screen reader too
        assert re.search(r"<title id=[^>]*>[^<]+</title><desc id=[^>]*>[^<]+</desc>", chart)


def test_a_stored_program_gives_the_report_its_plan_file_gives(capsys, tmp_path, sample_plan):
    from progman.services.database import dispose_engines  # noqa: PLC0415

    url = f"sqlite:///{tmp_path / 'report.db'}"
    try:
        code, _, err = run(capsys, "init", "--db", url, "--sample")
        assert code == 0, err
        stored = tmp_path / "stored.md"
        code, _, err = run(capsys, "report", "--db", url, "--program", "DPL", "--level",
                           "program", "--format", "md", "-o", str(stored))  # fmt: skip
        assert code == 0, err
    finally:
        dispose_engines()
    assert stored.read_text() == report(capsys, tmp_path, sample_plan, "program", "md")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--level", "boss", "--format", "md"], "unknown report level 'boss': choose exec"),
        (["--level", "exec", "--format", "docx"], "unknown report format 'docx': choose md"),
        (["--level", "team", "--format", "md", "--project", "NOPE"], "no project 'NOPE'"),
        (["--level", "exce", "--format", "md"], "'exce' (did you mean 'exec'?)"),
        (["--level", "team", "--format", "htm"], "'htm' (did you mean 'html'?)"),
    ],
)
def test_bad_options_are_named_and_nothing_is_written(capsys, tmp_path, sample_plan, args, message):
    target = tmp_path / "report.out"
    code, _, err = run(capsys, "report", str(sample_plan), *args, "-o", str(target))
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_a_missing_folder_and_an_existing_file_are_refused(capsys, tmp_path, sample_plan):
    missing = tmp_path / "no" / "such" / "report.md"
    code, _, err = run(capsys, "report", str(sample_plan), "--level", "exec", "--format", "md",
                       "-o", str(missing))  # fmt: skip
    assert code == 2 and f"the folder {missing.parent} does not exist" in err
    assert not missing.parent.exists()
    existing = tmp_path / "report.md"
    existing.write_text("keep me")
    code, _, err = run(capsys, "report", str(sample_plan), "--level", "exec", "--format", "md",
                       "-o", str(existing))  # fmt: skip
    assert code == 2 and "exists: add --force to replace it" in err
    assert existing.read_text() == "keep me"
    code, _, err = run(capsys, "report", str(sample_plan), "--level", "exec", "--format", "md",
                       "-o", str(existing), "--force")  # fmt: skip
    assert code == 0, err
    assert existing.read_text().startswith("# Executive status report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]  # no partial file left
