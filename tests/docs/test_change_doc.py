"""The Change requests section of docs/user-guide.md is true: its example, run command by
command against a database, prints what the page shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from progman.cli.main import main
from progman.domain.access import User
from progman.services.catalog import LOADED
from progman.services.database import dispose_engines, unit_of_work
from progman.services.work_items import do_update_work_item, version_of

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


@pytest.fixture(scope="module")
def section() -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("## Change requests\n")
    return text[start : text.index("\n## ", start + 1)]


def _words(lines: list[str]) -> list[list[str]]:
    return [line.split() for line in lines if line.strip() and not line.startswith("─")]


def test_the_example_prints_what_the_page_shows(section, tmp_path, capsys, monkeypatch):
    plan = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert plan, "the Change requests section lost its plan"
    (tmp_path / "shop.yaml").write_text(plan.group(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert main(["init", "--db", url]) == 0
    capsys.readouterr()
    blocks = re.findall(r"```console\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 3, "the Change requests section lost a console block"
    ran = 0
    try:
        for block in blocks:
            for command, shown in re.findall(r"^\$ progman (.*)\n((?:(?!\$ ).*\n)*)", block, re.M):
                assert main([*shlex.split(command), "--db", url]) == 0, command
                printed = capsys.readouterr().out.splitlines()
                expected = _words(shown.splitlines())
                if command.startswith("change show"):  # the page shows the impact part
                    start = next(i for i, line in enumerate(printed) if line.startswith("Impact"))
                    printed = printed[start:]
                assert _words(printed) == expected, command
                ran += 1
    finally:
        LOADED.clear()
        dispose_engines()
    assert ran == 6


def test_the_stale_apply_the_page_quotes(section, tmp_path, capsys):
    plan = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert plan
    path = tmp_path / "shop.yaml"
    path.write_text(plan.group(1), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    db = ["--db", url, "--program", "SHOP"]
    change = ["--title", "Payment provider integration", "--set", "WEB.build.duration=20d"]
    try:
        assert main(["init", "--db", url]) == 0
        assert main(["db", "import", str(path), "--db", url]) == 0
        assert main(["change", "create", *db, *change]) == 0
        assert main(["change", "submit", "CR-001", *db]) == 0
        assert main(["change", "approve", "CR-001", *db]) == 0
        with unit_of_work(url, write=True) as session:  # the design's duration changes
            version = version_of(session, "SHOP", "WEB.design")
            do_update_work_item(session, User("pat", "admin"), "SHOP", "WEB.design",
                                {"duration": "6d"}, if_match=version)  # fmt: skip
        capsys.readouterr()
        assert main(["change", "apply", "CR-001", *db]) == 1
        said = " ".join(capsys.readouterr().err.split())
    finally:
        LOADED.clear()
        dispose_engines()
    quoted = re.search(r"`(change request CR-001 was not applied:\s.*?)`", section, re.DOTALL)
    assert quoted, "the page lost its stale apply"
    expected = " ".join(quoted.group(1).split())
    assert re.sub(r"computed again \(.*?\) and", "computed again (...) and", said).endswith(
        expected
    ), said
