"""cgi-bin/stats.py as the real CGI process Apache runs: what only the process boundary shows."""

import os
import stat
import subprocess
import sys

from footfall_testing import (
    CGI_SCRIPT,
    FIXED_CLOCK_ENV,
    cgi_process,
    counts,
    parse_cgi_output,
    post_form,
    run_cgi,
)


def test_script_is_executable_with_a_python3_shebang():
    with open(CGI_SCRIPT, "rb") as f:
        assert f.readline() == b"#!/usr/bin/env python3\n"
    assert os.stat(CGI_SCRIPT).st_mode & stat.S_IXUSR


def test_cgi_answer_starts_with_a_status_header(db_path):
    response = run_cgi(db_path, "POST", body=b"page=/a", env={"FOOTFALL_TIMEZONE": "UTC", **FIXED_CLOCK_ENV})
    assert response.status == 200
    assert response.json() == {"page": "/a", "day": "2026-11-28", "counted": True}
    assert counts(db_path) == {"visitors": 1, "pageviews": 1}


def test_chunked_body_without_content_length_is_read_to_its_end(db_path):
    response = run_cgi(db_path, "POST", body=b"page=/chunked", chunked=True)
    assert response.status == 200
    assert response.json()["page"] == "/chunked"


def test_huge_body_is_drained_and_answered_413(db_path):
    response = run_cgi(db_path, "POST", body=b"page=/a&x=" + b"y" * 300_000)
    assert response.status == 413
    assert response.json() == {"error": "body is larger than 4096 bytes"}
    assert counts(db_path) == {"visitors": 0, "pageviews": 0}


def test_huge_chunked_body_is_answered_413(db_path):
    response = run_cgi(db_path, "POST", body=b"page=/a&x=" + b"y" * 300_000, chunked=True)
    assert response.status == 413


def test_failure_logs_a_traceback_to_stderr_and_answers_plain_json(tmp_path):
    db = tmp_path / "footfall.db"
    db.write_bytes(b"garbage, not SQLite" * 200)
    response = run_cgi(str(db), "POST", body=b"page=/a")
    assert response.status == 500
    assert response.json() == {"error": "internal error"}
    assert "Traceback" in response.errors
    assert b"Traceback" not in response.body


def test_database_and_its_directory_are_created_on_first_hit(tmp_path):
    db = tmp_path / "new" / "dir" / "footfall.db"
    assert run_cgi(str(db), "POST", body=b"page=/a").status == 200
    assert counts(str(db))["pageviews"] == 1


def test_configured_time_zone_decides_the_day(db_path):
    # At 2026-11-28 12:00 UTC it is 02:00 on the 29th in Kiritimati (UTC+14), 01:00 on the 28th
    # in Niue (UTC-11).
    east = run_cgi(db_path, "POST", body=b"page=/a",
                   env={"FOOTFALL_TIMEZONE": "Pacific/Kiritimati", **FIXED_CLOCK_ENV})
    west = run_cgi(db_path, "POST", body=b"page=/a",
                   env={"FOOTFALL_TIMEZONE": "Pacific/Niue", **FIXED_CLOCK_ENV})
    assert (east.json()["day"], west.json()["day"]) == ("2026-11-29", "2026-11-28")


def test_no_ip_address_reaches_the_database_file(db_path):
    for i in range(5):
        run_cgi(db_path, "POST", body=f"page=/p{i}".encode(), env={"REMOTE_ADDR": "203.0.113.199"})
    files = [db_path + suffix for suffix in ("", "-wal", "-shm") if os.path.exists(db_path + suffix)]
    assert files
    for path in files:
        with open(path, "rb") as f:
            assert b"203.0.113.199" not in f.read()


# Runs stats.py as the CGI process does (as __main__), then says on stderr whether the cycle
# collector was left on.
_AS_SCRIPT = ("import gc, runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__'); "
              "sys.stderr.write(' collector on: %s' % gc.isenabled())")


def test_a_cgi_process_answers_without_the_cycle_collector(db_path):
    proc = cgi_process([sys.executable, "-c", _AS_SCRIPT, CGI_SCRIPT], db_path, "POST",
                       body=post_form({"page": "/about"}))
    assert parse_cgi_output(proc.stdout).json()["counted"] is True
    assert proc.stderr.decode().endswith(" collector on: False")


def test_a_server_that_imports_the_script_keeps_its_cycle_collector():
    # What gunicorn or mod_wsgi does with stats.py: import it by its path, as a module.
    code = ("import gc, importlib.util, sys; "
            "spec = importlib.util.spec_from_file_location('stats', sys.argv[1]); "
            "spec.loader.exec_module(importlib.util.module_from_spec(spec)); "
            "print(gc.isenabled())")
    proc = subprocess.run([sys.executable, "-c", code, CGI_SCRIPT], capture_output=True,
                          timeout=30, check=True)
    assert proc.stdout.decode().strip() == "True"
