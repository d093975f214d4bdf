"""A configured time zone answers from the day it knows exactly as from the zone's rules, and a hit
reads that day from the database instead of zoneinfo's files (settings.Zone, meta.recall_zone_day)."""

import datetime
import zoneinfo

import pytest
from footfall import counting, settings
from footfall.app import Application
from footfall.storage import database, meta
from footfall_testing import call_app, post_form
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

# Zones whose clocks change by an hour, by half an hour (Lord Howe), by two hours (Troll), at
# midnight (Havana, Santiago), twice a year for Ramadan (Casablanca), or never (Kolkata,
# Kathmandu's +5:45, Kiritimati's +14).
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Antarctica/Troll",
         "America/Havana", "America/Santiago", "Africa/Casablanca", "Asia/Kolkata",
         "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Chatham", "America/St_Johns", "UTC"]

# 2001-09-09 to 2037-12-31 (Unix time).
MOMENTS = st.integers(min_value=1_000_000_000, max_value=2_145_916_800)


@hypothesis_settings(max_examples=400, deadline=None)
@given(key=st.sampled_from(ZONES), moment=MOMENTS,
       later=st.integers(min_value=-2 * 86400, max_value=2 * 86400))
def test_a_known_day_gives_every_moment_the_day_hour_and_midnight_the_zone_rules_give(
        key, moment, later):
    zone, rules = settings.Zone(key), zoneinfo.ZoneInfo(key)
    counting.learn_day(zone, moment)
    other = moment + later  # in the known day or not: either way the same answers
    assert counting.day_of(other, zone) == counting.day_of(other, rules)
    assert counting.hour_of(other, zone) == counting.hour_of(other, rules)
    day = datetime.date.fromisoformat(counting.day_of(moment, rules))
    for near in range(-1, 3):
        name = (day + datetime.timedelta(days=near)).isoformat()
        assert counting.day_start(name, zone) == counting.day_start(name, rules)


@hypothesis_settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(ZONES), moment=MOMENTS, fold=st.sampled_from([0, 1]))
@example(key="Europe/Berlin", moment=1792891800, fold=1)  # 2026-10-25 02:30 CET, the second time
def test_a_zone_is_the_tzinfo_of_its_rules_to_datetime_itself(key, moment, fold):
    # seed_db.py and report.py hand the configured zone to datetime as a tzinfo.
    zone, rules = settings.Zone(key), zoneinfo.ZoneInfo(key)
    ours, theirs = (datetime.datetime.fromtimestamp(moment, tz) for tz in (zone, rules))
    assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)
    assert (ours.fold, ours.utcoffset(), ours.dst(), ours.tzname()) == (
        theirs.fold, theirs.utcoffset(), theirs.dst(), theirs.tzname())
    # A wall time, which may fall in a gap or twice (fold), back to a moment.
    wall = theirs.replace(tzinfo=None, minute=0, second=0, fold=fold)
    assert wall.replace(tzinfo=zone).timestamp() == wall.replace(tzinfo=rules).timestamp()


@pytest.mark.parametrize("key, moment, known", [
    ("Europe/Berlin", "2026-03-28 12:00", True),
    ("Europe/Berlin", "2026-03-29 12:00", False),  # 02:00 becomes 03:00: a day of 23 hours
    ("Europe/Berlin", "2026-10-25 12:00", False),  # 03:00 becomes 02:00: 25 hours
    ("America/Havana", "2026-03-08 12:00", False),  # 00:00 becomes 01:00: the day starts at 1
    ("America/Havana", "2026-03-07 12:00", True),  # ends at the change, with its one offset
    ("Australia/Lord_Howe", "2026-04-05 12:00", False),  # 02:00 becomes 01:30
])
def test_a_day_on_which_the_clocks_change_is_never_known(key, moment, known):
    zone = settings.Zone(key)
    at = datetime.datetime.fromisoformat(moment).replace(tzinfo=zoneinfo.ZoneInfo(key))
    assert (counting.learn_day(zone, at.timestamp()) is not None) is known
    assert zone.knows(at.timestamp()) is known


def test_a_name_that_is_no_zone_is_refused_when_loaded_or_else_when_first_used(tmp_path):
    with pytest.raises(settings.ConfigError, match="timezone is not a known IANA zone"):
        settings.Config(db=str(tmp_path / "f.db"), timezone="Mars/Olympus")
    config = settings.Config(db=str(tmp_path / "f.db"), timezone="Mars/Olympus", check_zone=False)
    with pytest.raises(settings.ConfigError, match="'Mars/Olympus'"):
        counting.day_of(1795867200, config.zone)


def berlin(text):
    return datetime.datetime.fromisoformat(text).replace(
        tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")).timestamp()


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def application(db, key, clock):
    """A fresh application, as each CGI process is: its zone knows no day yet."""
    return Application(settings.Config(db=db, timezone=key, check_zone=False), clock)


def zone_day_row(db):
    conn = database.connect(db)
    try:
        return meta.read_meta(conn, "zone_day")
    finally:
        conn.close()


@pytest.mark.both_backends
def test_the_first_hit_of_a_day_keeps_the_day_and_the_next_hits_read_it_not_the_zone_rules(
        db_path):
    clock = Clock(berlin("2026-11-28 23:59:00"))
    first = application(db_path, "Europe/Berlin", clock)
    assert call_app(first, "POST", body=post_form({"page": "/a"})).json()["day"] == "2026-11-28"
    assert zone_day_row(db_path) == f"Europe/Berlin 2026-11-28 {int(berlin('2026-11-28 00:00'))} 3600"
    # The next process is told the day by the row: it never reads the zone's rules.
    clock.now += 30
    second = application(db_path, "Europe/Berlin", clock)
    assert call_app(second, "POST", body=post_form({"page": "/b"})).json()["day"] == "2026-11-28"
    assert second.config.zone._rules is None
    # After midnight the row is a day old: the zone's rules give the new day, kept in its place.
    clock.now += 60
    third = application(db_path, "Europe/Berlin", clock)
    assert call_app(third, "POST", body=post_form({"page": "/c"})).json()["day"] == "2026-11-29"
    assert third.config.zone._rules is not None
    assert zone_day_row(db_path).startswith("Europe/Berlin 2026-11-29 ")


@pytest.mark.both_backends
def test_a_day_kept_for_another_zone_is_not_taken(db_path):
    clock = Clock(berlin("2026-11-28 23:30"))  # 12:30 on the 29th in Kiritimati (UTC+14)
    call_app(application(db_path, "Europe/Berlin", clock), "POST", body=post_form({"page": "/"}))
    kiritimati = application(db_path, "Pacific/Kiritimati", clock)
    assert call_app(kiritimati, "POST", body=post_form({"page": "/"})).json()["day"] == "2026-11-29"
    assert zone_day_row(db_path).startswith("Pacific/Kiritimati 2026-11-29 ")


def test_hits_on_the_day_the_clocks_change_are_counted_in_their_hours_by_the_zone_rules(db_path):
    # 2026-03-29 in Berlin: 01:30 CET, then 03:30 CEST an hour later; there is no 02:00.
    clock = Clock(berlin("2026-03-29 01:30"))
    for page in ("/one", "/two"):
        app = application(db_path, "Europe/Berlin", clock)
        assert call_app(app, "POST", body=post_form({"page": page})).json()["day"] == "2026-03-29"
        clock.now += 3600
    assert zone_day_row(db_path) is None  # nothing to keep: that day has two offsets
    answer = call_app(application(db_path, "Europe/Berlin", clock), query="from=2026-03-29").json()
    by_hour = [count for _, count in answer["hours"]["pageviews"]]
    assert by_hour[1] == by_hour[3] == 1 and sum(by_hour) == 2


@pytest.mark.both_backends
def test_a_hit_whose_clock_passes_midnight_while_it_is_counted_is_counted_on_its_day(db_path):
    # The clock moves on at each reading: the hit is placed at 23:59:59.9, and the day has ended
    # when its transaction asks for today (record.count_hit). Asking must not write (the zone's
    # new day is kept by the next request, not inside the hit's transaction).
    readings = iter([berlin("2026-11-28 23:59:59.9")] * 2 + [berlin("2026-11-29 00:00:01")] * 50)
    app = application(db_path, "Europe/Berlin", lambda: next(readings))
    answer = call_app(app, "POST", body=post_form({"page": "/late"})).json()
    assert answer == {"page": "/late", "day": "2026-11-28", "counted": True}
    assert zone_day_row(db_path).startswith("Europe/Berlin 2026-11-28 ")
