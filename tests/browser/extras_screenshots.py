#!/usr/bin/env python3
"""Take the README's pictures of the counter badge, the <noscript> pixel and a note on the chart.

    .venv/bin/python tests/browser/extras_screenshots.py     # docs/badge-light.png, badge-dark.png,
                                                             # docs/pixel.png, docs/notes.png

Like screenshot.py: demo data with a fixed seed, served by scripts/serve.py, photographed in
Debian's Chromium. Look at the pictures before committing them.
"""

import datetime
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from footfall_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP_UA,
    HERE,
    ROOT,
    SCRIPTS,
    start_site,
)

DOCS = ROOT / "docs"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve_pages(folder, api):
    """The README's snippet pages on another origin, pointing at api."""
    for source in (HERE / "pages").glob("*.html"):
        (folder / source.name).write_text(
            source.read_text(encoding="utf-8").replace("{{endpoint}}", api), encoding="utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def side_by_side(*captioned):
    """An HTML page showing PNG screenshots next to each other, each under its caption."""
    import base64

    figures = "".join(
        f'<figure><figcaption>{caption}</figcaption><img src="data:image/png;base64,'
        f'{base64.b64encode(png).decode()}"></figure>' for caption, png in captioned)
    return ('<body style="margin:0;padding:12px;display:flex;gap:20px;align-items:flex-start;'
            'font:600 15px sans-serif;background:#e9e9e4">' + figures.replace(
                "<figure>", '<figure style="margin:0">').replace(
                "<img ", '<img style="display:block;border:1px solid #bbb;margin-top:6px" ')
            + "</body>")


def main():
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        (tmp / "site").mkdir()
        (tmp / "pages").mkdir()
        site = start_site(tmp / "site", seed=7, env={"FOOTFALL_BADGES": "on"})
        today = datetime.date.fromisoformat(site.stats()["to"])
        for days_ago, text in ((41, "New design"), (12, "Posted on Hacker News")):
            day = (today - datetime.timedelta(days=days_ago)).isoformat()
            subprocess.run([sys.executable, str(SCRIPTS / "note.py"), "--db", str(site.db), "add",
                            day, text], check=True, capture_output=True)
        server, base = serve_pages(tmp / "pages", site.api)
        (tmp / "empty").mkdir()
        (tmp / "pages2").mkdir()
        empty = start_site(tmp / "empty")
        pixel_server, pixel_base = serve_pages(tmp / "pages2", empty.api)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for scheme in ("light", "dark"):
                page = browser.new_page(user_agent=DESKTOP_UA, color_scheme=scheme,
                                        viewport={"width": 640, "height": 160})
                page.goto(base + "/badge-snippet.html")
                expect(page.get_by_role("img")).to_be_visible()
                page.screenshot(path=str(DOCS / f"badge-{scheme}.png"))
                page.close()

            # A visit with JavaScript off to an empty footfall, counted by the pixel: the page
            # on the left, the dashboard's top pages on the right.
            quiet = browser.new_page(user_agent=DESKTOP_UA, java_script_enabled=False,
                                     viewport={"width": 560, "height": 190})
            quiet.goto(pixel_base + "/pixel-snippet.html")
            quiet.wait_for_load_state("networkidle")
            left = quiet.screenshot()
            quiet.close()
            page = browser.new_page(user_agent=DESKTOP_UA, locale="en-US",
                                    viewport={"width": 1280, "height": 800})
            page.goto(empty.dashboard + "?range=7d")
            expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
            right = page.locator("#pages-box").screenshot()
            page.close()
            page = browser.new_page(viewport={"width": 1140, "height": 240})
            page.set_content(side_by_side(("A page read with JavaScript off", left),
                                          ("footfall's dashboard", right)))
            page.wait_for_function(
                "Array.from(document.images).every((i) => i.complete && i.naturalWidth)")
            page.screenshot(path=str(DOCS / "pixel.png"))

            page.close()
            page = browser.new_page(user_agent=DESKTOP_UA, locale="en-US",
                                    viewport={"width": 1280, "height": 800})
            page.goto(site.dashboard + "?range=90d")
            expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
            point = page.evaluate("""() => {
                const plot = jQuery('#chart').data('plot');
                const note = plot.getOptions().grid.markings[1].xaxis.from;
                const at = plot.pointOffset({x: note, y: 0});
                const box = document.querySelector('#chart').getBoundingClientRect();
                return {x: box.left + at.left, y: box.top + 30};
            }""")
            page.mouse.move(point["x"], point["y"])
            page.locator(".chart-panel").scroll_into_view_if_needed()
            expect(page.locator("#tip")).to_be_visible()
            page.locator(".chart-panel").screenshot(path=str(DOCS / "notes.png"))
        finally:
            browser.close()
            server.shutdown()
            pixel_server.shutdown()
            site.stop()
            empty.stop()
    for name in ("badge-light.png", "badge-dark.png", "pixel.png", "notes.png"):
        print(DOCS / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
