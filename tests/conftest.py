"""Fixtures for the top-level tests. They live in footfall_testing.py, a module with its own name:
several folders of tests/ have a conftest.py, and `from conftest import` would find any of them.

The hooks below make the checks that run the CGI script as www-data (marked ``www_data``) say so
when they cannot run: only root can make Apache or fcgiwrap switch to www-data. The test command
runs as root in CI and sets FOOTFALL_REQUIRE_WWW_DATA there, so a skipped one fails the run.
"""

import os

import pg_testing
import pytest
from footfall_testing import app, clock, config, db_path, remove_stale_faketime_state  # noqa: F401
from pg_testing import pg_url  # noqa: F401
from storage_testing import conn, read_ranges  # noqa: F401


def pytest_generate_tests(metafunc):
    # A test marked both_backends (the storage, contract and privacy modules mark themselves)
    # runs against SQLite and against PostgreSQL (a private cluster, tests/pg_testing.py),
    # through the one db_path fixture. A test of something only an SQLite file has is marked
    # sqlite_only.
    marked = metafunc.definition.get_closest_marker
    if ("db_path" in metafunc.fixturenames and marked("both_backends")
            and not marked("sqlite_only")):
        metafunc.parametrize("db_path", ["sqlite", "postgresql"], indirect=True)


def pytest_sessionstart(session):
    remove_stale_faketime_state()  # of killed processes of earlier runs


def pytest_sessionfinish(session):
    pg_testing.stop_cluster()
    remove_stale_faketime_state()

WWW_DATA_NEEDS = "needs root: only root can make the web server run the CGI script as www-data"
_www_data = {"ran": 0, "skipped": 0, "not run": 0}


def _required():
    return bool(os.environ.get("FOOTFALL_REQUIRE_WWW_DATA"))


def pytest_runtest_setup(item):
    if item.get_closest_marker("www_data") and os.geteuid() != 0:
        if _required():
            pytest.fail(f"FOOTFALL_REQUIRE_WWW_DATA is set but this is not root: {WWW_DATA_NEEDS}")
        pytest.skip(WWW_DATA_NEEDS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not item.get_closest_marker("www_data"):
        return
    if report.skipped and _required():
        # Whatever skipped it (no Apache, no www-data user): where these checks are required, a
        # skip would pass the run without them.
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"a www-data check skipped where FOOTFALL_REQUIRE_WWW_DATA is set: {reason}"
        _www_data["not run"] += 1
    elif report.skipped:
        _www_data["skipped"] += 1
    elif report.when == "call":
        _www_data["ran"] += 1
    elif report.failed and report.when == "setup":
        _www_data["not run"] += 1


def pytest_terminal_summary(terminalreporter):
    if _www_data["skipped"]:
        terminalreporter.write_line(
            f"footfall: {_www_data['skipped']} www-data check(s) skipped (reasons below): this run "
            "did not check the CGI script running as www-data, as on a real server; only root can "
            "make a web server switch to www-data, and CI runs the test command as root.",
            yellow=True, bold=True)
    if _www_data["not run"]:
        terminalreporter.write_line(
            f"footfall: {_www_data['not run']} www-data check(s) could not run where they are "
            "required (FOOTFALL_REQUIRE_WWW_DATA): see the errors above.", red=True, bold=True)
    if _www_data["ran"]:
        terminalreporter.write_line(f"footfall: {_www_data['ran']} www-data check(s) ran.")
