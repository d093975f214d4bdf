"""The one way a name gets into footfall's SQL other than as written: a filter's column, checked
against one fixed list. Every value is a parameter; the few queries that must name a column a
request chose (the GET's filter) take it from column(), never from the request's text.
"""

from .. import dimensions

# The columns a filter can name: the dimensions of views and of event_hits, and an event's hour.
FILTER_COLUMNS = frozenset(dimensions.VIEW_COLUMNS + (dimensions.HOUR,))


def column(name):
    """name as a query may interpolate it: one of FILTER_COLUMNS, else ValueError."""
    if name not in FILTER_COLUMNS:
        raise ValueError(f"not a filter column: {name}")
    return name
