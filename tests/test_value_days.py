"""A value's ended day stored once (storage/value_days.py, schema 25): the unfiltered list row
of a browser, country ... holds its filter's totals too (its bounced and timed visits in two
columns of its own), and the totals row is not stored where the two meet; a pair that does not
meet keeps its two rows; a day summed up twice, or copied onto, is exact; migration 25 merges
every pair with every answer kept. Both backends."""

import pytest
from footfall.storage import breakdown_reader, bulk, copies, database, record, value_days
from footfall_testing import NOON_DAY
from storage_testing import RULES, rows
from test_page_days import VISITS, day_hits

pytestmark = pytest.mark.both_backends

TODAY = NOON_DAY.isoformat()
DAY = "2026-10-05"
# The browser's and country's rows of the day: list rows, then filter totals rows.
TRAIT_ROWS = ("select filter, filter_value, dim, value, visitors, pageviews, entries, bounces,"
              " seconds, timed, visit_bounces, visit_timed from daily_breakdown"
              " where (filter = '' and dim in ('browser', 'country'))"
              " or (filter in ('browser', 'country') and dim = '')"
              " order by filter, filter_value, dim, value")
TOTALS_ROWS = ("select count(*) from daily_breakdown"
               " where filter not in ('', 'page') and dim = '' and value = ''")


def firefox(conn, day=DAY):
    """(browser=Firefox's totals of the day, its day series) as the reader gives them."""
    reader = breakdown_reader.Reader(conn, day, day, None, "browser", "Firefox", TODAY, None)
    return reader.totals(""), reader.per_day("")


def test_an_ended_values_list_row_holds_its_filters_totals(db_path):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(DAY, VISITS)], RULES, TODAY)
    # Three visitors, four views; two visits bounced; no time reported.
    assert rows(conn, TRAIT_ROWS) == [("", "", "browser", "Firefox", 3, 4, 0, 0, 0, 0, 2, 0),
                                      ("", "", "country", "DE", 3, 4, 0, 0, 0, 0, 2, 0)]
    assert firefox(conn) == ({"": [3, 4, 0, 2, 0, 0]}, {DAY: {"": [3, 4, 0, 2, 0, 0]}})


def test_a_day_summed_up_twice_keeps_its_pairs_as_one_row_each(db_path):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(DAY, VISITS)], RULES, TODAY)
    # A second log of the same day (imports.py): two more visitors, one bounce.
    bulk.record_days(conn, [day_hits(DAY, [["/pricing"], ["/", "/pricing"]], 20)], RULES, TODAY)
    assert rows(conn, TRAIT_ROWS) == [("", "", "browser", "Firefox", 5, 7, 0, 0, 0, 0, 3, 0),
                                      ("", "", "country", "DE", 5, 7, 0, 0, 0, 0, 3, 0)]
    assert firefox(conn) == ({"": [5, 7, 0, 3, 0, 0]}, {DAY: {"": [5, 7, 0, 3, 0, 0]}})


def test_a_pair_that_does_not_meet_keeps_its_two_rows(db_path):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(DAY, VISITS)], RULES, TODAY)

    def apart(conn):  # as an older footfall's import could leave them: other visitors
        value_days.split(conn, DAY)
        conn.execute("update daily_breakdown set visitors = 9 where filter = 'browser'")

    database.in_transaction(conn, apart)
    database.in_transaction(conn, lambda conn: value_days.merge(conn, DAY))
    assert rows(conn, TRAIT_ROWS) == [
        ("", "", "browser", "Firefox", 3, 4, 0, 0, 0, 0, None, None),
        ("", "", "country", "DE", 3, 4, 0, 0, 0, 0, 2, 0),
        ("browser", "Firefox", "", "", 9, 4, 0, 2, 0, 0, None, None)]
    assert firefox(conn) == ({"": [9, 4, 0, 2, 0, 0]}, {DAY: {"": [9, 4, 0, 2, 0, 0]}})


def test_a_day_copied_onto_the_same_ended_day_adds_up(db_path, tmp_path):
    source = database.connect(str(tmp_path / "source.db"))
    bulk.record_days(source, [day_hits(DAY, [["/pricing"], ["/", "/pricing"]], 20)], RULES,
                     TODAY)
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(DAY, VISITS)], RULES, TODAY)
    copies.copy_day(source, conn, DAY)  # as scripts/migrate_db.py --add does
    assert rows(conn, TOTALS_ROWS) == [(0,)]
    assert firefox(conn) == ({"": [5, 7, 0, 3, 0, 0]}, {DAY: {"": [5, 7, 0, 3, 0, 0]}})
    assert copies.day_totals(conn, DAY, DAY) != {}


QUERIES = [f"from={first}&to={last}{more}"
           for first, last in (("2026-10-01", "2026-10-31"), ("2026-10-04", "2026-10-17"),
                               ("2026-10-17", "2026-10-17"), ("2026-09-28", TODAY))
           for more in ("", "&browser=Firefox", "&country=DE", "&browser=Firefox&country=DE",
                        "&page=/", "&format=csv", "&browser=Firefox&format=csv")]


def test_migration_25_merges_each_pair_with_every_answer_kept(db_path, app):
    conn = database.connect(db_path)
    bulk.record_days(conn, [day_hits(day, VISITS + [["/blog/a", "/"]] * (n + 1))
                            for n, day in enumerate(("2026-10-04", "2026-10-05", "2026-10-17"))],
                     RULES, TODAY)
    record.record_hits(conn, day_hits(TODAY, VISITS), RULES)

    def one_apart(conn):  # a pair that does not meet: other visitors in its totals row
        value_days.split(conn, "2026-10-17")
        conn.execute("update daily_breakdown set visitors = 9 where filter = 'country'"
                     " and day = '2026-10-17'")
        value_days.merge(conn, "2026-10-17")

    database.in_transaction(conn, one_apart)
    before = {query: app(query=query).body for query in QUERIES}

    def back_to_24(conn):  # schema 24's rows: each pair as its two rows
        for day in ("2026-10-04", "2026-10-05", "2026-10-17"):
            value_days.split(conn, day)
        for column in ("visit_bounces", "visit_timed"):
            conn.execute(f"alter table daily_breakdown drop column {column}")
        conn.execute("pragma user_version = 24")

    database.in_transaction(conn, back_to_24)
    assert rows(conn, TOTALS_ROWS) == [(6,)]
    conn.close()
    conn = database.connect(db_path)  # migrates
    assert rows(conn, "select day, filter, filter_value, visitors from daily_breakdown"
                      " where filter not in ('', 'page') and dim = '' and value = ''") == [
        ("2026-10-17", "country", "DE", 9)]
    conn.close()
    assert {query: app(query=query).body for query in QUERIES} == before
