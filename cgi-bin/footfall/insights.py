"""What a GET answers beyond the daily line: who the visitors were (browsers, systems, devices,
countries, languages), how they came (referrers and sources, campaigns), how they stayed
(entries, bounces, time on page), how many different people, the hours of one day, the last 30
minutes, and the sites. One filter at a time narrows all of it to the hits that match.

The numbers come from the rollups and the day summaries (storage/breakdown_reader.py), today's
from the summary storage/today.py keeps between reads; app.py puts them into the answer.
"""

import datetime

from . import counting, events, places, summary
from .storage import breakdown_reader, totals

# The answer's list name -> the dimension it lists (its entries' key is the dimension's name).
LISTS = (("pages", "page"), ("referrers", "ref"), ("browsers", "browser"), ("systems", "os"),
         ("devices", "device"), ("countries", "country"), ("languages", "language"),
         ("campaigns", "campaign"))
# The longest range a GET answers, counted inclusively: ten years and change.
MAX_RANGE_DAYS = 3660
MAX_FILTER_LENGTH = 200
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
LIVE_MINUTES = 30


def read_range(params, site, page, today, connection):
    """The first and last day a GET asks for, checked: (date, date), or InvalidInput.
    connection() gives the database, read when from is not given."""
    last = counting.parse_day(params["to"], "to") if params.get("to") else today
    if params.get("from"):
        first = counting.parse_day(params["from"], "from")
    else:
        stored = totals.first_day(connection(), site, page)
        first = counting.parse_day(stored, "first day") if stored else last
        # With more history than one answer may hold, default to its last MAX_RANGE_DAYS
        # (or as many as the calendar has before `to`).
        earliest = last - datetime.timedelta(
            days=min(MAX_RANGE_DAYS - 1, (last - datetime.date.min).days))
        first = min(max(first, earliest), last)
    if first > last:
        raise counting.InvalidInput("from is after to")
    span = (last - first).days + 1
    if span > MAX_RANGE_DAYS:
        raise counting.InvalidInput(f"range is {span} days; at most {MAX_RANGE_DAYS} are allowed")
    return first, last


def read_filter(params, page):
    """The one filter of a GET: (name, value), or ('', '') for none. page is the page parameter,
    already reduced to a path. InvalidInput for two filters or an unusable value."""
    given = [name for name in summary.DIMENSIONS + ("event",) if params.get(name, "").strip()]
    if len(given) > 1:
        raise counting.InvalidInput(f"one filter at a time, not {' and '.join(given)}")
    if not given:
        return "", ""
    name = given[0]
    if name == "page":
        return "page", page
    if name == "event":
        return "event", events.read_name(params["event"])
    value = params[name].strip()
    if len(value) > MAX_FILTER_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise counting.InvalidInput(f"{name} is not a value footfall lists")
    if name == "country":
        value = value.upper()
    return name, value


def read_limit(params):
    """The limit parameter: how many entries each list holds (1 to MAX_LIMIT, default 50)."""
    text = params.get("limit", "").strip()
    if not text:
        return DEFAULT_LIMIT
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise counting.InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def add_to_answer(answer, conn, first, last, today, now, site, filter_name, filter_value, limit):
    """Fill answer (which has the daily series of the filter, or of all hits) with the rest."""
    if filter_name == "event":  # one event's days, pages and traits: events.py
        events.add_event_answer(answer, conn, first, last, today, now, site, filter_value, limit,
                                LISTS, LIVE_MINUTES)
        _add_sites(answer, conn, first, last)
        return
    split = totals.whole_months(conn, first, last, site)
    reader = breakdown_reader.Reader(conn, first, last, site, filter_name, filter_value, today, split)
    if filter_name not in ("", "page"):
        # The series of a filter other than a page come from the day summaries.
        per_day = reader.per_day("")
        _fill_series(answer, per_day)
    whole = reader.totals("").get("", [0] * 6)
    answer["filter"] = {filter_name: filter_value} if filter_name else {}
    answer["totals"]["bounces"] = whole[3]
    answer["totals"]["seconds"] = _mean(whole[4], whole[5])
    # What the visits could not tell: time (no footfall.js beacon: an access log, the pixel, the
    # jQuery snippet) and language (no Accept-Language: an access log), so the dashboard can say
    # how many its figures stand for.
    answer["totals"]["timed"] = whole[5]
    languages = reader.totals("language")
    answer["totals"]["without_language"] = max(0, answer["totals"]["visitors"] - sum(
        counts[0] for value, counts in languages.items() if value))
    unique, unique_by = reader.unique(answer["totals"]["visitors"])
    answer["totals"]["unique"] = unique
    answer["totals"]["unique_by"] = unique_by
    for list_name, dim in LISTS:
        answer[list_name] = _list(reader, dim, limit)
    if not filter_name:
        answer["pages"] = _pages_with_history(conn, first, last, site, limit, answer["pages"])
        answer["referrers"] = _referrers_with_history(conn, first, last, site, limit,
                                                      answer["referrers"])
    if first == last:
        answer["hours"] = _hours(conn, reader, first, site, filter_name)
    if last == today:
        visitors, pageviews = totals.live(conn, today, now - LIVE_MINUTES * 60, site, filter_name,
                                          filter_value)
        answer["live"] = {"visitors": visitors, "pageviews": pageviews, "minutes": LIVE_MINUTES}
    answer["events"] = events.event_list(conn, first, last, today, site, filter_name,
                                         filter_value, answer["totals"]["visitors"], limit)
    _add_sites(answer, conn, first, last)


def _add_sites(answer, conn, first, last):
    seen = totals.sites(conn, first, last)
    if len(seen) > 1:
        answer["sites"] = seen


def _fill_series(answer, per_day):
    total_visitors = total_pageviews = 0
    for point_v, point_p in zip(answer["visitors"], answer["pageviews"]):
        day = counting.day_of_ms(point_v[0])
        counts = per_day.get(day, {}).get("", [0, 0])
        point_v[1], point_p[1] = counts[0], counts[1]
        total_visitors += counts[0]
        total_pageviews += counts[1]
    answer["totals"]["visitors"] = total_visitors
    answer["totals"]["pageviews"] = total_pageviews


def _mean(seconds, timed):
    return round(seconds / timed, 1) if timed else None


def _entry(dim, value, counts):
    entry = {dim: value, "visitors": counts[0], "pageviews": counts[1]}
    if dim == "page":
        entry.update(entries=counts[2], bounces=counts[3], seconds=_mean(counts[4], counts[5]))
    elif dim == "country":
        entry["name"] = places.country_name(value) if value else "unknown"
    return entry


def _list(reader, dim, limit):
    rows = reader.totals(dim)
    ranked = sorted(rows.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [_entry(dim, value, counts) for value, counts in ranked[:limit]]


def _pages_with_history(conn, first, last, site, limit, summarized):
    """The top pages from the per-hit rollups (every day since footfall 0.1), with the entries,
    bounces and time of the day summaries (the days since they began) added."""
    extras = {entry["page"]: entry for entry in summarized}
    pages = totals.top_pages(conn, first, last, site, limit)
    for entry in pages:
        extra = extras.get(entry["page"], {})
        entry["entries"] = extra.get("entries", 0)
        entry["bounces"] = extra.get("bounces", 0)
        entry["seconds"] = extra.get("seconds")
    return pages


def _referrers_with_history(conn, first, last, site, limit, summarized):
    """Referrers by pageviews from the per-hit rollup (every day), with the visitors of the day
    summaries; ranked by visitors, then pageviews."""
    visitors = {entry["ref"]: entry["visitors"] for entry in summarized}
    refs = totals.top_referrers(conn, first, last, site, max(limit, 500))
    for entry in refs:
        entry["visitors"] = visitors.get(entry["ref"], 0)
    refs.sort(key=lambda entry: (-entry["visitors"], -entry["pageviews"], entry["ref"]))
    return [{"ref": e["ref"], "visitors": e["visitors"], "pageviews": e["pageviews"]}
            for e in refs[:limit]]


def _hours(conn, reader, day, site, filter_name):
    """{"visitors": [[ms, n] x 24], "pageviews": ...} of one day, hours on the zone's clock."""
    if filter_name:
        by_hour = {int(hour): counts for hour, counts in reader.per_day("hour").get(day, {}).items()}
    else:
        by_hour = {hour: counts for (_day, hour), counts in
                   totals.hourly(conn, day, day, site).items()}
    base = counting.day_ms(counting.parse_day(day, "day"))
    visitors, pageviews = [], []
    for hour in range(24):
        counts = by_hour.get(hour, (0, 0))
        visitors.append([base + hour * 3_600_000, counts[0]])
        pageviews.append([base + hour * 3_600_000, counts[1]])
    return {"visitors": visitors, "pageviews": pageviews}
