"""What a status report reads of one program, computed once however many sections read it.

Every figure comes from the service that owns it (the schedule, health, strategy, earned
value, baseline variance, the risk register, the load analysis, the simulation); a report
section only selects and arranges. Each is computed on first use, so a team report never
pays for a simulation or an earned-value analysis it does not show.

None of these figures depends on the report's level or project, so the reports of one
program as of one day share them (:meth:`ReportContext.for_report`): ``comms --write``
schedules the program once for all the reports due, not once per report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from progman.domain import latest_baseline
from progman.errors import UsageError

if TYPE_CHECKING:
    from progman.domain import Baseline, Program, Project, WorkItem
    from progman.engine.evm import EarnedValue
    from progman.engine.load import LoadAnalysis
    from progman.engine.schedule import Schedule
    from progman.engine.simulation import Simulation
    from progman.engine.variance import Variance
    from progman.services.health import ProgramHealth
    from progman.services.risks import RiskReport
    from progman.services.strategy import StrategyReport

#: The days ahead a team report looks for work due (two weeks).
LOOKAHEAD_DAYS = 14

T = TypeVar("T")


class shared_figure(Generic[T]):
    """A figure computed on first use and kept in the context's ``computed``, which the
    contexts of one program's reports share (``functools.cached_property`` keeps it per
    context)."""

    def __init__(self, compute: Callable[[ReportContext], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, ctx: None, owner: type) -> shared_figure[T]: ...
    @overload
    def __get__(self, ctx: ReportContext, owner: type) -> T: ...
    def __get__(self, ctx: ReportContext | None, owner: type) -> T | shared_figure[T]:
        if ctx is None:
            return self
        if self.name not in ctx.computed:
            ctx.computed[self.name] = self.compute(ctx)
        value: T = ctx.computed[self.name]
        return value


@dataclass
class ReportContext:
    """One program as a report of ``level`` sees it: ``project`` narrows a team report,
    ``status_date`` overrides the plan's, ``iterations`` asks for a simulation (P50/P80)."""

    program: Program
    level: str
    project: str | None = None
    status_date: date | None = None
    iterations: int | None = None
    seed: int = 0
    today: date = field(default_factory=date.today)
    #: the figures computed so far, shared with the contexts made by :meth:`for_report`
    computed: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def for_report(self, level: str, project: str | None = None) -> ReportContext:
        """The context of another report of the same program, as of the same day and with
        the same simulation: it reads (and adds to) this one's figures."""
        return dataclasses.replace(self, level=level, project=project)

    @property
    def when(self) -> date:
        """The day the report is as of: the status date given, else the plan's, else today."""
        return self.status_date or self.program.status_date or self.today

    @property
    def horizon(self) -> date:
        """The last day a team report looks ahead to."""
        return self.when + timedelta(days=LOOKAHEAD_DAYS)

    @property
    def projects(self) -> list[Project]:
        """The projects the report covers: the one asked for, else all, in plan order."""
        return [p for p in self.program.projects if self.project in (None, p.id)]

    @shared_figure
    def items(self) -> dict[str, WorkItem]:
        return {item.id: item for item in self.program.work_items()}

    @shared_figure
    def baseline(self) -> Baseline | None:
        """The latest baseline (what earned value and variance measure against)."""
        return latest_baseline(self.program.baselines)

    @shared_figure
    def schedule(self) -> Schedule:
        from progman.services.scheduling import schedule_program  # noqa: PLC0415 - numba

        return schedule_program(self.program, status_date=self.status_date)

    @shared_figure
    def project_spans(self) -> dict[str, tuple[datetime | None, datetime | None]]:
        """Each project's first start and last finish by the schedule."""
        from progman.engine.schedule_table import TaskTable  # noqa: PLC0415 - numba

        tasks = self.schedule.tasks
        starts = tasks.project_starts() if isinstance(tasks, TaskTable) else {}
        spans = {}
        for project in self.program.projects:
            finish = self.schedule.projects.get(project.id, {}).get("finish")
            spans[project.id] = (
                starts.get(project.id),
                datetime.fromisoformat(finish) if finish else None,
            )
        return spans

    @shared_figure
    def simulation(self) -> Simulation | None:
        """One seeded simulation for every P50/P80 of the report (None: not asked)."""
        if self.iterations is None:
            return None
        from progman.engine.strategy import forecast_groups  # noqa: PLC0415 - numba
        from progman.services.simulation import simulate_program  # noqa: PLC0415 - numba

        return simulate_program(
            self.program,
            iterations=self.iterations,
            seed=self.seed,
            status_date=self.status_date,
            forecast_groups=forecast_groups(self.program),
        )

    @shared_figure
    def health(self) -> ProgramHealth:
        from progman.services.health import program_health  # noqa: PLC0415 - numba

        return program_health(
            self.program,
            status_date=self.status_date,
            simulation=self.simulation,
            earned=self.earned_value,
        )

    @shared_figure
    def strategy(self) -> StrategyReport:
        from progman.services.strategy import program_strategy  # noqa: PLC0415 - numba

        return program_strategy(
            self.program, iterations=self.iterations, seed=self.seed, simulation=self.simulation
        )

    @shared_figure
    def earned_value(self) -> EarnedValue | None:
        """Earned value against the latest baseline (None: no baseline)."""
        from progman.services.evm import program_earned_value  # noqa: PLC0415 - numba

        if self.baseline is None:
            return None
        try:
            return program_earned_value(self.program, status_date=self.status_date)
        except UsageError:
            return None

    @shared_figure
    def variance(self) -> Variance | None:
        """The plan against its latest baseline (None: no baseline)."""
        from progman.services.baseline_variance import baseline_variance  # noqa: PLC0415

        if self.baseline is None:
            return None
        return baseline_variance(self.program, self.baseline.id)

    @shared_figure
    def risks(self) -> RiskReport:
        from progman.services.risks import risk_report  # noqa: PLC0415

        return risk_report(self.program)

    @shared_figure
    def load(self) -> LoadAnalysis:
        from progman.engine.load import analyse_load  # noqa: PLC0415 - numba

        return analyse_load(self.program, self.schedule)


def as_day(moment: date | datetime) -> date:
    """The day of a plan date or moment (a baseline holds either)."""
    return moment.date() if isinstance(moment, datetime) else moment
