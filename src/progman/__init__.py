"""progman: an open-source program office.

The public library API is re-exported here; everything else may change. The names are
loaded on first use (PEP 562), so ``import progman`` — and so every CLI start — does not pay
for numba, the engine or pydantic until a name that needs them is touched.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from progman.domain import ChangeItem, ChangeRequest, Program, Project, WorkItem
    from progman.engine.impact import ImpactResult, impact
    from progman.engine.leveling import LevelResult, level
    from progman.engine.schedule import Schedule, schedule
    from progman.engine.schedule_table import TaskSchedule
    from progman.engine.simulation import Simulation, simulate
    from progman.errors import PlanInvalid, ProgmanError
    from progman.planfile import dump_plan, load_plan
    from progman.services.change_control import ChangeControl

#: The one place the version is written: pyproject.toml reads it from here (setuptools
#: ``attr:``, without importing), so ``progman --version`` needs no importlib.metadata.
__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "ChangeControl": "progman.services.change_control",
    "ChangeItem": "progman.domain",
    "ChangeRequest": "progman.domain",
    "ImpactResult": "progman.engine.impact",
    "LevelResult": "progman.engine.leveling",
    "PlanInvalid": "progman.errors",
    "ProgmanError": "progman.errors",
    "Program": "progman.domain",
    "Project": "progman.domain",
    "Schedule": "progman.engine.schedule",
    "Simulation": "progman.engine.simulation",
    "TaskSchedule": "progman.engine.schedule_table",
    "WorkItem": "progman.domain",
    "dump_plan": "progman.planfile",
    "impact": "progman.engine.impact",
    "level": "progman.engine.leveling",
    "load_plan": "progman.planfile",
    "schedule": "progman.engine.schedule",
    "simulate": "progman.engine.simulation",
}

__all__ = [
    "ChangeControl",
    "ChangeItem",
    "ChangeRequest",
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


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it, so the next lookup is a plain one."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'progman' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
