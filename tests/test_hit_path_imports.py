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
assert sketch.Sketch().add(bytes(range(16))).to_bytes()
print(sorted((heavy & set(sys.modules)) - before))
"""


def test_parsers_on_the_hit_path_import_no_heavy_module():
    result = subprocess.run([sys.executable, "-c", PROGRAM], cwd=os.path.join(ROOT, "cgi-bin"),
                            capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


HIT = """
import atexit, runpy, sys
atexit.register(lambda: sys.stderr.write("MODULES " + " ".join(sorted(sys.modules)) + "\\n"))
sys.argv = ["stats.py"]
runpy.run_path("stats.py", run_name="__main__")
"""
# What only a GET, an export, an event, an error or another backend needs: a hit pays for none.
NOT_ON_THE_HIT_PATH = {"json", "footfall.insights", "footfall.exports", "footfall.images",
                       "footfall.query", "footfall.access", "footfall.summary",
                       "footfall.events", "footfall.storage.totals",
                       "footfall.storage.event_sums", "footfall.storage.identifiers",
                       "footfall.storage.copies", "footfall.storage.migrations",
                       "footfall.storage.breakdowns", "footfall.storage.today",
                       "footfall.storage.bulk", "footfall.storage.events",
                       "footfall.storage.dialect", "footfall.storage.postgres",
                       "footfall.storage.pg_schema", "psycopg"}


def test_a_counted_hit_imports_nothing_only_a_get_or_another_backend_needs(tmp_path):
    body = b"page=%2Fabout&site=example.com&w=1280&tz=Europe%2FBerlin"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    env.update({"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(body)), "FOOTFALL_DB": str(tmp_path / "f.db"),
                "REMOTE_ADDR": "192.0.2.1", "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/133.0",
                "SERVER_NAME": "example.com", "SERVER_PORT": "80", "GATEWAY_INTERFACE": "CGI/1.1",
                "SERVER_PROTOCOL": "HTTP/1.1"})
    result = subprocess.run([sys.executable, "-c", HIT], cwd=os.path.join(ROOT, "cgi-bin"),
                            input=body, env=env, capture_output=True, check=True)
    assert b'"counted":true' in result.stdout, result.stdout
    modules = set(result.stderr.decode().split("MODULES ")[1].split())
    assert "footfall.storage.record" in modules  # the hit path did run
    assert sorted(modules & NOT_ON_THE_HIT_PATH) == []
