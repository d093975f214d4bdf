"""A value's ended day stored once since schema 25: the unfiltered list row of a browser,
country, referrer ... (filter '', dim browser, value Chrome) and that value's filter totals row
(filter browser, filter value Chrome, dim '') hold the same visitors, pageviews, entries and
seconds; only bounces and timed differ (the list row counts no bounces and timed views, the
totals row bounced visits and timed visits). Until schema 24 both were stored: 91,776 rows,
5.1 MB of the 1M-hit site's 36.2. A list row whose pair meets keeps the totals row's bounces
and timed in two columns of its own, visit_bounces and visit_timed (NULL on any other row),
and the totals row is not stored; rows() here gives it back to breakdown_reader. A pair that
does not meet (one row without the other, or other numbers: a day summed up twice, a copy)
keeps its two rows as before. Pages are page_days.py's: they have no list rows of their own.

The rule, one invariant: a list row with visit_bounces set has no totals row beside it. A
day's first summary merges its pairs as it inserts them (pair_up); a day summed up again, or
copied onto, is split first (split), added to as before and merged again (merge).
"""

from ..dimensions import DIMENSIONS
from ..summary import PACKED_BITS, PACKED_FIELD

# The listed dimensions whose values are filters with totals rows: all but pages.
DIMS = tuple(d.name for d in DIMENSIONS if d.kind != "page")
_IN_DIMS = "(" + ", ".join(f"'{name}'" for name in DIMS) + ")"  # names of the table only
# visitors, pageviews and entries of summary.py's packed counts: what must meet, with seconds.
_SHARED = (1 << 3 * PACKED_BITS) - 1

# A filter value's totals of a range's ended days, from the list rows that hold them: found by
# key from the days and sites that have a summary (each has its unfiltered totals row,
# breakdowns.HAS_DAILY), a cross join as in page_days.py, so that a year's series is a year of
# look-ups whatever the number of values a day lists (up to bounds.CAPS: 300 referrers).
_OF_SUMMARIES = """
      from daily_breakdown s
     cross join daily_breakdown b
     where s.filter = '' and s.filter_value = '' and s.dim = '' and s.value = ''
       and s.day between :first and :last and (:site is null or s.site = :site)
       and b.filter = '' and b.filter_value = '' and b.dim = :filter and b.day = s.day
       and b.site = s.site and b.value = :filter_value and b.visit_bounces is not null
"""
SELECT_TOTALS = """
    select b.day, '', b.visitors, b.pageviews, b.entries, b.visit_bounces, b.seconds,
           b.visit_timed""" + _OF_SUMMARIES
SUM_TOTALS = """
    select '', sum(b.visitors), sum(b.pageviews), sum(b.entries), sum(b.visit_bounces),
           sum(b.seconds), sum(b.visit_timed)""" + _OF_SUMMARIES + """    having count(*) > 0
"""


def rows(conn, filter_name, filter_value, dim, first, last, site, by_value=False):
    """A filter's totals rows (day, '', visitors, pageviews, entries, bounces, seconds, timed)
    of [first, last] that its value's list rows hold; none for any other question. by_value:
    summed, without the day."""
    if dim or filter_name not in DIMS:
        return ()
    params = {"filter": filter_name, "filter_value": filter_value, "first": first,
              "last": last, "site": site}
    return conn.execute(SUM_TOTALS if by_value else SELECT_TOTALS, params)


def pair_up(packed, seconds):
    """A day's first summary (summary.py's packed counts and seconds, by row key): {list row
    key: (visit_bounces, visit_timed)} of the pairs that meet, and packed without their totals
    rows."""
    merged, get = {}, seconds.get
    for key, counts in packed.items():
        f, _, dim, value = key
        if f or dim not in DIMS:
            continue
        total = (dim, value, "", "")
        other = packed.get(total)
        if (other is not None and counts & _SHARED == other & _SHARED
                and get(key, 0) == get(total, 0)):
            merged[key] = (other >> 3 * PACKED_BITS & PACKED_FIELD, other >> 4 * PACKED_BITS)
    if not merged:
        return merged, packed
    gone = {(key[2], key[3], "", "") for key in merged}
    return merged, {key: counts for key, counts in packed.items() if key not in gone}


_OF_DAY = "and day = :day and (:site is null or site = :site)"
# The totals row a list row stands for, as (filter, filter_value, dim, day, site, value).
_TOTALS_OF = """daily_breakdown t
                 where t.filter = daily_breakdown.dim and t.filter_value = daily_breakdown.value
                   and t.dim = '' and t.day = daily_breakdown.day
                   and t.site = daily_breakdown.site and t.value = ''"""
_MERGE = f"""
    update daily_breakdown
       set visit_bounces = (select t.bounces from {_TOTALS_OF}),
           visit_timed = (select t.timed from {_TOTALS_OF})
     where filter = '' and filter_value = '' and dim in {_IN_DIMS} and visit_bounces is null
       {{of_day}}
       and exists (select 1 from {_TOTALS_OF}
                      and t.visitors = daily_breakdown.visitors
                      and t.pageviews = daily_breakdown.pageviews
                      and t.entries = daily_breakdown.entries
                      and t.seconds = daily_breakdown.seconds)
"""
_DROP_MERGED = """
    delete from daily_breakdown
     where (filter, filter_value, dim, day, site, value) in (
           select dim, value, '', day, site, '' from daily_breakdown
            where filter = '' and filter_value = '' and dim in {dims} and visit_bounces is not null
              {of_day})
""".replace("{dims}", _IN_DIMS)
_SPLIT = f"""
    insert into daily_breakdown
        (filter, filter_value, dim, day, site, value, visitors, pageviews, entries, bounces,
         seconds, timed)
    select dim, value, '', day, site, '', visitors, pageviews, entries, visit_bounces, seconds,
           visit_timed
      from daily_breakdown
     where filter = '' and filter_value = '' and dim in {_IN_DIMS} and visit_bounces is not null
       {_OF_DAY}
"""
_UNMARK = f"""
    update daily_breakdown set visit_bounces = null, visit_timed = null
     where filter = '' and filter_value = '' and dim in {_IN_DIMS} and visit_bounces is not null
       {_OF_DAY}
"""
MERGE_DAY = (_MERGE.format(of_day=_OF_DAY), _DROP_MERGED.format(of_day=_OF_DAY))
MERGE_ALL = (_MERGE.format(of_day=""), _DROP_MERGED.format(of_day=""))


def merge(conn, day, site=None):
    """Merge each pair of a day (one site's, if given) that meets."""
    for statement in MERGE_DAY:
        conn.execute(statement, {"day": day, "site": site})


def split(conn, day, site=None):
    """Store each merged pair of a day (one site's, if given) as its two rows again."""
    for statement in (_SPLIT, _UNMARK):
        conn.execute(statement, {"day": day, "site": site})


# The rows as two rows each, as before schema 25: what migrate_db.py copies, sums a month's
# rows from and checks a copy by (copies.py).
EXPANDED = f"""(
    select filter, filter_value, dim, day, site, value, visitors, pageviews, entries, bounces,
           seconds, timed
      from daily_breakdown
    union all
    select dim, value, '', day, site, '', visitors, pageviews, entries, visit_bounces, seconds,
           visit_timed
      from daily_breakdown
     where filter = '' and filter_value = '' and dim in {_IN_DIMS} and visit_bounces is not null
)"""


def migration(conn):
    """Migration 25, both backends: the two columns unless there (a database made by later code
    and marked older, in tests), then every pair that meets merged."""
    columns = conn.execute("select * from daily_breakdown limit 0")
    columns.fetchall()  # PostgreSQL's pipeline: the description comes with the answer
    present = {column[0] for column in columns.description}
    for name in ("visit_bounces", "visit_timed"):
        if name not in present:
            conn.execute(f"alter table daily_breakdown add column {name} integer")
    for statement in MERGE_ALL:
        conn.execute(statement)
