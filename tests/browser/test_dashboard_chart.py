"""The chart of view_stats.html as Chromium draws it: its axis labels and its points."""

import datetime

from test_dashboard import open_dashboard


def test_the_y_axis_labels_read_whole_inside_the_chart(pages, fresh_site):
    # 9 pageviews today: the axis runs to 10, a label twice as wide as the others. flot leaves
    # room for the widest label it measured, and by default it does not measure the two ends.
    for n in range(9):
        fresh_site.post_hit(f"/page-{n}")
    page = open_dashboard(pages, fresh_site, "?range=30d")
    labels = page.evaluate("""() => {
        const chart = document.querySelector('#chart svg').getBoundingClientRect();
        return [...document.querySelectorAll('#chart .flot-y-axis text')].map(label => {
            const box = label.getBoundingClientRect();
            return [label.textContent, box.left >= chart.left && box.right <= chart.right];
        });
    }""")
    assert labels == [["0", True], ["2", True], ["4", True], ["6", True], ["8", True],
                      ["10", True]]


def test_today_draws_the_hours_begun_on_the_servers_clock(pages, seeded_site):
    # The server's clock says noon UTC; the browser is in New York, where it is 07:00.
    page = open_dashboard(pages, seeded_site, "?range=today", timezone_id="America/New_York")
    answer = seeded_site.stats(**{"from": "2026-11-28", "to": "2026-11-28"})
    drawn = page.evaluate("jQuery('#chart').data('plot').getData().map(s => s.data)")
    assert drawn == [answer["hours"]["visitors"][:13], answer["hours"]["pageviews"][:13]]
    noon = datetime.datetime(2026, 11, 28, 12, tzinfo=datetime.timezone.utc).timestamp() * 1000
    assert drawn[0][-1][0] == noon  # 00:00 to 12:00, the hour under way
    hours = page.locator("#days-body th").all_text_contents()
    assert hours[0] == "12:00\u201313:00" and len(hours) == 13  # newest first
