#!/usr/bin/env python3
"""Take the README's dashboard screenshot with the browser-test tooling.

    .venv/bin/python tests/browser/screenshot.py --height 1700         # docs/screenshot.png
    .venv/bin/python tests/browser/screenshot.py --width 360 --scheme dark --out /tmp/phone.png
    .venv/bin/python tests/browser/screenshot.py --range today --height 1000 \
        --out docs/screenshot-today.png
    .venv/bin/python tests/browser/screenshot.py --filter browser=Firefox \
        --out docs/screenshot-filtered.png
    .venv/bin/python tests/browser/screenshot.py --filter event=signup --height 1300 \
        --out docs/screenshot-event.png
    .venv/bin/python tests/browser/screenshot.py --filter browser=Chrome --filter country=DE \
        --height 1000 --out docs/screenshot-two-filters.png

It seeds a temporary database with serve.py's demo (seed_db.py --demo, fixed seed), runs
scripts/serve.py over it and photographs view_stats.html in Debian's Chromium (1280x1500 by
default: the totals, the chart and the first tables), with the tooltip of the busiest day (or
hour) showing. Look at the picture before committing it.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from footfall_browser import CHROMIUM, CHROMIUM_FLAGS, DESKTOP_UA, ROOT, start_site  # noqa: E402
from footfall_testing import FIXED_CLOCK_ENV, NOON  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1500)
    parser.add_argument("--scheme", choices=("light", "dark"), default="light")
    parser.add_argument("--range", default="30d")
    parser.add_argument("--filter", action="append", default=[],
                        help="a filter of the dashboard, e.g. browser=Firefox (again for two)")
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        # Noon on the tests' day, for the server and the page: the same picture on each run,
        # and a Today of twelve hours.
        site = start_site(Path(tmp), seed="demo", env=FIXED_CLOCK_ENV)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(user_agent=DESKTOP_UA, locale="en-US",
                                    color_scheme=args.scheme,
                                    viewport={"width": args.width, "height": args.height})
            page.clock.set_fixed_time(NOON)
            query = "&".join([f"?range={args.range}"] + args.filter)
            page.goto(site.dashboard + query)
            expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
            page.locator("#chart").scroll_into_view_if_needed()
            # Point at the busiest day of the range so the tooltip is in the picture.
            point = page.evaluate("""() => {
                const plot = jQuery('#chart').data('plot');
                const days = plot.getData()[0].data;
                const top = days.reduce((a, b) => (b[1] > a[1] ? b : a));
                const at = plot.pointOffset({x: top[0], y: top[1]});
                const box = document.querySelector('#chart').getBoundingClientRect();
                return {x: box.left + at.left, y: box.top + at.top};
            }""")
            page.mouse.move(point["x"], point["y"])
            expect(page.locator("#tip")).to_be_visible()
            page.screenshot(path=args.out, full_page=args.full_page)
        finally:
            browser.close()
            site.stop()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
