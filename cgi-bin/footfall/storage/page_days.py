"""An ended page's day, stored once since schema 20: its daily_page row holds the day's visitors
and pageviews, as hits (or a bulk day) added them, and what only the day's visits tell, its
entries, bounces, seconds and timed views, in four columns the day's end fills (NULL while the
day is live; schema 20 to 22 kept them in a table of their own, daily_page_visits, 9.5 MB of
the 1M-hit site's 48.8). Until schema 19 the same page-day was also two rows of daily_breakdown
with the same numbers: the page in the unfiltered list (filter '', dim 'page') and the page
filter's totals (filter 'page', dim '': the list row's, entries 0). A filled row is both of
them to breakdown_reader (rows() here); a page-day whose numbers do not meet its daily_page row
keeps the difference in daily_breakdown's two rows, which the reader adds, so every sum is
exact. A day's end fills the four columns of the ended day's rows and leaves the visitors and
pageviews hits counted as they were (tests/hostile/test_fuzz.py), but for its pages past the
cap, which page_caps.py folds into OTHER.
"""

from ..summary import unpack
from .breakdown_rows import ADD_DAILY

SELECT_DAY = """
    select page, visitors, pageviews, entries is not null from daily_page
     where day = :day and site = :site
"""
ADD_VISITS = """
    update daily_page
       set entries = coalesce(entries, 0) + :entries, bounces = coalesce(bounces, 0) + :bounces,
           seconds = coalesce(seconds, 0) + :seconds, timed = coalesce(timed, 0) + :timed
     where day = :day and site = :site and page = :page
"""
# A range's ended page-days, as daily_breakdown's rows of the unfiltered pages list and of a
# page filter's totals (breakdown_reader.SELECT_DAYS' columns).
SELECT_LISTED = """
    select day, page, visitors, pageviews, entries, bounces, seconds, timed
      from daily_page
     where day between :first and :last and (:site is null or site = :site)
       and entries is not null
"""
# A page's own days are found by key from daily_site's (totals.SELECT_PAGE_DAYS says why):
# a cross join, whose left table SQLite always reads as the outer loop: with a plain join its
# planner read the whole range of daily_page first (schema 23; test_totals.py checks the plan).
SELECT_TOTALS = """
    select d.day, '', d.visitors, d.pageviews, 0, d.bounces, d.seconds, d.timed
      from daily_site s
     cross join daily_page d
     where d.day = s.day and d.site = s.site and d.page = :filter_value and d.entries is not null
       and s.day between :first and :last and (:site is null or s.site = :site)
"""
# The same summed over the whole stretch, one row per value (a list, a range's totals).
SUM_LISTED = """
    select page, sum(visitors), sum(pageviews), sum(entries), sum(bounces), sum(seconds),
           sum(timed)
      from daily_page
     where day between :first and :last and (:site is null or site = :site)
       and entries is not null
     group by page
"""
SUM_TOTALS = """
    select '', sum(d.visitors), sum(d.pageviews), 0, sum(d.bounces), sum(d.seconds),
           sum(d.timed)
      from daily_site s
     cross join daily_page d
     where d.day = s.day and d.site = s.site and d.page = :filter_value and d.entries is not null
       and s.day between :first and :last and (:site is null or s.site = :site)
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
    visits (packed, seconds: summary.summarize_day's) to their daily_page rows, and return the
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
    select entries, bounces, seconds, timed from daily_page
     where day = :day and site = :site and page = :page and entries is not null
"""


def unend(conn, day, site, page, visitors, pageviews):
    """A page-day's daily_page row (visitors, pageviews) is going (page_caps.py, a day summed up
    again past its cap): its visits, if its day ended, go back into daily_breakdown's two rows,
    as before schema 20, so that the day's lists keep them."""
    key = {"day": day, "site": site, "page": page}
    visits = conn.execute(SELECT_VISITS, key).fetchone()
    if visits is None:
        return
    more = list(visits[1:])
    add_rests(conn, day, site, [(("", "", "page", page), [visitors, pageviews, visits[0]] + more),
                                (("page", page, "", ""), [visitors, pageviews, 0] + more)])


SELECT_PAGE = """
    select entries is not null from daily_page where day = :day and site = :site and page = :page
"""


def settle_copy(conn, day, page_rows):
    """Before another database's day (copies.copy_day, rows as dicts) is added to this one's:
    ({site: [(daily_breakdown key, counts)]} to add, the daily_page rows to add). A page-day
    ended on one side only meets a daily_page row that no summary counted on the other: an
    ended one here takes the copied row's counts off again in its two daily_breakdown rows (its
    visits add nothing); one ended there is copied as those two rows, as before schema 20, and
    its row as a live one, so that this day's own end still counts its row here."""
    rests, copied = {}, []
    for row in page_rows:
        mine = conn.execute(SELECT_PAGE, {"day": day, "site": row["site"],
                                          "page": row["page"]}).fetchone()
        ended_there = row["entries"] is not None
        if mine is None or bool(mine[0]) == ended_there:  # inserted, or added up alike
            copied.append(row)
            continue
        listed, total = ("", "", "page", row["page"]), ("page", row["page"], "", "")
        plain = [row["visitors"], row["pageviews"]]
        if ended_there:
            more = [row[name] for name in FIELDS[3:]]
            rests.setdefault(row["site"], []).extend([
                (listed, plain + [row["entries"]] + more), (total, plain + [0] + more)])
            copied.append(dict(row, **dict.fromkeys(FIELDS[2:])))
        else:
            rest = [-row["visitors"], -row["pageviews"], 0, 0, 0, 0]
            rests.setdefault(row["site"], []).extend([(listed, rest), (total, rest)])
            copied.append(dict(row, **dict.fromkeys(FIELDS[2:], 0)))
    return rests, copied


# Schema 20 to 22's table of what an ended day's visits tell of a page beside its daily_page
# row (the four columns of daily_page since), made by migration 20 unless there.
TABLE = """
    create table if not exists daily_page_visits (
        day      text    not null,
        site     text    not null,
        page     text    not null,
        entries  integer not null default 0,  -- as daily_breakdown's: visits begun on the page
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


# Migration 23 (migrations.py; pg_schema.py with PostgreSQL's float): daily_page_visits folded
# into four columns of daily_page, NULL where the day has not ended, and dropped: its key
# (day, site and page again) took as many bytes as daily_page itself.
COLUMNS = ("entries", "bounces", "seconds", "timed")
FOLD_VISITS = """
    update daily_page
       set (entries, bounces, seconds, timed) = (
           select v.entries, v.bounces, v.seconds, v.timed
             from daily_page_visits v
            where v.day = daily_page.day and v.site = daily_page.site
              and v.page = daily_page.page)
     where exists (select 1 from daily_page_visits v
                    where v.day = daily_page.day and v.site = daily_page.site
                      and v.page = daily_page.page)
"""


def fold_visits(seconds_type):
    """Migration 23: a function of the connection that adds daily_page's four columns (seconds
    of seconds_type, in its backend's words) unless there (a database made by later code and
    marked older, in tests), copies each daily_page_visits row into its daily_page row and
    drops the table. A visits row without its daily_page row was never read: it goes."""

    def migrate(conn):
        columns = conn.execute("select * from daily_page limit 0")
        columns.fetchall()  # PostgreSQL's pipeline: the description comes with the answer
        present = {column[0] for column in columns.description}
        for name in COLUMNS:
            if name not in present:
                kind = seconds_type if name == "seconds" else "integer"
                conn.execute(f"alter table daily_page add column {name} {kind}")
        conn.execute(FOLD_VISITS)
        conn.execute("drop table daily_page_visits")

    return migrate
