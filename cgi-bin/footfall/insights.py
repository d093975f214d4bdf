"""What a GET answers beyond the daily line: who the visitors were (browsers, systems, devices,
countries, languages), how they came (referrers and sources, campaigns), how they stayed
(entries, bounces, time on page), how many different people, the hours of one day, the last 30
minutes, and the sites. One filter at a time narrows all of it to the hits that match.

The numbers come from the rollups and the day summaries (storage/breakdown_reader.py), today's
from the summary storage/today.py keeps between reads; app.py puts them into the answer.
"""


from . import counting, dimensions, events, places
from .storage import breakdown_reader, totals

# (the answer's list name, the dimension it lists: its entries' key) of each dimension of the
# day summaries; `events` is events.py's.
LISTS = tuple((d.list, d.name) for d in dimensions.DIMENSIONS if d.kind != "event")
LIVE_MINUTES = 30


def add_to_answer(answer, conn, asked):
    """Fill answer (which has the daily series of the filter, or of all hits) with the rest of
    what the ReadQuery asked (query.py)."""
    first, last, today, site, limit = asked.first, asked.last, asked.today, asked.site, asked.limit
    if len(asked.filters) > 1 and "event" in asked.filters:  # from the event records
        from . import combined_events

        combined_events.add_to_answer(answer, conn, asked, LISTS, events.list_entry,
                                      LIVE_MINUTES)
        _add_sites(answer, conn, first, last)
        return
    if len(asked.filters) > 1:  # every number from the day records: combined.py
        from . import combined

        combined.add_to_answer(answer, conn, asked, LISTS, _entry, LIVE_MINUTES)
        _add_sites(answer, conn, first, last)
        return
    filter_name, filter_value = asked.filter
    if filter_name == "event":  # one event's days, pages and traits: events.py
        events.add_event_answer(answer, conn, asked, LISTS, LIVE_MINUTES)
        _add_sites(answer, conn, first, last)
        return
    split = totals.whole_months(conn, first, last, site)
    reader = breakdown_reader.Reader(conn, first, last, site, filter_name, filter_value, today, split)
    if filter_name not in ("", "page"):
        # The series of a filter other than a page come from the day summaries (app.py reads
        # no other for them: sets_series).
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
    lists = {dim: reader.totals(dim) for _list_name, dim in LISTS}
    listed = _listed(filter_name, answer["totals"]["visitors"], lists)
    if listed is not None:
        answer["totals"]["listed"] = listed
    counted = answer["totals"]["visitors"] if listed is None else listed
    answer["totals"]["without_language"] = max(0, counted - sum(
        counts[0] for value, counts in lists["language"].items() if value))
    unique, unique_by = reader.unique(answer["totals"]["visitors"])
    answer["totals"]["unique"] = unique
    answer["totals"]["unique_by"] = unique_by
    for list_name, dim in LISTS:
        answer[list_name] = _ranked(lists[dim], dim, limit)
    if not filter_name:
        answer["pages"] = _pages_with_history(conn, first, last, site, limit, split,
                                              answer["pages"])
        answer["referrers"] = _referrers_with_history(conn, first, last, site, limit, split,
                                                      answer["referrers"])
    if first == last:
        answer["hours"] = _hours(conn, reader, first, site, filter_name)
    if last == today:
        visitors, pageviews = totals.live(conn, today, asked.now - LIVE_MINUTES * 60, site,
                                          filter_name, filter_value)
        answer["live"] = {"visitors": visitors, "pageviews": pageviews, "minutes": LIVE_MINUTES}
    answer["events"] = events.event_list(conn, asked, answer["totals"]["visitors"])
    _add_sites(answer, conn, first, last)


def sets_series(asked):
    """Whether add_to_answer sets every point of the daily series and the totals of visitors
    and pageviews from the day summaries, reading nothing of the series it is given: one filter
    other than a page or an event."""
    return len(asked.filters) == 1 and asked.filter[0] not in ("page", "event")


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
    elif dimensions.BY_NAME[dim].named:
        entry["name"] = places.country_name(value) if value else "unknown"
    return entry


def _listed(filter_name, visitors, lists):
    """The visits a filter on a trait has in its lists, when fewer than its visitors: on ended
    days a visit whose mix of traits was rare gave up traits, the filter's among them, and no
    list holds it (records.fold). Counted as the entries of the pages list: each visit the
    lists hold entered by one page (a trait's list leaves out the visits it is unknown of).
    None when none was left out, and for the other filters (a page, referrer or campaign is
    never folded)."""
    if filter_name not in dimensions.PER_VISITOR:
        return None
    held = sum(counts[2] for counts in lists["page"].values())
    return held if held < visitors else None


def _ranked(rows, dim, limit):
    ranked = sorted(rows.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [_entry(dim, value, counts) for value, counts in ranked[:limit]]


def _pages_with_history(conn, first, last, site, limit, split, summarized):
    """The top pages from the per-hit rollups (every day since footfall 0.1), with the entries,
    bounces and time of the day summaries (the days since they began) added."""
    extras = {entry["page"]: entry for entry in summarized}
    pages = totals.top_pages(conn, first, last, site, limit, split)
    for entry in pages:
        extra = extras.get(entry["page"], {})
        entry["entries"] = extra.get("entries", 0)
        entry["bounces"] = extra.get("bounces", 0)
        entry["seconds"] = extra.get("seconds")
    return pages


def _referrers_with_history(conn, first, last, site, limit, split, summarized):
    """Referrers by pageviews from the per-hit rollup (every day), with the visitors of the day
    summaries; ranked by visitors, then pageviews."""
    visitors = {entry["ref"]: entry["visitors"] for entry in summarized}
    refs = totals.top_referrers(conn, first, last, site, max(limit, 500), split)
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
