"""The dashboard counts its ranges in the server's days, whatever the browser's time zone.

At 02:00 UTC on 28 November 2026 it is already the 28th in Berlin and still the 27th in New
York. The server runs under faketime at that moment and the browser's clock is set to it, so
the two disagree about today as they would across the Atlantic.
"""

import shutil

import pytest
from footfall_browser import start_site
from footfall_testing import remove_stale_faketime_state
from playwright.sync_api import expect

MOMENT = "2026-11-28T02:00:00Z"
FAKETIME = ["faketime", "-m", "-f", "@2026-11-28 02:00:00"]  # read as UTC: TZ=UTC below


@pytest.fixture
def faketime():
    if not shutil.which("faketime"):
        pytest.fail("faketime is missing: apt-get install faketime (scripts/test.sh does)")
    remove_stale_faketime_state()  # a killed process's names, which a new one's id may take
    return FAKETIME


@pytest.mark.parametrize("browser_zone, server_zone, first, last", [
    ("America/New_York", "Europe/Berlin", "Sun, Nov 22, 2026", "Sat, Nov 28, 2026"),
    ("Europe/Berlin", "America/New_York", "Sat, Nov 21, 2026", "Fri, Nov 27, 2026"),
], ids=["browser-a-day-behind", "browser-a-day-ahead"])
def test_last_7_days_are_the_servers_7_days(pages, tmp_path, faketime, browser_zone,
                                           server_zone, first, last):
    site = start_site(tmp_path, env={"FOOTFALL_TIMEZONE": server_zone, "TZ": "UTC"},
                      prefix=faketime)
    try:
        today = site.post_hit("/")["day"]  # one visit, on the server's today
        page = pages.open(timezone_id=browser_zone)
        page.clock.set_fixed_time(MOMENT)
        page.goto(site.dashboard + "?range=7d")
        expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
        rows = page.locator("#days-body th")
        expect(rows).to_have_count(7)
        assert rows.first.text_content() == last  # newest first
        assert rows.last.text_content() == first
        expect(page.locator("#period")).to_have_text(
            f"Last 7 days: {first} \u2013 {last} (days in {server_zone})")
        expect(page.locator("#total-visits")).to_have_text("1")
        assert site.stats()["today"] == today
    finally:
        pages.close()  # before its server stops: a page still fetching would log a reset
        site.stop()
