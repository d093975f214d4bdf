"""What a visitor reads with: browser family, operating system family and device class.

Read from the User-Agent header and, for the device, the screen width footfall.js sends (`w`).
Plain substring tests in a fixed order, no regular expressions: this runs on every hit of a CGI
process, where importing `re` alone costs more than all of these tests together. The rules are
checked against 10,000 real browser User-Agents in tests/test_agents.py; docs/insights.md gives
them in words with the measured agreement.
"""

OTHER = "Other"

# ---------------------------------------------------------------------------------------------
# Browsers
# ---------------------------------------------------------------------------------------------

# (family, tokens): the first family with a token in the User-Agent wins. Order matters: browsers
# built on Chromium also send "Chrome/" and "Safari/", and every browser on iOS sends "Safari/",
# so the browsers that add their own token come before the engines they are built on. Tokens
# end in "/" or a space where a bare word would also match a device or OS name.
BROWSER_TOKENS = (
    ("Edge", ("Edg/", "EdgA/", "EdgiOS/", "Edge/")),
    ("Opera", ("OPR/", "OPT/", "OPiOS/", "Opera")),
    ("Samsung Internet", ("SamsungBrowser/",)),
    ("Yandex Browser", ("YaBrowser/",)),
    ("UC Browser", ("UCBrowser/",)),
    ("Vivaldi", ("Vivaldi/",)),
    ("DuckDuckGo", ("Ddg/", "DuckDuckGo/")),
    ("Brave", ("Brave",)),
    ("Facebook", ("FBAN/", "FBAV/", "FB_IAB/")),
    ("Instagram", ("Instagram ",)),
    ("Google app", ("GSA/",)),
    ("Firefox", ("Firefox/", "FxiOS/")),
    ("Internet Explorer", ("MSIE ", "Trident/")),
    ("Chrome", ("CriOS/", "Chrome/", "Chromium/")),
)

BROWSERS = tuple(family for family, _ in BROWSER_TOKENS) + ("Safari", OTHER)


def browser_of(user_agent):
    """The browser family of a User-Agent, one of BROWSERS."""
    for family, tokens in BROWSER_TOKENS:
        for token in tokens:
            if token in user_agent:
                return family
    # Safari's own User-Agent is what is left: WebKit with "Version/x Safari/" (or, on iOS,
    # "Version/x Mobile/... Safari/"); an app's web view on iOS lacks "Version/" and stays Other.
    if "Safari/" in user_agent and "Version/" in user_agent:
        return "Safari"
    return OTHER


# ---------------------------------------------------------------------------------------------
# Operating systems
# ---------------------------------------------------------------------------------------------

# (family, tokens), first match wins. iOS before macOS (an iPhone says "like Mac OS X"), Android
# and ChromeOS before Linux (both also say "Linux"), Windows Phone before Android (it claims
# Android too) and before Windows.
OS_TOKENS = (
    (OTHER, ("Windows Phone",)),
    ("iOS", ("iPhone", "iPad", "iPod")),
    ("Android", ("Android",)),
    ("ChromeOS", ("CrOS ",)),
    ("Windows", ("Windows",)),
    ("macOS", ("Macintosh", "Mac OS X")),
    ("Linux", ("Linux",)),
)

SYSTEMS = ("iOS", "Android", "ChromeOS", "Windows", "macOS", "Linux", OTHER)


def os_of(user_agent):
    """The operating system family of a User-Agent, one of SYSTEMS."""
    for family, tokens in OS_TOKENS:
        for token in tokens:
            if token in user_agent:
                return family
    return OTHER


# ---------------------------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------------------------

DEVICES = ("phone", "tablet", "desktop")

# Screen widths in CSS pixels (screen.width, the narrow side in portrait): phones are below 600,
# tablets below 1024. An iPad asking for desktop sites says "Macintosh", so only `w` tells it.
PHONE_BELOW = 600
TABLET_BELOW = 1024

# Widest screen anyone reports; a larger `w` is a broken or forged field, not a screen.
MAX_WIDTH = 100_000

TABLET_TOKENS = ("iPad", "Tablet;", "Kindle", "Silk/", "PlayBook")
PHONE_TOKENS = ("Mobi", "iPhone", "iPod", "Windows Phone", "Opera Mini", "BlackBerry")


def device_of(user_agent, width=""):
    """'phone', 'tablet' or 'desktop': from the screen width `w` when it is a usable number of
    CSS pixels (a str or an int), else from the User-Agent."""
    pixels = _pixels(width)
    if pixels:
        if pixels < PHONE_BELOW:
            return "phone"
        if pixels < TABLET_BELOW:
            return "tablet"
        return "desktop"
    return _device_from_agent(user_agent)


def _pixels(width):
    """A width as a positive int, or 0 when it is missing or not a plain number of pixels."""
    if isinstance(width, int) and not isinstance(width, bool):
        return width if 0 < width <= MAX_WIDTH else 0
    if not isinstance(width, str):
        return 0
    width = width.strip()
    # isdigit() alone accepts '²' and other digits int() refuses; isascii() keeps to 0-9.
    if not (width.isascii() and width.isdigit() and len(width) <= 6):
        return 0
    pixels = int(width)
    return pixels if 0 < pixels <= MAX_WIDTH else 0


def _device_from_agent(user_agent):
    for token in TABLET_TOKENS:
        if token in user_agent:
            return "tablet"
    for token in PHONE_TOKENS:
        if token in user_agent:
            return "phone"
    # Android's own rule: a phone's browser says "Mobile", a tablet's does not.
    if "Android" in user_agent:
        return "tablet"
    return "desktop"
