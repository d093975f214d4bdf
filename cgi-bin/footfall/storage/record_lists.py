"""One filter's lists and hours over ended days, counted from their records (records.py): what
daily_breakdown held as pairs (a filter's value x each value of a listed dimension) before
schema 18. A day with records keeps only its unfiltered rows and each filter value's totals
there (breakdowns.py); its lists under a filter are these.
"""

from .. import records
from . import day_records


def lists_and_days(conn, day_ranges, site, filter_name, filter_value):
    """({dimension: {value: [visitors, pageviews, entries, bounces, seconds, timed views]}},
    with 'hour' ({hour text: counts}), of the days in day_ranges [(first, last)] that have
    records, under the filter; {day with records: visitors the records count under it}): a
    visit whose traits were folded past the filter's value is not among them (records.fold)."""
    filters = {filter_name: filter_value}
    ids = day_records.find_ids(conn, filters)
    tally = records.Tally(filters)
    days = {}
    for first, last in day_ranges:
        for day, views, _events in day_records.in_range(conn, first, last, site):
            days.setdefault(day, 0)
            if ids[filter_name] is not None:
                tally.add_views(day, views, ids)
    for day, (visitors, _pageviews) in tally.per_day.items():
        days[day] += visitors
    if not tally.per_day:  # nothing matched: no need for the strings
        return {}, days
    named = records.add_named(records.empty_sums(), tally, day_records.Strings(conn).name_of)
    out = {dim: of_dim for dim, of_dim in named["lists"].items() if dim != "hour"}
    out["hour"] = {str(hour): counts for hour, counts in named["lists"]["hour"].items()}
    return out, days
