"""How rows are added to daily_breakdown and monthly_breakdown: one home for the two upserts,
used by a day's end (breakdowns.py) and by a page's leftover rows (page_days.py).
"""

# A day's or a month's rows added to the rows there are, made where there are none.
ADD_DAILY = """
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
ADD_MONTHLY = """
    insert into monthly_breakdown
        (filter, filter_value, dim, month, site, value, visitors, pageviews, entries, bounces,
         seconds, timed)
    values (:filter, :filter_value, :dim, :month, :site, :value, :visitors, :pageviews, :entries,
            :bounces, :seconds, :timed)
    on conflict (filter, filter_value, dim, month, site, value) do update
       set visitors = monthly_breakdown.visitors + excluded.visitors,
           pageviews = monthly_breakdown.pageviews + excluded.pageviews,
           entries = monthly_breakdown.entries + excluded.entries,
           bounces = monthly_breakdown.bounces + excluded.bounces,
           seconds = monthly_breakdown.seconds + excluded.seconds,
           timed = monthly_breakdown.timed + excluded.timed
"""
