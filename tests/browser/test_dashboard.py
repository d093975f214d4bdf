"""view_stats.html in a real Chromium over a real footfall: what the site owner sees."""

import datetime
import urllib.parse

import pytest
from footfall_browser import serve
from footfall_testing import FIXED_CLOCK_ENV
from playwright.sync_api import expect

HOSTILE_PAGE = "/<img src=x onerror=window.__pwned=1>"


def open_dashboard(pages, site, query="", **context_options):
    """Load the dashboard and wait until its first answer is on screen."""
    page = pages.open(**context_options)
    page.goto(site.dashboard + query)
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    return page


def api_query(request):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))


def is_stats_get(response):
    return response.request.method == "GET" and "/cgi-bin/stats.py" in response.url


def is_range_get(response):
    """The dashboard's first GET for a range (the second one, for the change, has a 'to')."""
    return is_stats_get(response) and "to" not in api_query(response.request)


def today():
    # The day the pinned clocks of the browser and of serve.py say (conftest.py)
    return datetime.date(2026, 11, 28)


def number(n):
    return f"{n:,}"


def test_chart_canvas_is_drawn_and_fills_its_container(pages, seeded_site):
    page = open_dashboard(pages, seeded_site)
    drawn = page.evaluate("""() => {
        const canvas = document.querySelector('#chart canvas.flot-base');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return {painted, width: canvas.getBoundingClientRect().width,
                box: document.querySelector('#chart').clientWidth};
    }""")
    assert drawn["painted"] > 2000  # two lines, a fill and a grid, not a blank canvas
    assert drawn["width"] == drawn["box"] > 500
    labels = page.locator("#chart .flot-x-axis text").all_text_contents()
    assert labels and all(not label.isdigit() for label in labels)  # dates, not raw numbers


def test_totals_match_the_json_of_the_api(pages, seeded_site):
    page = pages.open()
    with page.expect_response(is_range_get) as first:
        page.goto(seeded_site.dashboard)
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    query = api_query(first.value.request)
    assert query["from"] == (today() - datetime.timedelta(days=29)).isoformat()  # 30 days
    answer = seeded_site.stats(**query)
    expect(page.locator("#total-visits")).to_have_text(number(answer["totals"]["visitors"]))
    expect(page.locator("#total-pageviews")).to_have_text(number(answer["totals"]["pageviews"]))
    busiest = max(answer["visitors"], key=lambda day: day[1])[1]
    expect(page.locator("#busiest")).to_have_text(f"{busiest} visits")
    # Visits are counted per day, so their label never promises unique people; the unique
    # visitors of the range are a total of their own.
    expect(page.locator("#total-visits").locator("xpath=..").locator(".label")).to_have_text(
        "Visits")
    expect(page.locator("#total-unique")).to_have_text(number(answer["totals"]["unique"]))


def test_change_is_against_the_previous_period_of_the_same_length(pages, seeded_site):
    page = pages.open()
    with page.expect_response(
        lambda r: is_stats_get(r) and api_query(r.request).get("to")
    ) as second:
        page.goto(seeded_site.dashboard + "?range=7d")
    expect(page.locator("#change-visits")).not_to_have_text("\u2026")
    before = api_query(second.value.request)
    first_day = today() - datetime.timedelta(days=6)
    assert before == {"from": (first_day - datetime.timedelta(days=7)).isoformat(),
                      "to": (first_day - datetime.timedelta(days=1)).isoformat()}
    now = seeded_site.stats(**{"from": first_day.isoformat()})["totals"]["visitors"]
    then = seeded_site.stats(**before)["totals"]["visitors"]
    pct = round((now - then) / then * 100)
    if pct > 0:
        expected = f"\u25b2 +{pct}% vs previous 7 days"
    elif pct < 0:
        expected = f"\u25bc \u2212{-pct}% vs previous 7 days"
    else:
        expected = "vs previous 7 days"
    expect(page.locator("#change-visits")).to_contain_text(expected)


def test_change_says_so_when_the_previous_period_had_no_data(pages, seeded_site):
    # The demo data covers exactly the last 90 days: the 90 before are empty.
    page = open_dashboard(pages, seeded_site, "?range=90d")
    expect(page.locator("#change-visits")).to_have_text("no data for the previous 90 days")
    expect(page.locator("#change-pageviews")).to_have_text("no data for the previous 90 days")
    assert "%" not in page.locator("#change-visits").inner_text()
    assert "%" not in page.locator("#change-pageviews").inner_text()


def test_range_buttons_change_the_request_and_the_url(pages, seeded_site):
    page = open_dashboard(pages, seeded_site)
    expect(page.locator("button[data-range='30d']")).to_have_attribute("aria-pressed", "true")

    with page.expect_response(is_range_get) as answer:
        page.get_by_role("button", name="7 days").click()
    assert api_query(answer.value.request)["from"] == (
        today() - datetime.timedelta(days=6)).isoformat()
    assert page.url.endswith("?range=7d")
    expect(page.locator("button[data-range='7d']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#days-body tr")).to_have_count(7)

    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    with page.expect_response(is_range_get) as answer:
        page.get_by_role("button", name="All time").click()
    assert "from" not in api_query(answer.value.request)  # the API starts at the first hit
    assert page.url.endswith("?range=all")
    expect(page.locator("#days-body tr")).to_have_count(90)

    # A reload or a shared link shows the same view; Back returns to the previous one.
    page.reload()
    expect(page.locator("button[data-range='all']")).to_have_attribute("aria-pressed", "true")
    page.go_back()
    expect(page.locator("button[data-range='7d']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#days-body tr")).to_have_count(7)


def test_range_buttons_work_from_the_keyboard_with_a_visible_focus(pages, seeded_site):
    page = open_dashboard(pages, seeded_site)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.dataset.range")
    assert focused == "today"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("button[data-range='30d']")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("button[data-range='90d']")).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith("?range=90d")


def test_hovering_a_day_shows_its_date_and_both_numbers(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=7d")
    answer = seeded_site.stats(**{"from": (today() - datetime.timedelta(days=6)).isoformat()})
    ms, visits = answer["visitors"][3]
    views = answer["pageviews"][3][1]
    page.locator("#chart").scroll_into_view_if_needed()  # below the totals on a laptop
    # Where flot drew that day's visits point, in page coordinates.
    point = page.evaluate("""([x, y]) => {
        const plot = jQuery('#chart').data('plot');
        const at = plot.pointOffset({x: x, y: y});
        const box = document.querySelector('#chart').getBoundingClientRect();
        return {x: box.left + at.left, y: box.top + at.top};
    }""", [ms, visits])
    page.mouse.move(point["x"], point["y"])
    tip = page.locator("#tip")
    expect(tip).to_be_visible()
    day = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    expect(tip).to_contain_text(f"{day:%b} {day.day}, {day.year}")
    expect(tip).to_contain_text(f"Visits: {visits}")
    expect(tip).to_contain_text(f"Pageviews: {views}")


def test_table_of_days_is_collapsed_and_holds_every_number(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=30d")
    table = page.locator("details.days")
    expect(table).not_to_have_attribute("open", "")
    expect(page.locator("#days-body")).not_to_be_visible()
    page.get_by_text("Numbers for each day").click()
    expect(page.locator("#days-body")).to_be_visible()
    answer = seeded_site.stats(**{"from": (today() - datetime.timedelta(days=29)).isoformat()})
    rows = page.locator("#days-body tr")
    expect(rows).to_have_count(30)
    # Newest day first.
    cells = [rows.nth(i).locator("td").all_text_contents() for i in (0, 29)]
    assert cells == [[str(answer["visitors"][-1][1]), str(answer["pageviews"][-1][1])],
                     [str(answer["visitors"][0][1]), str(answer["pageviews"][0][1])]]


def test_top_pages_and_referrers_are_listed(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=90d")
    answer = seeded_site.stats(**{"from": (today() - datetime.timedelta(days=89)).isoformat()})
    names = page.locator("#pages-body th").all_text_contents()
    assert names == [row["page"] for row in answer["pages"]]
    refs = page.locator("#refs-body th").all_text_contents()
    assert refs == [row["ref"] for row in answer["referrers"]]


def test_hostile_page_name_is_shown_as_text(pages, fresh_site):
    assert fresh_site.post_hit(HOSTILE_PAGE, ref="https://<b>bold</b>.example/")["counted"]
    page = open_dashboard(pages, fresh_site)
    expect(page.locator("#pages-body th")).to_have_text([HOSTILE_PAGE])
    assert page.locator("#report img, #report b").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_empty_database_shows_the_snippet_to_paste(pages, fresh_site):
    page = open_dashboard(pages, fresh_site)
    expect(page.locator("#empty-box")).to_be_visible()
    expect(page.locator("#report")).to_be_hidden()
    snippet = page.locator("#snippet")
    expect(snippet).to_contain_text(f'src="{fresh_site.base}/footfall.js"')
    expect(snippet).to_contain_text(f'data-endpoint="{fresh_site.api}"')


def test_api_error_message_is_shown(pages, seeded_site):
    pages.allow("status of 400")
    long_page = "/" + "x" * 5000
    status, answer = seeded_site.get(page=long_page)
    assert status == 400
    page = open_dashboard(pages, seeded_site, "?page=" + long_page)
    expect(page.locator("#error-box")).to_be_visible()
    expect(page.locator("#error-text")).to_contain_text("answered 400: " + answer["error"])
    expect(page.locator("#report")).to_be_hidden()


def test_missing_api_is_reported_not_blank(pages, seeded_site):
    pages.allow("status of 404")
    page = open_dashboard(pages, seeded_site, "?api=/cgi-bin/missing.py")
    expect(page.locator("#error-box")).to_be_visible()
    expect(page.locator("#error-text")).to_contain_text("/cgi-bin/missing.py answered 404")


def test_unreachable_api_is_reported_and_try_again_recovers(pages, seeded_site, tmp_path):
    # A stopped server refuses new connections, or drops a kept-alive one without an answer.
    pages.allow("ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET")
    site = serve(seeded_site.db, tmp_path, FIXED_CLOCK_ENV)
    try:
        page = open_dashboard(pages, site)
        site.stop()
        page.get_by_role("button", name="7 days").click()
        expect(page.locator("#error-box")).to_be_visible()
        expect(page.locator("#error-text")).to_contain_text("could not be reached")
        expect(page.locator("#report")).to_be_hidden()
        # The server comes back on the same address.
        site = serve(seeded_site.db, tmp_path, FIXED_CLOCK_ENV, port=urllib.parse.urlsplit(site.base).port)
        page.get_by_role("button", name="Try again").click()
        expect(page.locator("#report")).to_be_visible()
        expect(page.locator("#error-box")).to_be_hidden()
    finally:
        site.stop()


def test_read_key_is_asked_for_kept_and_forgotten(pages, private_site):
    pages.allow("status of 401")
    page = open_dashboard(pages, private_site)
    expect(page.locator("#keyform-box")).to_be_visible()

    page.get_by_label("Read key", exact=True).fill("wrong")
    page.get_by_role("button", name="Show the stats").click()
    expect(page.locator("#keyform-why")).to_contain_text("was refused")

    with page.expect_request(lambda r: "/cgi-bin/stats.py" in r.url) as sent:
        page.get_by_label("Read key", exact=True).fill(private_site.read_key)
        page.get_by_role("button", name="Show the stats").click()
    assert sent.value.headers["x-footfall-key"] == private_site.read_key
    expect(page.locator("#report")).to_be_visible()

    page.reload()  # kept in this browser
    expect(page.locator("#report")).to_be_visible()
    page.get_by_role("button", name="Forget the read key").click()
    expect(page.locator("#keyform-box")).to_be_visible()
    assert page.evaluate("localStorage.getItem('footfall_read_key')") is None


def test_key_link_from_setup_db_stores_the_key_and_leaves_the_address(pages, private_site):
    page = pages.open()
    with page.expect_request(lambda r: "/cgi-bin/stats.py" in r.url) as sent:
        page.goto(private_site.dashboard + "#key=" + urllib.parse.quote(private_site.read_key))
    assert sent.value.headers["x-footfall-key"] == private_site.read_key
    expect(page.locator("#report")).to_be_visible()
    assert "#" not in page.url and private_site.read_key not in page.url
    assert page.evaluate("localStorage.getItem('footfall_read_key')") == private_site.read_key


@pytest.mark.parametrize("width", [360, 1600])
def test_layout_fits_from_phone_to_wide_screen(pages, seeded_site, width):
    page = open_dashboard(pages, seeded_site, viewport={"width": width, "height": 800})
    sizes = page.evaluate("""() => ({
        page: document.documentElement.scrollWidth,
        chart: document.querySelector('#chart canvas.flot-base').getBoundingClientRect().width,
        box: document.querySelector('#chart').clientWidth,
        height: document.querySelector('#chart').clientHeight})""")
    assert sizes["page"] <= width  # no sideways scrolling
    assert sizes["chart"] == sizes["box"]
    assert sizes["height"] >= 250


CHART_SIZES = """() => {
    const canvas = document.querySelector('#chart canvas.flot-base');
    return {drawn: Math.round(canvas.width / window.devicePixelRatio),
            shown: canvas.getBoundingClientRect().width,
            box: document.querySelector('#chart').clientWidth,
            page: document.documentElement.scrollWidth};
}"""
# Two animation frames: the browser has laid the page out again and delivered the resize
# observers' notifications (they run in the frame's rendering steps, before its paint).
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def test_chart_follows_window_resizes(pages, seeded_site):
    page = open_dashboard(pages, seeded_site)
    wide = page.evaluate(CHART_SIZES)
    assert wide["drawn"] == wide["shown"] == wide["box"] > 400
    page.set_viewport_size({"width": 400, "height": 800})
    page.evaluate(NEXT_FRAMES)
    narrow = page.evaluate(CHART_SIZES)
    assert narrow["box"] < 400
    assert narrow["drawn"] == narrow["shown"] == narrow["box"]  # redrawn at the new width
    assert narrow["page"] <= 400  # no sideways scrolling


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(pages, seeded_site, fresh_site, axe_source, scheme):
    failures = []
    for site, query in ((seeded_site, "?range=30d"), (fresh_site, "")):
        page = open_dashboard(pages, site, query, color_scheme=scheme)
        if site is seeded_site:
            page.get_by_text("Numbers for each day").click()  # check the table too
        # Evaluated by the test driver, so the page's CSP (no inline script) does not apply.
        page.evaluate(axe_source)
        result = page.evaluate("""() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']}})""")
        failures += [
            f"{page.url} {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert failures == []


def test_api_override_from_a_link_stays_on_this_site(pages, seeded_site):
    # ?api= may only name this origin: a shared link must not send the read key elsewhere.
    page = pages.open()
    with page.expect_request(lambda r: r.resource_type == "fetch") as sent:
        page.goto(seeded_site.dashboard + "?api=http://collector.invalid/cgi-bin/stats.py")
    assert sent.value.url.startswith(seeded_site.api + "?")
    expect(page.locator("#report")).to_be_visible()
