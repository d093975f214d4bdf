"""The WSGI application in-process, with a pinned clock: read key, allowed sites, failures."""

import sqlite3
import time

import pytest
from footfall import settings
from footfall.app import Application
from footfall.storage import database
from footfall_testing import NOON, call_app, post_form, visits

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends


def make(config, clock):
    application = Application(config, clock)
    return lambda **kwargs: call_app(application, **kwargs)


def test_error_shape_is_one_json_object_with_error_only(app):
    response = app(method="POST", body=b"")
    assert response.status == 400
    assert response.json() == {"error": "page is required"}


def test_reloading_one_page_over_http_counts_at_most_ten_a_minute(app, clock):
    answers = []
    for _ in range(30):
        answers.append(app(method="POST", body=post_form({"page": "/spam"})).json())
        clock.now += 1
    assert sum(a["counted"] for a in answers) == 10
    assert answers[-1] == {"page": "/spam", "day": "2026-11-28", "counted": False,
                           "reason": "flood"}
    totals = app(query="from=2026-11-28").json()["totals"]
    assert (totals["visitors"], totals["pageviews"], totals["bounces"]) == (1, 10, 0)


def test_hit_day_follows_the_configured_time_zone(db_path, clock):
    clock.now = NOON + 11 * 3600 + 30 * 60  # 23:30 UTC: already the 29th in Berlin
    app = make(settings.Config(db=db_path, timezone="Europe/Berlin"), clock)
    assert app(method="POST", body=post_form({"page": "/"})).json()["day"] == "2026-11-29"


def test_get_without_read_key_is_401_when_one_is_configured(db_path, clock):
    app = make(settings.Config(db=db_path, read_key="s3cret"), clock)
    response = app()
    assert response.status == 401
    assert response.json() == {"error": "a read key is required (header X-Footfall-Key)"}
    assert app(headers={"X-Footfall-Key": "wrong"}).status == 401
    assert app(headers={"X-Footfall-Key": "s3cret"}).status == 200


def test_logging_a_hit_never_needs_the_read_key(db_path, clock):
    app = make(settings.Config(db=db_path, read_key="s3cret"), clock)
    assert app(method="POST", body=post_form({"page": "/"})).json()["counted"] is True


def test_get_is_public_without_a_read_key(app):
    assert app().status == 200


@pytest.mark.parametrize("fields, headers, counted", [
    ({"page": "/", "site": "example.com"}, {}, True),
    ({"page": "/", "site": "blog.example.com"}, {}, True),
    ({"page": "/", "site": "evil.test"}, {}, False),
    ({"page": "/"}, {"Origin": "https://evil.test"}, False),
    ({"page": "/", "site": "example.com"}, {"Referer": "https://evil.test/page"}, False),
    ({"page": "/"}, {"Origin": "https://www.example.com"}, True),
    ({"page": "/", "site": "."}, {}, False),
    ({"page": "/", "site": ":"}, {}, False),
    ({"page": "/", "site": "www.example.com"}, {}, True),
], ids=["allowed-site", "subdomain", "other-site", "other-origin", "forged-site-field",
        "allowed-origin", "site-of-a-dot", "site-of-a-colon", "www-is-the-site"])
def test_only_allowed_sites_are_counted(db_path, clock, fields, headers, counted):
    app = make(settings.Config(db=db_path, sites="example.com"), clock)
    answer = app(method="POST", body=post_form(fields), headers=headers).json()
    assert answer["counted"] is counted
    if not counted:
        assert answer["reason"] == "site not allowed"


def test_allowed_origin_gets_access_control_allow_origin(db_path, clock):
    app = make(settings.Config(db=db_path, sites="example.com"), clock)
    response = app(method="POST", body=post_form({"page": "/"}),
                   headers={"Origin": "https://example.com"})
    assert response.headers["access-control-allow-origin"] == "https://example.com"
    refused = app(method="POST", body=post_form({"page": "/"}),
                  headers={"Origin": "https://evil.test"})
    assert "access-control-allow-origin" not in refused.headers


def test_get_says_which_day_is_today_in_the_configured_zone(db_path, clock):
    clock.now = NOON + 11 * 3600 + 30 * 60  # 23:30 UTC: already the 29th in Berlin
    app = make(settings.Config(db=db_path, timezone="Europe/Berlin"), clock)
    answer = app(query="from=2026-11-23").json()
    assert (answer["today"], answer["timezone"]) == ("2026-11-29", "Europe/Berlin")
    assert (answer["from"], answer["to"]) == ("2026-11-23", "2026-11-29")


@pytest.mark.parametrize("tz, name", [
    ("Asia/Kolkata", "Asia/Kolkata"),
    (":Asia/Kolkata", "Asia/Kolkata"),
    ("IST-5:30", "IST"),  # a POSIX rule, no IANA name: the abbreviation
    (":/usr/share/zoneinfo/Asia/Kolkata", "IST"),  # a file by its path: no name either
], ids=["iana", "iana-colon", "posix-rule", "path"])
def test_get_names_the_servers_zone_when_none_is_configured(db_path, clock, monkeypatch, tz, name):
    monkeypatch.setenv("TZ", tz)  # UTC+05:30 all year: 17:30 on the 28th
    time.tzset()
    try:
        answer = make(settings.Config(db=db_path), clock)().json()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (answer["today"], answer["timezone"]) == ("2026-11-28", name)


DASHBOARD = "https://stats.example.com"


@pytest.mark.parametrize("method, headers, status", [
    ("GET", {}, 200),
    ("HEAD", {}, 200),
    ("GET", {"X-Footfall-Key": "wrong"}, 401),
], ids=["get", "head", "refused-key"])
def test_listed_dashboard_origin_may_read_get_answers(db_path, clock, method, headers, status):
    app = make(settings.Config(db=db_path, read_key="s3cret", dashboard_origins=DASHBOARD + "/"),
               clock)
    headers = {"X-Footfall-Key": "s3cret", **headers, "Origin": DASHBOARD}
    response = app(method=method, headers=headers)
    assert response.status == status
    assert response.headers["access-control-allow-origin"] == DASHBOARD
    assert response.headers["vary"] == "Origin"


@pytest.mark.parametrize("origin", ["https://evil.test", "http://stats.example.com", "null"],
                         ids=["other-host", "other-scheme", "null"])
def test_other_origins_get_no_access_control_header(db_path, clock, origin):
    app = make(settings.Config(db=db_path, dashboard_origins=DASHBOARD), clock)
    for method in ("GET", "OPTIONS"):
        response = app(method=method, headers={"Origin": origin})
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-headers" not in response.headers


def test_preflight_of_a_listed_dashboard_allows_the_read_key_header(db_path, clock):
    app = make(settings.Config(db=db_path, read_key="s3cret", dashboard_origins=DASHBOARD), clock)
    response = app(method="OPTIONS", headers={"Origin": DASHBOARD,
                                              "Access-Control-Request-Method": "GET",
                                              "Access-Control-Request-Headers": "x-footfall-key"})
    assert response.status == 204
    assert response.body == b""
    assert {name: response.headers[name] for name in (
        "access-control-allow-origin", "access-control-allow-methods",
        "access-control-allow-headers", "access-control-max-age", "allow")} == {
        "access-control-allow-origin": DASHBOARD,
        "access-control-allow-methods": "GET, HEAD",
        "access-control-allow-headers": "X-Footfall-Key",
        "access-control-max-age": "600",
        "allow": "GET, HEAD, OPTIONS, POST",
    }


def test_dashboard_origins_do_not_open_posting(db_path, clock):
    # Who may post hits is the sites rule; a dashboard's origin is not a tracked site.
    app = make(settings.Config(db=db_path, sites="example.com", dashboard_origins="https://evil.test"),
               clock)
    response = app(method="POST", body=post_form({"page": "/"}),
                   headers={"Origin": "https://evil.test"})
    assert response.json()["reason"] == "site not allowed"
    assert "access-control-allow-origin" not in response.headers


def test_unexpected_failure_is_a_plain_500_and_the_traceback_goes_to_the_log(tmp_path, clock):
    not_a_database = tmp_path / "footfall.db"
    not_a_database.write_bytes(b"this is not an SQLite file" * 100)
    app = make(settings.Config(db=str(not_a_database)), clock)
    response = app(method="POST", body=post_form({"page": "/"}))
    assert response.status == 500
    assert response.json() == {"error": "internal error"}
    assert "Traceback" in response.errors and "Traceback" not in response.body.decode()


def test_configuration_error_is_answered_and_logged(monkeypatch, tmp_path):
    monkeypatch.setenv("FOOTFALL_CONFIG", str(tmp_path / "missing.ini"))
    response = call_app(Application())
    assert response.status == 500
    assert response.json() == {"error": "server misconfigured; see the server's error log"}
    assert "missing.ini does not exist" in response.errors


@pytest.mark.sqlite_only  # SQLite's file lock; test_postgres.py holds PostgreSQL's locks
def test_database_locked_too_long_is_503_and_keeps_stored_hits(db_path, clock, monkeypatch):
    app = make(settings.Config(db=db_path), clock)
    app(method="POST", body=post_form({"page": "/kept"}))
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("begin immediate")
    monkeypatch.setattr(database, "REQUEST_WAIT_SECONDS", 0.3)
    try:
        fresh = make(settings.Config(db=db_path), clock)  # new connection, short deadline
        response = fresh(method="POST", body=post_form({"page": "/late"}))
    finally:
        blocker.execute("rollback")
        blocker.close()
    assert response.status == 503
    assert response.headers["retry-after"] == "1"
    assert response.json() == {"error": "database busy, try again"}
    assert app(query="from=2026-11-28").json()["totals"]["pageviews"] == 1


def test_forwarded_header_is_ignored_unless_configured(app):
    for address in ("203.0.113.1", "203.0.113.2"):
        app(method="POST", body=post_form({"page": "/"}), headers={"X-Forwarded-For": address})
    assert visits(app(query="from=2026-11-28").json()["totals"]) == {"visitors": 1, "pageviews": 2}


def test_configured_proxy_header_tells_visitors_apart_by_its_last_address(db_path, clock):
    app = make(settings.Config(db=db_path, client_ip_header="X-Forwarded-For"), clock)
    for forwarded in ("203.0.113.1", "198.51.100.7, 203.0.113.2", "10.0.0.1, 203.0.113.2"):
        app(method="POST", body=post_form({"page": "/"}), headers={"X-Forwarded-For": forwarded})
    # The last two share their proxy-observed address: one visitor, whatever the client claimed.
    assert visits(app(query="from=2026-11-28").json()["totals"]) == {"visitors": 2, "pageviews": 3}
