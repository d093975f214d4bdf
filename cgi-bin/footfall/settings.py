"""Settings: one table of what can be configured, and how a configuration is loaded.

Each setting comes from, in order: its environment variable, the config file, its default.
The config file is INI with a ``[footfall]`` section; its path is ``FOOTFALL_CONFIG``, else
``~/footfall/footfall.ini``. The README's configuration section is checked against SETTINGS
by a test, so a setting added here without docs fails the suite.
"""

import os

# name, environment variable, default, one line of help
SETTINGS = (
    ("db", "FOOTFALL_DB", "~/footfall/footfall.db",
     "Path of the SQLite database. Keep it outside the web document root."),
    ("timezone", "FOOTFALL_TIMEZONE", "",
     "IANA time zone that decides a hit's calendar day, e.g. Europe/Berlin; empty: the server's zone."),
    ("read_key", "FOOTFALL_READ_KEY", "",
     "If set, GET needs this key in the X-Footfall-Key header; empty: the database decides "
     "(setup_db.py records a key's hash, or public)."),
    ("sites", "FOOTFALL_SITES", "",
     "Comma-separated host names whose hits are counted (subdomains included); empty: any site."),
    ("client_ip_header", "FOOTFALL_CLIENT_IP_HEADER", "",
     "Behind a reverse proxy: the header holding the client's address (X-Forwarded-For, X-Real-IP)."),
    ("retention_days", "FOOTFALL_RETENTION_DAYS", "400",
     "Raw hits older than this many days are pruned; daily counts are kept forever."),
    ("max_body_bytes", "FOOTFALL_MAX_BODY_BYTES", "4096",
     "Largest POST body accepted; bigger bodies get 413."),
    ("max_page_length", "FOOTFALL_MAX_PAGE_LENGTH", "1024",
     "Longest page path accepted, in characters; longer ones get 400."),
    ("flood_limit", "FOOTFALL_FLOOD_LIMIT", "10",
     "Most pageviews counted per visitor and page within flood_window_seconds."),
    ("flood_window_seconds", "FOOTFALL_FLOOD_WINDOW_SECONDS", "60",
     "Length of the sliding window of the flood rule, in seconds."),
)

CONFIG_FILE_VARIABLE = "FOOTFALL_CONFIG"
DEFAULT_CONFIG_FILE = "~/footfall/footfall.ini"

_INTEGER_SETTINGS = {"retention_days", "max_body_bytes", "max_page_length", "flood_limit",
                     "flood_window_seconds"}


class ConfigError(Exception):
    """A setting has a value footfall cannot use."""


class Config:
    """The loaded settings, one attribute per row of SETTINGS."""

    def __init__(self, **values):
        for name, _variable, default, _help in SETTINGS:
            setattr(self, name, values.pop(name, default))
        if values:
            raise ConfigError(f"unknown setting: {', '.join(sorted(values))}")
        self._check()

    def _check(self):
        self.db = os.path.expanduser(str(self.db))
        for name in _INTEGER_SETTINGS:
            value = getattr(self, name)
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
            if number < 1:
                raise ConfigError(f"{name} must be at least 1, not {number}")
            setattr(self, name, number)
        if isinstance(self.sites, str):
            self.sites = tuple(s.strip().lower().strip(".") for s in self.sites.split(",")
                               if s.strip())
        self.read_key = str(self.read_key)
        if self.read_key:
            check_read_key(self.read_key)
        self.timezone = str(self.timezone).strip()
        if self.timezone:
            # Imported here: zoneinfo costs start-up time that a zone-less install never pays.
            import zoneinfo
            try:
                self.zone = zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"timezone is not a known IANA zone: {self.timezone!r}") from None
        else:
            self.zone = None


def check_read_key(key):
    """A read key travels in an HTTP header: printable ASCII only, or browsers and servers
    would send (or mangle) bytes that never match."""
    if key != key.strip() or not all(" " <= c <= "~" for c in key):
        raise ConfigError("read_key must be printable ASCII (letters, digits, punctuation; "
                          "no spaces at either end, no accented letters or control characters)")


def config_file_path(environ=None):
    """Where the config file is (whether or not it exists)."""
    environ = os.environ if environ is None else environ
    path = environ.get(CONFIG_FILE_VARIABLE) or DEFAULT_CONFIG_FILE
    if path.startswith("~/") and environ.get("HOME"):
        return os.path.join(environ["HOME"], path[2:])
    return os.path.expanduser(path)


def load_config(environ=None, use_file=True, **overrides):
    """Build a Config from overrides, the environment, the config file and the defaults."""
    environ = os.environ if environ is None else environ
    values = {}
    if use_file:
        path = config_file_path(environ)
        if os.path.exists(path):
            values.update(read_config_file(path))
        elif environ.get(CONFIG_FILE_VARIABLE):
            raise ConfigError(f"config file {path} does not exist")
    for name, variable, _default, _help in SETTINGS:
        if variable in environ:
            values[name] = environ[variable]
    values.update({name: value for name, value in overrides.items() if value is not None})
    return Config(**values)


def read_config_file(path):
    """The [footfall] settings of an INI file, as {name: text}."""
    import configparser  # only paid for by installs that have a config file

    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    if not parser.has_section("footfall"):
        raise ConfigError(f"config file {path} has no [footfall] section")
    known = {row[0] for row in SETTINGS}
    values = dict(parser.items("footfall"))
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"config file {path} has unknown settings: {', '.join(unknown)}")
    return values
