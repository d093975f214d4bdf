"""A GET filtered by an event and one filter or more (?event=signup&country=DE): the answer of
the event alone (events.add_event_answer's shape), every number narrowed to the event's hits
that also match the other filters, counted from the range's event records and today's event
hits made into records in memory (combined.numberings), as two filters of views are.

As there: distinct visitors over the range are not estimated, days before the first day with
records are not counted ("records_from"), rare traits read "(other)" (records.fold, among the
day's event visitors), and an event visitor's traits are those of their first event of the
day. One number more is missing: a stored day's event records keep no hour, so the hours of
one ended day are null (today's are counted).
"""

import collections
import itertools
from operator import itemgetter

from . import combined, counting, record_sums, records
from .storage import events as stored

# The columns of an event record (after them: flags, and today's hour).
DIMS = ("event",) + records.VALUES
FLAGS_AT = records.EVENT_WIDTH - 1


class EventTally:
    """One event's numbers summed up from event records under filters {dimension: value}, the
    event's name among them; ids are numbers of one numbering, as record_sums.Tally's.

    per_day {day: [visitors, count]}, lists {dimension: {id: [visitors, count]}} and hours
    {hour: [visitors, count]} (of the records that carry an hour: today's). A visitor counts
    once per day under each value: on the first of their matching hits with it (its flag)."""

    def __init__(self, filters):
        self.subset = 0
        for name in filters:
            self.subset |= records.SUBSET_BIT.get(name, 0)
        self.per_day, self.hours = {}, {}
        self.lists = {dim: {} for dim in records.VALUES}

    def add(self, day, columns, ids):
        """Add one day and site's event columns; ids as record_sums.Tally.add_views'."""
        rows = record_sums.matching(columns, ids, DIMS, 0)
        if not rows:
            return
        flags = record_sums.pick(columns[FLAGS_AT], rows)
        first = 1 << self.subset
        _count(self.per_day, [day] * len(rows), flags, first)
        for i, dim in enumerate(records.VALUES, start=1):
            own = 1 << (self.subset | records.SUBSET_BIT.get(dim, 0))
            _count(self.lists[dim], record_sums.pick(columns[i], rows), flags, own)
        if len(columns) > records.EVENT_WIDTH:
            _count(self.hours, record_sums.pick(columns[records.EVENT_WIDTH], rows), flags, first)

    def add_named(self, into, name_of):
        """Add its numbers to into (empty_sums()), ids made strings by name_of(dimension
        number, id)."""
        for day, counts in self.per_day.items():
            _add(into["per_day"].setdefault(day, [0, 0]), counts)
        for dim, of_dim in self.lists.items():
            named, number = into["lists"][dim], records.DIM_NUMBER[dim]
            for value, counts in of_dim.items():
                if value:  # '': the hits that had none
                    _add(named.setdefault(name_of(number, value), [0, 0]), counts)
        for hour, counts in self.hours.items():
            _add(into["hours"].setdefault(hour, [0, 0]), counts)
        return into


def empty_sums():
    """What EventTally.add_named fills, and the visitors under the other filters."""
    return {"per_day": {}, "lists": {dim: {} for dim in records.VALUES}, "hours": {},
            "visitors": 0}


def _count(into, keys, flags, own):
    for (key, is_first), n in collections.Counter(zip(keys, map(own.__and__, flags))).items():
        counts = into.get(key)
        if counts is None:
            counts = into[key] = [0, 0]
        counts[1] += n
        if is_first:
            counts[0] += n


def _add(into, counts):
    into[0] += counts[0]
    into[1] += counts[1]


def _others(filters):
    return {name: value for name, value in filters.items() if name != "event"}


def sums(conn, asked):
    """empty_sums() filled for a ReadQuery filtered by an event and more, "visitors" the
    range's visitors under its other filters (the event's conversion is against them)."""
    out, others = empty_sums(), _others(asked.filters)
    first = 1 << EventTally(others).subset
    for name_of, days in combined.numberings(conn, asked):
        tally = EventTally(asked.filters)
        for day, views, events, ids in days:
            tally.add(day, events, ids)
            rows = record_sums.matching(views, _others(ids), records.VALUES, 0)
            flags = record_sums.pick(views[records.FLAGS_AT], rows) if rows else ()
            out["visitors"] += sum(1 for f in flags if f & first)
        tally.add_named(out, name_of)
    return out


# ---------------------------------------------------------------------------------------------
# The answer
# ---------------------------------------------------------------------------------------------

def add_to_answer(answer, conn, asked, lists, entry_of, live_minutes):
    """Fill answer (which has the range's daily series) for a ReadQuery filtered by an event and
    more: events.add_event_answer's shape, every number from sums(). entry_of(dimension, value,
    [visitors, count]) is a list's entry."""
    from . import events

    name = asked.filters["event"]
    found = sums(conn, asked)
    total_visitors, total_count = combined.fill_series(answer, found["per_day"])
    answer["totals"] = {"visitors": total_visitors, "pageviews": total_count, "bounces": None,
                        "seconds": None, "unique": None, "unique_by": None}
    answer["filter"] = dict(asked.filters)
    first_with_records = combined.records_from(conn, asked)
    if asked.first < first_with_records:
        answer["records_from"] = first_with_records
    for list_name, dim in lists:
        rows = found["lists"][dim]
        ranked = sorted(rows.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        answer[list_name] = [entry_of(dim, value, counts) for value, counts in ranked[:asked.limit]]
    answer["events"] = [events.entry(name, [total_visitors, total_count], found["visitors"])]
    if asked.first == asked.last:
        # A stored day's event records keep no hour: only today's hours are known.
        answer["hours"] = _hours(asked.first, found["hours"]) if asked.first == asked.today \
            else None
    if asked.last == asked.today:
        visitors, count = stored.read_live(conn, asked.today, asked.now - live_minutes * 60,
                                           asked.site, name, _others(asked.filters))
        answer["live"] = {"visitors": visitors, "pageviews": count, "minutes": live_minutes}


def day_page_rows(conn, asked):
    """(day, page, visitors, count) of each day and page the event was sent from under a
    ReadQuery's other filters, a day at a time: the rows of ?format=csv."""
    for name_of, days in combined.numberings(conn, asked):
        for day, of_day in itertools.groupby(days, key=itemgetter(0)):
            tally = EventTally(asked.filters)
            for _day, _views, events, ids in of_day:
                tally.add(day, events, ids)
            pages = tally.add_named(empty_sums(), name_of)["lists"]["page"]
            for page in sorted(pages):
                yield day, page, pages[page][0], pages[page][1]


def _hours(day, by_hour):
    base = counting.day_ms(counting.parse_day(day, "day"))
    return {key: [[base + hour * 3_600_000, by_hour.get(hour, (0, 0))[i]] for hour in range(24)]
            for i, key in enumerate(("visitors", "pageviews"))}
