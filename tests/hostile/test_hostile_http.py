"""Hostile requests against the real thing: Apache running stats.py as CGI, and the CGI script
as a bare process. Whatever arrives, footfall answers 2xx or 4xx, stores nothing it should not,
and hands back what it stored as inert JSON text.
"""

import os
import uuid
from urllib.parse import quote, urlencode

import pytest
from footfall_apache import BROWSER_UA, parse_raw_response, raw_request, run_cgi

SCRIPT = "/cgi-bin/stats.py"
BIG = 50 * 1024 * 1024


@pytest.fixture
def site():
    return f"h{uuid.uuid4().hex[:12]}.example"


def totals(apache, site):
    return apache.request("GET", f"{SCRIPT}?site={site}").json()["totals"]


def raw_post(apache, headers, body=b"", shutdown_write=False):
    head = (f"POST {SCRIPT} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {BROWSER_UA}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n")
    data = (head + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
    return parse_raw_response(raw_request(apache.port, data + body, shutdown_write))


def chunked(body, size=1000):
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


# --- Bodies: too big, lying, chunked ----------------------------------------------------------

def test_a_huge_body_is_refused_by_apache_before_the_script_runs(apache):
    # Content-Length over LimitRequestBody: Apache answers 413 without reading the body.
    response = raw_post(apache, {"Content-Length": str(BIG)}, b"page=/" + b"a" * 65536)
    assert response.status == 413


def test_a_huge_chunked_body_is_cut_off_at_apaches_limit(apache, site):
    body = f"site={site}&page=/".encode() + b"a" * 200_000
    response = raw_post(apache, {"Transfer-Encoding": "chunked"}, chunked(body))
    assert response.status == 413
    assert totals(apache, site)["pageviews"] == 0


def test_a_chunked_body_over_footfalls_limit_gets_its_413_json(apache, site):
    body = f"site={site}&page=/".encode() + b"a" * 6000
    response = raw_post(apache, {"Transfer-Encoding": "chunked"}, chunked(body))
    assert response.status == 413
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_a_small_chunked_hit_is_counted(apache, site):
    # What a client that streams its body sends: no Content-Length at all.
    response = raw_post(apache, {"Transfer-Encoding": "chunked"},
                        chunked(f"site={site}&page=/streamed".encode(), size=7))
    assert response.status == 200
    assert totals(apache, site)["pageviews"] == 1


def test_a_body_shorter_than_its_content_length_is_refused_and_not_counted(apache, site):
    response = raw_post(apache, {"Content-Length": "500"},
                        f"site={site}&page=/short".encode(), shutdown_write=True)
    assert response.status == 400
    assert totals(apache, site)["pageviews"] == 0


def test_a_body_longer_than_its_content_length_is_read_only_as_far_as_declared(apache, site):
    body = f"site={site}&page=/declared&junk".encode()
    declared = len(f"site={site}&page=/declared")
    response = raw_post(apache, {"Content-Length": str(declared)}, body, shutdown_write=True)
    assert response.status == 200
    assert response.body.count(b'"page":"/declared"') == 1


@pytest.mark.parametrize("lengths", [["10", "20"], ["-5"], ["ten"]])
def test_nonsense_content_lengths_get_400(apache, lengths):
    head = (f"POST {SCRIPT} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {BROWSER_UA}\r\n"
            + "".join(f"Content-Length: {n}\r\n" for n in lengths) + "Connection: close\r\n\r\n")
    response = parse_raw_response(raw_request(apache.port, head.encode() + b"page=/x",
                                              shutdown_write=True))
    assert response.status == 400


def baseline_memory_kib(tmp_path):
    """Peak memory of the script answering an ordinary hit: Python, sqlite3 and footfall."""
    return max(run_cgi(str(tmp_path / "base.db"), body=b"page=/")[1] for _ in range(2))


@pytest.mark.parametrize("content_length", [str(BIG), ""], ids=["announced", "chunked"])
def test_a_huge_body_does_not_grow_the_cgi_process(tmp_path, content_length):
    # 50 MiB streamed in; without CONTENT_LENGTH is how a chunked request reaches a CGI script.
    # The script reads at most its limit and drains a little, so its peak memory stays within
    # a few MiB of an ordinary hit's.
    chunks = (b"page=/" + b"a" * (1024 * 1024 - 6) for _ in range(50))
    response, peak_kib = run_cgi(str(tmp_path / "f.db"), body_chunks=chunks,
                                 content_length=content_length)
    assert response.status == 413
    assert peak_kib < baseline_memory_kib(tmp_path) + 8 * 1024, f"peak {peak_kib} KiB"


# --- Encodings, NUL, length -------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"page=/caf\xe9",            # Latin-1, not UTF-8
    b"page=/%c3%28",             # percent-encoded invalid UTF-8
    b"page=/%ed%a0%80",          # an encoded surrogate
    b"page=/%",                  # truncated escape
    b"page=/%4",
    b"page=/%g0",
    b"page=/a%00b",              # NUL, encoded
    b"page=/a\x00b",             # NUL, raw
    b"page=/a&site=x%00.example",
    b"page=/a&site=%3Cscript%3E",  # a site is a host name, not markup
])
def test_undecodable_or_control_character_input_gets_400_and_stores_nothing(apache, body):
    marker = f"{uuid.uuid4().hex[:12]}.example"
    response = apache.request("POST", SCRIPT, body=body + f"&site={marker}".encode())
    assert response.status == 400, response
    assert response.json()["error"]
    assert totals(apache, marker)["pageviews"] == 0


@pytest.mark.parametrize("query", ["page=%ff", "page=/%c3%28", "page=%00", "from=%", "site=%zz"])
def test_undecodable_query_strings_get_400(apache, query):
    response = apache.request("GET", f"{SCRIPT}?{query}")
    assert response.status == 400
    assert response.json()["error"]


def test_a_page_of_ten_thousand_characters_is_refused_and_not_stored(apache, site):
    page = "/" + "p" * 9999
    posted = apache.request("POST", SCRIPT, body=urlencode({"page": page, "site": site}))
    assert posted.status == 413  # over the 4096-byte body limit before the page is even read
    read = apache.request("GET", f"{SCRIPT}?site={site}&page={page}")
    assert read.status in (400, 414)  # footfall's page limit, or Apache's request-line limit
    assert totals(apache, site)["pageviews"] == 0


def test_a_page_just_over_the_page_limit_is_refused(apache, site):
    response = apache.request("POST", SCRIPT, body=urlencode({"page": "/" + "p" * 1024,
                                                              "site": site}))
    assert response.status == 400
    assert totals(apache, site)["pageviews"] == 0


# --- SQL and markup are data ------------------------------------------------------------------

HOSTILE_PAGES = [
    "/'; drop table daily_site; --",
    "/\" or 1=1 --",
    "/x' union select salt from salts --",
    "/<script>alert(1)</script>",
    "/\"><img src=x onerror=alert(1)>",
    "/%3Csvg onload=alert(1)%3E",
    "/{{7*7}}${7*7}",
]


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_sql_and_markup_in_a_page_are_stored_and_returned_as_plain_text(apache, site, page):
    posted = apache.request("POST", SCRIPT, body=urlencode({"page": page, "site": site}))
    assert posted.status == 200 and posted.json()["counted"] is True
    stored = posted.json()["page"]
    stats = apache.request("GET", f"{SCRIPT}?site={site}")
    assert stats.headers["Content-Type"] == "application/json; charset=utf-8"
    assert stats.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in stats.headers["Content-Security-Policy"]
    assert [p["page"] for p in stats.json()["pages"]] == [stored]
    assert stored == page.split("?")[0]
    # The page can also be asked for by name and is matched exactly, not as a pattern.
    by_name = apache.request("GET", f"{SCRIPT}?site={site}&page={quote(stored, safe='')}")
    assert by_name.json()["totals"]["pageviews"] == 1
    # And the database still works for everyone else.
    assert apache.request("POST", SCRIPT, body=urlencode({"page": "/", "site": site})).status == 200


def test_markup_in_referrer_and_user_agent_never_comes_back(apache, site):
    ref = "https://evil.example/<script>alert(1)</script>?q='--"
    agent = BROWSER_UA + " <script>alert(2)</script>"
    posted = apache.request("POST", SCRIPT, body=urlencode({"page": "/", "site": site,
                                                            "ref": ref}),
                            headers={"User-Agent": agent})
    assert posted.json()["counted"] is True
    answer = apache.request("GET", f"{SCRIPT}?site={site}")
    # Referrers are reported by host; the User-Agent only ever feeds the visitor hash.
    assert answer.json()["referrers"] == [{"ref": "evil.example", "visitors": 1, "pageviews": 1}]
    assert b"alert" not in answer.body


# --- Dates and parameters ---------------------------------------------------------------------

@pytest.mark.parametrize("query,status", [
    ("from=0001-01-01&to=0001-01-10", 200),
    ("from=9999-12-22&to=9999-12-31", 200),
    ("to=9999-12-31", 200),
    ("from=0000-01-01", 400),
    ("from=10000-01-01", 400),
    ("from=-001-01-01", 400),
    ("from=2024-13-01", 400),
    ("from=2024-00-10", 400),
    ("from=1970-01-01&to=2026-01-01", 400),  # more than 3660 days
    ("from=2024-01-01T00:00", 400),
    ("from=+2024-01-01", 400),
])
def test_dates_out_of_range_get_400_never_500(apache, query, status):
    response = apache.request("GET", f"{SCRIPT}?{query}")
    assert response.status == status, response
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_unknown_and_repeated_parameters_are_ignored(apache, site):
    body = urlencode([("page", "/first"), ("page", "/second"), ("site", site), ("admin", "1"),
                      ("__proto__", "x")])
    posted = apache.request("POST", SCRIPT, body=body)
    assert posted.json()["page"] == "/first"
    stats = apache.request("GET", f"{SCRIPT}?site={site}&debug=1&callback=alert")
    assert stats.status == 200
    assert stats.body.startswith(b"{")  # no JSONP: a callback parameter changes nothing


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "PROPFIND"])
def test_other_methods_are_refused_and_store_nothing(apache, site, method):
    response = apache.request(method, SCRIPT, body=urlencode({"page": "/", "site": site}))
    assert response.status == 405
    assert response.json()["error"]
    assert totals(apache, site)["pageviews"] == 0


def test_options_with_a_hit_body_stores_nothing(apache, site):
    response = apache.request("OPTIONS", SCRIPT, body=urlencode({"page": "/", "site": site}))
    assert response.status == 204 and response.body == b""
    assert totals(apache, site)["pageviews"] == 0


def test_head_stores_nothing_and_sends_no_body(apache, site):
    response = apache.request("HEAD", f"{SCRIPT}?site={site}&page=/")
    assert response.status == 200 and response.body == b""
    assert totals(apache, site)["pageviews"] == 0


# --- The bare CGI process ---------------------------------------------------------------------

@pytest.mark.parametrize("body,status", [
    (b"page=/ok", 200),
    (b"page=/caf\xe9", 400),
    (b"page=%00", 400),
    (b"\xff\xfe\x00\x00", 400),
    (b"page=" + b"/x" * 3000, 413),
])
def test_the_cgi_script_answers_hostile_bodies_with_json(tmp_path, body, status):
    response, _peak = run_cgi(str(tmp_path / "f.db"), body=body)
    assert response.status == status
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.errors == ""


def test_the_cgi_script_reads_no_more_than_content_length(tmp_path):
    response, _peak = run_cgi(str(tmp_path / "f.db"), body=b"page=/abc&site=a.example",
                              content_length="9")
    assert response.status == 200
    assert b'"page":"/abc"' in response.body


def test_the_cgi_script_refuses_a_content_length_that_is_not_a_number(tmp_path):
    response, _peak = run_cgi(str(tmp_path / "f.db"), body=b"page=/", content_length="12abc")
    assert response.status == 400


def test_a_database_path_that_cannot_be_created_is_a_logged_500_without_details(tmp_path):
    # Not hostile input but a hostile host: the answer must not leak paths or tracebacks.
    blocker = tmp_path / "file"
    blocker.write_text("")
    response, _peak = run_cgi(os.path.join(str(blocker), "sub", "f.db"), body=b"page=/")
    assert response.status == 500
    assert str(tmp_path).encode() not in response.body
    assert b"Traceback" not in response.body
