"""``python -m progman.io.mpxj_convert JVM INPUT OUTPUT``: MPXJ reads INPUT (any format
it knows) and writes it as MS Project XML to OUTPUT, on the Java VM library JVM.

Run by :mod:`progman.io.mpxj_bridge` in a child process. Exit 0 when written; otherwise
the last line on stderr says why (exit 3: MPXJ does not know the format).

GanttProject places a task at its own start unless a link pushes it later, where MS
Project would move a task without links to the project's start: each GanttProject task
(not a summary, without a constraint) keeps its start as a start-no-earlier-than
constraint, which schedules it where GanttProject has it.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m progman.io.mpxj_convert JVM INPUT OUTPUT", file=sys.stderr)
        return 2
    jvm, source, target = argv
    import jpype  # noqa: PLC0415 - the optional extra
    import mpxj  # noqa: F401, PLC0415 - puts MPXJ's jars on the class path

    jpype.startJVM(jvm, convertStrings=True)
    from org.mpxj.mspdi import MSPDIWriter  # noqa: PLC0415 - Java, once the VM runs
    from org.mpxj.reader import UniversalProjectReader  # noqa: PLC0415

    try:
        project = UniversalProjectReader().read(source)
    except Exception as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    if project is None:
        print("MPXJ does not know this file's format", file=sys.stderr)
        return 3
    if str(project.getProjectProperties().getFileType() or "").upper() == "GAN":
        keep_ganttproject_starts(project)
    MSPDIWriter().write(project, target)
    return 0


def keep_ganttproject_starts(project: object) -> None:
    """Each task of a GanttProject file keeps its start (see the module's docstring)."""
    from org.mpxj import ConstraintType  # noqa: PLC0415 - Java, once the VM runs

    first = project.getProjectProperties().getStartDate()  # type: ignore[attr-defined]
    for task in project.getTasks():  # type: ignore[attr-defined]
        kept = task.getConstraintType()
        if task.getSummary() or task.getStart() is None:
            continue
        early = task.getConstraintDate()
        if first is not None and early is not None and early.isBefore(first):
            # GanttProject holds no task before the project's start, whatever its date says
            # (MS Project, whose reading progman follows, would keep the date)
            task.setConstraintType(ConstraintType.AS_SOON_AS_POSSIBLE)
            task.setConstraintDate(None)
            kept = ConstraintType.AS_SOON_AS_POSSIBLE
        if first is not None and task.getStart().isBefore(first):
            continue  # GanttProject starts it with the project, as an ASAP task starts
        if kept is None or kept == ConstraintType.AS_SOON_AS_POSSIBLE:
            task.setConstraintType(ConstraintType.START_NO_EARLIER_THAN)
            task.setConstraintDate(task.getStart())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
