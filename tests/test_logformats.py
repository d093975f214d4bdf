"""Reading access log lines: the named formats, Apache LogFormat strings, Caddy's JSON, times."""

import json

import pytest
from footfall import logformats

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.mark.parametrize("log_format, line, expected", [
    pytest.param(
        "combined",
        f'203.0.113.9 - - [10/Oct/2026:13:55:36 -0700] "GET /a?b=1 HTTP/1.1" 200 2326 '
        f'"https://example.org/x" "{UA}"',
        ("203.0.113.9", 1791665736, "GET", "/a?b=1", 200, "https://example.org/x", UA, "", "", ""),
        id="combined"),
    pytest.param(
        "combined",
        '203.0.113.9 - frank [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 304 - "-" '
        '"Mozilla/5.0 \\"quoted\\" agent"',
        ("203.0.113.9", 1791640536, "GET", "/", 304, "", 'Mozilla/5.0 "quoted" agent', "", "", ""),
        id="combined-escaped-quote-and-dashes"),
    pytest.param(
        "common",
        '2001:db8::1 - - [01/Jan/2026:00:00:00 +0100] "POST /form HTTP/1.0" 303 0',
        ("2001:db8::1", 1767222000, "POST", "/form", 303, "", "", "", "", ""),
        id="common"),
    pytest.param(
        "vhost_combined",
        f'www.Example.com:443 203.0.113.9 - - [01/Jan/2026:00:00:00 +0000] "GET /p HTTP/2.0" 200 '
        f'10 "-" "{UA}"',
        ("203.0.113.9", 1767225600, "GET", "/p", 200, "", UA, "www.Example.com", "", ""),
        id="vhost_combined"),
    pytest.param(
        '%a %t %D "%r" %>s "%{User-Agent}i" "%{Accept-Language}i" "%{Sec-Purpose}i" %{Host}i',
        f'203.0.113.9 [01/Jan/2026:00:00:00 +0000] 1234 "GET /p HTTP/1.1" 200 "{UA}" '
        '"de-CH,de;q=0.9" "prefetch;prerender" blog.example.com',
        ("203.0.113.9", 1767225600, "GET", "/p", 200, "", UA, "blog.example.com", "de-CH,de;q=0.9",
         "prefetch;prerender"),
        id="logformat-tokens"),
    pytest.param(
        "caddy",
        json.dumps({"level": "info", "ts": 1767225600.25, "logger": "http.log.access",
                    "msg": "handled request", "status": 404,
                    "request": {"remote_ip": "203.0.113.9", "client_ip": "203.0.113.9",
                                "method": "GET", "host": "example.com", "uri": "/gone?x=1",
                                "headers": {"User-Agent": [UA], "Referer": ["https://a.example/"],
                                            "Accept-Language": ["fr"]}}}),
        ("203.0.113.9", 1767225600.25, "GET", "/gone?x=1", 404, "https://a.example/", UA,
         "example.com", "fr", ""),
        id="caddy-json"),
    pytest.param(
        "caddy",
        json.dumps({"ts": "2026-01-01T00:00:00Z", "status": 200,
                    "request": {"remote_ip": "203.0.113.9", "method": "GET", "host": "example.com",
                                "uri": "/", "headers": {}}}),
        ("203.0.113.9", 1767225600.0, "GET", "/", 200, "", "", "example.com", "", ""),
        id="caddy-json-time-as-text"),
    pytest.param(
        "caddy",
        json.dumps({"ts": 1767225600, "status": 200,
                    "request": {"remote_ip": "203.0.113.9", "method": "GET", "host": "example.com",
                                "uri": "/", "headers": {"Sec-Purpose": ["pre"],
                                                        "Purpose": ["fetch"]}}}),
        ("203.0.113.9", 1767225600, "GET", "/", 200, "", "", "example.com", "", "pre,fetch"),
        id="caddy-json-purpose-headers-apart"),
])
def test_a_line_is_read_into_its_fields(log_format, line, expected):
    assert logformats.compile_format(log_format)(line + "\n") == expected


@pytest.mark.parametrize("log_format, line", [
    ("combined", '203.0.113.9 - - [10/Oct/2026:13:55:36 -0700] "\\x16\\x03\\x01" 400 226 "-" "-"'),
    ("combined", '203.0.113.9 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1'),
    ("combined", '203.0.113.9 - - [99/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-"'),
    ("combined", '203.0.113.9 - - [10/Foo/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-"'),
    ("common", '203.0.113.9 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "ua"'),
    ("caddy", '{"ts": 1, "request": {}}'),
    ("caddy", "not json"),
], ids=["tls-handshake", "combined-missing-fields", "day-99", "month-foo", "combined-as-common",
        "caddy-no-method", "caddy-not-json"])
def test_a_line_that_does_not_fit_is_none(log_format, line):
    assert logformats.compile_format(log_format)(line + "\n") is None


@pytest.mark.parametrize("log_format, message", [
    ("%h %t %Z", "%Z is not an Apache LogFormat directive"),
    ('%h %{%d/%b/%Y}t "%r"', "only the default time format %t can be read"),
    ('%h "%r" %>s', "the format has no %t"),
    ("%h %t %>s", "the format has no %r"),
], ids=["unknown-directive", "custom-time", "no-time", "no-request"])
def test_a_format_footfall_cannot_read_is_refused_with_the_reason(log_format, message):
    with pytest.raises(logformats.LogFormatError, match=message):
        logformats.compile_format(log_format)


@pytest.mark.parametrize("target, asset", [
    ("/static/site.css", True), ("/static/site.css?v=3", True), ("/IMG/Photo.JPG", True),
    ("/", False), ("/blog/post", False), ("/v1.2/docs", False), ("/archive.html", False),
    ("/report.pdf", True), ("/robots.txt", True),
], ids=lambda value: str(value))
def test_static_files_are_known_by_their_extension(target, asset):
    assert logformats.is_asset(logformats.path_of(target)) is asset


def test_times_of_the_same_hour_share_one_calendar_sum_and_stay_exact():
    times = [logformats.apache_time(f"31/Dec/2025:23:{minute:02d}:59 +0130")
             for minute in (0, 59)]
    assert times == [1767216659, 1767220199]  # 21:30:59 and 22:29:59 UTC


def test_the_hit_path_never_imports_the_log_reader():
    import subprocess
    import sys

    from footfall_testing import CGI_BIN

    program = ("import sys\nimport footfall.app\n"
               "print(sorted(m for m in ('footfall.logformats', 'footfall.storage.imports', "
               "'footfall.storage.bulk') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", program], cwd=CGI_BIN, capture_output=True,
                            text=True, check=True)
    assert result.stdout == "[]\n"
