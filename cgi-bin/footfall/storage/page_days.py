"""An ended page's day, stored once since schema 20: in its daily_page row, which the day's end
marks with the page's entries, bounces, seconds and timed views (NULL while the day is live, so
a hit writes the row as before). Until schema 19 the same page-day was also two rows of
daily_breakdown with the same numbers: the page in the unfiltered list (filter '', dim 'page')
and the page filter's totals (filter 'page', dim '': the list row's, entries 0). A marked row is
both of them to breakdown_reader (rows() here); a page-day whose numbers do not meet its row's
keeps the difference in daily_breakdown's two rows, which the reader adds, so every sum is
exact. 17 MB less of 71 on the 1M-hit site (docs/storage.md, schema 20).
"""

from ..summary import unpack

SELECT_DAY = """
    select page, visitors, pageviews, entries from daily_page where day = :day and site = :site
"""
MARK = """
    update daily_page
       set entries = coalesce(entries, 0) + :entries, bounces = coalesce(bounces, 0) + :bounces,
           seconds = coalesce(seconds, 0) + :seconds, timed = coalesce(timed, 0) + :timed
     where day = :day and site = :site and page = :page
"""
ADD_REST = """
    insert into daily_breakdown
        (filter, filter_value, dim, day, site, value, visitors, pageviews, entries, bounces,
         seconds, timed)
    values (:filter, :filter_value, :dim, :day, :site, :value, :visitors, :pageviews, :entries,
            :bounces, :seconds, :timed)
    on conflict (filter, filter_value, dim, day, site, value) do update
       set visitors = daily_breakdown.visitors + excluded.visitors,
           pageviews = daily_breakdown.pageviews + excluded.pageviews,
           entries = daily_breakdown.entries + excluded.entries,
           bounces = daily_breakdown.bounces + excluded.bounces,
           seconds = daily_breakdown.seconds + excluded.seconds,
           timed = daily_breakdown.timed + excluded.timed
"""
# A range's marked page-days, as daily_breakdown's rows of the unfiltered pages list and of a
# page filter's totals (breakdown_reader.SELECT_DAYS' columns).
SELECT_LISTED = """
    select day, page, visitors, pageviews, entries, bounces, seconds, timed
      from daily_page
     where day between :first and :last and (:site is null or site = :site)
       and entries is not null
"""
SELECT_TOTALS = """
    select day, '', visitors, pageviews, 0, bounces, seconds, timed
      from daily_page
     where page = :filter_value and day between :first and :last
       and (:site is null or site = :site) and entries is not null
"""
FIELDS = ("visitors", "pageviews", "entries", "bounces", "seconds", "timed")


def rows(conn, filter_name, filter_value, dim, first, last, site):
    """The marked page-days of [first, last] as rows (day, value, visitors, pageviews, entries,
    bounces, seconds, timed) of daily_breakdown's (filter, dim): the unfiltered pages list, or
    a page filter's totals; none for any other."""
    params = {"first": first, "last": last, "site": site, "filter_value": filter_value}
    if not filter_name and dim == "page":
        return conn.execute(SELECT_LISTED, params)
    if filter_name == "page" and not dim:
        return conn.execute(SELECT_TOTALS, params)
    return ()


def store(conn, day, site, packed, seconds):
    """At a day's end (breakdowns.add_summary), before its rows are written: mark the day's
    daily_page rows with its pages' counts (packed, seconds: summary.summarize_day's), and
    return the packed and seconds left for daily_breakdown. A page without a daily_page row
    keeps its two rows there. A row not marked yet holds the day's visitors and pageviews of
    the page as hits added them (record.py, bulk.py); a marked one, an earlier summary of the
    day, to which the same writer added this one's (imports.py)."""
    pages = {key[3] for key in packed if not key[0] and key[2] == "page"}
    if not pages:
        return packed, seconds
    stored = {page: (visitors, pageviews, entries is not None) for page, visitors, pageviews,
              entries in conn.execute(SELECT_DAY, {"day": day, "site": site})}
    marks, rests, moved = [], [], set()
    for page in pages & stored.keys():
        listed, total = ("", "", "page", page), ("page", page, "", "")
        counts = unpack(packed[listed], seconds.get(listed, 0))
        totals = unpack(packed.get(total, 0), seconds.get(total, 0))
        visitors, pageviews, marked = stored[page]
        if marked:  # added to alongside: the row's visitors and pageviews are this summary's
            visitors, pageviews = counts[0], counts[1]
        marks.append({"day": day, "site": site, "page": page, "entries": counts[2],
                      "bounces": counts[3], "seconds": counts[4], "timed": counts[5]})
        rest = [counts[0] - visitors, counts[1] - pageviews, 0, 0, 0, 0]
        rests.append((listed, rest))
        rests.append((total, [totals[0] - visitors, totals[1] - pageviews, totals[2],
                              totals[3] - counts[3], totals[4] - counts[4],
                              totals[5] - counts[5]]))
        moved.update((listed, total))
    conn.executemany(MARK, marks)
    conn.executemany(ADD_REST, [
        dict(zip(FIELDS, rest), filter=f, filter_value=fv, dim=dim, day=day, site=site,
             value=value)
        for (f, fv, dim, value), rest in rests if any(rest)])
    return ({key: counts for key, counts in packed.items() if key not in moved},
            {key: more for key, more in seconds.items() if key not in moved})


# Migration 20 (migrations.py; pg_schema.py with PostgreSQL's float): each page-day that has
# both a daily_page row and an unfiltered list row moves into the first, the list row and the
# page filter's totals row keeping only what differs (none, on every day footfall summed up).
# The steps in order: a totals row made where there was none (so it can hold its difference),
# the totals row less the marked row's numbers, the row marked, the list row less it, and what
# is left at zero deleted.
_LISTED = """daily_breakdown l
                 where l.filter = '' and l.filter_value = '' and l.dim = 'page'
                   and l.day = {day} and l.site = {site} and l.value = {page}"""
_PAGE = "daily_page d where d.day = {day} and d.site = {site} and d.page = {page}"
_OF_TOTALS = {"day": "daily_breakdown.day", "site": "daily_breakdown.site",
              "page": "daily_breakdown.filter_value"}
_OF_PAGE = {"day": "daily_page.day", "site": "daily_page.site", "page": "daily_page.page"}
_OF_LISTED = dict(_OF_TOTALS, page="daily_breakdown.value")
_ZERO = ("visitors = 0 and pageviews = 0 and entries = 0 and bounces = 0 and seconds = 0"
         " and timed = 0")


def migration(float_type):
    """Migration 20, its seconds column of float_type: a function of the connection, since a
    database made by later code and marked older (tests) has the columns already."""

    def migrate(conn):
        read = conn.execute("select * from daily_page where 0 = 1")
        read.fetchall()  # PostgreSQL's pipeline: the description comes with the rows
        have = {column[0] for column in read.description}
        for name in FIELDS[2:]:
            if name not in have:
                kind = float_type if name == "seconds" else "integer"
                conn.execute(f"alter table daily_page add column {name} {kind}")
        for statement in _moves():
            conn.execute(statement)

    return migrate


def _moves():
    listed_t, page_t = _LISTED.format(**_OF_TOTALS), _PAGE.format(**_OF_TOTALS)
    listed_p = _LISTED.format(**_OF_PAGE)
    page_l = _PAGE.format(**_OF_LISTED)
    return [f"""
        insert into daily_breakdown
            (filter, filter_value, dim, day, site, value, visitors, pageviews, entries,
             bounces, seconds, timed)
        select 'page', d.page, '', d.day, d.site, '', 0, 0, 0, 0, 0, 0
          from daily_page d
         where exists (select 1 from {_LISTED.format(day="d.day", site="d.site", page="d.page")})
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
    """, f"""
        update daily_page
           set entries = (select l.entries from {listed_p}),
               bounces = (select l.bounces from {listed_p}),
               seconds = (select l.seconds from {listed_p}),
               timed = (select l.timed from {listed_p})
         where exists (select 1 from {listed_p})
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
           and exists (select 1 from {page_l} and d.entries is not null)
    """, f"""
        delete from daily_breakdown
         where filter = 'page' and dim = '' and value = '' and {_ZERO}
           and exists (select 1 from {page_t} and d.entries is not null)
    """]


SELECT_ROW = """
    select visitors, pageviews, entries, bounces, seconds, timed from daily_page
     where day = :day and site = :site and page = :page
"""
SET_ROW = """
    update daily_page
       set visitors = :visitors, pageviews = :pageviews, entries = :entries, bounces = :bounces,
           seconds = :seconds, timed = :timed
     where day = :day and site = :site and page = :page
"""
INSERT_ROW = """
    insert into daily_page (page, day, site, visitors, pageviews, entries, bounces, seconds, timed)
    values (:page, :day, :site, :visitors, :pageviews, :entries, :bounces, :seconds, :timed)
"""


def add_copied(conn, copied):
    """Add another database's daily_page rows (copies.copy_day, rows as dicts) to this one's. A
    marked row and an unmarked one of the same page-day add up to a marked row: the unmarked
    one's visitors and pageviews were no summary's, so both daily_breakdown rows take them off
    again."""
    for row in copied:
        stored = conn.execute(SELECT_ROW, row).fetchone()
        if stored is None:
            conn.execute(INSERT_ROW, row)
            continue
        mine, theirs = dict(zip(FIELDS, stored)), {name: row[name] for name in FIELDS}
        added = {name: mine[name] + theirs[name] for name in ("visitors", "pageviews")}
        marked = [side for side in (mine, theirs) if side["entries"] is not None]
        for name in FIELDS[2:]:
            added[name] = sum(side[name] for side in marked) if marked else None
        if len(marked) == 1:
            plain = theirs if marked[0] is mine else mine
            rest = dict.fromkeys(FIELDS, 0)
            rest.update(visitors=-plain["visitors"], pageviews=-plain["pageviews"])
            key = {"day": row["day"], "site": row["site"]}
            conn.execute(ADD_REST, dict(rest, **key, filter="", filter_value="", dim="page",
                                        value=row["page"]))
            conn.execute(ADD_REST, dict(rest, **key, filter="page", filter_value=row["page"],
                                        dim="", value=""))
        conn.execute(SET_ROW, dict(row, **added))
