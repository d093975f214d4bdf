"""How view_stats.html loads: what goes out in parallel instead of one after another (the time
to the chart is measured by tests/browser/weigh.py, never asserted here)."""

import re

import pytest
from footfall_browser import STATIC
from playwright.sync_api import expect

DASHBOARD = STATIC / "dashboard"
FLOT = "**/vendor/flot-4.2.6/jquery.flot.dashboard.min.js"


def test_the_first_get_goes_out_while_flot_is_still_loading(pages, seeded_site):
    held = []
    page = pages.open()
    page.route(FLOT, lambda route: held.append(route))  # answered once the GET has gone out
    with page.expect_request(lambda request: "/cgi-bin/stats.py" in request.url):
        page.goto(seeded_site.dashboard + "?range=30d", wait_until="commit")
    while not held:  # flot may be asked for after the GET: its answer waits for the test
        page.wait_for_timeout(20)
    assert page.evaluate("typeof (window.jQuery && window.jQuery.plot)") == "undefined"
    held[0].continue_()
    expect(page.locator("#chart canvas.flot-base")).to_have_count(1)
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")


def test_every_module_is_asked_for_while_main_js_is_still_loading(pages, seeded_site):
    held, asked = [], []
    page = pages.open()
    page.route("**/dashboard/main.js", lambda route: held.append(route))
    page.on("request", lambda request: asked.append(request.url.rsplit("/", 1)[-1]))
    with page.expect_request("**/dashboard/columns.js"):  # imported by dimensions.js
        page.goto(seeded_site.dashboard + "?range=30d", wait_until="commit")
    while not held:  # the route's handler may come after the request's event
        page.wait_for_timeout(20)
    held[0].continue_()
    expect(page.locator("#chart canvas.flot-base")).to_have_count(1)
    modules = sorted(name for name in asked if name.endswith(".js") and "jquery" not in name)
    assert modules == sorted(path.name for path in DASHBOARD.glob("*.js"))  # each asked once


def test_the_page_preloads_every_module_of_the_folder():
    page = (STATIC / "view_stats.html").read_text()
    names = re.findall(r'<link rel="modulepreload" href="dashboard/([^"]+)">', page)
    assert sorted(names) == sorted(path.name for path in DASHBOARD.glob("*.js")
                                   if path.name != "start.js")


def test_start_js_is_asked_for_before_the_modules_it_does_not_wait_behind():
    page = (STATIC / "view_stats.html").read_text()
    start = page.index('<script src="dashboard/start.js" async fetchpriority="high">')
    assert start < page.index('<link rel="modulepreload"')


def test_the_first_get_goes_out_before_main_js_has_loaded(pages, seeded_site):
    held = []
    page = pages.open()
    page.route("**/dashboard/main.js", lambda route: held.append(route))
    with page.expect_request(lambda request: "/cgi-bin/stats.py" in request.url):
        page.goto(seeded_site.dashboard + "?range=30d", wait_until="commit")
    while not held:  # main.js is asked for after the GET: its answer waits for the test
        page.wait_for_timeout(20)
    held[0].continue_()
    expect(page.locator("#chart canvas.flot-base")).to_have_count(1)


# The GETs of each view as the test's day (2026-11-28) shows it: start.js's early one, when it
# sends one, is the view's own, never one more.
@pytest.mark.parametrize("query, gets", [
    ("", ["from=2026-10-30", "from=2026-09-30&to=2026-10-29"]),
    ("?range=today", ["from=2026-11-28"]),
    ("?range=7d", ["from=2026-11-22", "from=2026-11-15&to=2026-11-21"]),
    ("?range=30d", ["from=2026-10-30", "from=2026-09-30&to=2026-10-29"]),
    ("?range=90d", ["from=2026-08-31", "from=2026-06-02&to=2026-08-30"]),
    ("?range=12m", ["from=2025-11-29", "from=2024-11-29&to=2025-11-28"]),
    ("?range=all", [""]),
    ("?range=30d&browser=Firefox", ["from=2026-10-30&browser=Firefox",
                                    "from=2026-09-30&to=2026-10-29&browser=Firefox"]),
], ids=["default", "today", "7d", "30d", "90d", "12m", "all", "filtered"])
def test_each_view_asks_the_api_once_per_answer_it_shows(pages, seeded_site, query, gets):
    asked = []
    page = pages.open()
    page.on("request", lambda request: asked.append(request.url))
    page.goto(seeded_site.dashboard + query)
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#change-visits")).not_to_have_text("\u2026")
    assert [url.split("?", 1)[1] if "?" in url else "" for url in asked
            if "/cgi-bin/stats.py" in url] == gets


# Before the page's scripts: the rows of the lists and of the table of days at two moments,
# when flot's canvas is first in #chart and when #main is no longer busy.
ROWS_AT = """
window.footfallRowsAt = {};
new MutationObserver(function () {
  var at = window.footfallRowsAt;
  var rows = document.querySelectorAll("table.top tbody tr, #days-body tr").length;
  var main = document.getElementById("main");
  if (!("chart" in at) && document.querySelector("#chart canvas.flot-base")) at.chart = rows;
  if (!("done" in at) && main && main.getAttribute("aria-busy") === "false") at.done = rows;
}).observe(document, {childList: true, subtree: true, attributes: true,
                     attributeFilter: ["aria-busy"]});
"""


def test_the_lists_fill_after_the_chart_is_drawn_and_before_the_page_is_done(pages, seeded_site):
    page = pages.open()
    page.add_init_script(ROWS_AT)
    page.goto(seeded_site.dashboard + "?range=30d")
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#pages-body tr").first).to_be_visible()
    assert page.evaluate("window.footfallRowsAt") == {"chart": 0, "done": 84}
