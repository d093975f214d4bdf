"""Events and goals: a POST with event=<name> counts an event (footfall("signup"), a click on an
element with data-footfall-event, an outbound link, a download) instead of a pageview, and a GET
answers the range's events with their conversion, or, filtered by event=<name>, that event's
days, pages and the rest (docs/events.md).

app.py hands a POST here once its page, site and bot rules are read; insights.py hands a GET's
answer here to add `events`. The SQL is in storage/events.py.
"""

from . import counting, dimensions, traits
from .storage import events as stored

MAX_NAME_LENGTH = 64


def read_name(raw):
    """An event's name: 1 to 64 printable characters once surrounding spaces are gone, or
    InvalidInput saying so."""
    name = raw.strip()
    if not 1 <= len(name) <= MAX_NAME_LENGTH or not name.isprintable():
        raise counting.InvalidInput(
            f"event must be 1 to {MAX_NAME_LENGTH} printable characters")
    return name


# ---------------------------------------------------------------------------------------------
# POST: count one event
# ---------------------------------------------------------------------------------------------

def count(app, request, page, ref, site, now, day, reason):
    """Count the event a POST names, by the rules of a pageview (reason: a bot, prefetch or site
    not allowed already found); the answer, without its headers."""
    name = read_name(request.fields["event"])
    answer = {"event": name, "page": page, "counted": True}
    if reason is None:
        described = traits.of_request(request)
        event = stored.Event(now, day, site, page, name,
                             counting.referral(described.get("source", ""), ref, site),
                             request.address, request.agent, described)
        from .storage import record  # the Rules of a pageview

        reason = stored.record_event(app.connection(), event,
                                     record.Rules.from_config(app.config), app.today,
                                     app.new_salt, test=request.test)
        if request.test:
            answer["test"] = True
    if reason is not None:
        answer["counted"] = False
        answer["reason"] = reason
    return answer


# ---------------------------------------------------------------------------------------------
# GET: the events of a range, and one event as a filter
# ---------------------------------------------------------------------------------------------

def event_list(conn, asked, range_visitors):
    """The answer's `events` of a ReadQuery (query.py): each event whose hits match its filter,
    with its visitors, count and conversion (its visitors / range_visitors, the range's visitors
    under the same filter, both summed per day), most visitors first."""
    filter_name, filter_value = asked.filter
    found = stored.read_events(conn, asked.first, asked.last, asked.today, asked.site,
                               filter_name, filter_value)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [entry(name, counts, range_visitors) for name, counts in ranked[:asked.limit]]


def entry(name, counts, range_visitors):
    """An entry of `events`: an event's [visitors, count] and its conversion."""
    conversion = round(counts[0] / range_visitors, 4) if range_visitors else None
    return {"event": name, "visitors": counts[0], "count": counts[1], "conversion": conversion}


def add_event_answer(answer, conn, asked, lists, live_minutes):
    """Fill a GET's answer filtered by event=name (a ReadQuery's, query.py): its series, totals
    and lists count that event's hits (visitors: distinct per day; pageviews: the event's
    count), `events` holds it with its conversion against all the range's visitors. answer has
    the site's daily series."""
    first, last, today, site, limit = asked.first, asked.last, asked.today, asked.site, asked.limit
    name = asked.filters["event"]
    site_visitors = answer["totals"]["visitors"]
    per_day = stored.read_event(conn, first, last, today, site, name, "day")
    total_visitors = total_count = 0
    for point_v, point_p in zip(answer["visitors"], answer["pageviews"]):
        day_visitors, day_count = per_day.get(counting.day_of_ms(point_v[0]), (0, 0))
        point_v[1], point_p[1] = day_visitors, day_count
        total_visitors += day_visitors
        total_count += day_count
    # Bounces, time and unique visitors describe visits, which an event is not.
    answer["totals"] = {"visitors": total_visitors, "pageviews": total_count, "bounces": None,
                        "seconds": None, "unique": None, "unique_by": None}
    answer["filter"] = {"event": name}
    for list_name, dim in lists:
        by_value = stored.read_event(conn, first, last, today, site, name, dim)
        ranked = sorted(by_value.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        answer[list_name] = [list_entry(dim, value, counts) for value, counts in ranked[:limit]]
    answer["events"] = [entry(name, [total_visitors, total_count], site_visitors)]
    if first == last:
        by_hour = stored.read_hours(conn, first, today, site, name)
        base = counting.day_ms(counting.parse_day(first, "day"))
        answer["hours"] = {
            key: [[base + hour * 3_600_000, by_hour.get(hour, (0, 0))[i]] for hour in range(24)]
            for i, key in enumerate(("visitors", "pageviews"))}
    if last == today:
        visitors, count = stored.read_live(conn, today, asked.now - live_minutes * 60, site, name)
        answer["live"] = {"visitors": visitors, "pageviews": count, "minutes": live_minutes}


def list_entry(dim, value, counts):
    """An entry of a list under an event: a value's [visitors, count]."""
    entry = {dim: value, "visitors": counts[0], "pageviews": counts[1]}
    if dimensions.BY_NAME[dim].named:
        from . import places

        entry["name"] = places.country_name(value) if value else "unknown"
    return entry
