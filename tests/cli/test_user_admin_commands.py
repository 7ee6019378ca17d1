"""`progman user list|role|deactivate|reactivate|reset-password|grant|revoke` through the
real entry point on a SQLite file: the same services (and rules) as the admin pages."""

from __future__ import annotations

import io

from progman.cli.main import main
from progman.errors import Unauthenticated
from progman.services.database import dispose_engines, unit_of_work
from progman.services.users import THROTTLE, authenticate


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _logs_in(url: str, name: str, password: str) -> bool:
    THROTTLE._failures.clear()
    try:
        with unit_of_work(url, write=False) as session:
            authenticate(session, name, password)
    except Unauthenticated:
        return False
    finally:
        dispose_engines()
    return True


def test_users_are_granted_deactivated_and_reset_from_the_command_line(
    capsys, tmp_path, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert run(capsys, "init", "--db", url, "--sample")[0] == 0
    assert (
        run(capsys, "user", "add", "ann", "--role", "viewer", "--program", "DPL", "--db", url)[0]
        == 0
    )
    code, out, err = run(capsys, "user", "grant", "ann", "--role", "member", "--program", "DPL",
                         "--project", "MOB", "--db", url)  # fmt: skip
    assert code == 0 and "user ann: member on project MOB of DPL" in out, err
    code, _, err = run(capsys, "user", "grant", "ann", "--role", "member", "--program", "NOPE",
                       "--db", url)  # fmt: skip
    assert code == 2 and "no program with key 'NOPE'" in err
    code, out, _ = run(capsys, "user", "list", "--db", url)
    assert code == 0
    assert "ann\tviewer\tactive\tviewer on DPL; member on DPL / MOB" in out
    assert "admin\tadmin\tactive\t-" in out

    code, _, err = run(capsys, "user", "role", "admin", "viewer", "--db", url)
    assert code == 1 and "admin is the last active administrator" in err
    code, _, err = run(capsys, "user", "deactivate", "admin", "--db", url)
    assert code == 1 and "last active administrator" in err

    monkeypatch.setattr("sys.stdin", io.StringIO("a long new secret\n"))
    code, out, _ = run(capsys, "user", "reset-password", "ann", "--password-stdin", "--db", url)
    assert code == 0 and "shown once" not in out
    assert _logs_in(url, "ann", "a long new secret")
    assert run(capsys, "user", "deactivate", "ann", "--db", url)[0] == 0
    assert not _logs_in(url, "ann", "a long new secret")
    assert "ann\tviewer\tdeactivated" in run(capsys, "user", "list", "--db", url)[1]
    assert run(capsys, "user", "reactivate", "ann", "--db", url)[0] == 0
    assert _logs_in(url, "ann", "a long new secret")

    code, out, _ = run(capsys, "user", "revoke", "ann", "--program", "DPL", "--project", "MOB",
                       "--db", url)  # fmt: skip
    assert code == 0 and "member revoked" in out
    code, _, err = run(capsys, "user", "revoke", "ann", "--program", "DPL", "--project", "MOB",
                       "--db", url)  # fmt: skip
    assert code == 1 and "ann holds no grant on project MOB of program DPL" in err
    assert "ann\tviewer\tactive\tviewer on DPL\n" in run(capsys, "user", "list", "--db", url)[1]
