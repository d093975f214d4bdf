"""Counting rules that need no database: pages, referrers, sites, bots, visitors, days."""

import datetime
import zoneinfo

import pytest
from footfall import counting
from footfall.request import read_request
from footfall.storage.record import Rules


@pytest.mark.parametrize("raw, page", [
    ("/about", "/about"),
    ("/a?x=1#y", "/a"),
    ("/a#y?x=1", "/a"),
    ("https://example.com/blog/post?utm_source=x", "/blog/post"),
    ("http://example.com", "/"),
    ("//example.com/x", "/x"),
    ("about", "/about"),
    ("  /padded  ", "/padded"),
    ("/ünïcode/页面", "/ünïcode/页面"),
    ("/<img src=x onerror=alert(1)>", "/<img src=x onerror=alert(1)>"),
    ("/a?next=https://x.com/b", "/a"),
    ("/login?r=http://e", "/login"),
    ("/a#https://x.com/b", "/a"),
    ("https://example.com/a?next=https://x.com/b", "/a"),
    ("/a://b", "/a://b"),
], ids=["path", "query-and-fragment", "fragment-first", "full-url", "bare-origin",
        "protocol-relative", "no-leading-slash", "whitespace", "unicode", "html-kept-as-text",
        "url-in-query", "short-url-in-query", "url-in-fragment", "full-url-with-url-in-query",
        "colon-slashes-in-path"])
def test_page_is_reduced_to_its_path(raw, page):
    assert counting.normalize_page(raw, 1024) == page


@pytest.mark.parametrize("raw, message", [
    ("", "page is empty"),
    ("   ", "page is empty"),
    ("/" + "a" * 1024, "page is longer than 1024 characters"),
    ("/a\x00b", "page contains control characters"),
    ("/a\nb", "page contains control characters"),
], ids=["empty", "blank", "too-long", "nul", "newline"])
def test_unusable_page_is_refused_with_a_reason(raw, message):
    with pytest.raises(counting.InvalidInput, match=message):
        counting.normalize_page(raw, 1024)


def test_long_query_string_does_not_make_a_page_too_long():
    assert counting.normalize_page("/a?" + "x" * 5000, 1024) == "/a"


@pytest.mark.parametrize("raw, ref", [
    ("https://www.google.com/search?q=my+name", "https://www.google.com/search"),
    ("", ""),
    ("not a url", ""),
    ("javascript:alert(1)", ""),
    ("https://x.example/a\x00", ""),
    ("https://user:secret@x.example/a?q=1", "https://x.example/a"),
    ("https://user@x.example", "https://x.example"),
], ids=["query-dropped", "empty", "not-a-url", "javascript", "control-characters",
        "password-dropped", "user-dropped"])
def test_referrer_keeps_scheme_host_and_path_only(raw, ref):
    assert counting.normalize_ref(raw) == ref


@pytest.mark.parametrize("url, host", [
    ("https://News.Example.com/x", "news.example.com"),
    ("http://user:pw@example.com:8080/", "example.com"),
    ("https://[2001:db8::1]:443/", "[2001:db8::1]"),
    ("/relative", ""),
])
def test_host_of_url(url, host):
    assert counting.host_of(url) == host


@pytest.mark.parametrize("source, ref, site, referral", [
    ("newsletter", "https://news.example/a", "example.com", "newsletter"),
    ("", "https://News.Example/a", "example.com", "news.example"),
    ("", "https://example.com/other", "example.com", ""),
    ("", "https://www.example.com/other", "example.com", ""),
    ("newsletter", "https://example.com/other", "example.com", "newsletter"),
    ("", "", "example.com", ""),
], ids=["source-first", "another-site", "same-site", "same-site-www", "source-inside-the-site",
        "none"])
def test_referral_is_the_campaign_source_else_another_sites_host(source, ref, site, referral):
    assert counting.referral(source, ref, site) == referral


@pytest.mark.parametrize("raw, site", [
    ("Example.COM", "example.com"), ("example.com:8080", "example.com"),
    ("example.com.", "example.com"), ("localhost", "localhost"),
    ("www.example.com", "example.com"), ("WWW.Example.com:443", "example.com"),
    ("[::1]:8080", "[::1]"), ("[2001:db8::1]", "[2001:db8::1]"), ("www", "www"),
], ids=["case", "port", "trailing-dot", "localhost", "www", "www-case-port", "ipv6-port",
        "ipv6", "a-host-named-www"])
def test_site_is_a_lower_case_host_without_port(raw, site):
    assert counting.normalize_site(raw) == site


@pytest.mark.parametrize("raw", ["<script>", "a b", "x" * 254, "exa'mple.com"])
def test_site_that_is_not_a_host_name_is_refused(raw):
    with pytest.raises(counting.InvalidInput, match="site is not a host name"):
        counting.normalize_site(raw)


@pytest.mark.parametrize("site, allowed, expected", [
    ("example.com", (), True),
    ("example.com", ("example.com",), True),
    ("blog.example.com", ("example.com",), True),
    ("notexample.com", ("example.com",), False),
    ("example.com.evil.net", ("example.com",), False),
    ("", ("example.com",), False),
    ("www.example.com", ("example.com",), True),
], ids=["no-list", "listed", "subdomain", "suffix-is-not-subdomain", "prefix-trick",
        "empty-site-with-a-list", "www-of-a-listed-site"])
def test_site_allowed(site, allowed, expected):
    assert counting.site_allowed(site, allowed) is expected


@pytest.mark.parametrize("agent", [
    "",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0 Safari/537.36",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; bingbot/2.0)",
    "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Go-http-client/1.1",
    "Feedly/1.0 (like FeedFetcher-Google)",
    "Lynx/2.9.0dev.12 libwww-FM/2.14 SSL-MM/1.4.1 GNUTLS/3.7.9",
    "Mozilla/5.0 (compatible; ExampleArchiver/1.0)",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 "
    "(+https://example.net/why-we-visit)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36 www.example.com",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 "
    "Safari/537.36 DatadogSynthetics",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 "
    "Safari/537.36 GTmetrix",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36 Google-Site-Verification/1.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Playwright/1.49.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36; Selenium",
    "Mozilla/5.0 (X11; Linux x86_64) Nikto/2.5.0 (Evasions:None) (Test:Port Check)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 CookieScan/3.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/132.0.0.0 Safari/537.36; Example-User/1.0",
], ids=["empty", "googlebot", "headless-chrome", "facebook-preview", "slack-preview",
        "whatsapp-preview", "telegram", "bingbot", "spider", "curl", "python-requests",
        "http-library", "feed-reader", "text-browser-runs-no-javascript", "compatible-not-ie",
        "web-address", "domain-name", "synthetic-monitor", "speed-audit", "google-tool",
        "playwright", "selenium", "security-scanner", "cookie-scanner", "agent-for-a-user"])
def test_bots_and_link_previews_are_not_counted(agent):
    assert counting.skip_reason(agent) == "bot"


@pytest.mark.parametrize("environ", [
    {"HTTP_SEC_PURPOSE": "prefetch"},
    {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
    {"HTTP_PURPOSE": "prefetch"},
    {"HTTP_X_MOZ": "prefetch"},
], ids=["sec-purpose", "sec-purpose-prerender", "purpose", "x-moz"])
def test_prefetches_are_not_counted(environ):
    purpose = read_request(environ).purpose
    assert counting.skip_reason("Mozilla/5.0 Chrome/131.0", purpose) == "prefetch"


def test_purpose_headers_are_read_apart():
    environ = {"HTTP_SEC_PURPOSE": "pre", "HTTP_PURPOSE": "fetch"}
    purpose = read_request(environ).purpose
    assert counting.skip_reason("Mozilla/5.0 Chrome/131.0", purpose) is None


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36",
    "Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
    "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (compatible; Konqueror/4.5; Linux) KHTML/4.5.4 (like Gecko)",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/150.0.0.0 Mobile Safari/537.36 (Ecosia android@150.0.0.0)",
    "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/22B83 Instagram 356.0.0.41.89 (iPhone15,3; iOS 18_1; en_US; en; scale=3.00; "
    "1290x2796; 656011409)",
], ids=["chrome", "iphone-safari", "firefox", "chrome-32-bit-windows", "presto-opera",
        "internet-explorer-10", "internet-explorer-11", "konqueror", "ecosia-with-at-sign",
        "cubot-phone-is-not-a-robot", "instagram-in-app-browser"])
def test_browsers_are_counted(agent):
    assert counting.skip_reason(agent) is None


@pytest.mark.parametrize("day_count, recent_count, flood", [
    (0, 0, False), (299, 9, False), (299, 10, True), (300, 0, True),
], ids=["first", "under-both-limits", "ten-in-the-window", "three-hundred-in-the-day"])
def test_flood_is_ten_in_the_window_or_three_hundred_in_the_day(day_count, recent_count, flood):
    assert counting.is_flood(day_count, recent_count, Rules()) is flood


def test_visitor_is_the_same_within_a_salt_and_different_across_salts():
    salt_a, salt_b = b"a" * 32, b"b" * 32
    visitor = counting.visitor_id(salt_a, "192.0.2.1", "UA", "example.com")
    assert visitor == counting.visitor_id(salt_a, "192.0.2.1", "UA", "example.com")
    assert visitor != counting.visitor_id(salt_b, "192.0.2.1", "UA", "example.com")
    assert visitor != counting.visitor_id(salt_a, "192.0.2.2", "UA", "example.com")
    assert visitor != counting.visitor_id(salt_a, "192.0.2.1", "UA2", "example.com")
    assert visitor != counting.visitor_id(salt_a, "192.0.2.1", "UA", "example.org")
    assert b"192.0.2.1" not in visitor


def test_day_of_a_hit_follows_the_configured_time_zone():
    # 2026-11-28 23:30 UTC is already the 29th in Berlin and still the 28th in New York.
    ts = datetime.datetime(2026, 11, 28, 23, 30, tzinfo=datetime.timezone.utc).timestamp()
    assert counting.day_of(ts, zoneinfo.ZoneInfo("UTC")) == "2026-11-28"
    assert counting.day_of(ts, zoneinfo.ZoneInfo("Europe/Berlin")) == "2026-11-29"
    assert counting.day_of(ts, zoneinfo.ZoneInfo("America/New_York")) == "2026-11-28"


@pytest.mark.parametrize("day, ms", [
    (datetime.date(1970, 1, 1), 0),
    (datetime.date(2026, 11, 28), 1795824000000),  # Date.UTC(2026, 10, 28) in a browser
    (datetime.date(2024, 2, 29), 1709164800000),   # Date.UTC(2024, 1, 29)
])
def test_day_ms_is_javascript_date_utc_of_the_day(day, ms):
    assert counting.day_ms(day) == ms


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "26-11-28", "2026-11-28T00:00",
                                  "20261128", "yesterday"])
def test_malformed_day_names_the_parameter(text):
    with pytest.raises(counting.InvalidInput, match="from must be a date as YYYY-MM-DD"):
        counting.parse_day(text, "from")
