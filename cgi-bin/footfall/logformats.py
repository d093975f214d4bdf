"""Reading web server access logs: Apache LogFormat strings, the common named formats, Caddy's JSON.

The import (footfall/importing/) reads a log line by line through a parser made here; the hit
path never imports this module (it compiles regular expressions and imports json, which a CGI hit
must not pay for). A parser turns one line into a tuple of FIELDS, or None when the line does not
fit the format.
"""

import calendar
import collections
import json
import re

# ---------------------------------------------------------------------------------------------
# Named formats
# ---------------------------------------------------------------------------------------------

# Apache's own names for its usual formats; nginx's default "combined" writes the same fields.
NAMED_FORMATS = {
    "combined": '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
    "common": '%h %l %u %t "%r" %>s %b',
    "vhost_combined": '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
}
CADDY = "caddy"  # Caddy's JSON access log, one object per line
FORMAT_NAMES = tuple(NAMED_FORMATS) + (CADDY,)


class LogFormatError(ValueError):
    """A --format cannot be read: an unknown directive or no fields to count with."""


# What a parser returns for a line: a plain tuple of these, for speed ('' for a field the format
# does not have). LogLine gives them names where speed does not matter.
FIELDS = ("ip", "ts", "method", "target", "status", "referrer", "user_agent", "host", "language",
          "purpose")
LogLine = collections.namedtuple("LogLine", FIELDS)

# The longest line read, newline included. Real access log lines stay under 16 KiB (Apache
# refuses a request line over 8 KiB and a header over 8 KiB by default); a longer one is
# malformed, and reading stops keeping it at this size, whatever its length.
MAX_LINE_BYTES = 64 * 1024


# ---------------------------------------------------------------------------------------------
# Apache LogFormat directives
# ---------------------------------------------------------------------------------------------

# Directive -> the LogLine field it fills ('' when footfall only needs to step over it).
_DIRECTIVES = {
    "h": "ip", "a": "ip", "t": "time", "r": "request", "s": "status", ">s": "status",
    "v": "host", "V": "host", "m": "method", "U": "path", "q": "query",
    "l": "", "u": "", "b": "", "B": "", "O": "", "I": "", "S": "", "D": "", "T": "", "p": "",
    "P": "", "H": "", "k": "", "L": "", "X": "", "f": "", "R": "", "A": "", "e": "", "n": "",
    "o": "", "C": "", "c": "",
}
# Request headers (%{Name}i) that footfall reads; others are stepped over.
_HEADERS = {"referer": "referrer", "user-agent": "user_agent", "host": "host",
            "accept-language": "language", "sec-purpose": "purpose", "purpose": "purpose",
            "x-moz": "purpose", "x-purpose": "purpose", "x-forwarded-for": "forwarded"}

_DIRECTIVE = re.compile(r"%[<>]?(?:\{([^}]*)\})?([a-zA-Z])")


def compile_format(log_format):
    """A parser for lines written with an Apache LogFormat string (or a name of NAMED_FORMATS)."""
    if log_format == CADDY:
        return parse_caddy
    log_format = NAMED_FORMATS.get(log_format, log_format)
    pattern, fields, position = ["^"], [], 0
    for match in _DIRECTIVE.finditer(log_format):
        pattern.append(_literal(log_format[position:match.start()]))
        position = match.end()
        argument, letter = match.group(1), match.group(2)
        directive = (">" if match.group(0)[1] == ">" else "") + letter
        quoted = match.start() > 0 and log_format[match.start() - 1] == '"'
        if letter == "i":
            field = _HEADERS.get((argument or "").lower(), "")
        elif letter == "t" and argument is not None:
            raise LogFormatError(f"%{{{argument}}}t: only the default time format %t can be read")
        elif directive in _DIRECTIVES or letter in _DIRECTIVES:
            field = _DIRECTIVES.get(directive, _DIRECTIVES.get(letter))
        else:
            raise LogFormatError(f"{match.group(0)} is not an Apache LogFormat directive")
        if field == "time":
            pattern.append(r"\[([^\]]*)\]")
        elif quoted:  # the pattern of a quoted field is chosen below
            pattern += ["(", _QUOTED, ")"] if field else [_QUOTED]
        else:
            pattern.append(r"(\S*)" if field else r"\S*")  # only what footfall reads is captured
        if field:
            fields.append(field)
    pattern.append(_literal(log_format[position:]))
    for need in ("ip", "time"):
        if need not in fields:
            raise LogFormatError(f"the format has no {'%h' if need == 'ip' else '%t'}")
    if "request" not in fields and "path" not in fields:
        raise LogFormatError("the format has no %r (or %U)")
    pattern.append(r"\s*$")
    # Two expressions: [^"]* for the usual line, which has no backslash, and, for a line with
    # one, a quoted field that may hold \" as Apache escapes a quote (unrolled: (?:[^"\\]|\\.)* is
    # slower still). Without a backslash both read a line alike; the first is three times faster.
    plain = re.compile("".join(r'[^"]*' if part is _QUOTED else part for part in pattern))
    escaped = re.compile("".join(r'[^"\\]*(?:\\.[^"\\]*)*' if part is _QUOTED else part
                                 for part in pattern))
    return _make_parser(plain, escaped, fields)


_QUOTED = object()  # where compile_format's pattern has a quoted field


def _literal(text):
    # A space in the format matches one or more: some servers pad fields.
    return " +".join(re.escape(part) for part in text.replace("%%", "%").split(" "))


def _make_parser(plain, escaped, fields):
    match_plain, match_escaped = plain.match, escaped.match
    # Positions in match.groups(); -1 reads the '' appended for a field the format lacks.
    index = {field: number for number, field in enumerate(fields) if field}
    at = lambda field: index.get(field, -1)  # noqa: E731
    ip, when, status = at("ip"), at("time"), at("status")
    request, method, path, query = at("request"), at("method"), at("path"), at("query")
    referrer, agent, host = at("referrer"), at("user_agent"), at("host")
    language, purpose = at("language"), at("purpose")
    has_request = request >= 0
    parse_time = apache_time
    # A log repeats its request lines and status codes over and over: each is taken apart once.
    requests = {}  # request line -> (method, target), or None when it is not one
    statuses = {}  # status as logged -> the number (0: none)

    def parse(line):
        found = match_plain(line) if "\\" not in line else match_escaped(line)
        if found is None:
            return None
        groups = found.groups() + ("",)
        ts = parse_time(groups[when])
        if ts is None:
            return None
        if has_request:
            asked = requests.get(groups[request], False)
            if asked is False:
                if len(requests) > 100_000:  # bounded memory, however many pages
                    requests.clear()
                parts = groups[request].split(" ")
                # None: a garbled request line ("-", a TLS handshake as text)
                asked = requests[groups[request]] = (parts[0], parts[1]) if len(parts) == 3 else None
            if asked is None:
                return None
            line_method, target = asked
        else:
            line_method = groups[method] or "GET"
            target = groups[path] + groups[query]
        code = statuses.get(groups[status])
        if code is None:
            if len(statuses) > 1000:
                statuses.clear()
            text = groups[status] or "200"
            code = statuses[groups[status]] = int(text) if text.isdigit() else 0
        user_agent = groups[agent]
        if "\\" in user_agent:
            user_agent = user_agent.replace('\\"', '"')
        ref = groups[referrer]
        return (groups[ip], ts, line_method, target, code,
                "" if ref == "-" else ref, "" if user_agent == "-" else user_agent,
                _dash(groups[host]) if host >= 0 else "",
                _dash(groups[language]) if language >= 0 else "",
                _dash(groups[purpose]) if purpose >= 0 else "")

    parse.has_host = host >= 0  # else the import needs --site
    return parse


def _dash(value):
    return "" if value == "-" else value


# ---------------------------------------------------------------------------------------------
# Time: [10/Oct/2000:13:55:36 -0700]
# ---------------------------------------------------------------------------------------------

_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_hours = {}  # "10/Oct/2000:13 -0700" -> Unix time of that hour: one calendar sum per hour of log
_last = ["", 0]  # the last time read and its Unix time


def apache_time(text):
    """Unix time of Apache's %t (without brackets), or None when it is not one."""
    if text == _last[0]:  # lines of the same second follow each other
        return _last[1]
    if len(text) != 26 or text[2] != "/" or text[14] != ":" or text[17] != ":":
        return None
    key = text[:14] + text[20:]
    base = _hours.get(key)
    if base is None:
        base = _hour_start(text)
        if base is None:
            return None
        if len(_hours) > 100_000:  # a log of twelve years; keeps memory bounded on longer ones
            _hours.clear()
        _hours[key] = base
    minutes, seconds = text[15:17], text[18:20]
    if not (minutes.isdigit() and seconds.isdigit()):
        return None
    ts = base + int(minutes) * 60 + int(seconds)
    _last[:] = text, ts
    return ts


def _hour_start(text):
    try:
        day, month, year, hour = int(text[0:2]), _MONTHS[text[3:6]], int(text[7:11]), int(text[12:14])
        sign, zone_hours, zone_minutes = text[21], int(text[22:24]), int(text[24:26])
    except (KeyError, ValueError):
        return None
    if sign not in "+-" or not (1 <= day <= 31 and hour <= 23):
        return None
    offset = (zone_hours * 3600 + zone_minutes * 60) * (1 if sign == "+" else -1)
    return calendar.timegm((year, month, day, hour, 0, 0)) - offset


# ---------------------------------------------------------------------------------------------
# Caddy's JSON access log
# ---------------------------------------------------------------------------------------------

def parse_caddy(line):
    """One line of Caddy's JSON access log ("logger": "http.log.access..."), or None."""
    try:
        entry = json.loads(line)
        request = entry["request"]
        headers = request.get("headers") or {}
        ts = entry["ts"]
        if not isinstance(ts, (int, float)):
            import datetime

            ts = datetime.datetime.fromisoformat(str(ts).replace("Z", "+00:00")).timestamp()
        return (
            request.get("client_ip") or request.get("remote_ip") or "", float(ts),
            request["method"], request["uri"], int(entry.get("status") or 0),
            _first(headers, "Referer"), _first(headers, "User-Agent"), request.get("host", ""),
            _first(headers, "Accept-Language"),
            ",".join(filter(None, (_first(headers, "Sec-Purpose"), _first(headers, "Purpose")))))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


parse_caddy.has_host = True


def _first(headers, name):
    values = headers.get(name)
    if isinstance(values, list) and values and isinstance(values[0], str):
        return values[0]
    return ""


# ---------------------------------------------------------------------------------------------
# What a line is
# ---------------------------------------------------------------------------------------------

# Static files by extension, never page views: GoAccess's default list and the formats of the
# modern web. tests/test_goaccess.py gives GoAccess this same list (--static-file).
ASSET_EXTENSIONS = frozenset((
    "css", "js", "mjs", "map", "json", "xml", "txt", "csv",
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff",
    "woff", "woff2", "ttf", "otf", "eot",
    "mp3", "mp4", "m4a", "ogg", "webm", "wav", "flac", "flv", "mpeg", "mpg", "avi", "mov", "swf",
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
    "zip", "gz", "tgz", "tar", "rar", "7z", "xz", "zst", "iso", "exe", "dmg",
))

# footfall's own requests, never page views of the site: the endpoint and the tracker.
OWN_FILES = ("stats.py", "footfall.js")


def path_of(target):
    """The path of a request target, without query or fragment ('http://h/a?b' -> '/a')."""
    return target.split("?", 1)[0].split("#", 1)[0]


def is_asset(path):
    """True when the last segment of a path ends in a static file extension."""
    name = path[path.rfind("/") + 1:]
    dot = name.rfind(".")
    return dot >= 0 and name[dot + 1:].lower() in ASSET_EXTENSIONS


def is_own(path):
    return path.endswith(OWN_FILES)
