"""The dimensions: one table of what a GET can filter by and list (pages, referrers, browsers,
countries, events...), from which the rest derives: the filter parameters (query.py), the lists
of the answer (insights.py) and of the CSV (exports.py), the columns of the views and event_hits
tables and the one column whitelist (storage/), the day summary (summary.py), the traits a hit
carries (traits.py), and the dashboard's table of lists, static/dashboard/dimensions.js, which
scripts/build_dimensions.py writes from this one (a test checks it is current).

On the hit path (storage/record.py builds a view's columns from it): no import, nothing but
the table and the names derived from it. docs/architecture.md says how to add a dimension.
"""


class Dimension:
    """One row of the table.

    name: the filter parameter (?browser=Firefox), the key of a list's entries, the dimension of
      the day summary's rows and, unless an event, the column of views and event_hits.
    kind: where a hit's value comes from: "page" (its page), "referral" (counting.referral:
      another site or a campaign's source), "trait" (traits.describe() names it) or "event"
      (an event's name: its own row of event_hits, no column).
    list: the list's name in the GET's answer and in ?format=csv&list=.
    per_visitor: a trait of the visitor rather than of one view (its browser, not its campaign):
      the day summary adds a visit's sums under it once.
    numbers: the numbers of each entry of its list, in the order of its CSV and dashboard columns.
    named: its entries also carry `name`, the value in words (a country's, places.country_name).
    upper: a filter value is upper-cased (country codes).
    The dashboard's: label (the filter chip's name), title (the section's heading), heading (the
    first column's), none (what the section says without rows), box (the section's ids:
    <box>-box ...; default the list's name), place (the section's order on the page) and note
    (a hint under the table).
    """

    __slots__ = ("name", "kind", "list", "per_visitor", "numbers", "named", "upper", "label",
                 "title", "heading", "none", "box", "place", "note")

    def __init__(self, name, kind, list, label, title, heading, none, place, per_visitor=False,
                 numbers=("visitors", "pageviews"), named=False, upper=False, box="", note=False):
        self.name, self.kind, self.list, self.per_visitor = name, kind, list, per_visitor
        self.numbers, self.named, self.upper = numbers, named, upper
        self.label, self.title, self.heading, self.none = label, title, heading, none
        self.box, self.place, self.note = box or list, place, note

    @property
    def csv_columns(self):
        """The columns of its ?format=csv&list=: the value, its name in words, the numbers."""
        return (self.name,) + (("name",) if self.named else ()) + self.numbers


# In the order of the views table's columns, the day summary's values and the API's lists.
DIMENSIONS = (
    Dimension("page", "page", "pages", "Page", "Top pages", "Page",
              "No pages in this range.", place=10,
              numbers=("visitors", "pageviews", "entries", "bounces", "seconds")),
    Dimension("ref", "referral", "referrers", "Referrer", "Referrers and sources",
              "Referrer or source", "No visits came from other sites in this range.", place=30,
              box="refs"),
    Dimension("browser", "trait", "browsers", "Browser", "Browsers", "Browser",
              "No browsers in this range.", place=60, per_visitor=True),
    Dimension("os", "trait", "systems", "System", "Systems", "System",
              "No systems in this range.", place=70, per_visitor=True),
    Dimension("device", "trait", "devices", "Device", "Devices", "Device",
              "No devices in this range.", place=80, per_visitor=True),
    Dimension("country", "trait", "countries", "Country", "Countries", "Country",
              "No countries in this range.", place=50, per_visitor=True, named=True, upper=True),
    Dimension("language", "trait", "languages", "Language", "Languages", "Language",
              "No languages in this range.", place=90, per_visitor=True, note=True),
    Dimension("campaign", "trait", "campaigns", "Campaign", "Campaigns", "Campaign",
              "No visits came from a campaign link (utm_campaign) in this range.", place=40),
    Dimension("event", "event", "events", "Event", "Events and goals", "Event",
              "No events in this range.", place=20, numbers=("visitors", "count", "conversion")),
)

BY_NAME = {dimension.name: dimension for dimension in DIMENSIONS}
# The filter parameters a GET reads, in this order ("one filter at a time, not ... and ...").
FILTERS = tuple(dimension.name for dimension in DIMENSIONS)
# The dimensions of views (and event_hits) columns: the day summary's, in its values' order.
VIEW_COLUMNS = tuple(d.name for d in DIMENSIONS if d.kind != "event")
# The traits of a hit (traits.describe()) that are columns, in the columns' order.
TRAITS = tuple(d.name for d in DIMENSIONS if d.kind == "trait")
PER_VISITOR = tuple(d.name for d in DIMENSIONS if d.per_visitor)
# Not a dimension but listed beside them: the hour of the day, a column of views and event_hits
# (a day's hours chart, an event's hours).
HOUR = "hour"
# The visitor traits a rare mix of a day's records gives up one at a time, the least asked for
# first (records.fold): what is left answers two filters while it is shared by K visits.
GIVE_UP = ("language", "os", "device", "browser", "country")
