"""The WSGI application: POST logs a hit, GET answers per-day counts, always as JSON.

Errors are caught once, in ``Application.__call__``: a client error becomes a short JSON message with its
status; anything unexpected is logged with its traceback to wsgi.errors (the server's error log)
and answered with a plain 500, never the traceback.
"""

import _thread
import datetime
import json
import os
import time

from . import counting, forms, settings
from .storage import database, record, totals

# A CGI process serves one hit and exits, so every import is paid per hit: modules that only a read
# key or an error needs (hmac, traceback) are imported where they are used, and the thread
# local comes from _thread, which the interpreter has loaded already (threading.local is this very
# class, but importing threading costs a POST half a millisecond). See docs/performance.md.

# The longest range a GET answers, counted inclusively: ten years and change.
MAX_RANGE_DAYS = 3660
TOP_LIMIT = 50

ALLOWED_METHODS = "GET, HEAD, POST"

# Sent with every answer. The JSON is data, never a page: no sniffing, no framing, no scripts.
BASE_HEADERS = (
    ("Content-Type", "application/json; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "cross-origin"),
)

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed",
            413: "Content Too Large", 500: "Internal Server Error", 503: "Service Unavailable"}


class HTTPError(Exception):
    """An answer other than 200: a status, a message for the client and extra headers."""

    def __init__(self, status, message, headers=()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


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
        self._local = _thread._local()  # one SQLite connection per thread: not shared across them

    @property
    def config(self):
        if self._config is None:
            self._config = settings.load_config()
        return self._config

    def connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = database.connect(self.config.db)
        return conn

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        extra = []
        try:
            if method == "POST":
                status, payload, extra = self.post(environ)
            elif method in ("GET", "HEAD"):
                status, payload = 200, self.get(environ)
            else:
                raise HTTPError(405, f"method {method} is not allowed",
                                [("Allow", ALLOWED_METHODS)])
        except HTTPError as exc:
            status, payload, extra = exc.status, {"error": exc.message}, exc.headers
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
        if method != "POST":
            forms.discard_body(environ)  # only POST reads its body; see discard_body
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        headers = list(BASE_HEADERS) + extra + [("Content-Length", str(len(body)))]
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        if method == "HEAD":
            return [b""]
        return [body]

    # -----------------------------------------------------------------------------------------
    # POST: log a hit
    # -----------------------------------------------------------------------------------------

    def post(self, environ):
        """Count a hit: (200, answer, extra headers). A hit not counted says why."""
        config = self.config
        try:
            fields = forms.parse_form(forms.read_body(environ, config.max_body_bytes))
        except forms.BodyTooLarge:
            raise HTTPError(413, f"body is larger than {config.max_body_bytes} bytes") from None
        except forms.FormError as exc:
            raise HTTPError(400, str(exc)) from None
        if "page" not in fields:
            raise HTTPError(400, "page is required")
        try:
            page = counting.normalize_page(fields["page"], config.max_page_length)
            ref = counting.normalize_ref(fields.get("ref", ""))
            site = _site_of(environ, fields)
        except counting.InvalidInput as exc:
            raise HTTPError(400, str(exc)) from None

        now = self.clock()
        day = counting.day_of(now, config.zone)
        answer = {"page": page, "day": day, "counted": True}
        origin = environ.get("HTTP_ORIGIN", "")
        headers = []
        allowed = _sites_allowed(environ, site, config.sites)
        if allowed and origin and origin != "null":
            # The tracked site may live on another host than footfall: let its page read the answer.
            headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        user_agent = environ.get("HTTP_USER_AGENT", "")
        reason = counting.skip_reason(user_agent, environ)
        if reason is None and not allowed:
            reason = "site not allowed"
        if reason is None:
            hit = record.Hit(now, day, site, page, ref, _client_ip(environ, config.client_ip_header),
                           user_agent)
            reason = record.record_hit(self.connection(), hit, record.Rules.from_config(config),
                                     self.new_salt)
        if reason is not None:
            answer["counted"] = False
            answer["reason"] = reason
            headers.append(("X-Footfall", f"not counted: {reason}"))
        return 200, answer, headers

    # -----------------------------------------------------------------------------------------
    # GET: per-day counts
    # -----------------------------------------------------------------------------------------

    def get(self, environ):
        """The answer to a GET: per-day series, totals, top pages and referrers of a range."""
        config = self.config
        if config.read_key:
            import hmac

            given = environ.get("HTTP_X_FOOTFALL_KEY", "")
            if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"),
                                       config.read_key.encode("utf-8")):
                raise HTTPError(401, "a read key is required (header X-Footfall-Key)")
        try:
            params = forms.parse_query_string(environ.get("QUERY_STRING", ""))
        except forms.FormError as exc:
            raise HTTPError(400, str(exc)) from None
        try:
            page = None
            if params.get("page", "").strip():
                page = counting.normalize_page(params["page"], config.max_page_length)
            site = counting.normalize_site(params["site"]) if params.get("site", "").strip() else None
            first, last = self._range(params, site, page)
        except counting.InvalidInput as exc:
            raise HTTPError(400, str(exc)) from None

        conn = self.connection()
        span = (last - first).days + 1
        counts = totals.read_days(conn, first.isoformat(), last.isoformat(), site, page)
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
            "from": first.isoformat(),
            "to": last.isoformat(),
            "data": visitors,
            "visitors": visitors,
            "pageviews": pageviews,
            "totals": {"visitors": total_visitors, "pageviews": total_pageviews},
        }
        if page is None:
            answer["pages"] = totals.top_pages(conn, first.isoformat(), last.isoformat(), site,
                                               TOP_LIMIT)
            answer["referrers"] = totals.top_referrers(conn, first.isoformat(), last.isoformat(),
                                                       site, TOP_LIMIT)
            # Broken links, from imported access logs only (scripts/import_log.py).
            answer["not_found"] = totals.not_found(conn, first.isoformat(), last.isoformat(), site,
                                                   TOP_LIMIT)
        return answer

    def _range(self, params, site, page):
        """The first and last day a GET asks for, checked: (date, date)."""
        today = counting.parse_day(counting.day_of(self.clock(), self.config.zone), "today")
        last = counting.parse_day(params["to"], "to") if params.get("to") else today
        if params.get("from"):
            first = counting.parse_day(params["from"], "from")
        else:
            stored = totals.first_day(self.connection(), site, page)
            first = counting.parse_day(stored, "first day") if stored else last
            # With more history than one answer may hold, default to its last MAX_RANGE_DAYS.
            first = min(max(first, last - _days(MAX_RANGE_DAYS - 1)), last)
        if first > last:
            raise HTTPError(400, "from is after to")
        span = (last - first).days + 1
        if span > MAX_RANGE_DAYS:
            raise HTTPError(400, f"range is {span} days; at most {MAX_RANGE_DAYS} are allowed")
        return first, last


def _log(environ, message):
    stream = environ.get("wsgi.errors")
    if stream is not None:
        stream.write(message.rstrip("\n") + "\n")
        stream.flush()


# ---------------------------------------------------------------------------------------------
# Who and where a hit is from
# ---------------------------------------------------------------------------------------------

def _client_ip(environ, header):
    """The visitor's address: REMOTE_ADDR, or the last hop of a header a trusted proxy sets.

    Only the right-most address is the proxy's own observation; anything left of it is what the
    client claimed, so trusting it would let a script pose as any number of visitors.
    """
    if header:
        forwarded = environ.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return environ.get("REMOTE_ADDR", "")


def _site_of(environ, fields):
    """The site a hit belongs to: the site field, else the host of Origin or Referer, else ours."""
    if fields.get("site", "").strip():
        return counting.normalize_site(fields["site"])
    for header in ("HTTP_ORIGIN", "HTTP_REFERER"):
        host = counting.host_of(environ.get(header, ""))
        if host:
            return counting.normalize_site(host)
    return counting.normalize_site(environ.get("HTTP_HOST", "") or environ.get("SERVER_NAME", ""))


def _sites_allowed(environ, site, allowed):
    """Every origin a hit names (site field, Origin, Referer) must be an allowed site."""
    if not allowed:
        return True
    hosts = {site}
    for header in ("HTTP_ORIGIN", "HTTP_REFERER"):
        host = counting.host_of(environ.get(header, ""))
        if host:
            hosts.add(host)
    return all(counting.site_allowed(host, allowed) for host in hosts)


def _days(n):
    return datetime.timedelta(days=n)
