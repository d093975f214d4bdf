"""Reading counts for GET: per-day series, top pages and referrers, from the rollups only.

Never the raw hits table, so a chart costs the same with ten thousand hits or ten million
(tests/bench/test_top_pages.py checks the query plans).
"""

import datetime

from .identifiers import column

# :site is null means every site; the day range uses each table's primary key or day index.
SELECT_SITE_DAYS = """
    select day, sum(visitors), sum(pageviews)
      from daily_site
     where day between :first and :last and (:site is null or site = :site)
     group by day
"""
# A page's own days: daily_page has no index on page since schema 22 (it took as many bytes as
# the table), so they are found by key, one lookup for each of daily_site's days and sites in
# the range. Every daily_page row has its daily_site row: a counted view adds to both
# (record.add_counts), and folding a page into OTHER (page_caps.py) keeps the day's views.
SELECT_PAGE_DAYS = """
    select s.day, sum(p.visitors), sum(p.pageviews)
      from daily_site s
      join daily_page p on p.day = s.day and p.site = s.site and p.page = :page
     where s.day between :first and :last and (:site is null or s.site = :site)
     group by s.day
"""
SELECT_FIRST_SITE_DAY = """
    select min(day) from daily_site where (:site is null or site = :site)
"""
# From the first month monthly_page has the page in (a few rows a month): its days from there.
SELECT_FIRST_PAGE_DAY = """
    select min(s.day)
      from daily_site s
      join daily_page p on p.day = s.day and p.site = s.site and p.page = :page
     where s.day >= (select min(month) from monthly_page
                      where page = :page and (:site is null or site = :site))
       and (:site is null or s.site = :site)
"""
SELECT_TOP_PAGES = """
    select page, sum(visitors) as visitors, sum(pageviews) as pageviews
      from daily_page
     where day between :first and :last and (:site is null or site = :site)
     group by page
     order by visitors desc, pageviews desc, page
     limit :limit
"""
# The top pages of a range of whole months and days: sums per page, ranked in top_pages().
SELECT_MONTH_PAGE_SUMS = """
    select page, sum(visitors), sum(pageviews)
      from monthly_page
     where month between :first_month and :last_month and (:site is null or site = :site)
     group by page
"""
SELECT_PAGE_SUMS = """
    select page, sum(visitors), sum(pageviews)
      from daily_page
     where day between :first and :last and (:site is null or site = :site)
     group by page
"""
# Whether any day in [first, last] has hits: tells if a month at an end of a range is whole.
SELECT_ANY_DAY = """
    select 1 from daily_site where day between :first and :last and (:site is null or site = :site)
     limit 1
"""
# A range's referrers: sums per host of whole months (monthly_ref) and of the days at the
# range's ends (daily_ref), ranked in top_referrers().
SELECT_MONTH_REF_SUMS = """
    select ref, sum(pageviews)
      from monthly_ref
     where month between :first_month and :last_month and (:site is null or site = :site)
     group by ref
"""
SELECT_REF_SUMS = """
    select ref, sum(pageviews)
      from daily_ref
     where day between :first and :last and (:site is null or site = :site)
     group by ref
"""


def read_days(conn, first, last, site=None, page=None):
    """{day: (visitors, pageviews)} for the days in [first, last] that have hits."""
    params = {"first": first, "last": last, "site": site, "page": page}
    query = SELECT_SITE_DAYS if page is None else SELECT_PAGE_DAYS
    return {day: (visitors, pageviews)
            for day, visitors, pageviews in conn.execute(query, params)}


# top_pages' and top_referrers' split when the caller has none: they ask whole_months (whose
# answer may be None, so None cannot mean "not asked yet").
ASK = object()


def first_day(conn, site=None, page=None):
    """The first day with hits ('YYYY-MM-DD'), or None when there are none."""
    query = SELECT_FIRST_SITE_DAY if page is None else SELECT_FIRST_PAGE_DAY
    return conn.execute(query, {"site": site, "page": page}).fetchone()[0]


def top_pages(conn, first, last, site=None, limit=50, split=ASK):
    """The pages with most visitors in [first, last]: [{"page", "visitors", "pageviews"}, ...].
    split: whole_months() of the range, if the caller has it already."""
    if split is ASK:
        split = whole_months(conn, first, last, site)
    if split is None:  # less than a month: the days themselves
        params = {"first": first, "last": last, "site": site, "limit": limit}
        return [{"page": page, "visitors": visitors, "pageviews": pageviews}
                for page, visitors, pageviews in conn.execute(SELECT_TOP_PAGES, params)]
    first_month, last_month, day_ranges = split
    totals = {}
    parts = [(SELECT_MONTH_PAGE_SUMS, {"first_month": first_month, "last_month": last_month})]
    parts += [(SELECT_PAGE_SUMS, {"first": start, "last": end}) for start, end in day_ranges]
    for query, params in parts:
        for page, visitors, pageviews in conn.execute(query, dict(params, site=site)):
            counts = totals.setdefault(page, [0, 0])
            counts[0] += visitors
            counts[1] += pageviews
    # The order of SELECT_TOP_PAGES: most visitors, then most pageviews, then by name.
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [{"page": page, "visitors": visitors, "pageviews": pageviews}
            for page, (visitors, pageviews) in ranked[:limit]]


def whole_months(conn, first, last, site):
    """Split [first, last] into whole months and the days left at its ends.

    A month at an end counts as whole when the range holds all of its days that have hits: so
    "the last 365 days" reads this month's row (no hits after today) and the first month's
    (when the range starts before the data). Returns (first_month, last_month, day ranges), or
    None when not one month is whole.
    """
    first_date, last_date = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    head_start, tail_end = first_date.replace(day=1), _month_end(last_date)
    day_ranges = []
    whole_from = head_start
    if first_date > head_start and _any_day(conn, head_start, first_date - _ONE_DAY, site):
        if first_date.year == datetime.MAXYEAR and first_date.month == 12:
            return None  # no month after it to start from
        whole_from = _month_end(first_date) + _ONE_DAY
        day_ranges.append((first, min(last_date, whole_from - _ONE_DAY).isoformat()))
    whole_to = tail_end
    if last_date < tail_end and _any_day(conn, last_date + _ONE_DAY, tail_end, site):
        if last_date.year == datetime.MINYEAR and last_date.month == 1:
            return None  # no month before it to end with
        whole_to = last_date.replace(day=1) - _ONE_DAY
        day_ranges.append(((whole_to + _ONE_DAY).isoformat(), last))
    if whole_to < whole_from:
        return None
    return whole_from.isoformat()[:7], whole_to.isoformat()[:7], day_ranges


_ONE_DAY = datetime.timedelta(days=1)


def _month_end(date):
    if date.month == 12:
        return date.replace(day=31)
    return date.replace(month=date.month + 1, day=1) - _ONE_DAY


def _any_day(conn, first, last, site):
    params = {"first": first.isoformat(), "last": last.isoformat(), "site": site}
    return conn.execute(SELECT_ANY_DAY, params).fetchone() is not None


def top_referrers(conn, first, last, site=None, limit=50, split=ASK):
    """[{"ref", "pageviews"}] of the range, most pageviews first, then by name. split: as
    top_pages'."""
    if split is ASK:
        split = whole_months(conn, first, last, site)
    parts = [(SELECT_REF_SUMS, {"first": first, "last": last})]
    if split is not None:
        first_month, last_month, day_ranges = split
        parts = [(SELECT_MONTH_REF_SUMS, {"first_month": first_month, "last_month": last_month})]
        parts += [(SELECT_REF_SUMS, {"first": start, "last": end}) for start, end in day_ranges]
    sums = {}
    for query, params in parts:
        for ref, pageviews in conn.execute(query, dict(params, site=site)):
            sums[ref] = sums.get(ref, 0) + pageviews
    ranked = sorted(sums.items(), key=lambda item: (-item[1], item[0]))
    return [{"ref": ref, "pageviews": pageviews} for ref, pageviews in ranked[:limit]]


# The hourly_site rollup (issue 8): visitors are counted in the hour of each visitor's first view
# of the day, so the hours of a day add up to its distinct visitors. Read by report.py --alert.
SELECT_HOURS = """
    select day, hour, sum(visitors), sum(pageviews)
      from hourly_site
     where day between :first and :last and (:site is null or site = :site)
     group by day, hour
"""


def hourly(conn, first, last, site=None):
    """{(day, hour): (visitors, pageviews)} for the hours in [first, last] that have hits."""
    params = {"first": first, "last": last, "site": site}
    return {(day, hour): (visitors, pageviews)
            for day, hour, visitors, pageviews in conn.execute(SELECT_HOURS, params)}


SELECT_SITES = """
    select site, sum(visitors) as visitors
      from daily_site
     where day between :first and :last
     group by site
     order by visitors desc, site
"""
# Today's views since a moment, for the "last 30 minutes" number; the filter's column comes from
# identifiers.column, never from a request's text.
SELECT_LIVE = """
    select count(distinct visitor), count(*)
      from views
     where day = :day and counted and ts > :since and (:site is null or site = :site)
"""


def sites(conn, first, last):
    """[{"site", "visitors"}] of the sites with hits in [first, last], most visitors first."""
    return [{"site": site, "visitors": visitors}
            for site, visitors in conn.execute(SELECT_SITES, {"first": first, "last": last})]


def live(conn, day, since, site=None, filter_name="", filter_value=""):
    """(visitors, pageviews) of today's counted views later than since, matching the filter."""
    return live_matching(conn, day, since, site, {filter_name: filter_value} if filter_name else {})


def live_matching(conn, day, since, site, filters):
    """live(), the views matching every filter of {name: value}."""
    query, params = SELECT_LIVE, {"day": day, "since": since, "site": site}
    for i, (name, value) in enumerate(filters.items()):
        query += f" and {column(name)} = :value{i}"
        params[f"value{i}"] = value
    return tuple(conn.execute(query, params).fetchone())


# Broken links: filled only by scripts/import_log.py (a live hit cannot know the status).
SELECT_NOT_FOUND = """
    select page, ref, sum(count) as count
      from daily_not_found
     where day between :first and :last and (:site is null or site = :site)
     group by page, ref
     order by count desc, page, ref
     limit :limit
"""


def not_found(conn, first, last, site=None, limit=50):
    """The paths answered 404 or 410 in [first, last] by referring host: [{"page", "ref", "count"}]."""
    params = {"first": first, "last": last, "site": site, "limit": limit}
    return [{"page": page, "ref": ref, "count": count}
            for page, ref, count in conn.execute(SELECT_NOT_FOUND, params)]


# A day's pages, for a CSV export (exports.py): one small query per day.
SELECT_DAY_PAGES = """
    select page, sum(visitors), sum(pageviews)
      from daily_page
     where day = :day and (:site is null or site = :site) and (:page is null or page = :page)
     group by page
     order by page
"""


def day_pages(conn, day, site=None, page=None):
    """(page, visitors, pageviews) of each page with hits on one day, by page."""
    return conn.execute(SELECT_DAY_PAGES, {"day": day, "site": site, "page": page})


# All-time pageviews from the monthly rollup: a few dozen rows a page, never the raw hits.
SELECT_PAGE_PAGEVIEWS = """
    select coalesce(sum(pageviews), 0)
      from monthly_page
     where page = :page and (:site is null or site = :site)
"""
SELECT_SITE_PAGEVIEWS = """
    select coalesce(sum(pageviews), 0) from monthly_page where site = :site
"""


def all_time_pageviews(conn, site=None, page=None):
    """Every pageview counted of a page (of a site, or of any), or of a whole site: a badge's
    number (images.py)."""
    if page is not None:
        return conn.execute(SELECT_PAGE_PAGEVIEWS, {"page": page, "site": site}).fetchone()[0]
    return conn.execute(SELECT_SITE_PAGEVIEWS, {"site": site}).fetchone()[0]
