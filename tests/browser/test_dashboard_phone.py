"""view_stats.html on a 360 px phone in Chromium: what fits is shown, the rest on demand."""

from playwright.sync_api import expect
from test_dashboard import open_dashboard

PHONE = {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "has_touch": True}


def test_on_a_phone_no_page_name_wraps_over_two_lines(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, **PHONE)
    lines = page.evaluate("""() => [...document.querySelectorAll('#pages-body a.label')]
        .map(name => [name.textContent, name.getClientRects().length])""")
    assert len(lines) == 9
    assert [name for name, count in lines if count > 2] == []


def test_on_a_phone_the_pages_entries_bounce_rate_and_time_show_on_demand(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, **PHONE)
    headers = page.locator("#pages-box thead th")
    expect(headers.filter(has_text="Entries")).to_be_hidden()
    toggle = page.locator("#pages-more")
    expect(toggle).to_have_text("Show entries, bounce rate and time")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(headers.filter(has_text="Entries")).to_be_visible()
    expect(page.locator("#pages-body tr").first.locator("td")).to_have_count(5)
    expect(page.locator("#pages-body tr").first.locator("td").nth(4)).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text("Hide entries, bounce rate and time")



def test_on_a_phone_the_listed_note_fits_the_screen(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=30d&browser=Chrome", **PHONE)
    note = page.locator("#listed-note")
    expect(note).to_be_visible()
    note.locator("summary").click()
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    assert note.evaluate("el => el.scrollWidth <= el.clientWidth")
