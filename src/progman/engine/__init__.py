"""Pure computation on arrays: calendars, CPM (leveling, Monte Carlo, EVM, impact to come).

Nothing here reads files, prints or touches a database. The array-level API:

>>> import numpy as np
>>> from progman.engine import Network, schedule_network
>>> net = Network.from_arrays(np.array([3, 2, 4]), pred=np.array([0, 0]), succ=np.array([1, 2]))
>>> int(schedule_network(net).finish)
7
"""

from progman.engine.network import (
    CpmResult,
    IncrementalSchedule,
    Network,
    ScheduleCycle,
    schedule_network,
)

__all__ = ["CpmResult", "IncrementalSchedule", "Network", "ScheduleCycle", "schedule_network"]
