"""A filter's lists over the days at a range's ends (storage/record_lists.py): each day's rare
pages, referrers and campaigns fold into "(other)" as that day's month's pairs fold them, so
a month gives the same lists read whole or as days, and ranges add up; a stretch of a month
whose other days are fewer is read as the month's pairs less those days. Both backends."""

import random
from types import SimpleNamespace

import pytest
from footfall import combined, counting, record_sums, records
from footfall.bounds import OTHER, PAIRED_TOP
from footfall.storage import bulk, database, day_records, month_pairs, record, record_lists
from footfall_testing import BROWSER_UA, NOON_DAY
from storage_testing import RULES, UTC, month_pairs_of

pytestmark = pytest.mark.both_backends

TODAY = NOON_DAY.isoformat()
OCTOBER = [f"2026-10-{day:02d}" for day in range(1, 11)]
PROFILES = (
    {"browser": "Firefox", "os": "Linux", "device": "desktop", "country": "DE", "language": "de"},
    {"browser": "Chrome", "os": "Windows", "device": "desktop", "country": "DE", "language": "en"},
    {"browser": "Chrome", "os": "Android", "device": "mobile", "country": "FR", "language": "fr"},
)
# More pages a day than a month's pairs keep by name (bounds.PAIRED_TOP), most read by one or
# two visitors: those fold into "(other)" under a filter.
PAGES = [f"/p{n}" for n in range(PAIRED_TOP + 30)]
REFS = ("", "https://news.example/x", "https://search.example/")


def day_hits(day, seed=1):
    """[record.Hit] of one day: 90 visitors of 1 to 3 views over a skewed choice of pages."""
    rng = random.Random(f"{day} {seed}")
    hits = []
    for n in range(90):
        ts = counting.day_start(day, UTC) + rng.randrange(0, 20 * 3600)
        for _ in range(rng.randint(1, 3)):
            page = PAGES[min(int(rng.expovariate(1 / 25)), len(PAGES) - 1)]
            hits.append(record.Hit(ts, day, "example.com", page, rng.choice(REFS),
                                   f"192.0.2.{n + 1}", BROWSER_UA, PROFILES[n % 3]))
            ts += rng.randrange(120, 900)
    return sorted((hit for hit in hits if hit.day == day), key=lambda hit: hit.ts)


@pytest.fixture
def october(db_path):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(day) for day in OCTOBER], RULES, TODAY)
    yield conn
    conn.close()


def whole_seconds(lists):
    """Lists with their seconds as whole milliseconds: a month's pairs hold them so."""
    return {dim: {value: counts[:4] + [int(round(counts[4] * 1000)), counts[5]]
                  for value, counts in of_dim.items()}
            for dim, of_dim in lists.items()}


def test_a_filters_lists_of_a_months_days_fold_rare_pages_as_its_pairs_do(october):
    as_days = record_lists.folded_lists(october, [("2026-10-01", "2026-10-31")], None,
                                        "browser", "Chrome")
    as_month = month_pairs.lists(october, "browser", "Chrome", "2026-10", "2026-10")
    assert "browser" not in as_month  # a filter's own list is its unfiltered row, not a pair
    assert OTHER in as_days["page"]  # the days did fold pages...
    assert len(as_days["page"]) < len(PAGES)  # ...that a plain count lists by name
    assert whole_seconds(as_days) == whole_seconds(as_month)


@pytest.mark.parametrize("first,last", [
    ("2026-10-02", "2026-10-31"), ("2026-10-01", "2026-10-09"), ("2026-10-03", "2026-10-10"),
    ("2026-10-04", "2026-10-06"), ("2026-10-05", "2026-10-05"), ("2026-09-20", "2026-10-08")])
@pytest.mark.parametrize("filter_name,filter_value", [
    ("browser", "Chrome"), ("country", "FR"), ("page", "/p1"), ("page", "/p10"),
    ("ref", "news.example")])
def test_a_range_reads_the_same_lists_as_its_days_however_it_is_read(
        october, first, last, filter_name, filter_value):
    read = record_lists.range_lists(october, [(first, last)], None, filter_name, filter_value,
                                    TODAY)
    counted = record_lists.folded_lists(october, [(first, last)], None, filter_name,
                                        filter_value)
    assert read == counted
    assert read  # every one of these filters holds visits in these days


def test_a_stretch_with_fewer_other_days_reads_their_records_not_its_own(october, read_ranges):
    lists = record_lists.range_lists(october, [("2026-10-02", "2026-10-31")], None, "browser",
                                     "Chrome", TODAY)
    assert read_ranges == [("2026-10-01", "2026-10-01")]
    assert lists["page"]


def test_a_month_with_an_ended_day_without_records_is_read_from_its_days(
        october, read_ranges, monkeypatch):
    # A day with views but no records (summed up before footfall kept records): the month's
    # pairs hold what records cannot take out, so the stretch is counted from its own days
    # (here those of the month's first half: days 2 to 10).
    database.in_transaction(october, lambda conn: conn.execute(
        "delete from day_records where day = '2026-10-01'"))
    pairs_read = []
    monkeypatch.setattr(month_pairs, "lists", lambda *args: pairs_read.append(args))
    read = record_lists.range_lists(october, [("2026-10-02", "2026-10-31")], None, "browser",
                                    "Chrome", TODAY)
    assert pairs_read == []
    assert read_ranges == [("2026-10-01", "2026-10-15")]
    assert read == record_lists.folded_lists(october, [("2026-10-02", "2026-10-31")], None,
                                             "browser", "Chrome")


def test_a_filters_pages_add_up_across_ranges(october, app):
    def pages(first, last):
        answer = app(query=f"from={first}&to={last}&browser=Chrome&limit=500").json()
        return {row["page"]: (row["visitors"], row["pageviews"]) for row in answer["pages"]}

    first_day, rest = pages("2026-10-01", "2026-10-01"), pages("2026-10-02", "2026-10-31")
    month = pages("2026-10-01", "2026-10-31")  # read whole: the month's pairs
    added = {}
    for part in (first_day, rest):
        for page, (visitors, pageviews) in part.items():
            before = added.get(page, (0, 0))
            added[page] = (before[0] + visitors, before[1] + pageviews)
    assert OTHER in month
    assert added == month


def test_a_days_csv_pages_under_a_filter_fold_as_its_answer_does(october, app):
    day = "2026-10-04"
    answer = app(query=f"from={day}&to={day}&browser=Chrome&limit=500").json()
    listed = {row["page"]: row["pageviews"] for row in answer["pages"]}
    csv = app(query=f"from={day}&to={day}&browser=Chrome&format=csv").body.decode()
    in_csv = {}
    for line in csv.splitlines()[1:]:
        fields = line.split(",")
        in_csv[fields[1]] = int(fields[3])
    assert OTHER in listed
    assert in_csv == listed


def test_a_filter_on_a_page_rare_on_a_day_lists_nothing_of_that_day(october):
    # A page read by one or two visitors outside the day's top: its pairs are "(other)"'s, so
    # its lists over that day hold nothing, read as a month or as days; its series and
    # totals (daily rows, not pairs) still count it.
    ids = day_records.find_ids(october, {"page": "/p60"})
    plain = record_sums.Tally({"page": "/p60"})
    for day, views, _events in day_records.in_range(october, "2026-10-04", "2026-10-06"):
        plain.add_views(day, views, ids)
    assert plain.per_day  # it was read on those days...
    assert record_lists.folded_lists(october, [("2026-10-04", "2026-10-06")], None, "page",
                                     "/p60") == {}  # ...and folded on each


def test_records_number_the_pages_and_the_fold_keeps_each_days_total(october):
    # What the fold moves stays counted: under one filter, a day's pageviews are the same
    # folded or not.
    ids = day_records.find_ids(october, {"browser": "Chrome"})
    plain = record_sums.Tally({"browser": "Chrome"})
    for day, views, _events in day_records.in_range(october, "2026-10-01", "2026-10-10"):
        plain.add_views(day, views, ids)
    folded = record_lists.folded_lists(october, [("2026-10-01", "2026-10-10")], None,
                                       "browser", "Chrome")
    assert sum(c[1] for c in folded["page"].values()) == plain.sums()[0][1]


def test_every_sites_lists_are_read_alike_from_months_less_days_and_from_days(db_path):
    # Two sites: a month's pairs and records are kept per site, folded per day and site.
    conn = database.connect(db_path)
    days = []
    for day in OCTOBER:
        hits = day_hits(day) + [
            record.Hit(hit.ts, hit.day, "shop.example", hit.page, hit.ref, hit.ip,
                       hit.user_agent, hit.traits) for hit in day_hits(day, seed=2)[::2]]
        days.append(sorted(hits, key=lambda hit: hit.ts))
    bulk.record_days(conn, days, RULES, TODAY)
    for site in (None, "example.com", "shop.example"):
        read = record_lists.range_lists(conn, [("2026-10-02", "2026-10-31")], site, "browser",
                                        "Chrome", TODAY)
        counted = record_lists.folded_lists(conn, [("2026-10-02", "2026-10-31")], site,
                                            "browser", "Chrome")
        assert read == counted
        assert read["page"]
    conn.close()


def test_a_day_summed_up_in_two_parts_leaves_its_month_the_pairs_of_one_day(db_path):
    # Two imports of a log split mid-day (logrotate's morning): the day ends with the first
    # and is summed up again with the second. Its month's pairs fold it as one day, as a read
    # of its records does: the month read whole and read as days give the same lists.
    conn = database.connect(db_path)
    hits = day_hits("2026-10-05")
    bulk.record_days(conn, [day_hits("2026-10-04"), hits[:len(hits) // 2]], RULES, TODAY)
    bulk.record_days(conn, [hits[len(hits) // 2:]], RULES, TODAY)
    as_days = record_lists.folded_lists(conn, [("2026-10-01", "2026-10-31")], None, "browser",
                                        "Chrome")
    as_month = month_pairs.lists(conn, "browser", "Chrome", "2026-10", "2026-10")
    conn.close()
    assert "browser" not in as_month  # the filter's own list is its unfiltered row, not a pair
    assert OTHER in as_days["page"]
    assert whole_seconds(as_days) == whole_seconds(as_month)


def test_a_day_summed_up_again_whose_month_lacks_its_pairs_leaves_no_count_below_zero(db_path):
    # A month whose pairs do not hold what the day's records fold to (its parts folded apart
    # by an older footfall; here, the month's rows gone): the new part is added alone.
    conn = database.connect(db_path)
    hits = day_hits("2026-10-05")
    bulk.record_days(conn, [hits[:len(hits) // 2]], RULES, TODAY)
    database.in_transaction(conn, lambda conn: conn.execute("delete from monthly_pairs"))
    bulk.record_days(conn, [hits[len(hits) // 2:]], RULES, TODAY)
    pairs_of = month_pairs_of(conn)
    conn.close()
    assert pairs_of  # the second part's pairs
    assert all(min(counts) >= 0 for counts in pairs_of.values())


class _CountingStrings:
    """A connection that counts the names its statements read from the strings table."""

    def __init__(self, conn):
        self.conn, self.strings_read = conn, 0

    def execute(self, sql, params=()):
        cursor = self.conn.execute(sql, params)
        if "value from strings" not in sql:
            return cursor
        rows = cursor.fetchall()
        self.strings_read += len(rows)
        return _Rows(rows)

    def __getattr__(self, name):
        return getattr(self.conn, name)


class _Rows(list):
    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


def test_a_filters_lists_read_the_names_they_list_not_every_string_ever_kept(october):
    # A year of referrer spam leaves the strings table 100,000 hosts that no month's list shows;
    # a GET that read the table whole took 0.4 s instead of 8 ms (docs/storage.md).
    held = october.execute("select count(*) from strings").fetchone()[0]
    spam = [{"dim": records.DIM_NUMBER["ref"], "id": 10_000 + n, "value": f"spam{n}.example"}
            for n in range(3000)]  # past day_records.Names.whole_below
    database.in_transaction(october, lambda conn: conn.executemany(day_records.INSERT_STRING,
                                                                     spam))
    # One filter: the month's pairs less its first two days, each naming what it lists
    # (month_pairs.lists, then folded_lists), the filter's value found by its name.
    one = _CountingStrings(october)
    lists = record_lists.range_lists(one, [("2026-10-03", "2026-10-31")], None, "browser",
                                     "Chrome", TODAY)
    assert lists["page"] and lists["ref"]
    assert 0 < one.strings_read <= 2 * held + 1
    # Two filters: the days' records, named once.
    two = _CountingStrings(october)
    sums = combined.sums(two, SimpleNamespace(
        filters={"browser": "Chrome", "device": "desktop"}, first="2026-10-01",
        last="2026-10-10", today=TODAY, site=None))[0]
    assert sums["lists"]["page"] and sums["lists"]["ref"]
    assert 0 < two.strings_read <= held + 2


def test_names_read_by_number_are_the_names_the_whole_table_gives(october):
    page = records.DIM_NUMBER["page"]
    more = [{"dim": page, "id": 5000 + n, "value": f"/more/{n}"} for n in range(250)]
    database.in_transaction(october, lambda conn: conn.executemany(day_records.INSERT_STRING,
                                                                     more))
    whole = day_records.Strings(october)
    ids = [id_ for dim, id_ in whole.names if dim == page] + [99_999]  # and one never kept
    reading = _CountingStrings(october)
    names = day_records.Names(reading)
    names.whole_below = 100  # a dimension of more strings is read by number, 100 at a time
    names.prefetch(page, ids)
    assert [names.name_of(page, id_) for id_ in ids] == [whole.name_of(page, id_) for id_ in ids]
    assert names.name_of(page, 99_999) == "" and names.name_of(page, 0) == ""
    assert reading.strings_read == len(ids) - 1  # each kept name read once
    small = _CountingStrings(october)
    names = day_records.Names(small)  # traits: a few strings, read whole
    browser = records.DIM_NUMBER["browser"]
    assert names.name_of(browser, 1) == whole.name_of(browser, 1) != ""
    assert small.strings_read == sum(1 for dim, _ in whole.names if dim == browser)
