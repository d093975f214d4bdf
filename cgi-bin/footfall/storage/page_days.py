"""An ended page's day, stored once since schema 20: its visitors and pageviews in its daily_page
row, as hits (or a bulk day) added them, and what only the day's visits tell, its entries,
bounces, seconds and timed views, in daily_page_visits, written when the day ends. Until schema
19 the same page-day was also two rows of daily_breakdown with the same numbers: the page in the
unfiltered list (filter '', dim 'page') and the page filter's totals (filter 'page', dim '':
the list row's, entries 0). The two tables joined are both of them to breakdown_reader (rows()
here); a page-day whose numbers do not meet its daily_page row keeps the difference in
daily_breakdown's two rows, which the reader adds, so every sum is exact. daily_page is never
changed by a day's end: a request of today leaves the days before as they were.
"""

from ..summary import unpack
from .breakdown_rows import ADD_DAILY

SELECT_DAY = """
    select d.page, d.visitors, d.pageviews, v.page is not null
      from daily_page d
      left join daily_page_visits v on v.day = d.day and v.site = d.site and v.page = d.page
     where d.day = :day and d.site = :site
"""
ADD_VISITS = """
    insert into daily_page_visits (day, site, page, entries, bounces, seconds, timed)
    values (:day, :site, :page, :entries, :bounces, :seconds, :timed)
    on conflict (day, site, page) do update
       set entries = daily_page_visits.entries + excluded.entries,
           bounces = daily_page_visits.bounces + excluded.bounces,
           seconds = daily_page_visits.seconds + excluded.seconds,
           timed = daily_page_visits.timed + excluded.timed
"""
# A range's ended page-days, as daily_breakdown's rows of the unfiltered pages list and of a
# page filter's totals (breakdown_reader.SELECT_DAYS' columns).
SELECT_LISTED = """
    select d.day, d.page, d.visitors, d.pageviews, v.entries, v.bounces, v.seconds, v.timed
      from daily_page_visits v
      join daily_page d on d.day = v.day and d.site = v.site and d.page = v.page
     where v.day between :first and :last and (:site is null or v.site = :site)
"""
# A page's own days are found by key from daily_site's (totals.SELECT_PAGE_DAYS says why).
SELECT_TOTALS = """
    select d.day, '', d.visitors, d.pageviews, 0, v.bounces, v.seconds, v.timed
      from daily_site s
      join daily_page_visits v on v.day = s.day and v.site = s.site and v.page = :filter_value
      join daily_page d on d.day = s.day and d.site = s.site and d.page = :filter_value
     where s.day between :first and :last and (:site is null or s.site = :site)
"""
# The same summed over the whole stretch, one row per value (a list, a range's totals).
SUM_LISTED = """
    select d.page, sum(d.visitors), sum(d.pageviews), sum(v.entries), sum(v.bounces),
           sum(v.seconds), sum(v.timed)
      from daily_page_visits v
      join daily_page d on d.day = v.day and d.site = v.site and d.page = v.page
     where v.day between :first and :last and (:site is null or v.site = :site)
     group by d.page
"""
SUM_TOTALS = """
    select '', sum(d.visitors), sum(d.pageviews), 0, sum(v.bounces), sum(v.seconds),
           sum(v.timed)
      from daily_site s
      join daily_page_visits v on v.day = s.day and v.site = s.site and v.page = :filter_value
      join daily_page d on d.day = s.day and d.site = s.site and d.page = :filter_value
     where s.day between :first and :last and (:site is null or s.site = :site)
    having count(*) > 0
"""
FIELDS = ("visitors", "pageviews", "entries", "bounces", "seconds", "timed")


def rows(conn, filter_name, filter_value, dim, first, last, site, by_value=False):
    """The ended page-days of [first, last] as rows (day, value, visitors, pageviews, entries,
    bounces, seconds, timed) of daily_breakdown's (filter, dim): the unfiltered pages list, or
    a page filter's totals; none for any other. by_value: summed per value, without the day."""
    params = {"first": first, "last": last, "site": site, "filter_value": filter_value}
    if not filter_name and dim == "page":
        return conn.execute(SUM_LISTED if by_value else SELECT_LISTED, params)
    if filter_name == "page" and not dim:
        return conn.execute(SUM_TOTALS if by_value else SELECT_TOTALS, params)
    return ()


def store(conn, day, site, packed, seconds):
    """At a day's end (breakdowns.add_summary), before its rows are written: add its pages'
    visits (packed, seconds: summary.summarize_day's) to daily_page_visits, and return the
    packed and seconds left for daily_breakdown. A page without a daily_page row keeps its two
    rows there. A daily_page row without visits yet holds the day's visitors and pageviews of
    the page as hits added them (record.py, bulk.py); one with, an earlier summary of the day,
    to which the same writer added this one's (a second log of the day: imports.py)."""
    pages = {key[3] for key in packed if not key[0] and key[2] == "page"}
    if not pages:
        return packed, seconds
    stored = {page: (visitors, pageviews, ended) for page, visitors, pageviews, ended
              in conn.execute(SELECT_DAY, {"day": day, "site": site})}
    visits, rests, moved = [], [], set()
    for page in pages & stored.keys():
        listed, total = ("", "", "page", page), ("page", page, "", "")
        counts = unpack(packed[listed], seconds.get(listed, 0))
        totals = unpack(packed.get(total, 0), seconds.get(total, 0))
        visitors, pageviews, ended = stored[page]
        if ended:  # added to alongside: the row's visitors and pageviews are this summary's
            visitors, pageviews = counts[0], counts[1]
        visits.append({"day": day, "site": site, "page": page, "entries": counts[2],
                       "bounces": counts[3], "seconds": counts[4], "timed": counts[5]})
        rests.append((listed, [counts[0] - visitors, counts[1] - pageviews, 0, 0, 0, 0]))
        rests.append((total, [totals[0] - visitors, totals[1] - pageviews, totals[2],
                              totals[3] - counts[3], totals[4] - counts[4],
                              totals[5] - counts[5]]))
        moved.update((listed, total))
    conn.executemany(ADD_VISITS, visits)
    add_rests(conn, day, site, rests)
    return ({key: counts for key, counts in packed.items() if key not in moved},
            {key: more for key, more in seconds.items() if key not in moved})


def add_rests(conn, day, site, rests):
    """Add [(daily_breakdown key, counts)] to the day's rows, those not all zero."""
    conn.executemany(ADD_DAILY, [
        dict(zip(FIELDS, rest), filter=f, filter_value=fv, dim=dim, day=day, site=site,
             value=value)
        for (f, fv, dim, value), rest in rests if any(rest)])


SELECT_VISITS = """
    select entries, bounces, seconds, timed from daily_page_visits
     where day = :day and site = :site and page = :page
"""
DELETE_VISITS = "delete from daily_page_visits where day = :day and site = :site and page = :page"


def unend(conn, day, site, page, visitors, pageviews):
    """A page-day's daily_page row (visitors, pageviews) is going (page_caps.py, a day summed up
    again past its cap): its visits row, if any, goes back into daily_breakdown's two rows, as
    before schema 20, so that the day's lists keep it."""
    key = {"day": day, "site": site, "page": page}
    visits = conn.execute(SELECT_VISITS, key).fetchone()
    if visits is None:
        return
    conn.execute(DELETE_VISITS, key)
    more = list(visits[1:])
    add_rests(conn, day, site, [(("", "", "page", page), [visitors, pageviews, visits[0]] + more),
                                (("page", page, "", ""), [visitors, pageviews, 0] + more)])


SELECT_ENDED = """
    select 1 from daily_page_visits where day = :day and site = :site and page = :page
"""
SELECT_PAGE = """
    select visitors, pageviews from daily_page where day = :day and site = :site and page = :page
"""


def settle_copy(conn, day, page_rows, visit_rows):
    """Before another database's day (copies.copy_day, rows as dicts) is added to this one's:
    ({site: [(daily_breakdown key, counts)]} to add, the visits rows to copy). A page-day ended
    on one side only meets a daily_page row that no summary counted on the other: an ended one
    here takes the copied row's counts off again in its two daily_breakdown rows; one ended
    there is copied as those two rows, as before schema 20, so that this day's own end still
    counts its row here."""
    ended_there = {(row["site"], row["page"]): row for row in visit_rows}
    rests, copied = {}, []
    for row in page_rows:
        key = {"day": day, "site": row["site"], "page": row["page"]}
        mine = conn.execute(SELECT_PAGE, key).fetchone()
        ended_here = mine is not None and conn.execute(SELECT_ENDED, key).fetchone() is not None
        visits = ended_there.pop((row["site"], row["page"]), None)
        listed, total = ("", "", "page", row["page"]), ("page", row["page"], "", "")
        if visits is None or mine is None or ended_here:
            if visits is not None:
                copied.append(visits)
            elif ended_here:
                rest = [-row["visitors"], -row["pageviews"], 0, 0, 0, 0]
                rests.setdefault(row["site"], []).extend([(listed, rest), (total, rest)])
            continue
        plain = [row["visitors"], row["pageviews"]]
        more = [visits[name] for name in FIELDS[3:]]
        rests.setdefault(row["site"], []).extend([
            (listed, plain + [visits["entries"]] + more), (total, plain + [0] + more)])
    return rests, copied + list(ended_there.values())


# Schema 20's new table, made by migration 20 unless there (its comments are in schema.py).
TABLE = """
    create table if not exists daily_page_visits (
        day      text    not null,
        site     text    not null,
        page     text    not null,
        entries  integer not null default 0,
        bounces  integer not null default 0,
        seconds  real    not null default 0,
        timed    integer not null default 0,
        primary key (day, site, page)
    ) without rowid
"""


# Migration 20 (migrations.py; pg_schema.py in PostgreSQL's words): each page-day that has both
# a daily_page row and an unfiltered list row gets its visits row, the list row and the page
# filter's totals row keeping only what differs (none, on every day footfall summed up). The
# steps in order: a totals row made where there was none (so it can hold its difference), the
# totals row less the page-day's numbers, the visits row, the list row less it, and what is
# left at zero deleted.
_LISTED = """daily_breakdown l
                 where l.filter = '' and l.filter_value = '' and l.dim = 'page'
                   and l.day = {day} and l.site = {site} and l.value = {page}"""
_PAGE = "daily_page d where d.day = {day} and d.site = {site} and d.page = {page}"
_VISITS = "daily_page_visits v where v.day = {day} and v.site = {site} and v.page = {page}"
_OF_TOTALS = {"day": "daily_breakdown.day", "site": "daily_breakdown.site",
              "page": "daily_breakdown.filter_value"}
_OF_LISTED = dict(_OF_TOTALS, page="daily_breakdown.value")
_ZERO = ("visitors = 0 and pageviews = 0 and entries = 0 and bounces = 0 and seconds = 0"
         " and timed = 0")


def migration(table):
    """Migration 20: a function of the connection that makes table (the new one, in its
    backend's words) unless there (a database made by later code and marked older, in tests)
    and moves the page-days."""

    def migrate(conn):
        conn.execute(table)
        for statement in _moves():
            conn.execute(statement)

    return migrate


def _moves():
    listed_t, page_t = _LISTED.format(**_OF_TOTALS), _PAGE.format(**_OF_TOTALS)
    page_l = _PAGE.format(**_OF_LISTED)
    listed_d = _LISTED.format(day="d.day", site="d.site", page="d.page")
    return [f"""
        insert into daily_breakdown
            (filter, filter_value, dim, day, site, value, visitors, pageviews, entries,
             bounces, seconds, timed)
        select 'page', d.page, '', d.day, d.site, '', 0, 0, 0, 0, 0, 0
          from daily_page d
         where exists (select 1 from {listed_d})
           and not exists (select 1 from daily_breakdown t
                            where t.filter = 'page' and t.filter_value = d.page and t.dim = ''
                              and t.day = d.day and t.site = d.site and t.value = '')
    """, f"""
        update daily_breakdown
           set visitors = visitors - (select d.visitors from {page_t}),
               pageviews = pageviews - (select d.pageviews from {page_t}),
               bounces = bounces - (select l.bounces from {listed_t}),
               seconds = seconds - (select l.seconds from {listed_t}),
               timed = timed - (select l.timed from {listed_t})
         where filter = 'page' and dim = '' and value = ''
           and exists (select 1 from {page_t}) and exists (select 1 from {listed_t})
    """, """
        insert into daily_page_visits (day, site, page, entries, bounces, seconds, timed)
        select d.day, d.site, d.page, l.entries, l.bounces, l.seconds, l.timed
          from daily_page d
          join daily_breakdown l
            on l.filter = '' and l.filter_value = '' and l.dim = 'page' and l.day = d.day
           and l.site = d.site and l.value = d.page
    """, f"""
        update daily_breakdown
           set visitors = visitors - (select d.visitors from {page_l}),
               pageviews = pageviews - (select d.pageviews from {page_l}),
               entries = 0, bounces = 0, seconds = 0, timed = 0
         where filter = '' and filter_value = '' and dim = 'page'
           and exists (select 1 from {page_l})
    """, f"""
        delete from daily_breakdown
         where filter = '' and filter_value = '' and dim = 'page' and {_ZERO}
           and exists (select 1 from {_VISITS.format(**_OF_LISTED)})
    """, f"""
        delete from daily_breakdown
         where filter = 'page' and dim = '' and value = '' and {_ZERO}
           and exists (select 1 from {_VISITS.format(**_OF_TOTALS)})
    """]
