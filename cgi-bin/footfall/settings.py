"""Settings: one table of what can be configured, and how a configuration is loaded.

Each setting comes from, in order: its environment variable, the config file, its default.
The config file is INI with a ``[footfall]`` section; its path is ``FOOTFALL_CONFIG``, else
``~/footfall/footfall.ini``. The README's configuration section is checked against SETTINGS
by a test, so a setting added here without docs fails the suite.
"""

import datetime
import os


class Setting:
    """One row of the settings table: its name, environment variable, default and one line of help.

    A default that is a number makes the setting a whole number of at least 1.
    """

    __slots__ = ("name", "variable", "default", "help")

    def __init__(self, name, variable, default, help):
        self.name, self.variable, self.default, self.help = name, variable, default, help

    @property
    def is_integer(self):
        return isinstance(self.default, int)


SETTINGS = (
    Setting("db", "FOOTFALL_DB", "~/footfall/footfall.db",
            "Path of the SQLite database. Keep it outside the web document root. Or a "
            "postgresql:// URL: PostgreSQL, through psycopg 3 (docs/deploy.md)."),
    Setting("timezone", "FOOTFALL_TIMEZONE", "",
            "IANA time zone that decides a hit's calendar day, e.g. Europe/Berlin; "
            "empty: the server's zone."),
    Setting("read_key", "FOOTFALL_READ_KEY", "",
            "If set, GET needs this key in the X-Footfall-Key header; empty: the database decides "
            "(setup_db.py records a key's hash, or public)."),
    Setting("sites", "FOOTFALL_SITES", "",
            "Comma-separated host names whose hits are counted (subdomains included); empty: any site."),
    Setting("dashboard_origins", "FOOTFALL_DASHBOARD_ORIGINS", "",
            "Comma-separated origins (https://host[:port]) of dashboards on other sites that may read GET."),
    Setting("client_ip_header", "FOOTFALL_CLIENT_IP_HEADER", "",
            "Behind a reverse proxy: the header holding the client's address (X-Forwarded-For, X-Real-IP)."),
    Setting("max_body_bytes", "FOOTFALL_MAX_BODY_BYTES", 4096,
            "Largest POST body accepted; bigger bodies get 413."),
    Setting("max_page_length", "FOOTFALL_MAX_PAGE_LENGTH", 1024,
            "Longest page path accepted, in characters; longer ones get 400."),
    Setting("flood_limit", "FOOTFALL_FLOOD_LIMIT", 10,
            "Most pageviews counted per visitor and page within flood_window_seconds."),
    Setting("flood_window_seconds", "FOOTFALL_FLOOD_WINDOW_SECONDS", 60,
            "Length of the sliding window of the flood rule, in seconds."),
    Setting("daily_limit", "FOOTFALL_DAILY_LIMIT", 300,
            "Most pageviews counted per visitor and day, across all pages."),
    Setting("badges", "FOOTFALL_BADGES", "off",
            "on: GET ?badge=1 answers an SVG counter of all-time pageviews to anyone, even with a "
            "read key; off: 404."),
    # scripts/report.py: where the weekly report and the spike alert are sent.
    Setting("smtp_host", "FOOTFALL_SMTP_HOST", "",
            "SMTP server that scripts/report.py sends through; empty: report.py --send refuses."),
    Setting("smtp_port", "FOOTFALL_SMTP_PORT", 587,
            "Port of the SMTP server (587 for starttls, 465 for tls, 25 for none)."),
    Setting("smtp_security", "FOOTFALL_SMTP_SECURITY", "starttls",
            "starttls, tls (TLS from the first byte) or none (plain text: only to a server on the "
            "same machine)."),
    Setting("smtp_user", "FOOTFALL_SMTP_USER", "",
            "Login name for the SMTP server; empty: no login."),
    Setting("smtp_password", "FOOTFALL_SMTP_PASSWORD", "",
            "Password of smtp_user: from the environment or the config file only, never the "
            "command line."),
    Setting("mail_from", "FOOTFALL_MAIL_FROM", "",
            "From address of the reports; empty: smtp_user."),
    Setting("mail_to", "FOOTFALL_MAIL_TO", "",
            "Comma-separated addresses the reports are sent to."),
    Setting("alert_multiple", "FOOTFALL_ALERT_MULTIPLE", 3,
            "report.py --alert mails when today's visitors so far exceed this many times the "
            "median of the same hours of the last 28 days."),
)

# Settings footfall no longer has, with why: a config file that still names one loads as before.
RETIRED_SETTINGS = {
    "retention_days": "footfall keeps no raw hits since 0.2, so there is nothing to prune",
}

SMTP_SECURITY = ("starttls", "tls", "none")
_ON = {"on": True, "yes": True, "true": True, "1": True,
       "off": False, "no": False, "false": False, "0": False, "": False}

# {name: default}, for scripts that show or use a default (``DEFAULTS["db"]``).
DEFAULTS = {setting.name: setting.default for setting in SETTINGS}

CONFIG_FILE_VARIABLE = "FOOTFALL_CONFIG"
DEFAULT_CONFIG_FILE = "~/footfall/footfall.ini"


class ConfigError(Exception):
    """A setting has a value footfall cannot use."""


class Config:
    """The loaded settings, one attribute per row of SETTINGS."""

    def __init__(self, check_zone=True, **values):
        for setting in SETTINGS:
            setattr(self, setting.name, values.pop(setting.name, setting.default))
        if values:
            raise ConfigError(f"unknown setting: {', '.join(sorted(values))}")
        self._check(check_zone)

    def _check(self, check_zone):
        self.db = os.path.expanduser(str(self.db))
        for name in (setting.name for setting in SETTINGS if setting.is_integer):
            value = getattr(self, name)
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
            if number < 1:
                raise ConfigError(f"{name} must be at least 1, not {number}")
            setattr(self, name, number)
        if isinstance(self.sites, str):
            # As counting.normalize_site has them: 'www.example.com' is the site example.com.
            self.sites = tuple(_without_www(s.strip().lower().strip(".")) for s in self.sites.split(",")
                               if s.strip())
        self.dashboard_origins = parse_origins(self.dashboard_origins)
        self.read_key = str(self.read_key)
        if self.read_key:
            check_read_key(self.read_key)
        _check_badges_and_mail(self)
        self.timezone = str(self.timezone).strip()
        self.zone = None
        if self.timezone:
            # A Zone reads the zone's rules only when a moment outside the day it knows is asked
            # (Zone, below): a CGI hit then never imports zoneinfo. check_zone says whether a
            # name that is no zone is refused now or on that first use (see load_config).
            self.zone = Zone(self.timezone)
            if check_zone:
                self.zone.check()


# The configured time zone (the timezone setting).
#
# A CGI process lives for one hit. Reading a zone with zoneinfo imports zoneinfo, sysconfig and
# weakref: 2.7 ms of a 24 ms hit, 1.43x the one-insert floor (docs/performance.md). Yet a day on
# which the clocks do not change has one UTC offset from its first moment to its last, and with it
# any moment of the day gives its day and hour by a fixed offset, as datetime.timezone does.
#
# So a Zone is a tzinfo built from its name alone. It reads the zone's rules (zoneinfo) only for a
# moment outside the day it knows. It learns a day from its rules (counting.learn_day) or from
# what an earlier process learned and kept (storage/meta.py keeps it in the database, where every
# hit reads anyway). A day on which the clocks change is never known: its hits use zoneinfo.
class Zone(datetime.tzinfo):
    """An IANA zone by name ("Europe/Berlin"); its rules are read when first needed, and a name
    that is no zone raises ConfigError then (check() asks at once)."""

    def __init__(self, key):
        self.key = key
        self._rules = None
        # The day known to have one UTC offset throughout: (YYYY-MM-DD, its first moment as a
        # Unix time, its fixed-offset tzinfo), or None.
        self.day = None

    def __repr__(self):
        return f"Zone({self.key!r})"

    @property
    def rules(self):
        """The zone's zoneinfo.ZoneInfo."""
        if self._rules is None:
            import zoneinfo

            try:
                self._rules = zoneinfo.ZoneInfo(self.key)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"timezone is not a known IANA zone: {self.key!r}") from None
        return self._rules

    def check(self):
        """Raise ConfigError now if the name is no zone."""
        return self.rules

    # -- what counting.day_of, hour_of and day_start ask ------------------------------------------

    def knows(self, timestamp):
        """Whether timestamp falls in the known day."""
        known = self.day
        return known is not None and 0 <= timestamp - known[1] < 86400

    def at(self, timestamp):
        """The tzinfo that places timestamp: the known day's fixed offset, or the zone's rules."""
        known = self.day  # once: a server's other thread may learn the next day meanwhile
        if known is not None and 0 <= timestamp - known[1] < 86400:
            return known[2]
        return self.rules

    def on(self, day):
        """The tzinfo that places midnight of day (YYYY-MM-DD): the known day's fixed offset for
        that day and the next (the known day ends when the next begins), else the zone's rules."""
        known = self.day
        if known is not None and (day == known[0] or day == _next_day(known[0])):
            return known[2]
        return self.rules

    # -- learning a day (counting.learn_day) ----------------------------------------------------

    def knows_day(self, day, start, offset_seconds):
        """Know day (YYYY-MM-DD), which begins at Unix time start, as one of offset_seconds."""
        fixed = datetime.timezone(datetime.timedelta(seconds=offset_seconds))
        self.day = (day, start, fixed)

    # -- tzinfo, for datetime's own use (seed_db.py, report.py) ---------------------------------

    def utcoffset(self, dt):
        return self.rules.utcoffset(dt)

    def dst(self, dt):
        return self.rules.dst(dt)

    def tzname(self, dt):
        return self.rules.tzname(dt)

    def fromutc(self, dt):
        return self.rules.fromutc(dt.replace(tzinfo=self.rules)).replace(tzinfo=self)


def _next_day(day):
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()


def parse_origins(text):
    """The dashboard_origins setting as a tuple of lower-case origins ("https://example.com").

    An origin is what a browser sends in its Origin header: scheme, host and port, no path. A
    path or a missing scheme would never match, so it is refused rather than silently ignored.
    """
    if not isinstance(text, str):
        return tuple(text)
    origins = []
    for entry in text.split(","):
        origin = entry.strip().lower().rstrip("/")
        if not origin:
            continue
        scheme, sep, host = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not host or "/" in host:
            raise ConfigError("dashboard_origins must list origins like https://example.com, "
                              f"not {entry.strip()!r}")
        origins.append(origin)
    return tuple(origins)


def _without_www(host):
    return host[4:] if host.startswith("www.") and len(host) > 4 else host


def check_read_key(key):
    """A read key travels in an HTTP header: printable ASCII only, or browsers and servers
    would send (or mangle) bytes that never match."""
    if key != key.strip() or not all(" " <= c <= "~" for c in key):
        raise ConfigError("read_key must be printable ASCII (letters, digits, punctuation; "
                          "no spaces at either end, no accented letters or control characters)")


def _check_badges_and_mail(config):
    """badges: on/off as a bool; smtp_security one of three words; mail_to as a tuple."""
    if not isinstance(config.badges, bool):
        word = str(config.badges).strip().lower()
        if word not in _ON:
            raise ConfigError(f"badges must be on or off, not {config.badges!r}")
        config.badges = _ON[word]
    config.smtp_security = str(config.smtp_security).strip().lower()
    if config.smtp_security not in SMTP_SECURITY:
        raise ConfigError(f"smtp_security must be one of {', '.join(SMTP_SECURITY)}, "
                          f"not {config.smtp_security!r}")
    if isinstance(config.mail_to, str):
        config.mail_to = tuple(a.strip() for a in config.mail_to.split(",") if a.strip())


def config_file_path(environ=None):
    """Where the config file is (whether or not it exists)."""
    environ = os.environ if environ is None else environ
    path = environ.get(CONFIG_FILE_VARIABLE) or DEFAULT_CONFIG_FILE
    if path.startswith("~/") and environ.get("HOME"):
        return os.path.join(environ["HOME"], path[2:])
    return os.path.expanduser(path)


def load_config(environ=None, use_file=True, check_zone=True, **overrides):
    """Build a Config from overrides, the environment, the config file and the defaults.

    A timezone that is no zone is refused here, unless check_zone is False: then on the zone's
    first use, which the app's requests answer as any other ConfigError (app.Application)."""
    environ = os.environ if environ is None else environ
    values = {}
    if use_file:
        path = config_file_path(environ)
        if os.path.exists(path):
            values.update(read_config_file(path))
        elif environ.get(CONFIG_FILE_VARIABLE):
            raise ConfigError(f"config file {path} does not exist")
    for setting in SETTINGS:
        if setting.variable in environ:
            values[setting.name] = environ[setting.variable]
    values.update({name: value for name, value in overrides.items() if value is not None})
    return Config(check_zone, **values)


def db_origin(environ=None):
    """Where load_config finds the database when no --db is given, in words a script can print:
    a db written into the config file by setup_db.py is easily forgotten."""
    environ = os.environ if environ is None else environ
    if "FOOTFALL_DB" in environ:
        return "FOOTFALL_DB"
    path = config_file_path(environ)
    if os.path.exists(path) and "db" in read_config_file(path):
        return f"db in the config file {path}"
    return "the default"


def read_config_file(path):
    """The [footfall] settings of an INI file, as {name: text}."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    sections = plain_ini_sections(text)
    if sections is None:
        sections = _configparser_sections(path, text)
    if "footfall" not in sections:
        raise ConfigError(f"config file {path} has no [footfall] section")
    known = set(DEFAULTS)
    values = {name: value for name, value in sections["footfall"].items()
              if name not in RETIRED_SETTINGS}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"config file {path} has unknown settings: {', '.join(unknown)}")
    return values


def plain_ini_sections(text):
    """{section: {name: value}} of an INI text as configparser.ConfigParser(interpolation=None)
    reads it, for the plain files footfall's scripts write and its docs show: [section] lines,
    name = value (or name: value) lines, blank lines, # and ; comments. None for anything else
    (a value continued on an indented line, [DEFAULT], a name twice, a line it cannot read),
    which configparser then reads, or refuses. Every CGI hit of an install with a config file
    reads it, and importing configparser (with re and enum) took 5 ms of a 26 ms hit
    (docs/performance.md); tests/test_settings.py holds the two readers to the same answers."""
    sections, current = {}, None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if line[0].isspace():
            return None  # indented: a continued value, for configparser to join
        if stripped[0] == "[":
            name = stripped[1:-1]
            if stripped[-1] != "]" or not name or "[" in name or "]" in name \
                    or name == "DEFAULT" or name in sections:
                return None
            current = sections[name] = {}
            continue
        at = min((i for i in (stripped.find("="), stripped.find(":")) if i >= 0), default=-1)
        if current is None or at < 0:
            return None  # before any section, or no value: configparser says what is wrong
        name = stripped[:at].rstrip().lower()
        if not name or name in current:
            return None
        current[name] = stripped[at + 1:].strip()
    return sections


def _configparser_sections(path, text):
    import configparser  # only for a config file plain_ini_sections does not read

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, path)
    except configparser.Error as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    return {name: dict(parser.items(name)) for name in parser.sections()}
