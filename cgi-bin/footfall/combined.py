"""A GET with two filters or more (?country=DE&page=/pricing): every number counted from the
range's day records (storage/day_records.py) and today's views, made into records in memory by
the same function (records.py) and summed alike (record_sums.py), so that today and the days
that ended count alike. Nothing is written and no lock is taken.

Days that ended before footfall kept records are not counted: the answer says from which day
it counts ("records_from") when the range starts before it. Distinct visitors over the range
are not estimated ("unique": null). Traits held by fewer than records.K visits of a day read
as "(other)" (records.py's fold): the one way these numbers differ from the definitions.
When one of the filters is an event, combined_events.py answers, from the same numberings().
"""

import itertools
from operator import itemgetter

from . import counting, record_sums, records
from .storage import breakdowns, day_records, totals


def sums(conn, asked):
    """record_sums.empty_sums() filled for a ReadQuery with two filters or more, and the first day
    with records (today when there are none yet)."""
    out = record_sums.empty_sums()
    for name_of, days in numberings(conn, asked):
        tally = record_sums.Tally(asked.filters)
        for day, views, events, ids in days:
            tally.add_views(day, views, ids)
            tally.add_events(events, ids)
        record_sums.add_named(out, tally, name_of)
    return out, records_from(conn, asked)


def records_from(conn, asked):
    """The first day with records (today when there are none yet)."""
    return day_records.first_day(conn, asked.site) or asked.today


def numberings(conn, asked):
    """The range's records, one numbering of their strings at a time: (name_of, days), days
    giving (day, view columns, event columns, ids of the filters' values) of each day and site,
    by day. The ended days' are numbered by the strings table; today's, made in memory, by
    their own numbers, and their event columns end with each hit's hour (a stored day's keep
    none). name_of names every number once days is read to its end."""
    last_ended = min(asked.last, counting.day_before(asked.today))
    if asked.first <= last_ended:
        ids = day_records.find_ids(conn, asked.filters)
        stored = day_records.in_range(conn, asked.first, last_ended, asked.site)
        names = day_records.Names(conn)  # the names of what the answer lists, no more
        yield (names.name_of, ((day, views, events, ids) for day, views, events in stored))
    if asked.first <= asked.today <= asked.last:
        strings = _Numbering()
        yield strings.name_of, _today(conn, asked, strings)


def _today(conn, asked, strings):
    today, view_rows, event_rows = asked.today, {}, {}
    for site, views in breakdowns.day_views(conn, today, asked.site).items():
        view_rows[site] = records.view_records(views)
    for site, hits in day_records.events_of(conn, today, asked.site).items():
        # event_records gives one row per hit, in the hits' order
        event_rows[site] = [row + (columns["hour"],) for row, (_name, _visitor, columns)
                            in zip(records.event_records(hits), hits)]
    for site in sorted(set(view_rows) | set(event_rows)):
        views = records.encode(view_rows.get(site, []), records.VALUES, strings.id_of)
        events = records.encode(event_rows.get(site, []), ("event",) + records.VALUES,
                                strings.id_of)
        ids = {name: strings.ids.get((records.DIM_NUMBER[name], value))
               for name, value in asked.filters.items()}
        yield (today, records.columns_of(views, records.VIEW_WIDTH),
               records.columns_of(events, records.EVENT_WIDTH + 1), ids)


class _Numbering(day_records.Strings):
    """Strings numbered in memory only: today's records are never written."""

    def __init__(self):
        self.conn, self.ids, self.names, self.top = None, {}, {}, {}

    def id_of(self, dim, value):
        if not value:
            return 0
        found = self.ids.get((dim, value))
        if found is None:
            found = self.top[dim] = self.top.get(dim, 0) + 1
            self.ids[dim, value] = found
            self.names[dim, found] = value
        return found


# ---------------------------------------------------------------------------------------------
# The answer
# ---------------------------------------------------------------------------------------------

def add_to_answer(answer, conn, asked, lists, entry_of, live_minutes):
    """Fill answer (which has the range's daily series) for a ReadQuery with two filters or
    more: insights.add_to_answer's shape, every number from sums()."""
    found, first_with_records = sums(conn, asked)
    visitors_total, pageviews_total = fill_series(answer, found["per_day"])
    whole = found["totals"]
    languages = sum(counts[0] for value, counts in found["lists"]["language"].items() if value)
    answer["totals"] = {
        "visitors": visitors_total, "pageviews": pageviews_total, "bounces": whole[3],
        "seconds": _mean(whole[4], whole[5]), "timed": whole[5],
        "without_language": max(0, visitors_total - languages),
        "unique": None, "unique_by": None}
    answer["filter"] = dict(asked.filters)
    if asked.first < first_with_records:
        answer["records_from"] = first_with_records
    for list_name, dim in lists:
        rows = found["lists"][dim]
        ranked = sorted(rows.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        answer[list_name] = [entry_of(dim, value, counts) for value, counts in ranked[:asked.limit]]
    if asked.first == asked.last:
        answer["hours"] = _hours(asked.first, found["lists"]["hour"])
    if asked.last == asked.today:
        visitors, pageviews = totals.live_matching(
            conn, asked.today, asked.now - live_minutes * 60, asked.site, asked.filters)
        answer["live"] = {"visitors": visitors, "pageviews": pageviews, "minutes": live_minutes}
    answer["events"] = _events(found["events"], visitors_total, asked.limit)


def fill_series(answer, per_day):
    """Set each point of answer's daily series to per_day's {day: (visitors, pageviews)};
    returns the range's (visitors, pageviews)."""
    visitors_total = pageviews_total = 0
    for point_v, point_p in zip(answer["visitors"], answer["pageviews"]):
        counts = per_day.get(counting.day_of_ms(point_v[0]), (0, 0))
        point_v[1], point_p[1] = counts[0], counts[1]
        visitors_total += counts[0]
        pageviews_total += counts[1]
    return visitors_total, pageviews_total


def day_page_rows(conn, asked):
    """(day, page, visitors, pageviews) of each day and page under a ReadQuery's filters, a
    day at a time (its sites summed up): the rows of ?format=csv with two filters or more."""
    for name_of, days in numberings(conn, asked):
        for day, of_day in itertools.groupby(days, key=itemgetter(0)):
            tally = record_sums.Tally(asked.filters)
            for _day, views, _events, ids in of_day:
                tally.add_views(day, views, ids)
            yield from _page_rows(day, record_sums.add_named(record_sums.empty_sums(), tally, name_of))


def _page_rows(day, found):
    pages = found["lists"]["page"]
    for page in sorted(pages):
        yield day, page, pages[page][0], pages[page][1]


def _mean(seconds, timed):
    return round(seconds / timed, 1) if timed else None


def _hours(day, by_hour):
    base = counting.day_ms(counting.parse_day(day, "day"))
    return {key: [[base + hour * 3_600_000, by_hour.get(hour, (0, 0))[i]] for hour in range(24)]
            for i, key in enumerate(("visitors", "pageviews"))}


def _events(by_name, range_visitors, limit):
    ranked = sorted(by_name.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [{"event": name, "visitors": counts[0], "count": counts[1],
             "conversion": round(counts[0] / range_visitors, 4) if range_visitors else None}
            for name, counts in ranked[:limit]]
