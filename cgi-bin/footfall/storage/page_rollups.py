"""A page's day and month rollups (daily_page, monthly_page), added to: by a live hit's page
(record.py), a bulk day (bulk.py) and an ended day's pages past their cap (page_caps.py). On its
own, with no import, so that page_caps (read when a day ends) need not import the hit path.
"""

ADD_DAILY_PAGE = """
    insert into daily_page (page, day, site, visitors, pageviews)
    values (:page, :day, :site, :visitors, :pageviews)
    on conflict (day, site, page) do update
       set visitors = daily_page.visitors + excluded.visitors,
           pageviews = daily_page.pageviews + excluded.pageviews
"""
ADD_MONTHLY_PAGE = """
    insert into monthly_page (month, site, page, visitors, pageviews)
    values (:month, :site, :page, :visitors, :pageviews)
    on conflict (month, site, page) do update
       set visitors = monthly_page.visitors + excluded.visitors,
           pageviews = monthly_page.pageviews + excluded.pageviews
"""


def add_page_day(conn, day, site, page, visitors, pageviews):
    params = {"day": day, "month": day[:7], "site": site, "page": page,
              "visitors": visitors, "pageviews": pageviews}
    conn.execute(ADD_DAILY_PAGE, params)
    conn.execute(ADD_MONTHLY_PAGE, params)
