"""The HTTP contract of cgi-bin/stats.py, pinned for the WSGI callable in-process and for the
script run as a real CGI process. Later issues may extend it, never break it."""

import datetime
import time
from urllib.parse import urlencode

import pytest
from footfall import settings
from footfall.app import Application
from footfall_testing import BROWSER_UA, FIXED_CLOCK_ENV, NOON, call_app, run_cgi, visits

# Runs against SQLite and against PostgreSQL (conftest.py).
pytestmark = pytest.mark.both_backends

# Both clients' clocks start at NOON of this day and run at the real pace: a test that runs at
# midnight still finds its hits on the day it expects.
TODAY = datetime.date(2026, 11, 28)


def pinned_clock():
    offset = NOON - time.time()
    return lambda: time.time() + offset


class WSGIClient:
    def __init__(self, db):
        self.app = Application(settings.Config(db=db, timezone="UTC"), pinned_clock())

    def request(self, method, query="", body=b"", headers=None):
        return call_app(self.app, method=method, query=query, body=body, headers=headers)


class CGIClient:
    def __init__(self, db):
        self.db = db

    def request(self, method, query="", body=b"", headers=None):
        return run_cgi(self.db, method=method, query=query, body=body, headers=headers,
                       env={"FOOTFALL_TIMEZONE": "UTC", **FIXED_CLOCK_ENV})


@pytest.fixture(params=["wsgi", "cgi"])
def client(request, db_path):
    return (WSGIClient if request.param == "wsgi" else CGIClient)(db_path)


def post(client, headers=None, **fields):
    return client.request("POST", body=urlencode(fields).encode(), headers=headers)


def get(client, headers=None, **params):
    return client.request("GET", query=urlencode(params), headers=headers)


def ms(day):
    return (day - datetime.date(1970, 1, 1)).days * 86_400_000


def test_post_counts_a_hit_and_answers_page_and_day(client):
    response = post(client, page="/about", ref="https://news.example/x")
    assert response.status == 200
    assert response.json() == {"page": "/about", "day": "2026-11-28", "counted": True}


def test_post_reduces_full_url_to_its_path(client):
    assert post(client, page="https://example.org/a?x=1#y").json()["page"] == "/a"


def test_posted_hit_is_visible_through_get(client):
    post(client, page="/a")
    post(client, page="/b")
    answer = get(client, **{"from": "2026-11-28"}).json()
    assert visits(answer["totals"]) == {"visitors": 1, "pageviews": 2}
    assert answer["data"] == [[ms(TODAY), 1]]
    assert answer["pageviews"] == [[ms(TODAY), 2]]


def test_get_fills_days_without_hits_with_zero(client):
    post(client, page="/a")
    first = TODAY - datetime.timedelta(days=6)
    answer = get(client, **{"from": first.isoformat(), "to": "2026-11-28"}).json()
    assert answer["from"] == first.isoformat() and answer["to"] == "2026-11-28"
    days = [first + datetime.timedelta(days=i) for i in range(7)]
    assert answer["visitors"] == [[ms(d), 1 if d == TODAY else 0] for d in days]
    assert answer["data"] == answer["visitors"]
    assert [n for _, n in answer["pageviews"]] == [0, 0, 0, 0, 0, 0, 1]


def test_get_defaults_to_first_day_with_data_up_to_today(client):
    answer = get(client).json()
    assert answer["from"] == answer["to"] == "2026-11-28"  # no data yet: just today
    assert visits(answer["totals"]) == {"visitors": 0, "pageviews": 0}


def test_get_filters_by_page(client):
    post(client, page="/a")
    post(client, page="/b")
    post(client, page="/b", headers={"User-Agent": BROWSER_UA + " other"})
    assert visits(get(client, page="/b").json()["totals"]) == {"visitors": 2, "pageviews": 2}
    assert get(client, page="https://example.org/b?x").json()["totals"]["pageviews"] == 2


def test_get_filters_by_site(client):
    post(client, page="/a", site="one.example")
    post(client, page="/a", site="two.example")
    post(client, page="/b", site="two.example")
    assert get(client, site="two.example").json()["totals"]["pageviews"] == 2
    assert get(client).json()["totals"]["pageviews"] == 3


def test_get_lists_top_pages_and_referrers_as_text(client):
    post(client, page="/<b>bold</b>", ref="https://news.ycombinator.com/item")
    answer = get(client).json()
    assert answer["pages"] == [{"page": "/<b>bold</b>", "visitors": 1, "pageviews": 1,
                                "entries": 1, "bounces": 1, "seconds": None}]
    assert answer["referrers"] == [{"ref": "news.ycombinator.com", "visitors": 1, "pageviews": 1}]


@pytest.mark.parametrize("agent, headers, reason", [
    ("Mozilla/5.0 (compatible; Googlebot/2.1)", {}, "bot"),
    ("", {}, "bot"),
    (BROWSER_UA, {"Sec-Purpose": "prefetch"}, "prefetch"),
], ids=["bot", "empty-user-agent", "prefetch"])
def test_bot_or_prefetch_is_answered_200_and_not_counted(client, agent, headers, reason):
    response = post(client, page="/a", headers={"User-Agent": agent, **headers})
    assert response.status == 200
    assert response.json()["counted"] is False
    assert response.json()["reason"] == reason
    assert response.headers["x-footfall"] == f"not counted: {reason}"
    assert get(client).json()["totals"]["pageviews"] == 0


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD"])
def test_json_answers_carry_content_type_no_store_and_nosniff(client, method):
    body = urlencode({"page": "/a"}).encode() if method == "POST" else b""
    response = client.request(method, body=body)
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_head_answers_like_get_without_a_body(client):
    response = client.request("HEAD")
    assert response.status == 200
    assert response.body == b""
    assert int(response.headers["content-length"]) == len(client.request("GET").body)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE"])
def test_other_methods_get_405_with_allow(client, method):
    response = client.request(method)
    assert response.status == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert response.json() == {"error": f"method {method} is not allowed"}


def test_options_answers_204_naming_the_methods(client):
    response = client.request("OPTIONS")
    assert response.status == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert response.body == b""
    assert "access-control-allow-origin" not in response.headers


def test_get_says_which_day_is_today_in_the_configured_zone(client):
    answer = get(client, **{"from": "2026-01-01", "to": "2026-01-02"}).json()
    assert answer["today"] == TODAY.isoformat()  # both clients run at NOON of TODAY, in UTC
    assert answer["timezone"] == "UTC"


@pytest.mark.parametrize("body, message", [
    (b"", "page is required"),
    (b"ref=https%3A%2F%2Fx.example%2F", "page is required"),
    (b"page=", "page is empty"),
    (b"page=%2F" + b"a" * 1100, "page is longer than 1024 characters"),
    (b"page=%FF%FE", "form data is not valid UTF-8"),
    (b"page=%2", "invalid percent-encoding"),
    (b"page=/a%00b", "page contains control characters"),
    (b"page=/a&site=%3Cscript%3E", "site is not a host name"),
], ids=["no-body", "no-page", "empty-page", "over-long-page", "invalid-utf8", "bad-escape",
        "nul-byte", "bad-site"])
def test_bad_post_is_400_with_a_json_message(client, body, message):
    post(client, page="/kept")
    response = client.request("POST", body=body)
    assert response.status == 400
    assert response.json() == {"error": message}
    assert get(client).json()["totals"]["pageviews"] == 1  # what was stored is untouched


def test_body_over_the_limit_is_413(client):
    response = client.request("POST", body=b"page=/a&pad=" + b"x" * 5000)
    assert response.status == 413
    assert response.json() == {"error": "body is larger than 4096 bytes"}


@pytest.mark.parametrize("params, message", [
    ({"from": "2026-02-30"}, "from must be a date as YYYY-MM-DD"),
    ({"to": "tomorrow"}, "to must be a date as YYYY-MM-DD"),
    ({"from": "2026-11-10", "to": "2026-11-01"}, "from is after to"),
    ({"from": "2000-01-01", "to": "2010-01-08"}, "range is 3661 days; at most 3660 are allowed"),
], ids=["impossible-date", "not-a-date", "from-after-to", "range-too-long"])
def test_bad_get_is_400_with_a_json_message(client, params, message):
    response = get(client, **params)
    assert response.status == 400
    assert response.json() == {"error": message}


def test_longest_allowed_range_is_3660_days(client):
    answer = get(client, **{"from": "2000-01-01", "to": "2010-01-07"}).json()
    assert len(answer["data"]) == 3660


def test_unknown_parameters_are_ignored(client):
    assert get(client, utm_source="x", callback="alert").status == 200
