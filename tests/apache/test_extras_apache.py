"""The pixel, the badge, the CSV export and events through the private Apache, as a shared host runs them.

/cgi-bin/stats.py has badges off and no read key; /stats/stats.py has a read key, counts only
allowed.example and has badges on (SetEnv in its .htaccess), so both sides of each rule show.
"""

import csv
import io
import urllib.parse
import uuid
import xml.etree.ElementTree as ElementTree

import pytest
from footfall_apache import ALLOWED_SITE, READ_KEY

SCRIPT = "/cgi-bin/stats.py"
PLAIN_SCRIPT = "/stats/stats.py"
GIF_START = b"GIF89a\x01\x00\x01\x00"
HOSTILE_PAGES = ["/<script>alert(1)</script>", "/\"><svg onload=alert(1)>", "/a%00b",
                 "/" + "x" * 2000]


@pytest.fixture
def site():
    return f"t{uuid.uuid4().hex[:12]}.example"


def get(apache, path=SCRIPT, headers=None, **params):
    return apache.request("GET", path + "?" + urllib.parse.urlencode(params), headers=headers)


def test_pixel_through_apache_counts_and_answers_the_gif(apache, site):
    response = get(apache, pixel="1", page="/noscript", site=site)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/gif"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.body.startswith(GIF_START) and len(response.body) == 43
    assert response.headers["X-Footfall"] is None
    answer = get(apache, site=site).json()
    assert answer["totals"]["pageviews"] == 1
    assert [(p["page"], p["visitors"], p["pageviews"]) for p in answer["pages"]] == [
        ("/noscript", 1, 1)]


@pytest.mark.parametrize("page", HOSTILE_PAGES, ids=["script", "attribute", "nul", "long"])
def test_pixel_with_a_hostile_page_is_still_a_200_gif(apache, site, page):
    response = get(apache, pixel="1", page=page, site=site)
    assert response.status == 200 and response.body.startswith(GIF_START)


def test_pixel_needs_no_read_key_and_keeps_the_allowed_sites(apache):
    counted = get(apache, PLAIN_SCRIPT, pixel="1", page="/p", site=ALLOWED_SITE)
    assert counted.status == 200 and counted.headers["X-Footfall"] is None
    refused = get(apache, PLAIN_SCRIPT, pixel="1", page="/p", site="elsewhere.example")
    assert refused.status == 200
    assert refused.headers["X-Footfall"] == "not counted: site not allowed"


def test_badge_is_404_where_badges_are_off(apache):
    response = get(apache, badge="1", page="/")
    assert response.status == 404
    assert response.json() == {"error": "badges are off (setting badges)"}


@pytest.mark.parametrize("page", HOSTILE_PAGES[:2] + ["/plain"], ids=["script", "attribute",
                                                                      "plain"])
def test_badge_where_on_is_public_even_with_a_read_key(apache, page):
    apache.request("POST", PLAIN_SCRIPT, body=urllib.parse.urlencode(
        {"page": page, "site": ALLOWED_SITE}))
    response = get(apache, PLAIN_SCRIPT, badge="1", page=page)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    root = ElementTree.fromstring(response.body)
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith(page + ": ")
    assert b"<script" not in response.body and b"<svg onload" not in response.body


def test_csv_through_apache(apache, site):
    for page in ("/a", "/b", "/b"):
        apache.request("POST", SCRIPT, body=urllib.parse.urlencode({"page": page, "site": site}))
    answer = get(apache, site=site).json()
    day = answer["to"]
    response = get(apache, format="csv", site=site, **{"from": day})
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="footfall-{day}-{day}.csv"'
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8"))))
    assert rows == [["day", "page", "visitors", "pageviews"], [day, "/a", "1", "1"],
                    [day, "/b", "1", "2"]]
    assert sum(int(r[3]) for r in rows[1:]) == answer["totals"]["pageviews"]


def test_csv_through_apache_needs_the_read_key_where_one_is_set(apache):
    assert get(apache, PLAIN_SCRIPT, format="csv").status == 401
    allowed = get(apache, PLAIN_SCRIPT, headers={"X-Footfall-Key": READ_KEY}, format="csv",
                  list="pages")
    assert allowed.status == 200
    assert allowed.body.startswith(b"page,visitors,pageviews,entries,bounces,seconds\r\n")


def post(apache, fields, path=SCRIPT):
    return apache.request("POST", path, body=urllib.parse.urlencode(fields),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_events_through_apache_are_counted_listed_and_filter_the_answer(apache, site):
    assert post(apache, {"page": "/pricing", "site": site}).json()["counted"] is True
    posted = post(apache, {"event": "signup", "page": "/pricing", "site": site})
    assert posted.status == 200
    assert posted.json() == {"event": "signup", "page": "/pricing", "counted": True}
    answer = get(apache, site=site).json()
    assert answer["totals"]["pageviews"] == 1  # an event is not a pageview
    assert answer["events"] == [{"event": "signup", "visitors": 1, "count": 1, "conversion": 1.0}]
    filtered = get(apache, site=site, event="signup").json()
    assert filtered["filter"] == {"event": "signup"}
    assert [(p["page"], p["visitors"], p["pageviews"]) for p in filtered["pages"]] == [
        ("/pricing", 1, 1)]


@pytest.mark.parametrize("name", ["", "x" * 65, "bad\x01name"], ids=["empty", "too-long", "control"])
def test_bad_event_names_through_apache_get_400_json(apache, site, name):
    response = post(apache, {"event": name, "page": "/", "site": site})
    assert response.status == 400
    assert response.headers["Content-Type"].startswith("application/json")
    assert "event" in response.json()["error"]
