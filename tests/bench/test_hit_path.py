"""The CGI hit path stays lean: what keeps a POST near the floor in docs/performance.md."""

import os
import subprocess
import sys

import pytest
from footfall_testing import BROWSER_UA, CGI_SCRIPT, FIXED_CLOCK_ENV, parse_cgi_output

# What a POST must not import: each is only for GET, a read key, an error or a busy database,
# or (re, enum, wsgiref.handlers) what footfall's CGI runner and JSON writer exist to avoid.
NOT_ON_THE_HIT_PATH = ("re", "enum", "json", "wsgiref.handlers", "traceback", "hmac",
                       "threading", "random", "zoneinfo", "configparser", "urllib.parse")


@pytest.mark.parametrize("config_file, settings", [
    (None, {}),
    ("[footfall]\nsites = example.org\n", {}),
    (None, {"FOOTFALL_TIMEZONE": "Europe/Berlin", **FIXED_CLOCK_ENV}),
], ids=["settings-in-the-environment", "a-config-file-in-home", "a-time-zone"])
def test_a_cgi_post_imports_nothing_that_only_get_or_errors_need(tmp_path, config_file, settings):
    # A config file (~/footfall/footfall.ini, which setup_db.py writes) is read at every hit:
    # read without configparser, which with re and enum cost a hit 5 ms (docs/performance.md).
    # A time zone is read from the day the day's first hit kept (settings.Zone), not with zoneinfo,
    # which cost a hit 2.7 ms; both hits run at one fixed noon, on a day the clocks keep.
    if config_file is not None:
        (tmp_path / "footfall").mkdir()
        (tmp_path / "footfall" / "footfall.ini").write_text(config_file, encoding="utf-8")
    body = b"page=%2Fabout&ref=https%3A%2F%2Fwww.google.com%2F"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REQUEST_METHOD": "POST",
           "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
           "REMOTE_ADDR": "192.0.2.10", "HTTP_USER_AGENT": BROWSER_UA, "HTTP_HOST": "example.org",
           "FOOTFALL_DB": str(tmp_path / "footfall.db"), "HOME": str(tmp_path),
           "PYTHONPROFILEIMPORTTIME": "1", **settings}
    for _ in range(2 if settings else 1):
        proc = subprocess.run([sys.executable, CGI_SCRIPT], input=body, env=env,
                              capture_output=True, timeout=30)
    answer = parse_cgi_output(proc.stdout)
    assert answer.status == 200 and answer.json()["counted"] is True
    lines = [line.rsplit("|", 1)[1].strip() for line in proc.stderr.decode().splitlines()
             if line.startswith("import time:") and "|" in line]
    # What the interpreter's own start-up (site, .pth files) imports is not footfall's doing.
    imported = set(lines[lines.index("site") + 1:] if "site" in lines else lines)
    assert {"footfall.storage", "sqlite3", "footfall.cgi_runner", "footfall.jsonout"} <= imported
    assert imported.isdisjoint(NOT_ON_THE_HIT_PATH), imported & set(NOT_ON_THE_HIT_PATH)


@pytest.mark.parametrize("settings", [{}, {"FOOTFALL_TIMEZONE": "Europe/Berlin"}],
                         ids=["the-servers-zone", "a-time-zone"])
def test_a_cgi_get_reads_no_zone_with_zoneinfo(tmp_path, settings):
    # The answer names its zone and today in it: from the C library's zone directory for the
    # server's zone, from the day the first request kept for a configured one (settings.Zone).
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REQUEST_METHOD": "GET",
           "QUERY_STRING": "", "REMOTE_ADDR": "192.0.2.10", "HTTP_HOST": "example.org",
           "FOOTFALL_DB": str(tmp_path / "footfall.db"), "HOME": str(tmp_path),
           "PYTHONPROFILEIMPORTTIME": "1", **FIXED_CLOCK_ENV, **settings}
    for _ in range(2):
        proc = subprocess.run([sys.executable, CGI_SCRIPT], env=env, capture_output=True,
                              timeout=30)
    answer = parse_cgi_output(proc.stdout)
    assert answer.status == 200
    assert (answer.json()["today"], answer.json()["timezone"]) == (
        "2026-11-28", settings.get("FOOTFALL_TIMEZONE", "UTC"))
    imported = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.decode().splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "footfall.insights" in imported and "zoneinfo" not in imported
