"""Bulk counting (bulk.record_day, seed_db --bulk) must give the database that counting hit by
hit gives: it is how the benchmark's big databases and large demo seeds are made."""

import random
import sys

import pytest
from footfall import counting, settings
from footfall.storage import bulk, database, day_records, days, judge, record, totals
from footfall_testing import BROWSER_UA, NOON, SCRIPTS

sys.path.insert(0, SCRIPTS)
import seed_db  # noqa: E402

DAY = 86400
TABLES = {
    "daily_site": "select * from daily_site order by 1, 2",
    "daily_page": "select * from daily_page order by 1, 2, 3",
    "daily_ref": "select * from daily_ref order by 1, 2, 3",
    "hourly_site": "select * from hourly_site order by 1, 2, 3",
    "monthly_page": "select * from monthly_page order by 1, 2, 3",
    "salts": "select day from salts",
    "views": "select day, page, ts, counted from views order by 1, 2, 3",
}


def contents(conn):
    return {name: conn.execute(query).fetchall() for name, query in TABLES.items()}


def every_table(conn):
    """Every row of every table, so rollups added later are compared too. Bytes are salts,
    hashes and sketches of hashes, random on each run: only where they are is compared
    (TABLES compares the rest of today's salt and views; the beacon log and kept summaries
    of today go with them); meta holds facts of the install."""
    names = [name for (name,) in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite%' "
        "and name not in ('meta', 'salts', 'views', 'beacon_log', 'today_summary', 'strings', "
        "'day_records') order by name")]
    tables = {name: sorted((tuple("<bytes>" if isinstance(v, bytes) else v for v in row)
                            for row in conn.execute(f'select * from "{name}"')), key=repr)
              for name in names}
    # The day records as strings: their numbers are the order strings came in, which differs.
    tables["day_records"] = day_records.named_records(conn, "0000-00-00", "9999-99-99")
    # An ended month's people are estimates from sketches of random hashes: one more or less
    # from run to run, unless both runs had the same month salts (people() reads them).
    tables["monthly_people"] = [row[:-1] + ("<estimate>",) for row in tables["monthly_people"]]
    return tables


def people(conn):
    return conn.execute("select filter, filter_value, month, site, people from monthly_people"
                        " order by filter, filter_value, month, site").fetchall()


def busy_days(rng, days=4):
    """Hits of several days past: returning visitors, reloads fast enough to flood, several
    sites, referrers from outside and inside, a few visits running past midnight."""
    hits = []
    for day in range(days):
        base = NOON - (days + 1 - day) * DAY
        for _ in range(300):
            ts = base + rng.uniform(-12 * 3600, 12 * 3600 - 1)
            ip = f"192.0.2.{rng.randrange(1, 30)}"
            site = rng.choice(["example.com", "www.example.com", "other.example"])
            ref = rng.choice(["", "https://www.google.com/", f"https://{site}/x",
                              "https://news.ycombinator.com/item"])
            burst = 15 if rng.random() < 0.03 else 1  # a reload storm past the flood limit
            page = rng.choice(["/", "/a", "/b", "/blog/post-1"])
            for i in range(burst):
                hits.append(record.Hit(ts + i * 0.5, None, site, page, ref, ip,
                                        rng.choice([BROWSER_UA, BROWSER_UA + " x"])))
        # Reloads in the last seconds of the day, going on past midnight: the flood window
        # slides across it.
        midnight = base + 12 * 3600
        for i in range(14):
            hits.append(record.Hit(midnight - 7 + i, None, "example.com", "/late", "",
                                   "192.0.2.99", BROWSER_UA))
    for hit in hits:
        hit.day = counting.day_of(hit.ts, _utc())
    hits.sort(key=lambda hit: hit.ts)
    return hits


def _utc():
    import zoneinfo

    return zoneinfo.ZoneInfo("UTC")


def by_day(hits):
    days = {}
    for hit in hits:
        days.setdefault(hit.day, []).append(hit)
    return list(days.values())


UTC_RULES = record.Rules(zone=_utc())
STRICT_RULES = record.Rules(flood_limit=3, flood_window_seconds=30, daily_limit=20, zone=_utc())


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("rules", [UTC_RULES, STRICT_RULES], ids=["default-rules", "strict-rules"])
def test_bulk_counting_of_whole_days_matches_counting_hit_by_hit(tmp_path, seed, rules):
    hits = busy_days(random.Random(seed))
    today = counting.day_of(NOON, _utc())
    one_by_one = database.connect(str(tmp_path / "one.db"))
    expected = [record.record_hit(one_by_one, hit, rules) for hit in hits]
    in_bulk = database.connect(str(tmp_path / "bulk.db"))
    reasons = [r for day in by_day(hits) for r in bulk.record_day(in_bulk, day, rules, today)]
    assert reasons == expected
    assert "flood" in reasons
    # Hit by hit, the last day's salt and views stay until a request of a later day; in bulk
    # each day ends with its counting.
    assert contents(one_by_one)["salts"] == [(hits[-1].day,)]
    for conn in (one_by_one, in_bulk):
        days.close_ended_days(conn, today)
    after = contents(in_bulk), contents(one_by_one)
    assert after[1]["salts"] == [] and after[1]["views"] == []
    assert after[0] == after[1]


def test_views_carried_over_midnight_keep_the_flood_window_in_bulk_as_hit_by_hit(tmp_path):
    late = [record.Hit(NOON + 12 * 3600 - 5 + i, None, "example.com", "/x", "", "192.0.2.7",
                       BROWSER_UA) for i in range(12)]
    for hit in late:
        hit.day = counting.day_of(hit.ts, _utc())
    conn = database.connect(str(tmp_path / "f.db"))
    reasons = [r for day in by_day(late) for r in bulk.record_day(conn, day, UTC_RULES, "2026-11-30")]
    # 5 views before midnight, then 5 after: the window of 60 s holds 10, so the 11th is a flood.
    assert reasons == [None] * 10 + ["flood", "flood"]
    assert totals.read_days(conn, "2026-11-28", "2026-11-29") == {
        "2026-11-28": (1, 5), "2026-11-29": (1, 5)}


def test_bulk_counting_of_a_day_with_a_salt_adds_to_its_visitors_hit_by_hit(tmp_path):
    conn = database.connect(str(tmp_path / "f.db"))
    first = record.Hit(NOON, "2026-11-28", "example.com", "/", "", "192.0.2.1", BROWSER_UA)
    record.record_hit(conn, first, UTC_RULES)
    again = record.Hit(NOON + 5, "2026-11-28", "example.com", "/b", "", "192.0.2.1", BROWSER_UA)
    bulk.record_day(conn, [again], UTC_RULES, "2026-11-29")
    assert totals.read_days(conn, "2026-11-28", "2026-11-28") == {"2026-11-28": (1, 2)}
    assert conn.execute("select count(*) from salts").fetchone()[0] == 0  # the day has ended


def test_bulk_counting_refuses_today(tmp_path):
    conn = database.connect(str(tmp_path / "f.db"))
    hit = record.Hit(NOON, "2026-11-28", "example.com", "/", "", "192.0.2.1", BROWSER_UA)
    with pytest.raises(ValueError, match="days gone by"):
        bulk.record_day(conn, [hit], UTC_RULES, "2026-11-28")


# From POOL_HITS hits seed_db sums its days up in a second process: 0 puts these 3,000 there.
@pytest.mark.parametrize("pool_hits", [seed_db.POOL_HITS, 0], ids=["in-process", "in-its-pool"])
def test_seed_db_bulk_gives_the_same_counts_as_seeding_hit_by_hit(tmp_path, monkeypatch,
                                                                  pool_hits):
    monkeypatch.setattr(seed_db, "POOL_HITS", pool_hits)
    results = []
    for in_bulk in (False, True):
        db = str(tmp_path / f"{in_bulk}.db")
        config = settings.Config(db=db, timezone="UTC")
        conn = database.connect(db)
        # The same month salts both ways: the same visitors set the same registers of their
        # month's sketches, so its people are equal, not only within the sketch's error.
        for month in ("2026-10", "2026-11"):
            conn.execute("insert into month_salts (month, salt) values (?, ?)",
                         (month, month.encode() * 4))
        counted = seed_db.seed(conn, config, hits=3000, days=30, seed=5, now=NOON, bulk=in_bulk,
                               pages=seed_db.demo_pages(50))
        results.append((counted, contents(conn), every_table(conn), people(conn)))
    assert results[0] == results[1]
    assert len(results[0][3]) > 10  # ended months' people of the site and of its filters
    assert results[0][0] == 3000
    assert len({row[0] for row in results[0][1]["daily_page"]}) > 20  # pages beyond the demo nine
    # The demo's breakdowns and visible seconds went through both ways.
    assert {name for name, rows in results[0][2].items() if rows} >= {
        "daily_breakdown", "daily_page", "daily_ref", "daily_site", "daily_unique", "hourly_site",
        "monthly_breakdown", "monthly_page"}


def test_days_counted_open_in_one_batch_and_closed_in_the_next_match_counting_hit_by_hit(tmp_path):
    # What an import does at each batch: the days still being read are counted open (their
    # salt and views kept), and their rest comes with a later batch.
    hits = busy_days(random.Random(4))
    today = counting.day_of(NOON, _utc())
    one_by_one = database.connect(str(tmp_path / "one.db"))
    expected = [record.record_hit(one_by_one, hit, UTC_RULES) for hit in hits]
    in_bulk = database.connect(str(tmp_path / "bulk.db"))
    reasons = []
    for day in by_day(hits):
        half = len(day) // 2
        reasons += bulk.record_days(in_bulk, [], UTC_RULES, today, open_days=[day[:half]])[0]
        reasons += bulk.record_days(in_bulk, [day[half:]], UTC_RULES, today)[0]
    assert reasons == expected
    for conn in (one_by_one, in_bulk):
        days.close_ended_days(conn, today)
    assert contents(in_bulk) == contents(one_by_one)
    assert every_table(in_bulk) == every_table(one_by_one)


def test_days_counted_in_one_batch_match_days_counted_one_by_one(tmp_path):
    hits = busy_days(random.Random(5), days=6)
    today = counting.day_of(NOON, _utc())
    apart = database.connect(str(tmp_path / "apart.db"))
    for day in by_day(hits):
        bulk.record_day(apart, day, UTC_RULES, today)
    together = database.connect(str(tmp_path / "together.db"))
    bulk.record_days(together, by_day(hits), UTC_RULES, today)
    assert contents(together) == contents(apart)
    assert every_table(together) == every_table(apart)


def test_days_summed_up_in_another_process_match_days_counted_one_by_one(tmp_path):
    # seed_db's pool: the days' summaries and records made in a second process while the
    # first counts on.
    hits = busy_days(random.Random(5), days=6)
    today = counting.day_of(NOON, _utc())
    one_by_one = database.connect(str(tmp_path / "one.db"))
    for day in by_day(hits):
        bulk.record_day(one_by_one, day, UTC_RULES, today)
    in_pool = database.connect(str(tmp_path / "pool.db"))
    pool = seed_db.day_pool()
    try:
        bulk.record_days(in_pool, by_day(hits), UTC_RULES, today, apart=pool)
    finally:
        pool.close()
        pool.join()
    assert contents(in_pool) == contents(one_by_one)
    assert every_table(in_pool) == every_table(one_by_one)


@pytest.mark.parametrize("summed_up", ["where-counted", "where-judged"])
def test_days_judged_apart_match_counting_hit_by_hit(tmp_path, summed_up):
    # A log import's reading process judges each day with a judge.Judge and sends it as a
    # JudgedDay (pickled), summed up there or not; a day still being read went open first and
    # goes as its hits.
    import pickle

    rng = random.Random(6)
    hits = busy_days(rng, days=5)
    for hit in hits:
        hit.traits = {"browser": rng.choice(["Firefox", "Chrome"]), "os": rng.choice(["Linux", "iOS"]),
                      "device": "Desktop", "language": rng.choice(["en", "de", ""]),
                      "campaign": rng.choice(["", "", "spring"]), "source": ""}
    today = counting.day_of(NOON, _utc())
    one_by_one = database.connect(str(tmp_path / "one.db"))
    in_bulk = database.connect(str(tmp_path / "bulk.db"))
    for conn in (one_by_one, in_bulk):  # the same month salts: the sketches' bytes compare
        for month in {hit.day[:7] for hit in hits}:
            conn.execute(days.INSERT_MONTH_SALT, {"month": month, "salt": month.encode() * 4})
        conn.commit()
    expected = [record.record_hit(one_by_one, hit, UTC_RULES) for hit in hits]
    judging = judge.Judge(UTC_RULES)
    reasons = []
    for number, day in enumerate(by_day(hits)):
        # The Judge takes each hit as the reading process holds it: its fields' tuple.
        fields = [(hit.ts, hit.day, hit.site, hit.page, hit.ref, hit.ip, hit.user_agent,
                   hit.traits, hit.referral()) for hit in day]
        if number == 2:
            half = len(day) // 2
            judging.open_part(fields[:half])
            reasons += bulk.record_days(in_bulk, [], UTC_RULES, today, open_days=[day[:half]])[0]
            assert judging.closed_day(fields[half:]) is None  # its views are on disk
            reasons += bulk.record_days(in_bulk, [day[half:]], UTC_RULES, today)[0]
            continue
        judged = judging.closed_day(fields)
        if summed_up == "where-judged":
            judged.summarize(UTC_RULES)
        judged = pickle.loads(pickle.dumps(judged))
        assert not any(isinstance(value, bytes) for value in vars_of(judged))  # no hash leaves
        reasons += bulk.record_days(in_bulk, [judged], UTC_RULES, today)[0]
    assert reasons == expected
    assert "flood" in reasons
    for conn in (one_by_one, in_bulk):
        days.close_ended_days(conn, today)
    assert contents(in_bulk) == contents(one_by_one)
    assert every_table(in_bulk) == every_table(one_by_one)
    assert every_table(in_bulk)["daily_breakdown"]  # the breakdowns went through both ways
    for table in ("daily_unique", "monthly_unique"):
        query = f"select * from {table} order by 1, 2, 3, 4"
        assert in_bulk.execute(query).fetchall() == one_by_one.execute(query).fetchall()


def vars_of(judged):
    """Every value a JudgedDay holds, nested."""
    out, stack = [], [getattr(judged, name) for name in judged.__slots__]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set)):
            stack.extend(value)
        else:
            out.append(value)
    return out
