"""Browser, operating system and device from a User-Agent and a screen width, checked case by case
and against 10,000 real browser User-Agents (the npm package user-agents, tests/corpora)."""

import json
import os

import pytest
from footfall import agents
from footfall_testing import ROOT

CORPUS = os.path.join(ROOT, "tests", "corpora", "node_modules", "user-agents", "dist", "user-agents.json")

CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/146.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                 "Gecko) Version/26.6.1 Mobile/15E148 Safari/604.1")

AGENTS = [
    # (id, User-Agent, browser, os, device without w)
    ("chrome-windows", CHROME_WINDOWS, "Chrome", "Windows", "desktop"),
    ("safari-iphone", SAFARI_IPHONE, "Safari", "iOS", "phone"),
    ("safari-mac",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.6 Safari/605.1.15", "Safari", "macOS", "desktop"),
    ("safari-ipad",
     "Mozilla/5.0 (iPad; CPU OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/26.5.2 Mobile/15E148 Safari/604.1", "Safari", "iOS", "tablet"),
    ("chrome-iphone",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "CriOS/154.0.8037.55 Mobile/15E148 Safari/604.1", "Chrome", "iOS", "phone"),
    ("chrome-android-phone",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 "
     "Mobile Safari/537.36", "Chrome", "Android", "phone"),
    ("chrome-android-tablet",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.0.0 "
     "Safari/537.36", "Chrome", "Android", "tablet"),
    ("firefox-linux", "Mozilla/5.0 (X11; Linux x86_64; rv:156.0) Gecko/20100101 Firefox/156.0",
     "Firefox", "Linux", "desktop"),
    ("firefox-ubuntu", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
     "Firefox", "Linux", "desktop"),
    ("firefox-android-phone", "Mozilla/5.0 (Android 16; Mobile; rv:156.0) Gecko/156.0 Firefox/156.0",
     "Firefox", "Android", "phone"),
    ("firefox-android-tablet", "Mozilla/5.0 (Android 14; Tablet; rv:156.0) Gecko/156.0 Firefox/156.0",
     "Firefox", "Android", "tablet"),
    ("firefox-iphone",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "FxiOS/145.0 Mobile/15E148 Safari/605.1.15", "Firefox", "iOS", "phone"),
    ("edge-windows", CHROME_WINDOWS + " Edg/146.0.3240.76", "Edge", "Windows", "desktop"),
    ("edge-android",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 "
     "Mobile Safari/537.36 EdgA/146.0.3240.76", "Edge", "Android", "phone"),
    ("opera-windows", CHROME_WINDOWS + " OPR/121.0.0.0", "Opera", "Windows", "desktop"),
    ("samsung-internet",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/30.0 "
     "Chrome/143.0.0.0 Mobile Safari/537.36", "Samsung Internet", "Android", "phone"),
    ("yandex",
     CHROME_WINDOWS.replace("Safari/537.36", "YaBrowser/25.8.0.0 Safari/537.36"), "Yandex Browser",
     "Windows", "desktop"),
    ("chromeos",
     "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/152.0.0.0 "
     "Safari/537.36", "Chrome", "ChromeOS", "desktop"),
    ("google-app-iphone",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "GSA/390.0.797798888 Mobile/15E148 Safari/604.1", "Google app", "iOS", "phone"),
    ("duckduckgo-mac",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.6 Safari/605.1.15 Ddg/18.6", "DuckDuckGo", "macOS", "desktop"),
    ("ie11-windows7", "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
     "Internet Explorer", "Windows", "desktop"),
    ("ie-tablet-pc-is-a-laptop",
     "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; Tablet PC 2.0)",
     "Internet Explorer", "Windows", "desktop"),
    ("windows-phone-claims-android",
     "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063", "Edge", "Other", "phone"),
    ("ios-app-web-view",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Mobile/15E148", "Other", "iOS", "phone"),
    ("kindle-silk",
     "Mozilla/5.0 (Linux; Android 11; KFTUWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/138.3.1 "
     "like Chrome/138.0.7204.180 Safari/537.36", "Chrome", "Android", "tablet"),
    ("firefox-freebsd", "Mozilla/5.0 (X11; FreeBSD amd64; rv:140.0) Gecko/20100101 Firefox/140.0",
     "Firefox", "Other", "desktop"),
    ("empty", "", "Other", "Other", "desktop"),
    ("garbage", "\x00\xff not a browser", "Other", "Other", "desktop"),
]


@pytest.mark.parametrize("agent, browser", [(a[1], a[2]) for a in AGENTS], ids=[a[0] for a in AGENTS])
def test_browser_family_is_read_from_the_user_agent(agent, browser):
    assert agents.browser_of(agent) == browser


@pytest.mark.parametrize("agent, system", [(a[1], a[3]) for a in AGENTS], ids=[a[0] for a in AGENTS])
def test_os_family_is_read_from_the_user_agent(agent, system):
    assert agents.os_of(agent) == system


@pytest.mark.parametrize("agent, device", [(a[1], a[4]) for a in AGENTS], ids=[a[0] for a in AGENTS])
def test_device_without_a_width_is_read_from_the_user_agent(agent, device):
    assert agents.device_of(agent) == device


@pytest.mark.parametrize("width, device", [
    ("1", "phone"), ("390", "phone"), ("599", "phone"), ("600", "tablet"), ("820", "tablet"),
    ("1023", "tablet"), ("1024", "desktop"), ("2560", "desktop"), ("100000", "desktop"),
    (390, "phone"), (1920, "desktop"), (" 390 ", "phone"),
], ids=["1px", "iphone-390", "599", "600", "ipad-820", "1023", "1024", "2560", "100000",
        "int-390", "int-1920", "padded"])
def test_device_comes_from_the_screen_width_when_there_is_one(width, device):
    # A desktop User-Agent, so each answer below came from the width.
    assert agents.device_of(CHROME_WINDOWS, width) == device


@pytest.mark.parametrize("width", [
    "", "0", "-390", "390.5", "3e2", "0x100", "abc", "²", "١٢٣", "100001", "9999999999", 0, -1, True,
    None, 3.5,
], ids=["empty", "zero", "negative", "fraction", "exponent", "hex", "letters", "superscript-two",
        "arabic-digits", "over-100000", "huge", "int-zero", "int-negative", "bool", "none", "float"])
def test_device_ignores_a_width_that_is_not_a_pixel_count(width):
    assert agents.device_of(SAFARI_IPHONE, width) == "phone"
    assert agents.device_of(CHROME_WINDOWS, width) == "desktop"


def test_every_family_answered_is_a_listed_one():
    for _, agent, *_ in AGENTS:
        assert agents.browser_of(agent) in agents.BROWSERS
        assert agents.os_of(agent) in agents.SYSTEMS
        assert agents.device_of(agent) in agents.DEVICES


# ---------------------------------------------------------------------------------------------
# Agreement with the user-agents corpus
# ---------------------------------------------------------------------------------------------

CATEGORY_DEVICE = {"mobile": "phone", "tablet": "tablet", "desktop": "desktop"}

# navigator.platform -> the OS families it allows. Chrome on ChromeOS says "Linux x86_64".
PLATFORM_SYSTEMS = {
    "iPhone": ("iOS",), "iPad": ("iOS",), "MacIntel": ("macOS",), "Win32": ("Windows",),
    "Linux x86_64": ("Linux", "ChromeOS"), "Linux armv81": ("Android",), "Linux armv8l": ("Android",),
    "Linux aarch64": ("Android",),
}


def expected_vendor(browser, system):
    """navigator.vendor a browser of this family on this OS reports: every browser on iOS is WebKit
    ('Apple Computer, Inc.'), so are Safari and DuckDuckGo's Mac browser; Firefox reports ''; the
    other families are built on Chromium ('Google Inc.')."""
    if system == "iOS" or browser == "Safari" or (browser == "DuckDuckGo" and system == "macOS"):
        return "Apple Computer, Inc."
    if browser == "Firefox":
        return ""
    return "Google Inc."


def consistent(row):
    """False for rows whose own fields disagree: a phone or tablet (by the corpus' deviceCategory)
    whose navigator.platform is a desktop's, i.e. a desktop browser presenting a phone's
    User-Agent (device emulation in developer tools, or spoofing)."""
    return not (row["deviceCategory"] != "desktop" and row["platform"] in ("Linux x86_64", "Win32"))


def measure_agreement():
    """Per field, the percentage of corpus rows where footfall's answer is the expected one."""
    with open(CORPUS, encoding="utf-8") as f:
        rows = json.load(f)
    kept = [row for row in rows if consistent(row)]

    def percent(matches, among):
        return round(100 * sum(1 for row in among if matches(row)) / len(among), 2)

    def device_ua(row):
        return agents.device_of(row["userAgent"]) == CATEGORY_DEVICE[row["deviceCategory"]]

    def device_w(row):
        return (agents.device_of(row["userAgent"], str(row["screenWidth"]))
                == CATEGORY_DEVICE[row["deviceCategory"]])

    def browser(row):
        agent = row["userAgent"]
        return expected_vendor(agents.browser_of(agent), agents.os_of(agent)) == row["vendor"]

    def system(row):
        return agents.os_of(row["userAgent"]) in PLATFORM_SYSTEMS[row["platform"]]

    return {
        "rows": len(rows), "consistent rows": len(kept),
        "device from user-agent": percent(device_ua, rows),
        "device from w": percent(device_w, rows),
        "browser (vendor)": percent(browser, rows),
        "browser (vendor), consistent rows": percent(browser, kept),
        "os (platform)": percent(system, rows),
        "os (platform), consistent rows": percent(system, kept),
    }


@pytest.fixture(scope="module")
def agreement():
    return measure_agreement()


def test_device_class_agrees_with_the_corpus_at_least_98_percent(agreement):
    assert agreement["rows"] == 10_000
    assert agreement["device from user-agent"] >= 98
    assert agreement["device from w"] >= 98


def test_browser_and_os_agree_with_the_corpus_where_its_fields_agree(agreement):
    assert agreement["consistent rows"] >= 8000
    assert agreement["browser (vendor), consistent rows"] >= 99
    assert agreement["os (platform), consistent rows"] >= 99


def test_insights_doc_gives_the_measured_agreement(agreement):
    with open(os.path.join(ROOT, "docs", "insights.md"), encoding="utf-8") as f:
        doc = f.read()
    for field, value in agreement.items():
        figure = f"{value:,}" if field in ("rows", "consistent rows") else f"{value:.2f}%"
        assert f"| {field} | {figure} |" in doc, field
