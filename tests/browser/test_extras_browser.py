"""The CSV download, the notes on the chart, the <noscript> pixel and the badge in Chromium."""

import datetime
import functools
import http.server
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

import pytest
from footfall_browser import HERE, SCRIPTS, start_site
from playwright.sync_api import expect

HOSTILE_NOTE = "<img src=x onerror=window.__pwned=1>"


def open_dashboard(pages, site, query="", **context_options):
    page = pages.open(**context_options)
    page.goto(site.dashboard + query)
    expect(page.locator("#main")).to_have_attribute("aria-busy", "false")
    return page


def api_bytes(site, headers=None, **query):
    request = urllib.request.Request(site.api + "?" + urllib.parse.urlencode(query),
                                     headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def note(site, *args):
    result = subprocess.run([sys.executable, str(SCRIPTS / "note.py"), "--db", str(site.db), *args],
                            capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def noted_site(tmp_path):
    """Three months of demo data with two notes in the last 30 days, written by note.py."""
    site = start_site(tmp_path, seed=7)
    today = datetime.date.fromisoformat(site.stats()["to"])
    site.note_days = [(today - datetime.timedelta(days=20)).isoformat(),
                      (today - datetime.timedelta(days=9)).isoformat()]
    note(site, "add", site.note_days[0], "New design")
    note(site, "add", site.note_days[1], HOSTILE_NOTE)
    yield site
    site.stop()


# ---------------------------------------------------------------------------------------------
# CSV download
# ---------------------------------------------------------------------------------------------

def test_downloaded_csv_is_the_api_csv_of_the_view_shown(pages, private_site, tmp_path):
    page = open_dashboard(pages, private_site, "?range=7d#key=" + private_site.read_key)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download these days as CSV").click()
    saved = tmp_path / "saved.csv"
    download.value.save_as(saved)
    name = download.value.suggested_filename
    assert name.startswith("footfall-") and name.endswith(".csv")
    first, last = name[len("footfall-"):-len(".csv")][:10], name[-len(".csv") - 10:-len(".csv")]
    expected = api_bytes(private_site, {"X-Footfall-Key": private_site.read_key},
                         format="csv", **{"from": first, "to": last})
    assert saved.read_bytes() == expected
    assert expected.startswith(b"day,page,visitors,pageviews\r\n") and expected.count(b"\n") > 2
    # The file covers the 7 days shown, ending today.
    assert (datetime.date.fromisoformat(last) - datetime.date.fromisoformat(first)).days == 6


def test_downloaded_csv_under_a_filter_is_the_api_csv_of_that_filter(pages, private_site,
                                                                      tmp_path):
    page = open_dashboard(pages, private_site,
                          "?range=7d&browser=Chrome#key=" + private_site.read_key)
    expect(page.locator(".chip-text")).to_have_text("Browser: Chrome")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download these days as CSV").click()
    saved = tmp_path / "saved.csv"
    download.value.save_as(saved)
    name = download.value.suggested_filename
    first, last = name[len("footfall-"):-len(".csv")][:10], name[-len(".csv") - 10:-len(".csv")]
    expected = api_bytes(private_site, {"X-Footfall-Key": private_site.read_key},
                         format="csv", browser="Chrome", **{"from": first, "to": last})
    unfiltered = api_bytes(private_site, {"X-Footfall-Key": private_site.read_key},
                           format="csv", **{"from": first, "to": last})
    assert saved.read_bytes() == expected
    assert expected.count(b"\n") > 2 and expected != unfiltered


# ---------------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------------

def test_notes_are_listed_with_before_after_and_the_delete_command(pages, noted_site):
    page = open_dashboard(pages, noted_site)
    answer = noted_site.stats(**{"from": noted_site.note_days[0]})
    notes = {n["text"]: n for n in answer["notes"]}
    items = page.locator("#notes-list li")
    expect(items).to_have_count(2)
    first = notes["New design"]
    expect(items.nth(0)).to_contain_text("New design")
    before, after = round(first["before"]), round(first["after"])
    pct = round((first["after"] - first["before"]) / first["before"] * 100)
    sign = "+" if pct > 0 else "\u2212" if pct < 0 else "\u00b1"
    expect(items.nth(0)).to_contain_text(
        f"before {before}/day \u2192 after {after}/day ({sign}{abs(pct)}%)")
    expect(items.nth(0)).to_contain_text("(means of 14 days before, 14 days from it)")
    expect(items.nth(0).locator("code")).to_have_text(f"python3 scripts/note.py delete {first['id']}")
    # The hostile note is text, never markup; and no button can delete a note.
    expect(items.nth(1)).to_contain_text(HOSTILE_NOTE)
    assert page.evaluate("window.__pwned") is None
    expect(page.locator("#notes-box button")).to_have_count(0)


def test_chart_marks_each_note_and_hover_shows_its_text_and_change(pages, noted_site):
    page = open_dashboard(pages, noted_site)
    markings = page.evaluate("""() => jQuery('#chart').data('plot').getOptions().grid.markings
        .map(m => new Date(m.xaxis.from).toISOString().slice(0, 10))""")
    assert markings == noted_site.note_days
    # Move to the note's line, above the data where no point is near.
    point = page.evaluate("""(day) => {
        const plot = jQuery('#chart').data('plot');
        const at = plot.pointOffset({x: Date.parse(day), y: 0});
        const box = document.querySelector('#chart').getBoundingClientRect();
        return {x: box.left + at.left, y: box.top + 12};
    }""", noted_site.note_days[0])
    page.mouse.move(point["x"], point["y"])
    tip = page.locator("#tip")
    expect(tip).to_be_visible()
    expect(tip.locator(".note")).to_have_text("New design")
    expect(tip).to_contain_text("before ")
    expect(tip).to_contain_text("/day \u2192 after ")


# ---------------------------------------------------------------------------------------------
# The pixel and the badge, on pages of another origin
# ---------------------------------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def badge_site(tmp_path):
    (tmp_path / "app").mkdir()
    site = start_site(tmp_path / "app", env={"FOOTFALL_BADGES": "on"})
    yield site
    site.stop()


def serve_pages(tmp_path, api):
    docroot = tmp_path / "pages"
    docroot.mkdir()
    for source in (HERE / "pages").glob("*.html"):
        text = source.read_text(encoding="utf-8").replace("{{endpoint}}", api)
        (docroot / source.name).write_text(text, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def test_noscript_pixel_counts_a_visit_with_javascript_off(pages, snippet_pages, fresh_site):
    page = pages.open(java_script_enabled=False)
    with page.expect_response(lambda r: "pixel=1" in r.url) as pixel:
        page.goto(snippet_pages + "/pixel-snippet.html")
    assert pixel.value.status == 200
    assert pixel.value.headers["content-type"] == "image/gif"
    assert pixel.value.headers.get("x-footfall") is None
    assert page.evaluate("document.querySelector('img').naturalWidth") == 1  # not a broken image
    answer = fresh_site.stats()
    assert [(p["page"], p["visitors"], p["pageviews"]) for p in answer["pages"]] == [("/about", 1, 1)]


def test_noscript_pixel_stays_silent_with_javascript_on(pages, snippet_pages, fresh_site):
    page = pages.open()
    page.goto(snippet_pages + "/pixel-snippet.html")
    page.wait_for_load_state("networkidle")
    assert fresh_site.stats()["totals"]["pageviews"] == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_badge_shows_in_a_page_and_follows_the_colour_scheme(pages, badge_site, tmp_path, scheme):
    for _ in range(3):
        badge_site.post_hit("/about")
    server, base = serve_pages(tmp_path, badge_site.api)
    try:
        page = pages.open(color_scheme=scheme)
        page.goto(base + "/badge-snippet.html")
        image = page.get_by_role("img", name="Pageviews of this page")
        expect(image).to_be_visible()
        assert page.evaluate("document.querySelector('img').naturalWidth") > 40
        assert ">3<" in api_bytes(badge_site, badge="1", page="/about").decode()
    finally:
        pages.close()  # before its server stops: a page still fetching would log a reset
        server.shutdown()
        server.server_close()
    # The badge on its own: its <style> picks the colours of the reader's scheme.
    svg = pages.open(color_scheme=scheme)
    svg.goto(badge_site.api + "?badge=1&page=/about")
    fills = svg.evaluate("""() => ['rect.l', 'rect.v', 'text'].map(
        (s) => getComputedStyle(document.querySelector(s)).fill)""")
    assert fills == {"light": ["rgb(74, 74, 74)", "rgb(11, 110, 79)", "rgb(255, 255, 255)"],
                     "dark": ["rgb(214, 214, 214)", "rgb(126, 226, 184)", "rgb(17, 17, 17)"]}[scheme]
