"""progman.cli: the ``progman`` command line.

A command's process leaves numpy's transparent huge pages off unless the user's environment
says otherwise: where memory is fragmented, Linux compacts it synchronously at the first
touch of each huge page, which cost a 1,000,000-task ``schedule`` 1–1.5 s of system time
(15.4 → 14.3 s) and a 10,000-iteration simulation seconds. numpy reads the setting when it
is first imported, which no command does before this package is.
"""

import os

os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
