"""The two tracking snippets in a real Chromium: each page load is one hit the API reports."""

import datetime
import time
import urllib.parse

import pytest
from footfall_testing import NOON, visits

# Recorded in the page before any of its scripts run: what the tracker handed to the network.
# Page loads wait for async scripts, so once goto() returns the tracker has already run.
RECORD_SENDS = """
window.__sent = [];
const beacon = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, body) => { window.__sent.push(String(body)); return beacon(url, body); };
const fetchFn = window.fetch.bind(window);
window.fetch = (url, init) => { window.__sent.push(String(init && init.body)); return fetchFn(url, init); };
"""


# A prerendered page, as Chromium's speculation rules make one, until __activate() shows it:
# document.prerendering is true, then false with a prerenderingchange event. (A real prerender
# runs in a page Playwright cannot watch, so the browser's own property stands in for it.)
PRERENDERED = """
let prerendering = true;
Object.defineProperty(Document.prototype, "prerendering", {get: () => prerendering});
window.__activate = () => {
  prerendering = false;
  document.dispatchEvent(new Event("prerenderingchange"));
};
"""


# Recorded in the page, so a test reads them in order with the page's own state.
RECORD_DEBUG = """
window.__debug = [];
const debug = console.debug.bind(console);
console.debug = (...args) => { window.__debug.push(args.join(" ")); debug(...args); };
"""


# A browser in Berlin on a 1280 px wide screen, so the tracker's w and tz are known.
BERLIN = {"timezone_id": "Europe/Berlin", "screen": {"width": 1280, "height": 800}}


def debug_messages(page):
    """What the page's scripts have said in console.debug since it loaded."""
    return page.evaluate("window.__debug")


def is_hit(site):
    """Matches the response to a POST of a hit to site's API."""
    return lambda response: (response.request.method == "POST"
                             and response.url == site.api)


def page_stats(site, page):
    return visits(site.stats(page=page)["totals"])


def test_jquery_snippet_records_exactly_one_hit(pages, fresh_site, snippet_pages):
    page = pages.open()
    with page.expect_response(is_hit(fresh_site)) as hit:
        page.goto(snippet_pages + "/jquery-snippet.html")
    # The app lets the tracked site read its answer (CORS), so jQuery sees the JSON.
    # fresh_site's clock is pinned at 2026-11-28 12:00 UTC (conftest.py)
    assert hit.value.json() == {"page": "/jquery-snippet.html", "day": "2026-11-28",
                                "counted": True}
    page.close()
    assert page_stats(fresh_site, "/jquery-snippet.html") == {"visitors": 1, "pageviews": 1}
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 1, "pageviews": 1}


def test_footfall_js_records_exactly_one_hit(pages, fresh_site, snippet_pages):
    page = pages.open(**BERLIN)
    page.add_init_script(RECORD_SENDS)
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/footfall-snippet.html")
    sent = page.evaluate("window.__sent")
    assert sent == ["page=%2Ffootfall-snippet.html&ref=&w=1280&tz=Europe%2FBerlin&q="]
    page.close()  # leaving the page must not send a second hit
    assert page_stats(fresh_site, "/footfall-snippet.html") == {"visitors": 1, "pageviews": 1}
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 1, "pageviews": 1}
    # The site is the host of the beacon's Origin: the page's own.
    assert visits(fresh_site.stats(site="127.0.0.1")["totals"]) == {"visitors": 1, "pageviews": 1}


def test_footfall_js_sends_nothing_where_beacons_are_turned_off(pages, fresh_site, snippet_pages):
    # Firefox's beacon.enabled = false: the browser's owner chose to send no beacons.
    page = pages.open()
    page.add_init_script("delete Navigator.prototype.sendBeacon;")
    requests = []
    page.on("request", lambda request: requests.append(request.method))
    page.goto(snippet_pages + "/footfall-snippet.html")
    page.close()
    assert "POST" not in requests
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 0, "pageviews": 0}


def test_footfall_js_counts_each_single_page_app_navigation_once(pages, fresh_site,
                                                                 snippet_pages):
    page = pages.open()
    page.add_init_script(RECORD_SENDS)
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/footfall-snippet.html")
    with page.expect_response(is_hit(fresh_site)):
        page.evaluate("history.pushState({}, '', '/app/inbox')")
    # A hash change or replaceState keeps the path: not a new pageview.
    page.evaluate("history.pushState({}, '', '/app/inbox#message-3')")
    page.evaluate("history.replaceState({}, '', '/app/inbox?tab=2')")
    with page.expect_response(is_hit(fresh_site)):
        page.evaluate("history.pushState({}, '', '/app/settings')")
    with page.expect_response(is_hit(fresh_site)):
        page.go_back()  # popstate back to /app/inbox
    sent = [dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            for body in page.evaluate("window.__sent")]
    sent = [s for s in sent if "seconds" not in s]  # pageviews only
    assert [s["page"] for s in sent] == ["/footfall-snippet.html", "/app/inbox", "/app/settings",
                                         "/app/inbox"]
    # An in-app navigation's referrer is the page counted before it.
    assert [s["ref"] for s in sent[1:]] == [snippet_pages + "/footfall-snippet.html",
                                            snippet_pages + "/app/inbox",
                                            snippet_pages + "/app/settings"]
    assert page_stats(fresh_site, "/app/inbox")["pageviews"] == 2
    assert page_stats(fresh_site, "/app/settings")["pageviews"] == 1
    assert fresh_site.stats()["totals"]["pageviews"] == 4


def test_footfall_js_skips_automated_browsers(pages, automated_browser, fresh_site,
                                              snippet_pages):
    page = pages.open(browser=automated_browser)
    page.add_init_script(RECORD_SENDS)
    page.add_init_script(RECORD_DEBUG)
    page.goto(snippet_pages + "/footfall-snippet.html")
    assert page.evaluate("navigator.webdriver") is True
    assert page.evaluate("window.__sent") == []
    assert debug_messages(page) == ["footfall: not counted: webdriver"]
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 0, "pageviews": 0}


def test_footfall_js_skips_the_owner_with_footfall_ignore(pages, fresh_site, snippet_pages):
    page = pages.open()
    page.add_init_script(RECORD_SENDS)
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/footfall-snippet.html")
    # What the README tells the owner to type in the console on their own site.
    page.evaluate("localStorage.footfall_ignore = '1'")
    page.add_init_script(RECORD_DEBUG)
    page.reload()
    page.evaluate("history.pushState({}, '', '/elsewhere')")
    assert page.evaluate("window.__sent") == []
    assert debug_messages(page) == ["footfall: not counted: footfall_ignore"] * 2
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 1, "pageviews": 1}


def test_footfall_js_skips_the_page_it_just_counted(pages, fresh_site, snippet_pages):
    page = pages.open()
    page.add_init_script(RECORD_SENDS)
    page.add_init_script(RECORD_DEBUG)
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/footfall-snippet.html")
    assert debug_messages(page) == []  # a counted view logs nothing
    page.evaluate("history.pushState({}, '', '/footfall-snippet.html#comments')")
    assert len(page.evaluate("window.__sent")) == 1
    assert debug_messages(page) == ["footfall: not counted: same page"]
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 1, "pageviews": 1}


def test_footfall_js_counts_a_prerendered_page_once_it_is_shown(pages, fresh_site,
                                                                 snippet_pages):
    page = pages.open(**BERLIN)
    page.add_init_script(PRERENDERED)
    page.add_init_script(RECORD_SENDS)
    page.add_init_script(RECORD_DEBUG)
    page.goto(snippet_pages + "/footfall-snippet.html")
    assert page.evaluate("window.__sent") == []
    assert debug_messages(page) == []  # not skipped: it waits to be shown
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 0, "pageviews": 0}
    with page.expect_response(is_hit(fresh_site)):
        page.evaluate("window.__activate()")
    assert page.evaluate("window.__sent") == [
        "page=%2Ffootfall-snippet.html&ref=&w=1280&tz=Europe%2FBerlin&q="]
    assert visits(fresh_site.stats()["totals"]) == {"visitors": 1, "pageviews": 1}


def test_jquery_snippet_with_w_and_tz_sends_both(pages, fresh_site, snippet_pages):
    page = pages.open(**BERLIN)
    with page.expect_request(lambda r: r.method == "POST" and r.url == fresh_site.api) as hit:
        page.goto(snippet_pages + "/jquery-snippet-w-tz.html")
    sent = dict(urllib.parse.parse_qsl(hit.value.post_data, keep_blank_values=True))
    assert sent == {"page": "/jquery-snippet-w-tz.html", "ref": "", "site": "127.0.0.1",
                    "w": "1280", "tz": "Europe/Berlin"}
    assert hit.value.response().json()["counted"] is True
    answer = fresh_site.stats()
    assert answer["countries"][0]["country"] == "DE"
    assert answer["devices"][0]["device"] == "desktop"


def test_footfall_js_sends_the_query_string_for_campaigns(pages, fresh_site, snippet_pages):
    page = pages.open(**BERLIN)
    with page.expect_request(lambda r: r.method == "POST" and r.url == fresh_site.api) as hit:
        page.goto(snippet_pages + "/footfall-snippet.html?utm_campaign=spring&utm_source=news")
    sent = dict(urllib.parse.parse_qsl(hit.value.post_data, keep_blank_values=True))
    assert sent["q"] == "utm_campaign=spring&utm_source=news"
    hit.value.response().finished()
    answer = fresh_site.stats()
    assert answer["campaigns"] == [{"campaign": "spring", "visitors": 1, "pageviews": 1}]
    assert [row["ref"] for row in answer["referrers"]] == ["news"]


# Kept in sessionStorage, so what a page sent as it went away can be read on the next page.
RECORD_BEACONS = """
const send = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, body) => {
  const sent = JSON.parse(sessionStorage.getItem("beacons") || "[]");
  sessionStorage.setItem("beacons", JSON.stringify(sent.concat([String(body)])));
  return send(url, body);
};
"""


def seconds_beacons(page):
    return [b for b in page.evaluate("JSON.parse(sessionStorage.getItem('beacons') || '[]')")
            if b.startswith("seconds=")]


def timed_seconds(site, path):
    """The page's mean visible seconds once the server has the beacon (it may land a moment
    after the browser sent it)."""
    for _ in range(100):
        rows = site.stats(page=path)["pages"]
        if rows and rows[0]["seconds"] is not None:
            return rows[0]["seconds"]
        time.sleep(0.05)
    return None


def test_footfall_js_sends_the_visible_seconds_when_the_page_is_left(pages, fresh_site,
                                                                     snippet_pages):
    page = pages.open(**BERLIN)
    page.add_init_script(RECORD_BEACONS)
    page.clock.install(time=datetime.datetime.fromtimestamp(NOON, datetime.timezone.utc))
    # Paused: the page's seconds pass only by run_for, however long the machine takes to load.
    page.clock.pause_at(datetime.datetime.fromtimestamp(NOON + 1, datetime.timezone.utc))
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/footfall-snippet.html")
    page.clock.run_for(12_000)  # twelve seconds on the page, by the page's clock
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/jquery-snippet.html")  # pagehide, then the next page
    assert seconds_beacons(page) == ["seconds=12&page=%2Ffootfall-snippet.html"]
    # The server caps the seconds at the time it has seen since the view (its own clock ran for
    # less than the page's): a number, where an untimed page has none.
    assert timed_seconds(fresh_site, "/footfall-snippet.html") is not None
    assert fresh_site.stats(page="/jquery-snippet.html")["pages"][0]["seconds"] is None


HIDE = """() => {
    Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
    Object.defineProperty(document, 'hidden', {value: true, configurable: true});
    document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));  // as browsers fire it
}"""
SHOW = """() => {
    delete document.visibilityState;
    delete document.hidden;
    document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));
}"""


def test_footfall_js_counts_only_visible_time_and_sends_each_second_once(pages, fresh_site,
                                                                         snippet_pages):
    page = pages.open(**BERLIN)
    page.add_init_script(RECORD_BEACONS)
    page.clock.install(time=datetime.datetime.fromtimestamp(NOON, datetime.timezone.utc))
    # Paused: the page's seconds pass only by run_for, however long the machine takes to load.
    page.clock.pause_at(datetime.datetime.fromtimestamp(NOON + 1, datetime.timezone.utc))
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/footfall-snippet.html")
    page.clock.run_for(5_000)
    page.evaluate(HIDE)  # another tab: the 5 visible seconds go now
    assert seconds_beacons(page) == ["seconds=5&page=%2Ffootfall-snippet.html"]
    page.clock.run_for(600_000)  # ten minutes in the background count nothing
    page.evaluate(SHOW)
    page.clock.run_for(3_000)
    page.evaluate("history.pushState({}, '', '/next')")  # the page changes: its 3 more go
    page.clock.run_for(2_000)
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/jquery-snippet.html")  # the last page of the visit too
    assert seconds_beacons(page) == ["seconds=5&page=%2Ffootfall-snippet.html",
                                     "seconds=3&page=%2Ffootfall-snippet.html",
                                     "seconds=2&page=%2Fnext"]


# ---------------------------------------------------------------------------------------------
# Events: footfall("name"), data-footfall-event, and with data-outbound, links and downloads
# ---------------------------------------------------------------------------------------------

def events_of(site, expected):
    """The answer's events as {name: (visitors, count)}, once the server has expected (a beacon
    may land a moment after the browser sent it, and its answer is not the page's to read)."""
    for _ in range(100):
        found = {e["event"]: (e["visitors"], e["count"]) for e in site.stats()["events"]}
        if found == expected:
            break
        time.sleep(0.05)
    return found


def open_events_page(pages, fresh_site, snippet_pages):
    page = pages.open(**BERLIN)
    page.add_init_script(RECORD_SENDS)
    with page.expect_response(is_hit(fresh_site)):
        page.goto(snippet_pages + "/events-snippet.html")
    return page


def test_footfall_js_sends_an_event_when_the_page_calls_footfall(pages, fresh_site,
                                                                 snippet_pages):
    page = open_events_page(pages, fresh_site, snippet_pages)
    page.evaluate("footfall('signup')")
    # The event carries the fields of the view it happened on, so it is filtered like it.
    assert page.evaluate("window.__sent")[1] == (
        "page=%2Fevents-snippet.html&ref=&w=1280&tz=Europe%2FBerlin&q=&event=signup")
    assert events_of(fresh_site, {"signup": (1, 1)}) == {"signup": (1, 1)}
    assert fresh_site.stats(country="DE")["events"] == [
        {"event": "signup", "visitors": 1, "count": 1, "conversion": 1.0}]


def test_footfall_js_sends_the_event_of_a_clicked_element(pages, fresh_site, snippet_pages):
    page = open_events_page(pages, fresh_site, snippet_pages)
    page.get_by_text("Subscribe").click()  # a click on the button's child counts too
    assert events_of(fresh_site, {"newsletter": (1, 1)}) == {"newsletter": (1, 1)}


@pytest.mark.parametrize("link, event, lands_on", [
    pytest.param("#outbound", "outbound: localhost", "/footfall-snippet.html", id="outbound"),
    pytest.param("#download", "download: report-2026.pdf", "/files/report-2026.pdf",
                 id="download"),
])
def test_footfall_js_counts_a_link_click_without_delaying_the_navigation(
        pages, fresh_site, snippet_pages, link, event, lands_on):
    pages.allow("report-2026.pdf.*404")  # the test server has no such file; the click counts
    page = open_events_page(pages, fresh_site, snippet_pages)
    page.click(link)  # no wait for the beacon: the browser leaves at once, the beacon goes alone
    page.wait_for_url("**" + lands_on)
    assert events_of(fresh_site, {event: (1, 1)}) == {event: (1, 1)}


def test_footfall_js_sends_no_event_for_a_mail_link(pages, fresh_site, snippet_pages):
    page = open_events_page(pages, fresh_site, snippet_pages)
    page.evaluate("document.getElementById('mail').addEventListener('click', e => e.preventDefault())")
    page.click("#mail")
    page.evaluate("footfall('after')")  # sent after the click's, had there been one
    sent = [urllib.parse.parse_qs(body).get("event") for body in page.evaluate("window.__sent")]
    assert sent == [None, ["after"]]
