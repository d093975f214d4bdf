"""The visitor's language from the Accept-Language header."""

import pytest
from footfall import languages


@pytest.mark.parametrize("header, language", [
    ("de-CH,de;q=0.9,en;q=0.8", "de"),
    ("en-US,en;q=0.5", "en"),
    ("fr", "fr"),
    ("EN-gb", "en"),
    ("zh-Hant-TW,zh;q=0.9", "zh"),
    ("fil-PH", "fil"),
    ("en_US", "en"),
    ("  pt-BR , pt;q=0.9", "pt"),
    ("es;q=0.8,de", "es"),
    ("*", ""),
    ("*;q=0.5,de", ""),
    ("", ""),
    ("i-klingon", ""),
    ("x-pig-latin", ""),
    ("english", ""),
    ("d3", ""),
    ("dé", ""),
    (",de", ""),
    ("de" * 200, ""),
], ids=["swiss-german", "us-english", "bare", "upper-case", "script-subtag", "three-letters",
        "posix-underscore", "padded", "first-tag-not-highest-q", "wildcard", "wildcard-first", "empty",
        "grandfathered-i", "private-use-x", "word", "digit", "non-ascii", "empty-first-tag", "huge"])
def test_language_is_the_primary_subtag_of_the_first_tag(header, language):
    assert languages.language_of(header) == language
