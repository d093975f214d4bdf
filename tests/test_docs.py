"""The README tells the truth: its snippets are the ones the browser tests load, its links resolve."""

import os
import re

import pytest
from footfall_testing import ROOT

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
    README = f.read()


@pytest.mark.parametrize("page", ["jquery-snippet.html", "jquery-snippet-w-tz.html",
                                  "footfall-snippet.html", "pixel-snippet.html",
                                  "badge-snippet.html", "events-snippet.html"])
def test_readme_snippet_is_the_one_the_browser_tests_count(page):
    with open(os.path.join(ROOT, "tests", "browser", "pages", page), encoding="utf-8") as f:
        tested = [line for line in f.read().splitlines() if "{{endpoint}}" in line]
    assert len(tested) == 1
    assert tested[0].replace("{{endpoint}}", "/cgi-bin/stats.py") in README


def test_readme_links_and_images_exist():
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)\)", README)
    assert "docs/screenshot.png" in targets
    for target in targets:
        assert os.path.exists(os.path.join(ROOT, target)), target


def test_readme_gives_the_two_commands():
    assert "```sh\npython3 scripts/serve.py\n```" in README
    assert "```sh\n./scripts/test.sh\n```" in README
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as f:
        assert "./scripts/test.sh" in f.read()
