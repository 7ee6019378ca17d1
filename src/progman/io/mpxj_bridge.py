"""Files of other schedulers through MPXJ: ``.mpp``, ``.mpx``, GNOME Planner, GanttProject
``.gan`` and Primavera P6 XML (PMXML), the optional extra ``progman[mpxj]``.

MPXJ (a Java library, with its Python package ``mpxj`` and JPype) reads the file and
writes it as MS Project XML; progman's own MSPDI reader turns that into a program, so
these files take the importer path MSPDI files take, with its warnings. The conversion
runs in a child process (:mod:`progman.io.mpxj_convert`): the Java VM it starts cannot be
stopped in a process, and a time limit holds a file that MPXJ never finishes. Without the
extra or without Java the error says what to install.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from progman.errors import Location, Problem, ProgmanError
from progman.io.imported import Imported

#: The files MPXJ reads for progman, by suffix (P6 XML is ``.xml``: ``--format mpxj``).
SUFFIXES = (".mpp", ".mpx", ".gan", ".planner")
#: Seconds MPXJ may take to read a file (``PROGMAN_MPXJ_TIMEOUT``).
DEFAULT_TIMEOUT = 120.0
INSTALL_EXTRA = "pip install 'progman[mpxj]'"
INSTALL_JAVA = (
    "install Java 17 or later (Debian/Ubuntu: apt install openjdk-17-jre-headless) or set "
    "JAVA_HOME to a JDK"
)


class MpxjUnavailable(ProgmanError):
    """The optional extra or Java is missing: what to install is in the message."""

    code = "import.mpxj_unavailable"
    http_status = 422


class MpxjFailed(ProgmanError):
    """MPXJ could not read the file."""

    code = "input.mpxj_failed"
    http_status = 422


def java_path() -> str:
    """The Java VM library MPXJ runs on; an :class:`MpxjUnavailable` saying what to
    install when the extra (``mpxj``, ``jpype``) or Java is missing."""
    missing = [name for name in ("mpxj", "jpype") if importlib.util.find_spec(name) is None]
    if missing:
        raise MpxjUnavailable(
            f"reading this file needs MPXJ, the optional extra of progman (missing: "
            f"{', '.join(missing)}): {INSTALL_EXTRA}; it also needs Java 17 or later"
        )
    import jpype  # noqa: PLC0415 - the optional extra, checked above

    try:
        found: str = jpype.getDefaultJVMPath()
    except jpype.JVMNotFoundException:
        found = ""
    if not found or not Path(found).exists():
        raise MpxjUnavailable(f"reading this file needs Java, which is not found: {INSTALL_JAVA}")
    return found


def convert_to_mspdi(path: Path, output: Path) -> None:
    """Write the file ``path`` as MS Project XML to ``output`` through MPXJ."""
    jvm = java_path()
    timeout = float(os.environ.get("PROGMAN_MPXJ_TIMEOUT", DEFAULT_TIMEOUT))
    command = [sys.executable, "-m", "progman.io.mpxj_convert", jvm, str(path), str(output)]
    where = Location(file=str(path))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise MpxjFailed(
            f"MPXJ did not read the file within {timeout:g} s; raise PROGMAN_MPXJ_TIMEOUT if "
            "it is very large",
            location=where,
        ) from None
    if done.returncode != 0 or not output.is_file():
        said = done.stderr.strip().splitlines()
        reason = said[-1] if said else f"exit status {done.returncode}"
        raise MpxjFailed(f"MPXJ could not read the file: {reason}", location=where)


def read_mpxj(path: Path, start: date | None = None) -> Imported:
    """The import registry's reader for files MPXJ reads: converted to MSPDI, then read by
    the MSPDI reader. ``start`` is not used: the file names its own."""
    from progman.io.mspdi_read import parse_mspdi  # noqa: PLC0415 - when used

    with tempfile.TemporaryDirectory(prefix="progman-mpxj-") as folder:
        converted = Path(folder) / f"{path.stem}.xml"
        convert_to_mspdi(path, converted)
        data = converted.read_bytes()
    found = parse_mspdi(data, f"{path} (as MS Project XML by MPXJ)", stem=path.name)
    where = Location(file=str(path))
    warnings = tuple(Problem("import.mpxj_warning", text, where) for text in found.warnings)
    return Imported(found.program, warnings)
