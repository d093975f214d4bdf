"""footfall behind nginx and fcgiwrap, configured as docs/deploy.md section 3 shows.

A private nginx and fcgiwrap serve the site the private Apache deployed (same home, same
database), so only the web server differs. Skipped where nginx or fcgiwrap is not installed.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import uuid
from urllib.parse import urlencode

import pytest
from footfall_apache import CGI_PATH, CGI_USER, HERE, free_port, render, request
from footfall_testing import visits  # noqa: E402

NGINX = "/usr/sbin/nginx"
FCGIWRAP = "/usr/sbin/fcgiwrap"
SCRIPT = "/cgi-bin/stats.py"


def wait_for(check, what, process):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {process.stderr.read().decode()}")
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within 15 s")


def can_connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.stderr.close()


@pytest.fixture(scope="module")
def nginx(apache):
    if not (os.path.exists(NGINX) and os.path.exists(FCGIWRAP)):
        message = "nginx and fcgiwrap are not installed (apt-get install nginx fcgiwrap)"
        if os.environ.get("FOOTFALL_REQUIRE_NGINX"):
            pytest.fail(message)
        pytest.skip(message)
    root = os.path.join(apache.base, "nginx")
    for sub in ("logs", "run", "fcgi", "nginx-tmp"):
        os.makedirs(os.path.join(root, sub))
    socket_path = os.path.join(root, "fcgi", "fcgiwrap.sock")
    as_root = os.geteuid() == 0
    # fcgiwrap runs the script as www-data, as Debian's fcgiwrap service does.
    drop = {}
    if as_root:
        user = pwd.getpwnam(CGI_USER)
        os.chown(os.path.join(root, "fcgi"), user.pw_uid, user.pw_gid)
        drop = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    fcgiwrap = subprocess.Popen([FCGIWRAP, "-c", "4", "-s", f"unix:{socket_path}"],
                                env={"PATH": CGI_PATH}, stderr=subprocess.PIPE,
                                start_new_session=True, **drop)
    port = free_port()
    with open(os.path.join(HERE, "nginx.conf.in"), encoding="utf-8") as f:
        config = render(f.read(), {"SERVER_ROOT": root, "PORT": str(port), "HOME": apache.home,
                                   "FCGI_SOCKET": socket_path,
                                   "USER": f"user {CGI_USER};" if as_root else ""})
    # The snippet's relative `include fastcgi_params` finds it beside the config, as in /etc/nginx.
    shutil.copy("/etc/nginx/fastcgi_params", root)
    config_path = os.path.join(root, "nginx.conf")
    with open(config_path, "w", encoding="utf-8") as f:
        f.write(config)
    server = None
    try:
        wait_for(lambda: os.path.exists(socket_path), "fcgiwrap", fcgiwrap)
        server = subprocess.Popen([NGINX, "-p", root, "-e", os.path.join(root, "logs", "start.log"),
                                   "-c", config_path], stderr=subprocess.PIPE,
                                  start_new_session=True)
        wait_for(lambda: can_connect(port), "nginx", server)
        yield f"http://127.0.0.1:{port}"
        with open(os.path.join(root, "logs", "nginx-error.log"), encoding="utf-8") as f:
            log = f.read()
        assert "Traceback" not in log and "footfall:" not in log, log
    finally:
        if server is not None:
            stop(server)
        stop(fcgiwrap)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def site():
    return f"n{uuid.uuid4().hex[:12]}.example"


def test_hits_through_nginx_are_counted_and_read_back(nginx, site):
    posted = request(nginx, "POST", SCRIPT, body=urlencode({"page": "/via-nginx", "site": site}))
    assert posted.status == 200, posted
    assert posted.headers["Content-Type"] == "application/json; charset=utf-8"
    assert posted.json()["counted"] is True
    stats = request(nginx, "GET", f"{SCRIPT}?site={site}")
    assert visits(stats.json()["totals"]) == {"visitors": 1, "pageviews": 1}


def test_errors_keep_their_status_and_json_through_fcgiwrap(nginx):
    bad = request(nginx, "POST", SCRIPT, body=b"page=")
    assert bad.status == 400 and bad.json()["error"]
    refused = request(nginx, "DELETE", SCRIPT)
    assert refused.status == 405
    assert refused.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    head = request(nginx, "HEAD", SCRIPT)
    assert head.status == 200 and head.body == b""


def test_nginx_refuses_big_bodies_before_the_script_runs(nginx):
    assert request(nginx, "POST", SCRIPT, body=b"page=/" + b"a" * 70_000).status == 413


@pytest.mark.parametrize("path", ["/cgi-bin/footfall/app.py", "/cgi-bin/.htaccess",
                                  "/cgi-bin/footfall/", "/stats/.htaccess",
                                  "/../footfall/footfall.db", "/footfall/footfall.db"])
def test_nothing_but_the_script_is_served_from_the_cgi_bin(nginx, path):
    response = request(nginx, "GET", path)
    assert response.status in (400, 403, 404), response
    assert b"import" not in response.body and b"SQLite" not in response.body
