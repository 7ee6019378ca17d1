"""The Status reports section of docs/user-guide.md is true: its command, run as shown,
prints the line the page shows and writes the report it describes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from progman.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def section() -> str:
    text = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    start = text.index("## Status reports\n")
    return text[start : text.index("\n## ", start + 1)]


def test_the_example_writes_the_report_the_page_shows(tmp_path, capsys, monkeypatch):
    block = re.search(r"```console\n\$ (progman report .*)\n(.*)\n```", section())
    assert block, "the Status reports section lost its example"
    args = shlex.split(block.group(1))[1:]
    args[1] = str(ROOT / args[1])  # the sample, from the repository's root
    monkeypatch.chdir(tmp_path)
    assert main(args) == 0
    out = capsys.readouterr().out.strip()
    written = tmp_path / "status.html"
    shown = re.sub(r"[\d,]+ bytes", "N bytes", block.group(2))
    assert re.sub(r"[\d,]+ bytes", "N bytes", out) == shown
    assert f"(html, {written.stat().st_size:,} bytes)" in out
    html = written.read_text(encoding="utf-8")
    assert "Executive status report" in html and "P80" in html
    for level in ("exec", "program", "team"):  # the table names every level the CLI knows
        assert f"| `{level}` |" in section()
