"""footfall's CGI runner (cgi-bin/footfall/cgi_runner.py) writes what wsgiref.handlers.CGIHandler
writes, byte for byte: status line, headers in order, body, for every request of the HTTP
contract, and also the server's error log. The real stats.py runs as a CGI process twice per
request, once as shipped and once through CGIHandler (tests/wsgiref_stats.py), each on its own
database fed the same requests."""

import io
import os
import sys
from wsgiref.handlers import BaseCGIHandler, read_environ

import pytest
from footfall import cgi_runner, settings
from footfall.app import Application
from footfall.storage import database
from footfall_testing import CGI_SCRIPT, FIXED_CLOCK_ENV, ROOT, cgi_process, post_form

REFERENCE_SCRIPT = os.path.join(ROOT, "tests", "wsgiref_stats.py")
LONG_PAGE = "/" + "a" * 1024
HUGE_BODY = b"page=/a&x=" + b"y" * 300_000
READ_KEY = {"FOOTFALL_READ_KEY": "s3cret"}


def POST(body, **kwargs):
    return dict(method="POST", body=body, **kwargs)


def GET(query="", **kwargs):
    return dict(method="GET", query=query, **kwargs)


# Each case: the requests sent in order (all answers compared), and settings for the process.
CONTRACT = {
    "post counted": ([POST(post_form({"page": "/about", "ref": "https://news.example/x"}))], {}),
    "post of a full URL, unicode page": ([POST(post_form({"page": "https://example.org/caf\u00e9?x=1"}))],
                                         {}),
    "post with a site and cross-origin Origin": (
        [POST(b"page=/a&site=blog.example.org", headers={"Origin": "https://blog.example.org"})], {}),
    "post not counted: bot": ([POST(b"page=/a", headers={"User-Agent": "Googlebot/2.1"})], {}),
    "post not counted: empty user agent": ([POST(b"page=/a", headers={"User-Agent": ""})], {}),
    "post not counted: prefetch": ([POST(b"page=/a", headers={"Sec-Purpose": "prefetch"})], {}),
    "post not counted: flood": ([POST(b"page=/a")] * 3, {"FOOTFALL_FLOOD_LIMIT": "2"}),
    "post not counted: site not allowed": ([POST(b"page=/a&site=elsewhere.example")],
                                           {"FOOTFALL_SITES": "example.org"}),
    "post chunked body": ([POST(b"page=/chunked", chunked=True)], {}),
    "400 page missing": ([POST(b"ref=https://x.example/")], {}),
    "400 page empty": ([POST(b"page=")], {}),
    "400 page too long": ([POST(post_form({"page": LONG_PAGE}))], {}),
    "400 body not UTF-8": ([POST(b"page=%ff")], {}),
    "400 bad percent-encoding": ([POST(b"page=%zz")], {}),
    "400 Content-Length not a number": ([POST(b"page=/a", env={"CONTENT_LENGTH": "ten"})], {}),
    "400 malformed date": ([GET("from=2026-13-01")], {}),
    "400 from after to": ([GET("from=2026-11-28&to=2026-11-01")], {}),
    "400 range too long": ([GET("from=2000-01-01&to=2026-11-28")], {}),
    "400 query string not UTF-8": ([GET("page=%ff")], {}),
    "401 without the read key": ([GET()], READ_KEY),
    "401 with a wrong read key": ([GET(headers={"X-Footfall-Key": "guess"})], READ_KEY),
    "200 with the read key": ([GET(headers={"X-Footfall-Key": "s3cret"})], READ_KEY),
    "405 PUT": ([dict(method="PUT", body=b"page=/a")], {}),
    "405 DELETE": ([dict(method="DELETE")], {}),
    "413 body over the limit": ([POST(HUGE_BODY)], {}),
    "413 chunked body over the limit": ([POST(HUGE_BODY, chunked=True)], {}),
    "500 misconfigured time zone": ([POST(b"page=/a")], {"FOOTFALL_TIMEZONE": "Mars/Olympus"}),
    "500 misconfigured number": ([GET()], {"FOOTFALL_MAX_BODY_BYTES": "lots"}),
    "get after posts": ([POST(b"page=/a"), POST(b"page=/b&ref=https://news.example/"), GET()], {}),
    "get of a page, raw UTF-8 in the query": (
        [POST(post_form({"page": "/caf\u00e9"})), GET("page=/caf\u00e9")], {}),
    "get of a range with a site": ([GET("from=2026-11-01&to=2026-11-28&site=example.org")], {}),
    "head": ([POST(b"page=/a"), dict(method="HEAD")], {}),
    "head without the read key": ([dict(method="HEAD")], READ_KEY),
    "get with a body nobody asked for": ([GET(body=b"x" * 5000)], {}),
}


def _both(tmp_path, requests, settings, garbage_db=False):
    """Every request's (stdout, stderr) through footfall's runner and through CGIHandler."""
    answers = {}
    for name, argv in (("runner", [sys.executable, CGI_SCRIPT]),
                       ("wsgiref", [sys.executable, REFERENCE_SCRIPT])):
        (tmp_path / name).mkdir()
        db = str(tmp_path / name / "footfall.db")
        if garbage_db:
            with open(db, "wb") as f:
                f.write(b"garbage, not SQLite" * 200)
        answers[name] = []
        for request in requests:
            request = dict(request)
            # One fixed noon for every process: the answers name the day, and both runners'
            # must name the same one even when the run crosses midnight.
            env = dict({"FOOTFALL_TIMEZONE": "UTC", **FIXED_CLOCK_ENV}, **settings,
                       **request.pop("env", {}))
            proc = cgi_process(argv, db, env=env, **request)
            answers[name].append((proc.stdout, proc.stderr.decode("utf-8", "replace")))
    return answers["runner"], answers["wsgiref"]


@pytest.mark.parametrize(("requests", "settings"), CONTRACT.values(), ids=CONTRACT.keys())
def test_runner_writes_what_cgihandler_writes(tmp_path, requests, settings):
    ours, reference = _both(tmp_path, requests, settings)
    assert ours == reference
    assert all(stdout.startswith(b"Status: ") for stdout, _ in ours)


def test_runner_writes_what_cgihandler_writes_for_an_unreadable_database(tmp_path):
    ours, reference = _both(tmp_path, [POST(b"page=/a")], {}, garbage_db=True)
    assert ours[0][0] == reference[0][0]
    assert ours[0][0].startswith(b"Status: 500 Internal Server Error\r\n")
    assert "Traceback" in ours[0][1] and "Traceback" in reference[0][1]


# ---------------------------------------------------------------------------------------------
# In-process: answers a CGI process cannot easily be brought to give, against BaseCGIHandler
# (what CGIHandler is, given os.environ and the process's streams)
# ---------------------------------------------------------------------------------------------

def _in_process(application, environ, body=b""):
    outputs = []
    for run in (_run_ours, _run_wsgiref):
        stdout, stderr = io.BytesIO(), io.StringIO()
        run(application, dict(environ), io.BytesIO(body), stdout, stderr)
        outputs.append(stdout.getvalue())
    return outputs


def _run_ours(application, environ, stdin, stdout, stderr):
    cgi_runner.run(application, environ, stdin, stdout, stderr)


def _run_wsgiref(application, environ, stdin, stdout, stderr):
    BaseCGIHandler(stdin, stdout, stderr, environ, multithread=False,
                   multiprocess=True).run(application)


CGI_ENVIRON = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "192.0.2.10",
               "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}


def test_runner_writes_what_cgihandler_writes_for_a_locked_database_503(db_path, monkeypatch):
    blocker = database.connect(db_path)
    blocker.execute("begin immediate")
    monkeypatch.setattr(database, "REQUEST_WAIT_SECONDS", 0.3)
    body = b"page=/late"
    environ = dict(CGI_ENVIRON, CONTENT_LENGTH=str(len(body)))
    try:
        application = Application(settings.Config(db=db_path, timezone="UTC"))
        ours, reference = _in_process(application, environ, body)
    finally:
        blocker.execute("rollback")
        blocker.close()
    assert ours == reference
    assert ours.startswith(b"Status: 503 Service Unavailable\r\n")


def _crashing(environ, start_response):
    raise RuntimeError("boom")


def _late_crash(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    raise RuntimeError("boom")


def _two_blocks(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"one", b"two"]


def _generator(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"made on the fly"


def _nothing(environ, start_response):
    start_response("204 No Content", [])
    return []


def _empty_block(environ, start_response):
    start_response("200 OK", [("X-Empty", "yes")])
    return [b""]


def _write_callable(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"written, ")
    return [b"then returned"]


def _own_length(environ, start_response):
    start_response("200 OK", [("content-length", "2")])
    return [b"ok"]


@pytest.mark.parametrize("application", [
    _crashing, _late_crash, _two_blocks, _generator, _nothing, _empty_block, _write_callable,
    _own_length], ids=lambda app: app.__name__.strip("_").replace("_", " "))
def test_runner_writes_what_cgihandler_writes_for_any_shape_of_answer(application):
    ours, reference = _in_process(application, dict(CGI_ENVIRON, REQUEST_METHOD="GET"))
    assert ours == reference


@pytest.mark.parametrize("value", [
    "plain", "caf\u00e9", "caf\udcc3\udca9", "\u65e5\u672c", "a\udcffb"],
    ids=["ascii", "unicode", "undecoded UTF-8", "CJK", "undecodable byte"])
@pytest.mark.parametrize("name", ["QUERY_STRING", "HTTP_REFERER", "REDIRECT_QUERY_STRING",
                                  "SSL_CLIENT_S_DN", "FOOTFALL_DB", "DOCUMENT_ROOT"])
def test_runner_reads_the_environment_as_wsgiref_does(monkeypatch, name, value):
    environ = {name: value, "PATH": "/usr/bin"}
    monkeypatch.setattr(os, "environ", environ)
    assert cgi_runner.read_environ(environ) == read_environ()
