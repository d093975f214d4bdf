"""Where the dashboard finds the API: on another origin (data-api with a full URL), which works
only from an origin footfall's dashboard_origins lists, and an address that is no URL at all."""

import contextlib
import functools
import http.server
import shutil
import threading
import urllib.parse

import pytest
from footfall_browser import STATIC, start_site
from playwright.sync_api import expect

READ_KEY = "correct horse"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def dashboard_elsewhere(docroot):
    """static/ served by a plain web server of its own: another origin than footfall's.
    Yields (origin, point), point(api) setting view_stats.html's data-api to api."""
    shutil.copytree(STATIC, docroot)
    page = docroot / "view_stats.html"
    original = page.read_text(encoding="utf-8")
    assert '<body data-api="">' in original

    def point(api):
        page.write_text(original.replace('<body data-api="">', f'<body data-api="{api}">'),
                        encoding="utf-8")

    handler = functools.partial(_QuietHandler, directory=str(docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", point
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def elsewhere(tmp_path):
    with dashboard_elsewhere(tmp_path / "dashboard") as found:
        yield found


def is_range_get(site):
    return lambda r: (r.request.method == "GET" and r.url.startswith(site.api)
                      and "to" not in urllib.parse.parse_qs(urllib.parse.urlsplit(r.url).query))


def test_dashboard_on_a_listed_origin_reads_the_private_api(pages, tmp_path, elsewhere):
    origin, point = elsewhere
    site = start_site(tmp_path, seed=3, env={"FOOTFALL_READ_KEY": READ_KEY,
                                             "FOOTFALL_DASHBOARD_ORIGINS": origin})
    try:
        point(site.api)
        pages.allow("status of 401")
        page = pages.open()
        page.goto(origin + "/view_stats.html?range=90d")
        # The 401 is readable across origins, so the page can ask for the key...
        expect(page.locator("#keyform-box")).to_be_visible()
        # ...and its GET with X-Footfall-Key passes the browser's preflight.
        with page.expect_response(is_range_get(site)) as answer:
            page.get_by_label("Read key", exact=True).fill(READ_KEY)
            page.get_by_role("button", name="Show the stats").click()
        assert answer.value.request.headers["x-footfall-key"] == READ_KEY
        expect(page.locator("#report")).to_be_visible()
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.value.url).query))
        status, expected = site.get(headers={"X-Footfall-Key": READ_KEY}, **query)
        assert status == 200 and expected["totals"]["pageviews"] > 0
        expect(page.locator("#total-visits")).to_have_text(f"{expected['totals']['visitors']:,}")
        expect(page.locator("#total-pageviews")).to_have_text(
            f"{expected['totals']['pageviews']:,}")
    finally:
        pages.close()  # before its server stops: a page still fetching would log a reset
        site.stop()


def test_dashboard_on_an_origin_not_listed_is_refused_by_the_browser(pages, tmp_path, elsewhere):
    origin, point = elsewhere
    site = start_site(tmp_path, seed=3, env={"FOOTFALL_DASHBOARD_ORIGINS": "https://stats.example"})
    try:
        point(site.api)
        pages.allow("blocked by CORS policy|ERR_FAILED")
        page = pages.open()
        page.goto(origin + "/view_stats.html")
        expect(page.locator("#error-box")).to_be_visible()
        expect(page.locator("#error-text")).to_contain_text(
            f"could not be reached. Is the server running, and is footfall installed in its "
            f"cgi-bin? It is on another site: its dashboard_origins setting must list {origin}.")
        expect(page.locator("#report")).to_be_hidden()
        assert any("blocked by CORS policy" in e for e in pages.errors)
    finally:
        pages.close()  # before its server stops: a page still fetching would log a reset
        site.stop()


@pytest.mark.parametrize("query, message", [
    ("?api=http://[", "The API address in this page's link (?api=http://[) is not a URL."),
    ("?api=http://%5B::1", "The API address in this page's link (?api=http://[::1) is not a URL."),
], ids=["bracket", "unclosed-ipv6"])
def test_api_address_that_is_no_url_shows_the_error(pages, seeded_site, query, message):
    page = pages.open()
    page.goto(seeded_site.dashboard + query)
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#error-box")).to_be_visible()
    expect(page.locator("#error-text")).to_have_text(message)
    expect(page.locator("#status")).to_be_hidden()  # no endless "Loading"
