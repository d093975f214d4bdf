"""The dashboard's Broken links table, filled by an imported access log (scripts/import_log.py)."""

import datetime
import subprocess
import sys

from footfall_browser import SCRIPTS, _script_env
from playwright.sync_api import expect
from test_dashboard import open_dashboard

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
HOSTILE_PATH = "/<img/src=x/onerror=window.__pwned=1>"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def log_line(day, target, status, ref="-"):
    stamp = f"{day.day:02d}/{MONTHS[day.month - 1]}/{day.year}:12:00:00 +0000"
    return f'203.0.113.1 - - [{stamp}] "GET {target} HTTP/1.1" {status} 100 "{ref}" "{FIREFOX}"\n'


def test_broken_links_of_an_imported_log_are_listed_as_text(pages, fresh_site, tmp_path):
    day = datetime.date(2026, 11, 26)  # two days before the pinned clocks' today
    log = tmp_path / "access.log"
    log.write_text(log_line(day, "/", 200)
                   + log_line(day, "/old-post", 404, "https://blog.example.org/a") * 2
                   + log_line(day, HOSTILE_PATH, 410), encoding="utf-8")
    subprocess.run([sys.executable, str(SCRIPTS / "import_log.py"), "--db", str(fresh_site.db),
                    "--site", "example.com", str(log)],
                   env=_script_env(tmp_path), check=True, capture_output=True, timeout=60)
    page = open_dashboard(pages, fresh_site)
    expect(page.locator("#broken-box")).to_be_visible()
    rows = page.locator("#broken-body tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).locator("th, td").all_text_contents() for i in (0, 1)] == [
        ["/old-post", "blog.example.org", "2"], [HOSTILE_PATH, "(none)", "1"]]
    assert page.locator("#report img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_broken_links_stay_hidden_without_imported_logs(pages, seeded_site):
    page = open_dashboard(pages, seeded_site)
    expect(page.locator("#pages-box")).to_be_visible()
    expect(page.locator("#broken-box")).to_be_hidden()
