"""Several machines, simulated: two gunicorn instances of four workers each, on two ports, count
hits into one PostgreSQL while 32 clients send to both. Every hit answered 200 and counted is
stored exactly once, and a visitor whose hits reach both instances is one visitor."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from footfall_testing import BROWSER_UA, CGI_BIN, FIXED_CLOCK_ENV, counts

CLIENTS = 32
VISITORS = 16  # each visitor's hits come from two clients, one starting on each instance
PAGES = 5
VISITS_EACH = 20  # per client: 4 of each page, alternating between the instances
HOT_EACH = 6  # per client, of /hot: 12 per visitor, of which the flood rule counts 10


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port, process, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {open(log).read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not listen on {port}: {open(log).read()}")


@pytest.fixture
def two_instances(pg_url, tmp_path):
    """Two gunicorn instances against one database: their ports."""
    pytest.importorskip("gunicorn")
    env = dict(os.environ, FOOTFALL_DB=pg_url, FOOTFALL_TIMEZONE="UTC", HOME=str(tmp_path),
               **FIXED_CLOCK_ENV)
    servers = []
    try:
        for number in range(2):
            port, log = _free_port(), str(tmp_path / f"gunicorn-{number}.log")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
                 "--chdir", CGI_BIN, "--error-logfile", log, "stats:application"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers.append((port, process, log))
        for port, process, log in servers:
            _wait_for(port, process, log)
        yield [port for port, _, _ in servers]
    finally:
        for _, process, _ in servers:
            process.terminate()
        for _, process, _ in servers:
            process.wait(timeout=30)


def _post(port, page, agent):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/", body=f"page={page}&site=example.com",
                     headers={"User-Agent": agent,
                              "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _client(ports, number):
    # The visitor is the address (all 127.0.0.1 here), the browser and the site: the browser
    # string tells the 16 visitors apart.
    agent = f"{BROWSER_UA} Visitor/{number % VISITORS}"
    pages = [f"/p{i % PAGES}" for i in range(VISITS_EACH)] + ["/hot"] * HOT_EACH
    return [_post(ports[(number + i) % 2], page, agent) for i, page in enumerate(pages)]


def test_two_instances_store_every_counted_hit_once_and_each_visitor_once(two_instances, pg_url):
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = [a for batch in pool.map(lambda n: _client(two_instances, n), range(CLIENTS))
                   for a in batch]
    assert [status for status, _ in answers if status != 200] == []
    counted = sum(1 for _, body in answers if body.get("counted") is True)
    flooded = sum(1 for _, body in answers if body.get("reason") == "flood")
    assert (counted, flooded) == (800, 32)  # 16 visitors x (40 + 10 of /hot); 16 x 2 floods
    assert counts(pg_url) == {"visitors": VISITORS, "pageviews": 800}
    for page in range(PAGES):
        assert counts(pg_url, page=f"/p{page}") == {"visitors": VISITORS, "pageviews": 128}
    assert counts(pg_url, page="/hot") == {"visitors": VISITORS, "pageviews": 160}
