"""What a hit tells about its visitor and how they came, read by the parsers beside this module:
browser, system and device (agents), country (places, from the browser's time zone), language,
and the campaign and source named in the page's query string (campaigns).

A live hit, a seeded one and an imported log line all go through describe(), so each trait has
one meaning. The values are labels shared by many visitors, never an identifier.
"""

from . import agents, campaigns, dimensions, languages, places

# The traits a hit carries: those the views table has columns for (dimensions.TRAITS), in their
# order, and the campaign's source, which the referrers list counts (counting.referral).
NAMES = dimensions.TRAITS + ("source",)


def describe(user_agent, width="", tz="", accept_language="", query="", cf_ipcountry="", page=""):
    """{trait: value} of one hit; '' where a trait is unknown. query is footfall.js's `q`; without
    one, the campaign is read from the page field's own query."""
    campaign, source = campaigns.campaign_of_hit(page, query)
    return {
        "browser": agents.browser_of(user_agent),
        "os": agents.os_of(user_agent),
        "device": agents.device_of(user_agent, width),
        "country": places.country_of(tz, cf_ipcountry) if (tz or cf_ipcountry) else "",
        "language": languages.language_of(accept_language),
        "campaign": campaign,
        "source": source,
    }


def of_request(request):
    """describe() of a hit's Request (request.py): its headers, and the fields footfall.js sends."""
    fields = request.fields
    return describe(request.agent, fields.get("w", ""), fields.get("tz", ""), request.language,
                    fields.get("q", ""), request.country, fields["page"])
