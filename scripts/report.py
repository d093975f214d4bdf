#!/usr/bin/env python3
"""Mail the weekly report, or an alert when today's visitors spike; print it without --send.

    python3 scripts/report.py                  # last week's report, to stdout
    python3 scripts/report.py --send           # ... mailed to mail_to through smtp_host
    python3 scripts/report.py --alert --send   # mailed only if today is a spike

The report covers the last 7 whole days (yesterday and the six before) against the 7 before
them. --alert compares today's visitors so far with the median of the same hours of the last
28 days. The SMTP password comes from FOOTFALL_SMTP_PASSWORD or the config file, never from the
command line. See docs/reports.md.
"""

import argparse
import datetime
import html
import os
import smtplib
import sqlite3
import ssl
import statistics
import sys
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "cgi-bin"))

from footfall import counting, settings  # noqa: E402
from footfall.storage import breakdown_reader, database, days, events, totals  # noqa: E402

WEEK = 7
ALERT_DAYS = 28
SMTP_TIMEOUT_SECONDS = 30


class ReportError(Exception):
    """The report cannot be made or sent: a setting is missing, or the SMTP server refused."""


# ---------------------------------------------------------------------------------------------
# What the report says
# ---------------------------------------------------------------------------------------------

def _day(text):
    return datetime.date.fromisoformat(text)


def _sum(conn, first, last, site):
    days = totals.read_days(conn, first.isoformat(), last.isoformat(), site)
    return (sum(v for v, _ in days.values()), sum(p for _, p in days.values()), days)


def _unique(conn, first, last, today, site, visits):
    """(distinct visitors of the days, how they were counted: breakdown_reader.Reader.unique),
    or (None, None) for days kept without day summaries; an estimate, never more than the
    visits it is made of."""
    first, last = first.isoformat(), last.isoformat()
    if not breakdown_reader.has_summaries(conn, first, last, site):
        return None, None
    split = totals.whole_months(conn, first, last, site)
    reader = breakdown_reader.Reader(conn, first, last, site, "", "", today.isoformat(), split)
    return reader.unique(visits)


def weekly(conn, today, site=None, top=10):
    """The numbers of the report: the 7 days before today against the 7 before those."""
    last = today - datetime.timedelta(days=1)
    first = last - datetime.timedelta(days=WEEK - 1)
    before_last = first - datetime.timedelta(days=1)
    before_first = before_last - datetime.timedelta(days=WEEK - 1)
    visits, pageviews, days = _sum(conn, first, last, site)
    visits_before, pageviews_before, _ = _sum(conn, before_first, before_last, site)
    busiest = max(sorted(days.items()), key=lambda item: item[1][0], default=None)
    found = events.read_events(conn, first.isoformat(), last.isoformat(), today.isoformat(), site)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    unique, unique_by = _unique(conn, first, last, today, site, visits)
    return {
        "site": site, "first": first, "last": last,
        "visits": visits, "visits_before": visits_before,
        "unique": unique, "unique_by": unique_by,
        "unique_before": _unique(conn, before_first, before_last, today, site, visits_before)[0],
        "pageviews": pageviews, "pageviews_before": pageviews_before,
        "busiest": (_day(busiest[0]), busiest[1][0]) if busiest else None,
        "pages": totals.top_pages(conn, first.isoformat(), last.isoformat(), site, top),
        "referrers": totals.top_referrers(conn, first.isoformat(), last.isoformat(), site, top),
        "events": [{"event": name, "visitors": v, "count": c} for name, (v, c) in ranked[:top]],
    }


def _conversion(visitors, visits):
    return f"{visitors * 100 / visits:.1f}%" if visits else "-"


def _unique_note(week):
    """What the unique-visitor line means, or nothing when it is not shown."""
    if week["unique"] is None:
        return []
    how = {"month": " (once in each month: the week spans two)",
           "day": " (once a day on the days of a month gone by: footfall keeps no way to tell"
                  " them apart after their month)"}.get(week["unique_by"], "")
    return ["A visit is one visitor on one day; unique visitors count each person once over the",
            f"week{how}, estimated within about 2%."]


def change(now, before):
    """'+12%', '-3%', 'no change', or 'new' when there was nothing before."""
    if now == before:
        return "no change"
    if not before:
        return "new"
    pct = round((now - before) * 100 / before)
    return f"{pct:+d}%" if pct else "about the same"


def _date(day):
    return f"{day:%a} {day.isoformat()}"


def weekly_subject(week):
    return (f"footfall: {week['visits']:,} visits last week "
            f"({change(week['visits'], week['visits_before'])})")


def weekly_text(week):
    """The plain-text report."""
    site = f" on {week['site']}" if week["site"] else ""
    lines = [
        f"footfall{site}: {_date(week['first'])} to {_date(week['last'])}",
        "",
        f"Visits          {week['visits']:>9,}   {change(week['visits'], week['visits_before'])} "
        f"(week before: {week['visits_before']:,})",
    ]
    if week["unique"] is not None:
        before = week["unique_before"]
        lines.append(f"Unique visitors {week['unique']:>9,}   "
                     + (f"{change(week['unique'], before)} (week before: {before:,})"
                        if before is not None else "(week before: not counted)"))
    lines.append(f"Pageviews       {week['pageviews']:>9,}   "
                 f"{change(week['pageviews'], week['pageviews_before'])} "
                 f"(week before: {week['pageviews_before']:,})")
    if week["busiest"]:
        day, visits = week["busiest"]
        lines.append(f"Busiest day {_date(day)}, {visits:,} visits")
    note = _unique_note(week)
    lines += [""] + note + ([""] if note else [])
    lines.append("Top pages                                   visits  pageviews")
    for row in week["pages"]:
        lines.append(f"  {_cut(row['page'], 40):<40} {row['visitors']:>7,} {row['pageviews']:>10,}")
    if not week["pages"]:
        lines.append("  (none)")
    lines += ["", "Top referrers                                        pageviews"]
    for row in week["referrers"]:
        lines.append(f"  {_cut(row['ref'], 40):<40} {row['pageviews']:>18,}")
    if not week["referrers"]:
        lines.append("  (none)")
    if week["events"]:
        lines += ["", "Top events                                  visitors      times  conversion"]
        for row in week["events"]:
            lines.append(f"  {_cut(row['event'], 40):<40} {row['visitors']:>9,} {row['count']:>10,}"
                         f" {_conversion(row['visitors'], week['visits']):>11}")
    return "\n".join(lines) + "\n"


def weekly_html(week):
    """The same report as a small HTML mail; every name from the database is escaped."""
    e = html.escape
    site = f" on {e(week['site'])}" if week["site"] else ""
    rows = "".join(f"<tr><td>{e(r['page'])}</td><td align=right>{r['visitors']:,}</td>"
                   f"<td align=right>{r['pageviews']:,}</td></tr>" for r in week["pages"])
    refs = "".join(f"<tr><td>{e(r['ref'])}</td><td align=right>{r['pageviews']:,}</td></tr>"
                   for r in week["referrers"])
    unique = ""
    if week["unique"] is not None:
        before = week["unique_before"]
        unique = (f"<tr><th align=left>Unique visitors</th><td align=right>{week['unique']:,}</td>"
                  + (f"<td>{change(week['unique'], before)} (week before: {before:,})</td></tr>"
                     if before is not None else "<td>(week before: not counted)</td></tr>"))
    goals = ""
    if week["events"]:
        goals = ("<h2 style=\"font-size:1em\">Top events</h2><table cellpadding=2>"
                 "<tr><th align=left>Event</th><th>Visitors</th><th>Times</th><th>Conversion</th>"
                 "</tr>" + "".join(
                     f"<tr><td>{e(r['event'])}</td><td align=right>{r['visitors']:,}</td>"
                     f"<td align=right>{r['count']:,}</td>"
                     f"<td align=right>{_conversion(r['visitors'], week['visits'])}</td></tr>"
                     for r in week["events"]) + "</table>")
    note = " ".join(_unique_note(week))
    note = f"<p>{e(note)}</p>" if note else ""
    busiest = ""
    if week["busiest"]:
        busiest = f"<p>Busiest day: {_date(week['busiest'][0])}, {week['busiest'][1]:,} visits</p>"
    return (
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">"
        f"<h1 style=\"font-size:1.2em\">footfall{site}: {_date(week['first'])} to "
        f"{_date(week['last'])}</h1>"
        "<table cellpadding=4>"
        f"<tr><th align=left>Visits</th><td align=right>{week['visits']:,}</td>"
        f"<td>{change(week['visits'], week['visits_before'])} "
        f"(week before: {week['visits_before']:,})</td></tr>{unique}"
        f"<tr><th align=left>Pageviews</th><td align=right>{week['pageviews']:,}</td>"
        f"<td>{change(week['pageviews'], week['pageviews_before'])} "
        f"(week before: {week['pageviews_before']:,})</td></tr></table>{busiest}{note}"
        "<h2 style=\"font-size:1em\">Top pages</h2><table cellpadding=2>"
        f"<tr><th align=left>Page</th><th>Visits</th><th>Pageviews</th></tr>{rows}</table>"
        "<h2 style=\"font-size:1em\">Top referrers</h2><table cellpadding=2>"
        f"<tr><th align=left>Referrer</th><th>Pageviews</th></tr>{refs}</table>{goals}"
        "</body></html>\n")


def _cut(text, width):
    return text if len(text) <= width else text[:width - 1] + "\u2026"


# ---------------------------------------------------------------------------------------------
# The spike alert
# ---------------------------------------------------------------------------------------------

def spike(conn, now, zone, multiple, site=None):
    """Today's visitors up to this hour against the median of the same hours of the last 28 days.

    Returns {"today", "median", "threshold", "hour", "day", "alert"}. The median is taken as at
    least 1 visitor, so the first visitors of a quiet site are not a spike.
    """
    moment = (datetime.datetime.fromtimestamp(now, zone) if zone
              else datetime.datetime.fromtimestamp(now))
    today, hour = moment.date(), moment.hour
    first = today - datetime.timedelta(days=ALERT_DAYS)
    hours = totals.hourly(conn, first.isoformat(), today.isoformat(), site)

    def so_far(day):
        text = day.isoformat()
        return sum(hours.get((text, h), (0, 0))[0] for h in range(hour + 1))

    past = [so_far(first + datetime.timedelta(days=n)) for n in range(ALERT_DAYS)]
    median = statistics.median(past)
    threshold = multiple * max(median, 1)
    visitors = so_far(today)
    return {"day": today, "hour": hour, "today": visitors, "median": median,
            "threshold": threshold, "alert": visitors > threshold}


def alert_subject(found):
    return f"footfall: {found['today']:,} visitors today by {found['hour'] + 1:02d}:00, a spike"


def alert_text(found, multiple, site=None):
    where = f" on {site}" if site else ""
    return (f"Today ({_date(found['day'])}){where}, {found['today']:,} visitors came up to "
            f"{found['hour'] + 1:02d}:00.\n"
            f"On the last {ALERT_DAYS} days, the median by that hour was {found['median']:g}; "
            f"this alert mails above {multiple} times that ({found['threshold']:g}).\n")


# ---------------------------------------------------------------------------------------------
# Mail
# ---------------------------------------------------------------------------------------------

def check_mail_settings(config):
    """Refuse early, before any work, when --send could not send: a quiet alert run too. Every
    missing setting is named at once, so one run of setting them up is enough."""
    missing = [name for name, value in (("smtp_host", config.smtp_host),
                                        ("mail_to", config.mail_to),
                                        ("mail_from", config.mail_from or config.smtp_user))
               if not value]
    if missing:
        names = _listed(missing)
        variables = _listed([f"FOOTFALL_{name.upper()}" for name in missing])
        if len(missing) == 1:
            raise ReportError(f"{names} is not set ({variables} or the config file)")
        raise ReportError(f"{names} are not set ({variables}, or the config file)")


def _listed(words):
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def make_message(config, subject, text, html_body=None, now=None):
    check_mail_settings(config)
    sender = config.mail_from or config.smtp_user
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(config.mail_to)
    message["Date"] = formatdate(now, localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    if html_body:
        message.add_alternative(html_body, subtype="html")
    return message


def send(config, message):
    """Send through the configured server: STARTTLS or TLS with the certificate checked, or none."""
    check_mail_settings(config)
    context = ssl.create_default_context()
    try:
        if config.smtp_security == "tls":
            server = smtplib.SMTP_SSL(config.smtp_host, config.smtp_port, context=context,
                                      timeout=SMTP_TIMEOUT_SECONDS)
        else:
            server = smtplib.SMTP(config.smtp_host, config.smtp_port,
                                  timeout=SMTP_TIMEOUT_SECONDS)
        with server:
            if config.smtp_security == "starttls":
                server.starttls(context=context)
            if config.smtp_user:
                server.login(config.smtp_user, config.smtp_password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise ReportError(f"the SMTP server refused the login of {config.smtp_user!r}: "
                          f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise ReportError(f"the SMTP server at {config.smtp_host}:{config.smtp_port} does not "
                          f"support that: {exc}") from None
    except smtplib.SMTPResponseException as exc:
        raise ReportError(f"the SMTP server refused the mail: {exc.smtp_code} "
                          f"{_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise ReportError(f"could not send through {config.smtp_host}:{config.smtp_port} "
                          f"({config.smtp_security}): {exc}") from None


def _text(error):
    return error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------

def _moment(text):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("give a moment as YYYY-MM-DDTHH:MM (UTC)") from None
    return moment.replace(tzinfo=moment.tzinfo or datetime.timezone.utc).timestamp()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database path (default: FOOTFALL_DB, the config file, "
                                     f"else {settings.DEFAULTS['db']})")
    parser.add_argument("--site", help="only this site (default: every site in the database)")
    parser.add_argument("--send", action="store_true",
                        help="mail it to mail_to through smtp_host instead of printing it")
    parser.add_argument("--alert", action="store_true",
                        help="the spike alert instead of the report: only if today's visitors so "
                             "far exceed alert_multiple times the median of the same hours")
    parser.add_argument("--top", type=int, default=10, help="pages, referrers and events listed (10)")
    parser.add_argument("--now", type=_moment, metavar="YYYY-MM-DDTHH:MM",
                        help="pretend it is this moment (UTC), to repeat an old report")
    args = parser.parse_args(argv)
    if args.db and database.has_password(args.db):
        parser.exit(2, f"report: {database.password_refused()}\n")
    now = time.time() if args.now is None else args.now
    try:
        config = settings.load_config(db=args.db)
        if not args.db:
            print(f"report: the database {database.shown(config.db)} ({settings.db_origin()})",
                  file=sys.stderr)
        if args.send:
            check_mail_settings(config)
        conn = database.connect(config.db, create=False)
        site = counting.normalize_site(args.site) if args.site else None
        today = _day(counting.day_of(now, config.zone))
        if args.alert:
            found = spike(conn, now, config.zone, config.alert_multiple, site)
            if not found["alert"]:
                print(f"no spike: {found['today']:,} visitors today so far, alert above "
                      f"{found['threshold']:g}")
                return 0
            subject = alert_subject(found)
            text, html_body = alert_text(found, config.alert_multiple, site), None
        else:
            # The week's last day ends now if no hit has ended it yet (a report mailed at 06:00
            # before the day's first visitor), as a GET would: its visits are summed up and an
            # ended month's sketches become its people (storage/people.py).
            days.close_ended_days(conn, today.isoformat())
            week = weekly(conn, today, site, args.top)
            subject, text, html_body = weekly_subject(week), weekly_text(week), weekly_html(week)
        if not args.send:
            sys.stdout.write(f"Subject: {subject}\n\n{text}")
            return 0
        send(config, make_message(config, subject, text, html_body, now))
    except (settings.ConfigError, database.StorageError, counting.InvalidInput, ReportError,
            sqlite3.Error, OSError) as exc:
        parser.exit(1, f"report: {exc}\n")
    print(f"sent {subject!r} to {', '.join(config.mail_to)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
