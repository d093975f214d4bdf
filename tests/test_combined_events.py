"""A GET filtered by an event and another filter or more (footfall/combined_events.py): every
number of the event's answer against a plain count of the same hits by the definitions of
docs/events.md, on both backends; ended days and today; the CSV; what stays a 400."""

import random

import pytest
from footfall import counting, records
from footfall.storage import days, record
from footfall.storage import events as stored
from footfall_testing import BROWSER_UA, NOON
from storage_testing import RULES, UTC
from test_records import (
    DAY_1,
    DAY_2,
    DAY_3,
    PAGES,
    PROFILES,
    TODAY,
    by_definition,
    day_start,
    generated_hits,
    query_of,
)

pytestmark = pytest.mark.both_backends

NAMES = ("signup", "download: a.pdf")
EVENT_REFS = ("", "news.example")
LIVE_SINCE = NOON - 30 * 60
LIST_NAMES = {"page": "pages", "ref": "referrers", "campaign": "campaigns", "browser": "browsers",
              "os": "systems", "device": "devices", "country": "countries",
              "language": "languages"}


def generated_events(day, seed, visitors=12):
    """[stored.Event] of one day, oldest first: visitor n has PROFILES[n % 4] (each trait and
    mix held by 3 visitors: nothing is folded) and sends 1 to 4 events minutes apart, before
    noon; half of today's visitors one more within the last half hour."""
    rng = random.Random(f"events {day} {seed}")
    out = []
    for n in range(visitors):
        ts = day_start(day) + rng.randrange(0, 11 * 3600)
        for _ in range(rng.randint(1, 4)):
            traits = dict(PROFILES[n % len(PROFILES)])
            if rng.random() < 0.4:
                traits["campaign"] = "spring"
            out.append(stored.Event(ts, day, "example.com", rng.choice(PAGES), rng.choice(NAMES),
                                    rng.choice(EVENT_REFS), f"192.0.2.{n + 1}", BROWSER_UA,
                                    traits))
            ts += rng.randrange(120, 1500)
        if day == TODAY and n % 2 == 0:  # within the last half hour: live
            out.append(stored.Event(NOON - 20 * 60 + n * 30, day, "example.com",
                                    rng.choice(PAGES), NAMES[n // 2 % 2], "",
                                    f"192.0.2.{n + 1}", BROWSER_UA, dict(PROFILES[n % 4])))
    out.sort(key=lambda event: event.ts)
    return out


def event_site(conn):
    """Views and events of DAY_2 and DAY_3 (each ended by the next day's first request) and of
    today: (counted views as by_definition takes them, counted events)."""
    views, events = [], []
    for day, seed in ((DAY_2, 2), (DAY_3, 3), (TODAY, 4)):
        for hit in generated_hits(day, seed):
            if record.record_hit(conn, hit, RULES, lambda d=day: d) is None:
                views.append((hit, None))
        for event in generated_events(day, seed):
            if stored.record_event(conn, event, RULES, lambda d=day: d) is None:
                events.append(event)
        days.close_ended_days(conn, counting.next_day(day) if day != TODAY else TODAY)
    return views, events


def event_by_definition(events, first, last, name, filters):
    """The numbers docs/events.md gives for event `name` on days first..last under filters:
    (per_day, lists, hours, live), each {key: [visitors, count]}; a visitor counts once a day
    under each key, in the hour of their first hit that matches; an event visitor's traits are
    those of their first event of the day."""
    traits_of, matching = {}, []
    for event in events:
        traits_of.setdefault((event.day, event.ip), event.traits)
    for event in events:
        traits = traits_of[event.day, event.ip]
        values = {dim: traits.get(dim, "") for dim in records.PER_VISIT}
        values.update(page=event.page, ref=event.referral,
                      campaign=event.traits.get("campaign", ""),
                      hour=counting.hour_of(event.ts, UTC))
        if (first <= event.day <= last and event.name == name
                and all(values[f] == value for f, value in filters.items() if f != "event")):
            matching.append((event, values))
    per_day, lists, hours, live = {}, {dim: {} for dim in LIST_NAMES}, {}, {}
    seen, firsts = set(), set()

    def count(into, key, visitor):
        counts = into.setdefault(key, [0, 0])
        counts[1] += 1
        if (id(into), key, visitor) not in seen:
            seen.add((id(into), key, visitor))
            counts[0] += 1

    for event, values in matching:
        visitor = (event.day, event.ip)
        count(per_day, event.day, visitor)
        for dim in LIST_NAMES:
            if values[dim]:
                count(lists[dim], values[dim], visitor)
        counts = hours.setdefault(values["hour"], [0, 0])
        counts[1] += 1
        if visitor not in firsts:  # the hour of the visitor's first hit that matches
            firsts.add(visitor)
            counts[0] += 1
        if event.day == TODAY and event.ts > LIVE_SINCE:
            count(live, "", visitor)
    return per_day, lists, hours, live.get("", [0, 0])


def answered(answer):
    """(per_day, lists) of an answer, in event_by_definition's shape (days with hits only)."""
    per_day = {counting.day_of_ms(ms): [v, p] for (ms, v), (_, p)
               in zip(answer["visitors"], answer["pageviews"]) if v or p}
    lists = {dim: {entry[dim]: [entry["visitors"], entry["pageviews"]] for entry in answer[name]}
             for dim, name in LIST_NAMES.items()}
    return per_day, lists


def conversion(visitors, range_visitors):
    return round(visitors / range_visitors, 4) if range_visitors else None


EVENT_PAIRS = [
    pytest.param({"event": "signup", "country": "DE"}, id="event-x-country"),
    pytest.param({"event": "signup", "page": "/pricing"}, id="event-x-page"),
    pytest.param({"event": "download: a.pdf", "country": "DE", "browser": "Firefox"},
                 id="event-x-country-x-browser"),
    pytest.param({"event": "signup", "ref": "news.example", "campaign": "spring"},
                 id="event-x-ref-x-campaign"),
    pytest.param({"event": "signup", "country": "ZZ"}, id="a-value-never-seen"),
]


@pytest.mark.parametrize("filters", EVENT_PAIRS)
def test_an_event_with_other_filters_counts_every_number_as_the_definitions_do(conn, app,
                                                                                filters):
    views, events = event_site(conn)
    response = app(query=query_of(filters, **{"from": DAY_2, "to": TODAY, "limit": 500}))
    answer = response.json()
    name, others = filters["event"], {k: v for k, v in filters.items() if k != "event"}
    want_days, want_lists, _hours, want_live = event_by_definition(events, DAY_2, TODAY, name,
                                                                   filters)
    visitors = sum(counts[0] for counts in want_days.values())
    count = sum(counts[1] for counts in want_days.values())
    range_visitors = by_definition(views, DAY_2, TODAY, others)[1][0]
    assert response.status == 200
    assert answered(answer) == (want_days, want_lists)
    assert answer["totals"] == {"visitors": visitors, "pageviews": count, "bounces": None,
                                "seconds": None, "unique": None, "unique_by": None}
    assert answer["events"] == [{"event": name, "visitors": visitors, "count": count,
                                 "conversion": conversion(visitors, range_visitors)}]
    assert answer["live"] == {"visitors": want_live[0], "pageviews": want_live[1],
                              "minutes": 30}
    assert answer["filter"] == filters
    assert "records_from" not in answer and "hours" not in answer


@pytest.mark.parametrize("first, last", [
    pytest.param(DAY_3, DAY_3, id="an-ended-day"),
    pytest.param(TODAY, TODAY, id="today"),
    pytest.param(DAY_3, TODAY, id="both"),
])
def test_an_event_pair_counts_ended_days_and_today_and_their_sum(conn, app, first, last):
    views, events = event_site(conn)
    filters = {"event": "signup", "country": "DE"}
    answer = app(query=query_of(filters, **{"from": first, "to": last})).json()
    want_days, want_lists, _hours, want_live = event_by_definition(events, first, last,
                                                                   "signup", filters)
    assert answered(answer) == (want_days, want_lists)
    assert answer["totals"]["pageviews"] == sum(c[1] for c in want_days.values()) > 0
    if last == TODAY:
        assert [answer["live"]["visitors"], answer["live"]["pageviews"]] == want_live
        assert want_live[1] > 0


def test_an_event_pair_on_today_has_its_hours(conn, app):
    views, events = event_site(conn)
    filters = {"event": "signup", "country": "DE"}
    answer = app(query=query_of(filters, **{"from": TODAY, "to": TODAY})).json()
    want = event_by_definition(events, TODAY, TODAY, "signup", filters)[2]
    got = {hour: [v, p] for hour, ((_, v), (_, p))
           in enumerate(zip(answer["hours"]["visitors"], answer["hours"]["pageviews"])) if v or p}
    assert got == want
    assert sum(v for v, _ in want.values()) < sum(p for _, p in want.values())


def test_an_event_pair_on_an_ended_day_has_no_hours(conn, app):
    event_site(conn)
    answer = app(query=query_of({"event": "signup", "country": "DE"},
                                **{"from": DAY_3, "to": DAY_3})).json()
    assert answer["hours"] is None
    assert answer["totals"]["pageviews"] > 0


def test_an_event_pair_before_the_first_day_with_records_says_from_when(conn, app):
    event_site(conn)
    answer = app(query=query_of({"event": "signup", "page": "/"},
                                **{"from": DAY_1, "to": TODAY})).json()
    assert answer["records_from"] == DAY_2


def test_csv_of_an_event_pair_gives_each_days_pages_as_the_definitions_do(conn, app):
    views, events = event_site(conn)
    filters = {"event": "signup", "country": "DE"}
    response = app(query=query_of(filters, **{"from": DAY_2, "to": TODAY, "format": "csv"}))
    want = []
    for day in (DAY_2, DAY_3, TODAY):
        pages = event_by_definition(events, day, day, "signup", filters)[1]["page"]
        want += [f"{day},{page},{c[0]},{c[1]}" for page, c in sorted(pages.items())]
    assert response.status == 200
    assert response.body.decode().splitlines() == ["day,page,visitors,pageviews"] + want


def test_csv_list_of_an_event_pair_is_its_json_list_whole(conn, app):
    views, events = event_site(conn)
    filters = {"event": "signup", "country": "DE"}
    response = app(query=query_of(filters, **{"from": DAY_2, "to": TODAY, "format": "csv",
                                              "list": "pages"}))
    pages = event_by_definition(events, DAY_2, TODAY, "signup", filters)[1]["page"]
    ranked = sorted(pages.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    # The columns of every pages CSV; an event's entries have no visits' numbers (as alone).
    assert response.body.decode().splitlines() == [
        "page,visitors,pageviews,entries,bounces,seconds"] + [
        f"{page},{v},{c},,," for page, (v, c) in ranked]
