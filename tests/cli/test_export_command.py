"""`progman export`: a plan (file or stored program) in another format; bad requests are
one line, exit 1, and write nothing."""

from __future__ import annotations

import json

import pytest

import progman
from progman.cli.main import main
from progman.services.exports import EXPORTERS


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_plan_formats_load_back_equal(capsys, tmp_path, sample_plan, suffix):
    target = tmp_path / f"dpl{suffix}"
    code, out, err = run(capsys, "export", str(sample_plan), "-o", str(target))
    assert code == 0, err
    assert out.startswith(f"DPL: exported as {EXPORTERS[suffix[1:]].title} to {target}")
    assert progman.load_plan(target) == progman.load_plan(sample_plan)


def test_standard_output_is_yaml_unless_told(capsys, sample_plan):
    code, out, err = run(capsys, "export", str(sample_plan), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["key"] == "DPL"
    code, out, err = run(capsys, "export", str(sample_plan))
    assert code == 0, err
    assert out.startswith("program: Digital Platform Launch\nkey: DPL\n")


def test_a_stored_program(capsys, tmp_path, sample_plan):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["db", "import", str(sample_plan), "--db", url]) == 0
    capsys.readouterr()
    target = tmp_path / "stored.json"
    code, _, err = run(capsys, "export", "--db", url, "--program", "DPL", "-o", str(target))
    assert code == 0, err
    assert progman.load_plan(target) == progman.load_plan(sample_plan)


def test_existing_file_needs_force(capsys, tmp_path, sample_plan):
    target = tmp_path / "dpl.json"
    target.write_text("mine")
    code, out, err = run(capsys, "export", str(sample_plan), "-o", str(target))
    assert "exists already; give --force" in one_line_error(code, out, err)
    assert target.read_text() == "mine"
    code, _, err = run(capsys, "export", str(sample_plan), "-o", str(target), "--force")
    assert code == 0, err
    assert json.loads(target.read_text())["key"] == "DPL"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "yml", "-o", "x.yaml"], ["unknown export format 'yml'", "json, yaml"]),
        (["-o", "x.txt"], ["cannot tell the format", "'x.txt'", "--format"]),
        (["--format", "json", "-o", "x.yaml"], ["written to a .json file", "'.yaml'"]),
    ],
)
def test_bad_requests_write_nothing(capsys, tmp_path, sample_plan, monkeypatch, args, words):  # noqa: PLR0917
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "export", str(sample_plan), *args)
    line = one_line_error(code, out, err)
    assert all(word in line for word in words), line
    assert list(tmp_path.iterdir()) == []


def test_a_broken_plan_writes_nothing(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("program: X\nkey: X\nstart: 2027-01-04\nprojects:\n  - {id: A, nmae: a}\n")
    target = tmp_path / "out.json"
    code, _, err = run(capsys, "export", str(broken), "-o", str(target))
    assert code == 1
    assert "broken.yaml:5:" in err and "Traceback" not in err
    assert not target.exists()
