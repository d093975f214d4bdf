"""The distinct people of a month that has ended: its unique-visitor sketches become numbers.

While a month's salt lives, its days' sketches (daily_unique) and their union (monthly_unique)
are kept, so a range inside the month counts each person once. Once the month has ended they
would link visits: one person alone in a rare page's sketch sets the same register on every day
they came, and two values' sketches of one month that share a high register say one person was
behind both. So when a month ends (the first request of a later month, or an import or seeding
that ends days of a month gone by), each filter value's sketches of it are replaced by one
number, its estimated people, kept only from K people up: an exact "1 person" for 2 visits is
itself the link. What a month no longer holds as a number is counted by day (breakdown_reader:
"unique_by": "day"). A backup (database.backup) seals every month in the copy, the running one
too, since it leaves out the salts.
"""

from .. import sketch

# The fewest people a month's figure is kept for: below it, a count of people says who came
# back (two visits, one person). docs/privacy.md gives the argument.
K = 3

SELECT_UNSEALED_MONTHS = """
    select month from monthly_unique where month < :month
    union select substr(day, 1, 7) from daily_unique where day < :month
"""
SELECT_MONTH_SKETCHES = """
    select filter, filter_value, site, sketch from monthly_unique where month = :month
"""
SELECT_DAY_SKETCHES = """
    select filter, filter_value, site, sketch from daily_unique
     where day between :first and :last
"""
ADD_PEOPLE = """
    insert into monthly_people (filter, filter_value, month, site, people)
    values (:filter, :filter_value, :month, :site, :people)
    on conflict (filter, filter_value, month, site)
    do update set people = monthly_people.people + excluded.people
"""
FORGET_MONTH_SKETCHES = "delete from monthly_unique where month = :month"
FORGET_DAY_SKETCHES = "delete from daily_unique where day between :first and :last"
SELECT_PEOPLE = """
    select month, people from monthly_people
     where filter = :filter and filter_value = :filter_value and month between :first and :last
       and (:site is null or site = :site)
"""
SELECT_MONTH_PEOPLE = """
    select filter, filter_value, site, people from monthly_people where month = :month
"""


def seal_months_before(conn, month):
    """Inside a transaction: seal every month before `month` (YYYY-MM) that still has sketches.
    The months it sealed, in order."""
    months = sorted({row[0] for row in conn.execute(SELECT_UNSEALED_MONTHS, {"month": month})})
    for each in months:
        seal_month(conn, each)
    return months


def seal_month(conn, month):
    """Replace a month's sketches by each filter value's estimated people (from K up)."""
    days = {"first": month + "-01", "last": month + "-31"}
    unions = {}
    for filter_name, value, site, data in conn.execute(SELECT_MONTH_SKETCHES, {"month": month}):
        unions[filter_name, value, site] = [sketch.Sketch.from_bytes(bytes(data))]
    # Days summed up before monthly unions were kept have only their day sketches.
    of_days = {}
    for filter_name, value, site, data in conn.execute(SELECT_DAY_SKETCHES, days):
        key = (filter_name, value, site)
        if key not in unions:
            of_days.setdefault(key, []).append(sketch.Sketch.from_bytes(bytes(data)))
    unions.update(of_days)
    kept = []
    for (filter_name, value, site), parts in unions.items():
        people = sketch.Sketch.union(parts).estimate()
        if people >= K:
            kept.append({"filter": filter_name, "filter_value": value, "month": month,
                         "site": site, "people": people})
    conn.executemany(ADD_PEOPLE, kept)
    conn.execute(FORGET_MONTH_SKETCHES, {"month": month})
    conn.execute(FORGET_DAY_SKETCHES, days)


def people_of(conn, filter_name, filter_value, first_month, last_month, site=None):
    """{month: people} kept for one filter value (or all hits: '', '') of ended months."""
    params = {"filter": filter_name, "filter_value": filter_value, "first": first_month,
              "last": last_month, "site": site}
    months = {}
    for month, people in conn.execute(SELECT_PEOPLE, params):
        months[month] = months.get(month, 0) + people
    return months


def month_people(conn, month):
    """[(filter, filter_value, site, people)] of one month: what migrate_db copies."""
    return conn.execute(SELECT_MONTH_PEOPLE, {"month": month}).fetchall()


def add_month_people(conn, month, rows):
    """Add month_people() rows of another database to this one's (migrate_db)."""
    conn.executemany(ADD_PEOPLE, [
        {"filter": f, "filter_value": fv, "month": month, "site": site, "people": people}
        for f, fv, site, people in rows])
