"""An ended day's page rollups (daily_page, monthly_page) capped as its summary is: the pages
that a live hit (or bulk.count_day) added one by one but that the day's summary counts as
bounds.OTHER (bounds.cap_views) are folded into one OTHER row when the day ends. Without this,
a hostile day's thousand 900-character pages stayed in these two tables and (until schema 22)
daily_page's index: 3.1 MB of the 5 MB a day may leave (docs/privacy.md).
"""

from ..bounds import OTHER
from . import page_days
from .page_rollups import add_page_day

SELECT_DAY_PAGES = """
    select page, visitors, pageviews from daily_page where day = :day and site = :site
"""
DELETE_DAY_PAGE = "delete from daily_page where day = :day and site = :site and page = :page"
TAKE_FROM_MONTH = """
    update monthly_page
       set visitors = visitors - :visitors, pageviews = pageviews - :pageviews
     where month = :month and site = :site and page = :page
"""
DELETE_EMPTY_MONTH = """
    delete from monthly_page
     where month = :month and site = :site and page = :page and pageviews <= 0
"""


def fold_pages(conn, day, site, kept):
    """Inside the day's end: fold the day's daily_page rows of pages not in kept (the pages of
    its summary) into OTHER, and take them out of their month's rows the same way. A page's
    visitors there are its own distinct visitors, so OTHER's are their sum."""
    folded = [(page, visitors, pageviews) for page, visitors, pageviews
              in conn.execute(SELECT_DAY_PAGES, {"day": day, "site": site}).fetchall()
              if page not in kept]
    if not folded:
        return
    for page, visitors, pageviews in folded:
        params = {"day": day, "month": day[:7], "site": site, "page": page,
                  "visitors": visitors, "pageviews": pageviews}
        page_days.unend(conn, day, site, page, visitors, pageviews)
        conn.execute(DELETE_DAY_PAGE, params)
        conn.execute(TAKE_FROM_MONTH, params)
        conn.execute(DELETE_EMPTY_MONTH, params)
    add_page_day(conn, day, site, OTHER, sum(row[1] for row in folded),
                 sum(row[2] for row in folded))
