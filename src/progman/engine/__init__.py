"""Pure computation on arrays: calendars, CPM, leveling, Monte Carlo, EVM, impact.

Nothing here reads files, prints or touches a database.
"""
