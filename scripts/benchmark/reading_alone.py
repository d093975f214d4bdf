#!/usr/bin/env python3
"""The reading process of a log import alone: scripts/import_log.py with the same arguments,
its counting process given batches it drops at once (nothing is counted, nothing written but
the new database's tables). What is left is what the reading process does whatever the counting
one does: read and parse the lines, apply the log's rules, judge the days, send the batches.
The reading process never sums a day up here, as the counting process is never busy.

scripts/bench.py --logs runs it beside the import and GoAccess: the import cannot be faster
than this on free cores (docs/performance.md, "Importing an access log").
"""

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir, "cgi-bin"))

from footfall.importing import counting_process  # noqa: E402


def _dropped(conn, rules, batch):
    """count_batch's answer for a batch counted with no page view: {day: reasons}."""
    return {}


if __name__ == "__main__":
    counting_process.count_batch = _dropped
    sys.argv[0] = os.path.join(HERE, os.pardir, "import_log.py")
    runpy.run_path(sys.argv[0], run_name="__main__")
