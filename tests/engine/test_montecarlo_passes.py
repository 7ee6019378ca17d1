"""The Monte Carlo passes against the deterministic CPM, on random networks and calendars.

The passes work in working minutes where they can (a task without progress or dates takes
its bound from its predecessors' finishes in its calendar's minutes), and the backward
pass knows a late finish's working minutes without converting it back: with every
duration certain, each iteration must still be the deterministic schedule, on the wall
clock, on a working calendar and on a mix of both.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.generators import constrained, dags

from progman.engine import kernels
from progman.engine.calendars import ELAPSED_RULE, CalendarRule, build_tables
from progman.engine.montecarlo import Uncertainty, simulate_network
from progman.engine.network import schedule_network

#: Monday to Friday, 8 hours: weekends and evenings are not working time
WEEKDAYS = CalendarRule((True,) * 5 + (False,) * 2, 480)
#: Monday to Saturday, 6 hours, with a holiday in the first week
SHORT = CalendarRule((True,) * 6 + (False,), 360, holidays=(date(2000, 1, 5),))


@settings(max_examples=80, deadline=None)
@given(data=st.data(), dag=dags(max_tasks=20, lags=st.sampled_from([0, 0, 0, -30, 45, 600])))
def test_one_certain_iteration_is_the_deterministic_schedule(data, dag):
    net = data.draw(constrained(dag.network()))
    n = net.size
    calendar = np.array(data.draw(st.lists(st.sampled_from([0, 1, 1, 2]), min_size=n, max_size=n)))
    net = dataclasses.replace(
        net,
        duration=net.duration * data.draw(st.sampled_from([1, 60, 97])),  # minutes to days
        calendar=calendar.astype(np.int64),
        link_elapsed=np.array(
            data.draw(st.lists(st.booleans(), min_size=len(dag.pred), max_size=len(dag.pred))),
            dtype=bool,
        ),
        # the simulation places "as late as possible" tasks as soon as possible, and leaves
        # deadlines out of criticality (see progman.engine.montecarlo)
        constraint_type=np.where(
            net.constraint_type == kernels.ALAP, kernels.ASAP, net.constraint_type
        ).astype(np.int8),
        deadline=np.full(n, kernels.NO_TIME, dtype=np.int64),
        calendars=build_tables([ELAPSED_RULE, WEEKDAYS, SHORT], date(2000, 1, 3), 400),
    )
    cpm = schedule_network(net)
    nothing = Uncertainty.three_point(net.duration, net.duration, net.duration)
    result = simulate_network(net, nothing, iterations=3, watch=np.arange(n), threads=1)
    for it in range(3):
        assert result.watched_finish[:, it].tolist() == cpm.early_finish.tolist()
        assert int(result.finish[it]) == int(cpm.finish)
    assert result.criticality.tolist() == (cpm.total_float <= 0).astype(float).tolist()
