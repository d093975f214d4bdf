"""Many simultaneous hits, each its own CGI process, into one SQLite file: nothing is lost."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from footfall_testing import FIXED_CLOCK_ENV, counts, run_cgi

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

CLIENTS = 32
PAGES_EACH = 20


def visitor(db, number):
    statuses = []
    for page in range(PAGES_EACH):
        response = run_cgi(db, "POST", body=f"page=/page-{page}".encode(),
                           env={"REMOTE_ADDR": f"198.51.100.{number + 1}", **FIXED_CLOCK_ENV},
                           timeout=120)
        statuses.append((response.status, response.json().get("counted"), response.errors))
    return statuses


def test_32_concurrent_cgi_visitors_lose_no_hit(db_path):
    # No setup_db.py first: the 32 first hits also race to create the database.
    # Every process's clock starts at the same noon (FIXED_CLOCK_ENV): on the real clock, a run
    # across midnight counted each visitor on both days (64 visitors, CI at 00:00).
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = [s for batch in pool.map(lambda n: visitor(db_path, n), range(CLIENTS))
                   for s in batch]
    assert [r for r in results if r[0] != 200 or r[1] is not True] == []
    assert not any("locked" in errors for _, _, errors in results)
    assert counts(db_path) == {"visitors": CLIENTS, "pageviews": CLIENTS * PAGES_EACH}
    for page in range(PAGES_EACH):
        assert counts(db_path, page=f"/page-{page}") == {"visitors": CLIENTS,
                                                          "pageviews": CLIENTS}
