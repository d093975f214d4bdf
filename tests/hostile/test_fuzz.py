"""Property: whatever bytes a request carries, footfall answers 2xx or 4xx JSON, never 5xx, and
what was stored before stays as it was.

Run in-process against the WSGI callable (an example costs a millisecond, not a process start);
a dozen examples also go through the real CGI script.
"""

import atexit
import io
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import wsgiref.validate

from footfall_apache import BROWSER_UA, ROOT, run_cgi
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.join(ROOT, "cgi-bin"))

import stats  # noqa: E402,F401  (the entry point must import cleanly; its app is built below)
from footfall import settings as footfall_settings  # noqa: E402
from footfall.app import Application  # noqa: E402
from footfall.storage import database, record  # noqa: E402

NOW = 1795867200.0  # 2026-11-28 12:00 UTC: the fuzzed hits land on this day
HISTORY = [("2026-11-20", "/old", "seed.example"), ("2026-11-21", "/older", "seed.example"),
           ("2026-11-21", "/old", "other.example")]

FORM_PIECES = st.sampled_from([
    b"page=", b"ref=", b"site=", b"from=", b"to=", b"&", b"=", b"%", b"%2", b"%zz", b"%00",
    b"%ff", b"%c3%a9", b"+", b"/", b"?", b"#", b"://", b"http://a.example/", b"seed.example",
    b"2026-11-20", b"9999-12-31", b"0000-00-00", b"'", b"\"", b"<script>", b"\x00", b"\xff",
    b"\xc3", b"\r\n", b";--", b"a" * 300,
])
# Mostly form-shaped bytes built from the pieces above, plus arbitrary bytes.
FORM_BYTES = st.one_of(st.lists(FORM_PIECES, max_size=12).map(b"".join), st.binary(max_size=600))


def seeded_database():
    directory = tempfile.mkdtemp(prefix="footfall-fuzz-")
    atexit.register(shutil.rmtree, directory, True)
    db = os.path.join(directory, "footfall.db")
    conn = database.connect(db)
    hits = [record.Hit(NOW - 86400 * (28 - int(day[-2:])), day, site, page, "", "192.0.2.1",
                        BROWSER_UA) for day, page, site in HISTORY]
    record.record_hits(conn, hits, record.Rules())
    conn.close()
    return db


# What hits counted for a day, table by table. daily_page's other columns (entries, bounces,
# seconds, timed: schema 23) are the ended day's summary, which the day's end writes for it,
# as it writes daily_breakdown and day_records (and folds past-cap pages: page_caps.py): the
# first request of a later day may fill them, never change what the hits counted.
COUNTED = {"daily_site": "*", "hourly_site": "*", "daily_ref": "*",
           "daily_page": "page, day, site, visitors, pageviews"}


def history(db):
    """What hits counted for days before today: what no request of today may change."""
    conn = sqlite3.connect(db)
    try:
        return {table: sorted(conn.execute(
                    f"select {columns} from {table} where day < '2026-11-28'"))
                for table, columns in COUNTED.items()}
    finally:
        conn.close()


DB = seeded_database()
BEFORE = history(DB)
RAW_APP = Application(footfall_settings.Config(db=DB, timezone="UTC"), clock=lambda: NOW)
# wsgiref's validator also checks the app's side of WSGI, but it refuses environments no server
# would build (a non-numeric CONTENT_LENGTH, a lower-case method): those go to the app directly.
VALIDATED_APP = wsgiref.validate.validator(RAW_APP)


def call(method, query, body, content_length, user_agent, run_once):
    errors = io.StringIO()
    environ = {
        "REQUEST_METHOD": method, "QUERY_STRING": query.decode("latin-1"),
        "SCRIPT_NAME": "/cgi-bin/stats.py", "PATH_INFO": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "192.0.2.9",
        "HTTP_USER_AGENT": user_agent.decode("latin-1"),
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": errors, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": run_once,
    }
    if content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    valid = (content_length is None or content_length.isdigit()) and method.isupper()
    result = (VALIDATED_APP if valid else RAW_APP)(environ, start_response)
    try:
        payload = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return answer["status"], answer["headers"], payload, errors.getvalue()


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["POST", "POST", "POST", "GET", "HEAD", "PUT", "OPTIONS", "post"]),
    query=FORM_BYTES,
    body=FORM_BYTES,
    content_length=st.one_of(st.none(), st.just("exact"), st.sampled_from(
        ["", "0", "-1", "abc", "1", "99999999", " 5 ", "+3", "1e3"])),
    user_agent=st.one_of(st.just(BROWSER_UA.encode()), st.binary(max_size=80)),
    run_once=st.booleans(),
)
@example(method="POST", query=b"", body=b"page=/\xff", content_length="exact",
         user_agent=BROWSER_UA.encode(), run_once=True)
@example(method="POST", query=b"", body=b"page=/a&site=seed.example", content_length="exact",
         user_agent=BROWSER_UA.encode() + b" \xff\xfe", run_once=True)  # counted: not UTF-8
def test_any_request_gets_a_json_answer_below_500_and_history_is_untouched(
        method, query, body, content_length, user_agent, run_once):
    if content_length == "exact":
        content_length = str(len(body))
    status, headers, payload, errors = call(method, query, body, content_length, user_agent,
                                            run_once)
    assert 200 <= status < 500, (status, payload, errors)
    assert errors == ""
    if method.upper() == "OPTIONS":  # the one answer without content: 204, no body
        assert (status, payload) == (204, b"")
        return
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    if method.upper() != "HEAD":
        assert isinstance(json.loads(payload), dict)
    assert history(DB) == BEFORE


def test_a_hit_counted_today_leaves_the_days_before_as_they_were():
    # The property above checks history after every example, but whether any example was
    # counted is up to hypothesis: this one is, so the check has seen a write of today.
    # Its own page and browser: not held back by the flood rule after the fuzzed hits of /a.
    body = b"page=/counted-today&site=seed.example"
    agent = b"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    status, _, payload, _ = call("POST", b"", body, str(len(body)), agent, True)
    assert (status, json.loads(payload)["counted"]) == (200, True)
    conn = sqlite3.connect(DB)
    today = conn.execute("select pageviews from daily_page where day = '2026-11-28'"
                         " and page = '/counted-today'").fetchone()[0]
    conn.close()
    assert today >= 1
    assert history(DB) == BEFORE


@settings(max_examples=12, deadline=None, database=None)
@given(query=FORM_BYTES.filter(lambda q: b"\x00" not in q), body=FORM_BYTES,
       method=st.sampled_from(["POST", "GET"]))
def test_the_real_cgi_script_answers_any_request_below_500_with_json(tmp_path_factory, query,
                                                                    body, method):
    # A few examples through a real process: what CGIHandler adds (stdin, environment
    # variables, status line) must not change the property. Environment variables cannot
    # carry NUL bytes, hence the filter.
    db = str(tmp_path_factory.mktemp("cgi") / "footfall.db")
    response, _peak = run_cgi(db, method=method, body=body, query=query.decode("latin-1"))
    assert 200 <= response.status < 500, (response, response.errors)
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert isinstance(json.loads(response.body), dict)
