"""The dashboard's breakdowns in a real Chromium over a real footfall: a table per list, a click
on a row filters every number (and the address), the chip and Escape remove the filter, the
Today view with its hourly chart and live number, the site selector; each number on screen is
the API's."""

import datetime
import math
import urllib.parse

import pytest
from footfall_testing import NOON
from playwright.sync_api import expect
from test_dashboard import api_query, is_range_get, is_stats_get, number, open_dashboard, today

# Each list of the answer: (table id, list, key, what the screen shows in its name column).
LISTS = [
    ("pages", "pages", "page"),
    ("refs", "referrers", "ref"),
    ("campaigns", "campaigns", "campaign"),
    ("countries", "countries", "country"),
    ("browsers", "browsers", "browser"),
    ("systems", "systems", "os"),
    ("devices", "devices", "device"),
    ("languages", "languages", "language"),
]
THIRTY_DAYS = {"from": (today() - datetime.timedelta(days=29)).isoformat()}


def rounded(x):
    """JavaScript's Math.round (halves up), not Python's round (halves to even)."""
    return math.floor(x + 0.5)


def percent(part, whole):
    return f"{rounded(part / whole * 100)}%" if whole else "\u2013"


def duration(seconds):
    if seconds is None:
        return "\u2013"
    s = rounded(seconds)
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60} s"


def cells(key, row):
    """The numbers a list's row shows, as text."""
    shown = [number(row["visitors"]), number(row["pageviews"])]
    if key == "page":
        shown += [number(row["entries"]), percent(row["bounces"], row["entries"]),
                  duration(row["seconds"])]
    return shown


def assert_screen_shows(page, answer):
    """Every total and every row of every list on screen is the answer's."""
    totals = answer["totals"]
    expect(page.locator("#total-visits")).to_have_text(number(totals["visitors"]))
    expect(page.locator("#total-pageviews")).to_have_text(number(totals["pageviews"]))
    expect(page.locator("#total-unique")).to_have_text(
        "\u2013" if totals["unique"] is None else number(totals["unique"]))
    expect(page.locator("#total-bounce")).to_have_text(
        percent(totals["bounces"], totals["visitors"]))
    expect(page.locator("#total-time")).to_have_text(duration(totals["seconds"]))
    if "hours" not in answer:
        drawn = page.evaluate("jQuery('#chart').data('plot').getData().map(s => s.data)")
        assert drawn == [answer["visitors"], answer["pageviews"]]
    for box, name, key in LISTS:
        rows = page.locator(f"#{box}-body tr")
        expect(rows).to_have_count(len(answer[name]))
        shown = [rows.nth(i).locator("td").all_text_contents() for i in range(len(answer[name]))]
        assert shown == [cells(key, row) for row in answer[name]], box


def filter_of(page_url):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page_url).query))
    return {k: v for k, v in query.items() if k != "range"}


def test_each_list_is_a_table_with_bars_as_long_as_its_visitors(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=30d")
    answer = seeded_site.stats(**THIRTY_DAYS)
    assert_screen_shows(page, answer)
    browsers = answer["browsers"]
    assert browsers[0]["browser"] == "Chrome"
    expect(page.locator("#browsers-body th")).to_have_text([row["browser"] for row in browsers])
    widths = page.locator("#browsers-body .bar").evaluate_all(
        "bars => bars.map(bar => parseFloat(bar.style.width))")
    assert widths == [rounded(row["visitors"] / browsers[0]["visitors"] * 1000) / 10
                      for row in browsers]
    # The bar is decoration: the number beside it is the text a screen reader reads.
    assert page.locator("#browsers-body .bar").first.get_attribute("aria-hidden") == "true"
    countries = page.locator("#countries-body th").all_text_contents()
    assert countries == [f"{row['name']} ({row['country']})" if row["country"] else "Unknown"
                         for row in answer["countries"]]


@pytest.mark.parametrize("box, name, key, row", [
    ("browsers", "browsers", "browser", 1),
    ("countries", "countries", "country", 0),
    ("campaigns", "campaigns", "campaign", 0),
    ("pages", "pages", "page", 2),
    ("devices", "devices", "device", 0),
], ids=["second-browser", "first-country", "first-campaign", "third-page", "first-device"])
def test_clicking_a_row_filters_every_number_on_screen(pages, seeded_site, box, name, key, row):
    page = open_dashboard(pages, seeded_site, "?range=30d")
    value = seeded_site.stats(**THIRTY_DAYS)[name][row][key]
    with page.expect_response(lambda r: is_stats_get(r) and "to" not in api_query(r.request)) \
            as sent:
        page.locator(f"#{box}-body tr").nth(row).locator("td").first.click()
    assert api_query(sent.value.request) == {**THIRTY_DAYS, key: value}
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    assert filter_of(page.url) == {key: value}
    assert "range=30d" in page.url
    expect(page.locator("#filter")).to_be_visible()
    expect(page.locator(".chip-text")).to_contain_text(": ")
    # The CSV applies every filter: the download is the view shown.
    expect(page.locator("#download")).to_be_visible()
    answer = seeded_site.stats(**THIRTY_DAYS, **{key: value})
    assert answer["filter"] == {key: value}
    assert_screen_shows(page, answer)


def test_a_click_in_another_list_adds_a_second_chip_and_the_get_carries_both(pages,
                                                                            seeded_site):
    # A page as the second: under one filter a day's lists count from its records, where a
    # visit of a rare mix gives up traits (records.fold) but never its pages, so on the small
    # seeded site Germany's pages all list, where its devices may not.
    page = open_dashboard(pages, seeded_site, "?range=30d")
    page.locator("#countries-body a", has_text="(DE)").click()
    expect(page.locator(".chip-text")).to_have_text(["Country: Germany (DE)"])
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    first_page = page.locator("#pages-body a[data-filter]").first
    name = first_page.text_content()
    with page.expect_response(is_range_get) as sent:
        first_page.click()
    assert api_query(sent.value.request) == {**THIRTY_DAYS, "country": "DE", "page": name}
    expect(page.locator(".chip-text")).to_have_text(["Country: Germany (DE)", f"Page: {name}"])
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    assert filter_of(page.url) == {"country": "DE", "page": name}
    answer = seeded_site.stats(**THIRTY_DAYS, country="DE", page=name)
    assert answer["filter"] == {"country": "DE", "page": name}
    assert answer["totals"]["visitors"] > 0
    assert_screen_shows(page, answer)


def test_two_filters_show_unique_visitors_as_a_dash_that_says_why(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=30d&country=DE&device=phone")
    assert seeded_site.stats(**THIRTY_DAYS, country="DE", device="phone")["totals"]["unique"] \
        is None
    expect(page.locator("#total-unique")).to_have_text("\u2013")
    expect(page.locator("#total-unique")).to_have_attribute(
        "title", "Different people are not counted under two or more filters: the day records "
        "that combine filters keep nothing that tells one visitor from another.")
    expect(page.locator("#unique-note")).to_have_text("not counted under two filters")


def test_a_reload_keeps_both_chips(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=7d&browser=Chrome&device=phone")
    page.reload()
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator(".chip-text")).to_have_text(["Browser: Chrome", "Device: Phone"])
    expect(page.locator("button[data-range='7d']")).to_have_attribute("aria-pressed", "true")
    seven = {"from": (today() - datetime.timedelta(days=6)).isoformat()}
    assert_screen_shows(page, seeded_site.stats(**seven, browser="Chrome", device="phone"))


def test_the_first_day_two_filters_count_is_said_under_the_chips(pages, seeded_site):
    # The seeded days all have records: the answer is given a later first day, as one of a
    # database older than its records would carry.
    def records_from_nov_20(route):
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "records_from": "2026-11-20"})

    page = pages.open()
    page.route("**/cgi-bin/stats.py?*", records_from_nov_20)
    page.goto(seeded_site.dashboard + "?range=30d&country=DE&device=phone")
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#records-note")).to_have_text(
        "Two filters count only the days from Fri, Nov 20, 2026 on: earlier days were kept "
        "without the records that combine filters.")


LISTED_WHY = ("Each ended day keeps its visits' browser, system, device, country and "
              "language only as mixes")


def test_the_visits_a_filters_lists_leave_out_are_said_under_the_chips(pages, seeded_site):
    answer = seeded_site.stats(**THIRTY_DAYS, browser="Chrome")
    totals = answer["totals"]
    assert 0 < totals["listed"] < totals["visitors"]  # seed 7's Chrome: 61 of 93
    page = open_dashboard(pages, seeded_site, "?range=30d&browser=Chrome")
    expect(page.locator("#listed-text")).to_have_text(
        f"The lists count {number(totals['listed'])} of {number(totals['visitors'])} visits: "
        "the others had traits too rare on their day to keep (privacy).")
    why = page.locator("#listed-note p")
    expect(why).to_be_hidden()
    page.locator("#listed-note summary").click()
    expect(why).to_contain_text(LISTED_WHY)


def test_the_listed_note_is_hidden_when_the_lists_hold_every_visit(pages, seeded_site):
    # Today's lists are not folded: they hold every visit of the filter.
    assert "listed" not in seeded_site.stats(**{"from": today().isoformat()},
                                             browser="Chrome")["totals"]
    page = open_dashboard(pages, seeded_site, "?range=30d&browser=Chrome")
    expect(page.locator("#listed-note")).to_be_visible()
    page.locator("button[data-range='today']").click()
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("button[data-range='today']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".chip-text")).to_have_text(["Browser: Chrome"])
    expect(page.locator("#listed-note")).to_be_hidden()


@pytest.mark.parametrize("how", ["chip-x", "escape"])
def test_one_of_two_chips_is_removed_alone(pages, seeded_site, how):
    page = open_dashboard(pages, seeded_site, "?range=30d&device=phone&country=DE")
    if how == "chip-x":
        page.get_by_role("button", name="Remove the filter Device: phone").click()
    else:
        page.keyboard.press("Escape")  # the last one added
    expect(page.locator(".chip-text")).to_have_text(
        ["Country: Germany (DE)"] if how == "chip-x" else ["Device: Phone"])
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    left = {"country": "DE"} if how == "chip-x" else {"device": "phone"}
    assert filter_of(page.url) == left
    assert_screen_shows(page, seeded_site.stats(**THIRTY_DAYS, **left))
    if how == "chip-x":  # the focus moves to the chip now in its place
        expect(page.get_by_role("button", name="Remove the filter Country: DE")).to_be_focused()


def test_a_link_with_a_filter_reproduces_the_view(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=7d&browser=Firefox")
    expect(page.locator("button[data-range='7d']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".chip-text")).to_have_text("Browser: Firefox")
    seven = {"from": (today() - datetime.timedelta(days=6)).isoformat()}
    assert_screen_shows(page, seeded_site.stats(**seven, browser="Firefox"))
    # Another range keeps the filter.
    page.get_by_role("button", name="90 days").click()
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    assert filter_of(page.url) == {"browser": "Firefox"}
    ninety = {"from": (today() - datetime.timedelta(days=89)).isoformat()}
    assert_screen_shows(page, seeded_site.stats(**ninety, browser="Firefox"))


@pytest.mark.parametrize("how", ["chip-x", "escape"])
def test_the_filter_is_removed_by_the_chips_x_or_escape(pages, seeded_site, how):
    page = open_dashboard(pages, seeded_site, "?range=30d&country=DE")
    expect(page.locator(".chip-text")).to_have_text("Country: Germany (DE)")
    if how == "chip-x":
        page.get_by_role("button", name="Remove the filter Country: DE").click()
    else:
        page.keyboard.press("Escape")
    expect(page.locator("#filter")).to_be_hidden()
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    assert filter_of(page.url) == {}
    assert page.url.endswith("?range=30d")
    assert_screen_shows(page, seeded_site.stats(**THIRTY_DAYS))
    page.go_back()  # the filtered view is a history entry
    expect(page.locator(".chip-text")).to_contain_text("Country: ")


def test_today_shows_the_hourly_chart_and_the_last_30_minutes(pages, seeded_site):
    page = open_dashboard(pages, seeded_site, "?range=today")
    answer = seeded_site.stats(**{"from": today().isoformat(), "to": today().isoformat()})
    assert len(answer["hours"]["visitors"]) == 24
    expect(page.locator("#chart-title")).to_have_text("Per hour")
    painted = page.evaluate("""() => {
        const canvas = document.querySelector('#chart canvas.flot-base');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
        return n;
    }""")
    assert painted > 2000
    labels = page.locator("#chart .flot-x-axis text").all_text_contents()
    assert labels and all(":" in label for label in labels)  # hours, not dates
    drawn = page.evaluate("jQuery('#chart').data('plot').getData()[0].data")
    assert drawn == answer["hours"]["visitors"][:13]  # 00:00 to the noon of the pinned clock
    rows = page.locator("#days-body tr")
    expect(rows).to_have_count(13)
    assert rows.first.locator("th").text_content() == "12:00\u201313:00"  # newest first
    live = answer["live"]["visitors"]
    expect(page.locator("#live")).to_have_text(f"{live} visitor" + ("" if live == 1 else "s"))
    expect(page.locator("#busiest-box")).to_be_hidden()
    expect(page.locator("#change-visits")).to_have_text("so far today")


def test_today_asks_again_every_minute_while_the_tab_is_visible(pages, fresh_site):
    page = pages.open()
    page.clock.install(time=datetime.datetime.fromtimestamp(NOON, datetime.timezone.utc))
    gets = []
    page.on("request", lambda r: r.method == "GET" and "/cgi-bin/stats.py" in r.url
            and gets.append(r.url))
    fresh_site.post_hit("/first")
    page.goto(fresh_site.dashboard + "?range=today")
    expect(page.locator("#live")).to_have_text("1 visitor")
    assert len(gets) == 1  # one GET per view: no comparison for a day not over
    fresh_site.post_hit("/second")  # the same visitor: still one, one more pageview
    expect(page.locator("#live-note")).to_contain_text("1 pageview,")
    page.clock.run_for(59_000)
    assert len(gets) == 1
    with page.expect_response(is_stats_get):
        page.clock.run_for(1_000)
    expect(page.locator("#live-note")).to_contain_text("2 pageviews,")
    expect(page.locator("#total-pageviews")).to_have_text("2")
    # Hidden, the tab does not ask.
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));  // as browsers fire it
    }""")
    page.clock.run_for(180_000)
    assert len(gets) == 2


def test_a_site_selector_appears_when_several_sites_report(pages, fresh_site):
    for site, path in (("example.com", "/a"), ("example.com", "/b"), ("blog.example.org", "/c")):
        fresh_site.post_hit(path, site=site)
    page = open_dashboard(pages, fresh_site, "?range=7d")
    select = page.get_by_label("Site")
    expect(select).to_be_visible()
    sites = fresh_site.stats(**{"from": today().isoformat()})["sites"]
    assert {row["site"] for row in sites} == {"example.com", "blog.example.org"}
    expect(select.locator("option")).to_have_text(["All sites"] + [row["site"] for row in sites])
    select.select_option("blog.example.org")
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    assert "site=blog.example.org" in page.url
    expect(page.locator("#total-pageviews")).to_have_text("1")
    expect(select).to_have_value("blog.example.org")


def test_one_site_has_no_site_selector(pages, fresh_site):
    fresh_site.post_hit("/a")
    page = open_dashboard(pages, fresh_site, "?range=7d")
    expect(page.locator("#site-picker")).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("query", ["?range=today", "?range=30d&browser=Firefox",
                                   "?range=30d&event=signup", "?range=30d&country=DE&device=phone"],
                         ids=["today", "filtered", "event", "two-filters"])
def test_new_views_have_no_serious_accessibility_violations(pages, seeded_site, axe_source,
                                                            scheme, query):
    page = open_dashboard(pages, seeded_site, query, color_scheme=scheme)
    page.evaluate(axe_source)
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                        'best-practice']}})""")
    failures = [f"{v['id']} ({v['impact']}): {v['help']} at "
                + ", ".join(str(n["target"]) for n in v["nodes"][:5])
                for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert failures == []
