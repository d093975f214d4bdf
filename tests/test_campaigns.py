"""Campaign and source names read from a page's query string: footfall.js's q, else the query of
the page field itself (a snippet sending location.pathname + location.search, a pixel's page=)."""

import urllib.parse

import pytest
from footfall import campaigns
from footfall_testing import post_form


@pytest.mark.parametrize("query, campaign, source", [
    ("?utm_campaign=spring&utm_source=newsletter", "spring", "newsletter"),
    ("utm_campaign=spring&utm_source=newsletter", "spring", "newsletter"),
    ("?utm_source=newsletter", "", "newsletter"),
    ("?utm_campaign=spring", "spring", ""),
    ("?ref=producthunt", "", "producthunt"),
    ("?source=mastodon", "", "mastodon"),
    ("?source=b&ref=a&utm_source=c", "", "c"),
    ("?source=b&ref=a", "", "a"),
    ("?utm_campaign=spring+sale&utm_source=News%20Letter", "spring sale", "News Letter"),
    ("?utm_campaign=%E6%98%A5", "春", ""),
    ("?utm_campaign=a&utm_campaign=b", "a", ""),
    ("?utm_campaign=++spring++", "spring", ""),
    ("?UTM_CAMPAIGN=spring", "", ""),
    ("?page=2&q=shoes", "", ""),
    ("?utm_source=", "", ""),
    ("?utm_source=&ref=hn", "", "hn"),
    ("", "", ""),
    ("?", "", ""),
], ids=["both", "without-question-mark", "source-only", "campaign-only", "ref", "source",
        "utm-source-first", "ref-before-source", "plus-and-percent", "utf8", "first-wins", "padded",
        "names-are-case-sensitive", "other-parameters", "empty-source", "empty-falls-back", "empty",
        "only-question-mark"])
def test_campaign_and_source_are_read_from_the_query(query, campaign, source):
    assert campaigns.campaign_of(query) == (campaign, source)


@pytest.mark.parametrize("query, campaign, source", [
    ("?utm_campaign=%zz&utm_source=x", "", ""),
    ("?utm_campaign=%E6%98", "", ""),
    ("?utm_campaign=\ud800", "", ""),
    ("?utm_campaign=a%0Ab&utm_source=x", "", "x"),
    ("?utm_campaign=a%00", "", ""),
    ("?utm_campaign=a%7F", "", ""),
    ("?utm_campaign=a%C2%85", "", ""),
    ("?utm_source=a%09b&ref=hn", "", "hn"),
    ("?utm_campaign=x&" + "y" * 4096, "", ""),
], ids=["bad-percent-drops-all", "truncated-utf8-drops-all", "lone-surrogate", "newline-refused",
        "nul-refused", "del-refused", "c1-next-line-refused", "tab-refused-falls-back", "query-over-4096"])
def test_invalid_names_are_dropped_and_the_rest_kept(query, campaign, source):
    assert campaigns.campaign_of(query) == (campaign, source)


def test_a_long_name_is_cut_to_100_characters():
    campaign, source = campaigns.campaign_of("?utm_campaign=" + "c" * 150 + "&utm_source=" + "s" * 99)
    assert campaign == "c" * 100
    assert source == "s" * 99


@pytest.mark.parametrize("page, query, campaign, source", [
    ("/landing?utm_campaign=spring&utm_source=newsletter", "", "spring", "newsletter"),
    ("/landing?utm_campaign=spring", "utm_campaign=summer", "summer", ""),
    ("https://example.com/landing?ref=hn#top", "", "", "hn"),
    ("/landing#section?utm_campaign=spring", "", "", ""),
    ("/landing", "", "", ""),
], ids=["page-query-when-q-is-absent", "q-wins", "full-address-without-fragment",
        "fragment-is-no-query", "no-query"])
def test_campaign_of_a_hit_reads_q_else_the_page_address(page, query, campaign, source):
    assert campaigns.campaign_of_hit(page, query) == (campaign, source)


LANDING = "/landing?utm_campaign=spring&utm_source=newsletter"


@pytest.mark.parametrize("hit", [
    {"method": "POST", "body": post_form({"page": LANDING, "site": "example.com"})},
    {"query": urllib.parse.urlencode({"pixel": "1", "page": LANDING, "site": "example.com"})},
], ids=["post-of-location-pathname-and-search", "noscript-pixel"])
def test_a_page_field_with_a_query_counts_its_campaign_and_source(app, hit):
    assert app(**hit).status == 200
    answer = app(query="from=2026-11-28").json()
    assert answer["campaigns"] == [{"campaign": "spring", "visitors": 1, "pageviews": 1}]
    assert answer["referrers"] == [{"ref": "newsletter", "visitors": 1, "pageviews": 1}]
    assert [row["page"] for row in answer["pages"]] == ["/landing"]
