"""The demo data of scripts/seed_db.py looks like a real site's: the browsers, screens, places,
languages, campaigns, bounces and reading times the dashboard breaks down."""

import collections
import os
import random
import sqlite3
import subprocess
import sys

import pytest
from footfall import counting
from footfall_testing import FIXED_CLOCK_ENV, SCRIPTS

sys.path.insert(0, SCRIPTS)
import seed_db  # noqa: E402


def visits(seed, count=3000):
    rng = random.Random(seed)
    return [seed_db.demo_visit(rng.choice(seed_db.VISIT_LENGTHS), 0.0, "example.com", rng)
            for _ in range(count)]


def family(agent):
    """The browser family a reader of the User-Agent sees (the order matters: Edge says Chrome)."""
    for mark, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
                       ("Firefox", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome")):
        if mark in agent:
            return name
    return "Safari"


def shares(values):
    counted = collections.Counter(values)
    return {name: counted[name] / len(values) for name in counted}


def test_demo_browsers_have_the_shares_of_a_real_site():
    views = [view for visit in visits(1) for view in visit]
    found = shares([family(view["user_agent"]) for view in views])
    assert 0.55 <= found["Chrome"] <= 0.68
    assert 0.17 <= found["Safari"] <= 0.27
    assert {"Edge", "Firefox", "Samsung Internet", "Opera"} <= set(found)


@pytest.mark.parametrize("device, low, high", [
    ("phone", 0.30, 0.50), ("tablet", 0.01, 0.08), ("desktop", 0.45, 0.65)])
def test_demo_screens_are_phones_tablets_and_desktops(device, low, high):
    widths = [visit[0]["w"] for visit in visits(2)]
    kind = ["phone" if w < 600 else "tablet" if w < 1024 else "desktop" for w in widths]
    assert low <= shares(kind)[device] <= high


def test_demo_visitors_come_from_a_handful_of_zones_and_languages():
    first = [visit[0] for visit in visits(3)]
    zones = {view["tz"] for view in first}
    languages = {view["accept_language"].split(",")[0].split("-")[0] for view in first}
    assert None in zones  # some browsers hide their zone
    assert {"America/New_York", "Europe/Berlin", "Asia/Tokyo"} <= zones
    assert languages == {"en", "de", "fr", "pt", "nl", "ja", "es"}


def test_demo_has_two_campaigns_on_the_first_page_of_a_visit_only():
    all_visits = visits(4)
    landing = collections.Counter(visit[0]["query"] for visit in all_visits)
    assert set(landing) == {None,
                            "utm_campaign=spring-sale&utm_source=newsletter&utm_medium=email",
                            "utm_campaign=launch&utm_source=mastodon"}
    assert all(view["query"] is None for visit in all_visits for view in visit[1:])
    # A campaign's link is where the visit came from: no referrer on its first page.
    assert all(visit[0]["ref"] == "" for visit in all_visits if visit[0]["query"])


def test_demo_visits_bounce_and_read_for_some_seconds():
    all_visits = visits(5)
    assert 0.2 <= sum(len(visit) == 1 for visit in all_visits) / len(all_visits) <= 0.4
    seconds = [view["seconds"] for visit in all_visits for view in visit]
    timed = sorted(s for s in seconds if s is not None)
    assert 0.85 <= len(timed) / len(seconds) <= 0.95  # some beacons never arrive
    assert 10 <= timed[len(timed) // 2] <= 60  # the median view: tens of seconds
    assert timed[-1] <= 1800
    # The next page starts after the time the previous one was visible.
    for visit in all_visits:
        for view, after in zip(visit, visit[1:]):
            assert after["ts"] >= view["ts"] + view["seconds"] if view["seconds"] else True


def test_demo_hits_are_browsers_the_counting_rules_count():
    agents = {agent for agent, _, _ in seed_db.USER_AGENTS}
    assert [agent for agent in agents if counting.is_bot(agent)] == []


# Rows keyed by the day's or the month's salt: random in every run, whatever the seed (a seed
# must never fix a salt), so they are left out of what a seed decides.
SALTED = ("salts", "month_salts", "views", "daily_unique", "monthly_unique")


def seeded_database(tmp_path, name, seed):
    """Every unsalted table of a database seed_db.py made (run as a user runs it, at the pinned
    clock): {table: its rows, sorted}."""
    db = str(tmp_path / f"{name}.db")
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "seed_db.py"), "--db", db,
                             "--hits", "300", "--days", "20", "--seed", str(seed)],
                            env=dict(os.environ, **FIXED_CLOCK_ENV, HOME=str(tmp_path),
                                     FOOTFALL_TIMEZONE="UTC"),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    try:
        tables = [t for (t,) in conn.execute("select name from sqlite_master where type = 'table'")
                  if t not in SALTED]
        return {t: sorted(conn.execute(f"select * from {t}").fetchall(), key=repr)
                for t in tables}
    finally:
        conn.close()


def test_the_same_seed_makes_the_same_database(tmp_path):
    first, again = seeded_database(tmp_path, "first", 6), seeded_database(tmp_path, "again", 6)
    assert first == again
    assert sum(row[3] for row in first["daily_site"]) == 300  # (day, site, visitors, pageviews)


def test_another_seed_makes_another_database(tmp_path):
    first, other = seeded_database(tmp_path, "first", 6), seeded_database(tmp_path, "other", 7)
    assert first["daily_page"] != other["daily_page"]
    assert first["daily_breakdown"] != other["daily_breakdown"]


def test_demo_visits_send_the_demo_events_on_their_pages(tmp_path):
    from footfall import settings
    from footfall.storage import database, event_months

    db = str(tmp_path / "demo.db")
    conn = database.connect(db)
    try:
        seed_db.seed(conn, settings.Config(db=db, timezone="UTC"), hits=3000, days=30, seed=4,
                     now=1795867200.0)
        sent = {}
        for name, days in conn.execute("select event, days from monthly_event where filter = ''"):
            sent[name] = sent.get(name, 0) + sum(n for _v, n in event_months.decode(days).values())
        pages = conn.execute("select distinct event, filter_value from monthly_event "
                             "where filter = 'page'").fetchall()
    finally:
        conn.close()
    assert set(sent) == {"signup", "newsletter", "outbound: github.com",
                         "download: getting-started.pdf"}
    assert all(count > 0 for count in sent.values())
    assert sorted(pages) == sorted((name, page) for name, page, _share in seed_db.DEMO_EVENTS)


def test_serve_demo_is_a_small_real_site(tmp_path):
    """The demo serve.py makes (seed_db.seed_demo): dozens of pages, tens of visits a day,
    several campaigns and events, referrers, countries, languages and devices."""
    from footfall import settings
    from footfall.storage import database

    db = str(tmp_path / "demo.db")
    conn = database.connect(db)
    try:
        counted = seed_db.seed_demo(conn, settings.Config(db=db, timezone="UTC"), 1,
                                    now=1795867200.0)  # 2026-11-28 12:00 UTC
        pages = conn.execute("select count(distinct page) from daily_page").fetchone()[0]
        visitors = [n for (n,) in conn.execute(
            "select visitors from daily_site where day < '2026-11-28' order by visitors")]
        # The unfiltered lists of the ended days (each value's filter totals are stored in
        # its list row since schema 25). Rare traits are "(other)" (bounds.py): not a kind.
        kinds = dict(conn.execute("select dim, count(distinct value) from daily_breakdown "
                                  "where filter = '' and dim != '' and value != '(other)' "
                                  "group by dim"))
        campaigns = {name for (name,) in conn.execute(
            "select distinct value from daily_breakdown where filter = '' and dim = 'campaign'")}
        events = {name for (name,) in conn.execute("select distinct event from monthly_event")}
        referrers = conn.execute("select count(distinct ref) from daily_ref").fetchone()[0]
    finally:
        conn.close()
    assert counted == 20_000
    assert pages == 41
    assert len(visitors) == 89 and visitors[0] >= 30 and visitors[len(visitors) // 2] >= 70
    assert campaigns == {"spring-sale", "launch", "black-friday", "docs-webinar", "retargeting"}
    assert len(events) == 8
    assert referrers >= 15
    assert (kinds["country"], kinds["language"], kinds["device"]) == (10, 7, 3)
