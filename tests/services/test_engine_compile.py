"""``progman init``'s compile with its database work beside it: the work's result comes back
once, a user error in it stops the compile at once, and leveling module's C helpers
compiled in the second process are used and cleaned up."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import partial
from pathlib import Path

from progman.engine import aot, aot_build, jit
from progman.errors import ProgmanError
from progman.services.engine import Meanwhile, compile_engine
from progman.services.first_run import do_set_up_database
from progman.services.planfiles import sample_program

REPOSITORY = Path(__file__).resolve().parents[2]


def _own_modules_folder(monkeypatch, tmp_path: Path) -> Path:
    """The ahead-of-time modules go to ``tmp_path``; numba's kernels stay where this
    process has them (loaded, not compiled, in the second process too)."""
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(jit.kernel_cache_folder()))
    monkeypatch.setenv(jit.CACHE_VARIABLE, str(tmp_path))
    return tmp_path


def test_the_work_beside_is_given_back_once_and_the_helpers_are_used(monkeypatch, tmp_path):
    cache = _own_modules_folder(monkeypatch, tmp_path)
    given: list[int] = []
    compiled = compile_engine(sample_program(), None, Meanwhile(partial(int, "42"), given.append))
    assert given == [42]
    assert compiled.ahead_of_time.path is not None, compiled.ahead_of_time.reason
    assert compiled.leveling_ahead_of_time.path is not None, compiled.leveling_ahead_of_time.reason
    assert aot.load(cache) is not None and len(aot.load(cache).groups) == 2  # type: ignore[union-attr]
    assert not list((cache / "aot").glob("helpers-*"))  # used or discarded, never left
    assert not list((cache / "aot").glob("build-*"))


def test_a_database_error_beside_is_raised_here(monkeypatch, tmp_path):
    _own_modules_folder(monkeypatch, tmp_path / "cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    task = partial(do_set_up_database, f"sqlite:///{blocker / 'progman.db'}", None)
    given: list[object] = []
    try:
        compile_engine(sample_program(), None, Meanwhile(task, given.append))
    except ProgmanError as error:
        assert str(blocker) in str(error)
    else:
        raise AssertionError("the database error was not raised")
    assert given == []


def test_init_stops_compiling_at_a_database_error(tmp_path):
    """With an empty kernel cache the compile takes many seconds; the database error comes
    from the second process within a few, and stops it: no module is built, nothing is
    written where the database would be, and no traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(PROGMAN_CACHE_DIR=str(tmp_path / "empty-cache"), PYTHONPATH=str(REPOSITORY / "src"))
    done = subprocess.run(
        [sys.executable, "-m", "progman", "init", "--db", f"sqlite:///{blocker / 'x.db'}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert f"cannot create the folder {blocker}" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "empty-cache" / "aot").exists() or not list(
        (tmp_path / "empty-cache" / "aot").glob("progman_aot_*")
    )
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_no_helpers_are_compiled_for_a_module_already_built(tmp_path):
    group = aot.LEVELING
    library = aot.library_path(tmp_path, aot.source_key(group), group)
    library.parent.mkdir(parents=True)
    library.write_bytes(b"")
    assert aot_build.compile_helpers(tmp_path, group) is None
    assert sorted(p.name for p in library.parent.iterdir()) == [library.name]
