#!/usr/bin/env python3
"""Weigh the dashboard and time its chart, as tests/browser/test_dashboard_weight.py weighs it.

    .venv/bin/python tests/browser/weigh.py                 # 30 days of the demo data, 9 loads
    .venv/bin/python tests/browser/weigh.py --against main  # and main's, load for load

Over the seeded demo data (fixed seed, the tests' day at noon) served by scripts/serve.py, it
loads view_stats.html in Debian's Chromium and prints each response gzipped (`gzip -9`: what a
server that compresses sends), their sum, and the time from the start of the navigation until
the chart is drawn (a MutationObserver notes when flot's canvas is in #chart, after jQuery.plot
returns): the median and the spread of the loads, each in a fresh context, without cache.
Times depend on the machine and what else it runs (the load average is printed before and
after); the weight does not. --against REF serves the dashboard of a git commit too, from a copy
of its static/, scripts/ and cgi-bin/ over the same data, and alternates the loads of the two (each
first in turn), so that both see the same machine. The
server is on this machine: --latency MS adds a round trip to each request, as over a network.
"""

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from footfall_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP_UA,
    ROOT,
    serve,
    start_site,
)
from footfall_testing import FIXED_CLOCK_ENV, NOON  # noqa: E402

# Runs before the page's scripts: a promise of the moment flot's canvas is first in #chart. It keeps the
# browser's own performance.now (milliseconds since the navigation began): the page's is
# Playwright's fake clock once set_fixed_time has run, whose count starts when the context's clock
# was set, before the page was even made (it added some 200 ms to every load).
CHART_DRAWN = """
window.__chartDrawn = new Promise(function (resolve) {
  var sinceNavigation = performance.now.bind(performance);
  new MutationObserver(function (changes, observer) {
    var chart = document.getElementById('chart');
    if (chart && chart.querySelector('canvas.flot-base')) {
      resolve(sinceNavigation());
      observer.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
});
"""


def collector(responses):
    """A handler that keeps each response (Playwright takes no bound builtin such as .append)."""
    return lambda response: responses.append(response)


def checkout(ref, folder):
    """The dashboard, scripts and app of a git commit, copied into folder; its scripts folder."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "static",
                              "scripts", "cgi-bin"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "scripts"


def load(browser, site, query, latency):
    """One load of the dashboard in a fresh context: (ms to the chart, {path: gzipped bytes})."""
    context = browser.new_context(user_agent=DESKTOP_UA, locale="en-US",
                                  viewport={"width": 1280, "height": 900})
    context.add_init_script(CHART_DRAWN)  # before the clock's own script
    context.clock.set_fixed_time(NOON)
    page = context.new_page()
    if latency:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": latency, "downloadThroughput": -1,
            "uploadThroughput": -1})
    responses = []
    page.on("response", collector(responses))
    page.goto(site.dashboard + query)
    # The chart first, awaited rather than polled: each poll of expect() that fails walks the
    # page's accessibility tree (Playwright's snapshot for its error message) on the main thread
    # the dashboard draws on, tens of ms of each load before this waited for the chart first.
    drawn = page.evaluate("window.__chartDrawn")
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#report")).to_be_visible()  # not an error
    expect(page.locator("#change-visits")).not_to_have_text("\u2026")
    weights = {r.url.split("/", 3)[-1]: len(gzip.compress(r.body(), 9, mtime=0))
               for r in responses if r.status == 200}
    context.close()
    return drawn, weights


def summary(times):
    return (f"{statistics.median(times):.0f} ms (median of {len(times)}; "
            f"{min(times):.0f} to {max(times):.0f})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--range", default="30d")
    parser.add_argument("--loads", type=int, default=9)
    parser.add_argument("--against", metavar="REF", help="a git commit to time load for load")
    parser.add_argument("--latency", type=float, default=0, metavar="MS",
                        help="each request's round trip, as Chromium emulates it (0: none)")
    args = parser.parse_args(argv)
    query = f"?range={args.range}"
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        site = start_site(tmp, seed=7, env=FIXED_CLOCK_ENV)
        sites = [site]
        if args.against:
            other = tmp / "against"
            other.mkdir()
            scripts = checkout(args.against, other)
            shutil.copy(site.db, other / "footfall.db")
            sites.append(serve(other / "footfall.db", other, FIXED_CLOCK_ENV, scripts=scripts))
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        times, weights = [[] for _ in sites], {}
        try:
            for n in range(args.loads):
                # In turn first: a load right after another one is faster.
                order = list(enumerate(sites))
                for i, served in order if n % 2 == 0 else order[::-1]:
                    drawn, weighed = load(browser, served, query, args.latency)
                    times[i].append(drawn)
                    if i == 0:
                        weights = weighed
        finally:
            browser.close()
            for served in sites:
                served.stop()
    for name, size in sorted(weights.items(), key=lambda item: -item[1]):
        print(f"{size / 1000:7.1f} KB  {name}")
    print(f"{sum(weights.values()) / 1000:7.1f} KB  all-in, gzipped")
    print(f"chart drawn {summary(times[0])} after the navigation began")
    if args.against:
        print(f"{args.against}: chart drawn {summary(times[1])}")
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
