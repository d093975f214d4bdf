#!/usr/bin/env python3
"""A log import with parts of a day's end left out: scripts/import_log.py with the same
arguments after the first, which names what is left out, comma-separated:

  pairs     a filter's month pairs (month_pairs.day_pairs): one filter's lists of whole months
  records   the day's view records (records.view_records), and so its pairs too: two filters,
            and one filter's lists at a range's ends
  summary   the day's exact summary (summary.summarize_day): the unfiltered lists and each
            filter's totals; only with pairs (a month's pairs rows are written beside its
            summary's rows, and without them the second day of a month writes its pairs again)

Page views are counted and the days' rollups written as always; what is left out is not stored,
so the database answers less. scripts/bench.py --logs --stages runs it beside the whole import
and GoAccess: what each part costs the import, and so what the goal of 2x GoAccess's lines/s
would trade away (docs/performance.md, "Importing an access log").

    python3 scripts/benchmark/import_without.py pairs,records --db /tmp/x.db access.log
"""

import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir, "cgi-bin"))

from footfall import records, summary  # noqa: E402
from footfall.storage import month_pairs  # noqa: E402

PARTS = ("pairs", "records", "summary")


def _no_pairs(conn, day, site, view_rows, months=None):
    return {}, {}


def _no_records(views):
    return []


def _no_summary(views):
    return {}, {}, {}


def leave_out(parts):
    """Patch the parts out of this process (and the counting process it forks)."""
    if "pairs" in parts:
        month_pairs.day_pairs = _no_pairs
    if "records" in parts:
        records.view_records = _no_records
    if "summary" in parts:
        summary.summarize_day = _no_summary


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    parts = set(sys.argv[1].split(","))
    if parts - set(PARTS) or ("summary" in parts and "pairs" not in parts):
        sys.exit(f"import_without: leave out any of {', '.join(PARTS)} (summary only with "
                 f"pairs), not {sys.argv[1]!r}")
    leave_out(parts)
    sys.argv[0:2] = [os.path.join(HERE, os.pardir, "import_log.py")]
    runpy.run_path(sys.argv[0], run_name="__main__")
