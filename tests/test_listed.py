"""What a filter's lists leave out (issue 22): under one filter on a trait, `totals.listed`
counts the visits its lists hold when the privacy fold of ended days (records.fold) left some
out, against a plain count of the hits posted; absent when none were. Both backends."""

import random

import pytest
from footfall import settings
from footfall.app import Application
from footfall_testing import NOON, Clock, call_app

pytestmark = pytest.mark.both_backends

DAY = 86400
K = 3
OTHER = "(other)"
TRAITS = ("browser", "os", "device", "country", "language")
GIVE_UP = ("language", "os", "device", "browser", "country")  # docs/privacy.md
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
# (User-Agent, w, tz, Accept-Language) of a visit and the traits footfall reads from them.
PROFILES = (
    ((FIREFOX, 1920, "Europe/Berlin", "de-DE"), ("Firefox", "Linux", "desktop", "DE", "de")),
    ((FIREFOX, 1920, "Europe/Paris", "fr-FR"), ("Firefox", "Linux", "desktop", "FR", "fr")),
    ((FIREFOX, 390, "Europe/Berlin", "en-US"), ("Firefox", "Linux", "phone", "DE", "en")),
    ((CHROME, 1920, "Europe/Berlin", "de-DE"), ("Chrome", "Windows", "desktop", "DE", "de")),
    ((CHROME, 1920, "Europe/Paris", ""), ("Chrome", "Windows", "desktop", "FR", "")),
    ((IPHONE, 390, "America/New_York", "en-US"), ("Safari", "iOS", "phone", "US", "en")),
)
# Days with visits: three of October (read as a whole month), two of November, today (28th).
DAYS_BACK = (58, 50, 33, 9, 2, 0)
FILTERS = [("browser", "Firefox"), ("os", "Linux"), ("device", "phone"), ("country", "FR"),
           ("language", "de"), ("browser", "Chrome")]


class Site:
    """footfall in-process on a pinned clock, and every visit posted to it: (day, traits)."""

    def __init__(self, db_path):
        self.clock = Clock(NOON - DAYS_BACK[0] * DAY)
        self.app = Application(settings.Config(db=db_path, timezone="UTC"), self.clock)
        self.visits = []

    def visit(self, number, profile, pages):
        (agent, width, zone, language), traits = PROFILES[profile]
        for page in pages:
            body = f"page={page}&site=example.com&w={width}&tz={zone}".encode()
            response = call_app(self.app, "POST", body=body, headers={"user_agent": agent},
                                environ={"REMOTE_ADDR": f"10.0.{profile}.{number}",
                                         "HTTP_ACCEPT_LANGUAGE": language})
            assert response.json()["counted"] is True
            self.clock.now += 30
        self.visits.append((_day_of(self.clock.now), dict(zip(TRAITS, traits))))

    def get(self, query):
        response = call_app(self.app, "GET", query=query)
        assert response.status == 200, response.body
        return response.json()


def _day_of(ts):
    import datetime

    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).date().isoformat()


@pytest.fixture
def site(db_path):
    """On each day: 1 to 5 visits of each profile, 1 to 3 pages each (a seeded choice), so
    some mixes are held by 3 visits of their day and some by fewer."""
    site = Site(db_path)
    rng = random.Random(22)
    for back in DAYS_BACK:
        site.clock.now = NOON - back * DAY - 10 * 3600
        number = 0
        for profile in range(len(PROFILES)):
            for _visit in range(rng.randint(1, 5)):
                number += 1
                site.visit(number, profile, rng.sample(["/", "/a", "/b"], rng.randint(1, 3)))
    site.clock.now = NOON
    return site


def fold_by_definition(mixes):
    """docs/privacy.md's fold of one day's visits {visit: {trait: value}}: a value held by
    fewer than K visits reads (other); then a visit whose mix is held by fewer than K gives up
    one trait at a time, in GIVE_UP's order, until K visits share the rest. '' stays ''."""
    kept = {}
    for visit, mix in mixes.items():
        kept[visit] = {name: OTHER if value and sum(
            other[name] == value for other in mixes.values()) < K else value
            for name, value in mix.items()}
    for name in GIVE_UP:
        rare = [visit for visit, mix in kept.items()
                if sum(other == mix for other in kept.values()) < K]
        for visit in rare:
            if kept[visit][name]:
                kept[visit] = dict(kept[visit], **{name: OTHER})
    return kept


def listed_by_definition(visits, first, last, today, name, value):
    """(visits under name=value from first to last, those of them the lists hold, those of
    these with no language): every visit of today, and those of an ended day that its fold
    kept the value of."""
    under = listed = without_language = 0
    for day in sorted({day for day, _traits in visits if first <= day <= last}):
        of_day = dict(enumerate(traits for d, traits in visits if d == day))
        kept = of_day if day == today else fold_by_definition(of_day)
        under += sum(traits[name] == value for traits in of_day.values())
        listed += sum(traits[name] == value for traits in kept.values())
        without_language += sum(traits[name] == value and not traits["language"]
                                for traits in kept.values())
    return under, listed, without_language


RANGES = [pytest.param("2026-10-01", "2026-11-28", id="whole-october-and-days"),
          pytest.param("2026-11-01", "2026-11-27", id="ended-days"),
          pytest.param("2026-10-01", "2026-10-31", id="whole-october"),
          pytest.param("2026-11-28", "2026-11-28", id="today-not-folded")]


@pytest.mark.parametrize("first, last", RANGES)
@pytest.mark.parametrize("name, value", FILTERS, ids=[f"{n}={v}" for n, v in FILTERS])
def test_listed_counts_the_visits_a_filters_lists_hold(site, first, last, name, value):
    under, listed, _ = listed_by_definition(site.visits, first, last, "2026-11-28", name,
                                            value)
    totals = site.get(f"from={first}&to={last}&{name}={value}")["totals"]
    assert totals["visitors"] == under
    assert totals.get("listed") == (listed if listed < under else None)


def test_the_site_has_filters_whose_lists_leave_visits_out(site):
    # The test above would hold of a site that folded nothing: this one does.
    left_out = {f"{name}={value}": under - listed for name, value in FILTERS
                for under, listed, _ in [listed_by_definition(
                    site.visits, "2026-10-01", "2026-11-28", "2026-11-28", name, value)]}
    assert left_out == {"browser=Firefox": 15, "os=Linux": 15, "device=phone": 6,
                        "country=FR": 8, "language=de": 7, "browser=Chrome": 4}


@pytest.mark.parametrize("first, last", RANGES)
@pytest.mark.parametrize("name, value", [("browser", "Chrome"), ("country", "FR")],
                         ids=["browser=Chrome", "country=FR"])
def test_without_language_counts_the_listed_visits_that_sent_none(site, first, last, name,
                                                                  value):
    want = listed_by_definition(site.visits, first, last, "2026-11-28", name, value)[2]
    totals = site.get(f"from={first}&to={last}&{name}={value}")["totals"]
    assert totals["without_language"] == want
