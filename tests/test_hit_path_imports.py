"""The parsers a hit runs (agents, places, languages, campaigns, sketch) import nothing heavy.

Run in a fresh interpreter, as a CGI process is: pytest itself has long since imported re and json.
"""

import os
import subprocess
import sys

from footfall_testing import ROOT

PROGRAM = """
import sys
heavy = {"re", "json", "enum", "hashlib", "threading", "urllib.parse", "zoneinfo", "collections"}
before = heavy & set(sys.modules)
from footfall import agents, campaigns, languages, places, sketch
agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) Version/26.6.1 Mobile/15E148 Safari/604.1"
assert (agents.browser_of(agent), agents.os_of(agent), agents.device_of(agent, "390")) == (
    "Safari", "iOS", "phone")
assert places.country_of("Europe/Zurich", "") == "CH"
assert places.country_of("", "DE") == "DE"
assert languages.language_of("de-CH,de;q=0.9") == "de"
assert campaigns.campaign_of("?utm_campaign=spring&utm_source=news") == ("spring", "news")
assert sketch.add_to_bytes(b"", bytes(range(16)))
print(sorted((heavy & set(sys.modules)) - before))
"""


def test_parsers_on_the_hit_path_import_no_heavy_module():
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=os.path.join(ROOT, "cgi-bin"),
                            capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
