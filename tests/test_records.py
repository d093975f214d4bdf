"""The day records (footfall/records.py, storage/day_records.py) and a GET with two filters or
more (footfall/combined.py): every number against a plain count of the same hits, on both
backends; what a day's stored records hold (no visitor hash, rows sorted by value); the fold
of rare traits; the HTTP contract of two and three filters and their CSV."""

import random
import zlib

import pytest
from footfall import columns, counting, records
from footfall.storage import bulk, days, record
from footfall_testing import BROWSER_UA, NOON_DAY
from storage_testing import RULES, UTC

pytestmark = pytest.mark.both_backends

TODAY = NOON_DAY.isoformat()
DAY_1, DAY_2, DAY_3 = "2026-11-25", "2026-11-26", "2026-11-27"
# Each visitor has one of these, so every trait and every mix is held by at least K visits of
# a day: nothing is folded, and the records count exactly what the definitions say.
PROFILES = (
    {"browser": "Firefox", "os": "Linux", "device": "desktop", "country": "DE", "language": "de"},
    {"browser": "Chrome", "os": "Windows", "device": "desktop", "country": "DE", "language": "en"},
    {"browser": "Chrome", "os": "Android", "device": "mobile", "country": "FR", "language": "fr"},
    {"browser": "Safari", "os": "iOS", "device": "mobile", "country": "US", "language": ""},
)
PAGES = ("/", "/pricing", "/blog/a", "/blog/b")
REFS = ("", "https://news.example/x", "https://search.example/?q=1")
CAMPAIGNS = ({}, {"campaign": "spring", "source": "mail"})


def day_start(day):
    return counting.day_start(day, UTC)


def generated_hits(day, seed, visitors=24):
    """[record.Hit] of one day, oldest first: each visitor 1 to 4 views a few minutes apart."""
    rng = random.Random(f"{day} {seed}")
    hits = []
    for n in range(visitors):
        ts = day_start(day) + rng.randrange(0, 20 * 3600)
        profile = PROFILES[n % len(PROFILES)]
        for _ in range(rng.randint(1, 4)):
            traits = dict(profile, **rng.choice(CAMPAIGNS))
            hits.append(record.Hit(ts, day, "example.com", rng.choice(PAGES), rng.choice(REFS),
                                   f"192.0.2.{n + 1}", BROWSER_UA, traits))
            ts += rng.randrange(120, 900)
    hits = [hit for hit in hits if hit.day == counting.day_of(hit.ts, UTC)]
    hits.sort(key=lambda hit: hit.ts)
    return hits


def stored_site(conn):
    """Four days of generated hits: two counted in bulk, one live and ended by the next day's
    first request, today's live (with seconds on some views). The counted hits, each with its
    visible seconds (None: none reported)."""
    counted = []
    bulk_days = [generated_hits(DAY_1, 1), generated_hits(DAY_2, 2)]
    for hits, reasons in zip(bulk_days, bulk.record_days(conn, bulk_days, RULES, DAY_3)):
        counted += [(hit, None) for hit, reason in zip(hits, reasons) if reason is None]
    for day, seed in ((DAY_3, 3), (TODAY, 4)):
        for hit in generated_hits(day, seed):
            if record.record_hit(conn, hit, RULES, lambda d=day: d) is None:
                counted.append([hit, None])
        days.close_ended_days(conn, counting.next_day(day) if day != TODAY else TODAY)
    latest = {}  # a beacon adds to the visitor's latest view of the page
    for entry in counted:
        if entry[0].day == TODAY:
            latest[entry[0].ip, entry[0].page] = entry
    for entry in list(latest.values())[::3]:
        hit = entry[0]
        beacon = record.Hit(hit.ts + 50, TODAY, hit.site, hit.page, "", hit.ip, hit.user_agent)
        if record.record_seconds(conn, beacon, 40, lambda: TODAY) is None:
            entry[1] = 40.0
    return counted


def by_definition(counted, first, last, filters):
    """The numbers the definitions (docs/insights.md) give for days first..last under filters:
    visits are a day's views of one visitor; a visit's traits are its first view's."""
    visits = {}
    for hit, seconds in counted:
        if first <= hit.day <= last:
            visits.setdefault((hit.day, hit.ip), []).append((hit, seconds))
    per_day, totals = {}, [0, 0, 0, 0, 0]
    lists = {dim: {} for dim in records.VALUES + ("hour",)}
    for (day, _ip), visit in visits.items():
        visit.sort(key=lambda entry: entry[0].ts)
        traits = visit[0][0].traits
        views = [dict(_values(hit, traits), seconds=seconds) for hit, seconds in visit]
        matching = [v for v in views if all(v[name] == value for name, value in filters.items())]
        if not matching:
            continue
        bounced, timed = len(views) == 1, [v for v in matching if v["seconds"] is not None]
        counts = per_day.setdefault(day, [0, 0])
        counts[0] += 1
        counts[1] += len(matching)
        _add(totals, (1, len(matching), int(bounced), sum(v["seconds"] for v in timed),
                      1 if timed else 0))
        for dim in records.VALUES + ("hour",):
            for value in {v[dim] for v in matching if v[dim] != ""}:
                of_value = [v for v in matching if v[dim] == value]
                is_entry = dim == "page" and value == views[0]["page"]
                timed_views = [v for v in of_value if v["seconds"] is not None]
                first_hour = dim == "hour" and matching[0]["hour"] == value
                _add(lists[dim].setdefault(value, [0] * 6),
                     (int(dim != "hour" or first_hour), len(of_value), int(is_entry),
                      int(is_entry and bounced), sum(v["seconds"] for v in timed_views),
                      len(timed_views)))
    return per_day, totals, lists


def _values(hit, traits):
    values = {dim: traits.get(dim, "") for dim in records.PER_VISIT}
    values.update(page=hit.page, ref=hit.referral(), campaign=hit.traits.get("campaign", ""),
                  hour=counting.hour_of(hit.ts, UTC))
    return values


def _add(into, counts):
    for i, n in enumerate(counts):
        into[i] += n


LIST_NAMES = {"page": "pages", "ref": "referrers", "campaign": "campaigns", "browser": "browsers",
              "os": "systems", "device": "devices", "country": "countries",
              "language": "languages"}


def answered(response):
    """(per_day, totals, lists) of a GET's answer, in by_definition's shape."""
    answer = response.json()
    per_day = {counting.day_of_ms(ms): [v, p] for (ms, v), (_, p)
               in zip(answer["visitors"], answer["pageviews"]) if v or p}
    lists = {}
    for dim, name in LIST_NAMES.items():
        lists[dim] = {entry[dim]: [entry["visitors"], entry["pageviews"]]
                      + ([entry["entries"], entry["bounces"]] if dim == "page" else [])
                      for entry in answer[name]}
    return answer, per_day, lists


def expected_lists(lists):
    return {dim: {value: counts[:4] if dim == "page" else counts[:2]
                  for value, counts in lists[dim].items()} for dim in LIST_NAMES}


PAIRS = [
    pytest.param({"page": "/pricing", "country": "DE"}, id="page-x-country"),
    pytest.param({"browser": "Chrome", "device": "desktop"}, id="browser-x-device"),
    pytest.param({"ref": "news.example", "campaign": "spring"}, id="ref-x-campaign"),
    pytest.param({"page": "/blog/a", "country": "DE", "language": "de"}, id="three-filters"),
    pytest.param({"page": "/never-seen", "country": "DE"}, id="a-value-never-seen"),
]


def query_of(filters, **more):
    from urllib.parse import urlencode

    return urlencode(dict(filters, **more))


@pytest.mark.parametrize("filters", PAIRS)
def test_two_filters_count_every_number_as_the_definitions_do(conn, app, filters):
    counted = stored_site(conn)
    response = app(query=query_of(filters, **{"from": DAY_1, "to": TODAY, "limit": 500}))
    answer, per_day, lists = answered(response)
    want_days, want_totals, want_lists = by_definition(counted, DAY_1, TODAY, filters)
    assert response.status == 200
    assert per_day == want_days
    totals = answer["totals"]
    assert [totals["visitors"], totals["pageviews"], totals["bounces"], totals["timed"]] == \
        [want_totals[0], want_totals[1], want_totals[2], want_totals[4]]
    assert totals["seconds"] == (round(want_totals[3] / want_totals[4], 1)
                                 if want_totals[4] else None)
    languages = sum(c[0] for value, c in want_lists["language"].items())
    assert totals["without_language"] == want_totals[0] - languages
    assert lists == expected_lists(want_lists)
    assert (totals["unique"], totals["unique_by"]) == (None, None)
    assert answer["filter"] == filters
    assert "records_from" not in answer


@pytest.mark.parametrize("day", [DAY_3, TODAY])
def test_hours_of_one_day_under_two_filters_are_the_definitions(conn, app, day):
    counted = stored_site(conn)
    filters = {"browser": "Chrome", "device": "desktop"}
    answer = app(query=query_of(filters, **{"from": day, "to": day})).json()
    want = by_definition(counted, day, day, filters)[2]["hour"]
    got = {hour: [v, p] for hour, ((_, v), (_, p))
           in enumerate(zip(answer["hours"]["visitors"], answer["hours"]["pageviews"])) if v or p}
    assert got == {hour: counts[:2] for hour, counts in want.items()}


def test_a_days_stored_records_hold_no_visitor_hash_and_rows_sorted_by_value(conn):
    stored_site(conn)
    blobs = conn.execute("select views, events from day_records where day = :day",
                         {"day": DAY_3}).fetchall()
    hashes = [bytes(v) for (v,) in conn.execute(
        "select unique_visitor from views where day = :day", {"day": TODAY}).fetchall()]
    assert len(blobs) == 1
    view_columns = columns.unpack(bytes(blobs[0][0]), records.VIEW_WIDTH)
    rows = list(zip(*view_columns))
    assert len(view_columns) == records.VIEW_WIDTH  # values, hour, seconds, flags: nothing else
    assert rows == sorted(rows)
    assert all(h not in bytes(blobs[0][0]) for h in hashes)
    assert conn.execute("select count(*) from views where day < :day",
                        {"day": TODAY}).fetchone()[0] == 0


def test_a_days_view_records_are_stored_with_their_page_column_as_deltas(conn):
    stored_site(conn)
    blobs = conn.execute("select views from day_records").fetchall()
    # the delta form ("2"), then the page's deltas as signed bytes
    assert {zlib.decompress(bytes(blob))[4:6] for (blob,) in blobs} == {b"2b"}


def test_a_lone_visitors_rare_mix_of_traits_reads_as_other(conn, app):
    hits = generated_hits(DAY_3, 9)
    lone = {"browser": "Opera", "os": "Haiku", "device": "desktop", "country": "IS",
            "language": "is", "campaign": "spring", "source": "mail"}
    hits.append(record.Hit(day_start(DAY_3) + 23 * 3600, DAY_3, "example.com", "/pricing", "",
                           "198.51.100.7", BROWSER_UA, lone))
    bulk.record_days(conn, [hits], RULES, TODAY)
    answer = app(query=query_of({"page": "/pricing", "campaign": "spring"},
                                **{"from": DAY_3, "to": DAY_3})).json()
    browsers = {entry["browser"] for entry in answer["browsers"]}
    countries = {entry["country"] for entry in answer["countries"]}
    assert "(other)" in browsers and "Opera" not in browsers
    assert "(other)" in countries and "IS" not in countries
    alone = app(query=query_of({"country": "IS", "device": "desktop"},
                               **{"from": DAY_3, "to": DAY_3})).json()
    assert alone["totals"]["visitors"] == 0


def test_fold_makes_rare_values_then_rare_mixes_other():
    mixes = {1: ("Firefox", "Linux", "desktop", "DE", "de"),
             2: ("Firefox", "Linux", "desktop", "DE", "de"),
             3: ("Firefox", "Linux", "desktop", "DE", "de"),
             4: ("Firefox", "Linux", "desktop", "FR", ""),
             5: ("Firefox", "Linux", "mobile", "FR", ""),
             6: ("Firefox", "Linux", "mobile", "FR", "")}
    assert records.fold(mixes) == {
        1: ("Firefox", "Linux", "desktop", "DE", "de"),
        2: ("Firefox", "Linux", "desktop", "DE", "de"),
        3: ("Firefox", "Linux", "desktop", "DE", "de"),
        # "mobile" is held by two: (other) first. Then the mixes held by fewer than 3 give up
        # language (none to give), system, then device, and three share what is left.
        4: ("Firefox", "(other)", "(other)", "FR", ""),
        5: ("Firefox", "(other)", "(other)", "FR", ""),
        6: ("Firefox", "(other)", "(other)", "FR", ""),
    }


def test_a_rare_mix_gives_up_its_traits_until_k_visits_share_the_rest():
    mixes = {n: ("Chrome", "Windows", "desktop", "DE", lang)
             for n, lang in enumerate(["de", "de", "de", "en", "en", "fr", "fr", "fr", "it"])}
    mixes[9] = ("Chrome", "Windows", "mobile", "DE", "de")
    folded = records.fold(mixes)
    # "it" and "mobile" are held once: (other) outright. The two "en" and the lone "it" mixes
    # are rare: their language goes, and with it their mix is shared by three.
    assert [folded[n] for n in (0, 3, 5, 8)] == [
        ("Chrome", "Windows", "desktop", "DE", "de"),
        ("Chrome", "Windows", "desktop", "DE", "(other)"),
        ("Chrome", "Windows", "desktop", "DE", "fr"),
        ("Chrome", "Windows", "desktop", "DE", "(other)")]
    # The mobile visit's mix is held once: it gives up language, system, device, browser and
    # country before it is shared: by no one, so all five are (other).
    assert folded[9] == ("(other)",) * 5
    held = {}
    for mix in folded.values():
        held[mix] = held.get(mix, 0) + 1
    assert all(n >= records.K for mix, n in held.items() if mix != ("(other)",) * 5)


def test_records_begin_on_the_first_day_stored_and_the_answer_says_so(conn, app):
    stored_site(conn)
    answer = app(query=query_of({"page": "/", "country": "DE"},
                                **{"from": "2026-11-01", "to": TODAY})).json()
    assert answer["records_from"] == DAY_1


def test_event_with_another_filter_is_answered_not_refused(app):
    response = app(query="event=signup&country=DE")
    assert response.status == 200
    assert response.json()["filter"] == {"country": "DE", "event": "signup"}


def test_csv_with_two_filters_gives_each_days_pages_as_the_definitions_do(conn, app):
    counted = stored_site(conn)
    filters = {"country": "DE", "device": "desktop"}
    response = app(query=query_of(filters, **{"from": DAY_2, "to": TODAY, "format": "csv"}))
    lines = response.body.decode().splitlines()
    want = []
    for day in (DAY_2, DAY_3, TODAY):
        pages = by_definition(counted, day, day, filters)[2]["page"]
        want += [f"{day},{page},{c[0]},{c[1]}" for page, c in sorted(pages.items())]
    assert response.status == 200
    assert lines == ["day,page,visitors,pageviews"] + want




def test_csv_with_two_filters_sums_a_days_sites_into_one_row_per_page(conn, app):
    hits = generated_hits(DAY_3, 5)
    twins = [record.Hit(hit.ts, hit.day, "other.example", hit.page, hit.ref, hit.ip,
                        hit.user_agent, hit.traits) for hit in hits]
    bulk.record_days(conn, [sorted(hits + twins, key=lambda hit: hit.ts)], RULES, TODAY)
    filters = {"country": "DE", "device": "desktop"}
    response = app(query=query_of(filters, **{"from": DAY_3, "to": DAY_3, "format": "csv"}))
    pages = by_definition([(hit, None) for hit in hits], DAY_3, DAY_3, filters)[2]["page"]
    assert response.body.decode().splitlines() == ["day,page,visitors,pageviews"] + [
        f"{DAY_3},{page},{2 * c[0]},{2 * c[1]}" for page, c in sorted(pages.items())]


@pytest.mark.sqlite_only
def test_an_imported_logs_days_answer_two_filters(db_path, app):
    import test_import_log as imports

    day = "2026-03-01"
    lines = []
    for n in range(3):
        for agent in (imports.FIREFOX, imports.IPHONE):
            ip = f"203.0.113.{n + 1}" if agent == imports.FIREFOX else f"198.51.100.{n + 1}"
            lines.append(imports.line(ip, day, "/", agent=agent, clock=f"0{n}:00:00"))
            lines.append(imports.line(ip, day, "/about?utm_campaign=spring&utm_source=news",
                                      agent=agent, clock=f"0{n}:05:00"))
    log = db_path + ".log"
    with open(log, "w", encoding="utf-8") as out:
        out.write("".join(lines))
    result = imports.run_import("--db", db_path, "--site", "example.com", "--until",
                                "2026-12-31", log)
    assert result.returncode == 0, result.stderr
    answer = app(query=f"from={day}&to={day}&page=/about&browser=Firefox").json()
    assert answer["totals"]["visitors"] == 3
    assert answer["totals"]["pageviews"] == 3
    assert answer["campaigns"] == [{"campaign": "spring", "visitors": 3, "pageviews": 3}]


def test_a_schema_15_database_keeps_its_counts_and_gains_the_record_tables(db_path, app):
    from footfall.storage import database
    from storage_testing import table_names

    conn = database.connect(db_path)
    bulk.record_days(conn, [generated_hits(DAY_2, 2), generated_hits(DAY_3, 3)], RULES, TODAY)
    queries = [f"from={DAY_2}&to={DAY_3}", f"from={DAY_2}&to={DAY_3}&browser=Chrome",
               f"from={DAY_3}&to={DAY_3}&page=/pricing"]
    before = [app(query=query).json() for query in queries]

    def back_to_15(conn):  # what a database of schema 15 holds: no records, no strings
        conn.execute("drop table monthly_people")
        conn.execute("drop table strings")
        conn.execute("drop table day_records")
        conn.execute("pragma user_version = 15")

    database.in_transaction(conn, back_to_15)
    conn.close()
    conn = database.connect(db_path)  # migrates
    assert database.schema_version(conn) == database.SCHEMA_VERSION
    assert {"strings", "day_records"} <= table_names(conn)
    conn.close()
    after = [app(query=query).json() for query in queries]
    # Unfiltered, every number; filtered, the series and totals (the lists of a day whose
    # records are gone are gone with them: tests/test_migrations.py opens a real schema 17 file).
    assert after[0] == before[0]
    for old, new in zip(before[1:], after[1:]):
        for name in ("without_language", "listed"):  # a list's
            old["totals"].pop(name, None), new["totals"].pop(name, None)
        assert (new["visitors"], new["pageviews"], new["totals"]) == \
            (old["visitors"], old["pageviews"], old["totals"])
    two = app(query=f"from={DAY_2}&to={DAY_3}&browser=Chrome&device=desktop").json()
    assert (two["records_from"], two["totals"]["visitors"]) == (TODAY, 0)


def test_events_under_two_filters_count_the_visitors_whose_traits_match(conn, app):
    from footfall.storage import events

    counted = 0
    for day in (DAY_3, TODAY):
        for n in range(12):  # 3 of each profile: n = 1, 5, 9 are Chrome, desktop
            profile = PROFILES[n % len(PROFILES)]
            for k in range(1 + n % 2):
                ts = day_start(day) + 3600 + n * 60 + k
                event = events.Event(ts, day, "example.com", "/pricing", "signup", "",
                                     f"192.0.2.{n + 1}", BROWSER_UA, dict(profile))
                reason = events.record_event(conn, event, RULES, lambda d=day: d)
                counted += reason is None and n % 4 == 1
        days.close_ended_days(conn, TODAY)
    answer = app(query=query_of({"browser": "Chrome", "device": "desktop"},
                                **{"from": DAY_3, "to": TODAY})).json()
    assert counted == 12  # 2 events each, no view: no conversion
    assert answer["events"] == [{"event": "signup", "visitors": 6, "count": 12,
                                 "conversion": None}]
