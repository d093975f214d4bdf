"""footfall's import beside GoAccess (Debian's goaccess, run for real) on the same generated log.

GoAccess is given footfall's filters where it has one: --ignore-crawlers with
--unknowns-as-crawlers (footfall counts only browsers), footfall's static file extensions
(--static-file, --all-static-files, --ignore-statics=panel) and every status but 2xx and 304
ignored (--ignore-status). Three rules still differ; each is counted line by line here, and
GoAccess's daily hits and unique visitors must equal exactly what the rules say:

- method: GoAccess counts every method (a search form's POST answered 200); footfall a GET only.
- flood: footfall counts at most 10 views of a page by a visitor in 60 s; GoAccess all of them.
- crawler lists: GoAccess's list of crawlers and footfall's bot rules disagree on some agents
  of the crawler corpus (found by asking GoAccess about each agent of the log).

docs/import.md gives the figures; the difference must stay under 1%.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from footfall import counting, logformats, settings
from footfall.importing.importer import Importer
from footfall.storage import database
from footfall_testing import SCRIPTS

sys.path.insert(0, SCRIPTS)
import make_access_log  # noqa: E402

GOACCESS = shutil.which("goaccess")
# scripts/test.sh installs GoAccess and sets FOOTFALL_REQUIRE_GOACCESS: there a missing one fails.
pytestmark = pytest.mark.skipif(GOACCESS is None and not os.environ.get("FOOTFALL_REQUIRE_GOACCESS"),
                                reason="goaccess is not installed (scripts/test.sh installs it)")


def goaccess_filters():
    """The command-line options that give GoAccess footfall's filters, where it has them."""
    return (["--no-global-config", "--log-format=COMBINED", "--ignore-crawlers",
             "--unknowns-as-crawlers", "--ignore-statics=panel", "--all-static-files"]
            + [f"--static-file=.{extension}" for extension in sorted(logformats.ASSET_EXTENSIONS)]
            + [f"--ignore-status={status}" for status in IGNORED_STATUSES])


# footfall counts a page answered 2xx or 304: GoAccess ignores every other status it may meet.
IGNORED_STATUSES = [status for status in range(100, 600)
                    if not (200 <= status < 300 or status == 304)
                    and (status < 104 or 300 <= status < 309 or 400 <= status < 452
                         or 500 <= status < 512)]


def run_goaccess(log_path, output_path):
    if GOACCESS is None:
        pytest.fail("goaccess is missing: apt-get install goaccess (scripts/test.sh does)")
    subprocess.run([GOACCESS, log_path, *goaccess_filters(), "-o", output_path],
                   check=True, capture_output=True, timeout=300)
    with open(output_path, encoding="utf-8") as f:
        return json.load(f)


def goaccess_days(report):
    """{YYYY-MM-DD: (unique visitors, hits)} of GoAccess's visitors panel."""
    return {f"{row['data'][:4]}-{row['data'][4:6]}-{row['data'][6:]}":
            (row["visitors"]["count"], row["hits"]["count"])
            for row in report["visitors"]["data"]}


def goaccess_crawlers(agents, tmp_path):
    """The agents GoAccess ignores as crawlers: one request each, see which paths it keeps."""
    probe = tmp_path / "probe.log"
    with open(probe, "w", encoding="utf-8") as f:
        for number, agent in enumerate(agents):
            escaped = agent.replace("\\", "\\\\").replace('"', '\\"')
            f.write(f'192.0.2.1 - - [01/Jan/2026:00:00:00 +0000] "GET /probe/{number} HTTP/1.1" '
                    f'200 1 "-" "{escaped}"\n')
    report = run_goaccess(str(probe), str(tmp_path / "probe.json"))
    kept = {row["data"] for row in report["requests"]["data"]}
    return {agent for number, agent in enumerate(agents) if f"/probe/{number}" not in kept}


def footfall_days(db):
    conn = sqlite3.connect(db)
    try:
        return {day: (visitors, pageviews) for day, visitors, pageviews in
                conn.execute("select day, visitors, pageviews from daily_site")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """The generated log, footfall's and GoAccess's daily figures, and the lines by rule."""
    tmp_path = tmp_path_factory.mktemp("goaccess")
    log_path = str(tmp_path / "access.log")
    with open(log_path, "w", encoding="utf-8") as out:
        make_access_log.generate(out, seed=7, days=30, visits=300)
    db = str(tmp_path / "footfall.db")
    config = settings.Config(db=db, timezone="UTC")
    conn = database.connect(db)
    Importer(conn, config, "combined", "example.com", until="2026-12-31").run([log_path])
    conn.close()
    lines = []
    parse = logformats.compile_format("combined")
    with open(log_path, encoding="utf-8") as f:
        lines = [logformats.LogLine._make(line) for line in map(parse, f) if line is not None]
    crawlers = goaccess_crawlers(sorted({line.user_agent for line in lines}), tmp_path)
    return {"footfall": footfall_days(db), "goaccess": goaccess_days(run_goaccess(log_path, str(
        tmp_path / "report.json"))), "rules": lines_by_rule(lines, crawlers)}


def lines_by_rule(lines, goaccess_crawlers):
    """Per day: the (ip, agent) of every hit GoAccess counts and footfall would count before its
    flood rule, and the lines of each rule that differs."""
    days = {}
    for line in lines:
        day = datetime.datetime.fromtimestamp(line.ts, datetime.timezone.utc).date().isoformat()
        path = logformats.path_of(line.target)
        if not (200 <= line.status < 300 or line.status == 304) or logformats.is_asset(path):
            continue  # both ignore these: same filters
        rules = days.setdefault(day, {"both": [], "method": [],
                                      "goaccess only crawler list": [],
                                      "footfall only bot rule": []})
        goaccess_counts = line.user_agent not in goaccess_crawlers
        footfall_bot = counting.is_bot(line.user_agent)
        visitor = (line.ip, line.user_agent, logformats.path_of(line.target), line.ts)
        if not goaccess_counts:
            if not footfall_bot and line.method == "GET":
                rules["footfall only bot rule"].append(visitor)
            continue
        if footfall_bot:
            rules["goaccess only crawler list"].append(visitor)
        elif line.method != "GET":
            rules["method"].append(visitor)
        else:
            rules["both"].append(visitor)
    return days


DIFFERING = ("method", "goaccess only crawler list")


def flooded(views):
    """How many views the flood rule drops: a view of a page when the visitor's counted views
    of it in the 60 s before number 10 (counting.judge_view, restated)."""
    counted, dropped = {}, 0
    for ip, agent, page, ts in sorted(views, key=lambda view: view[3]):
        times = counted.setdefault((ip, agent, page), [])
        if sum(1 for t in times if t > ts - 60) >= 10:
            dropped += 1
        else:
            times.append(ts)
    return dropped


def visitors_of(views):
    return {(ip, agent) for ip, agent, _, _ in views}


def test_footfall_counts_what_it_shares_with_goaccess_less_floods(compared):
    floods = 0
    for day, rules in compared["rules"].items():
        views = rules["both"] + rules["footfall only bot rule"]
        floods += flooded(views)
        assert compared["footfall"].get(day, (0, 0)) == (len(visitors_of(views)),
                                                         len(views) - flooded(views)), day
    assert floods > 0  # the generated log has reload storms


def test_goaccess_counts_what_it_shares_with_footfall_plus_the_listed_rules(compared):
    for day, (visitors, hits) in compared["goaccess"].items():
        rules = compared["rules"][day]
        views = rules["both"] + [view for rule in DIFFERING for view in rules[rule]]
        assert (visitors, hits) == (len(visitors_of(views)), len(views)), day


def test_footfall_and_goaccess_differ_by_less_than_one_percent(compared):
    totals = {}
    for name in ("footfall", "goaccess"):
        totals[name] = [sum(counts[i] for counts in compared[name].values()) for i in (0, 1)]
    print(json.dumps(totals))
    for i, what in enumerate(("visitors", "page views")):
        footfall, goaccess = totals["footfall"][i], totals["goaccess"][i]
        assert abs(goaccess - footfall) / goaccess < 0.01, (what, footfall, goaccess)


def test_every_differing_rule_shows_up_in_the_generated_log(compared):
    # The comparison means something only when each rule has lines to differ on.
    seen = {rule: sum(len(rules[rule]) for rules in compared["rules"].values())
            for rule in DIFFERING + ("footfall only bot rule",)}
    print(json.dumps(seen))
    assert all(seen[rule] > 0 for rule in DIFFERING), seen


def test_bench_prints_the_import_row_beside_goaccess(tmp_path):
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "bench.py"), "--data",
                             str(tmp_path), "--logs", "3000"], capture_output=True, text=True,
                            timeout=300, check=True)
    assert "| footfall import_log.py |" in result.stdout
    assert "| GoAccess 1." in result.stdout
    assert "footfall / GoAccess: " in result.stdout
