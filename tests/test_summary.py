"""A day's visits summed up (summary.py): the fast summary equals the definitions, written here
the plain way, for any day of views; and a worked example with its numbers written out."""

from footfall import summary
from hypothesis import given, settings
from hypothesis import strategies as st

VIEW = st.tuples(
    st.integers(0, 6).map(lambda n: bytes([n])),  # visitor
    st.floats(0, 86399),  # ts
    st.sampled_from(["/", "/a", "/b"]),  # page
    st.sampled_from(["", "news.example", "newsletter"]),  # ref
    st.sampled_from(["Firefox", "Chrome"]),  # browser
    st.sampled_from(["", "DE"]),  # country
    st.sampled_from(["", "spring"]),  # campaign
    st.integers(0, 120),  # seconds
    st.booleans(),  # timed
)


def views_of(rows):
    return [summary.View(visitor, b"m" + visitor, ts, int(ts // 3600), page, ref, browser,
                         "Linux", "desktop", country, "de", campaign, float(seconds),
                         int(timed))
            for visitor, ts, page, ref, browser, country, campaign, seconds, timed in rows]


def by_definition(views):
    """The definitions of docs/insights.md, one number at a time."""
    visits = {}
    for view in sorted(views, key=lambda v: v.ts):
        visits.setdefault(view.visitor, []).append(view)
    keys = {("", "")} | {(dim, getattr(v, dim)) for v in views for dim in summary.DIMENSIONS
                         if getattr(v, dim)}
    rows = {}
    for f, fv in keys:
        for visit in visits.values():
            matching = [v for v in visit if not f or getattr(v, f) == fv]
            if not matching:
                continue
            entry, bounced = visit[0].page, len(visit) == 1
            timed = [v for v in matching if v.timed]
            total = rows.setdefault((f, fv, "", ""), [0] * 6)
            for i, n in enumerate((1, len(matching), 0, int(bounced),
                                   sum(v.seconds for v in timed), 1 if timed else 0)):
                total[i] += n
            for dim in summary.LISTED:
                values = {str(getattr(v, dim)) if dim == "hour" else getattr(v, dim)
                          for v in matching}
                for value in values:
                    if not value:
                        continue
                    of_value = [v for v in matching
                                if (str(v.hour) if dim == "hour" else getattr(v, dim)) == value]
                    row = rows.setdefault((f, fv, dim, value), [0] * 6)
                    if dim == "hour":
                        row[0] += int(str(matching[0].hour) == value)
                        row[1] += len(of_value)
                        continue
                    is_entry = dim == "page" and value == entry
                    timed_views = [v for v in of_value if v.timed]
                    for i, n in enumerate((1, len(of_value), int(is_entry),
                                           int(is_entry and bounced),
                                           sum(v.seconds for v in timed_views), len(timed_views))):
                        row[i] += n
    return rows


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(VIEW, min_size=1, max_size=30))
def test_the_summary_equals_its_definitions(rows):
    views = views_of(rows)
    fast, uniques = summary.summarize(views)
    assert fast == by_definition(views)
    assert uniques[("", "")] == {b"m" + v.visitor for v in views}


def test_a_worked_day():
    # Visitor 1 enters on / from news.example with Firefox, reads /a for 30 s; visitor 2 (Chrome)
    # reads / only and bounces.
    views = views_of([(b"\x01", 10.0, "/", "news.example", "Firefox", "DE", "", 0, False),
                      (b"\x01", 20.0, "/a", "", "Firefox", "DE", "", 30, True),
                      (b"\x02", 3700.0, "/", "", "Chrome", "", "", 0, False)])
    rows, uniques = summary.summarize(views)
    assert rows[("", "", "", "")] == [2, 3, 0, 1, 30.0, 1]
    assert rows[("", "", "page", "/")] == [2, 2, 2, 1, 0, 0]
    assert rows[("", "", "page", "/a")] == [1, 1, 0, 0, 30.0, 1]
    assert rows[("", "", "hour", "0")] == [1, 2, 0, 0, 0, 0]
    assert rows[("", "", "hour", "1")] == [1, 1, 0, 0, 0, 0]
    assert rows[("browser", "Firefox", "page", "/a")] == [1, 1, 0, 0, 30.0, 1]
    assert rows[("ref", "news.example", "", "")] == [1, 1, 0, 0, 0, 0]
    assert rows[("ref", "news.example", "page", "/")] == [1, 1, 1, 0, 0, 0]
    assert ("browser", "Chrome", "page", "/a") not in rows
    assert uniques[("country", "DE")] == {b"m\x01"}


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(VIEW, min_size=1, max_size=30),
       only=st.sampled_from([("", ""), ("page", "/a"), ("browser", "Firefox"), ("ref", "newsletter"),
                             ("country", "DE"), ("campaign", "spring")]))
def test_summing_up_one_filter_gives_that_filters_rows_of_the_whole_summary(rows, only):
    views = views_of(rows)
    everything, all_uniques = summary.summarize(views)
    just_one, uniques = summary.summarize(views, only=only)
    assert just_one == {key: counts for key, counts in everything.items() if key[:2] == only}
    assert uniques.get(only) == all_uniques.get(only)


# Fractional seconds (a float sum's last bits hang on its order) and visitors that share their
# browser and country: the summary adds visits sharing a visitor's traits together, and must
# still give each row the very sum the definitions give, visit by visit. The views come in time
# order, as a day's views do, so that both take the visits in the same order.
MANY_VIEWS = st.tuples(
    st.integers(0, 40).map(lambda n: bytes([n])),  # visitor
    st.floats(0, 86399),  # ts
    st.sampled_from(["/", "/a", "/b", "/c"]),  # page
    st.sampled_from(["", "news.example"]),  # ref
    st.sampled_from(["Firefox", "Chrome"]),  # browser
    st.sampled_from(["", "DE"]),  # country
    st.sampled_from(["", "spring"]),  # campaign
    st.floats(0, 600),  # seconds
    st.booleans(),  # timed
)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(MANY_VIEWS, min_size=1, max_size=80))
def test_the_summary_of_many_visits_with_fractional_seconds_equals_its_definitions(rows):
    views = views_of(sorted(rows, key=lambda row: row[1]))
    fast, uniques = summary.summarize(views)
    assert fast == by_definition(views)
    for f, fv in {("", ""), ("browser", "Firefox"), ("country", "DE"), ("page", "/a")}:
        matching = {b"m" + v.visitor for v in views if not f or getattr(v, f) == fv}
        assert uniques.get((f, fv), set()) == matching


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(MANY_VIEWS, min_size=1, max_size=80))
def test_an_ended_days_summary_is_the_whole_summarys_unfiltered_rows_and_filter_totals(rows):
    # What an ended day stores (breakdowns.add_summary: no filter's lists, no hours, which
    # hourly_site holds): the very rows, sums and order of the whole summary, with fractional
    # seconds.
    views = views_of(sorted(rows, key=lambda row: row[1]))
    packed, seconds, uniques = summary.summarize_packed(views)
    day_packed, day_seconds, day_uniques = summary.summarize_packed(views, lists=False)
    assert list(day_packed.items()) == [(key, counts) for key, counts in packed.items()
                                        if not (key[0] and key[2]) and key[2] != "hour"]
    assert list(day_seconds.items()) == [(key, more) for key, more in seconds.items()
                                         if not (key[0] and key[2])]
    assert day_uniques == uniques
