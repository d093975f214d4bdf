#!/usr/bin/env python3
"""Take the README's dashboard screenshot with the browser-test tooling.

    .venv/bin/python tests/browser/screenshot.py                       # docs/screenshot.png
    .venv/bin/python tests/browser/screenshot.py --width 360 --scheme dark --out /tmp/phone.png

It seeds a temporary database with the demo data (fixed seed), runs scripts/serve.py over it and
photographs view_stats.html in Debian's Chromium, with the tooltip of one day showing. Look at
the picture before committing it.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from footfall_browser import CHROMIUM, CHROMIUM_FLAGS, DESKTOP_UA, ROOT, start_site  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--scheme", choices=("light", "dark"), default="light")
    parser.add_argument("--range", default="30d")
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        site = start_site(Path(tmp), seed=7)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(user_agent=DESKTOP_UA, locale="en-US",
                                    color_scheme=args.scheme,
                                    viewport={"width": args.width, "height": args.height})
            page.goto(f"{site.dashboard}?range={args.range}")
            expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
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
