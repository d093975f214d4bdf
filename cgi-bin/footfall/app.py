"""The WSGI application: POST logs a hit, GET answers per-day counts, always as JSON.

Errors are caught once, in ``Application.__call__``: a client error becomes a short JSON message with its
status; anything unexpected is logged with its traceback to wsgi.errors (the server's error log)
and answered with a plain 500, never the traceback.
"""

import _thread
import datetime
import os
import time

from . import counting, forms, jsonout, origins, settings, traits
from .request import discard_body, read_fields, read_request
from .responses import HTTPError, Raw, status_line
from .storage import database, days, record

# A CGI process serves one hit and exits, so every import is paid per hit: modules that only a GET,
# a read key or an error needs (json, hmac, traceback) are imported where they are used, and the thread
# local comes from _thread, which the interpreter has loaded already (threading.local is this very
# class, but importing threading costs a POST half a millisecond). See docs/performance.md.

ALLOWED_METHODS = "GET, HEAD, OPTIONS, POST"

# Sent with every answer. The JSON is data, never a page: no sniffing, no framing, no scripts.
BASE_HEADERS = (
    ("Content-Type", "application/json; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "cross-origin"),
)

class Application:
    """The WSGI application: ``Application()(environ, start_response)``, like any WSGI callable.

    config, clock and new_salt are passed in so tests can pin them. Without a config, it is loaded
    on the first request, so a configuration error is answered (and logged) like any other, not
    raised at import time.
    """

    def __init__(self, config=None, clock=time.time, new_salt=os.urandom):
        self._config = config
        self.clock = clock
        self.new_salt = new_salt
        # One connection per thread, kept across requests (SQLite's or PostgreSQL's): not shared.
        self._local = _thread._local()

    @property
    def config(self):
        if self._config is None:
            # A timezone that is no zone is refused on its first use, inside a request.
            self._config = settings.load_config(check_zone=False)
        return self._config

    def connection(self):
        """This thread's connection, waiting for locks at most until the request's deadline."""
        conn = getattr(self._local, "conn", None)
        deadline = getattr(self._local, "deadline", None)
        if conn is not None and getattr(conn, "broken", False):
            conn = None  # PostgreSQL went away since the last request: connect again
        if conn is None:
            conn = self._local.conn = database.connect(self.config.db, deadline=deadline)
        conn.wait_until(deadline)
        return conn

    def _close_ended_days(self):
        # Once a process has seen no day before today left, none comes back the same day (a
        # hit makes only its own day's salt, and counting a hit still checks in its own
        # transaction): the check is skipped until the date changes, a round trip less per
        # request on PostgreSQL. A process started by CGI checks once, as before.
        today = self.day_of(self.clock())
        if getattr(self._local, "no_ended_days_on", None) != today:
            try:
                days.close_ended_days(self.connection(), today)
            except database.DiskFull:
                return  # reads still answer; a write answers 503, and the next request tries again
            self._local.no_ended_days_on = today

    def today(self):
        """The current day (YYYY-MM-DD) in the configured zone, by the clock. It reads and
        writes nothing: storage calls it inside a hit's transaction (record.count_hit)."""
        return counting.day_of(self.clock(), self.config.zone)

    def day_of(self, now):
        """The day (YYYY-MM-DD) of a moment in the configured zone, at the start of a request:
        a configured zone learns the day from the database, where an earlier process kept it
        (meta.recall_zone_day), so a CGI hit does not pay for reading the zone's rules
        (settings.Zone). Never inside a transaction: keeping the day is a write of its own."""
        zone = self.config.zone
        if zone is not None and not zone.knows(now):
            from .storage import meta  # a zone-less install never needs it on a hit

            meta.recall_zone_day(self.connection(), zone, now)
        return counting.day_of(now, zone)

    def __call__(self, environ, start_response):
        # Every wait for a locked database ends by this deadline: the client gets its 503 in time.
        self._local.deadline = time.monotonic() + database.REQUEST_WAIT_SECONDS
        method = environ.get("REQUEST_METHOD", "GET").upper()
        extra, cors = [], []
        try:
            request = read_request(environ, self.config.client_ip_header)
            cors = origins.dashboard_cors(request.origin, self.config, method)
            # Whatever the request, a day that has ended loses its salt and views now: a quiet
            # day, a day of bots only or a site read but not visited keeps no identifier longer.
            if not request.query.get("pixel"):  # the pixel does it in its own guard: always a GIF
                self._close_ended_days()
            if method == "POST":
                status, payload, extra = self.post(environ, request)
            elif method in ("GET", "HEAD"):
                if request.query_error:
                    raise HTTPError(400, request.query_error)
                status, payload = 200, self.get(request)
                if isinstance(payload, Raw):
                    discard_body(environ)
                    return payload.respond(start_response, method, cors)
            elif method == "OPTIONS":
                status, payload, extra = 204, None, origins.preflight(cors, ALLOWED_METHODS)
            else:
                raise HTTPError(405, f"method {method} is not allowed",
                                [("Allow", ALLOWED_METHODS)])
        except HTTPError as exc:
            status, payload, extra = exc.status, {"error": exc.message}, exc.headers
        except database.DatabaseUnavailable as exc:
            # The tracker does not retry: a hit answered here is lost, and the log says so.
            _log(environ, f"footfall: {method} not answered, database unavailable: {exc}")
            status, payload = 503, {"error": "database unavailable, try again later"}
            extra = [("Retry-After", "5")]
        except database.DatabaseBusy as exc:
            _log(environ, f"footfall: {exc}")
            status, payload, extra = 503, {"error": "database busy, try again"}, [("Retry-After", "1")]
        except (settings.ConfigError, database.StorageError) as exc:
            _log(environ, f"footfall: {exc}")
            status, payload = 500, {"error": "server misconfigured; see the server's error log"}
        except Exception:
            import traceback

            _log(environ, "footfall: unexpected error\n" + traceback.format_exc())
            status, payload = 500, {"error": "internal error"}
        discard_body(environ)  # unless POST read it already; see discard_body
        if payload is None:  # 204: no body, so no Content-Type either
            body, headers = b"", [h for h in BASE_HEADERS if h[0] != "Content-Type"]
        else:
            body = jsonout.encode(payload).encode("utf-8")  # json itself only for GET: see jsonout
            headers = list(BASE_HEADERS)
        headers = headers + extra + cors + [("Content-Length", str(len(body)))]
        start_response(status_line(status), headers)
        if method == "HEAD":
            return [b""]
        return [body]

    # -----------------------------------------------------------------------------------------
    # POST: log a hit
    # -----------------------------------------------------------------------------------------

    def post(self, environ, request):
        """Count a hit: (200, answer, extra headers). A hit not counted says why."""
        config = self.config
        try:
            fields = read_fields(environ, config.max_body_bytes)
        except forms.BodyTooLarge:
            raise HTTPError(413, f"body is larger than {config.max_body_bytes} bytes") from None
        except forms.FormError as exc:
            raise HTTPError(400, str(exc)) from None
        return self.count(request.with_fields(fields))

    def count(self, request):
        """Count one hit from its fields (page, ref, site): (200, answer, extra headers).

        The one counting path of a POST and of the <noscript> pixel's GET.
        """
        config, fields = self.config, request.fields
        if "page" not in fields:
            raise HTTPError(400, "page is required")
        try:
            page = counting.normalize_page(fields["page"], config.max_page_length)
            ref = counting.normalize_ref(fields.get("ref", ""))
            site = origins.site_of(request)
        except counting.InvalidInput as exc:
            raise HTTPError(400, str(exc)) from None

        now = self.clock()
        day = self.day_of(now)
        answer = {"page": page, "day": day, "counted": True}
        origin = request.origin
        headers = []
        allowed = origins.sites_allowed(request, site, config.sites)
        if allowed and origin and origin != "null":
            # The tracked site may live on another host than footfall: let its page read the answer.
            headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        reason = counting.skip_reason(request.agent, request.purpose)
        if reason is None and not allowed:
            reason = "site not allowed"
        if "event" in fields:  # an event, not a pageview: events.py
            from . import events

            try:
                answer = events.count(self, request, page, ref, site, now, day, reason)
            except counting.InvalidInput as exc:
                raise HTTPError(400, str(exc)) from None
            if not answer["counted"]:
                headers.append(("X-Footfall", f"not counted: {answer['reason']}"))
            return 200, answer, headers
        if "seconds" in fields:
            return self._seconds(request, page, site, now, day, reason, headers)
        if reason is None:
            hit = record.Hit(now, day, site, page, ref, request.address, request.agent,
                             traits.of_request(request))
            reason = self._store_hit(request, hit, answer)
        if reason is not None:
            answer["counted"] = False
            answer["reason"] = reason
            headers.append(("X-Footfall", f"not counted: {reason}"))
        return 200, answer, headers

    def _seconds(self, request, page, site, now, day, reason, headers):
        """How long a page was visible, sent by footfall.js when it is left: added to the
        visitor's latest view of the page today (time on page), never a pageview."""
        text = request.fields["seconds"].strip()
        if not (text.isascii() and text.isdigit()) or int(text) > 86400:
            raise HTTPError(400, "seconds must be a whole number from 0 to 86400")
        seconds = int(text)
        answer = {"page": page, "seconds": seconds, "counted": True}
        if reason is None:
            hit = record.Hit(now, day, site, page, "", request.address, request.agent)
            reason = record.record_seconds(self.connection(), hit, seconds, self.today)
        if reason is not None:
            answer["counted"] = False
            answer["reason"] = reason
            headers.append(("X-Footfall", f"not counted: {reason}"))
        return 200, answer, headers

    def _store_hit(self, request, hit, answer):
        """Count the hit; a test hit (header X-Footfall-Test, sent by scripts/doctor.py and
        scripts/load.py) runs the same statements and is rolled back, so the owner's stats never
        hold it. Its answer says so ("test": true) and gives the page's pageviews read back inside
        the transaction ("read_back", 1 or more when the write worked): today's count of a page,
        so private stats give it only to the read key ("not_read_back" says why, without it)."""
        rules = record.Rules.from_config(self.config)
        if not request.test:
            return record.record_hit(self.connection(), hit, rules, self.today, self.new_salt)
        reason, read_back = record.try_hit(self.connection(), hit, rules, self.today, self.new_salt)
        from . import access

        answer["test"] = True
        if access.may_read(request.key, self.config, self.connection):
            answer["read_back"] = read_back
        else:
            answer["not_read_back"] = "the stats are private: " + access.KEY_REQUIRED
        return reason

    # -----------------------------------------------------------------------------------------
    # GET: per-day counts
    # -----------------------------------------------------------------------------------------

    def _check_read_access(self, request):
        """401 unless the stats are public or the request carries the read key (access.py)."""
        from . import access

        if not access.may_read(request.key, self.config, self.connection):
            raise HTTPError(401, access.KEY_REQUIRED)

    def get(self, request):
        """The answer to a GET of its query: per-day series, totals, top pages and referrers of
        a range."""
        params = request.query
        if params.get("pixel") or params.get("badge"):
            from . import images  # the pixel and the badge need no read key; see images.py

            return images.answer(self, request)
        self._check_read_access(request)
        from . import query  # what only a GET reads: a hit never imports it

        try:
            asked = query.read_query(params, self.config, self.clock(), self.connection)
        except counting.InvalidInput as exc:
            raise HTTPError(400, str(exc)) from None
        conn = self.connection()
        if "format" in params:
            from . import exports

            return exports.answer(self.answer, conn, asked, params)
        return self.answer(conn, asked)

    def answer(self, conn, asked):
        """The JSON answer of a GET whose ReadQuery (query.py) is read and checked; exports.py
        takes its lists from here, each whole (limit: as many as there are)."""
        from . import insights, query  # what only a GET reads: a hit never imports them
        from .storage import notes, totals  # read queries: a hit never needs them

        first, last = counting.parse_day(asked.first, "from"), counting.parse_day(asked.last, "to")
        span = (last - first).days + 1
        # One filter on a trait, a referrer or a campaign sets the series itself (insights.py):
        # the site's days are not read for it.
        counts = {} if insights.sets_series(asked) else totals.read_days(
            conn, asked.first, asked.last, asked.site, asked.page)
        visitors, pageviews = [], []
        total_visitors = total_pageviews = 0
        for offset in range(span):
            day = first + _days(offset)
            ms = counting.day_ms(day)
            day_visitors, day_pageviews = counts.get(day.isoformat(), (0, 0))
            visitors.append([ms, day_visitors])
            pageviews.append([ms, day_pageviews])
            total_visitors += day_visitors
            total_pageviews += day_pageviews
        answer = {
            "from": asked.first,
            "to": asked.last,
            "today": asked.today,
            "timezone": query.zone_name(self.config.zone, asked.now),
            "data": visitors,
            "visitors": visitors,
            "pageviews": pageviews,
            "totals": {"visitors": total_visitors, "pageviews": total_pageviews},
        }
        insights.add_to_answer(answer, conn, asked)
        # Annotations; written only by scripts/note.py.
        answer["notes"] = notes.in_range(conn, asked.first, asked.last, asked.today, asked.site,
                                         asked.page)
        # Broken links, from imported access logs only (scripts/import_log.py).
        answer["not_found"] = totals.not_found(conn, asked.first, asked.last, asked.site,
                                               asked.limit)
        return answer


def _log(environ, message):
    stream = environ.get("wsgi.errors")
    if stream is not None:
        stream.write(message.rstrip("\n") + "\n")
        stream.flush()


def _days(n):
    return datetime.timedelta(days=n)
