"""The HTTP contract of footfall, end to end through a real Apache running stats.py as CGI.

All tests share one Apache and one database; each uses a site name of its own, so counts never
mix. GET answers are read with site=... for the same reason.
"""

import datetime
import os
import pwd
import uuid
from urllib.parse import urlencode

import pytest
from footfall_apache import ALLOWED_SITE, DASHBOARD_ORIGIN, READ_KEY
from footfall_testing import visits  # noqa: E402

SCRIPT = "/cgi-bin/stats.py"
PLAIN_SCRIPT = "/stats/stats.py"  # the copy without ScriptAlias, with a read key
JSON_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@pytest.fixture
def site():
    return f"t{uuid.uuid4().hex[:12]}.example"


def post(apache, fields, headers=None, path=SCRIPT):
    return apache.request("POST", path, body=urlencode(fields), headers=headers)


def get(apache, headers=None, path=SCRIPT, **params):
    query = "?" + urlencode(params) if params else ""
    return apache.request("GET", path + query, headers=headers)


def assert_json_headers(response):
    for name, value in JSON_HEADERS.items():
        assert response.headers[name] == value, name


def today_entry(answer, series, day):
    ms = (datetime.date.fromisoformat(day) - datetime.date(1970, 1, 1)).days * 86_400_000
    return dict(answer[series])[ms]


def test_post_counts_a_hit_that_get_then_returns(apache, site):
    posted = post(apache, {"page": "/about", "site": site})
    assert posted.status == 200
    assert_json_headers(posted)
    answer = posted.json()
    assert answer["page"] == "/about" and answer["counted"] is True
    day = answer["day"]

    stats = get(apache, site=site, to=day)
    assert stats.status == 200
    assert_json_headers(stats)
    data = stats.json()
    assert visits(data["totals"]) == {"visitors": 1, "pageviews": 1}
    assert today_entry(data, "visitors", day) == 1
    assert today_entry(data, "pageviews", day) == 1
    assert data["data"] == data["visitors"]


def test_a_full_url_is_counted_as_its_path(apache, site):
    answer = post(apache, {"page": f"https://{site}/blog/post?utm=x#top", "site": site}).json()
    assert answer["page"] == "/blog/post"
    stats = get(apache, site=site, page="/blog/post").json()
    assert stats["totals"]["pageviews"] == 1


def test_bots_are_answered_but_not_counted(apache, site):
    answer = post(apache, {"page": "/", "site": site},
                  headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}).json()
    assert answer["counted"] is False and answer["reason"] == "bot"
    assert get(apache, site=site).json()["totals"]["pageviews"] == 0


def test_prefetches_are_answered_but_not_counted(apache, site):
    answer = post(apache, {"page": "/", "site": site}, headers={"Sec-Purpose": "prefetch"}).json()
    assert answer["counted"] is False and answer["reason"] == "prefetch"
    assert get(apache, site=site).json()["totals"]["pageviews"] == 0


def test_more_than_ten_views_of_a_page_in_a_minute_are_a_flood(apache, site):
    answers = [post(apache, {"page": "/reload", "site": site}).json() for _ in range(11)]
    assert [a["counted"] for a in answers] == [True] * 10 + [False]
    assert answers[-1]["reason"] == "flood"
    assert visits(get(apache, site=site).json()["totals"]) == {"visitors": 1, "pageviews": 10}


def test_distinct_browsers_are_distinct_visitors(apache, site):
    for version in ("120", "121", "122"):
        agent = f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{version}.0 Safari/537.36"
        post(apache, {"page": "/", "site": site}, headers={"User-Agent": agent})
    assert visits(get(apache, site=site).json()["totals"]) == {"visitors": 3, "pageviews": 3}


def test_get_answers_every_day_of_the_range_zero_filled_in_order(apache, site):
    answer = get(apache, site=site, **{"from": "2024-02-27", "to": "2024-03-02"}).json()
    assert answer["from"] == "2024-02-27" and answer["to"] == "2024-03-02"
    days = ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02"]
    expected = [[(datetime.date.fromisoformat(d) - datetime.date(1970, 1, 1)).days * 86_400_000, 0]
                for d in days]
    assert answer["visitors"] == expected
    assert answer["pageviews"] == expected
    assert answer["data"] == expected
    assert visits(answer["totals"]) == {"visitors": 0, "pageviews": 0}


def test_head_answers_like_get_without_a_body(apache, site):
    response = apache.request("HEAD", f"{SCRIPT}?site={site}")
    assert response.status == 200
    assert_json_headers(response)
    assert response.body == b""


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_405_naming_the_allowed_ones(apache, method):
    response = apache.request(method, SCRIPT, body=b"page=/x")
    assert response.status == 405
    assert_json_headers(response)
    allowed = set(response.headers["Allow"].replace(" ", "").split(","))
    assert allowed == {"GET", "HEAD", "OPTIONS", "POST"}
    assert "error" in response.json()


@pytest.mark.parametrize("body", [
    b"",  # no page at all
    b"site=a.example",
    b"page=",
    b"page=%20%20",
    b"page=/" + b"a" * 2000,  # longer than max_page_length (1024), under max_body_bytes
    b"page=%zz",
    b"page=%ff%fe",
])
def test_bad_hits_get_400_json(apache, body):
    response = apache.request("POST", SCRIPT, body=body)
    assert response.status == 400, response
    assert_json_headers(response)
    assert response.json()["error"]


@pytest.mark.parametrize("query", [
    "from=2024-1-1", "to=yesterday", "from=2024-02-30", "from=2024-03-02&to=2024-03-01",
    "from=2000-01-01&to=2024-01-01", "from=%zz", "page=%00",
])
def test_bad_queries_get_400_json(apache, query):
    response = apache.request("GET", f"{SCRIPT}?{query}")
    assert response.status == 400, response
    assert_json_headers(response)
    assert response.json()["error"]


def test_a_body_over_the_apps_limit_gets_413_json(apache):
    # Over footfall's max_body_bytes (4096), under Apache's LimitRequestBody: footfall answers.
    response = apache.request("POST", SCRIPT, body=b"page=/" + b"x" * 6000)
    assert response.status == 413
    assert_json_headers(response)
    assert response.json()["error"]


def test_stats_with_a_read_key_need_it_and_hits_do_not(apache):
    # The copy in public_html/stats/ sets FOOTFALL_READ_KEY by SetEnv in its .htaccess.
    site = f"{uuid.uuid4().hex[:12]}.{ALLOWED_SITE}"
    assert post(apache, {"page": "/", "site": site}, path=PLAIN_SCRIPT).json()["counted"] is True

    refused = get(apache, path=PLAIN_SCRIPT, site=site)
    assert refused.status == 401
    assert_json_headers(refused)
    assert refused.json()["error"]
    wrong = get(apache, path=PLAIN_SCRIPT, headers={"X-Footfall-Key": "guess"}, site=site)
    assert wrong.status == 401

    allowed = get(apache, path=PLAIN_SCRIPT, headers={"X-Footfall-Key": READ_KEY}, site=site)
    assert allowed.status == 200
    assert allowed.json()["totals"]["pageviews"] == 1
    # Its own database (set by SetEnv in the .htaccess), not the ScriptAlias copy's.
    assert get(apache, site=site).json()["totals"]["pageviews"] == 0


def test_only_allowed_sites_are_counted_and_they_may_read_the_answer(apache):
    # The copy in public_html/stats/ counts only allowed.example (FOOTFALL_SITES by SetEnv).
    page = f"/{uuid.uuid4().hex}"
    ours = post(apache, {"page": page}, path=PLAIN_SCRIPT,
                headers={"Origin": f"https://blog.{ALLOWED_SITE}"})
    assert ours.json()["counted"] is True
    assert ours.headers["Access-Control-Allow-Origin"] == f"https://blog.{ALLOWED_SITE}"
    theirs = post(apache, {"page": page}, path=PLAIN_SCRIPT,
                  headers={"Origin": "https://elsewhere.example"})
    assert theirs.status == 200
    answer = theirs.json()
    # Apache's CGI reads the real clock: the day is today's, whatever that is here.
    assert datetime.date.fromisoformat(answer.pop("day"))
    assert answer == {"page": page, "counted": False, "reason": "site not allowed"}
    assert "Access-Control-Allow-Origin" not in theirs.headers
    # A site field cannot smuggle a hit past the Origin check.
    smuggled = post(apache, {"page": page, "site": ALLOWED_SITE}, path=PLAIN_SCRIPT,
                    headers={"Origin": "https://elsewhere.example"})
    assert smuggled.json()["counted"] is False


def test_the_plain_folder_runs_the_script_instead_of_serving_its_source(apache):
    response = apache.request("GET", PLAIN_SCRIPT)
    assert b"import" not in response.body
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.www_data
def test_the_script_runs_as_the_web_server_user_not_root(apache, site):
    post(apache, {"page": "/", "site": site})
    owner = pwd.getpwuid(os.stat(apache.db).st_uid).pw_name
    assert owner == "www-data"


def test_the_dashboard_page_is_served_from_the_document_root(apache):
    response = apache.request("GET", "/view_stats.html")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")


# What Apache logs when a CGI script fails: it cannot be executed, it dies before its headers,
# or it writes to stderr (a traceback, "database is locked").
SCRIPT_FAILURES = ("AH01215", "End of script output", "exec of", "Traceback", "footfall:",
                   "database is locked")


def test_the_requests_above_left_no_script_failure_in_apaches_error_log(apache):
    # Last in this file on purpose: a script that cannot run or crashes shows up here even when
    # the status code a test looked at happened to be plausible.
    failures = [line for line in apache.read_error_log().splitlines()
                if any(marker in line for marker in SCRIPT_FAILURES)]
    assert failures == []


def test_preflight_of_a_dashboard_elsewhere_reaches_footfall(apache):
    # mod_cgi could answer OPTIONS itself; footfall must get it to allow the read key header.
    response = apache.request("OPTIONS", PLAIN_SCRIPT, headers={
        "Origin": DASHBOARD_ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-footfall-key"})
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == DASHBOARD_ORIGIN
    assert response.headers["Access-Control-Allow-Headers"] == "X-Footfall-Key"
    stats = get(apache, path=PLAIN_SCRIPT, headers={"Origin": DASHBOARD_ORIGIN,
                                                     "X-Footfall-Key": READ_KEY})
    assert stats.status == 200
    assert stats.headers["Access-Control-Allow-Origin"] == DASHBOARD_ORIGIN
