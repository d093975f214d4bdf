"""How view_stats.html loads: what goes out in parallel instead of one after another (the time
to the chart is measured by tests/browser/weigh.py, never asserted here)."""

from playwright.sync_api import expect

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
