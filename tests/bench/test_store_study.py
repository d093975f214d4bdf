"""The store study's candidate stores (scripts/benchmark/store_study.py, docs/storage.md) must
answer what a plain count of the same hits answers: every number of the series, totals, each
list, hours and events, with no filter, under every single filter and under pairs of filters.
Built once from seed_db's generator at a small size; the study's measurements rest on this."""

import os
import sys

import pytest
from footfall_testing import SCRIPTS

sys.path.insert(0, os.path.join(SCRIPTS, "benchmark"))
import store_study  # noqa: E402

HITS, DAYS, PAGES = 4000, 75, 30


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The generated days, a range that cuts months at both ends, and each store's connection."""
    days = store_study.generate(HITS, days=DAYS, pages=PAGES)
    work = tmp_path_factory.mktemp("stores")
    stores = []
    for store in store_study.candidates():
        if getattr(store, "fold_below", 0):
            continue  # blobs+k folds rare traits on purpose: exact for the others only
        path = str(work / f"{store.name}.db")
        store.build(path, days)
        stores.append((store, store_study.connect(path)))
    return days, days[3].day, days[-2].day, stores


def single_filters():
    """Each dimension under a value it holds and one it never held."""
    days = store_study.generate(HITS, days=DAYS, pages=PAGES)
    cases = []
    for dim in store_study.DIMS:
        held = sorted({view[store_study._COL[dim]] for day in days for view in day.views} - {""})
        cases += [[(dim, held[0])], [(dim, held[-1])], [(dim, "never-seen")]]
    return cases


PAIRS = [
    [("page", "/pricing"), ("country", "DE")],
    [("browser", "Chrome"), ("device", "desktop")],
    [("ref", "www.google.com"), ("page", "/")],
    [("campaign", "spring-sale"), ("language", "en")],
    [("page", "/"), ("ref", "")],  # no referrer is no filter value: nothing matches
]


def check(built, filters):
    days, first, last, stores = built
    expected = store_study.finish(store_study.reference(days, first, last, filters))
    assert expected["totals"][0] or filters, "the range holds hits"
    for store, conn in stores:
        answer = store.answer(conn, first, last, filters)
        if answer is None:  # pairs: today's design, one filter at most
            assert len(filters) > 1
            continue
        assert answer == expected, store.name


@pytest.mark.parametrize("filters", [[]] + single_filters(),
                         ids=lambda f: "&".join(f"{d}={v}" for d, v in f) or "none")
def test_every_store_answers_a_single_filter_as_the_plain_count_does(built, filters):
    check(built, filters)


@pytest.mark.parametrize("filters", PAIRS, ids=lambda f: "&".join(f"{d}={v}" for d, v in f))
def test_the_blob_stores_answer_two_filters_as_the_plain_count_does(built, filters):
    check(built, filters)


def test_a_range_inside_one_month_reads_the_same_as_the_plain_count(built):
    days, _first, _last, stores = built
    inside = (built[0], days[40].day, days[50].day, stores)
    check(inside, [("country", "DE")])
