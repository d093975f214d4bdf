"""The <noscript> pixel (GET ?pixel=1) and the counter badge (GET ?badge=1), in-process."""

import urllib.parse
import xml.etree.ElementTree as ElementTree

import pytest
from footfall import images, settings
from footfall.app import Application
from footfall.storage import database, record
from footfall_testing import BROWSER_UA, call_app, counts, post_form

SVG = "{http://www.w3.org/2000/svg}"


def pixel_query(**params):
    return urllib.parse.urlencode(dict({"pixel": "1"}, **params))


def make(db_path, clock, **settings_values):
    application = Application(settings.Config(db=db_path, timezone="UTC", **settings_values), clock)
    return lambda **kwargs: call_app(application, **kwargs)


# ---------------------------------------------------------------------------------------------
# The pixel
# ---------------------------------------------------------------------------------------------

def test_pixel_counts_a_hit_and_answers_a_transparent_gif(app, db_path):
    response = app(query=pixel_query(page="/about", site="example.com"))
    assert response.status == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.body == images.PIXEL_GIF
    assert response.body[:6] == b"GIF89a" and response.body[6:10] == b"\x01\x00\x01\x00"  # 1x1
    assert "x-footfall" not in response.headers
    assert counts(db_path, page="/about") == {"visitors": 1, "pageviews": 1}


def test_pixel_and_post_are_one_visitor_under_the_same_rules(app, db_path):
    app(method="POST", body=post_form({"page": "/a", "site": "example.com"}))
    app(query=pixel_query(page="/b", site="example.com"))
    assert counts(db_path) == {"visitors": 1, "pageviews": 2}


def test_pixel_takes_its_referrer_from_ref_never_from_the_referer_header(app):
    app(query=pixel_query(page="/", site="example.com", ref="https://news.ycombinator.com/item"))
    # The Referer of an image request is the page showing it: not where the visitor came from.
    app(query=pixel_query(page="/x", site="example.com"),
        headers={"Referer": "https://elsewhere.example/from"})
    referrers = app(query="from=2026-11-28").json()["referrers"]
    assert referrers == [{"ref": "news.ycombinator.com", "visitors": 1, "pageviews": 1}]


@pytest.mark.parametrize("query, headers, reason", [
    (pixel_query(page="/a"), {"User-Agent": "curl/8.5.0"}, "bot"),
    (pixel_query(page="/a"), {"Sec-Purpose": "prefetch"}, "prefetch"),
    (pixel_query(), {}, "page is required"),
    (pixel_query(page=" "), {}, "page is empty"),
    (pixel_query(page="/" + "a" * 1100), {}, "page is longer than 1024 characters"),
    (pixel_query(page="/<script>alert(1)</script>\x01"), {}, "page contains control characters"),
    (pixel_query(page="/a", site="spam.example"), {}, "site not allowed"),
], ids=["bot", "prefetch", "no-page", "empty-page", "long-page", "control-characters",
        "site-not-allowed"])
def test_pixel_not_counted_is_still_a_200_gif_that_says_why(db_path, clock, query, headers, reason):
    app = make(db_path, clock, sites="example.com")
    response = app(query=query, headers=dict({"User-Agent": BROWSER_UA}, **headers))
    assert response.status == 200
    assert response.body == images.PIXEL_GIF
    assert response.headers["x-footfall"] == f"not counted: {reason}"
    assert counts(db_path) == {"visitors": 0, "pageviews": 0}


def test_pixel_flood_is_not_counted(app, db_path):
    answers = [app(query=pixel_query(page="/reload")) for _ in range(12)]
    assert [a.headers.get("x-footfall") for a in answers[-2:]] == ["not counted: flood"] * 2
    assert counts(db_path) == {"visitors": 1, "pageviews": 10}


def test_pixel_head_answers_the_headers_and_counts_nothing(app, db_path):
    response = app(method="HEAD", query=pixel_query(page="/a"))
    assert response.status == 200 and response.body == b""
    assert response.headers["x-footfall"] == "not counted: HEAD is never counted"
    assert counts(db_path) == {"visitors": 0, "pageviews": 0}


def test_pixel_never_needs_the_read_key(db_path, clock):
    app = make(db_path, clock, read_key="s3cret")
    response = app(query=pixel_query(page="/a"))
    assert response.status == 200 and "x-footfall" not in response.headers
    assert counts(db_path) == {"visitors": 1, "pageviews": 1}


def test_pixel_on_a_broken_database_is_still_an_image(tmp_path, clock):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not SQLite at all" * 300)
    response = make(str(broken), clock)(query=pixel_query(page="/a"))
    assert response.status == 200 and response.body == images.PIXEL_GIF
    assert response.headers["x-footfall"] == "not counted: internal error"
    assert "Traceback" in response.errors


# ---------------------------------------------------------------------------------------------
# The badge
# ---------------------------------------------------------------------------------------------

HOSTILE_PAGES = [
    "/<script>alert(1)</script>",
    "/\"><svg onload=alert(1)>",
    "/</title><foreignObject><iframe src=javascript:alert(1)>",
    "/&amp;&lt;b&gt;entity",
    "/]]><![CDATA[<b>x</b>",
    "/\u202eevil\ufffe",
]


def store_pageviews(db_path, rows):
    """Put (month day, site, page, pageviews) straight into the rollups, as if counted earlier."""
    conn = database.connect(db_path)

    def write(c):
        for day, site, page, pageviews in rows:
            record.add_site_day(c, day, site, 1, pageviews)
            record.add_page_day(c, day, site, page, 1, pageviews)

    database.in_transaction(conn, write)
    conn.close()


def badge_of(response):
    """The badge's SVG parsed: (root, title, the texts it shows)."""
    root = ElementTree.fromstring(response.body)
    return root, root.find(SVG + "title").text, [t.text for t in root.iter(SVG + "text")]


def test_badges_are_off_unless_turned_on(app):
    response = app(query="badge=1&page=/")
    assert response.status == 404
    assert response.json() == {"error": "badges are off (setting badges)"}


def test_badge_shows_all_time_pageviews_of_a_page(db_path, clock):
    store_pageviews(db_path, [("2025-01-10", "example.com", "/a", 12000),
                              ("2026-11-28", "example.com", "/a", 345),
                              ("2026-11-28", "other.example", "/a", 1),
                              ("2026-11-28", "example.com", "/b", 7)])
    app = make(db_path, clock, badges="on")
    response = app(query="badge=1&page=/a")
    assert response.status == 200
    assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=300"
    root, title, texts = badge_of(response)
    assert root.get("role") == "img" and root.get("aria-label") == "/a: 12,346 views"
    assert title == "/a: 12,346 views"
    assert texts == ["views", "12,346"]
    assert badge_of(app(query="badge=1&page=/a&site=example.com"))[2] == ["views", "12,345"]
    assert badge_of(app(query="badge=1&site=example.com"))[1] == "example.com: 12,352 views"
    assert badge_of(app(query="badge=1&page=/never-seen"))[2] == ["views", "0"]


def test_badge_is_readable_in_light_and_dark(db_path, clock):
    response = make(db_path, clock, badges="on")(query="badge=1&page=/")
    style = badge_of(response)[0].find(SVG + "style").text
    assert "@media (prefers-color-scheme:dark)" in style
    assert "text{fill:#fff" in style and "text{fill:#111}" in style


@pytest.mark.parametrize("page", HOSTILE_PAGES, ids=["script", "attribute-break", "title-break",
                                                     "entities", "cdata", "bidi-and-nonchar"])
def test_badge_never_carries_markup_from_a_page_name(db_path, clock, page):
    store_pageviews(db_path, [("2026-11-28", "example.com", page, 5)])
    app = make(db_path, clock, badges="on")
    response = app(query=urllib.parse.urlencode({"badge": "1", "page": page}))
    assert response.status == 200
    root, title, texts = badge_of(response)  # well-formed XML, or this raises
    assert {element.tag for element in root.iter()} == {
        SVG + "svg", SVG + "title", SVG + "style", SVG + "rect", SVG + "text"}
    assert title == page.replace("\ufffe", "") + ": 5 views"
    assert texts == ["views", "5"]
    assert b"<script" not in response.body and b"<iframe" not in response.body


def test_badge_with_a_read_key_is_public_once_turned_on(db_path, clock):
    app = make(db_path, clock, badges="on", read_key="s3cret")
    assert app(query="badge=1&page=/").status == 200
    assert app(query="page=/").status == 401  # the stats themselves stay private


@pytest.mark.parametrize("query, message", [
    ("badge=1", "a badge needs page or site"),
    ("badge=1&page=" + "a" * 1100, "page is longer than 1024 characters"),
], ids=["nothing-named", "long-page"])
def test_bad_badge_request_is_a_400(db_path, clock, query, message):
    response = make(db_path, clock, badges="on")(query=query)
    assert response.status == 400
    assert response.json() == {"error": message}


@pytest.mark.parametrize("value, on", [("on", True), ("off", False), ("yes", True), ("0", False)])
def test_badges_setting_reads_on_and_off(tmp_path, value, on):
    config = settings.load_config({"HOME": str(tmp_path), "FOOTFALL_BADGES": value})
    assert config.badges is on


def test_badges_setting_refuses_other_words(tmp_path):
    with pytest.raises(settings.ConfigError, match="badges must be on or off, not 'maybe'"):
        settings.load_config({"HOME": str(tmp_path), "FOOTFALL_BADGES": "maybe"})
