"""What view_stats.html weighs as Chromium loads it: every response of the page, gzipped."""

import gzip

from playwright.sync_api import expect

# Gzipped bytes the dashboard may load all-in (page, scripts, style, icon and the API's answers).
BUDGET = 75_000


def weigh(pages, site, query="?range=30d"):
    """{path: gzipped bytes} of every response of one load of the dashboard."""
    responses = []
    page = pages.open()
    page.on("response", lambda response: responses.append(response))
    page.goto(site.dashboard + query)
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#report")).to_be_visible()  # the numbers, not an error (a plugin
    # left out of the built flot can throw)
    # The second GET, for the change against the days before, is part of the load too.
    expect(page.locator("#change-visits")).not_to_have_text("\u2026")
    return {r.url.split("/", 3)[-1]: len(gzip.compress(r.body(), 9, mtime=0))
            for r in responses if r.status == 200}


def test_the_dashboard_loads_under_its_budget_gzipped(pages, seeded_site):
    weights = weigh(pages, seeded_site)
    assert sum(weights.values()) < BUDGET, weights
