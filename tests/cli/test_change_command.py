"""``progman change`` through the real entry point on a SQLite database holding the sample:
the steps of a request with --as, its --json (the API's shapes), refusals with exit codes
and messages naming the item, a stale apply that keeps the new impact, tables at 80
columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from progman.cli.main import app, main
from progman.domain.access import User
from progman.services.catalog import LOADED
from progman.services.database import dispose_engines, unit_of_work
from progman.services.work_items import do_update_work_item, version_of

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert main(["init", "--db", url, "--sample"]) == 0
    capsys.readouterr()
    yield ["--db", url, "--program", "DPL"]
    LOADED.clear()
    dispose_engines()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_request_from_create_to_apply(capsys, db):
    code, out, _ = run(
        capsys, "change", "create", *db, "--title", "Longer campaign",
        "--set", "MKT.flight.duration=60ed", "--reason", "more reach", "--as", "chloe",
    )  # fmt: skip
    assert code == 0 and "CR-003" in out and "draft" in out
    code, out, _ = run(capsys, "change", "submit", "CR-003", *db, "--as", "chloe", "--json")
    assert code == 0
    submitted = json.loads(out)["item"]
    assert submitted["state"] == "submitted" and submitted["requester"] == "chloe"
    assert submitted["impact"]["finish"]["delta_working_days"] > 0
    code, out, _ = run(capsys, "change", "approve", "CR-003", *db, "--as", "katrin",
                       "--comment", "funded")  # fmt: skip
    assert code == 0 and "approved" in out
    code, out, _ = run(capsys, "change", "show", "CR-003", *db, "--json")
    shown = json.loads(out)
    assert shown["approvals"][0]["by"] == "katrin" and shown["approvals"][0]["comment"] == "funded"
    code, out, _ = run(capsys, "change", "apply", "CR-003", *db, "--as", "katrin")
    assert code == 0 and "new baseline CR-003" in out
    code, out, _ = run(capsys, "change", "list", *db, "--state", "applied", "--json")
    assert [r["id"] for r in json.loads(out)["items"]] == ["CR-001", "CR-003"]
    code, out, _ = run(capsys, "baseline", "--program", "DPL", "--db", db[1], "--list", "--json")
    assert "CR-003" in {b["id"] for b in json.loads(out)["items"]}


def test_refusals_name_the_item_and_exit_non_zero(capsys, db):
    code, _, err = run(capsys, "change", "create", *db, "--title", "x",
                       "--set", "API.nope.duration=5d")  # fmt: skip
    assert code == 1 and "API.nope" in err and "changes[0]" in err
    code, _, err = run(capsys, "change", "create", *db, "--title", "x", "--set", "nodot")
    assert code == 2 and "--set" in err
    code, _, err = run(capsys, "change", "create", *db, "--title", "x", "--add", "API.tasks=5")
    assert code == 2 and "--add" in err and "mapping" in err
    code, _, err = run(capsys, "change", "apply", "CR-002", *db)
    assert code == 1 and "CR-002 cannot be applied" in err and "waits for a decision" in err
    code, _, err = run(capsys, "change", "reject", "CR-002", *db, "--comment", "later")
    assert code == 0
    code, _, err = run(capsys, "change", "apply", "CR-002", *db)
    assert code == 1 and "rejected: raise a new change request" in err
    code, _, err = run(capsys, "change", "show", "CR-404", *db)
    assert code == 1 and "no change request 'CR-404'" in err and "CR-001" in err


def test_an_added_task_and_a_stale_apply_that_keeps_the_new_impact(capsys, db):
    added = "MKT.tasks={id: MKT.extra, name: Extra spots, duration: 5d, depends: [MKT.review]}"
    code, out, err = run(capsys, "change", "create", *db, "--title", "Extra spots",
                         "--add", added, "--json")  # fmt: skip
    assert code == 0, err
    ident = json.loads(out)["item"]["id"]
    for step in ("submit", "approve"):
        assert run(capsys, "change", step, ident, *db)[0] == 0
    with unit_of_work(db[1], write=True) as session:  # someone else edits the plan meanwhile
        version = version_of(session, "DPL", "MKT.review")
        do_update_work_item(session, User("pat", "admin"), "DPL", "MKT.review",
                            {"duration": "9d"}, if_match=version)  # fmt: skip
    code, _, err = run(capsys, "change", "apply", ident, *db)
    assert code == 1 and "MKT.review" in err and "approve it again" in err
    shown = json.loads(run(capsys, "change", "show", ident, *db, "--json")[1])
    assert shown["state"] == "submitted"  # kept: the error came after the commit
    assert run(capsys, "change", "approve", ident, *db)[0] == 0
    code, out, _ = run(capsys, "change", "apply", ident, *db, "--json")
    assert code == 0 and json.loads(out)["baseline"] == ident
    listed = json.loads(run(capsys, "change", "list", *db, "--json")[1])["items"]
    assert next(r for r in listed if r["id"] == ident)["state"] == "applied"


@pytest.mark.parametrize("command", ["list", "show"])
def test_the_tables_fit_80_columns(db, command):
    runner = CliRunner()
    made = runner.invoke(app, ["change", "create", *db, "--title", "Longer campaign",
                               "--set", "MKT.flight.duration=60ed"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert runner.invoke(app, ["change", "submit", "CR-003", *db]).exit_code == 0
    args = ["change", command, *(["CR-003"] if command == "show" else []), *db]
    done = runner.invoke(app, args, env={"TTY_COMPATIBLE": "1", "COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    text = ANSI.sub("", done.stdout)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "…" not in text and "CR-003" in text
    if command == "show":
        assert "MKT" in text and "planned cost" in text and "Δ working" in text
