"""progman: an open-source program office.

The public library API is re-exported here; everything else may change.
"""

from importlib.metadata import PackageNotFoundError, version

from progman.domain import Program, Project, WorkItem
from progman.engine.impact import ImpactResult, impact
from progman.engine.leveling import LevelResult, level
from progman.engine.schedule import Schedule, TaskSchedule, schedule
from progman.engine.simulation import Simulation, simulate
from progman.errors import PlanInvalid, ProgmanError
from progman.planfile import dump_plan, load_plan

try:
    __version__ = version("progman")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "ImpactResult",
    "LevelResult",
    "PlanInvalid",
    "ProgmanError",
    "Program",
    "Project",
    "Schedule",
    "Simulation",
    "TaskSchedule",
    "WorkItem",
    "__version__",
    "dump_plan",
    "impact",
    "level",
    "load_plan",
    "schedule",
    "simulate",
]
