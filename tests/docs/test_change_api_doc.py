"""docs/api.md's "Change requests from Python" is true: its example runs, as doctest,
against a database made as the page says (``progman init --sample``)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

from progman.cli.main import main
from progman.services.catalog import LOADED
from progman.services.database import dispose_engines

PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_the_change_control_example_runs(tmp_path, monkeypatch, capsys):
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("## Change requests from Python\n")
    section = text[start : text.index("\n# ", start)]
    example = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert example, "the section lost its example"
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--db", "sqlite:///shop.db", "--sample"]) == 0
    capsys.readouterr()
    parser = doctest.DocTestParser()
    test = parser.get_doctest(example.group(1), {}, "api.md", str(PAGE), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    try:
        runner.run(test)
    finally:
        LOADED.clear()
        dispose_engines()
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10 and result.failed == 0
