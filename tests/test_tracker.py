"""static/footfall.js as a file: built from static/footfall.src.js by scripts/build_tracker.py and
current, the size the README gives, under its budget, and strict code. What it does in a browser
is tested in tests/browser/test_snippets.py."""

import os
import re
import subprocess
import sys

import pytest
from footfall_testing import ROOT, SCRIPTS

sys.path.insert(0, SCRIPTS)
import build_tracker  # noqa: E402

TRACKER = os.path.join(ROOT, "static", "footfall.js")
SOURCE = os.path.join(ROOT, "static", "footfall.src.js")
# The most footfall.js may weigh gzipped; it pays for every page view. Issue 11 (w, tz, q and the
# visible-seconds beacon) took it from 689 to 948 bytes; issue 12 added events, outbound links
# and downloads, and the built, renamed copy (with beacons only, the site from the Origin) came
# to 735: Plausible's base script, which does less.
BUDGET = 735


def gzipped_size():
    """Bytes of `gzip -9 -n` (the file's bytes alone, as a server compresses them)."""
    with open(TRACKER, "rb") as f:
        data = f.read()
    return len(subprocess.run(["gzip", "-9", "-n", "-c"], input=data, capture_output=True,
                              check=True).stdout)


def test_tracker_is_under_its_size_budget_and_the_readme_says_its_size():
    size = gzipped_size()
    assert size <= BUDGET
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    assert f"({size} bytes gzipped" in readme
    with open(os.path.join(ROOT, "docs", "dashboard.md"), encoding="utf-8") as f:
        assert f"{size} bytes gzipped" in f.read()


def test_shipped_tracker_is_built_from_the_current_source():
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build_tracker.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("source, built", [
    pytest.param('var page = 1;\n// a comment\nf({ page: page, x: o.page });',
                 'var p=1;f({page:p,x:o.page});\n', id="names-not-keys-or-properties"),
    pytest.param('post({ ...view, a: "x  // y" });', 'b({...v,a:"x  // y"});\n',
                 id="spread-and-strings"),
    pytest.param('x = a - -b; y = /\\.(pdf) $/.test(name);', 'x=a- -b;y=/\\.(pdf) $/.test(y);\n',
                 id="signs-and-regex"),
    pytest.param('tick = (now) => { now = 1; };', 'i=x=>{x=1};\n', id="arrow"),
])
def test_the_build_drops_comments_and_layout_and_shortens_local_names(source, built):
    assert build_tracker.build(source) == built


def test_tracker_is_strict_and_compares_strictly():
    with open(SOURCE, encoding="utf-8") as f:
        source = f.read()
    assert '"use strict";' in source
    assert re.findall(r"(?<![=!])==(?!=)|!=(?!=)", source) == []  # === and !== only


def test_docs_list_every_reason_the_tracker_gives_for_a_skipped_view():
    with open(SOURCE, encoding="utf-8") as f:
        # The reasons are the strings the skip rules of send() give: `? "x"` or `&& "x"`.
        reasons = {a or b for a, b in re.findall(r'\? "([^"]+)"|&& "([^"]+)"', f.read())}
    with open(os.path.join(ROOT, "docs", "dashboard.md"), encoding="utf-8") as f:
        documented = set(re.findall(r"`footfall: not counted: ([^`]+)`", f.read()))
    assert reasons == documented == {"webdriver", "same page", "footfall_ignore"}
