"""scripts/bench.py --quick runs end to end (part of the test command); its figures are not asserted:
speed goals live in the benchmark and docs/performance.md, never in a timed test."""

import os
import subprocess
import sys

from footfall_testing import SCRIPTS


def test_bench_quick_runs_and_prints_every_table(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTFALL_")}
    result = subprocess.run(
        [sys.executable, os.path.join(SCRIPTS, "bench.py"), "--quick", "--data", str(tmp_path),
         "--python", sys.executable],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for heading in ("# footfall benchmark (quick run)", "## Reading a chart",
                    "## Logging a hit as CGI", "## Logging hits in one long-lived process",
                    "## Storage", "## Seeding"):
        assert heading in result.stdout
    assert "| footfall `stats.py` POST |" in result.stdout
    assert "| footfall through `wsgiref.handlers.CGIHandler`" in result.stdout
    assert "footfall / floor in each round: " in result.stdout and "goal at most 1.25x: " in result.stdout
    assert "| 100,000 | 365 |" in result.stdout
