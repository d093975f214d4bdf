"""The dashboard's events in a real Chromium over a real footfall with seeded events: a table of
events with their conversion, each number the API's; a click on one filters the whole view by
it (chip and address), every number then the API's for event=<name>."""

import datetime
import math

from footfall_testing import visits
from playwright.sync_api import expect
from test_dashboard import api_query, is_range_get, number, open_dashboard, today

THIRTY_DAYS = {"from": (today() - datetime.timedelta(days=29)).isoformat()}


def conversion(share):
    """What the table shows for a conversion: a percent with one decimal (halves up, as
    JavaScript's Math.round)."""
    return "\u2013" if share is None else f"{math.floor(share * 1000 + 0.5) / 10:.1f}%"


def test_events_table_shows_each_event_with_its_conversion(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=30d")
    events = seeded_site.stats(**THIRTY_DAYS)["events"]
    assert {"signup", "newsletter", "outbound: github.com"} <= {e["event"] for e in events}
    rows = page.locator("#events-body tr")
    expect(rows).to_have_count(len(events))
    expect(page.locator("#events-body th")).to_have_text([e["event"] for e in events])
    shown = [rows.nth(i).locator("td").all_text_contents() for i in range(len(events))]
    assert shown == [[number(e["visitors"]), number(e["count"]), conversion(e["conversion"])]
                     for e in events]


def test_clicking_an_event_filters_every_number_by_it(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=30d")
    with page.expect_response(is_range_get) as sent:
        page.locator("#events-body tr", has_text="signup").locator("td").first.click()
    assert api_query(sent.value.request) == {**THIRTY_DAYS, "event": "signup"}
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    assert "event=signup" in page.url and "range=30d" in page.url
    expect(page.locator(".chip-text")).to_have_text("Event: signup")
    answer = seeded_site.stats(event="signup", **THIRTY_DAYS)
    expect(page.locator("#total-visits")).to_have_text(number(answer["totals"]["visitors"]))
    expect(page.locator("#total-pageviews")).to_have_text(number(answer["totals"]["pageviews"]))
    expect(page.locator("#total-pageviews-label")).to_have_text("Times sent")
    drawn = page.evaluate("jQuery('#chart').data('plot').getData().map(s => s.data)")
    assert drawn == [answer["visitors"], answer["pageviews"]]
    # The pages it happened on; the events table holds it alone, its conversion against all.
    assert answer["pages"] == [{"page": "/pricing", **visits(answer["totals"])}]
    expect(page.locator("#pages-body th")).to_have_text(["/pricing"])
    expect(page.locator("#events-body tr")).to_have_count(1)
    expect(page.locator("#events-body td").last).to_have_text(
        conversion(answer["events"][0]["conversion"]))
    expect(page.locator("#events-body tr")).to_have_class("current")
    # Escape removes the filter, as for every list.
    page.keyboard.press("Escape")
    expect(page.locator("#filter")).to_be_hidden()
    expect(page.locator("#total-pageviews-label")).to_have_text("Pageviews")


def test_a_second_chip_beside_an_event_narrows_its_numbers_and_can_be_removed(pages,
                                                                              seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=30d&event=signup")
    with page.expect_response(is_range_get) as sent:
        page.locator("#pages-body tr").first.locator("td").first.click()
    asked = api_query(sent.value.request)
    assert set(asked) == {"from", "event", "page"}
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#error-box")).to_be_hidden()
    expect(page.locator(".chip-text")).to_have_count(2)
    answer = seeded_site.stats(**asked)
    assert answer["totals"]["pageviews"] > 0
    expect(page.locator("#total-visits")).to_have_text(number(answer["totals"]["visitors"]))
    expect(page.locator("#total-pageviews")).to_have_text(number(answer["totals"]["pageviews"]))
    expect(page.locator("#total-pageviews-label")).to_have_text("Times sent")
    drawn = page.evaluate("jQuery('#chart').data('plot').getData().map(s => s.data)")
    assert drawn == [answer["visitors"], answer["pageviews"]]
    page.get_by_role("button", name="Remove the filter Event: signup").click()
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator(".chip-text")).to_have_count(1)
    expect(page.locator(".chip-text")).to_contain_text("Page: ")
