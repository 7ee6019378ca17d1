"""`progman init`, `serve` (refusing a database without tables) and `db` through the real
entry point, on a SQLite file."""

from __future__ import annotations

import pytest

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


def test_export_replaces_a_file_only_with_force(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert run(capsys, "init", "--db", url, "--sample")[0] == 0
    target = tmp_path / "dpl.yaml"
    target.write_text("mine\n", encoding="utf-8")
    code, out, err = run(capsys, "db", "export", "DPL", "-o", str(target), "--db", url)
    assert code == 1 and out == ""
    assert err == f"{target}: the output file exists already; give --force to replace it\n"
    assert target.read_text(encoding="utf-8") == "mine\n"
    code, _, err = run(capsys, "db", "export", "DPL", "-o", str(target), "--db", url, "--force")
    assert code == 0, err
    assert load_plan(target).key == "DPL"


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


def test_init_creates_a_first_administrator_once_and_shows_the_password_once(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    code, out, _ = run(capsys, "init", "--db", url)
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("first administrator: admin")]
    assert len(lines) == 1 and "password " in lines[0]
    password = lines[0].split("password ", 1)[1].split(" ", 1)[0]
    code, out, _ = run(capsys, "init", "--db", url)
    assert code == 0 and "first administrator" not in out and password not in out

    from progman.services.database import dispose_engines, unit_of_work  # noqa: PLC0415
    from progman.services.users import authenticate  # noqa: PLC0415

    with unit_of_work(url, write=True) as session:
        assert authenticate(session, "admin", password).is_admin
    dispose_engines()


def test_user_add_and_token_create(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert run(capsys, "init", "--db", url)[0] == 0
    code, out, err = run(capsys, "user", "add", "ann", "--role", "viewer", "--program", "DPL",
                         "--db", url)  # fmt: skip
    assert code == 0, err
    assert "user ann added: viewer on program DPL" in out and "password (shown once): " in out
    code, _, err = run(capsys, "user", "add", "ann", "--role", "viewer", "--db", url)
    assert code == 1 and "a user named 'ann' exists already" in err
    code, _, err = run(capsys, "user", "add", "carl", "--role", "boss", "--db", url)
    assert code == 2 and "no role 'boss'" in err
    code, out, err = run(capsys, "token", "create", "ann", "--days", "3", "--db", url)
    assert code == 0 and out.startswith("pm_") and "shown this once" in err
    code, _, err = run(capsys, "token", "create", "zed", "--db", url)
    assert code == 2 and "no user named 'zed'" in err


def test_a_password_can_come_from_standard_input(capsys, tmp_path, monkeypatch):
    import io  # noqa: PLC0415

    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert run(capsys, "init", "--db", url)[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "user", "add", "bo", "--role", "member", "--password-stdin",
                       "--db", url)  # fmt: skip
    assert code == 2 and "at least 8 characters" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough secret\n"))
    code, out, _ = run(capsys, "user", "add", "bo", "--role", "member", "--password-stdin",
                       "--db", url)  # fmt: skip
    assert code == 0 and "password" not in out


@pytest.mark.parametrize(
    "command",
    [
        ["db", "list"],
        ["db", "export", "DPL", "-o", "x.yaml"],
        ["db", "backup", "b.json.gz"],
        ["whatif", "list", "--program", "DPL"],
        ["schedule", "--program", "DPL"],
    ],
)
def test_a_missing_sqlite_file_is_named_and_not_created(capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "nothere.db"
    code, out, err = run(capsys, *command, "--db", str(missing))
    assert code == 1 and out == ""
    assert err == (
        f"there is no database at {missing}; run `progman init` or `progman db upgrade` "
        "(with the same --db) to create it\n"
    )
    assert not missing.exists()
    assert run(capsys, "init", "--db", str(missing))[0] == 0  # init does create it
    assert missing.exists()
