"""Campaigns and sources named in a page's address: ?utm_campaign=spring&utm_source=newsletter.

footfall.js sends the page's query string as `q`; a snippet that sends location.pathname +
location.search as the page, a pixel's page= and an access log's request line carry it in the
page's address instead. The server reads these two names from it and drops the rest, which may
hold personal data. Decoding is forms.parse_form's: strict percent-encoding and
UTF-8. A query that is not valid form data, or a value with control characters, names nothing;
the hit itself still counts.
"""

from footfall import forms

# Characters kept of a campaign or source name; a longer value is cut to this length.
MAX_NAME_LENGTH = 100

# A query string longer than this is not read at all.
MAX_QUERY_LENGTH = 4096

# Query parameters naming the source, in order of preference: utm_source is the convention of
# Google Analytics; ref and source are what many newsletters and link shorteners add.
SOURCE_PARAMETERS = ("utm_source", "ref", "source")


def campaign_of_hit(page, query=""):
    """(campaign, source) of a hit: named by the query string footfall.js sends (`q`), else by
    the query of the page's own address ('/landing?utm_campaign=spring')."""
    return campaign_of(query or query_of(page))


def query_of(address):
    """The query string of a page's address, '' when it has none: '/a?x=1#y' gives 'x=1'."""
    return address.split("#", 1)[0].partition("?")[2]


def campaign_of(query):
    """(campaign, source) named by a page's query string ('?' optional); '' for each one missing."""
    if not query or len(query) > MAX_QUERY_LENGTH:
        return "", ""
    try:
        fields = forms.parse_form(query[1:].encode("utf-8") if query.startswith("?")
                                  else query.encode("utf-8"))
    except (forms.FormError, UnicodeEncodeError):  # UnicodeEncodeError: a lone surrogate
        return "", ""
    campaign = _name(fields.get("utm_campaign", ""))
    for parameter in SOURCE_PARAMETERS:
        source = _name(fields.get(parameter, ""))
        if source:
            return campaign, source
    return campaign, ""


def _name(value):
    """A value cleaned into a name: surrounding space stripped, cut to MAX_NAME_LENGTH; '' if it
    holds a control character (C0, DEL or C1), which has no place in a table on the dashboard."""
    # Checked before strip(), which would quietly remove a trailing tab or U+0085.
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        return ""
    return value.strip()[:MAX_NAME_LENGTH].rstrip()
