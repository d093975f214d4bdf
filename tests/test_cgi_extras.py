"""The pixel, the badge and the CSV export through cgi-bin/stats.py as a real CGI process."""

import csv
import io
import xml.etree.ElementTree as ElementTree

from footfall import images
from footfall_testing import FIXED_CLOCK_ENV, counts, run_cgi


def test_pixel_as_cgi_is_the_gif_byte_for_byte_and_counts(db_path):
    response = run_cgi(db_path, "GET", query="pixel=1&page=/noscript&site=example.org")
    assert response.status == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.headers["content-length"] == "43"
    assert response.body == images.PIXEL_GIF
    assert counts(db_path, page="/noscript") == {"visitors": 1, "pageviews": 1}


def test_pixel_as_cgi_says_why_it_did_not_count(db_path):
    response = run_cgi(db_path, "GET", query="pixel=1&page=/a",
                       headers={"User-Agent": "Wget/1.21"})
    assert response.status == 200 and response.body == images.PIXEL_GIF
    assert response.headers["x-footfall"] == "not counted: bot"


def test_pixel_as_cgi_needs_no_read_key(db_path):
    response = run_cgi(db_path, "GET", query="pixel=1&page=/a", env={"FOOTFALL_READ_KEY": "k"})
    assert response.status == 200 and "x-footfall" not in response.headers
    assert counts(db_path) == {"visitors": 1, "pageviews": 1}


def test_badge_as_cgi(db_path):
    run_cgi(db_path, "POST", body=b"page=/a")
    off = run_cgi(db_path, "GET", query="badge=1&page=/a")
    assert off.status == 404 and off.json() == {"error": "badges are off (setting badges)"}
    on = run_cgi(db_path, "GET", query="badge=1&page=/a", env={"FOOTFALL_BADGES": "on"})
    assert on.status == 200
    assert on.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert on.headers["cache-control"] == "public, max-age=300"
    root = ElementTree.fromstring(on.body)
    assert root.find("{http://www.w3.org/2000/svg}title").text == "/a: 1 view"


def test_csv_as_cgi(db_path):
    # One day for all four processes, even at midnight.
    fixed = FIXED_CLOCK_ENV
    run_cgi(db_path, "POST", body=b"page=/a", env=fixed)
    run_cgi(db_path, "POST", body=b"page=/b", env=fixed)
    day = run_cgi(db_path, "POST", body=b"page=/b", env=fixed).json()["day"]
    response = run_cgi(db_path, "GET", query=f"format=csv&from={day}", env=fixed)
    assert response.status == 200
    assert response.headers["content-disposition"] == \
        f'attachment; filename="footfall-{day}-{day}.csv"'
    assert list(csv.reader(io.StringIO(response.body.decode()))) == [
        ["day", "page", "visitors", "pageviews"], [day, "/a", "1", "1"], [day, "/b", "1", "2"]]
