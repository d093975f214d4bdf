"""scripts/load.py against the private Apache: 32 visitors at once, nothing lost."""

import json
import os
import subprocess
import sys
import uuid

from footfall_apache import ALLOWED_SITE, READ_KEY, ROOT

LOAD = os.path.join(ROOT, "scripts", "load.py")


def test_load_script_explains_itself():
    result = subprocess.run([sys.executable, LOAD, "--help"], capture_output=True, text=True,
                            check=True)
    for option in ("--url", "--clients", "--hits"):
        assert option in result.stdout


def test_32_concurrent_visitors_lose_no_hit_and_never_see_a_5xx(apache):
    # Short version of the run in docs/deploy.md: every hit lands on a page of its own, so all
    # must be counted and read back inside their transaction; being test hits, none may stay.
    hits = 96
    result = subprocess.run(
        [sys.executable, LOAD, "--url", f"{apache.url}/cgi-bin/stats.py", "--clients", "32",
         "--hits", str(hits), "--site", "load-test.example", "--json"],
        capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(result.stdout)
    assert report["statuses"] == {"200": hits}, report
    assert report["connection_errors"] == {}
    assert report["counted"] == hits
    assert report["read_back"] == hits
    assert report["left_in_stats"] == 0
    assert result.returncode == 0 and report["ok"]
    log = apache.read_error_log()
    assert "database is locked" not in log
    assert "Traceback" not in log


def test_the_hits_of_a_run_on_private_stats_read_back_with_the_key(apache):
    # The /stats/ copy is private (FOOTFALL_READ_KEY): its test hits read back to the key only.
    # A subdomain of its one allowed site, of this test alone: other tests of the session count
    # real hits of ALLOWED_SITE there, which "left in stats" would see.
    site = f"load-{uuid.uuid4().hex[:8]}.{ALLOWED_SITE}"
    result = subprocess.run(
        [sys.executable, LOAD, "--url", f"{apache.url}/stats/stats.py", "--clients", "2",
         "--hits", "4", "--site", site, "--key", READ_KEY, "--json"],
        capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(result.stdout)
    assert (report["counted"], report["read_back"], report["left_in_stats"]) == (4, 4, 0)
    assert result.returncode == 0 and report["ok"]
