"""`progman init`, `serve` (refusing a database without tables) and `db` through the real
entry point, on a SQLite file."""

from __future__ import annotations

from progman.cli.main import main
from progman.planfile import load_plan
from progman.samples import sample_plan_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_with_sample_then_list_and_export(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    code, out, err = run(capsys, "init", "--db", url, "--sample")
    assert code == 0, err
    assert "sample program DPL" in out
    code, out, _ = run(capsys, "init", "--db", url, "--sample")  # running it twice is harmless
    assert code == 0
    code, out, _ = run(capsys, "db", "list", "--db", url)
    assert code == 0
    assert "Digital Platform Launch" in out and "102" in out
    target = tmp_path / "dpl.yaml"
    code, _, err = run(capsys, "db", "export", "DPL", "-o", str(target), "--db", url)
    assert code == 0, err
    assert load_plan(target) == load_plan(sample_plan_path())


def test_import_of_a_broken_plan_changes_nothing(capsys, tmp_path, contract_plan):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert run(capsys, "init", "--db", url)[0] == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        contract_plan.read_text().replace("depends: [API.spec]", "depends: [API.spex]")
    )
    code, _, err = run(capsys, "db", "import", str(broken), "--db", url)
    assert code == 1
    assert f"{broken}:" in err and "did you mean 'API.spec'" in err
    code, out, _ = run(capsys, "db", "list", "--db", url)
    assert code == 0 and "CON" not in out


def test_unknown_program_key_suggests(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    run(capsys, "init", "--db", url, "--sample")
    code, _, err = run(capsys, "db", "export", "DPX", "-o", str(tmp_path / "x.yaml"), "--db", url)
    assert code == 1 and "did you mean 'DPL'" in err
    assert not (tmp_path / "x.yaml").exists()


def test_uninitialised_database_says_what_to_do(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    code, _, err = run(capsys, "serve", "--db", url)
    assert code == 1
    assert "progman init" in err


def test_init_creates_the_folder_of_a_new_sqlite_file(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'nested' / 'progman.db'}"
    code, _, err = run(capsys, "init", "--db", url)
    assert code == 0, err
    assert (tmp_path / "new" / "nested" / "progman.db").exists()
