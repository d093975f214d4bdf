"""How view_stats.html loads: what goes out in parallel instead of one after another (the time
to the chart is measured by tests/browser/weigh.py, never asserted here)."""

import re

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
    assert len(held) == 1
    assert page.evaluate("typeof window.jQuery.plot") == "undefined"
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
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#chart canvas.flot-base")).to_have_count(1)
    modules = sorted(name for name in asked if name.endswith(".js") and "jquery" not in name)
    assert modules == sorted(path.name for path in DASHBOARD.glob("*.js"))  # each asked once


def test_start_js_preloads_every_module_of_the_folder():
    listed = re.search(r"var MODULES = \[([^\]]*)\]", (DASHBOARD / "start.js").read_text())
    names = re.findall(r'"([^"]+)"', listed.group(1))
    assert sorted(names) == sorted(path.name for path in DASHBOARD.glob("*.js")
                                   if path.name != "start.js")

