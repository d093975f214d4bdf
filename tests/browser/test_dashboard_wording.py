"""The dashboard's small things, in headless Chromium: plurals, what a refused key says, a page
opened from disk, and the header on a 390 px phone."""

import pathlib

import pytest
from playwright.sync_api import expect
from test_dashboard import open_dashboard

STATIC = pathlib.Path(__file__).resolve().parents[2] / "static"


def test_a_busiest_day_of_one_visit_says_visit(pages, fresh_site):
    assert fresh_site.post_hit("/only")["counted"] is True
    page = open_dashboard(pages, fresh_site, "?range=7d")
    expect(page.locator("#busiest")).to_have_text("1 visit")


def test_a_typed_key_that_is_refused_says_so(pages, private_site):
    pages.allow("status of 401")
    page = open_dashboard(pages, private_site)
    expect(page.locator("#keyform-why")).to_contain_text("The stats on this site are private")
    page.get_by_label("Read key", exact=True).fill("not-the-key")
    page.get_by_role("button", name="Show the stats").click()
    expect(page.locator("#keyform-why")).to_have_text(
        "That key was refused. Check it and try again: it is the one setup_db.py printed "
        "(or FOOTFALL_READ_KEY).")


def test_a_dashboard_opened_as_a_file_says_to_use_a_web_server(pages):
    # The page's modulepreload links: a browser loads no module from a file.
    pages.allow("has been blocked by CORS policy|net::ERR_FAILED")
    page = pages.open()
    page.goto((STATIC / "view_stats.html").as_uri())
    expect(page.locator("#error-box")).to_be_visible()
    expect(page.locator("#error-text")).to_contain_text("Open it through a web server")
    expect(page.locator("#error-text")).to_contain_text("python3 scripts/serve.py")
    expect(page.locator("#status")).to_be_hidden()


@pytest.mark.parametrize("width", [390, 412], ids=["iphone-390", "android-412"])
def test_on_a_phone_the_range_buttons_fit_one_row_below_a_spaced_title(pages, seeded_site,
                                                                        width):
    page = open_dashboard(pages, seeded_site, viewport={"width": width, "height": 844},
                          is_mobile=True, has_touch=True)
    boxes = [b.bounding_box() for b in page.locator(".ranges button").all()]
    assert len({round(b["y"]) for b in boxes}) == 1, boxes  # one row
    assert max(b["x"] + b["width"] for b in boxes) <= width
    assert page.locator("h1").bounding_box()["y"] >= 10  # not against the top edge


def imported_and_live(site, tmp_path):
    """Three visits of 2026-11-26 from an access log (no time, no language), and one live visit
    today from a browser that says its language and reports its visible seconds (0: the server
    counts no more than the time since the view)."""
    import subprocess
    import sys
    import urllib.request

    from footfall_browser import DESKTOP_UA, SCRIPTS, _script_env

    log = tmp_path / "access.log"
    log.write_text("".join(
        f'203.0.113.{n} - - [26/Nov/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 100 "-" '
        f'"{DESKTOP_UA}"\n' for n in (1, 2, 3)), encoding="utf-8")
    subprocess.run([sys.executable, str(SCRIPTS / "import_log.py"), "--db", str(site.db),
                    "--site", "example.com", str(log)],
                   env=_script_env(tmp_path), check=True, capture_output=True, timeout=60)
    for body in (b"page=/&site=example.com", b"seconds=30&page=/&site=example.com"):
        request = urllib.request.Request(site.api, data=body, headers={
            "User-Agent": DESKTOP_UA, "Accept-Language": "de-CH,de;q=0.9"})
        urllib.request.urlopen(request, timeout=10).close()


def test_time_per_visit_says_how_few_visits_were_timed(pages, fresh_site, tmp_path):
    imported_and_live(fresh_site, tmp_path)
    page = open_dashboard(pages, fresh_site, "?range=7d")
    expect(page.locator("#time-note")).to_have_text("1 of 4 visits timed")


def test_languages_say_how_many_visits_told_none(pages, fresh_site, tmp_path):
    imported_and_live(fresh_site, tmp_path)
    page = open_dashboard(pages, fresh_site, "?range=7d")
    expect(page.locator("#languages-body tr")).to_have_count(1)
    expect(page.locator("#languages-note")).to_have_text(
        "3 of 4 visits told no language: an access log does not record it.")
